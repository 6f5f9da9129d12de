//! Hostile input through `gohint --check`: pathological nesting, huge
//! files, binary and mis-encoded bytes, odd line endings, a 1 MB line, tens
//! of thousands of findings. Each must complete with a sensible report.
//!
//! The 100 MB file runs only with `GOHINT_HUGE_TESTS=1`, best against a
//! release build, as CI runs it:
//! `GOHINT_HUGE_TESTS=1 GOHINT_BIN=target/release/gohint cargo test --test it hostile::a_100_megabyte`.
//! The default run checks the same code path on a 2 MB file of thousands
//! of declarations.

#[path = "../../benches/shapes.rs"]
mod shapes;

use crate::common::cli::{gohint, write};
use serde_json::Value;
use std::path::Path;

/// `--check FILES --format json` in `dir`: the exit code and the findings.
fn check_json(dir: &Path, files: &[&str]) -> (Option<i32>, Vec<Value>, String) {
    let mut args = vec!["--check", "--format", "json"];
    args.extend_from_slice(files);
    let out = gohint(&args, dir);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("JSON output ({e}); stderr: {stderr}"));
    let items = v.as_array().cloned().unwrap_or_default();
    (out.status.code(), items, stderr)
}

/// (rule, line) of each finding.
fn hits(items: &[Value]) -> Vec<(String, u64)> {
    items
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or("").to_string(),
                f["line"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

/// The 1-based line of the first line of `src` that starts with `prefix`.
fn line_of(src: &str, prefix: &str) -> u64 {
    let index = src.lines().position(|l| l.starts_with(prefix));
    index.map_or(0, |i| i as u64 + 1)
}

/// A function that closes `ch` twice, on its own 5 lines starting at
/// `line` (the second close on `line + 3`).
fn double_close(name: &str) -> String {
    format!("func {name}(ch chan int) {{\n\tclose(ch)\n\tx := 1\n\tclose(ch)\n\t_ = x\n}}\n")
}

#[test]
fn deep_nesting_completes_and_the_rest_of_the_file_is_still_checked() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Walking up from the bottom of these used to take minutes.
    let ifs = format!(
        "func deepIf(ch chan int, x bool) {{\n{}defer close(ch)\nclose(ch)\nclose(ch)\n{}}}\n",
        "if x {\n".repeat(5_000),
        "}\n".repeat(5_000)
    );
    let lits = format!(
        "func deepLit(ch chan int) {{\n{}close(ch)\nclose(ch)\n{}}}\n",
        "func() {\n".repeat(3_000),
        "}()\n".repeat(3_000)
    );
    let loops = format!(
        "func deepFor(ch chan int) {{\n{}defer close(ch)\n{}}}\n",
        "for {\n".repeat(5_000),
        "}\n".repeat(5_000)
    );
    let src = format!("package p\n\n{ifs}{lits}{loops}{}", double_close("shallow"));
    let line = src.lines().count() as u64 - 2;
    let starts = ["func deepIf", "func deepLit", "func deepFor"].map(|f| line_of(&src, f));
    write(dir.path(), "deep.go", &src);
    let (code, items, stderr) = check_json(dir.path(), &["deep.go"]);
    assert_eq!(code, Some(1), "{stderr}");
    // Rules skip pathologically deep declarations, saying so once each,
    // and report the ordinary one after them.
    let mut expected: Vec<(String, u64)> = starts
        .iter()
        .map(|&l| ("skipped-declaration".to_string(), l))
        .collect();
    expected.push(("double-close".to_string(), line));
    assert_eq!(hits(&items), expected, "{stderr}");
    assert!(items[0]["message"]
        .as_str()
        .is_some_and(|m| m.contains("128 syntax levels deep")));
}

#[test]
fn nesting_as_deep_as_real_code_is_still_checked() {
    let dir = tempfile::tempdir().expect("tempdir");
    // 30 nested blocks put the closes ~90 levels down; the standard
    // library's deepest function reaches 56.
    let src = format!(
        "package p\n\nfunc f(ch chan int, x bool) {{\n{}close(ch)\nclose(ch)\n{}}}\n",
        "if x {\n".repeat(30),
        "}\n".repeat(30)
    );
    write(dir.path(), "deep.go", &src);
    let (code, items, stderr) = check_json(dir.path(), &["deep.go"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(hits(&items), vec![("double-close".to_string(), 35)]);
}

#[test]
fn ten_thousand_element_expression_chains_complete() {
    let dir = tempfile::tempdir().expect("tempdir");
    let n = 10_000;
    let chains = [
        format!("a := {}1", "x + ".repeat(n)),
        format!("b := x{}", ".f()".repeat(n)),
        format!("c := {}x", "-".repeat(n)),
        format!("d := {}x{}", "(".repeat(n), ")".repeat(n)),
        format!("e := m{}", "[0]".repeat(n)),
        format!("g := []any{{{}{}}}", "[]any{".repeat(n), "}".repeat(n)),
        format!("h := x{}", ".(any)".repeat(n)),
        format!("i := {}x", "<-".repeat(n)),
        format!("j := {}x", "*".repeat(n)),
        format!("k := {}x", "&".repeat(n)),
    ];
    let mut src = String::from("package p\n\n");
    for (i, chain) in chains.iter().enumerate() {
        src.push_str(&format!("func chain{i}(x, m any) {{\n\t{chain}\n}}\n"));
    }
    src.push_str(&format!("var top = {}1\n", "1 + ".repeat(n)));
    src.push_str(&double_close("shallow"));
    let line = src.lines().count() as u64 - 2;
    write(dir.path(), "chains.go", &src);
    let (code, items, stderr) = check_json(dir.path(), &["chains.go"]);
    assert_eq!(code, Some(1), "{stderr}");
    // Every chain nests deeper than the rules go: each function is
    // reported once; the deep `var` is a table, skipped silently.
    let mut expected: Vec<(String, u64)> = (0..chains.len() as u64)
        .map(|i| ("skipped-declaration".to_string(), 3 + 3 * i))
        .collect();
    expected.push(("double-close".to_string(), line));
    assert_eq!(hits(&items), expected);
}

/// Thousands of top-level declarations are checked a slice at a time (see
/// `Analyzer::analyze`); every slice reports its findings, and the imports
/// at the top still count in the last slices.
#[test]
fn files_of_thousands_of_declarations_report_every_finding() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut src = String::from("package p\n\nimport \"runtime\"\n\n");
    let copies = 2_500;
    for i in 0..copies {
        src.push_str(&double_close(&format!("close{i}")));
        src.push_str(&format!("func gc{i}() {{ runtime.GC() }}\n"));
    }
    write(dir.path(), "wide.go", &src);
    let (code, items, stderr) = check_json(dir.path(), &["wide.go"]);
    assert_eq!(code, Some(1), "{stderr}");
    let count = |rule: &str| items.iter().filter(|f| f["rule"] == rule).count();
    assert_eq!(count("double-close"), copies);
    assert_eq!(count("explicit-gc"), copies);
    assert_eq!(items.len(), 2 * copies);
    let last = items.last().map(|f| f["line"].as_u64());
    assert_eq!(last, Some(Some(src.lines().count() as u64)));
}

#[test]
fn twenty_thousand_findings_in_one_function() {
    // Each assertion used to rescan the statements before it and the whole
    // function body: minutes for one generated function.
    let dir = tempfile::tempdir().expect("tempdir");
    let mut src = String::from("package p\n\nfunc f(x any) int {\n");
    for i in 0..10_000 {
        src.push_str(&format!("\t_ = x.(int)\n\tv{i} := x.(int)\n\t_ = v{i}\n"));
    }
    src.push_str("\treturn 0\n}\n");
    write(dir.path(), "one.go", &src);
    let (code, items, stderr) = check_json(dir.path(), &["one.go", "--fail-on", "info"]);
    assert_eq!(code, Some(1), "{stderr}");
    // A linear rule keeps to its work budget in a function this long; the
    // rules that are not linear stop, and the function is reported once.
    let (asserts, others): (Vec<_>, Vec<_>) = items
        .iter()
        .partition(|f| f["rule"] == "unchecked-type-assertion");
    assert_eq!(asserts.len(), 20_000);
    assert!(
        others.len() <= 1 && others.iter().all(|f| f["rule"] == "skipped-declaration"),
        "{others:?}"
    );
}

#[test]
fn fifty_thousand_findings_in_one_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut src = String::from("package p\n\n");
    for i in 0..5_000 {
        src.push_str(&format!("func f{i}(v any) int {{\n"));
        src.push_str(&"\t_ = v.(int)\n".repeat(10));
        src.push_str("\treturn 0\n}\n");
    }
    write(dir.path(), "many.go", &src);
    let (code, items, stderr) = check_json(dir.path(), &["many.go", "--fail-on", "info"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(items.len(), 50_000);
    assert!(items
        .iter()
        .all(|f| f["rule"] == "unchecked-type-assertion"));
    let text = gohint(&["--check", "many.go"], dir.path());
    let out = String::from_utf8_lossy(&text.stdout);
    assert!(
        out.trim_end()
            .ends_with("gohint: 50000 findings (50000 info) in 1 files"),
        "{}",
        &out[out.len().saturating_sub(300)..]
    );
}

#[test]
fn a_one_megabyte_line_is_reported_around_the_span() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A 1 MB string on each side keeps the function small enough for every
    // rule's work budget.
    let string = format!("_ = \"{}\"; ", "s".repeat(1_000_000));
    let statements = "x++; ".repeat(200);
    let src = format!(
        "package p\n\nfunc f(ch chan int, x int) {{ {string}{statements}close(ch); close(ch); {statements}{string}}}\n"
    );
    let second = src.rfind("close(ch)").expect("second close");
    let column = second - src[..second].rfind('\n').map_or(0, |p| p + 1) + 1;
    write(dir.path(), "long.go", &src);
    let (code, items, stderr) = check_json(dir.path(), &["long.go"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(items[0]["line"], 3);
    assert_eq!(items[0]["column"].as_u64(), Some(column as u64));
    let text = gohint(&["--check", "long.go"], dir.path());
    let out = String::from_utf8_lossy(&text.stdout);
    assert!(
        out.len() < 4_000,
        "the text report shows the line around the span, not 2 MB: {} bytes",
        out.len()
    );
    assert!(out.contains("x++; close(ch); close(ch); x++;"), "{out}");
    assert!(out.contains("| …") && out.contains(";…\n"), "{out}");
    let caret_line = out.lines().find(|l| l.contains('^')).expect("a caret line");
    let snippet = out
        .lines()
        .find(|l| l.contains("close(ch); close(ch)"))
        .expect("the snippet");
    let at = caret_line.find('^').expect("caret");
    assert_eq!(
        snippet.chars().skip(at).take(9).collect::<String>(),
        "close(ch)",
        "the caret points at the second close:\n{snippet}\n{caret_line}"
    );
}

#[test]
fn nul_bytes_anywhere_make_a_binary_file_and_the_others_are_still_checked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ok = format!("package p\n\n{}", double_close("f"));
    write(dir.path(), "start.go", format!("\0{ok}"));
    write(dir.path(), "middle.go", "package p\n// a \0 comment\n");
    write(dir.path(), "end.go", format!("{ok}\0"));
    write(dir.path(), "ok.go", &ok);
    let (code, items, stderr) =
        check_json(dir.path(), &["start.go", "middle.go", "end.go", "ok.go"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("start.go: binary file (NUL byte at offset 0)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("middle.go: binary file (NUL byte at offset 15)"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "end.go: binary file (NUL byte at offset {})",
            ok.len()
        )),
        "{stderr}"
    );
    assert_eq!(hits(&items), vec![("double-close".to_string(), 6)]);
}

#[test]
fn invalid_utf8_is_refused_with_the_place_of_the_first_bad_byte() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cases: [(&str, &[u8], &str); 4] = [
        ("truncated.go", b"package p\n\nvar s = \"\xE2\x82", "3:10"),
        (
            "continuation.go",
            b"package p\r\n\r\nvar s = \"a\x80\"\r\n",
            "3:11",
        ),
        ("overlong.go", b"package p\nvar s = \"\xC0\xAF\"\n", "2:10"),
        ("surrogate.go", b"package p\n// \xED\xA0\x80\n", "2:4"),
    ];
    for (name, bytes, _) in cases {
        write(dir.path(), name, bytes);
    }
    let names: Vec<&str> = cases.iter().map(|c| c.0).collect();
    let (code, items, stderr) = check_json(dir.path(), &names);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(items.is_empty());
    for (name, _, at) in cases {
        assert!(
            stderr.contains(&format!("{name}: not valid UTF-8 (first bad byte at {at})")),
            "{name} at {at}: {stderr}"
        );
    }
}

#[test]
fn byte_order_marks_and_line_endings_keep_positions_right() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "bom-only.go", "\u{feff}");
    // Columns count bytes, the mark's three included, as go vet's do.
    let one_line = "\u{feff}package p; func f(ch chan int) { close(ch); close(ch) }\n";
    let second = one_line.rfind("close(ch)").unwrap_or(0) as u64;
    write(dir.path(), "bom-one-line.go", one_line);
    write(
        dir.path(),
        "crlf.go",
        format!(
            "package p\r\n\r\n{}",
            double_close("f").replace('\n', "\r\n")
        ),
    );
    // Go ends lines at \n only: a lone \r is a blank, so these are all on
    // line 1 (and not valid Go: no statement ends).
    write(
        dir.path(),
        "cr.go",
        "package p\rfunc f(ch chan int) {\r\tclose(ch); close(ch)\r}\r",
    );
    write(
        dir.path(),
        "mixed.go",
        format!("package p\r\n\n\r{}", double_close("f")),
    );
    let (code, items, stderr) = check_json(
        dir.path(),
        &[
            "bom-only.go",
            "bom-one-line.go",
            "crlf.go",
            "cr.go",
            "mixed.go",
        ],
    );
    assert_eq!(code, Some(1), "{stderr}");
    let at = |path: &str| -> Vec<(u64, u64, u64)> {
        items
            .iter()
            .filter(|f| f["path"] == path && f["rule"] == "double-close")
            .map(|f| {
                (
                    f["line"].as_u64().unwrap_or(0),
                    f["column"].as_u64().unwrap_or(0),
                    f["end_column"].as_u64().unwrap_or(0),
                )
            })
            .collect()
    };
    assert_eq!(at("bom-one-line.go"), vec![(1, second + 1, second + 10)]);
    assert_eq!(at("crlf.go"), vec![(6, 2, 11)]);
    assert_eq!(at("mixed.go"), vec![(6, 2, 11)]);
    for f in items.iter().filter(|f| f["path"] == "cr.go") {
        assert_eq!(f["line"], 1, "{f}");
    }
    assert!(!items.iter().any(|f| f["path"] == "bom-only.go"));
}

