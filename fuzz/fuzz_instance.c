/* fuzz_instance.c: libFuzzer target for the caseload/1 reader (cl_instance_read), then the writer and the
 * reader again: whatever the reader accepts, the writer must render as text the reader accepts too. */
#include "fuzz_common.h"

#include <jansson.h>
#include <string.h>

#include "io/io.h"
#include "model/instance.h"

int cl_instance_from_json(cl_instance **out, json_t *root, cl_diags *diags);

static fuzz_file in;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_file_open(&in, "instance");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_file_set(&in, data, size);
    cl_instance *inst = NULL;
    cl_diags d = {0};
    cl_error err = {0};
    int rc = cl_instance_read(&inst, in.path, &d, &err);
    if (rc != CL_OK && rc != CL_EINVALID && rc != CL_ENOMEM) {
        fprintf(stderr, "cl_instance_read returned %d: %s: %s\n", rc, err.where, err.text);
        abort();
    }
    if (rc == CL_EINVALID && d.errors == 0) {
        fprintf(stderr, "cl_instance_read refused the input without saying why\n");
        abort();
    }
    fuzz_print_diags(&d, in.path);
    cl_diags_dispose(&d);
    if (rc == CL_OK) {
        cl_instance *copy = cl_instance_clone(inst);
        char *text = cl_instance_to_json(inst);
        if (text != NULL) {
            json_error_t je;
            json_t *root = json_loads(text, JSON_REJECT_DUPLICATES, &je);
            if (root == NULL) {
                fprintf(stderr, "cl_instance_to_json wrote text that is not JSON: %s\n%s\n", je.text, text);
                abort();
            }
            cl_instance *again = NULL;
            cl_diags d2 = {0};
            int rc2 = cl_instance_from_json(&again, root, &d2);
            if (rc2 != CL_OK && rc2 != CL_ENOMEM) {
                cl_diags_print(&d2, "round-trip", stderr);
                fprintf(stderr, "the reader refuses what the writer wrote from an accepted instance:\n%s\n", text);
                abort();
            }
            cl_diags_dispose(&d2);
            cl_instance_free(again);
            json_decref(root);
        }
        free(text);
        cl_instance_free(copy);
    }
    cl_instance_free(inst);
    return 0;
}
