/*
 * cmd_watch.c: `claimscan watch`: turns a folder into a dependable inbox.
 * Every complete file dropped there is recorded in the journal, moved into
 * the state folder's archive, and read page by page by a fixed pool of
 * workers (one OCR engine each); every page's claim record goes to a file
 * and to the journal. Bad files go to quarantine with a reason. The main
 * thread owns the journal, the inbox and every file move; workers only
 * read pages. Logs carry document ids and reasons, never file names.
 */
#define _GNU_SOURCE
#include "apps/cli/cli.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "apps/cli/pipeline.h"
#include "common/log.h"

/* Same order as watch_options[] in main.c. */
enum {
    OPT_JOBS,
    OPT_STATE,
    OPT_ONCE,
    OPT_SETTLE,
    OPT_RESCAN,
    OPT_FORMS,
    OPT_VERBOSE,
    OPT_QUIET
};

#define PATH_CAP 4096
#define MAX_ATTEMPTS 3       /* tries of one document */
#define RETRY_BASE_MS 10000  /* first wait before a retry */
#define TAKE_PER_ROUND 16    /* inbox files taken in per loop */
#define MAX_WAIT_SECONDS 5.0 /* longest sleep of the loop */

typedef struct watch_settings {
    const char *inbox;
    const char *state;
    const char *forms_dir;
    int jobs;
    int once;
    int verbose, quiet;
    double settle, rescan;
} watch_settings;

/* A document being read: shared read-only by the jobs of its pages. */
typedef struct wdoc {
    int64_t id;
    intake_doc *doc;
    char sha256[65];
    char name[256]; /* the record's "source"; never logged */
    int attempts;
    size_t npages;
    size_t outstanding; /* page jobs queued or running */
    size_t canceled;    /* page jobs dropped at shutdown */
    cs_status fail_rc;  /* the worst page failure, CS_OK for none */
    char fail_msg[CS_ERROR_MESSAGE_MAX];
    double t0;
    struct wdoc *next;
} wdoc;

/* One page job; the worker fills in the result and hands it back. */
typedef struct page_job {
    wdoc *d;
    size_t page; /* 0-based */
    cs_status rc;
    pipeline_page_out out;
    char msg[CS_ERROR_MESSAGE_MAX];
    struct page_job *next;
} page_job;

typedef struct watcher {
    watch_settings set;
    char state[PATH_CAP];
    char inbox[PATH_CAP];
    intake_journal *jn;
    intake_watch *w;
    extract_catalog *cat;
    /* shared with the workers, under lock */
    pthread_mutex_t lock;
    pthread_cond_t can_pop, started_cv;
    page_job **queue;
    size_t qhead, qlen, qcap;
    page_job *results, *results_tail;
    int closing;
    int started, engine_failures;
    /* the main thread's own */
    int wake_fd, sig_fd, lock_fd;
    wdoc *active;
    size_t inflight; /* page jobs handed out and not yet back */
    int stopping, fatal, inbox_error_logged;
    size_t failed_run;
    double next_move_check;
} watcher;

/* ---- small helpers -------------------------------------------------- */

