#!/usr/bin/env bash
# Packages the extension for one platform with its gohint binary:
# OUTDIR/gohint-PLATFORM-VERSION.vsix, at most 5 MB (a VS Code package
# downloads on every install and update; the stripped binary is most of it).
#
#   editors/vscode/package.sh PLATFORM BINARY OUTDIR
#
# PLATFORM is a `vsce --target`: linux-x64, linux-arm64, darwin-x64,
# darwin-arm64, win32-x64. Prints the package's path on the last line.
set -euo pipefail

EXT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
platform=$1
binary=$2
outdir=$3
MAX_BYTES=$((5 * 1000 * 1000))

mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)
binary="$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")"
version=$(node -p 'require(process.argv[1]).version' "$EXT/package.json")
vsix="$outdir/gohint-$platform-$version.vsix"
name=gohint
[ "$platform" = win32-x64 ] && name=gohint.exe

cd "$EXT"
if [ ! -x node_modules/.bin/vsce ]; then
  npm ci --no-audit --no-fund --prefer-offline --loglevel=error >&2
fi
# Only this platform's binary goes in.
rm -rf bin
mkdir -p "bin/$platform"
cp "$binary" "bin/$platform/$name"
chmod +x "bin/$platform/$name"
rm -f "$vsix"
npx --no-install vsce package --target "$platform" --out "$vsix" >&2
rm -rf bin

listing=$(python3 -m zipfile -l "$vsix" 2>/dev/null || python -m zipfile -l "$vsix")
for f in extension/package.json extension/dist/extension.js "extension/bin/$platform/$name" \
  extension/LICENSE extension/changelog.md extension/images/icon.png; do
  grep -qi "$f" <<<"$listing" || { echo "$vsix lacks $f" >&2; exit 1; }
done
size=$(wc -c <"$vsix")
echo "$vsix: $size bytes (cap $MAX_BYTES)" >&2
if [ "$size" -gt "$MAX_BYTES" ]; then
  echo "$vsix is larger than $MAX_BYTES bytes" >&2
  exit 1
fi
echo "$vsix"
