/* instance.c: defaults, lifetime, lookups and the value rules of SPEC §3.6. */
#include "instance.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const cl_program_names[CL_NPROGRAMS] = {"ICM", "SCM", "BLENDED", "ADULT_HOME"};
const char *const cl_day_names[CL_NDAYS] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

/* Presets of SPEC §1 with their sources (DOMAIN.md):
 * ICM: average caseload 12 (Westchester DCMH; COA CM 5 range 10-15), >= 4 face-to-face contacts a
 *      month (14 NYCRR 506.4), at least one a week; visit 60 minutes.
 * SCM: ratio 1:20 or 1:30, >= 2 face-to-face contacts a month (14 NYCRR 506.6; CFR appendix F 6810);
 *      visit 45 minutes.
 * BLENDED: pooled (14 NYCRR 506.7); each client follows its level's rules, so the row is unused.
 * ADULT_HOME: modelled after SCM, manager and peer specialist in tandem, 20 each (CFR app. F 6820). */
static const cl_program_rules presets[CL_NPROGRAMS] = {
    [CL_ICM] = {12, 4, 1, 60, 0},
    [CL_SCM] = {20, 2, 0, 45, 0},
    [CL_BLENDED] = {0, 0, 0, 0, 0},
    [CL_ADULT_HOME] = {20, 2, 0, 45, 20},
};

const cl_program_rules *cl_program_preset(cl_program p)
{
    return &presets[p];
}

int cl_program_parse(const char *s)
{
    for (int p = 0; p < CL_NPROGRAMS; p++)
        if (strcmp(s, cl_program_names[p]) == 0)
            return p;
    return CL_NONE;
}

int cl_day_parse(const char *s)
{
    for (int d = 0; d < CL_NDAYS; d++)
        if (strcmp(s, cl_day_names[d]) == 0)
            return d;
    return CL_NONE;
}

cl_instance *cl_instance_new(void)
{
    cl_instance *inst = calloc(1, sizeof *inst);
    if (inst == NULL)
        return NULL;
    memcpy(inst->programs, presets, sizeof presets);
    inst->week_days = 0x1f; /* mon..fri */
    inst->day_start_min = 9 * 60;
    inst->weeks_left_in_month = 1;
    inst->policy.max_moves = CL_NONE;
    inst->policy.blended_primary_share = 0.5;
    inst->policy.on_call_days = 0x7f;
    inst->policy.time_limit_s = -1;
    inst->policy.gap = -1;
    return inst;
}

void cl_instance_free(cl_instance *inst)
{
    if (inst == NULL)
        return;
    free(inst->name);
    for (int z = 0; z < inst->n_zones; z++)
        free(inst->zones[z]);
    free(inst->zones);
    free(inst->travel);
    for (int l = 0; l < inst->n_langs; l++)
        free(inst->langs[l]);
    for (int t = 0; t < inst->n_teams; t++) {
        free(inst->teams[t].id);
        free(inst->teams[t].members);
    }
    free(inst->teams);
    for (int s = 0; s < inst->n_staff; s++)
        free(inst->staff[s].id);
    free(inst->staff);
    for (int c = 0; c < inst->n_clients; c++) {
        free(inst->clients[c].id);
        free(inst->clients[c].avoid);
        free(inst->clients[c].residence);
    }
    free(inst->clients);
    free(inst->staff_by_id);
    free(inst->clients_by_id);
    free(inst);
}

static char *dup_or_null(const char *s, bool *ok)
{
    if (s == NULL)
        return NULL;
    char *d = strdup(s);
    if (d == NULL)
        *ok = false;
    return d;
}

static void *dup_mem(const void *p, size_t n, bool *ok)
{
    if (p == NULL || n == 0)
        return NULL;
    void *d = malloc(n);
    if (d == NULL) {
        *ok = false;
        return NULL;
    }
    memcpy(d, p, n);
    return d;
}

