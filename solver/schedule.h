/* schedule.h: the week's visits and the on-call rota (SPEC §6). */
#ifndef CL_SCHEDULE_H
#define CL_SCHEDULE_H

#include <stdbool.h>

#include "../model/cl.h"
#include "../model/instance.h"
#include "../model/plan.h"

/* The schedule of a week; opaque, read through the functions below. */
typedef struct cl_schedule cl_schedule;

/* Options of a schedule solve; fill with cl_schedule_opts_init. */
typedef struct cl_schedule_opts {
    double time_limit_s; /* default 60 */
    double gap;          /* default 0 */
    bool progress;       /* progress on standard error after a second */
} cl_schedule_opts;

void cl_schedule_opts_init(cl_schedule_opts *o);

/* Headline figures of a schedule (SPEC §6.4 metrics). */
typedef struct cl_schedule_metrics {
    int required;          /* sum of weekly quotas of assigned clients */
    int scheduled;         /* sum of min(required, scheduled) */
    double coverage;       /* scheduled / required (1 when nothing is required) */
    double coverage_bound; /* best coverage any schedule could reach given days alone */
    double travel_minutes;
} cl_schedule_metrics;

/* One visit as one staff member sees it; a joint visit is two records, each naming the other. */
typedef struct cl_visit {
    int client;       /* client index */
    int staff;        /* staff index */
    int day;          /* 0 = mon .. 6 = sun */
    int start_min;    /* minutes after midnight */
    int end_min;      /* minutes after midnight */
    int zone;         /* zone index, CL_NONE when the client has none */
    int joint_with;   /* staff index of the other staff member of a joint visit, CL_NONE */
    int covering_for; /* staff index of the manager this visit covers for, CL_NONE */
} cl_visit;

/* One on-call day of one group: team index, or CL_NONE for the agency. */
typedef struct cl_on_call {
    int team;  /* CL_NONE = group "agency" */
    int day;   /* 0..6 */
    int staff; /* staff index, CL_NONE when nobody could be on call */
} cl_on_call;

/* One client whose visits fall short of its quota, and why in plain words. */
typedef struct cl_shortfall {
    int client;
    int required;
    int scheduled;
    const char *reason; /* owned by the schedule */
} cl_shortfall;

/* The figures of one staff member's day, from its visits. */
typedef struct cl_staff_day {
    int staff;
    int day;
    int visits;
    int visit_minutes;
    int travel_minutes; /* base to first visit, between visits, last visit back to base */
    int end_min;        /* back at base, minutes after midnight */
} cl_staff_day;

/* Per client: the manager and peer the schedule was made for (from the assignment) and the counts. */
typedef struct cl_schedule_client {
    int manager;   /* staff index, CL_NONE = waitlisted (no quota) */
    int peer;      /* staff index, CL_NONE */
    int required;  /* cl_weekly_quota, 0 when waitlisted */
    int scheduled; /* contacts this week (a joint visit counts once) */
} cl_schedule_client;

/* Plans the week for inst under assignment a (managers and peers per client). Returns 0 with *out set
 * (caller frees with cl_schedule_free); a shortfall is an answer. CL_EUSAGE for bad options, CL_ENOMEM,
 * CL_EINTERNAL. */
int cl_schedule_solve(cl_schedule **out, const cl_instance *inst, const cl_assignment *a, const cl_schedule_opts *opts,
                      cl_error *err);
void cl_schedule_free(cl_schedule *s);
cl_schedule_metrics cl_schedule_metrics_of(const cl_schedule *s);

/* Borrowed views of a schedule's records; *n receives the count. Visits are sorted by staff, day, start;
 * staff days by staff and day; on-call by group (agency first, then teams in order) and day. */
const cl_visit *cl_schedule_visits(const cl_schedule *s, int *n);
const cl_on_call *cl_schedule_on_call(const cl_schedule *s, int *n);
const cl_shortfall *cl_schedule_shortfalls(const cl_schedule *s, int *n);
const cl_staff_day *cl_schedule_staff_days(const cl_schedule *s, int *n);
/* Per client (inst->n_clients entries). */
const cl_schedule_client *cl_schedule_clients(const cl_schedule *s);
/* How far the solve got for shortfall and spread: proven optimal, a time limit stopped a level, or a level was
 * left to the heuristics. Travel and the latest end are proven where GLPK closes them within their share of the
 * work; cl_schedule_unproven says which are not. */
typedef enum cl_schedule_status {
    CL_SCHED_OPTIMAL = 0,
    CL_SCHED_TIME_LIMIT = 1,
    CL_SCHED_FEASIBLE = 2
} cl_schedule_status;
/* "optimal", "time_limit", "feasible". */
extern const char *const cl_schedule_status_names[3];
/* Wall-clock seconds of the solve, and its status. */
double cl_schedule_seconds(const cl_schedule *s);
cl_schedule_status cl_schedule_status_of(const cl_schedule *s);
/* True when a time limit stopped a part of the solve (status CL_SCHED_TIME_LIMIT). */
bool cl_schedule_time_limited(const cl_schedule *s);
/* The levels after spread not proven optimal: CL_SCHED_TRAVEL and/or CL_SCHED_LATEST_END bits. */
enum { CL_SCHED_TRAVEL = 1, CL_SCHED_LATEST_END = 2 };
unsigned cl_schedule_unproven(const cl_schedule *s);

