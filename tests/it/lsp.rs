//! The language server through its real interface: the binary, JSON-RPC
//! over stdio.

use crate::common::{apply_edits, capabilities, position, range, Client};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const URI: &str = "file:///tmp/gohint-test/demo.go";

const DEMO: &str = "package demo

import \"sync\"

func twice(ch chan int) {
	close(ch)
	close(ch)
}

func spawn(wg *sync.WaitGroup, ch chan int) {
	go func() {
		defer wg.Done()
		ch <- 1
	}()
}
";

fn offset_of(text: &str, needle: &str, nth: usize) -> usize {
    text.match_indices(needle)
        .nth(nth)
        .map(|(i, _)| i)
        .expect("needle")
}

fn md_client() -> Client {
    Client::start(capabilities(false, true))
}

#[test]
fn initialize_reports_capabilities() {
    let mut c = Client::spawn();
    let mut result = c.initialize(capabilities(false, true), None);
    result["serverInfo"]["version"] = json!("[version]");
    insta::assert_json_snapshot!("capabilities_push_utf16", result);
    assert!(c.stop().success());

    let mut caps = capabilities(true, true);
    caps["textDocument"]["diagnostic"] = json!({"dynamicRegistration": false});
    let mut c = Client::spawn_with(&["--stdio"]);
    let mut result = c.initialize(caps, None);
    result["serverInfo"]["version"] = json!("[version]");
    insta::assert_json_snapshot!("capabilities_pull_utf8", result);
    assert!(c.stop().success());
}

#[test]
fn open_publishes_diagnostics_with_links_related_info_and_fix_data() {
    let mut c = md_client();
    c.open(URI, DEMO);
    let diags = c.diagnostics(URI, 1);
    assert_eq!(diags.len(), 1, "{diags:?}");
    let d = &diags[0];
    let second = offset_of(DEMO, "close(ch)", 1);
    let first = offset_of(DEMO, "close(ch)", 0);
    assert_eq!(d["range"], range(DEMO, second, second + 9, false));
    assert_eq!(d["code"], "double-close");
    assert_eq!(d["source"], "gohint");
    assert_eq!(d["severity"], 1);
    assert_eq!(
        d["codeDescription"]["href"],
        "https://github.com/gohint/gohint/blob/main/docs/rules/double-close.md"
    );
    assert_eq!(
        d["relatedInformation"][0]["location"]["range"],
        range(DEMO, first, first + 9, false)
    );
    assert_eq!(d["relatedInformation"][0]["location"]["uri"], URI);
    assert_eq!(d["data"]["fix"]["title"], "Remove the second close(ch)");
    assert!(c.stop().success());
}

#[test]
fn hover_explains_findings_and_constructs() {
    let mut c = md_client();
    c.open(URI, DEMO);
    let diags = c.diagnostics(URI, 1);
    let at = &diags[0]["range"]["start"];
    let (line, col) = (
        at["line"].as_u64().unwrap_or(0) as u32,
        at["character"].as_u64().unwrap_or(0) as u32,
    );
    let hover = c.hover(URI, line, col + 2);
    assert_eq!(hover["contents"]["kind"], "markdown");
    let text = hover["contents"]["value"].as_str().unwrap_or_default();
    for part in [
        "**gohint(double-close)** error: channel closed a second time on this path",
        "**Why:** Closing an already closed channel panics",
        "**Fix:** Close the channel in one place only",
        "> 4. **Double Close**:",
        "Q: What issues can arise with a closed channel? — full answer: `gohint --explain double-close`",
    ] {
        assert!(text.contains(part), "missing {part:?} in hover:\n{text}");
    }
    assert_eq!(
        text.matches("channel closed a second time on this path")
            .count(),
        1,
        "the message is shown once:\n{text}"
    );
    assert!(
        !text
            .lines()
            .any(|l| l.starts_with("# ") || l.starts_with("## ")),
        "no large headings in a finding's hover:\n{text}"
    );
    assert!(
        text.lines().count() <= 14,
        "a finding's hover stays short:\n{text}"
    );
    assert!(
        !text.contains("Race Conditions"),
        "the hover quotes the sub-section only:\n{text}"
    );
    assert_eq!(hover["range"], diags[0]["range"]);

    let go = offset_of(DEMO, "go func", 0);
    let p = position(DEMO, go, false);
    let hover = c.hover(
        URI,
        p["line"].as_u64().unwrap_or(0) as u32,
        p["character"].as_u64().unwrap_or(0) as u32,
    );
    let text = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(text.contains("**Q: What is a goroutine?**"), "{text}");
    assert!(text.contains("Also:"), "{text}");
    assert_eq!(hover["range"], range(DEMO, go, go + 2, false));

    for (needle, question) in [
        ("defer", "How does Go handle panics?"),
        ("<- 1", "How does Go utilize channels for communication?"),
        (
            "sync.WaitGroup",
            "What is the purpose of the `sync` package in Go?",
        ),
    ] {
        let p = position(DEMO, offset_of(DEMO, needle, 0), false);
        let hover = c.hover(
            URI,
            p["line"].as_u64().unwrap_or(0) as u32,
            p["character"].as_u64().unwrap_or(0) as u32,
        );
        let text = hover["contents"]["value"].as_str().unwrap_or_default();
        assert!(
            text.contains(question),
            "hover on {needle:?} should cite {question:?}:\n{text}"
        );
    }
    // Nothing to say about a plain identifier.
    let p = position(DEMO, offset_of(DEMO, "twice", 0), false);
    assert_eq!(
        c.hover(URI, p["line"].as_u64().unwrap_or(0) as u32, 6),
        Value::Null
    );
    assert!(c.stop().success());
}

