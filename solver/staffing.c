/* staffing.c: the fewest added FTE that reach a utilization target, as one MIP per pool (SPEC §7).
 *
 * Pools are the ICM, SCM and ADULT_HOME managers, the Blended teams together (a BLENDED client may go to
 * any team), and the peer specialists; they share no client and no staff member, so each is its own MIP.
 *
 * A new staff "type" is (pool, team for BLENDED, language set): {en}, or {en, l} for each other language l
 * the pool's clients need. Each type has person slots j = 0..J-1 with an integer f[j] in 0..1/step: the
 * units of fte_step that person works (0 = not hired; slots ordered f[j] >= f[j+1] against symmetry).
 * Clients are grouped into classes of interchangeable clients (same pool, load, languages, eligible current
 * staff, keep and relaxed state); x[class, target] counts the class's clients that go to an existing
 * manager (or peer) or to a new person (integer). Constraints: each class is served completely (nobody
 * waits); each existing staff member carries at most U x its utilization base (nobody over capacity,
 * utilization at most U), rounded down to the loads' grain; each new person carries at most U x cap x
 * f[j] x step. A client whose language rule is relaxed today (nobody eligible speaks its language and its
 * manager left) loses the relaxation as soon as a speaker is hired, as cl_eligible_managers would then
 * decide: a binary z per such class switches its flows from the non-speakers to new speakers. Objective:
 * the number of units. A hire keeps a second language only when one of its own clients needs it. J is bounded by a
 * greedy solution's units (no minimal answer hires more people than units) and by the clients the type can take. Each
 * person is then placed in the zone that gives its own clients the least travel; team hires live in the team's zone and
 * take the program (ICM or SCM) that keeps the team's mix legal. */
#include "staffing.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../model/rules.h"
#include "backend.h"

enum { POOL_PEER = CL_NPROGRAMS, NPOOLS = CL_NPROGRAMS + 1, MAX_SLOTS = 64 };

static const char *const pool_names[NPOOLS] = {"ICM", "SCM", "BLENDED", "ADULT_HOME", "peer"};

void cl_staffing_opts_init(cl_staffing_opts *o)
{
    memset(o, 0, sizeof *o);
    o->target_utilization = 0.9;
    o->fte_step = 0.5;
    o->time_limit_s = 60;
}

void cl_staffing_free(cl_staffing *s)
{
    if (s == NULL)
        return;
    cl_scenario_set_free(s->scenario);
    cl_instance_free(s->changed);
    cl_assignment_free(s->assignment);
    free(s->why_minimal);
    free(s->reason);
    free(s);
}

typedef struct stype {
    int pool; /* cl_program of the managers, or POOL_PEER */
    int team; /* Blended team, CL_NONE otherwise */
    uint64_t langs;
    double unit_cap; /* load one unit of a person carries at the target: U x cap x step (teams: U x step) */
    int nslots;
    int fcol[MAX_SLOTS];
    int units[MAX_SLOTS]; /* solution */
} stype;

typedef struct sclass {
    int pool;
    double load; /* per client */
    uint64_t langs;
    bool locked; /* keep: only the current manager */
    bool relaxed;
    int *elig; /* existing staff */
    int n_elig;
    int *clients;
    int n;
    int *tlist; /* eligible types */
    int n_types;
    int *cols; /* x: the existing staff in elig order, then each eligible type's slots */
    int *toff; /* offset in cols of each eligible type's first slot */
    int zcol;  /* relaxed: z; -1 otherwise */
} sclass;

typedef struct model {
    const cl_instance *inst;
    double U;
    double step;
    int per; /* units per 1.0 FTE */
    stype *types;
    int n_types;
    sclass *classes;
    int n_classes;
    double grain[NPOOLS]; /* every load of the pool is a multiple of this (0 = none) */
} model;

static int popcount64(uint64_t v)
{
    int n = 0;
    for (; v; v &= v - 1)
        n++;
    return n;
}

static int en_lang(const cl_instance *inst)
{
    for (int l = 0; l < inst->n_langs; l++)
        if (strcmp(inst->langs[l], "en") == 0)
            return l;
    return CL_NONE;
}

/* Adds the types of one pool: {en} and {en, l} for every other language l in need. */
static int add_types(model *m, int pool, int team, uint64_t need, double unit_cap)
{
    int en = en_lang(m->inst);
    uint64_t base = en >= 0 ? (uint64_t)1 << en : 0;
    for (int l = -1; l < m->inst->n_langs; l++) {
        uint64_t set;
        if (l < 0) {
            if (!base)
                continue;
            set = base;
        } else {
            if (l == en || !(need >> l & 1u))
                continue;
            set = base | (uint64_t)1 << l;
        }
        stype *t = realloc(m->types, ((size_t)m->n_types + 1) * sizeof *t);
        if (t == NULL)
            return CL_ENOMEM;
        m->types = t;
        memset(&t[m->n_types], 0, sizeof *t);
        t[m->n_types].pool = pool;
        t[m->n_types].team = team;
        t[m->n_types].langs = set;
        t[m->n_types].unit_cap = unit_cap;
        m->n_types++;
    }
    return CL_OK;
}

/* The load a client puts on a member of a pool. */
static double load_in_pool(const cl_instance *inst, int c, int pool)
{
    return pool == CL_BLENDED ? cl_blended_fte(inst, c) : inst->clients[c].acuity;
}

