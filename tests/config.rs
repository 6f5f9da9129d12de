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
fn bad_values_warn_and_fall_back() {
    let dir = setup(Some(
        "go_version = \"one\"\n[rules]\ndouble-close = \"loud\"\ndouble-clos = \"off\"\n",
    ));
    let out = gohint(dir.path(), &["--check", "--format", "json", "."]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("gohint.toml:1: `go_version` = \"one\" is not a Go version"),
        "{stderr}"
    );
    assert!(
        stderr.contains("gohint.toml:3: `rules.double-close` = \"loud\""),
        "{stderr}"
    );
    assert!(
        stderr.contains("unknown rule `double-clos` (did you mean `double-close`?)"),
        "{stderr}"
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(json[0]["severity"], "error", "the default severity applies");
    assert_eq!(out.status.code(), Some(1));
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
