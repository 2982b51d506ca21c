/* paths.c: paths as a tree of interned names, each named by an id. */
#include "paths.h"

#include <stdlib.h>
#include <string.h>

enum { PATHS_NAMES_MAX = 1u << 30 }; /* names' numbers keep 2 bits for flags */

void
paths_init(struct paths *p)
{
	memset(p, 0, sizeof(*p));
}

static uint32_t
node_hash(uint32_t parent, uint32_t name)
{
	uint64_t x = (((uint64_t)parent << 32) | name) * 0x9E3779B97F4A7C15ull;

	return (uint32_t)(x >> 32);
}

/* The slot of the node (parent, name) in set: its id + 1, or 0 where it is absent. name is
 * shifted, without flags. */
static uint32_t *
node_slot(const struct paths *p, uint32_t parent, uint32_t name)
{
	size_t mask = p->capset - 1, i = node_hash(parent, name) & mask;

	while (p->set[i]) {
		const struct paths_node *v = paths_node(p, p->set[i] - 1);
		if (v->parent == parent && (v->name & ~3u) == name)
			return &p->set[i];
		i = (i + 1) & mask;
	}
	return &p->set[i];
}

/* The id of the node (parent, name), added where it is not yet. */
static uint32_t
node_intern(struct paths *p, uint32_t parent, uint32_t name)
{
	if (4 * (p->nodes.n + 1) > 3 * p->capset) { /* at most three quarters full */
		free(p->set);
		p->capset = p->capset ? p->capset * 2 : 256;
		p->set = calloc(p->capset, sizeof(*p->set));
		if (!p->set)
			abort();
		for (size_t id = 0; id < p->nodes.n; id++) {
			const struct paths_node *v = paths_node(p, (uint32_t)id);
			*node_slot(p, v->parent, v->name & ~3u) = (uint32_t)id + 1;
		}
	}
	uint32_t *slot = node_slot(p, parent, name);
	if (*slot)
		return *slot - 1;
	if (p->nodes.n >= PATHS_NONE - 1)
		abort();
	struct paths_node *v = blocks_push(&p->nodes, sizeof(*v), PATHS_BLOCK, 256);
	*v = (struct paths_node){parent, name};
	*slot = (uint32_t)p->nodes.n;
	return *slot - 1;
}

/* The number of name s (len bytes), added where it is not yet. */
static uint32_t
name_intern(struct paths *p, const char *s, size_t len)
{
	size_t name = hash_add(&p->names, s, len);

	if (name >= PATHS_NAMES_MAX)
		abort(); /* far beyond RUN_MAX_FILES' paths */
	return (uint32_t)name;
}

uint32_t
paths_str(struct paths *p, const char *s)
{
	uint32_t id = PATHS_NONE;

	for (;;) {
		size_t len = strcspn(s, "/");
		id = node_intern(p, id, name_intern(p, s, len) << 2);
		if (!s[len])
			return id;
		s += len + 1;
	}
}

uint32_t
paths_add(struct paths *p, const char *s)
{
	uint32_t id = paths_str(p, s);

	paths_node(p, id)->name |= PATHS_LISTED;
	return id;
}

uint32_t
paths_find(const struct paths *p, const char *s)
{
	uint32_t id = PATHS_NONE;

	if (!p->nodes.n)
		return PATHS_NONE;
	for (;;) {
		size_t len = strcspn(s, "/");
		long name = hash_find(&p->names, s, len);
		uint32_t at;
		if (name == HASH_NONE || !(at = *node_slot(p, id, (uint32_t)name << 2)))
			return PATHS_NONE;
		id = at - 1;
		if (!s[len])
			return id;
		s += len + 1;
	}
}

const char *
paths_at(const struct paths *p, uint32_t id, char *buf, size_t n)
{
	size_t len = 0;

	for (uint32_t x = id; x != PATHS_NONE; x = paths_node(p, x)->parent)
		len += strlen(hash_key(&p->names, paths_node(p, x)->name >> 2)) +
		       (paths_node(p, x)->parent != PATHS_NONE);
	if (len >= n)
		return NULL;
	buf[len] = '\0';
	for (uint32_t x = id; x != PATHS_NONE; x = paths_node(p, x)->parent) {
		const char *name = hash_key(&p->names, paths_node(p, x)->name >> 2);
		size_t k = strlen(name);
		len -= k;
		memcpy(buf + len, name, k);
		if (paths_node(p, x)->parent != PATHS_NONE)
			buf[--len] = '/';
	}
	return buf;
}

void
paths_mark(struct paths *p, uint32_t id)
{
	paths_node(p, id)->name |= PATHS_MARK;
}

int
paths_has(const struct paths *p, const char *s)
{
	uint32_t id = paths_find(p, s);

	return id != PATHS_NONE && (paths_node(p, id)->name & PATHS_LISTED);
}

void
paths_clear(struct paths *p)
{
	hash_clear(&p->names);
	if (p->capset)
		memset(p->set, 0, p->capset * sizeof(*p->set));
	blocks_clear(&p->nodes);
}

void
paths_release(struct paths *p)
{
	hash_release(&p->names);
	blocks_release(&p->nodes);
	free(p->set);
	paths_init(p);
}
