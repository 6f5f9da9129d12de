//! The analysis core stays pure and depends one way: no file, network,
//! process or environment access, no async runtime, no LSP or serialisation
//! types, no edge module (`lsp`, `cli`, `output`, `config`), and nothing in
//! `src/analysis` names `src/rules`, which builds on it.
//!
//! The check reads Rust source as tokens (comments, strings and character
//! literals left out), resolves every path a `use` item imports (grouped,
//! nested, renamed, `self`/`super` relative, inside inline modules) and every
//! path written inline (`std::fs::read`, `crate::lsp::x`, through a name a
//! `use` bound) to a crate path, and compares it with the forbidden ones.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The pure core: files and folders under `src/`.
const CORE: &[&str] = &[
    "analysis",
    "rules",
    "corpus",
    "concepts",
    "text",
    "explain.rs",
    "learn",
];

/// Paths the core must not name, as crate paths (`crate::…`) or absolute
/// paths (`std::…`, an external crate), each with why.
const FORBIDDEN: &[(&str, &str)] = &[
    ("std::fs", "file I/O"),
    ("std::net", "network I/O"),
    ("std::process", "processes"),
    ("std::io", "I/O"),
    ("std::env", "the environment"),
    ("tokio", "an async runtime"),
    ("tower_lsp", "the LSP protocol"),
    ("tower_lsp_server", "the LSP protocol"),
    ("lsp_types", "LSP types"),
    ("ls_types", "LSP types"),
    ("serde", "serialisation"),
    ("serde_json", "serialisation"),
    ("crate::lsp", "an edge module"),
    ("crate::cli", "an edge module"),
    ("crate::output", "an edge module"),
    ("crate::config", "an edge module"),
];

/// Macros that write to the terminal.
const PRINTING: &[&str] = &["print", "println", "eprint", "eprintln", "dbg"];

/// One token of Rust source.
#[derive(Clone, Debug, PartialEq)]
enum Tok {
    /// An identifier or keyword (`$crate` included).
    Ident(String),
    /// `::`.
    PathSep,
    /// Any other punctuation character.
    Punct(char),
}

/// The tokens of `src` with their 1-based lines, without comments and
/// literals.
fn tokens(src: &str) -> Vec<(Tok, usize)> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut line = 1;
    let mut i = 0;
    // Skips the rest of a string literal from `i`, just past its closing
    // quote, counting lines.
    let skip_string = |i: &mut usize, line: &mut usize| {
        while *i < chars.len() && chars[*i] != '"' {
            if chars[*i] == '\\' {
                *i += 1;
            }
            if chars.get(*i) == Some(&'\n') {
                *line += 1;
            }
            *i += 1;
        }
        *i += 1;
    };
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i..].starts_with(&['/', '*']) {
                    depth += 1;
                    i += 2;
                } else if chars[i..].starts_with(&['*', '/']) {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    line += usize::from(chars[i] == '\n');
                    i += 1;
                }
            }
        } else if c == '"' {
            i += 1;
            skip_string(&mut i, &mut line);
        } else if c == '\'' {
            // A character literal, or a lifetime (`'a`, no closing quote).
            if next == Some('\\') {
                // The quote, the backslash and the escaped character.
                i += 3;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if chars.get(i + 2) == Some(&'\'') {
                i += 3;
            } else {
                i += 1;
            }
        } else if c.is_alphanumeric() || c == '_' || (c == '$' && next.is_some()) {
            let start = i;
            i += 1;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            let raw = matches!(word.as_str(), "r" | "br" | "cr");
            let quoted = matches!(word.as_str(), "b" | "c");
            if raw && matches!(chars.get(i), Some('"' | '#')) {
                let hashes = chars[i..].iter().take_while(|&&h| h == '#').count();
                if chars.get(i + hashes) == Some(&'"') {
                    i += hashes + 1;
                    let mut end = vec!['"'];
                    end.extend((0..hashes).map(|_| '#'));
                    // Raw strings have no escapes: look for the end as is.
                    while i < chars.len() && !chars[i..].starts_with(&end) {
                        line += usize::from(chars[i] == '\n');
                        i += 1;
                    }
                    i += end.len();
                    continue;
                }
            }
            if quoted && chars.get(i) == Some(&'"') {
                i += 1;
                skip_string(&mut i, &mut line);
                continue;
            }
            if word == "b" && chars.get(i) == Some(&'\'') {
                continue;
            }
            if !word.chars().next().is_some_and(|f| f.is_ascii_digit()) {
                out.push((Tok::Ident(word), line));
            }
        } else if c == ':' && next == Some(':') {
            out.push((Tok::PathSep, line));
            i += 2;
        } else {
            out.push((Tok::Punct(c), line));
            i += 1;
        }
    }
    out
}

