/* The stack model: components assembled from facts. A loader declares a component by recording the fact
 * "<id>.kind" with component = id; everything else about it is facts named "<id>.<...>". */
#include <stdlib.h>
#include <string.h>

#include "model_internal.h"

static int cmp_component(const void *a, const void *b)
{
	return strcmp(((const struct st_component *)a)->id, ((const struct st_component *)b)->id);
}

int st_stack_build(struct st_ctx *ctx, const struct st_host *host, struct st_stack *out)
{
	memset(out, 0, sizeof(*out));
	out->host = host;
	const struct st_facts *fs = &ctx->facts;
	size_t n = 0;
	for (size_t i = 0; i < fs->n_slots; i++) {
		const struct st_fact_entry *e = &fs->slots[i];
		if (!e->name || !e->n)
			continue;
		const struct st_fact *f = e->chain[e->n - 1];
		size_t cl = f->component ? strlen(f->component) : 0;
		if (cl && strncmp(e->name, f->component, cl) == 0 && strcmp(e->name + cl, ".kind") == 0 &&
		    f->value.kind == ST_VAL_STRING)
			n++;
	}
	if (!n)
		return ctx->oom ? -1 : 0;
	out->components = st_arena_alloc(&ctx->arena, n * sizeof(*out->components));
	if (!out->components) {
		ctx->oom = 1;
		return -1;
	}
	for (size_t i = 0; i < fs->n_slots; i++) {
		const struct st_fact_entry *e = &fs->slots[i];
		if (!e->name || !e->n)
			continue;
		const struct st_fact *f = e->chain[e->n - 1];
		size_t cl = f->component ? strlen(f->component) : 0;
		if (!(cl && strncmp(e->name, f->component, cl) == 0 && strcmp(e->name + cl, ".kind") == 0 &&
		      f->value.kind == ST_VAL_STRING))
			continue;
		struct st_component *c = &out->components[out->n_components++];
		c->id = f->component;
		c->kind = f->value.text;
		c->origin = f->origin;
		const struct st_fact *h = NULL;
		char *hn = st_arena_printf(&ctx->arena, "%s.host", c->id);
		if (hn)
			h = st_fact_get(ctx, hn);
		c->host = h && h->value.kind == ST_VAL_STRING ? h->value.text : "default";
	}
	qsort(out->components, out->n_components, sizeof(*out->components), cmp_component);
	st_model_defaults(ctx, out);
	st_model_budgets(ctx, out);
	return ctx->oom ? -1 : 0;
}
