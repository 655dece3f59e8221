/* Go sources: database/sql pool settings (SetMaxOpenConns ...), GORM / sqlx / pgxpool openers, the listen
 * address, over the clex token stream and a small evaluator for the expressions such code uses: literals,
 * package constants and variables of the same file, time.Duration arithmetic, os.Getenv and getEnv-style
 * helpers with a default, strconv.Atoi, config-struct fields with `env:"X" envDefault:"Y"` tags, viper
 * defaults. What it cannot evaluate is recorded as an unknown value with the reason, never guessed.
 *
 * Application id: the directory holding the nearest go.mod upward from the file; "app" when go.mod is at the
 * repository root, else that directory's first path segment ("services/api/go.mod" -> "services"); without
 * any go.mod the file's first path segment (st_app_name). Facts "<app>.go.pool.max_open", ".max_idle",
 * ".conn_max_lifetime", ".conn_max_idle_time", "<app>.go.driver", "<app>.go.dsn_env", "<app>.go.module",
 * "<app>.go.config.<Field>" (env-tagged struct fields), "<app>.go.viper.<key>", "<app>.port", "<app>.kind". */
#include <ctype.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "clex.h"
#include "pyscan.h"

#define MAX_EVAL_DEPTH 24
/* Work limits per file: hostile input degrades to unknown values instead of going quadratic. */
#define MAX_STEPS   200000
#define MAX_RECORDS 512
#define US_PER_SEC  INT64_C(1000000)

enum gv_kind { GV_NONE = 0, GV_INT, GV_DUR, GV_STR };

struct gv {
	enum gv_kind kind;
	int64_t i; /* INT; DUR in microseconds */
	const char *s;
	const char *why; /* NONE: the reason */
	struct st_origin o;
	int remote; /* o is not the expression's own span (an env var, another file) */
	int secret;
};

struct binding {
	size_t name; /* token index of the name */
	size_t a, b; /* expression tokens */
};

struct envfield {
	const char *field, *env, *dflt;
	size_t tok; /* the tag token */
	size_t dflt_off, dflt_len;
};

struct goscan {
	struct st_ctx *ctx;
	const char *path, *app;
	struct st_ctoks t;
	struct binding *b;
	size_t n_b, cap_b;
	struct envfield *ef;
	size_t n_ef, cap_ef;
	int automatic_env; /* viper.AutomaticEnv() seen */
	int depth;
	size_t steps;   /* evaluation work done, against MAX_STEPS */
	size_t records; /* facts recorded, against MAX_RECORDS */
};

enum st_match st_goscan_match(const char *path, const char *name, const char *head, size_t head_len)
{
	(void)head;
	(void)head_len;
	if (!name || !path)
		return ST_MATCH_NO;
	size_t n = strlen(name);
	if (n < 4 || strcmp(name + n - 3, ".go") != 0)
		return ST_MATCH_NO;
	if (st_app_is_test(path) || strncmp(path, "vendor/", 7) == 0 || strstr(path, "/vendor/"))
		return ST_MATCH_NO;
	return ST_MATCH_YES;
}

/* ---- tokens ---------------------------------------------------------------- */

static const char *tok_text(struct goscan *g, size_t i)
{
	if (i >= g->t.n)
		return "";
	const char *s = st_arena_strndup(&g->ctx->arena, g->t.src + g->t.v[i].off, g->t.v[i].len);
	if (!s) {
		g->ctx->oom = 1;
		return "";
	}
	return s;
}

static int is_str(struct goscan *g, size_t i)
{
	return i < g->t.n && g->t.v[i].kind == CT_STR && g->t.v[i].s;
}

/* Ends of the statement starting at a: Go inserts a semicolon at a newline after an operand. */
static size_t stmt_end(struct goscan *g, size_t a, size_t limit)
{
	if (limit > a + ST_CT_MAX_EXPR)
		limit = a + ST_CT_MAX_EXPR;
	if (limit > g->t.n)
		limit = g->t.n;
	for (size_t k = a; k < limit; k++) {
		const struct st_ctok *t = &g->t.v[k];
		if (k > a && t->line > g->t.v[k - 1].line) {
			const struct st_ctok *p = &g->t.v[k - 1];
			char pc = p->kind == CT_PUNCT ? g->t.src[p->off] : 0;
			if (!(pc && strchr("+-*/%&|^<>=!,(.:", pc)))
				return k;
		}
		if (t->kind == CT_PUNCT) {
			char c = g->t.src[t->off];
			if (c == '(' || c == '[' || c == '{') {
				if (t->match >= limit)
					return limit;
				k = t->match; /* the whole bracketed part belongs to the statement */
			} else if (c == ')' || c == ']' || c == '}' || c == ';') {
				return k;
			}
		}
	}
	return limit;
}

static void add_binding(struct goscan *g, size_t name, size_t a, size_t b)
{
	if (a >= b)
		return;
	if (g->n_b == g->cap_b) {
		size_t cap = g->cap_b ? g->cap_b * 2 : 32;
		struct binding *p = realloc(g->b, cap * sizeof(*p));
		if (!p) {
			g->ctx->oom = 1;
			return;
		}
		g->b = p;
		g->cap_b = cap;
	}
	g->b[g->n_b++] = (struct binding){name, a, b};
}

static int same_ident(struct goscan *g, size_t x, size_t y)
{
	const struct st_ctok *a = &g->t.v[x], *b = &g->t.v[y];
	return a->len == b->len && memcmp(g->t.src + a->off, g->t.src + b->off, a->len) == 0;
}

/* The binding of identifier token i: the last one before it, else the first after it (package level). */
static const struct binding *find_binding(struct goscan *g, size_t i)
{
	const struct binding *best = NULL;
	g->steps += 1 + g->n_b / 256;
	if (g->steps > MAX_STEPS)
		return NULL;
	for (size_t k = 0; k < g->n_b; k++) {
		const struct binding *b = &g->b[k];
		if (b->name == i || !same_ident(g, b->name, i))
			continue;
		if (b->a <= i && i < b->b)
			continue; /* x := f(x) */
		if (b->name < i)
			best = b;
		else if (!best)
			best = b;
	}
	return best;
}

