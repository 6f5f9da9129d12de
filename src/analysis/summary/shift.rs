//! Moving a method's summary with its text: after an edit elsewhere in
//! the file, a method whose text the edit left alone says what it said
//! before, at other offsets. Incremental analysis moves it rather than
//! working it out again (see [`super::FileSummary::updated`]).

use super::{ChanOp, EntryStep, FieldAccess, HeldCall, HeldLock, MethodSummary, Nested};
use crate::analysis::sync_calls::{Acquired, SyncCall};
use std::ops::Range;

/// Where a byte range of the old text is in the new one, or `None` when
/// the edit replaced text in it.
pub type Move<'a> = &'a dyn Fn(&Range<usize>) -> Option<Range<usize>>;

/// Where an earlier analysis of the same document can be reused after an
/// edit: whether a region of the new text (new offsets) is one the edit
/// left alone, and where a range of the old text is now.
pub struct Reuse<'a> {
    /// Whether the edit left the region alone.
    pub kept: &'a dyn Fn(&Range<usize>) -> bool,
    /// Where an old range is now (`None` when the edit replaced text in it).
    pub moved: Move<'a>,
}

/// Moves one range; `None` when it is gone.
pub(super) fn moved(r: &mut Range<usize>, by: Move<'_>) -> Option<()> {
    *r = by(r)?;
    Some(())
}

fn held(locks: &mut [HeldLock], by: Move<'_>) -> Option<()> {
    locks.iter_mut().try_for_each(|l| moved(&mut l.range, by))
}

fn acquired(locks: &mut [Acquired], by: Move<'_>) -> Option<()> {
    locks.iter_mut().try_for_each(|l| moved(&mut l.range, by))
}

fn calls(calls: &mut [HeldCall], by: Move<'_>) -> Option<()> {
    calls.iter_mut().try_for_each(|c| {
        moved(&mut c.range, by)?;
        held(&mut c.held, by)
    })
}

impl MethodSummary {
    /// Moves every byte range of the summary by `by`; `None` (and the
    /// summary half moved) when any range is gone.
    pub fn shift(&mut self, by: Move<'_>) -> Option<()> {
        moved(&mut self.name_range, by)?;
        if let Some(r) = &mut self.rebound {
            moved(r, by)?;
        }
        self.entry.iter_mut().try_for_each(|step| match step {
            EntryStep::Lock { range: r, .. } | EntryStep::Call { range: r, .. } => moved(r, by),
        })?;
        self.chan_ops.iter_mut().try_for_each(
            |ChanOp {
                 range: r, held: h, ..
             }| {
                moved(r, by)?;
                held(h, by)
            },
        )?;
        self.nested
            .iter_mut()
            .try_for_each(|Nested { outer, inner }| {
                moved(&mut outer.range, by)?;
                moved(&mut inner.range, by)
            })?;
        calls(&mut self.held_calls, by)?;
        calls(&mut self.receiver_calls, by)?;
        self.accesses.iter_mut().try_for_each(
            |FieldAccess {
                 range: r, held: h, ..
             }| {
                moved(r, by)?;
                held(h, by)
            },
        )?;
        self.syncs.iter_mut().try_for_each(
            |SyncCall {
                 range: r,
                 locked,
                 held: h,
                 ..
             }| {
                moved(r, by)?;
                acquired(locked, by)?;
                acquired(h, by)
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::super::FileSummary;
    use crate::analysis::Analyzer;
    use std::sync::Arc;

    const FIXTURES: &[&str] = &[
        include_str!("../../../tests/fixtures/concurrent-method-without-lock.go"),
        include_str!("../../../tests/fixtures/cond-never-signalled.go"),
        include_str!("../../../tests/fixtures/inconsistent-field-locking.go"),
        include_str!("../../../tests/fixtures/lock-held-across-blocking-op.go"),
        include_str!("../../../tests/fixtures/lock-order-inversion.go"),
        include_str!("../../../tests/fixtures/mixed-atomic-access.go"),
        include_str!("../../../tests/fixtures/recursive-lock.go"),
        include_str!("../../../tests/fixtures/recursive-rlock.go"),
        include_str!("../../../tests/fixtures/waitgroup-add-inside-goroutine.go"),
    ];

    fn summary(text: &str) -> FileSummary {
        let tree = Analyzer::new().parse(text, None).expect("parse");
        FileSummary::of(tree.root_node(), text, Arc::from("f.go"))
    }

    /// Every range a summary holds moves: a summary (of methods and of
    /// functions) moved by the length of a line put in front of the file is
    /// that file's summary.
    #[test]
    fn a_moved_summary_is_the_summary_of_the_moved_text() {
        let pad = "// padding\n";
        let mut seen = [false; 8];
        let mut seen_functions = false;
        for text in FIXTURES {
            let before = summary(text);
            let after = summary(&format!("{pad}{text}"));
            let by = |r: &std::ops::Range<usize>| Some(r.start + pad.len()..r.end + pad.len());
            for (old, new) in before.methods.iter().zip(&after.methods) {
                let mut moved = old.clone();
                assert_eq!(moved.shift(&by), Some(()));
                assert_eq!(&moved, new);
                for (i, has) in [
                    old.rebound.is_some(),
                    !old.entry.is_empty(),
                    !old.chan_ops.is_empty(),
                    !old.nested.is_empty(),
                    !old.held_calls.is_empty(),
                    !old.accesses.is_empty(),
                    !old.receiver_calls.is_empty(),
                    !old.syncs.is_empty(),
                ]
                .into_iter()
                .enumerate()
                {
                    seen[i] |= has;
                }
            }
            assert_eq!(before.methods.len(), after.methods.len());
            let mut functions = before.functions.clone();
            assert_eq!(functions.shift(&by), Some(()));
            assert_eq!(functions, after.functions);
            seen_functions |= !before.functions.decls.is_empty();
        }
        assert!(seen_functions);
        // The fixtures hold every kind of range a summary keeps.
        assert_eq!(seen, [true; 8]);
    }
}
