/*
 * scan.c: the archived original of a document read again, so the review
 * page can show where each field is. Records carry no boxes: each page is
 * prepared and read against its record's form (a fresh registration), and
 * the boxes of that reading are used for the page picture and the crops.
 * Values always come from the record, never from this reading.
 */
#include "apps/review/review.h"

#include <leptonica/allheaders.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PATH_CAP 4096
#define CROP_MARGIN_X 40 /* working pixels around a field's box */
#define CROP_MARGIN_Y 24

typedef struct scan_page {
    ocr_page *page;
    extract_result *res;
} scan_page;

struct review_scan {
    int64_t doc;
    int npages;
    scan_page pages[REVIEW_MAX_PAGES];
};

void
review_scan_free(review_scan *sc)
{
    if (sc == NULL)
        return;
    for (int i = 0; i < sc->npages; i++) {
        extract_result_free(sc->pages[i].res);
        ocr_page_free(sc->pages[i].page);
    }
    free(sc);
}

int64_t
review_scan_doc(const review_scan *sc)
{
    return sc->doc;
}

cs_status
review_scan_new(review_scan **out, const review_doc *d, const char *state,
                ocr_engine *eng, const extract_catalog *cat, cs_error *err)
{
    review_scan *sc = NULL;
    intake_doc *doc = NULL;
    intake_page pg = {0};
    char path[PATH_CAP];
    cs_status rc = CS_OK;
    int n;

    *out = NULL;
    if (d->entry.stored[0] == '\0' || strstr(d->entry.stored, "..") != NULL)
        return cs_error_set(err, CS_EINVAL, "document %lld: no original",
                            (long long)d->entry.id);
    n = snprintf(path, sizeof(path), "%s/%s", state, d->entry.stored);
    if (n < 0 || (size_t)n >= sizeof(path))
        return cs_error_set(err, CS_EINVAL, "path too long");
    sc = calloc(1, sizeof(*sc));
    if (sc == NULL)
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    sc->doc = d->entry.id;
    rc = intake_doc_open(&doc, path, NULL, err);
    if (rc != CS_OK)
        goto cleanup;
    for (int p = 0; p < d->npages; p++) {
        extract_options opts = EXTRACT_OPTIONS_INIT;
        scan_page *sp = &sc->pages[p];

        if ((size_t)p >= intake_doc_page_count(doc))
            break;
        rc = intake_doc_page_load(&pg, doc, (size_t)p, err);
        if (rc != CS_OK)
            goto cleanup;
        rc = ocr_page_prepare(&sp->page, &pg, NULL, err);
        intake_page_clear(&pg);
        sc->npages = p + 1;
        if (rc != CS_OK)
            goto cleanup;
        if (d->forms[p] == NULL)
            continue;
        opts.form = extract_template_name(d->forms[p]);
        rc = extract_page_run(&sp->res, eng, sp->page, cat, &opts, err);
        if (rc != CS_OK)
            goto cleanup;
    }
    *out = sc;
    sc = NULL;
cleanup:
    intake_page_clear(&pg);
    intake_doc_free(doc);
    review_scan_free(sc);
    return rc;
}

/* The field's box in working pixels, or CS_EINVAL. */
static cs_status
field_box(ocr_rect *out, const review_scan *sc, int page, const char *field,
          cs_error *err)
{
    const extract_field *f;

    if (page < 1 || page > sc->npages || sc->pages[page - 1].res == NULL)
        return cs_error_set(err, CS_EINVAL, "no page %d", page);
    f = extract_result_field(sc->pages[page - 1].res, field);
    if (f == NULL || f->box.w <= 0 || f->box.h <= 0)
        return cs_error_set(err, CS_EINVAL, "no such field");
    *out = f->box;
    return CS_OK;
}

cs_status
review_scan_box(ocr_rect *out, const review_scan *sc, int page,
                const char *field, cs_error *err)
{
    ocr_rect b = {0, 0, 0, 0};
    cs_status rc = field_box(&b, sc, page, field, err);

    if (rc != CS_OK)
        return rc;
    out->x = (int)(b.x * REVIEW_PAGE_SCALE);
    out->y = (int)(b.y * REVIEW_PAGE_SCALE);
    out->w = (int)(b.w * REVIEW_PAGE_SCALE + 0.5);
    out->h = (int)(b.h * REVIEW_PAGE_SCALE + 0.5);
    return CS_OK;
}

/* PNG bytes of pix into a malloc'd buffer. */
static cs_status
png_bytes(uint8_t **png_out, size_t *size_out, PIX *pix, cs_error *err)
{
    l_uint8 *data = NULL;
    size_t size = 0;

    if (pixWriteMem(&data, &size, pix, IFF_PNG) != 0 || data == NULL)
        return cs_error_set(err, CS_ERROR, "cannot encode PNG");
    *png_out = malloc(size);
    if (*png_out == NULL) {
        lept_free(data);
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    }
    memcpy(*png_out, data, size);
    *size_out = size;
    lept_free(data);
    return CS_OK;
}

cs_status
review_scan_page_png(uint8_t **png_out, size_t *size_out, int *w_out,
                     int *h_out, review_scan *sc, int page, cs_error *err)
{
    PIX *pixo = NULL, *pixs = NULL;
    scan_page *sp;
    cs_status rc;

    *png_out = NULL;
    if (page < 1 || page > sc->npages)
        return cs_error_set(err, CS_EINVAL, "no page %d", page);
    sp = &sc->pages[page - 1];
    if (sp->res != NULL) {
        rc = extract_overlay_render(&pixo, sp->res, sp->page, err);
        if (rc != CS_OK)
            return rc;
    } else {
        pixo = pixClone(sp->page->gray);
    }
    pixs = pixScale(pixo, (l_float32)REVIEW_PAGE_SCALE,
                    (l_float32)REVIEW_PAGE_SCALE);
    if (pixs == NULL) {
        rc = cs_error_set(err, CS_ENOMEM, "cannot scale the page");
        goto cleanup;
    }
    if (w_out != NULL)
        *w_out = (int)pixGetWidth(pixs);
    if (h_out != NULL)
        *h_out = (int)pixGetHeight(pixs);
    rc = png_bytes(png_out, size_out, pixs, err);
cleanup:
    pixDestroy(&pixs);
    pixDestroy(&pixo);
    return rc;
}

cs_status
review_scan_crop_png(uint8_t **png_out, size_t *size_out, const review_scan *sc,
                     int page, const char *field, cs_error *err)
{
    BOX *box = NULL;
    PIX *pixc = NULL;
    ocr_rect b = {0, 0, 0, 0};
    cs_status rc;

    *png_out = NULL;
    rc = field_box(&b, sc, page, field, err);
    if (rc != CS_OK)
        return rc;
    box = boxCreate(b.x - CROP_MARGIN_X, b.y - CROP_MARGIN_Y,
                    b.w + 2 * CROP_MARGIN_X, b.h + 2 * CROP_MARGIN_Y);
    if (box == NULL)
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    pixc = pixClipRectangle(sc->pages[page - 1].page->gray, box, NULL);
    if (pixc == NULL) {
        rc = cs_error_set(err, CS_EINVAL, "field outside the page");
        goto cleanup;
    }
    rc = png_bytes(png_out, size_out, pixc, err);
cleanup:
    pixDestroy(&pixc);
    boxDestroy(&box);
    return rc;
}
