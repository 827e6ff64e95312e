/*
 * intake.h: the intake stage. Reads a scan file (PNG, JPEG, TIFF single or
 * multi-page) into memory once, checks it before decoding anything (type,
 * truncation, page count, claimed pixel size), fingerprints it with
 * SHA-256, and decodes one page at a time with its resolution.
 */
#ifndef INTAKE_H
#define INTAKE_H

#include <stddef.h>
#include <stdint.h>

#include "common/cs_error.h"

struct Pix;

/* Hard limits that refuse absurd input before it is decoded. */
typedef struct intake_limits {
    size_t max_file_bytes;  /* the file itself */
    uint32_t max_dimension; /* width or height claimed by a page header */
    uint64_t max_pixels;    /* width x height of one page */
    uint32_t max_pages;     /* pages of a multi-page TIFF */
} intake_limits;

#define INTAKE_LIMITS_INIT                                                     \
    {                                                                          \
        256u << 20, 20000u, 80000000u, 500u                                    \
    }

typedef enum {
    INTAKE_FORMAT_PNG = 1,
    INTAKE_FORMAT_JPEG,
    INTAKE_FORMAT_TIFF
} intake_format;

/* One decoded page. */
typedef struct intake_page {
    struct Pix *pix;  /* owned; 1, 8 or 32 bpp (colormaps removed) */
    int number;       /* 1-based page number within its document */
    int xres, yres;   /* pixels per inch, as read or inferred */
    int res_inferred; /* 1 when the file gave no usable resolution */
} intake_page;

typedef struct intake_doc intake_doc;

/*
 * Reads the file at path into memory and checks it: not empty, a PNG, JPEG
 * or TIFF whose every page header is readable and within limits (lim may
 * be NULL for INTAKE_LIMITS_INIT), PNG and JPEG not truncated. The caller
 * owns *out and frees it with intake_doc_free(). Returns CS_EIO (cannot
 * read), CS_EFORMAT (empty, wrong type, damaged), CS_ETOOBIG, CS_ENOMEM.
 * Messages never contain the path.
 */
cs_status intake_doc_open(intake_doc **out, const char *path,
                          const intake_limits *lim, cs_error *err);

/* The same from bytes already in memory (copied). */
cs_status intake_doc_open_mem(intake_doc **out, const uint8_t *data,
                              size_t size, const intake_limits *lim,
                              cs_error *err);

void intake_doc_free(intake_doc *doc);

size_t intake_doc_page_count(const intake_doc *doc);
intake_format intake_doc_format(const intake_doc *doc);

/* Lower-case hex SHA-256 of the file's bytes (64 characters; borrowed). */
const char *intake_doc_sha256(const intake_doc *doc);

/*
 * Decodes page index (0-based) into page. The caller owns page->pix and
 * releases it with intake_page_clear(). Returns CS_EFORMAT when the page's
 * data is damaged, CS_ENOMEM, CS_EINVAL for a bad index.
 */
cs_status intake_doc_page_load(intake_page *page, const intake_doc *doc,
                               size_t index, cs_error *err);

/* Releases page->pix and zeroes the page; page may be NULL. */
void intake_page_clear(intake_page *page);

/*
 * Lower-case hex SHA-256 of size bytes at data, written to hex_out (at
 * least 65 bytes). Returns CS_OK or CS_ERROR.
 */
cs_status intake_sha256_hex(char *hex_out, const uint8_t *data, size_t size,
                            cs_error *err);

/* ==== Watched folder: files, inbox, journal =========================== */

/*
 * The watched-folder intake (claimscan watch) is built from three parts:
 * files.c moves and writes files safely, watch.c decides when a file in
 * the inbox is complete, journal.c records in SQLite what happened to
 * every document. Claim records are opaque JSON strings here: intake
 * never sees the later stages.
 */

