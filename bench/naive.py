"""bench/naive.py: the weighted objective of the naive model, and peer solutions turned into plans.

Python 3 standard library only; used by bench/run. The weights are those of solver/naive_lp.h:

    1e8 x overload + 1e5 x waitlist + 1e3 x (moves + peer moves) + 10 x imbalance + 0.001 x travel

`levels(instance, plan)` recomputes the five levels of SPEC 4.4 from a caseload/1 instance and a
caseload-assignment/1 plan (only "assignments" and "waitlist" are read), the way model/plan.c does, so
that our plan and a peer's are scored by the same code.
"""

import math

W_OVERLOAD = 1e8
W_WAITLIST = 1e5
W_MOVES = 1e3
W_IMBALANCE = 10.0
W_TRAVEL = 0.001
PHI_STEP = 0.05

PRESET_CAP = {"ICM": 12.0, "SCM": 20.0, "ADULT_HOME": 20.0}
PRESET_PEER_CAP = 20.0


def phi(u):
    """Piecewise-linear interpolation of u^2 at 0, 0.05, 0.10, ... (SPEC 4.4)."""
    if u <= 0:
        return 0.0
    k = math.floor(u / PHI_STEP + 1e-9)
    a = k * PHI_STEP
    b = a + PHI_STEP
    if u - a <= 1e-12:
        return a * a
    return (a + b) * u - a * b


class Agency:
    """What the objective needs from a caseload/1 instance."""

    def __init__(self, inst):
        progs = inst.get("programs") or {}
        self.cap = dict(PRESET_CAP)
        self.peer_cap = PRESET_PEER_CAP
        for p, r in progs.items():
            if "caseload_cap" in r:
                self.cap[p] = float(r["caseload_cap"])
            if p == "ADULT_HOME" and "peer_caseload_cap" in r:
                self.peer_cap = float(r["peer_caseload_cap"])
        self.staff = inst["staff"]
        self.clients = inst["clients"]
        self.staff_ix = {s["id"]: i for i, s in enumerate(self.staff)}
        self.client_ix = {c["id"]: i for i, c in enumerate(self.clients)}
        self.travel = inst.get("travel_minutes") or {}
        flex = {}
        for t in inst.get("teams") or []:
            flex[t["id"]] = t.get("flex", 0.25)
        self.flex = flex
        self.team_fte = {}
        for s in self.staff:
            if s.get("team") and s.get("active", True):
                self.team_fte[s["team"]] = self.team_fte.get(s["team"], 0.0) + s.get("fte", 1.0)

    def capacity(self, s):
        st = self.staff[s]
        fte = st.get("fte", 1.0)
        if "caseload_cap" in st:
            return st["caseload_cap"] * fte
        if st.get("role") == "peer_specialist":
            return self.peer_cap * fte
        return self.cap.get(st.get("program"), 20.0) * fte

    def limit(self, s):
        st = self.staff[s]
        if st.get("team"):
            return st.get("fte", 1.0) * (1 + self.flex.get(st["team"], 0.25))
        return self.capacity(s)

    def base(self, s):
        st = self.staff[s]
        return st.get("fte", 1.0) if st.get("team") else self.capacity(s)

    def load_of(self, c, s):
        cl = self.clients[c]
        if self.staff[s].get("team"):
            return cl["acuity"] / self.cap[cl.get("level", "SCM")]
        return cl["acuity"]


def levels(agency, plan):
    """The five levels of a plan (dict with "assignments" and "waitlist")."""
    a = agency
    ns = len(a.staff)
    manager = [None] * len(a.clients)
    peer = [None] * len(a.clients)
    for e in plan.get("assignments", []):
        c = a.client_ix[e["client"]]
        manager[c] = a.staff_ix[e["manager"]] if e.get("manager") else None
        peer[c] = a.staff_ix[e["peer"]] if e.get("peer") else None
    load = [0.0] * ns
    team_used = {}
    out = {"overload": 0.0, "waitlist": 0.0, "moves": 0, "peer_moves": 0,
           "imbalance": 0.0, "travel_minutes": 0.0}
    for c, cl in enumerate(a.clients):
        m = manager[c]
        cur = a.staff_ix.get(cl.get("manager"))
        curp = a.staff_ix.get(cl.get("peer"))
        if m is None:
            if cur is None:
                out["waitlist"] += cl["acuity"] * cl.get("priority", 1)
            continue
        l = a.load_of(c, m)
        load[m] += l
        t = a.staff[m].get("team")
        if t:
            team_used[t] = team_used.get(t, 0.0) + l
        if peer[c] is not None:
            load[peer[c]] += cl["acuity"]
        if cur is not None and m != cur:
            out["moves"] += 1
        if curp is not None and peer[c] != curp:
            out["peer_moves"] += 1
        zc, zs = cl.get("zone"), a.staff[m].get("zone")
        if zc and zs:
            out["travel_minutes"] += a.travel[zc][zs]
    for s in range(ns):
        over = load[s] - a.limit(s)
        if over > 1e-9:
            out["overload"] += over
        if a.staff[s].get("active", True):
            out["imbalance"] += a.staff[s].get("fte", 1.0) * phi(load[s] / a.base(s))
    for t, used in team_used.items():
        over = used - a.team_fte.get(t, 0.0)
        if over > 1e-9:
            out["overload"] += over
    return out


