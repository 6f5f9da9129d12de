//! The quick fixes of the channel and goroutine rules, applied to real
//! findings: the edited source is what a user would expect, and only
//! certain fixes are marked preferred.

use gohint::analysis::{Analyzer, Fix, GoVersion, Options};

/// The source after applying the fix of the one finding of `slug` in
/// `body` (wrapped in a function), and whether that fix is preferred.
fn fixed(slug: &str, body: &str) -> Option<(String, bool)> {
    let src = format!("package p\n\nfunc f(x bool, g func(chan int)) {{\n{body}\n}}\n");
    let findings = Analyzer::new()
        .analyze(src.as_bytes(), &Options::default())
        .ok()?;
    let mut mine = findings.iter().filter(|f| f.rule.slug == slug);
    let finding = mine.next()?;
    assert!(
        mine.next().is_none(),
        "more than one {slug} finding in:\n{src}"
    );
    let fix = finding.fix.as_ref()?;
    let out = crate::common::apply_fixes(&src, [fix]).expect("the fix applies");
    let start = out.find('{')? + 2;
    let end = out.rfind("\n}")?;
    Some((out[start..end].to_string(), fix.preferred))
}

#[test]
fn unbuffered_sends_get_a_buffer_of_their_count() {
    let body = "\tch := make(chan int)\n\tch <- 1\n\tch <- 2\n\tg(ch)";
    assert_eq!(
        fixed("unbuffered-send-deadlock", body),
        Some((
            "\tch := make(chan int, 2)\n\tch <- 1\n\tch <- 2\n\tg(ch)".to_string(),
            true
        ))
    );
}

#[test]
fn constant_loops_count_every_iteration() {
    let body =
        "\tch := make(chan int, 0)\n\tfor i := 0; i < 3; i++ {\n\t\tch <- i\n\t}\n\tgo g(ch)";
    assert_eq!(
        fixed("unbuffered-send-deadlock", body),
        Some((
            "\tch := make(chan int, 3)\n\tfor i := 0; i < 3; i++ {\n\t\tch <- i\n\t}\n\tgo g(ch)"
                .to_string(),
            true
        ))
    );
}

#[test]
fn conditional_sends_make_the_fix_a_suggestion() {
    let body = "\tch := make(chan int)\n\tch <- 1\n\tif x {\n\t\tch <- 2\n\t}\n\tg(ch)";
    let (text, preferred) = fixed("unbuffered-send-deadlock", body).expect("a fix");
    assert!(text.starts_with("\tch := make(chan int, 1)\n"), "{text}");
    assert!(!preferred);
}

#[test]
fn a_blocking_receive_has_no_buffer_fix() {
    let body = "\tch := make(chan int)\n\t<-ch\n\tg(ch)";
    assert_eq!(fixed("unbuffered-send-deadlock", body), None);
}

#[test]
fn overfilled_buffers_grow_to_the_number_of_sends() {
    let body = "\tch := make(chan int, 1)\n\tch <- 1\n\tch <- 2\n\tch <- 3\n\tgo g(ch)";
    assert_eq!(
        fixed("buffered-overfill-deadlock", body),
        Some((
            "\tch := make(chan int, 3)\n\tch <- 1\n\tch <- 2\n\tch <- 3\n\tgo g(ch)".to_string(),
            true
        ))
    );
}

#[test]
fn nil_channels_are_made_where_declared() {
    let body = "\tvar ch chan int\n\tclose(ch)";
    assert_eq!(
        fixed("close-nil-channel", body),
        Some(("\tvar ch = make(chan int)\n\tclose(ch)".to_string(), false))
    );
}

/// The fix of the first finding of `slug` in the whole file `src` under Go
/// `go` (`None`: the newest), and `src` with it applied.
fn fixed_file(src: &str, slug: &str, go: Option<&str>) -> (Fix, String) {
    let options = Options {
        go_version: go.and_then(GoVersion::parse),
        ..Options::default()
    };
    let found = Analyzer::new()
        .analyze(src.as_bytes(), &options)
        .expect("valid Go");
    let Some(fix) = found
        .iter()
        .find(|f| f.rule.slug == slug)
        .and_then(|f| f.fix.clone())
    else {
        panic!("no {slug} finding with a fix in {found:?}");
    };
    let out = crate::common::apply_fixes(src, [&fix]).expect("the fix applies");
    (fix, out)
}

/// The findings of `slug` in `src` under Go `go`.
fn findings_of(src: &str, slug: &str, go: Option<&str>) -> usize {
    let options = Options {
        go_version: go.and_then(GoVersion::parse),
        ..Options::default()
    };
    let found = Analyzer::new()
        .analyze(src.as_bytes(), &options)
        .expect("valid Go");
    found.iter().filter(|f| f.rule.slug == slug).count()
}

#[test]
fn the_fix_removes_the_empty_default() {
    let src = "package p\n\nfunc f(in chan int) {\n\tfor {\n\t\tselect {\n\t\tcase v := <-in:\n\t\t\tprintln(v)\n\t\tdefault:\n\t\t}\n\t}\n}\n";
    let (fix, fixed) = fixed_file(src, "select-default-busy-loop", None);
    assert!(fix.preferred);
    assert_eq!(fixed, "package p\n\nfunc f(in chan int) {\n\tfor {\n\t\tselect {\n\t\tcase v := <-in:\n\t\t\tprintln(v)\n\t\t}\n\t}\n}\n");
}

#[test]
fn the_fix_gives_the_result_channel_one_slot() {
    let src = "package p\n\nimport \"time\"\n\nfunc f() int {\n\tch := make(chan int)\n\tgo func() { ch <- 1 }()\n\tselect {\n\tcase v := <-ch:\n\t\treturn v\n\tcase <-time.After(time.Second):\n\t\treturn 0\n\t}\n}\n";
    let (fix, fixed) = fixed_file(src, "goroutine-leak-unbuffered-result", None);
    assert!(fix.preferred);
    assert!(fixed.contains("ch := make(chan int, 1)"), "{fixed}");
    assert_eq!(
        findings_of(&fixed, "goroutine-leak-unbuffered-result", None),
        0
    );
}

#[test]
fn the_fix_copies_the_loop_variable_before_the_statement() {
    let src = "package p\n\nfunc f(xs []int) {\n\tfor _, x := range xs {\n\t\tgo func() { println(x) }()\n\t}\n}\n";
    let (fix, fixed) = fixed_file(src, "loop-var-capture", Some("1.21"));
    assert!(fix.preferred);
    assert!(
        fixed.contains("\t\tx := x\n\t\tgo func() { println(x) }()"),
        "{fixed}"
    );
    assert_eq!(findings_of(&fixed, "loop-var-capture", Some("1.21")), 0);
}
