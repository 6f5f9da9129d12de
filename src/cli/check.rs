//! `gohint --check`: analyse files in parallel and stream the report.
//!
//! Files are analysed with their folders (Go packages: see [`package`]),
//! in parallel, and reported in path order a chunk at a time as each chunk
//! completes, so output starts early and memory holds the findings of a
//! chunk and of the folders it reached into, and a bounded number of trees.

use super::baseline::{Baseline, Recorder};
use super::package;
use super::progress::Progress;
use super::setup::Setup;
use super::{walk, Args, Format};
use crate::analysis::{self, Analyzer, InputError, Options};
use crate::output::atomic::AtomicFile;
use crate::output::escape::{self, control};
use crate::output::{self, paths, text::Style, Item, Report, Suppression, Totals};
use crate::text::LineIndex;
use rayon::prelude::*;
use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Files analysed between two writes of the report.
const CHUNK: usize = 256;

/// The largest file read, in bytes; a larger one is named as not analysed.
const MAX_FILE: u64 = 256 << 20;

/// The bytes read first, to tell a binary file by a NUL before reading it
/// whole (a sparse file of a gigabyte of NULs is not read).
const PREFIX: u64 = 64 << 10;

/// Reads a file to check: a regular file of at most [`MAX_FILE`] bytes
/// whose first [`PREFIX`] bytes hold no NUL.
pub(super) fn read(path: &Path) -> Result<Vec<u8>, String> {
    let mut file = File::open(path).map_err(|e| e.to_string())?;
    let meta = file.metadata().map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err("not a regular file; not read".to_string());
    }
    let mut bytes = Vec::new();
    (&mut file)
        .take(PREFIX)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if let Some(offset) = memchr::memchr(0, &bytes) {
        return Err(InputError::Binary { offset }.to_string());
    }
    let too_big = || {
        format!(
            "{} MB, larger than the {} MB gohint reads of one file",
            meta.len().max(MAX_FILE + 1) >> 20,
            MAX_FILE >> 20
        )
    };
    if meta.len() > MAX_FILE {
        return Err(too_big());
    }
    file.take(MAX_FILE + 1 - bytes.len() as u64)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > MAX_FILE {
        return Err(too_big());
    }
    Ok(bytes)
}

/// Where the report goes: stdout, or a file replaced whole at the end.
enum Sink {
    /// Standard output.
    Stdout(io::Stdout),
    /// The `--output` file, being written.
    File(AtomicFile),
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Sink::Stdout(s) => s.write(buf),
            Sink::File(f) => f.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Sink::Stdout(s) => s.flush(),
            Sink::File(f) => f.flush(),
        }
    }
}

impl Sink {
    /// Finishes the report: the file replaces the old one.
    fn finish(self) -> io::Result<()> {
        match self {
            Sink::Stdout(_) => Ok(()),
            Sink::File(f) => f.commit(),
        }
    }
}

/// The outcome of checking one file.
enum Outcome {
    /// Its findings, silenced ones included.
    Items(Vec<Item>),
    /// Why it could not be analysed.
    Failed(String),
}

/// Only parses one file (`--parse-only`).
fn parse_file(analyzer: &mut Analyzer, path: &Path) -> Outcome {
    let parsed = read(path).and_then(|bytes| {
        analysis::decode(&bytes)
            .and_then(|src| analyzer.parse(src, None).map(drop))
            .map_err(|e| e.to_string())
    });
    match parsed {
        Ok(()) => Outcome::Items(Vec::new()),
        Err(e) => Outcome::Failed(e),
    }
}

/// The outcome for file `path` of its contents and findings.
fn outcome(path: &Path, checked: package::Checked) -> Outcome {
    let (bytes, findings) = match checked {
        Ok(c) => c,
        Err(e) => return Outcome::Failed(e),
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
            .map(|f| Item::new(&shown, src, &index, f, &package::text_of))
            .collect(),
    )
}

/// Checks files a folder at a time (see [`package`]): the first time a
/// file of a folder is wanted, every file of `files` in that folder is
/// checked, and the outcomes wait here until their turn in path order
/// comes.
struct Folders<'a> {
    files: &'a [PathBuf],
    /// The indexes into `files` of each folder's files.
    folders: HashMap<PathBuf, Vec<usize>>,
    /// Outcomes checked ahead of their turn, by index into `files`.
    ready: HashMap<usize, Outcome>,
}

impl<'a> Folders<'a> {
    fn new(files: &'a [PathBuf]) -> Self {
        let mut folders: HashMap<PathBuf, Vec<usize>> = HashMap::new();
        for (i, path) in files.iter().enumerate() {
            folders.entry(package::folder_of(path)).or_default().push(i);
        }
        Folders {
            files,
            folders,
            ready: HashMap::new(),
        }
    }

    /// The outcomes of `files[range]`, in order.
    fn check(
        &mut self,
        range: std::ops::Range<usize>,
        options: &(dyn Fn(&Path) -> Options + Sync),
        progress: &Progress,
    ) -> Vec<Outcome> {
        let files = self.files;
        let mut due: Vec<usize> = Vec::new();
        for i in range.clone() {
            if let Some(indexes) = self.folders.remove(&package::folder_of(&files[i])) {
                due.extend(indexes);
            }
        }
        let read: Vec<(PathBuf, Result<Vec<u8>, String>)> = due
            .par_iter()
            .map(|&i| (files[i].clone(), read(&files[i])))
            .collect();
        let checked = package::check_files(read, options, &|| progress.inc());
        for (i, result) in due.into_iter().zip(checked) {
            self.ready.insert(i, outcome(&files[i], result));
        }
        range
            .map(|i| {
                self.ready
                    .remove(&i)
                    .unwrap_or_else(|| Outcome::Failed("not analysed".to_string()))
            })
            .collect()
    }
}

