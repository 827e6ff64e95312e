#include "common/log.h"

#include <leptonica/allheaders.h>
#include <pthread.h>
#include <stdarg.h>
#include <time.h>

static cs_log_level log_threshold = CS_LOG_WARN;
static FILE *log_stream;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

static const char *const level_names[] = {"error", "warn", "info", "debug"};

void
cs_log_open(cs_log_level level, FILE *stream)
{
    log_threshold = level;
    log_stream = stream;
}

/* Copies src to dst, replacing control characters by \ooo escapes. */
static void
log_escape(char *dst, size_t size, const char *src)
{
    size_t n = 0;

    for (; *src != '\0' && n + 5 < size; src++) {
        unsigned char c = (unsigned char)*src;
        if (c < 0x20 || c == 0x7f) {
            (void)snprintf(dst + n, size - n, "\\%03o", c);
            n += 4;
        } else {
            dst[n++] = (char)c;
        }
    }
    dst[n] = '\0';
}

void
cs_log(cs_log_level level, const char *fmt, ...)
{
    char raw[1024];
    char safe[4096];
    char stamp[32];
    struct tm tm;
    time_t now;
    va_list ap;
    FILE *out = log_stream != NULL ? log_stream : stderr;

    if (level > log_threshold)
        return;
    va_start(ap, fmt);
    (void)vsnprintf(raw, sizeof(raw), fmt, ap);
    va_end(ap);
    log_escape(safe, sizeof(safe), raw);
    now = time(NULL);
    (void)gmtime_r(&now, &tm);
    (void)strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
    pthread_mutex_lock(&log_lock);
    (void)fprintf(out, "%s %s %s\n", stamp, level_names[level], safe);
    (void)fflush(out);
    pthread_mutex_unlock(&log_lock);
}

/* Leptonica's messages name files: drop them (we report our own errors). */
static void
log_drop_leptonica(const char *msg)
{
    (void)msg;
}

void
cs_log_silence_libraries(void)
{
    leptSetStderrHandler(log_drop_leptonica);
    (void)setMsgSeverity(L_SEVERITY_NONE);
}
