/* backend.c: GLPK behind a small, safe interface: indices checked, terminal output off, time limited,
 * the caller's feasible start handed to the search, progress shown on request. */
#include "backend.h"

#include <float.h>
#include <glpk.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../model/cl.h"

struct clp_mip {
    glp_prob *lp;
    int ncols;
    double *value; /* last solution, ncols */
    int *ind;      /* scratch for rows, 1-based */
    double *val;
    int scratch;
};

/* ---- The clock time limits are read on ----------------------------------------------------------------------
 * The wall clock, unless a caller asks for the work clock (clp_clock_count_work): each scenario does, since
 * a limit read on the wall clock stops a search at a different point in each run, and -j 2 would give other
 * bytes than -j 1. The work clock counts GLPK's simplex iterations and search nodes weighted by the model's size,
 * rows built and local-search steps, in seconds of the benchmark machine (fitted there on 556 solves of the
 * assignment and schedule models by GLPK 5.0: most within 0.5-1.6 times their wall time, a few from 0.3 to
 * 4). Where the count falls far behind, it still runs at least at a tenth of the wall clock's pace after a
 * second's grace: a limit is kept within ten times its length plus a second, and only then (a machine ten
 * times slower or busier than the benchmark's) may runs differ. With half the pace and no grace, two other
 * busy processes on the 2 cores made -j 1 and -j 2 differ in 6 of 6 tries, and a pause of 5 ms at the start
 * of a task (one time slice of a loaded machine) was enough to change a plan. The count falls far behind
 * on models of millions of columns (20,000 clients: a 30 s limit took 67 s), so once a model of
 * WALL_CLOCK_COLUMNS is built it follows the wall clock (after the grace) from then on. */
#define WORK_PER_STEP        1e-6    /* each reading of the clock: one step of a local search */
#define WORK_PER_NONZERO     2e-7    /* a coefficient of a row built */
#define WORK_PER_LP_ITER_DIM 7e-9    /* an iteration of the first LP (primal simplex), per row and column */
#define WORK_PER_ITER_NZ     1.1e-8  /* an iteration in the search (dual simplex), per nonzero of the matrix */
#define WORK_PER_NODE_DIM    1.54e-7 /* a call of the search's callback (a node: its LP, cuts, heuristics), */
#define WORK_PER_NODE_NZ     1.37e-8 /* per row and column, and per nonzero */
#define WORK_PER_ROOT_CUTS   5.7e-10 /* and at the root, where the cuts are made, per row times nonzero */
#define WALL_SLACK           10.0    /* the work clock never runs slower than the wall clock / WALL_SLACK */
#define WALL_GRACE           1.0     /* after WALL_GRACE seconds of the wall clock */
#define WALL_CLOCK_COLUMNS   1000000 /* from a model this large on, the wall clock itself */

static struct {
    bool counting; /* the work clock (clp_clock_count_work(true)), not the wall clock */
    double slack;  /* WALL_SLACK, or 1 once a model of WALL_CLOCK_COLUMNS was built */
    double wall0;  /* clp_wall() when the count started */
    double work;   /* work counted since, in seconds */
} work_clock;

