/*
 * server.c: the review station's HTTP server (libmicrohttpd, one internal
 * thread). That thread owns the store, the OCR engine and the page cache,
 * so nothing here is shared between threads. Every request is
 * authenticated (session cookie from /login?token=..., a Bearer token, or
 * HTTP Basic against a users file) and every response forbids caching.
 * Logs name documents by id and fields by id, never values.
 */
#include "apps/cli/cli.h"
#include "apps/review/review.h"

#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>

#include "common/log.h"

#define MAX_SESSIONS 64
#define MAX_USERS 64
#define SCAN_CACHE 3
#define QUEUE_MAX 200
#define STATIC_MAX (1u << 20)
#define PATH_CAP 4096
#define SESSION_COOKIE "cs_review"
#define REALM "claimscan review"

typedef struct session {
    char sid[65];
    char who[REVIEW_WHO_MAX];
    int64_t last_ms;
} session;

typedef struct user {
    char name[REVIEW_WHO_MAX];
    char hash[65]; /* hex SHA-256 of the password */
} user;

/* Who is asking: the lock holder key and the name in the audit. */
typedef struct caller {
    char holder[96];
    char who[REVIEW_WHO_MAX];
} caller;

struct review_server {
    struct MHD_Daemon *daemon;
    review_store *st;
    extract_catalog *cat;
    ocr_engine *eng;
    review_scan *cache[SCAN_CACHE]; /* [0] most recent */
    session sessions[MAX_SESSIONS];
    user users[MAX_USERS];
    size_t nusers;
    int users_mode;
    char token[128];
    char static_dir[PATH_CAP];
    int64_t lock_ttl_ms;
    size_t max_body;
    int port;
};

/* Per request: the body read so far. */
typedef struct request {
    char *body;
    size_t len;
    int too_big;
} request;

static int64_t
now_ms(void)
{
    struct timespec ts;

    (void)clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Compares two strings in time that depends only on their lengths. */
static int
secret_equal(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    unsigned char diff = la != lb;

    for (size_t i = 0; i < la && i < lb; i++)
        diff |= (unsigned char)(a[i] ^ b[i]);
    return diff == 0;
}

/* A reviewer's name: 1 to 32 of [A-Za-z0-9._-]. */
static int
name_valid(const char *s)
{
    size_t n = 0;

    if (s == NULL)
        return 0;
    for (; s[n] != '\0'; n++) {
        char c = s[n];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
            return 0;
    }
    return n >= 1 && n <= 32;
}

/* A field id: 1 to 63 of [a-z0-9_]. */
static int
field_valid(const char *s, size_t n)
{
    if (n < 1 || n >= REVIEW_FIELD_MAX)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
              s[i] == '_'))
            return 0;
    return 1;
}

static int
random_hex(char *out, size_t nbytes)
{
    unsigned char buf[32];
    static const char hex[] = "0123456789abcdef";

    if (nbytes > sizeof(buf) || getrandom(buf, nbytes, 0) != (ssize_t)nbytes)
        return -1;
    for (size_t i = 0; i < nbytes; i++) {
        out[2 * i] = hex[buf[i] >> 4];
        out[2 * i + 1] = hex[buf[i] & 15];
    }
    out[2 * nbytes] = '\0';
    return 0;
}

/* ---- responses ------------------------------------------------------ */

static void
add_headers(struct MHD_Response *r, const char *type)
{
    (void)MHD_add_response_header(r, "Content-Type", type);
    (void)MHD_add_response_header(r, "Cache-Control", "no-store");
    (void)MHD_add_response_header(r, "Pragma", "no-cache");
    (void)MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    (void)MHD_add_response_header(r, "X-Frame-Options", "DENY");
    (void)MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    (void)MHD_add_response_header(
        r, "Content-Security-Policy",
        "default-src 'self'; img-src 'self'; style-src 'self'; "
        "script-src 'self'; frame-ancestors 'none'");
}

/* Sends size bytes of data (copied) with status and type. */
static enum MHD_Result
send_bytes(struct MHD_Connection *c, unsigned status, const char *type,
           const void *data, size_t size)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(
        size, (void *)(uintptr_t)data, MHD_RESPMEM_MUST_COPY);
    enum MHD_Result ret;

    if (r == NULL)
        return MHD_NO;
    add_headers(r, type);
    ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

/* Sends j (stolen) as JSON. */
static enum MHD_Result
send_json(struct MHD_Connection *c, unsigned status, json_t *j)
{
    char *text =
        j != NULL ? json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(6)) : NULL;
    enum MHD_Result ret;

    json_decref(j);
    if (text == NULL)
        return send_bytes(c, 500, "application/json",
                          "{\"error\":\"out of memory\"}", 25);
    ret = send_bytes(c, status, "application/json", text, strlen(text));
    free(text);
    return ret;
}

static enum MHD_Result
send_error(struct MHD_Connection *c, unsigned status, const char *msg)
{
    return send_json(c, status, json_pack("{s:s}", "error", msg));
}

