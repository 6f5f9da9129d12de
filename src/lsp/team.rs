//! Team corpora (`corpus.paths`) as the language server reads them. A
//! `gohint.toml` may come from an untrusted repository, so an entry is read
//! only when it is a regular file (checked before opening, so a FIFO is
//! never opened, and again on the opened handle, so a link swapped in
//! between is caught), and never past [`MAX_BYTES`]. Each file is parsed
//! once per (canonical path, modification time, size) and shared by every
//! document that uses it. Reading blocks: call it off the async reactor
//! (analysis steps run on blocking threads).

use crate::concepts;
use crate::corpus::{self, TeamQuestion};
use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::SystemTime;

/// The largest team corpus read (the built-in corpus is some 100 KB).
pub const MAX_BYTES: u64 = 8 * 1024 * 1024;

/// Cached combinations past which the cache starts over.
const MAX_ENTRIES: usize = 64;

/// What identifies one version of a file.
type Key = (PathBuf, SystemTime, u64);

/// One file's questions and the problems it had.
#[derive(Clone)]
struct Parsed {
    questions: Arc<Vec<TeamQuestion>>,
    problems: Vec<String>,
}

/// The parsed files and the combined question lists handed out.
#[derive(Default)]
struct Cache {
    files: HashMap<Key, Parsed>,
    combined: HashMap<Vec<Key>, Arc<Vec<TeamQuestion>>>,
}

/// The process's cache.
fn cache() -> &'static Mutex<Cache> {
    static CACHE: OnceLock<Mutex<Cache>> = OnceLock::new();
    CACHE.get_or_init(Mutex::default)
}

/// The workspace root relative `corpus.paths` of the editor settings are
/// resolved against, set once at `initialize`.
static ROOT: OnceLock<PathBuf> = OnceLock::new();

/// Sets the workspace root (the first one given wins).
pub fn set_root(root: PathBuf) {
    let _ = ROOT.set(root);
}

/// The workspace root, if the client named one.
pub fn root() -> Option<&'static Path> {
    ROOT.get().map(PathBuf::as_path)
}

/// The questions of the team corpora at `paths`, in order, shared with
/// every other document reading the same versions of the same files.
/// Problems are added to `warnings` the first time each file shows them
/// (`shown` remembers which did).
pub fn load(
    paths: &[PathBuf],
    shown: &Mutex<HashSet<PathBuf>>,
    warnings: &mut Vec<String>,
) -> Arc<Vec<TeamQuestion>> {
    let mut keys = Vec::new();
    let mut parts = Vec::new();
    for path in paths {
        let name = path.display().to_string();
        let (key, parsed) = match read(path, &name) {
            Ok(found) => found,
            Err(why) => (
                None,
                Parsed {
                    questions: Arc::default(),
                    problems: vec![format!("{name}: cannot read the team corpus ({why})")],
                },
            ),
        };
        if !parsed.problems.is_empty()
            && shown
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(path.clone())
        {
            warnings.extend(parsed.problems.iter().cloned());
        }
        keys.extend(key);
        parts.push(parsed.questions);
    }
    match parts.len() {
        0 => Arc::default(),
        1 => parts.swap_remove(0),
        _ => {
            let mut cache = cache().lock().unwrap_or_else(PoisonError::into_inner);
            let combined = cache.combined.entry(keys).or_insert_with(|| {
                Arc::new(parts.iter().flat_map(|p| p.iter().cloned()).collect())
            });
            Arc::clone(combined)
        }
    }
}

/// The parsed corpus at `path` (called `name` in warnings) and its key,
/// from the cache when this version of the file was read before.
fn read(path: &Path, name: &str) -> Result<(Option<Key>, Parsed), String> {
    let regular = |meta: &std::fs::Metadata| {
        if !meta.is_file() {
            return Err("not a regular file".to_string());
        }
        if meta.len() > MAX_BYTES {
            return Err(format!(
                "{} bytes; a team corpus may have at most {MAX_BYTES}",
                meta.len()
            ));
        }
        Ok(())
    };
    // Before opening: opening a FIFO would block until someone writes it.
    regular(&std::fs::metadata(path).map_err(|e| e.to_string())?)?;
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let meta = file.metadata().map_err(|e| e.to_string())?;
    regular(&meta)?;
    let canonical = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let key = (
        canonical,
        meta.modified().unwrap_or(SystemTime::UNIX_EPOCH),
        meta.len(),
    );
    if let Some(parsed) = cache()
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .files
        .get(&key)
    {
        return Ok((Some(key), parsed.clone()));
    }
    let mut text = String::new();
    file.take(MAX_BYTES)
        .read_to_string(&mut text)
        .map_err(|e| e.to_string())?;
    let (questions, problems) = corpus::parse_team(name, &text, |c| concepts::find(c).is_some());
    let parsed = Parsed {
        questions: Arc::new(questions),
        problems,
    };
    let mut cache = cache().lock().unwrap_or_else(PoisonError::into_inner);
    if cache.files.len() >= MAX_ENTRIES || cache.combined.len() >= MAX_ENTRIES {
        *cache = Cache::default();
    }
    cache.files.insert(key.clone(), parsed.clone());
    Ok((Some(key), parsed))
}

#[cfg(test)]
mod tests {
    use super::*;

    const CORPUS: &str = "## Team\n\n### How do we stop our workers?\n<!-- gohint: concepts=go-statement -->\n\nClose `quit`.\n";

    #[test]
    fn one_parse_per_file_version_shared_by_every_document() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("team.md");
        std::fs::write(&path, CORPUS).expect("write");
        let shown = Mutex::new(HashSet::new());
        let mut warnings = Vec::new();
        let first = load(std::slice::from_ref(&path), &shown, &mut warnings);
        assert_eq!(first.len(), 1, "{warnings:?}");
        // A hundred documents reading it share the first parse.
        for _ in 0..100 {
            let again = load(std::slice::from_ref(&path), &shown, &mut warnings);
            assert!(Arc::ptr_eq(&first, &again));
        }
        // Two files combined are combined once.
        let other = dir.path().join("other.md");
        std::fs::write(&other, CORPUS.replace("stop our workers", "own a channel")).expect("write");
        let both = [path.clone(), other];
        let combined = load(&both, &shown, &mut warnings);
        assert_eq!(combined.len(), 2);
        assert!(Arc::ptr_eq(&combined, &load(&both, &shown, &mut warnings)));
        // A new version of the file is parsed again.
        std::fs::write(
            &path,
            format!("{CORPUS}\n### Who closes it?\n\nThe sender.\n"),
        )
        .expect("write");
        let edited = load(std::slice::from_ref(&path), &shown, &mut warnings);
        assert_eq!(edited.len(), 2);
        assert!(warnings.is_empty(), "{warnings:?}");
    }
}
