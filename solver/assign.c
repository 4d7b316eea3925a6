/* assign.c: the exact lexicographic assignment (SPEC §4, §5).
 *
 * Formulation. Clients fall apart into independent pools: the components of the graph that links each
 * client to the managers and peers it may have. Every level of the objective is a sum over pools, so the
 * lexicographic optimum of the agency is the lexicographic optimum of each pool. Inside a pool, clients
 * that are alike in everything the objective sees (eligible managers and peers, acuity, level, current
 * manager and peer, zone, and the waitlist weight of an intake) form a class, and the model counts how many
 * of a class go to each manager: one integer per class and eligible manager instead of one binary per
 * client. phi is convex, so the imbalance needs no binaries: an epigraph variable per staff member above
 * the lines of phi's segments (also the chords of phi between the loads a staff member can reach), added
 * only for the utilizations the overload level still allows. Each level is solved to proven optimality by
 * GLPK's branch and cut, started from the previous level's solution, then held by a row while the next
 * level is solved. The first two levels see neither current staff nor zones: they are solved over coarser
 * classes (run_levels), whose plan is then shared out over the fine ones. In assign the moves level usually
 * leaves only the clients that must move free: when the moves held equal the floor that the overload forces,
 * every other client is pinned (pin_after_moves). The imbalance and travel levels of a pinned pool, and the
 * waitlist level of any pool, are solved over whole caseloads (caseload_try, solver/patterns.c) where a short
 * search of GLPK's does not prove them: that LP bound the class counts' LP falls far short of; GLPK's search on
 * the class model follows only where the caseloads do not prove the level either.
 *
 * Starts and repairs. The first level starts from what a supervisor would do (initial_solution); before
 * the overload and waitlist levels short ejection chains make room (repair_over_wait); before the moves,
 * imbalance and travel levels cheap local searches (return_home, improve_imbalance, improve_travel) hand
 * GLPK a good incumbent, and they alone serve the levels a time limit leaves unsolved (run_range). The moves
 * level's start may also come from everyone at home, repaired by a min-conflicts search (home_first): GLPK
 * rarely finds a tight packing with few moves by itself.
 *
 * A move budget (rebalance --max-moves) is the only link between pools: solve_budget tries the pools' own
 * optima, then shares the budget out over the pools by a dynamic programme over per-pool solves
 * (budget_dp, which also gives --frontier), and only as a fallback solves the pools coupled in one model.
 */
#include "assign.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../model/rules.h"
#include "backend.h"
#include "explain.h"
#include "patterns.h"

/* The largest model solved (columns); about 6.6 GiB of memory. */
#define CL_ASSIGN_MAX_COLUMNS 20e6

enum level { L_OVER = 0, L_WAIT, L_MOVES, L_IMB, L_TRAVEL, NLEVELS };
static const char *const level_names[NLEVELS] = {"overload", "waitlist", "moves", "imbalance", "travel"};

void cl_solve_opts_init(cl_solve_opts *o)
{
    o->time_limit_s = 60;
    o->gap = 0;
    o->balance_first = false;
    o->max_moves = CL_NONE;
    o->frontier = false;
    o->progress = false;
}

/* Per-client eligibility, computed once. */
typedef struct elig {
    int *mgr, n_mgr;
    int *peer, n_peer;
    bool relaxed;
} elig;

/* A class of interchangeable clients. */
typedef struct cls {
    int *clients; /* instance indices, ascending */
    int n;
    const elig *e; /* of its first client: the same for all */
    double acuity;
    double weight; /* waitlist weight of one intake: acuity x priority; 0 for existing clients */
    int cur, curpeer;
    int zone;
    cl_program level;
    bool intake;
    /* columns */
    int x0, w, y0; /* first x column (n_mgr of them), waitlist column or -1, first y column or -1 */
} cls;

/* The model of one unit: a pool, or all pools when a move budget couples them. */
typedef struct unit {
    const cl_instance *inst;
    cls *classes;
    int n_classes;
    int *staff; /* staff in the unit, ascending */
    int n_staff;
    int *local; /* staff index -> position in staff, or -1 (n_staff of the instance) */
    int *over;  /* overload column per local staff */
    int *tcol;  /* imbalance epigraph column per local staff, -1 until added */
    int *teams; /* teams with members in the unit */
    int n_teams;
    int *team_over;
    clp_mip *m;
    int *load_first;          /* the columns that load each staff member (local index, then n_staff + team position */
    int *load_col;            /* for the team pools), in class order, with their coefficients: load_first[a] .. */
    double *load_coef_of;     /* load_first[a + 1] */
    double constant[NLEVELS]; /* constant part of each level (moves: clients that must move) */
    bool phi_added;
    struct reach *reach;  /* per local staff: the loads it can still reach, once the moves level pins them */
    int *stay_of;         /* and how many of its own clients stay when it sheds some (else -1) */
    bool coarse;          /* a coarse unit (run_levels): its moves are its stay columns */
    bool stopped;         /* some level of it was stopped by the time limit */
    bool retrying;        /* a level stopped by its first share is solved again (run_range) */
    int from;             /* the first level (in the command's order) to solve; those before are held */
    int stay0, n_stay;    /* coarse units: the columns of the clients who keep their manager or peer, */
    int *stay_x, *stay_w; /* the x or y column and the waitlist column (or -1) each is bounded by, */
    double *stay_ub;      /* and how many have that manager or peer now */
    int budget;           /* rebalance --max-moves, CL_NONE when none */
    double *sol;          /* current solution, one value per column */
} unit;

/* The loads a staff member can reach: whole multiples v * g with ok[v] set, v = 0 .. n - 1; n = 0: unknown. */
typedef struct reach {
    double g;
    int n;
    unsigned char *ok;
} reach;

/* Level expressions as sparse vectors over the unit's columns. */
typedef struct vec {
    int *idx;
    double *val;
    int n, cap;
} vec;

static int vec_push(vec *v, int j, double x)
{
    if (v->n == v->cap) {
        int cap = v->cap ? v->cap * 2 : 64;
        int *idx = realloc(v->idx, (size_t)cap * sizeof *idx);
        double *val = realloc(v->val, (size_t)cap * sizeof *val);
        if (idx)
            v->idx = idx;
        if (val)
            v->val = val;
        if (!idx || !val)
            return CL_ENOMEM;
        v->cap = cap;
    }
    v->idx[v->n] = j;
    v->val[v->n++] = x;
    return CL_OK;
}

static void vec_dispose(vec *v)
{
    free(v->idx);
    free(v->val);
    memset(v, 0, sizeof *v);
}

/* ---- classes ---------------------------------------------------------------------------------------- */

static const cl_instance *g_inst; /* for qsort comparators only */
static const elig *g_elig;

static int cmp_int_list(const int *a, int na, const int *b, int nb)
{
    if (na != nb)
        return na < nb ? -1 : 1;
    for (int k = 0; k < na; k++)
        if (a[k] != b[k])
            return a[k] < b[k] ? -1 : 1;
    return 0;
}

static double weight_of(const cl_client *cl)
{
    return cl->manager < 0 ? cl->acuity * cl->priority : 0;
}

static int cmp_clients(const void *pa, const void *pb)
{
    int a = *(const int *)pa, b = *(const int *)pb;
    const cl_client *ca = &g_inst->clients[a], *cb = &g_inst->clients[b];
    const elig *ea = &g_elig[a], *eb = &g_elig[b];
    int r = cmp_int_list(ea->mgr, ea->n_mgr, eb->mgr, eb->n_mgr);
    if (r == 0)
        r = cmp_int_list(ea->peer, ea->n_peer, eb->peer, eb->n_peer);
    if (r == 0 && ca->acuity != cb->acuity)
        r = ca->acuity < cb->acuity ? -1 : 1;
    if (r == 0 && ca->level != cb->level)
        r = ca->level < cb->level ? -1 : 1;
    if (r == 0 && weight_of(ca) != weight_of(cb))
        r = weight_of(ca) < weight_of(cb) ? -1 : 1;
    if (r == 0 && ca->manager != cb->manager)
        r = ca->manager < cb->manager ? -1 : 1;
    if (r == 0 && ca->peer != cb->peer)
        r = ca->peer < cb->peer ? -1 : 1;
    if (r == 0 && ca->zone != cb->zone)
        r = ca->zone < cb->zone ? -1 : 1;
    if (r == 0)
        r = a < b ? -1 : a > b;
    return r;
}

static bool same_class(const cl_instance *inst, const elig *e, int a, int b)
{
    const cl_client *ca = &inst->clients[a], *cb = &inst->clients[b];
    return cmp_int_list(e[a].mgr, e[a].n_mgr, e[b].mgr, e[b].n_mgr) == 0 &&
           cmp_int_list(e[a].peer, e[a].n_peer, e[b].peer, e[b].n_peer) == 0 && ca->acuity == cb->acuity &&
           ca->level == cb->level && weight_of(ca) == weight_of(cb) && ca->manager == cb->manager &&
           ca->peer == cb->peer && ca->zone == cb->zone;
}

/* Union-find over staff. */
static int find(int *parent, int s)
{
    while (parent[s] != s) {
        parent[s] = parent[parent[s]];
        s = parent[s];
    }
    return s;
}

static bool in_list(const int *l, int n, int s)
{
    for (int k = 0; k < n; k++)
        if (l[k] == s)
            return true;
    return false;
}

/* ---- the model of a unit ---------------------------------------------------------------------------- */

/* Class k's staff, list length and column on side 0 (managers) or 1 (peers). */
static int side_staff(const cls *k, int side, int pos)
{
    return side == 0 ? k->e->mgr[pos] : k->e->peer[pos];
}

static int side_len(const cls *k, int side)
{
    return side == 0 ? k->e->n_mgr : k->e->n_peer;
}

static int side_col(const cls *k, int side, int pos)
{
    return (side == 0 ? k->x0 : k->y0) + pos;
}

/* Position of staff s in class k's list on side 0 (managers) or 1 (peers), or -1. */
static int staff_pos(const cls *k, int side, int s)
{
    for (int t = 0; t < side_len(k, side); t++)
        if (side_staff(k, side, t) == s)
            return t;
    return -1;
}

/* Position of class k's current staff member in its list on side 0 (manager) or 1 (peer); -1 when it has
 * none or may not keep the client. */
static int cur_pos(const cls *k, int side)
{
    int s = side == 0 ? k->cur : k->curpeer;
    return s >= 0 ? staff_pos(k, side, s) : -1;
}

static double load_coef(const unit *u, const cls *k, int s)
{
    return u->inst->staff[s].team >= 0 ? k->acuity / u->inst->programs[k->level].caseload_cap : k->acuity;
}

/* What one client of class k loads staff member s with on side 0 (as its manager) or 1 (as its peer). */
static double side_load(const unit *u, const cls *k, int side, int s)
{
    return side == 0 ? load_coef(u, k, s) : k->acuity;
}

/* The side of class k that column col (one of k's x or y columns) is on: 0 (managers) or 1 (peers), and its
 * position in the list of that side. */
static int col_side(const cls *k, int col)
{
    return k->y0 >= 0 && col >= k->y0 ? 1 : 0;
}

static int col_pos(const cls *k, int col)
{
    return col - (col_side(k, col) == 0 ? k->x0 : k->y0);
}

/* Fills the load lists of the unit (see unit) in one pass over its classes. */
static int build_load_lists(unit *u)
{
    const cl_instance *inst = u->inst;
    int nl = u->n_staff + u->n_teams;
    int *team_pos = malloc(((size_t)inst->n_teams + 1) * sizeof *team_pos);
    u->load_first = calloc((size_t)nl + 2, sizeof *u->load_first);
    if (team_pos == NULL || u->load_first == NULL) {
        free(team_pos);
        return CL_ENOMEM;
    }
    for (int t = 0; t < inst->n_teams; t++)
        team_pos[t] = -1;
    for (int t = 0; t < u->n_teams; t++)
        team_pos[u->teams[t]] = u->n_staff + t;
    for (int pass = 0; pass < 2; pass++) { /* count, then fill */
        for (int i = 0; i < u->n_classes; i++) {
            const cls *k = &u->classes[i];
            for (int side = 0; side < 2; side++)
                for (int t = 0; t < side_len(k, side); t++) {
                    int s = side_staff(k, side, t), team = side == 0 ? inst->staff[s].team : CL_NONE;
                    double c = side_load(u, k, side, s);
                    int lists[2] = {u->local[s], team >= 0 ? team_pos[team] : -1};
                    for (int q = 0; q < 2; q++) {
                        if (lists[q] < 0)
                            continue;
                        if (pass == 0) {
                            u->load_first[lists[q] + 2]++;
                        } else {
                            int at = u->load_first[lists[q] + 1]++;
                            u->load_col[at] = side_col(k, side, t);
                            u->load_coef_of[at] = c;
                        }
                    }
                }
        }
        if (pass == 0) {
            for (int a = 0; a < nl; a++)
                u->load_first[a + 2] += u->load_first[a + 1];
            u->load_col = malloc(((size_t)u->load_first[nl + 1] + 1) * sizeof *u->load_col);
            u->load_coef_of = malloc(((size_t)u->load_first[nl + 1] + 1) * sizeof *u->load_coef_of);
            if (u->load_col == NULL || u->load_coef_of == NULL) {
                free(team_pos);
                return CL_ENOMEM;
            }
        }
    }
    free(team_pos);
    return CL_OK;
}

static int build_unit(unit *u)
{
    const cl_instance *inst = u->inst;
    clp_mip *m = clp_mip_new();
    if (m == NULL)
        return CL_ENOMEM;
    u->m = m;
    vec row = {0};
    int rc = CL_OK;
    /* Columns: per class its x, w and y. */
    for (int i = 0; i < u->n_classes; i++) {
        cls *k = &u->classes[i];
        k->x0 = clp_mip_ncols(m);
        for (int t = 0; t < k->e->n_mgr; t++)
            clp_mip_add_col(m, 0, k->n, true);
        k->w = k->intake ? clp_mip_add_col(m, 0, k->n, true) : -1;
        k->y0 = -1;
        if (k->e->n_peer > 0) {
            k->y0 = clp_mip_ncols(m);
            for (int t = 0; t < k->e->n_peer; t++)
                clp_mip_add_col(m, 0, k->n, true);
        }
    }
    for (int a = 0; a < u->n_staff; a++)
        u->over[a] = clp_mip_add_col(m, 0, HUGE_VAL, false);
    for (int t = 0; t < u->n_teams; t++)
        u->team_over[t] = clp_mip_add_col(m, 0, HUGE_VAL, false);
    /* Every client of a class is placed, or (intakes only) waits; peers follow the placed ones. */
    for (int i = 0; i < u->n_classes && rc == CL_OK; i++) {
        cls *k = &u->classes[i];
        row.n = 0;
        for (int t = 0; t < k->e->n_mgr; t++)
            vec_push(&row, k->x0 + t, 1);
        if (k->w >= 0)
            vec_push(&row, k->w, 1);
        if (clp_mip_add_row(m, row.idx, row.val, row.n, k->n, k->n) < 0)
            rc = CL_EINTERNAL;
        if (k->y0 >= 0) {
            row.n = 0;
            for (int t = 0; t < k->e->n_mgr; t++)
                vec_push(&row, k->x0 + t, -1);
            for (int t = 0; t < k->e->n_peer; t++)
                vec_push(&row, k->y0 + t, 1);
            if (clp_mip_add_row(m, row.idx, row.val, row.n, 0, 0) < 0)
                rc = CL_EINTERNAL;
        }
    }
    /* Load above the limit is overload, per staff member and per team pool. */
    if (rc == CL_OK)
        rc = build_load_lists(u);
    for (int a = 0; a < u->n_staff && rc == CL_OK; a++) {
        int s = u->staff[a];
        row.n = 0;
        for (int q = u->load_first[a]; q < u->load_first[a + 1]; q++)
            vec_push(&row, u->load_col[q], u->load_coef_of[q]);
        vec_push(&row, u->over[a], -1);
        if (clp_mip_add_row(m, row.idx, row.val, row.n, -HUGE_VAL, cl_limit(inst, s)) < 0)
            rc = CL_EINTERNAL;
    }
    for (int t = 0; t < u->n_teams && rc == CL_OK; t++) {
        row.n = 0;
        for (int q = u->load_first[u->n_staff + t]; q < u->load_first[u->n_staff + t + 1]; q++)
            vec_push(&row, u->load_col[q], u->load_coef_of[q]);
        vec_push(&row, u->team_over[t], -1);
        if (clp_mip_add_row(m, row.idx, row.val, row.n, -HUGE_VAL, cl_team_limit(inst, u->teams[t])) < 0)
            rc = CL_EINTERNAL;
    }
    vec_dispose(&row);
    return rc;
}

/* The part of phi's slope that the imbalance expression carries for staff member a (local), per unit of
 * utilization: phi's first segment (0.05 u) when a's load may fall below the first breakpoint, else 0 (its
 * loads, once the moves level has pinned the plan, never do: the first segment's line is then below the
 * second's, and the epigraph column alone is exact; S assign 0.08 s -> 0.03 s). */
static double phi_first(const unit *u, int a)
{
    const reach *r = u->reach != NULL && u->reach[a].n > 0 ? &u->reach[a] : NULL;
    int v = 0;
    while (r != NULL && v < r->n && !r->ok[v])
        v++;
    bool low = r == NULL || v * r->g < CL_PHI_STEP * cl_util_base(u->inst, u->staff[a]) - 1e-9;
    return low ? CL_PHI_STEP : 0;
}

/* The linear part of a level over the unit's columns; the constant is u->constant[level]. */
static int level_expr(const unit *u, int level, vec *v)
{
    const cl_instance *inst = u->inst;
    v->n = 0;
    switch (level) {
    case L_OVER:
        for (int a = 0; a < u->n_staff; a++)
            vec_push(v, u->over[a], 1);
        for (int t = 0; t < u->n_teams; t++)
            vec_push(v, u->team_over[t], 1);
        break;
    case L_WAIT:
        for (int i = 0; i < u->n_classes; i++)
            if (u->classes[i].w >= 0)
                vec_push(v, u->classes[i].w, u->classes[i].weight);
        break;
    case L_MOVES:
        for (int j = u->stay0; j < u->stay0 + u->n_stay; j++)
            vec_push(v, j, -1);
        for (int i = 0; i < u->n_classes; i++) {
            const cls *k = &u->classes[i];
            for (int t = 0; t < k->e->n_mgr; t++)
                if (k->cur >= 0 && k->e->mgr[t] == k->cur)
                    vec_push(v, k->x0 + t, -1);
            for (int t = 0; t < k->e->n_peer; t++)
                if (k->curpeer >= 0 && k->e->peer[t] == k->curpeer)
                    vec_push(v, k->y0 + t, -1);
            if (k->curpeer >= 0 && k->w >= 0) /* an intake that waits keeps no peer, and that is no move */
                vec_push(v, k->w, -1);
        }
        break;
    case L_IMB: /* phi's first segment, 0.05 u, is linear in the load; the epigraph columns hold the rest */
        for (int a = 0; a < u->n_staff; a++) {
            if (u->tcol[a] < 0)
                continue;
            vec_push(v, u->tcol[a], 1);
            double c = inst->staff[u->staff[a]].fte * phi_first(u, a) / cl_util_base(inst, u->staff[a]);
            for (int q = u->load_first[a]; q < u->load_first[a + 1] && c > 0; q++)
                vec_push(v, u->load_col[q], c * u->load_coef_of[q]);
        }
        break;
    case L_TRAVEL:
        for (int i = 0; i < u->n_classes; i++) {
            const cls *k = &u->classes[i];
            for (int t = 0; t < k->e->n_mgr; t++) {
                int tr = cl_instance_travel(inst, k->zone, inst->staff[k->e->mgr[t]].zone);
                if (tr != 0)
                    vec_push(v, k->x0 + t, tr);
            }
        }
        break;
    }
    return CL_OK;
}

