/* schedule.c: the schedule record (SPEC §6.4), the rules of §6.2 as functions, and verify for schedules. */
#include "schedule.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../model/rules.h"

struct cl_schedule {
    int n_clients;
    int n_staff;
    cl_schedule_client *clients;
    cl_visit *visits;
    int n_visits, cap_visits;
    cl_on_call *on_call;
    int n_on_call, cap_on_call;
    cl_shortfall *shorts;
    int n_shorts, cap_shorts;
    cl_staff_day *days;
    int n_days;
    cl_schedule_metrics m;
    double seconds;
    cl_schedule_status status;
    unsigned unproven; /* CL_SCHED_TRAVEL | CL_SCHED_LATEST_END */
};

const char *const cl_schedule_status_names[3] = {"optimal", "time_limit", "feasible"};

void cl_schedule_opts_init(cl_schedule_opts *o)
{
    o->time_limit_s = 60;
    o->gap = 0;
    o->progress = false;
}

/* ---- the rules of §6.2 ---- */

unsigned clp_staff_workdays(const cl_instance *inst, int s)
{
    unsigned m = 0;
    for (int d = 0; d < CL_NDAYS; d++)
        if (inst->staff[s].minutes[d] > 0 && (inst->week_days >> d & 1u))
            m |= 1u << d;
    return m;
}

unsigned clp_client_days(const cl_instance *inst, int c)
{
    return inst->clients[c].days & inst->week_days;
}

bool clp_may_visit(const cl_instance *inst, int c, int m, int s, bool *covering)
{
    *covering = false;
    if (m < 0 || s < 0)
        return false;
    if (s == m)
        return true;
    const cl_client *cl = &inst->clients[c];
    const cl_staff *st = &inst->staff[s];
    if (!st->active || st->role != CL_MANAGER || cl_avoids(inst, c, s))
        return false;
    bool absent = (clp_client_days(inst, c) & clp_staff_workdays(inst, m)) == 0;
    if (cl->program == CL_BLENDED) {
        int t = inst->staff[m].team;
        if (t < 0 || st->team != t)
            return false;
        *covering = absent;
        return true;
    }
    if (!absent || !cl_serves(inst, s, c) || !cl_speaks(inst, s, c))
        return false;
    *covering = true;
    return true;
}

unsigned clp_possible_days(const cl_instance *inst, int c, int m, int p)
{
    if (m < 0)
        return 0;
    unsigned cd = clp_client_days(inst, c), any = 0, joint = 0;
    bool has_peer = inst->clients[c].program == CL_ADULT_HOME && p >= 0;
    unsigned pd = has_peer ? clp_staff_workdays(inst, p) : 0;
    for (int s = 0; s < inst->n_staff; s++) {
        bool cov;
        if (!clp_may_visit(inst, c, m, s, &cov))
            continue;
        unsigned d = cd & clp_staff_workdays(inst, s);
        any |= d;
        joint |= d & pd;
    }
    if (has_peer && joint == 0)
        return 0;
    return any;
}

static int popcount(unsigned x)
{
    int n = 0;
    for (; x; x &= x - 1)
        n++;
    return n;
}

int clp_most_visits(const cl_instance *inst, int c, bool covered, unsigned days, unsigned own, int quota)
{
    int n = popcount(days) < quota ? popcount(days) : quota;
    if (inst->clients[c].program == CL_BLENDED && !covered)
        while (n > 0 && popcount(own) < inst->policy.blended_primary_share * n - 1e-9)
            n--;
    return n;
}

int clp_day_offset(const cl_instance *inst, int d)
{
    int y = 0, mo = 0, da = 0;
    if (sscanf(inst->week_start, "%d-%d-%d", &y, &mo, &da) != 3)
        return d;
    /* Day of the week of the start date (Sakamoto), 0 = monday. */
    static const int t[] = {0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4};
    int yy = mo < 3 ? y - 1 : y;
    int dow = (yy + yy / 4 - yy / 100 + yy / 400 + t[(mo - 1) % 12] + da) % 7; /* 0 = sunday */
    int mon0 = (dow + 6) % 7;
    return ((d - mon0) % 7 + 7) % 7;
}

