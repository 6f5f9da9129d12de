#!/usr/bin/env python3
"""gohint over real Go code: counts, per-rule budgets, samples and the precision ledger.

Called by bench/realcode.sh (which installs the Debian source packages first). The code is
the Go standard library and the third-party projects of Debian's `-dev` packages named in
PROJECTS; "deps" is the rest of /usr/share/gocode/src (their dependency tree). Everything is
deterministic: files and findings are sorted, and samples use a fixed seed.

Modes (one per run):
  (none)            per-project and per-rule counts, findings per 10k lines, wall time
  --sample          a seeded sample of up to --n findings per rule, each with its enclosing function
  --check-budget    fail when a rule's count rose above bench/realcode-budget.tsv
  --write-budget    rewrite bench/realcode-budget.tsv from this run
  --ledger          join the findings with docs/precision/verdicts.tsv, print per-rule precision and
                    regenerate the table in docs/precision.md
"""

import argparse
import collections
import functools
import glob
import json
import os
import random
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
GOCODE = "/usr/share/gocode/src"
BUDGET = os.path.join(HERE, "realcode-budget.tsv")
VERDICTS = os.path.join(REPO, "docs", "precision", "verdicts.tsv")
LEDGER_DOC = os.path.join(REPO, "docs", "precision.md")
SEED = 20261206

# Short name and Debian package of each third-party project.
PROJECTS = [
    ("grpc", "golang-google-grpc-dev"),
    ("etcd", "golang-etcd-server-dev"),
    ("nats", "golang-github-nats-io-nats-server-dev"),
    ("docker", "golang-github-docker-docker-dev"),
    ("raft", "golang-github-hashicorp-raft-dev"),
    ("serf", "golang-github-hashicorp-serf-dev"),
    ("memberlist", "golang-github-hashicorp-memberlist-dev"),
    ("prometheus", "golang-github-prometheus-client-golang-dev"),
    ("xtools", "golang-golang-x-tools-dev"),
    ("staticcheck", "golang-honnef-go-tools-dev"),
]
VERDICT_KINDS = ("real", "wrong", "debatable")
LEDGER_START = "<!-- ledger:start -->"
LEDGER_END = "<!-- ledger:end -->"


def die(msg):
    print("realcode: " + msg, file=sys.stderr)
    sys.exit(2)


def std_root():
    """The newest /usr/share/go-*/src."""

    def version(path):
        m = re.search(r"go-(\d+)\.(\d+)", path)
        return (int(m.group(1)), int(m.group(2))) if m else (0, 0)

    roots = sorted(glob.glob("/usr/share/go-*/src"), key=version)
    return roots[-1] if roots else None


def project_root(package):
    """The source root of a Debian -dev package: the folder (a go.mod folder, else the import
    path's first three elements) that holds most of its .go files."""
    out = subprocess.run(["dpkg", "-L", package], capture_output=True, text=True)
    if out.returncode != 0:
        return None
    files = [f for f in out.stdout.split("\n") if f.startswith(GOCODE + "/")]
    mods = sorted(
        (os.path.dirname(f) for f in files if f.endswith("/go.mod")),
        key=len,
        reverse=True,
    )
    count = collections.Counter()
    for f in files:
        if not f.endswith(".go"):
            continue
        root = next((m for m in mods if f.startswith(m + "/")), None)
        if root is None:
            parts = f[len(GOCODE) + 1 :].split("/")
            root = os.path.join(GOCODE, *parts[:3])
        count[root] += 1
    if not count:
        return None
    return sorted(count.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]


def go_files(root):
    """The .go files gohint --check walks under root (it skips vendor/, testdata/ and hidden
    folders), sorted."""
    found = []
    for d, dirs, files in os.walk(root):
        dirs[:] = sorted(x for x in dirs if x not in ("vendor", "testdata") and not x.startswith("."))
        found.extend(os.path.join(d, f) for f in sorted(files) if f.endswith(".go"))
    return found


def count_lines(paths):
    n = 0
    for p in paths:
        try:
            with open(p, "rb") as fh:
                n += fh.read().count(b"\n")
        except OSError:
            pass
    return n