cl_instance *cl_instance_clone(const cl_instance *src)
{
    cl_instance *inst = malloc(sizeof *inst);
    if (inst == NULL)
        return NULL;
    bool ok = true;
    *inst = *src;
    inst->staff_by_id = dup_mem(src->staff_by_id, (size_t)src->n_staff_by_id * sizeof(int), &ok);
    inst->clients_by_id = dup_mem(src->clients_by_id, (size_t)src->n_clients_by_id * sizeof(int), &ok);
    inst->name = dup_or_null(src->name, &ok);
    inst->zones = dup_mem(src->zones, (size_t)src->n_zones * sizeof *src->zones, &ok);
    for (int z = 0; z < src->n_zones && inst->zones; z++)
        inst->zones[z] = dup_or_null(src->zones[z], &ok);
    inst->travel = dup_mem(src->travel, (size_t)src->n_zones * (size_t)src->n_zones * sizeof(int), &ok);
    for (int l = 0; l < src->n_langs; l++)
        inst->langs[l] = dup_or_null(src->langs[l], &ok);
    inst->teams = dup_mem(src->teams, (size_t)src->n_teams * sizeof *src->teams, &ok);
    for (int t = 0; t < src->n_teams && inst->teams; t++) {
        inst->teams[t].id = dup_or_null(src->teams[t].id, &ok);
        inst->teams[t].members = dup_mem(src->teams[t].members, (size_t)src->teams[t].n_members * sizeof(int), &ok);
    }
    inst->staff = dup_mem(src->staff, (size_t)src->n_staff * sizeof *src->staff, &ok);
    for (int s = 0; s < src->n_staff && inst->staff; s++)
        inst->staff[s].id = dup_or_null(src->staff[s].id, &ok);
    inst->clients = dup_mem(src->clients, (size_t)src->n_clients * sizeof *src->clients, &ok);
    for (int c = 0; c < src->n_clients && inst->clients; c++) {
        cl_client *cl = &inst->clients[c];
        cl->id = dup_or_null(src->clients[c].id, &ok);
        cl->avoid = dup_mem(src->clients[c].avoid, (size_t)src->clients[c].n_avoid * sizeof(int), &ok);
        cl->residence = dup_or_null(src->clients[c].residence, &ok);
    }
    if (!ok || (src->n_zones && !inst->zones) || (src->n_teams && !inst->teams) || (src->n_staff && !inst->staff) ||
        (src->n_clients && !inst->clients)) {
        /* Counts refer to arrays that may be missing: free only what is there. */
        if (!inst->zones)
            inst->n_zones = 0;
        if (!inst->teams)
            inst->n_teams = 0;
        if (!inst->staff)
            inst->n_staff = 0;
        if (!inst->clients)
            inst->n_clients = 0;
        cl_instance_free(inst);
        return NULL;
    }
    return inst;
}

int cl_instance_lang(cl_instance *inst, const char *code)
{
    for (int l = 0; l < inst->n_langs; l++)
        if (strcmp(inst->langs[l], code) == 0)
            return l;
    if (inst->n_langs == CL_MAX_LANGS)
        return CL_NONE;
    char *d = strdup(code);
    if (d == NULL)
        return CL_NONE;
    inst->langs[inst->n_langs] = d;
    return inst->n_langs++;
}

