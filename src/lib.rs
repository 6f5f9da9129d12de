//! gohint: a Go language server and CI linter that teaches.
//!
//! The analysis core ([`analysis`], [`rules`], [`corpus`], [`concepts`], [`text`]) takes
//! bytes and returns findings; it does no I/O. The edges, [`cli`],
//! [`output`], [`config`] and [`lsp`], read files, print reports and serve
//! editors.

pub mod analysis;
pub mod cli;
pub mod concepts;
pub mod config;
pub mod corpus;
pub mod explain;
pub mod learn;
pub mod lsp;
pub mod output;
pub mod rules;
pub mod text;
