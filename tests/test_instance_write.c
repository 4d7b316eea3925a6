/* test_instance_write.c: the caseload/1 writer: read(write(x)) is x, field by field, and the output is stable;
 * the instance fingerprint does not depend on the order in which languages were first seen. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/io.h"
#include "model/plan.h"
#include "support.h"

/* The codes of a language set, sorted, joined by commas: comparable across instances. */
static void lang_codes(const cl_instance *inst, uint64_t set, char *out, size_t n)
{
    const char *codes[CL_MAX_LANGS];
    int k = 0;
    for (int l = 0; l < inst->n_langs; l++)
        if (set >> l & 1u)
            codes[k++] = inst->langs[l];
    for (int i = 1; i < k; i++)
        for (int j = i; j > 0 && strcmp(codes[j - 1], codes[j]) > 0; j--) {
            const char *t = codes[j];
            codes[j] = codes[j - 1];
            codes[j - 1] = t;
        }
    out[0] = '\0';
    for (int i = 0; i < k; i++) {
        strncat(out, codes[i], n - strlen(out) - 1);
        strncat(out, ",", n - strlen(out) - 1);
    }
}

static const char *sid(const cl_instance *inst, int s)
{
    return s >= 0 ? inst->staff[s].id : "-";
}

#define SAME_NUM(what, x, y)                                                                                           \
    do {                                                                                                               \
        if ((double)(x) != (double)(y))                                                                                \
            fail_msg("%s: %s differs: %g vs %g", ctx, what, (double)(x), (double)(y));                                 \
    } while (0)
static void same_str(const char *ctx, const char *what, const char *x, const char *y)
{
    x = x ? x : "(null)";
    y = y ? y : "(null)";
    if (strcmp(x, y) != 0)
        fail_msg("%s: %s differs: \"%s\" vs \"%s\"", ctx, what, x, y);
}
#define SAME_STR(what, x, y) same_str(ctx, what, x, y)