#[test]
fn hover_is_plain_text_when_the_client_wants_it() {
    let mut c = Client::start(capabilities(false, false));
    c.open(URI, DEMO);
    c.diagnostics(URI, 1);
    let hover = c.hover(URI, 6, 2);
    assert_eq!(hover["contents"]["kind"], "plaintext");
    let text = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(
        text.contains("Q: What issues can arise with a closed channel?"),
        "{text}"
    );
    assert!(
        !text.contains("**") && !text.contains("```") && !text.contains("\n> "),
        "{text}"
    );
    assert!(
        text.contains("Why: Closing an already closed channel panics"),
        "{text}"
    );
    assert!(c.stop().success());
}

/// The edits of a code action, which must be versioned document changes
/// for `version` of `uri`.
fn versioned_edits(action: &Value, uri: &str, version: i64) -> Vec<Value> {
    let change = &action["edit"]["documentChanges"][0];
    assert_eq!(
        change["textDocument"],
        json!({"uri": uri, "version": version}),
        "{action}"
    );
    change["edits"].as_array().cloned().unwrap_or_default()
}

fn code_actions(c: &mut Client, diags: &[Value]) -> Vec<Value> {
    let result = c.result(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": URI},
            "range": diags[0]["range"],
            "context": {"diagnostics": diags, "only": ["quickfix"]}
        }),
    );
    result.as_array().cloned().unwrap_or_default()
}

#[test]
fn quick_fixes_apply_and_the_diagnostics_go_away() {
    let mut c = md_client();
    c.open(URI, DEMO);
    let diags = c.diagnostics(URI, 1);
    let actions = code_actions(&mut c, &diags);
    let titles: Vec<&str> = actions.iter().filter_map(|a| a["title"].as_str()).collect();
    assert_eq!(
        titles,
        [
            "Remove the second close(ch)",
            "Ignore double-close on this line",
            "Explain double-close"
        ]
    );
    assert_eq!(actions[0]["kind"], "quickfix");
    assert_eq!(actions[0]["isPreferred"], false);
    assert_eq!(actions[2]["command"]["command"], "gohint.explain");

    // The fix removes the second close.
    let fixed = apply_edits(DEMO, &versioned_edits(&actions[0], URI, 1), false);
    assert_eq!(fixed.matches("close(ch)").count(), 1, "{fixed}");
    c.change(URI, 2, json!([{"text": fixed}]));
    assert_eq!(c.diagnostics(URI, 2), Vec::<Value>::new());

    // Ignoring silences it with a directive that unused-ignore accepts.
    c.change(URI, 3, json!([{"text": DEMO}]));
    let diags = c.diagnostics(URI, 3);
    let actions = code_actions(&mut c, &diags);
    let ignored = apply_edits(DEMO, &versioned_edits(&actions[1], URI, 3), false);
    assert!(ignored.contains("\tclose(ch)\n\t//gohint:ignore double-close -- TODO: explain why this is safe\n\tclose(ch)\n"), "{ignored}");
    c.change(URI, 4, json!([{"text": ignored}]));
    assert_eq!(c.diagnostics(URI, 4), Vec::<Value>::new());

    // Explain returns what `gohint --explain` prints.
    let md = c.result(
        "workspace/executeCommand",
        json!({"command": "gohint.explain", "arguments": ["double-close"]}),
    );
    let cli = std::process::Command::new(env!("CARGO_BIN_EXE_gohint"))
        .args(["--explain", "double-close"])
        .output()
        .expect("run gohint --explain");
    assert_eq!(
        md.as_str().unwrap_or_default(),
        String::from_utf8_lossy(&cli.stdout)
    );
    let unknown = c.request(
        "workspace/executeCommand",
        json!({"command": "gohint.explain", "arguments": ["nope"]}),
    );
    assert_eq!(unknown["error"]["code"], -32602);
    assert!(c.stop().success());
}

