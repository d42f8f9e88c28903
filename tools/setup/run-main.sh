#!/usr/bin/env bash
# Sets up a fresh machine (Debian bookworm), builds genflow (Release) and runs the main job on
# the embedded default. Idempotent; extra arguments go to `genflow run`.
set -euo pipefail
top="$(cd "$(dirname "$0")/../.." && pwd)"
"$top/tools/setup/build.sh" release genflow
exec "$top/build/release/tools/cli/genflow" run "$@"