static enum MHD_Result
send_unauthorized(review_server *srv, struct MHD_Connection *c)
{
    static const char body[] = "{\"error\":\"authentication required\"}";
    struct MHD_Response *r;
    enum MHD_Result ret;

    if (!srv->users_mode)
        return send_error(c, 401,
                          "authentication required: open the "
                          "address printed at start");
    r = MHD_create_response_from_buffer(sizeof(body) - 1, (void *)body,
                                        MHD_RESPMEM_PERSISTENT);
    if (r == NULL)
        return MHD_NO;
    add_headers(r, "application/json");
    ret = MHD_queue_basic_auth_fail_response(c, REALM, r);
    MHD_destroy_response(r);
    return ret;
}

/* ---- authentication ------------------------------------------------- */

static session *
session_find(review_server *srv, const char *sid)
{
    if (sid == NULL || strlen(sid) != 64)
        return NULL;
    for (size_t i = 0; i < MAX_SESSIONS; i++)
        if (srv->sessions[i].sid[0] != '\0' &&
            secret_equal(srv->sessions[i].sid, sid))
            return &srv->sessions[i];
    return NULL;
}

static session *
session_new(review_server *srv, const char *who)
{
    session *s = &srv->sessions[0];

    for (size_t i = 0; i < MAX_SESSIONS; i++) {
        if (srv->sessions[i].sid[0] == '\0') {
            s = &srv->sessions[i];
            break;
        }
        if (srv->sessions[i].last_ms < s->last_ms)
            s = &srv->sessions[i];
    }
    if (random_hex(s->sid, 32) != 0)
        return NULL;
    (void)snprintf(s->who, sizeof(s->who), "%s", who);
    s->last_ms = now_ms();
    return s;
}

/* Fills who with the caller; 0 when authenticated. */
static int
authenticate(caller *who, review_server *srv, struct MHD_Connection *c)
{
    const char *cookie =
        MHD_lookup_connection_value(c, MHD_COOKIE_KIND, SESSION_COOKIE);
    const char *auth =
        MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    session *s = session_find(srv, cookie);

    if (s != NULL) {
        s->last_ms = now_ms();
        (void)snprintf(who->holder, sizeof(who->holder), "session:%.16s",
                       s->sid);
        (void)snprintf(who->who, sizeof(who->who), "%s", s->who);
        return 0;
    }
    if (!srv->users_mode && auth != NULL && strncmp(auth, "Bearer ", 7) == 0 &&
        secret_equal(auth + 7, srv->token)) {
        const char *name =
            MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Reviewer");
        (void)snprintf(who->who, sizeof(who->who), "%s",
                       name_valid(name) ? name : "api");
        (void)snprintf(who->holder, sizeof(who->holder), "bearer:%s", who->who);
        return 0;
    }
    if (srv->users_mode && auth != NULL && strncmp(auth, "Basic ", 6) == 0) {
        char *pass = NULL;
        char *name = MHD_basic_auth_get_username_password(c, &pass);
        int ok = 0;

        if (name != NULL && pass != NULL) {
            char hash[65];
            if (intake_sha256_hex(hash, (const uint8_t *)pass, strlen(pass),
                                  NULL) == CS_OK)
                for (size_t i = 0; i < srv->nusers; i++)
                    if (strcmp(srv->users[i].name, name) == 0 &&
                        secret_equal(srv->users[i].hash, hash))
                        ok = 1;
        }
        if (ok) {
            (void)snprintf(who->who, sizeof(who->who), "%s", name);
            (void)snprintf(who->holder, sizeof(who->holder), "user:%s", name);
        }
        MHD_free(name);
        MHD_free(pass);
        return ok ? 0 : -1;
    }
    return -1;
}

/* GET /login?token=T[&name=N]: a session cookie, then the queue. */
static enum MHD_Result
handle_login(review_server *srv, struct MHD_Connection *c)
{
    const char *token =
        MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "token");
    const char *name =
        MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "name");
    char cookie[160];
    struct MHD_Response *r;
    enum MHD_Result ret;
    session *s;

    if (srv->users_mode || token == NULL || !secret_equal(token, srv->token))
        return send_unauthorized(srv, c);
    s = session_new(srv, name_valid(name) ? name : "reviewer");
    if (s == NULL)
        return send_error(c, 500, "no random numbers");
    (void)snprintf(cookie, sizeof(cookie),
                   "%s=%s; Path=/; HttpOnly; SameSite=Strict", SESSION_COOKIE,
                   s->sid);
    r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
    if (r == NULL)
        return MHD_NO;
    add_headers(r, "text/plain");
    (void)MHD_add_response_header(r, "Set-Cookie", cookie);
    (void)MHD_add_response_header(r, "Location", "/");
    ret = MHD_queue_response(c, 303, r);
    MHD_destroy_response(r);
    cs_log(CS_LOG_INFO, "review: session opened for %s", s->who);
    return ret;
}

/* ---- static files --------------------------------------------------- */

