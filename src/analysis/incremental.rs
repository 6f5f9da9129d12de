//! Incremental analysis: after an edit, reparse with the edited old tree,
//! re-check only the top-level declarations that changed, and keep the
//! earlier findings of the others, shifted by the edit.
//!
//! Rules look at one declaration at a time, except through names: a rule
//! may read the signature of a function it calls, the type of a field it
//! selects, the callers of the function it checks, or whether anything in
//! the file closes a channel of some name. So the declarations that mention
//! a name the change may have given a new meaning are re-checked too
//! ([`Change::stale`]), and a change to the imports, the
//! package clause, the file header or the shape of a type, `var` or
//! `const` declaration re-checks the whole file, as does any text with a
//! syntax error (its tree is parsed afresh: error recovery can depend on
//! the edit history). A declaration's findings may also rest on what the
//! other methods of its receiver's type do to locks and fields (their
//! summaries): when an edit changes what a method does, and not just where,
//! every method of its type is re-checked ([`MethodFacts::changed_types`]).
//! The result equals a from-scratch analysis; the property tests hold it to
//! that.

use super::dependencies::{self, Names};
use super::summary::{FileSummary, MethodFacts, Reuse};
use super::syntax::{self, Walk};
use super::{self as analysis, Analyzer, Finding, InputError, Options};
use std::collections::HashSet;
use std::ops::Range;
use std::sync::Arc;
use tree_sitter::{InputEdit, Node, Tree};

/// One text edit, in byte offsets of the text before it, with the
/// tree-sitter description of it.
#[derive(Clone, Debug)]
pub struct ByteEdit {
    /// The tree-sitter edit (bytes and points).
    pub input: InputEdit,
    /// The words the edit removes and writes (see
    /// [`dependencies::touched_words`]).
    pub words: Vec<String>,
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
    /// The names the file's top-level declarations declare.
    names: Box<Names>,
    /// The file's own summary as the rules saw it (named as its package
    /// sees the file; empty when [`analysis::summarised`] says so).
    pub summary: Arc<FileSummary>,
    /// The summary without positions, for the next edit to compare.
    facts: Box<MethodFacts>,
    /// The finished findings, sorted.
    pub findings: Vec<Finding>,
}

