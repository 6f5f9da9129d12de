//! Quiz items: "what does this print?" from corpus blocks whose output is
//! verified, "spot the bug" and "which fix is right?" from the rules'
//! examples, and recall questions on every corpus question. Each item is
//! multiple choice; its choices are shuffled by a seed and the item's id.

use super::example;
use super::verified::{Verified, VERIFIED};
use super::Rng;
use crate::analysis::Rule;
use crate::analysis::{Analyzer, Options};
use crate::corpus::{self, Question};
use crate::explain;
use crate::rules::RULES;

/// What an item asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// What does this corpus program print?
    Output,
    /// Which problem does this code have?
    SpotBug,
    /// Which snippet is the right version?
    Fix,
    /// Which sentence answers this corpus question?
    Recall,
}

impl Kind {
    /// The kind's name in item ids and output.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Output => "output",
            Kind::SpotBug => "bug",
            Kind::Fix => "fix",
            Kind::Recall => "recall",
        }
    }
}

/// One quiz question.
#[derive(Clone, Debug)]
pub struct Item {
    /// Stable id: `<kind>:<corpus question or rule>`.
    pub id: String,
    /// What it asks.
    pub kind: Kind,
    /// The corpus question it is about (progress is kept per question).
    pub question: &'static str,
    /// The rule whose examples it shows, for bug and fix items.
    pub rule: Option<&'static Rule>,
    /// The question asked, one line.
    pub prompt: String,
    /// Go code shown with the prompt.
    pub code: Option<String>,
    /// The choices, shuffled; code choices span several lines.
    pub choices: Vec<String>,
    /// Index of the right choice.
    pub answer: usize,
    /// What is shown after the answer (markdown): the right answer's reason,
    /// the corpus passage and the corrections that apply to it.
    pub explanation: String,
}

/// Whether `typed` answers `item` rightly: a choice letter (`a`, `b`, …) or
/// the text of a choice, ignoring case and white space. `None` when it is
/// neither.
pub fn grade(item: &Item, typed: &str) -> Option<bool> {
    let typed = typed.trim();
    let mut letters = typed.chars();
    if let (Some(c), None) = (letters.next(), letters.next()) {
        let lower = c.to_ascii_lowercase();
        if lower.is_ascii_lowercase() {
            let index = (lower as u8 - b'a') as usize;
            return (index < item.choices.len()).then_some(index == item.answer);
        }
    }
    let key = squash(typed);
    if key.is_empty() {
        return None;
    }
    item.choices
        .iter()
        .position(|c| squash(c) == key)
        .map(|i| i == item.answer)
}

/// `text` lower-cased without white space or a final full stop.
fn squash(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect::<String>()
        .trim_end_matches('.')
        .to_string()
}

