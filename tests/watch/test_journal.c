/*
 * test_journal.c: the watched folder's journal: schema and version, state
 * transitions (one named test per row), duplicate detection by hash,
 * crash recovery of documents left in processing, attempt counting,
 * records, status figures.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "intake/intake.h"
#include "support/support.h"

#define SHA_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define SHA_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define T0 1700000000000LL

typedef struct fixture {
    char dir[64];
    char path[128];
    intake_journal *j;
} fixture;

static int
setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    cs_error err = CS_ERROR_INIT;

    assert_non_null(f);
    assert_int_equal(ts_tmpdir_make(f->dir, sizeof(f->dir), "cs_journal_"), 0);
    (void)ts_path(f->path, sizeof(f->path), f->dir, "journal.sqlite");
    assert_int_equal(
        intake_journal_open(&f->j, f->path, INTAKE_JOURNAL_CREATE, &err),
        CS_OK);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    fixture *f = *state;

    intake_journal_free(f->j);
    (void)ts_tree_remove(f->dir);
    free(f);
    return 0;
}

/* Adds a document; returns its id. */
static int64_t
add_doc(intake_journal *j, intake_doc_state st, const char *sha,
        const char *name, int64_t dup_of)
{
    intake_journal_entry e;
    cs_error err = CS_ERROR_INIT;

    memset(&e, 0, sizeof(e));
    e.state = st;
    (void)snprintf(e.sha256, sizeof(e.sha256), "%s", sha != NULL ? sha : "");
    (void)snprintf(e.name, sizeof(e.name), "%s", name);
    (void)snprintf(e.ext, sizeof(e.ext), "png");
    e.duplicate_of = dup_of;
    if (st == INTAKE_DOC_FAILED)
        (void)snprintf(e.reason, sizeof(e.reason), "PNG is truncated");
    assert_int_equal(intake_journal_add(j, &e, T0, &err), CS_OK);
    assert_true(e.id > 0);
    return e.id;
}

static intake_journal_entry
get_doc(intake_journal *j, int64_t id)
{
    intake_journal_entry e;
    cs_error err = CS_ERROR_INIT;

    assert_int_equal(intake_journal_get(&e, j, id, &err), CS_OK);
    return e;
}

static int64_t
claim(intake_journal *j, int64_t now)
{
    intake_journal_entry e;
    cs_error err = CS_ERROR_INIT;
    int found = 0;

    assert_int_equal(intake_journal_claim(&e, &found, j, now, &err), CS_OK);
    return found ? e.id : 0;
}

static cs_status
change(intake_journal *j, int64_t id, intake_doc_state st, const char *reason)
{
    intake_journal_change c = INTAKE_JOURNAL_CHANGE_INIT;
    cs_error err = CS_ERROR_INIT;

    c.state = st;
    c.reason = reason;
    return intake_journal_update(j, id, &c, T0 + 10, &err);
}

static void
test_schema(void **state)
{
    fixture *f = *state;
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    intake_journal *j2 = NULL;
    cs_error err = CS_ERROR_INIT;

    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(
        sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL),
        SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 1);
    (void)sqlite3_finalize(st);
    assert_int_equal(
        sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL),
        SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
    (void)sqlite3_finalize(st);
    /* A journal from a newer program is refused, not misread. */
    assert_int_equal(
        sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL),
        SQLITE_OK);
    (void)sqlite3_close(db);
    assert_int_equal(
        intake_journal_open(&j2, f->path, INTAKE_JOURNAL_CREATE, &err),
        CS_EINVAL);
    assert_null(j2);
    assert_non_null(strstr(err.message, "newer"));
}

static void
test_open_missing_without_create(void **state)
{
    fixture *f = *state;
    intake_journal *j2 = NULL;
    char path[160];
    cs_error err = CS_ERROR_INIT;

    (void)ts_path(path, sizeof(path), f->dir, "none.sqlite");
    assert_int_not_equal(
        intake_journal_open(&j2, path, INTAKE_JOURNAL_READONLY, &err), CS_OK);
    assert_null(j2);
    assert_int_equal(access(path, F_OK), -1);
}

