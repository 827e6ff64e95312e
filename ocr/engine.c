/*
 * engine.c: one Tesseract handle per thread, reading single-line
 * rectangles of a page with a per-field character whitelist.
 */
#include "ocr/ocr.h"

#include <leptonica/allheaders.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tesseract/capi.h>

struct ocr_engine {
    TessBaseAPI *api;
    PIX *page;   /* borrowed */
    int choices; /* symbols carry their alternatives */
};

cs_status
ocr_global_init(cs_error *err)
{
    TessBaseAPI *api = TessBaseAPICreate();

    if (api == NULL)
        return cs_error_set(err, CS_ENOMEM, "cannot create Tesseract handle");
    /* debug_file is global: Tesseract's diagnostics may quote text. */
    if (!TessBaseAPISetVariable(api, "debug_file", "/dev/null")) {
        TessBaseAPIDelete(api);
        return cs_error_set(err, CS_EOCR, "cannot redirect Tesseract output");
    }
    TessBaseAPIDelete(api);
    return CS_OK;
}

cs_status
ocr_engine_new(ocr_engine **out, const char *datapath, cs_error *err)
{
    /* Codes, names and numbers: a dictionary only pulls them towards
     * English words. These are init-time parameters. */
    static const char *names[] = {"load_system_dawg",  "load_freq_dawg",
                                  "load_punc_dawg",    "load_number_dawg",
                                  "load_unambig_dawg", "load_bigram_dawg"};
    static const char *values[] = {"0", "0", "0", "0", "0", "0"};
    ocr_engine *eng = NULL;
    cs_status rc = CS_OK;

    if (out == NULL)
        return cs_error_set(err, CS_EINVAL, "ocr_engine_new: out is NULL");
    *out = NULL;
    eng = calloc(1, sizeof(*eng));
    if (eng == NULL)
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    eng->api = TessBaseAPICreate();
    if (eng->api == NULL) {
        rc = cs_error_set(err, CS_ENOMEM, "cannot create Tesseract handle");
        goto cleanup;
    }
    if (TessBaseAPIInit4(eng->api, datapath, "eng", OEM_LSTM_ONLY, NULL, 0,
                         (char **)names, (char **)values,
                         sizeof(names) / sizeof(names[0]), 0) != 0) {
        rc = cs_error_set(err, CS_EOCR,
                          "cannot load Tesseract's English model (is "
                          "tesseract-ocr-eng installed?)");
        goto cleanup;
    }
    (void)TessBaseAPISetVariable(eng->api, "user_defined_dpi", "300");
    /* Data is dark on light: never spend a second pass reading a field
     * as inverted text. */
    (void)TessBaseAPISetVariable(eng->api, "tessedit_do_invert", "0");
    TessBaseAPISetPageSegMode(eng->api, PSM_SINGLE_LINE);
    *out = eng;
    eng = NULL;
cleanup:
    ocr_engine_free(eng);
    return rc;
}

void
ocr_engine_free(ocr_engine *eng)
{
    if (eng == NULL)
        return;
    if (eng->api != NULL) {
        TessBaseAPIEnd(eng->api);
        TessBaseAPIDelete(eng->api);
    }
    free(eng);
}

cs_status
ocr_engine_set_page(ocr_engine *eng, struct Pix *pix, cs_error *err)
{
    if (eng == NULL)
        return cs_error_set(err, CS_EINVAL, "ocr_engine_set_page: bad args");
    TessBaseAPIClear(eng->api);
    eng->page = NULL;
    if (pix == NULL)
        return CS_OK; /* forget the page */
    TessBaseAPISetImage2(eng->api, pix);
    TessBaseAPISetSourceResolution(eng->api, OCR_WORK_DPI);
    eng->page = pix;
    return CS_OK;
}

cs_status
ocr_engine_set_choices(ocr_engine *eng, int on, cs_error *err)
{
    if (eng == NULL)
        return cs_error_set(err, CS_EINVAL,
                            "ocr_engine_set_choices: no engine");
    /* Mode 2: per symbol, the best character of each of a few decodings,
     * each excluding what the ones before chose. */
    if (!TessBaseAPISetVariable(eng->api, "lstm_choice_mode", on ? "2" : "0"))
        return cs_error_set(err, CS_EOCR, "cannot set Tesseract's choice mode");
    eng->choices = on != 0;
    return CS_OK;
}

int
ocr_engine_is_word(ocr_engine *eng, const char *word)
{
    return eng != NULL && word != NULL && word[0] != '\0' &&
           TessBaseAPIIsValidWord(eng->api, word) != 0;
}

/* Appends s to out->text (bounded). */
static void
text_append(ocr_text *out, const char *s)
{
    size_t len = strlen(out->text), add = strlen(s);

    if (len + add >= sizeof(out->text))
        return;
    memcpy(out->text + len, s, add + 1);
}

/* Fills s->choices from the recognizer's alternatives for the symbol at
 * it: distinct characters, best first. */
