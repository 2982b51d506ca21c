/* freeze.c: parses the embedded schema and templates once, at build time, and writes a C file
 * holding their trees as const tables joined by indices (see src/frozen.h), which
 * src/frozen.c turns back into nodes at run time without a parser. A template is checked as
 * template_parse() checks one from --templates, so a bad placeholder fails the build with its
 * located error; every `pattern` of the schema is compiled by src/pattern.c and its program
 * frozen too, so a pattern pattern.c does not implement fails the build. Usage: freeze OUT.c
 * NAME=FILE... (a NAME under templates/ is a template). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frozen.h"
#include "hash.h"
#include "parse.h"
#include "pattern.h"
#include "source.h"
#include "template.h"

enum { TABLE_BITS = 18 }; /* room for the nodes of every file, twice over */

/* What the tables hold so far, and the hash tables that fill them once per node and string. */
struct freezer {
	const struct node **nodes; /* by index; the parsed trees, in the arena */
	struct frozen_node *out;   /* the same, frozen */
	struct frozen_mark *marks; /* and their marks */
	size_t nnodes;
	uint32_t *kids;
	size_t nkids;
	struct hash_table pool;         /* every string once: its keys are frozen_pool */
	const struct node **node_slots; /* open addressing: a node -> its index in node_index */
	uint32_t *node_index;
	long long *ints; /* the scalars' values but 0, after a 0 */
	size_t nints;
	uint32_t *keys; /* the offset in pool of every map key, repeats and all */
	size_t nkeys;
	struct pattern_insn *insns; /* the programs of the schema's patterns */
	size_t ninsns;
	struct frozen_pattern *patterns;
	size_t npatterns;
	size_t file_node; /* the current file's first node */
};

static void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);

	if (!p) {
		fputs("freeze: out of memory\n", stderr);
		exit(1);
	}
	return p;
}

static void
freeze_fail(const char *what)
{
	fprintf(stderr, "freeze: %s\n", what);
	exit(1);
}

/* The offset of s (len bytes, no NUL) in the pool, added once. */
static uint32_t
freeze_str(struct freezer *f, const char *s, size_t len)
{
	size_t i = hash_add(&f->pool, s, len); /* before reading off, which it may move */

	return f->pool.off[i];
}

/* The index of n in frozen_nodes, giving it the next one on its first visit (an alias's
 * target is visited again: it keeps its one node, as the parser shares it). */
static uint32_t
freeze_node(struct freezer *f, const struct node *n)
{
	size_t mask = ((size_t)1 << TABLE_BITS) - 1;
	size_t i = ((size_t)(uintptr_t)n >> 4) * 2654435761u & mask;

	for (; f->node_slots[i]; i = (i + 1) & mask)
		if (f->node_slots[i] == n)
			return f->node_index[i];
	if (f->nnodes - f->file_node >= mask / 2 || f->nnodes > mask)
		freeze_fail("too many nodes");
	f->node_slots[i] = n;
	f->node_index[i] = (uint32_t)f->nnodes;
	f->nodes[f->nnodes++] = n;
	return f->node_index[i];
}

static uint16_t
narrow16(long v, const char *what)
{
	if (v < 0 || v > UINT16_MAX)
		freeze_fail(what);
	return (uint16_t)v;
}

static uint32_t
narrow32(size_t v, const char *what)
{
	if (v > UINT32_MAX)
		freeze_fail(what);
	return (uint32_t)v;
}

/* The index in frozen_ints of v: a new one, or 0 for 0 (frozen_ints[0]). */
static uint32_t
freeze_int(struct freezer *f, long long v)
{
	if (v == 0)
		return 0;
	f->ints = realloc(f->ints, (f->nints + 1) * sizeof(*f->ints));
	if (!f->ints)
		freeze_fail("out of memory");
	f->ints[f->nints] = v;
	return narrow32(f->nints++, "too many integers");
}

/* Fills node i, which has its index, gives its kids theirs, then does the same for each kid
 * given a new one: a node's kids lie together and next come their subtrees, one after the
 * other, so that a walk down one branch (the schema of spec.routes, say) stays on few pages.
 * An alias's target, met again, keeps the index it got first. */