/// The path as printed: `/`-separated, without a leading `./`, the bytes
/// of a name that is not UTF-8 as `\xHH`.
pub(super) fn display_path(path: &Path) -> String {
    let mut s = escape::os(path.as_os_str());
    if std::path::MAIN_SEPARATOR == '\\' {
        s = s.replace('\\', "/");
    }
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
    escape::eprint(&message.to_string());
    ExitCode::from(2)
}

/// Runs `--check` and returns the exit code: 0 clean, 1 findings at or
/// above `--fail-on`, 2 when a file could not be analysed.
pub fn run(args: &Args) -> ExitCode {
    let setup = match Setup::load(args) {
        Ok(s) => s,
        Err(errors) => {
            errors.iter().for_each(|e| escape::eprint(e));
            return ExitCode::from(2);
        }
    };
    let cwd = setup.cwd.as_path();
    let config = setup.config();
    let threshold = setup.fail_on.0;
    let walked = walk::files(&args.paths, setup.exclude.as_ref());
    let written_files = [
        ("--output", &args.output),
        ("--write-baseline", &args.write_baseline),
    ];
    for (flag, file) in written_files {
        let Some(file) = file else { continue };
        let target = std::fs::canonicalize(file);
        if target.is_ok_and(|t| walked.canonical.contains(&t)) {
            return fail(format!(
                "{}: {flag} names a file being checked; it is not overwritten",
                display_path(file)
            ));
        }
    }
    let (mut files, walk_errors) = (walked.files, walked.errors);
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
            return fail(format!("{}: its folder does not exist", display_path(file)));
        }
    }
    let mut recorder = args
        .write_baseline
        .as_deref()
        .map(|f| Recorder::new(f, cwd));
    let to_stdout = args.output.is_none();
    let sink = match &args.output {
        Some(file) => match AtomicFile::create(file) {
            Ok(f) => Sink::File(f),
            Err(e) => return fail(format!("{}: {e}", display_path(file))),
        },
        None => Sink::Stdout(io::stdout()),
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
        let shown = display_path(&path);
        escape::eprint(&format!("{shown}: {err}"));
        totals.failures.push((shown, err));
    }
    let progress = Progress::new(files.len(), args.quiet);
    let mut written = report.begin(&mut sink);
    let options = |path: &Path| setup.options_for(path, &config);
    let mut folders = Folders::new(&files);
    for (n, chunk) in files.chunks(CHUNK).enumerate() {
        let outcomes: Vec<Outcome> = if args.parse_only {
            chunk
                .par_iter()
                .map_init(Analyzer::new, |analyzer, path| {
                    let outcome = parse_file(analyzer, path);
                    progress.inc();
                    outcome
                })
                .collect()
        } else {
            let start = n * CHUNK;
            folders.check(start..start + chunk.len(), &options, &progress)
        };
        for (path, outcome) in chunk.iter().zip(outcomes) {
            let shown = display_path(path);
            let mut items = match outcome {
                Outcome::Items(items) => items,
                Outcome::Failed(err) => {
                    progress.suspend(|| escape::eprint(&format!("{shown}: {err}")));
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
    let mut go_mods = setup.lookup.go_mod_warnings();
    go_mods.sort();
    go_mods.dedup();
    for (go_mod, why) in go_mods {
        escape::eprint(&format!("{}: {why}", paths::key(cwd, &go_mod)));
    }
    // The file replaces the previous report only when it is complete.
    let written = written
        .and_then(|()| report.end(&mut sink, &totals))
        .and_then(|()| sink.into_inner().map_err(io::IntoInnerError::into_error))
        .and_then(Sink::finish);
    let mut failed = !totals.failures.is_empty();
    // A closed pipe (e.g. `| head`) is the reader's choice, not a failure:
    // nothing more goes to stdout, and the findings still give the verdict.
    let mut closed = false;
    if let Err(e) = written {
        if to_stdout && e.kind() == io::ErrorKind::BrokenPipe {
            closed = true;
        } else {
            escape::eprint(&format!("writing the report: {e}"));
            failed = true;
        }
    }
    let mut notes = notes(args, &totals, baseline.as_ref(), recorder, &mut failed);
    if let Some(note) = setup.assumed_go().filter(|_| args.format == Format::Text) {
        notes.insert(0, format!("gohint: {note}"));
    }
    if !args.quiet {
        if args.format == Format::Text && to_stdout {
            let mut out = io::stdout().lock();
            if !closed {
                for line in &notes {
                    if writeln!(out, "{}", control(line)).is_err() {
                        break;
                    }
                }
            }
        } else {
            notes.iter().for_each(|line| escape::eprint(line));
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
/// baseline can fail, which sets `failed`. Names in them are shown as they
/// are; the caller escapes each line.
fn notes(
    args: &Args,
    totals: &Totals,
    baseline: Option<&Baseline>,
    recorder: Option<Recorder>,
    failed: &mut bool,
) -> Vec<String> {
    let mut lines = Vec::new();
    if args.format == Format::Text || args.output.is_some() {
        lines.push(output::text::summary(totals));
    }
    if let Some(file) = &args.output {
        lines.push(format!("gohint: report written to {}", display_path(file)));
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
                    escape::eprint(&e);
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
    lines
}
