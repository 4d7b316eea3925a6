/* scenarios_json.c: caseload-scenarios/1 in and out, the results as CSV, caseload-staffing/1 out (SPEC §7). */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_util.h"
#include "scenarios_io.h"

/* ---- reading ------------------------------------------------------------------------------------------- */

static char *dup_str(const char *s, bool *nomem)
{
    char *d = strdup(s);
    if (d == NULL)
        *nomem = true;
    return d;
}

/* A required or optional program name; allowed: bit mask of programs. Returns the program or CL_NONE. */
static int read_program(clp_jr *r, json_t *o, const char *key, unsigned allowed, bool required)
{
    const char *s = NULL;
    if (!clp_jr_string(r, o, key, &s)) {
        if (required && json_object_get(o, key) == NULL)
            clp_jr_missing(r, key,
                           allowed & (1u << CL_BLENDED) ? "ICM, SCM, BLENDED or ADULT_HOME" : "ICM, SCM or ADULT_HOME");
        return CL_NONE;
    }
    int p = cl_program_parse(s);
    size_t l = clp_jr_key(r, key);
    if (p == CL_NONE)
        clp_jr_err(r, "unknown program \"%.80s\" (expected %s)", s,
                   allowed & (1u << CL_BLENDED) ? "ICM, SCM, BLENDED, ADULT_HOME" : "ICM, SCM, ADULT_HOME");
    else if (!(allowed & (1u << p)))
        clp_jr_err(r,
                   "%s is a client program here (expected ICM, SCM or ADULT_HOME; a Blended team member "
                   "names its own program and its team)",
                   s);
    clp_jr_pop(r, l);
    return p != CL_NONE && (allowed & (1u << p)) ? p : CL_NONE;
}

static void range(clp_jr *r, const char *key, double v, double lo, bool lo_open, double hi, const char *what)
{
    if (!isfinite(v) || (lo_open ? v <= lo : v < lo) || v > hi) {
        size_t l = clp_jr_key(r, key);
        clp_jr_err(r, "%g is out of range (expected %s %s%g to %g)", v, what, lo_open ? "more than " : "", lo, hi);
        clp_jr_pop(r, l);
    }
}

/* An array of non-empty strings (ids or language codes); returns the count, -1 on a problem. */
static int read_strings(clp_jr *r, json_t *o, const char *key, char ***out, bool *nomem, bool ids)
{
    json_t *a = clp_jr_array(r, o, key);
    if (a == NULL)
        return -1;
    size_t n = json_array_size(a);
    char **v = calloc(n + 1, sizeof *v);
    if (v == NULL) {
        *nomem = true;
        return -1;
    }
    int bad = 0;
    size_t l = clp_jr_key(r, key);
    for (size_t k = 0; k < n; k++) {
        json_t *e = json_array_get(a, k);
        size_t l2 = clp_jr_idx(r, k);
        if (!json_is_string(e)) {
            clp_jr_err(r, "%s where a string is expected (expected %s)", clp_json_type_name(e),
                       ids ? "a staff id" : "a language code such as \"es\"");
            bad++;
        } else if (json_string_length(e) == 0 || json_string_length(e) > 64 ||
                   (ids && !cl_id_valid(json_string_value(e)))) {
            clp_jr_err(r, "bad %s \"%.80s\" (expected 1-64 characters%s)", ids ? "id" : "language code",
                       json_string_value(e), ids ? " of A-Z a-z 0-9 . _ -" : "");
            bad++;
        } else {
            v[k] = dup_str(json_string_value(e), nomem);
        }
        clp_jr_pop(r, l2);
    }
    clp_jr_pop(r, l);
    if (bad) {
        for (size_t k = 0; k < n; k++)
            free(v[k]);
        free(v);
        return -1;
    }
    *out = v;
    return (int)n;
}

static const char *const add_keys[] = {"op",        "program",      "count", "fte",  "zone",
                                       "languages", "caseload_cap", "team",  "role", NULL};
static const char *const remove_keys[] = {"op", "ids", NULL};
static const char *const cap_keys[] = {"op", "program", "staff", "caseload_cap", "peer_caseload_cap", NULL};
static const char *const scale_keys[] = {"op", "program", "factor", NULL};
static const char *const policy_keys[] = {"op",  "max_moves", "blended_primary_share", "on_call_days", "time_limit",
                                          "gap", NULL};
static const char *const dissolve_keys[] = {"op", "team", NULL};

