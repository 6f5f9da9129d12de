//! Where in a file a rule pattern could match, found by one scan of the text.
//!
//! Every node a pattern matches at holds a word its gate requires (see
//! [`super::pattern_gate`]) or, for kinds whose patterns need no word, a
//! token every node of the kind holds (`go` for a `go_statement`: see
//! [`super::pattern_gate::KEYWORDS`] and [`MARKS`]). Every ancestor of such
//! a node holds it too. So the engine's walk only enters nodes whose text
//! holds one of these *hits*: on real code it visits a fraction of the tree
//! instead of every node.

use super::pattern_gate::{keyword, whole_token, Gate};
use super::syntax::{KindSet, GO_KEYWORDS};
use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use std::ops::Range;
use tree_sitter::Node;

/// Where the walk finds nodes of a kind whose patterns need no word.
#[derive(Clone, Copy, Debug)]
pub enum Mark {
    /// Every node of the kind holds this token (`go` for a `go_statement`).
    Holds(&'static str),
    /// The token lies in an ancestor (`var` for a `var_spec`): every parent
    /// the kind can have is one of these kinds, and the outermost of them
    /// on the way up holds the token. The walk visits every child of these.
    Under(&'static str, &'static [&'static str]),
    /// Only the root is the kind's parent, and the walk visits every child
    /// of the root.
    TopLevel,
}

/// The marks of the node kinds whose patterns need no word, besides those
/// holding one of the [`super::pattern_gate::KEYWORDS`];
/// `tests/it/triggers.rs` checks both against the grammar and real code.
pub const MARKS: &[(&str, Mark)] = &[
    ("type_assertion_expression", Mark::Holds(".(")),
    ("function_declaration", Mark::TopLevel),
    ("method_declaration", Mark::TopLevel),
    (
        "var_spec",
        Mark::Under("var", &["var_declaration", "var_spec_list"]),
    ),
    (
        "receive_statement",
        Mark::Under("case", &["communication_case"]),
    ),
];

/// The root's kind: the walk starts there and visits all its children.
pub const ROOT: &str = "source_file";

/// How a type assertion's `.` can be followed on the way to its `(`: at
/// once, or after blanks or a comment (prose's `. Next` is left out).
const ASSERTION_DOTS: &[&str] = &[
    ".(", ".\t", ".\n", ".\r", "./", ". (", ".  ", ". \t", ". \n", ". \r", ". /",
];

/// How a match of the finder is confirmed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Confirm {
    /// A word: not joined to identifier characters on either side.
    Token,
    /// A dot that starts a type assertion: `(` follows after blanks and
    /// comments.
    Assertion,
}

/// The words and tokens that mark where patterns could match, found with
/// one Aho-Corasick scan.
pub struct Triggers {
    finder: AhoCorasick,
    /// Per pattern of `finder`, how its matches are confirmed.
    confirm: Vec<Confirm>,
    /// The kinds whose children the walk always visits.
    through: KindSet,
}

impl Triggers {
    /// The triggers of `gates`, one per pattern of the rule query; `None`
    /// when some gate's kind needs no word and has no known token, so only
    /// a walk of every node finds its matches.
    pub fn new(gates: &[Gate]) -> Option<Triggers> {
        let mut words: Vec<String> = Vec::new();
        let mut through: Vec<&str> = vec![ROOT];
        // The root is always visited: its patterns need no trigger.
        let gates: Vec<&Gate> = gates.iter().filter(|g| g.kind != ROOT).collect();
        // First the tokens of the kinds whose patterns need no word.
        for gate in gates.iter().filter(|g| g.words.is_empty()) {
            let token = match keyword(&gate.kind) {
                Some(k) => Some(k),
                None => match MARKS.iter().find(|m| m.0 == gate.kind)?.1 {
                    Mark::Holds(token) => Some(token),
                    Mark::Under(token, parents) => {
                        through.extend_from_slice(parents);
                        Some(token)
                    }
                    Mark::TopLevel => None,
                },
            };
            words.extend(token.map(str::to_string).filter(|t| !words.contains(t)));
        }
        // Then, for each pattern needing words, one group of them (all its
        // words, as a node may hold any one of them): none when a group, or
        // the keyword of the root kind, is a trigger already. Patterns with
        // one group go first, so the others can often reuse their words;
        // else the last group free of Go keywords, which every file is full
        // of (`Go` rather than `func` for `g.Go(func() {…})`), and `GC`
        // rather than `runtime` as the last group names the function.
        let mut needing: Vec<&&Gate> = gates.iter().filter(|g| !g.words.is_empty()).collect();
        needing.sort_by_key(|g| g.words.len() > 1);
        for gate in needing {
            let covered = keyword(&gate.kind).is_some_and(|k| words.iter().any(|w| w == k))
                || gate
                    .words
                    .iter()
                    .any(|group| group.iter().all(|w| words.contains(w)));
            if covered {
                continue;
            }
            let plain =
                |group: &&Vec<String>| !group.iter().any(|w| GO_KEYWORDS.contains(&w.as_str()));
            let group = gate.words.iter().rev().find(plain).or(gate.words.last());
            for word in group.into_iter().flatten() {
                if !words.contains(word) {
                    words.push(word.clone());
                }
            }
        }
        let mut patterns = Vec::new();
        let mut confirm = Vec::new();
        for word in words {
            if word == ".(" {
                for dot in ASSERTION_DOTS {
                    patterns.push(dot.to_string());
                    confirm.push(Confirm::Assertion);
                }
            } else {
                patterns.push(word);
                confirm.push(Confirm::Token);
            }
        }
        // Leftmost-longest loses no hit: of two overlapping words, the one
        // left out starts inside the other or is a shorter prefix of it, so
        // it is joined to an identifier character and no whole token; no
        // word holds punctuation, and the dot patterns that overlap start
        // at the same dot, so either gives the same hit.
        let finder = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&patterns)
            .ok()?;
        Some(Triggers {
            finder,
            confirm,
            through: KindSet::new(&through),
        })
    }

    /// The start offsets of the triggers in `src[range]`, in order.
    pub fn hits(&self, src: &str, range: Range<usize>) -> Vec<usize> {
        let mut at = Vec::new();
        self.hits_into(src, range, &mut at);
        at
    }

    /// The start offsets of the triggers in `src[range]`, in order,
    /// appended to `at` (a buffer reused from file to file).
    pub fn hits_into(&self, src: &str, range: Range<usize>, at: &mut Vec<usize>) {
        let bytes = src.as_bytes();
        let start = range.start.min(bytes.len());
        let end = range.end.clamp(start, bytes.len());
        let haystack = bytes.get(start..end).unwrap_or_default();
        let mut path = Path::default();
        let found = self
            .finder
            .find_iter(haystack)
            .map(|m| (m.pattern().as_usize(), start + m.start(), start + m.end()))
            .filter(|&(pattern, from, to)| match self.confirm.get(pattern) {
                Some(Confirm::Token) => whole_token(bytes, from, to),
                Some(Confirm::Assertion) => path.opens_after(bytes, from + 1),
                None => false,
            })
            .map(|(_, from, _)| from);
        at.extend(found);
    }

    /// Whether the walk visits every child of `node`: the root, the
    /// parents of [`Mark::Under`] kinds, and nodes holding a syntax error,
    /// inside which any node can stand anywhere and a token can be missing
    /// or cut off by skipped text.
    pub fn passes_through(&self, node: Node<'_>) -> bool {
        node.has_error() || self.through.contains(node)
    }
}

/// Offsets of hits, asked about by nodes in document order.
pub struct Hits {
    at: Vec<usize>,
    /// The first hit at or after the start of the last node asked about.
    next: usize,
}

impl Hits {
    /// The hits at offsets `at`, in order.
    pub fn new(at: Vec<usize>) -> Self {
        Hits { at, next: 0 }
    }

