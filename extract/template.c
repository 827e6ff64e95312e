/*
 * template.c: loading form templates (JSON data files in forms/) and the
 * catalog of all of them.
 */
#include "extract/extract_internal.h"

#include <dirent.h>
#include <jansson.h>
#include <leptonica/allheaders.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEMPLATE_FORMAT "claimscan-template/1"
#define MAX_TEMPLATES 32
#define MAX_FIELDS 512
#define MAX_CHECKS 256

struct extract_catalog {
    size_t count;
    extract_template *items[MAX_TEMPLATES];
};

static const struct {
    const char *name;
    extract_kind kind;
    const char *charset; /* default charset name */
} kinds[] = {
    {"text", EXTRACT_KIND_TEXT, "text"},
    {"date8", EXTRACT_KIND_DATE8, "digits"},
    {"date6", EXTRACT_KIND_DATE6, "digits"},
    {"money", EXTRACT_KIND_MONEY, "money"},
    {"phone", EXTRACT_KIND_PHONE, "digits"},
    {"icd", EXTRACT_KIND_ICD, "code"},
    {"check", EXTRACT_KIND_CHECK, NULL},
};

/* Parsing state: the template, its JSON, and where errors are reported. */
typedef struct parser {
    extract_template *tpl;
    json_t *charsets;
    const char *where; /* field id being parsed, for messages */
    cs_error *err;
} parser;

static cs_status
bad(parser *p, const char *what)
{
    return cs_error_set(p->err, CS_EINVAL, "template %s: %s%s%s",
                        p->tpl->name[0] != '\0' ? p->tpl->name : "(unnamed)",
                        p->where != NULL ? p->where : "",
                        p->where != NULL ? ": " : "", what);
}

/* Copies a JSON string into a bounded buffer; fails when absent, not a
 * string, empty or too long. */
static int
copy_string(char *dst, size_t size, const json_t *v)
{
    const char *s = json_string_value(v);

    if (s == NULL || s[0] == '\0' || strlen(s) >= size)
        return -1;
    memcpy(dst, s, strlen(s) + 1);
    return 0;
}

static int
get_number(double *out, const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);

    if (!json_is_number(v))
        return -1;
    *out = json_number_value(v);
    return 0;
}

/* The reference rectangle of grid cell (line, column, width). */
static extract_zone
grid_cell(const extract_template *tpl, double line, double col, double width)
{
    extract_zone z;

    z.x = tpl->grid_x0 + (col - 1.0) * tpl->pitch_x;
    z.y = tpl->grid_y0 + (line - 1.0) * tpl->pitch_y;
    z.w = width * tpl->pitch_x;
    z.h = tpl->pitch_y;
    return z;
}

/* Parses [line, col, width] (or [line, col] for a one-cell check box),
 * shifted down by line_offset lines, or {"box": [x, y, w, h]}. */
static int
parse_cell(extract_zone *out, const extract_template *tpl, const json_t *v,
           int need_width, double line_offset)
{
    size_t n = json_array_size(v);
    double a[4];

    if (!json_is_array(v) || n < 2 || n > 4)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (!json_is_number(json_array_get(v, i)))
            return -1;
        a[i] = json_number_value(json_array_get(v, i));
    }
    if (n == 4) { /* a rectangle in reference pixels */
        if (a[2] <= 0 || a[3] <= 0)
            return -1;
        out->x = a[0];
        out->y = a[1] + line_offset * tpl->pitch_y;
        out->w = a[2];
        out->h = a[3];
        return 0;
    }
    if (need_width && n != 3)
        return -1;
    if (a[0] < 1 || a[1] < 1 || (n == 3 && a[2] < 1))
        return -1;
    *out = grid_cell(tpl, a[0] + line_offset, a[1], n == 3 ? a[2] : 1.0);
    return 0;
}

static int
zone_inside(const extract_template *tpl, extract_zone z)
{
    return z.x >= 0 && z.y >= 0 && z.x + z.w <= tpl->ref_width &&
           z.y + z.h <= tpl->ref_height;
}

