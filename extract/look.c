/*
 * look.c: what a printed character looks like, to tell look-alikes (0
 * and O, 5 and S ...) apart by the page's own characters. A page is
 * printed in one font: its dates and amounts show what its 0 looks like,
 * its names what its O looks like, whatever the font.
 */
#include "extract/extract_internal.h"

#include <leptonica/allheaders.h>
#include <math.h>

int
extract__look_of(extract_look *out, const struct Pix *glyph)
{
    PIX *pix = (PIX *)glyph; /* Leptonica's getters take no const */
    l_int32 wpl;
    l_uint32 *data;
    BOX *box = NULL;
    int x0, y0, bw, bh;

    if (pix == NULL || pixGetDepth(pix) != 1 ||
        pixClipBoxToForeground(pix, NULL, NULL, &box) != 0 || box == NULL)
        return -1;
    (void)boxGetGeometry(box, &x0, &y0, &bw, &bh);
    boxDestroy(&box);
    if (bw < 2 || bh < 2)
        return -1;
    wpl = pixGetWpl(pix);
    data = pixGetData(pix);
    /* Each cell holds the share of ink in its part of the ink's box; a
     * pixel counts in every cell it overlaps, by the overlap. */
    for (int cy = 0; cy < EXTRACT_LOOK_GRID; cy++) {
        double ya = (double)cy * bh / EXTRACT_LOOK_GRID,
               yb = (double)(cy + 1) * bh / EXTRACT_LOOK_GRID;
        for (int cx = 0; cx < EXTRACT_LOOK_GRID; cx++) {
            double xa = (double)cx * bw / EXTRACT_LOOK_GRID,
                   xb = (double)(cx + 1) * bw / EXTRACT_LOOK_GRID, ink = 0.0;
            for (int y = (int)ya; y < bh && y < yb; y++) {
                double fy = fmin(y + 1.0, yb) - fmax((double)y, ya);
                const l_uint32 *line = data + (size_t)(y0 + y) * wpl;
                for (int x = (int)xa; x < bw && x < xb; x++) {
                    if (!GET_DATA_BIT(line, x0 + x))
                        continue;
                    ink += fy * (fmin(x + 1.0, xb) - fmax((double)x, xa));
                }
            }
            out->cell[cy * EXTRACT_LOOK_GRID + cx] =
                (float)(ink / ((yb - ya) * (xb - xa)));
        }
    }
    out->aspect = (float)log((double)bw / bh);
    return 0;
}

double
extract__look_distance(const extract_look *a, const extract_look *b)
{
    double da = (double)a->aspect - b->aspect;
    float sum = 0.0f;

    for (int i = 0; i < EXTRACT_LOOK_GRID * EXTRACT_LOOK_GRID; i++) {
        float d = a->cell[i] - b->cell[i];
        sum += d * d;
    }
    return (double)sum / (EXTRACT_LOOK_GRID * EXTRACT_LOOK_GRID) + da * da;
}
