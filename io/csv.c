/* csv.c: CSV tables through libcsv, and staff and client rows as caseload/1 records (SPEC §8). */
#include <csv.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../model/instance.h"
#include "csv_table.h"
#include "json_util.h"

/* The state of one parse: the row being built and the table so far. */
typedef struct parse_state {
    clp_csv *t;
    cl_diags *d;
    char **row; /* fields of the row being built */
    size_t n_row, cap_row;
    int line;        /* file row of the row being built (1-based) */
    int extra_lines; /* newlines inside quoted fields of the row being built */
    int last_term;   /* the character that ended the previous row, -2 at the start */
    bool nomem;
    bool have_header;
} parse_state;

static void where_row(char *buf, size_t n, const clp_csv *t, int line, int col)
{
    if (col < 0)
        snprintf(buf, n, "%s: row %d", t->path, line);
    else if ((size_t)col < t->n_cols)
        snprintf(buf, n, "%s: row %d, column %d (%s)", t->path, line, col + 1, t->header[col]);
    else
        snprintf(buf, n, "%s: row %d, column %d", t->path, line, col + 1);
}

void clp_csv_where(char *buf, size_t n, const clp_csv *t, size_t row, int col)
{
    where_row(buf, n, t, row < t->n_rows ? t->row_no[row] : 0, col);
}

static void on_field(void *s, size_t len, void *data)
{
    parse_state *ps = data;
    if (ps->nomem)
        return;
    if (ps->n_row == ps->cap_row) {
        size_t cap = ps->cap_row ? ps->cap_row * 2 : 16;
        char **r = realloc(ps->row, cap * sizeof *r);
        if (r == NULL) {
            ps->nomem = true;
            return;
        }
        ps->row = r;
        ps->cap_row = cap;
    }
    char *f = malloc(len + 1);
    if (f == NULL) {
        ps->nomem = true;
        return;
    }
    if (len > 0)
        memcpy(f, s, len);
    f[len] = '\0';
    for (size_t i = 0; i < len; i++)
        ps->extra_lines += f[i] == '\n';
    ps->row[ps->n_row++] = f;
}

static void drop_row(parse_state *ps)
{
    for (size_t i = 0; i < ps->n_row; i++)
        free(ps->row[i]);
    ps->n_row = 0;
}

static bool row_blank(const parse_state *ps)
{
    for (size_t i = 0; i < ps->n_row; i++)
        if (ps->row[i][0] != '\0')
            return false;
    return true;
}

/* A whole row: the header, or a data row of exactly the header's width. */
static void on_row(int c, void *data)
{
    parse_state *ps = data;
    clp_csv *t = ps->t;
    if (c == '\n' && ps->last_term == '\r' && ps->n_row == 0) {
        ps->last_term = c; /* the LF of a CRLF pair */
        return;
    }
    ps->last_term = c;
    int line = ps->line;
    ps->line += 1 + ps->extra_lines;
    ps->extra_lines = 0;
    if (ps->nomem || row_blank(ps)) {
        drop_row(ps);
        return;
    }
    char where[512];
    if (!ps->have_header) {
        ps->have_header = true;
        t->header = ps->row;
        t->n_cols = ps->n_row;
        ps->row = NULL;
        ps->n_row = ps->cap_row = 0;
        for (size_t k = 0; k < t->n_cols; k++) {
            where_row(where, sizeof where, t, line, (int)k);
            if (t->header[k][0] == '\0')
                cl_diags_add(ps->d, CL_ERRORSEV, where, "empty column name (expected a field name)");
            for (size_t j = 0; j < k; j++)
                if (strcmp(t->header[j], t->header[k]) == 0) {
                    cl_diags_add(ps->d, CL_ERRORSEV, where, "column \"%.64s\" appears twice (expected each once)",
                                 t->header[k]);
                    break;
                }
        }
        return;
    }
    if (ps->n_row != t->n_cols) {
        where_row(where, sizeof where, t, line, -1);
        cl_diags_add(ps->d, CL_ERRORSEV, where, "%zu fields (expected %zu, as many as the header has)", ps->n_row,
                     t->n_cols);
        drop_row(ps);
        return;
    }
    if (t->n_rows % 64 == 0) {
        char ***cells = realloc(t->cells, (t->n_rows + 64) * sizeof *cells);
        int *rows = realloc(t->row_no, (t->n_rows + 64) * sizeof *rows);
        if (cells)
            t->cells = cells;
        if (rows)
            t->row_no = rows;
        if (cells == NULL || rows == NULL) {
            ps->nomem = true;
            drop_row(ps);
            return;
        }
    }
    t->cells[t->n_rows] = ps->row;
    t->row_no[t->n_rows] = line;
    t->n_rows++;
    ps->row = NULL;
    ps->n_row = ps->cap_row = 0;
}