/* The state folder's layout, relative to the state folder. */
#define INTAKE_STATE_JOURNAL "journal.sqlite"
#define INTAKE_STATE_LOCK "lock"
#define INTAKE_STATE_ARCHIVE "archive"       /* <sha256>.<ext>: originals */
#define INTAKE_STATE_RECORDS "records"       /* <sha256>-p<page>.json */
#define INTAKE_STATE_QUARANTINE "quarantine" /* <id>.<ext>, <id>.reason.txt */
#define INTAKE_STATE_DUPLICATES "duplicates" /* <id>.<ext> */

/* The prefix of a journal location that names a file in the inbox. */
#define INTAKE_INBOX_PREFIX "inbox/"

/* ---- files.c ------------------------------------------------------- */

/*
 * 1 when name is one a writer uses before renaming the file to its final
 * name, or a hidden one: a leading '.', a leading "~$", or (in any case)
 * the endings .part, .partial, .filepart, .tmp, .temp, .crdownload,
 * .download. Such files are never touched.
 */
int intake_name_is_temporary(const char *name);

/*
 * Reads the regular file at path into *data_out (at most max bytes; the
 * caller frees it with free()) without following a symbolic link in its
 * last component. Returns CS_EFORMAT for a link or a file that is not
 * regular, CS_ETOOBIG past max, CS_EIO when it cannot be read.
 */
cs_status intake_file_read(uint8_t **data_out, size_t *size_out,
                           const char *path, size_t max, cs_error *err);

/*
 * Writes size bytes at data to path atomically: a temporary file beside
 * it (mode 0600), fsync, rename over path, fsync of the folder. Returns
 * CS_OK or CS_EIO.
 */
cs_status intake_file_write_atomic(const char *path, const void *data,
                                   size_t size, cs_error *err);

/*
 * Moves the regular file from to the path to, which must not exist, and
 * makes the move durable (fsync of both folders). Across file systems it
 * copies (fsync), checks the source did not change meanwhile and only
 * then unlinks the source. Never follows a symbolic link. The moved file
 * is made private (0600) when the caller owns it. Returns
 * CS_EINVAL when to exists, CS_EFORMAT when from is a link or not a
 * regular file, CS_EBUSY when from changed during a copy, CS_EIO.
 */
cs_status intake_file_move(const char *from, const char *to, cs_error *err);

/*
 * Removes from folder dir the temporary files that an interrupted
 * intake_file_write_atomic() or intake_file_move() left behind (".NAME.
 * XXXXXX", regular files only; originals are never among them). *count_out
 * (may be NULL) says how many. Returns CS_OK or CS_EIO.
 */
cs_status intake_dir_sweep_temp(size_t *count_out, const char *dir,
                                cs_error *err);

/* 1 when something (even a dangling link) exists at path. */
int intake_file_exists(const char *path);

/*
 * Creates the folder path and its missing parents with mode 0700 and
 * checks that it is a folder of the effective user that group and others
 * cannot write. Returns CS_OK, CS_EINVAL (unsafe) or CS_EIO.
 */
cs_status intake_dir_make_private(const char *path, cs_error *err);

/*
 * Checks that the state folder state and the inbox inbox (both existing)
 * are distinct and neither lies inside the other. Returns CS_OK or
 * CS_EINVAL.
 */
cs_status intake_state_check(const char *state, const char *inbox,
                             cs_error *err);

/* ---- watch.c: when is a file in the inbox complete? ---------------- */

typedef struct intake_watch intake_watch;

/* Options of intake_watch_new(). */
typedef struct intake_watch_options {
    double settle_seconds; /* a file must not change this long (2) */
    double rescan_seconds; /* list the whole inbox this often (10) */
    int max_attempts;      /* checks of a file that stays unreadable or
                              incomplete before giving up on it (3) */
    int use_inotify;       /* 1: react to events, not only listings */
    intake_limits limits;
} intake_watch_options;

#define INTAKE_WATCH_OPTIONS_INIT                                              \
    {                                                                          \
        2.0, 10.0, 3, 1, INTAKE_LIMITS_INIT                                    \
    }

