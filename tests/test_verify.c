/* test_verify.c: `caseload verify` on assignments (SPEC §4, §5) and schedules (§6), data-driven:
 * tests/data/verify/<case>/{input.json, plan.json, expect}. The first line of expect is the exit status
 * (0 the plan keeps every rule, 4 it breaks one); every further line must occur in the output. Each
 * breaking plan breaks exactly one rule of §4.1-4.2 (no objective given, so nothing else is compared) or
 * misstates one objective value. All cases share one instance:
 *   i1 ICM en, i2 ICM es, i3 ICM inactive, i4 ICM en, s1 SCM, a1 ADULT_HOME, peers p1, p2, p3 (inactive);
 *   c1 ICM on i1; c2 ICM es intake; c3 ICM on i1 with keep; c4 ICM en/es on i1, avoids i2; c5 ICM on i3;
 *   h1 ADULT_HOME on a1 with p1; h2 ADULT_HOME intake, avoids p1; s9 SCM on s1.
 * The correct plan (ok): c1, c3, c4 i1; c2 i2; c5 i4; h1 a1 + p1; h2 a1 + p2; s9 s1; objective moves 1,
 * imbalance i1 3/12 -> 0.0625, i2 and i4 1/12 -> 0.0075 each, s1 1/20 -> 0.0025, a1 2/20 -> 0.01, p1 and
 * p2 1/20 -> 0.0025 each: 0.095.
 * The schedule cases: ok-schedule is what `caseload schedule` writes for that plan (no zones, so no travel;
 * on call i1, i2, i4 two days each and s1 one). Each schedule-* case edits it, keeping every other figure
 * consistent, to break one rule: the assignment it embeds (s9 on peer p1, c5 on inactive i3, c1 left out of
 * clients[]), or one figure it states (a client's required, a shortfall's required, a staff-day's travel, the
 * coverage bound, an on-call rota of 7 days on i1 where 5 managers of FTE 1 can share them, 2 days each). */
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"

/* Runs one case; prints what is wrong and returns false when it fails. */
static bool verify_case(const char *dir, const char *name)
{
    char path[8400];
    snprintf(path, sizeof path, "%s/expect", dir);
    char *expect = read_text(path);
    if (expect == NULL) {
        printf("%s: no expect file\n", name);
        return false;
    }
    bool ok = true;
    int status = atoi(expect);
    run_result r = run_cli("verify %s/input.json %s/plan.json", dir, dir);
    size_t n = strlen(r.out) + strlen(r.err) + 2;
    char *all = malloc(n);
    assert_non_null(all);
    snprintf(all, n, "%s\n%s", r.out, r.err);
    if (r.status != status) {
        printf("%s: verify exited %d, expected %d:\n%s", name, r.status, status, all);
        ok = false;
    }
    char *save = NULL;
    char *line = strtok_r(expect, "\n", &save); /* the status */
    while (ok && (line = strtok_r(NULL, "\n", &save)) != NULL)
        if (line[0] && strstr(all, line) == NULL) {
            printf("%s: output lacks \"%s\":\n%s", name, line, all);
            ok = false;
        }
    free(all);
    free(expect);
    run_result_dispose(&r);
    return ok;
}

/* Every case is run, then the test fails once, so that one report lists all that failed. */
static void test_cases(void **state)
{
    (void)state;
    char root[4096];
    snprintf(root, sizeof root, "%s/verify", CL_TEST_DATA);
    struct dirent **names = NULL;
    int n = scandir(root, &names, NULL, alphasort);
    assert_true(n > 2);
    int cases = 0, failed = 0, breaking = 0;
    for (int i = 0; i < n; i++) {
        if (names[i]->d_name[0] != '.') {
            char dir[8192];
            snprintf(dir, sizeof dir, "%s/%s", root, names[i]->d_name);
            if (!verify_case(dir, names[i]->d_name))
                failed++;
            breaking += strncmp(names[i]->d_name, "ok", 2) != 0;
            cases++;
        }
        free(names[i]);
    }
    free(names);
    printf("[ verify: %d cases (%d breaking a rule), %d failed ]\n", cases, breaking, failed);
    assert_true(breaking >= 27);
    assert_int_equal(failed, 0);
}

/* A plan the solver wrote verifies; the same plan against another instance (a manager made inactive) does
 * not, and the breach names the client. */
static void test_solver_plan_and_changed_instance(void **state)
{
    (void)state;
    char *dir = temp_dir();
    char plan[600], other[600];
    snprintf(plan, sizeof plan, "%s/plan.json", dir);
    snprintf(other, sizeof other, "%s/other.json", dir);
    run_result r = run_cli("assign %s/verify/ok/input.json --quiet -o %s", CL_TEST_DATA, plan);
    assert_int_equal(r.status, 0);
    run_result_dispose(&r);
    r = run_cli("verify %s/verify/ok/input.json %s", CL_TEST_DATA, plan);
    assert_int_equal(r.status, 0);
    run_result_dispose(&r);
    char *text = read_text(CL_TEST_DATA "/verify/ok/input.json");
    assert_non_null(text);
    char *at = strstr(text, "{\"id\": \"s1\", \"program\": \"SCM\"}");
    assert_non_null(at);
    char *changed = malloc(strlen(text) + 64);
    assert_non_null(changed);
    memcpy(changed, text, (size_t)(at - text));
    sprintf(changed + (at - text), "{\"id\": \"s1\", \"program\": \"SCM\", \"active\": false}%s",
            at + strlen("{\"id\": \"s1\", \"program\": \"SCM\"}"));
    write_text(other, changed);
    r = run_cli("verify %s %s", other, plan);
    assert_int_equal(r.status, 4);
    assert_non_null(strstr(r.out, "s9"));
    run_result_dispose(&r);
    /* Not a plan at all: invalid input, exit 3. */
    r = run_cli("verify %s %s", other, other);
    assert_int_equal(r.status, 3);
    run_result_dispose(&r);
    unlink(plan);
    unlink(other);
    rmdir(dir);
    free(dir);
    free(text);
    free(changed);
}