static cs_status
parse_charset(parser *p, extract_field_def *f, const json_t *jf,
              const char *fallback)
{
    const json_t *v = json_object_get(jf, "charset");
    const char *name = v != NULL ? json_string_value(v) : fallback;
    const char *set;

    if (v != NULL && name == NULL)
        return bad(p, "\"charset\" must be a string");
    if (name == NULL) {
        f->charset[0] = '\0';
        return CS_OK;
    }
    set = json_string_value(json_object_get(p->charsets, name));
    if (set == NULL) {
        if (v == NULL)
            return bad(p, "the template's \"charsets\" lack a default set");
        set = name; /* a literal set of characters */
    }
    if (strlen(set) >= sizeof(f->charset))
        return bad(p, "charset is too long");
    memcpy(f->charset, set, strlen(set) + 1);
    return CS_OK;
}

/* A list of strings under key of jf, copied into the max slots of size
 * bytes each at slots; *n counts them. what_list and what_item name the
 * list and an entry in the errors. */
static cs_status
parse_strings(parser *p, const json_t *jf, const char *key, char *slots,
              size_t size, size_t max, size_t *n, const char *what_list,
              const char *what_item)
{
    const json_t *list = json_object_get(jf, key);
    size_t i;
    json_t *v;

    if (list == NULL)
        return CS_OK;
    if (!json_is_array(list) || json_array_size(list) > max)
        return bad(p, what_list);
    json_array_foreach(list, i, v)
    {
        if (copy_string(slots + i * size, size, v) != 0)
            return bad(p, what_item);
        (*n)++;
    }
    return CS_OK;
}

static cs_status
parse_rules(parser *p, extract_field_def *f, const json_t *jf)
{
    cs_status rc = parse_strings(
        p, jf, "rules", &f->rules[0][0], sizeof(f->rules[0]), EXTRACT_MAX_RULES,
        &f->nrules, "\"rules\" must be an array of at most 4 names",
        "a rule name is not a short string");

    for (size_t i = 0; rc == CS_OK && i < f->nrules; i++)
        if (!extract__rule_known(f->rules[i]))
            rc = bad(p, "unknown rule");
    return rc;
}

static cs_status
parse_known(parser *p, extract_field_def *f, const json_t *jf)
{
    return parse_strings(p, jf, "known", &f->known[0][0], sizeof(f->known[0]),
                         EXTRACT_MAX_KNOWN, &f->nknown,
                         "\"known\" must be an array of at most 8 strings",
                         "a known value is not a short string");
}

static cs_status
parse_words(parser *p, extract_field_def *f, const json_t *jf)
{
    return parse_strings(p, jf, "words", &f->words[0][0], sizeof(f->words[0]),
                         EXTRACT_MAX_WORDS, &f->nwords,
                         "\"words\" must be an array of at most 4 strings",
                         "a word is not a short string");
}

/* Parses one field object; repeat_n (1-based, 0 when not repeated) and
 * prefix build the id; line_offset shifts it down. */