def weighted(lv):
    """The naive model's single objective of a set of levels."""
    return (W_OVERLOAD * lv["overload"] + W_WAITLIST * lv["waitlist"]
            + W_MOVES * (lv["moves"] + lv["peer_moves"])
            + W_IMBALANCE * lv["imbalance"] + W_TRAVEL * lv["travel_minutes"])


def plan_from_columns(agency, values, solver):
    """A caseload-assignment/1 plan from the naive model's column values ({name: value}).

    x_C_S = 1: client C to manager S; y_C_P = 1: peer P; every other client waits. Indices are the
    positions in the instance's arrays (solver/naive_lp.h)."""
    a = agency
    manager = {}
    peer = {}
    for name, v in values.items():
        if v < 0.5 or not (name.startswith("x_") or name.startswith("y_")):
            continue
        parts = name.split("_")
        if len(parts) != 3:
            continue
        c, s = int(parts[1]), int(parts[2])
        (manager if parts[0] == "x" else peer)[c] = s
    assignments = []
    waitlist = []
    for c, cl in enumerate(a.clients):
        if c in manager:
            s = manager[c]
            assignments.append({
                "client": cl["id"], "manager": a.staff[s]["id"],
                "peer": a.staff[peer[c]]["id"] if c in peer else None,
                "team": a.staff[s].get("team")})
        else:
            waitlist.append({"client": cl["id"], "reason": "waitlisted by %s" % solver})
    return {"format": "caseload-assignment/1", "status": "peer:" + solver,
            "assignments": assignments, "waitlist": waitlist}


def read_cbc_solution(path):
    """CBC's `solu` file: a status line, then `index name value reduced-cost` for non-zero columns."""
    values = {}
    status = ""
    with open(path, encoding="utf-8", errors="replace") as f:
        for k, line in enumerate(f):
            if k == 0:
                status = line.strip()
                continue
            parts = line.split()
            if len(parts) >= 3 and parts[0].isdigit():
                try:
                    values[parts[1]] = float(parts[2])
                except ValueError:
                    pass
            elif len(parts) >= 4 and parts[0] == "**":  # infeasible-marked rows/columns
                try:
                    values[parts[2]] = float(parts[3])
                except ValueError:
                    pass
    return status, values


def read_glpsol_solution(path):
    """glpsol's printable solution (-o): status, objective and the column activities."""
    status = ""
    objective = None
    values = {}
    with open(path, encoding="utf-8", errors="replace") as f:
        lines = f.read().splitlines()
    in_cols = False
    pending = None
    for line in lines:
        if line.startswith("Status:"):
            status = line.split(":", 1)[1].strip()
        elif line.startswith("Objective:"):
            try:
                objective = float(line.split("=")[1].split()[0])
            except (IndexError, ValueError):
                objective = None
        elif line.lstrip().startswith("No. Column name"):
            in_cols = True
        elif in_cols:
            parts = line.split()
            if not parts or parts[0].startswith("---"):
                continue
            if line.startswith("Integer feasibility conditions") or line.startswith("KKT"):
                break
            if pending is not None:
                nums = [p for p in parts if p != "*"]
                values[pending] = float(nums[0])
                pending = None
            elif parts[0].isdigit():
                if len(parts) == 2:
                    pending = parts[1]  # long name: the numbers follow on the next line
                else:
                    nums = [p for p in parts[2:] if p != "*"]
                    if nums:
                        values[parts[1]] = float(nums[0])
    return status, objective, values