/// The summary the rules work out for the file `text` parsed as `tree`
/// under `options` (see [`analysis::Ctx::new`]), named as the package sees
/// the file; after an edit, with the earlier summary's methods that the
/// edit left alone moved rather than worked out again.
fn own_summary(
    tree: &Tree,
    text: &str,
    options: &Options,
    earlier: Option<(&FileSummary, &Reuse<'_>)>,
) -> Arc<FileSummary> {
    if !analysis::summarised(text, options) {
        return Arc::new(FileSummary::empty());
    }
    let name = options
        .package
        .as_ref()
        .map_or_else(|| Arc::from(""), |p| Arc::clone(p.seen_file()));
    let root = tree.root_node();
    Arc::new(match earlier {
        None => FileSummary::of(root, text, name),
        Some((old, reuse)) => FileSummary::updated(old, root, text, name, reuse),
    })
}

/// Whether two byte ranges overlap or meet.
fn touch(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start <= b.end && b.start <= a.end
}

/// `options` with the file's own summary, so the rules do not work it out
/// again.
fn with_summary(options: &Options, summary: &Arc<FileSummary>) -> Options {
    let mut options = options.clone();
    options.own_summary = Some(Arc::clone(summary));
    options
}

impl Snapshot {
    /// Parses and checks `text` from scratch.
    pub fn fresh(
        analyzer: &mut Analyzer,
        text: &str,
        options: &Options,
    ) -> Result<Snapshot, InputError> {
        let tree = analyzer.parse(text, None)?;
        Snapshot::fresh_from(tree, text, options)
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
        let mut change = self.reparse(analyzer, text, edits)?;
        if change.tree.root_node().has_error() {
            // Error recovery may build a different tree for the same text
            // depending on the edit history; a fresh parse keeps the result
            // what a from-scratch analysis gives.
            return Snapshot::fresh(analyzer, text, options);
        }
        // What the edits left alone, and where it is now.
        let kept = |region: &Range<usize>| !change.edited.iter().any(|e| touch(e, region));
        let moved = |range: &Range<usize>| {
            edits.iter().try_fold(range.clone(), |r, e| {
                Some(e.shift(r.start)?..e.shift(r.end)?)
            })
        };
        let reuse = Reuse {
            kept: &kept,
            moved: &moved,
        };
        let summary = own_summary(
            &change.tree,
            text,
            options,
            Some((&change.old_summary, &reuse)),
        );
        let facts = Box::new(MethodFacts::of(&summary));
        let changed_types = change.old_facts.changed_types(&facts);
        // The file-wide links of the summary are read from its methods.
        let methods_changed = changed_types.as_ref().is_none_or(|t| !t.is_empty());
        let names = Box::new(Names::updated(
            std::mem::take(&mut *change.old_names),
            &change.tree,
            text,
            &summary,
            &reuse,
            methods_changed,
        ));
        let options = &with_summary(options, &summary);
        let tops = TopLevel::of(&change.tree);
        let stale = change.stale(&tops, text, &names).zip(changed_types);
        let Some((mut stale, types)) = stale else {
            let raw = analysis::check_ranges(&change.tree, text, options, None);
            return Ok(Snapshot::finish(
                change.tree,
                raw,
                text,
                options,
                (names, summary, facts),
            ));
        };
        // The methods of a type whose methods changed what they do.
        for m in summary
            .methods
            .iter()
            .filter(|m| types.contains(&m.receiver_type))
        {
            if let Some(s) = stale.get_mut(tops.owner(m.name_range.start)) {
                *s = true;
            }
        }
        let owner_stale = |f: &Finding| {
            stale
                .get(tops.owner(f.range.start))
                .copied()
                .unwrap_or(true)
        };
        let mut raw = std::mem::take(&mut change.raw);
        raw.retain(|f| !owner_stale(f));
        let ranges = tops.stale_ranges(&stale);
        if !ranges.is_empty() {
            let fresh = analysis::check_ranges(&change.tree, text, options, Some(&ranges));
            raw.extend(fresh.into_iter().filter(|f| owner_stale(f)));
        }
        Ok(Snapshot::finish(
            change.tree,
            raw,
            text,
            options,
            (names, summary, facts),
        ))
    }

    /// Applies `edits` to the tree and the cached findings, and reparses.
    fn reparse(
        self,
        analyzer: &mut Analyzer,
        text: &str,
        edits: &[ByteEdit],
    ) -> Result<Change, InputError> {
        let Snapshot {
            tree: mut old,
            mut raw,
            names: old_names,
            facts: old_facts,
            summary: old_summary,
            ..
        } = self;
        let mut ranges: Vec<Range<usize>> = Vec::new();
        // Where findings the edits touched were: a finding may point into
        // another declaration (a related location), and its own
        // declaration must then be checked again to find it anew.
        let mut lost: Vec<Range<usize>> = Vec::new();
        let mut words = Vec::new();
        for edit in edits {
            words.push(edit.words.clone());
            old.edit(&edit.input);
            ranges = ranges.iter().map(|r| edit.cover(r)).collect();
            lost = lost.iter().map(|r| edit.cover(r)).collect();
            ranges.push(edit.input.start_byte..edit.input.new_end_byte);
            raw = raw
                .into_iter()
                .filter_map(|f| {
                    let at = f.range.clone();
                    let moved = edit.shift_finding(f);
                    if moved.is_none() {
                        lost.push(edit.cover(&at));
                    }
                    moved
                })
                .collect();
        }
        let tree = analyzer.parse(text, Some(&old))?;
        let edited = ranges.clone();
        ranges.extend(lost);
        let structural: Vec<Range<usize>> = old
            .changed_ranges(&tree)
            .map(|r| r.start_byte..r.end_byte)
            .collect();
        ranges.extend(structural.iter().cloned());
        Ok(Change {
            old,
            tree,
            ranges,
            edited,
            structural,
            words,
            old_names,
            old_facts,
            old_summary,
            raw,
        })
    }

    /// Checks a parsed `text` from scratch.
    fn fresh_from(tree: Tree, text: &str, options: &Options) -> Result<Snapshot, InputError> {
        let summary = own_summary(&tree, text, options, None);
        let options = &with_summary(options, &summary);
        let raw = analysis::check_ranges(&tree, text, options, None);
        let names = Box::new(Names::of(&tree, text, &summary));
        let facts = Box::new(MethodFacts::of(&summary));
        Ok(Snapshot::finish(
            tree,
            raw,
            text,
            options,
            (names, summary, facts),
        ))
    }

    /// Finishes raw findings into a snapshot, with the file's names and
    /// summary.
    fn finish(
        tree: Tree,
        raw: Vec<Finding>,
        text: &str,
        options: &Options,
        (names, summary, facts): (Box<Names>, Arc<FileSummary>, Box<MethodFacts>),
    ) -> Snapshot {
        let findings = analysis::finish(raw.clone(), text, options);
        Snapshot {
            tree,
            raw,
            names,
            summary,
            facts,
            findings,
        }
    }
}

/// A reparse after edits: both trees and what changed between them.
struct Change {
    /// The old tree, edited to the new offsets.
    old: Tree,
    /// The new tree.
    tree: Tree,
    /// The edited and structurally changed ranges, and where the findings
    /// the edits touched were, in new offsets.
    ranges: Vec<Range<usize>>,
    /// The edited ranges alone.
    edited: Vec<Range<usize>>,
    /// The structurally changed ranges alone.
    structural: Vec<Range<usize>>,
    /// The words each edit removed and wrote (in the order of `edited`).
    words: Vec<Vec<String>>,
    /// The top-level names before the edits.
    old_names: Box<Names>,
    /// What the file's methods did before the edits.
    old_facts: Box<MethodFacts>,
    /// The file's summary before the edits.
    old_summary: Arc<FileSummary>,
    /// The cached raw findings, moved to the new offsets (those the edits
    /// touched are gone).
    raw: Vec<Finding>,
}

impl Change {
    /// Which top-level nodes of the new tree must be checked again, or
    /// `None` when the whole file must (see [`Scope`]).
    ///
    /// Those the change touches, and those that mention a name it may
    /// have changed the meaning of: a declaration's name (function,
    /// method, type, variable, constant; before or after the change) that
    /// an edit removed or wrote outside comments, that sits in a signature
    /// an edit touches, or that sits in code whose structure changed — so
    /// `defer f()` becoming `f()` re-checks `f`, and a new result type
    /// re-checks the callers, while typing inside a local name re-checks
    /// nothing more (mentions in comments and string literals do not
    /// count: no rule reads names there). In a type, `var` or `const`
    /// declaration, field names
    /// count too: a field's new type re-checks what mentions the field, the
    /// type holding it and the types that hold that type (its comments
    /// change nothing).
    /// So does a word whose file-wide facts the change changed: a channel
    /// name that the file closed before the change and does not after, or
    /// the other way round; a mutex field a function now releases without
    /// taking it (see [`Names::linked_differently`]).
    fn stale(&self, tops: &TopLevel<'_>, text: &str, names: &Names) -> Option<Vec<bool>> {
        let mut stale: Vec<bool> = tops
            .nodes
            .iter()
            .map(|n| self.ranges.iter().any(|c| touches(n, c)))
            .collect();
        let mut code_words: HashSet<&str> = HashSet::new();
        let mut spec_words: HashSet<String> = HashSet::new();
        for (node, _) in tops.nodes.iter().zip(&stale).filter(|(_, &s)| s) {
            match tops.scope(*node) {
                Scope::Own => {}
                Scope::File => return None,
                Scope::Names if !self.same_shape(&node.byte_range()) => return None,
                Scope::Names => {
                    for (range, words) in self
                        .edited
                        .iter()
                        .zip(&self.words)
                        .filter(|(r, _)| touches(node, r) && !self.in_comment(r))
                    {
                        spec_words.extend(dependencies::spec_words(&self.tree, text, range));
                        spec_words.extend(dependencies::enclosing_type(&self.tree, text, range));
                        spec_words.extend(words.iter().cloned());
                    }
                }
            }
        }
        dependencies::holders(&self.tree, text, &mut spec_words);
        for (range, words) in self.edited.iter().zip(&self.words) {
            if !self.in_comment(range) {
                code_words.extend(words.iter().map(String::as_str));
            }
        }
        let mut context: HashSet<String> = HashSet::new();
        for range in &self.edited {
            context.extend(dependencies::signature_words(&self.tree, text, range));
        }
        for range in self.structural.iter().filter(|r| !self.same_shape(r)) {
            context.extend(dependencies::context_words(&self.tree, text, range));
            context.extend(dependencies::context_words(&self.old, text, range));
        }
        let declared = |w: &str| names.declares(w);
        let field = |w: &str| names.has_field(w);
        let carriers: HashSet<&str> = code_words
            .into_iter()
            .chain(context.iter().map(String::as_str))
            .filter(|w| declared(w))
            .chain(
                spec_words
                    .iter()
                    .map(String::as_str)
                    .filter(|w| declared(w) || field(w)),
            )
            .chain(names.linked_differently())
            .collect();
        for word in carriers {
            for at in dependencies::occurrences(text, word) {
                if let Some(s) = stale.get_mut(tops.owner(at)) {
                    *s = *s || dependencies::in_code(&self.tree, at..at + word.len());
                }
            }
        }
        Some(stale)
    }

    /// Whether an edited range lies inside a comment, before and after.
    fn in_comment(&self, range: &Range<usize>) -> bool {
        let comment = |tree: &Tree| {
            tree.root_node()
                .descendant_for_byte_range(range.start, range.end)
                .is_some_and(|n| n.kind() == "comment")
        };
        comment(&self.tree) && comment(&self.old)
    }

    /// Whether the code around a structurally changed range kept its
    /// shape: the statement (or top-level node) holding it has the same
    /// node kinds in the same order in both trees, so only token texts
    /// changed, and the edits' words already say which.
    fn same_shape(&self, range: &Range<usize>) -> bool {
        match (unit(&self.tree, range), unit(&self.old, range)) {
            (Some(new), Some(old)) => shape(new) == shape(old),
            _ => false,
        }
    }
}

/// Whether `node` and `range` overlap or touch.
fn touches(node: &Node<'_>, range: &Range<usize>) -> bool {
    range.start <= node.end_byte() && node.start_byte() <= range.end
}

/// The statement (or top-level node) holding `range`.
fn unit<'t>(tree: &'t Tree, range: &Range<usize>) -> Option<Node<'t>> {
    let node = tree
        .root_node()
        .descendant_for_byte_range(range.start, range.end)?;
    std::iter::once(node)
        .chain(syntax::ancestors(node))
        .find(|n| {
            n.parent()
                .is_some_and(|p| matches!(p.kind(), "statement_list" | "source_file"))
        })
}

