/*
 * read.c: zonal reading. The page's data ink is cut into connected
 * components; each is given to the field whose zone (registered, and
 * shifted by the printer's measured offset) it falls in; a text field is
 * then read by Tesseract in the tight rectangle around its own ink, and a
 * check box group is decided by comparing the ink in its boxes.
 */
#include "extract/extract_internal.h"

#include <leptonica/allheaders.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define TWO_PI 6.283185307179586

/* A component of data ink, in page pixels, with its center in reference
 * pixels. */
typedef struct comp {
    int x, y, w, h;
    double rx, ry;
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
    comp *comps;
    size_t ncomps;
    spot *spots;
    size_t nspots;
} reader;

/* Erases the template's printed labels (registered onto the page) from the
 * data image; rules are removed already. */
static cs_status
erase_labels(ocr_page *page, const extract_template *tpl,
             const extract_transform *xf, cs_error *err)
{
    PIX *scaled = NULL, *mask = NULL;
    cs_status rc = CS_OK;

    if (tpl->labels == NULL)
        return CS_OK;
    scaled = pixScale(tpl->labels, (l_float32)xf->ax, (l_float32)xf->ay);
    mask = pixCreate(pixGetWidth(page->data), pixGetHeight(page->data), 1);
    if (scaled == NULL || mask == NULL) {
        rc = cs_error_set(err, CS_ENOMEM, "out of memory erasing labels");
        goto cleanup;
    }
    (void)pixRasterop(mask, (int)lround(xf->bx), (int)lround(xf->by),
                      pixGetWidth(scaled), pixGetHeight(scaled), PIX_SRC,
                      scaled, 0, 0);
    rc = ocr_page_erase(page, mask, err);
cleanup:
    pixDestroy(&scaled);
    pixDestroy(&mask);
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
    BOXA *boxa = pixConnCompBB(page->data, 8);
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
        /* Specks, and what is too large to be a character (the QR code,
         * rule remains, photos' shadows). */
        if (c->w * c->h < 9 || (c->w < 3 && c->h < 3) || c->h > maxh ||
            c->w > maxw)
            continue;
        if (rule_fragment(rd, c))
            continue;
        c->big = c->h >= 0.3 * rd->tpl->pitch_y * rd->xf.ay;
        c->rx = (c->x + 0.5 * c->w - rd->xf.bx) / rd->xf.ax;
        c->ry = (c->y + 0.5 * c->h - rd->xf.by) / rd->xf.ay;
        c->field = -1;
        if (rd->tpl->has_qr && c->rx < rd->tpl->qr.x + rd->tpl->qr.w + 10 &&
            c->ry < rd->tpl->qr.y + rd->tpl->qr.h + 10)
            continue; /* the QR code's modules */
        rd->ncomps++;
    }
    boxaDestroy(&boxa);
    return CS_OK;
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
            s->z = k < f->ncells ? f->cells[k]
                                 : f->options[k - f->ncells].cell;
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
                int ov, f = o->field;
                if (f < 0 ||
                    rd->tpl->fields[f].kind == EXTRACT_KIND_CHECK)
                    continue;
                /* Same text line: vertical overlap of half the smaller. */
                ov = (c->y + c->h < o->y + o->h ? c->y + c->h : o->y + o->h) -
                     (c->y > o->y ? c->y : o->y);
                if (2 * ov < (c->h < o->h ? c->h : o->h))
                    continue;
                if (c->x - (o->x + o->w) > gap || o->x - (c->x + c->w) > gap)
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

/* A page image holding only the ink given to fields: what OCR reads. */
static PIX *
clean_image(const reader *rd, const ocr_page *page)
{
    PIX *pixd = pixCreateTemplate(page->data);

    for (size_t i = 0; pixd != NULL && i < rd->ncomps; i++) {
        const comp *c = &rd->comps[i];
        if (c->field >= 0)
            (void)pixRasterop(pixd, c->x, c->y, c->w, c->h,
                              PIX_SRC | PIX_DST, page->data, c->x, c->y);
    }
    return pixd;
}

/* Share of the components of field f (by area) that no recognized symbol
 * covers: ink that OCR dropped. */
