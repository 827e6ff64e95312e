/*
 * pipeline.h: one page through every stage (intake -> ocr -> extract),
 * shared by the commands that process scans.
 */
#ifndef CLI_PIPELINE_H
#define CLI_PIPELINE_H

#include "common/cs_error.h"
#include "extract/extract.h"
#include "intake/intake.h"
#include "ocr/ocr.h"

struct Pix;

/* What one page came to. */
typedef struct pipeline_page_out {
    char *json;          /* the claim record (one line); free() it */
    struct Pix *overlay; /* when asked for; pixDestroy() it */
    int review;          /* the record asks for review */
    size_t filled;       /* fields with a value */
    size_t flagged;      /* fields flagged for review */
    size_t nfields;
    double seconds; /* time spent on the page */
} pipeline_page_out;

/*
 * Decodes page index of doc, prepares, registers and reads it with eng
 * against cat (form: a template name or NULL), and fills *out. source is
 * the name written in the record. Returns the first stage's error.
 */
cs_status pipeline_run_page(pipeline_page_out *out, ocr_engine *eng,
                            const extract_catalog *cat, const char *form,
                            const intake_doc *doc, size_t index,
                            const char *source, int want_overlay,
                            cs_error *err);

void pipeline_page_out_clear(pipeline_page_out *out);

#endif