static void read_add_staff(clp_jr *r, json_t *o, cl_change *ch, bool *nomem)
{
    clp_jr_unknown_keys(r, o, add_keys);
    const char *role = NULL;
    if (clp_jr_string(r, o, "role", &role)) {
        if (strcmp(role, "peer_specialist") == 0) {
            ch->role = CL_PEER;
        } else if (strcmp(role, "case_manager") != 0) {
            size_t l = clp_jr_key(r, "role");
            clp_jr_err(r, "unknown role \"%.80s\" (expected case_manager or peer_specialist)", role);
            clp_jr_pop(r, l);
        }
    }
    unsigned managers = 1u << CL_ICM | 1u << CL_SCM | 1u << CL_ADULT_HOME;
    ch->program = read_program(r, o, "program", managers, ch->role == CL_MANAGER);
    if (clp_jr_int(r, o, "count", &ch->count) && (ch->count < 1 || ch->count > 1000)) {
        size_t l = clp_jr_key(r, "count");
        clp_jr_err(r, "%d is out of range (expected a count from 1 to 1000)", ch->count);
        clp_jr_pop(r, l);
    }
    if (clp_jr_number(r, o, "fte", &ch->fte))
        range(r, "fte", ch->fte, 0, true, 1, "an FTE");
    if (clp_jr_number(r, o, "caseload_cap", &ch->caseload_cap))
        range(r, "caseload_cap", ch->caseload_cap, 0, true, 1000, "clients per 1.0 FTE");
    const char *s = NULL;
    if (clp_jr_string(r, o, "zone", &s))
        ch->zone = dup_str(s, nomem);
    if (clp_jr_string(r, o, "team", &s)) {
        ch->team = dup_str(s, nomem);
        if (ch->role == CL_PEER) {
            size_t l = clp_jr_key(r, "team");
            clp_jr_err(r, "a peer specialist cannot be a team member (expected a case manager)");
            clp_jr_pop(r, l);
        }
    }
    if (json_object_get(o, "languages")) {
        int n = read_strings(r, o, "languages", &ch->languages, nomem, false);
        ch->n_languages = n > 0 ? n : 0;
        if (n == 0) {
            size_t l = clp_jr_key(r, "languages");
            clp_jr_err(r, "empty (expected at least one language code)");
            clp_jr_pop(r, l);
        }
    }
}

static void read_set_cap(clp_jr *r, json_t *o, cl_change *ch, bool *nomem)
{
    clp_jr_unknown_keys(r, o, cap_keys);
    const char *s = NULL;
    bool has_staff = clp_jr_string(r, o, "staff", &s);
    if (has_staff)
        ch->staff = dup_str(s, nomem);
    bool has_program = json_object_get(o, "program") != NULL;
    if (has_program)
        ch->program = read_program(r, o, "program", 1u << CL_ICM | 1u << CL_SCM | 1u << CL_ADULT_HOME, true);
    if (has_program && has_staff)
        clp_jr_err(r, "both program and staff given (expected one of them)");
    else if (!has_program && json_object_get(o, "staff") == NULL)
        clp_jr_missing(r, "program", "a program, or a staff id in \"staff\"");
    if (clp_jr_number(r, o, "caseload_cap", &ch->caseload_cap))
        range(r, "caseload_cap", ch->caseload_cap, 0, true, 1000, "clients per 1.0 FTE");
    else if (json_object_get(o, "caseload_cap") == NULL)
        clp_jr_missing(r, "caseload_cap", "clients per 1.0 FTE, e.g. 30");
    if (clp_jr_number(r, o, "peer_caseload_cap", &ch->peer_caseload_cap)) {
        range(r, "peer_caseload_cap", ch->peer_caseload_cap, 0, true, 1000, "clients per 1.0 FTE");
        if (ch->program != CL_ADULT_HOME) {
            size_t l = clp_jr_key(r, "peer_caseload_cap");
            clp_jr_err(r, "only for program ADULT_HOME (expected it with \"program\": \"ADULT_HOME\")");
            clp_jr_pop(r, l);
        }
    }
}

