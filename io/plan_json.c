/* plan_json.c: caseload-assignment/1 out and in (SPEC §4.5). */
#include <stdlib.h>
#include <string.h>

#include "../model/rules.h"
#include "io.h"
#include "json_util.h"

static const char *const status_names[] = {"optimal", "time_limit", "over_capacity"};

static json_t *staff_ref(const cl_instance *inst, int s)
{
    return s >= 0 ? json_string(inst->staff[s].id) : json_null();
}

char *cl_assignment_to_json(const cl_instance *inst, const cl_assignment *a)
{
    json_t *root = json_object();
    cl_staff_load *ld = calloc((size_t)inst->n_staff + 1, sizeof *ld);
    double *tu = calloc((size_t)inst->n_teams + 1, sizeof *tu);
    if (root == NULL || ld == NULL || tu == NULL) {
        json_decref(root);
        free(ld);
        free(tu);
        return NULL;
    }
    cl_assignment_loads(inst, a, ld, tu);
    json_object_set_new(root, "format", json_string("caseload-assignment/1"));
    json_object_set_new(root, "status", json_string(status_names[a->status]));
    json_t *solver = json_object();
    json_object_set_new(solver, "seconds", clp_json_num(a->seconds, 1)); /* the one field that varies */
    json_object_set_new(solver, "gap", clp_json_num(a->gap, 6));
    if (a->stopped_level > 0) {
        static const char *const levels[] = {"", "overload", "waitlist", "moves", "imbalance", "travel"};
        json_object_set_new(solver, "stopped_in", json_string(levels[a->stopped_level]));
        json_object_set_new(solver, "bound", clp_json_num(a->bound, 4));
    }
    json_object_set_new(root, "solver", solver);
    if (a->fingerprint[0])
        json_object_set_new(root, "instance_fingerprint", json_string(a->fingerprint));
    const cl_objective *o = &a->obj;
    json_t *obj = json_object();
    json_object_set_new(obj, "overload", clp_json_num(o->overload, 4));
    json_object_set_new(obj, "waitlist", clp_json_num(o->waitlist, 4));
    json_object_set_new(obj, "moves", json_integer(o->moves));
    json_object_set_new(obj, "peer_moves", json_integer(o->peer_moves));
    json_object_set_new(obj, "imbalance", clp_json_num(o->imbalance, 4));
    json_object_set_new(obj, "max_utilization", clp_json_num(o->max_utilization, 3));
    json_object_set_new(obj, "max_peer_utilization", clp_json_num(o->max_peer_utilization, 3));
    json_object_set_new(obj, "travel_minutes", clp_json_num(o->travel_minutes, 2));
    json_object_set_new(root, "objective", obj);

    json_t *asg = json_array(), *wait = json_array(), *moves = json_array();
    for (int c = 0; c < inst->n_clients; c++) {
        const cl_client *cl = &inst->clients[c];
        int m = a->manager[c];
        if (m < 0) {
            json_t *w = json_object();
            json_object_set_new(w, "client", json_string(cl->id));
            json_object_set_new(w, "reason", json_string(a->wait_reason[c] ? a->wait_reason[c] : "no room"));
            json_array_append_new(wait, w);
            continue;
        }
        json_t *e = json_object();
        json_object_set_new(e, "client", json_string(cl->id));
        json_object_set_new(e, "manager", staff_ref(inst, m));
        json_object_set_new(e, "peer", staff_ref(inst, a->peer[c]));
        int t = inst->staff[m].team;
        json_object_set_new(e, "team", t >= 0 ? json_string(inst->teams[t].id) : json_null());
        if (a->language_mismatch[c])
            json_object_set_new(e, "language_mismatch", json_true());
        if (a->peer_reason[c])
            json_object_set_new(e, "peer_reason", json_string(a->peer_reason[c]));
        json_array_append_new(asg, e);
        if (cl->manager >= 0 && m != cl->manager) {
            json_t *mv = json_object();
            json_object_set_new(mv, "client", json_string(cl->id));
            json_object_set_new(mv, "from", json_string(inst->staff[cl->manager].id));
            json_object_set_new(mv, "to", json_string(inst->staff[m].id));
            json_object_set_new(mv, "role", json_string("manager"));
            json_object_set_new(mv, "reason", json_string(a->move_reason[c] ? a->move_reason[c] : "balance"));
            if (a->move_detail[c])
                json_object_set_new(mv, "detail", json_string(a->move_detail[c]));
            json_array_append_new(moves, mv);
        }
        if (cl->peer >= 0 && a->peer[c] != cl->peer) {
            json_t *mv = json_object();
            json_object_set_new(mv, "client", json_string(cl->id));
            json_object_set_new(mv, "from", json_string(inst->staff[cl->peer].id));
            json_object_set_new(mv, "to", staff_ref(inst, a->peer[c]));
            json_object_set_new(mv, "role", json_string("peer"));
            json_object_set_new(mv, "reason", json_string(a->peer_move_reason[c] ? a->peer_move_reason[c] : "balance"));
            json_array_append_new(moves, mv);
        }
    }
    json_object_set_new(root, "assignments", asg);
    json_object_set_new(root, "waitlist", wait);
    json_object_set_new(root, "moves", moves);
    json_t *staff = json_array();
    for (int s = 0; s < inst->n_staff; s++) {
        json_t *e = json_object();
        json_object_set_new(e, "id", json_string(inst->staff[s].id));
        json_object_set_new(e, "clients", json_integer(ld[s].clients));
        json_object_set_new(e, "load", clp_json_num(ld[s].load, 4));
        json_object_set_new(e, "capacity", clp_json_num(ld[s].capacity, 4));
        json_object_set_new(e, "utilization", clp_json_num(ld[s].utilization, 3));
        json_array_append_new(staff, e);
    }
    json_object_set_new(root, "staff", staff);
    json_t *teams = json_array();
    for (int t = 0; t < inst->n_teams; t++) {
        json_t *e = json_object();
        json_object_set_new(e, "id", json_string(inst->teams[t].id));
        json_object_set_new(e, "used_fte", clp_json_num(tu[t], 4));
        json_object_set_new(e, "fte", clp_json_num(cl_team_fte(inst, t), 4));
        json_array_append_new(teams, e);
    }
    json_object_set_new(root, "teams", teams);
    if (a->n_frontier > 0) {
        json_t *fr = json_array();
        for (int i = 0; i < a->n_frontier; i++) {
            json_t *e = json_object();
            json_object_set_new(e, "moves", json_integer(a->frontier[i].moves));
            json_object_set_new(e, "imbalance", clp_json_num(a->frontier[i].imbalance, 4));
            json_object_set_new(e, "max_utilization", clp_json_num(a->frontier[i].max_utilization, 3));
            json_array_append_new(fr, e);
        }
        json_object_set_new(root, "frontier", fr);
    }
    free(ld);
    free(tu);
    return clp_json_dump(root);
}

