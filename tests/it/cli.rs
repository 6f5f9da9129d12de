//! `gohint --check` and `--explain` through the real binary: output, exit
//! codes, hostile files.

use crate::common::cli::{gohint, stderr, stdout, write};
use std::path::Path;

const DOUBLE_CLOSE: &str = "package p\n\nfunc f(ch chan int) {\n\tclose(ch)\n\tclose(ch)\n}\n";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn examples_show_findings_with_corpus_citations() {
    let out = gohint(&["--check", "examples/"], root());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("error[double-close]"), "{text}");
    assert!(
        text.contains("= learn: What issues can arise with a closed channel?"),
        "{text}"
    );
    assert!(text.contains("= why: "), "{text}");
    assert!(!text.contains("\x1b["), "no colour when not a terminal");
}

#[test]
fn text_format_points_at_the_span() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "a.go", DOUBLE_CLOSE);
    let out = gohint(&["--check", "a.go"], dir.path());
    let text = stdout(&out);
    assert!(
        text.starts_with("a.go:5:2: error[double-close]: "),
        "{text}"
    );
    assert!(
        text.contains("5 |     close(ch)\n  |     ^^^^^^^^^\n"),
        "{text}"
    );
    assert!(
        text.contains("note: first closed here at a.go:4:2"),
        "{text}"
    );
}

#[test]
fn json_is_one_array_with_one_based_byte_columns() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "a.go",
        "package p\n\nfunc f(ch chan int) {\n\ts := \"😀\"; close(ch); close(ch)\n\t_ = s\n}\n",
    );
    let out = gohint(&["--check", ".", "--format", "json"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    let items = v.as_array().expect("an array");
    assert_eq!(items.len(), 1, "{v}");
    let f = &items[0];
    assert_eq!(f["path"], "a.go");
    assert_eq!(f["rule"], "double-close");
    assert_eq!(f["severity"], "error");
    assert_eq!(f["line"], 4);
    // Tab (1) + `s := "` (6) + emoji (4) + `"; ` (3) + `close(ch); ` (11) = 25 bytes before.
    assert_eq!(f["column"], 26);
    assert_eq!(f["end_column"], 35);
    assert_eq!(
        f["concept"]["id"],
        "what-issues-can-arise-with-a-closed-channel"
    );
    assert_eq!(
        f["concept"]["question"],
        "What issues can arise with a closed channel?"
    );
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
}

#[test]
fn fail_on_sets_the_threshold() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "a.go",
        "package p\n\n//gohint:ignore double-close -- stale\nfunc f() {}\n",
    );
    assert_eq!(gohint(&["--check", "."], dir.path()).status.code(), Some(0));
    assert_eq!(
        gohint(&["--check", ".", "--fail-on", "hint"], dir.path())
            .status
            .code(),
        Some(1)
    );
    write(dir.path(), "b.go", DOUBLE_CLOSE);
    assert_eq!(
        gohint(&["--check", ".", "--fail-on", "error"], dir.path())
            .status
            .code(),
        Some(1)
    );
}

#[test]
fn clean_code_exits_zero() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "a.go",
        "package p\n\nfunc f(a, b chan int) {\n\tclose(a)\n\tclose(b)\n}\n",
    );
    let out = gohint(&["--check", "./..."], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("no findings in 1 files"));
}

#[test]
fn unreadable_files_exit_two_and_the_rest_is_still_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "bin.go", b"package p\x00\x01\x02");
    write(dir.path(), "latin1.go", b"package p // caf\xe9\n");
    write(dir.path(), "ok.go", DOUBLE_CLOSE);
    let out = gohint(&["--check", ".", "--format", "json"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("bin.go: binary file"), "{err}");
    assert!(
        err.contains("latin1.go: not valid UTF-8 (first bad byte at 1:17)"),
        "{err}"
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        v.as_array().map(Vec::len),
        Some(1),
        "ok.go is still reported"
    );
}

