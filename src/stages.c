/* stages.c: the rules of spec.stages and spec.stickySessions that a schema cannot say, and
 * those of the routes the stages put before the split http routes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "model.h"
#include "plan.h"
#include "validate.h"

/* Merged match blocks, over every stage and split route: more is a mistake, and would write
 * megabytes. */
enum { MAX_MERGED = 4096 };

/* What a stage adds to the split http routes, as the rules read it. */
struct stage_info {
	const struct node *node;
	const char *id;
	int weight; /* -1: the schema refused it */
	const struct node *match, *mirror_match;
	bool mirror, sticky; /* mirrors; sends sticky users to the canary */
	char buf[16];
};

/* The split http routes, and what the rules say of them. */
struct ctx {
	struct diags *d;
	const char *name; /* the rollout's */
	const struct node *http;
	bool implicit; /* http is the one split route meshroll writes when none is given */
	size_t *split; /* indexes into http */
	size_t nsplit;
	struct stage_info *st;
	size_t n;
	struct arena tmp; /* what the checks build, released after them; not the run's */
};

static bool
is_seq(const struct node *n)
{
	return n && n->kind == NODE_SEQ;
}

/* Whether a stage is all the schema and the rules take: only then is it compared. */
static bool
well_formed(const struct stage_info *s)
{
	static const char *const keys[] = {"weight", "name", "match", "mirror"};
	const struct node *mirror = node_get(s->node, "mirror");
	char pct[16];

	if (s->weight < 0)
		return false;
	for (size_t i = 0; s->node->kind == NODE_MAP && i < s->node->n; i++) {
		size_t k = 0;
		while (k < 4 && strcmp(s->node->kids[2 * i]->str, keys[k]))
			k++;
		if (k == 4)
			return false;
	}
	return !mirror ||
	       model_percent(mirror->kind == NODE_MAP ? node_get(mirror, "percent") : mirror, pct);
}

/* A stage in one spelling, for telling whether it changes anything. */
static void
stage_key(struct buf *b, const struct stage_info *s)
{
	const struct node *mirror = node_get(s->node, "mirror");
	char pct[16];
	const char *percent = model_percent(
	    mirror && mirror->kind == NODE_MAP ? node_get(mirror, "percent") : mirror, pct);

	buf_addf(b, "%d|", s->weight);
	if (s->match)
		validate_canon(b, s->match);
	buf_addf(b, "|%s|", percent ? percent : "");
	if (s->mirror_match)
		validate_canon(b, s->mirror_match);
}

/* Weights that never decrease, unique ids, stages that change something, mirror percents
 * with at most 3 decimals. */
static void
check_order(struct ctx *c)
{
	const char **ids = calloc(c->n ? c->n : 1, sizeof(*ids));
	bool *named = calloc(c->n ? c->n : 1, sizeof(*named));
	struct buf prev, now;
	int top = -1;
	size_t at = 0;

	if (!ids || !named)
		abort();
	for (size_t i = 0; i < c->n; i++) {
		ids[i] = c->st[i].weight >= 0 ? c->st[i].id : NULL;
		named[i] = node_get(c->st[i].node, "name") != NULL;
	}
	size_t *same = earlier_same(ids, NULL, c->n);
	buf_init(&prev);
	buf_init(&now);
	for (size_t i = 0; i < c->n; i++) {
		const struct stage_info *s = &c->st[i];
		if (s->weight < 0)
			continue;
		if (s->weight < top)
			node_error(c->d, s->node,
			           "spec.stages[%zu]: weight %d is less than %d, the weight of "
			           "spec.stages[%zu]; weights never decrease (meshroll rollback "
			           "goes back)",
			           i, s->weight, top, at);
		if (s->weight > top) {
			top = s->weight;
			at = i;
		}
		if (same[i] != SIZE_MAX)
			node_error(c->d, s->node,
			           "spec.stages[%zu]: stage id '%s' is already the id of "
			           "spec.stages[%zu]%s",
			           i, ids[i], same[i],
			           named[i] || named[same[i]]
			               ? ""
			               : arena_printf(c->d->arena,
			                              "; a second stage of weight %d needs a "
			                              "name: {weight: %d, name: ...}",
			                              s->weight, s->weight));
		now.len = 0;
		stage_key(&now, s);
		if (i > 0 && well_formed(s) && well_formed(&c->st[i - 1]) && same[i] == SIZE_MAX &&
		    now.len == prev.len && !memcmp(now.data, prev.data, now.len))
			node_warning(c->d, s->node,
			             "spec.stages[%zu]: this stage changes nothing from "
			             "spec.stages[%zu]; remove it, or change its weight, match or "
			             "mirror",
			             i, i - 1);
		struct buf t = prev;
		prev = now;
		now = t;
	}
	buf_release(&prev);
	buf_release(&now);
	free(same);
	free(named);
	free(ids);
}

