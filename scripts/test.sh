#!/usr/bin/env bash
# test.sh: set up, build, and run the whole test suite: the normal build, then the same tests under
# AddressSanitizer + UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test build
echo "== formatting (.clang-format)"
find model io solver cli tests fuzz -name '*.[ch]' -print0 | xargs -0 clang-format --dry-run --Werror
(cd build && ctest --output-on-failure -j2)
echo "== valgrind memcheck of the command-line program"
scripts/valgrind.sh build
scripts/setup.sh --test build-asan -DCASELOAD_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure -j2)
