/*
 * test_server.c: `claimscan review` over HTTP: a state folder made by
 * `claimscan watch --once` from a sample with a bad NPI check digit, the
 * server started on a free loopback port, plain-socket requests. Checks
 * authentication, no-cache headers, locking, refused requests (bad JSON,
 * oversized bodies, path traversal), that the server still answers
 * afterwards, and a correction through to the export. Three more
 * documents: claim 33 (a planted total mismatch: the reason with its
 * numbers) and two blank pages (form_unknown, flagged at page level
 * only: one accepted as is, one rejected).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#define CLAIMSCAN CS_BINARY_DIR "/claimscan"
#define FIXTURE CS_SOURCE_DIR "/tests/fixtures/review/claim0030_color300.png"
#define TOTAL_FIXTURE CS_SOURCE_DIR "/tests/fixtures/claim0033_dropout300.tif"
#define BLANK_A CS_SOURCE_DIR "/tests/fixtures/review/blank_page_a.png"
#define BLANK_B CS_SOURCE_DIR "/tests/fixtures/review/blank_page_b.png"
#define RESP_MAX (4u << 20)

static char g_dir[256], g_state[300], g_inbox[300];
static char g_token[128];
static int g_port;
static pid_t g_pid;

typedef struct response {
    int status;
    char *text; /* headers and body */
    const char *body;
} response;

static void
response_free(response *r)
{
    free(r->text);
    memset(r, 0, sizeof(*r));
}

/* Sends raw (len bytes) to the server and reads the whole answer. */
static int
http_raw(response *out, const char *raw, size_t len)
{
    struct sockaddr_in a;
    size_t n = 0, sent = 0;
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    memset(out, 0, sizeof(*out));
    if (fd < 0)
        return -1;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)g_port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
        close(fd);
        return -1;
    }
    while (sent < len) {
        ssize_t w = send(fd, raw + sent, len - sent, MSG_NOSIGNAL);
        if (w <= 0)
            break; /* the server may refuse before reading it all */
        sent += (size_t)w;
    }
    out->text = calloc(1, RESP_MAX + 1);
    for (;;) {
        ssize_t r = recv(fd, out->text + n, RESP_MAX - n, 0);
        if (r <= 0)
            break;
        n += (size_t)r;
    }
    close(fd);
    if (sscanf(out->text, "HTTP/1.%*d %d", &out->status) != 1)
        return -1;
    out->body = strstr(out->text, "\r\n\r\n");
    out->body = out->body != NULL ? out->body + 4 : "";
    return 0;
}

/* A request with the given method, path, extra header lines and body. */
static int
http(response *out, const char *method, const char *path, const char *headers,
     const char *body)
{
    char *req = malloc(8192 + (body != NULL ? strlen(body) : 0));
    int n, rc;

    n = sprintf(req,
                "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                "%s%s",
                method, path, headers != NULL ? headers : "",
                body != NULL ? "Content-Type: application/json\r\n" : "");
    if (body != NULL)
        n += sprintf(req + n, "Content-Length: %zu\r\n\r\n%s", strlen(body),
                     body);
    else
        n += sprintf(req + n, "\r\n");
    rc = http_raw(out, req, (size_t)n);
    free(req);
    return rc;
}

static char *
auth(const char *who)
{
    static char h[256];

    snprintf(h, sizeof(h), "Authorization: Bearer %s\r\nX-Reviewer: %s\r\n",
             g_token, who);
    return h;
}

