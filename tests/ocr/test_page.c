/*
 * test_page.c: the ocr stage. ocr_page_prepare on committed sample pages
 * transformed with Leptonica (rotated, converted, scaled): skew measured
 * and corrected, scan kind, red-form dropout, scaling to the working
 * resolution; and the Tesseract engine reading a rectangle. The samples
 * are decoded once and one engine is shared (group fixture).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <jansson.h>
#include <leptonica/allheaders.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intake/intake.h"
#include "ocr/ocr.h"
#include "support/support.h"

#define SAMPLES CS_SOURCE_DIR "/samples/scans/"
#define FIXTURES CS_SOURCE_DIR "/tests/fixtures/"
#define DEG2RAD (3.14159265358979 / 180.0)

/* The decoded samples (same claim, different scans) and one engine. */
typedef enum { SRC_COLOR = 0, SRC_BW, SRC_DROPOUT, SRC_GRAY, NSRC } source;

static const char *const source_files[NSRC] = {
    "claim0001_color300.png", "claim0001_bw300.tif", "claim0001_dropout300.tif",
    "claim0001_gray300.png"};

static struct {
    PIX *pix[NSRC];
    float skew0[NSRC];   /* skew measured on the untouched page */
    l_int32 data0[NSRC]; /* data ink of the untouched page */
    ocr_engine *eng;
    char patient_name[64]; /* from the truth file */
} fx;

static l_int32
count_on(PIX *pix)
{
    l_int32 n = -1;

    (void)pixCountPixels(pix, &n, NULL);
    return n;
}

static l_int32
count_in_rect(PIX *pix, int x, int y, int w, int h)
{
    BOX *b = boxCreate(x, y, w, h);
    l_int32 n = -1;

    (void)pixCountPixelsInRect(pix, b, &n, NULL);
    boxDestroy(&b);
    return n;
}

/* Sets the n rectangles r in pix (1 bpp). */
static void
set_rects(PIX *pix, const ocr_rect *r, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        BOX *b = boxCreate(r[i].x, r[i].y, r[i].w, r[i].h);
        assert_non_null(b);
        (void)pixSetInRect(pix, b);
        boxDestroy(&b);
    }
}

/* A blank letter page at 300 dpi with ink in the n rectangles r. */
static PIX *
page_of_rects(const ocr_rect *r, size_t n)
{
    PIX *pix = pixCreate(2550, 3300, 1);

    assert_non_null(pix);
    set_rects(pix, r, n);
    return pix;
}

/* Prepares pix as a page of res dpi; NULL on failure (printed). */
static ocr_page *
prepare(PIX *pix, int res, const ocr_prepare_options *opts)
{
    intake_page in = {pix, 1, res, res, 0};
    ocr_page *page = NULL;
    cs_error err = CS_ERROR_INIT;

    if (ocr_page_prepare(&page, &in, opts, &err) != CS_OK)
        print_error("ocr_page_prepare: %s\n", err.message);
    return page;
}

static int
load_sample(PIX **out, const char *file)
{
    char path[512];
    intake_page page;

    (void)snprintf(path, sizeof(path), "%s%s", SAMPLES, file);
    if (ts_scan_page1(&page, path) != 0)
        return -1;
    if (page.xres != 300 || page.yres != 300) {
        intake_page_clear(&page);
        return -1;
    }
    *out = page.pix; /* ours now */
    return 0;
}

static int
load_patient_name(void)
{
    json_t *root = ts_truth_load(SAMPLES "claim0001_bw300.tif");
    const char *v = json_string_value(json_object_get(
        json_object_get(json_array_get(json_object_get(root, "pages"), 0),
                        "fields"),
        "patient_name"));
    int rc = v != NULL && v[0] != '\0' && strlen(v) < sizeof(fx.patient_name)
                 ? 0
                 : -1;

    if (rc == 0)
        memcpy(fx.patient_name, v, strlen(v) + 1);
    json_decref(root);
    return rc;
}

static int
group_setup(void **state)
{
    cs_error err = CS_ERROR_INIT;

    (void)state;
    (void)setMsgSeverity(L_SEVERITY_NONE);
    for (int i = 0; i < NSRC; i++) {
        ocr_page *page;
        if (load_sample(&fx.pix[i], source_files[i]) != 0)
            return -1;
        page = prepare(fx.pix[i], 300, NULL);
        if (page == NULL)
            return -1;
        fx.skew0[i] = page->skew_degrees;
        fx.data0[i] = count_on(page->data);
        ocr_page_free(page);
    }
    if (load_patient_name() != 0)
        return -1;
    if (ocr_global_init(&err) != CS_OK ||
        ocr_engine_new(&fx.eng, NULL, &err) != CS_OK) {
        print_error("engine: %s\n", err.message);
        return -1;
    }
    return 0;
}

static int
group_teardown(void **state)
{
    (void)state;
    for (int i = 0; i < NSRC; i++)
        pixDestroy(&fx.pix[i]);
    ocr_engine_free(fx.eng);
    fx.eng = NULL;
    return 0;
}

/* Resources of the running test, freed by scratch_free after it, passed
 * or failed (a failed assertion leaves the test by longjmp). */
static struct scratch {
    PIX *pix, *pix2;
    ocr_page *page, *page2;
    ocr_text *text;
} s;

static int
scratch_free(void **state)
{
    (void)state;
    if (fx.eng != NULL) {
        (void)ocr_engine_set_page(fx.eng, NULL, NULL);
        (void)ocr_engine_set_choices(fx.eng, 0, NULL);
    }
    pixDestroy(&s.pix);
    pixDestroy(&s.pix2);
    ocr_page_free(s.page);
    ocr_page_free(s.page2);
    free(s.text);
    memset(&s, 0, sizeof(s));
    return 0;
}

/* ---- Skew ------------------------------------------------------------ */

struct skew_case {
    const char *name;
    source src;
    float degrees; /* the page is turned by this (pixRotate's sense) */
};

static const struct skew_case skew_cases[] = {
    {"skew_bw_minus_4_0", SRC_BW, -4.0f},
    {"skew_bw_minus_1_5", SRC_BW, -1.5f},
    {"skew_bw_plus_0_7", SRC_BW, 0.7f},
    {"skew_bw_plus_3_0", SRC_BW, 3.0f},
    {"skew_color_minus_4_0", SRC_COLOR, -4.0f},
    {"skew_color_minus_1_5", SRC_COLOR, -1.5f},
    {"skew_color_plus_0_7", SRC_COLOR, 0.7f},
    {"skew_color_plus_3_0", SRC_COLOR, 3.0f},
};

/*
 * Leptonica's convention, which ocr_page_prepare keeps: skew_degrees is
 * the angle to rotate the page by (pixRotate's sense) to straighten it.
 * A page turned by +a therefore measures about -a, and after deskewing
 * its ink measures as straight as the untouched page.
 */
