/* backend.h: the one small wrapper around GLPK: 0-based columns, quiet, timed, warm-started. */
#ifndef CL_BACKEND_H
#define CL_BACKEND_H

#include <stdbool.h>
#include <stddef.h>

typedef struct clp_mip clp_mip;

typedef enum clp_mip_status {
    CLP_MIP_OPTIMAL = 0,    /* proven optimal (within gap) */
    CLP_MIP_TIME_LIMIT = 1, /* stopped by the time limit with a feasible solution */
    CLP_MIP_INFEASIBLE = 2,
    CLP_MIP_FAILED = 3 /* no solution: numerical trouble or a time limit before any solution */
} clp_mip_status;

typedef struct clp_mip_params {
    double time_limit_s;     /* on clp_now()'s clock, for this solve */
    double gap;              /* relative gap accepted */
    double abs_gap;          /* stop once incumbent - bound <= abs_gap (0 = off): a proof when the objective's
                                values are that far apart */
    bool has_known_bound;    /* the caller knows a bound of the objective, known_bound, and the search stops */
    double known_bound;      /* once an incumbent meets it (within abs_gap, or else within rounding) */
    bool no_cuts;            /* no cut rounds (they cost more than they prove on small, weak models) */
    const int *branch_first; /* columns to branch on before any other, in this order, while one is fractional */
    int n_branch_first;
    double work_limit_s; /* stop once the search has done this much work (0 = off), counted as the work clock
                            counts it whichever clock is on: a limit that stops at the same point in every run */
    bool progress;       /* print progress lines on standard error after progress_after_s */
    double progress_after_s;
    double started;    /* clp_now() when the whole command started, for elapsed times */
    const char *label; /* what is being solved, for progress lines */
    double offset;     /* added to the objective in progress lines: the level's constant part */
} clp_mip_params;

typedef struct clp_mip_result {
    clp_mip_status status;
    double objective; /* of the solution found */
    double bound;     /* proven bound on the objective */
    double gap;       /* relative gap between the two */
} clp_mip_result;

/* The clock every time limit is read on, in seconds: the wall clock, or after clp_clock_count_work(true)
 * the solver's work counted in seconds of the benchmark machine, so that a limit stops the same computation
 * at the same point in every run (backend.c says how, and when the wall clock still takes over). Each
 * reading counts as one step of work. */
double clp_now(void);
/* on: from now on the clock counts work, starting at zero (a scenario starts from the same reading in every
 * worker); off: the wall clock again. */
void clp_clock_count_work(bool on);
/* Seconds on a monotonic wall clock: for reported durations, never for limits. */
double clp_wall(void);

clp_mip *clp_mip_new(void);
void clp_mip_free(clp_mip *m);
/* Adds a column with bounds (lb may be 0, ub may be HUGE_VAL) and returns its 0-based index. */
int clp_mip_add_col(clp_mip *m, double lb, double ub, bool integer);
/* Adds a column as clp_mip_add_col does, with coefficients vals[k] in the existing rows rows[k] and objective
 * coefficient obj (column generation). Returns its index, or a negative error. */
int clp_mip_add_col_in(clp_mip *m, double lb, double ub, bool integer, const int *rows, const double *vals, int n,
                       double obj);
/* The bounds of column j. */
void clp_mip_col_bounds(const clp_mip *m, int j, double *lb, double *ub);
/* Solves the LP relaxation (warm-started from the last basis) within time_limit_s; on success stores its
 * value in *objective and the dual value of every row in dual (nrows of them: the reduced cost of column j
 * is c_j - sum over rows of dual[i] a_ij) and returns CL_OK; CL_EINTERNAL when it has no optimum. */
int clp_lp_solve(clp_mip *m, double time_limit_s, double *objective, double *dual);
/* Adds a row lb <= sum vals[k] x[cols[k]] <= ub (-HUGE_VAL / HUGE_VAL for none); returns its index. Columns
 * must exist; a column may appear once. */
int clp_mip_add_row(clp_mip *m, const int *cols, const double *vals, int n, double lb, double ub);
/* Changes the bounds of row i. */
void clp_mip_set_row_bounds(clp_mip *m, int i, double lb, double ub);
/* Sets the bounds of column j (the model's last rows and bounds stay valid for what is solved next). */
void clp_mip_set_col_bounds(clp_mip *m, int j, double lb, double ub);
/* Number of rows; clp_mip_truncate_rows deletes the rows from index first on. */
int clp_mip_nrows(const clp_mip *m);
void clp_mip_truncate_rows(clp_mip *m, int first);
/* Sets the objective coefficient of column j (minimisation); clp_mip_clear_obj zeroes all. */
void clp_mip_set_obj(clp_mip *m, int j, double coef);
void clp_mip_clear_obj(clp_mip *m);
int clp_mip_ncols(const clp_mip *m);
/* Solves the MIP; start (ncols values, may be NULL) is a feasible solution handed to the search. The
 * values of the solution are read with clp_mip_value. Returns 0, or CL_ENOMEM / CL_EINTERNAL. */
int clp_mip_solve(clp_mip *m, const clp_mip_params *p, const double *start, clp_mip_result *r);
/* Value of column j in the last solution. */
double clp_mip_value(const clp_mip *m, int j);
/* The progress line of a search (without the leading carriage return) into buf: the label, the seconds elapsed,
 * the incumbent and the bound (when found / bounded) and their gap, in the level's own units (each plus
 * p->offset); "-" for what is not known yet. */
void clp_progress_line(char *buf, size_t size, const clp_mip_params *p, double elapsed, bool found, double incumbent,
                       bool bounded, double bound);
/* Writes the model in CPLEX LP format (for the benchmark peers). Returns 0 or CL_EIO. */
int clp_mip_write_lp(clp_mip *m, const char *path);

/* Names column j / row i in what clp_mip_write_lp writes (CPLEX LP names: letters, digits, _ . and no
 * leading digit; at most 255 characters). Returns 0, or CL_EUSAGE for a bad index or name. */
int clp_mip_set_col_name(clp_mip *m, int j, const char *name);
int clp_mip_set_row_name(clp_mip *m, int i, const char *name);
/* Names the objective row in what clp_mip_write_lp writes. */
void clp_mip_set_obj_name(clp_mip *m, const char *name);

#endif
