/*
 * flatten.c: finds the sheet of paper in a photo (its four edges against
 * the desk around it) and maps it back to an upright page, undoing the
 * perspective of a camera held at an angle.
 *
 * The edges are searched on a small thumbnail: from each border inward,
 * every scan line stops at its first strong step in brightness, which is
 * the paper's edge wherever the paper is in view (the desk is smooth; the
 * form and its data lie further in). A robust line fit per side keeps the
 * steps that line up and drops the rest (a corner out of the frame, a
 * shadow, an object on the desk).
 */
#include "ocr/ocr_internal.h"

#include <leptonica/allheaders.h>
#include <math.h>
#include <stdlib.h>

/* Long side of the thumbnail the edges are searched on. */
#define THUMB_LONG_SIDE 800
/* A step of this many gray levels across two thumbnail pixels is an edge;
 * a side not found so is searched again with the lower step (a light desk,
 * or the paper's edge in a shadow). */
#define EDGE_STEP 24
#define EDGE_STEP_LOW 12
/* Scan lines search this share of the thumbnail from their border. */
#define EDGE_DEPTH 0.3
/* A step within this distance (thumbnail pixels) of a side's line is on it. */
#define LINE_TOLERANCE 1.5
/* A side is found when this share of its scan lines agree on one line. */
#define LINE_MIN_SHARE 0.45
#define RANSAC_ROUNDS 300
/* The desk beyond a sheet's edge is darker than the paper's margin within
 * it by at least this many gray levels (median along the side). */
#define SIDE_CONTRAST 15

#define LETTER_ASPECT (OCR__LETTER_H_IN / OCR__LETTER_W_IN)

enum { SIDE_TOP, SIDE_RIGHT, SIDE_BOTTOM, SIDE_LEFT };

/* A side's line in its own coordinates: depth from the border
 * s = a + b * t, t running along the border. */
typedef struct side_line {
    double a, b;
} side_line;

typedef struct thumb {
    l_uint32 *data;
    int wpl, w, h;
} thumb;

/* The gray level at position t along a side, depth s from its border. */
static int
thumb_at(const thumb *th, int side, int t, int s)
{
    int x, y;

    switch (side) {
    case SIDE_TOP:
        x = t, y = s;
        break;
    case SIDE_BOTTOM:
        x = t, y = th->h - 1 - s;
        break;
    case SIDE_LEFT:
        x = s, y = t;
        break;
    default:
        x = th->w - 1 - s, y = t;
        break;
    }
    return GET_DATA_BYTE(th->data + (size_t)y * th->wpl, x);
}

/* The depth of the first strong step on scan line t, or -1. A step is a
 * change of level that lasts (desk to paper), not a thin line that comes
 * back to the level it left (a rule of the form on the paper). */
static int
first_step(const thumb *th, int side, int t, int depth, int step)
{
    int s;

    for (s = 1; s + 5 < depth; s++) {
        int d =
            abs(thumb_at(th, side, t, s + 1) - thumb_at(th, side, t, s - 1));
        if (d >= step) {
            /* the middle of the step: the strongest of the next few */
            int k, best = s, bestd = 0, before, after;
            for (k = s; k < s + 3; k++) {
                d = abs(thumb_at(th, side, t, k + 1) -
                        thumb_at(th, side, t, k - 1));
                if (d > bestd)
                    bestd = d, best = k;
            }
            before = thumb_at(th, side, t, best >= 3 ? best - 3 : 0);
            after = thumb_at(th, side, t, best + 3);
            if (abs(after - before) >= step / 2)
                return best;
            s = best + 1; /* a line: look further */
        }
    }
    return -1;
}

/* A small deterministic generator: the same photo always gives the same
 * fit. */
static unsigned
next_rand(unsigned *state)
{
    *state = *state * 1103515245u + 12345u;
    return (*state >> 8) & 0xffffffu;
}

static int
count_inliers(const int *ts, const int *ss, int n, double a, double b)
{
    int i, c = 0;

    for (i = 0; i < n; i++)
        if (fabs(ss[i] - (a + b * ts[i])) <= LINE_TOLERANCE)
            c++;
    return c;
}

