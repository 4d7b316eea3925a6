/* instance_read.c: the caseload/1 reader: JSON types and references here, value ranges in model/. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../model/instance.h"
#include "io.h"
#include "json_util.h"

static const char *const top_keys[] = {"format", "name",  "week",    "programs", "zones", "travel_minutes",
                                       "teams",  "staff", "clients", "policy",   NULL};
static const char *const week_keys[] = {"start", "days", "day_start", "weeks_left_in_month", NULL};
static const char *const program_keys[] = {"caseload_cap",  "contacts_per_month", "min_contacts_per_week",
                                           "visit_minutes", "peer_caseload_cap",  NULL};
static const char *const team_keys[] = {"id", "members", "flex", NULL};
static const char *const staff_keys[] = {"id",   "role",      "program", "team",    "fte",    "caseload_cap",
                                         "zone", "languages", "minutes", "on_call", "active", NULL};
static const char *const client_keys[] = {
    "id",        "program",       "level", "status", "acuity", "priority", "zone",
    "languages", "manager",       "peer",  "keep",   "avoid",  "days",     "contacts_this_month",
    "residence", "visit_minutes", NULL};
static const char *const policy_keys[] = {"max_moves", "blended_primary_share", "on_call_days", "time_limit", "gap",
                                          NULL};

static char *xstrdup(const char *s)
{
    return s ? strdup(s) : NULL;
}

/* Reads an id field: required, a string. Returns a copy or NULL (reported). */
static char *read_id(clp_jr *r, json_t *obj)
{
    const char *s = NULL;
    if (json_object_get(obj, "id") == NULL) {
        clp_jr_missing(r, "id", "a string id");
        return NULL;
    }
    if (!clp_jr_string(r, obj, "id", &s))
        return NULL;
    return xstrdup(s);
}

/* Reads a list of day names into a mask. Returns false when absent or wrong (reported). */
static bool read_days(clp_jr *r, json_t *obj, const char *key, unsigned *mask)
{
    json_t *arr = clp_jr_array(r, obj, key);
    if (arr == NULL)
        return false;
    size_t l = clp_jr_key(r, key), i;
    json_t *v;
    unsigned m = 0;
    bool ok = true;
    json_array_foreach (arr, i, v) {
        size_t l2 = clp_jr_idx(r, i);
        int d = json_is_string(v) ? cl_day_parse(json_string_value(v)) : CL_NONE;
        if (!json_is_string(v)) {
            clp_jr_err(r, "%s where a day is expected (expected one of mon, tue, wed, thu, fri, sat, sun)",
                       clp_json_type_name(v));
            ok = false;
        } else if (d == CL_NONE) {
            clp_jr_err(r, "unknown day \"%.40s\" (expected one of mon, tue, wed, thu, fri, sat, sun)",
                       json_string_value(v));
            ok = false;
        } else {
            m |= 1u << d;
        }
        clp_jr_pop(r, l2);
    }
    clp_jr_pop(r, l);
    if (ok)
        *mask = m;
    return ok;
}

/* Reads a language list into a bit set; false when absent or wrong. */
static bool read_langs(clp_jr *r, cl_instance *inst, json_t *obj, uint64_t *set)
{
    json_t *arr = clp_jr_array(r, obj, "languages");
    if (arr == NULL)
        return false;
    size_t l = clp_jr_key(r, "languages"), i;
    json_t *v;
    uint64_t s = 0;
    bool ok = true;
    json_array_foreach (arr, i, v) {
        size_t l2 = clp_jr_idx(r, i);
        if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) > 35) {
            clp_jr_err(r, "not a language code (expected a string such as \"en\" or \"es\")");
            ok = false;
        } else {
            int li = cl_instance_lang(inst, json_string_value(v));
            if (li == CL_NONE) {
                clp_jr_err(r, "too many different languages (expected at most %d in one agency)", CL_MAX_LANGS);
                ok = false;
            } else {
                s |= (uint64_t)1 << li;
            }
        }
        clp_jr_pop(r, l2);
    }
    if (ok && s == 0) {
        clp_jr_err(r, "empty (expected at least one language)");
        ok = false;
    }
    clp_jr_pop(r, l);
    if (ok)
        *set = s;
    return ok;
}

