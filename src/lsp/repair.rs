//! Messages a client may send that the framework would drop whole or answer
//! wrongly, repaired before it sees them: lone UTF-16 surrogate escapes
//! (`"\ud800"`, which `JSON.stringify` writes for half an emoji) become
//! U+FFFD, change positions and versions outside LSP's integer ranges are
//! clamped, and the raw text of an id is found so that an id the framework
//! cannot hold is echoed exactly as sent.

use serde_json::Value;

/// The replacement character, as a JSON escape.
const REPLACEMENT: &[u8] = b"\\ufffd";

/// `text` with every lone surrogate escape replaced by `\ufffd`; `None`
/// when it has none.
pub fn lone_surrogates(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let mut out: Vec<u8> = Vec::new();
    let (mut i, mut copied, mut in_string) = (0, 0, false);
    while i < b.len() {
        match b[i] {
            b'"' => in_string = !in_string,
            b'\\' if in_string => {
                if b.get(i + 1) == Some(&b'u') {
                    if let Some(unit) = hex4(b, i + 2) {
                        let pair = (0xD800..0xDC00).contains(&unit)
                            && b.get(i + 6) == Some(&b'\\')
                            && b.get(i + 7) == Some(&b'u')
                            && hex4(b, i + 8).is_some_and(|low| (0xDC00..0xE000).contains(&low));
                        if pair {
                            i += 12;
                            continue;
                        }
                        if (0xD800..0xE000).contains(&unit) {
                            out.extend_from_slice(&b[copied..i]);
                            out.extend_from_slice(REPLACEMENT);
                            i += 6;
                            copied = i;
                            continue;
                        }
                    }
                }
                i += 2;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    if copied == 0 {
        return None;
    }
    out.extend_from_slice(&b[copied..]);
    String::from_utf8(out).ok()
}

/// The UTF-16 unit written as four hex digits at `at`.
fn hex4(b: &[u8], at: usize) -> Option<u32> {
    let digits = std::str::from_utf8(b.get(at..at + 4)?).ok()?;
    u32::from_str_radix(digits, 16).ok()
}

/// Clamps the version and the change positions of `didChange` parameters
/// that LSP's integer types cannot hold (negative, fractional, 2³² or
/// more); a note for each value changed.
pub fn clamp_change(params: &mut Value) -> Vec<String> {
    let mut notes = Vec::new();
    if let Some(version) = params.pointer_mut("/textDocument/version") {
        clamp(
            version,
            i64::from(i32::MIN),
            i64::from(i32::MAX),
            "version",
            &mut notes,
        );
    }
    let Some(changes) = params
        .get_mut("contentChanges")
        .and_then(Value::as_array_mut)
    else {
        return notes;
    };
    for (n, change) in changes.iter_mut().enumerate() {
        for end in ["start", "end"] {
            for field in ["line", "character"] {
                let pointer = format!("/range/{end}/{field}");
                if let Some(v) = change.pointer_mut(&pointer) {
                    let what = format!("change {n} {end}.{field}");
                    clamp(v, 0, i64::from(u32::MAX), &what, &mut notes);
                }
            }
        }
    }
    notes
}

/// Clamps the number `v` into `min..=max` as an integer.
fn clamp(v: &mut Value, min: i64, max: i64, what: &str, notes: &mut Vec<String>) {
    let Value::Number(n) = v else {
        return;
    };
    let fits = n.as_i64().is_some_and(|i| (min..=max).contains(&i));
    if fits {
        return;
    }
    let clamped = match (n.as_i64(), n.as_f64()) {
        (Some(i), _) => i.clamp(min, max),
        (None, Some(f)) if f.is_nan() => min,
        // Saturating float-to-int conversion, then clamped.
        (None, Some(f)) => (f.floor() as i64).clamp(min, max),
        (None, None) => max,
    };
    notes.push(format!("{what} {n} is out of range; clamped to {clamped}"));
    *v = Value::from(clamped);
}

/// The raw text of the top-level `"id"` member of the JSON object `text`,
/// when it is a number (`2e3`, `1180591620717411303424`): what must be
/// echoed, since such a number need not survive a round trip through `f64`.
pub fn raw_numeric_id(text: &str) -> Option<&str> {
    let b = text.as_bytes();
    let (mut i, mut depth) = (0, 0usize);
    let mut key_start = None;
    while i < b.len() {
        match b[i] {
            b'{' | b'[' => depth += 1,
            b'}' | b']' => depth = depth.saturating_sub(1),
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                if depth == 1 {
                    key_start = Some((start, i.min(b.len())));
                }
            }
            b':' if depth == 1 => {
                if let Some((s, e)) = key_start.take() {
                    if &b[s..e] == b"id" {
                        let rest = &text[i + 1..];
                        let value = rest.trim_start();
                        let len = value
                            .find(|c: char| !(c.is_ascii_digit() || "+-.eE".contains(c)))
                            .unwrap_or(value.len());
                        return (len > 0).then(|| &value[..len]);
                    }
                }
            }
            b',' => key_start = None,
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lone_surrogates_become_replacement_characters_and_pairs_stay() {
        let text = r#"{"a":"x\ud800y\\ud800\ud83d\ude00","b":"\udc00"}"#;
        let fixed = lone_surrogates(text).unwrap_or_default();
        assert_eq!(fixed, r#"{"a":"x\ufffdy\\ud800\ud83d\ude00","b":"\ufffd"}"#);
        let v: Value = serde_json::from_str(&fixed).unwrap_or_default();
        assert_eq!(v["a"], "x\u{fffd}y\\ud800😀");
        assert_eq!(lone_surrogates(r#"{"a":"\ud83d\ude00 \\ud800"}"#), None);
    }

    #[test]
    fn out_of_range_positions_and_versions_are_clamped() {
        let mut p = json!({
            "textDocument": {"uri": "file:///a.go", "version": 3_000_000_000u64},
            "contentChanges": [{"range": {"start": {"line": -1, "character": 1.5},
                                          "end": {"line": 5_000_000_000u64, "character": 2}}, "text": ""}]
        });
        let notes = clamp_change(&mut p);
        assert_eq!(notes.len(), 4, "{notes:?}");
        assert_eq!(p["textDocument"]["version"], i32::MAX);
        assert_eq!(
            p["contentChanges"][0]["range"],
            json!({"start": {"line": 0, "character": 1}, "end": {"line": u32::MAX, "character": 2}})
        );
    }

    #[test]
    fn the_raw_id_is_found_at_the_top_level_only() {
        let text = r#"{"params":{"id":5},"method":"x","id" : 1180591620717411303424}"#;
        assert_eq!(raw_numeric_id(text), Some("1180591620717411303424"));
        assert_eq!(raw_numeric_id(r#"{"id":"7","x":1}"#), None);
        assert_eq!(raw_numeric_id(r#"{"a":"id","b":{"id":2}}"#), None);
    }
}
