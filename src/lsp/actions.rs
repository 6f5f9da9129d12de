//! Code actions for the diagnostics the client sends back: the rule's
//! quick fix, "Ignore <slug> on this line", and "Explain <slug>". Edits come
//! from the server's own diagnostics of the current text (never from what
//! the client sends), stamped with its version, so a fix for an older text
//! is not offered and one applied after more typing is refused by the
//! client instead of landing at stale positions. Asked for explicitly on a
//! construct the corpus explains, also "Quiz me on this", whose command
//! returns one quiz question on it.

use super::diagnostics::{Data, SOURCE};
use crate::concepts::Concept;
use serde_json::{json, Value};
use tower_lsp_server::ls_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, Command, Diagnostic, DocumentChanges,
    NumberOrString, OneOf, OptionalVersionedTextDocumentIdentifier, TextDocumentEdit, TextEdit,
    Uri, WorkspaceEdit,
};

/// The command that returns a rule's or question's explanation as markdown.
pub const EXPLAIN: &str = "gohint.explain";

/// The command that lists the corpus concepts of a document with their ranges.
pub const CONCEPTS_IN_FILE: &str = "gohint.conceptsInFile";

/// The command that returns one quiz question on a concept or corpus question.
pub const QUIZ: &str = "gohint.quiz";

/// The kind of the "Quiz me on this" action: a quick fix's, so that the
/// clients' Quick Fix menus (which ask for those only) list it.
pub const QUIZ_KIND: &str = "quickfix.gohint.quiz";

/// The argument of [`EXPLAIN`] that asks the server to show the
/// explanation itself (`window/showDocument`, else `window/showMessage`).
pub const SHOW: &str = "show";

/// The server's diagnostics of the current text of a document.
pub struct Current<'a> {
    /// The client's version of the text.
    pub version: i32,
    /// Its diagnostics, as published.
    pub diagnostics: &'a [Diagnostic],
}

/// The code actions for gohint's `diagnostics` of the document at `uri`,
/// limited to the kinds in `only` when the client asks. Edits are offered
/// only for diagnostics of the `current` text; "Explain" only for known
/// rules, and it asks the server to show the explanation unless the client
/// runs [`EXPLAIN`] itself (`client_explains`).
pub fn actions(
    uri: &Uri,
    diagnostics: &[Diagnostic],
    only: Option<&[CodeActionKind]>,
    current: Option<&Current<'_>>,
    client_explains: bool,
) -> Vec<CodeActionOrCommand> {
    if !wanted(only, &CodeActionKind::QUICKFIX) {
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
        if crate::rules::CATALOGUE.find(slug).is_none() {
            continue;
        }
        let ours = current.and_then(|c| {
            c.diagnostics
                .iter()
                .find(|s| s.range == d.range && s.code == d.code && s.message == d.message)
                .map(|s| (c.version, s))
        });
        if let Some((version, ours)) = ours {
            let data: Data = ours
                .data
                .clone()
                .and_then(|v| serde_json::from_value(v).ok())
                .unwrap_or_default();
            if let Some(fix) = data.fix {
                out.push(edit_action(
                    uri,
                    version,
                    d,
                    fix.title,
                    fix.edits,
                    fix.is_preferred,
                ));
            }
            if let Some(ignore) = data.ignore {
                out.push(edit_action(
                    uri,
                    version,
                    d,
                    format!("Ignore {slug} on this line"),
                    vec![ignore],
                    false,
                ));
            }
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
                    Some(if client_explains {
                        vec![slug.clone().into()]
                    } else {
                        vec![slug.clone().into(), json!({ SHOW: true, "uri": uri })]
                    }),
                )),
                ..CodeAction::default()
            }));
        }
    }
    out
}

/// Whether a client that asks for the kinds `only` (all when `None`) wants
/// actions of `kind`.
pub fn wanted(only: Option<&[CodeActionKind]>, kind: &CodeActionKind) -> bool {
    only.is_none_or(|kinds| {
        kinds.iter().any(|k| {
            kind.as_str() == k.as_str() || kind.as_str().starts_with(&format!("{}.", k.as_str()))
        })
    })
}

/// "Quiz me on this" for a construct of `concept`: runs [`QUIZ`] on it.
pub fn quiz_action(concept: &Concept) -> CodeActionOrCommand {
    let topic = concept
        .cites
        .first()
        .and_then(|c| crate::corpus::builtin().question(c.question))
        .map_or_else(|| concept.name.to_string(), |q| q.question.clone());
    let title = format!("Quiz me on this: {topic}");
    CodeActionOrCommand::CodeAction(CodeAction {
        title: title.clone(),
        kind: Some(CodeActionKind::new(QUIZ_KIND)),
        command: Some(Command::new(
            title,
            QUIZ.to_string(),
            Some(vec![json!({ "concept": concept.name })]),
        )),
        ..CodeAction::default()
    })
}

/// The result of [`QUIZ`] for its `arguments`: `{"concept": name}` or
/// `{"question": id}` (or the name or id alone), and an optional `"seed"`
/// (default `seed`). The question as JSON: its id, kind, corpus question,
/// prompt, code, choices, the right choice's index and the explanation
/// (markdown) to show after the answer. An error says what was wrong.
pub fn quiz(arguments: &[Value], seed: u64) -> Result<Value, String> {
    let first = arguments.first();
    let key = first
        .and_then(|a| {
            a.as_str()
                .or_else(|| a.get("concept").and_then(Value::as_str))
                .or_else(|| a.get("question").and_then(Value::as_str))
        })
        .ok_or_else(|| format!("{QUIZ} takes {{\"concept\": name}} or {{\"question\": id}}"))?;
    let seed = first
        .and_then(|a| a.get("seed"))
        .and_then(Value::as_u64)
        .unwrap_or(seed);
    let item = crate::learn::item_about(key, seed)
        .ok_or_else(|| format!("no concept or corpus question named `{key}` to quiz on"))?;
    let title = crate::corpus::builtin()
        .question(item.question)
        .map(|q| q.question.clone());
    Ok(json!({
        "id": item.id,
        "kind": item.kind.name(),
        "question": item.question,
        "title": title,
        "rule": item.rule.map(|r| r.slug),
        "prompt": item.prompt,
        "code": item.code,
        "choices": item.choices,
        "answer": item.answer,
        "explanation": item.explanation,
    }))
}

/// A quick fix that applies `edits` to version `version` of the document.
fn edit_action(
    uri: &Uri,
    version: i32,
    d: &Diagnostic,
    title: String,
    edits: Vec<TextEdit>,
    preferred: bool,
) -> CodeActionOrCommand {
    let change = TextDocumentEdit {
        text_document: OptionalVersionedTextDocumentIdentifier {
            uri: uri.clone(),
            version: Some(version),
        },
        edits: edits.into_iter().map(OneOf::Left).collect(),
    };
    CodeActionOrCommand::CodeAction(CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![d.clone()]),
        edit: Some(WorkspaceEdit {
            document_changes: Some(DocumentChanges::Edits(vec![change])),
            ..WorkspaceEdit::default()
        }),
        is_preferred: Some(preferred),
        ..CodeAction::default()
    })
}
