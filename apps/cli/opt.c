/*
 * opt.c: option tables (getopt_long's table and --help are both made from
 * a command's cli_option list, so help cannot go stale), and the small
 * helpers the commands share.
 */
#include "apps/cli/cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_OPTIONS 32

void
cli_help(const cli_command *cmd)
{
    printf("usage: %s %s %s\n\n%s\n\noptions:\n", CLI_NAME, cmd->name,
           cmd->usage, cmd->purpose);
    for (size_t i = 0; i < cmd->noptions; i++) {
        const cli_option *o = &cmd->options[i];
        char left[64];
        (void)snprintf(
            left, sizeof(left), "%c%c%s--%s%s%s", o->short_name ? '-' : ' ',
            o->short_name ? o->short_name : ' ', o->short_name ? ", " : "  ",
            o->name, o->arg != NULL ? " " : "", o->arg != NULL ? o->arg : "");
        printf("  %-28s %s\n", left, o->help);
    }
}

int
cli_usage_error(const cli_command *cmd, const char *what)
{
    fprintf(stderr, "%s: %s: %s\nusage: %s %s %s\nTry '%s %s --help'.\n",
            CLI_NAME, cmd->name, what, CLI_NAME, cmd->name, cmd->usage,
            CLI_NAME, cmd->name);
    return CLI_EXIT_USAGE;
}

int
cli_parse(const cli_command *cmd, int argc, char **argv,
          int (*on_option)(size_t id, const char *arg, void *ctx), void *ctx)
{
    struct option longs[MAX_OPTIONS + 1];
    char shorts[3 * MAX_OPTIONS + 2] = ":";
    size_t ns = 1;
    int c, index;

    if (cmd->noptions > MAX_OPTIONS)
        return -1;
    for (size_t i = 0; i < cmd->noptions; i++) {
        const cli_option *o = &cmd->options[i];
        longs[i].name = o->name;
        longs[i].has_arg = o->arg != NULL ? required_argument : no_argument;
        longs[i].flag = NULL;
        longs[i].val = 256 + (int)i;
        if (o->short_name) {
            shorts[ns++] = (char)o->short_name;
            if (o->arg != NULL)
                shorts[ns++] = ':';
        }
    }
    shorts[ns] = '\0';
    memset(&longs[cmd->noptions], 0, sizeof(longs[0]));
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, shorts, longs, &index)) != -1) {
        size_t id = cmd->noptions;
        char what[128];
        if (c == '?' || c == ':') {
            const char *bad = argv[optind - 1];
            (void)snprintf(what, sizeof(what), "%s: %s",
                           c == ':' ? "option needs an argument"
                                    : "unknown option",
                           bad != NULL ? bad : "?");
            (void)cli_usage_error(cmd, what);
            return -1;
        }
        if (c >= 256)
            id = (size_t)(c - 256);
        else
            for (size_t i = 0; i < cmd->noptions; i++)
                if (cmd->options[i].short_name == c)
                    id = i;
        if (id >= cmd->noptions)
            return -1;
        if (strcmp(cmd->options[id].name, "help") == 0) {
            cli_help(cmd);
            return -2;
        }
        if (on_option(id, optarg, ctx) != 0)
            return -1;
    }
    return optind;
}

int
cli_parse_int(int *out, const char *s, int lo, int hi)
{
    char *end = NULL;
    long v;

    if (s == NULL || *s == '\0')
        return -1;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
        return -1;
    *out = (int)v;
    return 0;
}

void
cli_format_utc(char *out, size_t size, int64_t ms, int human)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;

    if (gmtime_r(&t, &tm) == NULL ||
        strftime(out, size,
                 human ? "%Y-%m-%d %H:%M:%S UTC" : "%Y-%m-%dT%H:%M:%SZ",
                 &tm) == 0)
        (void)snprintf(out, size, "?");
}