/// The kinds of a subtree's nodes, in document order.
fn shape(node: Node<'_>) -> Vec<u16> {
    let mut kinds = Vec::new();
    syntax::walk(node, |n| {
        kinds.push(n.kind_id());
        Walk::Enter
    });
    kinds
}

/// What a change inside a top-level node can affect beyond the node itself.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// Only what its edited words name (a function, method, comment or
    /// terminator).
    Own,
    /// Also whatever names it declares, as long as its shape holds (a type,
    /// `var` or `const` declaration whose text changed in names, literals
    /// or comments only).
    Names,
    /// Everything: imports, the package clause, the file header (build
    /// constraints) or a syntax error.
    File,
}

/// The top-level nodes of a tree: declarations, comments and terminators.
struct TopLevel<'t> {
    nodes: Vec<Node<'t>>,
    /// Where the package clause starts (comments before it can be build
    /// constraints, which concern the whole file).
    package_start: usize,
}

impl<'t> TopLevel<'t> {
    /// The top-level nodes of `tree`.
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

    /// What a change inside top-level `node` can affect.
    fn scope(&self, node: Node<'_>) -> Scope {
        match node.kind() {
            "function_declaration" | "method_declaration" => Scope::Own,
            "comment" if node.start_byte() > self.package_start => Scope::Own,
            "type_declaration" | "var_declaration" | "const_declaration" => Scope::Names,
            _ if !node.is_named() && !node.is_error() && !node.is_missing() => Scope::Own,
            _ => Scope::File,
        }
    }

