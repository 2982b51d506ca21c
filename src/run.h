/* run.h: what every command shares: the arenas, the diagnostics, the rollouts named on the
 * command line (files, or directories searched for them), and the exit status. */
#ifndef MESHROLL_RUN_H
#define MESHROLL_RUN_H

#include "arena.h"
#include "conflict.h"
#include "diag.h"
#include "model.h"
#include "schema.h"
#include "template.h"

enum { RUN_MAX_FILES = 10000 }; /* rollout files (named, or Rollouts found) in one run */

enum run_flags {
	RUN_TEMPLATES = 1 << 0, /* load the templates too (render, check) */
	RUN_STREAM = 1 << 1,    /* keep no model: hand each to run.each, then drop it */
};

/* What a run keeps of each rollout it loaded, models kept or not. */
struct run_ref {
	const char *file;   /* as named */
	const char *source; /* as the rollout's source (model.h); run_place() sets it */
	int line, col;      /* of metadata.name */
	const char *ns, *name;
	int placed; /* source is relative to the output directory */
};

struct run {
	struct arena arena;   /* the models, the diagnostics, names */
	struct arena scratch; /* one file's parse tree or rendered tree at a time */
	struct diags diags;
	struct conflicts conflicts; /* what the checks across rollouts need of each */
	struct schema schema;
	struct templates templates;
	struct rollout **rollouts; /* in the order found; heap; none with RUN_STREAM */
	struct run_ref *refs;      /* the same; heap */
	size_t n, cap;
	/* RUN_STREAM: called with each rollout while no error is recorded nor conflict found
	 * (conflict.h), its model in the arena model, which is reset after; it returns -1 to be
	 * called no more */
	int (*each)(struct run *r, struct rollout *ro, void *ctx);
	void *ctx;
	int stopped;        /* each returned -1 */
	unsigned flags;     /* run_load()'s */
	struct arena model; /* RUN_STREAM: the model of the rollout loaded now */
	const char *base;   /* the output directory, real (run_base()); NULL: not known */
	int base_err;       /* errno of resolving it, when it failed */
	const char **dirs;  /* the directories named; after run_place(), as sources are */
	size_t ndirs;
	int files;         /* rollout files loaded, for RUN_MAX_FILES */
	int stdout_failed; /* run_print() could not write */
};

void run_init(struct run *r);
/* Loads the templates (with RUN_TEMPLATES, from dir where given) and every rollout that args
 * name: a file must be a Rollout; a directory means every *.yaml and *.yml below it (sorted,
 * hidden entries skipped) whose kind is Rollout. Then checks across files: one rollout per
 * namespace and name, one rollout per host and namespace. Returns 0, or -1 when any error
 * was recorded. */
int run_load(struct run *r, char **args, int nargs, const char *templates, unsigned flags);
/* Resolves the output directory out before run_load(), so that each rollout streamed has
 * its source relative to it (run_place() reports a failure). */
void run_base(struct run *r, const char *out);
/* Records where each rollout file and each directory named lies relative to the output
 * directory out, links resolved: the source every generated file's header names (render.h),
 * the same from any working directory however a path is spelled. Returns 0, or -1 with an
 * I/O diagnostic. */
int run_place(struct run *r, const char *out);
/* Writes a command's output to stdout in one go, not through stdio: a command that prints one
 * buffer needs neither stdio's buffer nor its look at what fd 1 is. A failure makes
 * run_finish() say so and return EXIT_IO. */
void run_print(struct run *r, const char *data, size_t len);
/* Prints the diagnostics, flushes stdout, frees the run, and returns the exit status: status,
 * or EXIT_IO after an I/O error, or EXIT_INVALID after any other error. */
int run_finish(struct run *r, int status);
/* Prints "meshroll: MESSAGE" and the usage text to stderr; returns EXIT_USAGE. */
int usage_error(const char *usage, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints text to stdout and returns the exit status of that (for --help). */
int print_help(const char *text);

#endif
