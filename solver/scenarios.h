/* scenarios.h: staffing what-ifs (SPEC §7): change lists applied to a copy of an instance, then assign and
 * schedule, run in worker processes, with the metrics of each scenario and the baseline. */
#ifndef CL_SCENARIOS_H
#define CL_SCENARIOS_H

#include <stdbool.h>

#include "../model/cl.h"
#include "../model/instance.h"
#include "../model/plan.h"

/* The ops of a change list (SPEC §7). */
typedef enum cl_op {
    CL_OP_ADD_STAFF = 0,
    CL_OP_REMOVE_STAFF = 1,
    CL_OP_SET_CAP = 2,
    CL_OP_SCALE_DEMAND = 3,
    CL_OP_SET_POLICY = 4,
    CL_OP_DISSOLVE_TEAM = 5,
    CL_NOPS = 6
} cl_op;

extern const char *const cl_op_names[CL_NOPS]; /* "add_staff" .. "dissolve_team" */

/* Which policy keys a set_policy op sets (bits of cl_change.policy_set). */
enum {
    CL_POLICY_MAX_MOVES = 1,
    CL_POLICY_BLENDED_SHARE = 2,
    CL_POLICY_ON_CALL_DAYS = 4,
    CL_POLICY_TIME_LIMIT = 8,
    CL_POLICY_GAP = 16
};

/* One change of a scenario. Strings are owned by the change (freed with its scenario set). Which fields
 * mean something depends on op; the others keep the values of cl_change_init. */
typedef struct cl_change {
    cl_op op;
    int program;      /* add_staff, set_cap, scale_demand: cl_program or CL_NONE */
    int count;        /* add_staff: how many (default 1) */
    double fte;       /* add_staff: FTE of each (default 1) */
    char *zone;       /* add_staff: home zone, NULL = none */
    char **languages; /* add_staff: NULL = ["en"] */
    int n_languages;
    double caseload_cap;      /* add_staff (< 0 = program's), set_cap (clients per 1.0 FTE) */
    double peer_caseload_cap; /* set_cap on ADULT_HOME: the peers' cap too; < 0 = unchanged */
    char *team;               /* add_staff: team to join, NULL = none; dissolve_team: the team */
    cl_role role;             /* add_staff: CL_MANAGER (default) or CL_PEER */
    char **ids;               /* remove_staff: staff ids */
    int n_ids;
    char *staff;         /* set_cap: one staff member instead of a program, NULL otherwise */
    double factor;       /* scale_demand: > 0 */
    unsigned policy_set; /* set_policy: CL_POLICY_* bits of the keys given */
    cl_policy policy;    /* set_policy: their values */
} cl_change;

/* How a scenario's assignment is made: assign (continuity first, the default of SPEC §7) or rebalance
 * (balance first, §5). */
typedef enum cl_scenario_plan { CL_PLAN_ASSIGN = 0, CL_PLAN_REBALANCE = 1 } cl_scenario_plan;

typedef struct cl_scenario {
    char *name;
    cl_scenario_plan plan;
    double target_utilization; /* 0, or a utilization target the plan holds as a rule (staffing's scenario:
                                  every limit at most this share of capacity; the metrics use the true caps) */
    cl_change *changes;
    int n_changes;
} cl_scenario;

/* A scenarios file: the scenarios in the order given. */
typedef struct cl_scenario_set {
    cl_scenario *items;
    int n;
} cl_scenario_set;

/* Sets a change to the defaults of op (count 1, fte 1, role manager, everything else unset). */
void cl_change_init(cl_change *ch, cl_op op);
/* Frees what a change owns (not the struct). */
void cl_change_dispose(cl_change *ch);
/* Allocates an empty set; NULL on no memory. */
cl_scenario_set *cl_scenario_set_new(void);
/* Frees a set and everything it owns; NULL is a no-op. */
void cl_scenario_set_free(cl_scenario_set *set);
/* Appends a scenario named name (copied) with no changes; returns its index, or CL_ENOMEM. */
int cl_scenario_set_add(cl_scenario_set *set, const char *name);
/* Appends a change to scenario i (the struct is moved in: the set owns its strings from now on). Returns 0 or
 * CL_ENOMEM (the change is disposed then). */
int cl_scenario_add_change(cl_scenario_set *set, int i, cl_change *ch);

/* Checks every change of every scenario against inst: unknown staff, teams, zones, programs a change cannot
 * name, too many languages; then applies each scenario to a copy and checks the result with
 * cl_instance_validate. Every problem goes to diags with its JSON path in the scenarios file
 * ("scenarios[1].changes[0].ids[2]"). Returns 0 when none is an error, CL_EINVALID, or CL_ENOMEM. */
int cl_scenarios_check(const cl_instance *inst, const cl_scenario_set *set, cl_diags *diags);

