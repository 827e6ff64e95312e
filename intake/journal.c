/*
 * journal.c: the watched folder's journal, an SQLite database in WAL mode
 * that says what happened to every document: its hash, original name,
 * state, attempts, where its original is, and its claim records (opaque
 * JSON, one row per page). Every change is one transaction with an entry
 * in the events table. Values are always bound to prepared statements.
 */
#include "intake/intake.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SCHEMA_VERSION 1
#define BUSY_TIMEOUT_MS 5000

struct intake_journal {
    sqlite3 *db;
};

static const char *const state_names[INTAKE_DOC_STATE_COUNT] = {
    "received", "processing", "done", "needs_review", "failed", "duplicate",
};

/* Version 1. The partial unique index keeps one live document per
 * content: duplicates and failures may repeat a hash. */
static const char schema_v1[] =
    "CREATE TABLE documents ("
    " id INTEGER PRIMARY KEY,"
    " sha256 TEXT CHECK (sha256 IS NULL OR length(sha256) = 64),"
    " name TEXT NOT NULL,"
    " ext TEXT NOT NULL,"
    " size INTEGER NOT NULL DEFAULT 0,"
    " state TEXT NOT NULL CHECK (state IN ('received', 'processing',"
    "  'done', 'needs_review', 'failed', 'duplicate')),"
    " attempts INTEGER NOT NULL DEFAULT 0,"
    " pages INTEGER NOT NULL DEFAULT 0,"
    " duplicate_of INTEGER REFERENCES documents(id),"
    " stored TEXT,"
    " moving_from TEXT,"
    " reason TEXT,"
    " received_ms INTEGER NOT NULL,"
    " updated_ms INTEGER NOT NULL,"
    " started_ms INTEGER,"
    " finished_ms INTEGER,"
    " next_attempt_ms INTEGER NOT NULL DEFAULT 0);"
    "CREATE UNIQUE INDEX documents_live_sha ON documents(sha256)"
    " WHERE state IN ('received', 'processing', 'done', 'needs_review');"
    "CREATE INDEX documents_state ON documents(state, next_attempt_ms);"
    "CREATE INDEX documents_finished ON documents(finished_ms);"
    "CREATE INDEX documents_moving ON documents(moving_from)"
    " WHERE moving_from IS NOT NULL;"
    "CREATE TABLE records ("
    " document_id INTEGER NOT NULL REFERENCES documents(id),"
    " page INTEGER NOT NULL CHECK (page >= 1),"
    " review INTEGER NOT NULL,"
    " json TEXT NOT NULL,"
    " created_ms INTEGER NOT NULL,"
    " PRIMARY KEY (document_id, page));"
    "CREATE INDEX records_created ON records(created_ms);"
    "CREATE TABLE events ("
    " id INTEGER PRIMARY KEY,"
    " document_id INTEGER NOT NULL REFERENCES documents(id),"
    " at_ms INTEGER NOT NULL,"
    " state TEXT NOT NULL,"
    " reason TEXT);"
    "CREATE INDEX events_reason ON events(id) WHERE reason IS NOT NULL;"
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);";

#define DOC_COLUMNS                                                            \
    "id, sha256, name, ext, size, state, attempts, pages, duplicate_of, "      \
    "stored, moving_from, reason, received_ms, updated_ms, "                   \
    "next_attempt_ms"

const char *
intake_doc_state_name(intake_doc_state state)
{
    if ((unsigned)state < INTAKE_DOC_STATE_COUNT)
        return state_names[state];
    return "unknown";
}

static int
state_parse(const char *s)
{
    for (int i = 0; s != NULL && i < INTAKE_DOC_STATE_COUNT; i++)
        if (strcmp(s, state_names[i]) == 0)
            return i;
    return -1;
}

/* Records an SQLite failure in err. Messages never hold bound values. */
static cs_status
db_fail(cs_error *err, sqlite3 *db, int rc, const char *what)
{
    cs_status code = CS_ERROR;

    switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        code = CS_EBUSY;
        break;
    case SQLITE_NOMEM:
        code = CS_ENOMEM;
        break;
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
    case SQLITE_PERM:
        code = CS_EIO;
        break;
    case SQLITE_CONSTRAINT:
        code = CS_EINVAL;
        break;
    }
    return cs_error_set(err, code, "journal: %s: %s", what,
                        db != NULL ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
}

/* Runs fixed SQL that takes no values. */
static cs_status
exec_sql(intake_journal *j, const char *sql, cs_error *err)
{
    int rc = sqlite3_exec(j->db, sql, NULL, NULL, NULL);

    return rc == SQLITE_OK ? CS_OK : db_fail(err, j->db, rc, "exec");
}

static cs_status
prepare(sqlite3_stmt **out, intake_journal *j, const char *sql, cs_error *err)
{
    int rc = sqlite3_prepare_v2(j->db, sql, -1, out, NULL);

    return rc == SQLITE_OK ? CS_OK : db_fail(err, j->db, rc, "prepare");
}

static cs_status
tx_begin(intake_journal *j, cs_error *err)
{
    return exec_sql(j, "BEGIN IMMEDIATE", err);
}

static cs_status
tx_commit(intake_journal *j, cs_error *err)
{
    return exec_sql(j, "COMMIT", err);
}

static void
tx_rollback(intake_journal *j)
{
    if (!sqlite3_get_autocommit(j->db))
        (void)sqlite3_exec(j->db, "ROLLBACK", NULL, NULL, NULL);
}

