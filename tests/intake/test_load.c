/*
 * test_load.c: the intake stage. Bad inputs (built in memory or in a
 * temporary folder) must be refused with the right code before anything
 * is decoded; good inputs must load with their page count, size and
 * resolution. One named test per table row.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <jansson.h>
#include <leptonica/allheaders.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "intake/intake.h"
#include "support/support.h"

#define SAMPLES CS_SOURCE_DIR "/samples/scans/"
#define REFERENCE_PNG CS_FORMS_DIR "/cms1500-0212-blank-300dpi.png"

/* The temporary folder of this executable (group fixture). */
static char tmpdir[256];

/* Bytes of one input; data is malloc'ed. */
typedef struct blob {
    uint8_t *data;
    size_t size;
} blob;

static void
blob_free(blob *b)
{
    free(b->data);
    b->data = NULL;
    b->size = 0;
}

/* Takes over Leptonica-allocated bytes into a malloc'ed blob. */
static int
blob_take_lept(blob *out, l_uint8 *data, size_t size)
{
    out->data = malloc(size > 0 ? size : 1);
    if (out->data != NULL)
        memcpy(out->data, data, size);
    out->size = size;
    lept_free(data);
    return out->data != NULL ? 0 : -1;
}

/* The whole file at path into out. */
static int
read_whole_file(blob *out, const char *path)
{
    out->size = 0;
    out->data = (uint8_t *)ts_file_read(path, &out->size);
    return out->data != NULL ? 0 : -1;
}

static int
group_setup(void **state)
{
    (void)state;
    /* Leptonica would print paths and warnings of the damaged inputs. */
    (void)setMsgSeverity(L_SEVERITY_NONE);
    return ts_tmpdir_make(tmpdir, sizeof(tmpdir), "cs_test_load.");
}

static int
group_teardown(void **state)
{
    (void)state;
    (void)ts_tree_remove(tmpdir);
    return 0;
}

/* ---- Building inputs ------------------------------------------------ */

static uint32_t
crc32_bytes(const uint8_t *p, size_t n)
{
    static uint32_t table[256];
    static int ready;
    uint32_t c = 0xffffffffu;

    if (!ready) {
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t v = i;
            for (int k = 0; k < 8; k++)
                v = (v & 1) ? 0xedb88320u ^ (v >> 1) : v >> 1;
            table[i] = v;
        }
        ready = 1;
    }
    for (size_t i = 0; i < n; i++)
        c = table[(c ^ p[i]) & 0xff] ^ (c >> 8);
    return c ^ 0xffffffffu;
}

static void
put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* Appends a PNG chunk (length, type, data, CRC over type and data). */
static size_t
png_chunk(uint8_t *out, const char *type, const uint8_t *data, uint32_t len)
{
    put_be32(out, len);
    memcpy(out + 4, type, 4);
    if (len > 0)
        memcpy(out + 8, data, len);
    put_be32(out + 8 + len, crc32_bytes(out + 4, 4 + (size_t)len));
    return 12 + (size_t)len;
}

/* A PNG of signature, IHDR (w x h, 8-bit RGB) and IEND: no image data at
 * all, so nothing may be decoded from it. */
static int
build_png_header_only(blob *out, uint32_t w, uint32_t h)
{
    static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    uint8_t ihdr[13] = {0};
    size_t n = 0;

    out->data = malloc(8 + 25 + 12);
    if (out->data == NULL)
        return -1;
    put_be32(ihdr, w);
    put_be32(ihdr + 4, h);
    ihdr[8] = 8; /* bit depth */
    ihdr[9] = 2; /* RGB */
    memcpy(out->data, sig, sizeof(sig));
    n = sizeof(sig);
    n += png_chunk(out->data + n, "IHDR", ihdr, sizeof(ihdr));
    n += png_chunk(out->data + n, "IEND", NULL, 0);
    out->size = n;
    return 0;
}

static int
build_png_huge(blob *out)
{
    return build_png_header_only(out, 100000, 100000);
}

/* Within the per-side limit (20000), beyond the pixel limit (80 M). */
static int
build_png_too_many_pixels(blob *out)
{
    return build_png_header_only(out, 19000, 19000);
}

