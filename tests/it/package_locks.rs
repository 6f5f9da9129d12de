//! Package-level mutexes across the files of a package: a function that
//! holds one calls a function of another file that locks it again, or
//! that locks a second one another function takes in the other order,
//! checked by `--check`.

use crate::common::cli::{found, gohint, stdout, write};

/// The mutexes, declared in a file that locks nothing itself.
const VARS: &str = "package reg\n\nimport \"sync\"\n\nvar (\n\tmu   sync.Mutex\n\ta, b sync.Mutex\n)\n\nvar entries = map[string]int{}\n";

/// Functions that hold `mu` and `a`, calling into b.go.
const CALLERS: &str = "package reg\n\n\
                       func add(k string) {\n\tmu.Lock()\n\tdefer mu.Unlock()\n\tentries[k]++\n\tflush()\n}\n\n\
                       func first() {\n\ta.Lock()\n\tdefer a.Unlock()\n\tsecond()\n}\n";

/// A package of `vars.go`, `a.go` ([`CALLERS`]) and `b.go` holding `b`.
fn package(b: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "vars.go", VARS);
    write(dir.path(), "a.go", CALLERS);
    write(dir.path(), "b.go", b);
    dir
}

#[test]
fn a_function_of_another_file_locking_the_held_mutex_again_is_reported() {
    let dir = package(
        "package reg\n\nfunc flush() {\n\tmu.Lock()\n\tdefer mu.Unlock()\n\tentries = map[string]int{}\n}\n\nfunc second() {}\n",
    );
    assert_eq!(found(dir.path(), "recursive-lock"), vec!["a.go:7"]);
    let out = gohint(&["--check", ".", "--format", "text"], dir.path());
    let text = stdout(&out);
    assert!(text.contains("`flush` locks it here at b.go:4:2"), "{text}");
    // A local of the same name in the callee is not the package's mutex.
    write(
        dir.path(),
        "b.go",
        "package reg\n\nimport \"sync\"\n\nfunc flush() {\n\tvar mu sync.Mutex\n\tmu.Lock()\n\tdefer mu.Unlock()\n}\n\nfunc second() {}\n",
    );
    assert!(found(dir.path(), "recursive-lock").is_empty());
}

#[test]
fn package_mutexes_taken_in_both_orders_across_files_are_reported() {
    let dir = package(
        "package reg\n\nfunc flush() {}\n\n\
         func second() {\n\tb.Lock()\n\tdefer b.Unlock()\n}\n\n\
         func reverse() {\n\tb.Lock()\n\tdefer b.Unlock()\n\ta.Lock()\n\ta.Unlock()\n}\n",
    );
    assert_eq!(
        found(dir.path(), "lock-order-inversion"),
        vec!["a.go:13", "b.go:13"]
    );
    let out = gohint(&["--check", ".", "--format", "text"], dir.path());
    let text = stdout(&out);
    assert!(
        text.contains("`second` locks it here at b.go:6:2"),
        "{text}"
    );
    // Released before the other is taken: one order only.
    write(
        dir.path(),
        "b.go",
        "package reg\n\nfunc flush() {}\n\n\
         func second() {\n\tb.Lock()\n\tdefer b.Unlock()\n}\n\n\
         func reverse() {\n\tb.Lock()\n\tb.Unlock()\n\ta.Lock()\n\ta.Unlock()\n}\n",
    );
    assert!(found(dir.path(), "lock-order-inversion").is_empty());
}
