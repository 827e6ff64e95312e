/*
 * register.c: fitting a page to its template. Where the form's ink is on
 * the page, its long printed rules are matched to the template's anchors;
 * where the form was dropped out, the QR code gives position and scale.
 */
#include "extract/extract_internal.h"

#include <leptonica/allheaders.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_BANDS 96
/* Scales a scan may have relative to the reference. */
#define SCALE_MIN 0.85
#define SCALE_MAX 1.18
/* A detected rule within this many page pixels of a predicted one
 * matches it. */
#define MATCH_TOL 9.0
/* Pixels are square once the page is at its resolution: the horizontal
 * scale stays this close to the vertical one (a copier or fax may stretch
 * one axis by a percent or so; a wrong match of the vertical rules is
 * typically several percent off). */
#define ASPECT_TOL 0.02
/* The farthest a scan may shift the form, as a share of the page width. */
#define MAX_SHIFT 0.15
#define FLAT_MAX_SHIFT 0.02
/* The most rotation a measured deskew leaves (about 1 degree). */
#define MAX_RESIDUAL_SLOPE 0.0175

void
extract_transform_map(const extract_transform *xf, double X, double Y,
                      double *x_out, double *y_out)
{
    *x_out = xf->ax * X + xf->bx + xf->kx * Y;
    *y_out = xf->ay * Y + xf->by + xf->ky * X;
}

void
extract_transform_unmap(const extract_transform *xf, double x, double y,
                        double *X_out, double *Y_out)
{
    /* Solve the 2 x 2 linear system. */
    double det = xf->ax * xf->ay - xf->kx * xf->ky;
    double u = x - xf->bx, v = y - xf->by;

    *X_out = (xf->ay * u - xf->kx * v) / det;
    *Y_out = (xf->ax * v - xf->ky * u) / det;
}

ocr_rect
extract__zone_to_page(const extract_transform *xf, extract_zone z)
{
    double x0 = 1e18, y0 = 1e18, x1 = -1e18, y1 = -1e18;
    ocr_rect r;

    for (int c = 0; c < 4; c++) {
        double x, y;
        extract_transform_map(xf, z.x + ((c & 1) ? z.w : 0.0),
                              z.y + ((c & 2) ? z.h : 0.0), &x, &y);
        x0 = fmin(x0, x);
        y0 = fmin(y0, y);
        x1 = fmax(x1, x);
        y1 = fmax(y1, y);
    }
    r.x = (int)lround(x0);
    r.y = (int)lround(y0);
    r.w = (int)lround(x1 - x0);
    r.h = (int)lround(y1 - y0);
    return r;
}

/* Finds bands of a projection above thresh; centers weighted by counts. */
static size_t
find_bands(double *centers, const NUMA *na, double thresh)
{
    size_t n = 0;
    int count = numaGetCount((NUMA *)na);
    double sum = 0.0, wsum = 0.0;

    for (int i = 0; i <= count; i++) {
        l_float32 v = 0.0f;
        if (i < count)
            (void)numaGetFValue((NUMA *)na, i, &v);
        if (i < count && v > thresh) {
            sum += v;
            wsum += v * i;
        } else if (sum > 0.0) {
            if (n < MAX_BANDS)
                centers[n++] = wsum / sum;
            sum = wsum = 0.0;
        }
    }
    return n;
}

/* The index of the value of sorted v[0..n) nearest to x. */
static size_t
nearest(const double *v, size_t n, double x)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (v[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == n)
        return n - 1;
    if (lo > 0 && x - v[lo - 1] < v[lo] - x)
        return lo - 1;
    return lo;
}

/* A 1-D fit page = s * ref + t and how well it explains the anchors. */
typedef struct fit1 {
    double s, t;
    int inliers;
    double rms;
} fit1;

/* Counts the reference anchors that land on a detected band under (s, t)
 * and refits s, t on them by least squares when refit is set. */
