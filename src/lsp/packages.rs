//! The packages of open documents: what the other `.go` files of a
//! document's folder tell the rules (see [`crate::analysis::package`]).
//!
//! A folder's files are read from disk once, when a document there is
//! first analysed, and again after the client reports a change to a Go file
//! there (`workspace/didChangeWatchedFiles`) or a document there is saved or
//! closed. An open document's own text wins over the file on disk: its
//! summary is the one of its latest analysis. A document is checked with
//! what is known of its folder at once; the read, which is blocking, runs
//! afterwards off the request path (never on the async runtime), and the
//! folder's open documents are checked again once it is done.

use crate::analysis::package::{self, Package};
use crate::analysis::summary::FileSummary;
use crate::analysis::{Analyzer, PACKAGE_FILE_BYTES};
use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use tower_lsp_server::ls_types::Uri;

/// One Go file of a folder.
#[derive(Clone)]
struct Entry {
    /// What it tells the package (`None`: not Go text, or too large).
    summary: Option<Arc<FileSummary>>,
    /// The text of an open document's latest analysis (`None` on disk).
    text: Option<Arc<str>>,
}

/// The Go files of one folder known so far.
#[derive(Default)]
struct Folder {
    /// By path.
    files: BTreeMap<PathBuf, Entry>,
    /// Whether the files on disk were read (else only open documents are
    /// known).
    read: bool,
    /// Whether the files on disk were summarised (some file of the folder
    /// may lock a mutex or wait).
    summarised: bool,
    /// Whether a read of the files on disk is under way.
    loading: bool,
    /// Bumped when the files on disk are forgotten: a read that started
    /// before is stale.
    generation: u64,
}

impl Folder {
    /// The package of its file at `path`, once its files are summarised.
    fn package(&self, path: &Path) -> Option<Package> {
        self.summarised.then(|| {
            let summaries = self
                .files
                .values()
                .filter_map(|e| e.summary.clone())
                .collect();
            Package::new(summaries).seen_from(name_of(path))
        })
    }
}

/// The folders of the open documents and their Go files.
#[derive(Default)]
pub struct Packages {
    folders: Mutex<HashMap<PathBuf, Folder>>,
}

/// The path of a document on disk (`None` for other schemes).
pub fn file_path(uri: &Uri) -> Option<PathBuf> {
    (uri.scheme().as_str() == "file")
        .then(|| uri.to_file_path())
        .flatten()
        .map(|p| p.into_owned())
}

/// The name a file goes by in summaries and related locations.
pub fn name_of(path: &Path) -> Arc<str> {
    Arc::from(path.to_string_lossy().as_ref())
}

/// The folder of `path`.
fn folder_of(path: &Path) -> PathBuf {
    path.parent().map(Path::to_path_buf).unwrap_or_default()
}

/// The Go files Go builds in `dir` (not hidden, not `_`-prefixed): regular
/// files (opening a FIFO would block) of at most [`PACKAGE_FILE_BYTES`].
fn go_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default();
            name.ends_with(".go") && !name.starts_with('.') && !name.starts_with('_')
        })
        .filter(|p| {
            std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.len() <= PACKAGE_FILE_BYTES as u64)
        })
        .collect()
}

