/* store.h: the SQLite store of SPEC §8. */
#ifndef CL_STORE_H
#define CL_STORE_H

#include "../model/cl.h"
#include "../model/instance.h"

/* Reads the current state of the store at path as an instance. Returns 0 with *out set, CL_EIO (no such
 * store), CL_EINVALID, CL_ENOMEM; err says why. */
int cl_store_load(cl_instance **out, const char *path, cl_error *err);

#endif
