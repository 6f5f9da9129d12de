//! `gohint merge-reports`: joins the reports of `--shard` runs (SARIF, JSON,
//! JSONL or GitLab, all of one kind) into the report one unsharded run would
//! have written: one SARIF run, findings sorted by path and position,
//! duplicates (overlapping inputs) dropped.

use super::MergeArgs;
use crate::output::atomic::AtomicFile;
use crate::output::{escape, jsonl, paths, sarif};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::io::Write;
use std::process::ExitCode;

/// What kind of report a file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// A SARIF log.
    Sarif,
    /// A JSON array of `--format json` findings.
    Json,
    /// A JSON array of GitLab Code Quality issues.
    Gitlab,
    /// `--format jsonl` lines.
    Jsonl,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Sarif => "SARIF",
            Kind::Json => "JSON",
            Kind::Gitlab => "GitLab Code Quality",
            Kind::Jsonl => "JSONL",
        }
    }
}

/// A parsed report.
enum Parsed {
    /// A SARIF log.
    Sarif(Value),
    /// Findings of an array or lines; `None` kind for an empty array.
    Findings(Option<Kind>, Vec<Value>),
}

/// Checks that a SARIF log has the shape a merge relies on: `runs` an
/// array of runs, each with a `results` array of objects whose `ruleIndex`,
/// where given, is an index of the run's `tool.driver.rules`.
fn check_sarif(log: &Value) -> Result<(), String> {
    let Some(runs) = log.get("runs").and_then(Value::as_array) else {
        return Err("a SARIF log whose `runs` is not an array".to_string());
    };
    for (r, run) in runs.iter().enumerate() {
        let run_no = r + 1;
        let Some(results) = run.get("results").and_then(Value::as_array) else {
            return Err(format!("SARIF run {run_no}: `results` is not an array"));
        };
        let rules = match run.pointer("/tool/driver/rules") {
            None => 0,
            Some(Value::Array(rules)) => rules.len(),
            Some(_) => {
                return Err(format!(
                    "SARIF run {run_no}: `tool.driver.rules` is not an array"
                ))
            }
        };
        for (i, result) in results.iter().enumerate() {
            if !result.is_object() {
                return Err(format!(
                    "SARIF run {run_no}: result {} is not an object",
                    i + 1
                ));
            }
            match result.get("ruleIndex") {
                None => {}
                Some(v) if v.as_u64().is_some_and(|n| n < rules as u64) => {}
                Some(v) => {
                    return Err(format!(
                        "SARIF run {run_no}: result {} has `ruleIndex` {v}, but the run has {rules} rules",
                        i + 1
                    ))
                }
            }
        }
    }
    Ok(())
}

/// Reads one report and tells its kind. An empty file (a shard run that
/// was killed, say) is not a report.
fn parse(text: &str) -> Result<Parsed, String> {
    if text.trim().is_empty() {
        return Err("empty: not a report (was its run stopped?)".to_string());
    }
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(o)) if o.contains_key("runs") => {
            let log = Value::Object(o);
            check_sarif(&log)?;
            return Ok(Parsed::Sarif(log));
        }
        Ok(Value::Array(items)) => {
            let kind = match items.first() {
                None => None,
                Some(v) if v.get("check_name").is_some() => Some(Kind::Gitlab),
                Some(v) if v.get("rule").is_some() => Some(Kind::Json),
                Some(_) => return Err("an array, but not of gohint findings".to_string()),
            };
            let key = if kind == Some(Kind::Gitlab) {
                "check_name"
            } else {
                "rule"
            };
            if let Some(i) = items.iter().position(|v| v.get(key).is_none()) {
                return Err(format!("item {} is not a gohint finding", i + 1));
            }
            return Ok(Parsed::Findings(kind, items));
        }
        _ => {}
    }
    let lines = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(n, l)| match serde_json::from_str::<Value>(l) {
            Ok(v) if v.get("rule").is_some() => Ok(v),
            _ => Err(format!(
                "line {}: not a gohint SARIF, JSON or JSONL report",
                n + 1
            )),
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Parsed::Findings(Some(Kind::Jsonl), lines))
}

