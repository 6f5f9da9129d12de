//! The `gohint` binary: see [`gohint::cli`].

fn main() -> std::process::ExitCode {
    gohint::cli::main()
}
