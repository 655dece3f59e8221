/* Prisma schema models as tables: @id / @@id (primary key), @unique / @@unique, @@index, @relation(fields: [...])
 * (a foreign key, or with relationMode = "prisma" a relation the client enforces: it needs the index all the
 * same), @map / @@map. Index names follow Prisma's defaults (Model_a_b_idx, _key, _pkey). Tokens come from the
 * loaders' clex lexer, which the Prisma datasource loader uses too. */
#include <string.h>

#include "clex.h"
#include "index_internal.h"

struct pfield {
	const char *name, *column, *type;
	size_t tok; /* the field's first token */
	size_t line_end;
};

struct pmodel {
	const char *name, *table;
	size_t open, close, tok;
	struct pfield *fields;
	size_t n_fields;
};

struct pschema {
	struct st_ctx *ctx;
	struct st_ix_schema *s;
	const char *path;
	struct st_ctoks t;
	struct pmodel *models;
	size_t n_models, cap_models;
};

static const char *tokstr(struct pschema *p, size_t i)
{
	const struct st_ctok *k = &p->t.v[i];
	const char *r = k->kind == CT_STR && k->s ? st_arena_strdup(&p->ctx->arena, k->s)
	                                          : st_arena_strndup(&p->ctx->arena, p->t.src + k->off, k->len);
	if (!r)
		p->ctx->oom = 1;
	return r;
}

/* The string argument of name("x") at token i (the '@'s already skipped: i is the name). */
static const char *str_arg(struct pschema *p, size_t i)
{
	if (st_ct_p(&p->t, i + 1, '(') && i + 2 < p->t.n && p->t.v[i + 2].kind == CT_STR)
		return tokstr(p, i + 2);
	return NULL;
}

static struct pmodel *find_model(struct pschema *p, const char *name)
{
	for (size_t i = 0; i < p->n_models; i++)
		if (strcmp(p->models[i].name, name) == 0)
			return &p->models[i];
	return NULL;
}

static const char *column_of(const struct pmodel *m, const char *field)
{
	for (size_t i = 0; i < m->n_fields; i++)
		if (strcmp(m->fields[i].name, field) == 0)
			return m->fields[i].column;
	return field;
}

/* Field names of the first [...] list in the attribute arguments (a, b) or after key: ("fields:"). */
static const char **field_list(struct pschema *p, const struct pmodel *m, size_t open, const char *key, size_t *n)
{
	const struct st_ctoks *t = &p->t;
	size_t close = st_ct_close(t, open);
	if (close >= t->n)
		return NULL;
	size_t lb = t->n;
	for (size_t i = open + 1; i < close; i++) {
		if (!st_ct_p(t, i, '['))
			continue;
		int keyed = i >= 2 && st_ct_p(t, i - 1, ':') && t->v[i - 2].kind == CT_IDENT;
		if (key ? (keyed && st_ct_id(t, i - 2, key)) : (!keyed || st_ct_id(t, i - 2, "fields"))) {
			lb = i;
			break;
		}
		i = st_ct_close(t, i);
		if (i >= close)
			break;
	}
	if (lb >= t->n)
		return NULL;
	size_t rb = st_ct_close(t, lb);
	if (rb >= t->n || rb > close)
		return NULL;
	const char **v = st_arena_alloc(&p->ctx->arena, (rb - lb + 1) * sizeof(*v));
	if (!v)
		return p->ctx->oom = 1, NULL;
	*n = 0;
	for (size_t i = lb + 1; i < rb; i++) {
		if (st_ct_p(t, i, '(')) { /* b(sort: Desc) */
			i = st_ct_close(t, i);
			continue;
		}
		if (t->v[i].kind == CT_IDENT && !st_ct_p(t, i + 1, ':')) {
			const char *f = tokstr(p, i);
			if (f)
				v[(*n)++] = column_of(m, f);
		}
	}
	return *n ? v : NULL;
}

static const char *index_name(struct pschema *p, const struct pmodel *m, const char **cols, size_t n, const char *sfx)
{
	struct st_buf b = {0};
	st_buf_puts(&b, m->table);
	for (size_t i = 0; i < n; i++)
		st_buf_printf(&b, "_%s", cols[i]);
	st_buf_printf(&b, "_%s", sfx);
	const char *r = b.len < 64 ? st_arena_strdup(&p->ctx->arena, st_buf_cstr(&b))
	                           : st_arena_printf(&p->ctx->arena, "%.54s_%08x", st_buf_cstr(&b),
	                                             (unsigned)ix_hash(st_buf_cstr(&b)));
	st_buf_free(&b);
	if (!r)
		p->ctx->oom = 1;
	return r;
}

static void add_index(struct pschema *p, const struct pmodel *m, const char **cols, size_t n, int kind, size_t at)
{
	struct st_ix_index *x = ix_add_index(p->ctx, p->s);
	if (!x)
		return;
	x->table = m->table;
	x->cols = cols;
	x->n_cols = n;
	x->primary = kind == 2;
	x->unique = kind >= 1;
	x->constraint = kind >= 1;
	x->origin = st_ct_origin(&p->t, p->path, at, at + 1);
	x->name = index_name(p, m, cols, kind == 2 ? 0 : n, kind == 2 ? "pkey" : kind == 1 ? "key" : "idx");
}