#[test]
fn usage_errors_and_missing_paths_exit_two() {
    let dir = tempfile::tempdir().expect("tempdir");
    assert_eq!(
        gohint(&["--check", "--format", "yaml"], dir.path())
            .status
            .code(),
        Some(2)
    );
    let out = gohint(&["--check", "nope/"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("nope/: no such file or folder"));
    assert_eq!(
        gohint(&["--explain", "no-such-rule"], dir.path())
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn vendor_testdata_and_hidden_folders_are_skipped_unless_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    for sub in ["vendor/x", "testdata", ".git", "pkg/testdata"] {
        write(dir.path(), &format!("{sub}/a.go"), DOUBLE_CLOSE);
    }
    write(dir.path(), ".gitignore", "ignored/\n");
    write(dir.path(), "ignored/a.go", DOUBLE_CLOSE);
    std::fs::create_dir_all(dir.path().join(".git")).expect("git dir");
    let out = gohint(&["--check", "."], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let out = gohint(&["--check", "testdata"], dir.path());
    assert_eq!(
        out.status.code(),
        Some(1),
        "an explicitly named folder is checked"
    );
}

/// A `.gitignore` outside any git repository is not read (git would not
/// read it either), while a `.ignore` file is read everywhere; inside a
/// repository both are, so a file either one matches is not checked.
#[test]
fn gitignore_counts_inside_a_git_repository_and_ignore_files_everywhere() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), ".gitignore", "by-gitignore/\n");
    write(dir.path(), ".ignore", "by-ignore/\n");
    write(dir.path(), "by-gitignore/a.go", DOUBLE_CLOSE);
    write(dir.path(), "by-ignore/a.go", DOUBLE_CLOSE);
    let paths = || {
        let out = gohint(&["--check", ".", "--format", "json"], dir.path());
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        let mut found: Vec<String> = v
            .as_array()
            .into_iter()
            .flatten()
            .map(|f| f["path"].as_str().unwrap_or("").to_string())
            .collect();
        found.sort();
        found
    };
    assert_eq!(paths(), ["by-gitignore/a.go"]);
    std::fs::create_dir_all(dir.path().join(".git")).expect("git dir");
    assert_eq!(paths(), Vec::<String>::new());
}

#[test]
fn explain_prints_the_corpus_answer() {
    let out = gohint(&["--explain", "double-close"], root());
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(
        text.contains("## Q: What issues can arise with a closed channel?"),
        "{text}"
    );
    assert!(text.contains("> 4. **Double Close**"), "{text}");
    assert!(
        text.contains("Closing an already closed channel causes a panic."),
        "{text}"
    );
    assert!(
        text.contains("## Example") && text.contains("## Use instead"),
        "{text}"
    );
    let q = gohint(&["--explain", "how-does-go-handle-panics"], root());
    assert!(stdout(&q).contains("# Q: How does Go handle panics?"));
}

#[test]
fn rule_list_names_every_rule() {
    let out = gohint(&["--explain", "--list"], root());
    let text = stdout(&out);
    for rule in gohint::rules::RULES {
        assert!(
            text.contains(rule.slug),
            "{} missing from {text}",
            rule.slug
        );
    }
    assert_eq!(stdout(&gohint(&["--list-rules"], root())), text);
}

#[test]
fn hostile_sources_do_not_crash() {
    let dir = tempfile::tempdir().expect("tempdir");
    let deep = format!(
        "package p\n\nfunc f() {{\n{}{}\n}}\n",
        "{".repeat(10_000),
        "}".repeat(10_000)
    );
    write(dir.path(), "deep.go", deep);
    let chain = format!("package p\n\nvar x = {}1\n", "1 + ".repeat(10_000));
    write(dir.path(), "chain.go", chain);
    write(
        dir.path(),
        "half.go",
        "package p\n\nfunc f(ch chan int) {\n\tclose(ch)\n\tclose(ch)\n\tif x := \n",
    );
    write(
        dir.path(),
        "bom.go",
        "\u{feff}package p\r\n\r\nfunc f(ch chan int) {\r\n\tclose(ch)\r\n\tclose(ch)\r\n}\r\n",
    );
    write(dir.path(), "cr.go", "package p\rfunc f() {}\r");
    let out = gohint(&["--check", ".", "--format", "json"], dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let hits: Vec<_> = v
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| format!("{}:{}", f["path"].as_str().unwrap_or(""), f["line"]))
        .collect();
    assert!(
        hits.contains(&"half.go:5".to_string()),
        "half-typed code still reports: {hits:?}"
    );
    assert!(
        hits.contains(&"bom.go:5".to_string()),
        "BOM + CRLF file reports: {hits:?}"
    );
}

