/* schedule_local.c: the week planner's heuristics (SPEC §6.3): a greedy start with repair for levels 1 and 2,
 * and local moves for travel and the latest end, all over the load of each staff-day with its visits in one
 * block per zone (a route the day-assignment MIP's legs can take, so every start is feasible there). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "schedule_impl.h"

/* ---- the load of each staff-day: visit minutes and the travel of its route ---- */

static int state_init(state *st, const comp *g)
{
    st->load = calloc((size_t)g->n_sd + 1, sizeof *st->load);
    st->zcnt = calloc((size_t)g->n_sd * (size_t)g->nz + 1, sizeof *st->zcnt);
    st->tour = calloc((size_t)g->n_sd + 1, sizeof *st->tour);
    st->vm = calloc((size_t)g->n_sd + 1, sizeof *st->vm);
    st->zl = malloc((size_t)g->nz * sizeof *st->zl);
    st->count = calloc((size_t)g->n_sd + 1, sizeof *st->count);
    st->partner = malloc(((size_t)g->n_sd + 1) * sizeof *st->partner);
    st->npartner = calloc((size_t)g->n_sd + 1, sizeof *st->npartner);
    if (!st->load || !st->zcnt || !st->tour || !st->vm || !st->zl || !st->count || !st->partner || !st->npartner)
        return CL_ENOMEM;
    for (int j = 0; j < g->n_sd; j++)
        st->partner[j] = -1;
    return CL_OK;
}

static void state_dispose(state *st)
{
    free(st->load);
    free(st->zcnt);
    free(st->tour);
    free(st->vm);
    free(st->zl);
    free(st->count);
    free(st->partner);
    free(st->npartner);
}

/* The tour of staff-day j's zones, and zone `with` (or -1), from base and back. */
static int tour_of(const ctx *k, const comp *g, const state *st, int j, int with)
{
    int n = 0;
    for (int z = 0; z < g->nz; z++)
        if (st->zcnt[j * g->nz + z] > 0 || z == with)
            st->zl[n++] = z;
    int b = k->inst->staff[g->sd_staff[j]].zone;
    return clp_sched_tour(k, b, b, st->zl, n, NULL);
}

/* Minutes of staff-day j with client c's visit added (c -1: as it is), as a joint visit or not. A day with a
 * joint visit counts each zone as a trip from base and back, which leaves the slack waiting for a partner takes
 * (measured on the 2,500-client agency: with its route alone, 33 adult-home staff-days did not fit once
 * sequenced and six visits were lost). */
static double day_load(const ctx *k, const comp *g, const state *st, int j, int c, bool joint)
{
    int zc = c >= 0 ? clp_sched_zone(k, c) : -1, b = k->inst->staff[g->sd_staff[j]].zone;
    double m = st->vm[j] + (c >= 0 ? k->inst->clients[c].visit_minutes : 0);
    if (st->star || st->npartner[j] > 0 || joint) {
        for (int z = 0; z < g->nz; z++) {
            int n = st->zcnt[j * g->nz + z] + (z == zc), tz = clp_sched_tr(k, z, z);
            int trip = clp_sched_tr(k, b, z) + clp_sched_tr(k, z, b) - tz;
            m += n > 0 ? n * tz + (trip > 0 ? trip : 0) : 0;
        }
        return m;
    }
    m += zc >= 0 && st->zcnt[j * g->nz + zc] == 0 ? tour_of(k, g, st, j, zc) : st->tour[j];
    for (int z = 0; z < g->nz; z++) {
        int n = st->zcnt[j * g->nz + z] + (z == zc);
        m += n > 0 ? (n - 1) * clp_sched_tr(k, z, z) : 0;
    }
    return m;
}

/* Extra minutes of client c's visit on staff-day j. */
static double extra(const ctx *k, const comp *g, const state *st, int j, int c, bool joint)
{
    return day_load(k, g, st, j, c, joint) - st->load[j];
}

static bool fits(const ctx *k, const comp *g, const state *st, int j, double add)
{
    if (st->load[j] + add > k->inst->staff[g->sd_staff[j]].minutes[g->sd_day[j]] + 1e-9)
        return false;
    return g->cut_rows[j] < 0 || st->count[j] + 1 <= g->cut_max[j];
}