typedef enum {
    INTAKE_WATCH_NONE = 0, /* nothing is ready */
    INTAKE_WATCH_COMPLETE, /* a whole image: take it in */
    INTAKE_WATCH_BAD       /* never an image, or given up: set it aside */
} intake_watch_kind;

/* A file of the inbox handed to the caller by intake_watch_next(). */
typedef struct intake_watch_item {
    intake_watch_kind kind;
    char name[256];       /* its name in the inbox (no folder) */
    char sha256[65];      /* of the bytes read; "" when none could be read */
    uint64_t size;        /* bytes */
    intake_format format; /* COMPLETE: the image type */
    size_t npages;        /* COMPLETE: pages */
    cs_status status;     /* BAD: CS_EFORMAT, CS_ETOOBIG, CS_EIO... */
    char reason[CS_ERROR_MESSAGE_MAX]; /* BAD: why, without the name */
    int attempts;                      /* checks made */
} intake_watch_item;

/*
 * Starts watching the folder inbox (opts may be NULL for the defaults):
 * inotify for closed and renamed files when available, plus a listing
 * every rescan_seconds. Nothing is read before the first
 * intake_watch_poll(). The caller frees *out with intake_watch_free().
 */
cs_status intake_watch_new(intake_watch **out, const char *inbox,
                           const intake_watch_options *opts, cs_error *err);

void intake_watch_free(intake_watch *w);

/* The descriptor to wait on for input (inotify), or -1. */
int intake_watch_fd(const intake_watch *w);

/*
 * Takes in events and, when due, a listing of the inbox, and looks at
 * the files whose time has come. now is a monotonic clock in seconds,
 * given by the caller (tests use their own). Returns CS_EIO when the
 * inbox cannot be listed (the watch goes on; call again later).
 */
cs_status intake_watch_poll(intake_watch *w, double now, cs_error *err);

/*
 * Hands out the next file that has stopped changing for the settle time
 * and reads as a whole image (COMPLETE), or that will never be one or
 * was given up on (BAD), or sets out->kind to INTAKE_WATCH_NONE. A file
 * that does not read as a whole image yet (empty, truncated, busy) is
 * checked again with backoff, up to max_attempts times. The file is the
 * caller's until it calls intake_watch_done(), _retry() or _skip().
 */
cs_status intake_watch_next(intake_watch_item *out, intake_watch *w, double now,
                            cs_error *err);

/* The caller took the file away: forget it. */
void intake_watch_done(intake_watch *w, const char *name);

/* The caller could not take the file (reason, without the name): look at
 * it again later; after max_attempts it comes back as BAD. */
void intake_watch_retry(intake_watch *w, const char *name, const char *reason,
                        double now);

/* Leave the file alone until it changes. */
void intake_watch_skip(intake_watch *w, const char *name);

/* Files seen that are neither handed out for good nor left alone. */
size_t intake_watch_pending(const intake_watch *w);

/* Seconds from now until intake_watch_poll() has work (0: now). */
double intake_watch_timeout(const intake_watch *w, double now);

/* ---- journal.c: what happened to every document -------------------- */

typedef enum {
    INTAKE_DOC_RECEIVED = 0, /* archived, waiting for a worker */
    INTAKE_DOC_PROCESSING,   /* being read (or interrupted by a crash) */
    INTAKE_DOC_DONE,         /* every page has its claim record */
    INTAKE_DOC_NEEDS_REVIEW, /* done, and some record asks for review */
    INTAKE_DOC_FAILED,       /* set aside in quarantine with a reason */
    INTAKE_DOC_DUPLICATE     /* same content as an earlier document */
} intake_doc_state;

#define INTAKE_DOC_STATE_COUNT 6

/* "received", "processing", ... as stored in the journal. */
const char *intake_doc_state_name(intake_doc_state state);

typedef struct intake_journal intake_journal;

/* One document as the journal knows it. Locations are relative to the
 * state folder, or INTAKE_INBOX_PREFIX and the name in the inbox. */
