#!/usr/bin/env bash
# Builds the release artifacts of one platform: the `dist` profile (the
# release build, stripped), linked on Linux against glibc 2.17 with
# cargo-zigbuild, checked by dist/check.sh, then archived with its SHA-256.
# The release workflow (.github/workflows/release.yml) calls it on every
# platform; .ci/run calls it for linux-x64.
#
#   dist/build.sh [PLATFORM]     # linux-x64 (default), linux-arm64,
#                                # darwin-x64, darwin-arm64, win32-x64
#
# Prints the binary's path on the last line. Archives and checksums land in
# $CARGO_TARGET_DIR/dist/ (default target/dist/). Tools (zig from PyPI's
# ziglang, cargo-zigbuild from crates.io, both pinned) are installed once
# into $GOHINT_DIST_TOOLS (default ~/.cache/gohint-dist) when missing.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PLATFORM=${1:-linux-x64}
ZIGLANG_VERSION=0.14.1
CARGO_ZIGBUILD_VERSION=0.24.1
TOOLS=${GOHINT_DIST_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/gohint-dist}
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
OUT="$TARGET_DIR/dist"

case $PLATFORM in
  linux-x64) triple=x86_64-unknown-linux-gnu zig=1 ;;
  linux-arm64) triple=aarch64-unknown-linux-gnu zig=1 ;;
  darwin-x64) triple=x86_64-apple-darwin zig= ;;
  darwin-arm64) triple=aarch64-apple-darwin zig= ;;
  win32-x64) triple=x86_64-pc-windows-msvc zig= ;;
  *) echo "unknown platform $PLATFORM" >&2; exit 2 ;;
esac

log() { printf '==> %s\n' "$*" >&2; }

# zig (PyPI ziglang) and cargo-zigbuild, pinned, installed once.
zig_tools() {
  local venv="$TOOLS/ziglang-$ZIGLANG_VERSION"
  if [ ! -x "$venv/bin/python-zig" ]; then
    log "pip install ziglang==$ZIGLANG_VERSION into $venv"
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "ziglang==$ZIGLANG_VERSION" >&2
    # cargo-zigbuild looks for `python3 -m ziglang` or `zig` on PATH.
    printf '#!/bin/sh\nexec "%s" -m ziglang "$@"\n' "$venv/bin/python" >"$venv/bin/python-zig"
    chmod +x "$venv/bin/python-zig"
    ln -sf python-zig "$venv/bin/zig"
  fi
  local cz="$TOOLS/cargo-zigbuild-$CARGO_ZIGBUILD_VERSION"
  if [ ! -x "$cz/bin/cargo-zigbuild" ]; then
    log "cargo install cargo-zigbuild@$CARGO_ZIGBUILD_VERSION into $cz"
    CARGO_TARGET_DIR="$TOOLS/build" cargo install --quiet --locked --root "$cz" \
      --version "$CARGO_ZIGBUILD_VERSION" cargo-zigbuild >&2
    rm -rf "$TOOLS/build"
  fi
  export PATH="$venv/bin:$cz/bin:$PATH"
}

cd "$ROOT"
if [ -n "$zig" ]; then
  zig_tools
  log "cargo zigbuild --profile dist --target $triple.2.17"
  cargo zigbuild --locked --quiet --profile dist --target "$triple.2.17" >&2
else
  log "cargo build --profile dist --target $triple"
  cargo build --locked --quiet --profile dist --target "$triple" >&2
fi
ext=
[ "$PLATFORM" = win32-x64 ] && ext=.exe
bin="$TARGET_DIR/$triple/dist/gohint$ext"
bash "$ROOT/dist/check.sh" "$bin" "$PLATFORM" >&2

# The archive cargo-binstall and people download: gohint-vX.Y.Z-TRIPLE/.
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
name="gohint-v$version-$triple"
stage="$OUT/$name"
rm -rf "$stage"
mkdir -p "$stage"
cp "$bin" README.md "$stage/"
cp editors/vscode/LICENSE "$stage/LICENSE"
if [ "$PLATFORM" = win32-x64 ]; then
  archive="$name.zip"
  (cd "$OUT" && rm -f "$archive" && 7z a -bd -tzip "$archive" "$name" >/dev/null)
else
  archive="$name.tar.gz"
  tar -C "$OUT" -czf "$OUT/$archive" "$name"
fi
(cd "$OUT" && { sha256sum "$archive" 2>/dev/null || shasum -a 256 "$archive"; } >"$archive.sha256")
rm -rf "$stage"
log "$OUT/$archive ($(wc -c <"$OUT/$archive") bytes), sha256 $(cut -d' ' -f1 "$OUT/$archive.sha256")"
echo "$bin"