#[test]
fn carets_line_up_under_wide_characters_and_tabs() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "wide.go",
        "package p\n\nfunc f(ch chan int) {\n\t_ = \"日本\"; close(ch); close(ch)\n}\n",
    );
    let out = stdout(&gohint(&["--check", "wide.go"], dir.path()));
    let lines: Vec<&str> = out.lines().collect();
    let source = lines
        .iter()
        .position(|l| l.contains("close(ch); close(ch)"))
        .expect("the source line");
    let caret_line = lines[source + 1];
    let caret = caret_line.find('^').expect("a caret");
    let second = lines[source].rfind("close(ch)").expect("second close");
    // Each of the two CJK characters takes two cells, one more than a char.
    let cells_before = lines[source][..second].chars().count() + 2;
    assert_eq!(caret, cells_before, "{out}");
    assert_eq!(
        caret_line[caret..].trim_end(),
        "^".repeat("close(ch)".len())
    );
}

/// Whether `text` holds a character a terminal or a CI log reader acts on.
fn has_control(text: &str) -> bool {
    text.chars()
        .any(|c| (c.is_control() && c != '\n') || c == '\u{2028}' || c == '\u{2029}')
}

#[test]
fn control_characters_in_names_and_source_lines_are_escaped() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "a\n::error file=evil.go,line=1::FROM-NAME\n.go",
        DOUBLE_CLOSE,
    );
    write(
        dir.path(),
        "b\x1b[2J\x1b]0;TITLE\x07\u{2028}.go",
        DOUBLE_CLOSE,
    );
    write(
        dir.path(),
        "h\n::error file=x.go::VIA-STDERR\r::stop-commands::t\n.go",
        b"\x00",
    );
    write(
        dir.path(),
        "src.go",
        "package p\n\nfunc f(ch chan int) {\n\tclose(ch)\n\tclose(ch) // \x1b[2J\x1b]0;pwned\x07\r::error::from-source\u{85}x\n}\n",
    );
    for format in ["text", "github", "json", "sarif"] {
        let out = gohint(&["--check", ".", "--format", format], dir.path());
        assert_eq!(out.status.code(), Some(2), "the binary file fails");
        let err = stderr(&out);
        assert!(err.contains("h\\u{a}::error file=x.go::VIA-STDERR\\u{d}::stop-commands::t\\u{a}.go: binary file"), "{err}");
        for line in err.lines() {
            assert!(line.starts_with("gohint: "), "{format} stderr: {line:?}");
            assert!(!has_control(line), "{format} stderr: {line:?}");
        }
        if format == "json" || format == "sarif" {
            continue;
        }
        let text = stdout(&out);
        for line in text.lines() {
            if format == "github" {
                // Its own escapes: every line is one annotation, and the
                // runner splits lines at a lone CR too.
                assert!(line.starts_with("::error file="), "{line:?}");
                assert!(!line.contains('\r'), "{line:?}");
            } else {
                assert!(!line.trim_start().starts_with("::"), "{line:?}");
                assert!(!has_control(line), "{line:?}");
            }
        }
    }
    let text = stdout(&gohint(&["--check", "."], dir.path()));
    assert!(
        text.contains(
            "a\\u{a}::error file=evil.go,line=1::FROM-NAME\\u{a}.go:5:2: error[double-close]"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "note: first closed here at b\\u{1b}[2J\\u{1b}]0;TITLE\\u{7}\\u{2028}.go:4:2"
        ),
        "{text}"
    );
    // The caret stays under the span after the escapes before it.
    assert!(
        text.contains("5 |     close(ch) // \\u{1b}[2J\\u{1b}]0;pwned\\u{7}\\u{d}::error::from-source\\u{85}x\n  |     ^^^^^^^^^\n"),
        "{text}"
    );
}