static int class_of(model *m, int pool, double load, uint64_t langs, bool locked, bool relaxed, const int *elig,
                    int n_elig, int c)
{
    for (int g = 0; g < m->n_classes; g++) {
        sclass *k = &m->classes[g];
        if (k->pool == pool && k->load == load && k->langs == langs && k->locked == locked && k->relaxed == relaxed &&
            k->n_elig == n_elig && memcmp(k->elig, elig, (size_t)n_elig * sizeof(int)) == 0) {
            k->clients[k->n++] = c;
            return CL_OK;
        }
    }
    sclass *v = realloc(m->classes, ((size_t)m->n_classes + 1) * sizeof *v);
    if (v == NULL)
        return CL_ENOMEM;
    m->classes = v;
    sclass *k = &v[m->n_classes];
    memset(k, 0, sizeof *k);
    k->pool = pool;
    k->load = load;
    k->langs = langs;
    k->locked = locked;
    k->relaxed = relaxed;
    k->zcol = -1;
    k->elig = malloc(((size_t)n_elig + 1) * sizeof(int));
    k->clients = malloc(((size_t)m->inst->n_clients + 1) * sizeof(int));
    k->tlist = malloc(((size_t)m->n_types + 1) * sizeof(int));
    k->toff = malloc(((size_t)m->n_types + 1) * sizeof(int));
    m->n_classes++;
    if (!k->elig || !k->clients || !k->tlist || !k->toff)
        return CL_ENOMEM;
    memcpy(k->elig, elig, (size_t)n_elig * sizeof(int));
    k->n_elig = n_elig;
    k->clients[k->n++] = c;
    for (int t = 0; t < m->n_types; t++)
        if (!locked && m->types[t].pool == pool && (m->types[t].langs & langs))
            k->tlist[k->n_types++] = t;
    return CL_OK;
}

static void model_dispose(model *m)
{
    for (int g = 0; g < m->n_classes; g++) {
        free(m->classes[g].elig);
        free(m->classes[g].clients);
        free(m->classes[g].tlist);
        free(m->classes[g].toff);
        free(m->classes[g].cols);
    }
    free(m->classes);
    free(m->types);
}

/* Builds the types and the classes. */
static int build(model *m)
{
    const cl_instance *inst = m->inst;
    int *buf = malloc(((size_t)inst->n_staff + 1) * sizeof *buf);
    if (buf == NULL)
        return CL_ENOMEM;
    uint64_t need[NPOOLS] = {0};
    for (int c = 0; c < inst->n_clients; c++) {
        need[inst->clients[c].program] |= inst->clients[c].langs;
        if (inst->clients[c].program == CL_ADULT_HOME)
            need[POOL_PEER] |= inst->clients[c].langs;
    }
    int rc = CL_OK;
    for (int p = 0; p < NPOOLS && rc == CL_OK; p++) {
        if (p == CL_BLENDED) {
            /* A BLENDED client may go to any team, and a new member carries the same in any team: one set of
             * types for all teams (no symmetric copies); each hire picks its team afterwards. */
            if (inst->n_teams > 0)
                rc = add_types(m, p, 0, need[p], m->U * m->step);
        } else {
            double cap =
                p == POOL_PEER ? inst->programs[CL_ADULT_HOME].peer_caseload_cap : inst->programs[p].caseload_cap;
            rc = add_types(m, p, CL_NONE, need[p], m->U * cap * m->step);
        }
    }
    for (int p = 0; p < NPOOLS; p++)
        m->grain[p] = p == CL_BLENDED ? 0 : 0.25;
    for (int c = 0; c < inst->n_clients; c++) {
        double a4 = inst->clients[c].acuity * 4;
        if (fabs(a4 - round(a4)) > 1e-9)
            for (int p = 0; p < NPOOLS; p++)
                m->grain[p] = 0;
    }
    for (int c = 0; c < inst->n_clients && rc == CL_OK; c++) {
        const cl_client *cl = &inst->clients[c];
        bool relaxed = false;
        int n = cl_eligible_managers(inst, c, buf, &relaxed);
        bool locked = cl->keep && cl->manager >= 0 && !cl_manager_forced_out(inst, c);
        int pool = (int)cl->program;
        rc = class_of(m, pool, load_in_pool(inst, c, pool), cl->langs, locked, relaxed, buf, n, c);
        if (rc == CL_OK && cl->program == CL_ADULT_HOME) {
            n = cl_eligible_peers(inst, c, buf, &relaxed);
            rc = class_of(m, POOL_PEER, cl->acuity, cl->langs, false, relaxed, buf, n, c);
        }
    }
    free(buf);
    return rc;
}

/* U x utilization base of an existing staff member. */
static double staff_limit(const model *m, int s)
{
    return m->U * cl_util_base(m->inst, s);
}

/* The same rounded down to the pool's grain: a valid tightening, as every integral load is a multiple. */
static double staff_limit_tight(const model *m, int s, int pool)
{
    double lim = staff_limit(m, s), g = m->grain[pool];
    return g > 0 ? floor(lim / g + 1e-9) * g : lim;
}

/* ---- greedy start ------------------------------------------------------------------------------------- */

/* A feasible answer for one pool: each class's clients first fit into current staff with room, the rest
 * first fit into the people of the eligible type with the fewest languages (opening people as needed);
 * relaxed classes go to new speakers. With x (the MIP's columns, slots already made) it writes the start.
 * Returns the units hired, or -1 when there is none (a class with nowhere to go, or more slots needed than
 * the MIP has). */
