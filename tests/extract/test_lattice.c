/*
 * test_lattice.c: validation as a reader (extract/lattice.c). Readings
 * with OCR's alternatives per character are written as text, one position
 * per blank-separated item, "read:confidence/alternative:confidence...";
 * "_" is a blank. The search must find the cheapest combination that the
 * field's rules (or words) accept, or none.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "extract/extract_internal.h"
#include "tests/support/support.h"

struct lattice_case {
    const char *name;
    extract_kind kind;
    const char *rule;   /* NULL: none */
    int words;          /* the signature words */
    const char *filled; /* diagnosis letters a pointer may name, or NULL */
    size_t max_subst;
    const char *reading;
    const char *want; /* NULL: nothing passes */
    double cost;
    int today; /* 1: judged as of 2026-01-01, else without a today */
};

static const struct lattice_case cases[] = {
    {"npi_as_read", EXTRACT_KIND_TEXT, "npi", 0, NULL, 3,
     "1 2 3 4 5 6 7 8 9 3:90/8:60", "1234567893", 0.0, 0},
    {"npi_check_digit_read_again", EXTRACT_KIND_TEXT, "npi", 0, NULL, 3,
     "1 2 3 4 5 6 7 8 9 0:90/8:70/3:40", "1234567893", 50.0, 0},
    /* 7234567890 passes the check digit, but no NPI begins with 7. */
    {"npi_never_begins_with_7", EXTRACT_KIND_TEXT, "npi", 0, NULL, 3,
     "1:90/7:80 2 3 4 5 6 7 8 9 0", NULL, 0.0, 0},
    {"npi_no_choice_passes", EXTRACT_KIND_TEXT, "npi", 0, NULL, 3,
     "1 2 3 4 5 6 7 8 9 0:90/1:80", NULL, 0.0, 0},
    {"state_as_read", EXTRACT_KIND_TEXT, "state", 0, NULL, 3, "C:80/G:70 A:90",
     "CA", 0.0, 0},
    {"state_cheapest", EXTRACT_KIND_TEXT, "state", 0, NULL, 3,
     "O:80/G:70/C:60 A:90", "GA", 10.0, 0},
    /* One change at a time only: "ZZ" becomes "NY" in two. */
    {"state_within_max_subst", EXTRACT_KIND_TEXT, "state", 0, NULL, 1,
     "Z:80/N:70 Z:80/Y:70", NULL, 0.0, 0},
    {"state_two_changes", EXTRACT_KIND_TEXT, "state", 0, NULL, 2,
     "Z:80/N:70 Z:80/Y:70", "NY", 20.0, 0},
    {"date_real_day", EXTRACT_KIND_DATE8, "date", 0, NULL, 3,
     "0 2 _ 3:90/2:60 0 _ 1 9 9 0", "02 20 1990", 30.0, 0},
    /* A service date in the future is a misread (a 2 read 6), but only
     * a reader that knows today can tell. */
    {"date_not_future", EXTRACT_KIND_DATE6, "not_future", 0, NULL, 3,
     "0 6 _ 0 7 _ 6:90/2:40 3", "06 07 23", 50.0, 1},
    {"date_future_without_today", EXTRACT_KIND_DATE6, "not_future", 0, NULL, 3,
     "0 6 _ 0 7 _ 6:90/2:40 3", "06 07 63", 0.0, 0},
    /* A date of service more than ten years ago is a misread too (a
     * hand's 2 read 0). */
    {"date_recent", EXTRACT_KIND_DATE6, "recent", 0, NULL, 3,
     "0 6 _ 0 7 _ 0:90/2:40 3", "06 07 23", 50.0, 1},
    {"pointer_names_filled", EXTRACT_KIND_TEXT, "diagnosis_pointer", 0, "ABC",
     3, "E:80/C:40", "C", 40.0, 0},
    {"pointer_without_diagnoses", EXTRACT_KIND_TEXT, "diagnosis_pointer", 0,
     NULL, 3, "E:80/C:40", "E", 0.0, 0},
    {"signature_word", EXTRACT_KIND_TEXT, NULL, 1, NULL, 2,
     "S I C:90/G:50 N A T U R E _ O N _ F I L E", "SIGNATURE ON FILE", 40.0, 0},
    {"signature_short_word", EXTRACT_KIND_TEXT, NULL, 1, NULL, 2,
     "S 0:90/O:80 F", "SOF", 10.0, 0},
    {"signature_a_name", EXTRACT_KIND_TEXT, NULL, 1, NULL, 2,
     "J O:90/A:10 H N _ D O E", NULL, 0.0, 0},
};

