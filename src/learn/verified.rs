//! What corpus programs and fragments really print, as the Go toolchain
//! ran them (`gohint corpus check`; `tests/it/quiz.rs` runs them again when
//! `go` is on the path). Only blocks whose output does not depend on
//! timing beyond what their code orders are listed.

/// One corpus Go block and what it prints.
#[derive(Debug)]
pub struct Verified {
    /// Corpus question id whose answer holds the block.
    pub question: &'static str,
    /// A line of the block's code that no other block of the question has.
    pub marker: &'static str,
    /// The lines it prints.
    pub output: &'static [&'static str],
}

/// Every verified output, in corpus order.
pub static VERIFIED: &[Verified] = &[
    Verified {
        question: "what-is-the-select-statement-used-for",
        marker: "fmt.Println(\"No communication ready.\")",
        output: &["No communication ready."],
    },
    Verified {
        question: "how-does-go-handle-slice-growth-when-capacity-is-insufficient",
        marker: "s = append(s, 1, 2, 3)",
        output: &["0 2", "3 4"],
    },
    Verified {
        question: "how-does-go-handle-panics",
        marker: "defer recoverFromPanic() // Defer recovery function",
        output: &[
            "Start",
            "Executing risky function...",
            "Recovered from panic: Something went wrong!",
            "End",
        ],
    },
    Verified {
        question: "what-is-the-purpose-of-the-reflect-package-in-go",
        marker: "value := reflect.ValueOf(42)",
        output: &["42"],
    },
    Verified {
        question: "explain-the-concept-of-function-literals-and-closures-in-go",
        marker: "myAdder := adder()",
        output: &["1", "3", "6"],
    },
    Verified {
        question: "explain-the-concept-of-function-composition-in-go",
        marker: "squareAndDouble := compose(square, double)",
        output: &["36"],
    },
];
