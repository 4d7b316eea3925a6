/* scenarios.c: change lists applied to copies of an instance, runs in worker processes, scenario metrics. */
#include "scenarios.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../model/rules.h"
#include "assign.h"
#include "backend.h"
#include "schedule.h"

const char *const cl_op_names[CL_NOPS] = {"add_staff",    "remove_staff", "set_cap",
                                          "scale_demand", "set_policy",   "dissolve_team"};

void cl_change_init(cl_change *ch, cl_op op)
{
    memset(ch, 0, sizeof *ch);
    ch->op = op;
    ch->program = CL_NONE;
    ch->count = 1;
    ch->fte = 1;
    ch->caseload_cap = -1;
    ch->peer_caseload_cap = -1;
    ch->role = CL_MANAGER;
    ch->factor = 1;
    ch->policy.max_moves = CL_NONE;
    ch->policy.time_limit_s = -1;
    ch->policy.gap = -1;
}

static void free_strings(char **v, int n)
{
    for (int k = 0; k < n; k++)
        free(v[k]);
    free(v);
}

void cl_change_dispose(cl_change *ch)
{
    if (ch == NULL)
        return;
    free(ch->zone);
    free_strings(ch->languages, ch->n_languages);
    free(ch->team);
    free_strings(ch->ids, ch->n_ids);
    free(ch->staff);
    ch->zone = ch->team = ch->staff = NULL;
    ch->languages = ch->ids = NULL;
    ch->n_languages = ch->n_ids = 0;
}

cl_scenario_set *cl_scenario_set_new(void)
{
    return calloc(1, sizeof(cl_scenario_set));
}

void cl_scenario_set_free(cl_scenario_set *set)
{
    if (set == NULL)
        return;
    for (int i = 0; i < set->n; i++) {
        free(set->items[i].name);
        for (int j = 0; j < set->items[i].n_changes; j++)
            cl_change_dispose(&set->items[i].changes[j]);
        free(set->items[i].changes);
    }
    free(set->items);
    free(set);
}

int cl_scenario_set_add(cl_scenario_set *set, const char *name)
{
    cl_scenario *items = realloc(set->items, ((size_t)set->n + 1) * sizeof *items);
    if (items == NULL)
        return CL_ENOMEM;
    set->items = items;
    cl_scenario *sc = &items[set->n];
    memset(sc, 0, sizeof *sc);
    sc->name = strdup(name);
    if (sc->name == NULL)
        return CL_ENOMEM;
    return set->n++;
}

int cl_scenario_add_change(cl_scenario_set *set, int i, cl_change *ch)
{
    cl_scenario *sc = &set->items[i];
    cl_change *v = realloc(sc->changes, ((size_t)sc->n_changes + 1) * sizeof *v);
    if (v == NULL) {
        cl_change_dispose(ch);
        return CL_ENOMEM;
    }
    sc->changes = v;
    v[sc->n_changes++] = *ch;
    memset(ch, 0, sizeof *ch);
    return CL_OK;
}

/* ---- applying changes ---------------------------------------------------------------------------------- */

/* Where problems go while applying: a diagnostic list (check: all of them) or an error record (the first). */
typedef struct sink {
    cl_diags *d;
    cl_error *err;
    int problems;
    int nomem;
} sink;