/* Every field of the two instances, by meaning (ids, codes), flags included. */
static void assert_same_instance(const cl_instance *a, const cl_instance *b)
{
    const char *ctx = "instance";
    char la[512], lb[512];
    SAME_STR("name", a->name, b->name);
    SAME_STR("week.start", a->week_start, b->week_start);
    SAME_NUM("week.days", a->week_days, b->week_days);
    SAME_NUM("week.days set", a->week_days_set, b->week_days_set);
    SAME_NUM("week.day_start", a->day_start_min, b->day_start_min);
    SAME_NUM("week.weeks_left_in_month", a->weeks_left_in_month, b->weeks_left_in_month);
    for (int p = 0; p < CL_NPROGRAMS; p++) {
        SAME_NUM("caseload_cap", a->programs[p].caseload_cap, b->programs[p].caseload_cap);
        SAME_NUM("contacts_per_month", a->programs[p].contacts_per_month, b->programs[p].contacts_per_month);
        SAME_NUM("min_contacts_per_week", a->programs[p].min_contacts_per_week, b->programs[p].min_contacts_per_week);
        SAME_NUM("visit_minutes", a->programs[p].visit_minutes, b->programs[p].visit_minutes);
        SAME_NUM("peer_caseload_cap", a->programs[p].peer_caseload_cap, b->programs[p].peer_caseload_cap);
        for (int k = 0; k < 5; k++)
            SAME_NUM("program_set", a->program_set[p][k], b->program_set[p][k]);
    }
    SAME_NUM("n_zones", a->n_zones, b->n_zones);
    for (int z = 0; z < a->n_zones; z++)
        SAME_STR("zone", a->zones[z], b->zones[z]);
    SAME_NUM("travel present", a->travel != NULL, b->travel != NULL);
    for (int i = 0; a->travel && i < a->n_zones * a->n_zones; i++)
        SAME_NUM("travel", a->travel[i], b->travel[i]);
    SAME_NUM("n_teams", a->n_teams, b->n_teams);
    for (int t = 0; t < a->n_teams; t++) {
        SAME_STR("team id", a->teams[t].id, b->teams[t].id);
        SAME_NUM("team flex", a->teams[t].flex, b->teams[t].flex);
        SAME_NUM("team size", a->teams[t].n_members, b->teams[t].n_members);
        for (int k = 0; k < a->teams[t].n_members; k++)
            SAME_STR("team member", sid(a, a->teams[t].members[k]), sid(b, b->teams[t].members[k]));
    }
    SAME_NUM("n_staff", a->n_staff, b->n_staff);
    for (int s = 0; s < a->n_staff; s++) {
        const cl_staff *x = &a->staff[s], *y = &b->staff[s];
        ctx = x->id;
        SAME_STR("id", x->id, y->id);
        SAME_NUM("role", x->role, y->role);
        SAME_NUM("program", x->program, y->program);
        SAME_STR("team", x->team >= 0 ? a->teams[x->team].id : "-", y->team >= 0 ? b->teams[y->team].id : "-");
        SAME_NUM("fte", x->fte, y->fte);
        SAME_NUM("caseload_cap", x->caseload_cap, y->caseload_cap);
        SAME_NUM("cap_set", x->cap_set, y->cap_set);
        SAME_STR("zone", x->zone >= 0 ? a->zones[x->zone] : "-", y->zone >= 0 ? b->zones[y->zone] : "-");
        lang_codes(a, x->langs, la, sizeof la);
        lang_codes(b, y->langs, lb, sizeof lb);
        SAME_STR("languages", la, lb);
        for (int d = 0; d < CL_NDAYS; d++)
            SAME_NUM("minutes", x->minutes[d], y->minutes[d]);
        SAME_NUM("minutes_set", x->minutes_set, y->minutes_set);
        SAME_NUM("on_call", x->on_call, y->on_call);
        SAME_NUM("active", x->active, y->active);
    }
    SAME_NUM("n_clients", a->n_clients, b->n_clients);
    for (int c = 0; c < a->n_clients; c++) {
        const cl_client *x = &a->clients[c], *y = &b->clients[c];
        ctx = x->id;
        SAME_STR("id", x->id, y->id);
        SAME_NUM("program", x->program, y->program);
        SAME_NUM("level", x->level, y->level);
        SAME_NUM("transitional", x->transitional, y->transitional);
        SAME_NUM("acuity", x->acuity, y->acuity);
        SAME_NUM("priority", x->priority, y->priority);
        SAME_STR("zone", x->zone >= 0 ? a->zones[x->zone] : "-", y->zone >= 0 ? b->zones[y->zone] : "-");
        lang_codes(a, x->langs, la, sizeof la);
        lang_codes(b, y->langs, lb, sizeof lb);
        SAME_STR("languages", la, lb);
        SAME_STR("manager", sid(a, x->manager), sid(b, y->manager));
        SAME_STR("peer", sid(a, x->peer), sid(b, y->peer));
        SAME_NUM("keep", x->keep, y->keep);
        SAME_NUM("n_avoid", x->n_avoid, y->n_avoid);
        for (int k = 0; k < x->n_avoid; k++)
            SAME_STR("avoid", sid(a, x->avoid[k]), sid(b, y->avoid[k]));
        SAME_NUM("days", x->days, y->days);
        SAME_NUM("days_set", x->days_set, y->days_set);
        SAME_NUM("contacts_this_month", x->contacts_this_month, y->contacts_this_month);
        SAME_STR("residence", x->residence, y->residence);
        SAME_NUM("visit_minutes", x->visit_minutes, y->visit_minutes);
        SAME_NUM("visit_minutes_set", x->visit_minutes_set, y->visit_minutes_set);
    }
    ctx = "policy";
    SAME_NUM("max_moves", a->policy.max_moves, b->policy.max_moves);
    SAME_NUM("blended_primary_share", a->policy.blended_primary_share, b->policy.blended_primary_share);
    SAME_NUM("on_call_days", a->policy.on_call_days, b->policy.on_call_days);
    SAME_NUM("time_limit", a->policy.time_limit_s, b->policy.time_limit_s);
    SAME_NUM("gap", a->policy.gap, b->policy.gap);
}

