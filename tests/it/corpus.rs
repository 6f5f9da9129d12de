//! The embedded corpus parses into the user's 72 questions with stable ids.

use gohint::corpus;

#[test]
fn corpus_has_72_questions_with_stable_ids() {
    let c = corpus::builtin();
    assert_eq!(c.questions.len(), 72);
    assert!(c
        .front_matter
        .as_deref()
        .is_some_and(|f| f.contains("title: Golang Interview Questions")));
    for id in [
        "how-does-go-handle-dependencies",
        "what-is-the-difference-between-go-build-and-go-run-",
        "whats-the-difference-between-buffered-and-unbuffered-channels",
        "what-is-the-difference-between-unbuffered-and-buffered-channels",
        "what-issues-can-arise-with-a-closed-channel",
        "how-does-go-handle-panics",
        "how-does-go-handle-slice-growth-when-capacity-is-insufficient",
        "what-is-the-select-statement-used-for",
        "what-is-the-purpose-of-the-select-statement-in-go",
    ] {
        assert!(c.question(id).is_some(), "missing question id {id}");
    }
    let ids: std::collections::HashSet<_> = c.questions.iter().map(|q| &q.id).collect();
    assert_eq!(ids.len(), 72, "ids are unique");
}

#[test]
fn answers_keep_subsections_and_code() {
    let q = corpus::builtin()
        .question("how-does-go-handle-panics")
        .expect("question");
    assert!(q.answer.contains("#### Key Concepts"));
    assert!(q.answer.contains("```go"));
    let closed = corpus::builtin()
        .question("what-issues-can-arise-with-a-closed-channel")
        .expect("question");
    let excerpt = closed.excerpt(Some("Double Close"));
    assert!(excerpt.starts_with("4. **Double Close**"), "{excerpt}");
    assert!(excerpt.contains("close(ch) // This will panic"));
    assert!(!excerpt.contains("Race Conditions"));
}

#[test]
fn repeated_headings_get_unique_ids() {
    let c = corpus::parse("## A\n### Same?\none\n### Same?\ntwo\n```\n### not a heading\n```\n");
    let ids: Vec<_> = c.questions.iter().map(|q| q.id.as_str()).collect();
    assert_eq!(ids, ["same", "same-1"]);
    assert!(c.questions[1].answer.contains("### not a heading"));
}

#[test]
fn every_erratum_is_anchored_to_a_passage_of_its_answer_and_recorded_in_the_audit() {
    let c = corpus::builtin();
    let audit =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/corpus-audit.md"))
            .expect("docs/corpus-audit.md");
    let mut ids = std::collections::HashSet::new();
    for e in corpus::ERRATA {
        assert!(ids.insert(e.id), "{} is used twice", e.id);
        let q = c
            .question(e.question)
            .unwrap_or_else(|| panic!("{}: no question {}", e.id, e.question));
        assert!(!e.passages.is_empty(), "{} anchors nothing", e.id);
        for p in e.passages {
            assert!(
                q.answer.contains(p),
                "{}: the passage {p:?} is not in the answer of {}",
                e.id,
                e.question
            );
        }
        assert!(
            audit.contains(&format!("| {} |", e.id)),
            "{} has no row in docs/corpus-audit.md",
            e.id
        );
    }
}

fn explain(id: &str) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gohint"))
        .args(["--explain", id])
        .output()
        .expect("run gohint");
    assert!(out.status.success(), "--explain {id}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn corrections_are_shown_where_their_passage_is_shown_and_only_there() {
    let panics = explain("how-does-go-handle-panics");
    assert!(panics.contains("This line won't be reached due to panic"));
    assert!(
        panics.contains("**Note:** it is reached: the deferred `recoverFromPanic` stops the panic"),
        "{panics}"
    );
    assert!(panics.contains("**Note:** `recover` must be called *directly*"));

    // A rule quoting the select example carries the correction of its output…
    let busy = explain("select-default-busy-loop");
    assert!(busy.contains("No communication ready."));
    assert!(
        busy.contains("prints `No communication ready.` at once"),
        "{busy}"
    );
    // …and one quoting another part of the same answer does not.
    let send = explain("send-after-close");
    assert!(!send.contains("**Note:**"), "{send}");

    // A question whose answer is wrong is shown with the correction.
    let limit = explain("how-can-you-limit-the-number-of-goroutines-running-concurrently");
    assert!(limit.contains("it limits nothing"), "{limit}");
}

