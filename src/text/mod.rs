//! Text positions: the one place where byte offsets become lines and columns.

mod line_index;

pub use line_index::{Encoding, LineCol, LineIndex};
