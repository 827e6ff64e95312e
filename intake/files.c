/*
 * files.c: reading, writing and moving the files of the watched folder
 * safely: no symbolic link followed, nothing overwritten, every step made
 * durable with fsync before the next one relies on it.
 */
#define _GNU_SOURCE
#include "intake/intake.h"
#include "intake/intake_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define PATH_CAP 4096
#define COPY_CHUNK 65536

int
intake_name_is_temporary(const char *name)
{
    static const char *const endings[] = {
        ".part", ".partial",    ".filepart", ".tmp",
        ".temp", ".crdownload", ".download",
    };
    size_t len;

    if (name == NULL || name[0] == '\0' || name[0] == '.')
        return 1;
    if (name[0] == '~' && name[1] == '$')
        return 1;
    len = strlen(name);
    for (size_t i = 0; i < sizeof(endings) / sizeof(endings[0]); i++) {
        size_t elen = strlen(endings[i]);
        if (len > elen && strcasecmp(name + len - elen, endings[i]) == 0)
            return 1;
    }
    return 0;
}

static void
sig_from_stat(intake__sig *s, const struct stat *st)
{
    s->dev = (uint64_t)st->st_dev;
    s->ino = (uint64_t)st->st_ino;
    s->size = (uint64_t)st->st_size;
    s->mtime_ns =
        (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
    s->ctime_ns =
        (int64_t)st->st_ctim.tv_sec * 1000000000 + st->st_ctim.tv_nsec;
}

int
intake__sig_equal(const intake__sig *a, const intake__sig *b)
{
    return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
           a->mtime_ns == b->mtime_ns && a->ctime_ns == b->ctime_ns;
}

int
intake__sig_lstat(intake__sig *out, int *is_reg, const char *path)
{
    struct stat st;

    if (lstat(path, &st) != 0)
        return -1;
    sig_from_stat(out, &st);
    *is_reg = S_ISREG(st.st_mode) ? 1 : 0;
    return 0;
}

cs_status
intake__file_read(uint8_t **data_out, size_t *size_out, intake__sig *sig_out,
                  int *errno_out, const char *path, size_t max, cs_error *err)
{
    struct stat st;
    intake__sig before, after;
    uint8_t *data = NULL;
    size_t done = 0, want;
    cs_status rc = CS_OK;
    int fd, e;

    if (errno_out != NULL)
        *errno_out = 0;
    if (data_out == NULL || size_out == NULL || path == NULL)
        return cs_error_set(err, CS_EINVAL, "file read: bad arguments");
    *data_out = NULL;
    *size_out = 0;
    fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        e = errno;
        if (errno_out != NULL)
            *errno_out = e;
        if (e == ELOOP)
            return cs_error_set(err, CS_EFORMAT, "is a symbolic link");
        return cs_error_set(err, CS_EIO, "cannot open: %s", strerror(e));
    }
    if (fstat(fd, &st) != 0) {
        e = errno;
        if (errno_out != NULL)
            *errno_out = e;
        rc = cs_error_set(err, CS_EIO, "cannot stat: %s", strerror(e));
        goto cleanup;
    }
    if (!S_ISREG(st.st_mode)) {
        rc = cs_error_set(err, CS_EFORMAT, "not a regular file");
        goto cleanup;
    }
    sig_from_stat(&before, &st);
    if ((uint64_t)st.st_size > max) {
        rc = cs_error_set(err, CS_ETOOBIG,
                          "file is %lld bytes, more than the limit of %zu",
                          (long long)st.st_size, max);
        goto cleanup;
    }
    want = (size_t)st.st_size;
    data = malloc(want > 0 ? want : 1);
    if (data == NULL) {
        rc = cs_error_set(err, CS_ENOMEM, "out of memory reading a file");
        goto cleanup;
    }
    while (done < want) {
        ssize_t n = read(fd, data + done, want - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            e = errno;
            if (errno_out != NULL)
                *errno_out = e;
            rc = cs_error_set(err, CS_EIO, "read failed: %s", strerror(e));
            goto cleanup;
        }
        if (n == 0)
            break;
        done += (size_t)n;
    }
    if (fstat(fd, &st) != 0) {
        e = errno;
        if (errno_out != NULL)
            *errno_out = e;
        rc = cs_error_set(err, CS_EIO, "cannot stat: %s", strerror(e));
        goto cleanup;
    }
    sig_from_stat(&after, &st);
    if (done != want || !intake__sig_equal(&before, &after)) {
        rc = cs_error_set(err, CS_EBUSY, "file changed while being read");
        goto cleanup;
    }
    if (sig_out != NULL)
        *sig_out = before;
    *data_out = data;
    *size_out = done;
    data = NULL;
cleanup:
    free(data);
    (void)close(fd);
    return rc;
}

