//! gohint: a Go language server and CI linter that teaches.
//!
//! The analysis core ([`analysis`], [`rules`], [`corpus`], [`text`]) takes
//! bytes and returns findings; it does no I/O. The edges, [`cli`] and
//! [`output`], read files and print reports.

pub mod analysis;
pub mod cli;
pub mod corpus;
pub mod explain;
pub mod output;
pub mod rules;
pub mod text;
