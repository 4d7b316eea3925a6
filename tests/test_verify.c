/* test_verify.c: `caseload verify` on assignments (SPEC §4, §5), data-driven:
 * tests/data/verify/<case>/{input.json, plan.json, expect}. The first line of expect is the exit status
 * (0 the plan keeps every rule, 4 it breaks one); every further line must occur in the output. Each
 * breaking plan breaks exactly one rule of §4.1-4.2 (no objective given, so nothing else is compared) or
 * misstates one objective value. All cases share one instance:
 *   i1 ICM en, i2 ICM es, i3 ICM inactive, i4 ICM en, s1 SCM, a1 ADULT_HOME, peers p1, p2, p3 (inactive);
 *   c1 ICM on i1; c2 ICM es intake; c3 ICM on i1 with keep; c4 ICM en/es on i1, avoids i2; c5 ICM on i3;
 *   h1 ADULT_HOME on a1 with p1; h2 ADULT_HOME intake, avoids p1; s9 SCM on s1.
 * The correct plan (ok): c1, c3, c4 i1; c2 i2; c5 i4; h1 a1 + p1; h2 a1 + p2; s9 s1; objective moves 1,
 * imbalance i1 3/12 -> 0.0625, i2 and i4 1/12 -> 0.0075 each, s1 1/20 -> 0.0025, a1 2/20 -> 0.01, p1 and
 * p2 1/20 -> 0.0025 each: 0.095. */
#include <dirent.h>
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
    assert_true(breaking >= 13);
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_solver_plan_and_changed_instance),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
