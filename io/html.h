/* html.h: a growable HTML buffer whose formatted output escapes every string argument by default. */
#ifndef CL_HTML_H
#define CL_HTML_H

#include <stdbool.h>
#include <stddef.h>

/* An HTML text being built. Fill with cl_html_init, release with cl_html_dispose. After an allocation
 * failure every append is a no-op and failed is set; cl_html_take then returns NULL. */
typedef struct cl_html {
    char *buf;   /* NUL-terminated text, NULL before the first append */
    size_t len;  /* bytes in buf, without the NUL */
    size_t cap;  /* bytes allocated */
    bool failed; /* an allocation failed */
} cl_html;

/* Starts an empty buffer (the caller's struct). */
void cl_html_init(cl_html *h);
/* Frees the text; the struct itself is the caller's. NULL is a no-op. */
void cl_html_dispose(cl_html *h);
/* Hands over the text (caller frees) and leaves h empty; NULL when an allocation failed. */
char *cl_html_take(cl_html *h);

/* Appends markup as it is: only for literal markup written in the code, never for data. */
void cl_html_raw(cl_html *h, const char *markup);
/* Appends s as text: & < > " ' / become character references and control characters other than tab and
 * newline become spaces, so the result is safe in element content and in quoted attribute values alike
 * (and holds no "://"). NULL appends nothing. */
void cl_html_text(cl_html *h, const char *s);
/* printf-like: the format is literal markup; every %s argument is appended escaped as by cl_html_text
 * (a NULL %s appends nothing; its width and precision are ignored: cut strings before). Conversions: %s %d
 * %i %u %ld %lu %zu %c %f %g %e %x %%, numbers with flags, width and precision (no '*'). %c is escaped too. */
void cl_html_f(cl_html *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Returns s escaped as cl_html_text does (caller frees); NULL on no memory or when s is NULL. */
char *cl_html_escape(const char *s);

#endif
