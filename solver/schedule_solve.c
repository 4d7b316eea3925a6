/* schedule_solve.c: planning the week (SPEC §6), per group of staff that share clients (a manager alone, a
 * Blended team, the adult-home managers and peers together), on one day-assignment MIP whose staff-days are
 * routes (integer legs between the day's zones and base, connected; exact travel for any travel matrix):
 *   1. which visits on which day by whom: a greedy choice (tightest clients first, then a repair that moves
 *      one visit to make room) that keeps every row of the MIP; when it falls short of what the days alone
 *      allow (level 1, shortfall) or of the spread floor (level 2), GLPK improves on it from that start, each
 *      level optimal given the one before;
 *   2. level 3 (travel) and level 4 (latest end): local moves of single visits and of a zone's visits that keep
 *      levels 1 and 2, then, for groups of up to CL_SCHED_ROUTE_COLS columns, GLPK within a share of work;
 *   3. the times of each staff-day along its route (the MIP's legs, or each zone's visits in one block in the
 *      best order of zones), joint visits starting when both have arrived; joint visits first as a fallback;
 *   4. a staff-day that does not fit gets a cut ("one visit fewer") and the group is planned again; after
 *      40 rounds or at the time limit, visits are dropped client by client until every day fits.
 * What is proven is reported per level (cl_schedule_unproven). */
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

/* Can staff s and peer p see client c together on day d at all: from their bases, the visit starting when the
 * later of them can have arrived, each back home within the day's minutes? Arrivals and returns by the
 * shortest paths between zones (k->shortest), which no route beats whatever the travel matrix. */
static bool joint_fits(const ctx *k, int c, int s, int p, int d)
{
    const cl_instance *inst = k->inst;
    int nz = inst->n_zones, z = inst->clients[c].zone, bs = inst->staff[s].zone, bp = inst->staff[p].zone;
    if (k->shortest == NULL || z < 0 || bs < 0 || bp < 0)
        return true;
    int ts = k->shortest[bs * nz + z], tp = k->shortest[bp * nz + z];
    int end = (ts > tp ? ts : tp) + inst->clients[c].visit_minutes;
    return end + k->shortest[z * nz + bs] <= inst->staff[s].minutes[d] &&
           end + k->shortest[z * nz + bp] <= inst->staff[p].minutes[d];
}

/* Shortest travel between every two zones (Floyd-Warshall) into k->shortest; left NULL beyond 300 zones. */
static int shortest_paths(ctx *k)
{
    int nz = k->inst->n_zones;
    if (nz == 0 || nz > 300)
        return CL_OK;
    k->shortest = malloc((size_t)nz * (size_t)nz * sizeof *k->shortest);
    if (k->shortest == NULL)
        return CL_ENOMEM;
    for (int a = 0; a < nz; a++)
        for (int b = 0; b < nz; b++)
            k->shortest[a * nz + b] = clp_sched_tr(k, a, b);
    for (int m = 0; m < nz; m++)
        for (int a = 0; a < nz; a++)
            for (int b = 0; b < nz; b++) {
                int via = k->shortest[a * nz + m] + k->shortest[m * nz + b];
                if (via < k->shortest[a * nz + b])
                    k->shortest[a * nz + b] = via;
            }
    return CL_OK;
}

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
                o->joint_ok = p >= 0 && (pd >> d & 1u) && joint_fits(k, c, s, p, d);
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

static int *leg_at(const comp *g, int j, int a, int b)
{
    return &g->leg[((size_t)j * (size_t)(g->nz + 1) + (size_t)a) * (size_t)(g->nz + 1) + (size_t)b];
}

/* Travel of the leg from a to b of staff member s (index nz: its base). */
static int leg_cost(const ctx *k, const comp *g, int s, int a, int b)
{
    int base = k->inst->staff[s].zone;
    return clp_sched_tr(k, a == g->nz ? base : a, b == g->nz ? base : b);
}

/* The zones staff-day j may visit (those with a zone-used column), into zl; returns their number. */
static int day_zones(const comp *g, int j, int *zl)
{
    int n = 0;
    for (int z = 0; z < g->nz; z++)
        if (g->wcol[j * g->nz + z] >= 0)
            zl[n++] = z;
    return n;
}

/* The rows "the zones in S (a mask over zl) are entered from outside once one of them is used", one per zone
 * of S. */
static int add_subset_rows(comp *g, int j, const int *zl, int n, unsigned S, int *cols, double *vals)
{
    for (int a = 0; a < n; a++) {
        if (!(S >> a & 1u))
            continue;
        int nn = 0;
        for (int p = 0; p <= n; p++) {
            if (p < n && (S >> p & 1u))
                continue;
            for (int q = 0; q < n; q++)
                if (S >> q & 1u) {
                    cols[nn] = *leg_at(g, j, p < n ? zl[p] : g->nz, zl[q]);
                    vals[nn++] = 1;
                }
        }
        cols[nn] = g->wcol[j * g->nz + zl[a]];
        vals[nn++] = -1;
        if (clp_mip_add_row(g->mip, cols, vals, nn, 0, HUGE_VAL) < 0)
            return CL_ENOMEM;
    }
    return CL_OK;
}

