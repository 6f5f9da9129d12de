//! Corrections to the corpus for current Go. The user's text stays as
//! written; each correction is anchored to the passages it corrects and is
//! shown wherever one of them is shown, with the Go specification, package
//! documentation or release note that backs it. `docs/corpus-audit.md` is the
//! reviewed record behind every entry (the ids match).

/// A correction of one or more passages of one answer.
#[derive(Debug)]
pub struct Erratum {
    /// Its id in `docs/corpus-audit.md` (`E1`, `E2`, …).
    pub id: &'static str,
    /// Corpus question id.
    pub question: &'static str,
    /// Exact quotes from that answer; the correction applies wherever one of
    /// them is shown.
    pub passages: &'static [&'static str],
    /// The correction, one or two sentences (markdown); `None` when the
    /// passage is wrong beyond a note and is never shown at all.
    pub note: Option<&'static str>,
    /// Where Go documents the correct behaviour.
    pub reference: &'static str,
}

impl Erratum {
    /// Whether `shown` holds one of the passages this erratum corrects.
    pub fn applies_to(&self, shown: &str) -> bool {
        self.passages.iter().any(|p| shown.contains(p))
    }
}

/// Every correction, in the order of `docs/corpus-audit.md`.
pub static ERRATA: &[Erratum] = &[
    Erratum {
        id: "E1",
        question: "how-does-go-handle-dependencies",
        passages: &["The `go get` command is used to download and install dependencies."],
        note: Some("in module mode `go get` only adds, upgrades or removes dependencies in `go.mod`; \
                    `go install pkg@version` builds and installs commands."),
        reference: "https://go.dev/doc/go-get-install-deprecation",
    },
    Erratum {
        id: "E2",
        question: "what-is-the-difference-between-go-build-and-go-run-",
        passages: &["Slower due to temporary compilation"],
        note: Some("the program `go run` builds runs exactly as fast as one from `go build` (only the compile \
                    before it is extra, and it is cached), and `go run` takes the same build flags \
                    (`-race`, `-tags`, `-ldflags`, …)."),
        reference: "`go help run` and `go help build`",
    },
    Erratum {
        id: "E3",
        question: "how-does-go-handle-race-conditions",
        passages: &[
            "Channels can also be used for synchronization by ensuring that only one goroutine writes to a variable at a time.",
            "done <- struct{}{} // Signal that the increment is done",
        ],
        note: Some("the channel program under this item still has a data race (`go run -race` reports it): \
                    both goroutines increment `counter` at once and the channel only says that they \
                    finished. Let one goroutine own `counter` and send it the increments, or use a mutex or \
                    `atomic.Int64`."),
        reference: "https://go.dev/ref/mem",
    },
    Erratum {
        id: "E4",
        question: "what-is-the-select-statement-used-for",
        passages: &[
            "This occurs after approximately 1 second",
            "fmt.Println(\"No communication ready.\")",
        ],
        note: Some("with its `default` case this `select` does not wait: no channel is ready at that \
                    instant, so the program prints `No communication ready.` at once. Without the \
                    `default` case it prints `Received from channel1: 42` after about a second."),
        reference: "https://go.dev/ref/spec#Select_statements",
    },
    Erratum {
        id: "E5",
        question: "how-can-you-limit-the-number-of-goroutines-running-concurrently",
        passages: &["use the `sync.WaitGroup` to control the number of concurrent goroutines"],
        note: Some("a `sync.WaitGroup` only waits for goroutines to finish; it limits nothing. Bound them \
                    with a buffered channel used as a semaphore, a fixed pool of workers, \
                    `errgroup.Group.SetLimit` or `golang.org/x/sync/semaphore`."),
        reference: "https://pkg.go.dev/sync#WaitGroup",
    },
    Erratum {
        id: "E6",
        question: "how-does-garbage-collection-work-in-go",
        passages: &["Example of a write barrier:"],
        note: Some("since Go 1.8 the write barrier is a hybrid (Yuasa deletion plus Dijkstra insertion): it \
                    also shades the pointer being overwritten, so stacks need no re-scan; the example \
                    shows only an insertion barrier."),
        reference: "https://go.googlesource.com/proposal/+/master/design/17503-eliminate-rescan.md",
    },
    Erratum {
        id: "E7",
        question: "how-does-go-handle-slice-growth-when-capacity-is-insufficient",
        passages: &["If the current capacity is less than 1024, double it."],
        note: Some("that is the rule before Go 1.18. Since Go 1.18 the capacity doubles up to 256 \
                    elements, then growth eases from 2× towards 1.25× (`newcap += (newcap + 3*256) / 4`), \
                    and the result is rounded up to a memory size class."),
        reference: "https://go.dev/doc/go1.18 and runtime/slice.go",
    },
    Erratum {
        id: "E8",
        question: "how-does-go-handel-memory-allocation",
        passages: &["Go has a special optimization for tiny allocations (objects ≤16 bytes):"],
        note: Some("only objects smaller than 16 bytes that hold no pointers go to the tiny allocator."),
        reference: "runtime/malloc.go",
    },
    Erratum {
        id: "E9",
        question: "how-does-go-handel-memory-allocation",
        passages: &["Use a separate free list for efficient reuse."],
        note: Some("a large object gets its own span of whole pages from the heap's page allocator; there \
                    is no free list of large objects."),
        reference: "runtime/malloc.go and runtime/mpagealloc.go",
    },
    Erratum {
        id: "E10",
        question: "how-does-go-handel-memory-allocation",
        passages: &["pprof.WriteHeapProfile(f)"],
        note: Some("written before the work, the profile shows nothing of the program: write it after the \
                    work (after `runtime.GC()` for up-to-date figures)."),
        reference: "https://pkg.go.dev/runtime/pprof#WriteHeapProfile",
    },
    Erratum {
        id: "E11",
        question: "what-are-the-empty-interface-and-type-assertions",
        passages: &["The empty interface `interface{}` can hold values of any type."],
        note: Some("since Go 1.18 `any` is a predeclared alias for `interface{}`."),
        reference: "https://go.dev/doc/go1.18#generics and https://go.dev/ref/spec#Interface_types",
    },
    Erratum {
        id: "E12",
        question: "how-does-go-handle-panics",
        passages: &["This line won't be reached due to panic"],
        note: Some("it is reached: the deferred `recoverFromPanic` stops the panic, `riskyFunction` returns \
                    normally and `main` goes on to print `End` (the output listed is missing that line)."),
        reference: "https://go.dev/ref/spec#Handling_panics",
    },
    Erratum {
        id: "E13",
        question: "how-does-go-handle-panics",
        passages: &["It must be called within a deferred function to be effective"],
        note: Some("`recover` must be called *directly* by the deferred function: called one call deeper, \
                    it returns `nil` and the panic goes on."),
        reference: "https://go.dev/ref/spec#Handling_panics",
    },
    Erratum {
        id: "E14",
        question: "explain-the-concept-of-goroutine-leaks-and-how-to-avoid-them",
        passages: &["is never collected by the garbage collector"],
        note: Some("the garbage collector never collects a goroutine: one blocked forever keeps its stack \
                    and everything it references until the program exits."),
        reference: "https://go.dev/doc/gc-guide",
    },
    Erratum {
        id: "E15",
        question: "explain-the-concept-of-type-embedding-in-go",
        passages: &["Grade:  A,"],
        note: Some("the example does not compile: `A` is undefined (and `Grade` is an `int`), so write e.g. `Grade: 1`."),
        reference: "https://go.dev/ref/spec#Struct_types",
    },
    Erratum {
        id: "E16",
        question: "what-is-the-purpose-of-the-sync-package-in-go",
        passages: &[
            "type Mutex struct {",
            "type RWMutex struct {",
            "type WaitGroup struct {",
            "type Once struct {",
            "type Cond struct {",
        ],
        note: Some("the `sync` source shown is simplified pseudo-code; the real types use `sync/atomic`, a \
                    semaphore and starvation mode, and their zero values must not be copied after first use."),
        reference: "https://pkg.go.dev/sync and https://go.dev/src/sync/mutex.go",
    },
    Erratum {
        id: "E17",
        question: "what-is-the-purpose-of-the-sync-package-in-go",
        passages: &["Wait atomically releases the mutex and waits for notification."],
        note: Some("`Wait` also locks `c.L` again before it returns, and a woken waiter must re-check its \
                    condition in a loop."),
        reference: "https://pkg.go.dev/sync#Cond.Wait",
    },
    Erratum {
        id: "E18",
        question: "explain-the-concept-of-method-overriding-in-go",
        passages: &["dog.Speak() // Calls Dog.Speak()"],
        note: Some("this is shadowing, not overriding: a method of `Animal` that calls `a.Speak()` still \
                    calls `Animal.Speak`, because embedding has no virtual dispatch; use an interface for that."),
        reference: "https://go.dev/ref/spec#Selectors",
    },
    Erratum {
        id: "E19",
        question: "what-is-the-purpose-of-the-os-package-in-go",
        passages: &["fmt.Println(\"File contents:\", string(data))"],
        note: Some("`Read` returns how many bytes it read: print `string(data[:n])`, not the whole buffer; \
                    `os.ReadFile` reads a whole file."),
        reference: "https://pkg.go.dev/os#File.Read",
    },
    Erratum {
        id: "E20",
        question: "explain-the-concept-of-method-sets-and-pointer-receivers-in-go",
        passages: &[
            "The method set is affected by whether the receiver is a pointer or a value",
            "methods with value receivers can only be called on value types",
        ],
        note: Some("methods with value receivers are in the method set of `*T` too, so they ARE callable on \
                    pointers; it is pointer-receiver methods that are missing from the method set of `T` \
                    (a call `v.M()` on an addressable value is shorthand for `(&v).M()`)."),
        reference: "https://go.dev/ref/spec#Method_sets and https://go.dev/ref/spec#Calls",
    },
    Erratum {
        id: "E21",
        question: "explain-the-concept-of-type-assertions-in-go",
        passages: &["otherwise, it returns the zero value of the specified type and a boolean"],
        note: Some("only the two-value form `v, ok := x.(T)` yields the zero value and `false` on failure; \
                    the single-value form `v := x.(T)` panics."),
        reference: "https://go.dev/ref/spec#Type_assertions",
    },
    Erratum {
        id: "E22",
        question: "what-is-the-gpm-model-in-go",
        passages: &["Number of Ms can be limited by GOMAXPROCS"],
        note: Some("GOMAXPROCS limits how many Ms run Go code at the same time (the number of Ps), not how \
                    many OS threads exist: threads blocked in system calls or cgo are extra, and the total \
                    is capped by `debug.SetMaxThreads` (10,000 by default)."),
        reference: "https://pkg.go.dev/runtime#GOMAXPROCS and https://pkg.go.dev/runtime/debug#SetMaxThreads",
    },
    Erratum {
        id: "E23",
        question: "what-is-the-gpm-model-in-go",
        passages: &["threads: %d\\n\", runtime.GOMAXPROCS(-1))", "Threads: %d\\n\", runtime.GOMAXPROCS(-1))"],
        note: Some("`runtime.GOMAXPROCS(-1)` reports the number of Ps (how many goroutines run Go code at \
                    once), not the number of OS threads."),
        reference: "https://pkg.go.dev/runtime#GOMAXPROCS",
    },
    Erratum {
        id: "E24",
        question: "what-is-the-gpm-model-in-go",
        passages: &["Implemented as a lock-free ring buffer"],
        note: Some("the global run queue is a linked list guarded by the scheduler lock; it is each P's local \
                    run queue (256 entries) that is a lock-free ring buffer."),
        reference: "runtime/runtime2.go and runtime/proc.go",
    },
    Erratum {
        id: "E25",
        question: "what-is-the-gpm-model-in-go",
        passages: &["When a goroutine blocks (e.g., on I/O or channel operations):"],
        note: Some("only a blocking system call (or cgo call) makes the M hand its P to another M. A goroutine \
                    blocked on a channel, a mutex, a timer or network I/O is parked, and the same M goes on \
                    running the other goroutines of its P."),
        reference: "runtime/proc.go (gopark, entersyscall)",
    },
    Erratum {
        id: "E26",
        question: "what-is-the-gpm-model-in-go",
        passages: &["Uses `runtime.Trace()` and `runtime.StopTrace()` functions"],
        note: Some("there is no `runtime.Trace()`: tracing starts with `runtime/trace.Start` and stops with \
                    `trace.Stop`; custom points are `trace.NewTask`, `trace.WithRegion` and `trace.Log`."),
        reference: "https://pkg.go.dev/runtime/trace",
    },
    Erratum {
        id: "E27",
        question: "what-is-the-gpm-model-in-go",
        passages: &[
            "which by default is the number of CPU cores available",
            "Number of Ps equals GOMAXPROCS (default is number of CPU cores)",
        ],
        note: Some("since Go 1.25 the default also follows a cgroup CPU limit on Linux and updates when it \
                    changes; calling `runtime.GOMAXPROCS(n)` turns that off (`runtime.SetDefaultGOMAXPROCS` \
                    restores it)."),
        reference: "https://go.dev/doc/go1.25#runtime",
    },
    Erratum {
        id: "E28",
        question: "what-are-the-differences-between-threads-and-coroutines",
        passages: &["In Go, goroutines are a form of coroutines"],
        note: Some("since Go 1.14 goroutines are preempted asynchronously, so unlike the cooperative \
                    coroutines described above they never need to yield."),
        reference: "https://go.dev/doc/go1.14#runtime",
    },
    Erratum {
        id: "E29",
        question: "what-is-the-implementation-principle-of-channels",
        passages: &["Two semaphores are used: one for senders and one for receivers."],
        note: Some("the runtime's channel (`hchan`) has no semaphores: one mutex guards it and blocked senders \
                    and receivers wait in two FIFO queues (`sendq`, `recvq`); the buffer is a fixed array, \
                    and closing wakes blocked senders (which panic) as well as receivers."),
        reference: "runtime/chan.go",
    },
    Erratum {
        id: "E30",
        question: "what-issues-can-arise-with-a-closed-channel",
        passages: &[
            "Check if a channel is closed before sending",
            "**Lost Messages**",
        ],
        note: Some("Go has no way to ask whether a channel is closed without receiving from it, and any such \
                    check races with the close: let only the sender close, after its last send. Buffered \
                    values are not lost by a close: receivers still get them, in order, before `ok == false`."),
        reference: "https://go.dev/ref/spec#Close and https://go.dev/ref/spec#Receive_operator",
    },
    Erratum {
        id: "E31",
        question: "what-issues-can-arise-with-a-closed-channel",
        passages: &["Closing a nil channel causes a panic."],
        note: Some("and a send to or a receive from a nil channel blocks forever (in a `select`, such a case \
                    is never chosen)."),
        reference: "https://go.dev/ref/spec#Channel_types and https://go.dev/ref/spec#Send_statements",
    },
    Erratum {
        id: "E32",
        question: "how-can-parallel-goroutines-be-implemented",
        passages: &["**Using GOMAXPROCS**"],
        note: Some("not needed: GOMAXPROCS has defaulted to the number of CPUs since Go 1.5, and since Go 1.25 \
                    this call also turns off the container-aware default."),
        reference: "https://go.dev/doc/go1.5#runtime and https://go.dev/doc/go1.25#runtime",
    },
    Erratum {
        id: "E33",
        question: "how-can-concurrent-safety-be-ensured-when-using-shared-memory-in-go",
        passages: &["Certainly! Here's an English version on how to gracefully close channels in Go:"],
        note: None,
        reference: "a stray sentence that belongs to no answer",
    },
    Erratum {
        id: "E34",
        question: "how-to-prevent-closing-a-channel-multiple-times-and-notify-other-channels-in-go",
        passages: &["cond.Signal() // Notify the waiting goroutine"],
        note: Some("this loses the notification when `Signal` runs before the goroutine calls `Wait` (running \
                    it usually prints only `Sending notification...`). Guard a condition with the lock: the \
                    waiter loops `for !ready { cond.Wait() }`, the notifier sets `ready = true` under the \
                    lock, then signals."),
        reference: "https://pkg.go.dev/sync#Cond",
    },
    Erratum {
        id: "E35",
        question: "how-to-implement-a-timeout-lock",
        passages: &["func (l *Lock) LockWithTimeout(ctx context.Context) error {"],
        note: Some("when the context times out, the goroutine started here still acquires the mutex later \
                    and nobody unlocks it: the lock is then held forever. Use a channel of capacity 1 as the \
                    lock and `select` on it and `ctx.Done()`, or poll `TryLock` (Go 1.18)."),
        reference: "https://pkg.go.dev/sync#Mutex.TryLock",
    },
    Erratum {
        id: "E36",
        question: "how-are-slices-implemented-in-go",
        passages: &["When a slice is created, it does not allocate memory for its elements"],
        note: Some("`make([]T, n, c)` and slice literals do allocate the backing array; only slicing an \
                    existing array or slice creates a slice without allocating."),
        reference: "https://go.dev/ref/spec#Making_slices_maps_and_channels",
    },
    Erratum {
        id: "E37",
        question: "how-do-new-and-make-allocate-memory-in-go-and-what-are-the-underlying-principles",
        passages: &["It generally allocates memory on the heap"],
        note: Some("escape analysis decides for `make` exactly as for `new`: a small slice or map that does \
                    not escape is allocated on the stack."),
        reference: "`go build -gcflags=-m`",
    },
    Erratum {
        id: "E38",
        question: "how-does-garbage-collection-work-in-go",
        passages: &["for gray queue is not empty {"],
        note: Some("the marking loop is pseudo-code, not Go (`for gray queue is not empty` does not \
                    compile); the runtime's loop is `gcDrain` in runtime/mgcmark.go."),
        reference: "runtime/mgcmark.go",
    },
    Erratum {
        id: "E39",
        question: "what-is-the-gpm-model-in-go",
        passages: &["result := syscall.Read(fd, buffer)"],
        note: Some("pseudo-code: `entersyscall`/`exitsyscall` are runtime internals that the `syscall` \
                    package calls itself, and `syscall.Read` returns `(n int, err error)`."),
        reference: "https://pkg.go.dev/syscall#Read and runtime/proc.go",
    },
    Erratum {
        id: "E40",
        question: "how-does-go-utilize-channels-for-communication",
        passages: &["ch := make(chan int, 5) // Buffered channel with capacity 5"],
        note: Some("the two lines are alternatives: declaring `ch` twice with `:=` in one scope does not \
                    compile."),
        reference: "https://go.dev/ref/spec#Short_variable_declarations",
    },
];

/// The corrections of question `id` that apply to `shown`, a part of its
/// answer that is about to be shown.
pub fn errata_for<'a>(id: &'a str, shown: &'a str) -> impl Iterator<Item = &'static Erratum> + 'a {
    ERRATA
        .iter()
        .filter(move |e| e.question == id && e.applies_to(shown))
}

/// `text` (a part of question `id`'s answer) without the lines holding a
/// passage that is wrong beyond a note.
pub fn without_withdrawn(id: &str, text: &str) -> String {
    let withdrawn: Vec<&str> = ERRATA
        .iter()
        .filter(|e| e.question == id && e.note.is_none())
        .flat_map(|e| e.passages.iter().copied())
        .collect();
    if !withdrawn.iter().any(|p| text.contains(p)) {
        return text.to_string();
    }
    text.lines()
        .filter(|l| !withdrawn.iter().any(|p| l.contains(p)))
        .collect::<Vec<_>>()
        .join("\n")
        .trim_end()
        .to_string()
}