static int
build_png_zero_width(blob *out)
{
    return build_png_header_only(out, 0, 100);
}

static void
put_le16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void
put_le32(uint8_t *p, uint32_t v)
{
    put_le16(p, (uint16_t)v);
    put_le16(p + 2, (uint16_t)(v >> 16));
}

/* A little-endian TIFF whose one directory claims w x h pixels of 1 bpp,
 * with a single 16-byte strip. */
static int
build_tiff_claiming(blob *out, uint32_t w, uint32_t h)
{
    static const struct {
        uint16_t tag, type;
        uint32_t value;
    } entries[] = {
        {256, 4, 0},  /* ImageWidth, LONG: w */
        {257, 4, 0},  /* ImageLength, LONG: h */
        {258, 3, 1},  /* BitsPerSample */
        {259, 3, 1},  /* Compression: none */
        {262, 3, 0},  /* Photometric: white is zero */
        {273, 4, 0},  /* StripOffsets: the data */
        {277, 3, 1},  /* SamplesPerPixel */
        {278, 4, 0},  /* RowsPerStrip: h */
        {279, 4, 16}, /* StripByteCounts */
    };
    const size_t n = TS_COUNT(entries);
    const size_t ifd_size = 2 + 12 * n + 4;
    const uint32_t data_off = (uint32_t)(8 + ifd_size);
    uint8_t *p;

    out->size = data_off + 16;
    out->data = calloc(1, out->size);
    if (out->data == NULL)
        return -1;
    p = out->data;
    p[0] = 'I';
    p[1] = 'I';
    put_le16(p + 2, 42);
    put_le32(p + 4, 8);
    put_le16(p + 8, (uint16_t)n);
    for (size_t i = 0; i < n; i++) {
        uint8_t *e = p + 10 + 12 * i;
        uint32_t v = entries[i].value;
        if (entries[i].tag == 256)
            v = w;
        else if (entries[i].tag == 257 || entries[i].tag == 278)
            v = h;
        else if (entries[i].tag == 273)
            v = data_off;
        put_le16(e, entries[i].tag);
        put_le16(e + 2, entries[i].type);
        put_le32(e + 4, 1);
        if (entries[i].type == 3)
            put_le16(e + 8, (uint16_t)v);
        else
            put_le32(e + 8, v);
    }
    /* next directory offset: 0 (calloc), then 16 bytes of strip data */
    return 0;
}

static int
build_tiff_huge(blob *out)
{
    return build_tiff_claiming(out, 100000, 100000);
}

/* A small page with some structure, so that compressed data is not
 * trivially short. */
static PIX *
make_page(int w, int h, int depth)
{
    PIX *pix = pixCreate(w, h, 8);

    if (pix == NULL)
        return NULL;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            (void)pixSetPixel(
                pix, x, y, (l_uint32)((x * 7 + y * 13 + (x * y) % 31) & 0xff));
    if (depth == 8)
        return pix;
    {
        PIX *pixd =
            depth == 32 ? pixConvertTo32(pix) : pixThresholdToBinary(pix, 128);
        pixDestroy(&pix);
        return pixd;
    }
}

static int
build_jpeg(blob *out, int w, int h)
{
    PIX *pix = make_page(w, h, 32);
    l_uint8 *data = NULL;
    size_t size = 0;
    int rc = -1;

    if (pix != NULL && pixWriteMemJpeg(&data, &size, pix, 75, 0) == 0)
        rc = blob_take_lept(out, data, size);
    pixDestroy(&pix);
    return rc;
}

/* A JPEG cut off at three quarters: no end-of-image marker. */
static int
build_jpeg_no_end(blob *out)
{
    if (build_jpeg(out, 64, 64) != 0)
        return -1;
    out->size = out->size * 3 / 4;
    return 0;
}

static int
build_png_mem(blob *out, PIX *pix)
{
    l_uint8 *data = NULL;
    size_t size = 0;

    if (pix == NULL || pixWriteMemPng(&data, &size, pix, 0.0f) != 0)
        return -1;
    return blob_take_lept(out, data, size);
}

/* A valid PNG with its compressed image data damaged: the headers pass,
 * decoding the page must fail. */
