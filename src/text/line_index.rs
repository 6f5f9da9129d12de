//! Conversion between byte offsets and (line, column) pairs.
//!
//! The analysis core speaks byte offsets only. Editors speak UTF-16 (or UTF-8)
//! columns, the CLI speaks 1-based byte columns; every such conversion goes
//! through [`LineIndex`]. Lines end at `\n`; a `\r` before it belongs to the
//! line ending, so CRLF text gives the same columns as LF text.

/// How a column counts the characters before it on its line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// UTF-8 code units (bytes): go vet, vim quickfix, LSP `utf-8`.
    Utf8,
    /// UTF-16 code units: the LSP default, SARIF `utf16CodeUnits`.
    Utf16,
    /// Unicode scalar values.
    Chars,
}

/// A zero-based line and a zero-based column in some [`Encoding`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct LineCol {
    /// Zero-based line number.
    pub line: u32,
    /// Zero-based column, in the encoding it was asked in.
    pub col: u32,
}

/// Line starts of one text, for offset ↔ position conversion.
#[derive(Clone, Debug)]
pub struct LineIndex {
    /// Byte offset at which each line starts; always begins with 0.
    starts: Vec<usize>,
    /// Total length of the text in bytes.
    len: usize,
    /// Whether the text is pure ASCII (then every encoding counts bytes).
    ascii: bool,
}

impl LineIndex {
    /// Indexes `text`.
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        // Counted first, so the index is allocated once.
        let mut starts = Vec::with_capacity(memchr::memchr_iter(b'\n', bytes).count() + 1);
        starts.push(0);
        starts.extend(memchr::memchr_iter(b'\n', bytes).map(|i| i + 1));
        LineIndex {
            starts,
            len: text.len(),
            ascii: text.is_ascii(),
        }
    }

    /// Number of lines (a trailing newline starts one more, empty line).
    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// Byte offset where zero-based `line` starts, clamped to the text.
    pub fn line_start(&self, line: u32) -> usize {
        self.starts.get(line as usize).copied().unwrap_or(self.len)
    }

    /// Byte range of zero-based `line`'s content, without its `\n` or `\r\n`
    /// (a `\r` not followed by `\n`, even at the end of the text, is content).
    pub fn line_range(&self, text: &str, line: u32) -> std::ops::Range<usize> {
        let start = self.line_start(line);
        let Some(&next) = self.starts.get(line as usize + 1) else {
            return start..self.len;
        };
        let mut end = next - 1;
        if end > start && text.as_bytes().get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        start..end.max(start)
    }

    /// Zero-based line containing byte `offset` (clamped to the text).
    pub fn line_of(&self, offset: usize) -> u32 {
        let offset = offset.min(self.len);
        (self.starts.partition_point(|&s| s <= offset) - 1) as u32
    }

    /// The position of byte `offset` in `encoding`. An offset inside a
    /// multi-byte character counts as the start of that character; an offset
    /// past the end is clamped to the end.
    pub fn position(&self, text: &str, offset: usize, encoding: Encoding) -> LineCol {
        let offset = floor_char_boundary(text, offset.min(self.len));
        let line = self.line_of(offset);
        let start = self.line_start(line);
        let col = if self.ascii || encoding == Encoding::Utf8 {
            offset - start
        } else {
            let before = &text[start..offset];
            match encoding {
                Encoding::Utf16 => before.encode_utf16().count(),
                Encoding::Chars => before.chars().count(),
                Encoding::Utf8 => before.len(),
            }
        };
        LineCol {
            line,
            col: col as u32,
        }
    }

    /// The byte offset of `pos` in `encoding`. A line past the end gives the
    /// end of the text; a column past the end of its line gives the end of
    /// that line (before its line ending); a column inside a character gives
    /// the start of that character. Never panics.
    pub fn offset(&self, text: &str, pos: LineCol, encoding: Encoding) -> usize {
        if pos.line as usize >= self.starts.len() {
            return self.len;
        }
        let range = self.line_range(text, pos.line);
        let line = &text[range.clone()];
        let want = pos.col as usize;
        if self.ascii || encoding == Encoding::Utf8 {
            return range.start + floor_char_boundary(line, want.min(line.len()));
        }
        let mut units = 0;
        for (i, ch) in line.char_indices() {
            let width = match encoding {
                Encoding::Utf16 => ch.len_utf16(),
                Encoding::Chars => 1,
                Encoding::Utf8 => ch.len_utf8(),
            };
            if units + width > want {
                return range.start + i;
            }
            units += width;
        }
        range.end
    }
}

/// The largest char boundary of `text` at or before `offset`.
fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_positions() {
        let text = "ab\ncd\n";
        let idx = LineIndex::new(text);
        assert_eq!(
            idx.position(text, 4, Encoding::Utf16),
            LineCol { line: 1, col: 1 }
        );
        assert_eq!(
            idx.offset(text, LineCol { line: 1, col: 1 }, Encoding::Utf8),
            4
        );
        assert_eq!(idx.line_count(), 3);
    }

    #[test]
    fn a_lone_cr_at_the_end_is_content() {
        let text = "x\r";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_range(text, 0), 0..2);
        let end = idx.position(text, 2, Encoding::Utf16);
        assert_eq!(end, LineCol { line: 0, col: 2 });
        assert_eq!(idx.offset(text, end, Encoding::Utf16), 2);
    }

    #[test]
    fn crlf_and_wide_characters() {
        let text = "a😀b\r\n中x\r\n";
        let idx = LineIndex::new(text);
        let b = text.find('b').unwrap_or_default();
        assert_eq!(idx.position(text, b, Encoding::Utf16).col, 3);
        assert_eq!(idx.position(text, b, Encoding::Chars).col, 2);
        assert_eq!(idx.position(text, b, Encoding::Utf8).col, 5);
        let x = text.find('x').unwrap_or_default();
        assert_eq!(
            idx.position(text, x, Encoding::Utf16),
            LineCol { line: 1, col: 1 }
        );
        // Past the end of a CRLF line clamps before the CR.
        let end = idx.offset(text, LineCol { line: 0, col: 99 }, Encoding::Utf16);
        assert_eq!(&text[end..end + 1], "\r");
        // Inside a surrogate pair snaps to the character's start.
        assert_eq!(
            idx.offset(text, LineCol { line: 0, col: 2 }, Encoding::Utf16),
            1
        );
        assert_eq!(
            idx.offset(text, LineCol { line: 9, col: 0 }, Encoding::Utf16),
            text.len()
        );
    }
}
