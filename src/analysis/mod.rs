//! The pure analysis core: source bytes in, findings out.
//!
//! Nothing here does I/O or knows about LSP, JSON or the terminal. Positions
//! are byte offsets into the source; the edges convert them with
//! [`crate::text::LineIndex`].

pub mod bounds;
pub mod chan_trace;
pub mod channels;
pub mod conds;
pub mod dependencies;
mod engine;
pub mod facts;
pub mod fields;
mod finding;
pub mod flow;
pub mod generated;
pub mod go_starts;
mod go_version;
pub mod guards;
pub mod imports;
pub mod incremental;
pub mod lexical;
pub mod lock_calls;
pub mod lock_copy;
pub mod lock_flow;
pub mod lock_held;
pub mod lock_names;
pub mod names;
pub mod package;
pub mod pattern_gate;
pub mod reach;
pub mod reentry;
mod rule;
pub mod shape;
pub mod sites;
pub mod skipped_declaration;
pub mod summary;
mod suppress;
pub mod sync;
pub mod sync_calls;
pub mod sync_points;
pub mod syntax;
pub mod triggers;
pub mod types;
pub mod unused_ignore;

pub use engine::{Catalogue, Engine, Match};
pub use facts::Facts;
pub use finding::{Edit, Finding, Fix, Related};
pub use go_version::GoVersion;
pub use rule::{Check, Group, Linter, Peer, Rule, Severity};

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;
use summary::FileSummary;
use tree_sitter::{Node, Parser, Tree};

/// What the caller knows about the file beyond its text, and the rules to
/// run. The default options (set up where the core meets the catalogue, in
/// the crate root) run every rule of the crate's catalogue at its own severity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// The rules to run.
    pub catalogue: &'static Catalogue,
    /// The Go version of the module (from `go.mod`); `None` means the newest.
    pub go_version: Option<GoVersion>,
    /// Per-rule severity overrides by slug; `None` turns the rule off.
    pub severities: BTreeMap<String, Option<Severity>>,
    /// Whether the file is a test file (`_test.go`).
    pub test_file: bool,
    /// How the rules report if the file is generated (see [`generated`]).
    pub generated: generated::Generated,
    /// The other files of the file's package, when the caller read them.
    pub package: Option<package::Package>,
    /// The file's own summary, when the caller worked it out from this
    /// same text (`--check` does, for the package of its folder), so that
    /// it is not worked out again.
    pub own_summary: Option<Arc<FileSummary>>,
}

impl Options {
    /// The severity `rule` reports with, or `None` when it is turned off.
    pub fn severity(&self, rule: &Rule) -> Option<Severity> {
        self.severities
            .get(rule.slug)
            .copied()
            .unwrap_or(Some(rule.severity))
    }

    /// [`Options::severity`] in a file that is generated when
    /// `generated_file` (see [`generated::is_generated`]).
    pub fn severity_in(&self, rule: &Rule, generated_file: bool) -> Option<Severity> {
        let level = self.severity(rule);
        if generated_file {
            self.generated.in_generated_file(rule.group, level)
        } else {
            level
        }
    }
}

/// Why a file cannot be analysed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InputError {
    /// The file has NUL bytes: it is binary, not Go source.
    Binary {
        /// Byte offset of the first NUL.
        offset: usize,
    },
    /// The file is not valid UTF-8 (Go source must be).
    NotUtf8 {
        /// 1-based line of the first invalid byte.
        line: usize,
        /// 1-based byte column of the first invalid byte.
        column: usize,
    },
    /// The parser gave up (it was cancelled or ran out of memory).
    ParseFailed,
    /// A top-level declaration is larger than
    /// [`bounds::MAX_DECLARATION_BYTES`]: its whole tree would not fit the
    /// memory the analysis allows itself ([`Analyzer::analyze`] skips it).
    DeclarationTooLarge {
        /// Byte offset of the declaration.
        offset: usize,
        /// Its size in bytes.
        bytes: usize,
    },
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InputError::Binary { offset } => {
                write!(
                    f,
                    "binary file (NUL byte at offset {offset}); Go source is text"
                )
            }
            InputError::NotUtf8 { line, column } => {
                write!(
                    f,
                    "not valid UTF-8 (first bad byte at {line}:{column}); Go source must be UTF-8"
                )
            }
            InputError::ParseFailed => write!(f, "the Go parser gave up on this file"),
            InputError::DeclarationTooLarge { offset, bytes } => write!(
                f,
                "the declaration at byte {offset} holds {}, more than the {} one declaration may \
                 hold to be parsed whole",
                bounds::size_text(*bytes),
                bounds::size_text(bounds::MAX_DECLARATION_BYTES)
            ),
        }
    }
}

