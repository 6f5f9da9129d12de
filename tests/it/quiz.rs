//! `gohint quiz`, `--list-questions` and the fuzzy `--explain` through the
//! real binary: scripted answers on stdin, the progress file in a temporary
//! `XDG_STATE_HOME`, exit codes.

use gohint::corpus;
use gohint::learn::{self, Filter, Item, Progress, VERIFIED};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// Runs gohint with `args`, `input` on stdin and the state directory `state`.
fn run(args: &[&str], input: &str, state: &Path) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gohint"))
        .args(args)
        .env("XDG_STATE_HOME", state)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start gohint");
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(input.as_bytes());
    }
    child.wait_with_output().expect("gohint output")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The questions `gohint quiz --seed <seed> --count <count>` asks with no
/// progress, as the library draws them.
fn quiz(seed: u64, count: usize) -> Vec<Item> {
    learn::select(
        learn::every_item(seed),
        &Filter::default(),
        &Progress::default(),
        seed,
        count,
    )
}

fn letter(i: usize) -> String {
    char::from(b'a' + i as u8).to_string()
}

fn progress(state: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(state.join("gohint/progress.json")).expect("progress file");
    serde_json::from_str(&text).expect("progress is JSON")
}

#[test]
fn a_seeded_session_grades_answers_explains_them_and_keeps_progress() {
    let state = tempfile::tempdir().expect("tempdir");
    // A session whose second question, answered wrong, is not asked again
    // later (two items can come from one corpus question).
    let seed = (42..)
        .find(|&s| {
            let items = quiz(s, 4);
            items.len() == 4
                && items
                    .iter()
                    .filter(|i| i.question == items[1].question)
                    .count()
                    == 1
        })
        .expect("a seed");
    let items = quiz(seed, 4);
    let wrong = (items[1].answer + 1) % items[1].choices.len();
    // Right by letter, wrong, an answer that is no choice then right by
    // letter, right by typing the choice's text.
    let typed = items[3].choices[items[3].answer].replace('\n', " ");
    let input = format!(
        "{}\n{}\nnot a choice\n{}\n{}\n",
        letter(items[0].answer),
        letter(wrong),
        letter(items[2].answer).to_uppercase(),
        typed
    );
    let out = run(
        &["quiz", "--seed", &seed.to_string(), "--count", "4"],
        &input,
        state.path(),
    );
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    for (n, item) in items.iter().enumerate() {
        assert!(
            text.contains(&format!("Question {} of 4 [{}]", n + 1, item.kind.name())),
            "{text}"
        );
        assert!(text.contains(&item.prompt), "{text}");
    }
    assert_eq!(text.matches("Right.").count(), 3, "{text}");
    assert!(
        text.contains(&format!(
            "Wrong: the answer is {}).",
            letter(items[1].answer)
        )),
        "{text}"
    );
    assert!(text.contains("Answer with a letter"), "{text}");
    assert!(
        text.contains("## Q: "),
        "the corpus passage follows each answer: {text}"
    );
    assert!(text.contains("3 of 4 right."), "{text}");

    let saved = progress(state.path());
    let questions = &saved["questions"];
    let wrong_q = items[1].question;
    assert_eq!(questions[wrong_q]["last_right"], false, "{saved}");
    assert!(questions[wrong_q]["wrong"].as_u64() >= Some(1), "{saved}");
    let right_q = items[0].question;
    if right_q != wrong_q {
        assert!(questions[right_q]["right"].as_u64() >= Some(1), "{saved}");
    }

    // The next run reads it back: --review asks the wrong one first.
    let out = run(
        &["quiz", "--seed", "7", "--count", "1", "--review"],
        "q\n",
        state.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mut reviewed = Progress::default();
    reviewed.answer(wrong_q, false);
    let first = learn::select(
        learn::every_item(7),
        &Filter {
            review: true,
            ..Filter::default()
        },
        &reviewed,
        7,
        1,
    );
    assert_eq!(first[0].question, wrong_q);
    assert!(stdout(&out).contains(&first[0].prompt), "{}", stdout(&out));
    assert_eq!(
        progress(state.path()),
        saved,
        "quitting at once changes nothing"
    );
}

#[test]
fn a_corrupt_progress_file_is_reported_kept_aside_and_replaced() {
    let state = tempfile::tempdir().expect("tempdir");
    let dir = state.path().join("gohint");
    std::fs::create_dir_all(&dir).expect("state dir");
    std::fs::write(
        dir.join("progress.json"),
        "{\"version\": 1, \"questions\": [",
    )
    .expect("write");
    let items = quiz(3, 1);
    let out = run(
        &["quiz", "--seed", "3", "--count", "1"],
        &format!("{}\n", letter(items[0].answer)),
        state.path(),
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stderr(&out).contains("is not a progress file"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("progress.json.corrupt")).expect("kept aside"),
        "{\"version\": 1, \"questions\": ["
    );
    let saved = progress(state.path());
    assert_eq!(saved["questions"][items[0].question]["right"], 1, "{saved}");
}

#[test]
fn stdin_ending_mid_quiz_exits_cleanly_and_keeps_the_answers_given() {
    let state = tempfile::tempdir().expect("tempdir");
    let items = quiz(5, 3);
    let out = run(
        &["quiz", "--seed", "5", "--count", "3"],
        &format!("{}\n", letter(items[0].answer)),
        state.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("Question 2 of 3"), "{text}");
    assert!(!text.contains("Question 3 of 3"), "{text}");
    assert!(text.contains("1 of 1 right."), "{text}");
    let saved = progress(state.path());
    assert_eq!(
        saved["questions"].as_object().map(|m| m.len()),
        Some(1),
        "{saved}"
    );
    assert_eq!(saved["questions"][items[0].question]["last_right"], true);
}

/// The corpus questions a quiz answered all with `a` recorded.
fn asked(args: &[&str]) -> Vec<String> {
    let state = tempfile::tempdir().expect("tempdir");
    let out = run(args, &"a\n".repeat(200), state.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    progress(state.path())["questions"]
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

#[test]
fn a_topic_keeps_the_quiz_on_it() {
    let asked = asked(&[
        "quiz", "--topic", "mutexes", "--count", "200", "--seed", "1",
    ]);
    assert!(
        asked.contains(&"what-is-a-mutex-in-go".to_string()),
        "{asked:?}"
    );
    assert!(
        asked.contains(&"are-locks-in-go-reentrant".to_string()),
        "{asked:?}"
    );
    // Only questions about locks: the mutex questions and those the lock
    // rules cite (the wait for a lock is one).
    assert!(asked.len() <= 5, "{asked:?}");
    assert!(
        asked.iter().all(|q| q.contains("lock")
            || q.contains("mutex")
            || q.contains("sync")
            || q.contains("concurrent-safety")),
        "{asked:?}"
    );
    let state = tempfile::tempdir().expect("tempdir");
    let out = run(&["quiz", "--topic", "zebras"], "", state.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no quiz questions match the topic `zebras`"));
}

#[test]
fn from_quizzes_on_the_constructs_of_my_code() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("a.go");
    std::fs::write(
        &file,
        "package p\n\nfunc f(ch chan int) {\n\tclose(ch)\n\tclose(ch)\n}\n",
    )
    .expect("write");
    let path = file.to_string_lossy().into_owned();
    let asked = asked(&["quiz", "--from", &path, "--count", "200", "--seed", "2"]);
    assert!(
        asked.contains(&"what-issues-can-arise-with-a-closed-channel".to_string()),
        "{asked:?}"
    );
    for unrelated in [
        "what-is-a-mutex-in-go",
        "what-is-a-goroutine",
        "how-does-go-handle-panics",
    ] {
        assert!(
            !asked.contains(&unrelated.to_string()),
            "{unrelated} in {asked:?}"
        );
    }
    let state = tempfile::tempdir().expect("tempdir");
    let out = run(&["quiz", "--from", "no/such/dir"], "", state.path());
    assert_eq!(out.status.code(), Some(2));
    std::fs::write(&file, "// not a construct in sight\n").expect("write");
    let out = run(&["quiz", "--from", &path], "", state.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no Go construct the corpus explains"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_count_of_zero_is_a_usage_error() {
    let state = tempfile::tempdir().expect("tempdir");
    let out = run(&["quiz", "--count", "0"], "", state.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(!state.path().join("gohint").exists());
}

#[test]
fn explain_finds_questions_by_words() {
    let state = tempfile::tempdir().expect("tempdir");
    let out = run(&["--explain", "closed", "channel"], "", state.path());
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).starts_with("# Q: What issues can arise with a closed channel?"));
    assert!(
        stdout(&out).contains("Related questions:"),
        "{}",
        stdout(&out)
    );

    let out = run(&["--explain", "buffered channels"], "", state.path());
    assert_eq!(out.status.code(), Some(0));
    let list = stdout(&out);
    assert!(
        list.contains("whats-the-difference-between-buffered-and-unbuffered-channels"),
        "{list}"
    );
    assert!(
        list.contains("what-is-the-difference-between-unbuffered-and-buffered-channels"),
        "{list}"
    );

    let out = run(&["--explain", "zebra", "channel"], "", state.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no rule or corpus question matches `zebra channel`"));
    assert!(stdout(&out).is_empty());
}

#[test]
fn list_questions_names_every_corpus_question_that_explain_accepts() {
    let state = tempfile::tempdir().expect("tempdir");
    let out = run(&["--list-questions"], "", state.path());
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    let ids: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("  "))
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(ids.len(), corpus::builtin().questions.len());
    assert!(ids.contains(&"what-issues-can-arise-with-a-closed-channel"));
    assert!(corpus::builtin()
        .questions
        .iter()
        .all(|q| ids.contains(&q.id.as_str())));
}

/// The outputs the quiz asks about are what Go prints: each block is run
/// again when `go` is on the path.
#[test]
fn verified_outputs_are_what_go_prints() {
    if Command::new("go").arg("version").output().is_err() {
        eprintln!("go is not on PATH: the verified outputs are not recomputed");
        return;
    }
    let blocks = corpus::go_blocks(corpus::SOURCE, corpus::builtin());
    for v in VERIFIED {
        let block = blocks
            .iter()
            .find(|b| b.question == v.question && b.code.contains(v.marker))
            .unwrap_or_else(|| panic!("no block of {} holds {:?}", v.question, v.marker));
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("main.go"), corpus::program(block)).expect("write");
        let out = Command::new("go")
            .args(["run", "main.go"])
            .current_dir(dir.path())
            .env("GO111MODULE", "off")
            .env("GOFLAGS", "")
            .output()
            .expect("go run");
        assert!(out.status.success(), "{}: {}", v.question, stderr(&out));
        let printed: Vec<String> = stdout(&out).lines().map(|l| l.trim().to_string()).collect();
        assert_eq!(printed, v.output, "{}", v.question);
    }
}
