//! Concept hovers, errata notes, `gohint.conceptsInFile` and
//! `--list-concepts`, through the real binary.

use crate::common::{capabilities, position, range, Client};
use serde_json::{json, Value};
use std::process::Command;

const URI: &str = "file:///tmp/gohint-concepts/shapes.go";

const SRC: &str = "package shapes

type Named interface{ Name() string }

type Base struct{ name string }

type Circle struct {
	Base
	r float64
}

func (c *Circle) Grow(by float64) { c.r += by }

func describe(v interface{}) string {
	if s, ok := v.(string); ok {
		return s
	}
	return \"\"
}
";

fn at(needle: &str) -> usize {
    SRC.find(needle).expect("needle")
}

fn hover_text(c: &mut Client, needle: &str, delta: usize) -> (Value, String) {
    let pos = position(SRC, at(needle) + delta, false);
    let line = pos["line"].as_u64().unwrap_or(0) as u32;
    let col = pos["character"].as_u64().unwrap_or(0) as u32;
    let hover = c.hover(URI, line, col);
    let text = hover["contents"]["value"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    (hover, text)
}

#[test]
fn concept_hovers_show_the_specific_question_its_example_a_note_and_related_ones() {
    let mut c = Client::start(capabilities(false, true));
    c.open(URI, SRC);
    c.diagnostics(URI, 1);

    let (hover, text) = hover_text(&mut c, "*Circle", 0);
    assert_eq!(hover["contents"]["kind"], "markdown");
    assert_eq!(
        hover["range"],
        range(SRC, at("*Circle"), at("*Circle") + "*Circle".len(), false)
    );
    let sets = text
        .find("**Q: Explain the concept of method sets and pointer receivers in Go.**")
        .unwrap_or_else(|| panic!("most specific question first:\n{text}"));
    let note = text
        .find("**Note:** methods with value receivers are in the method set of `*T`")
        .unwrap_or_else(|| panic!("errata note:\n{text}"));
    assert!(
        text.contains("https://go.dev/ref/spec#Method_sets"),
        "{text}"
    );
    let also = text.find("Also:").unwrap_or_else(|| panic!("{text}"));
    assert!(sets < note && note < also, "{text}");
    assert!(
        text[also..].contains("`what-are-methods-in-go`"),
        "related questions follow:\n{text}"
    );
    assert!(text.contains(
        "`gohint --explain explain-the-concept-of-method-sets-and-pointer-receivers-in-go`"
    ));

    // A short answer without code gets the answer's code example.
    let (_, text) = hover_text(&mut c, "\tBase\n", 1);
    assert!(
        text.contains("**Q: Explain the concept of type embedding in Go.**"),
        "{text}"
    );
    assert!(text.contains("```go\ntype Person struct {"), "{text}");
    assert!(text.contains("`A` is undefined"), "{text}");

    for (needle, question) in [
        (
            "interface{}",
            "What are the empty interface and type assertions?",
        ),
        (
            "v.(string)",
            "Explain the concept of type assertions in Go.",
        ),
        ("interface{ Name", "What are interfaces in Go?"),
        ("float64)", "What are the basic types in Go?"),
        (
            "package shapes",
            "What is the difference between `go build`",
        ),
    ] {
        let (_, text) = hover_text(&mut c, needle, 0);
        let want = format!("**Q: {question}**");
        if needle == "package shapes" {
            // Only `package main` is about commands.
            assert!(!text.contains(&want), "{text}");
        } else {
            assert!(text.contains(&want), "hover on {needle:?}:\n{text}");
        }
    }
    assert!(c.stop().success());
}

#[test]
fn concept_hovers_are_plain_text_for_clients_without_markdown() {
    let mut c = Client::start(capabilities(false, false));
    c.open(URI, SRC);
    c.diagnostics(URI, 1);
    let (hover, text) = hover_text(&mut c, "*Circle", 1);
    assert_eq!(hover["contents"]["kind"], "plaintext");
    assert!(
        text.contains("Q: Explain the concept of method sets and pointer receivers in Go."),
        "{text}"
    );
    assert!(
        text.contains("Note: methods with value receivers"),
        "{text}"
    );
    assert!(
        !text.contains("**") && !text.contains("```") && !text.contains("\n> "),
        "{text}"
    );
    assert!(c.stop().success());
}

#[test]
fn concepts_in_file_lists_question_ids_with_ranges() {
    let mut c = Client::start(capabilities(true, true));
    c.open(URI, SRC);
    c.diagnostics(URI, 1);
    let items = c.result(
        "workspace/executeCommand",
        json!({"command": "gohint.conceptsInFile", "arguments": [URI]}),
    );
    let items = items.as_array().cloned().unwrap_or_default();
    let find = |concept: &str| {
        items
            .iter()
            .find(|i| i["concept"] == concept)
            .cloned()
            .unwrap_or_else(|| panic!("{concept} missing from {items:?}"))
    };
    let receiver = find("pointer-receiver");
    assert_eq!(
        receiver["range"],
        range(SRC, at("*Circle"), at("*Circle") + 7, true)
    );
    assert_eq!(
        receiver["questions"][0],
        "explain-the-concept-of-method-sets-and-pointer-receivers-in-go"
    );
    let embedded = find("embedded-field");
    assert_eq!(
        embedded["questions"][0],
        "explain-the-concept-of-type-embedding-in-go"
    );
    assert_eq!(
        find("type-assertion")["range"],
        range(SRC, at("v.(string)"), at("v.(string)") + 10, true)
    );
    // Each concept's short answer comes once, with its first construct.
    let mut answered = std::collections::HashSet::new();
    for item in &items {
        let concept = item["concept"].as_str().unwrap_or_default();
        let first = answered.insert(concept.to_string());
        assert_eq!(item.get("answer").is_some(), first, "{item}");
        assert!(item["question"].is_string() || item["question"].is_null());
    }
    assert!(find("pointer-receiver")["answer"]
        .as_str()
        .is_some_and(|a| a.contains("pointer")));
    let starts: Vec<(u64, u64)> = items
        .iter()
        .map(|i| {
            (
                i["range"]["start"]["line"].as_u64().unwrap_or(0),
                i["range"]["start"]["character"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    let mut sorted = starts.clone();
    sorted.sort();
    assert_eq!(starts, sorted, "in source order");
    assert!(items.iter().all(|i| i["concept"] != "go-statement"));

    // Unknown documents and bad arguments are errors, not crashes.
    let err = c.request(
        "workspace/executeCommand",
        json!({"command": "gohint.conceptsInFile", "arguments": ["file:///nope.go"]}),
    );
    assert!(err.get("error").is_some(), "{err}");
    let err = c.request(
        "workspace/executeCommand",
        json!({"command": "gohint.conceptsInFile", "arguments": [42]}),
    );
    assert!(err.get("error").is_some(), "{err}");
    let md = c.result(
        "workspace/executeCommand",
        json!({"command": "gohint.explain", "arguments": ["explain-the-concept-of-type-embedding-in-go"]}),
    );
    let md = md.as_str().unwrap_or_default();
    assert!(md.starts_with("# Q: Explain the concept of type embedding in Go."));
    assert!(
        md.contains("    Grade:  A,"),
        "the corpus text is unchanged"
    );
    assert!(
        md.contains("**Note:** the example does not compile"),
        "{md}"
    );
    assert!(c.stop().success());
}

#[test]
fn cli_lists_concepts_and_explains_questions_with_notes() {
    let out = Command::new(env!("CARGO_BIN_EXE_gohint"))
        .arg("--list-concepts")
        .output()
        .expect("run gohint");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for name in [
        "go-statement",
        "close",
        "pointer-receiver",
        "table-test",
        "gc",
    ] {
        assert!(
            text.lines().any(|l| l.starts_with(name)),
            "{name} missing:\n{text}"
        );
    }
    assert!(text.contains("-> what-is-a-goroutine, what-is-the-gpm-model-in-go"));

    let out = Command::new(env!("CARGO_BIN_EXE_gohint"))
        .args([
            "--explain",
            "explain-the-concept-of-method-sets-and-pointer-receivers-in-go",
        ])
        .output()
        .expect("run gohint");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("methods with value receivers can only be called on value types"));
    assert!(text.contains("**Note:** methods with value receivers are in the method set"));
}

const TEAM: &str = "# Team notes

## Concurrency

### How do we stop our workers?
<!-- gohint: concepts=go-statement,close -->

Every worker selects on the `quit` channel; the owner closes it.

### Who owns a channel?
<!-- gohint: concepts=close,no-such-concept -->

The sender closes it, never the receiver.
";

const WORKER: &str = "package w

func start(quit chan struct{}) {
	go func() { <-quit }()
}
";

fn go_hover(c: &mut Client, uri: &str) -> String {
    let go = WORKER.find("go func").expect("needle");
    let pos = position(WORKER, go, false);
    let hover = c.hover(
        uri,
        pos["line"].as_u64().unwrap_or(0) as u32,
        pos["character"].as_u64().unwrap_or(0) as u32,
    );
    hover["contents"]["value"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn team_corpora_from_gohint_toml_follow_the_built_in_questions() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().canonicalize().expect("canonical");
    std::fs::write(root.join("team.md"), TEAM).expect("write");
    std::fs::write(
        root.join("gohint.toml"),
        "[corpus]\npaths = [\"team.md\"]\n",
    )
    .expect("write");
    std::fs::create_dir_all(root.join("w")).expect("mkdir");
    let uri = format!("file://{}", root.join("w/worker.go").display());
    let mut c = Client::start(capabilities(false, true));
    c.open(&uri, WORKER);
    let warning = c.recv(|m| m["method"] == "window/showMessage");
    let message = warning["params"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("team.md:11: unknown concept `no-such-concept`"),
        "the warning names the file and line: {message}"
    );
    c.diagnostics(&uri, 1);
    let text = go_hover(&mut c, &uri);
    let builtin = text
        .find("**Q: What is a goroutine?**")
        .unwrap_or_else(|| panic!("{text}"));
    let team = text
        .find("**Team Q: How do we stop our workers?**")
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        builtin < team,
        "team questions come after the built-in ones:\n{text}"
    );
    assert!(
        text.contains("> Every worker selects on the `quit` channel"),
        "{text}"
    );
    assert!(!text.contains("<!-- gohint"), "{text}");
    assert!(
        !text.contains("Who owns a channel?"),
        "claims close, not go:\n{text}"
    );
    let items = c.result(
        "workspace/executeCommand",
        json!({"command": "gohint.conceptsInFile", "arguments": [{"uri": uri}]}),
    );
    let go = items
        .as_array()
        .and_then(|a| a.iter().find(|i| i["concept"] == "go-statement"))
        .cloned()
        .unwrap_or_else(|| panic!("{items}"));
    let questions = go["questions"].as_array().cloned().unwrap_or_default();
    assert_eq!(questions.first(), Some(&json!("what-is-a-goroutine")));
    assert_eq!(questions.last(), Some(&json!("how-do-we-stop-our-workers")));
    assert!(c.stop().success());
}

#[test]
fn team_corpora_from_editor_settings_and_unreadable_ones_warn() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().canonicalize().expect("canonical");
    let team = root.join("team.md");
    std::fs::write(&team, TEAM).expect("write");
    let missing = root.join("missing.md");
    let uri = format!("file://{}", root.join("worker.go").display());
    let mut c = Client::spawn();
    c.initialize(
        capabilities(false, true),
        Some(json!({"corpus": {"paths": [team.display().to_string(), missing.display().to_string()]}})),
    );
    c.open(&uri, WORKER);
    let warning = c.recv(|m| {
        m["method"] == "window/showMessage"
            && m["params"]["message"]
                .as_str()
                .is_some_and(|s| s.contains("missing.md"))
    });
    let message = warning["params"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("cannot read the team corpus"), "{message}");
    c.diagnostics(&uri, 1);
    let text = go_hover(&mut c, &uri);
    assert!(text.contains("**Q: What is a goroutine?**"), "{text}");
    assert!(
        text.contains("**Team Q: How do we stop our workers?**"),
        "{text}"
    );
    assert!(c.stop().success());
}

#[test]
fn go_mod_directives_hover_with_the_dependencies_question_and_get_no_diagnostics() {
    const MOD_URI: &str = "file:///tmp/gohint-concepts/go.mod";
    const MOD: &str =
        "module example.com/demo\n\ngo 1.22\n\nrequire (\n\tgolang.org/x/sync v0.7.0\n)\n";
    let mut c = Client::start(capabilities(false, true));
    c.open(MOD_URI, MOD);
    let published = c.diagnostics(MOD_URI, 1);
    assert!(published.is_empty(), "{published:?}");
    for (needle, label) in [
        ("module", "`module`"),
        ("1.22", "`go`"),
        ("require", "`require`"),
        ("golang.org/x/sync", "`require`"),
    ] {
        let pos = position(MOD, MOD.find(needle).expect("needle"), false);
        let line = pos["line"].as_u64().unwrap_or(0) as u32;
        let col = pos["character"].as_u64().unwrap_or(0) as u32;
        let hover = c.hover(MOD_URI, line, col);
        let text = hover["contents"]["value"].as_str().unwrap_or_default();
        assert!(
            text.contains("How does Go handle dependencies?") && text.contains(label),
            "hover on {needle}:\n{text}"
        );
    }
    let blank = c.hover(MOD_URI, 1, 0);
    assert!(blank.is_null(), "no hover on a blank line: {blank}");
}

#[test]
fn team_corpus_entries_that_are_devices_fifos_or_too_large_are_refused_without_blocking() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().canonicalize().expect("canonical");
    std::fs::write(root.join("team.md"), TEAM).expect("write");
    std::os::unix::fs::symlink("/dev/zero", root.join("zero.md")).expect("symlink");
    std::os::unix::fs::symlink("/dev/stdin", root.join("stdin.md")).expect("symlink");
    let made = Command::new("mkfifo")
        .arg(root.join("fifo.md"))
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let big = std::fs::File::create(root.join("big.md")).expect("create");
    big.set_len(1 << 30).expect("sparse file");
    std::fs::write(
        root.join("gohint.toml"),
        "[corpus]\npaths = [\"zero.md\", \"stdin.md\", \"fifo.md\", \"big.md\", \"team.md\"]\n",
    )
    .expect("write");
    let mut c = Client::start(capabilities(false, true));
    let uris: Vec<String> = (0..3)
        .map(|i| format!("file://{}", root.join(format!("w{i}.go")).display()))
        .collect();
    for uri in &uris {
        c.open(uri, WORKER);
    }
    for uri in &uris {
        c.diagnostics(uri, 1);
        let text = go_hover(&mut c, uri);
        assert!(
            text.contains("**Team Q: How do we stop our workers?**"),
            "{text}"
        );
    }
    let warnings: Vec<String> = c
        .drain("window/showMessage")
        .iter()
        .map(|m| m["params"]["message"].as_str().unwrap_or("").to_string())
        .collect();
    for name in ["zero.md", "stdin.md", "fifo.md"] {
        let said = warnings
            .iter()
            .filter(|w| w.contains(name) && w.contains("not a regular file"))
            .count();
        assert_eq!(said, 1, "{name} is named once: {warnings:?}");
    }
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("big.md") && w.contains("at most")),
        "{warnings:?}"
    );
    assert!(c.stop().success());
}

