//! A node's children by field name, with the grammar's field ids looked
//! up once: [`Node::child_by_field_name`] asks tree-sitter to find the id
//! by comparing the name with every field name of the grammar (one
//! `strncmp` each) on every call, which cost more than finding the child.

use std::num::NonZeroU16 as FieldId;
use std::sync::LazyLock;
use tree_sitter::{Language, Node, TreeCursor};

/// The Go grammar's field names, in the order of [`slot`].
const NAMES: [&str; 35] = [
    "alias",
    "alternative",
    "arguments",
    "body",
    "capacity",
    "channel",
    "communication",
    "condition",
    "consequence",
    "element",
    "end",
    "field",
    "function",
    "index",
    "initializer",
    "key",
    "label",
    "left",
    "length",
    "name",
    "operand",
    "operator",
    "package",
    "parameters",
    "path",
    "receiver",
    "result",
    "right",
    "start",
    "tag",
    "type",
    "type_arguments",
    "type_parameters",
    "update",
    "value",
];

/// The grammar's id of each field of [`NAMES`], by slot.
static FIELD_IDS: LazyLock<[Option<FieldId>; NAMES.len()]> = LazyLock::new(|| {
    let language = Language::new(tree_sitter_go::LANGUAGE);
    NAMES.map(|name| language.field_id_for_name(name))
});

/// The slot of field `name` in [`NAMES`]. Inlined, a call with a literal
/// name folds to a constant: what is left of a lookup is one load.
#[inline(always)]
fn slot(name: &str) -> Option<usize> {
    Some(match name {
        "alias" => 0,
        "alternative" => 1,
        "arguments" => 2,
        "body" => 3,
        "capacity" => 4,
        "channel" => 5,
        "communication" => 6,
        "condition" => 7,
        "consequence" => 8,
        "element" => 9,
        "end" => 10,
        "field" => 11,
        "function" => 12,
        "index" => 13,
        "initializer" => 14,
        "key" => 15,
        "label" => 16,
        "left" => 17,
        "length" => 18,
        "name" => 19,
        "operand" => 20,
        "operator" => 21,
        "package" => 22,
        "parameters" => 23,
        "path" => 24,
        "receiver" => 25,
        "result" => 26,
        "right" => 27,
        "start" => 28,
        "tag" => 29,
        "type" => 30,
        "type_arguments" => 31,
        "type_parameters" => 32,
        "update" => 33,
        "value" => 34,
        _ => return None,
    })
}

/// The id of the field named `name`, if the grammar has one.
#[inline(always)]
fn field_id(name: &str) -> Option<FieldId> {
    FIELD_IDS.get(slot(name)?).copied().flatten()
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
    #[inline(always)]
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
    fn names_are_the_grammars() {
        let language = Language::new(tree_sitter_go::LANGUAGE);
        let grammar: Vec<&str> = (1..=language.field_count())
            .filter_map(|id| language.field_name_for_id(u16::try_from(id).ok()?))
            .collect();
        assert_eq!(grammar, NAMES);
        for (i, name) in NAMES.iter().enumerate() {
            assert_eq!(slot(name), Some(i));
            assert!(field_id(name).is_some(), "{name}");
        }
    }

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
