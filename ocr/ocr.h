/*
 * ocr.h: the ocr stage. Turns a decoded page into clean, deskewed 1-bpp
 * images at a working resolution (all ink for registration, data ink with
 * the red form dropped for reading), and wraps one Tesseract handle per
 * thread that reads rectangles of a page.
 */
#ifndef OCR_H
#define OCR_H

#include <stddef.h>

#include "common/cs_error.h"
#include "intake/intake.h"

struct Pix;

/* Working resolution: every page is brought to this many pixels per inch. */
#define OCR_WORK_DPI 300

/* What the scan's pixels say about how it was made. */
typedef enum {
    OCR_SCAN_COLOR = 0, /* color: the red form drops out by channel */
    OCR_SCAN_GRAY,      /* gray: the form is mid-gray, data black */
    OCR_SCAN_BW         /* black and white: the form, if any, is black */
} ocr_scan_kind;

/* A page ready for registration and reading. All images share one
 * coordinate system: the deskewed page at OCR_WORK_DPI. */
typedef struct ocr_page {
    struct Pix *gray;    /* 8 bpp, deskewed: for overlays and crops */
    struct Pix *ink;     /* 1 bpp: all dark ink, form included */
    struct Pix *data;    /* 1 bpp: data ink, form dropped where the scan
                            allows it (color, gray); long rules removed */
    struct Pix *rules;   /* 1 bpp: the rule pixels taken out of data (data
                            crossing them was cut there) */
    struct Pix *erased;  /* 1 bpp: the form's pixels ocr_page_erase() took
                            out of data (NULL before any) */
    struct Pix *datag;   /* 8 bpp, deskewed: on a color page, the channel
                            data was thresholded from (red: the form is
                            nearly white in it); NULL on other pages */
    int datag_threshold; /* the level data was thresholded at from datag
                            (color pages) */
    ocr_scan_kind kind;
    float skew_degrees;      /* measured skew (0 when not measured) */
    float skew_confidence;   /* Leptonica's confidence of the measure */
    int deskewed;            /* 1 when the page was rotated by the measured
                                angle (Leptonica's sign: the angle that
                                straightens it) */
    int flattened;           /* 1 when the page was a photographed sheet,
                                found by its edges and mapped back to an
                                upright page before anything else */
    int sheet_cut;           /* 1 when flattened by a line of its form on
                                a side the photo's frame cut */
    double scale_x, scale_y; /* source pixel -> working pixel factors (of
                                the flattened page when flattened) */
    double source_dpi;       /* the source's pixels per inch of paper (the
                                lower axis): what detail the scan holds */
    int dotted;              /* the file is under 150 dpi on an axis: its
                                thin rules came out as dots */
    int turned;              /* quarter turns clockwise ocr_page_turn()
                                gave the page (0-3) */
} ocr_page;

/* Options of ocr_page_prepare(). */
typedef struct ocr_prepare_options {
    float min_skew_confidence; /* below it, do not rotate */
    float min_skew_degrees;    /* below it, do not bother rotating */
} ocr_prepare_options;

#define OCR_PREPARE_OPTIONS_INIT                                               \
    {                                                                          \
        3.0f, 0.05f                                                            \
    }

/*
 * Prepares page (borrowed; not modified): maps a photographed sheet back
 * to an upright page, scales it to OCR_WORK_DPI using its resolution,
 * classifies the scan, drops the red form ink, binarizes,
 * removes long rules from the data image, and measures and corrects skew.
 * The caller owns *out and frees it with ocr_page_free(). opts may be NULL.
 */
cs_status ocr_page_prepare(ocr_page **out, const intake_page *page,
                           const ocr_prepare_options *opts, cs_error *err);

void ocr_page_free(ocr_page *page);

/* For a page whose data strokes came out broken into specks (a thin font
 * on a fax or a blurred color scan, a thin pen on a gray scan), rebuilds
 * page->data (and page->rules) with a lighter data threshold, keeping
 * only light pixels joined to ink as dark as data. *changed is 0, and
 * nothing is done, on a page that has no lighter reading (black-and-white
 * at full resolution). Labels erased by ocr_page_erase() must be erased
 * again. */
cs_status ocr_page_lighten(ocr_page *page, int *changed, cs_error *err);

/* Removes from page->data every pixel set in mask (1 bpp, same size),
 * except data lying on form ink: on a gray page, pixels dark as data; on
 * a black-and-white page, strokes as thick as print's that belong to ink
 * reaching out of mask, near that part, or anywhere within thin (NULL, or
 * 1 bpp of the same size: the part of mask where the form's own ink is
 * thinner than print, a dotted divider or small type). */
cs_status ocr_page_erase(ocr_page *page, struct Pix *mask, struct Pix *thin,
                         cs_error *err);

/* Turns every image of page by quarters quarter turns clockwise (any
 * integer; 2 is upside down, -1 or 3 a quarter turn back): a sheet fed
 * into the scanner upside down or on its side. page->turned keeps the
 * sum. On failure (out of memory) the page is left as it was. */
cs_status ocr_page_turn(ocr_page *page, int quarters, cs_error *err);

/*
 * The pixels of pixs (1 bpp) that lie in a horizontal run (vertical when
 * vertical is set) of at least len set pixels: an opening by a line of len
 * pixels, the same pixels as Leptonica's pixOpenBrick gives, in
 * 2 log2(len) passes over the image. len below 2 gives a copy. A new
 * image, or NULL when out of memory or pixs is not 1 bpp.
 */
struct Pix *ocr_runs_open(struct Pix *pixs, int len, int vertical);

