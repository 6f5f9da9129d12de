//! `gohint --print-config`: the configuration `--check` would use for the
//! same paths and flags, written as a `gohint.toml` with where each value
//! came from (`default`, `gohint.toml:LINE`, or a flag) after it.

use super::setup::{origin, Setup};
use super::Args;
use crate::analysis::{Group, Severity};
use crate::config::{self, Config, Source, DEFAULT_DOCS_BASE_URL};
use crate::output::{escape, paths};
use crate::rules::preset::{Preset, QUIETER_IN_TESTS};
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
                Some(v) => format!(
                    "# go_version is unset: each file uses its nearest go.mod (here: go {v})\n"
                ),
                None => format!(
                    "# go_version is unset: each file uses its nearest go.mod (none here)\n# {}\n",
                    config::newest_go_note("`go_version` in gohint.toml")
                ),
            });
        }
    }
    let preset = config.preset.unwrap_or(Preset::Ci);
    top.push((
        format!("preset = {}", Value::String(preset.name().to_string())),
        origin_or(&config, "preset", "default of --check"),
    ));
    top.push((
        format!(
            "tests = {}",
            Value::String(config.tests.unwrap_or_default().name().to_string())
        ),
        origin(Some(&config), "tests"),
    ));
    out.push_str(&format!(
        "# tests: how {} report in _test.go files (\"same\", \"lower\": one level lower, \"skip\")\n",
        QUIETER_IN_TESTS.join(", ")
    ));
    top.push((
        format!(
            "generated = {}",
            Value::String(config.generated.unwrap_or_default().name().to_string())
        ),
        origin(Some(&config), "generated"),
    ));
    out.push_str(
        "# generated: how the rules report in files marked `// Code generated … DO NOT EDIT.` (\"same\", \"bugs\": only the correctness and suspicious groups, \"skip\")\n",
    );
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
    out.push_str("\n[groups]\n");
    out.push_str(&table(&groups(&config, preset)));
    out.push_str("\n[rules]\n");
    out.push_str(&table(&rules(&config)));
    out
}

/// Where `key` of `config` came from, else `fallback`.
fn origin_or(config: &Config, key: &str, fallback: &str) -> String {
    config
        .origins
        .get(key)
        .cloned()
        .unwrap_or_else(|| fallback.to_string())
}

/// A level's name in settings: `off` or the severity.
fn level_name(level: Option<Severity>) -> &'static str {
    level.map_or("off", Severity::name)
}

/// Every group's level and its origin.
fn groups(config: &Config, preset: Preset) -> Vec<(String, String)> {
    Group::ALL
        .iter()
        .map(|&group| {
            let (level, from) = match config.groups.get(&group) {
                Some(set) => (
                    *set,
                    origin(Some(config), &format!("groups.{}", group.name())),
                ),
                None => (
                    Some(preset.group_level(group)),
                    format!("preset {}", preset.name()),
                ),
            };
            (
                format!(
                    "{} = {}",
                    group.name(),
                    Value::String(level_name(level).to_string())
                ),
                format!("{from}: {}", group.description()),
            )
        })
        .collect()
}

/// Every rule's level (outside test files) and what set it.
fn rules(config: &Config) -> Vec<(String, String)> {
    RULES
        .iter()
        .map(|rule| {
            let level = config.level(rule, Preset::Ci, false);
            let from = match level.source {
                Source::Rule => origin(Some(config), &format!("rules.{}", rule.slug)),
                Source::Group(g) => format!(
                    "groups.{} ({})",
                    g.name(),
                    origin(Some(config), &format!("groups.{}", g.name()))
                ),
                Source::Preset(p) if level.severity < Some(p.group_level(rule.group)) => {
                    format!(
                        "preset {} ({}, at most the rule's own level)",
                        p.name(),
                        rule.group.name()
                    )
                }
                Source::Preset(p) => format!("preset {} ({})", p.name(), rule.group.name()),
                Source::HeldBack(p, held) => format!(
                    "preset {} ({}, held back: {})",
                    p.name(),
                    rule.group.name(),
                    held.why
                ),
            };
            (
                format!(
                    "{} = {}",
                    rule.slug,
                    Value::String(level_name(level.severity).to_string())
                ),
                from,
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