/* ---- the record ---- */

cl_schedule *cl_schedule_new(const cl_instance *inst, const int *manager, const int *peer)
{
    cl_schedule *s = calloc(1, sizeof *s);
    if (s == NULL)
        return NULL;
    s->n_clients = inst->n_clients;
    s->n_staff = inst->n_staff;
    s->clients = calloc((size_t)inst->n_clients + 1, sizeof *s->clients);
    if (s->clients == NULL) {
        free(s);
        return NULL;
    }
    for (int c = 0; c < inst->n_clients; c++) {
        s->clients[c].manager = manager ? manager[c] : CL_NONE;
        s->clients[c].peer = peer ? peer[c] : CL_NONE;
    }
    return s;
}

void cl_schedule_free(cl_schedule *s)
{
    if (s == NULL)
        return;
    for (int k = 0; k < s->n_shorts; k++)
        free((char *)s->shorts[k].reason);
    free(s->shorts);
    free(s->clients);
    free(s->visits);
    free(s->on_call);
    free(s->days);
    free(s);
}

static int grow(void **items, int *cap, int n, size_t size)
{
    if (n < *cap)
        return CL_OK;
    int nc = *cap ? *cap * 2 : 64;
    void *p = realloc(*items, (size_t)nc * size);
    if (p == NULL)
        return CL_ENOMEM;
    *items = p;
    *cap = nc;
    return CL_OK;
}

int cl_schedule_add_visit(cl_schedule *s, const cl_visit *v)
{
    if (grow((void **)&s->visits, &s->cap_visits, s->n_visits, sizeof *v) != CL_OK)
        return CL_ENOMEM;
    s->visits[s->n_visits++] = *v;
    return CL_OK;
}

int cl_schedule_add_on_call(cl_schedule *s, const cl_on_call *o)
{
    if (grow((void **)&s->on_call, &s->cap_on_call, s->n_on_call, sizeof *o) != CL_OK)
        return CL_ENOMEM;
    s->on_call[s->n_on_call++] = *o;
    return CL_OK;
}

int cl_schedule_add_shortfall(cl_schedule *s, int client, const char *reason)
{
    if (grow((void **)&s->shorts, &s->cap_shorts, s->n_shorts, sizeof *s->shorts) != CL_OK)
        return CL_ENOMEM;
    char *r = strdup(reason ? reason : "");
    if (r == NULL)
        return CL_ENOMEM;
    s->shorts[s->n_shorts++] = (cl_shortfall){.client = client, .reason = r};
    return CL_OK;
}

static int cmp_visit(const void *a, const void *b)
{
    const cl_visit *x = a, *y = b;
    if (x->staff != y->staff)
        return x->staff < y->staff ? -1 : 1;
    if (x->day != y->day)
        return x->day < y->day ? -1 : 1;
    if (x->start_min != y->start_min)
        return x->start_min < y->start_min ? -1 : 1;
    return (x->client > y->client) - (x->client < y->client);
}

static int cmp_on_call(const void *a, const void *b)
{
    const cl_on_call *x = a, *y = b;
    if (x->team != y->team)
        return x->team < y->team ? -1 : 1;
    return (x->day > y->day) - (x->day < y->day);
}

static int cmp_short(const void *a, const void *b)
{
    const cl_shortfall *x = a, *y = b;
    return (x->client > y->client) - (x->client < y->client);
}

