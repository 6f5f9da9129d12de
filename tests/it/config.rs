//! `gohint --check` reads the same `gohint.toml` as the language server:
//! discovered upward from the first path, or named with `--config`.

use crate::common::{capabilities, Client};
use serde_json::{json, Value};
use std::path::Path;
use std::process::{Command, Output};

const GO: &str = "package p\n\nfunc twice(ch chan int) {\n\tclose(ch)\n\tclose(ch)\n}\n";

fn gohint(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gohint"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run gohint")
}

fn setup(toml: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("pkg/inner")).expect("mkdir");
    std::fs::write(dir.path().join("pkg/inner/a.go"), GO).expect("write");
    if let Some(t) = toml {
        std::fs::write(dir.path().join("gohint.toml"), t).expect("write");
    }
    dir
}

#[test]
fn discovered_config_changes_severities() {
    let dir = setup(Some("[rules]\ndouble-close = \"off\"\n"));
    let out = gohint(dir.path(), &["--check", "pkg/inner/a.go"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("no findings"));

    std::fs::write(
        dir.path().join("gohint.toml"),
        "[rules]\ndouble-close = \"info\"\n",
    )
    .expect("write");
    let out = gohint(&dir.path().join("pkg"), &["--check", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(json[0]["severity"], "info");
    assert_eq!(
        out.status.code(),
        Some(0),
        "info is below the default --fail-on warning"
    );
}

#[test]
fn explicit_config_wins_and_missing_one_is_an_error() {
    let dir = setup(Some("[rules]\ndouble-close = \"off\"\n"));
    std::fs::write(
        dir.path().join("ci.toml"),
        "[rules]\ndouble-close = \"warning\"\n",
    )
    .expect("write");
    let out = gohint(
        dir.path(),
        &["--check", "--config", "ci.toml", "--format", "json", "pkg"],
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(json[0]["severity"], "warning");
    assert_eq!(out.status.code(), Some(1));

    let out = gohint(dir.path(), &["--check", "--config", "nope.toml", "pkg"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nope.toml: no such configuration file"));
}

#[test]
fn bad_values_are_errors_naming_file_line_and_key() {
    let dir = setup(Some(
        "go_version = \"one\"\n[rules]\ndouble-close = \"loud\"\ndouble-clos = \"off\"\n",
    ));
    let out = gohint(dir.path(), &["--check", "--format", "json", "."]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr,
        "gohint: gohint.toml:1: `go_version` = \"one\" is not a Go version such as \"1.22\" (write it as a string)\n\
         gohint: gohint.toml:3: `rules.double-close` = \"loud\" is not one of \"off\", \"hint\", \"info\", \"warning\", \"error\"\n\
         gohint: gohint.toml:4: unknown rule `double-clos` (did you mean `double-close`?)\n"
    );
    assert!(
        out.stdout.is_empty(),
        "nothing is checked with a broken configuration"
    );
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn no_config_means_defaults() {
    let dir = setup(None);
    let out = gohint(dir.path(), &["--check", "pkg"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn ci_keys_exclude_files_and_set_the_threshold() {
    let dir = setup(Some(
        "fail_on = \"error\"\nexclude = [\"gen/\", \"**/*_mock.go\", \"/pkg/inner/skip.go\"]\n[rules]\ndouble-close = \"warning\"\n",
    ));
    for name in [
        "pkg/gen/g.go",
        "pkg/inner/a_mock.go",
        "pkg/inner/skip.go",
        "pkg/inner/keep_mock_test.go",
    ] {
        std::fs::create_dir_all(dir.path().join(name).parent().expect("parent")).expect("mkdir");
        std::fs::write(dir.path().join(name), GO).expect("write");
    }
    let out = gohint(&dir.path().join("pkg"), &["--check", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let paths: Vec<&str> = json
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|f| f["path"].as_str())
        .collect();
    assert_eq!(
        paths,
        ["inner/a.go", "inner/keep_mock_test.go"],
        "excludes are relative to gohint.toml"
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "warnings are below fail_on = error"
    );
    let out = gohint(dir.path(), &["--check", "--fail-on", "warning", "pkg"]);
    assert_eq!(out.status.code(), Some(1), "--fail-on overrides fail_on");
    let named = gohint(
        dir.path(),
        &["--check", "--format", "json", "pkg/inner/skip.go"],
    );
    let json: serde_json::Value = serde_json::from_slice(&named.stdout).expect("json");
    assert_eq!(
        json.as_array().map(Vec::len),
        Some(1),
        "a file named explicitly is checked"
    );
}

#[test]
fn corpus_paths_must_exist() {
    let dir = setup(Some("[corpus]\npaths = [\"team/qa.md\"]\n"));
    let out = gohint(dir.path(), &["--check", "pkg"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "gohint: gohint.toml:2: `corpus.paths` item \"team/qa.md\" is not a file\n"
    );
    std::fs::create_dir_all(dir.path().join("team")).expect("mkdir");
    std::fs::write(dir.path().join("team/qa.md"), "## Team\n").expect("write");
    assert_eq!(
        gohint(dir.path(), &["--check", "pkg"]).status.code(),
        Some(1)
    );
}

#[test]
fn print_config_shows_effective_values_and_their_origins() {
    let dir = setup(Some(
        "fail_on = \"error\"\ngo_version = \"1.21\"\n[rules]\ndouble-close = \"off\"\n",
    ));
    let out = gohint(&dir.path().join("pkg"), &["--print-config"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let line = |prefix: &str| {
        text.lines()
            .find(|l| l.starts_with(prefix))
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .unwrap_or_default()
    };
    // Above the working directory, the file is named by its absolute path.
    let file = dir.path().join("gohint.toml").display().to_string();
    assert_eq!(
        line("# Configuration file:"),
        format!("# Configuration file: {file}")
    );
    assert_eq!(
        line("go_version ="),
        format!("go_version = \"1.21\" # {file}:2 (overrides go.mod)")
    );
    assert_eq!(line("fail_on ="), format!("fail_on = \"error\" # {file}:1"));
    assert_eq!(
        line("double-close ="),
        format!("double-close = \"off\" # {file}:4")
    );
    assert_eq!(
        line("unused-ignore ="),
        "unused-ignore = \"hint\" # preset ci (pedantic, at most the rule's own level)"
    );
    assert_eq!(line("preset ="), "preset = \"ci\" # default of --check");
    assert_eq!(
        line("pedantic ="),
        "pedantic = \"info\" # preset ci: idiom and teaching notes"
    );
    assert!(
        line("defer-in-loop =")
            .starts_with("defer-in-loop = \"info\" # preset ci (suspicious, held back: "),
        "{text}"
    );
    assert_eq!(line("exclude ="), "exclude = [] # default");
    let flagged = gohint(
        &dir.path().join("pkg"),
        &["--print-config", "--fail-on", "info"],
    );
    let flagged = String::from_utf8_lossy(&flagged.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        flagged.contains("fail_on = \"info\" # --fail-on"),
        "{flagged}"
    );

    // The output is itself a valid gohint.toml with the same effect.
    std::fs::write(dir.path().join("printed.toml"), &text).expect("write");
    let again = gohint(dir.path(), &["--print-config", "--config", "printed.toml"]);
    assert_eq!(
        again.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    let again = String::from_utf8_lossy(&again.stdout).into_owned();
    let values = |t: &str| -> Vec<String> {
        t.lines()
            .filter(|l| !l.starts_with('#'))
            .map(|l| l.split("  #").next().unwrap_or("").trim().to_string())
            .collect()
    };
    assert_eq!(values(&again), values(&text));

    let none = tempfile::tempdir().expect("tempdir");
    let out = gohint(none.path(), &["--print-config"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("# Configuration file: none (no gohint.toml in "),
        "{text}"
    );
    assert!(text.contains("fail_on = \"warning\""), "{text}");
    let bad = setup(Some("colour = true\n"));
    let out = gohint(bad.path(), &["--print-config"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("gohint.toml:1: unknown key `colour`"));
}

/// A file with findings of three groups: `double-close` (correctness),
/// `defer-in-loop` (suspicious, held back by `ci`) and
/// `unchecked-type-assertion` (pedantic).
const GROUPS: &str = "package p\n\nimport \"os\"\n\nfunc twice(ch chan int) {\n\tclose(ch)\n\tclose(ch)\n}\n\nfunc openAll(names []string) error {\n\tfor _, name := range names {\n\t\tf, err := os.Open(name)\n\t\tif err != nil {\n\t\t\treturn err\n\t\t}\n\t\tdefer f.Close()\n\t}\n\treturn nil\n}\n\nfunc asString(v interface{}) string {\n\treturn v.(string)\n}\n";

/// The same file without the certain bug.
fn without_double_close() -> String {
    GROUPS.replace("\tclose(ch)\n\tclose(ch)\n", "\tclose(ch)\n")
}

/// `(path, rule) -> severity` of a `--format json` run.
fn severities(out: &Output) -> std::collections::BTreeMap<(String, String), String> {
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", String::from_utf8_lossy(&out.stdout));
    });
    json.as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap_or_default().to_string();
            ((s("path"), s("rule")), s("severity"))
        })
        .collect()
}

fn level<'a>(
    found: &'a std::collections::BTreeMap<(String, String), String>,
    path: &str,
    rule: &str,
) -> Option<&'a str> {
    found
        .get(&(path.to_string(), rule.to_string()))
        .map(String::as_str)
}

#[test]
fn presets_decide_what_fails_the_build() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("a.go"), without_double_close()).expect("write");
    // ci (the default): the held-back defer-in-loop and the pedantic rule are info.
    let ci = gohint(dir.path(), &["--check", "--format", "json", "."]);
    let found = severities(&ci);
    assert_eq!(level(&found, "a.go", "defer-in-loop"), Some("info"));
    assert_eq!(
        level(&found, "a.go", "unchecked-type-assertion"),
        Some("info")
    );
    assert_eq!(ci.status.code(), Some(0), "{found:?}");
    // learn: every rule at its group's level, teaching notes as hints.
    let learn = gohint(
        dir.path(),
        &["--check", "--preset", "learn", "--format", "json", "."],
    );
    let found = severities(&learn);
    assert_eq!(level(&found, "a.go", "defer-in-loop"), Some("warning"));
    assert_eq!(
        level(&found, "a.go", "unchecked-type-assertion"),
        Some("hint")
    );
    assert_eq!(learn.status.code(), Some(1), "{found:?}");
    // gohint.toml's preset applies, and --preset wins over it.
    std::fs::write(dir.path().join("gohint.toml"), "preset = \"learn\"\n").expect("write");
    let file = gohint(dir.path(), &["--check", "--format", "json", "."]);
    assert_eq!(file.status.code(), Some(1));
    let flag = gohint(
        dir.path(),
        &["--check", "--preset", "ci", "--format", "json", "."],
    );
    assert_eq!(flag.status.code(), Some(0));
    let printed =
        String::from_utf8_lossy(&gohint(dir.path(), &["--print-config", "--preset", "ci"]).stdout)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
    assert!(printed.contains("preset = \"ci\" # --preset"), "{printed}");
    let bad = gohint(dir.path(), &["--check", "--preset", "strict", "."]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn rules_win_over_groups_which_win_over_the_preset() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("a.go"), GROUPS).expect("write");
    std::fs::write(
        dir.path().join("gohint.toml"),
        "[groups]\ncorrectness = \"off\"\nsuspicious = \"error\"\npedantic = \"warning\"\n[rules]\ndefer-in-loop = \"hint\"\n",
    )
    .expect("write");
    let out = gohint(dir.path(), &["--check", "--format", "json", "."]);
    let found = severities(&out);
    assert_eq!(level(&found, "a.go", "double-close"), None, "{found:?}");
    assert_eq!(level(&found, "a.go", "defer-in-loop"), Some("hint"));
    assert_eq!(
        level(&found, "a.go", "unchecked-type-assertion"),
        Some("warning")
    );
    assert_eq!(out.status.code(), Some(1));
    let printed = String::from_utf8_lossy(&gohint(dir.path(), &["--print-config"]).stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        printed
            .contains("unchecked-type-assertion = \"warning\" # groups.pedantic (gohint.toml:4)"),
        "{printed}"
    );
    assert!(
        printed.contains("defer-in-loop = \"hint\" # gohint.toml:6"),
        "{printed}"
    );
    std::fs::write(
        dir.path().join("gohint.toml"),
        "[groups]\nstyle = \"off\"\n",
    )
    .expect("write");
    let out = gohint(dir.path(), &["--check", "."]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("gohint.toml:2: unknown group `style`"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn test_files_lower_or_skip_deliberate_findings() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("a.go"), GROUPS).expect("write");
    std::fs::write(dir.path().join("a_test.go"), GROUPS).expect("write");
    let run = |tests: Option<&str>| {
        let toml = tests.map_or_else(String::new, |t| format!("tests = \"{t}\"\n"));
        std::fs::write(dir.path().join("gohint.toml"), toml).expect("write");
        severities(&gohint(
            dir.path(),
            &["--check", "--preset", "learn", "--format", "json", "."],
        ))
    };
    let lower = run(None);
    assert_eq!(level(&lower, "a.go", "defer-in-loop"), Some("warning"));
    assert_eq!(level(&lower, "a_test.go", "defer-in-loop"), Some("info"));
    assert_eq!(level(&lower, "a_test.go", "double-close"), Some("error"));
    let same = run(Some("same"));
    assert_eq!(level(&same, "a_test.go", "defer-in-loop"), Some("warning"));
    let skip = run(Some("skip"));
    assert_eq!(level(&skip, "a_test.go", "defer-in-loop"), None);
    assert_eq!(level(&skip, "a.go", "defer-in-loop"), Some("warning"));
    assert_eq!(level(&skip, "a_test.go", "double-close"), Some("error"));
}

/// [`GROUPS`] as a generated file: Go's marker line before the package
/// clause.
fn generated_groups() -> String {
    format!("// Code generated by gen.go. DO NOT EDIT.\n\n{GROUPS}")
}

#[test]
fn generated_files_keep_the_bugs_and_drop_the_teaching_notes() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("a.go"), GROUPS).expect("write");
    std::fs::write(dir.path().join("b.pb.go"), generated_groups()).expect("write");
    let run = |generated: Option<&str>| {
        let toml = generated.map_or_else(String::new, |g| format!("generated = \"{g}\"\n"));
        std::fs::write(dir.path().join("gohint.toml"), toml).expect("write");
        severities(&gohint(
            dir.path(),
            &["--check", "--preset", "learn", "--format", "json", "."],
        ))
    };
    let bugs = run(None);
    assert_eq!(
        level(&bugs, "a.go", "unchecked-type-assertion"),
        Some("hint")
    );
    assert_eq!(level(&bugs, "b.pb.go", "unchecked-type-assertion"), None);
    assert_eq!(level(&bugs, "b.pb.go", "double-close"), Some("error"));
    assert_eq!(level(&bugs, "b.pb.go", "defer-in-loop"), Some("warning"));
    let same = run(Some("same"));
    assert_eq!(
        level(&same, "b.pb.go", "unchecked-type-assertion"),
        Some("hint")
    );
    let skip = run(Some("skip"));
    assert_eq!(level(&skip, "b.pb.go", "double-close"), None);
    assert_eq!(level(&skip, "a.go", "double-close"), Some("error"));
    let print = gohint(dir.path(), &["--print-config", "."]);
    let text = String::from_utf8_lossy(&print.stdout);
    assert!(text.contains("generated = \"skip\""), "{text}");
    std::fs::write(dir.path().join("gohint.toml"), "generated = \"all\"\n").expect("write");
    let bad = gohint(dir.path(), &["--check", "."]);
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("is not one of \"same\", \"bugs\", \"skip\""),
        "{err}"
    );
}

#[test]
fn the_assumed_go_version_is_said_with_what_it_changed() {
    let dir = setup(None);
    let out = gohint(dir.path(), &["--check", "pkg"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("gohint: no go.mod gives a Go version, so the newest Go is assumed: loop-var-capture is off"),
        "{text}"
    );
    assert!(text.contains("set `go_version` in gohint.toml"), "{text}");
    let printed =
        String::from_utf8_lossy(&gohint(dir.path(), &["--print-config"]).stdout).into_owned();
    assert!(
        printed.contains("# no go.mod gives a Go version"),
        "{printed}"
    );
    // With a go.mod, or go_version set, nothing is assumed.
    std::fs::write(dir.path().join("go.mod"), "module x\n\ngo 1.21\n").expect("write");
    let out = gohint(dir.path(), &["--check", "pkg"]);
    assert!(!String::from_utf8_lossy(&out.stdout).contains("is assumed"));
    std::fs::remove_file(dir.path().join("go.mod")).expect("remove");
    std::fs::write(dir.path().join("gohint.toml"), "go_version = \"1.22\"\n").expect("write");
    let out = gohint(dir.path(), &["--check", "pkg"]);
    assert!(!String::from_utf8_lossy(&out.stdout).contains("is assumed"));
}

/// The severity of each rule's first diagnostic in a publish.
fn published(message: &Value) -> std::collections::BTreeMap<String, i64> {
    let mut out = std::collections::BTreeMap::new();
    for d in message["params"]["diagnostics"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
    {
        let rule = d["code"].as_str().unwrap_or_default().to_string();
        out.entry(rule)
            .or_insert(d["severity"].as_i64().unwrap_or(0));
    }
    out
}

/// Waits for a publish for `uri` in which `rule` has `severity` (1 error …
/// 4 hint); returns every rule's severity in it.
fn wait_for(
    c: &mut Client,
    uri: &str,
    rule: &str,
    severity: i64,
) -> std::collections::BTreeMap<String, i64> {
    let m = c.recv(|m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == uri
            && published(m).get(rule) == Some(&severity)
    });
    published(&m)
}

/// A folder for documents of the language server tests, with a go.mod.
fn workspace() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().canonicalize().expect("canonical");
    std::fs::write(root.join("go.mod"), "module x\n\ngo 1.22\n").expect("write");
    let uri = format!("file://{}", root.display());
    (dir, uri)
}

#[test]
fn the_editor_defaults_to_learn_with_quieter_test_files() {
    let (_dir, root) = workspace();
    let mut c = Client::start(capabilities(false, true));
    let (file, test) = (format!("{root}/a.go"), format!("{root}/a_test.go"));
    c.open(&file, GROUPS);
    let found = wait_for(&mut c, &file, "unchecked-type-assertion", 4);
    assert_eq!(found.get("double-close"), Some(&1));
    assert_eq!(found.get("defer-in-loop"), Some(&2));
    c.open(&test, GROUPS);
    let found = wait_for(&mut c, &test, "defer-in-loop", 3);
    assert_eq!(found.get("double-close"), Some(&1));
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"gohint": {"tests": "skip", "preset": "ci"}}}),
    );
    let found = wait_for(&mut c, &test, "unchecked-type-assertion", 3);
    assert_eq!(found.get("defer-in-loop"), None, "{found:?}");
    assert!(c.stop().success());
}

#[test]
fn the_generated_setting_reaches_the_editor() {
    let (_dir, root) = workspace();
    let file = format!("{root}/a.pb.go");
    let mut c = Client::start(capabilities(false, true));
    c.open(&file, &generated_groups());
    // Severities as the protocol numbers them: 1 error, 4 hint.
    let found = wait_for(&mut c, &file, "double-close", 1);
    assert_eq!(found.get("unchecked-type-assertion"), None, "{found:?}");
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"gohint": {"generated": "same"}}}),
    );
    let found = wait_for(&mut c, &file, "unchecked-type-assertion", 4);
    assert_eq!(found.get("double-close"), Some(&1), "{found:?}");
    assert!(c.stop().success());
}