    /// Index of the top-level node that holds byte `offset` (the last one
    /// starting at or before it).
    fn owner(&self, offset: usize) -> usize {
        self.nodes
            .partition_point(|n| n.start_byte() <= offset)
            .saturating_sub(1)
    }

    /// The byte ranges of the stale nodes, runs of neighbours merged.
    fn stale_ranges(&self, stale: &[bool]) -> Vec<Range<usize>> {
        let mut out: Vec<Range<usize>> = Vec::new();
        let mut previous_stale = false;
        for (node, &d) in self.nodes.iter().zip(stale) {
            if d {
                match out.last_mut() {
                    Some(last) if previous_stale => last.end = node.end_byte(),
                    _ => out.push(node.byte_range()),
                }
            }
            previous_stale = d;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::fields::Fields as _;
    use tree_sitter::Point;

    /// Replaces `old` (its first occurrence) with `new` in `text`: the new
    /// text and the edit.
    fn replace(text: &str, old: &str, new: &str) -> (String, ByteEdit) {
        let start = text
            .find(old)
            .unwrap_or_else(|| panic!("{old:?} not in text"));
        let point = |t: &str, at: usize| {
            let before = &t[..at];
            Point::new(
                before.matches('\n').count(),
                at - before.rfind('\n').map_or(0, |p| p + 1),
            )
        };
        let edited = format!("{}{new}{}", &text[..start], &text[start + old.len()..]);
        let input = InputEdit {
            start_byte: start,
            old_end_byte: start + old.len(),
            new_end_byte: start + new.len(),
            start_position: point(text, start),
            old_end_position: point(text, start + old.len()),
            new_end_position: point(&edited, start + new.len()),
        };
        let mut words = dependencies::touched_words(text, start..start + old.len());
        words.extend(dependencies::touched_words(
            &edited,
            start..start + new.len(),
        ));
        (edited, ByteEdit { input, words })
    }

    /// The names of the functions an edit makes stale.
    fn stale_functions(text: &str, old: &str, new: &str) -> Option<Vec<String>> {
        let mut analyzer = Analyzer::new();
        let options = Options::default();
        let snapshot =
            Snapshot::fresh(&mut analyzer, text, &options).unwrap_or_else(|e| panic!("{e}"));
        let (edited, edit) = replace(text, old, new);
        let mut change = snapshot
            .reparse(&mut analyzer, &edited, std::slice::from_ref(&edit))
            .unwrap_or_else(|e| panic!("{e}"));
        let summary = own_summary(&change.tree, &edited, &options, None);
        let kept = |region: &Range<usize>| !change.edited.iter().any(|e| touch(e, region));
        let moved = |r: &Range<usize>| Some(edit.shift(r.start)?..edit.shift(r.end)?);
        let reuse = Reuse {
            kept: &kept,
            moved: &moved,
        };
        let old_names = std::mem::take(&mut *change.old_names);
        let names = Names::updated(old_names, &change.tree, &edited, &summary, &reuse, true);
        let tops = TopLevel::of(&change.tree);
        let stale = change.stale(&tops, &edited, &names)?;
        let functions = tops
            .nodes
            .iter()
            .zip(&stale)
            .filter(|(n, &s)| s && n.kind() == "function_declaration");
        Some(
            functions
                .filter_map(|(n, _)| n.field("name"))
                .map(|n| edited[n.byte_range()].to_string())
                .collect(),
        )
    }

    const SRC: &str = "package p\n\nvar limit = 3\n\nfunc squelch() {\n\tdefer recover()\n}\n\nfunc a() {\n\tdefer squelch()\n\tn := limit\n\t_ = n\n}\n\nfunc helper() int { return 1 }\n\nfunc b() {\n\tx := helper()\n\t_ = x\n}\n";

    #[test]
    fn a_body_edit_rechecks_its_function_and_those_it_names() {
        // `defer squelch()` becomes a plain call: squelch's findings may change.
        assert_eq!(
            stale_functions(SRC, "defer squelch", "squelch"),
            Some(vec!["squelch".into(), "a".into()])
        );
        // Cutting into a name counts the whole old name.
        assert_eq!(
            stale_functions(SRC, "elper()\n", "()\n"),
            Some(vec!["helper".into(), "b".into()])
        );
        // Local names link nothing, even next to a top-level name.
        assert_eq!(
            stale_functions(SRC, "x :=", "xy :="),
            Some(vec!["b".into()])
        );
        assert_eq!(
            stale_functions(SRC, "_ = x", "_ = x + 1"),
            Some(vec!["b".into()])
        );
    }

    #[test]
    fn a_signature_edit_rechecks_callers() {
        assert_eq!(
            stale_functions(SRC, "int {", "string {"),
            Some(vec!["helper".into(), "b".into()])
        );
    }

    #[test]
    fn a_declaration_edit_rechecks_what_mentions_its_names() {
        let src = "package p\n\ntype T struct {\n\t// the channel\n\tch chan int\n\tn  int\n}\n\nfunc a(t T) { close(t.ch) }\n\nfunc b(t T) { _ = t.n }\n\nfunc c() {}\n";
        // What mentions the field, and what mentions the type holding it.
        assert_eq!(
            stale_functions(src, "chan int", "chan string"),
            Some(vec!["a".into(), "b".into()])
        );
        assert_eq!(
            stale_functions(src, "the channel", "our channel"),
            Some(vec![])
        );
        assert_eq!(
            stale_functions(src, "\tn  int", "\tn  []int"),
            None,
            "a new shape re-checks the file"
        );
    }

    #[test]
    fn a_field_edit_rechecks_what_mentions_the_field_or_its_holders() {
        let src = "package p\n\ntype U int\n\ntype T struct {\n\t// a U, see b\n\tu U\n\tn int\n}\n\ntype W struct{ T }\n\nfunc a(t T) { _ = t.u }\n\nfunc b(v U) { _ = v }\n\nfunc c(w *W) {}\n\nfunc d() {}\n";
        assert_eq!(
            stale_functions(src, "\tu", "\tuu"),
            Some(vec!["a".into(), "c".into()])
        );
        // A comment's words name nothing, even names declared in the file.
        assert_eq!(stale_functions(src, "see b", "see a and b"), Some(vec![]));
        // A new type for the field: what mentions the field, the types it
        // names, the type holding it and the types holding that one (a
        // field that becomes a lock makes `T` and `W` locks).
        assert_eq!(
            stale_functions(src, "n int", "n U"),
            Some(vec!["a".into(), "b".into(), "c".into()])
        );
    }

    #[test]
    fn closing_a_channel_rechecks_what_mentions_its_name() {
        let src = "package p\n\ntype hub struct{ in chan string }\n\nfunc loop(s *hub) {\n\tfor {\n\t\tmsg := <-s.in\n\t\tprintln(msg)\n\t}\n}\n\nfunc stop(t *hub) { println(t.in) }\n\nfunc other() {}\n";
        // `in` is closed now: whether `loop` spins on a closed channel changes.
        assert_eq!(
            stale_functions(src, "println(t.in)", "close(t.in)"),
            Some(vec!["loop".into(), "stop".into()])
        );
        assert_eq!(
            stale_functions(src, "println(t.in)", "print(t.in)"),
            Some(vec!["stop".into()])
        );
    }

    /// The rule slugs and lines of the findings of `text` after replacing
    /// `old` with `new` in it, incrementally; they must equal those of a
    /// fresh analysis.
    fn updated(text: &str, old: &str, new: &str) -> Vec<(&'static str, usize)> {
        let mut analyzer = Analyzer::new();
        let options = Options::default();
        let snapshot =
            Snapshot::fresh(&mut analyzer, text, &options).unwrap_or_else(|e| panic!("{e}"));
        let (edited, edit) = replace(text, old, new);
        let updated = snapshot
            .update(&mut analyzer, &edited, &[edit], &options)
            .unwrap_or_else(|e| panic!("{e}"));
        let fresh =
            Snapshot::fresh(&mut analyzer, &edited, &options).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(updated.findings, fresh.findings, "{edited}");
        let line = |at: usize| edited[..at].matches('\n').count() + 1;
        updated
            .findings
            .iter()
            .map(|f| (f.rule.slug, line(f.range.start)))
            .collect()
    }

    #[test]
    fn a_method_that_changes_its_locks_rechecks_the_methods_of_its_type() {
        // No word the edit touches is mentioned in `Get`, and no field
        // access changes (`load` is also called without the lock held).
        let src = "package p\n\nimport \"sync\"\n\ntype Store struct {\n\tmu sync.RWMutex\n\tm  map[string]int\n}\n\nfunc (s *Store) Get(k string) int {\n\ts.mu.RLock()\n\tdefer s.mu.RUnlock()\n\tif s.Has(k) {\n\t\treturn s.m[k]\n\t}\n\treturn 0\n}\n\nfunc (s *Store) Has(k string) bool {\n\treturn k != \"\"\n}\n\nfunc (s *Store) load() {\n\ts.mu.RLock()\n\tdefer s.mu.RUnlock()\n}\n\nfunc (s *Store) Reload() {\n\ts.load()\n}\n";
        assert_eq!(updated(src, "", ""), vec![]);
        // `Has` calls `load` first thing now, which read-locks: `Get`
        // read-locks twice.
        let calls = "s.load()\n\treturn k";
        let found = updated(src, "return k", calls);
        assert!(found.contains(&("recursive-rlock", 13)), "{found:?}");
        let with = src.replace("return k", calls);
        assert_eq!(updated(&with, calls, "return k"), vec![]);
    }

    #[test]
    fn a_file_level_edit_rechecks_everything() {
        let src = "package p\n\nimport \"sync\"\n\nvar mu sync.Mutex\n\nfunc f() {}\n";
        assert_eq!(stale_functions(src, "\"sync\"", "\"os\""), None);
        assert_eq!(stale_functions(src, "package p", "package q"), None);
        assert_eq!(
            stale_functions(src, "\nfunc f", "\n}\nfunc f"),
            None,
            "a syntax error"
        );
        // A package-level variable's value: what mentions the variable.
        assert_eq!(
            stale_functions(SRC, "limit = 3", "limit = 4"),
            Some(vec!["a".into()])
        );
    }
}

#[cfg(test)]
mod batched {
    //! Random edits applied in random batches (as a busy server applies
    //! the edits that queued while it analysed) must give the findings of
    //! a from-scratch analysis. The server's property test cannot choose
    //! how its edits batch; this one does.

    use super::*;
    use tree_sitter::Point;

    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            ((z ^ (z >> 31)) % n.max(1) as u64) as usize
        }
    }

