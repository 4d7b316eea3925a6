#!/usr/bin/env bash
# valgrind.sh: runs the command-line program under valgrind memcheck over the example agency and a few
# invalid inputs; exits non-zero on any memory error, any definite leak, or an unexpected exit status.
# Usage: scripts/valgrind.sh BUILD_DIR   (a normal, non-sanitized build: BUILD_DIR/caseload)
# Env: VALGRIND_TIME_LIMIT (solver seconds per command, default 20), VALGRIND_KEEP=1 keeps the work folder.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:?usage: scripts/valgrind.sh BUILD_DIR}"
bin="$(cd "$build" && pwd)/caseload"
[ -x "$bin" ] || { echo "valgrind.sh: no $bin (build first)" >&2; exit 1; }
command -v valgrind >/dev/null || { echo "valgrind.sh: valgrind is not installed (scripts/setup.sh installs it)" >&2; exit 1; }
tl="${VALGRIND_TIME_LIMIT:-20}"
work="$(mktemp -d /tmp/caseload-valgrind-XXXXXX)"
[ "${VALGRIND_KEEP:-0}" = 1 ] || trap 'rm -rf "$work"' EXIT
ex="$root/examples/riverside.json"
failures=0 runs=0

# vg EXPECTED NAME ARGS...: one run of caseload ARGS under memcheck; its exit status must be EXPECTED
# (a list such as "0" or "0|4"); valgrind's own findings exit 99.
vg() {
  local expected="$1" name="$2" rc
  shift 2
  runs=$((runs + 1))
  set +e
  valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
    --show-leak-kinds=definite --track-origins=yes --log-file="$work/$name.vg" \
    "$bin" "$@" >"$work/$name.out" 2>"$work/$name.err" </dev/null
  rc=$?
  set -e
  if [ "$rc" = 99 ] || [ -s "$work/$name.vg" ]; then
    echo "valgrind.sh: $name: memcheck found errors (caseload $*):" >&2
    sed 's/^/  /' "$work/$name.vg" | head -60 >&2
    failures=$((failures + 1))
  elif ! [[ "$rc" =~ ^($expected)$ ]]; then
    echo "valgrind.sh: $name: exit $rc, expected $expected (caseload $*):" >&2
    sed 's/^/  /' "$work/$name.err" | head -20 >&2
    failures=$((failures + 1))
  else
    echo "valgrind.sh: $name: ok (exit $rc)" >&2
  fi
}

vg 0 check check "$ex"
vg 0 assign assign "$ex" -o "$work/plan.json" --time-limit "$tl"
vg 0 verify verify "$ex" "$work/plan.json"
vg 0 rebalance rebalance "$ex" -o "$work/rebalance.json" --max-moves 10 --time-limit "$tl"
client="$(sed -n 's/.*"id": *"\(c[^"]*\)".*/\1/p' "$ex" | head -1)"
vg 0 recommend recommend "$ex" --client "$client" --top 3 --time-limit "$tl"
if "$bin" schedule --help >/dev/null 2>&1; then
  mkdir -p "$work/ics"
  vg 0 schedule schedule "$ex" --assignment "$work/plan.json" -o "$work/schedule.json" --ics "$work/ics" \
    --time-limit "$tl"
  [ -s "$work/schedule.json" ] && vg 0 verify-schedule verify "$ex" "$work/schedule.json"
fi
if "$bin" db --help >/dev/null 2>&1; then
  vg 0 db-init db init "$work/store.db"
  vg 0 db-import db import "$work/store.db" "$ex" --by valgrind
  vg 0 db-export db export "$work/store.db" -o "$work/export.json"
fi
# Invalid inputs: exit 3, with every problem listed, and no leak on the error paths.
for c in duplicate-key non-utf8 truncated deep-nesting three-across-sections two-unknown-refs id-100k-chars; do
  [ -f "$root/tests/data/invalid/$c/input.json" ] && vg 3 "invalid-$c" check "$root/tests/data/invalid/$c/input.json"
done
vg 3 invalid-assign assign "$root/tests/data/invalid/three-across-sections/input.json" -o "$work/never.json"
vg 1 missing-file check "$work/does-not-exist.json"
vg 2 usage assign

echo "valgrind.sh: $runs runs, $failures with findings" >&2
echo "$((runs - failures)) passed, $failures failed"
[ "$failures" = 0 ]