/* Moves every client of the unit must make whatever the plan: current manager (peer) not eligible. */
static void moves_constant(unit *u)
{
    double c = 0;
    for (int i = 0; i < u->n_classes; i++) {
        const cls *k = &u->classes[i];
        if (k->cur >= 0)
            c += k->n;       /* minus those that stay, in the linear part */
        if (k->curpeer >= 0) /* a peer the client cannot keep is a move too */
            c += k->n;
    }
    u->constant[L_MOVES] = c;
}

static long long gcd_ll(long long a, long long b)
{
    while (b != 0) {
        long long r = a % b;
        a = b;
        b = r;
    }
    return a < 0 ? -a : a;
}

static int cmp_double(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return a < b ? -1 : a > b;
}

/* The step of the loads a load row can reach: the greatest g of which every coefficient is a whole multiple
 * (coefficients read as fractions with denominators up to 2,400, e.g. acuity 0.25 / 12 = 1/48), or 0 when
 * there is none. */
static double load_grid(const vec *load)
{
    double *v = malloc(((size_t)load->n + 1) * sizeof *v);
    if (v == NULL)
        return 0;
    memcpy(v, load->val, (size_t)load->n * sizeof *v);
    qsort(v, (size_t)load->n, sizeof *v, cmp_double);
    long long num = 0, den = 1; /* the gcd so far, num / den */
    for (int q = 0; q < load->n && den > 0; q++) {
        if (q > 0 && v[q] == v[q - 1])
            continue;
        long long d = 1;
        while (d <= 2400 && fabs(v[q] * (double)d - round(v[q] * (double)d)) > 1e-9 * (double)d)
            d++;
        if (d > 2400 || v[q] <= 0) {
            den = 0;
            break;
        }
        long long p = llround(v[q] * (double)d);
        num = gcd_ll(num * d, p * den); /* gcd(num/den, p/d) = gcd(num d, p den) / (den d) */
        den *= d;
        long long r = gcd_ll(num, den);
        num /= r;
        den /= r;
        if (den > 100000) { /* no grid worth the name (and no overflow ahead) */
            den = 0;
            break;
        }
    }
    free(v);
    return den > 0 && num > 0 ? (double)num / (double)den : 0;
}

/* The step of the values a level over integer columns can take: the grid of its coefficients' sizes. */
static double value_grid(const vec *e)
{
    vec a = {0};
    for (int q = 0; q < e->n; q++)
        if (vec_push(&a, e->idx[q], fabs(e->val[q])) != CL_OK) {
            vec_dispose(&a);
            return 0;
        }
    double g = load_grid(&a);
    vec_dispose(&a);
    return g;
}

/* Adds the chord of staff a's fte x phi between loads l0 and l1 (load: its load row) as a line below its
 * epigraph variable: slope L - t <= slope l0 - f0. row: scratch. */
static int add_chord(unit *u, int a, const vec *load, double l0, double l1, vec *row)
{
    const cl_staff *st = &u->inst->staff[u->staff[a]];
    double base = cl_util_base(u->inst, u->staff[a]);
    double f0 = st->fte * cl_phi(l0 / base), f1 = st->fte * cl_phi(l1 / base), slope = (f1 - f0) / (l1 - l0);
    double first = st->fte * phi_first(u, a) / base; /* (the part in the imbalance expression) */
    row->n = 0;
    for (int q = 0; q < load->n; q++)
        vec_push(row, load->idx[q], (slope - first) * load->val[q]);
    vec_push(row, u->tcol[a], -1);
    return clp_mip_add_row(u->m, row->idx, row->val, row->n, -HUGE_VAL, slope * l0 - f0) < 0 ? CL_EINTERNAL : CL_OK;
}

/* The lines of phi's segments, scaled by fte, above the epigraph variable t of each staff member, for
 * utilizations up to what the limit plus the overload still allowed permits. The first segment's line,
 * 0.05 u, is linear: where the load may fall below it, it is in the imbalance expression (phi_first), t
 * holds phi less it, and t >= 0 is the first segment (as a row of its own it slowed S rebalance
 * --max-moves 20 from 5 s to 30 s). Where a breakpoint of phi falls between two neighbouring loads a staff
 * member can have, the chord between them is a tighter valid line: in assign, once the moves level has
 * pinned the plan (pin_after_moves), the loads it can still reach (u->reach; 300 clients 5.6 s -> 0.7 s);
 * with hull and no such set, the grid of its loads (a load is a sum of acuities, so a whole multiple of its
 * grid), which helps where balance is free to choose the loads (rebalance) and in assign without the pins
 * only slowed the search (S assign 0.23 s -> 0.9). */
static int add_phi(unit *u, double overload_allowed, bool hull)
{
    const cl_instance *inst = u->inst;
    vec row = {0};
    int rc = CL_OK;
    for (int a = 0; a < u->n_staff && rc == CL_OK; a++) {
        int s = u->staff[a];
        const cl_staff *st = &inst->staff[s];
        double base = cl_util_base(inst, s);
        u->tcol[a] = clp_mip_add_col(u->m, 0, HUGE_VAL, false);
        double umax = (cl_limit(inst, s) + overload_allowed) / base;
        int segs = (int)ceil(umax / CL_PHI_STEP - 1e-9);
        if (segs < 1)
            segs = 1;
        /* The load row of s without its overload column. */
        vec load = {0};
        for (int q = u->load_first[a]; q < u->load_first[a + 1]; q++)
            vec_push(&load, u->load_col[q], u->load_coef_of[q]);
        double first = phi_first(u, a);
        for (int j = 1; j < segs && rc == CL_OK; j++) { /* fte * ((slope - first) * L / base - drop) <= t */
            double slope, drop;
            cl_phi_segment(j, &slope, &drop);
            row.n = 0;
            for (int q = 0; q < load.n; q++)
                vec_push(&row, load.idx[q], st->fte * (slope - first) * load.val[q] / base);
            vec_push(&row, u->tcol[a], -1);
            if (clp_mip_add_row(u->m, row.idx, row.val, row.n, -HUGE_VAL, st->fte * drop) < 0)
                rc = CL_EINTERNAL;
        }
        const reach *r = u->reach != NULL && u->reach[a].n > 0 ? &u->reach[a] : NULL;
        for (int v = 0, prev = -1; r != NULL && v < r->n && rc == CL_OK; v++) {
            if (!r->ok[v])
                continue;
            /* The chord between neighbouring reachable loads where a breakpoint of phi falls between them. */
            double l0 = prev * r->g, l1 = v * r->g;
            bool between = false;
            for (int j = 1; j < segs && prev >= 0; j++)
                between |= j * CL_PHI_STEP * base > l0 + 1e-9 && j * CL_PHI_STEP * base < l1 - 1e-9;
            if (between)
                rc = add_chord(u, a, &load, l0, l1, &row);
            prev = v;
        }
        double g = hull && r == NULL ? load_grid(&load) : 0, last = -1;
        for (int j = 1; j < segs && g > 0 && rc == CL_OK; j++) {
            double b = j * CL_PHI_STEP * base / g; /* the breakpoint, in grid steps */
            if (fabs(b - round(b)) < 1e-9 || floor(b) == last)
                continue;
            last = floor(b);
            rc = add_chord(u, a, &load, floor(b) * g, (floor(b) + 1) * g, &row);
        }
        vec_dispose(&load);
    }
    vec_dispose(&row);
    u->phi_added = true;
    return rc;
}

/* Loads of the unit's staff and team pools in the current solution. */
static void current_loads(const unit *u, double *load, double *pool)
{
    const cl_instance *inst = u->inst;
    for (int i = 0; i < u->n_classes; i++) {
        const cls *k = &u->classes[i];
        for (int t = 0; t < k->e->n_mgr; t++) {
            int s = k->e->mgr[t];
            double l = load_coef(u, k, s) * u->sol[k->x0 + t];
            load[u->local[s]] += l;
            if (inst->staff[s].team >= 0)
                pool[inst->staff[s].team] += l;
        }
        for (int t = 0; t < k->e->n_peer; t++)
            load[u->local[k->e->peer[t]]] += k->acuity * u->sol[k->y0 + t];
    }
}

/* Recomputes the continuous columns (overloads, phi epigraphs) of u->sol from its integer columns, so that
 * the solution handed to GLPK as a start is feasible. */
static void complete_solution(unit *u)
{
    const cl_instance *inst = u->inst;
    double *load = calloc((size_t)u->n_staff + 1, sizeof *load);
    double *pool = calloc((size_t)inst->n_teams + 1, sizeof *pool);
    if (load == NULL || pool == NULL)
        goto done;
    current_loads(u, load, pool);
    for (int a = 0; a < u->n_staff; a++) {
        int s = u->staff[a];
        u->sol[u->over[a]] = fmax(0, load[a] - cl_limit(inst, s));
        if (u->tcol[a] >= 0) {
            double uu = load[a] / cl_util_base(inst, s), best = 0;
            double fte = inst->staff[s].fte, first = phi_first(u, a);
            for (int j = 1; j * CL_PHI_STEP < uu + CL_PHI_STEP; j++) { /* the highest line, less phi_first */
                double slope, drop;
                cl_phi_segment(j, &slope, &drop);
                best = fmax(best, fte * ((slope - first) * uu - drop));
            }
            u->sol[u->tcol[a]] = best * (1 + 1e-12) + 1e-12;
        }
    }
    for (int q = 0; q < u->n_teams; q++)
        u->sol[u->team_over[q]] = fmax(0, pool[u->teams[q]] - cl_team_limit(inst, u->teams[q]));
    for (int j = 0; j < u->n_stay; j++) /* (coarse units) as many keep their staff as may */
        u->sol[u->stay0 + j] = fmin(u->stay_ub[j], (u->stay_x[j] >= 0 ? u->sol[u->stay_x[j]] : 0) +
                                                       (u->stay_w[j] >= 0 ? u->sol[u->stay_w[j]] : 0));
done:
    free(load);
    free(pool);
}

/* A client to place in the start: of class cls, a manager (side 0) or a peer (side 1), or an intake
 * (side 2, manager and peer); from: where it was shed from, or -1. */
typedef struct item {
    int cls, side, from;
    double key;
} item;

static int cmp_items(const void *pa, const void *pb)
{
    const item *a = pa, *b = pb;
    if (a->key != b->key)
        return a->key > b->key ? -1 : 1;
    if (a->cls != b->cls)
        return a->cls - b->cls;
    return a->side - b->side;
}

/* The eligible manager (side 0) or peer (side 1) of class k with the most room, relative to its size,
 * that fits one more client without overload or team pool excess; -1 when none. */
static int best_fit(const unit *u, const cls *k, int side, const double *load, const double *pool)
{
    int n = side == 0 ? k->e->n_mgr : k->e->n_peer, best = -1;
    double br = -HUGE_VAL;
    for (int t = 0; t < n; t++) {
        int s = side == 0 ? k->e->mgr[t] : k->e->peer[t], team = side == 0 ? u->inst->staff[s].team : CL_NONE;
        double coef = side_load(u, k, side, s);
        double room = cl_limit(u->inst, s) - load[u->local[s]] - coef;
        if (team >= 0)
            room = fmin(room, cl_team_limit(u->inst, team) - pool[team] - coef);
        if (room >= -1e-9 && room / cl_util_base(u->inst, s) > br) {
            br = room / cl_util_base(u->inst, s);
            best = t;
        }
    }
    return best;
}

/* Puts one client of class k on position t of its managers (side 0) or peers (1); sign -1 takes one off. */
static void put(unit *u, const cls *k, int side, int t, int sign, double *load, double *pool)
{
    int s = side == 0 ? k->e->mgr[t] : k->e->peer[t];
    double coef = side_load(u, k, side, s);
    u->sol[side_col(k, side, t)] += sign;
    load[u->local[s]] += sign * coef;
    if (side == 0 && u->inst->staff[s].team >= 0)
        pool[u->inst->staff[s].team] += sign * coef;
}

static int push_item(item **items, size_t *n, size_t *cap, item it)
{
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 64;
        item *ni = realloc(*items, nc * sizeof *ni);
        if (ni == NULL)
            return CL_ENOMEM;
        *items = ni;
        *cap = nc;
    }
    (*items)[(*n)++] = it;
    return CL_OK;
}

/* The start of the first level, as a supervisor would do it: everyone stays where they may; a staff member
 * over its limit hands over its heaviest clients; those and the clients who must move go where there is
 * most room (back where they were, or to the least used, when there is none); intakes, highest waitlist
 * weight first, go where a manager (and, for an adult-home client, a peer) has room, or wait. */
static void initial_solution(unit *u)
{
    const cl_instance *inst = u->inst;
    double *load = calloc((size_t)u->n_staff + 1, sizeof *load);
    double *pool = calloc((size_t)inst->n_teams + 1, sizeof *pool);
    item *items = NULL;
    size_t n_items = 0, cap = 0;
    if (load == NULL || pool == NULL)
        goto done;
    for (int i = 0; i < u->n_classes; i++) {
        const cls *k = &u->classes[i];
        int stay = -1, pstay = -1;
        for (int t = 0; t < k->e->n_mgr; t++)
            if (k->e->mgr[t] == k->cur)
                stay = t;
        for (int t = 0; t < k->e->n_peer; t++)
            if (k->e->peer[t] == k->curpeer)
                pstay = t;
        for (int c = 0; c < k->n; c++) {
            item it = {i, k->intake ? 2 : 0, -1, k->intake ? 1e6 * k->weight + k->acuity : 1e12 + k->acuity};
            if (!k->intake && stay >= 0)
                put(u, k, 0, stay, +1, load, pool);
            else if (push_item(&items, &n_items, &cap, it) != CL_OK)
                goto done;
            if (k->intake || k->e->n_peer == 0)
                continue;
            if (pstay >= 0)
                put(u, k, 1, pstay, +1, load, pool);
            else if (push_item(&items, &n_items, &cap, (item){i, 1, -1, 1e12 + k->acuity}) != CL_OK)
                goto done;
        }
    }
    /* Shed the heaviest clients of those over their limit (not under a move budget: the start then makes
     * only the moves the instance forces, which the budget always allows). */
    for (int a = 0; a < u->n_staff && u->budget == CL_NONE; a++) {
        int s = u->staff[a];
        while (load[a] > cl_limit(inst, s) + 1e-9) {
            int bi = -1, bt = -1, bside = 0;
            double bw = 0;
            for (int i = 0; i < u->n_classes; i++) {
                const cls *k = &u->classes[i];
                for (int side = 0; side < 2; side++) {
                    int n = side == 0 ? k->e->n_mgr : k->e->n_peer;
                    const int *list = side == 0 ? k->e->mgr : k->e->peer;
                    for (int t = 0; t < n; t++)
                        if (list[t] == s && n > 1 && u->sol[side_col(k, side, t)] > 0.5 && k->acuity > bw) {
                            bw = k->acuity;
                            bi = i;
                            bt = t;
                            bside = side;
                        }
                }
            }
            if (bi < 0)
                break;
            put(u, &u->classes[bi], bside, bt, -1, load, pool);
            if (push_item(&items, &n_items, &cap, (item){bi, bside, bt, 1e12 + bw}) != CL_OK)
                goto done;
        }
    }
    if (n_items > 1)
        qsort(items, n_items, sizeof *items, cmp_items);
    for (size_t q = 0; q < n_items; q++) {
        const cls *k = &u->classes[items[q].cls];
        int side = items[q].side;
        if (side == 2) {
            int t = best_fit(u, k, 0, load, pool), p = k->e->n_peer > 0 ? best_fit(u, k, 1, load, pool) : -1;
            if (u->budget != CL_NONE && k->curpeer >= 0 && p >= 0 && k->e->peer[p] != k->curpeer)
                p = -1; /* a placed intake with another peer is a peer move: not in a start under a budget */
            if (t < 0 || (k->e->n_peer > 0 && p < 0)) {
                u->sol[k->w] += 1;
                continue;
            }
            put(u, k, 0, t, +1, load, pool);
            if (p >= 0)
                put(u, k, 1, p, +1, load, pool);
            continue;
        }
        int t = best_fit(u, k, side, load, pool);
        if (t < 0)
            t = items[q].from;
        if (t < 0) { /* nowhere with room: the least used */
            int n = side == 0 ? k->e->n_mgr : k->e->n_peer;
            double bu = HUGE_VAL;
            for (int r = 0; r < n; r++) {
                int s = side == 0 ? k->e->mgr[r] : k->e->peer[r];
                double uu = load[u->local[s]] / cl_util_base(inst, s);
                if (uu < bu) {
                    bu = uu;
                    t = r;
                }
            }
        }
        put(u, k, side, t, +1, load, pool);
    }
done:
    free(load);
    free(pool);
    free(items);
    complete_solution(u);
}

/* The imbalance the staff of the unit have with loads load (one per staff of the unit). */
static double phi_of(const unit *u, int a, double load)
{
    int s = u->staff[a];
    return u->inst->staff[s].fte * cl_phi(load / cl_util_base(u->inst, s));
}

/* Overload of staff a at load. */
static double over_of(const unit *u, int a, double load)
{
    return fmax(0, load - cl_limit(u->inst, u->staff[a]));
}

/* The change of the imbalance when the loads of staff a1 and a2 (local) change by d1 and d2. */
static double phi_change(const unit *u, const double *load, int a1, double d1, int a2, double d2)
{
    return phi_of(u, a1, load[a1] + d1) - phi_of(u, a1, load[a1]) + phi_of(u, a2, load[a2] + d2) -
           phi_of(u, a2, load[a2]);
}

/* ---- repair of overload and waitlist: short ejection chains ----------------------------------------- */

/* One client of class cls relocated on side 0 (manager) or 1 (peer) from position from of its list to
 * position to; from -1: an intake leaves the waitlist (its side-0 step takes it off the waitlist). */
typedef struct reloc {
    int cls, side, from, to;
} reloc;

/* The clients each staff member holds in the current solution: entries of (class, side, position), by
 * local staff (first[a] .. first[a + 1]). */
typedef struct held {
    int *first;
    reloc *at;      /* cls, side and from = position; to unused */
    int moves_left; /* moves the budget of rebalance --max-moves still allows (else a large number) */
    bool for_moves; /* try_relocs keeps what lowers the moves at no more overload (not the first two levels) */
} held;

static int held_build(const unit *u, held *h)
{
    free(h->first);
    free(h->at);
    h->first = calloc((size_t)u->n_staff + 2, sizeof *h->first);
    size_t n = 0;
    for (int i = 0; i < u->n_classes; i++)
        for (int side = 0; side < 2; side++)
            for (int t = 0; t < side_len(&u->classes[i], side); t++)
                if (u->sol[side_col(&u->classes[i], side, t)] > 0.5)
                    n++;
    h->at = malloc((n + 1) * sizeof *h->at);
    if (h->first == NULL || h->at == NULL)
        return CL_ENOMEM;
    for (int i = 0; i < u->n_classes; i++)
        for (int side = 0; side < 2; side++)
            for (int t = 0; t < side_len(&u->classes[i], side); t++)
                if (u->sol[side_col(&u->classes[i], side, t)] > 0.5)
                    h->first[u->local[side_staff(&u->classes[i], side, t)] + 2]++;
    for (int a = 0; a < u->n_staff; a++)
        h->first[a + 2] += h->first[a + 1];
    for (int i = 0; i < u->n_classes; i++)
        for (int side = 0; side < 2; side++)
            for (int t = 0; t < side_len(&u->classes[i], side); t++)
                if (u->sol[side_col(&u->classes[i], side, t)] > 0.5)
                    h->at[h->first[u->local[side_staff(&u->classes[i], side, t)] + 1]++] = (reloc){i, side, t, -1};
    return CL_OK;
}

/* Applies (sign +1) or undoes (-1) one relocation in the solution and the loads. */
static void reloc_apply(unit *u, const reloc *r, int sign, double *load, double *pool)
{
    const cls *k = &u->classes[r->cls];
    if (r->from >= 0) {
        int s = side_staff(k, r->side, r->from);
        double c = side_load(u, k, r->side, s);
        u->sol[side_col(k, r->side, r->from)] -= sign;
        load[u->local[s]] -= sign * c;
        if (r->side == 0 && u->inst->staff[s].team >= 0)
            pool[u->inst->staff[s].team] -= sign * c;
    } else if (r->side == 0) {
        u->sol[k->w] -= sign;
    }
    int s = side_staff(k, r->side, r->to);
    double c = side_load(u, k, r->side, s);
    u->sol[side_col(k, r->side, r->to)] += sign;
    load[u->local[s]] += sign * c;
    if (r->side == 0 && u->inst->staff[s].team >= 0)
        pool[u->inst->staff[s].team] += sign * c;
}

