#!/usr/bin/env python3
"""tests/exhaustive_schedule.py: brute-force cross-check of `caseload schedule` on tiny instances (SPEC section 6).

Generates random tiny caseload/1 instances plus a caseload-assignment/1, enumerates every schedule allowed by
SPEC 6.2 (visitor, day, at most one visit per client per day, every order of each staff-day's visits, the day
fitting its minutes including travel from and back to base, covering, Blended primary share) and computes the
lexicographic optimum (shortfall, spread, travel, latest end). Then runs `caseload schedule` and `caseload
verify` and compares against the solver's claims (solver.status, solver.local_search).

Modelling choices: a client gets at most `required` visits (extra visits are never needed by
levels 1-2; with a non-metric travel matrix they could in principle shorten a route, which we do not allow);
spread = number of pairs of consecutive week days (mon-tue, ..., sat-sun; no sun-mon wrap) on which the same
client is visited, counted per client; travel between two visits in the same zone is travel[z][z]; a staff-day
without visits has no travel; latest end = max over staff-days with visits of day_start + visit minutes +
travel (no waiting is ever useful without joint visits). ADULT_HOME clients with a peer (--configs adult,adult3):
exactly one of the week's visits is joint (the solver's reading; `verify` also accepts more), both staff's
routes are enumerated together and a joint visit starts when both have arrived. The brute-force optimum is
written as caseload-schedule/1 and checked with `caseload verify` too (brute_optimum.json in each bad case).
With --extra the optimum is also computed allowing visits beyond the quota (SPEC 6 does not forbid them).

usage: exhaustive_schedule.py --bin PATH [-n N] [--seed S] [--out DIR] [--budget SECONDS] [--configs LIST] [--extra]

Exit status 1 when any claim disagrees with the brute force (each case is saved under --out), 0 otherwise.
Written as an independent check: it reads SPEC section 6, not the solver's code.
"""
import argparse
import itertools
import json
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from fractions import Fraction

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEK = ["mon", "tue", "wed", "thu", "fri"]
PROG = {  # contacts_per_month, min_contacts_per_week, visit_minutes
    "ICM": (4, 1, 60),
    "SCM": (2, 0, 45),
    "ADULT_HOME": (2, 0, 45),
}
DAY_START = 9 * 60
CONFIGS = ["one", "two", "two", "blended", "blended"]
ZONELESS = 0.0  # the share of clients without a zone (--zoneless)


# ---------------------------------------------------------------- instance generation

def gen_travel(rng, zones):
    kind = rng.choice(["metric", "inside_large", "asym", "zero_diag", "random"])
    t = {}
    for a in zones:
        t[a] = {}
        for b in zones:
            if kind == "metric":
                v = rng.randint(5, 15) if a == b else rng.randint(15, 50)
            elif kind == "inside_large":
                v = rng.randint(40, 100) if a == b else rng.randint(3, 25)
            elif kind == "zero_diag":
                v = 0 if a == b else rng.randint(5, 60)
            else:  # asym / random: asymmetric below
                v = rng.randint(0, 60)
            t[a][b] = v
    if kind == "metric" or kind == "zero_diag":
        # symmetric
        for i, a in enumerate(zones):
            for b in zones[i + 1:]:
                t[b][a] = t[a][b]
    return kind, t