/* const / var declarations, := and = assignments with one name (or "a, err :=" with one call). */
static void collect_bindings(struct goscan *g)
{
	const struct st_ctoks *t = &g->t;
	for (size_t i = 0; i < t->n && !g->ctx->oom; i++) {
		if (st_ct_id(t, i, "const") || st_ct_id(t, i, "var")) {
			size_t a = i + 1, e = t->n;
			if (st_ct_p(t, a, '(')) {
				e = st_ct_close(t, a);
				a++;
			}
			while (a < e && a < t->n) {
				size_t se = stmt_end(g, a, e);
				/* NAME [TYPE] = expr */
				if (t->v[a].kind == CT_IDENT) {
					size_t eq = a + 1;
					while (eq < se && !st_ct_p(t, eq, '='))
						eq++;
					if (eq < se)
						add_binding(g, a, eq + 1, se);
				}
				if (se == a)
					se++;
				a = se;
				if (st_ct_p(t, a, ';'))
					a++;
				if (e == t->n)
					break; /* a single declaration */
			}
			continue;
		}
		/* NAME := expr, NAME = expr, NAME, err := expr */
		if (t->v[i].kind == CT_IDENT && (i == 0 || !st_ct_p(t, i - 1, '.'))) {
			size_t k = i + 1;
			if (st_ct_p(t, k, ',') && k + 1 < t->n && t->v[k + 1].kind == CT_IDENT)
				k += 2;
			int define = st_ct_p(t, k, ':') && st_ct_p(t, k + 1, '=') && !t->v[k + 1].spaced;
			int assign =
			    st_ct_p(t, k, '=') && !st_ct_p(t, k + 1, '=') && !(k > 0 && st_ct_p(t, k - 1, '!'));
			if (define || assign) {
				size_t a = k + (define ? 2 : 1);
				add_binding(g, i, a, stmt_end(g, a, t->n));
			}
		}
	}
}

/* Struct fields with `env:"X" envDefault:"Y"` (caarlos0/env) or `envconfig:"X" default:"Y"` tags. */
static const char *tag_get(struct goscan *g, const char *tag, const char *key, size_t *off)
{
	size_t kl = strlen(key);
	for (const char *p = tag; (p = strstr(p, key)); p++) {
		if ((p != tag && !isspace((unsigned char)p[-1])) || p[kl] != ':' || p[kl + 1] != '"')
			continue;
		const char *v = p + kl + 2, *e = strchr(v, '"');
		if (!e)
			return NULL;
		*off = (size_t)(v - tag);
		const char *r = st_arena_strndup(&g->ctx->arena, v, (size_t)(e - v));
		if (!r)
			g->ctx->oom = 1;
		return r;
	}
	return NULL;
}

static void collect_envfields(struct goscan *g)
{
	const struct st_ctoks *t = &g->t;
	for (size_t i = 1; i < t->n && !g->ctx->oom; i++) {
		const struct st_ctok *k = &t->v[i];
		if (k->kind != CT_STR || !k->s || g->t.src[k->off] != '`' || !strstr(k->s, "env"))
			continue;
		size_t off = 0, doff = 0;
		const char *env = tag_get(g, k->s, "env", &off);
		if (!env)
			env = tag_get(g, k->s, "envconfig", &off);
		if (!env || !*env)
			continue;
		char *comma = strchr(env, ',');
		if (comma)
			*comma = '\0'; /* env:"PORT,required" */
		const char *dflt = tag_get(g, k->s, "envDefault", &doff);
		if (!dflt)
			dflt = tag_get(g, k->s, "default", &doff);
		/* the field: the first identifier on the tag's line */
		size_t f = i;
		while (f > 0 && t->v[f - 1].line == k->line)
			f--;
		if (t->v[f].kind != CT_IDENT || f == i)
			continue;
		if (g->n_ef == g->cap_ef) {
			size_t cap = g->cap_ef ? g->cap_ef * 2 : 16;
			struct envfield *p = realloc(g->ef, cap * sizeof(*p));
			if (!p) {
				g->ctx->oom = 1;
				return;
			}
			g->ef = p;
			g->cap_ef = cap;
		}
		g->ef[g->n_ef++] = (struct envfield){.field = tok_text(g, f),
		                                     .env = env,
		                                     .dflt = dflt,
		                                     .tok = i,
		                                     .dflt_off = k->off + 1 + doff,
		                                     .dflt_len = dflt ? strlen(dflt) : 0};
	}
}

/* ---- values ---------------------------------------------------------------- */

static struct gv gv_none(const char *why)
{
	struct gv v = {0};
	v.why = why;
	return v;
}

/* A Go duration string ("1h30m", "500ms", "30s"); 0 or -1. */
static int go_duration(const char *s, int64_t *out)
{
	int64_t total = 0;
	const char *p = s;
	if (!*p)
		return -1;
	if (strcmp(p, "0") == 0)
		return *out = 0, 0;
	while (*p) {
		if (!isdigit((unsigned char)*p))
			return -1;
		int64_t n = 0;
		while (isdigit((unsigned char)*p)) {
			if (n > INT64_MAX / 10 - 10)
				return -1;
			n = n * 10 + (*p++ - '0');
		}
		int64_t unit;
		if (strncmp(p, "ns", 2) == 0)
			unit = 0, p += 2;
		else if (strncmp(p, "us", 2) == 0 || strncmp(p, "\xC2\xB5s", 3) == 0)
			unit = 1, p += (*p == 'u' ? 2 : 3);
		else if (strncmp(p, "ms", 2) == 0)
			unit = 1000, p += 2;
		else if (*p == 's')
			unit = US_PER_SEC, p++;
		else if (*p == 'm')
			unit = 60 * US_PER_SEC, p++;
		else if (*p == 'h')
			unit = 3600 * US_PER_SEC, p++;
		else
			return -1;
		if (unit && n > INT64_MAX / unit)
			return -1;
		total += unit ? n * unit : n / 1000;
		if (total < 0)
			return -1;
	}
	*out = total;
	return 0;
}

/* Converts a string (from the environment or a default) to the kind wanted. */
static struct gv convert(struct gv v, enum gv_kind want)
{
	if (v.kind == GV_INT && want == GV_DUR) {
		v.kind = GV_DUR; /* a bare number as a time.Duration counts nanoseconds */
		v.i /= 1000;
		return v;
	}
	if (v.kind != GV_STR || want == GV_STR || want == GV_NONE)
		return v;
	int64_t n;
	const char *err;
	if (want == GV_INT && st_int_parse(v.s, strlen(v.s), &n, &err) == 0) {
		v.kind = GV_INT;
		v.i = n;
	} else if (want == GV_DUR && go_duration(v.s, &n) == 0) {
		v.kind = GV_DUR;
		v.i = n;
	} else {
		v.kind = GV_NONE;
		v.why = "not a number";
	}
	return v;
}

