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
        ],
    },
];
