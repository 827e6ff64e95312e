/*
 * cmd_review.c: `claimscan review`: serves the review station on a local
 * address until SIGINT or SIGTERM. Prints the address to open (with the
 * session token) on stdout; logs carry document ids, never values.
 */
#include "apps/cli/cli.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "apps/review/review.h"
#include "common/log.h"

#ifndef CS_REVIEW_STATIC_DIR
#define CS_REVIEW_STATIC_DIR "apps/review/static"
#endif

/* Same order as review_options[] in main.c. */
enum { OPT_STATE, OPT_LISTEN, OPT_USERS, OPT_LOCK, OPT_FORMS, OPT_VERBOSE };

#define PATH_CAP 4096
#define MAX_BODY 8192

typedef struct review_settings {
    const char *state;
    const char *listen;
    const char *users;
    const char *forms_dir;
    int lock_minutes;
    int verbose;
} review_settings;

static int
on_option(size_t id, const char *arg, void *ctx)
{
    review_settings *s = ctx;

    switch (id) {
    case OPT_STATE:
        s->state = arg;
        break;
    case OPT_LISTEN:
        s->listen = arg;
        break;
    case OPT_USERS:
        s->users = arg;
        break;
    case OPT_LOCK:
        if (cli_parse_int(&s->lock_minutes, arg, 1, 24 * 60) != 0) {
            fprintf(stderr,
                    "%s: review: --lock-minutes takes a number from "
                    "1 to 1440\n",
                    CLI_NAME);
            return -1;
        }
        break;
    case OPT_FORMS:
        s->forms_dir = arg;
        break;
    case OPT_VERBOSE:
        s->verbose = 1;
        break;
    }
    return 0;
}

/* Splits "ADDR:PORT" into addr_out and *port_out. */
static int
parse_listen(char *addr_out, size_t size, int *port_out, const char *s)
{
    const char *colon = strrchr(s, ':');
    size_t n = colon != NULL ? (size_t)(colon - s) : 0;

    if (colon == NULL || n == 0 || n >= size)
        return -1;
    memcpy(addr_out, s, n);
    addr_out[n] = '\0';
    return cli_parse_int(port_out, colon + 1, 0, 65535) == 0 ||
                   strcmp(colon + 1, "0") == 0
               ? 0
               : -1;
}

static int
is_loopback(const char *addr)
{
    return strncmp(addr, "127.", 4) == 0;
}

int
cmd_review(const cli_command *cmd, int argc, char **argv)
{
    review_settings set = {NULL, "127.0.0.1:8080", NULL, NULL, 15, 0};
    review_server_options o;
    review_server *srv = NULL;
    cs_error err = CS_ERROR_INIT;
    char state[PATH_CAP], addr[64], token[65];
    unsigned char rnd[32];
    sigset_t sigs;
    int first, port = 0, sig = 0, status = CLI_EXIT_FAILURE;

    first = cli_parse(cmd, argc, argv, on_option, &set);
    if (first == -2)
        return CLI_EXIT_OK;
    if (first < 0)
        return CLI_EXIT_USAGE;
    if (first < argc)
        return cli_usage_error(cmd, "takes no operands");
    if (parse_listen(addr, sizeof(addr), &port, set.listen) != 0)
        return cli_usage_error(cmd, "--listen takes ADDRESS:PORT");
    if (cli_state_dir(state, sizeof(state), set.state) != 0) {
        fprintf(stderr, "%s: review: no state folder: give --state DIR\n",
                CLI_NAME);
        return CLI_EXIT_FAILURE;
    }
    cs_log_open(set.verbose ? CS_LOG_DEBUG : CS_LOG_INFO, stderr);
    if (cli_startup() != 0)
        return CLI_EXIT_FAILURE;
    if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd)) {
        fprintf(stderr, "%s: review: no random numbers\n", CLI_NAME);
        return CLI_EXIT_FAILURE;
    }
    for (size_t i = 0; i < sizeof(rnd); i++)
        (void)snprintf(token + 2 * i, 3, "%02x", rnd[i]);

    /* Signals are taken by sigwait below, in this thread only. */
    (void)sigemptyset(&sigs);
    (void)sigaddset(&sigs, SIGINT);
    (void)sigaddset(&sigs, SIGTERM);
    (void)sigaddset(&sigs, SIGPIPE);
    if (pthread_sigmask(SIG_BLOCK, &sigs, NULL) != 0)
        return CLI_EXIT_FAILURE;

    memset(&o, 0, sizeof(o));
    o.state = state;
    o.forms_dir = cli_forms_dir(set.forms_dir);
    o.static_dir = CS_REVIEW_STATIC_DIR;
    o.address = addr;
    o.port = port;
    o.token = token;
    o.users_file = set.users;
    o.lock_ttl_ms = (int64_t)set.lock_minutes * 60 * 1000;
    o.max_body = MAX_BODY;
    if (review_server_new(&srv, &o, &err) != CS_OK) {
        fprintf(stderr, "%s: review: %s\n", CLI_NAME, err.message);
        goto cleanup;
    }
    if (!is_loopback(addr))
        cs_log(CS_LOG_WARN, "review: listening beyond this computer without "
                            "encryption: put it behind a TLS proxy");
    if (set.users != NULL)
        printf("review: http://%s:%d/ (sign in with a name of the users "
               "file)\n",
               addr, review_server_port(srv));
    else
        printf("review: http://%s:%d/login?token=%s\n", addr,
               review_server_port(srv), token);
    (void)fflush(stdout);
    while (sig != SIGINT && sig != SIGTERM)
        if (sigwait(&sigs, &sig) != 0)
            break;
    cs_log(CS_LOG_INFO, "review: stopping");
    status = CLI_EXIT_OK;
cleanup:
    review_server_free(srv);
    return status;
}