static struct gv from_env(struct goscan *g, const char *name, size_t at, struct gv dflt, int has_dflt)
{
	struct st_app_env e;
	if (st_app_env_lookup(g->ctx, g->app, g->path, name, 0, &e)) {
		struct gv v = {.kind = GV_STR, .s = e.value, .o = e.origin, .remote = 1, .secret = e.secret};
		v.o.detail = st_arena_printf(&g->ctx->arena, "%s read at %s:%u", name, g->path, g->t.v[at].line);
		if (has_dflt && !*e.value)
			return dflt; /* getEnv helpers fall back on an empty value */
		return has_dflt ? convert(v, dflt.kind) : v;
	}
	if (has_dflt) {
		if (dflt.kind != GV_NONE && !dflt.remote) {
			dflt.o.detail = st_arena_printf(&g->ctx->arena, "default, %s not set", name);
			dflt.remote = 1; /* the default's own span, kept through the expression around it */
		}
		return dflt;
	}
	struct gv v = gv_none(st_arena_printf(&g->ctx->arena, "environment variable %s is not set", name));
	return v;
}

static struct gv eval(struct goscan *g, size_t a, size_t b);

/* Splits call arguments [a, b) at top-level commas into starts[]/ends[]; returns the count (max 8). */
static size_t split_args(struct goscan *g, size_t a, size_t b, size_t *s, size_t *e)
{
	size_t n = 0, st = a;
	int depth = 0;
	for (size_t k = a; k <= b && n < 8; k++) {
		if (k == b || (depth == 0 && st_ct_p(&g->t, k, ','))) {
			if (k > st) {
				s[n] = st;
				e[n] = k;
				n++;
			}
			st = k + 1;
			continue;
		}
		if (g->t.v[k].kind == CT_PUNCT) {
			char c = g->t.src[g->t.v[k].off];
			depth += (c == '(' || c == '[' || c == '{') - (c == ')' || c == ']' || c == '}');
		}
	}
	return n;
}

static int ends_with_ci(const char *s, size_t n, const char *suf)
{
	size_t m = strlen(suf);
	return n >= m && strncasecmp(s + n - m, suf, m) == 0;
}

static int contains_ci(const char *s, size_t n, const char *w)
{
	size_t m = strlen(w);
	for (size_t i = 0; i + m <= n; i++)
		if (strncasecmp(s + i, w, m) == 0)
			return 1;
	return 0;
}

static const struct envfield *envfield_named(struct goscan *g, const char *name, size_t n)
{
	for (size_t k = 0; k < g->n_ef; k++)
		if (strlen(g->ef[k].field) == n && memcmp(g->ef[k].field, name, n) == 0)
			return &g->ef[k];
	return NULL;
}

static struct gv eval_envfield(struct goscan *g, const struct envfield *f)
{
	struct gv d = {0};
	if (f->dflt) {
		d.kind = GV_STR;
		d.s = f->dflt;
		d.o = st_ct_origin(&g->t, g->path, f->tok, f->tok + 1);
		d.o.value_off = f->dflt_off;
		d.o.value_len = f->dflt_len;
		d.o.col = (unsigned)(f->dflt_off - d.o.line_off + 1);
		d.remote = 1;
	}
	struct gv v = from_env(g, f->env, f->tok, d, f->dflt != NULL);
	return v;
}

static struct gv lookup_fact(struct goscan *g, const char *name)
{
	const struct st_fact *f = name ? st_fact_get(g->ctx, name) : NULL;
	if (!f)
		return gv_none(NULL);
	struct gv v = {.o = f->origin, .remote = 1, .secret = f->value.secret};
	if (f->value.kind == ST_VAL_INT)
		v.kind = GV_INT, v.i = f->value.i;
	else if (f->value.kind == ST_VAL_DURATION)
		v.kind = GV_DUR, v.i = f->value.i;
	else if (f->value.kind == ST_VAL_STRING && f->value.text)
		v.kind = GV_STR, v.s = f->value.text;
	else
		v = gv_none("unknown");
	return v;
}

/* viper.Get*("key"): the environment when AutomaticEnv is on, else SetDefault in this file or an earlier one. */
static struct gv viper_get(struct goscan *g, const char *key, size_t at, enum gv_kind want)
{
	if (g->automatic_env) {
		char *env = st_arena_strdup(&g->ctx->arena, key);
		for (char *p = env; p && *p; p++)
			*p = *p == '.' || *p == '-' ? '_' : (char)toupper((unsigned char)*p);
		struct st_app_env e;
		if (env && st_app_env_lookup(g->ctx, g->app, g->path, env, 0, &e)) {
			struct gv v = {.kind = GV_STR, .s = e.value, .o = e.origin, .remote = 1, .secret = e.secret};
			v.o.detail = st_arena_printf(&g->ctx->arena, "viper key %s via AutomaticEnv at %s:%u", key,
			                             g->path, g->t.v[at].line);
			return convert(v, want);
		}
	}
	g->steps += 1 + g->t.n / 64;
	for (size_t k = 0; k + 5 < g->t.n && g->steps <= MAX_STEPS; k++)
		if (st_ct_id(&g->t, k, "SetDefault") && st_ct_p(&g->t, k + 1, '(') && is_str(g, k + 2) &&
		    strcmp(g->t.v[k + 2].s, key) == 0 && st_ct_p(&g->t, k + 3, ',')) {
			size_t c = st_ct_close(&g->t, k + 1);
			return convert(eval(g, k + 4, c), want);
		}
	struct gv v = lookup_fact(g, st_arena_printf(&g->ctx->arena, "%s.go.viper.%s", g->app, key));
	if (v.kind == GV_NONE)
		v.why = st_arena_printf(&g->ctx->arena, "viper key %s has no default here", key);
	return convert(v, want);
}

