//! Text that reaches a terminal or a CI log from outside gohint — file
//! names, source lines — made inert: control characters shown as escapes,
//! so no name or comment can move the cursor, retitle the terminal, or start
//! a line that a CI runner reads as a command (GitHub's `::error::`).

use std::borrow::Cow;
use std::ffi::OsStr;
use std::fmt::Write as _;

/// Whether `c` is shown escaped: C0 controls (tab included), DEL, C1
/// controls (U+0085 among them) and the Unicode line and paragraph
/// separators, which some readers take as line breaks.
fn is_unsafe(c: char) -> bool {
    c.is_control() || c == '\u{2028}' || c == '\u{2029}'
}

/// `s` with every control character, and U+2028/U+2029, written as
/// `\u{XX}` (the hexadecimal code point), so that the result is one line of
/// printable text. Text without such characters is returned as it is.
pub fn control(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A file name as text: valid UTF-8 as it is, each byte of an invalid
/// sequence as `\xHH`, so that two different names never read the same (as
/// the `�` of a lossy conversion would).
pub fn os(name: &OsStr) -> String {
    if let Some(s) = name.to_str() {
        return s.to_string();
    }
    let bytes = name.as_encoded_bytes();
    let mut out = String::with_capacity(bytes.len() + 8);
    let mut rest = bytes;
    while !rest.is_empty() {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                out.push_str(s);
                break;
            }
            Err(e) => {
                let (good, bad) = rest.split_at(e.valid_up_to());
                out.push_str(std::str::from_utf8(good).unwrap_or_default());
                let n = e.error_len().unwrap_or(bad.len());
                for b in &bad[..n] {
                    let _ = write!(out, "\\x{b:02x}");
                }
                rest = &bad[n..];
            }
        }
    }
    out
}

/// Writes one line to stderr as `gohint: message`, with every control
/// character of `message` (newlines too) escaped: each line gohint writes to
/// stderr starts with `gohint: ` and cannot start a CI runner's command.
pub fn eprint(message: &str) {
    let message = message.strip_prefix("gohint: ").unwrap_or(message);
    eprintln!("gohint: {}", control(message));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_separators_are_escaped() {
        assert_eq!(control("plain/ünï.go"), "plain/ünï.go");
        assert_eq!(
            control("a\n::error::x\r\x1b[2J\x07\x7f\u{85}\u{9b}\u{2028}\u{2029}\t"),
            "a\\u{a}::error::x\\u{d}\\u{1b}[2J\\u{7}\\u{7f}\\u{85}\\u{9b}\\u{2028}\\u{2029}\\u{9}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn invalid_utf8_names_show_their_bytes() {
        use std::os::unix::ffi::OsStrExt;
        assert_eq!(os(OsStr::from_bytes(b"i\xff\xfe.go")), "i\\xff\\xfe.go");
        assert_eq!(os(OsStr::from_bytes(b"\xe2\x82.go")), "\\xe2\\x82.go");
        assert_eq!(os(OsStr::new("ok.go")), "ok.go");
    }
}
