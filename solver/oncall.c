/* oncall.c: the on-call rota (SPEC §6.2): per group (the agency, each Blended team) and on-call day exactly
 * one active staff member with on_call; as even as possible per FTE, then nobody two days in a row. */
#include <math.h>
#include <stdlib.h>

#include "../model/rules.h"
#include "backend.h"
#include "schedule.h"

/* Solves one group's rota over the eligible staff pool[0..n) and adds it to s. Level 1 (evenness per FTE) is
 * computed exactly (model/rules.h): the least largest days per FTE, a cap per person, then the most the fewest
 * can have, a floor per person; level 2 (days in a row) is a small MIP within them. */
static int group_rota(cl_schedule *s, const cl_instance *inst, int team, const int *pool, int n, double limit_s)
{
    unsigned days = inst->policy.on_call_days & 0x7fu;
    int dl[CL_NDAYS], nd = 0;
    for (int d = 0; d < CL_NDAYS; d++)
        if (days >> d & 1u)
            dl[nd++] = d;
    if (nd == 0)
        return CL_OK;
    if (n == 0) {
        for (int q = 0; q < nd; q++) {
            cl_on_call o = {.team = team, .day = dl[q], .staff = CL_NONE};
            if (cl_schedule_add_on_call(s, &o) != CL_OK)
                return CL_ENOMEM;
        }
        return CL_OK;
    }
    double most = cl_on_call_least_most(inst, pool, n, nd);
    int rc = CL_ENOMEM;
    clp_mip *m = clp_mip_new();
    int *x = malloc((size_t)n * CL_NDAYS * sizeof *x);
    int *cols = malloc(((size_t)n * CL_NDAYS + 2) * sizeof *cols);
    double *vals = malloc(((size_t)n * CL_NDAYS + 2) * sizeof *vals);
    int *cap = malloc(((size_t)n + 1) * sizeof *cap), *lo = malloc(((size_t)n + 1) * sizeof *lo);
    double *start = NULL;
    if (!m || !x || !cols || !vals || !cap || !lo)
        goto done;
    for (int i = 0; i < n; i++) {
        cap[i] = cl_on_call_cap(inst, pool[i], most);
        for (int q = 0; q < nd; q++)
            x[i * CL_NDAYS + q] = clp_mip_add_col(m, 0, cap[i] > 0 ? 1 : 0, true);
    }
    cl_on_call_floors(inst, pool, n, nd, cap, lo);
    for (int q = 0; q < nd; q++) {
        for (int i = 0; i < n; i++) {
            cols[i] = x[i * CL_NDAYS + q];
            vals[i] = 1;
        }
        clp_mip_add_row(m, cols, vals, n, 1, 1);
    }
    for (int i = 0; i < n; i++) {
        for (int q = 0; q < nd; q++) {
            cols[q] = x[i * CL_NDAYS + q];
            vals[q] = 1;
        }
        clp_mip_add_row(m, cols, vals, nd, lo[i], cap[i]);
    }
    /* Days in a row: cons >= x[i][q] + x[i][q+1] - 1 for consecutive on-call days. */
    for (int i = 0; i < n; i++)
        for (int q = 0; q + 1 < nd; q++)
            if (dl[q + 1] == dl[q] + 1) {
                int cc[3] = {x[i * CL_NDAYS + q], x[i * CL_NDAYS + q + 1], clp_mip_add_col(m, 0, HUGE_VAL, false)};
                double vv[3] = {1, 1, -1};
                clp_mip_add_row(m, cc, vv, 3, -HUGE_VAL, 1);
                clp_mip_set_obj(m, cc[2], 1);
            }
    /* A start: each day to the next person below their floor, else with room, in turn. */
    start = calloc((size_t)clp_mip_ncols(m) + 1, sizeof *start);
    if (start == NULL)
        goto done;
    int *used = calloc((size_t)n + 1, sizeof *used);
    if (used == NULL)
        goto done;
    for (int q = 0, i = 0; q < nd; q++) {
        int who = -1;
        for (int pass = 0; pass < 2 && who < 0; pass++)
            for (int tries = 0; tries < n && who < 0; tries++)
                if (used[(i + tries) % n] < (pass == 0 ? lo : cap)[(i + tries) % n])
                    who = (i + tries) % n;
        start[x[who * CL_NDAYS + q]] = 1;
        used[who]++;
        i = (who + 1) % n;
    }
    free(used);
    /* The helper columns follow the x columns, in the order they were made. */
    int h = n * nd;
    for (int i = 0; i < n; i++)
        for (int q = 0; q + 1 < nd; q++)
            if (dl[q + 1] == dl[q] + 1) {
                double v = start[x[i * CL_NDAYS + q]] + start[x[i * CL_NDAYS + q + 1]] - 1;
                start[h++] = v > 0 ? v : 0;
            }
    clp_mip_params p = {.time_limit_s = limit_s, .gap = 0, .started = clp_now()};
    clp_mip_result r;
    if ((rc = clp_mip_solve(m, &p, start, &r)) != CL_OK)
        goto done;
    bool solved = r.status == CLP_MIP_OPTIMAL || r.status == CLP_MIP_TIME_LIMIT;
    for (int q = 0; q < nd; q++) {
        int who = CL_NONE;
        for (int i = 0; i < n && who == CL_NONE; i++)
            if ((solved ? clp_mip_value(m, x[i * CL_NDAYS + q]) : start[x[i * CL_NDAYS + q]]) > 0.5)
                who = pool[i];
        cl_on_call o = {.team = team, .day = dl[q], .staff = who};
        if (cl_schedule_add_on_call(s, &o) != CL_OK) {
            rc = CL_ENOMEM;
            goto done;
        }
    }
    rc = CL_OK;
done:
    clp_mip_free(m);
    free(x);
    free(cols);
    free(vals);
    free(cap);
    free(lo);
    free(start);
    return rc;
}

int clp_on_call_solve(cl_schedule *s, const cl_instance *inst, double time_limit_s)
{
    int *pool = malloc(((size_t)inst->n_staff + 1) * sizeof *pool);
    if (pool == NULL)
        return CL_ENOMEM;
    int rc = CL_OK;
    double each = time_limit_s / (inst->n_teams + 1);
    for (int t = CL_NONE; t < inst->n_teams && rc == CL_OK; t++)
        rc = group_rota(s, inst, t, pool, cl_on_call_pool(inst, t, pool), each);
    free(pool);
    return rc;
}
