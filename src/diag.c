/* diag.c: collecting and printing diagnostics. */
#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "source.h"

enum { MORE_MSG = 64 }; /* room for "too many errors in this file; N more not shown" */

void
diags_init(struct diags *d, struct arena *a)
{
	memset(d, 0, sizeof(*d));
	d->arena = a;
}

static int
same_file(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* Whether g is the line that closes a file's DIAG_MAX_PER_FILE, counting the rest. */
static int
diag_is_more(const struct diag *g)
{
	return g->more_errors + g->more_warnings > 0;
}

static struct diag *
diag_new(struct diags *d)
{
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;
		d->v = arena_grow(d->arena, d->v, d->n * sizeof(*d->v), cap * sizeof(*d->v));
		d->cap = cap;
	}
	struct diag *g = &d->v[d->n];
	memset(g, 0, sizeof(*g));
	g->seq = d->n++;
	g->span = 1;
	return g;
}

/* Counts a diagnostic past the cap on the file's last line, which the first one makes. */
static void
diag_count_more(struct diags *d, enum diag_level level, int io)
{
	struct diag *more = &d->v[d->n - 1];

	if (!diag_is_more(more)) {
		const char *file = more->file;
		more = diag_new(d);
		more->file = file;
		more->msg = arena_alloc(d->arena, MORE_MSG);
	}
	more->more_errors += level == DIAG_ERROR;
	more->more_io += io;
	more->more_warnings += level == DIAG_WARNING;
	more->level = more->more_errors ? DIAG_ERROR : DIAG_WARNING;
	snprintf((char *)more->msg, MORE_MSG, "too many %s in this file; %d more not shown",
	         more->more_errors ? "errors" : "warnings",
	         more->more_errors + more->more_warnings);
}

/* A new diagnostic about file; NULL when DIAG_MAX_PER_FILE about it came just before, and this
 * one is only counted. */
static struct diag *
diag_push(struct diags *d, enum diag_level level, const char *file, int io)
{
	size_t run = 0;

	d->errors += level == DIAG_ERROR;
	d->io_errors += io;
	d->warnings += level == DIAG_WARNING;
	while (run < d->n && run < DIAG_MAX_PER_FILE && same_file(d->v[d->n - 1 - run].file, file))
		run++;
	if (run == DIAG_MAX_PER_FILE || (run && diag_is_more(&d->v[d->n - 1]))) {
		diag_count_more(d, level, io);
		return NULL;
	}
	struct diag *g = diag_new(d);
	g->level = level;
	g->io = io;
	g->file = file ? arena_strdup(d->arena, file) : NULL;
	return g;
}

/* The source line of g, or DIAG_EXCERPT characters of it around the caret with "..." where it
 * is cut; the caret's column and the underline fitted to what is kept. */
static void
diag_excerpt(struct diags *d, struct diag *g, const struct source *src)
{
	size_t len, before = g->col > DIAG_EXCERPT / 4 ? (size_t)g->col - 1 - DIAG_EXCERPT / 4 : 0;
	const char *line = source_line(src, g->line, &len);

	if (!line)
		return;
	const char *end = line + len;
	g->text_col = g->col;
	if (utf8_skip(line, end, DIAG_EXCERPT) == end) {
		g->text = arena_strndup(d->arena, line, len);
		return;
	}
	const char *from = utf8_skip(line, end, before), *to = utf8_skip(from, end, DIAG_EXCERPT);
	g->text = arena_printf(d->arena, "%s%.*s%s", before ? "..." : "", (int)(to - from), from,
	                       to < end ? "..." : "");
	g->text_col = g->col - (int)before + (before ? 3 : 0);
	int room = DIAG_EXCERPT - (g->col - 1 - (int)before);
	if (g->span > room)
		g->span = room > 1 ? room : 1;
}

int
diag_vat(struct diags *d, enum diag_level level, const struct source *src, int line, int col,
         int span, const char *fmt, va_list ap)
{
	struct diag *g = diag_push(d, level, src ? src->path : NULL, 0);

	if (!g)
		return -1;
	g->line = line;
	g->col = col;
	g->span = span > 0 ? span : 1;
	g->msg = arena_vprintf(d->arena, fmt, ap);
	if (src && line > 0)
		diag_excerpt(d, g, src);
	return -1;
}