    /// The starting texts: every rule's fixture.
    const FIXTURES: &[&str] = &[
        include_str!("../../tests/fixtures/append-aliasing.go"),
        include_str!("../../tests/fixtures/append-no-prealloc.go"),
        include_str!("../../tests/fixtures/buffered-overfill-deadlock.go"),
        include_str!("../../tests/fixtures/close-nil-channel.go"),
        include_str!("../../tests/fixtures/defer-in-loop.go"),
        include_str!("../../tests/fixtures/defer-lock-typo.go"),
        include_str!("../../tests/fixtures/double-close.go"),
        include_str!("../../tests/fixtures/empty-critical-section.go"),
        include_str!("../../tests/fixtures/explicit-gc.go"),
        include_str!("../../tests/fixtures/goroutine-leak-unbuffered-result.go"),
        include_str!("../../tests/fixtures/goroutine-missing-recover.go"),
        include_str!("../../tests/fixtures/lock-not-unlocked.go"),
        include_str!("../../tests/fixtures/loop-var-capture.go"),
        include_str!("../../tests/fixtures/lost-cancel.go"),
        include_str!("../../tests/fixtures/mutex-copy.go"),
        include_str!("../../tests/fixtures/nil-channel-op.go"),
        include_str!("../../tests/fixtures/nil-map-write.go"),
        include_str!("../../tests/fixtures/receive-loop-without-ok.go"),
        include_str!("../../tests/fixtures/recover-not-deferred.go"),
        include_str!("../../tests/fixtures/recursive-lock.go"),
        include_str!("../../tests/fixtures/redundant-gomaxprocs.go"),
        include_str!("../../tests/fixtures/select-default-busy-loop.go"),
        include_str!("../../tests/fixtures/send-after-close.go"),
        include_str!("../../tests/fixtures/shared-var-race.go"),
        include_str!("../../tests/fixtures/skipped-declaration.go"),
        include_str!("../../tests/fixtures/time-after-in-loop.go"),
        include_str!("../../tests/fixtures/unbounded-goroutines.go"),
        include_str!("../../tests/fixtures/unbuffered-send-deadlock.go"),
        include_str!("../../tests/fixtures/unchecked-type-assertion.go"),
        include_str!("../../tests/fixtures/unlock-missing-on-exit-path.go"),
        include_str!("../../tests/fixtures/unused-ignore.go"),
        include_str!("../../tests/fixtures/waitgroup-add-inside-goroutine.go"),
        include_str!("../../tests/fixtures/waitgroup-copy.go"),
    ];