static enum MHD_Result
handle_static(review_server *srv, struct MHD_Connection *c, const char *name)
{
    static const struct {
        const char *name, *type;
    } files[] = {
        {"index.html", "text/html; charset=utf-8"},
        {"app.js", "text/javascript; charset=utf-8"},
        {"style.css", "text/css; charset=utf-8"},
    };
    char path[PATH_CAP];
    uint8_t *data = NULL;
    size_t size = 0;
    enum MHD_Result ret;

    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        int n;
        if (strcmp(name, files[i].name) != 0)
            continue;
        n = snprintf(path, sizeof(path), "%s/%s", srv->static_dir, name);
        if (n < 0 || (size_t)n >= sizeof(path) ||
            intake_file_read(&data, &size, path, STATIC_MAX, NULL) != CS_OK)
            return send_error(c, 500, "page missing");
        ret = send_bytes(c, 200, files[i].type, data, size);
        free(data);
        return ret;
    }
    return send_error(c, 404, "not found");
}

/* ---- documents ------------------------------------------------------ */

/* The form and flagged-field count of document id, for the queue. */
static void
queue_counts(const char **form_out, size_t *flagged_out, review_server *srv,
             int64_t id)
{
    review_doc *d = NULL;

    *form_out = "";
    *flagged_out = 0;
    if (review_doc_load(&d, srv->st, srv->cat, id, NULL) != CS_OK)
        return;
    for (int p = 0; p < d->npages; p++)
        if (d->forms[p] != NULL) {
            *form_out = extract_template_name(d->forms[p]);
            break;
        }
    *flagged_out = d->nitems - d->ndecided;
    review_doc_free(d);
}

static enum MHD_Result
handle_queue(review_server *srv, struct MHD_Connection *c, const caller *who)
{
    review_queue_item *items = NULL;
    size_t n = 0;
    cs_error err = CS_ERROR_INIT;
    json_t *arr;
    int64_t now = now_ms();

    if (review_store_queue(&items, &n, srv->st, QUEUE_MAX, now, &err) !=
        CS_OK) {
        cs_log(CS_LOG_ERROR, "review: queue: %s", err.message);
        return send_error(c, 500, "journal error");
    }
    arr = json_array();
    for (size_t i = 0; arr != NULL && i < n; i++) {
        char when[32];
        const char *form;
        size_t flagged;

        cli_format_utc(when, sizeof(when), items[i].received_ms, 0);
        queue_counts(&form, &flagged, srv, items[i].id);
        (void)json_array_append_new(
            arr, json_pack("{s:I,s:s,s:s,s:i,s:I,s:s?,s:b}", "id",
                           (json_int_t)items[i].id, "form", form, "received",
                           when, "pages", items[i].pages, "flagged",
                           (json_int_t)flagged, "holder",
                           items[i].holder_who[0] != '\0' ? items[i].holder_who
                                                          : NULL,
                           "mine",
                           items[i].holder_who[0] != '\0' &&
                               strcmp(items[i].holder_who, who->who) == 0));
    }
    free(items);
    return send_json(
        c, 200,
        json_pack("{s:s,s:o?}", "reviewer", who->who, "documents", arr));
}

/* The cached reading of d, made when missing. */
static review_scan *
scan_get(review_server *srv, const review_doc *d, cs_error *err)
{
    review_scan *sc = NULL;
    size_t i;

    for (i = 0; i < SCAN_CACHE; i++)
        if (srv->cache[i] != NULL &&
            review_scan_doc(srv->cache[i]) == d->entry.id) {
            sc = srv->cache[i];
            break;
        }
    if (sc == NULL) {
        if (srv->eng == NULL && ocr_engine_new(&srv->eng, NULL, err) != CS_OK)
            return NULL;
        if (review_scan_new(&sc, d, review_store_state(srv->st), srv->eng,
                            srv->cat, err) != CS_OK)
            return NULL;
        i = SCAN_CACHE - 1;
        review_scan_free(srv->cache[i]);
    }
    for (; i > 0; i--)
        srv->cache[i] = srv->cache[i - 1];
    srv->cache[0] = sc;
    return sc;
}

/* The reason ids of it, or (text) the reasons in plain words with their
 * numbers. */
static json_t *
reasons_json(const review_doc *d, const review_item *it, int text)
{
    json_t *arr = json_array();
    char words[256];

    for (size_t k = 0; arr != NULL && k < it->nreasons; k++) {
        if (text)
            review_doc_reason_text(words, sizeof(words), d, it, k);
        (void)json_array_append_new(arr,
                                    json_string(text ? words : it->reasons[k]));
    }
    return arr;
}

/* The page item of page, or NULL when the page has no flags of its own. */
static const review_item *
page_item(const review_doc *d, int page)
{
    for (size_t i = 0; i < d->nitems; i++)
        if (d->items[i].page == page && d->items[i].page_level)
            return &d->items[i];
    return NULL;
}

