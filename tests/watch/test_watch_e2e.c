/*
 * test_watch_e2e.c: the real `claimscan watch` on a temporary inbox. A
 * file written slowly is read once, after it is complete; 100 files
 * dropped at once are each read exactly once; a watcher killed with
 * SIGKILL and restarted loses nothing and reads nothing twice; duplicates
 * are recognized; bad files land in quarantine with their reason while
 * good ones flow; unsafe state folders are refused; status reports.
 *
 * The bulk files are tiny blank PNGs (one different pixel each, so every
 * hash differs): the pipeline gives them a record with "form": null fast.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <leptonica/allheaders.h>

#include "intake/intake.h"
#include "support/support.h"

#define BINARY CS_BINARY_DIR "/claimscan"
#define SAMPLE_TIF CS_SOURCE_DIR "/samples/scans/claim0001_bw300.tif"
#define SAMPLE_MULTI CS_SOURCE_DIR "/samples/scans/claim0001_multipage.tif"
#define SAMPLE_MULTI_PAGES 3
#define SETTLE "0.3"
#define DEADLINE 150.0 /* seconds: generous for sanitizer builds */

typedef struct env {
    char root[64];
    char inbox[128];
    char state[128];
    char log[128];
    pid_t pid;  /* a watcher still running, or 0 */
    ts_run run; /* of `claimscan status` */
} env;

/* ---- helpers -------------------------------------------------------- */

static int
setup(void **state)
{
    env *e = calloc(1, sizeof(*e));

    assert_non_null(e);
    assert_int_equal(ts_tmpdir_make(e->root, sizeof(e->root), "cs_e2e_"), 0);
    (void)snprintf(e->inbox, sizeof(e->inbox), "%s/inbox", e->root);
    (void)snprintf(e->state, sizeof(e->state), "%s/state", e->root);
    (void)snprintf(e->log, sizeof(e->log), "%s/watch.log", e->root);
    assert_int_equal(mkdir(e->inbox, 0700), 0);
    *state = e;
    return 0;
}

static int
teardown(void **state)
{
    env *e = *state;

    if (e->pid > 0) {
        (void)kill(e->pid, SIGKILL);
        (void)waitpid(e->pid, NULL, 0);
    }
    ts_run_clear(&e->run);
    (void)ts_tree_remove(e->root);
    free(e);
    return 0;
}

/* Prints the watcher's log (on failure, for the reader of the test). */
static void
dump_log(const env *e)
{
    FILE *fp = fopen(e->log, "r");
    char line[512];

    if (fp == NULL)
        return;
    fprintf(stderr, "---- watcher log ----\n");
    while (fgets(line, sizeof(line), fp) != NULL)
        fputs(line, stderr);
    fprintf(stderr, "---------------------\n");
    (void)fclose(fp);
}

/*
 * Under AddressSanitizer the watcher's leaks are checked in the small
 * runs (leak_check 1); the bulk runs skip the check, which slows them
 * down a lot. A caller's own ASAN_OPTIONS (CI's) take precedence.
 */
static void
sanitizer_env(const env *e, int leak_check)
{
    (void)e;
#if defined(__SANITIZE_ADDRESS__)
    if (getenv("ASAN_OPTIONS") != NULL)
        return; /* the caller's choice */
    if (!leak_check)
        (void)setenv("ASAN_OPTIONS", "detect_leaks=0", 1);
#else
    (void)leak_check;
#endif
}

/* Starts `claimscan watch INBOX --state STATE` with extra arguments;
 * leak_check: see sanitizer_env(). */
static pid_t
spawn(const env *e, const char *const *extra, int leak_check)
{
    const char *argv[32] = {BINARY, "watch", e->inbox, "--state", e->state};
    size_t n = 5;
    pid_t pid;

    for (; extra != NULL && *extra != NULL && n < 31; extra++)
        argv[n++] = *extra;
    argv[n] = NULL;
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int fd = open(e->log, O_WRONLY | O_CREAT | O_APPEND, 0600);
        if (fd >= 0) {
            (void)dup2(fd, 1);
            (void)dup2(fd, 2);
            (void)close(fd);
        }
        sanitizer_env(e, leak_check);
        execv(BINARY, (char *const *)argv);
        _exit(127);
    }
    return pid;
}

