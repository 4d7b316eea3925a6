/* rules.c: eligibility, load, phi, quota and the Blended mix: the single home of each rule. */
#include "rules.h"

#include <math.h>

bool cl_serves(const cl_instance *inst, int s, int c)
{
    const cl_staff *st = &inst->staff[s];
    const cl_client *cl = &inst->clients[c];
    if (!st->active || st->role != CL_MANAGER)
        return false;
    if (cl->program == CL_BLENDED)
        return st->team >= 0;
    return st->team < 0 && st->program == (int)cl->program;
}

bool cl_avoids(const cl_instance *inst, int c, int s)
{
    const cl_client *cl = &inst->clients[c];
    for (int k = 0; k < cl->n_avoid; k++)
        if (cl->avoid[k] == s)
            return true;
    return false;
}

bool cl_speaks(const cl_instance *inst, int s, int c)
{
    return (inst->staff[s].langs & inst->clients[c].langs) != 0;
}

bool cl_manager_forced_out(const cl_instance *inst, int c)
{
    int m = inst->clients[c].manager;
    return m >= 0 && (!cl_serves(inst, m, c) || cl_avoids(inst, c, m));
}

bool cl_peer_forced_out(const cl_instance *inst, int c)
{
    int p = inst->clients[c].peer;
    if (p < 0)
        return false;
    const cl_staff *st = &inst->staff[p];
    return !st->active || st->role != CL_PEER || cl_avoids(inst, c, p) || inst->clients[c].program != CL_ADULT_HOME;
}

int cl_eligible_managers(const cl_instance *inst, int c, int *out, bool *relaxed)
{
    const cl_client *cl = &inst->clients[c];
    *relaxed = false;
    if (cl->keep && cl->manager >= 0 && !cl_manager_forced_out(inst, c)) {
        out[0] = cl->manager;
        return 1;
    }
    int n = 0;
    for (int s = 0; s < inst->n_staff; s++)
        if (cl_serves(inst, s, c) && !cl_avoids(inst, c, s) && (cl_speaks(inst, s, c) || s == cl->manager))
            out[n++] = s;
    if (n == 0 && cl->manager >= 0) {
        for (int s = 0; s < inst->n_staff; s++)
            if (cl_serves(inst, s, c) && !cl_avoids(inst, c, s))
                out[n++] = s;
        *relaxed = n > 0;
    }
    return n;
}

int cl_eligible_peers(const cl_instance *inst, int c, int *out, bool *relaxed)
{
    const cl_client *cl = &inst->clients[c];
    *relaxed = false;
    if (cl->program != CL_ADULT_HOME)
        return 0;
    int n = 0;
    for (int pass = 0; pass < 2 && n == 0; pass++) {
        if (pass == 1 && cl->peer < 0)
            break;
        for (int s = 0; s < inst->n_staff; s++) {
            const cl_staff *st = &inst->staff[s];
            if (st->role == CL_PEER && st->active && !cl_avoids(inst, c, s) &&
                (pass == 1 || cl_speaks(inst, s, c) || s == cl->peer))
                out[n++] = s;
        }
        *relaxed = pass == 1 && n > 0;
    }
    return n;
}

double cl_capacity(const cl_instance *inst, int s)
{
    return inst->staff[s].caseload_cap * inst->staff[s].fte;
}

double cl_blended_fte(const cl_instance *inst, int c)
{
    const cl_client *cl = &inst->clients[c];
    return cl->acuity / inst->programs[cl->level].caseload_cap;
}

double cl_load_of(const cl_instance *inst, int c, int s)
{
    return inst->staff[s].team >= 0 ? cl_blended_fte(inst, c) : inst->clients[c].acuity;
}

double cl_limit(const cl_instance *inst, int s)
{
    const cl_staff *st = &inst->staff[s];
    double limit = st->team >= 0 ? st->fte * (1 + inst->teams[st->team].flex) : cl_capacity(inst, s);
    double u = inst->policy.utilization_target;
    return u > 0 ? fmin(limit, u * cl_util_base(inst, s)) : limit;
}

double cl_util_base(const cl_instance *inst, int s)
{
    return inst->staff[s].team >= 0 ? inst->staff[s].fte : cl_capacity(inst, s);
}

double cl_team_limit(const cl_instance *inst, int t)
{
    double u = inst->policy.utilization_target;
    return u > 0 ? u * cl_team_fte(inst, t) : cl_team_fte(inst, t);
}

