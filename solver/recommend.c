/* recommend.c: ranked managers for one client (SPEC §5): each eligible manager tried in the current state. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../model/rules.h"
#include "assign.h"

/* Lexicographic order of the levels of SPEC §4.4, then staff index for ties. */
static int cmp_rec(const void *pa, const void *pb)
{
    const cl_recommendation *a = pa, *b = pb;
    const double eps = 1e-9;
    double d[] = {a->obj.overload - b->obj.overload, a->obj.waitlist - b->obj.waitlist,
                  (double)(a->obj.moves + a->obj.peer_moves) - (double)(b->obj.moves + b->obj.peer_moves),
                  a->obj.imbalance - b->obj.imbalance, a->obj.travel_minutes - b->obj.travel_minutes};
    for (size_t k = 0; k < sizeof d / sizeof d[0]; k++)
        if (fabs(d[k]) > eps)
            return d[k] < 0 ? -1 : 1;
    return (a->staff > b->staff) - (a->staff < b->staff);
}

int cl_recommend(cl_recommendation **out, int *n, const cl_instance *inst, const cl_assignment *base, int c,
                 cl_error *err)
{
    int nc = inst->n_clients, ns = inst->n_staff;
    int *mgr = malloc(((size_t)nc + 1) * sizeof *mgr), *peer = malloc(((size_t)nc + 1) * sizeof *peer);
    int *elig = malloc(((size_t)ns + 1) * sizeof *elig);
    cl_recommendation *rec = NULL;
    if (!mgr || !peer || !elig) {
        free(mgr);
        free(peer);
        free(elig);
        return cl_error_set(err, CL_ENOMEM, "", "out of memory");
    }
    for (int k = 0; k < nc; k++) {
        mgr[k] = base ? base->manager[k] : inst->clients[k].manager;
        peer[k] = base ? base->peer[k] : inst->clients[k].peer;
    }
    bool relaxed = false;
    int ne = cl_eligible_managers(inst, c, elig, &relaxed);
    rec = calloc((size_t)ne + 1, sizeof *rec);
    if (rec == NULL) {
        free(mgr);
        free(peer);
        free(elig);
        return cl_error_set(err, CL_ENOMEM, "", "out of memory");
    }
    for (int k = 0; k < ne; k++) {
        mgr[c] = elig[k];
        rec[k].staff = elig[k];
        rec[k].language_mismatch = !cl_speaks(inst, elig[k], c) && elig[k] != inst->clients[c].manager;
        cl_objective_of(inst, mgr, peer, &rec[k].obj);
    }
    qsort(rec, (size_t)ne, sizeof *rec, cmp_rec);
    free(mgr);
    free(peer);
    free(elig);
    *out = rec;
    *n = ne;
    return CL_OK;
}