/* Overload of the staff members and team pools the relocations touch. */
static double touched_over(const unit *u, const reloc *r, int n, const double *load, const double *pool)
{
    int seen[10], n_seen = 0, teams[10], n_teams = 0;
    double over = 0;
    for (int q = 0; q < n; q++)
        for (int end = 0; end < 2; end++) {
            const cls *k = &u->classes[r[q].cls];
            int pos = end == 0 ? r[q].from : r[q].to;
            if (pos < 0)
                continue;
            int s = side_staff(k, r[q].side, pos), team = u->inst->staff[s].team;
            if (!in_list(seen, n_seen, s)) {
                seen[n_seen++] = s;
                over += over_of(u, u->local[s], load[u->local[s]]);
            }
            if (r[q].side == 0 && team >= 0 && !in_list(teams, n_teams, team)) {
                teams[n_teams++] = team;
                over += fmax(0, pool[team] - cl_team_limit(u->inst, team));
            }
        }
    return over;
}

/* Tries the relocations together; keeps them when they lower the overload, or the waitlist at no more
 * overload, within the moves the budget allows (h->for_moves: when they lower the moves at no more overload;
 * the waitlist cannot change, as nobody leaves it). */
static bool try_relocs(unit *u, const reloc *r, int n, held *h, double *load, double *pool)
{
    int dmoves = 0;
    for (int q = 0; q < n; q++) {
        const cls *k = &u->classes[r[q].cls];
        int home = r[q].side == 0 ? k->cur : k->curpeer;
        dmoves += home >= 0 && side_staff(k, r[q].side, r[q].to) != home;
        dmoves -= home >= 0 && r[q].from >= 0 && side_staff(k, r[q].side, r[q].from) != home;
    }
    if (dmoves > h->moves_left || (h->for_moves && dmoves >= 0))
        return false;
    double before = touched_over(u, r, n, load, pool), dwait = 0;
    for (int q = 0; q < n; q++) {
        reloc_apply(u, &r[q], +1, load, pool);
        if (r[q].from < 0 && r[q].side == 0)
            dwait -= u->classes[r[q].cls].weight;
    }
    double dover = touched_over(u, r, n, load, pool) - before;
    if (dover < -1e-9 || (dover < 1e-12 && (dwait < -1e-9 || h->for_moves))) { /* (no creep past the held overload) */
        h->moves_left -= dmoves;
        return true;
    }
    for (int q = n - 1; q >= 0; q--)
        reloc_apply(u, &r[q], -1, load, pool);
    return false;
}

/* With the first relocations r[0..n-1] tried on their own, also with one client of the staff member they
 * load (the last one's target) moving on anywhere it may go: an ejection chain. */
static bool try_chains(unit *u, reloc *r, int n, held *h, double *load, double *pool)
{
    if (try_relocs(u, r, n, h, load, pool))
        return true;
    const cls *k = &u->classes[r[n - 1].cls];
    int b = u->local[side_staff(k, r[n - 1].side, r[n - 1].to)];
    for (int e = h->first[b]; e < h->first[b + 1]; e++) {
        const cls *k2 = &u->classes[h->at[e].cls];
        if (h->at[e].side != r[n - 1].side)
            continue;
        for (int c = 0; c < side_len(k2, h->at[e].side); c++) {
            if (c == h->at[e].from)
                continue;
            r[n] = (reloc){h->at[e].cls, h->at[e].side, h->at[e].from, c};
            if (try_relocs(u, r, n + 1, h, load, pool))
                return true;
        }
    }
    return false;
}

/* The position in class k's list (side) of the staff member, other than staff excl, that one more client
 * fills most tightly without going over its limit or its team pool; -1 when none. */
static int tightest_fit(const unit *u, const cls *k, int side, int excl, const double *load, const double *pool)
{
    int best = -1;
    double br = HUGE_VAL;
    for (int t = 0; t < side_len(k, side); t++) {
        int s = side_staff(k, side, t), team = side == 0 ? u->inst->staff[s].team : CL_NONE;
        if (s == excl)
            continue;
        double coef = side_load(u, k, side, s);
        double room = cl_limit(u->inst, s) - load[u->local[s]] - coef;
        if (team >= 0 && team != (excl >= 0 && side == 0 ? u->inst->staff[excl].team : CL_NONE))
            room = fmin(room, cl_team_limit(u->inst, team) - pool[team] - coef);
        if (room >= -1e-9 && room < br) {
            br = room;
            best = t;
        }
    }
    return best;
}

/* With the relocations r[0..n-1] loading staff member b (the last one's target), two of b's clients leave
 * it, each for the place it fills most tightly. */
static bool try_double_eject(unit *u, reloc *r, int n, held *h, double *load, double *pool)
{
    const cls *k = &u->classes[r[n - 1].cls];
    int side = r[n - 1].side, sb = side_staff(k, side, r[n - 1].to), b = u->local[sb];
    for (int e1 = h->first[b]; e1 < h->first[b + 1]; e1++) {
        const reloc *h1 = &h->at[e1];
        if (h1->side != side)
            continue;
        int c1 = tightest_fit(u, &u->classes[h1->cls], side, sb, load, pool);
        if (c1 < 0)
            continue;
        r[n] = (reloc){h1->cls, side, h1->from, c1};
        for (int e2 = e1 + 1; e2 < h->first[b + 1]; e2++) {
            const reloc *h2 = &h->at[e2];
            if (h2->side != side)
                continue;
            reloc_apply(u, &r[n], +1, load, pool);
            int c2 = tightest_fit(u, &u->classes[h2->cls], side, sb, load, pool);
            reloc_apply(u, &r[n], -1, load, pool);
            if (c2 < 0)
                continue;
            r[n + 1] = (reloc){h2->cls, side, h2->from, c2};
            if (try_relocs(u, r, n + 2, h, load, pool))
                return true;
        }
    }
    return false;
}

static int moves_allowed(unit *u);

/* A local search for the first two levels: clients of a staff member over its limit (or in a team over its
 * pool) go elsewhere, and intakes leave the waitlist, directly or by pushing a client of the receiving staff
 * member on to another (swaps included), whenever that lowers the overload, or the waitlist at no more
 * overload. It never raises the overload, so it may start either level; the moves it makes are undone where
 * possible by the moves level, and under a move budget it makes no more than the budget allows. */
static void repair_over_wait(unit *u, double deadline)
{
    const cl_instance *inst = u->inst;
    double *load = calloc((size_t)u->n_staff + 1, sizeof *load);
    double *pool = calloc((size_t)inst->n_teams + 1, sizeof *pool);
    held h = {.moves_left = moves_allowed(u)};
    if (load == NULL || pool == NULL)
        goto done;
    current_loads(u, load, pool);
    for (bool improved = true; improved && clp_now() < deadline;) {
        improved = false;
        if (held_build(u, &h) != CL_OK)
            goto done;
        for (int a = 0; a < u->n_staff && clp_now() < deadline; a++) {
            int s = u->staff[a], team = inst->staff[s].team;
            if (over_of(u, a, load[a]) <= 1e-9 && (team < 0 || pool[team] <= cl_team_limit(inst, team) + 1e-9))
                continue;
            for (int e = h.first[a]; e < h.first[a + 1] && !improved; e++) {
                const cls *k = &u->classes[h.at[e].cls];
                for (int t = 0; t < side_len(k, h.at[e].side) && !improved; t++) {
                    reloc r[4] = {{h.at[e].cls, h.at[e].side, h.at[e].from, t}};
                    improved = t != h.at[e].from &&
                               (try_chains(u, r, 1, &h, load, pool) || try_double_eject(u, r, 1, &h, load, pool));
                }
            }
        }
        for (int i = 0; i < u->n_classes && !improved && clp_now() < deadline; i++) {
            const cls *k = &u->classes[i];
            if (k->w < 0 || u->sol[k->w] < 0.5)
                continue;
            int p = k->e->n_peer > 0 ? best_fit(u, k, 1, load, pool) : -1;
            if (k->e->n_peer > 0 && p < 0)
                continue;
            for (int t = 0; t < k->e->n_mgr && !improved; t++) {
                reloc r[5] = {{i, 0, -1, t}, {i, 1, -1, p}};
                int n = p >= 0 ? 2 : 1;
                if (n == 2) { /* the chain continues from the manager's side */
                    r[0] = r[1];
                    r[1] = (reloc){i, 0, -1, t};
                }
                improved = try_chains(u, r, n, &h, load, pool) || try_double_eject(u, r, n, &h, load, pool);
            }
        }
    }
done:
    complete_solution(u);
    free(h.first);
    free(h.at);
    free(load);
    free(pool);
}

typedef struct solve_ctx {
    const cl_solve_opts *opts;
    double started;
    double deadline;
    cl_plan_status status;
    int stopped_level; /* 1-based, 0 = none */
    double bound_gap;  /* the level stopped in: incumbent minus proven bound (of a unit, or summed) */
    double gap;
} solve_ctx;

static double level_value(const unit *u, int level, const vec *e)
{
    double v = u->constant[level];
    for (int q = 0; q < e->n; q++)
        v += e->val[q] * u->sol[e->idx[q]];
    return v;
}

/* Whether a client of class ka at staff member sa and one of class kb at sb (on side) may trade places: neither
 * staff member goes over its limit, nor a team pool over its limit, where its load grows. Writes the load
 * changes at sa and sb. */
static bool trade_fits(const unit *u, int side, const cls *ka, int sa, const cls *kb, int sb, const double *load,
                       const double *pool, double *da, double *db)
{
    const cl_instance *inst = u->inst;
    *da = side_load(u, kb, side, sa) - side_load(u, ka, side, sa);
    *db = side_load(u, ka, side, sb) - side_load(u, kb, side, sb);
    if ((*da > 0 && load[u->local[sa]] + *da > cl_limit(inst, sa) + 1e-9) ||
        (*db > 0 && load[u->local[sb]] + *db > cl_limit(inst, sb) + 1e-9))
        return false;
    int ta = side == 0 ? inst->staff[sa].team : CL_NONE, tb = side == 0 ? inst->staff[sb].team : CL_NONE;
    return ta == tb || !((ta >= 0 && *da > 0 && pool[ta] + *da > cl_team_limit(inst, ta) + 1e-9) ||
                         (tb >= 0 && *db > 0 && pool[tb] + *db > cl_team_limit(inst, tb) + 1e-9));
}

/* When a client's manager (peer) is full with clients who are not its own, the two trade places: the client
 * goes home and one of those goes where the client was, if it may be served there and nobody goes over a
 * limit or a pool. Moves drop by one or two; loads, and so overload and the waitlist, stay within the held
 * levels. */
static void swap_home(unit *u, double *load, double *pool, double deadline)
{
    for (bool changed = true; changed && clp_now() < deadline;) {
        changed = false;
        for (int i = 0; i < u->n_classes && clp_now() < deadline; i++)
            for (int side = 0; side < 2; side++) {
                const cls *ka = &u->classes[i];
                int home = side == 0 ? ka->cur : ka->curpeer, h = home >= 0 ? staff_pos(ka, side, home) : -1;
                for (int t = 0; h >= 0 && t < side_len(ka, side); t++) {
                    if (t == h || u->sol[side_col(ka, side, t)] < 0.5)
                        continue;
                    int away = side_staff(ka, side, t);
                    /* a client B at home whose own staff member is not home, and who may be served at away */
                    for (int j = 0; j < u->n_classes && u->sol[side_col(ka, side, t)] > 0.5; j++) {
                        const cls *kb = &u->classes[j];
                        int bh = staff_pos(kb, side, home), ba = staff_pos(kb, side, away);
                        double da, dh;
                        if (kb == ka || (side == 0 ? kb->cur : kb->curpeer) == home || bh < 0 || ba < 0 ||
                            u->sol[side_col(kb, side, bh)] < 0.5 ||
                            !trade_fits(u, side, ka, away, kb, home, load, pool, &da, &dh))
                            continue;
                        reloc r[2] = {{i, side, t, h}, {j, side, bh, ba}};
                        reloc_apply(u, &r[0], +1, load, pool);
                        reloc_apply(u, &r[1], +1, load, pool);
                        changed = true;
                        break;
                    }
                }
            }
    }
}

/* Trades for the imbalance: a client at staff member x and one at y swap places, where each may be served at
 * the other's and the sum of fte x phi drops, with no more overload nor more moves than allowed; once the
 * moves level has pinned the plan (u->reach), each staff member also keeps as many of its own clients. It
 * changes a load by the difference of two acuities, which single relocations cannot: on S they stopped at an
 * imbalance of 3.909 where the optimum is 3.879, which the LP bound proves at once (assign 0.16 s -> 0.02 s).
 * Returns whether it changed the plan. */
static bool balance_trades(unit *u, held *h, bool may_move, int *moves_left, double *load, double *pool,
                           double deadline)
{
    bool changed = false;
    if (held_build(u, h) != CL_OK)
        return false;
    for (int x = 0; x < u->n_staff && clp_now() < deadline; x++)
        for (int e = h->first[x]; e < h->first[x + 1]; e++) {
            reloc ra = h->at[e], rb = {0}, best_a = {0}, best_b = {0};
            const cls *ka = &u->classes[ra.cls];
            int side = ra.side, sx = u->staff[x], ha = side == 0 ? ka->cur : ka->curpeer, best_dm = 0;
            double best = -1e-9;
            for (ra.to = 0; ra.to < side_len(ka, side); ra.to++) {
                int sy = side_staff(ka, side, ra.to), y = u->local[sy];
                for (int f = ra.to == ra.from ? h->first[y + 1] : h->first[y]; f < h->first[y + 1]; f++) {
                    rb = h->at[f];
                    const cls *kb = &u->classes[rb.cls];
                    int hb = side == 0 ? kb->cur : kb->curpeer;
                    rb.to = staff_pos(kb, side, sx);
                    if (rb.side != side || rb.cls == ra.cls || rb.to < 0)
                        continue;
                    int dm = (sy != ha) - (sx != ha) + (sx != hb) - (sy != hb);
                    if ((dm > 0 && (!may_move || *moves_left < dm)) ||
                        (u->reach != NULL && ((ha == sx) != (hb == sx) || (hb == sy) != (ha == sy))))
                        continue;
                    double dx, dy;
                    if (!trade_fits(u, side, ka, sx, kb, sy, load, pool, &dx, &dy))
                        continue;
                    double delta = phi_change(u, load, x, dx, y, dy);
                    if (delta < best) {
                        best = delta;
                        best_a = ra;
                        best_b = rb;
                        best_dm = dm;
                    }
                }
            }
            if (best < -1e-9) {
                reloc_apply(u, &best_a, +1, load, pool);
                reloc_apply(u, &best_b, +1, load, pool);
                *moves_left -= best_dm;
                changed = true;
                if (held_build(u, h) != CL_OK)
                    return true;
                e = h->first[x] - 1; /* (the lists changed) this staff member again */
            }
        }
    return changed;
}

/* A local search before the imbalance level: one client at a time goes to another eligible manager (or
 * peer) when that lowers the imbalance, creates no overload (staff or team pool), and keeps the moves within
 * what is allowed (assign: a client already moved may go elsewhere or home, a client at home stays;
 * rebalance: any, within the move budget); when none does, two clients trade places (balance_trades, until
 * trade_deadline). Its result is the start of the imbalance level, which then has less to prove. */
static void improve_imbalance(unit *u, bool may_move, int moves_left, double deadline, double trade_deadline)
{
    held h = {0};
    const cl_instance *inst = u->inst;
    double *load = calloc((size_t)u->n_staff + 1, sizeof *load);
    double *pool = calloc((size_t)inst->n_teams + 1, sizeof *pool);
    if (load == NULL || pool == NULL)
        goto done;
    current_loads(u, load, pool);
    for (int pass = 0; pass < 50 && clp_now() < deadline; pass++) {
        bool changed = false;
        for (int i = 0; i < u->n_classes && clp_now() < deadline; i++) {
            const cls *k = &u->classes[i];
            for (int side = 0; side < 2; side++) {
                int n = side == 0 ? k->e->n_mgr : k->e->n_peer;
                const int *list = side == 0 ? k->e->mgr : k->e->peer;
                int col0 = side == 0 ? k->x0 : k->y0, home = side == 0 ? k->cur : k->curpeer;
                for (int from = 0; from < n; from++) {
                    if (u->sol[col0 + from] < 0.5)
                        continue;
                    int sf = list[from], af = u->local[sf];
                    double cf = side_load(u, k, side, sf);
                    int best = -1;
                    double best_delta = -1e-9;
                    for (int to = 0; to < n; to++) {
                        int st = list[to], at = u->local[st];
                        if (to == from)
                            continue;
                        /* moves before and after this client goes from sf to st */
                        int dm = (st != home) - (sf != home);
                        if (dm > 0 && (!may_move || moves_left < dm))
                            continue;
                        double ct = side_load(u, k, side, st);
                        if (load[at] + ct > cl_limit(inst, st) + 1e-9 &&
                            over_of(u, at, load[at] + ct) + over_of(u, af, load[af] - cf) >
                                over_of(u, at, load[at]) + over_of(u, af, load[af]) - 1e-9)
                            continue;
                        int tf = side == 0 ? inst->staff[sf].team : CL_NONE;
                        int tt = side == 0 ? inst->staff[st].team : CL_NONE;
                        if (tt >= 0 && tt != tf && pool[tt] + ct > cl_team_limit(inst, tt) + 1e-9)
                            continue;
                        double delta = phi_change(u, load, at, ct, af, -cf);
                        if (delta < best_delta) {
                            best_delta = delta;
                            best = to;
                        }
                    }
                    if (best < 0)
                        continue;
                    int st = list[best], at = u->local[st];
                    double ct = side_load(u, k, side, st);
                    int tf = side == 0 ? inst->staff[sf].team : CL_NONE;
                    int tt = side == 0 ? inst->staff[st].team : CL_NONE;
                    moves_left -= (st != home) - (sf != home);
                    u->sol[col0 + from] -= 1;
                    u->sol[col0 + best] += 1;
                    load[af] -= cf;
                    load[at] += ct;
                    if (tf >= 0)
                        pool[tf] -= cf;
                    if (tt >= 0)
                        pool[tt] += ct;
                    changed = true;
                    from--; /* the same source may give more */
                }
            }
        }
        if (!changed)
            changed = balance_trades(u, &h, may_move, &moves_left, load, pool, fmin(deadline, trade_deadline));
        if (!changed)
            break;
    }
    complete_solution(u);
done:
    free(h.first);
    free(h.at);
    free(load);
    free(pool);
}

/* Ejection chains home: a client away from home goes back although home is full, when one of home's clients
 * who is not its own moves on to any staff member it may have (its own first) with no more overload. Moves
 * drop by one or two; what swap_home cannot: the one moving on need not go where the first was (2,500
 * clients: 36 fewer moves when the moves level stops at its time limit). */
static void chain_home(unit *u, double *load, double *pool, double deadline)
{
    held h = {.for_moves = true}; /* (moves only drop: no budget to mind) */
    for (bool changed = true; changed && clp_now() < deadline && held_build(u, &h) == CL_OK;) {
        changed = false;
        for (int i = 0; i < u->n_classes && !changed && clp_now() < deadline; i++)
            for (int side = 0; side < 2 && !changed; side++) {
                const cls *ka = &u->classes[i];
                int hp = cur_pos(ka, side);
                if (hp < 0)
                    continue;
                int b = u->local[side_staff(ka, side, hp)];
                for (int t = 0; t < side_len(ka, side) && !changed; t++) {
                    if (t == hp || u->sol[side_col(ka, side, t)] < 0.5)
                        continue;
                    reloc r[2] = {{i, side, t, hp}};
                    for (int e = h.first[b]; e < h.first[b + 1] && !changed; e++) {
                        const cls *kb = &u->classes[h.at[e].cls];
                        int own = cur_pos(kb, side);
                        if (h.at[e].side != side || own == h.at[e].from)
                            continue;
                        for (int q = -1; q < side_len(kb, side) && !changed; q++) { /* (q = -1: its own) */
                            int d = q < 0 ? own : q;
                            if (d < 0 || d == h.at[e].from || (q >= 0 && q == own))
                                continue;
                            r[1] = (reloc){h.at[e].cls, side, h.at[e].from, d};
                            changed = try_relocs(u, r, 2, &h, load, pool);
                        }
                    }
                }
            }
    }
    free(h.first);
    free(h.at);
}

