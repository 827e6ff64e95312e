/*
 * test_register.c: extract_register on committed sample pages moved and
 * scaled with Leptonica by known amounts. The transform found on a moved
 * page must equal the one found on the untouched page composed with the
 * known move. Samples and the template are loaded once (group fixture).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <leptonica/allheaders.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "extract/extract.h"
#include "intake/intake.h"
#include "ocr/ocr.h"
#include "support/support.h"

#define SAMPLES CS_SOURCE_DIR "/samples/scans/"

typedef enum { SRC_BW = 0, SRC_COLOR, SRC_DROPOUT, NSRC } source;

static const char *const source_files[NSRC] = {"claim0001_bw300.tif",
                                               "claim0001_color300.png",
                                               "claim0001_dropout300.tif"};

static struct {
    extract_template *tpl;
    PIX *pix[NSRC];
    extract_registration reg0[NSRC]; /* of the untouched pages */
} fx;

/* Registers pix, a page of 300 dpi; returns the status. */
static cs_status
register_pix(extract_registration *out, PIX *pix, ocr_page **page_out)
{
    intake_page in = {pix, 1, 300, 300, 0};
    ocr_page *page = NULL;
    cs_error err = CS_ERROR_INIT;
    cs_status rc;

    rc = ocr_page_prepare(&page, &in, NULL, &err);
    if (rc == CS_OK)
        rc = extract_register(out, fx.tpl, page, &err);
    if (rc != CS_OK)
        print_error("%s\n", err.message);
    if (page_out != NULL)
        *page_out = page;
    else
        ocr_page_free(page);
    return rc;
}

