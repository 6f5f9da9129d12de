//! The one place where the language server turns byte offsets into LSP
//! positions (and tree-sitter points) and back, through [`LineIndex`].

use crate::text::{Encoding, LineCol, LineIndex};
use tower_lsp_server::ls_types::{ClientCapabilities, Position, PositionEncodingKind, Range};

/// The encoding to use with a client: UTF-8 when it offers it, else UTF-16
/// (which every client must support).
pub fn negotiate(capabilities: &ClientCapabilities) -> (Encoding, PositionEncodingKind) {
    let offered = capabilities
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_ref())
        .is_some_and(|kinds| kinds.contains(&PositionEncodingKind::UTF8));
    if offered {
        (Encoding::Utf8, PositionEncodingKind::UTF8)
    } else {
        (Encoding::Utf16, PositionEncodingKind::UTF16)
    }
}

/// Converts positions of one text, given its line index and the encoding.
#[derive(Clone, Copy)]
pub struct Converter<'a> {
    text: &'a str,
    index: &'a LineIndex,
    encoding: Encoding,
}

impl<'a> Converter<'a> {
    /// A converter for `text`, indexed by `index`.
    pub fn new(text: &'a str, index: &'a LineIndex, encoding: Encoding) -> Self {
        Converter {
            text,
            index,
            encoding,
        }
    }

    /// The client's position encoding.
    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// The LSP position of byte `offset`.
    pub fn position(&self, offset: usize) -> Position {
        let at = self.index.position(self.text, offset, self.encoding);
        Position::new(at.line, at.col)
    }

    /// The LSP range of a byte range.
    pub fn range(&self, range: &std::ops::Range<usize>) -> Range {
        Range::new(self.position(range.start), self.position(range.end))
    }

    /// The byte offset of an LSP position, clamped into the text, and
    /// whether the position was exact (not past a line's end or the text's,
    /// nor inside a character).
    pub fn offset(&self, position: Position) -> (usize, bool) {
        let at = LineCol {
            line: position.line,
            col: position.character,
        };
        let offset = self.index.offset(self.text, at, self.encoding);
        (
            offset,
            self.index.position(self.text, offset, self.encoding) == at,
        )
    }

    /// The tree-sitter point (row, byte column) of byte `offset`.
    pub fn point(&self, offset: usize) -> tree_sitter::Point {
        let at = self.index.position(self.text, offset, Encoding::Utf8);
        tree_sitter::Point::new(at.line as usize, at.col as usize)
    }

    /// The byte offset where the line holding `offset` starts.
    pub fn line_start(&self, offset: usize) -> usize {
        self.index.line_start(self.index.line_of(offset))
    }

    /// The text of the line holding `offset`, without its line ending.
    pub fn line_text(&self, offset: usize) -> &'a str {
        let range = self.index.line_range(self.text, self.index.line_of(offset));
        self.text.get(range).unwrap_or("")
    }

    /// Whether the line holding `offset` ends with `\r\n`.
    pub fn line_ends_with_crlf(&self, offset: usize) -> bool {
        let end = self
            .index
            .line_range(self.text, self.index.line_of(offset))
            .end;
        self.text.as_bytes().get(end..end + 2) == Some(b"\r\n")
    }
}