/* The document as the page needs it. */
static json_t *
doc_json(review_server *srv, const review_doc *d, const review_scan *sc)
{
    json_t *pages = json_array(), *fields = json_array();
    char when[32];

    for (int p = 1; pages != NULL && p <= d->npages; p++) {
        const review_item *pi = page_item(d, p);
        json_t *flags = NULL;
        char url[96];

        (void)snprintf(url, sizeof(url), "/api/docs/%lld/pages/%d/image.png",
                       (long long)d->entry.id, p);
        if (pi != NULL)
            flags = json_pack("{s:o?,s:o?,s:b,s:s}", "reasons",
                              reasons_json(d, pi, 0), "reasons_text",
                              reasons_json(d, pi, 1), "decided", pi->decided,
                              "action", pi->action);
        (void)json_array_append_new(
            pages, json_pack("{s:i,s:s?,s:s,s:o?}", "page", p, "form",
                             d->forms[p - 1] != NULL
                                 ? extract_template_name(d->forms[p - 1])
                                 : NULL,
                             "image", url, "flags", flags));
    }
    for (size_t i = 0; fields != NULL && i < d->nitems; i++) {
        const review_item *it = &d->items[i];
        char url[160];
        ocr_rect b;
        json_t *box = NULL;

        if (it->page_level)
            continue;
        (void)snprintf(url, sizeof(url), "/api/docs/%lld/pages/%d/crops/%s.png",
                       (long long)d->entry.id, it->page, it->field);
        if (sc != NULL &&
            review_scan_box(&b, sc, it->page, it->field, NULL) == CS_OK)
            box = json_pack("{s:i,s:i,s:i,s:i}", "x", b.x, "y", b.y, "w", b.w,
                            "h", b.h);
        (void)json_array_append_new(
            fields,
            json_pack("{s:i,s:s,s:s,s:f,s:o?,s:o?,s:o?,s:s,s:b,s:s,s:s}",
                      "page", it->page, "field", it->field, "value", it->value,
                      "confidence", it->confidence, "reasons",
                      reasons_json(d, it, 0), "reasons_text",
                      reasons_json(d, it, 1), "box", box, "crop", url,
                      "decided", it->decided, "action", it->action,
                      "decided_value", it->decided_value));
    }
    (void)srv;
    cli_format_utc(when, sizeof(when), d->entry.received_ms, 0);
    return json_pack("{s:I,s:s,s:i,s:o?,s:o?,s:i,s:i}", "id",
                     (json_int_t)d->entry.id, "received", when, "npages",
                     d->npages, "pages", pages, "fields", fields, "flagged",
                     (int)d->nitems, "decided", (int)d->ndecided);
}

/* Loads document id for a request; on failure the response is sent. */
static int
load_doc(review_doc **out, enum MHD_Result *ret, review_server *srv,
         struct MHD_Connection *c, int64_t id)
{
    cs_error err = CS_ERROR_INIT;
    cs_status rc = review_doc_load(out, srv->st, srv->cat, id, &err);

    if (rc == CS_OK)
        return 0;
    if (rc == CS_EINVAL)
        *ret = send_error(c, 404, "no such document waiting for review");
    else {
        cs_log(CS_LOG_ERROR, "review: document %lld: %s", (long long)id,
               err.message);
        *ret = send_error(c, 500, "cannot load the document");
    }
    return -1;
}

/* Takes or renews the caller's lock; on refusal the 409 is sent. */
static int
take_lock(enum MHD_Result *ret, review_server *srv, struct MHD_Connection *c,
          const caller *who, int64_t id)
{
    char other[REVIEW_WHO_MAX];
    cs_error err = CS_ERROR_INIT;
    int got = 0;

    if (review_store_lock(&got, other, sizeof(other), srv->st, id, who->holder,
                          who->who, now_ms(), srv->lock_ttl_ms,
                          &err) != CS_OK) {
        cs_log(CS_LOG_ERROR, "review: lock: %s", err.message);
        *ret = send_error(c, 500, "journal error");
        return -1;
    }
    if (!got) {
        *ret = send_json(c, 409,
                         json_pack("{s:s,s:s}", "error",
                                   "another reviewer is working on this "
                                   "document",
                                   "holder", other));
        return -1;
    }
    return 0;
}

static enum MHD_Result
handle_lock(review_server *srv, struct MHD_Connection *c, const caller *who,
            int64_t id)
{
    enum MHD_Result ret = MHD_NO;
    review_doc *d = NULL;
    review_scan *sc;
    cs_error err = CS_ERROR_INIT;

    if (load_doc(&d, &ret, srv, c, id) != 0)
        return ret;
    if (take_lock(&ret, srv, c, who, id) != 0)
        goto cleanup;
    sc = scan_get(srv, d, &err);
    if (sc == NULL)
        cs_log(CS_LOG_WARN, "review: document %lld: no field boxes: %s",
               (long long)id, err.message);
    cs_log(CS_LOG_INFO, "review: document %lld opened by %s", (long long)id,
           who->who);
    ret = send_json(c, 200, doc_json(srv, d, sc));
cleanup:
    review_doc_free(d);
    return ret;
}

static enum MHD_Result
handle_unlock(review_server *srv, struct MHD_Connection *c, const caller *who,
              int64_t id)
{
    if (review_store_unlock(srv->st, id, who->holder, NULL) != CS_OK)
        return send_error(c, 500, "journal error");
    return send_json(c, 200, json_pack("{s:b}", "ok", 1));
}