/// A path the source names, resolved to a crate or absolute path.
#[derive(Debug)]
struct Named {
    line: usize,
    path: Vec<String>,
    /// A glob import (`use a::b::*`): it names every child of `path`.
    glob: bool,
}

/// What a file names: its resolved paths and the printing macros it calls.
struct Names {
    paths: Vec<Named>,
    printing: Vec<(usize, String)>,
}

/// Crates that are never a module of this crate.
const EXTERNAL_ROOTS: &[&str] = &["std", "core", "alloc"];

/// Resolves the path `segs` written in module `module` (`["crate", …]`)
/// where `aliases` maps the names `use` items bound to their paths.
fn resolve(
    segs: &[String],
    module: &[String],
    aliases: &HashMap<String, Vec<String>>,
) -> Vec<String> {
    let Some(first) = segs.first() else {
        return Vec::new();
    };
    let mut base: Vec<String>;
    let mut rest = &segs[1..];
    match first.as_str() {
        "crate" | "$crate" => base = vec!["crate".to_string()],
        "self" => base = module.to_vec(),
        "super" => {
            base = module.to_vec();
            base.pop();
            while rest.first().is_some_and(|s| s == "super") {
                base.pop();
                rest = &rest[1..];
            }
        }
        // `::name`: an external crate.
        "" => base = Vec::new(),
        name if aliases.contains_key(name) => base = aliases[name].clone(),
        name if EXTERNAL_ROOTS.contains(&name) || forbidden_root(name) => {
            base = vec![name.to_string()]
        }
        name => {
            // A child module or an external crate: named from here.
            base = module.to_vec();
            base.push(name.to_string());
        }
    }
    base.extend(rest.iter().cloned());
    base
}

/// Whether `name` is the first segment of a forbidden absolute path.
fn forbidden_root(name: &str) -> bool {
    FORBIDDEN
        .iter()
        .any(|(p, _)| p.split("::").next() == Some(name) && !EXTERNAL_ROOTS.contains(&name))
}

/// Parses the use tree starting at `toks[*i]`, in module `module`, after the
/// prefix `prefix` (as written); pushes each imported path and binds its
/// name in `aliases`. Stops at the `,`, `}` or `;` that ends the tree.
fn use_tree(
    toks: &[(Tok, usize)],
    i: &mut usize,
    prefix: Vec<String>,
    module: &[String],
    aliases: &mut HashMap<String, Vec<String>>,
    out: &mut Vec<Named>,
) {
    let mut path = prefix;
    let line = toks.get(*i).map_or(0, |t| t.1);
    if toks.get(*i).map(|t| &t.0) == Some(&Tok::PathSep) && path.is_empty() {
        path.push(String::new());
        *i += 1;
    }
    loop {
        match toks.get(*i).map(|t| &t.0) {
            Some(Tok::Ident(name)) if name == "as" => {
                *i += 1;
                if path.last().is_some_and(|s| s == "self") {
                    path.pop();
                }
                if let Some(Tok::Ident(alias)) = toks.get(*i).map(|t| &t.0) {
                    let resolved = resolve(&path, module, aliases);
                    if alias != "_" {
                        aliases.insert(alias.clone(), resolved.clone());
                    }
                    out.push(Named {
                        line,
                        path: resolved,
                        glob: false,
                    });
                    *i += 1;
                }
                return;
            }
            Some(Tok::Ident(name)) => {
                path.push(name.clone());
                *i += 1;
            }
            Some(Tok::PathSep) => *i += 1,
            Some(Tok::Punct('*')) => {
                *i += 1;
                out.push(Named {
                    line,
                    path: resolve(&path, module, aliases),
                    glob: true,
                });
                return;
            }
            Some(Tok::Punct('{')) => {
                *i += 1;
                while *i < toks.len() {
                    match toks[*i].0 {
                        Tok::Punct('}') => {
                            *i += 1;
                            break;
                        }
                        Tok::Punct(',') => *i += 1,
                        _ => use_tree(toks, i, path.clone(), module, aliases, out),
                    }
                }
                return;
            }
            _ => {
                // The end of a simple path: `a::b` or `a::{self}`.
                let bound = match path.last().map(String::as_str) {
                    Some("self") => {
                        path.pop();
                        path.last().cloned()
                    }
                    last => last.map(str::to_string),
                };
                if path.is_empty() {
                    return;
                }
                let resolved = resolve(&path, module, aliases);
                if let Some(name) = bound.filter(|n| !n.is_empty()) {
                    aliases.insert(name, resolved.clone());
                }
                out.push(Named {
                    line,
                    path: resolved,
                    glob: false,
                });
                return;
            }
        }
    }
}

