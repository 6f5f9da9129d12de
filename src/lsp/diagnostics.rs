//! Findings as LSP diagnostics. Each diagnostic carries its quick fix and
//! its "ignore on this line" edit in `data`, already in LSP positions, so
//! code actions need no lookup.

use super::limits::Limits;
use super::positions::Converter;
use crate::analysis::Finding;
use crate::analysis::{unused_ignore, Severity};
use crate::config;
use crate::text::LineIndex;
use serde::{Deserialize, Serialize};
use std::str::FromStr;
use tower_lsp_server::ls_types::{
    CodeDescription, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, DiagnosticTag,
    Location, NumberOrString, Range, TextEdit, Uri,
};

/// The `source` of every diagnostic.
pub const SOURCE: &str = "gohint";

/// What a diagnostic's `data` holds.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Data {
    /// The rule's mechanical fix, if it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix: Option<FixData>,
    /// The edit that adds a `//gohint:ignore` comment above the line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ignore: Option<TextEdit>,
}

/// A fix, positioned.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FixData {
    /// The code action title.
    pub title: String,
    /// Whether it is safe to apply without review.
    pub is_preferred: bool,
    /// The edits.
    pub edits: Vec<TextEdit>,
}

/// The reason written into a new `//gohint:ignore` comment, for the user to replace.
pub const IGNORE_REASON: &str = "TODO: explain why this is safe";

/// The LSP severity of a gohint severity.
fn severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
        Severity::Hint => DiagnosticSeverity::HINT,
    }
}

/// The diagnostics of a document's unsuppressed findings, in position
/// order, at most `maxDiagnostics` of them: past the cap, one more
/// diagnostic, where the first finding left out starts, says how many were
/// left out and which setting shows them.
pub fn convert(
    findings: &[Finding],
    at: &Converter<'_>,
    uri: &Uri,
    docs_base_url: &str,
    limits: &Limits,
    other: &dyn Fn(&str) -> Option<String>,
) -> Vec<Diagnostic> {
    let shown: Vec<&Finding> = findings.iter().filter(|f| f.suppressed.is_none()).collect();
    let kept = limits.max_diagnostics.cap(shown.len());
    let mut out: Vec<Diagnostic> = shown[..kept]
        .iter()
        .map(|f| diagnostic(f, at, uri, docs_base_url, other))
        .collect();
    if let Some(first_hidden) = shown.get(kept) {
        let start = at.position(first_hidden.range.start);
        out.push(notice(
            Range::new(start, start),
            limits.capped(shown.len() - kept, shown.len()),
        ));
    }
    out
}

/// A diagnostic about the server itself rather than a finding: no code, no
/// actions.
pub fn notice(range: Range, message: String) -> Diagnostic {
    Diagnostic {
        range,
        severity: Some(DiagnosticSeverity::INFORMATION),
        source: Some(SOURCE.to_string()),
        message,
        ..Diagnostic::default()
    }
}

/// One finding as a diagnostic.
fn diagnostic(
    f: &Finding,
    at: &Converter<'_>,
    uri: &Uri,
    docs_base_url: &str,
    other: &dyn Fn(&str) -> Option<String>,
) -> Diagnostic {
    let slug = f.rule.slug;
    let related: Vec<DiagnosticRelatedInformation> = f
        .related
        .iter()
        .filter_map(|r| {
            let location = match &r.file {
                None => Location::new(uri.clone(), at.range(&r.range)),
                // In another file of the package: placed in its text.
                Some(name) => {
                    let text = other(name)?;
                    let index = LineIndex::new(&text);
                    let there = Converter::new(&text, &index, at.encoding());
                    Location::new(Uri::from_file_path(&**name)?, there.range(&r.range))
                }
            };
            Some(DiagnosticRelatedInformation {
                location,
                message: r.message.clone(),
            })
        })
        .collect();
    let fix = f.fix.as_ref().map(|fix| FixData {
        title: fix.title.clone(),
        is_preferred: fix.preferred,
        edits: fix
            .edits
            .iter()
            .map(|e| TextEdit::new(at.range(&e.range), e.text.clone()))
            .collect(),
    });
    let unused_ignore = slug == unused_ignore::RULE.slug;
    let data = Data {
        fix,
        ignore: (!unused_ignore).then(|| ignore_edit(slug, f.range.start, at)),
    };
    Diagnostic {
        range: at.range(&f.range),
        severity: Some(severity(f.severity)),
        code: Some(NumberOrString::String(slug.to_string())),
        code_description: Uri::from_str(&config::docs_url(docs_base_url, slug))
            .ok()
            .map(|href| CodeDescription { href }),
        source: Some(SOURCE.to_string()),
        message: f.message.clone(),
        related_information: (!related.is_empty()).then_some(related),
        tags: unused_ignore.then(|| vec![DiagnosticTag::UNNECESSARY]),
        data: serde_json::to_value(data).ok(),
    }
}

/// Inserts `//gohint:ignore <slug> -- <placeholder>` on its own line above
/// the line holding `offset`, indented like it.
fn ignore_edit(slug: &str, offset: usize, at: &Converter<'_>) -> TextEdit {
    let line_start = at.line_start(offset);
    let line = at.line_text(offset);
    let indent: String = line
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let newline = if at.line_ends_with_crlf(offset) {
        "\r\n"
    } else {
        "\n"
    };
    let position = at.position(line_start);
    TextEdit::new(
        Range::new(position, position),
        format!("{indent}//gohint:ignore {slug} -- {IGNORE_REASON}{newline}"),
    )
}