/* Binds s, or NULL when s is NULL or empty. */
static int
bind_text_or_null(sqlite3_stmt *st, int i, const char *s)
{
    if (s == NULL || s[0] == '\0')
        return sqlite3_bind_null(st, i);
    return sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

/* Runs a statement expected to return no row. */
static cs_status
step_done(sqlite3_stmt *st, intake_journal *j, const char *what, cs_error *err)
{
    int rc = sqlite3_step(st);

    return rc == SQLITE_DONE ? CS_OK : db_fail(err, j->db, rc, what);
}

static void
column_text(char *out, size_t size, sqlite3_stmt *st, int col)
{
    const unsigned char *s = sqlite3_column_text(st, col);

    (void)snprintf(out, size, "%s", s != NULL ? (const char *)s : "");
}

static void
row_to_entry(intake_journal_entry *e, sqlite3_stmt *st)
{
    char state[32];
    int s;

    memset(e, 0, sizeof(*e));
    e->id = sqlite3_column_int64(st, 0);
    column_text(e->sha256, sizeof(e->sha256), st, 1);
    column_text(e->name, sizeof(e->name), st, 2);
    column_text(e->ext, sizeof(e->ext), st, 3);
    e->size = (uint64_t)sqlite3_column_int64(st, 4);
    column_text(state, sizeof(state), st, 5);
    s = state_parse(state);
    e->state = s >= 0 ? (intake_doc_state)s : INTAKE_DOC_FAILED;
    e->attempts = sqlite3_column_int(st, 6);
    e->pages = sqlite3_column_int(st, 7);
    e->duplicate_of = sqlite3_column_int64(st, 8);
    column_text(e->stored, sizeof(e->stored), st, 9);
    column_text(e->moving_from, sizeof(e->moving_from), st, 10);
    column_text(e->reason, sizeof(e->reason), st, 11);
    e->received_ms = sqlite3_column_int64(st, 12);
    e->updated_ms = sqlite3_column_int64(st, 13);
    e->next_attempt_ms = sqlite3_column_int64(st, 14);
}

static cs_status
add_event(intake_journal *j, int64_t id, intake_doc_state state,
          const char *reason, int64_t now_ms, cs_error *err)
{
    sqlite3_stmt *st = NULL;
    cs_status rc = prepare(&st, j,
                           "INSERT INTO events (document_id, at_ms, state, "
                           "reason) VALUES (?1, ?2, ?3, ?4)",
                           err);

    if (rc != CS_OK)
        return rc;
    (void)sqlite3_bind_int64(st, 1, id);
    (void)sqlite3_bind_int64(st, 2, now_ms);
    (void)sqlite3_bind_text(st, 3, intake_doc_state_name(state), -1,
                            SQLITE_STATIC);
    (void)bind_text_or_null(st, 4, reason);
    rc = step_done(st, j, "event", err);
    (void)sqlite3_finalize(st);
    return rc;
}

/* Creates the schema in a new journal or checks an existing one's
 * version. */
static cs_status
schema_setup(intake_journal *j, int create, cs_error *err)
{
    sqlite3_stmt *st = NULL;
    int version = 0;
    cs_status rc;

    rc = create ? tx_begin(j, err) : exec_sql(j, "BEGIN", err);
    if (rc != CS_OK)
        return rc;
    rc = prepare(&st, j, "PRAGMA user_version", err);
    if (rc != CS_OK)
        goto cleanup;
    if (sqlite3_step(st) == SQLITE_ROW)
        version = sqlite3_column_int(st, 0);
    (void)sqlite3_finalize(st);
    if (version > SCHEMA_VERSION) {
        rc = cs_error_set(err, CS_EINVAL,
                          "journal: version %d is newer than this "
                          "program's %d",
                          version, SCHEMA_VERSION);
        goto cleanup;
    }
    if (version == 0 && !create) {
        rc = cs_error_set(err, CS_EINVAL, "journal: not initialized");
        goto cleanup;
    }
    if (version == 0) {
        rc = exec_sql(j, schema_v1, err);
        if (rc == CS_OK)
            rc = exec_sql(j, "PRAGMA user_version = 1", err);
        if (rc != CS_OK)
            goto cleanup;
    }
    /* Later versions migrate here, one step per version. */
    rc = tx_commit(j, err);
cleanup:
    if (rc != CS_OK)
        tx_rollback(j);
    return rc;
}

cs_status
intake_journal_open(intake_journal **out, const char *path, int flags,
                    cs_error *err)
{
    intake_journal *j = NULL;
    sqlite3_stmt *st = NULL;
    int create = (flags & INTAKE_JOURNAL_CREATE) != 0;
    int readonly = (flags & INTAKE_JOURNAL_READONLY) != 0 && !create;
    int oflags = SQLITE_OPEN_NOFOLLOW |
                 (readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) |
                 (create ? SQLITE_OPEN_CREATE : 0);
    cs_status rc = CS_OK;
    int src = SQLITE_DONE;

    if (out == NULL || path == NULL)
        return cs_error_set(err, CS_EINVAL, "journal: bad arguments");
    *out = NULL;
    j = calloc(1, sizeof(*j));
    if (j == NULL)
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    src = sqlite3_open_v2(path, &j->db, oflags, NULL);
    if (src != SQLITE_OK) {
        rc = db_fail(err, j->db, src, "cannot open");
        goto cleanup;
    }
    (void)sqlite3_extended_result_codes(j->db, 1);
    (void)sqlite3_busy_timeout(j->db, BUSY_TIMEOUT_MS);
    rc = exec_sql(j, "PRAGMA foreign_keys = ON", err);
    if (rc != CS_OK)
        goto cleanup;
    if (!readonly) {
        char mode[16] = "";
        rc = prepare(&st, j, "PRAGMA journal_mode = WAL", err);
        if (rc != CS_OK)
            goto cleanup;
        if (sqlite3_step(st) == SQLITE_ROW)
            column_text(mode, sizeof(mode), st, 0);
        (void)sqlite3_finalize(st);
        if (strcmp(mode, "wal") != 0) {
            rc = cs_error_set(err, CS_EIO,
                              "journal: WAL mode is not available (is the "
                              "state folder on a network file system?)");
            goto cleanup;
        }
        /* FULL: a commit survives a power cut, not only a crash. */
        rc = exec_sql(j, "PRAGMA synchronous = FULL", err);
        if (rc != CS_OK)
            goto cleanup;
    }
    rc = schema_setup(j, create, err);
    if (rc != CS_OK)
        goto cleanup;
    *out = j;
    j = NULL;
cleanup:
    intake_journal_free(j);
    return rc;
}

void
intake_journal_free(intake_journal *j)
{
    if (j == NULL)
        return;
    (void)sqlite3_close(j->db);
    free(j);
}

/* 1 when ext is 1 to 15 lower-case letters and digits. */
static int
ext_valid(const char *ext)
{
    size_t n = 0;

    for (; ext[n] != '\0'; n++)
        if (!((ext[n] >= 'a' && ext[n] <= 'z') ||
              (ext[n] >= '0' && ext[n] <= '9')))
            return 0;
    return n >= 1 && n < 16;
}

cs_status
intake_journal_add(intake_journal *j, intake_journal_entry *e, int64_t now_ms,
                   cs_error *err)
{
    sqlite3_stmt *st = NULL;
    char stored[sizeof(e->stored)];
    int64_t id;
    cs_status rc;

    if (j == NULL || e == NULL || !ext_valid(e->ext))
        return cs_error_set(err, CS_EINVAL, "journal: bad arguments");
    if (e->state != INTAKE_DOC_RECEIVED && e->state != INTAKE_DOC_DUPLICATE &&
        e->state != INTAKE_DOC_FAILED)
        return cs_error_set(err, CS_EINVAL,
                            "journal: a new document cannot be %s",
                            intake_doc_state_name(e->state));
    if (e->state == INTAKE_DOC_RECEIVED && strlen(e->sha256) != 64)
        return cs_error_set(err, CS_EINVAL,
                            "journal: a received document needs its hash");
    rc = tx_begin(j, err);
    if (rc != CS_OK)
        return rc;
    rc = prepare(&st, j,
                 "INSERT INTO documents (sha256, name, ext, size, state, "
                 "attempts, duplicate_of, stored, moving_from, reason, "
                 "received_ms, updated_ms, finished_ms) VALUES (?1, ?2, ?3, "
                 "?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11, ?12)",
                 err);
    if (rc != CS_OK)
        goto cleanup;
    (void)bind_text_or_null(st, 1, e->sha256);
    (void)sqlite3_bind_text(st, 2, e->name, -1, SQLITE_TRANSIENT);
    (void)sqlite3_bind_text(st, 3, e->ext, -1, SQLITE_TRANSIENT);
    (void)sqlite3_bind_int64(st, 4, (sqlite3_int64)e->size);
    (void)sqlite3_bind_text(st, 5, intake_doc_state_name(e->state), -1,
                            SQLITE_STATIC);
    (void)sqlite3_bind_int(st, 6, e->attempts);
    if (e->duplicate_of > 0)
        (void)sqlite3_bind_int64(st, 7, e->duplicate_of);
    else
        (void)sqlite3_bind_null(st, 7);
    (void)bind_text_or_null(st, 8, e->stored);
    (void)bind_text_or_null(st, 9, e->moving_from);
    (void)bind_text_or_null(st, 10, e->reason);
    (void)sqlite3_bind_int64(st, 11, now_ms);
    if (e->state == INTAKE_DOC_RECEIVED)
        (void)sqlite3_bind_null(st, 12);
    else
        (void)sqlite3_bind_int64(st, 12, now_ms);
    rc = step_done(st, j, "add", err);
    (void)sqlite3_finalize(st);
    st = NULL;
    if (rc != CS_OK)
        goto cleanup;
    id = sqlite3_last_insert_rowid(j->db);
    if (e->stored[0] == '\0') {
        if (e->state == INTAKE_DOC_RECEIVED)
            (void)snprintf(stored, sizeof(stored), "%s/%s.%s",
                           INTAKE_STATE_ARCHIVE, e->sha256, e->ext);
        else
            (void)snprintf(stored, sizeof(stored), "%s/%lld.%s",
                           e->state == INTAKE_DOC_DUPLICATE
                               ? INTAKE_STATE_DUPLICATES
                               : INTAKE_STATE_QUARANTINE,
                           (long long)id, e->ext);
        rc = prepare(&st, j, "UPDATE documents SET stored = ?1 WHERE id = ?2",
                     err);
        if (rc != CS_OK)
            goto cleanup;
        (void)sqlite3_bind_text(st, 1, stored, -1, SQLITE_TRANSIENT);
        (void)sqlite3_bind_int64(st, 2, id);
        rc = step_done(st, j, "add", err);
        if (rc != CS_OK)
            goto cleanup;
    } else {
        memcpy(stored, e->stored, sizeof(stored));
    }
    rc = add_event(j, id, e->state, e->reason, now_ms, err);
    if (rc != CS_OK)
        goto cleanup;
    rc = tx_commit(j, err);
    if (rc != CS_OK)
        goto cleanup;
    e->id = id;
    memcpy(e->stored, stored, sizeof(e->stored));
    e->received_ms = now_ms;
    e->updated_ms = now_ms;
cleanup:
    (void)sqlite3_finalize(st);
    if (rc != CS_OK)
        tx_rollback(j);
    return rc;
}

/* Runs a query of DOC_COLUMNS with one text or id parameter and fills
 * *out from its first row. */
static cs_status
query_entry(intake_journal_entry *out, int *found, intake_journal *j,
            const char *sql, const char *text, int64_t id, cs_error *err)
{
    sqlite3_stmt *st = NULL;
    cs_status rc = prepare(&st, j, sql, err);
    int src = SQLITE_DONE;

    *found = 0;
    if (rc != CS_OK)
        return rc;
    if (text != NULL)
        (void)sqlite3_bind_text(st, 1, text, -1, SQLITE_TRANSIENT);
    else
        (void)sqlite3_bind_int64(st, 1, id);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        row_to_entry(out, st);
        *found = 1;
    } else if (src != SQLITE_DONE) {
        rc = db_fail(err, j->db, src, "query");
    }
    (void)sqlite3_finalize(st);
    return rc;
}

