//! `go.mod` files: the directives the corpus explains, found line by line
//! (the `go.mod` grammar is line-oriented: a directive and its arguments on
//! one line, or a directive opening a `( … )` block of entries). Pure: text
//! and an offset in, constructs out.

use super::{Cite, Concept, Hit};
use std::ops::Range;

/// The question every `go.mod` construct cites.
const DEPENDENCIES: Cite = Cite {
    question: "how-does-go-handle-dependencies",
    topic: None,
};

/// The constructs of `go.mod` files, named like the Go ones.
pub static CONCEPTS: &[Concept] = &[
    Concept {
        name: "gomod-module",
        label: "`module`: this module's path, the prefix of its packages' import paths",
        cites: &[DEPENDENCIES],
    },
    Concept {
        name: "gomod-go",
        label: "`go`: the Go version the module is written for; the language semantics (such as per-iteration loop variables from 1.22) follow it",
        cites: &[DEPENDENCIES],
    },
    Concept {
        name: "gomod-require",
        label: "`require`: a dependency and the minimum version the module needs (the build uses the highest minimum any module requires)",
        cites: &[DEPENDENCIES],
    },
    Concept {
        name: "gomod-override",
        label: "`replace` / `exclude` / `retract`: a dependency swapped for another path or version, or versions ruled out",
        cites: &[DEPENDENCIES],
    },
    Concept {
        name: "gomod-toolchain",
        label: "`toolchain` / `godebug` / `tool`: the toolchain, runtime settings or tools the module asks for",
        cites: &[DEPENDENCIES],
    },
];

/// The concept of directive `word`, if it is one.
fn directive(word: &str) -> Option<&'static Concept> {
    let name = match word {
        "module" => "gomod-module",
        "go" => "gomod-go",
        "require" => "gomod-require",
        "replace" | "exclude" | "retract" => "gomod-override",
        "toolchain" | "godebug" | "tool" | "ignore" => "gomod-toolchain",
        _ => return None,
    };
    CONCEPTS.iter().find(|c| c.name == name)
}

/// Whether a file name is that of a module file.
pub fn is_gomod(file_name: &str) -> bool {
    file_name == "go.mod" || file_name.ends_with("/go.mod") || file_name.ends_with("\\go.mod")
}

/// Every construct of the `go.mod` text `src`, in source order: each
/// directive keyword, and the arguments of each directive line or block
/// entry, tagged with the directive's concept.
pub fn all(src: &str) -> Vec<Hit> {
    let mut hits = Vec::new();
    // The directive of the `( … )` block the line is in.
    let mut block: Option<&'static Concept> = None;
    let mut start = 0;
    for line in src.split_inclusive('\n') {
        let code = line.split("//").next().unwrap_or("");
        let words = words(code, start);
        start += line.len();
        let Some((first, first_range)) = words.first() else {
            continue;
        };
        if let Some(concept) = block {
            if *first == ")" {
                block = None;
            } else if let Some(args) = span(&words) {
                hits.push(Hit {
                    concept,
                    range: args,
                });
            }
            continue;
        }
        let Some(concept) = directive(first) else {
            continue;
        };
        hits.push(Hit {
            concept,
            range: first_range.clone(),
        });
        let rest = &words[1..];
        if rest.first().is_some_and(|(w, _)| *w == "(") {
            block = Some(concept);
        } else if let Some(args) = span(rest) {
            hits.push(Hit {
                concept,
                range: args,
            });
        }
    }
    hits
}

/// The construct whose span holds byte `offset` of the `go.mod` text `src`.
pub fn at(src: &str, offset: usize) -> Option<Hit> {
    all(src)
        .into_iter()
        .find(|h| h.range.start <= offset && offset < h.range.end)
}

/// The words of `code` (a line without its comment) that starts at byte
/// `start` of the file, with their byte ranges in the file; `(` and `)`
/// are words of their own.
fn words(code: &str, start: usize) -> Vec<(&str, Range<usize>)> {
    let mut out = Vec::new();
    let mut from: Option<usize> = None;
    for (i, c) in code.char_indices() {
        let sep = c.is_whitespace() || c == '(' || c == ')';
        if sep {
            if let Some(f) = from.take() {
                out.push((&code[f..i], start + f..start + i));
            }
            if c == '(' || c == ')' {
                out.push((&code[i..i + 1], start + i..start + i + 1));
            }
        } else if from.is_none() {
            from = Some(i);
        }
    }
    if let Some(f) = from {
        out.push((&code[f..], start + f..start + code.len()));
    }
    out
}

/// From the first word's start to the last word's end.
fn span(words: &[(&str, Range<usize>)]) -> Option<Range<usize>> {
    let first = words.first()?;
    let last = words.last()?;
    Some(first.1.start..last.1.end)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOMOD: &str = "// The module.\nmodule example.com/demo // ours\n\ngo 1.22\n\nrequire (\n\tgolang.org/x/sync v0.7.0\n\tgithub.com/a/b v1.2.3 // indirect\n)\n\nrequire example.com/one v1.0.0\nreplace example.com/one => ../one\n";

    fn names_at(src: &str, needle: &str) -> Option<&'static str> {
        let offset = src.find(needle)?;
        at(src, offset).map(|h| h.concept.name)
    }

    #[test]
    fn hovers_land_on_directives_and_their_arguments() {
        assert_eq!(names_at(GOMOD, "module "), Some("gomod-module"));
        assert_eq!(names_at(GOMOD, "example.com/demo"), Some("gomod-module"));
        assert_eq!(names_at(GOMOD, "go 1.22"), Some("gomod-go"));
        assert_eq!(names_at(GOMOD, "1.22"), Some("gomod-go"));
        assert_eq!(names_at(GOMOD, "require ("), Some("gomod-require"));
        assert_eq!(names_at(GOMOD, "golang.org/x/sync"), Some("gomod-require"));
        assert_eq!(names_at(GOMOD, "v1.2.3"), Some("gomod-require"));
        assert_eq!(names_at(GOMOD, "example.com/one v1"), Some("gomod-require"));
        assert_eq!(names_at(GOMOD, "replace"), Some("gomod-override"));
    }

    #[test]
    fn comments_blank_lines_and_closing_parens_are_not_constructs() {
        assert_eq!(names_at(GOMOD, "The module"), None);
        assert_eq!(names_at(GOMOD, "ours"), None);
        assert_eq!(names_at(GOMOD, "indirect"), None);
        assert_eq!(names_at(GOMOD, ")\n"), None);
        assert!(at(GOMOD, GOMOD.len()).is_none());
    }

    #[test]
    fn half_typed_and_odd_text_never_panics() {
        for src in [
            "require (",
            "module",
            "go",
            ")\n)",
            "require (\n\tx",
            "é ( ) é",
            "\r\n\r",
        ] {
            for offset in 0..=src.len() + 1 {
                let _ = at(src, offset);
            }
        }
        assert_eq!(names_at("require (\n\tx v1", "x v1"), Some("gomod-require"));
    }
}
