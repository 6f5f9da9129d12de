//! The keys `gohint --check` adds to `gohint.toml`: `exclude`, `fail_on` and
//! `corpus.paths` (team corpora, read by the hover work).

use super::{Config, Entry, Problem};
use crate::analysis::Severity;
use serde_json::Value;

/// Every key `gohint.toml` accepts besides `rules.<slug>`.
pub(super) const KEYS: &[&str] = &[
    "rules",
    "groups",
    "preset",
    "tests",
    "generated",
    "go_version",
    "docs_base_url",
    "exclude",
    "fail_on",
    "corpus",
    "corpus.paths",
];

/// The strings of an array value, or `None` when it is not an array of
/// strings.
fn strings(value: &Value) -> Option<Vec<String>> {
    value
        .as_array()?
        .iter()
        .map(|v| v.as_str().map(str::to_string))
        .collect()
}

/// Why `pattern` is not a usable gitignore-style glob, if it is not.
fn glob_error(pattern: &str) -> Option<String> {
    let mut builder = ignore::gitignore::GitignoreBuilder::new("/");
    if pattern.trim().is_empty() {
        return Some("it is empty".to_string());
    }
    builder.add_line(None, pattern).err().map(|e| e.to_string())
}

/// Validates the CI keys into `config`, adding what is wrong to `problems`.
pub(super) fn validate(
    exclude: &Option<Entry>,
    fail_on: &Option<Entry>,
    corpus_paths: &Option<Entry>,
    config: &mut Config,
    problems: &mut Vec<Problem>,
) {
    if let Some(entry) = exclude {
        match strings(&entry.value) {
            Some(globs) => {
                let bad: Vec<Problem> = globs
                    .iter()
                    .filter_map(|g| {
                        glob_error(g).map(|why| {
                            Problem::new(
                                format!(
                                    "{}: `{}` item {g:?} is not a valid glob ({why})",
                                    entry.origin, entry.key
                                ),
                                "it is ignored",
                            )
                        })
                    })
                    .collect();
                if bad.is_empty() {
                    config.exclude = globs;
                    config
                        .origins
                        .insert("exclude".into(), entry.origin.clone());
                }
                problems.extend(bad);
            }
            None => problems.push(Problem::new(
                format!(
                    "{}: `{}` = {} is not an array of globs such as [\"gen/**\", \"**/*_mock.go\"]",
                    entry.origin, entry.key, entry.value
                ),
                "it is ignored",
            )),
        }
    }
    if let Some(entry) = fail_on {
        let level = entry
            .value
            .as_str()
            .and_then(|s| Severity::from_name(s.trim()));
        match level {
            Some(sev) => {
                config.fail_on = Some(sev);
                config
                    .origins
                    .insert("fail_on".into(), entry.origin.clone());
            }
            None => problems.push(Problem::new(
                format!(
                    "{}: `{}` = {} is not one of \"error\", \"warning\", \"info\", \"hint\"",
                    entry.origin, entry.key, entry.value
                ),
                "using warning",
            )),
        }
    }
    if let Some(entry) = corpus_paths {
        match strings(&entry.value) {
            Some(paths) => {
                config.corpus_paths = paths;
                config
                    .origins
                    .insert("corpus.paths".into(), entry.origin.clone());
            }
            None => problems.push(Problem::new(
                format!(
                    "{}: `{}` = {} is not an array of paths such as [\"docs/team-qa.md\"]",
                    entry.origin, entry.key, entry.value
                ),
                "it is ignored",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ci_keys_are_read_and_checked() {
        let text = "fail_on = \"error\"\nexclude = [\"gen/**\", \"**/*_mock.go\"]\n[corpus]\npaths = [\"team.md\"]\n";
        let config =
            Config::from_toml_strict(text, "gohint.toml").unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(config.fail_on, Some(Severity::Error));
        assert_eq!(config.exclude, ["gen/**", "**/*_mock.go"]);
        assert_eq!(config.corpus_paths, ["team.md"]);
        assert_eq!(
            config.origins.get("exclude").map(String::as_str),
            Some("gohint.toml:2")
        );
        assert_eq!(
            config.origins.get("corpus.paths").map(String::as_str),
            Some("gohint.toml:4")
        );
    }

    #[test]
    fn strict_errors_name_file_line_and_key() {
        let text = "fail_on = \"off\"\nexclude = \"gen\"\ngo_verison = \"1.21\"\n[corpus]\npaths = [1]\npath = []\n[rules]\ndouble-closed = \"off\"\n";
        let errors = Config::from_toml_strict(text, "ci/gohint.toml")
            .err()
            .unwrap_or_default();
        let all = errors.join("\n");
        for want in [
            "ci/gohint.toml:1: `fail_on` = \"off\" is not one of \"error\", \"warning\", \"info\", \"hint\"",
            "ci/gohint.toml:2: `exclude` = \"gen\" is not an array of globs",
            "ci/gohint.toml:3: unknown key `go_verison` (did you mean `go_version`?)",
            "ci/gohint.toml:5: `corpus.paths` = [1] is not an array of paths",
            "ci/gohint.toml:6: unknown key `corpus.path` (did you mean `corpus.paths`?)",
            "ci/gohint.toml:8: unknown rule `double-closed` (did you mean `double-close`?)",
        ] {
            assert!(all.lines().any(|l| l == want || l.starts_with(want)), "missing {want:?} in\n{all}");
        }
        assert_eq!(errors.len(), 6, "{all}");
        assert!(
            !all.contains("it is ignored"),
            "errors do not describe a fallback: {all}"
        );
        let bad_glob = Config::from_toml_strict("exclude = [\"a/{b\"]\n", "g.toml")
            .err()
            .unwrap_or_default();
        assert!(
            bad_glob[0].starts_with("g.toml:1: `exclude` item \"a/{b\" is not a valid glob"),
            "{bad_glob:?}"
        );
    }
}
