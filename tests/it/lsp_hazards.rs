//! Hazards through the real server: notifications about documents that are
//! not open, versions going backwards, cancelled hovers, bursts of edits,
//! hundreds of documents, shutdown during an analysis; and hostile texts:
//! documents over the size limit, tens of thousands of findings, a line of
//! 1 MB, lone CR line ends, NUL bytes and configuration files that are not
//! UTF-8.

use crate::common::{capabilities, position, Client};
use serde_json::{json, Value};

const URI: &str = "file:///tmp/gohint-hazards/a.go";

const DEMO: &str = "package demo

func twice(ch chan int) {
	close(ch)
	close(ch)
}
";

const CLEAN: &str = "package demo

func once(ch chan int) {
	close(ch)
}
";

fn client() -> Client {
    Client::start(capabilities(false, true))
}

/// A client whose `initializationOptions` are `options`.
fn client_with(options: Value) -> Client {
    let mut c = Client::spawn();
    c.initialize(capabilities(false, true), Some(options));
    c
}

/// `didChange` replacing the whole text.
fn replace_all(c: &mut Client, uri: &str, version: i64, text: &str) {
    c.change(uri, version, json!([{"text": text}]));
}

/// The codes of diagnostics (`""` for the server's own notices).
fn codes(diagnostics: &[Value]) -> Vec<&str> {
    diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap_or(""))
        .collect()
}

/// The text of a hover result.
fn hover_text(hover: &Value) -> &str {
    hover["contents"]["value"].as_str().unwrap_or("")
}

/// The line and character of an LSP position.
fn at(p: &Value) -> (u32, u32) {
    (
        p["line"].as_u64().unwrap_or(0) as u32,
        p["character"].as_u64().unwrap_or(0) as u32,
    )
}

/// `n` functions with a double close each.
fn double_closes(n: usize) -> String {
    let mut text = String::from("package demo\n\n");
    for i in 0..n {
        text.push_str(&format!(
            "func f{i}(ch chan int) {{\n\tclose(ch)\n\tclose(ch)\n}}\n"
        ));
    }
    text
}

#[test]
fn a_change_to_a_document_never_opened_is_ignored() {
    let mut c = client();
    let ghost = "file:///tmp/gohint-hazards/ghost.go";
    replace_all(&mut c, ghost, 2, DEMO);
    assert!(
        c.wait_stderr(&format!("ignored a change to {ghost}, which is not open")),
        "{}",
        c.stderr()
    );
    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": ghost}, "position": {"line": 3, "character": 2}}),
    );
    assert_eq!(hover["error"]["code"], -32602, "{hover}");
    let tree = c.request("gohint/syntaxTree", json!({"textDocument": {"uri": ghost}}));
    assert_eq!(tree["error"]["code"], -32602, "{tree}");
    // Opening it later starts from the opened text, not the ignored change.
    c.open(ghost, CLEAN);
    assert!(c.diagnostics(ghost, 1).is_empty());
    assert_eq!(c.syntax_tree(ghost)["text"], CLEAN);
    assert!(c.stop().success());
}

#[test]
fn a_change_after_close_is_ignored_and_publishes_nothing() {
    let mut c = client();
    c.open(URI, DEMO);
    assert_eq!(codes(&c.diagnostics(URI, 1)), ["double-close"]);
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": URI}}),
    );
    let cleared =
        c.recv(|m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == URI);
    assert_eq!(cleared["params"]["diagnostics"], json!([]));
    assert!(cleared["params"]["version"].is_null(), "{cleared}");
    replace_all(&mut c, URI, 2, DEMO);
    assert!(c.wait_stderr("which is not open"), "{}", c.stderr());
    let tree = c.request("gohint/syntaxTree", json!({"textDocument": {"uri": URI}}));
    assert_eq!(
        tree["error"]["code"], -32602,
        "the change reopened it: {tree}"
    );
    // Reopening starts over from the client's text.
    c.open(URI, CLEAN);
    assert!(c.diagnostics(URI, 1).is_empty());
    assert_eq!(c.syntax_tree(URI)["text"], CLEAN);
    c.result("shutdown", Value::Null);
    c.notify("exit", Value::Null);
    let late: Vec<Value> = c
        .unread()
        .into_iter()
        .filter(|m| m["params"]["uri"] == URI && m["params"]["version"] == 2)
        .collect();
    assert!(
        late.is_empty(),
        "published for the ignored change: {late:?}"
    );
}

