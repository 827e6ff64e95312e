/*
 * test_template.c: loading form templates and the catalog. The real
 * forms/cms1500.template, and a table of small templates written to a
 * temporary folder, each broken in one way (or valid, to show that the
 * base the broken ones start from is sound). One named test per row.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <leptonica/allheaders.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "extract/extract.h"
#include "extract/extract_internal.h"
#include "support/support.h"

#define CMS1500 CS_FORMS_DIR "/cms1500.template"

static char tmpdir[256];

/* Writes text as the file dir/name. */
static int
write_text(const char *dir, const char *name, const char *text)
{
    char path[512];

    if (ts_path(path, sizeof(path), dir, name) == NULL)
        return -1;
    return ts_file_write_text(path, text);
}

/* Makes tmpdir/name as an empty folder; returns its path in out. */
static int
make_subdir(char *out, size_t size, const char *name)
{
    if (ts_path(out, size, tmpdir, name) == NULL)
        return -1;
    return mkdir(out, 0700);
}

static int
group_setup(void **state)
{
    PIX *small;
    char path[512];
    int rc;

    (void)state;
    (void)setMsgSeverity(L_SEVERITY_NONE);
    if (ts_tmpdir_make(tmpdir, sizeof(tmpdir), "cs_test_template.") != 0)
        return -1;
    /* A reference image of the wrong size, for one row. */
    small = pixCreate(100, 100, 8);
    (void)ts_path(path, sizeof(path), tmpdir, "small.png");
    rc = small != NULL ? pixWrite(path, small, IFF_PNG) : -1;
    pixDestroy(&small);
    return rc == 0 ? 0 : -1;
}

static int
group_teardown(void **state)
{
    (void)state;
    (void)ts_tree_remove(tmpdir);
    return 0;
}

/* Resources of the running test, freed by scratch_free after it, passed
 * or failed (a failed assertion leaves the test by longjmp). */
static struct scratch {
    extract_template *tpl;
    extract_catalog *cat;
} s;

static int
scratch_free(void **state)
{
    (void)state;
    extract_template_free(s.tpl);
    extract_catalog_free(s.cat);
    memset(&s, 0, sizeof(s));
    return 0;
}

/* ---- The real template ---------------------------------------------- */

static void
test_cms1500_loads(void **state)
{
    cs_error err = CS_ERROR_INIT;
    size_t n;

    (void)state;
    if (extract_template_load(&s.tpl, CMS1500, &err) != CS_OK)
        print_error("%s\n", err.message);
    assert_non_null(s.tpl);
    assert_string_equal(extract_template_name(s.tpl), "cms1500");
    n = extract_template_field_count(s.tpl);
    /* The spec's 75 fields plus 9 per service line, 6 lines. */
    assert_int_equal(n, 75 + 6 * 9);
    assert_null(extract_template_field_id(s.tpl, n));
    /* Ids are unique and not empty. */
    for (size_t i = 0; i < n; i++) {
        const char *id = extract_template_field_id(s.tpl, i);
        assert_non_null(id);
        assert_true(id[0] != '\0');
        for (size_t k = i + 1; k < n; k++)
            assert_string_not_equal(id, extract_template_field_id(s.tpl, k));
    }
}

/* The reference's labels, to be erased from scans, and where their ink is
 * thinner than print: a dotted divider of box 24 (3 pixels wide) is thin,
 * the form's bold title (6) is not. */
static void
test_cms1500_labels_thin(void **state)
{
    cs_error err = CS_ERROR_INIT;
    l_uint32 v;
    l_int32 outside = -1;
    PIX *beyond;

    (void)state;
    if (extract_template_load(&s.tpl, CMS1500, &err) != CS_OK)
        print_error("%s\n", err.message);
    assert_non_null(s.tpl);
    assert_non_null(s.tpl->labels);
    assert_non_null(s.tpl->labels_thin);
    (void)pixGetPixel(s.tpl->labels, 161, 2370, &v);
    assert_int_equal(v, 1);
    (void)pixGetPixel(s.tpl->labels_thin, 161, 2370, &v);
    assert_int_equal(v, 1);
    (void)pixGetPixel(s.tpl->labels, 110, 265, &v);
    assert_int_equal(v, 1);
    (void)pixGetPixel(s.tpl->labels_thin, 110, 265, &v);
    assert_int_equal(v, 0);
    /* the thin part lies within the labels */
    beyond = pixSubtract(NULL, s.tpl->labels_thin, s.tpl->labels);
    assert_non_null(beyond);
    (void)pixCountPixels(beyond, &outside, NULL);
    pixDestroy(&beyond);
    assert_int_equal(outside, 0);
}

struct field_case {
    const char *name;
    const char *id;
    extract_kind kind;
};

