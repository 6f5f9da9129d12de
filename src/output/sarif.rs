//! `--format sarif`: SARIF 2.1.0, one run, for GitHub code scanning and other
//! SARIF viewers. Every rule is described with its full page (what it does,
//! why, the corpus answer, example, fix safety, known problems, peers);
//! columns count UTF-16 code units (`columnKind`); paths are relative to
//! `%SRCROOT%`, the working directory. Silenced findings are kept with their
//! suppression, as SARIF intends.

use super::fingerprint::Occurrences;
use super::json::{pretty, Array};
use super::{paths, Item, Report, Span, Suppression, Totals};
use crate::analysis::{Rule, Severity};
use crate::explain;
use crate::rules::preset::Preset;
use crate::rules::RULES;
use serde_json::{json, Map, Value};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The schema the report declares.
pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// The uri base id of the source root.
pub const SRCROOT: &str = "%SRCROOT%";
/// The key of gohint's result fingerprint.
pub const FINGERPRINT: &str = "gohint/v1";

/// SARIF's level for a severity.
pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Hint => "note",
    }
}

/// `text` as a SARIF message: a sentence ending with a full stop.
fn message(text: &str) -> Value {
    let text = text.trim_end();
    let text = if text.ends_with(['.', '!', '?']) {
        text.to_string()
    } else {
        format!("{text}.")
    };
    json!({ "text": text })
}

/// `double-close` as `DoubleClose`: SARIF's readable rule name.
fn pascal_case(slug: &str) -> String {
    slug.split('-')
        .flat_map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase())
                .into_iter()
                .chain(c)
        })
        .collect()
}

/// The `reportingDescriptor` of a rule.
pub fn rule(rule: &Rule, help_uri: &str) -> Value {
    let help = explain::rule_markdown(rule);
    let category = explain::question_of(rule).and_then(|q| crate::corpus::builtin().category_of(q));
    json!({
        "id": rule.slug,
        "name": pascal_case(rule.slug),
        "shortDescription": message(rule.summary),
        "fullDescription": message(rule.why),
        "help": { "text": help, "markdown": help },
        "helpUri": help_uri,
        "defaultConfiguration": { "level": level(Preset::Ci.level(rule)) },
        "properties": {
            "tags": ["go", category.unwrap_or("gohint")],
            "group": rule.group.name(),
            "presets": Preset::ALL
                .iter()
                .map(|p| (p.name().to_string(), json!(p.level(rule).name())))
                .collect::<Map<String, Value>>(),
        },
    })
}

/// A `physicalLocation` of file `path` (as named by the user) under `root`.
fn physical(root: &Path, path: &str, span: Option<&Span>) -> Value {
    let abs = paths::absolute(root, Path::new(path));
    let artifact = match paths::relative(root, &abs) {
        Some(rel) => json!({ "uri": paths::uri_encode(&rel), "uriBaseId": SRCROOT }),
        None => json!({ "uri": paths::file_uri(&abs, false) }),
    };
    let mut out = Map::new();
    out.insert("artifactLocation".into(), artifact);
    if let Some(s) = span {
        out.insert(
            "region".into(),
            json!({
                "startLine": s.line,
                "startColumn": s.column_utf16,
                "endLine": s.end_line,
                "endColumn": s.end_column_utf16,
            }),
        );
    }
    Value::Object(out)
}

/// The `sarif` report.
#[derive(Debug)]
pub struct Sarif {
    root: PathBuf,
    docs: String,
    baseline: bool,
    results: Array,
    occurrences: Occurrences,
}

impl Sarif {
    /// A report whose paths are relative to absolute `root`, whose rules'
    /// help pages are under `docs_base_url`, and that marks each result `new` or
    /// `unchanged` when a `baseline` is in use.
    pub fn new(root: PathBuf, docs_base_url: &str, baseline: bool) -> Sarif {
        Sarif {
            root,
            docs: docs_base_url.to_string(),
            baseline,
            results: Array::new(6),
            occurrences: Occurrences::default(),
        }
    }

