/* test_rules.c: the rules of model/rules.h (SPEC §4.1-4.4, §6.1, §3.6) against values worked out by hand
 * on the fixture tests/data/assign/rules/input.json (read it alongside). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "support.h"

#include "model/rules.h"

/* This cmocka has no assert_double_equal: compare with a tolerance and say both values. */
#define assert_double_equal(a, b, eps) assert_near((a), (b), (eps), #a, __FILE__, __LINE__)
static void assert_near(double a, double b, double eps, const char *what, const char *file, int line)
{
    if (!(fabs(a - b) <= eps))
        fail_msg("%s:%d: %s = %.12g, expected %.12g", file, line, what, a, b);
}

static cl_instance *fixture(void)
{
    return load_instance(CL_TEST_DATA "/assign/rules/input.json");
}

static int staff_of(const cl_instance *inst, const char *id)
{
    int s = cl_instance_find_staff(inst, id);
    if (s < 0)
        fail_msg("no staff %s in the fixture", id);
    return s;
}

static int client_of(const cl_instance *inst, const char *id)
{
    int c = cl_instance_find_client(inst, id);
    if (c < 0)
        fail_msg("no client %s in the fixture", id);
    return c;
}

/* The eligible managers of client id, as "i1,i2" (ids in staff order), and whether the language rule was
 * relaxed. */
static void managers_of(const cl_instance *inst, const char *id, const char *expect, bool expect_relaxed)
{
    int out[64];
    bool relaxed = !expect_relaxed;
    int n = cl_eligible_managers(inst, client_of(inst, id), out, &relaxed);
    char got[256] = "";
    for (int k = 0; k < n; k++) {
        size_t l = strlen(got);
        snprintf(got + l, sizeof got - l, "%s%s", k ? "," : "", inst->staff[out[k]].id);
    }
    if (strcmp(got, expect) != 0 || relaxed != expect_relaxed)
        fail_msg("client %s: managers \"%s\" relaxed %d, expected \"%s\" relaxed %d", id, got, relaxed, expect,
                 expect_relaxed);
}

static void peers_of(const cl_instance *inst, const char *id, const char *expect)
{
    int out[64];
    bool relaxed = false;
    int n = cl_eligible_peers(inst, client_of(inst, id), out, &relaxed);
    char got[256] = "";
    for (int k = 0; k < n; k++) {
        size_t l = strlen(got);
        snprintf(got + l, sizeof got - l, "%s%s", k ? "," : "", inst->staff[out[k]].id);
    }
    if (strcmp(got, expect) != 0)
        fail_msg("client %s: peers \"%s\", expected \"%s\"", id, got, expect);
}

/* phi: u^2 at the breakpoints 0, 0.05, 0.10, ..., linear in between. */
static void test_phi(void **state)
{
    (void)state;
    assert_double_equal(cl_phi(0), 0, 1e-12);
    assert_double_equal(cl_phi(-0.3), 0, 1e-12);
    assert_double_equal(cl_phi(0.05), 0.0025, 1e-12);
    assert_double_equal(cl_phi(0.1), 0.01, 1e-12);
    assert_double_equal(cl_phi(0.15), 0.0225, 1e-12);
    assert_double_equal(cl_phi(0.5), 0.25, 1e-12);
    assert_double_equal(cl_phi(0.7), 0.49, 1e-12);
    assert_double_equal(cl_phi(0.95), 0.9025, 1e-12);
    assert_double_equal(cl_phi(1.0), 1.0, 1e-12);
    assert_double_equal(cl_phi(1.5), 2.25, 1e-12);
    /* 0.52 lies 0.4 of the way from 0.50 (0.25) to 0.55 (0.3025): 0.25 + 0.4 x 0.0525 = 0.271. */
    assert_double_equal(cl_phi(0.52), 0.271, 1e-12);
    /* 0.125 halfway between 0.10 (0.01) and 0.15 (0.0225): 0.01625. */
    assert_double_equal(cl_phi(0.125), 0.01625, 1e-12);
    /* 0.025 halfway between 0 and 0.05 (0.0025): 0.00125. */
    assert_double_equal(cl_phi(0.025), 0.00125, 1e-12);
    /* 1.01 from 1.00 (1) toward 1.05 (1.1025): 1 + 0.2 x 0.1025 = 1.0205. */
    assert_double_equal(cl_phi(1.01), 1.0205, 1e-12);
    /* Just below and above a breakpoint: continuous. */
    assert_double_equal(cl_phi(0.15 - 1e-10), 0.0225, 1e-9);
    assert_double_equal(cl_phi(0.15 + 1e-10), 0.0225, 1e-9);
    /* Utilizations computed the way the solver does: 3 of 20 and 6 of 12 land on breakpoints. */
    assert_double_equal(cl_phi(3.0 / 20.0), 0.0225, 1e-12);
    assert_double_equal(cl_phi(6.0 / 12.0), 0.25, 1e-12);
    assert_double_equal(cl_phi(7.0 / 12.0), 0.55 * 0.55 + (7.0 / 12.0 - 0.55) * 1.15, 1e-12);
    /* Above u^2, equal at breakpoints, non-decreasing and convex on a fine grid. */
    double prev = 0, prevslope = 0;
    for (int i = 1; i <= 3000; i++) {
        double u = i * 0.0007, v = cl_phi(u);
        assert_true(v >= u * u - 1e-12);
        assert_true(v >= prev - 1e-12);
        double slope = (v - prev) / 0.0007;
        assert_true(slope >= prevslope - 1e-6);
        prev = v;
        prevslope = slope;
    }
    for (int k = 0; k <= 60; k++)
        assert_double_equal(cl_phi(k * 0.05), (k * 0.05) * (k * 0.05), 1e-9);
}