static void book(const ctx *k, const comp *g, state *st, int j, int c, int partner, int sign)
{
    int z = clp_sched_zone(k, c);
    st->vm[j] += sign * k->inst->clients[c].visit_minutes;
    if (z >= 0) {
        int *n = &st->zcnt[j * g->nz + z];
        *n += sign;
        if (*n == (sign > 0 ? 1 : 0))
            st->tour[j] = tour_of(k, g, st, j, -1);
    }
    st->count[j] += sign;
    if (partner >= 0) {
        st->npartner[j] += sign;
        st->partner[j] = st->npartner[j] > 0 ? partner : -1;
    }
    st->load[j] = day_load(k, g, st, j, -1, false);
}

static int jv_of(const ctx *k, const option *op)
{
    return k->sd_index[op->s * CL_NDAYS + op->d];
}

static int jp_of(const ctx *k, const option *op)
{
    return k->sd_index[clp_sched_peer(k, op->c) * CL_NDAYS + op->d];
}

/* Books (sign 1) or frees (-1) option o as chosen, joint or not. */
static void apply(const ctx *k, const comp *g, state *st, int o, bool joint, int sign)
{
    const option *op = &k->opt[o];
    int p = joint ? clp_sched_peer(k, op->c) : -1;
    book(k, g, st, jv_of(k, op), op->c, p, sign);
    if (joint)
        book(k, g, st, jp_of(k, op), op->c, op->s, sign);
}

/* Can option o be added (as joint or not)? *add receives its estimated minutes. */
static bool can_apply(const ctx *k, const comp *g, const state *st, int o, bool joint, double *add)
{
    const option *op = &k->opt[o];
    if (op->dropped || (joint && !op->joint_ok))
        return false;
    int j = jv_of(k, op);
    double av = extra(k, g, st, j, op->c, joint);
    if (!fits(k, g, st, j, av))
        return false;
    *add = av;
    if (joint) {
        int jp = jp_of(k, op);
        double ap = extra(k, g, st, jp, op->c, true);
        if (!fits(k, g, st, jp, ap))
            return false;
        *add += ap;
    }
    return true;
}

static int state_from_chosen(const ctx *k, const comp *g, state *st, bool star)
{
    int rc = state_init(st, g);
    st->star = star;
    if (rc != CL_OK)
        return rc;
    for (int i = 0; i < g->n_clients; i++) {
        int c = g->clients[i];
        for (int o = k->first[c]; o < k->first[c + 1]; o++)
            if (k->opt[o].chosen)
                apply(k, g, st, o, k->opt[o].joint, 1);
    }
    return CL_OK;
}

/* The fewest adjacent pairs n days chosen among `avail` can have. */
static int min_adjacent(unsigned avail, int n)
{
    int best = 99;
    for (unsigned s = 0; s < 128u; s++)
        if ((s & ~avail) == 0 && clp_sched_bits(s) == n && clp_sched_adjacent(s) < best)
            best = clp_sched_adjacent(s);
    return best == 99 ? 0 : best;
}

/* ---- a greedy start: every row of the MIP kept, so GLPK starts from it ---- */

static unsigned days_of(const ctx *k, int c);

/* Picks the best open option of client c (joint: only those the peer can join); -1 when none fits. */
static int pick(const ctx *k, const comp *g, const state *st, int c, unsigned used, bool joint)
{
    int best = -1, m = k->a->manager[c];
    double bscore = 0;
    for (int o = k->first[c]; o < k->first[c + 1]; o++) {
        const option *op = &k->opt[o];
        double add;
        if ((used >> op->d & 1u) || !can_apply(k, g, st, o, joint, &add))
            continue;
        bool adjacent = ((used << 1 | used >> 1) >> op->d & 1u) != 0;
        /* A joint visit with a second partner on the same day may make one of them wait: avoided. */
        bool new_partner =
            joint && ((st->partner[jv_of(k, op)] >= 0 && st->partner[jv_of(k, op)] != clp_sched_peer(k, c)) ||
                      (st->partner[jp_of(k, op)] >= 0 && st->partner[jp_of(k, op)] != op->s));
        double score = (adjacent ? 1e6 : 0) + (op->s == m ? 0 : 1e4) + (new_partner ? 300 : 0) + 10 * add +
                       st->load[jv_of(k, op)] / 100.0;
        if (best < 0 || score < bscore) {
            best = o;
            bscore = score;
        }
    }
    return best;
}

