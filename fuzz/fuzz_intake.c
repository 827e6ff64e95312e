/*
 * fuzz_intake.c: libFuzzer target for intake's checks and decoders: any
 * bytes in memory are opened as a document and every page decoded, under
 * small limits. It must return errors, never crash or leak.
 */
#include <leptonica/allheaders.h>
#include <stddef.h>
#include <stdint.h>

#include "intake/intake.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
drop_message(const char *msg)
{
    (void)msg;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int quiet;
    /* Small enough to decode fast, large enough for real page headers. */
    intake_limits lim = {1u << 22, 4000u, 4000000u, 8u};
    intake_doc *doc = NULL;
    cs_error err = CS_ERROR_INIT;

    if (!quiet) {
        leptSetStderrHandler(drop_message);
        (void)setMsgSeverity(L_SEVERITY_NONE);
        quiet = 1;
    }
    if (intake_doc_open_mem(&doc, data, size, &lim, &err) != CS_OK)
        return 0;
    for (size_t i = 0; i < intake_doc_page_count(doc); i++) {
        intake_page page;
        if (intake_doc_page_load(&page, doc, i, &err) == CS_OK)
            intake_page_clear(&page);
    }
    intake_doc_free(doc);
    return 0;
}
