#!/bin/sh
# fuzz/run.sh [SECONDS [TARGET...]]: runs the fuzz targets (default: all
# four) one after the other, each for SECONDS (default 600) on one core,
# from the corpus in fuzz/corpus/<target> plus the seeds in
# fuzz/seeds/<target> and the regression inputs in tests/fuzz/<target>.
# Findings land in fuzz/artifacts/<target>/, the log in
# fuzz/artifacts/<target>.log.
set -eu
cd "$(dirname "$0")"
secs=${1:-600}
[ $# -gt 0 ] && shift
[ $# -gt 0 ] || set -- analyze_bytes mutate_go lsp_messages lsp_incremental
export RUSTC_BOOTSTRAP=1
cargo fuzz build -s none
for target in "$@"; do
    corpus=corpus/$target
    mkdir -p "$corpus" "artifacts/$target"
    dirs=$corpus
    # (tests/fuzz/mutate_go holds mutated Go files, not inputs of the target.)
    for extra in "seeds/$target" "../tests/fuzz/$target"; do
        if [ -d "$extra" ] && [ "$extra" != ../tests/fuzz/mutate_go ]; then
            dirs="$dirs $extra"
        fi
    done
    case $target in
    analyze_bytes)
        # The fixtures, read with default options (first byte 0).
        for f in ../tests/fixtures/*.go; do
            seed=$corpus/fixture-$(basename "$f" .go)
            [ -e "$seed" ] || { printf '\000' && cat "$f"; } >"$seed"
        done
        flags="-dict=dict/go.dict -max_len=65536"
        ;;
    # Inputs spell edits: allow the longest sequence from the start.
    mutate_go) flags="-max_len=128 -len_control=0" ;;
    lsp_messages) flags="-dict=dict/lsp.dict -max_len=16384 -close_fd_mask=2" ;;
    lsp_incremental) flags="-max_len=1024 -len_control=0 -close_fd_mask=2" ;;
    esac
    echo "== $target: $secs s" >&2
    # One worker process at a time (-fork=1) that goes on after a finding
    # (each is saved to artifacts/), so every target gets its full time.
    # shellcheck disable=SC2086 # $dirs and $flags are word lists
    cargo fuzz run -s none "$target" $dirs -- -fork=1 -ignore_crashes=1 \
        -ignore_timeouts=1 -ignore_ooms=1 -max_total_time="$secs" \
        -timeout=10 -rss_limit_mb=4096 $flags 2>&1 | tee "artifacts/$target.log" |
        grep --line-buffered -E '^(#[0-9]+:|INFO: (fuzzed|exiting)|==[0-9]+== ERROR|SUMMARY|.*Test unit written)' >&2 || true
done
