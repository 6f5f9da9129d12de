//! `gohint.toml`: the same settings as the editor's, in snake_case keys,
//! with warnings that name the file and line.

use super::{validate, Config, Entry, Problem, Raw};
use crate::text::{Encoding, LineIndex};
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

/// Every top-level key with the span of its value.
type Spans = BTreeMap<String, Spanned<toml::Value>>;

/// The `[rules]`, `[groups]` and `[corpus]` tables with the span of each
/// value.
#[derive(Deserialize, Default)]
struct TableSpans {
    #[serde(default)]
    rules: BTreeMap<String, Spanned<toml::Value>>,
    #[serde(default)]
    groups: BTreeMap<String, Spanned<toml::Value>>,
    #[serde(default)]
    corpus: BTreeMap<String, Spanned<toml::Value>>,
}

/// Parses a `gohint.toml` text; `origin` (its path) prefixes problems.
pub(super) fn parse(text: &str, origin: &str) -> (Config, Vec<Problem>) {
    let index = LineIndex::new(text);
    let line = |offset: usize| index.position(text, offset, Encoding::Utf8).line + 1;
    let top: Spans = match toml::from_str(text) {
        Ok(t) => t,
        Err(e) => {
            let detail = e.message().trim().replace('\n', "; ");
            let at = e
                .span()
                .map(|s| format!(":{}", line(s.start)))
                .unwrap_or_default();
            return (
                Config::default(),
                vec![Problem::new(
                    format!("{origin}{at}: not valid TOML ({detail})"),
                    "using the defaults",
                )],
            );
        }
    };
    let entry = |key: String, value: &Spanned<toml::Value>| Entry {
        origin: format!("{origin}:{}", line(value.span().start)),
        key,
        value: serde_json::to_value(value.get_ref()).unwrap_or_default(),
    };
    let tables = || toml::from_str::<TableSpans>(text).unwrap_or_default();
    let mut raw = Raw::default();
    for (key, value) in &top {
        match key.as_str() {
            "rules" if value.get_ref().is_table() => {
                raw.rules = tables()
                    .rules
                    .iter()
                    .map(|(slug, v)| (slug.clone(), entry(format!("rules.{slug}"), v)))
                    .collect();
            }
            "groups" if value.get_ref().is_table() => {
                raw.groups = tables()
                    .groups
                    .iter()
                    .map(|(name, v)| (name.clone(), entry(format!("groups.{name}"), v)))
                    .collect();
            }
            "corpus" if value.get_ref().is_table() => {
                for (name, v) in &tables().corpus {
                    let e = entry(format!("corpus.{name}"), v);
                    match name.as_str() {
                        "paths" => raw.corpus_paths = Some(e),
                        _ => raw.unknown.push(e),
                    }
                }
            }
            "rules" | "groups" | "corpus" => raw.problems.push(Problem::new(
                format!(
                    "{origin}:{}: `{key}` should be a table (`[{key}]` then `key = value` lines)",
                    line(value.span().start)
                ),
                "it is ignored",
            )),
            "preset" => raw.preset = Some(entry(key.clone(), value)),
            "tests" => raw.tests = Some(entry(key.clone(), value)),
            "generated" => raw.generated = Some(entry(key.clone(), value)),
            "go_version" => raw.go_version = Some(entry(key.clone(), value)),
            "docs_base_url" => raw.docs_base_url = Some(entry(key.clone(), value)),
            "exclude" => raw.exclude = Some(entry(key.clone(), value)),
            "fail_on" => raw.fail_on = Some(entry(key.clone(), value)),
            _ => raw.unknown.push(entry(key.clone(), value)),
        }
    }
    validate(raw)
}
