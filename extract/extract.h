/*
 * extract.h: the extract stage. Loads form templates (forms/NAME.template),
 * registers a prepared page to a template, reads every field (zonal OCR
 * for text, ink density for check boxes), normalizes and validates the
 * values, decides which fields a person must review, and writes the claim
 * record (JSON) and an overlay picture.
 */
#ifndef EXTRACT_H
#define EXTRACT_H

#include <stddef.h>
#include <time.h>

#include "common/cs_error.h"
#include "ocr/ocr.h"

struct Pix;

/* How a field is printed and how its value is written (spec "Values"). */
typedef enum {
    EXTRACT_KIND_TEXT = 0,
    EXTRACT_KIND_DATE8,
    EXTRACT_KIND_DATE6,
    EXTRACT_KIND_MONEY,
    EXTRACT_KIND_PHONE,
    EXTRACT_KIND_ICD,
    EXTRACT_KIND_CHECK
} extract_kind;

/* ---- Templates ------------------------------------------------------ */

typedef struct extract_template extract_template;
typedef struct extract_catalog extract_catalog;

/*
 * Loads one template file (JSON, format "claimscan-template/1"; see
 * forms/README.md) and the reference image it names, relative to the
 * template's folder. Returns CS_EINVAL with the offending key or line for
 * a broken file, CS_EIO when it cannot be read. Free with
 * extract_template_free().
 */
cs_status extract_template_load(extract_template **out, const char *path,
                                cs_error *err);

void extract_template_free(extract_template *tpl);

/* The template's name ("cms1500"); borrowed. */
const char *extract_template_name(const extract_template *tpl);

/* Number of fields after expanding repeated groups, and field i's id. */
size_t extract_template_field_count(const extract_template *tpl);
const char *extract_template_field_id(const extract_template *tpl, size_t i);
extract_kind extract_template_field_kind(const extract_template *tpl, size_t i);

/* Loads every *.template in dir. Fails when none loads or one is broken. */
cs_status extract_catalog_load(extract_catalog **out, const char *dir,
                               cs_error *err);

void extract_catalog_free(extract_catalog *cat);
size_t extract_catalog_count(const extract_catalog *cat);
const extract_template *extract_catalog_get(const extract_catalog *cat,
                                            size_t i);
/* The template called name, or NULL. */
const extract_template *extract_catalog_find(const extract_catalog *cat,
                                             const char *name);

/* ---- Registration --------------------------------------------------- */

/* Maps reference coordinates to page coordinates:
 *   x = ax*X + bx + kx*Y,   y = ay*Y + by + ky*X
 * (scale, shift, and the small rotation a deskew leaves: kx, ky). */
typedef struct extract_transform {
    double ax, bx, ay, by;
    double kx, ky;
} extract_transform;

/* Reference (X, Y) to page (x, y), and back. */
void extract_transform_map(const extract_transform *xf, double X, double Y,
                           double *x_out, double *y_out);
void extract_transform_unmap(const extract_transform *xf, double x, double y,
                             double *X_out, double *Y_out);

typedef enum {
    EXTRACT_REG_NONE = 0, /* not registered */
    EXTRACT_REG_RULES,    /* from the form's printed rules */
    EXTRACT_REG_QR        /* from the QR code and the data rows */
} extract_reg_method;

typedef struct extract_registration {
    extract_reg_method method;
    extract_transform xf;
    double error;    /* RMS residual of the anchors, reference pixels */
    int anchors;     /* anchors matched */
    double score;    /* 0..1: how well the page fits the template */
    double rotation; /* residual rotation measured after deskew, degrees */
} extract_registration;

/*
 * Registers page to tpl from its rules (where the form's ink is there) or
 * from the QR code and the rhythm of the data rows (dropout scans). Sets
 * out->method to EXTRACT_REG_NONE when the page does not fit.
 */
cs_status extract_register(extract_registration *out,
                           const extract_template *tpl, const ocr_page *page,
                           cs_error *err);

/* ---- Reading a page ------------------------------------------------- */

#define EXTRACT_MAX_REASONS 6
#define EXTRACT_VALUE_MAX 128

