/* Dead configuration: for every environment variable the repository defines (.env files, compose environment:
 * and env_file:, Dockerfile ENV, shell `export`), who reads it, from the loaders' envidx.* facts and a table of
 * implicit readers (libpq, the Go runtime, official images ...). Facts:
 *   envvar.<VAR>.readers  production readers (explicit + implicit), computed; origin detail names the first ones;
 *   envvar.<VAR>.unread   true when nothing reads it (from = its definitions);
 *   deadconfig.unread.<VAR>    the config-unread message for tuning-like names (pool, max, timeout ...), with the
 *                              knob that really governs it when the library is known;
 *   deadconfig.computed.<path> a file that reads the environment through a computed name and so may read the
 *                              tuning-like variables defined above it: they are not reported, and this says why. */
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "model_internal.h"
#include "stacktune/loaders.h"

/* Implicit readers: variables read by software whose code is not in the repository. A row applies when its
 * `requires` fact glob matches a fact (and, after '=', that fact's text equals the value); NULL = always. */
struct implicit {
	const char *pattern; /* exact name, or a prefix ending in '*' */
	const char *reader;
	const char *requires;
};

static const struct implicit implicit_readers[] = {
    /* libpq (and psql, psycopg, pgx, node-postgres, which read the same variables) */
    {"PGHOST", "libpq", NULL}, {"PGHOSTADDR", "libpq", NULL}, {"PGPORT", "libpq", NULL},
    {"PGDATABASE", "libpq", NULL}, {"PGUSER", "libpq", NULL}, {"PGPASSWORD", "libpq", NULL},
    {"PGPASSFILE", "libpq", NULL}, {"PGSERVICE", "libpq", NULL}, {"PGSERVICEFILE", "libpq", NULL},
    {"PGOPTIONS", "libpq", NULL}, {"PGAPPNAME", "libpq", NULL}, {"PGSSLMODE", "libpq", NULL},
    {"PGREQUIRESSL", "libpq", NULL}, {"PGSSLCOMPRESSION", "libpq", NULL}, {"PGSSLCERT", "libpq", NULL},
    {"PGSSLKEY", "libpq", NULL}, {"PGSSLROOTCERT", "libpq", NULL}, {"PGSSLCRL", "libpq", NULL},
    {"PGSSLCRLDIR", "libpq", NULL}, {"PGSSLSNI", "libpq", NULL}, {"PGREQUIREPEER", "libpq", NULL},
    {"PGSSLMINPROTOCOLVERSION", "libpq", NULL}, {"PGSSLMAXPROTOCOLVERSION", "libpq", NULL},
    {"PGGSSENCMODE", "libpq", NULL}, {"PGKRBSRVNAME", "libpq", NULL}, {"PGGSSLIB", "libpq", NULL},
    {"PGCONNECT_TIMEOUT", "libpq", NULL}, {"PGCLIENTENCODING", "libpq", NULL},
    {"PGTARGETSESSIONATTRS", "libpq", NULL}, {"PGLOADBALANCEHOSTS", "libpq", NULL},
    {"PGCHANNELBINDING", "libpq", NULL}, {"PGREQUIREAUTH", "libpq", NULL}, {"PGDATESTYLE", "libpq", NULL},
    {"PGTZ", "libpq", NULL}, {"PGGEQO", "libpq", NULL}, {"PGSYSCONFDIR", "libpq", NULL},
    {"PGLOCALEDIR", "libpq", NULL}, {"PGDATA", "the PostgreSQL server", NULL},
    /* process servers and runtimes */
    {"WEB_CONCURRENCY", "Gunicorn (default --workers) and Heroku-style Node launchers", NULL},
    {"GUNICORN_CMD_ARGS", "Gunicorn", NULL},
    {"UVICORN_*", "Uvicorn (options from the environment)", NULL},
    {"NODE_ENV", "Node.js libraries (Express, React, Next.js)", NULL},
    {"NODE_OPTIONS", "Node.js", NULL},
    {"NODE_EXTRA_CA_CERTS", "Node.js", NULL},
    {"UV_THREADPOOL_SIZE", "libuv (Node.js)", NULL},
    {"NEXT_PUBLIC_*", "Next.js (inlined into the client bundle)", NULL},
    {"VITE_*", "Vite (import.meta.env)", NULL},
    {"REACT_APP_*", "Create React App", NULL},
    {"GOMAXPROCS", "the Go runtime", NULL}, {"GOGC", "the Go runtime", NULL},
    {"GOMEMLIMIT", "the Go runtime", NULL}, {"GODEBUG", "the Go runtime", NULL},
    {"GOTRACEBACK", "the Go runtime", NULL},
    {"PYTHON*", "the Python interpreter", NULL},
    {"MALLOC_*", "glibc malloc", NULL},
    {"TZ", "the C library", NULL}, {"LANG", "the C library", NULL}, {"LC_*", "the C library", NULL},
    {"DJANGO_SETTINGS_MODULE", "Django", NULL},
    {"CELERY_*", "Celery (environment and the CELERY settings namespace)", "*.celery.concurrency"},
    {"COMPOSE_*", "docker compose", NULL}, {"DOCKER_*", "the Docker CLI", NULL},
    /* official images read their own variables */
    {"POSTGRES_*", "the official postgres image", "*.kind=postgresql"},
    {"MYSQL_*", "the official mysql / mariadb image", "*.kind=mysql"},
    {"MYSQL_*", "the official mysql / mariadb image", "*.kind=mariadb"},
    {"MARIADB_*", "the official mariadb image", "*.kind=mariadb"},
    {"REDIS_*", "the redis image", "*.kind=redis"},
    {"PGBOUNCER_*", "the pgbouncer image", "*.kind=pgbouncer"},
    /* DATABASE_URL where a library present reads it without naming it in code */
    {"DATABASE_URL", "Prisma (datasource url)", "*.prisma.provider"},
};

