/* test_privacy.c: health-data privacy as tests: ids, never names, in plans, calendars, logs and error
 * messages; no id can make a file outside its folder; every file written is its owner's only (0600).
 *
 * What may show a name: the agency's `name` is the agency's, not a person's: `check` prints it in its
 * summary, and the report and scenario results carry it as their title. It never appears in an error
 * message, a plan, a schedule or a calendar. A client's `residence` (an adult-home facility) appears only in
 * what holds the instance itself (`db export`); nothing else prints it. An invalid id is echoed in its error
 * message (the user must see which one), cut at 80 characters. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support.h"

#define AGENCY_NAME "Agency of Jane Q. Doe"
#define RESIDENCE   "Home of John X. Roe"

static char *slurp_minimal(void)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/valid/minimal/input.json", CL_TEST_DATA);
    char *t = read_text(path);
    assert_non_null(t);
    return t;
}

/* The minimal agency with a person's name as the agency name and as a client's residence. */
static char *named_instance(void)
{
    char *t = slurp_minimal();
    replace_text(&t, "\"Minimal agency, week of 2026-11-23\"", "\"" AGENCY_NAME "\"");
    replace_text(&t, "\"ah-1\"", "\"" RESIDENCE "\"");
    return t;
}

/* Fails when text holds the residence, or the agency name unless name_ok. */
static void no_names(const char *what, const char *text, bool name_ok)
{
    if (strstr(text, RESIDENCE) != NULL)
        fail_msg("%s shows the client's residence: %.600s", what, text);
    if (!name_ok && strstr(text, AGENCY_NAME) != NULL)
        fail_msg("%s shows the agency name: %.600s", what, text);
}

/* Every regular file under dir (one level) must hold no name. */
static void no_names_in_dir(const char *what, const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    int files = 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[8400], label[8600];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        char *t = read_text(path);
        assert_non_null(t);
        snprintf(label, sizeof label, "%s %s", what, e->d_name);
        no_names(label, t, false);
        free(t);
        files++;
    }
    closedir(d);
    assert_true(files > 0);
}