static int
build_png_damaged_data(blob *out)
{
    PIX *pix = make_page(200, 150, 8);
    int rc = build_png_mem(out, pix);
    uint8_t *idat = NULL;

    pixDestroy(&pix);
    if (rc != 0)
        return -1;
    for (size_t i = 8; i + 4 <= out->size; i++)
        if (memcmp(out->data + i, "IDAT", 4) == 0) {
            idat = out->data + i + 4;
            break;
        }
    if (idat == NULL || idat + 40 > out->data + out->size)
        return -1;
    for (int k = 8; k < 40; k++)
        idat[k] ^= 0x5a;
    return 0;
}

/* The first half of a real PNG: the committed reference form. */
static int
build_png_truncated(blob *out)
{
    if (read_whole_file(out, REFERENCE_PNG) != 0)
        return -1;
    out->size /= 2;
    return 0;
}

static int
build_empty(blob *out)
{
    out->data = NULL;
    out->size = 0;
    return 0;
}

static int
build_too_short(blob *out)
{
    static const char text[] = "\x89PNG\r\n";

    out->size = sizeof(text) - 1;
    out->data = malloc(out->size);
    if (out->data == NULL)
        return -1;
    memcpy(out->data, text, out->size);
    return 0;
}

static int
build_text(blob *out)
{
    static const char text[] =
        "This is a plain text file, not a scan of a claim form.\n";

    out->size = sizeof(text) - 1;
    out->data = malloc(out->size);
    if (out->data == NULL)
        return -1;
    memcpy(out->data, text, out->size);
    return 0;
}

/* A TIFF of three small pages. */
static int
build_tiff_pages(blob *out, int npages)
{
    PIXA *pixa = pixaCreate(npages);
    l_uint8 *data = NULL;
    size_t size = 0;
    int rc = -1;

    for (int i = 0; pixa != NULL && i < npages; i++) {
        PIX *pix = make_page(100 + 10 * i, 120 + 20 * i, 1);
        if (pix == NULL || pixaAddPix(pixa, pix, L_INSERT) != 0) {
            pixDestroy(&pix);
            goto cleanup;
        }
    }
    if (pixa != NULL && pixaWriteMemMultipageTiff(&data, &size, pixa) == 0)
        rc = blob_take_lept(out, data, size);
cleanup:
    pixaDestroy(&pixa);
    return rc;
}

static int
build_tiff_three_pages(blob *out)
{
    return build_tiff_pages(out, 3);
}

static int
build_bytes_300(blob *out)
{
    out->size = 300;
    out->data = calloc(1, out->size);
    return out->data != NULL ? 0 : -1;
}

/* ---- What a test holds ------------------------------------------- */

/* Resources of the running test, freed by scratch_free after it, passed
 * or failed (a failed assertion leaves the test by longjmp, past any
 * frees of its own). */
static struct scratch {
    blob in, bytes;
    intake_doc *doc, *doc2;
    intake_page page;
    PIX *pix, *pix8;
    l_uint8 *lept_data;
} s;

static int
scratch_free(void **state)
{
    (void)state;
    blob_free(&s.in);
    blob_free(&s.bytes);
    intake_doc_free(s.doc);
    intake_doc_free(s.doc2);
    intake_page_clear(&s.page);
    pixDestroy(&s.pix);
    pixDestroy(&s.pix8);
    if (s.lept_data != NULL)
        lept_free(s.lept_data);
    memset(&s, 0, sizeof(s));
    return 0;
}

/* ---- Bad inputs ----------------------------------------------------- */

typedef enum {
    VIA_MEM = 0, /* intake_doc_open_mem on the bytes */
    VIA_FILE,    /* bytes written to file_name in the temporary folder */
    VIA_PATH     /* intake_doc_open on file_name as is (in the folder) */
} via;

struct bad_case {
    const char *name;
    int (*build)(blob *out); /* NULL for VIA_PATH */
    via how;
    const char *file_name;
    cs_status code;
    const char *message; /* expected within err.message */
    int at_load;         /* 1: opens, but decoding page 1 fails */
    intake_limits lim;   /* all zero: the defaults */
};

#define NO_LIMITS                                                              \
    {                                                                          \
        0, 0, 0, 0                                                             \
    }
