//! The embedded Go Q&A corpus: the product's data.
//!
//! `corpus/go-interview-qa.md` is the user's own document, shipped unchanged
//! and compiled into the binary. It is parsed once, lazily, into categories
//! (`##`) and questions (`###`), each question with a stable id (a
//! GitHub-style heading slug) and its markdown answer.

mod blocks;
mod errata;
mod parse;
mod slug;
mod team;

use std::sync::OnceLock;

pub use blocks::{go_blocks, program, GoBlock};
pub use errata::{errata_for, without_withdrawn, Erratum, ERRATA};
pub use parse::parse;
pub use slug::slugify;
pub use team::{parse_team, TeamQuestion};

/// The corpus text, exactly as the user wrote it.
pub const SOURCE: &str = include_str!("../../corpus/go-interview-qa.md");

/// A parsed Q&A document.
#[derive(Debug, Clone, Default)]
pub struct Corpus {
    /// The YAML front matter between the leading `---` lines, if any (raw text).
    pub front_matter: Option<String>,
    /// The `#` title of the document, if any.
    pub title: Option<String>,
    /// `##` categories, in document order.
    pub categories: Vec<Category>,
    /// `###` questions, in document order.
    pub questions: Vec<Question>,
}

/// A `##` category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Category {
    /// Slug of the category heading.
    pub id: String,
    /// The heading text.
    pub title: String,
}

/// A `###` question and its answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    /// Stable id: the GitHub-style slug of the heading, unique in the document.
    pub id: String,
    /// The heading text, trimmed.
    pub question: String,
    /// Index into [`Corpus::categories`] of the category it sits under, if any.
    pub category: Option<usize>,
    /// The answer: all markdown up to the next `###` or `##` heading, trimmed.
    pub answer: String,
    /// 1-based line of the heading in the source document.
    pub line: usize,
}

impl Corpus {
    /// The question with id `id`.
    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.id == id)
    }

    /// The category title a question sits under.
    pub fn category_of(&self, q: &Question) -> Option<&str> {
        q.category
            .and_then(|i| self.categories.get(i))
            .map(|c| c.title.as_str())
    }
}

impl Question {
    /// The part of the answer that explains `topic`: the `####`/`#####`
    /// sub-section whose heading contains it, else the numbered or bulleted
    /// list item that names it (with its indented continuation), else the
    /// first paragraph. Matching ignores case and markdown emphasis.
    pub fn excerpt(&self, topic: Option<&str>) -> String {
        topic
            .and_then(|t| {
                parse::section(&self.answer, t).or_else(|| parse::list_item(&self.answer, t))
            })
            .unwrap_or_else(|| parse::first_paragraph(&self.answer))
    }

    /// The first Go code example of the part of the answer quoted for
    /// `topic`: inside that sub-section or list item, or, for the first
    /// paragraph, anywhere before the answer's first sub-heading. Blocks in
    /// other languages (mermaid, bash, output) are never examples.
    pub fn example(&self, topic: Option<&str>) -> Option<String> {
        let part = topic
            .and_then(|t| {
                parse::section(&self.answer, t).or_else(|| parse::list_item(&self.answer, t))
            })
            .unwrap_or_else(|| parse::lead(&self.answer));
        parse::first_go_block(&part)
    }
}

/// The built-in corpus, parsed on first use.
pub fn builtin() -> &'static Corpus {
    static CORPUS: OnceLock<Corpus> = OnceLock::new();
    CORPUS.get_or_init(|| parse(SOURCE))
}
