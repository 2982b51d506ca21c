/* pattern.c: a subset of POSIX EREs, compiled to an NFA program and run as a Pike VM. */
#include "pattern.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum {
	MAX_AST = 512,    /* parsed nodes of one expression */
	MAX_DEPTH = 32,   /* nested groups */
	MAX_REPEAT = 255, /* the largest bound of {m,n} */
	REPEAT_INF = 0xFFFF,
};

/* The parsed expression: a tree of nodes in an array. */
enum ast_kind { AST_SET, AST_CAT, AST_ALT, AST_REPEAT, AST_BOL, AST_EOL };

struct ast {
	uint8_t kind;      /* enum ast_kind */
	uint16_t a, b;     /* CAT, ALT: the two sides; REPEAT: what repeats (a) */
	uint16_t min, max; /* REPEAT: the bounds; max REPEAT_INF for none */
	uint32_t set[8];   /* SET: the bytes it matches, a bit each */
};

/* The program: SET consumes a byte in its set; SPLIT goes on at x and at y; JMP at x; BOL and
 * EOL hold only at the start and end of the input; MATCH is a match. */
enum pattern_op { OP_SET, OP_SPLIT, OP_JMP, OP_BOL, OP_EOL, OP_MATCH };

struct compiler {
	const char *re;
	size_t pos;      /* the next byte of re */
	const char *err; /* why it failed; NULL until then */
	struct ast ast[MAX_AST];
	size_t nast, depth;
	struct pattern_insn insn[PATTERN_MAX_STATES];
	size_t ninsn;
};

static int
fail(struct compiler *c, const char *why)
{
	if (!c->err)
		c->err = why;
	return -1;
}

static int
ast_new(struct compiler *c, enum ast_kind kind, int a, int b)
{
	if (c->nast == MAX_AST)
		return fail(c, "too long an expression");
	c->ast[c->nast] = (struct ast){.kind = (uint8_t)kind, .a = (uint16_t)a, .b = (uint16_t)b};
	return (int)c->nast++;
}

static void
set_add(uint32_t *set, unsigned lo, unsigned hi)
{
	for (unsigned b = lo; b <= hi; b++)
		set[b >> 5] |= (uint32_t)1 << (b & 31);
}

/* After the '[': items up to the closing ']', bytes and ranges of bytes. */
static int
parse_bracket(struct compiler *c, uint32_t *set)
{
	const unsigned char *re = (const unsigned char *)c->re;
	bool negate = re[c->pos] == '^';

	c->pos += negate;
	for (bool first = true; first || re[c->pos] != ']'; first = false) {
		unsigned lo = re[c->pos], hi = lo;
		if (lo == '\0')
			return fail(c, "an unterminated bracket expression");
		if (lo == '[' && re[c->pos + 1] && strchr(":=.", re[c->pos + 1]))
			return fail(c, "a character class, equivalence class or collating symbol");
		if (lo == '\\') /* a literal backslash in POSIX, an escape in ECMA-262 */
			return fail(c, "a backslash in a bracket expression");
		if (re[c->pos + 1] == '-' && re[c->pos + 2] != ']' && re[c->pos + 2] != '\0') {
			hi = re[c->pos + 2];
			if (hi == '\\' || hi == '[')
				return fail(c, "a range ending in '\\' or '['");
			if (hi < lo)
				return fail(c, "a range out of order");
			c->pos += 2;
		}
		set_add(set, lo, hi);
		c->pos++;
	}
	c->pos++;
	if (negate)
		for (size_t i = 0; i < 8; i++)
			set[i] = ~set[i];
	set[0] &= ~(uint32_t)1; /* never NUL, which ends regexec()'s input */
	return 0;
}

static int parse_alt(struct compiler *c);

static int
parse_atom(struct compiler *c)
{
	unsigned char ch = (unsigned char)c->re[c->pos];
	int n;

	if (ch == '(') {
		if (++c->depth > MAX_DEPTH)
			return fail(c, "groups nested too deep");
		c->pos++;
		if ((n = parse_alt(c)) < 0)
			return -1;
		if (c->re[c->pos] != ')')
			return fail(c, "an unterminated group");
		c->pos++;
		c->depth--;
		return n;
	}
	if (ch == '^' || ch == '$') {
		c->pos++;
		return ast_new(c, ch == '^' ? AST_BOL : AST_EOL, 0, 0);
	}
	if (strchr("*+?{}", ch))
		return fail(c, "a quantifier with nothing to repeat");
	if ((n = ast_new(c, AST_SET, 0, 0)) < 0)
		return -1;
	uint32_t *set = c->ast[n].set;
	c->pos++;
	if (ch == '[')
		return parse_bracket(c, set) < 0 ? -1 : n;
	if (ch == '.')
		set_add(set, 1, 255);
	else if (ch != '\\')
		set_add(set, ch, ch);
	else if ((ch = (unsigned char)c->re[c->pos++]) && strchr("\\.*+?()[]{}|^$/-", ch))
		set_add(set, ch, ch);
	else
		return c->pos--, fail(c, "an escape other than of punctuation");
	return n;
}

