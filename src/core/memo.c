/* The run's memo table: open addressing over FNV-1a hashes, grown at half load. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stacktune/core.h"

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static int grow(struct st_memo *m)
{
	size_t cap = m->cap ? m->cap * 2 : 64;
	const char **keys = calloc(cap, sizeof(*keys));
	void **vals = calloc(cap, sizeof(*vals));
	if (!keys || !vals) {
		free(keys);
		free(vals);
		return -1;
	}
	for (size_t i = 0; i < m->cap; i++) {
		if (!m->keys[i])
			continue;
		size_t j = (size_t)hash(m->keys[i]) & (cap - 1);
		while (keys[j])
			j = (j + 1) & (cap - 1);
		keys[j] = m->keys[i];
		vals[j] = m->vals[i];
	}
	free(m->keys);
	free(m->vals);
	m->keys = keys;
	m->vals = vals;
	m->cap = cap;
	return 0;
}

void **st_memo_slot(struct st_ctx *ctx, const char *key)
{
	struct st_memo *m = &ctx->memo;
	if ((m->n + 1) * 2 > m->cap && grow(m) < 0) {
		ctx->oom = 1;
		return NULL;
	}
	size_t j = (size_t)hash(key) & (m->cap - 1);
	while (m->keys[j]) {
		if (strcmp(m->keys[j], key) == 0)
			return &m->vals[j];
		j = (j + 1) & (m->cap - 1);
	}
	const char *k = st_arena_strdup(&ctx->arena, key);
	if (!k) {
		ctx->oom = 1;
		return NULL;
	}
	m->keys[j] = k;
	m->vals[j] = NULL;
	m->n++;
	return &m->vals[j];
}