static void
test_skew_case(void **state)
{
    const struct skew_case *c = *state;
    PIX *pixs = fx.pix[c->src];
    int type = pixGetDepth(pixs) == 1 ? L_ROTATE_SAMPLING : L_ROTATE_AREA_MAP;
    l_float32 after = 99.0f, conf = 0.0f;
    float want = fx.skew0[c->src] - c->degrees;

    s.pix = pixRotate(pixs, (l_float32)(c->degrees * DEG2RAD), type,
                      L_BRING_IN_WHITE, 0, 0);
    assert_non_null(s.pix);
    s.page = prepare(s.pix, 300, NULL);
    assert_non_null(s.page);
    if (fabsf(s.page->skew_degrees - want) > 0.2f)
        print_error("turned by %.2f: measured %.3f, want %.3f\n", c->degrees,
                    s.page->skew_degrees, want);
    assert_true(fabsf(s.page->skew_degrees - want) <= 0.2f);
    assert_int_equal(s.page->deskewed, 1);
    assert_true(s.page->skew_confidence >= 3.0f);
    /* The images keep the page's size. */
    assert_int_equal(pixGetWidth(s.page->gray), pixGetWidth(pixs));
    assert_int_equal(pixGetHeight(s.page->gray), pixGetHeight(pixs));
    assert_int_equal(pixGetWidth(s.page->ink), pixGetWidth(pixs));
    assert_int_equal(pixGetWidth(s.page->data), pixGetWidth(pixs));
    /* The ink really was straightened (not only measured). */
    assert_int_equal(pixFindSkew(s.page->ink, &after, &conf), 0);
    if (fabsf(after - fx.skew0[c->src]) > 0.2f)
        print_error("after deskew the ink measures %.3f\n", after);
    assert_true(fabsf(after - fx.skew0[c->src]) <= 0.2f);
}

/* A straight page is measured, not rotated. */
static void
test_skew_straight_not_rotated(void **state)
{
    (void)state;
    s.page = prepare(fx.pix[SRC_BW], 300, NULL);
    assert_non_null(s.page);
    assert_true(fabsf(s.page->skew_degrees) < 0.05f);
    assert_int_equal(s.page->deskewed, 0);
}

/* Below the confidence asked for, the page is left as it is. */
static void
test_skew_low_confidence_not_rotated(void **state)
{
    ocr_prepare_options opts = OCR_PREPARE_OPTIONS_INIT;

    (void)state;
    s.pix = pixRotate(fx.pix[SRC_BW], (l_float32)(2.0 * DEG2RAD),
                      L_ROTATE_SAMPLING, L_BRING_IN_WHITE, 0, 0);
    assert_non_null(s.pix);
    opts.min_skew_confidence = 1000.0f;
    s.page = prepare(s.pix, 300, &opts);
    assert_non_null(s.page);
    assert_true(fabsf(s.page->skew_degrees + 2.0f) <= 0.2f);
    assert_int_equal(s.page->deskewed, 0);
}

/* A sheet scanned on its side: its lines of text run down the image.
 * The skew that straightens it is measured on them all the same, and
 * corrected. */
static void
test_skew_sideways(void **state)
{
    PIX *tilted;

    (void)state;
    tilted = pixRotate(fx.pix[SRC_BW], (l_float32)(2.0 * DEG2RAD),
                       L_ROTATE_SAMPLING, L_BRING_IN_WHITE, 0, 0);
    assert_non_null(tilted);
    s.pix = pixRotateOrth(tilted, 1);
    pixDestroy(&tilted);
    assert_non_null(s.pix);
    s.page = prepare(s.pix, 300, NULL);
    assert_non_null(s.page);
    if (fabsf(s.page->skew_degrees - (fx.skew0[SRC_BW] - 2.0f)) > 0.2f)
        print_error("measured %.3f\n", s.page->skew_degrees);
    assert_true(fabsf(s.page->skew_degrees - (fx.skew0[SRC_BW] - 2.0f)) <=
                0.2f);
    assert_int_equal(s.page->deskewed, 1);
}

/* A page turned by quarters: every image turns, the scales follow the
 * axes, and turning back gives the page as it was. */
static void
test_turn(void **state)
{
    cs_error err = CS_ERROR_INIT;
    PIX *data0;
    int w, h;

    (void)state;
    s.page = prepare(fx.pix[SRC_COLOR], 300, NULL);
    assert_non_null(s.page);
    s.page->scale_x = 1.0;
    s.page->scale_y = 2.0; /* as a fax's axes would differ */
    data0 = pixCopy(NULL, s.page->data);
    assert_non_null(data0);
    w = pixGetWidth(s.page->gray);
    h = pixGetHeight(s.page->gray);
    assert_int_equal(ocr_page_turn(s.page, 1, &err), CS_OK);
    assert_int_equal(s.page->turned, 1);
    assert_int_equal(pixGetWidth(s.page->gray), h);
    assert_int_equal(pixGetHeight(s.page->gray), w);
    assert_int_equal(pixGetWidth(s.page->data), h);
    assert_int_equal(pixGetWidth(s.page->ink), h);
    assert_int_equal(pixGetWidth(s.page->rules), h);
    assert_int_equal(pixGetWidth(s.page->datag), h);
    assert_true(s.page->scale_x == 2.0 && s.page->scale_y == 1.0);
    /* upside down from where it started, then back in two steps */
    assert_int_equal(ocr_page_turn(s.page, 1, &err), CS_OK);
    assert_int_equal(s.page->turned, 2);
    assert_int_equal(pixGetWidth(s.page->gray), w);
    assert_int_equal(ocr_page_turn(s.page, -3, &err), CS_OK);
    assert_int_equal(s.page->turned, 3);
    assert_int_equal(ocr_page_turn(s.page, -s.page->turned, &err), CS_OK);
    assert_int_equal(s.page->turned, 0);
    assert_true(s.page->scale_x == 1.0 && s.page->scale_y == 2.0);
    {
        l_int32 same = 0;
        assert_int_equal(pixEqual(s.page->data, data0, &same), 0);
        assert_true(same);
    }
    pixDestroy(&data0);
    assert_int_equal(ocr_page_turn(NULL, 1, &err), CS_EINVAL);
}

/* ---- Scan kind -------------------------------------------------------- */

typedef enum {
    MAKE_AS_IS = 0,   /* the sample itself */
    MAKE_LUMINANCE,   /* 8-bpp gray from the color sample */
    MAKE_GRAY_AS_RGB, /* that gray stored as 32-bpp RGB */
} make_kind;

struct kind_case {
    const char *name;
    source src;
    make_kind make;
    ocr_scan_kind kind;
};

static const struct kind_case kind_cases[] = {
    {"kind_color_sample", SRC_COLOR, MAKE_AS_IS, OCR_SCAN_COLOR},
    {"kind_bw_sample", SRC_BW, MAKE_AS_IS, OCR_SCAN_BW},
    {"kind_dropout_sample", SRC_DROPOUT, MAKE_AS_IS, OCR_SCAN_BW},
    {"kind_gray_sample", SRC_GRAY, MAKE_AS_IS, OCR_SCAN_GRAY},
    {"kind_gray_from_color", SRC_COLOR, MAKE_LUMINANCE, OCR_SCAN_GRAY},
    {"kind_gray_stored_as_rgb", SRC_COLOR, MAKE_GRAY_AS_RGB, OCR_SCAN_GRAY},
};

static PIX *
make_variant(source src, make_kind make)
{
    PIX *lum, *pixd;

    if (make == MAKE_AS_IS)
        return pixClone(fx.pix[src]);
    lum = pixConvertRGBToLuminance(fx.pix[src]);
    if (make == MAKE_LUMINANCE || lum == NULL)
        return lum;
    pixd = pixConvertTo32(lum);
    pixDestroy(&lum);
    return pixd;
}

static void
test_kind_case(void **state)
{
    const struct kind_case *c = *state;

    s.pix = make_variant(c->src, c->make);
    assert_non_null(s.pix);
    s.page = prepare(s.pix, 300, NULL);
    assert_non_null(s.page);
    assert_int_equal(s.page->kind, c->kind);
    assert_int_equal(pixGetDepth(s.page->gray), 8);
    assert_int_equal(pixGetDepth(s.page->ink), 1);
    assert_int_equal(pixGetDepth(s.page->data), 1);
    assert_true(s.page->scale_x == 1.0 && s.page->scale_y == 1.0);
}

/* ---- Dropout and data ink ------------------------------------------ */