#define SMALL_FILES                                                            \
    {                                                                          \
        100, 20000u, 80000000u, 500u                                           \
    }
#define TWO_PAGES                                                              \
    {                                                                          \
        256u << 20, 20000u, 80000000u, 2u                                      \
    }

static const struct bad_case bad_cases[] = {
    {"empty_file", build_empty, VIA_FILE, "empty.png", CS_EFORMAT, "empty", 0,
     NO_LIMITS},
    {"empty_mem", build_empty, VIA_MEM, NULL, CS_EFORMAT, "empty", 0,
     NO_LIMITS},
    {"too_short", build_too_short, VIA_MEM, NULL, CS_EFORMAT, "too short", 0,
     NO_LIMITS},
    {"truncated_png", build_png_truncated, VIA_FILE, "half.png", CS_EFORMAT,
     "truncated", 0, NO_LIMITS},
    {"truncated_png_mem", build_png_truncated, VIA_MEM, NULL, CS_EFORMAT,
     "truncated", 0, NO_LIMITS},
    {"text_named_tif", build_text, VIA_FILE, "x.tif", CS_EFORMAT,
     "not a PNG, JPEG or TIFF", 0, NO_LIMITS},
    {"png_ihdr_100000_square", build_png_huge, VIA_MEM, NULL, CS_ETOOBIG,
     "100000 x 100000", 0, NO_LIMITS},
    {"png_ihdr_100000_square_file", build_png_huge, VIA_FILE, "huge.png",
     CS_ETOOBIG, "100000 x 100000", 0, NO_LIMITS},
    {"png_ihdr_too_many_pixels", build_png_too_many_pixels, VIA_MEM, NULL,
     CS_ETOOBIG, "19000 x 19000", 0, NO_LIMITS},
    {"png_ihdr_zero_width", build_png_zero_width, VIA_MEM, NULL, CS_EFORMAT, "",
     0, NO_LIMITS},
    {"tiff_ifd_100000_square", build_tiff_huge, VIA_MEM, NULL, CS_ETOOBIG,
     "100000 x 100000", 0, NO_LIMITS},
    {"tiff_too_many_pages", build_tiff_three_pages, VIA_MEM, NULL, CS_ETOOBIG,
     "3 pages", 0, TWO_PAGES},
    {"jpeg_no_end_marker", build_jpeg_no_end, VIA_MEM, NULL, CS_EFORMAT,
     "no end marker", 0, NO_LIMITS},
    {"jpeg_no_end_marker_file", build_jpeg_no_end, VIA_FILE, "cut.jpg",
     CS_EFORMAT, "no end marker", 0, NO_LIMITS},
    {"png_damaged_image_data", build_png_damaged_data, VIA_MEM, NULL,
     CS_EFORMAT, "damaged", 1, NO_LIMITS},
    {"file_over_size_limit", build_bytes_300, VIA_FILE, "big.png", CS_ETOOBIG,
     "limit", 0, SMALL_FILES},
    {"mem_over_size_limit", build_bytes_300, VIA_MEM, NULL, CS_ETOOBIG, "limit",
     0, SMALL_FILES},
    {"nonexistent_path", NULL, VIA_PATH, "no-such-file.png", CS_EIO,
     "cannot open", 0, NO_LIMITS},
    {"directory", NULL, VIA_PATH, "a-folder.tif", CS_EFORMAT,
     "not a regular file", 0, NO_LIMITS},
};