static cs_status
parse_field(parser *p, extract_field_def *f, const json_t *jf,
            const char *prefix, double line_offset)
{
    extract_template *tpl = p->tpl;
    const char *kind = json_string_value(json_object_get(jf, "kind"));
    const char *id = json_string_value(json_object_get(jf, "id"));
    const char *charset_default = NULL;
    const json_t *at, *opts, *ov;
    const char *oname;
    cs_status rc;
    size_t k;

    memset(f, 0, sizeof(*f));
    p->where = id;
    if (!json_is_object(jf) || id == NULL || id[0] == '\0')
        return bad(p, "a field lacks its \"id\"");
    if (snprintf(f->id, sizeof(f->id), "%s%s", prefix, id) >=
        (int)sizeof(f->id))
        return bad(p, "id is too long");
    p->where = f->id;
    if (kind == NULL)
        return bad(p, "missing \"kind\"");
    for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
        if (strcmp(kinds[k].name, kind) == 0)
            break;
    if (k == sizeof(kinds) / sizeof(kinds[0]))
        return bad(p, "unknown \"kind\"");
    f->kind = kinds[k].kind;
    charset_default = kinds[k].charset;

    if (f->kind == EXTRACT_KIND_CHECK) {
        opts = json_object_get(jf, "options");
        if (!json_is_object(opts) || json_object_size(opts) < 2 ||
            json_object_size(opts) > EXTRACT_MAX_OPTIONS)
            return bad(p, "a check field needs 2 to 8 \"options\"");
        json_object_foreach((json_t *)opts, oname, ov)
        {
            extract_option *o = &f->options[f->noptions];
            if (strlen(oname) == 0 || strlen(oname) >= sizeof(o->name))
                return bad(p, "bad option name");
            memcpy(o->name, oname, strlen(oname) + 1);
            if (parse_cell(&o->cell, tpl, ov, 0, line_offset) != 0 ||
                !zone_inside(tpl, o->cell))
                return bad(p, "an option's position is not [line, column] "
                              "on the form");
            f->zone = f->noptions == 0 ? o->cell : f->zone;
            f->noptions++;
        }
    } else {
        at = json_object_get(jf, "at");
        if (json_is_array(at) && json_is_array(json_array_get(at, 0))) {
            if (json_array_size(at) > EXTRACT_MAX_CELLS)
                return bad(p, "more than 4 cells in \"at\"");
            for (size_t i = 0; i < json_array_size(at); i++)
                if (parse_cell(&f->cells[f->ncells++], tpl,
                               json_array_get(at, i), 1, line_offset) != 0)
                    return bad(p, "a cell is not [line, column, width]");
        } else if (parse_cell(&f->cells[f->ncells++], tpl, at, 1,
                              line_offset) != 0) {
            return bad(p, "\"at\" is not [line, column, width], a list of "
                          "them, or [x, y, w, h]");
        }
        for (size_t i = 0; i < f->ncells; i++)
            if (!zone_inside(tpl, f->cells[i]))
                return bad(p, "a cell lies outside the form");
        f->zone = f->cells[0];
    }
    /* The zone is the union of the cells or options. */
    for (size_t i = 0; i < f->ncells + f->noptions; i++) {
        extract_zone c =
            i < f->ncells ? f->cells[i] : f->options[i - f->ncells].cell;
        double x1 = f->zone.x + f->zone.w, y1 = f->zone.y + f->zone.h;
        if (c.x + c.w > x1)
            x1 = c.x + c.w;
        if (c.y + c.h > y1)
            y1 = c.y + c.h;
        if (c.x < f->zone.x)
            f->zone.x = c.x;
        if (c.y < f->zone.y)
            f->zone.y = c.y;
        f->zone.w = x1 - f->zone.x;
        f->zone.h = y1 - f->zone.y;
    }
    rc = parse_charset(p, f, jf, charset_default);
    if (rc == CS_OK)
        rc = parse_rules(p, f, jf);
    if (rc == CS_OK)
        rc = parse_words(p, f, jf);
    if (rc == CS_OK)
        rc = parse_known(p, f, jf);
    if (rc == CS_OK && extract__template_field_index(tpl, f->id) != (size_t)-1)
        rc = bad(p, "duplicate field id");
    return rc;
}

static cs_status
add_field(parser *p, const json_t *jf, const char *prefix, double offset)
{
    extract_template *tpl = p->tpl;
    cs_status rc;

    if (tpl->nfields >= MAX_FIELDS)
        return bad(p, "too many fields");
    rc = parse_field(p, &tpl->fields[tpl->nfields], jf, prefix, offset);
    if (rc == CS_OK)
        tpl->nfields++;
    return rc;
}

/* Replaces "{n}" in pattern by n. */
static int
expand_id(char *out, size_t size, const char *pattern, int n)
{
    const char *mark = strstr(pattern, "{n}");

    if (mark == NULL)
        return snprintf(out, size, "%s", pattern) >= (int)size ? -1 : 0;
    return snprintf(out, size, "%.*s%d%s", (int)(mark - pattern), pattern, n,
                    mark + 3) >= (int)size
               ? -1
               : 0;
}