/* A mirror percent is Istio's Percent: at most 3 decimals, in 0..100 (the schema's). */
static void
check_mirror_percent(struct ctx *c, size_t i)
{
	const struct node *mirror = node_get(c->st[i].node, "mirror");
	const struct node *p =
	    mirror && mirror->kind == NODE_MAP ? node_get(mirror, "percent") : mirror;
	char buf[16];

	if (!p || p->kind != NODE_SCALAR || (p->type != SCALAR_INT && p->type != SCALAR_FLOAT))
		return;
	if (!model_percent(p, buf) && p->str[0] != '-' && strtod(p->str, NULL) <= 100)
		node_error(c->d, p,
		           "spec.stages[%zu].mirror: %s is not a percent written as a decimal with "
		           "at most 3 decimals, as Istio's mirrorPercentage takes it; write it as "
		           "%.3f, say",
		           i, p->str, strtod(p->str, NULL));
	else if (model_percent(p, buf) && !strcmp(buf, "0"))
		node_warning(c->d, p, "spec.stages[%zu].mirror: 0%% mirrors nothing; remove it", i);
}

/* A stage's match block that takes every request would take the split route's too. */
static void
check_empty_blocks(struct ctx *c, size_t i, const struct node *match, const char *path)
{
	for (size_t k = 0; match && k < match->n; k++)
		if (validate_match_is_empty(match->kids[k]))
			node_error(
			    c->d, match->kids[k],
			    "spec.stages[%zu].%s[%zu]: a match block without a condition "
			    "takes every request; %s",
			    i, path, k,
			    !strcmp(path, "match")
			        ? "to send every request to the canary, give the stage a weight"
			        : "to mirror every request, write mirror: PERCENT");
}

/* The split route's match blocks and a stage's, merged: no field in both. */
static void
check_clash(struct ctx *c, size_t i, const struct node *stage_match, const char *path, size_t route)
{
	const struct node *match = node_get(c->http->kids[route], "match");
	char field[300];

	for (size_t k = 0; k < stage_match->n; k++) /* once per stage block and route */
		for (size_t m = 0; is_seq(match) && m < match->n; m++) {
			const char *f = plan_match_clash(match->kids[m], stage_match->kids[k],
			                                 field, sizeof(field));
			if (!f)
				continue;
			node_error(
			    c->d, stage_match->kids[k],
			    "spec.stages[%zu].%s[%zu]: it and spec.http[%zu].match[%zu] both "
			    "set %s, so they do not merge into one match block; match on "
			    "another field, or split the route in two",
			    i, path, k, route, m, f);
			break;
		}
}

/* The Cookie header is the sticky route's to match. */
static void
check_sticky_cookie(struct ctx *c, const struct node *sticky, size_t route)
{
	const struct node *match = node_get(c->http->kids[route], "match");

	for (size_t m = 0; is_seq(match) && m < match->n; m++) {
		const struct node *headers = node_get(match->kids[m], "headers"), *cookie = NULL;
		for (size_t h = 0; headers && headers->kind == NODE_MAP && h < headers->n; h++)
			if (!strcasecmp(headers->kids[2 * h]->str, "cookie"))
				cookie =
				    headers->kids[2 * h]; /* header names are case-insensitive */
		if (cookie)
			node_error(c->d, cookie,
			           "spec.http[%zu].match[%zu].headers.cookie: spec.stickySessions "
			           "(line %d) matches the Cookie header of the split routes; match "
			           "another header, or drop stickySessions",
			           route, m, sticky->line);
	}
}

/* A split route that mirrors elsewhere cannot take the stages' mirror. */
static void
check_own_mirror(struct ctx *c, size_t first, size_t route)
{
	static const char *const fields[] = {"mirror", "mirrors", "mirrorPercentage",
	                                     "mirrorPercent"};

	for (size_t f = 0; f < sizeof(fields) / sizeof(*fields); f++) {
		const struct node *key = node_get_key(c->http->kids[route], fields[f]);
		if (key)
			node_error(
			    c->d, key,
			    "spec.http[%zu].%s: spec.stages[%zu] mirrors the split routes to "
			    "the canary, and this split route mirrors already; remove its "
			    "%s, or give it a route: to make it a fixed route",
			    route, fields[f], first, fields[f]);
	}
}

