/* report.c: the supervisor's HTML report (SPEC §9): reading the plan files, then one self-contained page. */
#include "report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../model/plan.h"
#include "../model/rules.h"
#include "html.h"
#include "io.h"
#include "json_util.h"

/* ---------------------------------------------------------------------------------------------------------
 * The inputs
 * ------------------------------------------------------------------------------------------------------- */

/* One visit of a schedule (SPEC §6.4); times in minutes after midnight, ids as indices. */
typedef struct visit {
    int client, staff, day, start, end;
    int zone;         /* zone index or CL_NONE */
    int joint_with;   /* staff index or CL_NONE */
    int covering_for; /* staff index or CL_NONE */
} visit;

typedef struct shortfall_row {
    int client;
    int required, scheduled;
    char *reason;
} shortfall_row;

typedef struct oncall_row {
    char *group; /* "agency" or a team id */
    int day;
    int staff;
} oncall_row;

typedef struct staffday_row {
    int staff, day, visits, visit_minutes, travel_minutes, end; /* end: minutes after midnight, -1 unknown */
} staffday_row;

/* One named number of a scenario's metrics. */
typedef struct metric {
    char *key;
    double value;
} metric;

typedef struct scenario {
    char *name;
    metric *m;
    int n;
} scenario;

struct cl_report {
    const cl_instance *inst;
    cl_assignment *before;                                  /* from the clients' current manager and peer */
    cl_assignment *after;                                   /* the plan, NULL when none was given */
    char *plan_status;                                      /* the assignment's status, NULL when absent */
    char *assignment_file, *schedule_file, *scenarios_file; /* base names, for the header */

    bool has_schedule;
    visit *visits;
    int n_visits;
    shortfall_row *shortfalls;
    int n_shortfalls;
    oncall_row *oncall;
    int n_oncall;
    staffday_row *staffdays;
    int n_staffdays;
    bool has_sched_metrics;
    double sched_required, sched_scheduled, sched_coverage, sched_travel;

    bool has_scenarios;
    scenario *scen;
    int n_scen;
    scenario baseline;
    bool has_baseline;
};

static void scenario_dispose(scenario *s)
{
    for (int i = 0; i < s->n; i++)
        free(s->m[i].key);
    free(s->m);
    free(s->name);
    memset(s, 0, sizeof *s);
}

static void clear_schedule(cl_report *r)
{
    free(r->visits);
    for (int i = 0; i < r->n_shortfalls; i++)
        free(r->shortfalls[i].reason);
    free(r->shortfalls);
    for (int i = 0; i < r->n_oncall; i++)
        free(r->oncall[i].group);
    free(r->oncall);
    free(r->staffdays);
    free(r->schedule_file);
    r->visits = NULL;
    r->shortfalls = NULL;
    r->oncall = NULL;
    r->staffdays = NULL;
    r->schedule_file = NULL;
    r->n_visits = r->n_shortfalls = r->n_oncall = r->n_staffdays = 0;
    r->has_schedule = r->has_sched_metrics = false;
}

static void clear_scenarios(cl_report *r)
{
    for (int i = 0; i < r->n_scen; i++)
        scenario_dispose(&r->scen[i]);
    free(r->scen);
    scenario_dispose(&r->baseline);
    free(r->scenarios_file);
    r->scen = NULL;
    r->n_scen = 0;
    r->scenarios_file = NULL;
    r->has_scenarios = r->has_baseline = false;
}

cl_report *cl_report_new(const cl_instance *inst)
{
    cl_report *r = calloc(1, sizeof *r);
    if (r == NULL)
        return NULL;
    r->inst = inst;
    r->before = cl_assignment_new(inst->n_clients);
    if (r->before == NULL) {
        free(r);
        return NULL;
    }
    for (int c = 0; c < inst->n_clients; c++) {
        r->before->manager[c] = inst->clients[c].manager;
        r->before->peer[c] = inst->clients[c].peer;
    }
    return r;
}

void cl_report_free(cl_report *r)
{
    if (r == NULL)
        return;
    cl_assignment_free(r->before);
    cl_assignment_free(r->after);
    free(r->plan_status);
    free(r->assignment_file);
    clear_schedule(r);
    clear_scenarios(r);
    free(r);
}

static char *base_name(const char *path)
{
    const char *b = strrchr(path, '/');
    return strdup(b ? b + 1 : path);
}

/* Reads a staff id field of e that may be absent or null; reports an unknown id. Returns the index,
 * CL_NONE when absent, or -2 after an error. */
static int opt_staff(clp_jr *jr, const cl_instance *inst, json_t *e, const char *key)
{
    json_t *v = json_object_get(e, key);
    if (v == NULL || json_is_null(v))
        return CL_NONE;
    size_t l = clp_jr_key(jr, key);
    int s = -2;
    if (!json_is_string(v))
        clp_jr_err(jr, "%s where a staff id is expected (expected a string or null)", clp_json_type_name(v));
    else if ((s = cl_instance_find_staff(inst, json_string_value(v))) == CL_NONE) {
        clp_jr_err(jr, "unknown staff member \"%.64s\" (expected an id from the instance's staff)",
                   json_string_value(v));
        s = -2;
    }
    clp_jr_pop(jr, l);
    return s;
}

/* A required id field: client or staff. Returns the index or CL_NONE after reporting. */
static int req_id(clp_jr *jr, const cl_instance *inst, json_t *e, const char *key, bool client)
{
    const char *id = NULL;
    if (!clp_jr_string(jr, e, key, &id)) {
        if (json_object_get(e, key) == NULL)
            clp_jr_missing(jr, key, client ? "a client id" : "a staff id");
        return CL_NONE;
    }
    int i = client ? cl_instance_find_client(inst, id) : cl_instance_find_staff(inst, id);
    if (i == CL_NONE) {
        size_t l = clp_jr_key(jr, key);
        clp_jr_err(jr, "unknown %s \"%.64s\" (expected an id from the instance's %s)",
                   client ? "client" : "staff member", id, client ? "clients" : "staff");
        clp_jr_pop(jr, l);
    }
    return i;
}

/* "HH:MM" to minutes after midnight; -1 when malformed. Up to 47:59, so that a late end still reads. */
static int parse_hhmm(const char *s)
{
    if (s == NULL || strlen(s) != 5 || s[2] != ':')
        return -1;
    for (int i = 0; i < 5; i++)
        if (i != 2 && (s[i] < '0' || s[i] > '9'))
            return -1;
    int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
    return h < 48 && m < 60 ? h * 60 + m : -1;
}

static int req_time(clp_jr *jr, json_t *e, const char *key)
{
    const char *s = NULL;
    if (!clp_jr_string(jr, e, key, &s)) {
        if (json_object_get(e, key) == NULL)
            clp_jr_missing(jr, key, "a time \"HH:MM\"");
        return -1;
    }
    int t = parse_hhmm(s);
    if (t < 0) {
        size_t l = clp_jr_key(jr, key);
        clp_jr_err(jr, "\"%.16s\" is not a time (expected \"HH:MM\")", s);
        clp_jr_pop(jr, l);
    }
    return t;
}

static int req_day(clp_jr *jr, json_t *e, const char *key)
{
    const char *s = NULL;
    if (!clp_jr_string(jr, e, key, &s)) {
        if (json_object_get(e, key) == NULL)
            clp_jr_missing(jr, key, "a day (mon .. sun)");
        return CL_NONE;
    }
    int d = cl_day_parse(s);
    if (d == CL_NONE) {
        size_t l = clp_jr_key(jr, key);
        clp_jr_err(jr, "unknown day \"%.16s\" (expected mon, tue, wed, thu, fri, sat or sun)", s);
        clp_jr_pop(jr, l);
    }
    return d;
}

static int opt_int(clp_jr *jr, json_t *e, const char *key, int dflt)
{
    double v = dflt;
    clp_jr_number(jr, e, key, &v);
    return (int)lround(v);
}

/* Loads path and checks its format; returns 0 with *root set, or the error. */
static int load_format(json_t **root, const char *path, const char *format, clp_jr *jr, cl_error *err)
{
    int rc = clp_json_load(root, path, jr->d, err);
    if (rc != CL_OK)
        return rc;
    json_t *f = json_is_object(*root) ? json_object_get(*root, "format") : NULL;
    if (!json_is_string(f) || strcmp(json_string_value(f), format) != 0) {
        size_t l = clp_jr_key(jr, "format");
        if (!json_is_object(*root))
            clp_jr_err(jr, "the document is %s (expected an object with \"format\": \"%s\")", clp_json_type_name(*root),
                       format);
        else if (!json_is_string(f))
            clp_jr_err(jr, "missing or not a string (expected \"%s\")", format);
        else
            clp_jr_err(jr, "\"%.64s\" is not the expected format (expected \"%s\")", json_string_value(f), format);
        clp_jr_pop(jr, l);
        json_decref(*root);
        *root = NULL;
        return CL_EINVALID;
    }
    return CL_OK;
}

/* The reasons of an assignment's moves, read into it. */
typedef struct moves_reading {
    const cl_instance *inst;
    cl_assignment *a;
} moves_reading;

static void move_at(clp_jr *jr, json_t *e, size_t i, void *ctx)
{
    (void)i;
    moves_reading *mr = ctx;
    int c = req_id(jr, mr->inst, e, "client", true);
    const char *role = "manager", *why = NULL;
    clp_jr_string(jr, e, "role", &role);
    clp_jr_string(jr, e, "reason", &why);
    if (strcmp(role, "manager") != 0 && strcmp(role, "peer") != 0) {
        size_t l3 = clp_jr_key(jr, "role");
        clp_jr_err(jr, "unknown role \"%.32s\" (expected manager or peer)", role);
        clp_jr_pop(jr, l3);
    } else if (c >= 0 && why != NULL) {
        char **slot = strcmp(role, "peer") == 0 ? &mr->a->peer_move_reason[c] : &mr->a->move_reason[c];
        free(*slot);
        *slot = strdup(why);
    }
}

int cl_report_add_assignment(cl_report *r, const char *path, cl_diags *diags, cl_error *err)
{
    const cl_instance *inst = r->inst;
    clp_jr jr = {.d = diags};
    json_t *root = NULL;
    cl_assignment *a = NULL;
    size_t errors0 = diags->errors;
    int rc = load_format(&root, path, "caseload-assignment/1", &jr, err);
    if (rc != CL_OK)
        goto done;
    /* Unknown client ids are reported here and the file goes no further: the reader's bookkeeping of repeated
     * clients is not to be trusted with an index it could not resolve. */
    static const char *const lists[] = {"assignments", "waitlist"};
    for (size_t k = 0; k < 2; k++) {
        json_t *arr = json_object_get(root, lists[k]);
        size_t i;
        json_t *e;
        size_t l = clp_jr_key(&jr, lists[k]);
        json_array_foreach (arr, i, e) {
            json_t *id = json_is_object(e) ? json_object_get(e, "client") : NULL;
            if (!json_is_string(id) || cl_instance_find_client(inst, json_string_value(id)) != CL_NONE)
                continue;
            size_t l2 = clp_jr_idx(&jr, i);
            size_t l3 = clp_jr_key(&jr, "client");
            clp_jr_err(&jr, "unknown client \"%.64s\" (expected an id from the instance's clients)",
                       json_string_value(id));
            clp_jr_pop(&jr, l3);
            clp_jr_pop(&jr, l2);
        }
        clp_jr_pop(&jr, l);
    }
    if (diags->errors > errors0) {
        rc = CL_EINVALID;
        goto done;
    }
    rc = cl_assignment_read(&a, inst, path, diags, err);
    if (rc != CL_OK)
        goto done;
    /* The reasons of the moves; the moves themselves are the differences from the current state. */
    json_t *moves = json_object_get(root, "moves");
    if (moves != NULL && !json_is_array(moves)) {
        size_t l = clp_jr_key(&jr, "moves");
        clp_jr_err(&jr, "%s where the moves are expected (expected an array)", clp_json_type_name(moves));
        clp_jr_pop(&jr, l);
    }
    clp_jr_each_object(&jr, moves, "moves", "a move", move_at, &(moves_reading){inst, a});
    char fp[17];
    cl_instance_fingerprint(inst, fp);
    if (a->fingerprint[0] != '\0' && strcmp(a->fingerprint, fp) != 0) {
        size_t l4 = clp_jr_key(&jr, "instance_fingerprint");
        clp_jr_warn(&jr,
                    "the plan was made from another state of the instance (%s, now %s): moves and loads may "
                    "not match",
                    a->fingerprint, fp);
        clp_jr_pop(&jr, l4);
    }
    const char *status = NULL;
    if (clp_jr_string(&jr, root, "status", &status)) {
        free(r->plan_status);
        r->plan_status = strdup(status);
    }
    if (diags->errors > errors0) {
        rc = CL_EINVALID;
        goto done;
    }
    cl_assignment_free(r->after);
    r->after = a;
    a = NULL;
    free(r->assignment_file);
    r->assignment_file = base_name(path);
done:
    cl_assignment_free(a);
    json_decref(root);
    return rc;
}