static int64_t
wall_ms(void)
{
    struct timespec ts;

    (void)clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static double
mono_seconds(void)
{
    struct timespec ts;

    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Where a journal location is on disk: the inbox or the state folder. */
static int
location_path(char *out, size_t size, const watcher *wt, const char *loc)
{
    int n;

    if (starts_with(loc, INTAKE_INBOX_PREFIX))
        n = snprintf(out, size, "%s/%s", wt->inbox,
                     loc + strlen(INTAKE_INBOX_PREFIX));
    else
        n = snprintf(out, size, "%s/%s", wt->state, loc);
    return n >= 0 && (size_t)n < size ? 0 : -1;
}

static const char *
format_ext(intake_format f)
{
    switch (f) {
    case INTAKE_FORMAT_PNG:
        return "png";
    case INTAKE_FORMAT_JPEG:
        return "jpg";
    case INTAKE_FORMAT_TIFF:
        return "tif";
    }
    return "bin";
}

/* The extension of a file that is not an image we know: its own name's,
 * when that is short letters and digits, else "bin". */
static void
ext_from_name(char *out, size_t size, const char *name)
{
    const char *dot = strrchr(name, '.');
    size_t len = dot != NULL && dot != name ? strlen(dot + 1) : 0;

    if (len >= 1 && len <= 8 && len < size) {
        size_t n = 0;
        for (; n < len; n++) {
            char c = dot[1 + n];
            if (c >= 'A' && c <= 'Z')
                c = (char)(c - 'A' + 'a');
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
                break;
            out[n] = c;
        }
        if (n == len) {
            out[n] = '\0';
            return;
        }
    }
    (void)snprintf(out, size, "bin");
}

/* A failure that another try cannot change: the document is damaged or
 * too large. Everything else (OCR, memory, disk) may pass. */
static int
status_final(cs_status rc)
{
    return rc == CS_EFORMAT || rc == CS_ETOOBIG;
}

/* Stops the program after a journal failure: the journal is the truth,
 * and what it cannot record must not happen. */
static void
journal_failed(watcher *wt, const cs_error *err)
{
    cs_log(CS_LOG_ERROR, "%s; stopping (restart resumes every document)",
           err->message);
    wt->fatal = 1;
    wt->stopping = 1;
}

/* SHA-256 of the file at path into hex_out (65 bytes). */
static cs_status
file_sha256(char *hex_out, const char *path, cs_error *err)
{
    static const intake_limits lim = INTAKE_LIMITS_INIT;
    uint8_t *data = NULL;
    size_t size = 0;
    cs_status rc =
        intake_file_read(&data, &size, path, lim.max_file_bytes, err);

    if (rc == CS_OK)
        rc = intake_sha256_hex(hex_out, data, size, err);
    free(data);
    return rc;
}

/* Copies s to out with control characters replaced by '?'. */
static void
printable(char *out, size_t size, const char *s)
{
    size_t n = 0;

    for (; s[n] != '\0' && n + 1 < size; n++)
        out[n] = (unsigned char)s[n] < 0x20 || s[n] == 0x7f ? '?' : s[n];
    out[n] = '\0';
}

/* ---- moving originals ----------------------------------------------- */

/* Writes quarantine/<id>.reason.txt beside a quarantined original. */
static cs_status
write_reason(const watcher *wt, const intake_journal_entry *e, cs_error *err)
{
    char path[PATH_CAP], text[2048], name[256], when[32];
    const char *dot = strrchr(e->stored, '.');
    int n;

    if (e->stored[0] == '\0' || dot == NULL)
        return CS_OK;
    n = snprintf(path, sizeof(path), "%s/%.*s.reason.txt", wt->state,
                 (int)(dot - e->stored), e->stored);
    if (n < 0 || (size_t)n >= sizeof(path))
        return cs_error_set(err, CS_EINVAL, "state folder path too long");
    printable(name, sizeof(name), e->name);
    cli_format_utc(when, sizeof(when), e->received_ms, 0);
    n = snprintf(text, sizeof(text),
                 "claimscan set this file aside.\n\n"
                 "document: %lld\n"
                 "file: %s\n"
                 "sha256: %s\n"
                 "received: %s\n"
                 "attempts: %d\n"
                 "reason: %s\n\n"
                 "The file is kept unchanged beside this note. To try "
                 "again, fix the\nproblem and copy the file into the "
                 "inbox.\n",
                 (long long)e->id, name,
                 e->sha256[0] != '\0' ? e->sha256 : "(not readable)", when,
                 e->attempts, e->reason);
    if (n < 0)
        return cs_error_set(err, CS_ERROR, "cannot format a reason");
    return intake_file_write_atomic(
        path, text, (size_t)n < sizeof(text) ? (size_t)n : sizeof(text) - 1,
        err);
}

/* Records that document e's original is not where it was going; a
 * document not yet read becomes failed. */
static cs_status
drop_location(watcher *wt, intake_journal_entry *e, const char *reason,
              cs_error *err)
{
    intake_journal_change c = INTAKE_JOURNAL_CHANGE_INIT;
    cs_status rc;

    c.state =
        e->state == INTAKE_DOC_RECEIVED || e->state == INTAKE_DOC_PROCESSING
            ? INTAKE_DOC_FAILED
            : e->state;
    c.reason = reason;
    c.stored = "";
    c.moving_from = "";
    rc = intake_journal_update(wt->jn, e->id, &c, wall_ms(), err);
    if (rc != CS_OK)
        return rc;
    cs_log(CS_LOG_WARN, "document %lld: %s", (long long)e->id, reason);
    if (c.state == INTAKE_DOC_FAILED && e->state != INTAKE_DOC_FAILED)
        wt->failed_run++;
    e->state = c.state;
    e->stored[0] = '\0';
    e->moving_from[0] = '\0';
    return CS_OK;
}

static cs_status
set_location(watcher *wt, intake_journal_entry *e, const char *stored,
             const char *moving_from, cs_error *err)
{
    intake_journal_change c = INTAKE_JOURNAL_CHANGE_INIT;
    cs_status rc;

    c.state = e->state;
    c.stored = stored;
    c.moving_from = moving_from;
    c.next_attempt_ms = e->next_attempt_ms;
    rc = intake_journal_update(wt->jn, e->id, &c, wall_ms(), err);
    if (rc != CS_OK)
        return rc;
    if (stored != NULL)
        (void)snprintf(e->stored, sizeof(e->stored), "%s", stored);
    if (moving_from != NULL)
        (void)snprintf(e->moving_from, sizeof(e->moving_from), "%s",
                       moving_from);
    return CS_OK;
}

/* A free name for e's original when its planned one is taken. */
static void
alternate_location(char *out, size_t size, const intake_journal_entry *e)
{
    const char *slash = strchr(e->stored, '/');
    int dirlen = slash != NULL ? (int)(slash - e->stored) : 0;

    if (e->sha256[0] != '\0')
        (void)snprintf(out, size, "%.*s/%s-%lld-%lld.%s", dirlen, e->stored,
                       e->sha256, (long long)e->id, (long long)wall_ms(),
                       e->ext);
    else
        (void)snprintf(out, size, "%.*s/%lld-%lld.%s", dirlen, e->stored,
                       (long long)e->id, (long long)wall_ms(), e->ext);
}

/*
 * Carries out document e's recorded move (moving_from -> stored), which
 * the journal recorded before it starts: so a crash at any point leaves
 * a move this function can finish. verify: check that a source in the
 * inbox still holds e's content. Returns CS_OK when nothing is left to
 * do (e->stored is "" when the original turned out to be gone), the
 * journal's error (*journal_err set), or the move's error.
 */
static cs_status
finish_move(watcher *wt, intake_journal_entry *e, int verify, int *journal_err,
            cs_error *err)
{
    char src[PATH_CAP], dst[PATH_CAP], alt[300], hex[65];
    int from_inbox = starts_with(e->moving_from, INTAKE_INBOX_PREFIX);
    cs_error ignore = CS_ERROR_INIT;
    cs_status rc;

    *journal_err = 0;
    if (e->moving_from[0] == '\0')
        return CS_OK;
    if (location_path(src, sizeof(src), wt, e->moving_from) != 0 ||
        location_path(dst, sizeof(dst), wt, e->stored) != 0)
        return cs_error_set(err, CS_EINVAL, "path too long");
    if (!intake_file_exists(src)) {
        if (intake_file_exists(dst))
            goto moved; /* the move was done; the journal did not know */
        rc = drop_location(wt, e,
                           "the original disappeared before it was "
                           "stored",
                           err);
        *journal_err = rc != CS_OK;
        return rc;
    }
    if (verify && from_inbox && e->sha256[0] != '\0' &&
        (file_sha256(hex, src, &ignore) != CS_OK ||
         strcmp(hex, e->sha256) != 0)) {
        /* The name holds other content now: leave it to the watch. */
        rc = drop_location(wt, e,
                           "the original was replaced in the inbox "
                           "before it was stored",
                           err);
        *journal_err = rc != CS_OK;
        return rc;
    }
    if (intake_file_exists(dst)) {
        /* A copy across file systems that stopped before unlinking its
         * source leaves both: finish it when both hold e's content. */
        if (e->sha256[0] != '\0' && file_sha256(hex, dst, &ignore) == CS_OK &&
            strcmp(hex, e->sha256) == 0 &&
            file_sha256(hex, src, &ignore) == CS_OK &&
            strcmp(hex, e->sha256) == 0 && unlink(src) == 0)
            goto moved;
        alternate_location(alt, sizeof(alt), e);
        rc = set_location(wt, e, alt, NULL, err);
        if (rc != CS_OK) {
            *journal_err = 1;
            return rc;
        }
        if (location_path(dst, sizeof(dst), wt, e->stored) != 0)
            return cs_error_set(err, CS_EINVAL, "path too long");
    }
    if (e->state == INTAKE_DOC_FAILED) {
        rc = write_reason(wt, e, err);
        if (rc != CS_OK)
            return rc;
    }
    rc = intake_file_move(src, dst, err);
    if (rc != CS_OK)
        return rc;
moved:
    if (e->state == INTAKE_DOC_FAILED)
        (void)write_reason(wt, e, &ignore);
    rc = set_location(wt, e, NULL, "", err);
    *journal_err = rc != CS_OK;
    return rc;
}

/* Finishes the moves the journal has pending; with inbox 0 only those
 * within the state folder (the watch retries the inbox's). */
static void
finish_pending_moves(watcher *wt, int inbox)
{
    int64_t *ids = NULL;
    size_t n = 0;
    cs_error err = CS_ERROR_INIT;

    if (intake_journal_list_moving(&ids, &n, wt->jn, &err) != CS_OK) {
        journal_failed(wt, &err);
        return;
    }
    for (size_t i = 0; i < n && !wt->fatal; i++) {
        intake_journal_entry e;
        int jerr = 0;
        cs_error_clear(&err);
        if (intake_journal_get(&e, wt->jn, ids[i], &err) != CS_OK) {
            journal_failed(wt, &err);
            break;
        }
        if (!inbox && starts_with(e.moving_from, INTAKE_INBOX_PREFIX))
            continue;
        if (finish_move(wt, &e, 1, &jerr, &err) != CS_OK) {
            if (jerr)
                journal_failed(wt, &err);
            else
                cs_log(CS_LOG_WARN,
                       "document %lld: cannot store the "
                       "original yet: %s",
                       (long long)e.id, err.message);
        }
    }
    free(ids);
}

/* ---- taking files in ------------------------------------------------ */

/* Records an inbox file (complete, a duplicate, or bad) and moves it out
 * of the inbox: journal first, then the move. */
static void
take_in(watcher *wt, const intake_watch_item *it, double now)
{
    intake_journal_entry e, live;
    char from[300];
    cs_error err = CS_ERROR_INIT;
    int found = 0, jerr = 0;
    cs_status rc;

    if (snprintf(from, sizeof(from), "%s%s", INTAKE_INBOX_PREFIX, it->name) >=
        (int)sizeof(from)) {
        intake_watch_skip(wt->w, it->name);
        return;
    }
    /* A move out of the inbox under this name that has not finished. */
    if (intake_journal_find_moving(&e, &found, wt->jn, from, &err) != CS_OK) {
        journal_failed(wt, &err);
        return;
    }
    if (found && (e.sha256[0] == '\0' || it->sha256[0] == '\0' ||
                  strcmp(e.sha256, it->sha256) == 0))
        goto move;
    if (found && drop_location(wt, &e,
                               "the original was replaced in the "
                               "inbox before it was stored",
                               &err) != CS_OK) {
        journal_failed(wt, &err);
        return;
    }
    memset(&e, 0, sizeof(e));
    (void)snprintf(e.name, sizeof(e.name), "%s", it->name);
    (void)snprintf(e.sha256, sizeof(e.sha256), "%s", it->sha256);
    (void)snprintf(e.moving_from, sizeof(e.moving_from), "%s", from);
    e.size = it->size;
    if (it->kind == INTAKE_WATCH_COMPLETE) {
        (void)snprintf(e.ext, sizeof(e.ext), "%s", format_ext(it->format));
        if (intake_journal_find_live(&live, &found, wt->jn, it->sha256, &err) !=
            CS_OK) {
            journal_failed(wt, &err);
            return;
        }
        e.state = found ? INTAKE_DOC_DUPLICATE : INTAKE_DOC_RECEIVED;
        e.duplicate_of = found ? live.id : 0;
    } else {
        ext_from_name(e.ext, sizeof(e.ext), it->name);
        e.state = INTAKE_DOC_FAILED;
        e.attempts = it->attempts;
        (void)snprintf(e.reason, sizeof(e.reason), "%s", it->reason);
    }
    if (intake_journal_add(wt->jn, &e, wall_ms(), &err) != CS_OK) {
        journal_failed(wt, &err);
        return;
    }
    if (e.state == INTAKE_DOC_RECEIVED)
        cs_log(CS_LOG_INFO, "document %lld (%.12s): received, %zu page(s)",
               (long long)e.id, e.sha256, it->npages);
    else if (e.state == INTAKE_DOC_DUPLICATE)
        cs_log(CS_LOG_INFO,
               "document %lld (%.12s): same content as "
               "document %lld; kept in %s, not read again",
               (long long)e.id, e.sha256, (long long)e.duplicate_of,
               INTAKE_STATE_DUPLICATES);
    else {
        cs_log(CS_LOG_WARN, "document %lld: set aside in %s: %s",
               (long long)e.id, INTAKE_STATE_QUARANTINE, e.reason);
        wt->failed_run++;
    }
move:
    rc = finish_move(wt, &e, 0, &jerr, &err);
    if (rc == CS_OK) {
        intake_watch_done(wt->w, it->name);
        return;
    }
    if (jerr) {
        journal_failed(wt, &err);
        return;
    }
    if (it->kind == INTAKE_WATCH_BAD) {
        /* Not even set aside: leave it in place until it changes. */
        char reason[CS_ERROR_MESSAGE_MAX];
        (void)snprintf(reason, sizeof(reason),
                       "cannot move the file out "
                       "of the inbox (left there): %.180s",
                       err.message);
        intake_watch_skip(wt->w, it->name);
        if (drop_location(wt, &e, reason, &err) != CS_OK)
            journal_failed(wt, &err);
        return;
    }
    cs_log(CS_LOG_WARN, "document %lld: cannot store the original yet: %s",
           (long long)e.id, err.message);
    intake_watch_retry(wt->w, it->name, err.message, now);
}

/* ---- the worker pool ------------------------------------------------ */

static void *
worker_main(void *arg)
{
    watcher *wt = arg;
    ocr_engine *eng = NULL;
    cs_error err = CS_ERROR_INIT;
    cs_status erc = ocr_engine_new(&eng, NULL, &err);
    uint64_t one = 1;

    pthread_mutex_lock(&wt->lock);
    wt->started++;
    wt->engine_failures += erc != CS_OK;
    pthread_cond_broadcast(&wt->started_cv);
    pthread_mutex_unlock(&wt->lock);
    if (erc != CS_OK)
        return NULL;
    for (;;) {
        page_job *j;

        pthread_mutex_lock(&wt->lock);
        while (wt->qlen == 0 && !wt->closing)
            pthread_cond_wait(&wt->can_pop, &wt->lock);
        if (wt->qlen == 0) {
            pthread_mutex_unlock(&wt->lock);
            break;
        }
        j = wt->queue[wt->qhead];
        wt->qhead = (wt->qhead + 1) % wt->qcap;
        wt->qlen--;
        pthread_mutex_unlock(&wt->lock);

        cs_error_clear(&err);
        j->rc = pipeline_run_page(&j->out, eng, wt->cat, NULL, j->d->doc,
                                  j->page, j->d->name, 0, &err);
        (void)snprintf(j->msg, sizeof(j->msg), "%s",
                       err.message[0] != '\0' ? err.message
                                              : cs_status_str(j->rc));

        pthread_mutex_lock(&wt->lock);
        j->next = NULL;
        if (wt->results_tail != NULL)
            wt->results_tail->next = j;
        else
            wt->results = j;
        wt->results_tail = j;
        pthread_mutex_unlock(&wt->lock);
        if (write(wt->wake_fd, &one, sizeof(one)) < 0) {
            /* cannot fail short of a bug; the loop polls anyway */
        }
    }
    ocr_engine_free(eng);
    return NULL;
}

/* Queues a page job for the workers. */
static int
push_job(watcher *wt, page_job *j)
{
    int rc = 0;

    pthread_mutex_lock(&wt->lock);
    if (wt->qlen == wt->qcap) {
        size_t cap = wt->qcap > 0 ? 2 * wt->qcap : 64;
        page_job **q = malloc(cap * sizeof(*q));
        if (q == NULL) {
            rc = -1;
        } else {
            for (size_t i = 0; i < wt->qlen; i++)
                q[i] = wt->queue[(wt->qhead + i) % wt->qcap];
            free(wt->queue);
            wt->queue = q;
            wt->qcap = cap;
            wt->qhead = 0;
        }
    }
    if (rc == 0) {
        wt->queue[(wt->qhead + wt->qlen) % wt->qcap] = j;
        wt->qlen++;
        pthread_cond_signal(&wt->can_pop);
    }
    pthread_mutex_unlock(&wt->lock);
    return rc;
}

/* ---- documents ------------------------------------------------------ */

/* Sets document e aside for good: quarantine and a reason. */
static void
fail_doc(watcher *wt, intake_journal_entry *e, const char *reason)
{
    intake_journal_change c = INTAKE_JOURNAL_CHANGE_INIT;
    char quarantine[300];
    cs_error err = CS_ERROR_INIT;
    int have_file = e->stored[0] != '\0';
    int jerr = 0;

    (void)snprintf(quarantine, sizeof(quarantine), "%s/%lld.%s",
                   INTAKE_STATE_QUARANTINE, (long long)e->id, e->ext);
    c.state = INTAKE_DOC_FAILED;
    c.reason = reason;
    c.stored = have_file ? quarantine : "";
    c.moving_from = have_file ? e->stored : "";
    if (intake_journal_update(wt->jn, e->id, &c, wall_ms(), &err) != CS_OK ||
        intake_journal_get(e, wt->jn, e->id, &err) != CS_OK) {
        journal_failed(wt, &err);
        return;
    }
    wt->failed_run++;
    cs_log(CS_LOG_WARN, "document %lld (%.12s): failed, set aside in %s: %s",
           (long long)e->id, e->sha256, INTAKE_STATE_QUARANTINE, reason);
    if (finish_move(wt, e, 0, &jerr, &err) != CS_OK) {
        if (jerr)
            journal_failed(wt, &err);
        else
            cs_log(CS_LOG_WARN,
                   "document %lld: cannot move it to %s yet: "
                   "%s",
                   (long long)e->id, INTAKE_STATE_QUARANTINE, err.message);
    }
}

/* A failure that may pass: try e again later, or give up. */
static void
retry_doc(watcher *wt, intake_journal_entry *e, const char *reason)
{
    intake_journal_change c = INTAKE_JOURNAL_CHANGE_INIT;
    cs_error err = CS_ERROR_INIT;
    int64_t wait = (int64_t)RETRY_BASE_MS
                   << (e->attempts > 1 ? e->attempts - 1 : 0);

    if (e->attempts >= MAX_ATTEMPTS) {
        char msg[CS_ERROR_MESSAGE_MAX];
        (void)snprintf(msg, sizeof(msg), "gave up after %d attempts: %.190s",
                       e->attempts, reason);
        fail_doc(wt, e, msg);
        return;
    }
    c.state = INTAKE_DOC_RECEIVED;
    c.reason = reason;
    c.next_attempt_ms = wall_ms() + wait;
    if (intake_journal_update(wt->jn, e->id, &c, wall_ms(), &err) != CS_OK) {
        journal_failed(wt, &err);
        return;
    }
    cs_log(CS_LOG_WARN,
           "document %lld: attempt %d failed, retrying in "
           "%lld s: %s",
           (long long)e->id, e->attempts, (long long)(wait / 1000), reason);
}

static void
unlink_active(watcher *wt, wdoc *d)
{
    for (wdoc **pp = &wt->active; *pp != NULL; pp = &(*pp)->next)
        if (*pp == d) {
            *pp = d->next;
            break;
        }
    intake_doc_free(d->doc);
    free(d);
}

/* Every page job of d is back (or dropped): settle its state. */
static void
finalize_doc(watcher *wt, wdoc *d)
{
    intake_journal_entry e;
    intake_journal_change c = INTAKE_JOURNAL_CHANGE_INIT;
    cs_error err = CS_ERROR_INIT;
    size_t nrec = 0, nreview = 0;

    if (intake_journal_get(&e, wt->jn, d->id, &err) != CS_OK) {
        journal_failed(wt, &err);
        goto cleanup;
    }
    if (d->canceled > 0) {
        /* Shutdown: hand it back without counting a try. */
        c.state = INTAKE_DOC_RECEIVED;
        c.attempts_delta = -1;
        if (intake_journal_update(wt->jn, d->id, &c, wall_ms(), &err) != CS_OK)
            journal_failed(wt, &err);
        else
            cs_log(CS_LOG_INFO,
                   "document %lld: handed back with %zu "
                   "page(s) to go",
                   (long long)d->id, d->canceled);
        goto cleanup;
    }
    if (d->fail_rc != CS_OK) {
        if (status_final(d->fail_rc))
            fail_doc(wt, &e, d->fail_msg);
        else
            retry_doc(wt, &e, d->fail_msg);
        goto cleanup;
    }
    if (intake_journal_record_counts(&nrec, &nreview, wt->jn, d->id, &err) !=
        CS_OK) {
        journal_failed(wt, &err);
        goto cleanup;
    }
    if (nrec < d->npages) {
        retry_doc(wt, &e, "some pages have no claim record");
        goto cleanup;
    }
    c.state = nreview > 0 ? INTAKE_DOC_NEEDS_REVIEW : INTAKE_DOC_DONE;
    c.reason = "";
    if (intake_journal_update(wt->jn, d->id, &c, wall_ms(), &err) != CS_OK) {
        journal_failed(wt, &err);
        goto cleanup;
    }
    cs_log(CS_LOG_INFO,
           "document %lld (%.12s): %s, %zu page(s), %zu for "
           "review, %.1f s",
           (long long)d->id, d->sha256, intake_doc_state_name(c.state), nrec,
           nreview, mono_seconds() - d->t0);
cleanup:
    unlink_active(wt, d);
}

/* Reads claimed document e from the archive and queues its pages that
 * have no record yet. */
static void
start_doc(watcher *wt, intake_journal_entry *e)
{
    static const intake_limits lim = INTAKE_LIMITS_INIT;
    char path[PATH_CAP], msg[CS_ERROR_MESSAGE_MAX];
    uint8_t *data = NULL;
    size_t size = 0;
    intake_doc *doc = NULL;
    wdoc *d = NULL;
    cs_error err = CS_ERROR_INIT;
    cs_status rc;

    if (e->attempts > MAX_ATTEMPTS) {
        (void)snprintf(msg, sizeof(msg),
                       "interrupted %d times while being "
                       "read (does this file crash the reader?)",
                       e->attempts - 1);
        fail_doc(wt, e, msg);
        return;
    }
    if (e->stored[0] == '\0' ||
        location_path(path, sizeof(path), wt, e->stored) != 0 ||
        !intake_file_exists(path)) {
        if (drop_location(wt, e, "the stored original is missing", &err) !=
            CS_OK)
            journal_failed(wt, &err);
        return;
    }
    rc = intake_file_read(&data, &size, path, lim.max_file_bytes, &err);
    if (rc == CS_OK)
        rc = intake_doc_open_mem(&doc, data, size, &lim, &err);
    free(data);
    if (rc == CS_OK && strcmp(intake_doc_sha256(doc), e->sha256) != 0)
        rc = cs_error_set(&err, CS_EFORMAT,
                          "the stored file does not match "
                          "its hash (changed while being "
                          "stored?)");
    if (rc != CS_OK) {
        intake_doc_free(doc);
        if (status_final(rc))
            fail_doc(wt, e, err.message);
        else
            retry_doc(wt, e, err.message);
        return;
    }
    d = calloc(1, sizeof(*d));
    if (d == NULL) {
        intake_doc_free(doc);
        retry_doc(wt, e, "out of memory");
        return;
    }
    d->id = e->id;
    d->doc = doc;
    d->attempts = e->attempts;
    d->npages = intake_doc_page_count(doc);
    d->t0 = mono_seconds();
    (void)snprintf(d->sha256, sizeof(d->sha256), "%s", e->sha256);
    (void)snprintf(d->name, sizeof(d->name), "%s", e->name);
    d->next = wt->active;
    wt->active = d;
    if (intake_journal_set_pages(wt->jn, d->id, (int)d->npages, &err) !=
        CS_OK) {
        journal_failed(wt, &err);
        d->canceled = 1;
        finalize_doc(wt, d);
        return;
    }
    for (size_t pg = 0; pg < d->npages; pg++) {
        int have = 0;
        page_job *j;
        if (intake_journal_has_record(&have, wt->jn, d->id, (int)pg + 1,
                                      &err) != CS_OK) {
            journal_failed(wt, &err);
            d->canceled++;
            break;
        }
        if (have)
            continue; /* read before an interruption */
        j = calloc(1, sizeof(*j));
        if (j != NULL) {
            j->d = d;
            j->page = pg;
        }
        if (j == NULL || push_job(wt, j) != 0) {
            free(j);
            d->fail_rc = CS_ENOMEM;
            (void)snprintf(d->fail_msg, sizeof(d->fail_msg), "out of memory");
            break;
        }
        d->outstanding++;
        wt->inflight++;
    }
    cs_log(CS_LOG_DEBUG,
           "document %lld: attempt %d, %zu of %zu page(s) to "
           "read",
           (long long)d->id, d->attempts, d->outstanding, d->npages);
    if (d->outstanding == 0)
        finalize_doc(wt, d);
}

/* Takes back finished page jobs: writes records, settles documents. */
static void
drain_results(watcher *wt)
{
    page_job *list;

    pthread_mutex_lock(&wt->lock);
    list = wt->results;
    wt->results = wt->results_tail = NULL;
    pthread_mutex_unlock(&wt->lock);
    while (list != NULL) {
        page_job *j = list;
        wdoc *d = j->d;
        cs_error err = CS_ERROR_INIT;
        cs_status rc = j->rc;

        list = j->next;
        if (rc == CS_OK) {
            char path[PATH_CAP];
            size_t len = strlen(j->out.json);
            int n =
                snprintf(path, sizeof(path), "%s/%s/%s-p%zu.json", wt->state,
                         INTAKE_STATE_RECORDS, d->sha256, j->page + 1);
            /* The file first, then the journal: a crash between them
             * reads the page again and rewrites the same file. */
            j->out.json[len] = '\n'; /* replaces the NUL; not a string */
            rc =
                n > 0 && (size_t)n < sizeof(path)
                    ? intake_file_write_atomic(path, j->out.json, len + 1, &err)
                    : cs_error_set(&err, CS_EIO, "path too long");
            j->out.json[len] = '\0';
            if (rc != CS_OK) {
                (void)snprintf(j->msg, sizeof(j->msg),
                               "cannot write a "
                               "record: %.200s",
                               err.message);
            } else if (intake_journal_add_record(
                           wt->jn, d->id, (int)j->page + 1, j->out.review,
                           j->out.json, wall_ms(), &err) != CS_OK) {
                journal_failed(wt, &err);
                rc = err.code;
                (void)snprintf(j->msg, sizeof(j->msg), "%s", err.message);
            } else {
                cs_log(CS_LOG_DEBUG,
                       "document %lld page %zu: %.2f s, %zu "
                       "field(s) flagged",
                       (long long)d->id, j->page + 1, j->out.seconds,
                       j->out.flagged);
            }
            if (rc != CS_OK && status_final(rc))
                rc = CS_EIO; /* our failure, not the document's */
        }
        if (rc != CS_OK && (d->fail_rc == CS_OK ||
                            (status_final(rc) && !status_final(d->fail_rc)))) {
            d->fail_rc = rc;
            (void)snprintf(d->fail_msg, sizeof(d->fail_msg), "page %zu: %.200s",
                           j->page + 1, j->msg);
        }
        pipeline_page_out_clear(&j->out);
        free(j);
        wt->inflight--;
        if (--d->outstanding == 0)
            finalize_doc(wt, d);
    }
}

/* Drops the page jobs no worker has started (shutdown). */
static void
cancel_queued(watcher *wt)
{
    page_job **dropped = NULL;
    size_t n;

    pthread_mutex_lock(&wt->lock);
    n = wt->qlen;
    if (n > 0)
        dropped = malloc(n * sizeof(*dropped));
    if (dropped != NULL) {
        for (size_t i = 0; i < n; i++)
            dropped[i] = wt->queue[(wt->qhead + i) % wt->qcap];
        wt->qlen = 0;
    }
    pthread_mutex_unlock(&wt->lock);
    if (dropped == NULL)
        return; /* the workers finish them instead */
    for (size_t i = 0; i < n; i++) {
        wdoc *d = dropped[i]->d;
        free(dropped[i]);
        d->canceled++;
        wt->inflight--;
        if (--d->outstanding == 0)
            finalize_doc(wt, d);
    }
    free(dropped);
}

/* Claims received documents while the workers have room. */
static void
dispatch(watcher *wt)
{
    while (!wt->stopping && wt->inflight < 2 * (size_t)wt->set.jobs) {
        intake_journal_entry e;
        cs_error err = CS_ERROR_INIT;
        int found = 0;
        if (intake_journal_claim(&e, &found, wt->jn, wall_ms(), &err) !=
            CS_OK) {
            journal_failed(wt, &err);
            return;
        }
        if (!found)
            return;
        start_doc(wt, &e);
    }
}

/* ---- the loop ------------------------------------------------------- */

/* 1 when --once has nothing left to do. */
static int
idle(watcher *wt)
{
    cs_error err = CS_ERROR_INIT;
    int64_t due = 0;
    int found = 0;

    if (wt->active != NULL || intake_watch_pending(wt->w) > 0)
        return 0;
    if (intake_journal_next_due(&due, &found, wt->jn, &err) != CS_OK) {
        journal_failed(wt, &err);
        return 0;
    }
    return !found;
}

static void
on_signal(watcher *wt)
{
    struct signalfd_siginfo si;

    while (read(wt->sig_fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
        if (wt->stopping && !wt->fatal) {
            cs_log(CS_LOG_WARN, "second signal: stopping now; documents in "
                                "flight resume at the next start");
            _exit(CLI_EXIT_FAILURE);
        }
        cs_log(CS_LOG_INFO,
               "signal %u: stopping after %zu page(s) in "
               "flight",
               si.ssi_signo, wt->inflight);
        wt->stopping = 1;
    }
}

/* Seconds the loop may sleep. */
static double
loop_timeout(watcher *wt, double now, int more)
{
    double t = MAX_WAIT_SECONDS;
    cs_error err = CS_ERROR_INIT;
    int64_t due = 0;
    int found = 0;

    if (more)
        return 0;
    if (!wt->stopping) {
        double wt_t = intake_watch_timeout(wt->w, now);
        if (wt_t < t)
            t = wt_t;
        if (wt->inflight < 2 * (size_t)wt->set.jobs &&
            intake_journal_next_due(&due, &found, wt->jn, &err) == CS_OK &&
            found) {
            double d = (double)(due - wall_ms()) / 1000.0;
            if (d < t)
                t = d > 0 ? d : 0;
        }
    }
    return t;
}

static void
run_loop(watcher *wt)
{
    for (;;) {
        double now = mono_seconds();
        int more = 0;
        struct pollfd fds[3];
        nfds_t nfds = 0;

        if (!wt->stopping) {
            cs_error err = CS_ERROR_INIT;
            if (intake_watch_poll(wt->w, now, &err) != CS_OK) {
                if (!wt->inbox_error_logged)
                    cs_log(CS_LOG_ERROR, "inbox: %s (retrying)", err.message);
                wt->inbox_error_logged = 1;
            } else if (wt->inbox_error_logged) {
                cs_log(CS_LOG_INFO, "inbox readable again");
                wt->inbox_error_logged = 0;
            }
            for (int k = 0; k < TAKE_PER_ROUND && !wt->stopping; k++) {
                intake_watch_item it;
                cs_error_clear(&err);
                if (intake_watch_next(&it, wt->w, now, &err) != CS_OK ||
                    it.kind == INTAKE_WATCH_NONE)
                    break;
                take_in(wt, &it, now);
                more = k + 1 == TAKE_PER_ROUND;
            }
            if (now >= wt->next_move_check) {
                finish_pending_moves(wt, 0);
                wt->next_move_check = now + wt->set.rescan;
            }
        }
        drain_results(wt);
        if (wt->stopping)
            cancel_queued(wt);
        else
            dispatch(wt);
        if (wt->stopping && wt->active == NULL)
            break;
        if (wt->set.once && !wt->stopping && idle(wt))
            break;

        fds[nfds++] = (struct pollfd){wt->sig_fd, POLLIN, 0};
        fds[nfds++] = (struct pollfd){wt->wake_fd, POLLIN, 0};
        if (intake_watch_fd(wt->w) >= 0 && !wt->stopping)
            fds[nfds++] = (struct pollfd){intake_watch_fd(wt->w), POLLIN, 0};
        if (poll(fds, nfds,
                 (int)(loop_timeout(wt, now, more) * 1000.0 + 0.999)) > 0) {
            if (fds[0].revents & POLLIN)
                on_signal(wt);
            if (fds[1].revents & POLLIN) {
                uint64_t v;
                if (read(wt->wake_fd, &v, sizeof(v)) < 0) {
                    /* EAGAIN: already reset */
                }
            }
        }
    }
}

/* ---- setup ---------------------------------------------------------- */

int
cli_state_dir(char *out, size_t size, const char *given)
{
    const char *env;
    int n = -1;

    if (given != NULL && given[0] != '\0')
        n = snprintf(out, size, "%s", given);
    else if ((env = getenv("CLAIMSCAN_STATE")) != NULL && env[0] != '\0')
        n = snprintf(out, size, "%s", env);
    else if ((env = getenv("STATE_DIRECTORY")) != NULL && env[0] != '\0')
        n = snprintf(out, size, "%.*s", (int)strcspn(env, ":"), env);
    else if ((env = getenv("XDG_STATE_HOME")) != NULL && env[0] == '/')
        n = snprintf(out, size, "%s/claimscan", env);
    else if ((env = getenv("HOME")) != NULL && env[0] == '/')
        n = snprintf(out, size, "%s/.local/state/claimscan", env);
    return n > 0 && (size_t)n < size ? 0 : -1;
}

static int
parse_seconds(double *out, const char *s, double lo, double hi)
{
    char *end = NULL;
    double v;

    if (s == NULL || *s == '\0')
        return -1;
    errno = 0;
    v = strtod(s, &end);
    if (errno != 0 || end == s || *end != '\0' || !(v >= lo && v <= hi))
        return -1;
    *out = v;
    return 0;
}

static int
on_option(size_t id, const char *arg, void *ctx)
{
    watch_settings *s = ctx;

    switch (id) {
    case OPT_JOBS:
        if (cli_parse_int(&s->jobs, arg, 1, 256) != 0) {
            fprintf(stderr,
                    "%s: watch: --jobs takes a number from 1 to "
                    "256\n",
                    CLI_NAME);
            return -1;
        }
        break;
    case OPT_STATE:
        s->state = arg;
        break;
    case OPT_ONCE:
        s->once = 1;
        break;
    case OPT_SETTLE:
        if (parse_seconds(&s->settle, arg, 0.0, 3600.0) != 0) {
            fprintf(stderr,
                    "%s: watch: --settle takes seconds from 0 to "
                    "3600\n",
                    CLI_NAME);
            return -1;
        }
        break;
    case OPT_RESCAN:
        if (parse_seconds(&s->rescan, arg, 0.1, 86400.0) != 0) {
            fprintf(stderr,
                    "%s: watch: --rescan takes seconds from 0.1 to "
                    "86400\n",
                    CLI_NAME);
            return -1;
        }
        break;
    case OPT_FORMS:
        s->forms_dir = arg;
        break;
    case OPT_VERBOSE:
        s->verbose = 1;
        break;
    case OPT_QUIET:
        s->quiet = 1;
        break;
    }
    return 0;
}

/* Prepares the state folder: private folders, safety checks, the lock,
 * the journal. Prints the reason and returns -1 on failure. */
static int
open_state(watcher *wt)
{
    static const char *const subdirs[] = {
        INTAKE_STATE_ARCHIVE, INTAKE_STATE_RECORDS, INTAKE_STATE_QUARANTINE,
        INTAKE_STATE_DUPLICATES};
    char path[PATH_CAP + 64], *real = NULL;
    struct stat st;
    cs_error err = CS_ERROR_INIT;

    if (stat(wt->set.inbox, &st) != 0 || !S_ISDIR(st.st_mode) ||
        (real = realpath(wt->set.inbox, NULL)) == NULL ||
        strlen(real) >= sizeof(wt->inbox)) {
        fprintf(stderr, "%s: watch: %s: not a folder that can be watched\n",
                CLI_NAME, wt->set.inbox);
        free(real);
        return -1;
    }
    memcpy(wt->inbox, real, strlen(real) + 1);
    free(real);
    if (intake_dir_make_private(wt->state, &err) != CS_OK ||
        intake_state_check(wt->state, wt->inbox, &err) != CS_OK) {
        fprintf(stderr, "%s: watch: state folder %s: %s\n", CLI_NAME, wt->state,
                err.message);
        return -1;
    }
    real = realpath(wt->state, NULL);
    if (real == NULL || strlen(real) >= sizeof(wt->state)) {
        fprintf(stderr, "%s: watch: state folder %s: cannot resolve it\n",
                CLI_NAME, wt->state);
        free(real);
        return -1;
    }
    memcpy(wt->state, real, strlen(real) + 1);
    free(real);
    for (size_t i = 0; i < sizeof(subdirs) / sizeof(subdirs[0]); i++) {
        (void)snprintf(path, sizeof(path), "%s/%s", wt->state, subdirs[i]);
        if (intake_dir_make_private(path, &err) != CS_OK) {
            fprintf(stderr, "%s: watch: %s: %s\n", CLI_NAME, path, err.message);
            return -1;
        }
    }
    (void)snprintf(path, sizeof(path), "%s/%s", wt->state, INTAKE_STATE_LOCK);
    wt->lock_fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (wt->lock_fd < 0 || flock(wt->lock_fd, LOCK_EX | LOCK_NB) != 0) {
        fprintf(stderr, "%s: watch: state folder %s: %s\n", CLI_NAME, wt->state,
                errno == EWOULDBLOCK ? "another claimscan watch is using it"
                                     : strerror(errno));
        return -1;
    }
    /* Ours alone now: drop what an interrupted write or copy left. */
    for (size_t i = 0; i < sizeof(subdirs) / sizeof(subdirs[0]); i++) {
        size_t swept = 0;
        (void)snprintf(path, sizeof(path), "%s/%s", wt->state, subdirs[i]);
        if (intake_dir_sweep_temp(&swept, path, &err) == CS_OK && swept > 0)
            cs_log(CS_LOG_INFO,
                   "removed %zu unfinished temporary file(s) "
                   "from %s",
                   swept, subdirs[i]);
    }
    (void)snprintf(path, sizeof(path), "%s/%s", wt->state,
                   INTAKE_STATE_JOURNAL);
    if (intake_journal_open(&wt->jn, path, INTAKE_JOURNAL_CREATE, &err) !=
            CS_OK ||
        intake_journal_meta_set(wt->jn, "inbox", wt->inbox, &err) != CS_OK) {
        fprintf(stderr, "%s: watch: %s: %s\n", CLI_NAME, path, err.message);
        return -1;
    }
    return 0;
}

/* Starts the workers and waits until each has its OCR engine. */
static int
start_workers(watcher *wt, pthread_t *threads, int *nthreads)
{
    for (*nthreads = 0; *nthreads < wt->set.jobs; (*nthreads)++)
        if (pthread_create(&threads[*nthreads], NULL, worker_main, wt) != 0)
            break;
    pthread_mutex_lock(&wt->lock);
    while (wt->started < *nthreads)
        pthread_cond_wait(&wt->started_cv, &wt->lock);
    pthread_mutex_unlock(&wt->lock);
    if (*nthreads == 0 || wt->engine_failures > 0) {
        fprintf(stderr, "%s: watch: cannot start the OCR engines\n", CLI_NAME);
        return -1;
    }
    return 0;
}

int
cmd_watch(const cli_command *cmd, int argc, char **argv)
{
    watcher wt;
    pthread_t *threads = NULL;
    intake_watch_options wopts = INTAKE_WATCH_OPTIONS_INIT;
    cs_error err = CS_ERROR_INIT;
    sigset_t sigs;
    size_t recovered = 0;
    int first, nthreads = 0, status = CLI_EXIT_FAILURE, pool_ready = 0;

    memset(&wt, 0, sizeof(wt));
    wt.set.jobs = 1;
    wt.set.settle = 2.0;
    wt.set.rescan = 10.0;
    wt.wake_fd = wt.sig_fd = wt.lock_fd = -1;
    first = cli_parse(cmd, argc, argv, on_option, &wt.set);
    if (first == -2)
        return CLI_EXIT_OK;
    if (first < 0)
        return CLI_EXIT_USAGE;
    if (first >= argc)
        return cli_usage_error(cmd, "no INBOX given");
    if (first + 1 < argc)
        return cli_usage_error(cmd, "one INBOX only");
    wt.set.inbox = argv[first];
    cs_log_open(wt.set.verbose ? CS_LOG_DEBUG
                               : (wt.set.quiet ? CS_LOG_WARN : CS_LOG_INFO),
                stderr);
    if (cli_startup() != 0)
        return CLI_EXIT_FAILURE;
    if (cli_state_dir(wt.state, sizeof(wt.state), wt.set.state) != 0) {
        fprintf(stderr, "%s: watch: no state folder: give --state DIR\n",
                CLI_NAME);
        return CLI_EXIT_FAILURE;
    }
    if (open_state(&wt) != 0)
        goto cleanup;

    /* Crash recovery: finish recorded moves, resume interrupted work. */
    finish_pending_moves(&wt, 1);
    if (wt.fatal ||
        intake_journal_recover(&recovered, wt.jn, wall_ms(), &err) != CS_OK) {
        fprintf(stderr, "%s: watch: journal: %s\n", CLI_NAME,
                err.message[0] != '\0' ? err.message : "recovery failed");
        goto cleanup;
    }
    if (recovered > 0)
        cs_log(CS_LOG_WARN,
               "%zu document(s) were interrupted while being "
               "read; resuming them",
               recovered);
    if (extract_catalog_load(&wt.cat, cli_forms_dir(wt.set.forms_dir), &err) !=
        CS_OK) {
        fprintf(stderr, "%s: watch: cannot load form templates from %s: %s\n",
                CLI_NAME, cli_forms_dir(wt.set.forms_dir), err.message);
        goto cleanup;
    }
    /* Signals arrive through a descriptor; workers never see them. */
    (void)signal(SIGPIPE, SIG_IGN);
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    if (pthread_sigmask(SIG_BLOCK, &sigs, NULL) != 0 ||
        (wt.sig_fd = signalfd(-1, &sigs, SFD_NONBLOCK | SFD_CLOEXEC)) < 0 ||
        (wt.wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0) {
        fprintf(stderr, "%s: watch: cannot set up signals: %s\n", CLI_NAME,
                strerror(errno));
        goto cleanup;
    }
    wopts.settle_seconds = wt.set.settle;
    wopts.rescan_seconds = wt.set.rescan;
    wopts.max_attempts = MAX_ATTEMPTS;
    if (intake_watch_new(&wt.w, wt.inbox, &wopts, &err) != CS_OK) {
        fprintf(stderr, "%s: watch: %s: %s\n", CLI_NAME, wt.set.inbox,
                err.message);
        goto cleanup;
    }
    threads = calloc((size_t)wt.set.jobs, sizeof(*threads));
    if (threads == NULL) {
        fprintf(stderr, "%s: out of memory\n", CLI_NAME);
        goto cleanup;
    }
    pthread_mutex_init(&wt.lock, NULL);
    pthread_cond_init(&wt.can_pop, NULL);
    pthread_cond_init(&wt.started_cv, NULL);
    pool_ready = 1;
    if (start_workers(&wt, threads, &nthreads) != 0)
        goto cleanup;
    cs_log(CS_LOG_INFO,
           "watching%s: %d worker(s), settle %.1f s, rescan "
           "%.1f s%s",
           wt.set.once ? " once" : "", nthreads, wt.set.settle, wt.set.rescan,
           intake_watch_fd(wt.w) >= 0 ? ", inotify" : ", listings only");
    run_loop(&wt);
    if (wt.fatal)
        status = CLI_EXIT_FAILURE;
    else if (wt.set.once && wt.failed_run > 0)
        status = CLI_EXIT_INPUT;
    else
        status = CLI_EXIT_OK;
    cs_log(CS_LOG_INFO, "stopped");
cleanup:
    if (pool_ready) {
        pthread_mutex_lock(&wt.lock);
        wt.closing = 1;
        pthread_cond_broadcast(&wt.can_pop);
        pthread_mutex_unlock(&wt.lock);
        for (int i = 0; i < nthreads; i++)
            (void)pthread_join(threads[i], NULL);
        drain_results(&wt);
        pthread_mutex_destroy(&wt.lock);
        pthread_cond_destroy(&wt.can_pop);
        pthread_cond_destroy(&wt.started_cv);
    }
    while (wt.active != NULL) /* only after a failed start */
        unlink_active(&wt, wt.active);
    free(threads);
    free(wt.queue);
    intake_watch_free(wt.w);
    extract_catalog_free(wt.cat);
    intake_journal_free(wt.jn);
    if (wt.sig_fd >= 0)
        (void)close(wt.sig_fd);
    if (wt.wake_fd >= 0)
        (void)close(wt.wake_fd);
    if (wt.lock_fd >= 0)
        (void)close(wt.lock_fd);
    return status;
}
