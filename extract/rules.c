/*
 * rules.c: checks of single normalized values against the facts a correct
 * CMS-1500 claim obeys (spec "Rules"), and the plain-words text of every
 * reason id the extract stage produces.
 *
 * A rule is one or more rows of rule_steps sharing a name, tried in order;
 * the first step whose test fails gives the reason. So one table answers
 * extract__rule_check, extract__rule_known and extract__reason_text.
 *
 * | rule                 | passes                                         |
 * |----------------------|------------------------------------------------|
 * | npi                  | 10 digits, Luhn check over 80840 + 9 digits    |
 * | icd10                | A99, A9A, A9B, then optionally . and 1-4 more; |
 * |                      | S and T codes (not T30-T32) of 7, the 7th a    |
 * |                      | letter                                         |
 * | procedure            | 99999, 9999F, 9999T or A9999 (CPT, HCPCS)      |
 * | modifiers            | 1-4 two-character codes, single spaces between |
 * | diagnosis_pointer    | 1-4 different letters A-L                      |
 * | date                 | real YYYY-MM-DD, year 1900-2100                |
 * | not_future           | a date, not after today                        |
 * | recent               | a date, not before RECENT_YEARS ago            |
 * | state                | USPS code: states, DC, territories, military   |
 * | zip                  | 99999, 999999999 or 99999-9999                 |
 * | city_state_zip       | CITY ST ZIP (city in letters, state, zip), the |
 * |                      | ZIP's first three digits one of the state's    |
 * | tax_id               | 9 digits, 99-9999999 (EIN), 999-99-9999 (SSN)  |
 * | icd_indicator        | 0 (9, ICD-9, fails as retired)                 |
 * | resubmission_code    | 1, 7 or 8                                      |
 * | place_of_service     | 2 digits                                       |
 * | units                | 1-4 digits, optional .9, not zero              |
 * | phone                | 10 digits, area code starting 2-9              |
 * | money                | 9.99 with 1-12 dollar digits                   |
 * | date_qualifier       | box 14: 431 (onset) or 484 (last menstrual)    |
 * | provider_qualifier   | box 17: DN, DK or DQ                           |
 * | street               | a word of 2+ letters (a street's name, PO BOX) |
 */
#include <ctype.h>
#include <string.h>

#include "extract/extract_internal.h"

/* Longest dollar part extract__money_cents accepts (fits a long long). */
#define RULES_MONEY_MAX_DOLLARS 12

typedef int (*rule_ok_fn)(const char *value, const struct tm *today);

typedef struct {
    const char *name;   /* the rule, as templates name it */
    rule_ok_fn ok;      /* 1 when value passes this step */
    const char *reason; /* reason id when it does not */
    const char *text;   /* the reason in plain words */
} rule_step;

typedef struct {
    const char *reason;
    const char *text;
} reason_entry;

#define TEXT_DATE_INVALID "not a real calendar date between 1900 and 2100"

static const char *const usps_codes[] = {
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI",
    "ID", "IL", "IN", "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI",
    "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC",
    "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT",
    "VT", "VA", "WA", "WV", "WI", "WY", /* the 50 states */
    "DC", "PR", "VI", "GU", "AS", "MP", /* district and territories */
    "AA", "AE", "AP",                   /* military post offices */
};

/* USPS's three-digit ZIP prefixes (the sectional center facilities) of
 * each state, district, territory and military post office: ZIP codes
 * first..last begin with the prefixes of state. A prefix some places
 * share (967: Hawaii and American Samoa; 969: Guam and the Northern
 * Mariana Islands) has a row for each. */
