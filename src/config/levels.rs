//! The keys that set rule levels by group: `preset`, `groups.<group>`,
//! `tests` and `generated`, and how a rule's level follows from them and
//! `rules.<rule>`.

use super::{hint, level, Config, Entry, Problem};
use crate::analysis::generated::Generated;
use crate::analysis::{Group, Rule, Severity};
use crate::rules::preset::{HeldBack, Preset, Tests};

/// A rule's level and what set it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Level {
    /// The level; `None` is off.
    pub severity: Option<Severity>,
    /// What set it.
    pub source: Source,
    /// Whether the `tests` setting changed it (in a `_test.go` file).
    pub in_tests: bool,
}

/// What set a rule's level, from the strongest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// `rules.<rule>`.
    Rule,
    /// `groups.<group>`.
    Group(Group),
    /// The preset's level for the rule's group (never above the rule's own
    /// severity).
    Preset(Preset),
    /// The preset's [`crate::rules::preset::CI_HELD_BACK`] entry.
    HeldBack(Preset, &'static HeldBack),
}

impl Config {
    /// The level of `rule` under this configuration: `rules.<rule>`, else
    /// `groups.<group>`, else the preset (this one's, else `default`); in a
    /// test file, then as `tests` says.
    pub fn level(&self, rule: &Rule, default: Preset, test_file: bool) -> Level {
        let preset = self.preset.unwrap_or(default);
        let (severity, source) = if let Some(set) = self.rules.get(rule.slug) {
            (*set, Source::Rule)
        } else if let Some(set) = self.groups.get(&rule.group) {
            (*set, Source::Group(rule.group))
        } else if let Some(held) = preset.held_back(rule) {
            (Some(preset.level(rule)), Source::HeldBack(preset, held))
        } else {
            (Some(preset.level(rule)), Source::Preset(preset))
        };
        let tested = if test_file {
            self.tests.unwrap_or_default().in_test_file(rule, severity)
        } else {
            severity
        };
        Level {
            severity: tested,
            source,
            in_tests: tested != severity,
        }
    }
}

/// Validates `groups.<group>`, `preset`, `tests` and `generated` into
/// `config`, adding what is wrong to `problems`.
pub(super) fn validate(
    groups: &[(String, Entry)],
    preset: &Option<Entry>,
    tests: &Option<Entry>,
    generated: &Option<Entry>,
    config: &mut Config,
    problems: &mut Vec<Problem>,
) {
    for (name, entry) in groups {
        let Some(group) = Group::from_name(name) else {
            let hint = hint(name, Group::ALL.iter().map(|g| g.name()));
            problems.push(Problem::new(
                format!("{}: unknown group `{name}`{hint}", entry.origin),
                "it is ignored",
            ));
            continue;
        };
        match entry.value.as_str().and_then(level) {
            Some(sev) => {
                config
                    .origins
                    .insert(format!("groups.{name}"), entry.origin.clone());
                config.groups.insert(group, sev);
            }
            None => problems.push(Problem::new(
                format!(
                    "{}: `{}` = {} is not one of \"off\", \"hint\", \"info\", \"warning\", \"error\"",
                    entry.origin, entry.key, entry.value,
                ),
                "using the preset's level",
            )),
        }
    }
    let presets = Preset::ALL.map(Preset::name);
    config.preset = choice(
        preset,
        "preset",
        &presets,
        "the default preset",
        config,
        problems,
    )
    .and_then(Preset::from_name);
    let tests_names = Tests::ALL.map(Tests::name);
    config.tests = choice(tests, "tests", &tests_names, "\"lower\"", config, problems)
        .and_then(Tests::from_name);
    let generated_names = Generated::ALL.map(Generated::name);
    config.generated = choice(
        generated,
        "generated",
        &generated_names,
        "\"bugs\"",
        config,
        problems,
    )
    .and_then(Generated::from_name);
}

