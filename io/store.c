/* store.c: the SQLite store (SPEC §8): schema and migrations, the state in and out, apply, contacts, history. */
#include "store.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../model/plan.h"
#include "../model/verify.h"
#include "csv_table.h"
#include "io.h"
#include "json_util.h"

/* PRAGMA application_id of a caseload store: "ClD1". */
#define APP_ID 0x436c4431

struct cl_store {
    sqlite3 *db;
    char *path;
    int busy_ms;
};

/* Migration k takes a store from user_version k to k + 1, inside one transaction. The state is kept as the
 * caseload/1 records themselves (doc: JSON text), with the fields the store changes as columns: a client's
 * manager and peer (apply) and the contacts an import reported beyond the log (contacts_base). */
static const char *const migrations[CL_STORE_SCHEMA] = {
    /* 0 -> 1: the state, the contact log, the audit trail and the history of assignments. */
    "PRAGMA application_id = 1131168817;"
    "CREATE TABLE agency ("
    "  id INTEGER PRIMARY KEY CHECK (id = 1),"
    "  name TEXT,"
    "  doc TEXT NOT NULL);" /* week, programs, zones, travel_minutes, policy */
    "INSERT INTO agency (id, name, doc) VALUES (1, NULL, '{}');"
    "CREATE TABLE teams ("
    "  id TEXT PRIMARY KEY,"
    "  position INTEGER NOT NULL,"
    "  flex REAL NOT NULL);"
    "CREATE TABLE staff ("
    "  id TEXT PRIMARY KEY,"
    "  position INTEGER NOT NULL,"
    "  doc TEXT NOT NULL);"
    "CREATE TABLE team_members ("
    "  team TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,"
    "  staff TEXT NOT NULL REFERENCES staff(id) ON DELETE CASCADE,"
    "  position INTEGER NOT NULL,"
    "  PRIMARY KEY (team, staff));"
    "CREATE TABLE clients ("
    "  id TEXT PRIMARY KEY,"
    "  position INTEGER NOT NULL,"
    "  manager TEXT REFERENCES staff(id),"
    "  peer TEXT REFERENCES staff(id),"
    "  contacts_base INTEGER NOT NULL DEFAULT 0 CHECK (contacts_base >= 0),"
    "  doc TEXT NOT NULL);"
    "CREATE TABLE contacts ("
    "  id INTEGER PRIMARY KEY,"
    "  client TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,"
    "  staff TEXT NOT NULL," /* no foreign key: a contact stays logged after its staff member leaves */
    "  date TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),"
    "  logged_at TEXT NOT NULL,"
    "  logged_by TEXT NOT NULL,"
    "  UNIQUE (client, staff, date));"
    "CREATE TABLE audit ("
    "  id INTEGER PRIMARY KEY,"
    "  at TEXT NOT NULL,"
    "  actor TEXT NOT NULL,"
    "  action TEXT NOT NULL CHECK (action IN ('init', 'import', 'apply', 'contacts')),"
    "  source TEXT,"
    "  fingerprint_before TEXT,"
    "  fingerprint_after TEXT,"
    "  moves INTEGER NOT NULL DEFAULT 0,"
    "  peer_moves INTEGER NOT NULL DEFAULT 0,"
    "  placed INTEGER NOT NULL DEFAULT 0,"
    "  rows INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE history ("
    "  event INTEGER NOT NULL REFERENCES audit(id),"
    "  client TEXT NOT NULL," /* no foreign key: the history outlives a discharged client */
    "  manager TEXT,"
    "  peer TEXT,"
    "  new_manager TEXT,"
    "  new_peer TEXT,"
    "  PRIMARY KEY (event, client));",
    /* 1 -> 2: the lookups of contacts_this_month and of one client's history. */
    "CREATE INDEX contacts_by_month ON contacts (client, date);"
    "CREATE INDEX history_by_client ON history (client, event);",
};

void cl_store_opts_init(cl_store_opts *o)
{
    o->busy_timeout_ms = 5000;
}

/* Translates an SQLite failure once, here: busy into CL_EBUSY, constraints into CL_EINVALID. */
static int sql_error(cl_error *err, sqlite3 *db, int rc, const char *table)
{
    char where[80];
    snprintf(where, sizeof where, "db:%s", table);
    switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return cl_error_set(err, CL_EBUSY, where,
                            "another caseload process is writing to the store and did not finish in time; "
                            "nothing was changed, try again when it is done");
    case SQLITE_NOMEM:
        return cl_error_set(err, CL_ENOMEM, where, "out of memory");
    case SQLITE_CONSTRAINT:
        return cl_error_set(err, CL_EINVALID, where, "refused by the store: %s", sqlite3_errmsg(db));
    case SQLITE_NOTADB:
        return cl_error_set(err, CL_EINVALID, where, "not a caseload store (not an SQLite database)");
    case SQLITE_CORRUPT:
        return cl_error_set(err, CL_EIO, where, "the store is damaged: %s", sqlite3_errmsg(db));
    default:
        return cl_error_set(err, CL_EIO, where, "%s", db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    }
}

static int prep(sqlite3_stmt **out, sqlite3 *db, const char *sql, const char *table, cl_error *err)
{
    int rc = sqlite3_prepare_v2(db, sql, -1, out, NULL);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(*out);
        *out = NULL;
        return sql_error(err, db, rc, table);
    }
    return CL_OK;
}

static void bind_str(sqlite3_stmt *s, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(s, i);
}

/* Runs a prepared statement that returns no rows, then resets it for the next bindings. */
static int run(sqlite3_stmt *s, sqlite3 *db, const char *table, cl_error *err)
{
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return sql_error(err, db, rc, table);
    return CL_OK;
}

/* Constant SQL only: every value from outside goes through bindings. */
static int exec(sqlite3 *db, const char *sql, const char *table, cl_error *err)
{
    int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? CL_OK : sql_error(err, db, rc, table);
}

static int pragma_int(sqlite3 *db, const char *sql, int *v, cl_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = prep(&s, db, sql, "schema", err);
    if (rc != CL_OK)
        return rc;
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW)
        *v = sqlite3_column_int(s, 0);
    else
        rc = sql_error(err, db, step, "schema");
    sqlite3_finalize(s);
    return rc;
}

/* The write lock, taken up front so that a second writer waits (busy timeout) or is refused before it has
 * read anything: a check and the change it guards happen in one transaction. */
static int begin_write(cl_store *st, cl_error *err)
{
    int rc = sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
        return cl_error_set(err, CL_EBUSY, "db",
                            "the store is busy: another process has been writing to it for more than "
                            "%d ms; nothing was changed, try again when it is done",
                            st->busy_ms);
    return rc == SQLITE_OK ? CL_OK : sql_error(err, st->db, rc, "transaction");
}

static int begin_read(cl_store *st, cl_error *err)
{
    return exec(st->db, "BEGIN", "transaction", err);
}

static int commit(cl_store *st, cl_error *err)
{
    return exec(st->db, "COMMIT", "transaction", err);
}