static struct gv call(struct goscan *g, size_t name_a, size_t name_b, size_t open, size_t close)
{
	const struct st_ctoks *t = &g->t;
	const char *last = tok_text(g, name_b - 1);
	size_t ll = strlen(last);
	const char *first = tok_text(g, name_a);
	size_t s[8], e[8];
	size_t n = split_args(g, open + 1, close, s, e);
	int pkg_time = name_b - name_a == 3 && strcmp(first, "time") == 0;
	if (pkg_time && strcmp(last, "Duration") == 0 && n == 1) {
		return eval(g, s[0], e[0]); /* a count of nanoseconds: an int until a unit multiplies it */
	}
	if (pkg_time && strcmp(last, "ParseDuration") == 0 && n == 1) {
		struct gv v = eval(g, s[0], e[0]);
		return convert(v, GV_DUR);
	}
	static const char *const conv[] = {"int", "int32", "int64", "uint", "uint32", "uint64", NULL};
	for (const char *const *c = conv; *c; c++)
		if (name_b - name_a == 1 && strcmp(last, *c) == 0 && n == 1)
			return eval(g, s[0], e[0]);
	if (strcmp(first, "strconv") == 0 &&
	    (strcmp(last, "Atoi") == 0 || strcmp(last, "ParseInt") == 0 || strcmp(last, "ParseUint") == 0) && n >= 1)
		return convert(eval(g, s[0], e[0]), GV_INT);
	if (strcmp(first, "os") == 0 && (strcmp(last, "Getenv") == 0 || strcmp(last, "LookupEnv") == 0) && n == 1 &&
	    is_str(g, s[0]) && e[0] == s[0] + 1)
		return from_env(g, t->v[s[0]].s, s[0], gv_none(NULL), 0);
	if (name_b - name_a >= 2 && n == 1 && is_str(g, s[0]) && e[0] == s[0] + 1 && strncmp(last, "Get", 3) == 0 &&
	    (contains_ci(first, strlen(first), "viper") || strcmp(first, "v") == 0 || strcmp(first, "cfg") == 0)) {
		enum gv_kind want = strstr(last, "Int") ? GV_INT : strstr(last, "Duration") ? GV_DUR : GV_STR;
		return viper_get(g, t->v[s[0]].s, s[0], want);
	}
	/* getEnv("X", def), getEnvInt("X", 25), env.GetDuration("X", 5*time.Minute), envOr("X", "y") */
	if (n >= 1 && is_str(g, s[0]) && e[0] == s[0] + 1 &&
	    (contains_ci(last, ll, "env") || (name_b - name_a == 3 && contains_ci(first, strlen(first), "env")))) {
		if (n >= 2) {
			struct gv d = eval(g, s[1], e[1]);
			enum gv_kind want = d.kind;
			if (want == GV_STR && (ends_with_ci(last, ll, "int") || contains_ci(last, ll, "Int")))
				want = GV_INT;
			if (contains_ci(last, ll, "duration"))
				want = GV_DUR;
			return convert(from_env(g, t->v[s[0]].s, s[0], convert(d, want), 1), want);
		}
		return from_env(g, t->v[s[0]].s, s[0], gv_none(NULL), 0);
	}
	return gv_none(st_arena_printf(&g->ctx->arena, "the result of %s()", last));
}

static int64_t time_unit(const char *name)
{
	static const struct {
		const char *n;
		int64_t us;
	} units[] = {{"Nanosecond", 0},      {"Microsecond", 1},          {"Millisecond", 1000},
	             {"Second", US_PER_SEC}, {"Minute", 60 * US_PER_SEC}, {"Hour", 3600 * US_PER_SEC}};
	for (size_t k = 0; k < sizeof units / sizeof units[0]; k++)
		if (strcmp(units[k].n, name) == 0)
			return units[k].us;
	return -1;
}

struct ep {
	struct goscan *g;
	size_t i, end;
};

static struct gv sum(struct ep *p);

static struct gv primary(struct ep *p)
{
	struct goscan *g = p->g;
	const struct st_ctoks *t = &g->t;
	if (p->i >= p->end)
		return gv_none("empty expression");
	size_t a = p->i;
	const struct st_ctok *k = &t->v[a];
	struct gv v = {0};
	if (st_ct_p(t, a, '-') || st_ct_p(t, a, '+')) {
		p->i++;
		v = primary(p);
		if (st_ct_p(t, a, '-') && (v.kind == GV_INT || v.kind == GV_DUR))
			v.i = -v.i;
		return v;
	}
	if (st_ct_p(t, a, '(')) {
		size_t c = st_ct_close(t, a);
		if (c > p->end)
			c = p->end;
		v = eval(g, a + 1, c);
		p->i = c + 1;
		if (!v.remote && v.kind != GV_NONE)
			v.o = st_ct_origin(t, g->path, a, c + 1);
		return v;
	}
	if (k->kind == CT_NUM) {
		p->i++;
		int64_t n;
		if (st_ct_int(t, a, &n) != 0)
			return gv_none("not an integer");
		v.kind = GV_INT;
		v.i = n;
		v.o = st_ct_origin(t, g->path, a, a + 1);
		return v;
	}
	if (k->kind == CT_STR) {
		p->i++;
		if (!k->s)
			return gv_none("string");
		v.kind = GV_STR;
		v.s = k->s;
		v.o = st_ct_origin(t, g->path, a, a + 1);
		return v;
	}
	if (k->kind != CT_IDENT) {
		p->i = p->end;
		return gv_none("expression");
	}
	size_t b = a + 1;
	while (b + 1 < p->end && st_ct_p(t, b, '.') && t->v[b + 1].kind == CT_IDENT)
		b += 2;
	if (b < p->end && st_ct_p(t, b, '(')) {
		size_t c = st_ct_close(t, b);
		if (c > p->end)
			c = p->end;
		v = call(g, a, b, b, c);
		p->i = c + 1;
		if (!v.remote && v.kind != GV_NONE)
			v.o = st_ct_origin(t, g->path, a, c + 1);
		return v;
	}
	p->i = b;
	const char *last = tok_text(g, b - 1);
	if (b - a == 3 && st_ct_id(t, a, "time")) {
		int64_t us = time_unit(last);
		if (us >= 0) {
			v.kind = GV_DUR;
			v.i = us;
			v.o = st_ct_origin(t, g->path, a, b);
			return v;
		}
	}
	if (b - a == 1) {
		if (g->depth > MAX_EVAL_DEPTH)
			return gv_none("too deep");
		const struct binding *bd = find_binding(g, a);
		if (!bd)
			return gv_none(st_arena_printf(&g->ctx->arena, "%s is not defined in this file", last));
		g->depth++;
		v = eval(g, bd->a, bd->b);
		g->depth--;
		if (v.kind != GV_NONE && !v.remote) {
			v.remote = 1; /* the constant's definition, not the use */
		}
		return v;
	}
	/* cfg.Field: an env-tagged struct field of this file or an earlier one */
	const struct envfield *f = envfield_named(g, last, strlen(last));
	if (f)
		return eval_envfield(g, f);
	v = lookup_fact(g, st_arena_printf(&g->ctx->arena, "%s.go.config.%s", g->app, last));
	if (v.kind == GV_NONE)
		v.why = st_arena_printf(&g->ctx->arena, "the value of %s", tok_text(g, a));
	return v;
}

