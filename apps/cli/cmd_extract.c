/*
 * cmd_extract.c: `claimscan extract`: scans in, claim records out, pages
 * read by a fixed pool of workers, each with its own OCR engine; records
 * come out in input order.
 */
#include "apps/cli/cli.h"

#include <errno.h>
#include <fcntl.h>
#include <leptonica/allheaders.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "apps/cli/pipeline.h"
#include "common/log.h"

enum {
    OPT_FORM,
    OPT_JOBS,
    OPT_OUT,
    OPT_OVERLAY,
    OPT_FORMS,
    OPT_SUMMARY,
    OPT_VERBOSE
};

typedef struct settings {
    const char *form;
    int jobs;
    const char *out_dir;
    const char *overlay_dir;
    const char *forms_dir;
    int summary;
    int verbose;
} settings;

/* A document shared by the jobs of its pages. */
typedef struct doc_ref {
    intake_doc *doc;
    size_t file;      /* index into the inputs */
    size_t remaining; /* pages not yet done; the last frees doc */
} doc_ref;

typedef struct job {
    size_t seq; /* output order */
    doc_ref *ref;
    size_t page;
} job;

/* A finished page waiting for its turn to be printed. */
typedef struct slot {
    int done;
    int failed;
    pipeline_page_out out;
    size_t file, page;
    char message[CS_ERROR_MESSAGE_MAX];
} slot;

#define QUEUE_CAP 64

typedef struct pool {
    const settings *set;
    char **files;
    char **stems; /* output name stems, unique */
    const extract_catalog *cat;
    pthread_mutex_t lock;
    pthread_cond_t can_push, can_pop;
    job queue[QUEUE_CAP];
    size_t qhead, qlen;
    int closing;
    slot *slots;
    size_t nslots, next_print;
    /* totals */
    size_t pages, failed_pages, review_pages, fields, filled, flagged;
    double page_seconds;
    int status;
    int write_failed; /* stdout refused a record: said once */
} pool;

/* Keeps the gravest exit status: failure over unreadable input over ok. */
static void
raise_status(int *status, int code)
{
    if (code > *status)
        *status = code;
}

static int
on_option(size_t id, const char *arg, void *ctx)
{
    settings *s = ctx;

    switch (id) {
    case OPT_FORM:
        s->form = arg;
        break;
    case OPT_JOBS:
        if (cli_parse_int(&s->jobs, arg, 1, 256) != 0) {
            fprintf(stderr,
                    "%s: extract: --jobs takes a number from 1 to "
                    "256\n",
                    CLI_NAME);
            return -1;
        }
        break;
    case OPT_OUT:
        s->out_dir = arg;
        break;
    case OPT_OVERLAY:
        s->overlay_dir = arg;
        break;
    case OPT_FORMS:
        s->forms_dir = arg;
        break;
    case OPT_SUMMARY:
        s->summary = 1;
        break;
    case OPT_VERBOSE:
        s->verbose = 1;
        break;
    }
    return 0;
}

/* Prints (or writes) the finished pages that are next in order. Called
 * with the lock held. */