static void
test_lifecycle(void **state)
{
    fixture *f = *state;
    cs_error err = CS_ERROR_INIT;
    int64_t id = add_doc(f->j, INTAKE_DOC_RECEIVED, SHA_A, "a.png", 0);
    intake_journal_entry e = get_doc(f->j, id);
    size_t nrec = 0, nrev = 0;
    char *json = NULL;

    assert_int_equal(e.state, INTAKE_DOC_RECEIVED);
    assert_string_equal(e.stored, "archive/" SHA_A ".png");
    assert_int_equal(e.attempts, 0);
    assert_int_equal(claim(f->j, T0 + 1), id);
    e = get_doc(f->j, id);
    assert_int_equal(e.state, INTAKE_DOC_PROCESSING);
    assert_int_equal(e.attempts, 1);
    assert_int_equal(claim(f->j, T0 + 1), 0); /* nothing else to claim */
    assert_int_equal(intake_journal_set_pages(f->j, id, 2, &err), CS_OK);
    assert_int_equal(intake_journal_add_record(f->j, id, 1, 0,
                                               "{\"page\":1,\"x\":\"it's\"}",
                                               T0 + 2, &err),
                     CS_OK);
    assert_int_equal(
        intake_journal_add_record(f->j, id, 2, 1, "{\"page\":2}", T0 + 3, &err),
        CS_OK);
    /* Replacing a record (a page read again) keeps one row per page. */
    assert_int_equal(
        intake_journal_add_record(f->j, id, 2, 1, "{\"page\":2}", T0 + 4, &err),
        CS_OK);
    assert_int_equal(intake_journal_record_counts(&nrec, &nrev, f->j, id, &err),
                     CS_OK);
    assert_int_equal(nrec, 2);
    assert_int_equal(nrev, 1);
    assert_int_equal(intake_journal_get_record(&json, f->j, id, 1, &err),
                     CS_OK);
    assert_string_equal(json, "{\"page\":1,\"x\":\"it's\"}");
    free(json);
    assert_int_equal(change(f->j, id, INTAKE_DOC_NEEDS_REVIEW, ""), CS_OK);
    e = get_doc(f->j, id);
    assert_int_equal(e.state, INTAKE_DOC_NEEDS_REVIEW);
    assert_int_equal(e.pages, 2);
}

/* ---- transitions, one test per row ---------------------------------- */

typedef struct transition_case {
    const char *name;
    intake_doc_state from, to;
    int allowed;
} transition_case;

static const transition_case transitions[] = {
    {"received_to_processing_only_by_claim", INTAKE_DOC_RECEIVED,
     INTAKE_DOC_PROCESSING, 0},
    {"received_to_failed", INTAKE_DOC_RECEIVED, INTAKE_DOC_FAILED, 1},
    {"received_to_done", INTAKE_DOC_RECEIVED, INTAKE_DOC_DONE, 0},
    {"received_to_received", INTAKE_DOC_RECEIVED, INTAKE_DOC_RECEIVED, 1},
    {"processing_to_done", INTAKE_DOC_PROCESSING, INTAKE_DOC_DONE, 1},
    {"processing_to_needs_review", INTAKE_DOC_PROCESSING,
     INTAKE_DOC_NEEDS_REVIEW, 1},
    {"processing_to_failed", INTAKE_DOC_PROCESSING, INTAKE_DOC_FAILED, 1},
    {"processing_to_received", INTAKE_DOC_PROCESSING, INTAKE_DOC_RECEIVED, 1},
    {"processing_to_duplicate", INTAKE_DOC_PROCESSING, INTAKE_DOC_DUPLICATE, 0},
    {"done_to_received", INTAKE_DOC_DONE, INTAKE_DOC_RECEIVED, 0},
    {"done_to_failed", INTAKE_DOC_DONE, INTAKE_DOC_FAILED, 0},
    {"done_to_processing", INTAKE_DOC_DONE, INTAKE_DOC_PROCESSING, 0},
    {"needs_review_to_done", INTAKE_DOC_NEEDS_REVIEW, INTAKE_DOC_DONE, 1},
    {"needs_review_to_failed", INTAKE_DOC_NEEDS_REVIEW, INTAKE_DOC_FAILED, 1},
    {"needs_review_to_received", INTAKE_DOC_NEEDS_REVIEW, INTAKE_DOC_RECEIVED,
     0},
    {"failed_to_received", INTAKE_DOC_FAILED, INTAKE_DOC_RECEIVED, 0},
    {"failed_to_done", INTAKE_DOC_FAILED, INTAKE_DOC_DONE, 0},
    {"failed_to_failed", INTAKE_DOC_FAILED, INTAKE_DOC_FAILED, 1},
    {"duplicate_to_received", INTAKE_DOC_DUPLICATE, INTAKE_DOC_RECEIVED, 0},
    {"duplicate_to_done", INTAKE_DOC_DUPLICATE, INTAKE_DOC_DONE, 0},
};

