/* Django settings modules (settings.py, any module of a settings/ package, *settings*.py): DATABASES,
 * CACHES, Celery, sessions, REST_FRAMEWORK paging, DEBUG, ALLOWED_HOSTS, SECRET_KEY as facts "<app>.django.<SETTING>[.<alias>.<KEY>]".
 * Values go through pyscan (os.environ, django-environ, decouple, dj-database-url resolved against .env
 * facts). Split settings: `from .base import *` brings the base's bindings in; each module records the values
 * it defines itself (the base records its own when the walker loads it), so the chain shows base < override.
 * When DJANGO_SETTINGS_MODULE is known (.env or manage.py), modules outside the active one's import closure
 * are not recorded: development.py must not override production.py because it sorts later. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "pyscan.h"

#define MAX_RECURSE 4 /* OPTIONS.pool.min_size */

enum st_match st_pysettings_match(const char *path, const char *name, const char *head, size_t head_len)
{
	(void)head;
	(void)head_len;
	if (!path)
		return ST_MATCH_NO;
	if (!name) {
		const char *slash = strrchr(path, '/');
		name = slash ? slash + 1 : path;
	}
	size_t n = strlen(name);
	if (n < 4 || strcmp(name + n - 3, ".py") != 0)
		return ST_MATCH_NO;
	if (strstr(path, "/migrations/") || strstr(path, "site-packages/") || strncmp(path, "migrations/", 11) == 0)
		return ST_MATCH_NO;
	if (strstr(name, "settings"))
		return ST_MATCH_YES; /* settings.py, local_settings.py, settings_prod.py */
	/* any module of a settings package: settings/base.py, settings/production.py, settings/__init__.py */
	const char *slash = strrchr(path, '/');
	if (slash) {
		const char *dir = slash;
		while (dir > path && dir[-1] != '/')
			dir--;
		if ((size_t)(slash - dir) == 8 && memcmp(dir, "settings", 8) == 0)
			return ST_MATCH_YES;
	}
	return ST_MATCH_NO;
}

struct loader {
	struct st_ctx *ctx;
	const struct st_file *f;
	const char *app;
	const char *prefix; /* "<app>.django." */
};

/* ---- hooks --------------------------------------------------------------- */

static int hook_getenv(void *user, const char *name, struct st_py_env_hit *out)
{
	struct loader *l = user;
	return st_app_getenv(l->ctx, l->f->path, name, out);
}

static int hook_cpus(void *user, int64_t *out)
{
	return st_app_cpus(((struct loader *)user)->ctx, out);
}

static size_t dir_len(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? (size_t)(slash - path) : 0;
}

/* Tries dir/mod.py and dir/mod/__init__.py (mod '/'-separated, may be empty for the package itself). */
static int probe_module(struct st_ctx *ctx, const char *dir, size_t dlen, const char *mod, struct st_file *out)
{
	const char *sep = dlen ? "/" : "";
	const char *a = *mod ? st_arena_printf(&ctx->arena, "%.*s%s%s.py", (int)dlen, dir, sep, mod) : NULL;
	if (a && st_app_probe(ctx, a, out) == 0)
		return 0;
	const char *b = *mod ? st_arena_printf(&ctx->arena, "%.*s%s%s/__init__.py", (int)dlen, dir, sep, mod)
	                     : st_arena_printf(&ctx->arena, "%.*s%s__init__.py", (int)dlen, dir, sep);
	return b && st_app_probe(ctx, b, out) == 0 ? 0 : -1;
}

static char *dotted_to_path(struct st_ctx *ctx, const char *module)
{
	char *p = st_arena_strdup(&ctx->arena, module);
	if (!p)
		return NULL;
	for (char *q = p; *q; q++)
		if (*q == '.')
			*q = '/';
	return p;
}

/* Absolute module: tried from the file's directory upward (the project root is one of them). */
static int find_absolute(struct st_ctx *ctx, const char *from_path, const char *module, struct st_file *out)
{
	char *mod = dotted_to_path(ctx, module);
	if (!mod || !*mod)
		return -1;
	size_t d = dir_len(from_path);
	for (;;) {
		if (probe_module(ctx, from_path, d, mod, out) == 0)
			return 0;
		if (!d)
			return -1;
		while (d > 0 && from_path[d - 1] != '/')
			d--;
		if (d > 0)
			d--;
	}
}

