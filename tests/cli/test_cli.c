/*
 * test_cli.c: the claimscan program as a user runs it. Each test starts
 * the built binary (CS_BINARY_DIR/claimscan) with ts_run_program, its
 * output captured, and checks the exit code, stdout and stderr, and the
 * files it writes (in a temporary folder).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <jansson.h>
#include <leptonica/allheaders.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support/support.h"

#define CLAIMSCAN CS_BINARY_DIR "/claimscan"
#define SAMPLES CS_SOURCE_DIR "/samples/scans/"
#define BW300 SAMPLES "claim0001_bw300.tif"
#define COLOR300 SAMPLES "claim0001_color300.png"
#define DROPOUT300 SAMPLES "claim0001_dropout300.tif"
#define MAX_ARGS 16
/* A run of the program that takes longer has hung. */
#define RUN_TIMEOUT 300.0

static char tmpdir[256];

/*
 * Runs claimscan with args (NULL-terminated, without the program name),
 * stdin from /dev/null, stdout (into the file stdout_to instead when not
 * NULL) and stderr captured, and waits for it. Returns 0 when it could be
 * started.
 */
static int
run_claimscan_to(ts_run *r, const char *const *args, const char *stdout_to)
{
    const char *argv[MAX_ARGS + 2];
    ts_run_options opts = {stdout_to, RUN_TIMEOUT};
    int n = 0;

    argv[n++] = CLAIMSCAN;
    while (args[n - 1] != NULL && n <= MAX_ARGS) {
        argv[n] = args[n - 1];
        n++;
    }
    argv[n] = NULL;
    return ts_run_program(r, argv, &opts);
}

static int
run_claimscan(ts_run *r, const char *const *args)
{
    return run_claimscan_to(r, args, NULL);
}

/* Runs and reports what came out when the exit code is not the one
 * expected. */
static void
run_expect(ts_run *r, const char *const *args, int status)
{
    assert_int_equal(run_claimscan(r, args), 0);
    if (r->status != status)
        print_error("exit %d, want %d\n--- stdout:\n%s--- stderr:\n%s",
                    r->status, status, r->out, r->err);
    assert_int_equal(r->status, status);
}

static size_t
count_lines(const char *s)
{
    size_t n = 0;

    for (; *s != '\0'; s++)
        n += *s == '\n';
    return n;
}

/* The stderr line that names path, or NULL. */
static const char *
line_naming(const char *text, const char *path, char *line, size_t size)
{
    const char *p = strstr(text, path);
    const char *start, *end;

    if (p == NULL)
        return NULL;
    for (start = p; start > text && start[-1] != '\n'; start--)
        ;
    end = strchr(p, '\n');
    if (end == NULL)
        end = p + strlen(p);
    (void)snprintf(line, size, "%.*s", (int)(end - start), start);
    return line;
}

/* A page without the form: read quickly (nothing registers, no OCR). */
static int
write_blank_png(const char *path)
{
    PIX *pix = pixCreate(2550, 3300, 1);
    int rc = pix != NULL ? pixWrite(path, pix, IFF_PNG) : -1;

    pixDestroy(&pix);
    return rc == 0 ? 0 : -1;
}

static int
group_setup(void **state)
{
    struct stat st;

    (void)state;
    (void)setMsgSeverity(L_SEVERITY_NONE);
    /* The program would start itself again to set it; ctest sets it. */
    (void)setenv("OMP_THREAD_LIMIT", "1", 0);
    (void)unsetenv("CLAIMSCAN_FORMS"); /* the built-in forms */
    if (stat(CLAIMSCAN, &st) != 0 || !(st.st_mode & S_IXUSR)) {
        print_error("%s is not built\n", CLAIMSCAN);
        return -1;
    }
    if (ts_tmpdir_make(tmpdir, sizeof(tmpdir), "cs_test_cli.") != 0)
        return -1;
    return 0;
}

static int
group_teardown(void **state)
{
    (void)state;
    (void)ts_tree_remove(tmpdir);
    return 0;
}

