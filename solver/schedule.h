/* schedule.h: the week's visits and the on-call rota (SPEC §6). */
#ifndef CL_SCHEDULE_H
#define CL_SCHEDULE_H

#include <stdbool.h>

#include "../model/cl.h"
#include "../model/instance.h"
#include "../model/plan.h"

/* The schedule of a week; opaque, read through the functions below. */
typedef struct cl_schedule cl_schedule;

/* Options of a schedule solve; fill with cl_schedule_opts_init. */
typedef struct cl_schedule_opts {
    double time_limit_s; /* default 60 */
    double gap;          /* default 0 */
    bool progress;       /* progress on standard error after a second */
} cl_schedule_opts;

void cl_schedule_opts_init(cl_schedule_opts *o);

/* Headline figures of a schedule (SPEC §6.4 metrics). */
typedef struct cl_schedule_metrics {
    int required;          /* sum of weekly quotas of assigned clients */
    int scheduled;         /* sum of min(required, scheduled) */
    double coverage;       /* scheduled / required (1 when nothing is required) */
    double coverage_bound; /* best coverage any schedule could reach given days alone */
    double travel_minutes;
} cl_schedule_metrics;

/* Plans the week for inst under assignment a (managers and peers per client). Returns 0 with *out set
 * (caller frees with cl_schedule_free); a shortfall is an answer. CL_EUSAGE for bad options, CL_ENOMEM,
 * CL_EINTERNAL. */
int cl_schedule_solve(cl_schedule **out, const cl_instance *inst, const cl_assignment *a,
                      const cl_schedule_opts *opts, cl_error *err);
void cl_schedule_free(cl_schedule *s);
cl_schedule_metrics cl_schedule_metrics_of(const cl_schedule *s);

/* Renders a schedule as caseload-schedule/1, deterministic. Caller frees; NULL on no memory. */
char *cl_schedule_to_json(const cl_instance *inst, const cl_schedule *s);

/* Writes one RFC 5545 calendar per staff member into dir (DIR/<id>.ics), clients named by id only.
 * Returns 0 or CL_EIO. */
int cl_schedule_write_ics(const cl_instance *inst, const cl_schedule *s, const char *dir, cl_error *err);

/* Reads a caseload-schedule/1 file and checks it against every hard rule of SPEC §6; breaches go to
 * breaches, reading problems to diags. Returns 0, CL_EINVALID (not a schedule), CL_EIO. */
int cl_schedule_verify_file(const cl_instance *inst, const char *path, cl_diags *diags, cl_diags *breaches,
                            cl_error *err);

#endif