    const SNIPPETS: &[&str] = &[
        "a",
        "x",
        "_",
        " ",
        "\n",
        "\t",
        "{",
        "}",
        "(",
        ")",
        "\"",
        ";",
        ".",
        "é",
        "mu",
        "sync.Mutex",
        "sync.RWMutex",
        "c.mu.Lock()\n",
        "defer c.mu.Unlock()\n",
        "close(ch)\n",
        "go func() {}()\n",
        "ch <- 1\n",
        "return\n",
        "//",
        "type T struct{ mu sync.Mutex }\n",
        "func (c *cache) f() {\n\tc.mu.Lock()\n}\n",
    ];

    fn point(text: &str, at: usize) -> Point {
        let before = &text[..at];
        Point::new(
            before.matches('\n').count(),
            at - before.rfind('\n').map_or(0, |p| p + 1),
        )
    }

    /// Replaces `start..end` of `text` with `new`: the edit, `text` updated.
    fn splice(text: &mut String, start: usize, end: usize, new: &str) -> ByteEdit {
        let mut words = dependencies::touched_words(text, start..end);
        let (start_position, old_end_position) = (point(text, start), point(text, end));
        text.replace_range(start..end, new);
        words.extend(dependencies::touched_words(text, start..start + new.len()));
        ByteEdit {
            input: InputEdit {
                start_byte: start,
                old_end_byte: end,
                new_end_byte: start + new.len(),
                start_position,
                old_end_position,
                new_end_position: point(text, start + new.len()),
            },
            words,
        }
    }