static const struct {
    int first, last;
    char state[3];
} zip_prefixes[] = {
    {5, 5, "NY"},     {6, 7, "PR"},     {8, 8, "VI"},     {9, 9, "PR"},
    {10, 27, "MA"},   {28, 29, "RI"},   {30, 38, "NH"},   {39, 49, "ME"},
    {50, 54, "VT"},   {55, 55, "MA"},   {56, 59, "VT"},   {60, 69, "CT"},
    {70, 89, "NJ"},   {90, 98, "AE"},   {100, 149, "NY"}, {150, 196, "PA"},
    {197, 199, "DE"}, {200, 200, "DC"}, {201, 201, "VA"}, {202, 205, "DC"},
    {206, 219, "MD"}, {220, 246, "VA"}, {247, 268, "WV"}, {270, 289, "NC"},
    {290, 299, "SC"}, {300, 319, "GA"}, {320, 339, "FL"}, {340, 340, "AA"},
    {341, 349, "FL"}, {350, 369, "AL"}, {370, 385, "TN"}, {386, 397, "MS"},
    {398, 399, "GA"}, {400, 427, "KY"}, {430, 459, "OH"}, {460, 479, "IN"},
    {480, 499, "MI"}, {500, 528, "IA"}, {530, 549, "WI"}, {550, 567, "MN"},
    {569, 569, "DC"}, {570, 577, "SD"}, {580, 588, "ND"}, {590, 599, "MT"},
    {600, 629, "IL"}, {630, 658, "MO"}, {660, 679, "KS"}, {680, 693, "NE"},
    {700, 714, "LA"}, {716, 729, "AR"}, {730, 732, "OK"}, {733, 733, "TX"},
    {734, 749, "OK"}, {750, 799, "TX"}, {800, 816, "CO"}, {820, 831, "WY"},
    {832, 838, "ID"}, {840, 847, "UT"}, {850, 865, "AZ"}, {870, 884, "NM"},
    {885, 885, "TX"}, {889, 898, "NV"}, {900, 961, "CA"}, {962, 966, "AP"},
    {967, 968, "HI"}, {967, 967, "AS"}, {969, 969, "GU"}, {969, 969, "MP"},
    {970, 979, "OR"}, {980, 994, "WA"}, {995, 999, "AK"},
};

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

static int
is_alnum(char c)
{
    return is_digit(c) || is_upper(c);
}

/* 1 when s holds exactly n characters, all digits. */
static int
digits_exactly(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_digit(s[i]))
            return 0;
    return s[n] == '\0';
}

/* 1 when s matches pattern, where '9' stands for any digit and other
 * characters for themselves. */
static int
matches(const char *s, const char *pattern)
{
    for (; *pattern != '\0'; s++, pattern++) {
        if (*pattern == '9' ? !is_digit(*s) : *s != *pattern)
            return 0;
    }
    return *s == '\0';
}

static int
is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Parses a real calendar date "YYYY-MM-DD" with year 1900..2100 into a
 * number that orders like the date. Returns 0, or -1 if it is none. */
static int
date_parse(const char *s, long *out)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y;
    int m;
    int d;
    int last;

    if (s == NULL || !matches(s, "9999-99-99"))
        return -1;
    y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
        (s[3] - '0');
    m = (s[5] - '0') * 10 + (s[6] - '0');
    d = (s[8] - '0') * 10 + (s[9] - '0');
    if (y < 1900 || y > 2100 || m < 1 || m > 12)
        return -1;
    last = days[m - 1] + (m == 2 && is_leap(y));
    if (d < 1 || d > last)
        return -1;
    *out = ((long)y * 100 + m) * 100 + d;
    return 0;
}

static int
ok_npi_format(const char *v, const struct tm *today)
{
    (void)today;
    return digits_exactly(v, 10);
}

static int
ok_npi_check(const char *v, const struct tm *today)
{
    (void)today;
    return extract__npi_valid(v);
}

static int
ok_icd10(const char *v, const struct tm *today)
{
    size_t n;

    (void)today;
    /* The third character is a digit, but for the few categories that end
     * in A or B (C4A, C7A, C7B, D3A, M1A, O9A, Z3A). */
    if (!is_upper(v[0]) || !is_digit(v[1]) ||
        !(is_digit(v[2]) || v[2] == 'A' || v[2] == 'B'))
        return 0;
    if (v[3] == '\0')
        return 1;
    if (v[3] != '.')
        return 0;
    for (n = 0; is_alnum(v[4 + n]); n++)
        ;
    return n >= 1 && n <= 4 && v[4 + n] == '\0';
}

