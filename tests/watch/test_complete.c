/*
 * test_complete.c: when the watch calls a file in the inbox complete.
 * Real files in a temporary folder, a made-up clock: temporary names are
 * ignored, a growing file is not complete, a truncated PNG is not complete
 * until it is finished, bad files come out as BAD with their reason,
 * links and folders are never touched.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <leptonica/allheaders.h>

#include "intake/intake.h"
#include "support/support.h"

#define SETTLE 1.0

typedef struct fixture {
    char dir[64];
    intake_watch *w;
    uint8_t *png; /* a small valid PNG */
    size_t png_size;
} fixture;

/* ---- temporary names, one test per row ------------------------------ */

typedef struct name_case {
    const char *name;
    int temporary;
} name_case;

static const name_case names[] = {
    {"scan_0001.tif", 0},
    {"Smith John.PNG", 0},
    {"part.tif", 0},
    {"tmp", 0},
    {"report.tmp.pdf", 0},
    {".hidden.tif", 1},
    {".", 1},
    {"..", 1},
    {"scan.tif.part", 1},
    {"SCAN.TIF.PART", 1},
    {"scan.tif.partial", 1},
    {"scan.tif.filepart", 1},
    {"scan.tmp", 1},
    {"scan.TMP", 1},
    {"scan.temp", 1},
    {"~$scan.tif", 1},
    {"scan.tif.crdownload", 1},
    {"scan.tif.download", 1},
    {"", 1},
};

#define N_NAMES (sizeof(names) / sizeof(names[0]))

static void
test_name(void **state)
{
    const name_case *c = *state;

    assert_int_equal(intake_name_is_temporary(c->name), c->temporary);
}

/* ---- the watch ------------------------------------------------------ */

static int
setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    intake_watch_options opts = INTAKE_WATCH_OPTIONS_INIT;
    cs_error err = CS_ERROR_INIT;
    PIX *pix;
    l_uint8 *data = NULL;

    assert_non_null(f);
    assert_int_equal(ts_tmpdir_make(f->dir, sizeof(f->dir), "cs_complete_"), 0);
    opts.settle_seconds = SETTLE;
    opts.rescan_seconds = 1000.0; /* only the first poll lists */
    opts.max_attempts = 3;
    opts.use_inotify = 1;
    assert_int_equal(intake_watch_new(&f->w, f->dir, &opts, &err), CS_OK);
    /* 300 x 300, noisy enough that the PNG has a few kilobytes. */
    pix = pixCreate(300, 300, 8);
    assert_non_null(pix);
    for (int y = 0; y < 300; y++)
        for (int x = 0; x < 300; x++)
            (void)pixSetPixel(pix, x, y, (l_uint32)((x * 7 + y * 13) ^ x));
    assert_int_equal(pixWriteMemPng(&data, &f->png_size, pix, 0.0), 0);
    f->png = data;
    pixDestroy(&pix);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    fixture *f = *state;

    intake_watch_free(f->w);
    assert_int_equal(ts_tree_remove(f->dir), 0);
    lept_free(f->png);
    free(f);
    return 0;
}

/* Writes (mode "wb") or appends ("ab") data as the file name. */
static void
write_file(const fixture *f, const char *name, const void *data, size_t size,
           const char *mode)
{
    char path[256];

    assert_non_null(ts_path(path, sizeof(path), f->dir, name));
    if (mode[0] == 'a')
        assert_int_equal(ts_file_append(path, data, size), 0);
    else
        assert_int_equal(ts_file_write(path, data, size), 0);
}

static void
poll_at(fixture *f, double now)
{
    cs_error err = CS_ERROR_INIT;

    assert_int_equal(intake_watch_poll(f->w, now, &err), CS_OK);
}

static intake_watch_item
next_at(fixture *f, double now)
{
    intake_watch_item it;
    cs_error err = CS_ERROR_INIT;

    assert_int_equal(intake_watch_next(&it, f->w, now, &err), CS_OK);
    return it;
}

static void
sha_of(char *hex, const void *data, size_t size)
{
    cs_error err = CS_ERROR_INIT;

    assert_int_equal(intake_sha256_hex(hex, data, size, &err), CS_OK);
}