/// Generated Go of about `bytes` bytes: types holding locks, methods that
/// lock, loop, append and close, so every slice has plenty for the rules to
/// look at; one block in [`FLAWED_EVERY`] closes a channel twice, collects
/// garbage by hand and appends without preallocating. Returns the text and
/// the number of flawed blocks.
fn huge_source(bytes: usize) -> (String, usize) {
    let mut src = String::with_capacity(bytes + 4096);
    src.push_str("package p\n\nimport (\n\t\"fmt\"\n\t\"runtime\"\n\t\"sync\"\n)\n\n");
    let mut flawed = 0;
    let mut i = 0;
    while src.len() < bytes {
        let flaw = i % FLAWED_EVERY == 0;
        let (second_close, gc, out) = if flaw {
            (
                "\tif len(out) > 3 {\n\t\tclose(ch)\n\t}\n",
                "runtime.GC()",
                "var out []int",
            )
        } else {
            ("", "runtime.Gosched()", "out := make([]int, 0, len(vs))")
        };
        src.push_str(&format!(
            "type T{i} struct {{\n\tmu   sync.Mutex\n\tdata map[string][]int\n}}\n\n\
             func (t *T{i}) Add(k string, vs []int, ch chan int) {{\n\
             \tt.mu.Lock()\n\tdefer t.mu.Unlock()\n\
             \t{out}\n\tfor _, v := range vs {{\n\t\tout = append(out, v*2)\n\t}}\n\
             \tt.data[k] = out\n\tclose(ch)\n{second_close}\
             \tfmt.Println(len(out))\n}}\n\n\
             func yield{i}() {{ {gc} }}\n\n"
        ));
        flawed += usize::from(flaw);
        i += 1;
    }
    (src, flawed)
}

