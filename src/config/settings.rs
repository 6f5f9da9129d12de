//! The editor's `gohint` settings section (from `initializationOptions`,
//! `workspace/didChangeConfiguration` or `workspace/configuration`).

use super::{validate, Config, Entry, Problem, Raw};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// The settings section as sent; values are checked one by one afterwards
/// so that one bad value does not discard the others.
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Section {
    rules: Option<Value>,
    groups: Option<Value>,
    preset: Option<Value>,
    tests: Option<Value>,
    generated: Option<Value>,
    go_version: Option<Value>,
    docs_base_url: Option<Value>,
    corpus: Option<Value>,
    #[serde(flatten)]
    other: BTreeMap<String, Value>,
}

/// The keys of the section, by which it is recognised when it is sent
/// without the `gohint` key around it.
pub(crate) const SECTION_KEYS: &[&str] = &[
    "rules",
    "groups",
    "preset",
    "tests",
    "generated",
    "goVersion",
    "docsBaseUrl",
    "corpus",
];

/// Parses the section, or an object holding it under `gohint` (editors
/// often send every server's settings). Anything else holds no gohint
/// settings.
pub(super) fn parse(value: &Value) -> (Config, Vec<Problem>) {
    let value = match value.get("gohint") {
        Some(section) => section,
        None if SECTION_KEYS.iter().any(|k| value.get(k).is_some()) => value,
        None => return (Config::default(), Vec::new()),
    };
    // Lua clients (Neovim) encode an empty table as `[]`: it means no settings.
    if value.is_null() || value.as_array().is_some_and(Vec::is_empty) {
        return (Config::default(), Vec::new());
    }
    let Ok(section) = Section::deserialize(value) else {
        return (
            Config::default(),
            vec![Problem::new(
                format!("settings: `gohint` should be an object, not {value}"),
                "using the defaults",
            )],
        );
    };
    let entry = |key: String, value: Value| Entry {
        origin: "settings".to_string(),
        key: format!("gohint.{key}"),
        value,
    };
    let mut raw = Raw {
        preset: section.preset.map(|v| entry("preset".to_string(), v)),
        tests: section.tests.map(|v| entry("tests".to_string(), v)),
        generated: section.generated.map(|v| entry("generated".to_string(), v)),
        go_version: section
            .go_version
            .map(|v| entry("goVersion".to_string(), v)),
        docs_base_url: section
            .docs_base_url
            .map(|v| entry("docsBaseUrl".to_string(), v)),
        corpus_paths: section.corpus.map(|v| {
            entry(
                "corpus.paths".to_string(),
                v.get("paths").cloned().unwrap_or(v),
            )
        }),
        unknown: section
            .other
            .into_iter()
            .map(|(k, v)| entry(k, v))
            .collect(),
        ..Raw::default()
    };
    raw.rules = table(section.rules, "rules", "double-close", &mut raw.problems);
    raw.groups = table(section.groups, "groups", "pedantic", &mut raw.problems);
    validate(raw)
}

/// The entries of the object setting `gohint.<key>` (such as `rules`);
/// `example` names one of its keys for the problem a non-object makes.
fn table(
    value: Option<Value>,
    key: &str,
    example: &str,
    problems: &mut Vec<Problem>,
) -> Vec<(String, Entry)> {
    match value {
        Some(Value::Object(items)) => items
            .into_iter()
            .map(|(name, v)| {
                let entry = Entry {
                    origin: "settings".to_string(),
                    key: format!("gohint.{key}.{name}"),
                    value: v,
                };
                (name, entry)
            })
            .collect(),
        Some(Value::Null) | None => Vec::new(),
        Some(other) => {
            problems.push(Problem::new(
                format!("settings: `gohint.{key}` should be an object such as {{\"{example}\": \"warning\"}}, not {other}"),
                "it is ignored",
            ));
            Vec::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse;
    use serde_json::json;

    #[test]
    fn an_empty_lua_table_means_no_settings() {
        let (config, problems) = parse(&json!({ "gohint": [] }));
        assert!(problems.is_empty());
        assert!(config.rules.is_empty());
        let (_, problems) = parse(&json!({ "gohint": [1] }));
        assert_eq!(problems.len(), 1);
    }
}
