/*
 * support.c: the helpers of support.h, shared by the tests.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "support.h"

extern char **environ;

/* ---- Paths and temporary folders ------------------------------------ */

const char *
ts_path(char *out, size_t size, const char *dir, const char *name)
{
    int n = snprintf(out, size, "%s/%s", dir, name);

    return n >= 0 && (size_t)n < size ? out : NULL;
}

int
ts_tmpdir_make(char *out, size_t size, const char *prefix)
{
    const char *base = getenv("TMPDIR");
    int n;

    if (base == NULL || base[0] == '\0')
        base = "/tmp";
    n = snprintf(out, size, "%s/%sXXXXXX", base, prefix);
    if (n < 0 || (size_t)n >= size) {
        print_error("temporary folder name too long: %s/%s\n", base, prefix);
        return -1;
    }
    if (mkdtemp(out) == NULL) {
        print_error("mkdtemp %s: %s\n", out, strerror(errno));
        return -1;
    }
    return 0;
}

int
ts_tree_remove(const char *path)
{
    struct stat st;
    struct dirent *e;
    DIR *d;
    int rc = 0;

    if (lstat(path, &st) != 0)
        return errno == ENOENT ? 0 : -1;
    if (!S_ISDIR(st.st_mode))
        return unlink(path) == 0 ? 0 : -1;
    if ((st.st_mode & S_IRWXU) != S_IRWXU)
        (void)chmod(path, (st.st_mode & 07777) | S_IRWXU);
    d = opendir(path);
    if (d == NULL)
        rc = -1;
    while (d != NULL && (e = readdir(d)) != NULL) {
        char child[1024];
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (ts_path(child, sizeof(child), path, e->d_name) == NULL ||
            ts_tree_remove(child) != 0)
            rc = -1;
    }
    if (d != NULL)
        (void)closedir(d);
    if (rmdir(path) != 0)
        rc = -1;
    return rc;
}

/* ---- Whole files ---------------------------------------------------- */

static int
write_with_mode(const char *path, const void *data, size_t size,
                const char *mode)
{
    FILE *fp = fopen(path, mode);
    int ok;

    if (fp == NULL)
        return -1;
    ok = size == 0 || fwrite(data, 1, size, fp) == size;
    ok = fclose(fp) == 0 && ok;
    return ok ? 0 : -1;
}

int
ts_file_write(const char *path, const void *data, size_t size)
{
    return write_with_mode(path, data, size, "wb");
}

int
ts_file_append(const char *path, const void *data, size_t size)
{
    return write_with_mode(path, data, size, "ab");
}

int
ts_file_write_text(const char *path, const char *text)
{
    return ts_file_write(path, text, strlen(text));
}

/* The rest of fp, malloc'ed and NUL-terminated; NULL on a read error. */
static char *
read_stream(FILE *fp, size_t *size)
{
    size_t len = 0, cap = 4096;
    char *buf = malloc(cap);

    while (buf != NULL) {
        size_t got = fread(buf + len, 1, cap - len - 1, fp);
        char *bigger;
        len += got;
        if (len < cap - 1) {
            if (ferror(fp))
                break;
            buf[len] = '\0';
            if (size != NULL)
                *size = len;
            return buf;
        }
        bigger = realloc(buf, cap * 2);
        if (bigger == NULL)
            break;
        buf = bigger;
        cap *= 2;
    }
    free(buf);
    return NULL;
}

char *
ts_file_read(const char *path, size_t *size)
{
    FILE *fp = fopen(path, "rb");
    char *buf;

    if (fp == NULL)
        return NULL;
    buf = read_stream(fp, size);
    (void)fclose(fp);
    return buf;
}

/* ---- Time ----------------------------------------------------------- */

double
ts_now_seconds(void)
{
    struct timespec ts;

    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
ts_sleep_seconds(double s)
{
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};

    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* ---- Programs ------------------------------------------------------- */

int
ts_wait(pid_t pid, double seconds, int *wstatus)
{
    double end = ts_now_seconds() + seconds;
    int st = 0;

    for (;;) {
        pid_t r = waitpid(pid, &st, seconds > 0 ? WNOHANG : 0);
        if (r == pid) {
            *wstatus = st;
            return 0;
        }
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0 && errno == ECHILD)
            return -1; /* not ours to kill */
        if (r < 0 || ts_now_seconds() > end) {
            int e = r < 0 ? errno : ETIMEDOUT;
            (void)kill(pid, SIGKILL);
            (void)waitpid(pid, NULL, 0);
            errno = e;
            return -1;
        }
        ts_sleep_seconds(0.02);
    }
}