/* Least squares over the points within tolerance of (a, b). */
static int
refit(side_line *out, const int *ts, const int *ss, int n, double a, double b)
{
    double st = 0, ss_ = 0, stt = 0, sts = 0, m = 0, den;
    int i;

    for (i = 0; i < n; i++) {
        if (fabs(ss[i] - (a + b * ts[i])) > LINE_TOLERANCE)
            continue;
        st += ts[i], ss_ += ss[i];
        stt += (double)ts[i] * ts[i], sts += (double)ts[i] * ss[i];
        m += 1;
    }
    den = m * stt - st * st;
    if (m < 2 || fabs(den) < 1e-9)
        return 0;
    out->b = (m * sts - st * ss_) / den;
    out->a = (ss_ - out->b * st) / m;
    return 1;
}

/* Fits one side's line; 0 when too few scan lines agree. */
static int
find_side(side_line *out, const thumb *th, int side, int step)
{
    int along = side == SIDE_TOP || side == SIDE_BOTTOM ? th->w : th->h;
    int across = side == SIDE_TOP || side == SIDE_BOTTOM ? th->h : th->w;
    int depth = (int)(across * EDGE_DEPTH);
    int lo = along / 20, hi = along - along / 20, n = 0, best = 0, r, t;
    int *ts = malloc(sizeof(int) * (size_t)along);
    int *ss = malloc(sizeof(int) * (size_t)along);
    unsigned seed = 12345u + (unsigned)side;
    double ba = 0, bb = 0;
    int ok = 0;

    if (ts == NULL || ss == NULL)
        goto cleanup;
    for (t = lo; t < hi; t++) {
        int s = first_step(th, side, t, depth, step);
        if (s >= 0)
            ts[n] = t, ss[n] = s, n++;
    }
    if (n < 2 || n < (hi - lo) * LINE_MIN_SHARE)
        goto cleanup;
    for (r = 0; r < RANSAC_ROUNDS; r++) {
        int i = (int)(next_rand(&seed) % (unsigned)n);
        int j = (int)(next_rand(&seed) % (unsigned)n);
        double a, b;
        int c;
        if (abs(ts[i] - ts[j]) < (hi - lo) / 4)
            continue;
        b = (double)(ss[j] - ss[i]) / (ts[j] - ts[i]);
        a = ss[i] - b * ts[i];
        if (fabs(b) > 0.2) /* the paper's edges run near the frame's */
            continue;
        c = count_inliers(ts, ss, n, a, b);
        if (c > best)
            best = c, ba = a, bb = b;
    }
    if (best < (hi - lo) * LINE_MIN_SHARE || !refit(out, ts, ss, n, ba, bb))
        goto cleanup;
    ok = count_inliers(ts, ss, n, out->a, out->b) >= (hi - lo) * LINE_MIN_SHARE;
cleanup:
    free(ts);
    free(ss);
    return ok;
}

/* 1 when what lies beyond the side's line (the desk) is darker than what
 * lies just within it (the paper's margin) along most of the side: then
 * the line is the sheet's edge, not a rule of a form on a page that fills
 * the image (outside such a rule is the page's white margin, at least as
 * light as the form within); -1 when it is not; 0 when the line runs too
 * close to the frame to tell (scan lines whose outside is out of the
 * frame do not count). */
static int
side_contrasted(const thumb *th, int side, const side_line *ln)
{
    int along = side == SIDE_TOP || side == SIDE_BOTTOM ? th->w : th->h;
    int across = side == SIDE_TOP || side == SIDE_BOTTOM ? th->h : th->w;
    int diffs[256], n = 0, t, k, i, j;

    for (t = along / 10; t < along - along / 10 && n < 256; t += 4) {
        int s = (int)lround(ln->a + ln->b * t), in = 0, out = 0;
        if (s - 6 < 0 || s + 6 >= across)
            continue;
        for (k = 2; k <= 6; k++) {
            out += thumb_at(th, side, t, s - k);
            in += thumb_at(th, side, t, s + k);
        }
        diffs[n++] = (in - out) / 5;
    }
    if (n < 8)
        return 0;
    for (i = 1; i < n; i++) /* insertion sort: n is small */
        for (j = i; j > 0 && diffs[j - 1] > diffs[j]; j--) {
            int tmp = diffs[j];
            diffs[j] = diffs[j - 1];
            diffs[j - 1] = tmp;
        }
    return diffs[n / 2] >= SIDE_CONTRAST ? 1 : -1;
}

/* Where a near-horizontal line y = c0 + c1 x meets a near-vertical one
 * x = d0 + d1 y. */
