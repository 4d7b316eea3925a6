/* schedule_json.c: caseload-schedule/1 out and in (SPEC §6.4). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../model/rules.h"
#include "../model/verify.h"
#include "../solver/schedule.h"
#include "io.h"
#include "json_util.h"

static json_t *hhmm(int min)
{
    char b[16];
    snprintf(b, sizeof b, "%02d:%02d", (min / 60) % 100, min % 60);
    return json_string(b);
}

static json_t *staff_ref(const cl_instance *inst, int s)
{
    return s >= 0 ? json_string(inst->staff[s].id) : json_null();
}

char *cl_schedule_to_json(const cl_instance *inst, const cl_schedule *s)
{
    json_t *root = json_object();
    if (root == NULL)
        return NULL;
    cl_schedule_metrics m = cl_schedule_metrics_of(s);
    json_object_set_new(root, "format", json_string("caseload-schedule/1"));
    json_t *week = json_object();
    json_object_set_new(week, "start", json_string(inst->week_start));
    json_object_set_new(root, "week", week);
    json_t *solver = json_object();
    json_object_set_new(solver, "status", json_string(cl_schedule_status_names[cl_schedule_status_of(s)]));
    /* What "optimal" does not cover: the levels after spread that GLPK did not prove in their share of the work
     * (improved by local moves and a short search). */
    json_t *local = json_array();
    if (cl_schedule_unproven(s) & CL_SCHED_TRAVEL)
        json_array_append_new(local, json_string("travel"));
    if (cl_schedule_unproven(s) & CL_SCHED_LATEST_END)
        json_array_append_new(local, json_string("latest_end"));
    json_object_set_new(solver, "local_search", local);
    json_object_set_new(root, "solver", solver);

    int n;
    const cl_visit *v = cl_schedule_visits(s, &n);
    json_t *visits = json_array();
    for (int i = 0; i < n; i++) {
        json_t *e = json_object();
        json_object_set_new(e, "client", json_string(inst->clients[v[i].client].id));
        json_object_set_new(e, "staff", json_string(inst->staff[v[i].staff].id));
        json_object_set_new(e, "day", json_string(cl_day_names[v[i].day]));
        json_object_set_new(e, "start", hhmm(v[i].start_min));
        json_object_set_new(e, "end", hhmm(v[i].end_min));
        json_object_set_new(e, "zone", v[i].zone >= 0 ? json_string(inst->zones[v[i].zone]) : json_null());
        json_object_set_new(e, "joint_with", staff_ref(inst, v[i].joint_with));
        if (v[i].covering_for >= 0)
            json_object_set_new(e, "covering_for", json_string(inst->staff[v[i].covering_for].id));
        json_array_append_new(visits, e);
    }
    json_object_set_new(root, "visits", visits);

    const cl_shortfall *sh = cl_schedule_shortfalls(s, &n);
    json_t *shorts = json_array();
    for (int i = 0; i < n; i++) {
        json_t *e = json_object();
        json_object_set_new(e, "client", json_string(inst->clients[sh[i].client].id));
        json_object_set_new(e, "required", json_integer(sh[i].required));
        json_object_set_new(e, "scheduled", json_integer(sh[i].scheduled));
        json_object_set_new(e, "reason", json_string(sh[i].reason));
        json_array_append_new(shorts, e);
    }
    json_object_set_new(root, "shortfall", shorts);

    const cl_on_call *oc = cl_schedule_on_call(s, &n);
    json_t *rota = json_array();
    for (int i = 0; i < n; i++) {
        json_t *e = json_object();
        json_object_set_new(e, "group", json_string(oc[i].team >= 0 ? inst->teams[oc[i].team].id : "agency"));
        json_object_set_new(e, "day", json_string(cl_day_names[oc[i].day]));
        json_object_set_new(e, "staff", staff_ref(inst, oc[i].staff));
        if (oc[i].staff < 0)
            json_object_set_new(e, "reason", json_string(cl_on_call_none_reason(oc[i].team)));
        json_array_append_new(rota, e);
    }
    json_object_set_new(root, "on_call", rota);

    const cl_staff_day *sd = cl_schedule_staff_days(s, &n);
    json_t *days = json_array();
    for (int i = 0; i < n; i++) {
        json_t *e = json_object();
        json_object_set_new(e, "staff", json_string(inst->staff[sd[i].staff].id));
        json_object_set_new(e, "day", json_string(cl_day_names[sd[i].day]));
        json_object_set_new(e, "visits", json_integer(sd[i].visits));
        json_object_set_new(e, "visit_minutes", json_integer(sd[i].visit_minutes));
        json_object_set_new(e, "travel_minutes", json_integer(sd[i].travel_minutes));
        json_object_set_new(e, "end", hhmm(sd[i].end_min));
        json_array_append_new(days, e);
    }
    json_object_set_new(root, "staff_days", days);

    /* Who holds each client: verify checks the schedule against these (an added field, SPEC §6.4). */
    const cl_schedule_client *sc = cl_schedule_clients(s);
    json_t *clients = json_array();
    for (int c = 0; c < inst->n_clients; c++) {
        if (sc[c].manager < 0)
            continue;
        json_t *e = json_object();
        json_object_set_new(e, "client", json_string(inst->clients[c].id));
        json_object_set_new(e, "manager", staff_ref(inst, sc[c].manager));
        json_object_set_new(e, "peer", staff_ref(inst, sc[c].peer));
        json_object_set_new(e, "required", json_integer(sc[c].required));
        json_object_set_new(e, "scheduled", json_integer(sc[c].scheduled));
        json_array_append_new(clients, e);
    }
    json_object_set_new(root, "clients", clients);

    json_t *met = json_object();
    json_object_set_new(met, "required", json_integer(m.required));
    json_object_set_new(met, "scheduled", json_integer(m.scheduled));
    json_object_set_new(met, "coverage", clp_json_num(m.coverage, 4));
    json_object_set_new(met, "coverage_bound", clp_json_num(m.coverage_bound, 4));
    json_object_set_new(met, "travel_minutes", clp_json_num(m.travel_minutes, 2));
    json_object_set_new(root, "metrics", met);
    return clp_json_dump(root);
}

