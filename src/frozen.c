/* frozen.c: the trees tools/freeze.c made at build time, back into nodes. */
#include "frozen.h"

#include <string.h>

#include "embed.h"
#include "hash.h"
#include "source.h"

/* where each frozen file's path starts, before its embedded name */
enum { PREFIX_LEN = sizeof("<embedded>/") - 1 };

static const struct frozen_file *
frozen_find(const char *name)
{
	for (size_t i = 0; i < frozen_nfiles; i++) {
		const char *path = frozen_pool + frozen_files[i].path;
		if (strcmp(path + PREFIX_LEN, name) == 0)
			return &frozen_files[i];
	}
	return NULL;
}

static void
frozen_node_fill(struct node *n, const struct frozen_node *f, const struct frozen_mark *m,
                 const struct source *src, struct node **kids,
                 uint32_t kid0 /* the file's kids, and the first's index */)
{
	*n = (struct node){
	    .kind = f->kind,
	    .type = f->type,
	    .src = src,
	    .line = m->line,
	    .col = m->col,
	    .span = m->span,
	    .start = m->start,
	    .end = m->end,
	    .tag = m->tag ? frozen_pool + m->tag - 1 : NULL,
	    .str = frozen_pool + f->str,
	    .len = f->len,
	    .ival = frozen_ival(f),
	    .plain = f->flags & FROZEN_PLAIN,
	    .nondecimal = f->flags & FROZEN_NONDECIMAL,
	    .overflow = f->flags & FROZEN_OVERFLOW,
	    .kids = f->n ? kids + (f->kids - kid0) : NULL,
	    .n = f->n,
	    .cap = f->n,
	    .weight = m->weight,
	};
}

struct node *
frozen_load(const char *name, struct arena *a)
{
	const struct frozen_file *f = frozen_find(name);
	const struct embedded *e = embedded_find(name);

	if (!f || !e)
		return NULL;
	struct source *src = arena_alloc(a, sizeof(*src));
	struct node *nodes = arena_alloc_raw(a, f->nnodes * sizeof(*nodes)); /* all filled */
	struct node **kids = arena_alloc_raw(a, f->nkids * sizeof(*kids));
	const struct frozen_node *fn = frozen_nodes + f->node;
	const struct frozen_mark *fm = frozen_marks + f->node;
	const uint32_t *fk = frozen_kids + f->kid;

	/* the bytes stay embedded for a diagnostic's source line, as for a parsed file */
	*src = (struct source){.path = frozen_pool + f->path, .data = e->data, .len = e->len};
	for (uint32_t i = 0; i < f->nnodes; i++)
		frozen_node_fill(&nodes[i], &fn[i], &fm[i], src, kids, f->kid);
	for (uint32_t i = 0; i < f->nkids; i++)
		kids[i] = &nodes[fk[i] - f->node];
	return nodes;
}

const struct frozen_node *
frozen_root(const char *name, const char **path)
{
	const struct frozen_file *f = frozen_find(name);

	if (!f)
		return NULL;
	*path = frozen_pool + f->path;
	return &frozen_nodes[f->node];
}

uint32_t
frozen_word(const char *s)
{
	size_t mask = frozen_nwords - 1;

	for (size_t i = hash_str(s) & mask; frozen_words[i]; i = (i + 1) & mask)
		if (strcmp(frozen_pool + frozen_words[i] - 1, s) == 0)
			return frozen_words[i] - 1;
	return FROZEN_NO_WORD;
}

const struct frozen_node *
frozen_get_word(const struct frozen_node *map, uint32_t word)
{
	if (!map || map->kind != NODE_MAP || word == FROZEN_NO_WORD)
		return NULL;
	/* the pool holds each string once: a key is word when its text is at word */
	for (size_t i = 0; i < map->n; i++) {
		const struct frozen_node *k = frozen_kid(map, 2 * i);
		if (k->str == word && k->kind == NODE_SCALAR)
			return frozen_kid(map, 2 * i + 1);
	}
	return NULL;
}

const struct frozen_node *
frozen_get(const struct frozen_node *map, const char *key)
{
	return frozen_get_word(map, frozen_word(key));
}

bool
frozen_pattern(const struct frozen_node *n, struct pattern *p)
{
	size_t lo = 0, hi = frozen_npatterns;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct frozen_pattern *fp = &frozen_patterns[mid];
		if (fp->str == n->str) {
			*p = (struct pattern){
			    .insn = frozen_insns + fp->insn, .n = fp->n, .anchored = fp->anchored};
			return true;
		}
		if (fp->str < n->str)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}
