/*
 * watch.c: deciding when a file dropped into the inbox is complete. A
 * file is complete when it has not changed (size, times, inode) for the
 * settle time and reads as a whole image; files with temporary names,
 * links and anything but regular files are never touched. Events come
 * from inotify where the file system sends them, and a periodic listing
 * catches the rest (network mounts send none).
 */
#define _GNU_SOURCE
#include "intake/intake.h"
#include "intake/intake_internal.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#define PATH_CAP 4096
#define NEVER 1e300 /* seconds: not before the end of time */
#define MAX_BACKOFF_SECONDS 300.0

static double
dmin(double a, double b)
{
    return a < b ? a : b;
}

static double
dmax(double a, double b)
{
    return a > b ? a : b;
}

typedef enum {
    E_SETTLING, /* seen; waiting until it stops changing */
    E_READY,    /* unchanged for the settle time: read it next */
    E_HELD,     /* handed to the caller */
    E_SKIPPED   /* left alone until it changes */
} entry_state;

typedef struct entry {
    char *name;
    intake__sig sig;
    int have_sig;
    entry_state state;
    double changed_at; /* when sig last changed (or it was first seen) */
    double next_check; /* when to look at it again */
    int attempts;      /* failed checks since it last changed */
    int give_up;       /* next check hands it out as BAD */
    unsigned gen;      /* listing that last saw it */
    cs_status last_status;
    char last_reason[CS_ERROR_MESSAGE_MAX];
} entry;

struct intake_watch {
    char *inbox;
    intake_watch_options opts;
    int ifd, wd;
    entry *v; /* sorted by name */
    size_t n, cap;
    double next_rescan;
    unsigned gen;
};

/* The entry called name, or NULL; *pos_out is where it is or would go. */
static entry *
find_entry(const intake_watch *w, const char *name, size_t *pos_out)
{
    size_t lo = 0, hi = w->n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(w->v[mid].name, name);
        if (c == 0) {
            if (pos_out != NULL)
                *pos_out = mid;
            return &w->v[mid];
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (pos_out != NULL)
        *pos_out = lo;
    return NULL;
}

static void
remove_at(intake_watch *w, size_t pos)
{
    free(w->v[pos].name);
    memmove(&w->v[pos], &w->v[pos + 1], (w->n - pos - 1) * sizeof(*w->v));
    w->n--;
}

static void
remove_entry(intake_watch *w, const char *name)
{
    size_t pos;

    if (find_entry(w, name, &pos) != NULL)
        remove_at(w, pos);
}

/* Notes that name exists and should be looked at now; adds it when new. */
static cs_status
touch_entry(intake_watch *w, const char *name, double now, cs_error *err)
{
    size_t pos;
    entry *e = find_entry(w, name, &pos);

    if (e != NULL) {
        e->gen = w->gen;
        if (e->state == E_SKIPPED || e->state == E_SETTLING)
            e->next_check = dmin(e->next_check, now);
        return CS_OK;
    }
    if (w->n == w->cap) {
        size_t cap = w->cap > 0 ? 2 * w->cap : 64;
        entry *grown = realloc(w->v, cap * sizeof(*w->v));
        if (grown == NULL)
            return cs_error_set(err, CS_ENOMEM, "out of memory");
        w->v = grown;
        w->cap = cap;
    }
    memmove(&w->v[pos + 1], &w->v[pos], (w->n - pos) * sizeof(*w->v));
    e = &w->v[pos];
    memset(e, 0, sizeof(*e));
    e->name = strdup(name);
    if (e->name == NULL) {
        memmove(&w->v[pos], &w->v[pos + 1], (w->n - pos) * sizeof(*w->v));
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    }
    w->n++;
    e->state = E_SETTLING;
    e->changed_at = now;
    e->next_check = now;
    e->gen = w->gen;
    return CS_OK;
}

static int
entry_path(char *out, size_t size, const intake_watch *w, const char *name)
{
    return snprintf(out, size, "%s/%s", w->inbox, name) < (int)size ? 0 : -1;
}

static void
add_inotify_watch(intake_watch *w)
{
    if (w->ifd < 0 || w->wd >= 0)
        return;
    w->wd = inotify_add_watch(w->ifd, w->inbox,
                              IN_CLOSE_WRITE | IN_MOVED_TO | IN_DELETE_SELF |
                                  IN_MOVE_SELF | IN_ONLYDIR);
}

cs_status
intake_watch_new(intake_watch **out, const char *inbox,
                 const intake_watch_options *opts, cs_error *err)
{
    static const intake_watch_options defaults = INTAKE_WATCH_OPTIONS_INIT;
    intake_watch *w = NULL;
    cs_status rc = CS_OK;

    if (out == NULL || inbox == NULL)
        return cs_error_set(err, CS_EINVAL, "watch: bad arguments");
    *out = NULL;
    if (opts == NULL)
        opts = &defaults;
    if (!(opts->settle_seconds >= 0) || !(opts->rescan_seconds > 0) ||
        opts->max_attempts < 1)
        return cs_error_set(err, CS_EINVAL, "watch: bad options");
    w = calloc(1, sizeof(*w));
    if (w == NULL)
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    w->ifd = -1;
    w->wd = -1;
    w->opts = *opts;
    w->inbox = strdup(inbox);
    if (w->inbox == NULL) {
        rc = cs_error_set(err, CS_ENOMEM, "out of memory");
        goto cleanup;
    }
    if (opts->use_inotify) {
        /* Without inotify (no support, no watches left) the listings
         * still find every file, only later. */
        w->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        add_inotify_watch(w);
    }
    w->next_rescan = -NEVER; /* the first poll lists the inbox */
    *out = w;
    w = NULL;
cleanup:
    intake_watch_free(w);
    return rc;
}

void
intake_watch_free(intake_watch *w)
{
    if (w == NULL)
        return;
    for (size_t i = 0; i < w->n; i++)
        free(w->v[i].name);
    free(w->v);
    if (w->ifd >= 0)
        (void)close(w->ifd);
    free(w->inbox);
    free(w);
}

int
intake_watch_fd(const intake_watch *w)
{
    return w != NULL ? w->ifd : -1;
}

/* Reads every pending inotify event. */
static cs_status
drain_events(intake_watch *w, double now, cs_error *err)
{
    char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));

    if (w->ifd < 0)
        return CS_OK;
    for (;;) {
        ssize_t n = read(w->ifd, buf, sizeof(buf));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return CS_OK; /* EAGAIN: nothing more */
        for (char *p = buf; p < buf + n;) {
            const struct inotify_event *ev = (const struct inotify_event *)p;
            p += sizeof(*ev) + ev->len;
            if (ev->mask & IN_Q_OVERFLOW)
                w->next_rescan = now; /* events were lost: list again */
            if (ev->mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF)) {
                w->wd = -1; /* watched again at the next listing */
                w->next_rescan = now;
            }
            if (ev->len > 0 && ev->name[0] != '\0' &&
                !intake_name_is_temporary(ev->name)) {
                cs_status rc = touch_entry(w, ev->name, now, err);
                if (rc != CS_OK)
                    return rc;
            }
        }
    }
}