int
diag_at(struct diags *d, enum diag_level level, const struct source *src, int line, int col,
        int span, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vat(d, level, src, line, col, span, fmt, ap);
	va_end(ap);
	return -1;
}

int
diag_loc(struct diags *d, enum diag_level level, const char *file, int line, int col,
         const char *fmt, ...)
{
	struct diag *g = diag_push(d, level, file, 0);
	va_list ap;

	if (!g)
		return -1;
	g->line = line;
	g->col = col;
	va_start(ap, fmt);
	g->msg = arena_vprintf(d->arena, fmt, ap);
	va_end(ap);
	return -1;
}

int
diag_io(struct diags *d, const char *path, int errnum, const char *fmt, ...)
{
	struct diag *g = diag_push(d, DIAG_ERROR, path, 1);
	va_list ap;

	if (!g)
		return -1;
	va_start(ap, fmt);
	char *msg = arena_vprintf(d->arena, fmt, ap);
	va_end(ap);
	g->msg = errnum ? arena_printf(d->arena, "%s: %s", msg, strerror(errnum)) : msg;
	return -1;
}

void
diags_rewind(struct diags *d, size_t mark)
{
	d->n = mark;
	d->errors = d->io_errors = d->warnings = 0;
	for (size_t i = 0; i < mark; i++) {
		const struct diag *g = &d->v[i];
		int more = diag_is_more(g);
		d->errors += more ? g->more_errors : g->level == DIAG_ERROR;
		d->io_errors += more ? g->more_io : g->io;
		d->warnings += more ? g->more_warnings : g->level == DIAG_WARNING;
	}
}

static int
diag_cmp(const void *pa, const void *pb)
{
	const struct diag *a = pa, *b = pb;
	int c = strcmp(a->file ? a->file : "", b->file ? b->file : "");

	if (c)
		return c;
	if (diag_is_more(a) != diag_is_more(b))
		return diag_is_more(a) - diag_is_more(b); /* a file's last */
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->col != b->col)
		return a->col < b->col ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* The source line, then a caret under its column; tabs before it are kept so the caret lines
 * up. */
static void
diag_add_excerpt(struct buf *b, const struct diag *g)
{
	char caret[8 * DIAG_EXCERPT];
	const unsigned char *s = (const unsigned char *)g->text;
	size_t n = 0;

	for (int col = 1; *s && col < g->text_col && n < sizeof(caret) / 2; s++) {
		if ((*s & 0xC0) == 0x80)
			continue; /* a UTF-8 continuation byte: same character */
		caret[n++] = *s == '\t' ? '\t' : ' ';
		col++;
	}
	caret[n++] = '^';
	for (int i = 1; i < g->span && n < sizeof(caret) - 1; i++)
		caret[n++] = '~';
	caret[n] = '\0';
	buf_addf(b, "    %s\n    %s\n", g->text, caret);
}

void
diags_print(struct diags *d, FILE *fp)
{
	struct buf b;

	if (d->n == 0)
		return;
	qsort(d->v, d->n, sizeof(*d->v), diag_cmp);
	buf_init(&b);
	for (size_t i = 0; i < d->n; i++) {
		const struct diag *g = &d->v[i];
		const char *what = g->level == DIAG_ERROR ? "error" : "warning";

		if (g->file && g->line > 0)
			buf_addf(&b, "%s:%d:%d: %s: %s\n", g->file, g->line, g->col, what, g->msg);
		else if (g->file)
			buf_addf(&b, "%s: %s: %s\n", g->file, what, g->msg);
		else
			buf_addf(&b, "meshroll: %s: %s\n", what, g->msg);
		if (g->text && g->col > 0)
			diag_add_excerpt(&b, g);
	}
	d->n = 0;
	/* many short lines: built first, they reach an unbuffered stderr in one write */
	fwrite(b.data, 1, b.len, fp);
	fflush(fp);
	buf_release(&b);
}
