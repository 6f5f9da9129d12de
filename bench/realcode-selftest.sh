#!/usr/bin/env bash
# Checks bench/realcode.sh on tests/fixtures/: the budget mode fails, naming the rule and both
# counts, when a rule's count rises above its budget, and passes (saying the budget can be
# tightened) when the count falls below it; the ledger joins verdicts to findings by key and
# counts the verdicts whose finding is gone. Usage: bench/realcode-selftest.sh [GOHINT_BIN]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-${GOHINT_BIN:-target/release/gohint}}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
run() { bash bench/realcode.sh --bin "$bin" --project fixtures=tests/fixtures --budget "$tmp/budget.tsv" "$@"; }
fail() { echo "realcode-selftest: $*"; exit 1; }

run --write-budget >/dev/null
run --check-budget >"$tmp/out" || fail "a fresh budget does not pass: $(cat "$tmp/out")"

# The first rule with findings; its count is n.
read -r rule n < <(awk -F'\t' '!/^#/ && $2 > 0 { print $1, $2; exit }' "$tmp/budget.tsv")
[ -n "${rule:-}" ] || fail "no rule has findings in tests/fixtures"
set_budget() { awk -F'\t' -v r="$rule" -v c="$1" 'BEGIN { OFS = "\t" } $1 == r { $2 = c } { print }' "$tmp/budget.tsv" >"$tmp/b" && mv "$tmp/b" "$tmp/budget.tsv"; }

# The count rises above the budget: fail, name the rule, old and new counts and what to do.
set_budget $((n - 1))
if run --check-budget >"$tmp/out"; then fail "check passed with $rule over its budget"; fi
grep -q "over budget: $rule has $n findings, budget $((n - 1))" "$tmp/out" || fail "unexpected message: $(cat "$tmp/out")"
grep -q -- "--sample --rule $rule" "$tmp/out" || fail "the message does not say how to read the findings"

# The count falls below the budget: pass, and say the budget can be tightened.
set_budget $((n + 5))
run --check-budget >"$tmp/out" || fail "check failed with $rule under its budget: $(cat "$tmp/out")"
grep -q "budget can be tightened: $rule has $n findings, budget $((n + 5))" "$tmp/out" || fail "unexpected message: $(cat "$tmp/out")"

# A rule missing from the budget has a budget of 0.
grep -v "^$rule	" "$tmp/budget.tsv" >"$tmp/b" && mv "$tmp/b" "$tmp/budget.tsv"
if run --check-budget >"$tmp/out"; then fail "check passed with $rule missing from the budget"; fi
grep -q "over budget: $rule has $n findings, budget 0" "$tmp/out" || fail "unexpected message: $(cat "$tmp/out")"
# The ledger joins verdicts to findings by key: one verdict that matches a finding of $rule, one
# whose finding is gone.
key=$(bash bench/realcode.sh --bin "$bin" --project fixtures=tests/fixtures --sample --rule "$rule" --n 1 |
  sed -n 's/^    key: //p' | head -n 1)
[ -n "$key" ] || fail "--sample printed no key for $rule"
IFS=$'\t' read -r k_rule k_path k_decl k_text k_occ <<<"$key"
{
  printf 'rule\tproject\tpath\tdeclaration\tline text\toccurrence\tverdict\treason\n'
  printf '%s\tfixtures\t%s\t%s\t%s\t%s\treal\tmatches\n' "$k_rule" "$k_path" "$k_decl" "$k_text" "$k_occ"
  printf '%s\tfixtures\t%s\t%s\tno such line\t1\twrong\tgone\n' "$k_rule" "$k_path" "$k_decl"
} >"$tmp/verdicts.tsv"
bash bench/realcode.sh --bin "$bin" --project fixtures=tests/fixtures --verdicts "$tmp/verdicts.tsv" --ledger \
  --no-write >"$tmp/out"
row=$(grep "^| \`$rule\` |" "$tmp/out") || fail "no ledger row for $rule: $(cat "$tmp/out")"
# findings, deps, std, audited, real, wrong, debatable, unaudited, precision, gone
want="| $n | – | – | 1 | 1 | 0 | 0 | $((n - 1)) | 100% | 0/1/0 |"
[[ "$row" == *"$want" ]] || fail "ledger row: got '$row', want it to end with '$want'"
echo "realcode-selftest: ok ($rule: $n findings)"