double clp_wall(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void clp_clock_count_work(bool on)
{
    work_clock.counting = on;
    work_clock.slack = WALL_SLACK;
    work_clock.wall0 = clp_wall();
    work_clock.work = 0;
}

/* The clock without counting a step: for what is only shown (progress lines differ on a terminal). */
static double clock_peek(void)
{
    if (!work_clock.counting)
        return clp_wall();
    return fmax(work_clock.work, (clp_wall() - work_clock.wall0 - WALL_GRACE) / work_clock.slack);
}

double clp_now(void)
{
    work_clock.work += WORK_PER_STEP;
    return clock_peek();
}

/* Wall milliseconds until the clock reaches deadline at the latest (GLPK's own limit, a last resort). */
static int wall_ms_until(double deadline)
{
    double at = work_clock.counting ? work_clock.wall0 + WALL_GRACE + work_clock.slack * deadline : deadline;
    return (int)fmin(fmax((at - clp_wall()) * 1000, 1), 2e9);
}

/* Counts the simplex iterations lp did since *iterations on the clock, at per_iteration seconds each, and
 * sets *iterations to its count. */
static void count_iterations(glp_prob *lp, int *iterations, double per_iteration)
{
    int now = glp_get_it_cnt(lp);
    work_clock.work += (now - *iterations) * per_iteration;
    *iterations = now;
}

static int quiet_hook(void *info, const char *s)
{
    (void)info;
    (void)s;
    return 1; /* swallow everything GLPK prints */
}

clp_mip *clp_mip_new(void)
{
    clp_mip *m = calloc(1, sizeof *m);
    if (m == NULL)
        return NULL;
    glp_term_hook(quiet_hook, NULL);
    glp_term_out(GLP_OFF);
    m->lp = glp_create_prob();
    glp_set_obj_dir(m->lp, GLP_MIN);
    return m;
}

void clp_mip_free(clp_mip *m)
{
    if (m == NULL)
        return;
    glp_delete_prob(m->lp);
    free(m->value);
    free(m->ind);
    free(m->val);
    free(m);
}

int clp_mip_ncols(const clp_mip *m)
{
    return m->ncols;
}

static int bound_type(double lb, double ub)
{
    bool has_lb = isfinite(lb), has_ub = isfinite(ub);
    return has_lb && has_ub ? (lb == ub ? GLP_FX : GLP_DB) : has_lb ? GLP_LO : has_ub ? GLP_UP : GLP_FR;
}

int clp_mip_add_col(clp_mip *m, double lb, double ub, bool integer)
{
    int j = glp_add_cols(m->lp, 1);
    if (m->ncols + 1 == WALL_CLOCK_COLUMNS)
        work_clock.slack = 1; /* the work clock is the wall clock's from here (see the clock's comment) */
    glp_set_col_bnds(m->lp, j, bound_type(lb, ub), isfinite(lb) ? lb : 0, isfinite(ub) ? ub : 0);
    if (integer)
        glp_set_col_kind(m->lp, j, GLP_IV);
    return m->ncols++;
}

static int ensure_scratch(clp_mip *m, int n)
{
    if (n + 1 > m->scratch) {
        int cap = (n + 1) * 2;
        int *ind = realloc(m->ind, (size_t)cap * sizeof *ind);
        double *val = realloc(m->val, (size_t)cap * sizeof *val);
        if (ind)
            m->ind = ind;
        if (val)
            m->val = val;
        if (!ind || !val)
            return CL_ENOMEM;
        m->scratch = cap;
    }
    return CL_OK;
}

/* The nonzeros of (index, value) pairs into GLPK's 1-based scratch arrays (ensure_scratch first); their count. */
static int pack_nonzeros(clp_mip *m, const int *index, const double *vals, int n)
{
    int k = 0;
    for (int t = 0; t < n; t++) {
        if (vals[t] == 0)
            continue;
        m->ind[k + 1] = index[t] + 1;
        m->val[k + 1] = vals[t];
        k++;
    }
    return k;
}

int clp_mip_add_col_in(clp_mip *m, double lb, double ub, bool integer, const int *rows, const double *vals, int n,
                       double obj)
{
    int rows_now = glp_get_num_rows(m->lp);
    for (int t = 0; t < n; t++)
        if (vals[t] != 0 && (rows[t] < 0 || rows[t] >= rows_now)) /* GLPK aborts on a bad index */
            return CL_EINTERNAL;
    if (ensure_scratch(m, n) != CL_OK)
        return CL_ENOMEM;
    int j = clp_mip_add_col(m, lb, ub, integer);
    int k = pack_nonzeros(m, rows, vals, n);
    glp_set_mat_col(m->lp, j + 1, k, m->ind, m->val);
    glp_set_obj_coef(m->lp, j + 1, obj);
    work_clock.work += WORK_PER_NONZERO * k;
    return j;
}

void clp_mip_col_bounds(const clp_mip *m, int j, double *lb, double *ub)
{
    int type = glp_get_col_type(m->lp, j + 1);
    *lb = type == GLP_FR || type == GLP_UP ? -HUGE_VAL : glp_get_col_lb(m->lp, j + 1);
    *ub = type == GLP_FR || type == GLP_LO ? HUGE_VAL : glp_get_col_ub(m->lp, j + 1);
}

int clp_mip_add_row(clp_mip *m, const int *cols, const double *vals, int n, double lb, double ub)
{
    if (ensure_scratch(m, n) != CL_OK)
        return CL_ENOMEM;
    for (int t = 0; t < n; t++)
        if (vals[t] != 0 && (cols[t] < 0 || cols[t] >= m->ncols)) /* GLPK aborts on a bad index */
            return CL_EINTERNAL;
    int i = glp_add_rows(m->lp, 1);
    clp_mip_set_row_bounds(m, i - 1, lb, ub);
    int k = pack_nonzeros(m, cols, vals, n);
    glp_set_mat_row(m->lp, i, k, m->ind, m->val);
    work_clock.work += WORK_PER_NONZERO * k;
    return i - 1;
}

void clp_mip_set_row_bounds(clp_mip *m, int i, double lb, double ub)
{
    glp_set_row_bnds(m->lp, i + 1, bound_type(lb, ub), isfinite(lb) ? lb : 0, isfinite(ub) ? ub : 0);
}

void clp_mip_set_col_bounds(clp_mip *m, int j, double lb, double ub)
{
    glp_set_col_bnds(m->lp, j + 1, bound_type(lb, ub), isfinite(lb) ? lb : 0, isfinite(ub) ? ub : 0);
}

int clp_mip_nrows(const clp_mip *m)
{
    return glp_get_num_rows(m->lp);
}

void clp_mip_truncate_rows(clp_mip *m, int first)
{
    int n = glp_get_num_rows(m->lp) - first;
    if (n <= 0)
        return;
    int *num = malloc(((size_t)n + 1) * sizeof *num);
    if (num == NULL)
        return;
    for (int k = 1; k <= n; k++)
        num[k] = first + k;
    glp_del_rows(m->lp, n, num);
    free(num);
}

void clp_mip_set_obj(clp_mip *m, int j, double coef)
{
    glp_set_obj_coef(m->lp, j + 1, coef);
}

void clp_mip_clear_obj(clp_mip *m)
{
    for (int j = 1; j <= m->ncols; j++)
        glp_set_obj_coef(m->lp, j, 0);
}

double clp_mip_value(const clp_mip *m, int j)
{
    return m->value ? m->value[j] : 0;
}

typedef struct cb_info {
    const clp_mip_params *p;
    const double *start;
    bool start_given;
    double last_print;
    double bound;
    bool printed;
    bool closed;                /* stopped because incumbent - bound <= abs_gap */
    double deadline;            /* clp_now() by which the search stops: GLPK's own tm_lim can run over by a tenth */
    int iterations;             /* simplex iterations counted on the clock */
    double work_end;            /* work_clock.work at which the search stops (with a work limit) */
    double rounded_of, rounded; /* the incumbent's value as GLPK has it, and rounded (rounded_incumbent) */
} cb_info;

/* Does x (0-based, one value per column) keep every bound, row and integrality of m, within 1e-6? GLPK takes a
 * start from the callback unchecked (glp_ios_heur_sol checks neither rows nor bounds) and may return it as its
 * solution, so only a feasible start is handed over. */
static bool start_feasible(glp_prob *lp, const double *x)
{
    int n = glp_get_num_cols(lp), rows = glp_get_num_rows(lp);
    for (int j = 1; j <= n; j++) {
        double v = x[j - 1], lb = glp_get_col_lb(lp, j), ub = glp_get_col_ub(lp, j);
        int type = glp_get_col_type(lp, j);
        if (((type == GLP_LO || type == GLP_DB || type == GLP_FX) && v < lb - 1e-6) ||
            ((type == GLP_UP || type == GLP_DB || type == GLP_FX) && v > ub + 1e-6) ||
            (glp_get_col_kind(lp, j) != GLP_CV && fabs(v - round(v)) > 1e-6))
            return false;
    }
    int *ind = malloc(((size_t)n + 1) * sizeof *ind);
    double *val = malloc(((size_t)n + 1) * sizeof *val);
    bool ok = ind && val;
    for (int i = 1; ok && i <= rows; i++) {
        int len = glp_get_mat_row(lp, i, ind, val), type = glp_get_row_type(lp, i);
        double a = 0;
        for (int q = 1; q <= len; q++)
            a += val[q] * x[ind[q] - 1];
        double tol = 1e-6 * fmax(1, fabs(a));
        ok = !(((type == GLP_LO || type == GLP_DB || type == GLP_FX) && a < glp_get_row_lb(lp, i) - tol) ||
               ((type == GLP_UP || type == GLP_DB || type == GLP_FX) && a > glp_get_row_ub(lp, i) + tol));
    }
    free(ind);
    free(val);
    return ok;
}

/* The incumbent's objective with its integer columns rounded: GLPK's own value carries its tolerances (a
 * brute force met 326.99986 for a solution worth 327, which a grid test against a bound of 326 took for 326). */
static double rounded_incumbent(glp_prob *lp)
{
    double v = glp_get_obj_coef(lp, 0);
    for (int j = 1, n = glp_get_num_cols(lp); j <= n; j++) {
        double x = glp_mip_col_val(lp, j);
        v += glp_get_obj_coef(lp, j) * (glp_get_col_kind(lp, j) == GLP_CV ? x : round(x));
    }
    return v;
}

void clp_progress_line(char *buf, size_t size, const clp_mip_params *p, double elapsed, bool found, double incumbent,
                       bool bounded, double bound)
{
    char inc[32] = "-", bnd[32] = "-", gap[32] = "-";
    double v = incumbent + p->offset, b = bound + p->offset;
    if (found)
        snprintf(inc, sizeof inc, "%.6g", v);
    if (bounded)
        snprintf(bnd, sizeof bnd, "%.6g", b);
    if (found && bounded)
        snprintf(gap, sizeof gap, "%.2f%%", 100 * fmax(0, v - b) / fmax(fabs(v), 1e-9));
    snprintf(buf, size, "caseload: %-22s %7.1f s  incumbent %-12s bound %-12s gap %-8s ", p->label ? p->label : "",
             elapsed, inc, bnd, gap);
}

static void callback(glp_tree *T, void *data)
{
    cb_info *info = data;
    int reason = glp_ios_reason(T);
    glp_prob *lp = glp_ios_get_prob(T);
    count_iterations(lp, &info->iterations, WORK_PER_ITER_NZ * glp_get_num_nz(lp));
    int node = glp_ios_curr_node(T);
    bool root = node > 0 && glp_ios_node_level(T, node) == 0;
    double rows = glp_get_num_rows(lp), nz = glp_get_num_nz(lp);
    work_clock.work += WORK_PER_NODE_DIM * (rows + glp_get_num_cols(lp)) + WORK_PER_NODE_NZ * nz +
                       (root ? WORK_PER_ROOT_CUTS * rows * nz : 0);
    for (int q = 0; reason == GLP_IBRANCH && q < info->p->n_branch_first; q++)
        if (glp_ios_can_branch(T, info->p->branch_first[q] + 1)) {
            glp_ios_branch_upon(T, info->p->branch_first[q] + 1, GLP_NO_BRNCH);
            break;
        }
    if (reason == GLP_IHEUR && info->start && !info->start_given) {
        int n = glp_get_num_cols(lp);
        double *x = malloc(((size_t)n + 1) * sizeof *x);
        if (x) {
            memcpy(x + 1, info->start, (size_t)n * sizeof *x);
            glp_ios_heur_sol(T, x);
            free(x);
        }
        info->start_given = true;
    }
    int best = glp_ios_best_node(T);
    if (best > 0)
        info->bound = glp_ios_node_bound(T, best);
    if (clp_now() > info->deadline || (info->p->work_limit_s > 0 && work_clock.work > info->work_end))
        glp_ios_terminate(T);
    /* Closed: the incumbent within abs_gap of the bound (GLPK's or the caller's), or with the caller's bound
     * and no grid, within rounding of it. */
    const clp_mip_params *p = info->p;
    double lb = p->has_known_bound ? fmax(info->bound, p->known_bound) : info->bound;
    double close = p->abs_gap > 0 ? p->abs_gap : p->has_known_bound ? 1e-7 * (1 + fabs(glp_mip_obj_val(lp))) : 0;
    if (close > 0 && (best > 0 || p->has_known_bound) && !info->closed && glp_mip_status(lp) == GLP_FEAS &&
        glp_mip_obj_val(lp) - lb <= close) {
        if (glp_mip_obj_val(lp) != info->rounded_of) { /* once per incumbent */
            info->rounded_of = glp_mip_obj_val(lp);
            info->rounded = rounded_incumbent(lp);
        }
        if (info->rounded - lb <= close) {
            info->closed = true;
            glp_ios_terminate(T);
        }
    }
    if (info->p->progress && reason == GLP_ISELECT) {
        double now = clock_peek();
        if (now - info->p->started >= info->p->progress_after_s && now - info->last_print >= 0.5) {
            char line[160];
            bool found = glp_mip_status(lp) == GLP_FEAS || glp_mip_status(lp) == GLP_OPT;
            bool bounded = info->bound > -DBL_MAX; /* (GLPK's bound of a node without one) */
            clp_progress_line(line, sizeof line, info->p, now - info->p->started, found, glp_mip_obj_val(lp), bounded,
                              info->bound);
            fprintf(stderr, "\r%s", line);
            info->last_print = now;
            info->printed = true;
        }
    }
}

/* Solves the LP relaxation by the primal simplex, from the last basis, within time_limit_s (by deadline on
 * clp_now's clock); whether it found the optimum. */
static bool relaxation_solved(clp_mip *m, double time_limit_s, double deadline)
{
    glp_smcp sm;
    glp_init_smcp(&sm);
    sm.msg_lev = GLP_MSG_OFF;
    sm.presolve = GLP_OFF;
    sm.tm_lim = wall_ms_until(deadline);
    double per_iteration = WORK_PER_LP_ITER_DIM * (glp_get_num_rows(m->lp) + m->ncols);
    if (work_clock.counting) /* the limit in iterations, which the work clock counts */
        sm.it_lim = (int)fmin(fmax(time_limit_s / per_iteration, 1), 2e9);
    int iterations = glp_get_it_cnt(m->lp);
    int rc = glp_simplex(m->lp, &sm);
    if (rc != 0 || glp_get_status(m->lp) != GLP_OPT) {
        /* Retry from scratch once: a warm basis from an earlier level can go stale. */
        glp_adv_basis(m->lp, 0);
        rc = glp_simplex(m->lp, &sm);
    }
    count_iterations(m->lp, &iterations, per_iteration);
    return rc == 0 && glp_get_status(m->lp) == GLP_OPT;
}

int clp_lp_solve(clp_mip *m, double time_limit_s, double *objective, double *dual)
{
    if (!relaxation_solved(m, time_limit_s, clp_now() + time_limit_s))
        return CL_EINTERNAL;
    *objective = glp_get_obj_val(m->lp);
    for (int i = 1, n = glp_get_num_rows(m->lp); i <= n; i++)
        dual[i - 1] = glp_get_row_dual(m->lp, i);
    return CL_OK;
}

int clp_mip_solve(clp_mip *m, const clp_mip_params *p, const double *start, clp_mip_result *r)
{
    memset(r, 0, sizeof *r);
    r->status = CLP_MIP_FAILED;
    double t0 = clp_now();
    free(m->value);
    m->value = calloc((size_t)m->ncols + 1, sizeof *m->value);
    if (m->value == NULL)
        return CL_ENOMEM;
    double deadline = t0 + p->time_limit_s, work_end = work_clock.work + p->work_limit_s;
    if (!relaxation_solved(m, p->time_limit_s, deadline)) {
        r->status = glp_get_status(m->lp) == GLP_NOFEAS ? CLP_MIP_INFEASIBLE : CLP_MIP_FAILED;
        return CL_OK;
    }
    int rc;
    glp_iocp io;
    glp_init_iocp(&io);
    io.msg_lev = GLP_MSG_OFF;
    io.presolve = GLP_OFF; /* the start is given in the original columns */
    io.br_tech = GLP_BR_DTH;
    io.bt_tech = GLP_BT_BLB;
    io.gmi_cuts = io.mir_cuts = io.cov_cuts = p->no_cuts ? GLP_OFF : GLP_ON;
    io.mip_gap = p->gap;
    io.tm_lim = wall_ms_until(deadline);
    if (start != NULL && !start_feasible(m->lp, start))
        start = NULL; /* the caller's start breaks a row: GLPK searches without it */
    cb_info info = {.p = p,
                    .start = start,
                    .bound = -HUGE_VAL,
                    .deadline = deadline,
                    .iterations = glp_get_it_cnt(m->lp),
                    .work_end = work_end,
                    .rounded_of = NAN};
    io.cb_func = callback;
    io.cb_info = &info;
    rc = glp_intopt(m->lp, &io);
    count_iterations(m->lp, &info.iterations, WORK_PER_ITER_NZ * glp_get_num_nz(m->lp));
    if (info.printed)
        fprintf(stderr, "\n");
    int st = glp_mip_status(m->lp);
    if (st == GLP_OPT || st == GLP_FEAS) {
        for (int j = 0; j < m->ncols; j++)
            m->value[j] = glp_mip_col_val(m->lp, j + 1);
        r->objective = glp_mip_obj_val(m->lp);
        if (info.closed) { /* proven on the objective's grid: the incumbent is the bound */
            r->status = CLP_MIP_OPTIMAL;
            r->bound = r->objective;
        } else if (st == GLP_OPT || rc == 0 || rc == GLP_EMIPGAP) {
            r->status = CLP_MIP_OPTIMAL;
            r->bound = isfinite(info.bound) && info.bound <= r->objective
                           ? fmax(info.bound, r->objective - p->gap * fabs(r->objective))
                           : r->objective;
            if (st == GLP_OPT && p->gap == 0)
                r->bound = r->objective;
        } else {
            r->status = CLP_MIP_TIME_LIMIT;
            r->bound = isfinite(info.bound) ? info.bound : glp_get_obj_val(m->lp);
        }
        double denom = fmax(fabs(r->objective), 1e-9);
        r->gap = fmax(0, (r->objective - r->bound) / denom);
        if (r->objective - r->bound < 1e-9)
            r->gap = 0;
    } else if (st == GLP_NOFEAS) {
        r->status = CLP_MIP_INFEASIBLE;
    } else if (start != NULL) {
        /* No solution of its own before the limit: the start stands, with the LP bound. */
        memcpy(m->value, start, (size_t)m->ncols * sizeof *start);
        r->status = CLP_MIP_TIME_LIMIT;
        r->objective = 0;
        for (int j = 0; j < m->ncols; j++)
            r->objective += glp_get_obj_coef(m->lp, j + 1) * start[j];
        r->bound = glp_get_obj_val(m->lp);
        r->gap = fmax(0, (r->objective - r->bound) / fmax(fabs(r->objective), 1e-9));
    }
    return CL_OK;
}

int clp_mip_write_lp(clp_mip *m, const char *path)
{
    return glp_write_lp(m->lp, NULL, path) == 0 ? CL_OK : CL_EIO;
}

static bool lp_name_ok(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || n > 255 || (name[0] >= '0' && name[0] <= '9') || name[0] == '.')
        return false;
    for (size_t k = 0; k < n; k++) {
        char c = name[k];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.'))
            return false;
    }
    return true;
}

int clp_mip_set_col_name(clp_mip *m, int j, const char *name)
{
    if (j < 0 || j >= m->ncols || !lp_name_ok(name))
        return CL_EUSAGE;
    glp_set_col_name(m->lp, j + 1, name);
    return CL_OK;
}

int clp_mip_set_row_name(clp_mip *m, int i, const char *name)
{
    if (i < 0 || i >= glp_get_num_rows(m->lp) || !lp_name_ok(name))
        return CL_EUSAGE;
    glp_set_row_name(m->lp, i + 1, name);
    return CL_OK;
}

void clp_mip_set_obj_name(clp_mip *m, const char *name)
{
    if (lp_name_ok(name))
        glp_set_obj_name(m->lp, name);
}
