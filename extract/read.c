/*
 * read.c: zonal reading. The page's data ink is cut into connected
 * components; each is given to the field whose zone (registered, and
 * shifted by the printer's measured offset) it falls in; a text field is
 * then read by Tesseract in the tight rectangle around its own ink, and a
 * check box group is decided by comparing the ink in its boxes.
 */
#include "extract/extract_internal.h"

#include <ctype.h>
#include <leptonica/allheaders.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TWO_PI 6.283185307179586

/* A component of data ink, in page pixels, with its center in reference
 * pixels. */
typedef struct comp {
    int x, y, w, h;
    double rx, ry;
    int index; /* its image in the reader's pixa */
    int big;   /* large enough to be a character rather than a speck */
    int field; /* index of the owning field, -1 when none */
} comp;

/* A place where a field's ink is expected (a cell or a check box). */
typedef struct spot {
    extract_zone z; /* reference pixels, shifted by the printer offset */
    int field;
} spot;

/* The page's components and the geometry shared while reading it. */
typedef struct reader {
    const extract_template *tpl;
    extract_transform xf;
    double dx, dy; /* printer offset, reference pixels */
    int mono;      /* the print has a fixed pitch (its rhythm is clear) */
    int hand;      /* the page was filled by hand (written_by_hand) */
    const struct tm *today; /* readings are judged as of today */
    int off_grid;           /* printed off the grid by whole cells or lines */
    comp *comps;
    size_t ncomps;
    PIXA *pixa; /* the components' own pixels */
    spot *spots;
    size_t nspots;
    struct shape_memo *memo; /* the characters read by shape so far */
    struct seen_chars *seen; /* characters read so far (note_chars) */
} reader;

/* What the shape networks said of character (x, y, w, h) of field f: the
 * same characters are weighed on each rendering a page is read again on,
 * and their ink does not change. */
#define SHAPE_DIGIT 1 /* p holds ocr_digit_read's reading */
#define SHAPE_GLYPH 2 /* q holds ocr_glyph_read's reading */
typedef struct shape_seen {
    int f, x, y, w, h;
    int read; /* SHAPE_DIGIT, SHAPE_GLYPH: which of p, q are filled */
    double p[OCR_DIGIT_CLASSES];
    double q[OCR_GLYPH_CLASSES];
} shape_seen;

typedef struct shape_memo {
    shape_seen *seen;
    size_t n, cap;
} shape_memo;

/* A character OCR read (note_chars): one to settle (settle_lookalikes),
 * an example of how the page's print writes it, or both. */
typedef struct seen_char {
    int f;
    comp g;
    char ch;
    int settle;  /* in a code or digits-only field: to be settled */
    int example; /* read surely where its kind is known */
    int letters; /* settled among letters too (a code), not digits only */
    size_t nth;  /* its place among its field's characters (blanks aside) */
    char to;     /* settled as this look-alike ('\0': as read) */
    size_t len;  /* its field's characters (blanks aside) when settled */
} seen_char;

typedef struct seen_chars {
    seen_char *v;
    size_t n, cap;
    /* the whole look of v[i] (look_whole), known when known[i] is 1 (-1:
     * it has none), for the first nknown */
    extract_look *look;
    signed char *known;
    size_t nknown;
} seen_chars;

/* The template's image ref (labels, or their thin part) registered onto
 * the page: scaled and placed about the form's middle, then turned by the
 * residual rotation about that point. NULL when out of memory. */
static PIX *
place_reference(PIX *ref, const extract_template *tpl,
                const extract_transform *xf, int w, int h)
{
    double Xc = 0.5 * tpl->ref_width, Yc = 0.5 * tpl->ref_height, cx, cy;
    PIX *scaled = pixScale(ref, (l_float32)xf->ax, (l_float32)xf->ay);
    PIX *mask = scaled != NULL ? pixCreate(w, h, 1) : NULL;

    extract_transform_map(xf, Xc, Yc, &cx, &cy);
    if (mask != NULL)
        (void)pixRasterop(mask, (int)lround(cx - xf->ax * Xc),
                          (int)lround(cy - xf->ay * Yc), pixGetWidth(scaled),
                          pixGetHeight(scaled), PIX_SRC, scaled, 0, 0);
    if (mask != NULL && fabs(xf->ky) > 1e-5) {
        PIX *turned = pixRotateBySampling(
            mask, (int)lround(cx), (int)lround(cy),
            (l_float32)atan(xf->ky / xf->ax), L_BRING_IN_WHITE);
        pixDestroy(&mask);
        mask = turned;
    }
    pixDestroy(&scaled);
    return mask;
}

/* Erases the template's printed labels (registered onto the page) from the
 * data image; rules are removed already. */
static cs_status
erase_labels(ocr_page *page, const extract_template *tpl,
             const extract_transform *xf, cs_error *err)
{
    int w = pixGetWidth(page->data), h = pixGetHeight(page->data);
    PIX *mask, *thin = NULL;
    cs_status rc;

    if (tpl->labels == NULL)
        return CS_OK;
    mask = place_reference(tpl->labels, tpl, xf, w, h);
    /* only a black-and-white page keeps data by its thickness */
    if (page->kind == OCR_SCAN_BW)
        thin = place_reference(tpl->labels_thin, tpl, xf, w, h);
    rc = mask != NULL && (thin != NULL || page->kind != OCR_SCAN_BW)
             ? ocr_page_erase(page, mask, thin, err)
             : cs_error_set(err, CS_ENOMEM, "out of memory erasing labels");
    pixDestroy(&mask);
    pixDestroy(&thin);
    return rc;
}

/* 1 when c is a piece of a form rule the rule removal left: flat and
 * long, or thin and taller than any character. */
static int
rule_fragment(const reader *rd, const comp *c)
{
    double px = rd->tpl->pitch_x * rd->xf.ax, py = rd->tpl->pitch_y * rd->xf.ay;

    if (c->h <= 0.12 * py && c->w >= 1.2 * px)
        return 1;
    if (c->w <= 0.17 * px && c->h >= 0.8 * py)
        return 1;
    return 0;
}

/* Collects the page's data components of plausible size. */
static cs_status
collect_comps(reader *rd, const ocr_page *page, cs_error *err)
{
    BOXA *boxa = pixConnComp(page->data, &rd->pixa, 8);
    int n = boxa != NULL ? boxaGetCount(boxa) : 0;
    double maxh = 1.8 * rd->tpl->pitch_y * rd->xf.ay;
    double maxw = 8.0 * rd->tpl->pitch_x * rd->xf.ax;

    if (boxa == NULL)
        return cs_error_set(err, CS_ENOMEM, "out of memory finding ink");
    rd->comps = calloc((size_t)n + 1, sizeof(*rd->comps));
    if (rd->comps == NULL) {
        boxaDestroy(&boxa);
        return cs_error_set(err, CS_ENOMEM, "out of memory finding ink");
    }
    for (int i = 0; i < n; i++) {
        comp *c = &rd->comps[rd->ncomps];
        (void)boxaGetBoxGeometry(boxa, i, &c->x, &c->y, &c->w, &c->h);
        c->index = i;
        /* Specks, and what is too large to be a character (the QR code,
         * rule remains, photos' shadows). */
        if (c->w * c->h < 9 || (c->w < 3 && c->h < 3) || c->h > maxh ||
            c->w > maxw)
            continue;
        if (rule_fragment(rd, c))
            continue;
        c->big = c->h >= 0.3 * rd->tpl->pitch_y * rd->xf.ay;
        extract_transform_unmap(&rd->xf, c->x + 0.5 * c->w, c->y + 0.5 * c->h,
                                &c->rx, &c->ry);
        c->field = -1;
        if (rd->tpl->has_qr && c->rx < rd->tpl->qr.x + rd->tpl->qr.w + 10 &&
            c->ry < rd->tpl->qr.y + rd->tpl->qr.h + 10)
            continue; /* the QR code's modules */
        rd->ncomps++;
    }
    boxaDestroy(&boxa);
    return CS_OK;
}

/* The page's data components: its labels erased (on a page registered by
 * its rules, where they are still there), then collected. */
static cs_status
find_ink(reader *rd, ocr_page *page, const extract_result *res, cs_error *err)
{
    cs_status rc;

    if (res->reg.method == EXTRACT_REG_RULES && page->kind != OCR_SCAN_COLOR) {
        rc = erase_labels(page, rd->tpl, &rd->xf, err);
        if (rc != CS_OK)
            return rc;
    }
    return collect_comps(rd, page, err);
}

/* 1 when the print came out broken into specks: characters, not specks,
 * hold most of a page's data ink (87-99% of its components' area on
 * generated scans of every kind in three fonts, 90-99% on hand-filled
 * ones), but a thin font (Courier) dithered on a fax, or blurred on a
 * color scan, left them 39-60%, and a thin pen on a gray scan 76-83%.
 * Judged on pages with enough ink to tell. */
#define BROKEN_MIN_COMPS 50
#define BROKEN_BIG_SHARE 0.85
static int
broken_print(const reader *rd)
{
    double big = 0.0, all = 0.0;

    if (rd->ncomps < BROKEN_MIN_COMPS)
        return 0;
    for (size_t i = 0; i < rd->ncomps; i++) {
        double a = (double)rd->comps[i].w * rd->comps[i].h;
        all += a;
        if (rd->comps[i].big)
            big += a;
    }
    return big < BROKEN_BIG_SHARE * all;
}

/* Measures the printer's offset from the grid: the circular mean of the
 * characters' centers modulo the pitch. Proportional text gives no
 * horizontal rhythm; the offset is then 0. */
static void
measure_offset(reader *rd)
{
    const extract_template *tpl = rd->tpl;
    double sx = 0, cx = 0, sy = 0, cy = 0;
    size_t n = 0;
    double minh = 0.35 * tpl->pitch_y * rd->xf.ay;

    for (size_t i = 0; i < rd->ncomps; i++) {
        const comp *c = &rd->comps[i];
        double px, py;
        if (c->h < minh)
            continue;
        px = (c->rx - tpl->grid_x0) / tpl->pitch_x - 0.5;
        py = (c->ry - tpl->grid_y0) / tpl->pitch_y - 0.5;
        sx += sin(TWO_PI * px);
        cx += cos(TWO_PI * px);
        sy += sin(TWO_PI * py);
        cy += cos(TWO_PI * py);
        n++;
    }
    rd->dx = rd->dy = 0.0;
    if (n < 10)
        return;
    if (hypot(sy, cy) / n > 0.3)
        rd->dy = tpl->pitch_y * atan2(sy, cy) / TWO_PI;
    if (hypot(sx, cx) / n > 0.4)
        rd->dx = tpl->pitch_x * atan2(sx, cx) / TWO_PI;
    rd->mono = hypot(sx, cx) / n > 0.6;
}

static cs_status
build_spots(reader *rd, cs_error *err)
{
    const extract_template *tpl = rd->tpl;
    size_t n = 0;

    for (size_t i = 0; i < tpl->nfields; i++)
        n += tpl->fields[i].ncells + tpl->fields[i].noptions;
    rd->spots = calloc(n + 1, sizeof(*rd->spots));
    if (rd->spots == NULL)
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    for (size_t i = 0; i < tpl->nfields; i++) {
        const extract_field_def *f = &tpl->fields[i];
        for (size_t k = 0; k < f->ncells + f->noptions; k++) {
            spot *s = &rd->spots[rd->nspots++];
            s->z = k < f->ncells ? f->cells[k] : f->options[k - f->ncells].cell;
            s->z.x += rd->dx;
            s->z.y += rd->dy;
            s->field = (int)i;
        }
    }
    return CS_OK;
}

/* How far (in pitches) point (x, y) lies outside zone z, per axis. */
static void
zone_distance(double *ddx, double *ddy, const extract_template *tpl,
              extract_zone z, double x, double y)
{
    double ox = fmax(fmax(z.x - x, x - (z.x + z.w)), 0.0);
    double oy = fmax(fmax(z.y - y, y - (z.y + z.h)), 0.0);

    *ddx = ox / tpl->pitch_x;
    *ddy = oy / tpl->pitch_y;
}

/* Gives each component to the nearest spot that tolerates it. */
static void
assign_comps(reader *rd)
{
    for (size_t i = 0; i < rd->ncomps; i++) {
        comp *c = &rd->comps[i];
        double best = 1e9;
        if (!c->big)
            continue;
        for (size_t k = 0; k < rd->nspots; k++) {
            const spot *s = &rd->spots[k];
            double ddx, ddy, d, cyd;
            zone_distance(&ddx, &ddy, rd->tpl, s->z, c->rx, c->ry);
            if (ddx > 0.6 || ddy > 0.45)
                continue;
            /* Prefer the zone whose middle line is nearest. */
            cyd = fabs(c->ry - (s->z.y + 0.5 * s->z.h)) / rd->tpl->pitch_y;
            d = ddx + 2.0 * ddy + 0.1 * cyd;
            if (d < best) {
                best = d;
                c->field = s->field;
            }
        }
    }
}

/* Ink no field took lying this close (in pitches across, lines up or
 * down) to an empty text field: data printed off its line that the field
 * missed. */
#define BESIDE_MAX_DX 0.6
#define BESIDE_MAX_DY 1.0
/* Or this many pieces, each at least this share of a line high, inside
 * it: what is left of characters printed onto a rule or a label, whose
 * removal took the rest. */
#define PIECES_MIN 3
#define PIECE_MIN_H 0.15
/* On a hand-filled page one piece is enough: a thin pen stroke breaks
 * into pieces, and a small 0 may leave nothing bigger. */
#define HAND_PIECES_MIN 1

/* 1 when c's center lies outside every cell of the field it was given
 * (by its word, or by growing along its line). */
static int
astray(const reader *rd, const comp *c)
{
    for (size_t k = 0; k < rd->nspots; k++) {
        double ddx, ddy;
        if (rd->spots[k].field != c->field)
            continue;
        zone_distance(&ddx, &ddy, rd->tpl, rd->spots[k].z, c->rx, c->ry);
        if (ddx == 0.0 && ddy == 0.0)
            return 0;
    }
    return 1;
}

/* Marks every empty text field with ink that no field took just outside
 * it, or with pieces of characters inside it (extract_field.ink_beside):
 * a field read as empty must not be one whose data went astray. */
static void
mark_ink_beside(const reader *rd, extract_result *res)
{
    int *pieces = calloc(res->nfields, sizeof(*pieces));

    for (size_t i = 0; i < rd->ncomps; i++) {
        const comp *c = &rd->comps[i];
        /* Ink a field took from outside its cells may be another's. */
        if (c->field >= 0 && !(c->big && astray(rd, c)))
            continue;
        for (size_t k = 0; k < rd->nspots; k++) {
            const spot *sp = &rd->spots[k];
            extract_field *f = &res->fields[sp->field];
            double ddx, ddy;
            if (f->has_ink || sp->field == c->field ||
                rd->tpl->fields[sp->field].kind == EXTRACT_KIND_CHECK)
                continue;
            zone_distance(&ddx, &ddy, rd->tpl, sp->z, c->rx, c->ry);
            if (c->big && ddx <= BESIDE_MAX_DX && ddy <= BESIDE_MAX_DY)
                f->ink_beside = 1;
            /* Pieces of characters a rule or a label took the rest of. */
            if (!c->big && pieces != NULL && ddx == 0.0 && ddy == 0.0 &&
                c->h >= PIECE_MIN_H * rd->tpl->pitch_y * rd->xf.ay &&
                ++pieces[sp->field] >=
                    (res->poor_print ? HAND_PIECES_MIN : PIECES_MIN))
                f->ink_beside = 1;
        }
    }
    free(pieces);
}

/* 1 when c and o stand on one text line (they overlap vertically by half
 * the smaller's height) no more than gap pixels apart. */
static int
line_neighbours(const comp *c, const comp *o, double gap)
{
    int ov = (c->y + c->h < o->y + o->h ? c->y + c->h : o->y + o->h) -
             (c->y > o->y ? c->y : o->y);

    return 2 * ov >= (c->h < o->h ? c->h : o->h) &&
           c->x - (o->x + o->w) <= gap && o->x - (c->x + c->w) <= gap;
}

/* 1 for a character-sized component that may join a word: not a check
 * box's mark. */
static int
word_char(const reader *rd, const comp *c)
{
    return c->big && (c->field < 0 ||
                      rd->tpl->fields[c->field].kind != EXTRACT_KIND_CHECK);
}

/* The root of i's word in the union-find forest word. */
static int
word_root(const int *word, int i)
{
    while (word[i] != i)
        i = word[i];
    return i;
}

/* Characters closer than this (share of a pitch) belong to one word. */
#define WORD_GAP 0.3

/* A word goes to one field: the one holding most of its characters'
 * width. Text typed off the grid (a character's width or more) has its
 * first letters nearer the field to its left than its own: without this,
 * they were read into that field and lost from their own. But two fields'
 * texts typed close together look like one word too: every field a word
 * spanned is marked (extract_field.word_split) for review. */
