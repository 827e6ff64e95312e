/*
 * lattice.c: validation as a reader. A field's reading is kept with, per
 * character, the characters OCR considered there (Tesseract's symbol
 * choices); when what was read fails the field's rules, the cheapest
 * combination of those choices that normalizes and passes them is searched
 * for. A rule with a check digit (NPI), a calendar, a closed list (USPS
 * state codes) or a format (ICD-10, CPT) then picks among characters OCR
 * hesitated over.
 */
#include "extract/extract_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Choices at most this much less confident than what was read (0..100)
 * are tried, and at most this many per reading: a check digit passes by
 * chance one time in ten, so a search allowed everything would always
 * "find" a value. */
#define LATTICE_MAX_COST 95.0
/* What putting a character's look-alike in its place costs, in points of
 * confidence, when OCR did not consider it: a change it takes when the
 * field's format needs it and nothing cheaper passes. */
#define LOOKALIKE_COST 40.0f
#define LATTICE_MAX_TRIES 4000

/* The confidence of ch among slot's choices; -1 when absent. */
static float
choice_conf(const ocr_symbol *sym, const char *ch)
{
    for (size_t k = 0; k < sym->nchoices; k++)
        if (strcmp(sym->choices[k].utf8, ch) == 0)
            return sym->choices[k].confidence;
    return -1.0f;
}

void
extract__lattice_add_symbol(extract_lattice *l, const ocr_symbol *sym)
{
    extract_slot *s;
    float own;

    if (l->n >= EXTRACT_LATTICE_MAX)
        return;
    s = &l->s[l->n++];
    memset(s, 0, sizeof(*s));
    /* What was read comes first, with its confidence among the choices
     * (the symbol's own is on another scale), else the best choice's. */
    own = choice_conf(sym, sym->utf8);
    if (own < 0.0f)
        own = sym->nchoices > 0 ? sym->choices[0].confidence : sym->confidence;
    (void)snprintf(s->c[0].utf8, sizeof(s->c[0].utf8), "%s", sym->utf8);
    s->c[0].confidence = own;
    s->n = 1;
    for (size_t k = 0; k < sym->nchoices && s->n < OCR_MAX_CHOICES; k++)
        if (strcmp(sym->choices[k].utf8, sym->utf8) != 0)
            s->c[s->n++] = sym->choices[k];
}

void
extract__lattice_add_char(extract_lattice *l, char ch)
{
    extract_slot *s;

    if (l->n >= EXTRACT_LATTICE_MAX)
        return;
    s = &l->s[l->n++];
    memset(s, 0, sizeof(*s));
    s->c[0].utf8[0] = ch;
    s->c[0].confidence = 100.0f;
    s->n = 1;
}

/* Characters print and scans confuse, in pairs. */
static const char *const lookalike_pairs[] = {"O0", "D0", "Q0", "I1", "L1",
                                              "S5", "B8", "Z2", "G6"};

void
extract__lattice_add_lookalikes(extract_lattice *l, const char *charset)
{
    for (size_t i = 0; i < l->n; i++) {
        extract_slot *s = &l->s[i];
        char read = s->c[0].utf8[0];
        if (read == '\0' || s->c[0].utf8[1] != '\0')
            continue;
        for (size_t p = 0;
             p < sizeof(lookalike_pairs) / sizeof(*lookalike_pairs); p++) {
            const char *pair = lookalike_pairs[p];
            char other = read == pair[0]   ? pair[1]
                         : read == pair[1] ? pair[0]
                                           : '\0';
            float conf = s->c[0].confidence - LOOKALIKE_COST;
            size_t k;
            if (other == '\0' || strchr(charset, other) == NULL)
                continue;
            for (k = 1; k < s->n; k++)
                if (s->c[k].utf8[0] == other && s->c[k].utf8[1] == '\0')
                    break;
            if (k < s->n)
                continue; /* OCR considered it already */
            if (s->n < OCR_MAX_CHOICES)
                k = s->n++;
            else if (s->c[s->n - 1].confidence < conf)
                k = s->n - 1;
            else
                continue;
            memset(&s->c[k], 0, sizeof(s->c[k]));
            s->c[k].utf8[0] = other;
            s->c[k].confidence = conf < 0.0f ? 0.0f : conf;
        }
    }
}

