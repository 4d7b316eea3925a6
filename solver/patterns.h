/* patterns.h: a level of the assignment solved over whole caseloads (Dantzig-Wolfe decomposition).
 *
 * The model of a pool counts how many clients of each class go to each staff member. Its LP relaxation may
 * split a client between staff members, which lets the imbalance and travel levels' bounds sink below every
 * plan (600 clients: an imbalance bound of 14.2125 where the optimum is 14.22375; GLPK's branch and cut had
 * raised it to 14.2181 after 60 s). Here each staff member's columns are replaced by caseloads: whole counts of
 * each class, the staff member's load on its grid and its phi exact. The LP over caseloads (grown by column
 * generation, each new caseload the cheapest for the duals, found by a dynamic programme over the load
 * grid) bounds the level from below far more tightly; GLPK's branch and bound over the caseloads generated
 * then looks for a plan that meets that bound, which proves it optimal. */
#ifndef CL_PATTERNS_H
#define CL_PATTERNS_H

#include <stdbool.h>

#include "backend.h"

/* A coefficient of a column in a row shared by the staff members (a class total, a team pool, a held level). */
typedef struct clp_link {
    int row;
    double coef;
} clp_link;

#define CLP_MAX_LINKS 4

/* A column of one staff member: how many of a class it takes. */
typedef struct clp_item {
    int col;     /* in the pool's model */
    int steps;   /* load of one client, in steps of the staff member's grid */
    int lo, hi;  /* bounds of the count */
    bool own;    /* the staff member's own clients: their count is the block's stay (when set) */
    double cost; /* objective per client */
    int n_link;
    clp_link link[CLP_MAX_LINKS];
} clp_item;

/* One staff member: its columns, its load grid and what its phi is taken of. */
typedef struct clp_block {
    clp_item *items;
    int n_items;
    int max_steps;    /* the load allowed, in grid steps */
    double g;         /* the grid */
    double limit;     /* the load above which it is overload */
    double fte, base; /* phi's weight and the load of utilization 1 */
    int stay;         /* how many of its own clients stay, or -1 for any */
} clp_block;

/* A column outside the staff members' (a class's waitlist, a team pool's overload), with its cost in the level
 * (the waitlist level: the waiting intake's weight). */
typedef struct clp_free {
    int col;
    double lo, hi;
    bool integer;
    double cost; /* objective per unit */
    int n_link;
    clp_link link[CLP_MAX_LINKS];
} clp_free;

typedef struct clp_dw {
    int n_rows; /* the shared rows, lo <= row <= hi */
    double *row_lo, *row_hi;
    clp_block *blocks;
    int n_blocks;
    clp_free *frees;
    int n_frees;
    double phi_weight; /* phi's weight in the objective (1 for the imbalance level, else 0) */
    int phi_row;       /* a shared row that holds the sum of fte x phi (the imbalance held), or -1 */
    int over_row;      /* a shared row that holds the staff members' overload, or -1 */
} clp_dw;

typedef struct clp_dw_result {
    double bound;     /* proven lower bound of the level */
    double objective; /* of the plan in sol */
    bool improved;    /* sol holds a plan better than the start */
    bool proven;      /* the plan meets the bound */
} clp_dw_result;

/* Solves problem p from the plan in sol (one value per column of the pool's model, feasible), until deadline
 * (clp_now's clock). On return sol holds the best plan found (the start if none is better) and r its value
 * and the bound. grid_step: the step of the objective's values (whole minutes: 1), or 0 when it has none.
 * Returns CL_OK, CL_ENOMEM, or CL_EINTERNAL when an LP failed (r then says nothing). */
int clp_dw_solve(const clp_dw *p, double *sol, double deadline, double grid_step, clp_dw_result *r);

#endif