static void
collect_choices(ocr_symbol *s, const TessResultIterator *it)
{
    TessChoiceIterator *ci = TessResultIteratorGetChoiceIterator(it);

    s->nchoices = 0;
    if (ci == NULL)
        return;
    do {
        const char *ch = TessChoiceIteratorGetUTF8Text(ci);
        float conf = TessChoiceIteratorConfidence(ci);
        size_t k;
        if (ch == NULL || ch[0] == '\0' || strlen(ch) >= sizeof(s->utf8))
            continue;
        for (k = 0; k < s->nchoices; k++)
            if (strcmp(s->choices[k].utf8, ch) == 0)
                break;
        if (k < s->nchoices)
            continue; /* seen: once is enough */
        if (!(conf >= 0.0f && conf <= 100.0f))
            conf = 0.0f;
        /* Insertion by confidence. */
        for (k = s->nchoices; k > 0 && s->choices[k - 1].confidence < conf; k--)
            if (k < OCR_MAX_CHOICES)
                s->choices[k] = s->choices[k - 1];
        if (k >= OCR_MAX_CHOICES)
            continue;
        (void)snprintf(s->choices[k].utf8, sizeof(s->choices[k].utf8), "%s",
                       ch);
        s->choices[k].confidence = conf;
        if (s->nchoices < OCR_MAX_CHOICES)
            s->nchoices++;
    } while (TessChoiceIteratorNext(ci));
    TessChoiceIteratorDelete(ci);
}

/* Walks the result symbol by symbol into out (with each symbol's
 * alternatives when choices is set). */
static void
collect_symbols(ocr_text *out, TessResultIterator *it, int choices)
{
    const TessPageIterator *pit = TessResultIteratorGetPageIterator(it);
    double sum = 0.0;

    do {
        char *sym = TessResultIteratorGetUTF8Text(it, RIL_SYMBOL);
        ocr_symbol *s;
        int l, t, r, b;

        if (sym == NULL)
            continue;
        if (out->nsymbols >= OCR_MAX_SYMBOLS) {
            TessDeleteText(sym);
            break;
        }
        s = &out->symbols[out->nsymbols];
        s->word_start = TessPageIteratorIsAtBeginningOf(pit, RIL_WORD) != 0;
        if (s->word_start && out->nsymbols > 0)
            text_append(out, " ");
        (void)snprintf(s->utf8, sizeof(s->utf8), "%s", sym);
        text_append(out, s->utf8);
        TessDeleteText(sym);
        s->confidence = TessResultIteratorConfidence(it, RIL_SYMBOL);
        if (!(s->confidence >= 0.0f && s->confidence <= 100.0f))
            s->confidence = 0.0f; /* seen out of range in word mode */
        if (TessPageIteratorBoundingBox(pit, RIL_SYMBOL, &l, &t, &r, &b)) {
            s->box.x = l;
            s->box.y = t;
            s->box.w = r - l;
            s->box.h = b - t;
        }
        s->nchoices = 0;
        if (choices)
            collect_choices(s, it);
        if (out->nsymbols == 0 || s->confidence < out->min_confidence)
            out->min_confidence = s->confidence;
        sum += s->confidence;
        out->nsymbols++;
    } while (TessResultIteratorNext(it, RIL_SYMBOL));
    out->mean_confidence =
        out->nsymbols > 0 ? (float)(sum / (double)out->nsymbols) : 0.0f;
}

cs_status
ocr_engine_read(ocr_text *out, ocr_engine *eng, ocr_rect rect,
                ocr_layout layout, const char *whitelist, cs_error *err)
{
    static const TessPageSegMode modes[] = {
        [OCR_LAYOUT_LINE] = PSM_SINGLE_LINE,
        [OCR_LAYOUT_WORD] = PSM_SINGLE_WORD,
        [OCR_LAYOUT_CHAR] = PSM_SINGLE_CHAR,
    };
    TessResultIterator *it;

    if (out == NULL || eng == NULL || eng->page == NULL)
        return cs_error_set(err, CS_EINVAL, "ocr_engine_read: no page");
    if ((unsigned)layout > OCR_LAYOUT_CHAR)
        return cs_error_set(err, CS_EINVAL, "ocr_engine_read: bad layout");
    memset(out, 0, offsetof(ocr_text, symbols));
    /* Tesseract does not clip the rectangle to the page: past an edge it
     * reads whatever memory lies beyond the image, and the reading then
     * depends on what ran before. */
    if (rect.x < 0) {
        rect.w += rect.x;
        rect.x = 0;
    }
    if (rect.y < 0) {
        rect.h += rect.y;
        rect.y = 0;
    }
    if (rect.x + rect.w > (int)pixGetWidth(eng->page))
        rect.w = (int)pixGetWidth(eng->page) - rect.x;
    if (rect.y + rect.h > (int)pixGetHeight(eng->page))
        rect.h = (int)pixGetHeight(eng->page) - rect.y;
    if (rect.w <= 0 || rect.h <= 0)
        return CS_OK;
    TessBaseAPISetPageSegMode(eng->api, modes[layout]);
    (void)TessBaseAPISetVariable(eng->api, "tessedit_char_whitelist",
                                 whitelist != NULL ? whitelist : "");
    TessBaseAPISetRectangle(eng->api, rect.x, rect.y, rect.w, rect.h);
    if (TessBaseAPIRecognize(eng->api, NULL) != 0)
        return cs_error_set(err, CS_EOCR, "Tesseract could not read a field");
    it = TessBaseAPIGetIterator(eng->api);
    if (it == NULL)
        return CS_OK; /* nothing recognized */
    collect_symbols(out, it, eng->choices);
    TessResultIteratorDelete(it);
    return CS_OK;
}