static int hook_import(void *user, const char *from_path, int level, const char *module, struct st_file *out)
{
	struct st_ctx *ctx = ((struct loader *)user)->ctx;
	if (level == 0)
		return find_absolute(ctx, from_path, module, out);
	size_t d = dir_len(from_path);
	for (int k = 1; k < level; k++) {
		if (!d)
			return -1; /* beyond the top of the tree */
		while (d > 0 && from_path[d - 1] != '/')
			d--;
		if (d > 0)
			d--;
	}
	char *mod = dotted_to_path(ctx, module);
	return mod ? probe_module(ctx, from_path, d, mod, out) : -1;
}

/* ---- DJANGO_SETTINGS_MODULE ------------------------------------------------- */

struct active {
	const char *module; /* dotted */
	struct st_origin origin;
	const char *base_path; /* directory the dotted name is relative to (manage.py's), or NULL: search upward */
};

/* Finds os.environ.setdefault("DJANGO_SETTINGS_MODULE", "x.y") in a manage.py / wsgi.py text. */
static int module_from_text(struct st_ctx *ctx, const struct st_file *f, struct active *out)
{
	const char *s = f->data;
	const char *hit = s;
	while ((hit = strstr(hit, "DJANGO_SETTINGS_MODULE")) != NULL) {
		const char *p = hit + 22;
		if (*p == '\'' || *p == '"')
			p++;
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		if (*p != ',') {
			hit = p;
			continue;
		}
		p++;
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		char q = *p;
		if (q != '\'' && q != '"') {
			hit = p;
			continue;
		}
		const char *a = p + 1, *b = a;
		while (*b && *b != q && *b != '\n' && (isalnum((unsigned char)*b) || *b == '_' || *b == '.'))
			b++;
		if (*b != q || b == a) {
			hit = p;
			continue;
		}
		unsigned line = 1;
		const char *ls = s;
		for (const char *k = s; k < a; k++)
			if (*k == '\n') {
				line++;
				ls = k + 1;
			}
		out->module = st_arena_strndup(&ctx->arena, a, (size_t)(b - a));
		out->origin = st_origin_file(f->path, line, (unsigned)(p - ls + 1));
		out->origin.value_off = (size_t)(p - s);
		out->origin.value_len = (size_t)(b + 1 - p);
		out->origin.line_off = (size_t)(ls - s);
		const char *le = strchr(ls, '\n');
		out->origin.line_len = le ? (size_t)(le - ls) : strlen(ls);
		return out->module ? 0 : -1;
	}
	return -1;
}

/* The active settings module: DJANGO_SETTINGS_MODULE from the .env files, else manage.py upward. 0 or -1. */
static int find_active(struct loader *l, struct active *out)
{
	struct st_ctx *ctx = l->ctx;
	struct st_py_env_hit hit;
	if (st_app_getenv(ctx, l->f->path, "DJANGO_SETTINGS_MODULE", &hit) == 1 && hit.value && *hit.value) {
		out->module = hit.value;
		out->origin = hit.origin;
		out->base_path = NULL;
		return 0;
	}
	const char *path = l->f->path;
	size_t d = dir_len(path);
	for (;;) {
		const char *mp = d ? st_arena_printf(&ctx->arena, "%.*s/manage.py", (int)d, path)
		                   : st_arena_strdup(&ctx->arena, "manage.py");
		struct st_file mf;
		if (mp && st_app_probe(ctx, mp, &mf) == 0 && module_from_text(ctx, &mf, out) == 0) {
			out->base_path = mp; /* relative to manage.py's directory */
			return 0;
		}
		if (!d)
			return -1;
		while (d > 0 && path[d - 1] != '/')
			d--;
		if (d > 0)
			d--;
	}
}

