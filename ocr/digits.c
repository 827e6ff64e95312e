/*
 * digits.c: reads a hand-printed digit by its shape. The glyph is scaled
 * into a small square; two networks trained on many handwriting fonts
 * read it: one of one hidden layer on the digits (weights in
 * digits_model.c, scripts/train_digits.py), one convolutional on the
 * digits and capitals (glyphs_model.c, scripts/train_glyphs.py). Together
 * they give the probability of each digit, and of ink that is not one
 * digit.
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

/* A 3 x 3 convolution of in (h x w pixels of c channels, channel
 * fastest), zero padded, with the n kernels k (rows (i * 3 + j) * c + ch,
 * n to a row) and biases b, rectified, then 2 x 2 max pooling: out (h/2 x
 * w/2 x n). work holds h x w x n. */
static void
conv_pool(float *out, const float *in, int h, int w, int c, const float *k,
          const float *b, int n, float *work)
{
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            float *acc = work + ((size_t)y * w + x) * n;
            for (int o = 0; o < n; o++)
                acc[o] = b[o];
            for (int i = 0; i < 3; i++) {
                int yy = y + i - 1;
                if (yy < 0 || yy >= h)
                    continue;
                for (int j = 0; j < 3; j++) {
                    int xx = x + j - 1;
                    const float *px = in + ((size_t)yy * w + xx) * c;
                    const float *kr = k + (size_t)(i * 3 + j) * c * n;
                    if (xx < 0 || xx >= w)
                        continue;
                    for (int ch = 0; ch < c; ch++, kr += n)
                        for (int o = 0; o < n; o++)
                            acc[o] += px[ch] * kr[o];
                }
            }
        }
    for (int y = 0; y < h / 2; y++)
        for (int x = 0; x < w / 2; x++)
            for (int o = 0; o < n; o++) {
                float m = 0.0f; /* rectified: nothing below 0 */
                for (int i = 0; i < 2; i++)
                    for (int j = 0; j < 2; j++) {
                        float v =
                            work[(((size_t)(2 * y + i)) * w + 2 * x + j) * n +
                                 o];
                        m = v > m ? v : m;
                    }
                out[((size_t)y * (w / 2) + x) * n + o] = m;
            }
}

/* A dense layer, rectified: out[k] = max(0, b[k] + w[k] . in), w one
 * row of nin weights per output. */
static void
dense_relu(float *out, const float *in, size_t nin, const float *w,
           const float *b, size_t nout)
{
    for (size_t k = 0; k < nout; k++) {
        const float *wk = w + k * nin;
        float a = b[k];
        for (size_t i = 0; i < nin; i++)
            a += wk[i] * in[i];
        out[k] = a > 0.0f ? a : 0.0f;
    }
}

/* A dense layer, then a softmax: out[c] the probability of class c. */
static void
dense_softmax(double *out, const float *in, size_t nin, const float *w,
              const float *b, size_t nout)
{
    double top = 0.0, sum = 0.0;

    for (size_t c = 0; c < nout; c++) {
        const float *wc = w + c * nin;
        double a = b[c];
        for (size_t k = 0; k < nin; k++)
            a += (double)wc[k] * in[k];
        out[c] = a;
        top = c == 0 || a > top ? a : top;
    }
    for (size_t c = 0; c < nout; c++) {
        out[c] = exp(out[c] - top);
        sum += out[c];
    }
    for (size_t c = 0; c < nout; c++)
        out[c] /= sum;
}

/* The character network's probabilities for the inputs in
 * (ocr__digit_features): out[OCR_GLYPH_CLASSES]. */