/* Builds l from the case's reading text. */
static void
lattice_parse(extract_lattice *l, const char *spec)
{
    char buf[512], *save = NULL;

    assert_true(strlen(spec) < sizeof(buf));
    memcpy(buf, spec, strlen(spec) + 1);
    l->n = 0;
    for (char *item = strtok_r(buf, " ", &save); item != NULL;
         item = strtok_r(NULL, " ", &save)) {
        ocr_symbol sym;
        char *alt_save = NULL;
        memset(&sym, 0, sizeof(sym));
        if (strcmp(item, "_") == 0) {
            extract__lattice_add_char(l, ' ');
            continue;
        }
        for (char *alt = strtok_r(item, "/", &alt_save); alt != NULL;
             alt = strtok_r(NULL, "/", &alt_save)) {
            ocr_choice *c = &sym.choices[sym.nchoices++];
            c->utf8[0] = alt[0];
            c->confidence = alt[1] == ':' ? strtof(alt + 2, NULL) : 95.0f;
        }
        memcpy(sym.utf8, sym.choices[0].utf8, sizeof(sym.utf8));
        sym.confidence = 99.0f;
        extract__lattice_add_symbol(l, &sym);
    }
}

static void
test_lattice_case(void **state)
{
    static const struct tm today = {.tm_year = 126, .tm_mon = 0, .tm_mday = 1};
    const struct lattice_case *c = *state;
    extract_field_def def;
    extract_lattice *l = calloc(1, sizeof(*l));
    char out[EXTRACT_VALUE_MAX];
    double cost;

    assert_non_null(l);
    memset(&def, 0, sizeof(def));
    def.kind = c->kind;
    if (c->rule != NULL) {
        (void)snprintf(def.rules[0], sizeof(def.rules[0]), "%s", c->rule);
        def.nrules = 1;
    }
    if (c->words) {
        (void)snprintf(def.words[0], sizeof(def.words[0]), "SIGNATURE ON FILE");
        (void)snprintf(def.words[1], sizeof(def.words[1]), "SOF");
        def.nwords = 2;
    }
    lattice_parse(l, c->reading);
    cost = extract__lattice_search(out, sizeof(out), l, &def, c->filled,
                                   c->max_subst, c->today ? &today : NULL);
    free(l);
    if (c->want == NULL) {
        assert_true(cost < 0.0);
        assert_string_equal(out, "");
        return;
    }
    assert_string_equal(out, c->want);
    assert_true(cost > c->cost - 0.01 && cost < c->cost + 0.01);
}

/* What was read comes first, the other choices after it, without
 * repeating it; blanks and shapes have no alternatives. */