/* Injury and poisoning codes (S00-T88) are billed with a seventh
 * character (the encounter: A initial, D subsequent, S sequela), X
 * holding the places between: S52.501A, T78.40XA. Only the burns by
 * body surface (T30-T32) have none. A J drawn like an S (J18.9 read
 * S18.9) fails here. */
static int
ok_icd10_extension(const char *v, const struct tm *today)
{
    (void)today;
    if (v[0] != 'S' && v[0] != 'T')
        return 1;
    if (v[0] == 'T' && v[1] == '3' && v[2] >= '0' && v[2] <= '2')
        return 1;
    return strlen(v) == 8 && is_upper(v[7]);
}

static int
ok_procedure(const char *v, const struct tm *today)
{
    (void)today;
    if (matches(v, "99999"))
        return 1;
    if (matches(v, "9999F") || matches(v, "9999T"))
        return 1;
    return is_upper(v[0]) && digits_exactly(v + 1, 4);
}

/* A procedure code of five characters that fails only by a letter among
 * the four digits after its first character (HCPCS "GOOO9"): those
 * letters are the digits they look like. The first character is left as
 * read (a letter there is HCPCS, a digit CPT). */
static int
repair_procedure(char *v)
{
    char fixed[6];

    if (strlen(v) != 5 || !is_upper(v[0]) || v[0] == 'O' || v[0] == 'I')
        return 0;
    fixed[0] = v[0];
    for (int i = 1; i < 5; i++) {
        char d =
            v[i] >= '0' && v[i] <= '9' ? v[i] : extract__digit_lookalike(v[i]);
        if (d == 0)
            return 0;
        fixed[i] = d;
    }
    fixed[5] = '\0';
    memcpy(v, fixed, sizeof(fixed));
    return 1;
}

static int
ok_modifiers(const char *v, const struct tm *today)
{
    (void)today;
    for (int groups = 1; groups <= 4; groups++, v += 3) {
        if (!is_alnum(v[0]) || !is_alnum(v[1]))
            return 0;
        if (v[2] == '\0')
            return 1;
        if (v[2] != ' ')
            return 0;
    }
    return 0;
}

static int
ok_pointer(const char *v, const struct tm *today)
{
    size_t n = strlen(v);

    (void)today;
    if (n < 1 || n > 4)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i] < 'A' || v[i] > 'L')
            return 0;
        if (memchr(v, v[i], i) != NULL)
            return 0;
    }
    return 1;
}

static int
ok_date(const char *v, const struct tm *today)
{
    long d;

    (void)today;
    return date_parse(v, &d) == 0;
}

/* today's date, years_back years earlier, as date_parse gives dates
 * (YYYYMMDD). */
static long
date_of_today(const struct tm *today, int years_back)
{
    long year = (long)today->tm_year + 1900 - years_back;

    return (year * 100 + today->tm_mon + 1) * 100 + today->tm_mday;
}

/* Passes when no today is given; the date itself is the step before. */
static int
ok_not_future(const char *v, const struct tm *today)
{
    long d;

    if (today == NULL || date_parse(v, &d) != 0)
        return 1;
    return d <= date_of_today(today, 0);
}

/* A date of service or of a claim's signature lies at most this many
 * years before today: payers take claims within a year of service (two
 * at most with a reason), so an older one on a claim is a misreading
 * (a hand's 23 read 03) or a claim long past filing; either wants a
 * person's eye. Generous for backlogs of paper a few years old. */
#define RECENT_YEARS 10

/* Passes when no today is given; the date itself is the step before. */
static int
ok_recent(const char *v, const struct tm *today)
{
    long d;

    if (today == NULL || date_parse(v, &d) != 0)
        return 1;
    return d >= date_of_today(today, RECENT_YEARS);
}