static int
run(const char *cmd)
{
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int
group_setup(void **state)
{
    char cmd[4096], line[512];
    int pipefd[2];
    FILE *f;

    (void)state;
    snprintf(g_dir, sizeof(g_dir), "/tmp/cs-review-test-XXXXXX");
    if (mkdtemp(g_dir) == NULL)
        return -1;
    snprintf(g_state, sizeof(g_state), "%s/state", g_dir);
    snprintf(g_inbox, sizeof(g_inbox), "%s/inbox", g_dir);
    /* One watch per file: documents 1 to 4 in this order. */
    {
        const char *files[] = {FIXTURE, TOTAL_FIXTURE, BLANK_A, BLANK_B};
        for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
            snprintf(cmd, sizeof(cmd),
                     "mkdir -p %s && cp %s %s/ && %s watch --once --quiet "
                     "--settle 0.1 --state %s %s",
                     g_inbox, files[i], g_inbox, CLAIMSCAN, g_state, g_inbox);
            if (run(cmd) != 0)
                return -1;
        }
    }
    if (pipe(pipefd) != 0)
        return -1;
    g_pid = fork();
    if (g_pid == 0) {
        dup2(pipefd[1], 1);
        close(pipefd[0]);
        close(pipefd[1]);
        execl(CLAIMSCAN, CLAIMSCAN, "review", "--state", g_state, "--listen",
              "127.0.0.1:0", "--lock-minutes", "1", (char *)NULL);
        _exit(127);
    }
    close(pipefd[1]);
    f = fdopen(pipefd[0], "r");
    if (f == NULL || fgets(line, sizeof(line), f) == NULL)
        return -1;
    fclose(f);
    if (sscanf(line, "review: http://127.0.0.1:%d/login?token=%127s", &g_port,
               g_token) != 2)
        return -1;
    return 0;
}

static int
group_teardown(void **state)
{
    char cmd[512];
    int st;

    (void)state;
    if (g_pid > 0) {
        kill(g_pid, SIGTERM);
        waitpid(g_pid, &st, 0);
    }
    snprintf(cmd, sizeof(cmd), "rm -rf %s", g_dir);
    return run(cmd) == 0 ? 0 : -1;
}

static void
test_auth_required(void **state)
{
    response r;
    char path[256];

    (void)state;
    assert_int_equal(http(&r, "GET", "/api/queue", NULL, NULL), 0);
    assert_int_equal(r.status, 401);
    assert_non_null(strstr(r.text, "Cache-Control: no-store"));
    response_free(&r);
    assert_int_equal(http(&r, "GET", "/", NULL, NULL), 0);
    assert_int_equal(r.status, 401);
    response_free(&r);
    assert_int_equal(
        http(&r, "GET", "/api/queue", "Authorization: Bearer wrong\r\n", NULL),
        0);
    assert_int_equal(r.status, 401);
    response_free(&r);
    assert_int_equal(http(&r, "GET", "/login?token=wrong", NULL, NULL), 0);
    assert_int_equal(r.status, 401);
    response_free(&r);
    snprintf(path, sizeof(path), "/login?token=%s&name=carol", g_token);
    assert_int_equal(http(&r, "GET", path, NULL, NULL), 0);
    assert_int_equal(r.status, 303);
    assert_non_null(strstr(r.text, "Set-Cookie: cs_review="));
    assert_non_null(strstr(r.text, "HttpOnly"));
    response_free(&r);
    assert_int_equal(http(&r, "GET", "/api/queue", auth("alice"), NULL), 0);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.text, "Cache-Control: no-store"));
    assert_non_null(strstr(r.body, "\"flagged\":4"));
    response_free(&r);
    assert_int_equal(http(&r, "GET", "/", auth("alice"), NULL), 0);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "<title>claimscan review</title>"));
    response_free(&r);
}

static void
test_locking(void **state)
{
    response r;

    (void)state;
    assert_int_equal(http(&r, "POST", "/api/docs/1/lock", auth("alice"), "{}"),
                     0);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "service_facility_npi"));
    response_free(&r);
    assert_int_equal(http(&r, "POST", "/api/docs/1/lock", auth("bob"), "{}"),
                     0);
    assert_int_equal(r.status, 409);
    assert_non_null(strstr(r.body, "alice"));
    response_free(&r);
    /* bob cannot decide a field of alice's document either */
    assert_int_equal(http(&r, "POST",
                          "/api/docs/1/pages/1/fields/line1_diagnosis_pointer",
                          auth("bob"), "{\"action\":\"accept\"}"),
                     0);
    assert_int_equal(r.status, 409);
    response_free(&r);
    assert_int_equal(http(&r, "GET", "/api/queue", auth("bob"), NULL), 0);
    assert_non_null(strstr(r.body, "\"holder\":\"alice\""));
    response_free(&r);
    assert_int_equal(
        http(&r, "POST", "/api/docs/1/unlock", auth("alice"), "{}"), 0);
    assert_int_equal(r.status, 200);
    response_free(&r);
    assert_int_equal(http(&r, "POST", "/api/docs/1/lock", auth("bob"), "{}"),
                     0);
    assert_int_equal(r.status, 200);
    response_free(&r);
    assert_int_equal(http(&r, "POST", "/api/docs/1/unlock", auth("bob"), "{}"),
                     0);
    response_free(&r);
}

