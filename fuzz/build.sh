#!/usr/bin/env bash
# build.sh: compiles the libFuzzer targets (fuzz/fuzz_*.c) with ASan + UBSan, linking the library's sources
# directly. Needs clang and libclang-rt-14-dev (scripts/setup.sh installs both).
# Usage: fuzz/build.sh [OUT_DIR]   (default: build-fuzz at the top of the repo); prints nothing on success.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/build-fuzz}"
mkdir -p "$out"
cc="${CC_FUZZ:-$(command -v clang-14 || command -v clang)}"
version="$(sed -n 's/^project(caseload VERSION \([0-9.]*\).*/\1/p' "$root/CMakeLists.txt")"
glpk_inc="$(dirname "$(echo '#include <glpk.h>' | "$cc" -E -H -x c - 2>&1 >/dev/null | sed -n 's/^\. //p' | head -1)")"
flags=(-g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined
       -std=gnu11 -Wall -Wextra -Wshadow -Wno-sign-conversion
       -I"$root" -I"$glpk_inc" -DCL_VERSION="\"$version\"" -DCL_SOURCE_DIR="\"$root\""
       $(pkg-config --cflags jansson sqlite3))
libs=($(pkg-config --libs jansson sqlite3) -lglpk -lcsv -lm)
shopt -s nullglob
lib_src=("$root"/model/*.c "$root"/io/*.c "$root"/solver/*.c)
# Compile the library once into objects (fuzzer instrumentation without the fuzzer's main), then link each
# target against them.
objdir="$out/obj"
rm -rf "$objdir"
mkdir -p "$objdir"
pids=()
for src in "${lib_src[@]}"; do
  rel="${src#$root/}"
  "$cc" "${flags[@]/-fsanitize=fuzzer,address,undefined/-fsanitize=fuzzer-no-link,address,undefined}" \
    -c "$src" -o "$objdir/${rel//\//_}.o" &
  pids+=($!)
  if [ "${#pids[@]}" -ge "$(nproc)" ]; then wait "${pids[0]}"; pids=("${pids[@]:1}"); fi
done
for p in "${pids[@]}"; do wait "$p"; done
for t in "$root"/fuzz/fuzz_*.c; do
  name="$(basename "$t" .c)"
  "$cc" "${flags[@]}" "$t" "$objdir"/*.o "${libs[@]}" -o "$out/$name"
done
