//! `//gohint:ignore` and `//gohint:file-ignore` comments.
//!
//! `//gohint:ignore slug[,slug] -- reason` silences those rules on its own
//! line and on the line below; `//gohint:file-ignore slug -- reason` for the
//! whole file. A directive with no reason, naming an unknown rule, or
//! silencing nothing is itself reported as `unused-ignore`.

use super::{lexical, unused_ignore, Finding, Options};
use crate::text::LineIndex;

/// One parsed directive.
struct Directive {
    /// The comment's byte range.
    range: std::ops::Range<usize>,
    /// Whether it covers the whole file.
    file: bool,
    /// The slugs it names.
    slugs: Vec<String>,
    /// The reason after `--`, if any.
    reason: Option<String>,
    /// 0-based line of the comment.
    line: usize,
    /// How many findings it silenced.
    used: usize,
}

const MARK: &str = "//gohint:";

/// Finds the directives of `src` (only in real comments, not strings).
fn directives(src: &str, line_of: &dyn Fn(usize) -> usize) -> Vec<Directive> {
    let mut out = Vec::new();
    for range in lexical::scan(src).comments {
        let at = range.start;
        let comment = src.get(range.clone()).unwrap_or("");
        let Some(body) = comment.strip_prefix(MARK) else {
            continue;
        };
        let (file, rest) = if let Some(r) = body.strip_prefix("file-ignore") {
            (true, r)
        } else if let Some(r) = body.strip_prefix("ignore") {
            (false, r)
        } else {
            continue;
        };
        let (names, reason) = match rest.split_once("--") {
            Some((n, r)) => (n, Some(r.trim().to_string()).filter(|r| !r.is_empty())),
            None => (rest.split(" //").next().unwrap_or(rest), None),
        };
        let slugs = names
            .split([',', ' ', '\t'])
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        out.push(Directive {
            range,
            file,
            slugs,
            reason,
            line: line_of(at),
            used: 0,
        });
    }
    out
}

/// Marks suppressed findings and appends `unused-ignore` findings.
pub(super) fn apply(findings: &mut Vec<Finding>, src: &str, options: &Options) {
    if !src.contains(MARK) {
        return;
    }
    let index = LineIndex::new(src);
    let line_of = |offset: usize| index.line_of(offset) as usize;
    let mut dirs = directives(src, &line_of);
    for f in findings.iter_mut() {
        let line = line_of(f.range.start);
        let hit = dirs.iter_mut().find(|d| {
            d.slugs.iter().any(|s| s == f.rule.slug)
                && (d.file || d.line == line || d.line + 1 == line)
        });
        if let Some(d) = hit {
            d.used += 1;
            f.suppressed = Some(d.reason.clone().unwrap_or_default());
        }
    }
    let Some(severity) = options.severity(&unused_ignore::RULE) else {
        return;
    };
    for d in dirs {
        let unknown: Vec<&str> = d
            .slugs
            .iter()
            .map(String::as_str)
            .filter(|s| options.catalogue.find(s).is_none())
            .collect();
        let problem = if d.slugs.is_empty() {
            "this gohint directive names no rule".to_string()
        } else if !unknown.is_empty() {
            format!("unknown rule {} in gohint directive", unknown.join(", "))
        } else if d.used == 0 {
            "this gohint:ignore silences nothing: remove it".to_string()
        } else if d.reason.is_none() {
            "gohint:ignore without a reason: add `-- <why this is safe>`".to_string()
        } else {
            continue;
        };
        let mut finding = Finding::new(&unused_ignore::RULE, d.range.clone()).message(problem);
        finding.severity = severity;
        findings.push(finding);
    }
}
