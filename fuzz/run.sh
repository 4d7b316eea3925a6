#!/usr/bin/env bash
# run.sh: runs each libFuzzer target for SECONDS seconds, one after the other, on a seed corpus built from
# examples/, tests/data/ and fuzz/seeds/ (in a temporary folder; nothing generated lands in the repo).
# Usage: fuzz/run.sh SECONDS [TARGET...]   (targets: instance plan csv; default all)
# Env: FUZZ_BUILD (default build-fuzz; built with fuzz/build.sh when missing), FUZZ_WORK (keep the corpora
# and logs there instead of a temporary folder), FUZZ_JOBS (parallel workers per target, default 1),
# FUZZ_SUPP (sanitizer suppressions of known, reported bugs: PREFIX-ubsan.supp and PREFIX-lsan.supp;
# default fuzz/known, empty for none).
# Exits 1 when a target crashed, leaked or timed out; the crashing input is left in the work folder and
# its path printed. The last stats line of each target (execs, cov, ft) is printed.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
secs="${1:?usage: fuzz/run.sh SECONDS [instance|plan|csv ...]}"
shift
targets=("$@")
[ "${#targets[@]}" -gt 0 ] || targets=(instance plan csv)
build="${FUZZ_BUILD:-$root/build-fuzz}"
for t in "${targets[@]}"; do
  [ -x "$build/fuzz_$t" ] || { "$root/fuzz/build.sh" "$build"; break; }
done
work="${FUZZ_WORK:-}"
if [ -z "$work" ]; then
  work="$(mktemp -d /tmp/caseload-fuzz-XXXXXX)"
  trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work"
cd "$work" # libFuzzer's -jobs mode writes fuzz-N.log into the current folder

seed() { # seed DIR FILES...: copies the files into DIR under unique names
  local dir="$1" f n=0
  shift
  mkdir -p "$dir"
  for f in "$@"; do
    [ -f "$f" ] || continue
    n=$((n + 1))
    cp "$f" "$dir/seed-$n-$(basename "$(dirname "$f")")-$(basename "$f")"
  done
}
shopt -s nullglob globstar
status=0
for t in "${targets[@]}"; do
  corpus="$work/corpus-$t"
  case "$t" in
    instance) seed "$corpus" "$root"/examples/*.json "$root"/tests/data/**/input.json "$root"/tests/data/**/riverside.json ;;
    plan)     seed "$corpus" "$root"/tests/data/**/plan.json "$root"/fuzz/seeds/*.json ;;
    csv)      seed "$corpus" "$root"/tests/data/**/*.csv "$root"/fuzz/seeds/*.csv ;;
    *) echo "fuzz/run.sh: unknown target $t (expected instance, plan or csv)" >&2; exit 2 ;;
  esac
  log="$work/fuzz_$t.log"
  mkdir -p "$work/artifacts-$t"
  echo "== fuzz_$t: ${secs}s, $(ls "$corpus" | wc -l) seeds" >&2
  jobs=()
  [ "${FUZZ_JOBS:-1}" -gt 1 ] && jobs=(-jobs="$FUZZ_JOBS" -workers="$FUZZ_JOBS")
  set +e
  supp="${FUZZ_SUPP-$root/fuzz/known}"
  ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1:${ASAN_OPTIONS:-}" \
  LSAN_OPTIONS="${supp:+suppressions=$supp-lsan.supp:}${LSAN_OPTIONS:-}" \
  UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${supp:+suppressions=$supp-ubsan.supp:}${UBSAN_OPTIONS:-}" \
    "$build/fuzz_$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 "${jobs[@]}" \
      -print_final_stats=1 -dict="$root/fuzz/caseload.dict" -artifact_prefix="$work/artifacts-$t/" \
      "$corpus" >"$log" 2>&1
  rc=$?
  set -e
  grep -E '^#[0-9]+.*(DONE|pulse|NEW|REDUCE)' "$log" | tail -1 >&2 || true
  grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$log" >&2 || true
  if [ "$rc" -ne 0 ]; then
    status=1
    echo "fuzz_$t FAILED (exit $rc): log $log" >&2
    grep -E 'ERROR:|runtime error|SUMMARY' "$log" | head -5 >&2 || true
    ls "$work/artifacts-$t/" >&2
    trap - EXIT # keep the evidence
  fi
done
exit "$status"
