/*
 * test_rules.c: the single-value rules of rules.c and their helpers, one
 * named test per table row.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "extract/extract_internal.h"
#include "support/support.h"

/* "Today" for the not_future rows: 2025-10-20. */
static const struct tm today = {.tm_year = 125, .tm_mon = 9, .tm_mday = 20};

struct rule_case {
    const char *name;
    const char *rule;
    const char *value;
    const char *reason; /* NULL: passes */
};

static const struct rule_case rule_cases[] = {
    /* npi */
    {"npi_valid", "npi", "1234567893", NULL},
    {"npi_valid_2", "npi", "1987654328", NULL},
    {"npi_valid_check_zero", "npi", "2999999990", NULL},
    {"npi_bad_check_digit", "npi", "1234567890", "npi_check_digit"},
    {"npi_swapped_digits", "npi", "1234567839", "npi_check_digit"},
    {"npi_nine_digits", "npi", "123456789", "npi_format"},
    {"npi_eleven_digits", "npi", "12345678930", "npi_format"},
    {"npi_letter", "npi", "12345678O3", "npi_format"},
    {"npi_empty", "npi", "", "npi_format"},

    /* icd10 */
    {"icd10_three", "icd10", "I10", NULL},
    {"icd10_four", "icd10", "E11.9", NULL},
    {"icd10_seven", "icd10", "S93.401A", NULL},
    {"icd10_third_letter", "icd10", "C4A.0", NULL},
    {"icd10_third_b", "icd10", "C7B.00", NULL},
    {"icd10_third_misread_s", "icd10", "R0S.9", "icd10_format"},
    {"icd10_third_misread_o", "icd10", "J4O.909", "icd10_format"},
    {"icd10_no_dot", "icd10", "E119", "icd10_format"},
    {"icd10_dot_nothing", "icd10", "E11.", "icd10_format"},
    {"icd10_too_long", "icd10", "S93.401AB", "icd10_format"},
    {"icd10_first_digit", "icd10", "111.9", "icd10_format"},
    {"icd10_second_letter", "icd10", "EE1.9", "icd10_format"},
    {"icd10_lower", "icd10", "e11.9", "icd10_format"},
    {"icd10_short", "icd10", "E1", "icd10_format"},
    {"icd10_injury_extension", "icd10", "S52.501A", NULL},
    {"icd10_poisoning_placeholders", "icd10", "T78.40XA", NULL},
    {"icd10_burn_by_surface", "icd10", "T31.0", NULL},
    {"icd10_injury_no_extension", "icd10", "S18.9", "icd10_extension"},
    {"icd10_injury_category_only", "icd10", "S06", "icd10_extension"},
    {"icd10_injury_digit_seventh", "icd10", "S52.5011", "icd10_extension"},
    {"icd10_respiratory_j", "icd10", "J18.9", NULL},

    /* procedure */
    {"procedure_cpt", "procedure", "99213", NULL},
    {"procedure_cpt_f", "procedure", "3074F", NULL},
    {"procedure_cpt_t", "procedure", "0042T", NULL},
    {"procedure_hcpcs", "procedure", "J3420", NULL},
    {"procedure_four_digits", "procedure", "9921", "procedure_format"},
    {"procedure_six_digits", "procedure", "992130", "procedure_format"},
    {"procedure_other_suffix", "procedure", "3074X", "procedure_format"},
    {"procedure_two_letters", "procedure", "JJ342", "procedure_format"},

    /* modifiers */
    {"modifiers_one", "modifiers", "25", NULL},
    {"modifiers_two", "modifiers", "25 59", NULL},
    {"modifiers_three", "modifiers", "LT RT 59", NULL},
    {"modifiers_four", "modifiers", "LT RT 59 GA", NULL},
    {"modifiers_five", "modifiers", "LT RT 59 GA 25", "modifier_format"},
    {"modifiers_one_char", "modifiers", "2", "modifier_format"},
    {"modifiers_three_chars", "modifiers", "259", "modifier_format"},
    {"modifiers_double_space", "modifiers", "25  59", "modifier_format"},
    {"modifiers_trailing_space", "modifiers", "25 ", "modifier_format"},
    {"modifiers_comma", "modifiers", "25,59", "modifier_format"},

    /* diagnosis_pointer */
    {"pointer_one", "diagnosis_pointer", "A", NULL},
    {"pointer_four", "diagnosis_pointer", "ABCL", NULL},
    {"pointer_five", "diagnosis_pointer", "ABCDE", "diagnosis_pointer_format"},
    {"pointer_beyond_l", "diagnosis_pointer", "AM", "diagnosis_pointer_format"},
    {"pointer_repeat", "diagnosis_pointer", "ABA", "diagnosis_pointer_format"},
    {"pointer_digit", "diagnosis_pointer", "1", "diagnosis_pointer_format"},
    {"pointer_lower", "diagnosis_pointer", "ab", "diagnosis_pointer_format"},

    /* date */
    {"date_valid", "date", "2025-10-14", NULL},
    {"date_leap_day", "date", "2024-02-29", NULL},
    {"date_leap_day_2000", "date", "2000-02-29", NULL},
    {"date_no_leap_1900", "date", "1900-02-29", "date_invalid"},
    {"date_no_leap_2025", "date", "2025-02-29", "date_invalid"},
    {"date_april_31", "date", "2025-04-31", "date_invalid"},
    {"date_month_13", "date", "2025-13-01", "date_invalid"},
    {"date_day_zero", "date", "2025-01-00", "date_invalid"},
    {"date_year_1899", "date", "1899-12-31", "date_invalid"},
    {"date_year_2100", "date", "2100-12-31", NULL},
    {"date_year_2101", "date", "2101-01-01", "date_invalid"},
    {"date_us_order", "date", "10-14-2025", "date_invalid"},
    {"date_short", "date", "2025-1-14", "date_invalid"},

    /* not_future */
    {"not_future_past", "not_future", "1980-06-30", NULL},
    {"not_future_today", "not_future", "2025-10-20", NULL},
    {"not_future_tomorrow", "not_future", "2025-10-21", "date_in_future"},
    {"not_future_next_year", "not_future", "2026-01-01", "date_in_future"},
    {"not_future_not_a_date", "not_future", "2025-02-30", "date_invalid"},

    /* recent: at most ten years before today */
    {"recent_last_year", "recent", "2024-11-02", NULL},
    {"recent_ten_years_to_the_day", "recent", "2015-10-20", NULL},
    {"recent_a_day_too_old", "recent", "2015-10-19", "date_long_past"},
    {"recent_hand_23_read_03", "recent", "2003-06-07", "date_long_past"},
    {"recent_not_a_date", "recent", "2023-02-30", "date_invalid"},

    /* state */
    {"state_ny", "state", "NY", NULL},
    {"state_dc", "state", "DC", NULL},
    {"state_pr", "state", "PR", NULL},
    {"state_military", "state", "AE", NULL},
    {"state_unknown", "state", "XX", "state_code"},
    {"state_lower", "state", "ny", "state_code"},
    {"state_name", "state", "NEW YORK", "state_code"},

    /* zip */
    {"zip_five", "zip", "10001", NULL},
    {"zip_nine", "zip", "100011234", NULL},
    {"zip_plus_four", "zip", "10001-1234", NULL},
    {"zip_four", "zip", "1000", "zip_format"},
    {"zip_six", "zip", "100012", "zip_format"},
    {"zip_bad_hyphen", "zip", "1000-11234", "zip_format"},

    /* person_name */
    {"name_initial", "person_name", "DOE, JANE, A", NULL},
    {"name_no_initial", "person_name", "SANCHEZ, ANGELA", NULL},
    {"name_two_words", "person_name", "ST JOHN, JOSE, G", NULL},
    {"name_hyphen", "person_name", "SMITH-JONES, DAVID, J", NULL},
    {"name_apostrophe", "person_name", "O'BRIEN, WEI", NULL},
    {"name_suffix", "person_name", "SMITH JR, JOHN, A", NULL},
    {"name_same", "person_name", "SAME", NULL},
    {"name_one_word", "person_name", "SAMUEL", "person_name_format"},
    {"name_digit_initial", "person_name", "ST JOHN, JOSE, 6",
     "person_name_format"},
    {"name_digit", "person_name", "D0E, JANE", "person_name_format"},
    {"name_long_initial", "person_name", "DOE, JANE, AB", "person_name_format"},
    {"name_no_comma", "person_name", "JANE DOE", "person_name_format"},
    {"name_hyphen_blank", "person_name", "SMITH- JONES, DAVID",
     "person_name_format"},
    {"name_trailing_comma", "person_name", "DOE, JANE,", "person_name_format"},
    {"name_empty_first", "person_name", "DOE, ", "person_name_format"},

    /* city */
    {"street_address", "street", "4192 CENTER DR", NULL},
    {"street_po_box", "street", "PO BOX 49256", NULL},
    {"street_unit", "street", "13186 ASPEN LN APT 438", NULL},
    {"street_digits_only", "street", "4192 2", "street_format"},
    {"street_one_letter", "street", "4192 B 7", "street_format"},
    {"city_one_word", "city", "NEWARK", NULL},
    {"city_two_words", "city", "SIOUX FALLS", NULL},
    {"city_hyphen", "city", "WINSTON-SALEM", NULL},
    {"city_apostrophe", "city", "COEUR D'ALENE", NULL},
    {"city_digit", "city", "B0ISE", "city_format"},
    {"city_two_blanks", "city", "SIOUX  FALLS", "city_format"},
    {"city_trailing_blank", "city", "BOISE ", "city_format"},

    /* city_state_zip */
    {"csz_five", "city_state_zip", "DETROIT MI 48233", NULL},
    {"csz_plus_four", "city_state_zip", "SEATTLE WA 98182-8518", NULL},
    {"csz_nine", "city_state_zip", "PROVO UT 846850684", NULL},
    {"csz_two_words", "city_state_zip", "SALT LAKE CITY UT 84101", NULL},
    {"csz_zip_letters", "city_state_zip", "CHEYENNE WY 8LULY",
     "city_state_zip_format"},
    {"csz_bad_state", "city_state_zip", "DETROIT M1 48233",
     "city_state_zip_format"},
    {"csz_no_city", "city_state_zip", "MI 48233", "city_state_zip_format"},
    {"csz_two_blanks", "city_state_zip", "DETROIT  MI 48233",
     "city_state_zip_format"},
    {"csz_no_zip", "city_state_zip", "DETROIT MI", "city_state_zip_format"},
    {"csz_city_digit", "city_state_zip", "DETR0IT MI 48233",
     "city_state_zip_format"},
    {"csz_empty", "city_state_zip", "", "city_state_zip_format"},
    /* the ZIP begins like the state's: 482 is Michigan's, 846 Utah's */
    {"csz_zip_other_state", "city_state_zip", "DETROIT OH 48233",
     "zip_not_in_state"},
    {"csz_state_misread", "city_state_zip", "PROVO IT 84685",
     "city_state_zip_format"},
    {"csz_zip_misread", "city_state_zip", "PROVO UT 54685", "zip_not_in_state"},
    {"csz_shared_prefix", "city_state_zip", "PAGO PAGO AS 96799", NULL},
    {"csz_shared_prefix_hi", "city_state_zip", "HILO HI 96720", NULL},
    {"csz_military", "city_state_zip", "APO AE 09012", NULL},
    {"csz_low_prefix", "city_state_zip", "HOLTSVILLE NY 00501", NULL},
    {"csz_low_prefix_wrong", "city_state_zip", "HOLTSVILLE NJ 00501",
     "zip_not_in_state"},

    /* tax_id */
    {"tax_id_plain", "tax_id", "123456789", NULL},
    {"tax_id_ein", "tax_id", "12-3456789", NULL},
    {"tax_id_ssn", "tax_id", "123-45-6789", NULL},
    {"tax_id_eight", "tax_id", "12345678", "tax_id_format"},
    {"tax_id_bad_hyphen", "tax_id", "1234-56789", "tax_id_format"},
    {"tax_id_letter", "tax_id", "12-345678X", "tax_id_format"},

    /* icd_indicator */
    {"icd_indicator_icd10", "icd_indicator", "0", NULL},
    {"icd_indicator_icd9", "icd_indicator", "9", "icd9_retired"},
    {"icd_indicator_other", "icd_indicator", "1", "icd_indicator"},

    /* resubmission_code */
    {"resubmission_1", "resubmission_code", "1", NULL},
    {"resubmission_7", "resubmission_code", "7", NULL},
    {"resubmission_8", "resubmission_code", "8", NULL},
    {"resubmission_2", "resubmission_code", "2", "resubmission_code"},
    {"resubmission_78", "resubmission_code", "78", "resubmission_code"},

    /* place_of_service */
    {"pos_office", "place_of_service", "11", NULL},
    {"pos_one_digit", "place_of_service", "1", "place_of_service_format"},
    {"pos_letter", "place_of_service", "1A", "place_of_service_format"},

    /* units */
    {"units_one", "units", "1", NULL},
    {"units_four_digits", "units", "1000", NULL},
    {"units_decimal", "units", "1.5", NULL},
    {"units_zero_point_five", "units", "0.5", NULL},
    {"units_zero", "units", "0", "units_format"},
    {"units_zero_decimal", "units", "0.0", "units_format"},
    {"units_five_digits", "units", "10000", "units_format"},
    {"units_two_decimals", "units", "1.50", "units_format"},
    {"units_trailing_dot", "units", "1.", "units_format"},
    {"units_letter", "units", "1A", "units_format"},

    /* phone */
    {"phone_valid", "phone", "5551234567", NULL},
    {"phone_area_zero", "phone", "0551234567", "phone_format"},
    {"phone_area_one", "phone", "1551234567", "phone_format"},
    {"phone_nine", "phone", "555123456", "phone_format"},

    /* money */
    {"money_valid", "money", "1234.56", NULL},
    {"money_zero", "money", "0.00", NULL},
    {"money_no_cents", "money", "1234", "money_format"},
    {"money_one_cent_digit", "money", "12.5", "money_format"},
    {"money_no_dollars", "money", ".50", "money_format"},
    {"money_sign", "money", "$12.50", "money_format"},
    {"money_too_long", "money", "1234567890123.00", "money_format"},

    /* date_qualifier, provider_qualifier */
    {"date_qualifier_onset", "date_qualifier", "431", NULL},
    {"date_qualifier_lmp", "date_qualifier", "484", NULL},
    {"date_qualifier_other", "date_qualifier", "454", "date_qualifier"},
    {"provider_qualifier_dn", "provider_qualifier", "DN", NULL},
    {"provider_qualifier_dq", "provider_qualifier", "DQ", NULL},
    {"provider_qualifier_other", "provider_qualifier", "DX",
     "provider_qualifier"},

    /* unknown */
    {"rule_unknown", "no_such_rule", "1", "unknown_rule"},
    {"rule_null", NULL, "1", "unknown_rule"},
};