int cl_schedule_finish(cl_schedule *s, const cl_instance *inst)
{
    if (s->n_visits > 0)
        qsort(s->visits, (size_t)s->n_visits, sizeof *s->visits, cmp_visit);
    if (s->n_on_call > 0)
        qsort(s->on_call, (size_t)s->n_on_call, sizeof *s->on_call, cmp_on_call);
    if (s->n_shorts > 0)
        qsort(s->shorts, (size_t)s->n_shorts, sizeof *s->shorts, cmp_short);
    free(s->days);
    s->n_days = 0;
    s->days = calloc((size_t)s->n_visits + 1, sizeof *s->days);
    unsigned *seen = calloc((size_t)inst->n_clients + 1, sizeof *seen);
    if (s->days == NULL || seen == NULL) {
        free(seen);
        return CL_ENOMEM;
    }
    double travel = 0;
    for (int i = 0; i < s->n_visits;) {
        int j = i;
        const cl_visit *v = &s->visits[i];
        int base = inst->staff[v->staff].zone, pos = base;
        cl_staff_day *sd = &s->days[s->n_days++];
        *sd = (cl_staff_day){.staff = v->staff, .day = v->day};
        for (; j < s->n_visits && s->visits[j].staff == v->staff && s->visits[j].day == v->day; j++) {
            const cl_visit *w = &s->visits[j];
            sd->visits++;
            sd->visit_minutes += w->end_min - w->start_min;
            sd->travel_minutes += cl_instance_travel(inst, pos, w->zone);
            pos = w->zone;
            sd->end_min = w->end_min;
            if (w->client >= 0 && w->client < inst->n_clients)
                seen[w->client] |= 1u << w->day;
        }
        int home = cl_instance_travel(inst, pos, base);
        sd->travel_minutes += home;
        sd->end_min += home;
        travel += sd->travel_minutes;
        i = j;
    }
    cl_schedule_metrics *m = &s->m;
    int req = 0, got = 0, bound = 0;
    for (int c = 0; c < inst->n_clients; c++) {
        cl_schedule_client *sc = &s->clients[c];
        sc->required = sc->manager >= 0 ? cl_weekly_quota(inst, c) : 0;
        sc->scheduled = popcount(seen[c]);
        req += sc->required;
        got += sc->scheduled < sc->required ? sc->scheduled : sc->required;
        if (sc->required > 0) {
            unsigned own = clp_client_days(inst, c) & clp_staff_workdays(inst, sc->manager);
            bound += clp_most_visits(inst, c, own == 0, clp_possible_days(inst, c, sc->manager, sc->peer), own,
                                     sc->required);
        }
    }
    for (int k = 0; k < s->n_shorts; k++) {
        int c = s->shorts[k].client;
        if (c >= 0 && c < inst->n_clients) {
            s->shorts[k].required = s->clients[c].required;
            s->shorts[k].scheduled = s->clients[c].scheduled;
        }
    }
    m->required = req;
    m->scheduled = got;
    m->coverage = req > 0 ? (double)got / req : 1.0;
    m->coverage_bound = req > 0 ? (double)bound / req : 1.0;
    m->travel_minutes = travel;
    free(seen);
    return CL_OK;
}

void clp_schedule_set_solve_info(cl_schedule *s, double seconds, cl_schedule_status status, unsigned unproven)
{
    s->seconds = seconds;
    s->status = status;
    s->unproven = unproven;
}

unsigned cl_schedule_unproven(const cl_schedule *s)
{
    return s->unproven;
}

cl_schedule_metrics cl_schedule_metrics_of(const cl_schedule *s)
{
    return s->m;
}

const cl_visit *cl_schedule_visits(const cl_schedule *s, int *n)
{
    *n = s->n_visits;
    return s->visits;
}

const cl_on_call *cl_schedule_on_call(const cl_schedule *s, int *n)
{
    *n = s->n_on_call;
    return s->on_call;
}

const cl_shortfall *cl_schedule_shortfalls(const cl_schedule *s, int *n)
{
    *n = s->n_shorts;
    return s->shorts;
}

const cl_staff_day *cl_schedule_staff_days(const cl_schedule *s, int *n)
{
    *n = s->n_days;
    return s->days;
}

const cl_schedule_client *cl_schedule_clients(const cl_schedule *s)
{
    return s->clients;
}

double cl_schedule_seconds(const cl_schedule *s)
{
    return s->seconds;
}

cl_schedule_status cl_schedule_status_of(const cl_schedule *s)
{
    return s->status;
}

bool cl_schedule_time_limited(const cl_schedule *s)
{
    return s->status == CL_SCHED_TIME_LIMIT;
}

/* ---- verify ---- */

static void hhmm(char out[8], int min)
{
    snprintf(out, 8, "%02d:%02d", (min / 60) % 100, min % 60);
}

/* Adds a breach about staff s's day d. */
#define BREACH(b, ...) cl_diags_add((b), CL_ERRORSEV, where, __VA_ARGS__)

