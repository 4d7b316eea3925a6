/* instance.h: the caseload/1 domain in plain C: programs and their presets, staff, clients, teams, policy. */
#ifndef CL_INSTANCE_H
#define CL_INSTANCE_H

#include <stdbool.h>
#include <stdint.h>

#include "cl.h"

/* Programs (SPEC §1). A staff member serves CL_ICM, CL_SCM or CL_ADULT_HOME; clients may also be CL_BLENDED. */
typedef enum cl_program { CL_ICM = 0, CL_SCM = 1, CL_BLENDED = 2, CL_ADULT_HOME = 3, CL_NPROGRAMS = 4 } cl_program;

typedef enum cl_role { CL_MANAGER = 0, CL_PEER = 1 } cl_role;

enum { CL_NDAYS = 7, CL_MAX_LANGS = 64, CL_NONE = -1 };

/* The per-program rules of SPEC §1, overridable per instance (§3.2). */
typedef struct cl_program_rules {
    double caseload_cap;    /* clients (acuity units) per 1.0 FTE */
    int contacts_per_month; /* face-to-face contacts a month */
    int min_contacts_per_week;
    int visit_minutes;        /* minutes of one visit */
    double peer_caseload_cap; /* ADULT_HOME only: peer specialist's cap per 1.0 FTE */
} cl_program_rules;

typedef struct cl_staff {
    char *id;
    cl_role role;
    int program;           /* cl_program, CL_NONE for a peer without one */
    int team;              /* index into teams, CL_NONE outside teams */
    double fte;            /* 0 < fte <= 1 */
    double caseload_cap;   /* clients per 1.0 FTE, resolved (own or program's) */
    bool cap_set;          /* caseload_cap was given on the staff member */
    int zone;              /* index into zones, CL_NONE */
    uint64_t langs;        /* bit i: the instance's language i */
    int minutes[CL_NDAYS]; /* working minutes per day; 0 = off */
    bool minutes_set;      /* minutes were given explicitly */
    bool on_call;
    bool active;
} cl_staff;

typedef struct cl_client {
    char *id;
    cl_program program;
    cl_program level; /* CL_ICM or CL_SCM for BLENDED; the program itself otherwise */
    bool transitional;
    double acuity;   /* 0.25..4 */
    double priority; /* >= 1 */
    int zone;        /* CL_NONE */
    uint64_t langs;  /* needs one of these */
    int manager;     /* staff index, CL_NONE = intake */
    int peer;        /* staff index, CL_NONE */
    bool keep;
    int *avoid; /* staff indices */
    int n_avoid;
    unsigned days; /* bit d: can be seen on day d (0 = mon) */
    bool days_set;
    int contacts_this_month;
    char *residence;   /* NULL */
    int visit_minutes; /* resolved (own or the level's) */
    bool visit_minutes_set;
} cl_client;

typedef struct cl_team {
    char *id;
    int *members; /* staff indices, in the order given */
    int n_members;
    double flex; /* a member may carry fte * (1 + flex) */
} cl_team;

typedef struct cl_policy {
    int max_moves;                /* CL_NONE when unset */
    double blended_primary_share; /* 0..1 */
    unsigned on_call_days;        /* day mask */
    double time_limit_s;          /* < 0 when unset */
    double gap;                   /* < 0 when unset */
    double utilization_target;    /* 0, or a scenario's target held as a rule: every limit at most this share
                                     of the staff member's capacity (the team's FTE); never read from a file */
} cl_policy;

typedef struct cl_instance {
    char *name;
    char week_start[11]; /* YYYY-MM-DD */
    unsigned week_days;  /* day mask */
    bool week_days_set;
    int day_start_min; /* minutes after midnight */
    int weeks_left_in_month;
    cl_program_rules programs[CL_NPROGRAMS];
    bool program_set[CL_NPROGRAMS][5]; /* which rule fields the instance overrides */
    char **zones;
    int n_zones;
    int *travel; /* n_zones * n_zones minutes, row = from; NULL without zones */
    char *langs[CL_MAX_LANGS];
    int n_langs;
    cl_team *teams;
    int n_teams;
    cl_staff *staff;
    int n_staff;
    cl_client *clients;
    int n_clients;
    cl_policy policy;
    /* Indexes by id for fast look-up, built by cl_instance_index (and cl_instance_resolve); used only while
     * their sizes match n_staff and n_clients, otherwise look-ups search linearly. */
    int *staff_by_id, n_staff_by_id;
    int *clients_by_id, n_clients_by_id;
} cl_instance;

extern const char *const cl_program_names[CL_NPROGRAMS]; /* "ICM", "SCM", "BLENDED", "ADULT_HOME" */
extern const char *const cl_day_names[CL_NDAYS];         /* "mon" .. "sun" */

/* Parses a program name; returns the cl_program or CL_NONE. */
int cl_program_parse(const char *s);
/* Parses a day name; returns 0..6 or CL_NONE. */
int cl_day_parse(const char *s);

/* Allocates an empty instance with every default of SPEC §1 and §3 set. Returns NULL on no memory. */
cl_instance *cl_instance_new(void);
/* Frees an instance and everything it owns. NULL is a no-op. */
void cl_instance_free(cl_instance *inst);
/* Deep copy; NULL on no memory. */
cl_instance *cl_instance_clone(const cl_instance *inst);

/* Interns a language code; returns its index, or CL_NONE when CL_MAX_LANGS are in use or no memory. */
int cl_instance_lang(cl_instance *inst, const char *code);
/* Finds ids: index or CL_NONE. */
int cl_instance_find_staff(const cl_instance *inst, const char *id);
int cl_instance_find_client(const cl_instance *inst, const char *id);
int cl_instance_find_team(const cl_instance *inst, const char *id);
int cl_instance_find_zone(const cl_instance *inst, const char *id);

/* Resolves derived fields after loading or after a change: staff caps, client visit minutes and
 * default days and minutes, from the program rules. Call after any edit of program rules. */
void cl_instance_resolve(cl_instance *inst);

/* (Re)builds the id indexes of staff and clients. Call after adding, removing or renaming records. */
void cl_instance_index(cl_instance *inst);

/* Travel minutes between two zones; 0 when either is CL_NONE. */
int cl_instance_travel(const cl_instance *inst, int from_zone, int to_zone);

/* True when s is a valid id: [A-Za-z0-9._-], 1..64 chars, not "." or "..". */
bool cl_id_valid(const char *s);

/* Checks the value rules of SPEC §3.6 that do not depend on JSON (ranges, references between
 * records, team membership) and appends each problem to diags with its JSON path. */
void cl_instance_validate(const cl_instance *inst, cl_diags *diags);

#endif