static void
test_rule_case(void **state)
{
    const struct rule_case *c = *state;
    const char *reason = extract__rule_check(c->rule, c->value, &today);

    if (c->reason == NULL)
        assert_null(reason);
    else
        assert_string_equal(reason, c->reason);
}

struct npi_case {
    const char *name;
    const char *npi;
    int valid;
};

static const struct npi_case npi_cases[] = {
    {"npi_valid_1234567893", "1234567893", 1},
    {"npi_valid_1000000004", "1000000004", 1},
    {"npi_valid_1111111112", "1111111112", 1},
    {"npi_valid_1573267899", "1573267899", 1},
    {"npi_invalid_1111111111", "1111111111", 0},
    {"npi_invalid_1000000005", "1000000005", 0},
    {"npi_invalid_short", "123456789", 0},
    {"npi_invalid_null", NULL, 0},
};

static void
test_npi_case(void **state)
{
    const struct npi_case *c = *state;

    assert_int_equal(extract__npi_valid(c->npi), c->valid);
}

struct cents_case {
    const char *name;
    const char *value;
    int rc;
    long long cents;
};

static const struct cents_case cents_cases[] = {
    {"cents_plain", "1234.56", 0, 123456},
    {"cents_zero", "0.00", 0, 0},
    {"cents_under_dollar", "0.50", 0, 50},
    {"cents_max", "999999999999.99", 0, 99999999999999LL},
    {"cents_too_many_dollars", "1000000000000.00", -1, 0},
    {"cents_no_dot", "123456", -1, 0},
    {"cents_three_decimals", "1.234", -1, 0},
    {"cents_negative", "-1.00", -1, 0},
    {"cents_empty", "", -1, 0},
    {"cents_null", NULL, -1, 0},
};

