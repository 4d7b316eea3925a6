/* test_report.c: caseload report (SPEC §9): the page's content, escaping of data, the compliance rules,
 * invalid plan files, and a browser test that renders the example report in headless Chromium. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support.h"

#include "io/report.h"

#define DATA     CL_TEST_DATA "/report"
#define CHROMIUM "/usr/bin/chromium"

/* The part of html from the element with id="id" on. */
static const char *from_id(const char *html, const char *id)
{
    char key[128];
    snprintf(key, sizeof key, "id=\"%s\"", id);
    const char *p = strstr(html, key);
    if (p == NULL)
        fail_msg("the report has no element %s", key);
    return p;
}

/* The text between the element with id="id" and the next <h2 (or the end). Caller frees. */
static char *section(const char *html, const char *id)
{
    const char *p = from_id(html, id);
    const char *q = strstr(p + 1, "<h2");
    size_t n = q ? (size_t)(q - p) : strlen(p);
    char *s = malloc(n + 1);
    assert_non_null(s);
    memcpy(s, p, n);
    s[n] = '\0';
    return s;
}

static void assert_no_url(const char *html)
{
    assert_null(strstr(html, "http://"));
    assert_null(strstr(html, "https://"));
    assert_null(strstr(html, "://"));
    assert_null(strstr(html, "<script"));
    assert_null(strstr(html, "<link"));
    assert_null(strstr(html, "@import"));
    assert_null(strstr(html, "src="));
}

/* Runs report with the given extra arguments into dir/report.html and returns the page (caller frees). */
static char *report(const char *dir, const char *args)
{
    run_result r = run_cli("report %s/instance.json %s -o %s/report.html", DATA, args, dir);
    if (r.status != 0)
        fail_msg("report exited %d: %s", r.status, r.err);
    run_result_dispose(&r);
    char path[4200];
    snprintf(path, sizeof path, "%s/report.html", dir);
    char *html = read_text(path);
    assert_non_null(html);
    return html;
}

static void full_report_has_every_part(void **state)
{
    (void)state;
    char *dir = temp_dir();
    char *html = report(dir, "--assignment " DATA "/assignment.json --schedule " DATA "/schedule.json --scenarios " DATA
                             "/scenarios.json");
    assert_no_url(html);
    assert_true(strncmp(html, "<!DOCTYPE html>", 15) == 0);
    assert_non_null(strstr(html, "<html lang=\"en\">"));
    assert_non_null(strstr(html, "<style>"));
    /* The fixture's ids and names hold no markup: an escaped quote or bracket is markup escaped by mistake. */
    assert_null(strstr(html, "&quot;"));
    assert_null(strstr(html, "&lt;"));
    /* Every section, with headings and table markup. */
    const char *ids[] = {"summary",   "util",  "moves", "wait", "week", "teams",
                         "calendars", "short", "rota",  "scen", "comp"};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
        from_id(html, ids[i]);
    assert_non_null(strstr(html, "<th scope=\"col\">"));
    assert_non_null(strstr(html, "<th scope=\"row\">"));
    /* Charts are images with a text alternative. */
    assert_non_null(strstr(html, "role=\"img\" aria-labelledby=\"util-g0-t util-g0-d\""));
    assert_non_null(strstr(html, "<title id=\"util-g0-t\">"));
    assert_non_null(strstr(html, "<desc id=\"util-g0-d\">"));
    assert_non_null(strstr(html, "aria-labelledby=\"scen-0-t scen-0-d\""));
    /* Overload is labelled in words, not by colour alone: s05 carries 28 of 20 now. */
    assert_non_null(strstr(html, "s05: now 140% (over cap)"));
    assert_non_null(strstr(html, "OVER CAP"));
    /* The moves, with their reasons in words. */
    char *moves = section(html, "moves");
    assert_non_null(strstr(moves, "<th scope=\"row\">c023</th><td>SCM</td><td>manager</td><td>s07</td>"));
    assert_non_null(strstr(moves, "leaving or on long leave"));
    free(moves);
    /* The calendar: a joint visit, a covering visit, travel, on call. */
    char *week = section(html, "week");
    assert_non_null(strstr(week, "joint with s17"));
    assert_non_null(strstr(week, "covering for s03"));
    assert_non_null(strstr(week, "url(#p-travel)"));
    assert_non_null(strstr(week, "on call (agency)"));
    free(week);
    /* Shortfalls and the rota: bt2 has nobody on Sunday in the fixture. */
    char *sf = section(html, "short");
    assert_non_null(strstr(sf, "<th scope=\"row\">c056</th>"));
    assert_non_null(strstr(sf, "no free time"));
    free(sf);
    char *rota = section(html, "rota");
    assert_non_null(strstr(rota, "<th scope=\"row\">bt2</th>"));
    assert_non_null(strstr(rota, "UNCOVERED"));
    free(rota);
    /* Scenarios: every scenario named, the baseline drawn. */
    char *scen = section(html, "scen");
    assert_non_null(strstr(scen, "one more ICM manager"));
    assert_non_null(strstr(scen, "dissolve bt2"));
    assert_non_null(strstr(scen, "vs baseline"));
    assert_non_null(strstr(scen, "Schedule coverage"));
    /* fte by program has a total of its own: that is "fte", not the sum with the total counted twice. */
    assert_non_null(strstr(scen, "<th scope=\"row\">fte</th><td class=\"num\">15</td>"));
    free(scen);
    /* Compliance: standards, the contact minimum, the Blended mix. */
    char *comp = section(html, "comp");
    assert_non_null(strstr(comp, "12 (range 10\xe2\x80\x93"
                                 "15)"));
    assert_non_null(strstr(comp, "1:30"));
    assert_non_null(strstr(comp, "monthly contact minimum"));
    assert_non_null(strstr(comp, "<th scope=\"row\">bt1</th>"));
    free(comp);
    free(html);
    free(dir);
}

