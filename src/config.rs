//! Shared configuration of the CLI and the language server: the
//! `gohint.toml` file, the editor's `gohint` settings section, and the
//! nearest `go.mod`, all mapped onto [`analysis::Options`].
//!
//! For the editor, bad values never stop anything: each one produces a
//! warning naming where it came from, and the setting keeps its default. For
//! `--check` ([`Config::from_toml_strict`]), the same problems are errors.

mod assumed;
mod ci;
mod file;
mod levels;
mod lookup;
mod settings;

pub use assumed::{newest_go_note, VERSION_DEPENDENT};
pub use levels::{Level, Source};
pub use lookup::{read_text, Loaded, Lookup};
pub(crate) use settings::SECTION_KEYS;

use crate::analysis::generated::Generated;
use crate::analysis::{GoVersion, Group, Options, Severity};
use crate::rules;
use crate::rules::preset::{Preset, Tests};
use serde_json::Value;
use std::collections::BTreeMap;

/// The name of the configuration file, looked up from a file's folder upwards.
pub const FILE_NAME: &str = "gohint.toml";

/// Where the rule documentation pages (`docs/rules/<slug>.md`) are published
/// unless `docs_base_url` says otherwise.
pub const DEFAULT_DOCS_BASE_URL: &str =
    concat!(env!("CARGO_PKG_REPOSITORY"), "/blob/main/docs/rules");

/// Validated configuration from one source (a file or the editor).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Config {
    /// Per-rule severity by slug; `None` turns the rule off.
    pub rules: BTreeMap<String, Option<Severity>>,
    /// Per-group severity; `None` turns the group off. Rules win over it.
    pub groups: BTreeMap<Group, Option<Severity>>,
    /// The preset giving each group its level; `None` leaves it to the
    /// caller (`ci` for `--check`, `learn` in the editor).
    pub preset: Option<Preset>,
    /// How the rules quieter in tests report in `_test.go` files.
    pub tests: Option<Tests>,
    /// How the rules report in generated files.
    pub generated: Option<Generated>,
    /// The Go version to assume, overriding `go.mod`.
    pub go_version: Option<GoVersion>,
    /// Base URL of the rule documentation pages, without a trailing `/`.
    pub docs_base_url: Option<String>,
    /// Gitignore-style patterns of files and folders `--check` skips while
    /// walking, relative to the configuration file's folder.
    pub exclude: Vec<String>,
    /// The `--fail-on` threshold when the command line names none.
    pub fail_on: Option<Severity>,
    /// Team corpus files, as written (relative to the configuration file's
    /// folder); see [`Loaded::corpus_paths`].
    pub corpus_paths: Vec<String>,
    /// Where each value came from, by its `gohint.toml` key (`go_version`,
    /// `rules.double-close`): `gohint.toml:3`, `settings`.
    pub origins: BTreeMap<String, String>,
}

impl Config {
    /// Reads a `gohint.toml` text; `origin` (its path) prefixes warnings.
    pub fn from_toml(text: &str, origin: &str) -> (Config, Vec<String>) {
        let (config, problems) = file::parse(text, origin);
        (config, problems.iter().map(Problem::warning).collect())
    }

    /// Reads a `gohint.toml` text strictly, as `--check` does: unknown keys
    /// and bad values are errors naming `origin` (its path), line and key.
    pub fn from_toml_strict(text: &str, origin: &str) -> Result<Config, Vec<String>> {
        let (config, problems) = file::parse(text, origin);
        if problems.is_empty() {
            return Ok(config);
        }
        let line = |m: &str| -> usize {
            let rest = m.get(origin.len() + 1..).unwrap_or("");
            rest.split(':')
                .next()
                .and_then(|n| n.parse().ok())
                .unwrap_or(0)
        };
        let mut errors: Vec<String> = problems.into_iter().map(|p| p.message).collect();
        errors.sort_by_key(|m| line(m));
        Err(errors)
    }

