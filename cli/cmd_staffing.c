/* cmd_staffing.c: caseload staffing: the fewest FTE to add so that nobody waits, nobody is over capacity and
 * utilization stays at or under a target (SPEC §7). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "io/scenarios_io.h"
#include "solver/staffing.h"

static const char help[] =
    "usage: caseload staffing INSTANCE [--target-utilization U] [--fte-step F] [-o OUT] [--time-limit S]\n"
    "                         [--quiet]\n"
    "The fewest FTE to add per program, zone and language so that nobody waits, nobody is over capacity\n"
    "and every manager's (and peer's) utilization is at most U (default 0.9), hiring in steps of F FTE\n"
    "(default 0.5). Output caseload-staffing/1: the added FTE per program, \"changes\" (add_staff ops to\n"
    "paste into a scenarios file), the week's coverage with them, and why the answer is minimal.\n";

static int number(const char *flag, const char *s, double lo, double hi, double *v)
{
    char *end = NULL;
    double x = s ? strtod(s, &end) : 0;
    if (s == NULL || end == s || *end != '\0' || !(x > lo && x <= hi))
        return cli_usage("staffing", "%s needs a number above %g and at most %g", flag, lo, hi);
    *v = x;
    return EXIT_RESULT;
}

int cmd_staffing(int argc, char **argv)
{
    cli_common co;
    cli_common_init(&co);
    cl_staffing_opts so;
    cl_staffing_opts_init(&so);
    const char *path = NULL;
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
        if (strcmp(argv[i], "--target-utilization") == 0) {
            if (number(argv[i], i + 1 < argc ? argv[i + 1] : NULL, 0, 1, &so.target_utilization) != EXIT_RESULT)
                return EXIT_USAGE;
            i++;
        } else if (strcmp(argv[i], "--fte-step") == 0) {
            if (number(argv[i], i + 1 < argc ? argv[i + 1] : NULL, 0, 1, &so.fte_step) != EXIT_RESULT)
                return EXIT_USAGE;
            i++;
        } else if (path == NULL && (argv[i][0] != '-' || argv[i][1] == '\0')) {
            path = argv[i];
        } else {
            return cli_usage("staffing", "unexpected argument \"%s\"", argv[i]);
        }
    }
    if (path == NULL && co.db == NULL)
        return cli_usage("staffing", "needs an INSTANCE");
    cl_instance *inst = NULL;
    int rc = cli_load_instance(&co, path, &inst);
    if (rc != EXIT_RESULT)
        return rc;
    if (co.time_limit_s >= 0)
        so.time_limit_s = co.time_limit_s;
    else if (inst->policy.time_limit_s > 0)
        so.time_limit_s = inst->policy.time_limit_s;
    so.progress = !co.quiet && isatty(STDERR_FILENO);
    cl_staffing *st = NULL;
    cl_error err = {0};
    if (cl_staffing_solve(&st, inst, &so, &err) != CL_OK) {
        rc = cli_report(&err);
    } else {
        char *text = cl_staffing_to_json(inst, st);
        rc = cli_write(&co, text);
        free(text);
    }
    cl_staffing_free(st);
    cl_instance_free(inst);
    return rc;
}
