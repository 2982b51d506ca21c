/* test_diff.c: check's unified diffs are GNU diff's, byte for byte. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "helpers.h"

/* Thirty numbered lines, with the lines named in change (1-based, 0 ends the list) replaced,
 * and the final newline dropped where asked. */
static char *
text(const int *change, int final_newline)
{
	struct buf b;

	buf_init(&b);
	for (int i = 1; i <= 30; i++) {
		int changed = 0;
		for (const int *c = change; *c; c++)
			changed |= *c == i;
		buf_addf(&b, changed ? "new %d\n" : "line %d\n", i);
	}
	if (!final_newline)
		b.len--;
	buf_addc(&b, '\0');
	return b.data;
}

static void
put(const char *path, const char *data)
{
	FILE *fp = fopen(path, "w");

	cr_assert(fp && fputs(data, fp) >= 0 && fclose(fp) == 0, "%s", path);
}

/* Changes 3 to 8 lines apart (hunks that meet, touch or part: three lines of context each
 * side), at the first and last lines, and with either file lacking its final newline: the
 * same bytes as diff -u. */
Test(diff, hunks_and_final_newlines_as_gnu_diff)
{
	static const int changes[][3] = {
	    {5, 0, 0}, {5, 8, 0},  {5, 11, 0}, {5, 12, 0}, {5, 13, 0},  {5, 14, 0},
	    {1, 0, 0}, {30, 0, 0}, {1, 30, 0}, {4, 27, 0}, {3, 10, 17}, {0, 0, 0},
	};
	char dir[64];

	if (!have_cmd("diff"))
		test_skip("diff (diffutils) is not installed; the diff comparison did not run");
	cr_assert_eq(tmp_dir_new(dir, "diff"), 0);
	char *pa = malloc(strlen(dir) + 3), *pb = malloc(strlen(dir) + 3);
	sprintf(pa, "%s/a", dir);
	sprintf(pb, "%s/b", dir);
	size_t compared = 0;
	for (size_t i = 0; i < sizeof(changes) / sizeof(changes[0]); i++) {
		for (int nl = 0; nl < 4; nl++) {
			static const int none[] = {0};
			char *a = text(none, nl & 1), *b = text(changes[i], nl & 2);
			struct buf ours;
			char *gnu = NULL;
			put(pa, a);
			put(pb, b);
			buf_init(&ours);
			diff_unified(&ours, "a/x", a, strlen(a), "b/x", b, strlen(b));
			buf_addc(&ours, '\0');
			run_cmd(&gnu, "diff -u --label a/x --label b/x %s %s", pa, pb);
			cr_expect_str_eq(ours.data, gnu, "changes {%d, %d, %d}, final newlines %d",
			                 changes[i][0], changes[i][1], changes[i][2], nl);
			compared += *gnu != '\0';
			buf_release(&ours);
			free(gnu);
			free(a);
			free(b);
		}
	}
	cr_expect_gt(compared, 40);
	run_cmd(NULL, "rm -rf %s", dir);
	free(pa);
	free(pb);
}
