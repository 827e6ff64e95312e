/*
 * review.h: what the review station's files share (apps/review). The
 * station serves a local web page on which billers correct the fields
 * the pipeline flagged. Everything runs on the HTTP server's one thread:
 * the journal handles, the OCR engine and the page cache belong to it.
 *
 * store.c: the station's own tables in STATE/journal.sqlite (locks,
 *          audit, reviewed records); documents through the journal API.
 * doc.c:   a document under review: its records, flagged fields and
 *          decisions; checking a typed value; the reviewed record.
 * scan.c:  the scanned page again (registration by a fresh reading):
 *          the page picture with every field's box, crops of a field.
 * server.c: the HTTP server (libmicrohttpd).
 */
#ifndef REVIEW_H
#define REVIEW_H

#include <stddef.h>
#include <stdint.h>

#include "common/cs_error.h"
#include "extract/extract.h"
#include "intake/intake.h"

#define REVIEW_WHO_MAX 64
#define REVIEW_FIELD_MAX 64
#define REVIEW_MAX_PAGES 64

/* ---- store.c -------------------------------------------------------- */

typedef struct review_store review_store;

/*
 * Opens the journal of the state folder state (which must exist) and the
 * station's own tables (created if missing). Free with
 * review_store_free(). Returns CS_EIO.
 */
cs_status review_store_open(review_store **out, const char *state,
                            cs_error *err);

void review_store_free(review_store *st);

/* The journal handle (borrowed). */
intake_journal *review_store_journal(review_store *st);

/* The state folder (borrowed). */
const char *review_store_state(const review_store *st);

/* One document waiting for review. */
typedef struct review_queue_item {
    int64_t id;
    int64_t received_ms;
    int pages;
    char holder_who[REVIEW_WHO_MAX]; /* "" when nobody holds it */
    int64_t lock_expires_ms;
} review_queue_item;

/* Documents in needs_review not yet finished here, oldest first, at most
 * max of them; free(*items_out). */
cs_status review_store_queue(review_queue_item **items_out, size_t *n_out,
                             review_store *st, size_t max, int64_t now_ms,
                             cs_error *err);

/*
 * Takes or renews the lock of document doc for holder (a session key)
 * until now_ms + ttl_ms. *got_out is 0 when someone else holds it; then
 * other_who_out names them.
 */
cs_status review_store_lock(int *got_out, char *other_who_out, size_t size,
                            review_store *st, int64_t doc, const char *holder,
                            const char *who, int64_t now_ms, int64_t ttl_ms,
                            cs_error *err);

/* Gives up holder's lock of doc (nothing when holder does not hold it). */
cs_status review_store_unlock(review_store *st, int64_t doc, const char *holder,
                              cs_error *err);

/* One decision of the audit (the latest for its field). */
typedef struct review_decision {
    int page;
    char field[REVIEW_FIELD_MAX];
    char action[16]; /* accept, correct, override, reject */
    char value[EXTRACT_VALUE_MAX];
} review_decision;

/* Appends one decision to the audit: field, old and new value, the rule
 * that was overridden (or NULL), who and when. A page decision has field
 * REVIEW_PAGE_ITEM; a rejection keeps the reviewer's reason as new value. */
cs_status review_store_audit_add(review_store *st, int64_t doc, int page,
                                 const char *field, const char *action,
                                 const char *old_value, const char *new_value,
                                 const char *rule, const char *who,
                                 int64_t now_ms, cs_error *err);

/* The latest decision of each field of doc; free(*out). */
cs_status review_store_decisions(review_decision **out, size_t *n_out,
                                 review_store *st, int64_t doc, cs_error *err);

/* Stores the reviewed record of a page (once; kept forever). */
cs_status review_store_record_put(review_store *st, int64_t doc, int page,
                                  const char *json, const char *who,
                                  int64_t now_ms, cs_error *err);

/* The reviewed record of a page (*found 0 when none; free(*json_out)). */
cs_status review_store_record_get(char **json_out, int *found, review_store *st,
                                  int64_t doc, int page, cs_error *err);

/* 1 when every page of doc has its reviewed record here. */
cs_status review_store_finished(int *out, review_store *st, int64_t doc,
                                cs_error *err);

/* Ids of finished documents (journal state done, or reviewed here), in
 * id order; free(*ids_out). */
cs_status review_store_finished_docs(int64_t **ids_out, size_t *n_out,
                                     review_store *st, cs_error *err);

/* ---- doc.c ---------------------------------------------------------- */

/* The field name of a page-level flag (no template field starts with _). */
#define REVIEW_PAGE_ITEM "_page"

/* One flagged field of a document, or a page's own flags (page_level:
 * field REVIEW_PAGE_ITEM, no value; decided by accept or reject). */
typedef struct review_item {
    int page_level;
    int page;     /* 1-based */
    size_t index; /* field index in the template */
    char field[REVIEW_FIELD_MAX];
    char value[EXTRACT_VALUE_MAX]; /* as read */
    double confidence;
    const char *reasons[EXTRACT_MAX_REASONS]; /* reason ids (constants
                                                 or borrowed from json) */
    size_t nreasons;
    int decided;
    char action[16];
    char decided_value[EXTRACT_VALUE_MAX];
} review_item;