static int
ok_state(const char *v, const struct tm *today)
{
    (void)today;
    for (size_t i = 0; i < sizeof(usps_codes) / sizeof(usps_codes[0]); i++)
        if (strcmp(v, usps_codes[i]) == 0)
            return 1;
    return 0;
}

static int
ok_zip(const char *v, const struct tm *today)
{
    (void)today;
    return matches(v, "99999") || matches(v, "999999999") ||
           matches(v, "99999-9999");
}

/* The length of the name part at the start of v: capitals, with single
 * blanks, hyphens or apostrophes between them (ST JOHN, SMITH-JONES,
 * O'BRIEN, SMITH JR); 0 when v does not start with one. */
static size_t
name_part(const char *v)
{
    size_t n = 0;

    while (v[n] >= 'A' && v[n] <= 'Z') {
        while (v[n] >= 'A' && v[n] <= 'Z')
            n++;
        if ((v[n] == ' ' || v[n] == '-' || v[n] == '\'') && v[n + 1] >= 'A' &&
            v[n + 1] <= 'Z')
            n++;
    }
    return n;
}

/* A person's name as box 2, 4 and 9 take it: "LAST, FIRST" or "LAST,
 * FIRST, M" (the middle initial one letter), letters only; or SAME (box
 * 4: the insured is the patient). */
static int
ok_person_name(const char *v, const struct tm *today)
{
    size_t n = name_part(v);

    (void)today;
    if (strcmp(v, "SAME") == 0)
        return 1;
    if (n == 0 || strncmp(v + n, ", ", 2) != 0)
        return 0;
    v += n + 2;
    n = name_part(v);
    if (n == 0)
        return 0;
    v += n;
    return *v == '\0' || (v[0] == ',' && v[1] == ' ' && v[2] >= 'A' &&
                          v[2] <= 'Z' && v[3] == '\0');
}

/* A city: words of letters (ST LOUIS, WINSTON-SALEM, COEUR D'ALENE). */
static int
ok_city(const char *v, const struct tm *today)
{
    size_t n = name_part(v);

    (void)today;
    return n > 0 && v[n] == '\0';
}

const char *
extract__csz_zip(const char *v)
{
    const char *zip = strrchr(v, ' ');

    if (zip == NULL || zip - v < 4 || zip[-3] != ' ' || zip[-4] == ' ')
        return NULL;
    return zip + 1;
}

/* "CITY ST ZIP": a USPS state code and a ZIP code (ok_zip) after a city
 * (ok_city), each part one blank apart. */
static int
ok_city_state_zip(const char *v, const struct tm *today)
{
    const char *zip = extract__csz_zip(v);
    char state[3], city[EXTRACT_VALUE_MAX];
    size_t n;

    if (zip == NULL)
        return 0;
    n = (size_t)(zip - v - 4);
    if (n >= sizeof(city))
        return 0;
    memcpy(city, v, n);
    city[n] = '\0';
    if (!ok_city(city, today))
        return 0;
    memcpy(state, zip - 3, 2);
    state[2] = '\0';
    return ok_state(state, today) && ok_zip(zip, today);
}

/* The three-digit prefix zip begins with; -1 when it does not begin
 * with three digits. */
static int
zip_prefix(const char *zip)
{
    if (!is_digit(zip[0]) || !is_digit(zip[1]) || !is_digit(zip[2]))
        return -1;
    return (zip[0] - '0') * 100 + (zip[1] - '0') * 10 + (zip[2] - '0');
}

int
extract__zip_in_state(const char *state, const char *zip)
{
    int prefix = zip_prefix(zip);

    for (size_t i = 0; i < sizeof(zip_prefixes) / sizeof(zip_prefixes[0]); i++)
        if (prefix >= zip_prefixes[i].first && prefix <= zip_prefixes[i].last &&
            strcmp(state, zip_prefixes[i].state) == 0)
            return 1;
    return 0;
}