/* Resources of the running test, freed by scratch_free after it, passed
 * or failed (a failed assertion leaves the test by longjmp). */
static struct scratch {
    ts_run r1, r2;
    char *text;
    json_t *rec;
    PIX *pix;
    PIXA *pixa;
} s;

static int
scratch_free(void **state)
{
    (void)state;
    ts_run_clear(&s.r1);
    ts_run_clear(&s.r2);
    free(s.text);
    json_decref(s.rec);
    pixDestroy(&s.pix);
    pixaDestroy(&s.pixa);
    memset(&s, 0, sizeof(s));
    return 0;
}

/* Reads the JSON document of text into s.rec (replacing the last). */
static json_t *
parse_record(const char *text, size_t len)
{
    json_error_t jerr;

    json_decref(s.rec);
    s.rec = json_loadb(text, len, 0, &jerr);
    if (s.rec == NULL)
        print_error("not JSON: %s\n", jerr.text);
    return s.rec;
}

/* ---- Command lines without scans -------------------------------------- */

struct usage_case {
    const char *name;
    const char *args[6]; /* NULL-terminated */
    int status;
    const char *out_has; /* NULL: stdout must be empty */
    const char *err_has; /* NULL: stderr must be empty */
};

static const struct usage_case usage_cases[] = {
    {"help", {"--help", NULL}, 0, "usage: claimscan", NULL},
    {"help_short", {"-h", NULL}, 0, "extract", NULL},
    {"version", {"--version", NULL}, 0, "claimscan ", NULL},
    {"extract_help", {"extract", "--help", NULL}, 0, "--jobs", NULL},
    {"extract_help_lists_overlay",
     {"extract", "-h", NULL},
     0,
     "--overlay",
     NULL},
    {"no_command", {NULL}, 2, NULL, "usage: claimscan"},
    {"unknown_command", {"frobnicate", NULL}, 2, NULL, "frobnicate"},
    {"unknown_option",
     {"extract", "--bogus", DROPOUT300, NULL},
     2,
     NULL,
     "unknown option"},
    {"unknown_short_option",
     {"extract", "-Z", DROPOUT300, NULL},
     2,
     NULL,
     "unknown option"},
    {"option_without_argument",
     {"extract", "--jobs", NULL},
     2,
     NULL,
     "needs an argument"},
    {"extract_without_file", {"extract", NULL}, 2, NULL, "no FILE"},
    {"extract_without_file_after_options",
     {"extract", "--form", "cms1500", NULL},
     2,
     NULL,
     "no FILE"},
    {"jobs_zero",
     {"extract", "--jobs", "0", DROPOUT300, NULL},
     2,
     NULL,
     "--jobs"},
    {"jobs_not_a_number",
     {"extract", "-j", "2x", DROPOUT300, NULL},
     2,
     NULL,
     "--jobs"},
    {"unknown_form",
     {"extract", "--form", "cms1450", DROPOUT300, NULL},
     2,
     NULL,
     "--form"},
};

static void
test_usage_case(void **state)
{
    const struct usage_case *c = *state;
    ts_run *r = &s.r1;

    run_expect(r, c->args, c->status);
    if (c->out_has != NULL)
        assert_non_null(strstr(r->out, c->out_has));
    else
        assert_string_equal(r->out, "");
    if (c->err_has != NULL) {
        assert_non_null(strstr(r->err, c->err_has));
        /* Error lines start with the program's name or are usage. */
        assert_true(strncmp(r->err, "claimscan", 9) == 0 ||
                    strncmp(r->err, "usage:", 6) == 0);
    } else {
        assert_string_equal(r->err, "");
    }
}

/* ---- Reading scans ------------------------------------------------- */

/* A good page, an empty file and a text file called .tif: the good page's
 * record on stdout, both bad files named on stderr with a reason, exit 1. */
