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

#endif
