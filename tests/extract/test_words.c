/*
 * test_words.c: prose tidied after reading (extract/words.c): specks read
 * as punctuation, and words mended by the English model's dictionary
 * (with a Tesseract engine, as the reader has).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "extract/extract_internal.h"
#include "tests/support/support.h"

static ocr_engine *eng;

struct speck_case {
    const char *name;
    const char *read;
    int keep_commas;
    const char *want;
};

static const struct speck_case speck_cases[] = {
    {"apostrophe_between_words", "8522'PINE WAY", 0, "8522 PINE WAY"},
    {"apostrophe_before_blank", "23519 RIVER' DR", 0, "23519 RIVER DR"},
    {"apostrophe_first", "'OAK LN", 0, "OAK LN"},
    {"apostrophe_last", "OAK LN'", 0, "OAK LN"},
    {"apostrophe_in_name", "O'BRIEN", 0, "O'BRIEN"},
    {"apostrophe_possessive", "ST MARY'S CLINIC", 0, "ST MARY'S CLINIC"},
    {"apostrophe_lower_case", "Mary's", 0, "Mary's"},
    {"comma_glued", "NORTH LN,UNIT 338", 0, "NORTH LN UNIT 338"},
    {"comma_after_blank", "MEDICARE PART ,B", 0, "MEDICARE PART B"},
    {"comma_with_blank", "SMITH, JOHN", 0, "SMITH, JOHN"},
    {"comma_last", "SMITH,", 0, "SMITH,"},
    {"comma_in_name_kept", "DOE,JANE", 1, "DOE,JANE"},
    {"apostrophe_in_name_field", "DOE,JANE'", 1, "DOE,JANE"},
    {"nothing", "", 0, ""},
};

static void
test_speck_case(void **state)
{
    const struct speck_case *c = *state;
    char v[EXTRACT_VALUE_MAX];

    (void)snprintf(v, sizeof(v), "%s", c->read);
    extract__drop_specks(v, c->keep_commas);
    assert_string_equal(v, c->want);
}

struct mend_case {
    const char *name;
    const char *read;
    const char *want;
    int mended;
};

/* A mend under test: v (size bytes) mended in place; 1 when it changed. */
typedef int (*mender)(char *v, size_t size);

/* Mends case c's reading with m: it must say whether it mended and give
 * the value wanted. */
static void
check_mend(const struct mend_case *c, mender m)
{
    char v[EXTRACT_VALUE_MAX];

    (void)snprintf(v, sizeof(v), "%s", c->read);
    assert_int_equal(m(v, sizeof(v)), c->mended);
    assert_string_equal(v, c->want);
}

static int
mend_print(char *v, size_t size)
{
    (void)size;
    return extract__mend_words(v, eng, 0);
}

static int
mend_hand(char *v, size_t size)
{
    (void)size;
    return extract__mend_words(v, eng, 1);
}

static int
street_print(char *v, size_t size)
{
    (void)size;
    return extract__mend_street(v, 0);
}

static int
street_hand(char *v, size_t size)
{
    (void)size;
    return extract__mend_street(v, 1);
}

static int
dropped(char *v, size_t size)
{
    return extract__mend_dropped(v, size, eng);
}

static int
house(char *v, size_t size)
{
    (void)size;
    return extract__mend_house_number(v);
}

static int
split_k(char *v, size_t size)
{
    (void)size;
    return extract__mend_split_k(v, eng);
}

static int
join(char *v, size_t size)
{
    (void)size;
    return extract__join_words(v, eng);
}