static void without_assignment_shows_the_current_state(void **state)
{
    (void)state;
    char *dir = temp_dir();
    char *html = report(dir, "");
    assert_no_url(html);
    assert_non_null(strstr(html, "the current state only"));
    assert_null(strstr(html, "utilization plan"));
    assert_non_null(strstr(html, "No assignment was given, so there are no moves"));
    assert_non_null(strstr(html, "No schedule was given"));
    assert_null(strstr(html, "id=\"scen\""));
    free(html);
    free(dir);
}

/* The same input gives the same bytes. */
static void deterministic(void **state)
{
    (void)state;
    char *dir = temp_dir();
    const char *args = "--assignment " DATA "/assignment.json --schedule " DATA "/schedule.json";
    char *a = report(dir, args);
    char *b = report(dir, args);
    assert_string_equal(a, b);
    free(a);
    free(b);
    free(dir);
}

/* The agency name is data: markup in it shows as text. */
static void agency_name_is_escaped(void **state)
{
    (void)state;
    cl_instance *inst = load_instance(DATA "/instance.json");
    free(inst->name);
    inst->name = strdup("<script>alert('x')</script> & Sons \"Care\" https://evil.example/");
    cl_report *r = cl_report_new(inst);
    assert_non_null(r);
    char *html = cl_report_html(r);
    assert_non_null(html);
    assert_null(strstr(html, "<script"));
    assert_null(strstr(html, "://"));
    assert_non_null(strstr(html, "<h1>&lt;script&gt;alert(&#39;x&#39;)&lt;&#47;script&gt; &amp; Sons &quot;Care&quot; "
                                 "https:&#47;&#47;evil.example&#47;</h1>"));
    assert_non_null(strstr(html, "<title>&lt;script&gt;"));
    free(html);
    cl_report_free(r);
    cl_instance_free(inst);
}