    /// One finding as a `result`.
    pub fn result(&mut self, item: &Item) -> Value {
        let index = RULES.iter().position(|r| r.slug == item.rule.slug);
        let n = self
            .occurrences
            .next(&item.path, item.rule.slug, item.fingerprint);
        let mut r = Map::new();
        r.insert("ruleId".into(), json!(item.rule.slug));
        if let Some(i) = index {
            r.insert("ruleIndex".into(), json!(i));
        }
        r.insert("level".into(), json!(level(item.severity)));
        r.insert("message".into(), message(&item.message));
        r.insert(
            "locations".into(),
            json!([{ "physicalLocation": physical(&self.root, &item.path, Some(&item.span)) }]),
        );
        if !item.related.is_empty() {
            let related: Vec<Value> = item
                .related
                .iter()
                .enumerate()
                .map(|(id, rel)| {
                    json!({
                        "id": id,
                        "physicalLocation": physical(&self.root, &rel.path, Some(&rel.span)),
                        "message": message(&rel.message),
                    })
                })
                .collect();
            r.insert("relatedLocations".into(), Value::Array(related));
        }
        r.insert(
            "partialFingerprints".into(),
            json!({ FINGERPRINT: format!("{:016x}:{n}", item.fingerprint.context) }),
        );
        match &item.suppressed {
            Some(Suppression::InSource(reason)) => {
                r.insert(
                    "suppressions".into(),
                    json!([{ "kind": "inSource", "justification": reason }]),
                );
            }
            Some(Suppression::Baseline(file)) => {
                r.insert(
                    "suppressions".into(),
                    json!([{ "kind": "external", "justification": format!("recorded in the baseline {file}") }]),
                );
            }
            None => {}
        }
        if self.baseline && !matches!(item.suppressed, Some(Suppression::InSource(_))) {
            let state = if item.suppressed.is_some() {
                "unchanged"
            } else {
                "new"
            };
            r.insert("baselineState".into(), json!(state));
        }
        Value::Object(r)
    }

    /// The `tool` object: gohint and every rule.
    fn tool(&self) -> Value {
        let rules: Vec<Value> = RULES
            .iter()
            .map(|r| rule(r, &crate::config::docs_url(&self.docs, r.slug)))
            .collect();
        json!({
            "driver": {
                "name": "gohint",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": env!("CARGO_PKG_REPOSITORY"),
                "rules": rules,
            }
        })
    }
}

/// The `invocations` of a run that analysed all files but `failures`.
pub fn invocations(root: &Path, failures: &[(String, String)]) -> Value {
    let notes: Vec<Value> = failures
        .iter()
        .map(|(path, why)| {
            json!({
                "level": "error",
                "message": message(why),
                "locations": [{ "physicalLocation": physical(root, path, None) }],
            })
        })
        .collect();
    json!([{ "executionSuccessful": failures.is_empty(), "toolExecutionNotifications": notes }])
}

impl Report for Sarif {
    fn begin(&mut self, out: &mut dyn Write) -> io::Result<()> {
        let bases = json!({ SRCROOT: { "uri": paths::file_uri(&self.root, true) } });
        write!(
            out,
            "{{\n  \"$schema\": {},\n  \"version\": \"2.1.0\",\n  \"runs\": [\n    {{\n      \"tool\": {},\n      \"originalUriBaseIds\": {},\n      \"columnKind\": \"utf16CodeUnits\",\n      \"results\": ",
            json!(SCHEMA),
            pretty(&self.tool(), 6),
            pretty(&bases, 6),
        )?;
        self.results.open(out)
    }

    fn item(&mut self, out: &mut dyn Write, item: &Item) -> io::Result<()> {
        let result = self.result(item);
        self.results.push(out, &result)
    }

    fn end(&mut self, out: &mut dyn Write, totals: &Totals) -> io::Result<()> {
        self.results.close(out)?;
        let invocations = invocations(&self.root, &totals.failures);
        write!(
            out,
            ",\n      \"invocations\": {}\n    }}\n  ]\n}}\n",
            pretty(&invocations, 6)
        )
    }

    fn keeps_suppressed(&self) -> bool {
        true
    }
}