void clp_csv_dispose(clp_csv *t)
{
    if (t == NULL)
        return;
    for (size_t r = 0; r < t->n_rows; r++) {
        for (size_t k = 0; k < t->n_cols; k++)
            free(t->cells[r][k]);
        free(t->cells[r]);
    }
    for (size_t k = 0; k < t->n_cols; k++)
        free(t->header[k]);
    free(t->header);
    free(t->cells);
    free(t->row_no);
    free(t->path);
    memset(t, 0, sizeof *t);
}

int clp_csv_read(clp_csv *out, const char *path, cl_diags *diags, cl_error *err)
{
    char *buf = NULL;
    size_t len = 0;
    int rc = clp_slurp(&buf, &len, path, err);
    if (rc != CL_OK)
        return rc;
    clp_csv t = {0};
    parse_state ps = {.t = &t, .d = diags, .line = 1, .last_term = -2};
    struct csv_parser p;
    bool parser = false;
    t.path = strdup(path);
    if (t.path == NULL || csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_REPALL_NL) != 0) {
        rc = cl_error_set(err, CL_ENOMEM, path, "out of memory");
        goto done;
    }
    parser = true;
    size_t skip = clp_bom_len(buf, len);
    size_t used = csv_parse(&p, buf + skip, len - skip, on_field, on_row, &ps);
    int ferr = used == len - skip ? csv_fini(&p, on_field, on_row, &ps) : -1;
    if (ps.nomem || csv_error(&p) == CSV_ENOMEM) {
        rc = cl_error_set(err, CL_ENOMEM, path, "out of memory");
        goto done;
    }
    if (used != len - skip || ferr != 0) {
        char where[512];
        where_row(where, sizeof where, &t, ps.line, -1);
        cl_diags_add(diags, CL_ERRORSEV, where,
                     "%s (expected fields separated by commas, quotes doubled inside "
                     "a quoted field)",
                     csv_strerror(csv_error(&p)));
    }
    if (!ps.have_header)
        cl_diags_add(diags, CL_ERRORSEV, t.path, "no header row (expected a first row naming the columns)");
    if (!ps.have_header || used != len - skip || ferr != 0) {
        rc = CL_EINVALID;
        goto done;
    }
    *out = t;
    memset(&t, 0, sizeof t);
done:
    if (parser)
        csv_free(&p);
    drop_row(&ps);
    free(ps.row);
    clp_csv_dispose(&t);
    free(buf);
    return rc;
}

int clp_csv_col(const clp_csv *t, const char *name)
{
    for (size_t k = 0; k < t->n_cols; k++)
        if (strcmp(t->header[k], name) == 0)
            return (int)k;
    return -1;
}

/* The type of each caseload/1 field that may be a column: s string, n number, b boolean, l ;-list. */
typedef struct field_type {
    const char *name;
    char type;
} field_type;

static const field_type staff_fields[] = {
    {"id", 's'},   {"role", 's'},      {"program", 's'}, {"team", 's'},   {"fte", 'n'}, {"caseload_cap", 'n'},
    {"zone", 's'}, {"languages", 'l'}, {"on_call", 'b'}, {"active", 'b'}, {NULL, 0},
};

static const field_type client_fields[] = {
    {"id", 's'},        {"program", 's'},
    {"level", 's'},     {"status", 's'},
    {"acuity", 'n'},    {"priority", 'n'},
    {"zone", 's'},      {"languages", 'l'},
    {"manager", 's'},   {"peer", 's'},
    {"keep", 'b'},      {"avoid", 'l'},
    {"days", 'l'},      {"contacts_this_month", 'n'},
    {"residence", 's'}, {"visit_minutes", 'n'},
    {NULL, 0},
};

static char type_of(const field_type *fields, const char *name)
{
    for (const field_type *f = fields; f->name; f++)
        if (strcmp(f->name, name) == 0)
            return f->type;
    return 's'; /* an unknown column: the reader warns about the key */
}

static json_t *number_cell(const char *s, bool *ok)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    while (end && isspace((unsigned char)*end))
        end++;
    if (end == s || *end != '\0' || errno == ERANGE || !isfinite(v)) {
        *ok = false;
        return NULL;
    }
    if (fabs(v) < 9e15 && v == floor(v))
        return json_integer((json_int_t)v);
    return json_real(v);
}

static json_t *bool_cell(const char *s, bool *ok)
{
    if (strcasecmp(s, "true") == 0 || strcasecmp(s, "yes") == 0 || strcmp(s, "1") == 0)
        return json_true();
    if (strcasecmp(s, "false") == 0 || strcasecmp(s, "no") == 0 || strcmp(s, "0") == 0)
        return json_false();
    *ok = false;
    return NULL;
}