/* A small agency whose compliance figures are worked out by hand:
 * - i1 (ICM, 1.0 FTE) holds 16 clients: 16 per FTE is above the 10-15 range (and over its cap of 12);
 *   i2 (ICM, 1.0 FTE) holds 2: below the range. s1 (SCM, cap 30) holds 3: within 1:30.
 * - k01 (ICM, 1 contact made, 1 visit scheduled): 2 < 4, listed, 2 still needed.
 *   k02 (ICM, 3 made, 1 scheduled): 4, not listed. k03 (SCM, 0 made, none scheduled): 0 < 2, listed.
 *   k04 (SCM, transitional, 1 made): 1 >= 1, not listed. w1 is an intake without a manager: not counted.
 * - team t1 has 3 ICM and 1 SCM members: b = 1 < a / 2, not a legal mix. */
static const char small_instance[] =
    "{\"format\": \"caseload/1\", \"name\": \"Small\", \"week\": {\"start\": \"2026-11-23\", \"weeks_left_in_month\": "
    "2},"
    " \"teams\": [{\"id\": \"t1\", \"members\": [\"b1\", \"b2\", \"b3\", \"b4\"]}],"
    " \"staff\": [{\"id\": \"i1\", \"program\": \"ICM\"}, {\"id\": \"i2\", \"program\": \"ICM\"},"
    "  {\"id\": \"s1\", \"program\": \"SCM\", \"caseload_cap\": 30},"
    "  {\"id\": \"b1\", \"program\": \"ICM\", \"team\": \"t1\"}, {\"id\": \"b2\", \"program\": \"ICM\", \"team\": "
    "\"t1\"},"
    "  {\"id\": \"b3\", \"program\": \"ICM\", \"team\": \"t1\"}, {\"id\": \"b4\", \"program\": \"SCM\", \"team\": "
    "\"t1\"}],"
    " \"clients\": [%s]}";

static char *small_clients(void)
{
    char *buf = malloc(8192);
    assert_non_null(buf);
    size_t n = 0;
    n += (size_t)snprintf(buf + n, 8192 - n,
                          "{\"id\": \"k01\", \"program\": \"ICM\", \"manager\": \"i1\", \"contacts_this_month\": 1},"
                          "{\"id\": \"k02\", \"program\": \"ICM\", \"manager\": \"i1\", \"contacts_this_month\": 3},");
    for (int i = 3; i <= 16; i++)
        n += (size_t)snprintf(
            buf + n, 8192 - n,
            "{\"id\": \"x%02d\", \"program\": \"ICM\", \"manager\": \"i1\", \"contacts_this_month\": 4},", i);
    n += (size_t)snprintf(buf + n, 8192 - n,
                          "{\"id\": \"y1\", \"program\": \"ICM\", \"manager\": \"i2\", \"contacts_this_month\": 4},"
                          "{\"id\": \"y2\", \"program\": \"ICM\", \"manager\": \"i2\", \"contacts_this_month\": 4},"
                          "{\"id\": \"k03\", \"program\": \"SCM\", \"manager\": \"s1\"},"
                          "{\"id\": \"k04\", \"program\": \"SCM\", \"manager\": \"s1\", \"status\": \"transitional\","
                          " \"contacts_this_month\": 1},"
                          "{\"id\": \"k05\", \"program\": \"SCM\", \"manager\": \"s1\", \"contacts_this_month\": 2},"
                          "{\"id\": \"w1\", \"program\": \"SCM\"}");
    return buf;
}

static const char small_schedule[] =
    "{\"format\": \"caseload-schedule/1\", \"week\": {\"start\": \"2026-11-23\"},"
    " \"visits\": [{\"client\": \"k01\", \"staff\": \"i1\", \"day\": \"mon\", \"start\": \"09:00\", \"end\": \"10:00\","
    "   \"zone\": null, \"joint_with\": null},"
    "  {\"client\": \"k02\", \"staff\": \"i1\", \"day\": \"tue\", \"start\": \"09:00\", \"end\": \"10:00\","
    "   \"zone\": null, \"joint_with\": null}],"
    " \"shortfall\": [], \"on_call\": [], \"staff_days\": [],"
    " \"metrics\": {\"required\": 2, \"scheduled\": 2, \"coverage\": 1.0, \"travel_minutes\": 0}}";

