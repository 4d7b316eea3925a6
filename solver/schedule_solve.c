/* schedule_solve.c: planning the week (SPEC §6), per group of staff that share clients (a manager alone, a
 * Blended team, the adult-home managers and peers together):
 *   1. which visits on which day by whom: a greedy choice (tightest clients first, then a repair that moves
 *      one visit to make room) that keeps every row of a day-assignment MIP; when it falls short of what the
 *      days alone allow (level 1, shortfall) or of the spread floor (level 2), GLPK improves on it from that
 *      start, each level optimal given the one before;
 *   2. level 3 (travel, estimated per staff-day as a star from base through each zone used) and level 4
 *      (latest end) by local moves of single visits and of a zone's visits that keep levels 1 and 2;
 *   3. an exact route per staff-day: joint visits first, at the earliest time both can be there, then the
 *      staff member's own visits in the best order of zones (Held-Karp) back to base;
 *   4. a staff-day that does not fit gets a cut ("one visit fewer") and the group is planned again; after
 *      40 rounds or at the time limit, visits are dropped client by client until every day fits. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../model/rules.h"
#include "schedule_impl.h"

static int find(int *p, int x)
{
    while (p[x] != x) {
        p[x] = p[p[x]];
        x = p[x];
    }
    return x;
}

static void unite(int *p, int x, int y)
{
    x = find(p, x);
    y = find(p, y);
    if (x != y) {
        if (x < y)
            p[y] = x;
        else
            p[x] = y;
    }
}

/* ---- the options ---- */

static int build_options(ctx *k)
{
    const cl_instance *inst = k->inst;
    int cap = 1024;
    k->opt = malloc((size_t)cap * sizeof *k->opt);
    k->first = malloc(((size_t)inst->n_clients + 1) * sizeof *k->first);
    k->vis = malloc(((size_t)inst->n_staff + 1) * sizeof *k->vis);
    k->vis_days = malloc(((size_t)inst->n_staff + 1) * sizeof *k->vis_days);
    k->vis_cover = malloc(((size_t)inst->n_staff + 1) * sizeof *k->vis_cover);
    if (!k->opt || !k->first || !k->vis || !k->vis_days || !k->vis_cover)
        return CL_ENOMEM;
    for (int c = 0; c < inst->n_clients; c++) {
        k->first[c] = k->n_opt;
        int m = k->a->manager[c], p = clp_sched_peer(k, c);
        if (m < 0 || k->quota[c] <= 0)
            continue;
        unsigned cd = clp_client_days(inst, c);
        unsigned pd = p >= 0 ? clp_staff_workdays(inst, p) : 0;
        int start = k->n_opt, nvis = 0;
        bool any_joint = false;
        for (int s = 0; s < inst->n_staff; s++) {
            bool cov;
            if (clp_may_visit(inst, c, m, s, &cov)) {
                k->vis[nvis] = s;
                k->vis_days[nvis] = clp_staff_workdays(inst, s);
                k->vis_cover[nvis++] = cov;
            }
        }
        for (int d = 0; d < CL_NDAYS; d++) {
            if (!(cd >> d & 1u))
                continue;
            for (int q = 0; q < nvis; q++) {
                int s = k->vis[q];
                bool cov = k->vis_cover[q];
                if (!(k->vis_days[q] >> d & 1u))
                    continue;
                if (k->n_opt == cap) {
                    cap *= 2;
                    option *no = realloc(k->opt, (size_t)cap * sizeof *no);
                    if (no == NULL)
                        return CL_ENOMEM;
                    k->opt = no;
                }
                option *o = &k->opt[k->n_opt++];
                memset(o, 0, sizeof *o);
                o->c = c;
                o->s = s;
                o->d = d;
                o->cover = cov;
                o->joint_ok = p >= 0 && (pd >> d & 1u);
                o->x = o->y = CL_NONE;
                any_joint |= o->joint_ok;
            }
        }
        if (p >= 0 && !any_joint)
            k->n_opt = start; /* every visit would need a joint one: none is possible */
    }
    k->first[inst->n_clients] = k->n_opt;
    return CL_OK;
}

/* ---- one component: the MIP ---- */

static int sd_of(ctx *k, comp *g, int s, int d)
{
    int *slot = &k->sd_index[s * CL_NDAYS + d];
    if (*slot < 0) {
        *slot = g->n_sd;
        g->sd_staff[g->n_sd] = s;
        g->sd_day[g->n_sd] = d;
        g->n_sd++;
    }
    return *slot;
}

