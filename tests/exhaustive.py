#!/usr/bin/env python3
"""tests/exhaustive.py: an independent brute-force check of `caseload assign` / `rebalance` (SPEC 4, 5).

Reads a caseload/1 instance with the rules of SPEC 3-4 as written (not the library's code), enumerates
every eligible assignment per independent pool (clients linked by the managers and peers they may have,
team members linked by their pool), and finds the lexicographic optimum of the objective levels of 4.4
(assign) or of 5 (rebalance: imbalance before moves, at most K moves in all, per budget by a DP over
pools). Python 3 standard library only.

    exhaustive.py --random SEED OUT | --random-range FIRST LAST DIR   tiny random agencies with much freedom
    exhaustive.py --gen SIZES SEEDS DIR                   bench/gen.py agencies, e.g. --gen 12,16 1,2 /tmp/x
    exhaustive.py --batch FILE                            one check per line: INSTANCE --plan PLAN [options]
    exhaustive.py INSTANCE --count                        combinations to enumerate (sum over pools)
    exhaustive.py INSTANCE [--rebalance [--max-moves K]] --plan PLAN [--frontier]
        checks PLAN (the caseload output): every hard rule of 4.1, its stated objective equal to the
        recomputed one, and each level equal to the brute-force optimum (tolerance 1e-6 relative).
        Exit 0 when all agree, 1 with the differences on stdout, 2 when the instance is too big. A plan whose
        status is not optimal (or over_capacity) is a difference too: these agencies take no time to solve.
"""
import json
import sys

TOL = 1e-6
LIMIT = 3_000_000


def phi(u):
    """Piecewise-linear interpolation of u^2 at 0, 0.05, 0.10, ... computed with exact breakpoints."""
    if u <= 0:
        return 0.0
    k = int(u * 20 + 1e-9)
    a, b = k / 20.0, (k + 1) / 20.0
    # value on segment [a, b]: a^2 + (u - a) * (a + b)
    return a * a + (u - a) * (a + b)