/* ---- reading ---- */

static int time_field(clp_jr *r, json_t *e, const char *key)
{
    const char *s = NULL;
    if (!clp_jr_string(r, e, key, &s)) {
        if (json_object_get(e, key) == NULL)
            clp_jr_missing(r, key, "a time \"HH:MM\"");
        return -1;
    }
    int h = 0, m = 0;
    char tail = 0;
    if (sscanf(s, "%d:%d%c", &h, &m, &tail) != 2 || h < 0 || h > 47 || m < 0 || m > 59) {
        size_t l = clp_jr_key(r, key);
        clp_jr_err(r, "bad time \"%.16s\" (expected \"HH:MM\")", s);
        clp_jr_pop(r, l);
        return -1;
    }
    return h * 60 + m;
}

static int day_field(clp_jr *r, json_t *e, const char *key)
{
    const char *s = NULL;
    if (!clp_jr_string(r, e, key, &s)) {
        if (json_object_get(e, key) == NULL)
            clp_jr_missing(r, key, "a day name");
        return -1;
    }
    int d = cl_day_parse(s);
    if (d < 0) {
        size_t l = clp_jr_key(r, key);
        clp_jr_err(r, "unknown day \"%.16s\" (expected mon, tue, wed, thu, fri, sat, sun)", s);
        clp_jr_pop(r, l);
    }
    return d;
}