/* Removes a folder made by temp_dir() and what it holds. */
static void rm_tree(const char *dir)
{
    char cmd[4300];
    assert_true(strncmp(dir, "/tmp/caseload-test-", 19) == 0 && strchr(dir, '\'') == NULL);
    snprintf(cmd, sizeof cmd, "rm -rf -- '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static void expect_mode_0600(const char *what, const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        fail_msg("%s: %s was not written", what, path);
    if ((st.st_mode & 0777) != 0600)
        fail_msg("%s: %s has mode %03o (expected 0600: it holds health data)", what, path, st.st_mode & 0777);
}

/* The success paths: check, assign, rebalance, recommend, schedule (+ calendars), verify. */
static void test_no_names_in_results(void **state)
{
    (void)state;
    char *dir = temp_dir(), *inst = named_instance();
    char in[4200], out[4200], ics[4200];
    snprintf(in, sizeof in, "%s/agency.json", dir);
    write_text(in, inst);
    run_result r = run_cli("check %s", in);
    assert_int_equal(r.status, 0);
    no_names("check's summary", r.out, true);
    no_names("check's messages", r.err, false);
    run_result_dispose(&r);

    snprintf(out, sizeof out, "%s/plan.json", dir);
    r = run_cli("assign %s -o %s --time-limit 10", in, out);
    assert_int_equal(r.status, 0);
    no_names("assign's messages", r.err, false);
    char *plan = read_text(out);
    assert_non_null(plan);
    no_names("the plan", plan, false);
    free(plan);
    run_result_dispose(&r);

    r = run_cli("rebalance %s --time-limit 10", in);
    assert_int_equal(r.status, 0);
    no_names("rebalance's output", r.out, false);
    no_names("rebalance's messages", r.err, false);
    run_result_dispose(&r);

    r = run_cli("recommend %s --client c3 --time-limit 10", in);
    assert_int_equal(r.status, 0);
    no_names("recommend's output", r.out, false);
    no_names("recommend's messages", r.err, false);
    run_result_dispose(&r);

    r = run_cli("verify %s %s", in, out);
    assert_int_equal(r.status, 0);
    no_names("verify's output", r.out, false);
    no_names("verify's messages", r.err, false);
    run_result_dispose(&r);

    snprintf(ics, sizeof ics, "%s/ics", dir);
    r = run_cli("schedule %s --assignment %s --ics %s --time-limit 10", in, out, ics);
    assert_int_equal(r.status, 0);
    no_names("the schedule", r.out, false);
    no_names("schedule's messages", r.err, false);
    run_result_dispose(&r);
    no_names_in_dir("the calendar", ics);

    free(inst);
    rm_tree(dir);
    free(dir);
}

/* The error paths: an invalid instance (check, assign), a plan with unknown ids and a breach (verify). */
static void test_no_names_in_errors(void **state)
{
    (void)state;
    char *dir = temp_dir(), *inst = named_instance();
    replace_text(&inst, "\"acuity\": 1.5", "\"acuity\": 9");
    replace_text(&inst, "\"manager\": \"s3\"", "\"manager\": \"nobody\"");
    replace_text(&inst, "\"" RESIDENCE "\"", "[\"" RESIDENCE "\"]"); /* the wrong type: reported, not echoed */
    char in[4200], plan[4200];
    snprintf(in, sizeof in, "%s/agency.json", dir);
    write_text(in, inst);
    run_result r = run_cli("check %s", in);
    assert_int_equal(r.status, 3);
    no_names("check's error messages", r.err, false);
    no_names("check's output on invalid input", r.out, false);
    run_result_dispose(&r);
    r = run_cli("assign %s", in);
    assert_int_equal(r.status, 3);
    no_names("assign's error messages", r.err, false);
    assert_string_equal(r.out, "");
    run_result_dispose(&r);
    free(inst);

    /* A valid agency, a plan that breaks rules and names unknown clients. */
    inst = named_instance();
    write_text(in, inst);
    snprintf(plan, sizeof plan, "%s/plan.json", dir);
    write_text(plan, "{\"format\": \"caseload-assignment/1\", \"assignments\": ["
                     "{\"client\": \"c1\", \"manager\": \"s4\"}, {\"client\": \"c2\", \"manager\": \"s1\"},"
                     "{\"client\": \"ghost\", \"manager\": \"s1\"}], \"waitlist\": []}\n");
    r = run_cli("verify %s %s", in, plan);
    assert_int_equal(r.status, 4);
    no_names("verify's breaches", r.out, false);
    no_names("verify's messages", r.err, false);
    run_result_dispose(&r);
    write_text(plan, "{\"format\": \"caseload-assignment/1\", \"assignments\": [}\n");
    r = run_cli("verify %s %s", in, plan);
    assert_int_equal(r.status, 3);
    no_names("verify's syntax error", r.err, false);
    run_result_dispose(&r);
    free(inst);
    rm_tree(dir);
    free(dir);
}

/* Ids name files (DIR/<staff id>.ics): an id that could leave the folder is refused on input (exit 3, by
 * path), for staff, clients, teams and zones alike, and schedule --ics writes nothing anywhere. */
static void test_ids_cannot_escape(void **state)
{
    (void)state;
    static const char *const bad[] = {"../evil", "/tmp/evil", "a/b", "..", ".", "", "evil\\\\x", "~root", NULL};
    char *dir = temp_dir();
    char in[4200], ics[4200], escaped[4200];
    snprintf(in, sizeof in, "%s/agency.json", dir);
    snprintf(ics, sizeof ics, "%s/sub/ics", dir);
    snprintf(escaped, sizeof escaped, "%s/sub/evil.ics", dir);
    for (int i = 0; bad[i]; i++) {
        char quoted[64];
        snprintf(quoted, sizeof quoted, "\"id\": \"%s\"", bad[i]);
        /* the id of peer specialist p1, and the reference to it */
        char *inst = slurp_minimal(), ref[64];
        replace_text(&inst, "\"id\": \"p1\"", quoted);
        snprintf(ref, sizeof ref, "\"peer\": \"%s\"", bad[i]);
        replace_text(&inst, "\"peer\": \"p1\"", ref);
        write_text(in, inst);
        free(inst);
        run_result r = run_cli("schedule %s --ics %s --time-limit 5", in, ics);
        if (r.status != 3)
            fail_msg("staff id \"%s\": schedule exited %d (expected 3): %s", bad[i], r.status, r.err);
        if (strstr(r.err, "staff[2].id") == NULL)
            fail_msg("staff id \"%s\": the message does not name staff[2].id: %s", bad[i], r.err);
        run_result_dispose(&r);
        struct stat st;
        if (stat(ics, &st) == 0 || stat(escaped, &st) == 0 || stat("/tmp/evil.ics", &st) == 0)
            fail_msg("staff id \"%s\": a calendar was written", bad[i]);
    }
    /* The same rule for client, team and zone ids. */
    static const char *const fields[][3] = {
        {"\"id\": \"c1\"", "\"id\": \"../c1\"", "clients[0].id"},
        {"\"id\": \"bt1\"", "\"id\": \"../bt1\"", "teams[0].id"},
        {"\"zones\": [\"north\"", "\"zones\": [\"../north\"", "zones[0]"},
    };
    for (size_t k = 0; k < sizeof fields / sizeof fields[0]; k++) {
        char *inst = slurp_minimal();
        replace_text(&inst, fields[k][0], fields[k][1]);
        write_text(in, inst);
        free(inst);
        run_result r = run_cli("check %s", in);
        if (r.status != 3 || strstr(r.err, fields[k][2]) == NULL)
            fail_msg("%s: check exited %d: %s", fields[k][1], r.status, r.err);
        run_result_dispose(&r);
    }
    rm_tree(dir);
    free(dir);
}

/* Every file a command writes is mode 0600, whatever the umask and whatever mode the file had before; the
 * calendar folder it creates is 0700. */
static void test_outputs_owner_only(void **state)
{
    (void)state;
    mode_t old = umask(0); /* the children inherit it: the most permissive umask there is */
    char *dir = temp_dir();
    char in[4200], p[8600], ics[4200];
    snprintf(in, sizeof in, "%s/valid/minimal/input.json", CL_TEST_DATA);
    static const char *const cmds[][2] = {
        {"assign", "assign %s -o %s --time-limit 10"},
        {"rebalance", "rebalance %s -o %s --time-limit 10"},
        {"recommend", "recommend %s --client c3 -o %s --time-limit 10"},
        {"schedule", "schedule %s -o %s --time-limit 10"},
        {"staffing", "staffing %s -o %s --time-limit 10"},
        {"report", "report %s -o %s"},
    };
    for (size_t k = 0; k < sizeof cmds / sizeof cmds[0]; k++) {
        snprintf(p, sizeof p, "%s/%s.out", dir, cmds[k][0]);
        /* a file already there, readable by everyone: the new one must not inherit that */
        write_text(p, "old\n");
        assert_int_equal(chmod(p, 0644), 0);
        run_result r = run_cli(cmds[k][1], in, p);
        if (r.status != 0)
            fail_msg("%s exited %d: %s", cmds[k][0], r.status, r.err);
        run_result_dispose(&r);
        expect_mode_0600(cmds[k][0], p);
        unlink(p);
    }
    snprintf(ics, sizeof ics, "%s/ics", dir);
    run_result r = run_cli("schedule %s --ics %s --time-limit 10", in, ics);
    assert_int_equal(r.status, 0);
    run_result_dispose(&r);
    struct stat st;
    assert_int_equal(stat(ics, &st), 0);
    if ((st.st_mode & 0777) != 0700)
        fail_msg("the calendar folder has mode %03o (expected 0700)", st.st_mode & 0777);
    DIR *d = opendir(ics);
    assert_non_null(d);
    struct dirent *e;
    int n = 0;
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.') {
            snprintf(p, sizeof p, "%s/%s", ics, e->d_name);
            expect_mode_0600("a calendar", p);
            unlink(p);
            n++;
        }
    closedir(d);
    assert_true(n > 0);
    umask(old);
    rm_tree(dir);
    free(dir);
}

