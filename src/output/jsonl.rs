//! `--format jsonl`: one JSON object per line (the `json` format's objects),
//! for streaming consumers.

use super::{json, Item, Report, Totals};
use std::io::{self, Write};

/// The `jsonl` report.
#[derive(Debug, Default)]
pub struct Jsonl;

impl Report for Jsonl {
    fn begin(&mut self, _: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }

    fn item(&mut self, out: &mut dyn Write, item: &Item) -> io::Result<()> {
        writeln!(out, "{}", json::item(item))
    }

    fn end(&mut self, _: &mut dyn Write, _: &Totals) -> io::Result<()> {
        Ok(())
    }
}
