/* helpers.c: running commands and canonical YAML for the tests. */
#include "helpers.h"

#include <dirent.h>
#include <libfyaml.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "buf.h"
#include "parse.h"

const char *
meshroll_bin(void)
{
	static char path[4096];
	const char *bin = getenv("MESHROLL");

	if (!path[0] && !realpath(bin && *bin ? bin : "build/meshroll", path))
		snprintf(path, sizeof(path), "%s", bin && *bin ? bin : "build/meshroll");
	return path;
}

const char *
meshroll_faults_bin(void)
{
	static char path[4096];
	const char *bin = getenv("MESHROLL_FAULTS");

	if (!bin || !*bin)
		return meshroll_bin();
	if (!path[0] && !realpath(bin, path))
		snprintf(path, sizeof(path), "%s", bin);
	return path;
}

int
run_cmd(char **out, const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	struct buf b;
	char chunk[4096];
	size_t n;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	FILE *p = popen(cmd, "r");
	if (!p)
		return -1;
	buf_init(&b);
	buf_add(&b, "", 0);
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
		buf_add(&b, chunk, n);
	int status = pclose(p);
	if (out)
		*out = b.data ? b.data : calloc(1, 1);
	else
		buf_release(&b);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int
tmp_dir_new(char dir[64], const char *tag)
{
	snprintf(dir, 64, "/tmp/meshroll-%s-XXXXXX", tag);
	return mkdtemp(dir) ? 0 : -1;
}

bool
ci_run(void)
{
	const char *ci = getenv("CI");

	return ci && !strcmp(ci, "true");
}

int
slowdown(void)
{
	const char *e = getenv("MESHROLL_SLOWDOWN");

	return e && atoi(e) > 0 ? atoi(e) : 1;
}

bool
have_cmd(const char *name)
{
	return run_cmd(NULL, "command -v %s >/dev/null 2>&1", name) == 0;
}

char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct buf b;
	char chunk[4096];
	size_t n;

	if (!f)
		return NULL;
	buf_init(&b);
	buf_add(&b, "", 0);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	if (len)
		*len = b.len;
	return b.data;
}

static void
canon_string(struct buf *b, const char *s, size_t len)
{
	buf_adds(b, "s\"");
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '"' || s[i] == '\\')
			buf_addc(b, '\\');
		if (s[i] == '\n')
			buf_adds(b, "\\n");
		else
			buf_addc(b, s[i]);
	}
	buf_addc(b, '"');
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "{k:v,...}" with the entries sorted, from canonical key and value texts. */
static void
canon_sorted(struct buf *b, char **entries, size_t n, char open, char close, bool sort)
{
	if (sort)
		qsort(entries, n, sizeof(*entries), str_cmp);
	buf_addc(b, open);
	for (size_t i = 0; i < n; i++) {
		buf_adds(b, i ? "," : "");
		buf_adds(b, entries[i]);
		free(entries[i]);
	}
	buf_addc(b, close);
	free(entries);
}

static void
canon_node(struct buf *b, const struct node *n)
{
	if (n->kind == NODE_SCALAR) {
		switch (n->type) {
		case SCALAR_INT:
			buf_addf(b, "i%lld", n->ival);
			return;
		case SCALAR_BOOL:
			buf_addf(b, "b%lld", n->ival);
			return;
		case SCALAR_NULL:
			buf_adds(b, "null");
			return;
		case SCALAR_FLOAT:
			buf_addf(b, "f%s", n->str);
			return;
		default:
			canon_string(b, n->str, n->len);
			return;
		}
	}
	size_t count = n->n;
	char **entries = calloc(count + 1, sizeof(*entries));
	for (size_t i = 0; i < count; i++) {
		struct buf e;
		buf_init(&e);
		if (n->kind == NODE_MAP) {
			canon_node(&e, n->kids[2 * i]);
			buf_addc(&e, ':');
			canon_node(&e, n->kids[2 * i + 1]);
		} else {
			canon_node(&e, n->kids[i]);
		}
		entries[i] = e.data;
	}
	canon_sorted(b, entries, count, n->kind == NODE_MAP ? '{' : '[',
	             n->kind == NODE_MAP ? '}' : ']', n->kind == NODE_MAP);
}

char *
canon_libyaml(const char *data, size_t len)
{
	struct arena a;
	struct diags d;
	struct source src = {.path = "<test>", .data = data, .len = len};
	struct node *root;
	struct buf b;

	arena_init(&a);
	diags_init(&d, &a);
	buf_init(&b);
	if (parse_document(&src, 0, &a, &d, &root) == 0)
		canon_node(&b, root);
	arena_release(&a);
	return b.data;
}

