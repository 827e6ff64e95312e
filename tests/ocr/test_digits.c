/*
 * test_digits.c: the hand-printed digit classifier (ocr_digit_read). Its
 * features place a glyph in the square as the training script does; it
 * reads the digits of a hand it was never trained on (DkgHandwriting
 * Bold, tests/fixtures/digits_dkgbd.png); two touching digits are not
 * one digit; two loops stacked are an 8; a glyph without ink or of the
 * wrong depth is refused.
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

#include "ocr/ocr.h"
#include "ocr/ocr_internal.h"

#define FIXTURES CS_SOURCE_DIR "/tests/fixtures/"

/* The fixture's glyphs, left to right (the digits 0-9). */
static PIXA *
fixture_glyphs(void)
{
    PIX *pixs = pixRead(FIXTURES "digits_dkgbd.png");
    PIX *pix1 = pixs != NULL ? pixConvertTo1(pixs, 128) : NULL;
    BOXA *boxa;
    PIXA *pixa = NULL, *sorted;

    assert_non_null(pix1);
    boxa = pixConnComp(pix1, &pixa, 8);
    assert_non_null(boxa);
    sorted = pixaSort(pixa, L_SORT_BY_X, L_SORT_INCREASING, NULL, L_CLONE);
    boxaDestroy(&boxa);
    pixaDestroy(&pixa);
    pixDestroy(&pix1);
    pixDestroy(&pixs);
    assert_non_null(sorted);
    return sorted;
}

static int
argmax(const double *p, int n)
{
    int best = 0;

    for (int c = 1; c < n; c++)
        if (p[c] > p[best])
            best = c;
    return best;
}

/* A 10 x 40 bar fills the middle of the square: scaled by 18/40 to
 * 5 x 18 (4.5 rounds up, as Python's int(x + 0.5)), placed at (7, 1);
 * every pixel on it is all ink, every other none; the aspect 0.25 is
 * the last input, as a share of 3. */
static void
test_features_place_the_glyph(void **state)
{
    float in[OCR_DIGIT_INPUTS];
    PIX *pix = pixCreate(30, 60, 1);
    int wrong = 0;

    (void)state;
    assert_non_null(pix);
    (void)pixRasterop(pix, 5, 10, 10, 40, PIX_SET, NULL, 0, 0);
    ocr__digit_features(in, pix, 5, 10, 10, 40);
    for (int y = 0; y < OCR_DIGIT_SIDE; y++)
        for (int x = 0; x < OCR_DIGIT_SIDE; x++) {
            int on = x >= 7 && x < 12 && y >= 1 && y < 19;
            wrong += fabsf(in[y * OCR_DIGIT_SIDE + x] - (float)on) > 1e-6f;
        }
    assert_int_equal(wrong, 0);
    assert_float_equal(in[OCR_DIGIT_SIDE * OCR_DIGIT_SIDE], 0.25 / 3.0, 1e-6);
    pixDestroy(&pix);
}

/* A hand the network never saw: at least 9 of its 10 digits read right,
 * each as a digit, not as "other"; the probabilities sum to 1. */
static void
test_reads_an_unseen_hand(void **state)
{
    PIXA *pixa = fixture_glyphs();
    int right = 0;

    (void)state;
    assert_int_equal(pixaGetCount(pixa), 10);
    for (int d = 0; d < 10; d++) {
        double p[OCR_DIGIT_CLASSES], sum = 0.0;
        PIX *pix = pixaGetPix(pixa, d, L_CLONE);
        assert_int_equal(ocr_digit_read(p, pix, NULL), CS_OK);
        for (int c = 0; c < OCR_DIGIT_CLASSES; c++)
            sum += p[c];
        assert_float_equal(sum, 1.0, 1e-9);
        right += argmax(p, OCR_DIGIT_CLASSES) == d;
        pixDestroy(&pix);
    }
    assert_true(right >= 9);
    pixaDestroy(&pixa);
}

/* Two of the fixture's digits pushed together until they touch are not
 * one digit: "other" outweighs every digit. */
