/* plan.h: an assignment of clients to managers and peers (SPEC §4.5) and its objective values. */
#ifndef CL_PLAN_H
#define CL_PLAN_H

#include <stdbool.h>

#include "instance.h"

typedef enum cl_plan_status { CL_OPTIMAL = 0, CL_TIME_LIMIT = 1, CL_OVER_CAPACITY = 2 } cl_plan_status;

/* The objective levels of SPEC §4.4 and the summary figures of §4.5. Loads of team members and team pools
 * are in FTE, all others in acuity units. */
typedef struct cl_objective {
    double overload;
    double waitlist;
    int moves;
    int peer_moves;
    double imbalance;
    double max_utilization;
    double max_peer_utilization;
    double travel_minutes;
} cl_objective;

/* One point of the rebalance frontier. */
typedef struct cl_frontier_point {
    int moves;
    double imbalance;
    double max_utilization;
} cl_frontier_point;

/* An assignment over an instance: per client index, the manager and peer (staff index or CL_NONE; a client
 * without a manager is on the waitlist) and the words that explain it. */
typedef struct cl_assignment {
    int n_clients;
    int *manager;
    int *peer;
    bool *language_mismatch;
    char **peer_reason; /* why an assigned ADULT_HOME client has no peer; NULL otherwise */
    char **wait_reason; /* why a client waits; NULL otherwise */
    char **move_reason; /* manager move reason code (SPEC §4.5); NULL when not moved */
    char **move_detail; /* the same in a supervisor's words, e.g. "s07 is leaving"; NULL when none */
    char **peer_move_reason;
    cl_plan_status status;
    double seconds;    /* wall time of the solve */
    double clock_s;    /* what it used of its time limit, on the clock limits are read on (clp_now) */
    double gap;        /* relative gap of the level the solve stopped in; 0 when optimal */
    int stopped_level; /* 1..5 when stopped early, 0 otherwise */
    double bound;      /* proven bound of that level */
    cl_objective obj;
    bool has_obj; /* obj was given (a read plan may lack it) */
    cl_frontier_point *frontier;
    int n_frontier;
    char fingerprint[17]; /* hex fingerprint of the instance the plan was made from; "" when unknown */
} cl_assignment;

/* One ranked manager of a recommendation (SPEC §5). */
typedef struct cl_recommendation {
    int staff;        /* staff index */
    cl_objective obj; /* objective levels with the client placed there */
    bool language_mismatch;
} cl_recommendation;

/* Allocates an assignment for n clients: everyone waitlisted, no peers. NULL on no memory. */
cl_assignment *cl_assignment_new(int n_clients);
/* Frees it; NULL is a no-op. */
void cl_assignment_free(cl_assignment *a);

/* Per-staff figures of an assignment. */
typedef struct cl_staff_load {
    int clients;
    double load;        /* acuity units, or FTE for team members */
    double capacity;    /* cl_util_base: acuity capacity, or fte for team members */
    double utilization; /* load / capacity */
} cl_staff_load;

/* Computes the loads per staff member (out has n_staff entries) and, when team_used is not NULL, the FTE
 * used per team (n_teams entries). */
void cl_assignment_loads(const cl_instance *inst, const cl_assignment *a, cl_staff_load *out, double *team_used);

/* Recomputes every objective value of SPEC §4.4 for the assignment: the single definition of each level. */
void cl_assignment_evaluate(const cl_instance *inst, const cl_assignment *a, cl_objective *out);

/* The same from the per-client arrays alone (manager, peer: staff index or CL_NONE). */
void cl_objective_of(const cl_instance *inst, const int *manager, const int *peer, cl_objective *out);

/* Fingerprint of an instance's state (staff, clients, rules): 16 hex digits, for the store (SPEC §8). */
void cl_instance_fingerprint(const cl_instance *inst, char out[17]);

#endif
