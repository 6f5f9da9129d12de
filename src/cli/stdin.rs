//! `gohint --check --stdin-filename PATH -`: checks an editor's unsaved
//! buffer read from stdin as if it were the file at `PATH`.
//!
//! `go.mod`, `gohint.toml` and `_test.go` are resolved from `PATH` (which
//! need not exist), the report names `PATH`, and the formats, `--fail-on`,
//! `--output`, `--quiet` and `--baseline` work as with files. Like a file
//! named on the command line, the buffer is checked even when `exclude`
//! would skip it in a walk.

use super::baseline::Baseline;
use super::check::{display_path, report};
use super::package;
use super::setup::Setup;
use super::{Args, Format};
use crate::output::{self, Item, Totals};
use crate::text::LineIndex;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Runs the stdin mode for `args` (whose `stdin_filename` is set) and
/// returns the exit code: 0 clean, 1 findings at or above `--fail-on`, 2 a
/// usage error or a buffer that could not be analysed.
pub fn run(mut args: Args) -> ExitCode {
    let Some(name) = args.stdin_filename.clone() else {
        return fail("--stdin-filename needs a path");
    };
    if args.paths.iter().any(|p| p != Path::new("-")) {
        return fail("with --stdin-filename, the only PATH may be `-` (stdin)");
    }
    if args.write_baseline.is_some() || args.shard.is_some() {
        return fail("--write-baseline and --shard check files, not stdin");
    }
    let mut bytes = Vec::new();
    if let Err(e) = io::stdin().lock().read_to_end(&mut bytes) {
        return fail(format!("reading stdin: {e}"));
    }
    // Look the configuration up from the folder the buffer would live in.
    let folder = name
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    args.paths = vec![folder];
    let setup = match Setup::load(&args) {
        Ok(s) => s,
        Err(errors) => return fail(errors.join("\ngohint: ")),
    };
    let cwd = setup.cwd.as_path();
    let config = setup.config();
    let shown = display_path(&name);
    let mut items = match check(&bytes, &name, &shown, &setup, &config) {
        Ok(items) => items,
        Err(e) => return fail(format!("{shown}: {e}")),
    };
    let mut baseline = match &args.baseline {
        Some(file) => match Baseline::load(file, cwd) {
            Ok(b) => Some(b),
            Err(e) => return fail(e),
        },
        None => None,
    };
    if let Some(b) = &mut baseline {
        b.apply(&shown, cwd, &mut items);
    }
    let mut totals = Totals {
        files: 1,
        ..Totals::default()
    };
    // Never coloured: editors read it.
    let mut report = report(
        args.format,
        cwd,
        config.docs_base_url(),
        false,
        baseline.is_some(),
    );
    let mut out: Vec<u8> = Vec::new();
    let mut written = report.begin(&mut out);
    for item in &items {
        totals.count(item);
        if written.is_ok() && (item.suppressed.is_none() || report.keeps_suppressed()) {
            written = report.item(&mut out, item);
        }
    }
    let written = written.and_then(|()| report.end(&mut out, &totals));
    let delivered = written.and_then(|()| match &args.output {
        Some(file) => std::fs::write(file, &out),
        None => {
            let mut stdout = io::stdout().lock();
            stdout.write_all(&out).and_then(|()| stdout.flush())
        }
    });
    if let Err(e) = delivered {
        if args.output.is_none() && e.kind() == io::ErrorKind::BrokenPipe {
            return ExitCode::SUCCESS;
        }
        return fail(format!("writing the report: {e}"));
    }
    if !args.quiet {
        let mut notes = Vec::new();
        if let Some(note) = setup.assumed_go().filter(|_| args.format == Format::Text) {
            notes.push(format!("gohint: {note}"));
        }
        if args.format == Format::Text || args.output.is_some() {
            notes.push(output::text::summary(&totals));
        }
        if let Some(file) = &args.output {
            notes.push(format!("gohint: report written to {}", file.display()));
        }
        if !notes.is_empty() {
            if args.format == Format::Text && args.output.is_none() {
                println!("{}", notes.join("\n"));
            } else {
                eprintln!("{}", notes.join("\n"));
            }
        }
    }
    if totals.any_at_least(setup.fail_on.0) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The findings of buffer `bytes` checked as file `name`, reported as `shown`.
fn check(
    bytes: &[u8],
    name: &Path,
    shown: &str,
    setup: &Setup,
    config: &crate::config::Config,
) -> Result<Vec<Item>, String> {
    let checked = vec![(name.to_path_buf(), Ok(bytes.to_vec()))];
    let options = |path: &Path| setup.options_for(path, config);
    let (_, findings) = package::check_files(checked, &options, &|| ())
        .pop()
        .unwrap_or_else(|| Err("not analysed".to_string()))?;
    if findings.is_empty() {
        return Ok(Vec::new());
    }
    let src = std::str::from_utf8(bytes).map_err(|_| "not valid UTF-8".to_string())?;
    let index = LineIndex::new(src);
    Ok(findings
        .iter()
        .map(|f| Item::new(shown, src, &index, f, &package::text_of))
        .collect())
}

/// Prints a usage or input error and returns exit code 2.
fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("gohint: {message}");
    ExitCode::from(2)
}