static void
test_lattice_slots(void **state)
{
    ocr_text *t = calloc(1, sizeof(*t));
    extract_lattice *l = calloc(1, sizeof(*l));
    char text[32];

    (void)state;
    assert_non_null(t);
    assert_non_null(l);
    t->nsymbols = 3;
    t->symbols[0] = (ocr_symbol){.utf8 = "N",
                                 .confidence = 99.0f,
                                 .word_start = 1,
                                 .nchoices = 2,
                                 .choices = {{"M", 80.0f}, {"N", 70.0f}}};
    t->symbols[1] = (ocr_symbol){.utf8 = "Y", .confidence = 99.0f};
    t->symbols[2] = (ocr_symbol){.utf8 = "1",
                                 .confidence = 98.0f,
                                 .word_start = 1,
                                 .nchoices = 1,
                                 .choices = {{"1", 90.0f}}};
    /* A reading "NY 1", as chars_rebuild() lays one out. */
    extract__lattice_add_symbol(l, &t->symbols[0]);
    extract__lattice_add_symbol(l, &t->symbols[1]);
    extract__lattice_add_char(l, ' ');
    extract__lattice_add_symbol(l, &t->symbols[2]);
    extract__lattice_text(text, sizeof(text), l);
    assert_string_equal(text, "NY 1");
    assert_int_equal(l->n, 4);
    assert_int_equal(l->s[0].n, 2);
    assert_string_equal(l->s[0].c[0].utf8, "N");
    assert_true(l->s[0].c[0].confidence == 70.0f);
    assert_string_equal(l->s[0].c[1].utf8, "M");
    assert_int_equal(l->s[1].n, 1); /* no choices: the symbol alone */
    assert_int_equal(l->s[2].n, 1); /* the blank */
    assert_string_equal(l->s[2].c[0].utf8, " ");
    assert_int_equal(l->s[3].n, 1);
    free(t);
    free(l);
}

/* Look-alikes OCR did not consider become choices where the field's
 * characters allow them, at a fixed cost: a procedure code read "GOOO9"
 * passes as G0009, three changes; a digit field gains no letters; a
 * look-alike OCR gave already is not repeated. */
static void
test_lattice_lookalikes(void **state)
{
    static const char code[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -";
    extract_lattice *l = calloc(1, sizeof(*l));
    extract_field_def def;
    char out[EXTRACT_VALUE_MAX];

    (void)state;
    assert_non_null(l);
    memset(&def, 0, sizeof(def));
    def.kind = EXTRACT_KIND_TEXT;
    (void)snprintf(def.rules[0], sizeof(def.rules[0]), "procedure");
    def.nrules = 1;
    lattice_parse(l, "G:95 O:95 O:95 O:95 9:95");
    assert_true(extract__lattice_search(out, sizeof(out), l, &def, NULL, 3,
                                        NULL) < 0.0);
    extract__lattice_add_lookalikes(l, code);
    assert_int_equal(l->s[1].n, 2);
    assert_string_equal(l->s[1].c[1].utf8, "0");
    assert_true(l->s[1].c[1].confidence == 55.0f);
    assert_int_equal(l->s[4].n, 1); /* 9 has no look-alike */
    assert_true(
        fabs(extract__lattice_search(out, sizeof(out), l, &def, NULL, 3, NULL) -
             120.0) < 0.01);
    assert_string_equal(out, "G0009");
    /* Two changes are not enough. */
    assert_true(extract__lattice_search(out, sizeof(out), l, &def, NULL, 2,
                                        NULL) < 0.0);

    lattice_parse(l, "1 2 0:90");
    extract__lattice_add_lookalikes(l, "0123456789 ");
    for (size_t i = 0; i < l->n; i++)
        assert_int_equal(l->s[i].n, 1);

    lattice_parse(l, "O:90/0:80");
    extract__lattice_add_lookalikes(l, code);
    assert_int_equal(l->s[0].n, 2);
    assert_true(l->s[0].c[1].confidence == 80.0f);
    free(l);
}

/* The words match blanks aside and give the form's spelling. */
static void
test_lexicon_word(void **state)
{
    extract_field_def def;

    (void)state;
    memset(&def, 0, sizeof(def));
    (void)snprintf(def.words[0], sizeof(def.words[0]), "SIGNATURE ON FILE");
    def.nwords = 1;
    assert_string_equal(extract__lexicon_word(&def, "SIGN ATURE ONFILE"),
                        "SIGNATURE ON FILE");
    assert_null(extract__lexicon_word(&def, "SIGNATURE ON FIL"));
    assert_null(extract__lexicon_word(&def, ""));
    def.nwords = 0;
    assert_null(extract__lexicon_word(&def, "SIGNATURE ON FILE"));
}

/* A reading a few edits from a long word (a quarter of its length at
 * most: changed, dropped and added characters, blanks too) is that
 * word, the nearest of several; a short word (SOF) only as spelled. */
static void
test_lexicon_near(void **state)
{
    static const struct {
        const char *value, *want;
    } rows[] = {
        {"SIGNATURE ON FILE", "SIGNATURE ON FILE"},
        {"SIGATURE ON FILE", "SIGNATURE ON FILE"},   /* dropped */
        {"SIGNATURE ON FTIF", "SIGNATURE ON FILE"},  /* two changed */
        {"SION ATURE ON FILE", "SIGNATURE ON FILE"}, /* changed, added */
        {"SIQUTURE ON FIL", "SIGNATURE ON FILE"},    /* four edits */
        {"SIQUTURE 0N FIL", NULL},                   /* five */
        {"CARLOS SMITH MD", NULL},
        {"SIGNED ON FILE", NULL},
        {"SOR", NULL}, /* SOF is too short to guess */
        {"", NULL},
    };
    extract_field_def def;

    (void)state;
    memset(&def, 0, sizeof(def));
    (void)snprintf(def.words[0], sizeof(def.words[0]), "SIGNATURE ON FILE");
    (void)snprintf(def.words[1], sizeof(def.words[1]), "SOF");
    def.nwords = 2;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        const char *got = extract__lexicon_near(&def, rows[i].value);
        if (rows[i].want == NULL)
            assert_null(got);
        else
            assert_string_equal(got, rows[i].want);
    }
}