static void rollback(cl_store *st)
{
    if (st && st->db && !sqlite3_get_autocommit(st->db))
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

static int connect_db(sqlite3 **out, const char *path, int busy_ms, cl_error *err)
{
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, NULL);
    if (rc != SQLITE_OK) {
        rc = cl_error_set(err, (rc & 0xff) == SQLITE_NOMEM ? CL_ENOMEM : CL_EIO, path, "cannot open the store: %s",
                          db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        sqlite3_close(db); /* the handle must be closed even when open fails */
        return rc;
    }
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, busy_ms);
    int fk = 0;
    rc = exec(db, "PRAGMA foreign_keys = ON", "schema", err);
    if (rc == CL_OK)
        rc = exec(db, "PRAGMA synchronous = FULL", "schema", err);
    if (rc == CL_OK)
        rc = pragma_int(db, "PRAGMA foreign_keys", &fk, err);
    if (rc == CL_OK && fk != 1)
        rc = cl_error_set(err, CL_EINTERNAL, "db", "this SQLite does not enforce foreign keys");
    if (rc != CL_OK) {
        sqlite3_close(db);
        return rc;
    }
    *out = db;
    return CL_OK;
}

/* Checks that the file is a caseload store this build understands, and migrates an older one. A fresh
 * empty database is accepted only when creating. */
static int check_schema(cl_store *st, bool creating, cl_error *err)
{
    int app = 0, ver = 0;
    int rc = pragma_int(st->db, "PRAGMA application_id", &app, err);
    if (rc == CL_OK)
        rc = pragma_int(st->db, "PRAGMA user_version", &ver, err);
    if (rc != CL_OK)
        return rc;
    if (!(app == APP_ID || (creating && app == 0 && ver == 0)))
        return cl_error_set(err, CL_EINVALID, st->path,
                            "not a caseload store (an SQLite database of another kind; create one with caseload "
                            "db init)");
    if (ver > CL_STORE_SCHEMA)
        return cl_error_set(err, CL_EINVALID, st->path,
                            "made by a newer caseload (schema version %d; this one knows up to %d)", ver,
                            CL_STORE_SCHEMA);
    if (ver == CL_STORE_SCHEMA)
        return CL_OK;
    rc = begin_write(st, err);
    if (rc == CL_OK)
        rc = pragma_int(st->db, "PRAGMA user_version", &ver, err); /* another process may have migrated */
    for (; rc == CL_OK && ver < CL_STORE_SCHEMA; ver++) {
        char sql[64];
        rc = exec(st->db, migrations[ver], "schema", err);
        snprintf(sql, sizeof sql, "PRAGMA user_version = %d", ver + 1);
        if (rc == CL_OK)
            rc = exec(st->db, sql, "schema", err);
    }
    if (rc == CL_OK)
        rc = commit(st, err);
    if (rc != CL_OK)
        rollback(st);
    return rc;
}

void cl_store_close(cl_store *st)
{
    if (st == NULL)
        return;
    rollback(st);
    sqlite3_close(st->db);
    free(st->path);
    free(st);
}

static int store_new(cl_store **out, const char *path, int busy_ms, bool creating, cl_error *err)
{
    cl_store *st = calloc(1, sizeof *st);
    if (st == NULL || (st->path = strdup(path)) == NULL) {
        free(st);
        return cl_error_set(err, CL_ENOMEM, path, "out of memory");
    }
    st->busy_ms = busy_ms;
    int rc = connect_db(&st->db, path, busy_ms, err);
    if (rc == CL_OK && creating) {
        sqlite3_stmt *s = NULL;
        rc = prep(&s, st->db, "PRAGMA journal_mode = WAL", "schema", err);
        if (rc == CL_OK &&
            (sqlite3_step(s) != SQLITE_ROW || strcmp((const char *)sqlite3_column_text(s, 0), "wal") != 0))
            rc = cl_error_set(err, CL_EIO, path, "cannot switch the store to write-ahead logging");
        sqlite3_finalize(s);
    }
    if (rc == CL_OK)
        rc = check_schema(st, creating, err);
    if (rc != CL_OK) {
        cl_store_close(st);
        return rc;
    }
    *out = st;
    return CL_OK;
}

int cl_store_open(cl_store **out, const char *path, const cl_store_opts *opts, cl_error *err)
{
    cl_store_opts def;
    cl_store_opts_init(&def);
    if (opts == NULL)
        opts = &def;
    if (opts->busy_timeout_ms < 0)
        return cl_error_set(err, CL_EUSAGE, "opts.busy_timeout_ms", "%d is negative (expected 0 or more ms)",
                            opts->busy_timeout_ms);
    struct stat sb;
    if (stat(path, &sb) != 0)
        return cl_error_set(err, CL_EIO, path, "no such store: %s (create it with caseload db init %s)",
                            strerror(errno), path);
    if (!S_ISREG(sb.st_mode))
        return cl_error_set(err, CL_EIO, path, "not a store file (expected a file made by caseload db init)");
    return store_new(out, path, opts->busy_timeout_ms, false, err);
}

static void remove_store_files(const char *path)
{
    size_t n = strlen(path) + 8;
    char *p = malloc(n);
    unlink(path);
    if (p == NULL)
        return;
    snprintf(p, n, "%s-wal", path);
    unlink(p);
    snprintf(p, n, "%s-shm", path);
    unlink(p);
    snprintf(p, n, "%s-journal", path);
    unlink(p);
    free(p);
}

int cl_store_create(const char *path, cl_error *err)
{
    /* Created here, owner-only, before SQLite sees it: its -wal and -shm files copy this mode. */
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        if (errno == EEXIST)
            return cl_error_set(err, CL_EIO, path,
                                "already exists (db init makes a new store and never overwrites a file)");
        return cl_error_set(err, CL_EIO, path, "cannot create: %s", strerror(errno));
    }
    int rc = CL_OK;
    if (fchmod(fd, 0600) != 0)
        rc = cl_error_set(err, CL_EIO, path, "cannot make it owner-only: %s", strerror(errno));
    close(fd);
    cl_store *st = NULL;
    if (rc == CL_OK)
        rc = store_new(&st, path, 5000, true, err);
    if (rc == CL_OK) {
        sqlite3_stmt *s = NULL;
        rc = prep(&s, st->db,
                  "INSERT INTO audit (at, actor, action, source) VALUES "
                  "(strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'caseload', 'init', NULL)",
                  "audit", err);
        if (rc == CL_OK)
            rc = run(s, st->db, "audit", err);
        sqlite3_finalize(s);
    }
    cl_store_close(st);
    if (rc != CL_OK)
        remove_store_files(path);
    return rc;
}

int cl_store_check(cl_store *st, cl_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = prep(&s, st->db, "PRAGMA integrity_check", "schema", err), step;
    if (rc == CL_OK && (step = sqlite3_step(s)) == SQLITE_ROW &&
        strcmp((const char *)sqlite3_column_text(s, 0), "ok") != 0)
        rc = cl_error_set(err, CL_EINVALID, st->path, "integrity check: %s", sqlite3_column_text(s, 0));
    else if (rc == CL_OK && step != SQLITE_ROW)
        rc = sql_error(err, st->db, step, "schema");
    sqlite3_finalize(s);
    s = NULL;
    if (rc == CL_OK)
        rc = prep(&s, st->db, "PRAGMA foreign_key_check", "schema", err);
    if (rc == CL_OK && (step = sqlite3_step(s)) == SQLITE_ROW)
        rc = cl_error_set(err, CL_EINVALID, st->path, "a row of %s refers to a missing row of %s",
                          sqlite3_column_text(s, 0), sqlite3_column_text(s, 2));
    else if (rc == CL_OK && step != SQLITE_DONE)
        rc = sql_error(err, st->db, step, "schema");
    sqlite3_finalize(s);
    return rc;
}

