/* Derived facts the rules reason about: usable connections and the memory a database may use, per host. */
#include <string.h>
#include <sys/stat.h>

#include "model_internal.h"

static const struct st_fact *comp_fact(struct st_ctx *ctx, const char *id, const char *name)
{
	const char *full = st_arena_printf(&ctx->arena, "%s.%s", id, name);
	return full ? st_fact_get(ctx, full) : NULL;
}

/* Records a computed fact for component id, derived from the facts in from[] (NULLs skipped). */
static struct st_fact *computed(struct st_ctx *ctx, const char *id, const char *name, struct st_value v,
                                const char *how, const struct st_fact *const *from, size_t n_from)
{
	const char *full = st_arena_printf(&ctx->arena, "%s.%s", id, name);
	struct st_origin o = {.kind = ST_ORIGIN_COMPUTED, .detail = how};
	struct st_fact *f = full ? st_fact_set(ctx, full, id, v, &o, ST_LAYER_DEFAULT) : NULL;
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

static int64_t int_of(const struct st_fact *f, int64_t dflt)
{
	return f && (f->value.kind == ST_VAL_INT) ? f->value.i : dflt;
}

/* Sum of the application memory on host; its facts go to from[] (up to max). */
static int64_t app_memory_on(struct st_ctx *ctx, const struct st_stack *s, const char *host,
                             const struct st_fact **from, size_t max, size_t *n_from)
{
	int64_t total = 0;
	const struct st_facts *fs = &ctx->facts;
	for (size_t i = 0; i < s->n_components; i++) {
		const struct st_component *c = &s->components[i];
		if (!st_model_is_app_kind(c->kind) || strcmp(c->host, host) != 0)
			continue;
		int dup = 0;
		for (size_t j = 0; j < i; j++)
			dup |= st_model_is_app_kind(s->components[j].kind) &&
			       strcmp(s->components[j].prefix, c->prefix) == 0;
		if (dup)
			continue;
		size_t pl = strlen(c->prefix);
		for (size_t k = 0; k < fs->n_slots; k++) {
			const struct st_fact_entry *e = &fs->slots[k];
			if (!e->name || !e->n || strncmp(e->name, c->prefix, pl) != 0 ||
			    strncmp(e->name + pl, ".memory", 7) != 0 ||
			    (e->name[pl + 7] != '\0' && e->name[pl + 7] != '/'))
				continue;
			const struct st_fact *f = e->chain[e->n - 1];
			if (f->value.kind != ST_VAL_SIZE)
				continue;
			total += f->value.i;
			if (*n_from < max)
				from[(*n_from)++] = f;
		}
	}
	return total;
}

/* Where profiles/ lives: the source tree when run from it, else the installed data directory. */
static const char *profiles_datadir(void)
{
	struct stat st;
	return stat(ST_SOURCE_DATADIR "/profiles", &st) == 0 && S_ISDIR(st.st_mode) ? ST_SOURCE_DATADIR
	                                                                            : ST_INSTALL_DATADIR;
}

/* hosts.<h>.profile: its CPUs and memory become hosts.<h>.cpus / .memory unless those are given. */
static void host_profile(struct st_ctx *ctx, const char *h, const struct st_fact *pf)
{
	const char *name = pf->value.text;
	int is_path = strchr(name, '/') || (strlen(name) > 4 && strcmp(name + strlen(name) - 4, ".ini") == 0);
	const char *arg =
	    is_path && name[0] != '/' && ctx->root ? st_arena_printf(&ctx->arena, "%s/%s", ctx->root, name) : name;
	struct st_host ph = {0};
	size_t before = ctx->diags.n;
	if (!arg || st_profile_load(ctx, profiles_datadir(), arg, &ph) < 0) {
		/* the profile loader speaks of --profile: say it at the .stacktune.yaml line instead */
		const char *why = ctx->diags.n > before ? ctx->diags.items[ctx->diags.n - 1].message : NULL;
		ctx->diags.n = before;
		st_diag(ctx, ST_SEV_ERROR, &pf->origin, "host '%s': %s", h, why ? why : "the profile cannot be loaded");
		return;
	}
	const char *cn = st_arena_printf(&ctx->arena, "hosts.%s.cpus", h);
	const char *mn = st_arena_printf(&ctx->arena, "hosts.%s.memory", h);
	if (cn && !st_fact_get(ctx, cn))
		st_fact_set(ctx, cn, NULL, st_value_int(ph.cpus), &ph.cpus_origin, ST_LAYER_PROFILE);
	if (mn && !st_fact_get(ctx, mn))
		st_fact_set(ctx, mn, NULL, st_value_size(ph.memory_bytes), &ph.memory_origin, ST_LAYER_PROFILE);
}

void st_model_hosts(struct st_ctx *ctx, const struct st_stack *s)
{
	size_t n_all = 0;
	const struct st_fact_entry **all = st_fact_sorted(ctx, &n_all);
	int any = 0;
	const char *profiled[64]; /* hosts with a profile; facts are set only after the scan (the table may grow) */
	const struct st_fact *profile[64];
	size_t n_profiled = 0;
	for (size_t i = 0; all && i < n_all; i++) {
		const char *name = all[i]->name;
		any |= strncmp(name, "hostmap.", 8) == 0 || strncmp(name, "hosts.", 6) == 0;
		size_t l = strlen(name);
		if (strncmp(name, "hosts.", 6) == 0 && l > 14 && strcmp(name + l - 8, ".profile") == 0 &&
		    n_profiled < 64) {
			const char *h = st_arena_strndup(&ctx->arena, name + 6, l - 14);
			const struct st_fact *pf = all[i]->chain[all[i]->n - 1];
			if (h && pf->value.kind == ST_VAL_STRING)
				profiled[n_profiled] = h, profile[n_profiled++] = pf;
		}
	}
	if (!any)
		return; /* one host: every component stays on "default", the audited host */
	for (size_t i = 0; i < n_profiled; i++)
		host_profile(ctx, profiled[i], profile[i]);
	for (size_t i = 0; i < s->n_components; i++) {
		struct st_component *c = &s->components[i];
		/* the compose service running it, its id, its prefix: the names .stacktune.yaml may use */
		const char *names[3] = {st_model_is_app_kind(c->kind) ? st_model_service_of(ctx, c) : NULL, c->id,
		                        c->prefix};
		const struct st_fact *placed = NULL;
		for (size_t k = 0; k < 3 && !placed; k++) {
			const char *fn = names[k] ? st_arena_printf(&ctx->arena, "hostmap.%s", names[k]) : NULL;
			placed = fn ? st_fact_get(ctx, fn) : NULL;
		}
		struct st_origin o = {.kind = ST_ORIGIN_DEFAULT,
		                      .detail = "not placed on a host in .stacktune.yaml: the audited host"};
		if (placed && placed->value.kind == ST_VAL_STRING) {
			c->host = placed->value.text;
			o = placed->origin;
		}
		size_t pl = strlen(c->prefix);
		const char *suffix = strncmp(c->id, c->prefix, pl) == 0 ? c->id + pl : "";
		const char *hn = st_arena_printf(&ctx->arena, "%s.host%s", c->prefix, suffix);
		if (hn)
			st_fact_set(ctx, hn, c->prefix, st_value_string(c->host), &o,
			            placed ? ST_LAYER_FILE : ST_LAYER_DEFAULT);
	}
	/* a name that places nothing is a typo or a service that is gone */
	all = st_fact_sorted(ctx, &n_all);
	for (size_t i = 0; all && i < n_all; i++) {
		const char *name = all[i]->name;
		if (strncmp(name, "hostmap.", 8) != 0)
			continue;
		const char *svc = name + 8;
		int used = 0;
		for (size_t j = 0; j < s->n_components && !used; j++) {
			const struct st_component *c = &s->components[j];
			const char *sv = st_model_is_app_kind(c->kind) ? st_model_service_of(ctx, c) : NULL;
			used = strcmp(c->id, svc) == 0 || strcmp(c->prefix, svc) == 0 || (sv && strcmp(sv, svc) == 0);
		}
		if (!used)
			st_diag(ctx, ST_SEV_WARNING, &all[i]->chain[all[i]->n - 1]->origin,
			        "service '%s' placed on a host in .stacktune.yaml is not a component of the stack",
			        svc);
	}
}

/* The memory of the host a component runs on: hosts.<h>.memory when .stacktune.yaml gives it, else the audited
 * host's. */
static const struct st_fact *host_memory(struct st_ctx *ctx, const struct st_component *c)
{
	const char *hn =
	    strcmp(c->host, "default") != 0 ? st_arena_printf(&ctx->arena, "hosts.%s.memory", c->host) : NULL;
	const struct st_fact *m = hn ? st_fact_get(ctx, hn) : NULL;
	return m && m->value.kind == ST_VAL_SIZE ? m : st_fact_get(ctx, "host.memory");
}

void st_model_budgets(struct st_ctx *ctx, const struct st_stack *s)
{
	st_model_hosts(ctx, s); /* each component's host first: the memory budget is per host */
	for (size_t i = 0; i < s->n_components; i++) {
		const struct st_component *c = &s->components[i];
		const struct st_fact *mem = host_memory(ctx, c);
		int pg = strcmp(c->kind, "postgresql") == 0;
		int my = strcmp(c->kind, "mysql") == 0 || strcmp(c->kind, "mariadb") == 0;
		if (!pg && !my)
			continue;
		const struct st_fact *maxc = comp_fact(ctx, c->id, "max_connections");
		if (maxc && maxc->value.kind == ST_VAL_INT) {
			if (pg) {
				const struct st_fact *suf = comp_fact(ctx, c->id, "superuser_reserved_connections");
				const struct st_fact *rsf = comp_fact(ctx, c->id, "reserved_connections");
				int64_t su = int_of(suf, 3), rs = int_of(rsf, 0);
				const struct st_fact *from[] = {maxc, suf, rsf};
				computed(ctx, c->id, "reserved_connections_total", st_value_int(su + rs),
				         "superuser_reserved_connections + reserved_connections", from + 1, 2);
				computed(ctx, c->id, "usable_connections", st_value_int(maxc->value.i - su - rs),
				         "max_connections - reserved connections", from, 3);
			} else {
				computed(ctx, c->id, "usable_connections", st_value_int(maxc->value.i),
				         "max_connections (one more is kept for SUPER / CONNECTION_ADMIN)", &maxc, 1);
			}
		}
		/* the memory a database may use: a container limit, else the host's memory */
		const struct st_fact *lim = comp_fact(ctx, c->id, "limits.memory");
		if (lim && lim->value.kind == ST_VAL_SIZE)
			computed(ctx, c->id, "memory_budget", st_value_size(lim->value.i), "container memory limit",
			         &lim, 1);
		else if (mem && mem->value.kind == ST_VAL_SIZE) {
			const struct st_fact *from[16] = {mem};
			size_t n_from = 1;
			int64_t apps = app_memory_on(ctx, s, c->host, from, 16, &n_from);
			int64_t left = mem->value.i - apps;
			if (left < mem->value.i / 4)
				left = mem->value.i / 4; /* never plan a database below a quarter of the host */
			const char *how = apps ? "host memory less the co-located application processes"
			                       : "host memory (nothing co-located found)";
			if (strcmp(c->host, "default") != 0)
				how = st_arena_printf(&ctx->arena, "memory of host %s%s", c->host,
				                      apps ? " less the application processes placed on it"
				                           : " (no application placed on it)");
			computed(ctx, c->id, "memory_budget", st_value_size(left), how, from, n_from);
		}
	}
}