/* 1: this file is the active module or imported by it; 0: not; -1: cannot tell (no active module found). */
static int in_active(struct loader *l, const struct active *act, int *is_active)
{
	struct st_ctx *ctx = l->ctx;
	struct st_file af;
	*is_active = 0;
	char *mod = dotted_to_path(ctx, act->module);
	if (!mod)
		return -1;
	int found = act->base_path ? probe_module(ctx, act->base_path, dir_len(act->base_path), mod, &af)
	                           : find_absolute(ctx, l->f->path, act->module, &af);
	if (found < 0)
		return -1;
	if (strcmp(af.path, l->f->path) == 0) {
		*is_active = 1;
		return 1;
	}
	/* scan the active module quietly (its own load reports its diagnostics) for its import closure */
	size_t nd = ctx->diags.n;
	struct st_py_hooks h = {.user = l, .getenv = hook_getenv, .cpus = hook_cpus, .import_module = hook_import};
	struct st_py_module m;
	int rc = st_py_scan(ctx, &af, &h, &m);
	ctx->diags.n = nd;
	if (rc < 0)
		return -1;
	for (size_t i = 0; i < m.n_imported; i++)
		if (strcmp(m.imported[i], l->f->path) == 0)
			return 1;
	return 0;
}

/* ---- facts ------------------------------------------------------------------ */

static const char *join(struct st_ctx *ctx, const char *a, const char *b)
{
	if (!a || !*a)
		return b;
	if (!b || !*b)
		return a;
	const char *r = st_arena_printf(&ctx->arena, "%s; %s", a, b);
	return r ? r : a;
}

/* A scalar py value as an st_value; lists of scalars as lists. */
static struct st_value to_value(struct st_ctx *ctx, const struct st_py_val *v, int depth)
{
	switch (v->kind) {
	case ST_PY_BOOL:
		return st_value_bool((int)v->i);
	case ST_PY_INT:
		return st_value_int(v->i);
	case ST_PY_FLOAT:
		return st_value_real(v->r);
	case ST_PY_STR: {
		struct st_value x = st_value_string(v->s);
		x.secret = v->secret;
		if (!x.secret)
			x.redacted = st_url_redact(ctx, v->s);
		return x;
	}
	case ST_PY_NONE:
		if (v->unset)
			return st_value_unknown(st_arena_printf(&ctx->arena,
			                                         "%s is not set in any .env file seen and has no default",
			                                         v->unset));
		return st_value_string("None");
	case ST_PY_LIST:
	case ST_PY_TUPLE: {
		if (depth > 0)
			break;
		struct st_value x = {.kind = ST_VAL_LIST};
		x.items = v->n ? st_arena_alloc(&ctx->arena, v->n * sizeof(*x.items)) : NULL;
		if (v->n && !x.items) {
			ctx->oom = 1;
			return st_value_unknown("out of memory");
		}
		for (size_t i = 0; i < v->n; i++) {
			x.items[i] = to_value(ctx, v->items[i], depth + 1);
			x.secret |= x.items[i].secret;
		}
		x.n_items = v->n;
		return x;
	}
	case ST_PY_UNKNOWN:
		return st_value_unknown(v->s ? v->s : "not evaluated");
	default:
		break;
	}
	return st_value_unknown("not a plain value (a dict, a function or an object)");
}

/* 1 when the value was defined by this file, or by a module no loader reads on its own (so nobody else
 * records it). */
static int owned(const struct loader *l, const struct st_py_val *v)
{
	if (!v->module || strcmp(v->module, l->f->path) == 0)
		return 1;
	return st_pysettings_match(v->module, NULL, NULL, 0) != ST_MATCH_YES;
}