/// The name `entry` gives the setting `key`, lower-cased, when it is one
/// of `names`, recording where it came from in `config`; else a problem
/// saying what is used instead (`fallback`) and `None`.
fn choice<'n>(
    entry: &Option<Entry>,
    key: &str,
    names: &[&'n str],
    fallback: &str,
    config: &mut Config,
    problems: &mut Vec<Problem>,
) -> Option<&'n str> {
    let entry = entry.as_ref()?;
    let name = entry.value.as_str().map(|s| s.trim().to_ascii_lowercase());
    if let Some(&known) = names.iter().find(|n| name.as_deref() == Some(**n)) {
        config.origins.insert(key.into(), entry.origin.clone());
        return Some(known);
    }
    let quoted: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
    problems.push(Problem::new(
        format!(
            "{}: `{}` = {} is not one of {}",
            entry.origin,
            entry.key,
            entry.value,
            quoted.join(", ")
        ),
        format!("using {fallback}"),
    ));
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::CATALOGUE;

    fn rule(slug: &str) -> &'static Rule {
        CATALOGUE
            .find(slug)
            .unwrap_or_else(|| panic!("no rule {slug}"))
    }

    #[test]
    fn rules_win_over_groups_which_win_over_the_preset() {
        let text = "preset = \"learn\"\n[groups]\nsuspicious = \"error\"\npedantic = \"off\"\n[rules]\nlost-cancel = \"info\"\n";
        let config =
            Config::from_toml_strict(text, "gohint.toml").unwrap_or_else(|e| panic!("{e:?}"));
        let at = |slug: &str| config.level(rule(slug), Preset::Ci, false);
        assert_eq!(at("lost-cancel").severity, Some(Severity::Info));
        assert_eq!(at("lost-cancel").source, Source::Rule);
        assert_eq!(at("nil-channel-op").severity, Some(Severity::Error));
        assert_eq!(
            at("nil-channel-op").source,
            Source::Group(Group::Suspicious)
        );
        assert_eq!(at("explicit-gc").severity, None);
        assert_eq!(at("append-no-prealloc").severity, Some(Severity::Info));
        assert_eq!(
            at("append-no-prealloc").source,
            Source::Preset(Preset::Learn)
        );
        assert_eq!(
            config.origins.get("groups.suspicious").map(String::as_str),
            Some("gohint.toml:3")
        );
    }

    #[test]
    fn the_default_preset_applies_unless_one_is_set() {
        let config = Config::default();
        let defer = rule("defer-in-loop");
        assert_eq!(
            config.level(defer, Preset::Ci, false).severity,
            Some(Severity::Info)
        );
        assert!(matches!(
            config.level(defer, Preset::Ci, false).source,
            Source::HeldBack(Preset::Ci, _)
        ));
        assert_eq!(
            config.level(defer, Preset::Learn, false).severity,
            Some(Severity::Warning)
        );
        let in_test = config.level(defer, Preset::Learn, true);
        assert_eq!(in_test.severity, Some(Severity::Info));
        assert!(in_test.in_tests);
        let (skip, _) = Config::from_settings(&serde_json::json!({"tests": "skip"}));
        assert_eq!(skip.level(defer, Preset::Learn, true).severity, None);
    }

    #[test]
    fn bad_level_keys_are_named() {
        let text = "preset = \"strict\"\ntests = \"never\"\n[groups]\nsuspicous = \"off\"\nperformance = \"loud\"\n";
        let errors = Config::from_toml_strict(text, "g.toml")
            .err()
            .unwrap_or_default()
            .join("\n");
        for want in [
            "g.toml:1: `preset` = \"strict\" is not one of \"ci\", \"learn\"",
            "g.toml:2: `tests` = \"never\" is not one of \"same\", \"lower\", \"skip\"",
            "g.toml:4: unknown group `suspicous` (did you mean `suspicious`?)",
            "g.toml:5: `groups.performance` = \"loud\" is not one of",
        ] {
            assert!(errors.contains(want), "missing {want:?} in\n{errors}");
        }
    }
}