static struct gv arith(struct gv l, char op, struct gv r, int *ok)
{
	*ok = 1;
	struct gv v = l;
	if (l.kind == GV_NONE)
		return l;
	if (r.kind == GV_NONE)
		return r;
	v.secret = l.secret || r.secret;
	if (op == '+' && l.kind == GV_STR && r.kind == GV_STR) {
		v.s = NULL;
		return v; /* caller concatenates */
	}
	int64_t res;
	if (l.kind == GV_STR || r.kind == GV_STR) {
		*ok = 0;
		return gv_none("mixed types");
	}
	switch (op) {
	case '*':
		if (__builtin_mul_overflow(l.i, r.i, &res))
			return gv_none("overflow");
		v.kind = l.kind == GV_DUR || r.kind == GV_DUR ? GV_DUR : GV_INT;
		if (l.kind == GV_DUR && r.kind == GV_DUR)
			return gv_none("duration x duration");
		break;
	case '/':
		if (r.i == 0)
			return gv_none("division by zero");
		res = l.i / r.i;
		v.kind = l.kind == GV_DUR && r.kind == GV_DUR ? GV_INT : l.kind;
		break;
	case '+':
		if (__builtin_add_overflow(l.i, r.i, &res))
			return gv_none("overflow");
		break;
	default:
		if (__builtin_sub_overflow(l.i, r.i, &res))
			return gv_none("overflow");
		break;
	}
	v.i = res;
	return v;
}

static struct gv product(struct ep *p)
{
	size_t a = p->i;
	struct gv l = primary(p);
	while (p->i < p->end && (st_ct_p(&p->g->t, p->i, '*') || st_ct_p(&p->g->t, p->i, '/'))) {
		char op = p->g->t.src[p->g->t.v[p->i].off];
		p->i++;
		struct gv r = primary(p);
		int ok;
		int remote = l.remote ? 1 : r.remote ? 2 : 0;
		struct st_origin ro = r.o;
		l = arith(l, op, r, &ok);
		if (l.kind != GV_NONE) {
			l.remote = remote != 0;
			l.o = remote == 2 ? ro : remote ? l.o : st_ct_origin(&p->g->t, p->g->path, a, p->i);
		}
	}
	return l;
}

static struct gv sum(struct ep *p)
{
	size_t a = p->i;
	struct gv l = product(p);
	while (p->i < p->end && (st_ct_p(&p->g->t, p->i, '+') || st_ct_p(&p->g->t, p->i, '-'))) {
		char op = p->g->t.src[p->g->t.v[p->i].off];
		p->i++;
		struct gv r = product(p);
		int ok;
		int remote = l.remote ? 1 : r.remote ? 2 : 0;
		struct st_origin ro = r.o;
		if (op == '+' && l.kind == GV_STR && r.kind == GV_STR) {
			const char *s = st_arena_printf(&p->g->ctx->arena, "%s%s", l.s, r.s);
			l.s = s ? s : "";
			l.secret |= r.secret;
		} else {
			l = arith(l, op, r, &ok);
		}
		if (l.kind != GV_NONE) {
			l.remote = remote != 0;
			l.o = remote == 2 ? ro : remote ? l.o : st_ct_origin(&p->g->t, p->g->path, a, p->i);
		}
	}
	return l;
}

static struct gv eval(struct goscan *g, size_t a, size_t b)
{
	if (b > g->t.n)
		b = g->t.n;
	if (a >= b)
		return gv_none("empty expression");
	if (g->depth > MAX_EVAL_DEPTH)
		return gv_none("too deep");
	if (++g->steps > MAX_STEPS)
		return gv_none("the file is too complex to evaluate");
	g->depth++;
	struct ep p = {.g = g, .i = a, .end = b};
	struct gv v = sum(&p);
	if (p.i < b && v.kind != GV_NONE)
		v = gv_none("expression not understood");
	g->depth--;
	return v;
}

/* ---- facts ----------------------------------------------------------------- */

static const char *fname(struct goscan *g, const char *suffix)
{
	const char *n = st_arena_printf(&g->ctx->arena, "%s.%s", g->app, suffix);
	if (!n)
		g->ctx->oom = 1;
	return n;
}

/* Records name from v; want says the fact's type. Returns the fact or NULL. */
static struct st_fact *record(struct goscan *g, const char *suffix, struct gv v, enum gv_kind want, size_t a, size_t b,
                              const char *what)
{
	if (++g->records > MAX_RECORDS)
		return NULL;
	const char *name = fname(g, suffix);
	if (!name)
		return NULL;
	v = convert(v, want);
	struct st_value val;
	struct st_origin o = v.kind != GV_NONE ? v.o : st_ct_origin(&g->t, g->path, a, b);
	if (v.kind == GV_NONE || v.kind != want) {
		val = st_value_unknown(v.why ? v.why : "not understood");
		o = st_ct_origin(&g->t, g->path, a, b);
		o.detail =
		    st_arena_printf(&g->ctx->arena, "%s: cannot evaluate %s", what, v.why ? v.why : "the argument");
	} else if (want == GV_INT) {
		val = st_value_int(v.i);
	} else if (want == GV_DUR) {
		val = st_value_duration(v.i);
	} else {
		val = st_value_string(v.s);
		val.secret = v.secret;
	}
	if (v.remote && v.kind != GV_NONE && !o.detail)
		o.detail = st_arena_printf(&g->ctx->arena, "%s at %s:%u", what, g->path, g->t.v[a].line);
	return st_app_fact_once(g->ctx, name, g->app, val, &o, ST_LAYER_FILE);
}

static int port_of(struct gv v, int64_t *port)
{
	if (v.kind == GV_INT) {
		*port = v.i;
		return v.i > 0 && v.i < 65536;
	}
	if (v.kind != GV_STR || !v.s)
		return 0;
	const char *c = strrchr(v.s, ':');
	const char *d = c ? c + 1 : v.s;
	int64_t n;
	const char *err;
	if (!*d || st_int_parse(d, strlen(d), &n, &err) != 0 || n <= 0 || n > 65535)
		return 0;
	*port = n;
	return 1;
}

static void record_port(struct goscan *g, struct gv v, size_t a, size_t b, const char *what)
{
	int64_t port;
	if (!port_of(v, &port))
		return;
	v.kind = GV_INT;
	v.i = port;
	record(g, "port", v, GV_INT, a, b, what);
}