cs_status
intake_file_read(uint8_t **data_out, size_t *size_out, const char *path,
                 size_t max, cs_error *err)
{
    return intake__file_read(data_out, size_out, NULL, NULL, path, max, err);
}

/* Splits path into its folder (dir_out; "." when none) and returns the
 * last component, or NULL when path does not fit. */
static const char *
split_path(char *dir_out, size_t size, const char *path)
{
    const char *slash = strrchr(path, '/');

    if (slash == NULL) {
        (void)snprintf(dir_out, size, ".");
        return path;
    }
    if (slash == path) {
        (void)snprintf(dir_out, size, "/");
        return slash + 1;
    }
    if ((size_t)(slash - path) >= size)
        return NULL;
    memcpy(dir_out, path, (size_t)(slash - path));
    dir_out[slash - path] = '\0';
    return slash + 1;
}

/* fsync of a folder, so that a rename or unlink in it is durable. */
static int
sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int rc;

    if (fd < 0)
        return -1;
    rc = fsync(fd);
    if (rc != 0 && (errno == EINVAL || errno == EROFS))
        rc = 0; /* the file system cannot sync folders */
    (void)close(fd);
    return rc;
}

static int
sync_dir_of(const char *path)
{
    char dir[PATH_CAP];

    if (split_path(dir, sizeof(dir), path) == NULL)
        return -1;
    return sync_dir(dir);
}

static int
write_all(int fd, const uint8_t *data, size_t size)
{
    size_t done = 0;

    while (done < size) {
        ssize_t n = write(fd, data + done, size - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        done += (size_t)n;
    }
    return 0;
}

/* Creates a temporary file "<folder of path>/.<name>.XXXXXX" (mode 0600)
 * and returns its descriptor, its name in tmp_out. */
static int
make_temp_beside(char *tmp_out, size_t size, const char *path)
{
    char dir[PATH_CAP];
    const char *base = split_path(dir, sizeof(dir), path);

    if (base == NULL ||
        snprintf(tmp_out, size, "%s/.%s.XXXXXX", dir, base) >= (int)size) {
        errno = ENAMETOOLONG;
        return -1;
    }
    return mkostemp(tmp_out, O_CLOEXEC);
}

cs_status
intake_file_write_atomic(const char *path, const void *data, size_t size,
                         cs_error *err)
{
    char tmp[PATH_CAP];
    int fd, ok;

    if (path == NULL || (data == NULL && size > 0))
        return cs_error_set(err, CS_EINVAL, "atomic write: bad arguments");
    fd = make_temp_beside(tmp, sizeof(tmp), path);
    if (fd < 0)
        return cs_error_set(err, CS_EIO, "cannot create a temporary file: %s",
                            strerror(errno));
    ok = write_all(fd, data, size) == 0 && fsync(fd) == 0;
    ok = close(fd) == 0 && ok;
    if (ok && rename(tmp, path) == 0) {
        if (sync_dir_of(path) != 0)
            return cs_error_set(err, CS_EIO, "cannot sync a folder: %s",
                                strerror(errno));
        return CS_OK;
    }
    {
        int e = errno;
        (void)unlink(tmp);
        return cs_error_set(err, CS_EIO, "cannot write a file: %s",
                            strerror(e));
    }
}

int
intake_file_exists(const char *path)
{
    struct stat st;

    if (lstat(path, &st) == 0)
        return 1;
    /* When in doubt, it exists: nothing gets overwritten. */
    return errno == ENOENT || errno == ENOTDIR ? 0 : 1;
}

/* Gives the regular file at path mode 0600 when it is ours; a link is
 * left alone. Best effort: the folders are private anyway. */
static void
make_private(const char *path)
{
    int fd =
        open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    struct stat st;

    if (fd < 0)
        return;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid() &&
        (st.st_mode & 077) != 0)
        (void)fchmod(fd, st.st_mode & 0700);
    (void)close(fd);
}