#define N_TRANSITIONS TS_COUNT(transitions)

/* A document brought to state st by the journal's own functions. */
static int64_t
doc_in_state(intake_journal *j, intake_doc_state st)
{
    int64_t id, first;

    switch (st) {
    case INTAKE_DOC_RECEIVED:
        return add_doc(j, INTAKE_DOC_RECEIVED, SHA_A, "a.png", 0);
    case INTAKE_DOC_FAILED:
        return add_doc(j, INTAKE_DOC_FAILED, NULL, "bad.png", 0);
    case INTAKE_DOC_DUPLICATE:
        first = add_doc(j, INTAKE_DOC_RECEIVED, SHA_A, "a.png", 0);
        return add_doc(j, INTAKE_DOC_DUPLICATE, SHA_A, "a copy.png", first);
    default:
        id = add_doc(j, INTAKE_DOC_RECEIVED, SHA_A, "a.png", 0);
        assert_int_equal(claim(j, T0 + 1), id);
        if (st != INTAKE_DOC_PROCESSING)
            assert_int_equal(change(j, id, st, NULL), CS_OK);
        return id;
    }
}

static void
test_transition(void **state)
{
    const transition_case *tc = *state;
    fixture f;
    void *fs;
    int64_t id;
    cs_status rc;

    assert_int_equal(setup(&fs), 0);
    f = *(fixture *)fs;
    id = doc_in_state(f.j, tc->from);
    assert_int_equal(get_doc(f.j, id).state, tc->from);
    rc = change(f.j, id, tc->to, "test");
    if (tc->allowed) {
        assert_int_equal(rc, CS_OK);
        assert_int_equal(get_doc(f.j, id).state, tc->to);
    } else {
        assert_int_equal(rc, CS_EINVAL);
        assert_int_equal(get_doc(f.j, id).state, tc->from);
    }
    assert_int_equal(teardown(&fs), 0);
}

/* ---- duplicates ----------------------------------------------------- */

