//! Report formats of `gohint --check`. Findings arrive here already placed
//! at lines and columns by [`Item::new`], the one conversion point of the CLI.

pub mod json;
pub mod text;

use crate::analysis::Finding;
use crate::rules::{Rule, Severity};
use crate::text::{Encoding, LineIndex};

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
    /// 1-based start line.
    pub line: usize,
    /// 1-based start column, in UTF-8 bytes.
    pub column: usize,
    /// 1-based end line.
    pub end_line: usize,
    /// 1-based end column (exclusive), in UTF-8 bytes.
    pub end_column: usize,
    /// 1-based start column in UTF-16 code units (for SARIF and editors).
    pub column_utf16: usize,
    /// 1-based end column in UTF-16 code units.
    pub end_column_utf16: usize,
    /// The text of the start line, without its line ending.
    pub source_line: String,
    /// The suppression reason when a `//gohint:ignore` silenced it.
    pub suppressed: Option<String>,
    /// Secondary locations: 1-based line, 1-based UTF-8 column, message.
    pub related: Vec<(usize, usize, String)>,
}

impl Item {
    /// Places `finding` of file `path` with text `src` and its `index`.
    pub fn new(path: &str, src: &str, index: &LineIndex, finding: &Finding) -> Item {
        let start = index.position(src, finding.range.start, Encoding::Utf8);
        let end = index.position(src, finding.range.end, Encoding::Utf8);
        let start16 = index.position(src, finding.range.start, Encoding::Utf16);
        let end16 = index.position(src, finding.range.end, Encoding::Utf16);
        let line_range = index.line_range(src, start.line);
        Item {
            path: path.to_string(),
            rule: finding.rule,
            severity: finding.severity,
            message: finding.message.clone(),
            line: start.line as usize + 1,
            column: start.col as usize + 1,
            end_line: end.line as usize + 1,
            end_column: end.col as usize + 1,
            column_utf16: start16.col as usize + 1,
            end_column_utf16: end16.col as usize + 1,
            source_line: src.get(line_range).unwrap_or("").to_string(),
            suppressed: finding.suppressed.clone(),
            related: finding
                .related
                .iter()
                .map(|r| {
                    let at = index.position(src, r.range.start, Encoding::Utf8);
                    (at.line as usize + 1, at.col as usize + 1, r.message.clone())
                })
                .collect(),
        }
    }

    /// The corpus question text the finding cites.
    pub fn question(&self) -> &'static str {
        crate::explain::question_of(self.rule).map_or("", |q| q.question.as_str())
    }
}