/* Writes sched to path, verifies it against the instance at inst_path and fails unless verify exits 4 and says
 * expect. */
static void expect_breach(const char *inst_path, json_t *sched, const char *path, const char *expect)
{
    assert_int_equal(json_dump_file(sched, path, JSON_INDENT(1)), 0);
    run_result r = run_cli("verify %s %s", inst_path, path);
    if (r.status != 4 || strstr(r.out, expect) == NULL)
        fail_msg("verify exited %d without \"%s\":\n%s%s", r.status, expect, r.out, r.err);
    run_result_dispose(&r);
}

/* Hands client `client` to staff member `to` in a schedule: its entry in clients[] and its visits. */
static void move_client(json_t *sched, const char *client, const char *to)
{
    size_t i;
    json_t *e;
    json_array_foreach (json_object_get(sched, "clients"), i, e)
        if (strcmp(json_string_value(json_object_get(e, "client")), client) == 0)
            json_object_set_new(e, "manager", json_string(to));
    json_array_foreach (json_object_get(sched, "visits"), i, e)
        if (strcmp(json_string_value(json_object_get(e, "client")), client) == 0)
            json_object_set_new(e, "staff", json_string(to));
}

/* The schedule the solver writes for the example agency verifies; the audit's edits, each accepted before, do
 * not: c019 (ICM) handed with its visits to s07 (an inactive SCM manager), an SCM client handed to the peer
 * specialist s17, a staff-day's travel stated as 999, and every agency on-call day given to one manager of FTE
 * 1 while others may share them. */
static void test_example_schedule_edits(void **state)
{
    (void)state;
    char *dir = temp_dir();
    char inst_path[4200], good[600], bad[600], expect[256];
    snprintf(inst_path, sizeof inst_path, "%s/examples/riverside.json", CL_SOURCE_DIR);
    snprintf(good, sizeof good, "%s/s.json", dir);
    snprintf(bad, sizeof bad, "%s/bad.json", dir);
    run_result r = run_cli("schedule %s -o %s --quiet", inst_path, good);
    assert_int_equal(r.status, 0);
    run_result_dispose(&r);
    r = run_cli("verify %s %s", inst_path, good);
    if (r.status != 0)
        fail_msg("verify exited %d: %s", r.status, r.out);
    run_result_dispose(&r);
    cl_instance *inst = load_instance(inst_path);
    json_error_t je;
    json_t *sched = json_load_file(good, 0, &je);
    assert_non_null(sched);

    json_t *edit = json_deep_copy(sched);
    move_client(edit, "c019", "s07");
    expect_breach(inst_path, edit, bad, "client c019: is assigned to s07, who is not active");
    json_decref(edit);

    const char *scm = NULL;
    size_t i;
    json_t *e;
    json_array_foreach (json_object_get(sched, "visits"), i, e) {
        const char *id = json_string_value(json_object_get(e, "client"));
        if (scm == NULL && inst->clients[cl_instance_find_client(inst, id)].program == CL_SCM)
            scm = id;
    }
    assert_non_null(scm);
    edit = json_deep_copy(sched);
    move_client(edit, scm, "s17");
    snprintf(expect, sizeof expect, "client %s: is assigned to s17, who is not a case manager", scm);
    expect_breach(inst_path, edit, bad, expect);
    json_decref(edit);

    edit = json_deep_copy(sched);
    json_t *day = json_array_get(json_object_get(edit, "staff_days"), 0);
    assert_non_null(day);
    snprintf(expect, sizeof expect, "staff_days[0].travel_minutes: %s on %s: says 999, but its route travels %d",
             json_string_value(json_object_get(day, "staff")), json_string_value(json_object_get(day, "day")),
             (int)json_integer_value(json_object_get(day, "travel_minutes")));
    json_object_set_new(day, "travel_minutes", json_integer(999));
    expect_breach(inst_path, edit, bad, expect);
    json_decref(edit);

    edit = json_deep_copy(sched);
    json_array_foreach (json_object_get(edit, "on_call"), i, e)
        if (strcmp(json_string_value(json_object_get(e, "group")), "agency") == 0)
            json_object_set_new(e, "staff", json_string("s01"));
    expect_breach(inst_path, edit, bad, "on_call agency: s01 is on call 7 of the 7 days, 7 per FTE");
    json_decref(edit);

    json_decref(sched);
    cl_instance_free(inst);
    unlink(good);
    unlink(bad);
    rmdir(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_solver_plan_and_changed_instance),
        cmocka_unit_test(test_example_schedule_edits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
