//! A file's imports: which name stands for which package path, and the edit
//! that removes one when a quick fix leaves it unused.

use super::fields::Fields as _;
use super::finding::Edit;
use super::syntax::{self, text};
use tree_sitter::Node;

/// One import spec: `[name] "path"`.
#[derive(Clone, Copy, Debug)]
pub struct Import<'t> {
    /// The `import_spec` node.
    pub spec: Node<'t>,
    /// The name the package goes by in the file: the spec's own name, else
    /// the path's last element; `"."` for a dot import, `"_"` for a blank one.
    pub name: &'t str,
    /// The import path, without quotes.
    pub path: &'t str,
}

/// The imports of the file whose syntax tree is `root`, in order (they all
/// precede the first other declaration). Reads the first children of
/// `root` only, asking for fields by id.
pub fn of_file<'t>(root: Node<'t>, src: &'t str) -> Vec<Import<'t>> {
    let mut out = Vec::new();
    let mut c = root.walk();
    for child in root.named_children(&mut c) {
        match syntax::kind(child) {
            "import_declaration" => specs(child, |spec| out.extend(import(spec, src))),
            "package_clause" | "comment" => {}
            _ => break,
        }
    }
    out
}

/// The import that `spec` is.
fn import<'t>(spec: Node<'t>, src: &'t str) -> Option<Import<'t>> {
    let path = text(spec.field("path")?, src);
    let path = path.trim_matches(|c| c == '"' || c == '`');
    let name = match spec.field("name") {
        Some(n) => text(n, src),
        None => path.rsplit('/').next().unwrap_or(path),
    };
    Some(Import { spec, name, path })
}

/// Calls `f` on each import spec of an import declaration, in order.
fn specs<'t>(decl: Node<'t>, mut f: impl FnMut(Node<'t>)) {
    let mut c = decl.walk();
    for child in decl.named_children(&mut c) {
        match syntax::kind(child) {
            "import_spec" => f(child),
            "import_spec_list" => {
                let mut c2 = child.walk();
                child
                    .named_children(&mut c2)
                    .filter(|n| syntax::kind(*n) == "import_spec")
                    .for_each(&mut f);
            }
            _ => {}
        }
    }
}

/// Whether the package imported as `name` is used in the file whose tree is
/// `root` outside the byte range `except`: some `name.X` selector names it.
pub fn used_outside(
    root: Node<'_>,
    src: &str,
    name: &str,
    except: &std::ops::Range<usize>,
) -> bool {
    syntax::descendants(root).into_iter().any(|n| {
        (syntax::kind(n) == "selector_expression" || syntax::kind(n) == "qualified_type")
            && (n.end_byte() <= except.start || n.start_byte() >= except.end)
            && n.named_child(0).is_some_and(|q| {
                matches!(syntax::kind(q), "identifier" | "package_identifier")
                    && text(q, src) == name
            })
    })
}

/// The edit that removes `import`: its line within a parenthesised list of
/// several, else the whole declaration.
pub fn removal(import: &Import<'_>, src: &str) -> Edit {
    let lone = import
        .spec
        .parent()
        .filter(|p| syntax::kind(*p) == "import_spec_list")
        .is_none_or(|list| {
            list.named_children(&mut list.walk())
                .filter(|n| syntax::kind(*n) == "import_spec")
                .count()
                == 1
        });
    let node = if lone {
        let mut up = import.spec;
        while syntax::kind(up) != "import_declaration" {
            match up.parent() {
                Some(p) => up = p,
                None => break,
            }
        }
        up
    } else {
        import.spec
    };
    let mut edit = Edit::delete_statement(node, src);
    // A declaration between two blank lines takes one of them with it.
    let (before, after) = (&src[..edit.range.start], &src[edit.range.end..]);
    if lone && before.ends_with("\n\n") && after.starts_with('\n') {
        edit.range.end += 1;
    }
    edit
}
