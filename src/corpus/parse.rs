//! Markdown Q&A parsing: headings outside code fences split the document.

use super::{slugify, Category, Corpus, Question};
use std::collections::HashMap;

/// A markdown line with what it is, outside or inside a code fence.
struct Line<'a> {
    text: &'a str,
    /// Heading level (1–6) when the line is an ATX heading outside a fence.
    level: Option<usize>,
    /// Whether the line is a fence line or inside a fenced code block.
    fenced: bool,
}

/// Splits `text` into lines, marking headings that sit outside code fences.
fn lines(text: &str) -> Vec<Line<'_>> {
    let mut fence: Option<&str> = None;
    text.lines()
        .map(|raw| {
            let trimmed = raw.trim_start();
            let marker = ["```", "~~~"].into_iter().find(|m| trimmed.starts_with(m));
            match (fence, marker) {
                (Some(open), Some(m)) if m == open => {
                    fence = None;
                    return Line {
                        text: raw,
                        level: None,
                        fenced: true,
                    };
                }
                (None, Some(m)) => {
                    fence = Some(m);
                    return Line {
                        text: raw,
                        level: None,
                        fenced: true,
                    };
                }
                _ => {}
            }
            let level = if fence.is_none() {
                heading_level(raw)
            } else {
                None
            };
            Line {
                text: raw,
                level,
                fenced: fence.is_some(),
            }
        })
        .collect()
}

/// The ATX heading level of `line` (`## x` → 2), if it is one.
fn heading_level(line: &str) -> Option<usize> {
    let hashes = line.bytes().take_while(|&b| b == b'#').count();
    let rest = &line[hashes..];
    ((1..=6).contains(&hashes) && (rest.is_empty() || rest.starts_with([' ', '\t'])))
        .then_some(hashes)
}

/// The text of a heading line without its `#` marks.
fn heading_text(line: &str) -> String {
    line.trim_start_matches('#')
        .trim()
        .trim_end_matches('#')
        .trim()
        .to_string()
}

/// Parses a Q&A document: front matter, `#` title, `##` categories and
/// `###` questions. Ids are slugs made unique with `-1`, `-2`, … suffixes.
pub fn parse(text: &str) -> Corpus {
    let mut corpus = Corpus::default();
    let mut body = text;
    let mut line_offset = 0;
    if let Some(rest) = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))
    {
        if let Some(end) = rest.find("\n---") {
            corpus.front_matter = Some(rest[..end].trim_end().to_string());
            let after = &rest[end + 4..];
            let after = after.split_once('\n').map_or("", |(_, r)| r);
            line_offset = text[..text.len() - after.len()].lines().count();
            body = after;
        }
    }
    let lines = lines(body);
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut current: Option<(Question, Vec<&str>)> = None;
    let finish = |current: &mut Option<(Question, Vec<&str>)>, corpus: &mut Corpus| {
        if let Some((mut q, answer)) = current.take() {
            q.answer = answer.join("\n").trim().to_string();
            corpus.questions.push(q);
        }
    };
    for (i, line) in lines.iter().enumerate() {
        match line.level {
            Some(1) if corpus.title.is_none() && current.is_none() => {
                corpus.title = Some(heading_text(line.text));
            }
            Some(level @ 1..=3) => {
                finish(&mut current, &mut corpus);
                let title = heading_text(line.text);
                let mut id = slugify(&title);
                let n = seen.entry(id.clone()).or_insert(0);
                if *n > 0 {
                    id = format!("{id}-{n}");
                }
                *n += 1;
                if level == 3 {
                    let q = Question {
                        id,
                        question: title,
                        category: corpus.categories.len().checked_sub(1),
                        answer: String::new(),
                        line: line_offset + i + 1,
                    };
                    current = Some((q, Vec::new()));
                } else if level == 2 {
                    corpus.categories.push(Category { id, title });
                }
            }
            _ => {
                if let Some((_, answer)) = current.as_mut() {
                    answer.push(line.text);
                }
            }
        }
    }
    finish(&mut current, &mut corpus);
    corpus
}

/// Lower-cased text with markdown emphasis and code marks removed.
fn plain(text: &str) -> String {
    text.chars()
        .filter(|c| !matches!(c, '*' | '`' | '_'))
        .collect::<String>()
        .to_lowercase()
}

