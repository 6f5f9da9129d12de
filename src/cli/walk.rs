//! Which files `--check` reads: Go files under the given paths, honouring
//! `.gitignore` and the `exclude` list of `gohint.toml`, skipping `vendor/`,
//! `testdata/` and hidden folders unless named explicitly.

use crate::output::paths;
use ignore::gitignore::{Gitignore, GitignoreBuilder};
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

/// The files to check, sorted and without duplicates. A path that does not
/// exist is returned in the error list. `exclude` prunes the walk (not the
/// paths named).
pub fn files(
    paths: &[PathBuf],
    exclude: Option<&Exclude>,
) -> (Vec<PathBuf>, Vec<(PathBuf, String)>) {
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