/// One block in this many of [`huge_source`] has findings.
const FLAWED_EVERY: usize = 20;

#[test]
fn a_100_megabyte_file_completes() {
    let huge = std::env::var_os("GOHINT_HUGE_TESTS").is_some_and(|v| v == "1");
    let size = if huge {
        100 * 1024 * 1024
    } else {
        2 * 1024 * 1024
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let (src, flawed) = huge_source(size);
    write(dir.path(), "huge.go", &src);
    let (code, items, stderr) = check_json(dir.path(), &["huge.go", "--fail-on", "error"]);
    assert_eq!(code, Some(1), "{stderr}");
    let count = |rule: &str| items.iter().filter(|f| f["rule"] == rule).count();
    assert_eq!(count("double-close"), flawed, "{stderr}");
    assert_eq!(count("explicit-gc"), flawed, "{stderr}");
    assert_eq!(count("append-no-prealloc"), flawed, "{stderr}");
    assert_eq!(items.len(), 3 * flawed, "{stderr}");
}

/// A file large enough to be checked in slices, whose declarations hide
/// look-alikes of declarations from the lexical scan that finds the slices:
/// `func` lines inside raw strings and comments, `;`-separated declarations,
/// grouped `var`s and a suppression. No finding depends on a declaration
/// elsewhere in the file (a slice does not see the others).
fn sliced_source() -> String {
    let mut src = String::from("package p\n\nimport (\n\t\"runtime\"\n\t\"sync\"\n)\n\n");
    let mut i = 0;
    while src.len() < 3 * gohint::analysis::SLICE_BYTES {
        src.push_str(&format!(
            "// func fake{i}() {{ close(ch); close(ch) }}\n\
             var doc{i} = `\nfunc inString{i}(ch chan int) {{\n\tclose(ch)\n\tclose(ch)\n}}\n`\n\n\
             /* type T{i} struct{{}}\nfunc inComment{i}() {{}} */\n\
             type Guarded{i} struct {{\n\tmu sync.Mutex\n\tn  int\n}}\n\n\
             func value{i}(mu sync.Mutex) {{ _ = mu }}\n\n\
             var (\n\ta{i} = '\"'\n\tb{i} = \"{{\"\n)\n\n\
             func twice{i}(ch chan int) {{\n\tclose(ch)\n\tif a{i} > 0 {{\n\t\treturn\n\t}}\n\tclose(ch) //gohint:ignore double-close -- fixture\n}}\n\n\
             const c{i} = 1; func gc{i}() {{ runtime.GC() }}\n\n"
        ));
        i += 1;
    }
    src
}

#[test]
fn a_file_checked_in_slices_reports_what_its_whole_tree_does() {
    use gohint::analysis::{analyze_tree, sliced, Analyzer, Options};
    let src = sliced_source();
    assert!(sliced(&src), "the file should be checked in slices");
    let options = Options::default();
    let mut analyzer = Analyzer::new();
    let in_slices = analyzer
        .analyze(src.as_bytes(), &options)
        .expect("analyses");
    let tree = analyzer.parse(&src, None).expect("parses");
    // The lexical scan that cuts the slices finds exactly the top-level
    // declarations of the syntax tree.
    let root = tree.root_node();
    let mut cursor = root.walk();
    let parsed: Vec<usize> = root
        .named_children(&mut cursor)
        .filter(|n| n.kind() != "comment")
        .map(|n| n.start_byte())
        .collect();
    let scanned: Vec<usize> = gohint::analysis::lexical::scan(&src)
        .declarations
        .iter()
        .map(|d| d.at)
        .collect();
    assert_eq!(scanned, parsed);
    let whole = analyze_tree(&tree, &src, &options);
    let key =
        |f: &gohint::analysis::Finding| (f.rule.slug, f.range.clone(), f.suppressed.is_some());
    assert!(whole.len() > 100, "{} findings", whole.len());
    let (a, b): (Vec<_>, Vec<_>) = (
        in_slices.iter().map(key).collect(),
        whole.iter().map(key).collect(),
    );
    let first = a.iter().zip(&b).position(|(x, y)| x != y);
    assert!(
        first.is_none() && a.len() == b.len(),
        "{} findings in slices, {} whole; first difference at {first:?}: {:?} vs {:?}",
        a.len(),
        b.len(),
        first.and_then(|i| a.get(i)),
        first.and_then(|i| b.get(i)),
    );
}

/// `gohint ARGS` in `dir` under `ulimit -v` of `kilobytes`, with a
/// `timeout` of `seconds`: the exit code (124 on timeout, 134 on an
/// abort) and the standard output.
fn capped(
    dir: &Path,
    kilobytes: u64,
    seconds: u64,
    args: &[&str],
) -> (Option<i32>, String, String) {
    let bin = crate::common::cli::binary();
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v {kilobytes} && exec timeout {seconds} \"$0\" \"$@\""
        ))
        .arg(&bin)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run gohint under sh");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A declaration larger than the parser may take whole (a go-bindata or
