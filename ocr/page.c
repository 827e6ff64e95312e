/*
 * page.c: from a decoded page to clean 1-bpp images at the working
 * resolution: scan classification, red-form dropout, background
 * normalization, binarization, skew correction and rule removal.
 */
#include "ocr/ocr.h"

#include <leptonica/allheaders.h>
#include <math.h>
#include <stdlib.h>

/* Pixels darker than this (after background normalization to ~200) count
 * as ink, the red form included. */
#define INK_THRESHOLD 150
/* In the red channel of a color scan the red form is nearly white; data
 * stays dark. */
#define COLOR_DATA_THRESHOLD 110
/* In a gray scan, data is black, the form mid-gray: only the form's
 * darkest cores pass this, and rule and label removal take them. */
#define GRAY_DATA_THRESHOLD 100
/* A low-resolution black-and-white page (fax) is smoothed before it is
 * thresholded (see page_gray_images). A thin form line dithered into dots
 * then averages to a light gray (about 160): the ink image, on which
 * deskew and registration find the form's rules, is cut lighter to keep
 * it. */
#define SMOOTHED_INK_THRESHOLD 200
/* Data on such a page: a stroke one fax pixel thin averages to a mid gray
 * with the white around it. On generated faxes, 150 lost the bars of E, L
 * and Z, 190 let noise join characters; 160-180 read alike. */
#define SMOOTHED_DATA_THRESHOLD 170

/* Rule removal: a run this long (working pixels) is a form rule. Data
 * characters are at most about 35 x 50 pixels. */
#define RULE_MIN_HLEN 75
#define RULE_MIN_VLEN 71
#define RULE_MIN_DOTTED 300
/* The thickest rule (with its grown edges) a crossing stroke is rejoined
 * across. */
#define CROSSING_MAX 11

void
ocr_page_free(ocr_page *page)
{
    if (page == NULL)
        return;
    pixDestroy(&page->gray);
    pixDestroy(&page->ink);
    pixDestroy(&page->data);
    pixDestroy(&page->rules);
    free(page);
}

/* 1 when a 32-bpp page carries red ink (the form) or other real color;
 * 0 for gray content stored as RGB. Samples every 4th pixel. */
static int
page_is_color(PIX *pixs)
{
    int w = pixGetWidth(pixs), h = pixGetHeight(pixs), wpl = pixGetWpl(pixs);
    l_uint32 *data = pixGetData(pixs);
    long colored = 0, total = 0;

    for (int y = 0; y < h; y += 4) {
        const l_uint32 *line = data + (size_t)y * wpl;
        for (int x = 0; x < w; x += 4) {
            l_int32 r, g, b;
            extractRGBValues(line[x], &r, &g, &b);
            total++;
            if (r - g > 60 && r - b > 40)
                colored++;
        }
    }
    /* The red form covers a few percent of a page; a gray scan none. */
    return total > 0 && colored * 1000 > total * 3;
}

/* Scales an 8-bpp image by (sx, sy); returns a copy when no scaling is
 * needed. */
static PIX *
scale8(PIX *pixs, double sx, double sy)
{
    if (fabs(sx - 1.0) < 0.01 && fabs(sy - 1.0) < 0.01)
        return pixCopy(NULL, pixs);
    return pixScale(pixs, (l_float32)sx, (l_float32)sy);
}

/* 1 for a black-and-white page of low resolution (fax): it is repaired
 * and smoothed before thresholding, and thresholded with its own levels. */
static int
page_is_low_res_bw(const ocr_page *page)
{
    return page->kind == OCR_SCAN_BW &&
           (page->scale_x > 1.3 || page->scale_y > 1.3);
}

/* The longest run of blank rows taken for a dropped scan line. */
#define DROPPED_ROWS_MAX 2

/* A copy of the 1-bpp page pixs in which scan lines the fax lost are
 * restored. A lost line comes out white across the whole page while the
 * rows around it carry ink (the form's frame crosses every row): such a
 * blank run of at most DROPPED_ROWS_MAX rows gets the ink the rows on both
 * sides share, so strokes that ran through it join again. */