void
ts_run_clear(ts_run *r)
{
    free(r->out);
    free(r->err);
    memset(r, 0, sizeof(*r));
}

/* Starts argv with stdin from /dev/null, stdout into out (or the file
 * stdout_to when out is NULL), stderr into err. */
static int
spawn_captured(pid_t *pid, const char *const *argv, FILE *out,
               const char *stdout_to, FILE *err)
{
    posix_spawn_file_actions_t fa;
    int rc;

    if (posix_spawn_file_actions_init(&fa) != 0)
        return -1;
    rc = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    if (rc == 0)
        rc = out != NULL
                 ? posix_spawn_file_actions_adddup2(&fa, fileno(out), 1)
                 : posix_spawn_file_actions_addopen(
                       &fa, 1, stdout_to, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (rc == 0)
        rc = posix_spawn_file_actions_adddup2(&fa, fileno(err), 2);
    if (rc == 0 && out != NULL)
        rc = posix_spawn_file_actions_addclose(&fa, fileno(out));
    if (rc == 0)
        rc = posix_spawn_file_actions_addclose(&fa, fileno(err));
    if (rc == 0)
        rc = posix_spawn(pid, argv[0], &fa, NULL, (char *const *)argv, environ);
    (void)posix_spawn_file_actions_destroy(&fa);
    if (rc != 0)
        print_error("cannot start %s: %s\n", argv[0], strerror(rc));
    return rc == 0 ? 0 : -1;
}

int
ts_run_program(ts_run *r, const char *const *argv, const ts_run_options *opts)
{
    const char *stdout_to = opts != NULL ? opts->stdout_to : NULL;
    double timeout = opts != NULL ? opts->timeout : 0;
    FILE *out = stdout_to == NULL ? tmpfile() : NULL;
    FILE *err = tmpfile();
    pid_t pid;
    int rc = -1, st;

    memset(r, 0, sizeof(*r));
    r->status = -1;
    if ((stdout_to == NULL && out == NULL) || err == NULL ||
        spawn_captured(&pid, argv, out, stdout_to, err) != 0)
        goto cleanup;
    if (ts_wait(pid, timeout, &st) != 0) {
        if (errno != ETIMEDOUT)
            goto cleanup;
        r->timed_out = 1;
        print_error("%s: no end within %.0f s, killed\n", argv[0], timeout);
    } else if (WIFEXITED(st)) {
        r->status = WEXITSTATUS(st);
    }
    if (out != NULL)
        rewind(out);
    rewind(err);
    r->out = out != NULL ? read_stream(out, NULL) : strdup("");
    r->err = read_stream(err, NULL);
    rc = r->out != NULL && r->err != NULL ? 0 : -1;
cleanup:
    if (out != NULL)
        (void)fclose(out);
    if (err != NULL)
        (void)fclose(err);
    return rc;
}

/* ---- Samples -------------------------------------------------------- */

json_t *
ts_truth_load(const char *scan)
{
    char path[1024];
    const char *base = strrchr(scan, '/');
    const char *dot = strrchr(base != NULL ? base : scan, '.');
    int stem = (int)(dot != NULL ? dot - scan : (ptrdiff_t)strlen(scan));
    json_error_t jerr;
    json_t *root;
    int n = snprintf(path, sizeof(path), "%.*s.truth.json", stem, scan);

    if (n < 0 || (size_t)n >= sizeof(path)) {
        print_error("truth path too long for %s\n", scan);
        return NULL;
    }
    root = json_load_file(path, 0, &jerr);
    if (root == NULL)
        print_error("%s: %s\n", path, jerr.text);
    return root;
}

int
ts_scan_page1(intake_page *page, const char *path)
{
    intake_doc *doc = NULL;
    cs_error err = CS_ERROR_INIT;

    if (intake_doc_open(&doc, path, NULL, &err) != CS_OK ||
        intake_doc_page_load(page, doc, 0, &err) != CS_OK) {
        print_error("%s: %s\n", path, err.message);
        intake_doc_free(doc);
        return -1;
    }
    intake_doc_free(doc);
    return 0;
}

int
ts_has_reason(const extract_field *f, const char *reason)
{
    for (size_t i = 0; i < f->nreasons; i++)
        if (strcmp(f->reasons[i], reason) == 0)
            return 1;
    return 0;
}
