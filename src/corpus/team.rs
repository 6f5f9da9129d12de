//! Team corpora: extra markdown Q&A files in the corpus's shape (`##`
//! categories, `###` questions) whose questions claim Go constructs with
//! `<!-- gohint: concepts=go-statement,close -->` right under the heading.
//! Pure: a file name and its text in, questions and warnings out.

use super::{parse, Question};

/// A question of a team corpus and the constructs it claims.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TeamQuestion {
    /// The question; its answer no longer holds the claim comment.
    pub question: Question,
    /// Concept names it claims.
    pub concepts: Vec<String>,
    /// The file it comes from, as given.
    pub file: String,
}

/// The marker that opens a claim comment.
const CLAIM: &str = "<!-- gohint:";

/// Parses the team corpus `text` read from `file`; `known` tells whether a
/// concept name exists. Warnings name the file and the 1-based line.
pub fn parse_team(
    file: &str,
    text: &str,
    known: impl Fn(&str) -> bool,
) -> (Vec<TeamQuestion>, Vec<String>) {
    let corpus = parse(text);
    let mut warnings = Vec::new();
    if corpus.questions.is_empty() {
        warnings.push(format!(
            "{file}:1: no `###` questions found; a team corpus has `##` categories and `###` questions"
        ));
    }
    let mut out = Vec::new();
    for mut q in corpus.questions {
        let mut concepts = Vec::new();
        let first = q.answer.lines().next().unwrap_or_default().trim();
        let claim_line = text
            .lines()
            .enumerate()
            .skip(q.line)
            .find(|(_, l)| !l.trim().is_empty())
            .map_or(q.line + 1, |(i, _)| i + 1);
        if let Some(rest) = first.strip_prefix(CLAIM) {
            match rest
                .strip_suffix("-->")
                .map(str::trim)
                .and_then(|r| r.strip_prefix("concepts="))
            {
                Some(list) => {
                    for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
                        if known(name) {
                            concepts.push(name.to_string());
                        } else {
                            warnings.push(format!(
                                "{file}:{claim_line}: unknown concept `{name}` (`gohint --list-concepts` lists them); it is ignored"
                            ));
                        }
                    }
                }
                None => warnings.push(format!(
                    "{file}:{claim_line}: malformed claim; write `<!-- gohint: concepts=name,name -->` on one line"
                )),
            }
            q.answer = q
                .answer
                .split_once('\n')
                .map_or("", |(_, rest)| rest)
                .trim()
                .to_string();
        }
        if q.answer.is_empty() {
            warnings.push(format!(
                "{file}:{}: question `{}` has no answer",
                q.line, q.question
            ));
        }
        out.push(TeamQuestion {
            question: q,
            concepts,
            file: file.to_string(),
        });
    }
    (out, warnings)
}

#[cfg(test)]
mod tests {
    use super::parse_team;

    const TEAM: &str = "# Team notes\n\n## Concurrency\n\n### How do we stop workers?\n<!-- gohint: concepts=go-statement, close -->\n\nWe close the `quit` channel.\n\n### Who owns a channel?\n<!-- gohint: concepts=close,nope -->\nThe sender.\n\n### Broken claim\n<!-- gohint: go-statement -->\nText.\n";

    #[test]
    fn claims_are_read_and_stripped_and_problems_named_by_line() {
        let (qs, warnings) = parse_team("team.md", TEAM, |n| n == "go-statement" || n == "close");
        assert_eq!(qs.len(), 3);
        assert_eq!(qs[0].question.id, "how-do-we-stop-workers");
        assert_eq!(qs[0].concepts, ["go-statement", "close"]);
        assert_eq!(qs[0].question.answer, "We close the `quit` channel.");
        assert_eq!(qs[1].concepts, ["close"]);
        assert!(qs[2].concepts.is_empty());
        assert_eq!(qs[2].question.answer, "Text.");
        assert_eq!(
            warnings,
            [
                "team.md:11: unknown concept `nope` (`gohint --list-concepts` lists them); it is ignored",
                "team.md:15: malformed claim; write `<!-- gohint: concepts=name,name -->` on one line",
            ]
        );
    }

    #[test]
    fn a_file_without_questions_is_reported() {
        let (qs, warnings) = parse_team("notes.md", "just text\n", |_| true);
        assert!(qs.is_empty());
        assert_eq!(
            warnings,
            ["notes.md:1: no `###` questions found; a team corpus has `##` categories and `###` questions"]
        );
    }
}
