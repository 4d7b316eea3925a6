#!/usr/bin/env bash
# example.sh: set up, build, and run the main job on the bundled example agency.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh build
mkdir -p out
echo "== caseload check examples/riverside.json"
build/caseload check examples/riverside.json
echo
echo "== caseload assign examples/riverside.json -o out/assignment.json"
build/caseload assign examples/riverside.json -o out/assignment.json
build/caseload verify examples/riverside.json out/assignment.json
python3 - out/assignment.json <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))
o = a["objective"]
print(f"status {a['status']}: {len(a['assignments'])} assigned, {len(a['waitlist'])} waiting, "
      f"{o['moves']} moves, max utilization {o['max_utilization']}, imbalance {o['imbalance']}")
for m in a["moves"]:
    print(f"  move {m['client']}: {m['from']} -> {m['to']} ({m['reason']})")
for w in a["waitlist"]:
    print(f"  waits {w['client']}: {w['reason']}")
PY