static int greedy(const model *m, int pool, double *x, int ncols)
{
    const cl_instance *inst = m->inst;
    if (x)
        memset(x, 0, (size_t)ncols * sizeof *x);
    double *rem = malloc(((size_t)inst->n_staff + 1) * sizeof *rem);
    double(*pl)[MAX_SLOTS] = calloc((size_t)m->n_types + 1, sizeof *pl); /* load per person */
    int *np = calloc((size_t)m->n_types + 1, sizeof *np);
    int units = 0;
    bool ok = rem && pl && np;
    for (int s = 0; ok && s < inst->n_staff; s++)
        rem[s] = staff_limit_tight(m, s, pool);
    double full = 0;
    /* Kept clients first (they have one place to go), then the others. */
    for (int gg = 0; ok && gg < 2 * m->n_classes; gg++) {
        const sclass *k = &m->classes[gg % m->n_classes];
        if (k->pool != pool || k->locked != (gg < m->n_classes))
            continue;
        int bt = -1;
        for (int j = 0; j < k->n_types; j++)
            if (bt < 0 || popcount64(m->types[k->tlist[j]].langs) < popcount64(m->types[k->tlist[bt]].langs))
                bt = j;
        if (k->zcol >= 0 && x)
            x[k->zcol] = 1;
        for (int i = 0; i < k->n && ok; i++) {
            int e = 0;
            if (!k->relaxed)
                while (e < k->n_elig && rem[k->elig[e]] < k->load - 1e-9)
                    e++;
            if (!k->relaxed && e < k->n_elig) {
                rem[k->elig[e]] -= k->load;
                if (x)
                    x[k->cols[e]] += 1;
                continue;
            }
            if (bt < 0) {
                ok = false;
                break;
            }
            int t = k->tlist[bt];
            full = m->types[t].unit_cap * m->per;
            int q = 0;
            while (q < np[t] && pl[t][q] + k->load > full + 1e-9)
                q++;
            if (q == np[t]) {
                if (np[t] == MAX_SLOTS || k->load > full + 1e-9 || (x && q >= m->types[t].nslots)) {
                    ok = false;
                    break;
                }
                np[t]++;
            }
            pl[t][q] += k->load;
            if (x)
                x[k->cols[k->toff[bt] + q]] += 1;
        }
    }
    for (int t = 0; ok && t < m->n_types; t++) {
        if (m->types[t].pool != pool)
            continue;
        for (int q = 0; q < np[t]; q++) {
            int u = (int)ceil(pl[t][q] / m->types[t].unit_cap - 1e-9);
            if (u < 1)
                u = 1;
            units += u;
            if (x)
                x[m->types[t].fcol[q]] = u;
        }
    }
    /* Slots must be ordered by units: sort each type's people (and their flows) when writing a start. */
    for (int t = 0; ok && x && t < m->n_types; t++) {
        if (m->types[t].pool != pool)
            continue;
        for (int a = 0; a < np[t]; a++)
            for (int b = a + 1; b < np[t]; b++)
                if (x[m->types[t].fcol[b]] > x[m->types[t].fcol[a]]) {
                    double tmp = x[m->types[t].fcol[a]];
                    x[m->types[t].fcol[a]] = x[m->types[t].fcol[b]];
                    x[m->types[t].fcol[b]] = tmp;
                    for (int g = 0; g < m->n_classes; g++) {
                        const sclass *k = &m->classes[g];
                        for (int j = 0; j < k->n_types; j++)
                            if (k->tlist[j] == t) {
                                double v = x[k->cols[k->toff[j] + a]];
                                x[k->cols[k->toff[j] + a]] = x[k->cols[k->toff[j] + b]];
                                x[k->cols[k->toff[j] + b]] = v;
                            }
                    }
                }
    }
    free(rem);
    free(pl);
    free(np);
    return ok ? units : -1;
}

/* ---- the MIP ------------------------------------------------------------------------------------------- */

typedef struct vec {
    int *cols;
    double *vals;
    int n, cap;
} vec;

static int vpush(vec *v, int col, double val)
{
    if (v->n == v->cap) {
        int cap = v->cap ? v->cap * 2 : 16;
        int *c = realloc(v->cols, (size_t)cap * sizeof *c);
        if (c)
            v->cols = c;
        double *d = realloc(v->vals, (size_t)cap * sizeof *d);
        if (d)
            v->vals = d;
        if (!c || !d)
            return CL_ENOMEM;
        v->cap = cap;
    }
    v->cols[v->n] = col;
    v->vals[v->n] = val;
    v->n++;
    return CL_OK;
}

static void vfree(vec *v)
{
    free(v->cols);
    free(v->vals);
}

/* Builds one pool's MIP with `slots` person slots per type at most; pooled: one slot per type without the
 * 1.0-FTE limit (all of a type's people as one: a relaxation, for a lower bound). */