static void
test_duplicate_by_hash(void **state)
{
    fixture *f = *state;
    intake_journal_entry e, live;
    cs_error err = CS_ERROR_INIT;
    int found = 0;
    int64_t first, dup, again;

    assert_int_equal(intake_journal_find_live(&live, &found, f->j, SHA_A, &err),
                     CS_OK);
    assert_false(found);
    first = add_doc(f->j, INTAKE_DOC_RECEIVED, SHA_A, "a.png", 0);
    assert_int_equal(intake_journal_find_live(&live, &found, f->j, SHA_A, &err),
                     CS_OK);
    assert_true(found);
    assert_int_equal(live.id, first);
    /* A second live document with the same content is refused... */
    memset(&e, 0, sizeof(e));
    e.state = INTAKE_DOC_RECEIVED;
    (void)snprintf(e.sha256, sizeof(e.sha256), "%s", SHA_A);
    (void)snprintf(e.name, sizeof(e.name), "other name.png");
    (void)snprintf(e.ext, sizeof(e.ext), "png");
    assert_int_equal(intake_journal_add(f->j, &e, T0, &err), CS_EINVAL);
    /* ...it is recorded as a duplicate instead, stored by its own id. */
    dup = add_doc(f->j, INTAKE_DOC_DUPLICATE, SHA_A, "other name.png", first);
    e = get_doc(f->j, dup);
    assert_int_equal(e.duplicate_of, first);
    assert_int_equal(e.state, INTAKE_DOC_DUPLICATE);
    assert_non_null(strstr(e.stored, "duplicates/"));
    /* Different content is no duplicate. */
    assert_int_equal(intake_journal_find_live(&live, &found, f->j, SHA_B, &err),
                     CS_OK);
    assert_false(found);
    /* Once the first failed, the same content may be tried again. */
    assert_int_equal(claim(f->j, T0 + 1), first);
    assert_int_equal(change(f->j, first, INTAKE_DOC_FAILED, "damaged"), CS_OK);
    assert_int_equal(intake_journal_find_live(&live, &found, f->j, SHA_A, &err),
                     CS_OK);
    assert_false(found);
    again = add_doc(f->j, INTAKE_DOC_RECEIVED, SHA_A, "a.png", 0);
    assert_true(again > dup);
}

/* ---- crash recovery and attempts ------------------------------------ */

static void
test_crash_recovery(void **state)
{
    fixture *f = *state;
    cs_error err = CS_ERROR_INIT;
    int64_t a = add_doc(f->j, INTAKE_DOC_RECEIVED, SHA_A, "a.tif", 0);
    int64_t b = add_doc(f->j, INTAKE_DOC_RECEIVED, SHA_B, "b.tif", 0);
    size_t count = 99;
    int have = 0;

    assert_int_equal(claim(f->j, T0 + 1), a);
    assert_int_equal(claim(f->j, T0 + 1), b);
    assert_int_equal(change(f->j, b, INTAKE_DOC_DONE, NULL), CS_OK);
    assert_int_equal(
        intake_journal_add_record(f->j, a, 1, 0, "{}", T0 + 2, &err), CS_OK);
    /* The process dies: no more calls, the handle just goes away. */
    intake_journal_free(f->j);
    f->j = NULL;
    assert_int_equal(
        intake_journal_open(&f->j, f->path, INTAKE_JOURNAL_CREATE, &err),
        CS_OK);
    assert_int_equal(get_doc(f->j, a).state, INTAKE_DOC_PROCESSING);
    assert_int_equal(intake_journal_recover(&count, f->j, T0 + 5, &err), CS_OK);
    assert_int_equal(count, 1);
    assert_int_equal(get_doc(f->j, a).state, INTAKE_DOC_RECEIVED);
    assert_int_equal(get_doc(f->j, a).attempts, 1);
    assert_int_equal(get_doc(f->j, b).state, INTAKE_DOC_DONE);
    /* Resumed: the page read before the crash is still there. */
    assert_int_equal(claim(f->j, T0 + 6), a);
    assert_int_equal(get_doc(f->j, a).attempts, 2);
    assert_int_equal(intake_journal_has_record(&have, f->j, a, 1, &err), CS_OK);
    assert_true(have);
    assert_int_equal(intake_journal_has_record(&have, f->j, a, 2, &err), CS_OK);
    assert_false(have);
    /* Recovery with nothing in processing changes nothing. */
    assert_int_equal(change(f->j, a, INTAKE_DOC_DONE, NULL), CS_OK);
    assert_int_equal(intake_journal_recover(&count, f->j, T0 + 7, &err), CS_OK);
    assert_int_equal(count, 0);
}