/* A number of at most MAX_REPEAT in an interval. */
static int
parse_bound(struct compiler *c)
{
	int v = 0;

	if (c->re[c->pos] < '0' || c->re[c->pos] > '9')
		return fail(c, "a bad interval");
	while (c->re[c->pos] >= '0' && c->re[c->pos] <= '9') {
		v = v * 10 + c->re[c->pos++] - '0';
		if (v > MAX_REPEAT)
			return fail(c, "too large an interval");
	}
	return v;
}

/* An atom and at most one quantifier. */
static int
parse_piece(struct compiler *c)
{
	int atom = parse_atom(c), min, max, n;
	char q;

	if (atom < 0)
		return -1;
	q = c->re[c->pos];
	if (!strchr("*+?{", q) || q == '\0')
		return atom;
	if (c->ast[atom].kind == AST_BOL || c->ast[atom].kind == AST_EOL)
		return fail(c, "a quantified anchor");
	c->pos++;
	min = q == '+', max = q == '?' ? 1 : REPEAT_INF;
	if (q == '{') {
		if ((min = max = parse_bound(c)) < 0)
			return -1;
		if (c->re[c->pos] == ',') {
			c->pos++;
			max = c->re[c->pos] == '}' ? REPEAT_INF : parse_bound(c);
			if (max < 0)
				return -1;
		}
		if (c->re[c->pos] != '}' || max < min)
			return fail(c, "a bad interval");
		c->pos++;
	}
	if (c->re[c->pos] && strchr("*+?{", c->re[c->pos]))
		return fail(c, "stacked quantifiers");
	if ((n = ast_new(c, AST_REPEAT, atom, 0)) < 0)
		return -1;
	c->ast[n].min = (uint16_t)min, c->ast[n].max = (uint16_t)max;
	return n;
}

static int
parse_cat(struct compiler *c)
{
	int left = -1, right;

	while (c->re[c->pos] && c->re[c->pos] != '|' && c->re[c->pos] != ')') {
		if ((right = parse_piece(c)) < 0)
			return -1;
		if (left >= 0 && (right = ast_new(c, AST_CAT, left, right)) < 0)
			return -1;
		left = right;
	}
	return left < 0 ? fail(c, "an empty branch") : left;
}

static int
parse_alt(struct compiler *c)
{
	int left = parse_cat(c), right;

	while (left >= 0 && c->re[c->pos] == '|') {
		c->pos++;
		if ((right = parse_cat(c)) < 0)
			return -1;
		left = ast_new(c, AST_ALT, left, right);
	}
	return left;
}

static int
emit(struct compiler *c, enum pattern_op op, size_t x, size_t y)
{
	if (c->ninsn == PATTERN_MAX_STATES)
		return fail(c, "too many states");
	c->insn[c->ninsn] =
	    (struct pattern_insn){.op = (uint8_t)op, .x = (uint16_t)x, .y = (uint16_t)y};
	return (int)c->ninsn++;
}

static int gen(struct compiler *c, int n);

/* e{min,max} written out: min copies, then e* (the last copy looping when min > 0), or
 * max - min copies of e?. */
static int
gen_repeat(struct compiler *c, const struct ast *r)
{
	int loop, split;

	for (int i = 0; i + (r->max == REPEAT_INF && r->min > 0) < r->min; i++)
		if (gen(c, r->a) < 0)
			return -1;
	if (r->max == REPEAT_INF && r->min > 0) {
		loop = (int)c->ninsn;
		return gen(c, r->a) < 0 || emit(c, OP_SPLIT, (size_t)loop, c->ninsn + 1) < 0 ? -1
		                                                                             : 0;
	}
	for (int i = r->min; i < r->max; i++) {
		if ((split = emit(c, OP_SPLIT, c->ninsn + 1, 0)) < 0 || gen(c, r->a) < 0)
			return -1;
		if (r->max == REPEAT_INF && emit(c, OP_JMP, (size_t)split, 0) < 0)
			return -1;
		c->insn[split].y = (uint16_t)c->ninsn;
		if (r->max == REPEAT_INF)
			break;
	}
	return 0;
}

static int
gen(struct compiler *c, int n)
{
	const struct ast *a = &c->ast[n];
	int split, jmp;

	switch ((enum ast_kind)a->kind) {
	case AST_SET:
		if (emit(c, OP_SET, 0, 0) < 0)
			return -1;
		memcpy(c->insn[c->ninsn - 1].set, a->set, sizeof(a->set));
		return 0;
	case AST_BOL:
	case AST_EOL:
		return emit(c, a->kind == AST_BOL ? OP_BOL : OP_EOL, 0, 0) < 0 ? -1 : 0;
	case AST_CAT:
		return gen(c, a->a) < 0 || gen(c, a->b) < 0 ? -1 : 0;
	case AST_ALT:
		if ((split = emit(c, OP_SPLIT, c->ninsn + 1, 0)) < 0 || gen(c, a->a) < 0 ||
		    (jmp = emit(c, OP_JMP, 0, 0)) < 0)
			return -1;
		c->insn[split].y = (uint16_t)c->ninsn;
		if (gen(c, a->b) < 0)
			return -1;
		c->insn[jmp].x = (uint16_t)c->ninsn;
		return 0;
	case AST_REPEAT:
		return gen_repeat(c, a);
	}
	return fail(c, "internal error");
}

