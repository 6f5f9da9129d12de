//! The names through which a declaration can reach a lock.
//!
//! [`super::types`] learns that a value holds a lock only from type
//! text: `sync.Mutex` itself, a locker type, or a package-level type or
//! variable whose declaration leads to one of those, name by name; a value
//! read out of a struct holds one only through a field whose declaration
//! names one. So a top-level declaration whose text names none of them
//! holds no lock the walk for copies could find, and that walk can pass it
//! over. Nor can it find one where each such name is the operand of a
//! selector (`s.mu.Lock()`, `T.Method`) or a struct type behind a pointer
//! (`func (s *T) f()`), unless something is dereferenced: a copy reads a
//! value of the struct, through a field, an element or a `*`.

use crate::analysis::fields::Fields as _;
use crate::analysis::syntax;
use crate::analysis::syntax::{text, ById};
use crate::analysis::types::has_star;
use std::collections::{HashMap, HashSet};
use tree_sitter::Node;

/// How a name leads to a lock, from the least telling to the most.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Role {
    /// A struct type that holds a lock: `*T` is a pointer, not a copy.
    Struct,
    /// A field or variable of type `*T` for such a struct type `T`: reading
    /// it copies a pointer.
    Pointer,
    /// A variable, field or other type that holds or leads to a lock.
    Value,
    /// The name `sync` is imported as: any mention may name a lock.
    Sync,
}

/// The names leading to locks in one file, each with how it leads there.
#[derive(Debug, Default)]
pub struct LockNames<'t> {
    roles: HashMap<&'t str, Role, ById>,
}

impl<'t> LockNames<'t> {
    /// Gives `name` role `role`: two different roles make it at least a
    /// value (a name both a struct type and a pointer field may be either).
    fn add(&mut self, name: &'t str, role: Role) {
        let r = self.roles.entry(name).or_insert(role);
        if *r != role {
            *r = (*r).max(role).max(Role::Value);
        }
    }
}

/// The names that lead to locks in the file under `root`: `sync` (the name
/// it is imported as), the struct types in `lockers`, and every
/// package-level type and variable whose declaration names one of them,
/// directly or through others, with the fields of those declarations that
/// name one.
pub fn leading_to_locks<'t>(
    root: Node<'t>,
    src: &'t str,
    sync: &'t str,
    lockers: impl IntoIterator<Item = &'t str>,
) -> LockNames<'t> {
    let mut out = LockNames::default();
    out.add(sync, Role::Sync);
    let mut names: HashSet<&'t str, ById> = std::iter::once(sync).collect();
    for l in lockers {
        names.insert(l);
        out.add(l, Role::Struct);
    }
    // Each package-level type or variable spec: the spec, the names it
    // declares and the identifiers its text holds.
    let mut specs: Vec<(Node<'t>, Vec<&'t str>, HashSet<&'t str, ById>)> = Vec::new();
    let mut c = root.walk();
    for decl in root.named_children(&mut c) {
        if !matches!(syntax::kind(decl), "type_declaration" | "var_declaration") {
            continue;
        }
        let mut stack = vec![decl];
        while let Some(n) = stack.pop() {
            match syntax::kind(n) {
                "type_spec" | "type_alias" | "var_spec" => {
                    let mut c2 = n.walk();
                    let declared = n.fields("name", &mut c2).map(|id| text(id, src)).collect();
                    specs.push((n, declared, identifiers(text(n, src)).collect()));
                }
                "type_declaration" | "var_declaration" | "var_spec_list" => {
                    let mut c2 = n.walk();
                    stack.extend(n.named_children(&mut c2));
                }
                _ => {}
            }
        }
    }
    // Until nothing changes: each round takes the specs naming a name found
    // in an earlier one.
    let mut leading = Vec::new();
    loop {
        let before = leading.len();
        specs.retain(|(spec, declared, used)| {
            if used.iter().any(|u| names.contains(u)) {
                names.extend(declared.iter().copied());
                leading.push((*spec, declared.clone()));
                false
            } else {
                true
            }
        });
        if leading.len() == before {
            break;
        }
    }
    let structs: HashSet<&'t str, ById> = leading
        .iter()
        .filter(|(spec, _)| {
            syntax::kind(*spec) == "type_spec"
                && spec.field("type").map(syntax::kind) == Some("struct_type")
        })
        .flat_map(|(_, declared)| declared.iter().copied())
        .chain(out.roles.keys().copied().filter(|n| *n != sync))
        .collect();
    for (spec, declared) in leading {
        let ty = spec.field("type");
        let role = match ty.map(syntax::kind) {
            Some("struct_type") if syntax::kind(spec) == "type_spec" => Role::Struct,
            _ if syntax::kind(spec) == "var_spec" && points_to(ty, src, &structs) => Role::Pointer,
            _ => Role::Value,
        };
        for name in declared.into_iter().filter(|n| *n != "_") {
            out.add(name, role);
        }
        fields_leading(spec, src, &names, &structs, &mut out);
    }
    out
}