static void
freeze_subtree(struct freezer *f, uint32_t i)
{
	const struct node *n = f->nodes[i];
	size_t nk = n->kind == NODE_MAP ? 2 * n->n : n->kind == NODE_SEQ ? n->n : 0;

	if (n->cap != n->n)
		freeze_fail("a parsed node with room to spare");
	f->out[i] = (struct frozen_node){
	    .str = freeze_str(f, n->str, n->len),
	    .len = narrow32(n->len, "a string past 4 GiB"),
	    .kids = n->kind == NODE_SCALAR ? freeze_int(f, n->ival)
	                                   : narrow32(f->nkids, "too many kids"),
	    .n = narrow32(n->n, "too many kids"),
	    .kind = (uint8_t)n->kind,
	    .type = (uint8_t)n->type,
	    .flags =
	        (uint8_t)((n->plain ? FROZEN_PLAIN : 0) | (n->nondecimal ? FROZEN_NONDECIMAL : 0) |
	                  (n->overflow ? FROZEN_OVERFLOW : 0)),
	};
	f->marks[i] = (struct frozen_mark){
	    .tag = n->tag ? freeze_str(f, n->tag, strlen(n->tag)) + 1 : 0,
	    .weight = narrow32(n->weight, "too heavy a node"),
	    .start = narrow32(n->start, "a file past 4 GiB"),
	    .end = narrow32(n->end, "a file past 4 GiB"),
	    .line = narrow16(n->line, "a line past 65535"),
	    .col = narrow16(n->col, "a column past 65535"),
	    .span = narrow16(n->span, "a span past 65535"),
	};
	uint32_t first = (uint32_t)f->nnodes;
	for (size_t k = 0; k < nk; k++) {
		f->kids = realloc(f->kids, (f->nkids + 1) * sizeof(*f->kids));
		if (!f->kids)
			freeze_fail("out of memory");
		f->kids[f->nkids++] = freeze_node(f, n->kids[k]);
	}
	for (size_t k = 0; n->kind == NODE_MAP && k < n->n; k++) {
		f->keys = realloc(f->keys, (f->nkeys + 1) * sizeof(*f->keys));
		if (!f->keys)
			freeze_fail("out of memory");
		f->keys[f->nkeys++] = freeze_str(f, n->kids[2 * k]->str, n->kids[2 * k]->len);
	}
	for (uint32_t last = (uint32_t)f->nnodes, k = first; k < last; k++)
		freeze_subtree(f, k);
}

/* Adds the tree of root, the file's first node. Kids are indices in the whole frozen_nodes,
 * and a node's first kid an index in the whole frozen_kids, so that a reader can walk a tree
 * in place (frozen_kid()). */
static void
freeze_tree(struct freezer *f, const struct node *root)
{
	/* a file's nodes are freed before the next file's, which may reuse their addresses */
	memset(f->node_slots, 0, ((size_t)1 << TABLE_BITS) * sizeof(*f->node_slots));
	f->file_node = f->nnodes;
	freeze_subtree(f, freeze_node(f, root));
}

/* Adds the program of s, a pattern's text in the pool, unless one is there already. Returns
 * 0, or -1 when it does not compile, saying why. */
static int
freeze_pattern(struct freezer *f, uint32_t str, const struct node *v, const char *path)
{
	const char *err;
	size_t at;
	struct pattern *p;

	for (size_t i = 0; i < f->npatterns; i++)
		if (f->patterns[i].str == str)
			return 0;
	if (!(p = pattern_compile(v->str, &err, &at))) {
		fprintf(stderr, "%s:%d:%d: error: pattern %s: %s at offset %zu\n", path, v->line,
		        v->col, v->str, err, at);
		return -1;
	}
	f->insns = realloc(f->insns, (f->ninsns + p->n) * sizeof(*f->insns));
	f->patterns = realloc(f->patterns, (f->npatterns + 1) * sizeof(*f->patterns));
	if (!f->insns || !f->patterns)
		freeze_fail("out of memory");
	memcpy(f->insns + f->ninsns, p->insn, p->n * sizeof(*p->insn));
	f->patterns[f->npatterns++] = (struct frozen_pattern){
	    .str = str,
	    .insn = narrow32(f->ninsns, "too many instructions"),
	    .n = narrow32(p->n, "too many instructions"),
	    .anchored = p->anchored,
	};
	f->ninsns += p->n;
	pattern_free(p);
	return 0;
}

/* Compiles the value of every "pattern" key under n, as schema.c would at run time, and adds
 * its program; prints why each that fails does. Returns how many failed. */
static int
freeze_patterns(struct freezer *f, const struct node *n, const char *path)
{
	int bad = 0;

	for (size_t i = 0; n->kind != NODE_SCALAR && i < (n->kind == NODE_MAP ? 2 * n->n : n->n);
	     i++)
		bad += freeze_patterns(f, n->kids[i], path);
	for (size_t i = 0; n->kind == NODE_MAP && i < n->n; i++) {
		const struct node *k = n->kids[2 * i], *v = n->kids[2 * i + 1];
		if (strcmp(k->str, "pattern") == 0 && v->kind == NODE_SCALAR)
			bad += freeze_pattern(f, freeze_str(f, v->str, v->len), v, path) < 0;
	}
	return bad;
}

