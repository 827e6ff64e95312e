/*
 * support.h: helpers shared by the cmocka tests (tests/<stage>/test_*.c):
 * temporary folders, whole files, running a program with its output
 * captured, truth files, the first page of a scan, and tables of tests.
 * Linked into every test executable as cs_testsupport. Functions return
 * 0 or a pointer on success and -1 or NULL on failure, having printed
 * why to stderr where the reason is not plain; the tests assert on that.
 */
#ifndef CS_TESTS_SUPPORT_H
#define CS_TESTS_SUPPORT_H

#include <stddef.h>
#include <sys/types.h>

#include <jansson.h>

#include "extract/extract.h"
#include "intake/intake.h"

/* ---- Tables of tests ------------------------------------------------ */

/* Rows of a fixed-size array. */
#define TS_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Appends to tests[n++] one cmocka test per row of table, a case array
 * whose rows start with .name; the row is the test's initial state.
 * teardown may be NULL. */
#define TS_ADD_ROWS(tests, n, table, func, teardown)                           \
    for (size_t ts_row_ = 0; ts_row_ < TS_COUNT(table); ts_row_++)             \
        (tests)[(n)++] = (struct CMUnitTest)                                   \
        {                                                                      \
            .name = (table)[ts_row_].name, .test_func = (func),                \
            .teardown_func = (teardown),                                       \
            .initial_state = (void *)&(table)[ts_row_]                         \
        }

/* Appends to tests[n++] the test test_name; teardown may be NULL. */
#define TS_ADD_TEST(tests, n, test_name, func, teardown)                       \
    (tests)[(n)++] = (struct CMUnitTest)                                       \
    {                                                                          \
        .name = (test_name), .test_func = (func), .teardown_func = (teardown)  \
    }

/* ---- Paths and temporary folders ------------------------------------ */

/* dir/name into out; NULL when it does not fit. */
const char *ts_path(char *out, size_t size, const char *dir, const char *name);

/* Makes a private folder $TMPDIR/<prefix>XXXXXX (TMPDIR unset or empty:
 * /tmp) and puts its path in out. */
int ts_tmpdir_make(char *out, size_t size, const char *prefix);

/* Removes path and, for a folder, everything below it, making folders
 * writable on the way (as `chmod -R u+rwx; rm -rf`); links are removed,
 * never followed. Returns 0 when nothing of it is left (nor was there). */
int ts_tree_remove(const char *path);

/* ---- Whole files ---------------------------------------------------- */

/* Writes size bytes of data (NULL when size is 0) to path, created or
 * truncated; ts_file_append adds them to its end instead. */
int ts_file_write(const char *path, const void *data, size_t size);
int ts_file_append(const char *path, const void *data, size_t size);

/* Writes the string text to path, created or truncated. */
int ts_file_write_text(const char *path, const char *text);

/* The whole of path, malloc'ed, with a NUL after its bytes (so it can be
 * read as text); its byte count into *size when size is not NULL. */
char *ts_file_read(const char *path, size_t *size);

/* ---- Time ----------------------------------------------------------- */

/* Seconds on a monotonic clock. */
double ts_now_seconds(void);

/* Sleeps s seconds (resumed when a signal interrupts). */
void ts_sleep_seconds(double s);

/* ---- Programs ------------------------------------------------------- */

/* Waits up to seconds (0 or less: without limit) for the child pid to
 * end and puts its wait status (as waitpid gives it) in *wstatus. At the
 * deadline (errno ETIMEDOUT), or when it cannot be waited for, kills it
 * (SIGKILL), reaps it and returns -1. */
int ts_wait(pid_t pid, double seconds, int *wstatus);

/* What one run of a program gave. */
typedef struct ts_run {
    int status;    /* exit code; -1 when it did not exit normally */
    int timed_out; /* 1: killed at the deadline */
    char *out;     /* stdout, NUL-terminated ("" when sent elsewhere) */
    char *err;     /* stderr, NUL-terminated */
} ts_run;

typedef struct ts_run_options {
    const char *stdout_to; /* NULL: stdout captured in out; else this file */
    double timeout;        /* seconds; 0: without limit */
} ts_run_options;

/*
 * Runs argv[0] (a path) with argv (NULL-terminated, argv[0] included),
 * stdin from /dev/null, stdout and stderr captured, and waits for it (up
 * to opts->timeout, then kills it: status -1, timed_out 1; opts may be
 * NULL). Returns 0 when it could be started and waited for and its output
 * read; r is then filled (free it with ts_run_clear, also after a
 * failure).
 */
int ts_run_program(ts_run *r, const char *const *argv,
                   const ts_run_options *opts);

/* Frees the output of r and clears it. */
void ts_run_clear(ts_run *r);

/* ---- Samples -------------------------------------------------------- */

/* The truth file of the scan at path: the path with its extension
 * replaced by ".truth.json" (format in samples/README.md), parsed. */
json_t *ts_truth_load(const char *scan);

/* The first page of the scan at path into *page (intake_page_clear it). */
int ts_scan_page1(intake_page *page, const char *path);

/* 1 when field f is flagged with reason, 0 otherwise. */
int ts_has_reason(const extract_field *f, const char *reason);

#endif
