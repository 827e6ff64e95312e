/*
 * load.c: reading scan files into memory, checking them before decoding,
 * and decoding one page at a time.
 */
#include "intake/intake.h"

#include <errno.h>
#include <fcntl.h>
#include <leptonica/allheaders.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct intake_doc {
    uint8_t *data;
    size_t size;
    intake_format format;
    size_t npages;
    char sha256[65];
};

/* US letter: the forms we read are 8.5 x 11 inches. */
#define PAGE_WIDTH_IN 8.5
#define PAGE_HEIGHT_IN 11.0
#define RES_MIN 50
#define RES_MAX 1200

cs_status
intake_sha256_hex(char *hex_out, const uint8_t *data, size_t size,
                  cs_error *err)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    static const char digits[] = "0123456789abcdef";

    if (hex_out == NULL || (data == NULL && size > 0))
        return cs_error_set(err, CS_EINVAL, "sha256: bad arguments");
    if (EVP_Digest(data, size, md, &len, EVP_sha256(), NULL) != 1 || len != 32)
        return cs_error_set(err, CS_ERROR, "sha256: digest failed");
    for (unsigned int i = 0; i < len; i++) {
        hex_out[2 * i] = digits[md[i] >> 4];
        hex_out[2 * i + 1] = digits[md[i] & 0xf];
    }
    hex_out[2 * len] = '\0';
    return CS_OK;
}

/* Reads a whole regular file of at most max bytes. */
static cs_status
read_file(uint8_t **data_out, size_t *size_out, const char *path, size_t max,
          cs_error *err)
{
    struct stat st;
    uint8_t *data = NULL;
    size_t done = 0;
    cs_status rc = CS_OK;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0)
        return cs_error_set(err, CS_EIO, "cannot open: %s", strerror(errno));
    if (fstat(fd, &st) != 0) {
        rc = cs_error_set(err, CS_EIO, "cannot stat: %s", strerror(errno));
        goto cleanup;
    }
    if (!S_ISREG(st.st_mode)) {
        rc = cs_error_set(err, CS_EFORMAT, "not a regular file");
        goto cleanup;
    }
    if (st.st_size == 0) {
        rc = cs_error_set(err, CS_EFORMAT, "file is empty");
        goto cleanup;
    }
    if ((uint64_t)st.st_size > max) {
        rc = cs_error_set(err, CS_ETOOBIG,
                          "file is %lld bytes, more than the limit of %zu",
                          (long long)st.st_size, max);
        goto cleanup;
    }
    data = malloc((size_t)st.st_size);
    if (data == NULL) {
        rc = cs_error_set(err, CS_ENOMEM, "out of memory reading file");
        goto cleanup;
    }
    while (done < (size_t)st.st_size) {
        ssize_t n = read(fd, data + done, (size_t)st.st_size - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = cs_error_set(err, CS_EIO, "read failed: %s", strerror(errno));
            goto cleanup;
        }
        if (n == 0)
            break; /* the file shrank while we read it */
        done += (size_t)n;
    }
    if (done == 0) {
        rc = cs_error_set(err, CS_EFORMAT, "file is empty");
        goto cleanup;
    }
    *data_out = data;
    *size_out = done;
    data = NULL;
cleanup:
    free(data);
    (void)close(fd);
    return rc;
}

/* 1 when needle occurs within the last `window` bytes of data. */
static int
tail_contains(const uint8_t *data, size_t size, const uint8_t *needle,
              size_t nlen, size_t window)
{
    size_t start = size > window ? size - window : 0;

    if (size < nlen)
        return 0;
    for (size_t i = size - nlen + 1; i-- > start;)
        if (memcmp(data + i, needle, nlen) == 0)
            return 1;
    return 0;
}

