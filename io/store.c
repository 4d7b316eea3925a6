/* store.c: the SQLite store (SPEC §8). */
#include "store.h"

int cl_store_load(cl_instance **out, const char *path, cl_error *err)
{
    (void)out;
    return cl_error_set(err, CL_EUSAGE, path, "the store is not built yet");
}