/* Builds the MIP of component g (its clients' options). */
static int build_mip(ctx *k, comp *g)
{
    const cl_instance *inst = k->inst;
    int nz = inst->n_zones > 0 ? inst->n_zones : 1;
    g->nz = nz;
    clp_mip *m = clp_mip_new();
    if (m == NULL)
        return CL_ENOMEM;
    g->mip = m;
    /* Count staff-days first (options' visitors and peers). */
    for (int i = 0; i < g->n_clients; i++) {
        int c = g->clients[i];
        for (int o = k->first[c]; o < k->first[c + 1]; o++) {
            option *op = &k->opt[o];
            sd_of(k, g, op->s, op->d);
            if (op->joint_ok)
                sd_of(k, g, clp_sched_peer(k, c), op->d);
        }
    }
    g->wcol = malloc(((size_t)g->n_sd * (size_t)nz + 1) * sizeof *g->wcol);
    g->acol = malloc(((size_t)g->n_clients * CL_NDAYS + 1) * sizeof *g->acol);
    g->cut_rows = malloc(((size_t)g->n_sd + 1) * sizeof *g->cut_rows);
    g->cut_max = malloc(((size_t)g->n_sd + 1) * sizeof *g->cut_max);

    int cap = 64;
    int *cols = malloc((size_t)cap * sizeof *cols);
    double *vals = malloc((size_t)cap * sizeof *vals);
    int rc = CL_ENOMEM;
    if (!g->wcol || !g->acol || !g->cut_rows || !g->cut_max || !cols || !vals)
        goto done;
    for (int j = 0; j < g->n_sd * nz; j++)
        g->wcol[j] = -1;
    for (int j = 0; j < g->n_sd; j++)
        g->cut_rows[j] = -1;
    for (int j = 0; j < g->n_clients * CL_NDAYS; j++)
        g->acol[j] = -1;
#define ROOM(n)                                                                                                        \
    do {                                                                                                               \
        if ((n) > cap) {                                                                                               \
            cap = (n)*2;                                                                                               \
            int *nc_ = realloc(cols, (size_t)cap * sizeof *cols);                                                      \
            if (nc_)                                                                                                   \
                cols = nc_;                                                                                            \
            double *nv_ = realloc(vals, (size_t)cap * sizeof *vals);                                                   \
            if (nv_)                                                                                                   \
                vals = nv_;                                                                                            \
            if (!nc_ || !nv_)                                                                                          \
                goto done;                                                                                             \
        }                                                                                                              \
    } while (0)
    /* Columns. */
    for (int i = 0; i < g->n_clients; i++) {
        int c = g->clients[i];
        for (int o = k->first[c]; o < k->first[c + 1]; o++) {
            option *op = &k->opt[o];
            op->x = clp_mip_add_col(m, 0, op->dropped ? 0 : 1, true);
            op->y = op->joint_ok ? clp_mip_add_col(m, 0, op->dropped ? 0 : 1, true) : CL_NONE;
        }
    }
    for (int i = 0; i < g->n_clients; i++) {
        int c = g->clients[i], z = clp_sched_zone(k, c);
        if (z < 0)
            continue;
        for (int o = k->first[c]; o < k->first[c + 1]; o++) {
            option *op = &k->opt[o];
            int j = k->sd_index[op->s * CL_NDAYS + op->d] * nz + z;
            if (g->wcol[j] < 0)
                g->wcol[j] = clp_mip_add_col(m, 0, 1, true);
            if (op->joint_ok) {
                j = k->sd_index[clp_sched_peer(k, c) * CL_NDAYS + op->d] * nz + z;
                if (g->wcol[j] < 0)
                    g->wcol[j] = clp_mip_add_col(m, 0, 1, true);
            }
        }
    }
    g->L = clp_mip_add_col(m, 0, HUGE_VAL, false);
    /* Per client: one visit a day, at most the quota, the primary share, the joint visit, spread. */
    for (int i = 0; i < g->n_clients; i++) {
        int c = g->clients[i], mg = k->a->manager[c];
        int o0 = k->first[c], o1 = k->first[c + 1], n = o1 - o0;
        ROOM(2 * n + 4);
        int nn = 0;
        for (int o = o0; o < o1; o++) {
            cols[nn] = k->opt[o].x;
            vals[nn++] = 1;
        }
        if (clp_mip_add_row(m, cols, vals, nn, -HUGE_VAL, k->quota[c]) < 0)
            goto done;
        for (int d = 0; d < CL_NDAYS; d++) {
            nn = 0;
            for (int o = o0; o < o1; o++)
                if (k->opt[o].d == d) {
                    cols[nn] = k->opt[o].x;
                    vals[nn++] = 1;
                }
            if (nn > 1 && clp_mip_add_row(m, cols, vals, nn, -HUGE_VAL, 1) < 0)
                goto done;
        }
        if (inst->clients[c].program == CL_BLENDED && n > 0 && !k->opt[o0].cover) {
            double share = inst->policy.blended_primary_share;
            nn = 0;
            for (int o = o0; o < o1; o++) {
                cols[nn] = k->opt[o].x;
                vals[nn++] = (k->opt[o].s == mg ? 1.0 : 0.0) - share;
            }
            if (share > 0 && clp_mip_add_row(m, cols, vals, nn, -1e-9, HUGE_VAL) < 0)
                goto done;
        }
        if (clp_sched_peer(k, c) >= 0 && n > 0) {
            int ny = 0;
            for (int o = o0; o < o1; o++)
                if (k->opt[o].y >= 0) {
                    cols[ny] = k->opt[o].y;
                    vals[ny++] = 1;
                }
            if (clp_mip_add_row(m, cols, vals, ny, -HUGE_VAL, 1) < 0)
                goto done;
            for (int o = o0; o < o1; o++) {
                /* x_o <= sum y: any visit makes one joint */
                cols[ny] = k->opt[o].x;
                vals[ny] = -1;
                if (clp_mip_add_row(m, cols, vals, ny + 1, 0, HUGE_VAL) < 0)
                    goto done;
                if (k->opt[o].y >= 0) {
                    int cc[2] = {k->opt[o].x, k->opt[o].y};
                    double vv[2] = {1, -1};
                    if (clp_mip_add_row(m, cc, vv, 2, 0, HUGE_VAL) < 0)
                        goto done;
                }
            }
        }
        for (int d = 0; d + 1 < CL_NDAYS; d++) {
            nn = 0;
            for (int o = o0; o < o1; o++)
                if (k->opt[o].d == d || k->opt[o].d == d + 1) {
                    cols[nn] = k->opt[o].x;
                    vals[nn++] = 1;
                }
            bool has_d = false, has_d1 = false;
            for (int o = o0; o < o1; o++) {
                has_d |= k->opt[o].d == d;
                has_d1 |= k->opt[o].d == d + 1;
            }
            if (!has_d || !has_d1)
                continue;
            int acol = clp_mip_add_col(m, 0, HUGE_VAL, false);
            g->acol[i * CL_NDAYS + d] = acol;
            cols[nn] = acol;
            vals[nn++] = -1;
            if (clp_mip_add_row(m, cols, vals, nn, -HUGE_VAL, 1) < 0)
                goto done;
        }
    }
    /* Zone links and capacity per staff-day. */
    for (int j = 0; j < g->n_sd; j++) {
        int s = g->sd_staff[j], d = g->sd_day[j];
        int nn = 0;
        for (int i = 0; i < g->n_clients; i++) {
            int c = g->clients[i], z = clp_sched_zone(k, c);
            for (int o = k->first[c]; o < k->first[c + 1]; o++) {
                option *op = &k->opt[o];
                if (op->d != d)
                    continue;
                int col = op->s == s ? op->x : (op->joint_ok && clp_sched_peer(k, c) == s) ? op->y : -1;
                if (col < 0)
                    continue;
                ROOM(nn + nz + 4);
                cols[nn] = col;
                vals[nn++] = clp_sched_visit_cost(k, c);
                if (z >= 0) {
                    int cc[2] = {g->wcol[j * nz + z], col};
                    double vv[2] = {1, -1};
                    if (clp_mip_add_row(m, cc, vv, 2, 0, HUGE_VAL) < 0)
                        goto done;
                }
            }
        }
        for (int z = 0; z < nz && inst->n_zones > 0; z++)
            if (g->wcol[j * nz + z] >= 0) {
                ROOM(nn + 2);
                cols[nn] = g->wcol[j * nz + z];
                vals[nn++] = clp_sched_zone_cost(k, s, z);
            }
        if (clp_mip_add_row(m, cols, vals, nn, -HUGE_VAL, inst->staff[s].minutes[d]) < 0)
            goto done;
        ROOM(nn + 1);
        cols[nn] = g->L;
        vals[nn++] = -1;
        for (int t = 0; t < nn - 1; t++)
            vals[t] = -vals[t];
        vals[nn - 1] = 1;
        if (clp_mip_add_row(m, cols, vals, nn, inst->day_start_min, HUGE_VAL) < 0)
            goto done;
    }
    rc = CL_OK;
#undef ROOM
done:
    free(cols);
    free(vals);
    return rc;
}