/* ---- the state as a caseload/1 document ---- */

/* The contact log's window for contacts_this_month: [first of week.start's month, week.start). Without a
 * week start the window is empty. */
static void contact_window(const char *week_start, char from[11], char to[11])
{
    from[0] = to[0] = '\0';
    if (week_start == NULL || strlen(week_start) != 10)
        return;
    memcpy(from, week_start, 8);
    memcpy(from + 8, "01", 3);
    memcpy(to, week_start, 11);
}

static const char *week_start_of(json_t *root)
{
    json_t *w = json_object_get(root, "week");
    return json_string_value(json_object_get(w, "start"));
}

static json_t *load_doc(const unsigned char *text, const char *table, cl_error *err)
{
    json_error_t je;
    json_t *v = text ? json_loads((const char *)text, JSON_REJECT_DUPLICATES, &je) : NULL;
    if (!json_is_object(v)) {
        json_decref(v);
        char where[80];
        snprintf(where, sizeof where, "db:%s", table);
        cl_error_set(err, CL_EINVALID, where, "a stored record is not a JSON object (the store is damaged)");
        return NULL;
    }
    return v;
}

/* Compact text of a record, for a doc column. Values have at most 12 significant digits (clp_json_dump), so
 * 15 reproduces them exactly. */
static char *compact(json_t *v)
{
    return json_dumps(v, JSON_COMPACT | JSON_REAL_PRECISION(15));
}

/* Assembles the stored state as a caseload/1 document. Call inside a transaction. */
static int state_doc(json_t **out, cl_store *st, cl_error *err)
{
    sqlite3 *db = st->db;
    sqlite3_stmt *s = NULL, *m = NULL;
    json_t *root = json_object(), *teams = json_array(), *staff = json_array(), *clients = json_array();
    int rc = CL_OK, step;
    if (!root || !teams || !staff || !clients) {
        rc = cl_error_set(err, CL_ENOMEM, "db", "out of memory");
        goto done;
    }
    json_object_set_new(root, "format", json_string("caseload/1"));
    rc = prep(&s, db, "SELECT name, doc FROM agency WHERE id = 1", "agency", err);
    if (rc != CL_OK)
        goto done;
    if ((step = sqlite3_step(s)) != SQLITE_ROW) {
        rc = step == SQLITE_DONE ? cl_error_set(err, CL_EINVALID, "db:agency", "no agency row (the store is damaged)")
                                 : sql_error(err, db, step, "agency");
        goto done;
    }
    if (sqlite3_column_type(s, 0) != SQLITE_NULL)
        json_object_set_new(root, "name", json_string((const char *)sqlite3_column_text(s, 0)));
    json_t *doc = load_doc(sqlite3_column_text(s, 1), "agency", err);
    if (doc == NULL) {
        rc = CL_EINVALID;
        goto done;
    }
    json_object_update(root, doc);
    json_decref(doc);
    sqlite3_finalize(s);
    s = NULL;

    rc = prep(&s, db, "SELECT id, flex FROM teams ORDER BY position, id", "teams", err);
    if (rc == CL_OK)
        rc = prep(&m, db, "SELECT staff FROM team_members WHERE team = ?1 ORDER BY position, staff", "team_members",
                  err);
    while (rc == CL_OK && (step = sqlite3_step(s)) == SQLITE_ROW) {
        json_t *t = json_object(), *mem = json_array();
        const char *id = (const char *)sqlite3_column_text(s, 0);
        json_object_set_new(t, "id", json_string(id));
        bind_str(m, 1, id);
        while ((step = sqlite3_step(m)) == SQLITE_ROW)
            json_array_append_new(mem, json_string((const char *)sqlite3_column_text(m, 0)));
        sqlite3_reset(m);
        json_object_set_new(t, "members", mem);
        json_object_set_new(t, "flex", json_real(sqlite3_column_double(s, 1)));
        json_array_append_new(teams, t);
        if (step != SQLITE_DONE)
            rc = sql_error(err, db, step, "team_members");
    }
    if (rc == CL_OK && step != SQLITE_DONE)
        rc = sql_error(err, db, step, "teams");
    sqlite3_finalize(s);
    s = NULL;
    if (rc != CL_OK)
        goto done;

    rc = prep(&s, db, "SELECT doc FROM staff ORDER BY position, id", "staff", err);
    while (rc == CL_OK && (step = sqlite3_step(s)) == SQLITE_ROW) {
        json_t *rec = load_doc(sqlite3_column_text(s, 0), "staff", err);
        if (rec == NULL)
            rc = CL_EINVALID;
        else
            json_array_append_new(staff, rec);
    }
    if (rc == CL_OK && step != SQLITE_DONE)
        rc = sql_error(err, db, step, "staff");
    sqlite3_finalize(s);
    s = NULL;
    if (rc != CL_OK)
        goto done;

    char from[11], to[11];
    contact_window(week_start_of(root), from, to);
    rc = prep(&s, db,
              "SELECT c.doc, c.manager, c.peer, c.contacts_base + (SELECT count(*) FROM contacts k "
              "WHERE k.client = c.id AND k.date >= ?1 AND k.date < ?2) FROM clients c ORDER BY c.position, c.id",
              "clients", err);
    if (rc == CL_OK) {
        bind_str(s, 1, from);
        bind_str(s, 2, to);
    }
    while (rc == CL_OK && (step = sqlite3_step(s)) == SQLITE_ROW) {
        json_t *rec = load_doc(sqlite3_column_text(s, 0), "clients", err);
        if (rec == NULL) {
            rc = CL_EINVALID;
            break;
        }
        if (sqlite3_column_type(s, 1) != SQLITE_NULL)
            json_object_set_new(rec, "manager", json_string((const char *)sqlite3_column_text(s, 1)));
        if (sqlite3_column_type(s, 2) != SQLITE_NULL)
            json_object_set_new(rec, "peer", json_string((const char *)sqlite3_column_text(s, 2)));
        sqlite3_int64 made = sqlite3_column_int64(s, 3);
        if (made != 0)
            json_object_set_new(rec, "contacts_this_month", json_integer(made));
        json_array_append_new(clients, rec);
    }
    if (rc == CL_OK && step != SQLITE_DONE)
        rc = sql_error(err, db, step, "clients");
    if (rc != CL_OK)
        goto done;
    if (json_array_size(teams) > 0)
        json_object_set(root, "teams", teams);
    json_object_set(root, "staff", staff);
    json_object_set(root, "clients", clients);
    *out = root;
    root = NULL;
done:
    sqlite3_finalize(s);
    sqlite3_finalize(m);
    json_decref(root);
    json_decref(teams);
    json_decref(staff);
    json_decref(clients);
    return rc;
}