/// Every path `src`, the file of module `module` (`["crate", "analysis",
/// …]`), names, resolved, and the printing macros it calls. A `use` item
/// binds its name for the whole file, even above it: the first pass learns
/// the names, the second resolves with them.
fn names(src: &str, module: &[String]) -> Names {
    let toks = tokens(src);
    let mut aliases = HashMap::new();
    scan(&toks, module, &mut aliases);
    scan(&toks, module, &mut aliases)
}

/// One pass of [`names`] over `toks`, resolving with and adding to
/// `aliases`.
fn scan(
    toks: &[(Tok, usize)],
    module: &[String],
    aliases: &mut HashMap<String, Vec<String>>,
) -> Names {
    let mut paths = Vec::new();
    let mut printing = Vec::new();
    // The current module and, for each inline module, the brace depth it
    // opened at.
    let mut modules: Vec<(Vec<String>, usize)> = vec![(module.to_vec(), 0)];
    let mut depth = 0;
    let mut i = 0;
    let ident = |k: usize| match toks.get(k).map(|t| &t.0) {
        Some(Tok::Ident(s)) => Some(s.as_str()),
        _ => None,
    };
    while i < toks.len() {
        let here = modules.last().map(|m| m.0.clone()).unwrap_or_default();
        let (tok, line) = &toks[i];
        match tok {
            Tok::Punct('{') => {
                depth += 1;
                i += 1;
            }
            Tok::Punct('}') => {
                if modules.len() > 1 && modules.last().is_some_and(|m| m.1 == depth) {
                    modules.pop();
                }
                depth = depth.saturating_sub(1);
                i += 1;
            }
            Tok::Ident(w)
                if w == "mod" && toks.get(i + 2).map(|t| &t.0) == Some(&Tok::Punct('{')) =>
            {
                let name = ident(i + 1).unwrap_or_default().to_string();
                let mut inner = here.clone();
                inner.push(name);
                depth += 1;
                modules.push((inner, depth));
                i += 3;
            }
            Tok::Ident(w) if w == "use" => {
                i += 1;
                use_tree(toks, &mut i, Vec::new(), &here, aliases, &mut paths);
            }
            Tok::Ident(w) if w == "extern" && ident(i + 1) == Some("crate") => {
                let name = ident(i + 2).unwrap_or_default().to_string();
                let bound = if ident(i + 3) == Some("as") {
                    ident(i + 4).unwrap_or_default().to_string()
                } else {
                    name.clone()
                };
                paths.push(Named {
                    line: *line,
                    path: vec![name.clone()],
                    glob: false,
                });
                aliases.insert(bound, vec![name]);
                i += 3;
            }
            Tok::Ident(w)
                if PRINTING.contains(&w.as_str())
                    && toks.get(i + 1).map(|t| &t.0) == Some(&Tok::Punct('!')) =>
            {
                printing.push((*line, format!("{w}!")));
                i += 2;
            }
            Tok::Ident(_) | Tok::PathSep => {
                // A path written inline: `a::b::c` (or `::a::b`).
                let mut segs = Vec::new();
                if *tok == Tok::PathSep {
                    segs.push(String::new());
                    i += 1;
                }
                while let Some(name) = ident(i) {
                    segs.push(name.to_string());
                    i += 1;
                    if toks.get(i).map(|t| &t.0) == Some(&Tok::PathSep) && ident(i + 1).is_some() {
                        i += 1;
                    } else {
                        break;
                    }
                }
                if segs.len() > 1 {
                    paths.push(Named {
                        line: *line,
                        path: resolve(&segs, &here, aliases),
                        glob: false,
                    });
                }
                if segs.is_empty() {
                    i += 1;
                }
            }
            Tok::Punct(_) => i += 1,
        }
    }
    Names { paths, printing }
}

