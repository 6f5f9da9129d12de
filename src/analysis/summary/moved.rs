//! What two summaries of one file say alike but for where things are:
//! what incremental analysis asks after an edit, to know which methods'
//! lock and field facts changed and not just moved.

use super::functions::Functions;
use super::{FileSummary, MethodSummary};
use crate::analysis::conds::CondFacts;
use crate::analysis::sync_calls::SyncCall;
use std::collections::{HashMap, HashSet};
use std::ops::Range;

/// A file summary without positions, by receiver type: what an edit
/// compares (see [`MethodFacts::changed_types`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MethodFacts {
    /// The package clause, which rules read file-wide.
    package: String,
    /// The Cond facts, which rules read file-wide.
    conds: CondFacts,
    /// What the functions do to package-level mutexes, with every byte
    /// range emptied: rules follow static calls file-wide.
    functions: Functions,
    /// The `Wait`, `Done`, `Signal` and `Broadcast` calls of every method,
    /// in order, by method name: rules count them across types (fields
    /// spelled alike).
    syncs: Vec<(String, Vec<SyncCall>)>,
    /// Each receiver type's methods, in order, with every byte range
    /// emptied.
    types: HashMap<String, Vec<MethodSummary>>,
}

/// Every byte range at offset 0: where things are does not count.
fn nowhere(_: &Range<usize>) -> Option<Range<usize>> {
    Some(0..0)
}

impl MethodFacts {
    /// The facts of `summary`. Linear in its size.
    pub fn of(summary: &FileSummary) -> MethodFacts {
        let mut types: HashMap<String, Vec<MethodSummary>> = HashMap::new();
        let mut syncs = Vec::new();
        for m in &summary.methods {
            let mut m = m.clone();
            // Every range of a summary moves (see `shift`).
            let _ = m.shift(&nowhere);
            if !m.syncs.is_empty() {
                syncs.push((m.name.clone(), m.syncs.clone()));
            }
            types.entry(m.receiver_type.clone()).or_default().push(m);
        }
        let mut functions = summary.functions.clone();
        let _ = functions.shift(&nowhere);
        MethodFacts {
            package: summary.package.clone(),
            conds: summary.conds.clone(),
            functions,
            syncs,
            types,
        }
    }

    /// The receiver types whose methods say something else in `other`
    /// than here (a method's locks, calls or field accesses changed, or a
    /// method came or went), each type's methods compared in order;
    /// `None` when what the whole file says changed (the package clause,
    /// the Cond facts, what a function does to package-level mutexes). A
    /// change in the sync calls counts for every type.
    pub fn changed_types(&self, other: &MethodFacts) -> Option<HashSet<String>> {
        if self.package != other.package
            || self.conds != other.conds
            || self.functions != other.functions
        {
            return None;
        }
        let every = self.syncs != other.syncs;
        let differs = |ty: &String| every || self.types.get(ty) != other.types.get(ty);
        Some(
            self.types
                .keys()
                .chain(other.types.keys())
                .filter(|ty| differs(ty))
                .cloned()
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::{FileSummary, MethodFacts};
    use crate::analysis::Analyzer;
    use std::collections::HashSet;
    use std::sync::Arc;

    fn facts(src: &str) -> MethodFacts {
        let tree = Analyzer::new().parse(src, None).expect("parse");
        MethodFacts::of(&FileSummary::of(tree.root_node(), src, Arc::from("")))
    }

    fn types(names: &[&str]) -> Option<HashSet<String>> {
        Some(names.iter().map(|n| n.to_string()).collect())
    }

    #[test]
    fn only_the_types_whose_methods_changed_count() {
        let src = "package p\n\nimport \"sync\"\n\ntype S struct {\n\tmu sync.Mutex\n\tc  *sync.Cond\n\tn  int\n}\n\nfunc (s *S) Inc() {\n\ts.mu.Lock()\n\ts.n++\n\ts.mu.Unlock()\n}\n\ntype U struct{ mu sync.Mutex }\n\nfunc (u *U) Get() {\n\tu.mu.Lock()\n\tdefer u.mu.Unlock()\n}\n";
        let before = facts(src);
        // Moved by an edit elsewhere: nothing changed.
        let moved = facts(&src.replace("package p\n", "package p\n\n// moved\n"));
        assert_eq!(before.changed_types(&moved), types(&[]));
        // A lock taken away in a method of S.
        let changed = facts(&src.replace("\ts.mu.Unlock()\n", ""));
        assert_eq!(before.changed_types(&changed), types(&["S"]));
        // A method of U gone (a function now: what the functions do to
        // package-level mutexes is read file-wide, so the whole file may
        // count).
        let gone = facts(&src.replace("func (u *U) Get", "func Get"));
        let changed = before.changed_types(&gone);
        assert!(changed.is_none() || changed == types(&["U"]), "{changed:?}");
        // A sync call counts for every type (or the file, when the Cond
        // facts change with it); the package clause for the file.
        let waits = facts(&src.replace("\ts.n++\n", "\ts.c.Wait()\n"));
        let changed = before.changed_types(&waits);
        assert!(
            changed.is_none() || changed == types(&["S", "U"]),
            "{changed:?}"
        );
        let renamed = facts(&src.replace("package p", "package q"));
        assert_eq!(before.changed_types(&renamed), None);
    }
}
