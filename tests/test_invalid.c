/* test_invalid.c: the data-driven suite of invalid inputs (tests/data/invalid/<case>/{input.json,error}):
 * each case exits 3, names every expected JSON path, and writes nothing. Warning cases exit 0. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support.h"

/* Every line of expect must occur in text; returns the first missing line or NULL. */
static char *missing_line(const char *text, char *expect)
{
    for (char *line = strtok(expect, "\n"); line; line = strtok(NULL, "\n"))
        if (line[0] && strstr(text, line) == NULL)
            return line;
    return NULL;
}

static void each_case(const char *suite, void (*fn)(const char *dir, const char *name))
{
    char root[4096];
    snprintf(root, sizeof root, "%s/%s", CL_TEST_DATA, suite);
    struct dirent **names = NULL;
    int n = scandir(root, &names, NULL, alphasort);
    assert_true(n > 2);
    int cases = 0;
    for (int i = 0; i < n; i++) {
        if (names[i]->d_name[0] != '.') {
            char dir[8192];
            snprintf(dir, sizeof dir, "%s/%s", root, names[i]->d_name);
            fn(dir, names[i]->d_name);
            cases++;
        }
        free(names[i]);
    }
    free(names);
    printf("[ %s: %d cases ]\n", suite, cases);
}

static void invalid_case(const char *dir, const char *name)
{
    char path[8400];
    snprintf(path, sizeof path, "%s/error", dir);
    char *expect = read_text(path);
    assert_non_null(expect);
    char *out = temp_dir();
    /* check and assign both refuse the input, and assign writes no output file. */
    run_result r = run_cli("check %s/input.json", dir);
    if (r.status != 3)
        fail_msg("%s: check exited %d, expected 3; stderr: %s", name, r.status, r.err);
    char *miss = missing_line(r.err, expect);
    if (miss)
        fail_msg("%s: message lacks \"%s\"; stderr: %s", name, miss, r.err);
    if (strstr(r.err, "input.json: ") == NULL)
        fail_msg("%s: message does not name the file: %s", name, r.err);
    run_result_dispose(&r);
    r = run_cli("assign %s/input.json -o %s/plan.json", dir, out);
    assert_int_equal(r.status, 3);
    snprintf(path, sizeof path, "%s/plan.json", out);
    struct stat st;
    if (stat(path, &st) == 0)
        fail_msg("%s: an output file was written for invalid input", name);
    run_result_dispose(&r);
    rmdir(out);
    free(out);
    free(expect);
}

static void warn_case(const char *dir, const char *name)
{
    char path[8400];
    snprintf(path, sizeof path, "%s/warning", dir);
    char *expect = read_text(path);
    assert_non_null(expect);
    run_result r = run_cli("check %s/input.json", dir);
    if (r.status != 0)
        fail_msg("%s: check exited %d, expected 0; stderr: %s", name, r.status, r.err);
    char *miss = missing_line(r.err, expect);
    if (miss)
        fail_msg("%s: warning lacks \"%s\"; stderr: %s", name, miss, r.err);
    if (strstr(r.err, "warning") == NULL)
        fail_msg("%s: not called a warning: %s", name, r.err);
    run_result_dispose(&r);
    free(expect);
}

static void test_invalid_suite(void **state)
{
    (void)state;
    each_case("invalid", invalid_case);
}

static void test_warning_suite(void **state)
{
    (void)state;
    each_case("warn", warn_case);
}

static void test_valid_minimal(void **state)
{
    (void)state;
    run_result r = run_cli("check %s/valid/minimal/input.json", CL_TEST_DATA);
    if (r.status != 0)
        fail_msg("check exited %d: %s", r.status, r.err);
    assert_string_equal(r.err, "");
    run_result_dispose(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_minimal),
        cmocka_unit_test(test_invalid_suite),
        cmocka_unit_test(test_warning_suite),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