/* Box 24's column headings (reference pixels): printed labels only, no
 * data line reaches them. */
#define LABELS_X 90
#define LABELS_Y 2110
#define LABELS_W 2350
#define LABELS_H 80

/* In a color scan the red form leaves the data image: far less data ink
 * than ink, and none where the form has only labels. */
static void
test_color_drops_red_form(void **state)
{
    l_int32 ink, data, ink_labels, data_labels;

    (void)state;
    s.page = prepare(fx.pix[SRC_COLOR], 300, NULL);
    assert_non_null(s.page);
    ink = count_on(s.page->ink);
    data = count_on(s.page->data);
    ink_labels =
        count_in_rect(s.page->ink, LABELS_X, LABELS_Y, LABELS_W, LABELS_H);
    data_labels =
        count_in_rect(s.page->data, LABELS_X, LABELS_Y, LABELS_W, LABELS_H);
    print_message("ink %d data %d; in the labels: ink %d data %d\n", ink, data,
                  ink_labels, data_labels);
    assert_true(data > 0);
    assert_true(data * 3 < ink);
    assert_true(ink_labels > 5000);
    assert_true(data_labels * 100 < ink_labels);
}

/* A black-and-white scan keeps the form's labels in its data image (they
 * are erased later, once registered): the contrast to the color case. */
static void
test_bw_keeps_labels(void **state)
{
    (void)state;
    s.page = prepare(fx.pix[SRC_BW], 300, NULL);
    assert_non_null(s.page);
    assert_true(count_in_rect(s.page->data, LABELS_X, LABELS_Y, LABELS_W,
                              LABELS_H) > 5000);
}

struct data_case {
    const char *name;
    source src;
    make_kind make;
};

/* Every scan of the same claim carries about the same data ink as the
 * color scan, where the form drops out cleanly. (Gray scans keep some
 * label ink, erased later; too little data ink means data was lost.) */
static const struct data_case data_cases[] = {
    {"data_ink_gray_sample", SRC_GRAY, MAKE_AS_IS},
    {"data_ink_gray_from_color", SRC_COLOR, MAKE_LUMINANCE},
    {"data_ink_dropout_sample", SRC_DROPOUT, MAKE_AS_IS},
};

static void
test_data_case(void **state)
{
    const struct data_case *c = *state;
    double ratio;

    s.pix = make_variant(c->src, c->make);
    assert_non_null(s.pix);
    s.page = prepare(s.pix, 300, NULL);
    assert_non_null(s.page);
    ratio = (double)count_on(s.page->data) / (double)fx.data0[SRC_COLOR];
    print_message("data ink: %.2f of the color scan's\n", ratio);
    assert_true(ratio > 0.6);
    assert_true(ratio < 2.0);
}

/* ---- Working resolution -------------------------------------------- */

struct scale_case {
    const char *name;
    source src;
    int res; /* the page is scaled to this and said to be of it */
};

static const struct scale_case scale_cases[] = {
    {"scale_color_150_dpi", SRC_COLOR, 150},
    {"scale_color_200_dpi", SRC_COLOR, 200},
    {"scale_bw_150_dpi", SRC_BW, 150},
    {"scale_color_600_dpi", SRC_COLOR, 600},
};

static void
test_scale_case(void **state)
{
    const struct scale_case *c = *state;
    float f = (float)c->res / 300.0f;
    double ratio;

    s.pix = pixScale(fx.pix[c->src], f, f);
    assert_non_null(s.pix);
    pixSetResolution(s.pix, c->res, c->res);
    s.page = prepare(s.pix, c->res, NULL);
    assert_non_null(s.page);
    assert_true(fabs(s.page->scale_x - 300.0 / c->res) < 1e-9);
    assert_true(fabs(s.page->scale_y - 300.0 / c->res) < 1e-9);
    if (abs(pixGetWidth(s.page->gray) - 2550) > 3 ||
        abs(pixGetHeight(s.page->gray) - 3300) > 3)
        print_error("prepared %d x %d\n", pixGetWidth(s.page->gray),
                    pixGetHeight(s.page->gray));
    assert_true(abs(pixGetWidth(s.page->gray) - 2550) <= 3);
    assert_true(abs(pixGetHeight(s.page->gray) - 3300) <= 3);
    assert_int_equal(pixGetWidth(s.page->ink), pixGetWidth(s.page->gray));
    assert_int_equal(pixGetHeight(s.page->data), pixGetHeight(s.page->gray));
    assert_int_equal(s.page->kind,
                     c->src == SRC_COLOR ? OCR_SCAN_COLOR : OCR_SCAN_BW);
    /* The data keeps its weight at the working resolution. */
    ratio = (double)count_on(s.page->data) / (double)fx.data0[c->src];
    print_message("data ink: %.2f of the 300-dpi page's\n", ratio);
    assert_true(ratio > 0.7 && ratio < 1.4);
}

/* ---- Photographed sheets -------------------------------------------- */

/* The color sample as a phone photo: the sheet's corners moved to these
 * places (clockwise from top-left) on a desk of the image's size. */
struct photo_case {
    const char *name;
    float x[4], y[4];
    l_uint32 desk; /* RGBA */
    int res;       /* what the file would say */
    int cut;       /* 1: the frame cuts the sheet's right side off */
};

static const struct photo_case photo_cases[] = {
    {"photo_keystone_dark_desk",
     {180, 2370, 2400, 150},
     {260, 200, 3100, 3180},
     0x3c3c4100,
     72,
     0},
    /* a resolution tag that does not make the image a letter page */
    {"photo_keystone_light_desk_tagged",
     {120, 2420, 2380, 210},
     {150, 230, 3230, 3120},
     0xbeb9af00,
     250,
     0},
    /* the sheet's right edge just out of the frame (2550 pixels wide):
     * a line of the form along it stands in for it, and the page says
     * so (flagged sheet_cut) */
    {"photo_right_side_cut",
     {180, 2570, 2590, 150},
     {260, 200, 3100, 3180},
     0x3c3c4100,
     72,
     1},
};

/* Share of a's ink that lies within 4 pixels of b's ink. */
static double
ink_overlap(PIX *a, PIX *b)
{
    int w = pixGetWidth(a) < pixGetWidth(b) ? pixGetWidth(a) : pixGetWidth(b);
    int h =
        pixGetHeight(a) < pixGetHeight(b) ? pixGetHeight(a) : pixGetHeight(b);
    BOX *box = boxCreate(0, 0, w, h);
    PIX *ac = pixClipRectangle(a, box, NULL),
        *bc = pixClipRectangle(b, box, NULL);
    PIX *grown = bc != NULL ? pixDilateBrick(NULL, bc, 9, 9) : NULL;
    PIX *both = grown != NULL && ac != NULL ? pixAnd(NULL, ac, grown) : NULL;
    double share = both != NULL && count_on(ac) > 0
                       ? (double)count_on(both) / (double)count_on(ac)
                       : -1.0;

    boxDestroy(&box);
    pixDestroy(&ac);
    pixDestroy(&bc);
    pixDestroy(&grown);
    pixDestroy(&both);
    return share;
}