/* Pass 1: model names, @@map, fields with @map. */
static void collect(struct pschema *p)
{
	const struct st_ctoks *t = &p->t;
	for (size_t i = 0; i + 2 < t->n && !p->ctx->oom; i++) {
		if (!st_ct_id(t, i, "model") || t->v[i + 1].kind != CT_IDENT || !st_ct_p(t, i + 2, '{') ||
		    (i > 0 && t->v[i - 1].line == t->v[i].line))
			continue;
		size_t close = st_ct_close(t, i + 2);
		if (close >= t->n)
			break;
		if (ix_grow(p->ctx, (void **)&p->models, &p->cap_models, p->n_models, sizeof(*p->models)) < 0)
			return;
		struct pmodel *m = &p->models[p->n_models++];
		memset(m, 0, sizeof(*m));
		m->name = tokstr(p, i + 1);
		m->table = m->name;
		m->open = i + 2;
		m->close = close;
		m->tok = i;
		m->fields = st_arena_alloc(&p->ctx->arena, (close - i) * sizeof(*m->fields));
		if (!m->name || !m->fields)
			return (void)(p->ctx->oom = 1);
		for (size_t k = i + 3; k < close; k++) {
			/* a line: field Type ... or @@attribute(...) */
			size_t e = k;
			while (e < close && t->v[e].line == t->v[k].line)
				e++;
			if (st_ct_p(t, k, '@') && st_ct_p(t, k + 1, '@') && st_ct_id(t, k + 2, "map")) {
				const char *s = str_arg(p, k + 2);
				if (s)
					m->table = s;
			} else if (t->v[k].kind == CT_IDENT && k + 1 < e && t->v[k + 1].kind == CT_IDENT) {
				struct pfield *f = &m->fields[m->n_fields++];
				f->name = tokstr(p, k);
				f->type = tokstr(p, k + 1);
				f->column = f->name;
				f->tok = k;
				f->line_end = e;
				for (size_t a = k + 2; a + 1 < e; a++)
					if (st_ct_p(t, a, '@') && st_ct_id(t, a + 1, "map")) {
						const char *s = str_arg(p, a + 1);
						if (s)
							f->column = s;
					}
			}
			k = e - 1;
		}
	}
}

/* Pass 2: tables, indexes, relations. */
static void build(struct pschema *p)
{
	const struct st_ctoks *t = &p->t;
	for (size_t mi = 0; mi < p->n_models && !p->ctx->oom; mi++) {
		struct pmodel *m = &p->models[mi];
		struct st_ix_table *tb = ix_add_table(p->ctx, p->s);
		if (!tb)
			return;
		tb->name = m->table;
		tb->origin = st_ct_origin(t, p->path, m->tok, m->tok + 2);
		for (size_t fi = 0; fi < m->n_fields; fi++) {
			struct pfield *f = &m->fields[fi];
			for (size_t a = f->tok + 2; a + 1 < f->line_end; a++) {
				if (!st_ct_p(t, a, '@') || st_ct_p(t, a - 1, '@'))
					continue;
				const char **one = st_arena_alloc(&p->ctx->arena, sizeof(*one));
				if (!one)
					return (void)(p->ctx->oom = 1);
				one[0] = f->column;
				if (st_ct_id(t, a + 1, "id")) {
					add_index(p, m, one, 1, 2, a);
				} else if (st_ct_id(t, a + 1, "unique")) {
					add_index(p, m, one, 1, 1, a);
				} else if (st_ct_id(t, a + 1, "relation") && st_ct_p(t, a + 2, '(')) {
					size_t n = 0;
					const char **cols = field_list(p, m, a + 2, "fields", &n);
					if (!cols)
						continue;
					struct st_ix_fk *k = ix_add_fk(p->ctx, p->s);
					if (!k)
						return;
					const struct pmodel *ref = find_model(p, f->type);
					k->table = m->table;
					k->cols = cols;
					k->n_cols = n;
					k->ref_table = ref ? ref->table : f->type;
					k->origin = st_ct_origin(t, p->path, a, a + 2);
				}
			}
		}
		for (size_t k = m->open + 1; k + 3 < m->close; k++) {
			if (!st_ct_p(t, k, '@') || !st_ct_p(t, k + 1, '@') || t->v[k + 2].kind != CT_IDENT ||
			    !st_ct_p(t, k + 3, '('))
				continue;
			int kind = st_ct_id(t, k + 2, "index") ? 0 : st_ct_id(t, k + 2, "unique") ? 1 : st_ct_id(t, k + 2, "id") ? 2 : -1;
			if (kind < 0)
				continue;
			size_t n = 0;
			const char **cols = field_list(p, m, k + 3, NULL, &n);
			if (cols)
				add_index(p, m, cols, n, kind, k);
		}
	}
}

int st_ix_prisma_load(struct st_ctx *ctx, struct st_ix_schema *s, const char *path, const char *src, size_t n)
{
	struct pschema p = {.ctx = ctx, .s = s, .path = path};
	if (st_clex(ctx, src, n, ST_CLANG_GO, &p.t) < 0) {
		st_clex_free(&p.t);
		return -1;
	}
	s->n_files++;
	collect(&p);
	if (!ctx->oom)
		build(&p);
	st_clex_free(&p.t);
	return ctx->oom ? -1 : 0;
}