/* Fills a feasible start (every dependent column computed from the chosen x and y). */
static void start_from(ctx *k, comp *g, double *x, bool use_chosen)
{
    const cl_instance *inst = k->inst;
    int n = clp_mip_ncols(g->mip);
    memset(x, 0, (size_t)n * sizeof *x);
    double *load = calloc((size_t)g->n_sd + 1, sizeof *load);
    if (load == NULL)
        return;
    for (int i = 0; i < g->n_clients; i++) {
        int c = g->clients[i], z = clp_sched_zone(k, c);
        for (int o = k->first[c]; o < k->first[c + 1]; o++) {
            option *op = &k->opt[o];
            if (!use_chosen || !op->chosen)
                continue;
            x[op->x] = 1;
            int j = k->sd_index[op->s * CL_NDAYS + op->d];
            load[j] += clp_sched_visit_cost(k, c);
            if (z >= 0 && x[g->wcol[j * g->nz + z]] == 0) {
                x[g->wcol[j * g->nz + z]] = 1;
                load[j] += clp_sched_zone_cost(k, op->s, z);
            }
            if (op->joint) {
                x[op->y] = 1;
                int p = clp_sched_peer(k, c);
                j = k->sd_index[p * CL_NDAYS + op->d];
                load[j] += clp_sched_visit_cost(k, c);
                if (z >= 0 && x[g->wcol[j * g->nz + z]] == 0) {
                    x[g->wcol[j * g->nz + z]] = 1;
                    load[j] += clp_sched_zone_cost(k, p, z);
                }
            }
        }
        for (int d = 0; d + 1 < CL_NDAYS; d++) {
            int a = g->acol[i * CL_NDAYS + d];
            if (a < 0)
                continue;
            int on = 0;
            for (int o = k->first[c]; o < k->first[c + 1]; o++)
                if (use_chosen && k->opt[o].chosen && (k->opt[o].d == d || k->opt[o].d == d + 1))
                    on++;
            x[a] = on > 1 ? on - 1 : 0;
        }
    }
    double L = inst->day_start_min;
    for (int j = 0; j < g->n_sd; j++)
        L = fmax(L, inst->day_start_min + load[j]);
    x[g->L] = L;
    free(load);
}

static void read_solution(ctx *k, comp *g)
{
    for (int i = 0; i < g->n_clients; i++) {
        int c = g->clients[i];
        for (int o = k->first[c]; o < k->first[c + 1]; o++) {
            option *op = &k->opt[o];
            op->chosen = clp_mip_value(g->mip, op->x) > 0.5;
            op->joint = op->chosen && op->y >= 0 && clp_mip_value(g->mip, op->y) > 0.5;
        }
    }
}