#[cfg(unix)]
#[test]
fn names_that_are_not_utf8_are_shown_byte_by_byte() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let name = std::ffi::OsStr::from_bytes(b"i\xff.go");
    std::fs::write(dir.path().join(name), DOUBLE_CLOSE).expect("write");
    let out = gohint(&["--check", ".", "--format", "json"], dir.path());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v[0]["path"], "i\\xff.go", "{v}");
    let text = stdout(&gohint(&["--check", "."], dir.path()));
    assert!(text.starts_with("i\\xff.go:5:2: error"), "{text}");
}

#[test]
fn a_closed_stdout_keeps_the_verdict() {
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().expect("tempdir");
    let body = "func f{i}(ch chan int) {\n\tclose(ch)\n\tclose(ch)\n}\n";
    let mut src = String::from("package p\n\n");
    for i in 0..400 {
        src.push_str(&body.replace("{i}", &i.to_string()));
    }
    write(dir.path(), "a.go", &src);
    for format in ["text", "json", "jsonl", "github"] {
        let mut child = Command::new(crate::common::cli::binary())
            .args(["--check", ".", "--format", format])
            .current_dir(dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        // The reader goes away before (or while) the report is written, as
        // `gohint --check . | head -1` does.
        drop(child.stdout.take());
        let out = child.wait_with_output().expect("wait");
        assert_eq!(out.status.code(), Some(1), "{format}: {}", stderr(&out));
        assert!(stderr(&out).is_empty(), "{format}: {}", stderr(&out));
    }
}

#[test]
fn a_file_named_twice_is_checked_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "a.go", DOUBLE_CLOSE);
    write(dir.path(), "sub/b.go", DOUBLE_CLOSE);
    let abs = dir.path().join("a.go");
    let abs = abs.to_str().expect("utf-8");
    let root = dir.path().to_str().expect("utf-8");
    for args in [
        &[".", "a.go"][..],
        &["a.go", "./a.go"],
        &[abs, "a.go"],
        &[root, "."],
        &["./...", "sub", "sub/b.go", "./sub/../a.go"],
    ] {
        let mut all = vec!["--check", "--format", "sarif"];
        all.extend(args);
        let out = gohint(&all, dir.path());
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("sarif");
        let results = v["runs"][0]["results"].as_array().expect("results");
        let whole = [".", "./...", "sub", root];
        let want = if args.iter().any(|a| whole.contains(a)) {
            2
        } else {
            1
        };
        assert_eq!(results.len(), want, "{args:?}: {results:?}");
        for r in results {
            let fp = r["partialFingerprints"]["gohint/v1"]
                .as_str()
                .expect("fingerprint");
            assert!(fp.ends_with(":0"), "{args:?}: {fp}");
        }
        let mut text = vec!["--check"];
        text.extend(args);
        let summary = stdout(&gohint(&text, dir.path()));
        assert!(
            summary.contains(&format!(
                "gohint: {want} findings ({want} error) in {want} files"
            )),
            "{args:?}: {summary}"
        );
    }
}

