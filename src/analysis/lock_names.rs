//! The names through which a declaration can reach a lock.
//!
//! [`super::types`] learns that a value holds a lock only from type
//! text: `sync.Mutex` itself, a locker type, or a package-level type or
//! variable whose declaration leads to one of those, name by name. So a
//! top-level declaration whose text names none of them holds no lock the
//! walk for copies could find, and that walk can pass it over.

use crate::analysis::fields::Fields as _;
use crate::analysis::syntax;
use crate::analysis::syntax::{text, ById};
use std::collections::HashSet;
use tree_sitter::Node;

/// `seeds` (names that are or lead to locks) and every package-level type
/// and variable of the file under `root` whose declaration names one of
/// them, directly or through others.
pub fn leading_to_locks<'t>(
    root: Node<'t>,
    src: &'t str,
    seeds: &[&'t str],
) -> HashSet<&'t str, ById> {
    let mut names: HashSet<&'t str, ById> = seeds.iter().copied().collect();
    // Each package-level type or variable spec: the names it declares and
    // the identifiers its text holds.
    let mut specs: Vec<(Vec<&'t str>, HashSet<&'t str, ById>)> = Vec::new();
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
                    specs.push((declared, identifiers(text(n, src)).collect()));
                }
                "type_declaration" | "var_declaration" | "var_spec_list" => {
                    let mut c2 = n.walk();
                    stack.extend(n.named_children(&mut c2));
                }
                _ => {}
            }
        }
    }
    // Until nothing changes: each round adds the specs naming a name found
    // in an earlier one.
    loop {
        let before = names.len();
        specs.retain(|(declared, used)| {
            if used.iter().any(|u| names.contains(u)) {
                names.extend(declared.iter().copied());
                false
            } else {
                true
            }
        });
        if names.len() == before {
            return names;
        }
    }
}

/// Whether `source` holds one of `names` as a whole identifier.
pub fn mentions(source: &str, names: &HashSet<&str, ById>) -> bool {
    identifiers(source).any(|id| names.contains(id))
}

/// The identifier-shaped words of `source` (runs of ASCII letters, digits,
/// `_` and non-ASCII characters), comments and strings included.
fn identifiers(source: &str) -> impl Iterator<Item = &str> {
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80;
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
        (at > start).then(|| source.get(start..at).unwrap_or_default())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Analyzer;

    #[test]
    fn follows_types_and_variables_to_the_lock() {
        let src = "package p\nimport \"sync\"\n\
                   type inner struct { mu sync.Mutex }\n\
                   type (\n\touter struct { in inner }\n\tplain struct { n int }\n)\n\
                   type alias = outer\n\
                   var global = outer{}\n\
                   var (\n\ta, b = plain{}, global\n)\n\
                   func f() {}\n";
        let tree = Analyzer::new().parse(src, None).expect("parses");
        let names = leading_to_locks(tree.root_node(), src, &["sync"]);
        let mut found: Vec<&str> = names.into_iter().collect();
        found.sort_unstable();
        assert_eq!(
            found,
            ["a", "alias", "b", "global", "inner", "outer", "sync"]
        );
    }

    #[test]
    fn mentions_whole_identifiers_only() {
        let names: HashSet<&str, ById> = ["outer", "Straße"].into_iter().collect();
        assert!(mentions("x := outer{}", &names));
        assert!(mentions("var s Straße", &names));
        assert!(!mentions("x := outerMost + outer_ + Straßen", &names));
    }
}