    /// Reads the editor's `gohint` settings section (or an object holding
    /// one under the key `gohint`).
    pub fn from_settings(value: &Value) -> (Config, Vec<String>) {
        let (config, problems) = settings::parse(value);
        (config, problems.iter().map(Problem::warning).collect())
    }

    /// This configuration with `over`'s values taking precedence.
    pub fn overlay(&self, over: &Config) -> Config {
        let mut rules = self.rules.clone();
        rules.extend(over.rules.iter().map(|(k, v)| (k.clone(), *v)));
        let mut groups = self.groups.clone();
        groups.extend(over.groups.iter().map(|(k, v)| (*k, *v)));
        let mut origins = self.origins.clone();
        origins.extend(over.origins.iter().map(|(k, v)| (k.clone(), v.clone())));
        let pick =
            |a: &Vec<String>, b: &Vec<String>| if a.is_empty() { b.clone() } else { a.clone() };
        Config {
            rules,
            groups,
            preset: over.preset.or(self.preset),
            tests: over.tests.or(self.tests),
            generated: over.generated.or(self.generated),
            go_version: over.go_version.or(self.go_version),
            docs_base_url: over
                .docs_base_url
                .clone()
                .or_else(|| self.docs_base_url.clone()),
            exclude: pick(&over.exclude, &self.exclude),
            fail_on: over.fail_on.or(self.fail_on),
            corpus_paths: pick(&over.corpus_paths, &self.corpus_paths),
            origins,
        }
    }

    /// Applies every rule's level (under `default` unless a preset is set,
    /// and for a test file when `options.test_file` says so), how rules
    /// report in generated files and the Go version override to `options`.
    pub fn apply(&self, options: &mut Options, default: Preset) {
        for rule in rules::RULES {
            let level = self.level(rule, default, options.test_file).severity;
            options.severities.insert(rule.slug.to_string(), level);
        }
        options.generated = self.generated.unwrap_or_default();
        if self.go_version.is_some() {
            options.go_version = self.go_version;
        }
    }

    /// The documentation base URL in force.
    pub fn docs_base_url(&self) -> &str {
        self.docs_base_url
            .as_deref()
            .unwrap_or(DEFAULT_DOCS_BASE_URL)
    }
}

/// The documentation page of rule `slug` under `base`.
pub fn docs_url(base: &str, slug: &str) -> String {
    format!("{}/{slug}.md", base.trim_end_matches('/'))
}

/// One raw setting, before validation.
struct Entry {
    /// Where it was written, for warnings (`gohint.toml:3`, `settings`).
    origin: String,
    /// Its key as the user wrote it (`rules.double-close`, `goVersion`).
    key: String,
    /// Its value.
    value: Value,
}

/// Raw settings of one source, sorted by meaning.
#[derive(Default)]
struct Raw {
    rules: Vec<(String, Entry)>,
    groups: Vec<(String, Entry)>,
    preset: Option<Entry>,
    tests: Option<Entry>,
    generated: Option<Entry>,
    go_version: Option<Entry>,
    docs_base_url: Option<Entry>,
    exclude: Option<Entry>,
    fail_on: Option<Entry>,
    corpus_paths: Option<Entry>,
    unknown: Vec<Entry>,
    /// Values of the wrong shape, already described.
    problems: Vec<Problem>,
}

/// What is wrong with a setting.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Problem {
    /// Where and what: `gohint.toml:3: unknown key `colour``.
    message: String,
    /// What a lenient reader does instead: `it is ignored`.
    fallback: String,
}

impl Problem {
    fn new(message: String, fallback: impl Into<String>) -> Problem {
        Problem {
            message,
            fallback: fallback.into(),
        }
    }

    /// The problem as a warning: what is wrong, then what happens instead.
    fn warning(&self) -> String {
        format!("{}; {}", self.message, self.fallback)
    }
}

/// ` (did you mean `x`?)` when a candidate is close to `word`.
fn hint<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    did_you_mean(word, candidates)
        .map(|s| format!(" (did you mean `{s}`?)"))
        .unwrap_or_default()
}

