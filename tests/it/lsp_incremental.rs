//! Property test of incremental sync: random sequences of ≥ 1,000 edits
//! (inserts, deletes, replacements; multi-line; non-ASCII; CRLF) are sent
//! to the real server in rapid bursts. After each burst the server's text,
//! its syntax tree and its diagnostics must equal a fresh parse and a
//! from-scratch analysis of the text the edits should have produced.
//!
//! `GOHINT_PROP_SEQUENCES` sets how many sequences run (default 150);
//! `GOHINT_PROP_SEED` replays one sequence.

use crate::common::{capabilities, range, Client};
use gohint::analysis::{analyze_tree, Analyzer, Options};
use serde_json::{json, Value};
use tree_sitter::Tree;

/// Edits per sequence.
const EDITS: usize = 1_000;

/// A small deterministic random generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const SNIPPETS: &[&str] = &[
    "a",
    "x",
    "_",
    " ",
    "\n",
    "\t",
    "{",
    "}",
    "(",
    ")",
    "\"",
    "`",
    "'",
    ";",
    ",",
    ".",
    "é",
    "😀",
    "中文",
    "\r\n",
    "close(ch)\n",
    "close(ch)",
    "\tclose(done)\n",
    "go func() {}()\n",
    "ch <- 1\n",
    "<-ch",
    "defer close(ch)\n",
    "func g(ch chan int) {\n\tclose(ch)\n\tclose(ch)\n}\n",
    "//gohint:ignore double-close -- fine\n",
    "//gohint:ignore\n",
    "for {\n",
    "for i := 0; i < n; i++ {\n\tclose(ch)\n}\n",
    "if x {\n",
    "} else {\n",
    "select {\ncase <-ch:\n}\n",
    "/*",
    "*/",
    "// comment 😀\n",
    "package p\n",
    "import \"sync\"\n",
    "var mu sync.Mutex\n",
    "type T struct{ ch chan int }\n",
    "func (t *T) m() { close(t.ch); close(t.ch) }\n",
    "return\n",
    "break\n",
    "ch = make(chan int)\n",
    "\"中文 string\"",
    "0x1F",
    "s.mu.RLock()\n",
    "\ts.load()\n",
    "s.mu.Unlock()\n",
];

/// Starting texts: small, with findings, suppressions, non-ASCII and CRLF.
const BASES: &[&str] = &[
    "package p\n\nimport \"sync\"\n\nfunc twice(ch chan int) {\n\tclose(ch)\n\tclose(ch)\n}\n\nfunc loop_(n int) {\n\tdone := make(chan struct{})\n\tfor i := 0; i < n; i++ {\n\t\tclose(done)\n\t}\n}\n\nfunc once(ch chan int) {\n\tvar o sync.Once\n\to.Do(func() { close(ch) })\n}\n",
    "package p\n\n// 日本語 😀 comment\nfunc (s *server) stop(force bool) {\n\tif force {\n\t\tclose(s.quit)\n\t}\n\tclose(s.quit)\n}\n\nfunc branches(ch chan int, fast bool) {\n\tif fast {\n\t\tclose(ch)\n\t} else {\n\t\tclose(ch)\n\t}\n}\n",
    "package p\n\nfunc suppressed(ch chan int) {\n\tclose(ch)\n\t//gohint:ignore double-close -- recovered by the caller\n\tclose(ch)\n}\n\nfunc stale(ch chan int) {\n\t//gohint:ignore double-close -- stale\n\tclose(ch)\n}\n",
    "package p\r\n\r\n// 日本語 😀\r\nfunc f(ch chan int) {\r\n\ts := \"🎉中文\"\r\n\tclose(ch)\r\n\tclose(ch)\r\n\t_ = s\r\n}\r\n",
    "package p\n\nfunc squelch() {\n\tdefer recover()\n}\n\nfunc caller(ch chan int) {\n\tdefer squelch()\n\tclose(ch)\n}\n\nfunc helper() []int { return nil }\n\nfunc user() {\n\tfor _, x := range helper() {\n\t\t_ = x\n\t}\n}\n",
    "package p\n\nimport \"sync\"\n\ntype Store struct {\n\tmu sync.RWMutex\n\tm  map[string]int\n}\n\nfunc (s *Store) Get(k string) int {\n\ts.mu.RLock()\n\tdefer s.mu.RUnlock()\n\tif s.Has(k) {\n\t\treturn s.m[k]\n\t}\n\treturn 0\n}\n\nfunc (s *Store) Has(k string) bool {\n\treturn k != \"\"\n}\n\nfunc (s *Store) load() {\n\ts.mu.RLock()\n\tdefer s.mu.RUnlock()\n\ts.m = nil\n}\n\nfunc (s *Store) Reload() {\n\ts.load()\n}\n\nfunc (s *Store) Put(k string) {\n\ts.mu.Lock()\n\ts.m[k] = 1\n\ts.mu.Unlock()\n}\n",
    "",
];