#[test]
fn incremental_changes_move_and_remove_diagnostics() {
    let mut c = md_client();
    c.open(URI, DEMO);
    let before = c.diagnostics(URI, 1);
    // Insert two lines above the function.
    let at = offset_of(DEMO, "func twice", 0);
    let p = position(DEMO, at, false);
    c.change(
        URI,
        2,
        json!([{"range": {"start": p, "end": p}, "text": "// twice closes twice.\n// Really.\n"}]),
    );
    let moved = c.diagnostics(URI, 2);
    assert_eq!(moved.len(), 1);
    assert_eq!(
        moved[0]["range"]["start"]["line"].as_u64(),
        before[0]["range"]["start"]["line"].as_u64().map(|l| l + 2)
    );
    assert_eq!(
        moved[0]["relatedInformation"][0]["location"]["range"]["start"]["line"].as_u64(),
        Some(7)
    );
    // Type inside the function, one character at a time: the finding follows.
    let line = moved[0]["range"]["start"]["line"].clone();
    for (i, ch) in "x := 1; _ = x; ".chars().enumerate() {
        let pos = json!({"line": line, "character": 1 + i});
        c.change(
            URI,
            3 + i as i64,
            json!([{"range": {"start": pos, "end": pos}, "text": ch.to_string()}]),
        );
    }
    let version = 3 + "x := 1; _ = x; ".len() as i64 - 1;
    let typed = c.diagnostics(URI, version);
    assert_eq!(typed.len(), 1);
    assert_eq!(
        typed[0]["range"]["start"]["character"],
        1 + "x := 1; _ = x; ".len()
    );
    // Delete the first close: the second is no longer a double close.
    let tree = c.syntax_tree(URI);
    let text = tree["text"].as_str().unwrap_or_default().to_string();
    let first = offset_of(&text, "\tclose(ch)\n", 0);
    c.change(
        URI,
        version + 1,
        json!([{"range": range(&text, first, first + 11, false), "text": ""}]),
    );
    assert_eq!(c.diagnostics(URI, version + 1), Vec::<Value>::new());
    assert!(c.stop().success());
}

#[test]
fn settings_change_severity() {
    let mut c = Client::spawn();
    c.initialize(
        capabilities(false, true),
        Some(json!({"rules": {"double-close": "warning"}})),
    );
    c.open(URI, DEMO);
    assert_eq!(c.diagnostics(URI, 1)[0]["severity"], 2);
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"gohint": {"rules": {"double-close": "hint"}}}}),
    );
    let d = c.recv(|m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["diagnostics"][0]["severity"] == 4
    });
    assert_eq!(d["params"]["version"], 1);
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"gohint": {"rules": {"double-close": "off"}}}}),
    );
    c.recv(|m| {
        m["method"] == "textDocument/publishDiagnostics" && m["params"]["diagnostics"] == json!([])
    });
    // A bad value warns and falls back to the rule's default.
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"gohint": {"rules": {"double-close": "fatal"}}}}),
    );
    let warning = c.recv(|m| m["method"] == "window/showMessage");
    assert_eq!(warning["params"]["type"], 2);
    assert!(
        warning["params"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("gohint.rules.double-close"),
        "{warning}"
    );
    c.recv(|m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["diagnostics"][0]["severity"] == 1
    });
    assert!(c.stop().success());
}