/* A problem's JSON path in the stored state, as "db: staff[3] (s04).fte": the id says which record. */
static void db_where(char *buf, size_t n, json_t *root, const char *w)
{
    size_t close = strcspn(w, "]");
    const char *arr = strncmp(w, "staff[", 6) == 0 ? "staff" : strncmp(w, "clients[", 8) == 0 ? "clients" : NULL;
    json_t *rec = arr ? json_array_get(json_object_get(root, arr), strtoul(w + strlen(arr) + 1, NULL, 10)) : NULL;
    const char *id = json_string_value(json_object_get(rec, "id"));
    if (id && w[close] == ']')
        snprintf(buf, n, "db: %.*s] (%.64s)%.150s", (int)close, w, id, w + close + 1);
    else
        snprintf(buf, n, "db%s%.200s", w[0] ? ": " : "", w);
}

/* The stored state as an instance, validated like any input. Call inside a transaction. */
static int state_load(cl_instance **out, cl_store *st, cl_error *err)
{
    json_t *root = NULL;
    cl_diags d = {0};
    int rc = state_doc(&root, st, err);
    if (rc != CL_OK)
        return rc;
    rc = cl_instance_from_json(out, root, &d);
    if (rc == CL_EINVALID) {
        for (size_t i = 0; i < d.count; i++)
            if (d.items[i].severity == CL_ERRORSEV) {
                char where[300];
                db_where(where, sizeof where, root, d.items[i].where);
                cl_error_set(err, CL_EINVALID, where, "%s (the stored state does not validate)", d.items[i].text);
                break;
            }
    } else if (rc == CL_ENOMEM) {
        cl_error_set(err, CL_ENOMEM, "db", "out of memory");
    }
    cl_diags_dispose(&d);
    json_decref(root);
    return rc;
}

int cl_store_state(cl_instance **out, cl_store *st, cl_error *err)
{
    int rc = begin_read(st, err);
    if (rc != CL_OK)
        return rc;
    rc = state_load(out, st, err);
    rollback(st); /* a read: nothing to keep */
    return rc;
}

int cl_store_load(cl_instance **out, const char *path, cl_error *err)
{
    cl_store *st = NULL;
    int rc = cl_store_open(&st, path, NULL, err);
    if (rc == CL_OK)
        rc = cl_store_state(out, st, err);
    cl_store_close(st);
    return rc;
}

int cl_store_export(char **out, cl_store *st, cl_error *err)
{
    cl_instance *inst = NULL;
    int rc = cl_store_state(&inst, st, err);
    if (rc != CL_OK)
        return rc;
    char *text = cl_instance_to_json(inst);
    cl_instance_free(inst);
    if (text == NULL)
        return cl_error_set(err, CL_ENOMEM, "db", "out of memory");
    *out = text;
    return CL_OK;
}

/* ---- writing the state ---- */

/* One audit row; its id goes to *id. */
static int audit_row(long long *id, cl_store *st, const char *by, const char *action, const char *source,
                     const char *fp_before, const char *fp_after, int moves, int peer_moves, int placed, int rows,
                     cl_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = prep(&s, st->db,
                  "INSERT INTO audit (at, actor, action, source, fingerprint_before, fingerprint_after, moves, "
                  "peer_moves, placed, rows) VALUES (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?1, ?2, ?3, ?4, ?5, "
                  "?6, ?7, ?8, ?9)",
                  "audit", err);
    if (rc == CL_OK) {
        bind_str(s, 1, by && by[0] ? by : "unknown");
        bind_str(s, 2, action);
        bind_str(s, 3, source);
        bind_str(s, 4, fp_before);
        bind_str(s, 5, fp_after);
        sqlite3_bind_int(s, 6, moves);
        sqlite3_bind_int(s, 7, peer_moves);
        sqlite3_bind_int(s, 8, placed);
        sqlite3_bind_int(s, 9, rows);
        rc = run(s, st->db, "audit", err);
    }
    sqlite3_finalize(s);
    if (rc == CL_OK)
        *id = sqlite3_last_insert_rowid(st->db);
    return rc;
}

/* Keeps every client's assignment before event `id` in the history; history_close adds what followed. */
static int history_open(cl_store *st, long long id, cl_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = prep(&s, st->db,
                  "INSERT INTO history (event, client, manager, peer) "
                  "SELECT ?1, id, manager, peer FROM clients ORDER BY position, id",
                  "history", err);
    if (rc == CL_OK) {
        sqlite3_bind_int64(s, 1, id);
        rc = run(s, st->db, "history", err);
    }
    sqlite3_finalize(s);
    return rc;
}

static int history_close(cl_store *st, long long id, cl_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = prep(&s, st->db,
                  "UPDATE history SET new_manager = (SELECT manager FROM clients WHERE clients.id = history.client), "
                  "new_peer = (SELECT peer FROM clients WHERE clients.id = history.client) WHERE event = ?1",
                  "history", err);
    if (rc == CL_OK) {
        sqlite3_bind_int64(s, 1, id);
        rc = run(s, st->db, "history", err);
    }
    sqlite3_finalize(s);
    return rc;
}

static json_t *take(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    json_incref(v);
    json_object_del(obj, key);
    return v;
}

