/*
 * main.c: the claimscan program: dispatches to its commands.
 */
#include "apps/cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "ocr/ocr.h"

static const cli_option extract_options[] = {
    {"form", 'f', "NAME",
     "read every page as this template (default: "
     "identify)"},
    {"jobs", 'j', "N",
     "read N pages at once, one OCR engine each "
     "(default 1)"},
    {"out", 'o', "DIR",
     "write one JSON file per page into DIR instead of "
     "JSON Lines on stdout"},
    {"overlay", 0, "DIR",
     "write a picture per page with every field's box "
     "into DIR"},
    {"forms", 0, "DIR",
     "read templates from DIR (default: built in, or "
     "$CLAIMSCAN_FORMS)"},
    {"summary", 's', NULL, "print a readable summary to stderr at the end"},
    {"verbose", 'v', NULL, "log progress to stderr (document ids, timings)"},
    {"help", 'h', NULL, "show this help"},
};

static const cli_option watch_options[] = {
    {"jobs", 'j', "N",
     "read N pages at once, one OCR engine each "
     "(default 1)"},
    {"state", 0, "DIR",
     "keep journal, archive, records and quarantine in "
     "DIR (default: see docs/watch.md)"},
    {"once", 0, NULL, "take in what the inbox holds, finish it, and exit"},
    {"settle", 0, "SECONDS",
     "a file must not change this long before it "
     "is read (default 2)"},
    {"rescan", 0, "SECONDS",
     "list the whole inbox this often, for network "
     "folders (default 10)"},
    {"forms", 0, "DIR",
     "read templates from DIR (default: built in, or "
     "$CLAIMSCAN_FORMS)"},
    {"verbose", 'v', NULL, "log every page (document ids, timings)"},
    {"quiet", 'q', NULL, "log only warnings and errors"},
    {"help", 'h', NULL, "show this help"},
};

static const cli_option status_options[] = {
    {"state", 0, "DIR",
     "the watcher's state folder (default: see "
     "docs/watch.md)"},
    {"errors", 'e', "N", "show the last N errors (default 10)"},
    {"help", 'h', NULL, "show this help"},
};

static const cli_option review_options[] = {
    {"state", 0, "DIR",
     "the watcher's state folder (default: see "
     "docs/watch.md)"},
    {"listen", 'l', "ADDRESS:PORT",
     "serve on this address (default "
     "127.0.0.1:8080; port 0: any free one)"},
    {"users", 0, "FILE",
     "sign in with NAME:SHA256HEX lines of FILE "
     "(HTTP Basic) instead of a token"},
    {"lock-minutes", 0, "N",
     "free a document a reviewer left idle after "
     "N minutes (default 15)"},
    {"forms", 0, "DIR",
     "read templates from DIR (default: built in, or "
     "$CLAIMSCAN_FORMS)"},
    {"verbose", 'v', NULL, "log every request's document and field ids"},
    {"help", 'h', NULL, "show this help"},
};

static const cli_option export_options[] = {
    {"state", 0, "DIR",
     "the watcher's state folder (default: see "
     "docs/watch.md)"},
    {"format", 'f', "jsonl|csv",
     "JSON Lines (one record per page) or CSV "
     "(one row per page)"},
    {"out", 'o', "FILE", "write to FILE (atomically) instead of stdout"},
    {"form", 0, "NAME",
     "CSV: the template whose fields are the columns "
     "(default: the only one)"},
    {"forms", 0, "DIR",
     "read templates from DIR (default: built in, or "
     "$CLAIMSCAN_FORMS)"},
    {"help", 'h', NULL, "show this help"},
};

static const cli_command commands[] = {
    {"extract", "[options] FILE...",
     "Reads scanned claim forms (PNG, JPEG, TIFF) and writes one claim "
     "record per page as JSON Lines.",
     extract_options, sizeof(extract_options) / sizeof(extract_options[0]),
     cmd_extract},
    {"watch", "[options] INBOX",
     "Watches a scanner folder: every complete file becomes claim records "
     "exactly once, bad files go to quarantine with a reason.",
     watch_options, sizeof(watch_options) / sizeof(watch_options[0]),
     cmd_watch},
    {"status", "[options]",
     "Shows the watcher's journal: documents per state, the oldest waiting, "
     "the last hour's throughput and the last errors.",
     status_options, sizeof(status_options) / sizeof(status_options[0]),
     cmd_status},
    {"review", "[options]",
     "Serves the review station: billers correct flagged fields in a "
     "browser, with the scan beside each value.",
     review_options, sizeof(review_options) / sizeof(review_options[0]),
     cmd_review},
    {"export", "--format jsonl|csv [options]",
     "Writes the finished claim records (reviewed or straight through) for "
     "billing software.",
     export_options, sizeof(export_options) / sizeof(export_options[0]),
     cmd_export},
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void
main_help(FILE *out)
{
    fprintf(out,
            "usage: %s COMMAND [options] [args]\n\n"
            "Turns scanned CMS-1500 claim forms into checked claim "
            "records.\n\ncommands:\n",
            CLI_NAME);
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].purpose);
    fprintf(out,
            "\n'%s COMMAND --help' tells more; '%s --version' the "
            "version.\n",
            CLI_NAME, CLI_NAME);
}

int
cli_startup(void)
{
    cs_error err = CS_ERROR_INIT;

    (void)umask(077); /* everything we write is the owner's only */
    cs_log_silence_libraries();
    if (ocr_global_init(&err) != CS_OK) {
        fprintf(stderr, "%s: %s\n", CLI_NAME, err.message);
        return -1;
    }
    return 0;
}

const char *
cli_forms_dir(const char *given)
{
    const char *env = getenv("CLAIMSCAN_FORMS");

    if (given != NULL)
        return given;
    if (env != NULL && env[0] != '\0')
        return env;
    return CS_FORMS_DIR;
}

/* Tesseract's OpenMP threads would oversubscribe the cores next to our
 * own workers, and OpenMP reads its limit when the library loads, before
 * main: so the program starts itself again with the limit set. */
static void
limit_openmp_threads(char **argv)
{
    if (getenv("OMP_THREAD_LIMIT") != NULL)
        return;
    if (setenv("OMP_THREAD_LIMIT", "1", 1) != 0)
        return;
    (void)execv("/proc/self/exe", argv);
    /* Without /proc the program still works, only oversubscribed. */
}

/* Every page allocates and frees a dozen page-sized images (8 to 33 MB).
 * glibc hands blocks that large to mmap and back to the kernel at once, so
 * each costs page faults and zeroing again: keep them in the heap. */
static void
keep_page_buffers(void)
{
#ifdef __GLIBC__
    (void)mallopt(M_MMAP_THRESHOLD, 64 * 1024 * 1024);
    (void)mallopt(M_TRIM_THRESHOLD, 256 * 1024 * 1024);
#endif
}

int
main(int argc, char **argv)
{
    keep_page_buffers();
    limit_openmp_threads(argv);
    if (argc < 2) {
        main_help(stderr);
        return CLI_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        main_help(stdout);
        return CLI_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("%s %s\n", CLI_NAME, CS_VERSION);
        return CLI_EXIT_OK;
    }
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(&commands[i], argc - 1, argv + 1);
    fprintf(stderr, "%s: unknown command '%s'\n", CLI_NAME, argv[1]);
    main_help(stderr);
    return CLI_EXIT_USAGE;
}