/* One refused request: method, path, body, expected status. */
typedef struct refusal {
    const char *name, *method, *path, *body;
    int status;
} refusal;

static const refusal refusals[] = {
    {"bad json", "POST", "/api/docs/1/pages/1/fields/line1_diagnosis_pointer",
     "{not", 400},
    {"no action", "POST", "/api/docs/1/pages/1/fields/line1_diagnosis_pointer",
     "{}", 400},
    {"not flagged", "POST", "/api/docs/1/pages/1/fields/patient_name",
     "{\"action\":\"accept\"}", 404},
    {"no document", "POST", "/api/docs/99/lock", "{}", 404},
    {"bad id", "POST", "/api/docs/1x/lock", "{}", 404},
    {"unknown", "GET", "/api/nothing", NULL, 404},
    {"method", "DELETE", "/api/queue", NULL, 405},
    {"static traversal", "GET", "/static/../journal.sqlite", NULL, 404},
    {"static encoded", "GET", "/static/%2e%2e/%2e%2e/etc/passwd", NULL, 404},
    {"static other", "GET", "/static/review.h", NULL, 404},
    {"crop traversal", "GET", "/api/docs/1/pages/1/crops/../../x.png", NULL,
     404},
    {"crop encoded", "GET", "/api/docs/1/pages/1/crops/..%2f..%2fjournal.png",
     NULL, 404},
    {"crop unknown", "GET", "/api/docs/1/pages/1/crops/no_such.png", NULL, 404},
    {"page range", "GET", "/api/docs/1/pages/9/image.png", NULL, 404},
};

static void
test_refusals(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++) {
        const refusal *c = &refusals[i];
        response r;

        /* lock first, so a field request reaches its checks */
        assert_int_equal(
            http(&r, "POST", "/api/docs/1/lock", auth("alice"), "{}"), 0);
        response_free(&r);
        assert_int_equal(http(&r, c->method, c->path, auth("alice"), c->body),
                         0);
        if (r.status != c->status)
            fail_msg("%s: %s %s: got %d, want %d", c->name, c->method, c->path,
                     r.status, c->status);
        response_free(&r);
    }
}

static void
test_oversized(void **state)
{
    response r;
    size_t big = 200000;
    char *req = malloc(big + 1024);
    int n;

    (void)state;
    /* announced too large */
    n = sprintf(req,
                "POST /api/docs/1/lock HTTP/1.1\r\nHost: x\r\nConnection: "
                "close\r\nContent-Type: application/json\r\n%s"
                "Content-Length: %zu\r\n\r\n",
                auth("alice"), big);
    memset(req + n, 'a', big);
    assert_int_equal(http_raw(&r, req, (size_t)n + big), 0);
    assert_int_equal(r.status, 413);
    response_free(&r);
    /* chunked, growing past the limit */
    n = sprintf(req,
                "POST /api/docs/1/lock HTTP/1.1\r\nHost: x\r\nConnection: "
                "close\r\nContent-Type: application/json\r\n%s"
                "Transfer-Encoding: chunked\r\n\r\n",
                auth("alice"));
    for (int k = 0; k < 20; k++) {
        n += sprintf(req + n, "400\r\n");
        memset(req + n, 'b', 0x400);
        n += 0x400;
        n += sprintf(req + n, "\r\n");
    }
    n += sprintf(req + n, "0\r\n\r\n");
    assert_int_equal(http_raw(&r, req, (size_t)n), 0);
    assert_int_equal(r.status, 413);
    response_free(&r);
    /* huge headers */
    n = sprintf(req, "GET /api/queue HTTP/1.1\r\nHost: x\r\nX-Big: ");
    memset(req + n, 'c', 100000);
    n += 100000;
    n += sprintf(req + n, "\r\n\r\n");
    assert_int_equal(http_raw(&r, req, (size_t)n) == 0 ? r.status >= 400 : 1,
                     1);
    response_free(&r);
    free(req);
    /* still serving */
    assert_int_equal(http(&r, "GET", "/api/queue", auth("alice"), NULL), 0);
    assert_int_equal(r.status, 200);
    response_free(&r);
}

