/*
 * store.c: the review station's tables in the journal's database. The
 * station owns review_locks, review_audit and review_records (created if
 * missing); documents are read and changed only through the journal
 * API (intake/intake.h), never with SQL of its own. Every value is bound
 * to a prepared statement.
 */
#include "apps/review/review.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PATH_CAP 4096
#define BUSY_MS 5000
#define LIST_BATCH 256

struct review_store {
    sqlite3 *db;
    intake_journal *jn;
    char state[PATH_CAP];
};

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS review_locks ("
    " document_id INTEGER PRIMARY KEY,"
    " holder TEXT NOT NULL,"
    " who TEXT NOT NULL,"
    " expires_ms INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS review_audit ("
    " id INTEGER PRIMARY KEY,"
    " document_id INTEGER NOT NULL,"
    " page INTEGER NOT NULL,"
    " field TEXT NOT NULL,"
    " action TEXT NOT NULL CHECK (action IN ('accept', 'correct',"
    "  'override', 'reject')),"
    " old_value TEXT NOT NULL,"
    " new_value TEXT NOT NULL,"
    " rule TEXT,"
    " who TEXT NOT NULL,"
    " at_ms INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS review_audit_doc"
    " ON review_audit(document_id, page, field);"
    "CREATE TABLE IF NOT EXISTS review_records ("
    " document_id INTEGER NOT NULL,"
    " page INTEGER NOT NULL,"
    " json TEXT NOT NULL,"
    " who TEXT NOT NULL,"
    " created_ms INTEGER NOT NULL,"
    " PRIMARY KEY (document_id, page));";

static cs_status
db_fail(cs_error *err, sqlite3 *db, const char *what)
{
    return cs_error_set(err, CS_EIO, "review store: %s: %s", what,
                        db != NULL ? sqlite3_errmsg(db) : "no database");
}

static cs_status
prepare(sqlite3_stmt **out, review_store *st, const char *sql, cs_error *err)
{
    if (sqlite3_prepare_v2(st->db, sql, -1, out, NULL) != SQLITE_OK)
        return db_fail(err, st->db, "prepare");
    return CS_OK;
}

static void
column_text(char *out, size_t size, sqlite3_stmt *s, int col)
{
    const unsigned char *t = sqlite3_column_text(s, col);

    (void)snprintf(out, size, "%s", t != NULL ? (const char *)t : "");
}

cs_status
review_store_open(review_store **out, const char *state, cs_error *err)
{
    review_store *st = NULL;
    char path[PATH_CAP];
    cs_status rc = CS_OK;
    int n;

    if (out == NULL || state == NULL)
        return cs_error_set(err, CS_EINVAL, "review store: no state folder");
    *out = NULL;
    n = snprintf(path, sizeof(path), "%s/%s", state, INTAKE_STATE_JOURNAL);
    if (n < 0 || (size_t)n >= sizeof(path) ||
        strlen(state) >= sizeof(st->state))
        return cs_error_set(err, CS_EINVAL, "review store: path too long");
    st = calloc(1, sizeof(*st));
    if (st == NULL)
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    (void)snprintf(st->state, sizeof(st->state), "%s", state);
    /* The journal must exist: a watcher made it. */
    rc = intake_journal_open(&st->jn, path, 0, err);
    if (rc != CS_OK)
        goto cleanup;
    if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE, NULL) !=
        SQLITE_OK) {
        rc = db_fail(err, st->db, "open");
        goto cleanup;
    }
    (void)sqlite3_busy_timeout(st->db, BUSY_MS);
    if (sqlite3_exec(st->db, schema, NULL, NULL, NULL) != SQLITE_OK) {
        rc = db_fail(err, st->db, "schema");
        goto cleanup;
    }
    *out = st;
    st = NULL;
cleanup:
    review_store_free(st);
    return rc;
}

void
review_store_free(review_store *st)
{
    if (st == NULL)
        return;
    (void)sqlite3_close(st->db);
    intake_journal_free(st->jn);
    free(st);
}

intake_journal *
review_store_journal(review_store *st)
{
    return st->jn;
}

const char *
review_store_state(const review_store *st)
{
    return st->state;
}

/* How many reviewed records document doc has here. */
static cs_status
records_count(size_t *out, review_store *st, int64_t doc, cs_error *err)
{
    static const char sql[] =
        "SELECT count(*) FROM review_records WHERE document_id = ?1";
    sqlite3_stmt *s = NULL;
    cs_status rc = prepare(&s, st, sql, err);

    *out = 0;
    if (rc != CS_OK)
        return rc;
    (void)sqlite3_bind_int64(s, 1, doc);
    if (sqlite3_step(s) == SQLITE_ROW)
        *out = (size_t)sqlite3_column_int64(s, 0);
    else
        rc = db_fail(err, st->db, "reviewed records");
    (void)sqlite3_finalize(s);
    return rc;
}