static int build_mip(model *m, clp_mip *mip, int pool, int slots, bool pooled)
{
    const cl_instance *inst = m->inst;
    int rc = CL_OK;
    for (int t = 0; t < m->n_types; t++) {
        stype *ty = &m->types[t];
        if (ty->pool != pool)
            continue;
        int can = 0; /* clients this type could take: no minimal answer hires more people */
        for (int g = 0; g < m->n_classes; g++)
            for (int j = 0; j < m->classes[g].n_types; j++)
                if (m->classes[g].tlist[j] == t)
                    can += m->classes[g].n;
        ty->nslots = slots < can ? slots : can;
        for (int q = 0; q < ty->nslots; q++) {
            ty->fcol[q] = clp_mip_add_col(mip, 0, pooled ? (double)m->per * MAX_SLOTS * 16 : m->per, true);
            clp_mip_set_obj(mip, ty->fcol[q], 1);
            if (q > 0) {
                int cols[2] = {ty->fcol[q - 1], ty->fcol[q]};
                double vals[2] = {1, -1};
                if (clp_mip_add_row(mip, cols, vals, 2, 0, HUGE_VAL) < 0)
                    return CL_EINTERNAL;
            }
        }
    }
    vec *staff_rows = calloc((size_t)inst->n_staff + 1, sizeof *staff_rows);
    vec *slot_rows = calloc((size_t)m->n_types * MAX_SLOTS + 1, sizeof *slot_rows);
    vec row = {0};
    if (!staff_rows || !slot_rows)
        rc = CL_ENOMEM;
    for (int g = 0; g < m->n_classes && rc == CL_OK; g++) {
        sclass *k = &m->classes[g];
        if (k->pool != pool)
            continue;
        int ncols = k->n_elig;
        for (int j = 0; j < k->n_types; j++) {
            k->toff[j] = ncols;
            ncols += m->types[k->tlist[j]].nslots;
        }
        k->cols = malloc(((size_t)ncols + 1) * sizeof(int));
        if (k->cols == NULL) {
            rc = CL_ENOMEM;
            break;
        }
        row.n = 0;
        for (int e = 0; e < k->n_elig && rc == CL_OK; e++) {
            k->cols[e] = clp_mip_add_col(mip, 0, k->n, true);
            rc = vpush(&row, k->cols[e], 1);
            if (rc == CL_OK)
                rc = vpush(&staff_rows[k->elig[e]], k->cols[e], k->load);
        }
        for (int j = 0; j < k->n_types && rc == CL_OK; j++) {
            int t = k->tlist[j];
            for (int q = 0; q < m->types[t].nslots && rc == CL_OK; q++) {
                int col = clp_mip_add_col(mip, 0, k->n, true);
                k->cols[k->toff[j] + q] = col;
                rc = vpush(&row, col, 1);
                if (rc == CL_OK)
                    rc = vpush(&slot_rows[t * MAX_SLOTS + q], col, k->load);
            }
        }
        if (rc == CL_OK && clp_mip_add_row(mip, row.cols, row.vals, row.n, k->n, k->n) < 0)
            rc = CL_EINTERNAL;
        if (rc == CL_OK && k->relaxed && k->n_elig > 0) {
            /* z = 1 when a speaker of the client's language is hired in its pool: no flow to non-speakers. */
            k->zcol = clp_mip_add_col(mip, 0, 1, true);
            for (int e = 0; e < k->n_elig && rc == CL_OK; e++) {
                int cols[2] = {k->cols[e], k->zcol};
                double vals[2] = {1, k->n};
                if (clp_mip_add_row(mip, cols, vals, 2, -HUGE_VAL, k->n) < 0)
                    rc = CL_EINTERNAL;
            }
            for (int t = 0; t < m->n_types && rc == CL_OK; t++) {
                const stype *ty = &m->types[t];
                if (ty->pool != pool || !(ty->langs & k->langs))
                    continue;
                for (int q = 0; q < ty->nslots && rc == CL_OK; q++) {
                    int cols[2] = {ty->fcol[q], k->zcol};
                    double vals[2] = {1, -m->per};
                    if (clp_mip_add_row(mip, cols, vals, 2, -HUGE_VAL, 0) < 0)
                        rc = CL_EINTERNAL;
                }
            }
        }
    }
    for (int s = 0; s < inst->n_staff && rc == CL_OK; s++)
        if (staff_rows[s].n > 0 && clp_mip_add_row(mip, staff_rows[s].cols, staff_rows[s].vals, staff_rows[s].n,
                                                   -HUGE_VAL, staff_limit_tight(m, s, pool) + 1e-9) < 0)
            rc = CL_EINTERNAL;
    for (int t = 0; t < m->n_types && rc == CL_OK; t++)
        for (int q = 0; q < m->types[t].nslots && rc == CL_OK; q++) {
            vec *v = &slot_rows[t * MAX_SLOTS + q];
            if (v->n == 0)
                continue;
            if (vpush(v, m->types[t].fcol[q], -m->types[t].unit_cap) != CL_OK ||
                clp_mip_add_row(mip, v->cols, v->vals, v->n, -HUGE_VAL, 1e-9) < 0)
                rc = CL_EINTERNAL;
        }
    for (int s = 0; staff_rows && s < inst->n_staff; s++)
        vfree(&staff_rows[s]);
    for (int t = 0; slot_rows && t < m->n_types * MAX_SLOTS; t++)
        vfree(&slot_rows[t]);
    free(staff_rows);
    free(slot_rows);
    vfree(&row);
    return rc;
}

/* ---- text ------------------------------------------------------------------------------------------------ */

typedef struct sbuf {
    char *p;
    size_t n, cap;
} sbuf;

