/* The port map of one host: who binds which port (application listen ports, compose published ports),
 * collisions, and calls to localhost ports that nothing binds. Results are facts the rules iterate:
 * "ports.collision.<port>" and "ports.unbound_call.<port>", each derived from the facts involved. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_internal.h"

#define MAX_PORTS 512

static struct st_fact *derived(struct st_ctx *ctx, const char *name, const char *text, const struct st_fact **from,
                               size_t n)
{
	struct st_origin o = {.kind = ST_ORIGIN_COMPUTED, .detail = "port map"};
	struct st_fact *f = st_fact_set(ctx, name, NULL, st_value_string(text), &o, ST_LAYER_DEFAULT);
	if (!f)
		return NULL;
	const struct st_fact **keep = st_arena_alloc(&ctx->arena, n * sizeof(*keep));
	if (keep) {
		memcpy(keep, from, n * sizeof(*keep));
		f->from = keep;
		f->n_from = n;
	}
	return f;
}

static void where(struct st_buf *b, const struct st_fact *f)
{
	if (f->origin.kind == ST_ORIGIN_FILE || f->origin.kind == ST_ORIGIN_DEFAULT) {
		st_buf_puts(b, " (");
		if (f->origin.kind == ST_ORIGIN_FILE)
			st_buf_printf(b, "%s:%u", f->origin.file, f->origin.line);
		else
			st_buf_puts(b, "default");
		st_buf_putc(b, ')');
	}
}

static int is_local(const char *h)
{
	return h && (!strcmp(h, "localhost") || !strcmp(h, "127.0.0.1") || !strcmp(h, "0.0.0.0") || !strcmp(h, "::1"));
}

/* Appends the bindings found in the facts to b (at most max); returns their number. */
static size_t collect_bindings(struct st_ctx *ctx, const struct st_fact_entry **all, size_t n_all,
                               struct st_port_binding *b, size_t max)
{
	size_t nb = 0;
	for (size_t i = 0; all && i < n_all && nb < max; i++) {
		const char *name = all[i]->name;
		const struct st_fact *f = all[i]->chain[all[i]->n - 1];
		if (f->value.kind != ST_VAL_INT)
			continue;
		const char *dot = strchr(name, '.');
		if (!dot)
			continue;
		char *owner = st_arena_strndup(&ctx->arena, name, (size_t)(dot - name));
		if (!owner)
			break;
		if (strcmp(dot, ".port") == 0) {
			/* an application that runs in a compose service binds inside its container */
			const char *ln = st_arena_printf(&ctx->arena, "link.app.%s", owner);
			if (ln && st_fact_get(ctx, ln))
				continue;
		} else {
			size_t l = strlen(dot);
			if (!(strncmp(dot, ".ports.", 7) == 0 && l > 10 && strcmp(dot + l - 10, ".published") == 0))
				continue;
		}
		b[nb++] = (struct st_port_binding){.port = f->value.i, .owner = owner, .fact = f};
	}
	return nb;
}

size_t st_stack_port_bindings(struct st_ctx *ctx, struct st_port_binding **out)
{
	*out = NULL;
	size_t n_all = 0;
	const struct st_fact_entry **all = st_fact_sorted(ctx, &n_all);
	struct st_port_binding *b = st_arena_alloc(&ctx->arena, MAX_PORTS * sizeof(*b));
	if (!b) {
		ctx->oom = 1;
		return 0;
	}
	size_t nb = collect_bindings(ctx, all, n_all, b, MAX_PORTS);
	*out = nb ? b : NULL;
	return nb;
}

void st_model_ports(struct st_ctx *ctx, const struct st_stack *s)
{
	(void)s;
	struct st_port_binding *b = calloc(MAX_PORTS, sizeof(*b));
	if (!b) {
		ctx->oom = 1;
		return;
	}
	size_t n_all = 0;
	const struct st_fact_entry **all = st_fact_sorted(ctx, &n_all);
	size_t nb = collect_bindings(ctx, all, n_all, b, MAX_PORTS);
	/* collisions: the same port bound by two owners */
	for (size_t i = 0; i < nb; i++) {
		const struct st_fact *from[8] = {b[i].fact};
		size_t nf = 1;
		int first = 1;
		for (size_t j = 0; j < i; j++)
			first &= !(b[j].port == b[i].port);
		if (!first)
			continue;
		struct st_buf t = {0};
		st_buf_puts(&t, b[i].owner);
		where(&t, b[i].fact);
		for (size_t j = i + 1; j < nb; j++) {
			if (b[j].port != b[i].port || strcmp(b[j].owner, b[i].owner) == 0)
				continue;
			st_buf_printf(&t, " and %s", b[j].owner);
			where(&t, b[j].fact);
			if (nf < 8)
				from[nf++] = b[j].fact;
		}
		if (nf > 1) {
			const char *fn = st_arena_printf(&ctx->arena, "ports.collision.%lld", (long long)b[i].port);
			if (fn)
				derived(ctx, fn, st_arena_strdup(&ctx->arena, st_buf_cstr(&t)), from, nf);
		}
		st_buf_free(&t);
	}
	/* calls to local ports nobody binds */
	for (size_t i = 0; all && i < n_all; i++) {
		const char *name = all[i]->name;
		size_t l = strlen(name);
		if (l < 6 || strcmp(name + l - 5, ".port") != 0 || !strstr(name, ".calls."))
			continue;
		const struct st_fact *pf = all[i]->chain[all[i]->n - 1];
		if (pf->value.kind != ST_VAL_INT)
			continue;
		char *hn = st_arena_strndup(&ctx->arena, name, l - 5);
		const char *hostname = hn ? st_arena_printf(&ctx->arena, "%s.host", hn) : NULL;
		const struct st_fact *hf = hostname ? st_fact_get(ctx, hostname) : NULL;
		if (!hf || hf->value.kind != ST_VAL_STRING || !is_local(hf->value.text))
			continue;
		int bound = 0;
		for (size_t j = 0; j < nb; j++)
			bound |= b[j].port == pf->value.i;
		if (bound)
			continue;
		struct st_buf t = {0};
		st_buf_printf(&t, "%.*s calls %s:%lld", (int)strcspn(name, "."), name, hf->value.text, (long long)pf->value.i);
		where(&t, pf);
		st_buf_puts(&t, "; bound here:");
		for (size_t j = 0; j < nb; j++)
			st_buf_printf(&t, " %lld (%s)", (long long)b[j].port, b[j].owner);
		if (!nb)
			st_buf_puts(&t, " nothing");
		const char *fn = st_arena_printf(&ctx->arena, "ports.unbound_call.%lld", (long long)pf->value.i);
		const struct st_fact *from[1] = {pf};
		if (fn && !st_fact_get(ctx, fn))
			derived(ctx, fn, st_arena_strdup(&ctx->arena, st_buf_cstr(&t)), from, 1);
		st_buf_free(&t);
	}
	free(b);
}
