//! Hovers: on a finding, the rule's explanation; on a Go construct the
//! corpus explains, that question. Markdown, or plain text for clients that
//! do not render markdown.

use super::documents::State;
use crate::analysis::Finding;
use crate::{concepts, explain};
use std::ops::Range;
use tree_sitter::Tree;

/// The hover text at byte `offset` of an analysed document whose syntax
/// tree is `tree`, and the span it is about.
pub fn at(
    state: &State,
    tree: &Tree,
    offset: usize,
    markdown: bool,
) -> Option<(String, Range<usize>)> {
    let analysis = state.analysis.as_ref()?;
    let team = state
        .resolved
        .as_ref()
        .map_or(&[][..], |r| r.team.as_slice());
    let (text, range) = findings_at(analysis.findings(), offset).or_else(|| {
        concepts::at(tree, &state.text, offset)
            .map(|hit| (explain::concept_markdown(hit.concept, team), hit.range))
    })?;
    Some((if markdown { text } else { plain(&text) }, range))
}

/// The hover text at byte `offset` of a `go.mod` document, and the span it
/// is about: the directive there and the question that explains it.
pub fn module_file(state: &State, offset: usize, markdown: bool) -> Option<(String, Range<usize>)> {
    let team = state
        .resolved
        .as_ref()
        .map_or(&[][..], |r| r.team.as_slice());
    let hit = concepts::gomod::at(&state.text, offset)?;
    let text = explain::concept_markdown(hit.concept, team);
    Some((if markdown { text } else { plain(&text) }, hit.range))
}

/// The explanation of the unsuppressed findings whose span holds `offset`.
fn findings_at(findings: &[Finding], offset: usize) -> Option<(String, Range<usize>)> {
    let here: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.suppressed.is_none())
        .filter(|f| f.range.start <= offset && offset < f.range.end.max(f.range.start + 1))
        .collect();
    let range = here
        .iter()
        .map(|f| f.range.clone())
        .min_by_key(Range::len)?;
    let mut parts: Vec<String> = Vec::new();
    let mut seen = Vec::new();
    for f in here {
        if seen.contains(&f.rule.slug) {
            continue;
        }
        seen.push(f.rule.slug);
        parts.push(explain::finding_markdown(f.rule, &f.message));
    }
    Some((parts.join("\n---\n\n"), range))
}

/// Markdown made readable as plain text: no fences, heading marks, quote
/// marks, rules or bold marks; code keeps its indentation.
fn plain(markdown: &str) -> String {
    let mut out = Vec::new();
    let mut in_code = false;
    for line in markdown.lines() {
        let line = line
            .strip_prefix("> ")
            .or_else(|| line.strip_prefix('>'))
            .unwrap_or(line);
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            out.push(line.to_string());
        } else if line.trim() != "---" {
            let line = if line.starts_with('#') {
                line.trim_start_matches('#').trim_start()
            } else {
                line
            };
            out.push(line.replace("**", ""));
        }
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::plain;

    #[test]
    fn plain_text_drops_markup_but_keeps_code() {
        let md = "# double-close (error)\n\n**Why it matters:** x\n\n> quoted\n>\n> ```go\n> \tclose(ch)\n> ```\n---\n```go\n    x := 1\n```\n";
        assert_eq!(
            plain(md),
            "double-close (error)\n\nWhy it matters: x\n\nquoted\n\n\tclose(ch)\n    x := 1"
        );
    }
}