static fit1
score_fit(const double *ref, size_t nref, const double *det, size_t ndet,
          double s, double t, int refit)
{
    fit1 f = {s, t, 0, 0.0};
    double sx = 0, sy = 0, sxx = 0, sxy = 0, ss = 0;

    for (size_t k = 0; k < nref; k++) {
        double p = s * ref[k] + t;
        double d = det[nearest(det, ndet, p)];
        if (fabs(d - p) <= MATCH_TOL) {
            f.inliers++;
            sx += ref[k];
            sy += d;
            sxx += ref[k] * ref[k];
            sxy += ref[k] * d;
            ss += (d - p) * (d - p);
        }
    }
    if (f.inliers > 0)
        f.rms = sqrt(ss / f.inliers);
    if (refit && f.inliers >= 2) {
        double n = f.inliers, den = n * sxx - sx * sx;
        if (fabs(den) > 1e-9) {
            f.s = (n * sxy - sx * sy) / den;
            f.t = (sy - f.s * sx) / n;
        }
    }
    return f;
}

/* Finds the scale and offset mapping ref anchors onto detected bands,
 * trying every pair against every pair (the lists are short). When
 * s_prior > 0 the scale must be within ASPECT_TOL of it. */
static fit1
match_anchors(const double *ref, size_t nref, const double *det, size_t ndet,
              double s_prior)
{
    fit1 best = {1.0, 0.0, 0, 0.0};

    for (size_t i = 0; i < ndet; i++)
        for (size_t j = i + 1; j < ndet; j++)
            for (size_t a = 0; a < nref; a++)
                for (size_t b = a + 1; b < nref; b++) {
                    double s = (det[j] - det[i]) / (ref[b] - ref[a]);
                    fit1 f;
                    if (s < SCALE_MIN || s > SCALE_MAX)
                        continue;
                    if (s_prior > 0 && fabs(s / s_prior - 1.0) > ASPECT_TOL)
                        continue;
                    f = score_fit(ref, nref, det, ndet, s, det[i] - s * ref[a],
                                  0);
                    if (f.inliers > best.inliers ||
                        (f.inliers == best.inliers && f.rms < best.rms))
                        best = f;
                }
    if (best.inliers >= 2) {
        best = score_fit(ref, nref, det, ndet, best.s, best.t, 1);
        best = score_fit(ref, nref, det, ndet, best.s, best.t, 0);
    }
    return best;
}

/* Long horizontal (vertical when vertical is set) rules of pixs, as the
 * centers of bands in its projection. */
static size_t
detect_rules(double *centers, PIX *pixs, int vertical)
{
    int w = pixGetWidth(pixs), h = pixGetHeight(pixs);
    PIX *pixc, *pixo;
    NUMA *na;
    size_t n = 0;

    /* Join the dots of fax rules, then keep long runs only. */
    pixc = vertical ? pixCloseSafeBrick(NULL, pixs, 1, 7)
                    : pixCloseSafeBrick(NULL, pixs, 7, 1);
    if (pixc == NULL)
        return 0;
    pixo = vertical ? ocr_runs_open(pixc, h / 12, 1)
                    : ocr_runs_open(pixc, w / 12, 0);
    pixDestroy(&pixc);
    if (pixo == NULL)
        return 0;
    /* A thin rule left slightly tilted, or broken by blur and JPEG, spreads
     * over neighboring rows: gather them into one band. */
    if ((vertical ? pixDilateBrick(pixo, pixo, 5, 1)
                  : pixDilateBrick(pixo, pixo, 1, 5)) == NULL) {
        pixDestroy(&pixo);
        return 0;
    }
    na = vertical ? pixCountPixelsByColumn(pixo)
                  : pixCountPixelsByRow(pixo, NULL);
    pixDestroy(&pixo);
    if (na == NULL)
        return 0;
    n = find_bands(centers, na, vertical ? 0.3 * h : 0.35 * w);
    numaDestroy(&na);
    return n;
}

/* Where the template's horizontal rule at reference y ref_y lies in the
 * page's column band [x0, x0 + bw), searched within +-tol of pred; -1
 * when no strong rule is there. */
