#!/usr/bin/env bash
# Times, one after the other on the same tree: a parse-only pass, then
# `gohint --check`, and prints the medians and their ratio.
#   bench/compare.sh DIR [RUNS]
set -euo pipefail
dir=${1:?usage: bench/compare.sh DIR [RUNS]}
runs=${2:-5}
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=target/release/gohint

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
time_ms() {
  local start end
  start=$(date +%s%N)
  "$@" >/dev/null 2>&1 || true
  end=$(date +%s%N)
  echo $(((end - start) / 1000000))
}
measure() {
  for _ in $(seq "$runs"); do time_ms "$@"; done | median
}

files=$(find "$dir" -name '*.go' -not -path '*/testdata/*' -not -path '*/vendor/*' | wc -l)
parse=$(measure "$bin" --check "$dir" --parse-only)
check=$(measure "$bin" --check "$dir" --format json)
printf '%-22s %8s\n' "tree" "$dir ($files files)" "threads" "$(nproc)"
printf '%-22s %8s ms\n' "parse only (median)" "$parse" "gohint --check" "$check"
awk -v c="$check" -v p="$parse" 'BEGIN { printf "%-22s %8.2fx\n", "check / parse", c / p }'
