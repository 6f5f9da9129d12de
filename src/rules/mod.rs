//! The rule catalog: each rule is one module holding its metadata and check,
//! with its tree-sitter query in `queries/<slug>.scm` and its fixture in
//! `tests/fixtures/<slug>.go`. Adding a rule adds its files and one line to
//! [`RULES`]. The rule vocabulary ([`Rule`], [`Severity`], [`Group`]) and
//! the analyses rules share live in the core, [`crate::analysis`]; the rules
//! of this module name them through their parent.

use crate::analysis::{skipped_declaration, unused_ignore, Catalogue, Group, Rule, Severity};

mod append_aliasing;
mod append_no_prealloc;
mod buffered_overfill_deadlock;
mod close_nil_channel;
mod concurrent_method_without_lock;
mod cond_never_signalled;
mod defer_in_loop;
mod defer_lock_typo;
mod double_close;
mod empty_critical_section;
mod explicit_gc;
mod goroutine_leak_unbuffered_result;
mod goroutine_missing_recover;
mod inconsistent_field_locking;
mod lock_held_across_blocking_op;
mod lock_not_unlocked;
mod lock_order_inversion;
mod loop_var_capture;
mod lost_cancel;
mod mixed_atomic_access;
mod mutex_copy;
mod nil_channel_op;
mod nil_map_write;
pub mod preset;
mod receive_loop_without_ok;
mod recover_not_deferred;
mod recursive_lock;
mod recursive_rlock;
mod redundant_gomaxprocs;
mod select_default_busy_loop;
mod send_after_close;
mod shared_var_race;
mod test_fatal_in_goroutine;
mod time_after_in_loop;
mod unbounded_goroutines;
mod unbuffered_send_deadlock;
mod unchecked_type_assertion;
mod unlock_missing_on_exit_path;
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
    &test_fatal_in_goroutine::RULE,
    &waitgroup_copy::RULE,
    &mutex_copy::RULE,
    &lock_not_unlocked::RULE,
    &lock_held_across_blocking_op::RULE,
    &lock_order_inversion::RULE,
    &unlock_missing_on_exit_path::RULE,
    &recursive_lock::RULE,
    &recursive_rlock::RULE,
    &inconsistent_field_locking::RULE,
    &mixed_atomic_access::RULE,
    &concurrent_method_without_lock::RULE,
    &cond_never_signalled::RULE,
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

/// The catalogue the analysis runs: every rule, with its compiled engine.
pub static CATALOGUE: Catalogue = Catalogue::new(RULES);
