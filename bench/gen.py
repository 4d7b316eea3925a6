#!/usr/bin/env python3
"""bench/gen.py: deterministic generator of caseload/1 agency instances.

Usage:
    bench/gen.py --size S|M|L|XL|N [--seed 1] [-o FILE] [--stats]

Writes one `caseload/1` instance (SPEC section 3) to standard output or FILE.
Python 3 standard library only. Every random draw comes from one
random.Random(seed) in a fixed order, no set or hash order is ever iterated,
and the JSON is written with a fixed key order, so the same arguments always
give the same bytes. `--stats` prints a capacity-vs-demand summary per pool
on standard error.

Distributions (numbers are the generator's constants, see below):

  clients       S 150, M 600, L 2500, XL 20000, or a plain integer N.
  programs      ICM 20%, SCM 45%, BLENDED 20%, ADULT_HOME 15% (exact counts
                by largest remainder, then shuffled). BLENDED level ICM 40%,
                SCM 60%.
  acuity        uniform over {0.5, 0.75, 1, 1, 1, 1.25, 1.5, 2, 3}
                (mean 1.33).
  intakes       6% of clients have no manager (and no peer); their priority
                is 3 for 10% of them (at least one), 2 for 5%, else 1.
                Existing clients have priority 1.
  status        8% of existing clients are "transitional".
  languages     clients: 15% need ["es"] only, 3% ["en","es"], the rest
                ["en"] (default, not written); 2 to 5 clients need ["zh"]
                only (one per 300 clients). Staff: 25% speak ["en","es"];
                each pool (ICM, SCM, BLENDED, ADULT_HOME, peers) gets extra
                Spanish speakers until their capacity is at least 1.1 x the
                demand of its "es"-only clients. Exactly one active ICM
                manager speaks ["en","zh"]; the zh clients are ICM clients of
                that manager, except one SCM client held by a leaving SCM
                manager (nobody in SCM speaks zh: the language-relaxation
                case of SPEC 4.1).
  zones         3 (N <= 300), 4 (<= 1200), 6 (<= 5000), else 10; named
                north, south, east, west, central, harbor, or z01..z10 for
                more than 6. Population weight per zone uniform in
                [0.6, 1.6). Zones are points in the unit square;
                travel_minutes is symmetric, 10 within a zone and
                20 + 30 x distance / max distance (20..50) between zones.
  staff sizing  per pool, capacity / total demand (intakes included) is a
                ratio drawn uniform in [0.97, 1.04], never below 1.03 x the
                demand of the existing clients (so the current clients
                always fit); the last hire's FTE is chosen to land closest.
                Demand: acuity for ICM, SCM, ADULT_HOME managers and peers;
                acuity / cap(level) FTE for BLENDED (ICM 12, SCM 20).
  fte           1.0 for 80% of staff, else 0.5, 0.6 or 0.8 (equal odds);
                trimming to the target may add part-timers in small pools.
  caps          ICM 12 (every 10th ICM hire, from the 5th, has
                caseload_cap 10), SCM 20 (30% of SCM hires, from the 2nd,
                have caseload_cap 30), ADULT_HOME 20, peers 20 (program
                presets, not written).
  staff zones   each hire (and each Blended team) goes to the zone whose
                share of the pool's hires lags most behind its share of the
                pool's client acuity (peers follow ADULT_HOME residents).
  minutes       half of the part-timers have explicit "minutes" summing to
                2400 x fte (e.g. 0.5 -> {"mon":480,"tue":480,"wed":240});
                3% of full-timers work a compressed week (4 x 600).
  on_call       false for 30% of part-timers and 3% of full-timers; every
                Blended team keeps at least one on-call member.
  Blended       teams of 2 to 6 members with a legal mix (a ICM + b SCM,
                a, b >= 1, a <= 2b, b <= 2a: 1+1, 1+2, 2+1, 2+2, 2+3, 3+2,
                3+3, 2+4, 4+2), sizes weighted 2:1 3:3 4:3 5:2 6:1; flex 0.25;
                every member shares the team's home zone. Ids bt1, bt2, ...
                Teams are added until their FTE reaches the target (the
                last team, sized ceil(remaining FTE), is hired full-time),
                then full-timers are cut to 0.8/0.6/0.5 to trim the excess.
  Adult homes   residences ah1, ah2, ... (one per ~40 ADULT_HOME clients, at
                least 2 when there are 10 or more such clients), each in one
                zone; residents' zone is their residence's zone. 95% of the
                existing residents have a current peer specialist
                (role peer_specialist, no program, no team).
  leaving staff ~2% of non-team managers (at least 1; the first one is SCM)
                are extra staff with "active": false, loaded like the others.
  current load  existing clients are spread by "best of 5 sampled
                managers" toward a per-manager target utilization: 85% of
                managers uniform in [0.8, 1.0), 15% in [0.4, 0.75) (new
                hires), scaled so the targets sum to the pool's load. One
                active full-time SCM manager is pre-filled to ~140% of
                caseload_cap x fte; from 600 clients on, 3% of the other
                non-team managers are pre-filled to 108-125%. Clients look in
                their own zone first 70% of the time (falling back to the
                whole pool when nobody sampled there has room); "es"-only
                clients go to a Spanish speaker 90% of the time (else to
                anyone). A
                Blended team whose members together exceed its FTE passes
                its smallest clients to teams with room.
  keep          2% of existing clients whose manager is active and at or
                under capacity.
  avoid         one client per ~330 (at least 1) avoids its current manager
                (a forced move); 2% avoid one other staff member of their
                pool (never the last suitable speaker of their language).
  days          15% of clients can be seen only on 2 to 4 of the week days.
  contacts      contacts_this_month for existing clients: ICM intensity
                0/1/2/3 with odds 10/30/40/20%; SCM intensity 35/45/15/5%;
                transitional 0/1 with 70/30%.
  week          start 2026-11-23, mon..fri, day_start 09:00,
                weeks_left_in_month 2 (--weeks-left: 1 makes the last week
                of the month, about 1.5 times the visits).
  policy        {"blended_primary_share": 0.5}.
  ids           staff s001.., clients c0001.. (wider when needed), shuffled
                so that ids say nothing about program.
"""

