//! Per-function scaling: one function of N repeated statements of each
//! shape the rules look at (`benches/shapes.rs`), N = 1,000, 10,000 and
//! 50,000, parsed and checked as `gohint --check` does. Time linear in N
//! shows as a constant time per statement; the work budget of a declaration
//! (`analysis::bounds::MAX_WORK`) bounds what any rule may spend.
//!
//! `cargo bench --bench scaling` (`-- close` for one shape). Shapes whose
//! rules are still super-linear below the budget are listed in
//! [`SLOW_AT_50K`] and skip N = 50,000.

#[path = "shapes.rs"]
mod shapes;

use gohint::analysis::{Analyzer, Options};
use shapes::{Shape, SHAPES};

fn main() {
    divan::main();
}

/// Shapes that take more than a few seconds at N = 50,000 today: the
/// benchmark skips that size for them.
const SLOW_AT_50K: &[&str] = &[];

/// Parsing and every rule over one function of `N` statements of `shape`.
#[divan::bench(args = SHAPES, consts = [1_000, 10_000, 50_000], sample_count = 3, sample_size = 1)]
fn statements<const N: usize>(bencher: divan::Bencher, shape: &Shape) {
    let skip = N > 10_000 && SLOW_AT_50K.contains(&shape.name);
    let src = if skip { String::new() } else { shape.source(N) };
    let mut analyzer = Analyzer::new();
    let options = Options::default();
    bencher
        .counter(divan::counter::ItemsCount::new(if skip { 0 } else { N }))
        .bench_local(|| analyzer.analyze(src.as_bytes(), &options).map(|f| f.len()));
}