/* Moves from to to by copying: the way across file systems. */
static cs_status
copy_move(const char *from, const char *to, cs_error *err)
{
    char tmp[PATH_CAP];
    struct stat st;
    intake__sig before, after, now;
    uint8_t *buf = NULL;
    int in = -1, out = -1, have_tmp = 0, is_reg = 0;
    cs_status rc = CS_OK;

    in = open(from, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (in < 0)
        return cs_error_set(err, errno == ELOOP ? CS_EFORMAT : CS_EIO,
                            "cannot open the source: %s", strerror(errno));
    if (fstat(in, &st) != 0 || !S_ISREG(st.st_mode)) {
        rc = cs_error_set(err, CS_EFORMAT, "source is not a regular file");
        goto cleanup;
    }
    sig_from_stat(&before, &st);
    buf = malloc(COPY_CHUNK);
    if (buf == NULL) {
        rc = cs_error_set(err, CS_ENOMEM, "out of memory copying a file");
        goto cleanup;
    }
    out = make_temp_beside(tmp, sizeof(tmp), to);
    if (out < 0) {
        rc = cs_error_set(err, CS_EIO, "cannot create a temporary file: %s",
                          strerror(errno));
        goto cleanup;
    }
    have_tmp = 1;
    for (;;) {
        ssize_t n = read(in, buf, COPY_CHUNK);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = cs_error_set(err, CS_EIO, "read failed: %s", strerror(errno));
            goto cleanup;
        }
        if (n == 0)
            break;
        if (write_all(out, buf, (size_t)n) != 0) {
            rc = cs_error_set(err, CS_EIO, "write failed: %s", strerror(errno));
            goto cleanup;
        }
    }
    if (fsync(out) != 0 || close(out) != 0) {
        out = -1;
        rc = cs_error_set(err, CS_EIO, "cannot sync a copy: %s",
                          strerror(errno));
        goto cleanup;
    }
    out = -1;
    if (fstat(in, &st) != 0) {
        rc = cs_error_set(err, CS_EIO, "cannot stat the source: %s",
                          strerror(errno));
        goto cleanup;
    }
    sig_from_stat(&after, &st);
    if (!intake__sig_equal(&before, &after)) {
        rc = cs_error_set(err, CS_EBUSY, "file changed while being copied");
        goto cleanup;
    }
    /* link() never replaces; file systems without links get a checked
     * rename (only this program writes in the state folder). */
    if (link(tmp, to) == 0) {
        (void)unlink(tmp);
    } else if (errno == EEXIST) {
        rc = cs_error_set(err, CS_EINVAL, "destination exists");
        goto cleanup;
    } else if (intake_file_exists(to)) {
        rc = cs_error_set(err, CS_EINVAL, "destination exists");
        goto cleanup;
    } else if (rename(tmp, to) != 0) {
        rc = cs_error_set(err, CS_EIO, "cannot rename a copy: %s",
                          strerror(errno));
        goto cleanup;
    }
    have_tmp = 0;
    if (sync_dir_of(to) != 0) {
        rc = cs_error_set(err, CS_EIO, "cannot sync a folder: %s",
                          strerror(errno));
        goto cleanup;
    }
    /* Unlink the source only if it is still the file that was copied. */
    if (intake__sig_lstat(&now, &is_reg, from) == 0 && now.dev == before.dev &&
        now.ino == before.ino) {
        if (unlink(from) != 0 || sync_dir_of(from) != 0)
            rc = cs_error_set(err, CS_EIO,
                              "copied, but cannot remove the source: %s",
                              strerror(errno));
    }
cleanup:
    if (out >= 0)
        (void)close(out);
    if (have_tmp)
        (void)unlink(tmp);
    free(buf);
    (void)close(in);
    return rc;
}

cs_status
intake_file_move(const char *from, const char *to, cs_error *err)
{
    struct stat st;
    int e;

    if (from == NULL || to == NULL)
        return cs_error_set(err, CS_EINVAL, "move: bad arguments");
    if (lstat(from, &st) != 0)
        return cs_error_set(err, CS_EIO, "cannot find the source: %s",
                            strerror(errno));
    if (!S_ISREG(st.st_mode))
        return cs_error_set(err, CS_EFORMAT, "source is not a regular file");
    if (intake_file_exists(to))
        return cs_error_set(err, CS_EINVAL, "destination exists");
    if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) != 0) {
        e = errno;
        if (e == EEXIST)
            return cs_error_set(err, CS_EINVAL, "destination exists");
        if (e == EXDEV)
            return copy_move(from, to, err);
        /* A file system without RENAME_NOREPLACE: the check above has to
         * do (only this program writes in the state folder). */
        if ((e != EINVAL && e != ENOSYS && e != EOPNOTSUPP) ||
            rename(from, to) != 0)
            return cs_error_set(err, CS_EIO, "cannot move: %s",
                                strerror(errno == 0 ? e : errno));
    }
    make_private(to);
    if (sync_dir_of(to) != 0 || sync_dir_of(from) != 0)
        return cs_error_set(err, CS_EIO, "cannot sync a folder: %s",
                            strerror(errno));
    return CS_OK;
}