class Inst:
    def __init__(self, path):
        with open(path) as f:
            j = json.load(f)
        caps = {"ICM": 12.0, "SCM": 20.0, "ADULT_HOME": 20.0}
        peer_cap = 20.0
        for p, r in (j.get("programs") or {}).items():
            if "caseload_cap" in r:
                caps[p] = float(r["caseload_cap"])
            if p == "ADULT_HOME" and "peer_caseload_cap" in r:
                peer_cap = float(r["peer_caseload_cap"])
        self.caps = caps
        zones = j.get("zones") or []
        tm = j.get("travel_minutes") or {}
        self.travel = {(a, b): tm.get(a, {}).get(b, 0) for a in zones for b in zones}
        self.teams = {}
        for t in j.get("teams") or []:
            self.teams[t["id"]] = {"members": list(t.get("members", [])), "flex": float(t.get("flex", 0.25))}
        self.staff = {}
        self.staff_order = []
        for s in j["staff"]:
            sid = s["id"]
            role = s.get("role", "case_manager")
            d = {
                "id": sid,
                "peer": role == "peer_specialist",
                "program": s.get("program"),
                "team": s.get("team"),
                "fte": float(s.get("fte", 1)),
                "zone": s.get("zone"),
                "langs": set(s.get("languages", ["en"])),
                "active": s.get("active", True),
            }
            if "caseload_cap" in s:
                d["cap"] = float(s["caseload_cap"])
            elif d["peer"]:
                d["cap"] = peer_cap
            else:
                d["cap"] = caps.get(d["program"], 0.0)
            self.staff[sid] = d
            self.staff_order.append(sid)
        for tid, t in self.teams.items():
            for m in t["members"]:
                if not self.staff[m]["peer"]:
                    self.staff[m]["team"] = tid
        for sid, d in self.staff.items():
            if d["team"] is not None and sid not in self.teams[d["team"]]["members"]:
                self.teams[d["team"]]["members"].append(sid)
        self.clients = []
        for c in j["clients"]:
            prog = c["program"]
            self.clients.append({
                "id": c["id"],
                "program": prog,
                "level": c.get("level", "SCM") if prog == "BLENDED" else prog,
                "acuity": float(c.get("acuity", 1)),
                "priority": float(c.get("priority", 1)),
                "zone": c.get("zone"),
                "langs": set(c.get("languages", ["en"])),
                "manager": c.get("manager"),
                "peer": c.get("peer"),
                "keep": bool(c.get("keep", False)),
                "avoid": set(c.get("avoid", [])),
            })

    # ---- SPEC 4.1 -----------------------------------------------------------------------------------
    def serves(self, s, c):
        st = self.staff[s]
        if not st["active"] or st["peer"]:
            return False
        if c["program"] == "BLENDED":
            return st["team"] is not None
        return st["team"] is None and st["program"] == c["program"]

    def managers(self, c):
        """(eligible managers, relaxed)."""
        cur = c["manager"]
        if c["keep"] and cur is not None and self.serves(cur, c) and cur not in c["avoid"]:
            return [cur], False
        base = [s for s in self.staff_order if self.serves(s, c) and s not in c["avoid"]]
        strict = [s for s in base if (self.staff[s]["langs"] & c["langs"]) or s == cur]
        if not strict and cur is not None and base:
            return base, True
        return strict, False

    def peers(self, c):
        if c["program"] != "ADULT_HOME":
            return []
        base = [s for s in self.staff_order
                if self.staff[s]["peer"] and self.staff[s]["active"] and s not in c["avoid"]]
        strict = [s for s in base if (self.staff[s]["langs"] & c["langs"]) or s == c["peer"]]
        if not strict and c["peer"] is not None:
            return base
        return strict

    def options(self, c):
        """Every (manager, peer) the client may end up with; (None, None) = waits."""
        mgrs, _ = self.managers(c)
        if not mgrs:
            return [(None, None)]
        prs = self.peers(c)
        opts = [(m, p) for m in mgrs for p in (prs or [None])]
        if c["manager"] is None:
            opts.append((None, None))
        return opts

    # ---- SPEC 4.2-4.4 -------------------------------------------------------------------------------
    def load_of(self, c, s):
        if self.staff[s]["team"] is not None:
            return c["acuity"] / self.caps[c["level"]]
        return c["acuity"]

    def limit(self, s):
        st = self.staff[s]
        if st["team"] is not None:
            return st["fte"] * (1 + self.teams[st["team"]]["flex"])
        return st["cap"] * st["fte"]

    def base(self, s):
        st = self.staff[s]
        return st["fte"] if st["team"] is not None else st["cap"] * st["fte"]

    def team_fte(self, t):
        return sum(self.staff[m]["fte"] for m in self.teams[t]["members"] if self.staff[m]["active"])

    def evaluate(self, clients, choice, staff_set, team_set):
        """Levels over a set of clients (indices) with choice[i] = (manager, peer)."""
        load = {s: 0.0 for s in staff_set}
        over = wait = imb = travel = 0.0
        moves = pmoves = 0
        for i, (m, p) in zip(clients, choice):
            c = self.clients[i]
            if m is None:
                wait += c["acuity"] * c["priority"]  # SPEC 4.4: every waitlisted client
                continue
            load[m] = load.get(m, 0.0) + self.load_of(c, m)
            if p is not None:
                load[p] = load.get(p, 0.0) + c["acuity"]
            if c["manager"] is not None and m != c["manager"]:
                moves += 1
            if c["peer"] is not None and p != c["peer"]:
                pmoves += 1
            travel += self.travel.get((c["zone"], self.staff[m]["zone"]), 0)
        for s, l in load.items():
            over += max(0.0, l - self.limit(s))
            if self.staff[s]["active"]:
                imb += self.staff[s]["fte"] * phi(l / self.base(s))
        for t in team_set:
            used = sum(load.get(m, 0.0) for m in self.teams[t]["members"])
            over += max(0.0, used - self.team_fte(t))
        return {"overload": over, "waitlist": wait, "moves": moves, "peer_moves": pmoves,
                "imbalance": imb, "travel_minutes": travel}


def key(v, rebalance):
    order = ["overload", "waitlist", "imbalance", "allmoves", "travel_minutes"] if rebalance else \
        ["overload", "waitlist", "allmoves", "imbalance", "travel_minutes"]
    return [v["moves"] + v["peer_moves"] if k == "allmoves" else v[k] for k in order]


