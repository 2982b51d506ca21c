/* embed.h: files compiled into the binary (templates/, schemas/), made by tools/embed.c. */
#ifndef MESHROLL_EMBED_H
#define MESHROLL_EMBED_H

#include <stddef.h>

struct embedded {
	const char *name; /* "templates/virtualservice.yaml"; NULL ends the table */
	const char *data; /* the bytes, NUL-terminated */
	size_t len;
};

extern const struct embedded embedded_files[];

/* The embedded file of that name, NULL when there is none. */
const struct embedded *embedded_find(const char *name);

#endif
