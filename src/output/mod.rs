//! Report formats of `gohint --check`. Findings arrive here already placed
//! at lines and columns by [`Item::new`], the one conversion point of the CLI,
//! and each format streams them through the [`Report`] trait: one finding at
//! a time, so memory stays flat however many files are checked.

pub mod atomic;
pub mod escape;
pub mod fingerprint;
pub mod github;
pub mod gitlab;
pub mod json;
pub mod jsonl;
pub mod paths;
pub mod sarif;
pub mod text;

use crate::analysis::Finding;
use crate::analysis::{Rule, Severity};
use crate::text::{Encoding, LineIndex};
use fingerprint::Fingerprint;
use std::io::{self, Write};
use std::ops::Range;

/// Where a span starts and ends: 1-based lines, 1-based columns in UTF-8
/// bytes and in UTF-16 code units; the end column is exclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    /// 1-based start line.
    pub line: usize,
    /// 1-based start column, in UTF-8 bytes.
    pub column: usize,
    /// 1-based end line.
    pub end_line: usize,
    /// 1-based end column (exclusive), in UTF-8 bytes.
    pub end_column: usize,
    /// 1-based start column in UTF-16 code units (SARIF, editors).
    pub column_utf16: usize,
    /// 1-based end column (exclusive) in UTF-16 code units.
    pub end_column_utf16: usize,
}

impl Span {
    /// Places byte `range` of `src`.
    pub fn new(src: &str, index: &LineIndex, range: &Range<usize>) -> Span {
        let start = index.position(src, range.start, Encoding::Utf8);
        let end = index.position(src, range.end, Encoding::Utf8);
        let start16 = index.position(src, range.start, Encoding::Utf16);
        let end16 = index.position(src, range.end, Encoding::Utf16);
        Span {
            line: start.line as usize + 1,
            column: start.col as usize + 1,
            end_line: end.line as usize + 1,
            end_column: end.col as usize + 1,
            column_utf16: start16.col as usize + 1,
            end_column_utf16: end16.col as usize + 1,
        }
    }
}

/// Why a finding is not reported although a rule found it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Suppression {
    /// A `//gohint:ignore` comment silenced it; the reason it gives.
    InSource(String),
    /// A baseline file (named here) records it.
    Baseline(String),
}

/// A secondary location of a finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RelatedItem {
    /// The file it is in: the finding's, or another file of its package.
    pub path: String,
    /// Where it is in that file.
    pub span: Span,
    /// What is there.
    pub message: String,
}

/// Lines longer than this many bytes are shown around the span only, so a
/// 1 MB line is not copied into every finding on it nor printed whole.
const LONG_LINE: usize = 240;

/// Bytes of a long line shown before the span.
const LEAD: usize = 60;

/// The part of a flagged line that reports show, without its line ending.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Excerpt {
    /// The text shown.
    pub text: String,
    /// Byte column of the line where `text` starts (0 unless clipped).
    pub offset: usize,
    /// Whether the line goes on before `text`.
    pub more_before: bool,
    /// Whether the line goes on after `text`.
    pub more_after: bool,
}

impl Excerpt {
    /// The excerpt of `line` around 0-based byte column `column`: the whole
    /// line unless it is long.
    pub fn new(line: &str, column: usize) -> Excerpt {
        if line.len() <= LONG_LINE {
            return Excerpt {
                text: line.to_string(),
                offset: 0,
                more_before: false,
                more_after: false,
            };
        }
        let mut start = column.saturating_sub(LEAD).min(line.len());
        while !line.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = (start + LONG_LINE).min(line.len());
        while !line.is_char_boundary(end) {
            end -= 1;
        }
        Excerpt {
            text: line[start..end].to_string(),
            offset: start,
            more_before: start > 0,
            more_after: end < line.len(),
        }
    }
}