static cs_status
check_dimensions(int w, int h, size_t page, const intake_limits *lim,
                 cs_error *err)
{
    if (w <= 0 || h <= 0)
        return cs_error_set(err, CS_EFORMAT,
                            "page %zu: header gives no image size", page);
    if ((uint32_t)w > lim->max_dimension || (uint32_t)h > lim->max_dimension ||
        (uint64_t)w * (uint64_t)h > lim->max_pixels)
        return cs_error_set(err, CS_ETOOBIG,
                            "page %zu: header claims %d x %d pixels, more "
                            "than the limit of %u per side and %llu in all",
                            page, w, h, lim->max_dimension,
                            (unsigned long long)lim->max_pixels);
    return CS_OK;
}

static cs_status
count_tiff_pages(size_t *out, const uint8_t *data, size_t size,
                 const intake_limits *lim, cs_error *err)
{
    l_int32 n = 0;
    FILE *fp = fopenReadFromMemory(data, size);

    if (fp == NULL)
        return cs_error_set(err, CS_ENOMEM, "cannot open TIFF in memory");
    if (tiffGetCount(fp, &n) != 0 || n <= 0) {
        (void)fclose(fp);
        return cs_error_set(err, CS_EFORMAT,
                            "TIFF is damaged: no readable page directory");
    }
    (void)fclose(fp);
    if ((uint32_t)n > lim->max_pages)
        return cs_error_set(err, CS_ETOOBIG,
                            "TIFF has %d pages, more than the limit of %u", n,
                            lim->max_pages);
    *out = (size_t)n;
    return CS_OK;
}

/* Checks type, integrity markers and every page header of doc. */
static cs_status
doc_check(intake_doc *doc, const intake_limits *lim, cs_error *err)
{
    static const uint8_t png_end[] = {'I', 'E', 'N', 'D'};
    static const uint8_t jpeg_end[] = {0xff, 0xd9};
    l_int32 format = IFF_UNKNOWN, w = 0, h = 0, bps = 0, spp = 0, cmap = 0;
    cs_status rc;

    if (doc->size < 12)
        return cs_error_set(err, CS_EFORMAT,
                            "file is too short (%zu bytes) to be an image",
                            doc->size);
    if (findFileFormatBuffer(doc->data, &format) != 0)
        format = IFF_UNKNOWN;
    switch (format) {
    case IFF_PNG:
        doc->format = INTAKE_FORMAT_PNG;
        if (!tail_contains(doc->data, doc->size, png_end, sizeof(png_end),
                           1024))
            return cs_error_set(err, CS_EFORMAT,
                                "PNG is truncated: no end chunk");
        if (readHeaderMemPng(doc->data, doc->size, &w, &h, &bps, &spp, &cmap) !=
            0)
            return cs_error_set(err, CS_EFORMAT, "PNG header is damaged");
        doc->npages = 1;
        return check_dimensions(w, h, 1, lim, err);
    case IFF_JFIF_JPEG:
        doc->format = INTAKE_FORMAT_JPEG;
        if (!tail_contains(doc->data, doc->size, jpeg_end, sizeof(jpeg_end),
                           1024))
            return cs_error_set(err, CS_EFORMAT,
                                "JPEG is truncated: no end marker");
        if (readHeaderMemJpeg(doc->data, doc->size, &w, &h, &spp, NULL, NULL) !=
            0)
            return cs_error_set(err, CS_EFORMAT, "JPEG header is damaged");
        doc->npages = 1;
        return check_dimensions(w, h, 1, lim, err);
    case IFF_TIFF:
    case IFF_TIFF_PACKBITS:
    case IFF_TIFF_RLE:
    case IFF_TIFF_G3:
    case IFF_TIFF_G4:
    case IFF_TIFF_LZW:
    case IFF_TIFF_ZIP:
    case IFF_TIFF_JPEG:
        doc->format = INTAKE_FORMAT_TIFF;
        rc = count_tiff_pages(&doc->npages, doc->data, doc->size, lim, err);
        if (rc != CS_OK)
            return rc;
        for (size_t i = 0; i < doc->npages; i++) {
            l_int32 res = 0, fmt = 0;
            if (readHeaderMemTiff(doc->data, doc->size, (l_int32)i, &w, &h,
                                  &bps, &spp, &res, &cmap, &fmt) != 0)
                return cs_error_set(err, CS_EFORMAT,
                                    "TIFF page %zu header is damaged", i + 1);
            rc = check_dimensions(w, h, i + 1, lim, err);
            if (rc != CS_OK)
                return rc;
        }
        return CS_OK;
    default:
        return cs_error_set(err, CS_EFORMAT,
                            "not a PNG, JPEG or TIFF image (unsupported or "
                            "unknown file type)");
    }
}