/// statik asset table) is skipped unparsed, with one notice, in bounded
/// memory; the other declarations of its file and the other files are
/// checked. Its whole tree would take some 83 bytes per byte, and
/// tree-sitter aborts the process when an allocation fails. 20 MB with
/// `GOHINT_HUGE_TESTS=1` (CI), else just over the bound.
#[test]
fn a_declaration_too_large_to_parse_is_skipped_in_bounded_memory() {
    let huge = std::env::var_os("GOHINT_HUGE_TESTS").is_some_and(|v| v == "1");
    let bound = gohint::analysis::bounds::MAX_DECLARATION_BYTES;
    let size = if huge {
        20 * 1024 * 1024
    } else {
        bound + 1024 * 1024
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let mut src = String::with_capacity(size + 1024);
    src.push_str("package assets\n\nvar asset = []byte{");
    while src.len() < size {
        src.push_str("0x1f, 0x8b, 0x08, 0x00, 0x00, 0x09, 0x6e, 0x88,\n\t");
    }
    src.push_str("}\n\n");
    src.push_str(&double_close("after"));
    write(dir.path(), "assets/bindata.go", &src);
    write(
        dir.path(),
        "assets/small.go",
        format!("package assets\n\n{}", double_close("small")),
    );
    let asset_line = 3;
    let after_line = src.lines().count() as u64 - 2;
    let args = ["--check", "assets", "--format", "json"];
    let (code, stdout, stderr) = capped(dir.path(), 1_500_000, 300, &args);
    assert_eq!(code, Some(1), "{stderr}");
    let items: Vec<Value> = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("JSON output ({e}); stderr: {stderr}"));
    let found: Vec<(&str, &str, u64)> = items
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap_or(""),
                f["rule"].as_str().unwrap_or(""),
                f["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(
        found,
        vec![
            ("assets/bindata.go", "skipped-declaration", asset_line),
            ("assets/bindata.go", "double-close", after_line),
            ("assets/small.go", "double-close", 6),
        ],
        "{stderr}"
    );
    assert!(items[0]["message"]
        .as_str()
        .is_some_and(|m| m.contains("was not parsed")));
    // The file alone, in text, exits by the findings as usual.
    let (code, _, stderr) = capped(
        dir.path(),
        1_500_000,
        300,
        &["--check", "assets/bindata.go", "--fail-on", "error", "-q"],
    );
    assert_eq!(code, Some(1), "{stderr}");
}

