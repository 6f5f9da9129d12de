//! Which files `--check` reads: Go files under the given paths, honouring
//! `.gitignore` (inside a git repository) and the `exclude` list of
//! `gohint.toml`, skipping `vendor/`, `testdata/` and hidden folders unless
//! named explicitly.

use crate::output::paths;
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// What a `gohint.toml` `exclude` list skips while walking: gitignore-style
/// patterns relative to the configuration file's folder.
#[derive(Clone, Debug)]
pub struct Exclude {
    root: PathBuf,
    cwd: PathBuf,
    matcher: Gitignore,
}

impl Exclude {
    /// `patterns` relative to absolute folder `root`, for paths named
    /// relative to `cwd`.
    pub fn new(root: &Path, cwd: &Path, patterns: &[String]) -> Result<Exclude, String> {
        let mut builder = GitignoreBuilder::new(root);
        for p in patterns {
            builder.add_line(None, p).map_err(|e| e.to_string())?;
        }
        Ok(Exclude {
            root: root.to_path_buf(),
            cwd: cwd.to_path_buf(),
            matcher: builder.build().map_err(|e| e.to_string())?,
        })
    }

    /// Whether the walk skips `path` (a folder when `dir`).
    fn skips(&self, path: &Path, dir: bool) -> bool {
        let abs = paths::absolute(&self.cwd, path);
        abs.starts_with(&self.root) && self.matcher.matched(&abs, dir).is_ignore()
    }
}

/// Folder names skipped while walking (not when given on the command line).
const SKIPPED: &[&str] = &["vendor", "testdata", "node_modules"];

/// What a walk found.
#[derive(Debug, Default)]
pub struct Walked {
    /// The files to check, sorted, each once (under the first of its
    /// names in that order).
    pub files: Vec<PathBuf>,
    /// Paths that could not be walked or checked, and why.
    pub errors: Vec<(PathBuf, String)>,
    /// The canonical paths of `files` (symbolic links resolved).
    pub canonical: HashSet<PathBuf>,
}

/// The files to check under `paths`: files named are checked whatever
/// their name; folders are walked for `.go` files that the go tool would
/// build (not `_x.go` or `.x.go`), regular files or symbolic links to
/// them. A file reached under several names (`. a.go`, `a.go ./a.go`, a
/// link) is checked once. `exclude` prunes the walk (not the paths named).
pub fn files(paths: &[PathBuf], exclude: Option<&Exclude>) -> Walked {
    let mut found = Vec::new();
    let mut errors = Vec::new();
    let defaults = [PathBuf::from(".")];
    let paths = if paths.is_empty() {
        &defaults[..]
    } else {
        paths
    };
    for path in paths {
        let path = strip_ellipsis(path);
        match std::fs::metadata(&path) {
            Ok(m) if m.is_file() => {
                let real = canonical(&path);
                found.push((path, real));
                continue;
            }
            Ok(m) if m.is_dir() => {}
            Ok(m) => {
                errors.push((path, not_regular(&m.file_type())));
                continue;
            }
            Err(e) => {
                let why = missing(&path, &e);
                errors.push((path, why));
                continue;
            }
        }
        // The walk follows no link to a folder, so below the folder's own
        // canonical path, only the links to files need resolving.
        let root = canonical(&path);
        let exclude = exclude.cloned();
        let walker = ignore::WalkBuilder::new(&path)
            .hidden(false)
            .filter_entry(move |e| {
                let dir = e.file_type().is_some_and(|t| t.is_dir());
                e.depth() == 0
                    || !(dir && is_skipped(e.file_name().to_str().unwrap_or(""))
                        || exclude.as_ref().is_some_and(|x| x.skips(e.path(), dir)))
            })
            .build();
        for entry in walker {
            match entry {
                Ok(e) if is_go(e.path()) && is_file(&e) => {
                    let real = match e.path().strip_prefix(&path) {
                        Ok(rest) if !e.path_is_symlink() => root.join(rest),
                        _ => canonical(e.path()),
                    };
                    found.push((e.into_path(), real));
                }
                Ok(_) => {}
                Err(err) => errors.push((path.clone(), err.to_string())),
            }
        }
    }
    found.sort();
    let mut seen = HashSet::new();
    found.retain(|(_, real)| seen.insert(real.clone()));
    Walked {
        files: found.into_iter().map(|(path, _)| path).collect(),
        errors,
        canonical: seen,
    }
}

/// `path` with every symbolic link resolved (else made absolute).
fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path)
        .or_else(|_| std::path::absolute(path))
        .unwrap_or_else(|_| path.to_path_buf())
}

/// Whether a walked entry is a regular file or a symbolic link to one (a
/// dangling link, a link loop, a link to a device or a pipe is not).
fn is_file(e: &ignore::DirEntry) -> bool {
    match e.file_type() {
        Some(t) if t.is_file() => true,
        Some(t) if t.is_symlink() => std::fs::metadata(e.path()).is_ok_and(|m| m.is_file()),
        _ => false,
    }
}

/// Why `path`, named on the command line, whose metadata could not be read
/// with error `e`, cannot be checked.
fn missing(path: &Path, e: &std::io::Error) -> String {
    let link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    match (link, e.kind()) {
        (true, std::io::ErrorKind::NotFound) => match std::fs::read_link(path) {
            Ok(target) => format!(
                "a symbolic link to {}, which does not exist",
                crate::output::escape::os(target.as_os_str())
            ),
            Err(_) => "a symbolic link to nothing".to_string(),
        },
        (true, _) => format!("a symbolic link that cannot be followed: {e}"),
        (false, std::io::ErrorKind::NotFound) => "no such file or folder".to_string(),
        (false, _) => e.to_string(),
    }
}

/// Why a path of file type `t` (neither a file nor a folder) is not checked.
fn not_regular(t: &std::fs::FileType) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let what = if t.is_fifo() {
            Some("a named pipe (FIFO)")
        } else if t.is_char_device() || t.is_block_device() {
            Some("a device")
        } else if t.is_socket() {
            Some("a socket")
        } else {
            None
        };
        if let Some(what) = what {
            return format!("{what}, not a file or folder; not read");
        }
    }
    let _ = t;
    "not a regular file or folder; not read".to_string()
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

/// Whether a walked file is one the go tool builds: `NAME.go`, where NAME
/// does not start with `_` or `.`.
fn is_go(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "go")
        && path
            .file_name()
            .and_then(|n| n.as_encoded_bytes().first())
            .is_some_and(|&b| b != b'_' && b != b'.')
}
