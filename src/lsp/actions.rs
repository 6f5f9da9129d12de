//! Code actions, built from the diagnostics the client sends back: the
//! rule's quick fix, "Ignore <slug> on this line", and "Explain <slug>".

use super::diagnostics::{Data, SOURCE};
use std::collections::HashMap;
use tower_lsp_server::ls_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, Command, Diagnostic, NumberOrString, TextEdit,
    Uri, WorkspaceEdit,
};

/// The command that returns a rule's or question's explanation as markdown.
pub const EXPLAIN: &str = "gohint.explain";

/// The command that lists the corpus concepts of a document with their ranges.
pub const CONCEPTS_IN_FILE: &str = "gohint.conceptsInFile";

/// The code actions for gohint's `diagnostics` of the document at `uri`,
/// limited to the kinds in `only` when the client asks.
pub fn actions(
    uri: &Uri,
    diagnostics: &[Diagnostic],
    only: Option<&[CodeActionKind]>,
) -> Vec<CodeActionOrCommand> {
    let wanted = |kind: &CodeActionKind| {
        only.is_none_or(|kinds| {
            kinds.iter().any(|k| {
                kind.as_str() == k.as_str()
                    || kind.as_str().starts_with(&format!("{}.", k.as_str()))
            })
        })
    };
    if !wanted(&CodeActionKind::QUICKFIX) {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut explained: Vec<String> = Vec::new();
    for d in diagnostics
        .iter()
        .filter(|d| d.source.as_deref() == Some(SOURCE))
    {
        let Some(NumberOrString::String(slug)) = &d.code else {
            continue;
        };
        let data: Data = d
            .data
            .clone()
            .and_then(|v| serde_json::from_value(v).ok())
            .unwrap_or_default();
        if let Some(fix) = data.fix {
            out.push(edit_action(uri, d, fix.title, fix.edits, fix.is_preferred));
        }
        if let Some(ignore) = data.ignore {
            out.push(edit_action(
                uri,
                d,
                format!("Ignore {slug} on this line"),
                vec![ignore],
                false,
            ));
        }
        if !explained.contains(slug) {
            explained.push(slug.clone());
            let title = format!("Explain {slug}");
            out.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: title.clone(),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![d.clone()]),
                command: Some(Command::new(
                    title,
                    EXPLAIN.to_string(),
                    Some(vec![slug.clone().into()]),
                )),
                ..CodeAction::default()
            }));
        }
    }
    out
}

/// A quick fix that applies `edits` to the document.
fn edit_action(
    uri: &Uri,
    d: &Diagnostic,
    title: String,
    edits: Vec<TextEdit>,
    preferred: bool,
) -> CodeActionOrCommand {
    CodeActionOrCommand::CodeAction(CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![d.clone()]),
        edit: Some(WorkspaceEdit::new(HashMap::from([(uri.clone(), edits)]))),
        is_preferred: Some(preferred),
        ..CodeAction::default()
    })
}