static void
test_touching_digits_are_other(void **state)
{
    PIXA *pixa = fixture_glyphs();
    static const int pairs[][2] = {{2, 3}, {4, 5}, {6, 8}, {9, 1}};
    int other = 0;

    (void)state;
    for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
        PIX *a = pixaGetPix(pixa, pairs[i][0], L_CLONE);
        PIX *b = pixaGetPix(pixa, pairs[i][1], L_CLONE);
        int wa = pixGetWidth(a), wb = pixGetWidth(b);
        int ha = pixGetHeight(a), hb = pixGetHeight(b);
        int h = ha > hb ? ha : hb;
        PIX *two = pixCreate(wa + wb - 2, h, 1);
        double p[OCR_DIGIT_CLASSES];
        assert_non_null(two);
        (void)pixRasterop(two, 0, h - ha, wa, ha, PIX_SRC | PIX_DST, a, 0, 0);
        (void)pixRasterop(two, wa - 2, h - hb, wb, hb, PIX_SRC | PIX_DST, b, 0,
                          0);
        assert_int_equal(ocr_digit_read(p, two, NULL), CS_OK);
        other += argmax(p, OCR_DIGIT_CLASSES) == OCR_DIGIT_OTHER;
        pixDestroy(&two);
        pixDestroy(&a);
        pixDestroy(&b);
    }
    assert_true(other >= 3);
    pixaDestroy(&pixa);
}

/* Sets the pixels of pix within [rin, rout] of (cx, cy). */
static void
draw_ring(PIX *pix, double cx, double cy, double rin, double rout)
{
    for (int y = 0; y < (int)pixGetHeight(pix); y++)
        for (int x = 0; x < (int)pixGetWidth(pix); x++) {
            double d = hypot(x - cx, y - cy);
            if (d >= rin && d <= rout)
                (void)pixSetPixel(pix, x, y, 1);
        }
}

/* Two loops, one above the other (a hand's 8 with a small top loop, which
 * the network alone can take for a 0), are an 8: every other digit gets
 * nothing. A slashed zero's two holes lie side by side: left to the
 * network. */
static void
test_stacked_loops_are_eight(void **state)
{
    PIX *eight = pixCreate(30, 44, 1), *zero = pixCreate(30, 44, 1), *holes;
    double p[OCR_DIGIT_CLASSES], others = 0.0;
    l_int32 nholes = 0;

    (void)state;
    assert_non_null(eight);
    assert_non_null(zero);
    draw_ring(eight, 15.0, 9.0, 4.0, 7.5);
    draw_ring(eight, 15.0, 28.0, 8.0, 12.5);
    assert_int_equal(ocr_digit_read(p, eight, NULL), CS_OK);
    for (int d = 0; d < 10; d++)
        others += d == 8 ? 0.0 : p[d];
    print_message("8: p[8] %.3f, other digits %.3f, not a digit %.3f\n", p[8],
                  others, p[OCR_DIGIT_OTHER]);
    assert_true(others == 0.0);
    assert_true(p[8] > 0.0);
    /* an upright ellipse crossed by a slash from top right to bottom left */
    for (int y = 0; y < 44; y++)
        for (int x = 0; x < 30; x++) {
            double u = (x - 14.5) / 13.0, v = (y - 21.5) / 20.0;
            double e = u * u + v * v;
            if ((e >= 0.6 && e <= 1.0) ||
                (e < 1.0 && fabs((x - 14.5) + 0.65 * (y - 21.5)) < 2.0))
                (void)pixSetPixel(zero, x, y, 1);
        }
    holes = pixHolesByFilling(zero, 4);
    assert_non_null(holes);
    assert_int_equal(pixCountConnComp(holes, 4, &nholes), 0);
    assert_int_equal(nholes, 2);
    pixDestroy(&holes);
    assert_int_equal(ocr_digit_read(p, zero, NULL), CS_OK);
    others = 0.0;
    for (int d = 0; d < 10; d++)
        others += d == 8 ? 0.0 : p[d];
    assert_true(others > 0.0);
    pixDestroy(&eight);
    pixDestroy(&zero);
}

static void
test_refuses_bad_glyphs(void **state)
{
    double p[OCR_DIGIT_CLASSES];
    PIX *empty = pixCreate(20, 30, 1), *gray = pixCreate(20, 30, 8);
    cs_error err;

    (void)state;
    assert_non_null(empty);
    assert_non_null(gray);
    cs_error_clear(&err);
    assert_int_equal(ocr_digit_read(p, empty, &err), CS_EINVAL);
    assert_non_null(strstr(err.message, "no ink"));
    cs_error_clear(&err);
    assert_int_equal(ocr_digit_read(p, gray, &err), CS_EINVAL);
    assert_non_null(strstr(err.message, "1 bpp"));
    assert_int_equal(ocr_digit_read(p, NULL, NULL), CS_EINVAL);
    pixDestroy(&empty);
    pixDestroy(&gray);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_features_place_the_glyph),
        cmocka_unit_test(test_reads_an_unseen_hand),
        cmocka_unit_test(test_touching_digits_are_other),
        cmocka_unit_test(test_stacked_loops_are_eight),
        cmocka_unit_test(test_refuses_bad_glyphs),
    };

    setLeptDebugOK(0);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