/* Whether every match of node n starts with ^. */
static bool
starts_bol(const struct compiler *c, int n)
{
	const struct ast *a = &c->ast[n];

	switch ((enum ast_kind)a->kind) {
	case AST_BOL:
		return true;
	case AST_CAT:
		return starts_bol(c, a->a);
	case AST_ALT:
		return starts_bol(c, a->a) && starts_bol(c, a->b);
	case AST_REPEAT:
		return a->min > 0 && starts_bol(c, a->a);
	default:
		return false;
	}
}

struct pattern *
pattern_compile(const char *re, const char **err, size_t *at)
{
	struct compiler *c = malloc(sizeof(*c)); /* its nodes and instructions: as made */
	struct pattern *p = NULL;
	int root;

	if (!c) {
		*err = "out of memory", *at = 0;
		return NULL;
	}
	c->re = re, c->pos = 0, c->err = NULL;
	c->nast = c->depth = c->ninsn = 0;
	root = parse_alt(c);
	if (root >= 0 && c->re[c->pos] == ')')
		root = fail(c, "an unmatched ')'");
	if (root >= 0 && gen(c, root) == 0 && emit(c, OP_MATCH, 0, 0) >= 0) {
		p = malloc(sizeof(*p) + c->ninsn * sizeof(c->insn[0])); /* the program after it */
		if (!p)
			fail(c, "out of memory");
	}
	if (p) {
		struct pattern_insn *insn = (struct pattern_insn *)(p + 1);
		memcpy(insn, c->insn, c->ninsn * sizeof(insn[0]));
		*p = (struct pattern){.insn = insn, .n = c->ninsn, .anchored = starts_bol(c, root)};
	} else {
		*err = c->err, *at = c->pos;
	}
	free(c);
	return p;
}

void
pattern_free(struct pattern *p)
{
	free(p);
}

/* The threads at one offset of the input: the SET instructions waiting for its byte. */
struct threads {
	size_t n;
	uint16_t pc[PATTERN_MAX_STATES];
};

struct vm {
	const struct pattern *p;
	size_t len;
	/* the step an instruction was last added in, plus 1; 32 bits keep the frame, and so the
	   stack pages a check touches, small */
	uint32_t mark[PATTERN_MAX_STATES];
};

/* Adds the thread at pc at offset pos (step gen), following jumps and assertions. Returns
 * whether it reaches MATCH. */
static bool
vm_add(struct vm *vm, struct threads *t, size_t pc, size_t pos, uint32_t gen)
{
	const struct pattern_insn *in = &vm->p->insn[pc];

	if (vm->mark[pc] == gen)
		return false;
	vm->mark[pc] = gen;
	switch ((enum pattern_op)in->op) {
	case OP_SET:
		t->pc[t->n++] = (uint16_t)pc;
		return false;
	case OP_SPLIT:
		return vm_add(vm, t, in->x, pos, gen) || vm_add(vm, t, in->y, pos, gen);
	case OP_JMP:
		return vm_add(vm, t, in->x, pos, gen);
	case OP_BOL:
		return pos == 0 && vm_add(vm, t, pc + 1, pos, gen);
	case OP_EOL:
		return pos == vm->len && vm_add(vm, t, pc + 1, pos, gen);
	case OP_MATCH:
		return true;
	}
	return false;
}

bool
pattern_match(const struct pattern *p, const char *s, size_t len)
{
	struct vm vm;
	struct threads lists[2], *cur = &lists[0], *next = &lists[1], *swap;

	if (len > UINT32_MAX - 2)
		return false;
	vm.p = p, vm.len = len;
	memset(vm.mark, 0, p->n * sizeof(vm.mark[0])); /* only the states p has */
	cur->n = 0;
	if (vm_add(&vm, cur, 0, 0, 1))
		return true;
	for (size_t i = 0; i < len; i++) {
		unsigned b = (unsigned char)s[i];
		next->n = 0;
		for (size_t k = 0; k < cur->n; k++) {
			const struct pattern_insn *in = &p->insn[cur->pc[k]];
			if (in->set[b >> 5] >> (b & 31) & 1 &&
			    vm_add(&vm, next, cur->pc[k] + 1u, i + 1, (uint32_t)i + 2))
				return true;
		}
		/* a search: a match may start at every offset, unless it must start at 0 */
		if (!p->anchored && vm_add(&vm, next, 0, i + 1, (uint32_t)i + 2))
			return true;
		if (next->n == 0 && p->anchored)
			return false;
		swap = cur, cur = next, next = swap;
	}
	return false;
}
