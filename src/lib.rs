//! gohint: a Go language server and CI linter that teaches.
//!
//! The analysis core ([`analysis`], [`rules`], [`corpus`], [`concepts`], [`text`]) takes
//! bytes and returns findings; it does no I/O. The edges, [`cli`],
//! [`output`], [`config`] and [`lsp`], read files, print reports and serve
//! editors. The core depends one way: [`rules`] builds on [`analysis`], and
//! the analysis learns which rules to run from its
//! [`Options`](analysis::Options), whose default, set up here, runs
//! [`rules::CATALOGUE`].

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

/// Every rule of [`rules::CATALOGUE`] at its own severity, for a non-test
/// file of the newest Go.
impl Default for analysis::Options {
    fn default() -> Self {
        analysis::Options {
            catalogue: &rules::CATALOGUE,
            go_version: None,
            severities: std::collections::BTreeMap::new(),
            test_file: false,
            generated: analysis::generated::Generated::default(),
            package: None,
            own_summary: None,
        }
    }
}
