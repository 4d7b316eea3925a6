/* cmd_schedule.c: caseload schedule (not built yet). */
#include <stdio.h>

#include "cli.h"

int cmd_schedule(int argc, char **argv)
{
    (void)argc;
    fprintf(stderr, "caseload: %s: not built yet\n", argv[0]);
    return EXIT_USAGE;
}
