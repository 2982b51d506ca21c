/* cmd_promote.c: promote and rollback move spec.activeStage in place, changing only the bytes
 * of its value, after checking the file, and check the edited file again before replacing it. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "cmd.h"
#include "describe.h"
#include "edit.h"
#include "load.h"
#include "run.h"
#include "write.h"

/* The stage to move to: --to ID, the first (rollback) or the next. -1 with an error. */
static int
move_target(struct run *r, const struct rollout *ro, const char *to, int rollback)
{
	char list[512] = "";
	int target = rollback ? 0 : to ? model_stage_lookup(ro, to) : (int)ro->active + 1;

	for (size_t i = 0; i < ro->nstages; i++) {
		size_t len = strlen(list);
		snprintf(list + len, sizeof(list) - len, "%s%s", i ? ", " : "", ro->stages[i].id);
	}
	if (to && target < 0)
		return diag_loc(&r->diags, DIAG_ERROR, ro->file, 0, 0, "%s",
		                model_stage_missing(ro, to, &r->arena));
	if ((size_t)target >= ro->nstages)
		return diag_loc(
		    &r->diags, DIAG_ERROR, ro->file, 0, 0,
		    "rollout '%s' is at its last stage '%s'; there is nothing to promote "
		    "to (the stages are %s)",
		    ro->name, ro->stages[ro->active].id, list);
	return target;
}

/* What a stage does, for the line promote prints: "canary 10%", "A/B on x-canary, weight 0%",
 * "mirror 20%, weight 0%". */
static const char *
stage_what(const struct stage *s, struct arena *a)
{
	struct buf b;

	if (!s->match && !s->mirror)
		return arena_printf(a, "canary %d%%", s->weight);
	buf_init(&b);
	if (s->match) {
		buf_adds(&b, "A/B on ");
		describe_match(&b, s->match);
		buf_adds(&b, ", ");
	}
	if (s->mirror) {
		buf_addf(&b, "mirror %s%%", s->mirror);
		if (s->mirror_match) {
			buf_adds(&b, " on ");
			describe_match(&b, s->mirror_match);
		}
		buf_adds(&b, ", ");
	}
	buf_addf(&b, "weight %d%%", s->weight);
	const char *what = arena_strndup(a, b.data, b.len);
	buf_release(&b);
	return what;
}

/* Edits the file into out and checks the result as a rollout file at the target stage.
 * Returns 0, or -1 with an error located in the file as it is. */
static int
move_edit(struct run *r, const struct source *src, const struct node *doc, const struct rollout *ro,
          int target, struct buf *out)
{
	const struct node *spec = node_get(doc, "spec"), *old = node_get(spec, "activeStage");
	const char *text = edit_stage_text(src, old, &ro->stages[target], &r->arena);
	size_t mark = r->diags.n;

	if (edit_active_stage(src, doc, text, out, &r->diags) < 0)
		return -1;
	struct source edited = {.path = src->path, .data = out->data, .len = out->len};
	struct node *check = load_bytes(&edited, &r->schema, &r->scratch, &r->diags);
	const struct rollout *now = check ? model_build(check, src->path, &r->arena) : NULL;
	diags_rewind(&r->diags, mark); /* they name lines of the edited copy, not of the file: its
	                                * warnings are the file's, told already */
	if (now && now->active == (size_t)target)
		return 0;
	return node_error(&r->diags, old ? old : node_get(spec, "stages"),
	                  "promote cannot edit spec.activeStage in this layout (please report "
	                  "it); set it by hand");
}

/* Checks the file, moves its activeStage, says so and replaces the file; the exit status.
 * What it prints comes first: where standard output fails, the file stays as it was. */
static int
move_locked(struct run *r, const char *path, const char *to, int rollback)
{
	struct source src;
	struct node *doc;
	struct buf out;
	int status = EXIT_OK;

	if (schema_load(&r->schema, &r->diags) < 0 ||
	    !(doc = load_tree(path, &r->schema, &r->scratch, &r->diags, &src)))
		return EXIT_INVALID;
	const struct rollout *ro = model_build(doc, src.path, &r->arena);
	int target = move_target(r, ro, to, rollback);
	if (target < 0)
		return EXIT_INVALID;
	const struct stage *from = &ro->stages[ro->active], *dest = &ro->stages[target];
	if ((size_t)target == ro->active) {
		printf("%s: already at stage %s (%s)\n", ro->name, from->id,
		       stage_what(from, &r->arena));
		return EXIT_OK;
	}
	buf_init(&out);
	if (move_edit(r, &src, doc, ro, target, &out) < 0) {
		status = EXIT_INVALID;
	} else if (printf("%s: stage %s -> %s (%s)\n", ro->name, from->id, dest->id,
	                  dest->match || dest->mirror
	                      ? stage_what(dest, &r->arena)
	                      : arena_printf(&r->arena, "canary %d%% -> %d%%", from->weight,
	                                     dest->weight)) < 0 ||
	           fflush(stdout) != 0) {
		diag_io(&r->diags, src.path, errno, "not changed: cannot write to standard output");
		status = EXIT_IO;
	} else if (write_file_replace(src.path, out.data, out.len, &r->diags) < 0) {
		status = EXIT_IO;
	}
	buf_release(&out);
	return status;
}

/* Locks the rollout file against other promotes and rollbacks from the read to the replace:
 * an flock on the file that path names, taken again when one of them replaced it meanwhile.
 * Returns the locked descriptor (unlocked where the filesystem has no flock), or -1. */
static int
move_lock(const char *path, struct diags *d)
{
	for (int i = 0; i < 1000; i++) {
		int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
		struct stat held, now;
		if (fd < 0)
			return diag_io(d, path, errno, "cannot open");
		while (flock(fd, LOCK_EX) < 0)
			if (errno != EINTR)
				return fd;
		if (fstat(fd, &held) == 0 && stat(path, &now) == 0 && held.st_dev == now.st_dev &&
		    held.st_ino == now.st_ino)
			return fd;
		close(fd); /* replaced while we waited: lock the new file */
	}
	return diag_io(d, path, 0, "cannot lock: it keeps being replaced");
}

static int
move(const char *path, const char *to, int rollback)
{
	struct run r;
	int lock;

	run_init(&r);
	if ((lock = move_lock(path, &r.diags)) < 0)
		return run_finish(&r, EXIT_IO);
	int status = move_locked(&r, path, to, rollback);
	close(lock);
	return run_finish(&r, status);
}

static const char promote_usage[] =
    "usage: meshroll promote [--to ID] FILE\n"
    "  moves spec.activeStage to the next stage (or to ID, by id or weight), in place:\n"
    "  only the bytes of that value change\n";

int
cmd_promote(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"to", required_argument, NULL, 't'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *to = NULL;
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 't')
			to = optarg;
		else if (c == 'h')
			return print_help(promote_usage);
		else
			return usage_error(promote_usage, "promote: bad option '%s'",
			                   argv[optind - 1]);
	}
	if (optind != argc - 1)
		return usage_error(promote_usage, "promote: name one rollout file");
	return move(argv[optind], to, 0);
}

static const char rollback_usage[] = "usage: meshroll rollback FILE\n"
                                     "  moves spec.activeStage back to the first stage, in place\n";

int
cmd_rollback(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--help"))
		return print_help(rollback_usage);
	if (argc != 2 || argv[1][0] == '-')
		return usage_error(rollback_usage, "rollback: name one rollout file");
	return move(argv[1], NULL, 1);
}