/* Words of a variable name (split at '_') that mark a tuning knob. */
static const char *const tuning_words[] = {
    "POOL",   "CONN",    "CONNS",   "CONNECTION",  "CONNECTIONS", "MAX",  "MIN",   "TIMEOUT", "TIMEOUTS",
    "WORKER", "WORKERS", "THREAD",  "THREADS",     "CONCURRENCY", "SIZE", "LIMIT", "LIMITS",  "CACHE",
    "MAXCONN", "POOLSIZE", "MAXCONNS", "IDLE",     "LIFETIME",    NULL};

/* Knobs that govern a pool or process count, by application fact (relative to the application's prefix). */
struct knob {
	const char *fact;
	const char *words; /* the variable must contain one of these words ('|'-separated) */
	const char *says;  /* "<library> sizes ... from <knob>" */
	const char *set;   /* what to set instead */
};

static const struct knob knobs[] = {
    {"prisma.pool.max", "POOL|CONN|CONNS|CONNECTION|CONNECTIONS|MAXCONN|POOLSIZE",
     "Prisma sizes its pool from connection_limit in %s", "connection_limit in %s"},
    {"go.pool.max_open", "POOL|CONN|CONNS|CONNECTION|CONNECTIONS|MAXCONN|POOLSIZE",
     "database/sql sizes its pool with SetMaxOpenConns", "the value passed to SetMaxOpenConns"},
    {"node.pool.max", "POOL|CONN|CONNS|CONNECTION|CONNECTIONS|MAXCONN|POOLSIZE", "the pool is sized by its max option",
     "the pool's max option"},
    {"gunicorn.workers", "WORKERS|CONCURRENCY", "Gunicorn takes its worker count from --workers",
     "--workers (or WEB_CONCURRENCY)"},
    {"celery.concurrency", "WORKERS|CONCURRENCY", "Celery takes its pool size from --concurrency",
     "--concurrency"},
};

struct def {
	const char *var;
	const struct st_fact *f;
	const char *dir;    /* the directory of the defining file ("" at the root) */
	const char *prefix; /* application prefix: the compose service, else the file's top directory */
};

struct defs {
	struct def *v;
	size_t n, cap;
};