/* Binary search of id in an index sorted by id; -1 when absent. */
static int search(const int *index, int n, const char *id, const char *(*id_of)(const cl_instance *, int),
                  const cl_instance *inst)
{
    int lo = 0, hi = n - 1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        const char *m = id_of(inst, index[mid]);
        int c = m ? strcmp(m, id) : -1;
        if (c == 0) {
            while (mid > 0 && id_of(inst, index[mid - 1]) && strcmp(id_of(inst, index[mid - 1]), id) == 0)
                mid--; /* the first of duplicates, as the linear search finds */
            return index[mid];
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return CL_NONE;
}

static const char *staff_id(const cl_instance *inst, int s)
{
    return inst->staff[s].id;
}

static const char *client_id(const cl_instance *inst, int c)
{
    return inst->clients[c].id;
}

int cl_instance_find_staff(const cl_instance *inst, const char *id)
{
    if (inst->staff_by_id && inst->n_staff_by_id == inst->n_staff)
        return search(inst->staff_by_id, inst->n_staff, id, staff_id, inst);
    for (int s = 0; s < inst->n_staff; s++)
        if (inst->staff[s].id && strcmp(inst->staff[s].id, id) == 0)
            return s;
    return CL_NONE;
}

int cl_instance_find_client(const cl_instance *inst, const char *id)
{
    if (inst->clients_by_id && inst->n_clients_by_id == inst->n_clients)
        return search(inst->clients_by_id, inst->n_clients, id, client_id, inst);
    for (int c = 0; c < inst->n_clients; c++)
        if (inst->clients[c].id && strcmp(inst->clients[c].id, id) == 0)
            return c;
    return CL_NONE;
}

int cl_instance_find_team(const cl_instance *inst, const char *id)
{
    for (int t = 0; t < inst->n_teams; t++)
        if (inst->teams[t].id && strcmp(inst->teams[t].id, id) == 0)
            return t;
    return CL_NONE;
}

int cl_instance_find_zone(const cl_instance *inst, const char *id)
{
    for (int z = 0; z < inst->n_zones; z++)
        if (strcmp(inst->zones[z], id) == 0)
            return z;
    return CL_NONE;
}

static const cl_instance *g_sort_inst; /* for the comparators below */

static int cmp_staff_ids(const void *a, const void *b)
{
    const char *x = g_sort_inst->staff[*(const int *)a].id, *y = g_sort_inst->staff[*(const int *)b].id;
    int c = strcmp(x ? x : "", y ? y : "");
    return c ? c : *(const int *)a - *(const int *)b;
}

static int cmp_client_ids(const void *a, const void *b)
{
    const char *x = g_sort_inst->clients[*(const int *)a].id, *y = g_sort_inst->clients[*(const int *)b].id;
    int c = strcmp(x ? x : "", y ? y : "");
    return c ? c : *(const int *)a - *(const int *)b;
}

/* (Re)builds an index of n records sorted by id; on no memory the index is dropped (linear search). */
static void build_index(int **index, int *n_index, int n, int (*cmp)(const void *, const void *))
{
    free(*index);
    *n_index = 0;
    *index = malloc(((size_t)n + 1) * sizeof(int));
    if (*index == NULL)
        return;
    for (int k = 0; k < n; k++)
        (*index)[k] = k;
    qsort(*index, (size_t)n, sizeof(int), cmp);
    *n_index = n;
}

void cl_instance_index(cl_instance *inst)
{
    g_sort_inst = inst;
    build_index(&inst->staff_by_id, &inst->n_staff_by_id, inst->n_staff, cmp_staff_ids);
    build_index(&inst->clients_by_id, &inst->n_clients_by_id, inst->n_clients, cmp_client_ids);
}

void cl_instance_resolve(cl_instance *inst)
{
    cl_instance_index(inst);
    for (int s = 0; s < inst->n_staff; s++) {
        cl_staff *st = &inst->staff[s];
        if (!st->cap_set) {
            if (st->role == CL_PEER)
                st->caseload_cap = inst->programs[CL_ADULT_HOME].peer_caseload_cap;
            else if (st->program >= 0)
                st->caseload_cap = inst->programs[st->program].caseload_cap;
        }
        if (!st->minutes_set)
            for (int d = 0; d < CL_NDAYS; d++)
                st->minutes[d] = (inst->week_days >> d & 1u) ? (int)lround(480.0 * st->fte) : 0;
    }
    for (int c = 0; c < inst->n_clients; c++) {
        cl_client *cl = &inst->clients[c];
        if (cl->program != CL_BLENDED)
            cl->level = cl->program;
        if (!cl->visit_minutes_set)
            cl->visit_minutes = inst->programs[cl->level].visit_minutes;
        if (!cl->days_set)
            cl->days = inst->week_days;
    }
}

int cl_instance_travel(const cl_instance *inst, int from_zone, int to_zone)
{
    if (from_zone < 0 || to_zone < 0 || inst->travel == NULL)
        return 0;
    return inst->travel[from_zone * inst->n_zones + to_zone];
}

bool cl_id_valid(const char *s)
{
    size_t n = strlen(s);
    if (n < 1 || n > 64 || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
        return false;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '.' ||
                  ch == '_' || ch == '-';
        if (!ok)
            return false;
    }
    return true;
}

static void check_id(const char *id, const char *where, cl_diags *d)
{
    if (id != NULL && !cl_id_valid(id))
        cl_diags_add(d, CL_ERRORSEV, where,
                     "bad id \"%.80s%s\" (expected 1-64 characters of A-Z a-z 0-9 . _ -, not . or ..)", id,
                     strlen(id) > 80 ? "..." : "");
}

static void check_range(double v, double lo, bool lo_open, double hi, const char *where, const char *what, cl_diags *d)
{
    bool bad = !isfinite(v) || (lo_open ? v <= lo : v < lo) || v > hi || (v == 0 && signbit(v) && lo_open);
    if (bad) {
        if (isinf(hi))
            cl_diags_add(d, CL_ERRORSEV, where, "%s %g is out of range (expected %s %g)", what, v,
                         lo_open ? ">" : ">=", lo);
        else
            cl_diags_add(d, CL_ERRORSEV, where, "%s %g is out of range (expected %s%g to %g)", what, v,
                         lo_open ? "more than " : "", lo, hi);
    }
}

/* A staff-day starts at week.day_start and lasts at most that day's minutes, travel home included: it must end
 * by midnight, so that every time of the week is a time of its own day (SPEC §6.2, §6.4). Checked on the week's
 * days with the defaults applied. */
static void check_day_ends(const cl_instance *inst, cl_diags *d)
{
    int start = inst->day_start_min, room = 24 * 60 - start;
    for (int s = 0; s < inst->n_staff; s++) {
        const cl_staff *st = &inst->staff[s];
        for (int day = 0; day < CL_NDAYS; day++) {
            if (!(inst->week_days >> day & 1u) || st->minutes[day] <= room)
                continue;
            char w[128];
            snprintf(w, sizeof w, "staff[%d].minutes.%s", s, cl_day_names[day]);
            cl_diags_add(d, CL_ERRORSEV, w,
                         "day_start %02d:%02d plus %d minutes%s runs past midnight (expected at most %d minutes, or "
                         "an earlier week.day_start)",
                         start / 60, start % 60, st->minutes[day], st->minutes_set ? "" : " (the default)", room);
        }
    }
}

void cl_instance_validate(const cl_instance *inst, cl_diags *d)
{
    char w[128];
    for (int p = 0; p < CL_NPROGRAMS; p++) {
        if (p == CL_BLENDED)
            continue;
        const cl_program_rules *r = &inst->programs[p];
        snprintf(w, sizeof w, "programs.%s.caseload_cap", cl_program_names[p]);
        check_range(r->caseload_cap, 0, true, 1000, w, "caseload_cap", d);
        snprintf(w, sizeof w, "programs.%s.contacts_per_month", cl_program_names[p]);
        check_range(r->contacts_per_month, 0, false, 31, w, "contacts_per_month", d);
        snprintf(w, sizeof w, "programs.%s.min_contacts_per_week", cl_program_names[p]);
        check_range(r->min_contacts_per_week, 0, false, 7, w, "min_contacts_per_week", d);
        snprintf(w, sizeof w, "programs.%s.visit_minutes", cl_program_names[p]);
        check_range(r->visit_minutes, 1, false, 1440, w, "visit_minutes", d);
        if (p == CL_ADULT_HOME) {
            snprintf(w, sizeof w, "programs.%s.peer_caseload_cap", cl_program_names[p]);
            check_range(r->peer_caseload_cap, 0, true, 1000, w, "peer_caseload_cap", d);
        }
    }
    if (inst->weeks_left_in_month < 1 || inst->weeks_left_in_month > 6)
        cl_diags_add(d, CL_ERRORSEV, "week.weeks_left_in_month", "%d is out of range (expected 1 to 6)",
                     inst->weeks_left_in_month);
    if (inst->day_start_min < 0 || inst->day_start_min >= 24 * 60)
        cl_diags_add(d, CL_ERRORSEV, "week.day_start", "out of range (expected HH:MM from 00:00 to 23:59)");
    if (inst->week_days == 0)
        cl_diags_add(d, CL_ERRORSEV, "week.days", "no working day (expected at least one of mon..sun)");
    for (int a = 0; a < inst->n_zones; a++) {
        snprintf(w, sizeof w, "zones[%d]", a);
        check_id(inst->zones[a], w, d);
        for (int b = 0; b < a; b++)
            if (strcmp(inst->zones[a], inst->zones[b]) == 0)
                cl_diags_add(d, CL_ERRORSEV, w, "duplicate zone \"%s\" (expected unique zones)", inst->zones[a]);
    }
    const cl_policy *pol = &inst->policy;
    if (!(pol->blended_primary_share >= 0 && pol->blended_primary_share <= 1))
        cl_diags_add(d, CL_ERRORSEV, "policy.blended_primary_share", "%g is out of range (expected 0 to 1)",
                     pol->blended_primary_share);
    if (pol->max_moves < CL_NONE)
        cl_diags_add(d, CL_ERRORSEV, "policy.max_moves", "%d is out of range (expected >= 0)", pol->max_moves);
    if (pol->time_limit_s != -1)
        check_range(pol->time_limit_s, 0, true, 1e7, "policy.time_limit", "time_limit", d);
    if (pol->gap != -1)
        check_range(pol->gap, 0, false, 1, "policy.gap", "gap", d);

    for (int t = 0; t < inst->n_teams; t++) {
        const cl_team *tm = &inst->teams[t];
        snprintf(w, sizeof w, "teams[%d].id", t);
        check_id(tm->id, w, d);
        for (int u = 0; u < t; u++)
            if (tm->id && inst->teams[u].id && strcmp(tm->id, inst->teams[u].id) == 0)
                cl_diags_add(d, CL_ERRORSEV, w, "duplicate team id \"%s\" (expected unique ids)", tm->id);
        snprintf(w, sizeof w, "teams[%d].flex", t);
        check_range(tm->flex, 0, false, 1, w, "flex", d);
        for (int m = 0; m < tm->n_members; m++) {
            int s = tm->members[m];
            snprintf(w, sizeof w, "teams[%d].members[%d]", t, m);
            if (s >= 0 && inst->staff[s].role != CL_MANAGER)
                cl_diags_add(d, CL_ERRORSEV, w, "\"%s\" is a peer specialist (expected a case manager)",
                             inst->staff[s].id);
            else if (s >= 0 && inst->staff[s].team >= 0 && inst->staff[s].team != t)
                cl_diags_add(d, CL_ERRORSEV, w, "\"%s\" belongs to team \"%s\" (expected one team per member)",
                             inst->staff[s].id, inst->teams[inst->staff[s].team].id);
        }
    }
    for (int s = 0; s < inst->n_staff; s++) {
        const cl_staff *st = &inst->staff[s];
        snprintf(w, sizeof w, "staff[%d].id", s);
        check_id(st->id, w, d);
        if (st->id && cl_instance_find_staff(inst, st->id) != s)
            cl_diags_add(d, CL_ERRORSEV, w, "duplicate staff id \"%s\" (expected unique ids)", st->id);
        snprintf(w, sizeof w, "staff[%d].fte", s);
        check_range(st->fte, 0, true, 1, w, "fte", d);
        if (st->cap_set) {
            snprintf(w, sizeof w, "staff[%d].caseload_cap", s);
            check_range(st->caseload_cap, 0, true, 1000, w, "caseload_cap", d);
        }
        if (st->role == CL_MANAGER && st->program == CL_NONE) {
            snprintf(w, sizeof w, "staff[%d].program", s);
            cl_diags_add(d, CL_ERRORSEV, w, "missing for a case manager (expected ICM, SCM or ADULT_HOME)");
        }
        if (st->program == CL_BLENDED) {
            snprintf(w, sizeof w, "staff[%d].program", s);
            cl_diags_add(d, CL_ERRORSEV, w,
                         "BLENDED is a client program (expected ICM, SCM or ADULT_HOME; Blended members "
                         "name their team)");
        }
        if (st->role == CL_PEER && st->team >= 0) {
            snprintf(w, sizeof w, "staff[%d].team", s);
            cl_diags_add(d, CL_ERRORSEV, w, "a peer specialist cannot be a team member (expected a case manager)");
        }
        for (int day = 0; day < CL_NDAYS; day++)
            if (st->minutes[day] < 0 || st->minutes[day] > 1440) {
                snprintf(w, sizeof w, "staff[%d].minutes.%s", s, cl_day_names[day]);
                cl_diags_add(d, CL_ERRORSEV, w, "%d is out of range (expected 0 to 1440)", st->minutes[day]);
            }
    }
    for (int c = 0; c < inst->n_clients; c++) {
        const cl_client *cl = &inst->clients[c];
        snprintf(w, sizeof w, "clients[%d].id", c);
        check_id(cl->id, w, d);
        if (cl->id && cl_instance_find_client(inst, cl->id) != c)
            cl_diags_add(d, CL_ERRORSEV, w, "duplicate client id \"%s\" (expected unique ids)", cl->id);
        snprintf(w, sizeof w, "clients[%d].acuity", c);
        check_range(cl->acuity, 0.25, false, 4, w, "acuity", d);
        snprintf(w, sizeof w, "clients[%d].priority", c);
        check_range(cl->priority, 1, false, 1e6, w, "priority", d);
        if (cl->contacts_this_month < 0 || cl->contacts_this_month > 100) {
            snprintf(w, sizeof w, "clients[%d].contacts_this_month", c);
            cl_diags_add(d, CL_ERRORSEV, w, "%d is out of range (expected 0 to 100)", cl->contacts_this_month);
        }
        if (cl->visit_minutes_set && (cl->visit_minutes < 1 || cl->visit_minutes > 1440)) {
            snprintf(w, sizeof w, "clients[%d].visit_minutes", c);
            cl_diags_add(d, CL_ERRORSEV, w, "%d is out of range (expected 1 to 1440)", cl->visit_minutes);
        }
        if (cl->days_set && cl->days == 0) {
            snprintf(w, sizeof w, "clients[%d].days", c);
            cl_diags_add(d, CL_ERRORSEV, w, "empty (expected at least one day)");
        }
        if (cl->manager >= 0 && inst->staff[cl->manager].role != CL_MANAGER) {
            snprintf(w, sizeof w, "clients[%d].manager", c);
            cl_diags_add(d, CL_ERRORSEV, w, "\"%s\" is a peer specialist (expected a case manager)",
                         inst->staff[cl->manager].id);
        }
        if (cl->peer >= 0 && inst->staff[cl->peer].role != CL_PEER) {
            snprintf(w, sizeof w, "clients[%d].peer", c);
            cl_diags_add(d, CL_ERRORSEV, w, "\"%s\" is a case manager (expected a peer specialist)",
                         inst->staff[cl->peer].id);
        }
    }
    check_day_ends(inst, d);
}
