//! `gohint quiz`, `gohint --list-questions` and the fuzzy `--explain`: the
//! learner's loop in a terminal. Questions come from `crate::learn`; this
//! module reads the answers, prints the explanations and keeps the progress.

mod store;

use super::walk;
use crate::corpus;
use crate::explain;
use crate::learn::{self, search, Filter, Item, Progress};
use std::collections::BTreeSet;
use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `gohint quiz`.
#[derive(Debug, clap::Args)]
pub struct QuizArgs {
    /// Only questions about this word (channel, mutex, context, slice, …).
    #[arg(long, value_name = "WORD")]
    pub topic: Option<String>,
    /// Only questions about the Go constructs and findings of this file or folder.
    #[arg(long, value_name = "PATH")]
    pub from: Option<PathBuf>,
    /// How many questions to ask.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub count: usize,
    /// Draw and order the questions from this seed (the same seed, the same quiz).
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Ask first the questions answered wrong last time.
    #[arg(long)]
    pub review: bool,
}

/// Runs a quiz on stdin/stdout. Exit code 0 when it ran (also when stdin
/// ends early), 2 when nothing matches the filter or a path is unreadable.
pub fn run(args: &QuizArgs) -> ExitCode {
    if args.count == 0 {
        crate::output::escape::eprint("gohint: --count must be at least 1");
        return ExitCode::from(2);
    }
    let questions = match &args.from {
        Some(path) => match questions_from(path) {
            Ok(qs) => Some(qs),
            Err(e) => {
                crate::output::escape::eprint(&format!("gohint: {e}"));
                return ExitCode::from(2);
            }
        },
        None => None,
    };
    let file = store::path();
    let mut progress = Progress::default();
    if let Some(path) = &file {
        let (loaded, warning) = store::load(path);
        progress = loaded;
        if let Some(w) = warning {
            crate::output::escape::eprint(&format!("gohint: {w}"));
        }
    }
    let seed = args.seed.unwrap_or_else(clock_seed);
    let filter = Filter {
        topic: args.topic.clone(),
        questions,
        review: args.review,
    };
    let items = learn::select(
        learn::every_item(seed),
        &filter,
        &progress,
        seed,
        args.count,
    );
    if items.is_empty() {
        crate::output::escape::eprint(&format!(
            "gohint: no quiz questions match{}",
            describe(args)
        ));
        return ExitCode::from(2);
    }
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let mut out = std::io::stdout().lock();
    let mut right = 0;
    let mut asked = 0;
    let mut save_failed = false;
    for (n, item) in items.iter().enumerate() {
        let _ = write!(out, "\n{}", render(item, n + 1, items.len()));
        let Some(verdict) = ask(item, &mut input, &mut out) else {
            let _ = writeln!(out);
            break;
        };
        asked += 1;
        if verdict {
            right += 1;
            let _ = writeln!(out, "Right.\n");
        } else {
            let _ = writeln!(out, "Wrong: the answer is {}).\n", letter(item.answer));
        }
        let _ = writeln!(out, "{}", item.explanation.trim_end());
        progress.answer(item.question, verdict);
        if let Some(path) = &file {
            if let Err(e) = store::save(path, &progress) {
                if !save_failed {
                    crate::output::escape::eprint(&format!(
                        "gohint: cannot save progress to {}: {e}",
                        path.display()
                    ));
                }
                save_failed = true;
            }
        }
    }
    let ids = corpus::builtin().questions.iter().map(|q| q.id.as_str());
    let total = corpus::builtin().questions.len();
    let _ = writeln!(
        out,
        "\n{right} of {asked} right. You know {} of the {total} corpus questions (answered right last time).",
        progress.known(ids)
    );
    match (&file, save_failed) {
        (Some(path), false) => {
            let _ = writeln!(out, "Progress: {}", path.display());
        }
        (None, _) => {
            let _ = writeln!(out, "Progress is not kept: set XDG_STATE_HOME or HOME.");
        }
        _ => {}
    }
    ExitCode::SUCCESS
}

/// What the filter asked for, for the message when nothing matches.
fn describe(args: &QuizArgs) -> String {
    let mut parts = Vec::new();
    if let Some(t) = &args.topic {
        parts.push(format!(" the topic `{t}`"));
    }
    if let Some(p) = &args.from {
        parts.push(format!(" the Go code in {}", p.display()));
    }
    parts.join(" and")
}

