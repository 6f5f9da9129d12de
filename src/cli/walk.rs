//! Which files `--check` reads: Go files under the given paths, honouring
//! `.gitignore`, skipping `vendor/`, `testdata/` and hidden folders unless
//! named explicitly.

use std::path::{Path, PathBuf};

/// Folder names skipped while walking (not when given on the command line).
const SKIPPED: &[&str] = &["vendor", "testdata", "node_modules"];

/// The files to check, sorted and without duplicates. A path that does not
/// exist is returned in the error list.
pub fn files(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<(PathBuf, String)>) {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let defaults = [PathBuf::from(".")];
    let paths = if paths.is_empty() {
        &defaults[..]
    } else {
        paths
    };
    for path in paths {
        let path = strip_ellipsis(path);
        if path.is_file() {
            out.push(path);
            continue;
        }
        if !path.is_dir() {
            errors.push((path, "no such file or folder".to_string()));
            continue;
        }
        let walker = ignore::WalkBuilder::new(&path)
            .hidden(false)
            .filter_entry(|e| {
                e.depth() == 0
                    || !e.file_type().is_some_and(|t| t.is_dir())
                    || !is_skipped(e.file_name().to_str().unwrap_or(""))
            })
            .build();
        for entry in walker {
            match entry {
                Ok(e) if e.file_type().is_some_and(|t| t.is_file()) && is_go(e.path()) => {
                    out.push(e.into_path());
                }
                Ok(_) => {}
                Err(err) => errors.push((path.clone(), err.to_string())),
            }
        }
    }
    out.sort();
    out.dedup();
    (out, errors)
}

/// `./...` and `dir/...` mean the folder itself (walking is recursive).
pub fn strip_ellipsis(path: &Path) -> PathBuf {
    let s = path.to_string_lossy();
    match s.strip_suffix("...") {
        Some(rest) => {
            let rest = rest.trim_end_matches('/');
            PathBuf::from(if rest.is_empty() { "." } else { rest })
        }
        None => path.to_path_buf(),
    }
}

fn is_skipped(name: &str) -> bool {
    SKIPPED.contains(&name) || (name.starts_with('.') && name != "." && name != "..")
}

fn is_go(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "go")
}