/* Outcome of one field. */
typedef struct extract_field {
    const char *id; /* borrowed from the template */
    extract_kind kind;
    char value[EXTRACT_VALUE_MAX]; /* normalized, or as read when a rule
                                      failed; "" when empty */
    char raw[EXTRACT_VALUE_MAX];   /* what OCR returned */
    double confidence;             /* 0..100 */
    int review;                    /* 1: a person must look */
    size_t nreasons;
    const char *reasons[EXTRACT_MAX_REASONS]; /* constant reason ids */
    ocr_rect box;   /* where the field was read (page pixels) */
    int has_ink;    /* 1 when data ink was found in the field */
    int ink_beside; /* empty, with ink no field took just outside it */
    /* What the decision rests on. */
    double min_confidence; /* the worst character's confidence */
    int ink_mismatch;      /* ink components OCR left unread, or read as
                              more characters than they can hold */
    int on_rule;           /* the field's ink crosses a removed form rule */
    int shape_doubt;       /* a character's shape said another than OCR
                              read (a digit for a capital, or what the
                              page's own print shows); it was taken */
    int word_split;        /* a word lay across this field and another:
                              it was given to the one holding most of it */
    int reread;            /* the value comes from reading it again (its
                              first reading failed its rules or was
                              doubted) */
    int word_mended;       /* a letter was changed to make a word of the
                              dictionary (mend_words) */
    double check_best;     /* check boxes: ink share of the marked box */
    double check_second;   /* and of the next darkest */
} extract_field;

typedef struct extract_result {
    const extract_template *form; /* borrowed; NULL: no template fits */
    extract_registration reg;
    double offset_x, offset_y; /* printer's offset from the grid, ref px */
    double ink_unplaced;       /* share of the characters' ink no field took */
    int form_ink;              /* the form's own ink is on the page */
    int low_resolution;        /* scanned below 150 dpi (fax), or
                                  photographed below 200 */
    int sheet_cut;             /* a photo whose frame cut one side of the
                                  sheet: flattened by a line of its form */
    int poor_print;            /* the first reading doubted most fields
                                  (hand-filled, smudged): not clean print */
    int handwritten;           /* the characters' heights and baselines
                                  vary as a hand's do */
    float skew_degrees;
    float skew_confidence;
    int deskewed; /* the page was rotated by the measured skew */
    int turned;   /* quarter turns clockwise that made the page upright (a
                     sheet fed upside down: 2) */
    size_t nfields;
    extract_field *fields;
    int review; /* 1 when any field or the page needs review */
    size_t nreasons;
    const char *reasons[EXTRACT_MAX_REASONS]; /* page-level reasons */
} extract_result;

/* Options of extract_page_run(). */
typedef struct extract_options {
    const char *form;       /* template name, or NULL to identify */
    const struct tm *today; /* for "not in the future"; NULL: now */
} extract_options;

#define EXTRACT_OPTIONS_INIT                                                   \
    {                                                                          \
        NULL, NULL                                                             \
    }

/*
 * Reads page (data image modified: the template's printed labels are
 * erased; a page that registers only turned is left turned upright,
 * ocr_page_turn()) with eng, against the template named in opts or the
 * best fitting one of cat. The caller owns *out (free with
 * extract_result_free()). A page that fits no template still gives a
 * result: form NULL, flagged "form_unknown". Returns CS_EOCR, CS_ENOMEM or
 * CS_EINVAL (an unknown template name).
 */
cs_status extract_page_run(extract_result **out, ocr_engine *eng,
                           ocr_page *page, const extract_catalog *cat,
                           const extract_options *opts, cs_error *err);

void extract_result_free(extract_result *res);

/* The field called id in res, or NULL. */
const extract_field *extract_result_field(const extract_result *res,
                                          const char *id);

/*
 * Writes the claim record of one page as one line of compact JSON (no
 * newline) into *json_out, which the caller frees with free(). source is
 * the path as the user gave it; sha256 the document's hash.
 */
cs_status extract_record_json(char **json_out, const extract_result *res,
                              const char *source, int page_no,
                              const char *sha256, cs_error *err);

/*
 * Draws page->gray in color with every field's box: green read, gray
 * empty, red flagged, and the template's frame. Caller owns *out.
 */
cs_status extract_overlay_render(struct Pix **out, const extract_result *res,
                                 const ocr_page *page, cs_error *err);

/* Plain-words text of a reason id (for people). */
const char *extract_reason_text(const char *reason);

/* ---- Checking values a person typed (review station) ----------------- */

/*
 * Normalizes value, typed by a person for field id of tpl, as the field's
 * kind says (into value_out, size bytes), and applies the field's rules.
 * *reason_out is NULL when it passes, else the first failing reason id
 * (a constant). Returns CS_EINVAL for an unknown field id.
 */
cs_status extract_value_check(char *value_out, size_t size,
                              const char **reason_out,
                              const extract_template *tpl, const char *id,
                              const char *value, const struct tm *today,
                              cs_error *err);

/*
 * Runs the template's cross-field checks (sums, date order, diagnosis
 * pointers, required companions) over a whole page of normalized values:
 * values[i] is field i's value (extract_template_field_count(tpl)
 * entries, "" when empty). reasons_out[i] is set to the reason of a check
 * field i fails, or NULL.
 */
cs_status extract_values_cross_check(const char **reasons_out,
                                     const extract_template *tpl,
                                     const char *const *values,
                                     const struct tm *today, cs_error *err);

#endif