/* A plain scalar under the YAML 1.2 core schema. */
static void
canon_fy_plain(struct buf *b, const char *s, size_t len)
{
	char text[256];
	char *end;

	if (len >= sizeof(text)) {
		canon_string(b, s, len);
		return;
	}
	memcpy(text, s, len);
	text[len] = '\0';
	if (!strcmp(text, "") || !strcmp(text, "~") || !strcmp(text, "null") ||
	    !strcmp(text, "Null") || !strcmp(text, "NULL"))
		buf_adds(b, "null");
	else if (!strcmp(text, "true") || !strcmp(text, "True") || !strcmp(text, "TRUE"))
		buf_adds(b, "b1");
	else if (!strcmp(text, "false") || !strcmp(text, "False") || !strcmp(text, "FALSE"))
		buf_adds(b, "b0");
	else if (strspn(text + (text[0] == '-' || text[0] == '+'), "0123456789") ==
	             len - (text[0] == '-' || text[0] == '+') &&
	         len > (size_t)(text[0] == '-' || text[0] == '+'))
		buf_addf(b, "i%lld", strtoll(text, &end, 10));
	else if (strtod(text, &end) && *end == '\0' && strspn(text, "0123456789.eE+-") == len)
		buf_addf(b, "f%s", text);
	else
		canon_string(b, s, len);
}

static void
canon_fy(struct buf *b, struct fy_node *n)
{
	void *it = NULL;
	size_t len, count = 0, cap = 16;
	char **entries;

	if (fy_node_get_type(n) == FYNT_SCALAR) {
		const char *s = fy_node_get_scalar(n, &len);
		if (fy_node_get_style(n) == FYNS_PLAIN)
			canon_fy_plain(b, s, len);
		else
			canon_string(b, s, len);
		return;
	}
	entries = calloc(cap, sizeof(*entries));
	bool map = fy_node_get_type(n) == FYNT_MAPPING;
	for (;;) {
		struct buf e;
		buf_init(&e);
		if (map) {
			struct fy_node_pair *p = fy_node_mapping_iterate(n, &it);
			if (!p)
				break;
			canon_fy(&e, fy_node_pair_key(p));
			buf_addc(&e, ':');
			canon_fy(&e, fy_node_pair_value(p));
		} else {
			struct fy_node *item = fy_node_sequence_iterate(n, &it);
			if (!item)
				break;
			canon_fy(&e, item);
		}
		if (count == cap)
			entries = realloc(entries, (cap *= 2) * sizeof(*entries));
		entries[count++] = e.data;
	}
	canon_sorted(b, entries, count, map ? '{' : '[', map ? '}' : ']', map);
}

char *
canon_libfyaml(const char *data, size_t len)
{
	struct fy_parse_cfg cfg = {.flags = FYPCF_QUIET | FYPCF_DEFAULT_VERSION_1_2};
	struct fy_parser *fyp = fy_parser_create(&cfg);
	struct fy_document *fyd;
	char **docs = NULL;
	size_t n = 0;
	struct buf b;

	if (!fyp || fy_parser_set_string(fyp, data, len) != 0)
		return NULL;
	while ((fyd = fy_parse_load_document(fyp)) != NULL) {
		struct buf e;
		buf_init(&e);
		if (fy_document_root(fyd))
			canon_fy(&e, fy_document_root(fyd));
		docs = realloc(docs, (n + 1) * sizeof(*docs));
		docs[n++] = e.data ? e.data : calloc(1, 1);
		fy_parse_document_destroy(fyp, fyd);
	}
	bool failed = fy_parser_get_stream_error(fyp);
	fy_parser_destroy(fyp);
	qsort(docs, n, sizeof(*docs), str_cmp);
	buf_init(&b);
	buf_add(&b, "", 0);
	for (size_t i = 0; i < n; i++) {
		buf_adds(&b, docs[i]);
		buf_addc(&b, '\n');
		free(docs[i]);
	}
	free(docs);
	if (failed) {
		buf_release(&b);
		return NULL;
	}
	return b.data;
}

char **
golden_cases(const char *prefix)
{
	struct dirent **ents;
	int n = scandir("golden", &ents, NULL, alphasort);
	char **out = calloc((size_t)(n > 0 ? n : 0) + 1, sizeof(*out));
	size_t k = 0;

	for (int i = 0; i < n; i++) {
		if (ents[i]->d_name[0] != '.' && !strncmp(ents[i]->d_name, prefix, strlen(prefix)))
			out[k++] = strdup(ents[i]->d_name);
		free(ents[i]);
	}
	if (n > 0)
		free(ents);
	return out;
}

bool
have_python_modules(const char *mods)
{
	return run_cmd(NULL, "python3 -c 'import %s' >/dev/null 2>&1", mods) == 0;
}