def gen_instance(rng):
    nz = rng.randint(2, 3)
    zones = ["a", "b", "c"][:nz]
    tkind, travel = gen_travel(rng, zones)
    wl = rng.choice([1, 1, 2])
    config = rng.choice(CONFIGS)
    staff, teams = [], []
    n_staff = {"one": 1, "adult3": 3}.get(config, 2)
    ndays_pool = rng.choice([3, 4, 5])  # days the staff may work drawn from the first ndays_pool week days
    for i in range(n_staff):
        sid = "s%d" % (i + 1)
        if config in ("adult", "adult3"):
            prog = "peer" if i == n_staff - 1 else "ADULT_HOME"
        elif config == "blended":
            prog = ["ICM", "SCM"][i]
        elif config == "two":
            prog = rng.choice(["ICM", "SCM"]) if i == 0 else rng.choice([staff[0]["program"], "ICM", "SCM"])
        else:
            prog = rng.choice(["ICM", "SCM"])
        k = rng.randint(1, 3)
        days = sorted(rng.sample(WEEK[:ndays_pool], min(k, ndays_pool)), key=DAYS.index)
        s = {"id": sid, "program": prog, "zone": rng.choice(zones),
             "minutes": {d: rng.choice([rng.randint(120, 480), rng.randrange(120, 481, 30)]) for d in days}}
        if prog == "peer":
            s = {"id": "p1", "role": "peer_specialist", "zone": s["zone"], "minutes": s["minutes"]}
        if config == "blended":
            s["team"] = "bt1"
        if rng.random() < 0.1 and prog != "peer":
            s["languages"] = ["es"]
        staff.append(s)
    managers = [s for s in staff if s.get("role") != "peer_specialist"]
    peer = next((s for s in staff if s.get("role") == "peer_specialist"), None)
    if config == "blended":
        teams.append({"id": "bt1", "members": [s["id"] for s in staff]})
    nc = rng.randint(2, 5)
    clients = []
    for j in range(nc):
        cid = "c%d" % (j + 1)
        if config == "blended":
            m = rng.choice(staff)
            c = {"id": cid, "program": "BLENDED", "level": rng.choice(["ICM", "SCM"])}
        else:
            m = rng.choice(managers)
            c = {"id": cid, "program": m["program"]}
            if peer is not None:
                c["residence"] = "ah1"
                if rng.random() < 0.85:
                    c["peer"] = peer["id"]
        if ZONELESS == 0 or rng.random() >= ZONELESS:  # SPEC 3.4: a client's zone is optional
            c["zone"] = rng.choice(zones)
        c["manager"] = m["id"]
        if m.get("languages") == ["es"]:
            c["languages"] = ["es"]
        r = rng.random()
        if r < 0.6:
            pool = WEEK[:ndays_pool]
            c["days"] = sorted(rng.sample(pool, rng.randint(1, len(pool))), key=DAYS.index)
        if rng.random() < 0.3:
            c["visit_minutes"] = rng.randint(30, 90)
        if rng.random() < 0.4:
            c["acuity"] = rng.choice([0.5, 1.5, 2, 3])
        if rng.random() < 0.1:
            c["status"] = "transitional"
            c["contacts_this_month"] = 0
        else:
            lvl = c.get("level", "SCM") if c["program"] == "BLENDED" else c["program"]
            if lvl == "ICM":
                c["contacts_this_month"] = rng.choice([2, 3]) if wl == 1 else rng.randint(0, 3)
            else:
                c["contacts_this_month"] = rng.choice([0, 1]) if wl == 1 else 0
        if len(managers) == 2 and rng.random() < 0.1:
            other = [s["id"] for s in managers if s["id"] != m["id"]]
            c["avoid"] = other
        clients.append(c)
    inst = {"format": "caseload/1", "name": "brute %s %s" % (config, tkind),
            "week": {"start": "2026-11-23", "days": WEEK, "day_start": "09:00", "weeks_left_in_month": wl},
            "zones": zones, "travel_minutes": travel, "teams": teams, "staff": staff, "clients": clients,
            "policy": {"on_call_days": []}}
    if config == "blended":
        inst["policy"]["blended_primary_share"] = rng.choice([0.5, 0.5, 0.34, 0.75, 1.0])
    asg = {"format": "caseload-assignment/1",
           "assignments": [dict({"client": c["id"], "manager": c["manager"], "peer": c.get("peer")},
                                **({"team": "bt1"} if config == "blended" else {})) for c in clients],
           "waitlist": []}
    return inst, asg


# ---------------------------------------------------------------- the model (SPEC 6)

