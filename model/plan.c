/* plan.c: the assignment record, its loads and the one definition of every objective level. */
#include "plan.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"

cl_assignment *cl_assignment_new(int n)
{
    cl_assignment *a = calloc(1, sizeof *a);
    if (a == NULL)
        return NULL;
    size_t un = (size_t)(n > 0 ? n : 1);
    a->n_clients = n;
    a->manager = malloc(un * sizeof(int));
    a->peer = malloc(un * sizeof(int));
    a->language_mismatch = calloc(un, sizeof(bool));
    a->peer_reason = calloc(un, sizeof(char *));
    a->wait_reason = calloc(un, sizeof(char *));
    a->move_reason = calloc(un, sizeof(char *));
    a->move_detail = calloc(un, sizeof(char *));
    a->peer_move_reason = calloc(un, sizeof(char *));
    if (!a->manager || !a->peer || !a->language_mismatch || !a->peer_reason || !a->wait_reason || !a->move_reason ||
        !a->move_detail || !a->peer_move_reason) {
        cl_assignment_free(a);
        return NULL;
    }
    for (int c = 0; c < n; c++)
        a->manager[c] = a->peer[c] = CL_NONE;
    return a;
}

void cl_assignment_free(cl_assignment *a)
{
    if (a == NULL)
        return;
    for (int c = 0; c < a->n_clients; c++) {
        if (a->peer_reason)
            free(a->peer_reason[c]);
        if (a->wait_reason)
            free(a->wait_reason[c]);
        if (a->move_reason)
            free(a->move_reason[c]);
        if (a->move_detail)
            free(a->move_detail[c]);
        if (a->peer_move_reason)
            free(a->peer_move_reason[c]);
    }
    free(a->manager);
    free(a->peer);
    free(a->language_mismatch);
    free(a->peer_reason);
    free(a->wait_reason);
    free(a->move_reason);
    free(a->move_detail);
    free(a->peer_move_reason);
    free(a->frontier);
    free(a);
}

static void loads_of(const cl_instance *inst, const int *manager, const int *peer, cl_staff_load *out,
                     double *team_used)
{
    for (int s = 0; s < inst->n_staff; s++)
        out[s] = (cl_staff_load){0, 0, cl_util_base(inst, s), 0};
    if (team_used)
        for (int t = 0; t < inst->n_teams; t++)
            team_used[t] = 0;
    for (int c = 0; c < inst->n_clients; c++) {
        int m = manager[c];
        if (m >= 0) {
            double l = cl_load_of(inst, c, m);
            out[m].clients++;
            out[m].load += l;
            if (team_used && inst->staff[m].team >= 0)
                team_used[inst->staff[m].team] += l;
        }
        int p = peer[c];
        if (p >= 0 && m >= 0) {
            out[p].clients++;
            out[p].load += inst->clients[c].acuity;
        }
    }
    for (int s = 0; s < inst->n_staff; s++)
        out[s].utilization = out[s].capacity > 0 ? out[s].load / out[s].capacity : 0;
}

void cl_assignment_loads(const cl_instance *inst, const cl_assignment *a, cl_staff_load *out, double *team_used)
{
    loads_of(inst, a->manager, a->peer, out, team_used);
}

void cl_objective_of(const cl_instance *inst, const int *manager, const int *peer, cl_objective *o)
{
    cl_staff_load *ld = calloc((size_t)inst->n_staff + 1, sizeof *ld);
    double *tu = calloc((size_t)inst->n_teams + 1, sizeof *tu);
    memset(o, 0, sizeof *o);
    if (ld == NULL || tu == NULL)
        goto done;
    loads_of(inst, manager, peer, ld, tu);
    for (int s = 0; s < inst->n_staff; s++) {
        const cl_staff *st = &inst->staff[s];
        double over = ld[s].load - cl_limit(inst, s);
        if (over > 1e-9)
            o->overload += over;
        if (!st->active)
            continue;
        o->imbalance += st->fte * cl_phi(ld[s].utilization);
        if (st->role == CL_PEER) {
            if (ld[s].utilization > o->max_peer_utilization)
                o->max_peer_utilization = ld[s].utilization;
        } else if (ld[s].utilization > o->max_utilization) {
            o->max_utilization = ld[s].utilization;
        }
    }
    for (int t = 0; t < inst->n_teams; t++) {
        double over = tu[t] - cl_team_limit(inst, t);
        if (over > 1e-9)
            o->overload += over;
    }
    for (int c = 0; c < inst->n_clients; c++) {
        const cl_client *cl = &inst->clients[c];
        int m = manager[c];
        if (m < 0) { /* intakes, and current clients nobody may serve any more */
            o->waitlist += cl->acuity * cl->priority;
            continue;
        }
        if (cl->manager >= 0 && m != cl->manager)
            o->moves++;
        if (cl->peer >= 0 && peer[c] != cl->peer)
            o->peer_moves++;
        o->travel_minutes += cl_instance_travel(inst, cl->zone, inst->staff[m].zone);
    }
done:
    free(ld);
    free(tu);
}

