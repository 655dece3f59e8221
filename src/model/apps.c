/* Application components and the connection budget: who runs how many processes with what pool, against
 * which database server. Each client adds instances x processes x connections per process; a PgBouncer in
 * between takes the clients and opens only its own pools to the server. */
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include "model_internal.h"

/* One row per kind of application process, found by its signature fact "<prefix>.<signature>". */
struct app_kind {
	const char *kind;
	int64_t process_mb; /* assumed resident memory per process (MB) when nothing says otherwise */
	const char *signature; /* the fact that reveals the component */
	const char *procs;     /* processes per instance, NULL = 1 */
	const char *threads;   /* connections per process for thread-per-request servers, NULL = 1 */
	const char *pool;      /* connections per process from a pool setting; NULL: one per thread */
	const char *id_suffix;
	const char *what;      /* words for the budget line */
};

static const struct app_kind app_kinds[] = {
	{"gunicorn", 150, "gunicorn.workers", "gunicorn.workers", "gunicorn.threads", NULL, "", "Gunicorn workers x threads"},
	{"uwsgi", 150, "uwsgi.processes", "uwsgi.processes", "uwsgi.threads", NULL, "/uwsgi", "uWSGI processes x threads"},
	{"uvicorn", 150, "uvicorn.workers", "uvicorn.workers", NULL, NULL, "/uvicorn", "Uvicorn workers"},
	{"celery", 200, "celery.concurrency", "celery.concurrency", NULL, NULL, "/celery", "Celery worker processes"},
	{"go", 64, "go.pool.max_open", NULL, NULL, "go.pool.max_open", "", "database/sql MaxOpenConns"},
	{"node", 150, "prisma.pool.max", NULL, NULL, "prisma.pool.max", "", "Prisma connection_limit"},
	{"node", 150, "node.pool.max", NULL, NULL, "node.pool.max", "/pool", "Node pool max"},
};

int st_model_is_app_kind(const char *kind)
{
	static const char *const kinds[] = {"go", "node", "gunicorn", "celery", "uwsgi", "uvicorn", "django", "app", NULL};
	for (const char *const *k = kinds; *k; k++)
		if (strcmp(*k, kind) == 0)
			return 1;
	return 0;
}

static const struct st_fact *pfact(struct st_ctx *ctx, const char *prefix, const char *name)
{
	const char *full = name ? st_arena_printf(&ctx->arena, "%s.%s", prefix, name) : NULL;
	return full ? st_fact_get(ctx, full) : NULL;
}

void st_model_apps(struct st_ctx *ctx, struct st_stack *s, size_t *cap)
{
	const struct st_facts *fs = &ctx->facts;
	for (size_t i = 0; i < fs->n_slots; i++) {
		const struct st_fact_entry *e = &fs->slots[i];
		if (!e->name || !e->n)
			continue;
		size_t nl = strlen(e->name);
		for (size_t k = 0; k < sizeof(app_kinds) / sizeof(app_kinds[0]); k++) {
			const struct app_kind *ak = &app_kinds[k];
			size_t sl = strlen(ak->signature);
			if (nl <= sl + 1 || e->name[nl - sl - 1] != '.' || strcmp(e->name + nl - sl, ak->signature) != 0)
				continue;
			const char *prefix = st_arena_strndup(&ctx->arena, e->name, nl - sl - 1);
			const char *id = prefix ? st_arena_printf(&ctx->arena, "%s%s", prefix, ak->id_suffix) : NULL;
			if (!id) {
				ctx->oom = 1;
				return;
			}
			st_model_add(ctx, s, cap, id, prefix, ak->kind, &e->chain[e->n - 1]->origin);
		}
	}
}

static const struct app_kind *kind_row(const struct st_component *c, struct st_ctx *ctx)
{
	for (size_t k = 0; k < sizeof(app_kinds) / sizeof(app_kinds[0]); k++) {
		const struct app_kind *ak = &app_kinds[k];
		if (strcmp(ak->kind, c->kind) != 0)
			continue;
		if (pfact(ctx, c->prefix, ak->signature))
			return ak;
	}
	return NULL;
}

static int is_db(const char *kind)
{
	return strcmp(kind, "postgresql") == 0 || strcmp(kind, "mysql") == 0 || strcmp(kind, "mariadb") == 0;
}

static const char *str_of(const struct st_fact *f)
{
	return f && f->value.kind == ST_VAL_STRING && !f->value.secret ? f->value.text : NULL;
}