static cs_status
parse_fields(parser *p, const json_t *root)
{
    const json_t *fields = json_object_get(root, "fields");
    const json_t *rep = json_object_get(root, "repeat");
    size_t i;
    json_t *jf;
    cs_status rc;

    if (!json_is_array(fields) || json_array_size(fields) == 0)
        return bad(p, "\"fields\" must be a non-empty array");
    p->tpl->fields = calloc(MAX_FIELDS, sizeof(*p->tpl->fields));
    if (p->tpl->fields == NULL)
        return cs_error_set(p->err, CS_ENOMEM, "out of memory");
    json_array_foreach(fields, i, jf)
    {
        rc = add_field(p, jf, "", 0.0);
        if (rc != CS_OK)
            return rc;
    }
    if (rep == NULL)
        return CS_OK;
    p->where = "repeat";
    {
        double count = 0, step = 0;
        const char *pattern = json_string_value(json_object_get(rep, "id"));
        const json_t *rf = json_object_get(rep, "fields");
        if (get_number(&count, rep, "count") != 0 || count < 1 || count > 50 ||
            get_number(&step, rep, "line_step") != 0 || pattern == NULL ||
            !json_is_array(rf))
            return bad(p, "needs \"count\" (1-50), \"line_step\", \"id\" "
                          "and \"fields\"");
        for (int n = 1; n <= (int)count; n++) {
            char prefix[EXTRACT_ID_MAX];
            if (expand_id(prefix, sizeof(prefix), pattern, n) != 0)
                return bad(p, "\"id\" pattern is too long");
            json_array_foreach(rf, i, jf)
            {
                rc = add_field(p, jf, prefix, (n - 1) * step);
                if (rc != CS_OK)
                    return rc;
            }
        }
    }
    return CS_OK;
}

size_t
extract__template_field_index(const extract_template *tpl, const char *id)
{
    for (size_t i = 0; i < tpl->nfields; i++)
        if (strcmp(tpl->fields[i].id, id) == 0)
            return i;
    return (size_t)-1;
}

int
extract__field_has_rule(const extract_field_def *def, const char *rule)
{
    for (size_t r = 0; r < def->nrules; r++)
        if (strcmp(def->rules[r], rule) == 0)
            return 1;
    return 0;
}

/* Resolves a field reference (with "{n}" expanded) to an index. */
static cs_status
check_ref(parser *p, size_t *out, const json_t *c, const char *key, int n)
{
    const char *pattern = json_string_value(json_object_get(c, key));
    char id[EXTRACT_ID_MAX];

    if (pattern == NULL || expand_id(id, sizeof(id), pattern, n) != 0)
        return bad(p, "a check lacks a field name");
    *out = extract__template_field_index(p->tpl, id);
    if (*out == (size_t)-1)
        return bad(p, "a check names a field the template lacks");
    return CS_OK;
}

/* The field ids of the JSON array list (checked for size by the caller)
 * as d's parts; not_field is the error for an id that is no field. */
static cs_status
check_parts(parser *p, extract_check_def *d, const json_t *list,
            const char *not_field)
{
    size_t i;
    json_t *t;

    json_array_foreach(list, i, t)
    {
        const char *id = json_string_value(t);
        d->parts[d->nparts] =
            id != NULL ? extract__template_field_index(p->tpl, id) : (size_t)-1;
        if (d->parts[d->nparts++] == (size_t)-1)
            return bad(p, not_field);
    }
    return CS_OK;
}

/* How many times a check repeats: the repeat count when it uses "{n}". */
static int
check_repeats(const json_t *c, int count)
{
    const char *key;
    json_t *v;

    json_object_foreach((json_t *)c, key, v)
    {
        if (json_is_string(v) && strstr(json_string_value(v), "{n}") != NULL &&
            strcmp(key, "parts") != 0)
            return count;
    }
    return 1;
}

