/* fuzz_plan.c: libFuzzer target for the plan readers used by `caseload verify`: the format sniffing
 * (cl_plan_format), the caseload-assignment/1 reader (cl_assignment_read) and rule check, and the
 * caseload-schedule/1 reader and check, all against the fixed instance tests/data/valid/minimal. */
#include "fuzz_common.h"

#include <string.h>

#include "io/io.h"
#include "model/instance.h"
#include "model/plan.h"
#include "model/verify.h"
#include "solver/schedule.h"

#ifndef CL_SOURCE_DIR
#error "build with -DCL_SOURCE_DIR=\"...\" (fuzz/build.sh does)"
#endif

static fuzz_file in;
static cl_instance *inst;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *path = CL_SOURCE_DIR "/tests/data/valid/minimal/input.json";
    cl_diags d = {0};
    cl_error err = {0};
    if (cl_instance_read(&inst, path, &d, &err) != CL_OK) {
        cl_diags_print(&d, path, stderr);
        fprintf(stderr, "fuzz_plan: cannot load %s: %s\n", path, err.text);
        abort();
    }
    cl_diags_dispose(&d);
    fuzz_file_open(&in, "plan");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_file_set(&in, data, size);
    cl_diags d = {0}, breaches = {0};
    cl_error err = {0};
    char fmt[64] = "";
    int rc = cl_plan_format(fmt, sizeof fmt, in.path, &d, &err);
    if (rc == CL_OK && strcmp(fmt, "caseload-assignment/1") == 0) {
        cl_assignment *a = NULL;
        rc = cl_assignment_read(&a, inst, in.path, &d, &err);
        if (rc == CL_OK)
            cl_verify_assignment(inst, a, &breaches);
        cl_assignment_free(a);
    } else if (rc == CL_OK && strcmp(fmt, "caseload-schedule/1") == 0) {
        rc = cl_schedule_verify_file(inst, in.path, &d, &breaches, &err);
    }
    if (rc != CL_OK && rc != CL_EINVALID && rc != CL_ENOMEM) {
        fprintf(stderr, "plan reader returned %d: %s: %s\n", rc, err.where, err.text);
        abort();
    }
    fuzz_print_diags(&d, in.path);
    fuzz_print_diags(&breaches, in.path);
    cl_diags_dispose(&d);
    cl_diags_dispose(&breaches);
    return 0;
}