static void
test_cents_case(void **state)
{
    const struct cents_case *c = *state;
    long long cents = -7;

    assert_int_equal(extract__money_cents(c->value, &cents), c->rc);
    assert_int_equal(cents, c->rc == 0 ? c->cents : -7);
}

struct compare_case {
    const char *name;
    const char *a;
    const char *b;
    int sign;
};

static const struct compare_case compare_cases[] = {
    {"compare_equal", "2025-10-14", "2025-10-14", 0},
    {"compare_earlier_day", "2025-10-13", "2025-10-14", -1},
    {"compare_later_year", "2026-01-01", "2025-12-31", 1},
    {"compare_earlier_month", "2025-09-30", "2025-10-01", -1},
    {"compare_not_a_date", "2025-13-01", "2025-10-14", 0},
    {"compare_null", NULL, "2025-10-14", 0},
};

static void
test_compare_case(void **state)
{
    const struct compare_case *c = *state;
    int r = extract__date_compare(c->a, c->b);

    assert_int_equal((r > 0) - (r < 0), c->sign);
}

struct pointer_case {
    const char *name;
    const char *pointer;
    const char *filled;
    const char *reason;
};

static const struct pointer_case pointer_cases[] = {
    {"pointer_all_filled", "ABD", "ABCD", NULL},
    {"pointer_one_filled", "C", "ABC", NULL},
    {"pointer_unfilled", "ABD", "ABC", "diagnosis_pointer_unfilled"},
    {"pointer_none_filled", "A", "", "diagnosis_pointer_unfilled"},
    {"pointer_filled_null", "A", NULL, "diagnosis_pointer_unfilled"},
    {"pointer_empty", "", "A", NULL},
};