static int cmp_tight(const void *a, const void *b)
{
    const double *x = a, *y = b;
    if (x[0] != y[0])
        return x[0] < y[0] ? -1 : 1;
    if (x[1] != y[1])
        return x[1] > y[1] ? -1 : 1;
    return (x[2] > y[2]) - (x[2] < y[2]);
}

/* Visits client c has by its manager, and in all. */
static void counts_of(const ctx *k, int c, int *got, int *by_m)
{
    *got = *by_m = 0;
    for (int o = k->first[c]; o < k->first[c + 1]; o++)
        if (k->opt[o].chosen) {
            (*got)++;
            *by_m += k->opt[o].s == k->a->manager[c];
        }
}

static bool share_ok(const ctx *k, int c, int got, int by_m)
{
    const option *o0 = &k->opt[k->first[c]];
    return k->inst->clients[c].program != CL_BLENDED || o0->cover ||
           by_m >= k->inst->policy.blended_primary_share * got - 1e-9;
}

/* Tries to make room for option o of client c (joint or not) on its staff-days by moving one solo visit of
 * another client elsewhere; on success books both and returns true. */
static bool insert_with_move(ctx *k, comp *g, state *st, int o, bool joint)
{
    option *op = &k->opt[o];
    int js[2] = {jv_of(k, op), joint ? jp_of(k, op) : -1};
    for (int side = 0; side < 2; side++) {
        int j = js[side];
        if (j < 0)
            continue;
        int s = g->sd_staff[j], d = g->sd_day[j];
        for (int i = 0; i < g->n_clients; i++) {
            int c2 = g->clients[i];
            if (c2 == op->c)
                continue;
            for (int w = k->first[c2]; w < k->first[c2 + 1]; w++) {
                option *ow = &k->opt[w];
                if (!ow->chosen || ow->joint || ow->s != s || ow->d != d)
                    continue;
                unsigned used = days_of(k, c2), rest = used & ~(1u << d);
                int got, by_m;
                counts_of(k, c2, &got, &by_m);
                apply(k, g, st, w, false, -1);
                ow->chosen = false;
                double add;
                if (can_apply(k, g, st, o, joint, &add)) {
                    apply(k, g, st, o, joint, 1);
                    for (int w2 = k->first[c2]; w2 < k->first[c2 + 1]; w2++) {
                        option *q = &k->opt[w2];
                        double a2;
                        if (w2 == w || (rest >> q->d & 1u) ||
                            clp_sched_adjacent(rest | 1u << q->d) > clp_sched_adjacent(used) ||
                            !share_ok(k, c2, got, by_m - (ow->s == k->a->manager[c2]) + (q->s == k->a->manager[c2])) ||
                            !can_apply(k, g, st, w2, false, &a2))
                            continue;
                        apply(k, g, st, w2, false, 1);
                        q->chosen = true;
                        op->chosen = true;
                        op->joint = joint;
                        return true;
                    }
                    apply(k, g, st, o, joint, -1);
                }
                ow->chosen = true;
                apply(k, g, st, w, false, 1);
            }
        }
    }
    return false;
}

/* After the greedy pass: each client still short gets its missing visits where one move of another visit
 * makes room. */
static void repair(ctx *k, comp *g, state *st)
{
    for (int i = 0; i < g->n_clients; i++) {
        int c = g->clients[i], p = clp_sched_peer(k, c), m = k->a->manager[c];
        for (int tries = 0; tries < CL_NDAYS; tries++) {
            int got, by_m;
            counts_of(k, c, &got, &by_m);
            if (got >= k->quota[c])
                break;
            unsigned used = days_of(k, c);
            bool joint = p >= 0 && got == 0, done = false;
            for (int o = k->first[c]; o < k->first[c + 1] && !done; o++) {
                option *op = &k->opt[o];
                if (op->chosen || op->dropped || (used >> op->d & 1u) || (joint && !op->joint_ok) ||
                    !share_ok(k, c, got + 1, by_m + (op->s == m)))
                    continue;
                double add;
                if (can_apply(k, g, st, o, joint, &add)) {
                    apply(k, g, st, o, joint, 1);
                    op->chosen = true;
                    op->joint = joint;
                    done = true;
                } else {
                    done = insert_with_move(k, g, st, o, joint);
                }
            }
            if (!done)
                break;
        }
    }
}