/* A reading a few edits from one of a field's known values, nearer than
 * from any other, is that value: a quarter of a long value's length, one
 * edit from a short one (MEDICA, a payer of its own, stays); a tie, or
 * a value too far, is left as read. */
static void
test_mend_known(void **state)
{
    static const struct {
        const char *value, *want;
    } rows[] = {
        {"MEDICARE PART B", "MEDICARE PART B"},
        {"MEDICARE PART 5", "MEDICARE PART B"},
        {"HE DICARE PART 5", "MEDICARE PART B"}, /* three edits of 15 */
        {"MEDICARE PARTS", "MEDICARE PART B"},
        {"HE DICARE PAR 5", "HE DICARE PAR 5"}, /* four */
        {"MEDICAIO", "MEDICAID"},
        {"MEDICA", "MEDICA"},
        {"MEDICARD", "MEDICARD"}, /* one from both */
        {"AETNA", "AETNA"},
        {"", ""},
    };
    extract_field_def def;

    (void)state;
    memset(&def, 0, sizeof(def));
    (void)snprintf(def.known[0], sizeof(def.known[0]), "MEDICARE PART B");
    (void)snprintf(def.known[1], sizeof(def.known[1]), "MEDICARE");
    (void)snprintf(def.known[2], sizeof(def.known[2]), "MEDICAID");
    def.nknown = 3;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        char raw[EXTRACT_VALUE_MAX];
        int changed;
        (void)snprintf(raw, sizeof(raw), "%s", rows[i].value);
        changed = extract__mend_known(raw, sizeof(raw), &def);
        assert_string_equal(raw, rows[i].want);
        assert_int_equal(changed, strcmp(rows[i].value, rows[i].want) != 0);
    }
}

int
main(void)
{
    static struct CMUnitTest tests[TS_COUNT(cases) + 5];
    size_t n = 0;

    TS_ADD_ROWS(tests, n, cases, test_lattice_case, NULL);
    TS_ADD_TEST(tests, n, "lattice_slots", test_lattice_slots, NULL);
    TS_ADD_TEST(tests, n, "lexicon_word", test_lexicon_word, NULL);
    TS_ADD_TEST(tests, n, "lexicon_near", test_lexicon_near, NULL);
    TS_ADD_TEST(tests, n, "mend_known", test_mend_known, NULL);
    TS_ADD_TEST(tests, n, "lattice_lookalikes", test_lattice_lookalikes, NULL);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