static int is_port_env(const char *s)
{
	static const char *const names[] = {"PORT",        "HTTP_PORT", "SERVER_PORT", "APP_PORT",
	                                    "LISTEN_PORT", "API_PORT",  NULL};
	for (const char *const *n = names; *n; n++)
		if (strcmp(*n, s) == 0)
			return 1;
	return 0;
}

/* The env variables a DSN expression is built from: the first os.Getenv / getEnv string in its tokens (or in
 * the binding of the identifier it names). */
static void dsn_env(struct goscan *g, size_t a, size_t b)
{
	const struct st_ctoks *t = &g->t;
	if (b == a + 1 && t->v[a].kind == CT_IDENT) {
		const struct binding *bd = find_binding(g, a);
		if (bd) {
			a = bd->a;
			b = bd->b;
		}
	}
	for (size_t k = a; k + 2 < b; k++) {
		if (t->v[k].kind != CT_IDENT || !st_ct_p(t, k + 1, '(') || !is_str(g, k + 2))
			continue;
		const char *nm = tok_text(g, k);
		if (!contains_ci(nm, strlen(nm), "env"))
			continue;
		struct st_origin o = st_ct_origin(t, g->path, k + 2, k + 3);
		const char *name = fname(g, "go.dsn_env");
		if (name)
			st_app_fact_once(g->ctx, name, g->app, st_value_string(t->v[k + 2].s), &o, ST_LAYER_FILE);
		return;
	}
}

/* Where the DSN goes: parse it when it evaluates to a string and return pool_max_conns (pgx) if present. */
static int dsn_pool_max(struct goscan *g, size_t a, size_t b, struct gv *out)
{
	struct gv v = eval(g, a, b);
	struct st_url u;
	if (v.kind != GV_STR || !v.s || st_dsn_parse(g->ctx, v.s, strlen(v.s), &u) != 0)
		return 0;
	for (size_t k = 0; k < u.n_params; k++)
		if (u.params[k].key && strcmp(u.params[k].key, "pool_max_conns") == 0 && u.params[k].value) {
			struct gv s = v;
			s.s = u.params[k].value;
			*out = convert(s, GV_INT);
			out->secret = 0;
			return out->kind == GV_INT;
		}
	return 0;
}

static const char *find_gomod(struct goscan *g, const char *path, size_t *dir_len)
{
	const char *slash = strrchr(path, '/');
	size_t dir = slash ? (size_t)(slash - path) : 0;
	char buf[1024]; /* the candidates are probed for every .go file: no arena copy each time */
	for (;;) {
		int l = dir ? snprintf(buf, sizeof buf, "%.*s/go.mod", (int)dir, path) : snprintf(buf, sizeof buf, "go.mod");
		const char *p = l > 0 && (size_t)l < sizeof buf ? buf : NULL;
		struct st_file f;
		if (p && st_app_probe(g->ctx, p, &f) == 0) {
			*dir_len = dir;
			const char *m = strstr(f.data, "module");
			if (!m)
				return "";
			m += 6;
			while (*m == ' ' || *m == '\t')
				m++;
			size_t e = 0;
			while (m[e] && !isspace((unsigned char)m[e]))
				e++;
			const char *r = st_arena_strndup(&g->ctx->arena, m, e);
			return r ? r : "";
		}
		if (!dir)
			return NULL;
		while (dir > 0 && path[dir - 1] != '/')
			dir--;
		if (dir > 0)
			dir--;
	}
}

static const char *go_app(struct goscan *g, const char *path)
{
	size_t dir = 0;
	const char *mod = find_gomod(g, path, &dir);
	if (!mod)
		return st_app_name(g->ctx, path);
	const char *app;
	if (dir == 0) {
		app = "app";
	} else {
		size_t s = 0;
		while (s < dir && path[s] != '/')
			s++;
		app = st_arena_strndup(&g->ctx->arena, path, s);
	}
	if (!app) {
		g->ctx->oom = 1;
		return NULL;
	}
	if (*mod) {
		const char *n = st_arena_printf(&g->ctx->arena, "%s.go.module", app);
		const char *gm = dir ? st_arena_printf(&g->ctx->arena, "%.*s/go.mod", (int)dir, path) : "go.mod";
		if (n && gm) {
			struct st_origin o = st_origin_file(gm, 1, 1);
			o.detail = "go.mod";
			st_app_fact_once(g->ctx, n, app, st_value_string(mod), &o, ST_LAYER_FILE);
		}
	}
	return app;
}

static int is_sel(struct goscan *g, size_t i, const char *pkg, const char *fn)
{
	return st_ct_id(&g->t, i, pkg) && st_ct_p(&g->t, i + 1, '.') && st_ct_id(&g->t, i + 2, fn) &&
	       st_ct_p(&g->t, i + 3, '(') && (i == 0 || !st_ct_p(&g->t, i - 1, '.'));
}