cs_status
intake_journal_get(intake_journal_entry *out, intake_journal *j, int64_t id,
                   cs_error *err)
{
    int found = 0;
    cs_status rc;

    if (out == NULL || j == NULL)
        return cs_error_set(err, CS_EINVAL, "journal: bad arguments");
    rc = query_entry(out, &found, j,
                     "SELECT " DOC_COLUMNS " FROM documents WHERE id = ?1",
                     NULL, id, err);
    if (rc == CS_OK && !found)
        rc = cs_error_set(err, CS_EINVAL, "journal: no document %lld",
                          (long long)id);
    return rc;
}

cs_status
intake_journal_find_live(intake_journal_entry *out, int *found,
                         intake_journal *j, const char *sha256, cs_error *err)
{
    if (out == NULL || found == NULL || j == NULL || sha256 == NULL)
        return cs_error_set(err, CS_EINVAL, "journal: bad arguments");
    return query_entry(out, found, j,
                       "SELECT " DOC_COLUMNS " FROM documents WHERE "
                       "sha256 = ?1 AND state IN ('received', 'processing', "
                       "'done', 'needs_review') LIMIT 1",
                       sha256, 0, err);
}

cs_status
intake_journal_find_moving(intake_journal_entry *out, int *found,
                           intake_journal *j, const char *moving_from,
                           cs_error *err)
{
    if (out == NULL || found == NULL || j == NULL || moving_from == NULL)
        return cs_error_set(err, CS_EINVAL, "journal: bad arguments");
    return query_entry(out, found, j,
                       "SELECT " DOC_COLUMNS " FROM documents WHERE "
                       "moving_from = ?1 ORDER BY id DESC LIMIT 1",
                       moving_from, 0, err);
}

