/*
 * morph.c: openings by long line-shaped bricks, the way rules are found.
 *
 * Leptonica opens by a 1 x n brick as a composite of two smaller bricks,
 * some sqrt(n) full-page rasterops each way. A run of n pixels is also
 * the AND of the run of m and the run of m shifted by n - m (m >= n / 2),
 * so the erosion takes log2(n) shifted ANDs, and the dilation as many
 * shifted ORs: a third of the passes over the page for the lengths rules
 * are looked for with, and the same pixels.
 */
#include "ocr/ocr.h"

#include <leptonica/allheaders.h>

/* dst = src op src shifted by s along the axis: toward higher x (y) when
 * ahead is set (src(x + s)), else toward lower (src(x - s)); pixels
 * shifted in from outside the image are off. */
static int
shift_combine(PIX *dst, PIX *src, int s, int vertical, int op, int ahead)
{
    int w = (int)pixGetWidth(src), h = (int)pixGetHeight(src);
    int len = vertical ? h : w;

    if (pixCopy(dst, src) == NULL)
        return -1;
    if (s >= len) {
        /* Nothing of src lies within reach: AND leaves nothing, OR
         * leaves src. */
        if (op == (PIX_SRC & PIX_DST))
            pixClearAll(dst);
        return 0;
    }
    if (!vertical) {
        if (ahead)
            (void)pixRasterop(dst, 0, 0, w - s, h, op, src, s, 0);
        else
            (void)pixRasterop(dst, s, 0, w - s, h, op, src, 0, 0);
        if (op == (PIX_SRC & PIX_DST))
            (void)pixRasterop(dst, ahead ? w - s : 0, 0, s, h, PIX_CLR, NULL, 0,
                              0);
    } else {
        if (ahead)
            (void)pixRasterop(dst, 0, 0, w, h - s, op, src, 0, s);
        else
            (void)pixRasterop(dst, 0, s, w, h - s, op, src, 0, 0);
        if (op == (PIX_SRC & PIX_DST))
            (void)pixRasterop(dst, 0, ahead ? h - s : 0, w, s, PIX_CLR, NULL, 0,
                              0);
    }
    return 0;
}

/* Combines *a with itself shifted until it spans len pixels: AND looking
 * ahead (erosion: where a run of len starts), OR looking back (dilation
 * of those starts over the run). *b is scratch of the same size. */
static int
span(PIX **a, PIX **b, int len, int vertical, int op, int ahead)
{
    int m = 1;

    while (m < len) {
        int s = 2 * m <= len ? m : len - m;
        PIX *t;
        if (shift_combine(*b, *a, s, vertical, op, ahead) != 0)
            return -1;
        t = *a;
        *a = *b;
        *b = t;
        m += s;
    }
    return 0;
}

struct Pix *
ocr_runs_open(struct Pix *pixs, int len, int vertical)
{
    PIX *a, *b;

    if (pixs == NULL || pixGetDepth(pixs) != 1)
        return NULL;
    a = pixCopy(NULL, pixs);
    b = pixCreateTemplate(pixs);
    if (a == NULL || b == NULL ||
        span(&a, &b, len, vertical, PIX_SRC & PIX_DST, 1) != 0 ||
        span(&a, &b, len, vertical, PIX_SRC | PIX_DST, 0) != 0)
        pixDestroy(&a);
    pixDestroy(&b);
    return a;
}
