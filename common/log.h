/*
 * log.h: program logging. Only programs (apps/) log; library stages return
 * errors instead. Messages are escaped so input cannot forge log lines.
 * Never log field values, OCR text or image bytes; services must not log
 * file names either (scans are often named after the patient).
 */
#ifndef CS_LOG_H
#define CS_LOG_H

#include <stdio.h>

typedef enum {
    CS_LOG_ERROR = 0,
    CS_LOG_WARN = 1,
    CS_LOG_INFO = 2,
    CS_LOG_DEBUG = 3
} cs_log_level;

/* Sets the threshold (default CS_LOG_WARN) and the stream (default stderr). */
void cs_log_open(cs_log_level level, FILE *stream);

/* Logs one line at level, prefixed with a timestamp and the level name. */
void cs_log(cs_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Routes Leptonica's and Tesseract's own diagnostics away from the
 * terminal: they print file paths and recognized text. Call once, before
 * any worker starts. */
void cs_log_silence_libraries(void);

#endif