static PIX *
repair_dropped_rows(PIX *pixs)
{
    int h = pixGetHeight(pixs), w = pixGetWidth(pixs);
    NUMA *na = pixCountPixelsByRow(pixs, NULL);
    PIX *pixd = na != NULL ? pixCopy(NULL, pixs) : NULL;
    l_int32 above, below, blank;

    for (int y = 1; pixd != NULL && y < h - 1; y++) {
        int n = 0;
        (void)numaGetIValue(na, y - 1, &above);
        while (y + n < h - 1 && numaGetIValue(na, y + n, &blank) == 0 &&
               blank == 0 && n <= DROPPED_ROWS_MAX)
            n++;
        if (n == 0)
            continue;
        (void)numaGetIValue(na, y + n, &below);
        if (n <= DROPPED_ROWS_MAX && above > 0 && below > 0)
            for (int k = 0; k < n; k++) {
                (void)pixRasterop(pixd, 0, y + k, w, 1, PIX_SRC, pixs, 0,
                                  y - 1);
                (void)pixRasterop(pixd, 0, y + k, w, 1, PIX_SRC & PIX_DST, pixs,
                                  0, y + n);
            }
        y += n;
    }
    numaDestroy(&na);
    return pixd;
}

/* Pixels of pixs with ink `d` pixels above or below them: parts of
 * something thicker than a thin rule. */
static PIX *
thick_neighbors(PIX *pixs, int d)
{
    int w = pixGetWidth(pixs), h = pixGetHeight(pixs);
    PIX *pixd = pixCreateTemplate(pixs);

    if (pixd == NULL)
        return NULL;
    (void)pixRasterop(pixd, 0, d, w, h - d, PIX_SRC, pixs, 0, 0);
    (void)pixRasterop(pixd, 0, 0, w, h - d, PIX_SRC | PIX_DST, pixs, 0, d);
    return pixd;
}

/* Removes the form's rules from pixb: long solid horizontal runs, long
 * dotted or dashed thin horizontal runs (thresholded thin red lines,
 * fax), and vertical runs taller than any character, solid or broken.
 * Solid rules are found in pixb itself; dotted and vertical ones in pixf,
 * pixb or an image of the same page where the form's thin lines are more
 * complete. gap is the widest break in a dotted rule that is bridged. */
static cs_status
remove_rules(PIX **rules_out, PIX *pixb, PIX *pixf, int gap, cs_error *err)
{
    PIX *pixc = NULL, *solid = NULL, *dotted = NULL, *vert = NULL;
    PIX *thick = NULL, *removed = NULL;
    cs_status rc = CS_OK;

    /* Solid rules from pixb: cut at their width in pixf (bolder), text
     * printed on a thick rule would be split beyond rejoining. */
    solid = pixOpenCompBrick(NULL, pixb, RULE_MIN_HLEN, 1);
    /* Bridging gaps also bridges the letters of a word along their
     * baseline: a dotted rule must run much longer than a word, and only
     * its thin parts (nothing 3 pixels above or below) are taken. */
    pixc = pixCloseSafeBrick(NULL, pixf, gap, 1);
    dotted =
        pixc != NULL ? pixOpenCompBrick(NULL, pixc, RULE_MIN_DOTTED, 1) : NULL;
    thick = thick_neighbors(pixf, 3);
    pixDestroy(&pixc);
    pixc = pixCloseSafeBrick(NULL, pixf, 1, gap);
    vert = pixc != NULL ? pixOpenCompBrick(NULL, pixc, 1, RULE_MIN_VLEN) : NULL;
    pixDestroy(&pixc);
    if (solid == NULL || dotted == NULL || vert == NULL || thick == NULL)
        goto nomem;
    (void)pixSubtract(dotted, dotted, thick);
    /* Grow the rules a little to take their ragged edges too. */
    if (pixDilateBrick(solid, solid, 1, 3) == NULL ||
        pixDilateBrick(vert, vert, 5, 1) == NULL)
        goto nomem;
    /* What the rules took, then the rules gone. */
    (void)pixOr(solid, solid, dotted);
    (void)pixAnd(solid, solid, pixb);
    (void)pixAnd(vert, vert, pixb);
    removed = pixOr(NULL, solid, vert);
    if (removed == NULL)
        goto nomem;
    (void)pixSubtract(pixb, pixb, solid);
    (void)pixSubtract(pixb, pixb, vert);
    /* Where data crosses a rule, its strokes were cut: give back the rule
     * pixels that join ink above to ink below (ink left to ink right for
     * vertical rules). Between characters nothing is joined. */
    pixc = pixCloseSafeBrick(NULL, pixb, 1, CROSSING_MAX);
    if (pixc == NULL)
        goto nomem;
    (void)pixAnd(solid, solid, pixc);
    pixDestroy(&pixc);
    pixc = pixCloseSafeBrick(NULL, pixb, CROSSING_MAX, 1);
    if (pixc == NULL)
        goto nomem;
    (void)pixAnd(vert, vert, pixc);
    (void)pixOr(pixb, pixb, solid);
    (void)pixOr(pixb, pixb, vert);
    /* Report where rules were: data there was cut and may misread. */
    (void)pixSubtract(removed, removed, pixb);
    *rules_out = removed;
    removed = NULL;
    goto cleanup;
nomem:
    rc = cs_error_set(err, CS_ENOMEM, "out of memory removing rules");
cleanup:
    pixDestroy(&pixc);
    pixDestroy(&solid);
    pixDestroy(&dotted);
    pixDestroy(&vert);
    pixDestroy(&thick);
    pixDestroy(&removed);
    return rc;
}