static void
test_bad_case(void **state)
{
    const struct bad_case *c = *state;
    const intake_limits *lim = c->lim.max_file_bytes != 0 ? &c->lim : NULL;
    intake_doc *const poison = (intake_doc *)&s; /* *out must be reset */
    intake_doc *doc = poison;
    cs_error err = CS_ERROR_INIT;
    char path[512];
    cs_status rc;

    if (c->build != NULL)
        assert_int_equal(c->build(&s.in), 0);
    if (c->how != VIA_MEM)
        assert_true(snprintf(path, sizeof(path), "%s/%s", tmpdir,
                             c->file_name) < (int)sizeof(path));
    if (c->how == VIA_FILE)
        assert_int_equal(ts_file_write(path, s.in.data, s.in.size), 0);
    if (strcmp(c->name, "directory") == 0)
        assert_int_equal(mkdir(path, 0700), 0);

    if (c->how == VIA_MEM)
        rc = intake_doc_open_mem(&doc, s.in.data, s.in.size, lim, &err);
    else
        rc = intake_doc_open(&doc, path, lim, &err);
    assert_ptr_not_equal(doc, poison);
    s.doc = doc;

    if (c->at_load) {
        assert_int_equal(rc, CS_OK);
        assert_non_null(s.doc);
        assert_int_equal(intake_doc_page_count(s.doc), 1);
        memset(&s.page, 0x5a, sizeof(s.page));
        rc = intake_doc_page_load(&s.page, s.doc, 0, &err);
        assert_null(s.page.pix);
    } else {
        assert_null(s.doc);
    }
    if (rc != c->code)
        print_error("%s: got %d (%s), want %d\n", c->name, rc, err.message,
                    c->code);
    assert_int_equal(rc, c->code);
    assert_int_equal(err.code, c->code);
    assert_true(err.message[0] != '\0');
    if (strstr(err.message, c->message) == NULL)
        print_error("message \"%s\" lacks \"%s\"\n", err.message, c->message);
    assert_non_null(strstr(err.message, c->message));
    /* Messages never name the file (it may be named after the patient). */
    assert_null(strstr(err.message, tmpdir));
    if (c->file_name != NULL)
        assert_null(strstr(err.message, c->file_name));
}

/* ---- Good inputs: the committed samples ----------------------------- */

struct sample_case {
    const char *name;
    const char *file; /* in samples/scans */
    intake_format format;
    int width, height; /* page 1 */
    int depth;         /* page 1: 1, 8 or 32 */
    int xres, yres;    /* page 1 as read or inferred */
    int res_inferred;
};

static const struct sample_case sample_cases[] = {
    {"sample_color300_png", "claim0001_color300.png", INTAKE_FORMAT_PNG, 2550,
     3300, 32, 300, 300, 0},
    {"sample_bw300_tif", "claim0001_bw300.tif", INTAKE_FORMAT_TIFF, 2550, 3300,
     1, 300, 300, 0},
    {"sample_dropout300_tif", "claim0001_dropout300.tif", INTAKE_FORMAT_TIFF,
     2550, 3300, 1, 300, 300, 0},
    {"sample_color200_jpg", "claim0001_color200jpg.jpg", INTAKE_FORMAT_JPEG,
     1700, 2200, 32, 200, 200, 0},
    {"sample_multipage_tif", "claim0001_multipage.tif", INTAKE_FORMAT_TIFF,
     2550, 3300, 1, 300, 300, 0},
};

/* Pages a sample holds, from its truth file. */
static size_t
truth_page_count(const char *path)
{
    json_t *root = ts_truth_load(path);
    size_t n = json_array_size(json_object_get(root, "pages"));

    json_decref(root);
    return n;
}

static void
test_sample_case(void **state)
{
    const struct sample_case *c = *state;
    char path[512], hex[65];
    cs_error err = CS_ERROR_INIT;
    size_t npages;

    (void)snprintf(path, sizeof(path), "%s%s", SAMPLES, c->file);
    npages = truth_page_count(path);
    assert_true(npages >= 1);
    if (intake_doc_open(&s.doc, path, NULL, &err) != CS_OK)
        print_error("%s: %s\n", c->file, err.message);
    assert_non_null(s.doc);
    assert_int_equal(intake_doc_format(s.doc), c->format);
    assert_int_equal(intake_doc_page_count(s.doc), npages);

    /* The fingerprint is the SHA-256 of the file's bytes. */
    assert_int_equal(read_whole_file(&s.bytes, path), 0);
    assert_int_equal(intake_sha256_hex(hex, s.bytes.data, s.bytes.size, &err),
                     CS_OK);
    assert_string_equal(intake_doc_sha256(s.doc), hex);

    for (size_t i = 0; i < npages; i++) {
        assert_int_equal(intake_doc_page_load(&s.page, s.doc, i, &err), CS_OK);
        assert_non_null(s.page.pix);
        assert_int_equal(s.page.number, (int)i + 1);
        assert_null(pixGetColormap(s.page.pix));
        if (i == 0) {
            assert_int_equal(pixGetWidth(s.page.pix), c->width);
            assert_int_equal(pixGetHeight(s.page.pix), c->height);
            assert_int_equal(pixGetDepth(s.page.pix), c->depth);
            assert_int_equal(s.page.xres, c->xres);
            assert_int_equal(s.page.yres, c->yres);
            assert_int_equal(s.page.res_inferred, c->res_inferred);
        }
        intake_page_clear(&s.page);
        assert_null(s.page.pix);
    }
    /* One past the last page is a bad index, not a crash. */
    assert_int_equal(intake_doc_page_load(&s.page, s.doc, npages, &err),
                     CS_EINVAL);
    assert_null(s.page.pix);
}

