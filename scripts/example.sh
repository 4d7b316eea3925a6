#!/usr/bin/env bash
# example.sh: set up, build, and run the main job on the bundled example agency: check it, assign the
# caseloads, verify the plan, plan the week, and write the supervisor's report (all into out/).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh build
mkdir -p out
agency=examples/riverside.json
echo "== caseload check $agency"
build/caseload check "$agency"
echo
echo "== caseload assign $agency -o out/assignment.json"
build/caseload assign "$agency" -o out/assignment.json
build/caseload verify "$agency" out/assignment.json
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
echo
echo "== caseload schedule $agency --assignment out/assignment.json -o out/schedule.json --ics out/calendars"
build/caseload schedule "$agency" --assignment out/assignment.json -o out/schedule.json --ics out/calendars
build/caseload verify "$agency" out/schedule.json
python3 -c "import json; m = json.load(open('out/schedule.json'))['metrics']; print('coverage', m['coverage'], 'of bound', m.get('coverage_bound'), '; travel minutes', m['travel_minutes'])"
echo
echo "== caseload report $agency --assignment out/assignment.json --schedule out/schedule.json -o out/report.html"
build/caseload report "$agency" --assignment out/assignment.json --schedule out/schedule.json -o out/report.html
echo "open out/report.html in a browser; calendars are in out/calendars/"
