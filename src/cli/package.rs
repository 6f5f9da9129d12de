//! Checking files a folder at a time: each file is checked together with
//! the other `.go` files of its folder — read from disk whether or not they
//! are checked themselves — so that rules following calls into other files
//! of the package see them (see [`crate::analysis::package`]).

use super::check::{display_path, read};
use crate::analysis::{Analyzer, Finding, InputError, Options, PackageFile, PACKAGE_FILE_BYTES};
use std::collections::HashSet;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The folder of `path`, as a path to list (`.` for a bare file name).
pub fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// The Go files of folder `dir` that Go builds (not hidden, not
/// `_`-prefixed), except those named in `skip`, sorted: regular files (a
/// FIFO would block the read), at most [`PACKAGE_FILE_BYTES`] long.
fn siblings(dir: &Path, skip: &HashSet<OsString>) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.file_name())
        .filter(|n| {
            let shown = n.to_string_lossy();
            shown.ends_with(".go")
                && !shown.starts_with('.')
                && !shown.starts_with('_')
                && !skip.contains(n)
        })
        .map(|n| dir.join(n))
        .filter(|p| {
            std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.len() <= PACKAGE_FILE_BYTES as u64)
        })
        .collect();
    names.sort();
    names
}

/// Checks `checked` — files of folder `dir`, each with its contents (or
/// why they could not be read) — with the other Go files of the folder as
/// their package; `options` gives each checked file's options. The result
/// follows the order of `checked`.
pub fn check_folder(
    analyzer: &mut Analyzer,
    dir: &Path,
    checked: &[(PathBuf, Result<Vec<u8>, String>)],
    options: &dyn Fn(&Path) -> Options,
) -> Vec<Result<Vec<Finding>, String>> {
    let skip: HashSet<OsString> = checked
        .iter()
        .filter_map(|(p, _)| p.file_name().map(OsString::from))
        .collect();
    let others: Vec<(PathBuf, Vec<u8>)> = siblings(dir, &skip)
        .into_iter()
        .filter_map(|p| read(&p).ok().map(|b| (p, b)))
        .collect();
    let mut files = Vec::new();
    let mut paths = Vec::new();
    for (path, bytes) in checked {
        if let Ok(bytes) = bytes {
            files.push(PackageFile {
                name: Arc::from(display_path(path)),
                bytes,
                checked: true,
            });
            paths.push(path.as_path());
        }
    }
    for (path, bytes) in &others {
        files.push(PackageFile {
            name: Arc::from(display_path(path)),
            bytes,
            checked: false,
        });
    }
    let mut results = analyzer
        .analyze_package(&files, &|i| options(paths[i]))
        .into_iter()
        .flatten();
    checked
        .iter()
        .map(|(_, bytes)| match bytes {
            Err(e) => Err(e.clone()),
            Ok(_) => results
                .next()
                .unwrap_or(Err(InputError::ParseFailed))
                .map_err(|e| e.to_string()),
        })
        .collect()
}

/// The text of another file of a package, by the name its summary gives
/// (to place a finding's related location there).
pub fn text_of(name: &str) -> Option<String> {
    std::fs::read_to_string(name).ok()
}
