/* The fact store: every value ever set for a name, ordered by (layer, set order); the last is effective. */
#include <stdlib.h>
#include <string.h>

#include "stacktune/core.h"

static uint64_t hash_name(const char *s)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static struct st_fact_entry *lookup(const struct st_facts *f, const char *name)
{
	if (!f->n_slots)
		return NULL;
	size_t mask = f->n_slots - 1;
	for (size_t i = hash_name(name) & mask;; i = (i + 1) & mask) {
		struct st_fact_entry *e = &f->slots[i];
		if (!e->name)
			return NULL;
		if (strcmp(e->name, name) == 0)
			return e;
	}
}

static int grow(struct st_facts *f)
{
	size_t n = f->n_slots ? f->n_slots * 2 : 256;
	struct st_fact_entry *slots = calloc(n, sizeof(*slots));
	if (!slots)
		return -1;
	for (size_t i = 0; i < f->n_slots; i++) {
		struct st_fact_entry *e = &f->slots[i];
		if (!e->name)
			continue;
		size_t j = hash_name(e->name) & (n - 1);
		while (slots[j].name)
			j = (j + 1) & (n - 1);
		slots[j] = *e;
	}
	free(f->slots);
	f->slots = slots;
	f->n_slots = n;
	return 0;
}

struct st_fact *st_fact_set(struct st_ctx *ctx, const char *name, const char *component, struct st_value v,
                            const struct st_origin *o, int layer)
{
	struct st_facts *f = &ctx->facts;
	struct st_fact_entry *e = lookup(f, name);
	if (!e) {
		if ((f->n_used + 1) * 4 > f->n_slots * 3 && grow(f) < 0)
			goto oom;
		const char *key = st_arena_strdup(&ctx->arena, name);
		if (!key)
			goto oom;
		size_t mask = f->n_slots - 1;
		size_t i = hash_name(name) & mask;
		while (f->slots[i].name)
			i = (i + 1) & mask;
		e = &f->slots[i];
		e->name = key;
		f->n_used++;
	}
	if (e->n == e->cap) {
		size_t cap = e->cap ? e->cap * 2 : 2;
		struct st_fact **chain = realloc(e->chain, cap * sizeof(*chain));
		if (!chain)
			goto oom;
		e->chain = chain;
		e->cap = cap;
	}
	struct st_fact *fact = st_arena_alloc(&ctx->arena, sizeof(*fact));
	if (!fact)
		goto oom;
	fact->name = e->name;
	fact->component = component ? st_arena_strdup(&ctx->arena, component) : NULL;
	fact->value = v;
	if (o)
		fact->origin = *o;
	fact->layer = layer;
	fact->seq = ++f->seq;
	/* insert keeping (layer, seq) order: later sets in a lower layer slide under higher ones */
	size_t pos = e->n;
	while (pos > 0 && e->chain[pos - 1]->layer > layer) {
		e->chain[pos] = e->chain[pos - 1];
		pos--;
	}
	e->chain[pos] = fact;
	e->n++;
	return fact;
oom:
	ctx->oom = 1;
	return NULL;
}

const struct st_fact_entry *st_fact_entry(const struct st_ctx *ctx, const char *name)
{
	const struct st_fact_entry *e = lookup(&ctx->facts, name);
	return e && e->n ? e : NULL;
}

const struct st_fact *st_fact_get(const struct st_ctx *ctx, const char *name)
{
	const struct st_fact_entry *e = st_fact_entry(ctx, name);
	return e ? e->chain[e->n - 1] : NULL;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct st_fact_entry *x = *(const struct st_fact_entry *const *)a;
	const struct st_fact_entry *y = *(const struct st_fact_entry *const *)b;
	return strcmp(x->name, y->name);
}

const struct st_fact_entry **st_fact_sorted(struct st_ctx *ctx, size_t *n)
{
	struct st_facts *f = &ctx->facts;
	*n = 0;
	const struct st_fact_entry **out = st_arena_alloc(&ctx->arena, (f->n_used + 1) * sizeof(*out));
	if (!out) {
		ctx->oom = 1;
		return NULL;
	}
	for (size_t i = 0; i < f->n_slots; i++)
		if (f->slots[i].name && f->slots[i].n)
			out[(*n)++] = &f->slots[i];
	qsort(out, *n, sizeof(*out), cmp_entry);
	return out;
}
