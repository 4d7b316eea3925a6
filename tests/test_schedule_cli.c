/* test_schedule_cli.c: caseload schedule as a command (SPEC §2, §6): an --assignment is checked against the
 * instance as it is now (a missing one is an I/O failure), a calendar folder that cannot be used fails before
 * anything is written, calendars are written as a whole set and pass libical's RFC 5545 restrictions, and a
 * staff-day cannot run past midnight (a visit may end at it). */
#include <dirent.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "solver/schedule.h"
#include "support.h"

#define RIVERSIDE CL_SOURCE_DIR "/examples/riverside.json"

static void rm_tree(const char *dir)
{
    char cmd[4300];
    assert_true(strncmp(dir, "/tmp/caseload-test-", 19) == 0 && strchr(dir, '\'') == NULL);
    snprintf(cmd, sizeof cmd, "rm -rf -- '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* Writes dir/name: the example agency with one edit (from -> to). */
static void edited_riverside(const char *dir, const char *name, const char *from, const char *to)
{
    char *text = read_text(RIVERSIDE), path[4200];
    assert_non_null(text);
    replace_text(&text, from, to);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    write_text(path, text);
    free(text);
}

/* dir/a.json: an assignment of the example agency as it is now. */
static void assign_riverside(const char *dir)
{
    run_result r = run_cli("assign %s -o %s/a.json --quiet", RIVERSIDE, dir);
    if (r.status != 0)
        fail_msg("assign exited %d: %s", r.status, r.err);
    run_result_dispose(&r);
}

static int count(const char *text, const char *what)
{
    int n = 0;
    for (const char *p = text; (p = strstr(p, what)) != NULL; p++)
        n++;
    return n;
}

/* An assignment made before s04 left: s04's clients would be visited by someone inactive. The schedule
 * refuses it with exit 3, names the file and lists every client concerned, and writes nothing. */
static void test_assignment_breaking_rules(void **state)
{
    (void)state;
    char *dir = temp_dir(), path[4200];
    assign_riverside(dir);
    edited_riverside(dir, "gone.json", "{\"id\": \"s04\", \"program\": \"SCM\",",
                     "{\"id\": \"s04\", \"active\": false, \"program\": \"SCM\",");
    snprintf(path, sizeof path, "%s/a.json", dir);
    char *plan = read_text(path);
    int held = count(plan, "\"manager\": \"s04\"");
    free(plan);
    assert_true(held > 0);
    run_result r =
        run_cli("schedule %s/gone.json --assignment %s/a.json -o %s/s.json --ics %s/ics --quiet", dir, dir, dir, dir);
    if (r.status != 3)
        fail_msg("schedule exited %d (expected 3): %s", r.status, r.err);
    snprintf(path, sizeof path, "%s/a.json: client c006: is assigned to s04, who is not active", dir);
    if (strstr(r.err, path) == NULL)
        fail_msg("the message does not name the file and the breach: %s", r.err);
    if (count(r.err, "who is not active") != held)
        fail_msg("expected %d breaches, one per client of s04: %s", held, r.err);
    if (strstr(r.err, "objective") != NULL)
        fail_msg("an objective value is not a hard rule: %s", r.err);
    snprintf(path, sizeof path, "%s/s.json", dir);
    assert_false(exists(path));
    snprintf(path, sizeof path, "%s/ics", dir);
    assert_false(exists(path));
    run_result_dispose(&r);
    rm_tree(dir);
    free(dir);
}

/* Contacts made since the assignment change the quotas, not who holds whom: the assignment is used as it
 * is, without a word. Another state of the instance that keeps every hard rule (a client's acuity changed)
 * is used too, with a warning naming instance_fingerprint. */
static void test_assignment_other_state(void **state)
{
    (void)state;
    char *dir = temp_dir();
    assign_riverside(dir);
    edited_riverside(dir, "contacts.json", "\"manager\": \"s04\", \"contacts_this_month\": 2",
                     "\"manager\": \"s04\", \"contacts_this_month\": 3");
    run_result r = run_cli("schedule %s/contacts.json --assignment %s/a.json -o %s/s.json", dir, dir, dir);
    if (r.status != 0 || strstr(r.err, "instance_fingerprint") != NULL)
        fail_msg("contacts only: schedule exited %d: %s", r.status, r.err);
    run_result_dispose(&r);
    edited_riverside(dir, "acuity.json", "\"id\": \"c006\", \"program\": \"SCM\", \"acuity\": 1.25",
                     "\"id\": \"c006\", \"program\": \"SCM\", \"acuity\": 1.5");
    r = run_cli("schedule %s/acuity.json --assignment %s/a.json -o %s/s2.json", dir, dir, dir);
    if (r.status != 0 || strstr(r.err, "a.json: instance_fingerprint: warning: ") == NULL)
        fail_msg("another state: schedule exited %d: %s", r.status, r.err);
    run_result_dispose(&r);
    rm_tree(dir);
    free(dir);
}

/* A missing assignment file is an I/O failure (exit 1) like a missing instance; one that is not JSON is
 * invalid input (exit 3). Nothing is written either way. */
static void test_assignment_unreadable(void **state)
{
    (void)state;
    char *dir = temp_dir(), path[4200];
    run_result r = run_cli("schedule %s --assignment %s/none.json -o %s/s.json", RIVERSIDE, dir, dir);
    if (r.status != 1 || strstr(r.err, "none.json") == NULL)
        fail_msg("missing assignment: schedule exited %d (expected 1): %s", r.status, r.err);
    run_result_dispose(&r);
    snprintf(path, sizeof path, "%s/bad.json", dir);
    write_text(path, "{\"format\": \"caseload-assignment/1\",");
    r = run_cli("schedule %s --assignment %s -o %s/s.json", RIVERSIDE, path, dir);
    if (r.status != 3 || strstr(r.err, "bad.json") == NULL)
        fail_msg("assignment not JSON: schedule exited %d (expected 3): %s", r.status, r.err);
    run_result_dispose(&r);
    snprintf(path, sizeof path, "%s/s.json", dir);
    assert_false(exists(path));
    rm_tree(dir);
    free(dir);
}

/* A calendar folder that cannot be used (a file is in its place; its parent does not exist) is an I/O
 * failure found before solving: exit 1 and the plan is not written. */
static void test_ics_folder_unusable(void **state)
{
    (void)state;
    char *dir = temp_dir(), path[4200];
    snprintf(path, sizeof path, "%s/notadir", dir);
    write_text(path, "");
    static const char *const folders[] = {"%s/notadir", "%s/none/deep/cal", "%s/notadir/cal"};
    for (size_t k = 0; k < sizeof folders / sizeof folders[0]; k++) {
        char ics[4200];
        snprintf(ics, sizeof ics, folders[k], dir);
        run_result r = run_cli("schedule %s -o %s/o1.json --ics %s --quiet", RIVERSIDE, dir, ics);
        if (r.status != 1 || strstr(r.err, ics) == NULL)
            fail_msg("--ics %s: schedule exited %d (expected 1): %s", ics, r.status, r.err);
        run_result_dispose(&r);
        snprintf(path, sizeof path, "%s/o1.json", dir);
        if (exists(path))
            fail_msg("--ics %s: the plan was written", ics);
    }
    rm_tree(dir);
    free(dir);
}

/* The names in dir, hidden ones included, but not . and ..; returns how many, first in *first. */
static int entries(const char *dir, char *first, size_t n)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    int k = 0;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 && k++ == 0)
            snprintf(first, n, "%s", e->d_name);
    closedir(d);
    return k;
}

