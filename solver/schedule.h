/* schedule.h: the week's visits and the on-call rota (SPEC §6). */
#ifndef CL_SCHEDULE_H
#define CL_SCHEDULE_H

#include "../model/cl.h"
#include "../model/instance.h"

/* Reads a caseload-schedule/1 file and checks it against every hard rule of SPEC §6; breaches go to
 * breaches, reading problems to diags. Returns 0, CL_EINVALID (not a schedule), CL_EIO. */
int cl_schedule_verify_file(const cl_instance *inst, const char *path, cl_diags *diags, cl_diags *breaches,
                            cl_error *err);

#endif