/* Chooses visits greedily (tightest clients first) within every row of the MIP; sets chosen and joint. */
int clp_sched_greedy(ctx *k, comp *g)
{
    const cl_instance *inst = k->inst;
    state st = {0};
    double *key = malloc(((size_t)g->n_clients + 1) * 3 * sizeof *key);
    int rc = CL_ENOMEM;
    if (key == NULL || state_init(&st, g) != CL_OK)
        goto done;
    for (int i = 0; i < g->n_clients; i++) {
        int c = g->clients[i];
        for (int o = k->first[c]; o < k->first[c + 1]; o++)
            k->opt[o].chosen = k->opt[o].joint = false;
        key[3 * i] = (double)(k->first[c + 1] - k->first[c]) / (k->quota[c] > 0 ? k->quota[c] : 1);
        key[3 * i + 1] = inst->clients[c].acuity;
        key[3 * i + 2] = c;
    }
    qsort(key, (size_t)g->n_clients, 3 * sizeof *key, cmp_tight);
    for (int i = 0; i < g->n_clients; i++) {
        int c = (int)key[3 * i + 2], m = k->a->manager[c], p = clp_sched_peer(k, c);
        unsigned used = 0;
        int got = 0, by_m = 0;
        int picked[CL_NDAYS];
        for (int v = 0; v < k->quota[c] && v < CL_NDAYS; v++) {
            bool joint = p >= 0 && v == 0;
            int o = pick(k, g, &st, c, used, joint);
            if (o < 0)
                break;
            option *op = &k->opt[o];
            apply(k, g, &st, o, joint, 1);
            op->chosen = true;
            op->joint = joint;
            used |= 1u << op->d;
            picked[got++] = o;
            by_m += op->s == m;
        }
        /* The primary share: take back visits by other members, latest first, until it holds. */
        if (inst->clients[c].program == CL_BLENDED && got > 0 && !k->opt[picked[0]].cover) {
            double share = inst->policy.blended_primary_share;
            for (int q = got - 1; q >= 0 && by_m < share * got - 1e-9; q--) {
                option *op = &k->opt[picked[q]];
                if (op->s == m)
                    continue;
                apply(k, g, &st, picked[q], false, -1);
                op->chosen = false;
                got--;
                for (int r = q; r < got; r++)
                    picked[r] = picked[r + 1];
            }
        }
    }
    repair(k, g, &st);
    rc = CL_OK;
done:
    state_dispose(&st);
    free(key);
    return rc;
}

/* Level-1 value of the current choice and the most any schedule of the group could reach (days alone). */
/* The most visits client c can have on the days of its options left (clp_most_visits), and those days. */
static int most_visits(const ctx *k, int c, unsigned *avail)
{
    unsigned days = 0, own = 0;
    for (int o = k->first[c]; o < k->first[c + 1]; o++)
        if (!k->opt[o].dropped) {
            days |= 1u << k->opt[o].d;
            own |= (unsigned)(k->opt[o].s == k->a->manager[c]) << k->opt[o].d;
        }
    *avail = days;
    bool covered = k->first[c + 1] > k->first[c] && k->opt[k->first[c]].cover;
    return clp_most_visits(k->inst, c, covered, days, own, k->quota[c]);
}

void clp_sched_level1(const ctx *k, const comp *g, double *have, double *most)
{
    *have = *most = 0;
    for (int i = 0; i < g->n_clients; i++) {
        int c = g->clients[i], got = 0;
        for (int o = k->first[c]; o < k->first[c + 1]; o++)
            got += k->opt[o].chosen;
        unsigned days;
        double a = k->inst->clients[c].acuity;
        *have += a * got;
        *most += a * most_visits(k, c, &days);
    }
}

