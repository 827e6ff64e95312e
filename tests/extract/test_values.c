/*
 * test_values.c: values a person types at the review station, checked by
 * the template's rules (extract_value_check) and cross-field checks
 * (extract_values_cross_check), against the real cms1500 template.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "extract/extract_internal.h"
#include "tests/support/support.h"

static extract_template *tpl;
static struct tm today = {.tm_year = 126, .tm_mon = 0, .tm_mday = 1};

struct value_case {
    const char *name;
    const char *field;
    const char *typed;
    const char *value;  /* normalized */
    const char *reason; /* NULL: passes */
};

static const struct value_case value_cases[] = {
    {"npi_good", "billing_provider_npi", "1234567893", "1234567893", NULL},
    {"npi_check_digit", "billing_provider_npi", "1234567890", "1234567890",
     "npi_check_digit"},
    {"npi_short", "billing_provider_npi", "123456789", "123456789",
     "npi_format"},
    {"date_typed_with_spaces", "patient_birth_date", "10 25 1937", "1937-10-25",
     NULL},
    {"date_not_a_day", "patient_birth_date", "02 30 1990", "1990-02-30",
     "date_invalid"},
    {"birth_in_future", "patient_birth_date", "01 02 2030", "2030-01-02",
     "date_in_future"},
    {"money_with_space", "total_charge", "  125 00", "125.00", NULL},
    {"icd_without_dot", "diagnosis_a", "E119", "E11.9", NULL},
    {"icd_misread_third", "diagnosis_a", "R0S9", "R0S.9", "icd10_format"},
    {"state_good", "patient_state", "mo", "MO", NULL},
    {"state_bad", "patient_state", "XX", "XX", "state_code"},
    {"check_option", "patient_sex", "F", "F", NULL},
    {"check_not_an_option", "patient_sex", "X", "X", "check_ambiguous"},
    {"empty_passes", "billing_provider_npi", "", "", NULL},
    {"text_folded", "patient_name", "  doe,  jane ", "DOE, JANE", NULL},
};

static int
group_setup(void **state)
{
    cs_error err = CS_ERROR_INIT;

    (void)state;
    return extract_template_load(&tpl, CS_FORMS_DIR "/cms1500.template",
                                 &err) == CS_OK
               ? 0
               : -1;
}

static int
group_teardown(void **state)
{
    (void)state;
    extract_template_free(tpl);
    return 0;
}

static void
test_value_case(void **state)
{
    const struct value_case *c = *state;
    char value[EXTRACT_VALUE_MAX];
    const char *reason = "unset";
    cs_error err = CS_ERROR_INIT;

    assert_int_equal(extract_value_check(value, sizeof(value), &reason, tpl,
                                         c->field, c->typed, &today, &err),
                     CS_OK);
    assert_string_equal(value, c->value);
    if (c->reason == NULL)
        assert_null(reason);
    else
        assert_string_equal(reason, c->reason);
}

static void
test_unknown_field(void **state)
{
    char value[EXTRACT_VALUE_MAX];
    const char *reason = NULL;
    cs_error err = CS_ERROR_INIT;

    (void)state;
    assert_int_equal(extract_value_check(value, sizeof(value), &reason, tpl,
                                         "no_such_field", "1", &today, &err),
                     CS_EINVAL);
    assert_non_null(strstr(err.message, "no_such_field"));
}

/* A page's values: two lines of 100.00, line 1 with a procedure and the
 * pointer given by the test, and a total given by the test. */
static void
cross_check(const char **reasons, const char *total, const char *pointer)
{
    size_t n = extract_template_field_count(tpl);
    const char **values = calloc(n, sizeof(*values));
    cs_error err = CS_ERROR_INIT;

    assert_non_null(values);
    for (size_t i = 0; i < n; i++) {
        const char *id = extract_template_field_id(tpl, i);
        values[i] = "";
        if (strcmp(id, "line1_charges") == 0 ||
            strcmp(id, "line2_charges") == 0)
            values[i] = "100.00";
        else if (strcmp(id, "total_charge") == 0)
            values[i] = total;
        else if (strcmp(id, "diagnosis_a") == 0)
            values[i] = "E11.9";
        else if (strcmp(id, "line1_diagnosis_pointer") == 0)
            values[i] = pointer;
        else if (strcmp(id, "line1_procedure") == 0)
            values[i] = "99213";
    }
    assert_int_equal(
        extract_values_cross_check(reasons, tpl, values, &today, &err), CS_OK);
    free(values);
}