/* Rotates *ppix in place (ownership kept) by angle radians. */
static cs_status
rotate_in_place(PIX **ppix, float radians, cs_error *err)
{
    int type = pixGetDepth(*ppix) == 1 ? L_ROTATE_SAMPLING : L_ROTATE_AREA_MAP;
    PIX *pixd = pixRotate(*ppix, radians, type, L_BRING_IN_WHITE, 0, 0);

    if (pixd == NULL)
        return cs_error_set(err, CS_ENOMEM, "out of memory rotating page");
    pixDestroy(ppix);
    *ppix = pixd;
    return CS_OK;
}

/* Builds page->gray and the 8-bpp source of the data image (red channel of
 * color scans; NULL when data comes from gray or 1-bpp). */
static cs_status
page_gray_images(ocr_page *page, PIX **datag_out, PIX *pixs, cs_error *err)
{
    PIX *pixt = NULL, *lum = NULL, *red = NULL;
    int d = pixGetDepth(pixs);
    cs_status rc = CS_OK;

    *datag_out = NULL;
    if (d == 32 && page_is_color(pixs)) {
        page->kind = OCR_SCAN_COLOR;
        lum = pixConvertRGBToLuminance(pixs);
        red = pixGetRGBComponent(pixs, COLOR_RED);
        if (lum == NULL || red == NULL)
            goto nomem;
        page->gray = scale8(lum, page->scale_x, page->scale_y);
        *datag_out = scale8(red, page->scale_x, page->scale_y);
        if (page->gray == NULL || *datag_out == NULL)
            goto nomem;
    } else if (d == 32 || d == 8) {
        page->kind = OCR_SCAN_GRAY;
        pixt = d == 32 ? pixConvertRGBToLuminance(pixs) : pixClone(pixs);
        if (pixt == NULL)
            goto nomem;
        page->gray = scale8(pixt, page->scale_x, page->scale_y);
        if (page->gray == NULL)
            goto nomem;
    } else {
        page->kind = OCR_SCAN_BW;
        if (page_is_low_res_bw(page)) {
            PIX *pixr = repair_dropped_rows(pixs);
            pixt = pixr != NULL ? pixConvert1To8(NULL, pixr, 255, 0) : NULL;
            pixDestroy(&pixr);
        } else {
            pixt = pixConvert1To8(NULL, pixs, 255, 0);
        }
        if (pixt == NULL)
            goto nomem;
        page->gray = scale8(pixt, page->scale_x, page->scale_y);
        if (page->gray == NULL)
            goto nomem;
        if (page_is_low_res_bw(page)) {
            /* A low-resolution black-and-white page (fax) is dithered:
             * smooth it so that thresholding closes the dither's holes.
             * 5 working pixels across (about 3 fax pixels: the dither
             * alternates along a row) but only 3 rows tall (one fax
             * row): a thin horizontal stroke, one fax row high, must not
             * be diluted by the white rows above and below it. */
            PIX *pixb = pixBlockconv(page->gray, 2, 1);
            if (pixb == NULL)
                goto nomem;
            pixDestroy(&page->gray);
            page->gray = pixb;
        }
    }
    goto cleanup;
nomem:
    rc = cs_error_set(err, CS_ENOMEM, "out of memory converting page");
cleanup:
    pixDestroy(&pixt);
    pixDestroy(&lum);
    pixDestroy(&red);
    return rc;
}

/* Normalizes the background of an 8-bpp image to a flat level, in place. */
static cs_status
flatten_background(PIX **ppix, cs_error *err)
{
    PIX *pixd = pixBackgroundNormSimple(*ppix, NULL, NULL);

    if (pixd == NULL)
        return CS_OK; /* a blank page: nothing to flatten */
    pixDestroy(ppix);
    *ppix = pixd;
    (void)err;
    return CS_OK;
}

