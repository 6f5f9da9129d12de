//! The teaching text of a rule or corpus question, as markdown: shared by
//! `gohint --explain`, hovers and the `gohint.explain` command.

use crate::analysis::{Linter, Peer, Rule};
use crate::concepts::Concept;
use crate::corpus::{self, Question, TeamQuestion};
use crate::rules::preset::Preset;
use crate::rules::RULES;

/// The corpus question a rule cites (`None` only if the corpus lacks it,
/// which the test suite rules out).
pub fn question_of(rule: &Rule) -> Option<&'static Question> {
    corpus::builtin().question(rule.question)
}

/// The part of the corpus answer a rule quotes.
pub fn quote(rule: &Rule) -> String {
    question_of(rule)
        .map(|q| excerpt(q, rule.topic))
        .unwrap_or_default()
}

/// `text` as a markdown block quote.
pub fn blockquote(text: &str) -> String {
    text.lines()
        .map(|l| {
            if l.is_empty() {
                ">".to_string()
            } else {
                format!("> {l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The corrections of question `id` that apply to `shown` (the part of its
/// answer about to be shown), as markdown paragraphs each starting with a
/// blank line, or nothing.
pub fn notes(id: &str, shown: &str) -> String {
    corpus::errata_for(id, shown)
        .filter_map(|e| e.note.map(|note| (note, e.reference)))
        .map(|(note, reference)| format!("\n**Note:** {note} ({reference})\n"))
        .collect()
}

/// The part of question `q`'s answer a rule or construct quotes, without any
/// passage that is wrong beyond a note.
fn excerpt(q: &Question, topic: Option<&str>) -> String {
    corpus::without_withdrawn(&q.id, &q.excerpt(topic))
}

/// A rule's full page, the same for `docs/rules/`, `gohint --explain` and
/// SARIF help: what it does, why it matters (with the corpus answer it
/// quotes), an example, what to use instead, how safe its fix is, its known
/// problems, since when it exists, which other linters report the same, and
/// references.
pub fn rule_markdown(rule: &Rule) -> String {
    let mut out = format!(
        "# {} ({})

## What it does

{}.

## Why it matters

{}
",
        rule.slug,
        rule.severity.name(),
        rule.summary,
        rule.why
    );
    if let Some(q) = question_of(rule) {
        let quoted = excerpt(q, rule.topic);
        out.push_str(&format!(
            "\n### Q: {}\n\n{}\n{}",
            q.question,
            blockquote(&quoted),
            notes(&q.id, &quoted)
        ));
    }
    out.push_str(&format!(
        "\n## Example\n\n```go\n{}\n```\n\n## Use instead\n\n",
        rule.bad
    ));
    if let Some(fix) = rule.fix {
        out.push_str(&format!("{fix}\n\n"));
    }
    out.push_str(&format!("```go\n{}\n```\n", rule.good));
    if let Some(newer) = rule.use_instead {
        out.push_str(&format!("\n**Alternative:** {newer}\n"));
    }
    out.push_str(&format!("\n## Fix safety\n\n{}\n", rule.fix_safety));
    out.push_str("\n## Known problems\n\n");
    if rule.known_problems.is_empty() {
        out.push_str("None known.\n");
    } else {
        for problem in rule.known_problems {
            out.push_str(&format!("- {problem}\n"));
        }
    }
    out.push_str(&format!(
        "\n## Since\n\ngohint {}; applies to code for {}.\n",
        rule.since,
        go_versions(rule)
    ));
    if !rule.also_reported_by.is_empty() {
        out.push_str("\n## Also reported by\n\n");
        for peer in rule.also_reported_by {
            out.push_str(&format!("- {}\n", peer_markdown(peer)));
        }
    }
    if !rule.references.is_empty() {
        out.push_str("\n## References\n\n");
        for url in rule.references {
            out.push_str(&format!("- <{url}>\n"));
        }
    }
    out
}

/// The Go versions a rule applies to, as a phrase: "every Go version", "Go
/// before 1.22".
fn go_versions(rule: &Rule) -> String {
    if rule.go == "all" {
        "every Go version".to_string()
    } else {
        format!("Go {}", rule.go)
    }
}

/// One check of another linter: its name and id, linked where the linter
/// has a page per check, and what it covers when that is less.
fn peer_markdown(peer: &Peer) -> String {
    let id = match peer.linter {
        Linter::Staticcheck => {
            format!("[`{0}`](https://staticcheck.dev/docs/checks/#{0})", peer.id)
        }
        _ => format!("`{}`", peer.id),
    };
    let mut out = format!("{} {id}", peer.linter.name());
    if !peer.scope.is_empty() {
        out.push_str(&format!(" ({})", peer.scope));
    }
    out
}

/// How many lines of the corpus a finding's hover quotes.
const HOVER_QUOTE_LINES: usize = 3;

/// A finding's hover: the message once, why it matters, the fix, the newer
/// alternative when there is one, at most
/// [`HOVER_QUOTE_LINES`] lines of the corpus passage (with the corrections
/// of what they show) and where the full answer is. No headings: hovers are
/// small popups.
pub fn finding_markdown(rule: &Rule, message: &str) -> String {
    let mut out = format!(
        "**gohint({})** {}: {message}\n\n**Why:** {}\n",
        rule.slug,
        rule.severity.name(),
        rule.why
    );
    if let Some(fix) = rule.fix {
        out.push_str(&format!("\n**Fix:** {fix}\n"));
    }
    if let Some(newer) = rule.use_instead {
        out.push_str(&format!("\n**Use instead:** {newer}\n"));
    }
    if let Some(q) = question_of(rule) {
        let quoted = excerpt(q, rule.topic);
        let shown = hover_lines(&quoted);
        if !shown.is_empty() {
            out.push_str(&format!(
                "\n{}\n{}",
                blockquote(&shown),
                notes(&q.id, &shown)
            ));
        }
        out.push_str(&format!(
            "\nQ: {} — full answer: `gohint --explain {}`\n",
            q.question, rule.slug
        ));
    }
    out
}

/// The first lines of prose of a quote: no heading lines, and nothing from
/// a code block on.
fn hover_lines(quote: &str) -> String {
    quote
        .lines()
        .take_while(|l| !l.trim_start().starts_with("```"))
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .take(HOVER_QUOTE_LINES)
        .collect::<Vec<_>>()
        .join("\n")
}

/// A corpus question's full answer.
pub fn question_markdown(q: &Question) -> String {
    let cited: Vec<&str> = RULES
        .iter()
        .filter(|r| r.question == q.id)
        .map(|r| r.slug)
        .collect();
    let answer = corpus::without_withdrawn(&q.id, &q.answer);
    let mut out = format!(
        "# Q: {}\n\n{}\n{}",
        q.question,
        answer,
        notes(&q.id, &answer)
    );
    if !cited.is_empty() {
        out.push_str(&format!(
            "\nRules that cite this question: {}\n",
            cited.join(", ")
        ));
    }
    let related: Vec<String> = related(q)
        .iter()
        .map(|r| format!("- Q: {} (`{}`)", r.question, r.id))
        .collect();
    if !related.is_empty() {
        out.push_str(&format!("\nRelated questions:\n{}\n", related.join("\n")));
    }
    out
}

/// The most related questions listed under a question's answer.
const RELATED_MAX: usize = 8;

/// Questions related to `q`: those that explain a Go construct with it,
/// then those of its category.
pub fn related(q: &Question) -> Vec<&'static Question> {
    let corpus = corpus::builtin();
    let shared = crate::concepts::every()
        .filter(|c| c.cites.iter().any(|cite| cite.question == q.id))
        .flat_map(|c| c.cites.iter().map(|cite| cite.question));
    let same_category = corpus
        .questions
        .iter()
        .filter(|o| q.category.is_some() && o.category == q.category)
        .map(|o| o.id.as_str());
    let mut out: Vec<&'static Question> = Vec::new();
    for id in shared.chain(same_category) {
        if out.len() == RELATED_MAX {
            break;
        }
        if id != q.id && !out.iter().any(|o| o.id == id) {
            out.extend(corpus.question(id));
        }
    }
    out
}

/// What the corpus says about a Go construct: its label, the most specific
/// question with the part of its answer about the construct, then the
/// related questions.
pub fn concept_markdown(concept: &Concept, team: &[TeamQuestion]) -> String {
    let corpus = corpus::builtin();
    let mut cites = concept
        .cites
        .iter()
        .filter_map(|c| corpus.question(c.question).map(|q| (q, c.topic)));
    let mut out = format!("**{}**\n", concept.label);
    if let Some((q, topic)) = cites.next() {
        let quoted = excerpt(q, topic);
        let code = example(q, topic, &quoted);
        out.push_str(&format!(
            "\n**Q: {}**\n\n{}\n{}{}\nFull answer: `gohint --explain {}`\n",
            q.question,
            blockquote(&quoted),
            code,
            notes(&q.id, &format!("{quoted}\n{code}")),
            q.id
        ));
    }
    let also: Vec<String> = cites
        .map(|(q, _)| format!("- Q: {} (`{}`)", q.question, q.id))
        .collect();
    if !also.is_empty() {
        out.push_str(&format!("\nAlso:\n{}\n", also.join("\n")));
    }
    for t in team
        .iter()
        .filter(|t| t.concepts.iter().any(|c| c == concept.name))
    {
        out.push_str(&format!(
            "\n**Team Q: {}**\n\n{}\n\n({})\n",
            t.question.question,
            blockquote(&t.question.excerpt(None)),
            t.file
        ));
    }
    out
}

/// The quoted part's Go example as a fenced block preceded by a blank line,
/// unless `excerpt` already holds code.
fn example(q: &Question, topic: Option<&str>, excerpt: &str) -> String {
    if excerpt.contains("```") {
        return String::new();
    }
    q.example(topic)
        .map(|code| format!("\n```go\n{code}\n```\n"))
        .unwrap_or_default()
}

/// The explanation for `id`: a rule slug, else a corpus question id.
pub fn markdown(id: &str) -> Option<String> {
    crate::rules::CATALOGUE
        .find(id)
        .map(rule_markdown)
        .or_else(|| corpus::builtin().question(id).map(question_markdown))
}

/// The markdown table of every rule (slug, severity, what it flags, corpus
/// question), as the README shows it.
pub fn rule_table() -> String {
    let mut out = String::from(
        "| rule | group | ci | learn | flags | learn from |\n|---|---|---|---|---|---|\n",
    );
    for rule in RULES {
        let q = question_of(rule).map_or("", |q| q.question.as_str());
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} | {} |\n",
            rule.slug,
            rule.group.name(),
            Preset::Ci.level(rule).name(),
            Preset::Learn.level(rule).name(),
            rule.summary.replace('|', "\\|"),
            q.replace('|', "\\|")
        ));
    }
    out
}
