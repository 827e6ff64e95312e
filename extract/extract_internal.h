/*
 * extract_internal.h: what the files of the extract stage share. Never
 * included from outside extract/ (tests of the stage's internals excepted).
 */
#ifndef EXTRACT_INTERNAL_H
#define EXTRACT_INTERNAL_H

#include <stddef.h>
#include <time.h>

#include "extract/extract.h"

struct Pix;

/* ---- Templates (template.c) ------------------------------------------ */

#define EXTRACT_ID_MAX 48
#define EXTRACT_MAX_CELLS 4
#define EXTRACT_MAX_OPTIONS 8
#define EXTRACT_MAX_RULES 4
#define EXTRACT_MAX_ANCHORS 48
#define EXTRACT_CHARSET_MAX 96
#define EXTRACT_MAX_PARTS 16
#define EXTRACT_MAX_WORDS 4
#define EXTRACT_MAX_KNOWN 8

/* A rectangle in reference-form pixels. */
typedef struct extract_zone {
    double x, y, w, h;
} extract_zone;

typedef struct extract_option {
    char name[EXTRACT_ID_MAX];
    extract_zone cell;
} extract_option;

typedef struct extract_field_def {
    char id[EXTRACT_ID_MAX];
    extract_kind kind;
    size_t ncells;
    extract_zone cells[EXTRACT_MAX_CELLS]; /* where the text is printed */
    extract_zone zone;                     /* the union of the cells */
    size_t noptions;
    extract_option options[EXTRACT_MAX_OPTIONS]; /* check boxes */
    char charset[EXTRACT_CHARSET_MAX]; /* allowed characters; "" any */
    size_t nrules;
    char rules[EXTRACT_MAX_RULES][24];
    size_t nwords;
    char words[EXTRACT_MAX_WORDS][EXTRACT_ID_MAX]; /* the form's own
                                                     wording the field
                                                     usually holds */
    size_t nknown;
    char known[EXTRACT_MAX_KNOWN][EXTRACT_ID_MAX]; /* values the field
                                                     often holds, among
                                                     others (payers) */
} extract_field_def;

typedef enum {
    EXTRACT_CHECK_SUM = 0,    /* total equals the sum of the parts */
    EXTRACT_CHECK_DATE_ORDER, /* field (from) not after field2 (to) */
    EXTRACT_CHECK_POINTER,    /* letters name filled targets (A = first) */
    EXTRACT_CHECK_REQUIRES,   /* field filled (with one of values, when
                                 values are given) requires field2 filled */
    EXTRACT_CHECK_REQUIRED,   /* parts are filled on every claim */
    EXTRACT_CHECK_ZIP_STATE,  /* ZIP code field2 begins like state field's */
    EXTRACT_CHECK_AGREE       /* field repeats field2 (when check box
                                 parts[0] is marked values[0], if given) */
} extract_check_type;

typedef struct extract_check_def {
    extract_check_type type;
    size_t field;  /* index into fields: total, from, pointer, field */
    size_t field2; /* to, requires */
    size_t nparts;
    size_t parts[EXTRACT_MAX_PARTS]; /* sum parts, pointer targets,
                                        required fields */
    size_t nvalues;
    char values[4][16];
    char reason[32];  /* requires: the reason field2 is flagged with */
    int only_failing; /* agree: only a reading failing its rules gives way */
} extract_check_def;

struct extract_template {
    char name[EXTRACT_ID_MAX];
    int ref_width, ref_height, ref_dpi;
    double grid_x0, grid_y0, pitch_x, pitch_y;
    size_t nhrules, nvrules;
    double hrules[EXTRACT_MAX_ANCHORS]; /* y of full-width rules */
    double vrules[EXTRACT_MAX_ANCHORS]; /* x of long vertical rules */
    int has_qr;
    extract_zone qr;
    size_t nfields;
    extract_field_def *fields;
    size_t nchecks;
    extract_check_def *checks;
    struct Pix *labels;      /* reference ink that is not a long rule, 1 bpp,
                                grown by a few pixels; NULL without image */
    struct Pix *labels_thin; /* the part of labels where that ink is
                                thinner than print (dotted dividers, small
                                type) */
};

/* Index of the field called id, or (size_t)-1. */
size_t extract__template_field_index(const extract_template *tpl,
                                     const char *id);

/* 1 when field def lists the rule called rule. */
int extract__field_has_rule(const extract_field_def *def, const char *rule);

/* ---- Registration helpers (register.c) ------------------------------- */

/* Maps a reference rectangle to the page through xf. */
ocr_rect extract__zone_to_page(const extract_transform *xf, extract_zone z);