static int
pattern_order(const void *a, const void *b)
{
	const struct frozen_pattern *x = a, *y = b;

	return (x->str > y->str) - (x->str < y->str);
}

/* The patterns' programs, and the patterns by their text's offset in the pool, sorted for
 * frozen_pattern()'s binary search. */
static void
write_patterns(FILE *out, struct freezer *f)
{
	fputs("const struct pattern_insn frozen_insns[] = {\n", out);
	for (size_t i = 0; i < f->ninsns; i++) {
		const struct pattern_insn *in = &f->insns[i];
		fprintf(out, "\t{%u, %u, %u, {", in->op, in->x, in->y);
		for (size_t k = 0; k < 8; k++)
			fprintf(out, "%s%#x", k ? ", " : "", in->set[k]);
		fputs("}},\n", out);
	}
	fputs("\t{0, 0, 0, {0}}, /* no array is empty */\n};\n\n", out);
	qsort(f->patterns, f->npatterns, sizeof(*f->patterns), pattern_order);
	fputs("const struct frozen_pattern frozen_patterns[] = {\n", out);
	for (size_t i = 0; i < f->npatterns; i++)
		fprintf(out, "\t{%u, %u, %u, %d},\n", f->patterns[i].str, f->patterns[i].insn,
		        f->patterns[i].n, f->patterns[i].anchored);
	fprintf(out, "\t{0, 0, 0, 0},\n};\n\nconst size_t frozen_npatterns = %zu;\n\n",
	        f->npatterns);
}

static void
write_pool(FILE *out, const char *pool, size_t len)
{
	fputs("const char frozen_pool[] =\n\t\"", out);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)pool[i];
		if (c == '\0')
			fputs(i + 1 < len ? "\\0\"\n\t\"" : "", out);
		else if (c == '"' || c == '\\' || c == '?') /* '?': no trigraphs */
			fprintf(out, "\\%c", c);
		else if (c < ' ' || c >= 0x7F)
			fprintf(out, "\\%03o", c);
		else
			fputc(c, out);
	}
	fputs("\";\n\n", out);
}

