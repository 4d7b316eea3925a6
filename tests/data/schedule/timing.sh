#!/bin/sh
# timing.sh: times `caseload schedule` on generated agencies (600 and 2,500 clients by default) and checks
# each schedule with `caseload verify`. Usage: timing.sh [BUILD_DIR] [SIZES] [SEEDS]
# Prints one line per run: size, seed, seconds for assign, seconds for schedule, verify result, metrics.
set -eu
here=$(cd "$(dirname "$0")/../../.." && pwd)
build=${1:-$here/build}
sizes=${2:-"M L"}
seeds=${3:-"1"}
bin=$build/caseload
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
now() { date +%s.%N; }
for size in $sizes; do
  for seed in $seeds; do
    python3 "$here/bench/gen.py" --size "$size" --seed "$seed" -o "$tmp/in.json"
    t0=$(now)
    "$bin" assign "$tmp/in.json" -o "$tmp/a.json" --quiet
    t1=$(now)
    "$bin" schedule "$tmp/in.json" --assignment "$tmp/a.json" -o "$tmp/s.json" --quiet
    t2=$(now)
    v=$("$bin" verify "$tmp/in.json" "$tmp/s.json" | tail -1 | sed 's/.*: //')
    m=$(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); m=d['metrics']; print('clients %d visits %d required %d scheduled %d coverage %s bound %s travel %s status %s' % (len(json.load(open(sys.argv[2]))['clients']), len(d['visits']), m['required'], m['scheduled'], m['coverage'], m['coverage_bound'], m['travel_minutes'], d['solver']['status']))" "$tmp/s.json" "$tmp/in.json")
    echo "size $size seed $seed assign $(echo "$t1 - $t0" | bc) s schedule $(echo "$t2 - $t1" | bc) s verify: $v; $m"
  done
done