static enum MHD_Result
handle_image(review_server *srv, struct MHD_Connection *c, int64_t id, int page,
             const char *field)
{
    enum MHD_Result ret = MHD_NO;
    review_doc *d = NULL;
    review_scan *sc;
    uint8_t *png = NULL;
    size_t size = 0;
    cs_error err = CS_ERROR_INIT;
    cs_status rc;

    if (load_doc(&d, &ret, srv, c, id) != 0)
        return ret;
    if (page < 1 || page > d->npages ||
        (field != NULL && (review_doc_item(d, page, field) == NULL ||
                           review_doc_item(d, page, field)->page_level))) {
        ret = send_error(c, 404, "not found");
        goto cleanup;
    }
    sc = scan_get(srv, d, &err);
    if (sc == NULL) {
        cs_log(CS_LOG_ERROR, "review: document %lld: %s", (long long)id,
               err.message);
        ret = send_error(c, 500, "cannot read the scan");
        goto cleanup;
    }
    if (field != NULL)
        rc = review_scan_crop_png(&png, &size, sc, page, field, &err);
    else
        rc = review_scan_page_png(&png, &size, NULL, NULL, sc, page, &err);
    if (rc != CS_OK) {
        ret = send_error(c, rc == CS_EINVAL ? 404 : 500, "no picture");
        goto cleanup;
    }
    ret = send_bytes(c, 200, "image/png", png, size);
cleanup:
    free(png);
    review_doc_free(d);
    return ret;
}

/* POST /api/docs/ID/pages/P/fields/F {"action", "value", "override"} */
static enum MHD_Result
handle_field(review_server *srv, struct MHD_Connection *c, const caller *who,
             int64_t id, int page, const char *field, const request *req)
{
    enum MHD_Result ret = MHD_NO;
    review_doc *d = NULL;
    review_item *it;
    review_check chk;
    json_t *body = NULL;
    json_error_t jerr;
    const char *action, *typed, *final_action;
    const char *old_value;
    cs_error err = CS_ERROR_INIT;
    int override, finished = 0;
    cs_status rc;
    int64_t now = now_ms();

    if (load_doc(&d, &ret, srv, c, id) != 0)
        return ret;
    it = review_doc_item(d, page, field);
    if (it == NULL || it->page_level) {
        ret = send_error(c, 404, "no such flagged field");
        goto cleanup;
    }
    body = req->body != NULL ? json_loadb(req->body, req->len, 0, &jerr) : NULL;
    action = json_string_value(json_object_get(body, "action"));
    typed = json_string_value(json_object_get(body, "value"));
    override = json_is_true(json_object_get(body, "override"));
    if (!json_is_object(body) || action == NULL ||
        (strcmp(action, "accept") != 0 && strcmp(action, "correct") != 0) ||
        (strcmp(action, "correct") == 0 &&
         (typed == NULL || strlen(typed) >= EXTRACT_VALUE_MAX))) {
        ret = send_error(c, 400,
                         "expected {\"action\": \"accept\"|"
                         "\"correct\", \"value\": ...}");
        goto cleanup;
    }
    if (take_lock(&ret, srv, c, who, id) != 0)
        goto cleanup;
    old_value = it->decided ? it->decided_value : it->value;
    if (strcmp(action, "accept") == 0)
        typed = old_value;
    rc = review_doc_check(&chk, d, it, typed, &err);
    if (rc != CS_OK) {
        ret = send_error(c, rc == CS_EINVAL ? 400 : 500, "cannot check");
        goto cleanup;
    }
    if (chk.reason != NULL && !override) {
        ret = send_json(
            c, 422,
            json_pack("{s:s,s:s,s:s,s:s}", "error", "the value fails a rule",
                      "reason", chk.reason, "reason_text",
                      extract_reason_text(chk.reason), "value", chk.value));
        goto cleanup;
    }
    final_action = chk.reason != NULL                  ? "override"
                   : strcmp(chk.value, it->value) == 0 ? "accept"
                                                       : "correct";
    rc = review_store_audit_add(srv->st, id, page, field, final_action,
                                old_value, chk.value, chk.reason, who->who, now,
                                &err);
    if (rc != CS_OK) {
        cs_log(CS_LOG_ERROR, "review: audit: %s", err.message);
        ret = send_error(c, 500, "journal error");
        goto cleanup;
    }
    cs_log(CS_LOG_INFO, "review: document %lld page %d field %s: %s by %s",
           (long long)id, page, field, final_action, who->who);
    if (!it->decided)
        d->ndecided++;
    it->decided = 1;
    (void)snprintf(it->action, sizeof(it->action), "%s", final_action);
    (void)snprintf(it->decided_value, sizeof(it->decided_value), "%s",
                   chk.value);
    rc = review_doc_finish(&finished, d, srv->st, who->who, now, &err);
    if (rc != CS_OK) {
        cs_log(CS_LOG_ERROR, "review: document %lld: %s", (long long)id,
               err.message);
        ret = send_error(c, 500, "cannot write the reviewed record");
        goto cleanup;
    }
    if (finished) {
        (void)review_store_unlock(srv->st, id, who->holder, NULL);
        cs_log(CS_LOG_INFO, "review: document %lld reviewed", (long long)id);
    }
    ret =
        send_json(c, 200,
                  json_pack("{s:b,s:s,s:s,s:i,s:b}", "ok", 1, "action",
                            final_action, "value", chk.value, "remaining",
                            (int)(d->nitems - d->ndecided), "done", finished));
cleanup:
    json_decref(body);
    review_doc_free(d);
    return ret;
}

