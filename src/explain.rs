//! The teaching text of a rule or corpus question, as markdown: shared by
//! `gohint --explain`, hovers and the `gohint.explain` command.

use crate::concepts::Concept;
use crate::corpus::{self, Question, TeamQuestion};
use crate::rules::preset::Preset;
use crate::rules::{Rule, RULES};

/// The corpus question a rule cites (`None` only if the corpus lacks it,
/// which the test suite rules out).
pub fn question_of(rule: &Rule) -> Option<&'static Question> {
    corpus::builtin().question(rule.question)
}

/// The part of the corpus answer a rule quotes.
pub fn quote(rule: &Rule) -> String {
    question_of(rule)
        .map(|q| q.excerpt(rule.topic))
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

/// The errata note for question `id`, as a markdown paragraph starting
/// with a blank line, or nothing.
pub fn note(id: &str) -> String {
    corpus::erratum(id)
        .map(|e| format!("\n**Note:** {} ({})\n", e.note, e.reference))
        .unwrap_or_default()
}

/// A rule's full explanation: summary, why, the quoted corpus answer, the
/// fix and a bad/good example.
pub fn rule_markdown(rule: &Rule) -> String {
    let mut out = format!(
        "# {} ({})\n\n{}.\n\n**Why it matters:** {}\n",
        rule.slug,
        rule.severity.name(),
        rule.summary,
        rule.why
    );
    if let Some(q) = question_of(rule) {
        out.push_str(&format!(
            "\n## Q: {}\n\n{}\n{}",
            q.question,
            blockquote(&q.excerpt(rule.topic)),
            note(&q.id)
        ));
    }
    if let Some(fix) = rule.fix {
        out.push_str(&format!("\n## Fix\n\n{fix}\n"));
    }
    out.push_str(&format!(
        "\n## Bad\n\n```go\n{}\n```\n\n## Good\n\n```go\n{}\n```\n",
        rule.bad, rule.good
    ));
    out
}

/// A corpus question's full answer.
pub fn question_markdown(q: &Question) -> String {
    let cited: Vec<&str> = RULES
        .iter()
        .filter(|r| r.question == q.id)
        .map(|r| r.slug)
        .collect();
    let mut out = format!("# Q: {}\n\n{}\n{}", q.question, q.answer, note(&q.id));
    if !cited.is_empty() {
        out.push_str(&format!(
            "\nRules that cite this question: {}\n",
            cited.join(", ")
        ));
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
        let excerpt = q.excerpt(topic);
        out.push_str(&format!(
            "\n## Q: {}\n\n{}\n{}{}\nFull answer: `gohint --explain {}`\n",
            q.question,
            blockquote(&excerpt),
            example(q, &excerpt),
            note(&q.id),
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
            "\n## Team Q: {}\n\n{}\n\n({})\n",
            t.question.question,
            blockquote(&t.question.excerpt(None)),
            t.file
        ));
    }
    out
}

/// The answer's first Go code example as a fenced block preceded by a
/// blank line, unless `excerpt` already holds code.
fn example(q: &Question, excerpt: &str) -> String {
    if excerpt.contains("```") {
        return String::new();
    }
    first_code_block(&q.answer)
        .map(|code| format!("\n```go\n{code}\n```\n"))
        .unwrap_or_default()
}

/// The body of the first fenced code block of `markdown`, dedented to the
/// fence's indentation.
fn first_code_block(markdown: &str) -> Option<String> {
    let mut lines = markdown.lines();
    let open = lines.find(|l| l.trim_start().starts_with("```"))?;
    let indent = open.len() - open.trim_start().len();
    let body: Vec<&str> = lines
        .take_while(|l| !l.trim_start().starts_with("```"))
        .map(|l| {
            let strip = l.len() - l.trim_start().len();
            l.get(strip.min(indent)..).unwrap_or(l)
        })
        .collect();
    (!body.is_empty()).then(|| body.join("\n"))
}

/// The explanation for `id`: a rule slug, else a corpus question id.
pub fn markdown(id: &str) -> Option<String> {
    crate::rules::find(id)
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