/* The ink of pixs (1 bpp) at least t pixels thick both across and along:
 * every pixel lies in a horizontal and in a vertical run of t. A new
 * image, or NULL when out of memory. */
struct Pix *ocr_thick_ink(struct Pix *pixs, int t);

/* ---- Tesseract ------------------------------------------------------ */

/* A rectangle in working-page pixels. */
typedef struct ocr_rect {
    int x, y, w, h;
} ocr_rect;

#define OCR_MAX_SYMBOLS 160
#define OCR_MAX_CHOICES 4

/* A character the recognizer considered for a symbol. */
typedef struct ocr_choice {
    char utf8[8];
    float confidence; /* 0..100 */
} ocr_choice;

/* One recognized character. */
typedef struct ocr_symbol {
    char utf8[8];
    float confidence; /* 0..100 */
    ocr_rect box;
    int word_start;                      /* 1 for the first symbol of a word */
    size_t nchoices;                     /* 0 unless the engine gives choices */
    ocr_choice choices[OCR_MAX_CHOICES]; /* best first, within the
                                            whitelist */
} ocr_symbol;

/* What one rectangle read as. */
typedef struct ocr_text {
    char text[4 * OCR_MAX_SYMBOLS + 1]; /* words joined by single spaces */
    size_t nsymbols;
    float mean_confidence; /* over symbols; 0 when none */
    float min_confidence;  /* the worst symbol's; 0 when none */
    int disagree;          /* for the caller's use (extract: copies that
                              read differently) */
    ocr_symbol symbols[OCR_MAX_SYMBOLS]; /* last: resets stop before it */
} ocr_text;

typedef struct ocr_engine ocr_engine;

/*
 * Sets Tesseract's process-global parameters (its debug output goes to
 * /dev/null, since it can print recognized text). Call once, before any
 * engine is created and before workers start.
 */
cs_status ocr_global_init(cs_error *err);

/*
 * Creates an engine for the calling thread: Tesseract's LSTM with the
 * English model from datapath (NULL: the system's tessdata), without
 * dictionaries. Loading takes a fraction of a second: create one engine
 * per worker and reuse it. Free with ocr_engine_free().
 */
cs_status ocr_engine_new(ocr_engine **out, const char *datapath, cs_error *err);

void ocr_engine_free(ocr_engine *eng);

/* Hands the engine the 1-bpp page image to read rectangles of (borrowed:
 * pix must outlive the reads; never share it with another thread). NULL
 * makes the engine forget its page. */
cs_status ocr_engine_set_page(ocr_engine *eng, struct Pix *pix, cs_error *err);

/*
 * Makes the reads that follow give each symbol the characters the
 * recognizer considered for it (on: 1), or only the one it chose (0, the
 * default). Choices cost a few more passes of the line decoder.
 */
cs_status ocr_engine_set_choices(ocr_engine *eng, int on, cs_error *err);

/* 1 when word (capitals or lower case) is in the English model's word
 * list (its dictionary, which Tesseract's line decoder itself uses);
 * 0 otherwise. */
int ocr_engine_is_word(ocr_engine *eng, const char *word);

/* How the text inside a rectangle is laid out. */
typedef enum {
    OCR_LAYOUT_LINE = 0, /* one line of words */
    OCR_LAYOUT_WORD,     /* a single word */
    OCR_LAYOUT_CHAR      /* a single character */
} ocr_layout;

/*
 * Reads the text inside rect of the current page, laid out as layout,
 * allowing only the characters of whitelist (NULL or "": any). Fills *out
 * (text, symbols, confidences). Returns CS_EOCR when Tesseract fails.
 */
cs_status ocr_engine_read(ocr_text *out, ocr_engine *eng, ocr_rect rect,
                          ocr_layout layout, const char *whitelist,
                          cs_error *err);

/* Classes of ocr_digit_read(): the digits 0-9 (class c is the digit c),
 * then OCR_DIGIT_OTHER, ink that is not one digit (two touching, part of
 * one, a letter, a dash). */
#define OCR_DIGIT_OTHER 10
#define OCR_DIGIT_CLASSES 11

/*
 * Reads one hand-printed character by its shape: glyph (1 bpp, ink 1) is
 * the character's own ink, at any size (the ink's bounding box is what is
 * read). Two small networks trained on many handwriting fonts, one on
 * the digits (scripts/train_digits.py), one convolutional on the digits
 * and capitals (scripts/train_glyphs.py), together fill out[c] with the
 * probability of class c; they sum to 1. Ink with two loops, one above the
 * other, is an 8 (all the digits' probability goes to it). Tesseract's line
 * model is trained on print and reads hand-printed digits poorly. Returns
 * CS_EINVAL for a glyph without ink or not 1 bpp.
 */
cs_status ocr_digit_read(double out[OCR_DIGIT_CLASSES], const struct Pix *glyph,
                         cs_error *err);

/* Classes of ocr_glyph_read(): the digits 0-9 (class c is the digit c),
 * the capitals A-Z (class 10 + c - 'A'), then OCR_GLYPH_OTHER. */
#define OCR_GLYPH_OTHER 36
#define OCR_GLYPH_CLASSES 37

/*
 * Reads one character by its shape with the convolutional network alone
 * (scripts/train_glyphs.py): out[c] is the probability of class c, a
 * digit, a capital or other; they sum to 1. Returns CS_EINVAL for a glyph
 * without ink or not 1 bpp.
 */
cs_status ocr_glyph_read(double out[OCR_GLYPH_CLASSES], const struct Pix *glyph,
                         cs_error *err);

#endif