static int solve_levels(ctx *k, comp *g, double budget_s)
{
    const cl_instance *inst = k->inst;
    clp_mip *m = g->mip;
    int n = clp_mip_ncols(m);
    int base_rows = clp_mip_nrows(m);
    double *start = malloc(((size_t)n + 1) * sizeof *start);
    int *cols = malloc(((size_t)n + 1) * sizeof *cols);
    double *vals = malloc(((size_t)n + 1) * sizeof *vals);
    int rc = CL_ENOMEM;
    if (!start || !cols || !vals)
        goto done;
    double t_end = clp_now() + budget_s;
    clp_mip_params p = {.gap = k->opts->gap, .progress = false, .started = k->t0, .label = "schedule"};
    clp_mip_result r;
    /* Level 1: shortfall, as the acuity-weighted visits made (at most the quota each). The greedy start is
     * optimal when it reaches what the days alone allow; otherwise GLPK improves on it. */
    clp_mip_clear_obj(m);
    int nn = 0;
    for (int i = 0; i < g->n_clients; i++) {
        int c = g->clients[i];
        for (int o = k->first[c]; o < k->first[c + 1]; o++) {
            clp_mip_set_obj(m, k->opt[o].x, -inst->clients[c].acuity);
            cols[nn] = k->opt[o].x;
            vals[nn++] = inst->clients[c].acuity;
        }
    }
    if ((rc = clp_sched_greedy(k, g)) != CL_OK)
        goto done;
    rc = CL_ENOMEM;
    double have, most;
    clp_sched_level1(k, g, &have, &most);
    if (have < most - 1e-9 && n > CL_SCHED_MIP_COLS) {
        k->unproven = true; /* GLPK would not finish on a group this large: the greedy choice stands */
    } else if (have < most - 1e-9) {
        start_from(k, g, start, true);
        p.time_limit_s = fmax(0.2, (t_end - clp_now()) * 0.6);
        if ((rc = clp_mip_solve(m, &p, start, &r)) != CL_OK)
            goto done;
        rc = CL_ENOMEM;
        /* No answer in time (or numerical trouble): the greedy choice stands. */
        k->limited |= r.status != CLP_MIP_OPTIMAL;
        if (r.status == CLP_MIP_OPTIMAL || r.status == CLP_MIP_TIME_LIMIT) {
            read_solution(k, g);
            clp_sched_level1(k, g, &have, &most);
        }
    }
    if (clp_mip_add_row(m, cols, vals, nn, have - 1e-6, HUGE_VAL) < 0)
        goto done;
    /* Level 2: spread, when the choice is above its floor. */
    int sp, sp_floor;
    clp_sched_spread(k, g, &sp, &sp_floor);
    if (sp > sp_floor && n > CL_SCHED_MIP_COLS) {
        k->unproven = true;
    } else if (sp > sp_floor) {
        clp_mip_clear_obj(m);
        nn = 0;
        for (int j = 0; j < g->n_clients * CL_NDAYS; j++)
            if (g->acol[j] >= 0) {
                clp_mip_set_obj(m, g->acol[j], 1);
                cols[nn] = g->acol[j];
                vals[nn++] = 1;
            }
        start_from(k, g, start, true);
        p.time_limit_s = fmax(0.2, t_end - clp_now());
        if ((rc = clp_mip_solve(m, &p, start, &r)) != CL_OK)
            goto done;
        k->limited |= r.status != CLP_MIP_OPTIMAL;
        if (r.status == CLP_MIP_OPTIMAL || r.status == CLP_MIP_TIME_LIMIT)
            read_solution(k, g);
    }
    /* Level 3: travel, by local moves that keep levels 1 and 2. */
    rc = clp_sched_travel(k, g);
done:
    clp_mip_truncate_rows(m, base_rows);
    free(start);
    free(cols);
    free(vals);
    return rc;
}

/* ---- routes ---- */

typedef struct stop {
    int o;   /* option */
    int z;   /* zone */
    int len; /* visit minutes */
} stop;

/* Orders stops (solo visits of one staff-day) from zone pos to base, visiting each zone as one block: exact
 * over the orders of the zones (Held-Karp); within a zone, by client index. Writes the order to out and
 * returns the travel. */