static const char *
reason_of(const char **reasons, const char *id)
{
    for (size_t i = 0; i < extract_template_field_count(tpl); i++)
        if (strcmp(extract_template_field_id(tpl, i), id) == 0)
            return reasons[i];
    return "no such field";
}

static void
test_cross_checks(void **state)
{
    const char **reasons =
        calloc(extract_template_field_count(tpl), sizeof(*reasons));

    (void)state;
    assert_non_null(reasons);
    cross_check(reasons, "200.00", "A");
    assert_null(reason_of(reasons, "total_charge"));
    assert_null(reason_of(reasons, "line1_diagnosis_pointer"));
    cross_check(reasons, "210.00", "AB");
    assert_string_equal(reason_of(reasons, "total_charge"), "total_mismatch");
    assert_string_equal(reason_of(reasons, "line2_charges"), "total_mismatch");
    assert_string_equal(reason_of(reasons, "line1_diagnosis_pointer"),
                        "diagnosis_pointer_unfilled");
    /* a line with a procedure and no pointer; line 2 has neither */
    cross_check(reasons, "200.00", "");
    assert_string_equal(reason_of(reasons, "line1_diagnosis_pointer"),
                        "diagnosis_pointer_missing");
    assert_null(reason_of(reasons, "line2_diagnosis_pointer"));
    free(reasons);
}

/* The patient's ZIP code begins like the state's ZIP codes (482: Michigan,
 * not Ohio): both fields are flagged when it does not. */
static void
test_zip_state_check(void **state)
{
    size_t n = extract_template_field_count(tpl);
    const char **values = calloc(n, sizeof(*values));
    const char **reasons = calloc(n, sizeof(*reasons));
    const char *states[] = {"OH", "MI"};
    cs_error err = CS_ERROR_INIT;

    (void)state;
    assert_non_null(values);
    assert_non_null(reasons);
    for (size_t s = 0; s < 2; s++) {
        for (size_t i = 0; i < n; i++) {
            const char *id = extract_template_field_id(tpl, i);
            values[i] = strcmp(id, "patient_state") == 0 ? states[s]
                        : strcmp(id, "patient_zip") == 0 ? "48233"
                                                         : "";
        }
        assert_int_equal(
            extract_values_cross_check(reasons, tpl, values, &today, &err),
            CS_OK);
        if (s == 0) {
            assert_string_equal(reason_of(reasons, "patient_state"),
                                "zip_not_in_state");
            assert_string_equal(reason_of(reasons, "patient_zip"),
                                "zip_not_in_state");
        } else {
            assert_null(reason_of(reasons, "patient_state"));
            assert_null(reason_of(reasons, "patient_zip"));
        }
        assert_null(reason_of(reasons, "insured_zip"));
    }
    free(reasons);
    free(values);
}

/* A field of a page read from a scan: field id's raw reading. */
static void
set_read(extract_result *res, const char *id, const char *raw)
{
    size_t i = extract__template_field_index(tpl, id);

    assert_true(i < res->nfields);
    (void)snprintf(res->fields[i].raw, sizeof(res->fields[i].raw), "%s", raw);
    res->fields[i].has_ink = 1;
    res->fields[i].confidence = 99.0;
    res->fields[i].min_confidence = 99.0;
}

static const extract_field *
field_of(const extract_result *res, const char *id)
{
    return &res->fields[extract__template_field_index(tpl, id)];
}

/* A page's fields, none read yet. */
static void
page_init(extract_result *res)
{
    memset(res, 0, sizeof(*res));
    res->form = tpl;
    res->reg.method = EXTRACT_REG_RULES;
    res->nfields = extract_template_field_count(tpl);
    res->fields = calloc(res->nfields, sizeof(*res->fields));
    assert_non_null(res->fields);
    for (size_t i = 0; i < res->nfields; i++) {
        res->fields[i].id = extract_template_field_id(tpl, i);
        res->fields[i].kind = tpl->fields[i].kind;
    }
}

/* A state code read from a scan that is no state code, beside a valid ZIP
 * code, is the ZIP's state (62: Illinois), flagged state_from_zip; not
 * where the ZIP's prefix is shared (967: Hawaii and American Samoa), nor
 * a state a person typed (test_zip_state_check). Within "CITY ST ZIP" the
 * same. */