/* ---- Reading (read.c) ------------------------------------------------ */

/* Reads every field of res->form from page into res->fields (values raw,
 * not yet normalized), using eng; a reading is judged by the field's rules
 * as of today ("not in the future"). */
cs_status extract__read_fields(extract_result *res, ocr_engine *eng,
                               ocr_page *page, const struct tm *today,
                               cs_error *err);

/* ---- Validation as a reader (lattice.c) ------------------------------ */

#define EXTRACT_LATTICE_MAX 64

/* One character position of a reading: the characters OCR considered,
 * what it read first. */
typedef struct extract_slot {
    size_t n;
    ocr_choice c[OCR_MAX_CHOICES];
} extract_slot;

/* A reading with its alternatives, left to right. */
typedef struct extract_lattice {
    size_t n;
    extract_slot s[EXTRACT_LATTICE_MAX];
} extract_lattice;

/* Appends a position read as sym, with sym's choices. */
void extract__lattice_add_symbol(extract_lattice *l, const ocr_symbol *sym);

/* Appends a position read as ch without alternatives (a blank, a
 * character read by its shape). */
void extract__lattice_add_char(extract_lattice *l, char ch);

/* Gives every position of l read as a character with a look-alike in
 * charset (O and 0, I and 1, S and 5, B and 8 ...) that look-alike as one
 * more choice, when OCR did not consider it, at a fixed cost below what
 * was read. */
void extract__lattice_add_lookalikes(extract_lattice *l, const char *charset);

/* What a printed character looks like (look.c): the share of ink in each
 * cell of a grid over its ink's box, and the box's shape. */
#define EXTRACT_LOOK_GRID 12
typedef struct extract_look {
    float cell[EXTRACT_LOOK_GRID * EXTRACT_LOOK_GRID];
    float aspect; /* log(width / height) */
} extract_look;

/* Fills *out with the look of glyph (1 bpp, ink 1). Returns 0, or -1
 * when glyph is not 1 bpp or holds too little ink. */
int extract__look_of(extract_look *out, const struct Pix *glyph);

/* How unlike a and b look: the mean squared difference of their cells
 * plus the squared difference of their aspects; 0 for the same look. */
double extract__look_distance(const extract_look *a, const extract_look *b);

/* Prose read from print (words.c). Drops from v the specks OCR read as
 * punctuation: an apostrophe not between two letters, and (unless
 * keep_commas: a person's name, LAST, FIRST) a comma with no blank after
 * it; each becomes a blank where it parted two words. */
void extract__drop_specks(char *v, int keep_commas);

/* Mends the words of capitals in v that are no English word but become
 * exactly one by a letter poor print makes look like another (I and T,
 * E and F ...; two letters in a word of 7 or more), by eng's dictionary;
 * with any_letter (a hand, whose letters are misread as any other), by
 * any one letter, in words of MEND_ANY_LETTERS or more, failing that.
 * Returns 1 when a word was mended. */
int extract__mend_words(char *v, ocr_engine *eng, int any_letter);

/* A hand drops letters (NEWAR, LINCLN): a word of capitals in v (size
 * bytes) of five letters or more that is no word, but becomes exactly one
 * by putting one letter in, is that word. Returns 1 when v changed. */
int extract__mend_dropped(char *v, size_t size, ocr_engine *eng);

/* A hand's K reads as I and C (HIGHMARIC, ICIMBERLY): a word of capitals
 * in v of four letters or more that is no word but, with one IC read as
 * K, is exactly one (or, in a word of seven letters or more, one letter
 * from exactly one: SACICSON is JACKSON) is that word. Returns 1 when v changed
 * (it only shrinks). */
int extract__mend_split_k(char *v, ocr_engine *eng);

/* A street's house number (its first word) read with letters that look
 * like digits among its digits (LO776, 2I241, IOL3L) is those digits:
 * a house number is digits. A first word with no digit (PO BOX), or
 * with a letter that looks like none (N874, a grid address), is left.
 * Returns 1 when v changed. */
int extract__mend_house_number(char *v);

/* A person's name (rule person_name) that fails its rule only by its
 * commas, written faintly or lost to a rule: two words (CHEN OLIVIA) are
 * LAST, FIRST; three whose last is one letter (RAMIREZ SHIRLEY L, and
 * FLORES, MELISSA J, which passes as a first name of two words) are
 * LAST, FIRST, M. Other shapes (ST JOHN JOSEPH: where does the last name
 * end?) are left. v (size bytes) changes only to a name that passes;
 * returns 1 when it did. */
