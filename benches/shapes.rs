//! One Go function of `n` repeated statements of a shape the rules look at:
//! the input of the per-function scaling benchmark (`benches/scaling.rs`)
//! and of the hostile-input test that checks each shape finishes in
//! seconds (`tests/it/hostile.rs`).

/// A statement shape: its name, the function's parameters, what comes
/// before the repeated part, and the repeated part for repetition `i`.
pub struct Shape {
    /// The name the benchmark and the test show.
    pub name: &'static str,
    /// The function's parameter list.
    params: &'static str,
    /// Statements before the repeated ones.
    prologue: &'static str,
    /// The repeated statement(s), for repetition `i`.
    repeat: fn(usize) -> String,
    /// Statements after the repeated ones.
    epilogue: &'static str,
}

/// Every shape.
pub const SHAPES: &[Shape] = &[
    Shape {
        name: "close",
        params: "",
        prologue: "\tch := make(chan int)\n",
        repeat: |_| "\tclose(ch)\n".into(),
        epilogue: "",
    },
    Shape {
        name: "send_after_close",
        params: "",
        prologue: "\tch := make(chan int, 1)\n\tclose(ch)\n",
        repeat: |_| "\tch <- 1\n".into(),
        epilogue: "",
    },
    Shape {
        name: "lock_unlock",
        params: "mu *sync.Mutex",
        prologue: "",
        repeat: |_| "\tmu.Lock()\n\tmu.Unlock()\n".into(),
        epilogue: "",
    },
    Shape {
        name: "lock",
        params: "mu *sync.Mutex",
        prologue: "",
        repeat: |_| "\tmu.Lock()\n".into(),
        epilogue: "",
    },
    Shape {
        name: "append",
        params: "a []int",
        prologue: "",
        repeat: |_| "\tb := append(a, 1)\n\t_ = b\n".into(),
        epilogue: "",
    },
    Shape {
        name: "with_cancel",
        params: "c context.Context",
        prologue: "",
        repeat: |_| "\t_, cancel := context.WithCancel(c)\n\t_ = cancel\n".into(),
        epilogue: "",
    },
    Shape {
        name: "assign",
        params: "x, y int",
        prologue: "",
        repeat: |i| format!("\tx = y + {i}\n"),
        epilogue: "\t_ = x\n",
    },
    Shape {
        name: "defer",
        params: "f func()",
        prologue: "",
        repeat: |_| "\tdefer f()\n".into(),
        epilogue: "",
    },
    Shape {
        name: "go_increment",
        params: "",
        prologue: "\tx := 0\n",
        repeat: |_| "\tgo func() { x++ }()\n".into(),
        epilogue: "",
    },
    Shape {
        name: "type_assertion",
        params: "x any",
        prologue: "",
        repeat: |_| "\t_ = x.(int)\n".into(),
        epilogue: "",
    },
    Shape {
        name: "switch_close",
        params: "i int",
        prologue: "\tch := make(chan int)\n\tswitch i {\n",
        repeat: |i| format!("\tcase {i}:\n\t\tclose(ch)\n"),
        epilogue: "\t}\n",
    },
];

impl Shape {
    /// A Go file holding one function of `n` repetitions of the shape.
    pub fn source(&self, n: usize) -> String {
        let mut src = String::from(
            "package p\n\nimport (\n\t\"context\"\n\t\"sync\"\n)\n\nvar _ context.Context\nvar _ sync.Mutex\n\n",
        );
        src.push_str(&format!("func f({}) {{\n{}", self.params, self.prologue));
        for i in 0..n {
            src.push_str(&(self.repeat)(i));
        }
        src.push_str(self.epilogue);
        src.push_str("}\n");
        src
    }
}

impl std::fmt::Display for Shape {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}