static void read_set_policy(clp_jr *r, json_t *o, cl_change *ch)
{
    clp_jr_unknown_keys(r, o, policy_keys);
    cl_policy *p = &ch->policy;
    if (clp_jr_int(r, o, "max_moves", &p->max_moves)) {
        ch->policy_set |= CL_POLICY_MAX_MOVES;
        if (p->max_moves < 0)
            range(r, "max_moves", p->max_moves, 0, false, 1e9, "a number of moves");
    }
    if (clp_jr_number(r, o, "blended_primary_share", &p->blended_primary_share)) {
        ch->policy_set |= CL_POLICY_BLENDED_SHARE;
        range(r, "blended_primary_share", p->blended_primary_share, 0, false, 1, "a share");
    }
    if (clp_jr_number(r, o, "time_limit", &p->time_limit_s)) {
        ch->policy_set |= CL_POLICY_TIME_LIMIT;
        range(r, "time_limit", p->time_limit_s, 0, true, 1e7, "seconds");
    }
    if (clp_jr_number(r, o, "gap", &p->gap)) {
        ch->policy_set |= CL_POLICY_GAP;
        range(r, "gap", p->gap, 0, false, 1, "a relative gap");
    }
    json_t *days = clp_jr_array(r, o, "on_call_days");
    if (days) {
        ch->policy_set |= CL_POLICY_ON_CALL_DAYS;
        p->on_call_days = 0;
        size_t l = clp_jr_key(r, "on_call_days");
        for (size_t k = 0; k < json_array_size(days); k++) {
            json_t *e = json_array_get(days, k);
            int d = json_is_string(e) ? cl_day_parse(json_string_value(e)) : CL_NONE;
            size_t l2 = clp_jr_idx(r, k);
            if (d == CL_NONE)
                clp_jr_err(r, "unknown day %s%.20s%s (expected mon, tue, wed, thu, fri, sat, sun)",
                           json_is_string(e) ? "\"" : "",
                           json_is_string(e) ? json_string_value(e) : clp_json_type_name(e),
                           json_is_string(e) ? "\"" : "");
            else
                p->on_call_days |= 1u << d;
            clp_jr_pop(r, l2);
        }
        clp_jr_pop(r, l);
    }
    if (ch->policy_set == 0 && !days)
        clp_jr_warn(r, "set_policy sets nothing (expected one of max_moves, blended_primary_share, on_call_days, "
                       "time_limit, gap)");
}

/* Reads one change at r's path into ch; ch->op is CL_NOPS when the op itself is missing or unknown. */
static void read_change(clp_jr *r, json_t *o, cl_change *ch, bool *nomem)
{
    const char *op = NULL;
    cl_change_init(ch, CL_OP_ADD_STAFF);
    if (!json_is_object(o)) {
        clp_jr_err(r, "%s where a change is expected (expected an object with \"op\")", clp_json_type_name(o));
        ch->op = CL_NOPS;
        return;
    }
    if (!clp_jr_string(r, o, "op", &op)) {
        if (json_object_get(o, "op") == NULL)
            clp_jr_missing(r, "op", "one of add_staff, remove_staff, set_cap, scale_demand, set_policy, dissolve_team");
        ch->op = CL_NOPS;
        return;
    }
    int k = 0;
    while (k < CL_NOPS && strcmp(op, cl_op_names[k]) != 0)
        k++;
    if (k == CL_NOPS) {
        size_t l = clp_jr_key(r, "op");
        clp_jr_err(r,
                   "unknown op \"%.80s\" (expected add_staff, remove_staff, set_cap, scale_demand, set_policy, "
                   "dissolve_team)",
                   op);
        clp_jr_pop(r, l);
        ch->op = CL_NOPS;
        return;
    }
    cl_change_init(ch, (cl_op)k);
    const char *s = NULL;
    switch (ch->op) {
    case CL_OP_ADD_STAFF:
        read_add_staff(r, o, ch, nomem);
        break;
    case CL_OP_REMOVE_STAFF: {
        clp_jr_unknown_keys(r, o, remove_keys);
        if (json_object_get(o, "ids") == NULL) {
            clp_jr_missing(r, "ids", "an array of staff ids");
        } else {
            int n = read_strings(r, o, "ids", &ch->ids, nomem, true);
            ch->n_ids = n > 0 ? n : 0;
            if (n == 0) {
                size_t l = clp_jr_key(r, "ids");
                clp_jr_err(r, "empty (expected at least one staff id)");
                clp_jr_pop(r, l);
            }
        }
        break;
    }
    case CL_OP_SET_CAP:
        read_set_cap(r, o, ch, nomem);
        break;
    case CL_OP_SCALE_DEMAND:
        clp_jr_unknown_keys(r, o, scale_keys);
        ch->program = read_program(r, o, "program", 0xf, true);
        if (clp_jr_number(r, o, "factor", &ch->factor))
            range(r, "factor", ch->factor, 0, false, 100, "a factor");
        else if (json_object_get(o, "factor") == NULL)
            clp_jr_missing(r, "factor", "a number, e.g. 1.1 for 10% more");
        break;
    case CL_OP_SET_POLICY:
        read_set_policy(r, o, ch);
        break;
    case CL_OP_DISSOLVE_TEAM:
        clp_jr_unknown_keys(r, o, dissolve_keys);
        if (clp_jr_string(r, o, "team", &s))
            ch->team = dup_str(s, nomem);
        else if (json_object_get(o, "team") == NULL)
            clp_jr_missing(r, "team", "a team id");
        break;
    default:
        break;
    }
}

