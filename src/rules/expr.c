/* Expression language of the rulebook: arithmetic with units, comparisons, and/or/not, functions, fact names.
 * Parsed by recursive descent into a flat node array (depth-limited); evaluated recursively on the stack. */
#include <ctype.h>
#include <fnmatch.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"

#define EX_MAX_DEPTH 200
#define EX_MAX_ARGS 8
#define EX_MAX_NODES 4096 /* also bounds evaluation depth of long operator chains */

enum ex_op {
	OP_NUM, OP_STR, OP_BOOL, OP_FACT, OP_NEG, OP_NOT,
	OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MOD,
	OP_LT, OP_LE, OP_GT, OP_GE, OP_EQ, OP_NE, OP_AND, OP_OR,
	OP_CALL,
};

enum ex_fn { FN_MIN, FN_MAX, FN_FLOOR, FN_CEIL, FN_ROUND, FN_ABS, FN_CLAMP, FN_EXISTS, FN_SUM, FN_COUNT, FN_DEFAULT, FN_ASSUMED, FN_COALESCE };

static const struct {
	const char *name;
	enum ex_fn fn;
	int min_args, max_args;
} functions[] = {
	{"min", FN_MIN, 1, EX_MAX_ARGS},  {"max", FN_MAX, 1, EX_MAX_ARGS}, {"floor", FN_FLOOR, 1, 1},
	{"ceil", FN_CEIL, 1, 1},          {"round", FN_ROUND, 1, 1},       {"abs", FN_ABS, 1, 1},
	{"clamp", FN_CLAMP, 3, 3},        {"exists", FN_EXISTS, 1, 1},     {"sum", FN_SUM, 1, 1},
	{"count", FN_COUNT, 1, 1},        {"default", FN_DEFAULT, 2, 2},   {"assumed", FN_ASSUMED, 1, 1},
	{"coalesce", FN_COALESCE, 1, EX_MAX_ARGS},
};

struct ex_node {
	enum ex_op op;
	enum ex_fn fn;
	int a, b;
	int args[EX_MAX_ARGS];
	int nargs;
	struct ex_val val; /* literals */
	const char *name;  /* OP_FACT */
};

struct parser {
	struct st_arena *arena;
	const char *s, *end, *p;
	struct ex_node *nodes;
	int n, cap;
	int depth;
	const char *err;
	size_t err_off;
};

static int fail(struct parser *ps, const char *msg)
{
	if (!ps->err) {
		ps->err = msg;
		ps->err_off = (size_t)(ps->p - ps->s);
	}
	return -1;
}

static int new_node(struct parser *ps, enum ex_op op)
{
	if (ps->n >= EX_MAX_NODES)
		return fail(ps, "expression too long");
	if (ps->n == ps->cap) {
		int cap = ps->cap ? ps->cap * 2 : 16;
		struct ex_node *nn = realloc(ps->nodes, (size_t)cap * sizeof(*nn));
		if (!nn)
			return fail(ps, "out of memory");
		ps->nodes = nn;
		ps->cap = cap;
	}
	struct ex_node *x = &ps->nodes[ps->n];
	memset(x, 0, sizeof(*x));
	x->op = op;
	x->a = x->b = -1;
	return ps->n++;
}

static void skip_ws(struct parser *ps)
{
	while (ps->p < ps->end && isspace((unsigned char)*ps->p))
		ps->p++;
}

static int is_word(struct parser *ps, const char *w)
{
	size_t n = strlen(w);
	if ((size_t)(ps->end - ps->p) < n || strncmp(ps->p, w, n) != 0)
		return 0;
	const char *q = ps->p + n;
	return q == ps->end || !(isalnum((unsigned char)*q) || *q == '_' || *q == '.');
}

static int accept(struct parser *ps, const char *tok)
{
	skip_ws(ps);
	size_t n = strlen(tok);
	if (isalpha((unsigned char)tok[0])) {
		if (!is_word(ps, tok))
			return 0;
	} else if ((size_t)(ps->end - ps->p) < n || strncmp(ps->p, tok, n) != 0) {
		return 0;
	}
	ps->p += n;
	return 1;
}

