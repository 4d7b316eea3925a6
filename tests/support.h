/* support.h: what the test executables share: running the caseload binary and reading files. */
#ifndef CL_TEST_SUPPORT_H
#define CL_TEST_SUPPORT_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "model/instance.h"

/* Output of one run of the command-line program. */
typedef struct run_result {
    int status; /* exit status */
    char *out;  /* standard output */
    char *err;  /* standard error */
} run_result;

/* Runs `caseload ARGS` through the shell (args is a printf format) with stdin from /dev/null. */
run_result run_cli(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void run_result_dispose(run_result *r);

/* Reads a whole file; NULL when it does not exist. Caller frees. */
char *read_text(const char *path);
/* Writes text to path, replacing it; fails the test on error. */
void write_text(const char *path, const char *text);
/* Replaces the first occurrence of from in *text by to; fails the test when absent. */
void replace_text(char **text, const char *from, const char *to);
/* A fresh empty directory under /tmp; caller frees the string. */
char *temp_dir(void);
/* Loads an instance or fails the test. */
cl_instance *load_instance(const char *path);

#endif