static cs_status
parse_check(parser *p, const json_t *c, int n, int count)
{
    extract_template *tpl = p->tpl;
    extract_check_def *d = &tpl->checks[tpl->nchecks];
    const char *type = json_string_value(json_object_get(c, "check"));
    const json_t *list;
    cs_status rc = CS_OK;

    memset(d, 0, sizeof(*d));
    if (type == NULL)
        return bad(p, "a check lacks its \"check\" type");
    if (strcmp(type, "sum") == 0) {
        d->type = EXTRACT_CHECK_SUM;
        rc = check_ref(p, &d->field, c, "total", n);
        list = json_object_get(c, "parts");
        for (int k = 1; rc == CS_OK && json_is_string(list) && k <= count;
             k++) {
            if (d->nparts >= EXTRACT_MAX_PARTS)
                return bad(p, "too many parts in a sum");
            rc = check_ref(p, &d->parts[d->nparts++], c, "parts", k);
        }
        if (rc == CS_OK && d->nparts == 0)
            rc = bad(p, "a sum check needs \"parts\"");
    } else if (strcmp(type, "date_order") == 0) {
        d->type = EXTRACT_CHECK_DATE_ORDER;
        rc = check_ref(p, &d->field, c, "from", n);
        if (rc == CS_OK)
            rc = check_ref(p, &d->field2, c, "to", n);
    } else if (strcmp(type, "pointer") == 0) {
        d->type = EXTRACT_CHECK_POINTER;
        rc = check_ref(p, &d->field, c, "field", n);
        list = json_object_get(c, "targets");
        if (rc == CS_OK &&
            (!json_is_array(list) || json_array_size(list) > EXTRACT_MAX_PARTS))
            rc = bad(p, "a pointer check needs up to 16 \"targets\"");
        if (rc == CS_OK)
            rc = check_parts(p, d, list, "a pointer target is not a field");
    } else if (strcmp(type, "requires") == 0) {
        size_t i;
        json_t *v;
        const json_t *reason;
        d->type = EXTRACT_CHECK_REQUIRES;
        rc = check_ref(p, &d->field, c, "field", n);
        if (rc == CS_OK)
            rc = check_ref(p, &d->field2, c, "requires", n);
        list = json_object_get(c, "values");
        json_array_foreach(list, i, v)
        {
            if (rc != CS_OK || d->nvalues >= 4 ||
                copy_string(d->values[d->nvalues++], sizeof(d->values[0]), v) !=
                    0)
                rc = rc != CS_OK ? rc : bad(p, "bad \"values\"");
        }
        /* The reason the missing field is flagged with: one the review
         * station can explain. */
        reason = json_object_get(c, "reason");
        if (rc == CS_OK && reason == NULL)
            (void)snprintf(d->reason, sizeof(d->reason), "%s",
                           "original_ref_missing");
        else if (rc == CS_OK &&
                 (copy_string(d->reason, sizeof(d->reason), reason) != 0 ||
                  strcmp(extract__reason_text(d->reason), d->reason) == 0))
            rc = bad(p, "\"reason\" is not a known reason");
    } else if (strcmp(type, "zip_state") == 0) {
        d->type = EXTRACT_CHECK_ZIP_STATE;
        rc = check_ref(p, &d->field, c, "state", n);
        if (rc == CS_OK)
            rc = check_ref(p, &d->field2, c, "zip", n);
    } else if (strcmp(type, "agree") == 0) {
        const json_t *is = json_object_get(c, "is");
        d->type = EXTRACT_CHECK_AGREE;
        d->only_failing = json_is_true(json_object_get(c, "only_failing"));
        rc = check_ref(p, &d->field, c, "field", n);
        if (rc == CS_OK)
            rc = check_ref(p, &d->field2, c, "with", n);
        if (rc == CS_OK && json_object_get(c, "when") != NULL) {
            d->nparts = 1;
            rc = check_ref(p, &d->parts[0], c, "when", n);
            if (rc == CS_OK &&
                copy_string(d->values[0], sizeof(d->values[0]), is) != 0)
                rc = bad(p, "an agree check's \"when\" needs its \"is\"");
            d->nvalues = 1;
        }
    } else if (strcmp(type, "required") == 0) {
        d->type = EXTRACT_CHECK_REQUIRED;
        list = json_object_get(c, "fields");
        if (!json_is_array(list) || json_array_size(list) == 0 ||
            json_array_size(list) > EXTRACT_MAX_PARTS)
            rc = bad(p, "a required check needs 1 to 16 \"fields\"");
        if (rc == CS_OK)
            rc = check_parts(p, d, list, "a required field is not a field");
    } else {
        rc = bad(p, "unknown check type");
    }
    if (rc == CS_OK)
        tpl->nchecks++;
    return rc;
}

