/* buf.c: growable byte buffer. */
#include "buf.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
buf_init(struct buf *b)
{
	b->data = NULL;
	b->len = b->cap = 0;
}

void
buf_release(struct buf *b)
{
	free(b->data);
	buf_init(b);
}

void
buf_reserve(struct buf *b, size_t n)
{
	if (b->cap - b->len > n)
		return;
	size_t cap = b->cap ? b->cap : 256;
	while (cap - b->len <= n)
		cap *= 2;
	char *p = realloc(b->data, cap);
	if (!p) {
		fputs("meshroll: out of memory\n", stderr);
		fflush(stderr); /* abort() flushes nothing */
		abort();
	}
	b->data = p;
	b->cap = cap;
}

void
buf_add(struct buf *b, const void *p, size_t n)
{
	buf_reserve(b, n);
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_addc(struct buf *b, char c)
{
	buf_add(b, &c, 1);
}

void
buf_pad(struct buf *b, int n)
{
	buf_reserve(b, (size_t)n);
	memset(b->data + b->len, ' ', (size_t)n);
	b->len += (size_t)n;
	b->data[b->len] = '\0';
}

void
buf_add_int(struct buf *b, long long v)
{
	char s[20];

	buf_add(b, s, fmt_int(s, v));
}

void
buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = fmt_simple(NULL, 0, fmt, ap);
	va_end(ap);
	int simple = n >= 0;
	if (!simple) {
		va_start(ap, fmt);
		n = vsnprintf(NULL, 0, fmt, ap);
		va_end(ap);
	}
	if (n <= 0)
		return;
	buf_reserve(b, (size_t)n);
	va_start(ap, fmt);
	if (simple)
		fmt_simple(b->data + b->len, (size_t)n + 1, fmt, ap);
	else
		vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

size_t
fmt_int(char out[static 20], long long v)
{
	char tmp[20];
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	size_t n = 0, len = 0;

	do
		tmp[n++] = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		out[len++] = '-';
	while (n)
		out[len++] = tmp[--n];
	return len;
}

size_t
fmt_int_zeros(char out[static 20], long long v, int width)
{
	char num[20];
	size_t len = fmt_int(num, v), sign = v < 0, n = 0;

	if (sign)
		out[n++] = '-';
	for (size_t w = len; w < (size_t)width && w < 20; w++)
		out[n++] = '0';
	memcpy(out + n, num + sign, len - sign);
	return n + len - sign;
}

/* Appends s[0..len) to out, as far as cap allows; *n counts every byte. */
static void
fmt_put(char *out, size_t cap, size_t *n, const char *s, size_t len)
{
	if (*n < cap)
		memcpy(out + *n, s, len < cap - *n ? len : cap - *n);
	*n += len;
}

int
fmt_simple(char *out, size_t cap, const char *fmt, va_list ap)
{
	size_t n = 0;
	char num[20];
	va_list aq;

	va_copy(aq, ap);
	for (const char *f = fmt; *f;) {
		const char *s = f;
		size_t len = strcspn(f, "%");
		if (len)
			f += len;
		else if (f[1] == '%')
			s = "%", len = 1, f += 2;
		else if (f[1] == 's' && (s = va_arg(aq, const char *)))
			len = strlen(s), f += 2;
		else if (!strncmp(f, "%.*s", 4) && (len = (size_t)va_arg(aq, int)) <= INT_MAX &&
		         (s = va_arg(aq, const char *)))
			len = strnlen(s, len), f += 4;
		else if (f[1] == 'c')
			num[0] = (char)va_arg(aq, int), s = num, len = 1, f += 2;
		else if (f[1] == 'd')
			s = num, len = fmt_int(num, va_arg(aq, int)), f += 2;
		else if (f[1] == 'u')
			s = num, len = fmt_int(num, va_arg(aq, unsigned)), f += 2;
		else if (!strncmp(f, "%ld", 3))
			s = num, len = fmt_int(num, va_arg(aq, long)), f += 3;
		else if (!strncmp(f, "%lld", 4))
			s = num, len = fmt_int(num, va_arg(aq, long long)), f += 4;
		else if (!strncmp(f, "%zu", 3) && (len = va_arg(aq, size_t)) <= LLONG_MAX)
			s = num, len = fmt_int(num, (long long)len), f += 3;
		else {
			va_end(aq);
			return -1;
		}
		fmt_put(out, cap, &n, s, len);
	}
	va_end(aq);
	if (n > INT_MAX)
		return -1;
	if (cap)
		out[n < cap ? n : cap - 1] = '\0';
	return (int)n;
}

int
fmt_str(char *out, size_t cap, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = fmt_simple(out, cap, fmt, ap);
	va_end(ap);
	if (n < 0) {
		va_start(ap, fmt);
		n = vsnprintf(out, cap, fmt, ap);
		va_end(ap);
	}
	return n;
}

void
buf_add_shell_word(struct buf *b, const char *w)
{
	static const char safe[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	                           "0123456789_./:=@%+-,";

	if (*w && w[strspn(w, safe)] == '\0') {
		buf_adds(b, w);
		return;
	}
	buf_addc(b, '\'');
	for (; *w; w++)
		buf_adds(b, *w == '\'' ? "'\\''" : (char[]){*w, '\0'});
	buf_addc(b, '\'');
}