/* The home-first plan's search: at most this many steps per staff member of the unit and this many candidate
 * relocations in all (a work limit, not a clock: the same plan in every run), and the noise that lets it leave
 * a local minimum. 2,500 clients, the adult-home pool (52 staff, loads of 952 where 956 are allowed): with noise
 * 3 it found no plan in 5,200 steps, with 5, 8 and 12 it did in 982, 276 and 644 steps (617, 603 and 610 clients
 * and peers kept, where the coarse plan brought home kept 311). With 100 steps per staff member and 2e7
 * candidates, 20 scenarios of 600 clients (-j 2, 5 s) took 51 s, with these 46 s, without the search 38 s. */
#define HOME_FIRST_STEPS_PER_STAFF 20
#define HOME_FIRST_CANDIDATES      2e6
#define HOME_FIRST_NOISE           8.0

/* A deterministic pseudo-random number in [0, 1) (a linear congruential generator). */
static double next_random(unsigned long long *state)
{
    *state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(*state >> 11) / 9007199254740992.0;
}

/* The class of each of u's x and y columns, into cls_of. */
static void column_classes(const unit *u, int *cls_of)
{
    for (int i = 0; i < u->n_classes; i++)
        for (int side = 0; side < 2; side++)
            for (int t = 0; t < side_len(&u->classes[i], side); t++)
                cls_of[side_col(&u->classes[i], side, t)] = i;
}

/* The plan that keeps everyone at home: each existing client with its current manager and peer where it may
 * keep them, the intakes and the clients who must move where the current plan has them, and the same clients
 * waiting. Where that puts a staff member (or a team's pool) above what the current plan loads it with, or its
 * limit if more, clients are relocated one at a time off a staff member above (drawn at random), to where the
 * excess (with noise) and the clients taken from home are least, a relocation not undone for a few steps (a
 * min-conflicts search with a tabu list). When every load fits, no staff member and no pool has more overload
 * than in the current plan and the waitlist is the same: the plan replaces the current one if it keeps more
 * clients at home. For pools packed nearly full, where the coarse plan brought home keeps far fewer (2,500
 * clients: 311 kept of 654 possible, and GLPK's search finds nothing better in 30 s). */
static void home_first(unit *u)
{
    const cl_instance *inst = u->inst;
    int n = clp_mip_ncols(u->m), nl = u->n_staff;
    double *keep = malloc(((size_t)n + 1) * sizeof *keep);
    double *load = calloc((size_t)nl + 1, sizeof *load), *pool = calloc((size_t)inst->n_teams + 1, sizeof *pool);
    double *allow = malloc(((size_t)nl + 1) * sizeof *allow);
    double *pallow = malloc(((size_t)inst->n_teams + 1) * sizeof *pallow);
    int *tabu = calloc((size_t)n + 1, sizeof *tabu), *cls_of = malloc(((size_t)n + 1) * sizeof *cls_of);
    vec e = {0};
    if (!keep || !load || !pool || !allow || !pallow || !tabu || !cls_of || level_expr(u, L_MOVES, &e) != CL_OK)
        goto done;
    memcpy(keep, u->sol, (size_t)n * sizeof *keep);
    double before = level_value(u, L_MOVES, &e);
    current_loads(u, load, pool);
    for (int a = 0; a < nl; a++)
        allow[a] = fmax(cl_limit(inst, u->staff[a]), load[a]) + 1e-9;
    for (int t = 0; t < inst->n_teams; t++)
        pallow[t] = fmax(cl_team_limit(inst, t), pool[t]) + 1e-9;
    column_classes(u, cls_of);
    for (int i = 0; i < u->n_classes; i++) {
        cls *k = &u->classes[i];
        double placed = k->n - (k->w >= 0 ? u->sol[k->w] : 0);
        for (int side = 0; side < 2; side++) {
            int h = cur_pos(k, side);
            for (int t = 0; t < side_len(k, side) && h >= 0; t++)
                u->sol[side_col(k, side, t)] = t == h ? placed : 0;
        }
    }
    memset(load, 0, (size_t)nl * sizeof *load);
    memset(pool, 0, (size_t)inst->n_teams * sizeof *pool);
    current_loads(u, load, pool);
    unsigned long long rng = 1;
    double candidates = 0;
    bool fits = false;
    for (int step = 0; step < HOME_FIRST_STEPS_PER_STAFF * nl && candidates < HOME_FIRST_CANDIDATES; step++) {
        int a = -1, over = 0;
        for (int q = 0; q < nl; q++) { /* one of those above at random */
            int team = inst->staff[u->staff[q]].team;
            double ex = fmax(load[q] - allow[q], team >= 0 ? pool[team] - pallow[team] : 0);
            if (ex > 1e-9 && next_random(&rng) * ++over < 1)
                a = q;
        }
        if ((fits = a < 0))
            break;
        int s = u->staff[a], team = inst->staff[s].team, best_col = -1, best_to = -1;
        double best = HUGE_VAL;
        for (int q = u->load_first[a]; q < u->load_first[a + 1]; q++) { /* a's columns */
            int col = u->load_col[q];
            const cls *k = &u->classes[cls_of[col]];
            int side = col_side(k, col), from = col_pos(k, col);
            if (u->sol[col] < 0.5)
                continue;
            double c = side_load(u, k, side, s);
            for (int t = 0; t < side_len(k, side); t++) {
                int s2 = side_staff(k, side, t), b = u->local[s2], t2 = side == 0 ? inst->staff[s2].team : CL_NONE;
                if (t == from || tabu[side_col(k, side, t)] > step)
                    continue;
                candidates++;
                double c2 = side_load(u, k, side, s2);
                double excess = fmax(0, load[b] + c2 - allow[b]) - fmax(0, load[b] - allow[b]) +
                                fmax(0, load[a] - c - allow[a]) - fmax(0, load[a] - allow[a]);
                if (t2 >= 0 && t2 != team)
                    excess += fmax(0, pool[t2] + c2 - pallow[t2]) - fmax(0, pool[t2] - pallow[t2]);
                if (team >= 0 && t2 != team && side == 0)
                    excess += fmax(0, pool[team] - c - pallow[team]) - fmax(0, pool[team] - pallow[team]);
                double score = 10 * excess + (cur_pos(k, side) == from) - (cur_pos(k, side) == t) +
                               HOME_FIRST_NOISE * next_random(&rng);
                if (score < best) {
                    best = score;
                    best_col = col;
                    best_to = side_col(k, side, t);
                }
            }
        }
        if (best_col < 0)
            break;
        const cls *k = &u->classes[cls_of[best_col]];
        int side = col_side(k, best_col);
        int s2 = side_staff(k, side, col_pos(k, best_to)), b = u->local[s2];
        double c = side_load(u, k, side, s), c2 = side_load(u, k, side, s2);
        u->sol[best_col] -= 1;
        u->sol[best_to] += 1;
        tabu[best_col] = step + 7 + (int)(10 * next_random(&rng));
        load[a] -= c;
        load[b] += c2;
        if (side == 0 && team >= 0)
            pool[team] -= c;
        if (side == 0 && inst->staff[s2].team >= 0)
            pool[inst->staff[s2].team] += c2;
    }
    complete_solution(u);
    if (!fits || level_value(u, L_MOVES, &e) >= before - 0.5) { /* (the current plan stands) */
        memcpy(u->sol, keep, (size_t)n * sizeof *keep);
        complete_solution(u);
    }
done:
    vec_dispose(&e);
    free(keep);
    free(load);
    free(pool);
    free(allow);
    free(pallow);
    free(tabu);
    free(cls_of);
}

/* Brings clients back to their current manager (peer) where the levels before moves do not care: one at a
 * time from another staff member, when home has room (no overload, no team pool excess), then by trades
 * (swap_home) and ejection chains (chain_home), after a plan that starts from everyone at home (home_first)
 * where that keeps more. It never worsens overload or the waitlist, so it serves as
 * the start of the moves level, and mends a plan whose solve was stopped by the time limit before the moves
 * level could. */
static void return_home(unit *u, double deadline)
{
    const cl_instance *inst = u->inst;
    home_first(u);
    double *load = calloc((size_t)u->n_staff + 1, sizeof *load);
    double *pool = calloc((size_t)inst->n_teams + 1, sizeof *pool);
    if (load == NULL || pool == NULL)
        goto done;
    current_loads(u, load, pool);
    for (int i = 0; i < u->n_classes && clp_now() < deadline; i++) {
        const cls *k = &u->classes[i];
        for (int side = 0; side < 2; side++) {
            int n = side == 0 ? k->e->n_mgr : k->e->n_peer, home = side == 0 ? k->cur : k->curpeer;
            const int *list = side == 0 ? k->e->mgr : k->e->peer;
            int col0 = side == 0 ? k->x0 : k->y0, h = -1;
            for (int t = 0; t < n; t++)
                if (list[t] == home)
                    h = t;
            if (h < 0)
                continue;
            double ch = side_load(u, k, side, home);
            int th = side == 0 ? inst->staff[home].team : CL_NONE;
            for (int t = 0; t < n && u->sol[col0 + h] < k->n - 0.5; t++) {
                while (t != h && u->sol[col0 + t] > 0.5 && u->sol[col0 + h] < k->n - 0.5) {
                    int away = list[t], ta = side == 0 ? inst->staff[away].team : CL_NONE;
                    double ca = side_load(u, k, side, away);
                    if (load[u->local[home]] + ch > cl_limit(inst, home) + 1e-9 ||
                        (th >= 0 && th != ta && pool[th] + ch > cl_team_limit(inst, th) + 1e-9))
                        break;
                    u->sol[col0 + t] -= 1;
                    u->sol[col0 + h] += 1;
                    load[u->local[home]] += ch;
                    load[u->local[away]] -= ca;
                    if (th >= 0)
                        pool[th] += ch;
                    if (ta >= 0)
                        pool[ta] -= ca;
                }
            }
        }
    }
    swap_home(u, load, pool, deadline);
    chain_home(u, load, pool, deadline);
    complete_solution(u);
done:
    free(load);
    free(pool);
}

/* Whether loads d1 more on local staff a1 and d2 more on a2 (a1 != a2) add no overload, on the staff or their
 * teams' pools; *dimb: the change of the imbalance. */
static bool shift_ok(const unit *u, const double *load, const double *pool, int a1, double d1, int a2, double d2,
                     double *dimb)
{
    const cl_instance *inst = u->inst;
    if (over_of(u, a1, load[a1] + d1) + over_of(u, a2, load[a2] + d2) >
        over_of(u, a1, load[a1]) + over_of(u, a2, load[a2]) + 1e-12)
        return false;
    int t1 = inst->staff[u->staff[a1]].team, t2 = inst->staff[u->staff[a2]].team;
    int teams[2] = {t1, t2};
    for (int q = 0; q < 2; q++) {
        int t = teams[q];
        double d = (t1 == t ? d1 : 0) + (t2 == t ? d2 : 0);
        if (t >= 0 && d > 1e-12 && pool[t] + d > cl_team_limit(inst, t) + 1e-9)
            return false;
    }
    *dimb = phi_change(u, load, a1, d1, a2, d2);
    return true;
}

/* Adds d to local staff a's load and to its team's pool. */
static void shift(const unit *u, double *load, double *pool, int a, double d)
{
    int t = u->inst->staff[u->staff[a]].team;
    load[a] += d;
    if (t >= 0)
        pool[t] += d;
}

/* A local search before the travel level: a client goes to another manager, or two clients trade managers,
 * when that shortens travel without adding moves or overload and without raising the imbalance (clients of
 * equal weight, or loads shifted between managers where phi rises as steeply). Its result is the start of
 * the travel level. */
static void improve_travel(unit *u, double deadline)
{
    const cl_instance *inst = u->inst;
    double *load = calloc((size_t)u->n_staff + 1, sizeof *load);
    double *pool = calloc((size_t)inst->n_teams + 1, sizeof *pool);
    if (inst->travel == NULL || load == NULL || pool == NULL)
        goto done;
    current_loads(u, load, pool);
    for (int pass = 0; pass < 20 && clp_now() < deadline; pass++) {
        bool changed = false;
        for (int i1 = 0; i1 < u->n_classes && clp_now() < deadline; i1++) {
            const cls *k1 = &u->classes[i1];
            for (int t1 = 0; t1 < k1->e->n_mgr; t1++) {
                int s1 = k1->e->mgr[t1], a1 = u->local[s1], z1 = k1->zone;
                /* the client alone to another manager */
                for (int t2 = 0; t2 < k1->e->n_mgr && u->sol[k1->x0 + t1] > 0.5; t2++) {
                    int s2 = k1->e->mgr[t2], a2 = u->local[s2];
                    double dimb;
                    if (t2 == t1 || (s2 != k1->cur) > (s1 != k1->cur) ||
                        cl_instance_travel(inst, z1, inst->staff[s2].zone) >=
                            cl_instance_travel(inst, z1, inst->staff[s1].zone) ||
                        !shift_ok(u, load, pool, a1, -load_coef(u, k1, s1), a2, load_coef(u, k1, s2), &dimb) ||
                        dimb > 1e-12)
                        continue;
                    u->sol[k1->x0 + t1] -= 1;
                    u->sol[k1->x0 + t2] += 1;
                    shift(u, load, pool, a1, -load_coef(u, k1, s1));
                    shift(u, load, pool, a2, load_coef(u, k1, s2));
                    changed = true;
                }
                /* two clients trade managers */
                for (int i2 = i1; i2 < u->n_classes && u->sol[k1->x0 + t1] > 0.5; i2++) {
                    const cls *k2 = &u->classes[i2];
                    if (k2->zone == k1->zone)
                        continue;
                    for (int t2 = 0; t2 < k2->e->n_mgr && u->sol[k1->x0 + t1] > 0.5; t2++) {
                        int s2 = k2->e->mgr[t2], a2 = u->local[s2];
                        if (s2 == s1 || u->sol[k2->x0 + t2] < 0.5)
                            continue;
                        int p12 = staff_pos(k1, 0, s2), p21 = staff_pos(k2, 0, s1);
                        if (p12 < 0 || p21 < 0)
                            continue;
                        /* (an intake's cur is CL_NONE: its terms cancel) */
                        int dm = (s2 != k1->cur) - (s1 != k1->cur) + (s1 != k2->cur) - (s2 != k2->cur);
                        if (dm > 0)
                            continue;
                        int z2 = k2->zone;
                        int dt = cl_instance_travel(inst, z1, inst->staff[s2].zone) +
                                 cl_instance_travel(inst, z2, inst->staff[s1].zone) -
                                 cl_instance_travel(inst, z1, inst->staff[s1].zone) -
                                 cl_instance_travel(inst, z2, inst->staff[s2].zone);
                        double d1 = load_coef(u, k2, s1) - load_coef(u, k1, s1);
                        double d2 = load_coef(u, k1, s2) - load_coef(u, k2, s2), dimb;
                        if (dt >= 0 || !shift_ok(u, load, pool, a1, d1, a2, d2, &dimb) || dimb > 1e-12)
                            continue;
                        u->sol[k1->x0 + t1] -= 1;
                        u->sol[k1->x0 + p12] += 1;
                        u->sol[k2->x0 + t2] -= 1;
                        u->sol[k2->x0 + p21] += 1;
                        shift(u, load, pool, a1, d1);
                        shift(u, load, pool, a2, d2);
                        changed = true;
                    }
                }
            }
        }
        if (!changed)
            break;
    }
    complete_solution(u);
done:
    free(load);
    free(pool);
}

/* How many more moves the local search may make: none in assign (moves are held before the imbalance),
 * the rest of the budget in rebalance. */
static int moves_allowed(unit *u)
{
    if (u->budget == CL_NONE)
        return 1 << 29;
    vec e = {0};
    level_expr(u, L_MOVES, &e);
    int used = (int)lround(level_value(u, L_MOVES, &e));
    vec_dispose(&e);
    return u->budget - used;
}

/* An upper bound of the travel level: every client at its farthest eligible manager. */
static double travel_ub(const unit *u)
{
    double ub = 0;
    for (int i = 0; i < u->n_classes; i++) {
        const cls *k = &u->classes[i];
        int far = 0;
        for (int t = 0; t < k->e->n_mgr; t++) {
            int tr = cl_instance_travel(u->inst, k->zone, u->inst->staff[k->e->mgr[t]].zone);
            far = tr > far ? tr : far;
        }
        ub += (double)far * k->n;
    }
    return ub;
}

/* Takes the model's solution as the unit's (integer columns rounded, continuous ones recomputed exactly) when
 * the expression e of level has no more than value there; never a worse one. */
static int take_solution(unit *u, int level, const vec *e, double value)
{
    int n = clp_mip_ncols(u->m);
    double *cand = malloc((size_t)n * sizeof *cand);
    if (cand == NULL)
        return CL_ENOMEM;
    for (int j = 0; j < n; j++)
        cand[j] = clp_mip_value(u->m, j);
    double *keep = u->sol;
    u->sol = cand;
    for (int i = 0; i < u->n_classes; i++) {
        cls *k = &u->classes[i];
        for (int t = 0; t < k->e->n_mgr; t++)
            cand[k->x0 + t] = round(cand[k->x0 + t]);
        if (k->w >= 0)
            cand[k->w] = round(cand[k->w]);
        for (int t = 0; t < k->e->n_peer && k->y0 >= 0; t++)
            cand[k->y0 + t] = round(cand[k->y0 + t]);
    }
    complete_solution(u);
    if (level_value(u, level, e) <= value + 1e-9) {
        free(keep);
    } else {
        u->sol = keep;
        free(cand);
    }
    return CL_OK;
}

/* The levels in the order of the command: assign minds moves before imbalance, rebalance after. */
static const int *level_order(const cl_solve_opts *opts)
{
    static const int assign_order[NLEVELS] = {L_OVER, L_WAIT, L_MOVES, L_IMB, L_TRAVEL};
    static const int rebalance_order[NLEVELS] = {L_OVER, L_WAIT, L_IMB, L_MOVES, L_TRAVEL};
    return opts->balance_first ? rebalance_order : assign_order;
}

/* The dense coefficients of a level over the unit's columns (n of them). */
static double *level_dense(const unit *u, int level, int n)
{
    vec e = {0};
    double *d = calloc((size_t)n + 1, sizeof *d);
    if (d != NULL && level_expr(u, level, &e) == CL_OK)
        for (int q = 0; q < e.n; q++)
            d[e.idx[q]] += e.val[q];
    vec_dispose(&e);
    return d;
}

/* Adds coef in row to a list of links; false when the list is full (it never needs more than CLP_MAX_LINKS:
 * class or peer row, the class's peer row, team pool, moves). */
static bool link_add(clp_link *link, int *n, int row, double coef)
{
    if (coef != 0 && *n >= CLP_MAX_LINKS)
        return false;
    if (coef != 0)
        link[(*n)++] = (clp_link){row, coef};
    return true;
}

/* A shared row lo <= . <= hi of p, returning its index (p->row_lo and row_hi have room). */
static int shared_row(clp_dw *p, double lo, double hi)
{
    p->row_lo[p->n_rows] = lo;
    p->row_hi[p->n_rows] = hi;
    return p->n_rows++;
}

/* The right-hand side of the row that holds a level at value v (the linear part): whole moves are held within
 * half a move, the other levels within rounding. */
static double held_rhs(int level, double v)
{
    return v + (level == L_MOVES ? 0.5 : 1e-7 * (1 + fabs(v)));
}

/* The right-hand side of the row that holds a level at the current solution's value. */
static double held_at(const unit *u, int level)
{
    vec e = {0};
    level_expr(u, level, &e);
    double v = level_value(u, level, &e) - u->constant[level];
    vec_dispose(&e);
    return held_rhs(level, v);
}

