//! Running the `gohint` binary as a command in tests.

use std::path::Path;
use std::process::{Command, Output};

/// Runs `gohint ARGS` in `dir`, without colour.
pub fn gohint(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gohint"))
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