static int parse_or(struct parser *ps);

static int ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '.' || c == '*' || c == '-' || c == '/';
}

/* number with an optional unit suffix glued to it: 8GB, 128MB, 5min, 200ms, 80% */
static int parse_number(struct parser *ps)
{
	const char *start = ps->p;
	while (ps->p < ps->end && (isdigit((unsigned char)*ps->p) || *ps->p == '.'))
		ps->p++;
	const char *num_end = ps->p;
	while (ps->p < ps->end && (isalpha((unsigned char)*ps->p) || *ps->p == '%'))
		ps->p++;
	int k = new_node(ps, OP_NUM);
	if (k < 0)
		return -1;
	struct ex_val *v = &ps->nodes[k].val;
	v->kind = XV_NUM;
	size_t unit_len = (size_t)(ps->p - num_end);
	char *endp;
	char tmp[64];
	size_t nl = (size_t)(num_end - start);
	if (nl == 0 || nl >= sizeof tmp)
		return fail(ps, "invalid number");
	memcpy(tmp, start, nl);
	tmp[nl] = '\0';
	double d = strtod(tmp, &endp);
	if (*endp)
		return fail(ps, "invalid number");
	if (unit_len == 0) {
		v->num = d;
		return k;
	}
	if (unit_len == 1 && *num_end == '%') {
		v->num = d / 100.0;
		return k;
	}
	static const char *const size_units[] = {"B", "kB", "KB", "K", "KiB", "MB", "M", "MiB", "GB", "G", "GiB",
	                                         "TB", "T", "TiB", NULL};
	for (const char *const *u = size_units; *u; u++) {
		if (strlen(*u) == unit_len && strncmp(*u, num_end, unit_len) == 0) {
			int64_t bytes;
			if (st_size_parse(start, (size_t)(ps->p - start), ST_UNITS_ANY, 1, &bytes, NULL) < 0)
				return fail(ps, "invalid size");
			v->num = (double)bytes;
			v->dim = DIM_BYTES;
			return k;
		}
	}
	static const char *const time_units[] = {"us", "ms", "s", "min", "h", "d", NULL};
	for (const char *const *u = time_units; *u; u++) {
		if (strlen(*u) == unit_len && strncmp(*u, num_end, unit_len) == 0) {
			int64_t us;
			if (st_duration_parse(start, (size_t)(ps->p - start), ST_UNITS_ANY, 1, &us, NULL) < 0)
				return fail(ps, "invalid duration");
			v->num = (double)us;
			v->dim = DIM_TIME;
			return k;
		}
	}
	ps->p = num_end;
	return fail(ps, "unknown unit (sizes: B kB MB GB TB K M G T; times: us ms s min h d; or %)");
}

static int parse_string(struct parser *ps)
{
	char q = *ps->p++;
	const char *start = ps->p;
	while (ps->p < ps->end && *ps->p != q)
		ps->p++;
	if (ps->p >= ps->end)
		return fail(ps, "unterminated string");
	int k = new_node(ps, q == '`' ? OP_FACT : OP_STR);
	if (k < 0)
		return -1;
	char *s = st_arena_strndup(ps->arena, start, (size_t)(ps->p - start));
	if (!s)
		return fail(ps, "out of memory");
	ps->p++;
	if (q == '`') {
		ps->nodes[k].name = s;
	} else {
		ps->nodes[k].val.kind = XV_STR;
		ps->nodes[k].val.str = s;
	}
	return k;
}