static void
test_state_from_zip(void **state)
{
    extract_result res;

    (void)state;
    page_init(&res);
    set_read(&res, "patient_state", "I I");
    set_read(&res, "patient_zip", "62704");
    set_read(&res, "insured_state", "XX");
    set_read(&res, "insured_zip", "96799");
    set_read(&res, "billing_provider_city_state_zip", "DETROIT M1 48233");
    extract__review(&res, &today);
    assert_string_equal(field_of(&res, "patient_state")->value, "IL");
    assert_true(
        ts_has_reason(field_of(&res, "patient_state"), "state_from_zip"));
    assert_false(ts_has_reason(field_of(&res, "patient_state"), "state_code"));
    assert_string_equal(field_of(&res, "insured_state")->value, "XX");
    assert_true(ts_has_reason(field_of(&res, "insured_state"), "state_code"));
    assert_string_equal(
        field_of(&res, "billing_provider_city_state_zip")->value,
        "DETROIT MI 48233");
    assert_true(ts_has_reason(field_of(&res, "billing_provider_city_state_zip"),
                              "state_from_zip"));
    free(res.fields);
}

/* A state code read from a scan one letter from the only state of the
 * valid ZIP code beside it (MI read MT) is that state, flagged
 * state_from_zip; two letters from it (OH), it is left as read and both
 * are flagged zip_not_in_state. Within "CITY ST ZIP" the same. */
static void
test_state_one_letter_from_zip(void **state)
{
    extract_result res;

    (void)state;
    page_init(&res);
    set_read(&res, "patient_state", "MT");
    set_read(&res, "patient_zip", "48233");
    set_read(&res, "insured_state", "OH");
    set_read(&res, "insured_zip", "48233");
    set_read(&res, "payer_city_state_zip", "DETROIT MT 48233");
    set_read(&res, "service_facility_city_state_zip", "TOLEDO OH 48233");
    extract__review(&res, &today);
    assert_string_equal(field_of(&res, "patient_state")->value, "MI");
    assert_true(
        ts_has_reason(field_of(&res, "patient_state"), "state_from_zip"));
    assert_false(
        ts_has_reason(field_of(&res, "patient_state"), "zip_not_in_state"));
    assert_string_equal(field_of(&res, "insured_state")->value, "OH");
    assert_true(
        ts_has_reason(field_of(&res, "insured_state"), "zip_not_in_state"));
    assert_true(
        ts_has_reason(field_of(&res, "insured_zip"), "zip_not_in_state"));
    assert_string_equal(field_of(&res, "payer_city_state_zip")->value,
                        "DETROIT MI 48233");
    assert_true(ts_has_reason(field_of(&res, "payer_city_state_zip"),
                              "state_from_zip"));
    assert_string_equal(
        field_of(&res, "service_facility_city_state_zip")->value,
        "TOLEDO OH 48233");
    assert_true(ts_has_reason(field_of(&res, "service_facility_city_state_zip"),
                              "zip_not_in_state"));
    free(res.fields);
}

static void
set_confidence(extract_result *res, const char *id, double confidence)
{
    extract_field *f = &res->fields[extract__template_field_index(tpl, id)];

    f->confidence = confidence;
    f->min_confidence = confidence;
}

/* Fields that repeat one value (the template's agree checks), read a
 * character or two apart: the better reading stands in both, and both
 * are flagged; the more confident one, the one without blanks inside a
 * word, the ZIP code that lies in its state. Fields that differ more, or
 * whose condition (box 6: self) does not hold, are left as read. */
static void
test_twins_agree(void **state)
{
    extract_result res;

    (void)state;
    page_init(&res);
    set_read(&res, "patient_street", "6641 CENTER LN");
    set_read(&res, "insured_street", "GG41 CENTER LN");
    set_confidence(&res, "insured_street", 90.0);
    set_read(&res, "patient_city", "CLEVELAND");
    set_read(&res, "insured_city", "CLEVE LAND");
    set_confidence(&res, "insured_city", 99.5);
    set_read(&res, "patient_state", "FL");
    set_read(&res, "insured_state", "FL");
    set_read(&res, "patient_zip", "33194");
    set_confidence(&res, "patient_zip", 90.0);
    set_read(&res, "insured_zip", "35194");
    set_read(&res, "billing_provider_street", "12 OAK ST");
    set_read(&res, "service_facility_street", "980 ELM AVE");
    set_read(&res, "patient_relationship", "spouse");
    set_read(&res, "patient_name", "SMITH, JOHN, A");
    set_read(&res, "insured_name", "SMITH, JOAN, A");
    extract__review(&res, &today);
    assert_string_equal(field_of(&res, "insured_street")->value,
                        "6641 CENTER LN");
    assert_true(
        ts_has_reason(field_of(&res, "insured_street"), "twin_disagrees"));
    assert_true(
        ts_has_reason(field_of(&res, "patient_street"), "twin_disagrees"));
    assert_string_equal(field_of(&res, "patient_city")->value, "CLEVELAND");
    assert_string_equal(field_of(&res, "insured_city")->value, "CLEVELAND");
    assert_string_equal(field_of(&res, "insured_zip")->value, "33194");
    assert_string_equal(field_of(&res, "service_facility_street")->value,
                        "980 ELM AVE");
    assert_false(ts_has_reason(field_of(&res, "service_facility_street"),
                               "twin_disagrees"));
    assert_string_equal(field_of(&res, "insured_name")->value,
                        "SMITH, JOAN, A");
    assert_false(
        ts_has_reason(field_of(&res, "insured_name"), "twin_disagrees"));
    free(res.fields);

    /* The insured is the patient: one name, read twice. */
    page_init(&res);
    set_read(&res, "patient_relationship", "self");
    set_read(&res, "patient_name", "SMITH, JOHN, A");
    set_read(&res, "insured_name", "SMITH, JOAN, A");
    set_confidence(&res, "insured_name", 95.0);
    extract__review(&res, &today);
    assert_string_equal(field_of(&res, "insured_name")->value,
                        "SMITH, JOHN, A");
    free(res.fields);
}