/* SPEC §6.1 with weeks_left_in_month = 2 unless changed:
 *   cur_es ICM, 0 made: max(1, ceil(4/2)) = 2        icm_q ICM, 3 made: max(1, ceil(1/2)) = 1
 *   icm_done ICM, 6 made: max(1, 0) = 1              scm SCM intake: max(0, ceil(2/2)) = 1
 *   scm_q2 SCM, 2 made: 0                            trans ICM transitional: ceil(1/2) = 1, no weekly min
 *   trans_done SCM transitional, 1 made: 0           blended level ICM: 2; blended_scm (level SCM): 1
 *   ah_q ADULT_HOME, 1 made: ceil(1/2) = 1 */
static void test_quota(void **state)
{
    (void)state;
    cl_instance *inst = fixture();
    static const struct {
        const char *id;
        int q2, q1, q3, monthly;
    } cases[] = {
        {"cur_es", 2, 4, 2, 4},      {"icm_q", 1, 1, 1, 4}, {"icm_done", 1, 1, 1, 4},   {"scm", 1, 2, 1, 2},
        {"scm_q2", 0, 0, 0, 2},      {"trans", 1, 1, 1, 1}, {"trans_done", 0, 0, 0, 1}, {"blended", 2, 4, 2, 4},
        {"blended_scm", 1, 2, 1, 2}, {"ah_q", 1, 1, 1, 2},  {"ah_en", 1, 2, 1, 2},
    };
    assert_int_equal(inst->weeks_left_in_month, 2);
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        int c = client_of(inst, cases[k].id);
        inst->weeks_left_in_month = 2;
        if (cl_weekly_quota(inst, c) != cases[k].q2)
            fail_msg("%s: quota %d with 2 weeks left, expected %d", cases[k].id, cl_weekly_quota(inst, c), cases[k].q2);
        inst->weeks_left_in_month = 1;
        if (cl_weekly_quota(inst, c) != cases[k].q1)
            fail_msg("%s: quota %d in the last week, expected %d", cases[k].id, cl_weekly_quota(inst, c), cases[k].q1);
        inst->weeks_left_in_month = 3;
        if (cl_weekly_quota(inst, c) != cases[k].q3)
            fail_msg("%s: quota %d with 3 weeks left, expected %d", cases[k].id, cl_weekly_quota(inst, c), cases[k].q3);
        assert_int_equal(cl_monthly_minimum(inst, c), cases[k].monthly);
    }
    /* 5 weeks left: ICM ceil(4/5) = 1 = the weekly minimum. */
    inst->weeks_left_in_month = 5;
    assert_int_equal(cl_weekly_quota(inst, client_of(inst, "cur_es")), 1);
    /* An overridden ICM rule (6 a month, 2 a week) applies to ICM and to BLENDED level ICM. */
    inst->weeks_left_in_month = 2;
    inst->programs[CL_ICM].contacts_per_month = 6;
    inst->programs[CL_ICM].min_contacts_per_week = 2;
    assert_int_equal(cl_weekly_quota(inst, client_of(inst, "cur_es")), 3);
    assert_int_equal(cl_weekly_quota(inst, client_of(inst, "icm_done")), 2);
    assert_int_equal(cl_weekly_quota(inst, client_of(inst, "blended")), 3);
    assert_int_equal(cl_weekly_quota(inst, client_of(inst, "blended_scm")), 1);
    /* Transitional stays at 1 a month, no weekly minimum. */
    assert_int_equal(cl_weekly_quota(inst, client_of(inst, "trans")), 1);
    cl_instance_free(inst);
}

