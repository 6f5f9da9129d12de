//! `--format gitlab`: a GitLab Code Quality report (the Code Climate issue
//! subset GitLab reads), shown on merge requests when uploaded as the
//! `codequality` artifact.

use super::fingerprint::{stable_hash, Occurrences};
use super::json::Array;
use super::{paths, Item, Report, Totals};
use crate::analysis::Severity;
use serde_json::{json, Value};
use std::io::{self, Write};
use std::path::PathBuf;

/// Code Quality's name for a severity.
fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "critical",
        Severity::Warning => "major",
        Severity::Info => "minor",
        Severity::Hint => "info",
    }
}

/// The `gitlab` report.
#[derive(Debug)]
pub struct Gitlab {
    root: PathBuf,
    array: Array,
    occurrences: Occurrences,
}

impl Gitlab {
    /// A report whose paths are relative to absolute `root` (the
    /// repository's checkout, where GitLab resolves them).
    pub fn new(root: PathBuf) -> Gitlab {
        Gitlab {
            root,
            array: Array::new(0),
            occurrences: Occurrences::default(),
        }
    }

    /// One finding as a Code Quality issue.
    fn issue(&mut self, item: &Item) -> Value {
        let n = self
            .occurrences
            .next(&item.path, item.rule.slug, item.fingerprint);
        let path = paths::key(&self.root, std::path::Path::new(&item.path));
        let key = format!(
            "{}\n{path}\n{:016x}\n{n}",
            item.rule.slug, item.fingerprint.context
        );
        json!({
            "description": format!("{} ({})", item.message, item.rule.slug),
            "check_name": item.rule.slug,
            "fingerprint": format!("{:016x}", stable_hash(key.as_bytes())),
            "severity": severity(item.severity),
            "location": {
                "path": path,
                "lines": { "begin": item.span.line, "end": item.span.end_line },
            },
        })
    }
}

impl Report for Gitlab {
    fn begin(&mut self, out: &mut dyn Write) -> io::Result<()> {
        self.array.open(out)
    }

    fn item(&mut self, out: &mut dyn Write, item: &Item) -> io::Result<()> {
        let issue = self.issue(item);
        self.array.push(out, &issue)
    }

    fn end(&mut self, out: &mut dyn Write, _: &Totals) -> io::Result<()> {
        self.array.close(out)?;
        out.write_all(b"\n")
    }
}
