/* explain.c: reasons for waitlisted clients, moves and missing peers, naming the binding capacities. */
#include "explain.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../model/rules.h"

/* A growing string. */
typedef struct sbuf {
    char *s;
    size_t n, cap;
} sbuf;

static void sb_add(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#include <stdarg.h>
static void sb_add(sbuf *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (w < 0)
        return;
    size_t need = b->n + (size_t)w + 1;
    if (need > b->cap) {
        size_t cap = need * 2;
        char *s = realloc(b->s, cap);
        if (s == NULL)
            return;
        b->s = s;
        b->cap = cap;
    }
    memcpy(b->s + b->n, tmp, (size_t)w + 1);
    b->n += (size_t)w;
}

static const char *program_words(const cl_instance *inst, int c)
{
    static const char *const words[CL_NPROGRAMS] = {"ICM", "SCM", "Blended team", "Adult Home"};
    return words[inst->clients[c].program];
}

/* The client's languages as "es" or "es/en". */
static void langs_words(const cl_instance *inst, int c, char *out, size_t n)
{
    out[0] = '\0';
    for (int l = 0; l < inst->n_langs; l++)
        if (inst->clients[c].langs >> l & 1u) {
            size_t len = strlen(out);
            snprintf(out + len, n - len, "%s%s", len ? "/" : "", inst->langs[l]);
        }
}

/* Lists staff with load/limit, at most 6, then "and N more". */
static void list_loads(sbuf *b, const cl_instance *inst, const int *list, int n, const cl_staff_load *ld)
{
    for (int k = 0; k < n && k < 6; k++) {
        int s = list[k];
        if (inst->staff[s].team >= 0)
            sb_add(b, "%s%s %.2f/%.2f FTE", k ? ", " : "", inst->staff[s].id, ld[s].load, cl_limit(inst, s));
        else
            sb_add(b, "%s%s %g/%g", k ? ", " : "", inst->staff[s].id, ld[s].load, cl_limit(inst, s));
    }
    if (n > 6)
        sb_add(b, " and %d more", n - 6);
}

static char *wait_reason(const cl_instance *inst, const cl_assignment *a, int c, const cl_staff_load *ld,
                         const double *team_used, int *elig, int *peers)
{
    const cl_client *cl = &inst->clients[c];
    bool relaxed = false, prelaxed = false;
    int n = cl_eligible_managers(inst, c, elig, &relaxed);
    char langs[128];
    langs_words(inst, c, langs, sizeof langs);
    sbuf b = {0};
    (void)a;
    if (n == 0) {
        if (cl->manager >= 0)
            sb_add(&b, "no active %s manager serves this client's program any more", program_words(inst, c));
        else
            sb_add(&b, "no active %s manager speaking %s is eligible (avoid list and languages)",
                   program_words(inst, c), langs);
        return b.s;
    }
    int np = cl_eligible_peers(inst, c, peers, &prelaxed);
    bool mgr_room = false, peer_room = np == 0;
    for (int k = 0; k < n; k++)
        mgr_room |= ld[elig[k]].load + cl_load_of(inst, c, elig[k]) <= cl_limit(inst, elig[k]) + 1e-9;
    for (int k = 0; k < np; k++)
        peer_room |= ld[peers[k]].load + cl->acuity <= cl_limit(inst, peers[k]) + 1e-9;
    if (cl->program == CL_BLENDED && mgr_room) {
        /* Members have room but the pool is full. */
        int t = inst->staff[elig[0]].team;
        sb_add(&b, "Blended team %s's pool is full (%.2f of %.2f FTE used; this client needs %.3f FTE)",
               inst->teams[t].id, team_used[t], cl_team_limit(inst, t), cl_blended_fte(inst, c));
    } else if (!mgr_room) {
        sb_add(&b, "no %s manager speaking %s has room (", program_words(inst, c), langs);
        list_loads(&b, inst, elig, n, ld);
        if (cl->program == CL_BLENDED)
            sb_add(&b, "; this client needs %.3g FTE)", cl_blended_fte(inst, c));
        else
            sb_add(&b, "; this client needs %g)", cl->acuity);
    } else if (!peer_room) {
        sb_add(&b, "no peer specialist speaking %s has room (", langs);
        list_loads(&b, inst, peers, np, ld);
        sb_add(&b, "; this client needs %g)", cl->acuity);
    } else {
        sb_add(&b, "placing this client would leave more weighted clients waiting or over capacity");
    }
    return b.s;
}

static const char *move_reason(const cl_instance *inst, int c, int to, const cl_staff_load *ld0, const double *team0)
{
    const cl_client *cl = &inst->clients[c];
    int from = cl->manager;
    const cl_staff *f = &inst->staff[from];
    if (!f->active)
        return "inactive_manager";
    if (cl_avoids(inst, c, from))
        return "avoid";
    if (!cl_serves(inst, from, c))
        return "program";
    if (ld0[from].load > cl_limit(inst, from) + 1e-9)
        return "over_cap";
    if (f->team >= 0 && team0[f->team] > cl_team_limit(inst, f->team) + 1e-9)
        return "team_pool";
    int tf = cl_instance_travel(inst, cl->zone, f->zone), tt = cl_instance_travel(inst, cl->zone, inst->staff[to].zone);
    if (tt < tf && ld0[from].utilization <= ld0[to].utilization + 1e-9)
        return "travel";
    return "balance";
}

static const char *peer_move_reason(const cl_instance *inst, int c, const cl_staff_load *ld0)
{
    int from = inst->clients[c].peer;
    if (inst->clients[c].program != CL_ADULT_HOME)
        return "program";
    if (!inst->staff[from].active)
        return "inactive_manager";
    if (cl_avoids(inst, c, from))
        return "avoid";
    if (ld0[from].load > cl_limit(inst, from) + 1e-9)
        return "over_cap";
    return "balance";
}

/* Why an assigned adult-home client has no peer specialist: nobody is eligible at all. */
static char *peer_reason(const cl_instance *inst, int c)
{
    int active = 0, free_of_avoid = 0;
    for (int s = 0; s < inst->n_staff; s++) {
        const cl_staff *st = &inst->staff[s];
        if (st->role != CL_PEER || !st->active)
            continue;
        active++;
        free_of_avoid += !cl_avoids(inst, c, s);
    }
    char langs[128];
    langs_words(inst, c, langs, sizeof langs);
    sbuf b = {0};
    if (active == 0)
        sb_add(&b, "the agency has no active peer specialist");
    else if (free_of_avoid == 0)
        sb_add(&b, "every active peer specialist is on this client's avoid list");
    else
        sb_add(&b,
               "no active peer specialist speaks %s (the client has no peer now, so the language rule "
               "stands)",
               langs);
    return b.s;
}

/* The move of client c in words: who is leaving or over, or which intakes it made room for. */
static char *move_detail(const cl_instance *inst, const cl_assignment *a, int c, const char *reason,
                         const cl_staff_load *ld0, const double *team0, const cl_staff_load *ld)
{
    const cl_client *cl = &inst->clients[c];
    int from = cl->manager, to = a->manager[c];
    const char *fid = inst->staff[from].id, *tid = inst->staff[to].id;
    sbuf b = {0};
    if (reason == NULL)
        return NULL;
    if (strcmp(reason, "inactive_manager") == 0) {
        sb_add(&b, "%s is leaving or on leave; %s takes the client", fid, tid);
    } else if (strcmp(reason, "avoid") == 0) {
        sb_add(&b, "the client is not to be served by %s; %s takes it", fid, tid);
    } else if (strcmp(reason, "program") == 0) {
        sb_add(&b, "%s no longer serves %s clients; %s does", fid, cl_program_names[cl->program], tid);
    } else if (strcmp(reason, "over_cap") == 0) {
        sb_add(&b, "%s carried %g of %g; %s takes it (%g of %g after the plan)", fid, ld0[from].load,
               cl_limit(inst, from), tid, ld[to].load, cl_limit(inst, to));
    } else if (strcmp(reason, "team_pool") == 0) {
        int t = inst->staff[from].team;
        sb_add(&b, "team %s used %.2f of %.2f FTE", inst->teams[t].id, team0[t], cl_team_limit(inst, t));
    } else if (strcmp(reason, "travel") == 0) {
        sb_add(&b, "%s is nearer to the client's zone (%d instead of %d minutes)", tid,
               cl_instance_travel(inst, cl->zone, inst->staff[to].zone),
               cl_instance_travel(inst, cl->zone, inst->staff[from].zone));
    } else {
        int n = 0;
        for (int k = 0; k < inst->n_clients; k++)
            n += inst->clients[k].manager < 0 && a->manager[k] == from;
        if (n > 0) { /* the move made room for intakes where the client was */
            sb_add(&b, "makes room at %s for intake%s", fid, n > 1 ? "s" : "");
            for (int k = 0; k < inst->n_clients; k++)
                if (inst->clients[k].manager < 0 && a->manager[k] == from)
                    sb_add(&b, " %s", inst->clients[k].id);
        } else {
            sb_add(&b, "evens out utilization: %s %.0f%% to %.0f%%, %s %.0f%% after the plan", fid,
                   100 * ld0[from].utilization, 100 * ld[from].utilization, tid, 100 * ld[to].utilization);
        }
    }
    return b.s;
}

int clp_explain_assignment(cl_assignment *a, const cl_instance *inst)
{
    int ns = inst->n_staff, nc = inst->n_clients, rc = CL_OK;
    cl_staff_load *ld = calloc((size_t)ns + 1, sizeof *ld), *ld0 = calloc((size_t)ns + 1, sizeof *ld0);
    double *tu = calloc((size_t)inst->n_teams + 1, sizeof *tu), *tu0 = calloc((size_t)inst->n_teams + 1, sizeof *tu0);
    int *elig = malloc(((size_t)ns + 1) * sizeof *elig), *peers = malloc(((size_t)ns + 1) * sizeof *peers);
    cl_assignment *now = cl_assignment_new(nc);
    if (!ld || !ld0 || !tu || !tu0 || !elig || !peers || !now) {
        rc = CL_ENOMEM;
        goto done;
    }
    for (int c = 0; c < nc; c++) {
        now->manager[c] = inst->clients[c].manager;
        now->peer[c] = inst->clients[c].peer;
    }
    cl_assignment_loads(inst, a, ld, tu);
    cl_assignment_loads(inst, now, ld0, tu0);
    for (int c = 0; c < nc; c++) {
        const cl_client *cl = &inst->clients[c];
        int m = a->manager[c];
        if (m < 0) {
            a->wait_reason[c] = wait_reason(inst, a, c, ld, tu, elig, peers);
            continue;
        }
        a->language_mismatch[c] = !cl_speaks(inst, m, c) && m != cl->manager;
        if (cl->manager >= 0 && m != cl->manager) {
            a->move_reason[c] = strdup(move_reason(inst, c, m, ld0, tu0));
            a->move_detail[c] = move_detail(inst, a, c, a->move_reason[c], ld0, tu0, ld);
        }
        if (cl->peer >= 0 && a->peer[c] != cl->peer)
            a->peer_move_reason[c] = strdup(peer_move_reason(inst, c, ld0));
        if (cl->program == CL_ADULT_HOME && a->peer[c] < 0)
            a->peer_reason[c] = peer_reason(inst, c);
    }
done:
    free(ld);
    free(ld0);
    free(tu);
    free(tu0);
    free(elig);
    free(peers);
    cl_assignment_free(now);
    return rc;
}
