//! `gohint.toml`: the same settings as the editor's, in snake_case keys,
//! with warnings that name the file and line.

use super::{validate, Config, Entry, Raw};
use crate::text::{Encoding, LineIndex};
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

/// Every top-level key with the span of its value.
type Spans = BTreeMap<String, Spanned<toml::Value>>;

/// The `[rules]` table with the span of each value.
#[derive(Deserialize, Default)]
struct RuleSpans {
    #[serde(default)]
    rules: BTreeMap<String, Spanned<toml::Value>>,
}

/// Parses a `gohint.toml` text; `origin` (its path) prefixes warnings.
pub(super) fn parse(text: &str, origin: &str) -> (Config, Vec<String>) {
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
                vec![format!(
                    "{origin}{at}: not valid TOML ({detail}); using the defaults"
                )],
            );
        }
    };
    let entry = |key: String, value: &Spanned<toml::Value>| Entry {
        origin: format!("{origin}:{}", line(value.span().start)),
        key,
        value: serde_json::to_value(value.get_ref()).unwrap_or_default(),
    };
    let mut raw = Raw::default();
    for (key, value) in &top {
        match key.as_str() {
            "rules" if value.get_ref().is_table() => {
                let rules: RuleSpans = toml::from_str(text).unwrap_or_default();
                raw.rules = rules
                    .rules
                    .iter()
                    .map(|(slug, v)| (slug.clone(), entry(format!("rules.{slug}"), v)))
                    .collect();
            }
            "rules" => raw.problems.push(format!(
                "{origin}:{}: `rules` should be a table (`[rules]` then `slug = \"level\"` lines); it is ignored",
                line(value.span().start)
            )),
            "go_version" => raw.go_version = Some(entry(key.clone(), value)),
            "docs_base_url" => raw.docs_base_url = Some(entry(key.clone(), value)),
            "corpus" => match value.get_ref().get("paths") {
                Some(paths) => {
                    let mut e = entry("corpus.paths".to_string(), value);
                    e.value = serde_json::to_value(paths).unwrap_or_default();
                    raw.corpus_paths = Some(e);
                }
                None => raw.unknown.push(entry(key.clone(), value)),
            },
            _ => raw.unknown.push(entry(key.clone(), value)),
        }
    }
    validate(raw)
}
