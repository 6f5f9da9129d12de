//! Incremental analysis: after an edit, reparse with the edited old tree,
//! re-check only the top-level declarations that changed, and keep the
//! earlier findings of the others, shifted by the edit. The result equals a
//! from-scratch analysis because the rules are intra-procedural: a
//! finding depends only on the declaration that holds it.

use crate::analysis::{self, Analyzer, Finding, InputError, Options};
use std::ops::Range;
use tree_sitter::{InputEdit, Node, Tree};

/// One text edit, in byte offsets of the text before it, with the
/// tree-sitter description of it.
#[derive(Clone, Debug)]
pub struct ByteEdit {
    /// The tree-sitter edit (bytes and points).
    pub input: InputEdit,
}

impl ByteEdit {
    /// The new offset of `offset` after this edit, or `None` when the edit
    /// replaced the text around it.
    fn shift(&self, offset: usize) -> Option<usize> {
        let e = &self.input;
        if offset <= e.start_byte {
            Some(offset)
        } else if offset >= e.old_end_byte {
            Some(offset - e.old_end_byte + e.new_end_byte)
        } else {
            None
        }
    }

    /// A range of changed text, moved by this edit; its ends inside the
    /// edit snap to the edit's ends.
    fn cover(&self, range: &Range<usize>) -> Range<usize> {
        let start = self.shift(range.start).unwrap_or(self.input.start_byte);
        let end = self.shift(range.end).unwrap_or(self.input.new_end_byte);
        start..end.max(start)
    }

    /// `range` after this edit, or `None` when the edit touches it.
    fn shift_range(&self, range: &Range<usize>) -> Option<Range<usize>> {
        let e = &self.input;
        if range.end >= e.start_byte && range.start <= e.old_end_byte {
            return None;
        }
        Some(self.shift(range.start)?..self.shift(range.end)?)
    }

    /// A finding moved by this edit, or `None` when the edit touches any
    /// of its spans.
    fn shift_finding(&self, mut f: Finding) -> Option<Finding> {
        f.range = self.shift_range(&f.range)?;
        for related in &mut f.related {
            related.range = self.shift_range(&related.range)?;
        }
        if let Some(fix) = &mut f.fix {
            for edit in &mut fix.edits {
                edit.range = self.shift_range(&edit.range)?;
            }
        }
        Some(f)
    }
}

/// A document's tree and findings at one text.
pub struct Snapshot {
    /// The syntax tree.
    pub tree: Tree,
    /// Findings before severity overrides and suppressions (the cache).
    raw: Vec<Finding>,
    /// The finished findings, sorted.
    pub findings: Vec<Finding>,
}

impl Snapshot {
    /// Parses and checks `text` from scratch.
    pub fn fresh(
        analyzer: &mut Analyzer,
        text: &str,
        options: &Options,
    ) -> Result<Snapshot, InputError> {
        let tree = analyzer.parse(text, None)?;
        let raw = analysis::check_ranges(&tree, text, options, None);
        Ok(Snapshot::finish(tree, raw, text, options))
    }