static void
test_photo_case(void **state)
{
    const struct photo_case *c = *state;
    PTA *ptas = ptaCreate(4), *ptad = ptaCreate(4);
    PIX *src = fx.pix[SRC_COLOR];
    float w = (float)pixGetWidth(src), h = (float)pixGetHeight(src);
    double aligned, shifted;

    assert_non_null(ptas);
    assert_non_null(ptad);
    ptaAddPt(ptas, 0, 0);
    ptaAddPt(ptas, w, 0);
    ptaAddPt(ptas, w, h);
    ptaAddPt(ptas, 0, h);
    for (int i = 0; i < 4; i++)
        ptaAddPt(ptad, c->x[i], c->y[i]);
    s.pix = pixProjectivePtaColor(src, ptad, ptas, c->desk);
    ptaDestroy(&ptas);
    ptaDestroy(&ptad);
    assert_non_null(s.pix);
    s.page = prepare(s.pix, c->res, NULL);
    assert_non_null(s.page);
    assert_int_equal(s.page->flattened, 1);
    assert_int_equal(s.page->sheet_cut, c->cut);
    /* an upright letter page at the working resolution */
    print_message("flattened to %d x %d\n", pixGetWidth(s.page->gray),
                  pixGetHeight(s.page->gray));
    assert_true(abs(pixGetWidth(s.page->gray) - 2550) <= 10);
    assert_true(abs(pixGetHeight(s.page->gray) - 3300) <= 13);
    if (c->cut)
        return; /* stretched to the rule: registration scales it back */
    /* its form where the flat scan has it: thin rules and labels only
     * match within a few pixels (a 12-pixel shift loses most of them) */
    s.page2 = prepare(src, 300, NULL);
    assert_non_null(s.page2);
    assert_int_equal(s.page2->flattened, 0);
    aligned = ink_overlap(s.page2->ink, s.page->ink);
    s.pix2 = pixTranslate(NULL, s.page->ink, 12, 12, L_BRING_IN_WHITE);
    assert_non_null(s.pix2);
    shifted = ink_overlap(s.page2->ink, s.pix2);
    print_message("ink overlap: %.2f aligned, %.2f shifted\n", aligned,
                  shifted);
    assert_true(aligned > 0.8);
    assert_true(shifted < aligned - 0.2);
}

/* ---- Fax ------------------------------------------------------------ */

/* The committed fax (204 x 98 dpi, dithered). A thin rule of the form
 * (reference y 1699.5) runs through this strip of the working page; the
 * patient's name is printed across source row FAX_NAME_ROW. */
#define FAX_RULE_X 200
#define FAX_RULE_Y 1688
#define FAX_RULE_W 1200
#define FAX_RULE_H 24
#define FAX_NAME_ROW 191

/* Prepares the fax sample, with source row blank_row (when >= 0) made
 * white, as a scan line lost in transmission. */
static ocr_page *
prepare_fax(int blank_row)
{
    intake_page in;
    ocr_page *page = NULL;
    cs_error err = CS_ERROR_INIT;

    if (ts_scan_page1(&in, SAMPLES "claim0001_fax.tif") != 0)
        return NULL;
    if (blank_row >= 0)
        (void)pixRasterop(in.pix, 0, blank_row, pixGetWidth(in.pix), 1, PIX_CLR,
                          NULL, 0, 0);
    if (ocr_page_prepare(&page, &in, NULL, &err) != CS_OK)
        print_error("ocr_page_prepare: %s\n", err.message);
    intake_page_clear(&in);
    return page;
}

/* The fax's thin rules, broken into dots by the dither, are whole lines
 * in the ink image that registration measures (they were lost there when
 * thresholded like data). */
static void
test_fax_thin_rules_in_ink(void **state)
{
    BOX *b = boxCreate(FAX_RULE_X, FAX_RULE_Y, FAX_RULE_W, FAX_RULE_H);
    NUMA *cols = NULL;
    int covered = 0;

    (void)state;
    s.page = prepare_fax(-1);
    assert_non_null(s.page);
    assert_non_null(b);
    s.pix = pixClipRectangle(s.page->ink, b, NULL);
    boxDestroy(&b);
    assert_non_null(s.pix);
    cols = pixCountPixelsByColumn(s.pix);
    assert_non_null(cols);
    for (int i = 0; i < numaGetCount(cols); i++) {
        l_int32 v = 0;
        (void)numaGetIValue(cols, i, &v);
        covered += v > 0;
    }
    numaDestroy(&cols);
    print_message("rule strip: %d of %d columns inked\n", covered, FAX_RULE_W);
    assert_true(covered * 10 >= FAX_RULE_W * 9);
}

/* A scan line the fax lost across the text is restored from the rows
 * around it: the data ink where it ran stays near that of the intact
 * page (about half of it was left before). */
static void
test_fax_dropped_line_repaired(void **state)
{
    int y = (int)(FAX_NAME_ROW * 300.0 / 98.0), w;
    l_int32 intact, dropped;

    (void)state;
    s.page = prepare_fax(-1);
    assert_non_null(s.page);
    w = pixGetWidth(s.page->data);
    intact = count_in_rect(s.page->data, 0, y - 6, w, 12);
    ocr_page_free(s.page);
    s.page = prepare_fax(FAX_NAME_ROW);
    assert_non_null(s.page);
    dropped = count_in_rect(s.page->data, 0, y - 6, w, 12);
    print_message("data ink across the lost line: %d of %d\n", dropped, intact);
    assert_true(intact > 1000);
    assert_true(dropped * 4 >= intact * 3);
}

/* Number of pix's 8-connected components. */
static int
component_count(PIX *pix)
{
    BOXA *boxa = pixConnCompBB(pix, 8);
    int n = boxa != NULL ? boxaGetCount(boxa) : -1;

    boxaDestroy(&boxa);
    return n;
}

/* A fax printed in a thin font (Courier): at the data threshold its
 * characters break into specks; the lighter reading joins them (fewer
 * components, more ink), taking only light pixels joined to dark ink, not
 * every light one. A black-and-white page at full resolution (no levels
 * to go lighter in) is left as it is. */
static void
test_fax_thin_font_lightened(void **state)
{
    intake_page in;
    cs_error err = CS_ERROR_INIT;
    PIX *light = NULL;
    int before, after, changed = -1;
    l_int32 ink_before, ink_after, ink_light, same = 0;

    (void)state;
    assert_int_equal(ts_scan_page1(&in, FIXTURES "courier0002_fax.tif"), 0);
    assert_int_equal(ocr_page_prepare(&s.page, &in, NULL, &err), CS_OK);
    intake_page_clear(&in);
    before = component_count(s.page->data);
    (void)pixCountPixels(s.page->data, &ink_before, NULL);
    assert_int_equal(ocr_page_lighten(s.page, &changed, &err), CS_OK);
    assert_int_equal(changed, 1);
    after = component_count(s.page->data);
    (void)pixCountPixels(s.page->data, &ink_after, NULL);
    light = pixThresholdToBinary(s.page->gray, 200);
    assert_non_null(light);
    (void)pixCountPixels(light, &ink_light, NULL);
    pixDestroy(&light);
    print_message("components %d -> %d; ink %d -> %d (light level: %d)\n",
                  before, after, ink_before, ink_after, ink_light);
    assert_true(after * 4 < before * 3);
    assert_true(ink_after > ink_before);
    assert_true(ink_after < ink_light);
    ocr_page_free(s.page);

    assert_int_equal(load_sample(&s.pix, "claim0001_bw300.tif"), 0);
    s.page = prepare(s.pix, 300, NULL);
    assert_non_null(s.page);
    pixDestroy(&s.pix);
    s.pix = pixCopy(NULL, s.page->data);
    changed = -1;
    assert_int_equal(ocr_page_lighten(s.page, &changed, &err), CS_OK);
    assert_int_equal(changed, 0);
    (void)pixEqual(s.pix, s.page->data, &same);
    assert_true(same);
    assert_int_equal(ocr_page_lighten(NULL, &changed, &err), CS_EINVAL);
}

/* A gray scan has a lighter reading too (a thin pen's strokes): more ink
 * than at the data threshold, but only what is joined to ink that dark,
 * not every pixel up to the lighter level (the form's mid-gray lines and
 * labels stay out, but for rules, taken out again). */