int extract__mend_name_commas(char *v, size_t size);

/* Mends the suffix of a street address that poor print turned into no
 * suffix by one look-alike letter (4192 CENTER OR: DR). Returns 1 when
 * it did (extract/words.c). With any_letter (a hand's), a word of three
 * letters or more that no look-alike mends may be mended by any one
 * letter, when that makes exactly one street word (BLYD: BLVD). */
int extract__mend_street(char *v, int any_letter);

/* A hand leaves gaps inside its words that read as blanks (CLE VE LAND,
 * HEAL THCARE): two or three neighbouring pieces of capitals (each two
 * letters or more) that together make a word of the English model's
 * dictionary of JOIN_MIN_LETTERS or more are joined, unless every piece
 * is a word of three letters or more itself (SAN DIEGO, which the
 * dictionary also holds run together). Blanks are folded to one. Returns
 * 1 when v changed. */
int extract__join_words(char *v, ocr_engine *eng);

/* Writes what l read (the first choice of every position) to out. */
void extract__lattice_text(char *out, size_t size, const extract_lattice *l);

/* The word of def's "words" that value (upper case) spells, blanks
 * aside; NULL when none. */
const char *extract__lexicon_word(const extract_field_def *def,
                                  const char *value);

/* The edit distance of a and b (insertions, deletions and substitutions
 * of one character); (size_t)-1 when either is EXTRACT_VALUE_MAX long or
 * longer. */
size_t extract__edit_distance(const char *a, const char *b);

/* 1 when a and b hold the same characters, blanks aside. */
int extract__same_but_blanks(const char *a, const char *b);

/* The word of def's "words", at least LEXICON_NEAR_MIN characters long,
 * that value (upper case) is within a quarter of its length of edits
 * (characters dropped, added or changed; blanks count) from, the
 * nearest; NULL when none. A hand's SIGNATURE ON FILE read SIGATURE ON
 * FILE, or a fax's SIGNATURE ON FTIF. */
#define LEXICON_NEAR_MIN 8
const char *extract__lexicon_near(const extract_field_def *def,
                                  const char *value);

/* A reading raw (size bytes) that is none of def's known values, but a
 * few edits from one (of LEXICON_NEAR_MIN characters or more: a quarter
 * of its length, a single edit under 12 characters), nearer than from
 * any other, becomes that value: a hand's MEDICARE PART 5 or HE DICARE
 * PART B is MEDICARE PART B. Returns 1 when raw changed. */
int extract__mend_known(char *raw, size_t size, const extract_field_def *def);

/* 1 when raw normalizes as def's kind to a non-empty value that passes
 * every rule of def ("not_future" only when today is given), is one of its
 * words when it has some, an NPI
 * beginning with 1 or 2 (as every one issued so far), and, for a diagnosis
 * pointer given the letters of the filled diagnoses (filled not NULL),
 * names only those. */
int extract__reading_valid(const extract_field_def *def, const char *raw,
                           const char *filled, const struct tm *today);

/*
 * Searches, among the readings l allows with at most max_subst positions
 * changed, the one extract__reading_valid() accepts at the least cost (a
 * change costs how much less confident OCR was of it than of what it read).
 * Writes it to out and returns its cost (0: as read); -1 when none passes
 * (out is then ""). today as for extract__reading_valid().
 */
double extract__lattice_search(char *out, size_t size, const extract_lattice *l,
                               const extract_field_def *def, const char *filled,
                               size_t max_subst, const struct tm *today);

/* ---- Review (review.c) ----------------------------------------------- */

/* Adds reason to f (once) and marks it for review. */
void extract__field_flag(extract_field *f, const char *reason);

/* 1 when a registration leaves the page's places in doubt: none found, a
 * page with its printed form (form_ink) aligned only by its QR code, or
 * one whose rules lie far from the template's. */
int extract__registration_doubtful(const extract_registration *reg,
                                   int form_ink);

/* 1 when res was read at doubtful places: a page with its printed form
 * aligned only by its QR code (perspective, folds), bent, or whose
 * characters mostly fall outside every field. */
int extract__registration_poor(const extract_result *res);

/* 1 when the readings of res are not clean print: OCR doubts a character
 * in a large share of the inked text fields (hand-filled, smudged). */
int extract__poor_page(const extract_result *res);

/* Where two fields of res repeat one value (the template's "agree"
 * checks: the insured's address is the patient's, a line's rendering NPI
 * the billing provider's) and were read a little differently, the one
 * read better takes the other's place; both are flagged. Before review:
 * the raw readings are what changes. */
