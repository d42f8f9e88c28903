#!/usr/bin/env bash
# Sets up a fresh machine (Debian bookworm), builds genflow with sanitizers and runs every test
# with ctest. Idempotent; safe to run again.
set -euo pipefail
top="$(cd "$(dirname "$0")/../.." && pwd)"
"$top/tools/setup/build.sh" debug
cd "$top/build/debug"
ctest --output-on-failure -j "$(nproc)" --timeout 600