int cl_plan_format(char *fmt, size_t fmtsz, const char *path, cl_diags *diags, cl_error *err)
{
    json_t *root = NULL;
    int rc = clp_json_load(&root, path, diags, err);
    if (rc != CL_OK)
        return rc;
    json_t *f = json_is_object(root) ? json_object_get(root, "format") : NULL;
    if (!json_is_string(f)) {
        cl_diags_add(diags, CL_ERRORSEV, "format",
                     "missing or not a string (expected caseload-assignment/1 or caseload-schedule/1)");
        rc = CL_EINVALID;
    } else {
        snprintf(fmt, fmtsz, "%s", json_string_value(f));
    }
    json_decref(root);
    return rc;
}

static int staff_field(clp_jr *r, const cl_instance *inst, json_t *e, const char *key, int c)
{
    json_t *v = json_object_get(e, key);
    if (v == NULL || json_is_null(v))
        return CL_NONE;
    size_t l = clp_jr_key(r, key);
    int s = CL_NONE;
    if (!json_is_string(v))
        clp_jr_err(r, "%s where a staff id is expected (expected a string or null)", clp_json_type_name(v));
    else if ((s = cl_instance_find_staff(inst, json_string_value(v))) == CL_NONE)
        clp_jr_err(r, "client %s: unknown staff member \"%.64s\" (expected an id from the instance's staff)",
                   inst->clients[c].id, json_string_value(v));
    clp_jr_pop(r, l);
    return s;
}

