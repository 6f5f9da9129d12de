//! A rule's `bad` or `good` example (a fragment of Go: declarations and
//! statements) as a Go file of its own, so that it can be parsed,
//! analysed and compiled.

/// Packages an example may use, by the name it calls them.
const PACKAGES: &[(&str, &str)] = &[
    ("atomic", "sync/atomic"),
    ("context", "context"),
    ("debug", "runtime/debug"),
    ("errors", "errors"),
    ("fmt", "fmt"),
    ("http", "net/http"),
    ("log", "log"),
    ("os", "os"),
    ("runtime", "runtime"),
    ("strings", "strings"),
    ("sync", "sync"),
    ("time", "time"),
];

/// Whether `code` uses package `name` (`name.` not preceded by an
/// identifier character or a dot).
fn uses(code: &str, name: &str) -> bool {
    let needle = format!("{name}.");
    code.match_indices(&needle).any(|(at, _)| {
        code[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == '.'))
    })
}

/// `snippet` as a Go file: a package clause, the imports it uses, its
/// top-level declarations (paragraphs whose code starts with `func` or
/// `type`) as
/// they are, and its statements in the body of a function.
pub fn as_file(snippet: &str) -> String {
    let mut imports = String::new();
    for (name, path) in PACKAGES {
        if uses(snippet, name) {
            imports.push_str(&format!("\t{path:?}\n"));
        }
    }
    let mut decls = String::new();
    let mut body = String::new();
    for block in snippet.split("\n\n") {
        let code = block.lines().find(|l| !l.starts_with("//")).unwrap_or("");
        if code.starts_with("func ") || code.starts_with("type ") {
            decls.push_str(block);
            decls.push_str("\n\n");
        } else {
            for line in block.lines() {
                body.push('\t');
                body.push_str(line);
                body.push('\n');
            }
        }
    }
    let mut src = String::from("package example\n\n");
    if !imports.is_empty() {
        src.push_str(&format!("import (\n{imports})\n\n"));
    }
    src.push_str(&decls);
    if !body.is_empty() {
        src.push_str(&format!("func example() {{\n{body}}}\n"));
    }
    format!("{}\n", src.trim_end())
}
