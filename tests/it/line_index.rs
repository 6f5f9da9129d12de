//! Round trips of byte offsets through lines and columns, in every encoding,
//! on text with emoji, CJK, combining marks and CRLF line endings.

use gohint::text::{Encoding, LineCol, LineIndex};
use proptest::prelude::*;

fn text_strategy() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("a".to_string()),
        Just("func".to_string()),
        Just("😀".to_string()),
        Just("中文".to_string()),
        Just("e\u{301}".to_string()),
        Just("\r\n".to_string()),
        Just("\n".to_string()),
        Just("\t".to_string()),
        Just("𝔘".to_string()),
    ];
    prop::collection::vec(piece, 0..60).prop_map(|v| v.concat())
}

proptest! {
    #[test]
    fn offset_position_round_trip(text in text_strategy()) {
        let index = LineIndex::new(&text);
        for (offset, _) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
            // A `\n` preceded by `\r` is inside the line ending: it maps to the end of the line.
            if offset > 0 && text.as_bytes().get(offset - 1) == Some(&b'\r') && text.as_bytes().get(offset) == Some(&b'\n') {
                continue;
            }
            for enc in [Encoding::Utf8, Encoding::Utf16, Encoding::Chars] {
                let pos = index.position(&text, offset, enc);
                prop_assert_eq!(index.offset(&text, pos, enc), offset, "{:?} at {}", enc, offset);
            }
        }
    }

    #[test]
    fn any_position_maps_inside_the_text(text in text_strategy(), line in 0u32..40, col in 0u32..200) {
        let index = LineIndex::new(&text);
        for enc in [Encoding::Utf8, Encoding::Utf16, Encoding::Chars] {
            let offset = index.offset(&text, LineCol { line, col }, enc);
            prop_assert!(offset <= text.len());
            prop_assert!(text.is_char_boundary(offset));
        }
    }

    #[test]
    fn utf16_columns_match_a_naive_count(text in text_strategy()) {
        let index = LineIndex::new(&text);
        for (offset, _) in text.char_indices() {
            let line_start = text[..offset].rfind('\n').map_or(0, |p| p + 1);
            let expected = text[line_start..offset].encode_utf16().count() as u32;
            prop_assert_eq!(index.position(&text, offset, Encoding::Utf16).col, expected);
        }
    }
}

#[test]
fn crlf_columns_equal_lf_columns() {
    let lf = "a := \"😀\"\nb := 1\n";
    let crlf = lf.replace('\n', "\r\n");
    let (i1, i2) = (LineIndex::new(lf), LineIndex::new(&crlf));
    let b1 = lf.find('b').unwrap_or_default();
    let b2 = crlf.find('b').unwrap_or_default();
    assert_eq!(
        i1.position(lf, b1, Encoding::Utf16),
        i2.position(&crlf, b2, Encoding::Utf16)
    );
    assert_eq!(
        i2.position(&crlf, b2, Encoding::Utf16),
        LineCol { line: 1, col: 0 }
    );
}
