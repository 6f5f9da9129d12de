//! The analysis core stays pure: no file or network I/O, no async runtime,
//! no LSP or serialisation types. Those belong to the edges.

use std::path::Path;

const CORE: &[&str] = &[
    "src/analysis",
    "src/rules",
    "src/corpus",
    "src/text",
    "src/explain.rs",
    "src/learn",
];
const FORBIDDEN: &[&str] = &[
    "std::fs",
    "std::net",
    "std::process",
    "std::io",
    "tokio",
    "tower_lsp",
    "ls_types",
    "lsp_types",
    "serde",
    "println!",
    "eprintln!",
    "File::",
    "std::env",
];

fn rust_files(path: &Path, out: &mut Vec<std::path::PathBuf>) {
    if path.is_file() {
        out.push(path.to_path_buf());
    } else if let Ok(entries) = std::fs::read_dir(path) {
        for e in entries.flatten() {
            rust_files(&e.path(), out);
        }
    }
}

#[test]
fn core_modules_do_no_io_and_know_no_protocol() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for c in CORE {
        rust_files(&root.join(c), &mut files);
    }
    assert!(files.len() > 5, "core files found: {files:?}");
    let mut bad = Vec::new();
    for f in files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "rs"))
    {
        let text = std::fs::read_to_string(f).unwrap_or_default();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for word in FORBIDDEN {
                if code.contains(word) {
                    bad.push(format!(
                        "{}:{}: `{word}` in the pure core",
                        f.display(),
                        n + 1
                    ));
                }
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}