/* Replaces the stored state by inst. Call inside a write transaction. */
static int state_store(cl_store *st, const cl_instance *inst, const char *by, const char *source, cl_error *err)
{
    static const char *const agency_keys[] = {"week", "programs", "zones", "travel_minutes", "policy", NULL};
    sqlite3 *db = st->db;
    sqlite3_stmt *team = NULL, *member = NULL, *staff = NULL, *client = NULL, *keep = NULL, *s = NULL;
    json_t *root = NULL, *agency = NULL;
    cl_instance *old = NULL;
    char *text = cl_instance_to_json(inst), *doc = NULL;
    int rc = CL_OK;
    json_error_t je;
    if (text == NULL || (root = json_loads(text, 0, &je)) == NULL || (agency = json_object()) == NULL) {
        rc = cl_error_set(err, CL_ENOMEM, "db", "out of memory");
        goto done;
    }
    char fp_old[17] = "", fp_new[17];
    /* A stored state that no longer validates (say, a contact log beyond the range of
     * contacts_this_month) must not block the import that repairs it: its fingerprint is then unknown. */
    cl_error ignored = {0};
    rc = state_load(&old, st, &ignored);
    if (rc != CL_OK && rc != CL_EINVALID) {
        cl_error_set(err, ignored.code, ignored.where, "%s", ignored.text);
        goto done;
    }
    rc = CL_OK;
    if (old != NULL)
        cl_instance_fingerprint(old, fp_old);
    cl_instance_fingerprint(inst, fp_new);
    long long event = 0;
    rc = audit_row(&event, st, by, "import", source, fp_old[0] ? fp_old : NULL, fp_new, 0, 0, 0, inst->n_clients, err);
    if (rc == CL_OK)
        rc = history_open(st, event, err);
    if (rc != CL_OK)
        goto done;

    for (const char *const *k = agency_keys; *k; k++)
        if (json_object_get(root, *k))
            json_object_set(agency, *k, json_object_get(root, *k));
    doc = compact(agency);
    rc = prep(&s, db, "UPDATE agency SET name = ?1, doc = ?2 WHERE id = 1", "agency", err);
    if (rc == CL_OK) {
        bind_str(s, 1, inst->name);
        bind_str(s, 2, doc);
        rc = doc ? run(s, db, "agency", err) : cl_error_set(err, CL_ENOMEM, "db", "out of memory");
    }
    sqlite3_finalize(s);
    s = NULL;
    if (rc == CL_OK)
        rc = exec(db,
                  "CREATE TEMP TABLE IF NOT EXISTS keep_ids (kind TEXT NOT NULL, id TEXT NOT NULL, "
                  "PRIMARY KEY (kind, id)); DELETE FROM temp.keep_ids; DELETE FROM team_members;",
                  "keep_ids", err);
    if (rc == CL_OK)
        rc = prep(&keep, db, "INSERT INTO temp.keep_ids (kind, id) VALUES (?1, ?2)", "keep_ids", err);
    if (rc == CL_OK)
        rc = prep(&team, db,
                  "INSERT INTO teams (id, position, flex) VALUES (?1, ?2, ?3) "
                  "ON CONFLICT (id) DO UPDATE SET position = excluded.position, flex = excluded.flex",
                  "teams", err);
    if (rc == CL_OK)
        rc = prep(&member, db, "INSERT INTO team_members (team, staff, position) VALUES (?1, ?2, ?3)", "team_members",
                  err);
    if (rc == CL_OK)
        rc = prep(&staff, db,
                  "INSERT INTO staff (id, position, doc) VALUES (?1, ?2, ?3) "
                  "ON CONFLICT (id) DO UPDATE SET position = excluded.position, doc = excluded.doc",
                  "staff", err);
    if (rc == CL_OK)
        rc = prep(&client, db,
                  "INSERT INTO clients (id, position, manager, peer, contacts_base, doc) VALUES (?1, ?2, ?3, ?4, "
                  "max(0, ?5 - (SELECT count(*) FROM contacts WHERE client = ?1 AND date >= ?7 AND date < ?8)), ?6) "
                  "ON CONFLICT (id) DO UPDATE SET position = excluded.position, manager = excluded.manager, "
                  "peer = excluded.peer, contacts_base = excluded.contacts_base, doc = excluded.doc",
                  "clients", err);
    for (int t = 0; rc == CL_OK && t < inst->n_teams; t++) {
        bind_str(team, 1, inst->teams[t].id);
        sqlite3_bind_int(team, 2, t);
        sqlite3_bind_double(team, 3, inst->teams[t].flex);
        rc = run(team, db, "teams", err);
        bind_str(keep, 1, "team");
        bind_str(keep, 2, inst->teams[t].id);
        if (rc == CL_OK)
            rc = run(keep, db, "keep_ids", err);
    }
    json_t *arr = json_object_get(root, "staff"), *rec;
    size_t i;
    json_array_foreach (arr, i, rec) {
        if (rc != CL_OK)
            break;
        json_decref(take(rec, "team")); /* membership lives in team_members */
        free(doc);
        doc = compact(rec);
        bind_str(staff, 1, inst->staff[i].id);
        sqlite3_bind_int(staff, 2, (int)i);
        bind_str(staff, 3, doc);
        rc = doc ? run(staff, db, "staff", err) : cl_error_set(err, CL_ENOMEM, "db", "out of memory");
        bind_str(keep, 1, "staff");
        bind_str(keep, 2, inst->staff[i].id);
        if (rc == CL_OK)
            rc = run(keep, db, "keep_ids", err);
    }
    for (int t = 0; rc == CL_OK && t < inst->n_teams; t++)
        for (int k = 0; rc == CL_OK && k < inst->teams[t].n_members; k++) {
            bind_str(member, 1, inst->teams[t].id);
            bind_str(member, 2, inst->staff[inst->teams[t].members[k]].id);
            sqlite3_bind_int(member, 3, k);
            rc = run(member, db, "team_members", err);
        }
    char from[11], to[11];
    contact_window(inst->week_start, from, to);
    arr = json_object_get(root, "clients");
    json_array_foreach (arr, i, rec) {
        if (rc != CL_OK)
            break;
        const cl_client *cl = &inst->clients[i];
        json_decref(take(rec, "manager"));
        json_decref(take(rec, "peer"));
        json_decref(take(rec, "contacts_this_month"));
        free(doc);
        doc = compact(rec);
        bind_str(client, 1, cl->id);
        sqlite3_bind_int(client, 2, (int)i);
        bind_str(client, 3, cl->manager >= 0 ? inst->staff[cl->manager].id : NULL);
        bind_str(client, 4, cl->peer >= 0 ? inst->staff[cl->peer].id : NULL);
        sqlite3_bind_int(client, 5, cl->contacts_this_month);
        bind_str(client, 6, doc);
        bind_str(client, 7, from);
        bind_str(client, 8, to);
        rc = doc ? run(client, db, "clients", err) : cl_error_set(err, CL_ENOMEM, "db", "out of memory");
        bind_str(keep, 1, "client");
        bind_str(keep, 2, cl->id);
        if (rc == CL_OK)
            rc = run(keep, db, "keep_ids", err);
    }
    /* What the new state no longer has: clients first (they refer to staff), then staff, then teams. */
    if (rc == CL_OK)
        rc = exec(db,
                  "DELETE FROM clients WHERE id NOT IN (SELECT id FROM temp.keep_ids WHERE kind = 'client');"
                  "DELETE FROM staff WHERE id NOT IN (SELECT id FROM temp.keep_ids WHERE kind = 'staff');"
                  "DELETE FROM teams WHERE id NOT IN (SELECT id FROM temp.keep_ids WHERE kind = 'team');"
                  "DELETE FROM temp.keep_ids;",
                  "clients", err);
    if (rc == CL_OK)
        rc = history_close(st, event, err);
done:
    sqlite3_finalize(team);
    sqlite3_finalize(member);
    sqlite3_finalize(staff);
    sqlite3_finalize(client);
    sqlite3_finalize(keep);
    sqlite3_finalize(s);
    cl_instance_free(old);
    json_decref(root);
    json_decref(agency);
    free(doc);
    free(text);
    return rc;
}

int cl_store_import(cl_store *st, const cl_instance *inst, const char *by, const char *source, cl_error *err)
{
    int rc = begin_write(st, err);
    if (rc != CL_OK)
        return rc;
    rc = state_store(st, inst, by, source, err);
    if (rc == CL_OK)
        rc = commit(st, err);
    if (rc != CL_OK)
        rollback(st);
    return rc;
}

/* Team ids named in the staff records' team column that the document has no team for get one. */
static void add_missing_teams(json_t *root, json_t *staff)
{
    json_t *teams = json_object_get(root, "teams");
    if (!json_is_array(teams)) {
        teams = json_array();
        json_object_set_new(root, "teams", teams);
    }
    size_t i, k;
    json_t *rec, *t;
    json_array_foreach (teams, k, t)
        json_object_set_new(t, "members", json_array()); /* from the CSV */
    json_array_foreach (staff, i, rec) {
        const char *id = json_string_value(json_object_get(rec, "team"));
        if (id == NULL)
            continue;
        bool known = false;
        json_array_foreach (teams, k, t)
            known |= json_equal(json_object_get(t, "id"), json_object_get(rec, "team"));
        if (!known) {
            json_t *nt = json_object();
            json_object_set_new(nt, "id", json_string(id));
            json_object_set_new(nt, "members", json_array());
            json_array_append_new(teams, nt);
        }
    }
}