static int order_stops(const ctx *k, const stop *st, int n, int pos, int base, int *out)
{
    int zl[64], nzl = 0;
    for (int i = 0; i < n; i++) {
        bool have = false;
        for (int q = 0; q < nzl; q++)
            have |= zl[q] == st[i].z;
        if (!have && nzl < 64)
            zl[nzl++] = st[i].z;
    }
    int travel = 0;
    int order[64];
    if (nzl <= 12) {
        size_t full = (size_t)1 << nzl;
        int *dp = malloc(full * (size_t)(nzl ? nzl : 1) * sizeof *dp);
        int *par = malloc(full * (size_t)(nzl ? nzl : 1) * sizeof *par);
        if (dp && par && nzl > 0) {
            for (size_t mask = 0; mask < full; mask++)
                for (int e = 0; e < nzl; e++)
                    dp[mask * (size_t)nzl + (size_t)e] = INT32_MAX / 4;
            for (int e = 0; e < nzl; e++) {
                dp[((size_t)1 << e) * (size_t)nzl + (size_t)e] = clp_sched_tr(k, pos, zl[e]);
                par[((size_t)1 << e) * (size_t)nzl + (size_t)e] = -1;
            }
            for (size_t mask = 1; mask < full; mask++)
                for (int e = 0; e < nzl; e++) {
                    int cur = dp[mask * (size_t)nzl + (size_t)e];
                    if (!(mask >> e & 1u) || cur >= INT32_MAX / 4)
                        continue;
                    for (int f = 0; f < nzl; f++) {
                        if (mask >> f & 1u)
                            continue;
                        size_t nm = mask | ((size_t)1 << f);
                        int v = cur + clp_sched_tr(k, zl[e], zl[f]);
                        if (v < dp[nm * (size_t)nzl + (size_t)f]) {
                            dp[nm * (size_t)nzl + (size_t)f] = v;
                            par[nm * (size_t)nzl + (size_t)f] = e;
                        }
                    }
                }
            int best = INT32_MAX, be = 0;
            for (int e = 0; e < nzl; e++) {
                int v = dp[(full - 1) * (size_t)nzl + (size_t)e] + clp_sched_tr(k, zl[e], base);
                if (v < best) {
                    best = v;
                    be = e;
                }
            }
            size_t mask = full - 1;
            for (int q = nzl - 1; q >= 0; q--) {
                order[q] = be;
                int pe = par[mask * (size_t)nzl + (size_t)be];
                mask &= ~((size_t)1 << be);
                be = pe;
            }
        } else {
            for (int q = 0; q < nzl; q++)
                order[q] = q;
        }
        free(dp);
        free(par);
    } else {
        for (int q = 0; q < nzl; q++)
            order[q] = q;
    }
    int nout = 0, at = pos;
    for (int q = 0; q < nzl; q++) {
        int z = zl[order[q]];
        for (int i = 0; i < n; i++)
            if (st[i].z == z) {
                travel += clp_sched_tr(k, at, z);
                at = z;
                out[nout++] = i;
            }
    }
    travel += clp_sched_tr(k, at, base);
    return travel;
}

/* Sequences every staff-day of component g on day d. Sets op->start; marks bad[j] for staff-days that do not
 * fit. Returns 0 or CL_ENOMEM. */
static int sequence_day(ctx *k, comp *g, int d, bool *bad)
{
    const cl_instance *inst = k->inst;
    int ns = g->n_sd;
    int *pos = malloc(((size_t)ns + 1) * sizeof *pos);
    int *t = malloc(((size_t)ns + 1) * sizeof *t);
    int *jl = malloc(((size_t)k->n_opt + 1) * sizeof *jl);
    stop *st = malloc(((size_t)k->n_opt + 1) * sizeof *st);
    int *ord = malloc(((size_t)k->n_opt + 1) * sizeof *ord);
    if (!pos || !t || !jl || !st || !ord) {
        free(pos), free(t), free(jl), free(st), free(ord);
        return CL_ENOMEM;
    }
    for (int j = 0; j < ns; j++) {
        pos[j] = inst->staff[g->sd_staff[j]].zone;
        t[j] = inst->day_start_min;
    }
    /* Joint visits first, each at the earliest time both can be there. */
    int nj = 0;
    for (int i = 0; i < g->n_clients; i++) {
        int c = g->clients[i];
        for (int o = k->first[c]; o < k->first[c + 1]; o++)
            if (k->opt[o].chosen && k->opt[o].joint && k->opt[o].d == d)
                jl[nj++] = o;
    }
    while (nj > 0) {
        int bi = -1, bstart = 0;
        for (int q = 0; q < nj; q++) {
            option *op = &k->opt[jl[q]];
            int z = clp_sched_zone(k, op->c);
            int a = k->sd_index[op->s * CL_NDAYS + d], b = k->sd_index[clp_sched_peer(k, op->c) * CL_NDAYS + d];
            int ta = t[a] + clp_sched_tr(k, pos[a], z), tb = t[b] + clp_sched_tr(k, pos[b], z);
            int s0 = ta > tb ? ta : tb;
            if (bi < 0 || s0 < bstart) {
                bi = q;
                bstart = s0;
            }
        }
        option *op = &k->opt[jl[bi]];
        int z = clp_sched_zone(k, op->c);
        int a = k->sd_index[op->s * CL_NDAYS + d], b = k->sd_index[clp_sched_peer(k, op->c) * CL_NDAYS + d];
        op->start = bstart;
        t[a] = t[b] = bstart + inst->clients[op->c].visit_minutes;
        pos[a] = pos[b] = z;
        jl[bi] = jl[--nj];
    }
    /* Then each staff member's own visits, in the best order back to base. */
    for (int j = 0; j < ns; j++) {
        if (g->sd_day[j] != d)
            continue;
        int s = g->sd_staff[j], n = 0;
        for (int i = 0; i < g->n_clients; i++) {
            int c = g->clients[i];
            for (int o = k->first[c]; o < k->first[c + 1]; o++) {
                option *op = &k->opt[o];
                if (op->chosen && !op->joint && op->d == d && op->s == s)
                    st[n++] = (stop){.o = o, .z = clp_sched_zone(k, c), .len = inst->clients[c].visit_minutes};
            }
        }
        int base = inst->staff[s].zone;
        int travel = order_stops(k, st, n, pos[j], base, ord);
        int at = pos[j], now = t[j];
        for (int q = 0; q < n; q++) {
            const stop *x = &st[ord[q]];
            now += clp_sched_tr(k, at, x->z);
            k->opt[x->o].start = now;
            now += x->len;
            at = x->z;
        }
        (void)travel;
        int end = now + clp_sched_tr(k, at, base);
        bad[j] = end - inst->day_start_min > inst->staff[s].minutes[d];
    }
    free(pos), free(t), free(jl), free(st), free(ord);
    return CL_OK;
}