/* Lists the inbox: new names are added, names gone are forgotten. */
static cs_status
rescan(intake_watch *w, double now, cs_error *err)
{
    DIR *dir;
    struct dirent *de;
    cs_status rc = CS_OK;

    w->next_rescan = now + w->opts.rescan_seconds;
    add_inotify_watch(w);
    dir = opendir(w->inbox);
    if (dir == NULL)
        return cs_error_set(err, CS_EIO, "cannot list the inbox: %s",
                            strerror(errno));
    w->gen++;
    for (;;) {
        errno = 0;
        de = readdir(dir);
        if (de == NULL)
            break;
        if (intake_name_is_temporary(de->d_name) || de->d_type == DT_DIR ||
            de->d_type == DT_LNK)
            continue;
        rc = touch_entry(w, de->d_name, now, err);
        if (rc != CS_OK)
            break;
    }
    if (rc == CS_OK && errno != 0)
        rc = cs_error_set(err, CS_EIO, "cannot list the inbox: %s",
                          strerror(errno));
    (void)closedir(dir);
    if (rc != CS_OK)
        return rc;
    for (size_t i = w->n; i-- > 0;)
        if (w->v[i].gen != w->gen && w->v[i].state != E_HELD)
            remove_at(w, i);
    return CS_OK;
}

/* Looks at entry i, whose check is due. Returns 0, or -1 when it was
 * removed. */
static int
check_entry(intake_watch *w, size_t i, double now)
{
    entry *e = &w->v[i];
    char path[PATH_CAP];
    intake__sig sig;
    int is_reg = 0;

    if (entry_path(path, sizeof(path), w, e->name) != 0) {
        e->state = E_SKIPPED;
        e->next_check = NEVER;
        return 0;
    }
    if (intake__sig_lstat(&sig, &is_reg, path) != 0) {
        if (errno == ENOENT || errno == ENOTDIR) {
            remove_at(w, i);
            return -1;
        }
        e->next_check = now + dmax(w->opts.settle_seconds, 0.1);
        return 0;
    }
    if (!is_reg) { /* links, folders, devices: never ours */
        e->sig = sig;
        e->have_sig = 1;
        e->state = E_SKIPPED;
        e->next_check = NEVER;
        return 0;
    }
    if (!e->have_sig || !intake__sig_equal(&sig, &e->sig)) {
        e->sig = sig;
        e->have_sig = 1;
        e->state = E_SETTLING;
        e->changed_at = now;
        e->attempts = 0;
        e->give_up = 0;
        e->next_check = now + w->opts.settle_seconds;
        return 0;
    }
    if (e->state == E_SKIPPED) {
        e->next_check = NEVER;
        return 0;
    }
    if (now - e->changed_at >= w->opts.settle_seconds) {
        e->state = E_READY;
        e->next_check = NEVER;
    } else {
        e->next_check = e->changed_at + w->opts.settle_seconds;
    }
    return 0;
}

