//! What links top-level declarations: their names, and the file-wide
//! facts rules read (the channels the file closes, the mutexes released
//! by functions that do not take them). Used by incremental analysis to find the
//! declarations whose findings an edit elsewhere can change.

use crate::analysis::facts::{decl_links, summary_links};
use crate::analysis::fields::Fields as _;
use crate::analysis::summary::{FileSummary, Reuse};
use crate::analysis::syntax::{self, Walk};
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::Arc;
use tree_sitter::{Node, Tree};

/// Node kinds whose text can be, or refer to, a top-level name.
const NAME_KINDS: &[&str] = &[
    "identifier",
    "field_identifier",
    "type_identifier",
    "package_identifier",
];

/// The names a file's top-level declarations declare, and what the last
/// edit changed of them. An edit updates them in the time of what it
/// changed: each name is counted once per region declaring it.
#[derive(Clone, Debug, Default)]
pub struct Names {
    /// Functions, methods, types, variables and constants.
    decls: HashMap<String, u32>,
    /// Struct fields and interface methods.
    fields: HashMap<String, u32>,
    /// File-wide facts that rules read, each with the word whose mentions
    /// read it: the last names of the channels closed anywhere in the
    /// file (`close(h.in)` closes `in`: whether a channel may get closed
    /// is read file-wide), and the [`decl_links`].
    links: HashMap<(String, String), u32>,
    /// The file-wide facts of the file's summary ([`summary_links`]),
    /// shared with the names before an edit that left them alone.
    summary_links: Arc<HashSet<(String, String)>>,
    /// What each region of the file (the text from the end of one
    /// top-level node to the end of the next) declares and links, which
    /// the counts above gather: what an edit that left a region alone keeps.
    parts: Vec<(Range<usize>, Arc<Part>)>,
    /// What the edit that made these names changed (for names made from
    /// scratch, everything, as if the file had been empty).
    change: NamesChange,
}

/// The parts an edit of a file dropped and added, and the summary's
/// file-wide facts before it.
#[derive(Clone, Debug, Default)]
struct NamesChange {
    dropped: Vec<Arc<Part>>,
    added: Vec<Arc<Part>>,
    summary_links: Arc<HashSet<(String, String)>>,
}

/// What one top-level node declares and links.
#[derive(Debug, Default)]
struct Part {
    decls: Vec<String>,
    fields: Vec<String>,
    links: Vec<(String, String)>,
}

impl Part {
    /// Adds this part's names and links to the counts (`adding`), or takes
    /// them away.
    fn count(
        &self,
        decls: &mut HashMap<String, u32>,
        fields: &mut HashMap<String, u32>,
        links: &mut HashMap<(String, String), u32>,
        adding: bool,
    ) {
        self.decls.iter().for_each(|d| bump(decls, d, adding));
        self.fields.iter().for_each(|f| bump(fields, f, adding));
        self.links.iter().for_each(|l| bump(links, l, adding));
    }

    /// What `top` (a top-level node of the file `text`) declares and links.
    fn of(top: Node<'_>, text: &str) -> Part {
        let mut part = Part::default();
        syntax::walk(top, |n| {
            let list = match n.kind() {
                "field_declaration" | "method_elem" => &mut part.fields,
                "function_declaration"
                | "method_declaration"
                | "type_spec"
                | "type_alias"
                | "var_spec"
                | "const_spec" => &mut part.decls,
                // Parameters of function types name nothing outside.
                _ => return Walk::Enter,
            };
            let mut c = n.walk();
            for name in n.fields("name", &mut c) {
                let name = syntax::text(name, text);
                // The blank identifier declares nothing anyone can use.
                if name != "_" {
                    list.push(name.to_string());
                }
            }
            match n.kind() {
                "function_declaration"
                | "method_declaration"
                | "var_spec"
                | "const_spec"
                | "method_elem" => Walk::Skip,
                _ => Walk::Enter,
            }
        });
        let start = top.start_byte();
        part.links = occurrences(syntax::text(top, text), "close")
            .filter_map(|at| closed_name(top, text, start + at))
            .map(|name| (name, "closed".to_string()))
            .chain(decl_links(top, text))
            .collect();
        part
    }
}

impl Names {
    /// The names declared at the top level of `tree`, whose file's own
    /// summary is `summary`.
    pub fn of(tree: &Tree, text: &str, summary: &Arc<FileSummary>) -> Names {
        Names::reusing(Names::default(), tree, text, Some(summary), None)
    }

