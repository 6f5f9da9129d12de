//! A node's children by field name, with the grammar's field ids looked
//! up once: [`Node::child_by_field_name`] asks tree-sitter to find the id
//! by comparing the name with every field name of the grammar (one
//! `strncmp` each) on every call, which cost more than finding the child.

use std::num::NonZeroU16 as FieldId;
use std::sync::LazyLock;
use tree_sitter::{Language, Node, TreeCursor};

/// The Go grammar's field names with their ids, sorted by name.
static FIELD_IDS: LazyLock<Vec<(&'static str, FieldId)>> = LazyLock::new(|| {
    let language = Language::new(tree_sitter_go::LANGUAGE);
    let mut ids: Vec<(&'static str, FieldId)> = (1..=language.field_count())
        .filter_map(|id| {
            let id = u16::try_from(id).ok()?;
            let name = language.field_name_for_id(id)?;
            Some((name, FieldId::new(id)?))
        })
        .collect();
    ids.sort_unstable();
    ids
});

/// The id of the field named `name`, if the grammar has one.
fn field_id(name: &str) -> Option<FieldId> {
    let ids = &*FIELD_IDS;
    ids.binary_search_by(|(n, _)| (*n).cmp(name))
        .ok()
        .and_then(|i| ids.get(i))
        .map(|(_, id)| *id)
}

/// A node's children by field name, as tree-sitter's methods of the same
/// meaning but without the name-to-id search on each call.
pub trait Fields<'t> {
    /// The first child in field `name` ([`Node::child_by_field_name`]).
    fn field(&self, name: &str) -> Option<Node<'t>>;

    /// Every child in field `name` ([`Node::children_by_field_name`]).
    fn fields<'c>(
        &self,
        name: &str,
        cursor: &'c mut TreeCursor<'t>,
    ) -> impl Iterator<Item = Node<'t>> + 'c;
}

impl<'t> Fields<'t> for Node<'t> {
    fn field(&self, name: &str) -> Option<Node<'t>> {
        self.child_by_field_id(field_id(name)?.get())
    }

    fn fields<'c>(
        &self,
        name: &str,
        cursor: &'c mut TreeCursor<'t>,
    ) -> impl Iterator<Item = Node<'t>> + 'c {
        let id = field_id(name);
        cursor.reset(*self);
        let mut done = id.is_none() || !cursor.goto_first_child();
        std::iter::from_fn(move || {
            while !done {
                let hit = (cursor.field_id() == id).then(|| cursor.node());
                done = !cursor.goto_next_sibling();
                if hit.is_some() {
                    return hit;
                }
            }
            None
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::syntax;
    use crate::analysis::Analyzer;

    #[test]
    fn every_field_is_tree_sitters() {
        let src = include_str!("../../tests/fixtures/lock-not-unlocked.go");
        let tree = Analyzer::new().parse(src, None).expect("parses");
        let language = Language::new(tree_sitter_go::LANGUAGE);
        let names: Vec<&str> = (1..=language.field_count())
            .filter_map(|id| language.field_name_for_id(u16::try_from(id).ok()?))
            .chain(["no_such_field", ""])
            .collect();
        assert!(names.len() > 20);
        let mut checked = 0;
        for node in syntax::descendants(tree.root_node()) {
            for name in &names {
                assert_eq!(node.field(name), node.child_by_field_name(name));
                let (mut c1, mut c2) = (node.walk(), node.walk());
                let ours: Vec<Node<'_>> = node.fields(name, &mut c1).collect();
                let theirs: Vec<Node<'_>> = node.children_by_field_name(name, &mut c2).collect();
                assert_eq!(ours, theirs);
                checked += ours.len();
            }
        }
        assert!(checked > 300, "{checked}");
    }
}
