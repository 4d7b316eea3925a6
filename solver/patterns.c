/* patterns.c: a level solved over whole caseloads (see patterns.h). */
#include "patterns.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../model/cl.h"
#include "../model/rules.h"

/* A caseload of one staff member: the count of each of its items and its load in grid steps. */
typedef struct pattern {
    int block;
    int *count;
    int steps;
} pattern;

typedef struct master {
    const clp_dw *p;
    clp_mip *m;
    pattern *pat; /* master column n_frees + i is pattern i */
    int n_pat, cap_pat;
    double *acc;           /* scratch: a coefficient per shared row, */
    unsigned char *listed; /* whether it is listed in rows */
    int *rows;
    double *vals;
} master;

/* Caseloads added per staff member and round of the column generation, each of another load: more than the
 * cheapest one takes fewer rounds (generated agencies, with 5 against 1: 300 clients 5.0 s against 14.4,
 * 450 clients 3.4 against 4.1, 200 clients 0.04 against 0.12). */
#define CLP_PRICED 5

/* A chunk of a staff member's extra clients of one item (bounded counts split in powers of two). */
typedef struct chunk {
    int item, q;
} chunk;

static double block_phi(const clp_block *b, int steps)
{
    return b->fte * cl_phi(steps * b->g / b->base);
}

static double block_over(const clp_block *b, int steps)
{
    return fmax(0, steps * b->g - b->limit);
}

static double pattern_cost(const clp_dw *p, const clp_block *b, const int *count, int steps)
{
    double c = p->phi_weight * block_phi(b, steps);
    for (int i = 0; i < b->n_items; i++)
        c += b->items[i].cost * count[i];
    return c;
}

/* Adds x to the scratch coefficient of row, listing the row once among the n listed; returns n. */
static int accumulate(master *ms, int n, int row, double x)
{
    if (!ms->listed[row]) {
        ms->listed[row] = 1;
        ms->rows[n++] = row;
    }
    ms->acc[row] += x;
    return n;
}

/* Adds pattern (block, count) to the master as a column (count is copied). */
static int add_pattern(master *ms, int block, const int *count)
{
    const clp_dw *p = ms->p;
    const clp_block *b = &p->blocks[block];
    if (ms->n_pat == ms->cap_pat) {
        int cap = ms->cap_pat ? 2 * ms->cap_pat : 64;
        pattern *np = realloc(ms->pat, (size_t)cap * sizeof *np);
        if (np == NULL)
            return CL_ENOMEM;
        ms->pat = np;
        ms->cap_pat = cap;
    }
    pattern *pt = &ms->pat[ms->n_pat];
    pt->block = block;
    pt->count = malloc(((size_t)b->n_items + 1) * sizeof *pt->count);
    if (pt->count == NULL)
        return CL_ENOMEM;
    memcpy(pt->count, count, (size_t)b->n_items * sizeof *count);
    pt->steps = 0;
    int n = 0;
    for (int i = 0; i < b->n_items; i++) {
        const clp_item *it = &b->items[i];
        pt->steps += it->steps * count[i];
        for (int l = 0; l < it->n_link && count[i] != 0; l++)
            n = accumulate(ms, n, it->link[l].row, it->link[l].coef * count[i]);
    }
    if (p->phi_row >= 0)
        n = accumulate(ms, n, p->phi_row, block_phi(b, pt->steps));
    if (p->over_row >= 0 && block_over(b, pt->steps) > 0)
        n = accumulate(ms, n, p->over_row, block_over(b, pt->steps));
    for (int q = 0; q < n; q++) {
        ms->vals[q] = ms->acc[ms->rows[q]];
        ms->acc[ms->rows[q]] = 0;
        ms->listed[ms->rows[q]] = 0;
    }
    ms->rows[n] = p->n_rows + block; /* its convexity row */
    ms->vals[n++] = 1;
    int j = clp_mip_add_col_in(ms->m, 0, 1, true, ms->rows, ms->vals, n, pattern_cost(p, b, count, pt->steps));
    if (j < 0) {
        free(pt->count);
        return CL_EINTERNAL;
    }
    ms->n_pat++;
    return CL_OK;
}

/* The cheapest caseloads of block b for the duals (reduced cost per client rc[i], the weights of phi and of the
 * overload phi_w and over_w, the convexity dual sigma): up to k of those whose reduced cost is below -eps, the
 * cheapest first and each of another load, in count (k rows of b->n_items). Returns how many; *least is the
 * least reduced cost (HUGE_VAL when the block has no caseload), *rc_code CL_OK or CL_ENOMEM. */