/// The starting texts: [`BASES`], and the start of every rule's fixture
/// (its first functions, up to about a kilobyte), so that every rule's
/// findings go through incremental updates.
fn bases() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut fixtures: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .map(|text| {
            let ends: Vec<usize> = text.match_indices("\n}\n").map(|(i, _)| i + 3).collect();
            let cut = ends
                .iter()
                .rev()
                .copied()
                .find(|&e| e <= 1000)
                .or(ends.first().copied());
            let cut = cut.unwrap_or(text.len());
            text[..cut].to_string()
        })
        .collect();
    fixtures.sort();
    BASES
        .iter()
        .map(|b| b.to_string())
        .chain(fixtures)
        .collect()
}

/// A random offset of `text` that an LSP position can address: a char
/// boundary, not between `\r` and `\n`.
fn offset(rng: &mut Rng, text: &str) -> usize {
    let mut o = rng.below(text.len() + 1);
    while !text.is_char_boundary(o) {
        o -= 1;
    }
    if o > 0 && text.as_bytes()[o - 1] == b'\r' && text.as_bytes().get(o) == Some(&b'\n') {
        o -= 1;
    }
    o
}

/// One random edit of `text`: (start, end, replacement).
fn edit(rng: &mut Rng, text: &str) -> (usize, usize, String) {
    let start = offset(rng, text);
    let kind = rng.below(100);
    let insert = if kind < 35 {
        String::new()
    } else {
        rng.pick(SNIPPETS).to_string()
    };
    let end = if (35..80).contains(&kind) {
        start
    } else {
        let span = if rng.below(10) == 0 {
            rng.below(200)
        } else {
            1 + rng.below(12)
        };
        let mut e = (start + span).min(text.len());
        while !text.is_char_boundary(e) {
            e += 1;
        }
        if e > 0 && text.as_bytes()[e - 1] == b'\r' && text.as_bytes().get(e) == Some(&b'\n') {
            e += 1;
        }
        e
    };
    (start, end, insert)
}

/// Statements that are valid at the start of a line in a function body.
const STATEMENTS: &[&str] = &[
    "s.load()\n\t",
    "s.mu.RLock()\n\t",
    "_ = s.m\n\t",
    "close(ch)\n\t",
    "x := 1\n\t_ = x\n\t",
    "go func() { close(ch) }()\n\t",
    "// note 😀 中文\n\t",
    "defer close(ch)\n\t",
    "if ch != nil {\n\t\tclose(ch)\n\t}\n\t",
];

