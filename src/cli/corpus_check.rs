//! `gohint corpus check [FILE]`: compiles every Go block of a corpus (the
//! built-in one, or a team corpus) with the installed Go toolchain, runs the
//! complete programs and the fragments whose text claims an output, and
//! compares what they print with what the text claims. A block that does not
//! compile or prints something else must be corrected by an erratum anchored
//! in it; anything else fails the check.

use crate::corpus::{self, GoBlock};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

/// Arguments of `gohint corpus check`.
#[derive(Debug, clap::Args)]
pub struct CorpusCheckArgs {
    /// A team corpus to check instead of the built-in one.
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
}

/// How long one `go build` or one program may take.
const TIMEOUT: Duration = Duration::from_secs(60);
/// How much of a program's output is kept.
const OUTPUT_CAP: usize = 64 * 1024;
/// The largest team corpus read.
const MAX_CORPUS: u64 = 16 * 1024 * 1024;

/// What became of one block.
#[derive(Debug, PartialEq, Eq)]
enum Status {
    /// Compiles; nothing claims an output, or it is not a program.
    Compiles,
    /// Compiles only with names from the text around it (`undefined: x`).
    NeedsContext(String),
    /// A program that ran; its output was not claimed.
    Runs,
    /// Prints what the text claims.
    Matches,
    /// Prints something else than the text claims.
    Differs { claimed: String, printed: String },
    /// Does not compile.
    Broken(String),
    /// Did not finish in time.
    TimedOut,
}

impl Status {
    fn is_problem(&self) -> bool {
        matches!(
            self,
            Status::Differs { .. } | Status::Broken(_) | Status::TimedOut
        )
    }

    fn describe(&self) -> String {
        match self {
            Status::Compiles => "compiles".into(),
            Status::NeedsContext(names) => format!("compiles with names from its text ({names})"),
            Status::Runs => "runs".into(),
            Status::Matches => "runs; prints what the text claims".into(),
            Status::Differs { claimed, printed } => {
                format!("prints {printed:?}, the text claims {claimed:?}")
            }
            Status::Broken(why) => format!("does not compile: {why}"),
            Status::TimedOut => "timed out".into(),
        }
    }
}