static void
test_complete_after_settle(void **state)
{
    fixture *f = *state;
    intake_watch_item it;
    char hex[65];

    write_file(f, "scan.png", f->png, f->png_size, "wb");
    poll_at(f, 0.0);
    assert_int_equal(next_at(f, 0.0).kind, INTAKE_WATCH_NONE);
    assert_int_equal(intake_watch_pending(f->w), 1);
    poll_at(f, SETTLE - 0.1);
    assert_int_equal(next_at(f, SETTLE - 0.1).kind, INTAKE_WATCH_NONE);
    poll_at(f, SETTLE);
    it = next_at(f, SETTLE);
    assert_int_equal(it.kind, INTAKE_WATCH_COMPLETE);
    assert_string_equal(it.name, "scan.png");
    assert_int_equal(it.format, INTAKE_FORMAT_PNG);
    assert_int_equal(it.npages, 1);
    assert_int_equal(it.size, f->png_size);
    sha_of(hex, f->png, f->png_size);
    assert_string_equal(it.sha256, hex);
    /* Handed out once: nothing more until the caller says. */
    assert_int_equal(next_at(f, SETTLE + 5).kind, INTAKE_WATCH_NONE);
    intake_watch_done(f->w, "scan.png");
    assert_int_equal(intake_watch_pending(f->w), 0);
}

static void
test_temporary_names_ignored(void **state)
{
    fixture *f = *state;

    write_file(f, "scan.png.part", f->png, f->png_size, "wb");
    write_file(f, ".scan.png", f->png, f->png_size, "wb");
    write_file(f, "~$scan.png", f->png, f->png_size, "wb");
    write_file(f, "scan.png.crdownload", f->png, f->png_size, "wb");
    write_file(f, "scan.tmp", f->png, f->png_size, "wb");
    for (double t = 0; t < 20; t += SETTLE) {
        poll_at(f, t);
        assert_int_equal(next_at(f, t).kind, INTAKE_WATCH_NONE);
    }
    assert_int_equal(intake_watch_pending(f->w), 0);
}

static void
test_renamed_into_place(void **state)
{
    fixture *f = *state;
    char from[256], to[256];
    intake_watch_item it;

    write_file(f, "scan.png.part", f->png, f->png_size, "wb");
    poll_at(f, 0.0);
    (void)ts_path(from, sizeof(from), f->dir, "scan.png.part");
    (void)ts_path(to, sizeof(to), f->dir, "scan.png");
    assert_int_equal(rename(from, to), 0);
    /* No listing is due: the inotify event brings it in. */
    poll_at(f, 1.0);
    assert_int_equal(intake_watch_pending(f->w), 1);
    poll_at(f, 1.0 + SETTLE);
    it = next_at(f, 1.0 + SETTLE);
    assert_int_equal(it.kind, INTAKE_WATCH_COMPLETE);
    assert_string_equal(it.name, "scan.png");
}

static void
test_growing_file_not_complete(void **state)
{
    fixture *f = *state;
    size_t third = f->png_size / 3;
    intake_watch_item it;
    char hex[65];

    write_file(f, "scan.png", f->png, third, "wb");
    poll_at(f, 0.0);
    assert_int_equal(next_at(f, 0.0).kind, INTAKE_WATCH_NONE);
    write_file(f, "scan.png", f->png + third, third, "ab");
    poll_at(f, SETTLE); /* it changed: settle again */
    assert_int_equal(next_at(f, SETTLE).kind, INTAKE_WATCH_NONE);
    write_file(f, "scan.png", f->png + 2 * third, f->png_size - 2 * third,
               "ab");
    poll_at(f, 2 * SETTLE);
    assert_int_equal(next_at(f, 2 * SETTLE).kind, INTAKE_WATCH_NONE);
    poll_at(f, 3 * SETTLE);
    it = next_at(f, 3 * SETTLE);
    assert_int_equal(it.kind, INTAKE_WATCH_COMPLETE);
    sha_of(hex, f->png, f->png_size);
    assert_string_equal(it.sha256, hex); /* the whole file, once */
}

static void
test_truncated_png_until_finished(void **state)
{
    fixture *f = *state;
    size_t half = f->png_size / 2;
    intake_watch_item it;

    /* The writer stalls longer than the settle time halfway through. */
    write_file(f, "scan.png", f->png, half, "wb");
    poll_at(f, 0.0);
    poll_at(f, SETTLE);
    it = next_at(f, SETTLE);
    assert_int_equal(it.kind, INTAKE_WATCH_NONE); /* truncated: not yet */
    assert_int_equal(intake_watch_pending(f->w), 1);
    poll_at(f, 2 * SETTLE);
    assert_int_equal(next_at(f, 2 * SETTLE).kind, INTAKE_WATCH_NONE);
    write_file(f, "scan.png", f->png + half, f->png_size - half, "ab");
    poll_at(f, 4 * SETTLE);
    assert_int_equal(next_at(f, 4 * SETTLE).kind, INTAKE_WATCH_NONE);
    poll_at(f, 5 * SETTLE);
    it = next_at(f, 5 * SETTLE);
    assert_int_equal(it.kind, INTAKE_WATCH_COMPLETE);
    assert_int_equal(it.size, f->png_size);
}