/* Level `level` (the imbalance or travel) of unit u, solved in the order `order` with the levels before it
 * held, as a problem over whole caseloads (patterns.h). Shared rows: the class totals, the peers that follow
 * the placed clients, the team pools and the levels held (overload, waitlist, moves, imbalance); a unit under
 * a move budget does not fit (its budget row is not among them). Each staff member's load stays within its
 * limit plus the overload held; in a pinned unit (pin_after_moves) its own clients that stay number what the
 * pins say. Fills p (free it with caseload_dispose) and says whether the unit fits that frame (every load has a
 * grid). */
static int caseload_problem(const unit *u, int level, const int *order, clp_dw *p, bool *fits)
{
    const cl_instance *inst = u->inst;
    int n = clp_mip_ncols(u->m), rc = CL_OK;
    bool linked = true;
    bool is_held[NLEVELS] = {false};
    for (int q = 0; order[q] != level; q++)
        is_held[order[q]] = true;
    memset(p, 0, sizeof *p);
    *fits = u->budget == CL_NONE;
    p->phi_row = p->over_row = -1;
    p->phi_weight = level == L_IMB ? 1 : 0;
    int *cls_of = malloc(((size_t)n + 1) * sizeof *cls_of);
    int *peer_row = malloc(((size_t)u->n_classes + 1) * sizeof *peer_row);
    double *moves = level_dense(u, L_MOVES, n), *travel = level == L_TRAVEL ? level_dense(u, L_TRAVEL, n) : NULL;
    int max_rows = 2 * u->n_classes + u->n_teams + NLEVELS;
    p->row_lo = malloc(((size_t)max_rows + 1) * sizeof *p->row_lo);
    p->row_hi = malloc(((size_t)max_rows + 1) * sizeof *p->row_hi);
    p->blocks = calloc((size_t)u->n_staff + 1, sizeof *p->blocks);
    p->frees = calloc((size_t)u->n_classes + u->n_teams + 1, sizeof *p->frees);
    if (!cls_of || !peer_row || !moves || (level == L_TRAVEL && !travel) || !p->row_lo || !p->row_hi || !p->blocks ||
        !p->frees) {
        rc = CL_ENOMEM;
        goto done;
    }
    /* Shared rows: class totals (row i for class i), peers, team pools, the levels held. */
    for (int i = 0; i < u->n_classes; i++)
        shared_row(p, u->classes[i].n, u->classes[i].n);
    for (int i = 0; i < u->n_classes; i++)
        peer_row[i] = u->classes[i].y0 >= 0 ? shared_row(p, 0, 0) : -1;
    column_classes(u, cls_of);
    int team0 = p->n_rows;
    for (int t = 0; t < u->n_teams; t++)
        shared_row(p, -HUGE_VAL, cl_team_limit(inst, u->teams[t]));
    double overload = is_held[L_OVER] ? held_at(u, L_OVER) : 0;
    p->over_row = shared_row(p, -HUGE_VAL, overload);
    int wait_row = is_held[L_WAIT] ? shared_row(p, -HUGE_VAL, held_at(u, L_WAIT)) : -1;
    int moves_row = is_held[L_MOVES] ? shared_row(p, -HUGE_VAL, held_at(u, L_MOVES)) : -1;
    if (is_held[L_IMB])
        p->phi_row = shared_row(p, -HUGE_VAL, held_at(u, L_IMB));
    /* The waitlist columns and the team pools' overload. */
    for (int i = 0; i < u->n_classes; i++) {
        const cls *k = &u->classes[i];
        if (k->w < 0)
            continue;
        clp_free *f = &p->frees[p->n_frees++];
        clp_mip_col_bounds(u->m, k->w, &f->lo, &f->hi);
        f->col = k->w;
        f->integer = true;
        f->cost = level == L_WAIT ? k->weight : 0;
        linked &= link_add(f->link, &f->n_link, i, 1);
        if (wait_row >= 0)
            linked &= link_add(f->link, &f->n_link, wait_row, k->weight);
        if (moves_row >= 0)
            linked &= link_add(f->link, &f->n_link, moves_row, moves[k->w]);
    }
    for (int t = 0; t < u->n_teams; t++) {
        clp_free *f = &p->frees[p->n_frees++];
        *f = (clp_free){.col = u->team_over[t], .lo = 0, .hi = HUGE_VAL};
        linked &= link_add(f->link, &f->n_link, team0 + t, -1);
        linked &= link_add(f->link, &f->n_link, p->over_row, 1);
    }
    /* A block per staff member. */
    for (int a = 0; a < u->n_staff && rc == CL_OK && *fits; a++) {
        int s = u->staff[a], team = inst->staff[s].team, tpos = -1;
        for (int t = 0; t < u->n_teams; t++)
            tpos = u->teams[t] == team ? t : tpos;
        clp_block *b = &p->blocks[p->n_blocks++];
        vec load = {0};
        for (int q = u->load_first[a]; q < u->load_first[a + 1]; q++)
            vec_push(&load, u->load_col[q], u->load_coef_of[q]);
        b->g = load.n > 0 ? load_grid(&load) : 1;
        vec_dispose(&load);
        b->fte = inst->staff[s].fte;
        b->base = cl_util_base(inst, s);
        b->limit = cl_limit(inst, s);
        b->stay = u->stay_of != NULL ? u->stay_of[a] : -1;
        b->max_steps = b->g > 0 ? (int)floor((b->limit + overload) / b->g + 1e-9) : -1;
        b->items = calloc((size_t)(u->load_first[a + 1] - u->load_first[a]) + 1, sizeof *b->items);
        if (b->items == NULL)
            rc = CL_ENOMEM;
        *fits = b->g > 0;
        for (int q = u->load_first[a]; q < u->load_first[a + 1] && rc == CL_OK && *fits; q++) {
            int col = u->load_col[q], i = cls_of[col];
            const cls *k = &u->classes[i];
            int side = col_side(k, col);
            double lb, ub;
            clp_mip_col_bounds(u->m, col, &lb, &ub);
            if (ub < 0.5)
                continue;
            clp_item *it = &b->items[b->n_items++];
            int t0 = k->intake ? -1 : cur_pos(k, side);
            *it = (clp_item){.col = col,
                             .steps = (int)lround(u->load_coef_of[q] / b->g),
                             .lo = (int)lround(lb),
                             .hi = (int)lround(ub),
                             .own = t0 >= 0 && side_col(k, side, t0) == col,
                             .cost = travel != NULL ? travel[col] : 0};
            linked &= link_add(it->link, &it->n_link, side == 0 ? i : peer_row[i], 1);
            if (side == 0 && peer_row[i] >= 0)
                linked &= link_add(it->link, &it->n_link, peer_row[i], -1);
            if (side == 0 && tpos >= 0)
                linked &= link_add(it->link, &it->n_link, team0 + tpos, u->load_coef_of[q]);
            if (moves_row >= 0)
                linked &= link_add(it->link, &it->n_link, moves_row, moves[col]);
        }
    }
done:
    *fits &= linked; /* (a shared row without room among a column's links: GLPK's model alone) */
    free(cls_of);
    free(peer_row);
    free(moves);
    free(travel);
    return rc;
}

static void caseload_dispose(clp_dw *p)
{
    for (int b = 0; p->blocks != NULL && b < p->n_blocks; b++)
        free(p->blocks[b].items);
    free(p->blocks);
    free(p->frees);
    free(p->row_lo);
    free(p->row_hi);
}

/* Solves the imbalance or travel level of unit u over whole caseloads (caseload_problem) until deadline: the plan in
 * u->sol improves where it can, *bound is the level's proven bound (-HUGE_VAL: none) and *proven says whether the plan
 * meets it. grid: the step of the level's values (0: none). */
static int caseload_try(unit *u, int level, const int *order, double deadline, double grid, double *bound, bool *proven)
{
    *bound = -HUGE_VAL;
    *proven = false;
    clp_dw p;
    bool fits;
    int rc = caseload_problem(u, level, order, &p, &fits);
    if (rc == CL_OK && fits) {
        clp_dw_result r;
        rc = clp_dw_solve(&p, u->sol, deadline, grid, &r);
        if (rc == CL_OK) {
            if (r.improved)
                complete_solution(u);
            *bound = r.bound;
            *proven = r.proven;
        } else if (rc == CL_EINTERNAL) { /* (an LP without optimum: GLPK's model alone decides) */
            rc = CL_OK;
        }
    }
    caseload_dispose(&p);
    return rc;
}

/* The work (seconds on the work clock's scale) of GLPK's short search before a level is solved over caseloads.
 * The waitlist level's search is longer: GLPK proves most pools' waitlist alone, where the caseloads' plan search
 * may not meet their bound and takes the time GLPK needed (2,500 clients: its adult-home pool is proven by GLPK
 * after 1.8 s, about 4 s of work; with a search of 2 s of work and the caseloads after it, not in 30 s; M's
 * Blended pool: 0.07 s alone, 1.2 s with the caseloads after a search of 0.02 s). */
#define CASELOAD_AFTER_WORK      0.02
#define CASELOAD_AFTER_WORK_WAIT 5.0

/* Minimises one level from the current solution and holds it with a row. Returns CL_OK; a stop by the
 * time limit is recorded in ctx and leaves the best solution found in u->sol. */
static int solve_level(unit *u, int level, solve_ctx *ctx, const char *label)
{
    vec e = {0};
    int rc = level_expr(u, level, &e);
    double start_val = level_value(u, level, &e);
    bool trivial = e.n == 0 || start_val <= 1e-9;
    if (!trivial) {
        clp_mip_clear_obj(u->m);
        for (int q = 0; q < e.n; q++)
            clp_mip_set_obj(u->m, e.idx[q], e.val[q]);
        /* Waitlist, moves and travel take values on a grid (whole minutes, whole moves): an incumbent less than
         * a step above the bound is proven optimal, which GLPK does not see by itself (300 clients: a travel
         * level stopped at 20 s closes at once). */
        double abs_gap = level == L_WAIT || level == L_MOVES || level == L_TRAVEL ? 0.999 * value_grid(&e) : 0;
        bool mixed = level == L_MOVES && ctx->opts->balance_first;
        if (mixed) {
            /* Moves are whole numbers: with travel added at a weight that keeps it under a quarter of a
             * move, an incumbent within half a move of the bound is a proven optimum of the moves, and the
             * search leaves a solution that already minds travel (measured: the example's rebalance in
             * 4 s instead of 14). In assign the same with the imbalance made the moves level slower. */
            double ub = travel_ub(u);
            int n = clp_mip_ncols(u->m);
            double *coef = calloc((size_t)n + 1, sizeof *coef);
            vec ne = {0};
            if (coef == NULL) {
                rc = CL_ENOMEM;
                goto done;
            }
            level_expr(u, L_TRAVEL, &ne);
            for (int q = 0; q < e.n; q++)
                coef[e.idx[q]] += e.val[q];
            for (int q = 0; q < ne.n && ub > 0; q++)
                coef[ne.idx[q]] += 0.25 * ne.val[q] / ub;
            for (int j = 0; j < n; j++)
                clp_mip_set_obj(u->m, j, coef[j]);
            free(coef);
            vec_dispose(&ne);
            abs_gap = 0.49;
        }
        clp_mip_params p = {.time_limit_s = ctx->deadline - clp_now(),
                            .gap = ctx->opts->gap,
                            .abs_gap = abs_gap,
                            .progress = ctx->opts->progress,
                            .progress_after_s = 1.0,
                            .started = ctx->started,
                            .label = label,
                            .offset = u->constant[level]};
        clp_mip_result r;
        double dw_bound = -HUGE_VAL;
        /* The imbalance and travel of a pinned unit are also solved over whole caseloads when a short search
         * of GLPK's does not prove them (S: every level proven at once, and 0.03 s in all, not 0.06), with up
         * to half the time left; in other units, whose caseloads are many more and slower to price, the
         * imbalance only once GLPK's search alone was stopped by its share (u->retrying). 450 clients seed 4: a
         * 71-class pool that GLPK had not proven in 18 s is proven in 0.2 s; tried at once in every unit, M
         * assign took 7.6 s, not 6. The waitlist level of every unit, coarse or not, likewise after a longer
         * short search (test_waitlist_bound). */
        bool caseloads =
            level == L_WAIT || (!u->coarse && ((u->stay_of != NULL && (level == L_IMB || level == L_TRAVEL)) ||
                                               (u->retrying && level == L_IMB)));
        bool decided = false;   /* r holds the outcome */
        bool from_glpk = false; /* and came from GLPK's last search */
        if (p.time_limit_s > 0 && caseloads) {
            p.work_limit_s = level == L_WAIT ? CASELOAD_AFTER_WORK_WAIT : CASELOAD_AFTER_WORK;
            rc = clp_mip_solve(u->m, &p, u->sol, &r);
            p.work_limit_s = 0;
            if (rc != CL_OK)
                goto done;
            decided = from_glpk = r.status != CLP_MIP_TIME_LIMIT;
            if (!decided && (rc = take_solution(u, level, &e, start_val)) == CL_OK) {
                bool dw_proven;
                rc = caseload_try(u, level, level_order(ctx->opts), clp_now() + 0.5 * (ctx->deadline - clp_now()),
                                  abs_gap > 0 ? value_grid(&e) : 0, &dw_bound, &dw_proven);
                start_val = level_value(u, level, &e);
                p.time_limit_s = ctx->deadline - clp_now();
                p.has_known_bound = isfinite(dw_bound);
                p.known_bound = dw_bound;
                decided = dw_proven || p.time_limit_s <= 0;
                /* (when proven, GLPK's short search has left the LP basis the next level starts from) */
                r = (clp_mip_result){.status = dw_proven ? CLP_MIP_OPTIMAL : CLP_MIP_TIME_LIMIT,
                                     .objective = start_val - u->constant[level],
                                     .bound = dw_bound,
                                     .gap = dw_proven ? 0 : 1};
            }
            if (rc != CL_OK)
                goto done;
        }
        if (!decided && p.time_limit_s <= 0) { /* no time left: the current solution stands, with any bound */
            r = (clp_mip_result){
                .status = CLP_MIP_TIME_LIMIT, .objective = start_val - u->constant[level], .bound = dw_bound, .gap = 1};
        } else if (!decided) {
            rc = clp_mip_solve(u->m, &p, u->sol, &r);
            if (rc != CL_OK)
                goto done;
            from_glpk = true;
            if (mixed) /* the bound was of moves plus travel at under a quarter move */
                r.bound -= 0.25;
            r.bound = fmax(r.bound, dw_bound);
        }
        if (from_glpk && (r.status == CLP_MIP_OPTIMAL || r.status == CLP_MIP_TIME_LIMIT) &&
            (rc = take_solution(u, level, &e, start_val)) != CL_OK)
            goto done;
        double kept = level_value(u, level, &e) - u->constant[level];
        if (r.status == CLP_MIP_TIME_LIMIT && isfinite(dw_bound) &&
            kept - r.bound <= (abs_gap > 0 ? abs_gap : 1e-7 * (1 + fabs(kept))))
            r.status = CLP_MIP_OPTIMAL; /* (the plan kept meets the caseload bound: stopped, but proven) */
        if (r.status == CLP_MIP_TIME_LIMIT || r.status == CLP_MIP_FAILED || r.status == CLP_MIP_INFEASIBLE) {
            /* (infeasible, with a feasible start in hand, is numerical trouble: nothing proven) */
            /* The gap from the plan kept and the bound (GLPK's incumbent may be another plan). */
            bool known = r.status == CLP_MIP_TIME_LIMIT && isfinite(r.bound);
            ctx->stopped_level = level + 1;
            ctx->bound_gap = known ? kept - r.bound : level_value(u, level, &e);
            ctx->gap = !known ? 1 : kept - r.bound < 1e-9 ? 0 : (kept - r.bound) / fmax(fabs(kept), 1e-9);
        } else if (ctx->opts->gap > 0 && isfinite(r.bound)) { /* within --gap: what is not proven */
            ctx->gap = fmax(ctx->gap, r.gap);
            ctx->bound_gap = fmax(0, level_value(u, level, &e) - u->constant[level] - r.bound);
        }
    }
    /* Hold the level at what was reached. */
    double val = level_value(u, level, &e) - u->constant[level];
    if (e.n > 0 && clp_mip_add_row(u->m, e.idx, e.val, e.n, -HUGE_VAL, held_rhs(level, val)) < 0)
        rc = CL_EINTERNAL;
done:
    vec_dispose(&e);
    return rc;
}

static void unit_dispose(unit *u)
{
    clp_mip_free(u->m);
    free(u->load_first);
    free(u->load_col);
    free(u->load_coef_of);
    free(u->staff);
    free(u->local);
    free(u->over);
    free(u->tcol);
    free(u->teams);
    free(u->team_over);
    free(u->stay_x);
    free(u->stay_w);
    free(u->stay_ub);
    for (int a = 0; u->reach != NULL && a < u->n_staff; a++)
        free(u->reach[a].ok);
    free(u->reach);
    free(u->stay_of);
    free(u->sol);
    memset(u, 0, sizeof *u);
}

/* Collects the staff and teams of the unit's classes, allocates the per-staff arrays, builds the model (with the
 * move budget of rebalance --max-moves as a row, unless budget is CL_NONE) and an all-zero solution; the caller
 * gives the start (initial_solution, or coarse_init's). */
static int unit_init(unit *u, const cl_instance *inst, cls *classes, int n_classes, int budget)
{
    memset(u, 0, sizeof *u);
    u->budget = CL_NONE;
    u->inst = inst;
    u->classes = classes;
    u->n_classes = n_classes;
    u->local = malloc(((size_t)inst->n_staff + 1) * sizeof(int));
    u->staff = malloc(((size_t)inst->n_staff + 1) * sizeof(int));
    u->teams = malloc(((size_t)inst->n_teams + 1) * sizeof(int));
    if (!u->local || !u->staff || !u->teams)
        return CL_ENOMEM;
    for (int s = 0; s < inst->n_staff; s++)
        u->local[s] = -1;
    for (int i = 0; i < n_classes; i++) {
        const elig *e = classes[i].e;
        for (int t = 0; t < e->n_mgr; t++)
            u->local[e->mgr[t]] = 1;
        for (int t = 0; t < e->n_peer; t++)
            u->local[e->peer[t]] = 1;
    }
    for (int s = 0; s < inst->n_staff; s++)
        if (u->local[s] >= 0) {
            u->local[s] = u->n_staff;
            u->staff[u->n_staff++] = s;
        }
    for (int t = 0; t < inst->n_teams; t++) {
        bool in = false;
        for (int q = 0; q < inst->teams[t].n_members; q++)
            in |= u->local[inst->teams[t].members[q]] >= 0;
        if (in)
            u->teams[u->n_teams++] = t;
    }
    u->over = malloc(((size_t)u->n_staff + 1) * sizeof(int));
    u->tcol = malloc(((size_t)u->n_staff + 1) * sizeof(int));
    u->team_over = malloc(((size_t)u->n_teams + 1) * sizeof(int));
    if (!u->over || !u->tcol || !u->team_over)
        return CL_ENOMEM;
    for (int a = 0; a < u->n_staff; a++)
        u->tcol[a] = -1;
    int rc = build_unit(u);
    if (rc != CL_OK)
        return rc;
    moves_constant(u);
    if (budget != CL_NONE) { /* the move budget of rebalance --max-moves, held by a row */
        vec e = {0};
        rc = level_expr(u, L_MOVES, &e);
        if (e.n > 0 && clp_mip_add_row(u->m, e.idx, e.val, e.n, -HUGE_VAL, budget - u->constant[L_MOVES] + 0.5) < 0)
            rc = CL_EINTERNAL;
        vec_dispose(&e);
        if (rc != CL_OK)
            return rc;
        u->budget = budget;
    }
    u->sol = calloc((size_t)clp_mip_ncols(u->m) + 1, sizeof *u->sol);
    return u->sol != NULL ? CL_OK : CL_ENOMEM;
}

