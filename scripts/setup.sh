#!/usr/bin/env bash
# setup.sh: installs the Debian packages caseload needs (when allowed: root or sudo) and builds it.
# Usage: scripts/setup.sh [--test] [BUILD_DIR [extra cmake args...]]
#   --test  also what the test suite uses: valgrind, clang's sanitizer runtime, chromium for the report's
#           browser test
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(build-essential cmake pkg-config libglpk-dev libsqlite3-dev libjansson-dev libcmocka-dev
          libcsv-dev libical-dev python3)
if [ "${1:-}" = "--test" ]; then
  packages+=(sqlite3 valgrind clang clang-format libclang-rt-14-dev chromium fonts-dejavu-core)
  shift
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then sudo=""
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo="sudo"
  else
    echo "caseload setup: these Debian packages are missing and I may not install them:" >&2
    echo "  sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
  echo "caseload setup: installing ${missing[*]}" >&2
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

build="${1:-build}"
shift || true
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build "$build" -j"$(nproc)" >&2