cs_status
intake_watch_poll(intake_watch *w, double now, cs_error *err)
{
    cs_status rc;

    if (w == NULL)
        return cs_error_set(err, CS_EINVAL, "watch: bad arguments");
    rc = drain_events(w, now, err);
    if (rc != CS_OK)
        return rc;
    if (now >= w->next_rescan) {
        rc = rescan(w, now, err);
        if (rc != CS_OK)
            return rc;
    }
    for (size_t i = 0; i < w->n;) {
        entry *e = &w->v[i];
        if ((e->state == E_SETTLING || e->state == E_SKIPPED) &&
            e->next_check <= now && check_entry(w, i, now) < 0)
            continue; /* removed: i is now the next entry */
        i++;
    }
    return CS_OK;
}

/* 1 when data may be the start of an image still being written: nothing
 * yet, a known signature (a truncated image), or zeros (space reserved
 * by the writer before the data). */
static int
maybe_incomplete(const uint8_t *data, size_t size)
{
    static const uint8_t png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    static const uint8_t jpeg[] = {0xff, 0xd8, 0xff};
    static const uint8_t tiff_le[] = {'I', 'I', 42, 0};
    static const uint8_t tiff_be[] = {'M', 'M', 0, 42};
    static const struct {
        const uint8_t *sig;
        size_t len;
    } sigs[] = {{png, sizeof(png)},
                {jpeg, sizeof(jpeg)},
                {tiff_le, sizeof(tiff_le)},
                {tiff_be, sizeof(tiff_be)}};
    size_t zeros = 0, look = size < 512 ? size : 512;

    if (size == 0)
        return 1;
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
        size_t n = size < sigs[i].len ? size : sigs[i].len;
        if (memcmp(data, sigs[i].sig, n) == 0)
            return 1;
    }
    while (zeros < look && data[zeros] == 0)
        zeros++;
    return zeros == look;
}

/* Fills out as BAD for entry e. */
static void
hand_out_bad(intake_watch_item *out, entry *e, cs_status status,
             const char *reason)
{
    out->kind = INTAKE_WATCH_BAD;
    out->status = status;
    out->attempts = e->attempts;
    (void)snprintf(out->reason, sizeof(out->reason), "%s", reason);
    e->state = E_HELD;
}

/* A check of e failed in a way that may pass later: try again with
 * backoff, or give up after max_attempts. Returns 1 when out was filled
 * as BAD. */
static int
failed_check(intake_watch_item *out, intake_watch *w, entry *e,
             cs_status status, const char *msg, double now)
{
    double wait;

    e->attempts++;
    e->last_status = status;
    (void)snprintf(e->last_reason, sizeof(e->last_reason), "%s", msg);
    if (e->attempts >= w->opts.max_attempts) {
        char reason[CS_ERROR_MESSAGE_MAX];
        (void)snprintf(reason, sizeof(reason),
                       "%.200s (unchanged after %d "
                       "checks)",
                       msg, e->attempts);
        hand_out_bad(out, e, status, reason);
        return 1;
    }
    wait = dmax(w->opts.settle_seconds, 0.1) * (double)(1 << (e->attempts - 1));
    e->state = E_SETTLING;
    e->next_check = now + dmin(wait, MAX_BACKOFF_SECONDS);
    return 0;
}