static void
test_pointer_case(void **state)
{
    const struct pointer_case *c = *state;
    const char *reason = extract__pointer_check(c->pointer, c->filled);

    if (c->reason == NULL)
        assert_null(reason);
    else
        assert_string_equal(reason, c->reason);
}

struct known_case {
    const char *name;
    const char *rule;
    int known;
};

static const struct known_case known_cases[] = {
    {"known_npi", "npi", 1},
    {"known_icd10", "icd10", 1},
    {"known_procedure", "procedure", 1},
    {"known_modifiers", "modifiers", 1},
    {"known_diagnosis_pointer", "diagnosis_pointer", 1},
    {"known_date", "date", 1},
    {"known_not_future", "not_future", 1},
    {"known_recent", "recent", 1},
    {"known_state", "state", 1},
    {"known_zip", "zip", 1},
    {"known_tax_id", "tax_id", 1},
    {"known_icd_indicator", "icd_indicator", 1},
    {"known_resubmission_code", "resubmission_code", 1},
    {"known_place_of_service", "place_of_service", 1},
    {"known_units", "units", 1},
    {"known_phone", "phone", 1},
    {"known_money", "money", 1},
    {"known_date_qualifier", "date_qualifier", 1},
    {"known_provider_qualifier", "provider_qualifier", 1},
    {"unknown_rule_name", "npi_format", 0},
    {"unknown_empty", "", 0},
    {"unknown_null", NULL, 0},
};

