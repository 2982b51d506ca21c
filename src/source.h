/* source.h: the read stage: a file's bytes, checked before any parser sees them. */
#ifndef MESHROLL_SOURCE_H
#define MESHROLL_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "diag.h"

enum { SOURCE_MAX_BYTES = 1024 * 1024 };

enum { SOURCE_LINE_STEP = 32 }; /* a source's line map holds every 32nd line's start */

struct source {
	const char *path; /* as the user named it; arena */
	const char *data; /* the bytes, NUL-terminated after len; arena */
	size_t len;
	/* byte offsets where lines 1, 33, 65, ... start, made by source_check() in the scan it
	 * does anyway, so a diagnostic finds its line without rescanning; arena; NULL: none */
	const uint32_t *lines;
	size_t nlines;
};

/* Reads path (or standard input for "-") into the arena and checks it with source_check().
 * Returns 0, or -1 with a diagnostic: an I/O one when it cannot be read. */
int source_read(struct source *src, const char *path, struct arena *a, struct diags *d);
/* The same with another size cap (a KRM ResourceList may hold a whole package). */
int source_read_max(struct source *src, const char *path, size_t max, struct arena *a,
                    struct diags *d);
/* Makes a source of bytes already in memory (copied into the arena) and checks it. */
int source_from_bytes(struct source *src, const char *path, const char *data, size_t len,
                      struct arena *a, struct diags *d);
/* Checks the size cap, NUL bytes and UTF-8, each with a located error; on the way, makes
 * src's line map in a. */
int source_check(struct source *src, struct arena *a, struct diags *d);
/* The line and character column (both 1-based) of a byte offset, counted as libyaml does. */
void source_locate(const struct source *src, size_t offset, int *line, int *col);
/* The length in bytes of the line break at byte offset at, or of the one ending there: CR, LF,
 * CRLF, and U+0085, U+2028 and U+2029, which libyaml reads as line breaks too (YAML 1.1).
 * 0 when there is none. */
size_t source_break_len(const struct source *src, size_t at);
size_t source_break_before(const struct source *src, size_t at);
/* The byte offset of a character offset (a libyaml mark index), past a byte-order mark. */
size_t source_offset(const struct source *src, size_t chars);
/* Where the characters of one source start, for many character offsets into it in constant
 * time (KRM items): nothing when all is ASCII, else every CHAR_MAP_STEP-th character's byte
 * offset. Made in one pass over the bytes. */
enum { CHAR_MAP_STEP = 256 };
struct char_map {
	const struct source *src; /* borrowed */
	const uint32_t *at; /* byte offsets of characters 0, 256, 512, ... past the BOM; arena */
	size_t n;
	bool ascii; /* no byte past the BOM is above 0x7F: a character is a byte */
};
void char_map_init(struct char_map *m, const struct source *src, struct arena *a);
/* source_offset(m->src, chars), through the map. */
size_t char_map_offset(const struct char_map *m, size_t chars);
/* The text of a 1-based line without its line break; NULL past the end. The search starts at
 * the nearest line of the line map, where there is one. */
const char *source_line(const struct source *src, int line, size_t *len);
/* Where n characters of UTF-8 after p end (at most at end). */
const char *utf8_skip(const char *p, const char *end, size_t n);
/* The length of the valid UTF-8 sequence at p (p < end), 0 when it is not one (overlong
 * forms, surrogates and code points past U+10FFFF are invalid). */
size_t utf8_len(const unsigned char *p, const unsigned char *end);

#endif