/* A reference to a zone by id: CL_NONE when absent; reports unknown zones. */
static int read_zone_ref(clp_jr *r, const cl_instance *inst, json_t *obj, bool *used)
{
    const char *s = NULL;
    if (!clp_jr_string(r, obj, "zone", &s))
        return CL_NONE;
    *used = true;
    int z = cl_instance_find_zone(inst, s);
    if (z == CL_NONE) {
        size_t l = clp_jr_key(r, "zone");
        clp_jr_err(r, "unknown zone \"%.64s\" (expected one of the instance's zones)", s);
        clp_jr_pop(r, l);
    }
    return z;
}

static int read_staff_ref(clp_jr *r, const cl_instance *inst, json_t *v)
{
    if (!json_is_string(v)) {
        clp_jr_err(r, "%s where a staff id is expected (expected a string)", clp_json_type_name(v));
        return CL_NONE;
    }
    int s = cl_instance_find_staff(inst, json_string_value(v));
    if (s == CL_NONE)
        clp_jr_err(r, "unknown staff member \"%.64s\" (expected an id from staff)", json_string_value(v));
    return s;
}

static void read_week(clp_jr *r, cl_instance *inst, json_t *week)
{
    const char *s = NULL;
    if (clp_jr_string(r, week, "start", &s)) {
        int y, m, d;
        char tail;
        size_t l = clp_jr_key(r, "start");
        if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || m < 1 || m > 12 || d < 1 ||
            d > 31 || y < 1900 || y > 9999)
            clp_jr_err(r, "\"%.20s\" is not a date (expected YYYY-MM-DD)", s);
        else
            memcpy(inst->week_start, s, 11);
        clp_jr_pop(r, l);
    }
    if (read_days(r, week, "days", &inst->week_days))
        inst->week_days_set = true;
    if (clp_jr_string(r, week, "day_start", &s)) {
        int h, mi;
        char tail;
        size_t l = clp_jr_key(r, "day_start");
        if (strlen(s) != 5 || sscanf(s, "%2d:%2d%c", &h, &mi, &tail) != 2 || h < 0 || h > 23 || mi < 0 || mi > 59)
            clp_jr_err(r, "\"%.20s\" is not a time of day (expected HH:MM from 00:00 to 23:59)", s);
        else
            inst->day_start_min = h * 60 + mi;
        clp_jr_pop(r, l);
    }
    clp_jr_int(r, week, "weeks_left_in_month", &inst->weeks_left_in_month);
    clp_jr_unknown_keys(r, week, week_keys);
}

static void read_programs(clp_jr *r, cl_instance *inst, json_t *progs)
{
    const char *key;
    json_t *v;
    json_object_foreach (progs, key, v) {
        size_t l = clp_jr_key(r, key);
        int p = cl_program_parse(key);
        if (p == CL_NONE) {
            clp_jr_err(r, "unknown program \"%.40s\" (expected ICM, SCM, BLENDED, ADULT_HOME)", key);
        } else if (!json_is_object(v)) {
            clp_jr_err(r, "%s where an object is expected (expected an object of rule overrides)",
                       clp_json_type_name(v));
        } else {
            cl_program_rules *pr = &inst->programs[p];
            inst->program_set[p][0] = clp_jr_number(r, v, "caseload_cap", &pr->caseload_cap);
            inst->program_set[p][1] = clp_jr_int(r, v, "contacts_per_month", &pr->contacts_per_month);
            inst->program_set[p][2] = clp_jr_int(r, v, "min_contacts_per_week", &pr->min_contacts_per_week);
            inst->program_set[p][3] = clp_jr_int(r, v, "visit_minutes", &pr->visit_minutes);
            inst->program_set[p][4] = clp_jr_number(r, v, "peer_caseload_cap", &pr->peer_caseload_cap);
            if (p == CL_BLENDED && json_object_size(v) > 0)
                clp_jr_warn(r, "BLENDED clients follow their level's rules (ICM or SCM); these values are ignored");
            clp_jr_unknown_keys(r, v, program_keys);
        }
        clp_jr_pop(r, l);
    }
}