static double
rule_y_in_band(const NUMA *na, double pred, double tol, int bw)
{
    int count = numaGetCount((NUMA *)na), peak = -1;
    l_float32 v, best = 0.0f;
    double sum = 0.0, wsum = 0.0;

    for (int i = (int)(pred - tol); i <= (int)(pred + tol); i++)
        if (i >= 0 && i < count && numaGetFValue((NUMA *)na, i, &v) == 0 &&
            v > best) {
            best = v;
            peak = i;
        }
    if (peak < 0 || best < 0.6 * bw)
        return -1.0;
    for (int i = peak - 6; i <= peak + 6; i++)
        if (i >= 0 && i < count && numaGetFValue((NUMA *)na, i, &v) == 0 &&
            v > 0.5 * best) {
            sum += v * i;
            wsum += v;
        }
    return sum / wsum;
}

/* The long horizontal runs of a column band of the page, projected on
 * its rows. */
static NUMA *
band_rows(PIX *ink, int x0, int bw)
{
    BOX *b = boxCreate(x0, 0, bw, pixGetHeight(ink));
    PIX *clip = b != NULL ? pixClipRectangle(ink, b, NULL) : NULL;
    PIX *pixc = clip != NULL ? pixCloseSafeBrick(NULL, clip, 7, 1) : NULL;
    PIX *pixo = pixc != NULL ? ocr_runs_open(pixc, bw / 3, 0) : NULL;
    NUMA *na = NULL;

    if (pixo != NULL && pixDilateBrick(pixo, pixo, 1, 3) != NULL)
        na = pixCountPixelsByRow(pixo, NULL);
    boxDestroy(&b);
    pixDestroy(&clip);
    pixDestroy(&pixc);
    pixDestroy(&pixo);
    return na;
}

/*
 * Measures the residual rotation the deskew left: each template rule's
 * height in the left and the right third of the page. The median slope
 * becomes a small rotation of the transform about the page's middle.
 */
static void
residual_rotation(extract_registration *reg, const extract_template *tpl,
                  const ocr_page *page)
{
    int w = pixGetWidth(page->ink), bw = w / 4;
    NUMA *left = band_rows(page->ink, w / 8, bw);
    NUMA *right = band_rows(page->ink, w - w / 8 - bw, bw);
    double slopes[EXTRACT_MAX_ANCHORS], dx = (w - w / 8 - bw) - w / 8.0;
    size_t n = 0;

    for (size_t r = 0; left != NULL && right != NULL && r < tpl->nhrules; r++) {
        double pred = reg->xf.ay * tpl->hrules[r] + reg->xf.by;
        double yl = rule_y_in_band(left, pred, 12.0, bw);
        double yr = rule_y_in_band(right, pred, 12.0, bw);
        if (yl >= 0 && yr >= 0)
            slopes[n++] = (yr - yl) / dx;
    }
    numaDestroy(&left);
    numaDestroy(&right);
    if (n >= 4) {
        /* The median: a rule broken on one side cannot sway it. */
        for (size_t i = 1; i < n; i++)
            for (size_t j = i; j > 0 && slopes[j] < slopes[j - 1]; j--) {
                double t = slopes[j];
                slopes[j] = slopes[j - 1];
                slopes[j - 1] = t;
            }
        double slope = slopes[n / 2];
        double Xm = (w / 2.0 - reg->xf.bx) / reg->xf.ax;
        double Ym = (pixGetHeight(page->ink) / 2.0 - reg->xf.by) / reg->xf.ay;
        if (fabs(slope) > MAX_RESIDUAL_SLOPE)
            return; /* more than the deskew can have left: not trusted */
        reg->rotation = atan(slope) * 180.0 / 3.14159265358979;
        /* y gains slope * x, x loses slope * y, about the middle. */
        reg->xf.ky = slope * reg->xf.ax;
        reg->xf.by -= reg->xf.ky * Xm;
        reg->xf.kx = -slope * reg->xf.ay;
        reg->xf.bx -= reg->xf.kx * Ym;
    }
}