/* Grows an array of n elements of size sz to hold n + 1; false on no memory. */
static bool grow(void **arr, int n, size_t sz)
{
    void *p = realloc(*arr, ((size_t)n + 1) * sz);
    if (p == NULL)
        return false;
    *arr = p;
    return true;
}

/* What the readers of a schedule's arrays add to. */
typedef struct reading {
    cl_report *r;
    bool *nomem;
} reading;

static void visit_at(clp_jr *jr, json_t *e, size_t i, void *ctx)
{
    (void)i;
    reading *rd = ctx;
    cl_report *r = rd->r;
    const cl_instance *inst = r->inst;
    visit v = {.zone = CL_NONE};
    v.client = req_id(jr, inst, e, "client", true);
    v.staff = req_id(jr, inst, e, "staff", false);
    v.day = req_day(jr, e, "day");
    v.start = req_time(jr, e, "start");
    v.end = req_time(jr, e, "end");
    v.joint_with = opt_staff(jr, inst, e, "joint_with");
    v.covering_for = opt_staff(jr, inst, e, "covering_for");
    const char *zone = NULL;
    json_t *zv = json_object_get(e, "zone");
    if (zv != NULL && !json_is_null(zv) && clp_jr_string(jr, e, "zone", &zone) &&
        (v.zone = cl_instance_find_zone(inst, zone)) == CL_NONE) {
        size_t l3 = clp_jr_key(jr, "zone");
        clp_jr_err(jr, "unknown zone \"%.64s\" (expected one of the instance's zones)", zone);
        clp_jr_pop(jr, l3);
    }
    if (v.start >= 0 && v.end >= 0 && v.end <= v.start) {
        size_t l3 = clp_jr_key(jr, "end");
        clp_jr_err(jr, "the visit ends before it starts (expected end after start)");
        clp_jr_pop(jr, l3);
    }
    if (v.client >= 0 && v.staff >= 0 && v.day >= 0 && v.start >= 0 && v.end > v.start && v.joint_with >= -1 &&
        v.covering_for >= -1) {
        if (!grow((void **)&r->visits, r->n_visits, sizeof *r->visits))
            *rd->nomem = true;
        else
            r->visits[r->n_visits++] = v;
    }
}

static void shortfall_at(clp_jr *jr, json_t *e, size_t i, void *ctx)
{
    (void)i;
    reading *rd = ctx;
    cl_report *r = rd->r;
    shortfall_row s = {0};
    const char *why = NULL;
    s.client = req_id(jr, r->inst, e, "client", true);
    s.required = opt_int(jr, e, "required", 0);
    s.scheduled = opt_int(jr, e, "scheduled", 0);
    clp_jr_string(jr, e, "reason", &why);
    if (s.client >= 0) {
        s.reason = strdup(why ? why : "");
        if (s.reason == NULL || !grow((void **)&r->shortfalls, r->n_shortfalls, sizeof s)) {
            free(s.reason);
            *rd->nomem = true;
        } else {
            r->shortfalls[r->n_shortfalls++] = s;
        }
    }
}

static void oncall_at(clp_jr *jr, json_t *e, size_t i, void *ctx)
{
    (void)i;
    reading *rd = ctx;
    cl_report *r = rd->r;
    oncall_row o = {0};
    const char *group = NULL;
    if (!clp_jr_string(jr, e, "group", &group) && json_object_get(e, "group") == NULL)
        clp_jr_missing(jr, "group", "\"agency\" or a team id");
    if (group != NULL && strcmp(group, "agency") != 0 && cl_instance_find_team(r->inst, group) == CL_NONE) {
        size_t l3 = clp_jr_key(jr, "group");
        clp_jr_err(jr, "unknown group \"%.64s\" (expected \"agency\" or a team id)", group);
        clp_jr_pop(jr, l3);
        group = NULL;
    }
    o.day = req_day(jr, e, "day");
    o.staff = req_id(jr, r->inst, e, "staff", false);
    if (group != NULL && o.day >= 0 && o.staff >= 0) {
        o.group = strdup(group);
        if (o.group == NULL || !grow((void **)&r->oncall, r->n_oncall, sizeof o)) {
            free(o.group);
            *rd->nomem = true;
        } else {
            r->oncall[r->n_oncall++] = o;
        }
    }
}

static void staffday_at(clp_jr *jr, json_t *e, size_t i, void *ctx)
{
    (void)i;
    reading *rd = ctx;
    cl_report *r = rd->r;
    staffday_row d = {.end = -1};
    d.staff = req_id(jr, r->inst, e, "staff", false);
    d.day = req_day(jr, e, "day");
    d.visits = opt_int(jr, e, "visits", 0);
    d.visit_minutes = opt_int(jr, e, "visit_minutes", 0);
    d.travel_minutes = opt_int(jr, e, "travel_minutes", 0);
    if (json_object_get(e, "end") != NULL)
        d.end = req_time(jr, e, "end");
    if (d.staff >= 0 && d.day >= 0) {
        if (!grow((void **)&r->staffdays, r->n_staffdays, sizeof d))
            *rd->nomem = true;
        else
            r->staffdays[r->n_staffdays++] = d;
    }
}

int cl_report_add_schedule(cl_report *r, const char *path, cl_diags *diags, cl_error *err)
{
    clp_jr jr = {.d = diags};
    json_t *root = NULL;
    size_t errors0 = diags->errors;
    bool nomem = false;
    clear_schedule(r);
    int rc = load_format(&root, path, "caseload-schedule/1", &jr, err);
    if (rc != CL_OK)
        goto done;
    reading rd = {r, &nomem};
    json_t *visits = clp_jr_array(&jr, root, "visits");
    if (json_object_get(root, "visits") == NULL)
        clp_jr_missing(&jr, "visits", "an array of visits");
    clp_jr_each_object(&jr, visits, "visits", "a visit", visit_at, &rd);
    clp_jr_each_object(&jr, clp_jr_array(&jr, root, "shortfall"), "shortfall", "a shortfall", shortfall_at, &rd);
    clp_jr_each_object(&jr, clp_jr_array(&jr, root, "on_call"), "on_call", "an on-call day", oncall_at, &rd);
    clp_jr_each_object(&jr, clp_jr_array(&jr, root, "staff_days"), "staff_days", "a staff day", staffday_at, &rd);
    json_t *m = clp_jr_object(&jr, root, "metrics");
    if (m != NULL) {
        size_t l = clp_jr_key(&jr, "metrics");
        r->has_sched_metrics = clp_jr_number(&jr, m, "coverage", &r->sched_coverage);
        clp_jr_number(&jr, m, "required", &r->sched_required);
        clp_jr_number(&jr, m, "scheduled", &r->sched_scheduled);
        clp_jr_number(&jr, m, "travel_minutes", &r->sched_travel);
        clp_jr_pop(&jr, l);
    }
    if (nomem) {
        rc = cl_error_set(err, CL_ENOMEM, path, "out of memory");
        goto done;
    }
    if (diags->errors > errors0) {
        rc = CL_EINVALID;
        goto done;
    }
    r->has_schedule = true;
    r->schedule_file = base_name(path);
done:
    if (rc != CL_OK)
        clear_schedule(r);
    json_decref(root);
    return rc;
}

/* Adds key = value to s; false on no memory. */
static bool metric_add(scenario *s, const char *key, double value)
{
    for (int i = 0; i < s->n; i++)
        if (strcmp(s->m[i].key, key) == 0) {
            s->m[i].value = value;
            return true;
        }
    char *k = strdup(key);
    if (k == NULL || !grow((void **)&s->m, s->n, sizeof *s->m)) {
        free(k);
        return false;
    }
    s->m[s->n++] = (metric){k, value};
    return true;
}

/* Collects the numbers of a metrics object: top-level numbers, and one level of nested objects as
 * "parent.key" plus their sum as "parent". */
static bool collect_metrics(scenario *s, json_t *obj)
{
    const char *key;
    json_t *v;
    bool ok = true;
    json_object_foreach (obj, key, v) {
        if (json_is_number(v) && isfinite(json_number_value(v))) {
            ok = ok && metric_add(s, key, json_number_value(v));
        } else if (json_is_object(v)) {
            const char *k2;
            json_t *v2;
            double sum = 0;
            int nums = 0;
            json_object_foreach (v, k2, v2) {
                if (!json_is_number(v2) || !isfinite(json_number_value(v2)))
                    continue;
                char name[256];
                snprintf(name, sizeof name, "%.120s.%.120s", key, k2);
                ok = ok && metric_add(s, name, json_number_value(v2));
                sum += json_number_value(v2);
                nums++;
            }
            json_t *total = json_object_get(v, "total"); /* a total of its own wins over the sum */
            if (json_is_number(total) && isfinite(json_number_value(total)))
                ok = ok && metric_add(s, key, json_number_value(total));
            else if (nums > 0)
                ok = ok && metric_add(s, key, sum);
        }
    }
    return ok;
}

static void scenario_at(clp_jr *jr, json_t *e, size_t i, void *ctx)
{
    reading *rd = ctx;
    cl_report *r = rd->r;
    scenario s = {0};
    const char *name = NULL;
    char dflt[32];
    snprintf(dflt, sizeof dflt, "scenario %zu", i + 1);
    clp_jr_string(jr, e, "name", &name);
    s.name = strdup(name ? name : dflt);
    json_t *m = json_object_get(e, "metrics");
    if (s.name == NULL || (json_is_object(m) && !collect_metrics(&s, m)) ||
        !grow((void **)&r->scen, r->n_scen, sizeof s)) {
        scenario_dispose(&s);
        *rd->nomem = true;
    } else {
        r->scen[r->n_scen++] = s;
    }
}

int cl_report_add_scenarios(cl_report *r, const char *path, cl_diags *diags, cl_error *err)
{
    clp_jr jr = {.d = diags};
    json_t *root = NULL;
    size_t errors0 = diags->errors;
    bool nomem = false;
    clear_scenarios(r);
    int rc = load_format(&root, path, "caseload-scenarios/1", &jr, err);
    if (rc != CL_OK)
        goto done;
    json_t *arr = clp_jr_array(&jr, root, "scenarios");
    if (json_object_get(root, "scenarios") == NULL)
        clp_jr_missing(&jr, "scenarios", "an array of scenarios");
    clp_jr_each_object(&jr, arr, "scenarios", "a scenario", scenario_at, &(reading){r, &nomem});
    json_t *b = json_object_get(root, "baseline");
    if (json_is_object(b)) {
        json_t *bm = json_object_get(b, "metrics");
        r->baseline.name = strdup("baseline");
        if (r->baseline.name == NULL || !collect_metrics(&r->baseline, json_is_object(bm) ? bm : b))
            nomem = true;
        r->has_baseline = r->baseline.n > 0;
    }
    if (nomem) {
        rc = cl_error_set(err, CL_ENOMEM, path, "out of memory");
        goto done;
    }
    if (diags->errors > errors0) {
        rc = CL_EINVALID;
        goto done;
    }
    r->has_scenarios = true;
    r->scenarios_file = base_name(path);
done:
    if (rc != CL_OK)
        clear_scenarios(r);
    json_decref(root);
    return rc;
}

/* ---------------------------------------------------------------------------------------------------------
 * Shared figures
 * ------------------------------------------------------------------------------------------------------- */

/* Display groups of staff: standalone managers of ICM, SCM and ADULT_HOME, each Blended team, then peers. */
enum { G_ICM = 0, G_SCM = 1, G_AH = 2, G_TEAM0 = 3 };

static int n_groups(const cl_instance *inst)
{
    return G_TEAM0 + inst->n_teams + 1;
}

static int group_of(const cl_instance *inst, int s)
{
    const cl_staff *st = &inst->staff[s];
    if (st->role == CL_PEER)
        return G_TEAM0 + inst->n_teams;
    if (st->team >= 0)
        return G_TEAM0 + st->team;
    return st->program == CL_SCM ? G_SCM : st->program == CL_ADULT_HOME ? G_AH : G_ICM;
}