/* 1 when every page of the journal entry e has its reviewed record. */
static cs_status
entry_finished(int *out, review_store *st, const intake_journal_entry *e,
               cs_error *err)
{
    size_t n = 0;
    cs_status rc = records_count(&n, st, e->id, err);

    *out = rc == CS_OK && e->pages > 0 && n >= (size_t)e->pages;
    return rc;
}

/* Who holds an unexpired lock of doc ("" nobody), and until when. */
static cs_status
lock_holder(char *who_out, size_t size, int64_t *expires_out, review_store *st,
            int64_t doc, int64_t now_ms, cs_error *err)
{
    static const char sql[] = "SELECT who, expires_ms FROM review_locks"
                              " WHERE document_id = ?1 AND expires_ms > ?2";
    sqlite3_stmt *s = NULL;
    cs_status rc = prepare(&s, st, sql, err);
    int step;

    who_out[0] = '\0';
    *expires_out = 0;
    if (rc != CS_OK)
        return rc;
    (void)sqlite3_bind_int64(s, 1, doc);
    (void)sqlite3_bind_int64(s, 2, now_ms);
    step = sqlite3_step(s);
    if (step == SQLITE_ROW) {
        column_text(who_out, size, s, 0);
        *expires_out = sqlite3_column_int64(s, 1);
    } else if (step != SQLITE_DONE) {
        rc = db_fail(err, st->db, "lock");
    }
    (void)sqlite3_finalize(s);
    return rc;
}

cs_status
review_store_queue(review_queue_item **items_out, size_t *n_out,
                   review_store *st, size_t max, int64_t now_ms, cs_error *err)
{
    intake_journal_entry *batch = NULL;
    review_queue_item *items = NULL;
    size_t n = 0, nb = 0;
    int64_t after = 0;
    cs_status rc = CS_OK;

    *items_out = NULL;
    *n_out = 0;
    items = calloc(max > 0 ? max : 1, sizeof(*items));
    if (items == NULL)
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    /* Oldest first, in batches, leaving out what is reviewed here. */
    do {
        rc = intake_journal_list(&batch, &nb, st->jn,
                                 INTAKE_DOC_STATE_BIT(INTAKE_DOC_NEEDS_REVIEW),
                                 after, LIST_BATCH, err);
        if (rc != CS_OK)
            goto cleanup;
        for (size_t i = 0; i < nb && n < max; i++) {
            review_queue_item *it = &items[n];
            int finished = 0;

            after = batch[i].id;
            rc = entry_finished(&finished, st, &batch[i], err);
            if (rc != CS_OK)
                goto cleanup;
            if (finished)
                continue;
            it->id = batch[i].id;
            it->received_ms = batch[i].received_ms;
            it->pages = batch[i].pages;
            rc = lock_holder(it->holder_who, sizeof(it->holder_who),
                             &it->lock_expires_ms, st, it->id, now_ms, err);
            if (rc != CS_OK)
                goto cleanup;
            n++;
        }
        free(batch);
        batch = NULL;
    } while (nb == LIST_BATCH && n < max);
    *items_out = items;
    *n_out = n;
    items = NULL;
cleanup:
    free(batch);
    free(items);
    return rc;
}