static void
test_known_case(void **state)
{
    const struct known_case *c = *state;

    assert_int_equal(extract__rule_known(c->rule), c->known);
}

struct repair_case {
    const char *name;
    const char *rule;
    const char *value;
    const char *want; /* NULL: left as it is */
};

static const struct repair_case repair_cases[] = {
    {"repair_hcpcs_letters_among_digits", "procedure", "GOOO9", "G0009"},
    {"repair_hcpcs_one_letter", "procedure", "GO009", "G0009"},
    {"repair_hcpcs_i_and_s", "procedure", "J1S0I", "J1501"},
    {"repair_passes_as_read", "procedure", "G0009", NULL},
    {"repair_cpt_as_read", "procedure", "99213", NULL},
    {"repair_too_long", "procedure", "GOO009", NULL},
    {"repair_not_a_lookalike", "procedure", "GOXO9", NULL},
    /* A first O is a 0 or an O: left to the reader. */
    {"repair_first_char_kept", "procedure", "O1234", NULL},
    {"repair_other_rule", "npi", "12345678O3", NULL},
    {"repair_units_full_stop", "units", "1.", "1"},
    {"repair_zip_gap", "zip", "96 808", "96808"},
    {"repair_zip_nine_digits", "zip", "314098 690", "314098690"},
    {"repair_zip_too_short", "zip", "96 80", NULL},
    {"repair_csz_gap", "city_state_zip", "HONOLULU HI 96 808",
     "HONOLULU HI 96808"},
    {"repair_csz_plus_four", "city_state_zip", "KANSAS CITY MO 6 4188-3 026",
     "KANSAS CITY MO 64188-3026"},
    {"repair_csz_no_zip", "city_state_zip", "HONOLULU HI 968", NULL},
    {"repair_csz_as_read", "city_state_zip", "HONOLULU HI 96808", NULL},
    {"repair_units_decimal_kept", "units", "1.5", NULL},
    {"repair_units_only_a_stop", "units", ".", NULL},
    {"repair_units_zero_stays_wrong", "units", "0.", NULL},
    {"repair_unknown_rule", "no_such_rule", "GOOO9", NULL},
};