/* "en; es" -> ["en", "es"]; empty items are dropped. */
static json_t *list_cell(const char *s)
{
    json_t *arr = json_array();
    const char *p = s;
    while (arr && *p) {
        const char *e = strchr(p, ';');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        while (n > 0 && isspace((unsigned char)*p)) {
            p++;
            n--;
        }
        while (n > 0 && isspace((unsigned char)p[n - 1]))
            n--;
        if (n > 0)
            json_array_append_new(arr, json_stringn(p, n));
        if (e == NULL)
            break;
        p = e + 1;
    }
    return arr;
}

json_t *clp_csv_records(const clp_csv *t, clp_csv_kind kind, cl_diags *diags)
{
    const field_type *fields = kind == CLP_CSV_STAFF ? staff_fields : client_fields;
    json_t *arr = json_array();
    if (arr == NULL)
        return NULL;
    char where[512];
    for (size_t r = 0; r < t->n_rows; r++) {
        json_t *rec = json_object(), *minutes = NULL;
        for (size_t k = 0; k < t->n_cols; k++) {
            const char *name = t->header[k], *cell = t->cells[r][k];
            if (cell[0] == '\0')
                continue; /* empty: the field's default */
            bool ok = true;
            json_t *v = NULL;
            int day = kind == CLP_CSV_STAFF && strncmp(name, "minutes_", 8) == 0 ? cl_day_parse(name + 8) : CL_NONE;
            if (day != CL_NONE) {
                v = number_cell(cell, &ok);
                if (ok) {
                    if (minutes == NULL)
                        minutes = json_object();
                    json_object_set_new(minutes, cl_day_names[day], v);
                    continue;
                }
            } else {
                switch (type_of(fields, name)) {
                case 'n':
                    v = number_cell(cell, &ok);
                    break;
                case 'b':
                    v = bool_cell(cell, &ok);
                    break;
                case 'l':
                    v = list_cell(cell);
                    break;
                default:
                    v = json_string(cell);
                    if (v == NULL) {
                        ok = false;
                        clp_csv_where(where, sizeof where, t, r, (int)k);
                        cl_diags_add(diags, CL_ERRORSEV, where, "not valid UTF-8 text (expected UTF-8)");
                        continue;
                    }
                }
            }
            if (!ok) {
                char ty = day != CL_NONE ? 'n' : type_of(fields, name);
                clp_csv_where(where, sizeof where, t, r, (int)k);
                cl_diags_add(diags, CL_ERRORSEV, where, "\"%.40s\" is not %s", cell,
                             ty == 'n' ? "a number (expected a number such as 0.8 or 480)"
                                       : "true or false (expected true, false, yes, no, 1 or 0)");
                continue;
            }
            json_object_set_new(rec, name, v);
        }
        if (minutes)
            json_object_set_new(rec, "minutes", minutes);
        json_array_append_new(arr, rec);
    }
    return arr;
}

void clp_csv_locate(const clp_csv *staff, const clp_csv *clients, const cl_diag *in, const char *other, cl_diags *out)
{
    const char *w = in->where;
    const clp_csv *t = NULL;
    size_t skip = 0;
    if (strncmp(w, "staff[", 6) == 0) {
        t = staff;
        skip = 6;
    } else if (strncmp(w, "clients[", 8) == 0) {
        t = clients;
        skip = 8;
    }
    char *end = NULL;
    unsigned long idx = t ? strtoul(w + skip, &end, 10) : 0;
    if (t == NULL || end == NULL || *end != ']' || idx >= t->n_rows) {
        char where[600];
        snprintf(where, sizeof where, "%s%s%.500s", other, w[0] ? ": " : "", w);
        cl_diags_add(out, in->severity, where, "%s", in->text);
        return;
    }
    const char *rest = end + 1; /* "", ".key", ".key[2]", ".minutes.mon" */
    char key[96] = "";
    if (*rest == '.') {
        size_t n = strcspn(rest + 1, ".[");
        snprintf(key, sizeof key, "%.*s", (int)(n < 64 ? n : 64), rest + 1);
        if (strcmp(key, "minutes") == 0 && rest[1 + n] == '.')
            snprintf(key, sizeof key, "minutes_%.8s", rest + 2 + n);
    }
    int col = key[0] ? clp_csv_col(t, key) : -1;
    char where[512];
    clp_csv_where(where, sizeof where, t, idx, col);
    if (col < 0 && key[0])
        cl_diags_add(out, in->severity, where, "%s: %s", key, in->text);
    else
        cl_diags_add(out, in->severity, where, "%s", in->text);
}
