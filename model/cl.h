/* cl.h: status codes, the caller-owned error record and the diagnostic list shared by every layer. */
#ifndef CL_CL_H
#define CL_CL_H

#include <stddef.h>

/* Return codes: 0 is success, failures are negative. */
typedef enum cl_status {
    CL_OK = 0,
    CL_EIO = -1,       /* a file could not be read or written */
    CL_EINTERNAL = -2, /* a bug or a solver failure */
    CL_EUSAGE = -3,    /* bad options or arguments */
    CL_EINVALID = -4,  /* invalid input data */
    CL_ENOMEM = -5,    /* out of memory */
    CL_EBREACH = -6,   /* verify: the plan breaks a rule */
    CL_ESTALE = -7,    /* store: the plan was made from an older state */
    CL_EBUSY = -8      /* store: another writer holds the lock */
} cl_status;

/* The first error of an operation: code, where (JSON path, db:table or opts.field) and text. */
typedef struct cl_error {
    int code;
    char where[256];
    char text[768];
} cl_error;

/* Records an error into err unless err is NULL or already holds one (the first error wins).
 * Returns code, so that `return cl_error_set(...)` reads naturally. */
int cl_error_set(cl_error *err, int code, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Exit status of the command-line program for a return code (SPEC §2). */
int cl_status_exit_code(int code);

typedef enum cl_severity { CL_WARNING = 0, CL_ERRORSEV = 1 } cl_severity;

/* One problem found in an input: where is a JSON path such as clients[12].program. */
typedef struct cl_diag {
    cl_severity severity;
    char *where;
    char *text;
} cl_diag;

/* A growable list of problems; all of them are reported, not just the first. */
typedef struct cl_diags {
    cl_diag *items;
    size_t count;
    size_t cap;
    size_t errors; /* how many have CL_ERRORSEV */
} cl_diags;

/* Adds one problem (where and text are copied). Returns 0 or CL_ENOMEM. */
int cl_diags_add(cl_diags *d, cl_severity sev, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Frees the items; the struct itself is the caller's. NULL is a no-op. */
void cl_diags_dispose(cl_diags *d);

#endif