static void problem(sink *s, const char *where, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void problem(sink *s, const char *where, const char *fmt, ...)
{
    char text[700];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    s->problems++;
    if (s->d)
        cl_diags_add(s->d, CL_ERRORSEV, where, "%s", text);
    else
        cl_error_set(s->err, CL_EINVALID, where, "%s", text);
}

/* "a, b, c" of up to 12 names, for "(expected ...)". */
static void name_list(char *out, size_t outsz, const char *const *names, int n, const char *none)
{
    size_t len = 0;
    out[0] = '\0';
    if (n == 0) {
        snprintf(out, outsz, "%s", none);
        return;
    }
    for (int k = 0; k < n && k < 12 && len < outsz; k++) {
        int w = snprintf(out + len, outsz - len, "%s%s", k ? ", " : "", names[k]);
        if (w < 0)
            return;
        len += (size_t)w;
    }
    if (n > 12 && len < outsz)
        snprintf(out + len, outsz - len, ", ... (%d in all)", n);
}

static int staff_ref(const cl_instance *inst, const char *id, const char *where, sink *s)
{
    int k = cl_instance_find_staff(inst, id);
    if (k == CL_NONE)
        problem(s, where, "unknown staff \"%s\" (expected an id from staff)", id);
    return k;
}

static int team_ref(const cl_instance *inst, const char *id, const char *where, sink *s)
{
    int t = cl_instance_find_team(inst, id);
    if (t == CL_NONE) {
        char list[400];
        const char *names[12];
        int n = 0;
        for (int k = 0; k < inst->n_teams && n < 12; k++)
            names[n++] = inst->teams[k].id;
        name_list(list, sizeof list, names, inst->n_teams, "no team left");
        problem(s, where, "unknown team \"%s\" (expected %s)", id, list);
    }
    return t;
}

static bool grow(void **p, size_t n, size_t size)
{
    void *q = realloc(*p, (n ? n : 1) * size);
    if (q == NULL)
        return false;
    *p = q;
    return true;
}

static void add_staff(cl_instance *inst, const cl_change *ch, const char *where, sink *s)
{
    char w[600];
    int zone = CL_NONE, team = CL_NONE;
    if (ch->zone) {
        zone = cl_instance_find_zone(inst, ch->zone);
        if (zone == CL_NONE) {
            char list[400];
            name_list(list, sizeof list, (const char *const *)inst->zones, inst->n_zones,
                      "no zones: the instance has none");
            snprintf(w, sizeof w, "%s.zone", where);
            problem(s, w, "unknown zone \"%s\" (expected %s)", ch->zone, list);
        }
    }
    if (ch->team) {
        snprintf(w, sizeof w, "%s.team", where);
        team = team_ref(inst, ch->team, w, s);
    }
    uint64_t langs = 0;
    if (ch->languages == NULL) {
        int l = cl_instance_lang(inst, "en");
        if (l >= 0)
            langs |= (uint64_t)1 << l;
    }
    for (int k = 0; k < ch->n_languages; k++) {
        int l = cl_instance_lang(inst, ch->languages[k]);
        if (l == CL_NONE) {
            snprintf(w, sizeof w, "%s.languages[%d]", where, k);
            problem(s, w, "too many languages (expected at most %d in one instance)", CL_MAX_LANGS);
        } else {
            langs |= (uint64_t)1 << l;
        }
    }
    if ((ch->zone && zone == CL_NONE) || (ch->team && team == CL_NONE) || ch->count < 1)
        return;
    if (!grow((void **)&inst->staff, (size_t)inst->n_staff + (size_t)ch->count, sizeof *inst->staff)) {
        s->nomem++;
        return;
    }
    if (team >= 0 && !grow((void **)&inst->teams[team].members, (size_t)inst->teams[team].n_members + (size_t)ch->count,
                           sizeof(int))) {
        s->nomem++;
        return;
    }
    const char *prefix = ch->role == CL_PEER ? "peer" : ch->program >= 0 ? cl_program_names[ch->program] : "staff";
    int n = 1;
    for (int k = 0; k < ch->count; k++) {
        char id[80];
        do
            snprintf(id, sizeof id, "new-%s-%d", prefix, n++);
        while (cl_instance_find_staff(inst, id) != CL_NONE);
        cl_staff *st = &inst->staff[inst->n_staff];
        memset(st, 0, sizeof *st);
        st->id = strdup(id);
        if (st->id == NULL) {
            s->nomem++;
            return;
        }
        st->role = ch->role;
        st->program = ch->role == CL_PEER ? CL_NONE : ch->program;
        st->team = team;
        st->fte = ch->fte;
        st->cap_set = ch->caseload_cap > 0;
        st->caseload_cap = st->cap_set ? ch->caseload_cap : 0;
        st->zone = zone;
        st->langs = langs;
        st->on_call = ch->role == CL_MANAGER;
        st->active = true;
        if (team >= 0)
            inst->teams[team].members[inst->teams[team].n_members++] = inst->n_staff;
        inst->n_staff++;
    }
}

static void remove_staff(cl_instance *inst, const cl_change *ch, const char *where, sink *s)
{
    char w[600];
    for (int k = 0; k < ch->n_ids; k++) {
        snprintf(w, sizeof w, "%s.ids[%d]", where, k);
        int st = staff_ref(inst, ch->ids[k], w, s);
        if (st >= 0)
            inst->staff[st].active = false;
    }
}

static void set_cap(cl_instance *inst, const cl_change *ch, const char *where, sink *s)
{
    char w[600];
    if (ch->staff) {
        snprintf(w, sizeof w, "%s.staff", where);
        int st = staff_ref(inst, ch->staff, w, s);
        if (st >= 0) {
            inst->staff[st].caseload_cap = ch->caseload_cap;
            inst->staff[st].cap_set = true;
        }
        return;
    }
    if (ch->program < 0 || ch->program == CL_BLENDED) {
        snprintf(w, sizeof w, "%s.program", where);
        problem(s, w, "set_cap needs a program (expected ICM, SCM or ADULT_HOME) or a staff id");
        return;
    }
    inst->programs[ch->program].caseload_cap = ch->caseload_cap;
    inst->program_set[ch->program][0] = true;
    if (ch->peer_caseload_cap > 0 && ch->program == CL_ADULT_HOME) {
        inst->programs[CL_ADULT_HOME].peer_caseload_cap = ch->peer_caseload_cap;
        inst->program_set[CL_ADULT_HOME][4] = true;
    }
}

/* Sort state for the comparator below (qsort takes no context in C11). */
static const cl_instance *sort_inst;
static int cmp_by_id_desc(const void *pa, const void *pb)
{
    int a = *(const int *)pa, b = *(const int *)pb;
    return -strcmp(sort_inst->clients[a].id, sort_inst->clients[b].id);
}

static void free_client(cl_client *cl)
{
    free(cl->id);
    free(cl->avoid);
    free(cl->residence);
}

static void scale_demand(cl_instance *inst, const cl_change *ch, sink *s)
{
    int *list = malloc(((size_t)inst->n_clients + 1) * sizeof *list);
    if (list == NULL) {
        s->nomem++;
        return;
    }
    int n = 0;
    for (int c = 0; c < inst->n_clients; c++)
        if ((int)inst->clients[c].program == ch->program)
            list[n++] = c;
    long target = lround((double)n * ch->factor);
    if (target > n && n > 0) {
        int k = (int)(target - n);
        if (!grow((void **)&inst->clients, (size_t)inst->n_clients + (size_t)k, sizeof *inst->clients)) {
            s->nomem++;
            goto done;
        }
        for (int j = 0; j < k; j++) {
            const cl_client *src = &inst->clients[list[(int)(((long long)j * n) / k)]];
            char id[96];
            for (int m = 1;; m++) {
                snprintf(id, sizeof id, "%s-copy%d", src->id, m);
                if (!cl_id_valid(id))
                    snprintf(id, sizeof id, "scaled-%s-%d", cl_program_names[src->program], m);
                if (cl_instance_find_client(inst, id) == CL_NONE)
                    break;
            }
            cl_client *cp = &inst->clients[inst->n_clients];
            *cp = *src;
            cp->id = strdup(id);
            cp->avoid = NULL;
            cp->residence = src->residence ? strdup(src->residence) : NULL;
            if (src->n_avoid > 0) {
                cp->avoid = malloc((size_t)src->n_avoid * sizeof(int));
                if (cp->avoid)
                    memcpy(cp->avoid, src->avoid, (size_t)src->n_avoid * sizeof(int));
            }
            if (cp->id == NULL || (src->residence && !cp->residence) || (src->n_avoid > 0 && !cp->avoid)) {
                free_client(cp);
                s->nomem++;
                goto done;
            }
            cp->manager = cp->peer = CL_NONE;
            cp->keep = false;
            cp->transitional = false;
            cp->contacts_this_month = 0;
            inst->n_clients++;
        }
    } else if (target < n) {
        /* Intakes first, then existing clients, each highest id first. */
        int *order = malloc(((size_t)n + 1) * sizeof *order);
        bool *gone = calloc((size_t)inst->n_clients + 1, sizeof *gone);
        if (order == NULL || gone == NULL) {
            free(order);
            free(gone);
            s->nomem++;
            goto done;
        }
        int ni = 0, ne = 0;
        for (int k = 0; k < n; k++)
            if (inst->clients[list[k]].manager < 0)
                order[ni++] = list[k];
        for (int k = 0; k < n; k++)
            if (inst->clients[list[k]].manager >= 0)
                order[ni + ne++] = list[k];
        sort_inst = inst;
        qsort(order, (size_t)ni, sizeof *order, cmp_by_id_desc);
        qsort(order + ni, (size_t)ne, sizeof *order, cmp_by_id_desc);
        for (long k = 0; k < n - target; k++)
            gone[order[k]] = true;
        int w = 0;
        for (int c = 0; c < inst->n_clients; c++) {
            if (gone[c])
                free_client(&inst->clients[c]);
            else
                inst->clients[w++] = inst->clients[c];
        }
        inst->n_clients = w;
        free(order);
        free(gone);
    }
done:
    free(list);
}

static void set_policy(cl_instance *inst, const cl_change *ch)
{
    cl_policy *p = &inst->policy;
    if (ch->policy_set & CL_POLICY_MAX_MOVES)
        p->max_moves = ch->policy.max_moves;
    if (ch->policy_set & CL_POLICY_BLENDED_SHARE)
        p->blended_primary_share = ch->policy.blended_primary_share;
    if (ch->policy_set & CL_POLICY_ON_CALL_DAYS)
        p->on_call_days = ch->policy.on_call_days;
    if (ch->policy_set & CL_POLICY_TIME_LIMIT)
        p->time_limit_s = ch->policy.time_limit_s;
    if (ch->policy_set & CL_POLICY_GAP)
        p->gap = ch->policy.gap;
}

static void dissolve_team(cl_instance *inst, const cl_change *ch, const char *where, sink *s)
{
    char w[600];
    snprintf(w, sizeof w, "%s.team", where);
    int t = team_ref(inst, ch->team, w, s);
    if (t < 0)
        return;
    bool last = inst->n_teams == 1;
    for (int c = 0; c < inst->n_clients; c++) {
        cl_client *cl = &inst->clients[c];
        if (cl->program != CL_BLENDED)
            continue;
        if ((cl->manager >= 0 && inst->staff[cl->manager].team == t) || (cl->manager < 0 && last))
            cl->program = cl->level;
    }
    for (int k = 0; k < inst->n_staff; k++) {
        if (inst->staff[k].team == t)
            inst->staff[k].team = CL_NONE;
        else if (inst->staff[k].team > t)
            inst->staff[k].team--;
    }
    free(inst->teams[t].id);
    free(inst->teams[t].members);
    memmove(&inst->teams[t], &inst->teams[t + 1], (size_t)(inst->n_teams - t - 1) * sizeof *inst->teams);
    inst->n_teams--;
}

static void apply_change(cl_instance *inst, const cl_change *ch, const char *where, sink *s)
{
    switch (ch->op) {
    case CL_OP_ADD_STAFF:
        add_staff(inst, ch, where, s);
        break;
    case CL_OP_REMOVE_STAFF:
        remove_staff(inst, ch, where, s);
        break;
    case CL_OP_SET_CAP:
        set_cap(inst, ch, where, s);
        break;
    case CL_OP_SCALE_DEMAND:
        scale_demand(inst, ch, s);
        break;
    case CL_OP_SET_POLICY:
        set_policy(inst, ch);
        break;
    case CL_OP_DISSOLVE_TEAM:
        dissolve_team(inst, ch, where, s);
        break;
    default:
        break;
    }
    cl_instance_resolve(inst);
}

int cl_scenario_apply(cl_instance *inst, const cl_scenario_set *set, int i, cl_error *err)
{
    sink s = {.err = err};
    const cl_scenario *sc = &set->items[i];
    for (int j = 0; j < sc->n_changes && s.problems == 0 && s.nomem == 0; j++) {
        char where[64];
        snprintf(where, sizeof where, "scenarios[%d].changes[%d]", i, j);
        apply_change(inst, &sc->changes[j], where, &s);
    }
    if (s.nomem)
        return cl_error_set(err, CL_ENOMEM, "", "out of memory");
    return s.problems ? CL_EINVALID : CL_OK;
}

int cl_scenarios_check(const cl_instance *inst, const cl_scenario_set *set, cl_diags *diags)
{
    size_t before = diags->errors;
    for (int i = 0; i < set->n; i++) {
        cl_instance *copy = cl_instance_clone(inst);
        if (copy == NULL)
            return CL_ENOMEM;
        sink s = {.d = diags};
        const cl_scenario *sc = &set->items[i];
        for (int j = 0; j < sc->n_changes; j++) {
            char where[64];
            snprintf(where, sizeof where, "scenarios[%d].changes[%d]", i, j);
            apply_change(copy, &sc->changes[j], where, &s);
        }
        if (s.nomem) {
            cl_instance_free(copy);
            return CL_ENOMEM;
        }
        if (s.problems == 0) {
            cl_diags vd = {0};
            cl_instance_validate(copy, &vd);
            char where[64];
            snprintf(where, sizeof where, "scenarios[%d]", i);
            for (size_t k = 0; k < vd.count; k++)
                if (vd.items[k].severity == CL_ERRORSEV)
                    cl_diags_add(diags, CL_ERRORSEV, where, "after the changes, %s: %s", vd.items[k].where,
                                 vd.items[k].text);
            cl_diags_dispose(&vd);
        }
        cl_instance_free(copy);
    }
    return diags->errors > before ? CL_EINVALID : CL_OK;
}

/* ---- metrics -------------------------------------------------------------------------------------------- */

void cl_scenario_metrics_of(const cl_instance *inst, const cl_assignment *a, cl_scenario_metrics *m)
{
    cl_objective o;
    cl_assignment_evaluate(inst, a, &o);
    m->assign_status = a->status;
    m->clients = inst->n_clients;
    m->served = m->waitlisted = 0;
    memset(m->waitlisted_by_program, 0, sizeof m->waitlisted_by_program);
    for (int c = 0; c < inst->n_clients; c++) {
        if (a->manager[c] >= 0) {
            m->served++;
        } else {
            m->waitlisted++;
            m->waitlisted_by_program[inst->clients[c].program]++;
        }
    }
    m->waitlist = o.waitlist;
    m->overload = o.overload;
    m->moves = o.moves;
    m->peer_moves = o.peer_moves;
    m->imbalance = o.imbalance;
    m->max_utilization = o.max_utilization;
    m->max_peer_utilization = o.max_peer_utilization;
    m->assign_travel_minutes = o.travel_minutes;
    memset(m->fte, 0, sizeof m->fte);
    m->staff_active = 0;
    cl_staff_load *ld = calloc((size_t)inst->n_staff + 1, sizeof *ld);
    double sum = 0;
    int n = 0;
    if (ld)
        cl_assignment_loads(inst, a, ld, NULL);
    for (int s = 0; s < inst->n_staff; s++) {
        const cl_staff *st = &inst->staff[s];
        if (!st->active)
            continue;
        m->staff_active++;
        if (st->role == CL_PEER) {
            m->fte[CL_NPROGRAMS] += st->fte;
            continue;
        }
        m->fte[st->team >= 0 ? CL_BLENDED : st->program >= 0 ? st->program : CL_ICM] += st->fte;
        if (ld) {
            sum += ld[s].utilization;
            n++;
        }
    }
    m->mean_utilization = n ? sum / n : 0;
    free(ld);
}

/* The schedule's figures for the metrics: the week planned by cl_schedule_solve. When the scheduler fails
 * (it should not), the figures fall back to an estimate, flagged in the output: each assigned client's weekly
 * quota against the days it can be seen when its manager works, a round trip from the manager's base per
 * visit. */
void clp_scenario_schedule_figures(const cl_instance *inst, const cl_assignment *a, double time_limit_s, double gap,
                                   cl_scenario_metrics *m)
{
    cl_schedule_opts so;
    cl_schedule_opts_init(&so);
    so.time_limit_s = time_limit_s;
    so.gap = gap;
    so.progress = false;
    cl_schedule *sch = NULL;
    if (cl_schedule_solve(&sch, inst, a, &so, NULL) == CL_OK) {
        cl_schedule_metrics sm = cl_schedule_metrics_of(sch);
        m->schedule_estimated = false;
        m->schedule_time_limit = cl_schedule_time_limited(sch);
        m->required = sm.required;
        m->scheduled = sm.scheduled;
        m->coverage = sm.coverage;
        m->travel_minutes = sm.travel_minutes;
        cl_schedule_free(sch);
        return;
    }
    int required = 0, scheduled = 0;
    double travel = 0;
    for (int c = 0; c < inst->n_clients; c++) {
        int s = a->manager[c];
        if (s < 0)
            continue;
        const cl_client *cl = &inst->clients[c];
        int q = cl_weekly_quota(inst, c);
        int days = 0;
        for (int d = 0; d < CL_NDAYS; d++)
            if ((cl->days >> d & 1u) && inst->staff[s].minutes[d] > 0)
                days++;
        int got = q < days ? q : days;
        required += q;
        scheduled += got;
        travel += 2.0 * got * cl_instance_travel(inst, inst->staff[s].zone, cl->zone);
    }
    m->schedule_estimated = true;
    m->required = required;
    m->scheduled = scheduled;
    m->coverage = required > 0 ? (double)scheduled / required : 1;
    m->travel_minutes = travel;
}

/* One run: task 0 is the baseline, task i + 1 scenario i. */
static void run_task(const cl_instance *base, const cl_scenario_set *set, int task, const cl_scenarios_opts *o,
                     cl_scenario_metrics *m)
{
    double t0 = clp_wall();
    clp_clock_count_work(true); /* limits stop at the same point in every worker, whatever ran before */
    memset(m, 0, sizeof *m);
    cl_error err = {0};
    cl_assignment *a = NULL;
    cl_instance *inst = cl_instance_clone(base);
    if (inst == NULL) {
        m->code = cl_error_set(&err, CL_ENOMEM, "", "out of memory");
        goto done;
    }
    const cl_scenario *sc = task > 0 ? &set->items[task - 1] : NULL;
    if (sc && (m->code = cl_scenario_apply(inst, set, task - 1, &err)) != CL_OK)
        goto done;
    cl_solve_opts so;
    cl_solve_opts_init(&so);
    so.time_limit_s =
        o->time_limit_given || inst->policy.time_limit_s <= 0 ? o->time_limit_s : inst->policy.time_limit_s;
    so.gap = o->gap_given || inst->policy.gap < 0 ? o->gap : inst->policy.gap;
    if (sc && sc->plan == CL_PLAN_REBALANCE) {
        so.balance_first = true;
        so.max_moves = inst->policy.max_moves;
    }
    if (sc)
        inst->policy.utilization_target = sc->target_utilization;
    m->code = cl_assign_solve(&a, inst, &so, &err);
    /* A target out of reach would count load above it as alike above the true caps (and place fewer
     * referrals than the baseline): then the plan is made with the true caps. */
    if (m->code == CL_OK && inst->policy.utilization_target > 0 && a->obj.overload > 1e-9) {
        inst->policy.utilization_target = 0;
        cl_assignment_free(a);
        a = NULL;
        m->code = cl_assign_solve(&a, inst, &so, &err);
    }
    inst->policy.utilization_target = 0; /* the metrics and the week with the true caps */
    if (m->code != CL_OK)
        goto done;
    cl_scenario_metrics_of(inst, a, m);
    clp_scenario_schedule_figures(inst, a, so.time_limit_s, so.gap, m);
done:
    if (m->code != CL_OK)
        snprintf(m->error, sizeof m->error, "%.200s%s%.300s", err.where, err.where[0] ? ": " : "",
                 err.text[0] ? err.text : "failed");
    cl_assignment_free(a);
    cl_instance_free(inst);
    clp_clock_count_work(false);
    m->seconds = clp_wall() - t0;
}

void cl_scenarios_opts_init(cl_scenarios_opts *o)
{
    memset(o, 0, sizeof *o);
    o->jobs = 1;
    o->time_limit_s = 60;
    o->gap = 0;
}

static const char *task_name(const cl_scenario_set *set, int task)
{
    return task == 0 ? "baseline" : set->items[task - 1].name;
}

/* ---- worker processes ----------------------------------------------------------------------------------- */

/* What a worker sends back: one fixed-size record, written at once (atomic on a pipe up to PIPE_BUF). */
typedef struct record {
    int task;
    cl_scenario_metrics m;
} record;

_Static_assert(sizeof(record) <= PIPE_BUF, "a record must fit one atomic pipe write");

typedef struct worker {
    pid_t pid;
    int cmd;  /* parent writes task numbers */
    int res;  /* parent reads records */
    int task; /* the task it runs, -1 idle, -2 gone */
} worker;

static bool write_all(int fd, const void *buf, size_t n)
{
    const char *p = buf;
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        p += w;
        n -= (size_t)w;
    }
    return true;
}

