//! Hovers: on a finding, the rule's explanation; on a Go construct the
//! corpus explains, that question. Markdown, or plain text for clients that
//! do not render markdown.

use super::documents::State;
use crate::analysis::syntax;
use crate::analysis::{self, Finding, Options};
use crate::concepts::{self, Concept};
use crate::corpus::TeamQuestion;
use crate::explain;
use serde_json::Value;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Mutex, OnceLock, PoisonError};
use tree_sitter::Tree;

/// The settings key, as the editor sends it.
pub(crate) const HOVER_CONCEPTS: &str = "hoverConcepts";

/// Which constructs get a concept hover: the `hoverConcepts` setting.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ConceptHovers {
    /// Every construct the corpus explains.
    All,
    /// The first construct of each kind in a function (the default): a
    /// loop full of channel sends explains the send once.
    #[default]
    First,
    /// None: hovers explain findings only.
    Off,
}

impl ConceptHovers {
    /// Removes `hoverConcepts` from the settings section `rest` (or the
    /// object holding it under `gohint`) and reads it; a bad value keeps
    /// the default and is described in the warning.
    pub fn take(rest: &mut Value) -> (ConceptHovers, Option<String>) {
        let section = match rest.get_mut("gohint") {
            Some(section) => section,
            None => rest,
        };
        let Some(value) = section
            .as_object_mut()
            .and_then(|s| s.remove(HOVER_CONCEPTS))
        else {
            return (ConceptHovers::default(), None);
        };
        match value.as_str() {
            Some("all") => (ConceptHovers::All, None),
            Some("first") => (ConceptHovers::First, None),
            Some("off") => (ConceptHovers::Off, None),
            _ => (
                ConceptHovers::default(),
                Some(format!(
                    "settings: `gohint.{HOVER_CONCEPTS}` = {value} is not one of \"all\", \"first\", \"off\"; using the default (\"first\")"
                )),
            ),
        }
    }
}

/// The hover text at byte `offset` of an analysed document whose syntax
/// tree is `tree`, and the span it is about.
pub fn at(
    state: &State,
    tree: &Tree,
    offset: usize,
    markdown: bool,
    concept_hovers: ConceptHovers,
) -> Option<(String, Range<usize>)> {
    let analysis = state.analysis.as_ref()?;
    let team = state
        .resolved
        .as_ref()
        .map_or(&[][..], |r| r.team.as_slice());
    let checked;
    let findings = match (&state.resolved, state.unpublished_from) {
        (Some(resolved), Some(from)) if offset >= from => {
            let mut options = resolved.options.clone();
            options.package.clone_from(&state.package);
            checked = declaration_findings(state, tree, offset, &options);
            &checked[..]
        }
        _ => analysis.findings(),
    };
    let (text, range) = findings_at(findings, offset, state).or_else(|| {
        let hit = concepts::at(tree, &state.text, offset)?;
        let shown = match concept_hovers {
            ConceptHovers::All => true,
            ConceptHovers::First => first_of_its_kind(tree, &state.text, &hit),
            ConceptHovers::Off => false,
        };
        shown.then(|| (concept_text(hit.concept, team), hit.range))
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
    let text = concept_text(hit.concept, team);
    Some((if markdown { text } else { plain(&text) }, hit.range))
}

/// The explanation of `concept` (markdown) with the questions of `team`
/// that claim it: rendered once per concept when none does, as the corpus
/// and the table are fixed.
fn concept_text(concept: &'static Concept, team: &[TeamQuestion]) -> String {
    if team
        .iter()
        .any(|t| t.concepts.iter().any(|c| c == concept.name))
    {
        return explain::concept_markdown(concept, team);
    }
    // By address: the concepts are statics.
    static RENDERED: OnceLock<Mutex<HashMap<usize, String>>> = OnceLock::new();
    let rendered = RENDERED.get_or_init(Mutex::default);
    let mut rendered = rendered.lock().unwrap_or_else(PoisonError::into_inner);
    rendered
        .entry(std::ptr::from_ref(concept) as usize)
        .or_insert_with(|| explain::concept_markdown(concept, &[]))
        .clone()
}

/// Whether `hit` is the first construct of its concept in the innermost
/// function (or, outside functions, the top-level declaration) holding it:
/// that scope is found going down from the top-level declaration, and the
/// query runs on it only, up to the hit.
fn first_of_its_kind(tree: &Tree, src: &str, hit: &concepts::Hit) -> bool {
    let root = tree.root_node();
    let (start, end) = (hit.range.start, hit.range.end);
    let Some(node) = root.descendant_for_byte_range(start, end) else {
        return true;
    };
    let Some(top) = root
        .first_child_for_byte(start)
        .filter(|top| top.start_byte() <= start)
    else {
        return true;
    };
    let mut scope = top;
    let mut at = top;
    while at != node {
        match at.child_with_descendant(node) {
            Some(next) => at = next,
            None => break,
        }
        if syntax::is_function(at) {
            scope = at;
        }
    }
    !concepts::any_before(tree, scope, src, hit.concept, start)
}

/// The findings of the top-level declaration of `tree` holding `offset`:
/// for a document that keeps only the findings it publishes.
fn declaration_findings(
    state: &State,
    tree: &Tree,
    offset: usize,
    options: &Options,
) -> Vec<Finding> {
    let root = tree.root_node();
    let mut cursor = root.walk();
    let Some(declaration) = root
        .children(&mut cursor)
        .find(|n| n.start_byte() <= offset && offset < n.end_byte())
    else {
        return Vec::new();
    };
    let raw = analysis::check_ranges(
        tree,
        &state.text,
        options,
        Some(&[declaration.byte_range()]),
    );
    analysis::finish(raw, &state.text, options)
}

/// The explanation of the unsuppressed findings whose span holds `offset`
/// in the document `state`.
fn findings_at(
    findings: &[Finding],
    offset: usize,
    state: &State,
) -> Option<(String, Range<usize>)> {
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
        let mut part = explain::finding_markdown(f.rule, &f.message);
        part.push_str(&steps(f, state));
        parts.push(part);
    }
    Some((parts.join("\n---\n\n"), range))
}

/// The way a finding with several related locations comes about, one
/// step a line (`line 12`, or the file for another file of the package):
/// empty for a finding with fewer than two.
fn steps(f: &Finding, state: &State) -> String {
    if f.related.len() < 2 {
        return String::new();
    }
    let mut out = String::from("\n**Step by step:**\n");
    for (i, r) in f.related.iter().enumerate() {
        let place = match &r.file {
            None => format!("line {}", state.index.line_of(r.range.start) + 1),
            Some(file) => {
                let name = std::path::Path::new(&**file)
                    .file_name()
                    .map_or_else(|| file.to_string(), |n| n.to_string_lossy().into_owned());
                format!("in `{name}`")
            }
        };
        out.push_str(&format!("{}. {} ({place})\n", i + 1, r.message));
    }
    out
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