/* ---- Good inputs built in memory ------------------------------------ */

static void
test_multipage_in_memory(void **state)
{
    cs_error err = CS_ERROR_INIT;

    (void)state;
    assert_int_equal(build_tiff_pages(&s.in, 3), 0);
    assert_int_equal(
        intake_doc_open_mem(&s.doc, s.in.data, s.in.size, NULL, &err), CS_OK);
    assert_int_equal(intake_doc_format(s.doc), INTAKE_FORMAT_TIFF);
    assert_int_equal(intake_doc_page_count(s.doc), 3);
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(intake_doc_page_load(&s.page, s.doc, i, &err), CS_OK);
        assert_int_equal(s.page.number, (int)i + 1);
        assert_int_equal(pixGetWidth(s.page.pix), 100 + 10 * (int)i);
        assert_int_equal(pixGetHeight(s.page.pix), 120 + 20 * (int)i);
        assert_int_equal(pixGetDepth(s.page.pix), 1);
        intake_page_clear(&s.page);
    }
    assert_int_equal(intake_doc_page_load(&s.page, s.doc, 3, &err), CS_EINVAL);
}

/* The bytes given to intake_doc_open_mem are copied: the caller may
 * reuse them at once. */
static void
test_open_mem_copies(void **state)
{
    cs_error err = CS_ERROR_INIT;

    (void)state;
    s.pix = make_page(120, 90, 8);
    assert_int_equal(build_png_mem(&s.in, s.pix), 0);
    assert_int_equal(
        intake_doc_open_mem(&s.doc, s.in.data, s.in.size, NULL, &err), CS_OK);
    memset(s.in.data, 0, s.in.size);
    assert_int_equal(intake_doc_page_load(&s.page, s.doc, 0, &err), CS_OK);
    assert_int_equal(pixGetWidth(s.page.pix), 120);
}

struct res_case {
    const char *name;
    int w, h;       /* page size written */
    int res;        /* resolution written; 0: none */
    int format;     /* IFF_PNG or IFF_TIFF_G4 */
    int xres, yres; /* expected */
    int inferred;
};

static const struct res_case res_cases[] = {
    /* US letter at 150 dpi, said in the file */
    {"resolution_png_from_file", 1275, 1650, 150, IFF_PNG, 150, 150, 0},
    {"resolution_tiff_from_file", 1275, 1650, 150, IFF_TIFF_G4, 150, 150, 0},
    /* no resolution in the file: from the page size (8.5 x 11 in) */
    {"resolution_png_inferred", 1275, 1650, 0, IFF_PNG, 150, 150, 1},
    {"resolution_tiff_inferred", 1700, 2200, 0, IFF_TIFF_G4, 200, 200, 1},
    /* a resolution implying a 35-inch page is not believed */
    {"resolution_png_implausible", 2550, 3300, 72, IFF_PNG, 300, 300, 1},
    /* a scanner cropping a bit off a letter page at 300 dpi */
    {"resolution_png_cropped_page", 2400, 3150, 300, IFF_PNG, 300, 300, 0},
    /* a letter page on its side (a sheet fed sideways): 11 x 8.5 in */
    {"resolution_png_sideways_from_file", 3300, 2550, 300, IFF_PNG, 300, 300,
     0},
    {"resolution_tiff_sideways_inferred", 2200, 1700, 0, IFF_TIFF_G4, 200, 200,
     1},
};