static const char *const root_keys[] = {"format", "name", "instance", "baseline", "scenarios", NULL};
static const char *const scenario_keys[] = {"name", "plan", "target_utilization", "changes", "metrics", "delta", NULL};

static int read_doc(cl_scenario_set *set, json_t *root, cl_diags *diags, bool *nomem)
{
    clp_jr r = {.d = diags};
    if (!json_is_object(root)) {
        clp_jr_err(&r, "%s at the top (expected an object with \"format\": \"caseload-scenarios/1\")",
                   clp_json_type_name(root));
        return CL_EINVALID;
    }
    const char *fmt = NULL;
    if (clp_jr_string(&r, root, "format", &fmt)) {
        if (strcmp(fmt, "caseload-scenarios/1") != 0) {
            size_t l = clp_jr_key(&r, "format");
            clp_jr_err(&r, "unknown format \"%.80s\" (expected caseload-scenarios/1)", fmt);
            clp_jr_pop(&r, l);
        }
    } else if (json_object_get(root, "format") == NULL) {
        clp_jr_missing(&r, "format", "\"caseload-scenarios/1\"");
    }
    clp_jr_unknown_keys(&r, root, root_keys);
    json_t *arr = clp_jr_array(&r, root, "scenarios");
    if (arr == NULL) {
        if (json_object_get(root, "scenarios") == NULL)
            clp_jr_missing(&r, "scenarios", "an array of {\"name\", \"changes\"}");
        return CL_EINVALID;
    }
    size_t l0 = clp_jr_key(&r, "scenarios");
    for (size_t i = 0; i < json_array_size(arr) && !*nomem; i++) {
        json_t *sc = json_array_get(arr, i);
        size_t l1 = clp_jr_idx(&r, i);
        if (!json_is_object(sc)) {
            clp_jr_err(&r, "%s where a scenario is expected (expected an object with \"name\" and \"changes\")",
                       clp_json_type_name(sc));
            clp_jr_pop(&r, l1);
            continue;
        }
        clp_jr_unknown_keys(&r, sc, scenario_keys);
        const char *name = NULL;
        if (!clp_jr_string(&r, sc, "name", &name)) {
            if (json_object_get(sc, "name") == NULL)
                clp_jr_missing(&r, "name", "a name for the scenario");
            name = "";
        } else if (name[0] == '\0' || strlen(name) > 200) {
            size_t l = clp_jr_key(&r, "name");
            clp_jr_err(&r, "bad name (expected 1 to 200 characters)");
            clp_jr_pop(&r, l);
        } else {
            for (int k = 0; k < set->n; k++)
                if (strcmp(set->items[k].name, name) == 0) {
                    size_t l = clp_jr_key(&r, "name");
                    clp_jr_err(&r, "duplicate scenario name \"%.80s\" (expected unique names)", name);
                    clp_jr_pop(&r, l);
                    break;
                }
        }
        int idx = cl_scenario_set_add(set, name);
        if (idx < 0) {
            *nomem = true;
            break;
        }
        /* Keep indices in step with the file: the set's scenario i is the file's scenarios[i]. */
        const char *plan = NULL;
        if (clp_jr_string(&r, sc, "plan", &plan)) {
            if (strcmp(plan, "rebalance") == 0) {
                set->items[idx].plan = CL_PLAN_REBALANCE;
            } else if (strcmp(plan, "assign") != 0) {
                size_t l = clp_jr_key(&r, "plan");
                clp_jr_err(&r, "unknown plan \"%.80s\" (expected assign or rebalance)", plan);
                clp_jr_pop(&r, l);
            }
        }
        double target = 0;
        if (clp_jr_number(&r, sc, "target_utilization", &target)) {
            if (target > 0 && target <= 1) {
                set->items[idx].target_utilization = target;
            } else {
                size_t l = clp_jr_key(&r, "target_utilization");
                clp_jr_err(&r, "%g is out of range (expected more than 0, at most 1)", target);
                clp_jr_pop(&r, l);
            }
        }
        json_t *changes = clp_jr_array(&r, sc, "changes");
        if (changes == NULL && json_object_get(sc, "changes") == NULL)
            clp_jr_missing(&r, "changes", "an array of changes, e.g. [{\"op\": \"add_staff\", \"program\": \"ICM\"}]");
        size_t l2 = clp_jr_key(&r, "changes");
        for (size_t j = 0; changes && j < json_array_size(changes); j++) {
            size_t l3 = clp_jr_idx(&r, j);
            cl_change ch;
            read_change(&r, json_array_get(changes, j), &ch, nomem);
            if (ch.op == CL_NOPS) {
                cl_change_dispose(&ch);
                cl_change_init(&ch, CL_OP_SET_POLICY); /* a placeholder keeps change indices in step */
            }
            if (cl_scenario_add_change(set, idx, &ch) != CL_OK)
                *nomem = true;
            clp_jr_pop(&r, l3);
        }
        clp_jr_pop(&r, l2);
        clp_jr_pop(&r, l1);
    }
    clp_jr_pop(&r, l0);
    return CL_OK;
}

