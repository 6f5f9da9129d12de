//! The command line: `--check` for CI, `--explain` for learning, and (with
//! no mode flag, or `--stdio`) the language server.

mod baseline;
mod check;
mod corpus_check;
mod merge;
mod package;
mod print_config;
mod progress;
mod quiz;
mod setup;
mod shard;
mod stdin;
mod walk;

use crate::analysis::Severity;
use crate::concepts;
use crate::explain;
use crate::rules::preset::Preset;
use crate::rules::RULES;
use clap::{Parser, Subcommand};
pub use shard::Shard;
use std::path::PathBuf;
use std::process::ExitCode;

/// Output formats of `--check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// rustc-like text with source lines and corpus citations.
    Text,
    /// One JSON array of findings.
    Json,
    /// One JSON object per line, streamed.
    Jsonl,
    /// SARIF 2.1.0 (GitHub code scanning and other SARIF viewers).
    Sarif,
    /// GitHub Actions workflow commands (annotations on pull requests).
    Github,
    /// GitLab Code Quality report.
    Gitlab,
}

/// Severity threshold names for `--fail-on`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Level {
    /// Fail on errors only.
    Error,
    /// Fail on warnings and errors.
    Warning,
    /// Fail on info and above.
    Info,
    /// Fail on anything.
    Hint,
}

impl From<Level> for Severity {
    fn from(l: Level) -> Severity {
        match l {
            Level::Error => Severity::Error,
            Level::Warning => Severity::Warning,
            Level::Info => Severity::Info,
            Level::Hint => Severity::Hint,
        }
    }
}

/// Preset names for `--preset`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum PresetName {
    /// Only rule groups precise on real code can fail the build.
    Ci,
    /// Every rule on, teaching notes as hints (the editor's default).
    Learn,
}

impl From<PresetName> for Preset {
    fn from(p: PresetName) -> Preset {
        match p {
            PresetName::Ci => Preset::Ci,
            PresetName::Learn => Preset::Learn,
        }
    }
}

/// gohint: a Go language server and linter that explains its findings from a Go Q&A corpus.
#[derive(Debug, Parser)]
#[command(name = "gohint", version, about, long_about = None, args_conflicts_with_subcommands = true)]
pub struct Args {
    /// A command other than checking, explaining or serving.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Check Go files and folders (default `.`; `./...` works too) and report findings.
    #[arg(long)]
    pub check: bool,
    /// Files or folders to check.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format of --check.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// The gohint.toml to use with --check (default: the nearest one above the first PATH).
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Print the configuration --check would use for these PATHs and flags, and where each value comes from.
    #[arg(long)]
    pub print_config: bool,
    /// Write the report to FILE; the summary still goes to the terminal.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit with 1 when a finding at or above this severity is reported [default: warning, or `fail_on` of gohint.toml].
    #[arg(long, value_enum)]
    pub fail_on: Option<Level>,
    /// The default levels of the rule groups [default: ci, or `preset` of gohint.toml].
    #[arg(long, value_enum)]
    pub preset: Option<PresetName>,
    /// Print only the report: no progress bar, summary or notes.
    #[arg(long, short)]
    pub quiet: bool,
    /// Report only findings that this baseline file does not record.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record the current findings in FILE (with --baseline: keep only its entries still found).
    #[arg(long, value_name = "FILE", conflicts_with = "shard")]
    pub write_baseline: Option<PathBuf>,
    /// Check only shard K of N (1-based), a stable subset of the files by path hash.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<Shard>,
    /// Print a rule's (or a corpus question's) explanation; with --list, list the rules.
    #[arg(long, value_name = "SLUG", num_args = 0..=1, default_missing_value = "")]
    pub explain: Option<String>,
    /// With --explain: list every rule.
    #[arg(long)]
    pub list: bool,
    /// List every rule with its severity and corpus question.
    #[arg(long)]
    pub list_rules: bool,
    /// List every Go construct (concept) the corpus explains, with its questions.
    #[arg(long)]
    pub list_concepts: bool,
    /// List every corpus question: its id (for --explain) and heading.
    #[arg(long)]
    pub list_questions: bool,
    /// With --check: only parse the files, run no rules (the speed floor for benchmarks).
    #[arg(long, hide = true)]
    pub parse_only: bool,
    /// Check the buffer read from stdin (PATH `-`) as if it were the file at this path.
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,
    /// Serve the language server protocol over stdin/stdout (the default).
    #[arg(long)]
    pub stdio: bool,
}

