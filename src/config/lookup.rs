//! The nearest `go.mod` and `gohint.toml` of a folder, cached per folder.

use super::{Config, FILE_NAME};
use crate::analysis::GoVersion;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

/// The largest `go.mod` or `gohint.toml` read, in bytes.
const MAX_CONFIG: u64 = 4 << 20;

/// Reads a `go.mod` or `gohint.toml`: a regular file of at most 4 MB of
/// UTF-8 (a link to a device, or a huge file, is refused, not read).
pub fn read_text(path: &Path) -> std::io::Result<String> {
    use std::io::{Error, ErrorKind, Read};
    let file = std::fs::File::open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(Error::new(ErrorKind::InvalidInput, "not a regular file"));
    }
    let too_big = || Error::new(ErrorKind::InvalidData, "larger than 4 MB");
    if meta.len() > MAX_CONFIG {
        return Err(too_big());
    }
    let mut bytes = Vec::new();
    file.take(MAX_CONFIG + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_CONFIG {
        return Err(too_big());
    }
    String::from_utf8(bytes).map_err(|e| {
        Error::new(
            ErrorKind::InvalidData,
            format!("not UTF-8: {}", e.utf8_error()),
        )
    })
}

/// A configuration file as read from disk.
#[derive(Clone, Debug)]
pub struct Loaded {
    /// Its path.
    pub path: PathBuf,
    /// Its settings (defaults when it could not be read).
    pub config: Config,
    /// What was wrong with it.
    pub warnings: Vec<String>,
}

impl Loaded {
    /// Reads and validates the configuration file at `path`.
    pub fn read(path: &Path) -> Loaded {
        let origin = path.display().to_string();
        let (config, warnings) = match read_text(path) {
            Ok(text) => Config::from_toml(&text, &origin),
            Err(e) => (
                Config::default(),
                vec![format!(
                    "{origin}: cannot read it ({e}); using the defaults"
                )],
            ),
        };
        Loaded {
            path: path.to_path_buf(),
            config,
            warnings,
        }
    }
}

impl Loaded {
    /// The folder its relative paths (`exclude`, `corpus.paths`) start from.
    pub fn folder(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("."))
    }

    /// The team corpus files it names, resolved against its folder.
    pub fn corpus_paths(&self) -> Vec<PathBuf> {
        self.config
            .corpus_paths
            .iter()
            .map(|p| self.folder().join(p))
            .collect()
    }
}

/// The `go` directive of a `go.mod` file's text: `Ok(None)` without one,
/// an error saying what is wrong when it is not a Go version.
fn go_directive(go_mod: &str) -> Result<Option<GoVersion>, String> {
    let Some(line) = go_mod
        .lines()
        .find_map(|l| l.trim().strip_prefix("go ").map(str::trim))
    else {
        return Ok(None);
    };
    match GoVersion::from_directive(line) {
        Some(v) => Ok(Some(v)),
        None => Err(format!(
            "`go {line}` is not a Go version; the rules that depend on it assume the newest Go"
        )),
    }
}

/// Finds the files that configure a folder, remembering every answer until
/// [`Lookup::clear`] (call it when a `go.mod` or `gohint.toml` changes).
#[derive(Default)]
pub struct Lookup {
    /// Folder → the `go` version of its nearest `go.mod`.
    go_versions: Mutex<HashMap<PathBuf, Option<GoVersion>>>,
    /// Problems found in the `go.mod` files read: each file and what.
    go_mod_warnings: Mutex<Vec<(PathBuf, String)>>,
    /// Folder → its nearest `gohint.toml`, read.
    configs: Mutex<HashMap<PathBuf, Option<Arc<Loaded>>>>,
}

impl Lookup {
    /// A lookup with empty caches.
    pub fn new() -> Self {
        Self::default()
    }