/* Writes the text of l with slot i's choice pick[i] (NULL: the first of
 * every slot). */
static void
lattice_write(char *out, size_t size, const extract_lattice *l,
              const size_t *pick)
{
    size_t len = 0;

    for (size_t i = 0; i < l->n; i++) {
        const char *ch = l->s[i].c[pick != NULL ? pick[i] : 0].utf8;
        size_t add = strlen(ch);
        if (len + add + 1 > size)
            break;
        memcpy(out + len, ch, add);
        len += add;
    }
    if (size > 0)
        out[len] = '\0';
}

void
extract__lattice_text(char *out, size_t size, const extract_lattice *l)
{
    lattice_write(out, size, l, NULL);
}

int
extract__same_but_blanks(const char *a, const char *b)
{
    for (;;) {
        while (*a == ' ')
            a++;
        while (*b == ' ')
            b++;
        if (*a != *b)
            return 0;
        if (*a == '\0')
            return 1;
        a++;
        b++;
    }
}

const char *
extract__lexicon_word(const extract_field_def *def, const char *value)
{
    for (size_t k = 0; k < def->nwords; k++)
        if (extract__same_but_blanks(def->words[k], value))
            return def->words[k];
    return NULL;
}

size_t
extract__edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), row[EXTRACT_VALUE_MAX];

    if (la >= EXTRACT_VALUE_MAX || lb >= EXTRACT_VALUE_MAX)
        return (size_t)-1;
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0]; /* row[i-1][j-1] */
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);
            best = up + 1 < best ? up + 1 : best;
            best = row[j - 1] + 1 < best ? row[j - 1] + 1 : best;
            diag = up;
            row[j] = best;
        }
    }
    return row[lb];
}

/* A known value this long or longer admits a quarter of its length of
 * edits; a shorter one a single edit (MEDICA, a payer of its own, is two
 * from MEDICARE). */
#define KNOWN_LONG 12

int
extract__mend_known(char *raw, size_t size, const extract_field_def *def)
{
    size_t least = (size_t)-1, second = (size_t)-1, best = 0, len;

    for (size_t k = 0; k < def->nknown; k++) {
        size_t d;
        if (strcmp(def->known[k], raw) == 0)
            return 0;
        d = extract__edit_distance(def->known[k], raw);
        if (d < least) {
            second = least;
            least = d;
            best = k;
        } else if (d < second) {
            second = d;
        }
    }
    len = least != (size_t)-1 ? strlen(def->known[best]) : 0;
    if (least == (size_t)-1 || least == second || len < LEXICON_NEAR_MIN ||
        least > (len >= KNOWN_LONG ? len / 4 : 1) || len >= size)
        return 0;
    memcpy(raw, def->known[best], strlen(def->known[best]) + 1);
    return 1;
}

const char *
extract__lexicon_near(const extract_field_def *def, const char *value)
{
    const char *near = NULL;
    size_t least = (size_t)-1;

    for (size_t k = 0; k < def->nwords; k++) {
        size_t len = strlen(def->words[k]), d;
        if (len < LEXICON_NEAR_MIN)
            continue;
        d = extract__edit_distance(def->words[k], value);
        if (4 * d <= len && d < least) {
            least = d;
            near = def->words[k];
        }
    }
    return near;
}