/* Spread of the current choice, and a floor no schedule as good on level 1 goes below. */
void clp_sched_spread(const ctx *k, const comp *g, int *have, int *floor_)
{
    /* A client's visit count is the same in every schedule as good on level 1 only when level 1 meets what the
     * days allow (each client of some acuity then has min(quota, days) visits); otherwise another client may
     * give up a visit to a tie, and the floor is 0. */
    double lv, most;
    clp_sched_level1(k, g, &lv, &most);
    bool counts_fixed = lv >= most - 1e-9;
    *have = *floor_ = 0;
    for (int i = 0; i < g->n_clients; i++) {
        int c = g->clients[i];
        unsigned avail;
        int n = most_visits(k, c, &avail);
        *have += clp_sched_adjacent(days_of(k, c));
        *floor_ += counts_fixed && k->inst->clients[c].acuity > 0 ? min_adjacent(avail, n) : 0;
    }
}

/* Level 2's start: each client seen on adjacent days moves one solo visit to a free day (by any visitor it may
 * have there) where it has fewer adjacent pairs, making room by moving one visit of another client when needed
 * (insert_with_move, which never adds to that client's pairs), until no move helps. Every visit and every row of
 * the MIP is kept, so the choice stays a start for GLPK. Measured on a 600-client week of 869 visits (bench/gen.py
 * --size M --weeks-left 1): a Blended team's spread 11 -> 9 (its floor 8, which GLPK did not reach in 10 s either),
 * and the week 22.4 -> 11.3 s with the spread level's closing on whole pairs. */
int clp_sched_spread_moves(ctx *k, comp *g)
{
    state st = {0};
    int rc = state_from_chosen(k, g, &st, false);
    for (bool better = rc == CL_OK; better;) {
        better = false;
        for (int i = 0; i < g->n_clients; i++) {
            int c = g->clients[i], m = k->a->manager[c], got, by_m;
            unsigned used = days_of(k, c);
            int adjacent = clp_sched_adjacent(used);
            bool moved = false;
            counts_of(k, c, &got, &by_m);
            for (int w = k->first[c]; w < k->first[c + 1] && adjacent > 0 && !moved; w++) {
                option *ow = &k->opt[w];
                if (!ow->chosen || ow->joint)
                    continue;
                unsigned rest = used & ~(1u << ow->d);
                for (int o = k->first[c]; o < k->first[c + 1] && !moved; o++) {
                    option *op = &k->opt[o];
                    if (op->chosen || op->dropped || (rest >> op->d & 1u) ||
                        clp_sched_adjacent(rest | 1u << op->d) >= adjacent ||
                        !share_ok(k, c, got, by_m - (ow->s == m) + (op->s == m)))
                        continue;
                    apply(k, g, &st, w, false, -1);
                    ow->chosen = false;
                    double add;
                    if (can_apply(k, g, &st, o, false, &add)) {
                        apply(k, g, &st, o, false, 1);
                        op->chosen = true;
                        op->joint = false;
                        moved = true;
                    } else if (insert_with_move(k, g, &st, o, false)) {
                        moved = true;
                    } else {
                        ow->chosen = true;
                        apply(k, g, &st, w, false, 1);
                    }
                }
            }
            better |= moved;
        }
    }
    state_dispose(&st);
    return rc;
}

/* ---- level 3: travel, by moving single visits to the day and visitor that cost least ---- */

/* Days client c is seen on now. */
static unsigned days_of(const ctx *k, int c)
{
    unsigned used = 0;
    for (int o = k->first[c]; o < k->first[c + 1]; o++)
        if (k->opt[o].chosen)
            used |= 1u << k->opt[o].d;
    return used;
}

/* Moves a whole zone's visits of one staff-day (no joint ones) to another day of the same staff member when
 * that saves the trip into the zone; every other level is kept. Sets *better on a move. */
