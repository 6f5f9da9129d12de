//! `--format text`: rustc-like findings with the source line, a caret span,
//! why it matters and the corpus question to learn from.

use super::Item;
use crate::rules::Severity;
use std::fmt::Write;

/// Colours for terminals; `plain` prints none.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    /// Whether to emit ANSI colour codes.
    pub color: bool,
}

impl Style {
    fn paint(&self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }

    fn severity(&self, sev: Severity) -> String {
        let code = match sev {
            Severity::Error => "1;31",
            Severity::Warning => "1;33",
            Severity::Info => "1;36",
            Severity::Hint => "1;32",
        };
        self.paint(code, sev.name())
    }
}

/// One finding in text form.
pub fn item(item: &Item, style: Style) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}: {}{}: {}",
        style.paint("1", &format!("{}:{}:{}", item.path, item.line, item.column)),
        style.severity(item.severity),
        style.paint("1", &format!("[{}]", item.rule.slug)),
        item.message
    );
    let gutter = item.line.to_string().len();
    let pad = " ".repeat(gutter);
    let line = item.source_line.replace('\t', "    ");
    let before = item.source_line.get(..item.column - 1).unwrap_or("");
    let caret_start = before
        .chars()
        .map(|c| if c == '\t' { 4 } else { 1 })
        .sum::<usize>();
    let span_end = if item.end_line == item.line {
        item.end_column
    } else {
        item.source_line.len() + 1
    };
    let span = item
        .source_line
        .get(item.column - 1..span_end.saturating_sub(1))
        .unwrap_or("");
    let width = span
        .chars()
        .map(|c| if c == '\t' { 4 } else { 1 })
        .sum::<usize>()
        .max(1);
    let bar = style.paint("1;34", "|");
    let _ = writeln!(out, "{pad} {bar}");
    let _ = writeln!(
        out,
        "{} {bar} {line}",
        style.paint("1;34", &item.line.to_string())
    );
    let _ = writeln!(
        out,
        "{pad} {bar} {}{}",
        " ".repeat(caret_start),
        style.paint("1;31", &"^".repeat(width))
    );
    let eq = style.paint("1;34", "=");
    for (line, col, message) in &item.related {
        let _ = writeln!(
            out,
            "{pad} {eq} note: {message} at {}:{line}:{col}",
            item.path
        );
    }
    let _ = writeln!(out, "{pad} {eq} why: {}", item.rule.why);
    let _ = writeln!(
        out,
        "{pad} {eq} learn: {} (gohint --explain {})",
        item.question(),
        item.rule.slug
    );
    out
}

/// The closing summary line.
pub fn summary(items: &[Item], files: usize) -> String {
    let count = |s: Severity| items.iter().filter(|i| i.severity == s).count();
    let parts: Vec<String> = Severity::ALL
        .iter()
        .rev()
        .filter(|&&s| count(s) > 0)
        .map(|&s| format!("{} {}", count(s), s.name()))
        .collect();
    if items.is_empty() {
        format!("gohint: no findings in {files} files")
    } else {
        format!(
            "gohint: {} findings ({}) in {files} files",
            items.len(),
            parts.join(", ")
        )
    }
}
