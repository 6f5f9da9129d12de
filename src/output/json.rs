//! `--format json`: one JSON array of findings.

use super::Item;
use serde_json::{json, Value};

/// One finding as a JSON object.
pub fn item(item: &Item) -> Value {
    json!({
        "path": item.path,
        "line": item.line,
        "column": item.column,
        "end_line": item.end_line,
        "end_column": item.end_column,
        "rule": item.rule.slug,
        "severity": item.severity.name(),
        "message": item.message,
        "concept": { "id": item.rule.question, "question": item.question() },
    })
}

/// All findings as one pretty-printed JSON array.
pub fn render(items: &[Item]) -> String {
    let array = Value::Array(items.iter().map(item).collect());
    serde_json::to_string_pretty(&array).unwrap_or_else(|_| "[]".to_string())
}