/* Reads exactly n bytes; returns n, 0 at end of file before any byte, or -1. */
static ssize_t read_all(int fd, void *buf, size_t n)
{
    char *p = buf;
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, p + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0)
            return got == 0 ? 0 : -1;
        got += (size_t)r;
    }
    return (ssize_t)got;
}

static void worker_main(int cmd, int res, const cl_instance *inst, const cl_scenario_set *set,
                        const cl_scenarios_opts *o)
{
    record *rec = malloc(sizeof *rec);
    int task;
    while (rec && read_all(cmd, &task, sizeof task) == (ssize_t)sizeof task && task >= 0) {
        rec->task = task;
        run_task(inst, set, task, o, &rec->m);
        if (!write_all(res, rec, sizeof *rec))
            break;
    }
    free(rec);
    _exit(0);
}

static void fail_task(cl_scenario_metrics *m, const char *why)
{
    memset(m, 0, sizeof *m);
    m->code = CL_EINTERNAL;
    snprintf(m->error, sizeof m->error, "%s", why);
}

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

static int run_forked(cl_scenario_metrics *out, int total, int jobs, const cl_instance *inst,
                      const cl_scenario_set *set, const cl_scenarios_opts *o, cl_error *err)
{
    worker *w = calloc((size_t)jobs, sizeof *w);
    struct pollfd *pfd = calloc((size_t)jobs, sizeof *pfd);
    record *rec = malloc(sizeof *rec);
    int rc = CL_OK, started = 0;
    int *order = NULL;
    struct sigaction ign = {0}, old_pipe;
    ign.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ign, &old_pipe);
    if (w == NULL || pfd == NULL || rec == NULL) {
        rc = cl_error_set(err, CL_ENOMEM, "", "out of memory");
        goto done;
    }
    for (int k = 0; k < jobs; k++)
        w[k] = (worker){.pid = -1, .cmd = -1, .res = -1, .task = -2};
    fflush(NULL);
    for (int k = 0; k < jobs; k++) {
        int cp[2], rp[2];
        if (pipe(cp) != 0)
            break;
        if (pipe(rp) != 0) {
            close(cp[0]);
            close(cp[1]);
            break;
        }
        pid_t pid = fork();
        if (pid < 0) {
            close(cp[0]);
            close(cp[1]);
            close(rp[0]);
            close(rp[1]);
            break;
        }
        if (pid == 0) {
            for (int j = 0; j < k; j++) {
                close(w[j].cmd);
                close(w[j].res);
            }
            close(cp[1]);
            close(rp[0]);
            worker_main(cp[0], rp[1], inst, set, o);
        }
        close(cp[0]);
        close(rp[1]);
        w[k] = (worker){.pid = pid, .cmd = cp[1], .res = rp[0], .task = -1};
        started++;
    }
    if (started == 0) {
        rc = cl_error_set(err, CL_EINTERNAL, "", "cannot start worker processes: %s", strerror(errno));
        goto done;
    }
    /* Dispatch order: rebalance scenarios first (they take longest), then the rest in file order; results
     * land at their own index, so the order changes only the wall time. */
    order = malloc((size_t)total * sizeof *order);
    if (order == NULL) {
        rc = cl_error_set(err, CL_ENOMEM, "", "out of memory");
        goto done;
    }
    int no = 0;
    for (int t = 1; t < total; t++)
        if (set->items[t - 1].plan == CL_PLAN_REBALANCE)
            order[no++] = t;
    order[no++] = 0;
    for (int t = 1; t < total; t++)
        if (set->items[t - 1].plan != CL_PLAN_REBALANCE)
            order[no++] = t;
    int next = 0, done_n = 0;
    for (int k = 0; k < jobs; k++) {
        if (w[k].task != -1)
            continue;
        if (next < total && write_all(w[k].cmd, &order[next], sizeof next))
            w[k].task = order[next++];
    }
    while (done_n < total) {
        int np = 0;
        for (int k = 0; k < jobs; k++)
            if (w[k].task >= 0) {
                pfd[np] = (struct pollfd){.fd = w[k].res, .events = POLLIN};
                np++;
            }
        if (np == 0) {
            /* Every worker is gone: what is left cannot run. */
            for (; next < total; next++, done_n++)
                fail_task(&out[order[next]], "no worker process left to run it");
            break;
        }
        if (poll(pfd, (nfds_t)np, -1) < 0) {
            if (errno == EINTR)
                continue;
            rc = cl_error_set(err, CL_EINTERNAL, "", "poll: %s", strerror(errno));
            goto done;
        }
        for (int q = 0; q < np; q++) {
            if (!(pfd[q].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            int k = 0;
            while (w[k].res != pfd[q].fd)
                k++;
            ssize_t r = read_all(w[k].res, rec, sizeof *rec);
            if (r != (ssize_t)sizeof *rec || rec->task != w[k].task) {
                int status = 0;
                close_fd(&w[k].cmd);
                close_fd(&w[k].res);
                waitpid(w[k].pid, &status, 0);
                char why[128];
                if (WIFSIGNALED(status))
                    snprintf(why, sizeof why, "the worker process died (signal %d)", WTERMSIG(status));
                else
                    snprintf(why, sizeof why, "the worker process ended early (status %d)", WEXITSTATUS(status));
                int lost = w[k].task;
                fail_task(&out[lost], why);
                w[k].task = -2;
                w[k].pid = -1;
                done_n++;
                if (o->progress)
                    o->progress(o->progress_ctx, done_n, total, task_name(set, lost), 0);
                continue;
            }
            out[rec->task] = rec->m;
            done_n++;
            if (o->progress)
                o->progress(o->progress_ctx, done_n, total, task_name(set, rec->task), rec->m.seconds);
            if (next < total && write_all(w[k].cmd, &order[next], sizeof next)) {
                w[k].task = order[next++];
            } else {
                int stop = -1;
                write_all(w[k].cmd, &stop, sizeof stop);
                close_fd(&w[k].cmd);
                w[k].task = -1;
            }
        }
    }
done:
    free(order);
    for (int k = 0; w && k < jobs; k++) {
        if (w[k].cmd >= 0) {
            int stop = -1;
            write_all(w[k].cmd, &stop, sizeof stop);
        }
        close_fd(&w[k].cmd);
        close_fd(&w[k].res);
        if (w[k].pid > 0)
            waitpid(w[k].pid, NULL, 0);
    }
    sigaction(SIGPIPE, &old_pipe, NULL);
    free(w);
    free(pfd);
    free(rec);
    return rc;
}

int cl_scenarios_run(cl_scenario_metrics **out, const cl_instance *inst, const cl_scenario_set *set,
                     const cl_scenarios_opts *opts, cl_error *err)
{
    cl_scenarios_opts def;
    if (opts == NULL) {
        cl_scenarios_opts_init(&def);
        opts = &def;
    }
    if (opts->jobs < 1 || opts->jobs > 1024)
        return cl_error_set(err, CL_EUSAGE, "opts.jobs", "%d is out of range (expected 1 to 1024)", opts->jobs);
    if (!(opts->time_limit_s > 0))
        return cl_error_set(err, CL_EUSAGE, "opts.time_limit_s", "must be positive");
    if (!(opts->gap >= 0 && opts->gap <= 1))
        return cl_error_set(err, CL_EUSAGE, "opts.gap", "%g is out of range (expected 0 to 1)", opts->gap);
    int total = set->n + 1;
    cl_scenario_metrics *m = calloc((size_t)total, sizeof *m);
    if (m == NULL)
        return cl_error_set(err, CL_ENOMEM, "", "out of memory");
    int jobs = opts->jobs < total ? opts->jobs : total;
    int rc = CL_OK;
    if (jobs <= 1) {
        for (int t = 0; t < total; t++) {
            run_task(inst, set, t, opts, &m[t]);
            if (opts->progress)
                opts->progress(opts->progress_ctx, t + 1, total, task_name(set, t), m[t].seconds);
        }
    } else {
        rc = run_forked(m, total, jobs, inst, set, opts, err);
    }
    if (rc != CL_OK) {
        free(m);
        return rc;
    }
    *out = m;
    return CL_OK;
}
