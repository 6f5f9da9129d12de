//! The analysis on arbitrary bytes: the first byte picks the options, the
//! rest is the file.
#![no_main]

#[path = "../common/analysis.rs"]
mod analysis;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some((&first, text)) = data.split_first() {
        analysis::analyze_and_check(text, &analysis::options(first));
    }
});