import argparse
import json
import math
import random
import sys

SIZES = {"S": 150, "M": 600, "L": 2500, "XL": 20000}

PROGRAM_SHARE = [("ICM", 0.20), ("SCM", 0.45), ("BLENDED", 0.20),
                 ("ADULT_HOME", 0.15)]
BLENDED_ICM_LEVEL = 0.40
ACUITY = [0.5, 0.75, 1.0, 1.0, 1.0, 1.25, 1.5, 2.0, 3.0]
INTAKE_SHARE = 0.06
TRANSITIONAL_SHARE = 0.08
ES_ONLY = 0.15
EN_ES = 0.03
STAFF_ES = 0.25
ES_COVER = 1.1
PART_TIME = 0.20
PART_FTES = [0.5, 0.6, 0.8]
SCM_CAP30 = 0.30
ICM_CAP10 = 0.10
CAP = {"ICM": 12, "SCM": 20, "ADULT_HOME": 20, "PEER": 20}
RATIO = (0.97, 1.04)
EXISTING_MARGIN = 1.03
LEAVING_SHARE = 0.02
KEEP_SHARE = 0.02
DAYS_SHARE = 0.15
AVOID_OTHER_SHARE = 0.02
AVOID_CURRENT_PER = 330
HAS_PEER = 0.95
SAMPLE_K = 5
SAME_ZONE = 0.70
ES_TO_SPEAKER = 0.90

WEEK = {"start": "2026-11-23", "days": ["mon", "tue", "wed", "thu", "fri"],
        "day_start": "09:00", "weeks_left_in_month": 2}
DAYS = WEEK["days"]
ZONE_NAMES = ["north", "south", "east", "west", "central", "harbor"]

# Legal Blended mixes (a ICM, b SCM) by team size.
MIXES = {2: [(1, 1)], 3: [(1, 2), (2, 1)], 4: [(2, 2)],
         5: [(2, 3), (3, 2)], 6: [(3, 3), (2, 4), (4, 2)]}
TEAM_SIZE_WEIGHTS = [(2, 1), (3, 3), (4, 3), (5, 2), (6, 1)]

# Working-minute patterns by fte (each sums to 2400 x fte).
MINUTE_PATTERNS = {
    0.5: [[480, 480, 240], [240, 240, 240, 240, 240], [480, 240, 480]],
    0.6: [[480, 480, 480], [480, 240, 480, 240]],
    0.8: [[480, 480, 480, 480], [480, 480, 480, 240, 240]],
    1.0: [[600, 600, 600, 600]],
}


def weighted(rng, items, weights):
    """One item drawn with the given weights (cumulative, deterministic)."""
    total = sum(weights)
    x = rng.random() * total
    acc = 0.0
    for item, w in zip(items, weights):
        acc += w
        if x < acc:
            return item
    return items[-1]


def exact_counts(n, shares):
    """Largest-remainder split of n by shares, in the order given."""
    raw = [n * s for _, s in shares]
    counts = [int(math.floor(r)) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - counts[i]), i))
    for i in order[: n - sum(counts)]:
        counts[i] += 1
    return counts