typedef struct review_doc {
    intake_journal_entry entry;
    int npages;
    struct json_t *records[REVIEW_MAX_PAGES];        /* the original readings */
    const extract_template *forms[REVIEW_MAX_PAGES]; /* NULL: none */
    review_item *items;
    size_t nitems, ndecided;
} review_doc;

/*
 * Loads document id with its records and the decisions made so far.
 * Returns CS_EINVAL when there is no such document or it is not waiting
 * for review. Free with review_doc_free().
 */
cs_status review_doc_load(review_doc **out, review_store *st,
                          const extract_catalog *cat, int64_t id,
                          cs_error *err);

void review_doc_free(review_doc *d);

/* The flagged field (page, field) or NULL. */
review_item *review_doc_item(review_doc *d, int page, const char *field);

/*
 * Reason k of item it in plain words (into out, size bytes), with the
 * numbers where the reason has them: for total_mismatch the total and
 * the sum of the lines as read ("total charge 310.00 is not the sum of
 * the lines, 300.00"); otherwise extract_reason_text().
 */
void review_doc_reason_text(char *out, size_t size, const review_doc *d,
                            const review_item *it, size_t k);

/*
 * A reviewer rejects document d because of page item it: the decision
 * goes into the audit and the document to state failed with reason (the
 * reviewer's words, kept in the journal). CS_EINVAL when it is not a
 * page item.
 */
cs_status review_doc_reject(review_doc *d, review_store *st,
                            const review_item *it, const char *reason,
                            const char *who, int64_t now_ms, cs_error *err);

/* Outcome of review_doc_check(). */
typedef struct review_check {
    char value[EXTRACT_VALUE_MAX]; /* normalized */
    const char *reason;            /* first failing rule, or NULL */
} review_check;

/*
 * Checks value for item it of d as extraction would: the field's rules
 * (extract_value_check), then the page's cross-field checks with every
 * decision so far and this value. Returns CS_EINVAL for a value that does
 * not fit.
 */
cs_status review_doc_check(review_check *out, const review_doc *d,
                           const review_item *it, const char *value,
                           cs_error *err);

/*
 * When every flagged field of d is decided: writes each page's reviewed
 * record (STATE/records/<sha256>-p<page>.reviewed.json and the station's
 * table) and sets the document done in the journal. *finished_out says
 * whether it did.
 */
cs_status review_doc_finish(int *finished_out, review_doc *d, review_store *st,
                            const char *who, int64_t now_ms, cs_error *err);

/*
 * The record of a page with the decisions applied (what
 * review_doc_finish() writes). The caller frees *json_out.
 */
cs_status review_doc_record(char **json_out, const review_doc *d, int page,
                            const char *who, int64_t now_ms, cs_error *err);

/* ---- scan.c --------------------------------------------------------- */

typedef struct review_scan review_scan;

/*
 * Reads document d's archived original again with eng (made on first use
 * by the caller) and registers each page to its record's form, so field
 * boxes are known. Free with review_scan_free().
 */
cs_status review_scan_new(review_scan **out, const review_doc *d,
                          const char *state, ocr_engine *eng,
                          const extract_catalog *cat, cs_error *err);

void review_scan_free(review_scan *sc);

int64_t review_scan_doc(const review_scan *sc);

/* The box of field on page (1-based), in the picture's pixels (scaled as
 * review_scan_page_png() draws it); CS_EINVAL when unknown. */
cs_status review_scan_box(ocr_rect *out, const review_scan *sc, int page,
                          const char *field, cs_error *err);

/* The picture of page with every field's box, as PNG (size scaled by
 * REVIEW_PAGE_SCALE). The caller frees *png_out. */
#define REVIEW_PAGE_SCALE 0.4
cs_status review_scan_page_png(uint8_t **png_out, size_t *size_out, int *w_out,
                               int *h_out, review_scan *sc, int page,
                               cs_error *err);

/* The scan around field on page, as PNG. The caller frees *png_out. */
cs_status review_scan_crop_png(uint8_t **png_out, size_t *size_out,
                               const review_scan *sc, int page,
                               const char *field, cs_error *err);

/* ---- server.c ------------------------------------------------------- */

typedef struct review_server review_server;

typedef struct review_server_options {
    const char *state;      /* the state folder */
    const char *forms_dir;  /* templates */
    const char *static_dir; /* the page's HTML, CSS, JS */
    const char *address;    /* IPv4 address to bind */
    int port;               /* 0: any free port */
    const char *token;      /* the session token (token mode) */
    const char *users_file; /* NAME:SHA256HEX lines (users mode), or NULL */
    int64_t lock_ttl_ms;
    size_t max_body;
} review_server_options;

/* Starts serving in a thread of its own. Free (stops) with
 * review_server_free(). */
cs_status review_server_new(review_server **out,
                            const review_server_options *opts, cs_error *err);

void review_server_free(review_server *srv);

/* The port actually bound. */
int review_server_port(const review_server *srv);

#endif
