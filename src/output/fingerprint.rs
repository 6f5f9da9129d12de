//! Identifying a finding without its line number: a stable hash of the
//! flagged line's normalised text, alone and with its nearest non-blank
//! neighbours. Baselines, SARIF `partialFingerprints` and GitLab fingerprints
//! use it, so edits elsewhere in a file do not change a finding's identity.

use crate::text::LineIndex;
use std::collections::HashMap;

/// How far to look for a non-blank neighbour line.
const NEIGHBOUR_REACH: u32 = 32;

/// A 64-bit FNV-1a hash: stable across runs, machines and Rust releases.
pub fn stable_hash(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A finding's line, hashed two ways.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Fingerprint {
    /// Hash of the line's normalised text.
    pub line: u64,
    /// Hash of the line's normalised text with its nearest non-blank
    /// neighbours above and below.
    pub context: u64,
}

impl Fingerprint {
    /// The fingerprint of zero-based `line` of `src`.
    pub fn new(src: &str, index: &LineIndex, line: usize) -> Fingerprint {
        let text = |l: u32| normalise(src.get(index.line_range(src, l)).unwrap_or(""));
        let line = line as u32;
        let this = text(line);
        let above = (line.saturating_sub(NEIGHBOUR_REACH)..line)
            .rev()
            .map(text)
            .find(|t| !t.is_empty())
            .unwrap_or_default();
        let last = (index.line_count() as u32).min(line.saturating_add(NEIGHBOUR_REACH + 1));
        let below = (line + 1..last)
            .map(text)
            .find(|t| !t.is_empty())
            .unwrap_or_default();
        Fingerprint {
            line: stable_hash(this.as_bytes()),
            context: stable_hash(format!("{above}\n{this}\n{below}").as_bytes()),
        }
    }
}

/// `line` with surrounding blanks removed and inner runs of blanks collapsed
/// to one space, so re-indenting does not change it.
fn normalise(line: &str) -> String {
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Numbers findings that share a file, rule and fingerprint, so that
/// identical findings still get distinct fingerprints. Expects the findings
/// grouped by file, as reports stream them.
#[derive(Debug, Default)]
pub struct Occurrences {
    path: String,
    seen: HashMap<(&'static str, u64), u32>,
}

impl Occurrences {
    /// The 0-based occurrence of this (rule, context) in the file `path`.
    pub fn next(&mut self, path: &str, rule: &'static str, fingerprint: Fingerprint) -> u32 {
        if self.path != path {
            self.path = path.to_string();
            self.seen.clear();
        }
        let n = self.seen.entry((rule, fingerprint.context)).or_insert(0);
        *n += 1;
        *n - 1
    }
}