static void
test_repair_case(void **state)
{
    const struct repair_case *c = *state;
    char value[EXTRACT_VALUE_MAX];

    (void)snprintf(value, sizeof(value), "%s", c->value);
    assert_int_equal(extract__rule_repair(c->rule, value, NULL),
                     c->want != NULL);
    assert_string_equal(value, c->want != NULL ? c->want : c->value);
    if (c->want != NULL)
        assert_null(extract__rule_check(c->rule, value, NULL));
}

/* Every reason id the stage produces has words of its own. */
struct reason_case {
    const char *name;
    const char *id;
};

#define REASON(id)                                                             \
    {                                                                          \
        "reason_text_" id, id                                                  \
    }

static const struct reason_case reason_cases[] = {
    REASON("low_confidence"),
    REASON("not_registered"),
    REASON("registration_poor"),
    REASON("ink_unread"),
    REASON("ink_beside"),
    REASON("required_missing"),
    REASON("line_incomplete"),
    REASON("case_mismatch"),
    REASON("word_across_fields"),
    REASON("data_missing"),
    REASON("text_length_mismatch"),
    REASON("check_ambiguous"),
    REASON("total_mismatch"),
    REASON("diagnosis_pointer_unfilled"),
    REASON("diagnosis_pointer_missing"),
    REASON("service_dates_order"),
    REASON("original_ref_missing"),
    REASON("form_unknown"),
    REASON("date_unreadable"),
    REASON("money_unreadable"),
    REASON("phone_unreadable"),
    REASON("icd_unreadable"),
    REASON("repaired"),
    REASON("touches_form_line"),
    REASON("scan_quality"),
    REASON("lookalike"),
    REASON("word_mended"),
    REASON("state_from_zip"),
    REASON("twin_disagrees"),
    REASON("reread"),
    REASON("kind_unknown"),
    REASON("unknown_rule"),
    REASON("npi_format"),
    REASON("npi_check_digit"),
    REASON("icd10_format"),
    REASON("procedure_format"),
    REASON("modifier_format"),
    REASON("diagnosis_pointer_format"),
    REASON("date_invalid"),
    REASON("date_in_future"),
    REASON("state_code"),
    REASON("zip_format"),
    REASON("zip_not_in_state"),
    REASON("tax_id_format"),
    REASON("icd_indicator"),
    REASON("icd9_retired"),
    REASON("resubmission_code"),
    REASON("place_of_service_format"),
    REASON("units_format"),
    REASON("phone_format"),
    REASON("money_format"),
    REASON("date_qualifier"),
    REASON("provider_qualifier"),
};

