//! Running the `gohint` binary as a command in tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The binary under test: `GOHINT_BIN` (say, a release build for the
/// hostile-input tests on huge files; relative to the crate), else the one
/// cargo built for the tests.
pub fn binary() -> PathBuf {
    match std::env::var_os("GOHINT_BIN") {
        Some(bin) => Path::new(env!("CARGO_MANIFEST_DIR")).join(bin),
        None => PathBuf::from(env!("CARGO_BIN_EXE_gohint")),
    }
}

/// Runs `gohint ARGS` in `dir`, without colour.
pub fn gohint(args: &[&str], dir: &Path) -> Output {
    Command::new(binary())
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run gohint")
}

/// The standard output of a run, as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The standard error of a run, as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Writes `content` to `dir/name`, making the folders on the way.
pub fn write(dir: &Path, name: &str, content: impl AsRef<[u8]>) {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(path, content).expect("write");
}

/// The findings of `rule` under `--check .` in `dir`, as `path:line`.
pub fn found(dir: &Path, rule: &str) -> Vec<String> {
    let out = gohint(&["--check", ".", "--format", "jsonl", "-q"], dir);
    stdout(&out)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|f| f["rule"] == rule)
        .map(|f| format!("{}:{}", f["path"].as_str().unwrap_or(""), f["line"]))
        .collect()
}