static void
test_gray_lightened(void **state)
{
    cs_error err = CS_ERROR_INIT;
    PIX *light = NULL;
    int changed = -1;
    l_int32 ink_before, ink_after, ink_light;

    (void)state;
    assert_int_equal(load_sample(&s.pix, "claim0001_gray300.png"), 0);
    s.page = prepare(s.pix, 300, NULL);
    assert_non_null(s.page);
    assert_int_equal(s.page->kind, OCR_SCAN_GRAY);
    (void)pixCountPixels(s.page->data, &ink_before, NULL);
    assert_int_equal(ocr_page_lighten(s.page, &changed, &err), CS_OK);
    assert_int_equal(changed, 1);
    (void)pixCountPixels(s.page->data, &ink_after, NULL);
    light = pixThresholdToBinary(s.page->gray, 150);
    assert_non_null(light);
    (void)pixCountPixels(light, &ink_light, NULL);
    pixDestroy(&light);
    print_message("ink %d -> %d (light level: %d)\n", ink_before, ink_after,
                  ink_light);
    assert_true(ink_after > ink_before);
    assert_true(2 * ink_after < ink_light);
}

/* ---- Arguments and erasing ----------------------------------------- */

static void
test_prepare_bad_arguments(void **state)
{
    intake_page in = {fx.pix[SRC_BW], 1, 300, 300, 0};
    ocr_page *page = (ocr_page *)&in;
    cs_error err = CS_ERROR_INIT;

    (void)state;
    assert_int_equal(ocr_page_prepare(NULL, &in, NULL, &err), CS_EINVAL);
    assert_int_equal(ocr_page_prepare(&page, NULL, NULL, &err), CS_EINVAL);
    in.xres = 0;
    assert_int_equal(ocr_page_prepare(&page, &in, NULL, &err), CS_EINVAL);
    assert_int_equal(err.code, CS_EINVAL);
    in.xres = 300;
    in.pix = NULL;
    assert_int_equal(ocr_page_prepare(&page, &in, NULL, &err), CS_EINVAL);
    ocr_page_free(NULL);
}

static void
test_erase(void **state)
{
    cs_error err = CS_ERROR_INIT;
    l_int32 before, after;
    BOX *top;

    (void)state;
    s.page = prepare(fx.pix[SRC_COLOR], 300, NULL);
    assert_non_null(s.page);
    before = count_on(s.page->data);
    assert_true(before > 0);
    s.pix2 = pixCreate(10, 10, 1);
    assert_int_equal(ocr_page_erase(s.page, s.pix2, NULL, &err), CS_EINVAL);
    assert_int_equal(count_on(s.page->data), before);
    assert_int_equal(ocr_page_erase(s.page, NULL, NULL, &err), CS_EINVAL);
    assert_null(s.page->erased);
    /* Erasing the top half leaves only the bottom half's ink. */
    s.pix = pixCreateTemplate(s.page->data);
    assert_non_null(s.pix);
    top = boxCreate(0, 0, pixGetWidth(s.pix), pixGetHeight(s.pix) / 2);
    (void)pixSetInRect(s.pix, top);
    boxDestroy(&top);
    assert_int_equal(ocr_page_erase(s.page, s.pix, NULL, &err), CS_OK);
    after = count_on(s.page->data);
    assert_int_equal(count_in_rect(s.page->data, 0, 0, pixGetWidth(s.pix),
                                   pixGetHeight(s.pix) / 2),
                     0);
    assert_true(after > 0 && after < before);
    /* what was taken out is kept (a character cut by a divider can be
     * mended from it), and nothing else */
    assert_non_null(s.page->erased);
    assert_true(count_on(s.page->erased) >= before - after);
    assert_int_equal(count_in_rect(s.page->erased, 0, pixGetHeight(s.pix) / 2,
                                   pixGetWidth(s.pix), pixGetHeight(s.pix)),
                     0);
}

/* On a gray page what is as dark as data survives erasing (a character's
 * stroke lying on a divider of the form); elsewhere nothing does. */
static void
test_erase_gray_keeps_data(void **state)
{
    cs_error err = CS_ERROR_INIT;
    l_int32 before, after;

    (void)state;
    s.page = prepare(fx.pix[SRC_GRAY], 300, NULL);
    assert_non_null(s.page);
    assert_int_equal(s.page->kind, OCR_SCAN_GRAY);
    before = count_on(s.page->data);
    /* the data pixels darker than any form ink */
    s.pix2 = pixThresholdToBinary(s.page->gray, 60);
    assert_non_null(s.pix2);
    (void)pixAnd(s.pix2, s.pix2, s.page->data);
    s.pix = pixCreateTemplate(s.page->data);
    assert_non_null(s.pix);
    pixSetAll(s.pix);
    assert_int_equal(ocr_page_erase(s.page, s.pix, NULL, &err), CS_OK);
    after = count_on(s.page->data);
    print_message("gray page: %d of %d data pixels kept\n", after, before);
    assert_true(after > 0 && after < before);
    assert_int_equal(after, count_on(s.pix2));
    ocr_page_free(s.page);
    s.page = prepare(fx.pix[SRC_BW], 300, NULL);
    assert_non_null(s.page);
    assert_int_equal(ocr_page_erase(s.page, s.pix, NULL, &err), CS_OK);
    assert_int_equal(count_on(s.page->data), 0);
}

/* Erasing a thin band (a divider of the form) through a character keeps
 * the character's pixels beside the rest of it; ink that loses all of
 * itself (a label) stays erased. */
static void
test_erase_keeps_stroke_on_divider(void **state)
{
    static const ocr_rect ink[] = {
        {1000, 1000, 24, 44}, /* a glyph */
        {2000, 2000, 12, 12}, /* a label */
    };
    static const ocr_rect mask[] = {
        {996, 900, 8, 300},    /* a divider through the glyph */
        {1950, 1950, 100, 100} /* around the label */
    };
    cs_error err = CS_ERROR_INIT;

    (void)state;
    s.pix2 = page_of_rects(ink, TS_COUNT(ink));
    s.page = prepare(s.pix2, 300, NULL);
    assert_non_null(s.page);
    assert_int_equal(count_on(s.page->data), 24 * 44 + 12 * 12);
    s.pix = pixCreateTemplate(s.page->data);
    assert_non_null(s.pix);
    set_rects(s.pix, mask, TS_COUNT(mask));
    assert_int_equal(ocr_page_erase(s.page, s.pix, NULL, &err), CS_OK);
    /* the glyph's 4 columns in the band are within 4 pixels of the rest */
    assert_int_equal(count_in_rect(s.page->data, 1000, 1000, 24, 44), 24 * 44);
    assert_int_equal(count_in_rect(s.page->data, 1950, 1950, 100, 100), 0);
}

/* A thick label wholly inside the mask (a parenthesis, a divider) and a
 * thin one are erased; a character whose bottom lies in the mask (printed
 * down onto a label strip) keeps all of its thick strokes, not only those
 * beside what lay outside the mask. */
static void
test_erase_keeps_character_on_label(void **state)
{
    static const ocr_rect ink[] = {
        {1000, 1000, 30, 44}, /* a glyph */
        {990, 1050, 60, 2},   /* a thin label */
        {1060, 1030, 6, 6},   /* a thick one (a parenthesis) */
    };
    static const ocr_rect strip[] = {{950, 1025, 150, 36}};
    cs_error err = CS_ERROR_INIT;

    (void)state;
    s.pix2 = page_of_rects(ink, TS_COUNT(ink));
    s.page = prepare(s.pix2, 300, NULL);
    assert_non_null(s.page);
    assert_int_equal(count_on(s.page->data), 30 * 44 + 60 * 2 + 6 * 6);
    s.pix = pixCreateTemplate(s.page->data);
    assert_non_null(s.pix);
    set_rects(s.pix, strip, TS_COUNT(strip));
    assert_int_equal(ocr_page_erase(s.page, s.pix, NULL, &err), CS_OK);
    assert_int_equal(count_in_rect(s.page->data, 1000, 1000, 30, 44), 30 * 44);
    assert_int_equal(count_on(s.page->data), 30 * 44);
}