static const struct field_case field_cases[] = {
    {"field_payer_name", "payer_name", EXTRACT_KIND_TEXT},
    {"field_insurance_type", "insurance_type", EXTRACT_KIND_CHECK},
    {"field_patient_birth_date", "patient_birth_date", EXTRACT_KIND_DATE8},
    {"field_patient_sex", "patient_sex", EXTRACT_KIND_CHECK},
    {"field_patient_phone", "patient_phone", EXTRACT_KIND_PHONE},
    {"field_diagnosis_a", "diagnosis_a", EXTRACT_KIND_ICD},
    {"field_diagnosis_l", "diagnosis_l", EXTRACT_KIND_ICD},
    {"field_line1_date_from", "line1_date_from", EXTRACT_KIND_DATE6},
    {"field_line6_date_to", "line6_date_to", EXTRACT_KIND_DATE6},
    {"field_line1_charges", "line1_charges", EXTRACT_KIND_MONEY},
    {"field_line2_charges", "line2_charges", EXTRACT_KIND_MONEY},
    {"field_line3_charges", "line3_charges", EXTRACT_KIND_MONEY},
    {"field_line4_charges", "line4_charges", EXTRACT_KIND_MONEY},
    {"field_line5_charges", "line5_charges", EXTRACT_KIND_MONEY},
    {"field_line6_charges", "line6_charges", EXTRACT_KIND_MONEY},
    {"field_line6_rendering_npi", "line6_rendering_npi", EXTRACT_KIND_TEXT},
    {"field_total_charge", "total_charge", EXTRACT_KIND_MONEY},
    {"field_federal_tax_id_type", "federal_tax_id_type", EXTRACT_KIND_CHECK},
    {"field_physician_signature_date", "physician_signature_date",
     EXTRACT_KIND_DATE6},
    {"field_billing_provider_npi", "billing_provider_npi", EXTRACT_KIND_TEXT},
};

static extract_template *cms1500; /* loaded once for the field rows */

static int
load_cms1500(void **state)
{
    cs_error err = CS_ERROR_INIT;

    (void)state;
    return extract_template_load(&cms1500, CMS1500, &err) == CS_OK ? 0 : -1;
}

static int
free_cms1500(void **state)
{
    (void)state;
    extract_template_free(cms1500);
    cms1500 = NULL;
    return 0;
}

static void
test_field_case(void **state)
{
    const struct field_case *c = *state;
    size_t n = extract_template_field_count(cms1500), i;

    for (i = 0; i < n; i++)
        if (strcmp(extract_template_field_id(cms1500, i), c->id) == 0)
            break;
    if (i == n)
        print_error("no field %s\n", c->id);
    assert_true(i < n);
    assert_int_equal(extract_template_field_kind(cms1500, i), c->kind);
}

/* ---- Small templates, valid and broken ------------------------------ */

/* A small valid template in pieces; each broken row changes one piece. */
#define T_HEAD "{\"format\": \"claimscan-template/1\", \"name\": \"mini\",\n"
#define T_REF                                                                  \
    "\"reference\": {\"width\": 2550, \"height\": 3300, \"dpi\": 300},\n"
#define T_GRID                                                                 \
    "\"grid\": {\"x0\": 90, \"y0\": 100, \"pitch_x\": 30, \"pitch_y\": 50},\n"
#define T_ANCHORS                                                              \
    "\"anchors\": {\"hrules\": [398.5, 1600.5, 3153], \"vrules\": [80.5, "     \
    "2456.5]},\n"
#define T_CHARSETS                                                             \
    "\"charsets\": {\"text\": \"ABC \", \"digits\": \"0123456789 \", "         \
    "\"money\": \"0123456789 \", \"code\": \"A1\"},\n"
#define T_NAME_FIELD                                                           \
    "{\"id\": \"name\", \"kind\": \"text\", \"at\": [10, 1, 28]}"
#define T_TOTAL_FIELD                                                          \
    "{\"id\": \"total\", \"kind\": \"money\", \"at\": [56, 52, 8], "           \
    "\"rules\": [\"money\"]}"
#define T_SEX_FIELD                                                            \
    "{\"id\": \"sex\", \"kind\": \"check\", \"options\": {\"M\": [10, 42], "   \
    "\"F\": [10, 47]}}"
#define T_FIELDS_WITH(extra)                                                   \
    "\"fields\": [" T_NAME_FIELD ",\n" T_TOTAL_FIELD ",\n" T_SEX_FIELD extra   \
    "],\n"
#define T_FIELDS T_FIELDS_WITH("")
#define T_REPEAT                                                               \
    "\"repeat\": {\"count\": 2, \"id\": \"line{n}_\", \"line_step\": 2, "      \
    "\"fields\": [{\"id\": \"charges\", \"kind\": \"money\", \"at\": [44, "    \
    "50, 8]}]},\n"