static int parse_call(struct parser *ps, const char *name, size_t n)
{
	int f = -1;
	for (size_t i = 0; i < sizeof(functions) / sizeof(functions[0]); i++)
		if (strlen(functions[i].name) == n && strncmp(functions[i].name, name, n) == 0)
			f = (int)i;
	if (f < 0)
		return fail(ps, "unknown function (min max floor ceil round abs clamp exists assumed sum count default coalesce)");
	int k = new_node(ps, OP_CALL);
	if (k < 0)
		return -1;
	ps->nodes[k].fn = functions[f].fn;
	int nargs = 0;
	skip_ws(ps);
	if (!accept(ps, ")")) {
		do {
			if (nargs == EX_MAX_ARGS)
				return fail(ps, "too many arguments");
			int a = parse_or(ps);
			if (a < 0)
				return -1;
			ps->nodes[k].args[nargs++] = a;
		} while (accept(ps, ","));
		if (!accept(ps, ")"))
			return fail(ps, "expected ')' after arguments");
	}
	ps->nodes[k].nargs = nargs;
	if (nargs < functions[f].min_args || nargs > functions[f].max_args)
		return fail(ps, "wrong number of arguments");
	enum ex_fn fn = functions[f].fn;
	if ((fn == FN_EXISTS || fn == FN_SUM || fn == FN_COUNT || fn == FN_ASSUMED) &&
	    ps->nodes[ps->nodes[k].args[0]].op != OP_FACT)
		return fail(ps, "exists/assumed/sum/count take a fact name");
	return k;
}

static int parse_primary(struct parser *ps)
{
	skip_ws(ps);
	if (ps->p >= ps->end)
		return fail(ps, "unexpected end of expression");
	char c = *ps->p;
	if (isdigit((unsigned char)c) || (c == '.' && ps->p + 1 < ps->end && isdigit((unsigned char)ps->p[1])))
		return parse_number(ps);
	if (c == '"' || c == '\'' || c == '`')
		return parse_string(ps);
	if (c == '(') {
		ps->p++;
		int k = parse_or(ps);
		if (k < 0)
			return -1;
		if (!accept(ps, ")"))
			return fail(ps, "expected ')'");
		return k;
	}
	if (isalpha((unsigned char)c) || c == '_') {
		const char *start = ps->p;
		while (ps->p < ps->end && ident_char(*ps->p))
			ps->p++;
		size_t n = (size_t)(ps->p - start);
		if ((n == 4 && strncmp(start, "true", 4) == 0) || (n == 5 && strncmp(start, "false", 5) == 0)) {
			int k = new_node(ps, OP_BOOL);
			if (k < 0)
				return -1;
			ps->nodes[k].val.kind = XV_BOOL;
			ps->nodes[k].val.num = n == 4;
			return k;
		}
		skip_ws(ps);
		if (ps->p < ps->end && *ps->p == '(') {
			ps->p++;
			return parse_call(ps, start, n);
		}
		int k = new_node(ps, OP_FACT);
		if (k < 0)
			return -1;
		ps->nodes[k].name = st_arena_strndup(ps->arena, start, n);
		if (!ps->nodes[k].name)
			return fail(ps, "out of memory");
		return k;
	}
	return fail(ps, "unexpected character");
}

static int enter(struct parser *ps)
{
	if (++ps->depth > EX_MAX_DEPTH)
		return fail(ps, "expression nested too deeply");
	return 0;
}

static int parse_unary(struct parser *ps)
{
	if (enter(ps) < 0)
		return -1;
	int k;
	if (accept(ps, "-")) {
		int a = parse_unary(ps);
		if (a < 0)
			return -1;
		k = new_node(ps, OP_NEG);
		if (k >= 0)
			ps->nodes[k].a = a;
	} else if (accept(ps, "not")) {
		int a = parse_unary(ps);
		if (a < 0)
			return -1;
		k = new_node(ps, OP_NOT);
		if (k >= 0)
			ps->nodes[k].a = a;
	} else {
		k = parse_primary(ps);
	}
	ps->depth--;
	return k;
}

static int binary(struct parser *ps, enum ex_op op, int a, int b)
{
	if (b < 0)
		return -1;
	int k = new_node(ps, op);
	if (k < 0)
		return -1;
	ps->nodes[k].a = a;
	ps->nodes[k].b = b;
	return k;
}

