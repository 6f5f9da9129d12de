//! The quick fixes of the panic, slice-growth, runtime and type-assertion
//! rules: each edit is applied to real source and the result checked, both
//! as text and by analysing it again.

use gohint::analysis::{Analyzer, Finding, GoVersion, Options};

/// The findings of `slug` in `src`.
fn findings(src: &str, slug: &str, options: &Options) -> Vec<Finding> {
    let all = Analyzer::new()
        .analyze(src.as_bytes(), options)
        .expect("valid Go");
    all.into_iter().filter(|f| f.rule.slug == slug).collect()
}

/// The one finding of `slug` in `src`, its fixed source, and whether the
/// fix is marked preferred; the fixed source must no longer be flagged.
fn fixed(src: &str, slug: &str) -> (String, bool) {
    let options = Options::default();
    let found = findings(src, slug, &options);
    assert_eq!(found.len(), 1, "{slug}: expected one finding in\n{src}");
    let fix = found[0].fix.as_ref().expect("the finding has a fix");
    let out = crate::common::apply_fixes(src, [fix]).expect("the fix applies");
    assert!(
        findings(&out, slug, &options).is_empty(),
        "{slug}: still flagged after the fix:\n{out}"
    );
    (out, found[0].fix.as_ref().is_some_and(|f| f.preferred))
}

#[test]
fn defer_recover_becomes_a_deferred_literal() {
    let src = "package main\n\nfunc main() {\n\tdefer recover()\n\twork()\n}\n";
    let (out, _) = fixed(src, "recover-not-deferred");
    assert_eq!(
        out,
        "package main\n\nfunc main() {\n\tdefer func() {\n\t\tif r := recover(); r != nil {\n\t\t\t// the panic stops here; r is its value\n\t\t}\n\t}()\n\twork()\n}\n"
    );
}

#[test]
fn recover_at_the_top_of_a_goroutine_is_deferred() {
    let src = "package p\n\nfunc f() {\n\tgo func() {\n\t\tif r := recover(); r != nil {\n\t\t\tprintln(r)\n\t\t}\n\t\twork()\n\t}()\n}\n";
    let (out, preferred) = fixed(src, "recover-not-deferred");
    assert!(!preferred);
    assert_eq!(
        out,
        "package p\n\nfunc f() {\n\tgo func() {\n\t\tdefer func() {\n\t\t\tif r := recover(); r != nil {\n\t\t\t\tprintln(r)\n\t\t\t}\n\t\t}()\n\t\twork()\n\t}()\n}\n"
    );
}

#[test]
fn recover_nested_in_a_deferred_literal_has_no_mechanical_fix() {
    let src = "package p\n\nfunc f() {\n\tdefer func() {\n\t\tfunc() {\n\t\t\trecover()\n\t\t}()\n\t}()\n}\n";
    let found = findings(src, "recover-not-deferred", &Options::default());
    assert_eq!(found.len(), 1);
    assert!(found[0].fix.is_none());
    assert!(
        found[0].message.contains("one call deeper"),
        "{}",
        found[0].message
    );
}

#[test]
fn empty_literal_gets_the_capacity_of_the_ranged_slice() {
    let src = "package p\n\nfunc f(ids map[string]int) []string {\n\tkeys := []string{}\n\tfor k := range ids {\n\t\tkeys = append(keys, k)\n\t}\n\treturn keys\n}\n";
    let (out, preferred) = fixed(src, "append-no-prealloc");
    assert!(preferred, "an empty literal stays non-nil: safe");
    assert!(
        out.contains("\tkeys := make([]string, 0, len(ids))\n"),
        "{out}"
    );
}

#[test]
fn nil_slice_fix_is_not_preferred() {
    let src = "package p\n\ntype d struct{ users []string }\n\nfunc (x *d) f() []string {\n\tvar out []string\n\tfor _, u := range x.users {\n\t\tout = append(out, u)\n\t}\n\treturn out\n}\n";
    let (out, preferred) = fixed(src, "append-no-prealloc");
    assert!(
        !preferred,
        "the slice would no longer be nil for an empty range"
    );
    assert!(
        out.contains("\tvar out = make([]string, 0, len(x.users))\n"),
        "{out}"
    );
}

#[test]
fn no_prealloc_fix_when_the_range_is_declared_after_the_slice() {
    let src = "package p\n\nfunc f() []int {\n\tvar out []int\n\titems := []int{1, 2}\n\tfor _, v := range items {\n\t\tout = append(out, v)\n\t}\n\treturn out\n}\n";
    let found = findings(src, "append-no-prealloc", &Options::default());
    assert_eq!(found.len(), 1);
    assert!(
        found[0].fix.is_none(),
        "len(items) is not known at the declaration"
    );
}