    /// The same after an edit of the file `old` was made from, taking
    /// what each region the edit left alone says from `old`, and the
    /// summary's links too unless `methods_changed` (what the summary's
    /// methods do, where they are aside, changed).
    pub fn updated(
        old: Names,
        tree: &Tree,
        text: &str,
        summary: &Arc<FileSummary>,
        reuse: &Reuse<'_>,
        methods_changed: bool,
    ) -> Names {
        let summary = methods_changed.then_some(summary);
        Names::reusing(old, tree, text, summary, Some(reuse))
    }

    /// The names of `tree`, reusing `old`'s parts where `reuse` allows, and
    /// its summary links unless `summary` is given to work them out from.
    fn reusing(
        old: Names,
        tree: &Tree,
        text: &str,
        summary: Option<&Arc<FileSummary>>,
        reuse: Option<&Reuse<'_>>,
    ) -> Names {
        let Names {
            mut decls,
            mut fields,
            mut links,
            summary_links: old_summary_links,
            parts: old_parts,
            change: _,
        } = old;
        // The old parts by where they are now, each with its index.
        let mut movable: HashMap<Range<usize>, usize> = reuse.map_or_else(HashMap::new, |r| {
            old_parts
                .iter()
                .enumerate()
                .filter_map(|(i, (region, _))| Some(((r.moved)(region)?, i)))
                .collect()
        });
        let mut kept_old = vec![false; old_parts.len()];
        let mut parts = Vec::new();
        let mut added = Vec::new();
        let root = tree.root_node();
        let mut from = 0;
        let mut cursor = root.walk();
        for top in root.named_children(&mut cursor) {
            let region = from..top.end_byte();
            from = top.end_byte();
            let kept = reuse
                .filter(|r| (r.kept)(&region))
                .and_then(|_| movable.remove(&region));
            let part = match kept {
                Some(i) => {
                    kept_old[i] = true;
                    Arc::clone(&old_parts[i].1)
                }
                None => {
                    let part = Arc::new(Part::of(top, text));
                    part.count(&mut decls, &mut fields, &mut links, true);
                    added.push(Arc::clone(&part));
                    part
                }
            };
            parts.push((region, part));
        }
        let dropped: Vec<Arc<Part>> = old_parts
            .into_iter()
            .zip(kept_old)
            .filter(|(_, kept)| !kept)
            .map(|((_, part), _)| part)
            .collect();
        for part in &dropped {
            part.count(&mut decls, &mut fields, &mut links, false);
        }
        Names {
            decls,
            fields,
            links,
            summary_links: summary.map_or_else(
                || Arc::clone(&old_summary_links),
                |s| Arc::new(summary_links(s).into_iter().collect()),
            ),
            parts,
            change: NamesChange {
                dropped,
                added,
                summary_links: old_summary_links,
            },
        }
    }

    /// The words whose file-wide facts the edit that made these names
    /// changed (a channel the file closed before and does not now, say).
    pub fn linked_differently(&self) -> Vec<&str> {
        let change = &self.change;
        let in_parts = |parts: &[Arc<Part>], link: &(String, String)| -> u32 {
            let n = parts
                .iter()
                .flat_map(|p| &p.links)
                .filter(|l| *l == link)
                .count();
            u32::try_from(n).unwrap_or(u32::MAX)
        };
        let candidates = change
            .added
            .iter()
            .chain(&change.dropped)
            .flat_map(|p| &p.links)
            .chain(
                (!Arc::ptr_eq(&self.summary_links, &change.summary_links))
                    .then(|| {
                        self.summary_links
                            .symmetric_difference(&change.summary_links)
                    })
                    .into_iter()
                    .flatten(),
            );
        let mut words = Vec::new();
        for link in candidates {
            let count = self.links.get(link).copied().unwrap_or(0);
            let before = (count + in_parts(&change.dropped, link))
                .saturating_sub(in_parts(&change.added, link));
            let now = count > 0 || self.summary_links.contains(link);
            let then = before > 0 || change.summary_links.contains(link);
            if now != then {
                words.push(link.0.as_str());
            }
        }
        words
    }

    /// Whether `word` names a function, method, type, variable or constant,
    /// now or before the edit that made these names.
    pub fn declares(&self, word: &str) -> bool {
        self.decls.contains_key(word)
            || self
                .change
                .dropped
                .iter()
                .any(|p| p.decls.iter().any(|d| d == word))
    }

    /// Whether `word` names a struct field or an interface method, now or
    /// before the edit that made these names.
    pub fn has_field(&self, word: &str) -> bool {
        self.fields.contains_key(word)
            || self
                .change
                .dropped
                .iter()
                .any(|p| p.fields.iter().any(|d| d == word))
    }
}