#[cfg(unix)]
#[test]
fn odd_files_get_an_accurate_word() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    let fifo = std::process::Command::new("mkfifo")
        .arg(p.join("pipe.go"))
        .status()
        .expect("mkfifo");
    assert!(fifo.success());
    symlink("/dev/zero", p.join("zero.go")).expect("symlink");
    symlink("gone.go", p.join("dangling.go")).expect("symlink");
    symlink("loop2.go", p.join("loop1.go")).expect("symlink");
    symlink("loop1.go", p.join("loop2.go")).expect("symlink");
    for (name, why) in [
        (
            "pipe.go",
            "pipe.go: a named pipe (FIFO), not a file or folder",
        ),
        ("zero.go", "zero.go: a device, not a file or folder"),
        (
            "dangling.go",
            "dangling.go: a symbolic link to gone.go, which does not exist",
        ),
        (
            "loop1.go",
            "loop1.go: a symbolic link that cannot be followed",
        ),
        ("nope.go", "nope.go: no such file or folder"),
    ] {
        let out = gohint(&["--check", name], p);
        assert_eq!(out.status.code(), Some(2), "{name}");
        assert!(stderr(&out).contains(why), "{name}: {}", stderr(&out));
    }
    // Walking the folder, none of them is read (nothing hangs), and neither
    // are the files the go tool leaves out; a link to a Go file is checked
    // like the file itself.
    write(p, "_skipped.go", DOUBLE_CLOSE);
    write(p, ".skipped.go", DOUBLE_CLOSE);
    write(p, "elsewhere/linked.go", DOUBLE_CLOSE);
    write(p, "pkg/real.go", "package p\n");
    symlink("../elsewhere/linked.go", p.join("pkg/link.go")).expect("symlink");
    let out = gohint(&["--check", "pkg", "--format", "json"], p);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v.as_array().map(Vec::len), Some(1), "{v}");
    assert_eq!(v[0]["path"], "pkg/link.go");
    let both = gohint(&["--check", "pkg", "elsewhere", "--format", "json"], p);
    let v: serde_json::Value = serde_json::from_slice(&both.stdout).expect("json");
    assert_eq!(
        v.as_array().map(Vec::len),
        Some(1),
        "a link and its file: {v}"
    );
    assert_eq!(v[0]["path"], "elsewhere/linked.go");
    std::fs::remove_dir_all(p.join("pkg")).expect("rm");
    std::fs::remove_dir_all(p.join("elsewhere")).expect("rm");
    let out = gohint(&["--check", "."], p);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(
        stdout(&out).contains("no findings in 0 files"),
        "{}",
        stdout(&out)
    );
    assert_eq!(
        gohint(&["--check", "_skipped.go"], p).status.code(),
        Some(1),
        "a file named is checked whatever its name"
    );
}

#[test]
fn huge_files_are_not_read_whole() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sparse = |name: &str, head: &[u8], len: u64| {
        let file = std::fs::File::create(dir.path().join(name)).expect("create");
        std::io::Write::write_all(&mut &file, head).expect("write");
        file.set_len(len).expect("set_len");
    };
    sparse("zeros.go", b"", 1 << 40);
    let mut head = b"package p\n".to_vec();
    head.resize(1 << 17, b'\n');
    sparse("big.go", &head, 1 << 40);
    write(dir.path(), "ok.go", DOUBLE_CLOSE);
    let out = gohint(&["--check", ".", "--format", "json"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("zeros.go: binary file (NUL byte at offset 0)"),
        "{err}"
    );
    assert!(
        err.contains("big.go: 1048576 MB, larger than the 256 MB gohint reads of one file"),
        "{err}"
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v.as_array().map(Vec::len), Some(1), "{v}");
}

/// A `go.mod` whose `go` line is no Go version (a word, a number past any
/// integer) is named on stderr, not dropped in silence, and the run goes on.
#[test]
fn a_go_line_that_is_no_version_is_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "a.go", DOUBLE_CLOSE);
    write(dir.path(), "b/a.go", DOUBLE_CLOSE);
    for version in ["garbage", "1.99999999999999999999"] {
        write(dir.path(), "go.mod", format!("module x\n\ngo {version}\n"));
        let out = gohint(&["--check", ".", "--format", "json"], dir.path());
        assert_eq!(out.status.code(), Some(1));
        assert_eq!(
            stderr(&out),
            format!("gohint: go.mod: `go {version}` is not a Go version; the rules that depend on it assume the newest Go\n")
        );
    }
    write(dir.path(), "go.mod", "module x\n\ngo 1.21\n");
    let out = gohint(&["--check", ".", "--format", "json"], dir.path());
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
}