static void read_zones(clp_jr *r, cl_instance *inst, json_t *root)
{
    json_t *zones = clp_jr_array(r, root, "zones");
    json_t *travel = clp_jr_object(r, root, "travel_minutes");
    if (zones != NULL) {
        size_t i;
        json_t *v;
        inst->zones = calloc(json_array_size(zones) + 1, sizeof(char *));
        json_array_foreach (zones, i, v) {
            size_t l = clp_jr_key(r, "zones");
            size_t l2 = clp_jr_idx(r, i);
            if (!json_is_string(v))
                clp_jr_err(r, "%s where a zone id is expected (expected a string)", clp_json_type_name(v));
            else if (inst->zones)
                inst->zones[inst->n_zones++] = xstrdup(json_string_value(v));
            clp_jr_pop(r, l2);
            clp_jr_pop(r, l);
        }
    } else if (travel != NULL && json_object_get(root, "zones") == NULL) {
        /* Without a zone list, the travel matrix's rows name the zones. */
        const char *key;
        json_t *v;
        inst->zones = calloc(json_object_size(travel) + 1, sizeof(char *));
        json_object_foreach (travel, key, v)
            if (inst->zones)
                inst->zones[inst->n_zones++] = xstrdup(key);
    }
    if (travel == NULL || inst->n_zones == 0)
        return;
    int n = inst->n_zones;
    inst->travel = calloc((size_t)n * (size_t)n, sizeof(int));
    if (inst->travel == NULL)
        return;
    size_t l = clp_jr_key(r, "travel_minutes");
    for (int a = 0; a < n; a++) {
        json_t *row = json_object_get(travel, inst->zones[a]);
        if (row == NULL) {
            clp_jr_err(r, "no row for zone \"%s\" (expected a square matrix over zones)", inst->zones[a]);
            continue;
        }
        size_t l2 = clp_jr_key(r, inst->zones[a]);
        if (!json_is_object(row)) {
            clp_jr_err(r, "%s where an object is expected (expected {zone: minutes})", clp_json_type_name(row));
        } else {
            for (int b = 0; b < n; b++) {
                json_t *cell = json_object_get(row, inst->zones[b]);
                size_t l3 = clp_jr_key(r, inst->zones[b]);
                if (cell == NULL)
                    clp_jr_err(r, "missing (expected a square matrix over zones)");
                else if (!json_is_number(cell))
                    clp_jr_err(r, "%s where minutes are expected (expected a number)", clp_json_type_name(cell));
                else if (!(json_number_value(cell) >= 0 && json_number_value(cell) <= 1440))
                    clp_jr_err(r, "%g is out of range (expected 0 to 1440 minutes)", json_number_value(cell));
                else
                    inst->travel[a * n + b] = (int)lround(json_number_value(cell));
                clp_jr_pop(r, l3);
            }
            const char *key;
            json_t *v;
            json_object_foreach (row, key, v)
                if (cl_instance_find_zone(inst, key) == CL_NONE) {
                    size_t l3 = clp_jr_key(r, key);
                    clp_jr_err(r, "unknown zone \"%.64s\" (expected a square matrix over zones)", key);
                    clp_jr_pop(r, l3);
                }
        }
        clp_jr_pop(r, l2);
    }
    const char *key;
    json_t *v;
    json_object_foreach (travel, key, v)
        if (cl_instance_find_zone(inst, key) == CL_NONE) {
            size_t l2 = clp_jr_key(r, key);
            clp_jr_err(r, "unknown zone \"%.64s\" (expected a square matrix over zones)", key);
            clp_jr_pop(r, l2);
        }
    clp_jr_pop(r, l);
}

static void read_teams_ids(clp_jr *r, cl_instance *inst, json_t *teams)
{
    size_t i;
    json_t *v;
    inst->teams = calloc(json_array_size(teams) + 1, sizeof *inst->teams);
    if (inst->teams == NULL)
        return;
    size_t l = clp_jr_key(r, "teams");
    json_array_foreach (teams, i, v) {
        size_t l2 = clp_jr_idx(r, i);
        cl_team *t = &inst->teams[inst->n_teams++];
        t->flex = 0.25;
        if (!json_is_object(v)) {
            clp_jr_err(r, "%s where a team is expected (expected an object)", clp_json_type_name(v));
        } else {
            t->id = read_id(r, v);
            clp_jr_number(r, v, "flex", &t->flex);
            clp_jr_unknown_keys(r, v, team_keys);
        }
        clp_jr_pop(r, l2);
    }
    clp_jr_pop(r, l);
}