    /// What a finding says, in short.
    fn brief(findings: &[Finding]) -> Vec<(&str, Range<usize>, &str)> {
        findings
            .iter()
            .map(|f| (f.rule.slug, f.range.clone(), f.message.as_str()))
            .collect()
    }

    fn boundary(text: &str, mut at: usize) -> usize {
        at = at.min(text.len());
        while !text.is_char_boundary(at) {
            at += 1;
        }
        at
    }

    #[test]
    fn marking_the_file_generated_changes_which_rules_run() {
        let options = Options::default();
        let mut analyzer = Analyzer::new();
        // One character of the head comment decides: `.` marks the file
        // generated, `!` does not. No declaration is touched, and yet the
        // rules that did not run must run now.
        let mut text = String::from(
            "// Code generated by gen. DO NOT EDIT.\n\npackage p\n\nfunc f(v interface{}) string {\n\treturn v.(string)\n}\n",
        );
        let at = text.find(".\n").unwrap_or_default();
        let slugs = |s: &Snapshot| s.findings.iter().map(|f| f.rule.slug).collect::<Vec<_>>();
        let mut snapshot = Snapshot::fresh(&mut analyzer, &text, &options).expect("fresh");
        assert!(snapshot.findings.is_empty());
        for (mark, expected) in [("!", 1), (".", 0), ("!", 1)] {
            let edit = splice(&mut text, at, at + 1, mark);
            snapshot = snapshot
                .update(&mut analyzer, &text, &[edit], &options)
                .expect("update");
            let fresh = Snapshot::fresh(&mut analyzer, &text, &options).expect("fresh");
            assert_eq!(slugs(&snapshot), slugs(&fresh), "{text}");
            assert_eq!(snapshot.findings.len(), expected, "{text}");
        }
    }

