//! What a rule reports.

use super::{Rule, Severity};
use std::ops::Range;
use std::sync::Arc;

/// One reported problem, positioned by byte offsets into the source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// The rule that reported it.
    pub rule: &'static Rule,
    /// Its severity (the rule's default unless configuration changed it).
    pub severity: Severity,
    /// The flagged span.
    pub range: Range<usize>,
    /// What is wrong, for this occurrence.
    pub message: String,
    /// Other places that explain it (e.g. the first `close` of a double close).
    pub related: Vec<Related>,
    /// A mechanical fix, when there is one.
    pub fix: Option<Fix>,
    /// Set when a `//gohint:ignore` comment silences it: the reason given.
    pub suppressed: Option<String>,
}

/// A secondary location of a finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    /// The span: byte offsets into `file`'s text.
    pub range: Range<usize>,
    /// What is there.
    pub message: String,
    /// Another file of the package, as the caller named it; `None` for
    /// the file the finding is in.
    pub file: Option<Arc<str>>,
}

/// A mechanical fix: text edits that resolve a finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// What the fix does, as a code-action title.
    pub title: String,
    /// The edits, non-overlapping, in any order.
    pub edits: Vec<Edit>,
    /// Whether the fix is safe to apply without review.
    pub preferred: bool,
}

/// Replace `range` of the source with `text`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    /// The byte range to replace.
    pub range: Range<usize>,
    /// The replacement.
    pub text: String,
}

impl Finding {
    /// A finding of `rule` over `range` with the rule's default message.
    pub fn new(rule: &'static Rule, range: Range<usize>) -> Self {
        Finding {
            rule,
            severity: rule.severity,
            range,
            message: rule.message.to_string(),
            related: Vec::new(),
            fix: None,
            suppressed: None,
        }
    }

    /// Replaces the message.
    pub fn message(mut self, message: impl Into<String>) -> Self {
        self.message = message.into();
        self
    }

    /// Adds a related location.
    pub fn related(mut self, range: Range<usize>, message: impl Into<String>) -> Self {
        self.related.push(Related {
            range,
            message: message.into(),
            file: None,
        });
        self
    }

    /// Adds a secondary location in `file` (another file of the package
    /// when `Some`).
    pub fn related_in(
        mut self,
        file: Option<Arc<str>>,
        range: Range<usize>,
        message: impl Into<String>,
    ) -> Self {
        self.related.push(Related {
            range,
            message: message.into(),
            file,
        });
        self
    }

    /// Attaches a fix.
    pub fn fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }
}

impl Fix {
    /// A fix made of one edit.
    pub fn single(
        title: impl Into<String>,
        range: Range<usize>,
        text: impl Into<String>,
        preferred: bool,
    ) -> Self {
        Fix {
            title: title.into(),
            edits: vec![Edit {
                range,
                text: text.into(),
            }],
            preferred,
        }
    }
}

impl Edit {
    /// Deletes statement `stmt`: its whole line(s) when nothing else is on
    /// them, else just the statement.
    pub fn delete_statement(stmt: tree_sitter::Node<'_>, src: &str) -> Edit {
        let bytes = src.as_bytes();
        let mut start = stmt.start_byte();
        let mut end = stmt.end_byte();
        // A node that ends with its line's terminator ends before it.
        while end > start && matches!(bytes[end - 1], b'\n' | b'\r') {
            end -= 1;
        }
        let line_start = bytes[..start]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1);
        let line_end = bytes[end..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |p| end + p + 1);
        let blank = |r: &[u8]| r.iter().all(|b| b.is_ascii_whitespace());
        if blank(&bytes[line_start..start]) && blank(&bytes[end..line_end]) {
            start = line_start;
            end = line_end;
        }
        Edit {
            range: start..end,
            text: String::new(),
        }
    }
}