static cs_status
parse_checks(parser *p, const json_t *root)
{
    const json_t *checks = json_object_get(root, "checks");
    double count = 1;
    size_t i;
    json_t *c;

    p->where = "checks";
    if (checks == NULL)
        return CS_OK;
    if (!json_is_array(checks))
        return bad(p, "\"checks\" must be an array");
    (void)get_number(&count, json_object_get(root, "repeat"), "count");
    p->tpl->checks = calloc(MAX_CHECKS, sizeof(*p->tpl->checks));
    if (p->tpl->checks == NULL)
        return cs_error_set(p->err, CS_ENOMEM, "out of memory");
    json_array_foreach(checks, i, c)
    {
        int reps = check_repeats(c, (int)count);
        for (int n = 1; n <= reps; n++) {
            cs_status rc;
            if (p->tpl->nchecks >= MAX_CHECKS)
                return bad(p, "too many checks");
            rc = parse_check(p, c, n, (int)count);
            if (rc != CS_OK)
                return rc;
        }
    }
    return CS_OK;
}

static int
parse_number_list(double *out, size_t *n_out, const json_t *arr)
{
    size_t i;
    json_t *v;

    *n_out = 0;
    if (arr == NULL)
        return 0;
    if (!json_is_array(arr) || json_array_size(arr) > EXTRACT_MAX_ANCHORS)
        return -1;
    json_array_foreach(arr, i, v)
    {
        if (!json_is_number(v))
            return -1;
        out[(*n_out)++] = json_number_value(v);
    }
    return 0;
}

static cs_status
parse_anchors(parser *p, const json_t *root)
{
    extract_template *tpl = p->tpl;
    const json_t *a = json_object_get(root, "anchors");
    const json_t *qr = json_object_get(a, "qr");

    p->where = "anchors";
    if (!json_is_object(a))
        return bad(p, "missing \"anchors\"");
    if (parse_number_list(tpl->hrules, &tpl->nhrules,
                          json_object_get(a, "hrules")) != 0 ||
        parse_number_list(tpl->vrules, &tpl->nvrules,
                          json_object_get(a, "vrules")) != 0)
        return bad(p, "\"hrules\" and \"vrules\" must be lists of at most "
                      "48 numbers");
    if (qr != NULL) {
        double q[4];
        size_t nq;
        if (parse_number_list(q, &nq, qr) != 0 || nq != 4 || q[2] <= 0 ||
            q[3] <= 0)
            return bad(p, "\"qr\" must be [x, y, w, h]");
        tpl->qr = (extract_zone){q[0], q[1], q[2], q[3]};
        tpl->has_qr = 1;
    }
    if (tpl->nhrules < 2 && !tpl->has_qr)
        return bad(p, "needs at least 2 \"hrules\" or a \"qr\" to register");
    return CS_OK;
}

/* Reference ink at least this thick both across and along (pixels) is
 * as thick as print: a parenthesis, bold type. */
#define LABEL_THICK 4

/* Builds tpl->labels from the reference image: its ink minus long rules,
 * grown by 3 pixels, so that labels can be erased from registered scans;
 * and tpl->labels_thin, where none of that ink is LABEL_THICK within 3
 * pixels. */
static cs_status
load_labels(parser *p, const char *path)
{
    PIX *pixs = NULL, *pixg = NULL, *pixb = NULL, *pixh = NULL, *pixv = NULL;
    cs_status rc = CS_OK;

    pixs = pixRead(path);
    if (pixs == NULL)
        return cs_error_set(p->err, CS_EIO,
                            "template %s: cannot read its reference image",
                            p->tpl->name);
    if (pixGetWidth(pixs) != p->tpl->ref_width ||
        pixGetHeight(pixs) != p->tpl->ref_height) {
        rc = bad(p, "the reference image's size differs from \"reference\"");
        goto cleanup;
    }
    pixg = pixGetDepth(pixs) == 32 ? pixGetRGBComponent(pixs, COLOR_GREEN)
                                   : pixConvertTo8(pixs, 0);
    pixb = pixg != NULL ? pixThresholdToBinary(pixg, 160) : NULL;
    pixh = pixb != NULL ? ocr_runs_open(pixb, 75, 0) : NULL;
    pixv = pixb != NULL ? ocr_runs_open(pixb, 71, 1) : NULL;
    if (pixh == NULL || pixv == NULL) {
        rc = cs_error_set(p->err, CS_ENOMEM, "out of memory");
        goto cleanup;
    }
    (void)pixSubtract(pixb, pixb, pixh);
    (void)pixSubtract(pixb, pixb, pixv);
    p->tpl->labels = pixDilateBrick(NULL, pixb, 7, 7);
    /* The thick ink, grown as the labels are, is not thin. */
    pixDestroy(&pixh);
    pixh = ocr_thick_ink(pixb, LABEL_THICK);
    if (pixh != NULL && pixDilateBrick(pixv, pixh, 7, 7) != NULL &&
        p->tpl->labels != NULL)
        p->tpl->labels_thin = pixSubtract(NULL, p->tpl->labels, pixv);
    if (p->tpl->labels == NULL || p->tpl->labels_thin == NULL)
        rc = cs_error_set(p->err, CS_ENOMEM, "out of memory");
cleanup:
    pixDestroy(&pixs);
    pixDestroy(&pixg);
    pixDestroy(&pixb);
    pixDestroy(&pixh);
    pixDestroy(&pixv);
    return rc;
}