#[test]
fn relative_team_corpus_paths_of_the_editor_start_at_the_workspace_root() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().canonicalize().expect("canonical");
    std::fs::create_dir_all(root.join("docs")).expect("mkdir");
    std::fs::create_dir_all(root.join("cmd/worker")).expect("mkdir");
    std::fs::write(root.join("docs/team.md"), TEAM).expect("write");
    let mut c = Client::spawn();
    let mut params = json!({
        "processId": null,
        "rootUri": format!("file://{}", root.display()),
        "capabilities": capabilities(false, true),
        "initializationOptions": {"corpus": {"paths": ["docs/team.md"]}},
    });
    params["workspaceFolders"] =
        json!([{"uri": format!("file://{}", root.display()), "name": "root"}]);
    c.result("initialize", params);
    c.notify("initialized", json!({}));
    for file in ["main.go", "cmd/worker/worker.go"] {
        let uri = format!("file://{}", root.join(file).display());
        c.open(&uri, WORKER);
        c.diagnostics(&uri, 1);
        let text = go_hover(&mut c, &uri);
        assert!(
            text.contains("**Team Q: How do we stop our workers?**"),
            "{file}: {text}"
        );
    }
    let unread: Vec<Value> = c
        .drain("window/showMessage")
        .into_iter()
        .filter(|m| {
            m["params"]["message"]
                .as_str()
                .is_some_and(|s| s.contains("cannot read"))
        })
        .collect();
    assert!(unread.is_empty(), "{unread:?}");
    assert!(c.stop().success());
}