/// An edit that usually keeps Go source valid: a statement inserted where
/// one starts or a statement line deleted, a function added after one ends
/// or an added one deleted, or a character typed into a comment. Texts
/// over a few kilobytes shrink.
fn valid_edit(rng: &mut Rng, text: &str) -> Option<(usize, usize, String)> {
    let grow = text.len() < 1200 || rng.below(4) == 0;
    let pick = |rng: &mut Rng, sites: Vec<usize>| sites.get(rng.below(sites.len())).copied();
    match (rng.below(3), grow) {
        (0, true) => {
            let at = pick(
                rng,
                text.match_indices("\n\t").map(|(i, _)| i + 2).collect(),
            )?;
            Some((at, at, rng.pick(STATEMENTS).to_string()))
        }
        (1, true) => {
            let at = pick(
                rng,
                text.match_indices("\n}\n").map(|(i, _)| i + 3).collect(),
            )?;
            let f = format!(
                "\nfunc g{}(ch chan int) {{\n\tclose(ch)\n\tclose(ch)\n}}\n",
                rng.below(1000)
            );
            Some((at, at, f))
        }
        (0, false) => {
            let at = pick(
                rng,
                text.match_indices("\n\tclose(ch)\n")
                    .map(|(i, _)| i + 1)
                    .collect(),
            )?;
            Some((at, at + "\tclose(ch)\n".len(), String::new()))
        }
        (1, false) => {
            let at = pick(
                rng,
                text.match_indices("\nfunc g").map(|(i, _)| i + 1).collect(),
            )?;
            let end = at + text[at..].find("\n}\n")? + 3;
            Some((at, end, String::new()))
        }
        _ => {
            let at = pick(rng, text.match_indices("// ").map(|(i, _)| i + 3).collect())?;
            Some((at, at, rng.pick(&["a", "é", "😀", "中", " "]).to_string()))
        }
    }
}

/// Applies an edit to `text` and queues its LSP change; returns the undo.
fn push_change(
    text: &mut String,
    changes: &mut Vec<Value>,
    (s, e, t): (usize, usize, String),
    utf8: bool,
) -> (usize, usize, String) {
    changes.push(json!({"range": range(text, s, e, utf8), "text": t}));
    let old = text[s..e].to_string();
    text.replace_range(s..e, &t);
    (s, s + t.len(), old)
}

/// The diagnostics a from-scratch analysis gives, as the fields compared.
fn expected(tree: &Tree, text: &str, utf8: bool) -> Vec<Value> {
    analyze_tree(tree, text, &Options::default())
        .iter()
        .filter(|f| f.suppressed.is_none())
        .map(|f| json!({"range": range(text, f.range.start, f.range.end, utf8), "code": f.rule.slug, "message": f.message}))
        .collect()
}

fn compared(diagnostics: &[Value]) -> Vec<Value> {
    diagnostics
        .iter()
        .map(|d| json!({"range": d["range"], "code": d["code"], "message": d["message"]}))
        .collect()
}

/// What one sequence checked.
#[derive(Default)]
struct Stats {
    /// Checks whose text had findings.
    with_findings: usize,
    /// Checks whose text parses without errors.
    valid: usize,
    /// All checks.
    checks: usize,
}