double cl_team_fte(const cl_instance *inst, int t)
{
    double f = 0;
    for (int k = 0; k < inst->teams[t].n_members; k++) {
        const cl_staff *st = &inst->staff[inst->teams[t].members[k]];
        if (st->active)
            f += st->fte;
    }
    return f;
}

void cl_phi_segment(int j, double *slope, double *drop)
{
    double a = j * CL_PHI_STEP, b = a + CL_PHI_STEP;
    *slope = a + b;
    *drop = a * b;
}

double cl_phi(double u)
{
    if (u <= 0)
        return 0;
    int k = (int)floor(u / CL_PHI_STEP + 1e-9);
    double a = k * CL_PHI_STEP, slope, drop;
    if (u - a <= 1e-12)
        return a * a;
    cl_phi_segment(k, &slope, &drop);
    return slope * u - drop;
}

int cl_monthly_minimum(const cl_instance *inst, int c)
{
    const cl_client *cl = &inst->clients[c];
    return cl->transitional ? 1 : inst->programs[cl->level].contacts_per_month;
}

int cl_weekly_quota(const cl_instance *inst, int c)
{
    const cl_client *cl = &inst->clients[c];
    int per_week = cl->transitional ? 0 : inst->programs[cl->level].min_contacts_per_week;
    int left = cl_monthly_minimum(inst, c) - cl->contacts_this_month;
    int weeks = inst->weeks_left_in_month > 0 ? inst->weeks_left_in_month : 1;
    int by_month = left > 0 ? (left + weeks - 1) / weeks : 0;
    int q = by_month > per_week ? by_month : per_week;
    return q > 0 ? q : 0;
}

bool cl_blended_mix_legal(int a, int b)
{
    return a >= 1 && b >= 1 && a <= 2 * b && b <= 2 * a;
}

void cl_team_mix(const cl_instance *inst, int t, int *icm, int *scm)
{
    *icm = *scm = 0;
    for (int k = 0; k < inst->teams[t].n_members; k++) {
        const cl_staff *st = &inst->staff[inst->teams[t].members[k]];
        if (!st->active)
            continue;
        if (st->program == CL_ICM)
            (*icm)++;
        else if (st->program == CL_SCM)
            (*scm)++;
    }
}

int cl_on_call_pool(const cl_instance *inst, int t, int *out)
{
    int n = 0;
    if (t >= 0) {
        for (int k = 0; k < inst->teams[t].n_members; k++) {
            int i = inst->teams[t].members[k];
            if (inst->staff[i].active && inst->staff[i].on_call)
                out[n++] = i;
        }
        return n;
    }
    for (int pass = 0; pass < 2 && n == 0; pass++)
        for (int i = 0; i < inst->n_staff; i++) {
            const cl_staff *st = &inst->staff[i];
            if (st->active && st->on_call && st->role == CL_MANAGER && (pass == 1 || st->team < 0))
                out[n++] = i;
        }
    return n;
}

int cl_on_call_cap(const cl_instance *inst, int s, double most)
{
    return (int)floor(most * inst->staff[s].fte + 1e-9);
}

double cl_on_call_least_most(const cl_instance *inst, const int *pool, int n, int nd)
{
    double best = HUGE_VAL;
    for (int i = 0; i < n; i++)
        for (int k = 1; k <= nd; k++) {
            double t = k / inst->staff[pool[i]].fte;
            if (t >= best)
                break;
            int room = 0;
            for (int q = 0; q < n && room < nd; q++)
                room += cl_on_call_cap(inst, pool[q], t);
            if (room >= nd)
                best = t;
        }
    return best;
}

void cl_on_call_floors(const cl_instance *inst, const int *pool, int n, int nd, const int *cap, int *lo)
{
    double best = 0;
    for (int i = 0; i < n; i++)
        for (int k = 1; k <= cap[i]; k++) {
            double t = k / inst->staff[pool[i]].fte;
            if (t <= best)
                continue;
            int sum = 0;
            bool ok = true;
            for (int q = 0; q < n && ok; q++) {
                int need = (int)ceil(t * inst->staff[pool[q]].fte - 1e-9);
                ok = need <= cap[q];
                sum += need;
            }
            if (ok && sum <= nd)
                best = t;
        }
    for (int q = 0; q < n; q++)
        lo[q] = (int)ceil(best * inst->staff[pool[q]].fte - 1e-9);
}

const char *cl_on_call_none_reason(int t)
{
    return t >= 0 ? "no active member of the team takes on-call (each is inactive or has on_call false)"
                  : "no active case manager takes on-call (each is inactive or has on_call false)";
}