/* Registers by the form's rules. Returns 1 when it fits. */
static int
register_rules(extract_registration *reg, const extract_template *tpl,
               const ocr_page *page)
{
    double hdet[MAX_BANDS], vdet[MAX_BANDS];
    size_t nh, nv;
    fit1 fy, fx;
    int need;
    /* A page flattened by its paper's edges is in place already, give or
     * take where the form was printed on the sheet. */
    double limit =
        (page->flattened ? FLAT_MAX_SHIFT : MAX_SHIFT) * pixGetWidth(page->ink);

    if (tpl->nhrules < 2)
        return 0;
    nh = detect_rules(hdet, page->ink, 0);
    if (nh < 2)
        return 0;
    fy = match_anchors(tpl->hrules, tpl->nhrules, hdet, nh, 0.0);
    need = tpl->nhrules >= 12 ? (int)(tpl->nhrules / 3)
                              : (tpl->nhrules >= 4 ? 4 : (int)tpl->nhrules);
    if (fy.inliers < need)
        return 0;
    nv = detect_rules(vdet, page->ink, 1);
    fx.inliers = 0;
    if (nv >= 2 && tpl->nvrules >= 2)
        fx = match_anchors(tpl->vrules, tpl->nvrules, vdet, nv, fy.s);
    if (fx.inliers < 2 || fabs(fx.t) > limit) {
        /* One vertical rule at most: keep the vertical scale and try each
         * detected rule as each template rule, within a plausible shift. */
        fit1 best = {fy.s, 0.0, 0, 0.0};
        for (size_t d = 0; d < nv; d++)
            for (size_t r = 0; r < tpl->nvrules; r++) {
                double t = vdet[d] - fy.s * tpl->vrules[r];
                fit1 f;
                if (fabs(t) > limit)
                    continue;
                f = score_fit(tpl->vrules, tpl->nvrules, vdet, nv, fy.s, t, 0);
                if (f.inliers > best.inliers ||
                    (f.inliers == best.inliers && f.inliers > 0 &&
                     fabs(t) < fabs(best.t)))
                    best = f;
            }
        if (best.inliers < 1 && !page->flattened)
            return 0;
        fx = best; /* a flattened page with no usable vertical rule keeps
                      the horizontal place its paper's edges gave it */
        fx.s = fy.s;
    }
    reg->method = EXTRACT_REG_RULES;
    reg->xf.ay = fy.s;
    reg->xf.by = fy.t;
    reg->xf.ax = fx.s;
    reg->xf.bx = fx.t;
    reg->anchors = fy.inliers + fx.inliers;
    reg->error =
        sqrt((fy.rms * fy.rms * fy.inliers + fx.rms * fx.rms * fx.inliers) /
             reg->anchors) /
        fy.s;
    reg->score = (double)fy.inliers / (double)tpl->nhrules;
    residual_rotation(reg, tpl, page);
    return 1;
}

/* Shrinks box (x, y, w, h) of pixs to the rows and columns that are
 * densely inked: specks that closing glued to the QR code fall away. */
static void
trim_sparse(PIX *pixs, l_int32 *x, l_int32 *y, l_int32 *w, l_int32 *h)
{
    BOX *b = boxCreate(*x, *y, *w, *h);
    PIX *pixc = b != NULL ? pixClipRectangle(pixs, b, NULL) : NULL;
    NUMA *cols = pixc != NULL ? pixCountPixelsByColumn(pixc) : NULL;
    NUMA *rows = pixc != NULL ? pixCountPixelsByRow(pixc, NULL) : NULL;
    int x0 = 0, x1 = *w - 1, y0 = 0, y1 = *h - 1;
    l_float32 v;

    if (cols != NULL && rows != NULL) {
        while (x0 < x1 && numaGetFValue(cols, x0, &v) == 0 && v < 0.1 * *h)
            x0++;
        while (x1 > x0 && numaGetFValue(cols, x1, &v) == 0 && v < 0.1 * *h)
            x1--;
        while (y0 < y1 && numaGetFValue(rows, y0, &v) == 0 && v < 0.1 * *w)
            y0++;
        while (y1 > y0 && numaGetFValue(rows, y1, &v) == 0 && v < 0.1 * *w)
            y1--;
        *x += x0;
        *y += y0;
        *w = x1 - x0 + 1;
        *h = y1 - y0 + 1;
    }
    numaDestroy(&cols);
    numaDestroy(&rows);
    pixDestroy(&pixc);
    boxDestroy(&b);
}

