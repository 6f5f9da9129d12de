//! `gohint --check`: analyse files in parallel and stream the report.
//!
//! Files are analysed a chunk at a time in parallel and reported in path
//! order as each chunk completes, so output starts early and memory holds one
//! chunk's findings, never every file's tree.

use super::baseline::{Baseline, Recorder};
use super::progress::Progress;
use super::setup::Setup;
use super::{walk, Args, Format};
use crate::analysis::{self, Analyzer, Options};
use crate::output::{self, paths, text::Style, Item, Report, Suppression, Totals};
use crate::text::LineIndex;
use rayon::prelude::*;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

/// Files analysed between two writes of the report.
const CHUNK: usize = 256;

/// The outcome of checking one file.
enum Outcome {
    /// Its findings, silenced ones included.
    Items(Vec<Item>),
    /// Why it could not be analysed.
    Failed(String),
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
    if findings.is_empty() {
        return Outcome::Items(Vec::new());
    }
    let Ok(src) = std::str::from_utf8(&bytes) else {
        return Outcome::Failed("not valid UTF-8".to_string());
    };
    let index = LineIndex::new(src);
    let shown = display_path(path);
    Outcome::Items(
        findings
            .iter()
            .map(|f| Item::new(&shown, src, &index, f))
            .collect(),
    )
}

/// The path as printed: `/`-separated, without a leading `./`.
pub(super) fn display_path(path: &Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

/// The report writer for `format`.
pub(super) fn report(
    format: Format,
    cwd: &Path,
    docs: &str,
    color: bool,
    baseline: bool,
) -> Box<dyn Report> {
    match format {
        Format::Text => Box::new(output::text::Text {
            style: Style { color },
        }),
        Format::Json => Box::<output::json::Json>::default(),
        Format::Jsonl => Box::new(output::jsonl::Jsonl),
        Format::Sarif => Box::new(output::sarif::Sarif::new(cwd.to_path_buf(), docs, baseline)),
        Format::Github => Box::new(output::github::Github),
        Format::Gitlab => Box::new(output::gitlab::Gitlab::new(cwd.to_path_buf())),
    }
}

/// Prints a usage or setup error and returns exit code 2.
fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("gohint: {message}");
    ExitCode::from(2)
}

