/* cmd_db.c: caseload db: init, import, export, apply, contacts and history on the SQLite store (SPEC §8). */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "io/store.h"

static const char db_help[] =
    "usage: caseload db init FILE\n"
    "       caseload db import FILE INSTANCE [--by WHO]\n"
    "       caseload db import FILE --staff staff.csv [--clients clients.csv] [--by WHO]\n"
    "       caseload db export FILE [-o OUT]\n"
    "       caseload db apply FILE PLAN [--by WHO]\n"
    "       caseload db contacts FILE add CLIENT STAFF DATE [--by WHO]\n"
    "       caseload db contacts FILE import visits.csv [--by WHO]\n"
    "       caseload db history FILE [--client ID] [-o OUT]\n"
    "       caseload db check FILE\n"
    "\n"
    "The store holds the agency's current state (staff, clients, teams, rules), the contact log, an audit\n"
    "trail and the history of assignments. init creates FILE, readable by its owner only. import makes a\n"
    "caseload/1 file, or staff and client CSV files, the current state (CSV columns are the JSON field\n"
    "names, list fields ;-separated, minutes_mon ... minutes_sun). export writes the current state as\n"
    "caseload/1. apply makes an assignment or rebalance output the current state in one transaction; the\n"
    "plan must have been made from the current state (caseload assign --db FILE), or it is refused.\n"
    "contacts logs face-to-face contacts (DATE is YYYY-MM-DD; visits.csv has columns client, staff, date);\n"
    "a client's contacts_this_month counts the logged contacts of week.start's month before week.start.\n"
    "history lists the assignments each import and apply replaced. check runs SQLite's integrity and\n"
    "foreign key checks on FILE.\n"
    "\n"
    "options:\n"
    "  --by WHO            who does it, for the audit trail (default: the login name)\n"
    "  --busy-timeout MS   how long to wait for another writer (default 5000)\n"
    "  -o FILE, --quiet    as for the other commands\n";

/* Arguments of every db subcommand: the positional ones and the options. */
typedef struct db_args {
    cli_common co;
    const char *pos[6];
    int n_pos;
    const char *by;
    const char *staff_csv, *clients_csv, *client;
    int busy_ms;
} db_args;

static int parse_args(db_args *a, int argc, char **argv, int first)
{
    cli_common_init(&a->co);
    a->busy_ms = -1;
    for (int i = first; i < argc; i++) {
        const char *arg = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        int f = cli_common_flag(&a->co, argc, argv, &i);
        if (f < 0)
            return EXIT_USAGE;
        if (f > 0)
            continue;
        const char **slot = strcmp(arg, "--by") == 0        ? &a->by
                            : strcmp(arg, "--staff") == 0   ? &a->staff_csv
                            : strcmp(arg, "--clients") == 0 ? &a->clients_csv
                            : strcmp(arg, "--client") == 0  ? &a->client
                                                            : NULL;
        if (slot != NULL) {
            if (val == NULL)
                return cli_usage("db", "%s needs a value", arg);
            *slot = val;
            i++;
        } else if (strcmp(arg, "--busy-timeout") == 0) {
            char *end = NULL;
            long ms = val ? strtol(val, &end, 10) : -1;
            if (val == NULL || *end != '\0' || ms < 0 || ms > 86400000L)
                return cli_usage("db", "--busy-timeout needs a number of milliseconds from 0 to 86400000");
            a->busy_ms = (int)ms;
            i++;
        } else if ((arg[0] != '-' || arg[1] == '\0') && a->n_pos < 6) {
            a->pos[a->n_pos++] = arg;
        } else {
            return cli_usage("db", "unexpected argument \"%s\"", arg);
        }
    }
    if (a->co.db != NULL)
        return cli_usage("db", "--db is for the solving commands; db subcommands take the store as FILE");
    return EXIT_RESULT;
}

/* Who does it: --by, else the login name. */
static const char *who(const db_args *a)
{
    if (a->by && a->by[0])
        return a->by;
    const char *name = getlogin();
    if (name && name[0])
        return name;
    struct passwd *pw = getpwuid(geteuid());
    if (pw && pw->pw_name && pw->pw_name[0])
        return pw->pw_name;
    name = getenv("USER");
    return name && name[0] ? name : "unknown";
}

