/* fuzz_emit.c: the YAML writer. A model made from arbitrary bytes (its strings need not be
 * valid names: render does not check them) is rendered, written, and parsed again with
 * libyaml: every value must come back as it went in. Arbitrary trees are written too. */
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "emit.h"
#include "parse.h"
#include "render.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct input {
	const uint8_t *p;
	size_t n;
};

static unsigned
take(struct input *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

/* A string of valid UTF-8 from the bytes: ASCII, controls and a few multi-byte characters. */
static const char *
take_str(struct input *in, struct arena *a)
{
	static const char *const wide[] = {"\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80",
	                                   "\xC2\x85", "\xE2\x80\xA8"};
	size_t len = take(in) % 24;
	char *s = arena_alloc(a, len * 4 + 1), *p = s;

	for (size_t i = 0; i < len; i++) {
		unsigned c = take(in);
		if (c >= 0xF0) {
			const char *w = wide[c % 5];
			memcpy(p, w, strlen(w));
			p += strlen(w);
		} else {
			*p++ = (char)(c & 0x7F ? c & 0x7F : ' ');
		}
	}
	*p = '\0';
	return s;
}

static struct node *
take_tree(struct input *in, struct arena *a, int depth)
{
	unsigned kind = take(in) % (depth > 6 ? 3 : 5);

	switch (kind) {
	case 0:
		return node_new_str(a, take_str(in, a));
	case 1:
		return node_new_int(
		    a, (long long)(int32_t)(take(in) << 24 | take(in) << 16 | take(in)));
	case 2:
		return node_new_bool(a, take(in) & 1);
	default: {
		size_t n = take(in) % 5;
		struct node *c = kind == 3 ? node_new_seq(a, n) : node_new_map(a, n);
		for (size_t i = 0; i < n; i++) {
			if (kind == 3) {
				node_seq_add(c, take_tree(in, a, depth + 1));
				continue;
			}
			char *key = arena_printf(a, "%s%zu", take_str(in, a), i); /* keys differ */
			node_map_add(c, node_new_str(a, key), take_tree(in, a, depth + 1));
		}
		return c;
	}
	}
}

/* A map of arbitrary fields. */
static struct node *
take_map(struct input *in, struct arena *a)
{
	size_t n = take(in) % 4;
	struct node *m = node_new_map(a, n);

	for (size_t i = 0; i < n; i++)
		node_map_add(m, node_new_str(a, arena_printf(a, "%s%zu", take_str(in, a), i)),
		             take_tree(in, a, 1));
	return m;
}

static int
same(const struct node *x, const struct node *y)
{
	if (x->kind == NODE_SCALAR && y->kind == NODE_SCALAR && getenv("FUZZ_DEBUG"))
		fprintf(stderr, "[%d %s] [%d %s]\n", x->type, x->str, y->type, y->str);
	if (x->kind != y->kind)
		return 0;
	if (x->kind == NODE_SCALAR) {
		int xs = x->type == SCALAR_STR || x->type == SCALAR_BLOCK;
		int ys = y->type == SCALAR_STR || y->type == SCALAR_BLOCK;
		if (xs || ys)
			return xs && ys && x->len == y->len && !memcmp(x->str, y->str, x->len);
		return x->type == y->type && x->ival == y->ival;
	}
	if (x->n != y->n)
		return 0;
	for (size_t i = 0; i < (x->kind == NODE_MAP ? 2 * x->n : x->n); i++)
		if (!same(x->kids[i], y->kids[i]))
			return 0;
	return 1;
}

static void
round_trip(const struct node *tree, struct arena *a)
{
	struct buf b;
	struct diags d;
	struct source src;
	struct node *back;

	buf_init(&b);
	emit_document(&b, tree);
	diags_init(&d, a);
	src = (struct source){.path = "emitted", .data = b.data ? b.data : "", .len = b.len};
	if (parse_document(&src, 0, a, &d, &back) < 0 || !same(tree, back)) {
		/* the writer made YAML that does not read back the same */
		fprintf(stderr, "written:\n%s\n", b.data ? b.data : "");
		diags_print(&d, stderr);
		abort();
	}
	buf_release(&b);
}

static struct rollout *
take_rollout(struct input *in, struct arena *a)
{
	struct rollout *r = arena_alloc(a, sizeof(*r));
	struct kv *kv = arena_alloc(a, 4 * sizeof(*kv));

	r->name = take_str(in, a);
	r->ns = take_str(in, a);
	r->host = take_str(in, a);
	r->version_label = take_str(in, a);
	r->stable = take_str(in, a);
	r->canary = take_str(in, a);
	r->timeout = take(in) & 1 ? take_str(in, a) : NULL;
	r->port = (int)take(in);
	for (size_t i = 0; i < 2; i++)
		kv[i] = (struct kv){arena_printf(a, "%s%zu", take_str(in, a), i), take_str(in, a)};
	r->labels = (struct kvs){kv, take(in) % 3};
	r->workload_labels = (struct kvs){kv + 2, 1};
	kv[2] = (struct kv){take_str(in, a), take_str(in, a)};
	r->nstages = 1 + take(in) % 4;
	r->stages = arena_alloc(a, r->nstages * sizeof(*r->stages));
	for (size_t i = 0; i < r->nstages; i++) {
		struct stage *st = &r->stages[i];
		*st = (struct stage){.id = arena_printf(a, "s%zu", i),
		                     .weight = (int)(take(in) % 101)};
		if (take(in) & 1) { /* A/B: match blocks of arbitrary fields */
			struct node *match = node_new_seq(a, 2);
			node_seq_add(match, take_map(in, a));
			st->match = match;
		}
		if (take(in) & 1) {
			st->mirror = take(in) & 1 ? "12.5" : "100";
			st->mirror_match = take(in) & 1 ? st->match : NULL;
		}
	}
	r->sticky_cookie = take(in) & 1 ? take_str(in, a) : NULL;
	r->sticky_max_age = (long long)take(in);
	r->retries.attempts = -1;
	r->cb = (struct circuit_breaker){-1, -1, NULL, NULL, -1, -1, -1, -1, -1, -1, -1};
	r->mtls = take(in) % 4;
	r->hosts = (struct strs){&r->host, 1};
	r->nsubsets = 2 + take(in) % 2;
	r->subsets = arena_alloc(a, r->nsubsets * sizeof(*r->subsets));
	for (size_t i = 0; i < r->nsubsets; i++) {
		const char *name = i == 0 ? r->stable : i == 1 ? r->canary : take_str(in, a);
		struct kv *label = arena_alloc(a, sizeof(*label));
		*label = (struct kv){r->version_label, name};
		r->subsets[i] = (struct subset){.name = name,
		                                .service = take_str(in, a),
		                                .labels = {label, 1},
		                                .policy = take(in) & 1 ? take_map(in, a) : NULL};
	}
	r->split = take(in) & 1 ? SPLIT_SERVICE : SPLIT_SUBSET;
	r->provider = take(in) & 1 ? PROVIDER_GATEWAY_API : PROVIDER_ISTIO;
	r->port_name = take_str(in, a);
	r->policy = take(in) & 1 ? take_map(in, a) : NULL;
	if (take(in) & 1) { /* analysis: any strings where the schema keeps them sane */
		struct analysis *y = arena_alloc(a, sizeof(*y));
		*y = (struct analysis){.success_rate = take(in) & 1 ? take_str(in, a) : NULL,
		                       .latency = take_str(in, a),
		                       .latency_ms = (long long)take(in),
		                       .window = take_str(in, a),
		                       .for_ = take_str(in, a),
		                       .min_rate = take_str(in, a),
		                       .labels = r->labels,
		                       .rule_labels = r->workload_labels};
		r->analysis = y;
		r->file = take_str(in, a); /* the rollback command's path */
	}
	/* routes: maps of arbitrary fields, split or fixed, in each protocol */
	for (size_t p = 0; p < NPROTOS; p++) {
		r->routes[p].n = take(in) % 3;
		r->routes[p].v = arena_alloc(a, (r->routes[p].n + 1) * sizeof(struct route));
		for (size_t i = 0; i < r->routes[p].n; i++)
			r->routes[p].v[i] = (struct route){take_map(in, a), take(in) & 1};
	}
	return r;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct arena keep;
	static struct templates templates;
	static int ready;
	struct input in = {data, size};
	struct arena a;

	if (!ready++) {
		struct diags d;
		arena_init(&keep);
		diags_init(&d, &keep);
		if (templates_load(&templates, NULL, &keep, &d) < 0)
			abort();
	}
	arena_init(&a);
	struct rollout *r = take_rollout(&in, &a);
	struct node *objs = render_stage_nodes(r, take(&in) % r->nstages, &templates, &a);
	for (size_t i = 0; i < objs->n; i++)
		round_trip(objs->kids[i], &a);
	round_trip(take_tree(&in, &a, 0), &a);
	arena_release(&a);
	return 0;
}