/* Records one setting value under name (a suffix after the prefix); extra = what the value means. */
static struct st_fact *record(struct loader *l, const char *suffix, const struct st_py_val *v, const char *extra,
                              const struct st_py_val *top)
{
	struct st_ctx *ctx = l->ctx;
	if (!suffix || !owned(l, v))
		return NULL;
	const char *name = st_arena_printf(&ctx->arena, "%s%s", l->prefix, suffix);
	if (!name)
		return ctx->oom = 1, NULL;
	struct st_value val;
	const char *last = strrchr(suffix, '.');
	last = last ? last + 1 : suffix;
	if (strcmp(last, "CONN_MAX_AGE") == 0 && v->kind == ST_PY_INT) {
		int64_t us = 0;
		if (__builtin_mul_overflow(v->i, (int64_t)1000000, &us))
			val = st_value_int(v->i);
		else
			val = st_value_duration(us);
		val.text = st_arena_printf(&ctx->arena, "%llds", (long long)v->i);
		extra = join(ctx, extra, v->i == 0 ? "0: a new connection for every request" : NULL);
	} else if (strcmp(last, "CONN_MAX_AGE") == 0 && v->kind == ST_PY_NONE && !v->unset) {
		val = st_value_string("None");
		extra = join(ctx, extra, "persistent connections: None keeps them open forever");
	} else if (strcmp(last, "PORT") == 0 && v->kind == ST_PY_STR && v->len > 0 && v->len < 6 &&
	           strspn(v->s, "0123456789") == v->len) {
		int64_t p = 0;
		for (size_t i = 0; i < v->len; i++)
			p = p * 10 + (v->s[i] - '0');
		val = st_value_int(p);
		val.text = v->s;
	} else {
		val = to_value(ctx, v, 0);
	}
	if ((st_secret_name(last, strlen(last)) || v->secret) && val.kind != ST_VAL_NONE)
		val.secret = 1; /* an unknown value holds only the reason, which names variables, never values */
	struct st_origin o = v->origin;
	if (o.kind == ST_ORIGIN_NONE)
		o = st_origin_file(l->f->path, 0, 0);
	const char *detail = o.detail;
	if (val.secret && v->detail_has_text)
		detail = "computed from other values";
	detail = join(ctx, detail, extra);
	if (top && top->conditional)
		detail = join(ctx, detail, top->conditional);
	else if (v->conditional)
		detail = join(ctx, detail, v->conditional);
	o.detail = detail;
	struct st_fact *f = st_fact_set(ctx, name, l->app, val, &o, ST_LAYER_FILE);
	if (!f)
		ctx->oom = 1;
	return f;
}

/* Records a URL-valued setting and its parts (scheme, host, port, database ...). */
static void record_url(struct loader *l, const char *suffix, const struct st_py_val *v, const struct st_py_val *top)
{
	struct st_fact *f = record(l, suffix, v, NULL, top);
	if (!f || v->kind != ST_PY_STR)
		return;
	struct st_url u;
	if (st_dsn_parse(l->ctx, v->s, v->len, &u) == 0)
		st_url_facts(l->ctx, f->name, l->app, &u, &f->origin, ST_LAYER_FILE);
}

static void record_dict(struct loader *l, const char *suffix, const struct st_py_val *d, const struct st_py_val *top,
                        int depth)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct st_py_val *k = d->keys[i], *v = d->items[i];
		if (k->kind != ST_PY_STR && k->kind != ST_PY_INT)
			continue;
		const char *sub = k->kind == ST_PY_STR ? st_arena_printf(&l->ctx->arena, "%s.%s", suffix, k->s)
		                                       : st_arena_printf(&l->ctx->arena, "%s.%lld", suffix, (long long)k->i);
		if (!sub)
			return;
		if (v->kind == ST_PY_DICT) {
			if (depth < MAX_RECURSE)
				record_dict(l, sub, v, top, depth + 1);
		} else {
			record(l, sub, v, NULL, top);
		}
	}
}

