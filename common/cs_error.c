#include "common/cs_error.h"

#include <stdarg.h>
#include <stdio.h>

cs_status
cs_error_set(cs_error *err, cs_status code, const char *fmt, ...)
{
    va_list ap;

    if (err == NULL)
        return code;
    err->code = code;
    va_start(ap, fmt);
    (void)vsnprintf(err->message, sizeof(err->message), fmt, ap);
    va_end(ap);
    return code;
}

void
cs_error_clear(cs_error *err)
{
    if (err == NULL)
        return;
    err->code = CS_OK;
    err->message[0] = '\0';
}

const char *
cs_status_str(cs_status code)
{
    switch (code) {
    case CS_OK:
        return "ok";
    case CS_ERROR:
        return "error";
    case CS_EINVAL:
        return "invalid input";
    case CS_ENOMEM:
        return "out of memory";
    case CS_ETOOBIG:
        return "too large";
    case CS_EOCR:
        return "OCR engine failure";
    case CS_EIO:
        return "I/O error";
    case CS_EFORMAT:
        return "unsupported or damaged image";
    case CS_EBUSY:
        return "busy";
    }
    return "unknown status";
}