/// Runs `--check` and returns the exit code: 0 clean, 1 findings at or
/// above `--fail-on`, 2 when a file could not be analysed.
pub fn run(args: &Args) -> ExitCode {
    let setup = match Setup::load(args) {
        Ok(s) => s,
        Err(errors) => return fail(errors.join("\ngohint: ")),
    };
    let cwd = setup.cwd.as_path();
    let config = setup.config();
    let threshold = setup.fail_on.0;
    let (mut files, walk_errors) = walk::files(&args.paths, setup.exclude.as_ref());
    if let Some(shard) = args.shard {
        files.retain(|p| shard.contains(&paths::key(cwd, p)));
    }
    let mut baseline = match &args.baseline {
        Some(file) => match Baseline::load(file, cwd) {
            Ok(b) => Some(b),
            Err(e) => return fail(e),
        },
        None => None,
    };
    if let Some(file) = &args.write_baseline {
        let folder = paths::absolute(cwd, file);
        if !folder.parent().is_some_and(Path::is_dir) {
            return fail(format!("{}: its folder does not exist", file.display()));
        }
    }
    let mut recorder = args
        .write_baseline
        .as_deref()
        .map(|f| Recorder::new(f, cwd));
    let to_stdout = args.output.is_none();
    let sink: Box<dyn Write> = match &args.output {
        Some(file) => match std::fs::File::create(file) {
            Ok(f) => Box::new(f),
            Err(e) => return fail(format!("{}: {e}", file.display())),
        },
        None => Box::new(io::stdout().lock()),
    };
    let mut sink = BufWriter::new(sink);
    let color = to_stdout && io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let mut report = report(
        args.format,
        cwd,
        config.docs_base_url(),
        color,
        baseline.is_some(),
    );

    let mut totals = Totals {
        files: files.len(),
        ..Totals::default()
    };
    for (path, err) in walk_errors {
        eprintln!("gohint: {}: {err}", path.display());
        totals.failures.push((display_path(&path), err));
    }
    let progress = Progress::new(files.len(), args.quiet);
    let mut written = report.begin(&mut sink);
    for chunk in files.chunks(CHUNK) {
        let outcomes: Vec<Outcome> = chunk
            .par_iter()
            .map_init(Analyzer::new, |analyzer, path| {
                let options = setup.options_for(path, &config);
                let outcome = check_file(analyzer, path, &options, args.parse_only);
                progress.inc();
                outcome
            })
            .collect();
        for (path, outcome) in chunk.iter().zip(outcomes) {
            let shown = display_path(path);
            let mut items = match outcome {
                Outcome::Items(items) => items,
                Outcome::Failed(err) => {
                    progress.suspend(|| eprintln!("gohint: {shown}: {err}"));
                    totals.failures.push((shown, err));
                    continue;
                }
            };
            match (&mut baseline, &recorder) {
                (Some(b), _) => b.apply(&shown, cwd, &mut items),
                (None, Some(r)) => adopt(&mut items, &r.name()),
                (None, None) => {}
            }
            for item in &items {
                totals.count(item);
                if let Some(r) = &mut recorder {
                    r.record(item);
                }
                if written.is_ok() && (item.suppressed.is_none() || report.keeps_suppressed()) {
                    written = report.item(&mut sink, item);
                }
            }
        }
        // Hand each chunk to the reader as it completes; once nobody reads,
        // stop (unless a baseline still needs every finding).
        written = written.and_then(|()| sink.flush());
        if written.is_err() && recorder.is_none() {
            break;
        }
    }
    progress.finish();
    let written = written
        .and_then(|()| report.end(&mut sink, &totals))
        .and_then(|()| sink.flush());
    let mut failed = !totals.failures.is_empty();
    if let Err(e) = written {
        // A closed pipe (e.g. `| head`) is the reader's choice, not a failure.
        if to_stdout && e.kind() == io::ErrorKind::BrokenPipe {
            return ExitCode::SUCCESS;
        }
        eprintln!("gohint: writing the report: {e}");
        failed = true;
    }
    drop(sink);
    let mut notes = notes(args, &totals, baseline.as_ref(), recorder, &mut failed);
    if let Some(note) = setup.assumed_go().filter(|_| args.format == Format::Text) {
        notes = format!("gohint: {note}\n{notes}");
    }
    if !args.quiet && !notes.is_empty() {
        if args.format == Format::Text && to_stdout {
            println!("{notes}");
        } else {
            eprintln!("{notes}");
        }
    }
    if failed {
        ExitCode::from(2)
    } else if totals.any_at_least(threshold) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Marks every unsilenced finding as recorded in the baseline being written.
fn adopt(items: &mut [Item], baseline: &str) {
    for item in items.iter_mut().filter(|i| i.suppressed.is_none()) {
        item.suppressed = Some(Suppression::Baseline(baseline.to_string()));
    }
}

/// `n` baseline entries, in words.
fn entries(n: usize) -> String {
    if n == 1 {
        "1 entry".to_string()
    } else {
        format!("{n} entries")
    }
}

/// The closing lines for the terminal: the summary (with `--output`, or in
/// text format), the baseline's state, the baseline written. Saving the
/// baseline can fail, which sets `failed`.
fn notes(
    args: &Args,
    totals: &Totals,
    baseline: Option<&Baseline>,
    recorder: Option<Recorder>,
    failed: &mut bool,
) -> String {
    let mut lines = Vec::new();
    if args.format == Format::Text || args.output.is_some() {
        lines.push(output::text::summary(totals));
    }
    if let Some(file) = &args.output {
        lines.push(format!("gohint: report written to {}", file.display()));
    }
    let fixed = baseline.map_or(0, Baseline::fixed);
    match (baseline, recorder) {
        (_, Some(r)) => {
            let name = r.name();
            match r.save(baseline) {
                Ok(n) if fixed > 0 => lines.push(format!(
                    "gohint: wrote {} to the baseline {name}, dropping {} now fixed",
                    entries(n),
                    entries(fixed)
                )),
                Ok(n) => lines.push(format!("gohint: wrote {} to the baseline {name}", entries(n))),
                Err(e) => {
                    eprintln!("gohint: {e}");
                    *failed = true;
                }
            }
        }
        (Some(b), None) if fixed > 0 => lines.push(format!(
            "gohint: {} of the baseline {name} {} fixed; shrink it with `gohint --check --baseline {name} --write-baseline {name}`",
            entries(fixed),
            if fixed == 1 { "is" } else { "are" },
            name = b.name()
        )),
        _ => {}
    }
    lines.join("\n")
}
