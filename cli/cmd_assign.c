/* cmd_assign.c: caseload assign, rebalance and recommend (SPEC §4, §5). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "solver/assign.h"
#include "solver/naive_lp.h"

static const char assign_help[] =
    "usage: caseload assign INSTANCE [-o OUT] [--time-limit S] [--gap REL] [--quiet]\n"
    "       caseload rebalance INSTANCE [-o OUT] [--max-moves K] [--frontier] [...]\n"
    "assign: every client to an eligible manager (and peer), levels in order: overload, waitlist,\n"
    "moves, imbalance, travel; each level optimal given those before. rebalance: imbalance before\n"
    "moves, with at most K moves (--max-moves or policy.max_moves); --frontier lists the best\n"
    "imbalance for each move budget. Output: caseload-assignment/1.\n"
    "assign --export-naive-lp FILE writes the naive one-model formulation (CPLEX LP, levels weighted\n"
    "into one objective) for the benchmark peers instead of solving.\n";

static const char recommend_help[] =
    "usage: caseload recommend INSTANCE --client ID [--top N] [--quiet]\n"
    "Ranks the managers who could take client ID (typically a new referral) by the objective levels\n"
    "the current assignment would have with the client placed there, with the change against the best.\n";

static int parse_int(const char *cmd, const char *flag, const char *s, int lo, int *v)
{
    char *end = NULL;
    long x = s ? strtol(s, &end, 10) : 0;
    if (s == NULL || end == s || *end != '\0' || x < lo || x > 1000000000L)
        return cli_usage(cmd, "%s needs a whole number of at least %d", flag, lo);
    *v = (int)x;
    return EXIT_RESULT;
}

static int run_solve(int argc, char **argv, bool balance_first)
{
    cli_common co;
    cli_common_init(&co);
    cl_solve_opts so;
    cl_solve_opts_init(&so);
    so.balance_first = balance_first;
    const char *path = NULL, *naive = NULL;
    int max_moves = CL_NONE;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0) {
            fputs(assign_help, stdout);
            return EXIT_RESULT;
        }
        int f = cli_common_flag(&co, argc, argv, &i);
        if (f < 0)
            return EXIT_USAGE;
        if (f > 0)
            continue;
        if (balance_first && strcmp(argv[i], "--max-moves") == 0) {
            if (parse_int(argv[0], "--max-moves", i + 1 < argc ? argv[i + 1] : NULL, 0, &max_moves) != 0)
                return EXIT_USAGE;
            i++;
        } else if (balance_first && strcmp(argv[i], "--frontier") == 0) {
            so.frontier = true;
        } else if (!balance_first && strcmp(argv[i], "--export-naive-lp") == 0 && i + 1 < argc) {
            naive = argv[++i];
        } else if (path == NULL && (argv[i][0] != '-' || argv[i][1] == '\0')) {
            path = argv[i];
        } else {
            return cli_usage(argv[0], "unexpected argument \"%s\"", argv[i]);
        }
    }
    if (path == NULL && co.db == NULL)
        return cli_usage(argv[0], "needs an INSTANCE");
    cl_instance *inst = NULL;
    int rc = cli_load_instance(&co, path, &inst);
    if (rc != EXIT_RESULT)
        return rc;
    so.time_limit_s = co.time_limit_s >= 0            ? co.time_limit_s
                      : inst->policy.time_limit_s > 0 ? inst->policy.time_limit_s
                                                      : so.time_limit_s;
    so.gap = co.gap >= 0 ? co.gap : inst->policy.gap >= 0 ? inst->policy.gap : so.gap;
    so.max_moves = max_moves != CL_NONE ? max_moves : balance_first ? inst->policy.max_moves : CL_NONE;
    so.progress = !co.quiet && isatty(STDERR_FILENO);
    cl_assignment *a = NULL;
    cl_error err = {0};
    if (naive != NULL) {
        rc = cl_assign_export_naive_lp(inst, naive, &err) == CL_OK ? EXIT_RESULT : cli_report(&err);
    } else if (cl_assign_solve(&a, inst, &so, &err) != CL_OK) {
        rc = cli_report(&err);
    } else {
        char *text = cl_assignment_to_json(inst, a);
        rc = cli_write(&co, text);
        free(text);
    }
    cl_assignment_free(a);
    cl_instance_free(inst);
    return rc;
}

int cmd_assign(int argc, char **argv)
{
    return run_solve(argc, argv, false);
}

int cmd_rebalance(int argc, char **argv)
{
    return run_solve(argc, argv, true);
}

int cmd_recommend(int argc, char **argv)
{
    cli_common co;
    cli_common_init(&co);
    const char *path = NULL, *client = NULL;
    int top = 5;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0) {
            fputs(recommend_help, stdout);
            return EXIT_RESULT;
        }
        int f = cli_common_flag(&co, argc, argv, &i);
        if (f < 0)
            return EXIT_USAGE;
        if (f > 0)
            continue;
        if (strcmp(argv[i], "--client") == 0 && i + 1 < argc) {
            client = argv[++i];
        } else if (strcmp(argv[i], "--top") == 0) {
            if (parse_int("recommend", "--top", i + 1 < argc ? argv[i + 1] : NULL, 1, &top) != 0)
                return EXIT_USAGE;
            i++;
        } else if (path == NULL && (argv[i][0] != '-' || argv[i][1] == '\0')) {
            path = argv[i];
        } else {
            return cli_usage("recommend", "unexpected argument \"%s\"", argv[i]);
        }
    }
    if ((path == NULL && co.db == NULL) || client == NULL)
        return cli_usage("recommend", "needs an INSTANCE and --client ID");
    cl_instance *inst = NULL;
    int rc = cli_load_instance(&co, path, &inst);
    if (rc != EXIT_RESULT)
        return rc;
    int c = cl_instance_find_client(inst, client);
    cl_recommendation *rec = NULL;
    int n = 0;
    cl_error err = {0};
    if (c == CL_NONE) {
        fprintf(stderr, "caseload: recommend: --client: unknown client \"%s\" (expected an id from clients)\n", client);
        rc = EXIT_INVALID;
    } else if (cl_recommend(&rec, &n, inst, NULL, c, &err) != CL_OK) {
        rc = cli_report(&err);
    } else {
        char *text = cl_recommendation_to_json(inst, c, rec, n < top ? n : top);
        rc = cli_write(&co, text);
        free(text);
    }
    free(rec);
    cl_instance_free(inst);
    return rc;
}