/* A staff id: returns the index, CL_NONE for null or absent (when allowed), -2 on a problem (reported). */
static int staff_field(clp_jr *r, const cl_instance *inst, json_t *e, const char *key, bool required)
{
    json_t *v = json_object_get(e, key);
    if (v == NULL || json_is_null(v)) {
        if (required) {
            clp_jr_missing(r, key, "a staff id");
            return -2;
        }
        return CL_NONE;
    }
    size_t l = clp_jr_key(r, key);
    int s = -2;
    if (!json_is_string(v))
        clp_jr_err(r, "%s where a staff id is expected (expected a string)", clp_json_type_name(v));
    else if ((s = cl_instance_find_staff(inst, json_string_value(v))) == CL_NONE) {
        clp_jr_err(r, "unknown staff member \"%.64s\" (expected an id from the instance's staff)",
                   json_string_value(v));
        s = -2;
    }
    clp_jr_pop(r, l);
    return s;
}

static int client_field(clp_jr *r, const cl_instance *inst, json_t *e)
{
    const char *id = NULL;
    if (!clp_jr_string(r, e, "client", &id)) {
        if (json_object_get(e, "client") == NULL)
            clp_jr_missing(r, "client", "a client id");
        return CL_NONE;
    }
    int c = cl_instance_find_client(inst, id);
    if (c == CL_NONE) {
        size_t l = clp_jr_key(r, "client");
        clp_jr_err(r, "unknown client \"%.64s\" (expected an id from the instance's clients)", id);
        clp_jr_pop(r, l);
    }
    return c;
}

static int zone_field(clp_jr *r, const cl_instance *inst, json_t *e, bool *ok)
{
    json_t *v = json_object_get(e, "zone");
    *ok = true;
    if (v == NULL || json_is_null(v))
        return CL_NONE;
    int z = json_is_string(v) ? cl_instance_find_zone(inst, json_string_value(v)) : CL_NONE;
    if (z == CL_NONE) {
        size_t l = clp_jr_key(r, "zone");
        clp_jr_err(r, "unknown zone (expected one of the instance's zones or null)");
        clp_jr_pop(r, l);
        *ok = false;
    }
    return z;
}

/* Reports e.key, an integer the file states about `what` (e.g. "client c1"), when it differs from actual, the
 * figure its records give; truth says what that is in words, e.g. "its weekly quota is". */
static void check_int(clp_jr *r, json_t *e, const char *key, int actual, const char *what, const char *truth)
{
    int said = 0;
    if (!clp_jr_int(r, e, key, &said) || said == actual)
        return;
    size_t l = clp_jr_key(r, key);
    clp_jr_err(r, "%s: says %d, but %s %d", what, said, truth, actual);
    clp_jr_pop(r, l);
}

/* clients[] and shortfall[] as stated: each listed client's required (its quota, cl_weekly_quota, as
 * cl_schedule_finish counts it) and scheduled (the contacts its visits make). Unknown ids were reported when
 * the records were read. */
static void check_client_claims(clp_jr *r, json_t *root, const cl_instance *inst, const cl_schedule *s)
{
    static const char *const lists[] = {"clients", "shortfall"};
    const cl_schedule_client *sc = cl_schedule_clients(s);
    for (int k = 0; k < 2; k++) {
        json_t *arr = json_object_get(root, lists[k]), *e;
        size_t i, l = clp_jr_key(r, lists[k]);
        json_array_foreach (arr, i, e) {
            json_t *id = json_is_object(e) ? json_object_get(e, "client") : NULL;
            int c = json_is_string(id) ? cl_instance_find_client(inst, json_string_value(id)) : CL_NONE;
            if (c < 0)
                continue;
            char what[96];
            snprintf(what, sizeof what, "client %s", inst->clients[c].id);
            size_t l2 = clp_jr_idx(r, i);
            check_int(r, e, "required", sc[c].required, what, "its weekly quota is");
            check_int(r, e, "scheduled", sc[c].scheduled, what, "its visits make");
            clp_jr_pop(r, l2);
        }
        clp_jr_pop(r, l);
    }
}

