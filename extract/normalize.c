/*
 * normalize.c: puts the raw OCR text of one field into the form its kind
 * prescribes (spec "Values"): text upper-cased and blank-folded, dates
 * YYYY-MM-DD, money 1234.56, phone 10 digits, ICD-10 with its dot.
 *
 * Look-alike characters are repaired only where the kind leaves no doubt:
 * a letter such as O or l inside a run of digits of a numeric field, or a
 * digit where an ICD code needs a letter (and the reverse). A form divider
 * ('|') is always a separator, never a 1.
 */
#include <string.h>

#include "extract/extract_internal.h"

/* Digits a numeric field may hold, leading zeros included. */
#define NORM_MAX_DIGITS 32
/* Longest ICD-10-CM code without its dot. */
#define NORM_ICD_MAX 7
/* Dollar digits a money value may have (extract__money_cents agrees). */
#define NORM_MONEY_MAX_DOLLARS 12

/* An output buffer that drops whatever no longer fits, never splitting a
 * character: once one character is dropped, all later ones are too. */
typedef struct {
    char *buf;
    size_t size;
    size_t len;
    int full;
} norm_sink;

/*
 * Characters that form rules, box edges and specks leave around the text
 * of a field. lead_only marks those that are junk only before the text
 * ('.' ends "JR." and "INC.").
 */
static const struct {
    const char *s;
    int lead_only;
} norm_junk[] = {
    {"|", 0},
    {"_", 0},
    {"~", 0},
    {"-", 0},
    {",", 0},
    {"'", 0},
    {"\"", 0},
    {"`", 0},
    {".", 1},
    {"\xe2\x80\x94", 0}, /* em dash */
    {"\xe2\x80\x93", 0}, /* en dash */
    {"\xe2\x80\x98", 0}, /* left single quote */
    {"\xe2\x80\x99", 0}, /* right single quote */
    {"\xe2\x80\x9c", 0}, /* left double quote */
    {"\xe2\x80\x9d", 0}, /* right double quote */
    {"\xc2\xa6", 0},     /* broken bar */
};

#define NORM_N_JUNK (sizeof(norm_junk) / sizeof(norm_junk[0]))

/* Separators between digit groups besides blanks and junk. */
static const char norm_num_seps[] = "/()$:;[]";

static void
sink_init(norm_sink *s, char *buf, size_t size)
{
    s->buf = buf;
    s->size = buf == NULL ? 0 : size;
    s->len = 0;
    s->full = 0;
    if (s->size > 0)
        buf[0] = '\0';
}

/* Appends the n bytes of one character, or drops it and all that follow. */
static void
sink_put(norm_sink *s, const char *p, size_t n)
{
    if (s->full || s->size == 0 || n >= s->size - s->len) {
        s->full = 1;
        return;
    }
    memcpy(s->buf + s->len, p, n);
    s->len += n;
    s->buf[s->len] = '\0';
}

/* Appends an ASCII string, as much of it as fits. */
static void
sink_ascii(norm_sink *s, const char *str)
{
    for (; *str != '\0'; str++)
        sink_put(s, str, 1);
}

static char
ascii_upper(char c)
{
    if (c >= 'a' && c <= 'z')
        c = (char)(c - 'a' + 'A');
    return c;
}

static int
is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int
is_upper(char c)
{
    return c >= 'A' && c <= 'Z';
}

/* Bytes in the UTF-8 character whose first byte is c (1 if malformed). */
static size_t
utf8_len(unsigned char c)
{
    if ((c & 0xe0) == 0xc0)
        return 2;
    if ((c & 0xf0) == 0xe0)
        return 3;
    if ((c & 0xf8) == 0xf0)
        return 4;
    return 1;
}

/* Length of the blank (space, control character, no-break space) at p. */
static size_t
blank_at(const char *p, const char *end)
{
    unsigned char c = (unsigned char)*p;

    if (c <= 0x20 || c == 0x7f)
        return 1;
    if (end - p >= 2 && c == 0xc2 && (unsigned char)p[1] == 0xa0)
        return 2;
    return 0;
}

/* Length of the blank that ends just before end. */
static size_t
blank_before(const char *start, const char *end)
{
    unsigned char c = (unsigned char)end[-1];

    if (c <= 0x20 || c == 0x7f)
        return 1;
    if (end - start >= 2 && (unsigned char)end[-2] == 0xc2 && c == 0xa0)
        return 2;
    return 0;
}

/* Length of the junk character at p; lead: the text has not started. */
static size_t
junk_at(const char *p, const char *end, int lead)
{
    for (size_t i = 0; i < NORM_N_JUNK; i++) {
        size_t n = strlen(norm_junk[i].s);

        if (norm_junk[i].lead_only && !lead)
            continue;
        if ((size_t)(end - p) >= n && memcmp(p, norm_junk[i].s, n) == 0)
            return n;
    }
    return 0;
}

