/* The index rules over the schema model, the actions that fix them, and the up/down files they become.
 *
 * Rules: index-fk-unindexed (a foreign key / Prisma relation whose columns lead no valid, non-partial index:
 * deleting or updating a parent row scans the child table), index-duplicate and index-redundant (a plain btree
 * index whose columns are the same as, or a left prefix of, another index of the table; unique, primary key
 * and constraint indexes are kept, and nothing is dropped that a foreign key would then miss), plus the notes
 * the SQL reader made about the migrations themselves (migration-*). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index_internal.h"

static const char *base_col(struct st_ctx *ctx, const char *c)
{
	const char *sp = strchr(c, ' ');
	return sp ? st_arena_strndup(&ctx->arena, c, (size_t)(sp - c)) : c;
}

/* Index x serves lookups by cols (any order) as its leading columns. */
static int leads_with(struct st_ctx *ctx, const struct st_ix_index *x, const char **cols, size_t n)
{
	if (x->dropped || x->partial || x->method || x->n_cols < n)
		return 0;
	for (size_t i = 0; i < n; i++) {
		int found = 0;
		for (size_t k = 0; k < n && !found; k++) {
			const char *c = base_col(ctx, x->cols[k]);
			found = c && c[0] != '(' && strcmp(c, cols[i]) == 0;
		}
		if (!found)
			return 0;
	}
	return 1;
}

static int fk_covered(struct st_ctx *ctx, const struct st_ix_schema *s, const struct st_ix_fk *fk,
                      const unsigned char *dropping, const struct st_ix_plan *plan)
{
	for (size_t i = 0; i < s->n_indexes; i++)
		if (!(dropping && dropping[i]) && strcmp(s->indexes[i].table, fk->table) == 0 &&
		    leads_with(ctx, &s->indexes[i], fk->cols, fk->n_cols))
			return 1;
	(void)plan;
	return 0;
}

static struct st_finding *add_finding(struct st_ctx *ctx, struct st_findings *out, const char *rule,
                                      enum st_severity sev, const char *msg, const struct st_origin *o)
{
	if (ix_grow(ctx, (void **)&out->items, &out->cap, out->n, sizeof(*out->items)) < 0)
		return NULL;
	struct st_finding *f = &out->items[out->n++];
	memset(f, 0, sizeof(*f));
	f->rule = rule;
	f->severity = sev;
	f->message = msg;
	f->locations = st_arena_alloc(&ctx->arena, sizeof(*f->locations));
	if (f->locations) {
		f->locations[0] = *o;
		f->n_locations = 1;
	}
	return f;
}

/* Appends a possibly schema-qualified name, each part quoted as needed. */
static void qualified(struct st_buf *b, const char *name)
{
	const char *dot = strchr(name, '.');
	if (!dot) {
		st_ix_quote(b, name);
		return;
	}
	char *schema = strndup(name, (size_t)(dot - name));
	if (!schema) {
		b->failed = 1;
		return;
	}
	st_ix_quote(b, schema);
	free(schema);
	st_buf_putc(b, '.');
	st_ix_quote(b, dot + 1);
}

static void column_list(struct st_buf *b, const char **cols, size_t n)
{
	st_buf_puts(b, "(");
	for (size_t i = 0; i < n; i++) {
		if (i)
			st_buf_puts(b, ", ");
		const char *sp = strchr(cols[i], ' ');
		if (sp) { /* "created_at DESC" */
			char *c = strndup(cols[i], (size_t)(sp - cols[i]));
			if (!c) {
				b->failed = 1;
				return;
			}
			st_ix_quote(b, c);
			free(c);
			st_buf_puts(b, sp);
		} else {
			st_ix_quote(b, cols[i]);
		}
	}
	st_buf_puts(b, ")");
}