const char *
extract__zip_state(const char *zip)
{
    int prefix = zip_prefix(zip);
    const char *only = NULL;

    for (size_t i = 0; i < sizeof(zip_prefixes) / sizeof(zip_prefixes[0]); i++)
        if (prefix >= zip_prefixes[i].first && prefix <= zip_prefixes[i].last) {
            if (only != NULL)
                return NULL; /* a prefix places share */
            only = zip_prefixes[i].state;
        }
    return only;
}

/* The ZIP code of "CITY ST ZIP" (ok_city_state_zip) begins with one of
 * the state's prefixes (extract__zip_in_state). */
static int
ok_zip_in_state(const char *v, const struct tm *today)
{
    const char *zip = extract__csz_zip(v);
    char state[3];

    (void)today;
    if (zip == NULL)
        return 0;
    memcpy(state, zip - 3, 2);
    state[2] = '\0';
    return extract__zip_in_state(state, zip);
}

static int
ok_tax_id(const char *v, const struct tm *today)
{
    (void)today;
    return matches(v, "999999999") || matches(v, "99-9999999") ||
           matches(v, "999-99-9999");
}

static int
ok_icd_indicator(const char *v, const struct tm *today)
{
    (void)today;
    return strcmp(v, "0") == 0 || strcmp(v, "9") == 0;
}

static int
ok_not_icd9(const char *v, const struct tm *today)
{
    (void)today;
    return strcmp(v, "9") != 0;
}

static int
ok_resubmission(const char *v, const struct tm *today)
{
    (void)today;
    return strcmp(v, "1") == 0 || strcmp(v, "7") == 0 || strcmp(v, "8") == 0;
}

static int
ok_place_of_service(const char *v, const struct tm *today)
{
    (void)today;
    return matches(v, "99");
}

static int
ok_units(const char *v, const struct tm *today)
{
    size_t n;
    int nonzero = 0;

    (void)today;
    for (n = 0; is_digit(v[n]); n++)
        nonzero |= v[n] != '0';
    if (n < 1 || n > 4)
        return 0;
    if (v[n] == '.') {
        if (!is_digit(v[n + 1]))
            return 0;
        nonzero |= v[n + 1] != '0';
        n += 2;
    }
    return v[n] == '\0' && nonzero;
}

static int
ok_phone(const char *v, const struct tm *today)
{
    (void)today;
    return digits_exactly(v, 10) && v[0] >= '2';
}

static int
ok_money(const char *v, const struct tm *today)
{
    long long cents;

    (void)today;
    return extract__money_cents(v, &cents) == 0;
}

static int
ok_date_qualifier(const char *v, const struct tm *today)
{
    (void)today;
    return strcmp(v, "431") == 0 || strcmp(v, "484") == 0;
}

static int
ok_provider_qualifier(const char *v, const struct tm *today)
{
    (void)today;
    return strcmp(v, "DN") == 0 || strcmp(v, "DK") == 0 || strcmp(v, "DQ") == 0;
}

/* A street address names its street (or a PO box): a word of two
 * letters or more somewhere (a misread that left only digits fails). */
static int
ok_street(const char *v, const struct tm *today)
{
    size_t run = 0;

    (void)today;
    for (; *v != '\0'; v++) {
        run = isalpha((unsigned char)*v) ? run + 1 : 0;
        if (run >= 2)
            return 1;
    }
    return 0;
}