/* One stated staff-day e, staff member st's day d, against the recomputed ones sd[0..n); said marks those met. */
static void check_staff_day(clp_jr *r, json_t *e, const cl_instance *inst, const cl_staff_day *sd, int n, bool *said,
                            int st, int d)
{
    char what[96];
    snprintf(what, sizeof what, "%s on %s", inst->staff[st].id, cl_day_names[d]);
    int k = 0;
    while (k < n && (sd[k].staff != st || sd[k].day != d))
        k++;
    if (k == n) {
        clp_jr_err(r, "%s: the schedule has no visits that day", what);
        return;
    }
    if (said[k]) {
        clp_jr_err(r, "%s: listed more than once", what);
        return;
    }
    said[k] = true;
    check_int(r, e, "visits", sd[k].visits, what, "its visits number");
    check_int(r, e, "visit_minutes", sd[k].visit_minutes, what, "its visits last");
    check_int(r, e, "travel_minutes", sd[k].travel_minutes, what, "its route travels");
    int end = time_field(r, e, "end");
    if (end >= 0 && end != sd[k].end_min) {
        size_t l = clp_jr_key(r, "end");
        clp_jr_err(r, "%s: says %02d:%02d, but its route is back at base at %02d:%02d", what, end / 60, end % 60,
                   sd[k].end_min / 60, sd[k].end_min % 60);
        clp_jr_pop(r, l);
    }
}

/* staff_days[] as stated, when the file states them, against those recomputed from the visits
 * (cl_schedule_finish): every staff-day with visits listed once, with its visits, minutes, travel and end. */
static int check_staff_days(clp_jr *r, json_t *root, const cl_instance *inst, const cl_schedule *s)
{
    if (json_object_get(root, "staff_days") == NULL)
        return CL_OK;
    int n;
    const cl_staff_day *sd = cl_schedule_staff_days(s, &n);
    bool *said = calloc((size_t)n + 1, sizeof *said);
    if (said == NULL)
        return CL_ENOMEM;
    json_t *days = clp_jr_array(r, root, "staff_days"), *e;
    size_t i, l = clp_jr_key(r, "staff_days");
    json_array_foreach (days, i, e) {
        size_t l2 = clp_jr_idx(r, i);
        if (json_is_object(e)) {
            int st = staff_field(r, inst, e, "staff", true), d = day_field(r, e, "day");
            if (st >= 0 && d >= 0)
                check_staff_day(r, e, inst, sd, n, said, st, d);
        } else {
            clp_jr_err(r, "%s where a staff-day is expected (expected an object)", clp_json_type_name(e));
        }
        clp_jr_pop(r, l2);
    }
    for (int k = 0; k < n && days != NULL; k++)
        if (!said[k])
            clp_jr_err(r, "lists no entry for %s on %s, who has %d visit%s that day", inst->staff[sd[k].staff].id,
                       cl_day_names[sd[k].day], sd[k].visits, sd[k].visits == 1 ? "" : "s");
    clp_jr_pop(r, l);
    free(said);
    return CL_OK;
}

/* The on-call rota, group by group, as even per FTE as it can be (cl_verify_on_call). */
static int check_on_call(const cl_instance *inst, const cl_schedule *s, cl_diags *diags)
{
    int n;
    const cl_on_call *oc = cl_schedule_on_call(s, &n);
    int *who = malloc(((size_t)n + 1) * sizeof *who);
    if (who == NULL)
        return CL_ENOMEM;
    for (int i = 0, j; i < n; i = j) {
        for (j = i; j < n && oc[j].team == oc[i].team; j++)
            who[j - i] = oc[j].staff;
        cl_verify_on_call(inst, oc[i].team, who, j - i, diags);
    }
    free(who);
    return CL_OK;
}