/* Alice posts body about field of document 1, page 1: the answer has
 * status, and its body holds want (when not NULL). */
static void
field_post(const char *field, const char *body, int status, const char *want)
{
    char path[256];
    response r;

    snprintf(path, sizeof(path), "/api/docs/1/pages/1/fields/%s", field);
    assert_int_equal(http(&r, "POST", path, auth("alice"), body), 0);
    assert_int_equal(r.status, status);
    if (want != NULL)
        assert_non_null(strstr(r.body, want));
    response_free(&r);
}

static void
test_correction_to_export(void **state)
{
    static char line[1 << 17];
    char cmd[4096];
    response r;
    FILE *p;
    int found = 0;

    (void)state;
    assert_int_equal(http(&r, "POST", "/api/docs/1/lock", auth("alice"), "{}"),
                     0);
    assert_int_equal(r.status, 200);
    response_free(&r);
    /* accepting the bad reading, or a bad correction, needs an override */
    field_post("service_facility_npi", "{\"action\":\"accept\"}", 422,
               "npi_check_digit");
    field_post("service_facility_npi",
               "{\"action\":\"correct\",\"value\":\"2072822334\"}", 422, NULL);
    field_post("service_facility_npi",
               "{\"action\":\"correct\",\"value\":\"2072822333\"}", 200,
               "\"done\":false");
    /* the pointer names diagnosis A, left blank: accepted only with an
     * override */
    field_post("line1_diagnosis_pointer", "{\"action\":\"accept\"}", 422,
               "diagnosis_pointer_unfilled");
    field_post("line1_diagnosis_pointer",
               "{\"action\":\"accept\",\"override\":true}", 200, NULL);
    field_post("line2_diagnosis_pointer",
               "{\"action\":\"correct\",\"value\":\"x\",\"override\":true}",
               200, "\"done\":false");
    /* diagnosis A itself, painted out: every claim carries one, so left
     * empty it needs an override too */
    field_post("diagnosis_a", "{\"action\":\"accept\"}", 422,
               "required_missing");
    field_post("diagnosis_a", "{\"action\":\"accept\",\"override\":true}", 200,
               "\"done\":true");
    assert_int_equal(http(&r, "GET", "/api/queue", auth("alice"), NULL), 0);
    assert_null(strstr(r.body, "{\"id\":1,"));
    response_free(&r);

    snprintf(cmd, sizeof(cmd),
             "sqlite3 %s/journal.sqlite \"SELECT action || ':' || old_value "
             "|| ':' || new_value || ':' || coalesce(rule, '') FROM "
             "review_audit WHERE field = 'line2_diagnosis_pointer' OR field = "
             "'service_facility_npi' ORDER BY id\" > %s/audit.txt && grep -qx "
             "'correct:2072822335:2072822333:' %s/audit.txt && grep -q "
             "'^override:' %s/audit.txt",
             g_state, g_dir, g_dir, g_dir);
    if (access("/usr/bin/sqlite3", X_OK) == 0)
        assert_int_equal(run(cmd), 0);
    snprintf(cmd, sizeof(cmd), "ls %s/records/*-p1.reviewed.json >/dev/null",
             g_state);
    assert_int_equal(run(cmd), 0);
    snprintf(cmd, sizeof(cmd), "%s export --state %s --format jsonl", CLAIMSCAN,
             g_state);
    p = popen(cmd, "r");
    assert_non_null(p);
    while (fgets(line, sizeof(line), p) != NULL)
        found |= strstr(line, "\"value\":\"2072822333\"") != NULL &&
                 strstr(line, "\"reviewed\":true") != NULL;
    assert_int_equal(pclose(p), 0);
    assert_true(found);
    snprintf(cmd, sizeof(cmd),
             "%s export --state %s --format csv | grep -q ',2072822333,'",
             CLAIMSCAN, g_state);
    assert_int_equal(run(cmd), 0);
}