static void read_team_members(clp_jr *r, cl_instance *inst, json_t *teams)
{
    size_t l = clp_jr_key(r, "teams");
    for (int t = 0; t < inst->n_teams; t++) {
        json_t *v = json_array_get(teams, (size_t)t);
        size_t l2 = clp_jr_idx(r, (size_t)t);
        json_t *mem = json_is_object(v) ? clp_jr_array(r, v, "members") : NULL;
        if (json_is_object(v) && json_object_get(v, "members") == NULL)
            clp_jr_missing(r, "members", "an array of staff ids");
        if (mem != NULL) {
            cl_team *tm = &inst->teams[t];
            tm->members = calloc(json_array_size(mem) + 1, sizeof(int));
            size_t l3 = clp_jr_key(r, "members"), i;
            json_t *m;
            json_array_foreach (mem, i, m) {
                size_t l4 = clp_jr_idx(r, i);
                int s = read_staff_ref(r, inst, m);
                bool dup = false;
                for (int k = 0; k < tm->n_members; k++)
                    dup |= tm->members[k] == s;
                if (dup)
                    clp_jr_err(r, "\"%s\" is listed twice (expected each member once)", inst->staff[s].id);
                else if (s >= 0 && tm->members)
                    tm->members[tm->n_members++] = s;
                clp_jr_pop(r, l4);
            }
            clp_jr_pop(r, l3);
        }
        clp_jr_pop(r, l2);
    }
    clp_jr_pop(r, l);
}

/* Staff ids first (so that clients and teams can refer to them), then each record. */
static void read_staff(clp_jr *r, cl_instance *inst, json_t *arr, bool *zone_used)
{
    size_t i;
    json_t *v;
    inst->staff = calloc(json_array_size(arr) + 1, sizeof *inst->staff);
    if (inst->staff == NULL)
        return;
    size_t l = clp_jr_key(r, "staff");
    json_array_foreach (arr, i, v) {
        size_t l2 = clp_jr_idx(r, i);
        cl_staff *st = &inst->staff[inst->n_staff++];
        st->program = st->team = st->zone = CL_NONE;
        st->fte = 1;
        st->active = true;
        if (!json_is_object(v))
            clp_jr_err(r, "%s where a staff member is expected (expected an object)", clp_json_type_name(v));
        else
            st->id = read_id(r, v);
        clp_jr_pop(r, l2);
    }
    int en = cl_instance_lang(inst, "en");
    json_array_foreach (arr, i, v) {
        if (!json_is_object(v))
            continue;
        size_t l2 = clp_jr_idx(r, i);
        cl_staff *st = &inst->staff[i];
        const char *s = NULL;
        if (clp_jr_string(r, v, "role", &s)) {
            if (strcmp(s, "case_manager") == 0)
                st->role = CL_MANAGER;
            else if (strcmp(s, "peer_specialist") == 0)
                st->role = CL_PEER;
            else {
                size_t l3 = clp_jr_key(r, "role");
                clp_jr_err(r, "unknown role \"%.40s\" (expected case_manager or peer_specialist)", s);
                clp_jr_pop(r, l3);
            }
        }
        if (clp_jr_string(r, v, "program", &s)) {
            st->program = cl_program_parse(s);
            if (st->program == CL_NONE) {
                size_t l3 = clp_jr_key(r, "program");
                clp_jr_err(r, "unknown program \"%.40s\" (expected ICM, SCM or ADULT_HOME)", s);
                clp_jr_pop(r, l3);
                st->program = -2; /* reported already */
            }
        } else if (st->role == CL_MANAGER && json_object_get(v, "program") == NULL) {
            clp_jr_missing(r, "program", "ICM, SCM or ADULT_HOME for a case manager");
            st->program = -2; /* reported already */
        }
        if (clp_jr_string(r, v, "team", &s)) {
            st->team = cl_instance_find_team(inst, s);
            if (st->team == CL_NONE) {
                size_t l3 = clp_jr_key(r, "team");
                clp_jr_err(r, "unknown team \"%.64s\" (expected an id from teams)", s);
                clp_jr_pop(r, l3);
            }
        }
        clp_jr_number(r, v, "fte", &st->fte);
        st->cap_set = clp_jr_number(r, v, "caseload_cap", &st->caseload_cap);
        st->zone = read_zone_ref(r, inst, v, zone_used);
        if (!read_langs(r, inst, v, &st->langs))
            st->langs = (uint64_t)1 << en;
        json_t *mins = clp_jr_object(r, v, "minutes");
        if (mins != NULL) {
            st->minutes_set = true;
            size_t l3 = clp_jr_key(r, "minutes");
            const char *key;
            json_t *m;
            json_object_foreach (mins, key, m) {
                int d = cl_day_parse(key);
                size_t l4 = clp_jr_key(r, key);
                if (d == CL_NONE)
                    clp_jr_err(r, "unknown day \"%.40s\" (expected one of mon, tue, wed, thu, fri, sat, sun)", key);
                else if (!json_is_number(m))
                    clp_jr_err(r, "%s where minutes are expected (expected a number)", clp_json_type_name(m));
                else if (!(json_number_value(m) >= 0 && json_number_value(m) <= 1440))
                    clp_jr_err(r, "%g is out of range (expected 0 to 1440)", json_number_value(m));
                else
                    st->minutes[d] = (int)lround(json_number_value(m));
                clp_jr_pop(r, l4);
            }
            clp_jr_pop(r, l3);
        }
        st->on_call = st->role == CL_MANAGER;
        clp_jr_bool(r, v, "on_call", &st->on_call);
        clp_jr_bool(r, v, "active", &st->active);
        clp_jr_unknown_keys(r, v, staff_keys);
        clp_jr_pop(r, l2);
    }
    clp_jr_pop(r, l);
}