static const rule_step rule_steps[] = {
    {"npi", ok_npi_format, "npi_format", "NPI is not 10 digits"},
    {"npi", ok_npi_check, "npi_check_digit", "NPI check digit does not match"},
    {"icd10", ok_icd10, "icd10_format",
     "not an ICD-10-CM code (letter, digit, letter or digit, then up to "
     "four more after a dot)"},
    {"icd10", ok_icd10_extension, "icd10_extension",
     "an injury or poisoning code (S, T) lacks its seventh character"},
    {"procedure", ok_procedure, "procedure_format",
     "not a procedure code (5 digits, 4 digits and F or T, or a letter and "
     "4 digits)"},
    {"modifiers", ok_modifiers, "modifier_format",
     "modifiers are not one to four 2-character codes separated by spaces"},
    {"diagnosis_pointer", ok_pointer, "diagnosis_pointer_format",
     "the diagnosis pointer is not one to four different letters A to L"},
    {"date", ok_date, "date_invalid", TEXT_DATE_INVALID},
    {"not_future", ok_date, "date_invalid", TEXT_DATE_INVALID},
    {"not_future", ok_not_future, "date_in_future",
     "the date is in the future"},
    {"recent", ok_date, "date_invalid", TEXT_DATE_INVALID},
    {"recent", ok_recent, "date_long_past",
     "the date is more than ten years ago: no payer takes a claim that late"},
    {"state", ok_state, "state_code", "not a USPS two-letter state code"},
    {"zip", ok_zip, "zip_format", "ZIP code is not 5 or 9 digits"},
    {"person_name", ok_person_name, "person_name_format",
     "not LAST, FIRST or LAST, FIRST, M in letters (or SAME)"},
    {"city", ok_city, "city_format", "not a city's name in letters"},
    {"street", ok_street, "street_format",
     "not a street address: no word of two letters or more"},
    {"city_state_zip", ok_city_state_zip, "city_state_zip_format",
     "not a city in letters, a USPS state code and a ZIP code of 5 or 9 "
     "digits"},
    {"city_state_zip", ok_zip_in_state, "zip_not_in_state",
     "the ZIP code does not begin like the state's ZIP codes: the state "
     "or the ZIP code is wrong"},
    {"tax_id", ok_tax_id, "tax_id_format",
     "tax ID is not 9 digits (EIN NN-NNNNNNN or SSN NNN-NN-NNNN)"},
    {"icd_indicator", ok_icd_indicator, "icd_indicator",
     "the ICD indicator is not 0 (ICD-10)"},
    {"icd_indicator", ok_not_icd9, "icd9_retired",
     "the ICD indicator says ICD-9, a retired code set"},
    {"resubmission_code", ok_resubmission, "resubmission_code",
     "resubmission code is not 1, 7 (replacement) or 8 (void)"},
    {"place_of_service", ok_place_of_service, "place_of_service_format",
     "place of service is not 2 digits"},
    {"units", ok_units, "units_format",
     "units are not a non-zero number of up to 4 digits (one decimal "
     "place allowed)"},
    {"phone", ok_phone, "phone_format",
     "phone number is not 10 digits with an area code starting 2 to 9"},
    {"money", ok_money, "money_format",
     "amount is not dollars and cents such as 1234.56"},
    {"date_qualifier", ok_date_qualifier, "date_qualifier",
     "the date qualifier is not 431 (onset) or 484 (last menstrual period)"},
    {"provider_qualifier", ok_provider_qualifier, "provider_qualifier",
     "the provider qualifier is not DN (referring), DK (ordering) or DQ "
     "(supervising)"},
};