#[test]
fn a_change_with_an_older_version_is_ignored_and_the_newer_text_stays() {
    let mut c = client();
    c.open(URI, DEMO);
    assert_eq!(codes(&c.diagnostics(URI, 1)), ["double-close"]);
    replace_all(&mut c, URI, 5, CLEAN);
    assert!(c.diagnostics(URI, 5).is_empty());
    // A change made to version 2's text arrives after version 5: applying
    // it would overwrite the newer text (or, incremental, garble it).
    replace_all(&mut c, URI, 3, DEMO);
    assert!(
        c.wait_stderr("ignored a change to version 3: the document is already at version 5"),
        "{}",
        c.stderr()
    );
    let logged = c.recv(|m| m["method"] == "window/logMessage");
    assert!(
        logged["params"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("ignored a change to version 3")),
        "{logged}"
    );
    let tree = c.syntax_tree(URI);
    assert_eq!(
        (&tree["version"], &tree["text"]),
        (&json!(5), &json!(CLEAN))
    );
    // The next change applies to version 5's text.
    let end = CLEAN.find("\n}").map_or(0, |i| i + 1);
    let p = position(CLEAN, end, false);
    c.change(
        URI,
        6,
        json!([{"range": {"start": p, "end": p}, "text": "\tclose(ch)\n"}]),
    );
    let mut published = Vec::new();
    let diagnostics = loop {
        let m = c.recv(|m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == URI
        });
        published.push(m["params"]["version"].clone());
        if m["params"]["version"] == 6 {
            break m["params"]["diagnostics"].clone();
        }
    };
    assert!(!published.contains(&json!(3)), "{published:?}");
    assert_eq!(
        codes(diagnostics.as_array().map_or(&[][..], Vec::as_slice)),
        ["double-close"]
    );
    let expected = format!("{}\tclose(ch)\n{}", &CLEAN[..end], &CLEAN[end..]);
    assert_eq!(c.syntax_tree(URI)["text"], expected);
    assert!(c.stop().success());
}

#[test]
fn a_cancelled_hover_is_answered_once_and_the_server_goes_on() {
    let mut c = client();
    // A document that takes a while to analyse, so the hover is still
    // waiting for it when the cancellation arrives.
    let big = double_closes(1_000);
    c.open(URI, &big);
    let id = c.send_request(
        "textDocument/hover",
        json!({"textDocument": {"uri": URI}, "position": {"line": 4, "character": 2}}),
    );
    c.notify("$/cancelRequest", json!({"id": id}));
    let answer = c.response(id);
    assert!(
        answer["error"]["code"] == -32800 || hover_text(&answer["result"]).contains("closed"),
        "cancelled hover: {answer}"
    );
    // Cancelling a request that was answered, or never sent, is harmless.
    c.notify("$/cancelRequest", json!({"id": id}));
    c.notify("$/cancelRequest", json!({"id": 9999}));
    assert_eq!(c.diagnostics(URI, 1).len(), 1000);
    let hover = c.hover(URI, 4, 2);
    assert!(
        hover_text(&hover).contains("closed channel"),
        "the server stopped serving hovers: {hover}"
    );
    c.result("shutdown", Value::Null);
    c.notify("exit", Value::Null);
    let again: Vec<Value> = c
        .unread()
        .into_iter()
        .filter(|m| m["id"] == id && m.get("method").is_none())
        .collect();
    assert!(again.is_empty(), "answered twice: {again:?}");
}

#[test]
fn a_hover_after_a_burst_of_a_thousand_changes_sees_the_final_text() {
    let mut c = client();
    let mut text = String::from("package demo\n\nfunc f(ch chan int) {\n\t// \n}\n");
    c.open(URI, &text);
    c.diagnostics(URI, 1);
    let comment = text.find("// ").map_or(0, |i| i + 3);
    let mut version = 1;
    let mut at = comment;
    for i in 0..999 {
        let typed = ["a", "é", "😀", "中"][i % 4];
        let p = position(&text, at, false);
        text.insert_str(at, typed);
        at += typed.len();
        version += 1;
        c.change(
            URI,
            version,
            json!([{"range": {"start": p, "end": p}, "text": typed}]),
        );
    }
    // The last change adds the code the hover is about.
    let end = text.find("\n}").map_or(0, |i| i + 1);
    let p = position(&text, end, false);
    let added = "\tclose(ch)\n\tclose(ch)\n";
    text.insert_str(end, added);
    version += 1;
    c.change(
        URI,
        version,
        json!([{"range": {"start": p, "end": p}, "text": added}]),
    );
    let second = text.rfind("close(ch)").unwrap_or(0);
    let (line, character) = at_offset(&text, second);
    let hover = c.hover(URI, line, character);
    assert!(
        hover_text(&hover).contains("gohint(double-close)"),
        "the hover saw an older text: {hover}"
    );
    let tree = c.syntax_tree(URI);
    assert_eq!(tree["version"], version);
    assert_eq!(tree["text"], text);
    assert_eq!(codes(&c.diagnostics(URI, version)), ["double-close"]);
    assert!(c.stop().success());
}

/// The UTF-16 line and character of byte `offset` of `text`.
fn at_offset(text: &str, offset: usize) -> (u32, u32) {
    at(&position(text, offset, false))
}

/// Receives messages until one matches `stop`, which it returns; the
/// diagnostics published meanwhile go into `published`, by URI.
fn collect_until(
    c: &mut Client,
    published: &mut std::collections::HashMap<String, Value>,
    stop: impl Fn(&Value) -> bool,
) -> Value {
    loop {
        let m = c.recv(|m| m["method"] == "textDocument/publishDiagnostics" || stop(m));
        if stop(&m) {
            return m;
        }
        let uri = m["params"]["uri"].as_str().unwrap_or("").to_string();
        published.insert(uri, m["params"]["diagnostics"].clone());
    }
}