    /// The offsets, for the buffer to be reused.
    pub fn into_vec(self) -> Vec<usize> {
        self.at
    }

    /// Where `word` (a keyword or identifier) stands as a whole token in the
    /// text of `root`'s children: only those, as `root` may be one slice of
    /// a large file.
    pub fn of_word(root: Node<'_>, src: &str, word: &str) -> Self {
        let bytes = src.as_bytes();
        let mut at = Vec::new();
        let mut c = root.walk();
        for child in root.children(&mut c) {
            let range = child.byte_range();
            let Some(text) = src.get(range.clone()) else {
                continue;
            };
            at.extend(
                text.match_indices(word)
                    .map(|(i, _)| range.start + i)
                    .filter(|&i| whole_token(bytes, i, i + word.len())),
            );
        }
        Hits::new(at)
    }

    /// Whether `node` holds a hit. Each node asked about must start at or
    /// after the one asked about before.
    pub fn within(&mut self, node: Node<'_>) -> bool {
        self.within_span(node.start_byte(), node.end_byte())
    }

    /// Whether `start..end` holds a hit, asked in the order of
    /// [`Hits::within`].
    pub fn within_span(&mut self, start: usize, end: usize) -> bool {
        self.first_from(start).is_some_and(|h| h < end)
    }

    /// The first hit at or after `at`, which must be at or after the
    /// offsets asked about before.
    pub fn first_from(&mut self, at: usize) -> Option<usize> {
        while self.at.get(self.next).is_some_and(|&h| h < at) {
            self.next += 1;
        }
        self.at.get(self.next).copied()
    }
}

/// The way from a dot to the next byte that is not a blank or part of a
/// comment: the offsets the scan stood at, as runs, and whether that byte
/// is `(`. The scan from any offset goes the same way, so a later scan that
/// stands where a kept one stood has its answer: the dots ending the lines
/// of a doc comment, each once scanning to its end, cost one scan. The way
/// that reaches furthest is kept.
#[derive(Default)]
struct Path {
    /// Runs `start..end` of offsets the scan stood at, in order.
    runs: Vec<(usize, usize)>,
    /// The first run that may hold an offset asked about.
    next: usize,
    /// Where the scan ended.
    end: usize,
    opens: bool,
    /// The runs of the scan under way.
    scratch: Vec<(usize, usize)>,
}

impl Path {
    /// Whether `(` is the next byte from `at` on that is not a blank or part
    /// of a comment. Asked at increasing offsets.
    fn opens_after(&mut self, bytes: &[u8], mut at: usize) -> bool {
        self.scratch.clear();
        let mut run = at;
        let opens = loop {
            if self.stood_at(at) {
                return self.opens;
            }
            let rest = bytes.get(at..).unwrap_or_default();
            let skip = match rest {
                [b' ' | b'\t' | b'\n' | b'\r', ..] => {
                    at += 1;
                    continue;
                }
                [b'/', b'/', ..] => memchr::memchr(b'\n', rest),
                [b'/', b'*', ..] => rest
                    .get(2..)
                    .and_then(|body| memchr::memmem::find(body, b"*/"))
                    .map(|end| end + 4),
                [b'(', ..] => break true,
                _ => break false,
            };
            let Some(skip) = skip else {
                break false;
            };
            self.scratch.push((run, at + 1));
            at += skip;
            run = at;
        };
        self.scratch.push((run, at + 1));
        if at > self.end || self.runs.is_empty() {
            std::mem::swap(&mut self.runs, &mut self.scratch);
            self.next = 0;
            self.end = at;
            self.opens = opens;
        }
        opens
    }