def lex_less(a, b):
    for x, y in zip(a, b):
        if x < y - TOL * (1 + abs(y)):
            return True
        if x > y + TOL * (1 + abs(y)):
            return False
    return False


def add(a, b):
    return {k: a[k] + b[k] for k in a}


def components(inst):
    parent = {s: s for s in inst.staff}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for t in inst.teams.values():
        for m in t["members"][1:]:
            parent[find(m)] = find(t["members"][0])
    groups = {}
    fixed = []
    for i, c in enumerate(inst.clients):
        opts = inst.options(c)
        staff = {x for o in opts for x in o if x is not None}
        if not staff:
            fixed.append(i)
            continue
        first = next(iter(sorted(staff)))
        for s in staff:
            parent[find(s)] = find(first)
        groups.setdefault(None, []).append((i, first))
    comps = {}
    for i, first in groups.get(None, []):
        comps.setdefault(find(first), []).append(i)
    out = []
    for root, cl in sorted(comps.items()):
        staff = {s for s in inst.staff if find(s) == root}
        teams = {inst.staff[s]["team"] for s in staff if inst.staff[s]["team"] is not None}
        out.append((cl, staff, teams))
    return out, fixed


def solve_component(inst, clients, staff, teams, rebalance, per_moves):
    """Best levels of one pool; with per_moves, the best per number of moves (dict)."""
    opts = [inst.options(inst.clients[i]) for i in clients]
    best = {}
    choice = [None] * len(clients)

    def rec(k):
        if k == len(clients):
            v = inst.evaluate(clients, choice, staff, teams)
            mv = v["moves"] + v["peer_moves"] if per_moves else 0
            if mv not in best or lex_less(key(v, rebalance), key(best[mv], rebalance)):
                best[mv] = v
            return
        for o in opts[k]:
            choice[k] = o
            rec(k + 1)

    rec(0)
    return best


def count(inst):
    comps, _ = components(inst)
    total = 0
    for cl, _, _ in comps:
        n = 1
        for i in cl:
            n *= len(inst.options(inst.clients[i]))
        total += n
    return total


def optimum(inst, rebalance, max_moves):
    comps, fixed = components(inst)
    zero = {"overload": 0.0, "waitlist": 0.0, "moves": 0, "peer_moves": 0, "imbalance": 0.0,
            "travel_minutes": 0.0}
    fixed_v = inst.evaluate(fixed, [(None, None)] * len(fixed), set(), set())
    if max_moves is None:
        tot = dict(fixed_v)
        for cl, st, tm in comps:
            tot = add(tot, solve_component(inst, cl, st, tm, rebalance, False)[0])
        return tot
    # DP over pools on the number of moves (lexicographic order is translation invariant).
    dp = {0: fixed_v}
    for cl, st, tm in comps:
        per = solve_component(inst, cl, st, tm, rebalance, True)
        nd = {}
        for b, v in dp.items():
            for m, w in per.items():
                if b + m > max_moves:
                    continue
                s = add(v, w)
                if b + m not in nd or lex_less(key(s, rebalance), key(nd[b + m], rebalance)):
                    nd[b + m] = s
        dp = nd
    best = None
    for v in dp.values():
        if best is None or lex_less(key(v, rebalance), key(best, rebalance)):
            best = v
    return best if best is not None else zero


def check_plan(inst, plan, rebalance, max_moves, problems):
    ids = {c["id"]: i for i, c in enumerate(inst.clients)}
    seen = {}
    choice = {}
    for a in plan["assignments"]:
        i = ids[a["client"]]
        seen[i] = seen.get(i, 0) + 1
        choice[i] = (a["manager"], a.get("peer"))
    for w in plan["waitlist"]:
        i = ids[w["client"]]
        seen[i] = seen.get(i, 0) + 1
        choice[i] = (None, None)
    for i, c in enumerate(inst.clients):
        if seen.get(i) != 1:
            problems.append("client %s appears %d times" % (c["id"], seen.get(i, 0)))
            continue
        if choice[i] not in inst.options(c):
            problems.append("client %s: %s is not an eligible choice" % (c["id"], choice[i]))
    allc = list(range(len(inst.clients)))
    v = inst.evaluate(allc, [choice.get(i, (None, None)) for i in allc], set(inst.staff), set(inst.teams))
    for k in v:
        if abs(v[k] - plan["objective"][k]) > 1e-3 * (1 + abs(v[k])):
            problems.append("objective.%s says %s, recomputed %s" % (k, plan["objective"][k], v[k]))
    if plan.get("status") not in ("optimal", "over_capacity"):  # (these agencies take no time to solve)
        problems.append("status %s: a plan the brute force proves is not stated optimal" % plan.get("status"))
    if max_moves is not None and v["moves"] + v["peer_moves"] > max_moves:
        problems.append("%d moves + %d peer moves exceed --max-moves %d" % (v["moves"], v["peer_moves"], max_moves))
    return v