#[test]
fn two_hundred_documents_opened_at_once_are_all_analysed_those_in_use_first() {
    let mut c = client();
    let n = 200;
    let uri = |i: usize| format!("file:///tmp/gohint-hazards/many/f{i}.go");
    for i in 0..n {
        let text = if i % 2 == 0 {
            double_closes(20)
        } else {
            format!("package many\n\nfunc f{i}() {{}}\n")
        };
        c.open(&uri(i), &text);
    }
    // Responsive while they are analysed: a hover on one of the last opened
    // and an edit of the last do not wait for the documents opened before.
    let mut published = std::collections::HashMap::new();
    let id = c.send_request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(n - 2)}, "position": {"line": 4, "character": 2}}),
    );
    let hover = collect_until(&mut c, &mut published, |m| {
        m["id"] == id && m.get("method").is_none()
    });
    assert!(
        hover_text(&hover["result"]).contains("double-close"),
        "{hover}"
    );
    assert!(
        published.len() < n / 2,
        "the hover waited for {} documents",
        published.len()
    );
    replace_all(&mut c, &uri(n - 1), 2, DEMO);
    let last = uri(n - 1);
    let edited = collect_until(&mut c, &mut published, |m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == last.as_str()
            && m["params"]["version"] == 2
    });
    assert_eq!(
        codes(
            edited["params"]["diagnostics"]
                .as_array()
                .map_or(&[][..], Vec::as_slice)
        ),
        ["double-close"]
    );
    assert!(
        published.len() < n / 2,
        "the edit waited for {} documents",
        published.len()
    );
    for i in 0..n - 1 {
        let diagnostics = match published.remove(&uri(i)) {
            Some(d) => d.as_array().cloned().unwrap_or_default(),
            None => c.diagnostics(&uri(i), 1),
        };
        let expected = if i % 2 == 0 { 20 } else { 0 };
        assert_eq!(diagnostics.len(), expected, "document {i}");
    }
    assert!(c.stop().success());
}

#[test]
fn documents_edited_past_the_syntax_tree_budget_stay_right() {
    // Two edited documents of 150 KB: the server keeps the syntax trees of
    // only 256 KB of edited text, so each one's edit drops the other's tree
    // and its next edit is analysed from scratch.
    let mut c = client();
    let text = format!("{DEMO}\n// {}\n", "x".repeat(150_000));
    let uris = [
        "file:///tmp/gohint-hazards/a.go",
        "file:///tmp/gohint-hazards/b.go",
    ];
    let top = json!({"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}});
    for uri in uris {
        c.open(uri, &text);
        assert_eq!(codes(&c.diagnostics(uri, 1)), ["double-close"]);
    }
    for uri in uris {
        c.change(uri, 2, json!([{"range": top, "text": "// edited\n"}]));
        assert_eq!(codes(&c.diagnostics(uri, 2)), ["double-close"]);
    }
    let edited = format!("// edited\n{text}");
    let second = edited.rfind("\tclose(ch)\n").unwrap_or(0);
    let once = format!("{}{}", &edited[..second], &edited[second + 11..]);
    for uri in uris {
        let cut = crate::common::range(&edited, second, second + 11, false);
        c.change(uri, 3, json!([{"range": cut, "text": ""}]));
        assert!(c.diagnostics(uri, 3).is_empty());
        assert_eq!(c.syntax_tree(uri)["text"], once);
        let (line, character) = at_offset(&once, once.find("close(ch)").unwrap_or(0));
        assert!(hover_text(&c.hover(uri, line, character)).contains("close"));
    }
    assert!(c.stop().success());
}

#[test]
fn shutdown_while_an_analysis_runs_answers_and_exits_with_0() {
    let mut c = client();
    let big: String = std::iter::once("package demo\n\n".to_string())
        .chain((0..20_000).map(|i| format!("func f{i}(v any) int {{\n\treturn v.(int)\n}}\n")))
        .collect();
    c.open(URI, &big);
    c.change(
        URI,
        2,
        json!([{"range": {"start": {"line": 2, "character": 0}, "end": {"line": 2, "character": 0}}, "text": "// edited\n"}]),
    );
    assert_eq!(c.result("shutdown", Value::Null), Value::Null);
    c.notify("exit", Value::Null);
    let status = c
        .wait_exit(crate::common::TIMEOUT)
        .expect("the server exits");
    assert_eq!(status.code(), Some(0));
}

#[test]
fn a_document_over_the_size_limit_is_declined_until_it_shrinks() {
    let mut c = client_with(json!({"maxFileSize": "2 KB"}));
    let big = format!("{DEMO}\n// {}\n", "x".repeat(2_100));
    c.open(URI, &big);
    let notice = c.diagnostics(URI, 1);
    assert_eq!(notice.len(), 1, "{notice:?}");
    assert_eq!(notice[0]["severity"], 3, "{notice:?}");
    assert_eq!(
        notice[0]["range"],
        json!({"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}})
    );
    let message = notice[0]["message"].as_str().unwrap_or("");
    assert!(
        message.contains(&format!("({} bytes)", big.len()))
            && message.contains("over gohint.maxFileSize (2 KB)"),
        "{message}"
    );
    let shown = c.recv(|m| m["method"] == "window/showMessage");
    assert!(
        shown["params"]["message"]
            .as_str()
            .is_some_and(|m| m.ends_with(message)),
        "{shown}"
    );
    // Requests are answered, without analysis.
    assert!(c.hover(URI, 4, 2).is_null());
    let tree = c.request("gohint/syntaxTree", json!({"textDocument": {"uri": URI}}));
    assert!(
        tree["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("gohint.maxFileSize")),
        "{tree}"
    );
    // Typing on: the notice stays, the message is not shown again.
    c.change(URI, 2, json!([{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "text": "// more\n"}]));
    assert_eq!(c.diagnostics(URI, 2).len(), 1);
    // Back under the limit, the kept text is analysed from scratch.
    let current = format!("// more\n{big}");
    let shrunk = format!("// more\n{DEMO}");
    let cut = crate::common::range(&current, shrunk.len(), current.len(), false);
    c.change(URI, 3, json!([{"range": cut, "text": ""}]));
    assert_eq!(codes(&c.diagnostics(URI, 3)), ["double-close"]);
    assert_eq!(c.syntax_tree(URI)["text"], shrunk);
    // Over it again, and then a raised limit analyses it without a change.
    replace_all(&mut c, URI, 4, &big);
    assert_eq!(codes(&c.diagnostics(URI, 4)), [""]);
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"gohint": {"maxFileSize": 0}}}),
    );
    let m = c.recv(|m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["version"] == 4
            && m["params"]["diagnostics"][0]["code"] == "double-close"
    });
    assert_eq!(m["params"]["uri"], URI);
    let shows = c.drain("window/showMessage");
    assert_eq!(
        shows.len(),
        1,
        "told once per time over the limit: {shows:?}"
    );
    assert!(c.stop().success());
}