cs_status
review_store_lock(int *got_out, char *other_who_out, size_t size,
                  review_store *st, int64_t doc, const char *holder,
                  const char *who, int64_t now_ms, int64_t ttl_ms,
                  cs_error *err)
{
    /* One statement: take a free or expired lock, or renew our own. */
    static const char sql[] =
        "INSERT INTO review_locks (document_id, holder, who, expires_ms)"
        " VALUES (?1, ?2, ?3, ?4)"
        " ON CONFLICT(document_id) DO UPDATE SET holder = excluded.holder,"
        "  who = excluded.who, expires_ms = excluded.expires_ms"
        " WHERE review_locks.holder = excluded.holder"
        "  OR review_locks.expires_ms <= ?5";
    static const char sql_who[] =
        "SELECT who FROM review_locks WHERE document_id = ?1";
    sqlite3_stmt *s = NULL;
    cs_status rc;

    *got_out = 0;
    if (size > 0)
        other_who_out[0] = '\0';
    rc = prepare(&s, st, sql, err);
    if (rc != CS_OK)
        return rc;
    (void)sqlite3_bind_int64(s, 1, doc);
    (void)sqlite3_bind_text(s, 2, holder, -1, SQLITE_TRANSIENT);
    (void)sqlite3_bind_text(s, 3, who, -1, SQLITE_TRANSIENT);
    (void)sqlite3_bind_int64(s, 4, now_ms + ttl_ms);
    (void)sqlite3_bind_int64(s, 5, now_ms);
    if (sqlite3_step(s) != SQLITE_DONE) {
        rc = db_fail(err, st->db, "lock");
        goto cleanup;
    }
    *got_out = sqlite3_changes(st->db) > 0;
    if (*got_out)
        goto cleanup;
    (void)sqlite3_finalize(s);
    s = NULL;
    rc = prepare(&s, st, sql_who, err);
    if (rc != CS_OK)
        goto cleanup;
    (void)sqlite3_bind_int64(s, 1, doc);
    if (sqlite3_step(s) == SQLITE_ROW && size > 0)
        column_text(other_who_out, size, s, 0);
cleanup:
    (void)sqlite3_finalize(s);
    return rc;
}

cs_status
review_store_unlock(review_store *st, int64_t doc, const char *holder,
                    cs_error *err)
{
    static const char sql[] =
        "DELETE FROM review_locks WHERE document_id = ?1 AND holder = ?2";
    sqlite3_stmt *s = NULL;
    cs_status rc = prepare(&s, st, sql, err);

    if (rc != CS_OK)
        return rc;
    (void)sqlite3_bind_int64(s, 1, doc);
    (void)sqlite3_bind_text(s, 2, holder, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = db_fail(err, st->db, "unlock");
    (void)sqlite3_finalize(s);
    return rc;
}

cs_status
review_store_audit_add(review_store *st, int64_t doc, int page,
                       const char *field, const char *action,
                       const char *old_value, const char *new_value,
                       const char *rule, const char *who, int64_t now_ms,
                       cs_error *err)
{
    static const char sql[] =
        "INSERT INTO review_audit (document_id, page, field, action,"
        " old_value, new_value, rule, who, at_ms)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
    sqlite3_stmt *s = NULL;
    cs_status rc = prepare(&s, st, sql, err);

    if (rc != CS_OK)
        return rc;
    (void)sqlite3_bind_int64(s, 1, doc);
    (void)sqlite3_bind_int(s, 2, page);
    (void)sqlite3_bind_text(s, 3, field, -1, SQLITE_TRANSIENT);
    (void)sqlite3_bind_text(s, 4, action, -1, SQLITE_TRANSIENT);
    (void)sqlite3_bind_text(s, 5, old_value, -1, SQLITE_TRANSIENT);
    (void)sqlite3_bind_text(s, 6, new_value, -1, SQLITE_TRANSIENT);
    if (rule != NULL)
        (void)sqlite3_bind_text(s, 7, rule, -1, SQLITE_TRANSIENT);
    else
        (void)sqlite3_bind_null(s, 7);
    (void)sqlite3_bind_text(s, 8, who, -1, SQLITE_TRANSIENT);
    (void)sqlite3_bind_int64(s, 9, now_ms);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = db_fail(err, st->db, "audit");
    (void)sqlite3_finalize(s);
    return rc;
}

cs_status
review_store_decisions(review_decision **out, size_t *n_out, review_store *st,
                       int64_t doc, cs_error *err)
{
    /* The newest row of each (page, field). */
    static const char sql[] =
        "SELECT a.page, a.field, a.action, a.new_value FROM review_audit a"
        " WHERE a.document_id = ?1 AND a.id = (SELECT max(b.id)"
        "  FROM review_audit b WHERE b.document_id = a.document_id"
        "  AND b.page = a.page AND b.field = a.field)"
        " ORDER BY a.page, a.field";
    sqlite3_stmt *s = NULL;
    review_decision *v = NULL, *grown;
    size_t n = 0, cap = 0;
    cs_status rc;
    int step;

    *out = NULL;
    *n_out = 0;
    rc = prepare(&s, st, sql, err);
    if (rc != CS_OK)
        return rc;
    (void)sqlite3_bind_int64(s, 1, doc);
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap == 0 ? 16 : cap * 2;
            grown = realloc(v, cap * sizeof(*v));
            if (grown == NULL) {
                rc = cs_error_set(err, CS_ENOMEM, "out of memory");
                goto cleanup;
            }
            v = grown;
        }
        v[n].page = sqlite3_column_int(s, 0);
        column_text(v[n].field, sizeof(v[n].field), s, 1);
        column_text(v[n].action, sizeof(v[n].action), s, 2);
        column_text(v[n].value, sizeof(v[n].value), s, 3);
        n++;
    }
    if (step != SQLITE_DONE) {
        rc = db_fail(err, st->db, "decisions");
        goto cleanup;
    }
    *out = v;
    *n_out = n;
    v = NULL;