int cl_scenarios_read(cl_scenario_set **out, const char *path, cl_diags *diags, cl_error *err)
{
    json_t *root = NULL;
    size_t before = diags->errors;
    int rc = clp_json_load(&root, path, diags, err);
    if (rc != CL_OK)
        return rc;
    cl_scenario_set *set = cl_scenario_set_new();
    bool nomem = set == NULL;
    if (set)
        rc = read_doc(set, root, diags, &nomem);
    json_decref(root);
    if (nomem) {
        cl_scenario_set_free(set);
        return cl_error_set(err, CL_ENOMEM, path, "out of memory");
    }
    if (rc != CL_OK || diags->errors > before) {
        cl_scenario_set_free(set);
        return CL_EINVALID;
    }
    *out = set;
    return CL_OK;
}

/* ---- writing ------------------------------------------------------------------------------------------- */

static json_t *strings_json(char **v, int n)
{
    json_t *a = json_array();
    for (int k = 0; k < n; k++)
        json_array_append_new(a, json_string(v[k]));
    return a;
}

/* A change in its canonical form: only the keys that mean something for its op. */
static json_t *change_json(const cl_change *ch)
{
    json_t *o = json_object();
    json_object_set_new(o, "op", json_string(cl_op_names[ch->op]));
    switch (ch->op) {
    case CL_OP_ADD_STAFF:
        if (ch->role == CL_PEER)
            json_object_set_new(o, "role", json_string("peer_specialist"));
        if (ch->program >= 0)
            json_object_set_new(o, "program", json_string(cl_program_names[ch->program]));
        if (ch->team)
            json_object_set_new(o, "team", json_string(ch->team));
        json_object_set_new(o, "count", json_integer(ch->count));
        json_object_set_new(o, "fte", clp_json_num(ch->fte, 4));
        if (ch->zone)
            json_object_set_new(o, "zone", json_string(ch->zone));
        if (ch->languages)
            json_object_set_new(o, "languages", strings_json(ch->languages, ch->n_languages));
        if (ch->caseload_cap > 0)
            json_object_set_new(o, "caseload_cap", clp_json_num(ch->caseload_cap, 4));
        break;
    case CL_OP_REMOVE_STAFF:
        json_object_set_new(o, "ids", strings_json(ch->ids, ch->n_ids));
        break;
    case CL_OP_SET_CAP:
        if (ch->staff)
            json_object_set_new(o, "staff", json_string(ch->staff));
        else if (ch->program >= 0)
            json_object_set_new(o, "program", json_string(cl_program_names[ch->program]));
        json_object_set_new(o, "caseload_cap", clp_json_num(ch->caseload_cap, 4));
        if (ch->peer_caseload_cap > 0)
            json_object_set_new(o, "peer_caseload_cap", clp_json_num(ch->peer_caseload_cap, 4));
        break;
    case CL_OP_SCALE_DEMAND:
        if (ch->program >= 0)
            json_object_set_new(o, "program", json_string(cl_program_names[ch->program]));
        json_object_set_new(o, "factor", clp_json_num(ch->factor, 6));
        break;
    case CL_OP_SET_POLICY: {
        const cl_policy *p = &ch->policy;
        if (ch->policy_set & CL_POLICY_MAX_MOVES)
            json_object_set_new(o, "max_moves", json_integer(p->max_moves));
        if (ch->policy_set & CL_POLICY_BLENDED_SHARE)
            json_object_set_new(o, "blended_primary_share", clp_json_num(p->blended_primary_share, 6));
        if (ch->policy_set & CL_POLICY_ON_CALL_DAYS) {
            json_t *d = json_array();
            for (int k = 0; k < CL_NDAYS; k++)
                if (p->on_call_days >> k & 1u)
                    json_array_append_new(d, json_string(cl_day_names[k]));
            json_object_set_new(o, "on_call_days", d);
        }
        if (ch->policy_set & CL_POLICY_TIME_LIMIT)
            json_object_set_new(o, "time_limit", clp_json_num(p->time_limit_s, 3));
        if (ch->policy_set & CL_POLICY_GAP)
            json_object_set_new(o, "gap", clp_json_num(p->gap, 6));
        break;
    }
    case CL_OP_DISSOLVE_TEAM:
        json_object_set_new(o, "team", json_string(ch->team ? ch->team : ""));
        break;
    default:
        break;
    }
    return o;
}