static const struct mend_case mend_cases[] = {
    /* one look-alike: T for I, Q for O, F for E */
    {"t_for_i", "28110 HTCKORY CIR", "28110 HICKORY CIR", 1},
    {"q_for_o", "BERGSTRQM, MIA, C", "BERGSTROM, MIA, C", 1},
    {"in_city_state_zip", "ST LOUTS MO 63149", "ST LOUIS MO 63149", 1},
    {"before_comma", "LEWTS, CHERYL", "LEWIS, CHERYL", 1},
    /* two in a long word, none mends alone */
    {"two_in_long_word", "MTNNEAPOLTS", "MINNEAPOLIS", 1},
    /* words and what is no word of capitals are left */
    {"words_kept", "28110 HICKORY CIR", "28110 HICKORY CIR", 0},
    {"short_word_kept", "ST LOTS", "ST LOTS", 0},
    {"word_with_digit_kept", "UNIT 3B4T", "UNIT 3B4T", 0},
    {"lower_case_kept", "Htckory", "Htckory", 0},
    /* a name one look-alike from no word: left (ORTIZ) */
    {"name_kept", "ORTIZ FAMILY", "ORTIZ FAMILY", 0},
};

/* A street's suffix that poor print made no suffix by one look-alike
 * letter (extract__mend_street). */
static const struct mend_case street_cases[] = {
    {"suffix_last", "4192 CENTER OR", "4192 CENTER DR", 1},
    {"suffix_before_unit", "13186 ASPEN IN APT 438", "13186 ASPEN LN APT 438",
     1},
    {"unit_before_number", "6075 VALLEY AVE STF 56", "6075 VALLEY AVE STE 56",
     1},
    {"mixed_case_suffix_kept", "18710 Franklin Pl", "18710 Franklin Pl", 0},
    {"suffix_mixed_lookalike", "18710 FRANKLIN Pi", "18710 FRANKLIN PL", 1},
    /* PI: PL (I for L) or PT (I for T): PT is no suffix we know */
    {"suffix_pi", "18710 FRANKLIN PI", "18710 FRANKLIN PL", 1},
    /* suffixes, street names and numbers are left */
    {"suffix_kept", "4192 CENTER DR", "4192 CENTER DR", 0},
    {"po_box_kept", "PO BOX 49256", "PO BOX 49256", 0},
    {"name_word_kept", "12 OR CIR", "12 OR CIR", 0},
    {"after_number_kept", "12 OR", "12 OR", 0},
    {"first_word_kept", "OR", "OR", 0},
    {"long_word_kept", "4192 CENTEF", "4192 CENTEF", 0},
    {"empty", "", "", 0},
};

/* A hand's letters, misread as any other: a word one letter from exactly
 * one word is that word (extract__mend_words with any_letter). */
static const struct mend_case hand_mend_cases[] = {
    {"hand_any_letter", "3816 SYCMMORE RD", "3816 SYCAMORE RD", 1},
    {"hand_any_letter_long", "WASHINOTON CIR", "WASHINGTON CIR", 1},
    /* MARKED, MARKER, MARKET: which one is not known */
    {"hand_two_words_kept", "MARKEX", "MARKEX", 0},
    {"hand_short_kept", "NORW", "NORW", 0},
    {"hand_word_kept", "SYCAMORE", "SYCAMORE", 0},
};

static void
test_hand_mend_case(void **state)
{
    const struct mend_case *c = *state;
    char v[EXTRACT_VALUE_MAX];

    check_mend(c, mend_hand);
    /* print's look-alikes alone do not mend it */
    (void)snprintf(v, sizeof(v), "%s", c->read);
    if (c->mended) {
        assert_int_equal(extract__mend_words(v, eng, 0), 0);
        assert_string_equal(v, c->read);
    }
}

/* A hand's dropped letter (extract__mend_dropped). */
static const struct mend_case dropped_cases[] = {
    {"dropped_last", "NEWAR URGENT CARE", "NEWARK URGENT CARE", 1},
    {"dropped_inside", "BLUE CROSS BLUE SHELD", "BLUE CROSS BLUE SHIELD", 1},
    {"dropped_first", "MORALES, UDITH, E", "MORALES, JUDITH, E", 1},
    {"word_kept", "URGENT CARE", "URGENT CARE", 0},
    {"short_kept", "CAR", "CAR", 0},
};