class Source:
    """One set of code: a name, a root to check, and the roots whose files belong elsewhere."""

    def __init__(self, name, root, group, exclude=()):
        self.name, self.root, self.group, self.exclude = name, root, group, tuple(exclude)
        self.findings = []
        self.wall = 0.0

    @functools.cached_property
    def files(self):
        """The .go files gohint checks here (read only by the counts report)."""
        return [f for f in go_files(self.root) if not self.excluded(f)]

    @functools.cached_property
    def lines(self):
        return count_lines(self.files)

    def excluded(self, path):
        return any(path == e or path.startswith(e + "/") for e in self.exclude)


def key_path(path, std):
    """A path that names the same file whatever the machine's Go version: std/… for the
    standard library, else relative to /usr/share/gocode/src."""
    if std and path.startswith(std + "/"):
        return "std/" + path[len(std) + 1 :]
    if path.startswith(GOCODE + "/"):
        return path[len(GOCODE) + 1 :]
    return os.path.relpath(path, REPO)


def squash(text):
    return " ".join(text.split())


class Files:
    """Reads source files once."""

    def __init__(self):
        self.cache = {}

    def lines(self, path):
        if path not in self.cache:
            try:
                with open(path, encoding="utf-8", errors="replace") as fh:
                    self.cache[path] = fh.read().split("\n")
            except OSError:
                self.cache[path] = []
        return self.cache[path]

    def line(self, path, n):
        ls = self.lines(path)
        return ls[n - 1] if 0 < n <= len(ls) else ""


def run_gohint(binary, src, reuse):
    """Runs gohint --check --format json over src.root; with reuse, keeps the raw report in
    that folder and reads it back on the next run."""
    cached = os.path.join(reuse, src.name + ".json") if reuse else None
    if cached and os.path.exists(cached):
        with open(cached) as fh:
            data = json.load(fh)
        src.wall = float("nan")
    else:
        t0 = time.monotonic()
        proc = subprocess.run(
            [binary, "--check", "--format", "json", src.root],
            capture_output=True,
            text=True,
        )
        src.wall = time.monotonic() - t0
        if proc.returncode not in (0, 1, 2):
            die("%s --check %s exited %d:\n%s" % (binary, src.root, proc.returncode, proc.stderr[-2000:]))
        if proc.returncode == 2:
            print("realcode: %s: gohint could not analyse some files:\n%s" % (src.name, proc.stderr[-2000:]), file=sys.stderr)
        try:
            data = json.loads(proc.stdout)
        except ValueError as e:
            die("%s: gohint printed no JSON array (%s)" % (src.name, e))
        if cached:
            os.makedirs(reuse, exist_ok=True)
            with open(cached, "w") as fh:
                json.dump(data, fh)
    src.findings = [f for f in data if not src.excluded(f["path"])]


def load_sources(args):
    """The sources the mode needs, each checked by gohint."""
    sources = []
    std = std_root()
    if args.projects:
        for spec in args.projects:
            name, _, path = spec.partition("=")
            sources.append(Source(name, os.path.abspath(path), "projects"))
    else:
        for name, pkg in PROJECTS:
            root = project_root(pkg)
            if root is None or not os.path.isdir(root):
                die("%s is not installed (bench/realcode.sh installs it)" % pkg)
            sources.append(Source(name, root, "projects"))
        if args.std:
            if std is None:
                die("no /usr/share/go-*/src: install golang-src")
            sources.append(Source("std", std, "std"))
        if args.deps:
            roots = [s.root for s in sources if s.group == "projects"]
            sources.append(Source("deps", GOCODE, "deps", exclude=roots))
    for s in sources:
        run_gohint(args.bin, s, args.reuse)
        for f in s.findings:
            f["project"] = s.name
            f["group"] = s.group
            f["key_path"] = key_path(f["path"], std)
        s.findings.sort(key=lambda f: (f["key_path"], f["line"], f["column"], f["rule"]))
    return sources


def severities(binary):
    """rule -> its level under the `ci` preset (what `--check` uses), from
    gohint --list-rules (columns: rule, group, ci, learn, question)."""
    out = subprocess.run([binary, "--list-rules"], capture_output=True, text=True)
    sev = {}
    for line in out.stdout.split("\n"):
        parts = line.split()
        if len(parts) >= 3 and parts[0] != "rule":
            sev[parts[0]] = parts[2]
    return sev


def per10k(n, lines):
    return 10000.0 * n / lines if lines else 0.0


