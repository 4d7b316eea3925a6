/* io.h: every byte that enters or leaves: caseload/1 input, plan files, atomic output. */
#ifndef CL_IO_H
#define CL_IO_H

#include <stdio.h>

#include "../model/cl.h"
#include "../model/instance.h"
#include "../model/plan.h"

/* Reads a caseload/1 instance from path ("-" = standard input). Every problem found goes to diags (errors
 * and warnings, with JSON paths); returns 0 with *out set (caller frees with cl_instance_free), CL_EINVALID
 * when diags holds errors, CL_EIO when the file cannot be read (err says why), CL_ENOMEM. */
int cl_instance_read(cl_instance **out, const char *path, cl_diags *diags, cl_error *err);

/* Renders an instance as caseload/1 JSON text (caller frees). NULL on no memory. */
char *cl_instance_to_json(const cl_instance *inst);

/* Renders an assignment as caseload-assignment/1 (SPEC §4.5), deterministic. Caller frees; NULL on no
 * memory. */
char *cl_assignment_to_json(const cl_instance *inst, const cl_assignment *a);

/* Renders a recommendation for client c: n ranked entries with their levels and the change against the
 * first. Caller frees; NULL on no memory. */
char *cl_recommendation_to_json(const cl_instance *inst, int c, const cl_recommendation *rec, int n);

/* Reads a plan file and tells its format: "caseload-assignment/1", "caseload-schedule/1", ... into fmt
 * (at least 64 bytes). Problems go to diags. Returns 0, CL_EINVALID or CL_EIO. */
int cl_plan_format(char *fmt, size_t fmtsz, const char *path, cl_diags *diags, cl_error *err);

/* Reads a caseload-assignment/1 file against inst: client and staff ids are resolved; unknown ids and
 * clients listed twice are reported in diags with their JSON paths but do not stop the reading (verify
 * lists them as breaches). Returns 0 with *out set, CL_EINVALID (not an assignment at all), CL_EIO. */
int cl_assignment_read(cl_assignment **out, const cl_instance *inst, const char *path, cl_diags *diags, cl_error *err);

/* Writes text to path atomically (a temporary file in the same folder, fsync, rename), mode 0600, or to
 * standard output when path is NULL or "-". Returns 0 or CL_EIO (err says why). */
int cl_write_file(const char *path, const char *text, cl_error *err);

/* Prints s to f with control characters shown as \xNN (never raw terminal escapes). */
void cl_print_safe(FILE *f, const char *s);

/* Prints each diagnostic as "caseload: FILE: PATH: text" (warnings say "warning:") to f. */
void cl_diags_print(const cl_diags *d, const char *file, FILE *f);

#endif