static void group_title(cl_html *h, const cl_instance *inst, int g)
{
    if (g == G_ICM)
        cl_html_raw(h, "ICM case managers");
    else if (g == G_SCM)
        cl_html_raw(h, "SCM case managers");
    else if (g == G_AH)
        cl_html_raw(h, "Adult Home case managers");
    else if (g < G_TEAM0 + inst->n_teams)
        cl_html_f(h, "Blended team %s", inst->teams[g - G_TEAM0].id);
    else
        cl_html_raw(h, "Peer specialists (Adult Home)");
}

static bool group_empty(const cl_instance *inst, int g)
{
    for (int s = 0; s < inst->n_staff; s++)
        if (group_of(inst, s) == g)
            return false;
    return true;
}

static const char *program_words(int p)
{
    static const char *const words[CL_NPROGRAMS] = {"ICM", "SCM", "Blended", "Adult Home"};
    return p >= 0 && p < CL_NPROGRAMS ? words[p] : "";
}

/* What the staff member serves, in words. */
static void staff_kind(cl_html *h, const cl_instance *inst, int s)
{
    const cl_staff *st = &inst->staff[s];
    if (st->role == CL_PEER)
        cl_html_raw(h, "peer specialist");
    else if (st->team >= 0)
        cl_html_f(h, "%s, Blended team %s", program_words(st->program), inst->teams[st->team].id);
    else
        cl_html_f(h, "%s case manager", program_words(st->program));
}

static int pct(double u)
{
    return (int)lround(100 * u);
}

/* True when staff s carries more than it may in loads l. */
static bool overloaded(const cl_instance *inst, int s, const cl_staff_load *l)
{
    return l[s].load > cl_limit(inst, s) + 1e-9;
}

static bool is_team_member(const cl_instance *inst, int s)
{
    return inst->staff[s].role == CL_MANAGER && inst->staff[s].team >= 0;
}

/* Plain words for the move reasons of SPEC §4.5. */
static const char *reason_words(const char *code)
{
    static const char *const map[][2] = {
        {"over_cap", "the previous worker was over capacity"},
        {"inactive_manager", "the previous worker is leaving or on long leave"},
        {"balance", "evens out caseloads"},
        {"language", "needs a worker who speaks the client's language"},
        {"avoid", "the client is not to be served by the previous worker"},
        {"program", "the previous worker no longer serves the client's program"},
        {"team_pool", "the Blended team's pool was over capacity"},
        {"travel", "shorter travel"},
    };
    for (size_t i = 0; code && i < sizeof map / sizeof map[0]; i++)
        if (strcmp(map[i][0], code) == 0)
            return map[i][1];
    return NULL;
}

static void hhmm(char out[8], int minutes)
{
    if (minutes < 0)
        snprintf(out, 8, "-");
    else
        snprintf(out, 8, "%02d:%02d", (minutes / 60) % 100, minutes % 60);
}

static const char *staff_id(const cl_instance *inst, int s)
{
    return s >= 0 ? inst->staff[s].id : "";
}

/* The plan to show as "the state after": the assignment when given, the current state otherwise. */
static const cl_assignment *plan_of(const cl_report *r)
{
    return r->after ? r->after : r->before;
}

/* ---------------------------------------------------------------------------------------------------------
 * Page frame
 * ------------------------------------------------------------------------------------------------------- */

static const char css[] =
    "*{box-sizing:border-box}"
    "body{font-family:'DejaVu Sans',Arial,Helvetica,sans-serif;color:#111;background:#fff;margin:0 auto;"
    "max-width:1100px;padding:16px 24px;line-height:1.4;font-size:15px}"
    "h1{font-size:1.7em;margin:.2em 0}h2{font-size:1.35em;border-bottom:2px solid #333;margin-top:1.8em;"
    "padding-bottom:.15em}h3{font-size:1.1em;margin:1.2em 0 .4em}"
    "table{border-collapse:collapse;margin:.4em 0 1em;width:100%;font-size:.92em}"
    "th,td{border:1px solid #888;padding:3px 6px;text-align:left;vertical-align:top}"
    "thead th{background:#e4e4e4}th[scope=row]{font-weight:600;background:#f4f4f4}"
    "td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}"
    ".warn{background:#fde2cf;font-weight:700}.warn::before{content:'\\26A0\\FE0E  '}"
    ".ok{color:#1d5a2c}.muted{color:#555}.note{color:#333;font-size:.92em}"
    ".cards{display:flex;flex-wrap:wrap;gap:8px;margin:.6em 0}"
    ".card{border:1px solid #888;border-radius:4px;padding:6px 10px;min-width:140px}"
    ".card b{display:block;font-size:1.35em}.card.warn::before{content:''}"
    "nav ol{columns:2;margin:.3em 0}svg{display:block;max-width:100%;height:auto;margin:.3em 0}"
    "svg text{font-family:'DejaVu Sans',Arial,Helvetica,sans-serif}"
    ".legend{font-size:.9em;margin:.2em 0}.key{display:inline-block;width:26px;height:12px;"
    "border:1px solid #333;vertical-align:middle;margin:0 4px 0 10px}"
    ".cal{break-inside:avoid;page-break-inside:avoid}"
    ".page{break-before:page;page-break-before:always}"
    "@media print{body{max-width:none;padding:0;font-size:11pt}nav{display:none}"
    "h2{break-after:avoid;page-break-after:avoid}tr,svg{break-inside:avoid;page-break-inside:avoid}}"
    "html{-webkit-print-color-adjust:exact;print-color-adjust:exact}";

/* Patterns shared by every chart, so that meaning never rests on colour alone: hatched = now, solid = the
 * plan, bold stripes = over the cap, dots = joint visit, fine hatch = travel. */
static const char svg_defs[] =
    "<svg width=\"0\" height=\"0\" style=\"position:absolute\" aria-hidden=\"true\" focusable=\"false\"><defs>"
    "<pattern id=\"p-now\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
    "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#d9d9d9\"/>"
    "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#555\" stroke-width=\"2\"/></pattern>"
    "<pattern id=\"p-over\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\" "
    "patternTransform=\"rotate(-45)\"><rect width=\"8\" height=\"8\" fill=\"#c0392b\"/>"
    "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"8\" stroke=\"#fff\" stroke-width=\"3\"/></pattern>"
    "<pattern id=\"p-joint\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\">"
    "<rect width=\"6\" height=\"6\" fill=\"#e6eef7\"/><circle cx=\"3\" cy=\"3\" r=\"1.1\" fill=\"#4d6f93\"/></pattern>"
    "<pattern id=\"p-travel\" width=\"4\" height=\"4\" patternUnits=\"userSpaceOnUse\" "
    "patternTransform=\"rotate(45)\"><rect width=\"4\" height=\"4\" fill=\"#fff\"/>"
    "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"4\" stroke=\"#888\" stroke-width=\"1\"/></pattern>"
    "</defs></svg>\n";

static void legend_svg_key(cl_html *h, const char *fill, const char *label, bool dashed)
{
    cl_html_raw(h, "<svg width=\"28\" height=\"14\" style=\"display:inline-block;vertical-align:middle;"
                   "margin:0 4px 0 10px\" aria-hidden=\"true\" focusable=\"false\">");
    cl_html_f(h,
              "<rect x=\"1\" y=\"1\" width=\"26\" height=\"12\" fill=\"%s\" stroke=\"#333\" "
              "stroke-dasharray=\"%s\"/></svg>",
              fill, dashed ? "4 2" : "none");
    cl_html_text(h, label);
}

/* An accessible SVG opening: role img, labelled by its title and description (desc is a format of text). */
static void svg_open(cl_html *h, const char *id, int width, int height)
{
    cl_html_f(h,
              "<svg viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" "
              "aria-labelledby=\"%s-t %s-d\">",
              width, height, width, height, id, id);
}

/* ---------------------------------------------------------------------------------------------------------
 * Summary
 * ------------------------------------------------------------------------------------------------------- */

static int count_moves(const cl_report *r, bool peer)
{
    if (r->after == NULL)
        return 0;
    int n = 0;
    for (int c = 0; c < r->inst->n_clients; c++) {
        int b = peer ? r->before->peer[c] : r->before->manager[c];
        int a = peer ? r->after->peer[c] : r->after->manager[c];
        n += b >= 0 && a >= 0 && a != b;
    }
    return n;
}

static int count_waiting(const cl_report *r)
{
    const cl_assignment *p = plan_of(r);
    int n = 0;
    for (int c = 0; c < r->inst->n_clients; c++)
        n += p->manager[c] < 0;
    return n;
}

static int count_over(const cl_instance *inst, const cl_staff_load *l)
{
    int n = 0;
    for (int s = 0; s < inst->n_staff; s++)
        n += inst->staff[s].active && overloaded(inst, s, l);
    return n;
}

static void card(cl_html *h, bool warn, const char *label, const char *value)
{
    cl_html_f(h, "<div class=\"card%s\"><b>%s</b>%s%s</div>", warn ? " warn" : "", value, label,
              warn ? " (needs attention)" : "");
}

static void section_summary(cl_html *h, const cl_report *r, const cl_staff_load *now, const cl_staff_load *plan)
{
    const cl_instance *inst = r->inst;
    char v[64];
    cl_html_raw(h, "<section aria-labelledby=\"summary\"><h2 id=\"summary\">Summary</h2><div class=\"cards\">");
    int managers = 0, peers = 0;
    for (int s = 0; s < inst->n_staff; s++)
        if (inst->staff[s].active) {
            managers += inst->staff[s].role == CL_MANAGER;
            peers += inst->staff[s].role == CL_PEER;
        }
    snprintf(v, sizeof v, "%d + %d", managers, peers);
    card(h, false, "active case managers + peer specialists", v);
    snprintf(v, sizeof v, "%d", inst->n_clients);
    card(h, false, "clients", v);
    int wait = count_waiting(r);
    snprintf(v, sizeof v, "%d", wait);
    card(h, wait > 0, r->after ? "waitlisted in the plan" : "intakes without a manager now", v);
    if (r->after) {
        snprintf(v, sizeof v, "%d + %d", count_moves(r, false), count_moves(r, true));
        card(h, false, "manager + peer moves", v);
    }
    int over_now = count_over(inst, now), over_plan = count_over(inst, plan);
    snprintf(v, sizeof v, "%d", over_now);
    card(h, over_now > 0, "staff over their cap now", v);
    if (r->after) {
        snprintf(v, sizeof v, "%d", over_plan);
        card(h, over_plan > 0, "staff over their cap in the plan", v);
    }
    if (r->has_schedule) {
        snprintf(v, sizeof v, "%d", r->n_shortfalls);
        card(h, r->n_shortfalls > 0, "clients short of their weekly quota", v);
        if (r->has_sched_metrics) {
            snprintf(v, sizeof v, "%d%%", pct(r->sched_coverage));
            card(h, r->sched_coverage < 1 - 1e-9, "contact coverage this week", v);
        }
    }
    cl_html_raw(h, "</div>");
    if (r->plan_status != NULL)
        cl_html_f(h, "<p>Plan status: <b>%s</b>%s</p>", r->plan_status,
                  strcmp(r->plan_status, "time_limit") == 0 ? " (the solver stopped at its time limit)"
                  : strcmp(r->plan_status, "over_capacity") == 0
                      ? " (the current clients do not fit: some staff stay over their cap)"
                      : "");
    cl_html_raw(h, "</section>\n");
}

/* ---------------------------------------------------------------------------------------------------------
 * Utilization before and after
 * ------------------------------------------------------------------------------------------------------- */

enum { UW = 960, ULX = 170, UX1 = 670, UTOP = 34, UTX = 684 };

static double ux(double u, double umax)
{
    double f = u / umax;
    if (f > 1)
        f = 1;
    return ULX + f * (UX1 - ULX);
}

/* The words after a bar: "97% · 11.5 of 12 · 9 clients" or, for a team member, in FTE. */
static void bar_words(char *out, size_t sz, const cl_instance *inst, int s, const cl_staff_load *l)
{
    if (is_team_member(inst, s))
        snprintf(out, sz, "%d%% \xc2\xb7 %.2f of %.2g FTE \xc2\xb7 %d clients", pct(l[s].utilization), l[s].load,
                 l[s].capacity, l[s].clients);
    else
        snprintf(out, sz, "%d%% \xc2\xb7 %.4g of %.4g \xc2\xb7 %d clients", pct(l[s].utilization), l[s].load,
                 l[s].capacity, l[s].clients);
}