#define T_CHECKS_WITH(c) "\"checks\": [" c "]\n"
#define T_CHECKS                                                               \
    T_CHECKS_WITH("{\"check\": \"sum\", \"total\": \"total\", \"parts\": "     \
                  "\"line{n}_charges\"}")
#define T_TAIL "}\n"
/* A valid template whose checks are c alone. */
#define T_WITH_CHECK(c)                                                        \
    T_HEAD T_REF T_GRID T_ANCHORS T_CHARSETS T_FIELDS T_REPEAT T_CHECKS_WITH(  \
        c) T_TAIL
#define T_BODY_FROM_ANCHORS(anchors)                                           \
    anchors T_CHARSETS T_FIELDS T_REPEAT T_CHECKS T_TAIL
#define T_VALID T_HEAD T_REF T_GRID T_BODY_FROM_ANCHORS(T_ANCHORS)

struct tpl_case {
    const char *name;
    const char *text; /* the template file */
    cs_status code;
    const char *what;  /* expected in the message (NULL: no error) */
    const char *where; /* also expected in it, or NULL */
    size_t nfields;    /* on success */
};

static const struct tpl_case tpl_cases[] = {
    {"valid_minimal", T_VALID, CS_OK, NULL, NULL, 5},
    {"valid_qr_only",
     T_HEAD T_REF T_GRID T_BODY_FROM_ANCHORS(
         "\"anchors\": {\"qr\": [86, 74, 151, 151]},\n"),
     CS_OK, NULL, NULL, 5},
    {"valid_without_grid", T_HEAD T_REF T_BODY_FROM_ANCHORS(T_ANCHORS), CS_OK,
     NULL, NULL, 5},
    {"valid_box_in_pixels",
     T_HEAD T_REF T_GRID T_ANCHORS T_CHARSETS T_FIELDS_WITH(
         ",\n{\"id\": \"stamp\", \"kind\": \"text\", \"at\": "
         "[100, 200, 300, 60]}") T_REPEAT T_CHECKS T_TAIL,
     CS_OK, NULL, NULL, 6},

    /* the file itself */
    {"invalid_json_missing_comma",
     "{\n  \"format\": \"claimscan-template/1\",\n  \"name\": \"mini\"\n"
     "  \"reference\": {}\n}\n",
     CS_EINVAL, "line 4", NULL, 0},
    {"invalid_json_truncated", T_HEAD T_REF, CS_EINVAL, "line 3", NULL, 0},
    {"invalid_json_duplicate_key",
     "{\"format\": \"claimscan-template/1\", \"name\": \"a\", \"name\": \"b\"}",
     CS_EINVAL, "duplicate", NULL, 0},
    {"not_an_object", "[1, 2, 3]\n", CS_EINVAL, "\"format\"", NULL, 0},

    /* header */
    {"wrong_format",
     "{\"format\": \"claimscan-template/2\", \"name\": \"mini\",\n" T_REF T_GRID
         T_BODY_FROM_ANCHORS(T_ANCHORS),
     CS_EINVAL, "\"format\"", NULL, 0},
    {"missing_format",
     "{\"name\": \"mini\",\n" T_REF T_GRID T_BODY_FROM_ANCHORS(T_ANCHORS),
     CS_EINVAL, "\"format\"", NULL, 0},
    {"missing_name",
     "{\"format\": \"claimscan-template/1\",\n" T_REF T_GRID
         T_BODY_FROM_ANCHORS(T_ANCHORS),
     CS_EINVAL, "\"name\"", NULL, 0},

    /* reference and grid */
    {"reference_missing_size",
     T_HEAD
     "\"reference\": {\"dpi\": 300},\n" T_GRID T_BODY_FROM_ANCHORS(T_ANCHORS),
     CS_EINVAL, "\"width\"", "mini", 0},
    {"reference_absurd_dpi",
     T_HEAD "\"reference\": {\"width\": 2550, \"height\": 3300, \"dpi\": "
            "5},\n" T_GRID T_BODY_FROM_ANCHORS(T_ANCHORS),
     CS_EINVAL, "\"dpi\"", "mini", 0},
    {"grid_zero_pitch",
     T_HEAD T_REF "\"grid\": {\"x0\": 90, \"y0\": 100, \"pitch_x\": 0, "
                  "\"pitch_y\": 50},\n" T_BODY_FROM_ANCHORS(T_ANCHORS),
     CS_EINVAL, "pitch_x", "grid", 0},
    {"reference_image_missing",
     T_HEAD
     "\"reference\": {\"image\": \"no-such-form.png\", \"width\": "
     "2550, \"height\": 3300, \"dpi\": 300},\n" T_GRID T_BODY_FROM_ANCHORS(
         T_ANCHORS),
     CS_EIO, "reference image", "mini", 0},
    {"reference_image_outside_folder",
     T_HEAD
     "\"reference\": {\"image\": \"../forms/x.png\", \"width\": "
     "2550, \"height\": 3300, \"dpi\": 300},\n" T_GRID T_BODY_FROM_ANCHORS(
         T_ANCHORS),
     CS_EINVAL, "file name in the template's folder", "mini", 0},
    {"reference_image_wrong_size",
     T_HEAD
     "\"reference\": {\"image\": \"small.png\", \"width\": 2550, "
     "\"height\": 3300, \"dpi\": 300},\n" T_GRID T_BODY_FROM_ANCHORS(T_ANCHORS),
     CS_EINVAL, "size differs", "mini", 0},

    /* anchors */
    {"anchors_missing", T_HEAD T_REF T_GRID T_BODY_FROM_ANCHORS(""), CS_EINVAL,
     "missing \"anchors\"", "mini", 0},
    {"anchors_one_rule_no_qr",
     T_HEAD T_REF T_GRID T_BODY_FROM_ANCHORS(
         "\"anchors\": {\"hrules\": [398.5]},\n"),
     CS_EINVAL, "at least 2", "anchors", 0},
    {"anchors_rule_not_a_number",
     T_HEAD T_REF T_GRID T_BODY_FROM_ANCHORS(
         "\"anchors\": {\"hrules\": [398.5, \"x\"]},\n"),
     CS_EINVAL, "\"hrules\"", "anchors", 0},
    {"anchors_bad_qr",
     T_HEAD T_REF T_GRID T_BODY_FROM_ANCHORS(
         "\"anchors\": {\"qr\": [86, 74, 151]},\n"),
     CS_EINVAL, "\"qr\"", "anchors", 0},

    /* fields */
    {"fields_empty",
     T_HEAD T_REF T_GRID T_ANCHORS T_CHARSETS "\"fields\": []\n" T_TAIL,
     CS_EINVAL, "non-empty", "mini", 0},
    {"field_without_id",
     T_HEAD T_REF T_GRID T_ANCHORS T_CHARSETS T_FIELDS_WITH(
         ",\n{\"kind\": \"text\", \"at\": [20, 1, 5]}")
         T_REPEAT T_CHECKS T_TAIL,
     CS_EINVAL, "\"id\"", "mini", 0},
    {"field_unknown_kind",
     T_HEAD T_REF T_GRID T_ANCHORS T_CHARSETS T_FIELDS_WITH(
         ",\n{\"id\": \"when\", \"kind\": \"datetime\", \"at\": [20, 1, "
         "5]}") T_REPEAT T_CHECKS T_TAIL,
     CS_EINVAL, "unknown \"kind\"", "when", 0},
    {"field_missing_kind",
     T_HEAD T_REF T_GRID T_ANCHORS T_CHARSETS T_FIELDS_WITH(
         ",\n{\"id\": \"when\", \"at\": [20, 1, 5]}") T_REPEAT T_CHECKS T_TAIL,
     CS_EINVAL, "\"kind\"", "when", 0},
    {"field_unknown_rule",
     T_HEAD T_REF T_GRID T_ANCHORS T_CHARSETS T_FIELDS_WITH(
         ",\n{\"id\": \"npi\", \"kind\": \"text\", \"at\": [20, 1, 10], "
         "\"rules\": [\"npi\", \"luhn_mod_97\"]}") T_REPEAT T_CHECKS T_TAIL,
     CS_EINVAL, "unknown rule", "npi", 0},
    {"valid_field_words",
     T_HEAD T_REF T_GRID T_ANCHORS T_CHARSETS T_FIELDS_WITH(
         ",\n{\"id\": \"sign\", \"kind\": \"text\", \"at\": [29, 7, 17], "
         "\"words\": [\"SIGNATURE ON FILE\", \"SOF\"]}")
         T_REPEAT T_CHECKS T_TAIL,
     CS_OK, NULL, NULL, 6},
    {"field_words_not_strings",
     T_HEAD T_REF T_GRID T_ANCHORS T_CHARSETS T_FIELDS_WITH(
         ",\n{\"id\": \"sign\", \"kind\": \"text\", \"at\": [29, 7, 17], "
         "\"words\": [\"SOF\", 7]}") T_REPEAT T_CHECKS T_TAIL,
     CS_EINVAL, "word", "sign", 0},
    {"field_words_not_an_array",
     T_HEAD T_REF T_GRID T_ANCHORS T_CHARSETS T_FIELDS_WITH(
         ",\n{\"id\": \"sign\", \"kind\": \"text\", \"at\": [29, 7, 17], "
         "\"words\": \"SOF\"}") T_REPEAT T_CHECKS T_TAIL,
     CS_EINVAL, "\"words\"", "sign", 0},
    {"valid_field_known",
     T_HEAD T_REF T_GRID T_ANCHORS T_CHARSETS T_FIELDS_WITH(
         ",\n{\"id\": \"payer\", \"kind\": \"text\", \"at\": [2, 41, 31], "
         "\"known\": [\"MEDICARE PART B\", \"MEDICAID\"]}")
         T_REPEAT T_CHECKS T_TAIL,
     CS_OK, NULL, NULL, 6},
    {"field_known_not_strings",
     T_HEAD T_REF T_GRID T_ANCHORS T_CHARSETS T_FIELDS_WITH(
         ",\n{\"id\": \"payer\", \"kind\": \"text\", \"at\": [2, 41, 31], "
         "\"known\": [\"MEDICAID\", 7]}") T_REPEAT T_CHECKS T_TAIL,
     CS_EINVAL, "known value", "payer", 0},
    {"field_known_too_many",
     T_HEAD T_REF T_GRID T_ANCHORS T_CHARSETS T_FIELDS_WITH(
         ",\n{\"id\": \"payer\", \"kind\": \"text\", \"at\": [2, 41, 31], "
         "\"known\": [\"A\", \"B\", \"C\", \"D\", \"E\", \"F\", \"G\", "
         "\"H\", \"I\"]}") T_REPEAT T_CHECKS T_TAIL,
     CS_EINVAL, "\"known\"", "payer", 0},
    {"field_too_many_rules",
     T_HEAD T_REF T_GRID T_ANCHORS T_CHARSETS T_FIELDS_WITH(
         ",\n{\"id\": \"npi\", \"kind\": \"text\", \"at\": [20, 1, 10], "
         "\"rules\": [\"npi\", \"npi\", \"npi\", \"npi\", \"npi\"]}")
         T_REPEAT T_CHECKS T_TAIL,
     CS_EINVAL, "\"rules\"", "npi", 0},
    {"field_duplicate_id",
     T_HEAD T_REF T_GRID T_ANCHORS T_CHARSETS T_FIELDS_WITH(
         ",\n{\"id\": \"name\", \"kind\": \"text\", \"at\": [20, 1, 5]}")
         T_REPEAT T_CHECKS T_TAIL,
     CS_EINVAL, "duplicate field id", "name", 0},
    {"field_duplicate_id_by_repeat",
     T_HEAD T_REF T_GRID T_ANCHORS T_CHARSETS T_FIELDS_WITH(
         ",\n{\"id\": \"line2_charges\", \"kind\": \"money\", \"at\": [60, "
         "1, 8]}") T_REPEAT T_CHECKS T_TAIL,
     CS_EINVAL, "duplicate field id", "charges", 0},
    {"field_below_the_form",
     T_HEAD T_REF T_GRID T_ANCHORS T_CHARSETS T_FIELDS_WITH(
         ",\n{\"id\": \"low\", \"kind\": \"text\", \"at\": [70, 1, 10]}")
         T_REPEAT T_CHECKS T_TAIL,
     CS_EINVAL, "outside the form", "low", 0},
    {"field_past_the_right_edge",
     T_HEAD T_REF T_GRID T_ANCHORS T_CHARSETS T_FIELDS_WITH(
         ",\n{\"id\": \"wide\", \"kind\": \"text\", \"at\": [20, 80, 10]}")
         T_REPEAT T_CHECKS T_TAIL,
     CS_EINVAL, "outside the form", "wide", 0},
    {"field_repeat_runs_off_the_form",
     T_HEAD T_REF T_GRID T_ANCHORS T_CHARSETS T_FIELDS
     "\"repeat\": {\"count\": 6, \"id\": \"line{n}_\", \"line_step\": 5, "
     "\"fields\": [{\"id\": \"charges\", \"kind\": \"money\", \"at\": [44, "
     "50, 8]}]}\n" T_TAIL,
     CS_EINVAL, "outside the form", "charges", 0},
    {"field_at_missing",
     T_HEAD T_REF T_GRID T_ANCHORS T_CHARSETS T_FIELDS_WITH(
         ",\n{\"id\": \"nowhere\", \"kind\": \"text\"}")
         T_REPEAT T_CHECKS T_TAIL,
     CS_EINVAL, "\"at\"", "nowhere", 0},
    {"field_at_without_width",
     T_HEAD T_REF T_GRID T_ANCHORS T_CHARSETS T_FIELDS_WITH(
         ",\n{\"id\": \"narrow\", \"kind\": \"text\", \"at\": [20, 1]}")
         T_REPEAT T_CHECKS T_TAIL,
     CS_EINVAL, "\"at\"", "narrow", 0},
    {"field_check_one_option",
     T_HEAD T_REF T_GRID T_ANCHORS T_CHARSETS T_FIELDS_WITH(
         ",\n{\"id\": \"yes_no\", \"kind\": \"check\", \"options\": "
         "{\"yes\": [20, 35]}}") T_REPEAT T_CHECKS T_TAIL,
     CS_EINVAL, "2 to 8", "yes_no", 0},
    {"field_check_option_outside",
     T_HEAD T_REF T_GRID T_ANCHORS T_CHARSETS T_FIELDS_WITH(
         ",\n{\"id\": \"yes_no\", \"kind\": \"check\", \"options\": "
         "{\"yes\": [20, 35], \"no\": [99, 41]}}") T_REPEAT T_CHECKS T_TAIL,
     CS_EINVAL, "position", "yes_no", 0},
    {"field_charset_not_a_string",
     T_HEAD T_REF T_GRID T_ANCHORS T_CHARSETS T_FIELDS_WITH(
         ",\n{\"id\": \"odd\", \"kind\": \"text\", \"at\": [20, 1, 5], "
         "\"charset\": 5}") T_REPEAT T_CHECKS T_TAIL,
     CS_EINVAL, "\"charset\"", "odd", 0},
    {"field_default_charset_missing",
     T_HEAD T_REF T_GRID T_ANCHORS
     "\"charsets\": {\"text\": \"ABC\"},\n" T_FIELDS T_REPEAT T_CHECKS T_TAIL,
     CS_EINVAL, "default set", "total", 0},
    {"repeat_without_count",
     T_HEAD T_REF T_GRID T_ANCHORS T_CHARSETS T_FIELDS
     "\"repeat\": {\"id\": \"line{n}_\", \"line_step\": 2, \"fields\": "
     "[]}\n" T_TAIL,
     CS_EINVAL, "\"count\"", "repeat", 0},

    /* checks */
    {"check_names_missing_field",
     T_WITH_CHECK("{\"check\": \"sum\", \"total\": \"grand_total\", "
                  "\"parts\": \"line{n}_charges\"}"),
     CS_EINVAL, "a field the template lacks", "checks", 0},
    {"check_part_names_missing_field",
     T_WITH_CHECK("{\"check\": \"sum\", \"total\": \"total\", "
                  "\"parts\": \"row{n}_charges\"}"),
     CS_EINVAL, "a field the template lacks", "checks", 0},
    {"check_unknown_type",
     T_WITH_CHECK("{\"check\": \"product\", \"total\": \"total\"}"), CS_EINVAL,
     "unknown check type", "checks", 0},
    {"check_without_type", T_WITH_CHECK("{\"total\": \"total\"}"), CS_EINVAL,
     "\"check\"", "checks", 0},
    {"check_pointer_target_missing",
     T_WITH_CHECK("{\"check\": \"pointer\", \"field\": \"name\", "
                  "\"targets\": [\"total\", \"diagnosis_z\"]}"),
     CS_EINVAL, "pointer target", "checks", 0},
    {"checks_not_a_list",
     T_HEAD T_REF T_GRID T_ANCHORS T_CHARSETS T_FIELDS T_REPEAT
     "\"checks\": {\"check\": \"sum\"}\n" T_TAIL,
     CS_EINVAL, "\"checks\"", "checks", 0},
    {"check_requires_with_reason",
     T_WITH_CHECK(
         "{\"check\": \"requires\", \"field\": \"name\", "
         "\"requires\": \"total\", \"reason\": \"diagnosis_pointer_missing\"}"),
     CS_OK, NULL, NULL, 5},
    {"check_requires_unknown_reason",
     T_WITH_CHECK("{\"check\": \"requires\", \"field\": \"name\", "
                  "\"requires\": \"total\", \"reason\": \"no_such_reason\"}"),
     CS_EINVAL, "\"reason\"", "checks", 0},
    {"check_required",
     T_WITH_CHECK("{\"check\": \"required\", \"fields\": [\"name\", "
                  "\"line1_charges\"]}"),
     CS_OK, NULL, NULL, 5},
    {"check_required_without_fields",
     T_WITH_CHECK("{\"check\": \"required\", \"fields\": []}"), CS_EINVAL,
     "\"fields\"", "checks", 0},
    {"check_required_names_missing_field",
     T_WITH_CHECK("{\"check\": \"required\", \"fields\": [\"name\", "
                  "\"line3_charges\"]}"),
     CS_EINVAL, "required field is not a field", "checks", 0},
};

