/*
 * cmd_export.c: `claimscan export`: writes the finished claim records of
 * a state folder (reviewed, or straight through without review) as JSON
 * Lines or CSV, for billing software to import. A reviewed page is
 * written with its corrections; the original reading stays in the
 * journal.
 */
#include "apps/cli/cli.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apps/review/review.h"

/* Same order as export_options[] in main.c. */
enum { OPT_STATE, OPT_FORMAT, OPT_OUT, OPT_FORM, OPT_FORMS };

#define PATH_CAP 4096
#define OUT_MAX ((size_t)1 << 30)

typedef struct export_settings {
    const char *state;
    const char *format;
    const char *out;
    const char *form;
    const char *forms_dir;
} export_settings;

/* A growing output buffer with a hard cap. */
typedef struct outbuf {
    char *data;
    size_t len, cap;
    int failed;
} outbuf;

static void
out_add(outbuf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap == 0 ? 4096 : b->cap;
        char *grown;
        while (cap < b->len + n + 1)
            cap *= 2;
        if (cap > OUT_MAX || (grown = realloc(b->data, cap)) == NULL) {
            b->failed = 1;
            return;
        }
        b->data = grown;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static void
out_str(outbuf *b, const char *s)
{
    out_add(b, s, strlen(s));
}

/*
 * Appends s as one CSV cell (RFC 4180): quoted when it holds a comma,
 * quote, CR or LF or starts or ends with a space, quotes doubled. A
 * leading =, +, @, tab or CR gets a ' so spreadsheets never run it.
 */
static void
csv_cell(outbuf *b, const char *s)
{
    int quote = s[0] == ' ' || (s[0] != '\0' && s[strlen(s) - 1] == ' ');
    int guard = s[0] == '=' || s[0] == '+' || s[0] == '@' || s[0] == '\t' ||
                s[0] == '\r';

    quote |= strpbrk(s, ",\"\r\n") != NULL;
    if (quote)
        out_str(b, "\"");
    if (guard)
        out_str(b, "'");
    for (const char *p = s; *p != '\0'; p++) {
        if (*p == '"')
            out_str(b, "\"\"");
        else
            out_add(b, p, 1);
    }
    if (quote)
        out_str(b, "\"");
}

static int
on_option(size_t id, const char *arg, void *ctx)
{
    export_settings *s = ctx;

    switch (id) {
    case OPT_STATE:
        s->state = arg;
        break;
    case OPT_FORMAT:
        s->format = arg;
        break;
    case OPT_OUT:
        s->out = arg;
        break;
    case OPT_FORM:
        s->form = arg;
        break;
    case OPT_FORMS:
        s->forms_dir = arg;
        break;
    }
    return 0;
}

/* The record of page of document id: reviewed if it was, else the
 * reading; with "document_id" and "reviewed" set. NULL on failure. */
static json_t *
page_record(review_store *st, int64_t id, int page, cs_error *err)
{
    char *text = NULL;
    json_t *rec = NULL;
    json_error_t jerr;
    int found = 0;

    if (review_store_record_get(&text, &found, st, id, page, err) != CS_OK)
        return NULL;
    if (!found && intake_journal_get_record(&text, review_store_journal(st), id,
                                            page, err) != CS_OK)
        return NULL;
    rec = json_loads(text, 0, &jerr);
    free(text);
    if (!json_is_object(rec)) {
        json_decref(rec);
        (void)cs_error_set(err, CS_EINVAL, "record is not JSON");
        return NULL;
    }
    if (json_object_set_new(rec, "document_id", json_integer(id)) != 0 ||
        (json_object_get(rec, "reviewed") == NULL &&
         json_object_set_new(rec, "reviewed", json_false()) != 0)) {
        json_decref(rec);
        (void)cs_error_set(err, CS_ENOMEM, "out of memory");
        return NULL;
    }
    return rec;
}

static void
csv_header(outbuf *b, const extract_template *tpl)
{
    out_str(b, "document_id,page,sha256,form,reviewed");
    for (size_t i = 0; i < extract_template_field_count(tpl); i++) {
        out_str(b, ",");
        csv_cell(b, extract_template_field_id(tpl, i));
    }
    out_str(b, "\r\n");
}

/* One CSV row of rec; 0, or 1 when rec is of another form. */
static int
csv_row(outbuf *b, const extract_template *tpl, json_t *rec)
{
    const char *form = json_string_value(json_object_get(rec, "form"));
    json_t *fields = json_object_get(rec, "fields");
    char num[32];

    if (form == NULL || strcmp(form, extract_template_name(tpl)) != 0)
        return 1;
    (void)snprintf(
        num, sizeof(num), "%lld,%lld,",
        (long long)json_integer_value(json_object_get(rec, "document_id")),
        (long long)json_integer_value(json_object_get(rec, "page")));
    out_str(b, num);
    csv_cell(b, json_string_value(json_object_get(rec, "sha256")) != NULL
                    ? json_string_value(json_object_get(rec, "sha256"))
                    : "");
    out_str(b, ",");
    csv_cell(b, form);
    out_str(b, json_is_true(json_object_get(rec, "reviewed")) ? ",true"
                                                              : ",false");
    for (size_t i = 0; i < extract_template_field_count(tpl); i++) {
        json_t *v = json_object_get(
            json_object_get(fields, extract_template_field_id(tpl, i)),
            "value");
        out_str(b, ",");
        csv_cell(b, json_is_string(v) ? json_string_value(v) : "");
    }
    out_str(b, "\r\n");
    return 0;
}

int
cmd_export(const cli_command *cmd, int argc, char **argv)
{
    export_settings set = {NULL, NULL, NULL, NULL, NULL};
    review_store *st = NULL;
    extract_catalog *cat = NULL;
    const extract_template *tpl = NULL;
    cs_error err = CS_ERROR_INIT;
    char state[PATH_CAP];
    int64_t *ids = NULL;
    size_t nids = 0, pages = 0, skipped = 0;
    outbuf b = {NULL, 0, 0, 0};
    int first, csv, status = CLI_EXIT_FAILURE;

    first = cli_parse(cmd, argc, argv, on_option, &set);
    if (first == -2)
        return CLI_EXIT_OK;
    if (first < 0)
        return CLI_EXIT_USAGE;
    if (first < argc)
        return cli_usage_error(cmd, "takes no operands");
    if (set.format == NULL ||
        (strcmp(set.format, "jsonl") != 0 && strcmp(set.format, "csv") != 0))
        return cli_usage_error(cmd, "--format takes jsonl or csv");
    csv = strcmp(set.format, "csv") == 0;
    if (cli_state_dir(state, sizeof(state), set.state) != 0) {
        fprintf(stderr, "%s: export: no state folder: give --state DIR\n",
                CLI_NAME);
        return CLI_EXIT_FAILURE;
    }
    if (cli_startup() != 0)
        return CLI_EXIT_FAILURE;
    if (csv) {
        if (extract_catalog_load(&cat, cli_forms_dir(set.forms_dir), &err) !=
            CS_OK) {
            fprintf(stderr, "%s: export: forms: %s\n", CLI_NAME, err.message);
            goto cleanup;
        }
        tpl = set.form != NULL ? extract_catalog_find(cat, set.form)
              : extract_catalog_count(cat) == 1 ? extract_catalog_get(cat, 0)
                                                : NULL;
        if (tpl == NULL) {
            fprintf(stderr,
                    "%s: export: CSV needs --form NAME (a template "
                    "of the forms folder)\n",
                    CLI_NAME);
            status = CLI_EXIT_USAGE;
            goto cleanup;
        }
        csv_header(&b, tpl);
    }
    if (review_store_open(&st, state, &err) != CS_OK ||
        review_store_finished_docs(&ids, &nids, st, &err) != CS_OK) {
        fprintf(stderr, "%s: export: %s: %s\n", CLI_NAME, state, err.message);
        goto cleanup;
    }
    for (size_t i = 0; i < nids; i++) {
        intake_journal_entry e;
        if (intake_journal_get(&e, review_store_journal(st), ids[i], &err) !=
            CS_OK)
            goto journal_error;
        for (int p = 1; p <= e.pages; p++) {
            json_t *rec = page_record(st, ids[i], p, &err);
            char *line;
            if (rec == NULL)
                goto journal_error;
            if (csv) {
                skipped += (size_t)csv_row(&b, tpl, rec);
            } else {
                line = json_dumps(rec, JSON_COMPACT | JSON_PRESERVE_ORDER);
                if (line == NULL)
                    b.failed = 1;
                else
                    out_str(&b, line);
                out_str(&b, "\n");
                free(line);
            }
            json_decref(rec);
            pages++;
        }
    }
    if (b.failed) {
        fprintf(stderr, "%s: export: out of memory\n", CLI_NAME);
        goto cleanup;
    }
    if (set.out != NULL) {
        if (intake_file_write_atomic(set.out, b.data != NULL ? b.data : "",
                                     b.len, &err) != CS_OK) {
            fprintf(stderr, "%s: export: %s: %s\n", CLI_NAME, set.out,
                    err.message);
            goto cleanup;
        }
    } else if (b.len > 0 && (fwrite(b.data, 1, b.len, stdout) != b.len ||
                             fflush(stdout) != 0)) {
        fprintf(stderr, "%s: export: cannot write\n", CLI_NAME);
        goto cleanup;
    }
    if (skipped > 0)
        fprintf(stderr, "%s: export: %zu pages of other forms left out\n",
                CLI_NAME, skipped);
    status = CLI_EXIT_OK;
    goto cleanup;
journal_error:
    fprintf(stderr, "%s: export: %s\n", CLI_NAME, err.message);
cleanup:
    (void)pages;
    free(b.data);
    free(ids);
    review_store_free(st);
    extract_catalog_free(cat);
    return status;
}
