#!/usr/bin/env bash
# Checks a release binary: at most MAX_BYTES (10 MiB: the stripped linux-x64
# build, linked whole-program, is about 8.8 MB and deflates to a third of that, which keeps the
# archive under 4 MB and the VS Code package under its 5 MB budget), on
# Linux no glibc symbol newer than 2.17 (the oldest glibc still in service:
# RHEL/CentOS 7), and, when it runs here, that it answers with the embedded
# corpus.
#
#   dist/check.sh BINARY [PLATFORM]
set -euo pipefail

bin=$1
platform=${2:-linux-x64}
MAX_BYTES=${GOHINT_MAX_BINARY_BYTES:-10485760}
GLIBC_MAX=2.17

size=$(wc -c <"$bin")
echo "$bin: $size bytes (cap $MAX_BYTES)"
if [ "$size" -gt "$MAX_BYTES" ]; then
  echo "$bin is larger than $MAX_BYTES bytes" >&2
  exit 1
fi

case $platform in
  linux-*)
    # readelf reads any architecture's ELF; the versions of the dynamic
    # symbols are the glibc releases the binary needs.
    newest=$(readelf --dyn-syms --wide "$bin" | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' |
      sort -u -V | tail -n 1)
    echo "$bin: newest glibc symbol version $newest (at most $GLIBC_MAX)"
    if [ -z "$newest" ] || [ "$(printf '%s\n%s\n' "$newest" "$GLIBC_MAX" | sort -V | tail -n 1)" != "$GLIBC_MAX" ]; then
      echo "$bin needs glibc $newest, newer than $GLIBC_MAX" >&2
      exit 1
    fi
    if readelf --sections --wide "$bin" | grep -q '\.debug_\|\.symtab'; then
      echo "$bin is not stripped" >&2
      exit 1
    fi
    ;;
esac

# Run it where it can run (the platform of this machine): the corpus must be inside.
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) here=linux-x64 ;;
  Linux-aarch64) here=linux-arm64 ;;
  Darwin-x86_64) here=darwin-x64 ;;
  Darwin-arm64) here=darwin-arm64 ;;
  MINGW*-x86_64 | MSYS*-x86_64 | CYGWIN*-x86_64) here=win32-x64 ;;
  *) here= ;;
esac
if [ "$platform" = "$here" ]; then
  out=$("$bin" --explain double-close)
  grep -q "What issues can arise with a closed channel?" <<<"$out" || {
    echo "$bin --explain double-close does not quote the corpus" >&2
    exit 1
  }
  echo "$bin: $("$bin" --version), corpus embedded"
fi