static double
uncovered_share(const reader *rd, int f, const ocr_text *t)
{
    double total = 0, missed = 0;

    for (size_t i = 0; i < rd->ncomps; i++) {
        const comp *c = &rd->comps[i];
        double cx = c->x + 0.5 * c->w, cy = c->y + 0.5 * c->h;
        int covered = 0;
        if (c->field != f)
            continue;
        for (size_t k = 0; k < t->nsymbols && !covered; k++) {
            const ocr_rect *b = &t->symbols[k].box;
            covered = cx >= b->x - 4 && cx <= b->x + b->w + 4 &&
                      cy >= b->y - 6 && cy <= b->y + b->h + 6;
        }
        total += (double)c->w * c->h;
        if (!covered)
            missed += (double)c->w * c->h;
    }
    return total > 0 ? missed / total : 0.0;
}

static cs_status
read_text(reader *rd, extract_field *out, int f, ocr_engine *eng,
          const ocr_page *page, cs_error *err)
{
    const extract_field_def *def = &rd->tpl->fields[f];
    int pw = pixGetWidth(page->data), ph = pixGetHeight(page->data);
    ocr_text *t = NULL;
    ocr_rect r;
    cs_status rc;

    out->box = extract__zone_to_page(&rd->xf, def->zone);
    out->box.x += (int)lround(rd->dx * rd->xf.ax);
    out->box.y += (int)lround(rd->dy * rd->xf.ay);
    if (!field_bbox(&r, rd, f)) {
        out->confidence = 100.0;
        return CS_OK; /* no ink: empty */
    }
    out->has_ink = 1;
    r.x -= 6;
    r.y -= 6;
    r.w += 12;
    r.h += 12;
    if (r.x < 0)
        r.x = 0;
    if (r.y < 0)
        r.y = 0;
    if (r.x + r.w > pw)
        r.w = pw - r.x;
    if (r.y + r.h > ph)
        r.h = ph - r.y;
    out->box = r;
    t = malloc(sizeof(*t));
    if (t == NULL)
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    rc = ocr_engine_read(t, eng, r, OCR_LAYOUT_LINE, def->charset, err);
    /* Tesseract's line mode often returns nothing for one or two
     * characters alone; a single word's mode reads them. */
    if (rc == CS_OK && t->nsymbols == 0)
        rc = ocr_engine_read(t, eng, r, OCR_LAYOUT_WORD, def->charset, err);
    if (rc == CS_OK) {
        size_t len = strlen(t->text);
        if (len >= sizeof(out->raw))
            len = sizeof(out->raw) - 1; /* longer than any field */
        memcpy(out->raw, t->text, len);
        out->raw[len] = '\0';
        out->confidence = t->nsymbols > 0 ? t->mean_confidence : 0.0;
        out->min_confidence = t->nsymbols > 0 ? t->min_confidence : 0.0;
        out->uncovered = uncovered_share(rd, f, t);
    }
    free(t);
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

cs_status
extract__read_fields(extract_result *res, ocr_engine *eng, ocr_page *page,
                     cs_error *err)
{
    reader rd;
    PIX *clean = NULL;
    cs_status rc;

    memset(&rd, 0, sizeof(rd));
    rd.tpl = res->form;
    rd.xf = res->reg.xf;
    if (res->reg.method == EXTRACT_REG_RULES && page->kind != OCR_SCAN_COLOR) {
        rc = erase_labels(page, rd.tpl, &rd.xf, err);
        if (rc != CS_OK)
            return rc;
    }
    rc = collect_comps(&rd, page, err);
    if (rc != CS_OK)
        goto cleanup;
    measure_offset(&rd);
    rc = build_spots(&rd, err);
    if (rc != CS_OK)
        goto cleanup;
    assign_comps(&rd);
    grow_fields(&rd);
    attach_small(&rd);
    clean = clean_image(&rd, page);
    if (clean == NULL) {
        rc = cs_error_set(err, CS_ENOMEM, "out of memory");
        goto cleanup;
    }
    rc = ocr_engine_set_page(eng, clean, err);
    if (rc != CS_OK)
        goto cleanup;
    for (size_t i = 0; i < res->nfields && rc == CS_OK; i++) {
        if (rd.tpl->fields[i].kind == EXTRACT_KIND_CHECK)
            read_check(&rd, &res->fields[i], (int)i, page);
        else
            rc = read_text(&rd, &res->fields[i], (int)i, eng, page, err);
    }
    res->offset_x = rd.dx;
    res->offset_y = rd.dy;
cleanup:
    if (clean != NULL)
        (void)ocr_engine_set_page(eng, NULL, NULL);
    pixDestroy(&clean);
    free(rd.comps);
    free(rd.spots);
    return rc;
}
