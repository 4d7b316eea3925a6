/* assign.h: the exact lexicographic assignment of SPEC §4 and §5 (assign, rebalance, frontier, recommend). */
#ifndef CL_ASSIGN_H
#define CL_ASSIGN_H

#include <stdbool.h>

#include "../model/cl.h"
#include "../model/instance.h"
#include "../model/plan.h"

/* Options of a solve; fill with cl_solve_opts_init, then change what you need. */
typedef struct cl_solve_opts {
    double time_limit_s; /* wall-clock limit of the whole solve; default 60 */
    double gap;          /* relative gap accepted per level; default 0 (prove optimality) */
    bool balance_first;  /* rebalance: imbalance before moves (SPEC §5) */
    int max_moves;       /* rebalance budget, manager and peer moves together; CL_NONE = none */
    bool frontier;       /* rebalance --frontier */
    bool progress;       /* show progress on standard error after a second */
} cl_solve_opts;

/* Defaults of SPEC §2: 60 s, gap 0, assign (moves before balance), no budget, no frontier, no progress. */
void cl_solve_opts_init(cl_solve_opts *o);

/* Solves the assignment of inst lexicographically (SPEC §4.4; §5 with balance_first). Returns 0 with *out
 * set (caller frees): a waitlist or overload is an answer. CL_EINVALID when max_moves is below the number of
 * moves the instance forces (err says how many), CL_EUSAGE for bad options, CL_ENOMEM, CL_EINTERNAL. */
int cl_assign_solve(cl_assignment **out, const cl_instance *inst, const cl_solve_opts *opts, cl_error *err);

/* Ranks the eligible managers for client c (SPEC §5): the objective levels of the current state (or of a
 * plan, when base is not NULL) with c placed at each, best first. *out (caller frees) holds *n entries. */
int cl_recommend(cl_recommendation **out, int *n, const cl_instance *inst, const cl_assignment *base, int c,
                 cl_error *err);

#endif