#[test]
fn settings_are_fetched_with_workspace_configuration() {
    let mut caps = capabilities(false, true);
    caps["workspace"] =
        json!({"configuration": true, "didChangeConfiguration": {"dynamicRegistration": true}});
    let mut c = Client::spawn();
    c.answers
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .configuration = json!([{"rules": {"double-close": "info"}}]);
    c.initialize(caps, None);
    c.open(URI, DEMO);
    c.recv(|m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["diagnostics"][0]["severity"] == 3
    });
    c.drain("textDocument/publishDiagnostics");
    // A pull-style change notification (no settings) makes the server ask again.
    c.answers
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .configuration = json!([{"rules": {"double-close": "error"}}]);
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": null}),
    );
    c.recv(|m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["diagnostics"][0]["severity"] == 1
    });
    let seen: Vec<Value> = c
        .answers
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .seen
        .iter()
        .map(|r| r["method"].clone())
        .collect();
    assert!(
        seen.contains(&json!("client/registerCapability")),
        "{seen:?}"
    );
    assert_eq!(
        seen.iter()
            .filter(|m| *m == "workspace/configuration")
            .count(),
        2,
        "{seen:?}"
    );
    assert!(c.stop().success());
}

#[test]
fn gohint_toml_and_go_mod_are_read_and_watched() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().canonicalize().expect("canonical");
    std::fs::create_dir_all(root.join("pkg")).expect("mkdir");
    std::fs::write(root.join("go.mod"), "module example.com/x\n\ngo 1.21\n").expect("write");
    std::fs::write(
        root.join("gohint.toml"),
        "[rules]\ndouble-close = \"info\"\n",
    )
    .expect("write");
    let file = root.join("pkg/demo.go");
    std::fs::write(&file, DEMO).expect("write");
    let uri = format!("file://{}", file.display());
    let mut caps = capabilities(false, true);
    caps["workspace"] = json!({"didChangeWatchedFiles": {"dynamicRegistration": true}});
    let mut c = Client::start(caps);
    c.open(&uri, DEMO);
    assert_eq!(c.diagnostics(&uri, 1)[0]["severity"], 3);

    std::fs::write(
        root.join("gohint.toml"),
        "docs_base_url = \"https://docs.example.com/rules/\"\n[rules]\ndouble-close = \"fatal\"\n",
    )
    .expect("write");
    let toml_uri = format!("file://{}", root.join("gohint.toml").display());
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": toml_uri, "type": 2}]}),
    );
    let warning = c.recv(|m| m["method"] == "window/showMessage");
    let message = warning["params"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("gohint.toml:3: `rules.double-close` = \"fatal\""),
        "{message}"
    );
    let d = c.recv(|m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["diagnostics"][0]["severity"] == 1
    });
    assert_eq!(
        d["params"]["diagnostics"][0]["codeDescription"]["href"],
        "https://docs.example.com/rules/double-close.md"
    );
    let registered = c
        .answers
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .seen
        .clone();
    assert!(
        registered
            .iter()
            .any(|r| r.to_string().contains("**/gohint.toml")),
        "{registered:?}"
    );
    assert!(c.stop().success());
}

const WIDE: &str = "package wide\r\n\r\n// 日本語のコメント 😀😀\r\nfunc f(ch chan string) {\r\n\ts := \"🎉中文\"; close(ch)\r\n\tclose(ch) // 😀\r\n\t_ = s\r\n}\r\n";

#[test]
fn positions_survive_emoji_cjk_and_crlf_in_both_encodings() {
    for utf8 in [false, true] {
        let mut c = Client::start(capabilities(utf8, true));
        c.open(URI, WIDE);
        let diags = c.diagnostics(URI, 1);
        let second = offset_of(WIDE, "close(ch)", 1);
        let first = offset_of(WIDE, "close(ch)", 0);
        assert_eq!(
            diags[0]["range"],
            range(WIDE, second, second + 9, utf8),
            "utf8={utf8}"
        );
        assert_eq!(
            diags[0]["relatedInformation"][0]["location"]["range"],
            range(WIDE, first, first + 9, utf8)
        );
        // Hover after the wide characters on the same line.
        let p = position(WIDE, first + 3, utf8);
        let hover = c.hover(
            URI,
            p["line"].as_u64().unwrap_or(0) as u32,
            p["character"].as_u64().unwrap_or(0) as u32,
        );
        assert!(
            hover["contents"]["value"]
                .as_str()
                .unwrap_or_default()
                .contains("closed channel"),
            "utf8={utf8}: {hover}"
        );
        // Replace the emoji string, addressed in the client's encoding.
        let s = offset_of(WIDE, "🎉中文", 0);
        let edited = format!("{}x{}", &WIDE[..s], &WIDE[s + "🎉中文".len()..]);
        c.change(
            URI,
            2,
            json!([{"range": range(WIDE, s, s + "🎉中文".len(), utf8), "text": "x"}]),
        );
        let diags = c.diagnostics(URI, 2);
        let second = offset_of(&edited, "close(ch)", 1);
        assert_eq!(
            diags[0]["range"],
            range(&edited, second, second + 9, utf8),
            "utf8={utf8}"
        );
        assert_eq!(c.syntax_tree(URI)["text"], edited);
        assert!(c.stop().success());
    }
}