cleanup:
    (void)sqlite3_finalize(s);
    free(v);
    return rc;
}

cs_status
review_store_record_put(review_store *st, int64_t doc, int page,
                        const char *json, const char *who, int64_t now_ms,
                        cs_error *err)
{
    static const char sql[] =
        "INSERT OR IGNORE INTO review_records (document_id, page, json, who,"
        " created_ms) VALUES (?1, ?2, ?3, ?4, ?5)";
    sqlite3_stmt *s = NULL;
    cs_status rc = prepare(&s, st, sql, err);

    if (rc != CS_OK)
        return rc;
    (void)sqlite3_bind_int64(s, 1, doc);
    (void)sqlite3_bind_int(s, 2, page);
    (void)sqlite3_bind_text(s, 3, json, -1, SQLITE_TRANSIENT);
    (void)sqlite3_bind_text(s, 4, who, -1, SQLITE_TRANSIENT);
    (void)sqlite3_bind_int64(s, 5, now_ms);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = db_fail(err, st->db, "record");
    (void)sqlite3_finalize(s);
    return rc;
}

cs_status
review_store_record_get(char **json_out, int *found, review_store *st,
                        int64_t doc, int page, cs_error *err)
{
    static const char sql[] = "SELECT json FROM review_records"
                              " WHERE document_id = ?1 AND page = ?2";
    sqlite3_stmt *s = NULL;
    cs_status rc = prepare(&s, st, sql, err);
    int step;

    *json_out = NULL;
    *found = 0;
    if (rc != CS_OK)
        return rc;
    (void)sqlite3_bind_int64(s, 1, doc);
    (void)sqlite3_bind_int(s, 2, page);
    step = sqlite3_step(s);
    if (step == SQLITE_ROW) {
        const unsigned char *t = sqlite3_column_text(s, 0);
        *json_out = strdup(t != NULL ? (const char *)t : "");
        if (*json_out == NULL)
            rc = cs_error_set(err, CS_ENOMEM, "out of memory");
        else
            *found = 1;
    } else if (step != SQLITE_DONE) {
        rc = db_fail(err, st->db, "record");
    }
    (void)sqlite3_finalize(s);
    return rc;
}

cs_status
review_store_finished(int *out, review_store *st, int64_t doc, cs_error *err)
{
    intake_journal_entry e;
    cs_status rc;

    *out = 0;
    rc = intake_journal_get(&e, st->jn, doc, err);
    if (rc != CS_OK)
        return rc;
    return entry_finished(out, st, &e, err);
}

cs_status
review_store_finished_docs(int64_t **ids_out, size_t *n_out, review_store *st,
                           cs_error *err)
{
    const unsigned states = INTAKE_DOC_STATE_BIT(INTAKE_DOC_DONE) |
                            INTAKE_DOC_STATE_BIT(INTAKE_DOC_NEEDS_REVIEW);
    intake_journal_entry *batch = NULL;
    int64_t *v = NULL, *grown;
    size_t n = 0, cap = 0, nb = 0;
    int64_t after = 0;
    cs_status rc = CS_OK;

    *ids_out = NULL;
    *n_out = 0;
    do {
        rc = intake_journal_list(&batch, &nb, st->jn, states, after, LIST_BATCH,
                                 err);
        if (rc != CS_OK)
            goto cleanup;
        for (size_t i = 0; i < nb; i++) {
            int finished = batch[i].state == INTAKE_DOC_DONE;

            after = batch[i].id;
            if (!finished) {
                rc = entry_finished(&finished, st, &batch[i], err);
                if (rc != CS_OK)
                    goto cleanup;
            }
            if (!finished)
                continue;
            if (n == cap) {
                cap = cap == 0 ? 64 : cap * 2;
                grown = realloc(v, cap * sizeof(*v));
                if (grown == NULL) {
                    rc = cs_error_set(err, CS_ENOMEM, "out of memory");
                    goto cleanup;
                }
                v = grown;
            }
            v[n++] = batch[i].id;
        }
        free(batch);
        batch = NULL;
    } while (nb == LIST_BATCH);
    *ids_out = v;
    *n_out = n;
    v = NULL;
cleanup:
    free(batch);
    free(v);
    return rc;
}
