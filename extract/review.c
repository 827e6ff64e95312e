/*
 * review.c: from raw readings to checked values. Normalizes each field,
 * applies its template rules and the template's cross-field checks, and
 * decides which fields a person must look at, with the reasons.
 *
 * Thresholds were calibrated on generated scans of every kind (see the
 * README, "Calibration"): a flag is raised where, on those scans, values
 * below the threshold were wrong often enough to matter.
 */
#include "extract/extract_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Worst-character confidence below which a reading is doubted, by kind. */
static const double min_char_confidence[] = {
    [EXTRACT_KIND_TEXT] = 93.0,  [EXTRACT_KIND_DATE8] = 93.0,
    [EXTRACT_KIND_DATE6] = 93.0, [EXTRACT_KIND_MONEY] = 93.0,
    [EXTRACT_KIND_PHONE] = 93.0, [EXTRACT_KIND_ICD] = 93.0,
    [EXTRACT_KIND_CHECK] = 0.0,
};

/* A page on which this share of the inked text fields has a character
 * below POOR_CHAR_CONFIDENCE is not clean print (hand-filled, smudged):
 * none of its readings is trusted. */
#define POOR_PAGE_SHARE 0.3
#define POOR_CHAR_CONFIDENCE 90.0

/* Check boxes: the marked box must hold this much ink, and the runner-up
 * at most this share of it. */
#define CHECK_MIN_INK 0.03
#define CHECK_MAX_RATIO 0.5
#define CHECK_SURE_INK 0.06
#define CHECK_FAINT_INK 0.012
/* Share of the characters' ink no field took beyond which the page is
 * taken to be misaligned. */
#define MAX_UNPLACED 0.35
/* RMS distance (reference pixels) between the form's rules and where the
 * template puts them beyond which the page is bent (photos, curled
 * paper): flat scans stay under half a pixel. */
#define MAX_RULES_ERROR 0.8

void
extract__field_flag(extract_field *f, const char *reason)
{
    f->review = 1;
    for (size_t i = 0; i < f->nreasons; i++)
        if (strcmp(f->reasons[i], reason) == 0)
            return;
    if (f->nreasons < EXTRACT_MAX_REASONS)
        f->reasons[f->nreasons++] = reason;
}

static void
page_flag(extract_result *res, const char *reason)
{
    res->review = 1;
    for (size_t i = 0; i < res->nreasons; i++)
        if (strcmp(res->reasons[i], reason) == 0)
            return;
    if (res->nreasons < EXTRACT_MAX_REASONS)
        res->reasons[res->nreasons++] = reason;
}

static void
review_check_box(extract_field *f)
{
    memcpy(f->value, f->raw, sizeof(f->value));
    if (!f->has_ink) {
        /* Read as unmarked, but one box holds a trace of ink: a faint or
         * partly erased mark is not "nothing". */
        if (f->check_best >= CHECK_FAINT_INK)
            extract__field_flag(f, "check_ambiguous");
        return;
    }
    if (f->check_second > CHECK_MAX_RATIO * f->check_best ||
        f->check_best < CHECK_SURE_INK)
        extract__field_flag(f, "check_ambiguous");
}

/* 1 when value has a letter O or I next to a digit in a field that
 * allows both: the print's 0/O and 1/I differ by a detail OCR misses. */
static int
lookalike_among_digits(const char *value, const char *charset)
{
    if (strchr(charset, 'O') == NULL || strchr(charset, '0') == NULL)
        return 0;
    for (size_t i = 0; value[i] != '\0'; i++) {
        int digit_before = i > 0 && isdigit((unsigned char)value[i - 1]);
        int digit_after = isdigit((unsigned char)value[i + 1]);
        if ((value[i] == 'O' || value[i] == 'I') &&
            (digit_before || digit_after))
            return 1;
    }
    return 0;
}

/* Takes out of f's reasons the reason given. */
static void
field_unflag(extract_field *f, const char *reason)
{
    size_t n = 0;

    for (size_t i = 0; i < f->nreasons; i++)
        if (strcmp(f->reasons[i], reason) != 0)
            f->reasons[n++] = f->reasons[i];
    f->nreasons = n;
}