int
extract__reading_valid(const extract_field_def *def, const char *raw,
                       const char *filled, const struct tm *today)
{
    char value[EXTRACT_VALUE_MAX];
    const char *why = NULL;

    if (extract__normalize(value, sizeof(value), def->kind, raw, &why) ==
            EXTRACT_NORM_FAILED ||
        value[0] == '\0')
        return 0;
    if (def->nwords > 0 && extract__lexicon_word(def, value) == NULL)
        return 0;
    for (size_t k = 0; k < def->nrules; k++) {
        if (extract__rule_check(def->rules[k], value, today) != NULL)
            return 0;
        /* Every NPI issued so far begins with 1 or 2. */
        if (strcmp(def->rules[k], "npi") == 0 && value[0] != '1' &&
            value[0] != '2')
            return 0;
    }
    return filled == NULL || extract__pointer_check(value, filled) == NULL;
}

/* One replacement: slot's choice alt instead of what was read. */
typedef struct subst {
    size_t slot, alt;
    double cost;
} subst;

/* The search's state. */
typedef struct search {
    const extract_lattice *l;
    const extract_field_def *def;
    const char *filled;
    const struct tm *today;
    const subst *subs;
    size_t nsubs, max_subst;
    size_t pick[EXTRACT_LATTICE_MAX];
    char text[EXTRACT_VALUE_MAX];
    double best;
    char best_text[EXTRACT_VALUE_MAX];
    int tries;
} search;

static int
subst_by_cost(const void *a, const void *b)
{
    double ca = ((const subst *)a)->cost, cb = ((const subst *)b)->cost;

    return ca < cb ? -1 : ca > cb;
}

/* Tries every set of replacements from subs[from] on, added to those
 * picked, that could cost less than the best found. */
static void
search_from(search *s, size_t from, size_t depth, double cost)
{
    for (size_t i = from; i < s->nsubs && s->tries < LATTICE_MAX_TRIES; i++) {
        const subst *x = &s->subs[i];
        double c = cost + x->cost;
        if (c >= s->best)
            break; /* sorted: the rest cost more */
        if (s->pick[x->slot] != 0)
            continue; /* one replacement per slot */
        s->pick[x->slot] = x->alt;
        lattice_write(s->text, sizeof(s->text), s->l, s->pick);
        s->tries++;
        if (extract__reading_valid(s->def, s->text, s->filled, s->today)) {
            s->best = c;
            memcpy(s->best_text, s->text, sizeof(s->text));
        } else if (depth + 1 < s->max_subst)
            search_from(s, i + 1, depth + 1, c);
        s->pick[x->slot] = 0;
    }
}

double
extract__lattice_search(char *out, size_t size, const extract_lattice *l,
                        const extract_field_def *def, const char *filled,
                        size_t max_subst, const struct tm *today)
{
    subst subs[EXTRACT_LATTICE_MAX * OCR_MAX_CHOICES];
    search s;

    if (size > 0)
        out[0] = '\0';
    memset(&s, 0, sizeof(s));
    lattice_write(s.text, sizeof(s.text), l, NULL);
    if (extract__reading_valid(def, s.text, filled, today)) {
        (void)snprintf(out, size, "%s", s.text);
        return 0.0;
    }
    for (size_t i = 0; i < l->n; i++)
        for (size_t k = 1; k < l->s[i].n; k++) {
            double cost = l->s[i].c[0].confidence - l->s[i].c[k].confidence;
            /* Never free: a replacement is a change. */
            cost = cost < 1.0 ? 1.0 : cost;
            if (cost <= LATTICE_MAX_COST)
                subs[s.nsubs++] = (subst){i, k, cost};
        }
    qsort(subs, s.nsubs, sizeof(subs[0]), subst_by_cost);
    s.l = l;
    s.def = def;
    s.filled = filled;
    s.today = today;
    s.subs = subs;
    s.max_subst = max_subst;
    s.best = 1e30;
    search_from(&s, 0, 0, 0.0);
    if (s.best >= 1e30)
        return -1.0;
    (void)snprintf(out, size, "%s", s.best_text);
    return s.best;
}
