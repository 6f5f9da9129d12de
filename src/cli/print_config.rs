//! `gohint --print-config`: the configuration `--check` would use for the
//! same paths and flags, written as a `gohint.toml` with where each value
//! came from (`default`, `gohint.toml:LINE`, or a flag) after it.

use super::setup::{origin, Setup};
use super::Args;
use crate::config::{Config, DEFAULT_DOCS_BASE_URL};
use crate::output::{escape, paths};
use crate::rules::RULES;
use std::process::ExitCode;
use toml::Value;

/// `key = value` lines of one table, their origins aligned after them.
fn table(lines: &[(String, String)]) -> String {
    let width = lines.iter().map(|(kv, _)| kv.len()).max().unwrap_or(0);
    lines
        .iter()
        .map(|(kv, from)| format!("{kv:width$}  # {from}\n"))
        .collect()
}

/// A TOML array of strings.
fn strings(items: &[String]) -> Value {
    Value::Array(items.iter().cloned().map(Value::String).collect())
}

/// The effective configuration as a commented `gohint.toml`.
pub fn render(setup: &Setup) -> String {
    let config = setup.config();
    let file = setup.file.as_ref().map(|f| &f.config);
    let mut out = String::from("# The configuration of `gohint --check` here, as a gohint.toml; after each value, where it came from.\n");
    match &setup.file {
        Some(f) => out.push_str(&format!(
            "# Configuration file: {}\n",
            escape::control(&paths::key(&setup.cwd, &f.path))
        )),
        None => out.push_str(&format!(
            "# Configuration file: none (no gohint.toml in {} or above it)\n",
            escape::control(&escape::os(setup.searched_from.as_os_str()))
        )),
    }
    let mut top = Vec::new();
    match config.go_version {
        Some(v) => top.push((
            format!("go_version = {}", Value::String(v.to_string())),
            format!("{} (overrides go.mod)", origin(file, "go_version")),
        )),
        None => {
            let here = setup.lookup.go_version(&setup.searched_from);
            out.push_str(&match here {
                Some(v) => format!("# go_version is unset: each file uses its nearest go.mod (here: go {v})\n"),
                None => "# go_version is unset: each file uses its nearest go.mod (none here: the newest Go)\n".to_string(),
            });
        }
    }
    top.push((
        format!(
            "fail_on = {}",
            Value::String(setup.fail_on.0.name().to_string())
        ),
        setup.fail_on.1.clone(),
    ));
    let docs = config
        .docs_base_url
        .as_deref()
        .unwrap_or(DEFAULT_DOCS_BASE_URL);
    top.push((
        format!("docs_base_url = {}", Value::String(docs.to_string())),
        origin(file, "docs_base_url"),
    ));
    top.push((
        format!("exclude = {}", strings(&config.exclude)),
        origin(file, "exclude"),
    ));
    out.push_str(&table(&top));
    out.push_str("\n[corpus]\n");
    out.push_str(&table(&[(
        format!("paths = {}", strings(&config.corpus_paths)),
        origin(file, "corpus.paths"),
    )]));
    out.push_str("\n[rules]\n");
    out.push_str(&table(&rules(&config)));
    out
}

/// Every rule's level and its origin.
fn rules(config: &Config) -> Vec<(String, String)> {
    RULES
        .iter()
        .map(|rule| {
            let level = match config.rules.get(rule.slug) {
                Some(Some(sev)) => sev.name(),
                Some(None) => "off",
                None => rule.severity.name(),
            };
            (
                format!("{} = {}", rule.slug, Value::String(level.to_string())),
                origin(Some(config), &format!("rules.{}", rule.slug)),
            )
        })
        .collect()
}

/// Runs `--print-config`: 0, or 2 when the configuration has errors.
pub fn run(args: &Args) -> ExitCode {
    match Setup::load(args) {
        Ok(setup) => {
            print!("{}", render(&setup));
            ExitCode::SUCCESS
        }
        Err(errors) => {
            errors.iter().for_each(|e| escape::eprint(e));
            ExitCode::from(2)
        }
    }
}