cs_status
intake_journal_list_moving(int64_t **ids_out, size_t *n_out, intake_journal *j,
                           cs_error *err)
{
    sqlite3_stmt *st = NULL;
    int64_t *ids = NULL;
    size_t n = 0, cap = 0;
    cs_status rc;
    int src = SQLITE_DONE;

    if (ids_out == NULL || n_out == NULL || j == NULL)
        return cs_error_set(err, CS_EINVAL, "journal: bad arguments");
    *ids_out = NULL;
    *n_out = 0;
    rc = prepare(&st, j,
                 "SELECT id FROM documents WHERE moving_from IS NOT NULL "
                 "ORDER BY id",
                 err);
    if (rc != CS_OK)
        return rc;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == cap) {
            size_t ncap = cap > 0 ? 2 * cap : 16;
            int64_t *grown = realloc(ids, ncap * sizeof(*ids));
            if (grown == NULL) {
                rc = cs_error_set(err, CS_ENOMEM, "out of memory");
                goto cleanup;
            }
            ids = grown;
            cap = ncap;
        }
        ids[n++] = sqlite3_column_int64(st, 0);
    }
    if (src != SQLITE_DONE) {
        rc = db_fail(err, j->db, src, "list");
        goto cleanup;
    }
    *ids_out = ids;
    *n_out = n;
    ids = NULL;
cleanup:
    free(ids);
    (void)sqlite3_finalize(st);
    return rc;
}

/* May a document in state from go to state to? */
static int
transition_allowed(intake_doc_state from, intake_doc_state to)
{
    if (from == to)
        return 1;
    if (from == INTAKE_DOC_PROCESSING)
        return to == INTAKE_DOC_DONE || to == INTAKE_DOC_NEEDS_REVIEW ||
               to == INTAKE_DOC_FAILED || to == INTAKE_DOC_RECEIVED;
    if (from == INTAKE_DOC_RECEIVED)
        return to == INTAKE_DOC_FAILED;
    /* The review station clears a document's last flag, or a reviewer
     * rejects a page that cannot be used. */
    if (from == INTAKE_DOC_NEEDS_REVIEW)
        return to == INTAKE_DOC_DONE || to == INTAKE_DOC_FAILED;
    return 0;
}

static int
state_final(intake_doc_state s)
{
    return s == INTAKE_DOC_DONE || s == INTAKE_DOC_NEEDS_REVIEW ||
           s == INTAKE_DOC_FAILED || s == INTAKE_DOC_DUPLICATE;
}