static int move_blocks(ctx *k, comp *g, state *st, bool *better)
{
    int cap = 64, *blk = malloc((size_t)cap * sizeof *blk), *to = malloc((size_t)cap * sizeof *to);
    if (!blk || !to) {
        free(blk);
        free(to);
        return CL_ENOMEM;
    }
    for (int j = 0; j < g->n_sd; j++) {
        int s = g->sd_staff[j], d = g->sd_day[j];
        for (int z = 0; z < g->nz && k->inst->n_zones > 0; z++) {
            if (st->zcnt[j * g->nz + z] == 0)
                continue;
            int nb = 0;
            bool joint = false;
            for (int i = 0; i < g->n_clients; i++) {
                int c = g->clients[i];
                if (clp_sched_zone(k, c) != z)
                    continue;
                for (int o = k->first[c]; o < k->first[c + 1]; o++) {
                    option *op = &k->opt[o];
                    if (!op->chosen || op->s != s || op->d != d)
                        continue;
                    joint |= op->joint;
                    if (nb == cap) {
                        cap *= 2;
                        int *nbk = realloc(blk, (size_t)cap * sizeof *blk);
                        int *nto = realloc(to, (size_t)cap * sizeof *to);
                        if (nbk)
                            blk = nbk;
                        if (nto)
                            to = nto;
                        if (!nbk || !nto) {
                            free(blk);
                            free(to);
                            return CL_ENOMEM;
                        }
                    }
                    blk[nb++] = o;
                }
            }
            if (joint || nb == 0 || nb != st->zcnt[j * g->nz + z])
                continue;
            for (int d2 = 0; d2 < CL_NDAYS; d2++) {
                int j2 = d2 == d ? -1 : k->sd_index[s * CL_NDAYS + d2];
                if (j2 < 0)
                    continue;
                double before = st->load[j] + st->load[j2];
                for (int b = 0; b < nb; b++)
                    apply(k, g, st, blk[b], false, -1);
                bool ok = true;
                int placed = 0;
                for (int b = 0; b < nb && ok; b++) {
                    const option *op = &k->opt[blk[b]];
                    unsigned used = days_of(k, op->c), rest = used & ~(1u << d);
                    int o2 = -1;
                    for (int o = k->first[op->c]; o < k->first[op->c + 1] && o2 < 0; o++)
                        if (k->opt[o].s == s && k->opt[o].d == d2)
                            o2 = o;
                    double add;
                    ok = o2 >= 0 && !(rest >> d2 & 1u) &&
                         clp_sched_adjacent(rest | 1u << d2) <= clp_sched_adjacent(used) &&
                         can_apply(k, g, st, o2, false, &add);
                    if (ok) {
                        apply(k, g, st, o2, false, 1);
                        k->opt[blk[b]].chosen = false;
                        k->opt[o2].chosen = true;
                        to[placed++] = o2;
                    }
                }
                if (ok && st->load[j] + st->load[j2] < before - 1e-9) {
                    *better = true;
                    break; /* the block has moved */
                }
                for (int b = placed - 1; b >= 0; b--) {
                    apply(k, g, st, to[b], false, -1);
                    k->opt[to[b]].chosen = false;
                    k->opt[blk[b]].chosen = true;
                }
                for (int b = 0; b < nb; b++)
                    apply(k, g, st, blk[b], false, 1);
            }
        }
    }
    free(blk);
    free(to);
    return CL_OK;
}