/* Resolves entry e's client id; reports unknown and repeated clients. */
static int client_field(clp_jr *r, const cl_instance *inst, json_t *e, bool *seen)
{
    const char *id = NULL;
    if (!json_is_object(e)) {
        clp_jr_err(r, "%s where an entry is expected (expected an object)", clp_json_type_name(e));
        return CL_NONE;
    }
    if (!clp_jr_string(r, e, "client", &id)) {
        if (json_object_get(e, "client") == NULL)
            clp_jr_missing(r, "client", "a client id");
        return CL_NONE;
    }
    int c = cl_instance_find_client(inst, id);
    size_t l = clp_jr_key(r, "client");
    bool again = c != CL_NONE && seen[c];
    if (c != CL_NONE)
        seen[c] = true;
    if (c == CL_NONE)
        clp_jr_err(r, "unknown client \"%.64s\" (expected an id from the instance's clients)", id);
    else if (again)
        clp_jr_err(r, "client \"%s\" is listed more than once (expected each client exactly once)", id);
    clp_jr_pop(r, l);
    return again ? CL_NONE : c;
}

int cl_assignment_read(cl_assignment **out, const cl_instance *inst, const char *path, cl_diags *diags, cl_error *err)
{
    json_t *root = NULL;
    int rc = clp_json_load(&root, path, diags, err);
    if (rc != CL_OK)
        return rc;
    clp_jr r = {.d = diags};
    cl_assignment *a = NULL;
    bool *seen = calloc((size_t)inst->n_clients + 1, sizeof *seen);
    json_t *f = json_is_object(root) ? json_object_get(root, "format") : NULL;
    if (!json_is_string(f) || strcmp(json_string_value(f), "caseload-assignment/1") != 0) {
        clp_jr_key(&r, "format");
        clp_jr_err(&r, "not an assignment (expected \"caseload-assignment/1\")");
        rc = CL_EINVALID;
        goto done;
    }
    a = cl_assignment_new(inst->n_clients);
    if (a == NULL || seen == NULL) {
        rc = cl_error_set(err, CL_ENOMEM, path, "out of memory");
        goto done;
    }
    json_t *asg = clp_jr_array(&r, root, "assignments");
    size_t i;
    json_t *e;
    size_t l = clp_jr_key(&r, "assignments");
    json_array_foreach (asg, i, e) {
        size_t l2 = clp_jr_idx(&r, i);
        int c = client_field(&r, inst, e, seen);
        if (c >= 0) {
            a->manager[c] = staff_field(&r, inst, e, "manager", c);
            a->peer[c] = staff_field(&r, inst, e, "peer", c);
            json_t *mv = json_object_get(e, "manager");
            if (mv == NULL || json_is_null(mv)) /* listed without a manager: it waits */
                a->wait_reason[c] = strdup("");
            json_t *lm = json_object_get(e, "language_mismatch");
            a->language_mismatch[c] = json_is_true(lm);
            json_t *pr = json_object_get(e, "peer_reason");
            if (json_is_string(pr))
                a->peer_reason[c] = strdup(json_string_value(pr));
        }
        clp_jr_pop(&r, l2);
    }
    clp_jr_pop(&r, l);
    json_t *wait = clp_jr_array(&r, root, "waitlist");
    l = clp_jr_key(&r, "waitlist");
    json_array_foreach (wait, i, e) {
        size_t l2 = clp_jr_idx(&r, i);
        int c = client_field(&r, inst, e, seen);
        if (c >= 0) {
            json_t *why = json_object_get(e, "reason");
            a->wait_reason[c] = strdup(json_is_string(why) ? json_string_value(why) : "");
        }
        clp_jr_pop(&r, l2);
    }
    clp_jr_pop(&r, l);
    for (int c = 0; c < inst->n_clients; c++)
        if (!seen[c])
            cl_diags_add(diags, CL_ERRORSEV, "assignments",
                         "client \"%s\" is in neither assignments nor waitlist (expected every client once)",
                         inst->clients[c].id);
    json_t *obj = json_object_get(root, "objective");
    if (json_is_object(obj)) {
        cl_objective *o = &a->obj;
        double v;
        a->has_obj = true;
        size_t lo = clp_jr_key(&r, "objective");
        if (clp_jr_number(&r, obj, "overload", &v))
            o->overload = v;
        if (clp_jr_number(&r, obj, "waitlist", &v))
            o->waitlist = v;
        clp_jr_int(&r, obj, "moves", &o->moves);
        clp_jr_int(&r, obj, "peer_moves", &o->peer_moves);
        if (clp_jr_number(&r, obj, "imbalance", &v))
            o->imbalance = v;
        if (clp_jr_number(&r, obj, "max_utilization", &v))
            o->max_utilization = v;
        if (clp_jr_number(&r, obj, "max_peer_utilization", &v))
            o->max_peer_utilization = v;
        if (clp_jr_number(&r, obj, "travel_minutes", &v))
            o->travel_minutes = v;
        clp_jr_pop(&r, lo);
    }
    const char *fp = NULL;
    if (clp_jr_string(&r, root, "instance_fingerprint", &fp))
        snprintf(a->fingerprint, sizeof a->fingerprint, "%s", fp);
    *out = a;
    a = NULL;
done:
    cl_assignment_free(a);
    free(seen);
    json_decref(root);
    return rc;
}