/* The redis db number a cache alias uses: LOCATION's path, or OPTIONS.db (django-redis). */
static void record_redis_db(struct loader *l, const char *alias_suffix, const struct st_py_val *cache,
                            const struct st_py_val *top)
{
	struct st_ctx *ctx = l->ctx;
	const struct st_py_val *loc = st_py_dict_get(cache, "LOCATION");
	const struct st_py_val *backend = st_py_dict_get(cache, "BACKEND");
	const struct st_py_val *opts = st_py_dict_get(cache, "OPTIONS");
	const struct st_py_val *db = opts ? st_py_dict_get(opts, "db") : NULL;
	if (!db && opts)
		db = st_py_dict_get(opts, "DB");
	if (loc && (loc->kind == ST_PY_LIST || loc->kind == ST_PY_TUPLE) && loc->n)
		loc = loc->items[0];
	int is_redis = (backend && backend->kind == ST_PY_STR && strstr(backend->s, "edis")) ||
	               (loc && loc->kind == ST_PY_STR && (strncmp(loc->s, "redis", 5) == 0 || strncmp(loc->s, "unix:", 5) == 0));
	if (!is_redis)
		return;
	const char *suffix = st_arena_printf(&ctx->arena, "%s.redis_db", alias_suffix);
	if (!suffix)
		return;
	if (db && (db->kind == ST_PY_INT || (db->kind == ST_PY_STR && db->len && strspn(db->s, "0123456789") == db->len))) {
		struct st_py_val x = *db;
		if (x.kind == ST_PY_STR) {
			x.kind = ST_PY_INT;
			x.i = strtoll(db->s, NULL, 10);
		}
		record(l, suffix, &x, "OPTIONS db", top);
		return;
	}
	if (!loc || loc->kind != ST_PY_STR)
		return;
	struct st_url u;
	if (st_url_parse(ctx, loc->s, loc->len, &u) < 0)
		return;
	struct st_py_val x = *loc;
	x.kind = ST_PY_INT;
	x.secret = 0;
	x.detail_has_text = 0;
	if (u.database && *u.database && strspn(u.database, "0123456789") == strlen(u.database)) {
		x.i = strtoll(u.database, NULL, 10);
		record(l, suffix, &x, "db number from the LOCATION URL path", top);
	} else if (!u.database || !*u.database) {
		x.i = 0;
		record(l, suffix, &x, "no db number in the LOCATION URL: database 0", top);
	}
}

static void record_binding(struct loader *l, const char *name, const struct st_py_val *v);

static void record_settings(struct loader *l, const struct st_py_module *m)
{
	for (size_t i = 0; i < m->n && !l->ctx->oom; i++) {
		/* values the module bound first and replaced later: the chain shows them under the last one */
		for (size_t k = 0; k < m->b[i].n_earlier; k++)
			record_binding(l, m->b[i].name, m->b[i].earlier[k]);
		record_binding(l, m->b[i].name, m->b[i].val);
	}
}

