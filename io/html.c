/* html.c: the HTML buffer of the report: escaping by default, literal markup only by name. */
#include "html.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cl_html_init(cl_html *h)
{
    memset(h, 0, sizeof *h);
}

void cl_html_dispose(cl_html *h)
{
    if (h == NULL)
        return;
    free(h->buf);
    cl_html_init(h);
}

char *cl_html_take(cl_html *h)
{
    char *t = h->failed ? NULL : h->buf;
    if (t == NULL && !h->failed)
        t = calloc(1, 1);
    if (h->failed)
        free(h->buf);
    cl_html_init(h);
    return t;
}

/* Makes room for n more bytes and the NUL; false after a failure. */
static bool reserve(cl_html *h, size_t n)
{
    if (h->failed)
        return false;
    if (h->len + n + 1 <= h->cap)
        return true;
    size_t cap = h->cap ? h->cap : 4096;
    while (cap < h->len + n + 1)
        cap *= 2;
    char *nb = realloc(h->buf, cap);
    if (nb == NULL) {
        h->failed = true;
        return false;
    }
    h->buf = nb;
    h->cap = cap;
    return true;
}

static void append(cl_html *h, const char *s, size_t n)
{
    if (!reserve(h, n))
        return;
    memcpy(h->buf + h->len, s, n);
    h->len += n;
    h->buf[h->len] = '\0';
}

void cl_html_raw(cl_html *h, const char *markup)
{
    if (markup != NULL)
        append(h, markup, strlen(markup));
}

/* The replacement of one byte, or NULL when it stays as it is. */
static const char *escape_of(unsigned char ch)
{
    switch (ch) {
    case '&':
        return "&amp;";
    case '<':
        return "&lt;";
    case '>':
        return "&gt;";
    case '"':
        return "&quot;";
    case '\'':
        return "&#39;";
    case '/':
        return "&#47;";
    case '\t':
    case '\n':
        return NULL;
    case 0x7f:
        return " ";
    default:
        return ch < 0x20 ? " " : NULL;
    }
}

void cl_html_text(cl_html *h, const char *s)
{
    if (s == NULL)
        return;
    const char *run = s;
    for (const char *p = s; *p; p++) {
        const char *rep = escape_of((unsigned char)*p);
        if (rep == NULL)
            continue;
        append(h, run, (size_t)(p - run));
        cl_html_raw(h, rep);
        run = p + 1;
    }
    append(h, run, strlen(run));
}

char *cl_html_escape(const char *s)
{
    if (s == NULL)
        return NULL;
    cl_html h;
    cl_html_init(&h);
    cl_html_text(&h, s);
    return cl_html_take(&h);
}

/* Appends one conversion spec (spec holds it, NUL-terminated) applied to the next argument. */
static void convert(cl_html *h, const char *spec, size_t speclen, va_list *ap)
{
    char conv = spec[speclen - 1];
    char len1 = speclen >= 2 ? spec[speclen - 2] : 0;
    char buf[512];
    int n = 0;
    switch (conv) {
    case 's':
        cl_html_text(h, va_arg(*ap, const char *));
        return;
    case 'c': {
        char one[2] = {(char)va_arg(*ap, int), 0};
        cl_html_text(h, one);
        return;
    }
    case 'd':
    case 'i':
    case 'u':
    case 'x':
        if (len1 == 'z')
            n = snprintf(buf, sizeof buf, spec, va_arg(*ap, size_t));
        else if (len1 == 'l')
            n = snprintf(buf, sizeof buf, spec, va_arg(*ap, long));
        else
            n = snprintf(buf, sizeof buf, spec, va_arg(*ap, int));
        break;
    case 'f':
    case 'g':
    case 'e':
        n = snprintf(buf, sizeof buf, spec, va_arg(*ap, double));
        break;
    default:
        return; /* unreachable with a checked format */
    }
    if (n > 0)
        append(h, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

void cl_html_f(cl_html *h, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const char *run = fmt;
    const char *p = fmt;
    while (*p) {
        if (*p != '%') {
            p++;
            continue;
        }
        append(h, run, (size_t)(p - run));
        if (p[1] == '%') {
            append(h, "%", 1);
            p += 2;
            run = p;
            continue;
        }
        const char *q = p + 1;
        while (*q && strchr("-+ #0123456789.lz", *q))
            q++;
        if (*q == '\0')
            break;
        char spec[32];
        size_t speclen = (size_t)(q - p) + 1;
        if (speclen < sizeof spec) {
            memcpy(spec, p, speclen);
            spec[speclen] = '\0';
            convert(h, spec, speclen, &ap);
        }
        p = q + 1;
        run = p;
    }
    append(h, run, strlen(run));
    va_end(ap);
}
