/* cmd_db.c: caseload db (not built yet). */
#include <stdio.h>

#include "cli.h"

int cmd_db(int argc, char **argv)
{
    (void)argc;
    fprintf(stderr, "caseload: %s: not built yet\n", argv[0]);
    return EXIT_USAGE;
}