static int valid_var(const char *s)
{
	if (!*s || !(s[0] == '_' || (s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z')))
		return 0;
	for (const char *p = s; *p; p++)
		if (!(*p == '_' || (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')))
			return 0;
	return 1;
}

static const char *dir_of(struct st_ctx *ctx, const char *path)
{
	const char *slash = path ? strrchr(path, '/') : NULL;
	return slash ? st_arena_strndup(&ctx->arena, path, (size_t)(slash - path)) : "";
}

static const char *top_of(struct st_ctx *ctx, const char *path)
{
	const char *slash = path ? strchr(path, '/') : NULL;
	return slash ? st_arena_strndup(&ctx->arena, path, (size_t)(slash - path)) : "app";
}

static void add_def(struct st_ctx *ctx, struct defs *d, const char *var, const struct st_fact *f, const char *prefix)
{
	for (size_t i = 0; i < d->n; i++) /* a compose env_file entry repeats the .env file's definition */
		if (strcmp(d->v[i].var, var) == 0 && d->v[i].f->origin.line == f->origin.line &&
		    d->v[i].f->origin.col == f->origin.col && strcmp(d->v[i].f->origin.file, f->origin.file) == 0)
			return;
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 64;
		struct def *nv = realloc(d->v, cap * sizeof(*nv));
		if (!nv) {
			ctx->oom = 1;
			return;
		}
		d->v = nv;
		d->cap = cap;
	}
	d->v[d->n++] = (struct def){.var = var, .f = f, .dir = dir_of(ctx, f->origin.file), .prefix = prefix};
}

/* Definitions from the facts of the dotenv and compose loaders and envidx.def.*. */
static void collect_defs(struct st_ctx *ctx, const struct st_fact_entry **all, size_t n_all, struct defs *d)
{
	for (size_t i = 0; i < n_all; i++) {
		const char *name = all[i]->name;
		for (size_t k = 0; k < all[i]->n; k++) {
			const struct st_fact *f = all[i]->chain[k];
			if (f->origin.kind != ST_ORIGIN_FILE || !f->origin.file)
				continue;
			size_t fl = strlen(f->origin.file);
			if (strncmp(name, "envidx.def.", 11) == 0 && valid_var(name + 11)) {
				add_def(ctx, d, name + 11, f, top_of(ctx, f->origin.file));
			} else if (!f->component && strncmp(name, "env.", 4) == 0 && strncmp(name + 4, f->origin.file, fl) == 0 &&
			           name[4 + fl] == '.' && valid_var(name + 5 + fl)) {
				add_def(ctx, d, name + 5 + fl, f, top_of(ctx, f->origin.file));
			} else if (f->component && f->layer == ST_LAYER_ENVIRONMENT) {
				size_t cl = strlen(f->component);
				if (strncmp(name, f->component, cl) == 0 && strncmp(name + cl, ".env.", 5) == 0 &&
				    valid_var(name + cl + 5))
					add_def(ctx, d, name + cl + 5, f, f->component);
			}
		}
	}
}

static int cmp_def(const void *a, const void *b)
{
	const struct def *x = a, *y = b;
	int c = strcmp(x->var, y->var);
	if (c)
		return c;
	c = strcmp(x->f->origin.file, y->f->origin.file);
	return c ? c : (x->f->origin.line > y->f->origin.line) - (x->f->origin.line < y->f->origin.line);
}

static int pattern_matches(const char *pattern, const char *var)
{
	size_t pl = strlen(pattern);
	if (pl && pattern[pl - 1] == '*')
		return strncmp(pattern, var, pl - 1) == 0;
	return strcmp(pattern, var) == 0;
}

/* 1 when some fact matches glob (and, with "=value", holds that text). */
static int requirement_met(const struct st_fact_entry **all, size_t n_all, const char *req)
{
	char glob[128];
	const char *eq = strchr(req, '=');
	size_t gl = eq ? (size_t)(eq - req) : strlen(req);
	if (gl >= sizeof glob)
		return 0;
	memcpy(glob, req, gl);
	glob[gl] = '\0';
	for (size_t i = 0; i < n_all; i++) {
		if (fnmatch(glob, all[i]->name, 0) != 0)
			continue;
		const struct st_fact *f = all[i]->chain[all[i]->n - 1];
		if (!eq || (f->value.kind == ST_VAL_STRING && f->value.text && strcmp(f->value.text, eq + 1) == 0))
			return 1;
	}
	return 0;
}

static int is_tuning(const char *var)
{
	for (const char *p = var; *p;) {
		size_t n = strcspn(p, "_");
		for (const char *const *w = tuning_words; *w; w++)
			if (strlen(*w) == n && strncasecmp(*w, p, n) == 0)
				return 1;
		p += n;
		while (*p == '_')
			p++;
	}
	return 0;
}

static int has_word(const char *var, const char *words)
{
	for (const char *w = words; *w;) {
		size_t wl = strcspn(w, "|");
		for (const char *p = var; *p;) {
			size_t n = strcspn(p, "_");
			if (n == wl && strncasecmp(w, p, n) == 0)
				return 1;
			p += n;
			while (*p == '_')
				p++;
		}
		w += wl;
		while (*w == '|')
			w++;
	}
	return 0;
}

static const struct st_fact *fact2(struct st_ctx *ctx, const char *a, const char *b)
{
	const char *n = st_arena_printf(&ctx->arena, "%s.%s", a, b);
	return n ? st_fact_get(ctx, n) : NULL;
}

static struct st_fact *set_fact(struct st_ctx *ctx, const char *name, struct st_value v, const struct st_origin *o,
                                const struct st_fact *const *from, size_t n_from)
{
	struct st_fact *f = name ? st_fact_set(ctx, name, NULL, v, o, ST_LAYER_DEFAULT) : NULL;
	if (!f) {
		ctx->oom = 1;
		return NULL;
	}
	if (n_from) {
		const struct st_fact **keep = st_arena_alloc(&ctx->arena, n_from * sizeof(*keep));
		if (!keep) {
			ctx->oom = 1;
			return f;
		}
		for (size_t i = 0; i < n_from; i++)
			if (from[i])
				keep[f->n_from++] = from[i];
		f->from = keep;
	}
	return f;
}

static void where(struct st_buf *b, const struct st_origin *o)
{
	if (o->kind == ST_ORIGIN_FILE)
		st_buf_printf(b, "%s:%u", o->file, o->line);
	else
		st_origin_format(b, o);
}

/* The sentence about the knob that really governs a pool-like variable, and the knob fact; 0 when unknown. */
static const struct st_fact *knob_sentence(struct st_ctx *ctx, const char *prefix, const char *var, struct st_buf *b,
                                           const struct st_fact **loc_fact)
{
	*loc_fact = NULL;
	for (size_t k = 0; k < sizeof knobs / sizeof knobs[0]; k++) {
		const struct knob *kn = &knobs[k];
		if (!has_word(var, kn->words))
			continue;
		const struct st_fact *f = fact2(ctx, prefix, kn->fact);
		if (!f)
			continue;
		const char *url_env = NULL;
		struct st_buf loc = {0};
		if (strcmp(kn->fact, "prisma.pool.max") == 0) {
			const struct st_fact *ue = fact2(ctx, prefix, "prisma.url_env");
			url_env = ue && ue->value.kind == ST_VAL_STRING ? ue->value.text : NULL;
			const struct st_fact *host = fact2(ctx, prefix, "prisma.host");
			st_buf_puts(&loc, url_env ? url_env : "the datasource URL");
			if (host && host->origin.kind == ST_ORIGIN_FILE) {
				*loc_fact = host;
				st_buf_puts(&loc, " (");
				where(&loc, &host->origin);
				st_buf_puts(&loc, ")");
			}
		}
		st_buf_puts(b, " ");
		const char *says = kn->says;
		const char *ps = strstr(says, "%s");
		if (ps) {
			st_buf_put(b, says, (size_t)(ps - says));
			st_buf_puts(b, st_buf_cstr(&loc));
			st_buf_puts(b, ps + 2);
		} else {
			st_buf_puts(b, says);
		}
		if (f->origin.kind == ST_ORIGIN_DEFAULT) {
			st_buf_puts(b, "; today that is the default");
			if (f->origin.detail && strstr(f->origin.detail, "2 x CPUs + 1"))
				st_buf_puts(b, " 2 x CPUs + 1");
			st_buf_puts(b, " = ");
		} else {
			st_buf_puts(b, " (");
			where(b, &f->origin);
			st_buf_puts(b, "); today that is ");
		}
		st_value_format(b, &f->value);
		if (strcmp(kn->fact, "go.pool.max_open") == 0 && f->value.kind == ST_VAL_INT && f->value.i == 0)
			st_buf_puts(b, " (unlimited)");
		/* a size within the connection budget: 80% of what the one database server accepts, per instance */
		const struct st_fact *usable = NULL;
		size_t n_usable = 0;
		const struct st_facts *fs = &ctx->facts;
		const char *suffix = ".usable_connections";
		size_t sl = strlen(suffix);
		for (size_t i = 0; i < fs->n_slots; i++) {
			const struct st_fact_entry *e = &fs->slots[i];
			size_t nl = e->name ? strlen(e->name) : 0;
			if (e->n && nl > sl && strcmp(e->name + nl - sl, suffix) == 0 &&
			    e->chain[e->n - 1]->value.kind == ST_VAL_INT) {
				usable = e->chain[e->n - 1];
				n_usable++;
			}
		}
		st_buf_puts(b, ". Set ");
		const char *sp = strstr(kn->set, "%s");
		if (sp) {
			st_buf_put(b, kn->set, (size_t)(sp - kn->set));
			st_buf_puts(b, url_env ? url_env : "the datasource URL");
			st_buf_puts(b, sp + 2);
		} else {
			st_buf_puts(b, kn->set);
		}
		if (n_usable == 1 && usable->value.i > 0 && strstr(kn->fact, "pool")) {
			const struct st_fact *rep = fact2(ctx, prefix, "replicas");
			int64_t inst = rep && rep->value.kind == ST_VAL_INT && rep->value.i > 0 ? rep->value.i : 1;
			int64_t share = usable->value.i * 8 / 10 / inst;
			int64_t cur = f->value.kind == ST_VAL_INT && f->value.i > 0 ? f->value.i : share;
			int64_t prop = cur < share ? cur : share;
			if (prop < 1)
				prop = 1;
			st_buf_printf(b, " instead, sized within the connection budget: at most %lld per instance "
			                 "(80%% of the %lld connections the server accepts",
			              (long long)prop, (long long)usable->value.i);
			if (inst > 1)
				st_buf_printf(b, ", over %lld instances", (long long)inst);
			st_buf_puts(b, ")");
			if (url_env)
				st_buf_printf(b, ", e.g. ?connection_limit=%lld", (long long)prop);
		} else {
			st_buf_puts(b, " instead");
		}
		st_buf_free(&loc);
		return f;
	}
	return NULL;
}

/* 1 when dir is path's directory or one of its ancestors. */
static int dir_covers(const char *dir, const char *path)
{
	size_t dl = strlen(dir);
	return dl == 0 || (strncmp(dir, path, dl) == 0 && path[dl] == '/');
}

void st_model_deadconfig(struct st_ctx *ctx, const struct st_stack *s)
{
	(void)s;
	size_t n_all = 0;
	const struct st_fact_entry **all = st_fact_sorted(ctx, &n_all);
	if (!all)
		return;
	struct defs d = {0};
	collect_defs(ctx, all, n_all, &d);
	if (!d.n) {
		free(d.v);
		return;
	}
	qsort(d.v, d.n, sizeof(*d.v), cmp_def);
	enum { N_IMPLICIT = sizeof implicit_readers / sizeof implicit_readers[0] };
	signed char met[N_IMPLICIT];
	memset(met, -1, sizeof met);
	/* the prefix reads and computed-name files, gathered once */
	const struct st_fact_entry **prefixes = st_arena_alloc(&ctx->arena, n_all * sizeof(*prefixes));
	const struct st_fact_entry **computed = st_arena_alloc(&ctx->arena, n_all * sizeof(*computed));
	size_t n_prefixes = 0, n_computed = 0;
	for (size_t i = 0; prefixes && computed && i < n_all; i++) {
		if (strncmp(all[i]->name, "envidx.prefix.", 14) == 0)
			prefixes[n_prefixes++] = all[i];
		else if (strncmp(all[i]->name, "envidx.computed.", 16) == 0)
			computed[n_computed++] = all[i];
	}
	/* per computed file: the tuning variables it keeps from being reported */
	struct st_buf *kept = n_computed ? calloc(n_computed, sizeof(*kept)) : NULL;
	const struct st_fact ***kept_from = n_computed ? calloc(n_computed, sizeof(*kept_from)) : NULL;
	size_t *n_kept = n_computed ? calloc(n_computed, sizeof(*n_kept)) : NULL;
	if (n_computed && (!kept || !kept_from || !n_kept)) {
		ctx->oom = 1;
		n_computed = 0;
	}

	for (size_t i = 0; i < d.n;) {
		size_t j = i;
		while (j < d.n && strcmp(d.v[j].var, d.v[i].var) == 0)
			j++;
		const char *var = d.v[i].var;
		struct st_buf detail = {0};
		int64_t readers = 0;
		const struct st_fact *from[16];
		size_t n_from = 0;
		const char *rn = st_arena_printf(&ctx->arena, "envidx.read.%s", var);
		const struct st_fact_entry *re = rn ? st_fact_entry(ctx, rn) : NULL;
		if (re) {
			readers += (int64_t)re->n;
			for (size_t k = 0; k < re->n; k++) {
				if (n_from < 16)
					from[n_from++] = re->chain[k];
				if (k < 3) {
					st_buf_puts(&detail, detail.len ? "; " : "");
					st_buf_printf(&detail, "%s at ", re->chain[k]->value.text ? re->chain[k]->value.text : var);
					where(&detail, &re->chain[k]->origin);
				}
			}
			if (re->n > 3)
				st_buf_printf(&detail, "; %zu more", re->n - 3);
		}
		for (size_t k = 0; k < n_prefixes; k++) {
			const char *p = prefixes[k]->name + 14;
			if (strncmp(var, p, strlen(p)) != 0)
				continue;
			const struct st_fact *pf = prefixes[k]->chain[0];
			readers++;
			if (n_from < 16)
				from[n_from++] = pf;
			st_buf_puts(&detail, detail.len ? "; " : "");
			st_buf_printf(&detail, "%s at ", pf->value.text ? pf->value.text : p);
			where(&detail, &pf->origin);
		}
		for (size_t k = 0; k < N_IMPLICIT; k++) {
			const struct implicit *im = &implicit_readers[k];
			if (!pattern_matches(im->pattern, var))
				continue;
			if (met[k] < 0)
				met[k] = (signed char)(!im->requires || requirement_met(all, n_all, im->requires));
			if (!met[k])
				continue;
			readers++;
			st_buf_puts(&detail, detail.len ? "; " : "");
			st_buf_printf(&detail, "implicit: %s", im->reader);
			break;
		}
		/* a variable in the environment: of an image service (not built here) is read by that image */
		for (size_t k = i; k < j; k++) {
			const struct st_fact *f = d.v[k].f;
			/* only `environment:` entries written for that service, not a shared env_file */
			if (!f->component || f->layer != ST_LAYER_ENVIRONMENT || !fact2(ctx, f->component, "image") ||
			    st_dotenv_match(f->origin.file, NULL, NULL, 0) == ST_MATCH_YES)
				continue;
			int built = 0;
			for (size_t a = 0; a < n_all && !built; a++) {
				const struct st_fact *lf = all[a]->chain[all[a]->n - 1];
				built = strncmp(all[a]->name, "link.app.", 9) == 0 && lf->value.kind == ST_VAL_STRING &&
				        lf->value.text && strcmp(lf->value.text, f->component) == 0;
			}
			if (built)
				continue;
			readers++;
			st_buf_puts(&detail, detail.len ? "; " : "");
			st_buf_printf(&detail, "implicit: the %s image of service %s", fact2(ctx, f->component, "image")->value.text
			                  ? fact2(ctx, f->component, "image")->value.text : "", f->component);
			break;
		}
		struct st_origin co = {.kind = ST_ORIGIN_COMPUTED,
		                       .detail = st_arena_strdup(&ctx->arena, detail.len ? st_buf_cstr(&detail) : "no reader found")};
		set_fact(ctx, st_arena_printf(&ctx->arena, "envvar.%s.readers", var), st_value_int(readers), &co, from, n_from);
		st_buf_free(&detail);
		if (readers) {
			i = j;
			continue;
		}
		const struct st_fact *defs_from[16];
		size_t n_defs = 0;
		for (size_t k = i; k < j && n_defs < 16; k++)
			defs_from[n_defs++] = d.v[k].f;
		struct st_origin uo = {.kind = ST_ORIGIN_COMPUTED, .detail = "no code in the repository reads it"};
		/* a file that reads a computed name below a definition's directory may read it */
		size_t explained = n_computed;
		for (size_t c = 0; c < n_computed && explained == n_computed; c++) {
			const char *cpath = computed[c]->name + 16;
			for (size_t k = i; k < j; k++)
				if (dir_covers(d.v[k].dir, cpath))
					explained = c;
		}
		if (explained < n_computed)
			uo.detail = st_arena_printf(&ctx->arena, "may be read: %s reads %s", computed[explained]->name + 16,
			                            computed[explained]->chain[0]->value.text);
		else
			set_fact(ctx, st_arena_printf(&ctx->arena, "envvar.%s.unread", var), st_value_bool(1), &uo, defs_from,
			         n_defs);
		if (!is_tuning(var)) {
			i = j;
			continue;
		}
		if (explained < n_computed) {
			struct st_buf *kb = &kept[explained];
			st_buf_puts(kb, kb->len ? ", " : "");
			st_buf_puts(kb, var);
			const struct st_fact **nk = realloc(kept_from[explained], (n_kept[explained] + 1) * sizeof(*nk));
			if (nk) {
				nk[n_kept[explained]++] = d.v[i].f;
				kept_from[explained] = nk;
			}
			i = j;
			continue;
		}
		/* the config-unread message */
		struct st_buf m = {0};
		const struct st_fact *f0 = d.v[i].f;
		st_buf_printf(&m, "%s = ", var);
		st_value_format(&m, &f0->value);
		st_buf_puts(&m, " (");
		where(&m, &f0->origin);
		if (j - i > 1)
			st_buf_printf(&m, " and %zu more", j - i - 1);
		st_buf_puts(&m, ") has no effect: no code in the repository reads it");
		const char *tn = st_arena_printf(&ctx->arena, "envidx.testread.%s", var);
		const struct st_fact_entry *te = tn ? st_fact_entry(ctx, tn) : NULL;
		if (te) {
			st_buf_puts(&m, " (only tests read it: ");
			where(&m, &te->chain[0]->origin);
			st_buf_puts(&m, "; tests do not count)");
		}
		st_buf_puts(&m, ".");
		const struct st_fact *loc = NULL;
		const struct st_fact *knob = knob_sentence(ctx, d.v[i].prefix, var, &m, &loc);
		if (knob) {
			st_buf_puts(&m, ".");
			if (n_defs < 16)
				defs_from[n_defs++] = knob;
			if (loc && n_defs < 16)
				defs_from[n_defs++] = loc;
		} else {
			st_buf_puts(&m, " Remove it, or wire it to the setting it was meant for.");
		}
		struct st_origin mo = {.kind = ST_ORIGIN_COMPUTED, .detail = "environment-variable readers"};
		if (!m.failed)
			set_fact(ctx, st_arena_printf(&ctx->arena, "deadconfig.unread.%s", var),
			         st_value_string(st_arena_strdup(&ctx->arena, st_buf_cstr(&m))), &mo, defs_from, n_defs);
		else
			ctx->oom = 1;
		st_buf_free(&m);
		i = j;
	}
	for (size_t c = 0; c < n_computed; c++) {
		if (kept[c].len) {
			const struct st_fact *cf = computed[c]->chain[0];
			const char *msg = st_arena_printf(
			    &ctx->arena,
			    "%s:%u reads the environment through %s, so it may read %s; they are not reported as unread",
			    cf->origin.file, cf->origin.line, cf->value.text ? cf->value.text : "a computed name",
			    st_buf_cstr(&kept[c]));
			const struct st_fact **fr = kept_from[c];
			size_t nf = n_kept[c] < 15 ? n_kept[c] : 15;
			const struct st_fact *from2[16];
			from2[0] = cf;
			for (size_t k = 0; k < nf; k++)
				from2[k + 1] = fr[k];
			struct st_origin o = cf->origin;
			set_fact(ctx, st_arena_printf(&ctx->arena, "deadconfig.computed.%s", cf->origin.file),
			         st_value_string(msg), &o, from2, nf + 1);
		}
		st_buf_free(&kept[c]);
		free(kept_from[c]);
	}
	free(kept);
	free(kept_from);
	free(n_kept);
	free(d.v);
}