static void verify_visit(const cl_instance *inst, const cl_schedule *s, int i, cl_diags *b)
{
    const cl_visit *v = &s->visits[i];
    const cl_client *cl = &inst->clients[v->client];
    const cl_staff *st = &inst->staff[v->staff];
    const char *day = cl_day_names[v->day];
    char where[160];
    snprintf(where, sizeof where, "visit %s/%s/%s", cl->id, st->id, day);
    int m = s->clients[v->client].manager, p = s->clients[v->client].peer;
    if (m < 0) {
        BREACH(b, "client %s has no manager (waitlisted) and is not to be visited", cl->id);
        return;
    }
    if (!(inst->week_days >> v->day & 1u))
        BREACH(b, "%s is not a day of the week", day);
    else if (!(cl->days >> v->day & 1u))
        BREACH(b, "client %s cannot be seen on %s (not one of its days)", cl->id, day);
    if (st->minutes[v->day] <= 0)
        BREACH(b, "%s does not work on %s", st->id, day);
    if (v->zone != cl->zone)
        BREACH(b, "is at zone %s, but client %s is seen at %s", v->zone >= 0 ? inst->zones[v->zone] : "(none)", cl->id,
               cl->zone >= 0 ? inst->zones[cl->zone] : "(none)");
    if (v->end_min - v->start_min != cl->visit_minutes)
        BREACH(b, "lasts %d minutes, but a visit of client %s lasts %d", v->end_min - v->start_min, cl->id,
               cl->visit_minutes);
    bool cov = false, may = clp_may_visit(inst, v->client, m, v->staff, &cov);
    bool is_peer_side = v->joint_with >= 0 && v->staff == p && cl->program == CL_ADULT_HOME;
    if (v->joint_with >= 0) {
        /* The other half: same client, day, time, naming this staff member. */
        bool found = false;
        for (int k = 0; k < s->n_visits && !found; k++) {
            const cl_visit *w = &s->visits[k];
            found = k != i && w->client == v->client && w->day == v->day && w->staff == v->joint_with &&
                    w->joint_with == v->staff && w->start_min == v->start_min && w->end_min == v->end_min;
        }
        if (!found)
            BREACH(b, "is joint with %s, who has no matching visit at the same place and time",
                   inst->staff[v->joint_with].id);
        if (cl->program != CL_ADULT_HOME || p < 0)
            BREACH(b, "is a joint visit, but only ADULT_HOME clients with a peer have one");
        else if (v->staff != p && v->joint_with != p)
            BREACH(b, "is joint, but neither %s nor %s is the client's peer %s", st->id, inst->staff[v->joint_with].id,
                   inst->staff[p].id);
    }
    if (!is_peer_side) {
        if (!may)
            BREACH(b, "%s may not visit client %s (manager %s)", st->id, cl->id, inst->staff[m].id);
        else if (cov && v->covering_for != m)
            BREACH(b,
                   "covers for manager %s (who works none of the client's days) but does not say so "
                   "(expected \"covering_for\": \"%s\")",
                   inst->staff[m].id, inst->staff[m].id);
        else if (!cov && v->covering_for >= 0)
            BREACH(b, "says covering_for %s, but no covering is needed", inst->staff[v->covering_for].id);
    } else if (v->covering_for >= 0) {
        BREACH(b, "the peer's half of a joint visit covers for nobody");
    }
}

static void verify_routes(const cl_instance *inst, const cl_schedule *s, cl_diags *b)
{
    for (int i = 0; i < s->n_visits;) {
        const cl_visit *v = &s->visits[i];
        const cl_staff *st = &inst->staff[v->staff];
        char where[160];
        snprintf(where, sizeof where, "staff %s/%s", st->id, cl_day_names[v->day]);
        int pos = st->zone, t = inst->day_start_min, j = i;
        for (; j < s->n_visits && s->visits[j].staff == v->staff && s->visits[j].day == v->day; j++) {
            const cl_visit *w = &s->visits[j];
            int ready = t + cl_instance_travel(inst, pos, w->zone);
            if (w->start_min < ready) {
                char a[8], r[8];
                hhmm(a, w->start_min);
                hhmm(r, ready);
                BREACH(b, "visit of client %s starts at %s, but %s cannot be there before %s",
                       inst->clients[w->client].id, a, st->id, r);
            }
            t = w->end_min > t ? w->end_min : t;
            pos = w->zone;
        }
        int end = t + cl_instance_travel(inst, pos, st->zone);
        if (end - inst->day_start_min > st->minutes[v->day]) {
            char e[8];
            hhmm(e, end);
            BREACH(b, "the day ends at %s back at base: %d minutes, more than the %d %s works", e,
                   end - inst->day_start_min, st->minutes[v->day], st->id);
        }
        i = j;
    }
}