static void
test_tpl_case(void **state)
{
    const struct tpl_case *c = *state;
    extract_template *const poison = (extract_template *)&s;
    extract_template *tpl = poison; /* *out must be reset */
    cs_error err = CS_ERROR_INIT;
    char path[512], file[96];
    cs_status rc;

    (void)snprintf(file, sizeof(file), "%s.template", c->name);
    assert_int_equal(write_text(tmpdir, file, c->text), 0);
    (void)ts_path(path, sizeof(path), tmpdir, file);
    rc = extract_template_load(&tpl, path, &err);
    assert_ptr_not_equal(tpl, poison);
    s.tpl = tpl;
    if (rc != c->code ||
        (c->what != NULL &&
         (strstr(err.message, c->what) == NULL ||
          (c->where != NULL && strstr(err.message, c->where) == NULL))))
        print_error("got %d \"%s\"; want %d with \"%s\" and \"%s\"\n", rc,
                    err.message, c->code, c->what != NULL ? c->what : "",
                    c->where != NULL ? c->where : "");
    assert_int_equal(rc, c->code);
    if (c->code == CS_OK) {
        assert_non_null(s.tpl);
        assert_string_equal(extract_template_name(s.tpl), "mini");
        assert_int_equal(extract_template_field_count(s.tpl), c->nfields);
        return;
    }
    assert_null(s.tpl);
    assert_int_equal(err.code, c->code);
    assert_non_null(strstr(err.message, c->what));
    if (c->where != NULL)
        assert_non_null(strstr(err.message, c->where));
    /* The message names no path. */
    assert_null(strstr(err.message, tmpdir));
}