#[test]
fn empty_configuration_answers_keep_the_initialization_options() {
    let (_dir, root) = workspace();
    let file = format!("{root}/a.go");
    let mut caps = capabilities(false, true);
    caps["workspace"] =
        json!({"configuration": true, "didChangeConfiguration": {"dynamicRegistration": true}});
    let mut c = Client::spawn();
    c.answers
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .configuration = json!([null]);
    c.initialize(
        caps,
        Some(json!({"rules": {"double-close": "warning"}, "groups": {"pedantic": "info"}})),
    );
    c.open(&file, GROUPS);
    let pulls = |c: &Client| {
        c.answers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .seen
            .iter()
            .filter(|r| r["method"] == "workspace/configuration")
            .count()
    };
    let wait_pulls = |c: &Client, n: usize| {
        let start = std::time::Instant::now();
        while pulls(c) < n {
            assert!(
                start.elapsed() < crate::common::TIMEOUT,
                "no workspace/configuration request"
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    };
    wait_pulls(&c, 1);
    let found = wait_for(&mut c, &file, "double-close", 2);
    assert_eq!(found.get("unchecked-type-assertion"), Some(&3));
    // An empty answer changes nothing either.
    c.answers
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .configuration = json!([{}]);
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": null}),
    );
    wait_pulls(&c, 2);
    // A real answer overrides key by key: the initialization options' other
    // keys stay.
    c.answers
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .configuration = json!([{"rules": {"defer-in-loop": "error"}}]);
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": null}),
    );
    let found = wait_for(&mut c, &file, "defer-in-loop", 1);
    assert_eq!(found.get("double-close"), Some(&2), "{found:?}");
    assert_eq!(found.get("unchecked-type-assertion"), Some(&3), "{found:?}");
    assert!(c.stop().success());
}

