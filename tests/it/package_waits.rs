//! Rules about waiting that need the other files of a package: a Cond
//! waited on in one file and signalled in another, checked by `--check`.

use crate::common::cli::{found, write};

/// A queue waiting on `q.ready` (no file here locks with `Lock()`: the
/// folder is read for its `Wait()`).
const WAITER: &str =
    "package q\n\nimport \"sync\"\n\ntype queue struct {\n\tready *sync.Cond\n\tn     int\n}\n\n\
                      func (q *queue) take() {\n\tfor q.n == 0 {\n\t\tq.ready.Wait()\n\t}\n}\n";

#[test]
fn a_cond_signalled_in_another_file_is_not_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "a.go", WAITER);
    write(
        dir.path(),
        "b.go",
        "package q\n\nfunc (q *queue) put() {\n\tq.n++\n}\n",
    );
    assert_eq!(found(dir.path(), "cond-never-signalled"), vec!["a.go:12"]);
    write(
        dir.path(),
        "b.go",
        "package q\n\nfunc (q *queue) put() {\n\tq.n++\n\tq.ready.Broadcast()\n}\n",
    );
    assert!(found(dir.path(), "cond-never-signalled").is_empty());
    // Handed to another file's function, which may signal it.
    write(
        dir.path(),
        "b.go",
        "package q\n\nfunc (q *queue) start(notify func(c interface{})) {\n\tnotify(q.ready)\n}\n",
    );
    assert!(found(dir.path(), "cond-never-signalled").is_empty());
}

/// A crawler waiting for its workers while holding the lock.
const CRAWLER: &str = "package c\n\nimport \"sync\"\n\ntype crawler struct {\n\tmu   sync.Mutex\n\twg   sync.WaitGroup\n\tseen map[string]bool\n}\n\n\
                       func (c *crawler) run(urls []string) {\n\tc.mu.Lock()\n\tdefer c.mu.Unlock()\n\tfor _, u := range urls {\n\t\tc.wg.Add(1)\n\t\tgo c.visit(u)\n\t}\n\tc.wg.Wait()\n}\n";

#[test]
fn a_wait_group_whose_workers_in_another_file_lock_first_is_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "a.go", CRAWLER);
    write(
        dir.path(),
        "b.go",
        "package c\n\nfunc (c *crawler) visit(u string) {\n\tdefer c.wg.Done()\n\tc.mu.Lock()\n\tc.seen[u] = true\n\tc.mu.Unlock()\n}\n",
    );
    assert_eq!(
        found(dir.path(), "lock-held-across-blocking-op"),
        vec!["a.go:18"]
    );
    // Done before the lock: the wait can end.
    write(
        dir.path(),
        "b.go",
        "package c\n\nfunc (c *crawler) visit(u string) {\n\tc.wg.Done()\n\tc.mu.Lock()\n\tc.seen[u] = true\n\tc.mu.Unlock()\n}\n",
    );
    assert!(found(dir.path(), "lock-held-across-blocking-op").is_empty());
}