static void record_binding(struct loader *l, const char *name, const struct st_py_val *v)
{
	struct st_ctx *ctx = l->ctx;
	{
		if (strcmp(name, "DATABASES") == 0 || strcmp(name, "CACHES") == 0) {
			if (v->kind != ST_PY_DICT) {
				record(l, name, v, NULL, v);
				return;
			}
			for (size_t k = 0; k < v->n; k++) {
				const struct st_py_val *key = v->keys[k], *alias = v->items[k];
				if (key->kind != ST_PY_STR)
					continue;
				const char *suffix = st_arena_printf(&ctx->arena, "%s.%s", name, key->s);
				if (!suffix)
					return;
				if (alias->kind != ST_PY_DICT) {
					record(l, suffix, alias, NULL, v);
					continue;
				}
				for (size_t j = 0; j < alias->n; j++) {
					const struct st_py_val *ak = alias->keys[j], *av = alias->items[j];
					if (ak->kind != ST_PY_STR)
						continue;
					const char *s2 = st_arena_printf(&ctx->arena, "%s.%s", suffix, ak->s);
					if (!s2)
						return;
					if (av->kind == ST_PY_DICT)
						record_dict(l, s2, av, v, 1);
					else if (name[0] == 'C' && strcmp(ak->s, "LOCATION") == 0)
						record_url(l, s2, av, v);
					else
						record(l, s2, av, NULL, v);
				}
				if (name[0] == 'C')
					record_redis_db(l, suffix, alias, v);
			}
		} else if (strcmp(name, "REST_FRAMEWORK") == 0 && v->kind == ST_PY_DICT) {
			static const char *const keys[] = {"DEFAULT_PAGINATION_CLASS", "PAGE_SIZE", NULL};
			for (const char *const *k = keys; *k; k++) {
				const struct st_py_val *x = st_py_dict_get(v, *k);
				if (x)
					record(l, st_arena_printf(&ctx->arena, "REST_FRAMEWORK.%s", *k), x, NULL, v);
			}
		} else if (strcmp(name, "CELERY_BROKER_URL") == 0 || strcmp(name, "CELERY_RESULT_BACKEND") == 0 ||
		           strcmp(name, "BROKER_URL") == 0 || strcmp(name, "CELERY_CACHE_BACKEND") == 0) {
			record_url(l, name, v, v);
		} else if (strncmp(name, "CELERY_", 7) == 0 || strcmp(name, "DEBUG") == 0 ||
		           strcmp(name, "ALLOWED_HOSTS") == 0 || strcmp(name, "SECRET_KEY") == 0 ||
		           strncmp(name, "SESSION_", 8) == 0 || strcmp(name, "CONN_MAX_AGE") == 0) {
			if (v->kind == ST_PY_DICT || v->kind == ST_PY_ENV)
				return;
			struct st_fact *f = record(l, name, v, NULL, v);
			if (f && strcmp(name, "CELERY_WORKER_CONCURRENCY") == 0) {
				/* app.config_from_object('django.conf:settings', namespace='CELERY') makes it the worker's */
				const char *cn = st_arena_printf(&ctx->arena, "%s.celery.concurrency", l->app);
				struct st_origin o = f->origin;
				o.detail = join(ctx, o.detail, "CELERY_WORKER_CONCURRENCY in the Django settings");
				if (cn)
					st_fact_set(ctx, cn, l->app, f->value, &o, ST_LAYER_FILE);
			}
		}
	}
}

int st_pysettings_load(struct st_ctx *ctx, const struct st_file *f)
{
	if (!f || !f->data || !f->path)
		return -1;
	/* *settings*.py names are also used by app-level settings helpers: only Django-looking modules count */
	if (!strstr(f->data, "DATABASES") && !strstr(f->data, "INSTALLED_APPS") && !strstr(f->data, "import *") &&
	    !strstr(f->data, "CACHES") && !strstr(f->data, "CELERY_"))
		return 0;
	struct loader l = {.ctx = ctx, .f = f};
	l.app = st_app_name(ctx, f->path);
	l.prefix = l.app ? st_arena_printf(&ctx->arena, "%s.django.", l.app) : NULL;
	if (!l.prefix)
		return ctx->oom = 1, -1;
	struct active act = {0};
	int is_active = 0;
	if (find_active(&l, &act) == 0) {
		int r = in_active(&l, &act, &is_active);
		if (r == 0) {
			struct st_origin o = st_origin_file(f->path, 0, 0);
			st_diag(ctx, ST_SEV_INFO, &o,
			        "not the active settings module (DJANGO_SETTINGS_MODULE is %s) nor imported by it: its values "
			        "are not recorded",
			        act.module);
			return 0;
		}
	}
	struct st_py_hooks h = {.user = &l, .getenv = hook_getenv, .cpus = hook_cpus, .import_module = hook_import};
	struct st_py_module m;
	if (st_py_scan(ctx, f, &h, &m) < 0)
		return -1;
	if (is_active) {
		const char *name = st_arena_printf(&ctx->arena, "%ssettings_module", l.prefix);
		if (name)
			st_app_fact_once(ctx, name, l.app, st_value_string(act.module), &act.origin, ST_LAYER_FILE);
	}
	/* the modules it imports (from .base import *) are read first: what it sets again overrides them */
	for (size_t i = 0; i < m.n_imported; i++) {
		const char *rn = st_arena_printf(&ctx->arena, "reads.%s", m.imported[i]);
		struct st_origin o = st_origin_file(f->path, 0, 0);
		o.detail = "imports it (from ... import *)";
		if (rn)
			st_app_fact_once(ctx, rn, NULL, st_value_string(f->path), &o, ST_LAYER_FILE);
	}
	record_settings(&l, &m);
	return ctx->oom ? -1 : 0;
}