static int price(const clp_block *b, const double *rc, double phi_w, double over_w, double sigma, double eps, int k,
                 int *count, double *least, int *rc_code)
{
    int V = b->max_steps + 1, v0 = 0, own0 = 0, own_more = 0, found = 0;
    double cost0 = 0;
    *rc_code = CL_OK;
    *least = HUGE_VAL;
    for (int i = 0; i < b->n_items; i++) {
        const clp_item *it = &b->items[i];
        v0 += it->steps * it->lo;
        cost0 += rc[i] * it->lo;
        if (it->own) {
            own0 += it->lo;
            own_more += it->hi - it->lo;
        }
    }
    int S = b->stay >= 0 ? b->stay - own0 : 0; /* own clients still to keep */
    if (v0 >= V || S < 0 || S > own_more)
        return 0;
    /* The chunks: own ones first (phase A, counted in s when the stay is set), then the others. */
    int n_chunks = 0, n_own = 0;
    for (int i = 0; i < b->n_items; i++)
        for (int e = b->items[i].hi - b->items[i].lo, q = 1; e > 0; e -= q, q *= 2)
            n_chunks++;
    chunk *ch = malloc(((size_t)n_chunks + 1) * sizeof *ch);
    if (ch == NULL) {
        *rc_code = CL_ENOMEM;
        return 0;
    }
    n_chunks = 0;
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < b->n_items; i++) {
            if ((pass == 0) != (b->stay >= 0 && b->items[i].own))
                continue;
            for (int e = b->items[i].hi - b->items[i].lo, q = 1; e > 0; e -= q, q *= 2)
                ch[n_chunks++] = (chunk){i, q < e ? q : e};
            if (pass == 0)
                n_own = n_chunks;
        }
    double *dp = malloc((size_t)(S + 1) * (size_t)V * sizeof *dp);
    unsigned char *taken = calloc((size_t)n_own * (size_t)(S + 1) * (size_t)V + (size_t)(n_chunks - n_own) * V + 1, 1);
    double *total = malloc((size_t)V * sizeof *total);
    if (dp == NULL || taken == NULL || total == NULL) {
        *rc_code = CL_ENOMEM;
        goto done;
    }
    for (size_t x = 0; x < (size_t)(S + 1) * (size_t)V; x++)
        dp[x] = HUGE_VAL;
    dp[v0] = cost0;
    /* Phase A: dp[s * V + v], s more own clients kept, load v. */
    for (int c = 0; c < n_own; c++) {
        int w = b->items[ch[c].item].steps * ch[c].q, q = ch[c].q;
        double add = rc[ch[c].item] * q;
        unsigned char *t = taken + (size_t)c * (S + 1) * V;
        for (int s = S; s >= q; s--)
            for (int v = V - 1; v >= w; v--) {
                double cand = dp[(size_t)(s - q) * V + v - w] + add;
                if (cand < dp[(size_t)s * V + v] - 1e-12) {
                    dp[(size_t)s * V + v] = cand;
                    t[(size_t)s * V + v] = 1;
                }
            }
    }
    double *row = dp + (size_t)S * V;
    /* Phase B: the other clients, over the load alone. */
    unsigned char *tb = taken + (size_t)n_own * (S + 1) * V;
    for (int c = n_own; c < n_chunks; c++) {
        int w = b->items[ch[c].item].steps * ch[c].q;
        double add = rc[ch[c].item] * ch[c].q;
        unsigned char *t = tb + (size_t)(c - n_own) * V;
        for (int v = V - 1; v >= w; v--) {
            double cand = row[v - w] + add;
            if (cand < row[v] - 1e-12) {
                row[v] = cand;
                t[v] = 1;
            }
        }
    }
    for (int v = 0; v < V; v++) {
        total[v] = row[v] == HUGE_VAL ? HUGE_VAL : row[v] + phi_w * block_phi(b, v) + over_w * block_over(b, v) - sigma;
        *least = fmin(*least, total[v]);
    }
    for (; found < k; found++) { /* the cheapest load not taken yet, and its caseload */
        int best_v = -1;
        for (int v = 0; v < V; v++)
            if (total[v] < -eps && (best_v < 0 || total[v] < total[best_v]))
                best_v = v;
        if (best_v < 0)
            break;
        total[best_v] = HUGE_VAL;
        int *c = count + (size_t)found * b->n_items, v = best_v, s = S;
        for (int i = 0; i < b->n_items; i++)
            c[i] = b->items[i].lo;
        for (int q = n_chunks - 1; q >= n_own; q--)
            if (tb[(size_t)(q - n_own) * V + v]) {
                c[ch[q].item] += ch[q].q;
                v -= b->items[ch[q].item].steps * ch[q].q;
            }
        for (int q = n_own - 1; q >= 0; q--)
            if (taken[(size_t)q * (S + 1) * V + (size_t)s * V + v]) {
                c[ch[q].item] += ch[q].q;
                s -= ch[q].q;
                v -= b->items[ch[q].item].steps * ch[q].q;
            }
    }