/// Counts `key` once more in `counts` (`adding`) or once less, dropping
/// it at zero.
fn bump<K: Clone + Eq + std::hash::Hash>(counts: &mut HashMap<K, u32>, key: &K, adding: bool) {
    if adding {
        *counts.entry(key.clone()).or_default() += 1;
    } else if let Some(n) = counts.get_mut(key) {
        *n = n.saturating_sub(1);
        if *n == 0 {
            counts.remove(key);
        }
    }
}

/// The last name of the channel closed by a `close(…)` call whose callee
/// starts at byte `at`, as rules compare it (`close(h.in)` → `in`).
fn closed_name(root: Node<'_>, text: &str, at: usize) -> Option<String> {
    let callee = root.descendant_for_byte_range(at, at + "close".len())?;
    let call = syntax::ancestors(callee)
        .take(4)
        .find(|n| n.kind() == "call_expression")?;
    if !syntax::is_call_to(call, text, "close") {
        return None;
    }
    let channel = syntax::text(*syntax::call_args(call).first()?, text);
    Some(
        channel
            .rsplit('.')
            .next()
            .unwrap_or(channel)
            .trim()
            .to_string(),
    )
}

/// The name of the type declared by the `type` spec holding `range`
/// (`T` of `type T struct{ mu sync.Mutex }`), outside comments: what a
/// type holds (a lock, say) is read wherever the type is mentioned.
pub fn enclosing_type(tree: &Tree, text: &str, range: &Range<usize>) -> Option<String> {
    let node = tree
        .root_node()
        .descendant_for_byte_range(range.start, range.end)?;
    if node.kind() == "comment" {
        return None;
    }
    let spec = std::iter::once(node)
        .chain(syntax::ancestors(node))
        .find(|n| matches!(n.kind(), "type_spec" | "type_alias"))?;
    let name = spec.field("name")?;
    Some(syntax::text(name, text).to_string())
}

/// Adds to `types` the top-level types of `tree` whose declarations
/// mention one of them, until there are no more: a struct that embeds or
/// holds a changed type changed too.
pub fn holders(tree: &Tree, text: &str, types: &mut HashSet<String>) {
    let root = tree.root_node();
    let mut specs: Vec<(String, &str)> = Vec::new();
    let mut c = root.walk();
    for decl in root
        .named_children(&mut c)
        .filter(|d| d.kind() == "type_declaration")
    {
        let mut dc = decl.walk();
        for spec in decl.named_children(&mut dc) {
            if let Some(name) = spec.field("name") {
                let body = &text[name.end_byte()..spec.end_byte()];
                specs.push((syntax::text(name, text).to_string(), body));
            }
        }
    }
    loop {
        let before = types.len();
        for (name, body) in &specs {
            if !types.contains(name) && types.iter().any(|t| occurrences(body, t).next().is_some())
            {
                types.insert(name.clone());
            }
        }
        if types.len() == before {
            return;
        }
    }
}

/// The names declared by the innermost declaration spec holding `range`:
/// a struct field's (an embedded field's type name), an interface
/// method's, or those of a `var`, `const` or `type` spec; none when it lies
/// in a comment. Its other words, types and values, keep their meaning:
/// the edit's own words carry what it changed there.
pub fn spec_words(tree: &Tree, text: &str, range: &Range<usize>) -> HashSet<String> {
    let mut words = HashSet::new();
    let Some(node) = tree
        .root_node()
        .descendant_for_byte_range(range.start, range.end)
    else {
        return words;
    };
    if node.kind() == "comment" {
        return words;
    }
    let spec = std::iter::once(node)
        .chain(syntax::ancestors(node))
        .find(|n| {
            matches!(
                n.kind(),
                "field_declaration"
                    | "method_elem"
                    | "var_spec"
                    | "const_spec"
                    | "type_spec"
                    | "type_alias"
            )
        });
    let Some(spec) = spec else {
        return words;
    };
    let mut c = spec.walk();
    words.extend(
        spec.fields("name", &mut c)
            .map(|n| syntax::text(n, text).to_string()),
    );
    if words.is_empty() {
        // An embedded field is named after its type: `sync.Mutex`, `*T`.
        if let Some(ty) = spec.field("type") {
            let mut last = None;
            syntax::walk(ty, |n| {
                if NAME_KINDS.contains(&n.kind()) {
                    last = Some(syntax::text(n, text).to_string());
                }
                Walk::Enter
            });
            words.extend(last);
        }
    }
    words
}

