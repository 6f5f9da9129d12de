//! The vocabulary of rules: what a rule is ([`Rule`], its [`Check`]), how
//! serious its findings are ([`Severity`]) and what kind of problem it finds
//! ([`Group`]). The catalogue of rules lives outside the core and is handed
//! to it as a [`super::Catalogue`].

use super::{Ctx, Finding, Match};

/// How serious a finding is; ordered from least to most serious.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// A suggestion the editor may show faintly.
    Hint,
    /// Worth knowing; rarely a bug by itself.
    Info,
    /// Likely a bug or a trap.
    Warning,
    /// A certain bug: a panic, deadlock or data race.
    Error,
}

impl Severity {
    /// Every severity, least serious first.
    pub const ALL: [Severity; 4] = [
        Severity::Hint,
        Severity::Info,
        Severity::Warning,
        Severity::Error,
    ];

    /// The lower-case name used in configs and output (`error`, `warning`, …).
    pub fn name(self) -> &'static str {
        match self {
            Severity::Hint => "hint",
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// Parses a lower-case severity name.
    pub fn from_name(name: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|s| s.name() == name)
    }
}

/// What kind of problem a rule finds; presets and the `groups.<group>`
/// setting give every rule of a group its level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Group {
    /// Certain bugs: panics, deadlocks, lost locks.
    Correctness,
    /// Likely bugs that real code sometimes means.
    Suspicious,
    /// Needless work: allocations, timers, growth.
    Performance,
    /// Idiom and teaching notes.
    Pedantic,
}

impl Group {
    /// Every group, most serious first.
    pub const ALL: [Group; 4] = [
        Group::Correctness,
        Group::Suspicious,
        Group::Performance,
        Group::Pedantic,
    ];

    /// The lower-case name used in settings and output (`correctness`, …).
    pub fn name(self) -> &'static str {
        match self {
            Group::Correctness => "correctness",
            Group::Suspicious => "suspicious",
            Group::Performance => "performance",
            Group::Pedantic => "pedantic",
        }
    }

    /// Parses a lower-case group name.
    pub fn from_name(name: &str) -> Option<Group> {
        Group::ALL.into_iter().find(|g| g.name() == name)
    }

    /// One line: what its rules find.
    pub fn description(self) -> &'static str {
        match self {
            Group::Correctness => "certain bugs",
            Group::Suspicious => "likely bugs",
            Group::Performance => "needless work",
            Group::Pedantic => "idiom and teaching notes",
        }
    }
}

/// Another Go linter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Linter {
    /// An analyzer of `go vet` (golang.org/x/tools/go/analysis/passes).
    Vet,
    /// A staticcheck check (`SA…`, `S…`, `ST…`, `QF…`).
    Staticcheck,
    /// A go-critic checker.
    Gocritic,
    /// A revive rule.
    Revive,
    /// A linter bundled with golangci-lint.
    GolangciLint,
}

impl Linter {
    /// The linter's name as its users type it.
    pub fn name(self) -> &'static str {
        match self {
            Linter::Vet => "go vet",
            Linter::Staticcheck => "staticcheck",
            Linter::Gocritic => "go-critic",
            Linter::Revive => "revive",
            Linter::GolangciLint => "golangci-lint",
        }
    }
}

/// A check of another linter that reports the same problem as a rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Peer {
    /// The linter.
    pub linter: Linter,
    /// The check's id there (`copylocks`, `SA2001`, `deferInLoop`).
    pub id: &'static str,
    /// What it covers when that is less than the rule does; empty when the
    /// same.
    pub scope: &'static str,
}

/// The check a rule runs on each match of its query (whose nodes belong to
/// the context's tree).
pub type Check = for<'t> fn(&Ctx<'t>, &Match<'_, 't>, &mut Vec<Finding>);

/// One rule: what it flags, why, where the corpus explains it, and how.
#[derive(Debug)]
pub struct Rule {
    /// Kebab-case id, used in output, configs and suppressions.
    pub slug: &'static str,
    /// The most serious level it reports at: a preset gives its group a
    /// level and the rule reports at that level or this one, whichever is
    /// lower (the analysis core on its own, with no configuration, uses this).
    pub severity: Severity,
    /// The group it belongs to, which presets and settings give a level.
    pub group: Group,
    /// Corpus question id (a heading slug) that explains the concept.
    pub question: &'static str,
    /// The part of that answer to quote: a sub-section heading or list item
    /// name; `None` quotes the first paragraph.
    pub topic: Option<&'static str>,
    /// One line: what the rule flags.
    pub summary: &'static str,
    /// One sentence: why it matters.
    pub why: &'static str,
    /// The default diagnostic message.
    pub message: &'static str,
    /// How to fix it, in words, when there is a usual fix.
    pub fix: Option<&'static str>,
    /// Go code the rule flags.
    pub bad: &'static str,
    /// The same code, fixed.
    pub good: &'static str,
    /// The newer API or language feature that avoids the problem, with the
    /// Go version that added it, when there is one.
    pub use_instead: Option<&'static str>,
    /// Whether the quick fix can change behaviour, and when ("no quick fix"
    /// when the rule offers none).
    pub fix_safety: &'static str,
    /// Code the rule still flags wrongly or misses, one pattern each; empty
    /// when none is known.
    pub known_problems: &'static [&'static str],
    /// The gohint version that added the rule.
    pub since: &'static str,
    /// The Go versions whose code the rule applies to (`all`, `before 1.22`).
    pub go: &'static str,
    /// Other linters' checks for the same problem.
    pub also_reported_by: &'static [Peer],
    /// Official Go documentation that backs the rule (go.dev, pkg.go.dev).
    pub references: &'static [&'static str],
    /// The tree-sitter query (from `queries/<slug>.scm`); empty for rules the
    /// engine itself reports.
    pub query: &'static str,
    /// Narrows each query match to findings.
    pub check: Check,
}

impl PartialEq for Rule {
    fn eq(&self, other: &Self) -> bool {
        self.slug == other.slug
    }
}

impl Eq for Rule {}