def zone_count(n):
    if n <= 300:
        return 3
    if n <= 1200:
        return 4
    if n <= 5000:
        return 6
    return 10


def make_zones(rng, n):
    k = zone_count(n)
    names = ZONE_NAMES[:k] if k <= len(ZONE_NAMES) else [
        "z%02d" % (i + 1) for i in range(k)]
    weights = [0.6 + rng.random() for _ in names]
    pts = [(rng.random(), rng.random()) for _ in names]
    dist = [[math.hypot(a[0] - b[0], a[1] - b[1]) for b in pts] for a in pts]
    dmax = max(max(row) for row in dist) or 1.0
    travel = {}
    for i, a in enumerate(names):
        travel[a] = {}
        for j, b in enumerate(names):
            travel[a][b] = 10 if i == j else 20 + int(
                round(30 * dist[i][j] / dmax))
    return names, weights, travel


def units(c):
    """Capacity units a client uses in its manager pool."""
    if c["program"] == "BLENDED":
        return c["acuity"] / CAP[c["level"]]
    return c["acuity"]


class Gen:
    def __init__(self, n, seed):
        self.n = n
        self.rng = random.Random(seed)
        self.staff = []
        self.clients = []
        self.teams = []
        self.residences = []

    # ---------------------------------------------------------------- staff
    def draw_fte(self):
        if self.rng.random() < PART_TIME:
            return self.rng.choice(PART_FTES)
        return 1.0

    def new_staff(self, pool, zone, fte, program=None, team=None,
                  cap_explicit=None, active=True):
        rng = self.rng
        if pool == "PEER":
            cap = CAP["PEER"]
        elif pool == "BLENDED":
            cap = 1.0  # team members count in FTE units
        else:
            cap = cap_explicit if cap_explicit is not None else CAP[pool]
        s = {"pool": pool, "role": "peer_specialist" if pool == "PEER"
             else "case_manager", "program": program, "team": team,
             "fte": fte, "cap": cap, "cap_explicit": cap_explicit,
             "zone": zone, "langs": ["en"], "minutes": None,
             "on_call": None, "active": active, "load": 0.0, "target": 0.0,
             "fixed": False, "clients": []}
        if rng.random() < STAFF_ES:
            s["langs"] = ["en", "es"]
        self.staff.append(s)
        return s

    def draw_cap(self, pool, i=None):
        """Explicit caseload_cap of a hire, or None for the program's.

        The i-th hire of a pool gets the special cap when the running
        share crosses a whole number (so 30% of SCM hires, the second one
        first); leaving staff (i None) draw at random.
        """
        share = {"SCM": (SCM_CAP30, 30), "ICM": (ICM_CAP10, 10)}.get(pool)
        if share is None:
            return None
        p, cap = share
        if i is None:
            return cap if self.rng.random() < p else None
        if math.floor((i + 1) * p + 0.5) > math.floor(i * p + 0.5):
            return cap
        return None

    def staff_zone(self, pool):
        """Zone whose share of hires lags most behind its share of demand."""
        key = "ADULT_HOME" if pool == "PEER" else pool
        w = self.zone_demand.get(key) or dict(zip(self.zones, self.zone_w))
        total = sum(w.values()) or 1.0
        hired = self.zone_hired.setdefault(pool, {})
        k = sum(hired.values())
        best = max(self.zones, key=lambda z: (
            w.get(z, 0.0) / total * (k + 1) - hired.get(z, 0),
            -self.zones.index(z)))
        hired[best] = hired.get(best, 0) + 1
        return best

    def size_pool(self, pool, demand_all, demand_exist):
        """Hire managers (or peers) of one pool up to the target capacity."""
        rng = self.rng
        ratio = rng.uniform(*RATIO)
        lo = demand_exist * EXISTING_MARGIN
        target = max(demand_all * ratio, lo)
        program = None if pool == "PEER" else pool
        total = 0.0
        hired = []
        while True:
            fte = self.draw_fte()
            capx = self.draw_cap(pool, len(hired))
            cap = capx if capx is not None else CAP[pool]
            if hired and total + cap * fte > target:
                rem = target - total
                options = [f for f in [0.0] + PART_FTES + [1.0]
                           if total + cap * f >= lo]
                if not options:
                    options = [1.0]
                best = min(options, key=lambda f: (abs(rem - cap * f), -f))
                if best > 0:
                    hired.append(self.new_staff(pool, self.staff_zone(pool),
                                                best, program, None, capx))
                    total += cap * best
                    if total < lo:
                        continue
                break
            hired.append(self.new_staff(pool, self.staff_zone(pool), fte,
                                        program, None, capx))
            total += cap * fte
        return hired

    def size_blended(self, demand_all, demand_exist):
        rng = self.rng
        ratio = rng.uniform(*RATIO)
        lo = demand_exist * EXISTING_MARGIN
        target = max(demand_all * ratio, lo, 1.0)
        total = 0.0
        members = []
        while total < target:
            rem = target - total
            last = rem < 6
            if last:
                size = max(2, min(6, int(math.ceil(rem))))
            else:
                size = weighted(rng, [s for s, _ in TEAM_SIZE_WEIGHTS],
                                [w for _, w in TEAM_SIZE_WEIGHTS])
            a, b = rng.choice(MIXES[size])
            tid = "bt%d" % (len(self.teams) + 1)
            zone = self.staff_zone("BLENDED")
            team = {"id": tid, "members": [], "flex": 0.25, "zone": zone}
            progs = ["ICM"] * a + ["SCM"] * b
            for prog in progs:
                fte = 1.0 if last else self.draw_fte()
                s = self.new_staff("BLENDED", zone, fte, prog, team)
                team["members"].append(s)
                members.append(s)
                total += s["fte"]
            self.teams.append(team)
        # Trim the overshoot with part-timers, never below the floor.
        excess = total - max(demand_all * ratio, lo)
        order = list(members)
        rng.shuffle(order)
        for s in order:
            if s["fte"] != 1.0:
                continue
            for f in (0.5, 0.6, 0.8):
                cut = 1.0 - f
                if excess - cut >= -0.05 and total - cut >= lo:
                    s["fte"] = f
                    excess -= cut
                    total -= cut
                    break
            if excess < 0.15:
                break
        return members

    # -------------------------------------------------------------- clients
    def make_clients(self):
        rng = self.rng
        counts = exact_counts(self.n, PROGRAM_SHARE)
        programs = []
        for (prog, _), k in zip(PROGRAM_SHARE, counts):
            programs += [prog] * k
        rng.shuffle(programs)
        n_ah = counts[3]
        n_res = 0
        if n_ah:
            n_res = max(1, int(round(n_ah / 40.0)))
            if n_ah >= 10:
                n_res = max(2, n_res)
        for i in range(n_res):
            self.residences.append({
                "id": "ah%d" % (i + 1),
                "zone": weighted(rng, self.zones, self.zone_w),
                "weight": 0.5 + rng.random(), "size": 0})
        for prog in programs:
            c = {"program": prog, "level": None, "status": "active",
                 "acuity": rng.choice(ACUITY), "priority": 1, "zone": None,
                 "residence": None, "langs": ["en"], "manager": None,
                 "peer": None, "keep": False, "avoid": [], "days": None,
                 "contacts": 0, "intake": False, "wants_peer": False}
            if prog == "BLENDED":
                c["level"] = "ICM" if rng.random() < BLENDED_ICM_LEVEL \
                    else "SCM"
            if prog == "ADULT_HOME":
                r = weighted(rng, self.residences,
                             [x["weight"] for x in self.residences])
                r["size"] += 1
                c["residence"] = r
                c["zone"] = r["zone"]
            else:
                c["zone"] = weighted(rng, self.zones, self.zone_w)
            x = rng.random()
            if x < ES_ONLY:
                c["langs"] = ["es"]
            elif x < ES_ONLY + EN_ES:
                c["langs"] = ["en", "es"]
            self.clients.append(c)
        n_int = int(round(INTAKE_SHARE * self.n))
        intakes = rng.sample(self.clients, n_int)
        n_p3 = max(1, int(round(0.10 * n_int))) if n_int else 0
        n_p2 = int(round(0.05 * n_int))
        for i, c in enumerate(intakes):
            c["intake"] = True
            c["priority"] = 3 if i < n_p3 else (2 if i < n_p3 + n_p2 else 1)
        existing = [c for c in self.clients if not c["intake"]]
        # Minority language (zh): one relaxation case in SCM, rest in ICM.
        n_zh = max(2, min(5, int(round(self.n / 300.0))))
        scm = [c for c in existing if c["program"] == "SCM"]
        icm = [c for c in existing if c["program"] == "ICM"]
        self.zh_relax = rng.choice(scm) if scm else None
        self.zh_icm = rng.sample(icm, min(len(icm), n_zh - 1))
        for c in ([self.zh_relax] if self.zh_relax else []) + self.zh_icm:
            c["langs"] = ["zh"]
        for c in existing:
            if rng.random() < TRANSITIONAL_SHARE:
                c["status"] = "transitional"
            if c["program"] == "ADULT_HOME" and rng.random() < HAS_PEER:
                c["wants_peer"] = True

    # ----------------------------------------------------------- languages
    def fix_languages(self):
        rng = self.rng
        icm = [s for s in self.staff if s["pool"] == "ICM" and s["active"]]
        self.zh_speaker = None
        if self.zh_icm and icm:
            self.zh_speaker = rng.choice(icm)
            self.zh_speaker["langs"] = ["en", "zh"]
        for pool in ("ICM", "SCM", "BLENDED", "ADULT_HOME", "PEER"):
            if pool == "PEER":
                need = sum(c["acuity"] for c in self.clients
                           if c["program"] == "ADULT_HOME"
                           and c["langs"] == ["es"])
            else:
                need = sum(units(c) for c in self.clients
                           if c["program"] == pool and c["langs"] == ["es"])
            if need <= 0:
                continue
            members = [s for s in self.staff if s["pool"] == pool
                       and s["active"]]

            def have():
                return sum(s["cap"] * s["fte"] for s in members
                           if "es" in s["langs"])

            others = [s for s in members if "es" not in s["langs"]
                      and s is not self.zh_speaker]
            rng.shuffle(others)
            if self.zh_speaker in members:
                others.insert(0, self.zh_speaker)  # converted last
            while (have() < ES_COVER * need or have() == 0) and others:
                s = others.pop()
                s["langs"] = s["langs"] + ["es"]

    # --------------------------------------------------------------- extras
    def add_leaving(self):
        rng = self.rng
        base = [s for s in self.staff
                if s["pool"] in ("ICM", "SCM", "ADULT_HOME")]
        k = max(1, int(round(LEAVING_SHARE * len(base))))
        pools = ["SCM"]
        for _ in range(k - 1):
            pools.append(weighted(rng, ["ICM", "SCM", "ADULT_HOME"],
                                  [0.2, 0.45, 0.15]))
        self.leaving = []
        for pool in pools:
            capx = self.draw_cap(pool)
            s = self.new_staff(pool, self.staff_zone(pool), self.draw_fte(),
                               pool, None, capx, active=False)
            if "es" in s["langs"] and rng.random() < 0.5:
                s["langs"] = ["en"]
            self.leaving.append(s)

    def schedule_fields(self):
        rng = self.rng
        for s in self.staff:
            part = s["fte"] < 1.0
            if part and rng.random() < 0.5:
                pat = rng.choice(MINUTE_PATTERNS[s["fte"]])
            elif not part and rng.random() < 0.03:
                pat = MINUTE_PATTERNS[1.0][0]
            else:
                pat = None
            if pat is not None:
                days = sorted(rng.sample(range(len(DAYS)), len(pat)))
                s["minutes"] = {DAYS[d]: m for d, m in zip(days, pat)}
            if s["role"] == "case_manager":
                p = 0.30 if part else 0.03
                s["on_call"] = not (rng.random() < p)
        for t in self.teams:
            if not any(m["on_call"] for m in t["members"]):
                t["members"][0]["on_call"] = True
        mgrs = [s for s in self.staff if s["role"] == "case_manager"
                and s["active"]]
        if mgrs and not any(s["on_call"] for s in mgrs):
            mgrs[0]["on_call"] = True

    # ------------------------------------------------------------ placement
    def set_targets(self, members, load_to_place):
        rng = self.rng
        us = []
        for s in members:
            if rng.random() < 0.85:
                us.append(rng.uniform(0.8, 1.0))
            else:
                us.append(rng.uniform(0.4, 0.75))
        raw = sum(u * s["cap"] * s["fte"] for u, s in zip(us, members))
        scale = load_to_place / raw if raw > 0 else 1.0
        for u, s in zip(us, members):
            s["target"] = u * s["cap"] * s["fte"] * scale

    def attach(self, c, s, role):
        if role == "manager":
            c["manager"] = s
            s["load"] += units(c)
        else:
            c["peer"] = s
            s["load"] += c["acuity"]
        s["clients"].append(c)

    def prefill(self, s, clients, util, role="manager"):
        """Give s clients of its zone (then any) up to util x capacity."""
        limit = util * s["cap"] * s["fte"]
        cands = [c for c in clients if c["zone"] == s["zone"]] + \
            [c for c in clients if c["zone"] != s["zone"]]
        for c in cands:
            if s["load"] >= limit - 0.25:
                break
            if c["manager"] is not None:
                continue
            if not any(l in s["langs"] for l in c["langs"]):
                continue
            if s["load"] + units(c) > limit + 0.5:
                continue
            self.attach(c, s, role)
        s["fixed"] = True

    def spread(self, clients, members, role="manager"):
        """Best of SAMPLE_K sampled staff by room to target, per client."""
        rng = self.rng
        free = [s for s in members if not s["fixed"]]
        if not free:
            free = members
        groups = {}

        def group(lang, zone):
            key = (lang, zone)
            if key not in groups:
                groups[key] = [s for s in free
                               if (lang is None or lang in s["langs"])
                               and (zone is None or s["zone"] == zone)]
            return groups[key]

        order = list(clients)
        rng.shuffle(order)
        order.sort(key=lambda c: (0 if c["langs"] == ["es"] else 1,
                                  -c["acuity"]))
        for c in order:
            lang = None
            if c["langs"] == ["es"] and rng.random() < ES_TO_SPEAKER:
                lang = "es"
            if lang is not None and not group(lang, None):
                lang = None
            w = units(c) if role == "manager" else c["acuity"]
            tries = [group(lang, None)]
            if rng.random() < SAME_ZONE:
                zc = group(lang, c["zone"])
                if zc:
                    tries.insert(0, zc)
            best = None
            for cands in tries:
                best = None
                for _ in range(SAMPLE_K):
                    s = rng.choice(cands)
                    room = s["target"] - s["load"]
                    if best is None or room > best[0]:
                        best = (room, s)
                if best[0] >= w / 2:
                    break
            self.attach(c, best[1], role)

    def place(self):
        rng = self.rng
        existing = [c for c in self.clients if not c["intake"]]
        # Minority-language clients first.
        if self.zh_relax is not None:
            leaving_scm = [s for s in self.leaving if s["pool"] == "SCM"]
            self.attach(self.zh_relax, leaving_scm[0], "manager")
        for c in self.zh_icm:
            s = self.zh_speaker or rng.choice(
                [m for m in self.staff if m["pool"] == "ICM"])
            self.attach(c, s, "manager")
        # Overloaded managers.
        self.over = []
        scm_ft = [s for s in self.staff if s["pool"] == "SCM" and s["active"]
                  and s["fte"] == 1.0]
        if not scm_ft:
            scm_ft = [s for s in self.staff if s["pool"] == "SCM"
                      and s["active"]]
        if scm_ft:
            s = rng.choice(scm_ft)
            pool_c = [c for c in existing if c["program"] == "SCM"]
            rng.shuffle(pool_c)
            self.prefill(s, pool_c, 1.40)
            self.over.append(s)
        if self.n >= 600:
            base = [s for s in self.staff if s["pool"] in
                    ("ICM", "SCM", "ADULT_HOME") and s["active"]
                    and not s["fixed"] and s is not self.zh_speaker]
            k = int(round(0.03 * len(base)))
            for s in rng.sample(base, k):
                pool_c = [c for c in existing if c["program"] == s["pool"]]
                rng.shuffle(pool_c)
                self.prefill(s, pool_c, rng.uniform(1.08, 1.25))
                self.over.append(s)
        for pool in ("ICM", "SCM", "BLENDED", "ADULT_HOME"):
            members = [s for s in self.staff if s["pool"] == pool]
            todo = [c for c in existing if c["program"] == pool
                    and c["manager"] is None]
            free = [s for s in members if not s["fixed"]]
            self.set_targets(free, sum(units(c) for c in todo)
                             + sum(s["load"] for s in free))
            self.spread(todo, members)
        self.repair_teams()
        peers = [s for s in self.staff if s["pool"] == "PEER"]
        todo = [c for c in existing if c["wants_peer"]]
        if peers:
            self.set_targets(peers, sum(c["acuity"] for c in todo))
            self.spread(todo, peers, role="peer")

    def repair_teams(self):
        """Move clients out of any team whose pool is over its FTE."""
        def used(t):
            return sum(m["load"] for m in t["members"])

        def fte(t):
            return sum(m["fte"] for m in t["members"])

        for t in self.teams:
            while used(t) > fte(t) + 1e-9:
                src = max(t["members"], key=lambda m: m["load"] - m["fte"])
                dests = [m for u in self.teams if u is not t
                         and used(u) < fte(u) for m in u["members"]]
                if not dests or not src["clients"]:
                    break
                c = min(src["clients"], key=units)
                dst = None
                for m in sorted(dests, key=lambda m: m["load"] - m["fte"]):
                    if used(m["team"]) + units(c) <= fte(m["team"]) and \
                            any(l in m["langs"] for l in c["langs"]):
                        dst = m
                        break
                if dst is None:
                    break
                src["clients"].remove(c)
                src["load"] -= units(c)
                c["manager"] = None
                self.attach(c, dst, "manager")

    # ------------------------------------------------------------- extras
    def client_extras(self):
        rng = self.rng
        existing = [c for c in self.clients if not c["intake"]]
        # keep
        ok = [c for c in existing if c["manager"]["active"]
              and c["manager"]["load"] <= c["manager"]["cap"]
              * c["manager"]["fte"] + 1e-9
              and c["manager"] is not self.zh_speaker]
        n_keep = max(1, int(round(KEEP_SHARE * self.n)))
        for c in rng.sample(ok, min(n_keep, len(ok))):
            c["keep"] = True
        # avoid the current manager (forced move)
        by_pool = {}
        for s in self.staff:
            if s["active"]:
                by_pool.setdefault(s["pool"], []).append(s)

        def eligible(c, pool):
            return [s for s in by_pool.get(pool, []) if s not in c["avoid"]
                    and any(l in s["langs"] for l in c["langs"])]

        cand = [c for c in existing if not c["keep"]
                and c["manager"]["active"] and c["langs"] != ["zh"]]
        n_cur = max(1, int(round(self.n / float(AVOID_CURRENT_PER))))
        for c in rng.sample(cand, min(n_cur, len(cand))):
            alts = [s for s in eligible(c, c["program"])
                    if s is not c["manager"]]
            if alts:
                c["avoid"].append(c["manager"])
        n_oth = int(round(AVOID_OTHER_SHARE * self.n))
        pick = [c for c in self.clients if not c["avoid"]
                and c["langs"] != ["zh"]]
        for c in rng.sample(pick, min(n_oth, len(pick))):
            pool = c["program"]
            if pool == "ADULT_HOME" and rng.random() < 0.3:
                pool = "PEER"
            cur = c["peer"] if pool == "PEER" else c["manager"]
            others = [s for s in by_pool.get(pool, []) if s is not cur]
            if not others:
                continue
            s = rng.choice(others)
            if len([e for e in eligible(c, pool) if e is not s]) < 1:
                continue
            c["avoid"].append(s)
        # days, contacts
        for c in self.clients:
            if rng.random() < DAYS_SHARE:
                k = rng.randint(2, len(DAYS) - 1)
                c["days"] = [DAYS[i] for i in
                             sorted(rng.sample(range(len(DAYS)), k))]
            if c["intake"]:
                continue
            if c["status"] == "transitional":
                c["contacts"] = weighted(rng, [0, 1], [70, 30])
            elif c["program"] == "ICM" or c["level"] == "ICM":
                c["contacts"] = weighted(rng, [0, 1, 2, 3], [10, 30, 40, 20])
            else:
                c["contacts"] = weighted(rng, [0, 1, 2, 3], [35, 45, 15, 5])

    # ---------------------------------------------------------------- build
    def build(self):
        rng = self.rng
        self.zones, self.zone_w, self.travel = make_zones(rng, self.n)
        self.make_clients()
        demand = {}
        for c in self.clients:
            for pool in ([c["program"]] +
                         (["PEER"] if c["program"] == "ADULT_HOME" else [])):
                u = c["acuity"] if pool == "PEER" else units(c)
                d = demand.setdefault(pool, [0.0, 0.0])
                d[0] += u
                if not c["intake"] and (pool != "PEER" or c["wants_peer"]):
                    d[1] += u
        self.demand = demand
        self.zone_demand = {}
        self.zone_hired = {}
        for c in self.clients:
            zd = self.zone_demand.setdefault(c["program"], {})
            zd[c["zone"]] = zd.get(c["zone"], 0.0) + c["acuity"]
        for pool in ("ICM", "SCM"):
            self.size_pool(pool, *demand.get(pool, [0.0, 0.0]))
        self.size_blended(*demand.get("BLENDED", [0.0, 0.0]))
        for pool in ("ADULT_HOME", "PEER"):
            self.size_pool(pool, *demand.get(pool, [0.0, 0.0]))
        self.add_leaving()
        self.fix_languages()
        self.schedule_fields()
        self.place()
        self.client_extras()
        return self.emit()

    def emit(self):
        rng = self.rng
        order = list(self.staff)
        rng.shuffle(order)
        w = max(3, len(str(len(order))))
        for i, s in enumerate(order):
            s["id"] = "s%0*d" % (w, i + 1)
        cw = max(4, len(str(len(self.clients))))
        for i, c in enumerate(self.clients):
            c["id"] = "c%0*d" % (cw, i + 1)
        staff_out = []
        for s in order:
            o = {"id": s["id"]}
            if s["role"] != "case_manager":
                o["role"] = s["role"]
            if s["program"] is not None:
                o["program"] = s["program"]
            if s["team"] is not None:
                o["team"] = s["team"]["id"]
            o["fte"] = s["fte"]
            if s["cap_explicit"] is not None:
                o["caseload_cap"] = s["cap_explicit"]
            o["zone"] = s["zone"]
            o["languages"] = s["langs"]
            if s["minutes"] is not None:
                o["minutes"] = s["minutes"]
            if s["role"] == "case_manager" and not s["on_call"]:
                o["on_call"] = False
            if not s["active"]:
                o["active"] = False
            staff_out.append(o)
        clients_out = []
        for c in self.clients:
            o = {"id": c["id"], "program": c["program"]}
            if c["level"] is not None:
                o["level"] = c["level"]
            if c["status"] != "active":
                o["status"] = c["status"]
            o["acuity"] = c["acuity"]
            if c["priority"] != 1:
                o["priority"] = c["priority"]
            o["zone"] = c["zone"]
            if c["residence"] is not None:
                o["residence"] = c["residence"]["id"]
            if c["langs"] != ["en"]:
                o["languages"] = c["langs"]
            if c["manager"] is not None:
                o["manager"] = c["manager"]["id"]
            if c["peer"] is not None:
                o["peer"] = c["peer"]["id"]
            if c["keep"]:
                o["keep"] = True
            if c["avoid"]:
                o["avoid"] = [s["id"] for s in c["avoid"]]
            if c["days"] is not None:
                o["days"] = c["days"]
            if not c["intake"]:
                o["contacts_this_month"] = c["contacts"]
            clients_out.append(o)
        teams_out = []
        for t in self.teams:
            teams_out.append({
                "id": t["id"],
                "members": sorted(m["id"] for m in t["members"]),
                "flex": t["flex"]})
        return {
            "format": "caseload/1",
            "name": "Generated agency, %d clients, seed %d" % (
                self.n, self.seed),
            "week": WEEK,
            "zones": self.zones,
            "travel_minutes": self.travel,
            "teams": teams_out,
            "staff": staff_out,
            "clients": clients_out,
            "policy": {"blended_primary_share": 0.5},
        }

    def stats(self, out):
        """Capacity-vs-demand summary per pool, for --stats."""
        lines = []
        for pool in ("ICM", "SCM", "BLENDED", "ADULT_HOME", "PEER"):
            members = [s for s in self.staff if s["pool"] == pool]
            act = [s for s in members if s["active"]]
            cap = sum(s["cap"] * s["fte"] for s in act)
            d_all, d_ex = self.demand.get(pool, [0.0, 0.0])
            utils = [s["load"] / (s["cap"] * s["fte"]) for s in act]
            lines.append(
                "%-10s staff %4d (+%d leaving) capacity %8.2f demand %8.2f"
                " (existing %8.2f) ratio %.3f max util %.2f" % (
                    pool, len(act), len(members) - len(act), cap, d_all,
                    d_ex, cap / d_all if d_all else 0.0,
                    max(utils) if utils else 0.0))
        n_int = sum(1 for c in self.clients if c["intake"])
        lines.append("clients %d, intakes %d, teams %d, residences %d, "
                     "zones %d" % (len(self.clients), n_int, len(self.teams),
                                   len(self.residences), len(self.zones)))
        lines.append("over cap: " + ", ".join(
            "%s %.2f" % (s["id"], s["load"] / (s["cap"] * s["fte"]))
            for s in self.over))
        lines.append("leaving: " + ", ".join(
            "%s (%d clients)" % (s["id"], len(s["clients"]))
            for s in self.leaving))
        out.write("\n".join(lines) + "\n")


