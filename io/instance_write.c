/* instance_write.c: the caseload/1 writer: an instance as JSON that reads back as the same instance. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../model/instance.h"
#include "io.h"
#include "json_util.h"

/* A number as written: whole values as integers, others as reals (no rounding: the value is the data). */
static json_t *num(double v)
{
    if (v == 0)
        return json_integer(0); /* no -0 */
    if (fabs(v) < 9e15 && v == floor(v))
        return json_integer((json_int_t)v);
    return json_real(v);
}

/* A day mask as a list of day names, mon first. */
static json_t *days_json(unsigned mask)
{
    json_t *arr = json_array();
    for (int d = 0; d < CL_NDAYS; d++)
        if (mask >> d & 1u)
            json_array_append_new(arr, json_string(cl_day_names[d]));
    return arr;
}

/* A language set as its codes, in the instance's interning order (which reading this output reproduces). */
static json_t *langs_json(const cl_instance *inst, uint64_t set)
{
    json_t *arr = json_array();
    for (int l = 0; l < inst->n_langs; l++)
        if (set >> l & 1u)
            json_array_append_new(arr, json_string(inst->langs[l]));
    return arr;
}

static json_t *week_json(const cl_instance *inst)
{
    json_t *w = json_object();
    char hm[8];
    if (inst->week_start[0])
        json_object_set_new(w, "start", json_string(inst->week_start));
    if (inst->week_days_set)
        json_object_set_new(w, "days", days_json(inst->week_days));
    snprintf(hm, sizeof hm, "%02d:%02d", inst->day_start_min / 60 % 24, inst->day_start_min % 60);
    json_object_set_new(w, "day_start", json_string(hm));
    json_object_set_new(w, "weeks_left_in_month", json_integer(inst->weeks_left_in_month));
    return w;
}

/* Only the rule fields the instance overrides (program_set), so that presets stay presets. */
static json_t *programs_json(const cl_instance *inst)
{
    json_t *progs = json_object();
    for (int p = 0; p < CL_NPROGRAMS; p++) {
        const cl_program_rules *r = &inst->programs[p];
        const bool *set = inst->program_set[p];
        if (!(set[0] || set[1] || set[2] || set[3] || set[4]))
            continue;
        json_t *o = json_object();
        if (set[0])
            json_object_set_new(o, "caseload_cap", num(r->caseload_cap));
        if (set[1])
            json_object_set_new(o, "contacts_per_month", json_integer(r->contacts_per_month));
        if (set[2])
            json_object_set_new(o, "min_contacts_per_week", json_integer(r->min_contacts_per_week));
        if (set[3])
            json_object_set_new(o, "visit_minutes", json_integer(r->visit_minutes));
        if (set[4])
            json_object_set_new(o, "peer_caseload_cap", num(r->peer_caseload_cap));
        json_object_set_new(progs, cl_program_names[p], o);
    }
    return progs;
}

static json_t *staff_json(const cl_instance *inst, const cl_staff *st)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(st->id));
    if (st->role == CL_PEER)
        json_object_set_new(o, "role", json_string("peer_specialist"));
    if (st->program >= 0 && st->program < CL_NPROGRAMS)
        json_object_set_new(o, "program", json_string(cl_program_names[st->program]));
    if (st->team >= 0)
        json_object_set_new(o, "team", json_string(inst->teams[st->team].id));
    json_object_set_new(o, "fte", num(st->fte));
    if (st->cap_set)
        json_object_set_new(o, "caseload_cap", num(st->caseload_cap));
    if (st->zone >= 0)
        json_object_set_new(o, "zone", json_string(inst->zones[st->zone]));
    json_object_set_new(o, "languages", langs_json(inst, st->langs));
    if (st->minutes_set) {
        /* A day not listed is off, so listing the working days says everything. */
        json_t *m = json_object();
        for (int d = 0; d < CL_NDAYS; d++)
            if (st->minutes[d] != 0)
                json_object_set_new(m, cl_day_names[d], json_integer(st->minutes[d]));
        json_object_set_new(o, "minutes", m);
    }
    if (st->on_call != (st->role == CL_MANAGER))
        json_object_set_new(o, "on_call", json_boolean(st->on_call));
    if (!st->active)
        json_object_set_new(o, "active", json_false());
    return o;
}

