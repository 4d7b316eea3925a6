/* verify.c: the hard rules of SPEC §4 checked on any assignment, e.g. one edited by hand. */
#include "verify.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "rules.h"

static bool in_list(const int *list, int n, int s)
{
    for (int k = 0; k < n; k++)
        if (list[k] == s)
            return true;
    return false;
}

static bool differs(double claimed, double actual, double tol)
{
    return fabs(claimed - actual) > tol * (1 + fabs(actual));
}

/* The rules of SPEC §4.1-4.2 on who holds each client: manager[c] and peer[c] are staff indices or CL_NONE (no
 * manager: the client waits). wait_reason[c] is not NULL when the plan puts client c on its waitlist (a client a
 * plan lists nowhere was reported by its reader); NULL when every client without a manager is waitlisted.
 * waits says in words where the plan puts a waiting client. */
static void check_holders(const cl_instance *inst, const int *manager, const int *peer, char *const *wait_reason,
                          const char *waits, cl_diags *b)
{
    int *elig = malloc(((size_t)inst->n_staff + 1) * sizeof(int));
    int *peers = malloc(((size_t)inst->n_staff + 1) * sizeof(int));
    char w[128];
    if (elig == NULL || peers == NULL) {
        cl_diags_add(b, CL_ERRORSEV, "", "out of memory");
        goto done;
    }
    for (int c = 0; c < inst->n_clients; c++) {
        const cl_client *cl = &inst->clients[c];
        int m = manager[c], p = peer[c];
        bool relaxed = false, prelaxed = false;
        int n = cl_eligible_managers(inst, c, elig, &relaxed);
        snprintf(w, sizeof w, "client %s", cl->id);
        if (m < 0) {
            if (cl->manager >= 0 && n > 0 && (wait_reason == NULL || wait_reason[c] != NULL))
                cl_diags_add(b, CL_ERRORSEV, w, "has manager %s now but %s: a current client is never dropped",
                             inst->staff[cl->manager].id, waits);
            continue;
        }
        const char *mid = inst->staff[m].id;
        if (cl->keep && cl->manager >= 0 && !cl_manager_forced_out(inst, c) && m != cl->manager)
            cl_diags_add(b, CL_ERRORSEV, w, "is marked keep but moved from %s to %s", inst->staff[cl->manager].id, mid);
        else if (!in_list(elig, n, m)) {
            const char *why = !inst->staff[m].active              ? "is not active"
                              : inst->staff[m].role != CL_MANAGER ? "is not a case manager"
                              : !cl_serves(inst, m, c)            ? "does not serve the client's program"
                              : cl_avoids(inst, c, m)             ? "is on the client's avoid list"
                              : !cl_speaks(inst, m, c)            ? "speaks none of the client's languages"
                                                                  : "is not eligible";
            cl_diags_add(b, CL_ERRORSEV, w, "is assigned to %s, who %s", mid, why);
        }
        int np = cl_eligible_peers(inst, c, peers, &prelaxed);
        if (cl->program != CL_ADULT_HOME) {
            if (p >= 0)
                cl_diags_add(b, CL_ERRORSEV, w, "is a %s client but has peer %s (only ADULT_HOME clients have one)",
                             cl_program_names[cl->program], inst->staff[p].id);
        } else if (p < 0) {
            if (np > 0)
                cl_diags_add(b, CL_ERRORSEV, w,
                             "is an assigned ADULT_HOME client without a peer specialist although %d are "
                             "eligible",
                             np);
        } else if (!in_list(peers, np, p)) {
            cl_diags_add(b, CL_ERRORSEV, w, "has peer %s, who is not an eligible peer specialist", inst->staff[p].id);
        }
    }
done:
    free(elig);
    free(peers);
}

int cl_verify_assignment(const cl_instance *inst, const cl_assignment *a, cl_diags *b)
{
    size_t before = b->errors;
    check_holders(inst, a->manager, a->peer, a->wait_reason, "is on the waitlist", b);
    cl_objective o;
    cl_assignment_evaluate(inst, a, &o);
    if (a->has_obj) {
        const cl_objective *s = &a->obj;
        if (differs(s->overload, o.overload, 1e-3))
            cl_diags_add(b, CL_ERRORSEV, "objective.overload", "says %g, recomputed %g", s->overload, o.overload);
        if (differs(s->waitlist, o.waitlist, 1e-3))
            cl_diags_add(b, CL_ERRORSEV, "objective.waitlist", "says %g, recomputed %g", s->waitlist, o.waitlist);
        if (s->moves != o.moves)
            cl_diags_add(b, CL_ERRORSEV, "objective.moves", "says %d, recomputed %d", s->moves, o.moves);
        if (s->peer_moves != o.peer_moves)
            cl_diags_add(b, CL_ERRORSEV, "objective.peer_moves", "says %d, recomputed %d", s->peer_moves, o.peer_moves);
        if (differs(s->imbalance, o.imbalance, 1e-3))
            cl_diags_add(b, CL_ERRORSEV, "objective.imbalance", "says %g, recomputed %g", s->imbalance, o.imbalance);
        if (differs(s->travel_minutes, o.travel_minutes, 1e-3))
            cl_diags_add(b, CL_ERRORSEV, "objective.travel_minutes", "says %g, recomputed %g", s->travel_minutes,
                         o.travel_minutes);
    }
    return (int)(b->errors - before);
}

int cl_verify_schedule_assignment(const cl_instance *inst, const int *manager, const int *peer, cl_diags *b)
{
    size_t before = b->errors;
    check_holders(inst, manager, peer, NULL, "is not among the schedule's clients (so waitlisted)", b);
    return (int)(b->errors - before);
}

int cl_verify_on_call(const cl_instance *inst, int team, const int *staff, int n, cl_diags *b)
{
    size_t before = b->errors;
    int *pool = malloc(((size_t)inst->n_staff + 1) * sizeof *pool);
    int *days = calloc((size_t)inst->n_staff + 1, sizeof *days);
    if (pool == NULL || days == NULL) {
        cl_diags_add(b, CL_ERRORSEV, "", "out of memory");
        goto done;
    }
    int np = cl_on_call_pool(inst, team, pool), nd = 0, most = CL_NONE;
    for (int d = 0; d < CL_NDAYS; d++)
        nd += (int)(inst->policy.on_call_days >> d & 1u);
    for (int k = 0; k < n; k++) {
        int s = staff[k];
        if (s < 0)
            continue;
        days[s]++;
        if (most < 0 || days[s] / inst->staff[s].fte > days[most] / inst->staff[most].fte)
            most = s;
    }
    if (np == 0 || nd == 0 || most < 0)
        goto done;
    double least = cl_on_call_least_most(inst, pool, np, nd), fte = inst->staff[most].fte;
    if (days[most] > cl_on_call_cap(inst, most, least)) {
        char w[128];
        snprintf(w, sizeof w, "on_call %s", team >= 0 ? inst->teams[team].id : "agency");
        cl_diags_add(b, CL_ERRORSEV, w,
                     "%s is on call %d of the %d days, %g per FTE, but a rota as even as possible per FTE gives "
                     "nobody more than %g per FTE (%d staff may take the group's on-call days)",
                     inst->staff[most].id, days[most], nd, days[most] / fte, least, np);
    }
done:
    free(pool);
    free(days);
    return (int)(b->errors - before);
}