int cl_store_import_csv(cl_store *st, const char *staff_csv, const char *clients_csv, const char *by, cl_diags *diags,
                        cl_error *err)
{
    clp_csv ts = {0}, tc = {0};
    json_t *root = NULL;
    cl_instance *inst = NULL;
    cl_diags found = {0};
    size_t errors0 = diags->errors;
    int rc = CL_OK;
    assert(staff_csv != NULL || clients_csv != NULL);
    if (staff_csv)
        rc = clp_csv_read(&ts, staff_csv, diags, err);
    if (clients_csv) {
        int rc2 = clp_csv_read(&tc, clients_csv, diags, err);
        if (rc == CL_OK)
            rc = rc2;
    }
    if (rc != CL_OK)
        goto done;
    if (staff_csv && clp_csv_col(&ts, "id") < 0)
        cl_diags_add(diags, CL_ERRORSEV, staff_csv, "row 1: no id column (expected the caseload/1 staff field names)");
    if (clients_csv && clp_csv_col(&tc, "id") < 0)
        cl_diags_add(diags, CL_ERRORSEV, clients_csv,
                     "row 1: no id column (expected the caseload/1 client field names)");
    /* Cells of the wrong type are reported and left out; the rules then run on the rest, so that every
     * problem is listed at once. */
    json_t *srec = staff_csv ? clp_csv_records(&ts, CLP_CSV_STAFF, diags) : NULL;
    json_t *crec = clients_csv ? clp_csv_records(&tc, CLP_CSV_CLIENTS, diags) : NULL;
    rc = begin_write(st, err);
    if (rc == CL_OK)
        rc = state_doc(&root, st, err);
    if (rc != CL_OK) {
        json_decref(srec);
        json_decref(crec);
        goto done;
    }
    if (srec) {
        add_missing_teams(root, srec);
        json_object_set_new(root, "staff", srec);
    }
    if (crec)
        json_object_set_new(root, "clients", crec);
    rc = cl_instance_from_json(&inst, root, &found);
    for (size_t i = 0; i < found.count; i++) {
        const cl_diag *it = &found.items[i];
        bool from_csv = (staff_csv && strncmp(it->where, "staff[", 6) == 0) ||
                        (clients_csv && strncmp(it->where, "clients[", 8) == 0);
        char where[300];
        if (from_csv) {
            clp_csv_locate(staff_csv ? &ts : NULL, clients_csv ? &tc : NULL, it, "db", diags);
        } else {
            db_where(where, sizeof where, root, it->where);
            cl_diags_add(diags, it->severity, where, "%s", it->text);
        }
    }
    if (rc == CL_ENOMEM)
        rc = cl_error_set(err, CL_ENOMEM, "db", "out of memory");
    if (rc == CL_OK && diags->errors > errors0)
        rc = CL_EINVALID;
    if (rc != CL_OK)
        goto done;
    char source[1024];
    snprintf(source, sizeof source, "%s%s%s", staff_csv ? staff_csv : "", staff_csv && clients_csv ? ", " : "",
             clients_csv ? clients_csv : "");
    rc = state_store(st, inst, by, source, err);
    if (rc == CL_OK)
        rc = commit(st, err);
done:
    rollback(st);
    cl_diags_dispose(&found);
    cl_instance_free(inst);
    json_decref(root);
    clp_csv_dispose(&ts);
    clp_csv_dispose(&tc);
    return rc;
}

/* ---- apply ---- */

int cl_store_apply(cl_store *st, const char *plan_path, const char *by, cl_store_applied *out, cl_diags *diags,
                   cl_error *err)
{
    json_t *plan = NULL;
    cl_instance *inst = NULL;
    cl_assignment *a = NULL;
    sqlite3_stmt *upd = NULL;
    cl_diags breaches = {0};
    size_t errors0 = diags->errors;
    if (strcmp(plan_path, "-") == 0)
        return cl_error_set(err, CL_EUSAGE, "PLAN", "standard input is not supported here (expected a plan file)");
    int rc = clp_json_load(&plan, plan_path, diags, err);
    if (rc != CL_OK)
        return rc;
    const char *fmt = json_string_value(json_object_get(plan, "format"));
    if (fmt == NULL || strcmp(fmt, "caseload-assignment/1") != 0) {
        rc = cl_error_set(err, CL_EINVALID, plan_path,
                          "format: not an assignment (expected \"caseload-assignment/1\", the output of caseload "
                          "assign or rebalance)");
        goto done;
    }
    json_t *jfp = json_object_get(plan, "instance_fingerprint");
    if (!json_is_string(jfp) || json_string_length(jfp) != 16) {
        rc = cl_error_set(err, CL_EINVALID, plan_path,
                          "instance_fingerprint: %s, so the store cannot tell which state the plan was made from "
                          "(expected the 16 hex digits caseload assign and rebalance write; make the plan with "
                          "caseload assign --db STORE)",
                          jfp == NULL ? "missing" : "not 16 hex digits");
        goto done;
    }
    rc = begin_write(st, err);
    if (rc == CL_OK)
        rc = state_load(&inst, st, err);
    if (rc != CL_OK)
        goto done;
    char fp[17], fp_new[17];
    cl_instance_fingerprint(inst, fp);
    if (strcmp(fp, json_string_value(jfp)) != 0) {
        rc = cl_error_set(err, CL_ESTALE, plan_path,
                          "made from another state of the store (the plan's instance_fingerprint is %s, the "
                          "store's current state is %s): nothing was applied; make a new plan with caseload "
                          "assign --db STORE",
                          json_string_value(jfp), fp);
        goto done;
    }
    rc = cl_assignment_read(&a, inst, plan_path, diags, err);
    if (rc == CL_OK && diags->errors > errors0)
        rc = cl_error_set(err, CL_EINVALID, plan_path, "the plan does not fit the store's state; nothing was applied");
    if (rc != CL_OK)
        goto done;
    cl_verify_assignment(inst, a, &breaches);
    for (size_t i = 0; i < breaches.count; i++)
        cl_diags_add(diags, breaches.items[i].severity, breaches.items[i].where, "%s", breaches.items[i].text);
    if (breaches.errors > 0) {
        rc = cl_error_set(err, CL_EINVALID, plan_path,
                          "the plan breaks %zu rule%s (as caseload verify lists them); nothing was applied",
                          breaches.errors, breaches.errors == 1 ? "" : "s");
        goto done;
    }
    cl_store_applied res = {0};
    for (int c = 0; c < inst->n_clients; c++) {
        cl_client *cl = &inst->clients[c];
        int m = a->manager[c], p = m >= 0 ? a->peer[c] : CL_NONE;
        res.moves += cl->manager >= 0 && m != cl->manager;
        res.peer_moves += cl->peer >= 0 && p != cl->peer;
        res.placed += cl->manager < 0 && m >= 0;
        cl->manager = m;
        cl->peer = p;
    }
    cl_instance_fingerprint(inst, fp_new);
    long long event = 0;
    rc = audit_row(&event, st, by, "apply", plan_path, fp, fp_new, res.moves, res.peer_moves, res.placed,
                   inst->n_clients, err);
    if (rc == CL_OK)
        rc = history_open(st, event, err);
    if (rc == CL_OK)
        rc = prep(&upd, st->db,
                  "UPDATE clients SET manager = ?2, peer = ?3 WHERE id = ?1 AND (manager IS NOT ?2 OR peer IS NOT ?3)",
                  "clients", err);
    for (int c = 0; rc == CL_OK && c < inst->n_clients; c++) {
        const cl_client *cl = &inst->clients[c];
        bind_str(upd, 1, cl->id);
        bind_str(upd, 2, cl->manager >= 0 ? inst->staff[cl->manager].id : NULL);
        bind_str(upd, 3, cl->peer >= 0 ? inst->staff[cl->peer].id : NULL);
        rc = run(upd, st->db, "clients", err);
    }
    if (rc == CL_OK)
        rc = history_close(st, event, err);
    if (rc == CL_OK)
        rc = commit(st, err);
    if (rc == CL_OK && out) {
        res.audit_id = event;
        memcpy(res.fingerprint, fp_new, sizeof fp_new);
        *out = res;
    }
done:
    rollback(st);
    sqlite3_finalize(upd);
    cl_diags_dispose(&breaches);
    cl_assignment_free(a);
    cl_instance_free(inst);
    json_decref(plan);
    return rc;
}

