/* hash.h: FNV-1a of a string, for the small hash sets (anchors, known directories). */
#ifndef MESHROLL_HASH_H
#define MESHROLL_HASH_H

#include <stdint.h>

static inline uint32_t
hash_str(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

#endif
