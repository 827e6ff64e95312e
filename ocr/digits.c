/*
 * digits.c: reads a hand-printed digit by its shape. The glyph is scaled
 * into a small square and a network of one hidden layer (weights in
 * digits_model.c, trained by scripts/train_digits.py on digits of many
 * handwriting fonts) gives the probability of each digit, and of ink that
 * is not one digit.
 */
#include "ocr/ocr.h"
#include "ocr/ocr_internal.h"

#include <leptonica/allheaders.h>
#include <math.h>

void
ocr__digit_features(float *out, const struct Pix *glyph, int x, int y, int w,
                    int h)
{
    PIX *pix = (PIX *)glyph;
    l_uint32 *data = pixGetData(pix);
    l_int32 wpl = pixGetWpl(pix);
    double s = (double)OCR_DIGIT_FIT / (w > h ? w : h);
    int ow = (int)(w * s + 0.5), oh = (int)(h * s + 0.5), x0, y0;
    const int sub = OCR_DIGIT_SUB;

    ow = ow < 1 ? 1 : ow > OCR_DIGIT_SIDE ? OCR_DIGIT_SIDE : ow;
    oh = oh < 1 ? 1 : oh > OCR_DIGIT_SIDE ? OCR_DIGIT_SIDE : oh;
    x0 = (OCR_DIGIT_SIDE - ow) / 2;
    y0 = (OCR_DIGIT_SIDE - oh) / 2;
    for (int i = 0; i < OCR_DIGIT_SIDE * OCR_DIGIT_SIDE; i++)
        out[i] = 0.0f;
    /* Output pixel (i, j) is the share of its sub x sub sample points
     * that fall on ink, each point mapped to the source pixel under it. */
    for (int j = 0; j < oh; j++)
        for (int i = 0; i < ow; i++) {
            int on = 0;
            for (int b = 0; b < sub; b++) {
                double v = (j * sub + b + 0.5) / sub;
                int sy = (int)(v * h / oh);
                const l_uint32 *line;
                sy = sy > h - 1 ? h - 1 : sy;
                line = data + (size_t)(y + sy) * (size_t)wpl;
                for (int a = 0; a < sub; a++) {
                    double u = (i * sub + a + 0.5) / sub;
                    int sx = (int)(u * w / ow);
                    sx = sx > w - 1 ? w - 1 : sx;
                    on += GET_DATA_BIT(line, x + sx) != 0;
                }
            }
            out[(y0 + j) * OCR_DIGIT_SIDE + x0 + i] =
                (float)on / (float)(sub * sub);
        }
    out[OCR_DIGIT_SIDE * OCR_DIGIT_SIDE] =
        (float)((double)w / h < 3.0 ? (double)w / h / 3.0 : 1.0);
}

/* 1 when the 1-bpp glyph's ink (w x h, its bounding box's size) encloses
 * two holes, one above the other: of the digits only an 8 has two loops
 * (a slashed zero's two holes lie side by side, diagonally). */
static int
stacked_loops(const struct Pix *glyph, int w, int h)
{
    PIX *holes = pixHolesByFilling((PIX *)glyph, 4);
    BOXA *boxa = holes != NULL ? pixConnComp(holes, NULL, 4) : NULL;
    l_int32 hx[2], hy[2], hw[2], hh[2];
    int stacked = 0;

    if (boxa != NULL && boxaGetCount(boxa) == 2) {
        for (int i = 0; i < 2; i++)
            (void)boxaGetBoxGeometry(boxa, i, &hx[i], &hy[i], &hw[i], &hh[i]);
        stacked = fabs(hx[0] + 0.5 * hw[0] - hx[1] - 0.5 * hw[1]) < 0.25 * w &&
                  fabs(hy[0] + 0.5 * hh[0] - hy[1] - 0.5 * hh[1]) > 0.3 * h;
    }
    boxaDestroy(&boxa);
    pixDestroy(&holes);
    return stacked;
}

cs_status
ocr_digit_read(double out[OCR_DIGIT_CLASSES], const struct Pix *glyph,
               cs_error *err)
{
    float in[OCR_DIGIT_INPUTS], hid[OCR_DIGIT_HIDDEN];
    double z[OCR_DIGIT_CLASSES], top, sum = 0.0;
    BOX *box = NULL;
    l_int32 x, y, w, h;

    if (out == NULL || glyph == NULL || pixGetDepth((PIX *)glyph) != 1)
        return cs_error_set(err, CS_EINVAL, "digit glyph must be 1 bpp");
    if (pixClipBoxToForeground((PIX *)glyph, NULL, NULL, &box) != 0 ||
        box == NULL)
        return cs_error_set(err, CS_EINVAL, "digit glyph has no ink");
    (void)boxGetGeometry(box, &x, &y, &w, &h);
    boxDestroy(&box);
    ocr__digit_features(in, glyph, x, y, w, h);
    for (int k = 0; k < OCR_DIGIT_HIDDEN; k++) {
        const float *wk = ocr__digit_w1 + (size_t)k * OCR_DIGIT_INPUTS;
        float a = ocr__digit_b1[k];
        for (int i = 0; i < OCR_DIGIT_INPUTS; i++)
            a += wk[i] * in[i];
        hid[k] = a > 0.0f ? a : 0.0f;
    }
    for (int c = 0; c < OCR_DIGIT_CLASSES; c++) {
        const float *wc = ocr__digit_w2 + (size_t)c * OCR_DIGIT_HIDDEN;
        double a = ocr__digit_b2[c];
        for (int k = 0; k < OCR_DIGIT_HIDDEN; k++)
            a += (double)wc[k] * hid[k];
        z[c] = a;
    }
    top = z[0];
    for (int c = 1; c < OCR_DIGIT_CLASSES; c++)
        top = z[c] > top ? z[c] : top;
    for (int c = 0; c < OCR_DIGIT_CLASSES; c++) {
        out[c] = exp(z[c] - top);
        sum += out[c];
    }
    for (int c = 0; c < OCR_DIGIT_CLASSES; c++)
        out[c] /= sum;
    /* The network, trained on fonts, can take a hand's 8 with a small top
     * loop for a 0 (DkgHandwriting's, at 0.98): two loops stacked are an
     * 8, whatever digit the network saw. */
    if (stacked_loops(glyph, w, h)) {
        double digit = 0.0;
        for (int c = 0; c < 10; c++) {
            digit += out[c];
            out[c] = 0.0;
        }
        out[8] = digit;
    }
    return CS_OK;
}
