/* test_bench.c: a smoke run of the benchmark's pieces, not timed: bench/gen.py writes the same bytes twice,
 * and `caseload assign` on a small generated agency exits 0 with a plan that `caseload verify` accepts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support.h"

/* Runs bench/gen.py with args, writing to path; returns the exit status. */
static int gen(const char *args, const char *path)
{
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "python3 %s/bench/gen.py %s -o %s </dev/null", CL_SOURCE_DIR, args, path);
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static void gen_is_deterministic(void **state)
{
    (void)state;
    char *dir = temp_dir();
    char a[4200], b[4200];
    snprintf(a, sizeof a, "%s/a.json", dir);
    snprintf(b, sizeof b, "%s/b.json", dir);
    assert_int_equal(gen("--size 40 --seed 3", a), 0);
    assert_int_equal(gen("--size 40 --seed 3", b), 0);
    char *ta = read_text(a), *tb = read_text(b);
    assert_non_null(ta);
    assert_non_null(tb);
    assert_true(strlen(ta) > 1000);
    assert_string_equal(ta, tb);
    assert_non_null(strstr(ta, "\"format\": \"caseload/1\""));
    /* another seed gives another agency */
    assert_int_equal(gen("--size 40 --seed 4", b), 0);
    char *tc = read_text(b);
    assert_non_null(tc);
    assert_true(strcmp(ta, tc) != 0);
    free(ta);
    free(tb);
    free(tc);
    unlink(a);
    unlink(b);
    rmdir(dir);
    free(dir);
}

static void assign_on_generated_agency_verifies(void **state)
{
    (void)state;
    char *dir = temp_dir();
    char inst[4200], plan[4200];
    snprintf(inst, sizeof inst, "%s/agency.json", dir);
    snprintf(plan, sizeof plan, "%s/plan.json", dir);
    assert_int_equal(gen("--size 40 --seed 3", inst), 0);
    run_result r = run_cli("check %s --quiet", inst);
    if (r.status != 0)
        fail_msg("check exited %d: %s", r.status, r.err);
    run_result_dispose(&r);
    r = run_cli("assign %s -o %s --quiet --time-limit 60", inst, plan);
    if (r.status != 0)
        fail_msg("assign exited %d: %s", r.status, r.err);
    run_result_dispose(&r);
    char *text = read_text(plan);
    assert_non_null(text);
    assert_non_null(strstr(text, "\"format\": \"caseload-assignment/1\""));
    free(text);
    r = run_cli("verify %s %s", inst, plan);
    if (r.status != 0)
        fail_msg("verify exited %d: %s%s", r.status, r.out, r.err);
    assert_non_null(strstr(r.out, "keeps every rule"));
    run_result_dispose(&r);
    unlink(inst);
    unlink(plan);
    rmdir(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gen_is_deterministic),
        cmocka_unit_test(assign_on_generated_agency_verifies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
