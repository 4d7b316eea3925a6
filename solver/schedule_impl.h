/* schedule_impl.h: what the week planner's own files share (solver/schedule_solve.c, schedule_local.c): the
 * options, the per-run context, one group's MIP and the estimated load of its staff-days. Not installed
 * API; private cross-file helpers carry the clp_sched_ prefix. */
#ifndef CL_SCHEDULE_IMPL_H
#define CL_SCHEDULE_IMPL_H

#include <stdbool.h>

#include "backend.h"
#include "schedule.h"

/* Groups with more columns than this are not handed to GLPK: measured on generated agencies, its search
 * found no better solution than the greedy one in a minute on the 4,500-column adult-home group of 2,500
 * clients, while groups of up to a few hundred columns are proven in well under a second. */
#define CL_SCHED_MIP_COLS 2500

/* The work (in seconds of the benchmark machine) GLPK may spend on each of a group's travel and latest-end
 * solves (again after a cut), in shares of the time limit: CL_SCHED_ROUTE_SHARE divided among the groups by their
 * options, and CL_SCHED_ROUTE_FLOOR more each. Measured (2-core EPYC, the default limit of 60 s, bench/gen.py agencies
 * of 150, 600 and 2,500 clients): share 0.005 with a floor of 0.01 s proves 7, 28 and 82 of 11, 37 and 140 groups (the
 * week 0.8, 2.5, 3.1 s); a floor of 0.03 s, 7, 30 and 104 (1.2, 2.9, 4.4 s); 0.06 s, 7, 30 and 110 (1.2, 2.8, 7.2 s).
 * What stays unproven is mostly the adult-home groups and the Blended teams, whose LP bound is far below (e.g. 1,439
 * against 2,540). A share of 0.02 took 3-6 s for at most 0.3% less travel. A shorter limit (scenarios run each schedule
 * at --time-limit) gives less. */
#define CL_SCHED_ROUTE_SHARE 0.005
/* Groups with more columns than this keep the local moves' travel and latest end: measured on the same agencies,
 * GLPK improved on no group of over 300 columns within its share (the same travel to the minute with this
 * limit at 300, 600 or 2,500), while its root LPs took most of the week's time (600 clients: 2.5 -> 0.9 s). */
#define CL_SCHED_ROUTE_COLS  600
#define CL_SCHED_ROUTE_FLOOR (0.03 / 60)

/* A staff-day whose visits may fall in up to this many zones gets, in the MIP, a row for every set of its
 * zones that must be entered from outside when one of them is visited (at most 75 rows); beyond, such rows are
 * added only for the sets a solution leaves unreached from base. */
#define CL_SCHED_SUBSET_ZONES 5

/* One way to make a visit: client c seen by staff s on day d; joint_ok when the peer works that day too. */
typedef struct option {
    int c, s, d;
    bool joint_ok;
    bool cover;
    int x, y;     /* MIP columns (y = CL_NONE without a joint option) */
    bool chosen;  /* in the current solution */
    bool joint;   /* chosen as the joint visit */
    bool dropped; /* removed for good by the last-resort repair */
    int start;    /* minutes after midnight, from sequencing */
} option;

/* One run of the planner: the inputs, every option of every client, and scratch shared by the groups. */
typedef struct ctx {
    const cl_instance *inst;
    const cl_assignment *a;
    const cl_schedule_opts *opts;
    double t0;
    bool limited;     /* a time limit stopped a level */
    bool unproven;    /* a level was left to the heuristics without a proof */
    bool travel_open; /* level 3 (travel) is not proven for some group */
    /* Level 4 (the latest end of any staff-day) is proven when the latest end as sequenced is no later than
     * the best latest end some group can have (given its travel): the largest of the groups' bounds. */
    double end_real, end_bound;
    int *quota;  /* per client */
    option *opt; /* all options, grouped by client */
    int n_opt;
    int *first;    /* per client: first option, n_clients + 1 entries */
    int *comp;     /* per staff: component root */
    int *sd_index; /* per staff * 7 + day: staff-day index inside the component being solved, -1 */
    int *shortest; /* n_zones^2: shortest travel from zone to zone by any path, or NULL */
    int *vis;      /* scratch: one client's possible visitors, their working days, covering or not */
    unsigned *vis_days;
    bool *vis_cover;
} ctx;