/* Applies the changes of scenario sc to inst in place, in order, calling cl_instance_resolve after each.
 * Semantics (SPEC §7 is terse; this is the reading):
 * - add_staff: count new staff with fte, zone, languages (default ["en"]), caseload_cap, team and role;
 *   ids "new-<PROGRAM>-<n>" ("new-peer-<n>" for peers), n from 1 up, skipping ids already in use. Minutes
 *   are 480 x fte on each week day; on call as the SPEC defaults (managers yes, peers no).
 * - remove_staff: the staff become inactive (active false): their clients must move, which is what the
 *   assignment does with inactive managers; a removed team member no longer counts in its pool.
 * - set_cap on a program: the program's caseload_cap (and peer_caseload_cap for ADULT_HOME when given);
 *   staff with their own caseload_cap keep it. On a staff member: that member's own cap.
 * - scale_demand: the program's clients (intakes included) become round(n x factor). Up: copies of the
 *   program's clients, spread evenly over them in instance order, added as intakes "<id>-copy<k>" (no
 *   manager or peer, active status, no contacts this month, the source's acuity, priority, zone, languages,
 *   days, level, residence and avoid). Down: intakes are removed first (highest id first), then existing
 *   clients (highest id first).
 * - set_policy: the keys given replace the instance's.
 * - dissolve_team: the members leave the team and become standalone managers of their own program; the
 *   BLENDED clients whose current manager was a member become clients of their level's program, keeping
 *   their manager (who may then no longer serve them: an ICM member's SCM-level client must move). BLENDED
 *   intakes stay BLENDED while another team exists, and become intakes of their level's program when the
 *   last team is dissolved.
 * Returns 0, CL_EINVALID (a reference that does not resolve; err says where) or CL_ENOMEM; after a failure
 * inst is in a valid but partly changed state. */
int cl_scenario_apply(cl_instance *inst, const cl_scenario_set *set, int i, cl_error *err);

/* The metrics of one run (SPEC §7). Fixed size and pointer free: it travels through pipes from workers. */
typedef struct cl_scenario_metrics {
    int code; /* CL_OK, or the failure of this run (error says what) */
    char error[512];
    cl_plan_status assign_status; /* optimal, time_limit, over_capacity */
    bool schedule_estimated;      /* the scheduler failed: the week's figures are an estimate */
    bool schedule_time_limit;     /* the schedule solve stopped at its time limit */
    int clients;                  /* clients in the scenario's instance */
    int served;                   /* clients with a manager */
    int waitlisted;               /* clients without one */
    int waitlisted_by_program[CL_NPROGRAMS];
    double waitlist; /* sum of acuity x priority of waitlisted clients (level 2) */
    double overload; /* level 1, acuity units and FTE */
    int moves;
    int peer_moves;
    double imbalance;
    double max_utilization;  /* over active case managers */
    double mean_utilization; /* plain mean over active case managers */
    double max_peer_utilization;
    int required;                 /* the week's contacts required (SPEC §6.1) */
    int scheduled;                /* of them, scheduled */
    double coverage;              /* scheduled / required */
    double travel_minutes;        /* the week's driving in the schedule */
    double assign_travel_minutes; /* level 5 of the assignment: client zone to manager zone, summed */
    double fte[CL_NPROGRAMS + 1]; /* active case managers' FTE per program (BLENDED: team members); the
                                     last entry: peer specialists */
    int staff_active;             /* active staff, managers and peers */
    double seconds;               /* wall time of the run (not part of the output: it varies) */
} cl_scenario_metrics;

/* Called in the parent each time a run finishes: done of total, the scenario's name ("baseline" for the
 * baseline) and its seconds. */
typedef void (*cl_scenarios_progress_fn)(void *ctx, int done, int total, const char *name, double seconds);

typedef struct cl_scenarios_opts {
    int jobs;            /* worker processes; 1 = run in this process; default 1 */
    double time_limit_s; /* per solve (each assign and each schedule); default 60; a scenario's own
                            policy.time_limit wins unless time_limit_given */
    bool time_limit_given;
    double gap; /* default 0 */
    bool gap_given;
    cl_scenarios_progress_fn progress; /* NULL = silent */
    void *progress_ctx;
} cl_scenarios_opts;

void cl_scenarios_opts_init(cl_scenarios_opts *o);

/* Runs the baseline and every scenario of set on inst: a copy, the changes, assign (or rebalance), then the
 * week's schedule. With jobs > 1 the runs are spread over that many forked worker processes (GLPK is not
 * thread safe) that send their metrics back through pipes; the metrics are the same as with jobs = 1.
 * *out (caller frees) holds set->n + 1 entries: [0] the baseline, [i + 1] scenario i. A run that fails has
 * its code and error set; that is not a failure of the call. Returns 0, CL_EUSAGE (bad options), CL_ENOMEM,
 * CL_EINTERNAL (no worker could be started). */
int cl_scenarios_run(cl_scenario_metrics **out, const cl_instance *inst, const cl_scenario_set *set,
                     const cl_scenarios_opts *opts, cl_error *err);

/* Computes the metrics of an assignment of inst (everything but the schedule's figures). */
void cl_scenario_metrics_of(const cl_instance *inst, const cl_assignment *a, cl_scenario_metrics *out);

/* Private to solver/: the week's figures (required, scheduled, coverage, travel) of assignment a of inst
 * into m: the one place that asks the scheduler. */
void clp_scenario_schedule_figures(const cl_instance *inst, const cl_assignment *a, double time_limit_s, double gap,
                                   cl_scenario_metrics *m);

#endif