/// Runs one sequence; returns what it checked, or a description of the
/// first mismatch. Each burst is random edits (mostly leaving syntax
/// errors), edits that keep the code valid, or random edits followed by
/// their undo, so both the incremental and the error-recovery paths run.
fn run_sequence(c: &mut Client, seed: u64, utf8: bool) -> Result<Stats, String> {
    let mut rng = Rng(seed);
    let bases = bases();
    let mut text = bases[rng.below(bases.len())].clone();
    let uri = format!("file:///gohint-prop/seq-{seed}.go");
    c.open(&uri, &text);
    let mut version = 1;
    let mut sent = 0;
    let mut stats = Stats::default();
    // Undo edits back to the last text that parsed without errors.
    let mut journal: Vec<(usize, usize, String)> = Vec::new();
    let mut valid = true;
    while sent < EDITS {
        if !valid && rng.below(2) == 0 {
            while let Some(e) = journal.pop() {
                let mut changes = Vec::new();
                push_change(&mut text, &mut changes, e, utf8);
                version += 1;
                c.change(&uri, version, Value::Array(changes));
            }
        }
        let burst = 1 + rng.below(100);
        let mode = rng.below(100);
        let mut undo = Vec::new();
        for _ in 0..burst {
            let mut changes = Vec::new();
            for _ in 0..1 + rng.below(3) {
                let e = match mode {
                    0..40 => valid_edit(&mut rng, &text).unwrap_or_else(|| edit(&mut rng, &text)),
                    _ => edit(&mut rng, &text),
                };
                undo.push(push_change(&mut text, &mut changes, e, utf8));
                sent += 1;
            }
            version += 1;
            c.change(&uri, version, Value::Array(changes));
        }
        if (40..75).contains(&mode) {
            while let Some(e) = undo.pop() {
                let mut changes = Vec::new();
                push_change(&mut text, &mut changes, e, utf8);
                version += 1;
                c.change(&uri, version, Value::Array(changes));
            }
        } else {
            journal.extend(undo);
        }
        let got = compared(&c.diagnostics(&uri, version));
        let tree = c.syntax_tree(&uri);
        let context = || format!("seed {seed} (utf8={utf8}) after {sent} edits, version {version}");
        if tree["text"] != text.as_str() {
            return Err(format!(
                "{}: text differs\nserver: {:?}\nexpected: {text:?}",
                context(),
                tree["text"]
            ));
        }
        let fresh = Analyzer::new().parse(&text, None).expect("parse");
        if tree["tree"] != fresh.root_node().to_sexp().as_str() {
            return Err(format!(
                "{}: tree differs from a fresh parse\ntext: {text:?}",
                context()
            ));
        }
        let want = expected(&fresh, &text, utf8);
        if got != want {
            return Err(format!(
                "{}: diagnostics differ\nserver: {got:#?}\nfresh: {want:#?}\ntext: {text:?}",
                context()
            ));
        }
        stats.checks += 1;
        stats.with_findings += usize::from(!want.is_empty());
        valid = !fresh.root_node().has_error();
        stats.valid += usize::from(valid);
        if valid {
            journal.clear();
        }
    }
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    Ok(stats)
}

#[test]
fn random_incremental_edits_match_a_fresh_parse() {
    let count: u64 = std::env::var("GOHINT_PROP_SEQUENCES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(150);
    let seeds: Vec<u64> = match std::env::var("GOHINT_PROP_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        Some(seed) => vec![seed],
        None => (0..count).map(|i| 0x5EED_0000 + i).collect(),
    };
    let workers: Vec<_> = [false, true]
        .into_iter()
        .map(|utf8| {
            let seeds: Vec<u64> = seeds
                .iter()
                .copied()
                .filter(|s| (s % 2 == 1) == utf8 || seeds.len() == 1)
                .collect();
            std::thread::spawn(move || {
                let mut c = Client::start(capabilities(utf8, true));
                let mut failures = Vec::new();
                let mut total = Stats::default();
                for &seed in &seeds {
                    match run_sequence(&mut c, seed, utf8) {
                        Ok(s) => {
                            total.checks += s.checks;
                            total.valid += s.valid;
                            total.with_findings += s.with_findings;
                        }
                        Err(e) => failures.push(e),
                    }
                    if failures.len() >= 3 {
                        break;
                    }
                }
                assert!(c.stop().success());
                (failures, total)
            })
        })
        .collect();
    let mut failures = Vec::new();
    for worker in workers {
        let (f, total) = worker.join().expect("worker");
        if failures.is_empty() && f.is_empty() && total.checks > 0 {
            assert!(
                total.valid * 4 > total.checks,
                "too few checks on valid code: {} of {}",
                total.valid,
                total.checks
            );
            assert!(
                total.with_findings * 4 > total.checks,
                "too few checks with findings: {} of {}",
                total.with_findings,
                total.checks
            );
        }
        failures.extend(f);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