/* The local moves for travel, over each day's route or (star) over a trip from base to each zone. */
static int travel_moves(ctx *k, comp *g, bool star)
{
    const cl_instance *inst = k->inst;
    state st = {0};
    int rc = state_from_chosen(k, g, &st, star);
    if (rc != CL_OK) {
        state_dispose(&st);
        return rc;
    }
    for (int pass = 0; pass < 50; pass++) {
        bool better = false;
        for (int i = 0; i < g->n_clients; i++) {
            int c = g->clients[i], m = k->a->manager[c];
            unsigned used = 0;
            int got = 0, by_m = 0;
            for (int o = k->first[c]; o < k->first[c + 1]; o++)
                if (k->opt[o].chosen) {
                    used |= 1u << k->opt[o].d;
                    got++;
                    by_m += k->opt[o].s == m;
                }
            bool share = inst->clients[c].program == CL_BLENDED && got > 0 && !k->opt[k->first[c]].cover;
            for (int o = k->first[c]; o < k->first[c + 1]; o++) {
                option *op = &k->opt[o];
                if (!op->chosen)
                    continue;
                bool joint = op->joint;
                double before = st.load[jv_of(k, op)] + (joint ? st.load[jp_of(k, op)] : 0);
                apply(k, g, &st, o, joint, -1);
                double freed = before - st.load[jv_of(k, op)] - (joint ? st.load[jp_of(k, op)] : 0);
                unsigned rest = used & ~(1u << op->d);
                int best = -1;
                double bgain = 1e-9;
                /* Level 4 within level 3: at equal travel, a move from a longer day to a shorter one. */
                double was = st.load[jv_of(k, op)] + freed, bload = was - 1e-9;
                for (int o2 = k->first[c]; o2 < k->first[c + 1]; o2++) {
                    option *q = &k->opt[o2];
                    double add;
                    if (o2 == o || (rest >> q->d & 1u) || !can_apply(k, g, &st, o2, joint, &add))
                        continue;
                    if (clp_sched_adjacent(rest | 1u << q->d) > clp_sched_adjacent(used))
                        continue;
                    if (share && by_m - (op->s == m) + (q->s == m) < inst->policy.blended_primary_share * got - 1e-9)
                        continue;
                    if (freed - add > bgain) {
                        bgain = freed - add;
                        best = o2;
                    } else if (bgain <= 1e-9 && !joint && fabs(freed - add) <= 1e-9 &&
                               st.load[jv_of(k, q)] + add < bload) {
                        bload = st.load[jv_of(k, q)] + add;
                        best = o2;
                    }
                }
                if (best < 0) {
                    apply(k, g, &st, o, joint, 1);
                    continue;
                }
                option *q = &k->opt[best];
                op->chosen = op->joint = false;
                q->chosen = true;
                q->joint = joint;
                apply(k, g, &st, best, joint, 1);
                by_m += (q->s == m) - (op->s == m);
                used = rest | 1u << q->d;
                better = true;
            }
        }
        int rc2 = move_blocks(k, g, &st, &better);
        if (rc2 != CL_OK) {
            state_dispose(&st);
            return rc2;
        }
        if (!better)
            break;
    }
    state_dispose(&st);
    return CL_OK;
}

/* The travel of the current choice over each day's route, or -1 when a day does not fit (or out of memory). */
static double route_travel(const ctx *k, const comp *g)
{
    state st = {0};
    double t = 0;
    if (state_from_chosen(k, g, &st, false) != CL_OK)
        t = -1;
    for (int j = 0; j < g->n_sd && t >= 0; j++) {
        if (st.load[j] > k->inst->staff[g->sd_staff[j]].minutes[g->sd_day[j]] + 1e-9 ||
            (g->cut_rows[j] >= 0 && st.count[j] > g->cut_max[j]))
            t = -1;
        else
            t += st.load[j] - st.vm[j];
    }
    state_dispose(&st);
    return t;
}

static void save_choice(const ctx *k, const comp *g, unsigned char *to)
{
    for (int i = 0, q = 0; i < g->n_clients; i++)
        for (int o = k->first[g->clients[i]]; o < k->first[g->clients[i] + 1]; o++)
            to[q++] = (unsigned char)(k->opt[o].chosen | k->opt[o].joint << 1);
}

static void load_choice(ctx *k, comp *g, const unsigned char *from)
{
    for (int i = 0, q = 0; i < g->n_clients; i++)
        for (int o = k->first[g->clients[i]]; o < k->first[g->clients[i] + 1]; o++, q++) {
            k->opt[o].chosen = from[q] & 1;
            k->opt[o].joint = from[q] >> 1 & 1;
        }
}

int clp_sched_travel(ctx *k, comp *g)
{
    /* Two searches from the same choice, and the one whose routes travel less: over the routes, and over
     * trips from base to each zone, which takes other paths (measured on 48 generated agencies of 20-150
     * clients: the route search alone travelled more in 3, by up to 32% on a Blended team). */
    unsigned char *from = malloc((size_t)g->n_opt + 1), *keep = malloc((size_t)g->n_opt + 1);
    int rc = CL_ENOMEM;
    if (!from || !keep)
        goto done;
    save_choice(k, g, from);
    if ((rc = travel_moves(k, g, false)) != CL_OK)
        goto done;
    double by_route = route_travel(k, g);
    save_choice(k, g, keep);
    load_choice(k, g, from);
    if ((rc = travel_moves(k, g, true)) != CL_OK)
        goto done;
    double by_trips = route_travel(k, g);
    if (by_trips < 0 || (by_route >= 0 && by_route <= by_trips))
        load_choice(k, g, keep);
done:
    free(from);
    free(keep);
    return rc;
}
