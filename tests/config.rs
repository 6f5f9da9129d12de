//! `gohint --check` reads the same `gohint.toml` as the language server:
//! discovered upward from the first path, or named with `--config`.

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
        "unused-ignore = \"hint\" # default"
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
