/* scenarios_io.h: the scenarios file in (caseload-scenarios/1), the results out as JSON and CSV, and the
 * staffing answer out (caseload-staffing/1) (SPEC §7). */
#ifndef CL_SCENARIOS_IO_H
#define CL_SCENARIOS_IO_H

#include "../model/cl.h"
#include "../model/instance.h"
#include "../solver/scenarios.h"
#include "../solver/staffing.h"

/* Reads a scenarios file (format caseload-scenarios/1: {"format", "scenarios": [{"name", "plan"?,
 * "changes": [{"op", ...}]}]}); path "-" is standard input. Checks the shape and every value that does not
 * depend on the instance (types, ranges, op names, duplicate scenario names) and adds each problem to diags
 * with its JSON path; unknown keys are warnings. A results file written by cl_scenarios_to_json is also a
 * valid scenarios file (its extra keys are known and skipped). References to staff, teams and zones are
 * checked by cl_scenarios_check. Returns 0 with *out set (caller frees with cl_scenario_set_free),
 * CL_EINVALID (diags holds the errors), CL_EIO (err says why), CL_ENOMEM. */
int cl_scenarios_read(cl_scenario_set **out, const char *path, cl_diags *diags, cl_error *err);

/* Renders the results of cl_scenarios_run (m[0] the baseline, m[i + 1] scenario i) as caseload-scenarios/1:
 * {"format", "instance", "baseline": {metrics}, "scenarios": [{"name", "plan", "changes", "metrics",
 * "delta"}]}, delta being scenario minus baseline for every number. Deterministic: no timings. Caller frees;
 * NULL on no memory. */
char *cl_scenarios_to_json(const cl_instance *inst, const cl_scenario_set *set, const cl_scenario_metrics *m);

/* The same as CSV (RFC 4180, header row): one row for the baseline, then one per scenario, the metrics and
 * their deltas. Caller frees; NULL on no memory. */
char *cl_scenarios_to_csv(const cl_scenario_set *set, const cl_scenario_metrics *m);

/* Renders a staffing answer as caseload-staffing/1 (see solver/staffing.h). Caller frees; NULL on no memory. */
char *cl_staffing_to_json(const cl_instance *inst, const cl_staffing *s);

#endif