/* Grows u->sol when columns were added (phi), keeping values, and recomputes the continuous ones. */
static int unit_resize(unit *u)
{
    double *s = realloc(u->sol, ((size_t)clp_mip_ncols(u->m) + 1) * sizeof *s);
    if (s == NULL)
        return CL_ENOMEM;
    u->sol = s;
    complete_solution(u);
    return CL_OK;
}

/* ---- what the moves level leaves free (assign) ------------------------------------------------------ */

/* Clients of one class that a staff member may shed: the load each takes off and how many there are. */
typedef struct shed {
    double coef;
    int n;
} shed;

static int cmp_shed(const void *pa, const void *pb)
{
    double a = ((const shed *)pa)->coef, b = ((const shed *)pb)->coef;
    return a > b ? -1 : a < b;
}

/* The clients that must leave each staff member (local index, on side): with the existing clients that may stay
 * all staying, the fewest of its sheddable ones (largest loads first) that bring it within its limit. Returns
 * the sum, or -1 when some staff member cannot get within it. */
static int shed_floor(const unit *u, int side, int *need)
{
    int total = 0;
    shed *it = malloc(((size_t)u->n_classes + 1) * sizeof *it);
    if (it == NULL)
        return -1;
    for (int a = 0; a < u->n_staff && total >= 0; a++) {
        int s = u->staff[a], n = 0;
        double load = 0;
        for (int i = 0; i < u->n_classes; i++) {
            const cls *k = &u->classes[i];
            if (k->intake || cur_pos(k, side) < 0 || side_staff(k, side, cur_pos(k, side)) != s)
                continue;
            double c = side_load(u, k, side, s);
            load += c * k->n;
            if (side_len(k, side) > 1)
                it[n++] = (shed){c, k->n};
        }
        qsort(it, (size_t)n, sizeof *it, cmp_shed);
        need[a] = 0;
        for (int q = 0; q < n && load > cl_limit(u->inst, s) + 1e-6; q++)
            for (int c = 0; c < it[q].n && load > cl_limit(u->inst, s) + 1e-6; c++) {
                load -= it[q].coef;
                need[a]++;
            }
        total = load > cl_limit(u->inst, s) + 1e-6 ? -1 : total + need[a];
    }
    free(it);
    return total;
}

/* Whether class k's column on side is pinned by pin_after_moves (need: per side and local staff). */
static bool pinned(const unit *u, const cls *k, int side, const int *need)
{
    int t0 = k->intake ? -1 : cur_pos(k, side);
    return t0 >= 0 && need[side * u->n_staff + u->local[side_staff(k, side, t0)]] == 0;
}

/* The loads staff member a can reach once pinned: what its pinned columns hold, plus exactly its stayers'
 * count out of its own sheddable clients (when it sheds), plus any of the free clients it may take (a
 * superset of the reachable loads, so the chords on it are valid). Leaves r->n = 0 when the loads have no
 * grid. */
static int reach_of(const unit *u, int a, const int *need, const int *col_cls, reach *r)
{
    const cl_instance *inst = u->inst;
    int s = u->staff[a];
    vec load = {0};
    for (int q = u->load_first[a]; q < u->load_first[a + 1]; q++)
        vec_push(&load, u->load_col[q], u->load_coef_of[q]);
    double g = load_grid(&load);
    vec_dispose(&load);
    r->n = 0;
    if (g <= 0)
        return CL_OK;
    int n = (int)floor((cl_limit(inst, s) + 1e-6) / g + 1e-9) + 1, fixed = 0, stay = 0, own_side = -1;
    /* The own sheddable classes (units, multiplicity) and the free ones. */
    int m = u->load_first[a + 1] - u->load_first[a];
    int *own_w = malloc(((size_t)m + 1) * sizeof *own_w), *own_n = malloc(((size_t)m + 1) * sizeof *own_n);
    int *free_w = malloc(((size_t)m + 1) * sizeof *free_w), *free_n = malloc(((size_t)m + 1) * sizeof *free_n);
    int n_own = 0, n_free = 0, rc = CL_OK;
    if (!own_w || !own_n || !free_w || !free_n)
        rc = CL_ENOMEM;
    for (int q = u->load_first[a]; q < u->load_first[a + 1] && rc == CL_OK; q++) {
        int col = u->load_col[q];
        const cls *k = &u->classes[col_cls[col]];
        int side = col_side(k, col), t = col_pos(k, col);
        double w = u->load_coef_of[q] / g;
        if (fabs(w - round(w)) > 1e-6) {
            n = 0;
            break;
        }
        int t0 = k->intake ? -1 : cur_pos(k, side);
        if (pinned(u, k, side, need)) {
            fixed += t == t0 ? (int)lround(w) * k->n : 0;
        } else if (t == t0 && side_len(k, side) == 1) { /* an own client that may not leave */
            fixed += (int)lround(w) * k->n;
        } else if (t == t0) {
            if (own_side >= 0 && own_side != side) { /* (own clients as manager and as peer: no such staff) */
                n = 0;
                break;
            }
            own_side = side;
            own_w[n_own] = (int)lround(w);
            own_n[n_own++] = k->n;
            stay += k->n;
        } else {
            int cap = t0 >= 0 ? need[side * u->n_staff + u->local[side_staff(k, side, t0)]] : k->n;
            free_w[n_free] = (int)lround(w);
            free_n[n_free++] = cap < k->n ? cap : k->n;
        }
    }
    if (n_own > 0) /* its sheddable clients that stay: all of them less its number to shed */
        stay -= need[own_side * u->n_staff + a];
    if (stay < 0)
        n = 0;
    unsigned char *dp = NULL;
    if (rc == CL_OK && n > 0 && fixed < n)
        dp = calloc((size_t)(stay + 1) * (size_t)n, 1);
    if (rc == CL_OK && n > 0 && fixed < n && dp != NULL) {
        /* dp[c * n + v]: c of the own sheddable clients stay, holding v grid steps (bounded multiplicities). */
        dp[fixed] = 1;
        for (int i = 0; i < n_own; i++)
            for (int rep = 0; rep < own_n[i]; rep++)
                for (int c = stay; c >= 1; c--)
                    for (int v = n - 1; v >= own_w[i]; v--)
                        dp[c * n + v] |= dp[(c - 1) * n + v - own_w[i]];
        unsigned char *ok = dp + (size_t)stay * n;
        for (int i = 0; i < n_free; i++)
            for (int rep = 0; rep < free_n[i] && free_w[i] > 0; rep++)
                for (int v = n - 1; v >= free_w[i]; v--)
                    ok[v] |= ok[v - free_w[i]];
        r->ok = malloc((size_t)n);
        if (r->ok == NULL) {
            rc = CL_ENOMEM;
        } else {
            memcpy(r->ok, ok, (size_t)n);
            r->n = n;
            r->g = g;
        }
    } else if (rc == CL_OK && n > 0 && fixed < n) {
        rc = CL_ENOMEM;
    }
    free(dp);
    free(own_w);
    free(own_n);
    free(free_w);
    free(free_n);
    return rc;
}

/* In assign, with no overload held, the moves level leaves little freedom. Every plan moves the existing clients
 * whose manager (peer) may not keep them, and each staff member over its limit with the rest staying sheds at
 * least shed_floor's number of them. When the moves held equal that floor, every plan the held levels allow
 * moves no other existing client, and each staff member sheds exactly its number: the stayers' columns are
 * fixed and a row per shedding staff member says how many stay, so the imbalance and travel levels are solved
 * over the clients that do move (valid bounds and rows of the same plans: no optimum is lost). */
static int pin_after_moves(unit *u)
{
    vec e = {0};
    level_expr(u, L_OVER, &e);
    double overload = level_value(u, L_OVER, &e);
    level_expr(u, L_MOVES, &e);
    double moves = level_value(u, L_MOVES, &e);
    vec_dispose(&e);
    if (overload > 1e-9)
        return CL_OK;
    int *need = malloc(2 * ((size_t)u->n_staff + 1) * sizeof *need);
    int *idx = malloc(((size_t)u->n_classes + 1) * sizeof *idx);
    double *one = malloc(((size_t)u->n_classes + 1) * sizeof *one);
    int rc = need && idx && one ? CL_OK : CL_ENOMEM;
    int least = 0;
    for (int side = 0; side < 2 && rc == CL_OK && least >= 0; side++) {
        int f = shed_floor(u, side, need + side * u->n_staff);
        least = f < 0 ? -1 : least + f;
    }
    for (int i = 0; i < u->n_classes && rc == CL_OK && least >= 0; i++) {
        const cls *k = &u->classes[i];
        for (int side = 0; side < 2 && !k->intake; side++)
            if ((side == 0 ? k->cur : k->curpeer) >= 0 && cur_pos(k, side) < 0)
                least += k->n;
    }
    if (rc == CL_OK && least >= 0 && moves <= least + 0.5) {
        u->stay_of = malloc(((size_t)u->n_staff + 1) * sizeof *u->stay_of);
        rc = u->stay_of != NULL ? CL_OK : CL_ENOMEM;
        for (int a = 0; a < u->n_staff && rc == CL_OK; a++)
            u->stay_of[a] = -1;
        for (int side = 0; side < 2; side++)
            for (int a = 0; a < u->n_staff && rc == CL_OK; a++) {
                int n = 0, stay = 0;
                for (int i = 0; i < u->n_classes; i++) {
                    const cls *k = &u->classes[i];
                    int t0 = k->intake ? -1 : cur_pos(k, side);
                    if (t0 < 0 || u->local[side_staff(k, side, t0)] != a)
                        continue;
                    if (need[side * u->n_staff + a] == 0) {
                        for (int t = 0; t < side_len(k, side); t++)
                            clp_mip_set_col_bounds(u->m, side_col(k, side, t), 0, t == t0 ? k->n : 0);
                        clp_mip_set_col_bounds(u->m, side_col(k, side, t0), k->n, k->n);
                    }
                    idx[n] = side_col(k, side, t0);
                    one[n++] = 1;
                    stay += k->n;
                }
                if (need[side * u->n_staff + a] > 0) {
                    stay -= need[side * u->n_staff + a];
                    u->stay_of[a] = stay;
                    if (clp_mip_add_row(u->m, idx, one, n, stay, stay) < 0)
                        rc = CL_EINTERNAL;
                }
            }
        /* The loads each staff member can still reach, for phi's chords in the imbalance level. */
        int *col_cls = malloc(((size_t)clp_mip_ncols(u->m) + 1) * sizeof *col_cls);
        u->reach = calloc((size_t)u->n_staff + 1, sizeof *u->reach);
        if (col_cls == NULL || u->reach == NULL)
            rc = CL_ENOMEM;
        for (int i = 0; i < u->n_classes && rc == CL_OK; i++)
            for (int side = 0; side < 2; side++)
                for (int t = 0; t < side_len(&u->classes[i], side); t++)
                    col_cls[side_col(&u->classes[i], side, t)] = i;
        for (int a = 0; a < u->n_staff && rc == CL_OK; a++)
            rc = reach_of(u, a, need, col_cls, &u->reach[a]);
        free(col_cls);
    }
    free(need);
    free(idx);
    free(one);
    return rc;
}

/* What solving one level of one unit left: the stop (0: none), the bound gap and gap, and the rows the model had
 * before the level's holding row. */
typedef struct unit_run {
    int stopped, rows;
    double bound_gap, gap;
} unit_run;

/* Solves one level of unit u with share seconds (repairs included) and records the outcome in ur. */
static int run_unit(unit *u, int level, const char *label, double share, solve_ctx *ctx, unit_run *ur)
{
    solve_ctx uc = *ctx;
    uc.deadline = clp_now() + share;
    uc.stopped_level = 0;
    uc.bound_gap = 0;
    uc.gap = 0;
    if (level == L_OVER || level == L_WAIT)
        repair_over_wait(u, clp_now() + 0.25 * share);
    ur->rows = clp_mip_nrows(u->m);
    int rc = solve_level(u, level, &uc, label);
    ur->stopped = uc.stopped_level;
    ur->bound_gap = uc.bound_gap;
    ur->gap = uc.gap;
    return rc;
}

/* Runs the levels in the order of the command, each level over every unit before the next level, so that a
 * time limit stops the hard later levels and never leaves a unit without its first ones. In a level each unit
 * first gets an equal share of the time left for the units still to do; the units its share stopped are then
 * solved again, from the best plan found, with the time the others left. A level still stopped is held at what
 * it reached, and the later levels still run with the time left (the output names the first level stopped and
 * its proven bound); once the time is out, the later levels get only the cheap repairs run before each level
 * (clients back home where there is room, the local searches on imbalance and travel), which never worsen the
 * levels held. */
static int run_range(unit *units, int n_units, solve_ctx *ctx, int q0, int q1)
{
    const int *order = level_order(ctx->opts);
    /* The cheap repairs may run a tenth of the limit past it, so that a plan stopped early is not left with
     * needless moves (20,000 clients: they took 4 minutes after a 30 s limit before they had a deadline). */
    double repair_deadline = ctx->deadline + 0.1 * ctx->opts->time_limit_s;
    unit_run *runs = calloc((size_t)n_units + 1, sizeof *runs);
    int rc = runs != NULL ? CL_OK : CL_ENOMEM;
    for (int q = q0; q < q1 && rc == CL_OK; q++) {
        int level = order[q];
        char label[64];
        snprintf(label, sizeof label, "level %d (%s)", q + 1, level_names[level]);
        for (int i = 0; i < n_units && rc == CL_OK; i++) {
            unit *u = &units[i];
            bool time_left = clp_now() < ctx->deadline;
            if (q < u->from) { /* held already (run_levels) */
                runs[i] = (unit_run){.rows = -1};
                continue;
            }
            if (level == L_IMB && !u->phi_added && time_left) { /* (phi's rows cost memory: only to solve) */
                vec e = {0};
                level_expr(u, L_OVER, &e);
                double overload = level_value(u, L_OVER, &e);
                vec_dispose(&e);
                rc = add_phi(u, overload + 1e-6, ctx->opts->balance_first);
                if (rc == CL_OK)
                    rc = unit_resize(u);
                if (rc != CL_OK)
                    break;
            }
            if (level == L_IMB) /* (trades get a tenth of the unit's share: none once the time is out) */
                improve_imbalance(u, ctx->opts->balance_first, moves_allowed(u), repair_deadline,
                                  clp_now() + 0.1 * (ctx->deadline - clp_now()) / (n_units - i));
            if (level == L_MOVES && !ctx->opts->balance_first)
                return_home(u, repair_deadline);
            if (level == L_TRAVEL)
                improve_travel(u, repair_deadline);
            if (!time_left) { /* the repair stands, nothing is proven: the bound is 0 */
                runs[i] = (unit_run){.stopped = level + 1, .rows = -1, .bound_gap = HUGE_VAL, .gap = 1};
                continue;
            }
            rc = run_unit(u, level, label, (ctx->deadline - clp_now()) / (n_units - i), ctx, &runs[i]);
        }
        /* The units stopped by their share, again with the time the others left. */
        int again = 0;
        for (int i = 0; i < n_units; i++)
            again += runs[i].stopped > 0 && runs[i].rows >= 0;
        for (int i = 0; i < n_units && rc == CL_OK && again > 0; i++) {
            if (runs[i].stopped == 0 || runs[i].rows < 0)
                continue;
            double left = ctx->deadline - clp_now();
            if (left > 0.05) {
                clp_mip_truncate_rows(units[i].m, runs[i].rows); /* (the holding row of the first try) */
                units[i].retrying = true;
                rc = run_unit(&units[i], level, label, left / again, ctx, &runs[i]);
                units[i].retrying = false;
            }
            again--;
        }
        double bound_gap = 0, level_gap = 0;
        bool stopped = false;
        for (int i = 0; i < n_units && rc == CL_OK; i++) {
            if (level == L_MOVES && !ctx->opts->balance_first)
                rc = pin_after_moves(&units[i]);
            stopped |= runs[i].stopped > 0;
            units[i].stopped |= runs[i].stopped > 0;
            bound_gap += fmax(0, runs[i].bound_gap); /* stopped, or solved only within --gap */
            level_gap = fmax(level_gap, runs[i].gap);
        }
        if (ctx->stopped_level == 0) /* the gap stated is that of the first level stopped, if any */
            ctx->gap = fmax(ctx->gap, level_gap);
        if (stopped && ctx->stopped_level == 0) {
            ctx->status = CL_TIME_LIMIT;
            ctx->stopped_level = level + 1;
            ctx->bound_gap = bound_gap;
        }
    }
    free(runs);
    return rc;
}

/* ---- the first two levels over coarser classes -------------------------------------------------------- */

/* Whether fine classes a and b differ only in what overload and waitlist do not see (current manager and peer,
 * zone): the classes are sorted so that such classes are neighbours. */
static bool same_coarse(const cls *a, const cls *b)
{
    return cmp_int_list(a->e->mgr, a->e->n_mgr, b->e->mgr, b->e->n_mgr) == 0 &&
           cmp_int_list(a->e->peer, a->e->n_peer, b->e->peer, b->e->n_peer) == 0 && a->acuity == b->acuity &&
           a->level == b->level && a->weight == b->weight && a->intake == b->intake &&
           (!a->intake || a->curpeer == b->curpeer);
}

/* Shares count clients placed at position pos of side out over the fine classes first .. last - 1 in class
 * order, each taking at most room[i]; with keep, only to those whose current staff member that is. */
static void share_out(unit *f, int first, int last, int side, int pos, double count, double *room, bool keep)
{
    for (int i = first; i < last && count > 0.5; i++) {
        cls *k = &f->classes[i];
        if (keep && cur_pos(k, side) != pos)
            continue;
        double take = fmin(room[i - first], count);
        f->sol[side_col(k, side, pos)] += take;
        room[i - first] -= take;
        count -= take;
    }
}

/* Records stay column stay0 + n_stay: bounded by column x (or -1) plus column w (or -1) and by ub. */
static int stay_push(unit *c, int x, int w, double ub)
{
    int n = c->n_stay + 1;
    int *sx = realloc(c->stay_x, (size_t)n * sizeof *sx);
    if (sx != NULL)
        c->stay_x = sx;
    int *sw = realloc(c->stay_w, (size_t)n * sizeof *sw);
    if (sw != NULL)
        c->stay_w = sw;
    double *su = realloc(c->stay_ub, (size_t)n * sizeof *su);
    if (su != NULL)
        c->stay_ub = su;
    if (sx == NULL || sw == NULL || su == NULL)
        return CL_ENOMEM;
    c->stay_x[c->n_stay] = x;
    c->stay_w[c->n_stay] = w;
    c->stay_ub[c->n_stay++] = ub;
    return CL_OK;
}

/* Adds to coarse unit c of fine unit f a column per coarse class and staff member that some of its clients have
 * now: how many of them keep that staff member (at most those placed there; for intakes with a peer, those
 * that wait keep it too, and they all have the same one: same_coarse). The moves are then the fine unit's
 * constant less these, exactly: a coarse plan is shared out with that many kept (coarse_back), and a fine plan
 * adds up to a coarse one with as many. */