static void scan(struct goscan *g)
{
	const struct st_ctoks *t = &g->t;
	int has_max_open = 0, pgx_max = 0;
	for (size_t i = 0; i + 1 < t->n; i++) {
		if (st_ct_id(t, i, "SetMaxOpenConns") && st_ct_p(t, i + 1, '('))
			has_max_open = 1;
		if (st_ct_id(t, i, "MaxConns") && i > 0 && st_ct_p(t, i - 1, '.') && st_ct_p(t, i + 1, '='))
			pgx_max = 1;
		if (st_ct_id(t, i, "AutomaticEnv") && st_ct_p(t, i + 1, '('))
			g->automatic_env = 1;
	}
	static const struct {
		const char *fn, *suffix;
		enum gv_kind want;
	} setters[] = {
	    {"SetMaxOpenConns", "go.pool.max_open", GV_INT},
	    {"SetMaxIdleConns", "go.pool.max_idle", GV_INT},
	    {"SetConnMaxLifetime", "go.pool.conn_max_lifetime", GV_DUR},
	    {"SetConnMaxIdleTime", "go.pool.conn_max_idle_time", GV_DUR},
	};
	static const struct {
		const char *field, *suffix;
		enum gv_kind want;
	} pgx_fields[] = {
	    {"MaxConns", "go.pool.max_open", GV_INT},
	    {"MaxConnLifetime", "go.pool.conn_max_lifetime", GV_DUR},
	    {"MaxConnIdleTime", "go.pool.conn_max_idle_time", GV_DUR},
	};
	for (size_t i = 0; i < t->n && !g->ctx->oom; i++) {
		const struct st_ctok *k = &t->v[i];
		if (k->kind != CT_IDENT)
			continue;
		/* X.SetMaxOpenConns(n) ... */
		if (i > 0 && st_ct_p(t, i - 1, '.') && st_ct_p(t, i + 1, '(')) {
			for (size_t s = 0; s < sizeof setters / sizeof setters[0]; s++)
				if (st_ct_id(t, i, setters[s].fn)) {
					size_t c = st_ct_close(t, i + 1);
					if (c < t->n)
						record(g, setters[s].suffix, eval(g, i + 2, c), setters[s].want, i + 2,
						       c, setters[s].fn);
				}
		}
		/* config.MaxConns = 20 (pgxpool.Config) */
		if (i > 0 && st_ct_p(t, i - 1, '.') && st_ct_p(t, i + 1, '=') && !st_ct_p(t, i + 2, '=')) {
			for (size_t s = 0; s < sizeof pgx_fields / sizeof pgx_fields[0]; s++)
				if (st_ct_id(t, i, pgx_fields[s].field)) {
					size_t e = stmt_end(g, i + 2, t->n);
					const char *what =
					    st_arena_printf(&g->ctx->arena, "pgxpool.Config.%s", pgx_fields[s].field);
					struct gv v = eval(g, i + 2, e);
					record(g, pgx_fields[s].suffix, v, pgx_fields[s].want, i + 2, e,
					       what ? what : "pgxpool");
				}
		}
		/* openers */
		const char *opener = NULL, *driver = NULL;
		size_t dsn_a = 0, dsn_b = 0, at = i;
		if (is_sel(g, i, "sql", "Open") || is_sel(g, i, "sqlx", "Open") || is_sel(g, i, "sqlx", "Connect") ||
		    is_sel(g, i, "sqlx", "MustConnect") || is_sel(g, i, "sqlx", "MustOpen") ||
		    is_sel(g, i, "sqlx", "ConnectContext")) {
			size_t c = st_ct_close(t, i + 3), s[8], e[8];
			size_t n = c < t->n ? split_args(g, i + 4, c, s, e) : 0;
			size_t d = st_ct_id(t, i + 2, "ConnectContext") ? 1 : 0;
			if (n > d && is_str(g, s[d])) {
				driver = t->v[s[d]].s;
				if (n > d + 1)
					dsn_a = s[d + 1], dsn_b = e[d + 1];
			}
			opener = st_ct_id(t, i, "sql") ? "sql.Open" : "sqlx";
		} else if (is_sel(g, i, "gorm", "Open")) {
			opener = "gorm.Open";
			/* gorm.Open(postgres.Open(dsn)) / gorm.Open(mysql.New(mysql.Config{DSN: dsn})) */
			if (t->v[i + 4].kind == CT_IDENT && st_ct_p(t, i + 5, '.') && st_ct_p(t, i + 7, '(')) {
				driver = tok_text(g, i + 4);
				size_t c = st_ct_close(t, i + 7), s[8], e[8];
				size_t n = c < t->n ? split_args(g, i + 8, c, s, e) : 0;
				if (n >= 1 && st_ct_id(t, i + 6, "Open"))
					dsn_a = s[0], dsn_b = e[0];
				for (size_t q = i + 8; q + 2 < c; q++)
					if (st_ct_id(t, q, "DSN") && st_ct_p(t, q + 1, ':')) {
						dsn_a = q + 2;
						dsn_b = stmt_end(g, q + 2, c);
						for (size_t r = q + 2; r < dsn_b; r++)
							if (st_ct_p(t, r, ',')) {
								dsn_b = r;
								break;
							}
					}
			}
		} else if (is_sel(g, i, "pgxpool", "New") || is_sel(g, i, "pgxpool", "Connect") ||
		           is_sel(g, i, "pgxpool", "ParseConfig") || is_sel(g, i, "pgxpool", "NewWithConfig") ||
		           is_sel(g, i, "pgxpool", "ConnectConfig")) {
			driver = "pgx";
			opener = "pgxpool";
			size_t c = st_ct_close(t, i + 3), s[8], e[8];
			size_t n = c < t->n ? split_args(g, i + 4, c, s, e) : 0;
			size_t d = st_ct_id(t, i + 2, "ParseConfig") ? 0 : 1;
			if (n > d && !st_ct_id(t, i + 2, "NewWithConfig") && !st_ct_id(t, i + 2, "ConnectConfig"))
				dsn_a = s[d], dsn_b = e[d];
		}
		if (!opener || ++g->records > MAX_RECORDS)
			continue;
		if (driver) {
			const char *name = fname(g, "go.driver");
			struct st_origin o = st_ct_origin(t, g->path, at, at + 3);
			if (name)
				st_app_fact_once(g->ctx, name, g->app, st_value_string(driver), &o, ST_LAYER_FILE);
		}
		if (dsn_b > dsn_a)
			dsn_env(g, dsn_a, dsn_b);
		if (strcmp(opener, "pgxpool") == 0) {
			struct gv pm;
			if (dsn_b > dsn_a && dsn_pool_max(g, dsn_a, dsn_b, &pm)) {
				record(g, "go.pool.max_open", pm, GV_INT, dsn_a, dsn_b, "pool_max_conns");
				pgx_max = 1;
			}
			if (!pgx_max && !st_ct_id(t, i + 2, "ParseConfig")) {
				int64_t cpus = 0;
				int known = st_app_cpus(g->ctx, &cpus);
				struct st_origin o = {
				    .kind = ST_ORIGIN_DEFAULT, .file = g->path, .line = k->line, .col = k->col};
				o.detail = known
				               ? st_arena_printf(&g->ctx->arena,
				                                 "pgxpool default max(4, runtime.NumCPU()) with "
				                                 "host.cpus = %lld (%s at %s:%u)",
				                                 (long long)cpus, tok_text(g, i + 2), g->path, k->line)
				               : "pgxpool default max(4, runtime.NumCPU()); host CPUs unknown";
				const char *name = fname(g, "go.pool.max_open");
				struct st_value v =
				    known ? st_value_int(cpus > 4 ? cpus : 4) : st_value_unknown("host CPUs unknown");
				struct st_fact *f =
				    name ? st_app_fact_once(g->ctx, name, g->app, v, &o, ST_LAYER_DEFAULT) : NULL;
				const struct st_fact *hc = st_fact_get(g->ctx, "host.cpus");
				if (f && hc) {
					const struct st_fact **from = st_arena_alloc(&g->ctx->arena, sizeof(*from));
					if (from) {
						from[0] = hc;
						f->from = from;
						f->n_from = 1;
					}
				}
			}
		} else if (!has_max_open) {
			struct st_origin o = {
			    .kind = ST_ORIGIN_DEFAULT, .file = g->path, .line = k->line, .col = k->col};
			o.detail = st_arena_printf(&g->ctx->arena,
			                           "database/sql default: unlimited (no SetMaxOpenConns; %s at %s:%u)",
			                           opener, g->path, k->line);
			const char *name = fname(g, "go.pool.max_open");
			if (name)
				st_app_fact_once(g->ctx, name, g->app, st_value_int(0), &o, ST_LAYER_DEFAULT);
		}
	}
	/* env-tagged config fields, viper defaults */
	for (size_t k = 0; k < g->n_ef && !g->ctx->oom; k++) {
		struct gv v = eval_envfield(g, &g->ef[k]);
		const char *suffix = st_arena_printf(&g->ctx->arena, "go.config.%s", g->ef[k].field);
		if (!suffix)
			break;
		struct gv iv = convert(v, GV_INT);
		if (v.kind == GV_NONE) {
			if (!v.why)
				continue;
		}
		size_t tk = g->ef[k].tok;
		if (iv.kind == GV_INT)
			record(g, suffix, iv, GV_INT, tk, tk + 1, g->ef[k].field);
		else if (v.kind == GV_STR && go_duration(v.s, &iv.i) == 0 && strcmp(v.s, "0") != 0)
			record(g, suffix, convert(v, GV_DUR), GV_DUR, tk, tk + 1, g->ef[k].field);
		else if (v.kind == GV_STR)
			record(g, suffix, v, GV_STR, tk, tk + 1, g->ef[k].field);
		if (is_port_env(g->ef[k].env))
			record_port(g, v, tk, tk + 1, g->ef[k].env);
	}
	for (size_t i = 0; i + 5 < t->n && !g->ctx->oom; i++) {
		if (!(st_ct_id(t, i, "SetDefault") && i > 0 && st_ct_p(t, i - 1, '.') && st_ct_p(t, i + 1, '(') &&
		      is_str(g, i + 2) && st_ct_p(t, i + 3, ',')))
			continue;
		size_t c = st_ct_close(t, i + 1);
		struct gv v = eval(g, i + 4, c);
		const char *suffix = st_arena_printf(&g->ctx->arena, "go.viper.%s", t->v[i + 2].s);
		if (suffix && v.kind != GV_NONE)
			record(g, suffix, v, v.kind, i + 4, c, "viper.SetDefault");
	}
	/* ports: listen calls with an address, and reads of PORT-like variables */
	for (size_t i = 0; i + 2 < t->n && !g->ctx->oom; i++) {
		if (t->v[i].kind != CT_IDENT || !st_ct_p(t, i + 1, '('))
			continue;
		int listen = st_ct_id(t, i, "ListenAndServe") || st_ct_id(t, i, "ListenAndServeTLS") ||
		             ((st_ct_id(t, i, "Run") || st_ct_id(t, i, "Start") || st_ct_id(t, i, "Listen") ||
		               st_ct_id(t, i, "RunTLS") || st_ct_id(t, i, "StartTLS")) &&
		              i > 0 && st_ct_p(t, i - 1, '.'));
		size_t c = st_ct_close(t, i + 1), s[8], e[8];
		if (c >= t->n)
			continue;
		size_t n = split_args(g, i + 2, c, s, e);
		if (listen && n >= 1) {
			size_t arg =
			    st_ct_id(t, i, "Listen") && n >= 2 && is_str(g, s[0]) ? 1 : 0; /* net.Listen("tcp", addr) */
			const char *what = st_arena_printf(&g->ctx->arena, "%s address", tok_text(g, i));
			record_port(g, eval(g, s[arg], e[arg]), s[arg], e[arg], what ? what : "listen");
		}
		/* os.Getenv("PORT"), getEnv("PORT", "8080") */
		if (n >= 1 && is_str(g, s[0]) && e[0] == s[0] + 1 && is_port_env(t->v[s[0]].s)) {
			const char *nm = tok_text(g, i);
			if (contains_ci(nm, strlen(nm), "env")) {
				struct gv v = call(g, i > 1 && st_ct_p(t, i - 1, '.') ? i - 2 : i, i + 1, i + 1, c);
				if (v.kind != GV_NONE && !v.remote)
					v.o = st_ct_origin(t, g->path, i, c + 1);
				record_port(g, v, i, c + 1, t->v[s[0]].s);
			}
		}
	}
	/* http.Server{Addr: ":8080"} */
	for (size_t i = 0; i + 2 < t->n && !g->ctx->oom; i++)
		if (st_ct_id(t, i, "Addr") && st_ct_p(t, i + 1, ':') && i > 0 &&
		    (st_ct_p(t, i - 1, '{') || st_ct_p(t, i - 1, ','))) {
			size_t e = stmt_end(g, i + 2, t->n);
			for (size_t r = i + 2; r < e; r++)
				if (st_ct_p(t, r, ',') || st_ct_p(t, r, '}')) {
					e = r;
					break;
				}
			record_port(g, eval(g, i + 2, e), i + 2, e, "http.Server Addr");
		}
}