#[test]
fn pushed_settings_override_key_by_key_and_null_unsets() {
    let (_dir, root) = workspace();
    let file = format!("{root}/a.go");
    let mut c = Client::spawn();
    c.initialize(
        capabilities(false, true),
        Some(json!({"gohint": {"rules": {"double-close": "warning"}}})),
    );
    c.open(&file, GROUPS);
    let found = wait_for(&mut c, &file, "double-close", 2);
    assert_eq!(found.get("unchecked-type-assertion"), Some(&4));
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"gohint": {"preset": "ci"}}}),
    );
    let found = wait_for(&mut c, &file, "unchecked-type-assertion", 3);
    assert_eq!(found.get("double-close"), Some(&2), "{found:?}");
    assert_eq!(found.get("defer-in-loop"), Some(&3), "{found:?}");
    // Other servers' settings, null and {} change nothing; the next change
    // shows the earlier keys all still hold.
    for nothing in [
        json!({"gopls": {"staticcheck": true}}),
        json!(null),
        json!({}),
        json!({"gohint": {}}),
    ] {
        c.notify(
            "workspace/didChangeConfiguration",
            json!({ "settings": nothing }),
        );
    }
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"gohint": {"rules": {"lost-cancel": "off"}}}}),
    );
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"gohint": {"rules": {"double-close": null}}}}),
    );
    let found = wait_for(&mut c, &file, "double-close", 1);
    assert_eq!(found.get("unchecked-type-assertion"), Some(&3), "{found:?}");
    assert!(c.stop().success());
}

#[test]
fn the_server_logs_the_go_version_it_assumes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().canonicalize().expect("canonical");
    let uri = format!("file://{}/a.go", root.display());
    let mut c = Client::start(capabilities(false, true));
    c.open(&uri, GROUPS);
    wait_for(&mut c, &uri, "double-close", 1);
    assert!(
        c.wait_stderr(
            "no go.mod gives a Go version, so the newest Go is assumed: loop-var-capture is off"
        ),
        "{}",
        c.stderr()
    );
    assert!(c
        .stderr()
        .contains("`goVersion` in the editor's gohint settings"));
    assert!(c.stop().success());
}