cs_status
intake_doc_open_mem(intake_doc **out, const uint8_t *data, size_t size,
                    const intake_limits *lim, cs_error *err)
{
    static const intake_limits defaults = INTAKE_LIMITS_INIT;
    intake_doc *doc = NULL;
    cs_status rc;

    if (out == NULL || (data == NULL && size > 0))
        return cs_error_set(err, CS_EINVAL, "intake: bad arguments");
    *out = NULL;
    if (lim == NULL)
        lim = &defaults;
    if (size == 0)
        return cs_error_set(err, CS_EFORMAT, "file is empty");
    if (size > lim->max_file_bytes)
        return cs_error_set(err, CS_ETOOBIG,
                            "file is %zu bytes, more than the limit of %zu",
                            size, lim->max_file_bytes);
    doc = calloc(1, sizeof(*doc));
    if (doc == NULL || (doc->data = malloc(size)) == NULL) {
        rc = cs_error_set(err, CS_ENOMEM, "out of memory");
        goto cleanup;
    }
    memcpy(doc->data, data, size);
    doc->size = size;
    rc = intake_sha256_hex(doc->sha256, doc->data, doc->size, err);
    if (rc != CS_OK)
        goto cleanup;
    rc = doc_check(doc, lim, err);
    if (rc != CS_OK)
        goto cleanup;
    *out = doc;
    doc = NULL;
cleanup:
    intake_doc_free(doc);
    return rc;
}

cs_status
intake_doc_open(intake_doc **out, const char *path, const intake_limits *lim,
                cs_error *err)
{
    static const intake_limits defaults = INTAKE_LIMITS_INIT;
    intake_doc *doc = NULL;
    cs_status rc;

    if (out == NULL || path == NULL)
        return cs_error_set(err, CS_EINVAL, "intake: bad arguments");
    *out = NULL;
    if (lim == NULL)
        lim = &defaults;
    doc = calloc(1, sizeof(*doc));
    if (doc == NULL)
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    rc = read_file(&doc->data, &doc->size, path, lim->max_file_bytes, err);
    if (rc != CS_OK)
        goto cleanup;
    rc = intake_sha256_hex(doc->sha256, doc->data, doc->size, err);
    if (rc != CS_OK)
        goto cleanup;
    rc = doc_check(doc, lim, err);
    if (rc != CS_OK)
        goto cleanup;
    *out = doc;
    doc = NULL;
cleanup:
    intake_doc_free(doc);
    return rc;
}

void
intake_doc_free(intake_doc *doc)
{
    if (doc == NULL)
        return;
    free(doc->data);
    free(doc);
}

size_t
intake_doc_page_count(const intake_doc *doc)
{
    return doc != NULL ? doc->npages : 0;
}

intake_format
intake_doc_format(const intake_doc *doc)
{
    return doc->format;
}

const char *
intake_doc_sha256(const intake_doc *doc)
{
    return doc->sha256;
}

/* Fills in xres/yres from the file, or from the page size when the file's
 * resolution is missing or implies a page far from US letter. An image
 * wider than tall is a letter page on its side (a sheet fed sideways). */
