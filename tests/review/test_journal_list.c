/*
 * test_journal_list.c: intake_journal_list(), the journal's listing of
 * documents by state that the review queue and `claimscan export` use:
 * states asked for, oldest first, the limit, paging with after_id (one
 * named test per row), and refused arguments.
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

#include "intake/intake.h"

#define T0 1700000000000LL
#define MAX_IDS 8

#define NR INTAKE_DOC_STATE_BIT(INTAKE_DOC_NEEDS_REVIEW)
#define DONE INTAKE_DOC_STATE_BIT(INTAKE_DOC_DONE)
#define ALL ((1u << INTAKE_DOC_STATE_COUNT) - 1)

static char g_dir[64], g_path[128];
static intake_journal *g_j;

/* Adds a document in state st (through processing for done and
 * needs_review); returns its id. */
static int64_t
add_doc(char letter, intake_doc_state st, int64_t dup_of, int64_t now)
{
    intake_journal_entry e, claimed;
    intake_journal_change c = INTAKE_JOURNAL_CHANGE_INIT;
    cs_error err = CS_ERROR_INIT;
    int found = 0;

    memset(&e, 0, sizeof(e));
    e.state = st == INTAKE_DOC_DONE || st == INTAKE_DOC_NEEDS_REVIEW
                  ? INTAKE_DOC_RECEIVED
                  : st;
    if (st != INTAKE_DOC_FAILED)
        memset(e.sha256, letter, 64);
    (void)snprintf(e.name, sizeof(e.name), "scan_%c.png", letter);
    (void)snprintf(e.ext, sizeof(e.ext), "png");
    e.duplicate_of = dup_of;
    if (st == INTAKE_DOC_FAILED)
        (void)snprintf(e.reason, sizeof(e.reason), "PNG is truncated");
    if (intake_journal_add(g_j, &e, now, &err) != CS_OK)
        fail_msg("add: %s", err.message);
    if (e.state == INTAKE_DOC_RECEIVED && st != INTAKE_DOC_RECEIVED) {
        assert_int_equal(intake_journal_claim(&claimed, &found, g_j, now, &err),
                         CS_OK);
        assert_true(found);
        assert_true(claimed.id == e.id);
        c.state = st;
        assert_int_equal(intake_journal_update(g_j, e.id, &c, now, &err),
                         CS_OK);
    }
    return e.id;
}

static int
group_setup(void **state)
{
    cs_error err = CS_ERROR_INIT;

    (void)state;
    (void)snprintf(g_dir, sizeof(g_dir), "/tmp/cs_journal_list_XXXXXX");
    if (mkdtemp(g_dir) == NULL)
        return -1;
    (void)snprintf(g_path, sizeof(g_path), "%s/journal.sqlite", g_dir);
    if (intake_journal_open(&g_j, g_path, INTAKE_JOURNAL_CREATE, &err) != CS_OK)
        return -1;
    /* ids 1..7, in this order */
    add_doc('a', INTAKE_DOC_DONE, 0, T0);
    add_doc('b', INTAKE_DOC_NEEDS_REVIEW, 0, T0 + 1);
    add_doc('c', INTAKE_DOC_FAILED, 0, T0 + 2);
    add_doc('d', INTAKE_DOC_NEEDS_REVIEW, 0, T0 + 3);
    add_doc('a', INTAKE_DOC_DUPLICATE, 1, T0 + 4);
    add_doc('e', INTAKE_DOC_NEEDS_REVIEW, 0, T0 + 5);
    add_doc('f', INTAKE_DOC_RECEIVED, 0, T0 + 6);
    return 0;
}

static int
group_teardown(void **state)
{
    char p[160];

    (void)state;
    intake_journal_free(g_j);
    (void)unlink(g_path);
    (void)snprintf(p, sizeof(p), "%s-wal", g_path);
    (void)unlink(p);
    (void)snprintf(p, sizeof(p), "%s-shm", g_path);
    (void)unlink(p);
    (void)rmdir(g_dir);
    return 0;
}

/* One listing: states, after_id, max, and the ids expected (0 ends). */
typedef struct list_case {
    const char *name;
    unsigned states;
    int64_t after_id;
    size_t max;
    int64_t want[MAX_IDS];
} list_case;