static void
test_total_mismatch_text(void **state)
{
    response r;

    (void)state;
    assert_int_equal(http(&r, "POST", "/api/docs/2/lock", auth("alice"), "{}"),
                     0);
    assert_int_equal(r.status, 200);
    /* the ids stay, the words carry the numbers */
    assert_non_null(strstr(r.body, "\"reasons\":[\"total_mismatch\"]"));
    assert_non_null(strstr(r.body, "\"reasons_text\":[\"total charge "));
    assert_non_null(strstr(r.body, " is not the sum of the lines, "));
    assert_non_null(strstr(r.body, "\"reasons_text\":[\"the lines add up to "));
    assert_non_null(strstr(r.body, ", not the total charge "));
    /* and no page-level flags on a page that was read */
    assert_non_null(strstr(r.body, "\"flags\":null"));
    response_free(&r);
    /* the total field's text holds both numbers, as read */
    {
        const char *t = NULL;
        char total[32], sum[32];

        assert_int_equal(
            http(&r, "POST", "/api/docs/2/lock", auth("alice"), "{}"), 0);
        t = strstr(r.body, "\"total charge ");
        assert_non_null(t);
        assert_int_equal(sscanf(t,
                                "\"total charge %31[0-9.] is not the sum of "
                                "the lines, %31[0-9.]\"",
                                total, sum),
                         2);
        assert_string_not_equal(total, sum);
        response_free(&r);
    }
    assert_int_equal(
        http(&r, "POST", "/api/docs/2/unlock", auth("alice"), "{}"), 0);
    response_free(&r);
}

/* One refused page decision: who, body, expected status. */
typedef struct page_refusal {
    const char *name, *who, *path, *body;
    int status;
} page_refusal;

static const page_refusal page_refusals[] = {
    {"bad json", "alice", "/api/docs/3/pages/1/decision", "{not", 400},
    {"unknown action", "alice", "/api/docs/3/pages/1/decision",
     "{\"action\":\"correct\",\"value\":\"x\"}", 400},
    {"reject without reason", "alice", "/api/docs/3/pages/1/decision",
     "{\"action\":\"reject\"}", 400},
    {"reject empty reason", "alice", "/api/docs/3/pages/1/decision",
     "{\"action\":\"reject\",\"reason\":\"\"}", 400},
    {"reject control characters", "alice", "/api/docs/3/pages/1/decision",
     "{\"action\":\"reject\",\"reason\":\"a\\nb\"}", 400},
    {"page without page flags", "alice", "/api/docs/2/pages/1/decision",
     "{\"action\":\"accept\"}", 404},
    {"no such page", "alice", "/api/docs/3/pages/2/decision",
     "{\"action\":\"accept\"}", 404},
    {"page item is no field", "alice", "/api/docs/3/pages/1/fields/_page",
     "{\"action\":\"accept\"}", 404},
    {"held by alice", "bob", "/api/docs/3/pages/1/decision",
     "{\"action\":\"accept\"}", 409},
};