void cl_assignment_evaluate(const cl_instance *inst, const cl_assignment *a, cl_objective *out)
{
    cl_objective_of(inst, a->manager, a->peer, out);
}

/* FNV-1a over a canonical rendering of the state. */
static void fnv(unsigned long long *h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        *h ^= b[i];
        *h *= 1099511628211ULL;
    }
}

static void fnv_str(unsigned long long *h, const char *s)
{
    fnv(h, s ? s : "", s ? strlen(s) + 1 : 1);
}

static void fnv_num(unsigned long long *h, double v)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%.9g;", v);
    fnv(h, buf, strlen(buf));
}

/* Hashes a language set as its codes in byte order, so that the hash does not depend on the order in
 * which the reader interned the languages. */
static void fnv_langs(unsigned long long *h, const cl_instance *inst, uint64_t set)
{
    const char *codes[CL_MAX_LANGS];
    int n = 0;
    for (int l = 0; l < inst->n_langs; l++)
        if (set >> l & 1u)
            codes[n++] = inst->langs[l];
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && strcmp(codes[j - 1], codes[j]) > 0; j--) {
            const char *t = codes[j];
            codes[j] = codes[j - 1];
            codes[j - 1] = t;
        }
    fnv_num(h, n);
    for (int i = 0; i < n; i++)
        fnv_str(h, codes[i]);
}

void cl_instance_fingerprint(const cl_instance *inst, char out[17])
{
    unsigned long long h = 14695981039346656037ULL;
    for (int p = 0; p < CL_NPROGRAMS; p++) {
        fnv_num(&h, inst->programs[p].caseload_cap);
        fnv_num(&h, inst->programs[p].peer_caseload_cap);
    }
    /* Zones and travel: the assignment's last level depends on them. */
    for (int a = 0; a < inst->n_zones; a++) {
        fnv_str(&h, inst->zones[a]);
        for (int b = 0; b < inst->n_zones; b++)
            fnv_num(&h, cl_instance_travel(inst, a, b));
    }
    for (int t = 0; t < inst->n_teams; t++) {
        fnv_str(&h, inst->teams[t].id);
        fnv_num(&h, inst->teams[t].flex);
        for (int k = 0; k < inst->teams[t].n_members; k++)
            fnv_str(&h, inst->staff[inst->teams[t].members[k]].id);
    }
    for (int s = 0; s < inst->n_staff; s++) {
        const cl_staff *st = &inst->staff[s];
        fnv_str(&h, st->id);
        fnv_num(&h, st->role);
        fnv_num(&h, st->program);
        fnv_num(&h, st->fte);
        fnv_num(&h, st->caseload_cap);
        fnv_langs(&h, inst, st->langs);
        fnv_num(&h, st->active);
        fnv_str(&h, st->zone >= 0 ? inst->zones[st->zone] : "");
    }
    for (int c = 0; c < inst->n_clients; c++) {
        const cl_client *cl = &inst->clients[c];
        fnv_str(&h, cl->id);
        fnv_num(&h, cl->program);
        fnv_num(&h, cl->level);
        fnv_num(&h, cl->acuity);
        fnv_num(&h, cl->priority);
        fnv_str(&h, cl->manager >= 0 ? inst->staff[cl->manager].id : "");
        fnv_str(&h, cl->peer >= 0 ? inst->staff[cl->peer].id : "");
        fnv_num(&h, cl->keep);
        fnv_langs(&h, inst, cl->langs);
        fnv_str(&h, cl->zone >= 0 ? inst->zones[cl->zone] : "");
        for (int k = 0; k < cl->n_avoid; k++)
            fnv_str(&h, inst->staff[cl->avoid[k]].id);
    }
    snprintf(out, 17, "%016llx", h);
}
