/* json_util.h: loading JSON documents with located errors, and typed field access that reports problems. */
#ifndef CL_JSON_UTIL_H
#define CL_JSON_UTIL_H

#include <jansson.h>
#include <stdbool.h>

#include "../model/cl.h"
#include "../model/instance.h"

/* Reads a whole file ("-" = standard input) into a NUL-terminated buffer. Returns 0, CL_EIO or CL_ENOMEM;
 * *out (caller frees) and *len are set only on success. */
int clp_slurp(char **out, size_t *len, const char *path, cl_error *err);
/* Length of a UTF-8 byte order mark at the start of buf (3), or 0: editors and spreadsheets on Windows
 * write one, and RFC 8259 and RFC 4180 readers may skip it. */
size_t clp_bom_len(const char *buf, size_t len);

/* Parses a JSON document from a file. Syntax problems (empty, truncated, bad UTF-8, duplicate keys, too
 * deep) are added to diags with the JSON path reached and the line and column, and CL_EINVALID is returned.
 * Returns 0 with *out set (caller json_decref's), CL_EINVALID, CL_EIO or CL_ENOMEM. */
int clp_json_load(json_t **out, const char *path, cl_diags *diags, cl_error *err);

/* A cursor that knows the JSON path of the value at hand, for messages. */
typedef struct clp_jr {
    cl_diags *d;
    char path[512];
} clp_jr;

/* Appends ".key" or "[i]" to the path; returns the previous length for clp_jr_pop. */
size_t clp_jr_key(clp_jr *r, const char *key);
size_t clp_jr_idx(clp_jr *r, size_t i);
void clp_jr_pop(clp_jr *r, size_t len);
/* Reports an error or a warning at the current path. */
void clp_jr_err(clp_jr *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void clp_jr_warn(clp_jr *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Warns about every key of obj that is not in the NULL-terminated list known. */
void clp_jr_unknown_keys(clp_jr *r, json_t *obj, const char *const *known);

/* Typed getters: each looks up key in obj; when absent leaves *v unchanged and returns false; when the type
 * is wrong reports it and returns false; otherwise sets *v and returns true. */
bool clp_jr_number(clp_jr *r, json_t *obj, const char *key, double *v);
bool clp_jr_int(clp_jr *r, json_t *obj, const char *key, int *v);
bool clp_jr_bool(clp_jr *r, json_t *obj, const char *key, bool *v);
bool clp_jr_string(clp_jr *r, json_t *obj, const char *key, const char **v);
/* Array and object: returns the value when present with the right type, NULL otherwise (reported). */
json_t *clp_jr_array(clp_jr *r, json_t *obj, const char *key);
json_t *clp_jr_object(clp_jr *r, json_t *obj, const char *key);
/* Calls each(r, e, i, ctx) for every object e = arr[i] (arr may be NULL), with the path at key[i]; an element
 * that is not an object is reported as "<type> where <what> is expected (expected an object)". */
void clp_jr_each_object(clp_jr *r, json_t *arr, const char *key, const char *what,
                        void (*each)(clp_jr *r, json_t *e, size_t i, void *ctx), void *ctx);
/* Reports a missing required key at path.key. */
void clp_jr_missing(clp_jr *r, const char *key, const char *expected);

/* The JSON type of v in words: "a string", "a number", ... */
const char *clp_json_type_name(const json_t *v);

/* Builds an instance from a parsed caseload/1 document (see cl_instance_read in io.h). */
int cl_instance_from_json(cl_instance **out, json_t *root, cl_diags *diags);

/* A JSON number rounded to `decimals` places, written as an integer when whole: deterministic output. */
json_t *clp_json_num(double v, int decimals);
/* Dumps v as indented text with a trailing newline, keys in insertion order. Caller frees; NULL on no
 * memory. Steals the reference to v. */
char *clp_json_dump(json_t *v);
#endif
