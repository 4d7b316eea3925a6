/* cli.h: what the command-line front end's files share: options, loading, printing, exit codes. */
#ifndef CL_CLI_H
#define CL_CLI_H

#include <stdbool.h>

#include "io/io.h"
#include "model/instance.h"

/* Exit statuses of SPEC §2. */
enum { EXIT_RESULT = 0, EXIT_IO = 1, EXIT_USAGE = 2, EXIT_INVALID = 3, EXIT_BREACH = 4 };

/* The options every command may take. */
typedef struct cli_common {
    const char *out;     /* -o FILE, NULL = standard output */
    const char *db;      /* --db FILE: read the instance from the store */
    double time_limit_s; /* --time-limit, < 0 = unset */
    double gap;          /* --gap, < 0 = unset */
    bool quiet;
} cli_common;

void cli_common_init(cli_common *c);
/* When argv[*i] is a common option, consumes it (and its value) and returns 1; returns 0 when it is not;
 * returns -1 after printing a usage error. */
int cli_common_flag(cli_common *c, int argc, char **argv, int *i);
/* Prints "caseload: CMD: message" and returns EXIT_USAGE. */
int cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Loads the instance from path or from the store named by c->db; prints every problem (warnings too
 * unless quiet). Returns EXIT_RESULT with *out set, or the exit status to return. */
int cli_load_instance(const cli_common *c, const char *path, cl_instance **out);
/* Loads the caseload-assignment/1 at path ("-" = standard input) for inst, as it is now, and refuses one that
 * breaks a hard rule of SPEC §4 for it (the checks of caseload verify; the objective values the plan states
 * are not checked). A plan made from another state of the instance (instance_fingerprint) is only a warning:
 * the rules, not the fingerprint, say whether it can be used. Prints every problem naming the file
 * (warnings too unless quiet). Returns EXIT_RESULT with *out set (caller frees with cl_assignment_free),
 * EXIT_IO when the file cannot be read, EXIT_INVALID (not JSON, not an assignment, a breach). */
int cli_load_assignment(const cli_common *c, const cl_instance *inst, const char *path, cl_assignment **out);
/* Prints an error record as "caseload: WHERE: text" and returns its exit status. */
int cli_report(const cl_error *err);
/* Writes text to c->out (atomically) or standard output; returns the exit status. */
int cli_write(const cli_common *c, const char *text);

/* The commands, one file each: argc/argv start at the command name. */
int cmd_check(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_assign(int argc, char **argv);
int cmd_rebalance(int argc, char **argv);
int cmd_recommend(int argc, char **argv);
int cmd_schedule(int argc, char **argv);
int cmd_scenarios(int argc, char **argv);
int cmd_staffing(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_db(int argc, char **argv);

#endif