/// Whether type `ty` is `*T` for a struct type `T` of `structs`.
fn points_to(ty: Option<Node<'_>>, src: &str, structs: &HashSet<&str, ById>) -> bool {
    ty.filter(|t| syntax::kind(*t) == "pointer_type")
        .and_then(|t| t.named_child(0))
        .is_some_and(|t| syntax::kind(t) == "type_identifier" && structs.contains(text(t, src)))
}

/// Adds the names of the struct fields under `spec` whose declarations
/// name one of `names` (an embedded field by its type's name), a field of
/// type `*T` for a struct type `T` of `structs` as a pointer. The blank
/// field cannot be selected.
fn fields_leading<'t>(
    spec: Node<'t>,
    src: &'t str,
    names: &HashSet<&'t str, ById>,
    structs: &HashSet<&'t str, ById>,
    out: &mut LockNames<'t>,
) {
    syntax::walk(spec, |n| {
        if syntax::kind(n) == "field_declaration" && mentions(text(n, src), names) {
            let ty = n.field("type");
            let role = if points_to(ty, src, structs)
                || (has_star(n)
                    && ty.is_some_and(|t| {
                        syntax::kind(t) == "type_identifier" && structs.contains(text(t, src))
                    })) {
                Role::Pointer
            } else {
                Role::Value
            };
            let mut c = n.walk();
            let mut named = false;
            for name in n.fields("name", &mut c) {
                named = true;
                let name = text(name, src);
                if name != "_" {
                    out.add(name, role);
                }
            }
            if !named {
                // Every name of an embedded type: its own name among them.
                for id in identifiers(ty.map_or("", |t| text(t, src))) {
                    out.add(id, role);
                }
            }
        }
        syntax::Walk::Enter
    });
}

/// Whether `source` holds one of `names` as a whole identifier.
pub fn mentions(source: &str, names: &HashSet<&str, ById>) -> bool {
    identifiers(source).any(|id| names.contains(id))
}

/// Whether the code `source` (a top-level declaration) may copy a lock,
/// as far as `names` tell: it mentions `sync`, or one of the names outside
/// the operand of a selector, or, for a struct type only behind a pointer,
/// when it may dereference something.
pub fn may_copy(source: &str, names: &LockNames<'_>) -> bool {
    let bytes = source.as_bytes();
    let mut pointers = false;
    for (at, id) in positioned(source) {
        let Some(&role) = names.roles.get(id) else {
            continue;
        };
        let end = at + id.len();
        let selected = bytes
            .get(end..)
            .unwrap_or_default()
            .iter()
            .find(|b| !b.is_ascii_whitespace())
            == Some(&b'.');
        match role {
            Role::Sync => return true,
            _ if selected => {}
            Role::Value => return true,
            Role::Pointer => pointers = true,
            Role::Struct if at > 0 && bytes.get(at - 1) == Some(&b'*') => pointers = true,
            Role::Struct => return true,
        }
    }
    pointers && may_dereference(source, names)
}

/// Whether `source` may hold a unary `*` (a dereference) that is not
/// followed by the name of a struct type of `names`: a `*` at the start of
/// a line, after an operator, an opening bracket or a keyword that starts
/// an expression, followed by a name or a parenthesis. Comments count.
fn may_dereference(source: &str, names: &LockNames<'_>) -> bool {
    let bytes = source.as_bytes();
    let words_ending = |end: usize| {
        let start = bytes[..end]
            .iter()
            .rposition(|&b| !word(b))
            .map_or(0, |i| i + 1);
        source.get(start..end).unwrap_or_default()
    };
    bytes.iter().enumerate().any(|(at, &b)| {
        if b != b'*' {
            return false;
        }
        let rest = bytes.get(at + 1..).unwrap_or_default();
        let Some(next) = rest.iter().position(|b| !b.is_ascii_whitespace()) else {
            return false;
        };
        let from = at + 1 + next;
        let operand = match bytes.get(from) {
            Some(b'(') => "",
            Some(&c) if word(c) => {
                let len = rest[next..]
                    .iter()
                    .position(|&c| !word(c))
                    .unwrap_or(rest.len() - next);
                source.get(from..from + len).unwrap_or_default()
            }
            _ => return false,
        };
        if names.roles.get(operand) == Some(&Role::Struct) {
            return false;
        }
        let before = &bytes[..at];
        let Some(prev) = before.iter().rposition(|b| !b.is_ascii_whitespace()) else {
            return true;
        };
        if before[prev + 1..].contains(&b'\n') {
            return true;
        }
        match before[prev] {
            c if word(c) => matches!(
                words_ending(prev + 1),
                "return" | "case" | "range" | "if" | "switch" | "for" | "go" | "defer"
            ),
            b')' | b']' | b'}' | b'.' | b'"' | b'\'' | b'`' => false,
            _ => true,
        }
    })
}

