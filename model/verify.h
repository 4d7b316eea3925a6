/* verify.h: checks a plan against every hard rule of SPEC §4 and recomputes its objective. */
#ifndef CL_VERIFY_H
#define CL_VERIFY_H

#include "cl.h"
#include "instance.h"
#include "plan.h"

/* Appends one plain-words breach per broken rule of SPEC §4.1-4.2 to breaches (where = the client or
 * staff concerned), and one per objective value the plan states that differs from the recomputed one.
 * Returns the number of breaches added. */
int cl_verify_assignment(const cl_instance *inst, const cl_assignment *a, cl_diags *breaches);

/* The same rules of SPEC §4.1-4.2 on the assignment a schedule was made for: manager[c] and peer[c] (n_clients
 * entries each: staff index or CL_NONE) say who holds client c, and a client without a manager is waitlisted
 * (a schedule lists only the clients it holds), so a current client without one is a breach. Appends one
 * plain-words breach per broken rule (where = the client) and returns how many. */
int cl_verify_schedule_assignment(const cl_instance *inst, const int *manager, const int *peer, cl_diags *breaches);

/* Checks that the on-call rota of one group (team index, CL_NONE = the agency) is as even per FTE as any rota
 * can be (SPEC §6.2): staff[0..n) is who is on call on each of the group's days (CL_NONE for nobody). When the
 * largest number of days per FTE of anyone in it is above the least that any rota of policy.on_call_days over
 * the group's pool (cl_on_call_pool) reaches, appends one breach naming that staff member (where = "on_call"
 * and the group). Returns the number of breaches added (0 or 1). */
int cl_verify_on_call(const cl_instance *inst, int team, const int *staff, int n, cl_diags *breaches);

#endif