/* Registers by the QR code: a dense square blob near where the template
 * has it. Returns 1 when found. */
static int
register_qr(extract_registration *reg, const extract_template *tpl,
            const ocr_page *page)
{
    int w = pixGetWidth(page->ink), h = pixGetHeight(page->ink);
    double s0 = (double)w / tpl->ref_width;
    BOX *region;
    PIX *pixr = NULL, *pixc = NULL;
    BOXA *boxa = NULL;
    double best = -1.0;
    int found = 0;

    if (!tpl->has_qr)
        return 0;
    /* Search the page's corner where the template has its code, with the
     * widest shift a scan may have. */
    region = boxCreate(0, 0, (int)(s0 * (tpl->qr.x + tpl->qr.w)) + w / 6,
                       (int)(s0 * (tpl->qr.y + tpl->qr.h)) + h / 8);
    pixr = region != NULL ? pixClipRectangle(page->ink, region, NULL) : NULL;
    boxDestroy(&region);
    if (pixr == NULL)
        return 0;
    pixc = pixCloseSafeBrick(NULL, pixr, 9, 9);
    boxa = pixc != NULL ? pixConnCompBB(pixc, 8) : NULL;
    for (int i = 0; boxa != NULL && i < boxaGetCount(boxa); i++) {
        l_int32 bx, by, bw, bh, on = 0;
        double s, fill, dist, score;
        BOX *b;
        (void)boxaGetBoxGeometry(boxa, i, &bx, &by, &bw, &bh);
        if (bw < 20 || bh < 20)
            continue;
        trim_sparse(pixr, &bx, &by, &bw, &bh);
        s = 0.5 * (bw / tpl->qr.w + bh / tpl->qr.h);
        if (s < SCALE_MIN || s > SCALE_MAX || fabs((double)bw / bh - 1) > 0.15)
            continue;
        b = boxCreate(bx, by, bw, bh);
        (void)pixCountPixelsInRect(pixr, b, &on, NULL);
        boxDestroy(&b);
        fill = (double)on / ((double)bw * bh);
        if (fill < 0.3 || fill > 0.85)
            continue; /* a QR code is about half dark */
        dist = hypot(bx - s * tpl->qr.x, by - s * tpl->qr.y) / w;
        score = 1.0 - dist;
        if (score > best) {
            best = score;
            reg->xf.ax = reg->xf.ay = s;
            reg->xf.bx = bx - s * tpl->qr.x;
            reg->xf.by = by - s * tpl->qr.y;
            found = 1;
        }
    }
    boxaDestroy(&boxa);
    pixDestroy(&pixc);
    pixDestroy(&pixr);
    if (!found)
        return 0;
    reg->method = EXTRACT_REG_QR;
    reg->anchors = 1;
    /* One anchor: its size is known to about a module's fraction. */
    reg->error = 2.0;
    reg->score = 0.5;
    return 1;
}

cs_status
extract_register(extract_registration *out, const extract_template *tpl,
                 const ocr_page *page, cs_error *err)
{
    if (out == NULL || tpl == NULL || page == NULL || page->ink == NULL)
        return cs_error_set(err, CS_EINVAL, "extract_register: bad args");
    memset(out, 0, sizeof(*out));
    if (register_rules(out, tpl, page))
        return CS_OK;
    memset(out, 0, sizeof(*out));
    if (register_qr(out, tpl, page))
        return CS_OK;
    memset(out, 0, sizeof(*out));
    out->method = EXTRACT_REG_NONE;
    return CS_OK;
}
