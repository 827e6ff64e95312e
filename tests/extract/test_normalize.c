/*
 * test_normalize.c: extract__normalize, one named test per table row.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "extract/extract_internal.h"
#include "support/support.h"

#define OK EXTRACT_NORM_OK
#define REP EXTRACT_NORM_REPAIRED
#define FAIL EXTRACT_NORM_FAILED

#define T EXTRACT_KIND_TEXT
#define D8 EXTRACT_KIND_DATE8
#define D6 EXTRACT_KIND_DATE6
#define M EXTRACT_KIND_MONEY
#define P EXTRACT_KIND_PHONE
#define ICD EXTRACT_KIND_ICD
#define CHK EXTRACT_KIND_CHECK

/* Size of the output buffer the test hands over when a row gives none. */
#define OUT_DEFAULT 64

struct norm_case {
    const char *name;
    extract_kind kind;
    extract_norm_status status;
    const char *raw;
    size_t out_size; /* 0: OUT_DEFAULT */
    const char *out;
    const char *reason; /* NULL: none expected */
};

static const struct norm_case cases[] = {
    /* blank input, every kind */
    {"blank_text", T, OK, "", 0, "", NULL},
    {"blank_text_spaces", T, OK, " \t\n ", 0, "", NULL},
    {"blank_text_null", T, OK, NULL, 0, "", NULL},
    {"blank_date8", D8, OK, "   ", 0, "", NULL},
    {"blank_date8_dividers", D8, OK, " | | ", 0, "", NULL},
    {"blank_date6", D6, OK, "", 0, "", NULL},
    {"blank_money", M, OK, "  ", 0, "", NULL},
    {"blank_phone", P, OK, "\t", 0, "", NULL},
    {"blank_icd", ICD, OK, " ", 0, "", NULL},
    {"blank_check", CHK, OK, "  ", 0, "", NULL},

    /* text */
    {"text_upper", T, OK, "doe, jane, a", 0, "DOE, JANE, A", NULL},
    {"text_fold_blanks", T, OK, "  123   Main\tSt\n", 0, "123 MAIN ST", NULL},
    {"text_junk_ends", T, OK, "| DOE, JANE |", 0, "DOE, JANE", NULL},
    {"text_junk_underscores", T, OK, "__ACME HEALTH__", 0, "ACME HEALTH", NULL},
    {"text_junk_em_dash", T, OK, "\xe2\x80\x94 Acme \xe2\x80\x94", 0, "ACME",
     NULL},
    {"text_junk_tilde_quote", T, OK, "~'Smith\" ", 0, "SMITH", NULL},
    {"text_junk_only", T, OK, " | _ ~ ", 0, "", NULL},
    {"text_keep_inner_punct", T, OK, "o'brien-smith #4 a/b & co.", 0,
     "O'BRIEN-SMITH #4 A/B & CO.", NULL},
    {"text_keep_trailing_dot", T, OK, "john smith jr.", 0, "JOHN SMITH JR.",
     NULL},
    {"text_leading_dot_junk", T, OK, ". JOHN", 0, "JOHN", NULL},
    {"text_trailing_comma_junk", T, OK, "DOE, JANE,", 0, "DOE, JANE", NULL},
    {"text_no_break_space", T, OK,
     "a\xc2\xa0\xc2\xa0"
     "b",
     0, "A B", NULL},
    {"text_non_ascii_kept", T, OK, "jos\xc3\xa9", 0, "JOS\xc3\xa9", NULL},
    {"text_digits_not_repaired", T, OK, "APT 1O", 0, "APT 1O", NULL},
    {"text_truncated", T, OK, "medicare part b", 8, "MEDICAR", NULL},
    {"text_truncated_size_1", T, OK, "abc", 1, "", NULL},
    {"text_truncated_whole_char", T, OK, "ab\xc3\xa9", 4, "AB", NULL},

    /* date8 */
    {"date8_spaced", D8, OK, "10 14 2025", 0, "2025-10-14", NULL},
    {"date8_packed", D8, OK, "10142025", 0, "2025-10-14", NULL},
    {"date8_dividers", D8, OK, "10|14|2025", 0, "2025-10-14", NULL},
    {"date8_dividers_spaced", D8, OK, "| 10 | 14 | 2025 |", 0, "2025-10-14",
     NULL},
    {"date8_slashes", D8, OK, "10/14/2025", 0, "2025-10-14", NULL},
    {"date8_letter_o", D8, REP, "10 14 2O25", 0, "2025-10-14", NULL},
    {"date8_lower_l", D8, REP, "l0 14 2025", 0, "2025-10-14", NULL},
    {"date8_letter_s_b_z", D8, REP, "O5 I8 2OZS", 0, "2025-05-18", NULL},
    {"date8_divider_not_one", D8, FAIL, "10|4|2025", 0, "10|4|2025",
     "date_unreadable"},
    {"date8_calendar_not_checked", D8, OK, "13 45 2025", 0, "2025-13-45", NULL},
    {"date8_too_few", D8, FAIL, "10 14 25", 0, "10 14 25", "date_unreadable"},
    {"date8_too_many", D8, FAIL, "10 14 20255", 0, "10 14 20255",
     "date_unreadable"},
    {"date8_other_letter", D8, FAIL, "10 14 2X25", 0, "10 14 2X25",
     "date_unreadable"},
    {"date8_letters_only_group", D8, FAIL, "OCT 14 2025", 0, "OCT 14 2025",
     "date_unreadable"},
    {"date8_lookalike_only_group", D8, FAIL, "IO 14 2025", 0, "IO 14 2025",
     "date_unreadable"},
    {"date8_failed_kept_folded", D8, FAIL, "  ab   cd ", 0, "AB CD",
     "date_unreadable"},
    {"date8_truncated", D8, OK, "10 14 2025", 5, "2025", NULL},

    /* date6 */
    {"date6_spaced", D6, OK, "10 14 25", 0, "2025-10-14", NULL},
    {"date6_packed", D6, OK, "101425", 0, "2025-10-14", NULL},
    {"date6_dividers", D6, OK, "01|02|03", 0, "2003-01-02", NULL},
    {"date6_repaired", D6, REP, "1O 14 2S", 0, "2025-10-14", NULL},
    {"date6_eight_digits", D6, FAIL, "10 14 2025", 0, "10 14 2025",
     "date_unreadable"},
    {"date6_other_letter", D6, FAIL, "10 14 2A", 0, "10 14 2A",
     "date_unreadable"},

    /* money */
    {"money_right_aligned", M, OK, "  125 00", 0, "125.00", NULL},
    {"money_thousands", M, OK, "1234 56", 0, "1234.56", NULL},
    {"money_dot", M, OK, "125.00", 0, "125.00", NULL},
    {"money_dollar_sign", M, OK, "$ 125 00", 0, "125.00", NULL},
    {"money_comma", M, OK, "1,234 56", 0, "1234.56", NULL},
    {"money_divider", M, OK, "125|00", 0, "125.00", NULL},
    {"money_cents_only", M, OK, "0 50", 0, "0.50", NULL},
    {"money_leading_zeros", M, OK, "0012 00", 0, "12.00", NULL},
    {"money_all_zeros", M, OK, "000 00", 0, "0.00", NULL},
    {"money_repaired", M, REP, "l25 O0", 0, "125.00", NULL},
    {"money_too_few_digits", M, FAIL, "50", 0, "50", "money_unreadable"},
    {"money_letter", M, FAIL, "12X 00", 0, "12X 00", "money_unreadable"},
    {"money_word", M, FAIL, "N/A", 0, "N/A", "money_unreadable"},
    {"money_twelve_dollar_digits", M, OK, "999999999999 99", 0,
     "999999999999.99", NULL},
    {"money_thirteen_dollar_digits", M, FAIL, "1000000000000 00", 0,
     "1000000000000 00", "money_unreadable"},
    {"money_other_symbol", M, FAIL, "125*00", 0, "125*00", "money_unreadable"},

    /* phone */
    {"phone_cells", P, OK, "555 1234567", 0, "5551234567", NULL},
    {"phone_punctuated", P, OK, "(555) 123-4567", 0, "5551234567", NULL},
    {"phone_divider", P, OK, "555|1234567", 0, "5551234567", NULL},
    {"phone_repaired", P, REP, "555 I23456B", 0, "5551234568", NULL},
    {"phone_nine_digits", P, FAIL, "555 123456", 0, "555 123456",
     "phone_unreadable"},
    {"phone_eleven_digits", P, FAIL, "1 555 1234567", 0, "1 555 1234567",
     "phone_unreadable"},
    {"phone_letter", P, FAIL, "555 CALLNOW", 0, "555 CALLNOW",
     "phone_unreadable"},

    /* icd */
    {"icd_four", ICD, OK, "E119", 0, "E11.9", NULL},
    {"icd_seven", ICD, OK, "S93401A", 0, "S93.401A", NULL},
    {"icd_three", ICD, OK, "I10", 0, "I10", NULL},
    {"icd_dot_read", ICD, OK, "E11.9", 0, "E11.9", NULL},
    {"icd_spaces_junk", ICD, OK, "| E 11 9 |", 0, "E11.9", NULL},
    {"icd_lower", ICD, OK, "e119", 0, "E11.9", NULL},
    {"icd_first_one_to_i", ICD, REP, "110", 0, "I10", NULL},
    {"icd_first_zero_to_o", ICD, REP, "0800", 0, "O80.0", NULL},
    {"icd_first_five_to_s", ICD, REP, "5934O1A", 0, "S93.4O1A", NULL},
    {"icd_first_eight_to_b", ICD, REP, "8201", 0, "B20.1", NULL},
    {"icd_first_two_to_z", ICD, REP, "2000", 0, "Z00.0", NULL},
    {"icd_second_o_to_zero", ICD, REP, "ZO00", 0, "Z00.0", NULL},
    {"icd_second_l_to_one", ICD, REP, "El19", 0, "E11.9", NULL},
    {"icd_second_g_to_six", ICD, REP, "MG5", 0, "M65", NULL},
    {"icd_rest_left_alone", ICD, OK, "E1I9", 0, "E1I.9", NULL},
    {"icd_first_digit_no_letter", ICD, FAIL, "4119", 0, "4119",
     "icd_unreadable"},
    {"icd_second_letter_no_digit", ICD, FAIL, "EX19", 0, "EX19",
     "icd_unreadable"},
    {"icd_too_short", ICD, FAIL, "E1", 0, "E1", "icd_unreadable"},
    {"icd_too_long", ICD, FAIL, "S93401AA", 0, "S93401AA", "icd_unreadable"},
    {"icd_bad_char", ICD, FAIL, "E11*9", 0, "E11*9", "icd_unreadable"},
    {"icd_truncated", ICD, OK, "S93401A", 5, "S93.", NULL},

    /* check */
    {"check_pass_through", CHK, OK, "medicare", 0, "medicare", NULL},
    {"check_case_kept", CHK, OK, "EIN", 0, "EIN", NULL},
    {"check_truncated", CHK, OK, "medicaid", 4, "med", NULL},
};