/// Three sends and a receive in one function, one send in another.
const REPEATED: &str = "package p

func pump(ch chan int) {
	ch <- 1
	ch <- 2
	ch <- 3
	<-ch
}

func other(ch chan int) {
	ch <- 4
}
";

/// The hover text at the `nth` occurrence of `needle` in [`REPEATED`]
/// (empty when there is none).
fn repeated_hover(c: &mut Client, uri: &str, needle: &str, nth: usize) -> String {
    let offset = REPEATED
        .match_indices(needle)
        .nth(nth)
        .map(|(at, _)| at)
        .expect("needle");
    let pos = position(REPEATED, offset, false);
    let line = pos["line"].as_u64().unwrap_or(0) as u32;
    let col = pos["character"].as_u64().unwrap_or(0) as u32;
    c.hover(uri, line, col)["contents"]["value"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn concept_hovers_explain_each_kind_once_per_function_unless_set_otherwise() {
    let uri = "file:///tmp/gohint-concepts/repeated.go";
    let mut c = Client::start(capabilities(false, true));
    c.open(uri, REPEATED);
    c.diagnostics(uri, 1);
    let first = repeated_hover(&mut c, uri, "<-", 0);
    assert!(
        first.contains("**Q: "),
        "the first send is explained: {first}"
    );
    assert!(
        !first.contains("\n#"),
        "no markdown headings in a hover: {first}"
    );
    assert_eq!(
        repeated_hover(&mut c, uri, "<-", 1),
        "",
        "a second send is not"
    );
    assert_eq!(repeated_hover(&mut c, uri, "<-", 2), "");
    let receive = repeated_hover(&mut c, uri, "<-", 3);
    assert!(
        receive.contains("**Q: "),
        "a receive is another kind: {receive}"
    );
    let again = repeated_hover(&mut c, uri, "<-", 4);
    assert!(
        again.contains("**Q: "),
        "another function starts afresh: {again}"
    );

    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"gohint": {"hoverConcepts": "all"}}}),
    );
    // The setting is read by the next hover; wait until it is in force.
    let mut second = String::new();
    for _ in 0..100 {
        second = repeated_hover(&mut c, uri, "<-", 1);
        if !second.is_empty() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(
        second.contains("**Q: "),
        "\"all\" explains every send: {second}"
    );

    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"gohint": {"hoverConcepts": "off"}}}),
    );
    let mut off = first.clone();
    for _ in 0..100 {
        off = repeated_hover(&mut c, uri, "<-", 0);
        if off.is_empty() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert_eq!(off, "", "\"off\" explains no construct");
    assert!(c.stop().success());
}

#[test]
fn a_bad_hover_concepts_value_is_reported_and_keeps_the_default() {
    let uri = "file:///tmp/gohint-concepts/repeated-bad.go";
    let mut c = Client::spawn();
    c.initialize(
        capabilities(false, true),
        Some(json!({"hoverConcepts": "sometimes"})),
    );
    let shown = c.recv(|m| m["method"] == "window/showMessage");
    let message = shown["params"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("gohint.hoverConcepts") && message.contains("\"sometimes\""),
        "{message}"
    );
    c.open(uri, REPEATED);
    c.diagnostics(uri, 1);
    assert!(repeated_hover(&mut c, uri, "<-", 0).contains("**Q: "));
    assert_eq!(repeated_hover(&mut c, uri, "<-", 1), "");
    assert!(c.stop().success());
}