static void
glyph_net(double out[OCR_GLYPH_CLASSES], const float *in)
{
    enum { S = OCR_DIGIT_SIDE };
    float work[S * S * OCR_GLYPH_C1];
    float m1[(S / 2) * (S / 2) * OCR_GLYPH_C1];
    float m2[OCR_GLYPH_POOLED], hid[OCR_GLYPH_HIDDEN];

    conv_pool(m1, in, S, S, 1, ocr__glyph_k1, ocr__glyph_b1, OCR_GLYPH_C1,
              work);
    conv_pool(m2, m1, S / 2, S / 2, OCR_GLYPH_C1, ocr__glyph_k2, ocr__glyph_b2,
              OCR_GLYPH_C2, work);
    m2[OCR_GLYPH_POOLED - 1] = in[S * S]; /* the aspect */
    dense_relu(hid, m2, OCR_GLYPH_POOLED, ocr__glyph_w3, ocr__glyph_b3,
               OCR_GLYPH_HIDDEN);
    dense_softmax(out, hid, OCR_GLYPH_HIDDEN, ocr__glyph_w4, ocr__glyph_b4,
                  OCR_GLYPH_CLASSES);
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

/* The bounding box of glyph's ink into x, y, w, h; CS_EINVAL when
 * glyph is no 1-bpp image or has no ink. */
static cs_status
ink_box(const struct Pix *glyph, l_int32 *x, l_int32 *y, l_int32 *w, l_int32 *h,
        cs_error *err)
{
    BOX *box = NULL;

    if (glyph == NULL || pixGetDepth((PIX *)glyph) != 1)
        return cs_error_set(err, CS_EINVAL, "glyph must be 1 bpp");
    if (pixClipBoxToForeground((PIX *)glyph, NULL, NULL, &box) != 0 ||
        box == NULL)
        return cs_error_set(err, CS_EINVAL, "glyph has no ink");
    (void)boxGetGeometry(box, x, y, w, h);
    boxDestroy(&box);
    return CS_OK;
}

/* The networks' inputs for glyph (ocr__digit_features) into in, the
 * size of its ink into w and h; CS_EINVAL when out (the caller's
 * result) is NULL or glyph has no ink or is not 1 bpp. */
static cs_status
glyph_inputs(float in[OCR_DIGIT_INPUTS], l_int32 *w, l_int32 *h,
             const double *out, const struct Pix *glyph, cs_error *err)
{
    l_int32 x, y;
    cs_status rc;

    if (out == NULL)
        return cs_error_set(err, CS_EINVAL, "no output");
    rc = ink_box(glyph, &x, &y, w, h, err);
    if (rc == CS_OK)
        ocr__digit_features(in, glyph, x, y, *w, *h);
    return rc;
}

cs_status
ocr_glyph_read(double out[OCR_GLYPH_CLASSES], const struct Pix *glyph,
               cs_error *err)
{
    float in[OCR_DIGIT_INPUTS];
    l_int32 w, h;
    cs_status rc = glyph_inputs(in, &w, &h, out, glyph, err);

    if (rc == CS_OK)
        glyph_net(out, in);
    return rc;
}

cs_status
ocr_digit_read(double out[OCR_DIGIT_CLASSES], const struct Pix *glyph,
               cs_error *err)
{
    /* the capitals a hand's digit can look like, per digit */
    static const char *const lookalikes[10] = {"DOQU", "I", "Z", "",  "",
                                               "S",    "G", "T", "B", ""};
    float in[OCR_DIGIT_INPUTS], hid[OCR_DIGIT_HIDDEN];
    double g[OCR_GLYPH_CLASSES], sum = 0.0;
    l_int32 w, h;
    cs_status rc = glyph_inputs(in, &w, &h, out, glyph, err);

    if (rc != CS_OK)
        return rc;
    dense_relu(hid, in, OCR_DIGIT_INPUTS, ocr__digit_w1, ocr__digit_b1,
               OCR_DIGIT_HIDDEN);
    dense_softmax(out, hid, OCR_DIGIT_HIDDEN, ocr__digit_w2, ocr__digit_b2,
                  OCR_DIGIT_CLASSES);
    /* The character network's second opinion (glyph_net), its capitals
     * counted as the digits they stand for where a hand writes them so
     * (an open 0 read U, a 2 read Z): each class scores the geometric
     * mean of the two networks' probabilities. Trained differently on
     * the same fonts, they err on different glyphs of a hand neither saw
     * (scripts/train_glyphs.py). */
    glyph_net(g, in);
    sum = 0.0;
    for (int c = 0; c < OCR_DIGIT_CLASSES; c++) {
        double q = c < 10 ? g[c] : g[OCR_GLYPH_OTHER];
        for (const char *l = c < 10 ? lookalikes[c] : ""; *l != '\0'; l++)
            q += g[10 + (*l - 'A')];
        out[c] = sqrt(out[c] * q);
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
