/*
 * cmd_status.c: `claimscan status`: what the watcher's journal says:
 * documents per state, the oldest one waiting, the last hour's
 * throughput and the last errors (file names and reasons; never field
 * values). Reads the journal only; safe while the watcher runs.
 */
#define _GNU_SOURCE
#include "apps/cli/cli.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "intake/intake.h"

/* Same order as status_options[] in main.c. */
enum { OPT_STATE, OPT_ERRORS };

#define PATH_CAP 4096
#define MAX_ERRORS 1000

typedef struct status_settings {
    const char *state;
    int errors;
} status_settings;

static int
on_option(size_t id, const char *arg, void *ctx)
{
    status_settings *s = ctx;

    switch (id) {
    case OPT_STATE:
        s->state = arg;
        break;
    case OPT_ERRORS:
        if (cli_parse_int(&s->errors, arg, 0, MAX_ERRORS) != 0) {
            fprintf(stderr,
                    "%s: status: --errors takes a number from 0 to "
                    "%d\n",
                    CLI_NAME, MAX_ERRORS);
            return -1;
        }
        break;
    }
    return 0;
}

/* Prints s with control characters shown as '?' (names are the user's). */
static void
print_printable(const char *s)
{
    for (; *s != '\0'; s++)
        putchar((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s);
}

static void
format_age(char *out, size_t size, int64_t ms)
{
    int64_t s = ms / 1000;

    if (s < 120)
        (void)snprintf(out, size, "%lld s", (long long)s);
    else if (s < 7200)
        (void)snprintf(out, size, "%lld min", (long long)(s / 60));
    else if (s < 172800)
        (void)snprintf(out, size, "%lld h", (long long)(s / 3600));
    else
        (void)snprintf(out, size, "%lld days", (long long)(s / 86400));
}

/* Files in the inbox not taken in yet (temporary names left out), or -1. */
static long
inbox_waiting(const char *inbox)
{
    DIR *dir = opendir(inbox);
    struct dirent *de;
    long n = 0;

    if (dir == NULL)
        return -1;
    while ((de = readdir(dir)) != NULL) {
        char path[PATH_CAP];
        struct stat st;
        if (intake_name_is_temporary(de->d_name) ||
            snprintf(path, sizeof(path), "%s/%s", inbox, de->d_name) >=
                (int)sizeof(path) ||
            lstat(path, &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        n++;
    }
    (void)closedir(dir);
    return n;
}

/* "running", "not running" or "unknown", from the watcher's lock. */
static const char *
watcher_state(const char *state)
{
    char path[PATH_CAP + 64];
    const char *what = "not running";
    int fd;

    (void)snprintf(path, sizeof(path), "%s/%s", state, INTAKE_STATE_LOCK);
    fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? what : "unknown";
    if (flock(fd, LOCK_SH | LOCK_NB) != 0)
        what = errno == EWOULDBLOCK ? "running" : "unknown";
    (void)close(fd);
    return what;
}

int
cmd_status(const cli_command *cmd, int argc, char **argv)
{
    status_settings set = {NULL, 10};
    char state[PATH_CAP], path[PATH_CAP + 64], inbox[PATH_CAP], when[64];
    char age[32];
    intake_journal *jn = NULL;
    intake_journal_stats stats;
    intake_journal_event *events = NULL;
    cs_error err = CS_ERROR_INIT;
    struct stat st;
    struct timespec ts;
    int64_t now;
    size_t nevents = 0, total = 0;
    int first, status = CLI_EXIT_FAILURE;

    first = cli_parse(cmd, argc, argv, on_option, &set);
    if (first == -2)
        return CLI_EXIT_OK;
    if (first < 0)
        return CLI_EXIT_USAGE;
    if (first < argc)
        return cli_usage_error(cmd, "takes no operands");
    (void)umask(077);
    if (cli_state_dir(state, sizeof(state), set.state) != 0) {
        fprintf(stderr, "%s: status: no state folder: give --state DIR\n",
                CLI_NAME);
        return CLI_EXIT_FAILURE;
    }
    (void)snprintf(path, sizeof(path), "%s/%s", state, INTAKE_STATE_JOURNAL);
    if (stat(state, &st) != 0 || stat(path, &st) != 0) {
        fprintf(stderr,
                "%s: status: %s: no journal (has 'claimscan watch' "
                "run with this state folder?)\n",
                CLI_NAME, state);
        return CLI_EXIT_FAILURE;
    }
    /* Another user (root) would leave journal files the watcher cannot
     * open. */
    if (st.st_uid != geteuid()) {
        fprintf(stderr,
                "%s: status: %s belongs to uid %lu: run status as "
                "that user\n",
                CLI_NAME, path, (unsigned long)st.st_uid);
        return CLI_EXIT_FAILURE;
    }
    if (intake_journal_open(&jn, path, INTAKE_JOURNAL_READONLY, &err) !=
        CS_OK) {
        fprintf(stderr, "%s: status: %s: %s\n", CLI_NAME, path, err.message);
        return CLI_EXIT_FAILURE;
    }
    (void)clock_gettime(CLOCK_REALTIME, &ts);
    now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    if (set.errors > 0) {
        events = calloc((size_t)set.errors, sizeof(*events));
        if (events == NULL) {
            fprintf(stderr, "%s: out of memory\n", CLI_NAME);
            goto cleanup;
        }
    }
    if (intake_journal_stats_get(&stats, jn, now, &err) != CS_OK ||
        intake_journal_errors(events, (size_t)set.errors, &nevents, jn, &err) !=
            CS_OK ||
        intake_journal_meta_get(inbox, sizeof(inbox), jn, "inbox", &err) !=
            CS_OK) {
        fprintf(stderr, "%s: status: %s: %s\n", CLI_NAME, path, err.message);
        goto cleanup;
    }

    printf("state folder: %s\nwatcher: %s\n", state, watcher_state(state));
    if (inbox[0] != '\0') {
        long waiting = inbox_waiting(inbox);
        printf("inbox: %s (", inbox);
        if (waiting >= 0)
            printf("%ld file(s) not taken in yet)\n", waiting);
        else
            printf("cannot be listed: %s)\n", strerror(errno));
    }
    printf("\ndocuments:\n");
    for (int s = 0; s < INTAKE_DOC_STATE_COUNT; s++) {
        printf("  %-14s %8zu\n", intake_doc_state_name((intake_doc_state)s),
               stats.count[s]);
        total += stats.count[s];
    }
    printf("  %-14s %8zu\n\n", "total", total);
    if (stats.oldest_id > 0) {
        cli_format_utc(when, sizeof(when), stats.oldest_ms, 1);
        format_age(age, sizeof(age), now - stats.oldest_ms);
        printf("oldest waiting: document %lld \"", (long long)stats.oldest_id);
        print_printable(stats.oldest_name);
        printf("\", received %s (%s ago)\n", when, age);
    } else {
        printf("oldest waiting: none\n");
    }
    printf("last hour: %zu document(s) finished, %zu page(s) read\n",
           stats.docs_last_hour, stats.pages_last_hour);
    if (set.errors > 0) {
        printf("\nlast errors (newest first):%s\n",
               nevents == 0 ? " none" : "");
        for (size_t i = 0; i < nevents; i++) {
            cli_format_utc(when, sizeof(when), events[i].at_ms, 1);
            printf("  %s  document %lld  %s  \"", when,
                   (long long)events[i].document_id,
                   intake_doc_state_name(events[i].state));
            print_printable(events[i].name);
            printf("\": ");
            print_printable(events[i].reason);
            printf("\n");
        }
    }
    status = CLI_EXIT_OK;
cleanup:
    free(events);
    intake_journal_free(jn);
    return status;
}