/*
 * The state of field f, read from the scan as code, beside the ZIP code
 * zip (valid): the only state whose ZIP codes begin like zip's
 * (extract__zip_state), returned and flagged state_from_zip, when code
 * is no state code, or is one letter from that state and zip does not
 * begin like its own (MI read MT, a hand's AK read AS); NULL when there
 * is no such state, or f was typed (no ink), which is left to the person
 * who typed it. A ZIP code is read digit by digit and checked by format;
 * a misread state letter (IL read I I, MD read D) has no such check, and
 * a one-letter misreading of the state lands on a state that agrees with
 * the ZIP far less often than a ZIP's misread digits do. Dev sets: 26
 * fields better, none worse, for codes that are none (2 state codes
 * unreadable before and wrong after: their ZIP was misread too); 9
 * better, 2 worse for codes one letter off (hand-filled pages whose ZIP
 * was misread).
 */
static const char *
state_from_zip(extract_field *f, const char *code, const char *zip,
               const struct tm *today)
{
    const char *only = extract__zip_state(zip);

    if (!f->has_ink || only == NULL)
        return NULL;
    if (extract__rule_check("state", code, today) == NULL &&
        (extract__zip_in_state(code, zip) || strlen(code) != 2 ||
         (code[0] != only[0]) + (code[1] != only[1]) != 1))
        return NULL;
    field_unflag(f, "state_code");
    extract__field_flag(f, "state_from_zip");
    return only;
}

/* In f, "CITY ST ZIP" (rule city_state_zip) with a valid ZIP code, a state
 * part of two characters that is no state code, or one letter from the
 * ZIP's only state, is that state (state_from_zip). */
static void
city_state_from_zip(extract_field *f, const struct tm *today)
{
    const char *zip = extract__csz_zip(f->value), *only;
    char *state = zip != NULL ? f->value + (zip - f->value) - 3 : NULL;
    char code[3];

    if (zip == NULL || extract__rule_check("zip", zip, today) != NULL)
        return;
    memcpy(code, state, 2);
    code[2] = '\0';
    only = state_from_zip(f, code, zip, today);
    if (only != NULL)
        memcpy(state, only, 2);
}

static void
review_text(extract_field *f, const extract_field_def *def,
            const struct tm *today)
{
    const char *reason = NULL;
    extract_norm_status st;

    st = extract__normalize(f->value, sizeof(f->value), f->kind, f->raw,
                            &reason);
    if (f->word_split)
        extract__field_flag(f, "word_across_fields");
    if (!f->has_ink) {
        if (f->ink_beside)
            extract__field_flag(f, "ink_beside");
        return;
    }
    if (f->value[0] == '\0') {
        extract__field_flag(f, "ink_unread");
        return;
    }
    if (st == EXTRACT_NORM_FAILED)
        extract__field_flag(f, reason != NULL ? reason : "unreadable");
    if (extract__field_has_rule(def, "city_state_zip"))
        city_state_from_zip(f, today);
    for (size_t r = 0; r < def->nrules; r++) {
        const char *why = extract__rule_check(def->rules[r], f->value, today);
        if (why != NULL && extract__rule_repair(def->rules[r], f->value, today))
            why = extract__rule_check(def->rules[r], f->value, today);
        if (why != NULL)
            extract__field_flag(f, why);
    }
    if (f->min_confidence < min_char_confidence[f->kind])
        extract__field_flag(f, "low_confidence");
    if (f->ink_mismatch > 0)
        extract__field_flag(f, "text_length_mismatch");
    if (f->on_rule)
        extract__field_flag(f, "touches_form_line");
    if (f->reread)
        extract__field_flag(f, "reread");
    if (lookalike_among_digits(f->value, def->charset))
        extract__field_flag(f, "lookalike");
    if (f->shape_doubt)
        extract__field_flag(f, "shape_mismatch");
    if (f->word_mended)
        extract__field_flag(f, "word_mended");
}

/* Total equals the sum of its filled parts; flags the total (and the
 * parts, since any of them may be the misread one). */
