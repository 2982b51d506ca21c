/* source.c: the read stage: bytes in, size cap, no NUL, valid UTF-8. */
#include "source.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"

/* The length of the line break at p, 0 when there is none; the breaks libyaml counts. */
static size_t
break_len(const unsigned char *p, const unsigned char *end)
{
	if (p[0] == '\r')
		return p + 1 < end && p[1] == '\n' ? 2 : 1;
	if (p[0] == '\n')
		return 1;
	if (p[0] == 0xC2 && p + 1 < end && p[1] == 0x85)
		return 2; /* NEL */
	if (p[0] == 0xE2 && p + 2 < end && p[1] == 0x80 && (p[2] == 0xA8 || p[2] == 0xA9))
		return 3; /* LS, PS */
	return 0;
}

size_t
source_break_len(const struct source *src, size_t at)
{
	const unsigned char *p = (const unsigned char *)src->data;

	return at < src->len ? break_len(p + at, p + src->len) : 0;
}

size_t
source_break_before(const struct source *src, size_t at)
{
	const unsigned char *p = (const unsigned char *)src->data;

	if (at >= 2 && p[at - 2] == '\r' && p[at - 1] == '\n')
		return 2;
	if (at >= 1 && (p[at - 1] == '\n' || p[at - 1] == '\r'))
		return 1;
	if (at >= 2 && p[at - 2] == 0xC2 && p[at - 1] == 0x85)
		return 2;
	if (at >= 3 && p[at - 3] == 0xE2 && p[at - 2] == 0x80 &&
	    (p[at - 1] == 0xA8 || p[at - 1] == 0xA9))
		return 3;
	return 0;
}