/* Reasons that other parts of the extract stage produce. */
static const reason_entry other_reasons[] = {
    {"low_confidence", "OCR was unsure of this reading"},
    {"state_from_zip", "the state code read is none, or one letter from the "
                       "state the ZIP code belongs to; the state is the one "
                       "the ZIP code's first three digits belong to"},
    {"twin_disagrees", "a field that repeats another (the insured's "
                       "address the patient's, a rendering NPI the billing "
                       "provider's) was read a character or two "
                       "differently; the better reading stands in both"},
    {"word_mended", "a letter that looks like another in poor print (I "
                    "and T, E and F) was changed to make an English word: "
                    "check the spelling"},
    {"not_registered", "the page could not be aligned with the form; the "
                       "field was not read"},
    {"sheet_cut", "the photo cut off a side of the sheet; the page was "
                  "straightened by a line of the form instead of the "
                  "sheet's edge, and the field may have been read from "
                  "the wrong place"},
    {"registration_poor", "the page was aligned with the form only roughly; "
                          "the field may have been read from the wrong "
                          "place"},
    {"ink_unread", "there is ink in the field but no text was read"},
    {"ink_beside", "the field is empty, but ink that no field took lies "
                   "just outside it: data printed off its line?"},
    {"word_across_fields", "a word lay across this field and its "
                           "neighbour: text typed off the form's grid, or two "
                           "fields' texts typed close together"},
    {"line_incomplete", "a service line that is billed lacks this field: "
                        "every line with a charge has its date, place of "
                        "service, procedure and units"},
    {"case_mismatch", "a lowercase letter was read in upper-case print: "
                      "it may stand for a capital or a digit (l for I or "
                      "1)"},
    {"required_missing", "the field is empty, but every claim must carry "
                         "it: not read (faint print?), or left out"},
    {"data_missing", "several fields every claim carries are empty: the "
                     "page's data may not have been read (faint print?), "
                     "and this empty field may hold some"},
    {"text_length_mismatch", "the text read does not fill the ink in the "
                             "field"},
    {"check_ambiguous", "more than one box, or no box clearly, is marked"},
    {"total_mismatch", "total charge is not the sum of the line charges"},
    {"diagnosis_pointer_unfilled",
     "the diagnosis pointer names an empty diagnosis"},
    {"service_dates_order", "service 'from' date is after 'to'"},
    {"diagnosis_pointer_missing",
     "a service line with a procedure names no diagnosis (24E)"},
    {"original_ref_missing", "a replacement or void claim (resubmission "
                             "code 7 or 8) has no original reference "
                             "number"},
    {"form_unknown", "the page matches no known form"},
    {"date_unreadable", "the date could not be read as month, day and year"},
    {"money_unreadable", "the amount could not be read as dollars and "
                         "cents"},
    {"phone_unreadable", "the phone number could not be read as 10 digits"},
    {"icd_unreadable", "the diagnosis code could not be read as an ICD-10 "
                       "code"},
    {"repaired", "a look-alike character was corrected by the field's "
                 "format"},
    {"lookalike", "a letter O or I stands among digits: it may be a zero "
                  "or a one"},
    {"reread", "the first reading failed the field's checks; this value "
               "is from reading it again: compare it with the scan"},
    {"touches_form_line", "the printed text sits on a line of the form, "
                          "which was taken out before reading"},
    {"scan_quality", "the scan is too poor (fax, photo or hand-filled) "
                     "to trust this reading"},
    {"kind_unknown", "the template gives the field an unknown kind"},
    {"unknown_rule", "the template names a rule that does not exist"},
};

#define N_RULE_STEPS (sizeof(rule_steps) / sizeof(rule_steps[0]))
#define N_OTHER_REASONS (sizeof(other_reasons) / sizeof(other_reasons[0]))

const char *
extract__rule_check(const char *rule, const char *value, const struct tm *today)
{
    int known = 0;

    if (rule == NULL)
        return "unknown_rule";
    if (value == NULL)
        value = "";
    for (size_t i = 0; i < N_RULE_STEPS; i++) {
        if (strcmp(rule_steps[i].name, rule) != 0)
            continue;
        known = 1;
        if (!rule_steps[i].ok(value, today))
            return rule_steps[i].reason;
    }
    return known ? NULL : "unknown_rule";
}

/* Units ending in a period with no digit after it (1.): a speck of
 * noise beside the number, or the writer's full stop; the number stands
 * without it. */
static int
repair_units(char *v, const struct tm *today)
{
    size_t n = strlen(v);
    int ok;

    if (n < 2 || v[n - 1] != '.')
        return 0;
    v[n - 1] = '\0';
    ok = ok_units(v, today);
    if (!ok)
        v[n - 1] = '.';
    return ok;
}

/* A ZIP code read with blanks inside (96 808: a gap between digits) is
 * the digits without them. csz: the ZIP code ends "CITY ST ZIP", whose
 * blank before it stays. */