/// Every item, in catalog order: outputs, bugs and fixes, then recall.
/// `seed` orders each item's choices.
pub fn every_item(seed: u64) -> Vec<Item> {
    let mut items: Vec<Item> = VERIFIED.iter().filter_map(|v| output(v, seed)).collect();
    for rule in RULES.iter().copied() {
        items.extend(spot_bug(rule, seed));
        items.extend(fix(rule, seed));
    }
    let sentences: Vec<(&'static Question, String)> = corpus::builtin()
        .questions
        .iter()
        .filter_map(|q| first_sentence(q).map(|s| (q, s)))
        .collect();
    items.extend(
        sentences
            .iter()
            .filter_map(|(q, right)| recall(q, right, &sentences, seed)),
    );
    items
}

/// Shuffles `right` in among `wrong` (at most three) and builds the item.
fn multiple_choice(
    kind: Kind,
    key: &str,
    right: String,
    wrong: Vec<String>,
    seed: u64,
) -> Option<(String, Vec<String>, usize)> {
    let mut choices = vec![right.clone()];
    for w in wrong {
        if choices.len() == 4 {
            break;
        }
        if !w.trim().is_empty() && !choices.iter().any(|c| squash(c) == squash(&w)) {
            choices.push(w);
        }
    }
    if choices.len() < 2 {
        return None;
    }
    let id = format!("{}:{key}", kind.name());
    Rng::keyed(seed, &id).shuffle(&mut choices);
    let answer = choices.iter().position(|c| *c == right)?;
    Some((id, choices, answer))
}

/// "What does this print?" for a verified block.
fn output(v: &Verified, seed: u64) -> Option<Item> {
    let corpus = corpus::builtin();
    let q = corpus.question(v.question)?;
    let block = corpus::go_blocks(corpus::SOURCE, corpus)
        .into_iter()
        .find(|b| b.question == v.question && b.code.contains(v.marker))?;
    let right = v.output.join("\n");
    let lines: Vec<String> = v.output.iter().map(|s| s.to_string()).collect();
    let mut wrong = Vec::new();
    if !block.claims.is_empty() {
        wrong.push(block.claims.join("\n"));
    }
    if lines.len() > 1 {
        wrong.push(lines[..lines.len() - 1].join("\n"));
    }
    wrong.push(scale_last_number(&lines, |n| n * 2));
    wrong.push(scale_last_number(&lines, |n| n / 2));
    wrong.push(lines.iter().rev().cloned().collect::<Vec<_>>().join("\n"));
    wrong.push("fatal error: all goroutines are asleep - deadlock!".to_string());
    let (id, choices, answer) = multiple_choice(Kind::Output, v.marker, right, wrong, seed)?;
    let code = strip_output_comments(&block.code);
    let passage = explain::blockquote(&corpus::without_withdrawn(&q.id, &q.excerpt(None)));
    let explanation = format!(
        "It prints:\n\n```text\n{}\n```\n\n## Q: {}\n\n{}\n{}\nFull answer: `gohint --explain {}`\n",
        v.output.join("\n"),
        q.question,
        passage,
        explain::notes(&q.id, &format!("{}\n{}", q.excerpt(None), block.code)),
        q.id
    );
    Some(Item {
        id,
        kind: Kind::Output,
        question: v.question,
        rule: None,
        prompt: "What does this print?".to_string(),
        code: Some(code),
        choices,
        answer,
        explanation,
    })
}

/// `lines` with the last number of the last line that has one changed by
/// `f`; empty when no number changes.
fn scale_last_number(lines: &[String], f: impl Fn(u64) -> u64) -> String {
    let mut out = lines.to_vec();
    for line in out.iter_mut().rev() {
        let bytes = line.as_bytes();
        let Some(end) = bytes.iter().rposition(u8::is_ascii_digit) else {
            continue;
        };
        let start = bytes[..end]
            .iter()
            .rposition(|b| !b.is_ascii_digit())
            .map_or(0, |p| p + 1);
        let Ok(n) = line[start..=end].parse::<u64>() else {
            return String::new();
        };
        let m = f(n);
        if m == n {
            return String::new();
        }
        line.replace_range(start..=end, &m.to_string());
        return out.join("\n");
    }
    String::new()
}

/// `code` without its `// Output: …` comments, which give the answer away.
fn strip_output_comments(code: &str) -> String {
    code.lines()
        .map(|l| match l.split_once("// Output:") {
            Some((before, _)) => before.trim_end(),
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A rule example without its `// …` comments, which name the problem
/// (`//gohint:` directives stay: they are the code).
fn without_comments(code: &str) -> String {
    code.lines()
        .filter_map(|l| match l.find("// ") {
            Some(i) if l[..i].trim().is_empty() => None,
            Some(i) => Some(l[..i].trim_end()),
            None => Some(l),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The rules that flag Go fragment `code` (a rule's example) put in a
/// file of its own: summaries that describe it too are no wrong answer.
fn flagged_in(code: &str) -> Vec<&'static str> {
    let file = example::as_file(code);
    Analyzer::new()
        .analyze(file.as_bytes(), &Options::default())
        .unwrap_or_default()
        .iter()
        .map(|f| f.rule.slug)
        .collect()
}

/// The rules that cite another corpus question than `rule` (those citing
/// the same one describe look-alike problems), in an order drawn from `rng`.
fn others(rule: &Rule, rng: &mut Rng) -> Vec<&'static Rule> {
    let mut far: Vec<&'static Rule> = RULES
        .iter()
        .copied()
        .filter(|r| r.question != rule.question)
        .collect();
    rng.shuffle(&mut far);
    far
}

/// What a rule says about its problem, with the corpus passage it quotes.
fn rule_explanation(rule: &Rule) -> String {
    let quoted = explain::quote(rule);
    let mut out = format!(
        "`{}`: {}.\n\n**Why it matters:** {}\n",
        rule.slug, rule.summary, rule.why
    );
    if let Some(fix) = rule.fix {
        out.push_str(&format!("\n**Fix:** {fix}\n"));
    }
    if let Some(q) = explain::question_of(rule) {
        out.push_str(&format!(
            "\n## Q: {}\n\n{}\n{}",
            q.question,
            explain::blockquote(&quoted),
            explain::notes(&q.id, &quoted)
        ));
    }
    out.push_str(&format!("\nMore: `gohint --explain {}`\n", rule.slug));
    out
}

/// "Spot the bug": a rule's bad example, the rule's summary among others.
fn spot_bug(rule: &'static Rule, seed: u64) -> Option<Item> {
    if rule.bad.is_empty() {
        return None;
    }
    let mut rng = Rng::keyed(seed, rule.slug);
    let flagged = flagged_in(rule.bad);
    let wrong = others(rule, &mut rng)
        .into_iter()
        .filter(|r| !flagged.contains(&r.slug))
        .map(|r| r.summary.to_string())
        .collect();
    let (id, choices, answer) = multiple_choice(
        Kind::SpotBug,
        rule.slug,
        rule.summary.to_string(),
        wrong,
        seed,
    )?;
    Some(Item {
        id,
        kind: Kind::SpotBug,
        question: rule.question,
        rule: Some(rule),
        prompt: "Spot the bug: what is wrong with this code?".to_string(),
        code: Some(without_comments(rule.bad)),
        choices,
        answer,
        explanation: rule_explanation(rule),
    })
}

/// "Which fix is right?": the rule's good example against the bad one and
/// other rules' bad examples, all of which some rule flags.
fn fix(rule: &'static Rule, seed: u64) -> Option<Item> {
    if rule.bad.is_empty() || rule.good.is_empty() || rule.bad == rule.good {
        return None;
    }
    let mut rng = Rng::keyed(seed, rule.good);
    let mut wrong = vec![without_comments(rule.bad)];
    wrong.extend(
        others(rule, &mut rng)
            .into_iter()
            .map(|r| without_comments(r.bad)),
    );
    let (id, choices, answer) = multiple_choice(
        Kind::Fix,
        rule.slug,
        without_comments(rule.good),
        wrong,
        seed,
    )?;
    Some(Item {
        id,
        kind: Kind::Fix,
        question: rule.question,
        rule: Some(rule),
        prompt: format!(
            "gohint reports `{}`: {}. Which of these is right?",
            rule.slug, rule.message
        ),
        code: Some(without_comments(rule.bad)),
        choices,
        answer,
        explanation: format!(
            "The right version:\n\n```go\n{}\n```\n\n{}",
            rule.good,
            rule_explanation(rule)
        ),
    })
}

/// "Which sentence answers this question?": the first sentence of its
/// answer among those of other questions (`sentences`), of the same
/// category first.
fn recall(
    q: &'static Question,
    right: &str,
    sentences: &[(&'static Question, String)],
    seed: u64,
) -> Option<Item> {
    let mut rng = Rng::keyed(seed, &q.id);
    let mut same: Vec<&String> = Vec::new();
    let mut rest: Vec<&String> = Vec::new();
    for (other, sentence) in sentences.iter().filter(|(o, _)| o.id != q.id) {
        if other.category == q.category {
            same.push(sentence);
        } else {
            rest.push(sentence);
        }
    }
    rng.shuffle(&mut same);
    rng.shuffle(&mut rest);
    let wrong = same.into_iter().chain(rest).cloned().collect();
    let right = right.to_string();
    let (id, choices, answer) = multiple_choice(Kind::Recall, &q.id, right, wrong, seed)?;
    let quoted = corpus::without_withdrawn(&q.id, &q.excerpt(None));
    Some(Item {
        id,
        kind: Kind::Recall,
        question: q.id.as_str(),
        rule: None,
        prompt: format!("{} Which answer is right?", q.question),
        code: None,
        choices,
        answer,
        explanation: format!(
            "## Q: {}\n\n{}\n{}\nFull answer: `gohint --explain {}`\n",
            q.question,
            explain::blockquote(&quoted),
            explain::notes(&q.id, &quoted),
            q.id
        ),
    })
}

/// The longest a recall choice gets, in characters.
const SENTENCE_MAX: usize = 240;

/// The first sentence of a question's answer (prose before any code,
/// heading or table), without emphasis marks.
fn first_sentence(q: &Question) -> Option<String> {
    let text = corpus::without_withdrawn(&q.id, &q.excerpt(None));
    let mut joined = String::new();
    for raw in text
        .lines()
        .take_while(|l| !l.trim_start().starts_with("```"))
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
    {
        let line = raw.trim();
        if line.starts_with('|') {
            joined = table_row(&text).unwrap_or_default();
            break;
        }
        let item = list_item(line);
        if item.is_some() && raw.starts_with(char::is_whitespace) {
            continue;
        }
        let body = item.map_or(line, |i| i.trim_end_matches(':'));
        if !joined.is_empty() {
            let sep = if item.is_some() && !joined.ends_with([':', '.']) {
                ", "
            } else {
                " "
            };
            joined.push_str(sep);
        }
        joined.push_str(body);
    }
    let joined = joined.replace("**", "");
    let end = joined
        .match_indices(". ")
        .map(|(i, _)| i + 1)
        .next()
        .unwrap_or(joined.len());
    let sentence = joined[..end].trim();
    if sentence.chars().count() < 12 {
        return None;
    }
    if sentence.chars().count() <= SENTENCE_MAX {
        return Some(sentence.to_string());
    }
    let cut: String = sentence.chars().take(SENTENCE_MAX).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    Some(format!("{cut}…"))
}

/// The text of a list item line (`- x`, `* x`, `1. x`), if it is one.
fn list_item(line: &str) -> Option<&str> {
    if let Some(rest) = line.strip_prefix("- ").or_else(|| line.strip_prefix("* ")) {
        return Some(rest.trim());
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    line.get(digits..)
        .filter(|_| digits > 0)
        .and_then(|rest| rest.strip_prefix(". "))
        .map(str::trim)
}

/// The first data row of the first markdown table of `text`, as
/// `header: cell` pairs after the row's own first cell.
fn table_row(text: &str) -> Option<String> {
    let cells = |l: &str| -> Vec<String> {
        l.trim()
            .trim_matches('|')
            .split('|')
            .map(|c| c.trim().replace("**", ""))
            .collect()
    };
    let mut rows = text.lines().filter(|l| l.trim_start().starts_with('|'));
    let header = cells(rows.next()?);
    let row = cells(rows.nth(1)?);
    let pairs: Vec<String> = header
        .iter()
        .zip(&row)
        .skip(1)
        .map(|(h, c)| format!("{h}: {c}"))
        .collect();
    (!pairs.is_empty()).then(|| format!("{}.", pairs.join("; ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_corpus_question_has_a_recall_item_with_four_distinct_choices() {
        let items = every_item(1);
        let recall: Vec<&Item> = items.iter().filter(|i| i.kind == Kind::Recall).collect();
        assert_eq!(recall.len(), corpus::builtin().questions.len());
        for item in recall {
            assert_eq!(item.choices.len(), 4, "{}", item.id);
            let mut keys: Vec<String> = item.choices.iter().map(|c| squash(c)).collect();
            keys.sort();
            keys.dedup();
            assert_eq!(keys.len(), 4, "{}: {:?}", item.id, item.choices);
        }
    }

    #[test]
    fn every_rule_has_a_bug_and_a_fix_item_whose_right_choice_is_its_own() {
        let items = every_item(3);
        for rule in RULES {
            let bug = items
                .iter()
                .find(|i| i.id == format!("bug:{}", rule.slug))
                .expect("bug item");
            assert_eq!(bug.choices[bug.answer], rule.summary);
            assert!(!bug.code.as_deref().unwrap_or_default().contains("// "));
            assert!(bug.choices.len() == 4);
            let fix = items
                .iter()
                .find(|i| i.id == format!("fix:{}", rule.slug))
                .expect("fix item");
            assert_eq!(fix.choices[fix.answer], without_comments(rule.good));
            assert_eq!(fix.choices.len(), 4);
            assert!(fix.choices.iter().any(|c| *c == without_comments(rule.bad)));
        }
    }

    #[test]
    fn every_verified_block_is_found_and_its_code_does_not_give_the_output_away() {
        let items = every_item(5);
        let outputs: Vec<&Item> = items.iter().filter(|i| i.kind == Kind::Output).collect();
        assert_eq!(outputs.len(), VERIFIED.len());
        for item in outputs {
            let code = item.code.as_deref().unwrap_or_default();
            assert!(!code.contains("// Output:"), "{code}");
            assert!(item.choices.len() >= 3, "{}: {:?}", item.id, item.choices);
        }
        let select = items
            .iter()
            .find(|i| i.question == "what-is-the-select-statement-used-for")
            .expect("select item");
        assert!(
            select
                .choices
                .iter()
                .any(|c| c == "Received from channel1: 42"),
            "the corpus's wrong claim is a choice: {:?}",
            select.choices
        );
        assert!(select.explanation.contains("**Note:**"));
    }

    #[test]
    fn choices_depend_on_the_seed_only() {
        let order = |seed| -> Vec<usize> { every_item(seed).iter().map(|i| i.answer).collect() };
        assert_eq!(order(11), order(11));
        assert_ne!(order(11), order(12));
    }

    #[test]
    fn answers_are_graded_by_letter_or_text() {
        let items = every_item(2);
        let item = items
            .iter()
            .find(|i| i.id.starts_with("output:") && i.choices[i.answer].contains('\n'))
            .expect("a multi-line output item");
        let letter = (b'a' + item.answer as u8) as char;
        assert_eq!(grade(item, &letter.to_string()), Some(true));
        assert_eq!(
            grade(item, &letter.to_ascii_uppercase().to_string()),
            Some(true)
        );
        let wrong = (b'a' + ((item.answer + 1) % item.choices.len()) as u8) as char;
        assert_eq!(grade(item, &wrong.to_string()), Some(false));
        let typed = item.choices[item.answer].replace('\n', " ");
        assert_eq!(grade(item, &typed), Some(true));
        assert_eq!(grade(item, "z"), None);
        assert_eq!(grade(item, "   "), None);
        assert_eq!(grade(item, "no such answer"), None);
    }

    #[test]
    fn a_lead_in_takes_the_names_of_its_list_items() {
        let q = corpus::builtin()
            .question("what-issues-can-arise-with-a-closed-channel")
            .expect("question");
        let s = first_sentence(q).expect("sentence");
        assert!(
            s.starts_with("Closed channels in Go can lead to several issues"),
            "{s}"
        );
        assert!(s.contains(": Panic on Send"), "{s}");
        assert!(!s.contains("**") && !s.contains(" 1."), "{s}");
        let q = corpus::builtin()
            .question("what-is-the-difference-between-go-build-and-go-run-")
            .expect("question");
        let s = first_sentence(q).expect("sentence");
        assert!(s.contains("`go run`: Compile and run in one step"), "{s}");
    }

    #[test]
    fn a_bad_example_is_flagged_by_its_own_rule_and_no_wrong_choice_describes_it() {
        let items = every_item(6);
        for slug in ["double-close", "mutex-copy", "unbuffered-send-deadlock"] {
            let rule = crate::rules::CATALOGUE.find(slug).expect("rule");
            assert!(flagged_in(rule.bad).contains(&slug), "{slug}");
        }
        for rule in RULES {
            let flagged = flagged_in(rule.bad);
            let bug = items
                .iter()
                .find(|i| i.id == format!("bug:{}", rule.slug))
                .expect("bug item");
            for other in RULES.iter().filter(|r| r.slug != rule.slug) {
                if bug.choices.iter().any(|c| c == other.summary) {
                    assert!(!flagged.contains(&other.slug), "{}", rule.slug);
                }
            }
        }
    }

    #[test]
    fn numbers_are_scaled_in_the_last_line_that_has_one() {
        let lines = vec!["0 2".to_string(), "3 4".to_string(), "done".to_string()];
        assert_eq!(scale_last_number(&lines, |n| n * 2), "0 2\n3 8\ndone");
        assert_eq!(scale_last_number(&["x".to_string()], |n| n * 2), "");
        assert_eq!(scale_last_number(&["0".to_string()], |n| n * 2), "");
    }
}