int st_goscan_load(struct st_ctx *ctx, const struct st_file *f)
{
	if (!f || !f->data)
		return -1;
	struct goscan g = {.ctx = ctx};
	g.path = st_arena_strdup(&ctx->arena, f->path ? f->path : "");
	if (!g.path)
		return ctx->oom = 1, -1;
	if (st_clex(ctx, f->data, f->size, ST_CLANG_GO, &g.t) < 0) {
		st_clex_free(&g.t);
		return -1;
	}
	g.app = go_app(&g, g.path);
	if (g.app) {
		collect_bindings(&g);
		collect_envfields(&g);
		scan(&g);
		/* every non-test Go file makes the application a Go one: "<app>.kind" at its package clause */
		for (size_t i = 0; i + 1 < g.t.n; i++)
			if (st_ct_id(&g.t, i, "package")) {
				struct st_origin o = st_ct_origin(&g.t, g.path, i, i + 2);
				o.value_off = g.t.v[i + 1].off;
				o.value_len = g.t.v[i + 1].len;
				const char *nm = st_arena_printf(&ctx->arena, "%s.kind", g.app);
				if (nm && !st_fact_get(ctx, nm))
					st_fact_set(ctx, nm, g.app, st_value_string("go"), &o, ST_LAYER_FILE);
				break;
			}
	}
	free(g.b);
	free(g.ef);
	st_clex_free(&g.t);
	return ctx->oom ? -1 : 0;
}