static void
test_reason_text_case(void **state)
{
    const struct reason_case *c = *state;
    const char *text = extract__reason_text(c->id);

    assert_non_null(text);
    assert_string_not_equal(text, c->id);
    assert_true(strlen(text) > 10);
}

static void
test_reason_text_fixed(void **state)
{
    (void)state;
    assert_string_equal(extract__reason_text("low_confidence"),
                        "OCR was unsure of this reading");
    assert_string_equal(extract__reason_text("service_dates_order"),
                        "service 'from' date is after 'to'");
    assert_string_equal(extract__reason_text("no_such_reason"),
                        "no_such_reason");
    assert_string_equal(extract__reason_text(NULL), "");
}

/* Without a today, not_future checks only that the value is a date. */
static void
test_not_future_without_today(void **state)
{
    (void)state;
    assert_null(extract__rule_check("not_future", "2099-01-01", NULL));
    assert_string_equal(extract__rule_check("not_future", "2025-02-30", NULL),
                        "date_invalid");
}

#define N_TESTS                                                                \
    (TS_COUNT(rule_cases) + TS_COUNT(npi_cases) + TS_COUNT(cents_cases) +      \
     TS_COUNT(compare_cases) + TS_COUNT(pointer_cases) +                       \
     TS_COUNT(known_cases) + TS_COUNT(reason_cases) + TS_COUNT(repair_cases) + \
     2)

/* main()'s tests: one per row of a case table, or one by name. */
#define ADD_ROWS(table, func) TS_ADD_ROWS(tests, n, table, func, NULL)

int
main(void)
{
    static struct CMUnitTest tests[N_TESTS];
    size_t n = 0;

    ADD_ROWS(rule_cases, test_rule_case);
    ADD_ROWS(npi_cases, test_npi_case);
    ADD_ROWS(cents_cases, test_cents_case);
    ADD_ROWS(compare_cases, test_compare_case);
    ADD_ROWS(pointer_cases, test_pointer_case);
    ADD_ROWS(known_cases, test_known_case);
    ADD_ROWS(repair_cases, test_repair_case);
    ADD_ROWS(reason_cases, test_reason_text_case);
    tests[n++] = (struct CMUnitTest){.name = "reason_text_fixed",
                                     .test_func = test_reason_text_fixed};
    tests[n++] =
        (struct CMUnitTest){.name = "not_future_without_today",
                            .test_func = test_not_future_without_today};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