/// The `####`-or-deeper sub-section of `answer` whose heading mentions
/// `topic`, heading included, up to the next heading of the same or a
/// higher level.
pub(super) fn section(answer: &str, topic: &str) -> Option<String> {
    let topic = plain(topic);
    let lines = lines(answer);
    let start = lines
        .iter()
        .position(|l| l.level.is_some() && plain(&heading_text(l.text)).contains(&topic))?;
    let level = lines[start].level?;
    let end = lines[start + 1..]
        .iter()
        .position(|l| l.level.is_some_and(|n| n <= level))
        .map_or(lines.len(), |p| start + 1 + p);
    Some(join(&lines[start..end]))
}

/// The list item of `answer` that names `topic`, with its indented
/// continuation lines (code blocks included).
pub(super) fn list_item(answer: &str, topic: &str) -> Option<String> {
    let topic = plain(topic);
    let lines = lines(answer);
    let is_item = |t: &str| {
        let t = t.trim_start();
        t.starts_with("- ") || t.starts_with("* ") || {
            let digits = t.bytes().take_while(u8::is_ascii_digit).count();
            digits > 0 && t[digits..].starts_with(". ")
        }
    };
    let indent = |t: &str| t.len() - t.trim_start().len();
    let start = lines
        .iter()
        .position(|l| is_item(l.text) && plain(l.text).contains(&topic))?;
    let base = indent(lines[start].text);
    let end = lines[start + 1..]
        .iter()
        .position(|l| !l.text.trim().is_empty() && indent(l.text) <= base)
        .map_or(lines.len(), |p| start + 1 + p);
    Some(join(&lines[start..end]))
}

/// How many blocks a lead-in ("…:") may pull into a first paragraph.
const LEAD_IN_BLOCKS: usize = 3;

/// The first paragraph of `answer`: up to the first blank line or heading.
/// A paragraph that ends on a lead-in (`…:`) takes the block it introduces
/// (a list, a code block), so that no quote ends on "as follows:".
pub(super) fn first_paragraph(answer: &str) -> String {
    let all = lines(answer.trim());
    let blank = |l: &Line<'_>| !l.fenced && l.text.trim().is_empty();
    // An answer that opens with a sub-heading is quoted from its first paragraph.
    let first = all
        .iter()
        .position(|l| !blank(l) && l.level.is_none())
        .unwrap_or(0);
    let lines = &all[first..];
    let mut end = 0;
    for _ in 0..=LEAD_IN_BLOCKS {
        let start = end + lines[end..].iter().take_while(|l| blank(l)).count();
        if lines.get(start).is_none_or(|l| l.level.is_some()) {
            break;
        }
        end = start
            + lines[start..]
                .iter()
                .take_while(|l| l.fenced || (!blank(l) && l.level.is_none()))
                .count();
        if !join(&lines[..end]).ends_with(':') {
            break;
        }
    }
    if end == 0 {
        return answer
            .trim()
            .split("\n\n")
            .next()
            .unwrap_or_default()
            .trim()
            .to_string();
    }
    join(&lines[..end]).trim().to_string()
}

/// The body of the first fenced Go code block of `markdown`, dedented to the
/// fence's indentation.
pub(super) fn first_go_block(markdown: &str) -> Option<String> {
    let mut rest = markdown.lines();
    let open = rest.find(|l| l.trim_start().starts_with("```go"))?;
    let indent = open.len() - open.trim_start().len();
    let body: Vec<&str> = rest
        .take_while(|l| !l.trim_start().starts_with("```"))
        .map(|l| {
            let strip = l.len() - l.trim_start().len();
            l.get(strip.min(indent)..).unwrap_or(l)
        })
        .collect();
    (!body.is_empty()).then(|| body.join("\n"))
}

/// The lead of `answer`: everything before its first heading.
pub(super) fn lead(answer: &str) -> String {
    let lines = lines(answer);
    let end = lines
        .iter()
        .position(|l| l.level.is_some())
        .unwrap_or(lines.len());
    join(&lines[..end])
}

/// Joins lines back into trimmed markdown.
fn join(lines: &[Line<'_>]) -> String {
    lines
        .iter()
        .map(|l| l.text)
        .collect::<Vec<_>>()
        .join("\n")
        .trim_end()
        .to_string()
}
