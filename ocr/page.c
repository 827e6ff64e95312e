/*
 * page.c: from a decoded page to clean 1-bpp images at the working
 * resolution: scan classification, red-form dropout, background
 * normalization, binarization, skew correction and rule removal.
 */
#include "ocr/ocr.h"
#include "ocr/ocr_internal.h"

#include <leptonica/allheaders.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>

/* Pixels darker than this (after background normalization to ~200) count
 * as ink, the red form included. */
#define INK_THRESHOLD 150
/* A photo is blurrier and lit unevenly: its form's thin rules come out
 * lighter than on a scan, though still clearly below the paper's level. */
#define PHOTO_INK_THRESHOLD 180
/* In the red channel of a color scan the red form is nearly white; data
 * stays dark. */
#define COLOR_DATA_THRESHOLD 110
/* A thin font, blurred (JPEG, a soft scan), breaks into specks at that
 * level: its lighter reading (ocr_page_lighten) goes this much higher. */
#define COLOR_LIGHT_STEP 40
/* The same in a photo, whose data strokes are blurred lighter, the more
 * so the blurrier the photo: the threshold sits halfway between the
 * paper (200 after background normalization) and the data's dark cores
 * (this quantile of the page's levels), within these bounds. */
#define PHOTO_DATA_QUANTILE 0.005
#define PHOTO_DATA_MIN 110
#define PHOTO_DATA_MAX 170
/* Unsharp masking of a photo's data channel before thresholding; wider
 * and stronger for a photo under PHOTO_LOW_DPI pixels per inch of paper
 * (a 2-3 megapixel camera), whose blur spans more of a stroke once
 * brought to 300 dpi: on such photos of three dev sets (13, 7 and 4
 * pages) 30 fields read better, 9 worse (flagged; 96.3 -> 97.9%, 79.9 ->
 * 82.1% and 99.6 -> 99.2% exact), none more wrong and unflagged. */
#define PHOTO_SHARPEN_HALFWIDTH 3
#define PHOTO_SHARPEN_FRACT 0.7f
#define PHOTO_LOW_DPI 200
#define PHOTO_SHARPEN_HALFWIDTH_LOW 5
#define PHOTO_SHARPEN_FRACT_LOW 1.2f
/* In a gray scan, data is black, the form mid-gray: only the form's
 * darkest cores pass this, and rule and label removal take them. */
#define GRAY_DATA_THRESHOLD 100
/* ...and data's black is far darker than the form's darkest (a thick
 * rule's core, about 85): where a rule was taken out of the data, what is
 * darker than this was data lying on it (a character's stroke along a
 * divider) and is given back. */
#define GRAY_CORE_THRESHOLD 60
/* A thin pen on a gray scan (a hand's, antialiased and JPEG'd) keeps
 * few pixels as dark as GRAY_DATA_THRESHOLD: its lighter reading
 * (ocr_page_lighten) keeps the pixels up to this level joined to ink that
 * dark. Hand dev sets: 42 fields better, 4 worse (130: 37 and 5). */
#define GRAY_LIGHT_THRESHOLD 150
/* Erasing a label gives back, beside the rest of a character, this many
 * pixels of it (a stroke along a divider is about 5 wide). */
#define ERASE_REJOIN 4
/* A printed character's strokes are at least this thick (working pixels)
 * on a black-and-white page; the form's labels are thinner. */
#define ERASE_STROKE_MIN 3
/* A character's thick strokes inside the labels' mask are kept only this
 * near its part outside the mask: vertically half a print line, the most of a
 * character printed down (or up) onto a label strip; sideways a stroke's edge,
 * so that a thick label touching a character from the side (the parenthesis
 * around an area code) is not kept with it. */
#define ERASE_REACH 25
#define ERASE_SIDE 2
/* Where the form's own ink is thin (a dotted divider, 3 pixels wide at
 * most; see ocr_page_erase), a stroke at least this thick is print. */
#define ERASE_THIN_STROKE 4
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
/* ...but a thin font (Courier's strokes are 2 pixels at 300 dpi) is
 * dithered into dots on a fax, and at that level its characters break into
 * specks. Its lighter reading keeps the pixels up to this level that are
 * joined to ink as dark as data (isolated light dots stay out). */