static void sput(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sput(sbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (w < 0)
        return;
    if (b->n + (size_t)w + 1 > b->cap) {
        size_t cap = (b->cap + (size_t)w + 1) * 2;
        char *p = realloc(b->p, cap);
        if (p == NULL)
            return;
        b->p = p;
        b->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(b->p + b->n, b->cap - b->n, fmt, ap);
    va_end(ap);
    b->n += (size_t)w;
}

/* Capacity alone: per pool, (demand - U x current capacity) / (U x cap per FTE), at least 0. */
static void capacity_bounds(const model *m, double *out)
{
    const cl_instance *inst = m->inst;
    double demand[NPOOLS] = {0}, cap[NPOOLS] = {0};
    for (int c = 0; c < inst->n_clients; c++) {
        int p = (int)inst->clients[c].program;
        demand[p] += load_in_pool(inst, c, p);
        if (p == CL_ADULT_HOME)
            demand[POOL_PEER] += inst->clients[c].acuity;
    }
    for (int s = 0; s < inst->n_staff; s++) {
        const cl_staff *st = &inst->staff[s];
        if (!st->active)
            continue;
        int p = st->role == CL_PEER ? POOL_PEER : st->team >= 0 ? CL_BLENDED : st->program;
        if (p >= 0)
            cap[p] += staff_limit(m, s);
    }
    for (int p = 0; p < NPOOLS; p++) {
        double per = p == CL_BLENDED  ? m->U
                     : p == POOL_PEER ? m->U * inst->programs[CL_ADULT_HOME].peer_caseload_cap
                                      : m->U * inst->programs[p].caseload_cap;
        out[p] = per > 0 ? fmax(0, (demand[p] - cap[p]) / per) : 0;
        if (out[p] < 1e-9)
            out[p] = 0;
    }
}

static int team_zone(const cl_instance *inst, int team)
{
    for (int k = 0; k < inst->teams[team].n_members; k++) {
        const cl_staff *st = &inst->staff[inst->teams[team].members[k]];
        if (st->zone >= 0)
            return st->zone;
    }
    return CL_NONE;
}

static int lang_list(const cl_instance *inst, uint64_t set, char ***out)
{
    int n = popcount64(set), k = 0;
    char **v = calloc((size_t)n + 1, sizeof *v);
    if (v == NULL)
        return CL_ENOMEM;
    for (int l = 0; l < inst->n_langs; l++)
        if (set >> l & 1u) {
            v[k] = strdup(inst->langs[l]);
            if (v[k++] == NULL) {
                for (int j = 0; j < k; j++)
                    free(v[j]);
                free(v);
                return CL_ENOMEM;
            }
        }
    *out = v;
    return n;
}

/* One hired person. */
typedef struct person {
    int type, slot;
    int units;
    int zone;
    int program;    /* of the hire: the pool's, or ICM/SCM for a team member, CL_NONE for a peer */
    int team;       /* BLENDED: the team joined; CL_NONE otherwise */
    uint64_t langs; /* the type's, or just {en} when none of the person's clients needs the other language */
    int *clients;
    int n;
    int staff; /* index in the changed instance */
} person;

static int cmp_person(const void *pa, const void *pb)
{
    const person *a = pa, *b = pb;
    if (a->type != b->type)
        return a->type - b->type;
    if (a->team != b->team)
        return a->team - b->team;
    if (a->zone != b->zone)
        return a->zone - b->zone;
    if (a->program != b->program)
        return a->program - b->program;
    if (a->langs != b->langs)
        return a->langs < b->langs ? -1 : 1;
    if (a->units != b->units)
        return b->units - a->units;
    return a->slot - b->slot;
}

/* Solves one pool; *units_out, *lb_out: its units and proven lower bound; *status_out a clp_mip_status. */
static int solve_pool(model *m, clp_mip **out, int pool, double time_limit_s, double t0, bool progress, int *units_out,
                      int *lb_out, int *status_out)
{
    int g_units = greedy(m, pool, NULL, 0);
    int slots = g_units >= 0 ? (g_units < MAX_SLOTS ? g_units : MAX_SLOTS) : MAX_SLOTS;
    char label[40];
    snprintf(label, sizeof label, "staffing %s", pool_names[pool]);
    clp_mip_params p = {.time_limit_s = time_limit_s / 3,
                        .gap = 0,
                        .progress = progress,
                        .progress_after_s = 1,
                        .started = t0,
                        .label = label};
    clp_mip_result r;
    /* A lower bound first: each type's people pooled into one (a relaxation that solves fast). */
    double t1 = clp_now();
    int pooled_lb = 0;
    clp_mip *agg = clp_mip_new();
    if (agg == NULL)
        return CL_ENOMEM;
    int rc = build_mip(m, agg, pool, 1, true);
    if (rc == CL_OK)
        rc = clp_mip_solve(agg, &p, NULL, &r);
    if (rc == CL_OK && r.status == CLP_MIP_INFEASIBLE) {
        clp_mip_free(agg);
        *status_out = CLP_MIP_INFEASIBLE;
        return CL_OK;
    }
    if (rc == CL_OK && (r.status == CLP_MIP_OPTIMAL || r.status == CLP_MIP_TIME_LIMIT))
        pooled_lb = (int)ceil(r.bound - 1e-6);
    clp_mip_free(agg);
    for (int g = 0; g < m->n_classes; g++)
        if (m->classes[g].pool == pool) {
            free(m->classes[g].cols);
            m->classes[g].cols = NULL;
            m->classes[g].zcol = -1;
        }
    if (rc != CL_OK)
        return rc;
    clp_mip *mip = clp_mip_new();
    if (mip == NULL)
        return CL_ENOMEM;
    *out = mip;
    rc = build_mip(m, mip, pool, slots, false);
    if (rc != CL_OK)
        return rc;
    if (pooled_lb > 0) {
        vec all = {0};
        for (int t = 0; t < m->n_types && rc == CL_OK; t++)
            for (int q = 0; m->types[t].pool == pool && q < m->types[t].nslots && rc == CL_OK; q++)
                rc = vpush(&all, m->types[t].fcol[q], 1);
        if (rc == CL_OK && clp_mip_add_row(mip, all.cols, all.vals, all.n, pooled_lb - 1e-6, HUGE_VAL) < 0)
            rc = CL_EINTERNAL;
        vfree(&all);
        if (rc != CL_OK)
            return rc;
    }
    int ncols = clp_mip_ncols(mip);
    double *x0 = malloc(((size_t)ncols + 1) * sizeof *x0);
    if (x0 == NULL)
        return CL_ENOMEM;
    bool have_start = g_units >= 0 && greedy(m, pool, x0, ncols) >= 0;
    double left = time_limit_s - (clp_now() - t1);
    p.time_limit_s = left > 0.05 ? left : 0.05;
    rc = clp_mip_solve(mip, &p, have_start ? x0 : NULL, &r);
    *status_out = rc == CL_OK ? (int)r.status : CLP_MIP_FAILED;
    if (rc != CL_OK || (r.status != CLP_MIP_OPTIMAL && r.status != CLP_MIP_TIME_LIMIT)) {
        free(x0);
        return rc;
    }
    int units = 0;
    for (int t = 0; t < m->n_types; t++)
        for (int q = 0; m->types[t].pool == pool && q < m->types[t].nslots; q++)
            units += (int)lround(clp_mip_value(mip, m->types[t].fcol[q]));
    *units_out = units;
    *lb_out = r.status == CLP_MIP_OPTIMAL ? units : (int)ceil(r.bound - 1e-6);
    free(x0);
    return rc;
}

int cl_staffing_solve(cl_staffing **out, const cl_instance *inst, const cl_staffing_opts *opts, cl_error *err)
{
    cl_staffing_opts def;
    if (opts == NULL) {
        cl_staffing_opts_init(&def);
        opts = &def;
    }
    if (!(opts->target_utilization > 0 && opts->target_utilization <= 1))
        return cl_error_set(err, CL_EUSAGE, "opts.target_utilization", "%g is out of range (expected more than 0 to 1)",
                            opts->target_utilization);
    double per_d = 1 / opts->fte_step;
    if (!(opts->fte_step > 0 && opts->fte_step <= 1) || fabs(per_d - round(per_d)) > 1e-9 || per_d > 100)
        return cl_error_set(err, CL_EUSAGE, "opts.fte_step", "%g does not divide 1 (expected e.g. 1, 0.5, 0.25, 0.1)",
                            opts->fte_step);
    if (!(opts->time_limit_s > 0))
        return cl_error_set(err, CL_EUSAGE, "opts.time_limit_s", "must be positive");
    double t0 = clp_now();
    model m = {.inst = inst, .U = opts->target_utilization, .step = opts->fte_step, .per = (int)lround(per_d)};
    clp_mip *mips[NPOOLS] = {NULL};
    cl_staffing *res = calloc(1, sizeof *res);
    cl_instance *after = NULL;
    cl_assignment *a = NULL;
    person *people = NULL;
    int n_people = 0;
    sbuf why = {0};
    int rc = res ? build(&m) : CL_ENOMEM;
    if (rc != CL_OK)
        goto done;
    res->target_utilization = m.U;
    res->fte_step = m.step;
    capacity_bounds(&m, res->capacity_bound_fte);

    bool infeasible = false, failed = false, unproven = false;
    int total_units = 0, lb_units = 0;
    for (int pool = 0; pool < NPOOLS && rc == CL_OK; pool++) {
        bool used = false;
        int later = 0;
        for (int g = 0; g < m.n_classes; g++)
            used |= m.classes[g].pool == pool;
        for (int q = pool + 1; q < NPOOLS; q++)
            for (int g = 0; g < m.n_classes; g++)
                if (m.classes[g].pool == q) {
                    later++;
                    break;
                }
        if (!used)
            continue;
        /* Each pool gets an equal share of the time that is left. */
        double left = (opts->time_limit_s - (clp_now() - t0)) / (later + 1);
        int units = 0, lb = 0, st = CLP_MIP_FAILED;
        rc = solve_pool(&m, &mips[pool], pool, left > 0.05 ? left : 0.05, t0, opts->progress, &units, &lb, &st);
        if (rc != CL_OK)
            break;
        infeasible |= st == CLP_MIP_INFEASIBLE;
        failed |= st == CLP_MIP_FAILED;
        unproven |= st == CLP_MIP_TIME_LIMIT;
        total_units += units;
        lb_units += lb;
    }
    if (rc != CL_OK)
        goto done;
    res->scenario = cl_scenario_set_new();
    char name[64];
    snprintf(name, sizeof name, "staffing at %g utilization", m.U);
    if (res->scenario == NULL || cl_scenario_set_add(res->scenario, name) < 0) {
        rc = CL_ENOMEM;
        goto done;
    }
    /* Assigned with the target held as a rule: the fewest moves that bring everyone within it. Only with an
     * answer: a target out of reach would count load above it as alike above the true caps, and such a plan
     * can be worse than the baseline's. */
    if (!infeasible && !failed)
        res->scenario->items[0].target_utilization = m.U;
    if (infeasible || failed) {
        res->status = infeasible ? CL_STAFFING_INFEASIBLE : CL_STAFFING_NO_ANSWER;
        if (!infeasible)
            sput(&why, "no answer was found within the time limit (try a longer --time-limit)");
        double *locked = calloc((size_t)inst->n_staff + 1, sizeof *locked);
        for (int g = 0; infeasible && locked && g < m.n_classes; g++)
            if (m.classes[g].locked && m.classes[g].n_elig == 1)
                locked[m.classes[g].elig[0]] += m.classes[g].load * m.classes[g].n;
        for (int s = 0; infeasible && locked && s < inst->n_staff; s++)
            if (locked[s] > staff_limit(&m, s) + 1e-9)
                sput(&why, "%s%s's clients marked keep alone use %.0f%% of its capacity, above the target %.0f%%",
                     why.n ? "; " : "", inst->staff[s].id, 100 * locked[s] / cl_util_base(inst, s), 100 * m.U);
        free(locked);
        for (int g = 0; infeasible && g < m.n_classes; g++)
            if (m.classes[g].n_elig == 0 && m.classes[g].n_types == 0)
                sput(&why, "%sclient %s can have no %s%s", why.n ? "; " : "", inst->clients[m.classes[g].clients[0]].id,
                     m.classes[g].pool == POOL_PEER ? "peer" : "manager",
                     m.classes[g].pool == CL_BLENDED ? " (BLENDED clients need a Blended team, and there is none)"
                                                     : "");
        if (why.n == 0)
            sput(&why, "the target cannot be reached by adding staff");
        res->reason = why.p;
        why = (sbuf){0};
        res->why_minimal = strdup(infeasible ? "no answer: the target cannot be reached whatever is added (see reason)"
                                             : "no answer within the time limit (see reason)");
        rc = res->why_minimal ? CL_OK : CL_ENOMEM;
        goto done;
    }
    res->status = unproven ? CL_STAFFING_TIME_LIMIT : CL_STAFFING_OPTIMAL;
    res->fte_total = total_units * m.step;
    res->lower_bound_fte = lb_units * m.step;

    /* The people hired, and the clients of each class spread over its flows: current staff first. */
    people = calloc((size_t)m.n_types * MAX_SLOTS + 1, sizeof *people);
    int *mgr = malloc(((size_t)inst->n_clients + 1) * sizeof *mgr);
    int *peer = malloc(((size_t)inst->n_clients + 1) * sizeof *peer);
    int *slot_person = malloc(((size_t)m.n_types * MAX_SLOTS + 1) * sizeof *slot_person);
    if (!people || !mgr || !peer || !slot_person) {
        free(mgr);
        free(peer);
        free(slot_person);
        rc = CL_ENOMEM;
        goto done;
    }
    for (int c = 0; c < inst->n_clients; c++)
        mgr[c] = peer[c] = CL_NONE;
    for (int t = 0; t < m.n_types; t++) {
        stype *ty = &m.types[t];
        for (int q = 0; q < ty->nslots; q++) {
            ty->units[q] = mips[ty->pool] ? (int)lround(clp_mip_value(mips[ty->pool], ty->fcol[q])) : 0;
            slot_person[t * MAX_SLOTS + q] = CL_NONE;
            if (ty->units[q] == 0)
                continue;
            res->fte_added[ty->pool] += ty->units[q] * m.step;
            person *pp = &people[n_people];
            *pp = (person){.type = t,
                           .slot = q,
                           .units = ty->units[q],
                           .zone = CL_NONE,
                           .langs = ty->langs,
                           .program = ty->pool == POOL_PEER ? CL_NONE : ty->pool,
                           .team = CL_NONE,
                           .staff = CL_NONE};
            pp->clients = malloc(((size_t)inst->n_clients + 1) * sizeof(int));
            if (pp->clients == NULL)
                rc = CL_ENOMEM;
            slot_person[t * MAX_SLOTS + q] = n_people++;
        }
    }
    for (int g = 0; g < m.n_classes && rc == CL_OK; g++) {
        sclass *k = &m.classes[g];
        if (k->cols == NULL)
            continue;
        int nt = k->n_elig;
        for (int j = 0; j < k->n_types; j++)
            nt += m.types[k->tlist[j]].nslots;
        int *left = calloc((size_t)nt + 1, sizeof *left);
        bool *placed = calloc((size_t)k->n + 1, sizeof *placed);
        if (!left || !placed) {
            free(left);
            free(placed);
            rc = CL_ENOMEM;
            break;
        }
        for (int j = 0; j < nt; j++)
            left[j] = (int)lround(clp_mip_value(mips[k->pool], k->cols[j]));
        int *dest = k->pool == POOL_PEER ? peer : mgr;
        for (int i = 0; i < k->n; i++) {
            int c = k->clients[i];
            int cur = k->pool == POOL_PEER ? inst->clients[c].peer : inst->clients[c].manager;
            for (int e = 0; e < k->n_elig && !placed[i]; e++)
                if (k->elig[e] == cur && left[e] > 0) {
                    left[e]--;
                    dest[c] = cur;
                    placed[i] = true;
                }
        }
        int j = 0;
        for (int i = 0; i < k->n; i++) {
            if (placed[i])
                continue;
            while (j < nt && left[j] == 0)
                j++;
            if (j == nt)
                break;
            left[j]--;
            if (j < k->n_elig) {
                dest[k->clients[i]] = k->elig[j];
                continue;
            }
            int tj = 0;
            while (tj + 1 < k->n_types && k->toff[tj + 1] <= j)
                tj++;
            int pi = slot_person[k->tlist[tj] * MAX_SLOTS + (j - k->toff[tj])];
            if (pi >= 0)
                people[pi].clients[people[pi].n++] = k->clients[i];
        }
        free(left);
        free(placed);
    }
    free(slot_person);

    /* Zones: the one that gives the person's clients the least travel. A Blended hire joins the team whose zone
     * does, lives there, and takes the program (ICM or SCM) that keeps that team's mix legal. */
    int *mix = calloc((size_t)inst->n_teams * 2 + 1, sizeof *mix);
    if (mix == NULL) {
        rc = CL_ENOMEM;
        goto done;
    }
    for (int t = 0; t < inst->n_teams; t++)
        cl_team_mix(inst, t, &mix[2 * t], &mix[2 * t + 1]);
    for (int i = 0; i < n_people; i++) {
        person *pp = &people[i];
        bool blended = m.types[pp->type].pool == CL_BLENDED;
        int nz = blended ? inst->n_teams : inst->n_zones;
        double best = HUGE_VAL;
        for (int k = 0; k < nz; k++) {
            int z = blended ? team_zone(inst, k) : k;
            double tr = 0;
            for (int c = 0; c < pp->n; c++)
                tr += cl_instance_travel(inst, z, inst->clients[pp->clients[c]].zone);
            if (tr < best - 1e-9) {
                best = tr;
                pp->zone = z;
                if (blended)
                    pp->team = k;
            }
        }
        if (blended) {
            int *a_icm = &mix[2 * pp->team], *b_scm = &mix[2 * pp->team + 1];
            bool icm = cl_blended_mix_legal(*a_icm + 1, *b_scm) &&
                       (*a_icm <= *b_scm || !cl_blended_mix_legal(*a_icm, *b_scm + 1));
            pp->program = icm ? CL_ICM : CL_SCM;
            if (icm)
                (*a_icm)++;
            else
                (*b_scm)++;
        }
    }
    free(mix);
    /* A hire is bilingual only when one of its own clients needs the second language. */
    int en = en_lang(inst);
    for (int i = 0; i < n_people && en >= 0; i++) {
        bool need = false;
        for (int c = 0; c < people[i].n && !need; c++)
            need = !(inst->clients[people[i].clients[c]].langs >> en & 1u);
        if (!need)
            people[i].langs = (uint64_t)1 << en;
    }
    qsort(people, (size_t)n_people, sizeof *people, cmp_person);

    /* The answer as add_staff ops: one per (type, zone, program, FTE). */
    for (int i = 0; i < n_people && rc == CL_OK;) {
        int j = i;
        while (j < n_people && people[j].type == people[i].type && people[j].team == people[i].team &&
               people[j].zone == people[i].zone && people[j].program == people[i].program &&
               people[j].langs == people[i].langs && people[j].units == people[i].units)
            j++;
        const stype *ty = &m.types[people[i].type];
        cl_change ch;
        cl_change_init(&ch, CL_OP_ADD_STAFF);
        ch.role = ty->pool == POOL_PEER ? CL_PEER : CL_MANAGER;
        ch.program = people[i].program;
        ch.count = j - i;
        ch.fte = people[i].units * m.step;
        ch.zone = people[i].zone >= 0 ? strdup(inst->zones[people[i].zone]) : NULL;
        ch.team = people[i].team >= 0 ? strdup(inst->teams[people[i].team].id) : NULL;
        int nl = lang_list(inst, people[i].langs, &ch.languages);
        ch.n_languages = nl > 0 ? nl : 0;
        if (nl < 0 || (people[i].zone >= 0 && !ch.zone) || (people[i].team >= 0 && !ch.team)) {
            cl_change_dispose(&ch);
            rc = CL_ENOMEM;
            break;
        }
        rc = cl_scenario_add_change(res->scenario, 0, &ch);
        i = j;
    }

    /* The answer's own assignment on the changed instance, and the week's coverage with it. */
    if (rc == CL_OK && (after = cl_instance_clone(inst)) == NULL)
        rc = CL_ENOMEM;
    if (rc == CL_OK) {
        int s = after->n_staff;
        rc = cl_scenario_apply(after, res->scenario, 0, err);
        for (int i = 0; i < n_people; i++)
            people[i].staff = s++; /* add_staff makes them in op order, and ops follow the sorted people */
    }
    if (rc == CL_OK && (a = cl_assignment_new(after->n_clients)) == NULL)
        rc = CL_ENOMEM;
    if (rc == CL_OK) {
        for (int i = 0; i < n_people; i++)
            for (int c = 0; c < people[i].n; c++) {
                if (m.types[people[i].type].pool == POOL_PEER)
                    peer[people[i].clients[c]] = people[i].staff;
                else
                    mgr[people[i].clients[c]] = people[i].staff;
            }
        for (int c = 0; c < inst->n_clients; c++) {
            a->manager[c] = mgr[c];
            a->peer[c] = peer[c];
        }
        a->status = CL_OPTIMAL;
        cl_scenario_metrics_of(after, a, &res->with);
        clp_scenario_schedule_figures(after, a, opts->time_limit_s, 0, &res->with);
    }
    free(mgr);
    free(peer);
    if (rc != CL_OK)
        goto done;

    /* Why it is minimal. */
    double bound_sum = 0;
    for (int q = 0; q < NPOOLS; q++)
        bound_sum += ceil(res->capacity_bound_fte[q] / m.step - 1e-9) * m.step;
    if (total_units == 0) {
        sput(&why,
             "Nothing needs to be added: the current staff can take every client (intakes included) under "
             "the rules of SPEC 4.1 with every manager's and peer's utilization at most %g, so nobody waits "
             "and nobody is over capacity.",
             m.U);
    } else {
        sput(&why,
             "%g FTE is the least that reaches the target%s. It is the optimum of a mixed-integer program "
             "per pool (GLPK): each new person works a whole number of %g-FTE units; every client must be "
             "assigned to a manager it may have under SPEC 4.1 (program or team, language, avoid, keep), "
             "current or new, and every ADULT_HOME client also to a peer specialist; every manager's and "
             "peer's load, new people's included, is at most %g x its own capacity. ",
             res->fte_total, res->status == CL_STAFFING_OPTIMAL ? "" : " found within the time limit (not proven)",
             m.step, m.U);
        if (res->status == CL_STAFFING_OPTIMAL)
            sput(&why,
                 "GLPK proved that no assignment reaches the target with fewer units (its bound equals the "
                 "answer), so removing any one added unit, or any one added person, leaves some client "
                 "waiting or some load above %g x capacity. ",
                 m.U);
        else
            sput(&why, "The proven lower bound is %g FTE. ", res->lower_bound_fte);
        sput(&why, "Capacity alone needs at least");
        bool any = false;
        for (int q = 0; q < NPOOLS; q++)
            if (res->capacity_bound_fte[q] > 0) {
                sput(&why, "%s %s %.2f FTE", any ? "," : "", pool_names[q], res->capacity_bound_fte[q]);
                any = true;
            }
        if (!any)
            sput(&why, " nothing");
        sput(&why, " (demand minus %g x current capacity, per pool), rounded up to whole units", m.U);
        if (res->fte_total > bound_sum + 1e-9)
            sput(&why, "; the rest is needed because of who may serve whom and of whole clients: a client shares a "
                       "language with its manager, avoid and keep lists hold, a client is not split between "
                       "managers, and spare capacity is not always where the eligible clients are");
        sput(&why, ". A hire is bilingual only when one of its clients needs the second language, and each is "
                   "placed in the zone that gives its clients the least travel.");
    }
    res->why_minimal = why.p;
    why = (sbuf){0};
    if (res->why_minimal == NULL)
        rc = CL_ENOMEM;
    res->changed = after;
    res->assignment = a;
    after = NULL;
    a = NULL;
done:
    for (int i = 0; people && i < n_people; i++)
        free(people[i].clients);
    free(people);
    free(why.p);
    cl_assignment_free(a);
    cl_instance_free(after);
    for (int q = 0; q < NPOOLS; q++)
        clp_mip_free(mips[q]);
    model_dispose(&m);
    if (rc != CL_OK) {
        cl_staffing_free(res);
        if (rc == CL_ENOMEM)
            cl_error_set(err, CL_ENOMEM, "", "out of memory");
        else
            cl_error_set(err, rc, "", "staffing failed");
        return rc;
    }
    *out = res;
    return CL_OK;
}
