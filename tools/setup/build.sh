#!/usr/bin/env bash
# Configures and builds genflow. Usage: build.sh release|debug [cmake targets...]
#   release: optimized, build/release
#   debug:   Debug with AddressSanitizer + UndefinedBehaviorSanitizer, build/debug (no benchmarks)
set -euo pipefail

top="$(cd "$(dirname "$0")/../.." && pwd)"
kind="${1:?usage: build.sh release|debug [targets...]}"
shift

"$top/tools/setup/install-deps.sh"
"$top/tools/setup/fetch-grammar.sh"

case "$kind" in
  release) dir="$top/build/release"; flags=(-DCMAKE_BUILD_TYPE=Release -DGENFLOW_SANITIZE=OFF) ;;
  debug)   dir="$top/build/debug";   flags=(-DCMAKE_BUILD_TYPE=Debug -DGENFLOW_SANITIZE=ON -DGENFLOW_BUILD_BENCHMARKS=OFF) ;;
  *) echo "usage: build.sh release|debug [targets...]" >&2; exit 2 ;;
esac

if [ ! -f "$dir/CMakeCache.txt" ]; then
  cmake -S "$top" -B "$dir" -G Ninja "${flags[@]}" \
    -DGENFLOW_TREE_SITTER_PYTHON_DIR="$top/build/_deps/tree-sitter-python"
fi
jobs="$(nproc)"
if [ $# -gt 0 ]; then
  cmake --build "$dir" -j "$jobs" --target "$@"
else
  cmake --build "$dir" -j "$jobs"
fi
