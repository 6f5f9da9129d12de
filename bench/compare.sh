#!/usr/bin/env bash
# Times, one after the other on the same tree and at the same thread count:
#   parse only      gohint --check --parse-only (read + parse every file: the floor)
#   gohint          gohint --check
#   go vet          go vet with the analyzers gohint shares (copylocks,
#                   lostcancel, loopclosure), when `go` is installed
#   staticcheck     staticcheck with the checks gohint shares (SA2000, SA2001,
#                   SA2003, SA5000, SA5003, SA5004, SA9001), when installed
#   ast-grep        ast-grep with bench/ast-grep's rules (the syntactic shape
#                   of seven gohint rules), when installed
# and prints a table of medians and their ratio to the parse-only pass.
#
#   bench/compare.sh DIR [RUNS]
#
# RUNS (default 5) runs of each gohint pass; PEER_RUNS (default 1) of each
# peer. go vet and staticcheck type-check, so they need DIR to be inside a Go
# module (or the Go standard library) and its dependencies; each of their
# runs starts from empty caches, as a fresh CI job does (their cached
# results would otherwise make every later run a lookup). THREADS (default:
# the number of CPUs) bounds every tool's parallelism. Tools are looked up
# as GO, STATICCHECK and AST_GREP, else on PATH (staticcheck also as Debian's
# go-staticcheck).
set -euo pipefail
dir=$(cd "${1:?usage: bench/compare.sh DIR [RUNS]}" && pwd)
runs=${2:-5}
peer_runs=${PEER_RUNS:-1}
threads=${THREADS:-$(nproc)}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
cargo build --release --quiet
bin=$root/target/release/gohint
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# Milliseconds one run of the command takes; its output is dropped and its
# exit code ignored (linters exit non-zero when they find something).
time_ms() {
  local start end
  start=$(date +%s%N)
  "$@" >/dev/null 2>>"$scratch/errors" || true
  end=$(date +%s%N)
  echo $(((end - start) / 1000000))
}
measure() {
  local n=$1
  shift
  for _ in $(seq "$n"); do time_ms "$@"; done | median
}
# A command run in DIR with fresh, empty Go and staticcheck caches.
cold() {
  local cache
  cache=$(mktemp -d -p "$scratch")
  (cd "$dir" && env GOCACHE="$cache/go" XDG_CACHE_HOME="$cache" GOMAXPROCS="$threads" "$@")
  rm -rf "$cache"
}
tool() {
  local override=$1
  shift
  if [ -n "$override" ]; then echo "$override"; return; fi
  for name in "$@"; do
    if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return; fi
  done
}

export RAYON_NUM_THREADS=$threads
files=$(find "$dir" -name '*.go' -not -path '*/testdata/*' -not -path '*/vendor/*' | wc -l)
rows=()
parse=$(measure "$runs" "$bin" --check "$dir" --parse-only -q)
rows+=("parse only|$parse|$runs")
check=$(measure "$runs" "$bin" --check "$dir" --format json -q)
rows+=("gohint --check|$check|$runs")

go=$(tool "${GO:-}" go)
if [ -n "$go" ]; then
  vet=$(measure "$peer_runs" cold "$go" vet -copylocks -lostcancel -loopclosure ./...)
  rows+=("go vet (3 analyzers)|$vet|$peer_runs")
else
  rows+=("go vet|not installed|")
fi
staticcheck=$(tool "${STATICCHECK:-}" staticcheck go-staticcheck)
if [ -n "$staticcheck" ] && [ -n "$go" ]; then
  sc=$(measure "$peer_runs" cold "$staticcheck" \
    -checks SA2000,SA2001,SA2003,SA5000,SA5003,SA5004,SA9001 ./...)
  rows+=("staticcheck (7 checks)|$sc|$peer_runs")
else
  rows+=("staticcheck|not installed|")
fi
ast_grep=$(tool "${AST_GREP:-}" ast-grep)
if [ -n "$ast_grep" ]; then
  sg=$(measure "$peer_runs" "$ast_grep" scan -c bench/ast-grep/sgconfig.yml -j "$threads" \
    --globs '!**/testdata/**' --globs '!**/vendor/**' --json=stream "$dir")
  rows+=("ast-grep (7 rules)|$sg|$peer_runs")
else
  rows+=("ast-grep|not installed|")
fi

printf '%s: %s Go files (testdata and vendor left out), %s threads\n' "$dir" "$files" "$threads"
printf '%-24s %12s %6s %14s\n' "pass" "median ms" "runs" "/ parse only"
for row in "${rows[@]}"; do
  IFS='|' read -r name ms n <<<"$row"
  if [[ $ms =~ ^[0-9]+$ ]]; then
    ratio=$(awk -v t="$ms" -v p="$parse" 'BEGIN { printf "%.2fx", t / p }')
    printf '%-24s %12s %6s %14s\n' "$name" "$ms" "$n" "$ratio"
  else
    printf '%-24s %12s\n' "$name" "$ms"
  fi
done
