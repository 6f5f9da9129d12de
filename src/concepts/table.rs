//! The concept table: each Go construct that `queries/concepts.scm`
//! recognises, and the corpus questions that explain it, most specific
//! first.

use super::{Cite, Concept};

/// A citation of a whole question (its first paragraph).
const fn q(question: &'static str) -> Cite {
    Cite {
        question,
        topic: None,
    }
}

/// A citation of the part of a question's answer about `topic`.
const fn t(question: &'static str, topic: &'static str) -> Cite {
    Cite {
        question,
        topic: Some(topic),
    }
}

/// Question ids cited more than once.
const PANICS: &str = "how-does-go-handle-panics";
const SYNC: &str = "what-is-the-purpose-of-the-sync-package-in-go";
const CHANNEL_USE: &str = "how-does-go-utilize-channels-for-communication";
const EMPTY_INTERFACE: &str = "what-are-the-empty-interface-and-type-assertions";
const NEW_MAKE: &str =
    "how-do-new-and-make-allocate-memory-in-go-and-what-are-the-underlying-principles";
const ALLOCATION: &str = "how-does-go-handel-memory-allocation";
const ESCAPE: &str = "what-is-escape-analysis-in-go";
const TESTS: &str = "how-do-you-write-tests-in-go";
const TABLE_TESTS: &str = "what-is-table-driven-testing";
const GPM: &str = "what-is-the-gpm-model-in-go";
const BEST_PRACTICES: &str = "what-are-some-best-practices-for-writing-efficient-go-code";
const SAFETY: &str = "explain-the-concept-of-goroutine-safety-and-how-to-achieve-it";
const SHARED_MEMORY: &str = "how-can-concurrent-safety-be-ensured-when-using-shared-memory-in-go";
const METHOD_SETS: &str = "explain-the-concept-of-method-sets-and-pointer-receivers-in-go";