static void
check_sum(extract_result *res, const extract_check_def *c)
{
    extract_field *total = &res->fields[c->field];
    long long want, sum = 0, cents;
    int any = 0;

    if (total->value[0] == '\0' || extract__money_cents(total->value, &want))
        return;
    for (size_t i = 0; i < c->nparts; i++) {
        const extract_field *p = &res->fields[c->parts[i]];
        if (p->value[0] == '\0')
            continue;
        if (extract__money_cents(p->value, &cents) != 0)
            return; /* a part is unreadable: flagged already */
        sum += cents;
        any = 1;
    }
    if (!any || sum == want)
        return;
    extract__field_flag(total, "total_mismatch");
    for (size_t i = 0; i < c->nparts; i++)
        if (res->fields[c->parts[i]].value[0] != '\0')
            extract__field_flag(&res->fields[c->parts[i]], "total_mismatch");
}

static void
check_pointer(extract_result *res, const extract_check_def *c)
{
    extract_field *f = &res->fields[c->field];
    char filled[EXTRACT_MAX_PARTS + 1];
    size_t n = 0;
    const char *why;

    if (f->value[0] == '\0')
        return;
    for (size_t i = 0; i < c->nparts; i++)
        if (res->fields[c->parts[i]].value[0] != '\0')
            filled[n++] = (char)('A' + i);
    filled[n] = '\0';
    why = extract__pointer_check(f->value, filled);
    if (why != NULL)
        extract__field_flag(f, why);
}

/* Runs the template's checks across fields; returns how many required
 * fields were found empty. */
static size_t
run_checks(extract_result *res, const struct tm *today)
{
    const extract_template *tpl = res->form;
    size_t required_missing = 0;

    for (size_t i = 0; i < tpl->nchecks; i++) {
        const extract_check_def *c = &tpl->checks[i];
        extract_field *a = &res->fields[c->field];
        extract_field *b = &res->fields[c->field2];
        const char *only;
        switch (c->type) {
        case EXTRACT_CHECK_SUM:
            check_sum(res, c);
            break;
        case EXTRACT_CHECK_DATE_ORDER:
            if (a->value[0] != '\0' && b->value[0] != '\0' &&
                extract__rule_check("date", a->value, today) == NULL &&
                extract__rule_check("date", b->value, today) == NULL &&
                extract__date_compare(a->value, b->value) > 0) {
                extract__field_flag(a, "service_dates_order");
                extract__field_flag(b, "service_dates_order");
            }
            break;
        case EXTRACT_CHECK_POINTER:
            check_pointer(res, c);
            break;
        case EXTRACT_CHECK_ZIP_STATE:
            if (a->value[0] == '\0' || b->value[0] == '\0' ||
                extract__rule_check("zip", b->value, today) != NULL)
                break;
            only = state_from_zip(a, a->value, b->value, today);
            if (only != NULL) {
                (void)snprintf(a->value, sizeof(a->value), "%s", only);
            } else if (extract__rule_check("state", a->value, today) == NULL &&
                       !extract__zip_in_state(a->value, b->value)) {
                extract__field_flag(a, "zip_not_in_state");
                extract__field_flag(b, "zip_not_in_state");
            }
            break;
        case EXTRACT_CHECK_REQUIRED:
            for (size_t k = 0; k < c->nparts; k++)
                if (res->fields[c->parts[k]].value[0] == '\0') {
                    extract__field_flag(&res->fields[c->parts[k]],
                                        "required_missing");
                    required_missing++;
                }
            break;
        case EXTRACT_CHECK_AGREE:
            break; /* before review: extract__agree_twins */
        case EXTRACT_CHECK_REQUIRES:
            if (a->value[0] == '\0' || b->value[0] != '\0')
                break;
            for (size_t v = 0; v <= c->nvalues; v++)
                if (c->nvalues == 0 ||
                    (v < c->nvalues && strcmp(a->value, c->values[v]) == 0)) {
                    extract__field_flag(b, c->reason);
                    break;
                }
            break;
        }
    }
    return required_missing;
}