static void
intersect(double *x, double *y, double c0, double c1, double d0, double d1)
{
    *x = (d0 + d1 * c0) / (1.0 - d1 * c1);
    *y = c0 + c1 * *x;
}

static double
dist(double x0, double y0, double x1, double y1)
{
    return hypot(x1 - x0, y1 - y0);
}

/* 1 when q is convex, clockwise, inside the image (give or take a few
 * percent: a corner may be just out of the frame), and shaped like a
 * letter page. */
static int
quad_plausible(const ocr__quad *q, int w, int h)
{
    double top, bottom, left, right, aspect;
    int i;

    for (i = 0; i < 4; i++) {
        double ax = q->x[(i + 1) % 4] - q->x[i],
               ay = q->y[(i + 1) % 4] - q->y[i];
        double bx = q->x[(i + 2) % 4] - q->x[(i + 1) % 4];
        double by = q->y[(i + 2) % 4] - q->y[(i + 1) % 4];
        if (ax * by - ay * bx <= 0) /* clockwise in image coordinates */
            return 0;
        if (q->x[i] < -0.05 * w || q->x[i] > 1.05 * w || q->y[i] < -0.05 * h ||
            q->y[i] > 1.05 * h)
            return 0;
    }
    top = dist(q->x[0], q->y[0], q->x[1], q->y[1]);
    right = dist(q->x[1], q->y[1], q->x[2], q->y[2]);
    bottom = dist(q->x[2], q->y[2], q->x[3], q->y[3]);
    left = dist(q->x[3], q->y[3], q->x[0], q->y[0]);
    if (top < 0.4 * w || bottom < 0.4 * w || left < 0.4 * h || right < 0.4 * h)
        return 0;
    aspect = (left + right) / (top + bottom);
    return aspect > LETTER_ASPECT * 0.88 && aspect < LETTER_ASPECT * 1.12;
}

/* The corners of the quadrilateral the four sides' lines bound, in
 * thumbnail image coordinates, clockwise from the top left. */
static void
quad_corners(ocr__quad *q, const side_line *line, const thumb *th)
{
    /* horizontal sides as y = c0 + c1 x, vertical ones as x = d0 + d1 y */
    double c0[2] = {line[SIDE_TOP].a, th->h - 1 - line[SIDE_BOTTOM].a},
           c1[2] = {line[SIDE_TOP].b, -line[SIDE_BOTTOM].b},
           d0[2] = {line[SIDE_LEFT].a, th->w - 1 - line[SIDE_RIGHT].a},
           d1[2] = {line[SIDE_LEFT].b, -line[SIDE_RIGHT].b};

    intersect(&q->x[0], &q->y[0], c0[0], c1[0], d0[0], d1[0]);
    intersect(&q->x[1], &q->y[1], c0[0], c1[0], d0[1], d1[1]);
    intersect(&q->x[2], &q->y[2], c0[1], c1[1], d0[1], d1[1]);
    intersect(&q->x[3], &q->y[3], c0[1], c1[1], d0[0], d1[0]);
}