/* Builds the MIP of component g (its clients' options). */
static int build_mip(ctx *k, comp *g)
{
    const cl_instance *inst = k->inst;
    int nz = clp_sched_nz(k);
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
    size_t nlegs = (size_t)g->n_sd * (size_t)(nz + 1) * (size_t)(nz + 1);
    g->leg = malloc((nlegs + 1) * sizeof *g->leg);
    g->ucol = malloc(((size_t)g->n_sd + 1) * sizeof *g->ucol);
    int *zl = malloc(((size_t)nz + 1) * sizeof *zl);
    int *vc = malloc(((size_t)g->n_opt + 1) * sizeof *vc), *vz = malloc(((size_t)g->n_opt + 1) * sizeof *vz);

    int cap = 64;
    int *cols = malloc((size_t)cap * sizeof *cols);
    double *vals = malloc((size_t)cap * sizeof *vals);
    int rc = CL_ENOMEM;
    if (!g->wcol || !g->acol || !g->cut_rows || !g->cut_max || !g->leg || !g->ucol || !zl || !vc || !vz || !cols ||
        !vals)
        goto done;
    for (size_t i = 0; i < nlegs; i++)
        g->leg[i] = -1;
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
    /* Per staff-day: its route and its minutes. The route is a walk from base through the visits and back:
     * integer leg columns between its zones and base, each visit's zone entered and left once per visit,
     * base left and entered once when the day is used, and every set of zones without base entered from
     * outside when one of them is used (so the walk is connected). Its travel is exact for any travel matrix. */
    for (int j = 0; j < g->n_sd; j++) {
        int s = g->sd_staff[j], d = g->sd_day[j];
        int nzl = inst->n_zones > 0 ? day_zones(g, j, zl) : 0, nv = 0;
        ROOM(2 * (nzl + 1) * (nzl + 1) + 8);
        g->ucol[j] = clp_mip_add_col(m, 0, 1, true);
        for (int p = 0; p <= nzl; p++)
            for (int q = 0; q <= nzl; q++)
                if (p < nzl || q < nzl)
                    *leg_at(g, j, p < nzl ? zl[p] : nz, q < nzl ? zl[q] : nz) =
                        clp_mip_add_col(m, 0, p < nzl && q < nzl ? HUGE_VAL : 1, true);
        /* The day's visits: columns vc, clients vz. */
        for (int i = 0; i < g->n_clients; i++) {
            int c = g->clients[i];
            for (int o = k->first[c]; o < k->first[c + 1]; o++) {
                option *op = &k->opt[o];
                if (op->d != d)
                    continue;
                int col = op->s == s ? op->x : (op->joint_ok && clp_sched_peer(k, c) == s) ? op->y : -1;
                if (col >= 0) {
                    vc[nv] = col;
                    vz[nv++] = c;
                }
            }
        }
        ROOM(nv + 2 * (nzl + 1) * (nzl + 1) + 8);
        bool ok = true;
        for (int v = 0; v < nv && ok; v++) {
            int z = clp_sched_zone(k, vz[v]);
            if (z >= 0) {
                int cc[2] = {g->wcol[j * nz + z], vc[v]};
                double vv[2] = {1, -1};
                ok = clp_mip_add_row(m, cc, vv, 2, 0, HUGE_VAL) >= 0;
            }
        }
        for (int a2 = nzl > 0 ? 0 : 1; a2 <= nzl && ok; a2++) { /* no zones: u is free */
            int za = a2 < nzl ? zl[a2] : nz;
            for (int dir = 0; dir < 2 && ok; dir++) { /* into a2, out of a2 */
                int nn = 0;
                for (int b2 = 0; b2 <= nzl; b2++) {
                    int zb = b2 < nzl ? zl[b2] : nz, col = dir == 0 ? *leg_at(g, j, zb, za) : *leg_at(g, j, za, zb);
                    if (col >= 0) {
                        cols[nn] = col;
                        vals[nn++] = 1;
                    }
                }
                if (a2 == nzl) {
                    cols[nn] = g->ucol[j];
                    vals[nn++] = -1;
                } else {
                    for (int v = 0; v < nv; v++)
                        if (clp_sched_zone(k, vz[v]) == za) {
                            cols[nn] = vc[v];
                            vals[nn++] = -1;
                        }
                }
                ok = clp_mip_add_row(m, cols, vals, nn, 0, 0) >= 0;
            }
            if (a2 < nzl && ok) {
                int cc[2] = {g->ucol[j], g->wcol[j * nz + za]};
                double vv[2] = {1, -1};
                ok = clp_mip_add_row(m, cc, vv, 2, 0, HUGE_VAL) >= 0;
            }
        }
        if (nzl > 0 && nzl <= CL_SCHED_SUBSET_ZONES)
            for (unsigned S = 1; S + 1 < 1u << nzl && ok; S++)
                ok = add_subset_rows(g, j, zl, nzl, S, cols, vals) == CL_OK;
        /* Minutes: visits and legs within the day; the latest end is at least the day's end. */
        int nn = 0;
        for (int v = 0; v < nv && ok; v++) {
            cols[nn] = vc[v];
            vals[nn++] = inst->clients[vz[v]].visit_minutes;
        }
        for (int p = 0; p <= nzl; p++)
            for (int q = 0; q <= nzl; q++) {
                int za = p < nzl ? zl[p] : nz, zb = q < nzl ? zl[q] : nz;
                if (*leg_at(g, j, za, zb) >= 0) {
                    cols[nn] = *leg_at(g, j, za, zb);
                    vals[nn++] = leg_cost(k, g, s, za, zb);
                }
            }
        /* Within the day's minutes, and none on a day not used (which the LP bound needs: a staff member
         * whose visits take two days' minutes leaves base on two days). */
        cols[nn] = g->ucol[j];
        vals[nn] = -inst->staff[s].minutes[d];
        if (!ok || clp_mip_add_row(m, cols, vals, nn + 1, -HUGE_VAL, 0) < 0)
            goto done;
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
    free(zl);
    free(vc);
    free(vz);
    free(cols);
    free(vals);
    return rc;
}

/* Fills a feasible start (every dependent column computed from the chosen x and y): each staff-day's route
 * visits its zones in one block each, in the best order of zones, as the heuristics count it. */
static int start_from(ctx *k, comp *g, double *x)
{
    const cl_instance *inst = k->inst;
    int n = clp_mip_ncols(g->mip), nz = g->nz;
    memset(x, 0, (size_t)n * sizeof *x);
    double *load = calloc((size_t)g->n_sd + 1, sizeof *load);
    int *cnt = calloc((size_t)g->n_sd * (size_t)nz + 1, sizeof *cnt);
    int *order = malloc(((size_t)nz + 1) * sizeof *order);
    if (!load || !cnt || !order) {
        free(load), free(cnt), free(order);
        return CL_ENOMEM;
    }
    for (int i = 0; i < g->n_clients; i++) {
        int c = g->clients[i], z = clp_sched_zone(k, c);
        for (int o = k->first[c]; o < k->first[c + 1]; o++) {
            option *op = &k->opt[o];
            if (!op->chosen)
                continue;
            x[op->x] = 1;
            for (int side = 0; side < 1 + op->joint; side++) {
                int j = k->sd_index[(side ? clp_sched_peer(k, c) : op->s) * CL_NDAYS + op->d];
                if (side)
                    x[op->y] = 1;
                load[j] += inst->clients[c].visit_minutes;
                if (z >= 0) {
                    x[g->wcol[j * nz + z]] = 1;
                    cnt[j * nz + z]++;
                }
            }
        }
        for (int d = 0; d + 1 < CL_NDAYS; d++) {
            int a = g->acol[i * CL_NDAYS + d];
            if (a < 0)
                continue;
            int on = 0;
            for (int o = k->first[c]; o < k->first[c + 1]; o++)
                if (k->opt[o].chosen && (k->opt[o].d == d || k->opt[o].d == d + 1))
                    on++;
            x[a] = on > 1 ? on - 1 : 0;
        }
    }
    double L = inst->day_start_min;
    for (int j = 0; j < g->n_sd; j++) {
        int nused = 0, s = g->sd_staff[j];
        if (inst->n_zones > 0) {
            load[j] += clp_sched_route(k, s, cnt + (size_t)j * (size_t)nz, order, &nused);
            for (int q = 0; q < nused; q++) {
                int z = order[q];
                x[*leg_at(g, j, q == 0 ? nz : order[q - 1], z)] += 1;
                x[*leg_at(g, j, z, z)] += cnt[j * nz + z] - 1;
            }
            if (nused > 0)
                x[*leg_at(g, j, order[nused - 1], nz)] += 1;
        }
        x[g->ucol[j]] = nused > 0 || load[j] > 0;
        L = fmax(L, inst->day_start_min + load[j]);
    }
    x[g->L] = L;
    free(load), free(cnt), free(order);
    return CL_OK;
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

static int solve_levels(ctx *k, comp *g, double budget_s, double route_s)
{
    const cl_instance *inst = k->inst;
    clp_mip *m = g->mip;
    int n = clp_mip_ncols(m);
    int base_rows = clp_mip_nrows(m);
    double *start = malloc(((size_t)n + 1) * sizeof *start);
    int *cols = malloc(((size_t)n + 1) * sizeof *cols), *days = malloc(((size_t)g->n_sd + 1) * sizeof *days);
    double *vals = malloc(((size_t)n + 1) * sizeof *vals);
    int rc = CL_ENOMEM;
    if (!start || !cols || !days || !vals)
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
        if ((rc = start_from(k, g, start)) != CL_OK)
            goto done;
        p.time_limit_s = fmax(0.2, (t_end - clp_now()) * 0.4);
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
    /* Level 2: spread, when the choice is above its floor: local moves first, then GLPK, whose bound closes on
     * whole pairs. */
    int sp, sp_floor;
    clp_sched_spread(k, g, &sp, &sp_floor);
    if (sp > sp_floor && (rc = clp_sched_spread_moves(k, g)) != CL_OK)
        goto done;
    rc = CL_ENOMEM;
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
        if ((rc = start_from(k, g, start)) != CL_OK)
            goto done;
        p.time_limit_s = fmax(0.2, (t_end - clp_now()) * 0.4);
        p.abs_gap = 0.999;
        if ((rc = clp_mip_solve(m, &p, start, &r)) != CL_OK)
            goto done;
        p.abs_gap = 0;
        k->limited |= r.status != CLP_MIP_OPTIMAL;
        if (r.status == CLP_MIP_OPTIMAL || r.status == CLP_MIP_TIME_LIMIT)
            read_solution(k, g);
        clp_sched_spread(k, g, &sp, &sp_floor);
    }
    nn = 0;
    for (int j = 0; j < g->n_clients * CL_NDAYS; j++)
        if (g->acol[j] >= 0) {
            cols[nn] = g->acol[j];
            vals[nn++] = 1;
        }
    if (clp_mip_add_row(m, cols, vals, nn, -HUGE_VAL, sp + 1e-6) < 0)
        goto done;
    /* Levels 3 and 4: local moves that keep levels 1 and 2 give the start; GLPK improves on it and proves it
     * over every route the legs allow. */
    if ((rc = clp_sched_travel(k, g)) != CL_OK)
        goto done;
    g->travel = g->end = -1;
    g->routed = n <= CL_SCHED_ROUTE_COLS;
    if (!g->routed)
        goto done;
    rc = CL_ENOMEM;
    clp_mip_clear_obj(m);
    nn = 0;
    for (int j = 0; j < g->n_sd; j++)
        for (int a = 0; a <= g->nz; a++)
            for (int b = 0; b <= g->nz; b++) {
                int col = *leg_at(g, j, a, b);
                if (col >= 0) {
                    cols[nn] = col;
                    vals[nn] = leg_cost(k, g, g->sd_staff[j], a, b);
                    clp_mip_set_obj(m, col, vals[nn++]);
                }
            }
    if ((rc = start_from(k, g, start)) != CL_OK)
        goto done;
    /* Travel and the latest end are whole minutes: a bound within half a minute of the incumbent proves it (not
     * within one: GLPK's incumbent carries its tolerances, e.g. 326.99986 for a route of 327 minutes with 326
     * possible, found by a brute force). */
    clp_mip_params pr = p;
    pr.abs_gap = 0.5;
    pr.no_cuts = true;
    pr.work_limit_s = route_s;
    /* Which days are used first: measured on the 150-, 600- and 2,500-client agencies, the groups proven went
     * from 4, 19 and 58 to 7, 28 and 82 (of 11, 37 and 140) in less time (branching on zone-days next was
     * worse). */
    for (int j = 0; j < g->n_sd; j++)
        days[j] = g->ucol[j];
    pr.branch_first = days;
    pr.n_branch_first = g->n_sd;
    pr.time_limit_s = fmax(0.2, (t_end - clp_now()) * 0.7);
    if ((rc = clp_mip_solve(m, &pr, start, &r)) != CL_OK)
        goto done;
    if (r.status != CLP_MIP_OPTIMAL && r.status != CLP_MIP_TIME_LIMIT)
        goto done; /* numerical trouble: the local moves' choice stands */
    rc = CL_ENOMEM;
    read_solution(k, g);
    if (r.status == CLP_MIP_OPTIMAL)
        g->travel = r.objective;
    if (clp_mip_add_row(m, cols, vals, nn, -HUGE_VAL, round(r.objective) + 0.5) < 0)
        goto done;
    clp_mip_clear_obj(m);
    clp_mip_set_obj(m, g->L, 1);
    for (int j = 0; j < n; j++) /* from the travel level's solution, whose routes the rebuilt blocks may lose */
        start[j] = clp_mip_value(m, j);
    pr.time_limit_s = fmax(0.2, t_end - clp_now());
    if ((rc = clp_mip_solve(m, &pr, start, &r)) != CL_OK)
        goto done;
    if (r.status == CLP_MIP_OPTIMAL || r.status == CLP_MIP_TIME_LIMIT)
        read_solution(k, g);
    if (r.status == CLP_MIP_OPTIMAL || r.status == CLP_MIP_TIME_LIMIT)
        g->end = r.status == CLP_MIP_OPTIMAL ? r.objective : ceil(r.bound - 1e-6);
done:
    clp_mip_truncate_rows(m, base_rows);
    free(start);
    free(days);
    free(cols);
    free(vals);
    return rc;
}

/* ---- routes ---- */

int clp_sched_tour(const ctx *k, int from, int to, const int *zl, int n, int *order)
{
    if (n == 0)
        return from == to ? 0 : clp_sched_tr(k, from, to);
    int sbuf[2 * 64 * 6], *dp = sbuf, *par = sbuf + 64 * 6;
    size_t full = (size_t)1 << (n <= 12 ? n : 0), cells = full * (size_t)n;
    if (n > 6 && n <= 12) {
        dp = malloc(2 * cells * sizeof *dp);
        par = dp ? dp + cells : NULL;
    }
    if (n > 12 || dp == NULL) { /* the given order */
        int t = clp_sched_tr(k, from, zl[0]) + clp_sched_tr(k, zl[n - 1], to);
        for (int q = 0; q < n; q++) {
            t += q > 0 ? clp_sched_tr(k, zl[q - 1], zl[q]) : 0;
            if (order)
                order[q] = q;
        }
        return t;
    }
    for (size_t i = 0; i < cells; i++)
        dp[i] = INT32_MAX / 4;
    for (int e = 0; e < n; e++) {
        dp[((size_t)1 << e) * (size_t)n + (size_t)e] = clp_sched_tr(k, from, zl[e]);
        par[((size_t)1 << e) * (size_t)n + (size_t)e] = -1;
    }
    for (size_t mask = 1; mask < full; mask++)
        for (int e = 0; e < n; e++) {
            int cur = dp[mask * (size_t)n + (size_t)e];
            if (!(mask >> e & 1u) || cur >= INT32_MAX / 4)
                continue;
            for (int f = 0; f < n; f++) {
                size_t nm = mask | ((size_t)1 << f);
                int v = cur + clp_sched_tr(k, zl[e], zl[f]);
                if (!(mask >> f & 1u) && v < dp[nm * (size_t)n + (size_t)f]) {
                    dp[nm * (size_t)n + (size_t)f] = v;
                    par[nm * (size_t)n + (size_t)f] = e;
                }
            }
        }
    int best = INT32_MAX, be = 0;
    for (int e = 0; e < n; e++) {
        int v = dp[(full - 1) * (size_t)n + (size_t)e] + clp_sched_tr(k, zl[e], to);
        if (v < best) {
            best = v;
            be = e;
        }
    }
    for (size_t mask = full - 1, q = (size_t)n; order != NULL && q-- > 0;) {
        order[q] = be;
        int pe = par[mask * (size_t)n + (size_t)be];
        mask &= ~((size_t)1 << be);
        be = pe;
    }
    if (dp != sbuf)
        free(dp);
    return best;
}

int clp_sched_route(const ctx *k, int s, const int *cnt, int *order, int *nused)
{
    int nz = k->inst->n_zones > 0 ? clp_sched_nz(k) : 0, n = 0, b = k->inst->staff[s].zone, t = 0;
    int *zl = calloc((size_t)nz + 1, sizeof *zl);
    if (zl == NULL)
        return -1;
    for (int z = 0; z < nz; z++)
        if (cnt[z] > 0) {
            zl[n++] = z;
            t += (cnt[z] - 1) * clp_sched_tr(k, z, z);
        }
    t += clp_sched_tour(k, b, b, zl, n, order);
    for (int q = 0; order != NULL && q < n; q++)
        order[q] = zl[order[q]];
    *nused = n;
    free(zl);
    return t;
}

typedef struct stop {
    int o;   /* option */
    int z;   /* zone */
    int len; /* visit minutes */
} stop;

/* Orders stops (solo visits of one staff-day) from zone pos to base, each zone's visits one after the other,
 * in the best order of zones (clp_sched_tour); within a zone, by client index. Writes the order to out. */
static void order_stops(const ctx *k, const stop *st, int n, int pos, int base, int *out)
{
    int *zl = calloc(2 * ((size_t)n + 1), sizeof *zl), nzl = 0;
    if (zl == NULL) { /* as they come */
        for (int i = 0; i < n; i++)
            out[i] = i;
        return;
    }
    int *order = zl + n + 1;
    for (int i = 0; i < n; i++) {
        bool have = false;
        for (int q = 0; q < nzl; q++)
            have |= zl[q] == st[i].z;
        if (!have)
            zl[nzl++] = st[i].z;
    }
    clp_sched_tour(k, pos, base, zl, nzl, order);
    int nout = 0;
    for (int q = 0; q < nzl; q++)
        for (int i = 0; i < n; i++)
            if (st[i].z == zl[order[q]])
                out[nout++] = i;
    free(zl);
}

/* The chosen visits of staff-day j, joint ones too when with_joint (its own and those it joins as the peer),
 * into st when not NULL; returns their number. */
static int day_stops(const ctx *k, const comp *g, int j, bool with_joint, stop *st)
{
    int s = g->sd_staff[j], d = g->sd_day[j], n = 0;
    for (int i = 0; i < g->n_clients; i++) {
        int c = g->clients[i];
        for (int o = k->first[c]; o < k->first[c + 1]; o++) {
            const option *op = &k->opt[o];
            if (!op->chosen || op->d != d || (op->joint && !with_joint))
                continue;
            if (op->s == s || (op->joint && clp_sched_peer(k, c) == s)) {
                if (st != NULL)
                    st[n] = (stop){.o = o, .z = clp_sched_zone(k, c), .len = k->inst->clients[c].visit_minutes};
                n++;
            }
        }
    }
    return n;
}

/* Travel of the n stops in order ord from base and back. */
static int stops_travel(const ctx *k, const stop *st, const int *ord, int n, int base)
{
    int t = 0, at = base;
    for (int q = 0; q < n; q++) {
        t += clp_sched_tr(k, at, st[ord[q]].z);
        at = st[ord[q]].z;
    }
    return n > 0 ? t + clp_sched_tr(k, at, base) : 0;
}

/* Orders the n stops of staff-day j along the walk its leg columns hold in the MIP's last solution (an Euler
 * circuit from base: the legs' travel exactly, whatever the travel matrix). False when the legs do not match the
 * stops (the choice changed since) or the circuit does not reach them all. */
static bool walk_legs(const ctx *k, const comp *g, int j, const stop *st, int n, int *out)
{
    int nz = g->nz, nzl = 0;
    int *zl = malloc(((size_t)nz + 1) * sizeof *zl), *cnt = calloc((size_t)(nz + 1) * (size_t)(nz + 1), sizeof *cnt);
    int *stack = malloc(((size_t)n + 2) * sizeof *stack), *walk = malloc(((size_t)n + 2) * sizeof *walk);
    bool *used = calloc((size_t)n + 1, sizeof *used);
    bool ok = zl && cnt && stack && walk && used && k->inst->n_zones > 0;
    if (ok)
        nzl = day_zones(g, j, zl);
    /* Leg counts between the day's zones (index nzl: base); every stop's zone entered once per stop. */
    int legs = 0;
    for (int a = 0; ok && a <= nzl; a++)
        for (int b = 0; b <= nzl; b++) {
            int col = *leg_at(g, j, a < nzl ? zl[a] : nz, b < nzl ? zl[b] : nz);
            int v = col >= 0 ? (int)lround(clp_mip_value(g->mip, col)) : 0;
            cnt[a * (nzl + 1) + b] = v;
            legs += v;
        }
    ok = ok && legs == (n > 0 ? n + 1 : 0);
    for (int b = 0; ok && b < nzl; b++) {
        int in = 0, want = 0;
        for (int a = 0; a <= nzl; a++)
            in += cnt[a * (nzl + 1) + b];
        for (int i = 0; i < n; i++)
            want += st[i].z == zl[b];
        ok = in == want;
    }
    /* Hierholzer's circuit from base, lowest zone first. */
    int ns = 0, nw = 0;
    if (ok && n > 0)
        stack[ns++] = nzl;
    while (ok && ns > 0) {
        int v = stack[ns - 1], w = 0;
        while (w <= nzl && cnt[v * (nzl + 1) + w] == 0)
            w++;
        if (w <= nzl && ns <= n + 1) {
            cnt[v * (nzl + 1) + w]--;
            stack[ns++] = w;
        } else if (w <= nzl) {
            ok = false;
        } else {
            walk[nw++] = stack[--ns];
        }
    }
    ok = ok && nw == (n > 0 ? n + 2 : 0);
    /* The circuit backwards is the walk; each zone on it takes the next stop of that zone. */
    int nout = 0;
    for (int q = nw - 2; ok && q >= 1; q--) {
        int i = 0;
        while (i < n && (used[i] || st[i].z != zl[walk[q]]))
            i++;
        ok = i < n;
        if (ok) {
            used[i] = true;
            out[nout++] = i;
        }
    }
    free(zl), free(cnt), free(stack), free(walk), free(used);
    return ok && nout == n;
}

/* Sequences every staff-day of component g on day d along its route (each zone's visits one after the other,
 * in the best order of zones: the travel the heuristics and the MIP count), a joint visit starting when both
 * have arrived. Sets op->start; marks bad[j] for staff-days that do not fit (all of the day's when the joint
 * visits wait on each other in a circle). Returns the number of bad staff-days or CL_ENOMEM (negative). */
static int sequence_routes(ctx *k, comp *g, int d, bool *bad)
{
    const cl_instance *inst = k->inst;
    int *arr = malloc(((size_t)k->n_opt + 1) * 2 * sizeof *arr);
    stop *st = malloc(((size_t)k->n_opt + 1) * sizeof *st);
    int *ord = malloc(((size_t)k->n_opt + 1) * 2 * sizeof *ord), *walk = ord + k->n_opt + 1;
    int *first = malloc(((size_t)g->n_sd + 1) * sizeof *first), *list = NULL;
    int nl = 0, njoint = 0, nbad = 0;
    if (!arr || !st || !ord || !first) {
        free(arr), free(st), free(ord), free(first);
        return CL_ENOMEM;
    }
    /* Each staff-day's visits in route order, kept in list (first[j] .. first[j + 1]). */
    list = malloc(((size_t)k->n_opt * 2 + 1) * sizeof *list);
    if (list == NULL) {
        free(arr), free(st), free(ord), free(first);
        return CL_ENOMEM;
    }
    for (int j = 0; j < g->n_sd; j++) {
        first[j] = nl;
        if (g->sd_day[j] != d)
            continue;
        int s = g->sd_staff[j], n = day_stops(k, g, j, true, st);
        for (int i = 0; i < n; i++)
            if (k->opt[st[i].o].joint) {
                arr[2 * st[i].o] = arr[2 * st[i].o + 1] = inst->day_start_min;
                njoint += k->opt[st[i].o].s == s;
            }
        /* The walk of the MIP's legs when they hold these visits and travel no more than one block per zone. */
        int base = inst->staff[s].zone;
        order_stops(k, st, n, base, base, ord);
        if (walk_legs(k, g, j, st, n, walk) && stops_travel(k, st, walk, n, base) <= stops_travel(k, st, ord, n, base))
            memcpy(ord, walk, (size_t)n * sizeof *ord);
        for (int q = 0; q < n; q++)
            list[nl++] = st[ord[q]].o;
    }
    /* Times: a joint visit starts when both have arrived; repeated until nothing moves (at most one round per
     * joint visit when no two wait on each other). */
    bool moved = true;
    for (int round = 0; moved && round <= njoint + 1; round++) {
        moved = false;
        for (int j = 0; j < g->n_sd; j++) {
            if (g->sd_day[j] != d)
                continue;
            int s = g->sd_staff[j], base = inst->staff[s].zone, at = base, now = inst->day_start_min;
            int end = j + 1 < g->n_sd ? first[j + 1] : nl;
            for (int q = first[j]; q < end; q++) {
                option *op = &k->opt[list[q]];
                int z = clp_sched_zone(k, op->c);
                now += z >= 0 && at >= 0 ? clp_sched_tr(k, at, z) : 0;
                if (op->joint) {
                    int side = op->s == s ? 0 : 1;
                    moved |= arr[2 * list[q] + side] != now;
                    arr[2 * list[q] + side] = now;
                    now = arr[2 * list[q]] > arr[2 * list[q] + 1] ? arr[2 * list[q]] : arr[2 * list[q] + 1];
                }
                op->start = now;
                now += inst->clients[op->c].visit_minutes;
                at = z;
            }
            int back = end > first[j] && at >= 0 ? clp_sched_tr(k, at, base) : 0;
            bad[j] = now + back - inst->day_start_min > inst->staff[s].minutes[d];
        }
    }
    for (int j = 0; j < g->n_sd; j++)
        if (g->sd_day[j] == d) {
            bad[j] |= moved;
            nbad += bad[j];
        }
    free(arr), free(st), free(ord), free(first), free(list);
    return nbad;
}

/* Sequences every staff-day of component g on day d with the joint visits first, each at the earliest time both
 * can be there, then each staff member's own visits in the best order back to base: the fallback when the
 * routes keep someone waiting too long. Returns the number of bad staff-days or CL_ENOMEM (negative). */
static int sequence_joint_first(ctx *k, comp *g, int d, bool *bad)
{
    const cl_instance *inst = k->inst;
    int ns = g->n_sd, nbad = 0;
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
        int s = g->sd_staff[j], n = day_stops(k, g, j, false, st);
        int base = inst->staff[s].zone;
        order_stops(k, st, n, pos[j], base, ord);
        int at = pos[j], now = t[j];
        for (int q = 0; q < n; q++) {
            const stop *x = &st[ord[q]];
            now += clp_sched_tr(k, at, x->z);
            k->opt[x->o].start = now;
            now += x->len;
            at = x->z;
        }
        int end = now + clp_sched_tr(k, at, base);
        bad[j] = end - inst->day_start_min > inst->staff[s].minutes[d];
        nbad += bad[j];
    }
    free(pos), free(t), free(jl), free(st), free(ord);
    return nbad;
}

