/* json_util.c: JSON loading with located errors and typed getters that report problems by JSON path. */
#include "json_util.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int clp_slurp(char **out, size_t *len, const char *path, cl_error *err)
{
    bool is_stdin = strcmp(path, "-") == 0;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    if (f == NULL)
        return cl_error_set(err, CL_EIO, path, "cannot open: %s", strerror(errno));
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    int rc = CL_OK;
    if (buf == NULL) {
        rc = cl_error_set(err, CL_ENOMEM, path, "out of memory");
        goto done;
    }
    for (;;) {
        if (n == cap) {
            cap *= 2;
            char *nb = realloc(buf, cap + 1);
            if (nb == NULL) {
                rc = cl_error_set(err, CL_ENOMEM, path, "out of memory");
                goto done;
            }
            buf = nb;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        rc = cl_error_set(err, CL_EIO, path, "cannot read: %s", strerror(errno));
        goto done;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    buf = NULL;
done:
    free(buf);
    if (!is_stdin)
        fclose(f);
    return rc;
}

/* The JSON path of the value being parsed at byte offset pos of text, for syntax errors. */
static void path_at(const char *text, size_t pos, char *out, size_t outsz)
{
    enum { MAXD = 48, KEYMAX = 64 };
    struct frame {
        bool obj;
        size_t idx;
        char key[KEYMAX];
        bool has_key;
        bool expect_key;
    } st[MAXD];
    int depth = 0, overflow = 0;
    for (size_t i = 0; i < pos && text[i]; i++) {
        char ch = text[i];
        struct frame *top = depth > 0 && overflow == 0 ? &st[depth - 1] : NULL;
        if (ch == '"') {
            size_t s = ++i, k = 0;
            while (i < pos && text[i] && text[i] != '"') {
                if (text[i] == '\\' && text[i + 1])
                    i++;
                i++;
            }
            if (top && top->obj && top->expect_key) {
                k = i - s < KEYMAX - 1 ? i - s : KEYMAX - 1;
                memcpy(top->key, text + s, k);
                top->key[k] = '\0';
                top->has_key = true;
            }
            if (i >= pos)
                break;
        } else if (ch == '{' || ch == '[') {
            if (depth >= MAXD || overflow) {
                overflow++;
                continue;
            }
            st[depth++] = (struct frame){.obj = ch == '{', .expect_key = ch == '{'};
        } else if (ch == '}' || ch == ']') {
            if (overflow)
                overflow--;
            else if (depth > 0)
                depth--;
        } else if (ch == ',' && top) {
            if (top->obj) {
                top->expect_key = true;
                top->has_key = false;
            } else {
                top->idx++;
            }
        } else if (ch == ':' && top && top->obj) {
            top->expect_key = false;
        }
    }
    size_t n = 0;
    out[0] = '\0';
    for (int k = 0; k < depth && n < outsz; k++) {
        int w;
        if (st[k].obj && st[k].has_key)
            w = snprintf(out + n, outsz - n, "%s%s", n ? "." : "", st[k].key);
        else if (!st[k].obj)
            w = snprintf(out + n, outsz - n, "[%zu]", st[k].idx);
        else
            w = 0;
        if (w < 0)
            break;
        n += (size_t)w;
    }
    if (overflow && n + 4 < outsz)
        strcat(out, "...");
}

size_t clp_bom_len(const char *buf, size_t len)
{
    return len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
}

int clp_json_load(json_t **out, const char *path, cl_diags *diags, cl_error *err)
{
    char *buf = NULL;
    size_t len = 0;
    int rc = clp_slurp(&buf, &len, path, err);
    if (rc != CL_OK)
        return rc;
    size_t bom = clp_bom_len(buf, len);
    const char *text = buf + bom;
    len -= bom;
    size_t ws = strspn(text, " \t\r\n");
    if (ws == len) {
        cl_diags_add(diags, CL_ERRORSEV, "", "line 1, column 1: the file is empty (expected a JSON object)");
        free(buf);
        return CL_EINVALID;
    }
    if (strlen(text) != len) {
        cl_diags_add(diags, CL_ERRORSEV, "", "the file holds a NUL byte (expected JSON text)");
        free(buf);
        return CL_EINVALID;
    }
    json_error_t je;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (root == NULL) {
        char where[512];
        size_t pos = je.position > 0 ? (size_t)je.position : 0;
        path_at(text, pos, where, sizeof where);
        cl_diags_add(diags, CL_ERRORSEV, where, "line %d, column %d: %s (expected valid JSON)", je.line, je.column,
                     je.text);
        free(buf);
        return CL_EINVALID;
    }
    free(buf);
    *out = root;
    return CL_OK;
}

size_t clp_jr_key(clp_jr *r, const char *key)
{
    size_t n = strlen(r->path);
    snprintf(r->path + n, sizeof r->path - n, "%s%s", n ? "." : "", key);
    return n;
}

size_t clp_jr_idx(clp_jr *r, size_t i)
{
    size_t n = strlen(r->path);
    snprintf(r->path + n, sizeof r->path - n, "[%zu]", i);
    return n;
}

void clp_jr_pop(clp_jr *r, size_t len)
{
    r->path[len] = '\0';
}

static void vreport(clp_jr *r, cl_severity sev, const char *fmt, va_list ap)
{
    char text[1024];
    vsnprintf(text, sizeof text, fmt, ap);
    cl_diags_add(r->d, sev, r->path, "%s", text);
}

void clp_jr_err(clp_jr *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(r, CL_ERRORSEV, fmt, ap);
    va_end(ap);
}

void clp_jr_warn(clp_jr *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(r, CL_WARNING, fmt, ap);
    va_end(ap);
}

const char *clp_json_type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
    case JSON_REAL:
        return "a number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    default:
        return "null";
    }
}