cs_status
intake_journal_update(intake_journal *j, int64_t id,
                      const intake_journal_change *c, int64_t now_ms,
                      cs_error *err)
{
    intake_journal_entry e;
    sqlite3_stmt *st = NULL;
    int found = 0, attempts;
    cs_status rc;

    if (j == NULL || c == NULL || (unsigned)c->state >= INTAKE_DOC_STATE_COUNT)
        return cs_error_set(err, CS_EINVAL, "journal: bad arguments");
    rc = tx_begin(j, err);
    if (rc != CS_OK)
        return rc;
    rc = query_entry(&e, &found, j,
                     "SELECT " DOC_COLUMNS " FROM documents WHERE id = ?1",
                     NULL, id, err);
    if (rc != CS_OK)
        goto cleanup;
    if (!found) {
        rc = cs_error_set(err, CS_EINVAL, "journal: no document %lld",
                          (long long)id);
        goto cleanup;
    }
    if (!transition_allowed(e.state, c->state)) {
        rc = cs_error_set(err, CS_EINVAL,
                          "journal: document %lld cannot go from %s to %s",
                          (long long)id, intake_doc_state_name(e.state),
                          intake_doc_state_name(c->state));
        goto cleanup;
    }
    attempts = e.attempts + c->attempts_delta;
    rc = prepare(&st, j,
                 "UPDATE documents SET state = ?1, "
                 "reason = CASE WHEN ?2 THEN ?3 ELSE reason END, "
                 "stored = CASE WHEN ?4 THEN ?5 ELSE stored END, "
                 "moving_from = CASE WHEN ?6 THEN ?7 ELSE moving_from END, "
                 "attempts = ?8, next_attempt_ms = ?9, updated_ms = ?10, "
                 "finished_ms = CASE WHEN ?11 THEN ?10 ELSE finished_ms END "
                 "WHERE id = ?12",
                 err);
    if (rc != CS_OK)
        goto cleanup;
    (void)sqlite3_bind_text(st, 1, intake_doc_state_name(c->state), -1,
                            SQLITE_STATIC);
    (void)sqlite3_bind_int(st, 2, c->reason != NULL);
    (void)bind_text_or_null(st, 3, c->reason);
    (void)sqlite3_bind_int(st, 4, c->stored != NULL);
    (void)bind_text_or_null(st, 5, c->stored);
    (void)sqlite3_bind_int(st, 6, c->moving_from != NULL);
    (void)bind_text_or_null(st, 7, c->moving_from);
    (void)sqlite3_bind_int(st, 8, attempts > 0 ? attempts : 0);
    (void)sqlite3_bind_int64(
        st, 9, c->state == INTAKE_DOC_RECEIVED ? c->next_attempt_ms : 0);
    (void)sqlite3_bind_int64(st, 10, now_ms);
    (void)sqlite3_bind_int(st, 11,
                           state_final(c->state) && c->state != e.state);
    (void)sqlite3_bind_int64(st, 12, id);
    rc = step_done(st, j, "update", err);
    if (rc != CS_OK)
        goto cleanup;
    if (c->state != e.state || (c->reason != NULL && c->reason[0] != '\0')) {
        rc = add_event(j, id, c->state, c->reason, now_ms, err);
        if (rc != CS_OK)
            goto cleanup;
    }
    rc = tx_commit(j, err);
cleanup:
    (void)sqlite3_finalize(st);
    if (rc != CS_OK)
        tx_rollback(j);
    return rc;
}

cs_status
intake_journal_recover(size_t *count_out, intake_journal *j, int64_t now_ms,
                       cs_error *err)
{
    sqlite3_stmt *st = NULL;
    size_t count = 0;
    cs_status rc;

    if (j == NULL)
        return cs_error_set(err, CS_EINVAL, "journal: bad arguments");
    rc = tx_begin(j, err);
    if (rc != CS_OK)
        return rc;
    rc = prepare(&st, j,
                 "INSERT INTO events (document_id, at_ms, state, reason) "
                 "SELECT id, ?1, 'received', 'interrupted while processing "
                 "(crash or kill); resumed' FROM documents WHERE state = "
                 "'processing'",
                 err);
    if (rc != CS_OK)
        goto cleanup;
    (void)sqlite3_bind_int64(st, 1, now_ms);
    rc = step_done(st, j, "recover", err);
    (void)sqlite3_finalize(st);
    st = NULL;
    if (rc != CS_OK)
        goto cleanup;
    rc = prepare(&st, j,
                 "UPDATE documents SET state = 'received', updated_ms = ?1, "
                 "next_attempt_ms = 0 WHERE state = 'processing'",
                 err);
    if (rc != CS_OK)
        goto cleanup;
    (void)sqlite3_bind_int64(st, 1, now_ms);
    rc = step_done(st, j, "recover", err);
    if (rc != CS_OK)
        goto cleanup;
    count = (size_t)sqlite3_changes(j->db);
    rc = tx_commit(j, err);
    if (rc == CS_OK && count_out != NULL)
        *count_out = count;
cleanup:
    (void)sqlite3_finalize(st);
    if (rc != CS_OK)
        tx_rollback(j);
    return rc;
}