static json_t *levels_json(const cl_objective *o)
{
    json_t *j = json_object();
    json_object_set_new(j, "overload", clp_json_num(o->overload, 4));
    json_object_set_new(j, "waitlist", clp_json_num(o->waitlist, 4));
    json_object_set_new(j, "moves", json_integer(o->moves + o->peer_moves));
    json_object_set_new(j, "imbalance", clp_json_num(o->imbalance, 4));
    json_object_set_new(j, "travel_minutes", clp_json_num(o->travel_minutes, 2));
    return j;
}

char *cl_recommendation_to_json(const cl_instance *inst, int c, const cl_recommendation *rec, int n)
{
    json_t *root = json_object();
    json_object_set_new(root, "format", json_string("caseload-recommend/1"));
    json_object_set_new(root, "client", json_string(inst->clients[c].id));
    json_t *arr = json_array();
    for (int k = 0; k < n; k++) {
        const cl_objective *o = &rec[k].obj, *b = &rec[0].obj;
        json_t *e = json_object();
        json_object_set_new(e, "rank", json_integer(k + 1));
        json_object_set_new(e, "manager", json_string(inst->staff[rec[k].staff].id));
        int t = inst->staff[rec[k].staff].team;
        json_object_set_new(e, "team", t >= 0 ? json_string(inst->teams[t].id) : json_null());
        if (rec[k].language_mismatch)
            json_object_set_new(e, "language_mismatch", json_true());
        json_object_set_new(e, "objective", levels_json(o));
        cl_objective d = {.overload = o->overload - b->overload,
                          .waitlist = o->waitlist - b->waitlist,
                          .moves = o->moves - b->moves,
                          .peer_moves = o->peer_moves - b->peer_moves,
                          .imbalance = o->imbalance - b->imbalance,
                          .travel_minutes = o->travel_minutes - b->travel_minutes};
        json_object_set_new(e, "versus_best", levels_json(&d));
        json_array_append_new(arr, e);
    }
    json_object_set_new(root, "recommendations", arr);
    return clp_json_dump(root);
}