static char *small_report_with(const char *dir, const char *args)
{
    char path[4200], *clients = small_clients();
    size_t need = sizeof small_instance + strlen(clients);
    char *text = malloc(need);
    assert_non_null(text);
    snprintf(text, need, small_instance, clients);
    snprintf(path, sizeof path, "%s/small.json", dir);
    write_text(path, text);
    snprintf(path, sizeof path, "%s/sched.json", dir);
    write_text(path, small_schedule);
    free(text);
    free(clients);
    run_result r =
        run_cli("report %s/small.json --schedule %s/sched.json %s -o %s/small.html --quiet", dir, dir, args, dir);
    if (r.status != 0)
        fail_msg("report exited %d: %s", r.status, r.err);
    run_result_dispose(&r);
    snprintf(path, sizeof path, "%s/small.html", dir);
    char *html = read_text(path);
    assert_non_null(html);
    return html;
}

static char *small_report(const char *dir)
{
    return small_report_with(dir, "");
}

/* A plan for the small agency, by hand: k01 moves from i1 to i2 (over_cap), x03 from i1 to i2 with a reason
 * code the report does not know (shown as it is), w1 waits with a reason holding markup. */
static void moves_and_waitlist_by_hand(void **state)
{
    (void)state;
    char *dir = temp_dir();
    char path[4200], *clients = small_clients(), assignments[8192];
    size_t n = 0;
    n += (size_t)snprintf(assignments + n, sizeof assignments - n,
                          "{\"client\": \"k01\", \"manager\": \"i2\"}, {\"client\": \"k02\", \"manager\": \"i1\"},"
                          "{\"client\": \"x03\", \"manager\": \"i2\"},");
    for (int i = 4; i <= 16; i++)
        n += (size_t)snprintf(assignments + n, sizeof assignments - n, "{\"client\": \"x%02d\", \"manager\": \"i1\"},",
                              i);
    snprintf(assignments + n, sizeof assignments - n,
             "{\"client\": \"y1\", \"manager\": \"i2\"}, {\"client\": \"y2\", \"manager\": \"i2\"},"
             "{\"client\": \"k03\", \"manager\": \"s1\"}, {\"client\": \"k04\", \"manager\": \"s1\"},"
             "{\"client\": \"k05\", \"manager\": \"s1\"}");
    char plan[12000];
    snprintf(plan, sizeof plan,
             "{\"format\": \"caseload-assignment/1\", \"status\": \"optimal\", \"assignments\": [%s],"
             " \"waitlist\": [{\"client\": \"w1\", \"reason\": \"no SCM manager <b>has room</b>\"}],"
             " \"moves\": [{\"client\": \"k01\", \"from\": \"i1\", \"to\": \"i2\", \"role\": \"manager\", \"reason\": "
             "\"over_cap\"},"
             "  {\"client\": \"x03\", \"from\": \"i1\", \"to\": \"i2\", \"role\": \"manager\", \"reason\": \"whim\"}]}",
             assignments);
    snprintf(path, sizeof path, "%s/plan.json", dir);
    write_text(path, plan);
    free(clients);
    char args[4400];
    snprintf(args, sizeof args, "--assignment %s", path);
    char *html = small_report_with(dir, args);
    assert_no_url(html);
    char *moves = section(html, "moves");
    assert_non_null(strstr(moves, "<p>2 moves."));
    assert_non_null(strstr(moves, "<th scope=\"row\">k01</th><td>ICM</td><td>manager</td><td>i1</td><td>i2</td><td>the "
                                  "previous worker was over capacity"));
    assert_non_null(strstr(moves, "<td>i2</td><td>whim</td>"));
    free(moves);
    char *wait = section(html, "wait");
    assert_non_null(strstr(wait, "1 clients wait in the plan"));
    assert_non_null(strstr(wait, "<th scope=\"row\">w1</th>"));
    assert_non_null(strstr(wait, "no SCM manager &lt;b&gt;has room&lt;&#47;b&gt;"));
    free(wait);
    /* Utilization before and after: i1 goes from 16 clients (133%) to 14 (117%), still over its cap. */
    assert_non_null(strstr(html, "i1: now 133% (over cap), plan 117% (over cap)"));
    free(html);
    free(dir);
}

