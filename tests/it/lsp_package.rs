//! A package's files seen together: the server reads the other Go files of
//! a document's folder (open documents win over the disk), checks the
//! other open documents again when one changes what it tells them, and
//! gives the findings `--check` gives for the same files.

use crate::common::cli::{gohint, stdout};
use crate::common::{capabilities, Client};
use serde_json::{json, Value};
use std::path::Path;

/// A method that read-locks and calls `s.Has` while holding the lock.
const A: &str = "package store

import \"sync\"

type Store struct {
\tmu sync.RWMutex
\tm  map[string]int
}

func (s *Store) Get(k string) int {
\ts.mu.RLock()
\tdefer s.mu.RUnlock()
\tif s.Has(k) {
\t\treturn s.m[k]
\t}
\treturn 0
}
";

/// `Has` without a lock.
const B_PLAIN: &str = "package store

func (s *Store) Has(k string) bool {
\t_, ok := s.m[k]
\treturn ok
}
";

/// `Has` read-locking first thing.
const B_LOCKED: &str = "package store

func (s *Store) Has(k string) bool {
\ts.mu.RLock()
\tdefer s.mu.RUnlock()
\t_, ok := s.m[k]
\treturn ok
}
";

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// The rule slugs of a publication.
fn codes(publication: &Value) -> Vec<String> {
    publication["params"]["diagnostics"]
        .as_array()
        .map(|d| {
            d.iter()
                .filter_map(|d| d["code"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Waits for a publication of `uri` whose rule slugs satisfy `want`.
fn published(c: &mut Client, uri: &str, want: impl Fn(&[String]) -> bool) -> Value {
    c.recv(|m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == uri
            && want(&codes(m))
    })
}

/// The `recursive-rlock` findings `--check` reports for the folder, as
/// `file:line`.
fn checked(dir: &Path) -> Vec<String> {
    let out = gohint(&["--check", ".", "--format", "jsonl", "-q"], dir);
    stdout(&out)
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|f| f["rule"] == "recursive-rlock")
        .map(|f| format!("{}:{}", f["path"].as_str().unwrap_or(""), f["line"]))
        .collect()
}

#[test]
fn editing_one_file_of_a_package_changes_the_findings_of_another() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().canonicalize().expect("canonical");
    let (a, b) = (root.join("a.go"), root.join("b.go"));
    std::fs::write(&a, A).expect("write");
    std::fs::write(&b, B_PLAIN).expect("write");
    let (a_uri, b_uri) = (uri(&a), uri(&b));
    let mut c = Client::start(capabilities(false, true));
    c.open(&a_uri, A);
    assert!(codes(&published(&mut c, &a_uri, |_| true)).is_empty());
    c.open(&b_uri, B_PLAIN);
    published(&mut c, &b_uri, |_| true);

    // b.go, edited (not saved), now read-locks in Has: a.go's Get deadlocks.
    c.forget_publications(&a_uri);
    c.change(&b_uri, 2, json!([{ "text": B_LOCKED }]));
    let found = published(&mut c, &a_uri, |codes| {
        codes.iter().any(|c| c == "recursive-rlock")
    });
    let diagnostic = &found["params"]["diagnostics"][0];
    assert_eq!(diagnostic["range"]["start"]["line"], 12, "{diagnostic}");
    let related = diagnostic["relatedInformation"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let in_b = related
        .iter()
        .find(|r| r["location"]["uri"] == b_uri)
        .unwrap_or_else(|| panic!("no related location in b.go: {related:?}"));
    assert_eq!(in_b["location"]["range"]["start"]["line"], 3, "{in_b}");
    // The hover tells the way step by step, naming the other file.
    let hover = c.hover(&a_uri, 12, 6);
    let text = hover["contents"]["value"].as_str().unwrap_or_default();
    for part in [
        "**Step by step:**",
        "1. `s.mu` read-locked here (line 11)",
        "2. `Has` read-locks it here (in `b.go`)",
    ] {
        assert!(text.contains(part), "missing {part:?} in hover:\n{text}");
    }

    // The same files on disk: --check agrees.
    std::fs::write(&b, B_LOCKED).expect("write");
    assert_eq!(checked(&root), vec!["a.go:13".to_string()]);

    // Back to the plain Has: the finding goes away again.
    c.forget_publications(&a_uri);
    c.change(&b_uri, 3, json!([{ "text": B_PLAIN }]));
    published(&mut c, &a_uri, |codes| codes.is_empty());
    std::fs::write(&b, B_PLAIN).expect("write");
    assert!(checked(&root).is_empty());
    assert!(c.stop().success());
}

#[test]
fn a_file_on_disk_counts_until_it_changes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().canonicalize().expect("canonical");
    let (a, b) = (root.join("a.go"), root.join("b.go"));
    std::fs::write(&a, A).expect("write");
    std::fs::write(&b, B_LOCKED).expect("write");
    let a_uri = uri(&a);
    let mut caps = capabilities(false, true);
    caps["workspace"] = json!({"didChangeWatchedFiles": {"dynamicRegistration": true}});
    let mut c = Client::start(caps);
    // Only a.go is open: b.go is read from disk, after a.go is checked
    // alone; the settled publication has the finding through b.go.
    c.open(&a_uri, A);
    let found = published(&mut c, &a_uri, |codes| !codes.is_empty());
    assert_eq!(codes(&found), vec!["recursive-rlock".to_string()]);
    let diagnostic = &found["params"]["diagnostics"][0];
    let related = diagnostic["relatedInformation"].to_string();
    assert!(related.contains(&uri(&b)), "{related}");
    c.forget_publications(&a_uri);

    // b.go changes on disk; the client's watcher says so.
    std::fs::write(&b, B_PLAIN).expect("write");
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&b), "type": 2}]}),
    );
    published(&mut c, &a_uri, |codes| codes.is_empty());
    assert!(c.stop().success());
}

