/* staffing.h: the fewest FTE to add per program, zone and language so that nobody waits, nobody is over
 * capacity and every utilization is at most a target (SPEC §7, `caseload staffing`). */
#ifndef CL_STAFFING_H
#define CL_STAFFING_H

#include <stdbool.h>

#include "../model/cl.h"
#include "../model/instance.h"
#include "scenarios.h"

/* Options; fill with cl_staffing_opts_init. */
typedef struct cl_staffing_opts {
    double target_utilization; /* every manager's and peer's load at most this x capacity; default 0.9,
                                  (0, 1] */
    double fte_step;           /* new staff come in multiples of this FTE; default 0.5, (0, 1] dividing 1 */
    double time_limit_s;       /* default 60 */
    bool progress;             /* progress on standard error after a second */
} cl_staffing_opts;

void cl_staffing_opts_init(cl_staffing_opts *o);

typedef enum cl_staffing_status {
    CL_STAFFING_OPTIMAL = 0,    /* proven minimal */
    CL_STAFFING_TIME_LIMIT = 1, /* reaches the target; minimality not proven within the time limit */
    CL_STAFFING_INFEASIBLE = 2, /* no number of added staff reaches the target (reason says why) */
    CL_STAFFING_NO_ANSWER = 3   /* the time limit came before any answer (reason says so) */
} cl_staffing_status;

/* A staffing answer. */
typedef struct cl_staffing {
    cl_staffing_status status;
    double target_utilization;
    double fte_step;
    double fte_added[CL_NPROGRAMS + 1]; /* per program (BLENDED: new team members); last: peer specialists */
    double fte_total;
    double lower_bound_fte;                      /* the search's proven lower bound on fte_total */
    double capacity_bound_fte[CL_NPROGRAMS + 1]; /* per pool: (demand - target x capacity) / (target x cap),
                                                    at least 0: the bound capacity alone gives */
    cl_scenario_set *scenario;                   /* one scenario ("plan": "rebalance") whose changes are the add_staff
                                                    ops of the answer, to paste into a scenarios file */
    cl_scenario_metrics with;                    /* the answer's own assignment and the week's coverage with it */
    cl_instance *changed;                        /* the instance with the answer's changes applied (owned) */
    cl_assignment *assignment;                   /* the answer's own assignment of changed: it shows the target is
                                                    reached (owned; NULL when infeasible) */
    char *why_minimal;                           /* plain words: why fewer FTE cannot reach the target */
    char *reason;                                /* CL_STAFFING_INFEASIBLE: why; NULL otherwise */
} cl_staffing;

/* Solves the staffing question for inst as one mixed-integer program (GLPK via solver/backend.h): new staff
 * are integer counts of fte_step units per pool (program or Blended team) and language set; clients (grouped
 * into classes of interchangeable clients) flow to existing or new managers (and ADULT_HOME clients to
 * peers) they are eligible for under SPEC §4.1; each manager's load is at most target x capacity; the
 * objective is the number of units, then (with a smaller weight) the number of bilingual units. A second,
 * small program places the new units in zones at least travel from the clients they take. Returns 0 with
 * *out set (caller frees with cl_staffing_free; an unreachable target is an answer with status
 * CL_STAFFING_INFEASIBLE or CL_STAFFING_NO_ANSWER), CL_EUSAGE for bad options, CL_ENOMEM, CL_EINTERNAL. */
int cl_staffing_solve(cl_staffing **out, const cl_instance *inst, const cl_staffing_opts *opts, cl_error *err);

/* Frees a staffing answer; NULL is a no-op. */
void cl_staffing_free(cl_staffing *s);

#endif