/* Prints problems whose where already names the file (CSV rows and columns). */
static void print_located(const cl_diags *d, bool quiet)
{
    for (size_t i = 0; i < d->count; i++) {
        const cl_diag *it = &d->items[i];
        if (quiet && it->severity == CL_WARNING)
            continue;
        fprintf(stderr, "caseload: %s%s%s%s\n", it->where, it->where[0] ? ": " : "",
                it->severity == CL_WARNING ? "warning: " : "", it->text);
    }
}

static int open_store(cl_store **st, const db_args *a)
{
    cl_store_opts o;
    cl_store_opts_init(&o);
    if (a->busy_ms >= 0)
        o.busy_timeout_ms = a->busy_ms;
    cl_error err = {0};
    if (cl_store_open(st, a->pos[0], &o, &err) != CL_OK)
        return cli_report(&err);
    return EXIT_RESULT;
}

static int need(const db_args *a, int n, const char *what)
{
    if (a->n_pos != n)
        return cli_usage("db", "%s", what);
    return EXIT_RESULT;
}

static int db_init(const db_args *a)
{
    int rc = need(a, 1, "init needs FILE, the store to create");
    if (rc != EXIT_RESULT)
        return rc;
    cl_error err = {0};
    if (cl_store_create(a->pos[0], &err) != CL_OK)
        return cli_report(&err);
    return EXIT_RESULT;
}

static int db_import(const db_args *a)
{
    bool csv = a->staff_csv || a->clients_csv;
    if (csv ? a->n_pos != 1 : a->n_pos != 2)
        return cli_usage("db", "import needs FILE and either an INSTANCE or --staff/--clients CSV files");
    cl_store *st = NULL;
    cl_instance *inst = NULL;
    cl_diags d = {0};
    cl_error err = {0};
    int rc = EXIT_RESULT;
    if (!csv) {
        /* Read and validated first: an invalid instance never reaches the store. */
        rc = cli_load_instance(&a->co, a->pos[1], &inst);
        if (rc != EXIT_RESULT)
            return rc;
    }
    rc = open_store(&st, a);
    if (rc == EXIT_RESULT) {
        int r = csv ? cl_store_import_csv(st, a->staff_csv, a->clients_csv, who(a), &d, &err)
                    : cl_store_import(st, inst, who(a), strcmp(a->pos[1], "-") == 0 ? "<stdin>" : a->pos[1], &err);
        print_located(&d, a->co.quiet);
        if (r == CL_EINVALID && err.code == 0)
            rc = EXIT_INVALID;
        else if (r != CL_OK)
            rc = cli_report(&err);
    }
    cl_diags_dispose(&d);
    cl_instance_free(inst);
    cl_store_close(st);
    return rc;
}

static int db_export(const db_args *a)
{
    int rc = need(a, 1, "export needs FILE (and -o OUT to write a file)");
    cl_store *st = NULL;
    if (rc == EXIT_RESULT)
        rc = open_store(&st, a);
    if (rc == EXIT_RESULT) {
        char *text = NULL;
        cl_error err = {0};
        if (cl_store_export(&text, st, &err) != CL_OK)
            rc = cli_report(&err);
        else
            rc = cli_write(&a->co, text);
        free(text);
    }
    cl_store_close(st);
    return rc;
}

static int db_apply(const db_args *a)
{
    int rc = need(a, 2, "apply needs FILE and PLAN (an assign or rebalance output)");
    cl_store *st = NULL;
    if (rc == EXIT_RESULT)
        rc = open_store(&st, a);
    if (rc == EXIT_RESULT) {
        cl_diags d = {0};
        cl_error err = {0};
        cl_store_applied res;
        int r = cl_store_apply(st, a->pos[1], who(a), &res, &d, &err);
        cl_diags_print(&d, a->pos[1], stderr);
        if (r == CL_EINVALID && err.code == 0)
            rc = EXIT_INVALID;
        else if (r != CL_OK)
            rc = cli_report(&err);
        else if (!a->co.quiet)
            fprintf(stderr,
                    "caseload: db apply: %s is the current state (event %lld: %d moves, %d peer moves, "
                    "%d intakes placed)\n",
                    a->pos[1], res.audit_id, res.moves, res.peer_moves, res.placed);
        cl_diags_dispose(&d);
    }
    cl_store_close(st);
    return rc;
}

