/* main.c: the caseload command: dispatches to one file per command. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
    "caseload: plans mental-health case management for a whole agency.\n"
    "\n"
    "usage: caseload COMMAND [ARGS] [OPTIONS]\n"
    "\n"
    "commands:\n"
    "  check      INSTANCE                     validate; capacity-vs-demand summary\n"
    "  assign     INSTANCE [-o OUT]            assignment, continuity first\n"
    "  rebalance  INSTANCE [-o OUT] [--max-moves K] [--frontier]   balance first\n"
    "  recommend  INSTANCE --client ID [--top N]                   ranked managers for one referral\n"
    "  verify     INSTANCE PLAN                check an assignment or schedule; exit 4 on a breach\n"
    "  schedule   INSTANCE [--assignment A] [-o OUT] [--ics DIR]   the week's visits and on-call rota\n"
    "  scenarios  INSTANCE SCENARIOS [-o OUT] [--csv FILE] [-j N]  staffing what-ifs\n"
    "  staffing   INSTANCE [--target-utilization U]               minimum FTE per program\n"
    "  report     INSTANCE [--assignment A] [--schedule S] [--scenarios R] -o report.html\n"
    "  db         init|import|export|apply|contacts|history ...   the SQLite store\n"
    "\n"
    "INSTANCE is a caseload/1 JSON file, - for standard input, or --db FILE for the store's state.\n"
    "\n"
    "common options:\n"
    "  -o FILE             write the result to FILE (atomically) instead of standard output\n"
    "  --time-limit S      stop solving after S seconds (default 60)\n"
    "  --gap REL           accept a relative gap (default 0: prove optimality)\n"
    "  --quiet             no warnings or progress on standard error\n"
    "  --help, --version\n"
    "\n"
    "exit status: 0 a result was written; 1 I/O or internal failure; 2 usage error;\n"
    "3 invalid input; 4 (verify) the plan breaks a rule.\n"
    "See caseload(1) and README.md for the input format.\n";

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
};

static const struct command commands[] = {
    {"check", cmd_check},         {"assign", cmd_assign},
    {"rebalance", cmd_rebalance}, {"recommend", cmd_recommend},
    {"verify", cmd_verify},       {"schedule", cmd_schedule},
    {"scenarios", cmd_scenarios}, {"staffing", cmd_staffing},
    {"report", cmd_report},       {"db", cmd_db},
};

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        fputs(usage, stdout);
        return EXIT_RESULT;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("caseload %s\n", CL_VERSION);
        return EXIT_RESULT;
    }
    for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++)
        if (strcmp(argv[1], commands[k].name) == 0)
            return commands[k].run(argc - 1, argv + 1);
    fprintf(stderr, "caseload: unknown command \"%s\" (see caseload --help)\n", argv[1]);
    return EXIT_USAGE;
}