void clp_jr_unknown_keys(clp_jr *r, json_t *obj, const char *const *known)
{
    const char *key;
    json_t *v;
    json_object_foreach (obj, key, v) {
        bool ok = false;
        for (const char *const *k = known; *k && !ok; k++)
            ok = strcmp(*k, key) == 0;
        if (!ok) {
            size_t l = clp_jr_key(r, key);
            clp_jr_warn(r, "unknown key, ignored");
            clp_jr_pop(r, l);
        }
    }
}

static json_t *typed(clp_jr *r, json_t *obj, const char *key, bool (*is)(const json_t *), const char *what)
{
    json_t *v = json_object_get(obj, key);
    if (v == NULL)
        return NULL;
    if (!is(v)) {
        size_t l = clp_jr_key(r, key);
        clp_jr_err(r, "%s where %s is expected (expected %s)", clp_json_type_name(v), what, what);
        clp_jr_pop(r, l);
        return NULL;
    }
    return v;
}

static bool is_number(const json_t *v)
{
    return json_is_number(v);
}
static bool is_bool(const json_t *v)
{
    return json_is_boolean(v);
}
static bool is_string(const json_t *v)
{
    return json_is_string(v);
}
static bool is_array(const json_t *v)
{
    return json_is_array(v);
}
static bool is_object(const json_t *v)
{
    return json_is_object(v);
}

bool clp_jr_number(clp_jr *r, json_t *obj, const char *key, double *v)
{
    json_t *j = typed(r, obj, key, is_number, "a number");
    if (j == NULL)
        return false;
    *v = json_number_value(j);
    return true;
}

bool clp_jr_int(clp_jr *r, json_t *obj, const char *key, int *v)
{
    json_t *j = typed(r, obj, key, is_number, "a whole number");
    if (j == NULL)
        return false;
    double x = json_number_value(j);
    if (x != floor(x) || fabs(x) > 1e9) {
        size_t l = clp_jr_key(r, key);
        clp_jr_err(r, "%g is not a whole number in range (expected a whole number)", x);
        clp_jr_pop(r, l);
        return false;
    }
    *v = (int)x;
    return true;
}

bool clp_jr_bool(clp_jr *r, json_t *obj, const char *key, bool *v)
{
    json_t *j = typed(r, obj, key, is_bool, "true or false");
    if (j == NULL)
        return false;
    *v = json_is_true(j);
    return true;
}

bool clp_jr_string(clp_jr *r, json_t *obj, const char *key, const char **v)
{
    json_t *j = typed(r, obj, key, is_string, "a string");
    if (j == NULL)
        return false;
    *v = json_string_value(j);
    return true;
}

json_t *clp_jr_array(clp_jr *r, json_t *obj, const char *key)
{
    return typed(r, obj, key, is_array, "an array");
}

json_t *clp_jr_object(clp_jr *r, json_t *obj, const char *key)
{
    return typed(r, obj, key, is_object, "an object");
}

void clp_jr_each_object(clp_jr *r, json_t *arr, const char *key, const char *what,
                        void (*each)(clp_jr *r, json_t *e, size_t i, void *ctx), void *ctx)
{
    size_t i;
    json_t *e;
    size_t l = clp_jr_key(r, key);
    json_array_foreach (arr, i, e) {
        size_t l2 = clp_jr_idx(r, i);
        if (!json_is_object(e))
            clp_jr_err(r, "%s where %s is expected (expected an object)", clp_json_type_name(e), what);
        else
            each(r, e, i, ctx);
        clp_jr_pop(r, l2);
    }
    clp_jr_pop(r, l);
}

void clp_jr_missing(clp_jr *r, const char *key, const char *expected)
{
    size_t l = clp_jr_key(r, key);
    clp_jr_err(r, "missing (expected %s)", expected);
    clp_jr_pop(r, l);
}

json_t *clp_json_num(double v, int decimals)
{
    double scale = pow(10, decimals);
    double r = round(v * scale) / scale;
    if (r == 0)
        r = 0; /* no -0 */
    if (fabs(r) < 9e15 && r == floor(r))
        return json_integer((json_int_t)r);
    return json_real(r);
}

char *clp_json_dump(json_t *v)
{
    if (v == NULL)
        return NULL;
    char *s = json_dumps(v, JSON_INDENT(1) | JSON_REAL_PRECISION(12));
    json_decref(v);
    if (s == NULL)
        return NULL;
    size_t n = strlen(s);
    char *t = realloc(s, n + 2);
    if (t == NULL) {
        free(s);
        return NULL;
    }
    t[n] = '\n';
    t[n + 1] = '\0';
    return t;
}
