/* cl.c: the error record and diagnostic list. */
#include "cl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cl_error_set(cl_error *err, int code, const char *where, const char *fmt, ...)
{
    if (err == NULL || err->code != 0)
        return code;
    err->code = code;
    snprintf(err->where, sizeof err->where, "%s", where ? where : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->text, sizeof err->text, fmt, ap);
    va_end(ap);
    return code;
}

int cl_status_exit_code(int code)
{
    switch (code) {
    case CL_OK:
        return 0;
    case CL_EUSAGE:
        return 2;
    case CL_EINVALID:
    case CL_ESTALE:
        return 3;
    case CL_EBREACH:
        return 4;
    default:
        return 1;
    }
}

int cl_diags_add(cl_diags *d, cl_severity sev, const char *where, const char *fmt, ...)
{
    if (d->count == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 16;
        cl_diag *items = realloc(d->items, cap * sizeof *items);
        if (items == NULL)
            return CL_ENOMEM;
        d->items = items;
        d->cap = cap;
    }
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    cl_diag *it = &d->items[d->count];
    it->severity = sev;
    it->where = strdup(where ? where : "");
    it->text = strdup(text);
    if (it->where == NULL || it->text == NULL) {
        free(it->where);
        free(it->text);
        return CL_ENOMEM;
    }
    d->count++;
    if (sev == CL_ERRORSEV)
        d->errors++;
    return CL_OK;
}

void cl_diags_dispose(cl_diags *d)
{
    if (d == NULL)
        return;
    for (size_t i = 0; i < d->count; i++) {
        free(d->items[i].where);
        free(d->items[i].text);
    }
    free(d->items);
    memset(d, 0, sizeof *d);
}