/* The names of the routes of stage i: the http routes', then those the stage puts before
 * the split ones. Two the same: an error, once. */
static bool
check_names(struct ctx *c, size_t i)
{
	const struct stage_info *s = &c->st[i];
	size_t n = c->http ? c->http->n : 0, cap = n + 3 * c->nsplit, k = n;
	const char **names = calloc(cap ? cap : 1, sizeof(*names));
	size_t *owner = calloc(cap ? cap : 1, sizeof(*owner));
	bool found = false;

	if (!names || !owner)
		abort();
	for (size_t r = 0; r < n; r++) {
		const struct node *name = node_get(c->http->kids[r], "name");
		names[r] = node_is_str(name) ? name->str : NULL;
		owner[r] = r;
	}
	for (size_t j = 0; j < c->nsplit; j++) {
		const char *route = names[c->split[j]] ? names[c->split[j]] : c->name;
		struct arena *a = &c->tmp;
		if (s->match)
			names[k] = plan_route_name(route, s->id, PLAN_AB, a),
			owner[k++] = c->split[j];
		if (s->sticky)
			names[k] = plan_route_name(route, s->id, PLAN_STICKY, a),
			owner[k++] = c->split[j];
		if (s->mirror && s->mirror_match)
			names[k] = plan_route_name(route, s->id, PLAN_MIRROR, a),
			owner[k++] = c->split[j];
	}
	size_t *same = earlier_same(names, NULL, k);
	for (size_t j = n; j < k && !found; j++) {
		if (same[j] == SIZE_MAX)
			continue;
		found = true;
		if (same[j] >= n && owner[same[j]] == owner[j]) {
			node_error(c->d, s->node,
			           "spec.stages[%zu]: two routes it puts before %s are named '%s'; "
			           "rename the stage",
			           i,
			           c->implicit
			               ? "the split route"
			               : arena_printf(c->d->arena, "spec.http[%zu]", owner[j]),
			           names[j]);
			continue;
		}
		if (same[j] >= n && !names[owner[j]] && !names[owner[same[j]]]) {
			node_error(
			    c->d, s->node,
			    "spec.stages[%zu]: spec.http[%zu] and spec.http[%zu] have no name, "
			    "so the routes it puts before them would both be named '%s' (after "
			    "the rollout); give the split routes names",
			    i, owner[same[j]], owner[j], names[j]);
			continue;
		}
		node_error(c->d, s->node,
		           "spec.stages[%zu]: the route it puts before spec.http[%zu] is named "
		           "'%s', as %s is; rename one of them",
		           i, owner[j], names[j],
		           same[j] < n ? arena_printf(c->d->arena, "spec.http[%zu]", same[j])
		                       : arena_printf(c->d->arena,
		                                      "the route it puts before spec.http[%zu]",
		                                      owner[same[j]]));
	}
	free(same);
	free(owner);
	free(names);
	return found;
}

/* The routes the stages put before the split http routes: something to put them before,
 * matches that merge, within a bound, names of their own, mirrors of their own. */
static void
check_inserted(struct ctx *c, const struct node *sticky)
{
	size_t merged = 0, mirror_at = SIZE_MAX;
	bool named = false, any_sticky = false;

	for (size_t i = 0; i < c->n; i++) {
		struct stage_info *s = &c->st[i];
		const char *kind = s->match ? "an A/B stage" : s->mirror ? "a mirror stage" : NULL;
		if (s->weight < 0)
			continue;
		any_sticky |= s->sticky;
		if (kind && c->nsplit == 0) {
			node_error(
			    c->d, s->node,
			    "spec.stages[%zu]: %s routes http requests, and no split route "
			    "is an http route (tcp and tls routes take the weight only); add "
			    "a split route to spec.http",
			    i, kind);
			continue;
		}
		if (s->mirror && mirror_at == SIZE_MAX)
			mirror_at = i;
		for (size_t j = 0; j < c->nsplit; j++) {
			const struct node *match = node_get(c->http->kids[c->split[j]], "match");
			size_t blocks = is_seq(match) && match->n ? match->n : 1;
			merged += blocks * ((s->match ? s->match->n : 0) + s->sticky +
			                    (s->mirror_match ? s->mirror_match->n : 0));
		}
		if (merged > MAX_MERGED) {
			node_error(c->d, s->node,
			           "spec.stages[%zu]: with the stages before it, the routes the "
			           "stages put before the split routes have %zu match blocks (each "
			           "split route's times each stage's); at most %d: match on fewer",
			           i, merged, MAX_MERGED);
			return;
		}
		for (size_t j = 0; j < c->nsplit; j++) {
			if (s->match)
				check_clash(c, i, s->match, "match", c->split[j]);
			if (s->mirror_match)
				check_clash(c, i, s->mirror_match, "mirror.match", c->split[j]);
		}
		if (!named && (s->match || s->sticky || s->mirror_match))
			named = check_names(c, i);
	}
	for (size_t j = 0; j < c->nsplit; j++) {
		if (mirror_at != SIZE_MAX)
			check_own_mirror(c, mirror_at, c->split[j]);
		if (any_sticky)
			check_sticky_cookie(c, sticky, c->split[j]);
	}
	if (sticky && !any_sticky)
		node_warning(c->d, sticky,
		             "spec.stickySessions: no stage has a weight between 0 and 100, where "
		             "sticky sessions apply; it changes nothing");
	else if (sticky && c->nsplit == 0)
		node_error(c->d, sticky,
		           "spec.stickySessions: sticky sessions route http requests by a cookie, "
		           "and no split route is an http route; add a split route to spec.http");
}

