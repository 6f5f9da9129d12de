//! The quick fixes of lost-cancel, nil-map-write and append-aliasing: each
//! edit is applied to real source, checked as text and by analysing again.

use gohint::analysis::{Analyzer, Finding, Options};

/// The findings of rule `slug` in `src`.
fn findings(src: &str, slug: &str) -> Vec<Finding> {
    let found = Analyzer::new()
        .analyze(src.as_bytes(), &Options::default())
        .expect("valid Go");
    found.into_iter().filter(|f| f.rule.slug == slug).collect()
}

/// `src` with the fix of the only finding of `slug` applied, and whether
/// the fix is marked preferred.
fn fixed(src: &str, slug: &str) -> (String, bool) {
    let found = findings(src, slug);
    assert_eq!(found.len(), 1, "expected one {slug} finding in:\n{src}");
    let fix = found[0].fix.as_ref().expect("a fix");
    let out = crate::common::apply_fixes(src, [fix]).expect("the fix applies");
    (out, fix.preferred)
}

#[test]
fn lost_cancel_defers_the_named_cancel() {
    let src = "package p\n\nimport \"context\"\n\nfunc f(ctx context.Context) error {\n\tctx, cancel := context.WithCancel(ctx)\n\t_ = cancel\n\treturn ctx.Err()\n}\n";
    let (out, preferred) = fixed(src, "lost-cancel");
    assert!(
        out.contains("\tctx, cancel := context.WithCancel(ctx)\n\tdefer cancel()\n\t_ = cancel\n"),
        "{out}"
    );
    assert!(preferred);
    assert!(
        findings(&out, "lost-cancel").is_empty(),
        "still flagged:\n{out}"
    );
}

#[test]
fn lost_cancel_names_a_discarded_cancel() {
    let src = "package p\n\nimport (\n\t\"context\"\n\t\"time\"\n)\n\nfunc f(ctx context.Context, cancel int) error {\n\tif cancel > 0 {\n\t\tctx, _ := context.WithTimeout(ctx, time.Second)\n\t\treturn ctx.Err()\n\t}\n\treturn nil\n}\n";
    let (out, _) = fixed(src, "lost-cancel");
    assert!(
        out.contains(
            "\t\tctx, cancel2 := context.WithTimeout(ctx, time.Second)\n\t\tdefer cancel2()\n"
        ),
        "{out}"
    );
    assert!(
        findings(&out, "lost-cancel").is_empty(),
        "still flagged:\n{out}"
    );
}

#[test]
fn lost_cancel_in_a_loop_is_not_preferred() {
    let src = "package p\n\nimport \"context\"\n\nfunc f(ctx context.Context, n int) {\n\tfor i := 0; i < n; i++ {\n\t\tc, _ := context.WithCancel(ctx)\n\t\t_ = c\n\t}\n}\n";
    let (_, preferred) = fixed(src, "lost-cancel");
    assert!(!preferred, "a defer in a loop only runs at return");
}

#[test]
fn nil_map_write_makes_the_map() {
    let src = "package p\n\nfunc f(keys []string) {\n\tvar seen map[string]bool\n\tfor _, k := range keys {\n\t\tseen[k] = true\n\t}\n}\n";
    let (out, preferred) = fixed(src, "nil-map-write");
    assert!(
        out.contains("\tvar seen = make(map[string]bool)\n"),
        "{out}"
    );
    assert!(preferred);
    assert!(
        findings(&out, "nil-map-write").is_empty(),
        "still flagged:\n{out}"
    );
}

#[test]
fn append_aliasing_forces_a_copy() {
    let src = "package p\n\nfunc f(opts []string) []string {\n\tall := append(opts, \"x\")\n\treturn all\n}\n";
    let (out, preferred) = fixed(src, "append-aliasing");
    assert!(
        out.contains("\tall := append(opts[:len(opts):len(opts)], \"x\")\n"),
        "{out}"
    );
    assert!(!preferred);
    assert!(
        findings(&out, "append-aliasing").is_empty(),
        "still flagged:\n{out}"
    );
}
