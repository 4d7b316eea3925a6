/* fuzz_common.h: what the libFuzzer targets share: the input as a file path the library can open. */
#ifndef CL_FUZZ_COMMON_H
#define CL_FUZZ_COMMON_H

#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "io/io.h"

/* An in-memory file (memfd) that holds one input; its /proc/self/fd path opens it afresh at offset 0, so
 * the readers are exercised exactly as on a real file, with no disk I/O and nothing left behind. */
typedef struct fuzz_file {
    int fd;
    char path[64];
} fuzz_file;

static inline void fuzz_file_open(fuzz_file *f, const char *name)
{
    f->fd = memfd_create(name, 0);
    if (f->fd < 0) {
        perror("memfd_create");
        abort();
    }
    snprintf(f->path, sizeof f->path, "/proc/self/fd/%d", f->fd);
}

/* Replaces the file's content with data[0..size). */
static inline void fuzz_file_set(fuzz_file *f, const uint8_t *data, size_t size)
{
    if (ftruncate(f->fd, 0) != 0) {
        perror("ftruncate");
        abort();
    }
    size_t off = 0;
    while (off < size) {
        ssize_t w = pwrite(f->fd, data + off, size - off, (off_t)off);
        if (w <= 0) {
            perror("pwrite");
            abort();
        }
        off += (size_t)w;
    }
}

/* Prints the diagnostics into memory (every one must print: no NULL where or text), touching no file. */
static inline void fuzz_print_diags(const cl_diags *d, const char *file)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *m = open_memstream(&buf, &n);
    if (m == NULL)
        return;
    cl_diags_print(d, file, m);
    fclose(m);
    free(buf);
}

#endif