#[test]
fn pull_diagnostics_for_clients_that_prefer_them() {
    let mut caps = capabilities(false, true);
    caps["textDocument"]["diagnostic"] = json!({"dynamicRegistration": false});
    let mut c = Client::start(caps);
    c.open(URI, DEMO);
    let params = json!({"textDocument": {"uri": URI}});
    let report = c.result("textDocument/diagnostic", params.clone());
    assert_eq!(report["kind"], "full");
    assert_eq!(report["items"][0]["code"], "double-close");
    let id = report["resultId"].clone();
    let again = c.result(
        "textDocument/diagnostic",
        json!({"textDocument": {"uri": URI}, "previousResultId": id}),
    );
    assert_eq!(again, json!({"kind": "unchanged", "resultId": id}));
    c.change(URI, 2, json!([{"text": "package demo\n"}]));
    let report = c.result(
        "textDocument/diagnostic",
        json!({"textDocument": {"uri": URI}, "previousResultId": id}),
    );
    assert_eq!(report["kind"], "full");
    assert_eq!(report["items"], json!([]));
    assert!(
        c.drain("textDocument/publishDiagnostics").is_empty(),
        "pull clients get no pushed diagnostics"
    );
    assert!(c.stop().success());
}

#[test]
fn closing_clears_diagnostics() {
    let mut c = md_client();
    c.open(URI, DEMO);
    assert_eq!(c.diagnostics(URI, 1).len(), 1);
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": URI}}),
    );
    let cleared = c.recv(|m| {
        m["method"] == "textDocument/publishDiagnostics" && m["params"]["version"].is_null()
    });
    assert_eq!(cleared["params"]["diagnostics"], json!([]));
    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": URI}, "position": {"line": 0, "character": 0}}),
    );
    assert!(hover.get("error").is_some(), "{hover}");
    assert!(c.stop().success());
}

#[test]
fn rapid_changes_are_applied_in_order_and_never_published_stale() {
    let mut c = md_client();
    c.open(URI, DEMO);
    c.diagnostics(URI, 1);
    let mut text = DEMO.to_string();
    let at = offset_of(DEMO, "\tclose(ch)\n", 0);
    let n = 300;
    for i in 0..n {
        let ch = ["a", "é", "😀", "\n", "中"][i % 5];
        let p = position(&text, at, false);
        text.insert_str(at, ch);
        c.change(
            URI,
            2 + i as i64,
            json!([{"range": {"start": p, "end": p}, "text": ch}]),
        );
    }
    let last = 1 + n as i64;
    let mut published = Vec::new();
    while published.last() != Some(&last) {
        let m = c.recv(|m| m["method"] == "textDocument/publishDiagnostics");
        published.push(m["params"]["version"].as_i64().unwrap_or(-1));
    }
    assert!(
        published.windows(2).all(|w| w[0] < w[1]),
        "versions out of order: {published:?}"
    );
    let tree = c.syntax_tree(URI);
    assert_eq!(tree["version"], last);
    assert_eq!(tree["text"], text);
    assert!(c.stop().success());
}

#[test]
fn unanswered_client_requests_do_not_block_the_server() {
    let mut caps = capabilities(false, true);
    caps["workspace"] = json!({"configuration": true});
    let mut c = Client::spawn();
    c.answers.lock().unwrap_or_else(|e| e.into_inner()).hold = true;
    c.initialize(caps, None);
    for _ in 0..8 {
        c.notify(
            "workspace/didChangeConfiguration",
            json!({"settings": null}),
        );
    }
    let started = Instant::now();
    c.open(URI, DEMO);
    assert_eq!(c.diagnostics(URI, 1).len(), 1);
    assert!(c.hover(URI, 6, 2)["contents"]["value"].is_string());
    assert!(started.elapsed() < Duration::from_secs(5));
    let held = c
        .answers
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .seen
        .len();
    assert!(
        held >= 8,
        "the server asked for its configuration {held} times"
    );
    // It still exits promptly with requests of its own pending.
    c.result("shutdown", Value::Null);
    let started = Instant::now();
    c.notify("exit", Value::Null);
    let status = c
        .wait_exit(Duration::from_secs(1))
        .expect("exits within a second");
    assert!(status.success());
    assert!(started.elapsed() < Duration::from_secs(1));
}

