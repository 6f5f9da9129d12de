//! Report and baseline files replaced whole: written to a temporary file in
//! the same folder, under a name no other process uses, and renamed over the
//! target only once complete. A run that fails or is killed leaves the
//! previous file as it was; concurrent runs each leave a complete file.
//! A target that exists but is no regular file (`/dev/stdout`, a pipe) is
//! written directly; a symbolic link is followed, so its file is replaced.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// A file being written in place of `target`.
#[derive(Debug)]
pub struct AtomicFile {
    /// The file the writes go to.
    file: Option<File>,
    /// Its path, next to `target`, unless the target is written directly.
    temp: Option<PathBuf>,
    /// The file it replaces when committed.
    target: PathBuf,
}

/// Distinguishes the temporary files of one process.
static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A temporary name for `target` in its folder: `.NAME.PID.SUFFIX.tmp`,
/// the suffix mixing the clock and a counter.
fn temp_name(target: &Path, attempt: u32) -> PathBuf {
    let name = target
        .file_name()
        .map_or_else(|| "report".into(), |n| n.to_string_lossy());
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let suffix = (u64::from(nanos) << 16) ^ (n << 8) ^ u64::from(attempt);
    target.with_file_name(format!(".{name}.{}.{suffix:x}.tmp", std::process::id()))
}

impl AtomicFile {
    /// Starts writing in place of `target` (its folder must exist).
    pub fn create(target: &Path) -> io::Result<AtomicFile> {
        let link = std::fs::symlink_metadata(target).is_ok_and(|m| m.file_type().is_symlink());
        let target = match link {
            true => std::fs::canonicalize(target).unwrap_or_else(|_| target.to_path_buf()),
            false => target.to_path_buf(),
        };
        if std::fs::metadata(&target).is_ok_and(|m| !m.is_file()) {
            return Ok(AtomicFile {
                file: Some(OpenOptions::new().write(true).open(&target)?),
                temp: None,
                target,
            });
        }
        let mut attempt = 0;
        loop {
            let temp = temp_name(&target, attempt);
            match OpenOptions::new().write(true).create_new(true).open(&temp) {
                Ok(file) => {
                    return Ok(AtomicFile {
                        file: Some(file),
                        temp: Some(temp),
                        target,
                    })
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempt < 100 => {
                    attempt += 1;
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Writes `contents` in place of `target` in one go.
    pub fn write(target: &Path, contents: &[u8]) -> io::Result<()> {
        let mut file = AtomicFile::create(target)?;
        file.write_all(contents)?;
        file.commit()
    }

    /// Flushes the file to disk and renames it over the target. Without a
    /// commit (an error, a panic), dropping it removes the temporary file.
    pub fn commit(mut self) -> io::Result<()> {
        let Some(mut file) = self.file.take() else {
            return Err(io::Error::other("already committed"));
        };
        let Some(temp) = &self.temp else {
            return file.flush();
        };
        let renamed = file.sync_all().and_then(|()| {
            drop(file);
            std::fs::rename(temp, &self.target)
        });
        if renamed.is_err() {
            let _ = std::fs::remove_file(temp);
        }
        renamed
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.file {
            Some(f) => f.write(buf),
            None => Err(io::Error::other("already committed")),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.file {
            Some(f) => f.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if let (Some(_), Some(temp)) = (self.file.take(), &self.temp) {
            let _ = std::fs::remove_file(temp);
        }
    }
}
