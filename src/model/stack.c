/* The stack model: components assembled from facts. A server-side loader declares a component by recording
 * "<id>.kind" with component = id; application components are found from their process facts (apps.c). */
#include <stdlib.h>
#include <string.h>

#include "model_internal.h"

static int cmp_component(const void *a, const void *b)
{
	return strcmp(((const struct st_component *)a)->id, ((const struct st_component *)b)->id);
}

struct st_component *st_model_add(struct st_ctx *ctx, struct st_stack *s, size_t *cap, const char *id,
                                  const char *prefix, const char *kind, const struct st_origin *o)
{
	for (size_t i = 0; i < s->n_components; i++)
		if (strcmp(s->components[i].id, id) == 0)
			return &s->components[i];
	if (s->n_components == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		struct st_component *nc = st_arena_alloc(&ctx->arena, ncap * sizeof(*nc));
		if (!nc) {
			ctx->oom = 1;
			return NULL;
		}
		if (s->n_components)
			memcpy(nc, s->components, s->n_components * sizeof(*nc));
		s->components = nc;
		*cap = ncap;
	}
	struct st_component *c = &s->components[s->n_components++];
	memset(c, 0, sizeof(*c));
	c->id = id;
	c->prefix = prefix;
	c->kind = kind;
	if (o)
		c->origin = *o;
	const char *hn = st_arena_printf(&ctx->arena, "%s.host", prefix);
	const struct st_fact *h = hn ? st_fact_get(ctx, hn) : NULL;
	c->host = h && h->value.kind == ST_VAL_STRING ? h->value.text : "default";
	return c;
}

int st_stack_build(struct st_ctx *ctx, const struct st_host *host, struct st_stack *out)
{
	memset(out, 0, sizeof(*out));
	out->host = host;
	size_t cap = 0;
	const struct st_facts *fs = &ctx->facts;
	for (size_t i = 0; i < fs->n_slots; i++) {
		const struct st_fact_entry *e = &fs->slots[i];
		if (!e->name || !e->n)
			continue;
		const struct st_fact *f = e->chain[e->n - 1];
		size_t cl = f->component ? strlen(f->component) : 0;
		if (!(cl && strncmp(e->name, f->component, cl) == 0 && strcmp(e->name + cl, ".kind") == 0 &&
		      f->value.kind == ST_VAL_STRING))
			continue;
		/* application kinds are built from their process facts in apps.c */
		if (st_model_is_app_kind(f->value.text))
			continue;
		st_model_add(ctx, out, &cap, f->component, f->component, f->value.text, &f->origin);
	}
	st_model_apps(ctx, out, &cap);
	if (out->n_components)
		qsort(out->components, out->n_components, sizeof(*out->components), cmp_component);
	st_model_defaults(ctx, out);
	st_model_app_memory(ctx, out);
	st_model_budgets(ctx, out);
	st_model_connections(ctx, out);
	st_model_ports(ctx, out);
	st_model_deadconfig(ctx, out);
	st_model_shadowed(ctx, out);
	return ctx->oom ? -1 : 0;
}
