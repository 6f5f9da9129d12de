//! Where the learner's progress lives and how it is read and written:
//! `$XDG_STATE_HOME/gohint/progress.json`, else
//! `~/.local/state/gohint/progress.json`. Written atomically (a temporary
//! file renamed over the old one); a file that cannot be read as progress
//! is reported, kept aside as `progress.json.corrupt` and replaced.

use crate::learn::{Progress, Record};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The format version written.
const VERSION: u32 = 1;

/// The file's JSON shape.
#[derive(Serialize, Deserialize)]
struct File {
    version: u32,
    questions: BTreeMap<String, Entry>,
}

/// One question's record in the file.
#[derive(Serialize, Deserialize)]
struct Entry {
    right: u32,
    wrong: u32,
    last_right: bool,
}

/// The progress file's path, when the environment names a home for it.
pub fn path() -> Option<PathBuf> {
    let state = std::env::var_os("XDG_STATE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| {
            std::env::var_os("HOME")
                .map(PathBuf::from)
                .filter(|p| p.is_absolute())
                .map(|home| home.join(".local").join("state"))
        })?;
    Some(state.join("gohint").join("progress.json"))
}

/// The progress stored at `path`: empty when there is none; when the file
/// is not progress, empty too, with a warning that names the problem and
/// where the old file was kept.
pub fn load(path: &Path) -> (Progress, Option<String>) {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (Progress::default(), None),
        Err(e) => {
            return (
                Progress::default(),
                Some(format!(
                    "cannot read {}: {e}; starting afresh",
                    path.display()
                )),
            )
        }
    };
    match serde_json::from_slice::<File>(&bytes) {
        Ok(file) => (from_file(file), None),
        Err(e) => {
            let aside = path.with_extension("json.corrupt");
            let kept = match std::fs::rename(path, &aside) {
                Ok(()) => format!("kept as {}", aside.display()),
                Err(r) => format!("could not be moved aside: {r}"),
            };
            (
                Progress::default(),
                Some(format!(
                    "{} is not a progress file ({e}); it is {kept}, and a new one replaces it",
                    path.display()
                )),
            )
        }
    }
}

fn from_file(file: File) -> Progress {
    Progress {
        questions: file
            .questions
            .into_iter()
            .map(|(id, e)| {
                let record = Record {
                    right: e.right,
                    wrong: e.wrong,
                    last_right: e.last_right,
                };
                (id, record)
            })
            .collect(),
    }
}

/// Writes `progress` to `path`: a temporary file next to it, then a rename.
pub fn save(path: &Path, progress: &Progress) -> std::io::Result<()> {
    let file = File {
        version: VERSION,
        questions: progress
            .questions
            .iter()
            .map(|(id, r)| {
                let entry = Entry {
                    right: r.right,
                    wrong: r.wrong,
                    last_right: r.last_right,
                };
                (id.clone(), entry)
            })
            .collect(),
    };
    let json = serde_json::to_vec_pretty(&file).map_err(std::io::Error::other)?;
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let tmp = dir.join(format!(".progress.json.{}.tmp", std::process::id()));
    let written = std::fs::File::create(&tmp).and_then(|mut f| {
        f.write_all(&json)?;
        f.write_all(b"\n")?;
        f.sync_all()
    });
    if let Err(e) = written.and_then(|()| std::fs::rename(&tmp, path)) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    Ok(())
}