static void compliance_by_hand(void **state)
{
    (void)state;
    char *dir = temp_dir();
    char *html = small_report(dir);
    assert_no_url(html);
    char *comp = section(html, "comp");
    /* Caseload per worker. */
    const char *i1 = strstr(comp, "<th scope=\"row\">i1</th>");
    assert_non_null(i1);
    const char *end = strstr(i1, "</tr>");
    assert_non_null(end);
    assert_true(strstr(i1, "<td class=\"num\">16</td>") < end);
    assert_true(strstr(i1, "above the 10\xe2\x80\x93"
                           "15 range") < end);
    const char *i2 = strstr(comp, "<th scope=\"row\">i2</th>");
    assert_non_null(i2);
    assert_true(strstr(i2, "below the range") < strstr(i2, "</tr>"));
    const char *s1 = strstr(comp, "<th scope=\"row\">s1</th>");
    assert_non_null(s1);
    assert_true(strstr(s1, "1:30") < strstr(s1, "</tr>"));
    assert_true(strstr(s1, "within the standard") < strstr(s1, "</tr>"));
    /* The contact minimum, counting this week's schedule. */
    assert_non_null(strstr(comp, "<th scope=\"row\">k01</th><td>ICM</td><td>i1</td><td class=\"num\">1</td>"
                                 "<td class=\"num\">1</td><td class=\"num\">4</td><td class=\"num warn\">2</td>"));
    assert_non_null(strstr(comp, "<th scope=\"row\">k03</th><td>SCM</td><td>s1</td><td class=\"num\">0</td>"
                                 "<td class=\"num\">0</td><td class=\"num\">2</td><td class=\"num warn\">2</td>"));
    assert_null(strstr(comp, "<th scope=\"row\">k02</th>"));
    assert_null(strstr(comp, "<th scope=\"row\">k04</th>"));
    assert_null(strstr(comp, "<th scope=\"row\">k05</th>"));
    assert_null(strstr(comp, "<th scope=\"row\">w1</th>"));
    assert_non_null(strstr(comp, "2 clients below their monthly minimum"));
    assert_non_null(strstr(comp, "1 waitlisted clients"));
    /* The Blended mix. */
    assert_non_null(strstr(comp, "<th scope=\"row\">t1</th><td class=\"num\">3</td><td class=\"num\">1</td>"));
    assert_non_null(strstr(comp, "NOT allowed"));
    /* No on-call rota in the schedule: every day uncovered. */
    assert_non_null(strstr(comp, "have nobody on call"));
    free(comp);
    /* Utilization: i1 at 16 of 12 is over its cap, in words. */
    assert_non_null(strstr(html, "i1: now 133% (over cap)"));
    free(html);
    free(dir);
}