static int
group_setup(void **state)
{
    cs_error err = CS_ERROR_INIT;

    (void)state;
    (void)setMsgSeverity(L_SEVERITY_NONE);
    if (extract_template_load(&fx.tpl, CS_FORMS_DIR "/cms1500.template",
                              &err) != CS_OK) {
        print_error("%s\n", err.message);
        return -1;
    }
    for (int i = 0; i < NSRC; i++) {
        char path[512];
        intake_page page;
        (void)snprintf(path, sizeof(path), "%s%s", SAMPLES, source_files[i]);
        if (ts_scan_page1(&page, path) != 0)
            return -1;
        fx.pix[i] = page.pix;
        if (page.xres != 300 || page.yres != 300 ||
            register_pix(&fx.reg0[i], fx.pix[i], NULL) != CS_OK ||
            fx.reg0[i].method == EXTRACT_REG_NONE)
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
    extract_template_free(fx.tpl);
    return 0;
}

/* Resources of the running test, freed by scratch_free after it, passed
 * or failed (a failed assertion leaves the test by longjmp). */
static struct scratch {
    PIX *pix, *pix2;
    ocr_page *page, *page2;
} s;

static int
scratch_free(void **state)
{
    (void)state;
    pixDestroy(&s.pix);
    pixDestroy(&s.pix2);
    ocr_page_free(s.page);
    ocr_page_free(s.page2);
    memset(&s, 0, sizeof(s));
    return 0;
}

/* The untouched pages register as expected: by rules where the form's
 * ink is there, by the QR code where it dropped out, near identity (the
 * samples are scanned at the reference's size, with a small offset). */
struct base_case {
    const char *name;
    source src;
    extract_reg_method method;
};

static const struct base_case base_cases[] = {
    {"untouched_bw_by_rules", SRC_BW, EXTRACT_REG_RULES},
    {"untouched_color_by_rules", SRC_COLOR, EXTRACT_REG_RULES},
    {"untouched_dropout_by_qr", SRC_DROPOUT, EXTRACT_REG_QR},
};

static void
test_base_case(void **state)
{
    const struct base_case *c = *state;
    const extract_registration *r = &fx.reg0[c->src];

    print_message("x = %.4f X + %.1f, y = %.4f Y + %.1f; error %.2f, %d "
                  "anchors, score %.2f\n",
                  r->xf.ax, r->xf.bx, r->xf.ay, r->xf.by, r->error, r->anchors,
                  r->score);
    assert_int_equal(r->method, c->method);
    assert_true(fabs(r->xf.ax - 1.0) < 0.02 && fabs(r->xf.ay - 1.0) < 0.02);
    assert_true(fabs(r->xf.bx) < 40 && fabs(r->xf.by) < 40);
    assert_true(r->anchors >= 1);
    assert_true(r->error >= 0.0 && r->error < 3.0);
    assert_true(r->score > 0.0 && r->score <= 1.0);
    if (c->method == EXTRACT_REG_RULES)
        assert_true(r->anchors >= 10); /* most of the form's rules */
}

struct move_case {
    const char *name;
    source src;
    int dx, dy;   /* shift, pixels of the scaled page */
    double scale; /* applied first, about the origin */
    double tol;   /* pixels */
};

static const struct move_case move_cases[] = {
    {"bw_shift_right_up", SRC_BW, 40, -30, 1.00, 3.0},
    {"bw_shift_left_down_shrink", SRC_BW, -60, 45, 0.97, 3.0},
    {"bw_shift_grow", SRC_BW, 20, 20, 1.03, 3.0},
    {"bw_grow_only", SRC_BW, 0, 0, 1.05, 3.0},
    {"color_shift_right_up", SRC_COLOR, 40, -30, 1.00, 3.0},
    {"color_shift_left_down_shrink", SRC_COLOR, -60, 45, 0.97, 3.0},
    {"color_shift_grow", SRC_COLOR, 20, 20, 1.03, 3.0},
    {"dropout_shift_right_up", SRC_DROPOUT, 40, -30, 1.00, 6.0},
    {"dropout_shift_left_down_shrink", SRC_DROPOUT, -60, 45, 0.97, 6.0},
    {"dropout_shift_grow", SRC_DROPOUT, 20, 20, 1.03, 6.0},
};

/* Points of the reference form where the mapping is checked: the brief's
 * middle of the page, and two far corners of the data area (they show a
 * wrong scale). */
static const double ref_points[][2] = {{1300, 1700}, {150, 450}, {2400, 3100}};

static void
test_move_case(void **state)
{
    const struct move_case *c = *state;
    const extract_registration *r0 = &fx.reg0[c->src];
    extract_registration r;

    s.pix = c->scale != 1.0 ? pixScale(fx.pix[c->src], (l_float32)c->scale,
                                       (l_float32)c->scale)
                            : pixCopy(NULL, fx.pix[c->src]);
    assert_non_null(s.pix);
    s.pix2 = pixTranslate(NULL, s.pix, c->dx, c->dy, L_BRING_IN_WHITE);
    assert_non_null(s.pix2);
    assert_int_equal(register_pix(&r, s.pix2, NULL), CS_OK);
    assert_int_not_equal(r.method, EXTRACT_REG_NONE);
    assert_int_equal(r.method, r0->method);
    for (size_t k = 0; k < TS_COUNT(ref_points); k++) {
        double X = ref_points[k][0], Y = ref_points[k][1];
        /* where the untouched page has the point, then moved */
        double ex = c->scale * (r0->xf.ax * X + r0->xf.bx) + c->dx;
        double ey = c->scale * (r0->xf.ay * Y + r0->xf.by) + c->dy;
        double gx = r.xf.ax * X + r.xf.bx, gy = r.xf.ay * Y + r.xf.by;
        double d = hypot(gx - ex, gy - ey);
        /* the brief's point within tol, the corners within twice that */
        double tol = k == 0 ? c->tol : 2.0 * c->tol;
        if (d > tol)
            print_error("(%.0f, %.0f) maps to (%.1f, %.1f), want (%.1f, "
                        "%.1f): %.1f px off\n",
                        X, Y, gx, gy, ex, ey, d);
        assert_true(d <= tol);
    }
}

/* Pages that are not the form do not register. */
static void
test_blank_page_not_registered(void **state)
{
    extract_registration r;

    (void)state;
    s.pix = pixCreate(2550, 3300, 1);
    assert_non_null(s.pix);
    memset(&r, 0x5a, sizeof(r));
    assert_int_equal(register_pix(&r, s.pix, NULL), CS_OK);
    assert_int_equal(r.method, EXTRACT_REG_NONE);
    assert_int_equal(r.anchors, 0);
}

static void
test_white_color_page_not_registered(void **state)
{
    extract_registration r;

    (void)state;
    s.pix = pixCreate(2550, 3300, 32);
    assert_non_null(s.pix);
    pixSetAll(s.pix);
    assert_int_equal(register_pix(&r, s.pix, NULL), CS_OK);
    assert_int_equal(r.method, EXTRACT_REG_NONE);
}

/* Text without the form (the data of the color sample alone, no rules,
 * no QR code) does not register either. */
static void
test_data_only_not_registered(void **state)
{
    intake_page in = {fx.pix[SRC_COLOR], 1, 300, 300, 0};
    extract_registration r;
    cs_error err = CS_ERROR_INIT;
    BOX *qr;

    (void)state;
    assert_int_equal(ocr_page_prepare(&s.page, &in, NULL, &err), CS_OK);
    /* A 1-bpp page holding the color page's data ink, QR code removed. */
    s.pix = pixCopy(NULL, s.page->data);
    assert_non_null(s.pix);
    qr = boxCreate(0, 0, 400, 400);
    (void)pixClearInRect(s.pix, qr);
    boxDestroy(&qr);
    in.pix = s.pix;
    assert_int_equal(ocr_page_prepare(&s.page2, &in, NULL, &err), CS_OK);
    assert_int_equal(extract_register(&r, fx.tpl, s.page2, &err), CS_OK);
    assert_int_equal(r.method, EXTRACT_REG_NONE);
}

static void
test_register_bad_arguments(void **state)
{
    extract_registration r;
    ocr_page page;
    cs_error err = CS_ERROR_INIT;

    (void)state;
    memset(&page, 0, sizeof(page));
    assert_int_equal(extract_register(NULL, fx.tpl, &page, &err), CS_EINVAL);
    assert_int_equal(extract_register(&r, NULL, &page, &err), CS_EINVAL);
    assert_int_equal(extract_register(&r, fx.tpl, NULL, &err), CS_EINVAL);
    assert_int_equal(extract_register(&r, fx.tpl, &page, &err), CS_EINVAL);
    assert_int_equal(err.code, CS_EINVAL);
}

/* A page left slightly turned (deskew off): the residual rotation is
 * measured from the rules, and points land where the turn put them. */
struct turn_case {
    const char *name;
    double degrees; /* Leptonica's sense: clockwise on the page */
};

static const struct turn_case turn_cases[] = {
    {"residual_turn_plus_0_3", 0.3},
    {"residual_turn_minus_0_25", -0.25},
};

static void
test_turn_case(void **state)
{
    const struct turn_case *c = *state;
    const extract_registration *r0 = &fx.reg0[SRC_COLOR];
    ocr_prepare_options opts = OCR_PREPARE_OPTIONS_INIT;
    double th = c->degrees * 3.14159265358979 / 180.0;
    double cx = pixGetWidth(fx.pix[SRC_COLOR]) / 2.0;
    double cy = pixGetHeight(fx.pix[SRC_COLOR]) / 2.0;
    extract_registration r;
    cs_error err = CS_ERROR_INIT;
    intake_page in;

    s.pix = pixRotate(fx.pix[SRC_COLOR], (l_float32)th, L_ROTATE_AREA_MAP,
                      L_BRING_IN_WHITE, 0, 0);
    assert_non_null(s.pix);
    in = (intake_page){s.pix, 1, 300, 300, 0};
    opts.min_skew_degrees = 45.0f; /* never deskew: leave the turn */
    assert_int_equal(ocr_page_prepare(&s.page, &in, &opts, &err), CS_OK);
    assert_int_equal(s.page->deskewed, 0);
    assert_int_equal(extract_register(&r, fx.tpl, s.page, &err), CS_OK);
    assert_int_equal(r.method, EXTRACT_REG_RULES);
    if (fabs(r.rotation - c->degrees) > 0.1)
        print_error("residual rotation %.3f, turned by %.3f\n", r.rotation,
                    c->degrees);
    assert_true(fabs(r.rotation - c->degrees) <= 0.1);
    for (int k = 0; k < 4; k++) {
        double X = k & 1 ? 2300.0 : 200.0, Y = k & 2 ? 3000.0 : 500.0;
        double x0, y0, x, y, ex, ey;
        extract_transform_map(&r0->xf, X, Y, &x0, &y0);
        /* Where the turn about the page's middle moved that point. */
        ex = cx + (x0 - cx) * cos(th) - (y0 - cy) * sin(th);
        ey = cy + (x0 - cx) * sin(th) + (y0 - cy) * cos(th);
        extract_transform_map(&r.xf, X, Y, &x, &y);
        if (hypot(x - ex, y - ey) > 4.0)
            print_error("(%.0f, %.0f): at (%.1f, %.1f), expected (%.1f, "
                        "%.1f)\n",
                        X, Y, x, y, ex, ey);
        assert_true(hypot(x - ex, y - ey) <= 4.0);
    }
}

static void
test_transform_round_trip(void **state)
{
    extract_transform xf = {1.02, -35.0, 0.98, 60.0, 0.004, -0.004};
    double x, y, X, Y;

    (void)state;
    extract_transform_map(&xf, 1234.5, 2345.5, &x, &y);
    extract_transform_unmap(&xf, x, y, &X, &Y);
    assert_true(fabs(X - 1234.5) < 1e-6 && fabs(Y - 2345.5) < 1e-6);
}

#define N_TESTS                                                                \
    (TS_COUNT(base_cases) + TS_COUNT(move_cases) + TS_COUNT(turn_cases) + 5)

/* main()'s tests: one per row of a case table, or one by name. */
#define ADD_ROWS(table, func) TS_ADD_ROWS(tests, n, table, func, scratch_free)
#define ADD_TEST(test_name, func)                                              \
    TS_ADD_TEST(tests, n, test_name, func, scratch_free)

int
main(void)
{
    static struct CMUnitTest tests[N_TESTS];
    size_t n = 0;

    ADD_ROWS(base_cases, test_base_case);
    ADD_ROWS(move_cases, test_move_case);
    ADD_ROWS(turn_cases, test_turn_case);
    ADD_TEST("transform_round_trip", test_transform_round_trip);
    ADD_TEST("blank_page_not_registered", test_blank_page_not_registered);
    ADD_TEST("white_color_page_not_registered",
             test_white_color_page_not_registered);
    ADD_TEST("data_only_not_registered", test_data_only_not_registered);
    ADD_TEST("register_bad_arguments", test_register_bad_arguments);
    if (n != N_TESTS)
        return 1; /* the table of tests is out of step with N_TESTS */
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