/* Counts the chosen visits (own and joint as peer) of staff-day j. */
static int sd_count(ctx *k, comp *g, int j)
{
    int s = g->sd_staff[j], d = g->sd_day[j], n = 0;
    for (int i = 0; i < g->n_clients; i++) {
        int c = g->clients[i];
        for (int o = k->first[c]; o < k->first[c + 1]; o++) {
            option *op = &k->opt[o];
            if (op->chosen && op->d == d && (op->s == s || (op->joint && clp_sched_peer(k, c) == s)))
                n++;
        }
    }
    return n;
}

/* Adds or tightens the cut "at most n visits" on staff-day j. */
static int add_cut(ctx *k, comp *g, int j, int n)
{
    int s = g->sd_staff[j], d = g->sd_day[j];
    int cap = 16, nn = 0;
    int *cols = malloc((size_t)cap * sizeof *cols);
    double *vals = malloc((size_t)cap * sizeof *vals);
    int rc = CL_ENOMEM;
    if (!cols || !vals)
        goto done;
    for (int i = 0; i < g->n_clients; i++) {
        int c = g->clients[i];
        for (int o = k->first[c]; o < k->first[c + 1]; o++) {
            option *op = &k->opt[o];
            if (op->d != d)
                continue;
            int col = op->s == s ? op->x : (op->y >= 0 && clp_sched_peer(k, c) == s) ? op->y : -1;
            if (col < 0)
                continue;
            if (nn == cap) {
                cap *= 2;
                int *nc = realloc(cols, (size_t)cap * sizeof *cols);
                double *nv = realloc(vals, (size_t)cap * sizeof *vals);
                if (nc)
                    cols = nc;
                if (nv)
                    vals = nv;
                if (!nc || !nv)
                    goto done;
            }
            cols[nn] = col;
            vals[nn++] = 1;
        }
    }
    if (g->cut_rows[j] >= 0) {
        clp_mip_set_row_bounds(g->mip, g->cut_rows[j], -HUGE_VAL, n);
    } else {
        g->cut_rows[j] = clp_mip_add_row(g->mip, cols, vals, nn, -HUGE_VAL, n);
        if (g->cut_rows[j] < 0)
            goto done;
    }
    g->cut_max[j] = n;
    rc = CL_OK;
done:
    free(cols);
    free(vals);
    return rc;
}

/* Last resort: drops every visit of the clients seen on staff-day j (keeps every rule). */
static void drop_day(ctx *k, comp *g, int j)
{
    int s = g->sd_staff[j], d = g->sd_day[j];
    for (int i = 0; i < g->n_clients; i++) {
        int c = g->clients[i];
        bool hit = false;
        for (int o = k->first[c]; o < k->first[c + 1]; o++) {
            option *op = &k->opt[o];
            hit |= op->chosen && op->d == d && (op->s == s || (op->joint && clp_sched_peer(k, c) == s));
        }
        if (!hit)
            continue;
        for (int o = k->first[c]; o < k->first[c + 1]; o++) {
            k->opt[o].chosen = k->opt[o].joint = false;
            k->opt[o].dropped = true;
        }
        break; /* one client at a time */
    }
}

static int solve_component(ctx *k, comp *g, double budget_s)
{
    int rc = build_mip(k, g);
    if (rc != CL_OK)
        return rc;
    double t_end = clp_now() + budget_s;
    bool *bad = malloc(((size_t)g->n_sd + 1) * sizeof *bad);
    if (bad == NULL)
        return CL_ENOMEM;
    bool resolve = true;
    for (int iter = 0;; iter++) {
        if (resolve && (rc = solve_levels(k, g, fmax(0.3, t_end - clp_now()))) != CL_OK)
            break;
        memset(bad, 0, (size_t)g->n_sd * sizeof *bad);
        for (int d = 0; d < CL_NDAYS; d++)
            if ((rc = sequence_day(k, g, d, bad)) != CL_OK)
                goto done;
        bool any = false;
        for (int j = 0; j < g->n_sd; j++)
            any |= bad[j];
        if (!any)
            break;
        /* Too many rounds or out of time: repair by dropping, which always ends. */
        resolve = iter < 40 && clp_now() < k->t0 + k->opts->time_limit_s;
        for (int j = 0; j < g->n_sd; j++) {
            if (!bad[j])
                continue;
            if (resolve) {
                if ((rc = add_cut(k, g, j, sd_count(k, g, j) - 1)) != CL_OK)
                    goto done;
            } else {
                drop_day(k, g, j);
            }
        }
    }
done:
    free(bad);
    return rc;
}

/* ---- shortfall reasons ---- */

static void days_text(char *buf, size_t sz, unsigned mask)
{
    buf[0] = '\0';
    size_t n = 0;
    for (int d = 0; d < CL_NDAYS; d++)
        if (mask >> d & 1u)
            n += (size_t)snprintf(buf + n, n < sz ? sz - n : 0, "%s%s", n ? ", " : "", cl_day_names[d]);
    if (n == 0)
        snprintf(buf, sz, "none");
}

