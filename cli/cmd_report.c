/* cmd_report.c: caseload report INSTANCE [--assignment A] [--schedule S] [--scenarios R] -o report.html. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "io/report.h"

static const char help[] =
    "usage: caseload report INSTANCE [--assignment A] [--schedule S] [--scenarios R] [-o report.html]\n"
    "Writes one self-contained HTML page (inline CSS and SVG, no network fetches) for a supervisor:\n"
    "utilization per staff member now and in the plan A (caseload-assignment/1), the moves and the\n"
    "waitlist with reasons, the week's calendars, team view, quota shortfalls and on-call rota from S\n"
    "(caseload-schedule/1), the scenarios chart from R (caseload-scenarios/1 results), and a compliance\n"
    "page for an accreditation visit. Without --assignment the report shows the current state only.\n"
    "The page goes to standard output unless -o names a file. Exit 3 when a plan file is invalid.\n";

/* Reads one plan file into the report; prints its problems. Returns the exit status. */
static int add_file(cl_report *rep, const char *path, bool quiet,
                    int (*add)(cl_report *, const char *, cl_diags *, cl_error *))
{
    cl_diags d = {0};
    cl_error err = {0};
    int rc = add(rep, path, &d, &err);
    if (rc == CL_EINVALID || d.errors > 0 || !quiet)
        cl_diags_print(&d, path, stderr);
    cl_diags_dispose(&d);
    if (rc == CL_OK)
        return EXIT_RESULT;
    if (rc == CL_EINVALID && err.code == 0)
        return EXIT_INVALID;
    return cli_report(&err);
}

int cmd_report(int argc, char **argv)
{
    cli_common co;
    cli_common_init(&co);
    const char *path = NULL, *assignment = NULL, *schedule = NULL, *scenarios = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0) {
            fputs(help, stdout);
            return EXIT_RESULT;
        }
        const char **slot = strcmp(argv[i], "--assignment") == 0  ? &assignment
                            : strcmp(argv[i], "--schedule") == 0  ? &schedule
                            : strcmp(argv[i], "--scenarios") == 0 ? &scenarios
                                                                  : NULL;
        if (slot != NULL) {
            if (i + 1 >= argc)
                return cli_usage("report", "%s needs a file name", argv[i]);
            *slot = argv[++i];
            continue;
        }
        int f = cli_common_flag(&co, argc, argv, &i);
        if (f < 0)
            return EXIT_USAGE;
        if (f == 0) {
            if (path != NULL || (argv[i][0] == '-' && argv[i][1] != '\0'))
                return cli_usage("report", "unexpected argument \"%s\"", argv[i]);
            path = argv[i];
        }
    }
    if (path == NULL && co.db == NULL)
        return cli_usage("report", "needs an INSTANCE");
    cl_instance *inst = NULL;
    int rc = cli_load_instance(&co, path, &inst);
    if (rc != EXIT_RESULT)
        return rc;
    cl_report *rep = cl_report_new(inst);
    char *html = NULL;
    if (rep == NULL) {
        fprintf(stderr, "caseload: out of memory\n");
        rc = EXIT_IO;
        goto done;
    }
    /* Every plan file is read, so that all their problems are listed; the first failure decides the exit. */
    int r1 = assignment ? add_file(rep, assignment, co.quiet, cl_report_add_assignment) : EXIT_RESULT;
    int r2 = schedule ? add_file(rep, schedule, co.quiet, cl_report_add_schedule) : EXIT_RESULT;
    int r3 = scenarios ? add_file(rep, scenarios, co.quiet, cl_report_add_scenarios) : EXIT_RESULT;
    rc = r1 != EXIT_RESULT ? r1 : r2 != EXIT_RESULT ? r2 : r3;
    if (rc != EXIT_RESULT)
        goto done;
    html = cl_report_html(rep);
    rc = cli_write(&co, html);
done:
    free(html);
    cl_report_free(rep);
    cl_instance_free(inst);
    return rc;
}
