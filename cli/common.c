/* common.c: option parsing, instance loading and output shared by the commands. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "io/store.h"
#include "model/verify.h"

void cli_common_init(cli_common *c)
{
    memset(c, 0, sizeof *c);
    c->time_limit_s = -1;
    c->gap = -1;
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "caseload: %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (see caseload %s --help)\n", cmd);
    return EXIT_USAGE;
}

static int number_arg(const char *cmd, const char *flag, const char *s, double lo, double hi, double *v)
{
    char *end = NULL;
    double x = s ? strtod(s, &end) : 0;
    if (s == NULL || end == s || *end != '\0' || !(x >= lo && x <= hi)) {
        cli_usage(cmd, "%s needs a number from %g to %g", flag, lo, hi);
        return -1;
    }
    *v = x;
    return 1;
}

int cli_common_flag(cli_common *c, int argc, char **argv, int *i)
{
    const char *a = argv[*i];
    const char *val = *i + 1 < argc ? argv[*i + 1] : NULL;
    if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
        c->quiet = true;
        return 1;
    }
    if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0 || strcmp(a, "--db") == 0) {
        if (val == NULL) {
            cli_usage(argv[0], "%s needs a file name", a);
            return -1;
        }
        if (strcmp(a, "--db") == 0)
            c->db = val;
        else
            c->out = val;
        (*i)++;
        return 1;
    }
    if (strcmp(a, "--time-limit") == 0) {
        (*i)++;
        return number_arg(argv[0], a, val, 0.001, 1e7, &c->time_limit_s);
    }
    if (strcmp(a, "--gap") == 0) {
        (*i)++;
        return number_arg(argv[0], a, val, 0, 1, &c->gap);
    }
    return 0;
}

int cli_load_instance(const cli_common *c, const char *path, cl_instance **out)
{
    cl_diags d = {0};
    cl_error err = {0};
    int rc;
    const char *name = path;
    if (c->db != NULL) {
        name = c->db;
        rc = cl_store_load(out, c->db, &err);
    } else {
        rc = cl_instance_read(out, path, &d, &err);
        if (strcmp(path, "-") == 0)
            name = "<stdin>";
    }
    if (rc == CL_EINVALID || d.errors > 0 || !c->quiet) {
        cl_diags d2 = d;
        if (rc == CL_OK && c->quiet)
            d2.count = 0;
        cl_diags_print(&d2, name, stderr);
    }
    cl_diags_dispose(&d);
    if (rc == CL_EINVALID && err.code == 0)
        return EXIT_INVALID;
    if (rc != CL_OK)
        return cli_report(&err);
    return EXIT_RESULT;
}

int cli_load_assignment(const cli_common *c, const cl_instance *inst, const char *path, cl_assignment **out)
{
    cl_diags d = {0};
    cl_error err = {0};
    cl_assignment *a = NULL;
    const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
    int rc = EXIT_RESULT;
    int st = cl_assignment_read(&a, inst, path, &d, &err);
    if (st == CL_EIO || st == CL_ENOMEM) {
        rc = cli_report(&err);
        goto done;
    }
    if (st == CL_OK) {
        char fp[17];
        cl_instance_fingerprint(inst, fp);
        if (a->fingerprint[0] != '\0' && strcmp(a->fingerprint, fp) != 0)
            cl_diags_add(&d, CL_WARNING, "instance_fingerprint",
                         "made from another state of the instance (%s, now %s): checked against this one",
                         a->fingerprint, fp);
        /* The plan's own figures are not the schedule's concern (they change with the instance): without them
         * verify lists the breaches of the hard rules alone. */
        a->has_obj = false;
        int n = cl_verify_assignment(inst, a, &d);
        if (n > 0)
            cl_diags_add(&d, CL_ERRORSEV, "",
                         "%d breach%s of the hard rules for the instance as it is now (expected an assignment that "
                         "keeps them: caseload assign makes one)",
                         n, n == 1 ? "" : "es");
    }
    if (st != CL_OK || d.errors > 0) {
        cl_diags_print(&d, name, stderr);
        if (err.code != 0)
            cli_report(&err);
        rc = EXIT_INVALID;
    } else if (!c->quiet) {
        cl_diags_print(&d, name, stderr);
    }
done:
    if (rc == EXIT_RESULT)
        *out = a;
    else
        cl_assignment_free(a);
    cl_diags_dispose(&d);
    return rc;
}

int cli_report(const cl_error *err)
{
    fprintf(stderr, "caseload: %s%s%s\n", err->where, err->where[0] ? ": " : "", err->text);
    return cl_status_exit_code(err->code ? err->code : CL_EINTERNAL);
}

int cli_write(const cli_common *c, const char *text)
{
    cl_error err = {0};
    if (text == NULL) {
        fprintf(stderr, "caseload: out of memory\n");
        return EXIT_IO;
    }
    if (cl_write_file(c->out, text, &err) != CL_OK)
        return cli_report(&err);
    return EXIT_RESULT;
}