#[test]
fn a_file_of_tens_of_megabytes_is_declined_at_the_default_limit() {
    let mut c = client();
    let text = double_closes(600_000);
    assert!(text.len() > 25 * 1024 * 1024, "{} bytes", text.len());
    c.open(URI, &text);
    let notice = c.diagnostics(URI, 1);
    assert_eq!(codes(&notice), [""], "{notice:?}");
    assert!(
        notice[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("over gohint.maxFileSize (10 MB)")),
        "{notice:?}"
    );
    assert!(c.hover(URI, 4, 2).is_null());
    let tail = position(&text, text.len(), false);
    c.change(
        URI,
        2,
        json!([{"range": {"start": tail, "end": tail}, "text": "// end\n"}]),
    );
    assert_eq!(codes(&c.diagnostics(URI, 2)), [""]);
    replace_all(&mut c, URI, 3, DEMO);
    assert_eq!(codes(&c.diagnostics(URI, 3)), ["double-close"]);
    assert!(c.stop().success());
}

#[test]
fn fifty_thousand_findings_are_capped_in_position_order_and_the_cap_is_said() {
    let mut c = client();
    let mut text = String::from("package demo\n\n");
    for i in 0..5_000 {
        text.push_str(&format!("func f{i}(x any) {{\n"));
        text.push_str(&"\t_ = x.(int)\n".repeat(10));
        text.push_str("}\n");
    }
    c.open(URI, &text);
    let diagnostics = c.diagnostics(URI, 1);
    assert_eq!(diagnostics.len(), 1001);
    let assertions: Vec<usize> = text.match_indices("x.(int)").map(|(i, _)| i).collect();
    assert_eq!(assertions.len(), 50_000);
    for (d, &offset) in diagnostics[..1000].iter().zip(&assertions) {
        assert_eq!(d["code"], "unchecked-type-assertion", "{d}");
        assert_eq!(d["range"]["start"], position(&text, offset, false));
    }
    let notice = &diagnostics[1000];
    assert!(notice.get("code").is_none(), "{notice}");
    assert_eq!(notice["severity"], 3);
    assert_eq!(
        notice["range"]["start"],
        position(&text, assertions[1000], false)
    );
    let message = notice["message"].as_str().unwrap_or("");
    assert!(
        message.contains("50000 problems")
            && message.contains("the 49000 from here on are not shown")
            && message.contains("gohint.maxDiagnostics is 1000"),
        "{message}"
    );
    // Findings past the cap still have their hovers.
    let (line, character) = at_offset(&text, assertions[40_000]);
    assert!(hover_text(&c.hover(URI, line, character)).contains("unchecked-type-assertion"));
    // The cap is a setting.
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"gohint": {"maxDiagnostics": 10}}}),
    );
    let capped =
        c.recv(|m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == URI);
    let capped = capped["params"]["diagnostics"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(capped.len(), 11);
    assert!(capped[10]["message"]
        .as_str()
        .is_some_and(|m| m.contains("the 49990 from here on")));
    assert!(c.stop().success());
}

#[test]
fn a_line_of_one_megabyte_keeps_positions_exact() {
    let mut c = client();
    let text = format!(
        "package demo\n\nvar s = \"{}\"; func twice(ch chan int) {{ close(ch); close(ch) }}\n",
        "é".repeat(500_000)
    );
    assert!(text.len() > 1_000_000);
    c.open(URI, &text);
    let diagnostics = c.diagnostics(URI, 1);
    assert_eq!(codes(&diagnostics), ["double-close"]);
    let second = text.rfind("close(ch)").unwrap_or(0);
    assert_eq!(
        diagnostics[0]["range"]["start"],
        position(&text, second, false)
    );
    let (line, character) = at_offset(&text, second + 2);
    assert!(hover_text(&c.hover(URI, line, character)).contains("gohint(double-close)"));
    // Typing at the end of the long line.
    let gone = text.replacen("; close(ch) }", " }", 1);
    let from = text.rfind("; close(ch) }").unwrap_or(0);
    c.change(
        URI,
        2,
        json!([{"range": crate::common::range(&text, from, from + "; close(ch)".len(), false), "text": ""}]),
    );
    assert!(c.diagnostics(URI, 2).is_empty());
    assert_eq!(c.syntax_tree(URI)["text"], gone);
    assert!(c.stop().success());
}

