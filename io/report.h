/* report.h: the supervisor's HTML report of SPEC §9: one self-contained file, inline CSS and SVG. */
#ifndef CL_REPORT_H
#define CL_REPORT_H

#include "../model/cl.h"
#include "../model/instance.h"

/* The inputs of one report: an instance and, optionally, an assignment, a schedule and scenario results,
 * each read from its documented JSON format. Opaque; it borrows the instance, which must outlive it. */
typedef struct cl_report cl_report;

/* Starts a report over inst showing the current state only ("before"). NULL on no memory. */
cl_report *cl_report_new(const cl_instance *inst);
/* Frees it; NULL is a no-op. */
void cl_report_free(cl_report *r);

/* Reads a caseload-assignment/1 file (SPEC §4.5) as the plan ("after"); the moves are the clients whose
 * manager or peer differs from the instance's current one, with the reasons of the file's "moves". Problems go
 * to diags with their JSON paths (unknown ids, clients missing or listed twice, a moves entry that is not an
 * object...); a plan made from another state of the instance (instance_fingerprint) is a warning.
 * Returns 0; CL_EINVALID when diags holds errors (nothing is kept); CL_EIO when the file cannot be read
 * (err says why, where = path); CL_ENOMEM. */
int cl_report_add_assignment(cl_report *r, const char *path, cl_diags *diags, cl_error *err);

/* Reads a caseload-schedule/1 file (SPEC §6.4): visits (client, staff, day, start, end, joint_with,
 * covering_for), shortfall, on_call, staff_days and metrics. Unknown ids or days and malformed times are
 * errors at their JSON paths. Returns as cl_report_add_assignment does. */
int cl_report_add_schedule(cl_report *r, const char *path, cl_diags *diags, cl_error *err);

/* Reads a caseload-scenarios/1 result file (SPEC §7) defensively: every scenario's name and any numeric
 * fields under its "metrics" (nested objects flattened as "parent.key", and as "parent" their "total" or sum), and the
 * baseline from "baseline" (its "metrics" or itself) when present. A file without metrics is accepted; the
 * report then says the chart needs scenario results. Errors: not that format, "scenarios" not an array.
 * Returns as cl_report_add_assignment does. */
int cl_report_add_scenarios(cl_report *r, const char *path, cl_diags *diags, cl_error *err);

/* Renders the report: utilization before and after, moves, waitlist, week calendars and team views,
 * shortfalls, the on-call rota, the scenarios chart, and the compliance page. Deterministic; the text
 * holds no URL. Returns the HTML (caller frees) or NULL on no memory. */
char *cl_report_html(const cl_report *r);

#endif