    /// The snapshot of `text`, which is this snapshot's text after `edits`
    /// (in order), reusing the tree and the findings of unchanged
    /// declarations. `options` must be those this snapshot was made with.
    pub fn update(
        self,
        analyzer: &mut Analyzer,
        text: &str,
        edits: &[ByteEdit],
        options: &Options,
    ) -> Result<Snapshot, InputError> {
        let Snapshot {
            tree: mut old,
            mut raw,
            ..
        } = self;
        let mut changed: Vec<Range<usize>> = Vec::new();
        for edit in edits {
            old.edit(&edit.input);
            changed = changed.iter().map(|r| edit.cover(r)).collect();
            changed.push(edit.input.start_byte..edit.input.new_end_byte);
            raw = raw
                .into_iter()
                .filter_map(|f| edit.shift_finding(f))
                .collect();
        }
        let tree = analyzer.parse(text, Some(&old))?;
        if tree.root_node().has_error() {
            // Error recovery may build a different tree for the same text
            // depending on the edit history; a fresh parse keeps the result
            // what a from-scratch analysis gives.
            return Snapshot::fresh(analyzer, text, options);
        }
        changed.extend(old.changed_ranges(&tree).map(|r| r.start_byte..r.end_byte));
        let tops = TopLevel::of(&tree);
        let dirty: Vec<bool> = tops
            .nodes
            .iter()
            .map(|n| {
                changed
                    .iter()
                    .any(|c| c.start <= n.end_byte() && n.start_byte() <= c.end)
            })
            .collect();
        if tops
            .nodes
            .iter()
            .zip(&dirty)
            .any(|(n, &d)| d && !tops.is_local(*n))
        {
            return Snapshot::fresh_from(tree, text, options);
        }
        let owner_dirty = |f: &Finding| {
            dirty
                .get(tops.owner(f.range.start))
                .copied()
                .unwrap_or(true)
        };
        raw.retain(|f| !owner_dirty(f));
        let ranges = tops.dirty_ranges(&dirty);
        if !ranges.is_empty() {
            let fresh = analysis::check_ranges(&tree, text, options, Some(&ranges));
            raw.extend(fresh.into_iter().filter(|f| owner_dirty(f)));
        }
        Ok(Snapshot::finish(tree, raw, text, options))
    }

    /// Checks a parsed `text` from scratch.
    fn fresh_from(tree: Tree, text: &str, options: &Options) -> Result<Snapshot, InputError> {
        let raw = analysis::check_ranges(&tree, text, options, None);
        Ok(Snapshot::finish(tree, raw, text, options))
    }

    /// Finishes raw findings into a snapshot.
    fn finish(tree: Tree, raw: Vec<Finding>, text: &str, options: &Options) -> Snapshot {
        let findings = analysis::finish(raw.clone(), &tree, text, options);
        Snapshot {
            tree,
            raw,
            findings,
        }
    }
}

/// The top-level nodes of a tree: declarations, comments and terminators.
struct TopLevel<'t> {
    nodes: Vec<Node<'t>>,
    /// Where the package clause starts (comments before it can be build
    /// constraints, which concern the whole file).
    package_start: usize,
}

impl<'t> TopLevel<'t> {
    fn of(tree: &'t Tree) -> Self {
        let root = tree.root_node();
        let mut cursor = root.walk();
        let nodes: Vec<Node<'t>> = root.children(&mut cursor).collect();
        let package_start = nodes
            .iter()
            .find(|n| n.kind() == "package_clause")
            .map_or(usize::MAX, |n| n.start_byte());
        TopLevel {
            nodes,
            package_start,
        }
    }

    /// Whether a change inside `node` can only change findings inside it:
    /// functions and methods, statement terminators, and comments after the
    /// package clause. Anything else (imports, types, package-level
    /// variables, syntax errors, the file header) may change how every
    /// function is read, so the whole file is checked again.
    fn is_local(&self, node: Node<'_>) -> bool {
        match node.kind() {
            "function_declaration" | "method_declaration" => true,
            "comment" => node.start_byte() > self.package_start,
            _ => !node.is_named() && !node.is_error() && !node.is_missing(),
        }
    }

    /// Index of the top-level node that holds byte `offset` (the last one
    /// starting at or before it).
    fn owner(&self, offset: usize) -> usize {
        self.nodes
            .partition_point(|n| n.start_byte() <= offset)
            .saturating_sub(1)
    }

    /// The byte ranges of the dirty nodes, runs of neighbours merged.
    fn dirty_ranges(&self, dirty: &[bool]) -> Vec<Range<usize>> {
        let mut out: Vec<Range<usize>> = Vec::new();
        let mut previous_dirty = false;
        for (node, &d) in self.nodes.iter().zip(dirty) {
            if d {
                match out.last_mut() {
                    Some(last) if previous_dirty => last.end = node.end_byte(),
                    _ => out.push(node.byte_range()),
                }
            }
            previous_dirty = d;
        }
        out
    }
}
