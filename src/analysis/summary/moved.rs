//! Whether two summaries of one file say the same but for where things
//! are: what the language server asks after an edit, to know whether the
//! file's lock facts changed or only moved.

use super::FileSummary;

impl FileSummary {
    /// Whether `other` says the same as this summary but for where things
    /// are: the same facts, perhaps moved by an edit elsewhere in the file.
    /// (Methods are compared through their debug text with every byte
    /// range blanked; the Cond facts hold no position.)
    pub fn same_facts(&self, other: &FileSummary) -> bool {
        let shown = |s: &FileSummary| blank_ranges(&format!("{:?}", s.methods));
        self.package == other.package && self.conds == other.conds && shown(self) == shown(other)
    }
}

/// `text` with every byte range `12..34` shown as `..`.
fn blank_ranges(text: &str) -> String {
    let bytes = text.as_bytes();
    let digits = |from: usize| {
        bytes[from..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count()
    };
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        let start = digits(i);
        let dots = i + start;
        if start > 0 && bytes[dots..].starts_with(b"..") && digits(dots + 2) > 0 {
            out.push_str("..");
            i = dots + 2 + digits(dots + 2);
        } else {
            // Up to the next byte that may start a number: digits, or the
            // rest of a character.
            let next = (i + start.max(1)..=bytes.len())
                .find(|&n| text.is_char_boundary(n))
                .unwrap_or(bytes.len());
            out.push_str(&text[i..next]);
            i = next;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{blank_ranges, FileSummary};
    use crate::analysis::Analyzer;
    use std::sync::Arc;

    #[test]
    fn a_summary_moved_by_an_edit_elsewhere_has_the_same_facts() {
        let src = "package p\n\nimport \"sync\"\n\ntype S struct {\n\tmu sync.Mutex\n\tc  *sync.Cond\n\tn  int\n}\n\nfunc (s *S) Inc() {\n\ts.mu.Lock()\n\ts.n++\n\ts.mu.Unlock()\n\ts.c.Wait()\n}\n";
        let summary = |src: &str| {
            let tree = Analyzer::new().parse(src, None).expect("parse");
            FileSummary::of(tree.root_node(), src, Arc::from(""))
        };
        let before = summary(src);
        let moved = summary(&src.replace("package p\n", "package p\n\n// moved\n"));
        assert_ne!(before, moved);
        assert!(before.same_facts(&moved));
        let changed = summary(&src.replace("\ts.mu.Unlock()\n", ""));
        assert!(!before.same_facts(&changed));
    }

    #[test]
    fn byte_ranges_are_blanked_and_nothing_else() {
        assert_eq!(
            blank_ranges("Lock { suffix: \".mu2\", op: Lock, range: 120..135 }, 7, é3..4, 1."),
            "Lock { suffix: \".mu2\", op: Lock, range: .. }, 7, é.., 1."
        );
    }
}