static int parse_mul(struct parser *ps)
{
	int k = parse_unary(ps);
	while (k >= 0) {
		if (accept(ps, "*"))
			k = binary(ps, OP_MUL, k, parse_unary(ps));
		else if (accept(ps, "/"))
			k = binary(ps, OP_DIV, k, parse_unary(ps));
		else if (accept(ps, "%"))
			k = binary(ps, OP_MOD, k, parse_unary(ps));
		else
			break;
	}
	return k;
}

static int parse_add(struct parser *ps)
{
	int k = parse_mul(ps);
	while (k >= 0) {
		if (accept(ps, "+"))
			k = binary(ps, OP_ADD, k, parse_mul(ps));
		else if (accept(ps, "-"))
			k = binary(ps, OP_SUB, k, parse_mul(ps));
		else
			break;
	}
	return k;
}

static int parse_cmp(struct parser *ps)
{
	int k = parse_add(ps);
	if (k < 0)
		return -1;
	static const struct {
		const char *tok;
		enum ex_op op;
	} ops[] = {{"<=", OP_LE}, {">=", OP_GE}, {"==", OP_EQ}, {"!=", OP_NE}, {"<", OP_LT}, {">", OP_GT}};
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (accept(ps, ops[i].tok))
			return binary(ps, ops[i].op, k, parse_add(ps));
	return k;
}

static int parse_and(struct parser *ps)
{
	int k = parse_cmp(ps);
	while (k >= 0 && accept(ps, "and"))
		k = binary(ps, OP_AND, k, parse_cmp(ps));
	return k;
}

static int parse_or(struct parser *ps)
{
	if (enter(ps) < 0)
		return -1;
	int k = parse_and(ps);
	while (k >= 0 && accept(ps, "or"))
		k = binary(ps, OP_OR, k, parse_and(ps));
	ps->depth--;
	return k;
}

int ex_compile(struct st_arena *a, const char *src, size_t n, struct st_expr *e, const char **err, size_t *err_off)
{
	struct parser ps = {.arena = a, .s = src, .end = src + n, .p = src};
	int root = parse_or(&ps);
	if (root >= 0) {
		skip_ws(&ps);
		if (ps.p != ps.end)
			root = fail(&ps, "unexpected text after expression");
	}
	if (root < 0) {
		free(ps.nodes);
		*err = ps.err ? ps.err : "invalid expression";
		*err_off = ps.err_off;
		return -1;
	}
	e->nodes = st_arena_alloc(a, (size_t)ps.n * sizeof(*ps.nodes));
	if (!e->nodes) {
		free(ps.nodes);
		*err = "out of memory";
		*err_off = 0;
		return -1;
	}
	memcpy(e->nodes, ps.nodes, (size_t)ps.n * sizeof(*ps.nodes));
	free(ps.nodes);
	e->n = ps.n;
	e->root = root;
	return 0;
}

/* ---- evaluation ------------------------------------------------------- */

const struct st_fact *ex_lookup(const struct ex_env *env, const char *name)
{
	if (env->component) {
		size_t cl = strlen(env->component), nl = strlen(name);
		char stackbuf[256];
		if (cl + nl + 2 <= sizeof stackbuf) {
			memcpy(stackbuf, env->component, cl);
			stackbuf[cl] = '.';
			memcpy(stackbuf + cl + 1, name, nl + 1);
			const struct st_fact *f = st_fact_get(env->ctx, stackbuf);
			if (f)
				return f;
		}
	}
	return st_fact_get(env->ctx, name);
}

/* Notes a fact the evaluation read, and for a computed fact the facts it was derived from. */
/* A fact name in an expression: `it` is the for_each item, anything else resolves through ex_lookup. */
static const struct st_fact *resolve(const struct ex_env *env, const char *name)
{
	if (env->item && strcmp(name, "it") == 0)
		return env->item;
	return ex_lookup(env, name);
}