static int coarse_stays(unit *c, const unit *f)
{
    int rc = CL_OK, cols[3];
    double vals[3] = {1, -1, -1};
    double *have = calloc((size_t)f->inst->n_staff + 1, sizeof *have);
    if (have == NULL)
        return CL_ENOMEM;
    c->coarse = true;
    c->stay0 = clp_mip_ncols(c->m);
    c->constant[L_MOVES] = f->constant[L_MOVES];
    for (int j = 0, first = 0; first < f->n_classes && rc == CL_OK; j++) {
        int last = first + 1;
        while (last < f->n_classes && same_coarse(&f->classes[first], &f->classes[last]))
            last++;
        const cls *ck = &c->classes[j];
        for (int side = 0; side < 2 && rc == CL_OK; side++) {
            if (ck->intake) { /* no manager to keep; a peer, the same for all */
                const cls *k = &f->classes[first];
                if (side == 0 || k->curpeer < 0)
                    continue;
                int n = 0;
                cols[n++] = clp_mip_add_col(c->m, 0, ck->n, false);
                if (cur_pos(k, 1) >= 0)
                    cols[n++] = side_col(ck, 1, cur_pos(k, 1));
                cols[n++] = ck->w;
                if (clp_mip_add_row(c->m, cols, vals, n, -HUGE_VAL, 0) < 0 ||
                    stay_push(c, n == 3 ? cols[1] : -1, ck->w, ck->n) != CL_OK)
                    rc = CL_EINTERNAL;
                continue;
            }
            for (int i = first; i < last; i++) {
                const cls *k = &f->classes[i];
                if (cur_pos(k, side) >= 0)
                    have[side_staff(k, side, cur_pos(k, side))] += k->n;
            }
            for (int t = 0; t < side_len(ck, side) && rc == CL_OK; t++) {
                int s = side_staff(ck, side, t);
                if (have[s] <= 0)
                    continue;
                cols[0] = clp_mip_add_col(c->m, 0, have[s], false);
                cols[1] = side_col(ck, side, t);
                if (clp_mip_add_row(c->m, cols, vals, 2, -HUGE_VAL, 0) < 0 ||
                    stay_push(c, cols[1], -1, have[s]) != CL_OK)
                    rc = CL_EINTERNAL;
                have[s] = 0;
            }
        }
        first = last;
    }
    free(have);
    double *sol = rc == CL_OK ? realloc(c->sol, ((size_t)clp_mip_ncols(c->m) + 1) * sizeof *sol) : NULL;
    if (sol == NULL)
        return rc == CL_OK ? CL_ENOMEM : rc;
    c->sol = sol;
    complete_solution(c);
    return CL_OK;
}

/* Builds the coarse unit c of fine unit f: one class for each run of classes alike for the first two levels,
 * started from f's plan. */
static int coarse_init(unit *c, const unit *f, cls **out)
{
    cls *k = malloc(((size_t)f->n_classes + 1) * sizeof *k);
    int n = 0, rc = CL_OK;
    if (k == NULL)
        return CL_ENOMEM;
    for (int i = 0, first = 0; i < f->n_classes; i++) {
        if (n > 0 && same_coarse(&f->classes[first], &f->classes[i])) {
            k[n - 1].n += f->classes[i].n;
            continue;
        }
        first = i;
        k[n] = f->classes[i];
        k[n].clients = NULL;
        k[n].cur = k[n].curpeer = CL_NONE;
        n++;
    }
    *out = k;
    rc = unit_init(c, f->inst, k, n, CL_NONE);
    if (rc != CL_OK)
        return rc;
    for (int i = 0, j = 0, first = 0; i < f->n_classes; i++) {
        const cls *fk = &f->classes[i];
        if (i > 0 && !same_coarse(&f->classes[first], fk)) {
            j++;
            first = i;
        }
        const cls *ck = &k[j];
        for (int side = 0; side < 2; side++)
            for (int t = 0; t < side_len(fk, side); t++)
                c->sol[side_col(ck, side, t)] += f->sol[side_col(fk, side, t)];
        if (fk->w >= 0)
            c->sol[ck->w] += f->sol[fk->w];
    }
    complete_solution(c);
    return coarse_stays(c, f);
}

/* With the first two levels held, a short search of coarse unit c for a plan that keeps more clients with their
 * manager and peer (the coarse moves), until deadline or after work_s of work: the start of the fine moves
 * level, nothing proven. */
static int coarse_keep(unit *c, double deadline, double work_s)
{
    vec e = {0};
    int rc = level_expr(c, L_MOVES, &e);
    double value = level_value(c, L_MOVES, &e);
    clp_mip_params p = {.time_limit_s = deadline - clp_now(), .abs_gap = 0.999, .work_limit_s = work_s};
    clp_mip_result r;
    if (rc == CL_OK && e.n > 0 && p.time_limit_s > 0) {
        clp_mip_clear_obj(c->m);
        for (int q = 0; q < e.n; q++)
            clp_mip_set_obj(c->m, e.idx[q], e.val[q]);
        rc = clp_mip_solve(c->m, &p, c->sol, &r);
        if (rc == CL_OK && (r.status == CLP_MIP_OPTIMAL || r.status == CLP_MIP_TIME_LIMIT))
            rc = take_solution(c, L_MOVES, &e, value);
    }
    vec_dispose(&e);
    return rc;
}

/* Gives fine unit f the plan of its coarse unit c (the clients of a coarse class kept with their current
 * manager and peer where it has them) and, with hold, holds the first two levels at their values. */
static int coarse_back(unit *f, const unit *c, const cl_solve_opts *opts, bool hold)
{
    int n = clp_mip_ncols(f->m), rc = CL_OK;
    double *room = malloc(((size_t)f->n_classes + 1) * sizeof *room);
    if (room == NULL)
        return CL_ENOMEM;
    memset(f->sol, 0, (size_t)n * sizeof *f->sol);
    for (int j = 0, first = 0; first < f->n_classes; j++) {
        int last = first + 1;
        while (last < f->n_classes && same_coarse(&f->classes[first], &f->classes[last]))
            last++;
        const cls *ck = &c->classes[j];
        for (int side = 0; side < 2; side++) {
            /* room: what each fine class still has to place on this side */
            for (int i = first; i < last; i++)
                room[i - first] = f->classes[i].n;
            if (side == 0 && ck->w >= 0) { /* those that wait: the intakes without a peer to keep first */
                double wait = c->sol[ck->w];
                for (int pass = 0; pass < 2; pass++)
                    for (int i = first; i < last && wait > 0.5; i++) {
                        cls *k = &f->classes[i];
                        if (k->w < 0 || (pass == 0) != (k->curpeer < 0))
                            continue;
                        double take = fmin(room[i - first] - f->sol[k->w], wait);
                        f->sol[k->w] += take;
                        wait -= take;
                    }
                for (int i = first; i < last; i++)
                    if (f->classes[i].w >= 0)
                        room[i - first] -= f->sol[f->classes[i].w];
            }
            if (side == 1)
                for (int i = first; i < last; i++)
                    room[i - first] = f->classes[i].n - (f->classes[i].w >= 0 ? f->sol[f->classes[i].w] : 0);
            for (int keep = 1; keep >= 0; keep--)
                for (int t = 0; t < side_len(ck, side); t++) {
                    double placed = 0;
                    for (int i = first; i < last; i++)
                        placed += f->sol[side_col(&f->classes[i], side, t)];
                    share_out(f, first, last, side, t, c->sol[side_col(ck, side, t)] - placed, room, keep);
                }
        }
        first = last;
    }
    free(room);
    complete_solution(f);
    const int *order = level_order(opts);
    vec e = {0};
    for (int q = 0; q < 2 && hold && rc == CL_OK; q++) {
        level_expr(f, order[q], &e);
        double val = level_value(f, order[q], &e) - f->constant[order[q]];
        if (e.n > 0 && clp_mip_add_row(f->m, e.idx, e.val, e.n, -HUGE_VAL, held_rhs(order[q], val)) < 0)
            rc = CL_EINTERNAL;
    }
    vec_dispose(&e);
    return rc;
}

/* The coarse search for fewer moves gets at most this much work per column of the coarse model, in seconds as
 * the work clock counts them: a limit that stops it at the same point in every run, loaded machine or not (as
 * a wall-clock limit, test_generated_week's two runs differed under load). Before, it had a fifth of the time
 * left: a pool of 300 columns (600 clients) spent 5 s there for a start the fine moves level did not need (M
 * assign 14.3 s -> 7.3 s). The 2,500-client agency's pools of 2,000-4,000 columns still find their plans (243 +
 * 206 moves at 30 s; 418 + 206 with 0.75 ms per column or without the search). */
#define COARSE_KEEP_PER_COLUMN 1e-3

/* Runs the levels of the command over the units. Without a move budget the first two levels (overload and the
 * waitlist, which see neither the current staff nor zones) are solved over coarser classes, with fewer columns
 * and less symmetry (2,500 clients: the waitlist proven in about 3 s; over the fine classes 7.5 against a
 * bound of 4 after 30 s); a short search then looks for a coarse plan that keeps more clients with their staff
 * (coarse_keep, the moves counted exactly by coarse_stays), and the plan is shared out over the fine classes
 * for the later levels. */
static int run_levels(unit *units, int n_units, solve_ctx *ctx)
{
    bool coarse = n_units > 0;
    for (int i = 0; i < n_units; i++)
        coarse &= units[i].budget == CL_NONE;
    if (!coarse)
        return run_range(units, n_units, ctx, 0, NLEVELS);
    unit *c = calloc((size_t)n_units + 1, sizeof *c);
    cls **k = calloc((size_t)n_units + 1, sizeof *k);
    int rc = c != NULL && k != NULL ? CL_OK : CL_ENOMEM;
    for (int i = 0; i < n_units && rc == CL_OK; i++)
        rc = coarse_init(&c[i], &units[i], &k[i]);
    /* The coarse levels get at most a quarter of the time left. Units they do not prove start the fine levels from
     * their coarse plan (the coarse model is not always the easier: a generated 600-client agency's
     * waitlist stalled there and starved the later levels). */
    solve_ctx cc = *ctx;
    cc.deadline = clp_now() + 0.25 * (ctx->deadline - clp_now());
    if (rc == CL_OK)
        rc = run_range(c, n_units, &cc, 0, 2);
    int from = 2;
    for (int i = 0; i < n_units && rc == CL_OK; i++) {
        if (!c[i].stopped)
            rc = coarse_keep(&c[i], clp_now() + 0.2 * (ctx->deadline - clp_now()) / (n_units - i),
                             COARSE_KEEP_PER_COLUMN * clp_mip_ncols(c[i].m));
        if (rc == CL_OK)
            rc = coarse_back(&units[i], &c[i], ctx->opts, !c[i].stopped);
        units[i].from = c[i].stopped ? 0 : 2;
        from = c[i].stopped ? 0 : from;
    }
    if (cc.stopped_level == 0) /* (else the fine levels state what is not proven) */
        ctx->gap = fmax(ctx->gap, cc.gap);
    for (int i = 0; c != NULL && k != NULL && i < n_units; i++) {
        unit_dispose(&c[i]);
        free(k[i]);
    }
    free(c);
    free(k);
    return rc == CL_OK ? run_range(units, n_units, ctx, from, NLEVELS) : rc;
}

/* Writes the unit's solution back to per-client managers and peers, deterministically: within a class, the
 * clients that stay come first, then the others by manager order. */
static void extract(const unit *u, int *manager, int *peer)
{
    for (int i = 0; i < u->n_classes; i++) {
        const cls *k = &u->classes[i];
        int *left = malloc(((size_t)k->e->n_mgr + 1) * sizeof(int));
        int *pleft = malloc(((size_t)k->e->n_peer + 1) * sizeof(int));
        if (left == NULL || pleft == NULL) {
            free(left);
            free(pleft);
            continue;
        }
        int stay = -1, pstay = -1;
        for (int t = 0; t < k->e->n_mgr; t++) {
            left[t] = (int)lround(u->sol[k->x0 + t]);
            if (k->e->mgr[t] == k->cur)
                stay = t;
        }
        for (int t = 0; t < k->e->n_peer; t++) {
            pleft[t] = (int)lround(u->sol[k->y0 + t]);
            if (k->e->peer[t] == k->curpeer)
                pstay = t;
        }
        for (int q = 0; q < k->n; q++) {
            int c = k->clients[q];
            manager[c] = CL_NONE;
            peer[c] = CL_NONE;
            int t = stay >= 0 && left[stay] > 0 ? stay : -1;
            for (int r = 0; t < 0 && r < k->e->n_mgr; r++)
                if (left[r] > 0)
                    t = r;
            if (t < 0)
                continue; /* waits */
            left[t]--;
            manager[c] = k->e->mgr[t];
            int pt = pstay >= 0 && pleft[pstay] > 0 ? pstay : -1;
            for (int r = 0; pt < 0 && r < k->e->n_peer; r++)
                if (pleft[r] > 0)
                    pt = r;
            if (pt >= 0) {
                pleft[pt]--;
                peer[c] = k->e->peer[pt];
            }
        }
        free(left);
        free(pleft);
    }
}

/* ---- the whole solve -------------------------------------------------------------------------------- */

typedef struct prep {
    elig *e;
    int *pool;  /* flat storage of eligibility lists */
    int *order; /* assignable clients sorted into classes, grouped by component */
    int n_order;
    cls *classes;
    int n_classes;
    int *comp_first; /* first class of each component, plus one past the end */
    int n_comp;
    int forced; /* moves the instance forces */
} prep;

/* Moves the instance forces in pool comp. */
static int pool_forced(const prep *p, int comp)
{
    int n = 0;
    for (int i = p->comp_first[comp]; i < p->comp_first[comp + 1]; i++) {
        const cls *k = &p->classes[i];
        if (k->cur >= 0 && !in_list(k->e->mgr, k->e->n_mgr, k->cur))
            n += k->n;
        if (k->curpeer >= 0 && !k->intake && !in_list(k->e->peer, k->e->n_peer, k->curpeer))
            n += k->n;
    }
    return n;
}

static void prep_dispose(prep *p, int n_clients)
{
    (void)n_clients;
    free(p->e);
    free(p->pool);
    free(p->order);
    for (int i = 0; i < p->n_classes; i++)
        free(p->classes[i].clients);
    free(p->classes);
    free(p->comp_first);
}

static int *g_root; /* component root per client, for the comparator */

static int cmp_by_comp(const void *pa, const void *pb)
{
    int a = *(const int *)pa, b = *(const int *)pb;
    if (g_root[a] != g_root[b])
        return g_root[a] < g_root[b] ? -1 : 1;
    return cmp_clients(pa, pb);
}

static int prepare(prep *p, const cl_instance *inst)
{
    int nc = inst->n_clients, ns = inst->n_staff;
    memset(p, 0, sizeof *p);
    p->e = calloc((size_t)nc + 1, sizeof *p->e);
    int *tmp = malloc(((size_t)ns + 1) * sizeof(int));
    int *parent = malloc(((size_t)ns + 1) * sizeof(int));
    int *root = malloc(((size_t)nc + 1) * sizeof(int));
    size_t cap = 1024, used = 0;
    p->pool = malloc(cap * sizeof(int));
    int rc = CL_OK;
    if (!p->e || !tmp || !parent || !root || !p->pool) {
        rc = CL_ENOMEM;
        goto done;
    }
    /* Lists are stored as offsets first (the pool moves while it grows), pointers fixed afterwards. */
    size_t *off = malloc(((size_t)nc + 1) * 2 * sizeof(size_t));
    if (off == NULL) {
        rc = CL_ENOMEM;
        goto done;
    }
    for (int c = 0; c < nc; c++) {
        bool pr = false;
        int n = cl_eligible_managers(inst, c, tmp, &p->e[c].relaxed);
        int npeer = 0;
        if (used + (size_t)n * 2 + (size_t)ns + 2 > cap) {
            while (used + (size_t)n * 2 + (size_t)ns + 2 > cap)
                cap *= 2;
            int *np = realloc(p->pool, cap * sizeof(int));
            if (np == NULL) {
                free(off);
                rc = CL_ENOMEM;
                goto done;
            }
            p->pool = np;
        }
        memcpy(p->pool + used, tmp, (size_t)n * sizeof(int));
        off[2 * c] = used;
        used += (size_t)n;
        p->e[c].n_mgr = n;
        if (n > 0)
            npeer = cl_eligible_peers(inst, c, p->pool + used, &pr);
        off[2 * c + 1] = used;
        used += (size_t)npeer;
        p->e[c].n_peer = npeer;
    }
    for (int c = 0; c < nc; c++) {
        p->e[c].mgr = p->pool + off[2 * c];
        p->e[c].peer = p->pool + off[2 * c + 1];
    }
    free(off);
    for (int s = 0; s < ns; s++)
        parent[s] = s;
    for (int t = 0; t < inst->n_teams; t++) /* a team's members share its pool's limit: one pool */
        for (int k = 1; k < inst->teams[t].n_members; k++)
            parent[find(parent, inst->teams[t].members[k])] = find(parent, inst->teams[t].members[0]);
    p->order = malloc(((size_t)nc + 1) * sizeof(int));
    if (p->order == NULL) {
        rc = CL_ENOMEM;
        goto done;
    }
    for (int c = 0; c < nc; c++) {
        const elig *e = &p->e[c];
        if (e->n_mgr == 0)
            continue; /* (a client nobody may serve waits: not a move) */
        p->order[p->n_order++] = c;
        int r0 = find(parent, e->mgr[0]);
        for (int t = 1; t < e->n_mgr; t++)
            parent[find(parent, e->mgr[t])] = r0;
        for (int t = 0; t < e->n_peer; t++)
            parent[find(parent, e->peer[t])] = find(parent, r0);
    }
    for (int c = 0; c < nc; c++)
        root[c] = p->e[c].n_mgr > 0 ? find(parent, p->e[c].mgr[0]) : -1;
    g_inst = inst;
    g_elig = p->e;
    g_root = root;
    qsort(p->order, (size_t)p->n_order, sizeof(int), cmp_by_comp);
    p->classes = calloc((size_t)p->n_order + 1, sizeof *p->classes);
    p->comp_first = malloc(((size_t)p->n_order + 2) * sizeof(int));
    if (!p->classes || !p->comp_first) {
        rc = CL_ENOMEM;
        goto done;
    }
    for (int i = 0; i < p->n_order;) {
        int j = i + 1;
        while (j < p->n_order && root[p->order[j]] == root[p->order[i]] &&
               same_class(inst, p->e, p->order[i], p->order[j]))
            j++;
        if (i == 0 || root[p->order[i]] != root[p->order[i - 1]])
            p->comp_first[p->n_comp++] = p->n_classes;
        cls *k = &p->classes[p->n_classes++];
        int c0 = p->order[i];
        const cl_client *cl = &inst->clients[c0];
        k->n = j - i;
        k->clients = malloc((size_t)k->n * sizeof(int));
        if (k->clients == NULL) {
            rc = CL_ENOMEM;
            goto done;
        }
        memcpy(k->clients, p->order + i, (size_t)k->n * sizeof(int));
        k->e = &p->e[c0];
        k->acuity = cl->acuity;
        k->weight = weight_of(cl);
        k->cur = cl->manager;
        k->curpeer = cl->peer;
        k->zone = cl->zone;
        k->level = cl->level;
        k->intake = cl->manager < 0;
        i = j;
    }
    p->comp_first[p->n_comp] = p->n_classes;
    for (int i = 0; i < p->n_comp; i++)
        p->forced += pool_forced(p, i);
done:
    free(tmp);
    free(parent);
    free(root);
    return rc;
}

/* Solves the pools (or, with a budget, all classes as one unit) and writes managers and peers. */
static int solve_all(const cl_instance *inst, const prep *p, solve_ctx *ctx, int budget, int *manager, int *peer)
{
    int n_units = budget >= 0 ? (p->n_classes > 0) : p->n_comp;
    unit *units = calloc((size_t)n_units + 1, sizeof *units);
    if (units == NULL)
        return CL_ENOMEM;
    int rc = CL_OK;
    for (int i = 0; i < n_units && rc == CL_OK; i++) {
        int first = budget >= 0 ? 0 : p->comp_first[i];
        int last = budget >= 0 ? p->n_classes : p->comp_first[i + 1];
        rc = unit_init(&units[i], inst, p->classes + first, last - first, budget);
        if (rc == CL_OK)
            initial_solution(&units[i]);
    }
    if (rc == CL_OK)
        rc = run_levels(units, n_units, ctx);
    for (int i = 0; i < n_units; i++) {
        if (rc == CL_OK)
            extract(&units[i], manager, peer);
        unit_dispose(&units[i]);
    }
    free(units);
    return rc;
}

/* One pool's plan under a move budget: its levels in the order of the command and the manager and peer of
 * each of its clients, in the order of its classes. */
typedef struct pool_plan {
    double v[NLEVELS];
    int moves;
    int *mgr, *peer;
} pool_plan;

/* Sets u's plan to the managers and peers its clients have in manager and peer (per client of the instance,
 * each eligible). */