/* A line's dates agree only where one fails its rules: a range may
 * differ by a digit. */
static void
test_twins_only_failing(void **state)
{
    extract_result res;

    (void)state;
    page_init(&res);
    set_read(&res, "line1_date_from", "07 01 25");
    set_read(&res, "line1_date_to", "07 08 25");
    set_read(&res, "line2_date_from", "07 10 25");
    set_read(&res, "line2_date_to", "07 10 65");
    set_read(&res, "line3_date_from", "07 61 25");
    set_read(&res, "line3_date_to", "07 21 25");
    set_confidence(&res, "line3_date_to", 80.0);
    extract__review(&res, &today);
    assert_string_equal(field_of(&res, "line1_date_to")->value, "2025-07-08");
    assert_false(
        ts_has_reason(field_of(&res, "line1_date_to"), "twin_disagrees"));
    /* 2065 is in the future: the "from" date stands in both. */
    assert_string_equal(field_of(&res, "line2_date_to")->value, "2025-07-10");
    assert_true(
        ts_has_reason(field_of(&res, "line2_date_to"), "twin_disagrees"));
    /* Day 61 is none, however confident. */
    assert_string_equal(field_of(&res, "line3_date_from")->value, "2025-07-21");
    free(res.fields);
}

/* An NPI that fails its check digit takes a twin's that passes, a digit
 * apart, on a hand-filled page only: on a printed one OCR rarely misreads
 * a digit, and the paper's mistake is left for a person to see. */
static void
test_twins_npi(void **state)
{
    extract_result res;

    (void)state;
    for (int hand = 0; hand <= 1; hand++) {
        const extract_field *line1;
        page_init(&res);
        res.handwritten = hand;
        set_read(&res, "billing_provider_npi", "1234567893");
        set_read(&res, "line1_rendering_npi", "1234567890");
        set_read(&res, "line2_rendering_npi", "2234567891");
        set_confidence(&res, "line2_rendering_npi", 100.0);
        extract__review(&res, &today);
        line1 = field_of(&res, "line1_rendering_npi");
        assert_string_equal(line1->value, hand ? "1234567893" : "1234567890");
        assert_int_equal(ts_has_reason(line1, "twin_disagrees"), hand);
        assert_int_equal(ts_has_reason(line1, "npi_check_digit"), !hand);
        /* Both pass: neither is overruled. */
        assert_string_equal(field_of(&res, "line2_rendering_npi")->value,
                            "2234567891");
        free(res.fields);
    }
}

int
main(void)
{
    static struct CMUnitTest tests[TS_COUNT(value_cases) + 8];
    size_t n = 0;

    TS_ADD_ROWS(tests, n, value_cases, test_value_case, NULL);
    TS_ADD_TEST(tests, n, "unknown_field", test_unknown_field, NULL);
    TS_ADD_TEST(tests, n, "cross_checks", test_cross_checks, NULL);
    TS_ADD_TEST(tests, n, "zip_state_check", test_zip_state_check, NULL);
    TS_ADD_TEST(tests, n, "state_from_zip", test_state_from_zip, NULL);
    TS_ADD_TEST(tests, n, "state_one_letter_from_zip",
                test_state_one_letter_from_zip, NULL);
    TS_ADD_TEST(tests, n, "twins_agree", test_twins_agree, NULL);
    TS_ADD_TEST(tests, n, "twins_npi", test_twins_npi, NULL);
    TS_ADD_TEST(tests, n, "twins_only_failing", test_twins_only_failing, NULL);
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
