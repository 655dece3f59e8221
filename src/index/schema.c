/* The schema model: arrays in the arena, names, quoting. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "index_internal.h"

int ix_grow(struct st_ctx *ctx, void **items, size_t *cap, size_t n, size_t sz)
{
	if (n < *cap)
		return 0;
	size_t nc = *cap ? *cap * 2 : 16;
	if (nc > SIZE_MAX / sz)
		return ctx->oom = 1, -1;
	void *nv = st_arena_alloc(&ctx->arena, nc * sz);
	if (!nv)
		return ctx->oom = 1, -1;
	if (n)
		memcpy(nv, *items, n * sz);
	*items = nv;
	*cap = nc;
	return 0;
}

struct st_ix_table *ix_add_table(struct st_ctx *ctx, struct st_ix_schema *s)
{
	if (ix_grow(ctx, (void **)&s->tables, &s->cap_tables, s->n_tables, sizeof(*s->tables)) < 0)
		return NULL;
	struct st_ix_table *t = &s->tables[s->n_tables++];
	memset(t, 0, sizeof(*t));
	return t;
}

struct st_ix_index *ix_add_index(struct st_ctx *ctx, struct st_ix_schema *s)
{
	if (ix_grow(ctx, (void **)&s->indexes, &s->cap_indexes, s->n_indexes, sizeof(*s->indexes)) < 0)
		return NULL;
	struct st_ix_index *x = &s->indexes[s->n_indexes++];
	memset(x, 0, sizeof(*x));
	return x;
}

struct st_ix_fk *ix_add_fk(struct st_ctx *ctx, struct st_ix_schema *s)
{
	if (ix_grow(ctx, (void **)&s->fks, &s->cap_fks, s->n_fks, sizeof(*s->fks)) < 0)
		return NULL;
	struct st_ix_fk *f = &s->fks[s->n_fks++];
	memset(f, 0, sizeof(*f));
	return f;
}

void ix_note(struct st_ctx *ctx, struct st_ix_schema *s, const char *rule, enum st_severity sev,
             const struct st_origin *o, const char *fmt, ...)
{
	if (ix_grow(ctx, (void **)&s->notes, &s->cap_notes, s->n_notes, sizeof(*s->notes)) < 0)
		return;
	struct st_buf b = {0};
	va_list ap;
	va_start(ap, fmt);
	st_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	const char *msg = st_arena_strdup(&ctx->arena, st_buf_cstr(&b));
	int failed = b.failed;
	st_buf_free(&b);
	if (!msg || failed) {
		ctx->oom = 1;
		return;
	}
	struct st_ix_note *n = &s->notes[s->n_notes++];
	n->rule = rule;
	n->severity = sev;
	n->message = msg;
	n->origin = *o;
}

struct st_ix_table *ix_find_table(const struct st_ix_schema *s, const char *name)
{
	for (size_t i = s->n_tables; i-- > 0;)
		if (!s->tables[i].dropped && strcmp(s->tables[i].name, name) == 0)
			return &s->tables[i];
	return NULL;
}

uint32_t ix_hash(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 16777619u;
	}
	return h;
}

#define PG_NAMEDATALEN 64

const char *st_ix_name(struct st_ctx *ctx, const char *const *parts, size_t n)
{
	struct st_buf b = {0};
	for (size_t i = 0; i < n; i++) {
		if (i)
			st_buf_putc(&b, '_');
		/* names are for people: fold to lower case, anything but [a-z0-9_] becomes '_' */
		for (const char *p = parts[i]; *p; p++) {
			unsigned char c = (unsigned char)*p;
			st_buf_putc(&b, isalnum(c) ? (char)tolower(c) : '_');
		}
	}
	const char *full = st_buf_cstr(&b);
	const char *r;
	if (b.len < PG_NAMEDATALEN) {
		r = st_arena_strdup(&ctx->arena, full);
	} else {
		/* cut to 54 bytes + "_" + 8 hex = 63: deterministic, and different names stay different */
		r = st_arena_printf(&ctx->arena, "%.54s_%08x", full, (unsigned)ix_hash(full));
	}
	if (!r || b.failed)
		ctx->oom = 1;
	st_buf_free(&b);
	return r;
}

/* Reserved words that cannot be column or table names unquoted (PostgreSQL's RESERVED_KEYWORD list). */
static const char *const reserved[] = {
    "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "both", "case", "cast", "check",
    "collate", "column", "constraint", "create", "current_catalog", "current_date", "current_role", "current_time",
    "current_timestamp", "current_user", "default", "deferrable", "desc", "distinct", "do", "else", "end", "except",
    "false", "fetch", "for", "foreign", "from", "grant", "group", "having", "in", "initially", "intersect", "into",
    "lateral", "leading", "limit", "localtime", "localtimestamp", "not", "null", "offset", "on", "only", "or",
    "order", "placing", "primary", "references", "returning", "select", "session_user", "some", "symmetric",
    "table", "then", "to", "trailing", "true", "union", "unique", "user", "using", "variadic", "when", "where",
    "window", "with", NULL};

int st_ix_quote(struct st_buf *b, const char *ident)
{
	int plain = ident[0] && (islower((unsigned char)ident[0]) || ident[0] == '_');
	for (const char *p = ident; plain && *p; p++)
		plain = islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '_' || *p == '$';
	for (size_t i = 0; plain && reserved[i]; i++)
		if (strcmp(reserved[i], ident) == 0)
			plain = 0;
	if (plain)
		return st_buf_puts(b, ident);
	st_buf_putc(b, '"');
	for (const char *p = ident; *p; p++) {
		if (*p == '"')
			st_buf_putc(b, '"');
		st_buf_putc(b, *p);
	}
	return st_buf_putc(b, '"');
}