static void verify_clients(const cl_instance *inst, const cl_schedule *s, cl_diags *b)
{
    int n = inst->n_clients;
    int *count = calloc((size_t)n * CL_NDAYS + 1, sizeof *count);
    int *by_mgr = calloc((size_t)n + 1, sizeof *by_mgr);
    int *joint = calloc((size_t)n + 1, sizeof *joint);
    char *listed = calloc((size_t)n + 1, 1);
    if (!count || !by_mgr || !joint || !listed) {
        cl_diags_add(b, CL_ERRORSEV, "", "out of memory");
        goto done;
    }
    for (int i = 0; i < s->n_visits; i++) {
        const cl_visit *v = &s->visits[i];
        int p = s->clients[v->client].peer;
        bool peer_side = v->joint_with >= 0 && v->staff == p;
        if (peer_side)
            continue; /* one contact: counted on the visitor's side */
        count[v->client * CL_NDAYS + v->day]++;
        if (v->staff == s->clients[v->client].manager)
            by_mgr[v->client]++;
        if (v->joint_with >= 0)
            joint[v->client]++;
    }
    for (int k = 0; k < s->n_shorts; k++)
        if (s->shorts[k].client >= 0 && s->shorts[k].client < n) {
            listed[s->shorts[k].client] = 1;
            if (s->shorts[k].reason == NULL || s->shorts[k].reason[0] == '\0') {
                char where[160];
                snprintf(where, sizeof where, "shortfall %s", inst->clients[s->shorts[k].client].id);
                BREACH(b, "has no reason");
            }
        }
    for (int c = 0; c < n; c++) {
        const cl_client *cl = &inst->clients[c];
        const cl_schedule_client *sc = &s->clients[c];
        char where[160];
        snprintf(where, sizeof where, "client %s", cl->id);
        int total = 0;
        for (int d = 0; d < CL_NDAYS; d++) {
            if (count[c * CL_NDAYS + d] > 1)
                BREACH(b, "has %d visits on %s (at most one a day)", count[c * CL_NDAYS + d], cl_day_names[d]);
            total += count[c * CL_NDAYS + d];
        }
        int m = sc->manager;
        if (m < 0 || total == 0)
            goto quota;
        if (cl->program == CL_BLENDED && (clp_client_days(inst, c) & clp_staff_workdays(inst, m)) != 0) {
            int need = (int)ceil(inst->policy.blended_primary_share * total - 1e-9);
            if (by_mgr[c] < need)
                BREACH(b,
                       "has %d visits, %d by its own manager %s: at least %d must be (blended_primary_share "
                       "%g)",
                       total, by_mgr[c], inst->staff[m].id, need, inst->policy.blended_primary_share);
        }
        if (cl->program == CL_ADULT_HOME && sc->peer >= 0 && joint[c] == 0)
            BREACH(b, "has %d visit%s but none joint with its peer %s", total, total == 1 ? "" : "s",
                   inst->staff[sc->peer].id);
    quota:
        if (sc->scheduled < sc->required && !listed[c])
            BREACH(b, "has %d of %d required visits but is not listed in shortfall with a reason", sc->scheduled,
                   sc->required);
        if (sc->scheduled >= sc->required && listed[c])
            BREACH(b, "is listed in shortfall but has all %d required visits", sc->required);
    }
done:
    free(count);
    free(by_mgr);
    free(joint);
    free(listed);
}