static void
test_good_and_bad_inputs(void **state)
{
    char empty[512], text[512], line[1024];
    static const char not_image[] = "name,amount\nsmith,12.00\n";
    const char *args[] = {"extract", "--form", "cms1500", DROPOUT300,
                          empty,     text,     NULL};
    ts_run *r = &s.r1;
    json_t *rec;

    (void)state;
    (void)ts_path(empty, sizeof(empty), tmpdir, "empty.png");
    (void)ts_path(text, sizeof(text), tmpdir, "x.tif");
    assert_int_equal(ts_file_write(empty, "", 0), 0);
    assert_int_equal(ts_file_write(text, not_image, sizeof(not_image) - 1), 0);
    run_expect(r, args, 1);
    assert_int_equal(count_lines(r->out), 1);
    assert_true(r->out[strlen(r->out) - 1] == '\n');
    rec = parse_record(r->out, strlen(r->out));
    assert_non_null(rec);
    assert_string_equal(json_string_value(json_object_get(rec, "source")),
                        DROPOUT300);
    assert_int_equal(json_integer_value(json_object_get(rec, "page")), 1);
    assert_string_equal(json_string_value(json_object_get(rec, "form")),
                        "cms1500");
    if (line_naming(r->err, empty, line, sizeof(line)) == NULL)
        print_error("stderr does not name %s:\n%s", empty, r->err);
    assert_non_null(line_naming(r->err, empty, line, sizeof(line)));
    assert_non_null(strstr(line, "empty"));
    assert_true(strncmp(line, "claimscan: ", 11) == 0);
    assert_non_null(line_naming(r->err, text, line, sizeof(line)));
    assert_non_null(strstr(line, "not a PNG, JPEG or TIFF"));
    /* The good file is named nowhere on stderr. */
    assert_null(strstr(r->err, DROPOUT300));
}

/* Only bad inputs: nothing on stdout, exit 1. */
static void
test_only_bad_inputs(void **state)
{
    char missing[512], line[1024];
    const char *args[] = {"extract", missing, tmpdir, NULL};
    ts_run *r = &s.r1;

    (void)state;
    (void)ts_path(missing, sizeof(missing), tmpdir, "no-such-scan.png");
    run_expect(r, args, 1);
    assert_string_equal(r->out, "");
    assert_non_null(line_naming(r->err, missing, line, sizeof(line)));
    assert_non_null(strstr(line, "cannot open"));
    assert_non_null(strstr(r->err, "not a regular file"));
}

static int
is_regular_with_mode(const char *path, mode_t mode)
{
    struct stat st;

    if (stat(path, &st) != 0) {
        print_error("%s is missing\n", path);
        return 0;
    }
    if (!S_ISREG(st.st_mode) || (st.st_mode & 07777) != mode) {
        print_error("%s has mode %o, want %o\n", path,
                    (unsigned)(st.st_mode & 07777), (unsigned)mode);
        return 0;
    }
    return 1;
}

/* Names in dir other than . and .., counted. */
static size_t
count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t n = 0;

    while (d != NULL && (e = readdir(d)) != NULL)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    if (d != NULL)
        (void)closedir(d);
    return n;
}

/* --out DIR: one file per page, readable by the owner only, one JSON line
 * each, nothing on stdout; the folder is made, private. */
