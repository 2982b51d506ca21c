/* diag.h: diagnostics are collected, never printed where they are found.
 *
 * Stage code records an error with its file:line:col and returns -1; main
 * prints them all, sorted, and then chooses the exit status. The text of a
 * diagnostic, and a copy of the source line it points at (a window of it when
 * the line is long), live in the arena given to diags_init(), so a diagnostic
 * outlives the source it came from. However big the input, what is kept and
 * printed is bounded: DIAG_MAX_PER_FILE diagnostics a file, DIAG_EXCERPT
 * characters of its line each. */
#ifndef MESHROLL_DIAG_H
#define MESHROLL_DIAG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include "arena.h"

struct source;

enum diag_level { DIAG_ERROR, DIAG_WARNING };

enum {
	DIAG_MAX_PER_FILE = 50, /* diagnostics kept for a file in a row; the rest are counted */
	DIAG_EXCERPT = 100,     /* characters of a source line shown at most, around the caret */
};

struct diag {
	const char *file; /* NULL when the diagnostic is about no file */
	int line, col;    /* 1-based; 0 when unknown */
	int span;         /* width of the caret underline in characters, >= 1 */
	enum diag_level level;
	int io;           /* an I/O or internal error (exit 3), not bad input */
	const char *msg;  /* lowercase, no final period; arena */
	const char *text; /* the source line, or DIAG_EXCERPT characters of it around col with
	                     "..." where it is cut; arena; NULL when none */
	int text_col;     /* the caret's column in text */
	size_t seq;       /* order of recording, to keep the sort stable */
	/* on the line that closes a file's DIAG_MAX_PER_FILE: the diagnostics not kept */
	int more_errors, more_io, more_warnings;
};

struct diags {
	struct arena *arena; /* borrowed: holds messages and line copies */
	struct diag *v;      /* arena */
	size_t n, cap;
	int errors;    /* every error, bad input or I/O, kept or only counted */
	int io_errors; /* the I/O or internal ones among them */
	int warnings;
};

void diags_init(struct diags *d, struct arena *a);
/* The three below record a diagnostic, or only count it once DIAG_MAX_PER_FILE about the same
 * file were recorded in a row: then one last line for that file says how many more there are
 * ("too many errors in this file; N more not shown"). */
/* Records a diagnostic pointing at src:line:col. Returns -1, so `return diag_at(...)` reads well.
 */
int diag_at(struct diags *d, enum diag_level level, const struct source *src, int line, int col,
            int span, const char *fmt, ...) __attribute__((format(printf, 7, 8)));
/* The same with a va_list; the message is made only when the diagnostic is recorded. */
int diag_vat(struct diags *d, enum diag_level level, const struct source *src, int line, int col,
             int span, const char *fmt, va_list ap) __attribute__((format(printf, 7, 0)));
/* Records a diagnostic at file:line:col without its source line (the source may be gone). */
int diag_loc(struct diags *d, enum diag_level level, const char *file, int line, int col,
             const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* Records an I/O or internal error about path (may be NULL), with strerror(errnum) when nonzero. */
int diag_io(struct diags *d, const char *path, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Forgets the diagnostics recorded since d->n was mark. */
void diags_rewind(struct diags *d, size_t mark);
/* Prints every diagnostic sorted by file, line and column, compiler style, then forgets them;
 * flushes fp. */
void diags_print(struct diags *d, FILE *fp);

#endif