/* maxAge: Set-Cookie's Max-Age is in whole seconds. */
static void
check_max_age(struct diags *d, const struct node *sticky)
{
	const struct node *max_age = node_get(sticky, "maxAge");
	long long ns;

	if (node_is_str(max_age) && duration_parse(max_age->str, &ns) == 0 && ns >= 1000000 &&
	    (ns < 1000000000 || ns % 1000000000)) /* under 1ms: the schema's error */
		node_error(d, max_age,
		           "spec.stickySessions.maxAge: '%s' is not a whole number of seconds, "
		           "which the cookie's Max-Age is; write it as 90s or 1h30m",
		           max_age->str);
}

void
validate_stages(const struct node *spec, const char *name, struct diags *d)
{
	const struct node *stages = node_get(spec, "stages"), *http = node_get(spec, "http");
	const struct node *sticky = node_get(spec, "stickySessions");
	struct ctx c = {.d = d, .name = name ? name : "", .http = is_seq(http) ? http : NULL};

	if (!is_seq(stages))
		return;
	c.n = stages->n;
	arena_init(&c.tmp);
	c.st = calloc(c.n ? c.n : 1, sizeof(*c.st));
	c.split = calloc(c.http && c.http->n ? c.http->n : 1, sizeof(*c.split));
	if (!c.st || !c.split)
		abort();
	for (size_t i = 0; c.http && i < c.http->n; i++)
		if (c.http->kids[i]->kind == NODE_MAP && model_route_is_split(c.http->kids[i]))
			c.split[c.nsplit++] = i;
	/* no routes at all: the one split http route meshroll writes, named after the rollout */
	if (!c.http && !is_seq(node_get(spec, "tcp")) && !is_seq(node_get(spec, "tls"))) {
		struct node *route = node_new_map(&c.tmp, 1), *seq = node_new_seq(&c.tmp, 1);
		node_map_add(route, node_new_str(&c.tmp, "name"), node_new_str(&c.tmp, c.name));
		node_seq_add(seq, route);
		c.http = seq;
		c.implicit = true;
		c.split[c.nsplit++] = 0;
	}
	for (size_t i = 0; i < c.n; i++) {
		struct stage_info *s = &c.st[i];
		const struct node *match = node_get(stages->kids[i], "match");
		const struct node *mirror = node_get(stages->kids[i], "mirror");
		const struct node *mirror_match = node_get(mirror, "match");
		s->node = stages->kids[i];
		/* {} is no stage (the schema says so), not one of weight 0 */
		s->weight =
		    s->node->kind == NODE_MAP && s->node->n == 0 ? -1 : model_stage_weight(s->node);
		s->id = model_stage_id(s->node, s->buf);
		s->match = is_seq(match) && match->n ? match : NULL;
		s->mirror_match = is_seq(mirror_match) && mirror_match->n ? mirror_match : NULL;
		s->mirror = mirror != NULL;
		s->sticky = sticky && s->weight > 0 && s->weight < 100;
		check_mirror_percent(&c, i);
		check_empty_blocks(&c, i, s->match, "match");
		check_empty_blocks(&c, i, s->mirror_match, "mirror.match");
		if (s->mirror && s->weight == 100)
			node_warning(
			    d, mirror,
			    "spec.stages[%zu].mirror: at weight 100 every request reaches the "
			    "canary, which this mirrors to the canary again",
			    i);
	}
	check_order(&c);
	check_max_age(d, sticky);
	check_inserted(&c, sticky);
	free(c.split);
	free(c.st);
	arena_release(&c.tmp);
}