def report(args, sources):
    sev = severities(args.bin)
    print("%-12s %7s %9s %9s %9s %8s  %s" % ("project", "files", "lines", "findings", "per 10k", "wall s", "root"))
    for s in sources:
        wall = "reused" if s.wall != s.wall else "%.2f" % s.wall
        print(
            "%-12s %7d %9d %9d %9.2f %8s  %s"
            % (s.name, len(s.files), s.lines, len(s.findings), per10k(len(s.findings), s.lines), wall, s.root)
        )
    counts = {s.name: collections.Counter(f["rule"] for f in s.findings) for s in sources}
    rules = sorted(set(sev) | {r for c in counts.values() for r in c})
    third = [s for s in sources if s.group == "projects"]
    tlines = sum(s.lines for s in third)
    print()
    print("findings per rule and project; 'per 10k' is over the third-party projects (%d lines)" % tlines)
    names = [s.name[:6] for s in sources]
    print("%-33s %-7s %s %7s %8s" % ("rule", "sev", " ".join("%6s" % n for n in names), "3rd-pty", "per 10k"))
    for r in rules:
        row = [counts[s.name][r] for s in sources]
        t = sum(counts[s.name][r] for s in third)
        if not any(row):
            continue
        print(
            "%-33s %-7s %s %7d %8.2f"
            % (r, sev.get(r, "?"), " ".join("%6d" % n for n in row), t, per10k(t, tlines))
        )


def budget_counts(sources):
    c = collections.Counter()
    for s in sources:
        if s.group in ("projects", "std"):
            c.update(f["rule"] for f in s.findings)
    return c


def read_budget(path):
    budget = {}
    with open(path) as fh:
        for line in fh:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split("\t")
            if len(parts) != 2 or not parts[1].isdigit():
                die("%s: want `rule<TAB>count` lines, got %r" % (path, line))
            budget[parts[0]] = int(parts[1])
    return budget


def write_budget(args, sources):
    counts = budget_counts(sources)
    sev = severities(args.bin)
    scope = ", ".join(s.name for s in sources if s.group in ("projects", "std"))
    with open(args.budget, "w") as fh:
        fh.write("# gohint findings per rule over real code (%s).\n" % scope)
        fh.write("# bench/realcode.sh --check-budget fails when a count rises above this; refresh with\n")
        fh.write("# bench/realcode.sh --write-budget after reading the new findings (--sample).\n")
        fh.write("# rule\tfindings\n")
        for rule in sorted(set(counts) | set(sev)):
            if sev.get(rule) == "hint" and not counts[rule]:
                continue
            fh.write("%s\t%d\n" % (rule, counts[rule]))
    print("wrote %s: %d findings in %d rules" % (os.path.relpath(args.budget), sum(counts.values()), len(counts)))


def check_budget(args, sources):
    if not os.path.exists(args.budget):
        die("no budget file %s: create it with --write-budget" % args.budget)
    budget = read_budget(args.budget)
    counts = budget_counts(sources)
    over, under = [], []
    for rule in sorted(set(budget) | set(counts)):
        old, new = budget.get(rule, 0), counts[rule]
        if new > old:
            over.append((rule, old, new))
        elif new < old:
            under.append((rule, old, new))
    for rule, old, new in under:
        print("budget can be tightened: %s has %d findings, budget %d (run bench/realcode.sh --write-budget)" % (rule, new, old))
    for rule, old, new in over:
        print(
            "over budget: %s has %d findings, budget %d (+%d): read the new findings with "
            "bench/realcode.sh --sample --rule %s; if they are real, update %s in the same change "
            "(bench/realcode.sh --write-budget), else fix the rule" % (rule, new, old, new - old, rule, os.path.relpath(args.budget, REPO))
        )
    total = sum(counts.values())
    if over:
        print("realcode budget: FAILED, %d rule(s) over budget (%d findings in all)" % (len(over), total))
        return 1
    print("realcode budget: ok, %d findings, no rule over budget" % total)
    return 0


def enclosing(lines, n):
    """The 1-based line range of the top-level declaration around line n of gofmt'd code: from
    its first line (with its doc comment's end) to the closing brace in column 0."""
    start = n
    while start > 1 and not re.match(r"(func|var|const|type)\b", lines[start - 1]):
        start -= 1
    end = n
    first = lines[start - 1] if 0 < start <= len(lines) else ""
    if first.rstrip().endswith(("{", "(")):
        while end < len(lines) and lines[end - 1] not in ("}", ")"):
            end += 1
    return start, end