cs_status
intake_journal_claim(intake_journal_entry *out, int *found, intake_journal *j,
                     int64_t now_ms, cs_error *err)
{
    sqlite3_stmt *st = NULL;
    intake_journal_entry e;
    int have = 0;
    cs_status rc;

    if (out == NULL || found == NULL || j == NULL)
        return cs_error_set(err, CS_EINVAL, "journal: bad arguments");
    *found = 0;
    rc = tx_begin(j, err);
    if (rc != CS_OK)
        return rc;
    rc = prepare(&st, j,
                 "SELECT " DOC_COLUMNS " FROM documents WHERE state = "
                 "'received' AND moving_from IS NULL AND next_attempt_ms "
                 "<= ?1 ORDER BY id LIMIT 1",
                 err);
    if (rc != CS_OK)
        goto cleanup;
    (void)sqlite3_bind_int64(st, 1, now_ms);
    {
        int src = sqlite3_step(st);
        if (src == SQLITE_ROW) {
            row_to_entry(&e, st);
            have = 1;
        } else if (src != SQLITE_DONE) {
            rc = db_fail(err, j->db, src, "claim");
            goto cleanup;
        }
    }
    (void)sqlite3_finalize(st);
    st = NULL;
    if (!have) {
        rc = tx_commit(j, err);
        goto cleanup;
    }
    rc = prepare(&st, j,
                 "UPDATE documents SET state = 'processing', attempts = "
                 "attempts + 1, started_ms = ?1, updated_ms = ?1 WHERE "
                 "id = ?2",
                 err);
    if (rc != CS_OK)
        goto cleanup;
    (void)sqlite3_bind_int64(st, 1, now_ms);
    (void)sqlite3_bind_int64(st, 2, e.id);
    rc = step_done(st, j, "claim", err);
    if (rc != CS_OK)
        goto cleanup;
    rc = add_event(j, e.id, INTAKE_DOC_PROCESSING, NULL, now_ms, err);
    if (rc != CS_OK)
        goto cleanup;
    rc = tx_commit(j, err);
    if (rc != CS_OK)
        goto cleanup;
    e.state = INTAKE_DOC_PROCESSING;
    e.attempts++;
    e.updated_ms = now_ms;
    *out = e;
    *found = 1;
cleanup:
    (void)sqlite3_finalize(st);
    if (rc != CS_OK)
        tx_rollback(j);
    return rc;
}

cs_status
intake_journal_next_due(int64_t *ms_out, int *found, intake_journal *j,
                        cs_error *err)
{
    sqlite3_stmt *st = NULL;
    cs_status rc;
    int src = SQLITE_DONE;

    if (ms_out == NULL || found == NULL || j == NULL)
        return cs_error_set(err, CS_EINVAL, "journal: bad arguments");
    *found = 0;
    rc = prepare(&st, j,
                 "SELECT MIN(next_attempt_ms) FROM documents WHERE state = "
                 "'received' AND moving_from IS NULL",
                 err);
    if (rc != CS_OK)
        return rc;
    src = sqlite3_step(st);
    if (src == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
        *ms_out = sqlite3_column_int64(st, 0);
        *found = 1;
    } else if (src != SQLITE_ROW && src != SQLITE_DONE) {
        rc = db_fail(err, j->db, src, "next due");
    }
    (void)sqlite3_finalize(st);
    return rc;
}

cs_status
intake_journal_set_pages(intake_journal *j, int64_t id, int pages,
                         cs_error *err)
{
    sqlite3_stmt *st = NULL;
    cs_status rc;

    if (j == NULL || pages < 0)
        return cs_error_set(err, CS_EINVAL, "journal: bad arguments");
    rc = prepare(&st, j, "UPDATE documents SET pages = ?1 WHERE id = ?2", err);
    if (rc != CS_OK)
        return rc;
    (void)sqlite3_bind_int(st, 1, pages);
    (void)sqlite3_bind_int64(st, 2, id);
    rc = step_done(st, j, "pages", err);
    (void)sqlite3_finalize(st);
    return rc;
}

cs_status
intake_journal_add_record(intake_journal *j, int64_t id, int page, int review,
                          const char *json, int64_t now_ms, cs_error *err)
{
    sqlite3_stmt *st = NULL;
    cs_status rc;

    if (j == NULL || page < 1 || json == NULL)
        return cs_error_set(err, CS_EINVAL, "journal: bad arguments");
    rc = prepare(&st, j,
                 "INSERT INTO records (document_id, page, review, json, "
                 "created_ms) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT "
                 "(document_id, page) DO UPDATE SET review = "
                 "excluded.review, json = excluded.json, created_ms = "
                 "excluded.created_ms",
                 err);
    if (rc != CS_OK)
        return rc;
    (void)sqlite3_bind_int64(st, 1, id);
    (void)sqlite3_bind_int(st, 2, page);
    (void)sqlite3_bind_int(st, 3, review != 0);
    (void)sqlite3_bind_text(st, 4, json, -1, SQLITE_TRANSIENT);
    (void)sqlite3_bind_int64(st, 5, now_ms);
    rc = step_done(st, j, "record", err);
    (void)sqlite3_finalize(st);
    return rc;
}

cs_status
intake_journal_has_record(int *out, intake_journal *j, int64_t id, int page,
                          cs_error *err)
{
    sqlite3_stmt *st = NULL;
    cs_status rc;
    int src = SQLITE_DONE;

    if (out == NULL || j == NULL)
        return cs_error_set(err, CS_EINVAL, "journal: bad arguments");
    *out = 0;
    rc = prepare(&st, j,
                 "SELECT 1 FROM records WHERE document_id = ?1 AND page = ?2",
                 err);
    if (rc != CS_OK)
        return rc;
    (void)sqlite3_bind_int64(st, 1, id);
    (void)sqlite3_bind_int(st, 2, page);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW)
        *out = 1;
    else if (src != SQLITE_DONE)
        rc = db_fail(err, j->db, src, "record");
    (void)sqlite3_finalize(st);
    return rc;
}