static const list_case cases[] = {
    {"needs_review", NR, 0, 100, {2, 4, 6}},
    {"needs_review_limit", NR, 0, 2, {2, 4}},
    {"needs_review_next_page", NR, 4, 2, {6}},
    {"needs_review_after_last", NR, 6, 100, {0}},
    {"done_or_needs_review", DONE | NR, 0, 100, {1, 2, 4, 6}},
    {"failed", INTAKE_DOC_STATE_BIT(INTAKE_DOC_FAILED), 0, 100, {3}},
    {"duplicate", INTAKE_DOC_STATE_BIT(INTAKE_DOC_DUPLICATE), 0, 100, {5}},
    {"received", INTAKE_DOC_STATE_BIT(INTAKE_DOC_RECEIVED), 0, 100, {7}},
    {"processing", INTAKE_DOC_STATE_BIT(INTAKE_DOC_PROCESSING), 0, 100, {0}},
    {"all_states", ALL, 0, 100, {1, 2, 3, 4, 5, 6, 7}},
    {"all_states_limit_one", ALL, 0, 1, {1}},
    {"no_states", 0, 0, 100, {0}},
    {"unknown_bits_only", 1u << 20, 0, 100, {0}},
    {"zero_max", NR, 0, 0, {0}},
    {"huge_max", NR, 0, SIZE_MAX, {2, 4, 6}},
};

#define N_CASES (sizeof(cases) / sizeof(cases[0]))

static void
test_list_case(void **state)
{
    const list_case *c = *state;
    intake_journal_entry *v = NULL;
    size_t n = 0, nwant = 0;
    cs_error err = CS_ERROR_INIT;

    while (nwant < MAX_IDS && c->want[nwant] != 0)
        nwant++;
    assert_int_equal(
        intake_journal_list(&v, &n, g_j, c->states, c->after_id, c->max, &err),
        CS_OK);
    if (n != nwant)
        fail_msg("%s: %zu documents, want %zu", c->name, n, nwant);
    for (size_t i = 0; i < n; i++) {
        if (v[i].id != c->want[i])
            fail_msg("%s: [%zu] is %lld, want %lld", c->name, i,
                     (long long)v[i].id, (long long)c->want[i]);
        /* each entry is whole and in a state asked for */
        assert_true((c->states & INTAKE_DOC_STATE_BIT(v[i].state)) != 0);
        assert_true(v[i].received_ms >= T0);
        assert_string_equal(v[i].ext, "png");
    }
    if (n == 0)
        assert_null(v);
    free(v);
}

/* Paging one document at a time visits every one, oldest first. */
static void
test_paging(void **state)
{
    intake_journal_entry *v = NULL;
    size_t n = 0, seen = 0;
    int64_t after = 0;
    cs_error err = CS_ERROR_INIT;

    (void)state;
    for (;;) {
        assert_int_equal(intake_journal_list(&v, &n, g_j, ALL, after, 1, &err),
                         CS_OK);
        if (n == 0)
            break;
        assert_int_equal(n, 1);
        assert_true(v[0].id > after);
        after = v[0].id;
        seen++;
        free(v);
        v = NULL;
    }
    assert_int_equal(seen, 7);
}

/* The entry carries what intake_journal_get() gives. */
static void
test_entry_matches_get(void **state)
{
    intake_journal_entry *v = NULL, e;
    size_t n = 0;
    cs_error err = CS_ERROR_INIT;

    (void)state;
    assert_int_equal(
        intake_journal_list(
            &v, &n, g_j, INTAKE_DOC_STATE_BIT(INTAKE_DOC_FAILED), 0, 10, &err),
        CS_OK);
    assert_int_equal(n, 1);
    assert_int_equal(intake_journal_get(&e, g_j, v[0].id, &err), CS_OK);
    assert_memory_equal(&e, &v[0], sizeof(e));
    assert_string_equal(v[0].reason, "PNG is truncated");
    free(v);
}

static void
test_bad_arguments(void **state)
{
    intake_journal_entry *v = NULL;
    size_t n = 0;
    cs_error err = CS_ERROR_INIT;

    (void)state;
    assert_int_equal(intake_journal_list(NULL, &n, g_j, NR, 0, 1, &err),
                     CS_EINVAL);
    assert_int_equal(intake_journal_list(&v, NULL, g_j, NR, 0, 1, &err),
                     CS_EINVAL);
    assert_int_equal(intake_journal_list(&v, &n, NULL, NR, 0, 1, &err),
                     CS_EINVAL);
    assert_int_equal(intake_journal_list(&v, &n, NULL, NR, 0, 1, NULL),
                     CS_EINVAL);
}

int
main(void)
{
    struct CMUnitTest tests[N_CASES + 3];
    size_t n = 0;

    for (size_t i = 0; i < N_CASES; i++)
        tests[n++] = (struct CMUnitTest){.name = cases[i].name,
                                         .test_func = test_list_case,
                                         .initial_state = (void *)&cases[i]};
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_paging);
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_entry_matches_get);
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_bad_arguments);
    return _cmocka_run_group_tests("review/test_journal_list", tests, n,
                                   group_setup, group_teardown);
}