/// Runs the check and returns the exit code: 0 when every block compiles
/// and prints what its text claims (or is corrected by an erratum), 1 when
/// one does not, 2 when the corpus cannot be read or Go is missing.
pub fn run(args: &CorpusCheckArgs) -> ExitCode {
    let (source, name) = match &args.file {
        Some(path) => match read_corpus(path) {
            Ok(text) => (text, path.display().to_string()),
            Err(e) => {
                eprintln!("gohint: {}: {e}", path.display().to_string().escape_debug());
                return ExitCode::from(2);
            }
        },
        None => (
            corpus::SOURCE.to_string(),
            "the built-in corpus".to_string(),
        ),
    };
    if Command::new("go").arg("version").output().is_err() {
        eprintln!("gohint: corpus check needs the Go toolchain (`go`) on PATH");
        return ExitCode::from(2);
    }
    let parsed = corpus::parse(&source);
    let blocks = corpus::go_blocks(&source, &parsed);
    let work = std::env::temp_dir().join(format!("gohint-corpus-{}", std::process::id()));
    let mut problems = 0;
    for (n, block) in blocks.iter().enumerate() {
        let status = check_block(block, &work.join(n.to_string()));
        let fixed: Vec<&str> = corpus::errata_for(&block.question, &block.code)
            .map(|e| e.id)
            .collect();
        let verdict = if fixed.is_empty() {
            if status.is_problem() {
                problems += 1;
                "PROBLEM".to_string()
            } else {
                "ok".to_string()
            }
        } else {
            format!("corrected by {}", fixed.join(", "))
        };
        println!(
            "{}:{}: {} [{}]: {}",
            name.escape_debug(),
            block.line,
            verdict,
            block.question,
            status.describe()
        );
    }
    let _ = std::fs::remove_dir_all(&work);
    println!(
        "{} Go blocks, {} with a problem no erratum corrects",
        blocks.len(),
        problems
    );
    if problems > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// A team corpus: a regular file of bounded size, as UTF-8.
fn read_corpus(path: &Path) -> Result<String, String> {
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let meta = file.metadata().map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err("not a regular file".into());
    }
    let mut bytes = Vec::new();
    file.take(MAX_CORPUS + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > MAX_CORPUS {
        return Err(format!("larger than {MAX_CORPUS} bytes"));
    }
    String::from_utf8(bytes).map_err(|_| "not UTF-8".into())
}

/// Compiles `block` in `dir` and runs it when it is a program or claims an
/// output.
fn check_block(block: &GoBlock, dir: &Path) -> Status {
    if let Err(e) = std::fs::create_dir_all(dir)
        .and_then(|()| std::fs::write(dir.join("main.go"), corpus::program(block)))
    {
        return Status::Broken(format!("cannot write a temporary file: {e}"));
    }
    let mut build = Command::new("go");
    build
        .args(["build", "-gcflags=-e", "-o", "prog", "."])
        .current_dir(dir)
        .env("GO111MODULE", "off")
        .env("GOPATH", dir.join("gopath"))
        .env("GOFLAGS", "");
    if std::env::var_os("HOME").is_none() && std::env::var_os("GOCACHE").is_none() {
        build.env("GOCACHE", dir.join("gocache"));
    }
    let Some((built, log)) = run_bounded(build) else {
        return Status::TimedOut;
    };
    if !built {
        return compile_errors(&log);
    }
    if !block.program && block.claims.is_empty() {
        return Status::Compiles;
    }
    let mut prog = Command::new(dir.join("prog"));
    prog.current_dir(dir);
    let Some((_, printed)) = run_bounded(prog) else {
        return Status::TimedOut;
    };
    if block.claims.is_empty() {
        return Status::Runs;
    }
    let printed: Vec<&str> = printed
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    if printed == block.claims {
        Status::Matches
    } else {
        Status::Differs {
            claimed: block.claims.join(" | "),
            printed: printed.join(" | "),
        }
    }
}

/// The compiler's verdict on a failed build: unused names are fine in a
/// fragment, names the text defines elsewhere make it need context, and
/// anything else is broken.
fn compile_errors(log: &str) -> Status {
    let errors: Vec<&str> = log
        .lines()
        .filter_map(|l| l.strip_prefix("./main.go:"))
        .map(|l| l.splitn(3, ':').nth(2).unwrap_or(l).trim())
        .collect();
    let soft = |e: &&str| {
        e.contains("declared and not used")
            || e.contains("declared but not used")
            || e.contains("imported and not used")
    };
    let context = |e: &&str| {
        e.starts_with("undefined:")
            || e.starts_with("undeclared name")
            || e.contains("too many return values")
            || e.contains("missing return")
    };
    let hard: Vec<&str> = errors
        .iter()
        .copied()
        .filter(|e| !soft(e) && !context(e))
        .collect();
    if let Some(first) = hard.first() {
        return Status::Broken((*first).to_string());
    }
    if errors.is_empty() {
        let first = log.lines().find(|l| !l.starts_with('#')).unwrap_or(log);
        return Status::Broken(first.trim().to_string());
    }
    let mut names: Vec<&str> = errors
        .iter()
        .copied()
        .filter(context)
        .map(|e| {
            e.strip_prefix("undefined:")
                .or_else(|| e.strip_prefix("undeclared name"))
                .and_then(|rest| rest.split_whitespace().next())
                .map_or("a function body", |name| name.trim_end_matches(':'))
        })
        .collect();
    names.dedup();
    if names.is_empty() {
        Status::Compiles
    } else {
        Status::NeedsContext(names.join(", "))
    }
}

/// Runs `cmd` with no input for at most [`TIMEOUT`]: whether it succeeded
/// and what it printed (stdout, then stderr; capped), or `None` on timeout.
fn run_bounded(mut cmd: Command) -> Option<(bool, String)> {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .ok()?;
    let (mut out, mut err) = (child.stdout.take()?, child.stderr.take()?);
    let readers = [
        std::thread::spawn(move || capped(&mut out)),
        std::thread::spawn(move || capped(&mut err)),
    ];
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if start.elapsed() < TIMEOUT => {
                std::thread::sleep(Duration::from_millis(20));
            }
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
        }
    };
    let text: String = readers
        .into_iter()
        .map(|r| r.join().unwrap_or_default())
        .collect();
    status.map(|s| (s.success(), text))
}

/// Reads `r` to its end, keeping at most [`OUTPUT_CAP`] bytes.
fn capped(r: &mut impl Read) -> String {
    let mut kept = Vec::new();
    let mut buf = [0u8; 8192];
    while let Ok(n) = r.read(&mut buf) {
        if n == 0 {
            break;
        }
        let room = OUTPUT_CAP.saturating_sub(kept.len());
        kept.extend_from_slice(&buf[..n.min(room)]);
    }
    String::from_utf8_lossy(&kept).into_owned()
}
