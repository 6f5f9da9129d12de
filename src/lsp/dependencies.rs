//! What links top-level declarations: their names. Used by incremental
//! analysis to find the declarations whose findings an edit elsewhere can
//! change.

use crate::analysis::syntax::{self, Walk};
use std::collections::HashSet;
use std::ops::Range;
use tree_sitter::{Node, Tree};

/// Node kinds whose text can be, or refer to, a top-level name.
const NAME_KINDS: &[&str] = &[
    "identifier",
    "field_identifier",
    "type_identifier",
    "package_identifier",
];

/// The names the file's top-level declarations declare: functions,
/// methods, types, variables and constants.
pub fn top_level_names(tree: &Tree, text: &str) -> HashSet<String> {
    let root = tree.root_node();
    let mut names = HashSet::new();
    let mut cursor = root.walk();
    for top in root.named_children(&mut cursor) {
        syntax::walk(top, |n| {
            match n.kind() {
                "function_declaration" | "method_declaration" | "type_spec" | "type_alias" => {
                    if let Some(name) = n.child_by_field_name("name") {
                        names.insert(syntax::text(name, text).to_string());
                    }
                    return Walk::Skip;
                }
                "var_spec" | "const_spec" => {
                    let mut c = n.walk();
                    for name in n.children_by_field_name("name", &mut c) {
                        names.insert(syntax::text(name, text).to_string());
                    }
                    return Walk::Skip;
                }
                _ => {}
            }
            Walk::Enter
        });
    }
    names
}

/// The identifier words of the code around `range`: each statement it
/// touches (closed intervals, so an insertion point touches its
/// neighbours), and the signature of a top-level declaration when it
/// touches that.
pub fn context_words(tree: &Tree, text: &str, range: &Range<usize>) -> HashSet<String> {
    let mut words = HashSet::new();
    let touches = |n: Node<'_>| n.start_byte() <= range.end && range.start <= n.end_byte();
    syntax::walk(tree.root_node(), |n| {
        if !touches(n) {
            return Walk::Skip;
        }
        let parent = n.parent().map(|p| p.kind());
        if parent == Some("statement_list") {
            collect(n, text, None, &mut words);
            return Walk::Skip;
        }
        if parent == Some("source_file") {
            let body = n.child_by_field_name("body");
            let in_body =
                body.is_some_and(|b| b.start_byte() < range.start && range.end < b.end_byte());
            if !in_body {
                collect(n, text, body, &mut words);
            }
        }
        Walk::Enter
    });
    words
}

/// Adds the name words under `node`, except under `skip`.
fn collect(node: Node<'_>, text: &str, skip: Option<Node<'_>>, words: &mut HashSet<String>) {
    syntax::walk(node, |n| {
        if Some(n) == skip {
            return Walk::Skip;
        }
        if NAME_KINDS.contains(&n.kind()) {
            words.insert(syntax::text(n, text).to_string());
        }
        Walk::Enter
    });
}

/// The identifier-like words of a piece of text (letters, digits, `_`).
fn lexical_words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| w.chars().next().is_some_and(|c| !c.is_ascii_digit()))
        .map(str::to_string)
        .collect()
}

/// The words an edit of `range` of `text` removes or changes: the range
/// widened to whole words, so that cutting into an identifier counts it.
pub fn removed_words(text: &str, range: Range<usize>) -> Vec<String> {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    let before = text.get(..range.start).unwrap_or("");
    let after = text.get(range.end..).unwrap_or("");
    let start = before.len()
        - before
            .chars()
            .rev()
            .take_while(|&c| is_word(c))
            .map(char::len_utf8)
            .sum::<usize>();
    let end = range.end
        + after
            .chars()
            .take_while(|&c| is_word(c))
            .map(char::len_utf8)
            .sum::<usize>();
    lexical_words(text.get(start..end).unwrap_or(""))
}

/// The byte offsets where `word` occurs in `text` as a whole word.
pub fn occurrences<'a>(text: &'a str, word: &'a str) -> impl Iterator<Item = usize> + 'a {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(word)
        .map(|(at, _)| at)
        .filter(move |&at| {
            let before = text[..at].chars().next_back();
            let after = text[at + word.len()..].chars().next();
            !before.is_some_and(is_word) && !after.is_some_and(is_word)
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Analyzer;

    const SRC: &str = "package p\n\nvar (\n\tlimit = 3\n\tcache, hits int\n)\n\ntype T struct{ n int }\n\nfunc (t *T) Close() error { return nil }\n\nfunc run(t *T) {\n\tx := helper(limit)\n\t_ = x\n\tdefer t.Close()\n}\n";

    #[test]
    fn names_and_contexts() {
        let tree = Analyzer::new()
            .parse(SRC, None)
            .unwrap_or_else(|e| panic!("{e}"));
        let names = top_level_names(&tree, SRC);
        let want: HashSet<String> = ["limit", "cache", "hits", "T", "Close", "run"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(names, want);
        let at = SRC.find("helper").unwrap_or_default();
        let words = context_words(&tree, SRC, &(at..at + 1));
        assert!(
            words.contains("helper") && words.contains("limit") && words.contains("x"),
            "{words:?}"
        );
        assert!(
            !words.contains("Close"),
            "other statements are not context: {words:?}"
        );
        let sig = SRC.find("t *T) {").unwrap_or_default();
        let words = context_words(&tree, SRC, &(sig..sig + 1));
        assert!(
            words.contains("run") && words.contains("T") && !words.contains("helper"),
            "{words:?}"
        );
    }

    #[test]
    fn whole_word_occurrences() {
        let text = "Close(); t.Close(); CloseAll(); reClose; Close";
        assert_eq!(
            occurrences(text, "Close").collect::<Vec<_>>(),
            vec![0, 11, 41]
        );
        assert_eq!(
            lexical_words("defer f(x1, 2) // é_ok"),
            ["defer", "f", "x1", "é_ok"]
        );
        let text = "x := helper(limit)";
        let at = text.find("lper").unwrap_or_default();
        assert_eq!(removed_words(text, at..at + 2), ["helper"]);
    }
}
