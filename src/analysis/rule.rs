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
