#!/usr/bin/env bash
# Validates gohint's SARIF with Microsoft's SARIF Multitool: reports of the CI
# fixtures (tests/ci/project) — plain, with a baseline, with an unreadable
# file and a path outside the source root, and merged from shards — must give
# no error and no warning. The tool (npm package @microsoft/sarif-multitool) is
# installed once into target/sarif-multitool.
#   bench/validate-sarif.sh [GOHINT_BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
bin=${1:-}
if [ -z "$bin" ]; then
  cargo build --quiet
  bin=target/debug/gohint
fi
bin=$(realpath "$bin")

tools=$root/target/sarif-multitool
version=5.7.0
if [ ! -x "$tools/node_modules/.bin/sarif-multitool" ]; then
  mkdir -p "$tools"
  npm install --prefix "$tools" --no-audit --no-fund --loglevel=error "@microsoft/sarif-multitool@$version" >/dev/null
fi
# npm may skip the package's install script, which marks the binary executable.
find "$tools/node_modules/@microsoft" -maxdepth 2 -name 'Sarif.Multitool*' -type f -exec chmod u+x {} +
export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r tests/ci/project "$work/project"
cd "$work/project"
gohint() { "$bin" "$@" || [ $? -eq 1 ]; }

gohint --check . --format sarif --output "$work/plain.sarif" --quiet
gohint --check . --write-baseline "$work/project/.gohint-baseline.json" --quiet
printf 'package pipes\n\nfunc again(c chan int) {\n\tclose(c)\n\tclose(c)\n}\n' >pipes/again.go
gohint --check . --format sarif --baseline .gohint-baseline.json --output "$work/baseline.sarif" --quiet
mkdir -p "$work/outside"
printf 'package o\n\nfunc f(c chan int) {\n\tclose(c)\n\tclose(c)\n}\n' >"$work/outside/o.go"
printf 'package p\x00' >binary.go
"$bin" --check . "$work/outside" --format sarif --output "$work/failures.sarif" --quiet 2>/dev/null || [ $? -eq 2 ]
rm binary.go
for k in 1 2; do gohint --check . --format sarif --shard "$k/2" --output "$work/shard$k.sarif" --quiet; done
"$bin" merge-reports "$work/shard1.sarif" "$work/shard2.sarif" --output "$work/merged.sarif"

cd "$work"
reports=(plain.sarif baseline.sarif failures.sarif merged.sarif)
"$tools/node_modules/.bin/sarif-multitool" validate "${reports[@]}" --output validation.sarif --log ForceOverwrite >validation.txt 2>&1 || true
python3 - "${reports[@]}" <<'EOF'
import json, sys
try:
    log = json.load(open("validation.sarif"))
except (OSError, ValueError):
    print(open("validation.txt").read())
    sys.exit("the SARIF Multitool did not run")
problems = [
    r for run in log["runs"] for r in run.get("results", [])
    if r.get("level", "warning") in ("error", "warning")
]
for run in log["runs"]:
    for n in run.get("invocations", [{}])[0].get("toolExecutionNotifications", []):
        if n.get("level", "warning") == "error":
            problems.append(n)
if problems:
    print(open("validation.txt").read())
    sys.exit(f"{len(problems)} SARIF errors or warnings")
print(f"SARIF valid: {', '.join(sys.argv[1:])}: no errors, no warnings")
EOF
