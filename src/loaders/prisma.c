/* Prisma schema (*.prisma): the datasource block (provider, url, directUrl, relationMode) and, from the URL
 * the application sees (env("X") resolved against compose and the nearest .env upward from the schema, as
 * Prisma loads .env from the schema's directory and the project root), the query engine's pool:
 * connection_limit (default 2 x physical CPUs + 1; physical cores are not known here, host.cpus stands in and
 * the detail says so), pool_timeout (default 10 s), pgbouncer, schema.
 *
 * Application id: the schema's first path segment. Facts "<app>.prisma.provider", ".url_env", ".direct_url_env",
 * ".relation_mode", ".pool.max", ".pool_timeout", ".pgbouncer", ".schema", ".host", ".port", "<app>.kind". */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "clex.h"
#include "pyscan.h"

#define US_PER_SEC INT64_C(1000000)

struct prisma {
	struct st_ctx *ctx;
	const char *path, *app;
	struct st_ctoks t;
};

enum st_match st_prisma_match(const char *path, const char *name, const char *head, size_t head_len)
{
	(void)path;
	(void)head;
	(void)head_len;
	size_t n = name ? strlen(name) : 0;
	return n > 7 && strcmp(name + n - 7, ".prisma") == 0 ? ST_MATCH_YES : ST_MATCH_NO;
}

static const char *fname(struct prisma *p, const char *suffix)
{
	const char *n = st_arena_printf(&p->ctx->arena, "%s.prisma.%s", p->app, suffix);
	if (!n)
		p->ctx->oom = 1;
	return n;
}

static struct st_fact *set(struct prisma *p, const char *suffix, struct st_value v, const struct st_origin *o,
                           int layer)
{
	const char *n = fname(p, suffix);
	return n ? st_app_fact_once(p->ctx, n, p->app, v, o, layer) : NULL;
}

/* The span of parameter key's value inside the URL written at origin o (a .env line): reads that file. */
static struct st_origin param_origin(struct prisma *p, const struct st_origin *o, const char *key)
{
	struct st_origin r = *o;
	struct st_file f;
	if (o->kind != ST_ORIGIN_FILE || !o->file || !o->value_len || st_app_probe(p->ctx, o->file, &f) != 0 ||
	    o->value_off + o->value_len > f.size)
		return r;
	size_t kl = strlen(key);
	const char *s = f.data + o->value_off;
	for (size_t i = 0; i + kl + 1 <= o->value_len; i++) {
		if (i == 0 || (s[i - 1] != '?' && s[i - 1] != '&') || memcmp(s + i, key, kl) != 0 || s[i + kl] != '=')
			continue;
		size_t a = i + kl + 1, e = a;
		while (e < o->value_len && s[e] != '&' && s[e] != '#' && s[e] != '"' && s[e] != '\'' &&
		       !isspace((unsigned char)s[e]))
			e++;
		r.value_off = o->value_off + a;
		r.value_len = e - a;
		if (o->line_off <= r.value_off)
			r.col = (unsigned)(r.value_off - o->line_off + 1);
		return r;
	}
	return r;
}

static const char *param(const struct st_url *u, const char *key)
{
	for (size_t i = 0; i < u->n_params; i++)
		if (u->params[i].key && strcmp(u->params[i].key, key) == 0)
			return u->params[i].value;
	return NULL;
}

static struct st_origin dflt(struct prisma *p, size_t at, const char *detail)
{
	struct st_origin o = {
	    .kind = ST_ORIGIN_DEFAULT, .file = p->path, .line = p->t.v[at].line, .col = p->t.v[at].col};
	o.detail = detail;
	return o;
}

/* Pool facts from the URL the application uses (NULL when it could not be found). */
static void pool_facts(struct prisma *p, const struct st_url *u, const struct st_origin *uo, size_t at, const char *why)
{
	struct st_ctx *ctx = p->ctx;
	const char *cl = u ? param(u, "connection_limit") : NULL;
	int64_t n;
	const char *err;
	if (cl) {
		struct st_origin o = param_origin(p, uo, "connection_limit");
		if (st_int_parse(cl, strlen(cl), &n, &err) == 0 && n > 0)
			set(p, "pool.max", st_value_int(n), &o, ST_LAYER_FILE);
		else {
			o.detail = "connection_limit is not a positive integer";
			set(p, "pool.max", st_value_unknown("connection_limit is not a positive integer"), &o,
			    ST_LAYER_FILE);
		}
	} else {
		int64_t cpus = 0;
		int known = st_app_cpus(ctx, &cpus);
		const char *d = st_arena_printf(
		    &ctx->arena, "Prisma default 2 x CPUs + 1; physical cores unknown, host.cpus = %s used%s%s",
		    known ? st_arena_printf(&ctx->arena, "%lld", (long long)cpus) : "?", why ? "; " : "",
		    why ? why : "");
		struct st_origin o = dflt(p, at, d ? d : "Prisma default 2 x CPUs + 1");
		struct st_fact *f =
		    set(p, "pool.max", known ? st_value_int(2 * cpus + 1) : st_value_unknown("host CPUs unknown"), &o,
		        ST_LAYER_DEFAULT);
		const struct st_fact *hc = st_fact_get(ctx, "host.cpus");
		if (f && hc) {
			const struct st_fact **from = st_arena_alloc(&ctx->arena, sizeof(*from));
			if (from) {
				from[0] = hc;
				f->from = from;
				f->n_from = 1;
			}
		}
	}
	const char *pt = u ? param(u, "pool_timeout") : NULL;
	if (pt) {
		struct st_origin o = param_origin(p, uo, "pool_timeout");
		if (st_int_parse(pt, strlen(pt), &n, &err) == 0 && n >= 0 && n < INT64_MAX / US_PER_SEC)
			set(p, "pool_timeout", st_value_duration(n * US_PER_SEC), &o, ST_LAYER_FILE);
	} else {
		struct st_origin o = dflt(p, at, "Prisma default pool_timeout 10 s");
		set(p, "pool_timeout", st_value_duration(10 * US_PER_SEC), &o, ST_LAYER_DEFAULT);
	}
	const char *pgb = u ? param(u, "pgbouncer") : NULL;
	if (pgb) {
		struct st_origin o = param_origin(p, uo, "pgbouncer");
		set(p, "pgbouncer", st_value_bool(strcmp(pgb, "true") == 0), &o, ST_LAYER_FILE);
	} else {
		struct st_origin o = dflt(p, at, "Prisma default pgbouncer=false");
		set(p, "pgbouncer", st_value_bool(0), &o, ST_LAYER_DEFAULT);
	}
	const char *schema = u ? param(u, "schema") : NULL;
	if (schema) {
		struct st_origin o = param_origin(p, uo, "schema");
		set(p, "schema", st_value_string(schema), &o, ST_LAYER_FILE);
	}
	if (u && u->host)
		set(p, "host", st_value_string(u->host), uo, ST_LAYER_FILE);
	if (u && u->port)
		set(p, "port", st_value_int(u->port), uo, ST_LAYER_FILE);
}