/// `%XX` escapes decoded, for ordering URIs as paths.
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = b
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (b[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Where a finding is: path, then numbers (line, column, end line, end
/// column where known), then rule.
type Position = (String, [u64; 4], String);

/// The [`Position`] of finding `v` of a `kind` report.
fn position(v: &Value, kind: Kind) -> Position {
    let num = |v: &Value, k: &str| v.get(k).and_then(Value::as_u64).unwrap_or(0);
    let str_at = |v: &Value, pointer: &str| {
        v.pointer(pointer)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    match kind {
        Kind::Sarif => {
            let loc = v
                .pointer("/locations/0/physicalLocation")
                .unwrap_or(&Value::Null);
            let region = loc.get("region").unwrap_or(&Value::Null);
            (
                percent_decode(&str_at(loc, "/artifactLocation/uri")),
                ["startLine", "startColumn", "endLine", "endColumn"].map(|k| num(region, k)),
                str_at(v, "/ruleId"),
            )
        }
        Kind::Json | Kind::Jsonl => (
            str_at(v, "/path"),
            ["line", "column", "end_line", "end_column"].map(|k| num(v, k)),
            str_at(v, "/rule"),
        ),
        Kind::Gitlab => {
            let lines = v.pointer("/location/lines").unwrap_or(&Value::Null);
            (
                str_at(v, "/location/path"),
                [num(lines, "begin"), 0, num(lines, "end"), 0],
                str_at(v, "/check_name"),
            )
        }
    }
}

/// Sorts findings as a single run reports them and drops duplicates.
fn sort(items: &mut Vec<Value>, kind: Kind) {
    let mut keyed: Vec<(Position, Value)> =
        items.drain(..).map(|v| (position(&v, kind), v)).collect();
    keyed.sort_by(|(a, _), (b, _)| {
        paths::compare(&a.0, &b.0).then_with(|| (a.1, &a.2).cmp(&(b.1, &b.2)))
    });
    keyed.dedup_by(|a, b| a.1 == b.1);
    items.extend(keyed.into_iter().map(|(_, v)| v));
}

/// Merges SARIF logs into one log with one run.
fn merge_sarif(logs: Vec<Value>) -> Result<Value, String> {
    let mut runs =
        logs.into_iter()
            .flat_map(|mut log| match log.get_mut("runs").map(Value::take) {
                Some(Value::Array(runs)) => runs,
                _ => Vec::new(),
            });
    let Some(mut merged) = runs.next() else {
        return Err("no SARIF run to merge".to_string());
    };
    let driver_name = |run: &Value| {
        run.pointer("/tool/driver/name")
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    if driver_name(&merged).as_deref() != Some("gohint") {
        return Err("a SARIF run not written by gohint".to_string());
    }
    let mut rules: Vec<Value> = take_array(&mut merged, "/tool/driver/rules");
    let mut index: HashMap<String, usize> = rules
        .iter()
        .enumerate()
        .filter_map(|(i, r)| Some((r.get("id")?.as_str()?.to_string(), i)))
        .collect();
    let mut results = take_array(&mut merged, "/results");
    let mut notes = take_array(&mut merged, "/invocations/0/toolExecutionNotifications");
    let mut ok = merged
        .pointer("/invocations/0/executionSuccessful")
        .and_then(Value::as_bool)
        .unwrap_or(true);
    for mut run in runs {
        if driver_name(&run) != driver_name(&merged) {
            return Err("SARIF runs of different tools".to_string());
        }
        if run.get("columnKind") != merged.get("columnKind") {
            return Err("SARIF runs with different column kinds".to_string());
        }
        let their_rules = take_array(&mut run, "/tool/driver/rules");
        for mut result in take_array(&mut run, "/results") {
            let id = result
                .get("ruleId")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let at = match index.get(&id) {
                Some(&i) => Some(i),
                None => match their_rules
                    .iter()
                    .find(|r| r.get("id").and_then(Value::as_str) == Some(&id))
                {
                    Some(rule) => {
                        rules.push(rule.clone());
                        index.insert(id, rules.len() - 1);
                        Some(rules.len() - 1)
                    }
                    None => None,
                },
            };
            if let (Some(i), Some(obj)) = (at, result.as_object_mut()) {
                if obj.contains_key("ruleIndex") {
                    obj.insert("ruleIndex".into(), Value::from(i));
                }
            }
            results.push(result);
        }
        notes.extend(take_array(
            &mut run,
            "/invocations/0/toolExecutionNotifications",
        ));
        ok &= run
            .pointer("/invocations/0/executionSuccessful")
            .and_then(Value::as_bool)
            .unwrap_or(true);
    }
    sort(&mut results, Kind::Sarif);
    notes.sort_by(|a, b| {
        let uri = |v: &Value| {
            let p = "/locations/0/physicalLocation/artifactLocation/uri";
            percent_decode(v.pointer(p).and_then(Value::as_str).unwrap_or(""))
        };
        paths::compare(&uri(a), &uri(b))
    });
    put(&mut merged, "/tool/driver", "rules", Value::Array(rules));
    put(&mut merged, "", "results", Value::Array(results));
    let invocation = Map::from_iter([
        ("executionSuccessful".to_string(), Value::Bool(ok)),
        (
            "toolExecutionNotifications".to_string(),
            Value::Array(notes),
        ),
    ]);
    put(
        &mut merged,
        "",
        "invocations",
        Value::Array(vec![Value::Object(invocation)]),
    );
    Ok(serde_json::json!({
        "$schema": sarif::SCHEMA,
        "version": "2.1.0",
        "runs": [merged],
    }))
}

/// Takes the array at `pointer` out of `v` (empty if absent).
fn take_array(v: &mut Value, pointer: &str) -> Vec<Value> {
    match v.pointer_mut(pointer).map(Value::take) {
        Some(Value::Array(a)) => a,
        _ => Vec::new(),
    }
}

/// Sets `key` of the object at `pointer` in `v`, keeping its place.
fn put(v: &mut Value, pointer: &str, key: &str, value: Value) {
    if let Some(Value::Object(o)) = v.pointer_mut(pointer) {
        o.insert(key.to_string(), value);
    }
}

/// The merged report's text.
fn merge(texts: &[(String, String)]) -> Result<String, String> {
    let mut kind: Option<Kind> = None;
    let mut logs = Vec::new();
    let mut items = Vec::new();
    for (name, text) in texts {
        let (this, parsed) = match parse(text).map_err(|e| format!("{name}: {e}"))? {
            Parsed::Sarif(log) => (Some(Kind::Sarif), Parsed::Sarif(log)),
            Parsed::Findings(k, v) => (k, Parsed::Findings(k, v)),
        };
        match (kind, this) {
            (Some(a), Some(b)) if a != b => {
                return Err(format!(
                    "{name}: a {} report, but the first is {}",
                    b.name(),
                    a.name()
                ));
            }
            (None, Some(b)) => kind = Some(b),
            _ => {}
        }
        match parsed {
            Parsed::Sarif(log) => logs.push(log),
            Parsed::Findings(_, v) => items.extend(v),
        }
    }
    let pretty = |v: &Value| serde_json::to_string_pretty(v).map_err(|e| e.to_string());
    match kind {
        Some(Kind::Sarif) => Ok(pretty(&merge_sarif(logs)?)? + "\n"),
        Some(Kind::Jsonl) => {
            sort(&mut items, Kind::Jsonl);
            Ok(items
                .iter()
                .map(|v| format!("{}\n", jsonl::line(&v.to_string())))
                .collect())
        }
        Some(k) => {
            sort(&mut items, k);
            Ok(pretty(&Value::Array(items))? + "\n")
        }
        None => Ok("[]\n".to_string()),
    }
}

/// Runs `merge-reports`: 0 on success, 2 when a report cannot be read or
/// the reports do not fit together.
pub fn run(args: &MergeArgs) -> ExitCode {
    let mut texts = Vec::new();
    for path in &args.reports {
        let name = escape::os(path.as_os_str());
        match std::fs::read_to_string(path) {
            Ok(t) => texts.push((name, t)),
            Err(e) => {
                escape::eprint(&format!("{name}: {e}"));
                return ExitCode::from(2);
            }
        }
    }
    let merged = match merge(&texts) {
        Ok(m) => m,
        Err(e) => {
            escape::eprint(&format!("cannot merge: {e}"));
            return ExitCode::from(2);
        }
    };
    let written = match &args.output {
        Some(file) => AtomicFile::write(file, merged.as_bytes())
            .map_err(|e| format!("{}: {e}", escape::os(file.as_os_str()))),
        None => match std::io::stdout().lock().write_all(merged.as_bytes()) {
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.to_string()),
            _ => Ok(()),
        },
    };
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            escape::eprint(&e);
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect()
    }

    #[test]
    fn decodes_percent_escapes() {
        assert_eq!(
            percent_decode("with%20space/na%C3%AFve.go"),
            "with space/naïve.go"
        );
        assert_eq!(percent_decode("bad%2"), "bad%2");
    }

    #[test]
    fn mixed_kinds_are_refused() {
        let line = "{\"rule\":\"x\",\"path\":\"a.go\"}\n";
        let merged = merge(&texts(&[("a.json", "[]"), ("b.jsonl", line)]));
        assert_eq!(
            merged.ok().as_deref(),
            Some(line),
            "an empty array fits any kind"
        );
        let err = merge(&texts(&[("b.jsonl", line), ("c.sarif", "{\"runs\":[]}")]));
        assert_eq!(
            err.err().as_deref(),
            Some("c.sarif: a SARIF report, but the first is JSONL")
        );
        assert!(merge(&texts(&[("d.txt", "hello")])).is_err());
    }
}