static void read_clients(clp_jr *r, cl_instance *inst, json_t *arr, bool *zone_used)
{
    size_t i;
    json_t *v;
    inst->clients = calloc(json_array_size(arr) + 1, sizeof *inst->clients);
    if (inst->clients == NULL)
        return;
    int en = cl_instance_lang(inst, "en");
    size_t l = clp_jr_key(r, "clients");
    json_array_foreach (arr, i, v) {
        size_t l2 = clp_jr_idx(r, i);
        cl_client *cl = &inst->clients[inst->n_clients++];
        cl->program = CL_SCM;
        cl->level = CL_SCM;
        cl->acuity = 1;
        cl->priority = 1;
        cl->zone = cl->manager = cl->peer = CL_NONE;
        cl->langs = (uint64_t)1 << en;
        if (!json_is_object(v)) {
            clp_jr_err(r, "%s where a client is expected (expected an object)", clp_json_type_name(v));
            clp_jr_pop(r, l2);
            continue;
        }
        cl->id = read_id(r, v);
        const char *s = NULL;
        if (json_object_get(v, "program") == NULL)
            clp_jr_missing(r, "program", "one of ICM, SCM, BLENDED, ADULT_HOME");
        else if (clp_jr_string(r, v, "program", &s)) {
            int p = cl_program_parse(s);
            size_t l3 = clp_jr_key(r, "program");
            if (p == CL_NONE)
                clp_jr_err(r, "unknown program \"%.40s\" (expected ICM, SCM, BLENDED, ADULT_HOME)", s);
            else
                cl->program = (cl_program)p;
            clp_jr_pop(r, l3);
        }
        if (clp_jr_string(r, v, "level", &s)) {
            size_t l3 = clp_jr_key(r, "level");
            int p = cl_program_parse(s);
            if (cl->program != CL_BLENDED)
                clp_jr_err(r, "level is only for BLENDED clients (expected no level on a %s client)",
                           cl_program_names[cl->program]);
            else if (p != CL_ICM && p != CL_SCM)
                clp_jr_err(r, "unknown level \"%.40s\" (expected ICM or SCM)", s);
            else
                cl->level = (cl_program)p;
            clp_jr_pop(r, l3);
        }
        if (clp_jr_string(r, v, "status", &s)) {
            size_t l3 = clp_jr_key(r, "status");
            if (strcmp(s, "transitional") == 0)
                cl->transitional = true;
            else if (strcmp(s, "active") != 0)
                clp_jr_err(r, "unknown status \"%.40s\" (expected active or transitional)", s);
            clp_jr_pop(r, l3);
        }
        clp_jr_number(r, v, "acuity", &cl->acuity);
        clp_jr_number(r, v, "priority", &cl->priority);
        cl->zone = read_zone_ref(r, inst, v, zone_used);
        read_langs(r, inst, v, &cl->langs);
        json_t *ref = json_object_get(v, "manager");
        if (ref != NULL && !json_is_null(ref)) {
            size_t l3 = clp_jr_key(r, "manager");
            cl->manager = read_staff_ref(r, inst, ref);
            clp_jr_pop(r, l3);
        }
        ref = json_object_get(v, "peer");
        if (ref != NULL && !json_is_null(ref)) {
            size_t l3 = clp_jr_key(r, "peer");
            cl->peer = read_staff_ref(r, inst, ref);
            clp_jr_pop(r, l3);
        }
        clp_jr_bool(r, v, "keep", &cl->keep);
        json_t *avoid = clp_jr_array(r, v, "avoid");
        if (avoid != NULL) {
            cl->avoid = calloc(json_array_size(avoid) + 1, sizeof(int));
            size_t l3 = clp_jr_key(r, "avoid"), k;
            json_t *a;
            json_array_foreach (avoid, k, a) {
                size_t l4 = clp_jr_idx(r, k);
                int s2 = read_staff_ref(r, inst, a);
                if (s2 >= 0 && cl->avoid)
                    cl->avoid[cl->n_avoid++] = s2;
                clp_jr_pop(r, l4);
            }
            clp_jr_pop(r, l3);
        }
        if (read_days(r, v, "days", &cl->days)) {
            cl->days_set = true;
            unsigned off = cl->days & ~inst->week_days;
            if (off) {
                size_t l3 = clp_jr_key(r, "days");
                for (int d = 0; d < CL_NDAYS; d++)
                    if (off >> d & 1u)
                        clp_jr_err(r, "%s is not a day of this week (expected days from week.days)", cl_day_names[d]);
                clp_jr_pop(r, l3);
            }
        }
        clp_jr_int(r, v, "contacts_this_month", &cl->contacts_this_month);
        if (clp_jr_string(r, v, "residence", &s))
            cl->residence = xstrdup(s);
        cl->visit_minutes_set = clp_jr_int(r, v, "visit_minutes", &cl->visit_minutes);
        clp_jr_unknown_keys(r, v, client_keys);
        clp_jr_pop(r, l2);
    }
    clp_jr_pop(r, l);
}