/* Waits for pid; returns its exit code, 128 + signal, or -1 at the
 * deadline (then kills it). */
static int
wait_exit(pid_t pid, double seconds)
{
    int st = 0;

    if (ts_wait(pid, seconds, &st) != 0)
        return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Runs the watcher with --once; returns its exit code. */
static int
run_once(const env *e, const char *jobs, int leak_check)
{
    const char *extra[] = {"--once", "--settle", SETTLE, "--jobs", jobs, NULL};
    int rc = wait_exit(spawn(e, extra, leak_check), DEADLINE);

    if (rc != 0 && rc != 1)
        dump_log(e);
    return rc;
}

/* The journal's figures; 0 when there is no journal yet. */
static int
stats(const env *e, intake_journal_stats *out)
{
    char path[512];
    intake_journal *j = NULL;
    cs_error err = CS_ERROR_INIT;
    int ok;

    memset(out, 0, sizeof(*out));
    (void)ts_path(path, sizeof(path), e->state, INTAKE_STATE_JOURNAL);
    if (access(path, F_OK) != 0 ||
        intake_journal_open(&j, path, INTAKE_JOURNAL_READONLY, &err) != CS_OK)
        return 0;
    ok = intake_journal_stats_get(out, j, (int64_t)time(NULL) * 1000 + 1000,
                                  &err) == CS_OK;
    intake_journal_free(j);
    return ok;
}

static size_t
total(const intake_journal_stats *s)
{
    size_t n = 0;

    for (int i = 0; i < INTAKE_DOC_STATE_COUNT; i++)
        n += s->count[i];
    return n;
}

static size_t
read_ok(const intake_journal_stats *s)
{
    return s->count[INTAKE_DOC_DONE] + s->count[INTAKE_DOC_NEEDS_REVIEW];
}

/* Regular files in dir/sub whose names end with suffix (not dot-files). */
static size_t
count_files(const env *e, const char *sub, const char *suffix)
{
    char path[512];
    DIR *dir;
    struct dirent *de;
    size_t n = 0;

    if (sub != NULL)
        (void)ts_path(path, sizeof(path), e->state, sub);
    else
        (void)snprintf(path, sizeof(path), "%s", e->inbox);
    dir = opendir(path);
    if (dir == NULL)
        return 0;
    while ((de = readdir(dir)) != NULL) {
        size_t len = strlen(de->d_name), sl = strlen(suffix);
        if (de->d_name[0] != '.' && len >= sl &&
            strcmp(de->d_name + len - sl, suffix) == 0)
            n++;
    }
    (void)closedir(dir);
    return n;
}

static void
write_bytes(const char *path, const void *data, size_t size)
{
    assert_int_equal(ts_file_write(path, data, size), 0);
}

static uint8_t *
read_bytes(const char *path, size_t *size)
{
    uint8_t *data = (uint8_t *)ts_file_read(path, size);

    assert_non_null(data);
    return data;
}

/* A tiny blank page, different in pixel i: a PNG in memory. */
static uint8_t *
blank_png(size_t *size, int i)
{
    PIX *pix = pixCreate(170, 220, 1);
    l_uint8 *data = NULL;

    assert_non_null(pix);
    (void)pixSetPixel(pix, i % 170, 5 + (i / 170) % 200, 1);
    assert_int_equal(pixWriteMemPng(&data, size, pix, 0.0), 0);
    pixDestroy(&pix);
    return data;
}

/* Writes blank page i as inbox/name; its hash into sha (may be NULL). */
static void
drop_blank(const env *e, const char *name, int i, char *sha)
{
    char path[512];
    size_t size = 0;
    uint8_t *data = blank_png(&size, i);
    cs_error err = CS_ERROR_INIT;

    (void)ts_path(path, sizeof(path), e->inbox, name);
    write_bytes(path, data, size);
    if (sha != NULL)
        assert_int_equal(intake_sha256_hex(sha, data, size, &err), CS_OK);
    lept_free(data);
}

static void
copy_file(const char *from, const char *to)
{
    size_t size = 0;
    uint8_t *data = read_bytes(from, &size);

    write_bytes(to, data, size);
    free(data);
}

static int
have_samples(void)
{
    return access(SAMPLE_TIF, R_OK) == 0 && access(SAMPLE_MULTI, R_OK) == 0;
}

/* ---- tests ---------------------------------------------------------- */

static void
test_slow_writer(void **state)
{
    env *e = *state;
    const char *extra[] = {"--settle", "0.5", "--rescan", "0.2", NULL};
    char path[512], sha[65];
    size_t size = 0;
    int tif = have_samples();
    uint8_t *data = tif ? read_bytes(SAMPLE_TIF, &size) : blank_png(&size, 9);
    intake_journal_stats st;
    cs_error err = CS_ERROR_INIT;
    double end;
    int fd;

    assert_int_equal(intake_sha256_hex(sha, data, size, &err), CS_OK);
    e->pid = spawn(e, extra, 1);
    /* A scanner streams the file in ten chunks over about two seconds,
     * and stalls in the middle for longer than the settle time. */
    (void)snprintf(path, sizeof(path), "%s/scan from copier.%s", e->inbox,
                   tif ? "tif" : "png");
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    for (size_t k = 0; k < 10; k++) {
        size_t from = size * k / 10, to = size * (k + 1) / 10;
        assert_int_equal(write(fd, data + from, to - from),
                         (ssize_t)(to - from));
        ts_sleep_seconds(k == 4 ? 0.7 : 0.15);
    }
    assert_int_equal(close(fd), 0);
    if (tif)
        free(data);
    else
        lept_free(data);
    end = ts_now_seconds() + DEADLINE;
    while (ts_now_seconds() < end && (!stats(e, &st) || read_ok(&st) < 1))
        ts_sleep_seconds(0.1);
    assert_int_equal(kill(e->pid, SIGTERM), 0);
    assert_int_equal(wait_exit(e->pid, 30), 0); /* clean stop */
    e->pid = 0;
    assert_true(stats(e, &st));
    if (read_ok(&st) != 1 || total(&st) != 1)
        dump_log(e);
    assert_int_equal(total(&st), 1);
    assert_int_equal(read_ok(&st), 1);
    assert_int_equal(count_files(e, INTAKE_STATE_QUARANTINE, ""), 0);
    assert_int_equal(count_files(e, INTAKE_STATE_RECORDS, ".json"), 1);
    /* The whole file was archived, under the hash of the whole file. */
    (void)snprintf(path, sizeof(path), "%s/%s/%s.%s", e->state,
                   INTAKE_STATE_ARCHIVE, sha, tif ? "tif" : "png");
    assert_int_equal(access(path, F_OK), 0);
    assert_int_equal(count_files(e, NULL, ""), 0);
    {
        char jpath[512];
        intake_journal *j = NULL;
        intake_journal_entry doc;
        (void)ts_path(jpath, sizeof(jpath), e->state, INTAKE_STATE_JOURNAL);
        assert_int_equal(
            intake_journal_open(&j, jpath, INTAKE_JOURNAL_READONLY, &err),
            CS_OK);
        assert_int_equal(intake_journal_get(&doc, j, 1, &err), CS_OK);
        assert_int_equal(doc.attempts, 1); /* read once */
        assert_non_null(strstr(doc.name, "scan from copier."));
        intake_journal_free(j);
    }
}

static void
test_hundred_files(void **state)
{
    env *e = *state;
    intake_journal_stats st;
    char name[64], path[512];
    size_t files = 100, pages = 100;
    double t0 = ts_now_seconds();

    for (int i = 0; i < 100; i++) {
        (void)snprintf(name, sizeof(name), "page %03d.png", i);
        drop_blank(e, name, i, NULL);
    }
    if (have_samples()) {
        (void)ts_path(path, sizeof(path), e->inbox, "claim.tif");
        copy_file(SAMPLE_TIF, path);
        (void)ts_path(path, sizeof(path), e->inbox, "claim-multipage.tif");
        copy_file(SAMPLE_MULTI, path);
        files += 2;
        pages += 1 + SAMPLE_MULTI_PAGES;
    }
    assert_int_equal(run_once(e, "2", 0), 0);
    print_message("    %zu files in %.1f s\n", files, ts_now_seconds() - t0);
    assert_true(stats(e, &st));
    assert_int_equal(total(&st), files);
    assert_int_equal(read_ok(&st), files);
    assert_int_equal(st.count[INTAKE_DOC_DUPLICATE], 0);
    assert_int_equal(st.count[INTAKE_DOC_PROCESSING], 0);
    assert_int_equal(st.pages_last_hour, pages);
    assert_int_equal(count_files(e, INTAKE_STATE_ARCHIVE, ""), files);
    assert_int_equal(count_files(e, INTAKE_STATE_RECORDS, ".json"), pages);
    assert_int_equal(count_files(e, NULL, ""), 0);
}

static void
test_kill_and_restart(void **state)
{
    env *e = *state;
    const char *extra[] = {"--settle", SETTLE, "--rescan", "0.5",
                           "--jobs",   "2",    NULL};
    enum { N = 40 };
    char shas[N][65], name[64], path[512];
    intake_journal_stats st;
    size_t files = N, pages = N;
    double end;
    int rc;

    for (int i = 0; i < N; i++) {
        (void)snprintf(name, sizeof(name), "scan_%02d.png", i);
        drop_blank(e, name, 1000 + i, shas[i]);
    }
    if (have_samples()) {
        (void)ts_path(path, sizeof(path), e->inbox, "claim-multipage.tif");
        copy_file(SAMPLE_MULTI, path);
        files++;
        pages += SAMPLE_MULTI_PAGES;
    }
    e->pid = spawn(e, extra, 0);
    end = ts_now_seconds() + DEADLINE;
    while (ts_now_seconds() < end && (!stats(e, &st) || read_ok(&st) < 8))
        ts_sleep_seconds(0.05);
    assert_int_equal(kill(e->pid, SIGKILL), 0);
    rc = wait_exit(e->pid, 30);
    e->pid = 0;
    assert_int_equal(rc, 128 + SIGKILL);
    assert_true(stats(e, &st));
    print_message("    killed with %zu read, %zu in processing, %zu "
                  "received\n",
                  read_ok(&st), st.count[INTAKE_DOC_PROCESSING],
                  st.count[INTAKE_DOC_RECEIVED]);
    assert_true(read_ok(&st) < files); /* it really was mid-batch */

    assert_int_equal(run_once(e, "2", 0), 0);
    assert_true(stats(e, &st));
    if (read_ok(&st) != files)
        dump_log(e);
    assert_int_equal(total(&st), files); /* no file recorded twice */
    assert_int_equal(read_ok(&st), files);
    assert_int_equal(st.count[INTAKE_DOC_PROCESSING], 0);
    assert_int_equal(st.count[INTAKE_DOC_DUPLICATE], 0);
    assert_int_equal(st.count[INTAKE_DOC_FAILED], 0);
    assert_int_equal(st.pages_last_hour, pages);
    assert_int_equal(count_files(e, INTAKE_STATE_RECORDS, ".json"), pages);
    assert_int_equal(count_files(e, INTAKE_STATE_ARCHIVE, ""), files);
    assert_int_equal(count_files(e, NULL, ""), 0);
    for (int i = 0; i < N; i++) { /* every original kept */
        (void)snprintf(path, sizeof(path), "%s/%s/%.64s.png", e->state,
                       INTAKE_STATE_ARCHIVE, shas[i]);
        assert_int_equal(access(path, F_OK), 0);
        (void)snprintf(path, sizeof(path), "%s/%s/%.64s-p1.json", e->state,
                       INTAKE_STATE_RECORDS, shas[i]);
        assert_int_equal(access(path, F_OK), 0);
    }
}

static void
test_duplicates(void **state)
{
    env *e = *state;
    intake_journal_stats st;
    char sha[65];

    drop_blank(e, "claim.png", 7, sha);
    drop_blank(e, "claim (copy).png", 7, NULL);
    drop_blank(e, "other.png", 8, NULL);
    assert_int_equal(run_once(e, "1", 1), 0);
    assert_true(stats(e, &st));
    assert_int_equal(read_ok(&st), 2);
    assert_int_equal(st.count[INTAKE_DOC_DUPLICATE], 1);
    /* Dropped again later, under yet another name. */
    drop_blank(e, "claim again.png", 7, NULL);
    assert_int_equal(run_once(e, "1", 1), 0);
    assert_true(stats(e, &st));
    assert_int_equal(read_ok(&st), 2);
    assert_int_equal(st.count[INTAKE_DOC_DUPLICATE], 2);
    assert_int_equal(count_files(e, INTAKE_STATE_DUPLICATES, ".png"), 2);
    assert_int_equal(count_files(e, INTAKE_STATE_ARCHIVE, ".png"), 2);
    assert_int_equal(count_files(e, INTAKE_STATE_RECORDS, ".json"), 2);
    assert_int_equal(count_files(e, NULL, ""), 0);
}

/* The reason file in quarantine that names file name, read into buf. */
static int
reason_for(const env *e, const char *name, char *buf, size_t size)
{
    char dir[320], path[640], want[300];
    DIR *d;
    struct dirent *de;
    int found = 0;

    (void)ts_path(dir, sizeof(dir), e->state, INTAKE_STATE_QUARANTINE);
    (void)snprintf(want, sizeof(want), "\nfile: %s\n", name);
    d = opendir(dir);
    assert_non_null(d);
    while (!found && (de = readdir(d)) != NULL) {
        FILE *fp;
        size_t n;
        if (strstr(de->d_name, ".reason.txt") == NULL)
            continue;
        (void)ts_path(path, sizeof(path), dir, de->d_name);
        fp = fopen(path, "r");
        assert_non_null(fp);
        n = fread(buf, 1, size - 1, fp);
        buf[n] = '\0';
        (void)fclose(fp);
        found = strstr(buf, want) != NULL;
    }
    (void)closedir(d);
    return found;
}

/* The count on the line "  NAME   N" of status output, or -1. */
static long
status_count(const char *out, const char *name)
{
    char want[64];
    const char *p;

    (void)snprintf(want, sizeof(want), "\n  %s ", name);
    p = strstr(out, want);
    return p != NULL ? strtol(p + strlen(want), NULL, 10) : -1;
}

static void
test_bad_files(void **state)
{
    env *e = *state;
    static const struct {
        const char *name, *reason;
    } bad[] = {
        {"empty.png", "empty"},
        {"truncated.png", "truncated"},
        {"notes.tif", "not a PNG, JPEG or TIFF"},
        {"huge.png", "limit"},
    };
    char path[512], outside[512], buf[2048];
    const char *text = "Please bill the attached claim to the secondary "
                       "payer.\n";
    intake_journal_stats st;
    size_t size = 0;
    uint8_t *png = blank_png(&size, 3);
    FILE *fp;

    /* Good files flow... */
    drop_blank(e, "good 1.png", 1, NULL);
    drop_blank(e, "good 2.png", 2, NULL);
    /* ...past bad ones. */
    (void)ts_path(path, sizeof(path), e->inbox, "empty.png");
    write_bytes(path, NULL, 0);
    (void)ts_path(path, sizeof(path), e->inbox, "truncated.png");
    write_bytes(path, png, size / 2);
    (void)ts_path(path, sizeof(path), e->inbox, "notes.tif");
    write_bytes(path, text, strlen(text));
    png[16] = 0, png[17] = 1, png[18] = 0, png[19] = 0; /* 65536 wide */
    (void)ts_path(path, sizeof(path), e->inbox, "huge.png");
    write_bytes(path, png, size);
    lept_free(png);
    /* Never touched: a temporary name, a link out of the inbox, a folder. */
    (void)ts_path(path, sizeof(path), e->inbox, "still copying.png.part");
    write_bytes(path, "x", 1);
    (void)ts_path(outside, sizeof(outside), e->root, "outside.png");
    drop_blank(e, "../outside.png", 4, NULL);
    (void)ts_path(path, sizeof(path), e->inbox, "link.png");
    assert_int_equal(symlink(outside, path), 0);
    (void)ts_path(path, sizeof(path), e->inbox, "folder.png");
    assert_int_equal(mkdir(path, 0700), 0);

    assert_int_equal(run_once(e, "2", 1), 1); /* some files failed */
    assert_true(stats(e, &st));
    if (st.count[INTAKE_DOC_FAILED] != 4)
        dump_log(e);
    assert_int_equal(read_ok(&st), 2);
    assert_int_equal(st.count[INTAKE_DOC_FAILED], 4);
    assert_int_equal(total(&st), 6);
    assert_int_equal(count_files(e, INTAKE_STATE_QUARANTINE, ".reason.txt"), 4);
    assert_int_equal(count_files(e, INTAKE_STATE_QUARANTINE, ""), 8);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (!reason_for(e, bad[i].name, buf, sizeof(buf)))
            fail_msg("no reason file names %s", bad[i].name);
        if (strstr(buf, bad[i].reason) == NULL)
            fail_msg("%s: reason lacks \"%s\":\n%s", bad[i].name, bad[i].reason,
                     buf);
    }
    /* What is not ours stayed where it was, the link's target untouched. */
    assert_int_equal(count_files(e, NULL, ""), 3);
    assert_int_equal(access(outside, F_OK), 0);
    /* The log names documents, never files. */
    fp = fopen(e->log, "r");
    assert_non_null(fp);
    {
        size_t n = fread(buf, 1, sizeof(buf) - 1, fp);
        buf[n] = '\0';
    }
    (void)fclose(fp);
    assert_null(strstr(buf, "notes.tif"));
    assert_null(strstr(buf, "good 1"));
    assert_non_null(strstr(buf, "document "));

    /* status shows counts and the last errors with names and reasons. */
    {
        const char *argv[] = {BINARY, "status", "--state", e->state, NULL};
        const ts_run_options opts = {NULL, 60.0};
        const char *out;
        assert_int_equal(ts_run_program(&e->run, argv, &opts), 0);
        if (e->run.status != 0)
            print_error("status: exit %d\n%s", e->run.status, e->run.err);
        assert_int_equal(e->run.status, 0);
        out = e->run.out;
        assert_int_equal(status_count(out, "failed"), 4);
        assert_int_equal(
            status_count(out, "needs_review") + status_count(out, "done"), 2);
        assert_non_null(strstr(out, "\"notes.tif\""));
        assert_non_null(strstr(out, "truncated"));
        assert_non_null(strstr(out, "watcher: not running"));
    }
}

static void
test_unsafe_state_refused(void **state)
{
    env *e = *state;
    char inside[192];
    const char *extra_once[] = {"--once", NULL};
    int rc;

    drop_blank(e, "scan.png", 1, NULL);
    /* The state folder inside the inbox. */
    (void)ts_path(inside, sizeof(inside), e->inbox, "state");
    {
        env e2 = *e;
        (void)snprintf(e2.state, sizeof(e2.state), "%.120s", inside);
        rc = wait_exit(spawn(&e2, extra_once, 1), 60);
        assert_int_equal(rc, 3);
    }
    /* A state folder others may write. */
    assert_int_equal(mkdir(e->state, 0700), 0);
    assert_int_equal(chmod(e->state, 0777), 0);
    rc = wait_exit(spawn(e, extra_once, 1), 60);
    assert_int_equal(rc, 3);
    /* Nothing was taken. */
    assert_int_equal(count_files(e, NULL, ".png"), 1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_unsafe_state_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_duplicates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_slow_writer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hundred_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kill_and_restart, setup, teardown),
    };

    setLeptDebugOK(0);
    (void)setMsgSeverity(L_SEVERITY_NONE);
    (void)umask(077);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