static const char *create_sql(struct st_ctx *ctx, const char *name, const char *table, const char **cols, size_t n)
{
	struct st_buf b = {0};
	st_buf_puts(&b, "CREATE INDEX CONCURRENTLY IF NOT EXISTS ");
	const char *dot = strrchr(name, '.');
	st_ix_quote(&b, dot ? dot + 1 : name); /* an index is created in its table's schema */
	st_buf_puts(&b, " ON ");
	qualified(&b, table);
	st_buf_putc(&b, ' ');
	column_list(&b, cols, n);
	st_buf_putc(&b, ';');
	const char *r = b.failed ? NULL : st_arena_strdup(&ctx->arena, st_buf_cstr(&b));
	st_buf_free(&b);
	if (!r)
		ctx->oom = 1;
	return r;
}

static const char *drop_sql(struct st_ctx *ctx, const char *name)
{
	struct st_buf b = {0};
	st_buf_puts(&b, "DROP INDEX CONCURRENTLY IF EXISTS ");
	qualified(&b, name);
	st_buf_putc(&b, ';');
	const char *r = b.failed ? NULL : st_arena_strdup(&ctx->arena, st_buf_cstr(&b));
	st_buf_free(&b);
	if (!r)
		ctx->oom = 1;
	return r;
}

static const char *cols_text(struct st_ctx *ctx, const char **cols, size_t n)
{
	struct st_buf b = {0};
	for (size_t i = 0; i < n; i++)
		st_buf_printf(&b, "%s%s", i ? ", " : "", cols[i]);
	const char *r = st_arena_strdup(&ctx->arena, st_buf_cstr(&b));
	st_buf_free(&b);
	return r ? r : "";
}

static struct st_ix_action *add_action(struct st_ctx *ctx, struct st_ix_plan *p)
{
	if (ix_grow(ctx, (void **)&p->actions, &p->cap, p->n, sizeof(*p->actions)) < 0)
		return NULL;
	struct st_ix_action *a = &p->actions[p->n++];
	memset(a, 0, sizeof(*a));
	return a;
}

static void plan_fks(struct st_ctx *ctx, const struct st_ix_schema *s, struct st_findings *out, struct st_ix_plan *plan)
{
	for (size_t i = 0; i < s->n_fks && !ctx->oom; i++) {
		const struct st_ix_fk *fk = &s->fks[i];
		if (!fk->table || !*fk->table || fk_covered(ctx, s, fk, NULL, plan))
			continue;
		/* an earlier FK with the same columns already asked for this index */
		int seen = 0;
		for (size_t k = 0; k < i && !seen; k++) {
			const struct st_ix_fk *o = &s->fks[k];
			if (o->table && strcmp(o->table, fk->table) == 0 && o->n_cols == fk->n_cols) {
				seen = 1;
				for (size_t c = 0; c < fk->n_cols && seen; c++)
					seen = strcmp(o->cols[c], fk->cols[c]) == 0;
			}
		}
		if (seen)
			continue;
		const char *cols = cols_text(ctx, fk->cols, fk->n_cols);
		const char *ref = fk->ref_table ? fk->ref_table : "its parent";
		const char *msg = st_arena_printf(
		    &ctx->arena,
		    "foreign key %s(%s) -> %s has no index leading with its columns: each DELETE or key UPDATE on %s scans "
		    "%s, and joins and lookups by %s do too",
		    fk->table, cols, ref, ref, fk->table, cols);
		if (!msg || !add_finding(ctx, out, "index-fk-unindexed", ST_SEV_WARNING, msg, &fk->origin) || !plan)
			continue;
		const char *parts[34];
		size_t np = 0;
		const char *dot = strchr(fk->table, '.');
		parts[np++] = "idx";
		parts[np++] = dot ? dot + 1 : fk->table;
		for (size_t c = 0; c < fk->n_cols && np < 33; c++)
			parts[np++] = fk->cols[c];
		const char *name = st_ix_name(ctx, parts, np);
		if (!name)
			return;
		const char *qname = dot ? st_arena_printf(&ctx->arena, "%.*s.%s", (int)(dot - fk->table), fk->table, name) : name;
		struct st_ix_action *a = add_action(ctx, plan);
		if (!a || !qname)
			return;
		a->rule = "index-fk-unindexed";
		a->name = name;
		a->slug = st_arena_printf(&ctx->arena, "create_%s", name);
		a->why = st_arena_printf(&ctx->arena, "foreign key %s(%s) -> %s has no index; deletes and updates of %s rows "
		                                      "scan %s",
		                         fk->table, cols, ref, ref, fk->table);
		a->up = create_sql(ctx, name, fk->table, fk->cols, fk->n_cols);
		a->down = drop_sql(ctx, qname);
		a->origin = fk->origin;
	}
}