    /// Whether the kept scan stood at `at`; asked at offsets that only grow
    /// within a scan, and a miss only costs a longer scan.
    fn stood_at(&mut self, at: usize) -> bool {
        while self.runs.get(self.next).is_some_and(|&(_, end)| end <= at) {
            self.next += 1;
        }
        self.runs
            .get(self.next)
            .is_some_and(|&(start, _)| start <= at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gate(kind: &str, words: &[&[&str]]) -> Gate {
        Gate {
            kind: kind.to_string(),
            words: words
                .iter()
                .map(|g| g.iter().map(|w| w.to_string()).collect())
                .collect(),
        }
    }

    #[test]
    fn finds_words_as_whole_tokens() {
        let triggers = Triggers::new(&[gate("call_expression", &[&["close"]])]).expect("triggers");
        let src = "close(c); closer(c); x.close(); enclose()";
        assert_eq!(triggers.hits(src, 0..src.len()), vec![0, 23]);
        assert_eq!(triggers.hits(src, 10..src.len()), vec![23]);
    }

    #[test]
    fn finds_type_assertions_however_spaced() {
        let triggers = Triggers::new(&[gate("type_assertion_expression", &[])]).expect("triggers");
        let src = "a.(T) b. (T) c./* x */(T) d.\n// y\n(T) e.f() end. Here";
        assert_eq!(triggers.hits(src, 0..src.len()), vec![1, 7, 14, 27]);
    }

    /// The scan of [`Path::opens_after`], without the kept way.
    fn opens_after_dot(bytes: &[u8], mut at: usize) -> bool {
        loop {
            let rest = bytes.get(at..).unwrap_or_default();
            match rest {
                [b' ' | b'\t' | b'\n' | b'\r', ..] => at += 1,
                [b'/', b'/', ..] => match rest.iter().position(|&b| b == b'\n') {
                    Some(end) => at += end,
                    None => return false,
                },
                [b'/', b'*', ..] => match rest.windows(2).skip(2).position(|w| w == b"*/") {
                    Some(end) => at += end + 4,
                    None => return false,
                },
                [b'(', ..] => return true,
                _ => return false,
            }
        }
    }

    #[test]
    fn the_kept_way_answers_as_a_scan_of_its_own() {
        let sources = [
            "// a.\n// b.\n// c.  d.\n/* e.\n// f.\n(g) */ x.\n// h.\n(T) y./* z. */ (T) w.  v",
            "s := \"./*.go\"; v := i.(T) /* q. */ x.\n\n\t(T) // r./\n// s. (t)\n",
            "/* a.\n// b.\n// c.\n*/ d.\n/* e. */\n// f.\n\t(T) g. /",
        ];
        let triggers = Triggers::new(&[gate("type_assertion_expression", &[])]).expect("triggers");
        for src in sources {
            let bytes = src.as_bytes();
            let expected: Vec<usize> = (0..bytes.len())
                .filter(|&i| {
                    ASSERTION_DOTS
                        .iter()
                        .any(|d| bytes[i..].starts_with(d.as_bytes()))
                        && opens_after_dot(bytes, i + 1)
                })
                .collect();
            assert_eq!(triggers.hits(src, 0..src.len()), expected, "{src}");
        }
    }

    #[test]
    fn a_kind_with_no_word_and_no_token_leaves_no_triggers() {
        assert!(Triggers::new(&[gate("block", &[])]).is_none());
        assert!(Triggers::new(&[gate(ROOT, &[])]).is_some());
    }
}