#[test]
fn exit_codes_follow_the_protocol() {
    let c = md_client();
    assert_eq!(c.stop().code(), Some(0));

    let mut c = md_client();
    c.open(URI, DEMO);
    let started = Instant::now();
    c.notify("exit", Value::Null);
    let status = c
        .wait_exit(Duration::from_secs(1))
        .expect("exits within a second");
    assert_eq!(status.code(), Some(1), "exit without shutdown");
    assert!(started.elapsed() < Duration::from_secs(1));

    let mut c = Client::spawn();
    c.notify("exit", Value::Null);
    assert_eq!(
        c.wait_exit(Duration::from_secs(1)).and_then(|s| s.code()),
        Some(1)
    );
}

#[test]
fn garbage_on_stdin_gets_errors_and_the_server_keeps_serving() {
    let mut c = Client::spawn();
    let early = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": URI}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(
        early["error"]["code"], -32002,
        "request before initialize: {early}"
    );
    c.send_raw(b"Content-Length: nope\r\n\r\n{}");
    let e = c.recv(|m| m["error"]["code"] == -32700);
    assert_eq!(e["id"], Value::Null);
    c.send_raw(b"Content-Length: 9\r\n\r\n{not json");
    c.recv(|m| m["error"]["code"] == -32700);
    c.send_raw(b"this is not a header at all\r\n\r\n");
    c.recv(|m| m["error"]["code"] == -32700);
    c.send(&json!({"jsonrpc": "1.0", "id": 77, "method": "initialize"}));
    let e = c.recv(|m| m["id"] == 77);
    assert_eq!(e["error"]["code"], -32600);
    c.send(&json!([1, 2, 3]));
    c.recv(|m| m["error"]["code"] == -32600);
    c.initialize(capabilities(false, true), None);
    let unknown = c.request("gohint/noSuchMethod", json!({}));
    assert_eq!(unknown["error"]["code"], -32601);
    c.notify("gohint/noSuchNotification", json!({}));
    let bad_params = c.request("textDocument/hover", json!({"nonsense": true}));
    assert_eq!(bad_params["error"]["code"], -32602);
    c.open(URI, DEMO);
    assert_eq!(c.diagnostics(URI, 1).len(), 1);
    assert!(c.stop().success());
}

#[test]
fn out_of_range_edits_are_clamped_not_fatal() {
    let mut c = md_client();
    c.open(URI, "package demo\n");
    c.diagnostics(URI, 1);
    let far = json!({"line": 99, "character": 5});
    c.change(
        URI,
        2,
        json!([{"range": {"start": far, "end": far}, "text": "// end\n"}]),
    );
    c.change(URI, 3, json!([{"range": {"start": {"line": 0, "character": 99}, "end": {"line": 0, "character": 8}}, "text": "X"}]));
    c.diagnostics(URI, 3);
    assert_eq!(c.syntax_tree(URI)["text"], "package X\n// end\n");
    assert!(c.wait_stderr("clamped"), "{}", c.stderr());
    assert!(c.stop().success());
}

#[test]
fn pathological_documents_do_not_take_the_server_down() {
    let mut c = md_client();
    let deep = format!(
        "package deep\n\nfunc f() {{\n{}{}\n}}\n",
        "{".repeat(10_000),
        "}".repeat(10_000)
    );
    c.open(URI, &deep);
    c.diagnostics(URI, 1);
    let parens = format!(
        "package deep\n\nvar x = {}1{}\n",
        "(".repeat(10_000),
        ")".repeat(10_000)
    );
    c.change(URI, 2, json!([{"text": parens}]));
    c.diagnostics(URI, 2);
    c.change(URI, 3, json!([{"text": "\u{0}\u{feff}package \u{7f}"}]));
    c.diagnostics(URI, 3);
    assert!(c.hover(URI, 0, 0).is_null() || c.hover(URI, 0, 0).is_object());
    assert!(c.stop().success());
}