static void
test_res_case(void **state)
{
    const struct res_case *c = *state;
    size_t size = 0;
    cs_error err = CS_ERROR_INIT;

    s.pix = pixCreate(c->w, c->h, 1);
    assert_non_null(s.pix);
    pixSetResolution(s.pix, c->res, c->res);
    if (c->format == IFF_PNG)
        assert_int_equal(pixWriteMemPng(&s.lept_data, &size, s.pix, 0.0f), 0);
    else
        assert_int_equal(pixWriteMemTiff(&s.lept_data, &size, s.pix, c->format),
                         0);
    assert_int_equal(intake_doc_open_mem(&s.doc, s.lept_data, size, NULL, &err),
                     CS_OK);
    assert_int_equal(intake_doc_page_load(&s.page, s.doc, 0, &err), CS_OK);
    assert_int_equal(s.page.xres, c->xres);
    assert_int_equal(s.page.yres, c->yres);
    assert_int_equal(s.page.res_inferred, c->inferred);
}

/* Pages come out as 1, 8 or 32 bpp without colormap or alpha. */
struct depth_case {
    const char *name;
    int depth_in;
    int cmap;                /* add a colormap */
    int alpha;               /* 32 bpp with 4 samples */
    int png_bits, png_color; /* what the PNG's IHDR must say */
    int depth_out;
};

static const struct depth_case depth_cases[] = {
    {"depth_1bpp", 1, 0, 0, 1, 0, 1},
    {"depth_2bpp_gray", 2, 0, 0, 2, 0, 8},
    {"depth_4bpp_colormap", 4, 1, 0, 4, 3, 8},
    {"depth_8bpp_colormap", 8, 1, 0, 8, 3, 8},
    {"depth_8bpp_gray", 8, 0, 0, 8, 0, 8},
    {"depth_16bpp_gray", 16, 0, 0, 16, 0, 8},
    {"depth_32bpp_rgb", 32, 0, 0, 8, 2, 32},
    {"depth_32bpp_rgba", 32, 0, 1, 8, 6, 32},
};

static void
test_depth_case(void **state)
{
    const struct depth_case *c = *state;
    cs_error err = CS_ERROR_INIT;

    s.pix8 = make_page(64, 48, 8);
    assert_non_null(s.pix8);
    switch (c->depth_in) {
    case 1:
        s.pix = pixThresholdToBinary(s.pix8, 128);
        break;
    case 2:
    case 4:
        s.pix = c->depth_in == 2 ? pixThresholdTo2bpp(s.pix8, 4, c->cmap)
                                 : pixThresholdTo4bpp(s.pix8, 16, c->cmap);
        break;
    case 8:
        s.pix = c->cmap ? pixConvertGrayToColormap(s.pix8) : pixClone(s.pix8);
        break;
    case 16:
        s.pix = pixConvert8To16(s.pix8, 8);
        break;
    case 32:
        s.pix = pixConvertTo32(s.pix8);
        if (s.pix != NULL && c->alpha) {
            pixSetSpp(s.pix, 4);
            (void)pixSetComponentArbitrary(s.pix, L_ALPHA_CHANNEL, 128);
        }
        break;
    }
    assert_non_null(s.pix);
    assert_int_equal(pixGetDepth(s.pix), c->depth_in);
    if (c->cmap)
        assert_non_null(pixGetColormap(s.pix));
    assert_int_equal(build_png_mem(&s.in, s.pix), 0);
    /* The file really is of the kind the row is about. */
    assert_true(s.in.size > 26);
    assert_int_equal(s.in.data[24], c->png_bits);
    assert_int_equal(s.in.data[25], c->png_color);
    assert_int_equal(
        intake_doc_open_mem(&s.doc, s.in.data, s.in.size, NULL, &err), CS_OK);
    assert_int_equal(intake_doc_page_load(&s.page, s.doc, 0, &err), CS_OK);
    assert_int_equal(pixGetDepth(s.page.pix), c->depth_out);
    assert_null(pixGetColormap(s.page.pix));
    if (c->depth_out == 32)
        assert_int_equal(pixGetSpp(s.page.pix), 3);
    assert_int_equal(pixGetWidth(s.page.pix), 64);
    assert_int_equal(pixGetHeight(s.page.pix), 48);
}