def parse_size(text):
    if text.upper() in SIZES:
        return SIZES[text.upper()]
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            "size must be S, M, L, XL or a positive integer, not %r" % text)
    if n < 1:
        raise argparse.ArgumentTypeError("size must be at least 1")
    return n


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Write a deterministic caseload/1 agency instance.")
    ap.add_argument("--size", type=parse_size, required=True,
                    help="S (150 clients), M (600), L (2500), XL (20000) "
                         "or a number of clients")
    ap.add_argument("--seed", type=int, default=1, help="random seed (1)")
    ap.add_argument("-o", "--output", metavar="FILE",
                    help="write here instead of standard output")
    ap.add_argument("--weeks-left", type=int, default=2, choices=range(1, 7), metavar="N",
                    help="week.weeks_left_in_month (2)")
    ap.add_argument("--stats", action="store_true",
                    help="print a capacity summary on standard error")
    args = ap.parse_args(argv)
    g = Gen(args.size, args.seed)
    g.seed = args.seed
    doc = g.build()
    doc["week"] = dict(doc["week"], weeks_left_in_month=args.weeks_left)
    text = json.dumps(doc, sort_keys=False, indent=1) + "\n"
    if args.output and args.output != "-":
        with open(args.output, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    if args.stats:
        g.stats(sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
