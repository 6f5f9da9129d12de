//! Baselines: adopt gohint in an existing codebase without a wall of old
//! findings.
//!
//! `--write-baseline FILE` records the current findings; `--baseline FILE`
//! then reports only the findings it does not record. An entry is keyed by
//! rule, path (relative to the baseline's folder) and a hash of the flagged
//! line's normalised text and its nearest non-blank neighbours — never by
//! line number, so edits above a finding do not invalidate it. Matching goes
//! from the most to the least precise key, each entry matching at most one
//! finding:
//! 1. same rule, path and line-with-neighbours hash;
//! 2. same rule, path and line hash (a neighbour changed, e.g. a new finding
//!    was added next to a recorded one);
//! 3. for a file the baseline does not know, the same rule and hash (1, then
//!    2) among the entries of files that no longer exist (the file was
//!    renamed or moved).
//!
//! Entries of checked files that match nothing, and of files that no longer
//! exist, are "fixed": the baseline can shrink.

use crate::output::atomic::AtomicFile;
use crate::output::{escape, paths, Item, Suppression};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// The format version written to and expected in baseline files.
const VERSION: u32 = 1;

/// One recorded finding.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
struct Entry {
    /// The rule's slug.
    rule: String,
    /// The file, relative to the baseline's folder, `/`-separated.
    path: String,
    /// Where it was when recorded (for people reading the file; not used
    /// for matching).
    line: usize,
    /// Hash of the flagged line with its neighbours, 16 hex digits.
    context: String,
    /// Hash of the flagged line alone, 16 hex digits.
    text: String,
    /// The message when recorded (for people reading the file).
    message: String,
}

impl Entry {
    /// The entry recording `item` of the file at `path`.
    fn of(item: &Item, path: String) -> Entry {
        Entry {
            rule: item.rule.slug.to_string(),
            path,
            line: item.span.line,
            context: format!("{:016x}", item.fingerprint.context),
            text: format!("{:016x}", item.fingerprint.line),
            message: item.message.clone(),
        }
    }
}

/// A baseline file.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    /// Format version.
    version: u32,
    /// The recorded findings.
    entries: Vec<Entry>,
}

/// A hash as read from a baseline: 16 hex digits.
fn parse_hash(s: &str) -> Option<u64> {
    (s.len() == 16)
        .then(|| u64::from_str_radix(s, 16).ok())
        .flatten()
}

/// Entry indexes by key, each taken at most once.
#[derive(Debug, Default)]
struct Pool<K> {
    map: HashMap<K, Vec<usize>>,
}

impl<K: std::hash::Hash + Eq> Pool<K> {
    fn add(&mut self, key: K, entry: usize) {
        self.map.entry(key).or_default().push(entry);
    }

    /// An untaken entry under `key`, now taken.
    fn take(&mut self, key: &K, taken: &mut [bool]) -> Option<usize> {
        let list = self.map.get_mut(key)?;
        while let Some(i) = list.pop() {
            if !std::mem::replace(&mut taken[i], true) {
                return Some(i);
            }
        }
        None
    }
}

/// (rule, path, hash) and (rule, hash) keys.
type FileKey = (String, String, u64);
type MoveKey = (String, u64);

/// A loaded baseline, matched against the findings file by file.
#[derive(Debug)]
pub struct Baseline {
    /// The file as the user named it.
    name: String,
    /// Its folder, absolute: entry paths are relative to it.
    root: PathBuf,
    entries: Vec<Entry>,
    taken: Vec<bool>,
    by_context: Pool<FileKey>,
    by_text: Pool<FileKey>,
    moved_by_context: Pool<MoveKey>,
    moved_by_text: Pool<MoveKey>,
    /// Paths with entries.
    known: HashSet<String>,
    /// Paths with entries whose file no longer exists.
    gone: HashSet<String>,
    /// Paths checked in this run.
    checked: HashSet<String>,
}

/// The folder of baseline `file` (named relative to `cwd`), absolute.
fn root_of(file: &Path, cwd: &Path) -> PathBuf {
    let abs = paths::absolute(cwd, file);
    abs.parent()
        .map_or_else(|| cwd.to_path_buf(), Path::to_path_buf)
}

impl Baseline {
    /// Reads baseline `file`; the error names the file and what is wrong.
    pub fn load(file: &Path, cwd: &Path) -> Result<Baseline, String> {
        let name = escape::os(file.as_os_str());
        let text = std::fs::read_to_string(file).map_err(|e| format!("{name}: {e}"))?;
        // A byte order mark (some editors write one) is no part of the JSON.
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        if !text.trim_start().starts_with('{') {
            return Err(format!(
                "{name}: not a gohint baseline: not a JSON object with `version` and `entries`"
            ));
        }
        let parsed: File = serde_json::from_str(text)
            .map_err(|e| format!("{name}: not a gohint baseline: {e}"))?;
        if parsed.version != VERSION {
            return Err(format!(
                "{name}: baseline version {} is not {VERSION}",
                parsed.version
            ));
        }
        let root = root_of(file, cwd);
        let mut b = Baseline {
            name,
            taken: vec![false; parsed.entries.len()],
            by_context: Pool::default(),
            by_text: Pool::default(),
            moved_by_context: Pool::default(),
            moved_by_text: Pool::default(),
            known: HashSet::new(),
            gone: HashSet::new(),
            checked: HashSet::new(),
            entries: Vec::new(),
            root,
        };
        for (i, e) in parsed.entries.iter().enumerate().rev() {
            let (Some(context), Some(text)) = (parse_hash(&e.context), parse_hash(&e.text)) else {
                return Err(format!("{}: entry {} has a malformed hash", b.name, i + 1));
            };
            if b.known.insert(e.path.clone()) && !b.root.join(&e.path).exists() {
                b.gone.insert(e.path.clone());
            }
            if b.gone.contains(&e.path) {
                b.moved_by_context.add((e.rule.clone(), context), i);
                b.moved_by_text.add((e.rule.clone(), text), i);
            }
            b.by_context
                .add((e.rule.clone(), e.path.clone(), context), i);
            b.by_text.add((e.rule.clone(), e.path.clone(), text), i);
        }
        b.entries = parsed.entries;
        Ok(b)
    }