impl std::error::Error for InputError {}

/// Checks that `bytes` are Go source text: UTF-8 and free of NUL bytes.
pub fn decode(bytes: &[u8]) -> Result<&str, InputError> {
    if let Some(offset) = bytes.iter().position(|&b| b == 0) {
        return Err(InputError::Binary { offset });
    }
    std::str::from_utf8(bytes).map_err(|e| {
        let at = e.valid_up_to();
        let before = &bytes[..at];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = at
            - before
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |p| p + 1)
            + 1;
        InputError::NotUtf8 { line, column }
    })
}

/// What the rules see: the source, its syntax tree, the options, the
/// effective Go version, and the file-wide facts rules share.
pub struct Ctx<'a> {
    /// The whole source text.
    pub src: &'a str,
    /// The root of the file's syntax tree.
    pub root: Node<'a>,
    /// The caller's options.
    pub options: &'a Options,
    /// The Go version in force: a `//go:build go1.N` line overrides the
    /// module's; `None` means the newest.
    pub go_version: Option<GoVersion>,
    /// Facts about the whole file, worked out once per run on first use.
    pub facts: Facts<'a>,
    /// Whether the file is generated (see [`generated::is_generated`]).
    pub generated: bool,
    /// Whether the file, or its package when the caller read it, may
    /// synchronise (see [`package::may_sync`]): if not, no field has a
    /// guard and no lock is held anywhere.
    pub may_sync: bool,
}

/// Whether a rule may learn something from the summary of the file `src`
/// under `options`: not when the file can neither synchronise nor start a
/// goroutine, in a folder none of whose files can synchronise (the caller
/// read no package for it).
pub fn summarised(src: &str, options: &Options) -> bool {
    options.package.is_some()
        || package::may_sync(src.as_bytes())
        || go_starts::may_start(src.as_bytes())
}

impl<'a> Ctx<'a> {
    /// A context for the file `src` parsed as `tree`, under `options`.
    pub fn new(src: &'a str, tree: &'a Tree, options: &'a Options) -> Self {
        let go_version = GoVersion::from_build_constraint(src).or(options.go_version);
        let root = tree.root_node();
        let facts = Facts::new(root, src);
        // A file that cannot synchronise nor start a goroutine, in a folder
        // none of whose files can synchronise, tells the rules asking for
        // summaries nothing.
        let may_sync = options.package.is_some() || package::may_sync(src.as_bytes());
        let summary = options
            .own_summary
            .clone()
            .or_else(|| (!summarised(src, options)).then(|| Arc::new(FileSummary::empty())));
        if let Some(summary) = summary {
            facts.know_summary(summary);
        }
        Ctx {
            src,
            root,
            options,
            go_version,
            facts,
            generated: generated::is_generated(src),
            may_sync,
        }
    }

    /// The source text of `node`.
    pub fn text(&self, node: Node<'_>) -> &'a str {
        syntax::text(node, self.src)
    }

    /// Whether `rule` is turned on.
    pub fn enabled(&self, rule: &Rule) -> bool {
        self.options.severity_in(rule, self.generated).is_some()
    }

    /// Whether the Go version in force is older than 1.`minor`.
    pub fn go_before(&self, minor: u32) -> bool {
        self.go_version.is_some_and(|v| v.before(1, minor))
    }

    /// The methods this file's code may call: its own and those of the
    /// other files of its package.
    pub fn methods(&self) -> package::Methods<'_> {
        package::Methods::new(
            self.facts.summary(),
            self.options.package.as_ref(),
            self.options.test_file,
        )
    }
}

/// A reusable Go parser.
pub struct Analyzer {
    parser: Parser,
}

impl Default for Analyzer {
    fn default() -> Self {
        Self::new()
    }
}

impl Analyzer {
    /// A parser for Go.
    pub fn new() -> Self {
        let mut parser = Parser::new();
        // Setting a language only fails on an ABI mismatch, which the test
        // suite would catch; parsing then reports `ParseFailed`.
        let _ = parser.set_language(&tree_sitter::Language::new(tree_sitter_go::LANGUAGE));
        Analyzer { parser }
    }