/// The UTF-16 position of byte `offset` with LSP's line ends: `\n`, `\r\n`
/// and a lone `\r`.
fn lsp_position(text: &str, offset: usize) -> Value {
    let before = &text[..offset];
    let mut line = 0;
    let mut start = 0;
    let bytes = before.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        let lone_cr = b == b'\r' && text.as_bytes().get(i + 1) != Some(&b'\n');
        if b == b'\n' || lone_cr {
            line += 1;
            start = i + 1;
        }
    }
    let character: usize = before[start..].chars().map(char::len_utf16).sum();
    json!({"line": line, "character": character})
}

#[test]
fn lone_carriage_returns_end_lines_as_the_client_counts_them() {
    let mut c = client();
    let text = "package demo;\r\rvar s = \"é\";\rfunc twice(ch chan int) {\n\tclose(ch);\r\tclose(ch)\r\n}\n";
    c.open(URI, text);
    let diagnostics = c.diagnostics(URI, 1);
    assert_eq!(codes(&diagnostics), ["double-close"]);
    let second = text.rfind("close(ch)").unwrap_or(0);
    assert_eq!(
        diagnostics[0]["range"],
        json!({"start": lsp_position(text, second), "end": lsp_position(text, second + 9)})
    );
    assert_eq!(
        diagnostics[0]["range"]["start"],
        json!({"line": 5, "character": 1})
    );
    // An edit after lone CRs lands where the client made it.
    let first = text.find("close(ch);").unwrap_or(0);
    let range = json!({"start": lsp_position(text, first), "end": lsp_position(text, first + 10)});
    c.change(URI, 2, json!([{"range": range, "text": "println();"}]));
    assert!(c.diagnostics(URI, 2).is_empty());
    let edited = text.replacen("close(ch);", "println();", 1);
    assert_eq!(c.syntax_tree(URI)["text"], edited);
    assert!(c.stop().success());
}

#[test]
fn nul_bytes_in_comments_and_strings_leave_the_rest_analysed() {
    let mut c = client();
    let text = "package demo\n\n// a \0 b\nvar s = \"x\0y\"\n\nfunc twice(ch chan int) {\n\tclose(ch)\n\tclose(ch)\n}\n";
    c.open(URI, text);
    let diagnostics = c.diagnostics(URI, 1);
    assert_eq!(codes(&diagnostics), ["double-close"]);
    let second = text.rfind("close(ch)").unwrap_or(0);
    assert_eq!(
        diagnostics[0]["range"]["start"],
        position(text, second, false)
    );
    assert_eq!(c.syntax_tree(URI)["text"], text);
    assert!(c.stop().success());
}

#[test]
fn configuration_files_that_are_not_utf8_warn_and_analysis_goes_on() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().canonicalize().expect("canonical");
    std::fs::write(root.join("gohint.toml"), b"[rules]\n\xff\xfe = \"off\"\0\n").expect("write");
    std::fs::write(root.join("go.mod"), b"module x\n\n// \xff\ngo 1.21\n").expect("write");
    let file = root.join("main.go");
    let uri = format!("file://{}", file.display());
    let mut c = client();
    c.open(&uri, DEMO);
    assert_eq!(codes(&c.diagnostics(&uri, 1)), ["double-close"]);
    let shown = c.recv(|m| m["method"] == "window/showMessage");
    let message = shown["params"]["message"].as_str().unwrap_or("");
    assert!(
        message.contains("gohint.toml: cannot read it") && message.contains("UTF-8"),
        "{message}"
    );
    assert!(c.stop().success());
}

#[test]
fn a_message_that_is_not_utf8_is_rejected_and_the_server_goes_on() {
    let mut c = client();
    let open = json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": URI, "languageId": "go", "version": 1, "text": "package demo // BAD"}}});
    let body = open.to_string().replace("BAD", "\u{1}").into_bytes();
    let body: Vec<u8> = body
        .into_iter()
        .map(|b| if b == 1 { 0xff } else { b })
        .collect();
    let mut frame = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    frame.extend_from_slice(&body);
    c.send_raw(&frame);
    let rejected = c.recv(|m| m["error"]["code"] == -32700);
    assert_eq!(rejected["id"], Value::Null, "{rejected}");
    let tree = c.request("gohint/syntaxTree", json!({"textDocument": {"uri": URI}}));
    assert_eq!(
        tree["error"]["code"], -32602,
        "the document was opened: {tree}"
    );
    c.open(URI, DEMO);
    assert_eq!(codes(&c.diagnostics(URI, 1)), ["double-close"]);
    assert!(c.stop().success());
}

#[test]
fn dollar_requests_get_method_not_found_and_the_server_goes_on() {
    let mut c = client();
    for method in ["$/someRequest", "$/setTrace", "$/cancelRequest"] {
        let response = c.request(method, json!({}));
        assert_eq!(response["error"]["code"], -32601, "{method}: {response}");
    }
    c.open(URI, DEMO);
    assert_eq!(codes(&c.diagnostics(URI, 1)), ["double-close"]);
    assert!(c.stop().success());
}