/* Fields repeated by "repeat" are expanded with their ids and kinds, in
 * order after the plain fields. */
static void
test_repeat_expansion(void **state)
{
    cs_error err = CS_ERROR_INIT;
    char path[512];

    (void)state;
    assert_int_equal(write_text(tmpdir, "expand.template", T_VALID), 0);
    (void)ts_path(path, sizeof(path), tmpdir, "expand.template");
    assert_int_equal(extract_template_load(&s.tpl, path, &err), CS_OK);
    assert_int_equal(extract_template_field_count(s.tpl), 5);
    assert_string_equal(extract_template_field_id(s.tpl, 0), "name");
    assert_int_equal(extract_template_field_kind(s.tpl, 0), EXTRACT_KIND_TEXT);
    assert_string_equal(extract_template_field_id(s.tpl, 2), "sex");
    assert_int_equal(extract_template_field_kind(s.tpl, 2), EXTRACT_KIND_CHECK);
    assert_string_equal(extract_template_field_id(s.tpl, 3), "line1_charges");
    assert_string_equal(extract_template_field_id(s.tpl, 4), "line2_charges");
    assert_int_equal(extract_template_field_kind(s.tpl, 4), EXTRACT_KIND_MONEY);
}

static void
test_template_missing_file(void **state)
{
    cs_error err = CS_ERROR_INIT;
    char path[512];

    (void)state;
    (void)ts_path(path, sizeof(path), tmpdir, "absent.template");
    assert_int_equal(extract_template_load(&s.tpl, path, &err), CS_EIO);
    assert_null(s.tpl);
    assert_int_equal(extract_template_load(&s.tpl, NULL, &err), CS_EINVAL);
    assert_int_equal(extract_template_load(NULL, path, &err), CS_EINVAL);
    extract_template_free(NULL);
}