/// The identifier words of the code around `range`: each statement it
/// touches (closed intervals, so an insertion point touches its
/// neighbours) without the bodies of compound statements that it does not
/// touch, and the signature of a top-level declaration when it touches
/// that.
pub fn context_words(tree: &Tree, text: &str, range: &Range<usize>) -> HashSet<String> {
    let mut words = HashSet::new();
    let touches = |n: Node<'_>| n.start_byte() <= range.end && range.start <= n.end_byte();
    syntax::walk(tree.root_node(), |n| {
        if !touches(n) {
            return Walk::Skip;
        }
        match n.parent().map(|p| p.kind()) {
            Some("statement_list") => collect(n, text, &mut words),
            Some("source_file") => {
                let body = n.field("body");
                let in_body =
                    body.is_some_and(|b| b.start_byte() < range.start && range.end < b.end_byte());
                if !in_body {
                    collect(n, text, &mut words);
                }
            }
            _ => {}
        }
        Walk::Enter
    });
    words
}

/// The name words of the signatures (everything but the body) of the
/// functions and methods whose signature `range` touches.
pub fn signature_words(tree: &Tree, text: &str, range: &Range<usize>) -> HashSet<String> {
    let mut words = HashSet::new();
    let root = tree.root_node();
    let mut cursor = root.walk();
    for top in root.children(&mut cursor) {
        let function = matches!(top.kind(), "function_declaration" | "method_declaration");
        if !function || top.start_byte() > range.end || range.start > top.end_byte() {
            continue;
        }
        let body = top.field("body");
        if !body.is_some_and(|b| b.start_byte() < range.start && range.end < b.end_byte()) {
            collect(top, text, &mut words);
        }
    }
    words
}

/// Adds the name words of `node`, not descending into bodies: blocks,
/// switch and select cases, `else` branches (statements in them are
/// visited on their own when the range touches them).
fn collect(node: Node<'_>, text: &str, words: &mut HashSet<String>) {
    syntax::walk(node, |n| {
        let body = matches!(
            n.kind(),
            "block" | "expression_case" | "default_case" | "type_case" | "communication_case"
        ) || (n.kind() == "if_statement"
            && n.parent().is_some_and(|p| p.kind() == "if_statement"));
        if n != node && body {
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

/// The words of `range` of `text`, the range widened to whole words: what
/// an edit there removes (in the old text) or writes (in the new text),
/// counting an identifier it cuts into or extends.
pub fn touched_words(text: &str, range: Range<usize>) -> Vec<String> {
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

/// Whether `range` of the text of `tree` is code: not inside a comment or
/// a string literal.
pub fn in_code(tree: &Tree, range: Range<usize>) -> bool {
    let Some(node) = tree
        .root_node()
        .descendant_for_byte_range(range.start, range.end)
    else {
        return true;
    };
    !std::iter::once(node)
        .chain(syntax::ancestors(node).take(2))
        .any(|n| {
            matches!(
                n.kind(),
                "comment" | "interpreted_string_literal" | "raw_string_literal"
            )
        })
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
        let names = Names::of(&tree, SRC, &Arc::new(FileSummary::empty()));
        for declared in ["limit", "cache", "hits", "T", "Close", "run"] {
            assert!(names.declares(declared), "{declared}");
        }
        assert!(names.has_field("n") && !names.declares("n") && !names.declares("x"));
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
    fn only_declarations_declare_names() {
        let src = "package p\n\ntype hook func(c int, _ string)\n\ntype S struct {\n\tOn func(ctx string)\n\t_  int\n}\n\nvar _ = 1\n\nfunc f() { close(s.done); close(ch) }\n";
        let tree = Analyzer::new()
            .parse(src, None)
            .unwrap_or_else(|e| panic!("{e}"));
        let names = Names::of(&tree, src, &Arc::new(FileSummary::empty()));
        assert!(names.declares("hook") && names.declares("f") && names.has_field("On"));
        for word in ["c", "ctx", "_"] {
            assert!(!names.declares(word) && !names.has_field(word), "{word}");
        }
        // Made from scratch, every link is new.
        let mut closed: Vec<&str> = names.linked_differently();
        closed.sort_unstable();
        assert_eq!(closed, ["ch", "done"]);
    }

    #[test]
    fn words_in_comments_and_strings_are_not_code() {
        let src = "package p\n\n// run runs\nfunc run() { println(\"run\", `run`, run) }\n";
        let tree = Analyzer::new()
            .parse(src, None)
            .unwrap_or_else(|e| panic!("{e}"));
        let code: Vec<bool> = occurrences(src, "run")
            .map(|at| in_code(&tree, at..at + 3))
            .collect();
        assert_eq!(code, [false, true, false, false, true]);
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
        assert_eq!(touched_words(text, at..at + 2), ["helper"]);
        assert_eq!(touched_words("x := errx", 9..9), ["errx"]);
        assert_eq!(touched_words("defer f()", 0..6), ["defer", "f"]);
    }
}
