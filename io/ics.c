/* ics.c: one RFC 5545 calendar per staff member (SPEC §6.4): DIR/<id>.ics, one event per visit and per
 * on-call day, clients named by id only; CRLF line ends, lines folded at 75 octets, TEXT values escaped. */
#include <errno.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../solver/schedule.h"
#include "io.h"

typedef struct sbuf {
    char *p;
    size_t n, cap;
    bool oom;
} sbuf;

static void put(sbuf *b, const char *s, size_t len)
{
    if (b->oom)
        return;
    if (b->n + len + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->n + len + 1)
            cap *= 2;
        char *np = realloc(b->p, cap);
        if (np == NULL) {
            b->oom = true;
            return;
        }
        b->p = np;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, len);
    b->n += len;
    b->p[b->n] = '\0';
}

/* Writes one content line, folded so that no physical line exceeds 75 octets (never inside a UTF-8
 * sequence), ended by CRLF. */
static void line(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void line(sbuf *b, const char *fmt, ...)
{
    char text[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    size_t len = strlen(text), at = 0, width = 75;
    while (len - at > width) {
        size_t cut = at + width;
        while (cut > at && ((unsigned char)text[cut] & 0xC0) == 0x80)
            cut--; /* do not split a UTF-8 sequence */
        put(b, text + at, cut - at);
        put(b, "\r\n ", 3);
        at = cut;
        width = 74; /* the leading space counts */
    }
    put(b, text + at, len - at);
    put(b, "\r\n", 2);
}

/* Escapes a TEXT value (RFC 5545 §3.3.11). */
static void text_value(char *out, size_t sz, const char *s)
{
    size_t n = 0;
    for (; *s && n + 3 < sz; s++) {
        if (*s == '\\' || *s == ';' || *s == ',') {
            out[n++] = '\\';
            out[n++] = *s;
        } else if (*s == '\n') {
            out[n++] = '\\';
            out[n++] = 'n';
        } else if ((unsigned char)*s >= 0x20 && *s != 0x7f) {
            out[n++] = *s;
        }
    }
    out[n] = '\0';
}

/* Days since 1970-01-01 of a civil date, and back (H. Hinnant's algorithms). */
static long days_from_civil(long y, long m, long d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(long z, int *y, int *m, int *d)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long yy = yoe + era * 400;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yy + (*m <= 2));
}

/* The date of week day wd plus extra days, as YYYYMMDD. */
static void date_of(const cl_instance *inst, int wd, int extra, char out[16])
{
    int y = 2000, m = 1, d = 1;
    sscanf(inst->week_start, "%d-%d-%d", &y, &m, &d);
    long z = days_from_civil(y, m, d) + clp_day_offset(inst, wd) + extra;
    civil_from_days(z, &y, &m, &d);
    snprintf(out, 16, "%04d%02d%02d", y % 10000, m % 100, d % 100);
}

/* The local date and time of minute min after midnight of week day wd, as YYYYMMDDTHHMMSS: a visit that ends
 * at midnight ends at 00:00 of the next date. */
static void date_time(const cl_instance *inst, int wd, int min, char out[48])
{
    char date[16];
    date_of(inst, wd, min / (24 * 60), date);
    snprintf(out, 48, "%sT%02d%02d00", date, min % (24 * 60) / 60, min % 60);
}

static char *calendar(const cl_instance *inst, const cl_schedule *s, int st)
{
    sbuf b = {0};
    const char *id = inst->staff[st].id;
    char stamp[16], date[16], next[16], start[48], end[48], esc[512], esc2[512];
    date_of(inst, 0, -clp_day_offset(inst, 0), stamp); /* the week's start date */
    line(&b, "BEGIN:VCALENDAR");
    line(&b, "VERSION:2.0");
    line(&b, "PRODID:-//caseload//caseload schedule %s//EN", CL_VERSION);
    line(&b, "CALSCALE:GREGORIAN");
    /* No METHOD: a file is not an iTIP message (RFC 5545 §3.7.2), and METHOD:PUBLISH would require an
     * ORGANIZER in every event (RFC 5546 §3.2.1), i.e. a person where clients and staff go by id only. */
    text_value(esc, sizeof esc, id);
    line(&b, "X-WR-CALNAME:caseload %s", esc);
    int n;
    const cl_visit *v = cl_schedule_visits(s, &n);
    for (int i = 0; i < n; i++) {
        if (v[i].staff != st)
            continue;
        const char *cid = inst->clients[v[i].client].id;
        date_time(inst, v[i].day, v[i].start_min, start);
        date_time(inst, v[i].day, v[i].end_min, end);
        line(&b, "BEGIN:VEVENT");
        line(&b, "UID:visit-%s-%s-%s-%s@caseload", stamp, id, cl_day_names[v[i].day], cid);
        line(&b, "DTSTAMP:%sT000000Z", stamp);
        line(&b, "DTSTART:%s", start);
        line(&b, "DTEND:%s", end);
        text_value(esc, sizeof esc, cid);
        if (v[i].joint_with >= 0) {
            text_value(esc2, sizeof esc2, inst->staff[v[i].joint_with].id);
            line(&b, "SUMMARY:Joint visit %s with %s", esc, esc2);
        } else {
            line(&b, "SUMMARY:Visit %s", esc);
        }
        if (v[i].zone >= 0) {
            text_value(esc2, sizeof esc2, inst->zones[v[i].zone]);
            line(&b, "LOCATION:%s", esc2);
        }
        if (v[i].covering_for >= 0) {
            text_value(esc2, sizeof esc2, inst->staff[v[i].covering_for].id);
            line(&b, "DESCRIPTION:Client %s\\, covering for %s", esc, esc2);
        } else {
            line(&b, "DESCRIPTION:Client %s", esc);
        }
        line(&b, "END:VEVENT");
    }
    const cl_on_call *oc = cl_schedule_on_call(s, &n);
    for (int i = 0; i < n; i++) {
        if (oc[i].staff != st)
            continue;
        const char *g = oc[i].team >= 0 ? inst->teams[oc[i].team].id : "agency";
        date_of(inst, oc[i].day, 0, date);
        date_of(inst, oc[i].day, 1, next);
        text_value(esc, sizeof esc, g);
        line(&b, "BEGIN:VEVENT");
        line(&b, "UID:oncall-%s-%s-%s-%s@caseload", stamp, esc, cl_day_names[oc[i].day], id);
        line(&b, "DTSTAMP:%sT000000Z", stamp);
        line(&b, "DTSTART;VALUE=DATE:%s", date);
        line(&b, "DTEND;VALUE=DATE:%s", next);
        line(&b, "SUMMARY:On call (%s)", esc);
        line(&b, "TRANSP:TRANSPARENT");
        line(&b, "END:VEVENT");
    }
    line(&b, "END:VCALENDAR");
    if (b.oom) {
        free(b.p);
        return NULL;
    }
    return b.p;
}

/* The calendars are written as a set: each one first into a staging folder inside dir (through cl_write_file,
 * so each file is whole), then all renamed into place: renames need no space, and a name taken by a folder is
 * found before. A failure before the renames leaves dir as it was (a folder made for them is removed again). */
int cl_ics_folder_check(const char *dir, cl_error *err)
{
    struct stat sb;
    if (stat(dir, &sb) == 0) {
        if (!S_ISDIR(sb.st_mode))
            return cl_error_set(err, CL_EIO, dir, "not a folder (expected a folder for the calendars)");
        if (access(dir, W_OK | X_OK) != 0)
            return cl_error_set(err, CL_EIO, dir, "cannot write the calendars into it: %s", strerror(errno));
        return CL_OK;
    }
    char *copy = errno == ENOENT ? strdup(dir) : NULL;
    if (copy == NULL)
        return cl_error_set(err, CL_EIO, dir, "cannot use it for the calendars: %s", strerror(errno));
    /* (a parent that is not a folder failed the first stat with ENOTDIR) */
    const char *parent = dirname(copy);
    int rc = stat(parent, &sb) != 0 || access(parent, W_OK | X_OK) != 0
                 ? cl_error_set(err, CL_EIO, dir, "cannot create the calendar folder: %s", strerror(errno))
                 : CL_OK;
    free(copy);
    return rc;
}

int cl_schedule_write_ics(const cl_instance *inst, const cl_schedule *s, const char *dir, cl_error *err)
{
    struct stat sb;
    bool made = false;
    if (cl_ics_folder_check(dir, err) != CL_OK)
        return CL_EIO;
    if (stat(dir, &sb) != 0) {
        if (mkdir(dir, 0700) != 0)
            return cl_error_set(err, CL_EIO, dir, "cannot create the calendar folder: %s", strerror(errno));
        made = true;
    }
    int rc = CL_OK;
    size_t n = strlen(dir) + 96; /* dir/.caseload-ics-XXXXXX/<id of at most 64>.ics */
    char *stage = malloc(n), *from = malloc(n), *to = malloc(n);
    if (stage == NULL || from == NULL || to == NULL) {
        rc = cl_error_set(err, CL_ENOMEM, dir, "out of memory");
        goto done;
    }
    stage[0] = '\0';
    /* Ids are validated on input; checked again so that no name can leave the folder. */
    for (int st = 0; st < inst->n_staff; st++)
        if (!cl_id_valid(inst->staff[st].id)) {
            rc = cl_error_set(err, CL_EIO, dir, "staff id \"%.64s\" cannot be a file name", inst->staff[st].id);
            goto done;
        }
    snprintf(stage, n, "%s/.caseload-ics-XXXXXX", dir);
    if (mkdtemp(stage) == NULL) {
        rc = cl_error_set(err, CL_EIO, dir, "cannot create a staging folder in it: %s", strerror(errno));
        stage[0] = '\0';
        goto done;
    }
    for (int st = 0; st < inst->n_staff && rc == CL_OK; st++) {
        snprintf(to, n, "%s/%s.ics", dir, inst->staff[st].id);
        snprintf(from, n, "%s/%s.ics", stage, inst->staff[st].id);
        if (lstat(to, &sb) == 0 && S_ISDIR(sb.st_mode)) {
            rc = cl_error_set(err, CL_EIO, to, "is a folder (expected a calendar file or nothing)");
            break;
        }
        char *text = calendar(inst, s, st);
        rc = text ? cl_write_file(from, text, err) : cl_error_set(err, CL_ENOMEM, from, "out of memory");
        free(text);
    }
    for (int st = 0; st < inst->n_staff && rc == CL_OK; st++) {
        snprintf(to, n, "%s/%s.ics", dir, inst->staff[st].id);
        snprintf(from, n, "%s/%s.ics", stage, inst->staff[st].id);
        if (rename(from, to) != 0)
            rc = cl_error_set(err, CL_EIO, to, "cannot move the calendar into place: %s", strerror(errno));
    }
done:
    if (stage != NULL && stage[0] != '\0') {
        for (int st = 0; st < inst->n_staff; st++) {
            snprintf(from, n, "%s/%s.ics", stage, inst->staff[st].id);
            unlink(from); /* what a failure left; after the renames, nothing */
        }
        rmdir(stage);
    }
    if (rc != CL_OK && made)
        rmdir(dir);
    free(stage);
    free(from);
    free(to);
    return rc;
}
