/* store.h: the SQLite store of SPEC §8: the agency's current state, its contact log, audit trail and history. */
#ifndef CL_STORE_H
#define CL_STORE_H

#include "../model/cl.h"
#include "../model/instance.h"

/* An open store. Single-threaded: one handle per thread. Several processes may open the same file; writers
 * take turns (each write is one transaction that waits for the other up to busy_timeout_ms). */
typedef struct cl_store cl_store;

/* The schema version this build writes (PRAGMA user_version). Older stores are migrated when opened. */
#define CL_STORE_SCHEMA 2

typedef struct cl_store_opts {
    int busy_timeout_ms; /* how long to wait for another writer before CL_EBUSY; default 5000, >= 0 */
} cl_store_opts;

/* Fills o with the defaults. */
void cl_store_opts_init(cl_store_opts *o);

/* Creates a new, empty store at path: mode 0600 (it holds health data), WAL journal, the current schema.
 * Refuses a path that exists. Returns 0, CL_EIO (exists, or cannot be created: err says why), CL_ENOMEM.
 * Nothing is left behind on failure. */
int cl_store_create(const char *path, cl_error *err);

/* Opens an existing store (opts NULL = defaults) and migrates an older schema in one transaction.
 * Returns 0 with *out set (close it with cl_store_close), CL_EIO (no such file: err says to run init),
 * CL_EINVALID (not a caseload store, or one made by a newer version), CL_EBUSY, CL_EUSAGE (bad opts),
 * CL_ENOMEM. */
int cl_store_open(cl_store **out, const char *path, const cl_store_opts *opts, cl_error *err);

/* Closes the store; NULL is a no-op. */
void cl_store_close(cl_store *st);

/* Checks the file itself: PRAGMA integrity_check and foreign_key_check. Returns 0 when both find nothing,
 * CL_EINVALID with the first problem in err, CL_EBUSY, CL_EIO, CL_ENOMEM. */
int cl_store_check(cl_store *st, cl_error *err);

/* Reads the current state as an instance: the stored staff, clients, teams and rules, each client's
 * manager and peer as last imported or applied, and contacts_this_month from the contact log (the log's
 * contacts in the calendar month of week.start dated before week.start, plus those an import reported
 * beyond the log). Returns 0 with *out set (cl_instance_free it), CL_EINVALID (the stored state does not
 * validate: err names the path), CL_EIO, CL_ENOMEM. */
int cl_store_state(cl_instance **out, cl_store *st, cl_error *err);

/* Opens the store at path with default options, reads its state (cl_store_state) and closes it. */
int cl_store_load(cl_instance **out, const char *path, cl_error *err);

/* Writes the current state as caseload/1 text (caller frees): import then export gives the same instance
 * back. Returns 0 with *out set, CL_EINVALID, CL_EIO, CL_ENOMEM. */
int cl_store_export(char **out, cl_store *st, cl_error *err);

/* Makes inst (validated by the caller, e.g. cl_instance_read) the current state in one transaction:
 * staff, clients, teams and rules are replaced; the contact log of clients still present is kept, and a
 * client's contacts_this_month beyond what the log holds is kept beside it. The previous assignment goes to
 * the history and an audit row records who (by) and from where (source, e.g. the file name).
 * Returns 0, CL_EBUSY (another writer held the store longer than the busy timeout), CL_EINVALID, CL_EIO,
 * CL_ENOMEM. */
int cl_store_import(cl_store *st, const cl_instance *inst, const char *by, const char *source, cl_error *err);

/* Imports staff and/or clients from CSV files (either may be NULL: that part of the state stays): columns
 * are the caseload/1 field names, list fields ;-separated, minutes_mon ... minutes_sun for minutes, an
 * empty cell for a default. Staff name their team in the `team` column; a team the store does not know
 * yet is created with the default flex. The rest of the state (week, rules, zones, travel) stays.
 * Every problem goes to diags, located as "FILE: row R, column C (NAME)" where it comes from a cell.
 * Returns 0, CL_EINVALID (nothing imported), CL_EBUSY, CL_EIO, CL_ENOMEM. */
int cl_store_import_csv(cl_store *st, const char *staff_csv, const char *clients_csv, const char *by, cl_diags *diags,
                        cl_error *err);

/* What an apply did. */
typedef struct cl_store_applied {
    long long audit_id;   /* the audit row written */
    int moves;            /* existing clients whose manager changed */
    int peer_moves;       /* existing clients whose peer changed */
    int placed;           /* intakes that got a manager */
    char fingerprint[17]; /* the new state's fingerprint */
} cl_store_applied;

/* Applies a caseload-assignment/1 plan (the output of assign or rebalance) in one transaction: each client's
 * manager and peer become the plan's, the previous assignment is kept in the history, and an audit row
 * records when, who (by), which plan (plan_path) and how many moves. The plan must carry the
 * instance_fingerprint of the store's current state (cl_instance_fingerprint): a plan made from an older
 * state, or without a fingerprint, is refused, as is one that breaks a rule of SPEC §4 (breaches in diags).
 * plan_path is a file ("-" is refused with CL_EUSAGE). out may be NULL. Returns 0, CL_ESTALE (made from
 * another state), CL_EINVALID (not an assignment, no fingerprint, unknown ids, rule breaches: diags and err
 * say which), CL_EBUSY, CL_EIO, CL_ENOMEM. */
int cl_store_apply(cl_store *st, const char *plan_path, const char *by, cl_store_applied *out, cl_diags *diags,
                   cl_error *err);

/* Logs one face-to-face contact of staff with client on date (YYYY-MM-DD). Logging the same contact twice
 * is not an error: *added (may be NULL) says whether it was new. Returns 0, CL_EINVALID (bad or unknown
 * id, bad date), CL_EBUSY, CL_EIO, CL_ENOMEM. */
int cl_store_contact_add(cl_store *st, const char *client, const char *staff, const char *date, const char *by,
                         int *added, cl_error *err);

/* Logs the contacts of a CSV file with columns client, staff, date (others are ignored with a warning), all
 * or none. Rows already in the log are skipped. *added and *skipped (may be NULL) count them. Problems go to
 * diags as "FILE: row R, column C (NAME)". Returns 0, CL_EINVALID, CL_EBUSY, CL_EIO, CL_ENOMEM. */
int cl_store_contacts_import(cl_store *st, const char *csv_path, const char *by, int *added, int *skipped,
                             cl_diags *diags, cl_error *err);

/* Renders the history as caseload-history/1 JSON text (caller frees): every import and apply, oldest first,
 * with when, who, what and the assignments it replaced: with client NULL the clients whose manager or peer
 * changed; with a client id, that client's assignment before and after each event, and its current one.
 * Returns 0 with *out set, CL_EINVALID (a client the store and its history never held), CL_EIO, CL_ENOMEM. */
int cl_store_history(char **out, cl_store *st, const char *client, cl_error *err);

#endif
