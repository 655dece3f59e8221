/* Derived facts the rules reason about: usable connections and the memory a database may use. */
#include <string.h>

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
			dup |= st_model_is_app_kind(s->components[j].kind) && strcmp(s->components[j].prefix, c->prefix) == 0;
		if (dup)
			continue;
		size_t pl = strlen(c->prefix);
		for (size_t k = 0; k < fs->n_slots; k++) {
			const struct st_fact_entry *e = &fs->slots[k];
			if (!e->name || !e->n || strncmp(e->name, c->prefix, pl) != 0 || strncmp(e->name + pl, ".memory", 7) != 0 ||
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

void st_model_budgets(struct st_ctx *ctx, const struct st_stack *s)
{
	const struct st_fact *mem = st_fact_get(ctx, "host.memory");
	for (size_t i = 0; i < s->n_components; i++) {
		const struct st_component *c = &s->components[i];
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
			computed(ctx, c->id, "memory_budget", st_value_size(lim->value.i), "container memory limit", &lim, 1);
		else if (mem && mem->value.kind == ST_VAL_SIZE) {
			const struct st_fact *from[16] = {mem};
			size_t n_from = 1;
			int64_t apps = app_memory_on(ctx, s, c->host, from, 16, &n_from);
			int64_t left = mem->value.i - apps;
			if (left < mem->value.i / 4)
				left = mem->value.i / 4; /* never plan a database below a quarter of the host */
			computed(ctx, c->id, "memory_budget", st_value_size(left),
			         apps ? "host memory less the co-located application processes" : "host memory (nothing co-located found)",
			         from, n_from);
		}
	}
}
