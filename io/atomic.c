/* atomic.c: output files written whole or not at all, owner-only, and diagnostics printing. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io.h"

/* Writes all of text to fd. */
static int write_all(int fd, const char *text, size_t len, const char *path, cl_error *err)
{
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, text + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return cl_error_set(err, CL_EIO, path, "cannot write: %s", strerror(errno));
        off += (size_t)w;
    }
    return CL_OK;
}

/* Writes text into an existing file that is not a regular one (a device, a FIFO), in place. */
static int write_into(const char *path, const char *text, size_t len, cl_error *err)
{
    int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
    if (fd < 0)
        return cl_error_set(err, CL_EIO, path, "cannot open: %s", strerror(errno));
    int rc = write_all(fd, text, len, path, err);
    if (close(fd) != 0 && rc == CL_OK)
        rc = cl_error_set(err, CL_EIO, path, "cannot close: %s", strerror(errno));
    return rc;
}

int cl_write_file(const char *path, const char *text, cl_error *err)
{
    size_t len = strlen(text);
    if (path == NULL || strcmp(path, "-") == 0) {
        if (fwrite(text, 1, len, stdout) != len || fflush(stdout) != 0)
            return cl_error_set(err, CL_EIO, "-", "cannot write to standard output: %s", strerror(errno));
        return CL_OK;
    }
    /* Write through a symbolic link (-o link, /dev/stdout), not over it; and into what is not a regular
     * file (/dev/null, a FIFO, a terminal): renaming over those would replace them by a regular file. */
    char *real = realpath(path, NULL);
    const char *target = real ? real : path;
    struct stat sb;
    if (stat(target, &sb) == 0 && !S_ISREG(sb.st_mode)) {
        int rc = write_into(target, text, len, err);
        free(real);
        return rc;
    }
    size_t n = strlen(target) + 32;
    char *tmp = malloc(n);
    if (tmp == NULL) {
        free(real);
        return cl_error_set(err, CL_ENOMEM, path, "out of memory");
    }
    snprintf(tmp, n, "%s.tmpXXXXXX", target);
    int rc = CL_OK;
    int fd = mkstemp(tmp);
    if (fd < 0) {
        rc = cl_error_set(err, CL_EIO, path, "cannot create a temporary file beside it: %s", strerror(errno));
        free(tmp);
        free(real);
        return rc;
    }
    fchmod(fd, 0600);
    rc = write_all(fd, text, len, path, err);
    if (rc == CL_OK && fsync(fd) != 0)
        rc = cl_error_set(err, CL_EIO, path, "cannot flush: %s", strerror(errno));
    if (close(fd) != 0 && rc == CL_OK)
        rc = cl_error_set(err, CL_EIO, path, "cannot close: %s", strerror(errno));
    if (rc == CL_OK && rename(tmp, target) != 0)
        rc = cl_error_set(err, CL_EIO, path, "cannot rename the temporary file into place: %s", strerror(errno));
    if (rc != CL_OK)
        unlink(tmp);
    free(tmp);
    free(real);
    return rc;
}

/* Prints s with control characters (terminal escapes, line breaks) shown as \xNN, so that a hostile input
 * cannot rewrite the terminal or forge a line. */
void cl_print_safe(FILE *f, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p == 0x7f)
            fprintf(f, "\\x%02x", *p);
        else
            fputc(*p, f);
    }
}

void cl_diags_print(const cl_diags *d, const char *file, FILE *f)
{
    for (size_t i = 0; i < d->count; i++) {
        const cl_diag *it = &d->items[i];
        fputs("caseload: ", f);
        cl_print_safe(f, file);
        fputs(": ", f);
        cl_print_safe(f, it->where);
        fputs(it->where[0] ? ": " : "", f);
        fputs(it->severity == CL_WARNING ? "warning: " : "", f);
        cl_print_safe(f, it->text);
        fputc('\n', f);
    }
}