    /// Parses `src`, reusing `old` (already edited with `Tree::edit`) for an
    /// incremental reparse. A leading byte-order mark is read as blanks so the
    /// offsets stay those of the text. A text holding a declaration larger
    /// than [`bounds::MAX_DECLARATION_BYTES`] is refused: the parser aborts
    /// the process when it runs out of memory.
    pub fn parse(&mut self, src: &str, old: Option<&Tree>) -> Result<Tree, InputError> {
        if let Some((offset, bytes)) = oversized(src) {
            return Err(InputError::DeclarationTooLarge { offset, bytes });
        }
        self.parse_ranges(src, old)
    }

    /// Parses `src` within the parser's included ranges (see [`Self::parse`]).
    fn parse_ranges(&mut self, src: &str, old: Option<&Tree>) -> Result<Tree, InputError> {
        let bytes = src.as_bytes();
        let bom = bytes.starts_with(b"\xEF\xBB\xBF");
        let mut chunk = |offset: usize, _| -> &[u8] {
            if bom && offset < 3 {
                &b"   "[offset..]
            } else {
                bytes.get(offset..).unwrap_or_default()
            }
        };
        self.parser
            .parse_with_options(&mut chunk, old, None)
            .ok_or(InputError::ParseFailed)
    }

    /// Decodes, parses and checks one file. A large file is checked a slice
    /// of its top-level declarations at a time: see [`Analyzer::check_slices`].
    /// A declaration larger than [`bounds::MAX_DECLARATION_BYTES`] is not
    /// parsed at all: it is reported as skipped.
    pub fn analyze(&mut self, bytes: &[u8], options: &Options) -> Result<Vec<Finding>, InputError> {
        let src = decode(bytes)?;
        let slices = slices(src);
        if slices.len() <= 1 && slices.iter().all(|s| !s.oversized) {
            let tree = self.parse(src, None)?;
            return Ok(analyze_tree(&tree, src, options));
        }
        if let Some(header) = slices.first().and_then(|s| s.header) {
            let bytes = header.end_byte - header.start_byte;
            if bytes > bounds::MAX_DECLARATION_BYTES {
                return Err(InputError::DeclarationTooLarge { offset: 0, bytes });
            }
        }
        let raw = self.check_slices(src, &slices, options);
        Ok(finish(raw?, src, options))
    }

    /// Parses the file `bytes`, named `file`, for its package: what it
    /// tells the other files (see [`summary`]: nothing for a file that is
    /// not Go text, is larger than [`PACKAGE_FILE_BYTES`] or is checked in
    /// slices), and its tree when `keep` (for [`Self::analyze_parsed`]).
    pub fn prepare(&mut self, bytes: &[u8], file: Arc<str>, keep: bool) -> Prepared {
        let parsed = decode(bytes)
            .ok()
            .filter(|src| src.len() <= PACKAGE_FILE_BYTES && !sliced(src))
            .and_then(|src| self.parse(src, None).ok().map(|t| (src, t)));
        match parsed {
            Some((src, tree)) => Prepared {
                summary: Some(Arc::new(FileSummary::of(tree.root_node(), src, file))),
                tree: keep.then_some(tree),
            },
            None => Prepared::default(),
        }
    }

    /// Checks the file `bytes` like [`Self::analyze`], from `tree` when
    /// [`Self::prepare`] kept it (then it is not parsed again).
    pub fn analyze_parsed(
        &mut self,
        bytes: &[u8],
        tree: Option<Tree>,
        options: &Options,
    ) -> Result<Vec<Finding>, InputError> {
        match (tree, decode(bytes)) {
            (Some(tree), Ok(src)) => Ok(analyze_tree(&tree, src, options)),
            _ => self.analyze(bytes, options),
        }
    }

    /// The raw findings of each slice of top-level declarations, each
    /// parsed on its own with the file's header (package clause and
    /// imports) as tree-sitter included ranges, so positions stay those of
    /// the file. A syntax tree takes some 35 bytes of memory per byte of
    /// source, and walking up one costs the number of top-level
    /// declarations at every step, which makes huge generated files
    /// quadratic as one tree. Facts rules gather across declarations (types
    /// that hold locks, shadowed builtins, constants) are those of the
    /// header and the declaration's own slice.
    fn check_slices(
        &mut self,
        src: &str,
        slices: &[Slice],
        options: &Options,
    ) -> Result<Vec<Finding>, InputError> {
        let mut raw = Vec::new();
        let mut result = Ok(());
        for slice in slices {
            if slice.oversized {
                let body = slice.body.start_byte..slice.body.end_byte;
                let message = format!(
                    "this declaration holds {} of source, more than the {} the rules analyse in one \
                     declaration: it was not parsed, and the rules skipped it",
                    bounds::size_text(body.len()),
                    bounds::size_text(bounds::MAX_DECLARATION_BYTES)
                );
                raw.push(bounds::skipped(src, body, message));
                continue;
            }
            let ranges: Vec<tree_sitter::Range> = [slice.header, Some(slice.body)]
                .into_iter()
                .flatten()
                .collect();
            if self.parser.set_included_ranges(&ranges).is_err() {
                result = Err(InputError::ParseFailed);
                break;
            }
            match self.parse_ranges(src, None) {
                Ok(part) => {
                    let body = slice.body.start_byte..slice.body.end_byte;
                    raw.extend(check_ranges(&part, src, options, Some(&[body])));
                }
                Err(e) => {
                    result = Err(e);
                    break;
                }
            }
        }
        // The whole text again for the next file.
        let _ = self.parser.set_included_ranges(&[]);
        result.map(|()| raw)
    }
}