/// Whether `path` names `target` (`["crate", "lsp"]`) or something in it, or
/// is a glob import whose children include it.
fn names_path(named: &Named, target: &[&str]) -> bool {
    let path: Vec<&str> = named.path.iter().map(String::as_str).collect();
    path.starts_with(target) || (named.glob && target.starts_with(&path) && !path.is_empty())
}

/// The violations in `src`, the file of `module`: forbidden paths, printing
/// macros, and, when `no_rules` is set, paths into `crate::rules`.
fn violations(src: &str, module: &[String], no_rules: bool) -> Vec<String> {
    let names = names(src, module);
    let mut bad = Vec::new();
    for named in &names.paths {
        let shown = named.path.join("::");
        let forbidden = FORBIDDEN.iter().find(|(forbidden, _)| {
            let target: Vec<&str> = forbidden.split("::").collect();
            names_path(named, &target)
        });
        let why = match forbidden {
            Some((_, why)) => why,
            None if no_rules && names_path(named, &["crate", "rules"]) => {
                "the analysis names the rules that build on it"
            }
            None => continue,
        };
        bad.push(format!("{}: `{shown}`: {why}", named.line));
    }
    for (line, mac) in names.printing {
        bad.push(format!("{line}: `{mac}`: writes to the terminal"));
    }
    bad
}

/// The module path of the file `rel` (relative to `src/`).
fn module_of(rel: &Path) -> Vec<String> {
    let mut module = vec!["crate".to_string()];
    let parts: Vec<String> = rel
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    module.extend(parts.into_iter().filter(|p| p != "mod"));
    module
}

fn rust_files(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_file() {
        if path.extension().is_some_and(|e| e == "rs") {
            out.push(path.to_path_buf());
        }
    } else if let Ok(entries) = std::fs::read_dir(path) {
        for e in entries.flatten() {
            rust_files(&e.path(), out);
        }
    }
}

/// The Rust files under `src/` of each entry of `dirs`, with their modules.
fn core_files(dirs: &[&str]) -> Vec<(PathBuf, Vec<String>)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    for d in dirs {
        rust_files(&src.join(d), &mut files);
    }
    files.sort();
    files
        .into_iter()
        .map(|f| {
            let module = module_of(f.strip_prefix(&src).unwrap_or(&f));
            (f, module)
        })
        .collect()
}

fn module(path: &str) -> Vec<String> {
    path.split("::").map(str::to_string).collect()
}