/* Each invalid plan file: exit 3, its name and the JSON path in the message, nothing written. */
static void invalid_plan(const char *dir, const char *flag, const char *name, const char *text, const char *expect)
{
    char path[4200], out[4200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    snprintf(out, sizeof out, "%s/never.html", dir);
    write_text(path, text);
    run_result r = run_cli("report %s/instance.json %s %s -o %s", DATA, flag, path, out);
    if (r.status != 3)
        fail_msg("%s: exit %d, expected 3: %s", name, r.status, r.err);
    char want[4400];
    snprintf(want, sizeof want, "%s: %s", name, expect);
    if (strstr(r.err, want) == NULL)
        fail_msg("%s: message lacks \"%s\": %s", name, want, r.err);
    assert_int_not_equal(access(out, F_OK), 0);
    run_result_dispose(&r);
}

static void invalid_plan_files(void **state)
{
    (void)state;
    char *dir = temp_dir();
    invalid_plan(dir, "--assignment", "a1.json", "{\"format\": \"caseload-schedule/1\"}", "format: ");
    invalid_plan(dir, "--assignment", "a2.json",
                 "{\"format\": \"caseload-assignment/1\", \"assignments\": [{\"client\": \"nobody\", \"manager\": "
                 "\"s01\"}], \"waitlist\": []}",
                 "assignments[0].client: unknown client \"nobody\"");
    invalid_plan(dir, "--assignment", "a3.json", "{\"format\": ", "");
    invalid_plan(
        dir, "--schedule", "s1.json",
        "{\"format\": \"caseload-schedule/1\", \"visits\": [{\"client\": \"c001\", \"staff\": \"s13\", \"day\": "
        "\"someday\", \"start\": \"09:00\", \"end\": \"10:00\"}]}",
        "visits[0].day: unknown day \"someday\"");
    invalid_plan(
        dir, "--schedule", "s2.json",
        "{\"format\": \"caseload-schedule/1\", \"visits\": [{\"client\": \"c001\", \"staff\": \"s13\", \"day\": "
        "\"mon\", \"start\": \"9am\", \"end\": \"10:00\"}]}",
        "visits[0].start: \"9am\" is not a time");
    invalid_plan(dir, "--schedule", "s3.json", "{\"format\": \"caseload-schedule/1\"}", "visits: missing");
    invalid_plan(dir, "--schedule", "s4.json",
                 "{\"format\": \"caseload-schedule/1\", \"visits\": [], \"on_call\": [{\"group\": \"agency\", \"day\": "
                 "\"sat\", \"staff\": \"zz\"}]}",
                 "on_call[0].staff: unknown staff member \"zz\"");
    invalid_plan(dir, "--scenarios", "r1.json", "{\"format\": \"caseload-scenarios/1\", \"scenarios\": 3}",
                 "scenarios: a number where");
    invalid_plan(dir, "--scenarios", "r2.json", "[1, 2]", "format: ");
    /* A missing file is an I/O failure (exit 1) naming it. */
    run_result r = run_cli("report %s/instance.json --schedule %s/absent.json -o %s/x.html", DATA, dir, dir);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "absent.json"));
    run_result_dispose(&r);
    r = run_cli("report %s/instance.json --schedule", DATA);
    assert_int_equal(r.status, 2);
    run_result_dispose(&r);
    free(dir);
}

/* A scenarios input file (no metrics yet) is accepted; the page says the chart needs results. */
static void scenarios_without_metrics(void **state)
{
    (void)state;
    char *dir = temp_dir();
    char path[4200];
    snprintf(path, sizeof path, "%s/in.json", dir);
    write_text(path, "{\"format\": \"caseload-scenarios/1\", \"scenarios\": [{\"name\": \"SCM at 30\", \"changes\": "
                     "[{\"op\": \"set_cap\", \"program\": \"SCM\", \"caseload_cap\": 30}]}]}");
    char args[4300];
    snprintf(args, sizeof args, "--scenarios %s", path);
    char *html = report(dir, args);
    assert_non_null(strstr(html, "holds no metrics"));
    assert_null(strstr(html, "scen-0-t"));
    free(html);
    free(dir);
}

/* The files the other commands write now are read: assign, then schedule, then report. */
static void real_plans_are_read(void **state)
{
    (void)state;
    char *dir = temp_dir();
    run_result r = run_cli("assign %s/instance.json -o %s/a.json --quiet", DATA, dir);
    assert_int_equal(r.status, 0);
    run_result_dispose(&r);
    r = run_cli("schedule %s/instance.json --assignment %s/a.json -o %s/s.json --time-limit 30 --quiet", DATA, dir,
                dir);
    bool scheduled = r.status == 0;
    if (!scheduled)
        printf("[ note ] schedule exited %d (%s): reading the assignment only\n", r.status, r.err);
    run_result_dispose(&r);
    char args[8400];
    if (scheduled)
        snprintf(args, sizeof args, "--assignment %s/a.json --schedule %s/s.json", dir, dir);
    else
        snprintf(args, sizeof args, "--assignment %s/a.json", dir);
    char *html = report(dir, args);
    assert_no_url(html);
    if (scheduled) {
        char *week = section(html, "week");
        assert_non_null(strstr(week, "aria-labelledby=\"cal-s01-t cal-s01-d\""));
        free(week);
        from_id(html, "rota");
    }
    free(html);
    free(dir);
}