/* ---- SHA-256 --------------------------------------------------------- */

struct sha_case {
    const char *name;
    const char *input;
    const char *hex;
};

static const struct sha_case sha_cases[] = {
    {"sha256_empty", "",
     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
    {"sha256_abc", "abc",
     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
    {"sha256_two_blocks",
     "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
};

static void
test_sha_case(void **state)
{
    const struct sha_case *c = *state;
    char hex[65];
    cs_error err = CS_ERROR_INIT;

    memset(hex, 'x', sizeof(hex));
    assert_int_equal(intake_sha256_hex(hex, (const uint8_t *)c->input,
                                       strlen(c->input), &err),
                     CS_OK);
    assert_string_equal(hex, c->hex);
}

/* The document's hash is that of its bytes, whichever way it was read. */
static void
test_doc_sha256(void **state)
{
    cs_error err = CS_ERROR_INIT;
    char hex[65], path[512];

    (void)state;
    assert_int_equal(build_jpeg(&s.in, 40, 30), 0);
    assert_int_equal(intake_sha256_hex(hex, s.in.data, s.in.size, &err), CS_OK);
    assert_int_equal(
        intake_doc_open_mem(&s.doc, s.in.data, s.in.size, NULL, &err), CS_OK);
    assert_string_equal(intake_doc_sha256(s.doc), hex);
    assert_int_equal(strlen(intake_doc_sha256(s.doc)), 64);
    (void)ts_path(path, sizeof(path), tmpdir, "hash.jpg");
    assert_int_equal(ts_file_write(path, s.in.data, s.in.size), 0);
    assert_int_equal(intake_doc_open(&s.doc2, path, NULL, &err), CS_OK);
    assert_string_equal(intake_doc_sha256(s.doc2), hex);
    assert_int_equal(intake_doc_format(s.doc2), INTAKE_FORMAT_JPEG);
}

static void
test_bad_arguments(void **state)
{
    intake_doc *doc = NULL;
    intake_page page;
    cs_error err = CS_ERROR_INIT;
    char hex[65];

    (void)state;
    assert_int_equal(intake_doc_open(NULL, "x.png", NULL, &err), CS_EINVAL);
    assert_int_equal(intake_doc_open(&doc, NULL, NULL, &err), CS_EINVAL);
    assert_int_equal(intake_doc_open_mem(&doc, NULL, 10, NULL, &err),
                     CS_EINVAL);
    assert_int_equal(intake_doc_page_load(&page, NULL, 0, &err), CS_EINVAL);
    assert_int_equal(intake_sha256_hex(NULL, (const uint8_t *)"a", 1, &err),
                     CS_EINVAL);
    assert_int_equal(intake_sha256_hex(hex, NULL, 1, NULL), CS_EINVAL);
    /* Free functions take NULL. */
    intake_doc_free(NULL);
    intake_page_clear(NULL);
    assert_null(doc);
}

#define N_TESTS                                                                \
    (TS_COUNT(bad_cases) + TS_COUNT(sample_cases) + TS_COUNT(res_cases) +      \
     TS_COUNT(depth_cases) + TS_COUNT(sha_cases) + 4)

/* main()'s tests: one per row of a case table, or one by name. */
#define ADD_ROWS(table, func) TS_ADD_ROWS(tests, n, table, func, scratch_free)
#define ADD_TEST(test_name, func)                                              \
    TS_ADD_TEST(tests, n, test_name, func, scratch_free)

int
main(void)
{
    static struct CMUnitTest tests[N_TESTS];
    size_t n = 0;

    ADD_ROWS(bad_cases, test_bad_case);
    ADD_ROWS(sample_cases, test_sample_case);
    ADD_ROWS(res_cases, test_res_case);
    ADD_ROWS(depth_cases, test_depth_case);
    ADD_ROWS(sha_cases, test_sha_case);
    ADD_TEST("multipage_in_memory", test_multipage_in_memory);
    ADD_TEST("open_mem_copies", test_open_mem_copies);
    ADD_TEST("doc_sha256", test_doc_sha256);
    ADD_TEST("bad_arguments", test_bad_arguments);
    if (n != N_TESTS)
        return 1; /* the table of tests is out of step with N_TESTS */
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