#[test]
fn core_modules_do_no_io_and_know_no_protocol_or_edge() {
    let files = core_files(CORE);
    assert!(files.len() > 50, "core files found: {files:?}");
    let mut bad = Vec::new();
    for (f, module) in &files {
        let text = std::fs::read_to_string(f).unwrap_or_default();
        for v in violations(&text, module, false) {
            bad.push(format!("{}:{v}", f.display()));
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn analysis_and_rules_depend_one_way() {
    let mut bad = Vec::new();
    for (f, module) in core_files(&["analysis"]) {
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        for v in violations(&text, &module, true) {
            bad.push(format!("{}:{v}", f.display()));
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
    // The other way round is the design: the rules build on the analysis.
    let uses = core_files(&["rules"])
        .iter()
        .flat_map(|(f, module)| {
            let text = std::fs::read_to_string(f).unwrap_or_default();
            names(&text, module).paths
        })
        .filter(|n| {
            n.path
                .starts_with(&["crate".to_string(), "analysis".to_string()])
        })
        .count();
    assert!(uses > 30, "the rules name the analysis {uses} times");
}

#[test]
fn the_check_catches_planted_imports() {
    let engine = module("crate::analysis::engine");
    let caught = |src: &str, no_rules: bool| violations(src, &engine, no_rules);
    let grouped = caught("use std::{fs, io};\n", false);
    assert_eq!(grouped.len(), 2, "{grouped:?}");
    assert!(grouped[0].contains("`std::fs`") && grouped[1].contains("`std::io`"));
    let edge = caught("use crate::{lsp::server};\n", false);
    assert_eq!(edge.len(), 1, "{edge:?}");
    assert!(edge[0].contains("`crate::lsp::server`"), "{edge:?}");
    for src in [
        "use std::{collections::HashMap, io::Read as _};",
        "use crate::{analysis, cli::run};",
        "use super::super::output::Format;",
        "fn f() { let _ = std::fs::read(\"a\"); }",
        "fn f() { ::std::env::args(); }",
        "use crate::{self as c};\nfn f() { c::config::load(); }",
        "use tower_lsp_server::ls_types::Range;",
        "#[derive(serde::Serialize)] struct S;",
        "use crate::*;",
        "fn f() { let q = '\"'; std::process::exit(1); }",
        "fn f() { let c = ['\\'','\"']; std::fs::read(\"x\"); }",
        "fn f<'a>(x: &'a str) { println!(\"{x}\"); }",
        "mod tests { mod deeper { use super::super::super::super::cli::x; } }",
    ] {
        assert_eq!(caught(src, false).len(), 1, "not caught once: {src}");
    }
    let analysis = module("crate::analysis");
    let circle = violations("use super::rules::RULES;", &analysis, true);
    assert_eq!(circle.len(), 1, "{circle:?}");
    assert!(circle[0].contains("`crate::rules::RULES`"), "{circle:?}");
    for src in [
        "use super::super::rules::RULES;",
        "use crate::rules;",
        "fn f() { crate::rules::find(\"x\"); }",
        "mod tests { use super::super::super::rules::find; }",
    ] {
        assert_eq!(caught(src, true).len(), 1, "circle not caught: {src}");
        assert!(caught(src, false).is_empty(), "{src}");
    }
    for src in [
        "// use std::fs;\n/* std::io::stdin() */ fn f() {}",
        "const GO: &str = \"import (\\\"os\\\"; std::fs)\";",
        "const RAW: &str = r#\"use crate::lsp; \"quoted\" std::net\"#;",
        "use super::{lexical, syntax::text};\nuse crate::analysis::Rule;",
        "use std::{collections::HashMap, fmt::Write as _};",
        "fn f() { lsp_like::x(); cli_args(); serde_like::y(); }",
        "mod rules { fn g() {} }\nuse self::rules::g;",
        "fn f(b: u8) -> bool { b == b'\"' } fn g() -> Vec<u8> { Vec::<u8>::new() }",
    ] {
        let found = caught(src, true);
        assert!(found.is_empty(), "{src}: {found:?}");
    }
}

/// The top-level modules of the library (`analysis`, `config`, …): the
/// files and folders under `src/` but for the crate roots.
fn top_modules() -> Vec<String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out: Vec<String> = std::fs::read_dir(&src)
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    let module = name.strip_suffix(".rs").unwrap_or(&name).to_string();
                    (module != "lib" && module != "main").then_some(module)
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out.dedup();
    out
}

/// Which top-level modules each one names, from the files `files` (source
/// and module path each), among the modules `tops`.
fn module_graph(
    files: &[(String, Vec<String>)],
    tops: &[String],
) -> std::collections::BTreeMap<String, std::collections::BTreeSet<String>> {
    let mut graph: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> = tops
        .iter()
        .map(|t| (t.clone(), Default::default()))
        .collect();
    for (src, module) in files {
        let Some(from) = module.get(1) else {
            continue;
        };
        for named in names(src, module).paths {
            let to = match named.path.as_slice() {
                [krate, to, ..] if krate == "crate" => to,
                _ => continue,
            };
            if to != from && tops.contains(to) {
                graph.entry(from.clone()).or_default().insert(to.clone());
            }
        }
    }
    graph
}

/// A circle in `graph`, as the modules along it (the first repeated at
/// the end), if there is one.
fn find_circle(
    graph: &std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
) -> Option<Vec<String>> {
    // 0: not seen, 1: on the current path, 2: done.
    let mut state: HashMap<&str, u8> = HashMap::new();
    let mut path: Vec<&str> = Vec::new();
    fn visit<'g>(
        node: &'g str,
        graph: &'g std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
        state: &mut HashMap<&'g str, u8>,
        path: &mut Vec<&'g str>,
    ) -> Option<Vec<String>> {
        match state.get(node) {
            Some(2) => return None,
            Some(1) => {
                let at = path.iter().position(|n| *n == node).unwrap_or(0);
                let mut circle: Vec<String> = path[at..].iter().map(|s| s.to_string()).collect();
                circle.push(node.to_string());
                return Some(circle);
            }
            _ => {}
        }
        state.insert(node, 1);
        path.push(node);
        for next in graph.get(node).into_iter().flatten() {
            if let Some(c) = visit(next, graph, state, path) {
                return Some(c);
            }
        }
        path.pop();
        state.insert(node, 2);
        None
    }
    graph
        .keys()
        .find_map(|k| visit(k, graph, &mut state, &mut path))
}

#[test]
fn the_top_level_modules_depend_without_a_circle() {
    let tops = top_modules();
    assert!(
        tops.iter().any(|t| t == "analysis") && tops.iter().any(|t| t == "lsp"),
        "{tops:?}"
    );
    let dirs: Vec<&str> = tops.iter().map(String::as_str).collect();
    let mut files: Vec<(String, Vec<String>)> = Vec::new();
    for d in &dirs {
        // A module's file and its folder, whichever there are.
        let file = format!("{d}.rs");
        for (f, module) in core_files(&[d, file.as_str()]) {
            files.push((std::fs::read_to_string(f).unwrap_or_default(), module));
        }
    }
    let graph = module_graph(&files, &tops);
    assert!(
        graph.get("rules").is_some_and(|r| r.contains("analysis")),
        "the graph misses the rules' imports: {graph:?}"
    );
    assert_eq!(find_circle(&graph), None, "{graph:?}");
}

#[test]
fn the_circle_check_catches_planted_circles() {
    let tops: Vec<String> = ["analysis", "rules", "text", "concepts"]
        .map(String::from)
        .to_vec();
    let file = |src: &str, path: &str| (src.to_string(), module(path));
    // A grouped import closing a circle through two modules.
    let planted = [
        file("use crate::analysis::Ctx;", "crate::rules::x"),
        file(
            "use crate::{text::wrap, concepts::Concept};",
            "crate::analysis::engine",
        ),
        file("fn f() { crate::rules::find(\"x\"); }", "crate::concepts"),
    ];
    let graph = module_graph(&planted, &tops);
    let circle = find_circle(&graph).unwrap_or_default();
    assert_eq!(
        circle,
        ["analysis", "concepts", "rules", "analysis"].map(String::from),
        "{graph:?}"
    );
    // `super::` paths count too; one way is no circle.
    let one_way = [
        file("use super::super::analysis::Ctx;", "crate::rules::x"),
        file("use super::text::wrap;", "crate::analysis"),
    ];
    assert_eq!(find_circle(&module_graph(&one_way, &tops)), None);
    let back = [
        file("use super::super::analysis::Ctx;", "crate::rules::x"),
        file("use super::rules::RULES;", "crate::analysis"),
    ];
    assert!(find_circle(&module_graph(&back, &tops)).is_some());
}