/* Reads and checks ready entry e. Returns 1 when out was filled. */
static int
read_entry(intake_watch_item *out, intake_watch *w, size_t i, double now)
{
    entry *e = &w->v[i];
    char path[PATH_CAP];
    uint8_t *data = NULL;
    size_t size = 0;
    intake__sig sig;
    intake_doc *doc = NULL;
    cs_error err = CS_ERROR_INIT;
    int sys = 0, filled = 0;
    cs_status rc;

    memset(out, 0, sizeof(*out));
    (void)snprintf(out->name, sizeof(out->name), "%s", e->name);
    if (e->give_up) {
        char reason[CS_ERROR_MESSAGE_MAX];
        (void)snprintf(reason, sizeof(reason),
                       "gave up after %d attempts: "
                       "%.200s",
                       e->attempts, e->last_reason);
        hand_out_bad(out, e, e->last_status, reason);
        return 1;
    }
    if (entry_path(path, sizeof(path), w, e->name) != 0) {
        hand_out_bad(out, e, CS_EINVAL, "file name is too long");
        return 1;
    }
    rc = intake__file_read(&data, &size, &sig, &sys, path,
                           w->opts.limits.max_file_bytes, &err);
    if (rc == CS_OK && !intake__sig_equal(&sig, &e->sig))
        rc = cs_error_set(&err, CS_EBUSY, "file changed");
    switch (rc) {
    case CS_OK:
        break;
    case CS_EBUSY: /* still being written: settle again */
        e->state = E_SETTLING;
        e->attempts = 0;
        e->have_sig = 0;
        e->next_check = now;
        goto cleanup;
    case CS_EFORMAT: /* a link or not a regular file (swapped in) */
        e->state = E_SKIPPED;
        e->have_sig = 0;
        e->next_check = NEVER;
        goto cleanup;
    case CS_ETOOBIG:
        out->size = e->sig.size;
        hand_out_bad(out, e, rc, err.message);
        filled = 1;
        goto cleanup;
    default:
        if (sys == ENOENT) {
            remove_at(w, i);
            goto cleanup;
        }
        filled = failed_check(out, w, e, rc, err.message, now);
        goto cleanup;
    }
    out->size = size;
    if (intake_sha256_hex(out->sha256, data, size, &err) != CS_OK) {
        filled = failed_check(out, w, e, CS_ERROR, err.message, now);
        goto cleanup;
    }
    cs_error_clear(&err);
    rc = intake_doc_open_mem(&doc, data, size, &w->opts.limits, &err);
    if (rc == CS_OK) {
        out->kind = INTAKE_WATCH_COMPLETE;
        out->format = intake_doc_format(doc);
        out->npages = intake_doc_page_count(doc);
        out->attempts = e->attempts;
        e->state = E_HELD;
        filled = 1;
    } else if (rc == CS_ETOOBIG ||
               (rc == CS_EFORMAT && !maybe_incomplete(data, size))) {
        hand_out_bad(out, e, rc, err.message); /* final */
        filled = 1;
    } else {
        /* Truncated or empty: a stalled writer looks the same. */
        filled = failed_check(out, w, e, rc, err.message, now);
    }
cleanup:
    intake_doc_free(doc);
    free(data);
    return filled;
}

cs_status
intake_watch_next(intake_watch_item *out, intake_watch *w, double now,
                  cs_error *err)
{
    if (out == NULL || w == NULL)
        return cs_error_set(err, CS_EINVAL, "watch: bad arguments");
    for (;;) {
        size_t best = w->n;
        for (size_t i = 0; i < w->n; i++)
            if (w->v[i].state == E_READY &&
                (best == w->n || w->v[i].changed_at < w->v[best].changed_at))
                best = i;
        if (best == w->n)
            break;
        if (read_entry(out, w, best, now))
            return CS_OK;
    }
    memset(out, 0, sizeof(*out));
    out->kind = INTAKE_WATCH_NONE;
    return CS_OK;
}

void
intake_watch_done(intake_watch *w, const char *name)
{
    if (w != NULL && name != NULL)
        remove_entry(w, name);
}

void
intake_watch_retry(intake_watch *w, const char *name, const char *reason,
                   double now)
{
    entry *e;

    if (w == NULL || name == NULL || (e = find_entry(w, name, NULL)) == NULL)
        return;
    e->attempts++;
    e->last_status = CS_EIO;
    (void)snprintf(e->last_reason, sizeof(e->last_reason), "%s",
                   reason != NULL ? reason : "could not be taken in");
    e->state = E_SETTLING;
    e->give_up = e->attempts >= w->opts.max_attempts;
    e->next_check =
        now + dmin(dmax(w->opts.settle_seconds, 0.1) *
                       (double)(1 << (e->attempts < 10 ? e->attempts - 1 : 9)),
                   MAX_BACKOFF_SECONDS);
}

void
intake_watch_skip(intake_watch *w, const char *name)
{
    entry *e;

    if (w == NULL || name == NULL || (e = find_entry(w, name, NULL)) == NULL)
        return;
    e->state = E_SKIPPED;
    e->next_check = NEVER;
}

size_t
intake_watch_pending(const intake_watch *w)
{
    size_t n = 0;

    for (size_t i = 0; w != NULL && i < w->n; i++)
        n += w->v[i].state != E_SKIPPED;
    return n;
}

double
intake_watch_timeout(const intake_watch *w, double now)
{
    double next;

    if (w == NULL)
        return NEVER;
    next = w->next_rescan;
    for (size_t i = 0; i < w->n; i++) {
        if (w->v[i].state == E_READY)
            return 0;
        if (w->v[i].state == E_SETTLING)
            next = dmin(next, w->v[i].next_check);
    }
    return next > now ? next - now : 0;
}
