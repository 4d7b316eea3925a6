/* atomic.c: output files written whole or not at all, owner-only, and diagnostics printing. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io.h"

int cl_write_file(const char *path, const char *text, cl_error *err)
{
    size_t len = strlen(text);
    if (path == NULL || strcmp(path, "-") == 0) {
        if (fwrite(text, 1, len, stdout) != len || fflush(stdout) != 0)
            return cl_error_set(err, CL_EIO, "-", "cannot write to standard output: %s", strerror(errno));
        return CL_OK;
    }
    size_t n = strlen(path) + 32;
    char *tmp = malloc(n);
    if (tmp == NULL)
        return cl_error_set(err, CL_ENOMEM, path, "out of memory");
    snprintf(tmp, n, "%s.tmpXXXXXX", path);
    int rc = CL_OK;
    int fd = mkstemp(tmp);
    if (fd < 0) {
        rc = cl_error_set(err, CL_EIO, path, "cannot create a temporary file beside it: %s", strerror(errno));
        free(tmp);
        return rc;
    }
    fchmod(fd, 0600);
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, text + off, len - off);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            rc = cl_error_set(err, CL_EIO, path, "cannot write: %s", strerror(errno));
            break;
        }
        off += (size_t)w;
    }
    if (rc == CL_OK && fsync(fd) != 0)
        rc = cl_error_set(err, CL_EIO, path, "cannot flush: %s", strerror(errno));
    if (close(fd) != 0 && rc == CL_OK)
        rc = cl_error_set(err, CL_EIO, path, "cannot close: %s", strerror(errno));
    if (rc == CL_OK && rename(tmp, path) != 0)
        rc = cl_error_set(err, CL_EIO, path, "cannot rename the temporary file into place: %s", strerror(errno));
    if (rc != CL_OK)
        unlink(tmp);
    free(tmp);
    return rc;
}

void cl_diags_print(const cl_diags *d, const char *file, FILE *f)
{
    for (size_t i = 0; i < d->count; i++) {
        const cl_diag *it = &d->items[i];
        fprintf(f, "caseload: %s: %s%s%s%s\n", file, it->where, it->where[0] ? ": " : "",
                it->severity == CL_WARNING ? "warning: " : "", it->text);
    }
}