static void
test_dropped_case(void **state)
{
    check_mend(*state, dropped);
}

/* No room for the letter: left as read. */
static void
test_dropped_no_room(void **state)
{
    char v[] = "NEWAR";

    (void)state;
    assert_int_equal(extract__mend_dropped(v, sizeof(v), eng), 0);
    assert_string_equal(v, "NEWAR");
}

/* A hand's street word, any one letter misread (extract__mend_street
 * with any_letter): mended where exactly one street word is one letter
 * away and it is three letters or more. */
static const struct mend_case hand_street_cases[] = {
    {"hand_suffix", "4820 NORTH BLYD", "4820 NORTH BLVD", 1},
    {"hand_suffix_way", "9462 CHURCH WHY", "9462 CHURCH WAY", 1},
    {"hand_unit", "3273 MADISON BLVD PPT 36", "3273 MADISON BLVD APT 36", 1},
    {"hand_two_letters_kept", "12 CENTER DK", "12 CENTER DK", 0},
    {"hand_suffix_kept", "12 CENTER DR", "12 CENTER DR", 0},
};

static void
test_hand_street_case(void **state)
{
    const struct mend_case *c = *state;
    char v[EXTRACT_VALUE_MAX];

    check_mend(c, street_hand);
    /* print's look-alikes alone leave it */
    (void)snprintf(v, sizeof(v), "%s", c->read);
    if (c->mended)
        assert_int_equal(extract__mend_street(v, 0), 0);
}

/* A house number read with look-alike letters among its digits
 * (extract__mend_house_number). */
static const struct mend_case house_cases[] = {
    {"house_letter_o", "LO776 S MAGNOLIA PL", "10776 S MAGNOLIA PL", 1},
    {"house_several", "IOL3L WASHINGTON CIR", "10131 WASHINGTON CIR", 1},
    {"house_lower_case", "Lo776 S MAGNOLIA PL", "10776 S MAGNOLIA PL", 1},
    {"house_digits_kept", "4070 SW CHESTNUT CT", "4070 SW CHESTNUT CT", 0},
    {"po_box_kept", "PO BOX 123", "PO BOX 123", 0},
    {"grid_address_kept", "N874 ELM AVE", "N874 ELM AVE", 0},
    {"letters_only_kept", "LOIS LANE", "LOIS LANE", 0},
};

static void
test_house_case(void **state)
{
    check_mend(*state, house);
}

/* A person's name that fails its rule only by its commas
 * (extract__mend_name_commas). */
static const struct mend_case comma_cases[] = {
    {"commas_two_words", "CHEN OLIVIA", "CHEN, OLIVIA", 1},
    {"commas_initial", "FLORES, MELISSA J", "FLORES, MELISSA, J", 1},
    {"commas_none_initial", "RAMIREZ SHIRLEY L", "RAMIREZ, SHIRLEY, L", 1},
    {"commas_space_before", "WHITE , RACHEL, W", "WHITE, RACHEL, W", 1},
    {"commas_right_kept", "CHEN, OLIVIA", "CHEN, OLIVIA", 0},
    {"commas_same_kept", "SAME", "SAME", 0},
    {"commas_last_name_of_two", "ST JOHN JOSEPH", "ST JOHN JOSEPH", 0},
    {"commas_letters_only", "CHEN 0LIVIA", "CHEN 0LIVIA", 0},
    {"commas_one_word", "OLIVIA", "OLIVIA", 0},
};

static void
test_comma_case(void **state)
{
    check_mend(*state, extract__mend_name_commas);
}

/* A hand's K read as I and C (extract__mend_split_k). */
static const struct mend_case split_k_cases[] = {
    {"k_in_name", "SCHMIDT, ICIMBERLY, E", "SCHMIDT, KIMBERLY, E", 1},
    {"k_last", "NORFOLIC VA", "NORFOLK VA", 1},
    {"k_and_a_letter", "SACICSON MS", "JACKSON MS", 1},
    /* a name the dictionary lacks, whose IC is no K */
    {"name_kept", "GONZALEZ, NICOLE, N", "GONZALEZ, NICOLE, N", 0},
    {"word_kept", "MEDICAID CLINIC", "MEDICAID CLINIC", 0},
};

