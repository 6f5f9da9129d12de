//! `gohint --check`: analyse files in parallel and report.

use super::{walk, Args, Format};
use crate::analysis::{self, Analyzer, Options};
use crate::config::{Config, Loaded, Lookup};
use crate::output::{self, text::Style, Item};
use crate::rules::Severity;
use crate::text::LineIndex;
use rayon::prelude::*;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The outcome of checking one file.
enum Outcome {
    /// Its findings.
    Items(Vec<Item>),
    /// Why it could not be analysed.
    Failed(String),
}

/// The options for one file: its `go.mod`'s Go version, then `config`.
fn options_for(path: &Path, config: &Config, lookup: &Lookup) -> Options {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut options = Options {
        test_file: path.to_string_lossy().ends_with("_test.go"),
        go_version: absolute.parent().and_then(|dir| lookup.go_version(dir)),
        ..Options::default()
    };
    config.apply(&mut options);
    options
}

/// The configuration of this run: `--config PATH`, else the `gohint.toml`
/// nearest to the first path. Its warnings go to stderr; a `--config` file
/// that does not exist is an error.
fn load_config(args: &Args, lookup: &Lookup) -> Result<Config, String> {
    let loaded = match &args.config {
        Some(path) if !path.is_file() => {
            return Err(format!("{}: no such configuration file", path.display()))
        }
        Some(path) => Some(Loaded::read(path)),
        None => {
            let first = args
                .paths
                .first()
                .map_or_else(|| PathBuf::from("."), |p| walk::strip_ellipsis(p));
            let first = std::path::absolute(&first).unwrap_or(first);
            let dir = if first.is_file() {
                first.parent().map(Path::to_path_buf)
            } else {
                Some(first)
            };
            dir.and_then(|d| lookup.config(&d)).map(|l| (*l).clone())
        }
    };
    Ok(loaded
        .map(|l| {
            for warning in &l.warnings {
                eprintln!("gohint: warning: {warning}");
            }
            l.config
        })
        .unwrap_or_default())
}

/// Checks one file (or, with `parse_only`, only parses it).
fn check_file(
    analyzer: &mut Analyzer,
    path: &Path,
    options: &Options,
    parse_only: bool,
) -> Outcome {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => return Outcome::Failed(e.to_string()),
    };
    if parse_only {
        let parsed = analysis::decode(&bytes).and_then(|src| analyzer.parse(src, None));
        return match parsed {
            Ok(_) => Outcome::Items(Vec::new()),
            Err(e) => Outcome::Failed(e.to_string()),
        };
    }
    let findings = match analyzer.analyze(&bytes, options) {
        Ok(f) => f,
        Err(e) => return Outcome::Failed(e.to_string()),
    };
    let Ok(src) = std::str::from_utf8(&bytes) else {
        return Outcome::Failed("not valid UTF-8".to_string());
    };
    let index = LineIndex::new(src);
    let shown = display_path(path);
    Outcome::Items(
        findings
            .iter()
            .filter(|f| f.suppressed.is_none())
            .map(|f| Item::new(&shown, src, &index, f))
            .collect(),
    )
}

/// The path as printed: `/`-separated, without a leading `./`.
fn display_path(path: &Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

/// Runs `--check` and returns the exit code: 0 clean, 1 findings at or
/// above `--fail-on`, 2 when a file could not be analysed.
pub fn run(args: &Args) -> ExitCode {
    let lookup = Lookup::new();
    let config = match load_config(args, &lookup) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("gohint: {e}");
            return ExitCode::from(2);
        }
    };
    let (files, walk_errors) = walk::files(&args.paths);
    let outcomes: Vec<(String, Outcome)> = files
        .par_iter()
        .map_init(Analyzer::new, |analyzer, path| {
            let options = options_for(path, &config, &lookup);
            (
                display_path(path),
                check_file(analyzer, path, &options, args.parse_only),
            )
        })
        .collect();
    let mut failed = walk_errors.len();
    for (path, err) in &walk_errors {
        eprintln!("gohint: {}: {err}", path.display());
    }
    let mut items = Vec::new();
    for (path, outcome) in outcomes {
        match outcome {
            Outcome::Items(mut found) => items.append(&mut found),
            Outcome::Failed(err) => {
                failed += 1;
                eprintln!("gohint: {path}: {err}");
            }
        }
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let written = match args.format {
        Format::Json => writeln!(out, "{}", output::json::render(&items)),
        Format::Text => {
            let style = Style {
                color: std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
            };
            items
                .iter()
                .try_for_each(|i| writeln!(out, "{}", output::text::item(i, style)))
                .and_then(|()| writeln!(out, "{}", output::text::summary(&items, files.len())))
        }
    };
    if written.is_err() {
        // A closed pipe (e.g. `| head`) is not an analysis failure.
        return ExitCode::SUCCESS;
    }
    let threshold = Severity::from(args.fail_on);
    if failed > 0 {
        ExitCode::from(2)
    } else if items.iter().any(|i| i.severity >= threshold) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
