/* template.c: loading and expanding the templates (template_check.c checks them). */
#include "template.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "emit.h"
#include "frozen.h"
#include "source.h"

/* The embedded names; a --templates directory holds them without the "templates/". */
#define TMPL_DIR "templates/"
static const char *const tmpl_names[TMPL_COUNT] = {
    [TMPL_DESTINATIONRULE] = TMPL_DIR "destinationrule.yaml",
    [TMPL_VIRTUALSERVICE] = TMPL_DIR "virtualservice.yaml",
    [TMPL_PEERAUTHENTICATION] = TMPL_DIR "peerauthentication.yaml",
    [TMPL_SERVICE] = TMPL_DIR "service.yaml",
    [TMPL_DESTINATIONRULE_VERSION] = TMPL_DIR "destinationrule-version.yaml",
    [TMPL_HTTPROUTE] = TMPL_DIR "httproute.yaml",
    [TMPL_PROMETHEUSRULE] = TMPL_DIR "prometheusrule.yaml",
    [TMPL_KUSTOMIZATION] = TMPL_DIR "kustomization.yaml",
    [TMPL_KUSTOMIZATION_BASE] = TMPL_DIR "kustomization-base.yaml",
    [TMPL_KUSTOMIZATION_STAGE] = TMPL_DIR "kustomization-stage.yaml",
};

/* The template of that id from dir, parsed and checked now; 1 when dir has no such file. */
static int
template_from_dir(struct node **root, enum tmpl_id id, const char *dir, struct arena *a,
                  struct diags *d)
{
	char *path = arena_printf(a, "%s/%s", dir, tmpl_names[id] + sizeof(TMPL_DIR) - 1);
	struct source *src;

	if (access(path, F_OK) != 0)
		return 1;
	src = arena_alloc(a, sizeof(*src));
	if (source_read(src, path, a, d) < 0)
		return -1;
	return template_parse(src, a, d, root);
}

int
templates_load(struct templates *t, const char *dir, struct arena *a, struct diags *d)
{
	int errors = d->errors;
	const char *path;

	t->a = a;
	for (int id = 0; id < TMPL_COUNT; id++) {
		t->root[id] = NULL;
		if (dir && template_from_dir(&t->root[id], id, dir, a, d) <= 0)
			continue;
		/* the embedded one, parsed and checked when meshroll was built */
		if (!frozen_root(tmpl_names[id], &path))
			diag_io(d, NULL, 0, "internal error: template '%s' is not embedded",
			        tmpl_names[id] + sizeof(TMPL_DIR) - 1);
	}
	return d->errors > errors ? -1 : 0;
}

static struct node *
expand(const struct node *t, const struct tvals *vals, struct arena *a)
{
	if (t->tag && strcmp(t->tag, "!text") != 0)
		return vals->v[t->ival];
	if (t->kind == NODE_SCALAR)
		return (struct node *)t;

	struct node *out = t->kind == NODE_MAP ? node_new_map(a, t->n) : node_new_seq(a, t->n);
	for (size_t i = 0; i < t->n; i++) {
		if (t->kind == NODE_SEQ) {
			struct node *item = expand(t->kids[i], vals, a);
			if (item)
				node_seq_add(out, item);
			continue;
		}
		struct node *value = expand(t->kids[2 * i + 1], vals, a);
		if (value)
			node_map_add(out, t->kids[2 * i], value);
	}
	if (t->n > 0 && out->n == 0)
		return NULL;
	if (t->tag) { /* !text */
		struct buf b;
		buf_init(&b);
		emit_document(&b, out);
		out = node_new_block(a, b.data, b.len);
		buf_release(&b);
	}
	return out;
}

const struct node *
template_root(struct templates *t, enum tmpl_id id)
{
	if (!t->root[id]) /* an embedded one: templates_load() saw it is there */
		t->root[id] = frozen_load(tmpl_names[id], t->a);
	return t->root[id];
}

struct node *
template_expand(struct templates *t, enum tmpl_id id, const struct tvals *vals, struct arena *a)
{
	struct node *out = expand(template_root(t, id), vals, a);

	return out ? out : node_new_map(a, 0);
}