/* True when any line of text holds both a and b. */
static bool line_with(const char *text, const char *a, const char *b)
{
    for (const char *p = text; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        char *line = strndup(p, n);
        bool hit = strstr(line, a) && strstr(line, b);
        free(line);
        if (hit)
            return true;
        p = nl ? nl + 1 : NULL;
    }
    return false;
}

/* Headless Chromium renders the example report: a picture that is not blank, no console message, and no
 * network request made by the page (the net log's requests of a file:// page). */
static void renders_in_chromium(void **state)
{
    (void)state;
    if (access(CHROMIUM, X_OK) != 0) {
        printf("[ SKIPPED ] %s is absent: run scripts/setup.sh --test (as root) to install Debian chromium\n",
               CHROMIUM);
        skip();
    }
    char *dir = temp_dir();
    char *html = report(dir, "--assignment " DATA "/assignment.json --schedule " DATA "/schedule.json --scenarios " DATA
                             "/scenarios.json");
    assert_no_url(html);
    free(html);
    char cmd[8192];
    snprintf(cmd, sizeof cmd,
             "cd %s && timeout 120 " CHROMIUM " --headless --no-sandbox --disable-gpu --no-first-run "
             "--disable-background-networking --disable-component-update --disable-sync --user-data-dir=%s/profile "
             "--enable-logging=stderr --v=0 --log-net-log=%s/net.json --screenshot=%s/shot.png "
             "--window-size=1200,3000 file://%s/report.html >%s/chromium.log 2>&1",
             dir, dir, dir, dir, dir, dir);
    int st = system(cmd);
    char path[4200];
    snprintf(path, sizeof path, "%s/chromium.log", dir);
    char *log = read_text(path);
    assert_non_null(log);
    if (st != 0)
        fail_msg("chromium failed (%d): %s", st, log);
    if (line_with(log, "CONSOLE", "rror") || line_with(log, "CONSOLE", "\""))
        fail_msg("the page logged to the console: %s", log);
    snprintf(path, sizeof path, "%s/net.json", dir);
    char *net = read_text(path);
    if (net != NULL) {
        /* Requests made for the page carry its file:// isolation key; Chromium's own are not the page's. */
        if (line_with(net, "\"network_isolation_key\":\"file://", "\"url\":\"http") ||
            line_with(net, "\"network_isolation_key\":\"file://", "\"url\":\"ws"))
            fail_msg("the page made a network request");
        free(net);
    }
    snprintf(path, sizeof path, "%s/shot.png", dir);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_true(sb.st_size > 1000);
    snprintf(cmd, sizeof cmd, "python3 %s/tests/png_not_blank.py %s", CL_SOURCE_DIR, path);
    assert_int_equal(system(cmd), 0);
    printf("[ browser ] screenshot kept at %s\n", path);
    snprintf(cmd, sizeof cmd, "rm -rf %s/profile", dir); /* Chromium's profile: megabytes, of no use after */
    assert_int_equal(system(cmd), 0);
    free(log);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(full_report_has_every_part),
        cmocka_unit_test(without_assignment_shows_the_current_state),
        cmocka_unit_test(deterministic),
        cmocka_unit_test(agency_name_is_escaped),
        cmocka_unit_test(compliance_by_hand),
        cmocka_unit_test(moves_and_waitlist_by_hand),
        cmocka_unit_test(invalid_plan_files),
        cmocka_unit_test(scenarios_without_metrics),
        cmocka_unit_test(real_plans_are_read),
        cmocka_unit_test(renders_in_chromium),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
