/*
 * cli.h: what the claimscan program's files share: exit codes, the option
 * tables from which both parsing and --help come, and the commands.
 */
#ifndef CLI_H
#define CLI_H

#include <getopt.h>
#include <stddef.h>
#include <stdint.h>

/* Exit codes of every command. */
enum {
    CLI_EXIT_OK = 0,     /* every input was processed */
    CLI_EXIT_INPUT = 1,  /* some inputs could not be read (named on stderr) */
    CLI_EXIT_USAGE = 2,  /* bad command line */
    CLI_EXIT_FAILURE = 3 /* could not start: forms, engine, state folder */
};

#define CLI_NAME "claimscan"

/* One option of a command. */
typedef struct cli_option {
    const char *name; /* long name, without "--" */
    int short_name;   /* a letter, or 0 */
    const char *arg;  /* the argument's name, or NULL for a switch */
    const char *help; /* one line */
} cli_option;

/* One command: name, usage line, purpose, options. */
typedef struct cli_command {
    const char *name;
    const char *usage;   /* after "claimscan NAME " */
    const char *purpose; /* one line */
    const cli_option *options;
    size_t noptions;
    int (*run)(const struct cli_command *cmd, int argc, char **argv);
} cli_command;

/*
 * Parses argv against cmd's options with getopt_long. Calls back
 * on_option(id, arg, ctx) with the index into cmd->options; returns the
 * index of the first operand, or -1 after a usage error (already printed),
 * or -2 when --help was printed.
 */
int cli_parse(const cli_command *cmd, int argc, char **argv,
              int (*on_option)(size_t id, const char *arg, void *ctx),
              void *ctx);

/* Prints cmd's usage, purpose and options to stdout. */
void cli_help(const cli_command *cmd);

/* Prints "claimscan: NAME: usage: ..." and a hint to stderr; returns
 * CLI_EXIT_USAGE. */
int cli_usage_error(const cli_command *cmd, const char *what);

/* Parses a whole positive int in [lo, hi]; returns 0 on success. */
int cli_parse_int(int *out, const char *s, int lo, int hi);

/* The program's startup: umask 077, libraries silenced, OCR globals. */
int cli_startup(void);

/* The forms folder: --forms, CLAIMSCAN_FORMS, or the built-in one. */
const char *cli_forms_dir(const char *given);

int cmd_extract(const cli_command *cmd, int argc, char **argv);

/* Writes Unix time ms (milliseconds) as UTC into out: ISO 8601
 * ("2026-11-27T02:11:20Z"), or for people ("2026-11-27 02:11:20 UTC")
 * when human is set; "?" when it cannot. */
void cli_format_utc(char *out, size_t size, int64_t ms, int human);

/* ---- watch and status (cmd_watch.c, cmd_status.c) ------------------ */

int cmd_watch(const cli_command *cmd, int argc, char **argv);
int cmd_status(const cli_command *cmd, int argc, char **argv);

/*
 * The state folder of watch and status into out: given (--state), else
 * $CLAIMSCAN_STATE, $STATE_DIRECTORY (set by systemd's StateDirectory=),
 * $XDG_STATE_HOME/claimscan, or ~/.local/state/claimscan. Returns 0, or
 * -1 when none can be found or it does not fit.
 */
int cli_state_dir(char *out, size_t size, const char *given);

/* ---- review and export (cmd_review.c, cmd_export.c; apps/review) ---- */

int cmd_review(const cli_command *cmd, int argc, char **argv);
int cmd_export(const cli_command *cmd, int argc, char **argv);

#endif