int cl_schedule_read(cl_schedule **out, cl_schedule_metrics *claimed, bool *has_claimed, const cl_instance *inst,
                     const char *path, cl_diags *diags, cl_error *err)
{
    json_t *root = NULL;
    int rc = clp_json_load(&root, path, diags, err);
    if (rc != CL_OK)
        return rc;
    clp_jr r = {.d = diags};
    cl_schedule *s = NULL;
    int *mgr = malloc(((size_t)inst->n_clients + 1) * sizeof *mgr);
    int *peer = malloc(((size_t)inst->n_clients + 1) * sizeof *peer);
    bool *listed = calloc((size_t)inst->n_clients + 1, sizeof *listed);
    if (mgr == NULL || peer == NULL || listed == NULL) {
        rc = cl_error_set(err, CL_ENOMEM, path, "out of memory");
        goto done;
    }
    json_t *f = json_is_object(root) ? json_object_get(root, "format") : NULL;
    if (!json_is_string(f) || strcmp(json_string_value(f), "caseload-schedule/1") != 0) {
        clp_jr_key(&r, "format");
        clp_jr_err(&r, "not a schedule (expected \"caseload-schedule/1\")");
        rc = CL_EINVALID;
        goto done;
    }
    size_t i, l;
    json_t *e;
    /* Who holds each client: the schedule's own list, else the instance's current state. */
    json_t *clients = json_object_get(root, "clients");
    if (json_is_array(clients)) {
        for (int c = 0; c < inst->n_clients; c++)
            mgr[c] = peer[c] = CL_NONE;
        l = clp_jr_key(&r, "clients");
        json_array_foreach (clients, i, e) {
            size_t l2 = clp_jr_idx(&r, i);
            int c = json_is_object(e) ? client_field(&r, inst, e) : CL_NONE;
            if (c >= 0 && listed[c]) {
                clp_jr_err(&r, "client %s is listed more than once", inst->clients[c].id);
            } else if (c >= 0) {
                listed[c] = true;
                int m = staff_field(&r, inst, e, "manager", false), p = staff_field(&r, inst, e, "peer", false);
                mgr[c] = m >= 0 ? m : CL_NONE;
                peer[c] = p >= 0 ? p : CL_NONE;
            }
            clp_jr_pop(&r, l2);
        }
        clp_jr_pop(&r, l);
    } else {
        for (int c = 0; c < inst->n_clients; c++) {
            mgr[c] = inst->clients[c].manager;
            peer[c] = inst->clients[c].peer;
        }
    }
    s = cl_schedule_new(inst, mgr, peer);
    if (s == NULL) {
        rc = cl_error_set(err, CL_ENOMEM, path, "out of memory");
        goto done;
    }
    json_t *visits = clp_jr_array(&r, root, "visits");
    l = clp_jr_key(&r, "visits");
    json_array_foreach (visits, i, e) {
        size_t l2 = clp_jr_idx(&r, i);
        if (!json_is_object(e)) {
            clp_jr_err(&r, "%s where a visit is expected (expected an object)", clp_json_type_name(e));
            clp_jr_pop(&r, l2);
            continue;
        }
        bool zok;
        cl_visit v = {.client = client_field(&r, inst, e),
                      .staff = staff_field(&r, inst, e, "staff", true),
                      .day = day_field(&r, e, "day"),
                      .start_min = time_field(&r, e, "start"),
                      .end_min = time_field(&r, e, "end"),
                      .zone = zone_field(&r, inst, e, &zok),
                      .joint_with = staff_field(&r, inst, e, "joint_with", false),
                      .covering_for = staff_field(&r, inst, e, "covering_for", false)};
        if (v.client >= 0 && v.staff >= 0 && v.day >= 0 && v.start_min >= 0 && v.end_min >= 0 && zok &&
            v.joint_with != -2 && v.covering_for != -2 && cl_schedule_add_visit(s, &v) != CL_OK) {
            rc = cl_error_set(err, CL_ENOMEM, path, "out of memory");
            goto done;
        }
        clp_jr_pop(&r, l2);
    }
    clp_jr_pop(&r, l);
    json_t *rota = clp_jr_array(&r, root, "on_call");
    l = clp_jr_key(&r, "on_call");
    json_array_foreach (rota, i, e) {
        size_t l2 = clp_jr_idx(&r, i);
        const char *g = NULL;
        if (json_is_object(e) && clp_jr_string(&r, e, "group", &g)) {
            int t = strcmp(g, "agency") == 0 ? CL_NONE : cl_instance_find_team(inst, g);
            cl_on_call o = {
                .team = t, .day = day_field(&r, e, "day"), .staff = staff_field(&r, inst, e, "staff", false)};
            if (t == CL_NONE && strcmp(g, "agency") != 0) {
                size_t l3 = clp_jr_key(&r, "group");
                clp_jr_err(&r, "unknown group \"%.64s\" (expected \"agency\" or a team id)", g);
                clp_jr_pop(&r, l3);
            } else if (o.day >= 0 && o.staff != -2 && cl_schedule_add_on_call(s, &o) != CL_OK) {
                rc = cl_error_set(err, CL_ENOMEM, path, "out of memory");
                goto done;
            }
        } else {
            clp_jr_err(&r, "an on-call entry needs a \"group\" string");
        }
        clp_jr_pop(&r, l2);
    }
    clp_jr_pop(&r, l);
    json_t *shorts = json_object_get(root, "shortfall");
    l = clp_jr_key(&r, "shortfall");
    json_array_foreach (shorts, i, e) {
        size_t l2 = clp_jr_idx(&r, i);
        int c = json_is_object(e) ? client_field(&r, inst, e) : CL_NONE;
        const char *why = NULL;
        if (c >= 0) {
            clp_jr_string(&r, e, "reason", &why);
            if (cl_schedule_add_shortfall(s, c, why) != CL_OK) {
                rc = cl_error_set(err, CL_ENOMEM, path, "out of memory");
                goto done;
            }
        }
        clp_jr_pop(&r, l2);
    }
    clp_jr_pop(&r, l);
    if (cl_schedule_finish(s, inst) != CL_OK) {
        rc = cl_error_set(err, CL_ENOMEM, path, "out of memory");
        goto done;
    }
    /* What the file claims besides its records: verify reads schedules through here, so the assignment the
     * schedule was made for is held to SPEC §4.1-4.2 and every figure it states is compared with the one its
     * records give (the records themselves are checked against §6.2 by cl_schedule_verify). */
    cl_verify_schedule_assignment(inst, mgr, peer, diags);
    check_client_claims(&r, root, inst, s);
    if (check_staff_days(&r, root, inst, s) != CL_OK || check_on_call(inst, s, diags) != CL_OK) {
        rc = cl_error_set(err, CL_ENOMEM, path, "out of memory");
        goto done;
    }
    json_t *met = json_object_get(root, "metrics");
    if (has_claimed)
        *has_claimed = json_is_object(met);
    if (json_is_object(met)) {
        cl_schedule_metrics said = {0}, m = cl_schedule_metrics_of(s);
        l = clp_jr_key(&r, "metrics");
        double x;
        clp_jr_int(&r, met, "required", &said.required);
        clp_jr_int(&r, met, "scheduled", &said.scheduled);
        if (clp_jr_number(&r, met, "coverage", &x))
            said.coverage = x;
        if (clp_jr_number(&r, met, "travel_minutes", &x))
            said.travel_minutes = x;
        /* The bound says no schedule covers more: not below what this one covers, nor above what the days
         * alone allow (cl_schedule_finish). The other figures are compared by cl_schedule_verify_file. */
        if (clp_jr_number(&r, met, "coverage_bound", &x)) {
            said.coverage_bound = x;
            size_t l2 = clp_jr_key(&r, "coverage_bound");
            if (x < m.coverage - 1e-3)
                clp_jr_err(&r, "says %g, below the coverage %g this schedule reaches", x, m.coverage);
            else if (x > m.coverage_bound + 1e-3)
                clp_jr_err(&r, "says %g, above %g, the most the clients' days and the staff's working days allow", x,
                           m.coverage_bound);
            clp_jr_pop(&r, l2);
        }
        clp_jr_pop(&r, l);
        if (claimed)
            *claimed = said;
    }
    *out = s;
    s = NULL;
done:
    cl_schedule_free(s);
    free(listed);
    free(mgr);
    free(peer);
    json_decref(root);
    return rc;
}