/* Calendars are a set: when one cannot be written (the last staff member's name is taken by a folder), none
 * is, and no staging file is left behind. */
static void test_ics_whole_set(void **state)
{
    (void)state;
    char *dir = temp_dir(), ics[4200], path[4400], first[256];
    snprintf(ics, sizeof ics, "%s/ics", dir);
    assert_int_equal(mkdir(ics, 0700), 0);
    snprintf(path, sizeof path, "%s/s18.ics", ics);
    assert_int_equal(mkdir(path, 0700), 0);
    run_result r = run_cli("schedule %s --ics %s --quiet", RIVERSIDE, ics);
    if (r.status != 1 || strstr(r.err, "s18.ics") == NULL)
        fail_msg("schedule exited %d (expected 1): %s", r.status, r.err);
    run_result_dispose(&r);
    if (entries(ics, first, sizeof first) != 1)
        fail_msg("calendars were written although one could not be (%s ...)", first);
    rmdir(path);
    rm_tree(dir);
    free(dir);
}

/* libical, loaded at run time (the build needs nothing new). */
typedef void *(*parse_fn)(const char *);
typedef int (*check_fn)(void *);
typedef int (*count_fn)(void *);
typedef char *(*text_fn)(void *);
typedef void (*free_fn)(void *);

/* Every calendar of the example agency parses and passes icalrestriction_check with no error: RFC 5545's
 * rules for each property of each component (a METHOD would bring iTIP's, e.g. an ORGANIZER per event). */