static void
flush_ready(pool *p)
{
    while (p->next_print < p->nslots && p->slots[p->next_print].done) {
        slot *s = &p->slots[p->next_print];
        const char *file = p->files[s->file];
        char path[4096];
        if (s->failed) {
            fprintf(stderr, "%s: %s: page %zu: %s\n", CLI_NAME, file,
                    s->page + 1, s->message);
            raise_status(&p->status, CLI_EXIT_INPUT);
            p->failed_pages++;
        } else {
            if (p->set->out_dir != NULL) {
                size_t len = strlen(s->out.json);
                cs_error err = CS_ERROR_INIT;
                (void)snprintf(path, sizeof(path), "%s/%s-p%zu.json",
                               p->set->out_dir, p->stems[s->file], s->page + 1);
                s->out.json[len] = '\n'; /* replaces the NUL; not a string */
                if (intake_file_write_atomic(path, s->out.json, len + 1,
                                             &err) != CS_OK) {
                    fprintf(stderr, "%s: cannot write %s: %s\n", CLI_NAME, path,
                            err.message);
                    raise_status(&p->status, CLI_EXIT_INPUT);
                }
                s->out.json[len] = '\0';
            } else if (fputs(s->out.json, stdout) == EOF ||
                       fputc('\n', stdout) == EOF || fflush(stdout) != 0) {
                if (!p->write_failed)
                    fprintf(stderr, "%s: cannot write records: %s\n", CLI_NAME,
                            strerror(errno));
                p->write_failed = 1;
                raise_status(&p->status, CLI_EXIT_FAILURE);
            }
            if (p->set->summary)
                fprintf(stderr,
                        "  %-40s p%-3zu %3zu/%zu fields filled, %3zu "
                        "flagged%s  %.2f s\n",
                        file, s->page + 1, s->out.filled, s->out.nfields,
                        s->out.flagged, s->out.review ? ", needs review" : "",
                        s->out.seconds);
            p->pages++;
            p->review_pages += s->out.review != 0;
            p->fields += s->out.nfields;
            p->filled += s->out.filled;
            p->flagged += s->out.flagged;
            p->page_seconds += s->out.seconds;
        }
        pipeline_page_out_clear(&s->out);
        p->next_print++;
    }
}

static void
write_overlay(pool *p, const job *j, pipeline_page_out *out)
{
    char path[4096];

    if (out->overlay == NULL)
        return;
    if (snprintf(path, sizeof(path), "%s/%s-p%zu.png", p->set->overlay_dir,
                 p->stems[j->ref->file], j->page + 1) >= (int)sizeof(path) ||
        pixWrite(path, out->overlay, IFF_PNG) != 0) {
        fprintf(stderr, "%s: cannot write overlay %s\n", CLI_NAME, path);
    }
}

static void *
worker_main(void *arg)
{
    pool *p = arg;
    ocr_engine *eng = NULL;
    cs_error err = CS_ERROR_INIT;
    int engine_ok = ocr_engine_new(&eng, NULL, &err) == CS_OK;

    for (;;) {
        job j;
        pipeline_page_out out;
        cs_status rc;

        pthread_mutex_lock(&p->lock);
        while (p->qlen == 0 && !p->closing)
            pthread_cond_wait(&p->can_pop, &p->lock);
        if (p->qlen == 0) {
            pthread_mutex_unlock(&p->lock);
            break;
        }
        j = p->queue[p->qhead];
        p->qhead = (p->qhead + 1) % QUEUE_CAP;
        p->qlen--;
        pthread_cond_signal(&p->can_push);
        pthread_mutex_unlock(&p->lock);

        cs_error_clear(&err);
        rc = engine_ok
                 ? pipeline_run_page(&out, eng, p->cat, p->set->form,
                                     j.ref->doc, j.page, p->files[j.ref->file],
                                     p->set->overlay_dir != NULL, &err)
                 : CS_EOCR;
        if (!engine_ok)
            memset(&out, 0, sizeof(out));
        if (rc == CS_OK && p->set->overlay_dir != NULL)
            write_overlay(p, &j, &out);
        if (rc == CS_OK)
            cs_log(CS_LOG_DEBUG, "document %zu page %zu: %.2f s, %zu flagged",
                   j.ref->file + 1, j.page + 1, out.seconds, out.flagged);

        pthread_mutex_lock(&p->lock);
        {
            slot *s = &p->slots[j.seq];
            s->done = 1;
            s->failed = rc != CS_OK;
            s->out = out;
            s->file = j.ref->file;
            s->page = j.page;
            (void)snprintf(s->message, sizeof(s->message), "%s",
                           err.message[0] != '\0' ? err.message
                                                  : cs_status_str(rc));
        }
        if (--j.ref->remaining == 0) {
            intake_doc_free(j.ref->doc);
            free(j.ref);
        }
        flush_ready(p);
        pthread_mutex_unlock(&p->lock);
    }
    ocr_engine_free(eng);
    return NULL;
}

