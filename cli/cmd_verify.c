/* cmd_verify.c: caseload verify INSTANCE PLAN: every hard rule checked, objective recomputed; exit 0 or 4. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "model/verify.h"
#include "solver/schedule.h"

static const char help[] = "usage: caseload verify INSTANCE PLAN [--quiet]\n"
                           "Checks an assignment (caseload-assignment/1) or a schedule (caseload-schedule/1)\n"
                           "against every hard rule and recomputes its objective. Exit 0 when it keeps every\n"
                           "rule, 4 when it breaks one (each breach is listed), 3 when a file is invalid.\n";

/* A plan on standard input is read twice (its format, then its content): keep a private copy. */
static int stdin_copy(char *path, size_t n)
{
    snprintf(path, n, "/tmp/caseload-plan-XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0)
        return -1;
    char buf[65536];
    size_t got;
    int rc = 0;
    while ((got = fread(buf, 1, sizeof buf, stdin)) > 0)
        if (write(fd, buf, got) != (ssize_t)got)
            rc = -1;
    if (close(fd) != 0 || ferror(stdin))
        rc = -1;
    if (rc != 0)
        unlink(path);
    return rc;
}

int cmd_verify(int argc, char **argv)
{
    cli_common co;
    cli_common_init(&co);
    const char *pos[2] = {NULL, NULL};
    int npos = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0) {
            fputs(help, stdout);
            return EXIT_RESULT;
        }
        int f = cli_common_flag(&co, argc, argv, &i);
        if (f < 0)
            return EXIT_USAGE;
        if (f == 0) {
            if (npos == 2 || (argv[i][0] == '-' && argv[i][1] != '\0'))
                return cli_usage("verify", "unexpected argument \"%s\"", argv[i]);
            pos[npos++] = argv[i];
        }
    }
    if (npos != 2 - (co.db != NULL))
        return cli_usage("verify", "needs INSTANCE and PLAN");
    const char *plan = co.db ? pos[0] : pos[1], *shown = plan;
    if (strcmp(plan, "-") == 0 && strcmp(pos[0], "-") == 0 && co.db == NULL)
        return cli_usage("verify", "INSTANCE and PLAN cannot both be standard input");
    cl_instance *inst = NULL;
    int rc = cli_load_instance(&co, pos[0], &inst);
    if (rc != EXIT_RESULT)
        return rc;
    char copy[64] = "";
    if (strcmp(plan, "-") == 0) {
        if (stdin_copy(copy, sizeof copy) != 0) {
            fprintf(stderr, "caseload: verify: cannot read the plan from standard input\n");
            cl_instance_free(inst);
            return EXIT_IO;
        }
        plan = copy;
        shown = "<stdin>";
    }
    cl_diags d = {0}, breaches = {0};
    cl_error err = {0};
    char fmt[64] = "";
    int st = cl_plan_format(fmt, sizeof fmt, plan, &d, &err);
    if (st == CL_OK && strcmp(fmt, "caseload-assignment/1") == 0) {
        cl_assignment *a = NULL;
        st = cl_assignment_read(&a, inst, plan, &d, &err);
        if (st == CL_OK)
            cl_verify_assignment(inst, a, &breaches);
        cl_assignment_free(a);
    } else if (st == CL_OK && strcmp(fmt, "caseload-schedule/1") == 0) {
        st = cl_schedule_verify_file(inst, plan, &d, &breaches, &err);
    } else if (st == CL_OK) {
        cl_diags_add(&d, CL_ERRORSEV, "format",
                     "unknown plan format \"%s\" (expected caseload-assignment/1 or caseload-schedule/1)", fmt);
        st = CL_EINVALID;
    }
    if (st == CL_EIO || st == CL_ENOMEM) {
        rc = cli_report(&err);
    } else if (st != CL_OK) {
        cl_diags_print(&d, shown, stderr);
        rc = EXIT_INVALID;
    } else {
        /* Problems met while reading the plan (unknown ids, clients listed twice) are breaches too. */
        cl_diags_print(&d, shown, stdout);
        cl_diags_print(&breaches, shown, stdout);
        size_t n = d.errors + breaches.errors;
        if (n == 0)
            printf("%s: ok, keeps every rule\n", shown);
        else
            printf("%s: %zu breach%s\n", shown, n, n == 1 ? "" : "es");
        rc = n == 0 ? EXIT_RESULT : EXIT_BREACH;
    }
    cl_diags_dispose(&d);
    cl_diags_dispose(&breaches);
    cl_instance_free(inst);
    if (copy[0])
        unlink(copy);
    return rc;
}