/* A plain btree index the rules may drop: not unique, no predicate, no expression, no INCLUDE. */
static int droppable(const struct st_ix_index *x)
{
	return !x->dropped && !x->unique && !x->primary && !x->constraint && !x->partial && !x->expression &&
	       !x->include && !x->method;
}

static int prefix_of(const struct st_ix_index *a, const struct st_ix_index *b)
{
	if (a->n_cols > b->n_cols || b->partial || b->method || strcmp(a->table, b->table) != 0)
		return 0;
	for (size_t i = 0; i < a->n_cols; i++)
		if (strcmp(a->cols[i], b->cols[i]) != 0 || b->cols[i][0] == '(')
			return 0;
	return 1;
}

static void plan_redundant(struct st_ctx *ctx, const struct st_ix_schema *s, struct st_findings *out,
                           struct st_ix_plan *plan)
{
	unsigned char *dropping = st_arena_alloc(&ctx->arena, s->n_indexes + 1);
	if (!dropping)
		return (void)(ctx->oom = 1);
	for (size_t i = 0; i < s->n_indexes && !ctx->oom; i++) {
		const struct st_ix_index *a = &s->indexes[i];
		if (!droppable(a) || !a->n_cols)
			continue;
		const struct st_ix_index *keep = NULL;
		for (size_t k = 0; k < s->n_indexes && !keep; k++) {
			const struct st_ix_index *b = &s->indexes[k];
			if (k == i || b->dropped || dropping[k] || !prefix_of(a, b))
				continue;
			/* two plain copies: the later one goes */
			if (b->n_cols == a->n_cols && droppable(b) && k > i)
				continue;
			keep = b;
		}
		if (!keep)
			continue;
		/* never drop the last index a foreign key leads with */
		int fk_needs = 0;
		for (size_t k = 0; k < s->n_fks && !fk_needs; k++) {
			const struct st_ix_fk *fk = &s->fks[k];
			if (!fk->table || strcmp(fk->table, a->table) != 0 || !fk_covered(ctx, s, fk, dropping, plan))
				continue;
			dropping[i] = 1;
			fk_needs = !fk_covered(ctx, s, fk, dropping, plan);
			dropping[i] = 0;
		}
		if (!fk_needs)
			dropping[i] = 1;
		if (fk_needs)
			continue;
		int dup = keep->n_cols == a->n_cols;
		const char *rule = dup ? "index-duplicate" : "index-redundant";
		const char *cols = cols_text(ctx, a->cols, a->n_cols);
		const char *kcols = cols_text(ctx, keep->cols, keep->n_cols);
		const char *what = keep->primary ? "the primary key" : keep->constraint ? "the unique constraint" : "index";
		const char *msg = st_arena_printf(
		    &ctx->arena, "index %s on %s(%s) %s %s %s(%s): it costs every write and serves no query the other cannot",
		    a->name ? a->name : "?", a->table, cols, dup ? "duplicates" : "is a left prefix of", what,
		    keep->name ? keep->name : "", kcols);
		if (!msg || !add_finding(ctx, out, rule, ST_SEV_WARNING, msg, &a->origin) || !plan || !a->name)
			continue;
		struct st_ix_action *act = add_action(ctx, plan);
		if (!act)
			return;
		const char *dot = strrchr(a->name, '.');
		act->rule = rule;
		act->name = dot ? dot + 1 : a->name;
		act->slug = st_arena_printf(&ctx->arena, "drop_%s", act->name);
		act->why = st_arena_printf(&ctx->arena, "%s(%s) %s %s %s (%s)", a->table, cols,
		                           dup ? "duplicates" : "is a left prefix of", what, keep->name ? keep->name : "", kcols);
		act->up = drop_sql(ctx, a->name);
		act->down = create_sql(ctx, a->name, a->table, a->cols, a->n_cols);
		act->origin = a->origin;
	}
}

