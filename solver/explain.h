/* explain.h: the words of an assignment: why a client waits, why it moved, why it has no peer. */
#ifndef CL_EXPLAIN_H
#define CL_EXPLAIN_H

#include "../model/instance.h"
#include "../model/plan.h"

/* Fills wait_reason, move_reason, peer_move_reason, peer_reason and language_mismatch of a from its managers
 * and peers, in words a supervisor can repeat. Returns 0 or CL_ENOMEM. */
int clp_explain_assignment(cl_assignment *a, const cl_instance *inst);

#endif