/* Which database family a client speaks: "postgresql", "mysql" or NULL when unknown; and its host. */
static const char *client_family(struct st_ctx *ctx, const struct st_component *c, const char **host, int *via_pgbouncer)
{
	const char *p = c->prefix, *hint = NULL;
	*host = NULL;
	*via_pgbouncer = 0;
	if (strcmp(c->kind, "go") == 0) {
		hint = str_of(pfact(ctx, p, "go.driver"));
	} else if (strcmp(c->kind, "node") == 0) {
		hint = str_of(pfact(ctx, p, "prisma.provider"));
		if (!hint)
			hint = str_of(pfact(ctx, p, "node.pool.library"));
		const struct st_fact *pgb = pfact(ctx, p, "prisma.pgbouncer");
		*via_pgbouncer = pgb && pgb->value.kind == ST_VAL_BOOL && pgb->value.i;
		*host = str_of(pfact(ctx, p, "prisma.host"));
	} else {
		hint = str_of(pfact(ctx, p, "django.DATABASES.default.ENGINE"));
		*host = str_of(pfact(ctx, p, "django.DATABASES.default.HOST"));
	}
	if (!hint)
		return NULL;
	if (strstr(hint, "mysql") || strstr(hint, "maria"))
		return "mysql";
	if (strstr(hint, "postgres") || strstr(hint, "pgx") || strcmp(hint, "pg") == 0)
		return "postgresql";
	return NULL;
}

static int family_matches(const char *family, const char *kind)
{
	if (!family)
		return 1;
	if (strcmp(family, "mysql") == 0)
		return strcmp(kind, "mysql") == 0 || strcmp(kind, "mariadb") == 0;
	return strcmp(kind, family) == 0;
}

/* The server a client uses: the one named by its host, else the only one of its family. */
static struct st_component *client_target(struct st_ctx *ctx, struct st_stack *s, const struct st_component *c,
                                          int *through_pgbouncer)
{
	const char *host;
	int via_pgb;
	const char *family = client_family(ctx, c, &host, &via_pgb);
	struct st_component *only = NULL, *pgb = NULL;
	size_t n = 0;
	for (size_t i = 0; i < s->n_components; i++) {
		struct st_component *d = &s->components[i];
		if (strcmp(d->kind, "pgbouncer") == 0)
			pgb = d;
		if (!is_db(d->kind) || !family_matches(family, d->kind))
			continue;
		if (host && strcmp(host, d->id) == 0)
			return d;
		only = d;
		n++;
	}
	if (pgb && (via_pgb || (host && strcmp(host, pgb->id) == 0))) {
		*through_pgbouncer = 1;
		return pgb;
	}
	return n == 1 ? only : NULL;
}

const char *st_model_service_of(struct st_ctx *ctx, const struct st_component *c)
{
	const char *sn = st_arena_printf(&ctx->arena, "%s.service", c->kind);
	const char *svc = sn ? str_of(pfact(ctx, c->prefix, sn)) : NULL;
	if (svc)
		return svc;
	const char *ln = st_arena_printf(&ctx->arena, "link.app.%s", c->prefix);
	const struct st_fact *link = ln ? st_fact_get(ctx, ln) : NULL;
	if (link && link->value.kind == ST_VAL_STRING)
		return link->value.text;
	return pfact(ctx, c->prefix, "replicas") ? c->prefix : NULL;
}

/* Instances of an application: compose replicas of the service that runs it (st_model_service_of), else of the
 * service named like its prefix. */
static const struct st_fact *replicas_of(struct st_ctx *ctx, const struct st_component *c)
{
	const struct st_fact *r = pfact(ctx, c->prefix, "replicas");
	const char *svc = st_model_service_of(ctx, c);
	const struct st_fact *lr = svc ? pfact(ctx, svc, "replicas") : NULL;
	if (lr)
		r = lr;
	return r && r->value.kind == ST_VAL_INT ? r : NULL;
}

static int64_t int_or(const struct st_fact *f, int64_t dflt)
{
	return f && f->value.kind == ST_VAL_INT ? f->value.i : dflt;
}

struct demand {
	struct st_component *server;
	int64_t total;
	int unlimited;
	const struct st_fact *from[32];
	size_t n_from;
	char text[1024];
	size_t text_len;
	size_t n_clients;
	const struct st_fact *pool; /* the pool setting of the last pooled client, and its instances x processes */
	int64_t pool_procs;
};

static void demand_add(struct demand *d, const struct st_fact *f, int64_t n, int unlimited, const char *line)
{
	if (d->n_from < sizeof(d->from) / sizeof(d->from[0]))
		d->from[d->n_from++] = f;
	d->n_clients++;
	d->total += n;
	d->unlimited |= unlimited;
	int w = snprintf(d->text + d->text_len, sizeof(d->text) - d->text_len, "%s%s", d->text_len ? " + " : "", line);
	if (w > 0)
		d->text_len = d->text_len + (size_t)w < sizeof(d->text) ? d->text_len + (size_t)w : sizeof(d->text) - 1;
}