/* Measures skew on page->ink and, when sure, rotates gray and datag. */
static cs_status
page_deskew(ocr_page *page, PIX **datag, const ocr_prepare_options *opts,
            cs_error *err)
{
    l_float32 angle = 0.0f, conf = 0.0f;
    cs_status rc;
    float rad;

    if (pixFindSkew(page->ink, &angle, &conf) != 0) {
        page->skew_degrees = 0.0f;
        page->skew_confidence = 0.0f;
        return CS_OK; /* not measurable: left as is */
    }
    page->skew_degrees = angle;
    page->skew_confidence = conf;
    if (conf < opts->min_skew_confidence ||
        fabsf(angle) < opts->min_skew_degrees)
        return CS_OK;
    rad = angle * (float)(3.14159265358979 / 180.0);
    rc = rotate_in_place(&page->gray, rad, err);
    if (rc == CS_OK && *datag != NULL)
        rc = rotate_in_place(datag, rad, err);
    if (rc == CS_OK)
        page->deskewed = 1;
    return rc;
}

cs_status
ocr_page_prepare(ocr_page **out, const intake_page *in,
                 const ocr_prepare_options *opts, cs_error *err)
{
    static const ocr_prepare_options defaults = OCR_PREPARE_OPTIONS_INIT;
    ocr_page *page = NULL;
    PIX *datag = NULL;
    int dotted, ink_threshold = INK_THRESHOLD;
    cs_status rc = CS_OK;

    if (out == NULL || in == NULL || in->pix == NULL || in->xres <= 0 ||
        in->yres <= 0)
        return cs_error_set(err, CS_EINVAL, "ocr_page_prepare: bad page");
    *out = NULL;
    if (opts == NULL)
        opts = &defaults;
    page = calloc(1, sizeof(*page));
    if (page == NULL)
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    page->scale_x = (double)OCR_WORK_DPI / in->xres;
    page->scale_y = (double)OCR_WORK_DPI / in->yres;
    dotted = in->xres < 150 || in->yres < 150;

    rc = page_gray_images(page, &datag, in->pix, err);
    if (rc != CS_OK)
        goto cleanup;
    if (page->kind != OCR_SCAN_BW) {
        rc = flatten_background(&page->gray, err);
        if (rc == CS_OK && datag != NULL)
            rc = flatten_background(&datag, err);
        if (rc != CS_OK)
            goto cleanup;
    }
    if (page_is_low_res_bw(page))
        ink_threshold = SMOOTHED_INK_THRESHOLD;
    page->ink = pixThresholdToBinary(page->gray, ink_threshold);
    if (page->ink == NULL)
        goto nomem;
    rc = page_deskew(page, &datag, opts, err);
    if (rc != CS_OK)
        goto cleanup;
    if (page->deskewed) {
        pixDestroy(&page->ink);
        page->ink = pixThresholdToBinary(page->gray, ink_threshold);
        if (page->ink == NULL)
            goto nomem;
    }
    switch (page->kind) {
    case OCR_SCAN_COLOR:
        page->data = pixThresholdToBinary(datag, COLOR_DATA_THRESHOLD);
        break;
    case OCR_SCAN_GRAY:
        /* The form's gray ink is too close to the data's black to split
         * them by level alone once blurred: keep what is clearly dark;
         * rules go below, and the registered labels in extract. */
        page->data = pixThresholdToBinary(page->gray, GRAY_DATA_THRESHOLD);
        break;
    case OCR_SCAN_BW:
        page->data =
            page_is_low_res_bw(page)
                ? pixThresholdToBinary(page->gray, SMOOTHED_DATA_THRESHOLD)
                : pixCopy(NULL, page->ink);
        break;
    }
    if (page->data == NULL)
        goto nomem;
    /* A fax's thin rules, dotted by the dither, are mostly too light for
     * the data threshold, but their remaining dots still cross the data:
     * find them in the ink image, where they are whole lines. */
    rc = remove_rules(&page->rules, page->data,
                      page_is_low_res_bw(page) ? page->ink : page->data,
                      dotted ? 7 : 5, err);
    if (rc != CS_OK)
        goto cleanup;
    *out = page;
    page = NULL;
    goto cleanup;
nomem:
    rc = cs_error_set(err, CS_ENOMEM, "out of memory preparing page");
cleanup:
    pixDestroy(&datag);
    ocr_page_free(page);
    return rc;
}

cs_status
ocr_page_erase(ocr_page *page, struct Pix *mask, cs_error *err)
{
    if (page == NULL || mask == NULL || page->data == NULL)
        return cs_error_set(err, CS_EINVAL, "ocr_page_erase: bad arguments");
    if (pixGetWidth(mask) != pixGetWidth(page->data) ||
        pixGetHeight(mask) != pixGetHeight(page->data) ||
        pixGetDepth(mask) != 1)
        return cs_error_set(err, CS_EINVAL,
                            "ocr_page_erase: mask does not fit the page");
    if (pixSubtract(page->data, page->data, mask) == NULL)
        return cs_error_set(err, CS_ENOMEM, "out of memory erasing mask");
    return CS_OK;
}
