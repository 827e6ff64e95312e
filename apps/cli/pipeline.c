/*
 * pipeline.c: one page through intake, ocr and extract.
 */
#include "apps/cli/pipeline.h"

#include <leptonica/allheaders.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double
now_seconds(void)
{
    struct timespec ts;

    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

cs_status
pipeline_run_page(pipeline_page_out *out, ocr_engine *eng,
                  const extract_catalog *cat, const char *form,
                  const intake_doc *doc, size_t index, const char *source,
                  int want_overlay, cs_error *err)
{
    intake_page page;
    ocr_page *prepared = NULL;
    extract_result *res = NULL;
    extract_options opts = EXTRACT_OPTIONS_INIT;
    double t0 = now_seconds();
    cs_status rc;

    memset(out, 0, sizeof(*out));
    rc = intake_doc_page_load(&page, doc, index, err);
    if (rc != CS_OK)
        return rc;
    rc = ocr_page_prepare(&prepared, &page, NULL, err);
    intake_page_clear(&page);
    if (rc != CS_OK)
        goto cleanup;
    opts.form = form;
    rc = extract_page_run(&res, eng, prepared, cat, &opts, err);
    if (rc != CS_OK)
        goto cleanup;
    rc = extract_record_json(&out->json, res, source, (int)index + 1,
                             intake_doc_sha256(doc), err);
    if (rc != CS_OK)
        goto cleanup;
    if (want_overlay) {
        rc = extract_overlay_render(&out->overlay, res, prepared, err);
        if (rc != CS_OK)
            goto cleanup;
    }
    out->review = res->review;
    out->nfields = res->nfields;
    for (size_t i = 0; i < res->nfields; i++) {
        out->filled += res->fields[i].value[0] != '\0';
        out->flagged += res->fields[i].review != 0;
    }
    out->seconds = now_seconds() - t0;
cleanup:
    if (rc != CS_OK)
        pipeline_page_out_clear(out);
    extract_result_free(res);
    ocr_page_free(prepared);
    return rc;
}

void
pipeline_page_out_clear(pipeline_page_out *out)
{
    if (out == NULL)
        return;
    free(out->json);
    if (out->overlay != NULL)
        pixDestroy(&out->overlay);
    memset(out, 0, sizeof(*out));
}
