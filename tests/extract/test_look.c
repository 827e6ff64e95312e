/*
 * test_look.c: what a printed character looks like (extract/look.c), the
 * measure by which a page's own characters settle look-alikes. Glyphs are
 * drawn here: rings as wide as an O or as narrow as a 0, and a bar.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <leptonica/allheaders.h>

#include "extract/extract_internal.h"

/* A ring (an ellipse's outline, thick pixels wide) of w x h, drawn at
 * (x0, y0) on a canvas of cw x ch. */
static PIX *
ring(int cw, int ch, int x0, int y0, int w, int h, double thick)
{
    PIX *pix = pixCreate(cw, ch, 1);
    double a = w / 2.0, b = h / 2.0;

    assert_non_null(pix);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            double dx = (x + 0.5 - a) / a, dy = (y + 0.5 - b) / b,
                   r = sqrt(dx * dx + dy * dy), in = thick / (a < b ? a : b);
            if (r <= 1.0 && r >= 1.0 - in)
                pixSetPixel(pix, x0 + x, y0 + y, 1);
        }
    return pix;
}

static double
distance(PIX *a, PIX *b)
{
    extract_look la, lb;

    assert_int_equal(extract__look_of(&la, a), 0);
    assert_int_equal(extract__look_of(&lb, b), 0);
    return extract__look_distance(&la, &lb);
}

/* The same ink anywhere on any canvas looks the same; its look is
 * symmetric in the distance. */
static void
test_same_ink_same_look(void **state)
{
    PIX *a = ring(40, 50, 3, 4, 20, 30, 4.0);
    PIX *b = ring(90, 70, 50, 21, 20, 30, 4.0);

    (void)state;
    assert_true(distance(a, a) == 0.0);
    assert_true(distance(a, b) < 1e-9);
    assert_true(fabs(distance(a, b) - distance(b, a)) < 1e-12);
    pixDestroy(&a);
    pixDestroy(&b);
}

/* The same character at twice the size (a larger print, a scan at
 * another resolution) looks nearly the same: far nearer than a wide O to
 * a narrow 0 of the same height. */
static void
test_size_matters_little(void **state)
{
    PIX *zero = ring(40, 50, 2, 2, 20, 30, 4.0);
    PIX *big = pixScaleBinary(zero, 2.0f, 2.0f);
    PIX *oh = ring(40, 50, 2, 2, 28, 30, 4.0);
    double same, unlike;

    (void)state;
    assert_non_null(big);
    same = distance(zero, big);
    unlike = distance(zero, oh);
    assert_true(same < 0.01);
    /* the aspect alone: log(28 / 20) squared, about 0.11 */
    assert_true(unlike > 0.1);
    assert_true(same < unlike / 10);
    pixDestroy(&zero);
    pixDestroy(&big);
    pixDestroy(&oh);
}

/* A dot inside a zero (Liberation Mono's, DejaVu Sans Mono's) tells it
 * from an O of the same box. */
static void
test_dot_inside_counts(void **state)
{
    PIX *plain = ring(40, 50, 2, 2, 24, 30, 3.0);
    PIX *dotted = ring(40, 50, 2, 2, 24, 30, 3.0);
    PIX *speck = ring(40, 50, 2, 2, 24, 30, 3.0);

    (void)state;
    for (int y = 13; y < 19; y++)
        for (int x = 11; x < 16; x++)
            pixSetPixel(dotted, x, y, 1);
    pixSetPixel(speck, 13, 16, 1);
    assert_true(distance(plain, dotted) > 3 * distance(plain, speck));
    assert_true(distance(plain, dotted) > 0.005);
    pixDestroy(&plain);
    pixDestroy(&dotted);
    pixDestroy(&speck);
}

/* Nothing to look at: no ink, ink too thin to have a shape, or not a
 * 1-bpp image. */
static void
test_no_look(void **state)
{
    extract_look look;
    PIX *empty = pixCreate(20, 20, 1);
    PIX *line = pixCreate(20, 20, 1);
    PIX *gray = pixCreate(20, 20, 8);

    (void)state;
    assert_non_null(empty);
    assert_non_null(line);
    assert_non_null(gray);
    for (int x = 2; x < 18; x++)
        pixSetPixel(line, x, 5, 1);
    assert_int_equal(extract__look_of(&look, empty), -1);
    assert_int_equal(extract__look_of(&look, line), -1);
    assert_int_equal(extract__look_of(&look, gray), -1);
    assert_int_equal(extract__look_of(&look, NULL), -1);
    pixDestroy(&empty);
    pixDestroy(&line);
    pixDestroy(&gray);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_ink_same_look),
        cmocka_unit_test(test_size_matters_little),
        cmocka_unit_test(test_dot_inside_counts),
        cmocka_unit_test(test_no_look),
    };

    setMsgSeverity(L_SEVERITY_NONE);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