static json_t *changes_json(const cl_scenario *sc)
{
    json_t *a = json_array();
    for (int j = 0; j < sc->n_changes; j++)
        json_array_append_new(a, change_json(&sc->changes[j]));
    return a;
}

/* The scalar metrics, in output order: one table for JSON, CSV and deltas. */
typedef struct field {
    const char *key;
    bool is_int;
    size_t off;
    int decimals;
} field;

#define FI(k)                                                                                                          \
    {                                                                                                                  \
#k, true, offsetof(cl_scenario_metrics, k), 0                                                                  \
    }
#define FD(k, d)                                                                                                       \
    {                                                                                                                  \
#k, false, offsetof(cl_scenario_metrics, k), d                                                                 \
    }
static const field fields[] = {
    FI(clients),
    FI(served),
    FI(waitlisted),
    FD(waitlist, 4),
    FD(overload, 4),
    FI(moves),
    FI(peer_moves),
    FD(imbalance, 4),
    FD(max_utilization, 3),
    FD(mean_utilization, 3),
    FD(max_peer_utilization, 3),
    FI(required),
    FI(scheduled),
    FD(coverage, 4),
    FD(travel_minutes, 2),
    FD(assign_travel_minutes, 2),
    FI(staff_active),
};
#define NFIELDS (sizeof fields / sizeof fields[0])
static const char *const fte_keys[CL_NPROGRAMS + 1] = {"ICM", "SCM", "BLENDED", "ADULT_HOME", "peer"};
static const char *const status_names[] = {"optimal", "time_limit", "over_capacity"};

static double field_value(const cl_scenario_metrics *m, const field *f)
{
    const char *p = (const char *)m + f->off;
    if (f->is_int) {
        int v;
        memcpy(&v, p, sizeof v);
        return v;
    }
    double v;
    memcpy(&v, p, sizeof v);
    return v;
}

static double fte_total(const cl_scenario_metrics *m)
{
    double t = 0;
    for (int k = 0; k <= CL_NPROGRAMS; k++)
        t += m->fte[k];
    return t;
}

static json_t *num(double v, const field *f)
{
    return f->is_int ? json_integer((json_int_t)llround(v)) : clp_json_num(v, f->decimals);
}

/* The metrics of m as an object; with base, the differences m - base instead. */
static json_t *metrics_json(const cl_scenario_metrics *m, const cl_scenario_metrics *base)
{
    json_t *o = json_object();
    if (m->code != CL_OK) {
        json_object_set_new(o, "error", json_string(m->error));
        return o;
    }
    if (base == NULL)
        json_object_set_new(o, "status", json_string(status_names[m->assign_status]));
    for (size_t k = 0; k < NFIELDS; k++) {
        double v = field_value(m, &fields[k]) - (base ? field_value(base, &fields[k]) : 0);
        json_object_set_new(o, fields[k].key, num(v, &fields[k]));
        if (strcmp(fields[k].key, "waitlisted") == 0) {
            json_t *w = json_object();
            for (int p = 0; p < CL_NPROGRAMS; p++)
                json_object_set_new(
                    w, cl_program_names[p],
                    json_integer(m->waitlisted_by_program[p] - (base ? base->waitlisted_by_program[p] : 0)));
            json_object_set_new(o, "waitlisted_by_program", w);
        }
    }
    json_t *f = json_object();
    for (int p = 0; p <= CL_NPROGRAMS; p++)
        json_object_set_new(f, fte_keys[p], clp_json_num(m->fte[p] - (base ? base->fte[p] : 0), 3));
    json_object_set_new(f, "total", clp_json_num(fte_total(m) - (base ? fte_total(base) : 0), 3));
    json_object_set_new(o, "fte", f);
    if (base == NULL && m->schedule_estimated)
        json_object_set_new(o, "coverage_estimated", json_true());
    if (base == NULL && m->schedule_time_limit)
        json_object_set_new(o, "schedule_status", json_string("time_limit"));
    return o;
}

