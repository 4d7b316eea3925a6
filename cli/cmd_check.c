/* cmd_check.c: caseload check INSTANCE: validation and a capacity-vs-demand summary. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "model/rules.h"

static const char help[] = "usage: caseload check INSTANCE [--quiet]\n"
                           "Validates a caseload/1 instance (every problem listed, exit 3) and prints a summary\n"
                           "per program and Blended team: clients, acuity load against capacity, intakes,\n"
                           "inactive staff and their clients, language coverage and Blended mix legality.\n";

/* Demand and capacity of one program, as the summary shows them. */
static void program_summary(const cl_instance *inst, int p)
{
    int clients = 0, intakes = 0, transitional = 0, managers = 0;
    double load = 0, cap = 0;
    for (int c = 0; c < inst->n_clients; c++) {
        const cl_client *cl = &inst->clients[c];
        if ((int)cl->program != p)
            continue;
        clients++;
        intakes += cl->manager < 0;
        transitional += cl->transitional;
        load += p == CL_BLENDED ? cl_blended_fte(inst, c) : cl->acuity;
    }
    for (int s = 0; s < inst->n_staff; s++) {
        const cl_staff *st = &inst->staff[s];
        if (!st->active || st->role != CL_MANAGER)
            continue;
        if (p == CL_BLENDED ? st->team >= 0 : (st->team < 0 && st->program == p)) {
            managers++;
            cap += p == CL_BLENDED ? st->fte : cl_capacity(inst, s);
        }
    }
    if (clients == 0 && managers == 0)
        return;
    printf("%-10s %4d clients (%d intakes, %d transitional), %d active managers; ", cl_program_names[p], clients,
           intakes, transitional, managers);
    if (p == CL_BLENDED)
        printf("pooled demand %.2f FTE of %.2f FTE", load, cap);
    else
        printf("acuity load %.2f of capacity %.2f", load, cap);
    printf(" (%.0f%%)%s\n", cap > 0 ? 100 * load / cap : 0, load > cap + 1e-9 ? "  OVER CAPACITY" : "");
    if (p == CL_ADULT_HOME) {
        int peers = 0;
        double pcap = 0;
        for (int s = 0; s < inst->n_staff; s++)
            if (inst->staff[s].active && inst->staff[s].role == CL_PEER) {
                peers++;
                pcap += cl_capacity(inst, s);
            }
        printf("%-10s      %d active peer specialists, capacity %.2f for %.2f acuity\n", "", peers, pcap, load);
    }
}

static void language_summary(const cl_instance *inst)
{
    for (int l = 0; l < inst->n_langs; l++) {
        uint64_t bit = (uint64_t)1 << l;
        int clients = 0, only = 0;
        int speakers[CL_NPROGRAMS] = {0};
        for (int c = 0; c < inst->n_clients; c++) {
            clients += (inst->clients[c].langs & bit) != 0;
            only += inst->clients[c].langs == bit;
        }
        if (clients == 0)
            continue;
        for (int s = 0; s < inst->n_staff; s++) {
            const cl_staff *st = &inst->staff[s];
            if (st->active && st->role == CL_MANAGER && (st->langs & bit) && st->program >= 0)
                speakers[st->team >= 0 ? CL_BLENDED : st->program]++;
        }
        printf("  %s: %d clients (%d need it), managers speaking it: ICM %d, SCM %d, Blended %d, Adult Home %d\n",
               inst->langs[l], clients, only, speakers[CL_ICM], speakers[CL_SCM], speakers[CL_BLENDED],
               speakers[CL_ADULT_HOME]);
    }
}

int cmd_check(int argc, char **argv)
{
    cli_common co;
    cli_common_init(&co);
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0) {
            fputs(help, stdout);
            return EXIT_RESULT;
        }
        int f = cli_common_flag(&co, argc, argv, &i);
        if (f < 0)
            return EXIT_USAGE;
        if (f == 0) {
            if (path != NULL || (argv[i][0] == '-' && argv[i][1] != '\0'))
                return cli_usage("check", "unexpected argument \"%s\"", argv[i]);
            path = argv[i];
        }
    }
    if (path == NULL && co.db == NULL)
        return cli_usage("check", "needs an INSTANCE");
    cl_instance *inst = NULL;
    int rc = cli_load_instance(&co, path, &inst);
    if (rc != EXIT_RESULT)
        return rc;
    const char *name = co.db ? co.db : path;
    for (int t = 0; t < inst->n_teams; t++) {
        int a, b;
        cl_team_mix(inst, t, &a, &b);
        if (!cl_blended_mix_legal(a, b) && !co.quiet)
            fprintf(stderr,
                    "caseload: %s: teams[%d]: warning: Blended team %s has %d ICM and %d SCM active members, a mix "
                    "the rules do not allow (expected 1+1, 1+2, 2+1 or sums of these: a, b >= 1, a <= 2b, b <= 2a)\n",
                    name, t, inst->teams[t].id, a, b);
    }
    cl_print_safe(stdout, inst->name ? inst->name : name);
    printf(": valid caseload/1, %d staff, %d clients\n", inst->n_staff, inst->n_clients);
    printf("\nPrograms (load against the capacity of active managers):\n");
    for (int p = 0; p < CL_NPROGRAMS; p++)
        program_summary(inst, p);
    if (inst->n_teams > 0)
        printf("\nBlended teams:\n");
    for (int t = 0; t < inst->n_teams; t++) {
        int a, b, clients = 0;
        double used = 0;
        cl_team_mix(inst, t, &a, &b);
        for (int c = 0; c < inst->n_clients; c++) {
            int m = inst->clients[c].manager;
            if (m >= 0 && inst->staff[m].team == t) {
                clients++;
                used += cl_blended_fte(inst, c);
            }
        }
        printf("  %-8s %d ICM + %d SCM (%s), %d clients using %.2f of %.2f FTE\n", inst->teams[t].id, a, b,
               cl_blended_mix_legal(a, b) ? "legal mix" : "mix NOT allowed", clients, used, cl_team_fte(inst, t));
    }
    int inactive = 0;
    for (int s = 0; s < inst->n_staff; s++) {
        if (inst->staff[s].active)
            continue;
        int held = 0;
        for (int c = 0; c < inst->n_clients; c++)
            held += inst->clients[c].manager == s || inst->clients[c].peer == s;
        if (inactive++ == 0)
            printf("\nInactive staff (their clients must move):\n");
        printf("  %s: %d clients\n", inst->staff[s].id, held);
    }
    printf("\nLanguages:\n");
    language_summary(inst);
    cl_instance_free(inst);
    return EXIT_RESULT;
}