done:
    free(ch);
    free(dp);
    free(taken);
    free(total);
    return found;
}

static void master_dispose(master *ms)
{
    for (int i = 0; i < ms->n_pat; i++)
        free(ms->pat[i].count);
    free(ms->pat);
    free(ms->acc);
    free(ms->listed);
    free(ms->rows);
    free(ms->vals);
    clp_mip_free(ms->m);
}

/* The counts of block b in plan sol; false when they break the block's own rules. */
static bool plan_counts(const clp_block *b, const double *sol, int *count)
{
    int steps = 0, own = 0;
    for (int i = 0; i < b->n_items; i++) {
        count[i] = (int)lround(sol[b->items[i].col]);
        if (count[i] < b->items[i].lo || count[i] > b->items[i].hi)
            return false;
        steps += b->items[i].steps * count[i];
        own += b->items[i].own ? count[i] : 0;
    }
    return steps <= b->max_steps && (b->stay < 0 || own == b->stay);
}

/* Whether the plan's value meets the bound: within a step of the grid, or (none) of rounding. */
static bool meets(const clp_dw_result *r, double grid_step)
{
    return r->objective - r->bound <= (grid_step > 0 ? 0.999 * grid_step : 1e-7 * (1 + fabs(r->objective)));
}

int clp_dw_solve(const clp_dw *p, double *sol, double deadline, double grid_step, clp_dw_result *r)
{
    master ms = {.p = p, .m = clp_mip_new()};
    int nr = p->n_rows + p->n_blocks, max_items = 0, rc = CL_OK;
    for (int b = 0; b < p->n_blocks; b++)
        max_items = p->blocks[b].n_items > max_items ? p->blocks[b].n_items : max_items;
    double *dual = malloc(((size_t)nr + 1) * sizeof *dual);
    double *rcost = malloc(((size_t)max_items + 1) * sizeof *rcost);
    double *start = NULL;
    int *count = malloc(((size_t)max_items + 1) * CLP_PRICED * sizeof *count);
    ms.acc = calloc((size_t)nr + 1, sizeof *ms.acc);
    ms.listed = calloc((size_t)nr + 1, 1);
    ms.rows = malloc(((size_t)nr + 2) * sizeof *ms.rows);
    ms.vals = malloc(((size_t)nr + 2) * sizeof *ms.vals);
    r->bound = -HUGE_VAL;
    r->improved = r->proven = false;
    r->objective = 0;
    if (ms.m == NULL || !dual || !rcost || !count || !ms.acc || !ms.listed || !ms.rows || !ms.vals) {
        rc = CL_ENOMEM;
        goto done;
    }
    for (int i = 0; i < nr; i++)
        clp_mip_add_row(ms.m, NULL, NULL, 0, i < p->n_rows ? p->row_lo[i] : 1, i < p->n_rows ? p->row_hi[i] : 1);
    for (int f = 0; f < p->n_frees && rc == CL_OK; f++) {
        const clp_free *fr = &p->frees[f];
        int rows[CLP_MAX_LINKS];
        double vals[CLP_MAX_LINKS];
        for (int l = 0; l < fr->n_link; l++) {
            rows[l] = fr->link[l].row;
            vals[l] = fr->link[l].coef;
        }
        if (clp_mip_add_col_in(ms.m, fr->lo, fr->hi, fr->integer, rows, vals, fr->n_link, fr->cost) < 0)
            rc = CL_EINTERNAL;
        r->objective += fr->cost * sol[fr->col];
    }
    /* The start's caseloads are the first columns: the restricted master holds the start. */
    for (int b = 0; b < p->n_blocks && rc == CL_OK; b++) {
        if (!plan_counts(&p->blocks[b], sol, count)) {
            rc = CL_EINTERNAL;
            break;
        }
        rc = add_pattern(&ms, b, count);
        if (rc == CL_OK)
            r->objective += pattern_cost(p, &p->blocks[b], count, ms.pat[ms.n_pat - 1].steps);
    }
    /* Column generation, until no caseload prices out or a share of the time is spent. */
    double cg_deadline = clp_now() + 0.6 * (deadline - clp_now());
    while (rc == CL_OK && clp_now() < cg_deadline) {
        double obj;
        if (clp_lp_solve(ms.m, cg_deadline - clp_now(), &obj, dual) != CL_OK) {
            rc = CL_EINTERNAL;
            break;
        }
        double phi_w = p->phi_weight - (p->phi_row >= 0 ? dual[p->phi_row] : 0), lagrange = obj;
        double over_w = p->over_row >= 0 ? -dual[p->over_row] : 0;
        int added = 0;
        for (int b = 0; b < p->n_blocks && rc == CL_OK; b++) {
            const clp_block *bl = &p->blocks[b];
            for (int i = 0; i < bl->n_items; i++) {
                const clp_item *it = &bl->items[i];
                rcost[i] = it->cost;
                for (int l = 0; l < it->n_link; l++)
                    rcost[i] -= dual[it->link[l].row] * it->link[l].coef;
            }
            double least;
            int got = price(bl, rcost, phi_w, over_w, dual[p->n_rows + b], 1e-7 * (1 + fabs(obj)), CLP_PRICED, count,
                            &least, &rc);
            if (least != HUGE_VAL)
                lagrange += fmin(0, least);
            for (int q = 0; q < got && rc == CL_OK; q++)
                rc = add_pattern(&ms, b, count + (size_t)q * bl->n_items);
            added += got;
        }
        r->bound = fmax(r->bound, lagrange); /* (at the end too: caseloads priced within -eps stay out) */
        if (added == 0)
            break;
    }
    if (rc != CL_OK)
        goto done;
    /* A plan over the caseloads generated, from the start. */
    int n = clp_mip_ncols(ms.m);
    start = calloc((size_t)n + 1, sizeof *start);
    if (start == NULL) {
        rc = CL_ENOMEM;
        goto done;
    }
    for (int f = 0; f < p->n_frees; f++)
        start[f] = p->frees[f].integer ? round(sol[p->frees[f].col]) : sol[p->frees[f].col];
    for (int b = 0; b < p->n_blocks; b++)
        start[p->n_frees + b] = 1;
    if (meets(r, grid_step))
        goto done; /* the start is optimal */
    clp_mip_params mp = {.time_limit_s = deadline - clp_now(), .abs_gap = grid_step > 0 ? 0.999 * grid_step : 0};
    clp_mip_result mr;
    if (mp.time_limit_s <= 0 || clp_mip_solve(ms.m, &mp, start, &mr) != CL_OK ||
        (mr.status != CLP_MIP_OPTIMAL && mr.status != CLP_MIP_TIME_LIMIT) ||
        mr.objective >= r->objective - 1e-7 * (1 + fabs(r->objective)))
        goto done;
    /* The better plan, back in the pool's columns, and its value as the caseloads give it (not GLPK's sum). */
    r->improved = true;
    r->objective = 0;
    for (int f = 0; f < p->n_frees; f++) {
        double v = clp_mip_value(ms.m, f);
        sol[p->frees[f].col] = p->frees[f].integer ? round(v) : v;
        r->objective += p->frees[f].cost * sol[p->frees[f].col];
    }
    for (int b = 0; b < p->n_blocks; b++)
        for (int i = 0; i < p->blocks[b].n_items; i++)
            sol[p->blocks[b].items[i].col] = 0;
    for (int q = 0; q < ms.n_pat; q++) {
        const pattern *pt = &ms.pat[q];
        if (clp_mip_value(ms.m, p->n_frees + q) < 0.5)
            continue;
        for (int i = 0; i < p->blocks[pt->block].n_items; i++)
            sol[p->blocks[pt->block].items[i].col] += pt->count[i];
        r->objective += pattern_cost(p, &p->blocks[pt->block], pt->count, pt->steps);
    }
done:
    r->proven = rc == CL_OK && meets(r, grid_step);
    free(dual);
    free(rcost);
    free(count);
    free(start);
    master_dispose(&ms);
    return rc;
}
