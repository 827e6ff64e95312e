/*
 * words.c: prose read from print, tidied after reading: specks of noise
 * read as punctuation, and words misread by one or two letters that
 * poor print makes look alike, mended by the English model's dictionary.
 */
#include "extract/extract_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/*
 * Punctuation where print never puts it is a speck of noise OCR read: an
 * apostrophe not between two letters (8522'PINE WAY, RIVER' DR), a comma
 * with no blank after it (NORTH LN,UNIT 338, PART ,B). It becomes a blank
 * where it parts two words, and goes where a blank is beside it (O'BRIEN
 * and ST MARY'S keep theirs). Dev sets: 5 fields better, none worse.
 */
void
extract__drop_specks(char *v, int keep_commas)
{
    size_t o = 0;

    for (size_t i = 0; v[i] != '\0'; i++) {
        char before = o > 0 ? v[o - 1] : ' ', after = v[i + 1];
        int speck =
            (v[i] == '\'' && !(isalpha((unsigned char)before) &&
                               isalpha((unsigned char)after))) ||
            (v[i] == ',' && !keep_commas && after != ' ' && after != '\0');
        if (!speck)
            v[o++] = v[i];
        else if (before != ' ' && after != ' ' && after != '\0')
            v[o++] = ' ';
    }
    v[o] = '\0';
}

/* Letters poor print makes look alike (a fax's dither, a copy's blur): T
 * read I, E read F, C read G, O read Q. */
static const char *const mend_pairs[] = {"IT", "IL", "EF", "EC",
                                         "CG", "OQ", "OD", "UV"};
/* Words shorter than this are left as read; from MEND_TWO_LETTERS on,
 * two look-alikes may be changed where one is not enough. */
#define MEND_MIN_LETTERS 4
#define MEND_TWO_LETTERS 7

/* What a mended word must be: accept(word, ctx) is 1. */
typedef int (*mend_accept)(const char *word, void *ctx);

/* A word of the English model's dictionary (ctx: the engine). */
static int
dictionary_word(const char *word, void *ctx)
{
    return ocr_engine_is_word(ctx, word);
}

/* Counts (up to 2) the words accept takes that changing depth of word's
 * letters from its from-th on, each for its look-alike (mend_pairs),
 * makes; the first is copied to found. */
static int
mend_search(char *word, size_t from, int depth, char *found, int count,
            mend_accept accept, void *ctx)
{
    for (size_t i = from; word[i] != '\0' && count < 2; i++)
        for (size_t k = 0;
             k < sizeof(mend_pairs) / sizeof(mend_pairs[0]) && count < 2; k++) {
            const char *p = strchr(mend_pairs[k], word[i]);
            char keep = word[i];
            if (p == NULL)
                continue;
            word[i] = p == mend_pairs[k] ? mend_pairs[k][1] : mend_pairs[k][0];
            if (depth > 1)
                count = mend_search(word, i + 1, depth - 1, found, count,
                                    accept, ctx);
            else if (accept(word, ctx) && count++ == 0)
                strcpy(found, word);
            word[i] = keep;
        }
    return count;
}

/* Words at least this long may be mended by any one letter (a hand's). */
#define MEND_ANY_LETTERS 5

/* Counts (up to 2) the words accept takes that changing one letter of
 * word (any capital for any other) makes; the first is copied to found. */
static int
any_search(char *word, char *found, mend_accept accept, void *ctx)
{
    int count = 0;

    for (size_t i = 0; word[i] != '\0' && count < 2; i++) {
        char keep = word[i];
        for (char c = 'A'; c <= 'Z' && count < 2; c++) {
            if (c == keep)
                continue;
            word[i] = c;
            if (accept(word, ctx) && count++ == 0)
                strcpy(found, word);
        }
        word[i] = keep;
    }
    return count;
}

/* any_search by the dictionary of eng. */
static int
mend_any(char *word, char *found, ocr_engine *eng)
{
    return any_search(word, found, dictionary_word, eng);
}

/* What mend_each_word asks of each word that is no word: how many words
 * (up to 2) it could be, the first copied to found. word (n letters, a
 * copy) may be changed while searching but is given back as it came. */
typedef int (*word_find)(char *word, size_t n, char *found, ocr_engine *eng,
                         int any_letter);

/* The words one look-alike letter from word, or, for a long word with
 * none, two; with any_letter, failing those, one letter (any) away. */
static int
find_lookalike(char *word, size_t n, char *found, ocr_engine *eng,
               int any_letter)
{
    int count = mend_search(word, 0, 1, found, 0, dictionary_word, eng);

    if (count == 0 && n >= MEND_TWO_LETTERS)
        count = mend_search(word, 0, 2, found, 0, dictionary_word, eng);
    if (count == 0 && any_letter && n >= MEND_ANY_LETTERS)
        count = mend_any(word, found, eng);
    return count;
}

/* 1 when c may stand beside a word: a blank or punctuation, or the end. */
static int
word_edge(char c)
{
    return c == '\0' || strchr(" ,-'.", c) != NULL;
}

/*
 * A word of capitals that is no English word (ocr_engine_is_word, the
 * model's dictionary) but becomes exactly one by changing one letter for
 * its look-alike in poor print (mend_pairs) is that word: HTCKORY is
 * HICKORY, CENIER CENTER; a word of MEND_TWO_LETTERS or more that one
 * letter does not mend, by two (MTNNEAPOLTS is MINNEAPOLIS). A name the
 * dictionary lacks can be broken so (TRESSA would become IRESSA): of
 * 4,700 words of American names, cities and streets (faker's lists), 24
 * would be, none by two letters; hence the flag the caller sets. On the
 * dev sets, 47 fields better (fax 15, black-and-white and multipage 23,
 * photo 4, hand-filled 5), none worse.
 */
/* Each word of capitals in v (size bytes) of min_letters or more,
 * standing alone (word_edge), that is no word of eng's dictionary but
 * that find makes exactly one, becomes that one (when v has room for
 * it). Returns 1 when v changed. */
static int
mend_each_word(char *v, size_t size, size_t min_letters, word_find find,
               ocr_engine *eng, int any_letter)
{
    int mended = 0;
    size_t i = 0;

    while (v[i] != '\0') {
        size_t n = 0, len = strlen(v), fn;
        char word[EXTRACT_VALUE_MAX], found[EXTRACT_VALUE_MAX];
        while (v[i + n] >= 'A' && v[i + n] <= 'Z')
            n++;
        if (n >= min_letters && n + 1 < sizeof(word) &&
            (i == 0 || word_edge(v[i - 1])) && word_edge(v[i + n])) {
            memcpy(word, v + i, n);
            word[n] = '\0';
            if (!ocr_engine_is_word(eng, word) &&
                find(word, n, found, eng, any_letter) == 1 &&
                len - n + (fn = strlen(found)) < size) {
                memmove(v + i + fn, v + i + n, len - (i + n) + 1);
                memcpy(v + i, found, fn);
                mended = 1;
                n = fn;
            }
        }
        i += n > 0 ? n : 1;
    }
    return mended;
}

int
extract__mend_words(char *v, ocr_engine *eng, int any_letter)
{
    return mend_each_word(v, strlen(v) + 1, MEND_MIN_LETTERS, find_lookalike,
                          eng, any_letter);
}

/* The street suffixes and unit designators of most US addresses (USPS
 * Publication 28's abbreviations, the common ones): what ends a street's
 * name, and what may follow it. */
static const char *const street_words[] = {
    "ST",   "AVE",  "DR",  "LN",   "RD",   "BLVD", "CT",   "PL",  "WAY", "CIR",
    "TER",  "PKWY", "HWY", "TRL",  "SQ",   "LOOP", "PIKE", "ROW", "RUN", "PATH",
    "XING", "APT",  "STE", "UNIT", "BLDG", "FL",   "RM",   "BOX"};

static int
street_word(const char *w, size_t n)
{
    for (size_t i = 0; i < sizeof(street_words) / sizeof(street_words[0]); i++)
        if (strlen(street_words[i]) == n && strncmp(street_words[i], w, n) == 0)
            return 1;
    return 0;
}

/* A street word (mend_accept; ctx unused). */
static int
street_word_accept(const char *word, void *ctx)
{
    (void)ctx;
    return street_word(word, strlen(word));
}

/*
 * In a street address, a short word after the street's name that is no
 * suffix or unit designator (street_words) but becomes exactly one by
 * changing one letter for its look-alike in poor print (mend_pairs) is
 * that word: 4192 CENTER OR is 4192 CENTER DR, ASPEN IN APT 438 ASPEN LN
 * APT 438, STF 56 STE 56. Only a word of two to four letters that
 * follows another word (not the address's first, nor one after a number
 * only), and is the last word or stands before a unit designator or a
 * number. Upper-case print read in mixed case (PL read Pi) is taken in
 * capitals; mixed-case print's suffixes (Ln) are left as they are.
 * Returns 1 when a word was mended.
 */
/* A hand's street word (suffix, unit designator) of this many letters or
 * more may be mended by any one letter. */
#define STREET_ANY_LETTERS 3

int
extract__mend_street(char *v, int any_letter)
{
    size_t starts[EXTRACT_VALUE_MAX / 2], lens[EXTRACT_VALUE_MAX / 2], n = 0;
    int mended = 0;

    for (size_t i = 0; v[i] != '\0' && n < EXTRACT_VALUE_MAX / 2;) {
        while (v[i] == ' ')
            i++;
        if (v[i] == '\0')
            break;
        starts[n] = i;
        while (v[i] != '\0' && v[i] != ' ')
            i++;
        lens[n] = i - starts[n];
        n++;
    }
    for (size_t k = 1; k < n; k++) {
        char *w = v + starts[k], up[5], found[5];
        size_t len = lens[k];
        int count;
        int letters = len >= 2 && len <= 4;
        for (size_t i = 0; letters && i < len; i++) {
            letters = isalpha((unsigned char)w[i]) != 0;
            up[i] = (char)toupper((unsigned char)w[i]);
        }
        if (!letters || !isalpha((unsigned char)v[starts[k - 1]]))
            continue;
        if (k + 1 < n && !street_word(v + starts[k + 1], lens[k + 1]) &&
            !isdigit((unsigned char)v[starts[k + 1]]) &&
            v[starts[k + 1]] != '#')
            continue;
        up[len] = '\0';
        if (street_word(up, len))
            continue; /* mixed-case print (Ln) says the same */
        count = mend_search(up, 0, 1, found, 0, street_word_accept, NULL);
        if (count == 0 && any_letter && len >= STREET_ANY_LETTERS)
            count = any_search(up, found, street_word_accept, NULL);
        if (count == 1) {
            memcpy(w, found, len);
            mended = 1;
        }
    }
    return mended;
}

/* Joined words are at least this long; each piece at least JOIN_PIECE
 * letters (an initial stays apart). */
#define JOIN_MIN_LETTERS 6
#define JOIN_PIECE 2
#define JOIN_MAX_PIECES 3

/* 1 when the n letters at w form a word of the dictionary. */
static int
is_word_at(const char *w, size_t n, ocr_engine *eng)
{
    char word[EXTRACT_VALUE_MAX];

    if (n >= sizeof(word))
        return 0;
    memcpy(word, w, n);
    word[n] = '\0';
    return ocr_engine_is_word(eng, word);
}

int
extract__join_words(char *v, ocr_engine *eng)
{
    char out[EXTRACT_VALUE_MAX];
    size_t starts[EXTRACT_VALUE_MAX], lens[EXTRACT_VALUE_MAX], nt = 0, o = 0;
    int joined = 0;

    /* The blank-separated tokens of v. */
    for (size_t i = 0; v[i] != '\0';) {
        size_t n = 0;
        while (v[i] == ' ')
            i++;
        while (v[i + n] != '\0' && v[i + n] != ' ')
            n++;
        if (n > 0) {
            starts[nt] = i;
            lens[nt++] = n;
        }
        i += n;
    }
    for (size_t t = 0; t < nt;) {
        size_t take = 1;
        for (size_t k = JOIN_MAX_PIECES; k >= 2 && take == 1; k--) {
            char word[EXTRACT_VALUE_MAX];
            size_t n = 0;
            int ok = t + k <= nt, all_words = 1;
            for (size_t j = t; ok && j < t + k; j++) {
                ok = lens[j] >= JOIN_PIECE && n + lens[j] < sizeof(word);
                for (size_t c = 0; ok && c < lens[j]; c++)
                    ok = v[starts[j] + c] >= 'A' && v[starts[j] + c] <= 'Z';
                if (ok) {
                    memcpy(word + n, v + starts[j], lens[j]);
                    n += lens[j];
                    all_words &= lens[j] > JOIN_PIECE &&
                                 is_word_at(v + starts[j], lens[j], eng);
                }
            }
            if (!ok || n < JOIN_MIN_LETTERS || all_words)
                continue;
            word[n] = '\0';
            if (ocr_engine_is_word(eng, word))
                take = k;
        }
        if (o > 0)
            out[o++] = ' ';
        for (size_t j = t; j < t + take; j++) {
            memcpy(out + o, v + starts[j], lens[j]);
            o += lens[j];
        }
        joined |= take > 1;
        t += take;
    }
    out[o] = '\0';
    if (joined)
        memcpy(v, out, o + 1);
    return joined;
}

/* Counts (up to 2) the words of the dictionary that putting one capital
 * anywhere in word (of n letters; room for one more) makes; the first is
 * copied to found (a word_find). */
static int
insert_any(char *word, size_t n, char *found, ocr_engine *eng, int any_letter)
{
    char grown[EXTRACT_VALUE_MAX];
    int count = 0;

    (void)any_letter;
    for (size_t i = 0; i <= n && count < 2; i++) {
        memcpy(grown, word, i);
        memcpy(grown + i + 1, word + i, n - i);
        grown[n + 1] = '\0';
        for (char c = 'A'; c <= 'Z' && count < 2; c++) {
            grown[i] = c;
            /* the same word from a doubled letter counts once */
            if (ocr_engine_is_word(eng, grown) &&
                (count == 0 || strcmp(found, grown) != 0) && count++ == 0)
                strcpy(found, grown);
        }
    }
    return count;
}

int
extract__mend_dropped(char *v, size_t size, ocr_engine *eng)
{
    return mend_each_word(v, size, MEND_ANY_LETTERS, insert_any, eng, 1);
}

/* A hand's K, its stem and its two arms apart, reads as I and C. */
#define SPLIT_K "IC"
#define SPLIT_K_MIN_LETTERS 4

/* The words one IC of word read as K makes (a word_find): a word as it
 * stands, else, in a word of MEND_TWO_LETTERS or more (two changes), one
 * letter (any: a hand's) from exactly one word. */
static int
find_split_k(char *word, size_t n, char *found, ocr_engine *eng, int any_letter)
{
    int count = 0;

    (void)any_letter;
    for (int pass = 0; pass < (n >= MEND_TWO_LETTERS ? 2 : 1) && count == 0;
         pass++)
        for (char *at = strstr(word, SPLIT_K); at != NULL;
             at = strstr(at + 1, SPLIT_K)) {
            char k[EXTRACT_VALUE_MAX], one[EXTRACT_VALUE_MAX];
            size_t p = (size_t)(at - word);
            int c;
            memcpy(k, word, p);
            k[p] = 'K';
            memcpy(k + p + 1, at + 2, n - p - 1);
            if (pass == 0)
                c = ocr_engine_is_word(eng, k);
            else if ((c = mend_any(k, one, eng)) == 1)
                memcpy(k, one, strlen(one) + 1);
            if (c == 1 && (count == 0 || strcmp(found, k) != 0) && count++ == 0)
                memcpy(found, k, strlen(k) + 1);
            else if (c > 1)
                count = 2;
        }
    return count;
}

int
extract__mend_split_k(char *v, ocr_engine *eng)
{
    return mend_each_word(v, strlen(v) + 1, SPLIT_K_MIN_LETTERS, find_split_k,
                          eng, 0);
}

int
extract__mend_name_commas(char *v, size_t size)
{
    char words[3][EXTRACT_VALUE_MAX], out[EXTRACT_VALUE_MAX];
    size_t n = 0, len = 0;
    int k, valid = extract__rule_check("person_name", v, NULL) == NULL;

    for (const char *p = v; *p != '\0';) {
        while (*p == ' ' || *p == ',')
            p++;
        if (*p == '\0')
            break;
        if (n == 3)
            return 0;
        len = 0;
        while (*p != '\0' && *p != ' ' && *p != ',' &&
               len + 1 < sizeof(words[0]))
            words[n][len++] = *p++;
        words[n++][len] = '\0';
    }
    /* a name that passes keeps its shape, but for LAST, FIRST M */
    if (valid && !(n == 3 && strlen(words[2]) == 1))
        return 0;
    if (n == 2)
        k = snprintf(out, sizeof(out), "%s, %s", words[0], words[1]);
    else if (n == 3 && strlen(words[2]) == 1)
        k = snprintf(out, sizeof(out), "%s, %s, %s", words[0], words[1],
                     words[2]);
    else
        return 0;
    if (k < 0 || (size_t)k >= size || strcmp(out, v) == 0 ||
        extract__rule_check("person_name", out, NULL) != NULL)
        return 0;
    memcpy(v, out, (size_t)k + 1);
    return 1;
}

int
extract__mend_house_number(char *v)
{
    size_t n = strcspn(v, " ");
    int digits = 0, letters = 0;

    for (size_t i = 0; i < n; i++) {
        if (isdigit((unsigned char)v[i]))
            digits++;
        else if (extract__digit_lookalike((char)toupper((unsigned char)v[i])) !=
                 0)
            letters++;
        else
            return 0;
    }
    if (digits == 0 || letters == 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)v[i]))
            v[i] = extract__digit_lookalike((char)toupper((unsigned char)v[i]));
    return 1;
}