static void
test_page_flags(void **state)
{
    static char line[1 << 17];
    char cmd[2048];
    response r;
    FILE *p;
    int found = 0;

    (void)state;
    assert_int_equal(http(&r, "GET", "/api/queue", auth("alice"), NULL), 0);
    assert_non_null(strstr(r.body, "{\"id\":3,\"form\":\"\""));
    response_free(&r);
    assert_int_equal(http(&r, "POST", "/api/docs/3/lock", auth("alice"), "{}"),
                     0);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\"flags\":{\"reasons\":[\"form_unknown\"],"
                                   "\"reasons_text\":[\"the page matches no "
                                   "known form\"],\"decided\":false"));
    assert_non_null(strstr(r.body, "\"fields\":[]"));
    assert_non_null(strstr(r.body, "\"flagged\":1"));
    response_free(&r);
    /* the page picture of a page without a form */
    assert_int_equal(
        http(&r, "GET", "/api/docs/3/pages/1/image.png", auth("alice"), NULL),
        0);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.text, "Content-Type: image/png"));
    response_free(&r);
    assert_int_equal(http(&r, "GET", "/api/docs/3/pages/1/crops/_page.png",
                          auth("alice"), NULL),
                     0);
    assert_int_equal(r.status, 404);
    response_free(&r);
    for (size_t i = 0; i < sizeof(page_refusals) / sizeof(page_refusals[0]);
         i++) {
        const page_refusal *c = &page_refusals[i];
        assert_int_equal(http(&r, "POST", c->path, auth(c->who), c->body), 0);
        if (r.status != c->status)
            fail_msg("%s: got %d, want %d", c->name, r.status, c->status);
        response_free(&r);
    }
    /* document 3: accepted as is, then finished and exported */
    assert_int_equal(http(&r, "POST", "/api/docs/3/pages/1/decision",
                          auth("alice"), "{\"action\":\"accept\"}"),
                     0);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\"remaining\":0"));
    assert_non_null(strstr(r.body, "\"done\":true"));
    response_free(&r);
    assert_int_equal(http(&r, "POST", "/api/docs/3/lock", auth("alice"), "{}"),
                     0);
    assert_int_equal(r.status, 404);
    response_free(&r);
    snprintf(cmd, sizeof(cmd), "%s export --state %s --format jsonl", CLAIMSCAN,
             g_state);
    p = popen(cmd, "r");
    assert_non_null(p);
    while (fgets(line, sizeof(line), p) != NULL)
        found |=
            (strstr(line, "\"document_id\":3,") != NULL ||
             strstr(line, "\"document_id\":3}") != NULL) &&
            strstr(line, "\"original_reasons\":[\"form_unknown\"]") != NULL &&
            strstr(line, "\"review_action\":\"accept\"") != NULL &&
            strstr(line, "\"reviewed\":true") != NULL;
    assert_int_equal(pclose(p), 0);
    assert_true(found);
    /* document 4: rejected with a reason: failed, out of the queue */
    assert_int_equal(http(&r, "POST", "/api/docs/4/lock", auth("bob"), "{}"),
                     0);
    assert_int_equal(r.status, 200);
    response_free(&r);
    assert_int_equal(http(&r, "POST", "/api/docs/4/pages/1/decision",
                          auth("bob"),
                          "{\"action\":\"reject\",\"reason\":\"not a "
                          "claim form\"}"),
                     0);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\"state\":\"failed\""));
    response_free(&r);
    assert_int_equal(http(&r, "POST", "/api/docs/4/lock", auth("bob"), "{}"),
                     0);
    assert_int_equal(r.status, 404);
    response_free(&r);
    assert_int_equal(http(&r, "GET", "/api/queue", auth("alice"), NULL), 0);
    assert_null(strstr(r.body, "{\"id\":3,"));
    assert_null(strstr(r.body, "{\"id\":4,"));
    response_free(&r);
    snprintf(cmd, sizeof(cmd),
             "%s status --state %s | grep 'document 4' | grep -q 'rejected "
             "in review (page 1): not a claim form'",
             CLAIMSCAN, g_state);
    assert_int_equal(run(cmd), 0);
    snprintf(cmd, sizeof(cmd),
             "sqlite3 %s/journal.sqlite \"SELECT document_id || ':' || field "
             "|| ':' || action || ':' || new_value || ':' || who FROM "
             "review_audit WHERE field = '_page' ORDER BY id\" > "
             "%s/page_audit.txt && grep -qx '3:_page:accept::alice' "
             "%s/page_audit.txt && grep -qx '4:_page:reject:not a claim "
             "form:bob' %s/page_audit.txt",
             g_state, g_dir, g_dir, g_dir);
    if (access("/usr/bin/sqlite3", X_OK) == 0)
        assert_int_equal(run(cmd), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_auth_required),
        cmocka_unit_test(test_locking),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_oversized),
        cmocka_unit_test(test_total_mismatch_text),
        cmocka_unit_test(test_page_flags),
        cmocka_unit_test(test_correction_to_export),
    };

    signal(SIGPIPE, SIG_IGN);
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