/* 1 when name looks like ".NAME.XXXXXX", a temporary file of ours. */
static int
temp_name(const char *name)
{
    const char *dot = strrchr(name, '.');

    return name[0] == '.' && dot != NULL && dot > name + 1 &&
           strlen(dot + 1) == 6;
}

cs_status
intake_dir_sweep_temp(size_t *count_out, const char *dir, cs_error *err)
{
    DIR *d;
    struct dirent *de;
    size_t count = 0;

    if (count_out != NULL)
        *count_out = 0;
    if (dir == NULL)
        return cs_error_set(err, CS_EINVAL, "sweep: bad arguments");
    d = opendir(dir);
    if (d == NULL)
        return cs_error_set(err, CS_EIO, "cannot list a folder: %s",
                            strerror(errno));
    while ((de = readdir(d)) != NULL) {
        char path[PATH_CAP];
        struct stat st;
        if (!temp_name(de->d_name) ||
            snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >=
                (int)sizeof(path) ||
            lstat(path, &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        if (unlink(path) == 0)
            count++;
    }
    (void)closedir(d);
    if (count > 0)
        (void)sync_dir(dir);
    if (count_out != NULL)
        *count_out = count;
    return CS_OK;
}

cs_status
intake_dir_make_private(const char *path, cs_error *err)
{
    char buf[PATH_CAP];
    struct stat st;
    size_t len;

    if (path == NULL || path[0] == '\0')
        return cs_error_set(err, CS_EINVAL, "folder: bad arguments");
    len = strlen(path);
    if (len >= sizeof(buf))
        return cs_error_set(err, CS_EINVAL, "folder name is too long");
    memcpy(buf, path, len + 1);
    for (size_t i = 1; i < len; i++) {
        if (buf[i] != '/')
            continue;
        buf[i] = '\0';
        (void)mkdir(buf, 0700); /* an existing parent is fine */
        buf[i] = '/';
    }
    if (mkdir(path, 0700) != 0 && errno != EEXIST)
        return cs_error_set(err, CS_EIO, "cannot create folder: %s",
                            strerror(errno));
    if (stat(path, &st) != 0)
        return cs_error_set(err, CS_EIO, "cannot stat folder: %s",
                            strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return cs_error_set(err, CS_EINVAL, "not a folder");
    if (st.st_uid != geteuid())
        return cs_error_set(err, CS_EINVAL,
                            "folder belongs to another user (uid %lu)",
                            (unsigned long)st.st_uid);
    if ((st.st_mode & 022) != 0)
        return cs_error_set(err, CS_EINVAL,
                            "folder is writable by group or others (mode "
                            "%03o); use chmod 700",
                            (unsigned)(st.st_mode & 0777));
    return CS_OK;
}

/* 1 when path a is b or lies inside it (both canonical). */
static int
path_inside(const char *a, const char *b)
{
    size_t lb = strlen(b);

    if (lb == 1 && b[0] == '/')
        return 1;
    return strncmp(a, b, lb) == 0 && (a[lb] == '\0' || a[lb] == '/');
}

cs_status
intake_state_check(const char *state, const char *inbox, cs_error *err)
{
    char *rs = NULL, *ri = NULL;
    cs_status rc = CS_OK;

    if (state == NULL || inbox == NULL)
        return cs_error_set(err, CS_EINVAL, "state check: bad arguments");
    rs = realpath(state, NULL);
    if (rs == NULL) {
        rc = cs_error_set(err, CS_EIO, "cannot resolve the state folder: %s",
                          strerror(errno));
        goto cleanup;
    }
    ri = realpath(inbox, NULL);
    if (ri == NULL) {
        rc = cs_error_set(err, CS_EIO, "cannot resolve the inbox: %s",
                          strerror(errno));
        goto cleanup;
    }
    if (path_inside(rs, ri))
        rc = cs_error_set(err, CS_EINVAL,
                          "the state folder is the inbox or inside it");
    else if (path_inside(ri, rs))
        rc = cs_error_set(err, CS_EINVAL,
                          "the inbox is inside the state "
                          "folder");
cleanup:
    free(rs);
    free(ri);
    return rc;
}