/* Writes inst, reads the text back; checks the meaning and that writing again gives the same bytes. */
static void round_trip(const cl_instance *inst)
{
    char *text = cl_instance_to_json(inst);
    assert_non_null(text);
    char *dir = temp_dir(), path[4200];
    snprintf(path, sizeof path, "%s/written.json", dir);
    write_text(path, text);
    cl_instance *back = load_instance(path);
    assert_same_instance(inst, back);
    char *again = cl_instance_to_json(back);
    assert_string_equal(text, again);
    char fa[17], fb[17];
    cl_instance_fingerprint(inst, fa);
    cl_instance_fingerprint(back, fb);
    assert_string_equal(fa, fb);
    cl_instance_free(back);
    free(again);
    free(text);
    unlink(path);
    rmdir(dir);
    free(dir);
}

static void round_trip_file(const char *path)
{
    cl_instance *inst = load_instance(path);
    round_trip(inst);
    cl_instance_free(inst);
}

static void test_riverside_round_trip(void **state)
{
    (void)state;
    round_trip_file(CL_SOURCE_DIR "/examples/riverside.json");
}

static void test_minimal_round_trip(void **state)
{
    (void)state;
    round_trip_file(CL_TEST_DATA "/valid/minimal/input.json");
}

/* Every fixture that reads without errors (valid, warnings, store) round-trips. */
static void test_fixtures_round_trip(void **state)
{
    (void)state;
    const char *suites[] = {"warn", "store/round-trip"};
    int n_files = 0;
    for (size_t k = 0; k < sizeof suites / sizeof suites[0]; k++) {
        char root[4096];
        snprintf(root, sizeof root, "%s/%s", CL_TEST_DATA, suites[k]);
        DIR *d = opendir(root);
        assert_non_null(d);
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            char path[8400];
            if (e->d_name[0] == '.')
                continue;
            snprintf(path, sizeof path, "%s/%s%s", root, e->d_name, k == 0 ? "/input.json" : "");
            if (strstr(path, ".json") == NULL)
                continue;
            round_trip_file(path);
            n_files++;
        }
        closedir(d);
    }
    assert_true(n_files >= 3);
}

/* Defaults stay defaults: nothing the input left out is written, and the flags survive. */
static void test_defaults_not_written(void **state)
{
    (void)state;
    char *dir = temp_dir(), path[4200];
    snprintf(path, sizeof path, "%s/in.json", dir);
    write_text(path, "{\"format\": \"caseload/1\", \"staff\": [{\"id\": \"s1\", \"program\": \"SCM\"},"
                     " {\"id\": \"p1\", \"role\": \"peer_specialist\"}],"
                     " \"clients\": [{\"id\": \"c1\", \"program\": \"SCM\"}]}");
    cl_instance *inst = load_instance(path);
    char *text = cl_instance_to_json(inst);
    assert_non_null(text);
    const char *absent[] = {"programs", "policy", "\"days\"", "minutes",       "caseload_cap",
                            "on_call",  "active", "priority", "visit_minutes", "contacts_this_month",
                            "zones",    "teams",  "\"name\""};
    for (size_t k = 0; k < sizeof absent / sizeof absent[0]; k++)
        if (strstr(text, absent[k]))
            fail_msg("%s written although it was a default:\n%s", absent[k], text);
    round_trip(inst);
    cl_instance_free(inst);
    free(text);
    unlink(path);
    rmdir(dir);
    free(dir);
}