cs_status
extract_value_check(char *value_out, size_t size, const char **reason_out,
                    const extract_template *tpl, const char *id,
                    const char *value, const struct tm *today, cs_error *err)
{
    size_t i;
    const extract_field_def *def;
    const char *reason = NULL;

    if (value_out == NULL || size == 0 || reason_out == NULL || tpl == NULL ||
        id == NULL || value == NULL)
        return cs_error_set(err, CS_EINVAL, "extract_value_check: bad args");
    *reason_out = NULL;
    i = extract__template_field_index(tpl, id);
    if (i == (size_t)-1)
        return cs_error_set(err, CS_EINVAL, "no field %s in template %s", id,
                            tpl->name);
    def = &tpl->fields[i];
    if (def->kind == EXTRACT_KIND_CHECK) {
        (void)snprintf(value_out, size, "%s", value);
        if (value[0] == '\0')
            return CS_OK;
        for (size_t k = 0; k < def->noptions; k++)
            if (strcmp(def->options[k].name, value) == 0)
                return CS_OK;
        *reason_out = "check_ambiguous";
        return CS_OK;
    }
    if (extract__normalize(value_out, size, def->kind, value, &reason) ==
        EXTRACT_NORM_FAILED) {
        *reason_out = reason != NULL ? reason : "unreadable";
        return CS_OK;
    }
    for (size_t r = 0; value_out[0] != '\0' && r < def->nrules; r++) {
        *reason_out = extract__rule_check(def->rules[r], value_out, today);
        if (*reason_out != NULL)
            return CS_OK;
    }
    return CS_OK;
}

cs_status
extract_values_cross_check(const char **reasons_out,
                           const extract_template *tpl,
                           const char *const *values, const struct tm *today,
                           cs_error *err)
{
    extract_result res;

    if (reasons_out == NULL || tpl == NULL || values == NULL)
        return cs_error_set(err, CS_EINVAL,
                            "extract_values_cross_check: bad args");
    memset(&res, 0, sizeof(res));
    res.form = tpl;
    res.nfields = tpl->nfields;
    res.fields = calloc(tpl->nfields, sizeof(*res.fields));
    if (res.fields == NULL)
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    for (size_t i = 0; i < tpl->nfields; i++) {
        res.fields[i].id = tpl->fields[i].id;
        res.fields[i].kind = tpl->fields[i].kind;
        (void)snprintf(res.fields[i].value, sizeof(res.fields[i].value), "%s",
                       values[i] != NULL ? values[i] : "");
    }
    (void)run_checks(&res, today);
    for (size_t i = 0; i < tpl->nfields; i++)
        reasons_out[i] =
            res.fields[i].nreasons > 0 ? res.fields[i].reasons[0] : NULL;
    free(res.fields);
    return CS_OK;
}

/* Fields every claim carries, found empty, at which a page's data is
 * taken for unread (faint print, a light pen): every empty field may
 * then hold data no one saw. */
#define DATA_MISSING_REQUIRED 3

/* Flags the page and its empty fields data_missing: `required` fields
 * every claim carries were found empty (run_checks). */
static void
data_missing(extract_result *res, size_t required)
{
    if (required < DATA_MISSING_REQUIRED)
        return;
    page_flag(res, "data_missing");
    for (size_t i = 0; i < res->nfields; i++)
        if (res->fields[i].value[0] == '\0')
            extract__field_flag(&res->fields[i], "data_missing");
}

/* Print in upper case, judged by its text fields: fewer than one in
 * CASE_MIXED_SHARE of those read holds a lowercase letter. A lowercase
 * letter read in such print is a look-alike of a capital or a digit (t or
 * l for I, l for 1), written upper case by normalization: it is flagged
 * case_mismatch. In mixed-case print, lowercase letters are the text. */
#define CASE_MIXED_SHARE 3

static int
has_lower(const char *s)
{
    for (; *s != '\0'; s++)
        if (*s >= 'a' && *s <= 'z')
            return 1;
    return 0;
}