/* A character's side lying along a divider the form draws thinner than
 * print (a 0 typed onto a dotted divider) is kept whole where the caller
 * says the form is thin, however far into the mask it lies; where the form
 * is as thick as print, only beside what lies outside the mask. Thick ink
 * wholly inside the thin part (joined to nothing outside) is still erased. */
static void
test_erase_keeps_side_on_thin_divider(void **state)
{
    static const ocr_rect ink[] = {
        {1000, 1000, 5, 44}, /* a 0's left side */
        {1020, 1000, 5, 44}, /* its right side */
        {1000, 1000, 25, 5}, /* its top */
        {1000, 1039, 25, 5}, /* its bottom */
        {1500, 1000, 6, 30}, /* a thick mark alone on the divider */
    };
    static const ocr_rect divider[] = {
        {990, 900, 18, 300},  /* along the 0's left side, 8 pixels deep */
        {1495, 900, 16, 300}, /* over the mark */
    };
    static const l_int32 glyph = 2 * 5 * 44 + 2 * 15 * 5;
    cs_error err = CS_ERROR_INIT;

    (void)state;
    s.pix2 = page_of_rects(ink, TS_COUNT(ink));
    s.page = prepare(s.pix2, 300, NULL);
    assert_non_null(s.page);
    assert_int_equal(s.page->kind, OCR_SCAN_BW);
    assert_int_equal(count_on(s.page->data), glyph + 6 * 30);
    s.pix = pixCreateTemplate(s.page->data);
    assert_non_null(s.pix);
    set_rects(s.pix, divider, TS_COUNT(divider));
    /* the form thick there: the side's far columns go */
    assert_int_equal(ocr_page_erase(s.page, s.pix, NULL, &err), CS_OK);
    assert_true(count_in_rect(s.page->data, 1000, 1000, 25, 44) < glyph);
    assert_int_equal(count_in_rect(s.page->data, 1000, 1010, 2, 24), 0);
    ocr_page_free(s.page);
    /* the form thin there: the whole 0 stays, the lone mark goes */
    s.page = prepare(s.pix2, 300, NULL);
    assert_non_null(s.page);
    assert_int_equal(ocr_page_erase(s.page, s.pix, s.pix, &err), CS_OK);
    assert_int_equal(count_in_rect(s.page->data, 1000, 1000, 25, 44), glyph);
    assert_int_equal(count_on(s.page->data), glyph);
    /* a thin part that does not fit the page */
    pixDestroy(&s.pix2);
    s.pix2 = pixCreate(10, 10, 1);
    assert_int_equal(ocr_page_erase(s.page, s.pix, s.pix2, &err), CS_EINVAL);
}

/* ---- Rules ---------------------------------------------------------- */

/*
 * A character's bar printed on a thin rule (the bottom bar of an E on its
 * box's rule) is given back when the rule is removed, and so is a stroke
 * along a vertical divider (a 1 on the cents cell's rule); the rules
 * themselves go, and so does a bump of the rule too short to be a bar.
 */
static void
test_rules_keep_data_on_them(void **state)
{
    static const ocr_rect ink[] = {
        {200, 1500, 2000, 2}, /* horizontal rule, 2 thick */
        {1000, 1460, 5, 40},  /* the E's stem, down to the rule */
        {1000, 1499, 24, 4},  /* its bottom bar, over the rule */
        {1500, 1499, 4, 4},   /* a bump on the rule */
        {1800, 1000, 2, 300}, /* vertical divider, 2 thick */
        {1798, 1100, 5, 44},  /* a 1's stem along it */
    };

    (void)state;
    s.pix2 = page_of_rects(ink, TS_COUNT(ink));
    s.page = prepare(s.pix2, 300, NULL);
    assert_non_null(s.page);
    assert_int_equal(s.page->kind, OCR_SCAN_BW);
    /* the bar right of the stem, all 4 rows */
    assert_int_equal(count_in_rect(s.page->data, 1008, 1499, 16, 4), 16 * 4);
    /* the 1's stem, whole */
    assert_int_equal(count_in_rect(s.page->data, 1798, 1100, 5, 44), 5 * 44);
    /* the rules and the bump are gone */
    assert_int_equal(count_in_rect(s.page->data, 200, 1495, 700, 10), 0);
    assert_int_equal(count_in_rect(s.page->data, 1100, 1495, 1100, 10), 0);
    assert_int_equal(count_in_rect(s.page->data, 1795, 1000, 10, 90), 0);
    assert_int_equal(count_in_rect(s.page->data, 1795, 1150, 10, 150), 0);
}

/* ---- Openings by lines ---------------------------------------------- */

struct runs_case {
    const char *name;
    int len;
    int vertical;
};

static const struct runs_case runs_cases[] = {
    {"open_runs_h1", 1, 0},         {"open_runs_h2", 2, 0},
    {"open_runs_v3", 3, 1},         {"open_runs_h64", 64, 0},
    {"open_runs_h75", 75, 0},       {"open_runs_v71", 71, 1},
    {"open_runs_h212", 212, 0},     {"open_runs_v275", 275, 1},
    {"open_runs_h637", 637, 0},     {"open_runs_v1201", 1201, 1},
    {"open_runs_h_wider", 4000, 0},
};

/* ocr_thick_ink(t) keeps ink in a run of t both across and along: a
 * stroke t wide whole, a thinner one not at all, in either direction. */
static void
test_thick_ink(void **state)
{
    static const ocr_rect ink[] = {
        {100, 100, 3, 40}, /* a thin divider's dash, 3 wide */
        {200, 100, 40, 3}, /* a thin bar, 3 high */
        {300, 100, 4, 40}, /* a stroke 4 wide */
        {400, 100, 40, 4}, /* a bar 4 high */
    };

    (void)state;
    s.pix2 = page_of_rects(ink, TS_COUNT(ink));
    assert_non_null(s.pix2);
    s.pix = ocr_thick_ink(s.pix2, 4);
    assert_non_null(s.pix);
    assert_int_equal(count_on(s.pix), 2 * 4 * 40);
    assert_int_equal(count_in_rect(s.pix, 300, 100, 4, 40), 4 * 40);
    assert_int_equal(count_in_rect(s.pix, 400, 100, 40, 4), 4 * 40);
    pixDestroy(&s.pix);
    s.pix = ocr_thick_ink(s.pix2, 3);
    assert_non_null(s.pix);
    assert_int_equal(count_on(s.pix), 2 * 3 * 40 + 2 * 4 * 40);
}

/* ocr_runs_open keeps the same pixels as Leptonica's plain opening by a
 * line, on a black-and-white scan (rules, data, labels, its edges) and on
 * a page of noise, whose runs of every length end anywhere. */