/* ---- contacts ---- */

/* True for a real calendar date YYYY-MM-DD. */
static bool date_valid(const char *s)
{
    int y, m, d;
    char tail;
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return false;
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return y >= 1900 && m >= 1 && m <= 12 && d >= 1 && d <= mdays[m - 1] + (m == 2 && leap);
}

/* Statements that log contacts, shared by add and import. */
typedef struct contact_stmts {
    sqlite3_stmt *client, *staff, *insert;
} contact_stmts;

static int contact_prepare(contact_stmts *cs, cl_store *st, cl_error *err)
{
    int rc = prep(&cs->client, st->db, "SELECT 1 FROM clients WHERE id = ?1", "clients", err);
    if (rc == CL_OK)
        rc = prep(&cs->staff, st->db, "SELECT 1 FROM staff WHERE id = ?1", "staff", err);
    if (rc == CL_OK)
        rc = prep(&cs->insert, st->db,
                  "INSERT INTO contacts (client, staff, date, logged_at, logged_by) VALUES (?1, ?2, ?3, "
                  "strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?4) ON CONFLICT (client, staff, date) DO NOTHING",
                  "contacts", err);
    return rc;
}

static void contact_finalize(contact_stmts *cs)
{
    sqlite3_finalize(cs->client);
    sqlite3_finalize(cs->staff);
    sqlite3_finalize(cs->insert);
}

/* 1 when the id is a row of the statement's table, 0 when not, negative on failure. */
static int exists(sqlite3_stmt *s, sqlite3 *db, const char *id, const char *table, cl_error *err)
{
    bind_str(s, 1, id);
    int step = sqlite3_step(s);
    sqlite3_reset(s);
    if (step == SQLITE_ROW)
        return 1;
    if (step == SQLITE_DONE)
        return 0;
    return sql_error(err, db, step, table);
}

/* Checks one contact; the problem (if any) is written to why. Returns 0 ok, 1..3 the bad field (client,
 * staff, date), negative on failure. */
static int contact_check(contact_stmts *cs, sqlite3 *db, const char *client, const char *staff, const char *date,
                         char *why, size_t whysz, cl_error *err)
{
    static const char idrule[] = "expected 1-64 characters of A-Z a-z 0-9 . _ -, not . or ..";
    int e;
    if (!cl_id_valid(client)) {
        snprintf(why, whysz, "bad client id \"%.64s%s\" (%s)", client, strlen(client) > 64 ? "..." : "", idrule);
        return 1;
    }
    if ((e = exists(cs->client, db, client, "clients", err)) <= 0) {
        snprintf(why, whysz, "unknown client \"%s\" (expected a client of the store)", client);
        return e < 0 ? e : 1;
    }
    if (!cl_id_valid(staff)) {
        snprintf(why, whysz, "bad staff id \"%.64s%s\" (%s)", staff, strlen(staff) > 64 ? "..." : "", idrule);
        return 2;
    }
    if ((e = exists(cs->staff, db, staff, "staff", err)) <= 0) {
        snprintf(why, whysz, "unknown staff member \"%s\" (expected a staff member of the store)", staff);
        return e < 0 ? e : 2;
    }
    if (!date_valid(date)) {
        snprintf(why, whysz, "\"%.40s\" is not a date (expected YYYY-MM-DD)", date);
        return 3;
    }
    return 0;
}

static int contact_insert(contact_stmts *cs, sqlite3 *db, const char *client, const char *staff, const char *date,
                          const char *by, int *added, cl_error *err)
{
    bind_str(cs->insert, 1, client);
    bind_str(cs->insert, 2, staff);
    bind_str(cs->insert, 3, date);
    bind_str(cs->insert, 4, by && by[0] ? by : "unknown");
    int rc = run(cs->insert, db, "contacts", err);
    if (rc == CL_OK)
        *added = sqlite3_changes(db);
    return rc;
}

int cl_store_contact_add(cl_store *st, const char *client, const char *staff, const char *date, const char *by,
                         int *added, cl_error *err)
{
    static const char *const fields[] = {"", "client", "staff", "date"};
    contact_stmts cs = {0};
    char why[512];
    int n = 0;
    int rc = begin_write(st, err);
    if (rc == CL_OK)
        rc = contact_prepare(&cs, st, err);
    if (rc == CL_OK) {
        int bad = contact_check(&cs, st->db, client, staff, date, why, sizeof why, err);
        if (bad < 0)
            rc = bad;
        else if (bad > 0)
            rc = cl_error_set(err, CL_EINVALID, fields[bad], "%s", why);
    }
    if (rc == CL_OK)
        rc = contact_insert(&cs, st->db, client, staff, date, by, &n, err);
    contact_finalize(&cs);
    if (rc == CL_OK)
        rc = commit(st, err);
    rollback(st);
    if (rc == CL_OK && added)
        *added = n;
    return rc;
}

