/* csv_table.h: CSV files as tables (libcsv underneath) and the staff and client CSV columns of SPEC §8. */
#ifndef CL_CSV_TABLE_H
#define CL_CSV_TABLE_H

#include <jansson.h>
#include <stddef.h>

#include "../model/cl.h"

/* A whole CSV file: the header row names the columns; every data row has as many fields. */
typedef struct clp_csv {
    char *path;    /* as given, for messages */
    char **header; /* n_cols column names */
    size_t n_cols;
    char ***cells; /* n_rows rows of n_cols fields, NUL-terminated, "" when empty */
    int *row_no;   /* the file row (1 = the header) of each data row */
    size_t n_rows;
} clp_csv;

/* Reads path (RFC 4180: quotes, "" inside quotes, CRLF or LF) into t. Blank rows are skipped; the row
 * numbers in messages count every row of the file. Problems go to diags as "FILE: row R, column C (NAME)":
 * a row with the wrong number of fields is reported and left out, and so is a duplicate or empty column
 * name, and 0 is still returned so that the caller can report the other rows' problems too. Returns 0 with
 * t filled (clp_csv_dispose it), CL_EINVALID when nothing can be read (no header row, a broken quote: diags
 * say where), CL_EIO or CL_ENOMEM (err says why). */
int clp_csv_read(clp_csv *t, const char *path, cl_diags *diags, cl_error *err);
/* Frees what t owns; a zeroed t is a no-op. */
void clp_csv_dispose(clp_csv *t);
/* Index of the column named name, or -1. */
int clp_csv_col(const clp_csv *t, const char *name);
/* Writes "FILE: row R, column C (NAME)" for data row `row` and column col (col < 0: "FILE: row R"). */
void clp_csv_where(char *buf, size_t n, const clp_csv *t, size_t row, int col);

typedef enum clp_csv_kind { CLP_CSV_STAFF = 0, CLP_CSV_CLIENTS = 1 } clp_csv_kind;

/* Turns a staff or clients table into the caseload/1 array of records: columns are the JSON field names,
 * list fields (languages, avoid, days) are ;-separated, minutes_mon ... minutes_sun make `minutes`, an
 * empty field is an absent one. Cells that are not of their field's type are reported in diags with their
 * row and column. Returns a new reference (NULL on no memory). */
json_t *clp_csv_records(const clp_csv *t, clp_csv_kind kind, cl_diags *diags);

/* Rewrites a problem found at a caseload/1 JSON path (staff[3].fte, clients[0].minutes.mon, ...) as the
 * row and column of the CSV table the records came from (staff or clients may be NULL: not from CSV), and
 * adds it to out. Other paths keep their JSON path, prefixed with `other`. */
void clp_csv_locate(const clp_csv *staff, const clp_csv *clients, const cl_diag *in, const char *other, cl_diags *out);

#endif