static struct st_fact *set_computed(struct st_ctx *ctx, const char *prefix, const char *name, struct st_value v,
                                    const char *how, const struct st_fact *const *from, size_t n_from)
{
	const char *full = st_arena_printf(&ctx->arena, "%s.%s", prefix, name);
	struct st_origin o = {.kind = ST_ORIGIN_COMPUTED, .detail = how ? st_arena_strdup(&ctx->arena, how) : NULL};
	struct st_fact *f = full ? st_fact_set(ctx, full, prefix, v, &o, ST_LAYER_DEFAULT) : NULL;
	if (!f || !n_from)
		return f;
	const struct st_fact **keep = st_arena_alloc(&ctx->arena, n_from * sizeof(*keep));
	if (!keep) {
		ctx->oom = 1;
		return f;
	}
	for (size_t i = 0; i < n_from; i++)
		if (from[i])
			keep[f->n_from++] = from[i];
	f->from = keep;
	return f;
}

/* The client's connections: instances x processes x per-process, recorded as "<client prefix>.connections". */
static struct st_fact *client_connections(struct st_ctx *ctx, const struct st_component *c, const struct app_kind *ak,
                                          int *unlimited, char *line, size_t line_len)
{
	const struct st_fact *rep = replicas_of(ctx, c);
	const struct st_fact *procs = pfact(ctx, c->prefix, ak->procs);
	const struct st_fact *threads = pfact(ctx, c->prefix, ak->threads);
	const struct st_fact *pool = pfact(ctx, c->prefix, ak->pool);
	int64_t inst = int_or(rep, 1), np = int_or(procs, 1), nt = int_or(threads, 1);
	int64_t per = ak->pool ? int_or(pool, -1) : nt;
	if (per < 0)
		return NULL;
	*unlimited = ak->pool && strcmp(ak->pool, "go.pool.max_open") == 0 && per == 0;
	int64_t total = 0;
	if (!*unlimited && (__builtin_mul_overflow(inst, np, &total) || __builtin_mul_overflow(total, per, &total)))
		total = INT64_MAX / 4;
	if (*unlimited)
		snprintf(line, line_len, "%s: %lld x unlimited (%s 0)", c->id, (long long)inst, ak->what);
	else if (ak->pool)
		snprintf(line, line_len, "%s: %lld x %lld (%s)", c->id, (long long)inst, (long long)per, ak->what);
	else
		snprintf(line, line_len, "%s: %lld x %lld x %lld (%s)", c->id, (long long)inst, (long long)np, (long long)nt,
		         ak->what);
	const struct st_fact *from[] = {rep, procs, threads, pool};
	const char *name = st_arena_printf(&ctx->arena, "connections%s", ak->id_suffix);
	return name ? set_computed(ctx, c->prefix, name, st_value_int(total), line, from, 4) : NULL;
}

/* PgBouncer's own server connections: per database entry the pool (+ reserve), capped by max_db_connections. */
static void pgbouncer_server_side(struct st_ctx *ctx, struct st_component *pgb, struct demand *d)
{
	const struct st_fact *pool = pfact(ctx, pgb->prefix, "default_pool_size");
	const struct st_fact *reserve = pfact(ctx, pgb->prefix, "reserve_pool_size");
	const struct st_fact *maxdb = pfact(ctx, pgb->prefix, "max_db_connections");
	int64_t per = int_or(pool, 20) + int_or(reserve, 0);
	if (int_or(maxdb, 0) > 0 && int_or(maxdb, 0) < per)
		per = int_or(maxdb, 0);
	size_t dbs = 0;
	const char *pat = st_arena_printf(&ctx->arena, "%s.databases.*.host", pgb->prefix);
	const struct st_facts *fs = &ctx->facts;
	for (size_t i = 0; pat && i < fs->n_slots; i++)
		if (fs->slots[i].name && fs->slots[i].n && fnmatch(pat, fs->slots[i].name, 0) == 0)
			dbs++;
	if (!dbs)
		dbs = 1;
	char line[256];
	snprintf(line, sizeof line, "%s: %zu database(s) x %lld server connections (pool%s%s)", pgb->id, dbs,
	         (long long)per, reserve ? " + reserve" : "", int_or(maxdb, 0) > 0 ? ", max_db_connections" : "");
	const struct st_fact *from[] = {pool, reserve, maxdb};
	struct st_fact *f = set_computed(ctx, pgb->prefix, "server_connections", st_value_int((int64_t)dbs * per), line,
	                                 from, 3);
	if (f)
		demand_add(d, f, (int64_t)dbs * per, 0, line);
}