cs_status
intake_journal_get_record(char **json_out, intake_journal *j, int64_t id,
                          int page, cs_error *err)
{
    sqlite3_stmt *st = NULL;
    cs_status rc;
    int src = SQLITE_DONE;

    if (json_out == NULL || j == NULL)
        return cs_error_set(err, CS_EINVAL, "journal: bad arguments");
    *json_out = NULL;
    rc = prepare(&st, j,
                 "SELECT json FROM records WHERE document_id = ?1 AND "
                 "page = ?2",
                 err);
    if (rc != CS_OK)
        return rc;
    (void)sqlite3_bind_int64(st, 1, id);
    (void)sqlite3_bind_int(st, 2, page);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        const unsigned char *s = sqlite3_column_text(st, 0);
        *json_out = strdup(s != NULL ? (const char *)s : "");
        if (*json_out == NULL)
            rc = cs_error_set(err, CS_ENOMEM, "out of memory");
    } else if (src == SQLITE_DONE) {
        rc =
            cs_error_set(err, CS_EINVAL, "journal: no record of page %d", page);
    } else {
        rc = db_fail(err, j->db, src, "record");
    }
    (void)sqlite3_finalize(st);
    return rc;
}

cs_status
intake_journal_record_counts(size_t *records_out, size_t *review_out,
                             intake_journal *j, int64_t id, cs_error *err)
{
    sqlite3_stmt *st = NULL;
    cs_status rc;
    int src = SQLITE_DONE;

    if (records_out == NULL || review_out == NULL || j == NULL)
        return cs_error_set(err, CS_EINVAL, "journal: bad arguments");
    rc = prepare(&st, j,
                 "SELECT COUNT(*), COALESCE(SUM(review), 0) FROM records "
                 "WHERE document_id = ?1",
                 err);
    if (rc != CS_OK)
        return rc;
    (void)sqlite3_bind_int64(st, 1, id);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        *records_out = (size_t)sqlite3_column_int64(st, 0);
        *review_out = (size_t)sqlite3_column_int64(st, 1);
    } else {
        rc = db_fail(err, j->db, src, "records");
    }
    (void)sqlite3_finalize(st);
    return rc;
}

/* Runs a one-number query with one integer parameter. */
static cs_status
query_count(size_t *out, intake_journal *j, const char *sql, int64_t arg,
            cs_error *err)
{
    sqlite3_stmt *st = NULL;
    cs_status rc = prepare(&st, j, sql, err);
    int src = SQLITE_DONE;

    if (rc != CS_OK)
        return rc;
    (void)sqlite3_bind_int64(st, 1, arg);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW)
        *out = (size_t)sqlite3_column_int64(st, 0);
    else
        rc = db_fail(err, j->db, src, "count");
    (void)sqlite3_finalize(st);
    return rc;
}

cs_status
intake_journal_stats_get(intake_journal_stats *out, intake_journal *j,
                         int64_t now_ms, cs_error *err)
{
    sqlite3_stmt *st = NULL;
    cs_status rc;
    int src = SQLITE_DONE;

    if (out == NULL || j == NULL)
        return cs_error_set(err, CS_EINVAL, "journal: bad arguments");
    memset(out, 0, sizeof(*out));
    rc = exec_sql(j, "BEGIN", err); /* one snapshot for every count */
    if (rc != CS_OK)
        return rc;
    rc = prepare(&st, j,
                 "SELECT state, COUNT(*) FROM documents GROUP BY "
                 "state",
                 err);
    if (rc != CS_OK)
        goto cleanup;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        int s = state_parse((const char *)sqlite3_column_text(st, 0));
        if (s >= 0)
            out->count[s] = (size_t)sqlite3_column_int64(st, 1);
    }
    if (src != SQLITE_DONE) {
        rc = db_fail(err, j->db, src, "stats");
        goto cleanup;
    }
    (void)sqlite3_finalize(st);
    st = NULL;
    rc = prepare(&st, j,
                 "SELECT id, received_ms, name FROM documents WHERE state IN "
                 "('received', 'processing') ORDER BY received_ms, id "
                 "LIMIT 1",
                 err);
    if (rc != CS_OK)
        goto cleanup;
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        out->oldest_id = sqlite3_column_int64(st, 0);
        out->oldest_ms = sqlite3_column_int64(st, 1);
        column_text(out->oldest_name, sizeof(out->oldest_name), st, 2);
    } else if (src != SQLITE_DONE) {
        rc = db_fail(err, j->db, src, "stats");
        goto cleanup;
    }
    rc = query_count(&out->docs_last_hour, j,
                     "SELECT COUNT(*) FROM documents WHERE finished_ms >= ?1 "
                     "AND state IN ('done', 'needs_review', 'failed')",
                     now_ms - 3600 * 1000, err);
    if (rc != CS_OK)
        goto cleanup;
    rc = query_count(&out->pages_last_hour, j,
                     "SELECT COUNT(*) FROM records WHERE created_ms >= ?1",
                     now_ms - 3600 * 1000, err);
cleanup:
    (void)sqlite3_finalize(st);
    tx_rollback(j); /* read only: nothing to keep */
    return rc;
}