/* Queues one job; blocks while the queue is full. Grows the slot table. */
static int
push_job(pool *p, doc_ref *ref, size_t page)
{
    int rc = 0;

    pthread_mutex_lock(&p->lock);
    while (p->qlen == QUEUE_CAP)
        pthread_cond_wait(&p->can_push, &p->lock);
    {
        slot *grown = realloc(p->slots, (p->nslots + 1) * sizeof(*p->slots));
        if (grown == NULL) {
            rc = -1;
        } else {
            p->slots = grown;
            memset(&p->slots[p->nslots], 0, sizeof(*p->slots));
            p->queue[(p->qhead + p->qlen) % QUEUE_CAP] =
                (job){p->nslots, ref, page};
            p->nslots++;
            p->qlen++;
            pthread_cond_signal(&p->can_pop);
        }
    }
    pthread_mutex_unlock(&p->lock);
    return rc;
}

/* Output stems: the file's name without folder and extension, made unique
 * with -2, -3... so that no record overwrites another's. */
static char **
make_stems(char **files, size_t n)
{
    char **stems = calloc(n + 1, sizeof(*stems));

    for (size_t i = 0; stems != NULL && i < n; i++) {
        const char *base = strrchr(files[i], '/');
        size_t len;
        char buf[300];
        int k = 1;
        base = base != NULL ? base + 1 : files[i];
        len = strcspn(base, ".");
        if (len == 0 || len > 200)
            len = len == 0 ? strlen(base) : 200;
        (void)snprintf(buf, sizeof(buf), "%.*s", (int)len, base);
        for (size_t j = 0; j < i; j++)
            if (strcmp(stems[j], buf) == 0) {
                (void)snprintf(buf, sizeof(buf), "%.*s-%d", (int)len, base,
                               ++k);
                j = (size_t)-1; /* start over with the new name */
            }
        stems[i] = strdup(buf);
        if (stems[i] == NULL) {
            for (size_t j = 0; j < i; j++)
                free(stems[j]);
            free(stems);
            return NULL;
        }
    }
    return stems;
}

/* Creates dir and its missing parents, owner-only; refuses a folder
 * others could write into or read from, since records carry PHI. */
static int
ensure_dir(const char *dir)
{
    cs_error err = CS_ERROR_INIT;

    if (intake_dir_make_private(dir, &err) == CS_OK)
        return 0;
    fprintf(stderr, "%s: cannot create folder %s: %s\n", CLI_NAME, dir,
            err.message);
    return -1;
}