#[test]
fn gomaxprocs_call_is_removed_and_the_message_names_the_go_version() {
    let src = "package p\n\nimport \"runtime\"\n\nfunc main() {\n\truntime.GOMAXPROCS(runtime.NumCPU())\n\tserve()\n}\n";
    let (out, _) = fixed(src, "redundant-gomaxprocs");
    // The import it was the last use of goes with it: the file compiles.
    assert_eq!(out, "package p\n\nfunc main() {\n\tserve()\n}\n");
    let newest = findings(src, "redundant-gomaxprocs", &Options::default());
    assert!(
        newest[0].message.contains("Go 1.25"),
        "{}",
        newest[0].message
    );
    let old = Options {
        go_version: GoVersion::parse("1.21"),
        ..Options::default()
    };
    let before = findings(src, "redundant-gomaxprocs", &old);
    assert!(
        before[0].message.contains("since Go 1.5") && !before[0].message.contains("1.25"),
        "{}",
        before[0].message
    );
}

#[test]
fn gomaxprocs_removal_takes_an_empty_if_and_an_unused_import_in_a_list() {
    let src = "package p\n\nimport (\n\t\"fmt\"\n\t\"runtime\"\n)\n\nfunc f(all bool) {\n\tif all {\n\t\truntime.GOMAXPROCS(runtime.NumCPU())\n\t}\n\tfmt.Println()\n}\n";
    let (out, _) = fixed(src, "redundant-gomaxprocs");
    assert_eq!(
        out,
        "package p\n\nimport (\n\t\"fmt\"\n)\n\nfunc f(all bool) {\n\tfmt.Println()\n}\n"
    );
    // A condition that does something stays, and so does an import in use.
    let src = "package p\n\nimport \"runtime\"\n\nfunc f() {\n\tif ready() {\n\t\truntime.GOMAXPROCS(runtime.NumCPU())\n\t}\n\truntime.GC()\n}\n";
    let (out, _) = fixed(src, "redundant-gomaxprocs");
    assert_eq!(
        out,
        "package p\n\nimport \"runtime\"\n\nfunc f() {\n\tif ready() {\n\t}\n\truntime.GC()\n}\n"
    );
}

#[test]
fn gomaxprocs_result_in_use_reads_without_changing() {
    let src = "package p\n\nimport \"runtime\"\n\nfunc f() int {\n\told := runtime.GOMAXPROCS(runtime.NumCPU())\n\treturn old\n}\n";
    let (out, _) = fixed(src, "redundant-gomaxprocs");
    assert!(out.contains("\told := runtime.GOMAXPROCS(0)\n"), "{out}");
}

#[test]
fn explicit_gc_is_allowed_in_test_files() {
    let src = "package p\n\nimport \"runtime\"\n\nfunc f() {\n\truntime.GC()\n}\n";
    assert_eq!(findings(src, "explicit-gc", &Options::default()).len(), 1);
    let test = Options {
        test_file: true,
        ..Options::default()
    };
    assert!(findings(src, "explicit-gc", &test).is_empty());
}

#[test]
fn assertion_gets_the_comma_ok_form_and_returns_an_error() {
    let src = "package p\n\nimport (\n\t\"fmt\"\n\t\"io\"\n)\n\nfunc f(v any) (int, error) {\n\tc := v.(io.Closer)\n\treturn 0, c.Close()\n}\n\nvar _ = fmt.Sprint\n";
    let (out, preferred) = fixed(src, "unchecked-type-assertion");
    assert!(!preferred);
    assert!(
        out.contains("\tc, ok := v.(io.Closer)\n\tif !ok {\n\t\treturn 0, fmt.Errorf(\"unexpected type %T, want io.Closer\", v)\n\t}\n\treturn 0, c.Close()\n"),
        "{out}"
    );
}

#[test]
fn assertion_in_a_function_without_results_returns() {
    let src = "package p\n\nfunc f(v any) {\n\tn := v.(int)\n\tprintln(n)\n}\n";
    let (out, _) = fixed(src, "unchecked-type-assertion");
    assert!(
        out.contains("\tn, ok := v.(int)\n\tif !ok {\n\t\treturn\n\t}\n"),
        "{out}"
    );
}

#[test]
fn assertion_fix_only_where_mechanical() {
    for src in [
        // A result that cannot be returned as zero value and error.
        "package p\n\nfunc f(v any) int {\n\tn := v.(int)\n\treturn n\n}\n",
        // `ok` already names something in the function.
        "package p\n\nfunc f(v any, ok bool) {\n\tn := v.(int)\n\tprintln(n, ok)\n}\n",
        // Not bound to a variable.
        "package p\n\nfunc f(v any) {\n\tprintln(v.(int))\n}\n",
    ] {
        let found = findings(src, "unchecked-type-assertion", &Options::default());
        assert_eq!(found.len(), 1, "{src}");
        assert!(found[0].fix.is_none(), "unexpected fix for\n{src}");
    }
}
