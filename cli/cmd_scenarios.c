/* cmd_scenarios.c: caseload scenarios (not built yet). */
#include <stdio.h>

#include "cli.h"

int cmd_scenarios(int argc, char **argv)
{
    (void)argc;
    fprintf(stderr, "caseload: %s: not built yet\n", argv[0]);
    return EXIT_USAGE;
}