/// Commands beyond the flag-driven modes.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Merge the SARIF, JSON, JSONL or GitLab reports of `--shard` runs into one.
    MergeReports(MergeArgs),
    /// Work on the Q&A corpus.
    #[command(subcommand)]
    Corpus(CorpusCommand),
    /// Quiz yourself on the corpus and the rules' examples; progress is kept between runs.
    Quiz(quiz::QuizArgs),
}

/// `gohint corpus …` commands.
#[derive(Debug, Subcommand)]
pub enum CorpusCommand {
    /// Compile every Go block of the corpus (or of a team corpus), run the programs and compare their output with what the text claims.
    Check(corpus_check::CorpusCheckArgs),
}

/// Arguments of `gohint merge-reports`.
#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// The reports to merge, all in the same format.
    #[arg(value_name = "REPORT", required = true)]
    pub reports: Vec<PathBuf>,
    /// Write the merged report to FILE instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let args = match Args::try_parse() {
        Ok(a) => a,
        Err(e) => {
            print_usage_error(&e);
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match &args.command {
        Some(Command::MergeReports(m)) => return merge::run(m),
        Some(Command::Corpus(CorpusCommand::Check(c))) => return corpus_check::run(c),
        Some(Command::Quiz(q)) => return quiz::run(q),
        None => {}
    }
    if args.list_rules || (args.explain.is_some() && args.list) {
        out(&rule_list());
        return ExitCode::SUCCESS;
    }
    if args.list_concepts {
        out(&concept_list());
        return ExitCode::SUCCESS;
    }
    if args.list_questions {
        out(&quiz::question_list());
        return ExitCode::SUCCESS;
    }
    if let Some(id) = &args.explain {
        // `--explain closed channel`: clap takes the words after the first for PATHs.
        let mut words = vec![id.clone()];
        if !args.check {
            words.extend(args.paths.iter().map(|p| p.to_string_lossy().into_owned()));
        }
        return quiz::explain(&words.join(" "));
    }
    if args.print_config {
        return print_config::run(&args);
    }
    if args.stdin_filename.is_some() {
        return stdin::run(args);
    }
    if args.check {
        return check::run(&args);
    }
    if args.stdio || std::env::args_os().len() <= 1 {
        return crate::lsp::serve();
    }
    eprintln!("gohint: the language server is started by an editor; use --check PATH to lint from a terminal");
    ExitCode::from(2)
}

/// Prints a command-line parsing error (or `--help`). The arguments it
/// quotes may be file names from a glob: ones holding control characters are
/// shown escaped, so that they cannot start a line of their own.
fn print_usage_error(e: &clap::Error) {
    let unsafe_args: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .filter(|a| crate::output::escape::control(a) != a.as_str())
        .collect();
    if unsafe_args.is_empty() {
        let _ = e.print();
        return;
    }
    // clap quotes an argument whole, or the parts of `--name=value`.
    let mut pieces: Vec<&str> = unsafe_args
        .iter()
        .flat_map(|a| {
            let (name, value) = a.split_once('=').unwrap_or((a, ""));
            [a.as_str(), name, value]
        })
        .collect();
    pieces.sort_by_key(|p| std::cmp::Reverse(p.len()));
    let mut text = e.render().to_string();
    for piece in pieces.into_iter().filter(|p| !p.is_empty()) {
        text = text.replace(piece, &crate::output::escape::control(piece));
    }
    if e.use_stderr() {
        eprint!("{text}");
    } else {
        print!("{text}");
    }
}

/// Writes `text` to stdout; a reader that went away (`| head`) is no error.
fn out(text: &str) {
    use std::io::Write;
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

/// Every rule: slug, group, level under each preset and the corpus
/// question it cites.
pub fn rule_list() -> String {
    let width = RULES.iter().map(|r| r.slug.len()).max().unwrap_or(0);
    let mut out = format!(
        "{:width$}  {:11}  {:7}  {:7}  learn from\n",
        "rule", "group", "ci", "learn"
    );
    for r in RULES {
        let q = explain::question_of(r).map_or("", |q| q.question.as_str());
        out.push_str(&format!(
            "{:width$}  {:11}  {:7}  {:7}  {}\n",
            r.slug,
            r.group.name(),
            Preset::Ci.level(r).name(),
            Preset::Learn.level(r).name(),
            q
        ));
    }
    out
}

/// Every concept: its name (usable in team corpora), what it is, and the
/// ids of the questions that explain it.
pub fn concept_list() -> String {
    let width = concepts::every().map(|c| c.name.len()).max().unwrap_or(0);
    concepts::every()
        .map(|c| {
            let questions: Vec<&str> = c.cites.iter().map(|q| q.question).collect();
            format!(
                "{:width$}  {}\n{:width$}  -> {}\n",
                c.name,
                c.label,
                "",
                questions.join(", ")
            )
        })
        .collect()
}
