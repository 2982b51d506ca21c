/* diag.c: collecting and printing diagnostics. */
#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "source.h"

void
diags_init(struct diags *d, struct arena *a)
{
	memset(d, 0, sizeof(*d));
	d->arena = a;
}

static struct diag *
diag_push(struct diags *d, enum diag_level level)
{
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;
		d->v = arena_grow(d->arena, d->v, d->n * sizeof(*d->v), cap * sizeof(*d->v));
		d->cap = cap;
	}
	struct diag *g = &d->v[d->n];
	g->seq = d->n++;
	g->level = level;
	g->span = 1;
	if (level == DIAG_ERROR)
		d->errors++;
	else
		d->warnings++;
	return g;
}

int
diag_at(struct diags *d, enum diag_level level, const struct source *src, int line, int col,
        int span, const char *fmt, ...)
{
	struct diag *g = diag_push(d, level);
	va_list ap;

	g->file = src ? arena_strdup(d->arena, src->path) : NULL; /* the source may go first */
	g->line = line;
	g->col = col;
	g->span = span > 0 ? span : 1;
	va_start(ap, fmt);
	g->msg = arena_vprintf(d->arena, fmt, ap);
	va_end(ap);
	if (src && line > 0) {
		size_t len;
		const char *text = source_line(src, line, &len);
		if (text)
			g->text = arena_strndup(d->arena, text, len);
	}
	return -1;
}

int
diag_loc(struct diags *d, enum diag_level level, const char *file, int line, int col,
         const char *fmt, ...)
{
	struct diag *g = diag_push(d, level);
	va_list ap;

	g->file = file ? arena_strdup(d->arena, file) : NULL;
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
	struct diag *g = diag_push(d, DIAG_ERROR);
	va_list ap;

	g->io = 1;
	d->io_errors++;
	g->file = path ? arena_strdup(d->arena, path) : NULL;
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
		d->errors += d->v[i].level == DIAG_ERROR;
		d->io_errors += d->v[i].io;
		d->warnings += d->v[i].level == DIAG_WARNING;
	}
}

static int
diag_cmp(const void *pa, const void *pb)
{
	const struct diag *a = pa, *b = pb;
	int c = strcmp(a->file ? a->file : "", b->file ? b->file : "");

	if (c)
		return c;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->col != b->col)
		return a->col < b->col ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* The source line, then a caret under col; tabs before it are kept so the caret lines up. */
static void
diag_print_excerpt(const struct diag *g, FILE *fp)
{
	const unsigned char *s = (const unsigned char *)g->text;
	int col = 1;

	fprintf(fp, "    %s\n    ", g->text);
	for (; *s && col < g->col; s++) {
		if ((*s & 0xC0) == 0x80)
			continue; /* a UTF-8 continuation byte: same character */
		fputc(*s == '\t' ? '\t' : ' ', fp);
		col++;
	}
	fputc('^', fp);
	for (int i = 1; i < g->span; i++)
		fputc('~', fp);
	fputc('\n', fp);
}

void
diags_print(struct diags *d, FILE *fp)
{
	if (d->n == 0)
		return;
	qsort(d->v, d->n, sizeof(*d->v), diag_cmp);
	for (size_t i = 0; i < d->n; i++) {
		const struct diag *g = &d->v[i];
		const char *what = g->level == DIAG_ERROR ? "error" : "warning";

		if (g->file && g->line > 0)
			fprintf(fp, "%s:%d:%d: %s: %s\n", g->file, g->line, g->col, what, g->msg);
		else if (g->file)
			fprintf(fp, "%s: %s: %s\n", g->file, what, g->msg);
		else
			fprintf(fp, "meshroll: %s: %s\n", what, g->msg);
		if (g->text && g->col > 0)
			diag_print_excerpt(g, fp);
	}
	d->n = 0;
}
