//! `--format json`: one JSON array of findings, streamed element by element.

use super::{Item, Report, Totals};
use serde_json::{json, Value};
use std::io::{self, Write};

/// One finding as a JSON object.
pub fn item(item: &Item) -> Value {
    json!({
        "path": item.path,
        "line": item.span.line,
        "column": item.span.column,
        "end_line": item.span.end_line,
        "end_column": item.span.end_column,
        "rule": item.rule.slug,
        "severity": item.severity.name(),
        "message": item.message,
        "concept": { "id": item.rule.question, "question": item.question() },
    })
}

/// `value` pretty-printed, its lines after the first indented by `indent`
/// spaces (to nest it inside a document written piece by piece).
pub fn pretty(value: &Value, indent: usize) -> String {
    let text = serde_json::to_string_pretty(value).unwrap_or_else(|_| "null".to_string());
    text.replace('\n', &format!("\n{}", " ".repeat(indent)))
}

/// A pretty-printed JSON array written one element at a time, laid out as
/// `serde_json::to_string_pretty` would lay out the whole array.
#[derive(Debug)]
pub struct Array {
    /// Indentation of the line holding the opening bracket.
    indent: usize,
    /// Whether an element was written.
    any: bool,
}

impl Array {
    /// An array whose opening bracket sits on a line indented by `indent`.
    pub fn new(indent: usize) -> Array {
        Array { indent, any: false }
    }

    /// Writes the opening bracket.
    pub fn open(&self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(b"[")
    }

    /// Writes one element.
    pub fn push(&mut self, out: &mut dyn Write, value: &Value) -> io::Result<()> {
        let sep = if self.any { "," } else { "" };
        self.any = true;
        let inner = self.indent + 2;
        write!(out, "{sep}\n{}{}", " ".repeat(inner), pretty(value, inner))
    }

    /// Writes the closing bracket.
    pub fn close(&self, out: &mut dyn Write) -> io::Result<()> {
        if self.any {
            write!(out, "\n{}]", " ".repeat(self.indent))
        } else {
            out.write_all(b"]")
        }
    }
}

/// The `json` report.
#[derive(Debug)]
pub struct Json {
    array: Array,
}

impl Default for Json {
    fn default() -> Self {
        Json {
            array: Array::new(0),
        }
    }
}

impl Report for Json {
    fn begin(&mut self, out: &mut dyn Write) -> io::Result<()> {
        self.array.open(out)
    }

    fn item(&mut self, out: &mut dyn Write, item: &Item) -> io::Result<()> {
        self.array.push(out, &self::item(item))
    }

    fn end(&mut self, out: &mut dyn Write, _: &Totals) -> io::Result<()> {
        self.array.close(out)?;
        out.write_all(b"\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streamed_array_matches_serde_layout() -> Result<(), Box<dyn std::error::Error>> {
        let values = [json!({"a": 1, "b": [1, 2]}), json!({"c": {"d": "e"}})];
        for n in 0..=values.len() {
            let mut out = Vec::new();
            let mut array = Array::new(0);
            array.open(&mut out)?;
            for v in &values[..n] {
                array.push(&mut out, v)?;
            }
            array.close(&mut out)?;
            let whole = serde_json::to_string_pretty(&Value::Array(values[..n].to_vec()))?;
            assert_eq!(String::from_utf8(out)?, whole);
        }
        Ok(())
    }
}