static void
test_attempts_and_backoff(void **state)
{
    fixture *f = *state;
    intake_journal_change c = INTAKE_JOURNAL_CHANGE_INIT;
    cs_error err = CS_ERROR_INIT;
    int64_t id = add_doc(f->j, INTAKE_DOC_RECEIVED, SHA_A, "a.png", 0);
    int64_t due = 0;
    int found = 0;

    assert_int_equal(claim(f->j, T0), id);
    /* A failure that may pass: back to received, not before T0 + 10 s. */
    c.state = INTAKE_DOC_RECEIVED;
    c.reason = "OCR engine failure";
    c.next_attempt_ms = T0 + 10000;
    assert_int_equal(intake_journal_update(f->j, id, &c, T0, &err), CS_OK);
    assert_int_equal(intake_journal_next_due(&due, &found, f->j, &err), CS_OK);
    assert_true(found);
    assert_int_equal(due, T0 + 10000);
    assert_int_equal(claim(f->j, T0 + 9999), 0);
    assert_int_equal(claim(f->j, T0 + 10000), id);
    assert_int_equal(get_doc(f->j, id).attempts, 2);
    assert_string_equal(get_doc(f->j, id).reason, "OCR engine failure");
    /* Handed back at shutdown: the try does not count. */
    memset(&c, 0, sizeof(c));
    c.state = INTAKE_DOC_RECEIVED;
    c.attempts_delta = -1;
    assert_int_equal(intake_journal_update(f->j, id, &c, T0 + 20000, &err),
                     CS_OK);
    assert_int_equal(get_doc(f->j, id).attempts, 1);
    assert_int_equal(claim(f->j, T0 + 20000), id);
    assert_int_equal(get_doc(f->j, id).attempts, 2);
}

static void
test_pending_move_blocks_claim(void **state)
{
    fixture *f = *state;
    intake_journal_entry e;
    intake_journal_change c = INTAKE_JOURNAL_CHANGE_INIT;
    cs_error err = CS_ERROR_INIT;
    int64_t *ids = NULL;
    size_t n = 0;
    int found = 0;

    memset(&e, 0, sizeof(e));
    e.state = INTAKE_DOC_RECEIVED;
    (void)snprintf(e.sha256, sizeof(e.sha256), "%s", SHA_A);
    (void)snprintf(e.name, sizeof(e.name), "scan 1.png");
    (void)snprintf(e.ext, sizeof(e.ext), "png");
    (void)snprintf(e.moving_from, sizeof(e.moving_from), "%s",
                   INTAKE_INBOX_PREFIX "scan 1.png");
    assert_int_equal(intake_journal_add(f->j, &e, T0, &err), CS_OK);
    assert_int_equal(intake_journal_list_moving(&ids, &n, f->j, &err), CS_OK);
    assert_int_equal(n, 1);
    assert_int_equal(ids[0], e.id);
    free(ids);
    assert_int_equal(
        intake_journal_find_moving(&e, &found, f->j,
                                   INTAKE_INBOX_PREFIX "scan 1.png", &err),
        CS_OK);
    assert_true(found);
    /* Not claimable before its original is in the archive. */
    assert_int_equal(claim(f->j, T0 + 1), 0);
    c.state = INTAKE_DOC_RECEIVED;
    c.moving_from = "";
    assert_int_equal(intake_journal_update(f->j, e.id, &c, T0 + 2, &err),
                     CS_OK);
    assert_int_equal(claim(f->j, T0 + 3), e.id);
    assert_int_equal(intake_journal_list_moving(&ids, &n, f->j, &err), CS_OK);
    assert_int_equal(n, 0);
    free(ids);
}

static void
test_names_are_data(void **state)
{
    fixture *f = *state;
    const char *nasty = "Robert'); DROP TABLE documents;--\"\\ %s.png";
    int64_t id = add_doc(f->j, INTAKE_DOC_RECEIVED, SHA_A, nasty, 0);
    intake_journal_stats st;
    cs_error err = CS_ERROR_INIT;

    assert_string_equal(get_doc(f->j, id).name, nasty);
    assert_int_equal(intake_journal_stats_get(&st, f->j, T0, &err), CS_OK);
    assert_int_equal(st.count[INTAKE_DOC_RECEIVED], 1);
}

