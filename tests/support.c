/* support.c: running the caseload binary from tests and small file helpers. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "io/io.h"

char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n - 1 == 0) {
            cap *= 2;
            char *nb = realloc(buf, cap);
            if (nb == NULL) {
                free(buf);
                buf = NULL;
            }
            buf = nb;
        }
    }
    fclose(f);
    if (buf)
        buf[n] = '\0';
    return buf;
}

void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
    assert_int_equal(fclose(f), 0);
}

char *temp_dir(void)
{
    char tmpl[] = "/tmp/caseload-test-XXXXXX";
    char *d = mkdtemp(tmpl);
    assert_non_null(d);
    return strdup(d);
}

run_result run_cli(const char *fmt, ...)
{
    run_result r = {0};
    char args[8192], cmd[9000];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    char *dir = temp_dir();
    snprintf(cmd, sizeof cmd, "%s %s </dev/null >%s/out 2>%s/err", CL_BINARY, args, dir, dir);
    int st = system(cmd);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128;
    char path[4200];
    snprintf(path, sizeof path, "%s/out", dir);
    r.out = read_text(path);
    unlink(path);
    snprintf(path, sizeof path, "%s/err", dir);
    r.err = read_text(path);
    unlink(path);
    rmdir(dir);
    free(dir);
    if (r.out == NULL)
        r.out = strdup("");
    if (r.err == NULL)
        r.err = strdup("");
    return r;
}

void run_result_dispose(run_result *r)
{
    free(r->out);
    free(r->err);
    memset(r, 0, sizeof *r);
}

cl_instance *load_instance(const char *path)
{
    cl_instance *inst = NULL;
    cl_diags d = {0};
    cl_error err = {0};
    int rc = cl_instance_read(&inst, path, &d, &err);
    if (rc != CL_OK)
        cl_diags_print(&d, path, stderr);
    cl_diags_dispose(&d);
    assert_int_equal(rc, CL_OK);
    return inst;
}

void replace_text(char **text, const char *from, const char *to)
{
    char *at = strstr(*text, from);
    if (at == NULL)
        fail_msg("text lacks \"%s\"", from);
    size_t pre = (size_t)(at - *text), fl = strlen(from), tl = strlen(to), rest = strlen(at + fl);
    char *n = malloc(pre + tl + rest + 1);
    assert_non_null(n);
    memcpy(n, *text, pre);
    memcpy(n + pre, to, tl);
    memcpy(n + pre + tl, at + fl, rest + 1);
    free(*text);
    *text = n;
}
