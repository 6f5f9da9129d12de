//! Paths in reports: made absolute without touching the disk, related to a
//! root (the working directory for SARIF and shards, the baseline's folder
//! for baselines) and written as URIs.

use std::path::{Component, Path, PathBuf};

/// `path` joined to `base` when relative, with `.` and `..` resolved
/// lexically (symbolic links are left alone).
pub fn absolute(base: &Path, path: &Path) -> PathBuf {
    let joined = base.join(path);
    let mut out = PathBuf::new();
    for part in joined.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// `path` (absolute, normalised) relative to `root`, `/`-separated, when it
/// lies under `root`.
pub fn relative(root: &Path, path: &Path) -> Option<String> {
    let rest = path.strip_prefix(root).ok()?;
    let parts: Vec<String> = rest
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Some(parts.join("/"))
}

/// `path` (absolute, or relative to `root`) relative to `root` when it lies
/// under it, else absolute; either way normalised and `/`-separated.
pub fn key(root: &Path, path: &Path) -> String {
    let abs = absolute(root, path);
    relative(root, &abs).unwrap_or_else(|| abs.to_string_lossy().replace('\\', "/"))
}

/// Percent-encodes a `/`-separated path for use in a URI: everything but
/// unreserved characters, `/` and a few safe sub-delimiters.
pub fn uri_encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The `file://` URI of absolute `path`, ending in `/` when `dir`.
pub fn file_uri(path: &Path, dir: bool) -> String {
    let mut s = path.to_string_lossy().replace('\\', "/");
    if !s.starts_with('/') {
        // A Windows drive path: `file:///C:/...`.
        s.insert(0, '/');
    }
    if dir && !s.ends_with('/') {
        s.push('/');
    }
    format!("file://{}", uri_encode(&s).replacen("%3A", ":", 1))
}

/// Compares two `/`-separated paths folder by folder, the order the file
/// walk produces (`a/b.go` before `a-c.go`).
pub fn compare(a: &str, b: &str) -> std::cmp::Ordering {
    a.split('/').cmp(b.split('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_resolves_dots_lexically() {
        assert_eq!(
            absolute(Path::new("/w/r"), Path::new("./a/../b/c.go")),
            PathBuf::from("/w/r/b/c.go")
        );
        assert_eq!(
            absolute(Path::new("/w/r"), Path::new("/x/y.go")),
            PathBuf::from("/x/y.go")
        );
    }

    #[test]
    fn key_is_relative_under_root_else_absolute() {
        let root = Path::new("/w/r");
        assert_eq!(key(root, Path::new("./pkg/a.go")), "pkg/a.go");
        assert_eq!(key(root, Path::new("/w/r/pkg/a.go")), "pkg/a.go");
        assert_eq!(key(root, Path::new("../o/a.go")), "/w/o/a.go");
    }

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(
            uri_encode("with space/naïve#1.go"),
            "with%20space/na%C3%AFve%231.go"
        );
        assert_eq!(
            file_uri(Path::new("/w/my repo"), true),
            "file:///w/my%20repo/"
        );
    }

    #[test]
    fn compare_orders_by_folder() {
        assert!(compare("a/b.go", "a-c.go").is_lt());
        assert!(compare("a/b.go", "a.go").is_lt());
    }
}
