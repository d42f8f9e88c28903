#!/usr/bin/env bash
# Fetches the tree-sitter-python grammar (C sources only) from the npm registry into DEST
# (default: build/_deps/tree-sitter-python). CMake compiles it; nothing of it is committed.
# Idempotent: an existing, verified copy is kept.
set -euo pipefail

version="0.23.6"   # LANGUAGE_VERSION 14, which Debian's libtree-sitter 0.20.7 accepts
top="$(cd "$(dirname "$0")/../.." && pwd)"
dest="${1:-$top/build/_deps/tree-sitter-python}"

if [ -f "$dest/src/parser.c" ] && grep -q '#define LANGUAGE_VERSION 14' "$dest/src/parser.c"; then
  exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "tree-sitter-python@$version" >/dev/null)
tar -xzf "$work/tree-sitter-python-$version.tgz" -C "$work"
if ! grep -q '#define LANGUAGE_VERSION 14' "$work/package/src/parser.c"; then
  echo "genflow: tree-sitter-python $version does not have LANGUAGE_VERSION 14" >&2
  exit 1
fi
rm -rf "$dest"
mkdir -p "$dest"
cp -r "$work/package/src" "$work/package/LICENSE" "$dest/"
echo "genflow: tree-sitter-python $version in $dest" >&2
