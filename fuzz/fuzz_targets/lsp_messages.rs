//! The language server's message loop on arbitrary JSON-RPC frames,
//! in-process (see `common/messages.rs` for what the input spells).
#![no_main]

#[path = "../common/session.rs"]
mod session;

#[path = "../common/messages.rs"]
mod messages;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| messages::check(data));