/// Every concept, in the order `gohint` lists them.
pub static CONCEPTS: &[Concept] = &[
    Concept {
        name: "go-statement",
        label: "`go` statement: starts a goroutine",
        cites: &[
            q("what-is-a-goroutine"),
            q("what-is-the-gpm-model-in-go"),
            q("explain-the-concept-of-goroutine-leaks-and-how-to-avoid-them"),
            q("why-shouldnt-we-use-a-large-number-of-goroutines"),
            q("is-there-a-limit-to-the-number-of-goroutines-that-can-be-created-in-go"),
            q("what-are-the-differences-between-threads-and-coroutines"),
            q("what-is-the-difference-between-concurrency-and-parallelism"),
        ],
    },
    Concept {
        name: "make-chan",
        label: "`make(chan T[, n])`: creates a channel",
        cites: &[
            q("whats-the-difference-between-buffered-and-unbuffered-channels"),
            t(CHANNEL_USE, "Creation"),
            q("what-is-the-implementation-principle-of-channels"),
        ],
    },
    Concept {
        name: "channel-type",
        label: "channel type",
        cites: &[
            q("what-is-a-channel-in-go"),
            t(CHANNEL_USE, "Directional Channels"),
        ],
    },
    Concept {
        name: "channel-send",
        label: "channel send `ch <- v`",
        cites: &[
            t(CHANNEL_USE, "Sending Data"),
            q("what-is-the-difference-between-unbuffered-and-buffered-channels"),
        ],
    },
    Concept {
        name: "channel-receive",
        label: "channel receive `<-ch`",
        cites: &[
            t(CHANNEL_USE, "Receiving Data"),
            q("what-is-the-difference-between-unbuffered-and-buffered-channels"),
        ],
    },
    Concept {
        name: "range-channel",
        label: "`for v := range ch`: receives until the channel is closed",
        cites: &[
            t(CHANNEL_USE, "Range Over Channels"),
            q("what-issues-can-arise-with-a-closed-channel"),
            q("how-to-gracefully-closing-channels-in-go"),
        ],
    },
    Concept {
        name: "close",
        label: "`close(ch)`: closes a channel",
        cites: &[
            q("what-issues-can-arise-with-a-closed-channel"),
            t(CHANNEL_USE, "Closing Channels"),
            q("how-to-gracefully-closing-channels-in-go"),
        ],
    },
    Concept {
        name: "select",
        label: "`select` statement",
        cites: &[
            q("what-is-the-select-statement-used-for"),
            q("what-is-the-purpose-of-the-select-statement-in-go"),
        ],
    },
    Concept {
        name: "defer",
        label: "`defer` statement",
        cites: &[t(PANICS, "2. **Defer**")],
    },
    Concept {
        name: "panic",
        label: "`panic(v)`",
        cites: &[t(PANICS, "1. **Panic**")],
    },
    Concept {
        name: "recover",
        label: "`recover()`",
        cites: &[t(PANICS, "3. **Recover**")],
    },
    Concept {
        name: "append",
        label: "`append`: grows a slice",
        cites: &[
            q("how-does-go-handle-slice-growth-when-capacity-is-insufficient"),
            q("what-are-slices-in-go"),
            q("how-are-slices-implemented-in-go"),
        ],
    },
    Concept {
        name: "sync-mutex",
        label: "`sync.Mutex`",
        cites: &[
            t(SYNC, "sync.Mutex"),
            q("what-is-a-mutex-in-go"),
            q("are-locks-in-go-reentrant"),
            q("how-does-go-handle-race-conditions"),
            q(SAFETY),
        ],
    },
    Concept {
        name: "sync-rwmutex",
        label: "`sync.RWMutex`",
        cites: &[t(SYNC, "sync.RWMutex"), q("are-locks-in-go-reentrant")],
    },
    Concept {
        name: "sync-waitgroup",
        label: "`sync.WaitGroup`",
        cites: &[
            t(SYNC, "sync.WaitGroup"),
            q("how-can-parallel-goroutines-be-implemented"),
        ],
    },
    Concept {
        name: "sync-once",
        label: "`sync.Once`",
        cites: &[
            t(SYNC, "sync.Once"),
            t(
                "how-to-prevent-closing-a-channel-multiple-times-and-notify-other-channels-in-go",
                "sync.Once",
            ),
        ],
    },
    Concept {
        name: "sync-cond",
        label: "`sync.Cond`",
        cites: &[t(SYNC, "sync.Cond")],
    },
    Concept {
        name: "context-with",
        label: "`context.With…`: derives a cancellable context",
        cites: &[
            q("what-is-contextcontext-and-when-would-you-use-it"),
            t(
                "what-are-some-common-concurrency-patterns-in-go",
                "Cancellation and Timeouts Using Context",
            ),
        ],
    },
    Concept {
        name: "atomic",
        label: "`sync/atomic` operation",
        cites: &[
            t(
                "what-concurrency-mechanisms-does-golang-support",
                "Atomic Operations",
            ),
            t(
                "how-can-concurrent-safety-be-ensured-when-using-shared-memory-in-go",
                "Atomic Operations",
            ),
            q("how-does-go-handle-race-conditions"),
        ],
    },
    Concept {
        name: "sync-pool",
        label: "`sync.Pool`: reuses allocations",
        cites: &[
            t(SHARED_MEMORY, "sync.Pool"),
            q(BEST_PRACTICES),
            q(ALLOCATION),
        ],
    },
    Concept {
        name: "sync-map",
        label: "`sync.Map`: a concurrent map",
        cites: &[t(SHARED_MEMORY, "sync.Map"), q(SYNC), q(SAFETY)],
    },
    Concept {
        name: "context",
        label: "`context.Context`",
        cites: &[q("what-is-contextcontext-and-when-would-you-use-it")],
    },
    Concept {
        name: "make",
        label: "`make`: allocates and initialises a slice, map or channel",
        cites: &[t(NEW_MAKE, "make"), q(ALLOCATION), q(BEST_PRACTICES)],
    },
    Concept {
        name: "semaphore",
        label: "`make(chan struct{}, n)`: a channel used as a semaphore or lock",
        cites: &[
            q("how-can-you-limit-the-number-of-goroutines-running-concurrently"),
            q("how-can-distributed-locks-be-implemented-in-a-cluster-using-channels"),
            q("whats-the-difference-between-buffered-and-unbuffered-channels"),
        ],
    },
    Concept {
        name: "new",
        label: "`new(T)`: allocates a zeroed `T`",
        cites: &[q(NEW_MAKE), q(ALLOCATION), q(ESCAPE)],
    },
    Concept {
        name: "escape",
        label: "`&T{…}`: the address of a composite literal",
        cites: &[q(ESCAPE), q(ALLOCATION)],
    },
    Concept {
        name: "map",
        label: "map type",
        cites: &[q("how-do-you-create-a-map-in-go"), q(NEW_MAKE)],
    },
    Concept {
        name: "slice-type",
        label: "slice type",
        cites: &[
            q("what-are-slices-in-go"),
            q("how-are-slices-implemented-in-go"),
            q("how-does-go-handle-slice-growth-when-capacity-is-insufficient"),
        ],
    },
    Concept {
        name: "interface",
        label: "interface type",
        cites: &[
            q("what-are-interfaces-in-go"),
            q("how-does-go-implement-polymorphism"),
            q("how-does-go-support-object-oriented-programming"),
        ],
    },
    Concept {
        name: "empty-interface",
        label: "the empty interface (`interface{}` / `any`)",
        cites: &[q(EMPTY_INTERFACE), q("what-are-interfaces-in-go")],
    },
    Concept {
        name: "type-assertion",
        label: "type assertion `x.(T)`",
        cites: &[
            q("explain-the-concept-of-type-assertions-in-go"),
            q(EMPTY_INTERFACE),
        ],
    },
    Concept {
        name: "type-switch",
        label: "type switch",
        cites: &[
            q(EMPTY_INTERFACE),
            q("explain-the-concept-of-type-assertions-in-go"),
        ],
    },
    Concept {
        name: "struct",
        label: "struct type declaration",
        cites: &[
            q("how-does-go-support-object-oriented-programming"),
            q("explain-the-concept-of-type-embedding-in-go"),
        ],
    },
    Concept {
        name: "embedded-field",
        label: "embedded field",
        cites: &[
            q("explain-the-concept-of-type-embedding-in-go"),
            q("how-do-you-achieve-inheritance-in-go"),
            q("explain-the-concept-of-method-overriding-in-go"),
        ],
    },
    Concept {
        name: "method",
        label: "method receiver",
        cites: &[
            q("what-are-methods-in-go"),
            q(METHOD_SETS),
            q("explain-the-concept-of-method-overriding-in-go"),
        ],
    },
    Concept {
        name: "pointer-receiver",
        label: "pointer receiver",
        cites: &[q(METHOD_SETS), q("what-are-methods-in-go")],
    },
    Concept {
        name: "generics",
        label: "type parameters / type arguments",
        cites: &[q("how-does-go-support-generics")],
    },
    Concept {
        name: "init-func",
        label: "`func init()`",
        cites: &[q("what-is-the-purpose-of-the-init-function")],
    },
    Concept {
        name: "main-package",
        label: "`package main` / `func main`: a command",
        cites: &[q("what-is-the-difference-between-go-build-and-go-run-")],
    },
    Concept {
        name: "func-literal",
        label: "function literal (closure)",
        cites: &[
            q("explain-the-concept-of-function-literals-and-closures-in-go"),
            q("explain-the-concept-of-function-composition-in-go"),
        ],
    },
    Concept {
        name: "function-type",
        label: "function type",
        cites: &[
            q("explain-the-concept-of-function-composition-in-go"),
            q("explain-the-concept-of-function-literals-and-closures-in-go"),
        ],
    },
    Concept {
        name: "error-type",
        label: "the `error` type",
        cites: &[q("how-do-you-handle-errors-in-go")],
    },
    Concept {
        name: "err-check",
        label: "`err` checked against `nil`",
        cites: &[q("how-do-you-handle-errors-in-go")],
    },
    Concept {
        name: "basic-type",
        label: "basic type",
        cites: &[q("what-are-the-basic-types-in-go")],
    },
    Concept {
        name: "import",
        label: "import path: a dependency",
        cites: &[q("how-does-go-handle-dependencies")],
    },
    Concept {
        name: "distributed-lock",
        label: "import of a distributed-lock backend",
        cites: &[
            q("what-types-of-distributed-locks-are-there"),
            q("how-does-go-handle-dependencies"),
        ],
    },
    Concept {
        name: "doc-comment",
        label: "doc comment",
        cites: &[q("how-do-you-document-go-code")],
    },
    Concept {
        name: "build-constraint",
        label: "build constraint / target platform",
        cites: &[q("how-does-go-support-cross-compilation")],
    },
    Concept {
        name: "gc",
        label: "garbage-collector control",
        cites: &[q("how-does-garbage-collection-work-in-go"), q(ALLOCATION)],
    },
    Concept {
        name: "scheduler",
        label: "scheduler control (`runtime`)",
        cites: &[
            q(GPM),
            q("what-is-the-difference-between-concurrency-and-parallelism"),
            q("what-are-the-differences-between-threads-and-coroutines"),
        ],
    },
    Concept {
        name: "profiling",
        label: "profiling and tracing",
        cites: &[q("how-can-you-profile-a-go-program")],
    },
    Concept {
        name: "errgroup",
        label: "`errgroup`: goroutines that return errors",
        cites: &[
            q("how-can-parallel-goroutines-be-implemented"),
            q("what-are-some-common-concurrency-patterns-in-go"),
        ],
    },
    Concept {
        name: "unsafe",
        label: "package `unsafe`",
        cites: &[q("what-is-the-purpose-of-the-unsafe-package-in-go")],
    },
    Concept {
        name: "reflect",
        label: "package `reflect`",
        cites: &[q("what-is-the-purpose-of-the-reflect-package-in-go")],
    },
    Concept {
        name: "fmt",
        label: "package `fmt`",
        cites: &[
            q("what-is-the-purpose-of-the-fmt-package-in-go"),
            q("what-is-the-purpose-of-the-go-vet-command"),
        ],
    },
    Concept {
        name: "os",
        label: "package `os`",
        cites: &[q("what-is-the-purpose-of-the-os-package-in-go")],
    },
    Concept {
        name: "config",
        label: "configuration from flags or the environment",
        cites: &[
            q("how-do-you-handle-configuration-in-go-applications"),
            q("what-is-the-purpose-of-the-os-package-in-go"),
        ],
    },
    Concept {
        name: "io",
        label: "package `io`",
        cites: &[q("what-is-the-purpose-of-the-io-package-in-go")],
    },
    Concept {
        name: "efficiency",
        label: "buffer for building strings or bytes",
        cites: &[q(BEST_PRACTICES)],
    },
    Concept {
        name: "testing",
        label: "Go test",
        cites: &[q(TESTS), q(TABLE_TESTS)],
    },
    Concept {
        name: "benchmark",
        label: "benchmark",
        cites: &[
            q("how-can-you-profile-a-go-program"),
            q(TESTS),
            q(BEST_PRACTICES),
        ],
    },
    Concept {
        name: "table-test",
        label: "table-driven test",
        cites: &[q(TABLE_TESTS), q(TESTS)],
    },
    Concept {
        name: "lock",
        label: "acquiring a lock",
        cites: &[
            q("will-it-wait-indefinitely-if-it-cannot-acquire-the-lock"),
            q("how-to-implement-a-timeout-lock"),
            q("are-locks-in-go-reentrant"),
            q("what-is-a-mutex-in-go"),
        ],
    },
];