static void shortfall_reason(ctx *k, int c, unsigned visited, char *buf, size_t sz)
{
    const cl_instance *inst = k->inst;
    const cl_client *cl = &inst->clients[c];
    int m = k->a->manager[c], p = clp_sched_peer(k, c), q = k->quota[c];
    const char *mid = inst->staff[m].id;
    unsigned cd = clp_client_days(inst, c), md = clp_staff_workdays(inst, m);
    unsigned poss = clp_possible_days(inst, c, m, p);
    char dc[64], dm[64], dp[64], dv[64];
    days_text(dc, sizeof dc, cd);
    days_text(dm, sizeof dm, md);
    if (cd == 0) {
        snprintf(buf, sz, "none of the client's days falls in this week");
        return;
    }
    bool team = cl->program == CL_BLENDED && inst->staff[m].team >= 0;
    if ((cd & md) == 0 && poss == 0 && p < 0) {
        if (team)
            snprintf(buf, sz, "manager %s works none of the client's days (%s) and no member of team %s does", mid, dc,
                     inst->teams[inst->staff[m].team].id);
        else
            snprintf(buf, sz,
                     "manager %s works none of the client's days (%s; works %s) and no eligible %s manager who "
                     "speaks the client's language does",
                     mid, dc, dm, cl_program_names[cl->program]);
        return;
    }
    if (p >= 0 && poss == 0) {
        days_text(dp, sizeof dp, clp_staff_workdays(inst, p));
        snprintf(buf, sz,
                 "a joint visit with peer %s is needed, but on the client's days (%s) manager %s (works %s) and "
                 "peer %s (works %s) share no working day",
                 inst->staff[p].id, dc, mid, dm, inst->staff[p].id, dp);
        return;
    }
    int np = 0;
    for (unsigned x = poss; x; x &= x - 1)
        np++;
    days_text(dv, sizeof dv, poss);
    if (np < q) {
        if (team)
            snprintf(buf, sz, "only %d of the client's days (%s) are working days of team %s (%s), %d visits needed",
                     np, dc, inst->teams[inst->staff[m].team].id, dv, q);
        else if ((cd & md) == 0)
            snprintf(buf, sz,
                     "manager %s works none of the client's days (%s); covering managers work only %s, %d visits "
                     "needed",
                     mid, dc, dv, q);
        else
            snprintf(buf, sz,
                     "only %d of the client's days (%s) are working days of manager %s (works %s), %d "
                     "visits needed",
                     np, dc, mid, dm, q);
        return;
    }
    int own = clp_sched_bits(cd & md), need = (int)ceil(inst->policy.blended_primary_share * q - 1e-9);
    if (team && (cd & md) != 0 && own < need) {
        days_text(dv, sizeof dv, cd & md);
        snprintf(buf, sz,
                 "manager %s works only %d of the client's days (%s), but at least %d of %d visits must be by the "
                 "manager (blended_primary_share %g)",
                 mid, own, dv, need, q, inst->policy.blended_primary_share);
        return;
    }
    days_text(dv, sizeof dv, poss & ~visited);
    if (p >= 0)
        snprintf(buf, sz, "manager %s and peer %s have no free time left on the client's days they can meet it (%s)",
                 mid, inst->staff[p].id, dv);
    else if (team)
        snprintf(buf, sz, "manager %s and team %s have no free time left on the client's days (%s)", mid,
                 inst->teams[inst->staff[m].team].id, dv);
    else if ((cd & md) == 0)
        snprintf(buf, sz,
                 "manager %s works none of the client's days; the covering managers have no free time on "
                 "%s",
                 mid, dv);
    else
        snprintf(buf, sz, "manager %s has no free time left on the client's days it works (%s)", mid, dv);
}

/* ---- the whole week ---- */

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