static void note_used(struct ex_env *env, const struct st_fact *f)
{
	int seen = 0;
	for (int i = 0; i < env->n_used; i++)
		seen |= env->used[i] == f;
	if (!seen && env->n_used < EX_MAX_USED)
		env->used[env->n_used++] = f;
	if (f->origin.kind == ST_ORIGIN_DEFAULT) /* the finding rests on a built-in default: its message says so */
		env->assumed = 1;
	if (!seen)
		for (size_t i = 0; i < f->n_from; i++)
			note_used(env, f->from[i]);
}

/* Converts a fact's value; 1 when it is unknown or not usable in an expression. */
static int fact_value(const struct st_fact *f, struct ex_val *out)
{
	const struct st_value *v = &f->value;
	memset(out, 0, sizeof(*out));
	out->secret = v->secret;
	switch (v->kind) {
	case ST_VAL_INT:
		out->num = (double)v->i;
		return 0;
	case ST_VAL_REAL:
		out->num = v->r;
		return 0;
	case ST_VAL_SIZE:
		out->num = (double)v->i;
		out->dim = DIM_BYTES;
		return 0;
	case ST_VAL_DURATION:
		out->num = (double)v->i;
		out->dim = DIM_TIME;
		return 0;
	case ST_VAL_BOOL:
		out->kind = XV_BOOL;
		out->num = (double)v->i;
		return 0;
	case ST_VAL_STRING:
		out->kind = XV_STR;
		out->str = v->redacted ? v->redacted : (v->text ? v->text : "");
		return 0;
	default:
		return 1;
	}
}

static int type_error(struct ex_env *env, const char *why)
{
	if (!env->error)
		env->error = why;
	return -1;
}

static int eval_node(const struct st_expr *e, int k, struct ex_env *env, struct ex_val *out);

static int eval_num(const struct st_expr *e, int k, struct ex_env *env, struct ex_val *out)
{
	int r = eval_node(e, k, env, out);
	if (r == 0 && out->kind != XV_NUM)
		return type_error(env, "number expected");
	return r;
}

static int truthy(const struct ex_val *v)
{
	if (v->kind == XV_STR)
		return v->str && *v->str;
	return v->num != 0;
}

/* Iterates the facts whose names match the glob (relative to the component first); sum or count. */
static int eval_glob(const struct st_expr *e, const struct ex_node *x, struct ex_env *env, struct ex_val *out)
{
	const char *pat = e->nodes[x->args[0]].name;
	const struct st_facts *fs = &env->ctx->facts;
	memset(out, 0, sizeof(*out));
	int any = 0;
	for (size_t i = 0; i < fs->n_slots; i++) {
		const struct st_fact_entry *en = &fs->slots[i];
		if (!en->name || !en->n || fnmatch(pat, en->name, 0) != 0)
			continue;
		const struct st_fact *f = en->chain[en->n - 1];
		if (x->fn == FN_COUNT) {
			out->num += 1;
			continue;
		}
		struct ex_val v;
		if (fact_value(f, &v) != 0 || v.kind != XV_NUM)
			continue;
		if (any && v.dim != out->dim)
			return type_error(env, "sum() over values of different units");
		out->dim = v.dim;
		out->num += v.num;
		any = 1;
		note_used(env, f);
	}
	return 0;
}