static int
offset_order(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* The map keys as a hash set of their offsets in the pool, open addressing by hash_str(), as
 * frozen_word() reads it: a key looked up in any map is one hash and one probe, then compares
 * of offsets. Sized for the keys once each, at most half full: 2 KiB for 245 keys. */
static void
write_words(FILE *out, struct freezer *f)
{
	size_t size = 16, nkeys = 0;

	qsort(f->keys, f->nkeys, sizeof(*f->keys), offset_order);
	for (size_t k = 0; k < f->nkeys; k++)
		if (k == 0 || f->keys[k] != f->keys[nkeys - 1])
			f->keys[nkeys++] = f->keys[k];
	f->nkeys = nkeys;
	while (size < 2 * f->nkeys)
		size *= 2;
	uint32_t *slots = xcalloc(size, sizeof(*slots));
	for (size_t k = 0; k < f->nkeys; k++) {
		size_t i = hash_str(f->pool.keys + f->keys[k]) & (size - 1);
		while (slots[i] && slots[i] != f->keys[k] + 1)
			i = (i + 1) & (size - 1);
		slots[i] = f->keys[k] + 1;
	}
	fputs("const uint32_t frozen_words[] = {\n", out);
	for (size_t i = 0; i < size; i++)
		fprintf(out, "%s%u,%s", i % 16 ? " " : "\t", slots[i], i % 16 == 15 ? "\n" : "");
	fprintf(out, "};\n\nconst size_t frozen_nwords = %zu;\n\n", size);
	free(slots);
}

static void
write_tables(FILE *out, struct freezer *f)
{
	fputs("const struct frozen_node frozen_nodes[] = {\n", out);
	for (size_t i = 0; i < f->nnodes; i++) {
		const struct frozen_node *o = &f->out[i];
		fprintf(out, "\t{%u, %u, %u, %u, %u, %u, %u},\n", o->str, o->len, o->kids, o->n,
		        o->kind, o->type, o->flags);
	}
	fputs("};\n\nconst struct frozen_mark frozen_marks[] = {\n", out);
	for (size_t i = 0; i < f->nnodes; i++) {
		const struct frozen_mark *m = &f->marks[i];
		fprintf(out, "\t{%u, %u, %u, %u, %u, %u, %u},\n", m->tag, m->weight, m->start,
		        m->end, m->line, m->col, m->span);
	}
	fputs("};\n\nconst long long frozen_ints[] = {\n", out);
	for (size_t i = 0; i < f->nints; i++)
		if (f->ints[i] == LLONG_MIN) /* no literal: 9223372036854775808 is past long long */
			fputs("\tLLONG_MIN,\n", out);
		else
			fprintf(out, "\t%lld,\n", f->ints[i]);
	fputs("};\n\nconst uint32_t frozen_kids[] = {\n", out);
	for (size_t i = 0; i < f->nkids; i++)
		fprintf(out, "%s%u,%s", i % 16 ? " " : "\t", f->kids[i], i % 16 == 15 ? "\n" : "");
	fputs("\t0, /* no array is empty */\n};\n\n", out);
	write_pool(out, f->pool.keys, f->pool.len);
	write_words(out, f);
	write_patterns(out, f);
}

/* Parses one file into the tables. Returns 0, or -1 with its errors printed. */
static int
freeze_file(struct freezer *f, FILE *out, const char *name, const char *path,
            struct frozen_file *ff)
{
	struct arena a;
	struct diags d;
	struct source src;
	struct node *root = NULL;
	int r;

	arena_init(&a);
	diags_init(&d, &a);
	r = source_read(&src, path, &a, &d);
	if (r == 0 && strncmp(name, "templates/", 10) == 0)
		r = template_parse(&src, &a, &d, &root);
	else if (r == 0)
		r = parse_document(&src, 0, &a, &d, &root);
	if (r < 0) {
		diags_print(&d, stderr);
		fprintf(stderr, "freeze: %s: not frozen\n", path);
		arena_release(&a);
		return -1;
	}
	char *embedded_path = malloc(strlen(name) + sizeof("<embedded>/"));
	if (!embedded_path)
		freeze_fail("out of memory");
	sprintf(embedded_path, "<embedded>/%s", name);
	ff->path = freeze_str(f, embedded_path, strlen(embedded_path));
	ff->node = (uint32_t)f->nnodes;
	ff->kid = (uint32_t)f->nkids;
	freeze_tree(f, root);
	if (strncmp(name, "templates/", 10) != 0 && freeze_patterns(f, root, path) > 0) {
		fprintf(stderr, "freeze: %s: not frozen\n", path);
		arena_release(&a);
		return -1;
	}
	ff->nnodes = (uint32_t)(f->nnodes - ff->node);
	ff->nkids = (uint32_t)(f->nkids - ff->kid);
	fprintf(out, "/* %s: %u nodes, %u kids */\n", name, ff->nnodes, ff->nkids);
	free(embedded_path);
	arena_release(&a); /* the tables hold copies of all they need */
	return 0;
}

int
main(int argc, char **argv)
{
	struct freezer f = {0};
	struct frozen_file *files = xcalloc((size_t)argc, sizeof(*files));
	char *tmp;
	FILE *out;

	if (argc < 2) {
		fputs("usage: freeze OUT.c NAME=FILE...\n", stderr);
		return 2;
	}
	f.nodes = xcalloc((size_t)1 << TABLE_BITS, sizeof(*f.nodes));
	f.out = xcalloc((size_t)1 << TABLE_BITS, sizeof(*f.out));
	f.marks = xcalloc((size_t)1 << TABLE_BITS, sizeof(*f.marks));
	f.ints = xcalloc(1, sizeof(*f.ints));
	f.nints = 1;
	f.node_slots = xcalloc((size_t)1 << TABLE_BITS, sizeof(*f.node_slots));
	f.node_index = xcalloc((size_t)1 << TABLE_BITS, sizeof(*f.node_index));
	/* written aside and renamed: a failed run leaves no half file for make to take */
	tmp = xcalloc(strlen(argv[1]) + 5, 1);
	sprintf(tmp, "%s.tmp", argv[1]);
	if (!(out = fopen(tmp, "w"))) {
		perror(tmp);
		return 1;
	}
	fputs("/* Generated by tools/freeze.c from the files named below. DO NOT EDIT. */\n"
	      "#include \"frozen.h\"\n\n",
	      out);
	for (int i = 2; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		if (!eq)
			return 2;
		*eq = '\0';
		if (freeze_file(&f, out, argv[i], eq + 1, &files[i - 2]) < 0) {
			fclose(out);
			remove(tmp);
			return 1;
		}
	}
	fputc('\n', out);
	write_tables(out, &f);
	fputs("const struct frozen_file frozen_files[] = {\n", out);
	for (int i = 0; i < argc - 2; i++)
		fprintf(out, "\t{%u, %u, %u, %u, %u},\n", files[i].path, files[i].node,
		        files[i].nnodes, files[i].kid, files[i].nkids);
	fprintf(out, "\t{0, 0, 0, 0, 0},\n};\n\nconst size_t frozen_nfiles = %d;\n", argc - 2);
	if (fclose(out) != 0 || rename(tmp, argv[1]) != 0) {
		perror(argv[1]);
		remove(tmp);
		return 1;
	}
	return 0;
}