char *cl_scenarios_to_json(const cl_instance *inst, const cl_scenario_set *set, const cl_scenario_metrics *m)
{
    json_t *root = json_object();
    if (root == NULL)
        return NULL;
    json_object_set_new(root, "format", json_string("caseload-scenarios/1"));
    if (inst->name)
        json_object_set_new(root, "instance", json_string(inst->name));
    json_object_set_new(root, "baseline", metrics_json(&m[0], NULL));
    json_t *arr = json_array();
    for (int i = 0; i < set->n; i++) {
        const cl_scenario *sc = &set->items[i];
        json_t *o = json_object();
        json_object_set_new(o, "name", json_string(sc->name));
        json_object_set_new(o, "plan", json_string(sc->plan == CL_PLAN_REBALANCE ? "rebalance" : "assign"));
        if (sc->target_utilization > 0)
            json_object_set_new(o, "target_utilization", clp_json_num(sc->target_utilization, 4));
        json_object_set_new(o, "changes", changes_json(sc));
        json_object_set_new(o, "metrics", metrics_json(&m[i + 1], NULL));
        if (m[i + 1].code == CL_OK && m[0].code == CL_OK)
            json_object_set_new(o, "delta", metrics_json(&m[i + 1], &m[0]));
        json_array_append_new(arr, o);
    }
    json_object_set_new(root, "scenarios", arr);
    return clp_json_dump(root);
}

/* ---- CSV ------------------------------------------------------------------------------------------------ */

typedef struct buf {
    char *p;
    size_t n, cap;
    bool nomem;
} buf;

