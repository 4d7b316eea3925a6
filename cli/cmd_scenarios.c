/* cmd_scenarios.c: caseload scenarios: staffing what-ifs run on copies of the baseline (SPEC §7). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "io/scenarios_io.h"
#include "solver/scenarios.h"

static const char help[] =
    "usage: caseload scenarios INSTANCE SCENARIOS [-o OUT] [--csv FILE] [-j N] [--time-limit S] [--gap REL]\n"
    "                          [--quiet]\n"
    "Applies each scenario's changes (add_staff, remove_staff, set_cap, scale_demand, set_policy,\n"
    "dissolve_team) to a copy of INSTANCE, then assigns (or rebalances, with \"plan\": \"rebalance\") and\n"
    "schedules the week. Output caseload-scenarios/1: the baseline's metrics and, per scenario, its metrics\n"
    "and the difference from the baseline; --csv FILE also writes one row per scenario. -j N runs the\n"
    "scenarios in N worker processes with the same result as -j 1. --time-limit applies to each solve and\n"
    "is read on a clock of the solver's work (seconds of the benchmark machine), so a solve it stops gives\n"
    "the same result in every run.\n";

static void show_progress(void *ctx, int done, int total, const char *name, double seconds)
{
    (void)ctx;
    fprintf(stderr, "caseload: scenarios: %d/%d done: %s (%.1f s)\n", done, total, name, seconds);
}

int cmd_scenarios(int argc, char **argv)
{
    cli_common co;
    cli_common_init(&co);
    cl_scenarios_opts so;
    cl_scenarios_opts_init(&so);
    const char *paths[2] = {NULL, NULL}, *csv = NULL;
    int npaths = 0;
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
        if (strcmp(argv[i], "--csv") == 0) {
            if (i + 1 >= argc)
                return cli_usage(argv[0], "--csv needs a file name");
            csv = argv[++i];
        } else if (strcmp(argv[i], "-j") == 0 || strcmp(argv[i], "--jobs") == 0) {
            char *end = NULL;
            long j = i + 1 < argc ? strtol(argv[i + 1], &end, 10) : 0;
            if (i + 1 >= argc || end == argv[i + 1] || *end != '\0' || j < 1 || j > 1024)
                return cli_usage(argv[0], "%s needs a number of processes from 1 to 1024", argv[i]);
            so.jobs = (int)j;
            i++;
        } else if (npaths < 2 && (argv[i][0] != '-' || argv[i][1] == '\0')) {
            paths[npaths++] = argv[i];
        } else {
            return cli_usage(argv[0], "unexpected argument \"%s\"", argv[i]);
        }
    }
    /* With --db the store gives the instance and the one path is the scenarios file. */
    const char *inst_path = co.db ? NULL : paths[0];
    const char *scen_path = co.db ? paths[0] : paths[1];
    if (scen_path == NULL || (co.db && npaths != 1))
        return cli_usage(argv[0], "needs an INSTANCE and a SCENARIOS file");
    cl_instance *inst = NULL;
    int rc = cli_load_instance(&co, inst_path, &inst);
    if (rc != EXIT_RESULT)
        return rc;
    cl_scenario_set *set = NULL;
    cl_scenario_metrics *m = NULL;
    char *json = NULL, *table = NULL;
    cl_diags d = {0};
    cl_error err = {0};
    const char *shown = strcmp(scen_path, "-") == 0 ? "<stdin>" : scen_path;
    int st = cl_scenarios_read(&set, scen_path, &d, &err);
    if (st == CL_OK)
        st = cl_scenarios_check(inst, set, &d);
    if (st == CL_EINVALID || d.errors > 0 || (!co.quiet && d.count > 0))
        cl_diags_print(&d, shown, stderr);
    if (st == CL_EINVALID) {
        rc = EXIT_INVALID;
        goto done;
    }
    if (st != CL_OK) {
        if (err.code == 0)
            cl_error_set(&err, st, shown, "cannot read the scenarios");
        rc = cli_report(&err);
        goto done;
    }
    if (co.time_limit_s >= 0) {
        so.time_limit_s = co.time_limit_s;
        so.time_limit_given = true;
    }
    if (co.gap >= 0) {
        so.gap = co.gap;
        so.gap_given = true;
    }
    if (!co.quiet && isatty(STDERR_FILENO))
        so.progress = show_progress;
    if (cl_scenarios_run(&m, inst, set, &so, &err) != CL_OK) {
        rc = cli_report(&err);
        goto done;
    }
    json = cl_scenarios_to_json(inst, set, m);
    if (csv) {
        table = cl_scenarios_to_csv(set, m);
        if (table == NULL) {
            fprintf(stderr, "caseload: out of memory\n");
            rc = EXIT_IO;
            goto done;
        }
        if (cl_write_file(csv, table, &err) != CL_OK) {
            rc = cli_report(&err);
            goto done;
        }
    }
    rc = cli_write(&co, json);
    /* A run that failed is in the output with its error; say so here too, and exit 1. */
    bool failed = false;
    for (int i = 0; i <= set->n && rc == EXIT_RESULT; i++)
        if (m[i].code != CL_OK) {
            fprintf(stderr, "caseload: scenarios: %s: %s\n", i ? set->items[i - 1].name : "baseline", m[i].error);
            failed = true;
        }
    if (failed)
        rc = EXIT_IO;
done:
    free(json);
    free(table);
    free(m);
    cl_diags_dispose(&d);
    cl_scenario_set_free(set);
    cl_instance_free(inst);
    return rc;
}