static int
repair_zip_blanks(char *v, int csz, const struct tm *today)
{
    char fixed[EXTRACT_VALUE_MAX];
    size_t n = strlen(v), o = 0, start = 0;

    if (n >= sizeof(fixed))
        return 0;
    if (csz) { /* the ZIP code: digits, dashes and blanks at the end */
        start = n;
        while (start > 0 && (is_digit(v[start - 1]) || v[start - 1] == '-' ||
                             v[start - 1] == ' '))
            start--;
        while (start < n && v[start] == ' ')
            start++;
    }
    memcpy(fixed, v, start);
    o = start;
    for (size_t i = start; i < n; i++)
        if (v[i] != ' ')
            fixed[o++] = v[i];
    fixed[o] = '\0';
    if (o == n ||
        !(csz ? ok_city_state_zip(fixed, today) : ok_zip(fixed, today)))
        return 0;
    memcpy(v, fixed, o + 1);
    return 1;
}

int
extract__rule_repair(const char *rule, char *value, const struct tm *today)
{
    if (rule == NULL || value == NULL)
        return 0;
    /* What repair_procedure makes is a letter and four digits: it passes. */
    if (strcmp(rule, "procedure") == 0)
        return !ok_procedure(value, today) && repair_procedure(value);
    if (strcmp(rule, "units") == 0)
        return !ok_units(value, today) && repair_units(value, today);
    if (strcmp(rule, "zip") == 0)
        return !ok_zip(value, today) && repair_zip_blanks(value, 0, today);
    if (strcmp(rule, "city_state_zip") == 0)
        return !ok_city_state_zip(value, today) &&
               repair_zip_blanks(value, 1, today);
    return 0;
}

int
extract__rule_known(const char *rule)
{
    if (rule == NULL)
        return 0;
    for (size_t i = 0; i < N_RULE_STEPS; i++)
        if (strcmp(rule_steps[i].name, rule) == 0)
            return 1;
    return 0;
}

int
extract__npi_valid(const char *npi)
{
    /* Luhn over "80840" + the first 9 digits; the rightmost payload digit
     * is doubled. The prefix contributes a constant 24. */
    int sum = 24;

    if (npi == NULL || !digits_exactly(npi, 10))
        return 0;
    for (int i = 8; i >= 0; i--) {
        int d = npi[i] - '0';

        if ((8 - i) % 2 == 0) {
            d *= 2;
            if (d > 9)
                d -= 9;
        }
        sum += d;
    }
    return (10 - sum % 10) % 10 == npi[9] - '0';
}

int
extract__money_cents(const char *value, long long *cents_out)
{
    long long cents = 0;
    size_t n;

    if (value == NULL)
        return -1;
    for (n = 0; is_digit(value[n]); n++)
        ;
    if (n < 1 || n > RULES_MONEY_MAX_DOLLARS || value[n] != '.' ||
        !digits_exactly(value + n + 1, 2))
        return -1;
    for (size_t i = 0; value[i] != '\0'; i++)
        if (value[i] != '.')
            cents = cents * 10 + (value[i] - '0');
    if (cents_out != NULL)
        *cents_out = cents;
    return 0;
}

int
extract__date_compare(const char *a, const char *b)
{
    long da;
    long db;

    if (date_parse(a, &da) != 0 || date_parse(b, &db) != 0)
        return 0;
    return (da > db) - (da < db);
}

const char *
extract__pointer_check(const char *pointer, const char *filled)
{
    if (pointer == NULL)
        return NULL;
    if (filled == NULL)
        filled = "";
    for (; *pointer != '\0'; pointer++)
        if (strchr(filled, *pointer) == NULL)
            return "diagnosis_pointer_unfilled";
    return NULL;
}

const char *
extract__reason_text(const char *reason)
{
    if (reason == NULL)
        return "";
    for (size_t i = 0; i < N_RULE_STEPS; i++)
        if (strcmp(rule_steps[i].reason, reason) == 0)
            return rule_steps[i].text;
    for (size_t i = 0; i < N_OTHER_REASONS; i++)
        if (strcmp(other_reasons[i].reason, reason) == 0)
            return other_reasons[i].text;
    return reason;
}
