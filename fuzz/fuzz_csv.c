/* fuzz_csv.c: libFuzzer target for the CSV importer of `caseload db import --staff --clients` (SPEC §8):
 * clp_csv_read, clp_csv_records, the caseload/1 rules on the records (cl_instance_from_json), and the
 * mapping of each problem back to a row and column (clp_csv_locate), as cl_store_import_csv does them but
 * without the SQLite transaction. An input with a form feed (\f) is a staff CSV, the \f, and a clients CSV;
 * an input without one is tried as a staff table and as a clients table. */
#include "fuzz_common.h"

#include <jansson.h>
#include <stdbool.h>
#include <string.h>

#include "io/csv_table.h"
#include "io/io.h"
#include "model/instance.h"

int cl_instance_from_json(cl_instance **out, json_t *root, cl_diags *diags);

#ifndef CL_SOURCE_DIR
#error "build with -DCL_SOURCE_DIR=\"...\" (fuzz/build.sh does)"
#endif

static fuzz_file staff_in, clients_in;
static json_t *base; /* the rest of the state: tests/data/valid/minimal, as the store would hold it */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *path = CL_SOURCE_DIR "/tests/data/valid/minimal/input.json";
    json_error_t je;
    base = json_load_file(path, 0, &je);
    if (base == NULL) {
        fprintf(stderr, "fuzz_csv: cannot load %s: %s\n", path, je.text);
        abort();
    }
    fuzz_file_open(&staff_in, "staff.csv");
    fuzz_file_open(&clients_in, "clients.csv");
    return 0;
}

static void check_rc(int rc, const cl_error *err, const char *what)
{
    if (rc != CL_OK && rc != CL_EINVALID && rc != CL_ENOMEM) {
        fprintf(stderr, "%s returned %d: %s: %s\n", what, rc, err->where, err->text);
        abort();
    }
}

/* One import: either table may be NULL. */
static void import(const char *staff_path, const char *clients_path)
{
    clp_csv ts = {0}, tc = {0};
    cl_diags diags = {0}, found = {0};
    cl_error err = {0};
    int rc = CL_OK;
    if (staff_path) {
        rc = clp_csv_read(&ts, staff_path, &diags, &err);
        check_rc(rc, &err, "clp_csv_read(staff)");
    }
    if (clients_path) {
        int rc2 = clp_csv_read(&tc, clients_path, &diags, &err);
        check_rc(rc2, &err, "clp_csv_read(clients)");
        if (rc == CL_OK)
            rc = rc2;
    }
    if (rc == CL_EINVALID && diags.errors == 0) {
        fprintf(stderr, "clp_csv_read refused the input without saying why\n");
        abort();
    }
    if (rc != CL_OK)
        goto done;
    if (staff_path) /* the column lookups and where-strings of every cell */
        for (size_t r = 0; r < ts.n_rows; r++) {
            char where[512];
            clp_csv_where(where, sizeof where, &ts, r, clp_csv_col(&ts, "id"));
        }
    json_t *root = json_deep_copy(base);
    if (root == NULL)
        goto done;
    if (staff_path) {
        /* As the store does: staff name their teams; teams the state does not know are created. */
        json_t *srec = clp_csv_records(&ts, CLP_CSV_STAFF, &diags), *teams = json_object_get(root, "teams");
        size_t i, k;
        json_t *rec, *t;
        json_array_foreach (teams, k, t)
            json_object_set_new(t, "members", json_array());
        json_array_foreach (srec, i, rec) {
            json_t *id = json_object_get(rec, "team");
            bool known = false;
            if (!json_is_string(id))
                continue;
            json_array_foreach (teams, k, t)
                known |= json_equal(json_object_get(t, "id"), id);
            if (!known)
                json_array_append_new(teams, json_pack("{s:O, s:[]}", "id", id, "members"));
        }
        json_object_set_new(root, "staff", srec);
    }
    if (clients_path)
        json_object_set_new(root, "clients", clp_csv_records(&tc, CLP_CSV_CLIENTS, &diags));
    cl_instance *inst = NULL;
    rc = cl_instance_from_json(&inst, root, &found);
    for (size_t i = 0; i < found.count; i++)
        clp_csv_locate(staff_path ? &ts : NULL, clients_path ? &tc : NULL, &found.items[i], "db", &diags);
    cl_instance_free(inst);
    json_decref(root);
    fuzz_print_diags(&diags, "db");
done:
    cl_diags_dispose(&found);
    cl_diags_dispose(&diags);
    clp_csv_dispose(&ts);
    clp_csv_dispose(&tc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *ff = memchr(data, '\f', size);
    if (ff != NULL) {
        size_t n = (size_t)(ff - data);
        fuzz_file_set(&staff_in, data, n);
        fuzz_file_set(&clients_in, ff + 1, size - n - 1);
        import(staff_in.path, clients_in.path);
    } else {
        fuzz_file_set(&staff_in, data, size);
        import(staff_in.path, NULL);
        import(NULL, staff_in.path);
    }
    return 0;
}