static void
test_runs_case(void **state)
{
    const struct runs_case *c = *state;
    PIX *want, *got;
    l_int32 same = 0, n = 0;

    s.pix = pixConvertTo1(fx.pix[SRC_BW], 128);
    assert_non_null(s.pix);
    for (int round = 0; round < 2; round++) {
        if (round == 1) {
            /* Noise: about 80% of the pixels set, in runs of all
             * lengths. */
            PIX *g = pixCreate(701, 503, 8);
            assert_non_null(g);
            for (int y = 0; y < 503; y++)
                for (int x = 0; x < 701; x++)
                    (void)pixSetPixel(g, x, y,
                                      (l_uint32)((x * 7919 + y * 104729) % 97));
            pixDestroy(&s.pix);
            s.pix = pixThresholdToBinary(g, 80);
            pixDestroy(&g);
            assert_non_null(s.pix);
        }
        want = c->vertical ? pixOpenBrick(NULL, s.pix, 1, c->len)
                           : pixOpenBrick(NULL, s.pix, c->len, 1);
        got = ocr_runs_open(s.pix, c->len, c->vertical);
        assert_non_null(want);
        assert_non_null(got);
        assert_int_equal(pixEqual(want, got, &same), 0);
        (void)pixCountPixels(got, &n, NULL);
        pixDestroy(&want);
        pixDestroy(&got);
        assert_true(same);
        if (c->len >= 4000)
            assert_int_equal(n, 0); /* longer than the page is wide */
    }
    assert_null(ocr_runs_open(fx.pix[SRC_COLOR], 10, 0)); /* not 1 bpp */
}

/* ---- The engine ----------------------------------------------------- */

/* Box 2 (patient's name): grid line 10, columns 1-28, with a margin for
 * the printer's offset. */
#define NAME_X 75
#define NAME_Y 530
#define NAME_W 880
#define NAME_H 90

/* The color fixture, prepared, as the engine's page (s.page), and room
 * for a reading (s.text). */
static void
engine_on_color_page(void)
{
    cs_error err = CS_ERROR_INIT;

    s.page = prepare(fx.pix[SRC_COLOR], 300, NULL);
    s.text = calloc(1, sizeof(*s.text));
    assert_non_null(s.page);
    assert_non_null(s.text);
    assert_int_equal(ocr_engine_set_page(fx.eng, s.page->data, &err), CS_OK);
}

static void
test_engine_reads_name(void **state)
{
    ocr_rect r = {NAME_X, NAME_Y, NAME_W, NAME_H};
    cs_error err = CS_ERROR_INIT;
    size_t chars = 0;

    (void)state;
    engine_on_color_page();
    assert_int_equal(
        ocr_engine_read(s.text, fx.eng, r, OCR_LAYOUT_LINE, NULL, &err), CS_OK);
    print_message("read \"%s\" (%zu symbols, mean %.1f)\n", s.text->text,
                  s.text->nsymbols, s.text->mean_confidence);
    assert_string_equal(s.text->text, fx.patient_name);
    /* One symbol per character; blanks are no symbols. */
    for (const char *p = fx.patient_name; *p != '\0'; p++)
        chars += *p != ' ';
    assert_int_equal(s.text->nsymbols, chars);
    assert_true(s.text->mean_confidence > 80.0f);
    assert_true(s.text->min_confidence <= s.text->mean_confidence);
    for (size_t i = 0; i < s.text->nsymbols; i++) {
        const ocr_rect *b = &s.text->symbols[i].box;
        /* Symbol boxes are page pixels inside the rectangle read. */
        assert_true(b->x >= r.x && b->x + b->w <= r.x + r.w);
        assert_true(b->y >= r.y && b->y + b->h <= r.y + r.h);
    }
    assert_int_equal(s.text->symbols[0].word_start, 1);
}

/* With choices on, every symbol carries the characters the recognizer
 * considered, best first, inside the whitelist, its own among them; the
 * reading itself is the same. Off again, symbols carry none. */