static void
page_resolution(intake_page *page)
{
    int w = pixGetWidth(page->pix), h = pixGetHeight(page->pix);
    int xres = pixGetXRes(page->pix), yres = pixGetYRes(page->pix);
    int usable = xres >= RES_MIN && xres <= RES_MAX && yres >= RES_MIN &&
                 yres <= RES_MAX;
    double across = w > h ? PAGE_HEIGHT_IN : PAGE_WIDTH_IN;
    double down = w > h ? PAGE_WIDTH_IN : PAGE_HEIGHT_IN;

    if (usable) {
        double win = (double)w / xres, hin = (double)h / yres;
        /* A scan of a letter page, maybe with margins or cropped a bit. */
        usable = win > 0.75 * across && win < 1.3 * across &&
                 hin > 0.75 * down && hin < 1.3 * down;
    }
    if (usable) {
        page->xres = xres;
        page->yres = yres;
        page->res_inferred = 0;
        return;
    }
    page->xres = (int)(w / across + 0.5);
    page->yres = (int)(h / down + 0.5);
    page->res_inferred = 1;
}

/* Gives pix a plain depth: 1 bpp, 8 bpp gray or 32 bpp RGB, no colormap,
 * no alpha. Takes ownership of *ppix. */
static cs_status
page_normalize_depth(PIX **ppix, cs_error *err)
{
    PIX *pixs = *ppix, *pixd = NULL;
    int d;

    if (pixGetColormap(pixs) != NULL) {
        pixd = pixRemoveColormap(pixs, REMOVE_CMAP_BASED_ON_SRC);
        pixDestroy(&pixs);
        pixs = pixd;
    }
    if (pixs != NULL && pixGetSpp(pixs) == 4) {
        pixd = pixAlphaBlendUniform(pixs, 0xffffff00);
        pixDestroy(&pixs);
        pixs = pixd;
    }
    if (pixs == NULL) {
        *ppix = NULL;
        return cs_error_set(err, CS_ENOMEM, "cannot convert page depth");
    }
    d = pixGetDepth(pixs);
    if (d != 1 && d != 8 && d != 32) {
        pixd =
            d == 16 ? pixConvert16To8(pixs, L_MS_BYTE) : pixConvertTo8(pixs, 0);
        pixDestroy(&pixs);
        pixs = pixd;
        if (pixs == NULL) {
            *ppix = NULL;
            return cs_error_set(err, CS_EFORMAT, "unsupported pixel depth %d",
                                d);
        }
    }
    *ppix = pixs;
    return CS_OK;
}

cs_status
intake_doc_page_load(intake_page *page, const intake_doc *doc, size_t index,
                     cs_error *err)
{
    PIX *pix = NULL;
    l_int32 nwarn = 0;
    cs_status rc;

    if (page == NULL || doc == NULL)
        return cs_error_set(err, CS_EINVAL, "intake: bad arguments");
    memset(page, 0, sizeof(*page));
    if (index >= doc->npages)
        return cs_error_set(err, CS_EINVAL, "no page %zu (document has %zu)",
                            index + 1, doc->npages);
    switch (doc->format) {
    case INTAKE_FORMAT_PNG:
        pix = pixReadMemPng(doc->data, doc->size);
        break;
    case INTAKE_FORMAT_JPEG:
        pix = pixReadMemJpeg(doc->data, doc->size, 0, 1, &nwarn,
                             0 /* fail on damaged data */);
        break;
    case INTAKE_FORMAT_TIFF:
        pix = pixReadMemTiff(doc->data, doc->size, (l_int32)index);
        break;
    }
    if (pix == NULL)
        return cs_error_set(err, CS_EFORMAT,
                            "page %zu: image data is damaged or truncated",
                            index + 1);
    rc = page_normalize_depth(&pix, err);
    if (rc != CS_OK)
        return rc;
    page->pix = pix;
    page->number = (int)index + 1;
    page_resolution(page);
    return CS_OK;
}

void
intake_page_clear(intake_page *page)
{
    if (page == NULL)
        return;
    if (page->pix != NULL)
        pixDestroy(&page->pix);
    memset(page, 0, sizeof(*page));
}
