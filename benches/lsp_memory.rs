//! Language-server memory with many open documents, against the release
//! binary over stdio: opens N Go files at once, waits for every file's
//! diagnostics, then reads the server's peak and current resident set
//! (`VmHWM`, `VmRSS`) from `/proc`. Target: peak ≤ 40 MB with 200 files of
//! the Go standard library.
//!
//! `cargo bench --bench lsp_memory` (sources: `GOHINT_BENCH_SRC`, default
//! the newest `/usr/share/go-*/src`; files: `GOHINT_BENCH_DOCS`, default
//! 200, spread evenly over the sorted list of `.go` files outside
//! `testdata`).

#[path = "../tests/it/common/mod.rs"]
mod common;

use common::{capabilities, Client};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The peak resident set targeted with 200 files open, in KB.
const TARGET_KB: u64 = 40 * 1024;

/// The Go sources to open files from.
fn source_root() -> Option<PathBuf> {
    if let Ok(path) = std::env::var("GOHINT_BENCH_SRC") {
        return Some(PathBuf::from(path));
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/share")
        .ok()?
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("go-"))
        .map(|e| e.path().join("src"))
        .filter(|p| p.is_dir())
        .collect();
    found.sort();
    found.pop()
}

/// Every `.go` file under `root` outside `testdata`, sorted.
fn go_files(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            if path.is_dir() {
                if name != "testdata" {
                    dirs.push(path);
                }
            } else if name.to_string_lossy().ends_with(".go") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// A `/proc/<pid>/status` field, in KB.
fn status_kb(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

/// KB as MB for people.
fn mb(kb: u64) -> String {
    format!("{:.1} MB", kb as f64 / 1024.0)
}

fn main() {
    let Some(root) = source_root() else {
        eprintln!("lsp_memory: no Go sources found; set GOHINT_BENCH_SRC");
        return;
    };
    let wanted: usize = std::env::var("GOHINT_BENCH_DOCS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let all = go_files(&root);
    if all.is_empty() || wanted == 0 {
        eprintln!("lsp_memory: no .go files under {}", root.display());
        return;
    }
    let step = (all.len() / wanted).max(1);
    let files: Vec<(String, String)> = all
        .iter()
        .step_by(step)
        .take(wanted)
        .filter_map(|p| {
            let text = std::fs::read_to_string(p).ok()?;
            Some((format!("file://{}", p.display()), text))
        })
        .collect();
    let bytes: usize = files.iter().map(|(_, t)| t.len()).sum();
    println!(
        "{}: {} files of {}, {:.1} MB of text",
        root.display(),
        files.len(),
        all.len(),
        bytes as f64 / 1e6
    );

    let mut c = Client::start(capabilities(false, true));
    let pid = c.pid();
    let idle = status_kb(pid, "VmRSS").unwrap_or(0);
    let started = Instant::now();
    for (uri, text) in &files {
        c.open(uri, text);
    }
    let mut diagnostics = 0;
    for (uri, _) in &files {
        diagnostics += c.diagnostics(uri, 1).len();
    }
    let elapsed = started.elapsed();
    let peak = status_kb(pid, "VmHWM").unwrap_or(0);
    let now = status_kb(pid, "VmRSS").unwrap_or(0);
    let threads = status_kb(pid, "Threads").unwrap_or(0);
    println!(
        "all diagnostics in {:.0} ms ({diagnostics} diagnostics)",
        elapsed.as_secs_f64() * 1e3
    );
    println!("RSS before opening        {}", mb(idle));
    println!(
        "peak RSS (VmHWM)          {}   target {} with 200 files: {}",
        mb(peak),
        mb(TARGET_KB),
        if peak <= TARGET_KB { "met" } else { "over" }
    );
    println!("RSS with all open (VmRSS) {}", mb(now));
    println!("threads                   {threads}");
    c.stop();
}
