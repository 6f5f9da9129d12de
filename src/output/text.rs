//! `--format text`: rustc-like findings with the source line, a caret span,
//! why it matters and the corpus question to learn from.

use super::escape::control;
use super::{Item, Report, Totals};
use crate::analysis::Severity;
use std::fmt::Write as _;
use std::io::{self, Write};

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

/// A piece of a source line as shown: tabs as four spaces, control
/// characters escaped.
fn shown(text: &str) -> String {
    control(&text.replace('\t', "    ")).into_owned()
}

/// One finding in text form. The path, the message and the source line are
/// shown with their control characters escaped.
pub fn item(item: &Item, style: Style) -> String {
    let mut out = String::new();
    let at = &item.span;
    let path = control(&item.path);
    let _ = writeln!(
        out,
        "{}: {}{}: {}",
        style.paint("1", &format!("{path}:{}:{}", at.line, at.column)),
        style.severity(item.severity),
        style.paint("1", &format!("[{}]", item.rule.slug)),
        control(&item.message)
    );
    let gutter = at.line.to_string().len();
    let pad = " ".repeat(gutter);
    let source = &item.source;
    let (lead, tail) = (
        if source.more_before { "…" } else { "" },
        if source.more_after { "…" } else { "" },
    );
    let line = format!("{lead}{}{tail}", shown(&source.text));
    let column = (at.column - 1).saturating_sub(source.offset);
    let before = source.text.get(..column).unwrap_or("");
    let caret_start = cells(lead) + cells(&shown(before));
    let span_end = if at.end_line == at.line {
        (at.end_column - 1).saturating_sub(source.offset)
    } else {
        source.text.len()
    };
    let span = source
        .text
        .get(column..span_end.min(source.text.len()))
        .unwrap_or("");
    let width = cells(&shown(span)).max(1);
    let bar = style.paint("1;34", "|");
    let _ = writeln!(out, "{pad} {bar}");
    let _ = writeln!(
        out,
        "{} {bar} {line}",
        style.paint("1;34", &at.line.to_string())
    );
    let _ = writeln!(
        out,
        "{pad} {bar} {}{}",
        " ".repeat(caret_start),
        style.paint("1;31", &"^".repeat(width))
    );
    let eq = style.paint("1;34", "=");
    for r in &item.related {
        let _ = writeln!(
            out,
            "{pad} {eq} note: {} at {}:{}:{}",
            control(&r.message),
            control(&r.path),
            r.span.line,
            r.span.column
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
pub fn summary(totals: &Totals) -> String {
    let files = totals.files;
    let parts: Vec<String> = Severity::ALL
        .iter()
        .rev()
        .map(|&s| (s, totals.by_severity[s as usize]))
        .filter(|&(_, n)| n > 0)
        .map(|(s, n)| format!("{n} {}", s.name()))
        .collect();
    let mut out = if parts.is_empty() {
        format!("gohint: no findings in {files} files")
    } else {
        format!(
            "gohint: {} findings ({}) in {files} files",
            totals.reported(),
            parts.join(", ")
        )
    };
    if totals.baselined > 0 {
        let _ = write!(out, "; {} more already in the baseline", totals.baselined);
    }
    out
}

/// The `text` report: findings only; the summary goes to the terminal.
#[derive(Debug)]
pub struct Text {
    /// How to paint.
    pub style: Style,
}

impl Report for Text {
    fn begin(&mut self, _: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }

    fn item(&mut self, out: &mut dyn Write, i: &Item) -> io::Result<()> {
        writeln!(out, "{}", item(i, self.style))
    }

    fn end(&mut self, _: &mut dyn Write, _: &Totals) -> io::Result<()> {
        Ok(())
    }
}

/// The terminal cells `text` takes: a tab as four, wide (CJK, emoji)
/// characters as two, combining marks as none.
fn cells(text: &str) -> usize {
    text.chars()
        .map(|c| {
            if c == '\t' {
                4
            } else {
                unicode_width::UnicodeWidthChar::width(c).unwrap_or(0)
            }
        })
        .sum()
}