static void
test_split_k_case(void **state)
{
    check_mend(*state, split_k);
}

/* A hand's gaps inside words, read as blanks (extract__join_words). */
static const struct mend_case join_cases[] = {
    {"two_pieces", "MOLINA HEAL THCARE", "MOLINA HEALTHCARE", 1},
    {"three_pieces", "CLE VE LAND OH 44123", "CLEVELAND OH 44123", 1},
    {"one_piece_no_word", "MANCHES TER", "MANCHESTER", 1},
    /* two words of their own, though the dictionary has them together */
    {"two_words_kept", "SAN DIEGO CA 92136", "SAN DIEGO CA 92136", 0},
    /* an initial stays apart; digits are no word */
    {"initial_kept", "JOHN A SMITH", "JOHN A SMITH", 0},
    {"number_kept", "1666 NE CHERRY RD", "1666 NE CHERRY RD", 0},
    {"no_word_together", "BEN NEN, CHERYL", "BEN NEN, CHERYL", 0},
    {"empty", "", "", 0},
};

static void
test_join_case(void **state)
{
    check_mend(*state, join);
}

static void
test_street_case(void **state)
{
    check_mend(*state, street_print);
}

static void
test_mend_case(void **state)
{
    check_mend(*state, mend_print);
}

/* Without an engine there is no dictionary: nothing is mended. */
static void
test_mend_without_engine(void **state)
{
    char v[] = "28110 HTCKORY CIR";

    (void)state;
    assert_int_equal(extract__mend_words(v, NULL, 1), 0);
    assert_string_equal(v, "28110 HTCKORY CIR");
}

static int
group_setup(void **state)
{
    cs_error err = CS_ERROR_INIT;

    (void)state;
    return ocr_engine_new(&eng, NULL, &err) == CS_OK ? 0 : -1;
}

static int
group_teardown(void **state)
{
    (void)state;
    ocr_engine_free(eng);
    return 0;
}

int
main(void)
{
    static struct CMUnitTest
        tests[TS_COUNT(speck_cases) + TS_COUNT(mend_cases) +
              TS_COUNT(street_cases) + TS_COUNT(join_cases) +
              TS_COUNT(hand_mend_cases) + TS_COUNT(dropped_cases) +
              TS_COUNT(split_k_cases) + TS_COUNT(hand_street_cases) +
              TS_COUNT(house_cases) + TS_COUNT(comma_cases) + 2];
    size_t n = 0;

    TS_ADD_ROWS(tests, n, speck_cases, test_speck_case, NULL);
    TS_ADD_ROWS(tests, n, mend_cases, test_mend_case, NULL);
    TS_ADD_ROWS(tests, n, street_cases, test_street_case, NULL);
    TS_ADD_ROWS(tests, n, join_cases, test_join_case, NULL);
    TS_ADD_ROWS(tests, n, hand_mend_cases, test_hand_mend_case, NULL);
    TS_ADD_ROWS(tests, n, dropped_cases, test_dropped_case, NULL);
    TS_ADD_ROWS(tests, n, split_k_cases, test_split_k_case, NULL);
    TS_ADD_ROWS(tests, n, hand_street_cases, test_hand_street_case, NULL);
    TS_ADD_ROWS(tests, n, house_cases, test_house_case, NULL);
    TS_ADD_ROWS(tests, n, comma_cases, test_comma_case, NULL);
    TS_ADD_TEST(tests, n, "dropped_no_room", test_dropped_no_room, NULL);
    TS_ADD_TEST(tests, n, "mend_without_engine", test_mend_without_engine,
                NULL);
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
