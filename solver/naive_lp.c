/* naive_lp.c: the naive monolithic assignment model (one binary per client and eligible manager, the five
 * levels weighted into one objective), written in CPLEX LP format for the benchmark peers. See naive_lp.h. */
#include "naive_lp.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../model/rules.h"
#include "backend.h"

/* A growable list of (column, coefficient): the load terms of one staff member or team. */
typedef struct terms {
    int *col;
    double *val;
    int n, cap;
} terms;

static int terms_push(terms *t, int j, double x)
{
    if (t->n == t->cap) {
        int cap = t->cap ? t->cap * 2 : 16;
        int *col = realloc(t->col, (size_t)cap * sizeof *col);
        if (col == NULL)
            return CL_ENOMEM;
        t->col = col;
        double *val = realloc(t->val, (size_t)cap * sizeof *val);
        if (val == NULL)
            return CL_ENOMEM;
        t->val = val;
        t->cap = cap;
    }
    t->col[t->n] = j;
    t->val[t->n++] = x;
    return CL_OK;
}

static void terms_dispose(terms *t)
{
    free(t->col);
    free(t->val);
    memset(t, 0, sizeof *t);
}

typedef struct naive {
    const cl_instance *inst;
    clp_mip *m;
    terms *load;  /* per staff */
    terms *team;  /* per team */
    double *cur;  /* current load per staff, for phi's range */
    double *most; /* largest possible load per staff */
    int *elig;    /* scratch, n_staff */
    int *elig_p;  /* scratch, n_staff */
    terms row;    /* scratch */
} naive;

static int col(naive *nv, double lb, double ub, bool integer, double obj, const char *fmt, int a, int b)
{
    char name[64];
    int j = clp_mip_add_col(nv->m, lb, ub, integer);
    if (b >= 0)
        snprintf(name, sizeof name, fmt, a, b);
    else
        snprintf(name, sizeof name, fmt, a);
    clp_mip_set_col_name(nv->m, j, name);
    if (obj != 0)
        clp_mip_set_obj(nv->m, j, obj);
    return j;
}

/* Adds nv->row as lb <= row <= ub, named fmt(a, b). */
static int row(naive *nv, double lb, double ub, const char *fmt, int a, int b)
{
    char name[64];
    int i = clp_mip_add_row(nv->m, nv->row.col, nv->row.val, nv->row.n, lb, ub);
    if (i < 0)
        return i == CL_ENOMEM ? CL_ENOMEM : CL_EINTERNAL;
    if (b >= 0)
        snprintf(name, sizeof name, fmt, a, b);
    else
        snprintf(name, sizeof name, fmt, a);
    clp_mip_set_row_name(nv->m, i, name);
    nv->row.n = 0;
    return CL_OK;
}

