/*
 * intake.h: the intake stage. Reads a scan file (PNG, JPEG, TIFF single or
 * multi-page) into memory once, checks it before decoding anything (type,
 * truncation, page count, claimed pixel size), fingerprints it with
 * SHA-256, and decodes one page at a time with its resolution.
 */
#ifndef INTAKE_H
#define INTAKE_H

#include <stddef.h>
#include <stdint.h>

#include "common/cs_error.h"

struct Pix;

/* Hard limits that refuse absurd input before it is decoded. */
typedef struct intake_limits {
    size_t max_file_bytes;   /* the file itself */
    uint32_t max_dimension;  /* width or height claimed by a page header */
    uint64_t max_pixels;     /* width x height of one page */
    uint32_t max_pages;      /* pages of a multi-page TIFF */
} intake_limits;

#define INTAKE_LIMITS_INIT {256u << 20, 20000u, 80000000u, 500u}

typedef enum {
    INTAKE_FORMAT_PNG = 1,
    INTAKE_FORMAT_JPEG,
    INTAKE_FORMAT_TIFF
} intake_format;

/* One decoded page. */
typedef struct intake_page {
    struct Pix *pix;     /* owned; 1, 8 or 32 bpp (colormaps removed) */
    int number;          /* 1-based page number within its document */
    int xres, yres;      /* pixels per inch, as read or inferred */
    int res_inferred;    /* 1 when the file gave no usable resolution */
} intake_page;

typedef struct intake_doc intake_doc;

/*
 * Reads the file at path into memory and checks it: not empty, a PNG, JPEG
 * or TIFF whose every page header is readable and within limits (lim may
 * be NULL for INTAKE_LIMITS_INIT), PNG and JPEG not truncated. The caller
 * owns *out and frees it with intake_doc_free(). Returns CS_EIO (cannot
 * read), CS_EFORMAT (empty, wrong type, damaged), CS_ETOOBIG, CS_ENOMEM.
 * Messages never contain the path.
 */
cs_status intake_doc_open(intake_doc **out, const char *path,
                          const intake_limits *lim, cs_error *err);

/* The same from bytes already in memory (copied). */
cs_status intake_doc_open_mem(intake_doc **out, const uint8_t *data,
                              size_t size, const intake_limits *lim,
                              cs_error *err);

void intake_doc_free(intake_doc *doc);

size_t intake_doc_page_count(const intake_doc *doc);
intake_format intake_doc_format(const intake_doc *doc);

/* Lower-case hex SHA-256 of the file's bytes (64 characters; borrowed). */
const char *intake_doc_sha256(const intake_doc *doc);

/*
 * Decodes page index (0-based) into page. The caller owns page->pix and
 * releases it with intake_page_clear(). Returns CS_EFORMAT when the page's
 * data is damaged, CS_ENOMEM, CS_EINVAL for a bad index.
 */
cs_status intake_doc_page_load(intake_page *page, const intake_doc *doc,
                               size_t index, cs_error *err);

/* Releases page->pix and zeroes the page; page may be NULL. */
void intake_page_clear(intake_page *page);

/*
 * Lower-case hex SHA-256 of size bytes at data, written to hex_out (at
 * least 65 bytes). Returns CS_OK or CS_ERROR.
 */
cs_status intake_sha256_hex(char *hex_out, const uint8_t *data, size_t size,
                            cs_error *err);

#endif