/* The store holds health data: db init makes it 0600 (whatever the umask), SQLite's side files (-wal,
 * -shm) too, and what db export / db history write with -o. */
static void test_store_owner_only(void **state)
{
    (void)state;
    run_result r = run_cli("db --help");
    if (r.status != 0) {
        run_result_dispose(&r);
        skip();
    }
    run_result_dispose(&r);
    mode_t old = umask(0);
    char *dir = temp_dir();
    char db[4200], side[4300], out[4200];
    snprintf(db, sizeof db, "%s/store.db", dir);
    r = run_cli("db init %s", db);
    if (r.status != 0)
        fail_msg("db init exited %d: %s", r.status, r.err);
    run_result_dispose(&r);
    expect_mode_0600("db init", db);
    r = run_cli("db import %s %s/valid/minimal/input.json --by test", db, CL_TEST_DATA);
    if (r.status != 0)
        fail_msg("db import exited %d: %s", r.status, r.err);
    run_result_dispose(&r);
    expect_mode_0600("the store after import", db);
    static const char *const sides[] = {"-wal", "-shm", "-journal"};
    for (int k = 0; k < 3; k++) {
        snprintf(side, sizeof side, "%s%s", db, sides[k]);
        struct stat st;
        if (stat(side, &st) == 0 && (st.st_mode & 0777) != 0600)
            fail_msg("%s has mode %03o (expected 0600)", side, st.st_mode & 0777);
    }
    snprintf(out, sizeof out, "%s/export.json", dir);
    r = run_cli("db export %s -o %s", db, out);
    assert_int_equal(r.status, 0);
    run_result_dispose(&r);
    expect_mode_0600("db export", out);
    unlink(out);
    snprintf(out, sizeof out, "%s/history.json", dir);
    r = run_cli("db history %s -o %s", db, out);
    assert_int_equal(r.status, 0);
    run_result_dispose(&r);
    expect_mode_0600("db history", out);
    /* init refuses a file that exists, so that it never truncates a store */
    r = run_cli("db init %s", db);
    assert_int_not_equal(r.status, 0);
    run_result_dispose(&r);
    umask(old);
    rm_tree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_names_in_results), cmocka_unit_test(test_no_names_in_errors),
        cmocka_unit_test(test_ids_cannot_escape),   cmocka_unit_test(test_outputs_owner_only),
        cmocka_unit_test(test_store_owner_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
