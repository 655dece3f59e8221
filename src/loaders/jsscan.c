/* JavaScript / TypeScript sources: connection pools (pg Pool, knex, Sequelize, TypeORM, mysql2), the port the
 * process listens on, and the URLs it calls, over the clex token stream and a small evaluator for literals,
 * const/let/var bindings of the same file, object literals, process.env.X (resolved against compose and .env
 * facts), || and ?? fallbacks, parseInt/Number/+. What it cannot evaluate is unknown, never guessed.
 *
 * Application id: the file's first path segment (st_app_name). Test files are skipped; load-test scripts
 * (st_app_is_loadtest) only contribute the URLs they call. Facts "<app>.node.pool.max" (+ .min, .library,
 * .driver), "<app>.port", "<app>.calls.<n>.*", "<app>.kind" = "node". */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "clex.h"
#include "pyscan.h"

#define MAX_EVAL_DEPTH 24
/* Work limits per file: hostile input degrades to unknown values instead of going quadratic. */
#define MAX_STEPS   200000
#define MAX_RECORDS 512

enum jv_kind { JV_NONE = 0, JV_INT, JV_STR, JV_OBJ };

struct jv {
	enum jv_kind kind;
	int64_t i;
	const char *s;
	size_t a, b; /* OBJ: the tokens of { ... } (a = '{', b = index of '}') */
	const char *why;
	int unset; /* NONE because an environment variable is not set (|| and ?? fall back) */
	struct st_origin o;
	int remote;
	int secret;
};

struct binding {
	size_t name, a, b;
};

struct jsscan {
	struct st_ctx *ctx;
	const char *path, *app;
	struct st_ctoks t;
	struct binding *b;
	size_t n_b, cap_b;
	int depth;
	int loadtest;
	size_t steps;   /* evaluation work done, against MAX_STEPS */
	size_t records; /* facts recorded, against MAX_RECORDS */
};

