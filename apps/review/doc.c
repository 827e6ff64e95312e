/*
 * doc.c: a document under review: the original readings (never changed),
 * the flagged fields, the decisions of the audit, the checks a typed value
 * must pass, and the reviewed record written when the last flag clears.
 */
#include "apps/cli/cli.h"
#include "apps/review/review.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"

#define PATH_CAP 4096

void
review_doc_free(review_doc *d)
{
    if (d == NULL)
        return;
    for (int i = 0; i < REVIEW_MAX_PAGES; i++)
        json_decref(d->records[i]);
    free(d->items);
    free(d);
}

/* A new, zeroed item at the end of d->items (NULL: out of memory). */
static review_item *
item_add(review_doc *d, size_t *cap)
{
    review_item *it;

    if (d->nitems == *cap) {
        size_t ncap = *cap == 0 ? 16 : *cap * 2;
        review_item *grown = realloc(d->items, ncap * sizeof(*grown));
        if (grown == NULL)
            return NULL;
        d->items = grown;
        *cap = ncap;
    }
    it = &d->items[d->nitems++];
    memset(it, 0, sizeof(*it));
    return it;
}

/* Copies the reason ids of the JSON array reasons into it. */
static void
item_reasons(review_item *it, json_t *reasons)
{
    size_t k;
    json_t *r;

    json_array_foreach(reasons, k, r)
    {
        if (json_is_string(r) && it->nreasons < EXTRACT_MAX_REASONS)
            it->reasons[it->nreasons++] = json_string_value(r);
    }
}

/* Adds the page's own flags (when it asks for review with page-level
 * reasons) and its flagged fields of page (1-based) of d to d->items. */
static cs_status
collect_items(review_doc *d, int page, size_t *cap, cs_error *err)
{
    const extract_template *tpl = d->forms[page - 1];
    json_t *rec = d->records[page - 1];
    json_t *fields = json_object_get(rec, "fields");
    json_t *page_reasons = json_object_get(rec, "reasons");
    size_t nf;

    if (json_is_true(json_object_get(rec, "review")) &&
        json_array_size(page_reasons) > 0) {
        review_item *it = item_add(d, cap);
        if (it == NULL)
            return cs_error_set(err, CS_ENOMEM, "out of memory");
        it->page_level = 1;
        it->page = page;
        it->index = SIZE_MAX;
        (void)snprintf(it->field, sizeof(it->field), "%s", REVIEW_PAGE_ITEM);
        item_reasons(it, page_reasons);
    }
    if (tpl == NULL || !json_is_object(fields))
        return CS_OK;
    nf = extract_template_field_count(tpl);
    for (size_t i = 0; i < nf; i++) {
        const char *id = extract_template_field_id(tpl, i);
        json_t *f = json_object_get(fields, id);
        review_item *it;

        if (!json_is_object(f) || !json_is_true(json_object_get(f, "review")))
            continue;
        it = item_add(d, cap);
        if (it == NULL)
            return cs_error_set(err, CS_ENOMEM, "out of memory");
        it->page = page;
        it->index = i;
        (void)snprintf(it->field, sizeof(it->field), "%s", id);
        (void)snprintf(it->value, sizeof(it->value), "%s",
                       json_is_string(json_object_get(f, "value"))
                           ? json_string_value(json_object_get(f, "value"))
                           : "");
        it->confidence = json_number_value(json_object_get(f, "confidence"));
        item_reasons(it, json_object_get(f, "reasons"));
    }
    return CS_OK;
}

