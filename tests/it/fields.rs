//! Field-access facts across the files of a package: a field guarded by a
//! mutex, or accessed through sync/atomic, in one file is compared with
//! its accesses in another (`inconsistent-field-locking`,
//! `mixed-atomic-access`).

use crate::common::cli::{gohint, stdout};
use serde_json::Value;
use std::path::Path;

/// The findings of `rule` for `--check .` in `root`, as `file:line`, with
/// the files of their related locations.
fn found(root: &Path, rule: &str) -> Vec<(String, Vec<String>)> {
    let out = gohint(&["--check", ".", "--format", "sarif", "-q"], root);
    let sarif: Value = serde_json::from_str(&stdout(&out)).expect("sarif");
    let results = sarif["runs"][0]["results"].as_array().cloned();
    results
        .unwrap_or_default()
        .iter()
        .filter(|r| r["ruleId"] == rule)
        .map(|r| {
            let at = &r["locations"][0]["physicalLocation"];
            let here = format!(
                "{}:{}",
                at["artifactLocation"]["uri"].as_str().unwrap_or(""),
                at["region"]["startLine"]
            );
            let related = r["relatedLocations"]
                .as_array()
                .map(|l| {
                    l.iter()
                        .filter_map(|l| l["physicalLocation"]["artifactLocation"]["uri"].as_str())
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default();
            (here, related)
        })
        .collect()
}

#[test]
fn a_field_locked_in_one_file_and_read_bare_in_another_is_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let a = "package c\n\nimport \"sync\"\n\ntype C struct {\n\tmu sync.Mutex\n\tn  int\n}\n\n\
             func (c *C) Inc() {\n\tc.mu.Lock()\n\tc.n++\n\tc.mu.Unlock()\n}\n\n\
             func (c *C) Reset() {\n\tc.mu.Lock()\n\tdefer c.mu.Unlock()\n\tc.n = 0\n}\n\n\
             func (c *C) Get() int {\n\tc.mu.Lock()\n\tdefer c.mu.Unlock()\n\treturn c.n\n}\n";
    let b = "package c\n\nfunc (c *C) Value() int {\n\treturn c.n\n}\n";
    std::fs::write(root.join("b.go"), b).expect("write");
    // Alone, b.go says nothing of the field's mutex.
    assert_eq!(found(root, "inconsistent-field-locking"), vec![]);
    std::fs::write(root.join("a.go"), a).expect("write");
    assert_eq!(
        found(root, "inconsistent-field-locking"),
        vec![("b.go:4".to_string(), vec!["a.go".to_string(); 3])]
    );
}

#[test]
fn a_field_updated_atomically_in_one_file_and_read_plainly_in_another_is_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    // Neither file locks a mutex: the package is read for sync/atomic.
    let a = "package s\n\nimport \"sync/atomic\"\n\ntype S struct {\n\thits int64\n}\n\n\
             func (s *S) Hit() {\n\tatomic.AddInt64(&s.hits, 1)\n}\n";
    let b = "package s\n\nfunc (s *S) Hits() int64 {\n\treturn s.hits\n}\n";
    std::fs::write(root.join("b.go"), b).expect("write");
    assert_eq!(found(root, "mixed-atomic-access"), vec![]);
    std::fs::write(root.join("a.go"), a).expect("write");
    assert_eq!(
        found(root, "mixed-atomic-access"),
        vec![("b.go:4".to_string(), vec!["a.go".to_string()])]
    );
}
