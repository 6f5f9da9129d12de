//! The analysis on grammar-shaped Go: a real file of the Go standard
//! library with token ranges deleted, duplicated, copied, moved or swapped,
//! as half-typed code and bad merges look. The first two input bytes pick
//! the file, the third the options, and each further six bytes spell one
//! edit. `GOHINT_FUZZ_GO_SRC` names the tree of Go files (default: the
//! newest `/usr/share/go-*/src`); `GOHINT_FUZZ_SAVE` names a file to write
//! the mutated text to (to turn a finding into a regression test).
#![no_main]

#[path = "../common/analysis.rs"]
mod analysis;

use gohint::analysis::Analyzer;
use libfuzzer_sys::fuzz_target;
use std::collections::HashMap;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

/// Go files of at most this many bytes are used.
const MAX_FILE: u64 = 24 * 1024;
/// Edits applied at most.
const MAX_EDITS: usize = 16;
/// Tokenised files kept in memory at most.
const CACHED: usize = 256;

/// The Go source tree to take files from.
fn root() -> PathBuf {
    if let Some(root) = std::env::var_os("GOHINT_FUZZ_GO_SRC") {
        return PathBuf::from(root);
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/share")
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("go-"))
        .map(|e| e.path().join("src"))
        .filter(|p| p.is_dir())
        .collect();
    found.sort();
    found
        .pop()
        .expect("no Go source tree: set GOHINT_FUZZ_GO_SRC")
}

/// The Go files to mutate, in a fixed order.
fn files() -> &'static [PathBuf] {
    static FILES: OnceLock<Vec<PathBuf>> = OnceLock::new();
    FILES.get_or_init(|| {
        let mut out = Vec::new();
        let mut dirs = vec![root()];
        while let Some(dir) = dirs.pop() {
            for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let path = e.path();
                let name = e.file_name().to_string_lossy().into_owned();
                if path.is_dir() && name != "testdata" {
                    dirs.push(path);
                } else if name.ends_with(".go") && e.metadata().is_ok_and(|m| m.len() <= MAX_FILE) {
                    out.push(path);
                }
            }
        }
        out.sort();
        assert!(!out.is_empty(), "no Go files found");
        out
    })
}

/// A file's text and its tokens, each with the blanks before it (so the
/// tokens concatenated give the text back).
type Tokens = (String, Vec<Range<usize>>);

/// Runs `f` on the text and tokens of file `index`.
fn with_tokens<R>(index: usize, f: impl FnOnce(&str, &[Range<usize>]) -> R) -> R {
    static CACHE: OnceLock<Mutex<HashMap<usize, Tokens>>> = OnceLock::new();
    let mut cache = CACHE
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if cache.len() >= CACHED && !cache.contains_key(&index) {
        cache.clear();
    }
    let (text, tokens) = cache.entry(index).or_insert_with(|| {
        let text = std::fs::read_to_string(&files()[index]).unwrap_or_default();
        let tokens = cut(&text);
        (text, tokens)
    });
    f(text, tokens)
}

/// `text` cut into tokens (the leaves of its syntax tree).
fn cut(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let Ok(tree) = Analyzer::new().parse(text, None) else {
        return out;
    };
    let mut cursor = tree.walk();
    let mut at = 0;
    'walk: loop {
        let node = cursor.node();
        if node.child_count() == 0 && node.end_byte() > at {
            out.push(at..node.end_byte());
            at = node.end_byte();
        }
        if cursor.goto_first_child() {
            continue;
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                break 'walk;
            }
        }
    }
    if at < text.len() {
        out.push(at..text.len());
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let Some((&[lo, hi, opts], ops)) = data.split_first_chunk::<3>() else {
        return;
    };
    let pick = usize::from(u16::from_le_bytes([lo, hi])) % files().len();
    let text = with_tokens(pick, |src, tokens| {
        let mut toks = tokens.to_vec();
        for op in ops.chunks_exact(6).take(MAX_EDITS) {
            let n = toks.len();
            if n == 0 {
                break;
            }
            let a = usize::from(u16::from_le_bytes([op[1], op[2]])) % n;
            let len = (usize::from(op[3]) % 16 + 1).min(n - a);
            let b = usize::from(u16::from_le_bytes([op[4], op[5]])) % n;
            match op[0] % 5 {
                // Delete a token range.
                0 => {
                    toks.drain(a..a + len);
                }
                // Duplicate it in place.
                1 => {
                    let copy = toks[a..a + len].to_vec();
                    toks.splice(a..a, copy);
                }
                // Copy it elsewhere.
                2 => {
                    let copy = toks[a..a + len].to_vec();
                    toks.splice(b..b, copy);
                }
                // Move it elsewhere.
                3 => {
                    let moved: Vec<_> = toks.drain(a..a + len).collect();
                    let at = b.min(toks.len());
                    toks.splice(at..at, moved);
                }
                // Swap two tokens.
                _ => toks.swap(a, b),
            }
        }
        toks.iter().map(|r| &src[r.clone()]).collect::<String>()
    });
    if let Some(path) = std::env::var_os("GOHINT_FUZZ_SAVE") {
        let _ = std::fs::write(path, &text);
    }
    analysis::analyze_and_check(text.as_bytes(), &analysis::options(opts));
});