#[test]
fn arguments_quoted_in_usage_errors_are_escaped() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = gohint(
        &[
            "--check",
            "--bogus\n::error file=x.go::FROM-ARG\r\x1b[2J.go",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("'--bogus\\u{a}::error file'"), "{err}");
    for line in err.lines() {
        assert!(!line.trim_start().starts_with("::"), "{line:?}");
        assert!(!has_control(line), "{line:?}");
    }
    let out = gohint(&["--explain", "x\n::error::y"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "gohint: no rule or corpus question matches `x\\u{a}::error::y`; `gohint --list-rules` and `gohint --list-questions` list them\n"
    );
}

#[cfg(unix)]
#[test]
fn a_go_mod_or_gohint_toml_that_is_no_small_file_is_not_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "a.go", DOUBLE_CLOSE);
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("go.mod")).expect("symlink");
    let out = gohint(&["--check", ".", "--config", "go.mod"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("go.mod: no such configuration file"),
        "{}",
        stderr(&out)
    );
    std::fs::remove_file(dir.path().join("go.mod")).expect("rm");
    for name in ["go.mod", "gohint.toml"] {
        let file = std::fs::File::create(dir.path().join(name)).expect("create");
        file.set_len(1 << 40).expect("set_len");
    }
    let out = gohint(&["--check", "."], dir.path());
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("gohint.toml: cannot read it: larger than 4 MB"),
        "{}",
        stderr(&out)
    );
    std::fs::remove_file(dir.path().join("gohint.toml")).expect("rm");
    let out = gohint(&["--check", "."], dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "gohint: go.mod: cannot read it: larger than 4 MB\n"
    );
}

#[test]
fn listings_piped_into_a_reader_that_stops_early_do_not_panic() {
    for flag in ["--list-rules", "--list-concepts", "--list-questions"] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_gohint"))
            .arg(flag)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("run gohint");
        // Close the read end at once, as `| head -0` does.
        drop(child.stdout.take());
        let out = child.wait_with_output().expect("wait");
        assert!(out.status.success(), "{flag}: {:?}", out.status);
        assert!(
            !String::from_utf8_lossy(&out.stderr).contains("panicked"),
            "{flag}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn test_cases_written_to_panic_are_not_reported_in_test_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    // runtime/crash_test.go: a table of cases, each of which must panic.
    let src = "package p\n\nimport \"testing\"\n\nfunc TestPanics(t *testing.T) {\n\tcases := [...]func(){\n\t\t0: func() {\n\t\t\tvar m map[int]bool\n\t\t\tm[1] = true\n\t\t},\n\t\t1: func() {\n\t\t\tch := make(chan int)\n\t\t\tclose(ch)\n\t\t\tclose(ch)\n\t\t},\n\t\t2: func() {\n\t\t\tch := make(chan int)\n\t\t\tclose(ch)\n\t\t\tch <- 1\n\t\t},\n\t}\n\t_ = cases\n\tt.Run(\"sub\", func(t *testing.T) {\n\t\tch := make(chan int)\n\t\tclose(ch)\n\t\tclose(ch)\n\t})\n}\n";
    write(dir.path(), "go.mod", "module x\n\ngo 1.21\n");
    write(dir.path(), "p_test.go", src);
    write(
        dir.path(),
        "p.go",
        src.replace(
            "import \"testing\"",
            "import \"testing\"\n\nvar _ = testing.Short",
        ),
    );
    let out = gohint(&["--check", ".", "--format", "json"], dir.path());
    let findings: Vec<serde_json::Value> =
        serde_json::from_str(&stdout(&out)).expect("json report");
    let in_file = |path: &str, rule: &str| {
        findings
            .iter()
            .filter(|f| f["path"] == path && f["rule"] == rule)
            .count()
    };
    // In the test file only the subtest's double close, which no case expects.
    assert_eq!(in_file("p_test.go", "double-close"), 1, "{findings:?}");
    assert_eq!(in_file("p_test.go", "nil-map-write"), 0, "{findings:?}");
    assert_eq!(in_file("p_test.go", "send-after-close"), 0, "{findings:?}");
    // The same cases outside a test file are bugs.
    assert_eq!(in_file("p.go", "double-close"), 2, "{findings:?}");
    assert_eq!(in_file("p.go", "nil-map-write"), 1, "{findings:?}");
}
