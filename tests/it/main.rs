//! The integration tests, one binary: each module drives gohint through a
//! real interface (the binary's CLI, the language server over stdio, the
//! public library API) and asserts on what a user would see.

mod baseline;
mod channel_fixes;
mod ci;
mod cli;
mod common;
mod concepts;
mod config;
mod core_purity;
mod corpus;
mod docs;
mod examples;
mod fields;
mod fixes_context_maps_slices;
mod fixes_panics_slices_runtime;
mod fixtures;
mod fuzz_common;
mod fuzz_regressions;
mod gates;
mod hostile;
mod line_index;
mod lsp;
mod lsp_concepts;
mod lsp_hazards;
mod lsp_incremental;
mod lsp_package;
mod lsp_quiz;
mod package_locks;
mod package_races;
mod package_waits;
mod quiz;
mod readme;
mod registry;
mod stdin;
mod triggers;
mod vscode_settings;