/* ---- The catalog ---------------------------------------------------- */

static void
test_catalog_forms(void **state)
{
    cs_error err = CS_ERROR_INIT;
    const extract_template *tpl;
    size_t n;

    (void)state;
    if (extract_catalog_load(&s.cat, CS_FORMS_DIR, &err) != CS_OK)
        print_error("%s\n", err.message);
    assert_non_null(s.cat);
    n = extract_catalog_count(s.cat);
    assert_true(n >= 1);
    tpl = extract_catalog_find(s.cat, "cms1500");
    assert_non_null(tpl);
    assert_string_equal(extract_template_name(tpl), "cms1500");
    assert_int_equal(extract_template_field_count(tpl), 129);
    assert_null(extract_catalog_find(s.cat, "cms1450"));
    assert_null(extract_catalog_get(s.cat, n));
    for (size_t i = 0; i < n; i++)
        assert_non_null(extract_catalog_get(s.cat, i));
}

struct catalog_case {
    const char *name;
    const char *files[3][2]; /* name, text; unused rows NULL */
    cs_status code;
    const char *what;  /* expected in the message, or NULL */
    size_t count;      /* on success */
    const char *first; /* on success: template 0's name */
};

#define MINI_NAMED(n)                                                          \
    "{\"format\": \"claimscan-template/1\", \"name\": \"" n                    \
    "\",\n" T_REF T_GRID                                                       \
    T_BODY_FROM_ANCHORS(T_ANCHORS)