typedef struct intake_journal_entry {
    int64_t id;
    char sha256[65]; /* "" when the file could not be read */
    char name[256];  /* its name in the inbox: for people, never logged */
    char ext[16];    /* extension of the stored copy: png, jpg, tif... */
    uint64_t size;
    intake_doc_state state;
    int attempts;          /* times it was claimed for processing */
    int pages;             /* 0 until known */
    int64_t duplicate_of;  /* 0, or the id of the first document */
    char stored[300];      /* where the original is (or goes); "" none */
    char moving_from[300]; /* a move not yet done: where from; "" none */
    char reason[CS_ERROR_MESSAGE_MAX];                /* last error; "" none */
    int64_t received_ms, updated_ms, next_attempt_ms; /* Unix time, ms */
} intake_journal_entry;

/* A change of one document by intake_journal_update(). */
typedef struct intake_journal_change {
    intake_doc_state state;  /* the new state (may equal the old one) */
    const char *reason;      /* NULL keeps the old one, "" clears it */
    const char *stored;      /* NULL keeps, "" clears */
    const char *moving_from; /* NULL keeps, "" clears */
    int64_t next_attempt_ms; /* for RECEIVED: not before this time */
    int attempts_delta;      /* -1 hands back a try that was not made */
} intake_journal_change;

#define INTAKE_JOURNAL_CHANGE_INIT                                             \
    {                                                                          \
        INTAKE_DOC_RECEIVED, NULL, NULL, NULL, 0, 0                            \
    }

/* Flags of intake_journal_open(). */
#define INTAKE_JOURNAL_CREATE 1   /* create the file and schema if missing */
#define INTAKE_JOURNAL_READONLY 2 /* only read (status); not with CREATE */

/*
 * Opens (with INTAKE_JOURNAL_CREATE: creates) the journal at path: WAL
 * mode, full sync, a busy timeout, schema checked by its version. One
 * handle belongs to one thread. Returns CS_EIO, or CS_EINVAL for a
 * journal of a newer version. Free with intake_journal_free().
 */
cs_status intake_journal_open(intake_journal **out, const char *path, int flags,
                              cs_error *err);

void intake_journal_free(intake_journal *j);

/*
 * Adds a document in state e->state (RECEIVED, DUPLICATE or FAILED) from
 * e's sha256, name, ext, size, attempts, duplicate_of, reason and
 * moving_from. An empty e->stored gets the layout's place: archive by
 * hash for RECEIVED, duplicates or quarantine by id otherwise. Fills
 * e->id, e->stored and the times. A second RECEIVED document with the
 * sha256 of a live one (received, processing, done, needs_review) is
 * refused with CS_EINVAL.
 */
cs_status intake_journal_add(intake_journal *j, intake_journal_entry *e,
                             int64_t now_ms, cs_error *err);

/* Fills *out with document id; CS_EINVAL when there is none. */
cs_status intake_journal_get(intake_journal_entry *out, intake_journal *j,
                             int64_t id, cs_error *err);

/* The live document with this sha256, if any (*found 0 or 1). */
cs_status intake_journal_find_live(intake_journal_entry *out, int *found,
                                   intake_journal *j, const char *sha256,
                                   cs_error *err);

/* The newest document whose move from moving_from is not done yet. */
cs_status intake_journal_find_moving(intake_journal_entry *out, int *found,
                                     intake_journal *j, const char *moving_from,
                                     cs_error *err);

/* Ids of every document with a move not done yet; free(*ids_out). */
cs_status intake_journal_list_moving(int64_t **ids_out, size_t *n_out,
                                     intake_journal *j, cs_error *err);

/*
 * Changes document id as c says, in one transaction with an event. The
 * state may go processing -> done, needs_review, failed or received;
 * received -> failed; needs_review -> done (the review station clears
 * the last flag) or failed (a reviewer rejects a page); or stay the
 * same; others are refused (CS_EINVAL).
 */
cs_status intake_journal_update(intake_journal *j, int64_t id,
                                const intake_journal_change *c, int64_t now_ms,
                                cs_error *err);