#[test]
fn every_rules_quick_fix_applies_through_the_server() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".go"))
        .collect();
    names.sort();
    let mut c = md_client();
    let mut fixed = std::collections::BTreeSet::new();
    for name in names {
        let text = std::fs::read_to_string(dir.join(&name)).expect("fixture");
        let uri = format!("file:///gohint-fixtures/{name}");
        c.open(&uri, &text);
        let diags = c.diagnostics(&uri, 1);
        let mut version = 1;
        for d in diags
            .iter()
            .filter(|d| d["data"]["fix"].is_object())
            .take(4)
        {
            let slug = d["code"].as_str().unwrap_or_default().to_string();
            let actions = c.result(
                "textDocument/codeAction",
                json!({"textDocument": {"uri": uri}, "range": d["range"], "context": {"diagnostics": [d]}}),
            );
            let title = &d["data"]["fix"]["title"];
            let action = actions
                .as_array()
                .and_then(|a| a.iter().find(|a| a["title"] == *title))
                .unwrap_or_else(|| panic!("{name}: no action {title} in {actions}"));
            assert_eq!(action["isPreferred"], d["data"]["fix"]["isPreferred"]);
            let edits = versioned_edits(action, &uri, version);
            let after_fix = apply_edits(&text, &edits, false);
            version += 1;
            c.change(&uri, version, json!([{"text": after_fix}]));
            let after = c.diagnostics(&uri, version);
            let count = |ds: &[Value]| ds.iter().filter(|x| x["code"] == slug.as_str()).count();
            assert!(
                count(&after) < count(&diags),
                "{name}: the fix {title} left every {slug} finding in place"
            );
            fixed.insert(slug);
            version += 1;
            c.change(&uri, version, json!([{"text": text}]));
            c.diagnostics(&uri, version);
        }
        c.notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": uri}}),
        );
    }
    assert!(fixed.contains("double-close"), "fixes applied: {fixed:?}");
    eprintln!("quick fixes applied through the server: {fixed:?}");
    assert!(c.stop().success());
}

#[test]
fn go_version_comes_from_go_mod_then_settings() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().canonicalize().expect("canonical");
    std::fs::write(root.join("go.mod"), "module example.com/x\n\ngo 1.21\n").expect("write");
    let text = "package main\n\nimport \"runtime\"\n\nfunc main() {\n\truntime.GOMAXPROCS(runtime.NumCPU())\n}\n";
    let file = root.join("main.go");
    std::fs::write(&file, text).expect("write");
    let uri = format!("file://{}", file.display());
    let message = |d: &[Value]| {
        d.iter()
            .find(|d| d["code"] == "redundant-gomaxprocs")
            .and_then(|d| d["message"].as_str())
            .map(str::to_string)
            .unwrap_or_default()
    };
    let mut c = md_client();
    c.open(&uri, text);
    let go121 = message(&c.diagnostics(&uri, 1));
    assert!(!go121.is_empty(), "the rule fires");
    // The editor's goVersion overrides go.mod.
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"gohint": {"goVersion": "1.25"}}}),
    );
    let m = c.recv(|m| {
        m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri.as_str()
    });
    let go125 = message(
        m["params"]["diagnostics"]
            .as_array()
            .map_or(&[][..], Vec::as_slice),
    );
    assert_ne!(go121, go125, "the message depends on the Go version");
    // Without it (a null unsets it), a changed go.mod is read again once the client says so.
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"gohint": {"goVersion": null}}}),
    );
    let m = c.recv(|m| {
        m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri.as_str()
    });
    assert_eq!(
        message(
            m["params"]["diagnostics"]
                .as_array()
                .map_or(&[][..], Vec::as_slice)
        ),
        go121
    );
    std::fs::write(root.join("go.mod"), "module example.com/x\n\ngo 1.26\n").expect("write");
    let go_mod = format!("file://{}", root.join("go.mod").display());
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": go_mod, "type": 2}]}),
    );
    let m = c.recv(|m| {
        m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri.as_str()
    });
    assert_eq!(
        message(
            m["params"]["diagnostics"]
                .as_array()
                .map_or(&[][..], Vec::as_slice)
        ),
        go125
    );
    assert!(c.stop().success());
}

#[test]
fn fixes_of_an_older_text_and_actions_for_unknown_codes_are_not_offered() {
    let mut c = md_client();
    c.open(URI, DEMO);
    let diags = c.diagnostics(URI, 1);
    // The text moves on: the old diagnostics' edits would land elsewhere.
    c.change(URI, 2, json!([{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "text": "// moved\n"}]));
    c.diagnostics(URI, 2);
    let titles: Vec<String> = code_actions(&mut c, &diags)
        .iter()
        .filter_map(|a| a["title"].as_str().map(str::to_string))
        .collect();
    assert_eq!(titles, ["Explain double-close"]);
    // Data the client made up is not applied either.
    let mut forged = diags[0].clone();
    forged["range"]["start"]["line"] = json!(0);
    forged["data"]["fix"] = json!({"title": "Forged", "isPreferred": true, "edits": [{"range": forged["range"], "text": "x"}]});
    let titles: Vec<String> = code_actions(&mut c, &[forged])
        .iter()
        .filter_map(|a| a["title"].as_str().map(str::to_string))
        .collect();
    assert_eq!(titles, ["Explain double-close"]);
    let mut unknown = diags[0].clone();
    unknown["code"] = json!("x".repeat(1000));
    let none = c.result(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": URI}, "range": unknown["range"], "context": {"diagnostics": [unknown]}}),
    );
    assert!(none.is_null(), "{none}");
    assert!(c.stop().success());
}