static void
test_engine_choices(void **state)
{
    static const char letters[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ ,-'";
    ocr_rect r = {NAME_X, NAME_Y, NAME_W, NAME_H};
    cs_error err = CS_ERROR_INIT;
    size_t own = 0;

    (void)state;
    engine_on_color_page();
    assert_int_equal(ocr_engine_set_choices(fx.eng, 1, &err), CS_OK);
    assert_int_equal(
        ocr_engine_read(s.text, fx.eng, r, OCR_LAYOUT_LINE, letters, &err),
        CS_OK);
    assert_string_equal(s.text->text, fx.patient_name);
    for (size_t i = 0; i < s.text->nsymbols; i++) {
        const ocr_symbol *sym = &s.text->symbols[i];
        assert_true(sym->nchoices >= 1 && sym->nchoices <= OCR_MAX_CHOICES);
        for (size_t k = 0; k < sym->nchoices; k++) {
            const ocr_choice *c = &sym->choices[k];
            assert_int_equal(strlen(c->utf8), 1);
            assert_non_null(strchr(letters, c->utf8[0]));
            assert_true(c->confidence >= 0.0f && c->confidence <= 100.0f);
            if (k > 0)
                assert_true(c->confidence <= sym->choices[k - 1].confidence);
            own += strcmp(c->utf8, sym->utf8) == 0;
        }
    }
    /* Clean print: the character read is the recognizer's own choice. */
    assert_int_equal(own, s.text->nsymbols);
    assert_int_equal(ocr_engine_set_choices(fx.eng, 0, &err), CS_OK);
    assert_int_equal(
        ocr_engine_read(s.text, fx.eng, r, OCR_LAYOUT_LINE, letters, &err),
        CS_OK);
    assert_string_equal(s.text->text, fx.patient_name);
    for (size_t i = 0; i < s.text->nsymbols; i++)
        assert_int_equal(s.text->symbols[i].nchoices, 0);
    assert_int_equal(ocr_engine_set_choices(NULL, 1, &err), CS_EINVAL);
}

/* The English model's word list: a word in capitals or lower case is
 * one; a misread (CENIER), a code, nothing are none. */
static void
test_engine_is_word(void **state)
{
    (void)state;
    assert_true(ocr_engine_is_word(fx.eng, "CENTER"));
    assert_true(ocr_engine_is_word(fx.eng, "hickory"));
    assert_false(ocr_engine_is_word(fx.eng, "CENIER"));
    assert_false(ocr_engine_is_word(fx.eng, "HTCKORY"));
    assert_false(ocr_engine_is_word(fx.eng, "X7Q2"));
    assert_false(ocr_engine_is_word(fx.eng, ""));
    assert_false(ocr_engine_is_word(NULL, "CENTER"));
}

/* A whitelist of digits gives digits only, for that read only. */
static void
test_engine_whitelist_and_blank(void **state)
{
    ocr_rect name = {NAME_X, NAME_Y, NAME_W, NAME_H};
    cs_error err = CS_ERROR_INIT;

    (void)state;
    engine_on_color_page();
    assert_int_equal(ocr_engine_read(s.text, fx.eng, name, OCR_LAYOUT_LINE,
                                     "0123456789", &err),
                     CS_OK);
    for (const char *p = s.text->text; *p != '\0'; p++)
        assert_true((*p >= '0' && *p <= '9') || *p == ' ');
    /* The whitelist is per read: the next read without one gets letters. */
    assert_int_equal(
        ocr_engine_read(s.text, fx.eng, name, OCR_LAYOUT_LINE, NULL, &err),
        CS_OK);
    assert_string_equal(s.text->text, fx.patient_name);
    /* An empty rectangle reads as nothing, without Tesseract. */
    name.w = 0;
    assert_int_equal(
        ocr_engine_read(s.text, fx.eng, name, OCR_LAYOUT_WORD, NULL, &err),
        CS_OK);
    assert_int_equal(s.text->nsymbols, 0);
}

/* A rectangle reaching past the page's edges reads what lies inside
 * the page: Tesseract itself would read the memory beyond the image, and
 * the reading would change with whatever ran before. One wholly outside
 * reads as nothing. */
static void
test_engine_rect_past_edges(void **state)
{
    ocr_rect r = {NAME_X - 20, NAME_Y - 12, NAME_W + 20, NAME_H + 12};
    cs_error err = CS_ERROR_INIT;
    BOX *box;
    int w, h;

    (void)state;
    s.page = prepare(fx.pix[SRC_COLOR], 300, NULL);
    s.text = calloc(1, sizeof(*s.text));
    assert_non_null(s.page);
    assert_non_null(s.text);
    /* The name field alone, its text touching the right and bottom
     * edges' margins. */
    box = boxCreate(r.x, r.y, r.w, r.h);
    s.pix = pixClipRectangle(s.page->data, box, NULL);
    boxDestroy(&box);
    assert_non_null(s.pix);
    w = (int)pixGetWidth(s.pix);
    h = (int)pixGetHeight(s.pix);
    assert_int_equal(ocr_engine_set_page(fx.eng, s.pix, &err), CS_OK);
    r = (ocr_rect){-40, -30, w + 120, h + 90};
    assert_int_equal(
        ocr_engine_read(s.text, fx.eng, r, OCR_LAYOUT_LINE, NULL, &err), CS_OK);
    assert_string_equal(s.text->text, fx.patient_name);
    for (size_t i = 0; i < s.text->nsymbols; i++) {
        const ocr_rect *b = &s.text->symbols[i].box;
        assert_true(b->x >= 0 && b->x + b->w <= w);
        assert_true(b->y >= 0 && b->y + b->h <= h);
    }
    r = (ocr_rect){w + 10, 0, 200, h};
    assert_int_equal(
        ocr_engine_read(s.text, fx.eng, r, OCR_LAYOUT_LINE, NULL, &err), CS_OK);
    assert_int_equal(s.text->nsymbols, 0);
    r = (ocr_rect){0, -h - 50, w, h};
    assert_int_equal(
        ocr_engine_read(s.text, fx.eng, r, OCR_LAYOUT_LINE, NULL, &err), CS_OK);
    assert_int_equal(s.text->nsymbols, 0);
}

struct blank_case {
    const char *name;
    ocr_layout layout;
    const char *whitelist;
};

static const struct blank_case blank_cases[] = {
    {"engine_blank_line_any", OCR_LAYOUT_LINE, NULL},
    {"engine_blank_word_any", OCR_LAYOUT_WORD, NULL},
    {"engine_blank_char_any", OCR_LAYOUT_CHAR, NULL},
    {"engine_blank_line_letters", OCR_LAYOUT_LINE,
     "ABCDEFGHIJKLMNOPQRSTUVWXYZ "},
    {"engine_blank_line_digits", OCR_LAYOUT_LINE, "0123456789 "},
};

/* A rectangle without ink reads as nothing, whatever the layout or the
 * characters allowed: an invented reading would be a silent error. */
static void
test_blank_case(void **state)
{
    const struct blank_case *c = *state;
    ocr_rect name = {NAME_X, NAME_Y, NAME_W, NAME_H};
    cs_error err = CS_ERROR_INIT;

    s.pix = pixCreate(2550, 3300, 1);
    s.text = calloc(1, sizeof(*s.text));
    assert_non_null(s.pix);
    assert_non_null(s.text);
    assert_int_equal(ocr_engine_set_page(fx.eng, s.pix, &err), CS_OK);
    assert_int_equal(
        ocr_engine_read(s.text, fx.eng, name, c->layout, c->whitelist, &err),
        CS_OK);
    if (s.text->nsymbols > 0)
        print_error("blank rectangle read as \"%s\" (mean confidence "
                    "%.1f)\n",
                    s.text->text, s.text->mean_confidence);
    assert_string_equal(s.text->text, "");
    assert_int_equal(s.text->nsymbols, 0);
    assert_true(s.text->mean_confidence == 0.0f);
}

static void
test_engine_without_page(void **state)
{
    ocr_rect r = {0, 0, 10, 10};
    cs_error err = CS_ERROR_INIT;

    (void)state;
    s.text = calloc(1, sizeof(*s.text));
    assert_non_null(s.text);
    assert_int_equal(ocr_engine_set_page(fx.eng, NULL, &err), CS_OK);
    assert_int_equal(
        ocr_engine_read(s.text, fx.eng, r, OCR_LAYOUT_LINE, NULL, &err),
        CS_EINVAL);
    assert_int_equal(ocr_engine_set_page(NULL, NULL, &err), CS_EINVAL);
    assert_int_equal(ocr_engine_new(NULL, NULL, &err), CS_EINVAL);
    ocr_engine_free(NULL);
}

#define N_TESTS                                                                \
    (TS_COUNT(skew_cases) + TS_COUNT(kind_cases) + TS_COUNT(data_cases) +      \
     TS_COUNT(scale_cases) + TS_COUNT(blank_cases) + TS_COUNT(photo_cases) +   \
     TS_COUNT(runs_cases) + 24)

/* main()'s tests: one per row of a case table, or one by name. */
#define ADD_ROWS(table, func) TS_ADD_ROWS(tests, n, table, func, scratch_free)
#define ADD_TEST(test_name, func)                                              \
    TS_ADD_TEST(tests, n, test_name, func, scratch_free)

int
main(void)
{
    static struct CMUnitTest tests[N_TESTS];
    size_t n = 0;

    ADD_ROWS(skew_cases, test_skew_case);
    ADD_TEST("skew_straight_not_rotated", test_skew_straight_not_rotated);
    ADD_TEST("skew_low_confidence_not_rotated",
             test_skew_low_confidence_not_rotated);
    ADD_TEST("skew_sideways", test_skew_sideways);
    ADD_TEST("turn", test_turn);
    ADD_ROWS(kind_cases, test_kind_case);
    ADD_TEST("color_drops_red_form", test_color_drops_red_form);
    ADD_TEST("bw_keeps_labels", test_bw_keeps_labels);
    ADD_ROWS(data_cases, test_data_case);
    ADD_ROWS(scale_cases, test_scale_case);
    ADD_ROWS(photo_cases, test_photo_case);
    ADD_TEST("fax_thin_rules_in_ink", test_fax_thin_rules_in_ink);
    ADD_TEST("fax_dropped_line_repaired", test_fax_dropped_line_repaired);
    ADD_TEST("fax_thin_font_lightened", test_fax_thin_font_lightened);
    ADD_TEST("gray_lightened", test_gray_lightened);
    ADD_TEST("prepare_bad_arguments", test_prepare_bad_arguments);
    ADD_TEST("erase", test_erase);
    ADD_TEST("erase_gray_keeps_data", test_erase_gray_keeps_data);
    ADD_TEST("erase_keeps_stroke_on_divider",
             test_erase_keeps_stroke_on_divider);
    ADD_TEST("erase_keeps_character_on_label",
             test_erase_keeps_character_on_label);
    ADD_TEST("erase_keeps_side_on_thin_divider",
             test_erase_keeps_side_on_thin_divider);
    ADD_TEST("rules_keep_data_on_them", test_rules_keep_data_on_them);
    ADD_ROWS(runs_cases, test_runs_case);
    ADD_TEST("thick_ink", test_thick_ink);
    ADD_TEST("engine_reads_name", test_engine_reads_name);
    ADD_TEST("engine_choices", test_engine_choices);
    ADD_TEST("engine_is_word", test_engine_is_word);
    ADD_TEST("engine_whitelist_and_blank", test_engine_whitelist_and_blank);
    ADD_TEST("engine_rect_past_edges", test_engine_rect_past_edges);
    ADD_ROWS(blank_cases, test_blank_case);
    ADD_TEST("engine_without_page", test_engine_without_page);
    if (n != N_TESTS)
        return 1; /* the table of tests is out of step with N_TESTS */
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