/// Runs the server on `input` (already framed, ending with `exit`) and
/// returns its raw output.
fn raw_session(input: &[u8]) -> String {
    use std::io::{Read, Write};
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_gohint"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start gohint");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(input).expect("write");
    let mut out = String::new();
    child
        .stdout
        .take()
        .expect("stdout")
        .read_to_string(&mut out)
        .expect("read");
    drop(stdin);
    let _ = child.wait();
    out
}

/// `body` with its header.
fn frame(body: &str) -> Vec<u8> {
    let mut f = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    f.extend_from_slice(body.as_bytes());
    f
}

#[test]
fn ids_are_echoed_exactly_as_sent() {
    let mut input =
        frame(r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}"#);
    input.extend(frame(
        r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#,
    ));
    for id in [
        "1180591620717411303424",
        "9223372036854775808",
        "1.5",
        "-7",
        "\"x\"",
    ] {
        input.extend(frame(&format!(
            r#"{{"jsonrpc":"2.0","id":{id},"method":"workspace/executeCommand","params":{{"command":"gohint.explain","arguments":["double-close"]}}}}"#
        )));
    }
    input.extend(frame(r#"{"jsonrpc":"2.0","id":2,"method":"shutdown"}"#));
    input.extend(frame(r#"{"jsonrpc":"2.0","method":"exit"}"#));
    let out = raw_session(&input);
    for id in [
        "1180591620717411303424",
        "9223372036854775808",
        "1.5",
        "-7",
        "\"x\"",
    ] {
        let echoed = [",", "}"]
            .iter()
            .any(|end| out.contains(&format!("\"id\":{id}{end}")));
        assert!(echoed, "id {id} not echoed: {out}");
    }
    assert!(!out.contains("e+21") && !out.contains("e21"), "{out}");
}

#[test]
fn out_of_range_change_numbers_are_clamped_and_logged_not_dropped() {
    let mut c = client();
    c.open(URI, CLEAN);
    assert!(codes(&c.diagnostics(URI, 1)).is_empty());
    let change = format!(
        r#"{{"jsonrpc":"2.0","method":"textDocument/didChange","params":{{"textDocument":{{"uri":"{URI}","version":4294967296}},"contentChanges":[{{"range":{{"start":{{"line":-1,"character":0.5}},"end":{{"line":4294967296,"character":-3}}}},"text":{}}}]}}}}"#,
        Value::from(DEMO)
    );
    c.send_raw(&frame(&change));
    assert_eq!(
        codes(&c.diagnostics(URI, i64::from(i32::MAX))),
        ["double-close"]
    );
    assert_eq!(c.syntax_tree(URI)["text"], DEMO);
    assert!(c.wait_stderr("clamped to 0"), "{}", c.stderr());
    assert!(c.wait_stderr("clamped to 2147483647"), "{}", c.stderr());
    assert!(c.stop().success());
}

#[test]
fn a_lone_surrogate_escape_opens_the_document_with_a_replacement_character() {
    let mut c = client();
    let text = DEMO.replace("func twice", "// half an emoji: SURROGATE\nfunc twice");
    let open = json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": URI, "languageId": "go", "version": 1, "text": text}}});
    c.send_raw(&frame(&open.to_string().replace("SURROGATE", "\\ud83d")));
    assert_eq!(codes(&c.diagnostics(URI, 1)), ["double-close"]);
    let seen = c.syntax_tree(URI)["text"]
        .as_str()
        .unwrap_or("")
        .to_string();
    assert_eq!(seen, text.replace("SURROGATE", "\u{fffd}"));
    assert!(c.stop().success());
}

#[test]
fn a_client_that_never_reads_stderr_does_not_stall_the_server() {
    use std::io::{BufRead, BufReader, Read, Write};
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_gohint"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start gohint");
    // Held open and never read: the pipe fills after some 64 KB.
    let _stderr = child.stderr.take();
    let mut stdin = child.stdin.take().expect("stdin");
    let mut input =
        frame(r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}"#);
    input.extend(frame(
        r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#,
    ));
    for i in 0..5000 {
        input.extend(frame(&format!(
            r#"{{"jsonrpc":"2.0","method":"textDocument/didChange","params":{{"textDocument":{{"uri":"file:///not/open/{i:0>40}.go","version":2}},"contentChanges":[]}}}}"#
        )));
    }
    input.extend(frame(r#"{"jsonrpc":"2.0","id":99,"method":"shutdown"}"#));
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
        stdin
    });
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut seen = String::new();
        loop {
            let mut line = String::new();
            if out.read_line(&mut line).unwrap_or(0) == 0 {
                break;
            }
            if let Some(n) = line.trim().strip_prefix("Content-Length: ") {
                let mut body = vec![0; n.parse().unwrap_or(0) + 2];
                if out.read_exact(&mut body).is_err() {
                    break;
                }
                seen = String::from_utf8_lossy(&body).to_string();
                if seen.contains("\"id\":99") {
                    break;
                }
            }
        }
        let _ = tx.send(seen);
    });
    let last = rx.recv_timeout(crate::common::TIMEOUT).unwrap_or_default();
    assert!(last.contains("\"id\":99"), "no reply to shutdown: {last}");
    let mut stdin = writer.join().expect("writer");
    let _ = stdin.write_all(&frame(r#"{"jsonrpc":"2.0","method":"exit"}"#));
    drop(stdin);
    let _ = child.wait();
}

/// The peak resident memory of process `pid`, in bytes.
fn peak_memory(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

#[test]
fn an_edited_document_of_many_megabytes_is_checked_in_slices_without_its_whole_tree() {
    // `GOHINT_HUGE_TESTS=1` edits a 100 MB document instead (best against a
    // release build).
    let huge = std::env::var_os("GOHINT_HUGE_TESTS").is_some_and(|v| v == "1");
    let size = if huge { 100 << 20 } else { 3 << 20 };
    let mut text = String::from("package demo\n\nimport \"sync\"\n\n");
    let mut i = 0;
    while text.len() < size {
        text.push_str(&format!(
            "func f{i}(mu *sync.Mutex, xs []int) int {{\n\tmu.Lock()\n\tdefer mu.Unlock()\n\tn := 0\n\tfor _, x := range xs {{\n\t\tn += x\n\t}}\n\treturn n\n}}\n\n"
        ));
        i += 1;
    }
    let mut c = client_with(json!({"maxFileSize": 0}));
    c.open(URI, &text);
    assert!(codes(&c.diagnostics(URI, 1)).is_empty());
    let end = position(&text, text.len(), false);
    c.change(
        URI,
        2,
        json!([{"range": {"start": end, "end": end}, "text": DEMO.trim_start_matches("package demo\n")}]),
    );
    text.push_str(DEMO.trim_start_matches("package demo\n"));
    assert_eq!(codes(&c.diagnostics(URI, 2)), ["double-close"]);
    let second = text.rfind("close(ch)").unwrap_or(0);
    let (line, character) = at_offset(&text, second);
    assert!(hover_text(&c.hover(URI, line, character)).contains("double-close"));
    // A whole syntax tree takes some 35 bytes per byte of text.
    let peak = peak_memory(c.pid());
    assert!(
        peak < 30 * size as u64,
        "peak memory {} MB for a {} MB document",
        peak >> 20,
        size >> 20
    );
    assert!(c.stop().success());
}

/// Requests about a document whose analysis outlasts the bound (megabytes of
/// functions, replaced whole) pile up past the number the server works on at
/// once: an explain, which needs no analysis, and a hover on another
/// document are answered within the bound all the same, and so is every
/// hover still waiting, with "cancelled", once the client cancels it.
#[test]
fn requests_piling_up_on_a_slow_document_hold_up_nothing_else() {
    use std::time::{Duration, Instant};
    let mut c = client();
    let mut slow = slow_document();
    const SLOW: &str = "file:///tmp/gohint-hazards/slow.go";
    c.open(URI, DEMO);
    assert_eq!(codes(&c.diagnostics(URI, 1)), ["double-close"]);
    c.open(SLOW, &slow);
    slow.push_str("// edited\n");
    replace_all(&mut c, SLOW, 2, &slow);
    let hovers: Vec<i64> = (0..40)
        .map(|_| {
            c.send_request(
                "textDocument/hover",
                json!({"textDocument": {"uri": SLOW}, "position": {"line": 5, "character": 2}}),
            )
        })
        .collect();
    let sent = Instant::now();
    let explain = c.send_request(
        "workspace/executeCommand",
        json!({"command": "gohint.explain", "arguments": ["double-close"]}),
    );
    let hover = c.send_request(
        "textDocument/hover",
        json!({"textDocument": {"uri": URI}, "position": {"line": 4, "character": 2}}),
    );
    let bound = Duration::from_secs(5);
    let reply = |id: i64| move |m: &Value| m["id"] == id && m.get("method").is_none();
    let answer = c.try_recv(&reply(explain), bound);
    assert!(
        answer.is_some_and(|a| a["result"].is_string()),
        "explain waited {:?}",
        sent.elapsed()
    );
    let answer = c.try_recv(&reply(hover), bound);
    assert!(
        answer.is_some_and(|a| hover_text(&a["result"]).contains("double-close")),
        "a hover on another document waited {:?}",
        sent.elapsed()
    );
    // The hovers not answered yet: those waiting for the analysis (and any
    // answer still on its way).
    let waiting: Vec<i64> = hovers
        .iter()
        .copied()
        .filter(|&id| c.try_recv(&reply(id), Duration::ZERO).is_none())
        .collect();
    assert!(
        !waiting.is_empty(),
        "the slow document was analysed within {:?}",
        sent.elapsed()
    );
    for &id in &hovers {
        c.notify("$/cancelRequest", json!({"id": id}));
    }
    let cancelled = Instant::now();
    let mut cancelled_count = 0;
    for &id in &waiting {
        let answer = c.try_recv(&reply(id), bound);
        assert!(
            answer.is_some(),
            "hover {id} unanswered {:?} after its cancellation",
            cancelled.elapsed()
        );
        cancelled_count += usize::from(answer.is_some_and(|a| a["error"]["code"] == -32800));
    }
    // Those answered "cancelled" were still waiting for the analysis.
    assert!(cancelled_count > 0, "no waiting hover was cancelled");
    drop(c);
}

/// Frames whose Content-Length is too long (taking in the start of the next
/// message) or too short (leaving the end of its body where the next header
/// should be): nothing in the stream tells a wrong length from a right one,
/// so the messages they overlap are lost, each read that fails gets a parse
/// error, and the server answers the messages after them as usual.
#[test]
fn a_wrong_content_length_loses_only_the_messages_it_overlaps() {
    let mut c = client();
    let explain = |id: i64| {
        json!({"jsonrpc": "2.0", "id": id, "method": "workspace/executeCommand", "params": {"command": "gohint.explain", "arguments": ["double-close"]}}).to_string()
    };
    for (base, delta) in [(9000, 60_i64), (9100, -5)] {
        let body = explain(base);
        let length = i64::try_from(body.len()).unwrap_or(0) + delta;
        let mut input = format!("Content-Length: {length}\r\n\r\n{body}").into_bytes();
        for id in base + 1..base + 5 {
            input.extend(frame(&explain(id)));
        }
        c.send_raw(&input);
        let last = c.recv(|m| m["id"] == base + 4);
        assert!(last["result"].is_string(), "length {delta:+}: {last}");
        let parse_error = |m: &Value| m["error"]["code"] == -32700 && m["id"].is_null();
        let errors =
            std::iter::from_fn(|| c.try_recv(&parse_error, std::time::Duration::ZERO)).count();
        assert!(errors >= 1, "length {delta:+}: no parse error");
    }
    c.open(URI, DEMO);
    assert_eq!(codes(&c.diagnostics(URI, 1)), ["double-close"]);
    assert!(c.stop().success());
}

/// The memory (resident, in bytes) of a server holding thirty documents
/// of one function of 10,000 type assertions, of which the first `findings`
/// are unchecked (findings) and the rest checked (none), opened and left
/// alone; and whether `exit` after `shutdown` ends it within a second.
fn memory_holding(findings: usize) -> (u64, bool) {
    use std::time::Duration;
    let mut c = client();
    let text = format!(
        "package demo\n\nfunc f(x any) {{\n{}{}}}\n",
        "\t_ = x.(int)\n".repeat(findings),
        "\t_, _ = x.(int)\n".repeat(10_000 - findings)
    );
    let uris: Vec<String> = (0..30)
        .map(|i| format!("file:///tmp/gohint-hazards/findings{i}.go"))
        .collect();
    for uri in &uris {
        c.open(uri, &text);
    }
    for uri in &uris {
        // Past the cap of 1,000, one notice says how many are not shown.
        let shown = if findings > 1000 { 1001 } else { findings };
        assert_eq!(c.diagnostics(uri, 1).len(), shown);
    }
    let status = std::fs::read_to_string(format!("/proc/{}/status", c.pid())).unwrap_or_default();
    let resident = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024);
    c.result("shutdown", Value::Null);
    c.notify("exit", Value::Null);
    let exited = c
        .wait_exit(Duration::from_secs(1))
        .is_some_and(|s| s.success());
    (resident, exited)
}

/// Documents of 10,000 findings each, opened and left alone, past the few
/// that keep their syntax trees, keep only the findings they publish (the
/// cap of 1,000): they take about as much memory as documents of 1,000
/// findings (some 15 MB more here, where keeping every finding took some
/// 75 MB more); and `exit` after `shutdown` ends the server at once
/// however much it holds.
#[test]
fn documents_full_of_findings_keep_what_they_publish_and_exit_at_once() {
    let (capped, exited) = memory_holding(1_000);
    assert!(exited, "exit took over a second");
    let (full, exited) = memory_holding(10_000);
    assert!(exited, "exit took over a second");
    assert!(
        full < capped + (40 << 20),
        "{} MB for 300,000 findings, {} MB for 30,000",
        full >> 20,
        capped >> 20
    );
}

/// Two documents whose analyses outlast the bound (megabytes of functions,
/// each replaced whole) are edited, as many as the server analyses at once
/// on two cores; a small document edited after them still gets its
/// diagnostics within the bound, as analyses take turns a step at a time.
#[test]
fn a_small_edit_is_published_while_slow_documents_are_analysed() {
    use std::time::{Duration, Instant};
    let mut c = client();
    let slow = slow_document();
    c.open(URI, CLEAN);
    assert!(codes(&c.diagnostics(URI, 1)).is_empty());
    for k in 0..2 {
        let uri = format!("file:///tmp/gohint-hazards/slow{k}.go");
        c.open(&uri, &slow);
        replace_all(&mut c, &uri, 2, &format!("{slow}// edited\n"));
    }
    let sent = Instant::now();
    replace_all(&mut c, URI, 2, DEMO);
    let published = c.try_recv(
        &|m: &Value| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == URI
                && m["params"]["version"] == 2
        },
        Duration::from_secs(5),
    );
    assert!(
        published.is_some_and(|m| m["params"]["diagnostics"][0]["code"] == "double-close"),
        "waited {:?}",
        sent.elapsed()
    );
    // The slow documents were still being analysed, or nothing was tried.
    let slow_done = |m: &Value| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] != URI
            && m["params"]["version"] == 2
    };
    assert!(
        c.try_recv(&slow_done, Duration::ZERO).is_none(),
        "the slow documents were analysed within {:?}",
        sent.elapsed()
    );
    drop(c);
}

/// A document whose analysis outlasts the bound: 5 MB of small functions
/// that each lock a mutex.
fn slow_document() -> String {
    let mut slow = String::from("package demo\n\nimport \"sync\"\n\n");
    let mut i = 0;
    while slow.len() < 5 << 20 {
        slow.push_str(&format!(
            "func f{i}(mu *sync.Mutex, xs []int) int {{\n\tmu.Lock()\n\tdefer mu.Unlock()\n\tn := 0\n\tfor _, x := range xs {{\n\t\tn += x\n\t}}\n\treturn n\n}}\n\n"
        ));
        i += 1;
    }
    slow
}