int cl_store_contacts_import(cl_store *st, const char *csv_path, const char *by, int *added, int *skipped,
                             cl_diags *diags, cl_error *err)
{
    static const char *const names[] = {"client", "staff", "date"};
    clp_csv t = {0};
    contact_stmts cs = {0};
    size_t errors0 = diags->errors;
    int n_added = 0, n_skipped = 0, col[3];
    char where[600], why[512];
    int rc = clp_csv_read(&t, csv_path, diags, err);
    if (rc != CL_OK)
        return rc;
    bool missing = false;
    for (int k = 0; k < 3; k++)
        if ((col[k] = clp_csv_col(&t, names[k])) < 0) {
            snprintf(where, sizeof where, "%s: row 1", csv_path);
            cl_diags_add(diags, CL_ERRORSEV, where, "no %s column (expected the columns client, staff, date)",
                         names[k]);
            missing = true;
        }
    for (size_t k = 0; k < t.n_cols; k++)
        if (strcmp(t.header[k], "client") && strcmp(t.header[k], "staff") && strcmp(t.header[k], "date")) {
            snprintf(where, sizeof where, "%s: row 1, column %zu (%s)", csv_path, k + 1, t.header[k]);
            cl_diags_add(diags, CL_WARNING, where, "unknown column, ignored");
        }
    if (missing) {
        rc = CL_EINVALID;
        goto done;
    }
    rc = begin_write(st, err);
    if (rc == CL_OK)
        rc = contact_prepare(&cs, st, err);
    for (size_t r = 0; rc == CL_OK && r < t.n_rows; r++) {
        const char *f[3] = {t.cells[r][col[0]], t.cells[r][col[1]], t.cells[r][col[2]]};
        int bad = contact_check(&cs, st->db, f[0], f[1], f[2], why, sizeof why, err);
        if (bad < 0) {
            rc = bad;
        } else if (bad > 0) {
            clp_csv_where(where, sizeof where, &t, r, col[bad - 1]);
            cl_diags_add(diags, CL_ERRORSEV, where, "%s", why);
        } else if (diags->errors == errors0) {
            int one = 0;
            rc = contact_insert(&cs, st->db, f[0], f[1], f[2], by, &one, err);
            n_added += one;
            n_skipped += 1 - one;
        }
    }
    if (rc == CL_OK && diags->errors > errors0)
        rc = cl_error_set(err, CL_EINVALID, csv_path, "nothing was logged (every row must be right)");
    if (rc == CL_OK) {
        long long id;
        rc = audit_row(&id, st, by, "contacts", csv_path, NULL, NULL, 0, 0, 0, n_added, err);
    }
    if (rc == CL_OK)
        rc = commit(st, err);
done:
    rollback(st);
    contact_finalize(&cs);
    clp_csv_dispose(&t);
    if (rc == CL_OK) {
        if (added)
            *added = n_added;
        if (skipped)
            *skipped = n_skipped;
    }
    return rc;
}

/* ---- history ---- */

static json_t *text_or_null(sqlite3_stmt *s, int col)
{
    if (sqlite3_column_type(s, col) == SQLITE_NULL)
        return json_null();
    return json_string((const char *)sqlite3_column_text(s, col));
}

int cl_store_history(char **out, cl_store *st, const char *client, cl_error *err)
{
    sqlite3_stmt *ev = NULL, *rows = NULL, *cur = NULL;
    json_t *root = json_object(), *events = json_array();
    int rc = CL_OK, step = SQLITE_DONE;
    if (root == NULL || events == NULL) {
        json_decref(root);
        json_decref(events);
        return cl_error_set(err, CL_ENOMEM, "db", "out of memory");
    }
    if (client && !cl_id_valid(client)) {
        rc = cl_error_set(err, CL_EINVALID, "client",
                          "bad id \"%.64s%s\" (expected 1-64 characters of A-Z a-z 0-9 . _ -, not . or ..)", client,
                          strlen(client) > 64 ? "..." : "");
        goto done;
    }
    rc = begin_read(st, err);
    if (rc == CL_OK)
        rc = prep(&ev, st->db,
                  "SELECT id, at, actor, action, source, moves, peer_moves, placed FROM audit "
                  "WHERE action IN ('import', 'apply') ORDER BY id",
                  "audit", err);
    if (rc == CL_OK)
        rc = prep(&rows, st->db,
                  "SELECT client, manager, peer, new_manager, new_peer FROM history WHERE event = ?1 "
                  "AND (?2 IS NULL OR client = ?2) AND (manager IS NOT new_manager OR peer IS NOT new_peer) "
                  "ORDER BY rowid",
                  "history", err);
    if (rc == CL_OK && client)
        rc = prep(&cur, st->db,
                  "SELECT manager, peer FROM clients WHERE id = ?1 UNION ALL "
                  "SELECT NULL, NULL WHERE EXISTS (SELECT 1 FROM history WHERE client = ?1)",
                  "clients", err);
    if (rc != CL_OK)
        goto done;
    json_object_set_new(root, "format", json_string("caseload-history/1"));
    if (client) {
        bind_str(cur, 1, client);
        step = sqlite3_step(cur);
        if (step == SQLITE_DONE) {
            rc = cl_error_set(err, CL_EINVALID, "client",
                              "unknown client \"%s\" (expected a client of the store or of its history)", client);
            goto done;
        }
        if (step != SQLITE_ROW) {
            rc = sql_error(err, st->db, step, "clients");
            goto done;
        }
        json_t *c = json_object();
        json_object_set_new(root, "client", json_string(client));
        json_object_set_new(c, "manager", text_or_null(cur, 0));
        json_object_set_new(c, "peer", text_or_null(cur, 1));
        json_object_set_new(root, "current", c);
    }
    while ((step = sqlite3_step(ev)) == SQLITE_ROW) {
        json_t *changes = json_array();
        sqlite3_bind_int64(rows, 1, sqlite3_column_int64(ev, 0));
        bind_str(rows, 2, client);
        while ((step = sqlite3_step(rows)) == SQLITE_ROW) {
            json_t *ch = json_object();
            json_object_set_new(ch, "client", text_or_null(rows, 0));
            json_object_set_new(ch, "manager", text_or_null(rows, 1));
            json_object_set_new(ch, "peer", text_or_null(rows, 2));
            json_object_set_new(ch, "new_manager", text_or_null(rows, 3));
            json_object_set_new(ch, "new_peer", text_or_null(rows, 4));
            json_array_append_new(changes, ch);
        }
        sqlite3_reset(rows);
        if (step != SQLITE_DONE) {
            json_decref(changes);
            break;
        }
        if (client && json_array_size(changes) == 0) {
            json_decref(changes);
            continue;
        }
        json_t *e = json_object();
        json_object_set_new(e, "event", json_integer(sqlite3_column_int64(ev, 0)));
        json_object_set_new(e, "at", text_or_null(ev, 1));
        json_object_set_new(e, "by", text_or_null(ev, 2));
        json_object_set_new(e, "action", text_or_null(ev, 3));
        json_object_set_new(e, "source", text_or_null(ev, 4));
        json_object_set_new(e, "moves", json_integer(sqlite3_column_int(ev, 5)));
        json_object_set_new(e, "peer_moves", json_integer(sqlite3_column_int(ev, 6)));
        json_object_set_new(e, "placed", json_integer(sqlite3_column_int(ev, 7)));
        json_object_set_new(e, "changes", changes);
        json_array_append_new(events, e);
    }
    if (step != SQLITE_DONE) {
        rc = sql_error(err, st->db, step, "history");
        goto done;
    }
    json_object_set(root, "events", events);
    char *text = clp_json_dump(root);
    root = NULL;
    if (text == NULL) {
        rc = cl_error_set(err, CL_ENOMEM, "db", "out of memory");
        goto done;
    }
    *out = text;
done:
    rollback(st);
    sqlite3_finalize(ev);
    sqlite3_finalize(rows);
    sqlite3_finalize(cur);
    json_decref(root);
    json_decref(events);
    return rc;
}
