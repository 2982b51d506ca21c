/* buf.h: a growable byte buffer on the heap, for text being built. */
#ifndef MESHROLL_BUF_H
#define MESHROLL_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *data; /* owned; NUL-terminated when len > 0 */
	size_t len;
	size_t cap;
};

void buf_init(struct buf *b);
void buf_release(struct buf *b);
/* Makes room for n more bytes and a NUL after data + len. */
void buf_reserve(struct buf *b, size_t n);
void buf_add(struct buf *b, const void *p, size_t n);
void buf_adds(struct buf *b, const char *s);
void buf_addc(struct buf *b, char c);
void buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_add_int(struct buf *b, long long v); /* v in decimal, like "%lld" */
void buf_pad(struct buf *b, int n);           /* n spaces */
/* Appends w as one word of a POSIX shell command: as it is when it holds only characters no
 * shell reads specially, else in single quotes. */
void buf_add_shell_word(struct buf *b, const char *w);

/* Writes v in decimal, like "%lld", into out (no NUL); returns its length. */
size_t fmt_int(char out[static 20], long long v);
/* The same with zeros after the sign up to width characters (at most 20), like "%0*lld". */
size_t fmt_int_zeros(char out[static 20], long long v, int width);
/* Like vsnprintf, without its cost, for the conversions the per-file paths use: %s (not
 * NULL), %.*s, %c, %d, %u, %ld, %lld, %zu and %%, with no flags or widths. Returns -1 and
 * leaves out undefined for any other format: the caller then uses vsnprintf. */
int fmt_simple(char *out, size_t cap, const char *fmt, va_list ap);
/* snprintf, through fmt_simple() where it can. */
int fmt_str(char *out, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
