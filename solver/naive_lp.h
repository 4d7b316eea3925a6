/* naive_lp.h: the naive monolithic model of the assignment, written for the benchmark peers (bench/run --peers).
 *
 * One binary per client and eligible manager (and eligible peer specialist), a waitlist binary per intake,
 * the five levels of SPEC §4.4 weighted into one objective:
 *
 *     1e8 x overload + 1e5 x waitlist + 1e3 x (moves + peer moves) + 10 x imbalance + 0.001 x travel
 *
 * The weights are not a proof of lexicographic order (a large enough difference in a lower level can
 * outweigh a small one above it: 100 imbalance units are worth one move, 1e5 travel minutes one imbalance
 * unit); they are what a modeller without the lexicographic solver would write, and what the peers are
 * timed on. Not used by the product. */
#ifndef CL_NAIVE_LP_H
#define CL_NAIVE_LP_H

#include "../model/cl.h"
#include "../model/instance.h"

#define CL_NAIVE_W_OVERLOAD  1e8
#define CL_NAIVE_W_WAITLIST  1e5
#define CL_NAIVE_W_MOVES     1e3
#define CL_NAIVE_W_IMBALANCE 10.0
#define CL_NAIVE_W_TRAVEL    0.001
/* phi's lines are written for utilizations up to max(limit / base, current utilization) + this; above it the
 * last line goes on straight (phi under-estimated), which only a plan at least that far over a limit sees. */
#define CL_NAIVE_PHI_HEADROOM 0.5

/* Writes the naive model of inst to path in CPLEX LP format. Column names carry instance indices (0-based,
 * the order of the caseload/1 arrays): x_C_S client C to manager S, y_C_P client C to peer P, w_C intake C
 * waits, mv_C / pmv_C manager / peer move of C, L_S load of staff S, ov_S its overload, t_S its phi
 * epigraph, tov_T overload of team T's pool. Returns 0, CL_EIO (err says which file), CL_ENOMEM, CL_EINTERNAL. */
int cl_assign_export_naive_lp(const cl_instance *inst, const char *path, cl_error *err);

#endif