static json_t *client_json(const cl_instance *inst, const cl_client *cl)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(cl->id));
    json_object_set_new(o, "program", json_string(cl_program_names[cl->program]));
    if (cl->program == CL_BLENDED)
        json_object_set_new(o, "level", json_string(cl_program_names[cl->level]));
    if (cl->transitional)
        json_object_set_new(o, "status", json_string("transitional"));
    json_object_set_new(o, "acuity", num(cl->acuity));
    if (cl->priority != 1)
        json_object_set_new(o, "priority", num(cl->priority));
    if (cl->zone >= 0)
        json_object_set_new(o, "zone", json_string(inst->zones[cl->zone]));
    json_object_set_new(o, "languages", langs_json(inst, cl->langs));
    if (cl->manager >= 0)
        json_object_set_new(o, "manager", json_string(inst->staff[cl->manager].id));
    if (cl->peer >= 0)
        json_object_set_new(o, "peer", json_string(inst->staff[cl->peer].id));
    if (cl->keep)
        json_object_set_new(o, "keep", json_true());
    if (cl->n_avoid > 0) {
        json_t *a = json_array();
        for (int k = 0; k < cl->n_avoid; k++)
            json_array_append_new(a, json_string(inst->staff[cl->avoid[k]].id));
        json_object_set_new(o, "avoid", a);
    }
    if (cl->days_set)
        json_object_set_new(o, "days", days_json(cl->days));
    if (cl->contacts_this_month != 0)
        json_object_set_new(o, "contacts_this_month", json_integer(cl->contacts_this_month));
    if (cl->residence)
        json_object_set_new(o, "residence", json_string(cl->residence));
    if (cl->visit_minutes_set)
        json_object_set_new(o, "visit_minutes", json_integer(cl->visit_minutes));
    return o;
}

static json_t *policy_json(const cl_policy *p)
{
    json_t *o = json_object();
    if (p->max_moves != CL_NONE)
        json_object_set_new(o, "max_moves", json_integer(p->max_moves));
    if (p->blended_primary_share != 0.5)
        json_object_set_new(o, "blended_primary_share", num(p->blended_primary_share));
    if (p->on_call_days != 0x7f)
        json_object_set_new(o, "on_call_days", days_json(p->on_call_days));
    if (p->time_limit_s != -1)
        json_object_set_new(o, "time_limit", num(p->time_limit_s));
    if (p->gap != -1)
        json_object_set_new(o, "gap", num(p->gap));
    return o;
}

char *cl_instance_to_json(const cl_instance *inst)
{
    json_t *root = json_object();
    if (root == NULL)
        return NULL;
    json_object_set_new(root, "format", json_string("caseload/1"));
    if (inst->name)
        json_object_set_new(root, "name", json_string(inst->name));
    json_object_set_new(root, "week", week_json(inst));
    json_t *progs = programs_json(inst);
    if (json_object_size(progs) > 0)
        json_object_set_new(root, "programs", progs);
    else
        json_decref(progs);
    if (inst->n_zones > 0) {
        json_t *zones = json_array();
        for (int z = 0; z < inst->n_zones; z++)
            json_array_append_new(zones, json_string(inst->zones[z]));
        json_object_set_new(root, "zones", zones);
    }
    if (inst->travel != NULL && inst->n_zones > 0) {
        json_t *tm = json_object();
        for (int a = 0; a < inst->n_zones; a++) {
            json_t *row = json_object();
            for (int b = 0; b < inst->n_zones; b++)
                json_object_set_new(row, inst->zones[b], json_integer(inst->travel[a * inst->n_zones + b]));
            json_object_set_new(tm, inst->zones[a], row);
        }
        json_object_set_new(root, "travel_minutes", tm);
    }
    if (inst->n_teams > 0) {
        json_t *teams = json_array();
        for (int t = 0; t < inst->n_teams; t++) {
            const cl_team *tm = &inst->teams[t];
            json_t *o = json_object(), *mem = json_array();
            json_object_set_new(o, "id", json_string(tm->id));
            for (int k = 0; k < tm->n_members; k++)
                json_array_append_new(mem, json_string(inst->staff[tm->members[k]].id));
            json_object_set_new(o, "members", mem);
            json_object_set_new(o, "flex", num(tm->flex));
            json_array_append_new(teams, o);
        }
        json_object_set_new(root, "teams", teams);
    }
    json_t *staff = json_array();
    for (int s = 0; s < inst->n_staff; s++)
        json_array_append_new(staff, staff_json(inst, &inst->staff[s]));
    json_object_set_new(root, "staff", staff);
    json_t *clients = json_array();
    for (int c = 0; c < inst->n_clients; c++)
        json_array_append_new(clients, client_json(inst, &inst->clients[c]));
    json_object_set_new(root, "clients", clients);
    json_t *pol = policy_json(&inst->policy);
    if (json_object_size(pol) > 0)
        json_object_set_new(root, "policy", pol);
    else
        json_decref(pol);
    return clp_json_dump(root);
}