void extract__agree_twins(extract_result *res, const struct tm *today);

/* Normalizes and validates every field, runs the template's checks and
 * sets the review flags. */
void extract__review(extract_result *res, const struct tm *today);

/* ---- Normalization (normalize.c) ------------------------------------ */

/* What extract__normalize did with the raw text. */
typedef enum {
    EXTRACT_NORM_OK = 0,       /* put in the kind's form as read */
    EXTRACT_NORM_REPAIRED = 1, /* a look-alike was replaced (O->0, 1->I...) */
    EXTRACT_NORM_FAILED = 2    /* could not be put in the kind's form */
} extract_norm_status;

/*
 * Normalizes the raw OCR text of one field of the given kind into out, as
 * the spec's "Values" table says (text upper-cased and blank-folded; dates
 * YYYY-MM-DD; money 1234.56; phone 10 digits; ICD with its dot). Blank raw
 * text gives "" and EXTRACT_NORM_OK. On EXTRACT_NORM_FAILED, out holds the
 * raw text upper-cased and blank-folded (kept as read) and *reason_out (if
 * not NULL) names the failure, a constant such as "date_unreadable";
 * otherwise *reason_out is set to NULL. out is always NUL-terminated and
 * truncated to out_size. EXTRACT_KIND_CHECK values pass through as given.
 */
extract_norm_status extract__normalize(char *out, size_t out_size,
                                       extract_kind kind, const char *raw,
                                       const char **reason_out);

/* ---- Single-value rules (rules.c) ----------------------------------- */

/*
 * Checks a normalized, non-empty value against the named rule ("npi",
 * "icd10", "procedure", "modifiers", "diagnosis_pointer", "date",
 * "not_future", "state", "zip", "tax_id", "icd_indicator",
 * "resubmission_code", "place_of_service", "units", "phone", "money"...). today
 * is the date against which "not_future" is judged. Returns NULL when the value
 * passes, else the reason id (a constant string such as "npi_check_digit").
 * Unknown rule names return "unknown_rule"; use extract__rule_known() when
 * loading templates.
 */
const char *extract__rule_check(const char *rule, const char *value,
                                const struct tm *today);

/* The digit an upper-case letter that looks like one stands for (O, D
 * and Q a 0, I and L a 1, Z a 2, S a 5, G a 6, B an 8); 0 when none. */
char extract__digit_lookalike(char c);

/*
 * Where a value fails rule only by look-alike characters its format leaves
 * no doubt about (a procedure code's letter O among the digits after its
 * first character; units' period with no digit after it, dropped), puts
 * the characters they look like in value (a
 * normalized value of at most EXTRACT_VALUE_MAX bytes) and returns 1;
 * else leaves value as it is and returns 0.
 */
int extract__rule_repair(const char *rule, char *value, const struct tm *today);

/* 1 when rule names a rule extract__rule_check knows, else 0. */
int extract__rule_known(const char *rule);

/* True (1) when the 10-character string is a valid NPI (Luhn over 80840 +
 * first 9 digits equals the 10th). */
int extract__npi_valid(const char *npi);

/* Parses a normalized money value ("1234.56") into cents. Returns 0 on
 * success, -1 when value is not of that form. */
int extract__money_cents(const char *value, long long *cents_out);

/* Compares two normalized dates "YYYY-MM-DD": <0, 0, >0 like strcmp;
 * returns 0 as well when either is not a date (callers check first). */
int extract__date_compare(const char *a, const char *b);

/*
 * Checks a diagnosis pointer ("ABD") against the letters of the filled
 * diagnoses (for example "ABC"). Returns NULL when every letter names a
 * filled diagnosis, else "diagnosis_pointer_unfilled".
 */
const char *extract__pointer_check(const char *pointer, const char *filled);

/* 1 when ZIP code zip (5 or more digits) begins with one of the prefixes
 * of state (a USPS code), 0 otherwise. */
int extract__zip_in_state(const char *state, const char *zip);

/* The ZIP code of "CITY ST ZIP" v: the part after its last blank, when two
 * characters (the state) stand between that blank and the one before,
 * after the city; NULL otherwise. The state begins 3 characters before
 * the ZIP code. */
const char *extract__csz_zip(const char *v);

/* The USPS code of the only state whose ZIP codes begin like zip's first
 * three digits; NULL when none does, or several share them (967: Hawaii
 * and American Samoa). */
const char *extract__zip_state(const char *zip);

/*
 * Plain-words description of a reason id, for people ("NPI check digit
 * does not match"). Unknown ids return the id itself.
 */
const char *extract__reason_text(const char *reason);

#endif