/// Shapes whose rules are still super-linear in the statements of one
/// function even within the work budget of a declaration: the 50,000
/// statement test below skips them. Empty once every rule is linear.
const SLOW_SHAPES: &[&str] = &[];

/// One function of 50,000 statements of each shape the rules look at
/// finishes: rules linear in the function, or the work budget of a
/// declaration, stop them. The limit is a hang guard, not a timing.
#[test]
fn fifty_thousand_statements_of_each_shape_in_one_function_finish() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut late = Vec::new();
    for shape in shapes::SHAPES
        .iter()
        .filter(|s| !SLOW_SHAPES.contains(&s.name))
    {
        let name = format!("{}.go", shape.name);
        write(dir.path(), &name, shape.source(50_000));
        let args = ["--check", name.as_str(), "--format", "json"];
        let (code, stdout, stderr) = capped(dir.path(), 4_000_000, 120, &args);
        if code == Some(124) {
            late.push(shape.name);
            continue;
        }
        assert!(
            matches!(code, Some(0 | 1)),
            "{}: {code:?} {stderr}",
            shape.name
        );
        let items: Vec<Value> = serde_json::from_str(&stdout)
            .unwrap_or_else(|e| panic!("{}: JSON output ({e}); stderr: {stderr}", shape.name));
        let skipped = items
            .iter()
            .filter(|f| f["rule"] == "skipped-declaration")
            .count();
        assert!(skipped <= 1, "{}: {skipped} skipped notices", shape.name);
    }
    assert!(late.is_empty(), "still running after 120 s: {late:?}");
}