static void
join_words(reader *rd, extract_result *res)
{
    double gap = WORD_GAP * rd->tpl->pitch_x * rd->xf.ax;
    size_t n = rd->ncomps;
    int *word = malloc(n * sizeof(*word));
    double *width;

    if (word == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        word[i] = (int)i;
    /* Union on the same line and within gap (a quadratic pass: a page
     * holds at most a few thousand components). */
    for (size_t i = 0; i < n; i++) {
        if (!word_char(rd, &rd->comps[i]))
            continue;
        for (size_t k = i + 1; k < n; k++) {
            int a, b;
            if (!word_char(rd, &rd->comps[k]) ||
                !line_neighbours(&rd->comps[i], &rd->comps[k], gap))
                continue;
            a = word_root(word, (int)i);
            b = word_root(word, (int)k);
            if (a != b)
                word[b] = a;
        }
    }
    /* Every component points at its word's root from here on. */
    for (size_t k = 0; k < n; k++)
        word[k] = word_root(word, (int)k);
    width = calloc(rd->tpl->nfields, sizeof(*width));
    for (size_t i = 0; width != NULL && i < n; i++) {
        int best = -1;
        if (word[i] != (int)i)
            continue;
        /* i is a word's root: weigh its fields */
        memset(width, 0, rd->tpl->nfields * sizeof(*width));
        for (size_t k = 0; k < n; k++)
            if (word[k] == (int)i && rd->comps[k].field >= 0)
                width[rd->comps[k].field] += rd->comps[k].w;
        for (size_t f = 0; f < rd->tpl->nfields; f++)
            if (width[f] > 0.0 && (best < 0 || width[f] > width[best]))
                best = (int)f;
        if (best < 0)
            continue;
        for (size_t f = 0; f < rd->tpl->nfields; f++)
            if (width[f] > 0.0 && (int)f != best)
                res->fields[f].word_split = res->fields[best].word_split = 1;
        for (size_t k = 0; k < n; k++)
            if (word[k] == (int)i && rd->comps[k].big)
                rd->comps[k].field = best;
    }
    free(width);
    free(word);
}

/* A printer offset beyond this share of a line is near half a line,
 * where the data could belong to the line above as well as below. */
#define OFFSET_AMBIGUOUS 0.3

/* Big components assign_comps() gives a field, for the current spots;
 * the components are left unassigned. */
static size_t
assigned_count(reader *rd)
{
    size_t n = 0;

    assign_comps(rd);
    for (size_t i = 0; i < rd->ncomps; i++) {
        n += rd->comps[i].big && rd->comps[i].field >= 0;
        rd->comps[i].field = -1;
    }
    return n;
}

/* The offset measured is a phase: data printed half a line low looks
 * as much half a line high. Near half a line, keeps whichever of the two
 * gives more of the ink a field (spots are rebuilt for it). */
static void
choose_offset_line(reader *rd)
{
    double pitch = rd->tpl->pitch_y, other;
    size_t here, there;

    if (fabs(rd->dy) <= OFFSET_AMBIGUOUS * pitch)
        return;
    here = assigned_count(rd);
    other = rd->dy > 0 ? rd->dy - pitch : rd->dy + pitch;
    for (size_t k = 0; k < rd->nspots; k++)
        rd->spots[k].z.y += other - rd->dy;
    there = assigned_count(rd);
    if (there > here) {
        rd->dy = other;
        return;
    }
    for (size_t k = 0; k < rd->nspots; k++)
        rd->spots[k].z.y -= other - rd->dy;
}

/* Data typed off the grid by whole characters or lines (a sheet fed
 * askew into a printer, a form typed on a typewriter) measures the same
 * phase as data on it, and was read into its neighbours' fields, or
 * none: the offset's whole cells and lines are found where the texts
 * begin. A text begins where a character has no other within TEXT_GAP
 * pitches to its left on its line; on the grid, texts begin at their
 * fields' first cells (and marks in their boxes). The whole shift, within
 * OFFSET_CELLS_MAX and a half cells and OFFSET_LINES_MAX and a half lines
 * of the grid, at which most begin there is taken when it is clearly
 * more than at none: at least OFFSET_MIN_STARTS and OFFSET_MIN_SHARE of
 * the beginnings, OFFSET_CLEARLY times as many. Printed pages off by 1-4
 * cells and a line begin there 81-90% at their shift and 0-12% at none;
 * pages on the grid (generated scans of every kind, hand-filled too)
 * 70-90% at none and less at any shift. */
#define TEXT_GAP 1.6
#define OFFSET_CELLS_MAX 5
#define OFFSET_LINES_MAX 1
#define OFFSET_MIN_STARTS 8
#define OFFSET_MIN_SHARE 0.3
#define OFFSET_CLEARLY 2

/* How many of the n text beginnings starts lie at a field's first cell
 * (or a check box) when the spots are shifted by (sx, sy) reference
 * pixels. */
static size_t
starts_on_grid(const reader *rd, const comp *const *starts, size_t n, double sx,
               double sy)
{
    const extract_template *tpl = rd->tpl;
    size_t count = 0;

    for (size_t i = 0; i < n; i++) {
        const comp *c = starts[i];
        for (size_t k = 0; k < rd->nspots; k++) {
            const spot *s = &rd->spots[k];
            int check = tpl->fields[s->field].kind == EXTRACT_KIND_CHECK;
            double ax =
                s->z.x + sx + (check ? 0.5 * s->z.w : 0.5 * tpl->pitch_x);
            double ay = s->z.y + sy + 0.5 * s->z.h;
            if (fabs(c->rx - ax) <= 0.5 * tpl->pitch_x &&
                fabs(c->ry - ay) <= 0.5 * tpl->pitch_y) {
                count++;
                break;
            }
        }
    }
    return count;
}

/* Shifts the spots (and rd->dx, rd->dy) by the whole cells and lines the
 * print is off the grid, if any. */
static void
choose_offset_cells(reader *rd)
{
    const extract_template *tpl = rd->tpl;
    double gap = TEXT_GAP * tpl->pitch_x * rd->xf.ax;
    const comp **starts = malloc((rd->ncomps + 1) * sizeof(*starts));
    size_t n = 0, here, best = 0;
    int bj = 0, bk = 0;

    if (starts == NULL)
        return;
    for (size_t i = 0; i < rd->ncomps; i++) {
        const comp *c = &rd->comps[i];
        int first = c->big;
        for (size_t k = 0; first && k < rd->ncomps; k++) {
            const comp *o = &rd->comps[k];
            first = !(k != i && o->big && o->x < c->x &&
                      line_neighbours(c, o, gap));
        }
        if (first)
            starts[n++] = c;
    }
    here = starts_on_grid(rd, starts, n, 0.0, 0.0);
    for (int k = -OFFSET_LINES_MAX - 1; k <= OFFSET_LINES_MAX + 1; k++)
        for (int j = -OFFSET_CELLS_MAX - 1; j <= OFFSET_CELLS_MAX + 1; j++) {
            size_t m;
            if (fabs(rd->dx + j * tpl->pitch_x) >
                    (OFFSET_CELLS_MAX + 0.5) * tpl->pitch_x ||
                fabs(rd->dy + k * tpl->pitch_y) >
                    (OFFSET_LINES_MAX + 0.5) * tpl->pitch_y)
                continue;
            m = starts_on_grid(rd, starts, n, j * tpl->pitch_x,
                               k * tpl->pitch_y);
            if (m > best ||
                (m == best && abs(j) + abs(k) < abs(bj) + abs(bk))) {
                best = m;
                bj = j;
                bk = k;
            }
        }
    free(starts);
    if (best < OFFSET_MIN_STARTS || best < OFFSET_MIN_SHARE * n ||
        best < OFFSET_CLEARLY * here)
        return;
    rd->off_grid = bj != 0 || bk != 0;
    rd->dx += bj * tpl->pitch_x;
    rd->dy += bk * tpl->pitch_y;
    for (size_t k = 0; k < rd->nspots; k++) {
        rd->spots[k].z.x += bj * tpl->pitch_x;
        rd->spots[k].z.y += bk * tpl->pitch_y;
    }
}

/* The bounding box (page pixels) of field f's components; 0 when none. */
static int
field_bbox(ocr_rect *out, const reader *rd, int f)
{
    int x0 = 1 << 30, y0 = 1 << 30, x1 = -1, y1 = -1;

    for (size_t i = 0; i < rd->ncomps; i++) {
        const comp *c = &rd->comps[i];
        if (c->field != f)
            continue;
        x0 = c->x < x0 ? c->x : x0;
        y0 = c->y < y0 ? c->y : y0;
        x1 = c->x + c->w > x1 ? c->x + c->w : x1;
        y1 = c->y + c->h > y1 ? c->y + c->h : y1;
    }
    if (x1 < 0)
        return 0;
    out->x = x0;
    out->y = y0;
    out->w = x1 - x0;
    out->h = y1 - y0;
    return 1;
}

/* Text that runs past its zone (proportional fonts, long values): gives a
 * text field the unowned components that continue its line within a
 * character's gap. */
static void
grow_fields(reader *rd)
{
    double gap = 1.2 * rd->tpl->pitch_x * rd->xf.ax;
    int changed = 1;

    for (int round = 0; changed && round < 40; round++) {
        changed = 0;
        for (size_t i = 0; i < rd->ncomps; i++) {
            comp *c = &rd->comps[i];
            if (c->field >= 0 || !c->big)
                continue;
            for (size_t k = 0; k < rd->ncomps; k++) {
                const comp *o = &rd->comps[k];
                int f = o->field;
                if (f < 0 || rd->tpl->fields[f].kind == EXTRACT_KIND_CHECK ||
                    !line_neighbours(c, o, gap))
                    continue;
                c->field = f;
                changed = 1;
                break;
            }
        }
    }
}

/* Small components (punctuation, or specks of dust) join the field of a
 * character beside them on its line; lone specks are dropped. */
static void
attach_small(reader *rd)
{
    double reach = 0.8 * rd->tpl->pitch_x * rd->xf.ax;
    double dot = 0.22 * rd->tpl->pitch_x * rd->xf.ax;

    for (size_t i = 0; i < rd->ncomps; i++) {
        comp *c = &rd->comps[i];
        double cy = c->y + 0.5 * c->h;
        /* A small round blot is a period or a speck of dust. */
        int round = c->w <= dot && c->h <= dot;
        if (c->big)
            continue;
        for (size_t k = 0; k < rd->ncomps; k++) {
            const comp *o = &rd->comps[k];
            if (!o->big || o->field < 0 ||
                rd->tpl->fields[o->field].kind == EXTRACT_KIND_CHECK)
                continue;
            if (round && strchr(rd->tpl->fields[o->field].charset, '.') == NULL)
                continue; /* a field without periods: dust */
            if (cy < o->y - 0.2 * o->h || cy > o->y + 1.3 * o->h)
                continue;
            if (c->x - (o->x + o->w) > reach || o->x - (c->x + c->w) > reach)
                continue;
            c->field = o->field;
            break;
        }
    }
}

/* A hand's small characters (a 0 written as a small o, under a third of
 * a line high) are not big enough to be taken for characters; beside a
 * big one they join its field (attach_small), but alone, in a field of
 * one cell (the ICD indicator), one went to no field and the field read
 * empty (8 of 50 hand-filled dev pages). On a hand-filled page, a small
 * component at least SMALL_CHAR_MIN of a line high and wide whose middle
 * lies in an empty text field's cell is that field's. */
#define SMALL_CHAR_MIN 0.2

static void
adopt_small_chars(reader *rd)
{
    double minh = SMALL_CHAR_MIN * rd->tpl->pitch_y * rd->xf.ay;
    int *inked = calloc(rd->tpl->nfields, sizeof(*inked));

    if (inked == NULL)
        return;
    for (size_t i = 0; i < rd->ncomps; i++)
        if (rd->comps[i].field >= 0)
            inked[rd->comps[i].field] = 1;
    for (size_t i = 0; i < rd->ncomps; i++) {
        comp *c = &rd->comps[i];
        if (c->big || c->field >= 0 || c->h < minh || c->w < minh)
            continue;
        for (size_t k = 0; k < rd->nspots; k++) {
            const spot *sp = &rd->spots[k];
            double ddx, ddy;
            if (inked[sp->field] ||
                rd->tpl->fields[sp->field].kind == EXTRACT_KIND_CHECK)
                continue;
            zone_distance(&ddx, &ddy, rd->tpl, sp->z, c->rx, c->ry);
            if (ddx == 0.0 && ddy == 0.0) {
                c->field = sp->field;
                break;
            }
        }
    }
    free(inked);
}

/* Where a field's ink was placed in the montage. */
typedef struct placement {
    int placed;
    ocr_rect rect;    /* the field with its margin, montage pixels */
    int ox, oy;       /* page -> montage offset */
    int copies;       /* times the ink is repeated along the row */
    int copy_dx;      /* from one copy to the next, montage pixels */
    int ink_x, ink_w; /* the first copy's ink: where it starts, its width */
} placement;

/* Ink no wider than this many characters is repeated along its montage
 * row: Tesseract's line model reads one or two characters alone
 * unreliably, and the copies must then agree. Two copies read as well as
 * three or better on every scan kind (a third copy's own misreadings
 * only added disagreements), for less time. */
#define SHORT_FIELD_CHARS 2.5
#define SHORT_FIELD_COPIES 2

/*
 * The image OCR reads: every text field's own ink, copied without its
 * neighbors onto a row of its own with a white margin around it. Tesseract
 * then sees each field alone, with room on every side, and the page is
 * handed to it once.
 */
static PIX *
build_montage(placement *pl, const reader *rd)
{
    const extract_template *tpl = rd->tpl;
    int width = 0, height = 0, row_w;
    double pitch = tpl->pitch_x * rd->xf.ax;
    PIX *pixd;

    for (size_t f = 0; f < tpl->nfields; f++) {
        ocr_rect r;
        int m;
        if (tpl->fields[f].kind == EXTRACT_KIND_CHECK ||
            !field_bbox(&r, rd, (int)f))
            continue;
        m = r.h / 2 > 12 ? r.h / 2 : 12;
        pl[f].placed = 1;
        pl[f].copies = 1;
        if (r.w <= SHORT_FIELD_CHARS * pitch) {
            pl[f].copies = SHORT_FIELD_COPIES;
            pl[f].copy_dx = r.w + (int)(1.5 * pitch);
        }
        row_w = r.w + (pl[f].copies - 1) * pl[f].copy_dx;
        pl[f].ink_x = m;
        pl[f].ink_w = r.w;
        pl[f].rect = (ocr_rect){0, height, row_w + 2 * m, r.h + 2 * m};
        pl[f].ox = m - r.x;
        pl[f].oy = height + m - r.y;
        height += r.h + 2 * m;
        if (row_w + 2 * m > width)
            width = row_w + 2 * m;
    }
    if (height == 0)
        return NULL;
    /* Tesseract 5.3 misreads a 1-bpp rectangle that touches the right
     * edge of an image whose width is not a whole number of words: keep
     * a margin and a width of whole 32-bit words. */
    width = (width + 32 + 31) / 32 * 32;
    pixd = pixCreate(width, height, 1);
    for (size_t i = 0; pixd != NULL && i < rd->ncomps; i++) {
        const comp *c = &rd->comps[i];
        PIX *pixc;
        if (c->field < 0 || !pl[c->field].placed)
            continue;
        pixc = pixaGetPix(rd->pixa, c->index, L_CLONE);
        if (pixc == NULL)
            continue;
        for (int k = 0; k < pl[c->field].copies; k++)
            (void)pixRasterop(pixd,
                              c->x + pl[c->field].ox + k * pl[c->field].copy_dx,
                              c->y + pl[c->field].oy, c->w, c->h,
                              PIX_SRC | PIX_DST, pixc, 0, 0);
        pixDestroy(&pixc);
    }
    return pixd;
}

/*
 * How many of field f's ink components disagree with what OCR read: a
 * component no recognized symbol covers (ink dropped), or, in fixed-pitch
 * print, a component holding more symbols than its width has room for
 * (characters invented). Symbol boxes are in montage pixels.
 */
static int
ink_mismatch(const reader *rd, int f, const placement *pl, const ocr_text *t)
{
    double pitch = rd->tpl->pitch_x * rd->xf.ax;
    int bad = 0;

    for (size_t i = 0; i < rd->ncomps; i++) {
        const comp *c = &rd->comps[i];
        double cx = c->x + 0.5 * c->w + pl->ox, cy = c->y + 0.5 * c->h + pl->oy;
        int x0 = c->x + pl->ox, y0 = c->y + pl->oy, covered = 0, inside = 0;
        if (c->field != f)
            continue;
        for (size_t k = 0; k < t->nsymbols; k++) {
            const ocr_rect *b = &t->symbols[k].box;
            double sx = b->x + 0.5 * b->w, sy = b->y + 0.5 * b->h;
            if (cx >= b->x - 1 && cx <= b->x + b->w + 1 && cy >= b->y - 6 &&
                cy <= b->y + b->h + 6)
                covered = 1;
            if (sx >= x0 && sx <= x0 + c->w && sy >= y0 - 4 &&
                sy <= y0 + c->h + 4)
                inside++;
        }
        if (!covered)
            bad++;
        else if (rd->mono && c->big &&
                 inside > (int)(c->w / pitch + 0.5) + (c->w < pitch))
            bad++;
    }
    /* Fixed pitch: a blank is a whole empty cell. A space read across a
     * narrow gap, or none across a wide one, is a misreading. */
    for (size_t k = 1; rd->mono && k < t->nsymbols; k++) {
        const ocr_rect *a = &t->symbols[k - 1].box, *b = &t->symbols[k].box;
        double gap = b->x - (a->x + a->w);
        if (t->symbols[k].word_start ? gap < 0.3 * pitch : gap > 0.9 * pitch)
            bad++;
    }
    return bad;
}

/* Appends the symbols and text of part to whole, a space between. */
static void
text_join(ocr_text *whole, const ocr_text *part)
{
    size_t len = strlen(whole->text), add = strlen(part->text);

    if (part->nsymbols == 0)
        return;
    if (len > 0 && len + 1 < sizeof(whole->text))
        whole->text[len++] = ' ';
    if (len + add < sizeof(whole->text)) {
        memcpy(whole->text + len, part->text, add + 1);
    }
    for (size_t k = 0; k < part->nsymbols && whole->nsymbols < OCR_MAX_SYMBOLS;
         k++) {
        const ocr_symbol *s = &part->symbols[k];
        if (whole->nsymbols == 0 || s->confidence < whole->min_confidence)
            whole->min_confidence = s->confidence;
        whole->mean_confidence += s->confidence; /* a sum until the end */
        whole->symbols[whole->nsymbols++] = *s;
    }
}

/*
 * Reads field f word by word: each run of ink separated from the next by
 * more than half a character is read alone. The second try for a field
 * whose line reading left ink unread (Tesseract, with a character set,
 * can drop whole words).
 */
static cs_status
read_words(ocr_text *out, const reader *rd, int f, const placement *pl,
           ocr_engine *eng, const char *charset, cs_error *err)
{
    double gap = 0.5 * rd->tpl->pitch_x * rd->xf.ax;
    ocr_text *part = malloc(sizeof(*part));
    int x0 = -1, x1 = -1, y0 = pl->rect.y, y1 = pl->rect.y + pl->rect.h;
    cs_status rc = CS_OK;

    if (part == NULL)
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    memset(out, 0, offsetof(ocr_text, symbols));
    /* Sweep the field's columns left to right in the montage row. */
    for (;;) {
        int next = -1, nend = -1;
        for (size_t i = 0; i < rd->ncomps; i++) {
            const comp *c = &rd->comps[i];
            int cx0 = c->x + pl->ox, cx1 = cx0 + c->w;
            if (c->field != f || cx0 <= x1)
                continue;
            if (next < 0 || cx0 < next) {
                next = cx0;
                nend = cx1;
            }
        }
        if (next < 0)
            break;
        x0 = next;
        x1 = nend;
        /* Grow the word while the next ink is near. */
        for (int grown = 1; grown;) {
            grown = 0;
            for (size_t i = 0; i < rd->ncomps; i++) {
                const comp *c = &rd->comps[i];
                int cx0 = c->x + pl->ox, cx1 = cx0 + c->w;
                if (c->field != f || cx1 <= x1 || cx0 > x1 + gap)
                    continue;
                x1 = cx1;
                grown = 1;
            }
        }
        {
            int m = (y1 - y0) / 4;
            ocr_rect r = {x0 - m < 0 ? 0 : x0 - m, y0, x1 - x0 + 2 * m,
                          y1 - y0};
            rc = ocr_engine_read(part, eng, r, OCR_LAYOUT_WORD, charset, err);
            if (rc != CS_OK)
                break;
            text_join(out, part);
        }
    }
    if (out->nsymbols > 0)
        out->mean_confidence /= (float)out->nsymbols;
    free(part);
    return rc;
}

/* 1 when the ink of page rectangle r touches a form rule that was taken
 * out of the data image (its strokes may have been cut). */
static int
crosses_rule(const ocr_page *page, ocr_rect r)
{
    BOX *b = boxCreate(r.x - 2, r.y - 4, r.w + 4, r.h + 8);
    l_int32 on = 0;

    if (b == NULL || page->rules == NULL)
        return 0;
    (void)pixCountPixelsInRect(page->rules, b, &on, NULL);
    boxDestroy(&b);
    return on > 0;
}

/* 1 when a character of field f lost pixels to the page's cleaning
 * (page->erased: the form's labels and dividers taken out of the data
 * image), within it or a pixel or two beside it. Print off the grid lies
 * on the form's print: its strokes there went with it (a T on a label
 * reads F, a 0 on a divider 6), and what is left may read as a valid
 * value. Printed on the grid, a character may touch a label's pixels
 * harmlessly (an NPI's 1 on the "a." before it): only a page off the grid
 * is asked. */
static int
lost_to_cleaning(const reader *rd, const ocr_page *page, int f)
{
    if (page->erased == NULL)
        return 0;
    for (size_t i = 0; i < rd->ncomps; i++) {
        const comp *c = &rd->comps[i];
        BOX *b;
        l_int32 on = 0;
        if (c->field != f || !c->big)
            continue;
        b = boxCreate(c->x - 2, c->y - 2, c->w + 4, c->h + 4);
        if (b == NULL)
            return 0;
        (void)pixCountPixelsInRect(page->erased, b, &on, NULL);
        boxDestroy(&b);
        if (on > 0)
            return 1;
    }
    return 0;
}

/* Drops from t the symbols whose boxes touch none of the copies' ink
 * (placement pl): OCR's inventions in the blank between two copies. */
static void
drop_between_copies(ocr_text *t, const placement *pl)
{
    size_t n = 0;

    for (size_t k = 0; k < t->nsymbols; k++) {
        const ocr_rect *b = &t->symbols[k].box;
        int on_ink = 0;
        for (int c = 0; c < pl->copies; c++) {
            int x0 = pl->rect.x + pl->ink_x + c * pl->copy_dx;
            on_ink |= b->x < x0 + pl->ink_w && b->x + b->w > x0;
        }
        if (on_ink)
            t->symbols[n++] = t->symbols[k];
    }
    t->nsymbols = n;
}

/*
 * A short field was read from several copies of its ink along the row:
 * keeps the first copy's symbols and text, and counts in t->disagree the
 * copies whose reading differs from it. A symbol in the blank between two
 * copies is OCR's invention (a fax's broken 1, copied, read 1 6 1): it
 * belongs to no copy.
 */
static void
agree_copies(ocr_text *t, const placement *pl)
{
    /* Copy c spans [lo + c * copy_dx, lo + c * copy_dx + span). */
    int lo = pl->rect.x, span = pl->copy_dx;
    char first[sizeof(t->text)];
    size_t n = 0;
    int same = 0;

    first[0] = '\0';
    drop_between_copies(t, pl);
    for (int c = 0; c < pl->copies; c++) {
        char cur[sizeof(t->text)];
        size_t cl = 0;
        int c0 = lo + c * pl->copy_dx, c1 = c0 + span;
        for (size_t k = 0; k < t->nsymbols; k++) {
            const ocr_symbol *s = &t->symbols[k];
            int cx = s->box.x + s->box.w / 2;
            size_t sl = strlen(s->utf8);
            if (cx < c0 || cx >= c1 || cl + sl + 2 >= sizeof(cur))
                continue;
            if (s->word_start && cl > 0)
                cur[cl++] = ' ';
            memcpy(cur + cl, s->utf8, sl);
            cl += sl;
        }
        cur[cl] = '\0';
        if (c == 0)
            memcpy(first, cur, cl + 1);
        else
            same += strcmp(cur, first) == 0;
    }
    t->disagree = pl->copies - 1 - same;
    /* Keep the first copy's symbols only. */
    for (size_t k = 0; k < t->nsymbols; k++) {
        int cx = t->symbols[k].box.x + t->symbols[k].box.w / 2;
        if (cx < lo + span)
            t->symbols[n++] = t->symbols[k];
    }
    t->nsymbols = n;
    memcpy(t->text, first, strlen(first) + 1);
    /* Confidences of the first copy alone, like any other field's. */
    t->mean_confidence = t->min_confidence = 0.0f;
    for (size_t k = 0; k < n; k++) {
        float c = t->symbols[k].confidence;
        t->mean_confidence += c;
        if (k == 0 || c < t->min_confidence)
            t->min_confidence = c;
    }
    if (n > 0)
        t->mean_confidence /= (float)n;
}

/* Reads field f on the montage scaled by scale (1: the montage itself),
 * the current page of eng; symbol boxes come back in montage pixels.
 * Tesseract's line mode often returns nothing for a character alone: its
 * single-character mode reads it then. A short field's copies are
 * compared (agree_copies). */
static cs_status
read_field(ocr_text *t, const reader *rd, int f, const placement *pl,
           ocr_engine *eng, double scale, cs_error *err)
{
    const char *charset = rd->tpl->fields[f].charset;
    ocr_rect r = {(int)floor(pl->rect.x * scale),
                  (int)floor(pl->rect.y * scale), (int)ceil(pl->rect.w * scale),
                  (int)ceil(pl->rect.h * scale)};
    cs_status rc;

    rc = ocr_engine_read(t, eng, r, OCR_LAYOUT_LINE, charset, err);
    if (rc == CS_OK && t->nsymbols == 0)
        rc = ocr_engine_read(t, eng, r, OCR_LAYOUT_CHAR, charset, err);
    if (rc != CS_OK)
        return rc;
    for (size_t k = 0; scale != 1.0 && k < t->nsymbols; k++) {
        ocr_rect *b = &t->symbols[k].box;
        *b = (ocr_rect){(int)lround(b->x / scale), (int)lround(b->y / scale),
                        (int)lround(b->w / scale), (int)lround(b->h / scale)};
    }
    if (pl->copies > 1)
        agree_copies(t, pl);
    return CS_OK;
}

static void mono_one_per_cell(const reader *rd, const placement *pl,
                              const comp *g, size_t ng, ocr_text *t);
static cs_status letter_on_digit(int *out, const reader *rd, int f,
                                 const placement *pl, const comp *g, size_t ng,
                                 ocr_text *t, cs_error *err);
static void note_chars(reader *rd, int f, const placement *pl, const comp *g,
                       size_t ng, const ocr_text *t, int code, int examples);
static size_t cut_chars(comp *g, size_t max, const reader *rd, int f);
static cs_status hand_overrule_text(const reader *rd, int f,
                                    const placement *pl, const comp *g,
                                    size_t ng, ocr_text *t, cs_error *err);
static int letters_and_digits(const char *charset);
static cs_status settle_lookalikes(reader *rd, extract_result *res,
                                   const ocr_page *page, cs_error *err);

static cs_status
read_text(reader *rd, extract_field *out, int f, const placement *pl,
          const ocr_page *page, ocr_engine *eng, cs_error *err)
{
    const extract_field_def *def = &rd->tpl->fields[f];
    ocr_text *t = NULL, *t2 = NULL;
    comp g[OCR_MAX_SYMBOLS]; /* the field's characters */
    cs_status rc;
    size_t len, ng;
    int blanks, code;

    out->box = extract__zone_to_page(&rd->xf, def->zone);
    out->box.x += (int)lround(rd->dx * rd->xf.ax);
    out->box.y += (int)lround(rd->dy * rd->xf.ay);
    if (!pl->placed) {
        out->confidence = 100.0;
        return CS_OK; /* no ink: empty */
    }
    out->has_ink = 1;
    (void)field_bbox(&out->box, rd, f);
    out->on_rule = crosses_rule(page, out->box) ||
                   (rd->off_grid && lost_to_cleaning(rd, page, f));
    t = malloc(sizeof(*t));
    t2 = malloc(sizeof(*t2));
    if (t == NULL || t2 == NULL) {
        rc = cs_error_set(err, CS_ENOMEM, "out of memory");
        goto cleanup;
    }
    rc = read_field(t, rd, f, pl, eng, 1.0, err);
    if (rc != CS_OK)
        goto cleanup;
    /* its characters, for the steps below: printed, read once; or
     * hand-filled, of capitals and digits (hand_overrule_text) */
    ng = pl->copies == 1 && (!rd->hand || letters_and_digits(def->charset))
             ? cut_chars(g, OCR_MAX_SYMBOLS, rd, f)
             : 0;
    mono_one_per_cell(rd, pl, g, ng, t);
    out->ink_mismatch = ink_mismatch(rd, f, pl, t) + t->disagree;
    if (out->ink_mismatch > 0 && pl->copies == 1) {
        rc = read_words(t2, rd, f, pl, eng, def->charset, err);
        if (rc != CS_OK)
            goto cleanup;
        int m2 = ink_mismatch(rd, f, pl, t2);
        if (m2 < out->ink_mismatch) {
            ocr_text *swap = t;
            t = t2;
            t2 = swap;
            out->ink_mismatch = m2;
        }
    }
    code = strchr(def->charset, 'Z') != NULL &&
           strchr(def->charset, '9') != NULL &&
           strchr(def->charset, 'a') == NULL;
    if (!rd->hand && pl->copies == 1 && code)
        rc = letter_on_digit(&out->shape_doubt, rd, f, pl, g, ng, t, err);
    else if (rd->hand)
        rc = hand_overrule_text(rd, f, pl, g, ng, t, err);
    if (rc != CS_OK)
        goto cleanup;
    if (!rd->hand && pl->copies == 1) {
        note_chars(rd, f, pl, g, ng, t, code, 1);
    } else if (!rd->hand && rd->mono) {
        /* A short field (read from copies) in fixed-pitch print: its
         * characters are settled by the page's print too (a 1 whose foot
         * went with its box's rule was read 4: place of service 11 read
         * 41), but none is taken as an example of the print (that
         * misread 4 would be one). */
        ng = cut_chars(g, OCR_MAX_SYMBOLS, rd, f);
        note_chars(rd, f, pl, g, ng, t, code, 0);
    }
    /* a charset without blanks: none kept */
    blanks = strchr(def->charset, ' ') != NULL;
    len = 0;
    for (const char *c = t->text; *c != '\0' && len + 1 < sizeof(out->raw); c++)
        if (*c != ' ' || blanks)
            out->raw[len++] = *c;
    out->raw[len] = '\0';
    out->confidence = t->nsymbols > 0 ? t->mean_confidence : 0.0;
    out->min_confidence = t->nsymbols > 0 ? t->min_confidence : 0.0;
cleanup:
    free(t);
    free(t2);
    return rc;
}

/* Decides a check-box group by the ink in each box relative to the
 * others. */
static void
read_check(reader *rd, extract_field *out, int f, const ocr_page *page)
{
    const extract_field_def *def = &rd->tpl->fields[f];
    double dens[EXTRACT_MAX_OPTIONS] = {0};
    size_t best = 0, second = 0;

    out->box = extract__zone_to_page(&rd->xf, def->zone);
    for (size_t k = 0; k < def->noptions; k++) {
        extract_zone z = def->options[k].cell;
        ocr_rect r;
        BOX *b;
        l_int32 on = 0;
        z.x += rd->dx - 0.25 * rd->tpl->pitch_x;
        z.w += 0.5 * rd->tpl->pitch_x;
        z.y += rd->dy - 0.1 * rd->tpl->pitch_y;
        z.h += 0.2 * rd->tpl->pitch_y;
        r = extract__zone_to_page(&rd->xf, z);
        b = boxCreate(r.x, r.y, r.w, r.h);
        if (b != NULL)
            (void)pixCountPixelsInRect(page->data, b, &on, NULL);
        boxDestroy(&b);
        dens[k] = r.w > 0 && r.h > 0 ? (double)on / ((double)r.w * r.h) : 0;
    }
    for (size_t k = 1; k < def->noptions; k++)
        if (dens[k] > dens[best])
            best = k;
    second = best == 0 ? 1 : 0;
    for (size_t k = 0; k < def->noptions; k++)
        if (k != best && dens[k] > dens[second])
            second = k;
    out->check_best = dens[best];
    out->check_second = dens[second];
    if (dens[best] < 0.03) {
        out->confidence = 100.0 * (1.0 - dens[best] / 0.03 * 0.5);
        return; /* nothing marked */
    }
    out->has_ink = 1;
    (void)snprintf(out->raw, sizeof(out->raw), "%s", def->options[best].name);
    out->confidence = 100.0 * (1.0 - dens[second] / dens[best]);
}

/* ---- Pages that are not clean print (hand-filled) -------------------- */

/* The renderings of the montage a poor page's text fields are read again
 * on: gray, scaled, or blurred (which thickens thin pen strokes).
 * Tesseract's line model, trained on print, drops or confuses irregular
 * characters differently on each; the readings are then weighed against
 * each other and the field's rules (reading_choose). A third rendering
 * (gray at 0.75 or 1.5 size) added one field in a hundred, for a third
 * more time on the page: left out, to keep extract within a quarter of a
 * full-page Tesseract pass. */
typedef enum { REREAD_GRAY, REREAD_BLUR } reread_look;
static const struct {
    reread_look look;
    double scale;
} rereads[] = {{REREAD_GRAY, 0.5}, {REREAD_BLUR, 1.0}};
#define NREREADS (sizeof(rereads) / sizeof(rereads[0]))
/* The rendering (index in rereads[]) a field of any other page is read
 * again on when its first reading fails its rules: the blur, which
 * gave as much as both renderings on fax pages (2.3 points of filled
 * fields exact), for half their time. */
#define INVALID_REREAD 1
/* The first reading, one per rendering, and per rendering the reading
 * its symbol choices give under the field's rules (validation as a
 * reader, extract__lattice_search) when what it read fails them. */
#define MAX_READINGS (1 + 2 * NREREADS)
/* Positions a repair may change (fewer in long fields, where more
 * combinations would let a rule pass by chance). */
#define REPAIR_MAX_SUBST 3
#define REPAIR_LONG 12

/* One reading of a field, judged. */
typedef struct reading {
    char raw[EXTRACT_VALUE_MAX];
    char value[EXTRACT_VALUE_MAX]; /* normalized */
    int valid;                     /* normalizes, and passes every rule */
    int repaired;                  /* chosen among OCR's choices */
    int used;                      /* 0: no such reading */
    int mismatch;                  /* as extract_field.ink_mismatch */
    double confidence, min_confidence;
} reading;

/* Fills r from raw text and judges it against field def's kind and
 * rules, as of today. */
static void
reading_judge(reading *r, const extract_field_def *def, const char *raw,
              const char *filled, const struct tm *today)
{
    const char *why = NULL, *word;
    extract_norm_status st;

    r->used = 1;
    (void)snprintf(r->raw, sizeof(r->raw), "%s", raw);
    st =
        extract__normalize(r->value, sizeof(r->value), def->kind, r->raw, &why);
    r->valid = extract__reading_valid(def, r->raw, filled, today);
    /* One of the field's words, as the form spells it. */
    if (r->valid && st != EXTRACT_NORM_FAILED &&
        (word = extract__lexicon_word(def, r->value)) != NULL) {
        (void)snprintf(r->raw, sizeof(r->raw), "%s", word);
        (void)snprintf(r->value, sizeof(r->value), "%s", word);
    }
}

/* When field f is a diagnosis pointer, writes to out (EXTRACT_MAX_PARTS + 1
 * bytes) the letters of the diagnoses that hold ink and returns it: what
 * the pointer may name. NULL for any other field. */
static const char *
pointer_filled(char *out, const reader *rd, const placement *pl, size_t f)
{
    for (size_t i = 0; i < rd->tpl->nchecks; i++) {
        const extract_check_def *c = &rd->tpl->checks[i];
        size_t n = 0;
        if (c->type != EXTRACT_CHECK_POINTER || c->field != f)
            continue;
        for (size_t k = 0; k < c->nparts; k++)
            if (pl[c->parts[k]].placed)
                out[n++] = (char)('A' + k);
        out[n] = '\0';
        return out;
    }
    return NULL;
}

/* 1 when charset holds digits and nothing but digits, blanks, '-', '.'. */
static int
digits_only(const char *charset)
{
    return charset[0] != '\0' && strchr(charset, '0') != NULL &&
           strspn(charset, "0123456789 -.") == strlen(charset);
}

/* What a character-sized piece of ink that OCR left unread looks like:
 * a plain upright stroke is a 1, a ring around one wide hole a 0, a
 * flat dash a '-'; 0 when it is none of these. A small thick ring (a 0
 * written at letter height) counts when its hole sits in its middle: the
 * loop of a 6 or a 9 lies low or high. */
static char
ink_shape(const reader *rd, const comp *g, const PIX *pixg, int dash)
{
    double pitch = rd->tpl->pitch_x * rd->xf.ax;
    PIX *holes;
    l_int32 area = 0, n = 0, hx = 0, hy = 0, hw = 0, hh = 0;
    BOXA *boxa;
    int centered;

    if (!g->big)
        return dash && g->w >= 2 * g->h && g->w <= 1.5 * pitch ? '-' : 0;
    holes = pixHolesByFilling((PIX *)pixg, 4);
    if (holes == NULL)
        return 0;
    (void)pixCountPixels(holes, &area, NULL);
    boxa = pixConnComp(holes, NULL, 4);
    n = boxa != NULL ? boxaGetCount(boxa) : 0;
    if (n == 1)
        (void)boxaGetBoxGeometry(boxa, 0, &hx, &hy, &hw, &hh);
    boxaDestroy(&boxa);
    pixDestroy(&holes);
    if (n == 0 && 3 * g->w <= g->h &&
        g->h >= 0.45 * rd->tpl->pitch_y * rd->xf.ay)
        return '1';
    if (n != 1 || 2 * g->w < g->h || g->w > 1.5 * g->h)
        return 0;
    centered = fabs(hx + hw / 2.0 - g->w / 2.0) <= 0.15 * g->w &&
               fabs(hy + hh / 2.0 - g->h / 2.0) <= 0.15 * g->h;
    if (4 * area >= g->w * g->h || (8 * area >= g->w * g->h && centered))
        return '0';
    return 0;
}

/* Cuts field f's ink into characters, left to right, into g (at most
 * max): components that overlap along the line are one character.
 * Returns how many. */
static size_t
cut_chars(comp *g, size_t max, const reader *rd, int f)
{
    size_t ng = 0;

    for (size_t i = 0; i < rd->ncomps && ng < max; i++) {
        const comp *c = &rd->comps[i];
        size_t k;
        if (c->field != f)
            continue;
        for (k = 0; k < ng; k++) {
            int ov = (c->x + c->w < g[k].x + g[k].w ? c->x + c->w
                                                    : g[k].x + g[k].w) -
                     (c->x > g[k].x ? c->x : g[k].x);
            if (2 * ov > (c->w < g[k].w ? c->w : g[k].w))
                break;
        }
        if (k < ng) { /* part of character k */
            int x1 =
                g[k].x + g[k].w > c->x + c->w ? g[k].x + g[k].w : c->x + c->w;
            int y1 =
                g[k].y + g[k].h > c->y + c->h ? g[k].y + g[k].h : c->y + c->h;
            g[k].x = g[k].x < c->x ? g[k].x : c->x;
            g[k].y = g[k].y < c->y ? g[k].y : c->y;
            g[k].w = x1 - g[k].x;
            g[k].h = y1 - g[k].y;
            g[k].big |= c->big;
            g[k].index = -1; /* several pieces: no single shape */
            continue;
        }
        for (k = ng; k > 0 && g[k - 1].x > c->x; k--)
            g[k] = g[k - 1];
        g[k] = *c;
        ng++;
    }
    return ng;
}

/* The ink of character g of field f (cut_chars): its components' own
 * pixels on a canvas of g's box. NULL when out of memory. */
static PIX *
char_glyph(const reader *rd, int f, const comp *g)
{
    PIX *pix = pixCreate(g->w, g->h, 1);

    for (size_t i = 0; pix != NULL && i < rd->ncomps; i++) {
        const comp *c = &rd->comps[i];
        PIX *pc;
        if (c->field != f || c->x < g->x || c->y < g->y ||
            c->x + c->w > g->x + g->w || c->y + c->h > g->y + g->h)
            continue;
        pc = pixaGetPix(rd->pixa, c->index, L_CLONE);
        if (pc != NULL)
            (void)pixRasterop(pix, c->x - g->x, c->y - g->y, c->w, c->h,
                              PIX_SRC | PIX_DST, pc, 0, 0);
        pixDestroy(&pc);
    }
    return pix;
}

/* The memo's entry for character g of field f, made (empty) when there
 * is none; NULL without a memo or out of memory (then nothing is kept). */
static shape_seen *
shape_entry(const reader *rd, int f, const comp *g)
{
    shape_memo *m = rd->memo;

    if (m == NULL)
        return NULL;
    for (size_t i = 0; i < m->n; i++) {
        shape_seen *e = &m->seen[i];
        if (e->f == f && e->x == g->x && e->y == g->y && e->w == g->w &&
            e->h == g->h)
            return e;
    }
    if (m->n == m->cap) {
        size_t cap = m->cap > 0 ? 2 * m->cap : 64;
        shape_seen *grown = realloc(m->seen, cap * sizeof(*grown));
        if (grown == NULL)
            return NULL;
        m->seen = grown;
        m->cap = cap;
    }
    m->seen[m->n] = (shape_seen){f, g->x, g->y, g->w, g->h, 0, {0}, {0}};
    return &m->seen[m->n++];
}

/* Reads character g of field f with network which (SHAPE_DIGIT:
 * ocr_digit_read into p, n classes; SHAPE_GLYPH: ocr_glyph_read), once a
 * page (the memo keeps it). */
static cs_status
char_shape_read(double *p, size_t n, int which, const reader *rd, int f,
                const comp *g, cs_error *err)
{
    shape_seen *e = shape_entry(rd, f, g);
    double *kept = e == NULL ? NULL : which == SHAPE_DIGIT ? e->p : e->q;
    PIX *pix;
    cs_status rc;

    if (e != NULL && (e->read & which)) {
        memcpy(p, kept, n * sizeof(*p));
        return CS_OK;
    }
    pix = char_glyph(rd, f, g);
    if (pix == NULL)
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    rc = which == SHAPE_DIGIT ? ocr_digit_read(p, pix, err)
                              : ocr_glyph_read(p, pix, err);
    pixDestroy(&pix);
    if (rc == CS_OK && e != NULL) {
        memcpy(kept, p, n * sizeof(*p));
        e->read |= which;
    }
    return rc;
}

/* Reads character g of field f with the character network alone
 * (ocr_glyph_read) into p. */
static cs_status
char_glyph_read(double p[OCR_GLYPH_CLASSES], const reader *rd, int f,
                const comp *g, cs_error *err)
{
    return char_shape_read(p, OCR_GLYPH_CLASSES, SHAPE_GLYPH, rd, f, g, err);
}

/* Reads character g of field f by its shape (ocr_digit_read) into p. */
static cs_status
char_digit_read(double p[OCR_DIGIT_CLASSES], const reader *rd, int f,
                const comp *g, cs_error *err)
{
    return char_shape_read(p, OCR_DIGIT_CLASSES, SHAPE_DIGIT, rd, f, g, err);
}

/* 1 when sym is no blank and its middle falls in [lo, hi). */
static int
symbol_within(const ocr_symbol *sym, int lo, int hi)
{
    int cx = sym->box.x + sym->box.w / 2;

    return cx >= lo && cx < hi && sym->utf8[0] != ' ';
}

static int
is_letter(const ocr_symbol *s)
{
    return s->utf8[0] >= 'A' && s->utf8[0] <= 'Z' && s->utf8[1] == '\0';
}

/* A letter in either case. */
static int
is_alpha(const ocr_symbol *s)
{
    return isalpha((unsigned char)s->utf8[0]) && s->utf8[1] == '\0';
}

static int
is_digit(const ocr_symbol *s)
{
    return s->utf8[0] >= '0' && s->utf8[0] <= '9' && s->utf8[1] == '\0';
}

/* 1 when the neighbors of symbol s of t in its word (at least one) are
 * all of kind. */
static int
among_kind(const ocr_text *t, size_t s, int (*kind)(const ocr_symbol *))
{
    int before = s > 0 && !t->symbols[s].word_start,
        after = s + 1 < t->nsymbols && !t->symbols[s + 1].word_start;

    if (!before && !after)
        return 0;
    return (!before || kind(&t->symbols[s - 1])) &&
           (!after || kind(&t->symbols[s + 1]));
}

/* How many of t's symbols before symbol s are no blank. */
static size_t
nonblank_before(const ocr_text *t, size_t s)
{
    size_t n = 0;

    for (size_t i = 0; i < s; i++)
        n += t->symbols[i].utf8[0] != ' ';
    return n;
}

/* The character of text at place nth among those that are no blank (0:
 * the first); NULL past its end. Sets *count (when not NULL) to how many
 * characters of text are no blank. */
static char *
nth_nonblank(char *text, size_t nth, size_t *count)
{
    char *at = NULL;
    size_t n = 0;

    for (char *c = text; *c != '\0'; c++) {
        if (*c == ' ')
            continue;
        if (n == nth)
            at = c;
        n++;
    }
    if (count != NULL)
        *count = n;
    return at;
}

/* The one symbol of t (no blank) whose middle falls on character g of a
 * field placed by pl; t->nsymbols when none or several do. */
static size_t
char_symbol(const ocr_text *t, const comp *g, const placement *pl)
{
    size_t at = t->nsymbols, n = 0;

    for (size_t s = 0; s < t->nsymbols; s++)
        if (symbol_within(&t->symbols[s], g->x + pl->ox,
                          g->x + pl->ox + g->w)) {
            n++;
            at = s;
        }
    return n == 1 ? at : t->nsymbols;
}

/* Replaces in t's text the character of symbol s (its place among the
 * symbols that are no blank) by ch, when it is what s read. */
static void
text_replace_symbol(ocr_text *t, size_t s, char ch)
{
    char *c = nth_nonblank(t->text, nonblank_before(t, s), NULL);

    if (c != NULL && *c == t->symbols[s].utf8[0])
        *c = ch;
    t->symbols[s].utf8[0] = ch;
}

/* Sets *out to 1 when OCR read a capital on a character of field f
 * (printed, a code) that the character network reads as a digit, surely
 * (SHAPE_SURE_DIGIT) and unlike that capital: not its look-alike (O and
 * 0, I and 1 ...), and the capital under SHAPE_UNLIKE; that digit then
 * replaces the capital in t (the field stays flagged). Tesseract's line
 * model reads a digit after a letter as a letter with confidence
 * (MVL9HJ8XAJ5G read MVLOHJ8XAJ5G). */
#define SHAPE_SURE_DIGIT 0.9
#define SHAPE_UNLIKE 0.01
static cs_status
letter_on_digit(int *out, const reader *rd, int f, const placement *pl,
                const comp *g, size_t ng, ocr_text *t, cs_error *err)
{
    static const char *const lookalikes[10] = {"DOQU", "IL", "Z", "",  "A",
                                               "S",    "GB", "T", "B", "G"};
    cs_status rc = CS_OK;

    *out = 0;
    for (size_t k = 0; k < ng && rc == CS_OK; k++) {
        size_t at = char_symbol(t, &g[k], pl);
        int letter, d = 0;
        double p[OCR_GLYPH_CLASSES];
        if (!g[k].big || at == t->nsymbols || !is_letter(&t->symbols[at]))
            continue;
        letter = t->symbols[at].utf8[0];
        rc = char_glyph_read(p, rd, f, &g[k], err);
        if (rc != CS_OK)
            break;
        for (int c = 1; c < 10; c++)
            d = p[c] > p[d] ? c : d;
        if (p[d] >= SHAPE_SURE_DIGIT && p[10 + (letter - 'A')] < SHAPE_UNLIKE &&
            strchr(lookalikes[d], letter) == NULL) {
            *out = 1;
            text_replace_symbol(t, at, (char)('0' + d));
        }
    }
    return rc == CS_EINVAL ? CS_OK : rc;
}

/* On a hand-filled page, the character network overrules OCR on the
 * character g of field f (of capitals and digits: a name, a street, a
 * code) that OCR read as symbol s of t, a letter or digit, where it is
 * sure of another character (HAND_SHAPE_SURE of what it gives the digits
 * and capitals, and more than its "other") and finds OCR's (in any case)
 * next to impossible (HAND_SHAPE_UNLIKE): sets *out to that character,
 * else to 0. In prose (a charset with lower case) a letter becomes a
 * digit, or a digit a letter, only among its new kind in its word (a J
 * the network took for a 5 in BENJAMIN stays a letter). Tesseract's
 * print model reads a hand's letters by their nearest print (M read N,
 * A read 9, S read 5). Measured on the characters of the hand dev sets'
 * names, streets and codes that OCR read as one symbol, in four hands
 * the network was not trained on: prose 108 better, 7 worse; codes 70
 * better, none worse. Fields: hand dev sets 46 better, 9 worse (a Breip
 * E taken for a G); probe hands 24 better, 2 worse. */
#define HAND_SHAPE_SURE 0.95
#define HAND_SHAPE_UNLIKE 0.0001
static cs_status
hand_overrule(char *out, const reader *rd, int f, const comp *g,
              const char *read, const ocr_text *t, size_t s, cs_error *err)
{
    static const char classes[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    const char *charset = rd->tpl->fields[f].charset;
    char ocr = (char)toupper((unsigned char)read[0]);
    const char *at = strchr(classes, ocr);
    double p[OCR_GLYPH_CLASSES], sum = 0.0;
    int top = 0;
    cs_status rc;

    *out = 0;
    if (!g->big || ocr == '\0' || at == NULL || read[1] != '\0')
        return CS_OK;
    rc = char_glyph_read(p, rd, f, g, err);
    if (rc != CS_OK)
        return rc == CS_EINVAL ? CS_OK : rc;
    for (int c = 0; c < OCR_GLYPH_OTHER; c++) {
        sum += p[c];
        top = p[c] > p[top] ? c : top;
    }
    if (p[top] <= p[OCR_GLYPH_OTHER] || p[top] < HAND_SHAPE_SURE * sum ||
        p[at - classes] > HAND_SHAPE_UNLIKE * sum ||
        (charset[0] != '\0' && strchr(charset, classes[top]) == NULL))
        return CS_OK;
    if (strchr(charset, 'a') != NULL && (top < 10) != (at - classes < 10) &&
        !among_kind(t, s, top < 10 ? is_digit : is_alpha))
        return CS_OK;
    *out = classes[top];
    return CS_OK;
}

/* hand_overrule on each of the ng characters g of field f that OCR read
 * as one symbol in t. */
static cs_status
hand_overrule_text(const reader *rd, int f, const placement *pl, const comp *g,
                   size_t ng, ocr_text *t, cs_error *err)
{
    cs_status rc = CS_OK;

    for (size_t k = 0; k < ng && rc == CS_OK; k++) {
        size_t at = char_symbol(t, &g[k], pl);
        char ch;
        if (at == t->nsymbols)
            continue;
        rc = hand_overrule(&ch, rd, f, &g[k], t->symbols[at].utf8, t, at, err);
        if (rc == CS_OK && ch != 0)
            text_replace_symbol(t, at, ch);
    }
    return rc;
}

/* hand_overrule on slot sl, character g of field f that OCR read as
 * symbol s of t: its character, when overruled, becomes its first
 * choice, OCR's the next. */
static cs_status
hand_overrule_slot(extract_slot *sl, const reader *rd, int f, const comp *g,
                   const ocr_text *t, size_t s, cs_error *err)
{
    ocr_choice first;
    size_t j;
    char ch;
    cs_status rc;

    if (sl->n == 0)
        return CS_OK;
    rc = hand_overrule(&ch, rd, f, g, sl->c[0].utf8, t, s, err);
    if (rc != CS_OK || ch == 0)
        return rc;
    first = sl->c[0];
    first.utf8[0] = ch;
    first.utf8[1] = '\0';
    for (j = 0; j < sl->n; j++) /* ch among the choices: taken out */
        if (sl->c[j].utf8[0] == ch && sl->c[j].utf8[1] == '\0')
            break;
    if (j == sl->n)
        j = sl->n < OCR_MAX_CHOICES ? sl->n++ : sl->n - 1;
    memmove(&sl->c[1], &sl->c[0], j * sizeof(sl->c[0]));
    sl->c[0] = first;
    return CS_OK;
}

/* 1 when a field of charset takes capitals and digits. */
static int
letters_and_digits(const char *charset)
{
    return strchr(charset, 'A') != NULL && strchr(charset, '9') != NULL;
}

/* 1 when a and b are look-alikes in print: 0 and O, 5 and S, 1 and I, 8
 * and B, 2 and Z, 6 and G. */
static int
look_alike(char a, char b)
{
    static const char pairs[][3] = {"0O", "5S", "1I", "8B", "2Z", "6G"};

    for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++)
        if ((a == pairs[i][0] && b == pairs[i][1]) ||
            (a == pairs[i][1] && b == pairs[i][0]))
            return 1;
    return 0;
}

/* 1 when symbol s of t sits between symbols of its own kind (letters, or
 * digits) in its word, with at least one such neighbor. */
static int
among_own_kind(const ocr_text *t, size_t s)
{
    return among_kind(t, s, is_letter(&t->symbols[s]) ? is_letter : is_digit);
}

/* A new character at the end of seen (its contents unset); NULL when out
 * of memory. */
static seen_char *
seen_push(seen_chars *seen)
{
    if (seen->n == seen->cap) {
        size_t cap = seen->cap > 0 ? 2 * seen->cap : 256;
        seen_char *grown = realloc(seen->v, cap * sizeof(*grown));
        if (grown == NULL)
            return NULL;
        seen->v = grown;
        seen->cap = cap;
    }
    return &seen->v[seen->n++];
}

/* Keeps the characters (digits and capitals) OCR read in field f (t):
 * those of a code field (code) or a digits-only field, and a text
 * field's digits among digits (a house number, a PO box: 5536 read 9536
 * on a fax), to be settled (settle_lookalikes; a text field's digits
 * among digits only: dev sets, fax 4 fields and photo 2 better, none
 * worse); and, unless examples is 0, as examples of how the page's print
 * writes them, those read surely where their kind is known: a
 * digits-only field's digits, a text field's letters among letters and
 * digits among digits. */
#define LOOK_EXAMPLE_CONFIDENCE 90.0f
static void
note_chars(reader *rd, int f, const placement *pl, const comp *g, size_t ng,
           const ocr_text *t, int code, int examples)
{
    const char *charset = rd->tpl->fields[f].charset;
    int digits = digits_only(charset), words = strchr(charset, 'a') != NULL;
    seen_chars *seen = rd->seen;

    if (seen == NULL || !(code || digits || words))
        return;
    for (size_t k = 0; k < ng; k++) {
        size_t at = char_symbol(t, &g[k], pl);
        const ocr_symbol *sym = &t->symbols[at];
        int example, settle;
        seen_char *e;
        if (!g[k].big || at == t->nsymbols ||
            !(is_digit(sym) || is_letter(sym)))
            continue;
        example = examples && !code &&
                  sym->confidence >= LOOK_EXAMPLE_CONFIDENCE &&
                  (digits ? is_digit(sym) : among_own_kind(t, at));
        settle = code || digits ||
                 (words && is_digit(sym) && among_kind(t, at, is_digit));
        if (!example && !settle)
            continue;
        e = seen_push(seen);
        if (e == NULL)
            return; /* fewer examples */
        *e = (seen_char){f,       g[k], sym->utf8[0],           settle,
                         example, code, nonblank_before(t, at), '\0',
                         0};
    }
}

/* Puts the characters settle_lookalikes() chose into their fields' raw
 * text (the fields are flagged): all of them (reread 0, which notes how
 * many characters each field has), or, once the page was read again
 * (reread 1), those of the fields read anew whose new reading has as many
 * characters and still the character replaced. */
static void
lookalikes_apply(const reader *rd, extract_result *res, int reread)
{
    for (size_t i = 0; i < rd->seen->n; i++) {
        seen_char *c = &rd->seen->v[i];
        extract_field *fl = &res->fields[c->f];
        size_t n;
        char *at;
        if (c->to == '\0' || (reread && !fl->reread))
            continue;
        at = nth_nonblank(fl->raw, c->nth, &n);
        if (!reread)
            c->len = n;
        else if (n != c->len)
            continue;
        if (at != NULL && *at == c->ch) {
            const extract_field_def *def = &rd->tpl->fields[c->f];
            int valid = extract__reading_valid(def, fl->raw, NULL, rd->today);
            *at = c->to;
            /* never a reading that passed its rules into one that fails */
            if (valid && def->nrules > 0 &&
                !extract__reading_valid(def, fl->raw, NULL, rd->today)) {
                *at = c->ch;
                continue;
            }
            fl->shape_doubt = 1;
        }
    }
}

static int
double_compare(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The median of v[0..n-1] (n > 0), which it sorts. */
static double
median(double *v, size_t n)
{
    qsort(v, n, sizeof(v[0]), double_compare);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* Settles each character of a code or digits-only field by the page's
 * examples (note_chars), which show how its print writes each character:
 * when the nearest example of another character (a digit, or in a code a
 * digit or capital) looks like it within LOOK_NEAR_MAX, and nearer than
 * LOOK_RATIO of the distance to the nearest example of what OCR read, it
 * is that character (the field is flagged), unless that makes a reading
 * that passed its rules fail them; for characters that are no print
 * look-alikes (look_alike), the ratio is halved (halving the nearness
 * too, as once, left 17 dev fields wrong that it settles right, a 5 read
 * 9, a 7 read 1, a 2 read 7, and settled none wrong). Tesseract's line
 * model reads by context (O after letters, 0 after digits) and sometimes
 * misreads a field's first digit with confidence (5 as 9); the page's
 * own print tells them apart in any font: the examples of the dev sets'
 * settled characters lie 10 to 50 times nearer the right one. A
 * character the form's removal cut is also looked at mended
 * (look_mended); when that look is the one kept, the look-alikes' bounds
 * hold for it.
 *
 * On a noisy page (a fax, whose dither puts its examples LOOK_NOISY or
 * more from their own kind's nearest, the median; a clean scan's lie
 * 0.001 apart) one example is a noisy one: a class's distance is the
 * mean of its two nearest examples, and the bounds are LOOK_NOISY_NEAR,
 * LOOK_NOISY_ALIKE and LOOK_NOISY_RATIO. They settle a fax's 4 read 1 or
 * 5 read 9 that the clean page's bounds left (dev sets: a fax set of 16
 * pages +7 fields, fax and multipage +7, off the grid and photo +3); on
 * clean print they would settle a G as the page's C (GRP read CRP). */
#define LOOK_RATIO 0.4
#define LOOK_NEAR_MAX 0.04
#define LOOK_NOISY 0.01
#define LOOK_NOISY_NEAR 0.1
#define LOOK_NOISY_ALIKE 0.5
#define LOOK_NOISY_RATIO 0.4
/* A character mended (look_mended) is read so when it lies this share of
 * its unmended distance from the page's nearest example, or nearer. */
#define LOOK_MENDED 0.5
/* The form's pixels put back beside a character: within this share of a
 * cell on either side. */
#define LOOK_MEND_CELL 0.3
#define LOOK_CHARS "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#define LOOK_CLASSES 36

/* The class of a digit or capital: its place in LOOK_CHARS. */
static int
look_class(char ch)
{
    return ch <= '9' ? ch - '0' : 10 + (ch - 'A');
}

/* Fills near[k] with the distance from lk to class k, its nearest
 * example or, when two is 1, the mean of its two nearest (HUGE_VAL when
 * none), among seen's others than seen->v[self],
 * classes settled as seen->v[self] is (digits only, letters only or
 * both); returns the nearest class. */
static int
look_nearest(double near[LOOK_CLASSES], const extract_look *lk,
             const seen_chars *seen, const extract_look *look, const int *has,
             size_t self, int two)
{
    const seen_char *c = &seen->v[self];
    double second[LOOK_CLASSES];
    int best = 0;

    for (int k = 0; k < LOOK_CLASSES; k++)
        near[k] = second[k] = HUGE_VAL;
    for (size_t j = 0; j < seen->n; j++) {
        const seen_char *e = &seen->v[j];
        int k = look_class(e->ch);
        double d;
        if (j == self || !e->example || !has[j] || (!c->letters && k >= 10))
            continue;
        d = extract__look_distance(lk, &look[j]);
        if (d < near[k]) {
            second[k] = near[k];
            near[k] = d;
        } else if (d < second[k])
            second[k] = d;
    }
    for (int k = 0; two && k < LOOK_CLASSES; k++)
        if (second[k] < HUGE_VAL)
            near[k] = 0.5 * (near[k] + second[k]);
    for (int k = 1; k < LOOK_CLASSES; k++)
        best = near[k] < near[best] ? k : best;
    return best;
}

/* Fills *out with the look of character c with the form's pixels the
 * page's cleaning took out beside and inside it (its rules, its labels
 * and dividers: within LOOK_MEND_CELL of a cell on either side, on its
 * rows) put back; 0 when no such pixel lies there (or out of memory). */
static int
look_mended(extract_look *out, const reader *rd, const ocr_page *page,
            const seen_char *c)
{
    int m = (int)lround(LOOK_MEND_CELL * rd->tpl->pitch_x * rd->xf.ax),
        w = c->g.w + 2 * m, ok;
    PIX *forms[2] = {page != NULL ? page->rules : NULL,
                     page != NULL ? page->erased : NULL};
    PIX *glyph, *canvas;
    BOX *box = boxCreate(c->g.x - m, c->g.y, w, c->g.h);
    l_int32 on = 0, any = 0;

    for (int i = 0; i < 2 && box != NULL; i++)
        if (forms[i] != NULL &&
            pixCountPixelsInRect(forms[i], box, &on, NULL) == 0)
            any += on;
    boxDestroy(&box);
    if (any == 0)
        return 0;
    glyph = char_glyph(rd, c->f, &c->g);
    canvas = pixCreate(w, c->g.h, 1);
    ok = glyph != NULL && canvas != NULL;
    for (int i = 0; ok && i < 2; i++)
        if (forms[i] != NULL)
            ok = pixRasterop(canvas, 0, 0, w, c->g.h, PIX_SRC | PIX_DST,
                             forms[i], c->g.x - m, c->g.y) == 0;
    ok = ok &&
         pixRasterop(canvas, m, 0, c->g.w, c->g.h, PIX_SRC | PIX_DST, glyph, 0,
                     0) == 0 &&
         extract__look_of(out, canvas) == 0;
    pixDestroy(&glyph);
    pixDestroy(&canvas);
    return ok;
}

/* How far the page's examples lie from their own kind: the median, over
 * the examples, of the distance to the nearest other example of the
 * same character (0 when none has one, or out of memory). */
static double
page_noise(const seen_chars *seen, const extract_look *look, const int *has)
{
    double *d = malloc(seen->n * sizeof(*d)), noise = 0.0;
    size_t n = 0;

    for (size_t i = 0; d != NULL && i < seen->n; i++) {
        double best = HUGE_VAL;
        if (!seen->v[i].example || !has[i])
            continue;
        for (size_t j = 0; j < seen->n; j++) {
            double x;
            if (j == i || !seen->v[j].example || !has[j] ||
                seen->v[j].ch != seen->v[i].ch)
                continue;
            x = extract__look_distance(&look[i], &look[j]);
            best = x < best ? x : best;
        }
        if (best < HUGE_VAL)
            d[n++] = best;
    }
    if (n > 0)
        noise = median(d, n);
    free(d);
    return noise;
}

static cs_status
settle_lookalikes(reader *rd, extract_result *res, const ocr_page *page,
                  cs_error *err)
{
    seen_chars *seen = rd->seen;
    extract_look *look = NULL;
    int *has = NULL, any = 0, noisy;
    double near_max, ratio_alike, ratio_other;

    for (size_t i = 0; i < seen->n; i++)
        any |= seen->v[i].settle;
    if (!any)
        return CS_OK;
    look = malloc(seen->n * sizeof(*look));
    has = calloc(seen->n, sizeof(*has));
    if (look == NULL || has == NULL) {
        free(look);
        free(has);
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < seen->n; i++) {
        PIX *pix = char_glyph(rd, seen->v[i].f, &seen->v[i].g);
        has[i] = pix != NULL && extract__look_of(&look[i], pix) == 0;
        pixDestroy(&pix);
    }
    noisy = page_noise(seen, look, has) >= LOOK_NOISY;
    near_max = noisy ? LOOK_NOISY_NEAR : LOOK_NEAR_MAX;
    ratio_alike = noisy ? LOOK_NOISY_ALIKE : LOOK_RATIO;
    ratio_other = noisy ? LOOK_NOISY_RATIO : LOOK_RATIO / 2;
    for (size_t i = 0; i < seen->n; i++) {
        seen_char *c = &seen->v[i];
        double near[LOOK_CLASSES], same;
        int best, alike;
        char to;
        extract_look mended;
        int cut = 0;
        if (!c->settle || !has[i])
            continue;
        best = look_nearest(near, &look[i], seen, look, has, i, noisy);
        /* A character cut by a rule's removal (a 0 whose left stroke lay
         * on a divider, read 3): read with the rule's pixels put back
         * when that makes it look like one of the page's characters. */
        if (look_mended(&mended, rd, page, c)) {
            double near2[LOOK_CLASSES];
            int best2 = look_nearest(near2, &mended, seen, look, has, i, noisy);
            if (near2[best2] < LOOK_MENDED * near[best]) {
                memcpy(near, near2, sizeof(near));
                cut = 1;
            }
        }
        same = near[look_class(c->ch)];
        best = -1;
        for (int k = 0; k < LOOK_CLASSES; k++)
            if (k != look_class(c->ch) && (best < 0 || near[k] < near[best]))
                best = k;
        to = LOOK_CHARS[best];
        alike = cut || look_alike(c->ch, to);
        if (near[best] < near_max &&
            near[best] < (alike ? ratio_alike : ratio_other) * same)
            c->to = to;
    }
    free(look);
    free(has);
    lookalikes_apply(rd, res, 0);
    return CS_OK;
}

/* What a character OCR did not consider counts for when weighed with its
 * shape (slot_weigh_shape, slot_weigh_letter). */
#define DIGIT_UNSEEN 0.02

/* Sets the choices of slot s to the n characters first, first + 1 ... by
 * score[0..n-1] (destroyed), best first, at most max of them, each with
 * its share of sum as its confidence (0..100); one under 1% of sum is
 * left out, but for the first. */
static void
slot_set_chars(extract_slot *s, double *score, int n, char first, double sum,
               size_t max)
{
    s->n = 0;
    while (s->n < max) {
        int best = 0;
        for (int d = 1; d < n; d++)
            if (score[d] > score[best])
                best = d;
        if (score[best] < 0.0 || (s->n > 0 && score[best] / sum < 0.01))
            break;
        s->c[s->n].utf8[0] = (char)(first + best);
        s->c[s->n].utf8[1] = '\0';
        s->c[s->n].confidence = (float)(100.0 * score[best] / sum);
        score[best] = -1.0;
        s->n++;
    }
}

/* Sets the choices of slot s to the digits by score[0..9] (slot_set_chars). */
static void
slot_set_digits(extract_slot *s, double *score, double sum, size_t max)
{
    slot_set_chars(s, score, 10, '0', sum, max);
}

/* OCR's confidence (0..1) in ch among slot s's choices, DIGIT_UNSEEN when
 * it did not consider ch (or less). */
static double
ocr_share(const extract_slot *s, char ch)
{
    double t = DIGIT_UNSEEN;

    for (size_t j = 0; j < s->n; j++)
        if (s->c[j].utf8[0] == ch && s->c[j].utf8[1] == '\0' &&
            s->c[j].confidence / 100.0 > t)
            t = s->c[j].confidence / 100.0;
    return t;
}

/* Weighs the choices of slot s (what OCR read on character g of field f,
 * read again) with what the character's shape says when OCR
 * read a digit (ocr_digit_read): each digit scores the geometric mean of
 * its two probabilities (a digit OCR did not consider counts as
 * DIGIT_UNSEEN), and the slot's choices become the digits by that score,
 * then OCR's best other character (a letter, in a field that takes
 * both). Tesseract's line model, trained on print, and the shape network,
 * trained on other hands, err on different digits (8 read 6 or 9, and 8
 * read 0); in print read again (its first reading failed its rules),
 * where a fax's dither or a scan's blur fills and breaks strokes, they
 * part 0 from 9 and 5 from 9. A shape that is not one digit leaves the
 * slot as OCR read it, but for a hand's 1 too wide to be one
 * (ONE_MAX_ASPECT), and in a hand's digit field, where the shape's
 * digits are weighed among themselves (the networks' "other" set aside:
 * on the hand dev sets a digit field's separate characters are then read
 * right 99% of the time in two hands of three, against 65-79% for a 1
 * with "other" counted). */
/* A hand's 1 is a stroke, with at most a flag and a foot: ink wider than
 * this share of its height that OCR read as a 1 is some other digit (a 2
 * drawn like a Z was read 1). Its shape is weighed however likely the
 * networks find it no digit, and OCR's 1 counts as unseen. */
#define ONE_MAX_ASPECT 0.6
static cs_status
slot_weigh_shape(extract_slot *s, const reader *rd, int f, const comp *g,
                 cs_error *err)
{
    double p[OCR_DIGIT_CLASSES], score[10], sum = 0.0;
    ocr_choice other;
    cs_status rc;
    int wide1;

    if (s->n == 0 || s->c[0].utf8[0] < '0' || s->c[0].utf8[0] > '9' ||
        s->c[0].utf8[1] != '\0')
        return CS_OK;
    wide1 = rd->hand && s->c[0].utf8[0] == '1' && g->w > ONE_MAX_ASPECT * g->h;
    rc = char_digit_read(p, rd, f, g, err);
    /* On a hand-filled page a digit field's character is a digit: the
     * networks doubt a hand's 1 and a 2 drawn like a Z as no digit. */
    if (rc == CS_OK && rd->hand && digits_only(rd->tpl->fields[f].charset) &&
        p[OCR_DIGIT_OTHER] < 1.0) {
        double keep = 1.0 - p[OCR_DIGIT_OTHER];
        for (int d = 0; d < 10; d++)
            p[d] /= keep;
        p[OCR_DIGIT_OTHER] = 0.0;
    }
    if (rc != CS_OK || (p[OCR_DIGIT_OTHER] >= 0.5 && !wide1))
        return rc;
    for (int d = 0; d < 10; d++) {
        double t =
            wide1 && d == 1 ? DIGIT_UNSEEN : ocr_share(s, (char)('0' + d));
        score[d] = sqrt(t * (p[d] > 0.001 ? p[d] : 0.001));
        sum += score[d];
    }
    other.confidence = -1.0f;
    for (size_t j = 0; j < s->n; j++)
        if ((s->c[j].utf8[0] < '0' || s->c[j].utf8[0] > '9') &&
            s->c[j].confidence > other.confidence)
            other = s->c[j];
    slot_set_digits(s, score, sum,
                    OCR_MAX_CHOICES - (other.confidence >= 0.0f));
    if (other.confidence >= 0.0f)
        s->c[s->n++] = other;
    return CS_OK;
}

/* In a field of capitals only (a state code) on a hand-filled page:
 * weighs the capitals OCR considered for character g with the character
 * network's (ocr_glyph_read), each scoring the geometric mean of both (a
 * capital OCR did not consider counts as DIGIT_UNSEEN); the field's rule
 * then chooses among the readings (ND read for MD). Hand dev sets: 9
 * state codes better, 1 worse; the probe hands 5 better. Not in
 * diagnosis pointers (A-L): there it misread more than it mended. */
static cs_status
slot_weigh_letter(extract_slot *s, const reader *rd, int f, const comp *g,
                  cs_error *err)
{
    double p[OCR_GLYPH_CLASSES], score[26], sum = 0.0;
    cs_status rc;

    if (s->n == 0 || s->c[0].utf8[0] < 'A' || s->c[0].utf8[0] > 'Z' ||
        s->c[0].utf8[1] != '\0')
        return CS_OK;
    rc = char_glyph_read(p, rd, f, g, err);
    if (rc != CS_OK)
        return rc == CS_EINVAL ? CS_OK : rc;
    for (int c = 0; c < 26; c++) {
        double q = p[10 + c];
        score[c] =
            sqrt(ocr_share(s, (char)('A' + c)) * (q > 0.001 ? q : 0.001));
        sum += score[c];
    }
    slot_set_chars(s, score, 26, 'A', sum, OCR_MAX_CHOICES);
    return CS_OK;
}

/* The share of all of p's probability (OCR_GLYPH_CLASSES) the likeliest
 * of charset's capitals holds, that capital's index (0 for A) in *top,
 * -1 when charset has none; score[c] is capital c's share, -1 for those
 * not in charset. */
static double
capital_share(const double p[OCR_GLYPH_CLASSES], const char *charset,
              double score[26], int *top)
{
    double sum = 0.0;

    *top = -1;
    for (int c = 0; c < OCR_GLYPH_CLASSES; c++)
        sum += p[c];
    for (int c = 0; c < 26; c++) {
        score[c] = strchr(charset, 'A' + c) != NULL && sum > 0.0
                       ? p[10 + c] / sum
                       : -1.0;
        if (score[c] >= 0.0 && (*top < 0 || score[c] > score[*top]))
            *top = c;
    }
    return *top < 0 ? 0.0 : score[*top];
}

/* Appends to out the capital that character g of field f (capitals only:
 * a diagnosis pointer, a state code) of a hand-filled page is by the
 * character network (ocr_glyph_read), with the next likeliest of the
 * field's capitals as its choices, when OCR read nothing there, alone
 * either, and one of the field's capitals holds LETTER_FILL_MIN of all
 * the network's probability: Tesseract drops a hand's letters (the A of
 * a pointer AB written apart from its B) that the network reads surely.
 * A letter dropped makes the field wrong for sure. */
#define LETTER_FILL_MIN 0.5
static cs_status
slot_from_letter(extract_lattice *out, const reader *rd, int f, const comp *g,
                 cs_error *err)
{
    double p[OCR_GLYPH_CLASSES], score[26];
    int top;
    cs_status rc;

    if (out->n >= EXTRACT_LATTICE_MAX)
        return CS_OK;
    rc = char_glyph_read(p, rd, f, g, err);
    if (rc != CS_OK)
        return rc == CS_EINVAL ? CS_OK : rc;
    if (capital_share(p, rd->tpl->fields[f].charset, score, &top) <
        LETTER_FILL_MIN)
        return CS_OK;
    memset(&out->s[out->n], 0, sizeof(out->s[out->n]));
    slot_set_chars(&out->s[out->n], score, 26, 'A', 1.0, OCR_MAX_CHOICES);
    out->n++;
    return CS_OK;
}

/* Appends to out the digit that character g of field f (a digit field
 * or a code) of a hand-filled page is by its shape (ocr_digit_read), with
 * the next likeliest as its choices: when OCR read nothing there, even
 * alone, and one digit holds most of the digits' probability
 * (SHAPE_FILL_MIN), however likely the shape is no digit at all: a
 * character dropped makes the field wrong for sure, a digit read from
 * its shape is right most of the time. Where OCR read no letter or
 * digit in the whole field (alone), the ink may be no writing (a piece of
 * a rule): the digit must then hold most of all the probability, a 1
 * LONE_ONE_MIN of it.
 * Tesseract drops hand-printed digits it cannot place (an open 0, a 2
 * like a Z), or reads two of them as one symbol (10 as 0) that leaves
 * the other bare. */
#define SHAPE_FILL_MIN 0.5
/* A lone stroke: the short rule beside an empty line's rendering NPI,
 * left over from the form, read 1 at 0.42-0.56; a hand's lone 1 (units)
 * at 0.81-0.96. */
#define LONE_ONE_MIN 0.75
static cs_status
slot_from_shape(extract_lattice *out, const reader *rd, int f, const comp *g,
                int alone, cs_error *err)
{
    double p[OCR_DIGIT_CLASSES], sum = 0.0, top = 0.0;
    cs_status rc;

    if (out->n >= EXTRACT_LATTICE_MAX)
        return CS_OK;
    rc = char_digit_read(p, rd, f, g, err);
    if (rc != CS_OK)
        return rc;
    for (int d = 0; d < 10; d++) {
        sum += p[d];
        top = p[d] > top ? p[d] : top;
    }
    if (top < SHAPE_FILL_MIN * (alone ? 1.0 : sum) ||
        (alone && top == p[1] && top < LONE_ONE_MIN))
        return CS_OK;
    memset(&out->s[out->n], 0, sizeof(out->s[out->n]));
    slot_set_digits(&out->s[out->n], p, sum, OCR_MAX_CHOICES);
    out->n++;
    return CS_OK;
}

/* On a hand-filled page, ink this many times wider than tall may be two
 * characters that touch (a 0 written into the 9 beside it): digits are
 * taller than wide. */
#define PAIR_ASPECT 1.3
/* Where two touching characters part: the column with the least ink in
 * the middle of the pair, between these shares of its width. */
#define PAIR_CUT_LO 0.3
#define PAIR_CUT_HI 0.7

/* Reads the columns [x0, x1) of glyph by shape into p: with the digit
 * networks (ocr_digit_read, OCR_DIGIT_CLASSES), or with the character
 * network (glyph set: ocr_glyph_read, OCR_GLYPH_CLASSES). */
static cs_status
part_read(double *p, PIX *glyph, int x0, int x1, int glyph_net, cs_error *err)
{
    BOX *box = boxCreate(x0, 0, x1 - x0, pixGetHeight(glyph));
    PIX *part = box != NULL ? pixClipRectangle(glyph, box, NULL) : NULL;
    cs_status rc;

    boxDestroy(&box);
    if (part == NULL)
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    rc =
        glyph_net ? ocr_glyph_read(p, part, err) : ocr_digit_read(p, part, err);
    pixDestroy(&part);
    return rc;
}

/* Where the two touching characters of glyph part: its column with the
 * least ink between the shares lo and hi of its width (the nearest the
 * middle among equals); -1 when none. */
static int
pair_cut(PIX *glyph, double lo, double hi)
{
    int w = (int)pixGetWidth(glyph), cut = -1;
    NUMA *cols = pixCountPixelsByColumn(glyph);
    l_float32 least = 0.0f;

    for (int x = (int)(lo * w); cols != NULL && x <= (int)(hi * w); x++) {
        l_float32 v = 0.0f;
        (void)numaGetFValue(cols, x, &v);
        if (cut < 0 || v < least ||
            (v == least && abs(x - w / 2) < abs(cut - w / 2))) {
            least = v;
            cut = x;
        }
    }
    numaDestroy(&cols);
    return cut;
}

/* 1 when p's likeliest class is a digit holding at least half of all. */
static int
one_digit(const double p[OCR_DIGIT_CLASSES])
{
    for (int d = 0; d < 10; d++)
        if (p[d] >= 0.5)
            return 1;
    return 0;
}

/* A forced pair (split_pair's forced): ink of a digit-only field at least
 * this many times as wide as the median of the field's characters, cut
 * at its thinnest column between these shares of its width (a hand's
 * slanted 1 written into the 6 after it takes a fifth of the pair). */
#define PAIR_FORCE_WIDER 1.3
#define PAIR_FORCE_LO 0.2
#define PAIR_FORCE_HI 0.8

/*
 * Character g of field f (a digit field or a code, on a hand-filled page)
 * as two touching digits: when g is wide (PAIR_ASPECT), its shape is not
 * one digit, and cut at its thinnest column in the middle, each part is
 * one. Then out's slots from before on (what OCR placed on g) give way to
 * the two digits, each with the next likeliest as its choices. Tesseract
 * reads such a pair as one symbol, or drops it. Forced (the field's
 * reading fails its rules and g is the widest of its characters,
 * chars_rebuild), g needs only be cut into two digits, anywhere but its
 * outer fifths: a pair in a hand's slant is no wider than tall.
 */
static cs_status
split_pair(extract_lattice *out, size_t before, const reader *rd, int f,
           const comp *g, int forced, int *did, cs_error *err)
{
    double whole[OCR_DIGIT_CLASSES], a[OCR_DIGIT_CLASSES], b[OCR_DIGIT_CLASSES],
        sa = 0.0, sb = 0.0;
    PIX *pix;
    int cut;
    cs_status rc = CS_OK;

    if ((!forced && g->w <= PAIR_ASPECT * g->h) ||
        before + 2 > EXTRACT_LATTICE_MAX)
        return CS_OK;
    if (!forced) {
        rc = char_digit_read(whole, rd, f, g, err);
        if (rc != CS_OK || whole[OCR_DIGIT_OTHER] < 0.5)
            return rc == CS_EINVAL ? CS_OK : rc; /* no ink, or one digit */
    }
    pix = char_glyph(rd, f, g);
    if (pix == NULL)
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    cut = pair_cut(pix, forced ? PAIR_FORCE_LO : PAIR_CUT_LO,
                   forced ? PAIR_FORCE_HI : PAIR_CUT_HI);
    if (cut > 0) {
        rc = part_read(a, pix, 0, cut, 0, err);
        if (rc == CS_OK)
            rc = part_read(b, pix, cut, g->w, 0, err);
    }
    pixDestroy(&pix);
    if (rc != CS_OK || cut <= 0 || !one_digit(a) || !one_digit(b))
        return rc == CS_EINVAL ? CS_OK : rc; /* a part without ink */
    for (int d = 0; d < 10; d++) {
        sa += a[d];
        sb += b[d];
    }
    out->n = before;
    memset(&out->s[out->n], 0, 2 * sizeof(out->s[0]));
    slot_set_digits(&out->s[out->n++], a, sa, OCR_MAX_CHOICES);
    slot_set_digits(&out->s[out->n++], b, sb, OCR_MAX_CHOICES);
    if (did != NULL)
        *did = 1;
    return CS_OK;
}

/* Capitals ink this many times wider than tall may be two that touch: a
 * hand that leans right writes a pair of capitals (AB) hardly wider than
 * tall; the character network tells one capital from two. */
#define LETTERS_ASPECT 1.0

/*
 * Character g of field f (capitals only, on a hand-filled page) as two
 * touching capitals: when g is wide (LETTERS_ASPECT), the character network
 * reads it as no one character, and cut at its thinnest column in the
 * middle, each part is one of the field's capitals (LETTER_FILL_MIN).
 * Then out's slots from before on give way to the two capitals, each
 * with the next likeliest as its choices. A hand runs the letters of a
 * diagnosis pointer together (BC read B).
 */
static cs_status
split_letters(extract_lattice *out, size_t before, const reader *rd, int f,
              const comp *g, cs_error *err)
{
    const char *charset = rd->tpl->fields[f].charset;
    double whole[OCR_GLYPH_CLASSES], a[OCR_GLYPH_CLASSES], b[OCR_GLYPH_CLASSES],
        sa[26], sb[26];
    PIX *pix;
    int cut, ta, tb;
    cs_status rc;

    if (g->w <= LETTERS_ASPECT * g->h || before + 2 > EXTRACT_LATTICE_MAX)
        return CS_OK;
    rc = char_glyph_read(whole, rd, f, g, err);
    if (rc != CS_OK || whole[OCR_GLYPH_OTHER] < 0.5)
        return rc == CS_EINVAL ? CS_OK : rc; /* no ink, or one character */
    pix = char_glyph(rd, f, g);
    if (pix == NULL)
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    cut = pair_cut(pix, PAIR_CUT_LO, PAIR_CUT_HI);
    if (cut > 0) {
        rc = part_read(a, pix, 0, cut, 1, err);
        if (rc == CS_OK)
            rc = part_read(b, pix, cut, g->w, 1, err);
    }
    pixDestroy(&pix);
    if (rc != CS_OK || cut <= 0 ||
        capital_share(a, charset, sa, &ta) < LETTER_FILL_MIN ||
        capital_share(b, charset, sb, &tb) < LETTER_FILL_MIN)
        return rc == CS_EINVAL ? CS_OK : rc;
    out->n = before;
    memset(&out->s[out->n], 0, 2 * sizeof(out->s[0]));
    slot_set_chars(&out->s[out->n++], sa, 26, 'A', 1.0, OCR_MAX_CHOICES);
    slot_set_chars(&out->s[out->n++], sb, 26, 'A', 1.0, OCR_MAX_CHOICES);
    return CS_OK;
}

/* Reads character k of g (ng characters, page pixels) alone, in
 * single-character mode on the current page of eng (the montage scaled
 * by scale), into t; its rectangle stops halfway to its neighbors. */
static cs_status
read_char(ocr_text *t, const reader *rd, int f, const placement *pl,
          const comp *g, size_t ng, size_t k, ocr_engine *eng, double scale,
          cs_error *err)
{
    int pad = g[k].h / 2 > 8 ? g[k].h / 2 : 8;
    int x0 = g[k].x - pad, x1 = g[k].x + g[k].w + pad;
    ocr_rect r;

    if (k > 0 && x0 < (g[k - 1].x + g[k - 1].w + g[k].x) / 2)
        x0 = (g[k - 1].x + g[k - 1].w + g[k].x) / 2;
    if (k + 1 < ng && x1 > (g[k].x + g[k].w + g[k + 1].x) / 2)
        x1 = (g[k].x + g[k].w + g[k + 1].x) / 2;
    x0 += pl->ox;
    x1 += pl->ox;
    r = (ocr_rect){
        (int)floor(x0 * scale), (int)floor((g[k].y + pl->oy - pad) * scale),
        (int)ceil((x1 - x0) * scale), (int)ceil((g[k].h + 2 * pad) * scale)};
    return ocr_engine_read(t, eng, r, OCR_LAYOUT_CHAR,
                           rd->tpl->fields[f].charset, err);
}

/* Fixed-pitch ink at most this many cells wide is one character. */
#define MONO_ONE_CELL 1.3
/* In fixed-pitch print, a blank puts two cells between the middles of the
 * characters around it, none one. */
#define MONO_BLANK_PITCHES 1.5
/* On a hand-filled page, ink at least this share of a print line tall and
 * wide is a character in a digit field or a code, though smaller than a
 * capital: a 0 written at letter height (14 pixels, where the other
 * digits are 22-40). Specks, and a dash a few rows thick, stay out. In
 * any field, such ink that OCR read as a digit is weighed with its shape
 * (slot_weigh_shape). */
#define HAND_SMALL_CHAR 0.2

/* The stretch of the reading (montage x) whose symbols belong to
 * character k of g (ng of them, placed by pl): the character's ink and
 * the gaps halfway to its neighbors. */
static void
char_window(int *lo, int *hi, const comp *g, size_t ng, size_t k,
            const placement *pl)
{
    int x0 = g[k].x + pl->ox, x1 = x0 + g[k].w;

    *lo = k > 0 ? (g[k - 1].x + g[k - 1].w + pl->ox + x0) / 2 : -(1 << 30);
    *hi = k + 1 < ng ? (x1 + g[k + 1].x + pl->ox) / 2 : 1 << 30;
}

/* In fixed-pitch print (rd->mono), one character a cell: of several
 * symbols OCR placed on ink no wider than MONO_ONE_CELL cells of a field
 * (its characters g, ng of them, placed by pl), only the most confident
 * is kept in t (1X read 1IX, a dotted zero read
 * as two O's); and a blank needs an empty cell (MONO_BLANK_PITCHES). */
static void
mono_one_per_cell(const reader *rd, const placement *pl, const comp *g,
                  size_t ng, ocr_text *t)
{
    size_t n = 0, dropped = 0;
    double pitch = rd->tpl->pitch_x * rd->xf.ax;
    char keep[OCR_MAX_SYMBOLS];

    if (!rd->mono || rd->hand || pl->copies != 1 || t->nsymbols < 2)
        return;
    memset(keep, 1, sizeof(keep));
    for (size_t k = 0; k < ng; k++) {
        int lo, hi;
        size_t best = t->nsymbols, on = 0;
        if (!g[k].big || g[k].w > MONO_ONE_CELL * pitch)
            continue;
        char_window(&lo, &hi, g, ng, k, pl);
        for (size_t s = 0; s < t->nsymbols; s++)
            if (symbol_within(&t->symbols[s], lo, hi)) {
                on++;
                if (best == t->nsymbols ||
                    t->symbols[s].confidence > t->symbols[best].confidence)
                    best = s;
            }
        if (on < 2)
            continue;
        for (size_t s = 0; s < t->nsymbols; s++)
            if (s != best && symbol_within(&t->symbols[s], lo, hi)) {
                keep[s] = 0;
                dropped++;
            }
    }
    /* A blank is an empty cell: between letters or digits, a word that
     * begins less than MONO_BLANK_PITCHES after the symbol before it is
     * no word (UNI TEDHEALTHCARE, ABC 7848122911). */
    for (size_t s = 1, prev = 0; s < t->nsymbols; s++) {
        const ocr_rect *a = &t->symbols[prev].box, *b = &t->symbols[s].box;
        if (!keep[s])
            continue;
        if (t->symbols[s].word_start && keep[prev] &&
            isalnum((unsigned char)t->symbols[prev].utf8[0]) &&
            isalnum((unsigned char)t->symbols[s].utf8[0]) &&
            (b->x + b->w / 2.0) - (a->x + a->w / 2.0) <
                MONO_BLANK_PITCHES * pitch) {
            t->symbols[s].word_start = 0;
            dropped++;
        }
        prev = s;
    }
    if (dropped == 0)
        return;
    t->text[0] = '\0';
    for (size_t s = 0; s < t->nsymbols; s++) {
        ocr_symbol sym = t->symbols[s];
        size_t len = strlen(t->text);
        if (!keep[s]) {
            /* a word begins at the next symbol kept */
            if (sym.word_start && s + 1 < t->nsymbols)
                t->symbols[s + 1].word_start = 1;
            continue;
        }
        if (sym.word_start && n > 0 && len + 1 < sizeof(t->text))
            t->text[len++] = ' ';
        (void)snprintf(t->text + len, sizeof(t->text) - len, "%s", sym.utf8);
        t->symbols[n++] = sym;
    }
    t->nsymbols = n;
}

/* On a hand-filled page, a blank in a code (an ID, modifiers) stands
 * out from the gaps between the code's characters: where OCR began a
 * word across a gap under this many times the field's median gap, the
 * hand only spaced its characters unevenly (an insured's ID read W953
 * 786238). A gap of a fixed share of a cell would not do: a hand writes
 * across the cells, its blank as narrow as its font's. */
#define CODE_BLANK_GAP 2.0

/* 1 when g is at least HAND_SMALL_CHAR of a line (line pixels) tall and
 * wide. */
static int
char_sized(const comp *g, double line)
{
    return g->h >= HAND_SMALL_CHAR * line && g->w >= HAND_SMALL_CHAR * line;
}

/*
 * Rebuilds the reading t of field f character by character: the field's
 * ink is cut into characters (cut_chars), each gets the symbols OCR
 * placed on it, and one that got none is read by its shape (ink_shape,
 * digit fields), else alone in single-character mode (read_char, with
 * one, the scratch). Tesseract's line model, trained on print, often
 * drops a handwritten character altogether. The digits OCR read are
 * weighed with their shapes (slot_weigh_shape); on a hand-filled page, a
 * digit it read nowhere is taken from its shape (slot_from_shape), and
 * wide ink it read as one symbol or none may be two digits (split_pair).
 * Sets out to the rebuilt reading, each symbol with its choices; blanks
 * are kept where OCR began a word, except in digit fields and fields
 * whose charset has no blank, which are read without them, and in a
 * hand's codes across a narrow gap (CODE_BLANK_GAP). With pair set (a
 * hand's digit-only field whose reading fails its rules), its widest
 * character, when PAIR_FORCE_WIDER than the median, is read as two
 * (split_pair, forced); *split tells whether one was.
 */
static cs_status
chars_rebuild(extract_lattice *out, ocr_text *one, const reader *rd, int f,
              const placement *pl, const ocr_text *t, ocr_engine *eng,
              double scale, int pair, int *split, cs_error *err)
{
    const char *charset = rd->tpl->fields[f].charset;
    int digits = digits_only(charset);
    int dash = strchr(charset, '-') != NULL;
    int blanks = strchr(charset, ' ') != NULL;
    /* digits and codes (digit fields among them); not prose (names,
     * streets: a charset with lower case) */
    int code = strchr(charset, '0') != NULL && strchr(charset, 'a') == NULL;
    /* capitals only (diagnosis pointers, state codes) */
    int capitals =
        strchr(charset, 'A') != NULL && strpbrk(charset, "0a") == NULL;
    comp g[OCR_MAX_SYMBOLS];
    size_t ng = cut_chars(g, OCR_MAX_SYMBOLS, rd, f), nsym = 0, nalnum = 0,
           missing;
    double pitch = rd->tpl->pitch_x * rd->xf.ax;
    double line = rd->tpl->pitch_y * rd->xf.ay;
    double blank_gap = -1e9; /* OCR's word breaks are blanks */
    size_t widest = ng;      /* the character split forced (pair) */

    /* Characters OCR dropped: as many as the ink has more characters
     * than OCR read symbols. With none missing, a character without a
     * symbol only lost its symbol to a neighbor's box. */
    for (size_t s = 0; s < t->nsymbols; s++) {
        nsym += t->symbols[s].utf8[0] != ' ';
        nalnum += isalnum((unsigned char)t->symbols[s].utf8[0]) != 0;
    }
    missing = ng > nsym ? ng - nsym : 0;
    /* A hand writes some digits at letter height (a small 0): in a digit
     * field or a code, ink that is no speck or period is a character. */
    for (size_t k = 0; rd->hand && code && k < ng; k++)
        if (char_sized(&g[k], line))
            g[k].big = 1;
    /* A hand's code: the gap a blank needs (CODE_BLANK_GAP) */
    if (rd->hand && code && ng >= 3) {
        double gaps[OCR_MAX_SYMBOLS];
        for (size_t k = 1; k < ng; k++)
            gaps[k - 1] = g[k].x - (g[k - 1].x + g[k - 1].w);
        blank_gap = CODE_BLANK_GAP * median(gaps, ng - 1);
    }
    if (split != NULL)
        *split = 0;
    if (pair && rd->hand && digits && ng >= 2) {
        double widths[OCR_MAX_SYMBOLS];
        size_t nb = 0;
        for (size_t k = 0; k < ng; k++)
            if (g[k].big) {
                widths[nb++] = g[k].w;
                if (widest == ng || g[k].w > g[widest].w)
                    widest = k;
            }
        if (nb < 2 || g[widest].w < PAIR_FORCE_WIDER * median(widths, nb))
            widest = ng;
    }
    out->n = 0;
    for (size_t k = 0; k < ng; k++) {
        int lo, hi;
        size_t before = out->n, added = 0, only = t->nsymbols, last = 0;
        char ch = 0;
        /* A symbol is this character's when its middle falls on it, or
         * in the gaps halfway to its neighbors. */
        char_window(&lo, &hi, g, ng, k, pl);
        /* In fixed-pitch print, ink no wider than a cell is one character:
         * of several symbols OCR placed on it (a dotted zero read as two
         * O's), the most confident. */
        if (rd->mono && g[k].big && g[k].w <= MONO_ONE_CELL * pitch)
            for (size_t s = 0; s < t->nsymbols; s++)
                if (symbol_within(&t->symbols[s], lo, hi) &&
                    (only == t->nsymbols ||
                     t->symbols[s].confidence > t->symbols[only].confidence))
                    only = s;
        for (size_t s = 0; s < t->nsymbols; s++) {
            const ocr_symbol *sym = &t->symbols[s];
            if (!symbol_within(sym, lo, hi) ||
                (only < t->nsymbols && s != only))
                continue;
            if (!digits && blanks && sym->word_start && out->n > 0 &&
                !(rd->hand && code && k > 0 &&
                  g[k].x - (g[k - 1].x + g[k - 1].w) < blank_gap))
                extract__lattice_add_char(out, ' ');
            extract__lattice_add_symbol(out, sym);
            last = s;
            added++;
        }
        if (added == 1 && (g[k].big || char_sized(&g[k], line))) {
            cs_status rc =
                slot_weigh_shape(&out->s[out->n - 1], rd, f, &g[k], err);
            if (rc == CS_OK && rd->hand && letters_and_digits(charset))
                rc = hand_overrule_slot(&out->s[out->n - 1], rd, f, &g[k], t,
                                        last, err);
            if (rc == CS_OK && rd->hand && strchr(charset, '0') == NULL &&
                strchr(charset, 'a') == NULL && strchr(charset, 'Z') != NULL &&
                g[k].big)
                rc = slot_weigh_letter(&out->s[out->n - 1], rd, f, &g[k], err);
            if (rc != CS_OK)
                return rc;
        }
        if (k == widest) {
            int did = 0;
            cs_status rc = split_pair(out, before, rd, f, &g[k], 1, &did, err);
            if (rc != CS_OK)
                return rc;
            *split = did;
        }
        if (rd->hand && code && g[k].big && added <= 1 &&
            !(split != NULL && *split && k == widest)) { /* a pair? */
            cs_status rc = split_pair(out, before, rd, f, &g[k], 0, NULL, err);
            if (rc != CS_OK)
                return rc;
        } else if (rd->hand && capitals && g[k].big && added <= 1) {
            cs_status rc = split_letters(out, before, rd, f, &g[k], err);
            if (rc != CS_OK)
                return rc;
        }
        if (out->n > before || !g[k].big || missing == 0)
            continue;
        missing--;
        if (digits) {
            PIX *pix = g[k].index >= 0
                           ? pixaGetPix(rd->pixa, g[k].index, L_CLONE)
                           : NULL;
            ch = pix != NULL ? ink_shape(rd, &g[k], pix, dash) : 0;
            pixDestroy(&pix);
        }
        if (ch != 0) {
            extract__lattice_add_char(out, ch);
            continue;
        }
        cs_status rc = read_char(one, rd, f, pl, g, ng, k, eng, scale, err);
        if (rc != CS_OK)
            return rc;
        if (one->nsymbols == 1 && one->symbols[0].utf8[0] != ' ') {
            extract__lattice_add_symbol(out, &one->symbols[0]);
            if (rd->hand)
                rc = slot_weigh_shape(&out->s[out->n - 1], rd, f, &g[k], err);
            if (rc != CS_OK)
                return rc;
        } else if (rd->hand && code) {
            /* not in prose, where a letter OCR dropped would come out a
             * digit */
            rc = slot_from_shape(out, rd, f, &g[k], nalnum == 0, err);
            if (rc != CS_OK)
                return rc;
        } else if (rd->hand && capitals) {
            rc = slot_from_letter(out, rd, f, &g[k], err);
            if (rc != CS_OK)
                return rc;
        }
    }
    return CS_OK;
}

/* Readings, as read, that agree on a value that fails the field's rules:
 * from this many on, that is what the form says (a wrong check digit is
 * printed), and no repair is taken. On a page of clean print, where a
 * field is read twice only when its first reading fails, two agreeing
 * readings are enough: a single substitution makes any NPI pass its
 * check digit, and a printed wrong one must be kept as read. */
#define REPAIR_VETO 3
#define INVALID_REPAIR_VETO 2

/* 1 for a date field. A date that is no date (month 66) and reads so
 * twice is still a misread 0, 6, 8 or 9 far more often than a printed
 * mistake: it may be repaired though both readings agree (the value then
 * comes out flagged 'reread'; "not in the future" is never repaired). */
static int
is_date(const extract_field_def *def)
{
    return def->kind == EXTRACT_KIND_DATE8 || def->kind == EXTRACT_KIND_DATE6;
}

/* How many readings that agree as read veto a repair of field def
 * (reading_choose); only_invalid: the page is read again only where its
 * first reading failed the rules. Never for the form's own wording
 * (SIGNATURE ON FILE): nobody writes SIGNATURF, however often it is read
 * so. */
static int
repair_veto(const extract_field_def *def, int only_invalid)
{
    if (def->nwords > 0)
        return MAX_READINGS + 1;
    return only_invalid && !is_date(def) ? INVALID_REPAIR_VETO : REPAIR_VETO;
}

/*
 * The reading to keep among n: one that passes the field's rules as read,
 * then one a repair made pass, then the one most readings agree on, then
 * one that accounts for all the ink, then the most confident. Repairs
 * are not taken when veto_at readings agree on what was read
 * (repair_veto).
 */
static size_t
reading_choose(const reading *rs, size_t n, int veto_at)
{
    size_t best = 0;
    double best_score = -1.0;
    int veto = 0;

    for (size_t i = 0; i < n; i++) {
        int same = 0;
        for (size_t j = 0; rs[i].used && !rs[i].repaired && j < n; j++)
            same += rs[j].used && !rs[j].repaired &&
                    strcmp(rs[i].value, rs[j].value) == 0;
        veto |= same >= veto_at;
    }
    for (size_t i = 0; i < n; i++) {
        int votes = 0;
        double score;
        if (!rs[i].used || (rs[i].repaired && veto))
            continue;
        for (size_t j = 0; j < n; j++)
            votes += rs[j].used && strcmp(rs[i].value, rs[j].value) == 0;
        score = (rs[i].repaired ? 50.0 : 100.0) * rs[i].valid + 10.0 * votes +
                5.0 * (rs[i].mismatch == 0) + rs[i].confidence / 100.0;
        if (score > best_score) {
            best_score = score;
            best = i;
        }
    }
    return best;
}

/*
 * A hand's digit-only field f whose reading (t, rebuilt into lat) fails
 * its rules and passes no combination of OCR's alternatives: its widest
 * character read as two touching digits (chars_rebuild with pair), a 1
 * written into the 6 after it that left an NPI nine digits long. When
 * some combination passes then, writes the reading with the pair as read
 * to asread and what passes at the least cost to text (lat holds the
 * rebuilt reading); else leaves both "".
 */
static cs_status
repair_by_pair(char *asread, char *text, size_t size, extract_lattice *lat,
               ocr_text *one, const reader *rd, int f, const placement *pl,
               const ocr_text *t, ocr_engine *eng, double scale,
               const char *may, cs_error *err)
{
    const extract_field_def *def = &rd->tpl->fields[f];
    int split = 0;
    cs_status rc;

    asread[0] = text[0] = '\0';
    if (!rd->hand || !digits_only(def->charset))
        return CS_OK;
    rc = chars_rebuild(lat, one, rd, f, pl, t, eng, scale, 1, &split, err);
    if (rc != CS_OK || !split)
        return rc;
    extract__lattice_text(asread, size, lat);
    extract__lattice_add_lookalikes(lat, def->charset);
    if (extract__lattice_search(text, size, lat, def, may,
                                lat->n > REPAIR_LONG ? 2 : REPAIR_MAX_SUBST,
                                rd->today) < 0.0)
        asread[0] = text[0] = '\0';
    return CS_OK;
}

/*
 * Reads inked text fields again on renderings of the montage (those of
 * rereads[] whose bit is set in looks) and keeps, per field, the reading
 * chosen by reading_choose(): every field of a poor page, or (only_invalid)
 * only those whose first reading fails their rules.
 */
static cs_status
reread(reader *rd, extract_result *res, const placement *pl, PIX *montage,
       ocr_engine *eng, unsigned looks, int only_invalid, cs_error *err)
{
    size_t nf = res->nfields;
    reading *rs = calloc(nf * MAX_READINGS, sizeof(*rs));
    unsigned char *again = calloc(nf, 1); /* field f is read again */
    ocr_text *t = malloc(sizeof(*t)), *one = malloc(sizeof(*one));
    extract_lattice *lat = malloc(sizeof(*lat));
    placement *pl2 = malloc(nf * sizeof(*pl2));
    PIX *rows = NULL, *gray = NULL, *scaled = NULL;
    char filled[EXTRACT_MAX_PARTS + 1];
    cs_status rc = CS_OK;
    int height = 0;

    if (rs == NULL || again == NULL || t == NULL || one == NULL ||
        lat == NULL || pl2 == NULL) {
        rc = cs_error_set(err, CS_ENOMEM, "out of memory");
        goto cleanup;
    }
    memcpy(pl2, pl, nf * sizeof(*pl2));
    for (size_t f = 0; f < nf; f++) {
        const extract_field *fl = &res->fields[f];
        reading *r = &rs[f * MAX_READINGS];
        if (!pl[f].placed)
            continue;
        reading_judge(r, &rd->tpl->fields[f], fl->raw,
                      pointer_filled(filled, rd, pl, f), rd->today);
        /* Nothing to judge a reading by: no second one. */
        if (only_invalid && (r->valid || (rd->tpl->fields[f].nrules == 0 &&
                                          rd->tpl->fields[f].nwords == 0)))
            continue;
        again[f] = 1;
        r->mismatch = fl->ink_mismatch;
        r->confidence = fl->confidence;
        r->min_confidence = fl->min_confidence;
    }
    /* The montage rows of the fields read again, stacked (pl2 says where
     * each one went): the renderings cost what those rows cost, not the
     * whole montage. */
    for (size_t f = 0; f < nf; f++)
        if (again[f]) {
            pl2[f].oy += height - pl[f].rect.y;
            pl2[f].rect.y = height;
            height += pl[f].rect.h;
        }
    if (height == 0)
        goto cleanup; /* nothing to read again */
    rows = pixCreate((l_int32)pixGetWidth(montage), height, 1);
    for (size_t f = 0; rows != NULL && f < nf; f++)
        if (again[f])
            (void)pixRasterop(rows, 0, pl2[f].rect.y,
                              (l_int32)pixGetWidth(montage), pl[f].rect.h,
                              PIX_SRC, montage, 0, pl[f].rect.y);
    gray = rows != NULL ? pixConvert1To8(NULL, rows, 255, 0) : NULL;
    if (gray == NULL) {
        rc = cs_error_set(err, CS_ENOMEM, "out of memory");
        goto cleanup;
    }
    for (size_t v = 0; v < NREREADS && rc == CS_OK; v++) {
        double sc = rereads[v].scale;
        if (!(looks & (1u << v)))
            continue;
        if (rereads[v].look == REREAD_GRAY)
            scaled = pixScale(gray, (l_float32)sc, (l_float32)sc);
        else
            scaled = pixBlockconv(gray, 1, 1);
        if (scaled == NULL) {
            rc = cs_error_set(err, CS_ENOMEM, "out of memory");
            break;
        }
        rc = ocr_engine_set_page(eng, scaled, err);
        if (rc == CS_OK)
            rc = ocr_engine_set_choices(eng, 1, err);
        for (size_t f = 0; f < nf && rc == CS_OK; f++) {
            const extract_field_def *def = &rd->tpl->fields[f];
            reading *r = &rs[f * MAX_READINGS + 1 + v], *rep;
            char text[EXTRACT_VALUE_MAX];
            const char *may;
            if (!again[f])
                continue;
            may = pointer_filled(filled, rd, pl, f);
            rc = read_field(t, rd, (int)f, &pl2[f], eng, sc, err);
            if (rc != CS_OK)
                break;
            rc = chars_rebuild(lat, one, rd, (int)f, &pl2[f], t, eng, sc, 0,
                               NULL, err);
            if (rc != CS_OK)
                break;
            extract__lattice_text(text, sizeof(text), lat);
            reading_judge(r, def, text, may, rd->today);
            r->mismatch = ink_mismatch(rd, (int)f, &pl2[f], t) + t->disagree;
            r->confidence = t->nsymbols > 0 ? t->mean_confidence : 0.0;
            r->min_confidence = t->nsymbols > 0 ? t->min_confidence : 0.0;
            if (!r->valid)
                extract__lattice_add_lookalikes(lat, def->charset);
            if (r->valid || (def->nrules == 0 && def->nwords == 0))
                continue;
            if (extract__lattice_search(text, sizeof(text), lat, def, may,
                                        lat->n > REPAIR_LONG ? 2
                                                             : REPAIR_MAX_SUBST,
                                        rd->today) < 0.0) {
                char paired[EXTRACT_VALUE_MAX];
                rc = repair_by_pair(paired, text, sizeof(text), lat, one, rd,
                                    (int)f, &pl2[f], t, eng, sc, may, err);
                if (rc != CS_OK)
                    break;
                if (paired[0] != '\0') /* the pair is what was read */
                    reading_judge(r, def, paired, may, rd->today);
            }
            if (text[0] == '\0') {
                /* no combination of OCR's alternatives: a few edits
                 * from the form's own wording is that wording */
                const char *near = extract__lexicon_near(def, r->value);
                if (near == NULL)
                    continue;
                (void)snprintf(text, sizeof(text), "%s", near);
            }
            rep = &rs[f * MAX_READINGS + 1 + NREREADS + v];
            *rep = *r;
            reading_judge(rep, def, text, may, rd->today);
            rep->repaired = 1;
        }
        (void)ocr_engine_set_page(eng, NULL, NULL);
        pixDestroy(&scaled);
    }
    for (size_t f = 0; f < nf && rc == CS_OK; f++) {
        extract_field *fl = &res->fields[f];
        const reading *r;
        size_t best;
        if (!again[f])
            continue;
        best = reading_choose(&rs[f * MAX_READINGS], MAX_READINGS,
                              repair_veto(&rd->tpl->fields[f], only_invalid));
        r = &rs[f * MAX_READINGS + best];
        fl->reread = best != 0 && strcmp(r->raw, fl->raw) != 0;
        if (fl->reread)
            fl->shape_doubt = 0; /* it was the first reading's doubt */
        memcpy(fl->raw, r->raw, sizeof(fl->raw));
        fl->ink_mismatch = r->mismatch;
        fl->confidence = r->confidence;
        fl->min_confidence = r->min_confidence;
    }
cleanup:
    /* The next page reads without choices. */
    if (rc == CS_OK)
        rc = ocr_engine_set_choices(eng, 0, err);
    else
        (void)ocr_engine_set_choices(eng, 0, NULL);
    pixDestroy(&scaled);
    pixDestroy(&gray);
    pixDestroy(&rows);
    free(pl2);
    free(lat);
    free(one);
    free(t);
    free(again);
    free(rs);
    return rc;
}

/* ---- Digits printed onto a rule ------------------------------------ */

/* A digit printed low onto a thick rule (the form's bottom border under
 * boxes 31 to 33, on a page printed half a line low) loses its lower part
 * with the rule when the form is cleaned: a digit under CUT_SHORT of the
 * page's digits' height, with rule pixels under CUT_TOUCH of its width
 * just below it. */
#define CUT_SHORT 0.92
#define CUT_TOUCH 0.5
/* A digit over CUT_TALL of the digits' height in such a field kept
 * pieces of the rule (a fax's rule, broken into dots): its top rows are
 * the digit. */
#define CUT_TALL 1.1
/* Fewer of the page's examples than this (digits) tell too little. */
#define CUT_EXAMPLES_MIN 10

/* 1 when the form's rule pixels lie under character g (cut by the rule). */
static int
cut_by_rule(const ocr_page *page, const comp *g)
{
    BOX *box;
    l_int32 on = 0;

    if (page->rules == NULL)
        return 0;
    box = boxCreate(g->x, g->y + g->h, g->w, 2);
    if (box == NULL || pixCountPixelsInRect(page->rules, box, &on, NULL) != 0)
        on = 0;
    boxDestroy(&box);
    return on >= CUT_TOUCH * g->w;
}

/* Fills *out with the look of the top share of example e's ink (all of
 * it for share 1); 0 when it has none (or out of memory). */
static int
look_top(extract_look *out, const reader *rd, const seen_char *e, double share)
{
    PIX *pix = char_glyph(rd, e->f, &e->g), *top = NULL;
    int h = (int)lround(share * e->g.h), ok;
    BOX *box = boxCreate(0, 0, e->g.w, h < 2 ? 2 : h);

    top = pix != NULL && box != NULL ? pixClipRectangle(pix, box, NULL) : NULL;
    ok = top != NULL && extract__look_of(out, top) == 0;
    boxDestroy(&box);
    pixDestroy(&top);
    pixDestroy(&pix);
    return ok;
}

/* 1 for a field read_cut_digits reads: a date, a phone number, or a
 * text field of digits only (no dash or period). */
static int
digit_field(const extract_field_def *def)
{
    return def->kind == EXTRACT_KIND_DATE6 || def->kind == EXTRACT_KIND_DATE8 ||
           def->kind == EXTRACT_KIND_PHONE ||
           (def->kind == EXTRACT_KIND_TEXT &&
            strspn(def->charset, "0123456789 ") == strlen(def->charset));
}

/*
 * On a hand-filled page, the digits of the fields whose final reading
 * passes their rules, one character of ink to each digit, become the
 * page's examples of how its hand writes them (seen_chars, as note_chars
 * keeps a printed page's), for read_cut_digits to read the fields that
 * fail theirs: a hand writes its digits alike, however unlike the hands
 * the shape networks learned from (a 2 drawn like a Z).
 */
static void
hand_examples(reader *rd, const extract_result *res)
{
    seen_chars *seen = rd->seen;
    double line = rd->tpl->pitch_y * rd->xf.ay;

    for (size_t f = 0; f < res->nfields; f++) {
        const extract_field_def *def = &rd->tpl->fields[f];
        const char *raw = res->fields[f].raw;
        comp g[OCR_MAX_SYMBOLS], *chars[OCR_MAX_SYMBOLS];
        size_t ng, nc = 0, nd = 0;
        if (!digit_field(def) || !res->fields[f].has_ink || def->nrules == 0 ||
            !extract__reading_valid(def, raw, NULL, rd->today))
            continue;
        ng = cut_chars(g, OCR_MAX_SYMBOLS, rd, (int)f);
        for (size_t k = 0; k < ng; k++)
            if (g[k].big || char_sized(&g[k], line))
                chars[nc++] = &g[k];
        for (const char *c = raw; *c != '\0'; c++)
            nd += *c >= '0' && *c <= '9';
        if (nc != nd || nd == 0)
            continue;
        nc = 0;
        for (const char *c = raw; *c != '\0'; c++) {
            seen_char *e;
            if (*c < '0' || *c > '9')
                continue;
            e = seen_push(seen);
            if (e == NULL)
                return; /* fewer examples */
            memset(e, 0, sizeof(*e));
            e->f = (int)f;
            e->g = *chars[nc++];
            e->ch = *c;
            e->example = 1;
        }
    }
}

/* The look of example j of seen (all of its ink), computed once a page;
 * NULL when it has none (or out of memory). */
static const extract_look *
look_whole(const reader *rd, size_t j)
{
    seen_chars *seen = rd->seen;

    if (j >= seen->nknown) {
        extract_look *look = realloc(seen->look, seen->n * sizeof(*look));
        signed char *known;
        if (look == NULL)
            return NULL;
        seen->look = look;
        known = realloc(seen->known, seen->n);
        if (known == NULL)
            return NULL;
        seen->known = known;
        memset(known + seen->nknown, 0, seen->n - seen->nknown);
        seen->nknown = seen->n;
    }
    if (seen->known[j] == 0)
        seen->known[j] =
            look_top(&seen->look[j], rd, &seen->v[j], 1.0) ? 1 : -1;
    return seen->known[j] == 1 ? &seen->look[j] : NULL;
}

/* The digit character g of field f (its top rows) is by the page's
 * examples of its digits (note_chars), cut to g's share of their height
 * when g is cut by a rule; '\0' when none compares. A character read
 * surely is an example itself: it keeps its reading. Fills near (unless
 * NULL) with the distance to each digit's nearest example but g itself
 * (HUGE_VAL for none). */
static char
digit_by_examples(const reader *rd, int f, const comp *g, double share,
                  int rows, double *near)
{
    const seen_chars *seen = rd->seen;
    extract_look lk, ex;
    PIX *pix = char_glyph(rd, f, g), *top = NULL;
    BOX *box = boxCreate(0, 0, g->w, rows < g->h ? rows : g->h);
    double best = HUGE_VAL;
    char ch = '\0';
    int ok;

    for (int d = 0; near != NULL && d < 10; d++)
        near[d] = HUGE_VAL;

    top = pix != NULL && box != NULL ? pixClipRectangle(pix, box, NULL) : NULL;
    ok = top != NULL && extract__look_of(&lk, top) == 0;
    boxDestroy(&box);
    pixDestroy(&top);
    pixDestroy(&pix);
    for (size_t j = 0; ok && j < seen->n; j++) {
        const seen_char *e = &seen->v[j];
        double d;
        const extract_look *el;
        if (!e->example || e->ch < '0' || e->ch > '9')
            continue;
        if (share >= 1.0)
            el = look_whole(rd, j);
        else
            el = look_top(&ex, rd, e, share) ? &ex : NULL;
        if (el == NULL)
            continue;
        d = extract__look_distance(&lk, el);
        if (near != NULL && d < near[e->ch - '0'] &&
            !(e->f == f && e->g.x == g->x && e->g.y == g->y))
            near[e->ch - '0'] = d;
        if (d < best) {
            best = d;
            ch = e->ch;
        }
    }
    return ch;
}

/* Which cell of field def (its parts: a date's month, day and year) the
 * character g lies in: the one nearest its middle across. */
static size_t
char_cell(const reader *rd, const extract_field_def *def, const comp *g)
{
    size_t best = 0;
    double bd = HUGE_VAL;

    for (size_t k = 0; k < def->ncells; k++) {
        double x0 = def->cells[k].x + rd->dx, x1 = x0 + def->cells[k].w,
               d = g->rx < x0   ? x0 - g->rx
                   : g->rx > x1 ? g->rx - x1
                                : 0.0;
        if (d < bd) {
            bd = d;
            best = k;
        }
    }
    return best;
}

/*
 * On a printed page, a date, a phone number or a field of digits only
 * (an NPI) whose reading fails its rules, or whose ink touched a rule
 * that cut some of its characters: each of its characters is read again
 * as the digit whose examples on the page (note_chars) look most like
 * it; one cut by a rule (cut_by_rule) compared with their tops cut at
 * its share of their height, one that kept the rule's remains below
 * (CUT_TALL) by its top rows. When that reading passes the field's rules
 * (an NPI's check digit, a calendar date), it replaces OCR's (flagged
 * shape_mismatch). Tesseract reads the top two thirds of a digit poorly
 * (2007142369 read 7192, 2023-11-12 read 2092-11-19), drops the blanks
 * of a date whose ink touches a rule (1997-09-18 read 9181997), misreads
 * a fax's digits (2025-08-30 read 2025-08-38) and drops one whose ink
 * ran into the next (7475940145 read 747940145); the page's own print
 * tells its digits apart. Characters that are no digit (a tax ID's dash,
 * a decimal point) would be lost: fields that allow them are left as
 * read. On a hand-filled page the examples are its valid fields' digits
 * (hand_examples), and no character counts as cut. When the nearest
 * digits fail the rules of a field OCR read failing them too, the
 * cheapest reading (extract__lattice_search) of each character's nearest
 * digits (slot_by_examples) that passes them is taken: a 0 cut by a
 * divider it straddles looks like the page's 8s first and its 0s next
 * (2025-85-25). Not an NPI on a printed page: OCR misreads printed
 * digits far less often than the paper holds a wrong check digit, and
 * its digits' next nearest would "correct" it (dev sets: off the grid 7
 * fields better, photo 3, hand 2, fax 1; the printed NPIs 3 better, 4
 * planted mistakes made to pass).
 */
#define EXAMPLE_COST 40.0
#define EXAMPLE_MAX_SUBST 2

/* Appends to l a position read ch, with the next nearest digits by the
 * page's examples (near: each digit's distance) as its alternatives: one
 * twice as far as the nearest costs EXAMPLE_COST. */
static void
slot_by_examples(extract_lattice *l, char ch, const double *near)
{
    extract_slot *s;
    double base = HUGE_VAL;

    extract__lattice_add_char(l, ch);
    if (l->n == 0 || l->s[l->n - 1].c[0].utf8[0] != ch)
        return; /* full */
    s = &l->s[l->n - 1];
    for (int d = 0; d < 10; d++)
        base = near[d] < base ? near[d] : base;
    if (!(base > 0.0) || base == HUGE_VAL)
        return;
    while (s->n < OCR_MAX_CHOICES) {
        int best = -1;
        for (int d = 0; d < 10; d++) {
            int taken = 0;
            for (size_t k = 0; k < s->n; k++)
                taken |= s->c[k].utf8[0] == '0' + d;
            if (!taken && near[d] != HUGE_VAL &&
                (best < 0 || near[d] < near[best]))
                best = d;
        }
        if (best < 0)
            break;
        s->c[s->n].utf8[0] = (char)('0' + best);
        s->c[s->n].utf8[1] = '\0';
        s->c[s->n].confidence =
            (float)(100.0 - EXAMPLE_COST * log2(near[best] / base));
        s->n++;
    }
}

static void
read_cut_digits(reader *rd, extract_result *res, const ocr_page *page)
{
    const seen_chars *seen = rd->seen;
    double hs[1024], full, line = rd->tpl->pitch_y * rd->xf.ay;
    size_t nh = 0;
    extract_lattice *lat;

    for (size_t j = 0; j < seen->n && nh < 1024; j++)
        if (seen->v[j].example && seen->v[j].ch >= '0' && seen->v[j].ch <= '9')
            hs[nh++] = seen->v[j].g.h;
    if (nh < CUT_EXAMPLES_MIN)
        return;
    full = median(hs, nh);
    lat = malloc(sizeof(*lat));
    if (lat == NULL)
        return; /* read as OCR read them */
    for (size_t f = 0; f < res->nfields; f++) {
        const extract_field_def *def = &rd->tpl->fields[f];
        extract_field *fl = &res->fields[f];
        comp g[OCR_MAX_SYMBOLS];
        char raw[EXTRACT_VALUE_MAX];
        size_t ng, o = 0, cell = 0;
        int ok = 1, valid, cut = 0;
        double near[10];
        if (!digit_field(def) || !fl->has_ink)
            continue;
        lat->n = 0;
        valid = extract__reading_valid(def, fl->raw, NULL, rd->today);
        if (valid && !fl->on_rule)
            continue;
        ng = cut_chars(g, OCR_MAX_SYMBOLS, rd, (int)f);
        for (size_t k = 0; ok && k < ng && o + 2 < sizeof(raw); k++) {
            double share = 1.0;
            size_t in = char_cell(rd, def, &g[k]);
            int rows = g[k].h;
            char ch;
            if (!g[k].big && !(rd->hand && char_sized(&g[k], line)))
                continue;
            /* a hand's digits vary in height: none is cut */
            if (!rd->hand && g[k].h < CUT_SHORT * full &&
                cut_by_rule(page, &g[k])) {
                share = g[k].h / full;
                cut = 1;
            } else if (!rd->hand && g[k].h > CUT_TALL * full) {
                rows = (int)lround(full); /* the rule's remains below */
            }
            ch = digit_by_examples(rd, (int)f, &g[k], share, rows, near);
            ok = ch != '\0';
            if (o > 0 && in != cell) {
                raw[o++] = ' ';
                extract__lattice_add_char(lat, ' ');
            }
            cell = in;
            raw[o++] = ch;
            if (ok)
                slot_by_examples(lat, ch, near);
        }
        raw[o] = '\0';
        if (!ok || o == 0 || (valid && !cut))
            continue;
        if (!extract__reading_valid(def, raw, NULL, rd->today) &&
            (valid || (!rd->hand && extract__field_has_rule(def, "npi")) ||
             extract__lattice_search(raw, sizeof(raw), lat, def, NULL,
                                     EXAMPLE_MAX_SUBST, rd->today) < 0.0))
            continue;
        (void)snprintf(fl->raw, sizeof(fl->raw), "%s", raw);
        fl->shape_doubt = 1;
    }
    free(lat);
}

/* A digit of an amount read by the page's digits: its value, what it
 * is worth in the amount (cents), and each digit's nearest example. */
typedef struct money_digit {
    int d;
    long long place;
    double near[10];
} money_digit;
#define MONEY_DIGITS 12

/* Writes to raw (size bytes) the reading of amount digits md[0..n-1]
 * (dollars, then two cents) as the grid prints it (dollars, a blank,
 * cents). */
static void
money_raw(char *raw, size_t size, const money_digit *md, size_t n)
{
    size_t o = 0;

    for (size_t i = 0; i < n && o + 2 < size; i++) {
        if (i + 2 == n)
            raw[o++] = ' ';
        raw[o++] = (char)('0' + md[i].d);
    }
    raw[o] = '\0';
}

/* Reads money field f by the page's digits (digit_by_examples) into
 * md (at most MONEY_DIGITS): the digits in its last two columns are the
 * cents, those before them the dollars, as the grid prints an amount.
 * Returns how many, 0 when some character compares with no digit or
 * the cents are not two. */
static size_t
money_by_examples(money_digit *md, const reader *rd, int f)
{
    const extract_field_def *def = &rd->tpl->fields[f];
    comp g[OCR_MAX_SYMBOLS];
    size_t ng = cut_chars(g, OCR_MAX_SYMBOLS, rd, f), n = 0, nc = 0;
    int ncols = (int)lround(def->zone.w / rd->tpl->pitch_x);
    long long place = 1;

    for (size_t k = 0; k < ng; k++) {
        int col =
            (int)floor((g[k].rx - (def->zone.x + rd->dx)) / rd->tpl->pitch_x);
        char ch;
        if (!g[k].big &&
            !(rd->hand && char_sized(&g[k], rd->tpl->pitch_y * rd->xf.ay)))
            continue;
        if (n == MONEY_DIGITS || (nc > 0 && col < ncols - 2))
            return 0;
        ch = digit_by_examples(rd, f, &g[k], 1.0, g[k].h, md[n].near);
        if (ch == '\0')
            return 0;
        md[n++].d = ch - '0';
        nc += col >= ncols - 2;
    }
    if (nc != 2 || n < 3)
        return 0;
    for (size_t i = n; i-- > 0; place *= 10)
        md[i].place = place;
    return n;
}

/* The amount a money field's raw reading says, in cents; -1 when it
 * says none. */
static long long
raw_cents(const char *raw)
{
    char value[EXTRACT_VALUE_MAX];
    const char *why = NULL;
    long long cents;

    if (extract__normalize(value, sizeof(value), EXTRACT_KIND_MONEY, raw,
                           &why) == EXTRACT_NORM_FAILED ||
        value[0] == '\0' || extract__money_cents(value, &cents) != 0)
        return -1;
    return cents;
}

/* A digit of an amount may be read as another whose nearest example
 * lies at most this many times as far as the nearest one of what it was
 * read (but itself), when that alone makes the amounts add up. */
#define SUM_ALT_RATIO 3.0

/*
 * Among the digits of the amounts (md, nd of each: the total first),
 * the one change of a digit to another nearly as near (SUM_ALT_RATIO)
 * that moves the total less the sum of the lines by delta cents, when
 * only one does among the nearest; makes it and returns 1, else 0. A
 * fax's dither makes a cents 0 look like a 9 to the page's digits too;
 * the amounts adding up tells which.
 */
static int
sum_one_change(money_digit (*md)[MONEY_DIGITS], const size_t *nd, size_t n,
               long long delta)
{
    double best = HUGE_VAL, second = HUGE_VAL;
    size_t bk = 0, bi = 0;
    int bc = -1;

    for (size_t k = 0; k < n; k++)
        for (size_t i = 0; i < nd[k]; i++) {
            const money_digit *m = &md[k][i];
            for (int c = 0; c < 10; c++) {
                double r = m->near[c] / m->near[m->d];
                long long moved = (c - m->d) * m->place;
                /* no other example of what it was read: no odds */
                if (c == m->d || m->near[c] == HUGE_VAL ||
                    m->near[m->d] == HUGE_VAL || r > SUM_ALT_RATIO ||
                    (k == 0 ? moved : -moved) != delta)
                    continue;
                if (r < best) {
                    second = best;
                    best = r;
                    bk = k;
                    bi = i;
                    bc = c;
                } else if (r < second) {
                    second = r;
                }
            }
        }
    if (bc < 0 || second < 2.0 * best)
        return 0;
    md[bk][bi].d = bc;
    return 1;
}

/* A cents digit written small: at least this share of a line high and
 * wide, and this sure to be a digit by the digit network. */
#define CENTS_MIN_SIZE 0.2
#define CENTS_MIN_P 0.5

/*
 * On a hand-filled page, an amount read as dollars alone (no cents: it
 * fails the money rule) whose cents columns (the grid's last two) hold
 * two components no field took, each the size of a small character, gets
 * them as its cents, each read by the digit network (flagged reread).
 * Hands write the cents small, raised beside the dollars (58 and a small
 * 00): under the size of a character (a third of a line), they were
 * taken for specks.
 */
static void
hand_cents(const reader *rd, extract_result *res)
{
    double line = rd->tpl->pitch_y * rd->xf.ay;

    for (size_t f = 0; f < res->nfields; f++) {
        const extract_field_def *def = &rd->tpl->fields[f];
        extract_field *fl = &res->fields[f];
        int ncols = (int)lround(def->zone.w / rd->tpl->pitch_x), n = 0, ok = 1;
        const comp *cents[3];
        char digits[3];
        size_t len = strlen(fl->raw);
        if (def->kind != EXTRACT_KIND_MONEY || !fl->has_ink || len == 0 ||
            strspn(fl->raw, "0123456789") != len || len + 4 > sizeof(fl->raw))
            continue;
        for (size_t i = 0; i < rd->ncomps && n < 3; i++) {
            const comp *c = &rd->comps[i];
            int col =
                (int)floor((c->rx - (def->zone.x + rd->dx)) / rd->tpl->pitch_x);
            double top = def->zone.y + rd->dy - 0.5 * rd->tpl->pitch_y,
                   bottom = def->zone.y + def->zone.h + rd->dy +
                            0.5 * rd->tpl->pitch_y;
            if (c->field != -1 || col < ncols - 2 || col >= ncols ||
                c->ry < top || c->ry > bottom || c->h < CENTS_MIN_SIZE * line ||
                c->w < CENTS_MIN_SIZE * line || c->h > line)
                continue;
            cents[n++] = c;
        }
        if (n != 2)
            continue;
        if (cents[0]->x > cents[1]->x) {
            const comp *t = cents[0];
            cents[0] = cents[1];
            cents[1] = t;
        }
        for (int k = 0; ok && k < 2; k++) {
            double p[OCR_DIGIT_CLASSES];
            cs_error err = CS_ERROR_INIT;
            PIX *pix = char_glyph(rd, -1, cents[k]);
            int best = 0;
            ok = pix != NULL && ocr_digit_read(p, pix, &err) == CS_OK;
            pixDestroy(&pix);
            for (int d = 1; ok && d < 10; d++)
                best = p[d] > p[best] ? d : best;
            ok = ok && p[best] >= CENTS_MIN_P;
            digits[k] = (char)('0' + best);
        }
        digits[2] = '\0';
        if (!ok)
            continue;
        (void)snprintf(fl->raw + len, sizeof(fl->raw) - len, " %s", digits);
        fl->reread = 1;
    }
}

/*
 * On a printed page whose line charges do not add up to the total as
 * read (a template's sum check), the amounts are read again by the
 * page's own digits (money_by_examples): when those readings add up, or
 * do once one digit is read as its next nearest (sum_one_change), they
 * replace OCR's where they differ (flagged shape_mismatch). OCR loses
 * the blank of the decimal point (704.00 read 7.04) and a fax turns a
 * cents 00 into 80 or 90; the page's print tells its digits apart, the
 * grid its cents. A total that truly differs from its lines (a claim's
 * mistake) still does when read so: nothing is changed then but when a
 * single digit's next reading makes up the difference.
 */
static void
sum_by_examples(const reader *rd, extract_result *res)
{
    for (size_t i = 0; i < rd->tpl->nchecks; i++) {
        const extract_check_def *c = &rd->tpl->checks[i];
        size_t fs[EXTRACT_MAX_PARTS + 1], nd[EXTRACT_MAX_PARTS + 1], n = 0;
        money_digit md[EXTRACT_MAX_PARTS + 1][MONEY_DIGITS];
        long long old_sum = 0, new_sum = 0, old_total = -1, new_total = -1;
        int old_ok = 1, new_ok = 1;
        if (c->type != EXTRACT_CHECK_SUM || !res->fields[c->field].has_ink)
            continue;
        fs[n++] = c->field;
        for (size_t k = 0; k < c->nparts && n <= EXTRACT_MAX_PARTS; k++)
            if (res->fields[c->parts[k]].has_ink)
                fs[n++] = c->parts[k];
        for (size_t k = 0; k < n; k++) {
            long long a = raw_cents(res->fields[fs[k]].raw);
            nd[k] = money_by_examples(md[k], rd, (int)fs[k]);
            old_ok &= a >= 0;
            new_ok &= nd[k] > 0;
            if (k == 0)
                old_total = a;
            else
                old_sum += a;
        }
        if ((old_ok && old_sum == old_total) || !new_ok || n < 2)
            continue;
        for (size_t k = 0; k < n; k++) {
            long long v = 0;
            for (size_t j = 0; j < nd[k]; j++)
                v += md[k][j].d * md[k][j].place;
            if (k == 0)
                new_total = v;
            else
                new_sum += v;
        }
        if (new_sum != new_total &&
            !sum_one_change(md, nd, n, new_sum - new_total))
            continue;
        for (size_t k = 0; k < n; k++) {
            extract_field *fl = &res->fields[fs[k]];
            char raw[sizeof(fl->raw)];
            money_raw(raw, sizeof(raw), md[k], nd[k]);
            if (raw_cents(fl->raw) == raw_cents(raw))
                continue;
            memcpy(fl->raw, raw, sizeof(fl->raw));
            fl->shape_doubt = 1;
        }
    }
}

/* In fixed-pitch print a name's comma has a cell of its own: "WALKER,
 * NOAH" leaves two cells between the words, "WALKER NOAH" one. A comma
 * typed low sits on the box's bottom rule and goes with it, and the name
 * reads without it. Where a person's name (rule person_name) on such a
 * page has as many words as its ink has runs of cells, a word that ends
 * without a comma two empty cells before the next gets its comma back
 * (the field stays flagged: its ink touched the rule). */
#define NAME_CELLS_MAX 64
#define NAME_CELL_SLIVER 0.15

static void
restore_name_commas(const reader *rd, int f, char *raw, size_t size)
{
    const extract_field_def *def = &rd->tpl->fields[f];
    int used[NAME_CELLS_MAX] = {0}, ncells, last = -1;
    int gaps[NAME_CELLS_MAX], nruns = 0, nwords = 1;
    char out[EXTRACT_VALUE_MAX];
    size_t o = 0, len = strlen(raw);

    ncells = (int)(def->zone.w / rd->tpl->pitch_x + 0.5);
    if (ncells <= 0 || ncells > NAME_CELLS_MAX || len == 0 ||
        len + NAME_CELLS_MAX >= sizeof(out))
        return;
    for (size_t i = 0; i < rd->ncomps; i++) {
        const comp *c = &rd->comps[i];
        double half = 0.5 * c->w / rd->xf.ax,
               x0 = c->rx - half - (def->zone.x + rd->dx);
        int k0, k1;
        if (c->field != f)
            continue;
        /* the cells the ink covers, but for a sliver at either side */
        k0 = (int)floor(x0 / rd->tpl->pitch_x + NAME_CELL_SLIVER);
        k1 =
            (int)floor((x0 + 2.0 * half) / rd->tpl->pitch_x - NAME_CELL_SLIVER);
        if (k0 >= 0 && k1 < ncells)
            for (int k = k0; k <= k1; k++)
                used[k] = 1;
        else
            return; /* ink beyond the cells: the runs cannot be trusted */
    }
    for (int k = 0; k < ncells; k++)
        if (used[k]) {
            if (last >= 0 && k > last + 1)
                gaps[nruns++] = k - last - 1;
            last = k;
        }
    for (size_t i = 0; i < len; i++)
        nwords += raw[i] == ' ';
    if (last < 0 || nruns + 1 != nwords)
        return;
    for (size_t i = 0, w = 0; i < len; i++) {
        if (raw[i] == ' ' && o > 0 && out[o - 1] != ',' && gaps[w] == 2)
            out[o++] = ',';
        w += raw[i] == ' ';
        out[o++] = raw[i];
    }
    out[o] = '\0';
    if (o < size)
        memcpy(raw, out, o + 1);
}

/* In prose fields (names, streets, cities: a charset with lower case):
 * specks read as punctuation dropped (extract__drop_specks; a person's
 * name keeps its commas), misread words mended (extract__mend_words),
 * a reading a few edits from one of the field's known values taken as
 * that value (extract__mend_known), a person's name that fails its rule
 * only by its commas given them (extract__mend_name_commas), the field
 * then flagged word_mended; a printed name's lost commas given back
 * first (restore_name_commas). */
static void
tidy_prose(const reader *rd, extract_result *res, ocr_engine *eng)
{
    for (size_t f = 0; f < res->nfields; f++) {
        const extract_field_def *def = &rd->tpl->fields[f];
        if (strchr(def->charset, 'a') == NULL)
            continue;
        if (rd->mono && !rd->hand && res->fields[f].on_rule &&
            extract__field_has_rule(def, "person_name"))
            restore_name_commas(rd, (int)f, res->fields[f].raw,
                                sizeof(res->fields[f].raw));
        extract__drop_specks(res->fields[f].raw,
                             extract__field_has_rule(def, "person_name"));
        if (rd->hand && extract__join_words(res->fields[f].raw, eng))
            res->fields[f].word_mended = 1;
        if (rd->hand && extract__mend_split_k(res->fields[f].raw, eng))
            res->fields[f].word_mended = 1;
        if (extract__mend_words(res->fields[f].raw, eng, rd->hand))
            res->fields[f].word_mended = 1;
        if (rd->hand && extract__mend_dropped(res->fields[f].raw,
                                              sizeof(res->fields[f].raw), eng))
            res->fields[f].word_mended = 1;
        if (extract__field_has_rule(def, "street") &&
            extract__mend_street(res->fields[f].raw, rd->hand))
            res->fields[f].word_mended = 1;
        if (rd->hand && extract__field_has_rule(def, "street") &&
            extract__mend_house_number(res->fields[f].raw))
            res->fields[f].word_mended = 1;
        if (extract__mend_known(res->fields[f].raw, sizeof(res->fields[f].raw),
                                def))
            res->fields[f].word_mended = 1;
        if (extract__field_has_rule(def, "person_name") &&
            extract__mend_name_commas(res->fields[f].raw,
                                      sizeof(res->fields[f].raw)))
            res->fields[f].word_mended = 1;
    }
}

/* Handwriting: in print, the capitals and digits of a field are one
 * height and stand on one baseline, to the pixel; a hand varies both. Per
 * field (at least HAND_MIN_CHARS characters), the median deviation of the
 * characters' heights from their median, and of each bottom from the
 * middle of its neighbours' (a baseline's slope cancels), as a share of
 * the height; the page's median field's. Printed pages of every kind
 * and font measured 0 on both (every field within a pixel); pages written
 * in seven handwriting fonts, 0.03-0.14 on one or both, even drawn without
 * jitter on one baseline. Fixed-pitch print (Courier's digits stand lower
 * than its capitals) is print. */
#define HAND_MIN_CHARS 4
#define HAND_MIN_FIELDS 5
#define HAND_DEVIATION 0.02

static int
comp_by_x(const void *a, const void *b)
{
    const comp *p = *(const comp *const *)a, *q = *(const comp *const *)b;
    return (p->x > q->x) - (p->x < q->x);
}

/* The deviations of field f's characters (see above): 0 when it has too
 * few; *dh and *db otherwise. */
static int
field_unevenness(const reader *rd, int f, const comp **chars, double *work,
                 double *dh, double *db)
{
    size_t n = 0;
    double h;

    for (size_t i = 0; i < rd->ncomps; i++)
        if (rd->comps[i].field == f && rd->comps[i].big)
            chars[n++] = &rd->comps[i];
    if (n < HAND_MIN_CHARS)
        return 0;
    qsort(chars, n, sizeof(chars[0]), comp_by_x);
    for (size_t i = 0; i < n; i++)
        work[i] = chars[i]->h;
    h = median(work, n);
    for (size_t i = 0; i < n; i++)
        work[i] = fabs(chars[i]->h - h);
    *dh = median(work, n) / h;
    for (size_t i = 1; i + 1 < n; i++)
        work[i - 1] = fabs((chars[i]->y + chars[i]->h) -
                           0.5 * (chars[i - 1]->y + chars[i - 1]->h +
                                  chars[i + 1]->y + chars[i + 1]->h));
    *db = median(work, n - 2) / h;
    return 1;
}

/* 1 when the page's data was written by hand (see HAND_DEVIATION). */
static int
written_by_hand(const reader *rd)
{
    const comp **chars = NULL;
    double *work = NULL, *dh = NULL, *db = NULL;
    size_t nf = 0, nt = rd->tpl->nfields;
    int hand = 0;

    if (rd->mono)
        return 0;
    chars = calloc(rd->ncomps + 1, sizeof(*chars));
    work = calloc(rd->ncomps + 1, sizeof(*work));
    dh = calloc(nt + 1, sizeof(*dh));
    db = calloc(nt + 1, sizeof(*db));
    if (chars != NULL && work != NULL && dh != NULL && db != NULL) {
        for (size_t f = 0; f < nt; f++)
            if (rd->tpl->fields[f].kind != EXTRACT_KIND_CHECK &&
                field_unevenness(rd, (int)f, chars, work, &dh[nf], &db[nf]))
                nf++;
        hand = nf >= HAND_MIN_FIELDS && (median(dh, nf) >= HAND_DEVIATION ||
                                         median(db, nf) >= HAND_DEVIATION);
    }
    free(chars);
    free(work);
    free(dh);
    free(db);
    return hand;
}

/* Share of the character-sized components (by area) that no field took:
 * near 0 on a page read where its template says, large when the template
 * sits in the wrong place or the page carries text the template lacks. */
static double
unplaced_share(const reader *rd)
{
    double all = 0, lost = 0;

    for (size_t i = 0; i < rd->ncomps; i++) {
        const comp *c = &rd->comps[i];
        if (!c->big)
            continue;
        all += (double)c->w * c->h;
        if (c->field < 0)
            lost += (double)c->w * c->h;
    }
    return all > 0 ? lost / all : 0.0;
}

/* A hand's slant: how far its upright strokes lean (columns per row up;
 * positive leans right), measured on the characters of the fields: of the
 * leans tried, up to SLANT_MAX either way, the one that, undone, stacks
 * the characters' ink into the fewest, fullest columns (the largest sum
 * of squared column counts). 0 for a hand that stands upright. */
#define SLANT_MAX 0.6
#define SLANT_STEP 0.05
#define SLANT_TRIES 25 /* 2 * SLANT_MAX / SLANT_STEP + 1 */
static double
hand_slant(const reader *rd)
{
    double score[SLANT_TRIES] = {0};
    int *cols = NULL, ncols = 0, best = SLANT_TRIES / 2;

    for (size_t i = 0; i < rd->ncomps; i++) {
        const comp *c = &rd->comps[i];
        PIX *pix;
        l_uint32 *data;
        int wpl, span;
        if (c->field < 0 || !c->big)
            continue;
        span = c->w + (int)ceil(SLANT_MAX * c->h) + 2;
        if (span > ncols) {
            int *grown = realloc(cols, (size_t)span * sizeof(*cols));
            if (grown == NULL)
                break;
            cols = grown;
            ncols = span;
        }
        pix = pixaGetPix(rd->pixa, c->index, L_CLONE);
        if (pix == NULL)
            continue;
        data = pixGetData(pix);
        wpl = pixGetWpl(pix);
        for (int k = 0; k < SLANT_TRIES; k++) {
            double tried = (k - SLANT_TRIES / 2) * SLANT_STEP;
            memset(cols, 0, (size_t)span * sizeof(*cols));
            for (int y = 0; y < c->h; y++) {
                const l_uint32 *line = data + (size_t)y * wpl;
                /* undone about the middle row: rows above move left */
                int shift = (int)lround(tried * (y - 0.5 * c->h) +
                                        0.5 * SLANT_MAX * c->h) +
                            1;
                for (int x = 0; x < c->w; x++)
                    if (GET_DATA_BIT(line, x))
                        cols[x + shift]++;
            }
            for (int x = 0; x < span; x++)
                score[k] += (double)cols[x] * cols[x];
        }
        pixDestroy(&pix);
    }
    free(cols);
    for (int k = 0; k < SLANT_TRIES; k++)
        if (score[k] > score[best])
            best = k;
    return (best - SLANT_TRIES / 2) * SLANT_STEP;
}

/* Undoes a hand's slant (hand_slant) on the characters of the fields:
 * each component's pixels are sheared about its field's middle row (the
 * mean of its characters' middles; the middle of field_bbox, which takes
 * commas and specks in, read worse: 58 fields better, 73 worse), and its
 * box follows. */
static cs_status
deslant(reader *rd, double lean, cs_error *err)
{
    size_t nf = rd->tpl->nfields;
    double *mid = calloc(nf + 1, sizeof(*mid)), *n = calloc(nf + 1, sizeof(*n));

    if (mid == NULL || n == NULL) {
        free(mid);
        free(n);
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < rd->ncomps; i++) {
        const comp *c = &rd->comps[i];
        if (c->field >= 0 && c->big) {
            mid[c->field] += c->y + 0.5 * c->h;
            n[c->field] += 1.0;
        }
    }
    for (size_t i = 0; i < rd->ncomps; i++) {
        comp *c = &rd->comps[i];
        PIX *pix, *wide = NULL, *sheared = NULL, *clipped = NULL;
        BOX *box = NULL;
        int yl, b, bx, by, bw, bh;
        if (c->field < 0 || n[c->field] == 0.0)
            continue;
        yl = (int)lround(mid[c->field] / n[c->field]) - c->y;
        b = (int)ceil(fabs(lean) * (abs(yl) + c->h)) + 1;
        pix = pixaGetPix(rd->pixa, c->index, L_CLONE);
        wide = pix != NULL ? pixAddBorderGeneral(pix, b, b, 0, 0, 0) : NULL;
        sheared = wide != NULL
                      ? pixHShear(NULL, wide, yl, (l_float32)-atan(lean),
                                  L_BRING_IN_WHITE)
                      : NULL;
        if (sheared != NULL &&
            pixClipToForeground(sheared, &clipped, &box) == 0 &&
            clipped != NULL && boxGetGeometry(box, &bx, &by, &bw, &bh) == 0) {
            c->x += bx - b;
            c->y += by;
            c->w = bw;
            c->h = bh;
            (void)pixaReplacePix(rd->pixa, c->index, clipped, NULL);
            clipped = NULL;
        }
        boxDestroy(&box);
        pixDestroy(&clipped);
        pixDestroy(&sheared);
        pixDestroy(&wide);
        pixDestroy(&pix);
    }
    free(mid);
    free(n);
    return CS_OK;
}

cs_status
extract__read_fields(extract_result *res, ocr_engine *eng, ocr_page *page,
                     const struct tm *today, cs_error *err)
{
    reader rd;
    shape_memo memo = {NULL, 0, 0};
    seen_chars seen = {NULL, 0, 0, NULL, NULL, 0};
    PIX *montage = NULL;
    placement *pl = NULL;
    cs_status rc;

    memset(&rd, 0, sizeof(rd));
    rd.memo = &memo;
    rd.seen = &seen;
    rd.tpl = res->form;
    rd.today = today;
    rd.xf = res->reg.xf;
    rc = find_ink(&rd, page, res, err);
    if (rc == CS_OK && broken_print(&rd)) {
        int lightened = 0;
        rc = ocr_page_lighten(page, &lightened, err);
        if (rc == CS_OK && lightened) {
            free(rd.comps);
            pixaDestroy(&rd.pixa);
            rd.comps = NULL;
            rd.ncomps = 0;
            rc = find_ink(&rd, page, res, err);
        }
    }
    if (rc != CS_OK)
        goto cleanup;
    measure_offset(&rd);
    rc = build_spots(&rd, err);
    if (rc != CS_OK)
        goto cleanup;
    choose_offset_line(&rd);
    choose_offset_cells(&rd);
    assign_comps(&rd);
    join_words(&rd, res);
    grow_fields(&rd);
    attach_small(&rd);
    /* A hand-filled page is read upright: Tesseract, and the digits'
     * shapes, know upright characters. */
    rd.hand = written_by_hand(&rd);
    if (rd.hand) {
        double lean;
        adopt_small_chars(&rd);
        lean = hand_slant(&rd);
        if (lean != 0.0) {
            rc = deslant(&rd, lean, err);
            if (rc != CS_OK)
                goto cleanup;
        }
    }
    pl = calloc(rd.tpl->nfields, sizeof(*pl));
    if (pl == NULL) {
        rc = cs_error_set(err, CS_ENOMEM, "out of memory");
        goto cleanup;
    }
    montage = build_montage(pl, &rd);
    if (montage != NULL) {
        rc = ocr_engine_set_page(eng, montage, err);
        if (rc != CS_OK)
            goto cleanup;
    }
    for (size_t i = 0; i < res->nfields && rc == CS_OK; i++) {
        if (rd.tpl->fields[i].kind == EXTRACT_KIND_CHECK)
            read_check(&rd, &res->fields[i], (int)i, page);
        else
            rc =
                read_text(&rd, &res->fields[i], (int)i, &pl[i], page, eng, err);
    }
    if (rc == CS_OK && !rd.hand)
        rc = settle_lookalikes(&rd, res, page, err);
    res->offset_x = rd.dx;
    res->offset_y = rd.dy;
    res->ink_unplaced = unplaced_share(&rd);
    res->handwritten = rd.hand;
    /* Irregular (hand-filled) ink, on a page read where its fields are:
     * read again, weigh the readings. */
    if (rc == CS_OK && montage != NULL && !res->low_resolution &&
        !extract__registration_poor(res) &&
        (res->handwritten || extract__poor_page(res))) {
        res->poor_print = 1;
        rc = reread(&rd, res, pl, montage, eng, (1u << NREREADS) - 1, 0, err);
    } else if (rc == CS_OK && montage != NULL &&
               !extract__registration_poor(res)) {
        /* Any other page: the fields whose reading fails their rules
         * are read once more, blurred. */
        rc = reread(&rd, res, pl, montage, eng, 1u << INVALID_REREAD, 1, err);
    }
    if (rc == CS_OK && !rd.hand)
        lookalikes_apply(&rd, res, 1);
    if (rc == CS_OK && rd.mono && !rd.hand) {
        read_cut_digits(&rd, res, page);
        sum_by_examples(&rd, res);
    }
    if (rc == CS_OK && rd.hand) {
        hand_examples(&rd, res);
        hand_cents(&rd, res);
        read_cut_digits(&rd, res, page);
        sum_by_examples(&rd, res);
    }
    if (rc == CS_OK)
        tidy_prose(&rd, res, eng);
    if (rc == CS_OK)
        mark_ink_beside(&rd, res);
cleanup:
    if (montage != NULL)
        (void)ocr_engine_set_page(eng, NULL, NULL);
    pixDestroy(&montage);
    pixaDestroy(&rd.pixa);
    free(pl);
    free(rd.comps);
    free(rd.spots);
    free(memo.seen);
    free(seen.v);
    free(seen.look);
    free(seen.known);
    return rc;
}