/* Crash recovery: every document left in processing goes back to
 * received (its attempts kept). *count_out (may be NULL) says how many. */
cs_status intake_journal_recover(size_t *count_out, intake_journal *j,
                                 int64_t now_ms, cs_error *err);

/*
 * Claims the oldest received document whose next attempt is due and
 * whose original is in place (no move pending): it becomes processing
 * and its attempts grow by one. *found says whether there was one.
 */
cs_status intake_journal_claim(intake_journal_entry *out, int *found,
                               intake_journal *j, int64_t now_ms,
                               cs_error *err);

/* The earliest next-attempt time among documents claim could take. */
cs_status intake_journal_next_due(int64_t *ms_out, int *found,
                                  intake_journal *j, cs_error *err);

/* Records the page count of document id. */
cs_status intake_journal_set_pages(intake_journal *j, int64_t id, int pages,
                                   cs_error *err);

/* Stores (or replaces) the claim record of page (1-based) of document
 * id: an opaque JSON text; review says it asks for review. */
cs_status intake_journal_add_record(intake_journal *j, int64_t id, int page,
                                    int review, const char *json,
                                    int64_t now_ms, cs_error *err);

/* *out is 1 when page of document id has its record. */
cs_status intake_journal_has_record(int *out, intake_journal *j, int64_t id,
                                    int page, cs_error *err);

/* The record of page of document id (the caller frees *json_out), or
 * CS_EINVAL when it has none. */
cs_status intake_journal_get_record(char **json_out, intake_journal *j,
                                    int64_t id, int page, cs_error *err);

/* How many records document id has, and how many ask for review. */
cs_status intake_journal_record_counts(size_t *records_out, size_t *review_out,
                                       intake_journal *j, int64_t id,
                                       cs_error *err);

/* What `claimscan status` shows. */
typedef struct intake_journal_stats {
    size_t count[INTAKE_DOC_STATE_COUNT]; /* documents per state */
    int64_t oldest_id; /* oldest received or processing; 0 none */
    int64_t oldest_ms; /* when it was received */
    char oldest_name[256];
    size_t docs_last_hour;  /* documents finished in the last hour */
    size_t pages_last_hour; /* claim records written in the last hour */
} intake_journal_stats;

cs_status intake_journal_stats_get(intake_journal_stats *out, intake_journal *j,
                                   int64_t now_ms, cs_error *err);

/* One event with a reason (an error, a retry, a recovery). */
typedef struct intake_journal_event {
    int64_t at_ms;
    int64_t document_id;
    intake_doc_state state;
    char name[256];
    char reason[CS_ERROR_MESSAGE_MAX];
} intake_journal_event;

/* The newest max events that carry a reason, newest first. */
cs_status intake_journal_errors(intake_journal_event *out, size_t max,
                                size_t *n_out, intake_journal *j,
                                cs_error *err);

/* A setting of the journal (such as "inbox"); "" when unset. */
cs_status intake_journal_meta_get(char *value_out, size_t size,
                                  intake_journal *j, const char *key,
                                  cs_error *err);

cs_status intake_journal_meta_set(intake_journal *j, const char *key,
                                  const char *value, cs_error *err);

/* The bit of state in the states mask of intake_journal_list(). */
#define INTAKE_DOC_STATE_BIT(state) (1u << (unsigned)(state))

/*
 * Lists the documents whose state is in states (INTAKE_DOC_STATE_BIT of
 * each, or-ed) and whose id is above after_id, oldest first (in id order,
 * which is the order of arrival), at most max of them. To page on, pass
 * the last id listed as after_id. The caller frees *entries_out with
 * free(); it is NULL when none matched. Returns CS_EINVAL, CS_ENOMEM or
 * CS_EIO.
 */
cs_status intake_journal_list(intake_journal_entry **entries_out, size_t *n_out,
                              intake_journal *j, unsigned states,
                              int64_t after_id, size_t max, cs_error *err);

#endif
