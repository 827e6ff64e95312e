/*
 * ocr_internal.h: what the ocr stage's own files share. Never included
 * from outside ocr/.
 */
#ifndef OCR_INTERNAL_H
#define OCR_INTERNAL_H

#include "common/cs_error.h"

struct Pix;

/* A sheet of paper found in a photo: its corners in source pixels,
 * clockwise from top-left. */
typedef struct ocr__quad {
    double x[4], y[4];
} ocr__quad;

/*
 * Looks for the edges of a sheet of paper in pixs (8 or 32 bpp): four
 * straight edges between the paper and what lies around it. Returns 1 and
 * fills *out when all four are found and make a plausible page, 0 when not
 * (a scan whose paper fills the image, a page cut by the frame, no
 * contrast). Never fails otherwise: a missing sheet is not an error.
 */
int ocr__quad_find(ocr__quad *out, struct Pix *pixs);

/* How far the quad is from a parallelogram (perspective), in pixels:
 * 0 for a page that is only shifted, scaled, rotated or sheared. */
double ocr__quad_keystone(const ocr__quad *q);

/* The sheet's width in source pixels (the mean of its top and bottom
 * edges). */
double ocr__quad_width(const ocr__quad *q);

/*
 * Maps the quad of pixs to an upright page with US letter proportions:
 * *out (owned by the caller) is that page, as large as fits in pixs's
 * size, and *dpi_out its resolution in pixels per inch.
 */
cs_status ocr__quad_flatten(struct Pix **out, int *dpi_out, struct Pix *pixs,
                            const ocr__quad *q, cs_error *err);

#endif