cs_status
intake_journal_errors(intake_journal_event *out, size_t max, size_t *n_out,
                      intake_journal *j, cs_error *err)
{
    sqlite3_stmt *st = NULL;
    size_t n = 0;
    cs_status rc;
    int src = SQLITE_DONE;

    if ((out == NULL && max > 0) || n_out == NULL || j == NULL)
        return cs_error_set(err, CS_EINVAL, "journal: bad arguments");
    *n_out = 0;
    rc = prepare(&st, j,
                 "SELECT e.at_ms, e.document_id, e.state, d.name, e.reason "
                 "FROM events e JOIN documents d ON d.id = e.document_id "
                 "WHERE e.reason IS NOT NULL ORDER BY e.id DESC LIMIT ?1",
                 err);
    if (rc != CS_OK)
        return rc;
    (void)sqlite3_bind_int64(st, 1, (sqlite3_int64)max);
    while (n < max && (src = sqlite3_step(st)) == SQLITE_ROW) {
        intake_journal_event *ev = &out[n++];
        char state[32];
        int s;
        memset(ev, 0, sizeof(*ev));
        ev->at_ms = sqlite3_column_int64(st, 0);
        ev->document_id = sqlite3_column_int64(st, 1);
        column_text(state, sizeof(state), st, 2);
        s = state_parse(state);
        ev->state = s >= 0 ? (intake_doc_state)s : INTAKE_DOC_FAILED;
        column_text(ev->name, sizeof(ev->name), st, 3);
        column_text(ev->reason, sizeof(ev->reason), st, 4);
    }
    if (n < max && src != SQLITE_DONE)
        rc = db_fail(err, j->db, src, "errors");
    (void)sqlite3_finalize(st);
    *n_out = n;
    return rc;
}

cs_status
intake_journal_meta_get(char *value_out, size_t size, intake_journal *j,
                        const char *key, cs_error *err)
{
    sqlite3_stmt *st = NULL;
    cs_status rc;
    int src = SQLITE_DONE;

    if (value_out == NULL || size == 0 || j == NULL || key == NULL)
        return cs_error_set(err, CS_EINVAL, "journal: bad arguments");
    value_out[0] = '\0';
    rc = prepare(&st, j, "SELECT value FROM meta WHERE key = ?1", err);
    if (rc != CS_OK)
        return rc;
    (void)sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW)
        column_text(value_out, size, st, 0);
    else if (src != SQLITE_DONE)
        rc = db_fail(err, j->db, src, "meta");
    (void)sqlite3_finalize(st);
    return rc;
}

cs_status
intake_journal_meta_set(intake_journal *j, const char *key, const char *value,
                        cs_error *err)
{
    sqlite3_stmt *st = NULL;
    cs_status rc;

    if (j == NULL || key == NULL || value == NULL)
        return cs_error_set(err, CS_EINVAL, "journal: bad arguments");
    rc = prepare(&st, j,
                 "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT "
                 "(key) DO UPDATE SET value = excluded.value",
                 err);
    if (rc != CS_OK)
        return rc;
    (void)sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
    (void)sqlite3_bind_text(st, 2, value, -1, SQLITE_TRANSIENT);
    rc = step_done(st, j, "meta", err);
    (void)sqlite3_finalize(st);
    return rc;
}

cs_status
intake_journal_list(intake_journal_entry **entries_out, size_t *n_out,
                    intake_journal *j, unsigned states, int64_t after_id,
                    size_t max, cs_error *err)
{
    sqlite3_stmt *st = NULL;
    intake_journal_entry *v = NULL;
    size_t n = 0, cap = 0;
    cs_status rc;
    int src = SQLITE_DONE;

    if (entries_out == NULL || n_out == NULL || j == NULL)
        return cs_error_set(err, CS_EINVAL, "journal: bad arguments");
    *entries_out = NULL;
    *n_out = 0;
    if (max == 0 || (states & ((1u << INTAKE_DOC_STATE_COUNT) - 1)) == 0)
        return CS_OK;
    /* A state not asked for binds NULL, which matches nothing. */
    rc = prepare(&st, j,
                 "SELECT " DOC_COLUMNS " FROM documents WHERE id > ?1 AND "
                 "state IN (?2, ?3, ?4, ?5, ?6, ?7) ORDER BY id LIMIT ?8",
                 err);
    if (rc != CS_OK)
        return rc;
    (void)sqlite3_bind_int64(st, 1, after_id);
    for (int s = 0; s < INTAKE_DOC_STATE_COUNT; s++)
        (void)bind_text_or_null(
            st, 2 + s,
            (states & INTAKE_DOC_STATE_BIT(s)) != 0 ? state_names[s] : NULL);
    (void)sqlite3_bind_int64(
        st, 8, max > (size_t)INT64_MAX ? INT64_MAX : (sqlite3_int64)max);
    while (n < max && (src = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == cap) {
            size_t ncap = cap > 0 ? 2 * cap : 16;
            intake_journal_entry *grown;
            if (ncap > max)
                ncap = max;
            grown = realloc(v, ncap * sizeof(*v));
            if (grown == NULL) {
                rc = cs_error_set(err, CS_ENOMEM, "out of memory");
                goto cleanup;
            }
            v = grown;
            cap = ncap;
        }
        row_to_entry(&v[n++], st);
    }
    if (src != SQLITE_DONE && src != SQLITE_ROW) {
        rc = db_fail(err, j->db, src, "list");
        goto cleanup;
    }
    *entries_out = v;
    *n_out = n;
    v = NULL;
cleanup:
    free(v);
    (void)sqlite3_finalize(st);
    return rc;
}
