/* cmd_schedule.c: caseload schedule INSTANCE [--assignment A] [-o OUT] [--ics DIR] (SPEC §6). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "solver/assign.h"
#include "solver/schedule.h"

static const char help[] =
    "usage: caseload schedule INSTANCE [--assignment A] [-o OUT] [--ics DIR] [--time-limit S] [--gap REL]\n"
    "                         [--quiet] [--db FILE]\n"
    "Plans the week: each assigned client's weekly contact quota as visits on the client's days and the\n"
    "visitor's working days, real routes from and back to each staff member's base, joint adult-home visits,\n"
    "covering when a manager works none of a client's days, and the on-call rota. Levels in order:\n"
    "shortfall, spread, travel, latest end. Without --assignment an assignment is computed first, with\n"
    "half of --time-limit (the limit is for the whole command).\n"
    "Output: caseload-schedule/1. --ics DIR writes DIR/<staff id>.ics, one calendar per staff member.\n";

int cmd_schedule(int argc, char **argv)
{
    cli_common co;
    cli_common_init(&co);
    const char *path = NULL, *apath = NULL, *ics = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0) {
            fputs(help, stdout);
            return EXIT_RESULT;
        }
        int f = cli_common_flag(&co, argc, argv, &i);
        if (f < 0)
            return EXIT_USAGE;
        if (f > 0)
            continue;
        if (strcmp(argv[i], "--assignment") == 0 || strcmp(argv[i], "--ics") == 0) {
            if (i + 1 >= argc)
                return cli_usage("schedule", "%s needs a %s", argv[i], argv[i][2] == 'a' ? "file" : "folder");
            if (argv[i][2] == 'a')
                apath = argv[++i];
            else
                ics = argv[++i];
        } else if (path == NULL && (argv[i][0] != '-' || argv[i][1] == '\0')) {
            path = argv[i];
        } else {
            return cli_usage("schedule", "unexpected argument \"%s\"", argv[i]);
        }
    }
    if (path == NULL && co.db == NULL)
        return cli_usage("schedule", "needs an INSTANCE");
    cl_instance *inst = NULL;
    int rc = cli_load_instance(&co, path, &inst);
    if (rc != EXIT_RESULT)
        return rc;
    double limit = co.time_limit_s >= 0            ? co.time_limit_s
                   : inst->policy.time_limit_s > 0 ? inst->policy.time_limit_s
                                                   : 60;
    double gap = co.gap >= 0 ? co.gap : inst->policy.gap >= 0 ? inst->policy.gap : 0;
    cl_assignment *a = NULL;
    cl_schedule *s = NULL;
    cl_error err = {0};
    if (apath != NULL) {
        rc = cli_load_assignment(&co, inst, apath, &a);
        if (rc != EXIT_RESULT)
            goto done;
    } else {
        cl_solve_opts so;
        cl_solve_opts_init(&so);
        so.time_limit_s = limit / 2; /* one limit for the whole command: half of it for the assignment */
        so.gap = gap;
        so.progress = !co.quiet && isatty(STDERR_FILENO);
        if (cl_assign_solve(&a, inst, &so, &err) != CL_OK) {
            rc = cli_report(&err);
            goto done;
        }
    }
    /* The calendar folder is checked before anything is solved or written (SPEC §2: a failure writes nothing).
     * One that cannot be used is an I/O failure, like an -o that cannot be written (exit 1, not 2: the command
     * line itself is well formed). */
    if (ics != NULL && cl_ics_folder_check(ics, &err) != CL_OK) {
        rc = cli_report(&err);
        goto done;
    }
    cl_schedule_opts o;
    cl_schedule_opts_init(&o);
    /* One limit for the whole command: what the assignment left, but never less than a little. */
    o.time_limit_s = apath != NULL ? limit : fmax(limit - a->clock_s, fmin(limit, 5.0));
    o.gap = gap;
    o.progress = !co.quiet && isatty(STDERR_FILENO);
    if (cl_schedule_solve(&s, inst, a, &o, &err) != CL_OK) {
        rc = cli_report(&err);
        goto done;
    }
    char *text = cl_schedule_to_json(inst, s);
    rc = cli_write(&co, text);
    free(text);
    if (rc == EXIT_RESULT && ics != NULL && cl_schedule_write_ics(inst, s, ics, &err) != CL_OK)
        rc = cli_report(&err);
done:
    cl_schedule_free(s);
    cl_assignment_free(a);
    cl_instance_free(inst);
    return rc;
}
