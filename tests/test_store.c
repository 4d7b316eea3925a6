/* test_store.c: the SQLite store (SPEC §8): init, schema and migrations, import/export, CSV, apply and its
 * refusals, contacts, history, parameterised SQL, kill -9 during apply, and two writers at once.
 * The schema checks and the lock holder talk to the file with SQLite directly, as an outsider would. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "io/io.h"
#include "io/store.h"
#include "model/plan.h"
#include "support.h"

extern char **environ;

static const char evil[] = "x'); DROP TABLE staff;--";

/* ---- helpers ---- */

static char *path_in(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    assert_non_null(p);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static void remove_tree(const char *dir)
{
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static void copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    assert_non_null(in);
    assert_non_null(out);
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        assert_int_equal(fwrite(buf, 1, n, out), n);
    fclose(in);
    assert_int_equal(fclose(out), 0);
}

/* A store at dir/name made by `db init`, with inst_path imported when not NULL. */
static char *new_store(const char *dir, const char *name, const char *inst_path)
{
    char *db = path_in(dir, name);
    run_result r = run_cli("db init %s", db);
    if (r.status != 0)
        fail_msg("db init exited %d: %s", r.status, r.err);
    run_result_dispose(&r);
    if (inst_path) {
        r = run_cli("db import %s %s --by tester --quiet", db, inst_path);
        if (r.status != 0)
            fail_msg("db import exited %d: %s", r.status, r.err);
        run_result_dispose(&r);
    }
    return db;
}

/* What an instance file means, written the writer's way: comparable text. */
static char *canonical(const char *inst_path)
{
    cl_instance *inst = load_instance(inst_path);
    char *text = cl_instance_to_json(inst);
    cl_instance_free(inst);
    assert_non_null(text);
    return text;
}

static char *export_text(const char *db)
{
    run_result r = run_cli("db export %s", db);
    if (r.status != 0)
        fail_msg("db export exited %d: %s", r.status, r.err);
    char *out = r.out;
    free(r.err);
    return out;
}

static cl_instance *store_state(const char *db)
{
    cl_instance *inst = NULL;
    cl_error err = {0};
    if (cl_store_load(&inst, db, &err) != CL_OK)
        fail_msg("cl_store_load: %s: %s", err.where, err.text);
    return inst;
}

static void expect(run_result *r, int status, const char *in_err)
{
    if (r->status != status)
        fail_msg("exited %d, expected %d; stderr: %s", r->status, status, r->err);
    if (in_err && strstr(r->err, in_err) == NULL)
        fail_msg("stderr lacks \"%s\": %s", in_err, r->err);
    run_result_dispose(r);
}

static int count_of(const char *text, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(text, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

static int contacts_of(const char *db, const char *client)
{
    cl_instance *inst = store_state(db);
    int c = cl_instance_find_client(inst, client);
    assert_true(c >= 0);
    int n = inst->clients[c].contacts_this_month;
    cl_instance_free(inst);
    return n;
}

/* Runs `caseload ARGS...` without a shell, standard output and error to files; returns the pid. */
static pid_t spawn_cli(const char *out_err_prefix, const char *const *args)
{
    const char *argv[16] = {CL_BINARY};
    int n = 1;
    for (; args[n - 1] && n < 15; n++)
        argv[n] = args[n - 1];
    argv[n] = NULL;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    char o[4200], e[4200];
    snprintf(o, sizeof o, "%s.out", out_err_prefix);
    snprintf(e, sizeof e, "%s.err", out_err_prefix);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, o, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&fa, 2, e, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    pid_t pid;
    int rc = posix_spawn(&pid, CL_BINARY, &fa, NULL, (char *const *)argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    assert_int_equal(rc, 0);
    return pid;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A synthetic agency: n_staff SCM managers (cap 40) and n_clients SCM clients, client k with manager
 * s(k mod n_staff). Large enough that an apply takes a while. */
static void write_big_instance(const char *path, int n_staff, int n_clients)
{
    size_t cap = (size_t)(n_staff + n_clients) * 96 + 256, len = 0;
    char *buf = malloc(cap);
    assert_non_null(buf);
    len += (size_t)snprintf(buf + len, cap - len,
                            "{\"format\": \"caseload/1\", \"week\": {\"start\": \"2026-11-23\"}, \"staff\": [");
    for (int s = 0; s < n_staff; s++)
        len += (size_t)snprintf(buf + len, cap - len,
                                "%s{\"id\": \"s%03d\", \"program\": \"SCM\", \"caseload_cap\": 40}", s ? ", " : "", s);
    len += (size_t)snprintf(buf + len, cap - len, "], \"clients\": [");
    for (int c = 0; c < n_clients; c++)
        len += (size_t)snprintf(buf + len, cap - len,
                                "%s{\"id\": \"c%05d\", \"program\": \"SCM\", \"manager\": \"s%03d\"}", c ? ", " : "", c,
                                c % n_staff);
    snprintf(buf + len, cap - len, "]}\n");
    write_text(path, buf);
    free(buf);
}

/* A plan over the store's current state that moves every client `shift` managers on: valid, all moves. */
static void write_shift_plan(const char *db, const char *plan_path, int shift)
{
    cl_instance *inst = store_state(db);
    cl_assignment *a = cl_assignment_new(inst->n_clients);
    assert_non_null(a);
    for (int c = 0; c < inst->n_clients; c++) {
        a->manager[c] = (inst->clients[c].manager + shift) % inst->n_staff;
        a->move_reason[c] = strdup("balance");
    }
    cl_assignment_evaluate(inst, a, &a->obj);
    a->has_obj = true;
    cl_instance_fingerprint(inst, a->fingerprint);
    char *text = cl_assignment_to_json(inst, a);
    assert_non_null(text);
    write_text(plan_path, text);
    free(text);
    cl_assignment_free(a);
    cl_instance_free(inst);
}

/* How the store's clients stand against the base assignment k mod n: the common shift, or -1 when mixed. */
static int state_shift(const char *db)
{
    cl_instance *inst = store_state(db);
    int shift = -2;
    for (int c = 0; c < inst->n_clients; c++) {
        int s = ((inst->clients[c].manager - c % inst->n_staff) + inst->n_staff) % inst->n_staff;
        if (shift == -2)
            shift = s;
        else if (s != shift)
            shift = -1;
    }
    cl_instance_free(inst);
    return shift;
}

static int apply_events(const char *db)
{
    cl_store *st = NULL;
    cl_error err = {0};
    char *text = NULL;
    assert_int_equal(cl_store_open(&st, db, NULL, &err), CL_OK);
    assert_int_equal(cl_store_history(&text, st, NULL, &err), CL_OK);
    int n = count_of(text, "\"action\": \"apply\"");
    free(text);
    cl_store_close(st);
    return n;
}

static void assert_store_ok(const char *db)
{
    cl_store *st = NULL;
    cl_error err = {0};
    if (cl_store_open(&st, db, NULL, &err) != CL_OK || cl_store_check(st, &err) != CL_OK)
        fail_msg("store check: %s: %s", err.where, err.text);
    cl_store_close(st);
}

static sqlite3 *raw_open(const char *db)
{
    sqlite3 *h = NULL;
    assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    return h;
}

static int raw_int(sqlite3 *h, const char *sql)
{
    sqlite3_stmt *s = NULL;
    assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &s, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    int v = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    return v;
}

static char *raw_text(sqlite3 *h, const char *sql)
{
    sqlite3_stmt *s = NULL;
    assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &s, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    char *v = strdup((const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    return v;
}

/* ---- tests ---- */

/* init: a new file, owner-only, WAL, foreign keys, the current schema; never over an existing file. */
static void test_init(void **state)
{
    (void)state;
    char *dir = temp_dir(), *db = new_store(dir, "s.db", NULL);
    struct stat sb;
    assert_int_equal(stat(db, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    run_result r = run_cli("db init %s", db);
    expect(&r, 1, "already exists");
    /* umask does not widen it, and the -wal and -shm files are owner-only too while open. */
    char *db2 = path_in(dir, "t.db"), cmd[8400];
    snprintf(cmd, sizeof cmd, "umask 000; %s db init %s", CL_BINARY, db2);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(stat(db2, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    sqlite3 *h = raw_open(db);
    char *mode = raw_text(h, "PRAGMA journal_mode");
    assert_string_equal(mode, "wal");
    free(mode);
    assert_int_equal(raw_int(h, "PRAGMA user_version"), CL_STORE_SCHEMA);
    assert_int_equal(raw_int(h, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN "
                                "('agency','staff','clients','teams','team_members','contacts','audit','history')"),
                     8);
    raw_int(h, "SELECT count(*) FROM agency"); /* a read opens the -wal and -shm files */
    char *wal = path_in(dir, "s.db-wal"), *shm = path_in(dir, "s.db-shm");
    assert_int_equal(stat(wal, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    assert_int_equal(stat(shm, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    sqlite3_close(h);
    /* A missing store is not created by opening it. */
    cl_instance *inst = NULL;
    cl_error err = {0};
    char *missing = path_in(dir, "missing.db");
    assert_int_equal(cl_store_load(&inst, missing, &err), CL_EIO);
    assert_non_null(strstr(err.text, "db init"));
    assert_int_equal(stat(missing, &sb), -1);
    r = run_cli("check --db %s", missing);
    expect(&r, 1, "no such store");
    free(missing);
    free(wal);
    free(shm);
    free(db2);
    free(db);
    remove_tree(dir);
    free(dir);
}

/* Versioned schema: an older store is migrated on open, a newer one and foreign files are refused. */
static void test_schema_versions(void **state)
{
    (void)state;
    char *dir = temp_dir(), *db = new_store(dir, "s.db", CL_SOURCE_DIR "/examples/riverside.json");
    char *before = export_text(db);
    sqlite3 *h = raw_open(db);
    assert_int_equal(sqlite3_exec(h,
                                  "DROP INDEX contacts_by_month; DROP INDEX history_by_client; "
                                  "PRAGMA user_version = 1",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(h);
    char *after = export_text(db); /* opening migrates 1 -> 2 */
    assert_string_equal(before, after);
    h = raw_open(db);
    assert_int_equal(raw_int(h, "PRAGMA user_version"), 2);
    assert_int_equal(raw_int(h, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN "
                                "('contacts_by_month', 'history_by_client')"),
                     2);
    assert_int_equal(sqlite3_exec(h, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
    run_result r = run_cli("db export %s", db);
    expect(&r, 3, "newer caseload");
    /* Another application's database, and a file that is not a database at all. */
    char *other = path_in(dir, "other.db"), *text = path_in(dir, "notes.txt");
    h = NULL;
    assert_int_equal(sqlite3_open(other, &h), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h, "CREATE TABLE t (x)", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
    write_text(text, "these are not the droids you are looking for, padded to a page or so..........\n");
    r = run_cli("db export %s", other);
    expect(&r, 3, "not a caseload store");
    r = run_cli("db export %s", text);
    expect(&r, 3, "not a caseload store");
    free(other);
    free(text);
    free(before);
    free(after);
    free(db);
    remove_tree(dir);
    free(dir);
}

/* import then export gives the same instance back, and --db serves the solving commands. */
static void test_import_export(void **state)
{
    (void)state;
    const char *files[] = {CL_SOURCE_DIR "/examples/riverside.json", CL_TEST_DATA "/valid/minimal/input.json",
                           CL_TEST_DATA "/store/round-trip/full.json", CL_TEST_DATA "/store/round-trip/plain.json"};
    char *dir = temp_dir();
    for (size_t k = 0; k < sizeof files / sizeof files[0]; k++) {
        char name[32];
        snprintf(name, sizeof name, "s%zu.db", k);
        char *db = new_store(dir, name, files[k]);
        char *want = canonical(files[k]), *got = export_text(db);
        if (strcmp(want, got) != 0)
            fail_msg("%s: export differs from the imported instance:\n%s\nvs\n%s", files[k], got, want);
        /* Same fingerprint as the file: a plan made from either fits the store. */
        cl_instance *a = load_instance(files[k]), *b = store_state(db);
        char fa[17], fb[17];
        cl_instance_fingerprint(a, fa);
        cl_instance_fingerprint(b, fb);
        assert_string_equal(fa, fb);
        cl_instance_free(a);
        cl_instance_free(b);
        /* Importing the export again changes nothing. */
        char *again = path_in(dir, "again.json");
        write_text(again, got);
        run_result r = run_cli("db import %s %s --quiet", db, again);
        expect(&r, 0, NULL);
        char *got2 = export_text(db);
        assert_string_equal(got, got2);
        free(got2);
        free(again);
        free(want);
        free(got);
        free(db);
    }
    char *db = path_in(dir, "s0.db");
    run_result r = run_cli("check --db %s", db);
    if (r.status != 0 || strstr(r.out, "150 clients") == NULL)
        fail_msg("check --db exited %d: %s%s", r.status, r.out, r.err);
    run_result_dispose(&r);
    /* An invalid instance never reaches the store. */
    char *bad = path_in(dir, "bad.json");
    write_text(bad, "{\"format\": \"caseload/1\", \"staff\": [{\"id\": \"s1\", \"program\": \"SCM\", \"fte\": 2}], "
                    "\"clients\": []}");
    char *before = export_text(db);
    r = run_cli("db import %s %s", db, bad);
    expect(&r, 3, "staff[0].fte");
    char *after = export_text(db);
    assert_string_equal(before, after);
    free(before);
    free(after);
    free(bad);
    free(db);
    remove_tree(dir);
    free(dir);
}

/* Names and residences with SQL in them round-trip verbatim; such an id is refused by the id rule
 * everywhere; nothing is dropped. */
static void test_sql_is_parameterised(void **state)
{
    (void)state;
    char *dir = temp_dir(), *db = new_store(dir, "s.db", CL_TEST_DATA "/store/round-trip/full.json");
    char *text = export_text(db);
    assert_non_null(strstr(text, "\"name\": \"x'); DROP TABLE staff;-- \\\"Ünïcode\\\" agency\""));
    assert_non_null(strstr(text, "\"residence\": \"ah-1 x'); DROP TABLE clients;--\""));
    free(text);
    char *bad = path_in(dir, "bad.json");
    char json[1024];
    snprintf(json, sizeof json,
             "{\"format\": \"caseload/1\", \"staff\": [{\"id\": \"%s\", \"program\": \"SCM\"}], \"clients\": []}",
             evil);
    write_text(bad, json);
    run_result r = run_cli("db import %s %s", db, bad);
    expect(&r, 3, "bad id");
    r = run_cli("db contacts %s add \"%s\" s1 2026-11-20", db, evil);
    expect(&r, 3, "bad client id");
    r = run_cli("db contacts %s add c1 \"%s\" 2026-11-20", db, evil);
    expect(&r, 3, "bad staff id");
    r = run_cli("db contacts %s add c1 s1 \"%s\"", db, evil);
    expect(&r, 3, "is not a date");
    r = run_cli("db history %s --client \"%s\"", db, evil);
    expect(&r, 3, "bad id");
    char *csv = path_in(dir, "staff.csv");
    snprintf(json, sizeof json, "id,program\n\"%s\",SCM\n", evil);
    write_text(csv, json);
    r = run_cli("db import %s --staff %s", db, csv);
    expect(&r, 3, "row 2, column 1 (id)");
    /* --by goes into the audit trail as given. */
    r = run_cli("db import %s %s/store/round-trip/full.json --by \"%s\"", db, CL_TEST_DATA, evil);
    expect(&r, 0, NULL);
    r = run_cli("db history %s", db);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "\"by\": \"x'); DROP TABLE staff;--\""));
    run_result_dispose(&r);
    cl_instance *inst = store_state(db);
    assert_int_equal(inst->n_staff, 6);
    assert_int_equal(inst->n_clients, 5);
    cl_instance_free(inst);
    assert_store_ok(db);
    free(csv);
    free(bad);
    free(db);
    remove_tree(dir);
    free(dir);
}

/* CSV import: columns are field names, lists ;-separated, minutes_*, quotes, CRLF, blank rows. */
static void test_csv_import(void **state)
{
    (void)state;
    char *dir = temp_dir(), *db = new_store(dir, "s.db", CL_TEST_DATA "/store/csv/agency.json");
    run_result r = run_cli("db import %s --staff %s/store/csv/staff.csv --clients %s/store/csv/clients.csv --quiet", db,
                           CL_TEST_DATA, CL_TEST_DATA);
    expect(&r, 0, NULL);
    char *want = canonical(CL_TEST_DATA "/store/csv/expected.json"), *got = export_text(db);
    if (strcmp(want, got) != 0)
        fail_msg("CSV import differs:\n%s\nvs expected\n%s", got, want);
    free(want);
    free(got);
    free(db);
    remove_tree(dir);
    free(dir);
}

/* CSV problems name the file, the row and the column; all are listed; nothing is imported. */
static void test_csv_errors(void **state)
{
    (void)state;
    char *dir = temp_dir(), *db = new_store(dir, "s.db", CL_TEST_DATA "/store/csv/agency.json");
    char *staff = path_in(dir, "staff.csv"), *clients = path_in(dir, "clients.csv");
    write_text(staff, "id,program,fte,languages,minutes_mon,active\n"
                      "s1,SCM,1,en,480,\n"
                      "s2,SCM,abc,en,,\n"     /* row 3: fte not a number */
                      "s3,SCM,1.5,en,,\n"     /* row 4: fte out of range (the model's rule) */
                      "s4,SCM,1,en,lots,\n"   /* row 5: minutes_mon not a number */
                      "s5,SCM,1,en,,maybe\n"  /* row 6: active not a boolean */
                      "s6,SCM,1,en,,,extra\n" /* row 7: one field too many */
                      "s7,ICN,1,en,,\n");     /* row 8: unknown program */
    write_text(clients, "id,program,manager,acuity\n"
                        "c1,SCM,s1,1\n"
                        "c2,SCM,nobody,1\n" /* row 3: unknown manager */
                        "c3,SCM,s1,9\n");   /* row 4: acuity out of range */
    char *before = export_text(db);
    run_result r = run_cli("db import %s --staff %s --clients %s", db, staff, clients);
    const char *want[] = {"staff.csv: row 3, column 3 (fte): \"abc\" is not a number",
                          "staff.csv: row 4, column 3 (fte): fte 1.5 is out of range",
                          "staff.csv: row 5, column 5 (minutes_mon)",
                          "staff.csv: row 6, column 6 (active)",
                          "staff.csv: row 7: 7 fields (expected 6",
                          "clients.csv: row 3, column 3 (manager)",
                          "clients.csv: row 4, column 4 (acuity)"};
    if (r.status != 3)
        fail_msg("exited %d, expected 3: %s", r.status, r.err);
    for (size_t k = 0; k < sizeof want / sizeof want[0]; k++)
        if (strstr(r.err, want[k]) == NULL)
            fail_msg("stderr lacks \"%s\":\n%s", want[k], r.err);
    run_result_dispose(&r);
    /* Only the type errors are found before the rules run; fix those and the rule errors are located. */
    write_text(staff, "id,program,fte\ns1,SCM,1\ns2,ICN,1\ns3,SCM,1.5\n");
    write_text(clients, "id,program,manager,acuity\nc1,SCM,s1,1\nc2,SCM,nobody,1\nc3,SCM,s1,9\n");
    r = run_cli("db import %s --staff %s --clients %s", db, staff, clients);
    const char *want2[] = {"staff.csv: row 3, column 2 (program): unknown program \"ICN\"",
                           "staff.csv: row 4, column 3 (fte)", "clients.csv: row 3, column 3 (manager)",
                           "clients.csv: row 4, column 4 (acuity)"};
    if (r.status != 3)
        fail_msg("exited %d, expected 3: %s", r.status, r.err);
    for (size_t k = 0; k < sizeof want2 / sizeof want2[0]; k++)
        if (strstr(r.err, want2[k]) == NULL)
            fail_msg("stderr lacks \"%s\":\n%s", want2[k], r.err);
    run_result_dispose(&r);
    write_text(staff, "id,program\ns1,SCM\n\"s2,SCM\n"); /* a quote never closed */
    r = run_cli("db import %s --staff %s", db, staff);
    expect(&r, 3, "staff.csv: row 3");
    char *after = export_text(db);
    assert_string_equal(before, after);
    free(before);
    free(after);
    free(staff);
    free(clients);
    free(db);
    remove_tree(dir);
    free(dir);
}

/* apply: the plan becomes the state in one go, with history and audit; stale and unsigned plans and plans
 * that break a rule are refused and change nothing. */
static void test_apply(void **state)
{
    (void)state;
    char *dir = temp_dir(), *db = new_store(dir, "s.db", CL_SOURCE_DIR "/examples/riverside.json");
    char *plan = path_in(dir, "plan.json");
    run_result r = run_cli("assign --db %s -o %s --quiet --time-limit 30", db, plan);
    expect(&r, 0, NULL);
    cl_instance *old = store_state(db);
    cl_assignment *a = NULL;
    cl_diags d = {0};
    cl_error err = {0};
    assert_int_equal(cl_assignment_read(&a, old, plan, &d, &err), CL_OK);
    assert_int_equal(d.errors, 0);

    /* Variants of the plan: no fingerprint; a rule broken (an ICM client to an SCM manager). */
    char *unsigned_plan = path_in(dir, "unsigned.json"), *broken = path_in(dir, "broken.json");
    char fp[17];
    memcpy(fp, a->fingerprint, sizeof fp);
    a->fingerprint[0] = '\0';
    char *text = cl_assignment_to_json(old, a);
    write_text(unsigned_plan, text);
    free(text);
    memcpy(a->fingerprint, fp, sizeof fp);
    int icm_client = -1, scm_manager = -1;
    for (int c = 0; c < old->n_clients && icm_client < 0; c++)
        if (old->clients[c].program == CL_ICM && a->manager[c] >= 0)
            icm_client = c;
    for (int s = 0; s < old->n_staff && scm_manager < 0; s++)
        if (old->staff[s].program == CL_SCM && old->staff[s].team < 0 && old->staff[s].active)
            scm_manager = s;
    assert_true(icm_client >= 0 && scm_manager >= 0);
    int was = a->manager[icm_client];
    a->manager[icm_client] = scm_manager;
    text = cl_assignment_to_json(old, a);
    write_text(broken, text);
    free(text);
    a->manager[icm_client] = was;

    char *before = export_text(db);
    r = run_cli("db apply %s %s", db, unsigned_plan);
    expect(&r, 3, "instance_fingerprint: missing");
    r = run_cli("db apply %s %s", db, broken);
    expect(&r, 3, "breaks");
    r = run_cli("db apply %s %s/store/csv/agency.json", db, CL_TEST_DATA);
    expect(&r, 3, "not an assignment");
    char *still = export_text(db);
    assert_string_equal(before, still);
    free(still);

    r = run_cli("db apply %s %s --by alice", db, plan);
    expect(&r, 0, "is the current state");
    cl_instance *now = store_state(db);
    int moved = 0;
    for (int c = 0; c < now->n_clients; c++) {
        const char *want = a->manager[c] >= 0 ? old->staff[a->manager[c]].id : "-";
        const char *got = now->clients[c].manager >= 0 ? now->staff[now->clients[c].manager].id : "-";
        assert_string_equal(want, got);
        moved += old->clients[c].manager >= 0 && a->manager[c] != old->clients[c].manager;
    }
    assert_true(moved > 0);
    /* Applying it again: the state it was made from is gone. */
    r = run_cli("db apply %s %s", db, plan);
    expect(&r, 3, "made from another state");
    r = run_cli("db history %s", db);
    assert_int_equal(r.status, 0);
    assert_int_equal(count_of(r.out, "\"action\": \"apply\""), 1);
    assert_non_null(strstr(r.out, "\"by\": \"alice\""));
    char moves[64];
    snprintf(moves, sizeof moves, "\"moves\": %d", moved);
    assert_non_null(strstr(r.out, moves));
    run_result_dispose(&r);
    /* One moved client's history: before and after, and where it is now. */
    int c = -1;
    for (int k = 0; k < now->n_clients && c < 0; k++)
        if (old->clients[k].manager >= 0 && a->manager[k] != old->clients[k].manager)
            c = k;
    r = run_cli("db history %s --client %s", db, now->clients[c].id);
    assert_int_equal(r.status, 0);
    char want[256];
    snprintf(want, sizeof want, "\"manager\": \"%s\"", old->staff[old->clients[c].manager].id);
    assert_non_null(strstr(r.out, want));
    snprintf(want, sizeof want, "\"new_manager\": \"%s\"", now->staff[now->clients[c].manager].id);
    assert_non_null(strstr(r.out, want));
    assert_non_null(strstr(r.out, "\"current\""));
    run_result_dispose(&r);
    r = run_cli("db history %s --client nosuchclient", db);
    expect(&r, 3, "unknown client");
    /* The default author is the login name. */
    r = run_cli("db import %s %s/examples/riverside.json --quiet", db, CL_SOURCE_DIR);
    expect(&r, 0, NULL);
    r = run_cli("db history %s", db);
    assert_null(strstr(r.out, "\"by\": \"unknown\""));
    run_result_dispose(&r);
    assert_store_ok(db);
    cl_instance_free(old);
    cl_instance_free(now);
    cl_assignment_free(a);
    cl_diags_dispose(&d);
    free(before);
    free(unsigned_plan);
    free(broken);
    free(plan);
    free(db);
    remove_tree(dir);
    free(dir);
}

/* A plan goes stale when the state it was made from changes, but not when a contact is logged. */
static void test_apply_stale(void **state)
{
    (void)state;
    char *dir = temp_dir(), *inst = path_in(dir, "big.json");
    write_big_instance(inst, 4, 40);
    char *db = new_store(dir, "s.db", inst), *plan = path_in(dir, "plan.json");
    write_shift_plan(db, plan, 1);
    run_result r = run_cli("db contacts %s add c00001 s001 2026-11-10", db);
    expect(&r, 0, NULL);
    r = run_cli("db apply %s %s --quiet", db, plan);
    expect(&r, 0, NULL);
    assert_int_equal(state_shift(db), 1);
    write_shift_plan(db, plan, 1);
    write_big_instance(inst, 5, 40); /* a staff member more */
    r = run_cli("db import %s %s --quiet", db, inst);
    expect(&r, 0, NULL);
    r = run_cli("db apply %s %s", db, plan);
    expect(&r, 3, "made from another state");
    free(plan);
    free(inst);
    free(db);
    remove_tree(dir);
    free(dir);
}

/* contacts_this_month is derived from the log: the month of week.start, before week.start. */
static void test_contacts(void **state)
{
    (void)state;
    char *dir = temp_dir(), *db = new_store(dir, "s.db", CL_TEST_DATA "/valid/minimal/input.json");
    assert_int_equal(contacts_of(db, "c1"), 1); /* as imported */
    run_result r = run_cli("db contacts %s add c1 s1 2026-11-02", db);
    expect(&r, 0, NULL);
    assert_int_equal(contacts_of(db, "c1"), 2);
    r = run_cli("db contacts %s add c1 s1 2026-11-02", db);
    expect(&r, 0, "already in the log");
    assert_int_equal(contacts_of(db, "c1"), 2);
    r = run_cli("db contacts %s add c1 s1 2026-10-31 --quiet", db); /* last month */
    expect(&r, 0, NULL);
    r = run_cli("db contacts %s add c1 s1 2026-11-23 --quiet", db); /* this week: not yet counted */
    expect(&r, 0, NULL);
    assert_int_equal(contacts_of(db, "c1"), 2);
    r = run_cli("db contacts %s add c1 s1 2026-02-30", db);
    expect(&r, 3, "is not a date");
    r = run_cli("db contacts %s add c9 s1 2026-11-20", db);
    expect(&r, 3, "unknown client \"c9\"");
    r = run_cli("db contacts %s add c1 s9 2026-11-20", db);
    expect(&r, 3, "unknown staff member \"s9\"");
    /* Re-importing the export (which says 2) does not count the logged contact twice. */
    char *exp = path_in(dir, "export.json"), *text = export_text(db);
    write_text(exp, text);
    r = run_cli("db import %s %s --quiet", db, exp);
    expect(&r, 0, NULL);
    assert_int_equal(contacts_of(db, "c1"), 2);
    /* A visits file: all rows or none, problems located. */
    char *visits = path_in(dir, "visits.csv");
    write_text(visits, "client,staff,date,note\nc3,s3,2026-11-20,x\nc3,s3,2026-11-21,y\nc3,s9,2026-11-13,z\n"
                       "c2,s2,20261112,w\n");
    r = run_cli("db contacts %s import %s", db, visits);
    if (r.status != 3 || !strstr(r.err, "visits.csv: row 4, column 2 (staff)") ||
        !strstr(r.err, "visits.csv: row 5, column 3 (date)") || !strstr(r.err, "column 4 (note): warning"))
        fail_msg("exited %d: %s", r.status, r.err);
    run_result_dispose(&r);
    assert_int_equal(contacts_of(db, "c3"), 0);
    write_text(visits, "client,staff,date\r\nc3,s3,2026-11-20\r\nc3,s3,2026-11-21\r\nc1,s1,2026-11-02\r\n");
    r = run_cli("db contacts %s import %s", db, visits);
    expect(&r, 0, "2 contacts logged, 1 already in the log");
    assert_int_equal(contacts_of(db, "c3"), 2);
    assert_int_equal(contacts_of(db, "c1"), 2);
    /* A log that pushes a count out of range is reported where the state is read, and an import repairs it. */
    char *cur = export_text(db);
    char *at = strstr(cur, "\"contacts_this_month\": 2");
    assert_non_null(at);
    memcpy(at, "\"contacts_this_month\": 99", strlen("\"contacts_this_month\": 99"));
    char *fixed = path_in(dir, "fixed.json");
    write_text(fixed, cur);
    r = run_cli("db import %s %s --quiet", db, fixed);
    expect(&r, 0, NULL);
    r = run_cli("db contacts %s add c1 s1 2026-11-03 --quiet", db);
    expect(&r, 0, NULL);
    r = run_cli("db contacts %s add c1 s1 2026-11-04 --quiet", db);
    expect(&r, 0, NULL);
    r = run_cli("check --db %s", db);
    expect(&r, 3, "db: clients[0] (c1).contacts_this_month: 101 is out of range");
    r = run_cli("db import %s %s/valid/minimal/input.json --quiet", db, CL_TEST_DATA);
    expect(&r, 0, NULL);
    assert_int_equal(contacts_of(db, "c1"), 3); /* the log's three contacts of November before the 23rd */
    free(fixed);
    free(cur);
    free(visits);
    free(text);
    free(exp);
    free(db);
    remove_tree(dir);
    free(dir);
}

/* kill -9 at random moments during apply, many times: the file stays sound and the state is entirely the
 * old one or entirely the new one, its history and audit with it. */
static void test_kill_during_apply(void **state)
{
    (void)state;
    /* 30 runs by default; CASELOAD_KILL_RUNS=N for a longer soak. */
    const char *env = getenv("CASELOAD_KILL_RUNS");
    int RUNS = env && atoi(env) > 0 ? atoi(env) : 30;
    char *dir = temp_dir(), *inst = path_in(dir, "big.json");
    write_big_instance(inst, 60, 2000);
    char *base = new_store(dir, "base.db", inst), *plan = path_in(dir, "plan.json");
    write_shift_plan(base, plan, 1);
    char *db = path_in(dir, "s.db"), *wal = path_in(dir, "s.db-wal"), *shm = path_in(dir, "s.db-shm");
    char *log = path_in(dir, "apply");
    const char *args[] = {"db", "apply", db, plan, "--quiet", NULL};
    /* How long an apply takes when left alone. */
    copy_file(base, db);
    double t0 = now_s();
    pid_t pid = spawn_cli(log, args);
    int st = 0;
    waitpid(pid, &st, 0);
    double full = now_s() - t0;
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    assert_int_equal(state_shift(db), 1);
    srand(12345);
    int old_state = 0, new_state = 0, killed = 0, wal_left = 0;
    for (int run = 0; run < RUNS; run++) {
        unlink(wal);
        unlink(shm);
        copy_file(base, db);
        /* A third of the kills at any moment, a third near the end, and a third aimed at the commit itself:
         * a few microseconds after the first frame reaches the write-ahead log. */
        double u = (double)rand() / RAND_MAX;
        useconds_t delay = (useconds_t)((run % 3 == 0 ? u * full : full * (0.75 + 0.35 * u)) * 1e6);
        pid = spawn_cli(log, args);
        bool reaped = false;
        if (run % 3 == 2) {
            struct stat ws;
            double t_end = now_s() + full * 3;
            while (now_s() < t_end && !(stat(wal, &ws) == 0 && ws.st_size > 0) &&
                   !(reaped = waitpid(pid, &st, WNOHANG) == pid))
                ;
            delay = (useconds_t)(u * 3000);
        }
        if (!reaped) {
            usleep(delay);
            kill(pid, SIGKILL);
            waitpid(pid, &st, 0);
        }
        killed += WIFSIGNALED(st);
        struct stat sb;
        wal_left += WIFSIGNALED(st) && stat(wal, &sb) == 0 && sb.st_size > 0;
        assert_store_ok(db);
        int shift = state_shift(db), events = apply_events(db);
        if (shift == 0 && events == 0)
            old_state++;
        else if (shift == 1 && events == 1)
            new_state++;
        else
            fail_msg("run %d (killed after %u us): mixed state: shift %d, %d apply events", run, delay, shift, events);
    }
    printf("[ kill -9 during apply: %d runs (apply alone %.0f ms): %d killed (%d of them left a write-ahead log "
           "behind), %d old state, %d new state, 0 mixed ]\n",
           RUNS, full * 1e3, killed, wal_left, old_state, new_state);
    assert_true(killed > 0);
    free(log);
    free(wal);
    free(shm);
    free(db);
    free(plan);
    free(base);
    free(inst);
    remove_tree(dir);
    free(dir);
}

/* Two applies at once: one wins, the other waits and then finds its plan stale (or is refused as busy);
 * the state is one plan's, never a mix. */
static void test_two_applies(void **state)
{
    (void)state;
    enum { RUNS = 6 };
    char *dir = temp_dir(), *inst = path_in(dir, "big.json");
    write_big_instance(inst, 50, 1500);
    char *base = new_store(dir, "base.db", inst), *pa = path_in(dir, "a.json"), *pb = path_in(dir, "b.json");
    write_shift_plan(base, pa, 1);
    write_shift_plan(base, pb, 2);
    char *db = path_in(dir, "s.db"), *wal = path_in(dir, "s.db-wal"), *shm = path_in(dir, "s.db-shm");
    char *la = path_in(dir, "a"), *lb = path_in(dir, "b"), *ea = path_in(dir, "a.err"), *eb = path_in(dir, "b.err");
    const char *args_a[] = {"db", "apply", db, pa, "--by", "a", NULL};
    const char *args_b[] = {"db", "apply", db, pb, "--by", "b", NULL};
    int stale = 0, busy = 0;
    for (int run = 0; run < RUNS; run++) {
        unlink(wal);
        unlink(shm);
        copy_file(base, db);
        pid_t p1 = spawn_cli(la, args_a), p2 = spawn_cli(lb, args_b);
        int s1 = 0, s2 = 0;
        waitpid(p1, &s1, 0);
        waitpid(p2, &s2, 0);
        assert_true(WIFEXITED(s1) && WIFEXITED(s2));
        int x1 = WEXITSTATUS(s1), x2 = WEXITSTATUS(s2);
        char *e1 = read_text(ea), *e2 = read_text(eb);
        if (!((x1 == 0) ^ (x2 == 0)))
            fail_msg("run %d: exits %d and %d (expected one success): %s / %s", run, x1, x2, e1, e2);
        const char *loser = x1 == 0 ? e2 : e1;
        int lx = x1 == 0 ? x2 : x1;
        if (lx == 3 && strstr(loser, "made from another state"))
            stale++;
        else if (lx == 1 && strstr(loser, "busy"))
            busy++;
        else
            fail_msg("run %d: the other apply exited %d: %s", run, lx, loser);
        assert_int_equal(state_shift(db), x1 == 0 ? 1 : 2);
        assert_int_equal(apply_events(db), 1);
        assert_store_ok(db);
        free(e1);
        free(e2);
    }
    /* A writer that holds the store: with a short timeout apply is refused, with a long one it waits. */
    unlink(wal);
    unlink(shm);
    copy_file(base, db);
    sqlite3 *h = raw_open(db);
    assert_int_equal(sqlite3_exec(h, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    run_result r = run_cli("db apply %s %s --busy-timeout 200", db, pa);
    expect(&r, 1, "busy");
    const char *args_wait[] = {"db", "apply", db, pa, "--busy-timeout", "20000", "--quiet", NULL};
    double t0 = now_s();
    pid_t p = spawn_cli(la, args_wait);
    usleep(400000);
    assert_int_equal(sqlite3_exec(h, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
    int s = 0;
    waitpid(p, &s, 0);
    assert_true(WIFEXITED(s) && WEXITSTATUS(s) == 0);
    assert_true(now_s() - t0 >= 0.4);
    assert_int_equal(state_shift(db), 1);
    printf("[ two applies at once: %d runs, the other refused as stale %d times, as busy %d times, 0 mixed ]\n", RUNS,
           stale, busy);
    free(la);
    free(lb);
    free(ea);
    free(eb);
    free(wal);
    free(shm);
    free(db);
    free(pa);
    free(pb);
    free(base);
    free(inst);
    remove_tree(dir);
    free(dir);
}

/* A client that leaves keeps its history; the library refuses bad options. */
static void test_history_outlives_client(void **state)
{
    (void)state;
    char *dir = temp_dir(), *db = new_store(dir, "s.db", CL_TEST_DATA "/store/round-trip/plain.json");
    char *gone = path_in(dir, "gone.json");
    write_text(gone, "{\"format\": \"caseload/1\", \"staff\": [{\"id\": \"s1\", \"program\": \"SCM\"}], "
                     "\"clients\": [{\"id\": \"c1\", \"program\": \"SCM\"}]}");
    run_result r = run_cli("db import %s %s --by carol", db, gone);
    expect(&r, 0, NULL);
    r = run_cli("db history %s --client c2", db);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "\"manager\": \"s1\""));
    assert_non_null(strstr(r.out, "\"new_manager\": null"));
    assert_non_null(strstr(r.out, "\"by\": \"carol\""));
    run_result_dispose(&r);
    cl_store *st = NULL;
    cl_store_opts o;
    cl_store_opts_init(&o);
    o.busy_timeout_ms = -1;
    cl_error err = {0};
    assert_int_equal(cl_store_open(&st, db, &o, &err), CL_EUSAGE);
    assert_string_equal(err.where, "opts.busy_timeout_ms");
    assert_null(st);
    cl_store_close(NULL);
    free(gone);
    free(db);
    remove_tree(dir);
    free(dir);
}

/* Usage errors exit 2 and say what is wanted. */
static void test_usage(void **state)
{
    (void)state;
    run_result r = run_cli("db");
    expect(&r, 2, "needs a subcommand");
    r = run_cli("db frobnicate x.db");
    expect(&r, 2, "unknown subcommand");
    r = run_cli("db apply x.db");
    expect(&r, 2, "apply needs FILE and PLAN");
    r = run_cli("db contacts x.db add c1 s1");
    expect(&r, 2, "contacts needs");
    r = run_cli("db import x.db");
    expect(&r, 2, "import needs");
    r = run_cli("db export x.db --busy-timeout soon");
    expect(&r, 2, "--busy-timeout");
    r = run_cli("db --help");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "caseload db apply FILE PLAN"));
    run_result_dispose(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_usage),
        cmocka_unit_test(test_init),
        cmocka_unit_test(test_schema_versions),
        cmocka_unit_test(test_import_export),
        cmocka_unit_test(test_sql_is_parameterised),
        cmocka_unit_test(test_csv_import),
        cmocka_unit_test(test_csv_errors),
        cmocka_unit_test(test_apply),
        cmocka_unit_test(test_apply_stale),
        cmocka_unit_test(test_contacts),
        cmocka_unit_test(test_history_outlives_client),
        cmocka_unit_test(test_kill_during_apply),
        cmocka_unit_test(test_two_applies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