/// One finding, positioned for people and tools.
#[derive(Clone, Debug)]
pub struct Item {
    /// The file's path as the user named it (`/`-separated).
    pub path: String,
    /// The rule.
    pub rule: &'static Rule,
    /// The effective severity.
    pub severity: Severity,
    /// The message.
    pub message: String,
    /// The flagged span.
    pub span: Span,
    /// The start line's text, or the part of it around the span.
    pub source: Excerpt,
    /// Identifies the flagged line by its text and its neighbours' (for
    /// baselines and fingerprints that survive edits elsewhere).
    pub fingerprint: Fingerprint,
    /// Why it is silenced, when it is.
    pub suppressed: Option<Suppression>,
    /// Secondary locations.
    pub related: Vec<RelatedItem>,
}

impl Item {
    /// Places `finding` of file `path` with text `src` and its `index`.
    /// A related location in another file of the package is placed in the
    /// text `other` gives for that file's name, and left out when it gives
    /// none.
    pub fn new(
        path: &str,
        src: &str,
        index: &LineIndex,
        finding: &Finding,
        other: &dyn Fn(&str) -> Option<String>,
    ) -> Item {
        let span = Span::new(src, index, &finding.range);
        let line_range = index.line_range(src, span.line as u32 - 1);
        Item {
            path: path.to_string(),
            rule: finding.rule,
            severity: finding.severity,
            message: finding.message.clone(),
            span,
            source: Excerpt::new(src.get(line_range).unwrap_or(""), span.column - 1),
            fingerprint: Fingerprint::new(src, index, span.line - 1),
            suppressed: finding.suppressed.clone().map(Suppression::InSource),
            related: finding
                .related
                .iter()
                .filter_map(|r| {
                    let span = match &r.file {
                        None => Span::new(src, index, &r.range),
                        Some(file) => {
                            let text = other(file)?;
                            Span::new(&text, &LineIndex::new(&text), &r.range)
                        }
                    };
                    Some(RelatedItem {
                        path: r.file.as_deref().unwrap_or(path).to_string(),
                        span,
                        message: r.message.clone(),
                    })
                })
                .collect(),
        }
    }

    /// The corpus question text the finding cites.
    pub fn question(&self) -> &'static str {
        crate::explain::question_of(self.rule).map_or("", |q| q.question.as_str())
    }
}

/// What a run amounts to, for summaries and report trailers.
#[derive(Clone, Debug, Default)]
pub struct Totals {
    /// Files analysed.
    pub files: usize,
    /// Reported findings per severity, indexed by `Severity as usize`.
    pub by_severity: [usize; 4],
    /// Findings silenced by `//gohint:ignore`.
    pub suppressed: usize,
    /// Findings already recorded in the baseline.
    pub baselined: usize,
    /// Files that could not be analysed: path and why.
    pub failures: Vec<(String, String)>,
}

impl Totals {
    /// Counts one finding.
    pub fn count(&mut self, item: &Item) {
        match item.suppressed {
            None => self.by_severity[item.severity as usize] += 1,
            Some(Suppression::InSource(_)) => self.suppressed += 1,
            Some(Suppression::Baseline(_)) => self.baselined += 1,
        }
    }

    /// Reported findings of every severity.
    pub fn reported(&self) -> usize {
        self.by_severity.iter().sum()
    }

    /// Whether a reported finding is at or above `threshold`.
    pub fn any_at_least(&self, threshold: Severity) -> bool {
        Severity::ALL
            .iter()
            .any(|&s| s >= threshold && self.by_severity[s as usize] > 0)
    }
}

/// A report format, written as the findings stream in (sorted by path,
/// then position).
pub trait Report {
    /// Writes what precedes the findings.
    fn begin(&mut self, out: &mut dyn Write) -> io::Result<()>;
    /// Writes one finding.
    fn item(&mut self, out: &mut dyn Write, item: &Item) -> io::Result<()>;
    /// Writes what follows the findings.
    fn end(&mut self, out: &mut dyn Write, totals: &Totals) -> io::Result<()>;
    /// Whether silenced findings belong in the report (SARIF records them
    /// with their suppression; other formats leave them out).
    fn keeps_suppressed(&self) -> bool {
        false
    }
}