int cl_schedule_solve(cl_schedule **out, const cl_instance *inst, const cl_assignment *a, const cl_schedule_opts *opts,
                      cl_error *err)
{
    cl_schedule_opts defaults;
    if (opts == NULL) {
        cl_schedule_opts_init(&defaults);
        opts = &defaults;
    }
    if (!(opts->time_limit_s > 0) || !(opts->gap >= 0 && opts->gap <= 1))
        return cl_error_set(err, CL_EUSAGE, "opts", "time_limit_s must be positive and gap within 0..1");
    if (a == NULL || a->n_clients != inst->n_clients)
        return cl_error_set(err, CL_EUSAGE, "assignment", "the assignment does not match the instance's clients");
    double wall0 = clp_wall();
    ctx k = {.inst = inst, .a = a, .opts = opts, .t0 = clp_now()};
    cl_schedule *s = NULL;
    int rc = CL_ENOMEM;
    int *order = NULL, *cstart = NULL;
    comp g = {0};
    k.quota = calloc((size_t)inst->n_clients + 1, sizeof *k.quota);
    k.comp = malloc(((size_t)inst->n_staff + 1) * sizeof *k.comp);
    k.sd_index = malloc(((size_t)inst->n_staff * CL_NDAYS + 1) * sizeof *k.sd_index);
    if (!k.quota || !k.comp || !k.sd_index)
        goto done;
    for (int c = 0; c < inst->n_clients; c++)
        k.quota[c] = a->manager[c] >= 0 ? cl_weekly_quota(inst, c) : 0;
    if ((rc = build_options(&k)) != CL_OK)
        goto done;
    /* Groups of staff that share clients: a client's visitors, its manager and its peer. */
    for (int st = 0; st < inst->n_staff; st++)
        k.comp[st] = st;
    for (int o = 0; o < k.n_opt; o++) {
        unite(k.comp, k.opt[o].s, a->manager[k.opt[o].c]);
        if (k.opt[o].joint_ok)
            unite(k.comp, k.opt[o].s, clp_sched_peer(&k, k.opt[o].c));
    }
    for (int i = 0; i < inst->n_staff * CL_NDAYS; i++)
        k.sd_index[i] = -1;
    /* Clients by group: sort (root, client). */
    order = malloc(((size_t)inst->n_clients + 1) * 2 * sizeof *order);
    cstart = malloc(((size_t)inst->n_clients + 1) * sizeof *cstart);
    rc = CL_ENOMEM;
    if (!order || !cstart)
        goto done;
    int nc = 0;
    for (int c = 0; c < inst->n_clients; c++)
        if (k.first[c + 1] > k.first[c]) {
            order[2 * nc] = find(k.comp, a->manager[c]);
            order[2 * nc + 1] = c;
            nc++;
        }
    qsort(order, (size_t)nc, 2 * sizeof *order, cmp_int); /* by root; stable enough: ties broken below */
    /* qsort on pairs compares only the root; restore client order inside each group. */
    for (int i = 0; i < nc;) {
        int j = i;
        while (j < nc && order[2 * j] == order[2 * i])
            j++;
        for (int x = i; x < j; x++)
            cstart[x - i] = order[2 * x + 1];
        qsort(cstart, (size_t)(j - i), sizeof *cstart, cmp_int);
        for (int x = i; x < j; x++)
            order[2 * x + 1] = cstart[x - i];
        i = j;
    }
    int total_opt = k.n_opt, done_opt = 0;
    g.clients = malloc(((size_t)nc + 1) * sizeof *g.clients);
    g.sd_staff = malloc(((size_t)inst->n_staff * CL_NDAYS + 1) * sizeof *g.sd_staff);
    g.sd_day = malloc(((size_t)inst->n_staff * CL_NDAYS + 1) * sizeof *g.sd_day);
    if (!g.clients || !g.sd_staff || !g.sd_day)
        goto done;
    for (int i = 0; i < nc;) {
        int j = i, nopt = 0;
        g.n_clients = 0;
        g.n_sd = 0;
        while (j < nc && order[2 * j] == order[2 * i]) {
            int c = order[2 * j + 1];
            g.clients[g.n_clients++] = c;
            nopt += k.first[c + 1] - k.first[c];
            j++;
        }
        double left = opts->time_limit_s - (clp_now() - k.t0);
        double share = total_opt > done_opt ? (double)nopt / (total_opt - done_opt) : 1;
        /* Most groups finish at once (the greedy choice is optimal); a hard one may take up to a quarter of
         * what is left (at most 10 s) even when it is small. */
        rc = solve_component(&k, &g, fmax(0.5, fmax(left * share, fmin(left * 0.25, 10.0))));
        for (int x = 0; x < g.n_sd; x++)
            k.sd_index[g.sd_staff[x] * CL_NDAYS + g.sd_day[x]] = -1;
        clp_mip_free(g.mip);
        free(g.wcol);
        free(g.acol);
        free(g.cut_rows);
        free(g.cut_max);
        g.mip = NULL;
        g.wcol = g.acol = g.cut_rows = g.cut_max = NULL;
        if (rc != CL_OK)
            goto done;
        done_opt += nopt;
        i = j;
    }
    /* The record. */
    rc = CL_ENOMEM;
    s = cl_schedule_new(inst, a->manager, a->peer);
    if (s == NULL)
        goto done;
    for (int c = 0; c < inst->n_clients; c++) {
        int p = clp_sched_peer(&k, c);
        unsigned visited = 0;
        int got = 0;
        for (int o = k.first[c]; o < k.first[c + 1]; o++) {
            const option *op = &k.opt[o];
            if (!op->chosen)
                continue;
            int z = clp_sched_zone(&k, c);
            cl_visit v = {.client = c,
                          .staff = op->s,
                          .day = op->d,
                          .start_min = op->start,
                          .end_min = op->start + inst->clients[c].visit_minutes,
                          .zone = z,
                          .joint_with = op->joint ? p : CL_NONE,
                          .covering_for = op->cover ? a->manager[c] : CL_NONE};
            if (cl_schedule_add_visit(s, &v) != CL_OK)
                goto done;
            if (op->joint) {
                cl_visit w = v;
                w.staff = p;
                w.joint_with = op->s;
                w.covering_for = CL_NONE;
                if (cl_schedule_add_visit(s, &w) != CL_OK)
                    goto done;
            }
            visited |= 1u << op->d;
            got++;
        }
        if (a->manager[c] >= 0 && got < k.quota[c]) {
            char why[512];
            shortfall_reason(&k, c, visited, why, sizeof why);
            if (cl_schedule_add_shortfall(s, c, why) != CL_OK)
                goto done;
        }
    }
    double left = opts->time_limit_s - (clp_now() - k.t0);
    if ((rc = clp_on_call_solve(s, inst, fmax(1.0, left))) != CL_OK)
        goto done;
    rc = CL_ENOMEM;
    if (cl_schedule_finish(s, inst) != CL_OK)
        goto done;
    clp_schedule_set_solve_info(s, clp_wall() - wall0,
                                k.limited    ? CL_SCHED_TIME_LIMIT
                                : k.unproven ? CL_SCHED_FEASIBLE
                                             : CL_SCHED_OPTIMAL);
    *out = s;
    s = NULL;
    rc = CL_OK;
done:
    if (rc == CL_ENOMEM)
        cl_error_set(err, rc, "schedule", "out of memory");
    else if (rc != CL_OK)
        cl_error_set(err, rc, "schedule", "the solver failed");
    cl_schedule_free(s);
    free(g.clients);
    free(g.sd_staff);
    free(g.sd_day);
    free(order);
    free(cstart);
    free(k.quota);
    free(k.comp);
    free(k.sd_index);
    free(k.opt);
    free(k.first);
    free(k.vis);
    free(k.vis_days);
    free(k.vis_cover);
    return rc;
}
