//! `--format github`: GitHub Actions workflow commands, which the runner turns
//! into annotations on the pull request's diff. Columns count UTF-16 code
//! units, as the web page that shows them does.

use super::{Item, Report, Totals};
use crate::analysis::Severity;
use std::io::{self, Write};

/// The annotation command for a severity.
fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Hint => "notice",
    }
}

/// Escapes a command's message.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command property's value.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// One finding as a workflow command.
pub fn item(item: &Item) -> String {
    let at = &item.span;
    let message = format!(
        "{}\n\nwhy: {}\nlearn: {} (gohint --explain {})",
        item.message,
        item.rule.why,
        item.question(),
        item.rule.slug
    );
    format!(
        "::{} file={},line={},col={},endLine={},endColumn={},title={}::{}",
        command(item.severity),
        escape_property(&item.path),
        at.line,
        at.column_utf16,
        at.end_line,
        at.end_column_utf16,
        escape_property(&format!("gohint({})", item.rule.slug)),
        escape_data(&message)
    )
}

/// The `github` report.
#[derive(Debug, Default)]
pub struct Github;

impl Report for Github {
    fn begin(&mut self, _: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }

    fn item(&mut self, out: &mut dyn Write, i: &Item) -> io::Result<()> {
        writeln!(out, "{}", item(i))
    }

    fn end(&mut self, _: &mut dyn Write, _: &Totals) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_follow_the_workflow_command_rules() {
        assert_eq!(escape_data("50%\r\nok: a,b"), "50%25%0D%0Aok: a,b");
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
    }
}