static void read_policy(clp_jr *r, cl_instance *inst, json_t *pol)
{
    cl_policy *p = &inst->policy;
    clp_jr_int(r, pol, "max_moves", &p->max_moves);
    if (json_object_get(pol, "max_moves") && p->max_moves < 0) {
        size_t l = clp_jr_key(r, "max_moves");
        clp_jr_err(r, "%d is out of range (expected 0 or more)", p->max_moves);
        clp_jr_pop(r, l);
        p->max_moves = CL_NONE;
    }
    clp_jr_number(r, pol, "blended_primary_share", &p->blended_primary_share);
    read_days(r, pol, "on_call_days", &p->on_call_days);
    clp_jr_number(r, pol, "time_limit", &p->time_limit_s);
    clp_jr_number(r, pol, "gap", &p->gap);
    clp_jr_unknown_keys(r, pol, policy_keys);
}

/* Team membership may be given on the team, on the staff member, or both: take the union. */
static void join_membership(cl_instance *inst)
{
    for (int s = 0; s < inst->n_staff; s++) {
        int t = inst->staff[s].team;
        if (t < 0)
            continue;
        cl_team *tm = &inst->teams[t];
        bool listed = false;
        for (int k = 0; k < tm->n_members; k++)
            listed |= tm->members[k] == s;
        if (!listed) {
            int *m = realloc(tm->members, (size_t)(tm->n_members + 1) * sizeof(int));
            if (m == NULL)
                continue;
            tm->members = m;
            tm->members[tm->n_members++] = s;
        }
    }
    for (int t = 0; t < inst->n_teams; t++)
        for (int k = 0; k < inst->teams[t].n_members; k++) {
            cl_staff *st = &inst->staff[inst->teams[t].members[k]];
            if (st->team == CL_NONE && st->role == CL_MANAGER)
                st->team = t;
        }
}

