//! Incremental edit sequences against a fresh parse, through the language
//! server in-process (see `common/edits.rs` for what the input spells).
#![no_main]

#[path = "../common/session.rs"]
mod session;

#[path = "../common/edits.rs"]
mod edits;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| edits::check(data));
