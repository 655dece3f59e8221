/* Bump allocator in growing blocks; everything is freed at once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stacktune/core.h"

struct st_arena_block {
	struct st_arena_block *next;
	size_t used, cap;
	_Alignas(16) unsigned char data[];
};

#define ARENA_MIN_BLOCK (64u * 1024u)

void *st_arena_alloc(struct st_arena *a, size_t n)
{
	size_t need = (n + 15u) & ~(size_t)15u;
	if (need < n)
		return NULL;
	struct st_arena_block *b = a->head;
	if (!b || b->cap - b->used < need) {
		size_t cap = ARENA_MIN_BLOCK;
		if (b && b->cap < 16u * 1024u * 1024u)
			cap = b->cap * 2; /* grow geometrically to keep block count low */
		if (cap < need)
			cap = need;
		if (cap > SIZE_MAX - sizeof(*b))
			return NULL;
		struct st_arena_block *nb = malloc(sizeof(*nb) + cap);
		if (!nb)
			return NULL;
		nb->next = a->head;
		nb->used = 0;
		nb->cap = cap;
		a->head = nb;
		a->total += cap;
		b = nb;
	}
	void *p = b->data + b->used;
	b->used += need;
	memset(p, 0, n);
	return p;
}

char *st_arena_strndup(struct st_arena *a, const char *s, size_t n)
{
	if (n == SIZE_MAX)
		return NULL;
	char *p = st_arena_alloc(a, n + 1);
	if (!p)
		return NULL;
	if (n)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *st_arena_strdup(struct st_arena *a, const char *s)
{
	return s ? st_arena_strndup(a, s, strlen(s)) : NULL;
}

char *st_arena_printf(struct st_arena *a, const char *fmt, ...)
{
	va_list ap, aq;
	va_start(ap, fmt);
	va_copy(aq, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *p = NULL;
	if (n >= 0 && (p = st_arena_alloc(a, (size_t)n + 1)) != NULL)
		vsnprintf(p, (size_t)n + 1, fmt, aq);
	va_end(aq);
	return p;
}

void st_arena_free(struct st_arena *a)
{
	struct st_arena_block *b = a->head;
	while (b) {
		struct st_arena_block *next = b->next;
		free(b);
		b = next;
	}
	a->head = NULL;
	a->total = 0;
}