int cl_instance_from_json(cl_instance **out, json_t *root, cl_diags *diags)
{
    clp_jr r = {.d = diags};
    size_t errors0 = diags->errors;
    cl_instance *inst = cl_instance_new();
    if (inst == NULL)
        return CL_ENOMEM;
    if (!json_is_object(root)) {
        clp_jr_err(&r, "%s at the top (expected a caseload/1 object)", clp_json_type_name(root));
        goto done;
    }
    const char *fmt = NULL;
    if (json_object_get(root, "format") == NULL)
        clp_jr_missing(&r, "format", "\"caseload/1\"");
    else if (clp_jr_string(&r, root, "format", &fmt) && strcmp(fmt, "caseload/1") != 0) {
        size_t l = clp_jr_key(&r, "format");
        clp_jr_err(&r, "unknown format \"%.40s\" (expected \"caseload/1\")", fmt);
        clp_jr_pop(&r, l);
    }
    const char *name = NULL;
    if (clp_jr_string(&r, root, "name", &name))
        inst->name = xstrdup(name);
    json_t *week = clp_jr_object(&r, root, "week");
    if (week != NULL) {
        size_t l = clp_jr_key(&r, "week");
        read_week(&r, inst, week);
        clp_jr_pop(&r, l);
    }
    json_t *progs = clp_jr_object(&r, root, "programs");
    if (progs != NULL) {
        size_t l = clp_jr_key(&r, "programs");
        read_programs(&r, inst, progs);
        clp_jr_pop(&r, l);
    }
    read_zones(&r, inst, root);
    json_t *teams = clp_jr_array(&r, root, "teams");
    if (teams != NULL)
        read_teams_ids(&r, inst, teams);
    bool zone_used = false;
    json_t *staff = clp_jr_array(&r, root, "staff");
    if (json_object_get(root, "staff") == NULL)
        clp_jr_missing(&r, "staff", "an array of staff members");
    if (staff != NULL)
        read_staff(&r, inst, staff, &zone_used);
    cl_instance_index(inst); /* references to staff resolve by id from here on */
    if (teams != NULL && inst->staff != NULL)
        read_team_members(&r, inst, teams);
    json_t *clients = clp_jr_array(&r, root, "clients");
    if (json_object_get(root, "clients") == NULL)
        clp_jr_missing(&r, "clients", "an array of clients");
    if (clients != NULL)
        read_clients(&r, inst, clients, &zone_used);
    json_t *pol = clp_jr_object(&r, root, "policy");
    if (pol != NULL) {
        size_t l = clp_jr_key(&r, "policy");
        read_policy(&r, inst, pol);
        clp_jr_pop(&r, l);
    }
    clp_jr_unknown_keys(&r, root, top_keys);
    if (zone_used && inst->travel == NULL)
        clp_jr_err(&r, "zones are used by staff or clients but there is no travel_minutes matrix (expected "
                       "travel_minutes over zones)");
    join_membership(inst);
    cl_instance_resolve(inst);
    cl_instance_validate(inst, diags);
done:
    if (diags->errors > errors0) {
        cl_instance_free(inst);
        return CL_EINVALID;
    }
    *out = inst;
    return CL_OK;
}

int cl_instance_read(cl_instance **out, const char *path, cl_diags *diags, cl_error *err)
{
    json_t *root = NULL;
    int rc = clp_json_load(&root, path, diags, err);
    if (rc != CL_OK)
        return rc;
    rc = cl_instance_from_json(out, root, diags);
    json_decref(root);
    return rc;
}