enum st_match st_jsscan_match(const char *path, const char *name, const char *head, size_t head_len)
{
	(void)head;
	(void)head_len;
	if (!path || !name)
		return ST_MATCH_NO;
	static const char *const exts[] = {".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".jsx", ".tsx", NULL};
	size_t n = strlen(name);
	int ok = 0;
	for (const char *const *e = exts; *e && !ok; e++) {
		size_t m = strlen(*e);
		ok = n > m && strcmp(name + n - m, *e) == 0;
	}
	if (!ok || (n > 5 && strcmp(name + n - 5, ".d.ts") == 0) || strstr(name, ".min.js"))
		return ST_MATCH_NO;
	if (st_app_is_loadtest(path))
		return ST_MATCH_YES;
	if (st_app_is_test(path) || strstr(path, "/dist/") || strstr(path, "/build/") || strstr(path, "/.next/") ||
	    strncmp(path, "dist/", 5) == 0 || strncmp(path, "build/", 6) == 0)
		return ST_MATCH_NO;
	return ST_MATCH_YES;
}

/* ---- tokens, bindings ------------------------------------------------------ */

static const char *tok_text(struct jsscan *j, size_t i)
{
	if (i >= j->t.n)
		return "";
	const char *s = st_arena_strndup(&j->ctx->arena, j->t.src + j->t.v[i].off, j->t.v[i].len);
	if (!s) {
		j->ctx->oom = 1;
		return "";
	}
	return s;
}

static char pc(struct jsscan *j, size_t i)
{
	return i < j->t.n && j->t.v[i].kind == CT_PUNCT ? j->t.src[j->t.v[i].off] : 0;
}

/* End of an expression starting at a: ',' ';' or a closing bracket at depth 0, or a line break after an operand
 * unless the next line starts with an operator. */
static size_t expr_end(struct jsscan *j, size_t a, size_t limit)
{
	if (limit > a + ST_CT_MAX_EXPR)
		limit = a + ST_CT_MAX_EXPR;
	if (limit > j->t.n)
		limit = j->t.n;
	for (size_t k = a; k < limit; k++) {
		char c = pc(j, k);
		if (k > a && j->t.v[k].line > j->t.v[k - 1].line) {
			char p = pc(j, k - 1);
			int cont = (p && strchr("+-*/%&|^<>=!?:.(,", p)) || (c && strchr("|?.:+-*/&", c));
			if (!cont)
				return k;
		}
		if (c == '(' || c == '[' || c == '{') {
			if (j->t.v[k].match >= limit)
				return limit;
			k = j->t.v[k].match;
		} else if (c == ')' || c == ']' || c == '}' || c == ',' || c == ';') {
			return k;
		}
	}
	return limit;
}

static void add_binding(struct jsscan *j, size_t name, size_t a, size_t b)
{
	if (a >= b)
		return;
	if (j->n_b == j->cap_b) {
		size_t cap = j->cap_b ? j->cap_b * 2 : 32;
		struct binding *p = realloc(j->b, cap * sizeof(*p));
		if (!p) {
			j->ctx->oom = 1;
			return;
		}
		j->b = p;
		j->cap_b = cap;
	}
	j->b[j->n_b++] = (struct binding){name, a, b};
}

static int same_text(struct jsscan *j, size_t x, const char *s, size_t n)
{
	return x < j->t.n && j->t.v[x].len == n && memcmp(j->t.src + j->t.v[x].off, s, n) == 0;
}

static const struct binding *find_binding(struct jsscan *j, const char *s, size_t n, size_t at)
{
	const struct binding *best = NULL;
	j->steps += 1 + j->n_b / 256;
	if (j->steps > MAX_STEPS)
		return NULL;
	for (size_t k = 0; k < j->n_b; k++) {
		const struct binding *b = &j->b[k];
		if (!same_text(j, b->name, s, n) || (b->a <= at && at < b->b))
			continue;
		if (b->name < at || !best)
			best = b;
	}
	return best;
}

static void collect_bindings(struct jsscan *j)
{
	const struct st_ctoks *t = &j->t;
	for (size_t i = 0; i + 3 < t->n && !j->ctx->oom; i++) {
		if (!(st_ct_id(t, i, "const") || st_ct_id(t, i, "let") || st_ct_id(t, i, "var")))
			continue;
		size_t k = i + 1;
		while (k + 2 < t->n && t->v[k].kind == CT_IDENT) {
			size_t eq = k + 1;
			if (st_ct_p(t, eq, ':')) /* TypeScript: const x: number = ... */
				while (eq < t->n && !st_ct_p(t, eq, '=') && !st_ct_p(t, eq, ';') && eq < k + 16)
					eq++;
			if (!st_ct_p(t, eq, '=') || st_ct_p(t, eq + 1, '=') || st_ct_p(t, eq + 1, '>'))
				break;
			size_t e = expr_end(j, eq + 1, t->n);
			add_binding(j, k, eq + 1, e);
			if (!st_ct_p(t, e, ','))
				break;
			k = e + 1;
		}
	}
}

/* The value tokens of key in the object literal { at a .. } at b; shorthand { port } gives the key itself. */
static int obj_get(struct jsscan *j, size_t a, size_t b, const char *key, size_t *va, size_t *vb)
{
	const struct st_ctoks *t = &j->t;
	size_t kl = strlen(key);
	for (size_t k = a + 1; k < b && k < t->n;) {
		size_t e = expr_end(j, k, b);
		/* key : value | key | 'key' : value | ...spread */
		const struct st_ctok *kt = &t->v[k];
		int named = (kt->kind == CT_IDENT && same_text(j, k, key, kl)) ||
		            (kt->kind == CT_STR && kt->s && strcmp(kt->s, key) == 0);
		if (named && st_ct_p(t, k + 1, ':')) {
			*va = k + 2;
			*vb = e;
			return *vb > *va;
		}
		if (named && e == k + 1 && kt->kind == CT_IDENT) {
			*va = k;
			*vb = k + 1;
			return 1;
		}
		if (e == k)
			e++;
		k = e + 1;
	}
	return 0;
}

/* ---- evaluation ------------------------------------------------------------- */

static struct jv jv_none(const char *why)
{
	struct jv v = {0};
	v.why = why;
	return v;
}

static struct jv to_int(struct jv v)
{
	if (v.kind == JV_INT || v.kind == JV_NONE)
		return v;
	if (v.kind != JV_STR || !v.s)
		return jv_none("not a number");
	const char *s = v.s;
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = 0;
	while (isdigit((unsigned char)s[n]))
		n++;
	int64_t x;
	const char *err;
	if (n == 0 || st_int_parse(s, n, &x, &err) != 0) {
		struct jv r = jv_none("not a number"); /* NaN: falsy */
		r.unset = 1;
		return r;
	}
	v.kind = JV_INT;
	v.i = x;
	return v;
}

static int truthy(const struct jv *v)
{
	if (v->kind == JV_INT)
		return v->i != 0;
	if (v->kind == JV_STR)
		return v->s && *v->s;
	return v->kind == JV_OBJ;
}

static struct jv eval(struct jsscan *j, size_t a, size_t b);

static struct jv env_value(struct jsscan *j, const char *name, size_t at)
{
	struct st_app_env e;
	if (st_app_env_lookup(j->ctx, j->app, j->path, name, 1, &e)) {
		struct jv v = {.kind = JV_STR, .s = e.value, .o = e.origin, .remote = 1, .secret = e.secret};
		v.o.detail = st_arena_printf(&j->ctx->arena, "process.env.%s at %s:%u", name, j->path, j->t.v[at].line);
		return v;
	}
	struct jv v = jv_none(st_arena_printf(&j->ctx->arena, "environment variable %s is not set", name));
	v.unset = 1;
	return v;
}

struct ep {
	struct jsscan *j;
	size_t i, end;
};

static struct jv orexpr(struct ep *p);

static struct jv member_chain(struct jsscan *j, size_t a, size_t *pb, size_t end)
{
	const struct st_ctoks *t = &j->t;
	size_t b = a + 1;
	/* process.env.X, process.env['X'], import.meta.env.X */
	if ((st_ct_id(t, a, "process") && st_ct_p(t, a + 1, '.') && st_ct_id(t, a + 2, "env")) ||
	    (st_ct_id(t, a, "import") && st_ct_p(t, a + 1, '.') && st_ct_id(t, a + 2, "meta") &&
	     st_ct_p(t, a + 3, '.') && st_ct_id(t, a + 4, "env"))) {
		size_t k = st_ct_id(t, a, "import") ? a + 5 : a + 3;
		const char *name = NULL;
		if (st_ct_p(t, k, '.') && k + 1 < end && t->v[k + 1].kind == CT_IDENT) {
			name = tok_text(j, k + 1);
			*pb = k + 2;
		} else if (st_ct_p(t, k, '[') && k + 2 < end && t->v[k + 1].kind == CT_STR && t->v[k + 1].s &&
		           st_ct_p(t, k + 2, ']')) {
			name = t->v[k + 1].s;
			*pb = k + 3;
		}
		if (name)
			return env_value(j, name, a);
		*pb = k;
		return jv_none("process.env");
	}
	const struct binding *bd = find_binding(j, t->src + t->v[a].off, t->v[a].len, a);
	struct jv v;
	if (!bd || j->depth > MAX_EVAL_DEPTH) {
		v = jv_none(st_arena_printf(&j->ctx->arena, "%s is not defined in this file", tok_text(j, a)));
	} else {
		j->depth++;
		v = eval(j, bd->a, bd->b);
		j->depth--;
		if (v.kind != JV_NONE)
			v.remote = 1;
	}
	/* .key.key on an object literal */
	while (b + 1 < end && (st_ct_p(t, b, '.') || (st_ct_p(t, b, '?') && st_ct_p(t, b + 1, '.')))) {
		if (st_ct_p(t, b, '?'))
			b++;
		if (b + 1 >= end || t->v[b + 1].kind != CT_IDENT)
			break;
		const char *key = tok_text(j, b + 1);
		size_t va, vb;
		if (v.kind == JV_OBJ && obj_get(j, v.a, v.b, key, &va, &vb)) {
			j->depth++;
			v = j->depth > MAX_EVAL_DEPTH ? jv_none("too deep") : eval(j, va, vb);
			j->depth--;
			if (v.kind != JV_NONE)
				v.remote = 1;
		} else {
			v = jv_none(st_arena_printf(&j->ctx->arena, "the value of .%s", key));
		}
		b += 2;
	}
	*pb = b;
	return v;
}

static struct jv primary(struct ep *p)
{
	struct jsscan *j = p->j;
	const struct st_ctoks *t = &j->t;
	if (p->i >= p->end)
		return jv_none("empty expression");
	size_t a = p->i;
	const struct st_ctok *k = &t->v[a];
	struct jv v = {0};
	if (st_ct_p(t, a, '+') || st_ct_p(t, a, '-')) {
		p->i++;
		v = to_int(primary(p));
		if (st_ct_p(t, a, '-') && v.kind == JV_INT)
			v.i = -v.i;
		return v;
	}
	if (st_ct_p(t, a, '(') || st_ct_p(t, a, '{')) {
		size_t c = st_ct_close(t, a);
		if (c > p->end)
			c = p->end;
		p->i = c + 1;
		if (st_ct_p(t, a, '{')) {
			v.kind = JV_OBJ;
			v.a = a;
			v.b = c;
			v.o = st_ct_origin(t, j->path, a, a + 1);
			return v;
		}
		v = eval(j, a + 1, c);
		return v;
	}
	if (k->kind == CT_NUM) {
		p->i++;
		int64_t n;
		if (st_ct_int(t, a, &n) != 0)
			return jv_none("not an integer");
		v.kind = JV_INT;
		v.i = n;
		v.o = st_ct_origin(t, j->path, a, a + 1);
		return v;
	}
	if (k->kind == CT_STR) {
		p->i++;
		if (k->tmpl || !k->s)
			return jv_none("a template literal");
		v.kind = JV_STR;
		v.s = k->s;
		v.o = st_ct_origin(t, j->path, a, a + 1);
		return v;
	}
	if (k->kind != CT_IDENT) {
		p->i = p->end;
		return jv_none("expression");
	}
	/* parseInt(x, 10), Number(x), parseFloat(x), Number.parseInt(x) */
	size_t fa = a;
	if (st_ct_id(t, a, "Number") && st_ct_p(t, a + 1, '.') &&
	    (st_ct_id(t, a + 2, "parseInt") || st_ct_id(t, a + 2, "parseFloat")))
		fa = a + 2;
	if ((st_ct_id(t, fa, "parseInt") || st_ct_id(t, fa, "Number") || st_ct_id(t, fa, "parseFloat")) &&
	    st_ct_p(t, fa + 1, '(')) {
		size_t c = st_ct_close(t, fa + 1);
		if (c > p->end)
			c = p->end;
		size_t e = expr_end(j, fa + 2, c);
		v = to_int(eval(j, fa + 2, e));
		p->i = c + 1;
		return v;
	}
	if (st_ct_id(t, a, "String") && st_ct_p(t, a + 1, '(')) {
		size_t c = st_ct_close(t, a + 1);
		if (c > p->end)
			c = p->end;
		v = eval(j, a + 2, c);
		p->i = c + 1;
		return v;
	}
	size_t b;
	v = member_chain(j, a, &b, p->end);
	p->i = b;
	if (b < p->end && (st_ct_p(t, b, '(') || st_ct_p(t, b, '['))) {
		size_t c = st_ct_close(t, b);
		p->i = c < p->end ? c + 1 : p->end;
		return jv_none("a call");
	}
	return v;
}

static struct jv orexpr(struct ep *p)
{
	struct jsscan *j = p->j;
	const struct st_ctoks *t = &j->t;
	struct jv l = primary(p);
	for (;;) {
		int is_or = st_ct_p(t, p->i, '|') && st_ct_p(t, p->i + 1, '|');
		int is_nc = st_ct_p(t, p->i, '?') && st_ct_p(t, p->i + 1, '?');
		if (!(is_or || is_nc) || p->i + 2 > p->end)
			break;
		p->i += 2;
		struct jv r = primary(p);
		if (l.kind == JV_NONE && !l.unset)
			continue; /* unknown left side: the result stays unknown */
		int use_left = is_or ? (l.kind != JV_NONE && truthy(&l)) : l.kind != JV_NONE;
		if (!use_left) {
			l = r;
			if (l.kind != JV_NONE && !l.remote) {
				l.o.detail = "fallback";
				l.remote = 1;
			}
		}
	}
	return l;
}

static struct jv eval(struct jsscan *j, size_t a, size_t b)
{
	if (b > j->t.n)
		b = j->t.n;
	if (a >= b)
		return jv_none("empty expression");
	if (j->depth > MAX_EVAL_DEPTH)
		return jv_none("too deep");
	if (++j->steps > MAX_STEPS)
		return jv_none("the file is too complex to evaluate");
	j->depth++;
	struct ep p = {.j = j, .i = a, .end = b};
	struct jv v = orexpr(&p);
	/* TypeScript: x as number, x! */
	while (p.i < b && (st_ct_id(&j->t, p.i, "as") || st_ct_p(&j->t, p.i, '!')))
		p.i = st_ct_p(&j->t, p.i, '!') ? p.i + 1 : p.i + 2;
	if (p.i < b && v.kind != JV_NONE)
		v = jv_none("expression not understood");
	j->depth--;
	return v;
}

/* ---- facts ----------------------------------------------------------------- */

static void kind_node(struct jsscan *j, size_t at)
{
	struct st_origin o = st_ct_origin(&j->t, j->path, at, at + 1);
	st_app_kind(j->ctx, j->app, "node", &o);
}

static void record_int(struct jsscan *j, const char *suffix, struct jv v, size_t a, size_t b, const char *what)
{
	if (++j->records > MAX_RECORDS)
		return;
	const char *name = st_arena_printf(&j->ctx->arena, "%s.%s", j->app, suffix);
	if (!name) {
		j->ctx->oom = 1;
		return;
	}
	v = to_int(v);
	struct st_origin o = v.kind == JV_INT ? v.o : st_ct_origin(&j->t, j->path, a, b);
	struct st_value val;
	if (v.kind == JV_INT) {
		val = st_value_int(v.i);
		if (v.remote)
			o.detail = o.detail && strcmp(o.detail, "fallback") != 0
			               ? st_arena_printf(&j->ctx->arena, "%s; %s", o.detail, what)
			               : st_arena_printf(&j->ctx->arena, "%s at %s:%u%s", what, j->path, j->t.v[a].line,
			                                 o.detail ? " (fallback)" : "");
	} else {
		val = st_value_unknown(v.why ? v.why : "not understood");
		o.detail = st_arena_printf(&j->ctx->arena, "%s: cannot evaluate %s", what, v.why ? v.why : "the value");
	}
	st_app_fact_once(j->ctx, name, j->app, val, &o, ST_LAYER_FILE);
}

static void record_str(struct jsscan *j, const char *suffix, const char *s, size_t a, int layer)
{
	if (++j->records > MAX_RECORDS)
		return;
	const char *name = st_arena_printf(&j->ctx->arena, "%s.%s", j->app, suffix);
	if (!name || !s) {
		j->ctx->oom = 1;
		return;
	}
	struct st_origin o = st_ct_origin(&j->t, j->path, a, a + 1);
	st_app_fact_once(j->ctx, name, j->app, st_value_string(s), &o, layer);
}

static void record_default(struct jsscan *j, const char *suffix, int64_t n, size_t at, const char *detail)
{
	if (++j->records > MAX_RECORDS)
		return;
	const char *name = st_arena_printf(&j->ctx->arena, "%s.%s", j->app, suffix);
	if (!name) {
		j->ctx->oom = 1;
		return;
	}
	struct st_origin o = {
	    .kind = ST_ORIGIN_DEFAULT, .file = j->path, .line = j->t.v[at].line, .col = j->t.v[at].col};
	o.detail = st_arena_printf(&j->ctx->arena, "%s (at %s:%u)", detail, j->path, j->t.v[at].line);
	st_app_fact_once(j->ctx, name, j->app, st_value_int(n), &o, ST_LAYER_DEFAULT);
}

/* The object literal an argument denotes: { ... } or a name bound to one. */
static int arg_obj(struct jsscan *j, size_t a, size_t b, size_t *oa, size_t *ob)
{
	struct jv v = eval(j, a, b);
	if (v.kind != JV_OBJ)
		return 0;
	*oa = v.a;
	*ob = v.b;
	return 1;
}

static int obj_value(struct jsscan *j, size_t oa, size_t ob, const char *path, size_t *va, size_t *vb)
{
	/* "pool.max": nested keys */
	char key[64];
	const char *dot = strchr(path, '.');
	size_t kl = dot ? (size_t)(dot - path) : strlen(path);
	if (kl >= sizeof key)
		return 0;
	memcpy(key, path, kl);
	key[kl] = '\0';
	if (!obj_get(j, oa, ob, key, va, vb))
		return 0;
	if (!dot)
		return 1;
	size_t na, nb;
	if (!arg_obj(j, *va, *vb, &na, &nb))
		return 0;
	return obj_value(j, na, nb, dot + 1, va, vb);
}

static const char *norm_driver(const char *s)
{
	if (!s)
		return NULL;
	if (strstr(s, "postgres") || strcmp(s, "pg") == 0 || strstr(s, "cockroach"))
		return "postgresql";
	if (strstr(s, "mysql") || strstr(s, "maria"))
		return "mysql";
	return s;
}

struct poolkind {
	const char *library;
	const char *max_key, *max_key2; /* keys in the options object */
	const char *min_key;
	const char *driver_key;
	int64_t dflt_max, dflt_min;
	const char *dflt_detail;
};

static const struct poolkind pool_pg = {"pg", "max", NULL, "min", NULL, 10, 0, "node-postgres default max 10"};
static const struct poolkind pool_knex = {"knex",   "pool.max", NULL, "pool.min",
                                          "client", 10,         2,    "knex default pool max 10"};
static const struct poolkind pool_sequelize = {"sequelize", "pool.max", NULL, "pool.min",
                                               "dialect",   5,          0,    "Sequelize default pool max 5"};
static const struct poolkind pool_typeorm = {
    "typeorm", "extra.max", "poolSize", NULL, "type", 10, 0, "TypeORM uses the driver's default pool (10)"};
static const struct poolkind pool_mysql2 = {
    "mysql2", "connectionLimit", NULL, NULL, NULL, 10, 0, "mysql2 default connectionLimit 10"};

static void pool(struct jsscan *j, const struct poolkind *pk, size_t at, size_t oa, size_t ob, int have_obj)
{
	size_t va, vb;
	kind_node(j, at);
	record_str(j, "node.pool.library", pk->library, at, ST_LAYER_FILE);
	const char *driver = pk->library[0] == 'p' ? "postgresql" : pk->library[0] == 'm' ? "mysql" : NULL;
	if (have_obj && pk->driver_key && obj_value(j, oa, ob, pk->driver_key, &va, &vb)) {
		struct jv d = eval(j, va, vb);
		if (d.kind == JV_STR)
			driver = norm_driver(d.s);
	}
	if (driver)
		record_str(j, "node.pool.driver", driver, at, ST_LAYER_FILE);
	const char *mk = NULL;
	if (have_obj && obj_value(j, oa, ob, pk->max_key, &va, &vb))
		mk = pk->max_key;
	else if (have_obj && pk->max_key2 && obj_value(j, oa, ob, pk->max_key2, &va, &vb))
		mk = pk->max_key2;
	else if (have_obj && strcmp(pk->library, "typeorm") == 0 &&
	         obj_value(j, oa, ob, "extra.connectionLimit", &va, &vb))
		mk = "extra.connectionLimit";
	if (mk) {
		const char *what = st_arena_printf(&j->ctx->arena, "%s option %s", pk->library, mk);
		record_int(j, "node.pool.max", eval(j, va, vb), va, vb, what ? what : pk->library);
	} else {
		record_default(j, "node.pool.max", pk->dflt_max, at, pk->dflt_detail);
	}
	if (pk->min_key && have_obj && obj_value(j, oa, ob, pk->min_key, &va, &vb))
		record_int(j, "node.pool.min", eval(j, va, vb), va, vb, pk->min_key);
	else if (pk->dflt_min)
		record_default(j, "node.pool.min", pk->dflt_min, at, "knex default pool min 2");
}

static int file_mentions(struct jsscan *j, const char *const *mods)
{
	for (size_t i = 0; i < j->t.n; i++) {
		const struct st_ctok *k = &j->t.v[i];
		if (k->kind != CT_STR || !k->s)
			continue;
		for (const char *const *m = mods; *m; m++)
			if (strcmp(k->s, *m) == 0)
				return 1;
	}
	return 0;
}

/* Arguments of the call whose '(' is at open: the i-th one's tokens. */
static int call_arg(struct jsscan *j, size_t open, unsigned want, size_t *a, size_t *b)
{
	size_t c = st_ct_close(&j->t, open);
	if (c >= j->t.n)
		return 0;
	size_t k = open + 1;
	for (unsigned n = 0; k < c; n++) {
		size_t e = expr_end(j, k, c);
		if (e == k)
			return 0;
		if (n == want) {
			*a = k;
			*b = e;
			return 1;
		}
		k = e + 1;
	}
	return 0;
}

static void scan_pools(struct jsscan *j)
{
	const struct st_ctoks *t = &j->t;
	static const char *const pg_mods[] = {"pg", "pg-pool", NULL};
	static const char *const mysql_mods[] = {"mysql2", "mysql2/promise", "mysql", NULL};
	int has_pg = file_mentions(j, pg_mods), has_mysql = file_mentions(j, mysql_mods);
	for (size_t i = 0; i + 1 < t->n && !j->ctx->oom; i++) {
		if (t->v[i].kind != CT_IDENT)
			continue;
		const struct poolkind *pk = NULL;
		size_t open = t->n;
		int is_new = i > 0 && st_ct_id(t, i - 1, "new");
		int is_new_dot = i > 2 && st_ct_p(t, i - 1, '.') && st_ct_id(t, i - 3, "new");
		if (st_ct_id(t, i, "Pool") && (is_new || is_new_dot) && has_pg && st_ct_p(t, i + 1, '('))
			pk = &pool_pg, open = i + 1;
		else if ((st_ct_id(t, i, "knex") || st_ct_id(t, i, "Knex")) && st_ct_p(t, i + 1, '(') &&
		         st_ct_p(t, i + 2, '{'))
			pk = &pool_knex, open = i + 1;
		else if (st_ct_id(t, i, "require") && st_ct_p(t, i + 1, '(') && i + 2 < t->n &&
		         t->v[i + 2].kind == CT_STR && t->v[i + 2].s && strcmp(t->v[i + 2].s, "knex") == 0 &&
		         st_ct_p(t, i + 3, ')') && st_ct_p(t, i + 4, '('))
			pk = &pool_knex, open = i + 4; /* require('knex')({ ... }) */
		else if (st_ct_id(t, i, "Sequelize") && is_new && st_ct_p(t, i + 1, '('))
			pk = &pool_sequelize, open = i + 1;
		else if (((st_ct_id(t, i, "DataSource") && is_new) ||
		          (st_ct_id(t, i, "createConnection") && !st_ct_p(t, i - 1, '.')) ||
		          (st_ct_id(t, i, "forRoot") && i > 1 && st_ct_id(t, i - 2, "TypeOrmModule"))) &&
		         st_ct_p(t, i + 1, '(') && st_ct_p(t, i + 2, '{'))
			pk = &pool_typeorm, open = i + 1;
		else if ((st_ct_id(t, i, "createPool") || st_ct_id(t, i, "createPoolCluster")) && has_mysql &&
		         st_ct_p(t, i + 1, '('))
			pk = &pool_mysql2, open = i + 1;
		if (!pk)
			continue;
		size_t oa = 0, ob = 0, a, b;
		int have = 0;
		if (pk == &pool_sequelize) {
			/* new Sequelize(url, { ... }) / (db, user, pass, { ... }): the last object argument */
			for (unsigned n = 0; n < 6 && call_arg(j, open, n, &a, &b); n++)
				if (arg_obj(j, a, b, &oa, &ob))
					have = 1;
		} else if (call_arg(j, open, 0, &a, &b)) {
			have = arg_obj(j, a, b, &oa, &ob);
		}
		pool(j, pk, i, oa, ob, have);
	}
}

static void record_port(struct jsscan *j, struct jv v, size_t a, size_t b, const char *what)
{
	v = to_int(v);
	if (v.kind != JV_INT || v.i <= 0 || v.i > 65535)
		return;
	record_int(j, "port", v, a, b, what);
}

static void scan_listen(struct jsscan *j)
{
	const struct st_ctoks *t = &j->t;
	for (size_t i = 1; i + 2 < t->n && !j->ctx->oom; i++) {
		if (!st_ct_id(t, i, "listen") || !st_ct_p(t, i - 1, '.') || !st_ct_p(t, i + 1, '('))
			continue;
		size_t a, b, oa, ob, va, vb;
		if (!call_arg(j, i + 1, 0, &a, &b))
			continue;
		const char *what = st_arena_printf(&j->ctx->arena, "%s.listen", tok_text(j, i - 2));
		if (st_ct_p(t, a, '{') && arg_obj(j, a, b, &oa, &ob)) {
			if (obj_get(j, oa, ob, "port", &va, &vb))
				record_port(j, eval(j, va, vb), va, vb, what ? what : "listen");
		} else {
			record_port(j, eval(j, a, b), a, b, what ? what : "listen");
		}
		kind_node(j, i);
	}
}

static void call_from(struct jsscan *j, size_t a, size_t b)
{
	struct jv v = eval(j, a, b);
	if (v.kind != JV_STR || !v.s || ++j->records > MAX_RECORDS)
		return;
	struct st_origin o = v.o;
	if (v.remote && o.detail && strcmp(o.detail, "fallback") == 0)
		o.detail = NULL;
	if (st_app_call(j->ctx, j->app, v.s, &o) && !j->loadtest)
		kind_node(j, a);
}

static void scan_calls(struct jsscan *j)
{
	const struct st_ctoks *t = &j->t;
	for (size_t i = 0; i + 2 < t->n && !j->ctx->oom; i++) {
		const struct st_ctok *k = &t->v[i];
		if (k->kind != CT_IDENT)
			continue;
		/* const API_URL = ...; baseURL: ...; url: ... */
		if ((i > 0 && (st_ct_id(t, i - 1, "const") || st_ct_id(t, i - 1, "let") || st_ct_id(t, i - 1, "var")) &&
		     st_ct_p(t, i + 1, '=')) ||
		    (st_ct_p(t, i + 1, ':') && i > 0 && (st_ct_p(t, i - 1, '{') || st_ct_p(t, i - 1, ',')))) {
			if (st_app_calls_name(t->src + k->off, k->len)) {
				size_t e = expr_end(j, i + 2, t->n);
				call_from(j, i + 2, e);
			}
			continue;
		}
		/* fetch(url), axios.get(url), http.get(url), got(url), request(url) */
		if (st_ct_p(t, i + 1, '(') &&
		    (st_ct_id(t, i, "fetch") || st_ct_id(t, i, "got") ||
		     (i > 1 && st_ct_p(t, i - 1, '.') &&
		      (st_ct_id(t, i - 2, "axios") || st_ct_id(t, i - 2, "http") || st_ct_id(t, i - 2, "https") ||
		       st_ct_id(t, i - 2, "request") || st_ct_id(t, i - 2, "got") || st_ct_id(t, i - 2, "ky"))))) {
			size_t a, b;
			if (call_arg(j, i + 1, 0, &a, &b))
				call_from(j, a, b);
		}
	}
}

int st_jsscan_load(struct st_ctx *ctx, const struct st_file *f)
{
	if (!f || !f->data)
		return -1;
	struct jsscan j = {.ctx = ctx};
	j.path = st_arena_strdup(&ctx->arena, f->path ? f->path : "");
	if (!j.path)
		return ctx->oom = 1, -1;
	j.app = st_app_name(ctx, j.path);
	j.loadtest = st_app_is_loadtest(j.path);
	if (!j.app || st_clex(ctx, f->data, f->size, ST_CLANG_JS, &j.t) < 0) {
		st_clex_free(&j.t);
		return -1;
	}
	collect_bindings(&j);
	if (!j.loadtest) {
		scan_pools(&j);
		scan_listen(&j);
	}
	scan_calls(&j);
	free(j.b);
	st_clex_free(&j.t);
	return ctx->oom ? -1 : 0;
}