def random_instance(seed, out):
    """A tiny random agency with much freedom: several managers per program, a Blended team, peers,
    languages, avoid, keep, inactive staff, current peers, intakes with priorities, zones."""
    import random
    r = random.Random(seed)
    zones = ["n", "s", "e"]
    travel = {a: {b: (10 if a == b else r.choice([20, 25, 30, 40])) for b in zones} for a in zones}
    for a in zones:
        for b in zones:
            travel[b][a] = travel[a][b]
    staff = []
    for prog, n in (("ICM", r.randint(1, 3)), ("SCM", r.randint(1, 3)), ("ADULT_HOME", r.randint(1, 2))):
        for k in range(n):
            s = {"id": "%s%d" % (prog[0].lower(), k + 1), "program": prog, "fte": r.choice([1.0, 1.0, 0.5, 0.8]),
                 "zone": r.choice(zones), "languages": r.choice([["en"], ["en"], ["en", "es"], ["es"]])}
            if r.random() < 0.15:
                s["active"] = False
            if prog != "ADULT_HOME" and r.random() < 0.2:
                s["caseload_cap"] = r.choice([3, 4, 6])
            staff.append(s)
    team = []
    for k in range(r.randint(0, 3)):
        s = {"id": "b%d" % (k + 1), "program": r.choice(["ICM", "SCM"]), "fte": r.choice([1.0, 0.5]),
             "zone": r.choice(zones), "team": "t1", "languages": r.choice([["en"], ["en", "es"]])}
        staff.append(s)
        team.append(s["id"])
    team2 = []
    if seed > 1000:  # a second Blended team and more part-timers (seeds above 1000 only, so that the
        # instances of smaller seeds stay as they were)
        for k in range(r.randint(1, 2)):
            s = {"id": "d%d" % (k + 1), "program": r.choice(["ICM", "SCM"]), "fte": r.choice([1.0, 0.6, 0.5]),
                 "zone": r.choice(zones), "languages": r.choice([["en"], ["es"]])}
            staff.append(s)
            team2.append(s["id"])
    for k in range(r.randint(0, 2)):
        s = {"id": "p%d" % (k + 1), "role": "peer_specialist", "fte": r.choice([1.0, 0.5]),
             "zone": r.choice(zones), "languages": r.choice([["en"], ["en", "es"], ["es"]])}
        if r.random() < 0.15:
            s["active"] = False
        staff.append(s)
    progs = ["ICM", "SCM", "ADULT_HOME"] + (["BLENDED"] if team or team2 else [])
    clients = []
    nclients = r.randint(3, 8)
    for i in range(nclients):
        prog = r.choice(progs)
        c = {"id": "c%02d" % (i + 1), "program": prog, "acuity": r.choice([0.5, 1, 1, 1.5, 2, 3]),
             "zone": r.choice(zones)}
        if prog == "BLENDED":
            c["level"] = r.choice(["ICM", "SCM"])
        if r.random() < 0.25:
            c["languages"] = r.choice([["es"], ["en", "es"]])
        mgrs = [s["id"] for s in staff if s.get("role") != "peer_specialist" and
                ((s.get("team") is not None or s["id"] in team2) if prog == "BLENDED"
                 else s["program"] == prog and "team" not in s and s["id"] not in team2)]
        if r.random() < 0.65 and mgrs:
            c["manager"] = r.choice(mgrs) if r.random() < 0.9 else r.choice([s["id"] for s in staff if s.get("role") != "peer_specialist"])
            if r.random() < 0.15:
                c["keep"] = True
        else:
            c["priority"] = r.choice([1, 1, 2, 3])
        peers = [s["id"] for s in staff if s.get("role") == "peer_specialist"]
        if prog == "ADULT_HOME" and peers and "manager" in c and r.random() < 0.7:
            c["peer"] = r.choice(peers)
        if r.random() < 0.15:
            c["avoid"] = [r.choice([s["id"] for s in staff])]
        clients.append(c)
    inst = {"format": "caseload/1", "name": "random %d" % seed, "zones": zones, "travel_minutes": travel,
            "programs": {"ICM": {"caseload_cap": r.choice([3, 4])}, "SCM": {"caseload_cap": r.choice([4, 5, 6])},
                         "ADULT_HOME": {"caseload_cap": r.choice([3, 4]), "peer_caseload_cap": r.choice([2, 3, 4])}},
            "teams": ([{"id": "t1", "members": team, "flex": r.choice([0, 0.25, 0.5])}] if team else []) +
                     ([{"id": "t2", "members": team2}] if team2 else []),
            "staff": staff, "clients": clients}
    with open(out, "w") as f:
        json.dump(inst, f, indent=1)