/* One group of staff that share clients, and its day-assignment MIP. */
typedef struct comp {
    int *clients;
    int n_clients;
    int n_opt;              /* options of its clients */
    int *sd_staff, *sd_day; /* staff-days touched */
    int n_sd;
    int *cut_rows; /* per staff-day: the cut row or -1 */
    int *cut_max;  /* per staff-day: current cut bound */
    clp_mip *mip;
    int L;     /* latest-end column */
    int *wcol; /* n_sd * nz: zone-used columns or -1 */
    int *acol; /* per client * 7: adjacency columns or -1 */
    int nz;
    /* Routes: per staff-day, (nz + 1)^2 leg columns or -1, leg[(j * (nz + 1) + a) * (nz + 1) + b] from zone a
     * to zone b, index nz being the staff member's base; ucol: the day is used (its base is left once). */
    int *leg;
    int *ucol;
    bool routed;   /* GLPK solved the travel level (its legs hold a solution) */
    double travel; /* the travel level's proven optimum (when solved), -1 otherwise */
    double end;    /* a bound on the group's latest end given its travel (its optimum when proven), -1 if none */
} comp;

/* The load of each staff-day of a group under the current choice: visit minutes and the travel of its route
 * with each zone's visits one after the other in the best order of zones (exact when the travel matrix makes
 * such routes the shortest, e.g. when every zone's own travel is its shortest). */
typedef struct state {
    double *load;  /* per staff-day: minutes used */
    int *zcnt;     /* per staff-day * zones: visits in that zone */
    int *tour;     /* per staff-day: travel of the best tour of its zones from base and back, one leg each */
    int *zl;       /* scratch: a staff-day's zones */
    double *vm;    /* per staff-day: visit minutes */
    bool star;     /* count every day as trips from base to each zone (as days with joint visits are) */
    int *count;    /* per staff-day: visits, own and joint as the peer (for the cuts) */
    int *partner;  /* per staff-day: the last staff member joint visits were booked with that day, -1 */
    int *npartner; /* per staff-day: joint visits booked */
} state;

/* Zones as the planner counts them: the agency's, and one more (index n_zones) for clients without a zone, to
 * and from which travel takes no time (SPEC: travel is between zones); no zones at all: one, index 0 unused. */
static inline int clp_sched_nz(const ctx *k)
{
    return k->inst->n_zones > 0 ? k->inst->n_zones + 1 : 1;
}

static inline int clp_sched_tr(const ctx *k, int from, int to)
{
    return from >= k->inst->n_zones || to >= k->inst->n_zones ? 0 : cl_instance_travel(k->inst, from, to);
}

/* Client c's zone as the planner counts it (-1 only when the agency has no zones). */
static inline int clp_sched_zone(const ctx *k, int c)
{
    int z = k->inst->clients[c].zone;
    return z >= 0 || k->inst->n_zones == 0 ? z : k->inst->n_zones;
}

static inline int clp_sched_peer(const ctx *k, int c)
{
    return k->inst->clients[c].program == CL_ADULT_HOME ? k->a->peer[c] : CL_NONE;
}

/* The best order of the n zones zl (each once) from zone `from` to zone `to` (Held-Karp; in the given order
 * beyond 12 zones): returns its travel and, when order is not NULL, writes the order as indices into zl. */
int clp_sched_tour(const ctx *k, int from, int to, const int *zl, int n, int *order);
/* The travel of a route from the base of staff member s through cnt[z] visits in each zone z (clp_sched_nz
 * entries), each zone's visits one after the other, back to base; writes the order of zones to order
 * (clp_sched_nz entries) when not NULL and returns the number of zones in it in *nused. */
int clp_sched_route(const ctx *k, int s, const int *cnt, int *order, int *nused);

static inline int clp_sched_adjacent(unsigned days)
{
    int n = 0;
    for (int d = 0; d + 1 < CL_NDAYS; d++)
        n += (days >> d & 1u) && (days >> (d + 1) & 1u);
    return n;
}

static inline int clp_sched_bits(unsigned x)
{
    int n = 0;
    for (; x; x &= x - 1)
        n++;
    return n;
}

/* Level 1 start: chooses visits greedily (tightest clients first), then repairs with one move each; every row
 * of the group's MIP is kept. Sets chosen and joint. Returns 0 or CL_ENOMEM. */
int clp_sched_greedy(ctx *k, comp *g);
/* Level-1 value of the current choice and the most any schedule of the group could reach (days alone). */
void clp_sched_level1(const ctx *k, const comp *g, double *have, double *most);
/* Spread of the current choice, and a floor no schedule as good on level 1 goes below. */
void clp_sched_spread(const ctx *k, const comp *g, int *have, int *floor_);
/* Level 2 by local moves that keep level 1 and every row of the MIP. Returns 0 or CL_ENOMEM. */
int clp_sched_spread_moves(ctx *k, comp *g);
/* Levels 3 and 4 by local moves that keep levels 1 and 2. Returns 0 or CL_ENOMEM. */
int clp_sched_travel(ctx *k, comp *g);

#endif