static void put(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(buf *b, const char *fmt, ...)
{
    if (b->nomem)
        return;
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (w < 0)
        return;
    if (b->n + (size_t)w + 1 > b->cap) {
        size_t cap = (b->cap + (size_t)w + 1) * 2;
        char *p = realloc(b->p, cap);
        if (p == NULL) {
            b->nomem = true;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(b->p + b->n, b->cap - b->n, fmt, ap);
    va_end(ap);
    b->n += (size_t)w;
}

/* A number as in the JSON output: rounded, no trailing zeros, no -0. */
static void put_num(buf *b, double v, int decimals)
{
    double s = pow(10, decimals);
    double r = round(v * s) / s;
    if (r == 0)
        r = 0;
    char t[64];
    snprintf(t, sizeof t, "%.*f", decimals, r);
    if (strchr(t, '.')) {
        size_t n = strlen(t);
        while (t[n - 1] == '0')
            t[--n] = '\0';
        if (t[n - 1] == '.')
            t[n - 1] = '\0';
    }
    put(b, ",%s", t);
}

static void put_quoted(buf *b, const char *s)
{
    bool q = strpbrk(s, ",\"\r\n") != NULL;
    if (!q) {
        put(b, "%s", s);
        return;
    }
    put(b, "\"");
    for (const char *c = s; *c; c++)
        put(b, *c == '"' ? "\"\"" : "%c", *c);
    put(b, "\"");
}

static void csv_values(buf *b, const cl_scenario_metrics *m, const cl_scenario_metrics *base)
{
    for (size_t k = 0; k < NFIELDS; k++) {
        put_num(b, field_value(m, &fields[k]) - (base ? field_value(base, &fields[k]) : 0), fields[k].decimals);
        if (strcmp(fields[k].key, "waitlisted") == 0)
            for (int p = 0; p < CL_NPROGRAMS; p++)
                put_num(b, m->waitlisted_by_program[p] - (base ? base->waitlisted_by_program[p] : 0), 0);
    }
    for (int p = 0; p <= CL_NPROGRAMS; p++)
        put_num(b, m->fte[p] - (base ? base->fte[p] : 0), 3);
    put_num(b, fte_total(m) - (base ? fte_total(base) : 0), 3);
}

static void csv_header(buf *b, const char *prefix)
{
    for (size_t k = 0; k < NFIELDS; k++) {
        put(b, ",%s%s", prefix, fields[k].key);
        if (strcmp(fields[k].key, "waitlisted") == 0)
            for (int p = 0; p < CL_NPROGRAMS; p++)
                put(b, ",%swaitlisted_%s", prefix, cl_program_names[p]);
    }
    for (int p = 0; p <= CL_NPROGRAMS; p++)
        put(b, ",%sfte_%s", prefix, fte_keys[p]);
    put(b, ",%sfte_total", prefix);
}

static void csv_row(buf *b, const char *name, const char *plan, const cl_scenario_metrics *m,
                    const cl_scenario_metrics *base)
{
    put_quoted(b, name);
    put(b, ",%s", plan);
    if (m->code != CL_OK) {
        put(b, ",error,");
        put_quoted(b, m->error);
        put(b, "\r\n");
        return;
    }
    put(b, ",%s,", status_names[m->assign_status]);
    csv_values(b, m, NULL);
    if (base && base->code == CL_OK)
        csv_values(b, m, base);
    else
        csv_values(b, m, m); /* the baseline's differences from itself: zeros */
    put(b, "\r\n");
}

char *cl_scenarios_to_csv(const cl_scenario_set *set, const cl_scenario_metrics *m)
{
    buf b = {0};
    put(&b, "scenario,plan,status,error");
    csv_header(&b, "");
    csv_header(&b, "delta_");
    put(&b, "\r\n");
    csv_row(&b, "baseline", "assign", &m[0], NULL);
    for (int i = 0; i < set->n; i++)
        csv_row(&b, set->items[i].name, set->items[i].plan == CL_PLAN_REBALANCE ? "rebalance" : "assign", &m[i + 1],
                &m[0]);
    if (b.nomem) {
        free(b.p);
        return NULL;
    }
    return b.p;
}

/* ---- staffing ------------------------------------------------------------------------------------------- */

char *cl_staffing_to_json(const cl_instance *inst, const cl_staffing *s)
{
    static const char *const st_names[] = {"optimal", "time_limit", "infeasible", "no_answer"};
    json_t *root = json_object();
    if (root == NULL)
        return NULL;
    json_object_set_new(root, "format", json_string("caseload-staffing/1"));
    if (inst->name)
        json_object_set_new(root, "instance", json_string(inst->name));
    json_object_set_new(root, "status", json_string(st_names[s->status]));
    json_object_set_new(root, "target_utilization", clp_json_num(s->target_utilization, 4));
    json_object_set_new(root, "fte_step", clp_json_num(s->fte_step, 4));
    if (s->reason)
        json_object_set_new(root, "reason", json_string(s->reason));
    json_t *f = json_object();
    for (int p = 0; p <= CL_NPROGRAMS; p++)
        json_object_set_new(f, fte_keys[p], clp_json_num(s->fte_added[p], 3));
    json_object_set_new(f, "total", clp_json_num(s->fte_total, 3));
    json_object_set_new(root, "fte_added", f);
    json_t *lb = json_object();
    for (int p = 0; p <= CL_NPROGRAMS; p++)
        json_object_set_new(lb, fte_keys[p], clp_json_num(s->capacity_bound_fte[p], 3));
    json_object_set_new(root, "capacity_bound_fte", lb);
    json_object_set_new(root, "lower_bound_fte", clp_json_num(s->lower_bound_fte, 3));
    const cl_scenario *sc = s->scenario && s->scenario->n > 0 ? &s->scenario->items[0] : NULL;
    json_object_set_new(root, "changes", sc ? changes_json(sc) : json_array());
    if (sc) {
        json_t *o = json_object();
        json_object_set_new(o, "name", json_string(sc->name));
        json_object_set_new(o, "plan", json_string(sc->plan == CL_PLAN_REBALANCE ? "rebalance" : "assign"));
        if (sc->target_utilization > 0)
            json_object_set_new(o, "target_utilization", clp_json_num(sc->target_utilization, 4));
        json_object_set_new(o, "changes", changes_json(sc));
        json_object_set_new(root, "scenario", o);
    }
    if (s->status == CL_STAFFING_OPTIMAL || s->status == CL_STAFFING_TIME_LIMIT)
        json_object_set_new(root, "with_changes", metrics_json(&s->with, NULL));
    json_object_set_new(root, "why_minimal", json_string(s->why_minimal ? s->why_minimal : ""));
    return clp_json_dump(root);
}