def main(argv):
    if argv[1] == "--random":
        random_instance(int(argv[2]), argv[3])
        return 0
    if argv[1] == "--random-range":
        for seed in range(int(argv[2]), int(argv[3]) + 1):
            random_instance(seed, "%s/random-%d.json" % (argv[4], seed))
        return 0
    if argv[1] == "--gen":
        # bench/gen.py in this process: --gen SIZES SEEDS DIR (comma lists) writes DIR/gen-SIZE-SEED.json
        import importlib.util
        import os
        spec = importlib.util.spec_from_file_location(
            "gen", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench", "gen.py"))
        gen = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(gen)
        for size in argv[2].split(","):
            for seed in argv[3].split(","):
                gen.main(["--size", size, "--seed", seed, "-o", "%s/gen-%s-%s.json" % (argv[4], size, seed)])
        return 0
    if argv[1] == "--batch":
        worst = 0
        with open(argv[2]) as f:
            for line in f:
                if line.strip():
                    print("== " + line.strip())
                    sys.stdout.flush()
                    worst = max(worst, main(["exhaustive.py"] + line.split()))
        return worst
    path = argv[1]
    rebalance = "--rebalance" in argv
    max_moves = int(argv[argv.index("--max-moves") + 1]) if "--max-moves" in argv else None
    inst = Inst(path)
    n = count(inst)
    if "--count" in argv:
        print(n)
        return 0
    if n > LIMIT:
        print("too big: %d combinations" % n)
        return 2
    problems = []
    with open(argv[argv.index("--plan") + 1]) as f:
        plan = json.load(f)
    got = check_plan(inst, plan, rebalance, max_moves, problems)
    best = optimum(inst, rebalance, max_moves)
    names = ["overload", "waitlist", "imbalance", "moves", "travel_minutes"] if rebalance else \
        ["overload", "waitlist", "moves", "imbalance", "travel_minutes"]
    kb, kg = key(best, rebalance), key(got, rebalance)
    for lvl, (x, y) in enumerate(zip(kb, kg)):
        if abs(x - y) > TOL * (1 + abs(x)):
            problems.append("level %d (%s): solver %.9g, brute force %.9g (%d combinations)" %
                            (lvl + 1, names[lvl], y, x, n))
            break
    if "--frontier" in argv:
        fr = plan.get("frontier", [])
        if not fr:
            problems.append("no frontier")
        for q, pt in enumerate(fr):
            if q > 0 and pt["imbalance"] > fr[q - 1]["imbalance"] + 1e-9:
                problems.append("frontier not non-increasing at %d" % q)
            b = optimum(inst, True, pt["moves"])
            if abs(b["imbalance"] - pt["imbalance"]) > 1e-3 * (1 + abs(b["imbalance"])):
                problems.append("frontier[%d]: %d moves, imbalance %s, brute force %s" %
                                (q, pt["moves"], pt["imbalance"], b["imbalance"]))
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