/// Validates raw settings into a [`Config`] and problems.
fn validate(raw: Raw) -> (Config, Vec<Problem>) {
    let mut config = Config::default();
    let mut problems = raw.problems;
    for entry in raw.unknown {
        let known = hint(&entry.key, ci::KEYS.iter().copied());
        problems.push(Problem::new(
            format!("{}: unknown key `{}`{known}", entry.origin, entry.key),
            "it is ignored",
        ));
    }
    for (slug, entry) in raw.rules {
        let Some(rule) = rules::CATALOGUE.find(&slug) else {
            let hint = hint(&slug, rules::RULES.iter().map(|r| r.slug));
            problems.push(Problem::new(
                format!("{}: unknown rule `{slug}`{hint}", entry.origin),
                "it is ignored",
            ));
            continue;
        };
        match entry.value.as_str().and_then(level) {
            Some(sev) => {
                config.origins.insert(format!("rules.{slug}"), entry.origin);
                config.rules.insert(slug, sev);
            }
            None => problems.push(Problem::new(
                format!(
                    "{}: `{}` = {} is not one of \"off\", \"hint\", \"info\", \"warning\", \"error\"",
                    entry.origin, entry.key, entry.value,
                ),
                format!("using the default ({})", rule.severity.name()),
            )),
        }
    }
    if let Some(entry) = raw.go_version {
        match entry
            .value
            .as_str()
            .and_then(GoVersion::parse)
            .filter(|v| v.major == 1)
        {
            Some(v) => {
                config.go_version = Some(v);
                config.origins.insert("go_version".into(), entry.origin);
            }
            None => problems.push(Problem::new(
                format!(
                    "{}: `{}` = {} is not a Go version such as \"1.22\" (write it as a string)",
                    entry.origin, entry.key, entry.value
                ),
                "using go.mod's",
            )),
        }
    }
    if let Some(entry) = raw.docs_base_url {
        let url = entry.value.as_str().map(|s| s.trim().trim_end_matches('/'));
        match url.filter(|u| {
            ["https://", "http://", "file://"]
                .iter()
                .any(|p| u.starts_with(p) && u.len() > p.len())
        }) {
            Some(u) => {
                config.docs_base_url = Some(u.to_string());
                config.origins.insert("docs_base_url".into(), entry.origin);
            }
            None => problems.push(Problem::new(
                format!(
                    "{}: `{}` = {} is not an http(s) or file URL",
                    entry.origin, entry.key, entry.value
                ),
                format!("using {DEFAULT_DOCS_BASE_URL}"),
            )),
        }
    }
    levels::validate(
        &raw.groups,
        &raw.preset,
        &raw.tests,
        &raw.generated,
        &mut config,
        &mut problems,
    );
    ci::validate(
        &raw.exclude,
        &raw.fail_on,
        &raw.corpus_paths,
        &mut config,
        &mut problems,
    );
    (config, problems)
}

/// Parses a rule level: `Some(None)` is `off`.
fn level(name: &str) -> Option<Option<Severity>> {
    match name.trim().to_ascii_lowercase().as_str() {
        "off" => Some(None),
        other => Severity::from_name(other).map(Some),
    }
}

/// The candidate closest to a misspelled `word`, if any is close.
fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (edit_distance(word, c), c))
        .filter(|&(d, c)| d <= 2.max(c.len() / 4))
        .min()
        .map(|(_, c)| c)
}

