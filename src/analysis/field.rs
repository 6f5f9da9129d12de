//! The field ids of the Go grammar, for `Node::child_by_field_id`: asking
//! by name compares the name with every field name of the grammar on each
//! call, asking by id does not. A unit test holds them to the grammar's
//! own names.

/// `operand` (of a selector, index, slice or unary expression).
pub const OPERAND: u16 = 21;
/// `field` (of a selector expression).
pub const FIELD: u16 = 12;
/// `function` (of a call expression).
pub const FUNCTION: u16 = 13;
/// `arguments` (of a call expression).
pub const ARGUMENTS: u16 = 3;
/// `name` (of a declaration, spec or parameter).
pub const NAME: u16 = 20;
/// `path` (of an import spec).
pub const PATH: u16 = 25;
/// `receiver` (of a method declaration).
pub const RECEIVER: u16 = 26;
/// `type` (of a parameter, spec or declaration).
pub const TYPE: u16 = 31;
/// `right` (of an assignment, declaration or range clause).
pub const RIGHT: u16 = 28;
/// `channel` (of a send statement).
pub const CHANNEL: u16 = 6;
/// `operator` (of a unary or binary expression).
pub const OPERATOR: u16 = 22;
/// `left` (of an assignment or declaration).
pub const LEFT: u16 = 18;
/// `body` (of a function, literal, loop or case).
pub const BODY: u16 = 4;
/// `communication` (of a select case).
pub const COMMUNICATION: u16 = 7;

#[cfg(test)]
mod tests {
    use tree_sitter::Language;

    #[test]
    fn ids_are_the_grammars() {
        let language = Language::new(tree_sitter_go::LANGUAGE);
        for (name, id) in [
            ("operand", super::OPERAND),
            ("field", super::FIELD),
            ("function", super::FUNCTION),
            ("arguments", super::ARGUMENTS),
            ("name", super::NAME),
            ("path", super::PATH),
            ("receiver", super::RECEIVER),
            ("type", super::TYPE),
            ("right", super::RIGHT),
            ("channel", super::CHANNEL),
            ("operator", super::OPERATOR),
            ("communication", super::COMMUNICATION),
            ("body", super::BODY),
            ("left", super::LEFT),
        ] {
            assert_eq!(
                language.field_id_for_name(name).map(u16::from),
                Some(id),
                "{name}"
            );
        }
    }
}