/// At most this many top-level declarations are checked together: see
/// [`Analyzer::check_slices`].
pub const SLICE_DECLARATIONS: usize = 1_000;

/// A slice of declarations ends once it holds this many bytes of source.
pub const SLICE_BYTES: usize = 256 * 1024;

/// Files smaller than this are checked whole without looking for slices:
/// they cannot hold enough declarations to matter.
const SCANNED_BYTES: usize = 32 * 1024;

/// A file larger than this tells nothing to the other files of its package
/// (its methods are not summarised), so callers need not read it for them.
pub const PACKAGE_FILE_BYTES: usize = 4 << 20;

/// A file parsed for its package by [`Analyzer::prepare`].
#[derive(Default)]
pub struct Prepared {
    /// What it tells the other files of its package.
    pub summary: Option<Arc<FileSummary>>,
    /// Its tree, when kept.
    pub tree: Option<Tree>,
}

/// A slice of a file's top-level declarations, with the file's header.
struct Slice {
    /// The package clause and imports (and the comments among them).
    header: Option<tree_sitter::Range>,
    /// From the first declaration of the slice to the next slice.
    body: tree_sitter::Range,
    /// Whether the slice is one declaration larger than
    /// [`bounds::MAX_DECLARATION_BYTES`], which is not parsed.
    oversized: bool,
}

/// Whether [`Analyzer::analyze`] checks `src` in slices (or skips a
/// declaration too large to parse).
pub fn sliced(src: &str) -> bool {
    let slices = slices(src);
    slices.len() > 1 || slices.iter().any(|s| s.oversized)
}

/// The slices of at most [`SLICE_DECLARATIONS`] top-level declarations and
/// about [`SLICE_BYTES`] of `src` (one slice when it is small), found
/// lexically: parsing the whole file first is what slicing avoids. A
/// declaration larger than [`bounds::MAX_DECLARATION_BYTES`] is a slice of
/// its own, marked oversized.
fn slices(src: &str) -> Vec<Slice> {
    if src.len() < SCANNED_BYTES || one_slice(src) {
        return Vec::new();
    }
    let scan = lexical::scan(src);
    let body_start = scan.declarations.iter().position(|d| !d.header);
    let Some(body_start) = body_start else {
        return Vec::new();
    };
    let decls = &scan.declarations[body_start..];
    let mut starts: Vec<(usize, bool)> = Vec::new();
    let mut count = 0;
    for (k, d) in decls.iter().enumerate() {
        let end = decls.get(k + 1).map_or(src.len(), |next| next.at);
        let oversized = end - d.at > bounds::MAX_DECLARATION_BYTES;
        let from = starts.last().copied();
        if oversized
            || from.is_none_or(|(from, big)| {
                big || count == SLICE_DECLARATIONS || d.at - from >= SLICE_BYTES
            })
        {
            starts.push((d.at, oversized));
            count = 0;
        }
        count += 1;
    }
    let mut points = Points::new(src);
    let header = (body_start > 0).then(|| points.range(0, decls[0].at));
    let ends = starts.iter().skip(1).map(|&(at, _)| at).chain([src.len()]);
    let spans: Vec<(usize, usize, bool)> = starts
        .iter()
        .zip(ends)
        .map(|(&(start, oversized), end)| (start, end, oversized))
        .collect();
    spans
        .into_iter()
        .map(|(start, end, oversized)| Slice {
            header,
            body: points.range(start, end),
            oversized,
        })
        .collect()
}