cs_status
review_doc_load(review_doc **out, review_store *st, const extract_catalog *cat,
                int64_t id, cs_error *err)
{
    intake_journal *jn = review_store_journal(st);
    review_doc *d = NULL;
    review_decision *dec = NULL;
    size_t ndec = 0, cap = 0;
    char *json = NULL;
    cs_status rc;
    int finished = 0;

    *out = NULL;
    d = calloc(1, sizeof(*d));
    if (d == NULL)
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    rc = intake_journal_get(&d->entry, jn, id, err);
    if (rc != CS_OK)
        goto cleanup;
    if (d->entry.state != INTAKE_DOC_NEEDS_REVIEW) {
        rc = cs_error_set(err, CS_EINVAL,
                          "document %lld is not waiting "
                          "for review",
                          (long long)id);
        goto cleanup;
    }
    rc = review_store_finished(&finished, st, id, err);
    if (rc != CS_OK)
        goto cleanup;
    if (finished) {
        rc = cs_error_set(err, CS_EINVAL, "document %lld is reviewed",
                          (long long)id);
        goto cleanup;
    }
    if (d->entry.pages < 1 || d->entry.pages > REVIEW_MAX_PAGES) {
        rc = cs_error_set(err, CS_EINVAL, "document %lld: %d pages",
                          (long long)id, d->entry.pages);
        goto cleanup;
    }
    d->npages = d->entry.pages;
    for (int p = 1; p <= d->npages; p++) {
        json_error_t jerr;
        json_t *form;

        rc = intake_journal_get_record(&json, jn, id, p, err);
        if (rc != CS_OK)
            goto cleanup;
        d->records[p - 1] = json_loads(json, 0, &jerr);
        free(json);
        json = NULL;
        if (!json_is_object(d->records[p - 1])) {
            rc = cs_error_set(err, CS_EINVAL,
                              "document %lld page %d: "
                              "record is not JSON",
                              (long long)id, p);
            goto cleanup;
        }
        form = json_object_get(d->records[p - 1], "form");
        if (json_is_string(form))
            d->forms[p - 1] =
                extract_catalog_find(cat, json_string_value(form));
        rc = collect_items(d, p, &cap, err);
        if (rc != CS_OK)
            goto cleanup;
    }
    rc = review_store_decisions(&dec, &ndec, st, id, err);
    if (rc != CS_OK)
        goto cleanup;
    for (size_t i = 0; i < ndec; i++) {
        review_item *it = review_doc_item(d, dec[i].page, dec[i].field);
        /* A rejection whose journal change failed decides nothing. */
        if (it == NULL || it->decided || strcmp(dec[i].action, "reject") == 0)
            continue;
        it->decided = 1;
        (void)snprintf(it->action, sizeof(it->action), "%s", dec[i].action);
        (void)snprintf(it->decided_value, sizeof(it->decided_value), "%s",
                       dec[i].value);
        d->ndecided++;
    }
    *out = d;
    d = NULL;
cleanup:
    free(json);
    free(dec);
    review_doc_free(d);
    return rc;
}

review_item *
review_doc_item(review_doc *d, int page, const char *field)
{
    for (size_t i = 0; i < d->nitems; i++)
        if (d->items[i].page == page && strcmp(d->items[i].field, field) == 0)
            return &d->items[i];
    return NULL;
}

/* The value field i of page has now: a decision's, else the reading's. */
static const char *
current_value(const review_doc *d, int page, const char *id)
{
    json_t *f;
    json_t *v;

    for (size_t i = 0; i < d->nitems; i++) {
        const review_item *it = &d->items[i];
        if (it->page == page && it->decided && strcmp(it->field, id) == 0)
            return it->decided_value;
    }
    f = json_object_get(json_object_get(d->records[page - 1], "fields"), id);
    v = json_object_get(f, "value");
    return json_is_string(v) ? json_string_value(v) : "";
}

cs_status
review_doc_check(review_check *out, const review_doc *d, const review_item *it,
                 const char *value, cs_error *err)
{
    const extract_template *tpl = d->forms[it->page - 1];
    const char **values = NULL;
    const char **reasons = NULL;
    size_t nf;
    cs_status rc;

    memset(out, 0, sizeof(*out));
    if (tpl == NULL)
        return cs_error_set(err, CS_EINVAL, "page %d has no form", it->page);
    rc = extract_value_check(out->value, sizeof(out->value), &out->reason, tpl,
                             it->field, value, NULL, err);
    if (rc != CS_OK || out->reason != NULL)
        return rc;
    nf = extract_template_field_count(tpl);
    values = calloc(nf, sizeof(*values));
    reasons = calloc(nf, sizeof(*reasons));
    if (values == NULL || reasons == NULL) {
        rc = cs_error_set(err, CS_ENOMEM, "out of memory");
        goto cleanup;
    }
    for (size_t i = 0; i < nf; i++)
        values[i] =
            i == it->index
                ? out->value
                : current_value(d, it->page, extract_template_field_id(tpl, i));
    rc = extract_values_cross_check(reasons, tpl, values, NULL, err);
    if (rc == CS_OK)
        out->reason = reasons[it->index];
cleanup:
    free(values);
    free(reasons);
    return rc;
}

