/*
 * intake_internal.h: what the intake stage's own files share. Never
 * included from outside intake/.
 */
#ifndef INTAKE_INTERNAL_H
#define INTAKE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "common/cs_error.h"

/* What identifies a file's version: if any of it changes, so did the
 * file. */
typedef struct intake__sig {
    uint64_t dev, ino, size;
    int64_t mtime_ns, ctime_ns;
} intake__sig;

/* 1 when a and b are the same version of the same file. */
int intake__sig_equal(const intake__sig *a, const intake__sig *b);

/*
 * intake_file_read() that also gives the file's signature (taken before
 * reading; CS_EBUSY when it changed while being read) and, on failure,
 * the system's errno (0 when not a system error).
 */
cs_status intake__file_read(uint8_t **data_out, size_t *size_out,
                            intake__sig *sig_out, int *errno_out,
                            const char *path, size_t max, cs_error *err);

/* Signature of the file at path without following a link; -1 and errno
 * on failure; *is_reg tells whether it is a regular file. */
int intake__sig_lstat(intake__sig *out, int *is_reg, const char *path);

#endif