/* Columns and rows of one client: its assignment (or waitlist), its peer, its moves. */
static int add_client(naive *nv, int c)
{
    const cl_instance *inst = nv->inst;
    const cl_client *cl = &inst->clients[c];
    bool relaxed = false;
    int nm = cl_eligible_managers(inst, c, nv->elig, &relaxed);
    if (nm == 0)
        return CL_OK; /* nobody serves its program: it cannot be placed, and is no part of the model */
    int np = cl_eligible_peers(inst, c, nv->elig_p, &relaxed);
    int rc = CL_OK;
    int x0 = clp_mip_ncols(nv->m), stay = -1;
    for (int k = 0; k < nm; k++) {
        int s = nv->elig[k];
        int tr = cl_instance_travel(inst, cl->zone, inst->staff[s].zone);
        col(nv, 0, 1, true, CL_NAIVE_W_TRAVEL * tr, "x_%d_%d", c, s);
        double coef = cl_load_of(inst, c, s);
        rc = terms_push(&nv->load[s], x0 + k, coef);
        if (rc == CL_OK && inst->staff[s].team >= 0)
            rc = terms_push(&nv->team[inst->staff[s].team], x0 + k, coef);
        if (rc != CL_OK)
            return rc;
        nv->most[s] += coef;
        if (s == cl->manager)
            stay = k;
    }
    /* Placed once, or (an intake) on the waitlist. */
    for (int k = 0; k < nm && rc == CL_OK; k++)
        rc = terms_push(&nv->row, x0 + k, 1);
    if (rc == CL_OK && cl->manager < 0)
        rc = terms_push(&nv->row, col(nv, 0, 1, true, CL_NAIVE_W_WAITLIST * cl->acuity * cl->priority, "w_%d", c, -1),
                        1);
    if (rc == CL_OK)
        rc = row(nv, 1, 1, "place_%d", c, -1);
    /* A manager move: mv >= 1 - x(current); mv fixed at 1 when the current manager is no longer eligible. */
    if (rc == CL_OK && cl->manager >= 0) {
        int mv = col(nv, stay < 0 ? 1 : 0, 1, false, CL_NAIVE_W_MOVES, "mv_%d", c, -1);
        if (stay >= 0) {
            rc = terms_push(&nv->row, mv, 1);
            if (rc == CL_OK)
                rc = terms_push(&nv->row, x0 + stay, 1);
            if (rc == CL_OK)
                rc = row(nv, 1, HUGE_VAL, "mv_%d", c, -1);
        }
    }
    if (rc != CL_OK)
        return rc;
    /* The peer follows the placement: sum y = sum x. */
    int y0 = clp_mip_ncols(nv->m), pstay = -1;
    for (int k = 0; k < np; k++) {
        int p = nv->elig_p[k];
        col(nv, 0, 1, true, 0, "y_%d_%d", c, p);
        rc = terms_push(&nv->load[p], y0 + k, cl->acuity);
        if (rc != CL_OK)
            return rc;
        nv->most[p] += cl->acuity;
        if (p == cl->peer)
            pstay = k;
    }
    if (np > 0) {
        for (int k = 0; k < np && rc == CL_OK; k++)
            rc = terms_push(&nv->row, y0 + k, 1);
        for (int k = 0; k < nm && rc == CL_OK; k++)
            rc = terms_push(&nv->row, x0 + k, -1);
        if (rc == CL_OK)
            rc = row(nv, 0, 0, "peer_%d", c, -1);
    }
    /* A peer move: pmv >= 1 - y(current peer), fixed at 1 when that peer is not eligible (an existing client
     * is always placed, so it always has a peer here when one is eligible). */
    if (rc == CL_OK && cl->peer >= 0 && cl->manager >= 0) {
        int pmv = col(nv, pstay < 0 ? 1 : 0, 1, false, CL_NAIVE_W_MOVES, "pmv_%d", c, -1);
        if (pstay >= 0) {
            rc = terms_push(&nv->row, pmv, 1);
            if (rc == CL_OK)
                rc = terms_push(&nv->row, y0 + pstay, 1);
            if (rc == CL_OK)
                rc = row(nv, 1, HUGE_VAL, "pmv_%d", c, -1);
        }
    }
    return rc;
}

/* Overload and phi epigraph of staff s. */
static int add_staff(naive *nv, int s)
{
    const cl_instance *inst = nv->inst;
    const cl_staff *st = &inst->staff[s];
    const terms *ld = &nv->load[s];
    if (ld->n == 0)
        return CL_OK;
    int rc = CL_OK;
    /* The load as a column of its own (one row), so that overload and phi's lines each have two terms. */
    int lc = col(nv, 0, HUGE_VAL, false, 0, "L_%d", s, -1);
    for (int q = 0; q < ld->n && rc == CL_OK; q++)
        rc = terms_push(&nv->row, ld->col[q], ld->val[q]);
    if (rc == CL_OK)
        rc = terms_push(&nv->row, lc, -1);
    if (rc == CL_OK)
        rc = row(nv, 0, 0, "load_%d", s, -1);
    int ov = col(nv, 0, HUGE_VAL, false, CL_NAIVE_W_OVERLOAD, "ov_%d", s, -1);
    if (rc == CL_OK)
        rc = terms_push(&nv->row, lc, 1);
    if (rc == CL_OK)
        rc = terms_push(&nv->row, ov, -1);
    if (rc == CL_OK)
        rc = row(nv, -HUGE_VAL, cl_limit(inst, s), "over_%d", s, -1);
    if (rc != CL_OK || !st->active)
        return rc;
    double base = cl_util_base(inst, s);
    double umax = fmax(cl_limit(inst, s) / base, nv->cur[s] / base) + CL_NAIVE_PHI_HEADROOM;
    umax = fmin(umax, nv->most[s] / base);
    int segs = (int)ceil(umax / CL_PHI_STEP - 1e-9);
    int t = col(nv, 0, HUGE_VAL, false, CL_NAIVE_W_IMBALANCE, "t_%d", s, -1);
    /* Line of segment j: fte * (slope * L / base - drop) <= t (SPEC's phi: segment 0's is 0.05 u, not 0). */
    for (int j = 0; j < segs && rc == CL_OK; j++) {
        double slope, drop;
        cl_phi_segment(j, &slope, &drop);
        rc = terms_push(&nv->row, lc, st->fte * slope / base);
        if (rc == CL_OK)
            rc = terms_push(&nv->row, t, -1);
        if (rc == CL_OK)
            rc = row(nv, -HUGE_VAL, st->fte * drop, "phi_%d_%d", s, j);
    }
    return rc;
}