static void
test_truncated_png_given_up(void **state)
{
    fixture *f = *state;
    intake_watch_item it;
    double t = 0;
    int checks = 0;

    write_file(f, "scan.png", f->png, f->png_size / 2, "wb");
    for (; t < 60; t += 0.25) {
        poll_at(f, t);
        it = next_at(f, t);
        if (it.kind != INTAKE_WATCH_NONE)
            break;
    }
    (void)checks;
    assert_int_equal(it.kind, INTAKE_WATCH_BAD);
    assert_int_equal(it.status, CS_EFORMAT);
    assert_int_equal(it.attempts, 3);
    assert_non_null(strstr(it.reason, "truncated"));
    assert_string_not_equal(it.sha256, "");
    /* Three checks with backoff after it settled: 1 + 1 + 2 seconds. */
    assert_true(t >= 4 * SETTLE && t < 5 * SETTLE);
}

static void
test_empty_file_given_up(void **state)
{
    fixture *f = *state;
    intake_watch_item it;

    write_file(f, "empty.tif", NULL, 0, "wb");
    for (double t = 0; t < 60; t += 0.25) {
        poll_at(f, t);
        it = next_at(f, t);
        if (it.kind != INTAKE_WATCH_NONE)
            break;
    }
    assert_int_equal(it.kind, INTAKE_WATCH_BAD);
    assert_non_null(strstr(it.reason, "empty"));
}

/* ---- files that are bad at once, one test per row ------------------- */

typedef struct bad_case {
    const char *name;
    const char *file;
    int kind; /* 0: text, 1: PNG with a huge header */
    cs_status status;
    const char *reason;
} bad_case;

static const bad_case bad_cases[] = {
    {"bad_text_named_tif", "notes.tif", 0, CS_EFORMAT, "not a PNG"},
    {"bad_huge_header_png", "huge.png", 1, CS_ETOOBIG, "limit"},
};

#define N_BAD TS_COUNT(bad_cases)

static void
test_bad_at_once(void **state)
{
    const bad_case *c = *state;
    void *fs;
    fixture *f;
    intake_watch_item it;

    assert_int_equal(setup(&fs), 0);
    f = fs;
    if (c->kind == 0) {
        const char *text = "Dear billing office, please find attached...\n";
        write_file(f, c->file, text, strlen(text), "wb");
    } else {
        uint8_t *copy = malloc(f->png_size);
        assert_non_null(copy);
        memcpy(copy, f->png, f->png_size);
        /* IHDR width and height: 40000 x 40000 pixels. */
        copy[16] = 0, copy[17] = 0, copy[18] = 0x9c, copy[19] = 0x40;
        copy[20] = 0, copy[21] = 0, copy[22] = 0x9c, copy[23] = 0x40;
        write_file(f, c->file, copy, f->png_size, "wb");
        free(copy);
    }
    poll_at(f, 0.0);
    poll_at(f, SETTLE);
    it = next_at(f, SETTLE); /* final at the first check: no retries */
    assert_int_equal(it.kind, INTAKE_WATCH_BAD);
    assert_int_equal(it.status, c->status);
    assert_non_null(strstr(it.reason, c->reason));
    assert_null(strstr(it.reason, c->file)); /* no names in reasons */
    assert_int_equal(teardown(&fs), 0);
}

static void
test_links_and_folders_untouched(void **state)
{
    fixture *f = *state;
    char target[256], link[256], sub[256];

    (void)snprintf(target, sizeof(target), "%s.outside.png", f->dir);
    assert_int_equal(ts_file_write(target, f->png, f->png_size), 0);
    (void)ts_path(link, sizeof(link), f->dir, "link.png");
    assert_int_equal(symlink(target, link), 0);
    (void)ts_path(sub, sizeof(sub), f->dir, "folder.png");
    assert_int_equal(mkdir(sub, 0700), 0);
    (void)ts_path(sub, sizeof(sub), f->dir, "fifo.png");
    assert_int_equal(mkfifo(sub, 0600), 0);
    for (double t = 0; t < 10; t += SETTLE) {
        poll_at(f, t);
        assert_int_equal(next_at(f, t).kind, INTAKE_WATCH_NONE);
    }
    assert_int_equal(intake_watch_pending(f->w), 0);
    assert_int_equal(unlink(target), 0);
}