/* url = env("X") | "literal": returns the token index of the string, *is_env set for env(). */
static size_t value_string(struct prisma *p, size_t k, size_t e, int *is_env)
{
	const struct st_ctoks *t = &p->t;
	*is_env = 0;
	if (st_ct_id(t, k, "env") && st_ct_p(t, k + 1, '(') && k + 2 < e && t->v[k + 2].kind == CT_STR &&
	    t->v[k + 2].s) {
		*is_env = 1;
		return k + 2;
	}
	if (k < e && t->v[k].kind == CT_STR && t->v[k].s)
		return k;
	return t->n;
}

static void datasource(struct prisma *p, size_t open, size_t close)
{
	const struct st_ctoks *t = &p->t;
	struct st_ctx *ctx = p->ctx;
	int have_url = 0;
	for (size_t k = open + 1; k + 2 < close && !ctx->oom; k++) {
		if (t->v[k].kind != CT_IDENT || !st_ct_p(t, k + 1, '=') || t->v[k].line == t->v[k - 1].line)
			continue;
		size_t v = k + 2, e = v;
		while (e < close && t->v[e].line == t->v[v].line)
			e++;
		int is_env;
		size_t s = value_string(p, v, e, &is_env);
		if (s >= t->n)
			continue;
		const char *sv = t->v[s].s;
		struct st_origin so = st_ct_origin(t, p->path, s, s + 1);
		if (st_ct_id(t, k, "provider") && !is_env) {
			set(p, "provider", st_value_string(sv), &so, ST_LAYER_FILE);
		} else if (st_ct_id(t, k, "relationMode") || st_ct_id(t, k, "referentialIntegrity")) {
			set(p, "relation_mode", st_value_string(sv), &so, ST_LAYER_FILE);
		} else if (st_ct_id(t, k, "directUrl") && is_env) {
			set(p, "direct_url_env", st_value_string(sv), &so, ST_LAYER_FILE);
		} else if (st_ct_id(t, k, "url")) {
			have_url = 1;
			struct st_url u;
			if (is_env) {
				set(p, "url_env", st_value_string(sv), &so, ST_LAYER_FILE);
				struct st_app_env env;
				if (!st_app_env_lookup(ctx, p->app, p->path, sv, 0, &env)) {
					pool_facts(
					    p, NULL, NULL, s,
					    st_arena_printf(&ctx->arena, "%s is not set in any .env file seen", sv));
				} else if (st_dsn_parse(ctx, env.value, strlen(env.value), &u) == 0) {
					pool_facts(p, &u, &env.origin, s, NULL);
				} else {
					pool_facts(p, NULL, NULL, s,
					           st_arena_printf(&ctx->arena, "%s is not a connection URL", sv));
				}
			} else if (st_url_parse(ctx, sv, strlen(sv), &u) == 0) {
				/* a URL written in the schema: the password (if any) must not be shown */
				struct st_origin q = so;
				q.value_off++; /* inside the quotes */
				q.value_len = q.value_len >= 2 ? q.value_len - 2 : 0;
				pool_facts(p, &u, &q, s, NULL);
			}
		}
	}
	if (!have_url)
		pool_facts(p, NULL, NULL, open, "the datasource has no url");
}

int st_prisma_load(struct st_ctx *ctx, const struct st_file *f)
{
	if (!f || !f->data)
		return -1;
	struct prisma p = {.ctx = ctx};
	p.path = st_arena_strdup(&ctx->arena, f->path ? f->path : "");
	p.app = p.path ? st_app_name(ctx, p.path) : NULL;
	if (!p.app)
		return ctx->oom = 1, -1;
	if (st_clex(ctx, f->data, f->size, ST_CLANG_GO, &p.t) < 0) {
		st_clex_free(&p.t);
		return -1;
	}
	const struct st_ctoks *t = &p.t;
	for (size_t i = 0; i + 2 < t->n && !ctx->oom; i++) {
		if (!st_ct_id(t, i, "datasource") || t->v[i + 1].kind != CT_IDENT || !st_ct_p(t, i + 2, '{'))
			continue;
		size_t c = st_ct_close(t, i + 2);
		struct st_origin o = st_ct_origin(t, p.path, i, i + 2);
		st_app_kind(ctx, p.app, "node", &o);
		datasource(&p, i + 2, c < t->n ? c : t->n);
		break; /* Prisma allows one datasource */
	}
	st_clex_free(&p.t);
	return ctx->oom ? -1 : 0;
}
