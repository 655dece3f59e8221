/* Budget bars for the charts: read from the facts the model computed (connection_demand and its terms,
 * usable_connections, <app>.memory, host.memory); nothing here re-derives a number. */
#include <string.h>

#include "report_internal.h"

/* Database buffers that are allocated whatever the load: the fixed part of a server's memory. */
static const struct {
	const char *kind, *setting;
} fixed_memory[] = {
	{"postgresql", "shared_buffers"},
	{"mysql", "innodb_buffer_pool_size"},
	{"mariadb", "innodb_buffer_pool_size"},
	{"redis", "maxmemory"},
};

static const struct st_fact *fact2(struct st_ctx *ctx, const char *a, const char *b)
{
	const char *n = st_arena_printf(&ctx->arena, "%s.%s", a, b);
	return n ? st_fact_get(ctx, n) : NULL;
}

static int is_number(const struct st_fact *f)
{
	return f && (f->value.kind == ST_VAL_INT || f->value.kind == ST_VAL_SIZE) && !f->value.secret;
}

/* "backend.connections/celery" -> "backend/celery": the client named as the model names it. */
static const char *strip_part(struct st_ctx *ctx, const char *name, const char *part)
{
	const char *p = strstr(name, part);
	if (!p)
		return name;
	return st_arena_printf(&ctx->arena, "%.*s%s", (int)(p - name), name, p + strlen(part));
}

size_t st_report_connection_bars(const struct st_report *r, struct st_report_bar **out)
{
	struct st_ctx *ctx = r->ctx;
	*out = NULL;
	if (!r->stack || !r->stack->n_components)
		return 0;
	struct st_report_bar *bars = st_arena_alloc(&ctx->arena, r->stack->n_components * sizeof(*bars));
	if (!bars)
		return 0;
	size_t n = 0;
	for (size_t i = 0; i < r->stack->n_components; i++) {
		const struct st_component *c = &r->stack->components[i];
		int pgb = strcmp(c->kind, "pgbouncer") == 0;
		int db = !pgb && (!strcmp(c->kind, "postgresql") || !strcmp(c->kind, "mysql") || !strcmp(c->kind, "mariadb"));
		if (!pgb && !db)
			continue;
		const struct st_fact *demand = fact2(ctx, c->prefix, pgb ? "client_demand" : "connection_demand");
		const char *limit_name = pgb ? "max_client_conn" : "usable_connections";
		const struct st_fact *limit = fact2(ctx, c->id, limit_name);
		if (!is_number(demand) && !is_number(limit))
			continue;
		struct st_report_bar *b = &bars[n++];
		b->id = c->id;
		if (is_number(limit)) {
			b->limit_fact = limit->name;
			b->limit = limit->value.i;
		}
		b->unlimited = fact2(ctx, c->prefix, "connection_demand_unlimited") != NULL;
		if (!is_number(demand))
			continue;
		b->total = demand->value.i;
		b->segments = st_arena_alloc(&ctx->arena, (demand->n_from + 1) * sizeof(*b->segments));
		for (size_t k = 0; b->segments && k < demand->n_from; k++) {
			const struct st_fact *t = demand->from[k];
			if (!is_number(t))
				continue;
			struct st_report_segment *s = &b->segments[b->n_segments++];
			s->fact = t->name;
			s->value = t->value.i;
			s->label = strstr(t->name, ".server_connections") ? st_arena_printf(&ctx->arena, "%s (server pools)", t->component)
			                                                  : strip_part(ctx, t->name, ".connections");
		}
	}
	*out = n ? bars : NULL;
	return n;
}

/* Adds a segment (and its value to the total) unless the bar is full. */
static void add_segment(struct st_report_bar *b, size_t cap, const char *label, const struct st_fact *f)
{
	if (b->n_segments >= cap || !label)
		return;
	b->segments[b->n_segments++] = (struct st_report_segment){.label = label, .value = f->value.i, .fact = f->name};
	b->total += f->value.i;
}

size_t st_report_memory_bars(const struct st_report *r, struct st_report_bar **out)
{
	struct st_ctx *ctx = r->ctx;
	*out = NULL;
	if (!r->stack || !r->stack->n_components)
		return 0;
	size_t nc = r->stack->n_components;
	const struct st_fact *ram = st_fact_get(ctx, "host.memory");
	struct st_report_bar *bars = st_arena_alloc(&ctx->arena, nc * sizeof(*bars));
	size_t n_all = 0;
	const struct st_fact_entry **all = st_fact_sorted(ctx, &n_all);
	if (!bars || !all)
		return 0;
	size_t n = 0;
	for (size_t i = 0; i < nc; i++) {
		const char *host = r->stack->components[i].host ? r->stack->components[i].host : "default";
		int seen = 0;
		for (size_t j = 0; j < n; j++)
			seen |= strcmp(bars[j].id, host) == 0;
		if (seen)
			continue;
		struct st_report_bar *b = &bars[n++];
		b->id = host;
		if (ram && ram->value.kind == ST_VAL_SIZE) {
			b->limit_fact = ram->name;
			b->limit = ram->value.i;
		}
		size_t cap = 4 * nc + 4;
		b->segments = st_arena_alloc(&ctx->arena, cap * sizeof(*b->segments));
		if (!b->segments)
			return 0;
		for (size_t k = 0; k < nc; k++) {
			const struct st_component *c = &r->stack->components[k];
			if (strcmp(c->host ? c->host : "default", host) != 0)
				continue;
			int dup = 0; /* components sharing a prefix (backend, backend/celery) share their facts */
			for (size_t j = 0; j < k; j++)
				dup |= strcmp(r->stack->components[j].prefix, c->prefix) == 0 &&
				       strcmp(r->stack->components[j].host ? r->stack->components[j].host : "default", host) == 0;
			if (dup)
				continue;
			for (size_t t = 0; t < sizeof(fixed_memory) / sizeof(fixed_memory[0]); t++) {
				const struct st_fact *f = strcmp(c->kind, fixed_memory[t].kind) == 0
				                              ? fact2(ctx, c->prefix, fixed_memory[t].setting)
				                              : NULL;
				if (f && f->value.kind == ST_VAL_SIZE && f->value.i > 0)
					add_segment(b, cap, st_arena_printf(&ctx->arena, "%s %s", c->id, fixed_memory[t].setting), f);
			}
			/* the model's application memory: "<prefix>.memory" and "<prefix>.memory/<part>" */
			size_t pl = strlen(c->prefix);
			for (size_t e = 0; e < n_all; e++) {
				const char *name = all[e]->name;
				if (strncmp(name, c->prefix, pl) != 0 || strncmp(name + pl, ".memory", 7) != 0 ||
				    (name[pl + 7] != '\0' && name[pl + 7] != '/'))
					continue;
				const struct st_fact *f = all[e]->chain[all[e]->n - 1];
				if (f->value.kind == ST_VAL_SIZE)
					add_segment(b, cap, strip_part(ctx, name, ".memory"), f);
			}
		}
	}
	*out = n ? bars : NULL;
	return n;
}