/* Memory of each application component: instances x processes x an assumed size per process (a fact
 * "<prefix>.memory.per_process" from a loader or .stacktune.yaml wins over the assumption). */
void st_model_app_memory(struct st_ctx *ctx, struct st_stack *s)
{
	for (size_t i = 0; i < s->n_components; i++) {
		struct st_component *c = &s->components[i];
		const struct app_kind *ak = st_model_is_app_kind(c->kind) ? kind_row(c, ctx) : NULL;
		if (!ak)
			continue;
		const struct st_fact *rep = replicas_of(ctx, c);
		const struct st_fact *procs = pfact(ctx, c->prefix, ak->procs);
		const struct st_fact *per = pfact(ctx, c->prefix, "memory.per_process");
		int64_t per_bytes = per && per->value.kind == ST_VAL_SIZE ? per->value.i : ak->process_mb << 20;
		int64_t n = int_or(rep, 1) * int_or(procs, 1);
		char how[160];
		snprintf(how, sizeof how, "%lld processes x %lldMB (%s)", (long long)n, (long long)(per_bytes >> 20),
		         per ? "per_process setting" : "assumed per-process memory");
		const struct st_fact *from[] = {rep, procs, per};
		const char *name = st_arena_printf(&ctx->arena, "memory%s", ak->id_suffix);
		if (name)
			set_computed(ctx, c->prefix, name, st_value_size(n * per_bytes), how, from, 3);
	}
}

void st_model_connections(struct st_ctx *ctx, struct st_stack *s)
{
	struct demand *dem = st_arena_alloc(&ctx->arena, (s->n_components + 1) * sizeof(*dem));
	if (!dem) {
		ctx->oom = 1;
		return;
	}
	for (size_t i = 0; i < s->n_components; i++)
		dem[i].server = &s->components[i];
	for (size_t i = 0; i < s->n_components; i++) {
		struct st_component *c = &s->components[i];
		const struct app_kind *ak = st_model_is_app_kind(c->kind) ? kind_row(c, ctx) : NULL;
		if (!ak)
			continue;
		int through = 0, unlimited = 0;
		struct st_component *target = client_target(ctx, s, c, &through);
		char line[256];
		struct st_fact *f = client_connections(ctx, c, ak, &unlimited, line, sizeof line);
		if (!f || !target)
			continue;
		struct demand *d = &dem[target - s->components];
		demand_add(d, f, f->value.i, unlimited, line);
		if (ak->pool && !unlimited) {
			d->pool = pfact(ctx, c->prefix, ak->pool);
			d->pool_procs = int_or(replicas_of(ctx, c), 1) * int_or(pfact(ctx, c->prefix, ak->procs), 1);
		}
	}
	/* a PgBouncer passes its own pools on to the server behind it */
	for (size_t i = 0; i < s->n_components; i++) {
		struct st_component *pgb = &s->components[i];
		if (strcmp(pgb->kind, "pgbouncer") != 0)
			continue;
		for (size_t j = 0; j < s->n_components; j++)
			if (strcmp(s->components[j].kind, "postgresql") == 0) {
				pgbouncer_server_side(ctx, pgb, &dem[j]);
				break;
			}
	}
	for (size_t i = 0; i < s->n_components; i++) {
		struct demand *d = &dem[i];
		if (!d->n_from)
			continue;
		const char *id = d->server->prefix;
		int pgb = strcmp(d->server->kind, "pgbouncer") == 0;
		set_computed(ctx, id, pgb ? "client_demand" : "connection_demand", st_value_int(d->total), d->text, d->from,
		             d->n_from);
		set_computed(ctx, id, "connection_clients", st_value_string(st_arena_strdup(&ctx->arena, d->text)), NULL,
		             NULL, 0);
		if (d->unlimited)
			set_computed(ctx, id, "connection_demand_unlimited", st_value_bool(1), d->text, d->from, d->n_from);
		/* one client with a pool setting written in a file: the rules can size that pool to the budget (with more
		 * clients, which one gets fewer connections is a human choice) */
		if (!pgb && d->n_clients == 1 && d->pool && d->pool->origin.kind == ST_ORIGIN_FILE && d->pool_procs > 0) {
			const char *name = st_arena_printf(&ctx->arena, "%s.client_pool_max", id);
			if (name)
				st_fact_set(ctx, name, id, d->pool->value, &d->pool->origin, ST_LAYER_DEFAULT);
			set_computed(ctx, id, "client_processes", st_value_int(d->pool_procs),
			             "instances x processes of the only client", &d->pool, 1);
		}
	}
}