static const struct catalog_case catalog_cases[] = {
    {"catalog_empty_folder",
     {{NULL, NULL}},
     CS_EINVAL,
     "no *.template",
     0,
     NULL},
    {"catalog_only_other_files",
     {{"README.md", "# forms\n"}, {"mini.template.bak", T_VALID}},
     CS_EINVAL,
     "no *.template",
     0,
     NULL},
    {"catalog_one_broken",
     {{"a.template", MINI_NAMED("alpha")}, {"b.template", "{ broken"}},
     CS_EINVAL,
     "line",
     0,
     NULL},
    {"catalog_two_sorted",
     {{"zeta.template", MINI_NAMED("zeta")},
      {"alpha.template", MINI_NAMED("alpha")},
      {"notes.txt", "not a template"}},
     CS_OK,
     NULL,
     2,
     "alpha"},
    {"catalog_hidden_ignored",
     {{"mini.template", T_VALID}, {".draft.template", "{ broken"}},
     CS_OK,
     NULL,
     1,
     "mini"},
};

static void
test_catalog_case(void **state)
{
    const struct catalog_case *c = *state;
    extract_catalog *const poison = (extract_catalog *)&s;
    extract_catalog *cat = poison; /* *out must be reset */
    cs_error err = CS_ERROR_INIT;
    cs_status rc;
    char dir[512];

    assert_int_equal(make_subdir(dir, sizeof(dir), c->name), 0);
    for (size_t i = 0; i < 3 && c->files[i][0] != NULL; i++)
        assert_int_equal(write_text(dir, c->files[i][0], c->files[i][1]), 0);
    rc = extract_catalog_load(&cat, dir, &err);
    assert_ptr_not_equal(cat, poison);
    s.cat = cat;
    if (rc != c->code)
        print_error("got \"%s\"\n", err.message);
    assert_int_equal(rc, c->code);
    if (c->code != CS_OK) {
        assert_null(s.cat);
        assert_int_equal(err.code, c->code);
        assert_non_null(strstr(err.message, c->what));
        return;
    }
    assert_non_null(s.cat);
    assert_int_equal(extract_catalog_count(s.cat), c->count);
    assert_string_equal(extract_template_name(extract_catalog_get(s.cat, 0)),
                        c->first);
    assert_non_null(extract_catalog_find(s.cat, c->first));
}

