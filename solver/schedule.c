/* schedule.c: the week's visits (SPEC §6): not built yet. */
#include "schedule.h"

int cl_schedule_verify_file(const cl_instance *inst, const char *path, cl_diags *diags, cl_diags *breaches,
                            cl_error *err)
{
    (void)inst;
    (void)diags;
    (void)breaches;
    return cl_error_set(err, CL_EUSAGE, path, "schedules are not built yet");
}