static cs_status
parse_reference(parser *p, const json_t *root, const char *tpl_path)
{
    extract_template *tpl = p->tpl;
    const json_t *ref = json_object_get(root, "reference");
    const json_t *grid = json_object_get(root, "grid");
    const char *image = json_string_value(json_object_get(ref, "image"));
    double w = 0, h = 0, dpi = 0;
    char path[4096];
    const char *slash;

    p->where = "reference";
    if (get_number(&w, ref, "width") != 0 ||
        get_number(&h, ref, "height") != 0 ||
        get_number(&dpi, ref, "dpi") != 0 || w < 100 || h < 100 || w > 20000 ||
        h > 20000 || dpi < 50 || dpi > 1200)
        return bad(p, "needs \"width\", \"height\" and \"dpi\"");
    tpl->ref_width = (int)w;
    tpl->ref_height = (int)h;
    tpl->ref_dpi = (int)dpi;
    p->where = "grid";
    tpl->pitch_x = tpl->pitch_y = 0;
    if (grid != NULL && (get_number(&tpl->grid_x0, grid, "x0") != 0 ||
                         get_number(&tpl->grid_y0, grid, "y0") != 0 ||
                         get_number(&tpl->pitch_x, grid, "pitch_x") != 0 ||
                         get_number(&tpl->pitch_y, grid, "pitch_y") != 0 ||
                         tpl->pitch_x <= 0 || tpl->pitch_y <= 0))
        return bad(p, "needs \"x0\", \"y0\", \"pitch_x\" and \"pitch_y\"");
    if (grid == NULL) { /* positions are then given in pixels */
        tpl->pitch_x = dpi / 10.0;
        tpl->pitch_y = dpi / 6.0;
    }
    if (image == NULL)
        return CS_OK; /* no labels to erase on black-and-white scans */
    p->where = "reference";
    if (strchr(image, '/') != NULL || image[0] == '.')
        return bad(p, "\"image\" must be a file name in the template's "
                      "folder");
    slash = strrchr(tpl_path, '/');
    if (snprintf(path, sizeof(path), "%.*s%s",
                 slash != NULL ? (int)(slash - tpl_path + 1) : 0, tpl_path,
                 image) >= (int)sizeof(path))
        return bad(p, "path too long");
    return load_labels(p, path);
}

cs_status
extract_template_load(extract_template **out, const char *path, cs_error *err)
{
    extract_template *tpl = NULL;
    json_t *root = NULL;
    json_error_t jerr;
    parser p = {NULL, NULL, NULL, err};
    cs_status rc;
    const char *format;

    if (out == NULL || path == NULL)
        return cs_error_set(err, CS_EINVAL, "template: bad arguments");
    *out = NULL;
    tpl = calloc(1, sizeof(*tpl));
    if (tpl == NULL)
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    p.tpl = tpl;
    root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL) {
        rc = cs_error_set(err, jerr.line < 0 ? CS_EIO : CS_EINVAL,
                          "template: line %d column %d: %s", jerr.line,
                          jerr.column, jerr.text);
        goto cleanup;
    }
    format = json_string_value(json_object_get(root, "format"));
    if (format == NULL || strcmp(format, TEMPLATE_FORMAT) != 0) {
        rc = bad(&p, "\"format\" must be \"" TEMPLATE_FORMAT "\"");
        goto cleanup;
    }
    if (copy_string(tpl->name, sizeof(tpl->name),
                    json_object_get(root, "name")) != 0) {
        rc = bad(&p, "\"name\" must be a short string");
        goto cleanup;
    }
    p.charsets = json_object_get(root, "charsets");
    if ((rc = parse_reference(&p, root, path)) != CS_OK ||
        (rc = parse_anchors(&p, root)) != CS_OK ||
        (rc = parse_fields(&p, root)) != CS_OK ||
        (rc = parse_checks(&p, root)) != CS_OK)
        goto cleanup;
    *out = tpl;
    tpl = NULL;
