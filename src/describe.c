/* describe.c: a stage's matches in a few words, for the lines promote and status print. */
#include "describe.h"

#include <stdbool.h>
#include <string.h>

void
describe_match(struct buf *b, const struct node *match)
{
	const char *seen[16];
	size_t n = 0;

	for (size_t i = 0; i < match->n; i++) {
		const struct node *m = match->kids[i];
		for (size_t f = 0; f < m->n; f++) {
			const char *field = m->kids[2 * f]->str;
			const struct node *v = m->kids[2 * f + 1];
			bool query = !strcmp(field, "queryParams"),
			     without = !strcmp(field, "withoutHeaders");
			bool keyed = query || without || !strcmp(field, "headers");
			if (!strcmp(field, "name") || !strcmp(field, "statPrefix"))
				continue;
			for (size_t k = 0; k < (keyed ? v->n : 1); k++) {
				const char *what = keyed ? v->kids[2 * k]->str : field;
				size_t j = 0;
				while (j < n && strcmp(seen[j], what))
					j++;
				if (j < n)
					continue;
				if (n < sizeof(seen) / sizeof(*seen))
					seen[n++] = what;
				buf_addf(b, "%s%s%s", n > 1 ? " + " : "",
				         query     ? "?"
				         : without ? "no "
				                   : "",
				         what);
			}
		}
	}
}