    /// The file as the user named it.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Marks the findings of the analysed file `path` (as the user named
    /// it, relative to `cwd`) that the baseline records.
    pub fn apply(&mut self, path: &str, cwd: &Path, items: &mut [Item]) {
        let key = paths::key(&self.root, &paths::absolute(cwd, Path::new(path)));
        let new_file = !self.known.contains(&key);
        let mut open: Vec<&mut Item> = items
            .iter_mut()
            .filter(|i| i.suppressed.is_none())
            .collect();
        for tier in 0..4 {
            open.retain_mut(|item| {
                let rule = item.rule.slug.to_string();
                let fp = item.fingerprint;
                let taken = &mut self.taken;
                let hit = match tier {
                    0 => self
                        .by_context
                        .take(&(rule, key.clone(), fp.context), taken),
                    1 => self.by_text.take(&(rule, key.clone(), fp.line), taken),
                    2 if new_file => self.moved_by_context.take(&(rule, fp.context), taken),
                    3 if new_file => self.moved_by_text.take(&(rule, fp.line), taken),
                    _ => None,
                };
                if hit.is_some() {
                    item.suppressed = Some(Suppression::Baseline(self.name.clone()));
                }
                hit.is_none()
            });
        }
        self.checked.insert(key);
    }

    /// Whether entry `i` is fixed: its file was checked or is gone, and no
    /// finding matched it.
    fn is_fixed(&self, i: usize) -> bool {
        let path = &self.entries[i].path;
        !self.taken[i] && (self.checked.contains(path) || self.gone.contains(path))
    }

    /// How many entries are fixed.
    pub fn fixed(&self) -> usize {
        (0..self.entries.len())
            .filter(|&i| self.is_fixed(i))
            .count()
    }

    /// The entries of files this run did not check (another shard's, or
    /// outside the checked paths, or unreadable): a rewrite keeps them.
    fn unchecked(&self) -> impl Iterator<Item = &Entry> {
        (0..self.entries.len())
            .filter(|&i| !self.taken[i] && !self.is_fixed(i))
            .map(|i| &self.entries[i])
    }
}

/// The entries `--write-baseline` will write.
#[derive(Debug)]
pub struct Recorder {
    file: PathBuf,
    root: PathBuf,
    cwd: PathBuf,
    entries: Vec<Entry>,
}

impl Recorder {
    /// Records for baseline `file` (named relative to `cwd`).
    pub fn new(file: &Path, cwd: &Path) -> Recorder {
        Recorder {
            file: file.to_path_buf(),
            root: root_of(file, cwd),
            cwd: cwd.to_path_buf(),
            entries: Vec::new(),
        }
    }

    /// The file as the user named it.
    pub fn name(&self) -> String {
        escape::os(self.file.as_os_str())
    }

    /// Records `item` if it is marked as in the baseline: a fresh baseline
    /// marks every finding not silenced in the source; with `--baseline`,
    /// only the findings it already records are (the file shrinks, never
    /// grows).
    pub fn record(&mut self, item: &Item) {
        if matches!(item.suppressed, Some(Suppression::Baseline(_))) {
            let abs = paths::absolute(&self.cwd, Path::new(&item.path));
            self.entries
                .push(Entry::of(item, paths::key(&self.root, &abs)));
        }
    }

    /// Writes the file (atomically), keeping `baseline`'s entries of files
    /// this run did not check; returns how many entries it holds.
    pub fn save(mut self, baseline: Option<&Baseline>) -> Result<usize, String> {
        if let Some(b) = baseline {
            self.entries.extend(b.unchecked().cloned());
        }
        self.entries.sort_by(|a, b| {
            paths::compare(&a.path, &b.path).then_with(|| (a.line, &a.rule).cmp(&(b.line, &b.rule)))
        });
        let count = self.entries.len();
        let doc = File {
            version: VERSION,
            entries: self.entries,
        };
        let name = escape::os(self.file.as_os_str());
        let text = serde_json::to_string_pretty(&doc).map_err(|e| format!("{name}: {e}"))? + "\n";
        AtomicFile::write(&self.file, text.as_bytes()).map_err(|e| format!("{name}: {e}"))?;
        Ok(count)
    }
}
