/* cmd_staffing.c: caseload staffing (not built yet). */
#include <stdio.h>

#include "cli.h"

int cmd_staffing(int argc, char **argv)
{
    (void)argc;
    fprintf(stderr, "caseload: %s: not built yet\n", argv[0]);
    return EXIT_USAGE;
}