/* SPEC §4.1 on the fixture (i3 inactive; i1 en, i2 es; b1, b2 of team t1, b3 inactive member, b4 team t2). */
static void test_eligible_managers(void **state)
{
    (void)state;
    cl_instance *inst = fixture();
    managers_of(inst, "intake_es", "i2", false);     /* i3 speaks es but is inactive */
    managers_of(inst, "intake_avoid", "", false);    /* i1 avoided, i2 no en: an intake just waits */
    managers_of(inst, "cur_es", "i1,i2", false);     /* i1 is its current manager: language waived */
    managers_of(inst, "keep", "i1", false);          /* keep: only the current manager */
    managers_of(inst, "keep_gone", "i1", false);     /* keep, but i3 left: the ordinary rule */
    managers_of(inst, "relax_zh", "i1,i2", true);    /* existing, nobody speaks zh: relaxed */
    managers_of(inst, "intake_zh", "", false);       /* an intake is never relaxed */
    managers_of(inst, "wrong_prog", "i1", false);    /* current s1 is SCM */
    managers_of(inst, "avoid_own", "i2", true);      /* own manager avoided, nobody else speaks en */
    managers_of(inst, "blended", "b1,b2,b4", false); /* any active member of a Blended team */
    managers_of(inst, "blended_scm", "b1,b2,b4", false);
    managers_of(inst, "scm", "s1", false); /* team members serve BLENDED only */
    managers_of(inst, "ah_en", "a1", false);
    managers_of(inst, "ah_es_intake", "", false);
    managers_of(inst, "ah_es_curpeer", "a1", false);

    assert_true(cl_serves(inst, staff_of(inst, "i1"), client_of(inst, "cur_es")));
    assert_false(cl_serves(inst, staff_of(inst, "i3"), client_of(inst, "cur_es")));
    assert_false(cl_serves(inst, staff_of(inst, "b1"), client_of(inst, "cur_es")));
    assert_false(cl_serves(inst, staff_of(inst, "b3"), client_of(inst, "blended")));
    assert_false(cl_serves(inst, staff_of(inst, "p1"), client_of(inst, "ah_en")));
    assert_false(cl_serves(inst, staff_of(inst, "s1"), client_of(inst, "blended")));
    assert_true(cl_avoids(inst, client_of(inst, "intake_avoid"), staff_of(inst, "i1")));
    assert_false(cl_avoids(inst, client_of(inst, "intake_avoid"), staff_of(inst, "i2")));
    assert_true(cl_speaks(inst, staff_of(inst, "i3"), client_of(inst, "cur_es")));
    assert_false(cl_speaks(inst, staff_of(inst, "i1"), client_of(inst, "cur_es")));

    assert_false(cl_manager_forced_out(inst, client_of(inst, "cur_es")));
    assert_false(cl_manager_forced_out(inst, client_of(inst, "intake_es")));
    assert_true(cl_manager_forced_out(inst, client_of(inst, "keep_gone")));
    assert_true(cl_manager_forced_out(inst, client_of(inst, "relax_zh")));
    assert_true(cl_manager_forced_out(inst, client_of(inst, "wrong_prog")));
    assert_true(cl_manager_forced_out(inst, client_of(inst, "avoid_own")));
    assert_false(cl_manager_forced_out(inst, client_of(inst, "blended")));
    cl_instance_free(inst);
}

static void test_eligible_peers(void **state)
{
    (void)state;
    cl_instance *inst = fixture();
    peers_of(inst, "ah_en", "p1");         /* p2 inactive */
    peers_of(inst, "ah_es_intake", "");    /* p1 speaks en only, p2 inactive */
    peers_of(inst, "ah_es_curpeer", "p1"); /* current peer: language waived */
    peers_of(inst, "ah_gone_peer", "p1");
    peers_of(inst, "scm", ""); /* only ADULT_HOME clients have peers */
    peers_of(inst, "blended", "");
    assert_false(cl_peer_forced_out(inst, client_of(inst, "ah_en")));
    assert_false(cl_peer_forced_out(inst, client_of(inst, "ah_es_curpeer")));
    assert_true(cl_peer_forced_out(inst, client_of(inst, "ah_gone_peer")));
    cl_instance_free(inst);
}