static void
test_normalize_case(void **state)
{
    const struct norm_case *c = *state;
    char out[OUT_DEFAULT + 8];
    size_t size = c->out_size != 0 ? c->out_size : OUT_DEFAULT;
    const char *reason = "unset";
    extract_norm_status st;

    memset(out, '#', sizeof(out));
    st = extract__normalize(out, size, c->kind, c->raw, &reason);
    assert_int_equal(st, c->status);
    assert_string_equal(out, c->out);
    if (c->reason == NULL)
        assert_null(reason);
    else
        assert_string_equal(reason, c->reason);
    for (size_t i = size; i < sizeof(out); i++)
        assert_int_equal(out[i], '#');
}

/* A zero-sized output is left alone, and the reason is still given. */
static void
test_normalize_out_size_zero(void **state)
{
    char out[4] = "###";
    const char *reason = NULL;

    (void)state;
    assert_int_equal(
        extract__normalize(out, 0, EXTRACT_KIND_PHONE, "12", &reason),
        EXTRACT_NORM_FAILED);
    assert_string_equal(out, "###");
    assert_string_equal(reason, "phone_unreadable");
    assert_int_equal(extract__normalize(NULL, 0, EXTRACT_KIND_TEXT, "x", NULL),
                     EXTRACT_NORM_OK);
}

int
main(void)
{
    static struct CMUnitTest tests[TS_COUNT(cases) + 1];
    size_t n = 0;

    TS_ADD_ROWS(tests, n, cases, test_normalize_case, NULL);
    TS_ADD_TEST(tests, n, "out_size_zero", test_normalize_out_size_zero, NULL);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