static void
test_catalog_missing_folder(void **state)
{
    cs_error err = CS_ERROR_INIT;
    char dir[512];

    (void)state;
    (void)ts_path(dir, sizeof(dir), tmpdir, "no-such-folder");
    assert_int_equal(extract_catalog_load(&s.cat, dir, &err), CS_EIO);
    assert_null(s.cat);
    assert_null(strstr(err.message, tmpdir));
    assert_int_equal(extract_catalog_count(NULL), 0);
    extract_catalog_free(NULL);
}

#define N_TESTS (TS_COUNT(tpl_cases) + TS_COUNT(catalog_cases) + 6)

/* main()'s tests: one per row of a case table, or one by name. */
#define ADD_ROWS(table, func) TS_ADD_ROWS(tests, n, table, func, scratch_free)
#define ADD_TEST(test_name, func)                                              \
    TS_ADD_TEST(tests, n, test_name, func, scratch_free)

int
main(void)
{
    static struct CMUnitTest tests[N_TESTS];
    static struct CMUnitTest field_tests[TS_COUNT(field_cases)];
    size_t n = 0;
    int failed;

    ADD_TEST("cms1500_loads", test_cms1500_loads);
    ADD_TEST("cms1500_labels_thin", test_cms1500_labels_thin);
    ADD_ROWS(tpl_cases, test_tpl_case);
    ADD_TEST("repeat_expansion", test_repeat_expansion);
    ADD_TEST("template_missing_file", test_template_missing_file);
    ADD_TEST("catalog_forms", test_catalog_forms);
    ADD_ROWS(catalog_cases, test_catalog_case);
    ADD_TEST("catalog_missing_folder", test_catalog_missing_folder);
    if (n != N_TESTS)
        return 1; /* the table of tests is out of step with N_TESTS */
    failed = cmocka_run_group_tests_name("templates", tests, group_setup,
                                         group_teardown);

    /* The field rows share one loaded cms1500 template. */
    n = 0;
    TS_ADD_ROWS(field_tests, n, field_cases, test_field_case, NULL);
    failed += cmocka_run_group_tests_name("cms1500_fields", field_tests,
                                          load_cms1500, free_cms1500);
    return failed;
}
