//! The quick fixes of the channel rules, applied to real findings: the
//! edited source is what a user would expect, and only certain fixes are
//! marked preferred.

use gohint::analysis::{Analyzer, Options};

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
    let mut out = src.clone();
    let mut edits = fix.edits.clone();
    edits.sort_by_key(|e| std::cmp::Reverse(e.range.start));
    for e in edits {
        out.replace_range(e.range.clone(), &e.text);
    }
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