static int add_team(naive *nv, int t)
{
    const terms *ld = &nv->team[t];
    if (ld->n == 0)
        return CL_OK;
    int rc = CL_OK;
    int ov = col(nv, 0, HUGE_VAL, false, CL_NAIVE_W_OVERLOAD, "tov_%d", t, -1);
    for (int q = 0; q < ld->n && rc == CL_OK; q++)
        rc = terms_push(&nv->row, ld->col[q], ld->val[q]);
    if (rc == CL_OK)
        rc = terms_push(&nv->row, ov, -1);
    if (rc == CL_OK)
        rc = row(nv, -HUGE_VAL, cl_team_limit(nv->inst, t), "team_%d", t, -1);
    return rc;
}

int cl_assign_export_naive_lp(const cl_instance *inst, const char *path, cl_error *err)
{
    naive nv = {.inst = inst};
    size_t ns = (size_t)inst->n_staff + 1, nt = (size_t)inst->n_teams + 1;
    nv.m = clp_mip_new();
    nv.load = calloc(ns, sizeof *nv.load);
    nv.team = calloc(nt, sizeof *nv.team);
    nv.cur = calloc(ns, sizeof *nv.cur);
    nv.most = calloc(ns, sizeof *nv.most);
    nv.elig = malloc(ns * sizeof *nv.elig);
    nv.elig_p = malloc(ns * sizeof *nv.elig_p);
    int rc = nv.m && nv.load && nv.team && nv.cur && nv.most && nv.elig && nv.elig_p ? CL_OK : CL_ENOMEM;
    if (rc == CL_OK) {
        clp_mip_set_obj_name(nv.m, "weighted");
        for (int c = 0; c < inst->n_clients; c++) {
            const cl_client *cl = &inst->clients[c];
            if (cl->manager >= 0)
                nv.cur[cl->manager] += cl_load_of(inst, c, cl->manager);
            if (cl->peer >= 0)
                nv.cur[cl->peer] += cl->acuity;
        }
    }
    for (int c = 0; c < inst->n_clients && rc == CL_OK; c++)
        rc = add_client(&nv, c);
    for (int s = 0; s < inst->n_staff && rc == CL_OK; s++)
        rc = add_staff(&nv, s);
    for (int t = 0; t < inst->n_teams && rc == CL_OK; t++)
        rc = add_team(&nv, t);
    if (rc == CL_OK && clp_mip_write_lp(nv.m, path) != CL_OK)
        rc = cl_error_set(err, CL_EIO, path, "cannot write the LP file");
    else if (rc == CL_ENOMEM)
        cl_error_set(err, rc, "", "out of memory");
    else if (rc != CL_OK)
        cl_error_set(err, rc, "", "internal error in the naive model");
    for (int s = 0; nv.load && s < inst->n_staff; s++)
        terms_dispose(&nv.load[s]);
    for (int t = 0; nv.team && t < inst->n_teams; t++)
        terms_dispose(&nv.team[t]);
    terms_dispose(&nv.row);
    free(nv.load);
    free(nv.team);
    free(nv.cur);
    free(nv.most);
    free(nv.elig);
    free(nv.elig_p);
    clp_mip_free(nv.m);
    return rc;
}
