//! Rules about data races that need the other files of a package: a
//! method started as goroutines in one file that writes its receiver in
//! another, checked by `--check`.

use crate::common::cli::{found, gohint, stdout, write};

/// A pool starting its workers on one receiver; the worker is in b.go.
const POOL: &str = "package pool\n\nimport \"sync\"\n\ntype pool struct {\n\tmu   sync.Mutex\n\tdone int\n}\n\n\
                    func (p *pool) start(n int) {\n\tfor i := 0; i < n; i++ {\n\t\tgo p.worker()\n\t}\n}\n\n\
                    func (p *pool) count() int {\n\tp.mu.Lock()\n\tdefer p.mu.Unlock()\n\treturn p.done\n}\n";

#[test]
fn a_worker_writing_its_receiver_in_another_file_is_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "a.go", POOL);
    write(
        dir.path(),
        "b.go",
        "package pool\n\nfunc (p *pool) worker() {\n\tp.finish()\n}\n\nfunc (p *pool) finish() {\n\tp.done++\n}\n",
    );
    assert_eq!(
        found(dir.path(), "concurrent-method-without-lock"),
        vec!["a.go:12"]
    );
    // The helper locks on entry: the write is guarded.
    write(
        dir.path(),
        "b.go",
        "package pool\n\nfunc (p *pool) worker() {\n\tp.finish()\n}\n\nfunc (p *pool) finish() {\n\tp.mu.Lock()\n\tdefer p.mu.Unlock()\n\tp.done++\n}\n",
    );
    assert!(found(dir.path(), "concurrent-method-without-lock").is_empty());
}

#[test]
fn the_write_in_another_file_is_the_related_location() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "a.go", POOL);
    write(
        dir.path(),
        "b.go",
        "package pool\n\nfunc (p *pool) worker() {\n\tp.done = 1\n}\n",
    );
    let out = gohint(&["--check", ".", "--format", "text"], dir.path());
    let text = stdout(&out);
    assert!(
        text.contains("`worker` writes `p.done` here with no mutex held at b.go:4:2"),
        "{text}"
    );
}
