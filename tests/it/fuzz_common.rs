//! The checks the fuzz targets run (`fuzz/common/`), shared with the
//! modules that replay what the fuzzers found and check the gates.

#[path = "../../fuzz/common/analysis.rs"]
pub mod analysis;
#[path = "../../fuzz/common/edits.rs"]
pub mod edits;
#[path = "../../fuzz/common/messages.rs"]
pub mod messages;
#[path = "../../fuzz/common/session.rs"]
pub mod session;