static void
test_out_dir(void **state)
{
    char dir[512], file[600];
    const char *args[] = {"extract", "--form",   "cms1500", "--out",
                          dir,       DROPOUT300, NULL};
    struct stat st;
    json_t *rec;

    (void)state;
    (void)ts_path(dir, sizeof(dir), tmpdir, "records");
    run_expect(&s.r1, args, 0);
    assert_string_equal(s.r1.out, "");
    assert_int_equal(stat(dir, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_equal(st.st_mode & 0777, 0700);
    (void)ts_path(file, sizeof(file), dir, "claim0001_dropout300-p1.json");
    assert_true(is_regular_with_mode(file, 0600));
    assert_int_equal(count_entries(dir), 1); /* no temporary left over */
    s.text = ts_file_read(file, NULL);
    assert_non_null(s.text);
    assert_int_equal(count_lines(s.text), 1);
    rec = parse_record(s.text, strlen(s.text));
    assert_non_null(rec);
    assert_string_equal(json_string_value(json_object_get(rec, "source")),
                        DROPOUT300);
    assert_true(json_is_object(json_object_get(rec, "fields")));
}

/* --out with a multi-page file: one file per page, p1 to p3 (blank pages:
 * no form, so no OCR). */
static void
test_out_dir_pages(void **state)
{
    char dir[512], tif[512], file[600];
    const char *args[] = {"extract", "--out", dir, tif, NULL};

    (void)state;
    s.pixa = pixaCreate(3);
    assert_non_null(s.pixa);
    for (int i = 0; i < 3; i++)
        assert_int_equal(pixaAddPix(s.pixa, pixCreate(2550, 3300, 1), L_INSERT),
                         0);
    (void)ts_path(tif, sizeof(tif), tmpdir, "three.tif");
    assert_int_equal(pixaWriteMultipageTiff(tif, s.pixa), 0);
    (void)ts_path(dir, sizeof(dir), tmpdir, "pages");
    run_expect(&s.r1, args, 0);
    assert_int_equal(count_entries(dir), 3);
    for (int p = 1; p <= 3; p++) {
        json_t *rec;
        (void)snprintf(file, sizeof(file), "%s/three-p%d.json", dir, p);
        assert_true(is_regular_with_mode(file, 0600));
        free(s.text);
        s.text = ts_file_read(file, NULL);
        assert_non_null(s.text);
        rec = parse_record(s.text, strlen(s.text));
        assert_non_null(rec);
        assert_int_equal(json_integer_value(json_object_get(rec, "page")), p);
        assert_true(json_is_true(json_object_get(rec, "review")));
    }
}

/* Two inputs of the same name in different folders do not overwrite each
 * other's record. */
static void
test_out_dir_same_names(void **state)
{
    char a[512], b[512], pa[600], pb[600], dir[512], file[600];
    const char *args[] = {"extract", "--out", dir, pa, pb, NULL};

    (void)state;
    (void)ts_path(a, sizeof(a), tmpdir, "a");
    (void)ts_path(b, sizeof(b), tmpdir, "b");
    assert_int_equal(mkdir(a, 0700), 0);
    assert_int_equal(mkdir(b, 0700), 0);
    (void)ts_path(pa, sizeof(pa), a, "scan.png");
    (void)ts_path(pb, sizeof(pb), b, "scan.png");
    assert_int_equal(write_blank_png(pa), 0);
    assert_int_equal(write_blank_png(pb), 0);
    (void)ts_path(dir, sizeof(dir), tmpdir, "same");
    run_expect(&s.r1, args, 0);
    assert_int_equal(count_entries(dir), 2);
    (void)ts_path(file, sizeof(file), dir, "scan-p1.json");
    assert_true(is_regular_with_mode(file, 0600));
    (void)ts_path(file, sizeof(file), dir, "scan-2-p1.json");
    assert_true(is_regular_with_mode(file, 0600));
}

/* --jobs 2 gives the same bytes as --jobs 1, records in input order. */
static void
test_jobs_same_records(void **state)
{
    static const char *const inputs[] = {BW300, COLOR300, DROPOUT300};
    const char *args1[] = {"extract", "--form", "cms1500",  "--jobs", "1",
                           BW300,     COLOR300, DROPOUT300, NULL};
    const char *args2[] = {"extract", "--form", "cms1500",  "--jobs", "2",
                           BW300,     COLOR300, DROPOUT300, NULL};
    const char *line;

    (void)state;
    run_expect(&s.r1, args1, 0);
    run_expect(&s.r2, args2, 0);
    assert_int_equal(count_lines(s.r1.out), 3);
    if (strcmp(s.r1.out, s.r2.out) != 0)
        print_error("--jobs 2 differs from --jobs 1\n");
    assert_string_equal(s.r1.out, s.r2.out);
    line = s.r2.out;
    for (size_t i = 0; i < TS_COUNT(inputs); i++) {
        json_t *rec = parse_record(line, strcspn(line, "\n"));
        assert_non_null(rec);
        assert_string_equal(json_string_value(json_object_get(rec, "source")),
                            inputs[i]);
        line = strchr(line, '\n') + 1;
    }
    assert_string_equal(s.r2.err, "");
}

/* --overlay DIR: one PNG per page, the page's size, owner only. */
static void
test_overlay(void **state)
{
    char dir[512], file[600];
    const char *args[] = {"extract", "--form",   "cms1500", "--overlay",
                          dir,       DROPOUT300, NULL};

    (void)state;
    (void)ts_path(dir, sizeof(dir), tmpdir, "overlays");
    run_expect(&s.r1, args, 0);
    assert_int_equal(count_lines(s.r1.out), 1); /* records still on stdout */
    (void)ts_path(file, sizeof(file), dir, "claim0001_dropout300-p1.png");
    assert_true(is_regular_with_mode(file, 0600));
    assert_int_equal(count_entries(dir), 1);
    s.pix = pixRead(file);
    assert_non_null(s.pix);
    assert_int_equal(pixGetWidth(s.pix), 2550);
    assert_int_equal(pixGetHeight(s.pix), 3300);
    assert_true(pixGetDepth(s.pix) == 32 || pixGetColormap(s.pix) != NULL);
}

/* --out naming a file, not a folder: the program cannot start (3). */
static void
test_out_dir_is_a_file(void **state)
{
    char file[512], blank[512];
    const char *args[] = {"extract", "--out", file, blank, NULL};

    (void)state;
    (void)ts_path(file, sizeof(file), tmpdir, "not-a-folder");
    (void)ts_path(blank, sizeof(blank), tmpdir, "blank-for-out.png");
    assert_int_equal(ts_file_write(file, "x", 1), 0);
    assert_int_equal(write_blank_png(blank), 0);
    run_expect(&s.r1, args, 3);
    assert_string_equal(s.r1.out, "");
    assert_non_null(strstr(s.r1.err, "cannot create folder"));
}

/* Records that cannot be written are not a success: with stdout on a
 * full device the program must not exit 0 (the records are lost). */
static void
test_stdout_write_error(void **state)
{
    char blank[512];
    const char *args[] = {"extract", blank, NULL};

    (void)state;
    (void)ts_path(blank, sizeof(blank), tmpdir, "blank-for-full.png");
    assert_int_equal(write_blank_png(blank), 0);
    assert_int_equal(run_claimscan_to(&s.r1, args, "/dev/full"), 0);
    if (s.r1.status == 0)
        print_error("exit 0 although no record could be written\n");
    assert_int_not_equal(s.r1.status, 0);
    assert_true(s.r1.err[0] != '\0');
}

#define N_TESTS (TS_COUNT(usage_cases) + 9)

/* main()'s tests: one per row of a case table, or one by name. */
#define ADD_ROWS(table, func) TS_ADD_ROWS(tests, n, table, func, scratch_free)
#define ADD_TEST(test_name, func)                                              \
    TS_ADD_TEST(tests, n, test_name, func, scratch_free)

int
main(void)
{
    static struct CMUnitTest tests[N_TESTS];
    size_t n = 0;

    ADD_ROWS(usage_cases, test_usage_case);
    ADD_TEST("good_and_bad_inputs", test_good_and_bad_inputs);
    ADD_TEST("only_bad_inputs", test_only_bad_inputs);
    ADD_TEST("out_dir", test_out_dir);
    ADD_TEST("out_dir_pages", test_out_dir_pages);
    ADD_TEST("out_dir_same_names", test_out_dir_same_names);
    ADD_TEST("jobs_same_records", test_jobs_same_records);
    ADD_TEST("overlay", test_overlay);
    ADD_TEST("out_dir_is_a_file", test_out_dir_is_a_file);
    ADD_TEST("stdout_write_error", test_stdout_write_error);
    if (n != N_TESTS)
        return 1; /* the table of tests is out of step with N_TESTS */
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
