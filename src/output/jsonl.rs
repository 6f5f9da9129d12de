//! `--format jsonl`: one JSON object per line (the `json` format's objects),
//! for streaming consumers.

use super::{json, Item, Report, Totals};
use std::borrow::Cow;
use std::io::{self, Write};

/// One JSON text made safe as a line for readers that also break lines at
/// U+0085, U+2028 and U+2029 (Python's `str.splitlines`, JavaScript): those
/// characters, which JSON allows raw inside strings, written as `\uXXXX`.
pub fn line(json: &str) -> Cow<'_, str> {
    if !json.contains(['\u{85}', '\u{2028}', '\u{2029}']) {
        return Cow::Borrowed(json);
    }
    Cow::Owned(
        json.replace('\u{85}', "\\u0085")
            .replace('\u{2028}', "\\u2028")
            .replace('\u{2029}', "\\u2029"),
    )
}

/// The `jsonl` report.
#[derive(Debug, Default)]
pub struct Jsonl;

impl Report for Jsonl {
    fn begin(&mut self, _: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }

    fn item(&mut self, out: &mut dyn Write, item: &Item) -> io::Result<()> {
        writeln!(out, "{}", line(&json::item(item).to_string()))
    }

    fn end(&mut self, _: &mut dyn Write, _: &Totals) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_separators_are_escaped() {
        let v = serde_json::json!({"path": "a\u{2028}b\u{85}c\u{2029}.go"});
        let text = line(&v.to_string()).into_owned();
        assert_eq!(text, r#"{"path":"a\u2028b\u0085c\u2029.go"}"#);
        let back: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        assert_eq!(back, v);
    }
}
