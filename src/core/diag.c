/* Context, origins and diagnostics: collected here, printed only by the cli. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stacktune/core.h"

void st_ctx_init(struct st_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
}

void st_ctx_free(struct st_ctx *ctx)
{
	free(ctx->diags.items);
	for (size_t i = 0; i < ctx->facts.n_slots; i++)
		free(ctx->facts.slots[i].chain);
	free(ctx->facts.slots);
	free(ctx->memo.keys);
	free(ctx->memo.vals);
	st_arena_free(&ctx->arena);
	memset(ctx, 0, sizeof(*ctx));
}

static const char *const severity_names[] = {"info", "warning", "error"};

const char *st_severity_name(enum st_severity s)
{
	return (unsigned)s < 3 ? severity_names[s] : "error";
}

int st_severity_parse(const char *s, enum st_severity *out)
{
	for (unsigned i = 0; i < 3; i++) {
		if (strcmp(s, severity_names[i]) == 0) {
			*out = (enum st_severity)i;
			return 0;
		}
	}
	return -1;
}

struct st_origin st_origin_file(const char *file, unsigned line, unsigned col)
{
	struct st_origin o = {.kind = ST_ORIGIN_FILE, .file = file, .line = line, .col = col};
	return o;
}

const char *st_origin_kind_name(enum st_origin_kind k)
{
	static const char *const names[] = {"none", "file", "host", "live", "profile", "default", "computed", "cli"};
	return (unsigned)k < sizeof(names) / sizeof(names[0]) ? names[k] : "none";
}

int st_origin_format(struct st_buf *b, const struct st_origin *o)
{
	switch (o->kind) {
	case ST_ORIGIN_FILE:
	case ST_ORIGIN_PROFILE:
		if (o->kind == ST_ORIGIN_PROFILE)
			st_buf_puts(b, "profile ");
		st_buf_puts(b, o->file ? o->file : "?");
		if (o->line) {
			st_buf_printf(b, ":%u", o->line);
			if (o->col)
				st_buf_printf(b, ":%u", o->col);
		}
		break;
	case ST_ORIGIN_HOST:
		st_buf_printf(b, "host %s", o->file ? o->file : "");
		break;
	case ST_ORIGIN_LIVE:
		st_buf_printf(b, "live:%s", o->file ? o->file : "?");
		break;
	case ST_ORIGIN_DEFAULT:
		st_buf_puts(b, "default, assumed");
		break;
	case ST_ORIGIN_COMPUTED:
		st_buf_puts(b, "computed");
		break;
	case ST_ORIGIN_CLI:
		st_buf_puts(b, "command line");
		break;
	case ST_ORIGIN_NONE:
		st_buf_puts(b, "unknown");
		break;
	}
	if (o->detail && *o->detail)
		st_buf_printf(b, " (%s)", o->detail);
	return b->failed ? -1 : 0;
}

int st_diag(struct st_ctx *ctx, enum st_severity sev, const struct st_origin *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	st_vdiag(ctx, sev, o, fmt, ap);
	va_end(ap);
	return -1;
}

int st_vdiag(struct st_ctx *ctx, enum st_severity sev, const struct st_origin *o, const char *fmt, va_list ap)
{
	struct st_diags *d = &ctx->diags;
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;
		struct st_diag *p = realloc(d->items, cap * sizeof(*p));
		if (!p) {
			ctx->oom = 1;
			return -1;
		}
		d->items = p;
		d->cap = cap;
	}
	va_list aq;
	va_copy(aq, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	char *msg = n >= 0 ? st_arena_alloc(&ctx->arena, (size_t)n + 1) : NULL;
	if (msg)
		vsnprintf(msg, (size_t)n + 1, fmt, aq);
	va_end(aq);
	if (!msg) {
		ctx->oom = 1;
		return -1;
	}
	struct st_diag *g = &d->items[d->n++];
	memset(g, 0, sizeof(*g));
	g->severity = sev;
	if (o)
		g->origin = *o;
	g->message = msg;
	return -1;
}

size_t st_diag_count(const struct st_ctx *ctx, enum st_severity sev)
{
	size_t c = 0;
	for (size_t i = 0; i < ctx->diags.n; i++)
		c += ctx->diags.items[i].severity >= sev;
	return c;
}