/* Length of the trailing junk character that ends just before end. */
static size_t
junk_before(const char *start, const char *end)
{
    for (size_t i = 0; i < NORM_N_JUNK; i++) {
        size_t n = strlen(norm_junk[i].s);

        if (norm_junk[i].lead_only)
            continue;
        if ((size_t)(end - start) >= n &&
            memcmp(end - n, norm_junk[i].s, n) == 0)
            return n;
    }
    return 0;
}

/* Length of the separator at p in a numeric or code field: a blank, a
 * junk character (the '.' included) or one of norm_num_seps. */
static size_t
sep_at(const char *p, const char *end)
{
    size_t n = blank_at(p, end);

    if (n == 0)
        n = junk_at(p, end, 1);
    if (n == 0 && strchr(norm_num_seps, *p) != NULL)
        n = 1;
    return n;
}

/*
 * Writes raw upper-cased (ASCII), with runs of blanks folded to one space
 * and blanks trimmed; with strip_junk, junk at either end goes too.
 */
static void
text_fold(norm_sink *s, const char *raw, int strip_junk)
{
    const char *p = raw;
    const char *end = raw + strlen(raw);
    int gap = 0;

    while (p < end) {
        size_t n = blank_at(p, end);

        if (n == 0 && strip_junk)
            n = junk_at(p, end, 1);
        if (n == 0)
            break;
        p += n;
    }
    while (end > p) {
        size_t n = blank_before(p, end);

        if (n == 0 && strip_junk)
            n = junk_before(p, end);
        if (n == 0)
            break;
        end -= n;
    }
    while (p < end) {
        size_t n = blank_at(p, end);

        if (n > 0) {
            gap = 1;
            p += n;
            continue;
        }
        if (gap) {
            sink_put(s, " ", 1);
            gap = 0;
        }
        n = utf8_len((unsigned char)*p);
        if (n > (size_t)(end - p))
            n = (size_t)(end - p);
        if (n == 1) {
            char c = ascii_upper(*p);

            sink_put(s, &c, 1);
        } else {
            sink_put(s, p, n);
        }
        p += n;
    }
}

/* The digit a letter stands for inside a run of digits, or 0. */
static char
lookalike_digit(char c)
{
    switch (c) {
    case 'O':
    case 'o':
    case 'D':
    case 'Q':
        return '0';
    case 'I':
    case 'i':
    case 'l':
        return '1';
    case 'S':
    case 's':
        return '5';
    case 'B':
        return '8';
    case 'Z':
        return '2';
    default:
        return 0;
    }
}

/*
 * Collects the digits of a numeric field into digits (cap bytes, not
 * terminated), repairing look-alike letters in groups that hold a real
 * digit. Returns the number of digits (0: only separators), or -1 when a
 * group holds another character, only look-alikes, or too many digits.
 */
static int
digits_read(char *digits, size_t cap, const char *raw, int *repaired)
{
    const char *p = raw;
    const char *end = raw + strlen(raw);
    size_t n = 0;

    while (p < end) {
        const char *group = p;
        int has_digit = 0;
        size_t sep = sep_at(p, end);

        if (sep > 0) {
            p += sep;
            continue;
        }
        for (; p < end && sep_at(p, end) == 0; p++) {
            if (is_digit(*p))
                has_digit = 1;
            else if (lookalike_digit(*p) == 0)
                return -1;
        }
        if (!has_digit)
            return -1;
        for (; group < p; group++) {
            char d = *group;

            if (!is_digit(d))
                d = lookalike_digit(d);
            if (n == cap)
                return -1;
            if (d != *group)
                *repaired = 1;
            digits[n++] = d;
        }
    }
    return (int)n;
}

/* The reason a numeric field of the given kind could not be read. */
static const char *
number_reason(extract_kind kind)
{
    switch (kind) {
    case EXTRACT_KIND_DATE8:
    case EXTRACT_KIND_DATE6:
        return "date_unreadable";
    case EXTRACT_KIND_MONEY:
        return "money_unreadable";
    default:
        return "phone_unreadable";
    }
}

/*
 * Normalizes a DATE8, DATE6, MONEY or PHONE field into value (at least
 * NORM_MAX_DIGITS + 2 bytes; "" when raw holds only separators). Returns
 * NULL on success, else the reason.
 */
static const char *
number_normalize(char *value, extract_kind kind, const char *raw, int *repaired)
{
    char d[NORM_MAX_DIGITS];
    int got = digits_read(d, sizeof(d), raw, repaired);
    size_t n = got < 0 ? 0 : (size_t)got;
    size_t i = 0;
    size_t len = 0;

    value[0] = '\0';
    if (got == 0)
        return NULL;
    switch (kind) {
    case EXTRACT_KIND_DATE8:
    case EXTRACT_KIND_DATE6:
        if (n != (kind == EXTRACT_KIND_DATE8 ? 8u : 6u))
            break;
        if (n == 6)
            memcpy(value, "20", 2);
        memcpy(value + 8 - n, d + 4, n - 4); /* the year */
        value[4] = '-';
        memcpy(value + 5, d, 2);
        value[7] = '-';
        memcpy(value + 8, d + 2, 2);
        value[10] = '\0';
        return NULL;
    case EXTRACT_KIND_PHONE:
        if (n != 10)
            break;
        memcpy(value, d, n);
        value[n] = '\0';
        return NULL;
    case EXTRACT_KIND_MONEY:
        if (n < 3)
            break;
        while (i < n - 3 && d[i] == '0')
            i++;
        if (n - 2 - i > NORM_MONEY_MAX_DOLLARS)
            break;
        for (; i < n - 2; i++)
            value[len++] = d[i];
        value[len++] = '.';
        value[len++] = d[n - 2];
        value[len++] = d[n - 1];
        value[len] = '\0';
        return NULL;
    default:
        break;
    }
    return number_reason(kind);
}