def assign_keys(sources, files):
    """Gives each finding its verdict key: rule, path, the first line of the enclosing top-level
    declaration, the flagged line's text (whitespace squashed) and, when the same text is flagged
    more than once in that declaration, its occurrence (1, 2, …). Line numbers are left out, so
    a key survives edits elsewhere in the file."""
    seen = collections.Counter()
    for s in sources:
        for f in s.findings:
            lines = files.lines(f["path"])
            start, _ = enclosing(lines, f["line"])
            decl = squash(lines[start - 1]) if 0 < start <= len(lines) else ""
            base = (f["rule"], f["key_path"], decl, squash(files.line(f["path"], f["line"])))
            seen[base] += 1
            f["key"] = base + (seen[base],)


def sample_findings(args, sources):
    """Up to args.n findings per rule: a seeded sample of the third-party projects' findings,
    topped up from deps (with --deps), then from the standard library, when they have fewer."""
    by_rule = collections.defaultdict(lambda: collections.defaultdict(list))
    for s in sources:
        for f in s.findings:
            by_rule[f["rule"]][s.group].append(f)
    picked = {}
    for rule in sorted(by_rule):
        if args.rule and rule not in args.rule:
            continue
        rng = random.Random("%d:%s" % (args.seed, rule))
        chosen = []
        for group in ("projects", "deps", "std"):
            pool = by_rule[rule][group]
            need = args.n - len(chosen)
            if need <= 0:
                break
            chosen.extend(rng.sample(pool, min(need, len(pool))))
        picked[rule] = (chosen, {g: len(v) for g, v in by_rule[rule].items()})
    return picked


def sample(args, sources):
    files = Files()
    assign_keys(sources, files)
    if args.unaudited:
        audited = {verdict_key(v) for v in read_verdicts(args.verdicts)}
        for s in sources:
            s.findings = [f for f in s.findings if f["key"] not in audited]
    for rule, (chosen, sizes) in sample_findings(args, sources).items():
        print("=" * 100)
        print("%s: %d sampled of %s" % (rule, len(chosen), ", ".join("%d in %s" % (v, k) for k, v in sorted(sizes.items()))))
        for i, f in enumerate(chosen, 1):
            lines = files.lines(f["path"])
            a, b = enclosing(lines, f["line"])
            print("-" * 100)
            print("[%s %d/%d] %s %s:%d:%d" % (rule, i, len(chosen), f["project"], f["key_path"], f["line"], f["column"]))
            print("    " + f["message"])
            print("    key: " + "\t".join(str(x) for x in f["key"]))
            for n in range(a, b + 1):
                print("%s%5d  %s" % (">>" if n == f["line"] else "  ", n, lines[n - 1]))


VERDICT_COLUMNS = ("rule", "project", "path", "declaration", "line text", "occurrence", "verdict", "reason")