static int db_contacts(const db_args *a)
{
    bool add = a->n_pos == 5 && strcmp(a->pos[1], "add") == 0;
    bool import = a->n_pos == 3 && strcmp(a->pos[1], "import") == 0;
    if (!add && !import)
        return cli_usage("db", "contacts needs FILE add CLIENT STAFF DATE, or FILE import visits.csv");
    cl_store *st = NULL;
    int rc = open_store(&st, a);
    if (rc != EXIT_RESULT)
        return rc;
    cl_error err = {0};
    cl_diags d = {0};
    int added = 0, skipped = 0, r;
    if (add)
        r = cl_store_contact_add(st, a->pos[2], a->pos[3], a->pos[4], who(a), &added, &err);
    else
        r = cl_store_contacts_import(st, a->pos[2], who(a), &added, &skipped, &d, &err);
    print_located(&d, a->co.quiet);
    if (r == CL_EINVALID && err.code == 0)
        rc = EXIT_INVALID;
    else if (r != CL_OK)
        rc = cli_report(&err);
    else if (!a->co.quiet && add && added == 0)
        fprintf(stderr, "caseload: db contacts: this contact is already in the log\n");
    else if (!a->co.quiet && import)
        fprintf(stderr, "caseload: db contacts: %d contacts logged, %d already in the log\n", added, skipped);
    cl_diags_dispose(&d);
    cl_store_close(st);
    return rc;
}

static int db_history(const db_args *a)
{
    int rc = need(a, 1, "history needs FILE (and --client ID for one client)");
    cl_store *st = NULL;
    if (rc == EXIT_RESULT)
        rc = open_store(&st, a);
    if (rc == EXIT_RESULT) {
        char *text = NULL;
        cl_error err = {0};
        if (cl_store_history(&text, st, a->client, &err) != CL_OK)
            rc = cli_report(&err);
        else
            rc = cli_write(&a->co, text);
        free(text);
    }
    cl_store_close(st);
    return rc;
}

static int db_check(const db_args *a)
{
    int rc = need(a, 1, "check needs FILE");
    cl_store *st = NULL;
    if (rc == EXIT_RESULT)
        rc = open_store(&st, a);
    if (rc == EXIT_RESULT) {
        cl_error err = {0};
        if (cl_store_check(st, &err) != CL_OK)
            rc = cli_report(&err);
        else if (!a->co.quiet)
            fprintf(stderr, "caseload: db check: %s: ok\n", a->pos[0]);
    }
    cl_store_close(st);
    return rc;
}

int cmd_db(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(db_help, stdout);
            return EXIT_RESULT;
        }
    if (argc < 2)
        return cli_usage("db", "needs a subcommand: init, import, export, apply, contacts, history or check");
    static const struct {
        const char *name;
        int (*run)(const db_args *a);
    } subs[] = {{"init", db_init},         {"import", db_import},   {"export", db_export}, {"apply", db_apply},
                {"contacts", db_contacts}, {"history", db_history}, {"check", db_check}};
    for (size_t k = 0; k < sizeof subs / sizeof subs[0]; k++)
        if (strcmp(argv[1], subs[k].name) == 0) {
            db_args a = {0};
            int rc = parse_args(&a, argc, argv, 2);
            if (rc != EXIT_RESULT)
                return rc;
            if (a.n_pos < 1)
                return cli_usage("db", "%s needs FILE, the store", subs[k].name);
            return subs[k].run(&a);
        }
    return cli_usage(
        "db", "unknown subcommand \"%s\" (expected init, import, export, apply, contacts, history or check)", argv[1]);
}
