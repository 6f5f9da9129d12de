//! A byte-level scan of Go source that knows comments, string and rune
//! literals and bracket depth: enough to find the comments and where the
//! top-level declarations start without parsing (a syntax tree costs some
//! 35 bytes of memory per byte of source).

use std::ops::Range;

/// What [`scan`] found.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Scan {
    /// The byte range of every comment, in order.
    pub comments: Vec<Range<usize>>,
    /// Where each top-level clause or declaration starts, in order.
    pub declarations: Vec<Declaration>,
}

/// The start of a top-level clause or declaration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Declaration {
    /// Byte offset of its keyword.
    pub at: usize,
    /// Whether it is the package clause or an import declaration.
    pub header: bool,
}

/// Scans `src`. A keyword `package`, `import`, `func`, `type`, `var` or
/// `const` starts a top-level declaration when it stands outside every
/// bracket, comment and literal, at the start of a line or after a `;`.
/// Unclosed brackets (half-typed code) hide the declarations after them.
pub fn scan(src: &str) -> Scan {
    let bytes = src.as_bytes();
    let mut out = Scan::default();
    let mut depth = 0usize;
    let mut line_start = true;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'\n' => {
                line_start = true;
                i += 1;
            }
            b' ' | b'\t' | b'\r' => i += 1,
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                let end = find(src, i + 2, "\n").unwrap_or(bytes.len());
                out.comments.push(i..end);
                i = end;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                let end = find(src, i + 2, "*/").map_or(bytes.len(), |e| e + 2);
                out.comments.push(i..end);
                i = end;
            }
            b'"' | b'\'' => {
                i = quoted_end(bytes, i);
                line_start = false;
            }
            b'`' => {
                i = find(src, i + 1, "`").map_or(bytes.len(), |e| e + 1);
                line_start = false;
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                line_start = false;
                i += 1;
            }
            b')' | b']' | b'}' => {
                depth = depth.saturating_sub(1);
                line_start = false;
                i += 1;
            }
            b';' => {
                line_start = depth == 0;
                i += 1;
            }
            b if b.is_ascii_alphabetic() || b == b'_' || b >= 0x80 => {
                let end = word_end(bytes, i);
                if depth == 0 && line_start {
                    let header = matches!(&bytes[i..end], b"package" | b"import");
                    if header || matches!(&bytes[i..end], b"func" | b"type" | b"var" | b"const") {
                        out.declarations.push(Declaration { at: i, header });
                    }
                }
                line_start = false;
                i = end;
            }
            _ => {
                line_start = false;
                i += 1;
            }
        }
    }
    out
}

/// The offset of the first `needle` at or after `from` (which follows an
/// ASCII delimiter, so it is a character boundary).
fn find(src: &str, from: usize, needle: &str) -> Option<usize> {
    src.get(from..)?.find(needle).map(|p| from + p)
}

/// The end of the interpreted string or rune literal opening at `at`: after
/// its closing quote, or at the end of the line when it has none.
fn quoted_end(bytes: &[u8], at: usize) -> usize {
    let quote = bytes[at];
    let mut i = at + 1;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'\\' => i += 2,
            b'\n' => return i,
            b if b == quote => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// The end of the identifier or keyword starting at `at`.
fn word_end(bytes: &[u8], at: usize) -> usize {
    let mut i = at;
    while bytes
        .get(i)
        .is_some_and(|&b| b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80)
    {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn starts(src: &str) -> Vec<(&str, bool)> {
        scan(src)
            .declarations
            .iter()
            .map(|d| (&src[d.at..d.at + 4], d.header))
            .collect()
    }

    #[test]
    fn finds_top_level_declarations_only() {
        let src = "package p\n\nimport \"fmt\"\n\n// func in a comment\nfunc f() {\n\tvar x = `\nfunc g() {}\n`\n\ttype t int\n}\n\nvar (\n\ta = 1\n)\nconst c = '\\''; type T struct{}\n/* var z */\n";
        assert_eq!(
            starts(src),
            vec![
                ("pack", true),
                ("impo", true),
                ("func", false),
                ("var ", false),
                ("cons", false),
                ("type", false)
            ]
        );
    }

    #[test]
    fn finds_comments_outside_literals() {
        let src = "package p // one\nvar s = \"// not\" /* two */\n";
        let scan = scan(src);
        let comments: Vec<&str> = scan.comments.iter().map(|r| &src[r.clone()]).collect();
        assert_eq!(comments, vec!["// one", "/* two */"]);
    }

    #[test]
    fn survives_unterminated_input() {
        for src in [
            "package p\nvar s = \"abc",
            "/* open",
            "var r = `raw",
            "func f() {",
            "'\\",
        ] {
            let _ = scan(src);
        }
        assert_eq!(starts("func f() {\nfunc g() {}\n"), vec![("func", false)]);
    }
}