    /// The `go` directive of the nearest `go.mod` at or above `dir`. A
    /// directive that is not a Go version counts as none, and is recorded
    /// (once) for [`Lookup::go_mod_warnings`].
    pub fn go_version(&self, dir: &Path) -> Option<GoVersion> {
        nearest(&self.go_versions, dir, "go.mod", |path| {
            let text = read_text(path).map_err(|e| format!("cannot read it: {e}"));
            text.and_then(|t| go_directive(&t)).unwrap_or_else(|why| {
                let mut warnings = self
                    .go_mod_warnings
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner);
                let warning = (path.to_path_buf(), why);
                if !warnings.contains(&warning) {
                    warnings.push(warning);
                }
                None
            })
        })
    }

    /// The `go.mod` files read so far whose `go` line is not a Go version,
    /// each with what is wrong, in the order they were read; each is
    /// returned once.
    pub fn go_mod_warnings(&self) -> Vec<(PathBuf, String)> {
        std::mem::take(
            &mut *self
                .go_mod_warnings
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
        )
    }

    /// The nearest `gohint.toml` at or above `dir`, read.
    pub fn config(&self, dir: &Path) -> Option<Arc<Loaded>> {
        nearest(&self.configs, dir, FILE_NAME, |path| {
            Some(Arc::new(Loaded::read(path)))
        })
    }

    /// Forgets every cached answer.
    pub fn clear(&self) {
        self.go_versions
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
        self.configs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }
}

/// Walks up from `dir` to the first folder holding a file `name`, loads it,
/// and caches the answer for every folder on the way.
fn nearest<T: Clone>(
    cache: &Mutex<HashMap<PathBuf, Option<T>>>,
    dir: &Path,
    name: &str,
    load: impl FnOnce(&Path) -> Option<T>,
) -> Option<T> {
    let mut visited = Vec::new();
    let mut found = None;
    for folder in dir.ancestors() {
        if let Some(hit) = cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(folder)
        {
            found = Some(hit.clone());
            break;
        }
        visited.push(folder.to_path_buf());
        let candidate = folder.join(name);
        if candidate.is_file() {
            found = Some(load(&candidate));
            break;
        }
    }
    let value = found.flatten();
    let mut cache = cache.lock().unwrap_or_else(PoisonError::into_inner);
    for folder in visited {
        cache.insert(folder, value.clone());
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_nearest_files_and_caches_until_cleared() {
        let root = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let inner = root.path().join("a/b");
        std::fs::create_dir_all(&inner).unwrap_or_else(|e| panic!("mkdir: {e}"));
        std::fs::write(root.path().join("go.mod"), "module x\n\ngo 1.21\n")
            .unwrap_or_else(|e| panic!("write: {e}"));
        std::fs::write(
            root.path().join("a/gohint.toml"),
            "[rules]\ndouble-close = \"off\"\n",
        )
        .unwrap_or_else(|e| panic!("write: {e}"));
        let lookup = Lookup::new();
        assert_eq!(lookup.go_version(&inner), GoVersion::parse("1.21"));
        let loaded = lookup
            .config(&inner)
            .unwrap_or_else(|| panic!("gohint.toml not found"));
        assert_eq!(loaded.path, root.path().join("a/gohint.toml"));
        assert_eq!(loaded.config.rules.get("double-close"), Some(&None));
        assert!(lookup.config(root.path()).is_none());

        std::fs::write(inner.join("go.mod"), "module y\n\ngo 1.18\n")
            .unwrap_or_else(|e| panic!("write: {e}"));
        assert_eq!(
            lookup.go_version(&inner),
            GoVersion::parse("1.21"),
            "cached"
        );
        lookup.clear();
        assert_eq!(lookup.go_version(&inner), GoVersion::parse("1.18"));
        assert!(lookup.go_mod_warnings().is_empty());
        assert_eq!(
            lookup.go_version(&root.path().join("a")),
            GoVersion::parse("1.21")
        );
    }

    #[test]
    fn a_go_line_that_is_no_version_is_reported() {
        assert_eq!(go_directive("module x\n"), Ok(None));
        assert_eq!(
            go_directive("module x\ngo 1.21 // pinned\n"),
            Ok(GoVersion::parse("1.21"))
        );
        for bad in ["go garbage", "go 1.99999999999999999999", "go 1.21.x"] {
            let err = go_directive(&format!("module x\n{bad}\n")).err();
            assert!(
                err.as_deref()
                    .is_some_and(|e| e.starts_with(&format!("`{bad}` is not a Go version"))),
                "{err:?}"
            );
        }
    }
}