#define SMOOTHED_LIGHT_THRESHOLD 200

/* Rule removal: a run this long (working pixels) is a form rule. Data
 * characters are at most about 35 x 50 pixels. */
#define RULE_MIN_HLEN 75
#define RULE_MIN_VLEN 71
#define RULE_MIN_DOTTED 300
/* The widest break bridged in a dotted rule: below 150 dpi (a fax) thin
 * rules break into dots farther apart. */
#define RULE_GAP(dotted) ((dotted) ? 7 : 5)
/* The thickest rule (with its grown edges) a crossing stroke is rejoined
 * across. */
#define CROSSING_MAX 11
/* Data lying along a rule is judged on rules at most this thick (thin
 * rules are 1-3 pixels; the thick ones, 9-10, are not judged). */
#define RULE_THICK_MAX 4
/* A sheet whose corners are this far (share of the image height) from a
 * parallelogram was photographed at an angle. */
#define KEYSTONE_MIN 0.005

void
ocr_page_free(ocr_page *page)
{
    if (page == NULL)
        return;
    pixDestroy(&page->gray);
    pixDestroy(&page->ink);
    pixDestroy(&page->data);
    pixDestroy(&page->rules);
    pixDestroy(&page->erased);
    pixDestroy(&page->datag);
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

/* Scales the 8-bpp image *ppix by (sx, sy). When no scaling is needed,
 * hands *ppix itself over (and sets it to NULL): a copy of a full page
 * costs more than the work done on it here. *ppix must be the caller's
 * own image, not a clone of one another owner keeps. */
static PIX *
scale8_take(PIX **ppix, double sx, double sy)
{
    PIX *pixd;

    if (fabs(sx - 1.0) < 0.01 && fabs(sy - 1.0) < 0.01) {
        pixd = *ppix;
        *ppix = NULL;
        return pixd;
    }
    return pixScale(*ppix, (l_float32)sx, (l_float32)sy);
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

/* After taking form ink out of data (before: the data as it was), gives
 * back the taken pixels of a character that kept part of its ink and that
 * lie within ERASE_REJOIN pixels beside what it kept: a stroke that ran
 * along a divider of the form. Form ink alone (a label), which loses all
 * of itself, stays out. Returns data, or NULL when out of memory. */
static PIX *
restore_beside(PIX *data, PIX *before)
{
    PIX *regrown = pixSeedfillBinary(NULL, data, before, 8);
    PIX *near = pixDilateBrick(NULL, data, 2 * ERASE_REJOIN + 1, 1);
    PIX *done = NULL;

    if (regrown != NULL && near != NULL &&
        pixAnd(regrown, regrown, near) != NULL)
        done = pixOr(data, data, regrown);
    pixDestroy(&regrown);
    pixDestroy(&near);
    return done;
}

/* What data lying along a rule looks like, across it: ink that runs
 * through the rule extra_min to extra_max pixels thicker than the rule's
 * own median run, over at least min_len columns side by side. */
typedef struct ondata_shape {
    int extra_min, extra_max, min_len;
} ondata_shape;

/* A character's bar printed on a horizontal rule (E, L, Z, 2 on their
 * baseline): 3-4 pixels of ink where a thin rule alone is 1-3, over most
 * of a character's width. Strokes that merely end on the rule (a stem, a
 * curve) run much thicker and are left to the crossing rejoin; restoring
 * the rule under them grew feet and tails. */
static const ondata_shape BAR_ON_RULE = {1, 4, 10};
/* A character's stroke along a vertical divider (a 1 beside the cents
 * cell's rule, an NPI's first digit on its box's left rule). */
static const ondata_shape STROKE_ON_DIVIDER = {2, INT_MAX / 2, 3};

/* Median of the n runs counted in hist (hist[k]: how many are k long). */
static int
median_count(const int *hist, int nhist, int n)
{
    int seen = 0;

    for (int k = 0; k < nhist; k++) {
        seen += hist[k];
        if (2 * seen >= n && n > 0)
            return k;
    }
    return 0;
}

/* Marks in pixd, for one horizontal rule (pixr, its own pixels, placed at
 * bx, by), the columns where the ink of pixs runs across the rule as
 * shape says data does; the mark spans the run. A rule thicker than
 * RULE_THICK_MAX is not judged (its ragged edges vary by more than a
 * bar). */
static cs_status
mark_thick_columns(PIX *pixd, PIX *pixs, PIX *pixr, int bx, int by,
                   const ondata_shape *shape)
{
    int w = pixGetWidth(pixr), h = pixGetHeight(pixr);
    int sh = pixGetHeight(pixs), n = 0, med;
    int hist[RULE_THICK_MAX + 2] = {0};
    int *y0 = calloc((size_t)w, sizeof(*y0));
    int *y1 = calloc((size_t)w, sizeof(*y1));
    l_uint32 *rdata = pixGetData(pixr), *sdata = pixGetData(pixs);
    l_uint32 *ddata = pixGetData(pixd);
    int rwpl = pixGetWpl(pixr), swpl = pixGetWpl(pixs);

    if (y0 == NULL || y1 == NULL) {
        free(y0);
        free(y1);
        return CS_ENOMEM;
    }
    /* Each column's run of ink through the rule. */
    for (int x = 0; x < w; x++) {
        int top = -1, bot = -1, len;
        for (int y = 0; y < h; y++)
            if (GET_DATA_BIT(rdata + (size_t)y * rwpl, x)) {
                top = top < 0 ? y : top;
                bot = y;
            }
        y0[x] = y1[x] = -1;
        if (top < 0)
            continue;
        y0[x] = by + top;
        y1[x] = by + bot;
        while (y0[x] > 0 &&
               GET_DATA_BIT(sdata + (size_t)(y0[x] - 1) * swpl, bx + x))
            y0[x]--;
        while (y1[x] < sh - 1 &&
               GET_DATA_BIT(sdata + (size_t)(y1[x] + 1) * swpl, bx + x))
            y1[x]++;
        len = y1[x] - y0[x] + 1;
        hist[len > RULE_THICK_MAX ? RULE_THICK_MAX + 1 : len]++;
        n++;
    }
    /* Data covers few of a rule's columns: the median is the rule's. */
    med = median_count(hist, RULE_THICK_MAX + 2, n);
    for (int x = 0; med > 0 && med <= RULE_THICK_MAX && x < w; x++) {
        int len = y1[x] - y0[x] + 1;
        if (y0[x] < 0 || len < med + shape->extra_min ||
            len > med + shape->extra_max)
            continue;
        for (int y = y0[x]; y <= y1[x]; y++)
            SET_DATA_BIT(ddata + (size_t)y * swpl, bx + x);
    }
    free(y0);
    free(y1);
    return CS_OK;
}

/* Where data lies along the horizontal rules of core (their own pixels,
 * found in pixs): the runs of pixs across each rule that shape says are
 * data (mark_thick_columns), shape->min_len of them side by side. NULL
 * when out of memory. */
static PIX *
data_on_rules(PIX *pixs, PIX *core, const ondata_shape *shape)
{
    PIXA *pixa = NULL;
    BOXA *boxa = pixConnComp(core, &pixa, 8);
    PIX *pixd = pixCreateTemplate(pixs), *pixo = NULL;
    int n = boxa != NULL ? boxaGetCount(boxa) : 0;

    for (int i = 0; boxa != NULL && pixd != NULL && i < n; i++) {
        l_int32 bx, by, bw, bh;
        PIX *pixr;
        (void)boxaGetBoxGeometry(boxa, i, &bx, &by, &bw, &bh);
        if (bw < RULE_MIN_HLEN)
            continue;
        pixr = pixaGetPix(pixa, i, L_CLONE);
        if (pixr == NULL ||
            mark_thick_columns(pixd, pixs, pixr, bx, by, shape) != CS_OK)
            pixDestroy(&pixd);
        pixDestroy(&pixr);
    }
    if (boxa != NULL && pixd != NULL)
        pixo = pixOpenBrick(NULL, pixd, shape->min_len, 1);
    boxaDestroy(&boxa);
    pixaDestroy(&pixa);
    pixDestroy(&pixd);
    return pixo;
}

/* data_on_rules() for vertical rules: the same on the page turned a
 * quarter. */
static PIX *
data_on_vrules(PIX *pixs, PIX *core, const ondata_shape *shape)
{
    PIX *rs = pixRotate90(pixs, 1), *rc = pixRotate90(core, 1);
    PIX *rd = rs != NULL && rc != NULL ? data_on_rules(rs, rc, shape) : NULL;
    PIX *pixd = rd != NULL ? pixRotate90(rd, -1) : NULL;

    pixDestroy(&rs);
    pixDestroy(&rc);
    pixDestroy(&rd);
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
    PIX *thick = NULL, *removed = NULL, *hdata = NULL, *vdata = NULL;
    PIX *htaken = NULL, *vtaken = NULL;
    cs_status rc = CS_OK;

    /* Solid rules from pixb: cut at their width in pixf (bolder), text
     * printed on a thick rule would be split beyond rejoining. */
    solid = ocr_runs_open(pixb, RULE_MIN_HLEN, 0);
    /* Bridging gaps also bridges the letters of a word along their
     * baseline: a dotted rule must run much longer than a word, and only
     * its thin parts (nothing 3 pixels above or below) are taken. */
    pixc = pixCloseSafeBrick(NULL, pixf, gap, 1);
    dotted = pixc != NULL ? ocr_runs_open(pixc, RULE_MIN_DOTTED, 0) : NULL;
    thick = thick_neighbors(pixf, 3);
    pixDestroy(&pixc);
    pixc = pixCloseSafeBrick(NULL, pixf, 1, gap);
    vert = pixc != NULL ? ocr_runs_open(pixc, RULE_MIN_VLEN, 1) : NULL;
    pixDestroy(&pixc);
    if (solid == NULL || dotted == NULL || vert == NULL || thick == NULL)
        goto nomem;
    /* Before the rules are grown and taken: where data lies along them. */
    pixc = pixAnd(NULL, vert, pixb);
    hdata = data_on_rules(pixb, solid, &BAR_ON_RULE);
    vdata =
        pixc != NULL ? data_on_vrules(pixb, pixc, &STROKE_ON_DIVIDER) : NULL;
    pixDestroy(&pixc);
    if (hdata == NULL || vdata == NULL)
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
    htaken = pixCopy(NULL, solid);
    vtaken = pixCopy(NULL, vert);
    if (removed == NULL || htaken == NULL || vtaken == NULL)
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
    /* Give back what data lay along a rule, each rule only its own
     * pixels and none where rules cross. */
    (void)pixAnd(hdata, hdata, htaken);
    (void)pixSubtract(hdata, hdata, vtaken);
    (void)pixAnd(vdata, vdata, vtaken);
    (void)pixSubtract(vdata, vdata, htaken);
    (void)pixOr(pixb, pixb, hdata);
    (void)pixOr(pixb, pixb, vdata);
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
    pixDestroy(&hdata);
    pixDestroy(&vdata);
    pixDestroy(&htaken);
    pixDestroy(&vtaken);
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

/* Gives back to a gray page's data what rule removal took but is as dark
 * as data, not form (GRAY_CORE_THRESHOLD). */
static cs_status
restore_dark(ocr_page *page, cs_error *err)
{
    PIX *core = pixThresholdToBinary(page->gray, GRAY_CORE_THRESHOLD);

    if (core == NULL || pixAnd(core, core, page->rules) == NULL ||
        pixOr(page->data, page->data, core) == NULL ||
        pixSubtract(page->rules, page->rules, core) == NULL) {
        pixDestroy(&core);
        return cs_error_set(err, CS_ENOMEM, "out of memory restoring data");
    }
    pixDestroy(&core);
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
        page->gray = scale8_take(&lum, page->scale_x, page->scale_y);
        *datag_out = scale8_take(&red, page->scale_x, page->scale_y);
        if (page->gray == NULL || *datag_out == NULL)
            goto nomem;
    } else if (d == 32 || d == 8) {
        page->kind = OCR_SCAN_GRAY;
        /* an 8-bpp source is the caller's: copied, never handed over */
        pixt = d == 32 ? pixConvertRGBToLuminance(pixs) : pixCopy(NULL, pixs);
        if (pixt == NULL)
            goto nomem;
        page->gray = scale8_take(&pixt, page->scale_x, page->scale_y);
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
        page->gray = scale8_take(&pixt, page->scale_x, page->scale_y);
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

/* The gray level below which lies share q of pixs's pixels darker than
 * `below` (sampled every `factor` pixels); 0 when there are none, -1 when
 * out of memory. */
static int
level_quantile(PIX *pixs, int factor, int below, double q)
{
    NUMA *na = pixGetGrayHistogram(pixs, factor);
    l_float32 total = 0.0f, sum = 0.0f, v;
    int i, n, level = 0;

    if (na == NULL)
        return -1;
    n = numaGetCount(na) < below ? numaGetCount(na) : below;
    for (i = 0; i < n; i++) {
        (void)numaGetFValue(na, i, &v);
        total += v;
    }
    for (i = 0; i < n && total > 0.0f; i++) {
        (void)numaGetFValue(na, i, &v);
        sum += v;
        if ((double)sum >= (double)total * q) {
            level = i;
            break;
        }
    }
    numaDestroy(&na);
    return level;
}

/* The data threshold of a color scan's background-normalized red
 * channel: COLOR_DATA_THRESHOLD, but for faint print (a worn ribbon, light
 * toner) FAINT_MARGIN lighter than its strokes' level, up to
 * FAINT_DATA_MAX. The level: the FAINT_QUANTILE of the pixels darker than
 * the paper and the red form (below FAINT_INK_BELOW); the form's black QR
 * code holds the darkest few percent. Black print measured 31-49 there
 * (scans at 200 and 300 dpi, JPEG), print at ink levels 90-150 78-122;
 * below FAINT_LEVEL_MIN the print is taken for black. */
#define FAINT_INK_BELOW 170
#define FAINT_QUANTILE 0.10
#define FAINT_LEVEL_MIN 70
#define FAINT_MARGIN 30
#define FAINT_DATA_MAX 140

static int
color_data_threshold(PIX *pixs)
{
    int level = level_quantile(pixs, 1, FAINT_INK_BELOW, FAINT_QUANTILE);
    int t = level + FAINT_MARGIN;

    if (level < FAINT_LEVEL_MIN)
        return COLOR_DATA_THRESHOLD;
    return t < COLOR_DATA_THRESHOLD ? COLOR_DATA_THRESHOLD
                                    : (t > FAINT_DATA_MAX ? FAINT_DATA_MAX : t);
}

/* The data threshold of a photo's background-normalized red channel. */
static int
photo_data_threshold(PIX *pixs)
{
    int dark = level_quantile(pixs, 2, 256, PHOTO_DATA_QUANTILE);
    int t = (dark + 200) / 2;

    if (dark < 0)
        return PHOTO_DATA_MIN;
    return t < PHOTO_DATA_MIN ? PHOTO_DATA_MIN
                              : (t > PHOTO_DATA_MAX ? PHOTO_DATA_MAX : t);
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

/* 1 when the image is a US letter page at its stated resolution (within
 * 2%): what a scanner makes of a sheet, with nothing around it. */
static int
fills_letter(const intake_page *in)
{
    double win = (double)pixGetWidth(in->pix) / in->xres;
    double hin = (double)pixGetHeight(in->pix) / in->yres;

    return fabs(win / OCR__LETTER_W_IN - 1.0) <= 0.02 &&
           fabs(hin / OCR__LETTER_H_IN - 1.0) <= 0.02;
}

/* A photographed sheet (seen at an angle, or with no trustworthy
 * resolution) is mapped back to an upright page: *flat_out is that page
 * (NULL when the page is used as it is) and page->scale_x/y are set from
 * its resolution. */
static cs_status
page_flatten(ocr_page *page, PIX **flat_out, const intake_page *in,
             cs_error *err)
{
    ocr__quad q;
    int d = pixGetDepth(in->pix);
    cs_status rc;

    *flat_out = NULL;
    if (d == 1 || (!in->res_inferred && fills_letter(in)))
        return CS_OK; /* a scanner's page: no room for a desk around it */
    if (!ocr__quad_find(&q, in->pix))
        return CS_OK;
    if (!in->res_inferred &&
        ocr__quad_keystone(&q) < KEYSTONE_MIN * pixGetHeight(in->pix))
        return CS_OK; /* a flat scan: registration takes what is left */
    rc = ocr__quad_flatten(flat_out, in->pix, &q, OCR_WORK_DPI, err);
    if (rc != CS_OK)
        return rc;
    page->scale_x = page->scale_y = 1.0;
    page->source_dpi = ocr__quad_width(&q) / OCR__LETTER_W_IN;
    page->flattened = 1;
    page->sheet_cut = q.cut;
    return CS_OK;
}

cs_status
ocr_page_prepare(ocr_page **out, const intake_page *in,
                 const ocr_prepare_options *opts, cs_error *err)
{
    static const ocr_prepare_options defaults = OCR_PREPARE_OPTIONS_INIT;
    ocr_page *page = NULL;
    PIX *datag = NULL, *flat = NULL;
    int ink_threshold;
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
    page->dotted = in->xres < 150 || in->yres < 150;
    page->source_dpi = in->xres < in->yres ? in->xres : in->yres;
    rc = page_flatten(page, &flat, in, err);
    if (rc != CS_OK)
        goto cleanup;

    rc = page_gray_images(page, &datag, flat != NULL ? flat : in->pix, err);
    if (rc != CS_OK)
        goto cleanup;
    if (page->kind != OCR_SCAN_BW) {
        rc = flatten_background(&page->gray, err);
        if (rc == CS_OK && datag != NULL)
            rc = flatten_background(&datag, err);
        if (rc != CS_OK)
            goto cleanup;
    }
    ink_threshold = page->flattened            ? PHOTO_INK_THRESHOLD
                    : page_is_low_res_bw(page) ? SMOOTHED_INK_THRESHOLD
                                               : INK_THRESHOLD;
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
    if (page->flattened && datag != NULL) {
        /* A photo's strokes are blurred: sharpen before thresholding, so
         * that characters keep their shape rather than fill in. */
        int low = page->source_dpi < PHOTO_LOW_DPI;
        PIX *sharp = pixUnsharpMaskingGray(
            datag, low ? PHOTO_SHARPEN_HALFWIDTH_LOW : PHOTO_SHARPEN_HALFWIDTH,
            low ? PHOTO_SHARPEN_FRACT_LOW : PHOTO_SHARPEN_FRACT);
        if (sharp == NULL)
            goto nomem;
        pixDestroy(&datag);
        datag = sharp;
    }
    switch (page->kind) {
    case OCR_SCAN_COLOR:
        page->datag_threshold = page->flattened ? photo_data_threshold(datag)
                                                : color_data_threshold(datag);
        page->data = pixThresholdToBinary(datag, page->datag_threshold);
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
                      RULE_GAP(page->dotted), err);
    if (rc != CS_OK)
        goto cleanup;
    if (page->kind == OCR_SCAN_GRAY) {
        rc = restore_dark(page, err);
        if (rc != CS_OK)
            goto cleanup;
    }
    if (page->kind == OCR_SCAN_COLOR) {
        page->datag = datag; /* for ocr_page_lighten */
        datag = NULL;
    }
    *out = page;
    page = NULL;
    goto cleanup;
nomem:
    rc = cs_error_set(err, CS_ENOMEM, "out of memory preparing page");
cleanup:
    pixDestroy(&datag);
    pixDestroy(&flat);
    ocr_page_free(page);
    return rc;
}

cs_status
ocr_page_lighten(ocr_page *page, int *changed, cs_error *err)
{
    PIX *seed = NULL, *mask = NULL, *data = NULL, *rules = NULL, *src;
    int dark, light;
    cs_status rc;

    if (page == NULL || changed == NULL || page->gray == NULL)
        return cs_error_set(err, CS_EINVAL, "ocr_page_lighten: bad page");
    *changed = 0;
    if (page_is_low_res_bw(page)) {
        src = page->gray;
        dark = SMOOTHED_DATA_THRESHOLD;
        light = SMOOTHED_LIGHT_THRESHOLD;
    } else if (page->kind == OCR_SCAN_COLOR && page->datag != NULL) {
        src = page->datag;
        dark = page->datag_threshold;
        /* no nearer the paper (200 once normalized) than halfway */
        light = dark + (COLOR_LIGHT_STEP < (200 - dark) / 2 ? COLOR_LIGHT_STEP
                                                            : (200 - dark) / 2);
    } else if (page->kind == OCR_SCAN_GRAY) {
        src = page->gray;
        dark = GRAY_DATA_THRESHOLD;
        light = GRAY_LIGHT_THRESHOLD;
    } else {
        return CS_OK;
    }
    seed = pixThresholdToBinary(src, dark);
    mask = pixThresholdToBinary(src, light);
    data = seed != NULL && mask != NULL ? pixSeedfillBinary(NULL, seed, mask, 8)
                                        : NULL;
    pixDestroy(&seed);
    pixDestroy(&mask);
    if (data == NULL)
        return cs_error_set(err, CS_ENOMEM, "out of memory lightening page");
    rc = remove_rules(&rules, data, page_is_low_res_bw(page) ? page->ink : data,
                      RULE_GAP(page->dotted), err);
    if (rc != CS_OK) {
        pixDestroy(&data);
        return rc;
    }
    pixDestroy(&page->data);
    pixDestroy(&page->rules);
    page->data = data;
    page->rules = rules;
    *changed = 1;
    if (page->kind == OCR_SCAN_GRAY)
        return restore_dark(page, err);
    return CS_OK;
}

/* A printed character's strokes are 3 to 5 pixels thick, a label's
 * mostly 1 or 2, so ocr_thick_ink(3) drops a label's strokes (a vertical
 * one has no horizontal run of 3, a horizontal one no vertical run) and
 * keeps a character's, slanted strokes included (their runs along either
 * axis are longer than they are thick). */
PIX *
ocr_thick_ink(PIX *pixs, int t)
{
    PIX *across = pixOpenBrick(NULL, pixs, t, 1);
    PIX *along = pixOpenBrick(NULL, pixs, 1, t);
    PIX *pixd = NULL;

    if (across != NULL && along != NULL)
        pixd = pixAnd(NULL, across, along);
    pixDestroy(&across);
    pixDestroy(&along);
    return pixd;
}

/* What of mask is data lying on the form's ink, to be kept: on a gray
 * page, what is as dark as data; on a black-and-white page, the thick
 * strokes (ocr_thick_ink) of a character that reaches out of mask, near the
 * part outside it (ERASE_REACH, ERASE_SIDE), or, ERASE_THIN_STROKE thick,
 * anywhere in thin, where the form's ink is thinner. A label is thin, or, where
 * it is as thick as print (a parenthesis, bold type), lies wholly inside mask
 * and outside thin. NULL on a color page (nothing is kept) or when out of
 * memory. */
static PIX *
erase_keep(const ocr_page *page, PIX *mask, PIX *thin)
{
    PIX *thick, *seed, *keep, *within = NULL, *more = NULL;

    if (page->kind == OCR_SCAN_GRAY)
        return pixThresholdToBinary(page->gray, GRAY_CORE_THRESHOLD);
    if (page->kind != OCR_SCAN_BW)
        return NULL;
    thick = ocr_thick_ink(page->data, ERASE_STROKE_MIN);
    seed = thick != NULL ? pixSubtract(NULL, thick, mask) : NULL;
    keep = seed != NULL ? pixSeedfillBinaryRestricted(NULL, seed, thick, 8,
                                                      ERASE_SIDE, ERASE_REACH)
                        : NULL;
    /* Where the form is thin, a stroke thicker than its ink is data
     * however far into mask it runs (a 0 whose side lies along a dotted
     * divider); the divider's dashes beyond the character, as thick as
     * ERASE_STROKE_MIN, stay out. */
    if (keep != NULL && thin != NULL) {
        PIX *thick_form = pixSubtract(NULL, mask, thin);
        PIX *print = ocr_thick_ink(page->data, ERASE_THIN_STROKE);
        within = thick_form != NULL && print != NULL
                     ? pixSubtract(NULL, print, thick_form)
                     : NULL;
        pixDestroy(&thick_form);
        pixDestroy(&print);
        more = within != NULL ? pixSeedfillBinary(NULL, seed, within, 8) : NULL;
        if (more == NULL || pixOr(keep, keep, more) == NULL)
            pixDestroy(&keep);
    }
    pixDestroy(&within);
    pixDestroy(&more);
    pixDestroy(&thick);
    pixDestroy(&seed);
    return keep;
}

cs_status
ocr_page_erase(ocr_page *page, struct Pix *mask, struct Pix *thin,
               cs_error *err)
{
    PIX *keep, *erase, *done, *before = NULL;

    if (page == NULL || mask == NULL || page->data == NULL)
        return cs_error_set(err, CS_EINVAL, "ocr_page_erase: bad arguments");
    if (pixGetWidth(mask) != pixGetWidth(page->data) ||
        pixGetHeight(mask) != pixGetHeight(page->data) ||
        pixGetDepth(mask) != 1)
        return cs_error_set(err, CS_EINVAL,
                            "ocr_page_erase: mask does not fit the page");
    if (thin != NULL &&
        (pixGetWidth(thin) != pixGetWidth(mask) ||
         pixGetHeight(thin) != pixGetHeight(mask) || pixGetDepth(thin) != 1))
        return cs_error_set(err, CS_EINVAL,
                            "ocr_page_erase: thin does not fit the page");
    keep = erase_keep(page, mask, thin);
    if (keep == NULL && page->kind != OCR_SCAN_COLOR)
        return cs_error_set(err, CS_ENOMEM, "out of memory erasing mask");
    erase = keep != NULL ? pixSubtract(NULL, mask, keep) : pixClone(mask);
    if (erase != NULL) { /* what is taken out, kept */
        PIX *taken = pixAnd(NULL, page->data, erase);
        if (taken != NULL && page->erased == NULL)
            page->erased = taken;
        else if (taken != NULL) {
            (void)pixOr(page->erased, page->erased, taken);
            pixDestroy(&taken);
        }
    }
    before = erase != NULL && page->kind != OCR_SCAN_GRAY
                 ? pixCopy(NULL, page->data)
                 : NULL;
    done = erase != NULL ? pixSubtract(page->data, page->data, erase) : NULL;
    if (done != NULL && before != NULL)
        done = restore_beside(page->data, before);
    pixDestroy(&keep);
    pixDestroy(&erase);
    pixDestroy(&before);
    if (done == NULL)
        return cs_error_set(err, CS_ENOMEM, "out of memory erasing mask");
    return CS_OK;
}

cs_status
ocr_page_turn(ocr_page *page, int quarters, cs_error *err)
{
    PIX **images[6];
    PIX *turned[6] = {NULL};
    int q = ((quarters % 4) + 4) % 4;

    if (page == NULL)
        return cs_error_set(err, CS_EINVAL, "ocr_page_turn: no page");
    if (q == 0)
        return CS_OK;
    images[0] = &page->gray;
    images[1] = &page->ink;
    images[2] = &page->data;
    images[3] = &page->rules;
    images[4] = &page->erased;
    images[5] = &page->datag;
    for (int i = 0; i < 6; i++) {
        if (*images[i] == NULL)
            continue;
        turned[i] = pixRotateOrth(*images[i], q);
        if (turned[i] == NULL) {
            for (int k = 0; k < i; k++)
                pixDestroy(&turned[k]);
            return cs_error_set(err, CS_ENOMEM, "out of memory turning page");
        }
    }
    for (int i = 0; i < 6; i++) {
        if (*images[i] == NULL)
            continue;
        pixDestroy(images[i]);
        *images[i] = turned[i];
    }
    if (q % 2 == 1) {
        double t = page->scale_x;
        page->scale_x = page->scale_y;
        page->scale_y = t;
    }
    page->turned = (page->turned + q) % 4;
    return CS_OK;
}