static double
wall_seconds(void)
{
    struct timespec ts;

    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
print_summary(const pool *p, size_t nfiles, double wall)
{
    fprintf(stderr,
            "\n%zu file(s), %zu page(s) read, %zu page(s) failed\n"
            "%zu page(s) need review; %zu of %zu fields filled, %zu "
            "flagged for review (%.1f%%)\n"
            "%.1f s in all, %.2f pages/s\n",
            nfiles, p->pages, p->failed_pages, p->review_pages, p->filled,
            p->fields, p->flagged,
            p->fields > 0 ? 100.0 * p->flagged / p->fields : 0.0, wall,
            wall > 0 ? p->pages / wall : 0.0);
}

int
cmd_extract(const cli_command *cmd, int argc, char **argv)
{
    settings set = {NULL, 1, NULL, NULL, NULL, 0, 0};
    pool p;
    pthread_t *threads = NULL;
    extract_catalog *cat = NULL;
    cs_error err = CS_ERROR_INIT;
    int first, nthreads = 0, status = CLI_EXIT_OK;
    size_t nfiles;
    double t0 = wall_seconds();

    memset(&p, 0, sizeof(p));
    first = cli_parse(cmd, argc, argv, on_option, &set);
    if (first == -2)
        return CLI_EXIT_OK;
    if (first < 0)
        return CLI_EXIT_USAGE;
    if (first >= argc)
        return cli_usage_error(cmd, "no FILE given");
    nfiles = (size_t)(argc - first);
    cs_log_open(set.verbose ? CS_LOG_DEBUG : CS_LOG_WARN, stderr);
    if (cli_startup() != 0)
        return CLI_EXIT_FAILURE;
    if ((set.out_dir != NULL && ensure_dir(set.out_dir) != 0) ||
        (set.overlay_dir != NULL && ensure_dir(set.overlay_dir) != 0))
        return CLI_EXIT_FAILURE;
    if (extract_catalog_load(&cat, cli_forms_dir(set.forms_dir), &err) !=
        CS_OK) {
        fprintf(stderr, "%s: cannot load form templates from %s: %s\n",
                CLI_NAME, cli_forms_dir(set.forms_dir), err.message);
        return CLI_EXIT_FAILURE;
    }
    if (set.form != NULL && extract_catalog_find(cat, set.form) == NULL) {
        extract_catalog_free(cat);
        return cli_usage_error(cmd, "--form names no known template");
    }
    p.set = &set;
    p.files = argv + first;
    p.cat = cat;
    p.stems = make_stems(p.files, nfiles);
    threads = calloc((size_t)set.jobs, sizeof(*threads));
    if (p.stems == NULL || threads == NULL) {
        fprintf(stderr, "%s: out of memory\n", CLI_NAME);
        status = CLI_EXIT_FAILURE;
        goto cleanup;
    }
    pthread_mutex_init(&p.lock, NULL);
    pthread_cond_init(&p.can_push, NULL);
    pthread_cond_init(&p.can_pop, NULL);
    for (; nthreads < set.jobs; nthreads++)
        if (pthread_create(&threads[nthreads], NULL, worker_main, &p) != 0)
            break;
    if (nthreads == 0) {
        fprintf(stderr, "%s: cannot start a worker thread\n", CLI_NAME);
        status = CLI_EXIT_FAILURE;
        goto cleanup;
    }
    for (size_t i = 0; i < nfiles; i++) {
        doc_ref *ref = calloc(1, sizeof(*ref));
        size_t npages;
        cs_error_clear(&err);
        if (ref == NULL ||
            intake_doc_open(&ref->doc, p.files[i], NULL, &err) != CS_OK) {
            fprintf(stderr, "%s: %s: %s\n", CLI_NAME, p.files[i],
                    ref == NULL ? "out of memory" : err.message);
            free(ref);
            pthread_mutex_lock(&p.lock);
            raise_status(&p.status, CLI_EXIT_INPUT);
            pthread_mutex_unlock(&p.lock);
            continue;
        }
        cs_log(CS_LOG_DEBUG, "document %zu: %zu page(s)", i + 1,
               intake_doc_page_count(ref->doc));
        ref->file = i;
        npages = intake_doc_page_count(ref->doc);
        ref->remaining = npages;
        for (size_t pg = 0; pg < npages; pg++)
            if (push_job(&p, ref, pg) != 0) {
                /* Pages already queued still finish; this document's
                 * remaining pages and the files after it are not read. */
                fprintf(stderr, "%s: %s: out of memory; stopping here\n",
                        CLI_NAME, p.files[i]);
                pthread_mutex_lock(&p.lock);
                raise_status(&p.status, CLI_EXIT_INPUT);
                ref->remaining -= npages - pg;
                if (ref->remaining == 0) {
                    intake_doc_free(ref->doc);
                    free(ref);
                }
                pthread_mutex_unlock(&p.lock);
                i = nfiles;
                break;
            }
    }
    pthread_mutex_lock(&p.lock);
    p.closing = 1;
    pthread_cond_broadcast(&p.can_pop);
    pthread_mutex_unlock(&p.lock);
    for (int i = 0; i < nthreads; i++)
        (void)pthread_join(threads[i], NULL);
    status = p.status;
    if (set.summary)
        print_summary(&p, nfiles, wall_seconds() - t0);
    pthread_mutex_destroy(&p.lock);
    pthread_cond_destroy(&p.can_push);
    pthread_cond_destroy(&p.can_pop);
cleanup:
    for (size_t i = 0; p.stems != NULL && i < nfiles; i++)
        free(p.stems[i]);
    free(p.stems);
    free(p.slots);
    free(threads);
    extract_catalog_free(cat);
    return status;
}