static size_t
bom_len(const struct source *src)
{
	return src->len >= 3 && memcmp(src->data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
}

void
source_locate(const struct source *src, size_t offset, int *line, int *col)
{
	const unsigned char *p = (const unsigned char *)src->data + bom_len(src);
	const unsigned char *end = (const unsigned char *)src->data + src->len;
	const unsigned char *at = (const unsigned char *)src->data + offset;

	*line = 1;
	*col = 1;
	while (p < at && p < end) {
		size_t n = break_len(p, end);
		if (n) {
			++*line;
			*col = 1;
			p += n;
			continue;
		}
		if ((*p & 0xC0) != 0x80)
			++*col;
		p++;
	}
}

const char *
utf8_skip(const char *p, const char *end, size_t n)
{
	for (; p < end && n > 0; n--)
		for (p++; p < end && ((unsigned char)*p & 0xC0) == 0x80; p++)
			;
	return p;
}

size_t
source_offset(const struct source *src, size_t chars)
{
	const char *end = src->data + src->len;

	return (size_t)(utf8_skip(src->data + bom_len(src), end, chars) - src->data);
}

void
char_map_init(struct char_map *m, const struct source *src, struct arena *a)
{
	const char *p = src->data + bom_len(src), *end = src->data + src->len;
	uint32_t *at;

	*m = (struct char_map){.src = src, .ascii = true};
	for (const char *q = p; q < end && m->ascii; q++)
		m->ascii = (unsigned char)*q < 0x80;
	if (m->ascii)
		return;
	m->at = at = arena_alloc(a, (src->len / CHAR_MAP_STEP + 1) * sizeof(*at));
	for (size_t i = 0; p < end; i++, p = utf8_skip(p, end, 1))
		if (i % CHAR_MAP_STEP == 0)
			at[m->n++] = (uint32_t)(p - src->data);
}

size_t
char_map_offset(const struct char_map *m, size_t chars)
{
	const struct source *src = m->src;
	size_t bom = bom_len(src), k = chars / CHAR_MAP_STEP;

	if (m->ascii)
		return chars < src->len - bom ? bom + chars : src->len;
	if (k >= m->n)
		k = m->n - 1;
	const char *from = src->data + m->at[k];
	return (size_t)(utf8_skip(from, src->data + src->len, chars - k * CHAR_MAP_STEP) -
	                src->data);
}

const char *
source_line(const struct source *src, int line, size_t *len)
{
	const unsigned char *p = (const unsigned char *)src->data + bom_len(src);
	const unsigned char *end = (const unsigned char *)src->data + src->len;
	int at = 1;

	if (src->lines && line > 0) {
		size_t k = (size_t)(line - 1) / SOURCE_LINE_STEP;
		if (k >= src->nlines)
			return NULL;
		p = (const unsigned char *)src->data + src->lines[k];
		at = (int)(k * SOURCE_LINE_STEP) + 1;
	}
	const unsigned char *start = p;
	while (p < end) {
		size_t n = break_len(p, end);
		if (!n) {
			p++;
			continue;
		}
		if (at == line) {
			*len = (size_t)(p - start);
			return (const char *)start;
		}
		p += n;
		start = p;
		at++;
	}
	if (at == line && start < end) {
		*len = (size_t)(end - start);
		return (const char *)start;
	}
	return NULL;
}

size_t
utf8_len(const unsigned char *p, const unsigned char *end)
{
	size_t n = end - p;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xC2 && p[0] <= 0xDF)
		return n >= 2 && (p[1] & 0xC0) == 0x80 ? 2 : 0;
	if (p[0] >= 0xE0 && p[0] <= 0xEF) {
		if (n < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
			return 0;
		if ((p[0] == 0xE0 && p[1] < 0xA0) || (p[0] == 0xED && p[1] >= 0xA0))
			return 0;
		return 3;
	}
	if (p[0] >= 0xF0 && p[0] <= 0xF4) {
		if (n < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 ||
		    (p[3] & 0xC0) != 0x80)
			return 0;
		if ((p[0] == 0xF0 && p[1] < 0x90) || (p[0] == 0xF4 && p[1] >= 0x90))
			return 0;
		return 4;
	}
	return 0;
}

/* The error for the byte at off, a NUL or one that is not UTF-8. */
static int
source_bad_byte(const struct source *src, size_t off, struct diags *d)
{
	unsigned char c = (unsigned char)src->data[off];
	int line, col;

	source_locate(src, off, &line, &col);
	if (c == '\0')
		return diag_at(d, DIAG_ERROR, src, line, col, 1,
		               "nul byte in input; a rollout file is text");
	return diag_at(d, DIAG_ERROR, src, line, col, 1,
	               "invalid utf-8 byte 0x%02X; a rollout file must be utf-8", c);
}

/* Adds the start of a line to the line map of src, of *cap entries so far. */
static void
line_map_add(struct source *src, size_t *cap, size_t offset, struct arena *a)
{
	uint32_t *v = (uint32_t *)src->lines;

	if (src->nlines == *cap) {
		size_t ncap = *cap ? *cap * 2 : 64;
		v = arena_grow(a, v, *cap * sizeof(*v), ncap * sizeof(*v));
		*cap = ncap;
	}
	v[src->nlines++] = (uint32_t)offset;
	src->lines = v;
}

/* One pass: no NUL, valid UTF-8, and every SOURCE_LINE_STEP-th line start into the map. */
static int
source_check_max(struct source *src, size_t max, struct arena *a, struct diags *d)
{
	const unsigned char *base = (const unsigned char *)src->data, *end = base + src->len;
	const unsigned char *p = base + bom_len(src), *counted = p;
	size_t lines = 0, cap = 0, n;

	src->lines = NULL;
	src->nlines = 0;
	if (src->len > max)
		return diag_at(d, DIAG_ERROR, src, 1, 1, 1,
		               "file is larger than the limit of %zu MiB", max >> 20);
	line_map_add(src, &cap, (size_t)(p - base), a);
	for (; p < end && *p != '\0' && (n = utf8_len(p, end)); p += n) {
		size_t brk = p >= counted ? break_len(p, end) : 0; /* "\r\n" counts once */
		if (!brk)
			continue;
		counted = p + brk;
		if (++lines % SOURCE_LINE_STEP == 0)
			line_map_add(src, &cap, (size_t)(counted - base), a);
	}
	if (p < end) {
		src->lines = NULL; /* the error's line is found by a scan */
		src->nlines = 0;
		return source_bad_byte(src, (size_t)(p - base), d);
	}
	return 0;
}

int
source_check(struct source *src, struct arena *a, struct diags *d)
{
	return source_check_max(src, SOURCE_MAX_BYTES, a, d);
}

int
source_from_bytes(struct source *src, const char *path, const char *data, size_t len,
                  struct arena *a, struct diags *d)
{
	*src = (struct source){
	    .path = arena_strdup(a, path), .data = arena_strndup(a, data, len), .len = len};
	return source_check(src, a, d);
}

int
source_read(struct source *src, const char *path, struct arena *a, struct diags *d)
{
	return source_read_max(src, path, SOURCE_MAX_BYTES, a, d);
}

/* Reads at most max + 1 bytes (enough to know the file is too big) into a growing buffer.
 * The descriptor may be non-blocking: a read that would wait is an error (EAGAIN). */
static int
read_all(int fd, size_t max, struct buf *b)
{
	enum { CHUNK = 16384 }; /* read into b itself: no copy, and no 64 KiB of stack to touch */

	while (b->len <= max) {
		size_t want = max + 1 - b->len < CHUNK ? max + 1 - b->len : CHUNK;
		buf_reserve(b, want);
		ssize_t n = read(fd, b->data + b->len, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		b->len += (size_t)n;
		b->data[b->len] = '\0';
	}
	return 0;
}

/* Opens path to read it without ever waiting: a FIFO opens at once, and is refused with a
 * device or a socket after fstat; only a regular file is read. "-" is standard input, which
 * may be a pipe. Returns the descriptor, or -1 with a diagnostic. */
static int
source_open(const char *path, struct diags *d)
{
	int is_stdin = strcmp(path, "-") == 0;
	int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	int err = 0;

	if (fd < 0)
		return diag_io(d, path, errno, "cannot open");
	if (fstat(fd, &st) != 0)
		err = errno;
	else if (S_ISDIR(st.st_mode))
		err = EISDIR;
	else if (is_stdin || S_ISREG(st.st_mode))
		return fd;
	if (!is_stdin)
		close(fd);
	if (err)
		return diag_io(d, path, err, "cannot read");
	return diag_io(d, path, 0,
	               "not a regular file (a pipe, a socket or a device); meshroll reads "
	               "regular files only");
}

int
source_read_max(struct source *src, const char *path, size_t max, struct arena *a, struct diags *d)
{
	struct buf b;

	*src = (struct source){.path = arena_strdup(a, strcmp(path, "-") == 0 ? "<stdin>" : path),
	                       .data = ""};
	int fd = source_open(path, d);
	if (fd < 0)
		return -1;
	buf_init(&b);
	int r = read_all(fd, max, &b), err = errno;
	if (strcmp(path, "-") != 0)
		close(fd);
	if (r < 0) {
		buf_release(&b);
		if (err == EAGAIN)
			return diag_io(d, path, 0,
			               "reading it would wait (a special file such as /proc/kmsg); "
			               "meshroll reads regular files only");
		return diag_io(d, path, err, "cannot read");
	}
	src->data = b.len ? arena_strndup(a, b.data, b.len) : "";
	src->len = b.len;
	buf_release(&b);
	return source_check_max(src, max, a, d);
}