#[test]
fn other_packages_and_test_files_are_not_read_as_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().canonicalize().expect("canonical");
    std::fs::write(root.join("a.go"), A).expect("write");
    // An external test package and a test file of the package itself:
    // neither is built with a.go.
    std::fs::write(
        root.join("x_test.go"),
        B_LOCKED.replace("package store", "package store_test"),
    )
    .expect("write");
    std::fs::write(root.join("y_test.go"), B_LOCKED).expect("write");
    // A file Go ignores.
    std::fs::write(root.join("_b.go"), B_LOCKED).expect("write");
    assert!(checked(&root).is_empty());
}

#[test]
fn check_reports_name_the_other_file_of_a_related_location() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    std::fs::write(root.join("a.go"), A).expect("write");
    std::fs::write(root.join("b.go"), B_LOCKED).expect("write");
    let text = stdout(&gohint(&["--check", "a.go"], root));
    assert!(
        text.contains("note: `Has` read-locks it here at b.go:4:2"),
        "{text}"
    );
    let sarif: Value = serde_json::from_str(&stdout(&gohint(
        &["--check", ".", "--format", "sarif"],
        root,
    )))
    .expect("sarif");
    let related = &sarif["runs"][0]["results"][0]["relatedLocations"];
    let uris: Vec<&str> = related
        .as_array()
        .map(|r| {
            r.iter()
                .filter_map(|l| l["physicalLocation"]["artifactLocation"]["uri"].as_str())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(uris, vec!["a.go", "b.go"], "{related}");
    // From standard input, as an editor sends an unsaved buffer.
    let out = std::process::Command::new(crate::common::cli::binary())
        .args(["--check", "-", "--stdin-filename", "a.go"])
        .current_dir(root)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().expect("stdin").write_all(A.as_bytes())?;
            child.wait_with_output()
        })
        .expect("gohint");
    assert!(stdout(&out).contains("recursive-rlock"), "{}", stdout(&out));
}

#[test]
fn a_lock_order_taken_through_a_call_into_another_file_is_compared() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let a = "package lo\n\nimport \"sync\"\n\ntype S struct {\n\tmu, logMu sync.Mutex\n}\n\n\
             func (s *S) A() {\n\ts.mu.Lock()\n\tdefer s.mu.Unlock()\n\ts.logf()\n}\n";
    let b = "package lo\n\nfunc (s *S) logf() {\n\ts.logMu.Lock()\n\tdefer s.logMu.Unlock()\n}\n\n\
             func (s *S) B() {\n\ts.logMu.Lock()\n\tdefer s.logMu.Unlock()\n\ts.mu.Lock()\n\tdefer s.mu.Unlock()\n}\n";
    std::fs::write(root.join("a.go"), a).expect("write");
    std::fs::write(root.join("b.go"), b).expect("write");
    let out = gohint(&["--check", ".", "--format", "jsonl", "-q"], root);
    let found: Vec<String> = stdout(&out)
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|f| f["rule"] == "lock-order-inversion")
        .map(|f| format!("{}:{}", f["path"].as_str().unwrap_or(""), f["line"]))
        .collect();
    // A's call of logf (which locks logMu) inverts B's order, and B's
    // Lock of mu inverts A's.
    assert_eq!(found, vec!["a.go:12".to_string(), "b.go:11".to_string()]);
}