def read_verdicts(path):
    """The verdict file: tab-separated VERDICT_COLUMNS, # comments, a header line."""
    rows = []
    with open(path) as fh:
        for i, line in enumerate(fh, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#") or line.startswith("rule\t"):
                continue
            parts = line.split("\t")
            if len(parts) != len(VERDICT_COLUMNS) or parts[6] not in VERDICT_KINDS or not parts[5].isdigit():
                die("%s:%d: want %s, tab-separated; verdict one of %s" % (path, i, ", ".join(VERDICT_COLUMNS), "|".join(VERDICT_KINDS)))
            rows.append(dict(zip(VERDICT_COLUMNS, parts)))
    return rows


def verdict_key(v):
    """A verdict's key, as assign_keys gives it to a finding."""
    return (v["rule"], v["path"], v["declaration"], v["line text"], int(v["occurrence"]))


def ledger(args, sources):
    """Joins the current findings with the verdicts on (rule, path, flagged line's text)."""
    sev = severities(args.bin)
    files = Files()
    verdicts = read_verdicts(args.verdicts)
    assign_keys(sources, files)
    now = collections.defaultdict(collections.Counter)
    present = set()
    for s in sources:
        for f in s.findings:
            now[f["rule"]][s.group] += 1
            present.add(f["key"])
    stats = collections.defaultdict(collections.Counter)
    for v in verdicts:
        k = verdict_key(v)
        if k not in present:
            stats[v["rule"]]["gone"] += 1
        stats[v["rule"]][v["verdict"] + ("" if k in present else "-gone")] += 1
    groups = {s.group for s in sources}
    order = {"error": 0, "warning": 1, "info": 2, "hint": 3}
    rules = sorted(set(now) | set(stats) | set(sev), key=lambda r: (order.get(sev.get(r), 9), r))
    head = (
        "| rule | level under ci | findings: projects | deps | std | audited | real | wrong | debatable "
        "| unaudited | precision | no longer reported (real/wrong/debatable) |"
    )
    out = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in rules:
        st, n = stats[r], now[r]
        audited = st["real"] + st["wrong"] + st["debatable"]
        unaudited = max(0, n["projects"] + n["deps"] + n["std"] - audited)
        prec = "%.0f%%" % (100.0 * st["real"] / audited) if audited else "–"
        gone = "%d/%d/%d" % (st["real-gone"], st["wrong-gone"], st["debatable-gone"]) if st["gone"] else ""
        cols = [n[g] if g in groups else "–" for g in ("projects", "deps", "std")]
        cols += [audited, st["real"], st["wrong"], st["debatable"], unaudited, prec, gone]
        out.append("| `%s` | %s | %s |" % (r, sev.get(r, "?"), " | ".join(str(c) for c in cols)))
    table = "\n".join(out)
    if not args.no_write:
        if not os.path.exists(args.doc):
            die("no %s to update (--no-write prints the table only)" % args.doc)
        with open(args.doc) as fh:
            doc = fh.read()
        a, b = doc.find(LEDGER_START), doc.find(LEDGER_END)
        if a < 0 or b < a:
            die("%s has no %s … %s markers" % (args.doc, LEDGER_START, LEDGER_END))
        doc = doc[: a + len(LEDGER_START)] + "\n" + table + "\n" + doc[b:]
        with open(args.doc, "w") as fh:
            fh.write(doc)
    print(table)
    if not args.no_write:
        print("updated the table in %s" % os.path.relpath(args.doc))
    return 0


def default_bin():
    env = os.environ.get("GOHINT_BIN")
    if env:
        return env
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(REPO, "target"))
    return os.path.join(target, "release", "gohint")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = p.add_mutually_exclusive_group()
    for m in ("sample", "check-budget", "write-budget", "ledger"):
        mode.add_argument("--" + m, action="store_true")
    p.add_argument("--bin", default=default_bin(), help="the gohint binary (default $GOHINT_BIN, else target/release/gohint)")
    p.add_argument("--deps", action="store_true", help="also check the rest of /usr/share/gocode/src")
    p.add_argument("--no-std", dest="std", action="store_false", help="leave out the standard library")
    p.add_argument("--project", dest="projects", action="append", metavar="NAME=DIR", help="check these folders instead of the Debian projects")
    p.add_argument("--budget", default=BUDGET)
    p.add_argument("--verdicts", default=VERDICTS)
    p.add_argument("--doc", default=LEDGER_DOC)
    p.add_argument("--no-write", action="store_true", help="--ledger: print the table only")
    p.add_argument("--rule", action="append", help="--sample: only this rule (repeatable)")
    p.add_argument("--n", type=int, default=20, help="--sample: findings per rule")
    p.add_argument("--unaudited", action="store_true", help="--sample: only findings with no verdict yet")
    p.add_argument("--seed", type=int, default=SEED)
    p.add_argument("--reuse", metavar="DIR", help="keep gohint's reports in DIR and reuse them on the next run")
    args = p.parse_args()
    if not os.access(args.bin, os.X_OK):
        die("no gohint binary at %s (cargo build --release, or pass --bin)" % args.bin)
    if args.projects and args.budget == BUDGET and (args.check_budget or args.write_budget):
        die("the committed budget counts the Debian projects: give --project runs their own --budget FILE")
    if args.ledger:
        args.deps = True
    sources = load_sources(args)
    if args.sample:
        sample(args, sources)
    elif args.check_budget:
        return check_budget(args, sources)
    elif args.write_budget:
        write_budget(args, sources)
    elif args.ledger:
        return ledger(args, sources)
    else:
        report(args, sources)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # the reader (say, `| head`) has had enough
        sys.stderr.close()
        sys.exit(0)