/// Whether byte `b` belongs to an identifier-shaped word.
fn word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

/// The identifier-shaped words of `source` (runs of ASCII letters, digits,
/// `_` and non-ASCII characters), comments and strings included.
fn identifiers(source: &str) -> impl Iterator<Item = &str> {
    positioned(source).map(|(_, id)| id)
}

/// [`identifiers`] with the byte offset of each.
fn positioned(source: &str) -> impl Iterator<Item = (usize, &str)> {
    let bytes = source.as_bytes();
    let mut at = 0;
    std::iter::from_fn(move || {
        while bytes.get(at).is_some_and(|&b| !word(b)) {
            at += 1;
        }
        let start = at;
        while bytes.get(at).is_some_and(|&b| word(b)) {
            at += 1;
        }
        // Runs end at ASCII bytes, so both ends are character boundaries.
        (at > start).then(|| (start, source.get(start..at).unwrap_or_default()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Analyzer;

    /// The lock names of `src`, with `locker` a locker type.
    fn names_of<'t>(tree: &'t tree_sitter::Tree, src: &'t str) -> LockNames<'t> {
        leading_to_locks(tree.root_node(), src, "sync", ["locker"])
    }

    #[test]
    fn follows_types_variables_and_fields_to_the_lock() {
        let src = "package p\nimport \"sync\"\n\
                   type inner struct { mu sync.Mutex; n int }\n\
                   type (\n\touter struct { in inner; p *outer }\n\tplain struct { n int }\n)\n\
                   type alias = outer\n\
                   var global = outer{}\n\
                   var (\n\ta, b = plain{}, global\n)\n\
                   func f() {}\n";
        let tree = Analyzer::new().parse(src, None).expect("parses");
        let names = names_of(&tree, src);
        let mut found: Vec<(&str, Role)> = names.roles.into_iter().collect();
        found.sort_unstable();
        assert_eq!(
            found,
            [
                ("a", Role::Value),
                ("alias", Role::Value),
                ("b", Role::Value),
                ("global", Role::Value),
                ("in", Role::Value),
                ("inner", Role::Struct),
                ("locker", Role::Struct),
                ("mu", Role::Value),
                ("outer", Role::Struct),
                ("p", Role::Pointer),
                ("sync", Role::Sync),
            ]
        );
    }

    #[test]
    fn a_pointer_or_a_selector_copies_nothing_without_a_dereference() {
        let src = "package p\nimport \"sync\"\n\
                   type server struct { mu sync.Mutex; n int }\n";
        let tree = Analyzer::new().parse(src, None).expect("parses");
        let names = names_of(&tree, src);
        let skipped = [
            "func (s *server) f() { s.mu.Lock(); s.n++; s.mu.Unlock() }",
            "func g(a, b *server) int { return a.n * b.n }",
            "func h(f func(*server)) []*server { return nil }",
            "func k() { server.f(nil) }",
        ];
        for code in skipped {
            assert!(!may_copy(code, &names), "{code}");
        }
        let walked = [
            "func (s server) f() {}",
            "func f(s *server) { x := *s; _ = x }",
            "func f(s *server) {\n\t*s = server{}\n}",
            "func f(s *server) bool { return *s == *s }",
            "func f(s *server) { g(s.mu) }",
            "func f(s *server) { if *s.p { } }",
            "func f() { var m sync.Mutex }",
            "func f(xs []server) {}",
        ];
        for code in walked {
            assert!(may_copy(code, &names), "{code}");
        }
    }

    #[test]
    fn mentions_whole_identifiers_only() {
        let names: HashSet<&str, ById> = ["outer", "Straße"].into_iter().collect();
        assert!(mentions("x := outer{}", &names));
        assert!(mentions("var s Straße", &names));
        assert!(!mentions("x := outerMost + outer_ + Straßen", &names));
    }
}