/* Explicit values equal to the defaults are kept as explicit (minutes, days, program rules). */
static void test_explicit_kept(void **state)
{
    (void)state;
    char *dir = temp_dir(), path[4200];
    snprintf(path, sizeof path, "%s/in.json", dir);
    write_text(
        path,
        "{\"format\": \"caseload/1\", \"week\": {\"days\": [\"mon\",\"tue\",\"wed\",\"thu\",\"fri\"]},"
        " \"programs\": {\"SCM\": {\"caseload_cap\": 20, \"visit_minutes\": 45}},"
        " \"staff\": [{\"id\": \"s1\", \"program\": \"SCM\", \"caseload_cap\": 20,"
        " \"minutes\": {\"mon\": 480, \"tue\": 480, \"wed\": 480, \"thu\": 480, \"fri\": 480, \"sat\": 0}}],"
        " \"clients\": [{\"id\": \"c1\", \"program\": \"SCM\", \"days\": [\"mon\",\"tue\",\"wed\",\"thu\",\"fri\"],"
        " \"visit_minutes\": 45, \"residence\": \"x'); DROP TABLE staff;--\"}],"
        " \"policy\": {\"time_limit\": 0.5, \"gap\": 0, \"max_moves\": 0}}");
    cl_instance *inst = load_instance(path);
    assert_true(inst->week_days_set && inst->staff[0].cap_set && inst->staff[0].minutes_set);
    assert_true(inst->clients[0].days_set && inst->clients[0].visit_minutes_set && inst->program_set[CL_SCM][0]);
    round_trip(inst);
    char *text = cl_instance_to_json(inst);
    assert_non_null(strstr(text, "\"gap\": 0"));
    assert_non_null(strstr(text, "\"max_moves\": 0"));
    cl_instance_free(inst);
    free(text);
    unlink(path);
    rmdir(dir);
    free(dir);
}

/* The same agency whose languages are first seen in another order has the same fingerprint. */
static void test_fingerprint_language_order(void **state)
{
    (void)state;
    char *dir = temp_dir(), p1[4200], p2[4200];
    snprintf(p1, sizeof p1, "%s/a.json", dir);
    snprintf(p2, sizeof p2, "%s/b.json", dir);
    write_text(p1, "{\"format\": \"caseload/1\", \"staff\": [{\"id\": \"s1\", \"program\": \"SCM\", \"languages\": "
                   "[\"es\", \"zh\"]},"
                   " {\"id\": \"s2\", \"program\": \"SCM\", \"languages\": [\"zh\"]}],"
                   " \"clients\": [{\"id\": \"c1\", \"program\": \"SCM\", \"languages\": [\"zh\", \"es\"], "
                   "\"manager\": \"s1\"}]}");
    write_text(p2, "{\"format\": \"caseload/1\", \"staff\": [{\"id\": \"s1\", \"program\": \"SCM\", \"languages\": "
                   "[\"zh\", \"es\"]},"
                   " {\"id\": \"s2\", \"program\": \"SCM\", \"languages\": [\"zh\"]}],"
                   " \"clients\": [{\"id\": \"c1\", \"program\": \"SCM\", \"languages\": [\"es\", \"zh\"], "
                   "\"manager\": \"s1\"}]}");
    cl_instance *a = load_instance(p1), *b = load_instance(p2);
    assert_string_not_equal(a->langs[1], b->langs[1]); /* interned in different orders */
    char fa[17], fb[17];
    cl_instance_fingerprint(a, fa);
    cl_instance_fingerprint(b, fb);
    assert_string_equal(fa, fb);
    /* ... and a different language set, or other travel times, change it. */
    cl_instance *r = load_instance(CL_SOURCE_DIR "/examples/riverside.json");
    char f1[17], f2[17];
    cl_instance_fingerprint(r, f1);
    r->travel[1]++;
    cl_instance_fingerprint(r, f2);
    assert_string_not_equal(f1, f2);
    cl_instance_free(r);
    b->staff[1].langs = (uint64_t)1 << 0;
    cl_instance_fingerprint(b, fb);
    assert_string_not_equal(fa, fb);
    cl_instance_free(a);
    cl_instance_free(b);
    unlink(p1);
    unlink(p2);
    rmdir(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_riverside_round_trip), cmocka_unit_test(test_minimal_round_trip),
        cmocka_unit_test(test_fixtures_round_trip),  cmocka_unit_test(test_defaults_not_written),
        cmocka_unit_test(test_explicit_kept),        cmocka_unit_test(test_fingerprint_language_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