/* Sequences day d of component g along the routes, or with the joint visits first when that leaves fewer
 * staff-days that do not fit (marked in bad). Returns 0 or CL_ENOMEM. */
static int sequence_day(ctx *k, comp *g, int d, bool *bad)
{
    int n = sequence_routes(k, g, d, bad);
    if (n > 0) {
        int m = sequence_joint_first(k, g, d, bad);
        if (m >= n)
            n = sequence_routes(k, g, d, bad);
        else
            n = m;
    }
    return n < 0 ? n : CL_OK;
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

/* Staff-days of more than CL_SCHED_SUBSET_ZONES zones whose legs in the last solution leave a set of used zones
 * unreached from base get that set's rows; returns how many days did (-1: out of memory). */
static int connect_routes(ctx *k, comp *g)
{
    int nz = g->nz, added = 0;
    int *zl = malloc(((size_t)nz + 1) * sizeof *zl),
        *cols = malloc(((size_t)(nz + 2) * (size_t)(nz + 2)) * sizeof *cols);
    double *vals = malloc(((size_t)(nz + 2) * (size_t)(nz + 2)) * sizeof *vals);
    if (!zl || !cols || !vals) {
        free(zl), free(cols), free(vals);
        return -1;
    }
    for (int j = 0; j < g->n_sd && k->inst->n_zones > 0 && added >= 0; j++) {
        int n = day_zones(g, j, zl);
        if (n <= CL_SCHED_SUBSET_ZONES || n > 31)
            continue;
        unsigned reached = 0, used = 0;
        for (int a = 0; a < n; a++)
            used |= (unsigned)(clp_mip_value(g->mip, g->wcol[j * nz + zl[a]]) > 0.5) << a;
        for (bool grew = true; grew;) { /* from base along legs in use */
            grew = false;
            for (int p = 0; p <= n; p++)
                for (int q = 0; q < n; q++)
                    if ((p == n || (reached >> p & 1u)) && !(reached >> q & 1u) &&
                        clp_mip_value(g->mip, *leg_at(g, j, p < n ? zl[p] : nz, zl[q])) > 0.5) {
                        reached |= 1u << q;
                        grew = true;
                    }
        }
        if ((used & ~reached) == 0)
            continue;
        if (add_subset_rows(g, j, zl, n, used & ~reached, cols, vals) != CL_OK)
            added = -1;
        else
            added++;
    }
    free(zl), free(cols), free(vals);
    return added;
}

/* The travel and the latest end of group g's routes as sequenced (each staff-day's visits in order of start).
 * Returns 0 or CL_ENOMEM. */
static int sequenced(const ctx *k, const comp *g, double *travel, double *end)
{
    stop *st = malloc(((size_t)k->n_opt + 1) * sizeof *st);
    int *ord = malloc(((size_t)k->n_opt + 1) * sizeof *ord);
    if (!st || !ord) {
        free(st), free(ord);
        return CL_ENOMEM;
    }
    *travel = 0;
    *end = k->inst->day_start_min;
    for (int j = 0; j < g->n_sd; j++) {
        int n = day_stops(k, g, j, true, st), base = k->inst->staff[g->sd_staff[j]].zone;
        for (int q = 0; q < n; q++) { /* insertion by start */
            int i = q;
            while (i > 0 && k->opt[st[ord[i - 1]].o].start > k->opt[st[q].o].start) {
                ord[i] = ord[i - 1];
                i--;
            }
            ord[i] = q;
        }
        if (n == 0)
            continue;
        const stop *last = &st[ord[n - 1]];
        *travel += stops_travel(k, st, ord, n, base);
        *end = fmax(*end, k->opt[last->o].start + last->len + clp_sched_tr(k, last->z, base));
    }
    free(st), free(ord);
    return CL_OK;
}

static int solve_component(ctx *k, comp *g, double budget_s, double route_s)
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
        if (resolve && (rc = solve_levels(k, g, fmax(0.3, t_end - clp_now()), route_s)) != CL_OK)
            break;
        int unreached = resolve && g->routed ? connect_routes(k, g) : 0;
        if (unreached < 0) {
            rc = CL_ENOMEM;
            break;
        }
        if (unreached > 0 && iter < 40 && clp_now() < k->t0 + k->opts->time_limit_s)
            continue;
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
        bool joint_cut = false;
        for (int j = 0; j < g->n_sd; j++) {
            if (!bad[j])
                continue;
            int n = day_stops(k, g, j, true, NULL);
            bool joint = n > day_stops(k, g, j, false, NULL);
            if (resolve && joint && joint_cut)
                continue; /* days that wait on each other: one cut a round, which may let the others fit */
            if (resolve) {
                joint_cut |= joint;
                if ((rc = add_cut(k, g, j, n - 1)) != CL_OK)
                    goto done;
            } else {
                drop_day(k, g, j);
                k->unproven = k->travel_open = true;
            }
        }
    }
    if (rc == CL_OK) {
        /* A cut ("one visit fewer" on a day that did not fit once timed) is not a rule of the model: after one,
         * shortfall and spread are proven only where they meet what the days alone allow, travel not at all. */
        bool cut = false;
        for (int j = 0; j < g->n_sd; j++)
            cut |= g->cut_rows[j] >= 0;
        double have, most;
        int sp, sp_floor;
        clp_sched_level1(k, g, &have, &most);
        clp_sched_spread(k, g, &sp, &sp_floor);
        k->unproven |= cut && (have < most - 1e-9 || sp > sp_floor);
        double travel, end;
        if ((rc = sequenced(k, g, &travel, &end)) != CL_OK)
            goto done;
        k->travel_open |= cut || g->travel < 0 || travel > g->travel + 0.5;
        k->end_real = fmax(k->end_real, end);
        k->end_bound = fmax(k->end_bound, g->end);
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

/* Who could see client c (manager m) on `days` but did not, in plain words: each such visitor with its days
 * among them, those too short for the visit and its travel even alone marked ("s3 on tue, wed; s5 on wed (too
 * short for the visit)"). */
static void visitors_text(const ctx *k, int c, int m, unsigned days, char *buf, size_t sz)
{
    const cl_instance *inst = k->inst;
    size_t n = 0;
    buf[0] = '\0';
    for (int s = 0; s < inst->n_staff; s++) {
        bool cov;
        unsigned d = days & clp_staff_workdays(inst, s), short_days = 0;
        if (d == 0 || !clp_may_visit(inst, c, m, s, &cov))
            continue;
        for (int x = 0; x < CL_NDAYS; x++)
            if ((d >> x & 1u) && !joint_fits(k, c, s, s, x)) /* (with itself as the partner: the visit alone) */
                short_days |= 1u << x;
        char dd[64];
        days_text(dd, sizeof dd, d);
        n += (size_t)snprintf(buf + n, n < sz ? sz - n : 0, "%s%s on %s%s", n ? "; " : "", inst->staff[s].id, dd,
                              short_days == d ? " (too short for the visit and its travel)" : "");
        if (n >= sz)
            return;
    }
}

/* Why client c has fewer visits than its quota, in plain words: the days (its days against its visitors' working
 * days, a joint day with its peer, the Blended primary share) and, when it has fewer visits even than its days
 * allow, the staff members whose time on the other days is taken. */
static void shortfall_reason(ctx *k, int c, unsigned visited, char *buf, size_t sz)
{
    const cl_instance *inst = k->inst;
    const cl_client *cl = &inst->clients[c];
    int m = k->a->manager[c], p = clp_sched_peer(k, c), q = k->quota[c];
    const char *mid = inst->staff[m].id;
    unsigned cd = clp_client_days(inst, c), md = clp_staff_workdays(inst, m);
    unsigned poss = clp_possible_days(inst, c, m, p);
    char dc[64], dm[64], dp[64], dv[64], who[320];
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
    /* The days. */
    int np = clp_sched_bits(poss), got = clp_sched_bits(visited);
    int most = clp_most_visits(inst, c, (cd & md) == 0, poss, cd & md, q);
    size_t n = 0;
    days_text(dv, sizeof dv, poss);
    if (np < q) {
        if (team)
            n = (size_t)snprintf(buf, sz,
                                 "only %d of the client's days (%s) are working days of team %s (%s), %d visits needed",
                                 np, dc, inst->teams[inst->staff[m].team].id, dv, q);
        else if ((cd & md) == 0) {
            visitors_text(k, c, m, poss, who, sizeof who);
            n = (size_t)snprintf(buf, sz,
                                 "manager %s works none of the client's days (%s), and the covering managers work only "
                                 "%s (%s), %d visits needed",
                                 mid, dc, dv, who, q);
        } else
            n = (size_t)snprintf(buf, sz,
                                 "only %d of the client's days (%s) are working days of manager %s (works %s), %d "
                                 "visits needed",
                                 np, dc, mid, dm, q);
    } else if (most < q) {
        int need = (int)ceil(inst->policy.blended_primary_share * q - 1e-9);
        days_text(dv, sizeof dv, cd & md);
        n = (size_t)snprintf(buf, sz,
                             "manager %s works only %d of the client's days (%s), but at least %d of %d visits must be "
                             "by the manager (blended_primary_share %g)",
                             mid, clp_sched_bits(cd & md), dv, need, q, inst->policy.blended_primary_share);
    }
    if (got >= most || n >= sz)
        return;
    /* The time: fewer visits than the days allow. */
    const char *sep = n ? "; and " : "", *other = visited ? "other " : "";
    unsigned open = poss & ~visited;
    days_text(dv, sizeof dv, open);
    if (p >= 0 && visited == 0) {
        days_text(dp, sizeof dp, cd & md & clp_staff_workdays(inst, p));
        snprintf(buf + n, sz - n,
                 "%sno joint visit fits: manager %s and peer %s have no time left together on the client's days "
                 "both work (%s)",
                 sep, mid, inst->staff[p].id, dp);
    } else if (team || (cd & md) == 0) {
        visitors_text(k, c, m, open, who, sizeof who);
        if (team)
            snprintf(buf + n, sz - n, "%sno member of team %s has free time left on the client's %sdays (%s): %s", sep,
                     inst->teams[inst->staff[m].team].id, other, dv, who);
        else
            snprintf(buf + n, sz - n,
                     "%smanager %s works none of the client's days, and the covering managers have no free time "
                     "left on them (%s): %s",
                     sep, mid, dv, who);
    } else {
        unsigned too_short = 0;
        for (int x = 0; x < CL_NDAYS; x++)
            if ((open >> x & 1u) && !joint_fits(k, c, m, m, x))
                too_short |= 1u << x;
        snprintf(buf + n, sz - n, "%smanager %s %s on the client's %sdays it works (%s)", sep, mid,
                 too_short == open ? "has too few minutes for the visit and its travel even alone"
                                   : "has no free time left",
                 other, dv);
    }
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
    ctx k = {.inst = inst, .a = a, .opts = opts, .t0 = clp_now(), .end_real = -HUGE_VAL, .end_bound = -HUGE_VAL};
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
    if ((rc = shortest_paths(&k)) != CL_OK || (rc = build_options(&k)) != CL_OK)
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
        g.n_opt = nopt;
        double left = opts->time_limit_s - (clp_now() - k.t0);
        double share = total_opt > done_opt ? (double)nopt / (total_opt - done_opt) : 1;
        /* Most groups finish at once (the greedy choice is optimal); a hard one may take up to a quarter of
         * what is left (at most 10 s) even when it is small. Travel and the latest end, which improve on the
         * local moves' routes, stop after work in proportion to the group's options (the same in every run). */
        rc = solve_component(&k, &g, fmax(0.5, fmax(left * share, fmin(left * 0.25, 10.0))),
                             opts->time_limit_s * (CL_SCHED_ROUTE_SHARE * nopt / (total_opt > 0 ? total_opt : 1) +
                                                   CL_SCHED_ROUTE_FLOOR));
        for (int x = 0; x < g.n_sd; x++)
            k.sd_index[g.sd_staff[x] * CL_NDAYS + g.sd_day[x]] = -1;
        clp_mip_free(g.mip);
        free(g.wcol);
        free(g.acol);
        free(g.leg);
        free(g.ucol);
        free(g.cut_rows);
        free(g.cut_max);
        g.mip = NULL;
        g.wcol = g.acol = g.cut_rows = g.cut_max = g.leg = g.ucol = NULL;
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
            int z = inst->clients[c].zone;
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
                                             : CL_SCHED_OPTIMAL,
                                (k.travel_open ? CL_SCHED_TRAVEL : 0u) |
                                    (k.travel_open || k.end_real > k.end_bound + 0.5 ? CL_SCHED_LATEST_END : 0u));
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
    free(k.shortest);
    return rc;
}
