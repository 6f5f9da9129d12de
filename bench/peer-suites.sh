#!/usr/bin/env bash
# Runs gohint over the annotated test data of the go vet analyzers and
# staticcheck checks that gohint's rules share, and reports per suite:
#   positives  lines the suite annotates (`// want "…"`, `//@ diag(…)`)
#   flagged    how many of those lines gohint flags with the mapped rules
#   extra      gohint findings (mapped rules) on lines the suite leaves
#              unannotated: its negatives
# Suites whose rules gohint does not register are listed as such.
#
# Usage: bench/peer-suites.sh [-v]   (-v lists every miss and extra)
# Needs the Debian packages golang-golang-x-tools-dev and
# golang-honnef-go-tools-dev; without them it says so and exits 0.
# GOHINT=path/to/gohint overrides the binary (default: a release build).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
vet=/usr/share/gocode/src/golang.org/x/tools/go/analysis/passes
sc=/usr/share/gocode/src/honnef.co/go/tools/staticcheck/testdata/src/example.com
if [ ! -d "$vet" ] && [ ! -d "$sc" ]; then
  echo "skip: peer suites not installed (apt-get install golang-golang-x-tools-dev golang-honnef-go-tools-dev)"
  exit 0
fi
if [ -z "${GOHINT:-}" ]; then
  (cd "$root" && cargo build --release -q)
  GOHINT=$root/target/release/gohint
fi

exec python3 - "$GOHINT" "$vet" "$sc" "${1:-}" <<'PY'
import json, os, re, shutil, subprocess, sys, tempfile

gohint, vet, sc, flag = sys.argv[1:5]
verbose = flag == "-v"

# name, folder, gohint rules, Go version the suite assumes (None: newest),
# regex of `want` messages that are a second report of one finding.
SUITES = [
    ("vet copylock", f"{vet}/copylock/testdata/src", ["mutex-copy", "waitgroup-copy"], None, None),
    ("vet lostcancel", f"{vet}/lostcancel/testdata/src", ["lost-cancel"], None, r"reached without using"),
    ("vet loopclosure", f"{vet}/loopclosure/testdata/src", ["loop-var-capture"], "1.21", None),
    ("SA2000 waitgroup add", f"{sc}/CheckWaitgroupAdd", ["waitgroup-add-inside-goroutine"], None, None),
    ("SA2001 empty critical", f"{sc}/CheckEmptyCriticalSection", ["empty-critical-section"], None, None),
    ("SA2003 defer lock", f"{sc}/CheckDeferLock", ["defer-lock-typo"], None, None),
    ("SA5000 nil map", f"{sc}/CheckNilMaps", ["nil-map-write"], None, None),
    ("SA5003 defer inf. loop", f"{sc}/CheckDeferInInfiniteLoop", ["defer-in-loop"], None, None),
    ("SA9001 defer in range", f"{sc}/CheckDubiousDeferInChannelRangeLoop", ["defer-in-loop"], None, None),
    ("SA5004 busy select", f"{sc}/CheckLoopEmptyDefault", ["select-default-busy-loop"], None, None),
]

WANT = re.compile(r"//\s*want\s+((?:(?:\"(?:[^\"\\]|\\.)*\"|`[^`]*`)\s*)+)")
DIAG = re.compile(r"//@\s*diag\((.*)\)")
MSG = re.compile(r"\"((?:[^\"\\]|\\.)*)\"|`([^`]*)`")

listed = subprocess.run([gohint, "--list-rules"], capture_output=True, text=True, check=True).stdout
registered = {line.split()[0] for line in listed.splitlines() if line.strip()}


def annotations(folder):
    """(file, line) -> list of expected messages, for every annotated line."""
    out = {}
    for dirpath, _, files in os.walk(folder):
        for name in sorted(files):
            if not name.endswith(".go"):
                continue
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, folder)
            with open(path, encoding="utf-8", errors="replace") as f:
                for no, line in enumerate(f, 1):
                    m = WANT.search(line) or DIAG.search(line)
                    if m:
                        out[(rel, no)] = [a or b for a, b in MSG.findall(m.group(1))] or [m.group(1)]
    return out


def source_line(folder, rel, no):
    with open(os.path.join(folder, rel), encoding="utf-8", errors="replace") as f:
        return f.read().splitlines()[no - 1].strip()


def run(folder, rules, go):
    """gohint's findings of `rules`, as a set of (file, line)."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = os.path.join(tmp, "suite")
        shutil.copytree(folder, copy)
        if go:
            with open(os.path.join(copy, "go.mod"), "w") as f:
                f.write(f"module example.com/suite\n\ngo {go}\n")
        proc = subprocess.run([gohint, "--check", copy, "--format", "json", "--fail-on", "error"],
                              capture_output=True, text=True)
        if proc.returncode not in (0, 1):
            sys.stderr.write(proc.stderr)
        found = json.loads(proc.stdout or "[]")
        return {(os.path.relpath(i["path"], copy), i["line"]) for i in found if i["rule"] in rules}


print(f"{'suite':24} {'gohint rules':40} {'positives':>9} {'flagged':>7} {'agree':>6} {'extra':>5}")
totals = [0, 0, 0]
for name, folder, rules, go, secondary in SUITES:
    label = ", ".join(rules)
    if not os.path.isdir(folder):
        print(f"{name:24} {label:40} suite not installed ({folder})")
        continue
    missing = [r for r in rules if r not in registered]
    if len(missing) == len(rules):
        print(f"{name:24} {label:40} rule not registered")
        continue
    notes = [f"not registered: {', '.join(missing)}"] if missing else []
    wants = annotations(folder)
    second = {k for k, msgs in wants.items() if secondary and all(re.search(secondary, m) for m in msgs)}
    positives = set(wants) - second
    ours = run(folder, [r for r in rules if r in registered], go)
    flagged = positives & ours
    extra = ours - set(wants)
    if second:
        notes.append(f"+{len(second)} lines where the suite reports the same finding a second time "
                     f"({secondary!r}), {len(second & ours)} flagged")
    agree = f"{100 * len(flagged) // len(positives)}%" if positives else "-"
    print(f"{name:24} {label:40} {len(positives):>9} {len(flagged):>7} {agree:>6} {len(extra):>5}"
          + (f"   {'; '.join(notes)}" if notes else ""))
    totals[0] += len(positives)
    totals[1] += len(flagged)
    totals[2] += len(extra)
    if verbose:
        for rel, no in sorted(positives - ours):
            print(f"    miss  {rel}:{no}: {source_line(folder, rel, no)}")
        for rel, no in sorted(extra):
            print(f"    extra {rel}:{no}: {source_line(folder, rel, no)}")
if totals[0]:
    print(f"{'total':24} {'':40} {totals[0]:>9} {totals[1]:>7} {100 * totals[1] // totals[0]:>5}% {totals[2]:>5}")
PY
