/*
 * extract.c: one page through the stage: choose and register the
 * template, read the fields, review them.
 */
#include "extract/extract_internal.h"

#include <leptonica/allheaders.h>
#include <stdlib.h>
#include <string.h>

/* Below these pixels per inch of paper, every reading of a page's text is
 * doubtful (flag scan_quality): a fax, a distant or small phone photo. */
#define SCAN_MIN_DPI 150
#define PHOTO_MIN_DPI 200

static cs_status
result_new(extract_result **out, const extract_template *tpl,
           const ocr_page *page, cs_error *err)
{
    extract_result *res = calloc(1, sizeof(*res));

    if (res == NULL)
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    res->form = tpl;
    res->skew_degrees = page->skew_degrees;
    res->skew_confidence = page->skew_confidence;
    res->deskewed = page->deskewed;
    res->turned = page->turned;
    if (tpl != NULL) {
        res->nfields = tpl->nfields;
        res->fields = calloc(tpl->nfields, sizeof(*res->fields));
        if (res->fields == NULL) {
            free(res);
            return cs_error_set(err, CS_ENOMEM, "out of memory");
        }
        for (size_t i = 0; i < tpl->nfields; i++) {
            res->fields[i].id = tpl->fields[i].id;
            res->fields[i].kind = tpl->fields[i].kind;
        }
    }
    *out = res;
    return CS_OK;
}

/* 1 when the page holds much more ink than its data: the form's own
 * lines and labels are there (a scan without red dropout). */
static int
form_ink_present(const ocr_page *page)
{
    l_int32 ink = 0, data = 0;

    if (pixCountPixels(page->ink, &ink, NULL) != 0 ||
        pixCountPixels(page->data, &data, NULL) != 0)
        return 0;
    return ink > 2 * data + 10000;
}

/* Picks the template: the named one, or the best-fitting of cat. */
static cs_status
choose_template(const extract_template **tpl_out, extract_registration *reg_out,
                const extract_catalog *cat, const char *name,
                const ocr_page *page, cs_error *err)
{
    double best = -1.0;
    cs_status rc;

    *tpl_out = NULL;
    memset(reg_out, 0, sizeof(*reg_out));
    if (name != NULL) {
        *tpl_out = extract_catalog_find(cat, name);
        if (*tpl_out == NULL)
            return cs_error_set(err, CS_EINVAL, "no template called %s", name);
        return extract_register(reg_out, *tpl_out, page, err);
    }
    for (size_t i = 0; i < extract_catalog_count(cat); i++) {
        const extract_template *tpl = extract_catalog_get(cat, i);
        extract_registration reg;
        rc = extract_register(&reg, tpl, page, err);
        if (rc != CS_OK)
            return rc;
        if (reg.method != EXTRACT_REG_NONE && reg.score > best) {
            best = reg.score;
            *tpl_out = tpl;
            *reg_out = reg;
        }
    }
    return CS_OK;
}

/* A sheet fed into the scanner upside down or on its side registers
 * nowhere, or badly: when the page's registration is in doubt (form_ink:
 * form_ink_present(), which no turn changes), the page is turned upside
 * down, then a quarter either way, and taken turned the first way its
 * template registers without doubt. Otherwise it is turned back, and
 * *tpl and *reg are left as they were. */
static cs_status
choose_turn(const extract_template **tpl, extract_registration *reg,
            const extract_catalog *cat, const char *name, ocr_page *page,
            int form_ink, cs_error *err)
{
    static const int turns[] = {2, 1, 3};
    cs_status rc = CS_OK;

    if (*tpl != NULL && !extract__registration_doubtful(reg, form_ink))
        return CS_OK;
    for (size_t i = 0; i < sizeof(turns) / sizeof(turns[0]); i++) {
        const extract_template *t = NULL;
        extract_registration r;
        rc = ocr_page_turn(page, turns[i] - page->turned, err);
        if (rc == CS_OK)
            rc = choose_template(&t, &r, cat, name, page, err);
        if (rc != CS_OK)
            break;
        if (t != NULL && !extract__registration_doubtful(&r, form_ink)) {
            *tpl = t;
            *reg = r;
            return CS_OK;
        }
    }
    if (rc == CS_OK)
        rc = ocr_page_turn(page, -page->turned, err);
    return rc;
}

cs_status
extract_page_run(extract_result **out, ocr_engine *eng, ocr_page *page,
                 const extract_catalog *cat, const extract_options *opts,
                 cs_error *err)
{
    static const extract_options defaults = EXTRACT_OPTIONS_INIT;
    const extract_template *tpl = NULL;
    extract_registration reg;
    extract_result *res = NULL;
    struct tm now;
    const struct tm *today;
    time_t t;
    int form_ink;
    cs_status rc;

    if (out == NULL || eng == NULL || page == NULL || cat == NULL)
        return cs_error_set(err, CS_EINVAL, "extract_page_run: bad args");
    *out = NULL;
    if (opts == NULL)
        opts = &defaults;
    today = opts->today;
    if (today == NULL) {
        t = time(NULL);
        today = localtime_r(&t, &now);
    }
    form_ink = form_ink_present(page);
    rc = choose_template(&tpl, &reg, cat, opts->form, page, err);
    if (rc == CS_OK)
        rc = choose_turn(&tpl, &reg, cat, opts->form, page, form_ink, err);
    if (rc != CS_OK)
        return rc;
    rc = result_new(&res, tpl, page, err);
    if (rc != CS_OK)
        return rc;
    res->reg = reg;
    res->form_ink = form_ink;
    /* A photo blurs more than a scanner at the same pixel count: it needs
     * more pixels per inch of paper to hold the same detail. */
    res->low_resolution =
        page->source_dpi < (page->flattened ? PHOTO_MIN_DPI : SCAN_MIN_DPI);
    res->sheet_cut = page->sheet_cut;
    if (tpl != NULL && reg.method != EXTRACT_REG_NONE) {
        rc = extract__read_fields(res, eng, page, today, err);
        if (rc != CS_OK)
            goto cleanup;
    }
    extract__review(res, today);
    *out = res;
    res = NULL;
cleanup:
    extract_result_free(res);
    return rc;
}

void
extract_result_free(extract_result *res)
{
    if (res == NULL)
        return;
    free(res->fields);
    free(res);
}

const extract_field *
extract_result_field(const extract_result *res, const char *id)
{
    for (size_t i = 0; i < res->nfields; i++)
        if (strcmp(res->fields[i].id, id) == 0)
            return &res->fields[i];
    return NULL;
}

const char *
extract_reason_text(const char *reason)
{
    return extract__reason_text(reason);
}
