//! Corrections to the corpus for current Go. The user's text stays as
//! written; each note is shown under the quoted text, with the Go
//! specification or release note that backs it.

/// A one-line correction of one question's answer.
#[derive(Debug)]
pub struct Erratum {
    /// Corpus question id.
    pub question: &'static str,
    /// The correction, one sentence (markdown).
    pub note: &'static str,
    /// Where Go documents the correct behaviour.
    pub reference: &'static str,
}

/// Every correction, at most one per question.
pub static ERRATA: &[Erratum] = &[
    Erratum {
        question: "explain-the-concept-of-method-sets-and-pointer-receivers-in-go",
        note: "methods with value receivers are in the method set of `*T` too, so they ARE callable on pointers; \
               it is pointer-receiver methods that are missing from the method set of `T` (a call `v.M()` on an \
               addressable value is shorthand for `(&v).M()`).",
        reference: "https://go.dev/ref/spec#Method_sets and https://go.dev/ref/spec#Calls",
    },
    Erratum {
        question: "explain-the-concept-of-type-embedding-in-go",
        note: "the example does not compile: `A` is undefined (and `Grade` is an `int`), so write e.g. `Grade: 1`.",
        reference: "https://go.dev/ref/spec#Struct_types",
    },
    Erratum {
        question: "what-is-the-purpose-of-the-sync-package-in-go",
        note: "the `sync` source shown is simplified pseudo-code; the real types use `sync/atomic`, a semaphore \
               and starvation mode, and their zero values must not be copied after first use.",
        reference: "https://pkg.go.dev/sync and https://go.dev/src/sync/mutex.go",
    },
    Erratum {
        question: "explain-the-concept-of-type-assertions-in-go",
        note: "only the two-value form `v, ok := x.(T)` yields the zero value and `false` on failure; the \
               single-value form `v := x.(T)` panics.",
        reference: "https://go.dev/ref/spec#Type_assertions",
    },
    Erratum {
        question: "what-are-the-empty-interface-and-type-assertions",
        note: "since Go 1.18 `any` is a predeclared alias for `interface{}`.",
        reference: "https://go.dev/doc/go1.18#generics and https://go.dev/ref/spec#Interface_types",
    },
];

/// The correction of question `id`, if any.
pub fn erratum(id: &str) -> Option<&'static Erratum> {
    ERRATA.iter().find(|e| e.question == id)
}
