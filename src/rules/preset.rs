//! Presets: the level each rule group starts at, the rules a preset holds
//! back below their group, and the rules that are quieter in test files — in
//! one place. Settings (`groups.<group>`, then `rules.<rule>`) win over them.

use super::{Group, Rule, Severity};

/// A set of default levels for the rule groups.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Preset {
    /// What `--check` uses: only groups precise enough on real code can fail
    /// the build (`--fail-on warning`).
    Ci,
    /// The editor's default: every rule on, teaching notes as hints.
    Learn,
}

/// A rule a preset reports below its group's level, and why.
#[derive(Debug, PartialEq, Eq)]
pub struct HeldBack {
    /// The rule's slug.
    pub rule: &'static str,
    /// The level it reports at instead.
    pub level: Severity,
    /// Why: what it scored on real code.
    pub why: &'static str,
}

/// Rules the `ci` preset reports at `info` (never failing `--fail-on
/// warning`) until their precision on real code is fixed.
pub const CI_HELD_BACK: &[HeldBack] = &[
    HeldBack {
        rule: "defer-in-loop",
        level: Severity::Info,
        why: "159 findings on third-party Go, 4 of 42 read real (docs/precision.md)",
    },
    HeldBack {
        rule: "lock-not-unlocked",
        level: Severity::Info,
        why: "none of the 5 findings left on third-party Go is real",
    },
    HeldBack {
        rule: "shared-var-race",
        level: Severity::Info,
        why: "14 of 25 findings on third-party Go are real",
    },
    HeldBack {
        rule: "lost-cancel",
        level: Severity::Info,
        why:
            "11 of 13 findings on third-party Go are real: under the 90% that failing a build needs",
    },
    HeldBack {
        rule: "goroutine-leak-unbuffered-result",
        level: Severity::Info,
        why: "4 of 5 findings on third-party Go are real",
    },
    HeldBack {
        rule: "receive-loop-without-ok",
        level: Severity::Info,
        why: "1 of 2 findings on third-party Go is real",
    },
    HeldBack {
        rule: "select-default-busy-loop",
        level: Severity::Info,
        why: "its one finding left on real Go is a deliberate CPU hog in a benchmark",
    },
    HeldBack {
        rule: "mutex-copy",
        level: Severity::Info,
        why: "1 of 2 findings on third-party Go is real; the other is reset on the next line",
    },
    HeldBack {
        rule: "send-after-close",
        level: Severity::Info,
        why: "its one finding on third-party Go is a deliberate panic in a test",
    },
];

/// Rules whose findings in `_test.go` files are mostly deliberate: the
/// `tests` setting (by default [`Tests::Lower`]) applies to them.
pub const QUIETER_IN_TESTS: &[&str] = &[
    "defer-in-loop",
    "goroutine-missing-recover",
    "time-after-in-loop",
    "unbounded-goroutines",
];

impl Preset {
    /// Every preset.
    pub const ALL: [Preset; 2] = [Preset::Ci, Preset::Learn];

    /// The lower-case name used in settings and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Preset::Ci => "ci",
            Preset::Learn => "learn",
        }
    }

    /// Parses a lower-case preset name.
    pub fn from_name(name: &str) -> Option<Preset> {
        Preset::ALL.into_iter().find(|p| p.name() == name)
    }

    /// The level it gives every rule of `group`.
    pub fn group_level(self, group: Group) -> Severity {
        match (self, group) {
            (_, Group::Correctness) => Severity::Error,
            (_, Group::Suspicious) => Severity::Warning,
            (_, Group::Performance) => Severity::Info,
            (Preset::Ci, Group::Pedantic) => Severity::Info,
            (Preset::Learn, Group::Pedantic) => Severity::Hint,
        }
    }

    /// The rule's entry in [`CI_HELD_BACK`] when this preset holds it back.
    pub fn held_back(self, rule: &Rule) -> Option<&'static HeldBack> {
        match self {
            Preset::Ci => CI_HELD_BACK.iter().find(|h| h.rule == rule.slug),
            Preset::Learn => None,
        }
    }

    /// The level it gives `rule`: its group's level (or its held-back
    /// level), never above the rule's own severity.
    pub fn level(self, rule: &Rule) -> Severity {
        let level = self
            .held_back(rule)
            .map_or_else(|| self.group_level(rule.group), |h| h.level);
        level.min(rule.severity)
    }
}

/// How the rules of [`QUIETER_IN_TESTS`] report in `_test.go` files.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Tests {
    /// As anywhere else.
    Same,
    /// One level lower (a hint stays a hint).
    #[default]
    Lower,
    /// Not at all.
    Skip,
}

impl Tests {
    /// Every choice.
    pub const ALL: [Tests; 3] = [Tests::Same, Tests::Lower, Tests::Skip];

    /// The lower-case name used in settings.
    pub fn name(self) -> &'static str {
        match self {
            Tests::Same => "same",
            Tests::Lower => "lower",
            Tests::Skip => "skip",
        }
    }

    /// Parses a lower-case name.
    pub fn from_name(name: &str) -> Option<Tests> {
        Tests::ALL.into_iter().find(|t| t.name() == name)
    }

    /// The level `rule` reports at in a test file, given its `level`
    /// elsewhere (`None`: off).
    pub fn in_test_file(self, rule: &Rule, level: Option<Severity>) -> Option<Severity> {
        if !QUIETER_IN_TESTS.contains(&rule.slug) {
            return level;
        }
        match self {
            Tests::Same => level,
            Tests::Lower => level.map(lower),
            Tests::Skip => None,
        }
    }
}

/// One level less serious; a hint stays a hint.
fn lower(level: Severity) -> Severity {
    match level {
        Severity::Error => Severity::Warning,
        Severity::Warning => Severity::Info,
        Severity::Info | Severity::Hint => Severity::Hint,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{CATALOGUE, RULES};

    #[test]
    fn every_named_rule_exists() {
        for slug in CI_HELD_BACK
            .iter()
            .map(|h| h.rule)
            .chain(QUIETER_IN_TESTS.iter().copied())
        {
            assert!(CATALOGUE.find(slug).is_some(), "{slug} is not a rule");
        }
    }

    #[test]
    fn ci_fails_the_build_only_on_correctness_and_suspicious_rules() {
        for rule in RULES {
            let ci = Preset::Ci.level(rule);
            let learn = Preset::Learn.level(rule);
            if ci >= Severity::Warning {
                assert!(
                    matches!(rule.group, Group::Correctness | Group::Suspicious),
                    "{} fails the build in ci",
                    rule.slug
                );
            }
            if rule.group == Group::Pedantic {
                assert_eq!(learn, Severity::Hint, "{}", rule.slug);
            }
        }
        let defer = CATALOGUE.find("defer-in-loop").map(|r| Preset::Ci.level(r));
        assert_eq!(defer, Some(Severity::Info));
    }

    #[test]
    fn test_files_lower_skip_or_keep_the_listed_rules() {
        let (Some(defer), Some(close)) = (
            CATALOGUE.find("defer-in-loop"),
            CATALOGUE.find("double-close"),
        ) else {
            panic!("rules missing");
        };
        let w = Some(Severity::Warning);
        assert_eq!(Tests::Lower.in_test_file(defer, w), Some(Severity::Info));
        assert_eq!(Tests::Skip.in_test_file(defer, w), None);
        assert_eq!(Tests::Same.in_test_file(defer, w), w);
        assert_eq!(Tests::Skip.in_test_file(close, w), w);
        assert_eq!(
            Tests::Lower.in_test_file(defer, Some(Severity::Hint)),
            Some(Severity::Hint)
        );
    }
}