/// The "Explain double-close" action a client with `capabilities` gets for
/// [`DEMO`], and the client.
fn explain_action(capabilities: Value) -> (Client, Value) {
    let mut c = Client::start(capabilities);
    c.open(URI, DEMO);
    let diags = c.diagnostics(URI, 1);
    let action = code_actions(&mut c, &diags)
        .into_iter()
        .find(|a| a["title"] == "Explain double-close")
        .expect("an Explain action");
    (c, action)
}

#[test]
fn explain_opens_the_rule_page_in_clients_that_do_not_run_the_command_themselves() {
    let mut caps = capabilities(false, true);
    caps["window"] = json!({"showDocument": {"support": true}});
    let (mut c, action) = explain_action(caps);
    c.result("workspace/executeCommand", action["command"].clone());
    let shown = c
        .answers
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .seen
        .iter()
        .find(|m| m["method"] == "window/showDocument")
        .cloned();
    let shown = shown.unwrap_or_else(|| panic!("no window/showDocument"));
    assert_eq!(shown["params"]["external"], true);
    let uri = shown["params"]["uri"].as_str().unwrap_or_default();
    assert!(
        uri.starts_with("https://") && uri.ends_with("/double-close.md"),
        "{uri}"
    );
    assert!(c.stop().success());

    // Without showDocument: the explanation's first lines as a message.
    let (mut c, action) = explain_action(capabilities(false, true));
    c.result("workspace/executeCommand", action["command"].clone());
    let message = c.recv(|m| {
        m["method"] == "window/showMessage"
            && m["params"]["message"]
                .as_str()
                .is_some_and(|s| s.contains("double-close"))
    });
    let text = message["params"]["message"].as_str().unwrap_or_default();
    assert!(
        text.contains("Why it matters") || text.lines().count() > 1,
        "{text}"
    );
    assert!(c.stop().success());
}

#[test]
fn explain_is_left_to_clients_that_run_the_command_themselves() {
    let mut caps = capabilities(false, true);
    caps["window"] = json!({"showDocument": {"support": true}});
    caps["experimental"] = json!({"gohint": {"explainCommand": true}});
    let (mut c, action) = explain_action(caps);
    assert_eq!(
        action["command"],
        json!({"title": "Explain double-close", "command": "gohint.explain", "arguments": ["double-close"]})
    );
    let md = c.result("workspace/executeCommand", action["command"].clone());
    assert!(md.as_str().is_some_and(|s| s.contains("double-close")));
    let shown = c
        .answers
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .seen
        .iter()
        .any(|m| m["method"] == "window/showDocument");
    assert!(!shown);
    assert!(c.stop().success());
}

#[test]
fn a_method_started_on_one_receiver_in_a_loop_is_reported_as_the_document_is_edited() {
    // Nothing here locks: the file is summarised for its `go` statement
    // alone, on open and after an edit alike.
    let text = "package demo\n\ntype counter struct{ n int }\n\nfunc (c *counter) add() {\n\tc.n++\n}\n\nfunc run(c *counter) {\n\tfor i := 0; i < 4; i++ {\n\t\tgo c.add()\n\t}\n}\n";
    let uri = "file:///tmp/gohint-test-races/counter.go";
    let mut c = md_client();
    c.open(uri, text);
    let codes = |ds: &[Value]| {
        ds.iter()
            .filter(|d| d["code"] == "concurrent-method-without-lock")
            .count()
    };
    assert_eq!(codes(&c.diagnostics(uri, 1)), 1);
    let edited = text.replace("i < 4", "i < 8");
    c.change(uri, 2, json!([{"text": edited}]));
    assert_eq!(codes(&c.diagnostics(uri, 2)), 1);
    c.change(
        uri,
        3,
        json!([{"text": edited.replace("c.n++", "_ = c.n")}]),
    );
    assert_eq!(codes(&c.diagnostics(uri, 3)), 0);
    assert!(c.stop().success());
}