cs_status
review_doc_record(char **json_out, const review_doc *d, int page,
                  const char *who, int64_t now_ms, cs_error *err)
{
    json_t *rec = NULL, *fields;
    char when[32];
    cs_status rc = CS_OK;
    int bad = 0;

    *json_out = NULL;
    if (page < 1 || page > d->npages)
        return cs_error_set(err, CS_EINVAL, "no page %d", page);
    rec = json_deep_copy(d->records[page - 1]);
    if (rec == NULL)
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    fields = json_object_get(rec, "fields");
    for (size_t i = 0; i < d->nitems; i++) {
        const review_item *it = &d->items[i];
        json_t *f = json_object_get(fields, it->field);
        json_t *original;

        if (it->page != page || !it->decided)
            continue;
        if (it->page_level) {
            /* The page's own flags stay beside the decision. */
            json_t *reasons = json_object_get(rec, "reasons");
            bad |= json_object_set(rec, "original_reasons",
                                   reasons != NULL ? reasons : json_array());
            bad |= json_object_set_new(rec, "reasons", json_array());
            bad |= json_object_set_new(rec, "review_action",
                                       json_string(it->action));
            continue;
        }
        if (!json_is_object(f))
            continue;
        /* The reading stays beside the decision. */
        original =
            json_pack("{s:O?,s:O?,s:O?}", "value", json_object_get(f, "value"),
                      "confidence", json_object_get(f, "confidence"), "reasons",
                      json_object_get(f, "reasons"));
        bad |= original == NULL;
        bad |= json_object_set_new(f, "original", original);
        bad |= json_object_set_new(f, "value", json_string(it->decided_value));
        bad |= json_object_set_new(f, "review", json_false());
        bad |= json_object_set_new(f, "reasons", json_array());
        bad |= json_object_set_new(f, "review_action", json_string(it->action));
    }
    cli_format_utc(when, sizeof(when), now_ms, 0);
    bad |= json_object_set_new(rec, "review", json_false());
    bad |= json_object_set_new(rec, "reviewed", json_true());
    bad |= json_object_set_new(rec, "reviewed_by", json_string(who));
    bad |= json_object_set_new(rec, "reviewed_at", json_string(when));
    bad |= json_object_set_new(rec, "document_id",
                               json_integer((json_int_t)d->entry.id));
    if (bad) {
        rc = cs_error_set(err, CS_ENOMEM, "out of memory");
        goto cleanup;
    }
    *json_out = json_dumps(rec, JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (*json_out == NULL)
        rc = cs_error_set(err, CS_ENOMEM, "out of memory");
cleanup:
    json_decref(rec);
    return rc;
}

cs_status
review_doc_finish(int *finished_out, review_doc *d, review_store *st,
                  const char *who, int64_t now_ms, cs_error *err)
{
    intake_journal_change change = INTAKE_JOURNAL_CHANGE_INIT;
    char path[PATH_CAP];
    char *json = NULL;
    cs_status rc = CS_OK;
    cs_error jerr = CS_ERROR_INIT;

    *finished_out = 0;
    if (d->ndecided < d->nitems)
        return CS_OK;
    for (int p = 1; p <= d->npages; p++) {
        int n;
        size_t len;

        rc = review_doc_record(&json, d, p, who, now_ms, err);
        if (rc != CS_OK)
            goto cleanup;
        n = snprintf(path, sizeof(path), "%s/%s/%s-p%d.reviewed.json",
                     review_store_state(st), INTAKE_STATE_RECORDS,
                     d->entry.sha256, p);
        if (n < 0 || (size_t)n >= sizeof(path)) {
            rc = cs_error_set(err, CS_EINVAL, "path too long");
            goto cleanup;
        }
        /* The file gets a newline; the table keeps the line. */
        len = strlen(json);
        json[len] = '\n';
        rc = intake_file_write_atomic(path, json, len + 1, err);
        json[len] = '\0';
        if (rc != CS_OK)
            goto cleanup;
        rc =
            review_store_record_put(st, d->entry.id, p, json, who, now_ms, err);
        if (rc != CS_OK)
            goto cleanup;
        free(json);
        json = NULL;
    }
    *finished_out = 1;
    change.state = INTAKE_DOC_DONE;
    if (intake_journal_update(review_store_journal(st), d->entry.id, &change,
                              now_ms, &jerr) != CS_OK)
        /* The reviewed records are written and count as finished; the
         * journal's state follows once it allows needs_review -> done. */
        cs_log(CS_LOG_WARN,
               "review: document %lld: journal state not "
               "changed: %s",
               (long long)d->entry.id, jerr.message);
cleanup:
    free(json);
    return rc;
}

/* Dollars and cents of a normalized amount ("1234.56", "12", "3.5");
 * -1 when it is not one. */
static long long
money_cents(const char *s)
{
    long long v = 0;
    int digits = 0, decimals = -1;

    for (; *s != '\0'; s++) {
        if (*s == '.' && decimals < 0) {
            decimals = 0;
            continue;
        }
        if (*s < '0' || *s > '9' || digits > 12 || decimals >= 2)
            return -1;
        v = v * 10 + (*s - '0');
        digits++;
        if (decimals >= 0)
            decimals++;
    }
    if (digits == 0)
        return -1;
    for (; decimals < 2; decimals++)
        v *= 10;
    return v;
}

/*
 * On page of d, the fields flagged total_mismatch (the total and the
 * lines, as extraction flags them): finds which is the total by asking
 * the template's own cross-field checks, since a page whose total is
 * set to the sum of the others passes the sum check. *total_out is the
 * total's field index, or SIZE_MAX when it cannot be told.
 */
static cs_status
sum_mismatch(size_t *total_out, long long *total_cents_out,
             long long *sum_cents_out, const review_doc *d, int page,
             cs_error *err)
{
    const extract_template *tpl = d->forms[page - 1];
    json_t *fields = json_object_get(d->records[page - 1], "fields");
    const char **values = NULL, **reasons = NULL;
    long long *cents = NULL;
    char sum_text[32];
    cs_status rc = CS_OK;
    size_t nf;

    *total_out = SIZE_MAX;
    if (tpl == NULL)
        return CS_OK;
    nf = extract_template_field_count(tpl);
    values = calloc(nf, sizeof(*values));
    reasons = calloc(nf, sizeof(*reasons));
    cents = calloc(nf, sizeof(*cents));
    if (values == NULL || reasons == NULL || cents == NULL) {
        rc = cs_error_set(err, CS_ENOMEM, "out of memory");
        goto cleanup;
    }
    for (size_t i = 0; i < nf; i++) {
        json_t *f = json_object_get(fields, extract_template_field_id(tpl, i));
        json_t *v = json_object_get(f, "value");
        json_t *r;
        size_t k;

        values[i] = json_is_string(v) ? json_string_value(v) : "";
        cents[i] = -1;
        json_array_foreach(json_object_get(f, "reasons"), k, r)
        {
            if (json_is_string(r) &&
                strcmp(json_string_value(r), "total_mismatch") == 0)
                cents[i] = money_cents(values[i]);
        }
    }
    for (size_t t = 0; t < nf && *total_out == SIZE_MAX; t++) {
        long long sum = 0;
        const char *keep;
        int clears = 1;

        if (cents[t] < 0)
            continue;
        for (size_t i = 0; i < nf; i++)
            if (i != t && cents[i] >= 0)
                sum += cents[i];
        (void)snprintf(sum_text, sizeof(sum_text), "%lld.%02lld", sum / 100,
                       sum % 100);
        keep = values[t];
        values[t] = sum_text;
        rc = extract_values_cross_check(reasons, tpl, values, NULL, err);
        values[t] = keep;
        if (rc != CS_OK)
            goto cleanup;
        for (size_t i = 0; i < nf; i++)
            if (reasons[i] != NULL && strcmp(reasons[i], "total_mismatch") == 0)
                clears = 0;
        if (clears) {
            *total_out = t;
            *total_cents_out = cents[t];
            *sum_cents_out = sum;
        }
    }
cleanup:
    free(values);
    free(reasons);
    free(cents);
    return rc;
}

/* The field id in words: "total_charge" -> "total charge". */
static void
field_words(char *out, size_t size, const char *id)
{
    size_t n = 0;

    for (; *id != '\0' && n + 1 < size; id++)
        out[n++] = *id == '_' ? ' ' : *id;
    out[n] = '\0';
}

void
review_doc_reason_text(char *out, size_t size, const review_doc *d,
                       const review_item *it, size_t k)
{
    const char *reason = k < it->nreasons ? it->reasons[k] : "";
    long long total = 0, sum = 0;
    size_t t = SIZE_MAX;
    char name[REVIEW_FIELD_MAX];

    (void)snprintf(out, size, "%s", extract_reason_text(reason));
    if (it->page_level || strcmp(reason, "total_mismatch") != 0 ||
        sum_mismatch(&t, &total, &sum, d, it->page, NULL) != CS_OK ||
        t == SIZE_MAX)
        return;
    field_words(name, sizeof(name),
                extract_template_field_id(d->forms[it->page - 1], t));
    if (t == it->index)
        (void)snprintf(out, size,
                       "%s %lld.%02lld is not the sum of the lines, "
                       "%lld.%02lld",
                       name, total / 100, total % 100, sum / 100, sum % 100);
    else
        (void)snprintf(out, size,
                       "the lines add up to %lld.%02lld, not the %s "
                       "%lld.%02lld",
                       sum / 100, sum % 100, name, total / 100, total % 100);
}

cs_status
review_doc_reject(review_doc *d, review_store *st, const review_item *it,
                  const char *reason, const char *who, int64_t now_ms,
                  cs_error *err)
{
    intake_journal_change change = INTAKE_JOURNAL_CHANGE_INIT;
    char why[CS_ERROR_MESSAGE_MAX];
    cs_status rc;

    if (!it->page_level || reason == NULL || reason[0] == '\0')
        return cs_error_set(err, CS_EINVAL, "only a page can be rejected");
    rc = review_store_audit_add(st, d->entry.id, it->page, it->field, "reject",
                                "", reason, NULL, who, now_ms, err);
    if (rc != CS_OK)
        return rc;
    (void)snprintf(why, sizeof(why), "rejected in review (page %d): %s",
                   it->page, reason);
    change.state = INTAKE_DOC_FAILED;
    change.reason = why;
    return intake_journal_update(review_store_journal(st), d->entry.id, &change,
                                 now_ms, err);
}