static void
case_mismatch(extract_result *res)
{
    size_t read = 0, lower = 0;

    for (size_t i = 0; i < res->nfields; i++) {
        const extract_field *f = &res->fields[i];
        if (f->kind != EXTRACT_KIND_TEXT || f->raw[0] == '\0')
            continue;
        read++;
        lower += has_lower(f->raw);
    }
    if (lower * CASE_MIXED_SHARE >= read)
        return;
    for (size_t i = 0; i < res->nfields; i++)
        if (res->fields[i].kind == EXTRACT_KIND_TEXT &&
            has_lower(res->fields[i].raw))
            extract__field_flag(&res->fields[i], "case_mismatch");
}

int
extract__registration_doubtful(const extract_registration *reg, int form_ink)
{
    return reg->method == EXTRACT_REG_NONE ||
           (reg->method == EXTRACT_REG_QR && form_ink) ||
           (reg->method == EXTRACT_REG_RULES && reg->error > MAX_RULES_ERROR);
}

int
extract__registration_poor(const extract_result *res)
{
    return (res->reg.method != EXTRACT_REG_NONE &&
            extract__registration_doubtful(&res->reg, res->form_ink)) ||
           res->ink_unplaced > MAX_UNPLACED;
}

int
extract__poor_page(const extract_result *res)
{
    size_t inked = 0, poor = 0;

    for (size_t i = 0; i < res->nfields; i++) {
        const extract_field *f = &res->fields[i];
        if (!f->has_ink || f->kind == EXTRACT_KIND_CHECK)
            continue;
        inked++;
        poor += f->min_confidence < POOR_CHAR_CONFIDENCE;
    }
    return inked >= 5 && poor >= POOR_PAGE_SHARE * inked;
}

void
extract__review(extract_result *res, const struct tm *today)
{
    size_t required_missing;

    if (res->form == NULL) {
        page_flag(res, "form_unknown");
        return;
    }
    if (res->reg.method == EXTRACT_REG_NONE) {
        page_flag(res, "not_registered");
        for (size_t i = 0; i < res->nfields; i++) {
            res->fields[i].value[0] = '\0';
            res->fields[i].confidence = 0.0;
            extract__field_flag(&res->fields[i], "not_registered");
        }
        return;
    }
    extract__agree_twins(res, today);
    for (size_t i = 0; i < res->nfields; i++) {
        extract_field *f = &res->fields[i];
        if (f->kind == EXTRACT_KIND_CHECK)
            review_check_box(f);
        else
            review_text(f, &res->form->fields[i], today);
    }
    required_missing = run_checks(res, today);
    data_missing(res, required_missing);
    case_mismatch(res);
    /* A page whose printed form is there but could be aligned only by its
     * QR code (perspective, folds), or whose characters mostly fall
     * outside every field, was read at doubtful places: every field is
     * doubtful, the empty ones too. */
    if (extract__registration_poor(res)) {
        page_flag(res, "registration_poor");
        for (size_t i = 0; i < res->nfields; i++)
            extract__field_flag(&res->fields[i], "registration_poor");
    }
    /* A photo that cut a side of the sheet off was flattened by a line of
     * its form instead of the sheet's edge: what lies beyond that line is
     * lost, and the perspective is undone only as well as that line
     * runs along the edge (dev photos: marks read in the next box, an
     * amount a column over). Every field is doubtful, the empty ones
     * and the check boxes too. */
    if (res->sheet_cut) {
        page_flag(res, "sheet_cut");
        for (size_t i = 0; i < res->nfields; i++)
            extract__field_flag(&res->fields[i], "sheet_cut");
    }
    /* Fax resolution, or a page most of whose readings OCR doubts: every
     * text field that holds ink is doubtful. Check boxes are decided by
     * ink, not OCR, and keep their own verdict. */
    if (res->low_resolution || res->poor_print || res->handwritten ||
        extract__poor_page(res)) {
        page_flag(res, "scan_quality");
        for (size_t i = 0; i < res->nfields; i++)
            if (res->fields[i].has_ink &&
                res->fields[i].kind != EXTRACT_KIND_CHECK)
                extract__field_flag(&res->fields[i], "scan_quality");
    }
    for (size_t i = 0; i < res->nfields; i++)
        if (res->fields[i].review)
            res->review = 1;
}