static int eval_call(const struct st_expr *e, const struct ex_node *x, struct ex_env *env, struct ex_val *out)
{
	struct ex_val a, b, c;
	int r;
	switch (x->fn) {
	case FN_EXISTS: {
		const struct st_fact *f = resolve(env, e->nodes[x->args[0]].name);
		memset(out, 0, sizeof(*out));
		out->kind = XV_BOOL;
		out->num = f && f->value.kind != ST_VAL_NONE;
		return 0;
	}
	case FN_ASSUMED: { /* the value in effect is a built-in default, not something a file says */
		const struct st_fact *f = resolve(env, e->nodes[x->args[0]].name);
		if (!f)
			return 1;
		memset(out, 0, sizeof(*out));
		out->kind = XV_BOOL;
		out->num = f->origin.kind == ST_ORIGIN_DEFAULT;
		note_used(env, f);
		return 0;
	}
	case FN_SUM:
	case FN_COUNT:
		return eval_glob(e, x, env, out);
	case FN_COALESCE: /* the first argument that has a value; nothing is assumed */
		for (int i = 0; i < x->nargs; i++) {
			int r2 = eval_node(e, x->args[i], env, out);
			if (r2 != 1)
				return r2;
		}
		return 1;
	case FN_DEFAULT:
		r = eval_node(e, x->args[0], env, out);
		if (r != 1)
			return r;
		env->assumed = 1;
		return eval_node(e, x->args[1], env, out);
	case FN_MIN:
	case FN_MAX:
		if ((r = eval_num(e, x->args[0], env, out)) != 0)
			return r;
		for (int i = 1; i < x->nargs; i++) {
			if ((r = eval_num(e, x->args[i], env, &a)) != 0)
				return r;
			if (a.dim != out->dim)
				return type_error(env, "min/max over different units");
			if (x->fn == FN_MIN ? a.num < out->num : a.num > out->num)
				out->num = a.num;
		}
		return 0;
	case FN_CLAMP:
		if ((r = eval_num(e, x->args[0], env, out)) != 0 || (r = eval_num(e, x->args[1], env, &b)) != 0 ||
		    (r = eval_num(e, x->args[2], env, &c)) != 0)
			return r;
		if (b.dim != out->dim || c.dim != out->dim)
			return type_error(env, "clamp over different units");
		if (out->num < b.num)
			out->num = b.num;
		if (out->num > c.num)
			out->num = c.num;
		return 0;
	default:
		if ((r = eval_num(e, x->args[0], env, out)) != 0)
			return r;
		out->num = x->fn == FN_FLOOR ? floor(out->num)
		           : x->fn == FN_CEIL ? ceil(out->num)
		           : x->fn == FN_ROUND ? round(out->num)
		                               : fabs(out->num);
		return 0;
	}
}

static int eval_arith(enum ex_op op, struct ex_val *a, const struct ex_val *b, struct ex_env *env)
{
	switch (op) {
	case OP_ADD:
	case OP_SUB:
		if (a->dim != b->dim)
			return type_error(env, "adding or subtracting values of different units");
		a->num = op == OP_ADD ? a->num + b->num : a->num - b->num;
		return 0;
	case OP_MUL:
		if (a->dim && b->dim)
			return type_error(env, "multiplying two values with units");
		a->num *= b->num;
		a->dim = a->dim ? a->dim : b->dim;
		return 0;
	case OP_DIV:
	case OP_MOD:
		if (b->num == 0)
			return 1; /* no meaningful value: the rule does not apply */
		if (b->dim && b->dim != a->dim)
			return type_error(env, "dividing by a value of another unit");
		a->num = op == OP_DIV ? a->num / b->num : fmod(a->num, b->num);
		a->dim = b->dim ? DIM_NONE : a->dim;
		return 0;
	default:
		return type_error(env, "bad operator");
	}
}

static int eval_cmp(enum ex_op op, const struct ex_val *a, const struct ex_val *b, struct ex_env *env, struct ex_val *out)
{
	int c;
	if (a->kind == XV_STR || b->kind == XV_STR) {
		if (a->kind != b->kind || (op != OP_EQ && op != OP_NE))
			return type_error(env, "strings compare only with == and !=");
		c = strcmp(a->str, b->str);
	} else {
		if (a->kind != b->kind)
			return type_error(env, "comparing a boolean with a number");
		if (a->dim != b->dim && !(a->num == 0 || b->num == 0))
			return type_error(env, "comparing values of different units");
		c = a->num < b->num ? -1 : a->num > b->num ? 1 : 0;
	}
	memset(out, 0, sizeof(*out));
	out->kind = XV_BOOL;
	switch (op) {
	case OP_LT: out->num = c < 0; break;
	case OP_LE: out->num = c <= 0; break;
	case OP_GT: out->num = c > 0; break;
	case OP_GE: out->num = c >= 0; break;
	case OP_EQ: out->num = c == 0; break;
	default: out->num = c != 0; break;
	}
	return 0;
}