static void verify_on_call(const cl_instance *inst, const cl_schedule *s, cl_diags *b)
{
    int ng = inst->n_teams + 1;
    int *cnt = calloc((size_t)ng * CL_NDAYS, sizeof *cnt);
    int *pool = malloc(((size_t)inst->n_staff + 1) * sizeof *pool);
    if (cnt == NULL || pool == NULL) {
        free(cnt);
        free(pool);
        cl_diags_add(b, CL_ERRORSEV, "", "out of memory");
        return;
    }
    for (int k = 0; k < s->n_on_call; k++) {
        const cl_on_call *o = &s->on_call[k];
        const char *g = o->team >= 0 ? inst->teams[o->team].id : "agency";
        char where[160];
        snprintf(where, sizeof where, "on_call %s/%s", g, cl_day_names[o->day]);
        cnt[(o->team + 1) * CL_NDAYS + o->day]++;
        if (!(inst->policy.on_call_days >> o->day & 1u))
            BREACH(b, "%s is not one of policy.on_call_days", cl_day_names[o->day]);
        if (o->staff < 0) {
            if (cl_on_call_pool(inst, o->team, pool) > 0)
                BREACH(b, "nobody is on call, though %s may be", inst->staff[pool[0]].id);
            continue;
        }
        const cl_staff *st = &inst->staff[o->staff];
        if (!st->active || !st->on_call)
            BREACH(b, "%s is %s", st->id, !st->active ? "not active" : "not available for on-call (on_call false)");
        if (o->team >= 0 && st->team != o->team)
            BREACH(b, "%s is not a member of team %s", st->id, g);
        if (o->team < 0 && st->role != CL_MANAGER)
            BREACH(b, "%s is not a case manager", st->id);
    }
    for (int g = 0; g < ng; g++)
        for (int d = 0; d < CL_NDAYS; d++) {
            if (!(inst->policy.on_call_days >> d & 1u) || cnt[g * CL_NDAYS + d] == 1)
                continue;
            char where[160];
            snprintf(where, sizeof where, "on_call %s/%s", g ? inst->teams[g - 1].id : "agency", cl_day_names[d]);
            BREACH(b, "%d staff on call (expected exactly one)", cnt[g * CL_NDAYS + d]);
        }
    free(cnt);
    free(pool);
}

int cl_schedule_verify(const cl_instance *inst, const cl_schedule *s, cl_diags *b)
{
    size_t before = b->errors;
    for (int i = 0; i < s->n_visits; i++)
        verify_visit(inst, s, i, b);
    verify_routes(inst, s, b);
    verify_clients(inst, s, b);
    verify_on_call(inst, s, b);
    return (int)(b->errors - before);
}

static bool differs(double claimed, double actual, double tol)
{
    return fabs(claimed - actual) > tol * (1 + fabs(actual));
}

int cl_schedule_verify_file(const cl_instance *inst, const char *path, cl_diags *diags, cl_diags *breaches,
                            cl_error *err)
{
    cl_schedule *s = NULL;
    cl_schedule_metrics claimed = {0};
    bool has = false;
    int rc = cl_schedule_read(&s, &claimed, &has, inst, path, diags, err);
    if (rc != CL_OK)
        return rc;
    cl_schedule_verify(inst, s, breaches);
    if (has) {
        const cl_schedule_metrics *m = &s->m;
        if (claimed.required != m->required)
            cl_diags_add(breaches, CL_ERRORSEV, "metrics.required", "says %d, recomputed %d", claimed.required,
                         m->required);
        if (claimed.scheduled != m->scheduled)
            cl_diags_add(breaches, CL_ERRORSEV, "metrics.scheduled", "says %d, recomputed %d", claimed.scheduled,
                         m->scheduled);
        if (differs(claimed.coverage, m->coverage, 1e-3))
            cl_diags_add(breaches, CL_ERRORSEV, "metrics.coverage", "says %g, recomputed %g", claimed.coverage,
                         m->coverage);
        if (differs(claimed.travel_minutes, m->travel_minutes, 1e-6))
            cl_diags_add(breaches, CL_ERRORSEV, "metrics.travel_minutes", "says %g, recomputed %g",
                         claimed.travel_minutes, m->travel_minutes);
    }
    cl_schedule_free(s);
    return CL_OK;
}