    #[test]
    fn batched_random_edits_match_a_fresh_analysis() {
        let options = Options::default();
        let mut analyzer = Analyzer::new();
        for (seed, base) in (0..).zip(FIXTURES) {
            let mut rng = Rng(seed);
            let base = base.to_string();
            let mut text = base.clone();
            let mut snapshot = Snapshot::fresh(&mut analyzer, &text, &options).expect("fresh");
            for step in 0..50 {
                let mut edits = Vec::new();
                let mut undo = Vec::new();
                for _ in 0..1 + rng.below(6) {
                    let start = boundary(&text, rng.below(text.len() + 1));
                    let end = match rng.below(10) {
                        0..4 => start,
                        4..9 => boundary(&text, start + 1 + rng.below(16)),
                        _ => boundary(&text, start + 1 + rng.below(200)),
                    };
                    let new = SNIPPETS[rng.below(SNIPPETS.len())];
                    undo.push((start, text[start..end].to_string(), new.len()));
                    edits.push(splice(&mut text, start, end, new));
                }
                if rng.below(3) == 0 {
                    // Undo the batch in the same batch, back to a text seen before.
                    while let Some((start, old, len)) = undo.pop() {
                        edits.push(splice(&mut text, start, start + len, &old));
                    }
                }
                let before = snapshot.findings.clone();
                snapshot = snapshot
                    .update(&mut analyzer, &text, &edits, &options)
                    .expect("update");
                let fresh = Snapshot::fresh(&mut analyzer, &text, &options).expect("fresh");
                assert_eq!(
                    snapshot.summary, fresh.summary,
                    "seed {seed} step {step}: the moved summary differs from a fresh one\ntext: {text:?}"
                );
                if snapshot.findings != fresh.findings {
                    let edits: Vec<_> = edits.iter().map(|e| &e.input).collect();
                    panic!(
                        "seed {seed} step {step}: findings differ\nbefore: {:?}\nedits: {edits:#?}\ntext: {text:?}\nupdated: {:?}\nfresh: {:?}",
                        brief(&before),
                        brief(&snapshot.findings),
                        brief(&fresh.findings)
                    );
                }
                if rng.below(4) == 0 {
                    text = base.clone();
                    snapshot = Snapshot::fresh(&mut analyzer, &text, &options).expect("fresh");
                }
            }
        }
    }
}