static int eval_node(const struct st_expr *e, int k, struct ex_env *env, struct ex_val *out)
{
	const struct ex_node *x = &e->nodes[k];
	struct ex_val b;
	int r;
	switch (x->op) {
	case OP_NUM:
	case OP_STR:
	case OP_BOOL:
		*out = x->val;
		return 0;
	case OP_FACT: {
		if (env->item && strcmp(x->name, "it_name") == 0) {
			memset(out, 0, sizeof(*out));
			out->kind = XV_STR;
			out->str = env->item_name;
			return 0;
		}
		const struct st_fact *f = resolve(env, x->name);
		if (!f) {
			if (env->component && strcmp(x->name, "component") == 0) {
				memset(out, 0, sizeof(*out));
				out->kind = XV_STR;
				out->str = env->component;
				return 0;
			}
			return 1;
		}
		if (fact_value(f, out) != 0)
			return 1;
		note_used(env, f);
		return 0;
	}
	case OP_NEG:
		if ((r = eval_num(e, x->a, env, out)) != 0)
			return r;
		out->num = -out->num;
		return 0;
	case OP_NOT:
		if ((r = eval_node(e, x->a, env, out)) != 0)
			return r;
		out->num = !truthy(out);
		out->kind = XV_BOOL;
		out->dim = DIM_NONE;
		return 0;
	case OP_AND:
	case OP_OR:
		if ((r = eval_node(e, x->a, env, out)) != 0)
			return r;
		if (truthy(out) == (x->op == OP_OR)) {
			out->kind = XV_BOOL;
			out->num = x->op == OP_OR;
			return 0;
		}
		if ((r = eval_node(e, x->b, env, out)) != 0)
			return r;
		out->num = truthy(out);
		out->kind = XV_BOOL;
		out->dim = DIM_NONE;
		return 0;
	case OP_CALL:
		return eval_call(e, x, env, out);
	case OP_LT:
	case OP_LE:
	case OP_GT:
	case OP_GE:
	case OP_EQ:
	case OP_NE: {
		struct ex_val a;
		if ((r = eval_node(e, x->a, env, &a)) != 0 || (r = eval_node(e, x->b, env, &b)) != 0)
			return r;
		return eval_cmp(x->op, &a, &b, env, out);
	}
	default:
		if ((r = eval_num(e, x->a, env, out)) != 0 || (r = eval_num(e, x->b, env, &b)) != 0)
			return r;
		return eval_arith(x->op, out, &b, env);
	}
}

int ex_eval(const struct st_expr *e, struct ex_env *env, struct ex_val *out)
{
	return eval_node(e, e->root, env, out);
}

void ex_val_format(struct st_buf *b, const struct ex_val *v, int mysql_units)
{
	if (v->secret) {
		st_buf_puts(b, "***");
		return;
	}
	if (v->kind == XV_STR) {
		st_buf_puts(b, v->str ? v->str : "");
		return;
	}
	if (v->kind == XV_BOOL) {
		st_buf_puts(b, v->num ? "on" : "off");
		return;
	}
	double r = round(v->num);
	if (v->dim == DIM_BYTES && fabs(r) < 9e18) {
		int64_t bytes = (int64_t)r;
		if (mysql_units) {
			static const char units[] = "KMGTPE";
			int k = -1;
			while (k < 5 && bytes != 0 && bytes % 1024 == 0) {
				bytes /= 1024;
				k++;
			}
			if (k >= 0)
				st_buf_printf(b, "%lld%c", (long long)bytes, units[k]);
			else
				st_buf_printf(b, "%lld", (long long)bytes);
		} else {
			st_size_format(b, bytes);
		}
		return;
	}
	if (v->dim == DIM_TIME && fabs(r) < 9e18) {
		st_duration_format(b, (int64_t)r);
		return;
	}
	if (v->num == floor(v->num) && fabs(v->num) < 1e15)
		st_buf_printf(b, "%lld", (long long)v->num);
	else
		st_buf_printf(b, "%.3g", v->num);
}