/// The corpus questions behind the constructs and findings of the Go files
/// under `path`.
fn questions_from(path: &std::path::Path) -> Result<BTreeSet<String>, String> {
    let walk::Walked { files, errors, .. } = walk::files(&[path.to_path_buf()], None);
    if let Some((p, e)) = errors.first() {
        return Err(format!("{}: {e}", p.display()));
    }
    let mut out = BTreeSet::new();
    for f in &files {
        if std::fs::metadata(f).is_ok_and(|m| m.len() > MAX_FILE) {
            crate::output::escape::eprint(&format!(
                "gohint: {}: larger than {} MB, skipped",
                f.display(),
                MAX_FILE >> 20
            ));
            continue;
        }
        match std::fs::read(f) {
            Ok(bytes) => out.extend(learn::questions_in(&String::from_utf8_lossy(&bytes))),
            Err(e) => crate::output::escape::eprint(&format!("gohint: {}: {e}", f.display())),
        }
    }
    if out.is_empty() {
        return Err(format!(
            "{}: no Go construct the corpus explains was found",
            path.display()
        ));
    }
    Ok(out)
}

/// The largest Go file `--from` reads (a syntax tree takes some 35 bytes of
/// memory per byte of source).
const MAX_FILE: u64 = 10 << 20;

/// A seed from the clock, for a quiz without `--seed`.
fn clock_seed() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
}

/// The letter of choice `i`.
fn letter(i: usize) -> char {
    char::from(b'a' + (i % 26) as u8)
}

/// An item as the terminal shows it.
fn render(item: &Item, n: usize, of: usize) -> String {
    let mut s = format!(
        "Question {n} of {of} [{}]\n{}\n",
        item.kind.name(),
        item.prompt
    );
    if let Some(code) = &item.code {
        s.push('\n');
        s.push_str(&indent(code, "    "));
        s.push('\n');
    }
    s.push('\n');
    for (i, choice) in item.choices.iter().enumerate() {
        if choice.contains('\n') {
            s.push_str(&format!("{})\n{}\n", letter(i), indent(choice, "    ")));
        } else {
            s.push_str(&format!("{}) {choice}\n", letter(i)));
        }
    }
    s
}

fn indent(text: &str, by: &str) -> String {
    text.lines()
        .map(|l| format!("{by}{l}").trim_end().to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Reads answers until one is understood: `Some(right)`, or `None` when
/// stdin ends or the learner types `q`/`quit`.
fn ask(item: &Item, input: &mut impl BufRead, out: &mut impl Write) -> Option<bool> {
    let last = letter(item.choices.len().saturating_sub(1));
    loop {
        let _ = write!(out, "Your answer (a-{last}, or type it; q quits): ");
        let _ = out.flush();
        let mut line = String::new();
        match input.read_line(&mut line) {
            Ok(0) | Err(_) => return None,
            Ok(_) => {}
        }
        let typed = line.trim();
        if typed.eq_ignore_ascii_case("q") || typed.eq_ignore_ascii_case("quit") {
            return None;
        }
        match learn::grade(item, typed) {
            Some(verdict) => return Some(verdict),
            None => {
                let _ = writeln!(
                    out,
                    "Answer with a letter a-{last} or the text of a choice."
                );
            }
        }
    }
}

/// `gohint --list-questions`: every corpus question id and heading, under
/// its category.
pub fn question_list() -> String {
    let corpus = corpus::builtin();
    let mut out = String::new();
    let mut category = None;
    for q in &corpus.questions {
        if q.category != category {
            category = q.category;
            out.push_str(&format!("\n{}\n", corpus.category_of(q).unwrap_or("")));
        }
        out.push_str(&format!("  {}  {}\n", q.id, q.question));
    }
    out.trim_start().to_string()
}

/// `gohint --explain <words>`: the rule or question with that id, else the
/// one whose name holds the words; several → their list; none → exit 2.
pub fn explain(query: &str) -> ExitCode {
    let mut out = std::io::stdout().lock();
    if let Some(md) = explain::markdown(query.trim()) {
        let _ = write!(out, "{md}");
        return ExitCode::SUCCESS;
    }
    let hits = search::search(query);
    let one = match hits.as_slice() {
        [] => {
            crate::output::escape::eprint(&format!(
                "gohint: no rule or corpus question matches `{query}`; `gohint --list-rules` and `gohint --list-questions` list them"
            ));
            return ExitCode::from(2);
        }
        [one] => one,
        many => {
            let _ = writeln!(
                out,
                "{} rules and questions match `{query}`; explain one with `gohint --explain <id>`:",
                many.len()
            );
            for h in many {
                let _ = writeln!(out, "  {}  {}", h.id(), h.title());
            }
            return ExitCode::SUCCESS;
        }
    };
    let _ = write!(out, "{}", explain::markdown(one.id()).unwrap_or_default());
    ExitCode::SUCCESS
}
