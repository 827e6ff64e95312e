/*
 * record.c: the claim record of a page as JSON (the output contract of
 * `claimscan extract`), and the overlay picture of where fields were read.
 */
#include "extract/extract_internal.h"

#include <jansson.h>
#include <leptonica/allheaders.h>
#include <math.h>
#include <stdlib.h>

/* Rounds to one decimal, as the record shows confidences and angles. */
static double
round1(double v)
{
    return round(v * 10.0) / 10.0;
}

static json_t *
reasons_json(const char *const *reasons, size_t n)
{
    json_t *arr = json_array();

    for (size_t i = 0; arr != NULL && i < n; i++)
        if (json_array_append_new(arr, json_string(reasons[i])) != 0) {
            json_decref(arr);
            return NULL;
        }
    return arr;
}

/* A JSON string of s; bytes that are not valid UTF-8 become '?'. */
static json_t *
string_json(const char *s)
{
    char buf[4 * EXTRACT_VALUE_MAX];
    size_t n = 0;
    json_t *j = json_string(s);

    if (j != NULL)
        return j;
    for (; *s != '\0' && n + 1 < sizeof(buf); s++)
        buf[n++] = (unsigned char)*s < 0x80 ? *s : '?';
    buf[n] = '\0';
    return json_string(buf);
}

static json_t *
field_json(const extract_field *f)
{
    double conf = isfinite(f->confidence) ? round1(f->confidence) : 0.0;

    return json_pack("{s:o, s:f, s:b, s:o*}", "value", string_json(f->value),
                     "confidence", conf, "review", f->review, "reasons",
                     reasons_json(f->reasons, f->nreasons));
}

cs_status
extract_record_json(char **json_out, const extract_result *res,
                    const char *source, int page_no, const char *sha256,
                    cs_error *err)
{
    json_t *rec = NULL, *fields = NULL;
    cs_status rc = CS_OK;

    if (json_out == NULL || res == NULL || source == NULL || sha256 == NULL)
        return cs_error_set(err, CS_EINVAL, "extract_record_json: bad args");
    *json_out = NULL;
    fields = json_object();
    for (size_t i = 0; fields != NULL && i < res->nfields; i++) {
        json_t *f = field_json(&res->fields[i]);
        if (f == NULL || json_object_set_new(fields, res->fields[i].id, f)) {
            json_decref(fields);
            return cs_error_set(err, CS_ERROR, "cannot write field %s",
                                res->fields[i].id);
        }
    }
    if (fields != NULL)
        rec = json_pack(
            "{s:s, s:i, s:s, s:s?, s:f, s:f, s:b, s:i, s:f, s:o, s:b, s:o*}",
            "source", source, "page", page_no, "sha256", sha256, "form",
            res->form != NULL ? extract_template_name(res->form) : NULL,
            "skew_degrees", round(res->skew_degrees * 100.0) / 100.0,
            "skew_confidence", round1(res->skew_confidence), "deskewed",
            res->deskewed, "turned_degrees", 90 * res->turned,
            "registration_error",
            round1(res->reg.method != EXTRACT_REG_NONE ? res->reg.error : -1.0),
            "fields", fields, "review", res->review, "reasons",
            reasons_json(res->reasons, res->nreasons));
    if (rec == NULL) {
        rc = cs_error_set(err, CS_ENOMEM, "out of memory writing record");
        goto cleanup;
    }
    *json_out = json_dumps(rec, JSON_COMPACT | JSON_PRESERVE_ORDER |
                                    JSON_REAL_PRECISION(6));
    if (*json_out == NULL)
        rc = cs_error_set(err, CS_ENOMEM, "out of memory writing record");
cleanup:
    json_decref(rec);
    return rc;
}

static void
draw_rect(PIX *pix, ocr_rect r, l_uint8 red, l_uint8 green, l_uint8 blue,
          int width)
{
    BOX *b = boxCreate(r.x, r.y, r.w, r.h);

    if (b == NULL)
        return;
    (void)pixRenderBoxArb(pix, b, width, red, green, blue);
    boxDestroy(&b);
}

cs_status
extract_overlay_render(struct Pix **out, const extract_result *res,
                       const ocr_page *page, cs_error *err)
{
    PIX *pix;

    if (out == NULL || res == NULL || page == NULL || page->gray == NULL)
        return cs_error_set(err, CS_EINVAL, "overlay: bad arguments");
    *out = NULL;
    pix = pixConvertTo32(page->gray);
    if (pix == NULL)
        return cs_error_set(err, CS_ENOMEM, "out of memory drawing overlay");
    if (res->form != NULL && res->reg.method != EXTRACT_REG_NONE) {
        extract_zone frame = {0, 0, res->form->ref_width,
                              res->form->ref_height};
        draw_rect(pix, extract__zone_to_page(&res->reg.xf, frame), 0, 0, 255,
                  3);
    }
    for (size_t i = 0; i < res->nfields; i++) {
        const extract_field *f = &res->fields[i];
        if (f->review)
            draw_rect(pix, f->box, 230, 0, 0, 4);
        else if (f->value[0] != '\0')
            draw_rect(pix, f->box, 0, 170, 0, 3);
        else
            draw_rect(pix, f->box, 160, 160, 160, 1);
    }
    *out = pix;
    return CS_OK;
}