/// The contents of regular file `path`, at most [`PACKAGE_FILE_BYTES`].
fn read_file(path: &Path) -> Option<Vec<u8>> {
    let file = std::fs::File::open(path).ok()?;
    let meta = file.metadata().ok()?;
    if !meta.is_file() || meta.len() > PACKAGE_FILE_BYTES as u64 {
        return None;
    }
    let mut bytes = Vec::new();
    file.take(PACKAGE_FILE_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .ok()?;
    Some(bytes)
}

impl Packages {
    /// The package of the document at `path` whose text is `text`, seen
    /// from it, as far as it is known now (never blocking on the disk);
    /// and the folder to read, when its files on disk are not read or not
    /// summarised yet and no read of it is under way: the document is
    /// checked without them first (see [`Packages::load`]). `None` while
    /// no file of the folder may synchronise: then no rule asks (see
    /// [`package::may_sync`]), and the folder's files are not parsed.
    pub fn known(&self, path: &Path, text: &str) -> (Option<Package>, Option<PathBuf>) {
        let dir = folder_of(path);
        let own_locks = package::may_sync(text.as_bytes());
        let mut folders = self.folders.lock().unwrap_or_else(PoisonError::into_inner);
        let folder = folders.entry(dir.clone()).or_default();
        let unread = !folder.read || (own_locks && !folder.summarised);
        let load = (unread && !folder.loading).then(|| {
            folder.loading = true;
            dir
        });
        (folder.package(path), load)
    }

    /// Whether the package of the document at `path`, as known now,
    /// tells it something else than `seen`, the one its analysis saw
    /// (a package of no other file tells nothing, as none does).
    pub fn outdated(&self, path: &Path, seen: Option<&Package>) -> bool {
        let folders = self.folders.lock().unwrap_or_else(PoisonError::into_inner);
        let now = folders.get(&folder_of(path)).and_then(|f| f.package(path));
        let tells = |p: Option<&Package>| {
            p.is_some_and(|p| p.files().iter().any(|f| f.file != *p.seen_file()))
        };
        (tells(now.as_ref()) || tells(seen)) && now.as_ref() != seen
    }

    /// Reads and summarises the Go files on disk of folder `dir` (blocking;
    /// off the request path), when some file there, on disk or open, may
    /// synchronise. Open documents keep their own entries; a read that a
    /// change in the folder overtook ([`Packages::forget`]) is dropped, for
    /// the next analysis to ask again.
    pub fn load(&self, dir: &Path, analyzer: &mut Analyzer) {
        let (generation, open_locks) = {
            let folders = self.folders.lock().unwrap_or_else(PoisonError::into_inner);
            folders.get(dir).map_or((0, false), |f| {
                let open_locks = f.files.values().any(|e| {
                    e.text
                        .as_deref()
                        .is_some_and(|t| package::may_sync(t.as_bytes()))
                });
                (f.generation, open_locks)
            })
        };
        let disk: Vec<(PathBuf, Vec<u8>)> = go_files(dir)
            .into_iter()
            .filter_map(|p| read_file(&p).map(|b| (p, b)))
            .collect();
        let locks = open_locks || disk.iter().any(|(_, b)| package::may_sync(b));
        let disk: Vec<(PathBuf, Entry)> = disk
            .into_iter()
            .map(|(p, bytes)| {
                let summary = locks
                    .then(|| analyzer.prepare(&bytes, name_of(&p), false).summary)
                    .flatten();
                (
                    p,
                    Entry {
                        summary,
                        text: None,
                    },
                )
            })
            .collect();
        let mut folders = self.folders.lock().unwrap_or_else(PoisonError::into_inner);
        let folder = folders.entry(dir.to_path_buf()).or_default();
        folder.loading = false;
        if folder.generation != generation {
            return;
        }
        // Files gone from the disk go from the package.
        folder
            .files
            .retain(|p, e| e.text.is_some() || disk.iter().any(|(d, _)| d == p));
        for (p, entry) in disk {
            match folder.files.get(&p) {
                Some(open) if open.text.is_some() => {}
                _ => {
                    folder.files.insert(p, entry);
                }
            }
        }
        folder.read = true;
        // A document opened meanwhile that may synchronise asks again.
        folder.summarised = locks;
    }

    /// Ends a read of folder `dir` that failed (the reading thread
    /// panicked): the folder counts as read with what was known before, so
    /// that each analysis does not start the same read again; the next
    /// change to a Go file there ([`Packages::forget`]) reads it again.
    pub fn failed(&self, dir: &Path) {
        let mut folders = self.folders.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(folder) = folders.get_mut(dir) {
            folder.loading = false;
            folder.read = true;
            folder.summarised = true;
        }
    }

    /// Records the latest analysis of the open document at `path`: its
    /// text and summary. Whether the summary changed (then the other open
    /// documents of its folder are checked again).
    pub fn analysed(&self, path: &Path, text: Arc<str>, summary: Option<Arc<FileSummary>>) -> bool {
        let mut folders = self.folders.lock().unwrap_or_else(PoisonError::into_inner);
        let folder = folders.entry(folder_of(path)).or_default();
        let old = folder.files.insert(
            path.to_path_buf(),
            Entry {
                summary: summary.clone(),
                text: Some(text),
            },
        );
        match old {
            Some(old) => old.summary != summary,
            // New to the folder (not on disk): it matters once it declares
            // methods.
            None => summary.is_some_and(|s| !s.methods.is_empty()),
        }
    }

    /// Marks the files on disk of the folder of `path` out of date (a Go
    /// file there changed, or a document there was saved or closed) and,
    /// when `closed`, forgets the document at `path`: the next analysis
    /// there reads the folder again, and uses what was read before until
    /// then. Open documents keep their entries.
    pub fn forget(&self, path: &Path, closed: bool) {
        let mut folders = self.folders.lock().unwrap_or_else(PoisonError::into_inner);
        let dir = folder_of(path);
        if let Some(folder) = folders.get_mut(&dir) {
            if closed {
                folder.files.remove(path);
            }
            folder.read = false;
            folder.loading = false;
            folder.generation += 1;
        }
    }

    /// The text of another file of a package, by its name: an open
    /// document's analysed text, else the file on disk.
    pub fn text_of(&self, name: &str) -> Option<String> {
        let path = Path::new(name);
        let folders = self.folders.lock().unwrap_or_else(PoisonError::into_inner);
        let open = folders
            .get(&folder_of(path))
            .and_then(|f| f.files.get(path))
            .and_then(|e| e.text.clone());
        drop(folders);
        match open {
            Some(text) => Some(text.to_string()),
            None => std::fs::read_to_string(path).ok(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_read_leaves_the_open_documents_package_until_the_folder_changes() {
        let packages = Packages::default();
        let doc = Path::new("/nowhere/p/a.go");
        let text = "package p\nfunc f() { mu.Lock() }\n";
        let (_, load) = packages.known(doc, text);
        assert_eq!(load.as_deref(), Some(Path::new("/nowhere/p")));
        // While the read is under way, no second one starts.
        assert_eq!(packages.known(doc, text).1, None);
        packages.failed(Path::new("/nowhere/p"));
        // The open documents make the package; the read is not retried.
        let (package, load) = packages.known(doc, text);
        assert!(package.is_some());
        assert_eq!(load, None);
        // A change in the folder reads it again.
        packages.forget(doc, false);
        assert!(packages.known(doc, text).1.is_some());
    }
}