class Model:
    def __init__(self, inst):
        self.inst = inst
        self.staff = {s["id"]: s for s in inst["staff"]}
        # A client without a zone: travel to and from it takes no time (SPEC: travel is between zones).
        self.travel = {a: {**row, None: 0} for a, row in inst["travel_minutes"].items()}
        self.travel[None] = {b: 0 for b in list(inst["travel_minutes"]) + [None]}
        self.wl = inst["week"].get("weeks_left_in_month", 1)
        self.share = inst.get("policy", {}).get("blended_primary_share", 0.5)
        self.week_days = inst["week"].get("days", WEEK)

    def minutes(self, sid):
        s = self.staff[sid]
        if "minutes" in s:
            return {d: m for d, m in s["minutes"].items() if d in self.week_days}
        return {d: round(480 * s.get("fte", 1)) for d in self.week_days}

    def workdays(self, sid):
        return {d for d, m in self.minutes(sid).items() if m > 0}

    def level(self, c):
        return c.get("level", "SCM") if c["program"] == "BLENDED" else c["program"]

    def quota(self, c):
        per_month, per_week, _ = PROG[self.level(c)]
        if c.get("status") == "transitional":
            per_month, per_week = 1, 0
        left = per_month - c.get("contacts_this_month", 0)
        by_month = -(-left // self.wl) if left > 0 else 0
        return max(0, per_week, by_month)

    def visit_minutes(self, c):
        return c.get("visit_minutes", PROG[self.level(c)][2])

    def client_days(self, c):
        return set(c.get("days", self.week_days))

    def peer(self, c):
        """The client's peer when it is an ADULT_HOME client with one (the joint-visit rule applies)."""
        p = c.get("peer")
        if c["program"] != "ADULT_HOME" or p is None or p not in self.staff:
            return None
        return p

    def may_visit(self, c, s):
        """(allowed, covering) per SPEC 6.2 'who visits'."""
        m = c["manager"]
        if s == m:
            return True, False
        st = self.staff[s]
        if not st.get("active", True) or st.get("role", "case_manager") != "case_manager" or s in c.get("avoid", []):
            return False, False
        absent = not (self.client_days(c) & self.workdays(m))
        if c["program"] == "BLENDED":
            mt = self.staff[m].get("team")
            return (mt is not None and st.get("team") == mt), absent
        serves = st.get("program") == c["program"] and st.get("team") is None
        speaks = bool(set(st.get("languages", ["en"])) & set(c.get("languages", ["en"])))
        return (absent and serves and speaks), True

    def client_options(self, c, extra=False):
        """Every choice for client c: ({day: visitor}, joint day or None, shortfall, spread)."""
        q = self.quota(c)
        if q <= 0:
            return [({}, None, Fraction(0), 0)]
        m = c["manager"]
        p = self.peer(c)
        pdays = self.workdays(p) if p else set()
        vis = [s for s in self.staff if self.may_visit(c, s)[0]]
        slots = []  # (day, [visitors])
        for d in sorted(self.client_days(c), key=DAYS.index):
            vs = [s for s in vis if d in self.workdays(s)]
            if vs:
                slots.append((d, vs))
        absent = not (self.client_days(c) & self.workdays(m))
        acu = Fraction(str(c.get("acuity", 1)))
        maxn = len(slots) if extra else min(q, len(slots))
        opts = []
        for n in range(0, maxn + 1):
            for comb in itertools.combinations(slots, n):
                for who in itertools.product(*[vs for _, vs in comb]):
                    ch = {d: s for (d, _), s in zip(comb, who)}
                    if c["program"] == "BLENDED" and not absent and n > 0:
                        need = math.ceil(self.share * n - 1e-9)
                        if sum(1 for s in who if s == m) < need:
                            continue
                    idx = sorted(DAYS.index(d) for d in ch)
                    spread = sum(1 for a, b in zip(idx, idx[1:]) if b == a + 1)
                    if p and n > 0:
                        joints = [d for d in ch if d in pdays and ch[d] != p]
                    else:
                        joints = [None]
                    for jd in joints:  # exactly one joint visit (see report)
                        opts.append((ch, jd, acu * max(0, q - n), spread))
        opts.sort(key=lambda o: (o[2], o[3]))
        return opts


def simulate(M, day, plan, zone, vmin, minutes):
    """plan: {staff: ordered list of (client, joint_partner_or_None)}. Returns (travel, max end) or None."""
    travel = 0
    recs = []
    pos = {s: M.staff[s]["zone"] for s in plan}
    t = {s: DAY_START for s in plan}
    i = {s: 0 for s in plan}
    left = sum(len(v) for v in plan.values())
    while left:
        progress = False
        for s, seq in plan.items():
            while i[s] < len(seq):
                c, partner = seq[i[s]]
                if partner is None:
                    travel += M.travel[pos[s]][zone[c]]
                    recs.append((c, s, t[s] + M.travel[pos[s]][zone[c]], None))
                    t[s] = t[s] + M.travel[pos[s]][zone[c]] + vmin[c]
                    pos[s] = zone[c]
                    i[s] += 1
                    left -= 1
                    progress = True
                    continue
                ps = plan[partner]
                if i[partner] < len(ps) and ps[i[partner]][0] == c:
                    a1 = t[s] + M.travel[pos[s]][zone[c]]
                    a2 = t[partner] + M.travel[pos[partner]][zone[c]]
                    travel += M.travel[pos[s]][zone[c]] + M.travel[pos[partner]][zone[c]]
                    recs.append((c, s, max(a1, a2), partner))
                    recs.append((c, partner, max(a1, a2), s))
                    t[s] = t[partner] = max(a1, a2) + vmin[c]
                    pos[s] = pos[partner] = zone[c]
                    i[s] += 1
                    i[partner] += 1
                    left -= 2
                    progress = True
                    continue
                break
        if not progress:
            return None  # the two orders deadlock on their joint visits
    end = None
    for s in plan:
        if not plan[s]:
            continue
        base = M.staff[s]["zone"]
        travel += M.travel[pos[s]][base]
        e = t[s] + M.travel[pos[s]][base]
        if e - DAY_START > minutes.get((s, day), 0):
            return None
        end = e if end is None or e > end else end
    return travel, end, recs


def component_front(M, day, visits, zone, vmin, minutes):
    """visits: {staff: tuple of (client, partner)} of one day, linked by joint visits. Pareto front of
    (travel, latest end) over every order of every staff member's visits."""
    staff = sorted(visits)
    perms = [set(itertools.permutations(visits[s])) for s in staff]
    pts = {}
    for combo in itertools.product(*perms):
        r = simulate(M, day, dict(zip(staff, [list(x) for x in combo])), zone, vmin, minutes)
        if r is not None:
            if (r[0], r[1]) not in pts:
                pts[(r[0], r[1])] = r[2]
    front = []
    for p in sorted(pts):
        if not front or p[1] < front[-1][1]:
            front.append(p + (pts[p],))
    return front


def brute(inst, extra=False, limit=3_000_000):
    M = Model(inst)
    clients = [c for c in inst["clients"]]
    opts = [M.client_options(c, extra) for c in clients]
    size = 1
    for o in opts:
        size *= len(o)
    if size > limit:
        return None
    order = sorted(range(len(clients)), key=lambda i: -len(opts[i]))
    minsf = [min(o[2] for o in opts[i]) for i in order]
    minsp = [min(o[3] for o in opts[i] if o[2] == minsf[k]) for k, i in enumerate(order)]
    suf_sf = [Fraction(0)] * (len(order) + 1)
    suf_sp = [0] * (len(order) + 1)
    for k in range(len(order) - 1, -1, -1):
        suf_sf[k] = suf_sf[k + 1] + minsf[k]
        suf_sp[k] = suf_sp[k + 1] + minsp[k]
    minutes = {(s["id"], d): m for s in inst["staff"] for d, m in M.minutes(s["id"]).items()}
    zone = {c["id"]: c.get("zone") for c in clients}
    vmin = {c["id"]: M.visit_minutes(c) for c in clients}
    peer_of = {c["id"]: M.peer(c) for c in clients}
    memo = {}
    best = [None, None, None]
    sd = {}  # (staff, day) -> list of (client, partner)
    sdvm = {}

    def leaf(sf, sp):
        # components per day: staff linked by joint visits
        byday = {}
        for (s, d), v in sd.items():
            if v:
                byday.setdefault(d, {})[s] = v
        fronts, front_days = [], []
        for d, st in byday.items():
            parent = {s: s for s in st}

            def f(x):
                while parent[x] != x:
                    x = parent[x]
                return x
            for s, v in st.items():
                for c, partner in v:
                    if partner is not None:
                        parent[f(s)] = f(partner)
            comps = {}
            for s in st:
                comps.setdefault(f(s), []).append(s)
            for members in comps.values():
                key = (d, tuple((s, tuple(sorted(st[s]))) for s in sorted(members)))
                fr = memo.get(key)
                if fr is None:
                    fr = component_front(M, d, {s: tuple(sorted(st[s])) for s in members}, zone, vmin, minutes)
                    memo[key] = fr
                if not fr:
                    return
                fronts.append(fr)
                front_days.append(d)
        bestk, bestc = None, ()
        for combo in itertools.product(*fronts):
            tr = sum(p[0] for p in combo)
            en = max([p[1] for p in combo], default=DAY_START)
            if bestk is None or (tr, en) < bestk:
                bestk, bestc = (tr, en), combo
        if bestk is None:
            bestk = (0, DAY_START)
        k = (sf, sp) + bestk
        if best[0] is None or k < best[0]:
            best[0] = k
            best[1] = {key: list(cl) for key, cl in sd.items() if cl}
            best[2] = [(d, r) for (d, fr) in zip(front_days, bestc) for r in fr[2]]

    def dfs(k, sf, sp):
        if best[0] is not None and (sf + suf_sf[k], sp + suf_sp[k]) > best[0][:2]:
            return
        if k == len(order):
            leaf(sf, sp)
            return
        i = order[k]
        cid = clients[i]["id"]
        p = peer_of[cid]
        for ch, jd, osf, osp in opts[i]:
            ents = []
            for d, s in ch.items():
                if d == jd:
                    ents.append(((s, d), (cid, p)))
                    ents.append(((p, d), (cid, s)))
                else:
                    ents.append(((s, d), (cid, None)))
            if any(sdvm.get(key, 0) + vmin[cid] > minutes.get(key, 0) for key, _ in ents):
                continue  # visit minutes alone exceed the day: any superset too
            for key, e in ents:
                sd.setdefault(key, []).append(e)
                sdvm[key] = sdvm.get(key, 0) + vmin[cid]
            dfs(k + 1, sf + osf, sp + osp)
            for key, e in ents:
                sd[key].pop()
                sdvm[key] -= vmin[cid]

    dfs(0, Fraction(0), 0)
    return {"opt": best[0], "schedule": best[1], "records": best[2], "size": size, "quota": {c["id"]: M.quota(c) for c in clients}}


# ---------------------------------------------------------------- reading our output

def hm(s):
    h, m = s.split(":")
    return int(h) * 60 + int(m)


def evaluate_output(inst, out):
    M = Model(inst)
    cl = {c["id"]: c for c in inst["clients"]}
    peer_side = set()
    days = {c: set() for c in cl}
    for v in out["visits"]:
        days[v["client"]].add(v["day"])
    sf = Fraction(0)
    sp = 0
    for cid, c in cl.items():
        q = M.quota(c)
        sf += Fraction(str(c.get("acuity", 1))) * max(0, q - len(days[cid]))
        idx = sorted(DAYS.index(d) for d in days[cid])
        sp += sum(1 for a, b in zip(idx, idx[1:]) if b == a + 1)
    travel = sum(x["travel_minutes"] for x in out["staff_days"])
    ends = [hm(x["end"]) for x in out["staff_days"] if x["visits"] > 0]
    end = max(ends) if ends else DAY_START
    return (sf, sp, travel, end)


# ---------------------------------------------------------------- driver

def run_one(binp, inst, asg, tmp, extra):
    ip = os.path.join(tmp, "input.json")
    ap = os.path.join(tmp, "assignment.json")
    op = os.path.join(tmp, "out.json")
    with open(ip, "w") as f:
        json.dump(inst, f, indent=1)
    with open(ap, "w") as f:
        json.dump(asg, f, indent=1)
    if os.path.exists(op):
        os.remove(op)
    t0 = time.time()
    r = subprocess.run([binp, "schedule", ip, "--assignment", ap, "-o", op, "--quiet", "--time-limit", "20"],
                       capture_output=True, text=True)
    secs = time.time() - t0
    if r.returncode == 3:
        return {"skip": "invalid: " + r.stderr.strip()[:300]}
    if r.returncode != 0:
        return {"error": "schedule exit %d: %s" % (r.returncode, r.stderr.strip()[:500])}
    with open(op) as f:
        out = json.load(f)
    v = subprocess.run([binp, "verify", ip, op], capture_output=True, text=True)
    b = brute(inst, extra=False)
    if b is None:
        return {"skip": "too large"}
    bp = os.path.join(tmp, "brute_optimum.json")
    with open(bp, "w") as f:
        json.dump(brute_schedule_json(inst, b), f, indent=1)
    bv = subprocess.run([binp, "verify", ip, bp], capture_output=True, text=True)
    res = {"bverify_rc": bv.returncode, "bverify_msg": (bv.stdout + bv.stderr).strip()[:800]}
    res.update({"out": out, "secs": secs, "verify_rc": v.returncode, "verify_msg": (v.stdout + v.stderr).strip()[:800],
           "brute": b, "ours": evaluate_output(inst, out)})
    if extra:
        res["brute_extra"] = brute(inst, extra=True)
    return res


def brute_schedule_json(inst, b):
    """The brute-force optimum as caseload-schedule/1 (for `caseload verify`)."""
    M = Model(inst)
    cl = {c["id"]: c for c in inst["clients"]}
    visits, seen = [], {}
    for d, (c, s, start, partner) in b["records"] or []:
        v = {"client": c, "staff": s, "day": d, "start": "%02d:%02d" % divmod(start, 60),
             "end": "%02d:%02d" % divmod(start + M.visit_minutes(cl[c]), 60), "zone": cl[c].get("zone"),
             "joint_with": partner}
        if s != M.peer(cl[c]) and M.may_visit(cl[c], s)[1]:
            v["covering_for"] = cl[c]["manager"]
        visits.append(v)
        if s != M.peer(cl[c]):
            seen.setdefault(c, set()).add(d)
    visits.sort(key=lambda v: (v["staff"], DAYS.index(v["day"]), v["start"]))
    shortfall = [{"client": c, "required": M.quota(cl[c]), "scheduled": len(seen.get(c, ())),
                  "reason": "brute force"} for c in cl if len(seen.get(c, ())) < M.quota(cl[c])]
    return {"format": "caseload-schedule/1", "week": {"start": inst["week"]["start"]}, "visits": visits,
            "shortfall": shortfall, "on_call": []}


def fmt(k):
    if k is None:
        return "None"
    return "(shortfall %s, spread %d, travel %d, end %02d:%02d)" % (float(k[0]), k[1], k[2], k[3] // 60, k[3] % 60)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--bin", required=True, help="the caseload binary")
    ap.add_argument("--out", default=os.path.join(tempfile.gettempdir(), "exhaustive-schedule"),
                    help="where disagreeing cases are saved")
    ap.add_argument("--budget", type=float, default=840)
    ap.add_argument("--configs", default="one,two,two,blended,blended",
                    help="comma list drawn from: one, two, blended, adult (manager + peer), adult3 (2 managers + peer)")
    ap.add_argument("--extra", action="store_true", help="also brute force allowing visits beyond the quota")
    ap.add_argument("--zoneless", type=float, default=0.0, help="the share of clients without a zone")
    a = ap.parse_args()
    CONFIGS[:] = a.configs.split(",")
    global ZONELESS
    ZONELESS = a.zoneless
    os.makedirs(a.out, exist_ok=True)
    rng = random.Random(a.seed)
    tmp = tempfile.mkdtemp(prefix="brute-sched-")
    stats = dict(instances=0, skipped=0, errors=0, status={}, proven_all=0, proven_end_only=0, travel_unproven=0,
                 disagreements=0, verify_fail=0, travel_gap_sum=0, travel_gap_n=0, travel_gap_max=0,
                 end_gap_n=0, extra_better=0)
    t_start = time.time()
    i = 0
    while stats["instances"] < a.n and time.time() - t_start < a.budget:
        i += 1
        inst, asg = gen_instance(rng)
        inst["name"] += " #%d seed %d" % (i, a.seed)
        res = run_one(a.bin, inst, asg, tmp, a.extra)
        if "skip" in res:
            stats["skipped"] += 1
            continue
        stats["instances"] += 1
        problems = []
        if "error" in res:
            stats["errors"] += 1
            problems.append(res["error"])
            out, ours, opt = None, None, None
        else:
            out, ours, opt = res["out"], res["ours"], res["brute"]["opt"]
            st = out["solver"]["status"]
            ls = out["solver"].get("local_search", [])
            stats["status"][st] = stats["status"].get(st, 0) + 1
            if res["verify_rc"] != 0:
                stats["verify_fail"] += 1
                problems.append("verify exit %d: %s" % (res["verify_rc"], res["verify_msg"]))
            if res["bverify_rc"] != 0:
                stats["brute_verify_fail"] = stats.get("brute_verify_fail", 0) + 1
                problems.append("caseload verify rejects the brute-force optimum (exit %d): %s"
                                % (res["bverify_rc"], res["bverify_msg"]))
            if opt is None:
                problems.append("brute force found no feasible schedule (the empty one always is)")
            else:
                if ours[:2] < opt[:2]:
                    problems.append("ours beats the brute-force optimum at levels 1-2 (brute or verify bug?)")
                if st == "optimal" and ours[:2] != opt[:2]:
                    problems.append("status optimal but shortfall/spread %s differ from optimum %s"
                                    % ((float(ours[0]), ours[1]), (float(opt[0]), opt[1])))
                if ours[:2] == opt[:2]:
                    if not ls:
                        stats["proven_all"] += 1
                        if ours[2:] != opt[2:]:
                            problems.append("local_search empty but travel/end %s differ from optimum %s"
                                            % (ours[2:], opt[2:]))
                    elif "travel" not in ls:
                        stats["proven_end_only"] += 1
                        if ours[2] != opt[2]:
                            problems.append("travel claimed proven but ours %d, optimum %d" % (ours[2], opt[2]))
                        if ours[3] < opt[3] and ours[2] == opt[2]:
                            problems.append("latest end below the optimum (brute bug?)")
                    else:
                        stats["travel_unproven"] += 1
                        g = ours[2] - opt[2]
                        if g < 0:
                            problems.append("travel %d below optimum %d (brute bug?)" % (ours[2], opt[2]))
                        stats["travel_gap_sum"] += g
                        stats["travel_gap_n"] += g > 0
                        stats["travel_gap_max"] = max(stats["travel_gap_max"], g)
                    if ours[2] == opt[2] and ours[3] != opt[3] and ls:
                        stats["end_gap_n"] += 1
            if a.extra and res.get("brute_extra") and opt is not None and res["brute_extra"]["opt"] < opt:
                stats["extra_better"] += 1
                print("note #%d: visits beyond the quota would improve %s -> %s" % (
                    i, fmt(opt), fmt(res["brute_extra"]["opt"])))
        if problems:
            stats["disagreements"] += 1
            d = os.path.join(a.out, "case%04d_seed%d" % (i, a.seed))
            os.makedirs(d, exist_ok=True)
            shutil.copy(os.path.join(tmp, "input.json"), d)
            shutil.copy(os.path.join(tmp, "assignment.json"), d)
            for fn in ("out.json", "brute_optimum.json"):
                if os.path.exists(os.path.join(tmp, fn)):
                    shutil.copy(os.path.join(tmp, fn), d)
            with open(os.path.join(d, "diagnosis.txt"), "w") as f:
                f.write("\n".join(problems) + "\n")
                if out is not None:
                    f.write("status %s local_search %s\n" % (out["solver"]["status"], out["solver"].get("local_search")))
                f.write("ours    %s\noptimum %s\n" % (fmt(ours), fmt(opt)))
                if res.get("brute"):
                    f.write("optimal staff-days: %s\n" % json.dumps(
                        {"%s/%s" % k: v for k, v in (res["brute"]["schedule"] or {}).items()}))
            print("DISAGREE #%d -> %s\n  %s\n  ours    %s\n  optimum %s" % (i, d, "\n  ".join(problems), fmt(ours),
                                                                           fmt(opt)))
            sys.stdout.flush()
    shutil.rmtree(tmp, ignore_errors=True)
    stats["seconds"] = round(time.time() - t_start, 1)
    print("SUMMARY " + json.dumps(stats))
    return 1 if stats["disagreements"] or stats["errors"] or stats["verify_fail"] else 0


if __name__ == "__main__":
    sys.exit(main())