static void test_ics_restrictions(void **state)
{
    (void)state;
    void *lib = dlopen("libical.so.3", RTLD_NOW);
    if (lib == NULL)
        skip();
    parse_fn parse = (parse_fn)dlsym(lib, "icalparser_parse_string");
    check_fn check = (check_fn)dlsym(lib, "icalrestriction_check");
    count_fn errors = (count_fn)dlsym(lib, "icalcomponent_count_errors");
    text_fn as_text = (text_fn)dlsym(lib, "icalcomponent_as_ical_string");
    free_fn cfree = (free_fn)dlsym(lib, "icalcomponent_free");
    assert_true(parse && check && errors && as_text && cfree);
    char *dir = temp_dir(), ics[4200], first[256];
    snprintf(ics, sizeof ics, "%s/ics", dir);
    run_result r = run_cli("schedule %s -o %s/s.json --ics %s --quiet", RIVERSIDE, dir, ics);
    if (r.status != 0)
        fail_msg("schedule exited %d: %s", r.status, r.err);
    run_result_dispose(&r);
    cl_instance *inst = load_instance(RIVERSIDE);
    if (entries(ics, first, sizeof first) != inst->n_staff)
        fail_msg("expected one calendar per staff member and nothing else (%s ...)", first);
    for (int s = 0; s < inst->n_staff; s++) {
        char path[4400];
        snprintf(path, sizeof path, "%s/%s.ics", ics, inst->staff[s].id);
        char *text = read_text(path);
        assert_non_null(text);
        void *cal = parse(text);
        assert_non_null(cal);
        int ok = check(cal);
        if (!ok || errors(cal) != 0)
            fail_msg("%s breaks RFC 5545 restrictions:\n%.1500s", path, as_text(cal));
        cfree(cal);
        free(text);
    }
    /* libical stays loaded: its buffers stay reachable (no dlclose), so leak checks see no loss. */
    cl_instance_free(inst);
    rm_tree(dir);
    free(dir);
}

/* A staff-day that would run past midnight is invalid input for every command, schedule included: exit 3,
 * the JSON path and the rule, nothing written. (check and assign: tests/data/invalid/day-past-midnight.) */
static void test_day_past_midnight(void **state)
{
    (void)state;
    char *dir = temp_dir(), path[4200];
    edited_riverside(dir, "late.json", "\"day_start\": \"09:00\"", "\"day_start\": \"20:00\"");
    run_result r = run_cli("schedule %s/late.json -o %s/s.json --ics %s/ics", dir, dir, dir);
    if (r.status != 3 ||
        strstr(r.err, "late.json: staff[2].minutes.mon: day_start 20:00 plus 480 minutes runs past midnight") == NULL)
        fail_msg("schedule exited %d (expected 3): %s", r.status, r.err);
    run_result_dispose(&r);
    snprintf(path, sizeof path, "%s/s.json", dir);
    assert_false(exists(path));
    snprintf(path, sizeof path, "%s/ics", dir);
    assert_false(exists(path));
    /* A day of 480 minutes from 16:00 ends at midnight: valid. */
    edited_riverside(dir, "midnight.json", "\"day_start\": \"09:00\"", "\"day_start\": \"16:00\"");
    r = run_cli("check %s/midnight.json", dir);
    if (r.status != 0)
        fail_msg("a day that ends at midnight: check exited %d: %s", r.status, r.err);
    run_result_dispose(&r);
    rm_tree(dir);
    free(dir);
}

/* A visit that ends at midnight ends at 00:00 of the next date in its calendar, never before it starts. */
static void test_ics_ends_at_midnight(void **state)
{
    (void)state;
    char *dir = temp_dir(), path[4200];
    cl_instance *inst = load_instance(CL_TEST_DATA "/valid/minimal/input.json");
    inst->day_start_min = 23 * 60;
    int *mgr = calloc((size_t)inst->n_clients, sizeof *mgr), *peer = calloc((size_t)inst->n_clients, sizeof *peer);
    assert_true(mgr && peer);
    for (int c = 0; c < inst->n_clients; c++) {
        mgr[c] = inst->clients[c].manager;
        peer[c] = CL_NONE;
    }
    cl_schedule *s = cl_schedule_new(inst, mgr, peer);
    assert_non_null(s);
    cl_visit v = {.client = 0,
                  .staff = mgr[0],
                  .day = 0,
                  .start_min = 23 * 60,
                  .end_min = 24 * 60,
                  .zone = CL_NONE,
                  .joint_with = CL_NONE,
                  .covering_for = CL_NONE};
    assert_int_equal(cl_schedule_add_visit(s, &v), CL_OK);
    assert_int_equal(cl_schedule_finish(s, inst), CL_OK);
    cl_error err = {0};
    assert_int_equal(cl_schedule_write_ics(inst, s, dir, &err), CL_OK);
    snprintf(path, sizeof path, "%s/%s.ics", dir, inst->staff[mgr[0]].id);
    char *text = read_text(path);
    assert_non_null(text);
    if (strstr(text, "DTSTART:20261123T230000\r\nDTEND:20261124T000000\r\n") == NULL)
        fail_msg("the visit does not end at the next midnight:\n%s", text);
    free(text);
    cl_schedule_free(s);
    cl_instance_free(inst);
    free(mgr);
    free(peer);
    rm_tree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_assignment_breaking_rules),
        cmocka_unit_test(test_assignment_other_state),
        cmocka_unit_test(test_assignment_unreadable),
        cmocka_unit_test(test_ics_folder_unusable),
        cmocka_unit_test(test_ics_whole_set),
        cmocka_unit_test(test_ics_restrictions),
        cmocka_unit_test(test_day_past_midnight),
        cmocka_unit_test(test_ics_ends_at_midnight),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
