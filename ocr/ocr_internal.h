/*
 * ocr_internal.h: what the ocr stage's own files share. Never included
 * from outside ocr/.
 */
#ifndef OCR_INTERNAL_H
#define OCR_INTERNAL_H

#include "common/cs_error.h"

struct Pix;

/* A US letter page, inches: what a flattened photo becomes, and what a
 * scanner's image of a sheet measures. */
#define OCR__LETTER_W_IN 8.5
#define OCR__LETTER_H_IN 11.0

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
 * Maps the quad of pixs to an upright US letter page at dpi pixels per
 * inch: *out (owned by the caller), 8.5 x 11 inches of that resolution.
 */
cs_status ocr__quad_flatten(struct Pix **out, struct Pix *pixs,
                            const ocr__quad *q, int dpi, cs_error *err);

#endif