cleanup:
    json_decref(root);
    extract_template_free(tpl);
    return rc;
}

void
extract_template_free(extract_template *tpl)
{
    if (tpl == NULL)
        return;
    free(tpl->fields);
    free(tpl->checks);
    pixDestroy(&tpl->labels);
    pixDestroy(&tpl->labels_thin);
    free(tpl);
}

const char *
extract_template_name(const extract_template *tpl)
{
    return tpl->name;
}

size_t
extract_template_field_count(const extract_template *tpl)
{
    return tpl->nfields;
}

const char *
extract_template_field_id(const extract_template *tpl, size_t i)
{
    return i < tpl->nfields ? tpl->fields[i].id : NULL;
}

extract_kind
extract_template_field_kind(const extract_template *tpl, size_t i)
{
    return tpl->fields[i].kind;
}

static int
has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);

    return n > m && strcmp(s + n - m, suffix) == 0;
}

static int
name_compare(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

cs_status
extract_catalog_load(extract_catalog **out, const char *dir, cs_error *err)
{
    extract_catalog *cat = NULL;
    DIR *d = NULL;
    struct dirent *e;
    char *names[MAX_TEMPLATES];
    size_t nnames = 0;
    cs_status rc = CS_OK;

    if (out == NULL || dir == NULL)
        return cs_error_set(err, CS_EINVAL, "catalog: bad arguments");
    *out = NULL;
    d = opendir(dir);
    if (d == NULL)
        return cs_error_set(err, CS_EIO, "cannot open the forms folder");
    while ((e = readdir(d)) != NULL && nnames < MAX_TEMPLATES) {
        if (e->d_name[0] == '.' || !has_suffix(e->d_name, ".template"))
            continue;
        names[nnames] = strdup(e->d_name);
        if (names[nnames] == NULL) {
            rc = cs_error_set(err, CS_ENOMEM, "out of memory");
            goto cleanup;
        }
        nnames++;
    }
    qsort(names, nnames, sizeof(names[0]), name_compare);
    cat = calloc(1, sizeof(*cat));
    if (cat == NULL) {
        rc = cs_error_set(err, CS_ENOMEM, "out of memory");
        goto cleanup;
    }
    for (size_t i = 0; i < nnames; i++) {
        char path[4096];
        if (snprintf(path, sizeof(path), "%s/%s", dir, names[i]) >=
            (int)sizeof(path)) {
            rc = cs_error_set(err, CS_EINVAL, "forms path too long");
            goto cleanup;
        }
        rc = extract_template_load(&cat->items[cat->count], path, err);
        if (rc != CS_OK)
            goto cleanup;
        cat->count++;
    }
    if (cat->count == 0) {
        rc = cs_error_set(err, CS_EINVAL,
                          "the forms folder holds no *.template file");
        goto cleanup;
    }
    *out = cat;
    cat = NULL;
cleanup:
    for (size_t i = 0; i < nnames; i++)
        free(names[i]);
    if (d != NULL)
        (void)closedir(d);
    extract_catalog_free(cat);
    return rc;
}

void
extract_catalog_free(extract_catalog *cat)
{
    if (cat == NULL)
        return;
    for (size_t i = 0; i < cat->count; i++)
        extract_template_free(cat->items[i]);
    free(cat);
}

size_t
extract_catalog_count(const extract_catalog *cat)
{
    return cat != NULL ? cat->count : 0;
}

const extract_template *
extract_catalog_get(const extract_catalog *cat, size_t i)
{
    return i < cat->count ? cat->items[i] : NULL;
}

const extract_template *
extract_catalog_find(const extract_catalog *cat, const char *name)
{
    for (size_t i = 0; i < cat->count; i++)
        if (strcmp(cat->items[i]->name, name) == 0)
            return cat->items[i];
    return NULL;
}
