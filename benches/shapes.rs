//! One Go function of `n` repeated statements of a shape the rules look at:
//! the input of the per-function scaling benchmark (`benches/scaling.rs`)
//! and of the hostile-input test that checks each shape finishes in
//! seconds (`tests/it/hostile.rs`).

/// A statement shape: its name, the function's parameters, what comes
/// before the repeated part, and the repeated part for repetition `i`.
pub struct Shape {
    /// The name the benchmark and the test show.
    pub name: &'static str,
    /// Package-level declarations for `n` repetitions.
    globals: fn(usize) -> String,
    /// The function's parameter list.
    params: &'static str,
    /// Statements before the repeated ones.
    prologue: &'static str,
    /// The repeated statement(s), for repetition `i`.
    repeat: fn(usize) -> String,
    /// Statements after the repeated ones.
    epilogue: &'static str,
}

/// No package-level declarations.
fn none(_: usize) -> String {
    String::new()
}

/// Every shape.
pub const SHAPES: &[Shape] = &[
    Shape {
        globals: none,
        name: "close",
        params: "",
        prologue: "\tch := make(chan int)\n",
        repeat: |_| "\tclose(ch)\n".into(),
        epilogue: "",
    },
    Shape {
        globals: none,
        name: "send_after_close",
        params: "",
        prologue: "\tch := make(chan int, 1)\n\tclose(ch)\n",
        repeat: |_| "\tch <- 1\n".into(),
        epilogue: "",
    },
    Shape {
        globals: none,
        name: "lock_unlock",
        params: "mu *sync.Mutex",
        prologue: "",
        repeat: |_| "\tmu.Lock()\n\tmu.Unlock()\n".into(),
        epilogue: "",
    },
    Shape {
        globals: none,
        name: "lock",
        params: "mu *sync.Mutex",
        prologue: "",
        repeat: |_| "\tmu.Lock()\n".into(),
        epilogue: "",
    },
    Shape {
        globals: none,
        name: "append",
        params: "a []int",
        prologue: "",
        repeat: |_| "\tb := append(a, 1)\n\t_ = b\n".into(),
        epilogue: "",
    },
    Shape {
        globals: none,
        name: "with_cancel",
        params: "c context.Context",
        prologue: "",
        repeat: |_| "\t_, cancel := context.WithCancel(c)\n\t_ = cancel\n".into(),
        epilogue: "",
    },
    Shape {
        globals: none,
        name: "assign",
        params: "x, y int",
        prologue: "",
        repeat: |i| format!("\tx = y + {i}\n"),
        epilogue: "\t_ = x\n",
    },
    Shape {
        globals: none,
        name: "defer",
        params: "f func()",
        prologue: "",
        repeat: |_| "\tdefer f()\n".into(),
        epilogue: "",
    },
    Shape {
        globals: none,
        name: "go_increment",
        params: "",
        prologue: "\tx := 0\n",
        repeat: |_| "\tgo func() { x++ }()\n".into(),
        epilogue: "",
    },
    Shape {
        globals: none,
        name: "type_assertion",
        params: "x any",
        prologue: "",
        repeat: |_| "\t_ = x.(int)\n".into(),
        epilogue: "",
    },
    Shape {
        globals: none,
        name: "switch_close",
        params: "i int",
        prologue: "\tch := make(chan int)\n\tswitch i {\n",
        repeat: |i| format!("\tcase {i}:\n\t\tclose(ch)\n"),
        epilogue: "\t}\n",
    },
    Shape {
        globals: none,
        name: "send",
        params: "ch chan int",
        prologue: "",
        repeat: |_| "\tch <- 1\n".into(),
        epilogue: "",
    },
    Shape {
        globals: none,
        name: "append_self",
        params: "xs []int",
        prologue: "",
        repeat: |_| "\txs = append(xs, 1)\n".into(),
        epilogue: "\t_ = xs\n",
    },
    Shape {
        globals: none,
        name: "define",
        params: "y int",
        prologue: "",
        repeat: |i| format!("\tx{i} := y\n\t_ = x{i}\n"),
        epilogue: "",
    },
    Shape {
        globals: none,
        name: "go",
        params: "f func()",
        prologue: "",
        repeat: |_| "\tgo f()\n".into(),
        epilogue: "",
    },
    Shape {
        globals: none,
        name: "if_close",
        params: "b bool",
        prologue: "\tch := make(chan int)\n",
        repeat: |_| "\tif b {\n\t\tclose(ch)\n\t}\n".into(),
        epilogue: "",
    },
    Shape {
        globals: none,
        name: "select_close",
        params: "c chan int",
        prologue: "\tch := make(chan int)\n",
        repeat: |_| "\tselect {\n\tcase <-c:\n\t\tclose(ch)\n\tdefault:\n\t}\n".into(),
        epilogue: "",
    },
    Shape {
        globals: none,
        name: "goto_close",
        params: "",
        prologue: "\tch := make(chan int)\n",
        repeat: |i| format!("\tgoto L{i}\nL{i}:\n\tclose(ch)\n"),
        epilogue: "",
    },
    Shape {
        globals: none,
        name: "distinct_channels",
        params: "",
        prologue: "",
        repeat: |i| format!("\tch{i} := make(chan int)\n\tclose(ch{i})\n"),
        epilogue: "",
    },
    Shape {
        globals: |n| {
            let names: Vec<String> = (0..n).map(|i| format!("m{i}")).collect();
            format!("var {} sync.Mutex\n\n", names.join(", "))
        },
        name: "package_mutexes",
        params: "",
        prologue: "",
        repeat: |i| format!("\tm{i}.Lock()\n\tm{i}.Unlock()\n"),
        epilogue: "",
    },
    Shape {
        globals: none,
        name: "local_mutexes",
        params: "",
        prologue: "",
        repeat: |i| format!("\tvar m{i} sync.Mutex\n\tm{i}.Lock()\n\tm{i}.Unlock()\n"),
        epilogue: "",
    },
];

impl Shape {
    /// A Go file holding one function of `n` repetitions of the shape.
    pub fn source(&self, n: usize) -> String {
        let mut src = String::from(
            "package p\n\nimport (\n\t\"context\"\n\t\"sync\"\n)\n\nvar _ context.Context\nvar _ sync.Mutex\n\n",
        );
        src.push_str(&(self.globals)(n));
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