/* SPEC §4.2-4.3: s1 0.5 FTE at its own cap 30 holds 15; a1 0.8 x 20 = 16; p1 0.5 x 20 = 10; a BLENDED
 * level ICM client of acuity 2 uses 2/12 FTE, level SCM acuity 1.5 uses 1.5/20 = 0.075; b2 (0.5 FTE, flex
 * 0.25) carries up to 0.625; t1's pool is b1 + b2 = 1.5 (b3 inactive); t2's default flex is 0.25. */
static void test_loads(void **state)
{
    (void)state;
    cl_instance *inst = fixture();
    int s1 = staff_of(inst, "s1"), a1 = staff_of(inst, "a1"), p1 = staff_of(inst, "p1"), i1 = staff_of(inst, "i1");
    int b1 = staff_of(inst, "b1"), b2 = staff_of(inst, "b2"), b4 = staff_of(inst, "b4");
    assert_double_equal(cl_capacity(inst, s1), 15, 1e-12);
    assert_double_equal(cl_capacity(inst, a1), 16, 1e-12);
    assert_double_equal(cl_capacity(inst, p1), 10, 1e-12);
    assert_double_equal(cl_capacity(inst, i1), 12, 1e-12);
    assert_double_equal(cl_limit(inst, s1), 15, 1e-12);
    assert_double_equal(cl_util_base(inst, s1), 15, 1e-12);
    assert_double_equal(cl_blended_fte(inst, client_of(inst, "blended")), 2.0 / 12.0, 1e-12);
    assert_double_equal(cl_blended_fte(inst, client_of(inst, "blended_scm")), 0.075, 1e-12);
    assert_double_equal(cl_load_of(inst, client_of(inst, "blended"), b1), 2.0 / 12.0, 1e-12);
    assert_double_equal(cl_load_of(inst, client_of(inst, "scm"), s1), 2, 1e-12);
    assert_double_equal(cl_load_of(inst, client_of(inst, "ah_en"), p1), 1, 1e-12);
    assert_double_equal(cl_limit(inst, b2), 0.625, 1e-12);
    assert_double_equal(cl_util_base(inst, b2), 0.5, 1e-12);
    assert_double_equal(cl_limit(inst, b4), 0.75, 1e-12);
    assert_double_equal(cl_team_fte(inst, cl_instance_find_team(inst, "t1")), 1.5, 1e-12);
    assert_double_equal(cl_team_fte(inst, cl_instance_find_team(inst, "t2")), 0.6, 1e-12);
    /* A BLENDED client's FTE follows the program rule of its level, also when overridden. */
    inst->programs[CL_SCM].caseload_cap = 30;
    assert_double_equal(cl_blended_fte(inst, client_of(inst, "blended_scm")), 0.05, 1e-12);
    cl_instance_free(inst);
}

/* SPEC §3.6: a ICM and b SCM members, a, b >= 1, a <= 2b, b <= 2a. */
static void test_blended_mix(void **state)
{
    (void)state;
    static const struct {
        int a, b;
        bool ok;
    } cases[] = {{1, 1, true},  {1, 2, true},  {2, 1, true},  {2, 2, true},  {2, 4, true},  {3, 5, true},
                 {4, 2, true},  {5, 3, true},  {3, 3, true},  {0, 0, false}, {0, 1, false}, {1, 0, false},
                 {0, 2, false}, {3, 1, false}, {1, 3, false}, {2, 5, false}, {5, 2, false}, {7, 3, false}};
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++)
        if (cl_blended_mix_legal(cases[k].a, cases[k].b) != cases[k].ok)
            fail_msg("mix %d ICM + %d SCM: expected %s", cases[k].a, cases[k].b, cases[k].ok ? "legal" : "illegal");
    cl_instance *inst = fixture();
    int icm = -1, scm = -1;
    cl_team_mix(inst, cl_instance_find_team(inst, "t1"), &icm, &scm); /* b3 inactive: not counted */
    assert_int_equal(icm, 1);
    assert_int_equal(scm, 1);
    cl_team_mix(inst, cl_instance_find_team(inst, "t2"), &icm, &scm);
    assert_int_equal(icm, 0);
    assert_int_equal(scm, 1);
    cl_instance_free(inst);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_phi),
        cmocka_unit_test(test_quota),
        cmocka_unit_test(test_eligible_managers),
        cmocka_unit_test(test_eligible_peers),
        cmocka_unit_test(test_loads),
        cmocka_unit_test(test_blended_mix),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
