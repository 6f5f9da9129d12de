//! Checking files with their packages: each file is checked together with
//! the other `.go` files of its folder — read from disk whether or not they
//! are checked themselves — so that rules following calls into other files
//! of the package see them (see [`crate::analysis::package`]).
//!
//! Each folder at hand is checked on its own, in parallel with the others,
//! in two parallel passes over its files: the first
//! parses each file of a folder where some file may synchronise (see
//! [`package::may_sync`]), summarises it and keeps the trees of the checked
//! ones (up to [`KEPT_TREES_BYTES`] of source); the second checks each file
//! with its folder's package, from its kept tree or parsing it again.

use super::check::{display_path, read};
use crate::analysis::package::{self, Package};
use crate::analysis::{Analyzer, Finding, Options, PACKAGE_FILE_BYTES};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashSet};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tree_sitter::Tree;

/// The checked files of a folder whose trees are kept from the first pass
/// to the second hold at most this many bytes of source (some 35 bytes of
/// tree each); the others are parsed again.
const KEPT_TREES_BYTES: usize = 6 << 20;

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

/// A checked file's contents and findings, or why it could not be checked.
pub type Checked = Result<(Vec<u8>, Vec<Finding>), String>;

/// One file of a folder at hand.
struct File {
    path: PathBuf,
    name: Arc<str>,
    /// Its contents, or why it could not be read.
    bytes: Result<Vec<u8>, String>,
    /// Its index among the checked files, when it is checked.
    checked: Option<usize>,
}

/// Checks `checked` — files, each with its contents (or why they could not
/// be read) — each with the other Go files of its folder as its package;
/// `options` gives each checked file's options and `done` is told of each
/// file checked. The result follows the order of `checked`: each file's
/// contents with its findings, or why it could not be checked.
///
/// The folders are checked in parallel, each as soon as a thread is free:
/// a thread waiting for the last file of one folder's first pass works on
/// another folder meanwhile.
pub fn check_files(
    checked: Vec<(PathBuf, Result<Vec<u8>, String>)>,
    options: &(dyn Fn(&Path) -> Options + Sync),
    done: &(dyn Fn() + Sync),
) -> Vec<Checked> {
    let count = checked.len();
    let mut folders: BTreeMap<PathBuf, Vec<File>> = BTreeMap::new();
    for (i, (path, bytes)) in checked.into_iter().enumerate() {
        folders.entry(folder_of(&path)).or_default().push(File {
            name: Arc::from(display_path(&path)),
            path,
            bytes,
            checked: Some(i),
        });
    }
    let mut results: Vec<(usize, Checked)> = folders
        .into_par_iter()
        .flat_map_iter(|(dir, own)| check_folder(&dir, own, options, done))
        .collect();
    results.sort_by_key(|(i, _)| *i);
    debug_assert_eq!(results.len(), count);
    results.into_iter().map(|(_, r)| r).collect()
}

/// Checks the files `own` of folder `dir` with the folder's other Go files
/// (read here) as their package: the result of each checked one, by its
/// index among the checked files.
fn check_folder(
    dir: &Path,
    mut own: Vec<File>,
    options: &(dyn Fn(&Path) -> Options + Sync),
    done: &(dyn Fn() + Sync),
) -> Vec<(usize, Checked)> {
    let skip: HashSet<OsString> = own
        .iter()
        .filter_map(|f| f.path.file_name().map(OsString::from))
        .collect();
    for path in siblings(dir, &skip) {
        if let Ok(bytes) = read(&path) {
            own.push(File {
                name: Arc::from(display_path(&path)),
                path,
                bytes: Ok(bytes),
                checked: None,
            });
        }
    }
    let locks = own
        .iter()
        .any(|f| f.bytes.as_deref().is_ok_and(package::may_sync));
    // Which checked files keep their trees.
    let mut budget = KEPT_TREES_BYTES;
    let keep: Vec<bool> = own
        .iter()
        .map(|f| {
            let size = f.bytes.as_ref().map_or(0, Vec::len);
            let kept = f.checked.is_some() && locks && size <= budget;
            budget -= if kept { size } else { 0 };
            kept
        })
        .collect();
    // First pass: the summaries, when some file locks, and kept trees.
    let prepared: Vec<(Option<Arc<_>>, Option<Tree>)> = own
        .par_iter()
        .zip(keep)
        .map_init(Analyzer::new, |analyzer, (f, keep)| match &f.bytes {
            Ok(bytes) if locks => {
                let p = analyzer.prepare(bytes, Arc::clone(&f.name), keep);
                (p.summary, p.tree)
            }
            _ => (None, None),
        })
        .collect();
    let package = locks.then(|| {
        Package::new(
            prepared
                .iter()
                .filter_map(|(summary, _)| summary.clone())
                .collect(),
        )
    });
    // Second pass: each checked file with its package.
    own.into_par_iter()
        .zip(prepared)
        .filter_map(|(f, prepared)| f.checked.map(|i| (i, f, prepared)))
        .map_init(Analyzer::new, |analyzer, (i, f, (own, tree))| {
            let result = f.bytes.and_then(|bytes| {
                let mut options = options(&f.path);
                options.package = package.as_ref().map(|p| p.seen_from(Arc::clone(&f.name)));
                // Worked out from these same bytes in the first pass.
                options.own_summary = own;
                analyzer
                    .analyze_parsed(&bytes, tree, &options)
                    .map(|findings| (bytes, findings))
                    .map_err(|e| e.to_string())
            });
            done();
            (i, result)
        })
        .collect()
}

/// The text of another file of a package, by the name its summary gives
/// (to place a finding's related location there).
pub fn text_of(name: &str) -> Option<String> {
    std::fs::read_to_string(name).ok()
}
