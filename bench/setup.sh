#!/usr/bin/env bash
# bench/setup.sh: installs the benchmark peers (never runtime dependencies of caseload): glpsol (Debian
# glpk-utils), CBC (Debian coinor-cbc) and HiGHS (the npm package highs, into bench/node_modules), when
# this user may (root or sudo); otherwise says what to install. Then build caseload and run bench/run.
set -euo pipefail
cd "$(dirname "$0")"
missing=()
command -v glpsol >/dev/null || missing+=(glpk-utils)
command -v cbc >/dev/null || missing+=(coinor-cbc)
[ -x /usr/bin/time ] || missing+=(time)
command -v npm >/dev/null || missing+=(npm)
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then sudo=""
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo="sudo"
  else
    echo "bench setup: install these Debian packages first: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
[ -d node_modules/highs ] || npm install --prefix . --no-audit --no-fund highs >&2
echo "bench setup: glpsol, cbc and HiGHS are ready" >&2
