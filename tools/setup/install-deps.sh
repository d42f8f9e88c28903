#!/usr/bin/env bash
# Installs genflow's build and test dependencies from Debian bookworm packages. Idempotent:
# packages already present are not touched, and apt is only called when something is missing.
# Usage: install-deps.sh [extra Debian packages...]   (the benchmarks add hyperfine and time)
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config
  libcaf-dev libboost-dev libmsgpack-cxx-dev libspdlog-dev libfmt-dev
  libgtest-dev libgmock-dev libbenchmark-dev libyaml-cpp-dev libcli11-dev nlohmann-json3-dev
  libcurl4-openssl-dev libssl-dev libedit-dev libtree-sitter-dev libicu-dev
  python3 python3-jinja2 python3-mccabe bandit ca-certificates openssl
  "$@"
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

# The tree-sitter-python grammar comes from the npm registry; any npm will do.
command -v npm >/dev/null 2>&1 || missing+=(npm)

if [ ${#missing[@]} -gt 0 ]; then
  echo "genflow: installing ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
