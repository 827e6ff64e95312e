/*
 * test_files.c: the file helpers of the watched folder: moves that never
 * overwrite or follow links, atomic writes, private folders, the state
 * folder's place, the sweep of leftover temporary files.
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

#include "intake/intake.h"
#include "support/support.h"

typedef struct fixture {
    char dir[64];
} fixture;

static int
setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));

    assert_non_null(f);
    assert_int_equal(ts_tmpdir_make(f->dir, sizeof(f->dir), "cs_files_"), 0);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    fixture *f = *state;

    assert_int_equal(ts_tree_remove(f->dir), 0);
    free(f);
    return 0;
}

static void
put(const char *path, const char *text)
{
    assert_int_equal(ts_file_write_text(path, text), 0);
}

static char *
get(const char *path)
{
    uint8_t *data = NULL;
    size_t size = 0;
    cs_error err = CS_ERROR_INIT;
    char *s;

    assert_int_equal(intake_file_read(&data, &size, path, 1 << 20, &err),
                     CS_OK);
    s = malloc(size + 1);
    assert_non_null(s);
    memcpy(s, data, size);
    s[size] = '\0';
    free(data);
    return s;
}

static void
test_move(void **state)
{
    fixture *f = *state;
    char a[128], b[128], c[128];
    cs_error err = CS_ERROR_INIT;
    struct stat st;
    char *s;

    (void)ts_path(a, sizeof(a), f->dir, "a.png");
    (void)ts_path(b, sizeof(b), f->dir, "b.png");
    (void)ts_path(c, sizeof(c), f->dir, "c.png");
    put(a, "first");
    assert_int_equal(chmod(a, 0644), 0);
    put(c, "other");
    assert_int_equal(intake_file_move(a, b, &err), CS_OK);
    assert_false(intake_file_exists(a));
    s = get(b);
    assert_string_equal(s, "first");
    free(s);
    assert_int_equal(stat(b, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600); /* made private */
    /* Never over an existing file. */
    assert_int_equal(intake_file_move(b, c, &err), CS_EINVAL);
    s = get(c);
    assert_string_equal(s, "other");
    free(s);
    assert_true(intake_file_exists(b));
    /* A missing source is an error, not a success. */
    assert_int_equal(intake_file_move(a, b, &err), CS_EIO);
}

static void
test_move_refuses_links(void **state)
{
    fixture *f = *state;
    char target[128], link[128], dst[128];
    cs_error err = CS_ERROR_INIT;
    uint8_t *data = NULL;
    size_t size = 0;

    (void)ts_path(target, sizeof(target), f->dir, "target.png");
    (void)ts_path(link, sizeof(link), f->dir, "link.png");
    (void)ts_path(dst, sizeof(dst), f->dir, "moved.png");
    put(target, "secret");
    assert_int_equal(symlink(target, link), 0);
    assert_int_equal(intake_file_move(link, dst, &err), CS_EFORMAT);
    assert_false(intake_file_exists(dst));
    assert_int_equal(intake_file_read(&data, &size, link, 100, &err),
                     CS_EFORMAT);
    assert_null(data);
}

static void
test_write_atomic(void **state)
{
    fixture *f = *state;
    char p[128];
    cs_error err = CS_ERROR_INIT;
    struct stat st;
    char *s;

    (void)ts_path(p, sizeof(p), f->dir, "rec.json");
    assert_int_equal(intake_file_write_atomic(p, "{\"a\":1}\n", 8, &err),
                     CS_OK);
    assert_int_equal(intake_file_write_atomic(p, "{\"a\":2}\n", 8, &err),
                     CS_OK);
    s = get(p);
    assert_string_equal(s, "{\"a\":2}\n");
    free(s);
    assert_int_equal(stat(p, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
}

static void
test_read_limit(void **state)
{
    fixture *f = *state;
    char p[128];
    cs_error err = CS_ERROR_INIT;
    uint8_t *data = NULL;
    size_t size = 0;

    (void)ts_path(p, sizeof(p), f->dir, "big.tif");
    put(p, "0123456789");
    assert_int_equal(intake_file_read(&data, &size, p, 5, &err), CS_ETOOBIG);
    assert_null(data);
}

static void
test_private_dirs(void **state)
{
    fixture *f = *state;
    char p[128];
    cs_error err = CS_ERROR_INIT;
    struct stat st;

    (void)ts_path(p, sizeof(p), f->dir, "state/deep/er");
    assert_int_equal(intake_dir_make_private(p, &err), CS_OK);
    assert_int_equal(stat(p, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    assert_int_equal(intake_dir_make_private(p, &err), CS_OK); /* again */
    assert_int_equal(chmod(p, 0770), 0);
    assert_int_equal(intake_dir_make_private(p, &err), CS_EINVAL);
    assert_non_null(strstr(err.message, "writable"));
    assert_int_equal(chmod(p, 0702), 0);
    assert_int_equal(intake_dir_make_private(p, &err), CS_EINVAL);
    assert_int_equal(chmod(p, 0750), 0); /* readable is not unsafe */
    assert_int_equal(intake_dir_make_private(p, &err), CS_OK);
    (void)ts_path(p, sizeof(p), f->dir, "file");
    put(p, "x");
    assert_int_equal(intake_dir_make_private(p, &err), CS_EINVAL);
}

static void
test_state_place(void **state)
{
    fixture *f = *state;
    char inbox[128], st_in[128], st_out[128], st_same[160];
    cs_error err = CS_ERROR_INIT;

    (void)ts_path(inbox, sizeof(inbox), f->dir, "inbox");
    (void)ts_path(st_in, sizeof(st_in), f->dir, "inbox/state");
    (void)ts_path(st_out, sizeof(st_out), f->dir, "inbox-state");
    assert_int_equal(mkdir(inbox, 0700), 0);
    assert_int_equal(mkdir(st_in, 0700), 0);
    assert_int_equal(mkdir(st_out, 0700), 0);
    assert_int_equal(intake_state_check(st_out, inbox, &err), CS_OK);
    assert_int_equal(intake_state_check(st_in, inbox, &err), CS_EINVAL);
    assert_int_equal(intake_state_check(inbox, inbox, &err), CS_EINVAL);
    assert_int_equal(intake_state_check(inbox, st_in, &err), CS_EINVAL);
    /* The same folder by another spelling. */
    (void)ts_path(st_same, sizeof(st_same), f->dir, "inbox/../inbox/state");
    assert_int_equal(intake_state_check(st_same, inbox, &err), CS_EINVAL);
}

static void
test_sweep(void **state)
{
    fixture *f = *state;
    char p[128];
    cs_error err = CS_ERROR_INIT;
    size_t n = 0;

    (void)ts_path(p, sizeof(p), f->dir, ".abc-p1.json.Xy12Zq");
    put(p, "partial");
    (void)ts_path(p, sizeof(p), f->dir, "abc-p1.json");
    put(p, "record");
    (void)ts_path(p, sizeof(p), f->dir, ".keep");
    put(p, "not ours");
    assert_int_equal(intake_dir_sweep_temp(&n, f->dir, &err), CS_OK);
    assert_int_equal(n, 1);
    (void)ts_path(p, sizeof(p), f->dir, "abc-p1.json");
    assert_true(intake_file_exists(p));
    (void)ts_path(p, sizeof(p), f->dir, ".keep");
    assert_true(intake_file_exists(p));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_move, setup, teardown),
        cmocka_unit_test_setup_teardown(test_move_refuses_links, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_write_atomic, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_private_dirs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_state_place, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sweep, setup, teardown),
    };

    (void)umask(077);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
