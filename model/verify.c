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

int cl_verify_assignment(const cl_instance *inst, const cl_assignment *a, cl_diags *b)
{
    size_t before = b->errors;
    int *elig = malloc(((size_t)inst->n_staff + 1) * sizeof(int));
    int *peers = malloc(((size_t)inst->n_staff + 1) * sizeof(int));
    char w[128];
    if (elig == NULL || peers == NULL) {
        cl_diags_add(b, CL_ERRORSEV, "", "out of memory");
        goto done;
    }
    for (int c = 0; c < inst->n_clients; c++) {
        const cl_client *cl = &inst->clients[c];
        int m = a->manager[c], p = a->peer[c];
        bool relaxed = false, prelaxed = false;
        int n = cl_eligible_managers(inst, c, elig, &relaxed);
        snprintf(w, sizeof w, "client %s", cl->id);
        if (m < 0) {
            /* (a client in neither list was reported by the plan reader) */
            if (cl->manager >= 0 && n > 0 && a->wait_reason[c] != NULL)
                cl_diags_add(b, CL_ERRORSEV, w,
                             "has manager %s now but is on the waitlist: a current client is never dropped",
                             inst->staff[cl->manager].id);
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
done:
    free(elig);
    free(peers);
    return (int)(b->errors - before);
}