/// Levenshtein distance between two strings, by characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != *cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_values_map_onto_options() {
        let text = "go_version = \"1.21\"\ndocs_base_url = \"https://example.com/docs/\"\n\n[rules]\ndouble-close = \"warning\"\nunused-ignore = \"off\"\n";
        let (config, warnings) = Config::from_toml(text, "gohint.toml");
        assert!(warnings.is_empty(), "{warnings:?}");
        let mut options = Options::default();
        config.apply(&mut options, Preset::Ci);
        assert_eq!(options.go_version, GoVersion::parse("1.21"));
        assert_eq!(
            options.severities.get("double-close"),
            Some(&Some(Severity::Warning))
        );
        assert_eq!(options.severities.get("unused-ignore"), Some(&None));
        assert_eq!(
            docs_url(config.docs_base_url(), "double-close"),
            "https://example.com/docs/double-close.md"
        );
    }

    #[test]
    fn bad_toml_values_warn_with_line_and_fall_back() {
        let text = "go_version = 1.21\ncolour = true\n[rules]\ndouble-close = \"fatal\"\ndouble-clsoe = \"off\"\nunused-ignore = \"hint\"\n";
        let (config, warnings) = Config::from_toml(text, "gohint.toml");
        assert_eq!(
            config.rules.get("unused-ignore"),
            Some(&Some(Severity::Hint))
        );
        assert!(!config.rules.contains_key("double-close"));
        assert_eq!(config.go_version, None);
        let all = warnings.join("\n");
        assert!(
            all.contains("gohint.toml:1: `go_version` = 1.21 is not a Go version"),
            "{all}"
        );
        assert!(all.contains("gohint.toml:2: unknown key `colour`"), "{all}");
        assert!(
            all.contains("gohint.toml:4: `rules.double-close` = \"fatal\""),
            "{all}"
        );
        assert!(
            all.contains(
                "gohint.toml:5: unknown rule `double-clsoe` (did you mean `double-close`?)"
            ),
            "{all}"
        );
    }

    #[test]
    fn broken_toml_is_one_warning_and_defaults() {
        let (config, warnings) = Config::from_toml("[rules\ndouble-close = ", "x/gohint.toml");
        assert_eq!(config, Config::default());
        assert_eq!(warnings.len(), 1);
        assert!(
            warnings[0]
                .starts_with("x/gohint.toml:1: not valid TOML (invalid table header; expected"),
            "{warnings:?}"
        );
    }

    #[test]
    fn editor_settings_accept_the_section_or_its_parent() {
        let section = serde_json::json!({"rules": {"double-close": "info"}, "goVersion": "1.22", "docsBaseUrl": "file:///docs"});
        let (a, wa) = Config::from_settings(&section);
        let (b, wb) = Config::from_settings(&serde_json::json!({ "gohint": section }));
        assert!(wa.is_empty() && wb.is_empty(), "{wa:?} {wb:?}");
        assert_eq!(a, b);
        assert_eq!(a.rules.get("double-close"), Some(&Some(Severity::Info)));
        assert_eq!(a.go_version, GoVersion::parse("1.22"));
        assert_eq!(a.docs_base_url(), "file:///docs");
    }

    #[test]
    fn bad_editor_settings_warn_and_fall_back() {
        let (config, warnings) = Config::from_settings(
            &serde_json::json!({"rules": {"double-close": 3}, "goVersion": "two", "docsBaseUrl": "nope", "extra": 1}),
        );
        assert_eq!(config, Config::default());
        assert_eq!(warnings.len(), 4, "{warnings:?}");
        assert!(
            warnings
                .iter()
                .any(|w| w.contains("gohint.rules.double-close")),
            "{warnings:?}"
        );
        let (config, warnings) =
            Config::from_settings(&serde_json::json!({"rules": ["double-close"]}));
        assert_eq!(config, Config::default());
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        let (_, warnings) = Config::from_settings(&serde_json::json!({"gohint": 42}));
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        for none in [
            Value::Null,
            serde_json::json!({"gopls": {"staticcheck": true}}),
            serde_json::json!(42),
        ] {
            let (config, warnings) = Config::from_settings(&none);
            assert_eq!((config, warnings), (Config::default(), Vec::new()));
        }
    }

    #[test]
    fn overlay_prefers_the_editor() {
        let (file, _) = Config::from_toml(
            "go_version = \"1.20\"\n[rules]\ndouble-close = \"off\"\n",
            "gohint.toml",
        );
        let (editor, _) =
            Config::from_settings(&serde_json::json!({"rules": {"double-close": "hint"}}));
        let both = file.overlay(&editor);
        assert_eq!(both.rules.get("double-close"), Some(&Some(Severity::Hint)));
        assert_eq!(both.go_version, GoVersion::parse("1.20"));
    }
}