/* A reviewer's reason for a rejection: 1 to 200 bytes, no control
 * characters (it ends up in the journal and in `claimscan status`). */
static int
reject_reason_valid(const char *s)
{
    size_t n = s != NULL ? strlen(s) : 0;

    if (n < 1 || n > 200)
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return 0;
    return 1;
}

/* POST /api/docs/ID/pages/P/decision {"action": "accept"} or
 * {"action": "reject", "reason": "..."}: the page's own flags. */
static enum MHD_Result
handle_page_decision(review_server *srv, struct MHD_Connection *c,
                     const caller *who, int64_t id, int page,
                     const request *req)
{
    enum MHD_Result ret = MHD_NO;
    review_doc *d = NULL;
    review_item *it;
    json_t *body = NULL;
    json_error_t jerr;
    const char *action, *reason;
    cs_error err = CS_ERROR_INIT;
    int finished = 0;
    cs_status rc;
    int64_t now = now_ms();

    if (load_doc(&d, &ret, srv, c, id) != 0)
        return ret;
    it = review_doc_item(d, page, REVIEW_PAGE_ITEM);
    if (it == NULL) {
        ret = send_error(c, 404, "the page has no flags of its own");
        goto cleanup;
    }
    body = req->body != NULL ? json_loadb(req->body, req->len, 0, &jerr) : NULL;
    action = json_string_value(json_object_get(body, "action"));
    reason = json_string_value(json_object_get(body, "reason"));
    if (!json_is_object(body) || action == NULL ||
        (strcmp(action, "accept") != 0 && strcmp(action, "reject") != 0) ||
        (strcmp(action, "reject") == 0 && !reject_reason_valid(reason))) {
        ret = send_error(c, 400,
                         "expected {\"action\": \"accept\"} or "
                         "{\"action\": \"reject\", \"reason\": ...}");
        goto cleanup;
    }
    if (take_lock(&ret, srv, c, who, id) != 0)
        goto cleanup;
    if (strcmp(action, "reject") == 0) {
        rc = review_doc_reject(d, srv->st, it, reason, who->who, now, &err);
        if (rc != CS_OK) {
            cs_log(CS_LOG_ERROR, "review: document %lld: %s", (long long)id,
                   err.message);
            ret = send_error(c, 500, "cannot reject the document");
            goto cleanup;
        }
        (void)review_store_unlock(srv->st, id, who->holder, NULL);
        cs_log(CS_LOG_INFO, "review: document %lld page %d rejected by %s",
               (long long)id, page, who->who);
        ret = send_json(c, 200,
                        json_pack("{s:b,s:s,s:s,s:b}", "ok", 1, "action",
                                  "reject", "state", "failed", "done", 1));
        goto cleanup;
    }
    rc = review_store_audit_add(srv->st, id, page, it->field, "accept", "", "",
                                NULL, who->who, now, &err);
    if (rc != CS_OK) {
        cs_log(CS_LOG_ERROR, "review: audit: %s", err.message);
        ret = send_error(c, 500, "journal error");
        goto cleanup;
    }
    cs_log(CS_LOG_INFO, "review: document %lld page %d: accepted as is by %s",
           (long long)id, page, who->who);
    if (!it->decided)
        d->ndecided++;
    it->decided = 1;
    (void)snprintf(it->action, sizeof(it->action), "accept");
    rc = review_doc_finish(&finished, d, srv->st, who->who, now, &err);
    if (rc != CS_OK) {
        cs_log(CS_LOG_ERROR, "review: document %lld: %s", (long long)id,
               err.message);
        ret = send_error(c, 500, "cannot write the reviewed record");
        goto cleanup;
    }
    if (finished) {
        (void)review_store_unlock(srv->st, id, who->holder, NULL);
        cs_log(CS_LOG_INFO, "review: document %lld reviewed", (long long)id);
    }
    ret = send_json(c, 200,
                    json_pack("{s:b,s:s,s:i,s:b}", "ok", 1, "action", "accept",
                              "remaining", (int)(d->nitems - d->ndecided),
                              "done", finished));
cleanup:
    json_decref(body);
    review_doc_free(d);
    return ret;
}

/* ---- routing -------------------------------------------------------- */

