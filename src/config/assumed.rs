//! What is assumed when nothing gives a Go version (no `go.mod` `go` line,
//! no `go_version` setting): the newest Go, and what that does to the rules
//! that depend on the version.

/// The rules whose findings depend on the Go version, and what assuming the
/// newest Go does to each.
pub const VERSION_DEPENDENT: &[(&str, &str)] = &[
    (
        "loop-var-capture",
        "is off (loop variables are per iteration from Go 1.22)",
    ),
    (
        "shared-var-race",
        "counts a goroutine's write to a range variable as its own copy (Go 1.22)",
    ),
    (
        "receive-loop-without-ok",
        "offers its `for range` fix as preferred even where a closure captures the variable (Go 1.22)",
    ),
    (
        "time-after-in-loop",
        "does not say that each timer stays in memory until it fires (collected from Go 1.23)",
    ),
    (
        "redundant-gomaxprocs",
        "says the call also pins GOMAXPROCS against the container's CPU limit (Go 1.25)",
    ),
];

/// The note for files that no `go.mod` or setting gives a Go version:
/// which version was assumed, what that changed, and how to set it.
/// `setting` names the key where it is read (`go_version` in `gohint.toml`,
/// and also `goVersion` in the editor).
pub fn newest_go_note(setting: &str) -> String {
    let changes: Vec<String> = VERSION_DEPENDENT
        .iter()
        .map(|(rule, what)| format!("{rule} {what}"))
        .collect();
    format!(
        "no go.mod gives a Go version, so the newest Go is assumed: {}; set {setting} (such as \"1.21\") to check for an older Go",
        changes.join("; ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::CATALOGUE;

    #[test]
    fn names_real_rules_and_the_setting() {
        for (rule, _) in VERSION_DEPENDENT {
            assert!(CATALOGUE.find(rule).is_some(), "{rule}");
        }
        let note = newest_go_note("`go_version` in gohint.toml");
        assert!(note.contains("loop-var-capture is off"), "{note}");
        assert!(note.ends_with("to check for an older Go"), "{note}");
    }
}