static void
test_bad_ext_refused(void **state)
{
    fixture *f = *state;
    intake_journal_entry e;
    cs_error err = CS_ERROR_INIT;

    memset(&e, 0, sizeof(e));
    e.state = INTAKE_DOC_FAILED;
    (void)snprintf(e.name, sizeof(e.name), "x");
    (void)snprintf(e.ext, sizeof(e.ext), "../x");
    assert_int_equal(intake_journal_add(f->j, &e, T0, &err), CS_EINVAL);
}

static void
test_stats_and_errors(void **state)
{
    fixture *f = *state;
    intake_journal_stats st;
    intake_journal_event ev[4];
    cs_error err = CS_ERROR_INIT;
    char inbox[64];
    size_t n = 0;
    int64_t a = add_doc(f->j, INTAKE_DOC_RECEIVED, SHA_A, "first.png", 0);
    int64_t b = add_doc(f->j, INTAKE_DOC_RECEIVED, SHA_B, "second.png", 0);
    int64_t bad = add_doc(f->j, INTAKE_DOC_FAILED, NULL, "broken.png", 0);

    (void)bad;
    assert_int_equal(claim(f->j, T0 + 1), a);
    assert_int_equal(
        intake_journal_add_record(f->j, a, 1, 0, "{}", T0 + 2, &err), CS_OK);
    assert_int_equal(change(f->j, a, INTAKE_DOC_DONE, NULL), CS_OK);
    assert_int_equal(intake_journal_stats_get(&st, f->j, T0 + 60000, &err),
                     CS_OK);
    assert_int_equal(st.count[INTAKE_DOC_DONE], 1);
    assert_int_equal(st.count[INTAKE_DOC_RECEIVED], 1);
    assert_int_equal(st.count[INTAKE_DOC_FAILED], 1);
    assert_int_equal(st.oldest_id, b);
    assert_string_equal(st.oldest_name, "second.png");
    assert_int_equal(st.docs_last_hour, 2); /* done and failed */
    assert_int_equal(st.pages_last_hour, 1);
    /* Two hours later the hour is empty. */
    assert_int_equal(intake_journal_stats_get(&st, f->j, T0 + 7200000, &err),
                     CS_OK);
    assert_int_equal(st.docs_last_hour, 0);
    assert_int_equal(st.pages_last_hour, 0);
    assert_int_equal(intake_journal_errors(ev, 4, &n, f->j, &err), CS_OK);
    assert_int_equal(n, 1);
    assert_string_equal(ev[0].name, "broken.png");
    assert_string_equal(ev[0].reason, "PNG is truncated");
    assert_int_equal(ev[0].state, INTAKE_DOC_FAILED);
    assert_int_equal(
        intake_journal_meta_get(inbox, sizeof(inbox), f->j, "inbox", &err),
        CS_OK);
    assert_string_equal(inbox, "");
    assert_int_equal(intake_journal_meta_set(f->j, "inbox", "/srv/scans", &err),
                     CS_OK);
    assert_int_equal(
        intake_journal_meta_get(inbox, sizeof(inbox), f->j, "inbox", &err),
        CS_OK);
    assert_string_equal(inbox, "/srv/scans");
}

int
main(void)
{
    static const struct CMUnitTest fixed[] = {
        cmocka_unit_test_setup_teardown(test_schema, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_missing_without_create, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_lifecycle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_duplicate_by_hash, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_crash_recovery, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attempts_and_backoff, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_pending_move_blocks_claim, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_names_are_data, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_ext_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stats_and_errors, setup, teardown),
    };
    struct CMUnitTest tests[sizeof(fixed) / sizeof(fixed[0]) + N_TRANSITIONS];
    size_t n = 0;

    for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
        tests[n++] = fixed[i];
    TS_ADD_ROWS(tests, n, transitions, test_transition, NULL);
    return _cmocka_run_group_tests("journal", tests, n, NULL, NULL);
}
