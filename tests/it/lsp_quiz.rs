//! "Quiz me on this": the code action on a construct the corpus explains and
//! the `gohint.quiz` command it runs, through the real binary over stdio.

use crate::common::{capabilities, position, Client};
use serde_json::{json, Value};

const URI: &str = "file:///tmp/gohint-quiz/stop.go";

const SRC: &str = "package stop

import \"fmt\"

func stop(done chan struct{}) {
	defer close(done)
	go fmt.Println(\"stopping\")
}
";

/// The code actions at byte `offset` of [`SRC`], asked for with
/// `trigger_kind` (1 invoked, 2 automatic; `None` unsaid) and `only`.
fn actions_at(
    c: &mut Client,
    offset: usize,
    trigger_kind: Option<u8>,
    only: Option<Value>,
) -> Vec<Value> {
    let at = position(SRC, offset, false);
    let mut context = json!({"diagnostics": []});
    if let Some(kind) = trigger_kind {
        context["triggerKind"] = json!(kind);
    }
    if let Some(only) = only {
        context["only"] = only;
    }
    let result = c.result(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": URI}, "range": {"start": at, "end": at}, "context": context}),
    );
    result.as_array().cloned().unwrap_or_default()
}

fn quizzes(actions: &[Value]) -> Vec<&Value> {
    actions
        .iter()
        .filter(|a| a["kind"] == "quickfix.gohint.quiz")
        .collect()
}

fn started() -> Client {
    let mut c = Client::start(capabilities(false, true));
    c.open(URI, SRC);
    c.diagnostics(URI, 1);
    c
}

#[test]
fn quiz_me_is_offered_on_a_construct_when_asked_for_and_not_on_every_cursor_move() {
    let mut c = started();
    let go = SRC.find("go fmt").expect("go statement");
    let actions = actions_at(&mut c, go, Some(1), None);
    let quiz = quizzes(&actions);
    assert_eq!(quiz.len(), 1, "{actions:?}");
    assert_eq!(quiz[0]["title"], "Quiz me on this: What is a goroutine?");
    assert_eq!(quiz[0]["command"]["command"], "gohint.quiz");
    assert_eq!(
        quiz[0]["command"]["arguments"],
        json!([{"concept": "go-statement"}])
    );

    let close = SRC.find("close(done)").expect("close");
    let actions = actions_at(
        &mut c,
        close,
        Some(1),
        Some(json!(["quickfix.gohint.quiz"])),
    );
    let quiz = quizzes(&actions);
    assert_eq!(quiz.len(), 1, "{actions:?}");
    assert_eq!(
        quiz[0]["command"]["arguments"],
        json!([{"concept": "close"}])
    );

    // In the Quick Fix menu (which asks for quick fixes only), but not on the
    // automatic requests of a moving cursor, not when other kinds are
    // wanted, and not where no construct is.
    assert_eq!(
        quizzes(&actions_at(&mut c, go, Some(1), Some(json!(["quickfix"])))).len(),
        1
    );
    assert!(quizzes(&actions_at(&mut c, go, Some(2), None)).is_empty());
    assert!(quizzes(&actions_at(&mut c, go, None, None)).is_empty());
    assert!(quizzes(&actions_at(&mut c, go, Some(1), Some(json!(["refactor"])))).is_empty());
    let blank = SRC.find("\n\nimport").expect("blank line") + 1;
    assert!(quizzes(&actions_at(&mut c, blank, Some(1), None)).is_empty());
    assert!(c.stop().success());
}

#[test]
fn the_quiz_command_returns_a_question_on_the_concept_with_choices_answer_and_explanation() {
    let mut c = started();
    let ask = |c: &mut Client, args: Value| {
        c.result(
            "workspace/executeCommand",
            json!({"command": "gohint.quiz", "arguments": [args]}),
        )
    };
    let q = ask(&mut c, json!({"concept": "go-statement", "seed": 7}));
    assert_eq!(q["question"], "what-is-a-goroutine", "{q}");
    assert_eq!(q["title"], "What is a goroutine?");
    let choices = q["choices"].as_array().cloned().unwrap_or_default();
    assert!(choices.len() >= 2, "{q}");
    let answer = q["answer"].as_u64().expect("answer index") as usize;
    assert!(answer < choices.len(), "{q}");
    assert!(!q["prompt"].as_str().unwrap_or_default().is_empty(), "{q}");
    let explanation = q["explanation"].as_str().unwrap_or_default();
    assert!(
        explanation.contains("What is a goroutine?"),
        "{explanation}"
    );
    assert!(["output", "bug", "fix", "recall"].contains(&q["kind"].as_str().unwrap_or_default()));
    // The same seed asks the same question; a question id works as well.
    assert_eq!(
        ask(&mut c, json!({"concept": "go-statement", "seed": 7})),
        q
    );
    let by_id = ask(
        &mut c,
        json!({"question": "what-issues-can-arise-with-a-closed-channel", "seed": 3}),
    );
    assert_eq!(
        by_id["question"],
        "what-issues-can-arise-with-a-closed-channel"
    );
    let bare = ask(&mut c, json!("close"));
    assert_eq!(
        bare["question"], "what-issues-can-arise-with-a-closed-channel",
        "{bare}"
    );

    // Bad arguments are errors that say what is wrong, and the server goes on.
    for bad in [json!({"concept": "no-such-concept"}), json!(42), json!({})] {
        let err = c.request(
            "workspace/executeCommand",
            json!({"command": "gohint.quiz", "arguments": [bad]}),
        );
        assert_eq!(err["error"]["code"], -32602, "{err}");
    }
    let none = c.request(
        "workspace/executeCommand",
        json!({"command": "gohint.quiz"}),
    );
    assert!(
        none["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("concept"),
        "{none}"
    );
    assert!(ask(&mut c, json!({"concept": "select", "seed": 1}))["choices"].is_array());
    assert!(c.stop().success());
}

#[test]
fn the_server_lists_the_quiz_command() {
    let mut c = Client::spawn();
    let init = c.initialize(capabilities(false, true), None);
    let commands = &init["capabilities"]["executeCommandProvider"]["commands"];
    assert!(
        commands
            .as_array()
            .is_some_and(|a| a.contains(&json!("gohint.quiz"))),
        "{commands}"
    );
    let kinds = &init["capabilities"]["codeActionProvider"]["codeActionKinds"];
    assert_eq!(*kinds, json!(["quickfix"]));
    assert!(c.stop().success());
}

#[test]
fn concepts_in_file_name_each_constructs_question_and_short_answer() {
    let mut c = started();
    let items = c.result(
        "workspace/executeCommand",
        json!({"command": "gohint.conceptsInFile", "arguments": [URI]}),
    );
    let items = items.as_array().cloned().unwrap_or_default();
    let go = items
        .iter()
        .find(|i| i["concept"] == "go-statement")
        .unwrap_or_else(|| panic!("no go statement in {items:?}"));
    assert_eq!(go["question"], "What is a goroutine?");
    assert_eq!(go["questions"][0], "what-is-a-goroutine");
    let answer = go["answer"].as_str().unwrap_or_default();
    assert!(answer.contains("lightweight thread"), "{answer}");
    assert!(
        items
            .iter()
            .all(|i| i["question"].is_string() && i["answer"].is_string()),
        "{items:?}"
    );
    assert!(c.stop().success());
}
