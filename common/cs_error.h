/*
 * cs_error.h: status codes and the caller-owned error record shared by
 * every stage. Library code returns a cs_status and fills a cs_error; only
 * programs turn them into messages and exit codes.
 */
#ifndef CS_ERROR_H
#define CS_ERROR_H

#include <stddef.h>

typedef enum {
    CS_OK = 0,
    CS_ERROR = -1,   /* generic failure */
    CS_EINVAL = -2,  /* bad argument or bad data file */
    CS_ENOMEM = -3,  /* allocation failed */
    CS_ETOOBIG = -4, /* input exceeds a hard limit */
    CS_EOCR = -5,    /* Tesseract failed */
    CS_EIO = -6,     /* a file could not be read or written */
    CS_EFORMAT = -7, /* the input is not a supported, intact image */
    CS_EBUSY = -8    /* temporary: try again later */
} cs_status;

#define CS_ERROR_MESSAGE_MAX 256

typedef struct cs_error {
    cs_status code;
    char message[CS_ERROR_MESSAGE_MAX];
} cs_error;

#define CS_ERROR_INIT                                                          \
    {                                                                          \
        CS_OK,                                                                 \
        {                                                                      \
            0                                                                  \
        }                                                                      \
    }

/*
 * Records code and a printf-style message in err (which may be NULL) and
 * returns code, so callers can write `return cs_error_set(err, ...)`.
 * Messages must never carry patient data or file names.
 */
cs_status cs_error_set(cs_error *err, cs_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Resets err to CS_OK with an empty message; err may be NULL. */
void cs_error_clear(cs_error *err);

/* A short constant name for a status ("out of memory", ...). */
const char *cs_status_str(cs_status code);

#endif