int
ocr__quad_find(ocr__quad *out, PIX *pixs)
{
    PIX *lum = NULL, *small = NULL, *smooth = NULL;
    side_line line[4];
    thumb th;
    double fx, fy;
    int w, h, d, i, contrasted, cut, found = 0;
    float f;

    if (out == NULL || pixs == NULL)
        return 0;
    pixGetDimensions(pixs, &w, &h, &d);
    if (d != 8 && d != 32)
        return 0;
    /* the thumbnail first, its luminance then: far fewer pixels */
    f = (float)THUMB_LONG_SIDE / (float)(w > h ? w : h);
    small = f < 1.0f ? pixScaleAreaMap(pixs, f, f) : pixClone(pixs);
    lum = small == NULL              ? NULL
          : pixGetDepth(small) == 32 ? pixConvertRGBToLuminance(small)
                                     : pixClone(small);
    smooth = lum != NULL ? pixBlockconv(lum, 1, 1) : NULL;
    if (smooth == NULL)
        goto cleanup;
    th.data = pixGetData(smooth);
    th.wpl = pixGetWpl(smooth);
    th.w = pixGetWidth(smooth);
    th.h = pixGetHeight(smooth);
    if (th.w < 40 || th.h < 40)
        goto cleanup;
    for (i = 0; i < 4; i++)
        if (!find_side(&line[i], &th, i, EDGE_STEP) &&
            !find_side(&line[i], &th, i, EDGE_STEP_LOW))
            goto cleanup;
    /* Every side the desk's contrast can be judged on has it, and at
     * least two do. Otherwise this is a scan, a sheet filling the photo,
     * or a sheet the frame cuts. When the frame cuts one side only, the
     * other three showing the desk, what was found on that side is a
     * line of the form, which runs along the sheet's edge a little
     * within it: flattened to it, the page loses its perspective but is
     * a little too wide (or long), which registration on the form's
     * rules takes out as a scale. */
    for (i = 0, contrasted = 0, cut = -1; i < 4; i++) {
        int c = side_contrasted(&th, i, &line[i]);
        if (c < 0 && cut >= 0)
            goto cleanup;
        if (c < 0)
            cut = i;
        contrasted += c > 0;
    }
    if (contrasted < 2 || (cut >= 0 && contrasted < 3))
        goto cleanup;
    quad_corners(out, line, &th);
    out->cut = cut >= 0;
    /* thumbnail pixel centers back to source pixels */
    fx = (double)w / th.w, fy = (double)h / th.h;
    for (i = 0; i < 4; i++) {
        out->x[i] = (out->x[i] + 0.5) * fx - 0.5;
        out->y[i] = (out->y[i] + 0.5) * fy - 0.5;
    }
    found = quad_plausible(out, w, h);
cleanup:
    pixDestroy(&lum);
    pixDestroy(&small);
    pixDestroy(&smooth);
    return found;
}

double
ocr__quad_keystone(const ocr__quad *q)
{
    /* a parallelogram's diagonals share their midpoint */
    return hypot(q->x[0] + q->x[2] - q->x[1] - q->x[3],
                 q->y[0] + q->y[2] - q->y[1] - q->y[3]);
}

double
ocr__quad_width(const ocr__quad *q)
{
    return 0.5 * (dist(q->x[0], q->y[0], q->x[1], q->y[1]) +
                  dist(q->x[3], q->y[3], q->x[2], q->y[2]));
}

cs_status
ocr__quad_flatten(PIX **out, PIX *pixs, const ocr__quad *q, int dpi,
                  cs_error *err)
{
    PTA *ptas = NULL, *ptad = NULL;
    PIX *canvas = NULL, *pixw = NULL;
    BOX *box = NULL;
    int w, h, dw = (int)lround(OCR__LETTER_W_IN * dpi),
              dh = (int)lround(OCR__LETTER_H_IN * dpi), i;
    cs_status rc = CS_OK;

    *out = NULL;
    pixGetDimensions(pixs, &w, &h, NULL);
    /* Leptonica's transform makes an image of its source's size: widen
     * the source to hold the page (one resampling, straight to dpi). */
    canvas = w >= dw && h >= dh
                 ? pixClone(pixs)
                 : pixAddBorderGeneral(
                       pixs, 0, w < dw ? dw - w : 0, 0, h < dh ? dh - h : 0,
                       pixGetDepth(pixs) == 32 ? 0xffffff00 : 0xff);
    ptas = ptaCreate(4);
    ptad = ptaCreate(4);
    if (canvas == NULL || ptas == NULL || ptad == NULL)
        goto nomem;
    for (i = 0; i < 4; i++)
        ptaAddPt(ptas, (l_float32)q->x[i], (l_float32)q->y[i]);
    ptaAddPt(ptad, 0.0f, 0.0f);
    ptaAddPt(ptad, (l_float32)(dw - 1), 0.0f);
    ptaAddPt(ptad, (l_float32)(dw - 1), (l_float32)(dh - 1));
    ptaAddPt(ptad, 0.0f, (l_float32)(dh - 1));
    pixw = pixProjectivePta(canvas, ptad, ptas, L_BRING_IN_WHITE);
    box = boxCreate(0, 0, dw, dh);
    if (pixw == NULL || box == NULL)
        goto nomem;
    *out = pixClipRectangle(pixw, box, NULL);
    if (*out == NULL)
        goto nomem;
    pixSetResolution(*out, dpi, dpi);
    goto cleanup;
nomem:
    rc = cs_error_set(err, CS_ENOMEM, "out of memory correcting perspective");
cleanup:
    ptaDestroy(&ptas);
    ptaDestroy(&ptad);
    pixDestroy(&canvas);
    pixDestroy(&pixw);
    boxDestroy(&box);
    return rc;
}