static void util_bar(cl_html *h, const cl_instance *inst, int s, const cl_staff_load *l, double umax, int y, int bh,
                     bool now, const char *tag)
{
    bool over = overloaded(inst, s, l);
    double x1 = ux(l[s].utilization, umax);
    char words[160];
    bar_words(words, sizeof words, inst, s, l);
    if (tag != NULL)
        cl_html_f(h, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\" fill=\"#333\">%s</text>", ULX - 6,
                  y + bh - 2, tag);
    cl_html_f(h,
              "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\" stroke=\"#222\" "
              "stroke-width=\"0.6\"/>",
              ULX, y, x1 - ULX, bh,
              over  ? "url(#p-over)"
              : now ? "url(#p-now)"
                    : "#2b5c8a");
    cl_html_f(h, "<text x=\"%d\" y=\"%d\" font-size=\"12\" font-weight=\"%s\" fill=\"%s\">%s%s</text>", UTX, y + bh - 2,
              over ? "bold" : "normal", over ? "#8e1b10" : "#000", words, over ? " \xe2\x80\x94 OVER CAP" : "");
}

/* One group's bar chart: per staff member a bar now (hatched) and, with a plan, a bar after (solid); the
 * cap line at 100%, and for a Blended team the member flex limit. */
static void util_chart(cl_html *h, const cl_report *r, int g, const cl_staff_load *now, const cl_staff_load *plan,
                       double umax)
{
    const cl_instance *inst = r->inst;
    bool two = r->after != NULL;
    int row = two ? 36 : 24, n = 0;
    for (int s = 0; s < inst->n_staff; s++)
        n += group_of(inst, s) == g;
    int height = UTOP + n * row + 8;
    char id[32];
    snprintf(id, sizeof id, "util-g%d", g);
    svg_open(h, id, UW, height);
    cl_html_f(h, "<title id=\"%s-t\">Utilization of ", id);
    group_title(h, inst, g);
    cl_html_raw(h, two ? " now and in the plan" : " now");
    cl_html_f(h, "</title><desc id=\"%s-d\">", id);
    for (int s = 0; s < inst->n_staff; s++) {
        if (group_of(inst, s) != g)
            continue;
        cl_html_f(h, "%s: now %d%%%s", inst->staff[s].id, pct(now[s].utilization),
                  overloaded(inst, s, now) ? " (over cap)" : "");
        if (two)
            cl_html_f(h, ", plan %d%%%s", pct(plan[s].utilization), overloaded(inst, s, plan) ? " (over cap)" : "");
        cl_html_raw(h, "; ");
    }
    cl_html_raw(h, "100% is the cap.</desc>");
    /* Grid and axis. */
    for (int t = 0; t <= (int)(umax * 4 + 1e-9); t++) {
        double u = t * 0.25, x = ux(u, umax);
        cl_html_f(h, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>", x, UTOP - 6, x, height - 4);
        cl_html_f(h, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\" fill=\"#444\">%d%%</text>", x,
                  UTOP - 22, t * 25);
    }
    int y = UTOP;
    for (int s = 0; s < inst->n_staff; s++) {
        if (group_of(inst, s) != g)
            continue;
        const cl_staff *st = &inst->staff[s];
        char fte[32];
        snprintf(fte, sizeof fte, "%.2g FTE", st->fte);
        cl_html_f(h, "<text x=\"4\" y=\"%d\" font-size=\"13\" font-weight=\"bold\">%s</text>", y + 13, st->id);
        cl_html_f(h, "<text x=\"4\" y=\"%d\" font-size=\"11\" fill=\"#444\">%s</text>", y + 26,
                  st->active ? fte : "inactive");
        if (two) {
            util_bar(h, inst, s, now, umax, y + 2, 13, true, "now");
            util_bar(h, inst, s, plan, umax, y + 17, 13, false, "plan");
        } else {
            util_bar(h, inst, s, now, umax, y + 3, 15, true, NULL);
        }
        y += row;
    }
    /* The cap line last, so that no bar hides it. */
    double cap = ux(1.0, umax);
    cl_html_f(h,
              "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#000\" stroke-width=\"2\" "
              "stroke-dasharray=\"6 3\"/><text x=\"%.1f\" y=\"%d\" font-size=\"11\" font-weight=\"bold\" "
              "text-anchor=\"middle\">cap</text>",
              cap, UTOP - 5, cap, height - 4, cap, UTOP - 8);
    if (g >= G_TEAM0 && g < G_TEAM0 + inst->n_teams) {
        double flex = inst->teams[g - G_TEAM0].flex, fx = ux(1 + flex, umax);
        cl_html_f(h,
                  "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#000\" stroke-width=\"1.2\" "
                  "stroke-dasharray=\"2 2\"/><text x=\"%.1f\" y=\"%d\" font-size=\"11\" "
                  "text-anchor=\"middle\">flex limit</text>",
                  fx, UTOP - 5, fx, height - 4, fx, UTOP - 8);
    }
    cl_html_raw(h, "</svg>\n");
}

static void util_cells(cl_html *h, const cl_instance *inst, int s, const cl_staff_load *l)
{
    bool over = overloaded(inst, s, l);
    if (is_team_member(inst, s))
        cl_html_f(h, "<td class=\"num\">%d</td><td class=\"num\">%.3g FTE</td>", l[s].clients, l[s].load);
    else
        cl_html_f(h, "<td class=\"num\">%d</td><td class=\"num\">%.4g</td>", l[s].clients, l[s].load);
    cl_html_f(h, "<td class=\"num%s\">%d%%%s</td>", over ? " warn" : "", pct(l[s].utilization),
              over ? " over cap" : "");
}

static void section_utilization(cl_html *h, const cl_report *r, const cl_staff_load *now, const cl_staff_load *plan,
                                const double *team_now, const double *team_plan)
{
    const cl_instance *inst = r->inst;
    bool two = r->after != NULL;
    double umax = 1.3;
    for (int s = 0; s < inst->n_staff; s++) {
        umax = fmax(umax, now[s].utilization + 0.05);
        if (two)
            umax = fmax(umax, plan[s].utilization + 0.05);
        if (is_team_member(inst, s))
            umax = fmax(umax, 1 + inst->teams[inst->staff[s].team].flex + 0.05);
    }
    umax = fmin(ceil(umax * 4) / 4, 4.0);
    cl_html_raw(h, "<section aria-labelledby=\"util\"><h2 id=\"util\">Utilization per staff member</h2>");
    cl_html_raw(h, "<p class=\"note\">Load against capacity (caseload cap \xc3\x97 FTE, in acuity units); for "
                   "Blended team members the pooled FTE their clients use against their FTE, up to the team's "
                   "flex limit. The dashed line is the cap.");
    if (!two)
        cl_html_raw(h, " No assignment was given: this is the current state only.");
    cl_html_raw(h, "</p><p class=\"legend\" aria-hidden=\"true\">");
    legend_svg_key(h, "url(#p-now)", "now (current managers)", false);
    if (two)
        legend_svg_key(h, "#2b5c8a", "plan", false);
    legend_svg_key(h, "url(#p-over)", "over the cap (also labelled OVER CAP)", false);
    cl_html_raw(h, "</p>\n");
    for (int g = 0; g < n_groups(inst); g++) {
        if (group_empty(inst, g))
            continue;
        cl_html_raw(h, "<h3>");
        group_title(h, inst, g);
        cl_html_raw(h, "</h3>\n");
        util_chart(h, r, g, now, plan, umax);
        cl_html_raw(h, "<table><caption class=\"muted\">");
        group_title(h, inst, g);
        cl_html_raw(h, ": figures</caption><thead><tr><th scope=\"col\">staff</th><th scope=\"col\">FTE</th>"
                       "<th scope=\"col\" class=\"num\">capacity</th><th scope=\"col\" class=\"num\">clients now</th>"
                       "<th scope=\"col\" class=\"num\">load now</th><th scope=\"col\" class=\"num\">utilization now"
                       "</th>");
        if (two)
            cl_html_raw(h, "<th scope=\"col\" class=\"num\">clients plan</th><th scope=\"col\" class=\"num\">load "
                           "plan</th><th scope=\"col\" class=\"num\">utilization plan</th>");
        cl_html_raw(h, "</tr></thead><tbody>");
        for (int s = 0; s < inst->n_staff; s++) {
            if (group_of(inst, s) != g)
                continue;
            const cl_staff *st = &inst->staff[s];
            cl_html_f(h, "<tr><th scope=\"row\">%s</th><td>%.2g%s</td>", st->id, st->fte,
                      st->active ? "" : " (inactive)");
            if (is_team_member(inst, s))
                cl_html_f(h, "<td class=\"num\">%.2g FTE (max %.3g)</td>", st->fte, cl_limit(inst, s));
            else
                cl_html_f(h, "<td class=\"num\">%.4g</td>", cl_capacity(inst, s));
            util_cells(h, inst, s, now);
            if (two)
                util_cells(h, inst, s, plan);
            cl_html_raw(h, "</tr>");
        }
        if (g >= G_TEAM0 && g < G_TEAM0 + inst->n_teams) {
            int t = g - G_TEAM0;
            double fte = cl_team_fte(inst, t);
            bool on = team_now[t] > fte + 1e-9, op = two && team_plan[t] > fte + 1e-9;
            cl_html_f(h,
                      "<tr><th scope=\"row\">team pool</th><td>%.3g</td><td class=\"num\">%.3g FTE</td>"
                      "<td></td><td class=\"num\">%.3g FTE</td><td class=\"num%s\">%d%%%s</td>",
                      fte, fte, team_now[t], on ? " warn" : "", pct(fte > 0 ? team_now[t] / fte : 0),
                      on ? " over cap" : "");
            if (two)
                cl_html_f(h, "<td></td><td class=\"num\">%.3g FTE</td><td class=\"num%s\">%d%%%s</td>", team_plan[t],
                          op ? " warn" : "", pct(fte > 0 ? team_plan[t] / fte : 0), op ? " over cap" : "");
            cl_html_raw(h, "</tr>");
        }
        cl_html_raw(h, "</tbody></table>\n");
    }
    cl_html_raw(h, "</section>\n");
}

/* ---------------------------------------------------------------------------------------------------------
 * Moves and waitlist
 * ------------------------------------------------------------------------------------------------------- */

static void move_row(cl_html *h, const cl_instance *inst, int c, int from, int to, const char *role, const char *code)
{
    const cl_client *cl = &inst->clients[c];
    const char *words = reason_words(code);
    cl_html_f(h, "<tr><th scope=\"row\">%s</th><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>", cl->id,
              program_words((int)cl->program), role, staff_id(inst, from), staff_id(inst, to));
    if (code == NULL)
        cl_html_raw(h, "<span class=\"muted\">not given in the plan</span>");
    else if (words != NULL)
        cl_html_f(h, "%s <span class=\"muted\">(%s)</span>", words, code);
    else
        cl_html_text(h, code);
    cl_html_raw(h, "</td></tr>");
}

static void section_moves(cl_html *h, const cl_report *r)
{
    const cl_instance *inst = r->inst;
    cl_html_raw(h, "<section aria-labelledby=\"moves\"><h2 id=\"moves\">Moves</h2>");
    if (r->after == NULL) {
        cl_html_raw(h, "<p>No assignment was given, so there are no moves to show.</p></section>\n");
        return;
    }
    int n = count_moves(r, false) + count_moves(r, true);
    if (n == 0) {
        cl_html_raw(h, "<p>The plan moves nobody: every client keeps their case manager and peer.</p>"
                       "</section>\n");
        return;
    }
    cl_html_f(h,
              "<p>%d moves. Each move breaks a working relationship; the reason is what to tell the client and "
              "the worker.</p>",
              n);
    cl_html_raw(h, "<table><thead><tr><th scope=\"col\">client</th><th scope=\"col\">program</th>"
                   "<th scope=\"col\">role</th><th scope=\"col\">from</th><th scope=\"col\">to</th>"
                   "<th scope=\"col\">reason</th></tr></thead><tbody>");
    for (int c = 0; c < inst->n_clients; c++) {
        int b = r->before->manager[c], a = r->after->manager[c];
        if (b >= 0 && a >= 0 && a != b)
            move_row(h, inst, c, b, a, "manager", r->after->move_reason[c]);
        b = r->before->peer[c];
        a = r->after->peer[c];
        if (b >= 0 && a >= 0 && a != b)
            move_row(h, inst, c, b, a, "peer", r->after->peer_move_reason[c]);
    }
    cl_html_raw(h, "</tbody></table></section>\n");
}

/* A waitlisted client's sort key: weight descending, then instance order. */
typedef struct wait_key {
    double weight;
    int client;
} wait_key;

static int wait_cmp(const void *a, const void *b)
{
    const wait_key *x = a, *y = b;
    if (x->weight != y->weight)
        return x->weight > y->weight ? -1 : 1;
    return x->client - y->client;
}

static void section_waitlist(cl_html *h, const cl_report *r)
{
    const cl_instance *inst = r->inst;
    const cl_assignment *p = plan_of(r);
    cl_html_raw(h, "<section aria-labelledby=\"wait\"><h2 id=\"wait\">Waitlist</h2>");
    int n = count_waiting(r);
    if (n == 0) {
        cl_html_raw(h, r->after ? "<p>Nobody waits: every client has a case manager in the plan.</p>"
                                : "<p>Every client has a case manager now.</p>");
        cl_html_raw(h, "</section>\n");
        return;
    }
    cl_html_f(h, "<p>%d clients %s.</p>", n,
              r->after ? "wait in the plan" : "have no case manager now (intakes; no assignment was given)");
    cl_html_raw(h, "<p class=\"note\">Highest weight (priority \xc3\x97 acuity) first.</p>"
                   "<table><thead><tr><th scope=\"col\">client</th><th scope=\"col\">program</th>"
                   "<th scope=\"col\" class=\"num\">acuity</th><th scope=\"col\" class=\"num\">priority</th>"
                   "<th scope=\"col\">languages</th><th scope=\"col\">reason</th></tr></thead><tbody>");
    wait_key *keys = malloc((size_t)n * sizeof *keys);
    int k = 0;
    for (int c = 0; keys != NULL && c < inst->n_clients; c++)
        if (p->manager[c] < 0)
            keys[k++] = (wait_key){inst->clients[c].priority * inst->clients[c].acuity, c};
    if (keys != NULL)
        qsort(keys, (size_t)k, sizeof *keys, wait_cmp);
    for (int i = 0, total = keys != NULL ? k : inst->n_clients; i < total; i++) {
        int c = keys != NULL ? keys[i].client : i;
        if (p->manager[c] >= 0)
            continue;
        const cl_client *cl = &inst->clients[c];
        cl_html_f(h,
                  "<tr><th scope=\"row\">%s</th><td>%s%s%s</td><td class=\"num\">%g</td>"
                  "<td class=\"num\">%g</td><td>",
                  cl->id, program_words((int)cl->program), cl->program == CL_BLENDED ? " " : "",
                  cl->program == CL_BLENDED ? cl_program_names[cl->level] : "", cl->acuity, cl->priority);
        bool first = true;
        for (int l = 0; l < inst->n_langs; l++)
            if (cl->langs & ((uint64_t)1 << l)) {
                cl_html_f(h, "%s%s", first ? "" : ", ", inst->langs[l]);
                first = false;
            }
        cl_html_raw(h, "</td><td>");
        if (p->wait_reason[c] != NULL && p->wait_reason[c][0] != '\0')
            cl_html_text(h, p->wait_reason[c]);
        else
            cl_html_raw(h, r->after ? "<span class=\"muted\">no reason given</span>" : "intake, not assigned yet");
        cl_html_raw(h, "</td></tr>");
    }
    free(keys);
    cl_html_raw(h, "</tbody></table></section>\n");
}

/* ---------------------------------------------------------------------------------------------------------
 * The week: calendars, team view, shortfalls, on-call rota
 * ------------------------------------------------------------------------------------------------------- */

/* A visit's sort key: staff, day, start, client id. */
typedef struct visit_key {
    int staff, day, start, index;
    const char *client;
} visit_key;

static int visit_cmp(const void *a, const void *b)
{
    const visit_key *x = a, *y = b;
    if (x->staff != y->staff)
        return x->staff - y->staff;
    if (x->day != y->day)
        return x->day - y->day;
    if (x->start != y->start)
        return x->start - y->start;
    return strcmp(x->client, y->client);
}

/* Visit indices sorted by staff, day and start; caller frees. NULL on no memory (or no visits). */
static int *sorted_visits(const cl_report *r)
{
    if (r->n_visits == 0)
        return NULL;
    int *ix = malloc((size_t)r->n_visits * sizeof *ix);
    visit_key *keys = malloc((size_t)r->n_visits * sizeof *keys);
    if (ix != NULL && keys != NULL) {
        for (int i = 0; i < r->n_visits; i++) {
            const visit *v = &r->visits[i];
            keys[i] = (visit_key){v->staff, v->day, v->start, i, r->inst->clients[v->client].id};
        }
        qsort(keys, (size_t)r->n_visits, sizeof *keys, visit_cmp);
        for (int i = 0; i < r->n_visits; i++)
            ix[i] = keys[i].index;
    } else {
        free(ix);
        ix = NULL;
    }
    free(keys);
    return ix;
}

static int visit_zone(const cl_instance *inst, const visit *v)
{
    return v->zone >= 0 ? v->zone : inst->clients[v->client].zone;
}

/* The days the calendars show: the week's days and the on-call days. */
static unsigned shown_days(const cl_report *r)
{
    unsigned m = r->inst->week_days | r->inst->policy.on_call_days;
    for (int i = 0; i < r->n_visits; i++)
        m |= 1u << r->visits[i].day;
    return m;
}

static const oncall_row *oncall_of(const cl_report *r, int s, int d)
{
    for (int i = 0; i < r->n_oncall; i++)
        if (r->oncall[i].staff == s && r->oncall[i].day == d)
            return &r->oncall[i];
    return NULL;
}

static const staffday_row *staffday_of(const cl_report *r, int s, int d)
{
    for (int i = 0; i < r->n_staffdays; i++)
        if (r->staffdays[i].staff == s && r->staffdays[i].day == d)
            return &r->staffdays[i];
    return NULL;
}

enum { CW = 960, CLX = 170, CX1 = 930, CROW = 28, CTOP = 26 };

static double cx(int t, int t0, int t1)
{
    return CLX + (double)(t - t0) * (CX1 - CLX) / (t1 - t0);
}

/* The time window of the calendars: the day start to the latest end, travel home included, in hours. */
static void time_window(const cl_report *r, int *t0, int *t1)
{
    const cl_instance *inst = r->inst;
    int lo = inst->day_start_min, hi = inst->day_start_min + 8 * 60;
    for (int i = 0; i < r->n_visits; i++) {
        const visit *v = &r->visits[i];
        int from_base = v->start - cl_instance_travel(inst, inst->staff[v->staff].zone, visit_zone(inst, v));
        lo = from_base < lo ? from_base : lo;
        int home = v->end + cl_instance_travel(inst, visit_zone(inst, v), inst->staff[v->staff].zone);
        hi = home > hi ? home : hi;
    }
    for (int i = 0; i < r->n_staffdays; i++)
        hi = r->staffdays[i].end > hi ? r->staffdays[i].end : hi;
    *t0 = lo < 0 ? 0 : lo / 60 * 60;
    *t1 = (hi + 59) / 60 * 60;
}

static void visit_words(cl_html *h, const cl_instance *inst, const visit *v)
{
    char a[8], b[8];
    hhmm(a, v->start);
    hhmm(b, v->end);
    int z = visit_zone(inst, v);
    cl_html_f(h, "%s\xe2\x80\x93%s %s", a, b, inst->clients[v->client].id);
    if (z >= 0)
        cl_html_f(h, " (%s)", inst->zones[z]);
    if (v->joint_with >= 0)
        cl_html_f(h, ", joint with %s", inst->staff[v->joint_with].id);
    if (v->covering_for >= 0)
        cl_html_f(h, ", covering for %s", inst->staff[v->covering_for].id);
}

/* The visits of staff s by day as a table: the calendar's text alternative. */
static void staff_day_table(cl_html *h, const cl_report *r, int s, const int *ix, int from, int to)
{
    const cl_instance *inst = r->inst;
    cl_html_raw(h, "<table><thead><tr><th scope=\"col\">day</th><th scope=\"col\">visits</th>"
                   "<th scope=\"col\" class=\"num\">visit min</th><th scope=\"col\" class=\"num\">travel min</th>"
                   "<th scope=\"col\">ends</th><th scope=\"col\">on call</th></tr></thead><tbody>");
    for (int d = 0; d < CL_NDAYS; d++) {
        const oncall_row *oc = oncall_of(r, s, d);
        const staffday_row *sd = staffday_of(r, s, d);
        bool any = oc != NULL || sd != NULL;
        for (int k = from; k < to && !any; k++)
            any = r->visits[ix[k]].day == d;
        if (!any)
            continue;
        cl_html_f(h, "<tr><th scope=\"row\">%s</th><td>", cl_day_names[d]);
        bool first = true;
        for (int k = from; k < to; k++) {
            const visit *v = &r->visits[ix[k]];
            if (v->day != d)
                continue;
            if (!first)
                cl_html_raw(h, "; ");
            visit_words(h, inst, v);
            first = false;
        }
        if (first)
            cl_html_raw(h, "<span class=\"muted\">no visits</span>");
        char e[8];
        hhmm(e, sd ? sd->end : -1);
        if (sd)
            cl_html_f(h, "</td><td class=\"num\">%d</td><td class=\"num\">%d</td><td>%s</td>", sd->visit_minutes,
                      sd->travel_minutes, e);
        else
            cl_html_raw(h, "</td><td></td><td></td><td></td>");
        if (oc != NULL)
            cl_html_f(h, "<td>on call (%s)</td></tr>", oc->group);
        else
            cl_html_raw(h, "<td></td></tr>");
    }
    cl_html_raw(h, "</tbody></table>");
}

/* One staff member's week: a timeline per day (visits, travel, joint visits, covering, on call) and the
 * same in a table. ix[from..to) are the member's visits in order. */
static void staff_calendar(cl_html *h, const cl_report *r, int s, const int *ix, int from, int to, int t0, int t1)
{
    const cl_instance *inst = r->inst;
    const cl_staff *st = &inst->staff[s];
    unsigned days = shown_days(r);
    int rows = 0;
    for (int d = 0; d < CL_NDAYS; d++)
        rows += (days >> d) & 1;
    char id[96];
    snprintf(id, sizeof id, "cal-%s", st->id);
    cl_html_f(h, "<div class=\"cal\"><h3 id=\"%s\">%s \xe2\x80\x94 ", id, st->id);
    staff_kind(h, inst, s);
    cl_html_f(h, ", %.2g FTE%s%s</h3>", st->fte, st->zone >= 0 ? ", based " : "",
              st->zone >= 0 ? inst->zones[st->zone] : "");
    bool on_call = false;
    for (int d = 0; d < CL_NDAYS && !on_call; d++)
        on_call = oncall_of(r, s, d) != NULL;
    if (to == from && !on_call) {
        cl_html_raw(h, "<p class=\"muted\">No visits and no on-call days this week.</p></div>\n");
        return;
    }
    if (to == from) {
        staff_day_table(h, r, s, ix, from, to);
        cl_html_raw(h, "</div>\n");
        return;
    }
    int height = CTOP + rows * CROW + 6;
    svg_open(h, id, CW, height);
    cl_html_f(h, "<title id=\"%s-t\">Week of %s</title><desc id=\"%s-d\">%d visits this week", id, st->id, id,
              to - from);
    for (int d = 0; d < CL_NDAYS; d++) {
        const oncall_row *oc = oncall_of(r, s, d);
        if (oc)
            cl_html_f(h, "; on call %s (%s)", cl_day_names[d], oc->group);
    }
    cl_html_raw(h, ". The table below lists every visit.</desc>");
    for (int t = t0; t <= t1; t += 60) {
        double x = cx(t, t0, t1);
        char a[8];
        hhmm(a, t);
        cl_html_f(h, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#e2e2e2\"/>", x, CTOP - 4, x,
                  height - 4);
        cl_html_f(h, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\" fill=\"#444\">%s</text>", x,
                  CTOP - 10, a);
    }
    int y = CTOP;
    for (int d = 0; d < CL_NDAYS; d++) {
        if (!((days >> d) & 1))
            continue;
        const oncall_row *oc = oncall_of(r, s, d);
        bool works = st->minutes[d] > 0;
        cl_html_f(h, "<text x=\"4\" y=\"%d\" font-size=\"13\" font-weight=\"bold\">%s</text>", y + 18, cl_day_names[d]);
        if (!works)
            cl_html_f(h, "<text x=\"40\" y=\"%d\" font-size=\"11\" fill=\"#555\">off</text>", y + 18);
        if (oc != NULL)
            cl_html_f(h,
                      "<rect x=\"64\" y=\"%d\" width=\"98\" height=\"18\" rx=\"3\" fill=\"#fff\" "
                      "stroke=\"#000\" stroke-width=\"1.5\"/><text x=\"113\" y=\"%d\" font-size=\"10\" "
                      "font-weight=\"bold\" text-anchor=\"middle\">ON CALL %s</text>",
                      y + 5, y + 18, oc->group);
        if (works) {
            double wx0 = cx(inst->day_start_min, t0, t1),
                   wx1 = cx(inst->day_start_min + st->minutes[d] > t1 ? t1 : inst->day_start_min + st->minutes[d], t0,
                            t1);
            cl_html_f(h,
                      "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#f6f6f6\" stroke=\"#bbb\" "
                      "stroke-width=\"0.5\"/>",
                      wx0, y + 2, wx1 - wx0, CROW - 4);
        }
        int prev_end = inst->day_start_min, prev_zone = st->zone;
        const visit *last = NULL;
        for (int k = from; k < to; k++) {
            const visit *v = &r->visits[ix[k]];
            if (v->day != d)
                continue;
            int z = visit_zone(inst, v);
            int travel = cl_instance_travel(inst, prev_zone, z);
            int ts = v->start - travel < prev_end ? prev_end : v->start - travel;
            if (travel > 0 && ts < v->start)
                cl_html_f(h,
                          "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"10\" fill=\"url(#p-travel)\" "
                          "stroke=\"#777\" stroke-width=\"0.5\"/>",
                          cx(ts, t0, t1), y + 9, cx(v->start, t0, t1) - cx(ts, t0, t1));
            double x0 = cx(v->start, t0, t1), x1 = cx(v->end, t0, t1);
            cl_html_f(h,
                      "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\" stroke=\"#1f3f5f\" "
                      "stroke-width=\"1.2\" stroke-dasharray=\"%s\"/>",
                      x0, y + 3, x1 - x0, CROW - 6, v->joint_with >= 0 ? "url(#p-joint)" : "#cfe0f1",
                      v->covering_for >= 0 ? "4 2" : "none");
            cl_html_f(h,
                      "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" fill=\"#000\" stroke=\"#fff\" "
                      "stroke-width=\"3\" paint-order=\"stroke\">%s%s%s</text>",
                      x0 + 3, y + 18, inst->clients[v->client].id, v->joint_with >= 0 ? " J" : "",
                      v->covering_for >= 0 ? " cov" : "");
            prev_end = v->end;
            prev_zone = z;
            last = v;
        }
        if (last != NULL) {
            int home = cl_instance_travel(inst, prev_zone, st->zone);
            if (home > 0)
                cl_html_f(h,
                          "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"10\" fill=\"url(#p-travel)\" "
                          "stroke=\"#777\" stroke-width=\"0.5\"/>",
                          cx(prev_end, t0, t1), y + 9, cx(prev_end + home, t0, t1) - cx(prev_end, t0, t1));
        }
        y += CROW;
    }
    cl_html_raw(h, "</svg>\n");
    staff_day_table(h, r, s, ix, from, to);
    cl_html_raw(h, "</div>\n");
}

/* The team view: per group, members by day with their visit count, end and on-call days. */
static void team_view(cl_html *h, const cl_report *r, int g, unsigned days)
{
    const cl_instance *inst = r->inst;
    cl_html_raw(h, "<h3>");
    group_title(h, inst, g);
    cl_html_raw(h, ": the week at a glance</h3><table><thead><tr><th scope=\"col\">staff</th>");
    for (int d = 0; d < CL_NDAYS; d++)
        if ((days >> d) & 1)
            cl_html_f(h, "<th scope=\"col\">%s</th>", cl_day_names[d]);
    cl_html_raw(h, "<th scope=\"col\" class=\"num\">visits</th></tr></thead><tbody>");
    int by_other = 0;
    for (int s = 0; s < inst->n_staff; s++) {
        if (group_of(inst, s) != g)
            continue;
        cl_html_f(h, "<tr><th scope=\"row\"><a href=\"#cal-%s\">%s</a></th>", inst->staff[s].id, inst->staff[s].id);
        int total = 0;
        for (int d = 0; d < CL_NDAYS; d++) {
            if (!((days >> d) & 1))
                continue;
            int n = 0, end = -1;
            for (int i = 0; i < r->n_visits; i++) {
                const visit *v = &r->visits[i];
                if (v->staff == s && v->day == d) {
                    n++;
                    end = v->end > end ? v->end : end;
                }
            }
            const staffday_row *sd = staffday_of(r, s, d);
            if (sd != NULL && sd->end >= 0)
                end = sd->end;
            total += n;
            const oncall_row *oc = oncall_of(r, s, d);
            char e[8];
            hhmm(e, end);
            cl_html_raw(h, "<td>");
            if (n > 0)
                cl_html_f(h, "%d visit%s, ends %s", n, n == 1 ? "" : "s", e);
            else if (inst->staff[s].minutes[d] == 0)
                cl_html_raw(h, "<span class=\"muted\">off</span>");
            if (oc != NULL)
                cl_html_raw(h, n > 0 || inst->staff[s].minutes[d] == 0 ? "<br><b>on call</b>" : "<b>on call</b>");
            cl_html_raw(h, "</td>");
        }
        cl_html_f(h, "<td class=\"num\">%d</td></tr>", total);
    }
    if (g >= G_TEAM0 && g < G_TEAM0 + inst->n_teams) {
        const cl_assignment *p = plan_of(r);
        for (int i = 0; i < r->n_visits; i++) {
            const visit *v = &r->visits[i];
            by_other +=
                inst->staff[v->staff].team == g - G_TEAM0 && p->manager[v->client] != v->staff && v->covering_for < 0;
        }
    }
    cl_html_raw(h, "</tbody></table>");
    if (g >= G_TEAM0 && g < G_TEAM0 + inst->n_teams)
        cl_html_f(h,
                  "<p class=\"note\">Visits to team clients by a member other than the client's primary "
                  "manager: %d (shared caseload; at least %d%% of each client's visits are by the primary).</p>",
                  by_other, pct(inst->policy.blended_primary_share));
}

static void section_week(cl_html *h, const cl_report *r)
{
    const cl_instance *inst = r->inst;
    cl_html_raw(h, "<section aria-labelledby=\"week\"><h2 id=\"week\" class=\"page\">The week</h2>");
    if (!r->has_schedule) {
        cl_html_raw(h, "<p>No schedule was given (caseload schedule ... -o schedule.json, then --schedule): the "
                       "calendars, quota shortfalls and the on-call rota need one.</p></section>\n");
        return;
    }
    unsigned days = shown_days(r);
    cl_html_raw(h, "<p class=\"legend\" aria-hidden=\"true\">");
    legend_svg_key(h, "#cfe0f1", "visit", false);
    legend_svg_key(h, "url(#p-joint)", "joint visit (J)", false);
    legend_svg_key(h, "#cfe0f1", "covering for a colleague (cov)", true);
    legend_svg_key(h, "url(#p-travel)", "travel", false);
    legend_svg_key(h, "#f6f6f6", "working hours", false);
    cl_html_raw(h, "</p>\n<h3 id=\"teams\">Team view</h3>");
    for (int g = 0; g < n_groups(inst); g++)
        if (!group_empty(inst, g))
            team_view(h, r, g, days);
    int t0, t1;
    time_window(r, &t0, &t1);
    int *ix = sorted_visits(r);
    cl_html_raw(h, "<h3 id=\"calendars\">Week calendar per staff member</h3>");
    for (int g = 0; g < n_groups(inst); g++) {
        for (int s = 0; s < inst->n_staff; s++) {
            if (group_of(inst, s) != g)
                continue;
            int from = 0, to = 0;
            if (ix != NULL) {
                while (from < r->n_visits && r->visits[ix[from]].staff < s)
                    from++;
                to = from;
                while (to < r->n_visits && r->visits[ix[to]].staff == s)
                    to++;
            }
            bool oc = false;
            for (int d = 0; d < CL_NDAYS && !oc; d++)
                oc = oncall_of(r, s, d) != NULL;
            if (to > from || oc || inst->staff[s].active)
                staff_calendar(h, r, s, ix, from, to, t0, t1);
        }
    }
    free(ix);
    cl_html_raw(h, "</section>\n");
}

static void section_shortfalls(cl_html *h, const cl_report *r)
{
    const cl_instance *inst = r->inst;
    if (!r->has_schedule)
        return;
    const cl_assignment *p = plan_of(r);
    cl_html_raw(h, "<section aria-labelledby=\"short\"><h2 id=\"short\">Quota shortfalls this week</h2>");
    if (r->has_sched_metrics)
        cl_html_f(h, "<p>%g of %g required contacts are scheduled: coverage %d%%.</p>", r->sched_scheduled,
                  r->sched_required, pct(r->sched_coverage));
    if (r->n_shortfalls == 0) {
        cl_html_raw(h, "<p class=\"ok\">Every client's weekly contact quota is scheduled.</p></section>\n");
        return;
    }
    cl_html_raw(h, "<table><thead><tr><th scope=\"col\">client</th><th scope=\"col\">program</th>"
                   "<th scope=\"col\">manager</th><th scope=\"col\" class=\"num\">required</th>"
                   "<th scope=\"col\" class=\"num\">scheduled</th><th scope=\"col\" class=\"num\">missing</th>"
                   "<th scope=\"col\">reason</th></tr></thead><tbody>");
    for (int i = 0; i < r->n_shortfalls; i++) {
        const shortfall_row *sf = &r->shortfalls[i];
        const cl_client *cl = &inst->clients[sf->client];
        cl_html_f(h,
                  "<tr><th scope=\"row\">%s</th><td>%s</td><td>%s</td><td class=\"num\">%d</td>"
                  "<td class=\"num\">%d</td><td class=\"num warn\">%d</td><td>%s</td></tr>",
                  cl->id, program_words((int)cl->program), staff_id(inst, p->manager[sf->client]), sf->required,
                  sf->scheduled, sf->required - sf->scheduled, sf->reason);
    }
    cl_html_raw(h, "</tbody></table></section>\n");
}

static void rota_row(cl_html *h, const cl_report *r, const char *group, unsigned days)
{
    cl_html_f(h, "<tr><th scope=\"row\">%s</th>", group);
    for (int d = 0; d < CL_NDAYS; d++) {
        if (!((days >> d) & 1))
            continue;
        const oncall_row *o = NULL;
        for (int i = 0; i < r->n_oncall && o == NULL; i++)
            if (r->oncall[i].day == d && strcmp(r->oncall[i].group, group) == 0)
                o = &r->oncall[i];
        if (o != NULL)
            cl_html_f(h, "<td>%s</td>", r->inst->staff[o->staff].id);
        else
            cl_html_raw(h, "<td class=\"warn\">UNCOVERED</td>");
    }
    cl_html_raw(h, "</tr>");
}

static void section_rota(cl_html *h, const cl_report *r)
{
    const cl_instance *inst = r->inst;
    if (!r->has_schedule)
        return;
    unsigned days = inst->policy.on_call_days;
    cl_html_raw(h, "<section aria-labelledby=\"rota\"><h2 id=\"rota\">On-call rota</h2><p>One on-call manager "
                   "for the agency and one per Blended team, every day of the on-call policy (24-hour crisis "
                   "coverage).</p><table><thead><tr><th scope=\"col\">group</th>");
    for (int d = 0; d < CL_NDAYS; d++)
        if ((days >> d) & 1)
            cl_html_f(h, "<th scope=\"col\">%s</th>", cl_day_names[d]);
    cl_html_raw(h, "</tr></thead><tbody>");
    rota_row(h, r, "agency", days);
    for (int t = 0; t < inst->n_teams; t++)
        rota_row(h, r, inst->teams[t].id, days);
    cl_html_raw(h, "</tbody></table>");
    /* Days per person, against FTE: the rota should be even per FTE. */
    cl_html_raw(h, "<p class=\"note\">On-call days per person: ");
    bool first = true;
    for (int s = 0; s < inst->n_staff; s++) {
        int n = 0;
        for (int i = 0; i < r->n_oncall; i++)
            n += r->oncall[i].staff == s;
        if (n == 0)
            continue;
        cl_html_f(h, "%s%s %d (%.2g FTE)", first ? "" : ", ", inst->staff[s].id, n, inst->staff[s].fte);
        first = false;
    }
    if (first)
        cl_html_raw(h, "none");
    cl_html_raw(h, ".</p></section>\n");
}

/* ---------------------------------------------------------------------------------------------------------
 * Scenarios
 * ------------------------------------------------------------------------------------------------------- */

static const metric *metric_find(const scenario *s, const char *key)
{
    for (int i = 0; s != NULL && i < s->n; i++)
        if (strcmp(s->m[i].key, key) == 0)
            return &s->m[i];
    return NULL;
}

/* The key a panel shows: the first of the exact names present in any scenario, else the first top-level
 * key containing `part`. NULL when none. */
static const char *pick_metric(const cl_report *r, const char *const *exact, const char *part)
{
    for (const char *const *k = exact; *k; k++)
        for (int i = 0; i < r->n_scen; i++)
            if (metric_find(&r->scen[i], *k))
                return *k;
    for (int i = 0; i < r->n_scen; i++)
        for (int j = 0; j < r->scen[i].n; j++)
            if (strstr(r->scen[i].m[j].key, part) && !strchr(r->scen[i].m[j].key, '.') &&
                !strstr(r->scen[i].m[j].key, "diff") && !strstr(r->scen[i].m[j].key, "delta"))
                return r->scen[i].m[j].key;
    return NULL;
}

static const scenario *baseline_of(const cl_report *r)
{
    if (r->has_baseline)
        return &r->baseline;
    for (int i = 0; i < r->n_scen; i++)
        if (strcasecmp(r->scen[i].name, "baseline") == 0)
            return &r->scen[i];
    return NULL;
}

static bool is_ratio_key(const char *key)
{
    return strstr(key, "utilization") || strstr(key, "coverage");
}

static void metric_value(char *out, size_t sz, const char *key, double v)
{
    if (is_ratio_key(key) && fabs(v) <= 10)
        snprintf(out, sz, "%d%%", pct(v));
    else
        snprintf(out, sz, "%.4g", v);
}

static void metric_delta(char *out, size_t sz, const char *key, double v)
{
    if (is_ratio_key(key) && fabs(v) <= 10)
        snprintf(out, sz, "%+d points", pct(v));
    else
        snprintf(out, sz, "%+.4g", v);
}

enum { SW = 960, SLX = 250, SX1 = 690, SROW = 24, STOP = 22, STX = 702 };

static void scenario_panel(cl_html *h, const cl_report *r, const char *key, const char *title, int k)
{
    const scenario *base = baseline_of(r);
    const metric *bm = metric_find(base, key);
    double vmax = bm ? fabs(bm->value) : 0;
    int rows = bm ? 1 : 0;
    for (int i = 0; i < r->n_scen; i++) {
        const metric *m = &r->scen[i] != base ? metric_find(&r->scen[i], key) : NULL;
        if (m) {
            vmax = fmax(vmax, fabs(m->value));
            rows++;
        }
    }
    if (rows == 0)
        return;
    if (vmax <= 0)
        vmax = 1;
    vmax *= 1.05;
    char id[32], v[64], dv[64];
    snprintf(id, sizeof id, "scen-%d", k);
    cl_html_f(h, "<h3>%s</h3>", title);
    int height = STOP + rows * SROW + 8;
    svg_open(h, id, SW, height);
    cl_html_f(h, "<title id=\"%s-t\">%s per scenario%s</title><desc id=\"%s-d\">", id, title,
              bm ? " against the baseline" : "", id);
    if (bm) {
        metric_value(v, sizeof v, key, bm->value);
        cl_html_f(h, "baseline %s; ", v);
    }
    for (int i = 0; i < r->n_scen; i++) {
        const metric *m = &r->scen[i] != base ? metric_find(&r->scen[i], key) : NULL;
        if (m == NULL)
            continue;
        metric_value(v, sizeof v, key, m->value);
        cl_html_f(h, "%s: %s", r->scen[i].name, v);
        if (bm) {
            metric_delta(dv, sizeof dv, key, m->value - bm->value);
            cl_html_f(h, " (%s)", dv);
        }
        cl_html_raw(h, "; ");
    }
    cl_html_raw(h, "</desc>");
    int y = STOP;
    for (int i = -1; i < r->n_scen; i++) {
        const metric *m = i < 0 ? bm : &r->scen[i] != base ? metric_find(&r->scen[i], key) : NULL;
        if (m == NULL)
            continue;
        const char *name = i < 0 ? "baseline" : r->scen[i].name;
        double w = fabs(m->value) / vmax * (SX1 - SLX);
        metric_value(v, sizeof v, key, m->value);
        char label[48];
        size_t cut = strlen(name) > 34 ? 34 : strlen(name);
        while (cut > 0 && cut < strlen(name) && ((unsigned char)name[cut] & 0xC0) == 0x80)
            cut--; /* not inside a UTF-8 sequence */
        snprintf(label, sizeof label, "%.*s%s", (int)cut, name, cut < strlen(name) ? "\xe2\x80\xa6" : "");
        cl_html_f(h, "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"end\" font-weight=\"%s\">%s</text>",
                  SLX - 6, y + 15, i < 0 ? "bold" : "normal", label);
        cl_html_f(h,
                  "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"16\" fill=\"%s\" stroke=\"#222\" "
                  "stroke-width=\"0.6\"/>",
                  SLX, y + 3, w, i < 0 ? "url(#p-now)" : "#2b5c8a");
        cl_html_f(h, "<text x=\"%d\" y=\"%d\" font-size=\"12\">%s", STX, y + 15, v);
        if (i >= 0 && bm) {
            metric_delta(dv, sizeof dv, key, m->value - bm->value);
            cl_html_f(h, " (%s vs baseline)", dv);
        }
        cl_html_raw(h, "</text>");
        y += SROW;
    }
    if (bm) {
        double bx = SLX + fabs(bm->value) / vmax * (SX1 - SLX);
        cl_html_f(h,
                  "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#000\" stroke-width=\"1.5\" "
                  "stroke-dasharray=\"5 3\"/><text x=\"%.1f\" y=\"%d\" font-size=\"11\" "
                  "text-anchor=\"middle\">baseline</text>",
                  bx, STOP - 4, bx, height - 4, bx, STOP - 8);
    }
    cl_html_raw(h, "</svg>\n");
}

static void section_scenarios(cl_html *h, const cl_report *r)
{
    if (!r->has_scenarios)
        return;
    cl_html_raw(h, "<section aria-labelledby=\"scen\"><h2 id=\"scen\" class=\"page\">Staffing scenarios</h2>");
    static const char *const waitlist[] = {"waitlisted", "waitlist", "waitlist_total", "waitlist_clients", NULL};
    static const char *const mean_u[] = {"mean_utilization", "utilization", "avg_utilization", NULL};
    static const char *const max_u[] = {"max_utilization", NULL};
    static const char *const coverage[] = {"coverage", "schedule_coverage", NULL};
    const char *kw = pick_metric(r, waitlist, "waitlist");
    const char *km = pick_metric(r, mean_u, "utilization");
    const char *kx = pick_metric(r, max_u, "max_util");
    const char *kc = pick_metric(r, coverage, "coverage");
    if (kw == NULL && km == NULL && kx == NULL && kc == NULL) {
        cl_html_raw(h, "<p>The scenarios file holds no metrics (is it the scenarios input rather than the "
                       "output of caseload scenarios?): the chart needs scenario results.</p></section>\n");
        return;
    }
    const scenario *base = baseline_of(r);
    cl_html_f(h, "<p>Each scenario is the baseline with its changes, assigned and scheduled again.%s</p>",
              base ? " The hatched bar and the dashed line are the baseline." : " The file has no baseline.");
    cl_html_raw(h, "<p class=\"legend\" aria-hidden=\"true\">");
    if (base)
        legend_svg_key(h, "url(#p-now)", "baseline", false);
    legend_svg_key(h, "#2b5c8a", "scenario", false);
    cl_html_raw(h, "</p>");
    int k = 0;
    if (kw)
        scenario_panel(h, r, kw, "Waitlist", k++);
    if (km)
        scenario_panel(h, r, km, strcmp(km, "max_utilization") == 0 ? "Maximum utilization" : "Mean utilization", k++);
    if (kx && (km == NULL || strcmp(kx, km) != 0))
        scenario_panel(h, r, kx, "Maximum utilization", k++);
    if (kc)
        scenario_panel(h, r, kc, "Schedule coverage", k++);
    /* Every number, as a table. */
    cl_html_raw(h, "<h3>All scenario metrics</h3><table><thead><tr><th scope=\"col\">metric</th>");
    if (base == &r->baseline)
        cl_html_raw(h, "<th scope=\"col\" class=\"num\">baseline</th>");
    for (int i = 0; i < r->n_scen; i++)
        cl_html_f(h, "<th scope=\"col\" class=\"num\">%s</th>", r->scen[i].name);
    cl_html_raw(h, "</tr></thead><tbody>");
    /* Keys in the order of first appearance: baseline, then each scenario. */
    for (int src = -1; src < r->n_scen; src++) {
        const scenario *ss = src < 0 ? (base == &r->baseline ? base : NULL) : &r->scen[src];
        for (int j = 0; ss != NULL && j < ss->n; j++) {
            const char *key = ss->m[j].key;
            bool seen = false;
            for (int p = -1; p < src && !seen; p++) {
                const scenario *ps = p < 0 ? (base == &r->baseline ? base : NULL) : &r->scen[p];
                seen = metric_find(ps, key) != NULL;
            }
            if (seen)
                continue;
            cl_html_f(h, "<tr><th scope=\"row\">%s</th>", key);
            char v[64];
            if (base == &r->baseline) {
                const metric *m = metric_find(base, key);
                if (m)
                    metric_value(v, sizeof v, key, m->value);
                cl_html_f(h, "<td class=\"num\">%s</td>", m ? v : "");
            }
            for (int i = 0; i < r->n_scen; i++) {
                const metric *m = metric_find(&r->scen[i], key);
                if (m)
                    metric_value(v, sizeof v, key, m->value);
                cl_html_f(h, "<td class=\"num\">%s</td>", m ? v : "");
            }
            cl_html_raw(h, "</tr>");
        }
    }
    cl_html_raw(h, "</tbody></table></section>\n");
}

/* ---------------------------------------------------------------------------------------------------------
 * Compliance page
 * ------------------------------------------------------------------------------------------------------- */

static void compliance_caseloads(cl_html *h, const cl_report *r, const cl_staff_load *plan)
{
    const cl_instance *inst = r->inst;
    const cl_assignment *p = plan_of(r);
    cl_html_f(h,
              "<h3>Caseload per worker against the program standard</h3><p>Clients per worker (headcount) %s, "
              "per 1.0 FTE against the standard: ICM 12 (COA CM 5 range 10\xe2\x80\x93"
              "15), SCM 1:20 or 1:30, "
              "Adult Home 1:20 (modelled on SCM). Blended team members share a pooled caseload: ICM-level clients "
              "count at 1:12, SCM-level at 1:20, within the team's FTE. Caps weigh clients by acuity, so a worker "
              "with high-acuity clients can be full below the range's headcount.</p>",
              r->after ? "in the plan" : "now");
    if (fabs(inst->programs[CL_ICM].caseload_cap - cl_program_preset(CL_ICM)->caseload_cap) > 1e-9)
        cl_html_f(h, "<p class=\"warn\">This agency's ICM cap is %g, not the standard 12.</p>",
                  inst->programs[CL_ICM].caseload_cap);
    cl_html_raw(h, "<table><thead><tr><th scope=\"col\">worker</th><th scope=\"col\">program</th>"
                   "<th scope=\"col\" class=\"num\">FTE</th><th scope=\"col\" class=\"num\">clients</th>"
                   "<th scope=\"col\" class=\"num\">per 1.0 FTE</th><th scope=\"col\">standard</th>"
                   "<th scope=\"col\">status</th></tr></thead><tbody>");
    int above = 0;
    for (int g = 0; g < n_groups(inst); g++)
        for (int s = 0; s < inst->n_staff; s++) {
            const cl_staff *st = &inst->staff[s];
            if (group_of(inst, s) != g || (!st->active && plan[s].clients == 0))
                continue;
            int n = plan[s].clients;
            double per = n / st->fte;
            cl_html_f(h, "<tr><th scope=\"row\">%s</th><td>", st->id);
            staff_kind(h, inst, s);
            cl_html_f(h, "</td><td class=\"num\">%.2g</td><td class=\"num\">%d", st->fte, n);
            if (is_team_member(inst, s)) {
                int icm = 0;
                for (int c = 0; c < inst->n_clients; c++)
                    icm += p->manager[c] == s && inst->clients[c].level == CL_ICM;
                cl_html_f(h, " (%d ICM-level, %d SCM-level)", icm, n - icm);
            }
            cl_html_f(h, "</td><td class=\"num\">%.1f</td>", per);
            const char *status = "within the standard", *cls = "ok";
            char std[96];
            if (!st->active) {
                snprintf(std, sizeof std, "none: inactive");
                status = "inactive but holds clients";
                cls = "warn";
            } else if (is_team_member(inst, s)) {
                snprintf(std, sizeof std, "pooled: up to %.3g of %.2g FTE (flex)", cl_limit(inst, s), st->fte);
                if (overloaded(inst, s, plan)) {
                    status = "above the pooled limit";
                    cls = "warn";
                }
            } else if (st->role == CL_MANAGER && st->program == CL_ICM) {
                snprintf(std, sizeof std,
                         "12 (range 10\xe2\x80\x93"
                         "15)");
                if (per > CL_ICM_ACCREDITED_MAX + 1e-9) {
                    status = "above the 10\xe2\x80\x93"
                             "15 range";
                    cls = "warn";
                } else if (per < CL_ICM_ACCREDITED_MIN - 1e-9) {
                    status = "below the 10\xe2\x80\x93"
                             "15 range";
                    cls = "muted";
                } else {
                    status = "within the 10\xe2\x80\x93"
                             "15 range";
                }
            } else {
                double cap = st->caseload_cap;
                snprintf(std, sizeof std, "1:%g%s", cap,
                         st->role == CL_PEER            ? " (peer specialist)"
                         : st->program == CL_ADULT_HOME ? " (Adult Home)"
                                                        : "");
                if (per > cap + 1e-9) {
                    status = "above the standard";
                    cls = "warn";
                } else if (st->program == CL_SCM && st->role == CL_MANAGER && cap > 30 + 1e-9) {
                    status = "cap set above the 1:30 standard";
                    cls = "warn";
                }
            }
            above += strcmp(cls, "warn") == 0;
            cl_html_f(h, "<td>%s</td><td class=\"%s\">%s</td></tr>", std, cls, status);
        }
    cl_html_raw(h, "</tbody></table>");
    cl_html_f(h, "<p>%s</p>", above == 0 ? "Every worker is within the standard." : "");
    if (above > 0)
        cl_html_f(h, "<p class=\"warn\">%d workers are outside the standard.</p>", above);
}

/* Distinct days this week on which client c has a visit (a joint visit counts once). */
static int scheduled_contacts(const cl_report *r, int c)
{
    unsigned days = 0;
    for (int i = 0; i < r->n_visits; i++)
        if (r->visits[i].client == c)
            days |= 1u << r->visits[i].day;
    int n = 0;
    for (int d = 0; d < CL_NDAYS; d++)
        n += (days >> d) & 1;
    return n;
}

static void compliance_contacts(cl_html *h, const cl_report *r)
{
    const cl_instance *inst = r->inst;
    const cl_assignment *p = plan_of(r);
    cl_html_raw(h, "<h3>Clients below their monthly contact minimum</h3>");
    cl_html_f(h,
              "<p>Face-to-face contacts made this month plus the visits %s this week, against the monthly "
              "minimum (ICM 4, SCM and Adult Home 2, Blended by level, transitional clients 1). %d "
              "week%s of the month remain, this one included: a client listed here needs contacts in the "
              "remaining weeks.</p>",
              r->has_schedule ? "scheduled" : "(no schedule was given, so none are counted)", inst->weeks_left_in_month,
              inst->weeks_left_in_month == 1 ? "" : "s");
    int n = 0;
    for (int c = 0; c < inst->n_clients; c++) {
        if (p->manager[c] < 0)
            continue;
        const cl_client *cl = &inst->clients[c];
        int min = cl_monthly_minimum(inst, c), sched = scheduled_contacts(r, c);
        if (cl->contacts_this_month + sched >= min)
            continue;
        if (n++ == 0)
            cl_html_raw(h, "<table><thead><tr><th scope=\"col\">client</th><th scope=\"col\">program</th>"
                           "<th scope=\"col\">manager</th><th scope=\"col\" class=\"num\">made this month</th>"
                           "<th scope=\"col\" class=\"num\">scheduled this week</th>"
                           "<th scope=\"col\" class=\"num\">monthly minimum</th>"
                           "<th scope=\"col\" class=\"num\">still needed</th></tr></thead><tbody>");
        cl_html_f(h,
                  "<tr><th scope=\"row\">%s</th><td>%s%s%s%s</td><td>%s</td><td class=\"num\">%d</td>"
                  "<td class=\"num\">%d</td><td class=\"num\">%d</td><td class=\"num warn\">%d</td></tr>",
                  cl->id, program_words((int)cl->program), cl->program == CL_BLENDED ? ", level " : "",
                  cl->program == CL_BLENDED ? cl_program_names[cl->level] : "",
                  cl->transitional ? ", transitional" : "", staff_id(inst, p->manager[c]), cl->contacts_this_month,
                  sched, min, min - cl->contacts_this_month - sched);
    }
    if (n > 0)
        cl_html_f(h, "</tbody></table><p>%d clients below their monthly minimum.</p>", n);
    else
        cl_html_raw(h, "<p class=\"ok\">No client is below their monthly contact minimum.</p>");
    int waiting = count_waiting(r);
    if (waiting > 0)
        cl_html_f(h, "<p class=\"note\">%d waitlisted clients have no case manager and are not counted here.</p>",
                  waiting);
}

static void compliance_teams(cl_html *h, const cl_report *r, const double *team_plan)
{
    const cl_instance *inst = r->inst;
    if (inst->n_teams == 0)
        return;
    cl_html_raw(h, "<h3>Blended team mix</h3><p>A Blended team may combine 1 ICM + 1 SCM, 1 ICM + 2 SCM, 2 ICM + 1 "
                   "SCM, or sums of these (14 NYCRR 506.7(a)): with a ICM and b SCM active members, a, b \xe2\x89\xa5 "
                   "1, a \xe2\x89\xa4 2b and b \xe2\x89\xa4 2a.</p><table><thead><tr><th scope=\"col\">team</th>"
                   "<th scope=\"col\" class=\"num\">ICM members</th><th scope=\"col\" class=\"num\">SCM members</th>"
                   "<th scope=\"col\" class=\"num\">pooled FTE used</th><th scope=\"col\">mix</th></tr></thead>"
                   "<tbody>");
    for (int t = 0; t < inst->n_teams; t++) {
        int a, b;
        cl_team_mix(inst, t, &a, &b);
        bool legal = cl_blended_mix_legal(a, b);
        cl_html_f(h,
                  "<tr><th scope=\"row\">%s</th><td class=\"num\">%d</td><td class=\"num\">%d</td>"
                  "<td class=\"num\">%.3g of %.3g</td><td class=\"%s\">%s</td></tr>",
                  inst->teams[t].id, a, b, team_plan[t], cl_team_fte(inst, t), legal ? "ok" : "warn",
                  legal ? "legal" : "NOT allowed");
    }
    cl_html_raw(h, "</tbody></table>");
}

static void compliance_crisis(cl_html *h, const cl_report *r)
{
    const cl_instance *inst = r->inst;
    cl_html_raw(h, "<h3>24-hour crisis coverage</h3>");
    if (!r->has_schedule) {
        cl_html_raw(h, "<p>No schedule was given: the on-call rota is not known.</p>");
        return;
    }
    int missing = 0, needed = 0;
    for (int d = 0; d < CL_NDAYS; d++) {
        if (!((inst->policy.on_call_days >> d) & 1))
            continue;
        for (int g = -1; g < inst->n_teams; g++) {
            const char *group = g < 0 ? "agency" : inst->teams[g].id;
            bool found = false;
            for (int i = 0; i < r->n_oncall && !found; i++)
                found = r->oncall[i].day == d && strcmp(r->oncall[i].group, group) == 0;
            needed++;
            missing += !found;
        }
    }
    if (missing == 0)
        cl_html_f(h,
                  "<p class=\"ok\">Someone is on call every day of the policy, for the agency and for each "
                  "Blended team (%d on-call days).</p>",
                  needed);
    else
        cl_html_f(h, "<p class=\"warn\">%d of %d on-call days have nobody on call (see the rota).</p>", missing,
                  needed);
}

static void section_compliance(cl_html *h, const cl_report *r, const cl_staff_load *plan, const double *team_plan)
{
    cl_html_raw(h, "<section aria-labelledby=\"comp\"><h2 id=\"comp\" class=\"page\">Compliance: for an "
                   "accreditation visit</h2>");
    compliance_caseloads(h, r, plan);
    compliance_contacts(h, r);
    compliance_teams(h, r, team_plan);
    compliance_crisis(h, r);
    cl_html_raw(h, "</section>\n");
}

/* ---------------------------------------------------------------------------------------------------------
 * The page
 * ------------------------------------------------------------------------------------------------------- */

char *cl_report_html(const cl_report *r)
{
    const cl_instance *inst = r->inst;
    cl_html h;
    cl_html_init(&h);
    size_t ns = (size_t)inst->n_staff + 1, nt = (size_t)inst->n_teams + 1;
    cl_staff_load *now = calloc(ns, sizeof *now), *plan = calloc(ns, sizeof *plan);
    double *team_now = calloc(nt, sizeof *team_now), *team_plan = calloc(nt, sizeof *team_plan);
    char *out = NULL;
    if (now == NULL || plan == NULL || team_now == NULL || team_plan == NULL)
        goto done;
    cl_assignment_loads(inst, r->before, now, team_now);
    cl_assignment_loads(inst, plan_of(r), plan, team_plan);
    const char *name = inst->name ? inst->name : "caseload";
    cl_html_f(&h,
              "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
              "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
              "<title>%s \xe2\x80\x94 caseload report</title><style>",
              name);
    cl_html_raw(&h, css);
    cl_html_raw(&h, "</style></head>\n<body>\n");
    cl_html_raw(&h, svg_defs);
    cl_html_f(&h, "<header><h1>%s</h1><p>Caseload report for the week of %s", name,
              inst->week_start[0] ? inst->week_start : "(no date given)");
    cl_html_f(&h, ": %d staff, %d clients.", inst->n_staff, inst->n_clients);
    if (r->assignment_file)
        cl_html_f(&h, " Plan: %s.", r->assignment_file);
    else
        cl_html_raw(&h, " No plan: the current state only.");
    if (r->schedule_file)
        cl_html_f(&h, " Schedule: %s.", r->schedule_file);
    if (r->scenarios_file)
        cl_html_f(&h, " Scenarios: %s.", r->scenarios_file);
    cl_html_raw(&h, "</p></header>\n<nav aria-label=\"Contents\"><ol>"
                    "<li><a href=\"#summary\">Summary</a></li><li><a href=\"#util\">Utilization</a></li>"
                    "<li><a href=\"#moves\">Moves</a></li><li><a href=\"#wait\">Waitlist</a></li>"
                    "<li><a href=\"#week\">The week</a></li>");
    if (r->has_schedule)
        cl_html_raw(&h, "<li><a href=\"#short\">Quota shortfalls</a></li><li><a href=\"#rota\">On-call rota</a></li>");
    if (r->has_scenarios)
        cl_html_raw(&h, "<li><a href=\"#scen\">Scenarios</a></li>");
    cl_html_raw(&h, "<li><a href=\"#comp\">Compliance</a></li></ol></nav>\n<main>\n");
    section_summary(&h, r, now, plan);
    section_utilization(&h, r, now, plan, team_now, team_plan);
    section_moves(&h, r);
    section_waitlist(&h, r);
    section_week(&h, r);
    section_shortfalls(&h, r);
    section_rota(&h, r);
    section_scenarios(&h, r);
    section_compliance(&h, r, plan, team_plan);
    cl_html_raw(&h, "</main>\n<footer><p class=\"note\">Made by caseload " CL_VERSION
                    ". Clients are named by id only.</p></footer>\n</body></html>\n");
    out = cl_html_take(&h);
done:
    cl_html_dispose(&h);
    free(now);
    free(plan);
    free(team_now);
    free(team_plan);
    return out;
}