/* Parses "/api/docs/ID[/REST]": the id and the rest ("" or "/..."). */
static int
parse_doc_url(int64_t *id_out, const char **rest_out, const char *url)
{
    const char *p = url + strlen("/api/docs/");
    char *end = NULL;
    long long v;

    if (*p < '1' || *p > '9')
        return -1;
    errno = 0;
    v = strtoll(p, &end, 10);
    if (errno != 0 || v <= 0 || (*end != '\0' && *end != '/'))
        return -1;
    *id_out = (int64_t)v;
    *rest_out = end;
    return 0;
}

/* Parses "/pages/P/KIND/NAME.ext" or "/pages/P/image.png". */
static int
parse_page_url(int *page_out, const char **kind_out, char *name_out,
               const char *rest, const char *ext)
{
    char *end = NULL;
    const char *slash, *name;
    size_t n, le = strlen(ext);
    long v;

    if (strncmp(rest, "/pages/", 7) != 0 || rest[7] < '1' || rest[7] > '9')
        return -1;
    errno = 0;
    v = strtol(rest + 7, &end, 10);
    if (errno != 0 || v < 1 || v > REVIEW_MAX_PAGES || *end != '/')
        return -1;
    *page_out = (int)v;
    *kind_out = end + 1;
    slash = strchr(end + 1, '/');
    if (slash == NULL) {
        name_out[0] = '\0';
        return 0;
    }
    name = slash + 1;
    n = strlen(name);
    if (n <= le || strcmp(name + n - le, ext) != 0 ||
        !field_valid(name, n - le))
        return -1;
    memcpy(name_out, name, n - le);
    name_out[n - le] = '\0';
    return 0;
}