static void implant(unit *u, const int *manager, const int *peer)
{
    for (int i = 0; i < u->n_classes; i++) {
        const cls *k = &u->classes[i];
        for (int side = 0; side < 2; side++)
            for (int t = 0; t < side_len(k, side); t++)
                u->sol[side_col(k, side, t)] = 0;
        if (k->w >= 0)
            u->sol[k->w] = 0;
        for (int q = 0; q < k->n; q++) {
            int c = k->clients[q];
            for (int side = 0; side < 2; side++) {
                int s = side == 0 ? manager[c] : peer[c];
                for (int t = 0; t < side_len(k, side); t++)
                    u->sol[side_col(k, side, t)] += side_staff(k, side, t) == s;
            }
            if (manager[c] == CL_NONE && k->w >= 0)
                u->sol[k->w] += 1;
        }
    }
    complete_solution(u);
}

/* The plan of unit u (pool comp) as a pool plan: its levels in the order of the command, its moves and the
 * manager and peer of each of its clients, in the order of its classes; manager and peer are scratch. */
static int pool_plan_of(const unit *u, const cl_instance *inst, const prep *p, int comp, const cl_solve_opts *opts,
                        int *manager, int *peer, pool_plan *out)
{
    int first = p->comp_first[comp], last = p->comp_first[comp + 1], rc = CL_OK;
    double *load = calloc((size_t)u->n_staff + 1, sizeof *load);
    double *pool = calloc((size_t)inst->n_teams + 1, sizeof *pool);
    int *mgr = malloc(((size_t)p->n_order + 1) * sizeof *mgr);
    int *pr = malloc(((size_t)p->n_order + 1) * sizeof *pr);
    if (!load || !pool || !mgr || !pr) {
        rc = CL_ENOMEM;
    } else {
        const int *order = level_order(opts);
        vec e = {0};
        for (int q = 0; q < NLEVELS; q++) {
            if (order[q] == L_IMB) { /* from the loads: phi's columns exist only when it was solved */
                current_loads(u, load, pool);
                out->v[q] = 0;
                for (int a = 0; a < u->n_staff; a++)
                    out->v[q] += phi_of(u, a, load[a]);
            } else {
                level_expr(u, order[q], &e);
                out->v[q] = level_value(u, order[q], &e);
            }
            if (order[q] == L_MOVES)
                out->moves = (int)lround(out->v[q]);
        }
        vec_dispose(&e);
        extract(u, manager, peer);
        int n = 0;
        for (int i = first; i < last; i++)
            for (int q = 0; q < p->classes[i].n; q++, n++) {
                mgr[n] = manager[p->classes[i].clients[q]];
                pr[n] = peer[p->classes[i].clients[q]];
            }
        out->mgr = mgr;
        out->peer = pr;
        mgr = pr = NULL;
    }
    free(load);
    free(pool);
    free(mgr);
    free(pr);
    return rc;
}

/* Pool comp's plan under budget (CL_NONE for none) into out: solved alone, or when plan_mgr is not NULL the plan
 * it and plan_peer give (per client of the instance), already solved. Returns CL_OK; a stop by the time limit
 * shows in ctx->stopped_level. */
static int solve_pool(const cl_instance *inst, const prep *p, int comp, solve_ctx *ctx, int budget, const int *plan_mgr,
                      const int *plan_peer, int *manager, int *peer, pool_plan *out)
{
    unit u;
    int first = p->comp_first[comp], last = p->comp_first[comp + 1];
    int rc = unit_init(&u, inst, p->classes + first, last - first, budget);
    if (rc == CL_OK && plan_mgr != NULL) {
        implant(&u, plan_mgr, plan_peer);
    } else if (rc == CL_OK) {
        initial_solution(&u);
        rc = run_levels(&u, 1, ctx);
    }
    if (rc == CL_OK)
        rc = pool_plan_of(&u, inst, p, comp, ctx->opts, manager, peer, out);
    unit_dispose(&u);
    return rc;
}

/* Lexicographic comparison of level vectors, equal within rounding. */
static int lex_cmp(const double *x, const double *y)
{
    for (int q = 0; q < NLEVELS; q++)
        if (fabs(x[q] - y[q]) > 1e-9 * (1 + fabs(x[q]) + fabs(y[q])))
            return x[q] < y[q] ? -1 : 1;
    return 0;
}

/* The move budget shared out over the pools: a plan's levels are sums over pools, and the only link between
 * pools is the budget. Each pool is solved alone for each budget it may get (from the moves it is forced to
 * make up to the moves of its own optimum, beyond which more budget does not help), and a dynamic programme
 * over the pools finds, for every total budget B up to kmax, the share whose sum of levels is least in the
 * order of the command (lexicographic order is kept by sums, so the best share for the first pools stays
 * best). Exact when every pool solve is proven. */
typedef struct budget_dp {
    int n, kmax;
    pool_plan **plans; /* per pool, budgets lo..hi */
    int *lo, *hi;
    int *choice; /* choice[i * (kmax + 1) + B]: pool i's budget within total B for pools 0..i, or -1 */
} budget_dp;

static void dp_dispose(budget_dp *d)
{
    for (int i = 0; i < d->n && d->plans; i++) {
        for (int b = d->lo[i]; d->plans[i] && b <= d->hi[i]; b++) {
            free(d->plans[i][b - d->lo[i]].mgr);
            free(d->plans[i][b - d->lo[i]].peer);
        }
        free(d->plans[i]);
    }
    free(d->plans);
    free(d->lo);
    free(d->hi);
    free(d->choice);
    memset(d, 0, sizeof *d);
}

/* Builds d for totals up to kmax; own_mgr and own_peer, when not NULL, are the pools' own optima (proven), else
 * they are solved. Returns CL_OK with *proven false when a pool solve was stopped by the time limit (the
 * programme is then not built). */
static int dp_build(budget_dp *d, const cl_instance *inst, const prep *p, solve_ctx *ctx, int kmax, const int *own_mgr,
                    const int *own_peer, bool *proven)
{
    int n = p->n_comp, rc = CL_OK;
    memset(d, 0, sizeof *d);
    *proven = false;
    d->n = n;
    d->kmax = kmax;
    d->plans = calloc((size_t)n + 1, sizeof *d->plans);
    d->lo = calloc((size_t)n + 1, sizeof *d->lo);
    d->hi = calloc((size_t)n + 1, sizeof *d->hi);
    size_t nb = (size_t)kmax + 1;
    d->choice = malloc(nb * ((size_t)n + 1) * sizeof *d->choice);
    int *mgr = malloc(((size_t)inst->n_clients + 1) * sizeof *mgr);
    int *peer = malloc(((size_t)inst->n_clients + 1) * sizeof *peer);
    double *best = calloc(nb * NLEVELS, sizeof *best), *next = malloc(nb * NLEVELS * sizeof *next);
    if (!d->plans || !d->lo || !d->hi || !d->choice || !mgr || !peer || !best || !next) {
        rc = CL_ENOMEM;
        goto out;
    }
    int forced_all = 0;
    for (int i = 0; i < n; i++)
        forced_all += (d->lo[i] = pool_forced(p, i));
    for (int i = 0; i < n && rc == CL_OK; i++) {
        pool_plan fp = {0};
        solve_ctx c = *ctx;
        rc = solve_pool(inst, p, i, &c, CL_NONE, own_mgr, own_peer, mgr, peer, &fp);
        ctx->gap = fmax(ctx->gap, c.gap);
        int cap = kmax - (forced_all - d->lo[i]);
        d->hi[i] = fp.moves < cap ? fp.moves : cap;
        d->plans[i] = d->hi[i] >= d->lo[i] ? calloc((size_t)(d->hi[i] - d->lo[i] + 1), sizeof **d->plans) : NULL;
        if (rc == CL_OK && c.stopped_level == 0 && d->plans[i] != NULL && fp.moves <= d->hi[i]) {
            d->plans[i][fp.moves - d->lo[i]] = fp; /* its own optimum, for every budget from its moves up */
            fp.mgr = fp.peer = NULL;
        }
        free(fp.mgr);
        free(fp.peer);
        if (rc == CL_OK && (c.stopped_level > 0 || d->plans[i] == NULL))
            goto out; /* not proven, or no budget reaches its forced moves */
        for (int b = d->lo[i]; b <= d->hi[i] && rc == CL_OK; b++) {
            if (d->plans[i][b - d->lo[i]].mgr != NULL)
                continue;
            c = *ctx;
            rc = solve_pool(inst, p, i, &c, b, NULL, NULL, mgr, peer, &d->plans[i][b - d->lo[i]]);
            ctx->gap = fmax(ctx->gap, c.gap);
            if (rc == CL_OK && c.stopped_level > 0)
                goto out;
        }
    }
    if (rc != CL_OK)
        goto out;
    memset(d->choice, 0xff, nb * (size_t)n * sizeof *d->choice); /* -1: no share within that total */
    for (int i = 0; i < n; i++) {
        for (size_t B = 0; B < nb; B++)
            for (int b = d->lo[i]; b <= d->hi[i]; b++) {
                const pool_plan *pp = &d->plans[i][b - d->lo[i]];
                if (pp->mgr == NULL || (size_t)pp->moves > B ||
                    (i > 0 && d->choice[(size_t)(i - 1) * nb + B - (size_t)pp->moves] < 0))
                    continue;
                double sum[NLEVELS];
                for (int q = 0; q < NLEVELS; q++)
                    sum[q] = best[(B - (size_t)pp->moves) * NLEVELS + (size_t)q] + pp->v[q];
                if (d->choice[(size_t)i * nb + B] < 0 || lex_cmp(sum, next + B * NLEVELS) < 0) {
                    memcpy(next + B * NLEVELS, sum, sizeof sum);
                    d->choice[(size_t)i * nb + B] = b;
                }
            }
        double *t = best;
        best = next;
        next = t;
    }
    *proven = true;
out:
    free(mgr);
    free(peer);
    free(best);
    free(next);
    return rc;
}

/* Writes the plan of the best share within total budget B into manager and peer; false when none. */
static bool dp_plan(const budget_dp *d, const prep *p, int B, int *manager, int *peer)
{
    size_t nb = (size_t)d->kmax + 1;
    if (d->n == 0 || B > d->kmax || d->choice[(size_t)(d->n - 1) * nb + (size_t)B] < 0)
        return d->n == 0;
    for (int i = d->n - 1; i >= 0; i--) {
        const pool_plan *pp = &d->plans[i][d->choice[(size_t)i * nb + (size_t)B] - d->lo[i]];
        int k = 0;
        for (int c = p->comp_first[i]; c < p->comp_first[i + 1]; c++)
            for (int q = 0; q < p->classes[c].n; q++, k++) {
                manager[p->classes[c].clients[q]] = pp->mgr[k];
                peer[p->classes[c].clients[q]] = pp->peer[k];
            }
        B -= pp->moves;
    }
    return true;
}

/* Solves with the move budget (CL_NONE for none). First the pools' own optima, with half the time at most:
 * when they keep within the budget they are the answer, with the status and bound of their solve (the budget
 * only takes plans away, so a bound without it holds with it). When the budget binds and they were proven,
 * the budget is shared out over the pools (budget_dp, kept in *d for the frontier), exactly if every pool solve
 * is proven within the half; otherwise the pools are solved coupled by the budget in one model with the time
 * left. *own says whether a's plan is the pools' own optima. */
static int solve_budget(const cl_instance *inst, const prep *p, solve_ctx *ctx, int budget, cl_assignment *a,
                        budget_dp *d, bool *own)
{
    *own = true; /* a's plan is the pools' own optima */
    if (budget == CL_NONE)
        return solve_all(inst, p, ctx, CL_NONE, a->manager, a->peer);
    solve_ctx half = *ctx;
    half.deadline = ctx->started + 0.5 * (ctx->deadline - ctx->started);
    solve_ctx fc = half;
    int rc = solve_all(inst, p, &fc, CL_NONE, a->manager, a->peer);
    cl_objective ob;
    cl_objective_of(inst, a->manager, a->peer, &ob);
    if (rc != CL_OK || ob.moves + ob.peer_moves <= budget) {
        fc.deadline = ctx->deadline;
        *ctx = fc;
        return rc;
    }
    *own = false;
    if (fc.stopped_level == 0) {
        bool proven;
        rc = dp_build(d, inst, p, &half, budget, a->manager, a->peer, &proven);
        bool done = rc == CL_OK && proven && dp_plan(d, p, budget, a->manager, a->peer);
        ctx->gap = fmax(ctx->gap, half.gap);
        if (!done)
            dp_dispose(d);
        if (rc != CL_OK || done)
            return rc;
    }
    return solve_all(inst, p, ctx, budget, a->manager, a->peer);
}

/* Frontier of SPEC §5: for each budget from the forced moves up, the best imbalance (levels overload and
 * waitlist held first), until the budget reaches the moves of the unconstrained rebalance. From the budget
 * shared out over the pools when every pool solve is proven (budget_dp: d, when solve_budget built it, else
 * built here, from a's plan when own says it is the pools' own optima, in rebalance and proven), else from the pools
 * coupled by each budget in turn; a frontier cut short by the time limit makes the status time_limit. */
static int frontier(cl_assignment *a, const cl_instance *inst, prep *p, solve_ctx *ctx, int max_moves, budget_dp *d,
                    bool own)
{
    int cap = max_moves - p->forced + 1;
    a->frontier = calloc((size_t)(cap > 0 ? cap : 1), sizeof *a->frontier);
    if (a->frontier == NULL)
        return CL_ENOMEM;
    int *mgr = malloc(((size_t)inst->n_clients + 1) * sizeof(int));
    int *peer = malloc(((size_t)inst->n_clients + 1) * sizeof(int));
    int rc = mgr && peer ? CL_OK : CL_ENOMEM;
    cl_solve_opts o = *ctx->opts;
    o.balance_first = true;
    solve_ctx dc = *ctx;
    dc.opts = &o;
    dc.stopped_level = 0;
    /* (the frontier is in rebalance's order: what solve_budget left serves only in rebalance) */
    own &= ctx->opts->balance_first && ctx->stopped_level == 0;
    bool proven = ctx->opts->balance_first && d->n > 0 && d->kmax >= max_moves;
    if (rc == CL_OK && max_moves >= 0 && !proven) {
        dp_dispose(d);
        rc = dp_build(d, inst, p, &dc, max_moves, own ? a->manager : NULL, own ? a->peer : NULL, &proven);
    }
    for (int k = p->forced; k <= max_moves && rc == CL_OK; k++) {
        solve_ctx c2 = *ctx;
        c2.opts = &o;
        c2.stopped_level = 0;
        for (int c = 0; c < inst->n_clients; c++) {
            mgr[c] = a->manager[c];
            peer[c] = a->peer[c];
        }
        if (!(proven && dp_plan(d, p, k, mgr, peer)))
            rc = solve_all(inst, p, &c2, k, mgr, peer);
        if (rc != CL_OK)
            break;
        cl_objective ob;
        cl_objective_of(inst, mgr, peer, &ob);
        cl_frontier_point pt = {ob.moves + ob.peer_moves, ob.imbalance, ob.max_utilization};
        if (a->n_frontier > 0 && pt.imbalance > a->frontier[a->n_frontier - 1].imbalance)
            pt.imbalance = a->frontier[a->n_frontier - 1].imbalance; /* a stop by the time limit */
        a->frontier[a->n_frontier++] = pt;
        if (c2.stopped_level > 0) {
            if (ctx->stopped_level == 0) /* the plan itself is proven: its levels are their own bound */
                ctx->stopped_level = c2.stopped_level;
            break;
        }
        if (pt.imbalance <= a->obj.imbalance + 1e-9)
            break;
    }
    free(mgr);
    free(peer);
    return rc;
}

int cl_assign_solve(cl_assignment **out, const cl_instance *inst, const cl_solve_opts *opts, cl_error *err)
{
    cl_solve_opts defaults;
    if (opts == NULL) {
        cl_solve_opts_init(&defaults);
        opts = &defaults;
    }
    if (!(opts->time_limit_s > 0) || !(opts->gap >= 0 && opts->gap <= 1) || opts->max_moves < CL_NONE)
        return cl_error_set(err, CL_EUSAGE, "opts", "time_limit_s must be > 0, gap in [0, 1], max_moves >= 0");
    double wall0 = clp_wall();
    solve_ctx ctx = {.opts = opts, .started = clp_now()};
    ctx.deadline = ctx.started + opts->time_limit_s;
    budget_dp d = {0}; /* a move budget shared out over the pools, for the frontier */
    bool own = false;
    /* The model's size before any work, from clients and serving managers per program (an upper bound of
     * the columns; measured at about 330 bytes of memory each: 20,000 clients, 6.4 million, 2 GiB):
     * refuse up front what would not fit rather than fail after minutes. */
    double per_program[CL_NPROGRAMS] = {0}, serving[CL_NPROGRAMS] = {0}, peers = 0, cols = 0;
    for (int s = 0; s < inst->n_staff; s++) {
        const cl_staff *st = &inst->staff[s];
        if (st->active && st->role == CL_PEER)
            peers++;
        else if (st->active && st->team >= 0)
            serving[CL_BLENDED]++;
        else if (st->active && st->program >= 0)
            serving[st->program]++;
    }
    for (int c = 0; c < inst->n_clients; c++)
        per_program[inst->clients[c].program]++;
    for (int q = 0; q < CL_NPROGRAMS; q++)
        cols += per_program[q] * (serving[q] + 1 + (q == CL_ADULT_HOME ? peers : 0));
    if (cols > CL_ASSIGN_MAX_COLUMNS)
        return cl_error_set(err, CL_ENOMEM, "",
                            "this agency's assignment model could need %.0f million columns (about %.0f GiB), more "
                            "than the %.0f million this build solves within memory; solve it in parts (by program "
                            "or region)",
                            cols / 1e6, cols * 330 / (1 << 30), CL_ASSIGN_MAX_COLUMNS / 1e6);
    prep p;
    cl_assignment *a = cl_assignment_new(inst->n_clients);
    int rc = a ? prepare(&p, inst) : CL_ENOMEM;
    if (rc != CL_OK)
        goto done;
    if (opts->max_moves != CL_NONE && opts->max_moves < p.forced) {
        rc = cl_error_set(err, CL_EINVALID, "max_moves",
                          "a budget of %d moves is below the %d moves this instance forces (clients whose "
                          "manager or peer is leaving, avoided or no longer serves them); allow at least %d",
                          opts->max_moves, p.forced, p.forced);
        goto done;
    }
    rc = solve_budget(inst, &p, &ctx, opts->max_moves, a, &d, &own);
    if (rc != CL_OK)
        goto done;
    cl_assignment_evaluate(inst, a, &a->obj);
    a->has_obj = true;
    if (opts->frontier) {
        int upto = a->obj.moves + a->obj.peer_moves;
        if (opts->max_moves != CL_NONE && opts->max_moves < upto)
            upto = opts->max_moves;
        rc = frontier(a, inst, &p, &ctx, upto, &d, own);
        if (rc != CL_OK)
            goto done;
    }
    a->status = ctx.stopped_level > 0 ? CL_TIME_LIMIT : a->obj.overload > 1e-9 ? CL_OVER_CAPACITY : CL_OPTIMAL;
    a->stopped_level = ctx.stopped_level;
    if (ctx.stopped_level > 0) { /* the level's value over the whole plan, less what is not proven */
        const cl_objective *o = &a->obj;
        double reached[NLEVELS] = {o->overload, o->waitlist, o->moves + o->peer_moves, o->imbalance, o->travel_minutes};
        a->bound = fmax(0, reached[ctx.stopped_level - 1] - ctx.bound_gap); /* every level is >= 0 */
    }
    a->gap = ctx.gap;
    rc = clp_explain_assignment(a, inst);
    a->seconds = clp_wall() - wall0;
    a->clock_s = clp_now() - ctx.started;
    cl_instance_fingerprint(inst, a->fingerprint);
done:
    dp_dispose(&d);
    if (a != NULL && p.e != NULL)
        prep_dispose(&p, inst->n_clients);
    if (rc != CL_OK) {
        cl_assignment_free(a);
        if (rc == CL_ENOMEM)
            cl_error_set(err, rc, "", "out of memory");
        else if (rc == CL_EINTERNAL)
            cl_error_set(err, rc, "", "internal error in the assignment model");
        return rc;
    }
    *out = a;
    return CL_OK;
}