#[test]
fn a_passage_wrong_beyond_a_note_is_never_shown() {
    let answer = explain("how-can-concurrent-safety-be-ensured-when-using-shared-memory-in-go");
    assert!(
        answer.contains("sync.Map"),
        "the rest of the answer is shown"
    );
    assert!(!answer.contains("Certainly!"), "{answer}");
}

/// `gohint corpus check [ARGS]`: exit code and stdout; `None` when this
/// machine has no Go toolchain outside CI (CI installs one, so there it fails).
fn corpus_check(args: &[&str]) -> Option<(i32, String)> {
    if std::process::Command::new("go")
        .arg("version")
        .output()
        .is_err()
    {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install the Go toolchain for the corpus check"
        );
        eprintln!("skipped: no `go` on PATH");
        return None;
    }
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gohint"))
        .args(["corpus", "check"])
        .args(args)
        .output()
        .expect("run gohint");
    Some((
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    ))
}

#[test]
fn every_go_block_of_the_corpus_compiles_and_prints_what_its_text_claims_or_is_corrected() {
    let Some((code, out)) = corpus_check(&[]) else {
        return;
    };
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("80 Go blocks, 0 with a problem"), "{out}");
    // The programs whose output the text gets wrong are found by running them…
    let panics = out
        .lines()
        .find(|l| l.contains("[how-does-go-handle-panics]"))
        .unwrap_or_default();
    assert!(panics.contains("corrected by E12"), "{panics}");
    assert!(panics.contains("| End\""), "{panics}");
    // …and the examples with `// Output:` comments print what they say.
    assert!(out.contains("[explain-the-concept-of-function-composition-in-go]: runs; prints what the text claims"), "{out}");
    assert!(out.contains("[how-does-go-handle-slice-growth-when-capacity-is-insufficient]: runs; prints what the text claims"), "{out}");
}

#[test]
fn a_team_corpus_with_a_wrong_example_fails_the_check() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("team.md");
    std::fs::write(
        &path,
        "## Team\n### What does this print?\n\n```go\npackage main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(1 + 1) }\n```\n\nOutput:\n\n```\n3\n```\n\n### Sum?\n\n```go\nfmt.Println(2 * 2) // Output: 4\n```\n\n### Broken?\n\n```go\nx := 1 +\n```\n",
    )
    .expect("write corpus");
    let Some((code, out)) = corpus_check(&[path.to_str().unwrap_or_default()]) else {
        return;
    };
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(":4: PROBLEM [what-does-this-print]: prints \"2\", the text claims \"3\""),
        "{out}"
    );
    assert!(
        out.contains(":20: ok [sum]: runs; prints what the text claims"),
        "{out}"
    );
    assert!(
        out.contains(":26: PROBLEM [broken]: does not compile"),
        "{out}"
    );
    assert!(
        out.contains("3 Go blocks, 2 with a problem no erratum corrects"),
        "{out}"
    );
}

#[test]
fn every_rule_s_quoted_passage_is_recorded_as_checked_in_the_audit() {
    let audit =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/corpus-audit.md"))
            .expect("docs/corpus-audit.md");
    let table = audit
        .split("## The passages the rules quote")
        .nth(1)
        .expect("the audit's table of the rules' passages");
    for rule in gohint::rules::RULES {
        assert!(
            table.contains(&format!("| `{}` |", rule.slug)),
            "{} has no row in the audit's table of the rules' passages",
            rule.slug
        );
    }
}