static enum MHD_Result
route(review_server *srv, struct MHD_Connection *c, const char *url,
      const char *method, const request *req)
{
    int get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
    int post = strcmp(method, "POST") == 0;
    const char *ctype, *rest, *kind;
    char name[REVIEW_FIELD_MAX];
    caller who;
    int64_t id;
    int page;

    if (strstr(url, "..") != NULL || strchr(url, '\\') != NULL)
        return send_error(c, 404, "not found");
    if (get && strcmp(url, "/login") == 0)
        return handle_login(srv, c);
    if (authenticate(&who, srv, c) != 0)
        return send_unauthorized(srv, c);
    if (!get && !post)
        return send_error(c, 405, "method not allowed");
    /* Cross-site forms cannot send JSON: POST must say it is JSON. */
    ctype = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
    if (post && (ctype == NULL || strncmp(ctype, "application/json", 16) != 0))
        return send_error(c, 415, "expected application/json");
    if (get && (strcmp(url, "/") == 0 || strcmp(url, "/index.html") == 0))
        return handle_static(srv, c, "index.html");
    if (get && strncmp(url, "/static/", 8) == 0)
        return handle_static(srv, c, url + 8);
    if (get && strcmp(url, "/api/queue") == 0)
        return handle_queue(srv, c, &who);
    if (strncmp(url, "/api/docs/", 10) != 0 ||
        parse_doc_url(&id, &rest, url) != 0)
        return send_error(c, 404, "not found");
    if (post && strcmp(rest, "/lock") == 0)
        return handle_lock(srv, c, &who, id);
    if (post && strcmp(rest, "/unlock") == 0)
        return handle_unlock(srv, c, &who, id);
    if (get && parse_page_url(&page, &kind, name, rest, ".png") == 0) {
        if (strcmp(kind, "image.png") == 0)
            return handle_image(srv, c, id, page, NULL);
        if (strncmp(kind, "crops/", 6) == 0 && name[0] != '\0')
            return handle_image(srv, c, id, page, name);
    }
    if (post && parse_page_url(&page, &kind, name, rest, "") == 0 &&
        strncmp(kind, "fields/", 7) == 0 && name[0] != '\0')
        return handle_field(srv, c, &who, id, page, name, req);
    if (post && parse_page_url(&page, &kind, name, rest, "") == 0 &&
        strcmp(kind, "decision") == 0)
        return handle_page_decision(srv, c, &who, id, page, req);
    return send_error(c, 404, "not found");
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url,
           const char *method, const char *version, const char *upload_data,
           size_t *upload_data_size, void **con_cls)
{
    review_server *srv = cls;
    request *req = *con_cls;

    (void)version;
    if (req == NULL) {
        const char *len =
            MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
        char *end = NULL;
        unsigned long long v;

        req = calloc(1, sizeof(*req));
        if (req == NULL)
            return MHD_NO;
        *con_cls = req;
        if (len != NULL) {
            errno = 0;
            v = strtoull(len, &end, 10);
            if (errno != 0 || end == len || v > srv->max_body)
                return send_error(c, 413, "request body too large");
        }
        return MHD_YES;
    }
    if (*upload_data_size != 0) {
        size_t n = *upload_data_size;
        if (!req->too_big && req->len + n <= srv->max_body) {
            char *grown = realloc(req->body, req->len + n + 1);
            if (grown == NULL)
                return MHD_NO;
            req->body = grown;
            memcpy(req->body + req->len, upload_data, n);
            req->len += n;
            req->body[req->len] = '\0';
        } else {
            req->too_big = 1;
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (req->too_big)
        return send_error(c, 413, "request body too large");
    return route(srv, c, url, method, req);
}

static void
on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
             enum MHD_RequestTerminationCode toe)
{
    request *req = *con_cls;

    (void)cls;
    (void)c;
    (void)toe;
    if (req != NULL) {
        free(req->body);
        free(req);
        *con_cls = NULL;
    }
}

/* ---- the server ----------------------------------------------------- */

/* Reads NAME:SHA256HEX lines ('#' comments) of path. */
static cs_status
users_load(review_server *srv, const char *path, cs_error *err)
{
    uint8_t *data = NULL;
    size_t size = 0;
    cs_status rc = intake_file_read(&data, &size, path, 1u << 16, err);
    char *text = NULL, *line, *next;

    if (rc != CS_OK)
        return rc;
    text = malloc(size + 1);
    if (text == NULL) {
        free(data);
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    }
    memcpy(text, data, size);
    text[size] = '\0';
    for (line = text; line != NULL && *line != '\0'; line = next) {
        char *nl = strchr(line, '\n');
        char *colon;
        if (nl != NULL)
            *nl = '\0';
        next = nl != NULL ? nl + 1 : NULL;
        if (line[0] == '#' || line[0] == '\0')
            continue;
        if (nl != NULL && nl > line && nl[-1] == '\r')
            nl[-1] = '\0';
        colon = strchr(line, ':');
        if (colon == NULL || strlen(colon + 1) < 64 ||
            srv->nusers == MAX_USERS) {
            rc = cs_error_set(err, CS_EINVAL,
                              "users file: expected "
                              "NAME:SHA256HEX lines");
            goto cleanup;
        }
        *colon = '\0';
        if (!name_valid(line)) {
            rc = cs_error_set(err, CS_EINVAL, "users file: bad name");
            goto cleanup;
        }
        (void)snprintf(srv->users[srv->nusers].name, sizeof(srv->users[0].name),
                       "%s", line);
        (void)snprintf(srv->users[srv->nusers].hash, sizeof(srv->users[0].hash),
                       "%.64s", colon + 1);
        srv->nusers++;
    }
    if (srv->nusers == 0)
        rc = cs_error_set(err, CS_EINVAL, "users file: no users");
cleanup:
    free(text);
    free(data);
    return rc;
}

cs_status
review_server_new(review_server **out, const review_server_options *opts,
                  cs_error *err)
{
    review_server *srv = NULL;
    struct sockaddr_in addr;
    const union MHD_DaemonInfo *info;
    cs_status rc = CS_OK;

    *out = NULL;
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)opts->port);
    if (inet_pton(AF_INET, opts->address, &addr.sin_addr) != 1)
        return cs_error_set(err, CS_EINVAL, "not an IPv4 address");
    srv = calloc(1, sizeof(*srv));
    if (srv == NULL)
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    srv->lock_ttl_ms = opts->lock_ttl_ms;
    srv->max_body = opts->max_body;
    (void)snprintf(srv->static_dir, sizeof(srv->static_dir), "%s",
                   opts->static_dir);
    if (opts->users_file != NULL) {
        srv->users_mode = 1;
        rc = users_load(srv, opts->users_file, err);
        if (rc != CS_OK)
            goto cleanup;
    } else {
        (void)snprintf(srv->token, sizeof(srv->token), "%s", opts->token);
    }
    rc = extract_catalog_load(&srv->cat, opts->forms_dir, err);
    if (rc != CS_OK)
        goto cleanup;
    rc = review_store_open(&srv->st, opts->state, err);
    if (rc != CS_OK)
        goto cleanup;
    srv->daemon =
        MHD_start_daemon(MHD_USE_AUTO | MHD_USE_INTERNAL_POLLING_THREAD, 0,
                         NULL, NULL, on_request, srv, MHD_OPTION_SOCK_ADDR,
                         (struct sockaddr *)&addr, MHD_OPTION_NOTIFY_COMPLETED,
                         on_completed, srv, MHD_OPTION_CONNECTION_LIMIT,
                         (unsigned int)64, MHD_OPTION_CONNECTION_TIMEOUT,
                         (unsigned int)30, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
                         (size_t)(64 * 1024), MHD_OPTION_END);
    if (srv->daemon == NULL) {
        rc = cs_error_set(err, CS_EIO, "cannot listen on %s:%d", opts->address,
                          opts->port);
        goto cleanup;
    }
    info = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
    srv->port = info != NULL ? (int)info->port : opts->port;
    *out = srv;
    srv = NULL;
cleanup:
    review_server_free(srv);
    return rc;
}

void
review_server_free(review_server *srv)
{
    if (srv == NULL)
        return;
    if (srv->daemon != NULL)
        MHD_stop_daemon(srv->daemon);
    for (size_t i = 0; i < SCAN_CACHE; i++)
        review_scan_free(srv->cache[i]);
    ocr_engine_free(srv->eng);
    review_store_free(srv->st);
    extract_catalog_free(srv->cat);
    free(srv);
}

int
review_server_port(const review_server *srv)
{
    return srv->port;
}