/// Whether `src` is surely one slice, without scanning it: smaller than
/// [`SLICE_BYTES`] (so no declaration is oversized) and spelling the
/// keywords that start a declaration (`func`, `type`, `var`, `const`) at
/// most [`SLICE_DECLARATIONS`] times in all, anywhere, so it cannot hold
/// more declarations than one slice takes. A word search runs many times
/// faster than the lexical scan.
fn one_slice(src: &str) -> bool {
    if src.len() >= SLICE_BYTES {
        return false;
    }
    let mut count = 0;
    for word in ["func", "type", "var", "const"] {
        count += memchr::memmem::find_iter(src.as_bytes(), word).count();
        if count > SLICE_DECLARATIONS {
            return false;
        }
    }
    true
}

/// The offset and size of the first top-level declaration of `src` larger
/// than [`bounds::MAX_DECLARATION_BYTES`], found lexically (only in texts
/// that large).
fn oversized(src: &str) -> Option<(usize, usize)> {
    if src.len() <= bounds::MAX_DECLARATION_BYTES {
        return None;
    }
    let starts: Vec<usize> = lexical::scan(src)
        .declarations
        .iter()
        .map(|d| d.at)
        .collect();
    let ends = starts.iter().skip(1).copied().chain([src.len()]);
    starts
        .iter()
        .zip(ends)
        .map(|(&start, end)| (start, end - start))
        .find(|&(_, bytes)| bytes > bounds::MAX_DECLARATION_BYTES)
}

/// Row and column of increasing byte offsets, counted as tree-sitter does.
struct Points<'a> {
    src: &'a str,
    at: usize,
    point: tree_sitter::Point,
}

impl<'a> Points<'a> {
    fn new(src: &'a str) -> Self {
        Points {
            src,
            at: 0,
            point: tree_sitter::Point { row: 0, column: 0 },
        }
    }

    /// The point of `offset`, at or after every offset asked before.
    fn point(&mut self, offset: usize) -> tree_sitter::Point {
        let bytes = self.src.as_bytes();
        let offset = offset.min(bytes.len());
        for &b in bytes.get(self.at..offset).unwrap_or_default() {
            if b == b'\n' {
                self.point.row += 1;
                self.point.column = 0;
            } else {
                self.point.column += 1;
            }
        }
        self.at = self.at.max(offset);
        self.point
    }

    /// The range from `start` to `end`.
    fn range(&mut self, start: usize, end: usize) -> tree_sitter::Range {
        tree_sitter::Range {
            start_byte: start,
            start_point: self.point(start),
            end_byte: end,
            end_point: self.point(end),
        }
    }
}

/// Runs every enabled rule over a parsed file and finishes the findings.
pub fn analyze_tree(tree: &Tree, src: &str, options: &Options) -> Vec<Finding> {
    let raw = check_ranges(tree, src, options, None);
    finish(raw, src, options)
}

/// The raw findings (before suppressions and severity overrides) of the
/// nodes that intersect `ranges`, or of the whole file when `None`. Rules are
/// intra-procedural, so checking only changed top-level declarations and
/// keeping the earlier findings of the others gives the whole-file result.
pub fn check_ranges(
    tree: &Tree,
    src: &str,
    options: &Options,
    ranges: Option<&[Range<usize>]>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let Ok(engine) = options.catalogue.engine() else {
        return out;
    };
    let ctx = Ctx::new(src, tree, options);
    match ranges {
        None => engine.run(&ctx, None, &mut out),
        Some(ranges) => {
            for range in ranges {
                engine.run(&ctx, Some(range.clone()), &mut out);
            }
        }
    }
    out
}

/// The byte ranges of the top-level declarations of a file, the unit of
/// incremental re-checking.
pub fn top_level_ranges(tree: &Tree) -> Vec<Range<usize>> {
    let root = tree.root_node();
    let mut c = root.walk();
    root.children(&mut c).map(|n| n.byte_range()).collect()
}

/// Applies severity overrides and `//gohint:ignore` comments to raw
/// findings, reports unused or unexplained suppressions, and sorts the
/// result by position.
pub fn finish(mut findings: Vec<Finding>, src: &str, options: &Options) -> Vec<Finding> {
    let generated_file = generated::is_generated(src);
    findings.retain_mut(|f| match options.severity_in(f.rule, generated_file) {
        Some(sev) => {
            f.severity = sev;
            true
        }
        None => false,
    });
    findings.sort_by(|a, b| {
        (a.range.start, a.range.end, a.rule.slug).cmp(&(b.range.start, b.range.end, b.rule.slug))
    });
    findings.dedup_by(|a, b| a.range == b.range && a.rule.slug == b.rule.slug);
    suppress::apply(&mut findings, src, options);
    findings.sort_by(|a, b| {
        (a.range.start, a.range.end, a.rule.slug).cmp(&(b.range.start, b.range.end, b.rule.slug))
    });
    findings
}