static void
test_changed_between_check_and_read(void **state)
{
    fixture *f = *state;
    intake_watch_item it;

    write_file(f, "scan.png", f->png, f->png_size, "wb");
    poll_at(f, 0.0);
    poll_at(f, SETTLE);                          /* ready */
    write_file(f, "scan.png", f->png, 10, "ab"); /* ...and it grows */
    assert_int_equal(next_at(f, SETTLE).kind, INTAKE_WATCH_NONE);
    poll_at(f, SETTLE + 0.1);
    assert_int_equal(next_at(f, SETTLE + 0.1).kind, INTAKE_WATCH_NONE);
    poll_at(f, 2 * SETTLE + 0.1);
    it = next_at(f, 2 * SETTLE + 0.1);
    /* Trailing bytes after IEND: a whole PNG still. */
    assert_int_equal(it.kind, INTAKE_WATCH_COMPLETE);
    assert_int_equal(it.size, f->png_size + 10);
}

static void
test_retry_then_give_up(void **state)
{
    fixture *f = *state;
    intake_watch_item it;
    double t = SETTLE;
    int handed = 0;

    write_file(f, "scan.png", f->png, f->png_size, "wb");
    poll_at(f, 0.0);
    for (; t < 100 && handed < 10; t += 0.5) {
        poll_at(f, t);
        it = next_at(f, t);
        if (it.kind == INTAKE_WATCH_NONE)
            continue;
        handed++;
        if (it.kind == INTAKE_WATCH_BAD)
            break;
        assert_int_equal(it.kind, INTAKE_WATCH_COMPLETE);
        intake_watch_retry(f->w, it.name, "cannot move: disk full", t);
    }
    assert_int_equal(it.kind, INTAKE_WATCH_BAD);
    assert_int_equal(handed, 3 + 1); /* three tries, then given up */
    assert_non_null(strstr(it.reason, "gave up"));
    assert_non_null(strstr(it.reason, "disk full"));
    intake_watch_skip(f->w, it.name);
    assert_int_equal(intake_watch_pending(f->w), 0);
}

static void
test_same_name_new_file(void **state)
{
    fixture *f = *state;
    intake_watch_item it;
    char path[256];

    write_file(f, "scan.png", f->png, f->png_size, "wb");
    poll_at(f, 0.0);
    poll_at(f, SETTLE);
    it = next_at(f, SETTLE);
    assert_int_equal(it.kind, INTAKE_WATCH_COMPLETE);
    (void)ts_path(path, sizeof(path), f->dir, "scan.png");
    assert_int_equal(unlink(path), 0); /* the caller moved it away */
    intake_watch_done(f->w, "scan.png");
    write_file(f, "scan.png", f->png, f->png_size, "wb");
    poll_at(f, 2 * SETTLE);
    poll_at(f, 3 * SETTLE);
    it = next_at(f, 3 * SETTLE);
    assert_int_equal(it.kind, INTAKE_WATCH_COMPLETE);
}

static void
test_timeout(void **state)
{
    fixture *f = *state;

    write_file(f, "scan.png", f->png, f->png_size, "wb");
    poll_at(f, 0.0);
    assert_true(intake_watch_timeout(f->w, 0.0) <= SETTLE);
    assert_true(intake_watch_timeout(f->w, 0.0) > 0);
    poll_at(f, SETTLE);
    assert_true(intake_watch_timeout(f->w, SETTLE) == 0); /* ready */
}

int
main(void)
{
    static const struct CMUnitTest fixed[] = {
        cmocka_unit_test_setup_teardown(test_complete_after_settle, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_temporary_names_ignored, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_renamed_into_place, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_growing_file_not_complete, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_truncated_png_until_finished,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_truncated_png_given_up, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_empty_file_given_up, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_links_and_folders_untouched, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_changed_between_check_and_read,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_retry_then_give_up, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_same_name_new_file, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_timeout, setup, teardown),
    };
    struct CMUnitTest tests[sizeof(fixed) / sizeof(fixed[0]) + N_NAMES + N_BAD];
    size_t n = 0;

    setLeptDebugOK(0);
    (void)setMsgSeverity(L_SEVERITY_NONE);
    for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
        tests[n++] = fixed[i];
    for (size_t i = 0; i < N_NAMES; i++)
        tests[n++] = (struct CMUnitTest){
            .name = names[i].name[0] != '\0' ? names[i].name : "(empty name)",
            .test_func = test_name,
            .initial_state = (void *)&names[i]};
    TS_ADD_ROWS(tests, n, bad_cases, test_bad_at_once, NULL);
    return _cmocka_run_group_tests("complete", tests, n, NULL, NULL);
}