/* The letter an ICD code's first character stands for, or 0. */
static char
icd_letter(char c)
{
    switch (c) {
    case '0':
        return 'O';
    case '1':
        return 'I';
    case '2':
        return 'Z';
    case '5':
        return 'S';
    case '8':
        return 'B';
    default:
        break;
    }
    if (is_upper(c))
        return c;
    return 0;
}

char
extract__digit_lookalike(char c)
{
    switch (c) {
    case 'O':
    case 'D':
    case 'Q':
        return '0';
    case 'I':
    case 'L':
        return '1';
    case 'Z':
        return '2';
    case 'S':
        return '5';
    case 'G':
        return '6';
    case 'B':
        return '8';
    default:
        return 0;
    }
}

/* The digit an ICD code's second character stands for, or 0. */
static char
icd_digit(char c)
{
    return is_digit(c) ? c : extract__digit_lookalike(c);
}

/*
 * Normalizes an ICD field into value (at least NORM_ICD_MAX + 2 bytes;
 * "" when raw holds only separators): blanks, dots and junk removed, the
 * first character made a letter and the second a digit where a look-alike
 * allows, then the dot put after the third character. Returns NULL on
 * success, else the reason.
 */
static const char *
icd_normalize(char *value, const char *raw, int *repaired)
{
    char code[NORM_ICD_MAX];
    size_t len = 0;
    const char *p = raw;
    const char *end = raw + strlen(raw);
    char first;
    char second;

    value[0] = '\0';
    while (p < end) {
        size_t sep = sep_at(p, end);
        char c = ascii_upper(*p);

        if (sep > 0) {
            p += sep;
            continue;
        }
        if ((!is_digit(c) && !is_upper(c)) || len == NORM_ICD_MAX)
            return "icd_unreadable";
        code[len++] = c;
        p++;
    }
    if (len == 0)
        return NULL;
    if (len < 3)
        return "icd_unreadable";
    first = icd_letter(code[0]);
    second = icd_digit(code[1]);
    if (first == 0 || second == 0)
        return "icd_unreadable";
    if (first != code[0] || second != code[1])
        *repaired = 1;
    value[0] = first;
    value[1] = second;
    value[2] = code[2];
    value[3] = '\0';
    if (len > 3) {
        value[3] = '.';
        memcpy(value + 4, code + 3, len - 3);
        value[len + 1] = '\0';
    }
    return NULL;
}

/* Copies a check value as given; only blanks make it "". */
static void
check_copy(norm_sink *s, const char *raw)
{
    const char *end = raw + strlen(raw);
    const char *p;

    for (p = raw; p < end; p++)
        if (blank_at(p, end) == 0)
            break;
    if (p == end)
        return;
    for (p = raw; p < end; p++)
        sink_put(s, p, 1);
}

extract_norm_status
extract__normalize(char *out, size_t out_size, extract_kind kind,
                   const char *raw, const char **reason_out)
{
    norm_sink s;
    char value[NORM_MAX_DIGITS + 2];
    const char *reason = NULL;
    int repaired = 0;

    sink_init(&s, out, out_size);
    if (raw == NULL)
        raw = "";
    switch (kind) {
    case EXTRACT_KIND_TEXT:
        text_fold(&s, raw, 1);
        break;
    case EXTRACT_KIND_CHECK:
        check_copy(&s, raw);
        break;
    case EXTRACT_KIND_DATE8:
    case EXTRACT_KIND_DATE6:
    case EXTRACT_KIND_MONEY:
    case EXTRACT_KIND_PHONE:
        reason = number_normalize(value, kind, raw, &repaired);
        if (reason == NULL)
            sink_ascii(&s, value);
        break;
    case EXTRACT_KIND_ICD:
        reason = icd_normalize(value, raw, &repaired);
        if (reason == NULL)
            sink_ascii(&s, value);
        break;
    default:
        reason = "kind_unknown";
        break;
    }
    if (reason_out != NULL)
        *reason_out = reason;
    if (reason != NULL) {
        sink_init(&s, out, out_size);
        text_fold(&s, raw, 0);
        return EXTRACT_NORM_FAILED;
    }
    return repaired ? EXTRACT_NORM_REPAIRED : EXTRACT_NORM_OK;
}
