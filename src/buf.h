/* buf.h: a growable byte buffer on the heap, for text being built. */
#ifndef MESHROLL_BUF_H
#define MESHROLL_BUF_H

#include <stddef.h>

struct buf {
	char *data; /* owned; NUL-terminated when len > 0 */
	size_t len;
	size_t cap;
};

void buf_init(struct buf *b);
void buf_release(struct buf *b);
void buf_add(struct buf *b, const void *p, size_t n);
void buf_adds(struct buf *b, const char *s);
void buf_addc(struct buf *b, char c);
void buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_pad(struct buf *b, int n); /* n spaces */
/* Appends w as one word of a POSIX shell command: as it is when it holds only characters no
 * shell reads specially, else in single quotes. */
void buf_add_shell_word(struct buf *b, const char *w);

#endif