int st_ix_plan(struct st_ctx *ctx, const struct st_ix_schema *s, struct st_findings *out, struct st_ix_plan *plan)
{
	for (size_t i = 0; i < s->n_notes && !ctx->oom; i++)
		add_finding(ctx, out, s->notes[i].rule, s->notes[i].severity, s->notes[i].message, &s->notes[i].origin);
	plan_fks(ctx, s, out, plan);
	plan_redundant(ctx, s, out, plan);
	return ctx->oom ? -1 : 0;
}

int st_ix_render(struct st_ctx *ctx, const struct st_ix_schema *s, const struct st_ix_plan *p,
                 struct st_ix_file **files, size_t *n)
{
	*n = 0;
	*files = st_arena_alloc(&ctx->arena, (2 * p->n + 1) * sizeof(**files));
	if (!*files)
		return ctx->oom = 1, -1;
	for (size_t i = 0; i < p->n; i++) {
		const struct st_ix_action *a = &p->actions[i];
		long long v = (long long)s->last_version + 1 + (long long)i;
		int w = s->version_width > 0 && s->version_width < 20 ? s->version_width : 4;
		const char *up, *down;
		switch (s->convention) {
		case ST_IX_FLYWAY:
			up = st_arena_printf(&ctx->arena, "V%lld__stacktune_%s.sql", v, a->slug);
			down = st_arena_printf(&ctx->arena, "U%lld__stacktune_%s.sql", v, a->slug);
			break;
		default:
			up = st_arena_printf(&ctx->arena, "%0*lld_stacktune_%s.up.sql", w, v, a->slug);
			down = st_arena_printf(&ctx->arena, "%0*lld_stacktune_%s.down.sql", w, v, a->slug);
			break;
		}
		struct st_buf where = {0};
		st_origin_format(&where, &a->origin);
		const char *head = "-- Generated by stacktune index plan. One statement per file: CONCURRENTLY cannot run inside a\n"
		                   "-- transaction, and migration tools send a file as one query. Apply with\n"
		                   "-- `stacktune index apply FILE --pg DSN` (lock and statement timeouts, retries, a ledger).\n";
		const char *ut = st_arena_printf(&ctx->arena, "%s-- why: %s [%s, %s]\n%s\n", head, a->why, a->rule,
		                                 st_buf_cstr(&where), a->up);
		const char *dt = st_arena_printf(&ctx->arena, "%s-- why: undoes %s: %s\n%s\n", head, up ? up : "", a->why,
		                                 a->down);
		st_buf_free(&where);
		if (!up || !down || !ut || !dt)
			return ctx->oom = 1, -1;
		(*files)[(*n)++] = (struct st_ix_file){.name = up, .text = ut};
		(*files)[(*n)++] = (struct st_ix_file){.name = down, .text = dt};
	}
	return 0;
}

int st_ix_audit(struct st_ctx *ctx, const char *root, size_t max_file_size, int no_ignore, struct st_findings *out)
{
	struct st_ix_schema s = {0};
	if (st_ix_schema_scan(ctx, root, max_file_size, no_ignore, &s) < 0)
		return -1;
	return st_ix_plan(ctx, &s, out, NULL);
}
