//! The rule catalog: each rule is one module holding its metadata and check,
//! with its tree-sitter query in `queries/<slug>.scm` and its fixture in
//! `tests/fixtures/<slug>.go`. Adding a rule adds its files and one line to
//! [`RULES`].

use crate::analysis::{Ctx, Finding, Match};
pub use facts::Facts;

mod append_aliasing;
mod append_no_prealloc;
mod buffered_overfill_deadlock;
mod close_nil_channel;
mod defer_in_loop;
mod defer_lock_typo;
mod double_close;
mod empty_critical_section;
mod explicit_gc;
mod facts;
mod goroutine_leak_unbuffered_result;
mod goroutine_missing_recover;
mod lock_calls;
mod lock_copy;
mod lock_flow;
mod lock_names;
mod lock_not_unlocked;
mod lock_types;
mod loop_var_capture;
mod loops;
mod lost_cancel;
mod mutex_copy;
mod nil_channel_op;
mod nil_map_write;
pub mod preset;
mod receive_loop_without_ok;
mod recover_not_deferred;
mod recursive_lock;
mod redundant_gomaxprocs;
mod scope;
mod select_default_busy_loop;
mod send_after_close;
mod shared_var_race;
pub(crate) mod skipped_declaration;
mod time_after_in_loop;
mod unbounded_goroutines;
mod unbuffered_send_deadlock;
mod unchecked_type_assertion;
pub(crate) mod unused_ignore;
mod waitgroup_add_inside_goroutine;
mod waitgroup_copy;

/// Every rule, in catalog order.
pub static RULES: &[&Rule] = &[
    &unbuffered_send_deadlock::RULE,
    &buffered_overfill_deadlock::RULE,
    &double_close::RULE,
    &send_after_close::RULE,
    &recover_not_deferred::RULE,
    &goroutine_missing_recover::RULE,
    &append_no_prealloc::RULE,
    &close_nil_channel::RULE,
    &nil_channel_op::RULE,
    &select_default_busy_loop::RULE,
    &receive_loop_without_ok::RULE,
    &goroutine_leak_unbuffered_result::RULE,
    &loop_var_capture::RULE,
    &unbounded_goroutines::RULE,
    &shared_var_race::RULE,
    &time_after_in_loop::RULE,
    &waitgroup_add_inside_goroutine::RULE,
    &waitgroup_copy::RULE,
    &mutex_copy::RULE,
    &lock_not_unlocked::RULE,
    &recursive_lock::RULE,
    &defer_lock_typo::RULE,
    &empty_critical_section::RULE,
    &lost_cancel::RULE,
    &unchecked_type_assertion::RULE,
    &nil_map_write::RULE,
    &append_aliasing::RULE,
    &defer_in_loop::RULE,
    &redundant_gomaxprocs::RULE,
    &explicit_gc::RULE,
    &unused_ignore::RULE,
    &skipped_declaration::RULE,
];

/// The file-wide facts that tie one declaration's findings to another
/// declaration other than through a name it mentions, each as the word
/// whose mentions read the fact and the fact: a mutex field released by a
/// function that does not take it (`lock-not-unlocked` leaves the locks of
/// that field alone), a name some `const` declaration declares, even one
/// inside a function (rules read such names as constants file-wide).
/// Incremental analysis re-checks the mentions of a word whose facts an
/// edit changed.
pub fn file_links(root: tree_sitter::Node<'_>, src: &str) -> Vec<(String, String)> {
    let facts = facts::Facts::new(root, src);
    let mut links: Vec<(String, String)> = facts
        .constants()
        .iter()
        .map(|name| (name.to_string(), "constant".to_string()))
        .collect();
    for (field, releasers) in lock_flow::released_elsewhere(root, src) {
        // An embedded mutex (`d.Unlock()`) is read where it is locked.
        let words: &[&str] = if field.is_empty() {
            &["Lock", "RLock"]
        } else {
            &[field]
        };
        for r in releasers {
            let fact = format!("released by {} {}", r.receiver_type.unwrap_or(""), r.name);
            links.extend(words.iter().map(|w| (w.to_string(), fact.clone())));
        }
    }
    links
}

/// The rule with slug `slug`.
pub fn find(slug: &str) -> Option<&'static Rule> {
    RULES.iter().copied().find(|r| r.slug == slug)
}

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
    /// The most serious level it reports at: a [`preset`] gives its group a
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