/* Builds a schedule from records, e.g. read from a file: the caller adds the records, then calls
 * cl_schedule_finish, which sorts them and computes staff days, counts and metrics. manager and peer
 * (n_clients entries each, copied) say who holds each client. Returns NULL on no memory. */
cl_schedule *cl_schedule_new(const cl_instance *inst, const int *manager, const int *peer);
int cl_schedule_add_visit(cl_schedule *s, const cl_visit *v);
int cl_schedule_add_on_call(cl_schedule *s, const cl_on_call *o);
int cl_schedule_add_shortfall(cl_schedule *s, int client, const char *reason);
int cl_schedule_finish(cl_schedule *s, const cl_instance *inst);

/* Checks a schedule against every hard rule of SPEC §6.2 and its stated figures against the recomputed
 * ones; appends one plain-words breach per problem. Returns the number of breaches added. */
int cl_schedule_verify(const cl_instance *inst, const cl_schedule *s, cl_diags *breaches);

/* Renders a schedule as caseload-schedule/1, deterministic. Caller frees; NULL on no memory. */
char *cl_schedule_to_json(const cl_instance *inst, const cl_schedule *s);

/* Reads a caseload-schedule/1 file against inst (io/schedule_json.c). Unknown ids and malformed entries are
 * reported in diags with their JSON paths and skipped. The schedule's stated metrics go to *claimed (may be
 * NULL) and *has_claimed says whether they were present. Returns 0 with *out set, CL_EINVALID (not a
 * schedule), CL_EIO, CL_ENOMEM. */
int cl_schedule_read(cl_schedule **out, cl_schedule_metrics *claimed, bool *has_claimed, const cl_instance *inst,
                     const char *path, cl_diags *diags, cl_error *err);

/* Can dir hold the calendars: a folder this process may write into, or a missing one whose parent is (the
 * writer makes it)? Returns 0 or CL_EIO saying why. */
int cl_ics_folder_check(const char *dir, cl_error *err);
/* Writes one RFC 5545 calendar per staff member into dir (DIR/<id>.ics, cl_ics_folder_check first), clients
 * named by id only. Returns 0 or CL_EIO. */
int cl_schedule_write_ics(const cl_instance *inst, const cl_schedule *s, const char *dir, cl_error *err);

/* Reads a caseload-schedule/1 file and checks it against every hard rule of SPEC §6; breaches go to
 * breaches, reading problems to diags. Returns 0, CL_EINVALID (not a schedule), CL_EIO. */
int cl_schedule_verify_file(const cl_instance *inst, const char *path, cl_diags *diags, cl_diags *breaches,
                            cl_error *err);

/* For the library's own files (solver/, io/): not part of the public API. */

/* Days (bit d) of the week on which staff s works (minutes > 0). */
unsigned clp_staff_workdays(const cl_instance *inst, int s);
/* Days of the week on which client c can be seen. */
unsigned clp_client_days(const cl_instance *inst, int c);
/* May staff s visit client c, whose manager is m (SPEC §6.2 "who visits")? *covering is set when the
 * visit covers for m because m works none of the client's days. Peers are not visitors of their own. */
bool clp_may_visit(const cl_instance *inst, int c, int m, int s, bool *covering);
/* Days on which client c (manager m, peer p) could be visited at all, from working days alone; for an
 * ADULT_HOME client with a peer, 0 when no day lets the peer join a visit. */
unsigned clp_possible_days(const cl_instance *inst, int c, int m, int p);
/* The most visits client c (manager m, not covered for) can have this week on `days` when m can make those on
 * `own` of them: its quota, and for a BLENDED client the visits whose primary share (at least
 * ceil(blended_primary_share x visits) by m, SPEC §6.2) `own` days can carry. */
int clp_most_visits(const cl_instance *inst, int c, bool covered, unsigned days, unsigned own, int quota);
/* Records the solve's wall-clock seconds, status and the levels after spread left unproven. */
void clp_schedule_set_solve_info(cl_schedule *s, double seconds, cl_schedule_status status, unsigned unproven);
/* The on-call rota (SPEC §6.2): one entry per group and day of policy.on_call_days, even per FTE, no two
 * days in a row where avoidable. Adds the entries to s. Returns 0 or CL_ENOMEM / CL_EINTERNAL. */
int clp_on_call_solve(cl_schedule *s, const cl_instance *inst, double time_limit_s);
/* Number of days between the week's start date and day d's date (day d's date = start + offset). */
int clp_day_offset(const cl_instance *inst, int d);

#endif
