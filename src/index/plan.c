/* The index rules over the schema model, the actions that fix them, and the up/down files they become.
 *
 * Rules: index-fk-unindexed (a foreign key / Prisma relation whose columns lead no valid, non-partial index:
 * deleting or updating a parent row scans the child table), index-duplicate and index-redundant (a plain btree
 * index whose columns are the same as, or a left prefix of, another index of the table; unique, primary key
 * and constraint indexes are kept, and nothing is dropped that a foreign key would then miss), plus the notes
 * the SQL reader made about the migrations themselves (migration-*).
 *
 * On a live catalog (st_ix_live_pg) also: index-invalid (NOT indisvalid: dropped and built again), index-unused
 * (idx_scan = 0 on a table that is read, statistics old enough; never a unique, primary key, exclusion or
 * foreign-key-backing index) and index-seqscan-heavy (a large table read mostly by sequential scans: a proposal
 * for a human, since the columns depend on the queries). An INVALID index serves no query, so it neither covers
 * a foreign key nor makes another index redundant. */
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
	if (x->dropped || x->invalid || x->partial || x->method || x->n_cols < n)
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

/* Positions of the schema's indexes, foreign keys and tables sorted by table name (then position), so the rules
 * look at one table's objects only: a catalog of 20,000 indexes is not compared pairwise. */
struct tpos {
	const char *table;
	size_t pos;
};
struct by_table {
	struct tpos *ix, *fk, *tb;
};

static int cmp_tpos(const void *a, const void *b)
{
	const struct tpos *x = a, *y = b;
	int c = strcmp(x->table, y->table);
	return c ? c : x->pos < y->pos ? -1 : x->pos > y->pos;
}

static struct tpos *sorted(struct st_ctx *ctx, size_t n, const char *(*name)(const struct st_ix_schema *, size_t),
                           const struct st_ix_schema *s)
{
	struct tpos *v = st_arena_alloc(&ctx->arena, (n + 1) * sizeof(*v));
	if (!v)
		return ctx->oom = 1, NULL;
	for (size_t i = 0; i < n; i++)
		v[i] = (struct tpos){.table = name(s, i), .pos = i};
	if (n)
		qsort(v, n, sizeof(*v), cmp_tpos);
	return v;
}

static const char *ix_table(const struct st_ix_schema *s, size_t i)
{
	return s->indexes[i].table ? s->indexes[i].table : "";
}
static const char *fk_table(const struct st_ix_schema *s, size_t i)
{
	return s->fks[i].table ? s->fks[i].table : "";
}
static const char *tb_table(const struct st_ix_schema *s, size_t i)
{
	return s->tables[i].name ? s->tables[i].name : "";
}

/* The run [*lo, *hi) of v (n long) whose table is table. */
static void range(const struct tpos *v, size_t n, const char *table, size_t *lo, size_t *hi)
{
	size_t a = 0, b = n;
	while (a < b) {
		size_t m = a + (b - a) / 2;
		if (strcmp(v[m].table, table) < 0)
			a = m + 1;
		else
			b = m;
	}
	*lo = a;
	while (a < n && strcmp(v[a].table, table) == 0)
		a++;
	*hi = a;
}

static int fk_covered(struct st_ctx *ctx, const struct st_ix_schema *s, const struct st_ix_fk *fk,
                      const unsigned char *dropping, const struct by_table *bt)
{
	size_t lo, hi;
	range(bt->ix, s->n_indexes, fk->table, &lo, &hi);
	for (size_t r = lo; r < hi; r++) {
		size_t i = bt->ix[r].pos;
		if (!(dropping && dropping[i]) && leads_with(ctx, &s->indexes[i], fk->cols, fk->n_cols))
			return 1;
	}
	return 0;
}

/* Returns 1 when index i of table is the last one that covers some foreign key of that table, given the indexes
 * already being dropped: dropping it too would leave the key unindexed. */
static int fk_needs_index(struct st_ctx *ctx, const struct st_ix_schema *s, const struct by_table *bt,
                          unsigned char *dropping, size_t i, const char *table)
{
	size_t lo, hi;
	range(bt->fk, s->n_fks, table, &lo, &hi);
	for (size_t r = lo; r < hi; r++) {
		const struct st_ix_fk *fk = &s->fks[bt->fk[r].pos];
		if (!fk_covered(ctx, s, fk, dropping, bt))
			continue;
		dropping[i] = 1;
		int needs = !fk_covered(ctx, s, fk, dropping, bt);
		dropping[i] = 0;
		if (needs)
			return 1;
	}
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

/* The live definition (pg_get_indexdef) built online: CREATE [UNIQUE] INDEX CONCURRENTLY IF NOT EXISTS ... */
static const char *recreate_sql(struct st_ctx *ctx, const struct st_ix_index *x)
{
	if (!x->definition)
		return create_sql(ctx, x->name, x->table, x->cols, x->n_cols);
	const char *kw = strstr(x->definition, "INDEX ");
	if (!kw)
		return st_arena_printf(&ctx->arena, "%s;", x->definition);
	const char *r = st_arena_printf(&ctx->arena, "%.*sINDEX CONCURRENTLY IF NOT EXISTS %s;", (int)(kw - x->definition),
	                                x->definition, kw + 6);
	if (!r)
		ctx->oom = 1;
	return r;
}

/* MySQL/MariaDB: `ident`. */
static void mysql_ident(struct st_buf *b, const char *ident)
{
	st_buf_putc(b, '`');
	for (const char *p = ident; *p; p++) {
		if (*p == '`')
			st_buf_putc(b, '`');
		st_buf_putc(b, *p);
	}
	st_buf_putc(b, '`');
}

/* ALTER TABLE t DROP INDEX x / ADD [UNIQUE] INDEX x (cols), online: ALGORITHM=INPLACE, LOCK=NONE makes the server
 * refuse rather than copy the table or block writes. */
static const char *mysql_sql(struct st_ctx *ctx, const struct st_ix_index *x, int add)
{
	struct st_buf b = {0};
	st_buf_puts(&b, "ALTER TABLE ");
	mysql_ident(&b, x->table);
	st_buf_puts(&b, add ? (x->unique ? " ADD UNIQUE INDEX " : " ADD INDEX ") : " DROP INDEX ");
	mysql_ident(&b, x->name);
	if (add) {
		st_buf_puts(&b, " (");
		for (size_t i = 0; i < x->n_cols; i++) {
			const char *sp = strchr(x->cols[i], ' ');
			char *c = strndup(x->cols[i], sp ? (size_t)(sp - x->cols[i]) : strlen(x->cols[i]));
			if (!c) {
				b.failed = 1;
				break;
			}
			st_buf_puts(&b, i ? ", " : "");
			mysql_ident(&b, c);
			free(c);
			if (sp)
				st_buf_puts(&b, sp);
		}
		st_buf_putc(&b, ')');
	}
	st_buf_puts(&b, ", ALGORITHM=INPLACE, LOCK=NONE;");
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

static void plan_fks(struct st_ctx *ctx, const struct st_ix_schema *s, struct st_findings *out, struct st_ix_plan *plan,
                     const struct by_table *bt)
{
	for (size_t i = 0; i < s->n_fks && !ctx->oom; i++) {
		const struct st_ix_fk *fk = &s->fks[i];
		if (!fk->table || !*fk->table || fk_covered(ctx, s, fk, NULL, bt))
			continue;
		/* an earlier FK with the same columns already asked for this index */
		int seen = 0;
		size_t lo, hi;
		range(bt->fk, s->n_fks, fk->table, &lo, &hi);
		for (size_t r = lo; r < hi && !seen && bt->fk[r].pos < i; r++) {
			const struct st_ix_fk *o = &s->fks[bt->fk[r].pos];
			if (o->n_cols == fk->n_cols) {
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
	return !x->dropped && !x->invalid && !x->unique && !x->primary && !x->constraint && !x->partial &&
	       !x->expression && !x->include && !x->method;
}

static int prefix_of(const struct st_ix_index *a, const struct st_ix_index *b)
{
	if (a->n_cols > b->n_cols || b->invalid || b->partial || b->method || strcmp(a->table, b->table) != 0)
		return 0;
	for (size_t i = 0; i < a->n_cols; i++)
		if (strcmp(a->cols[i], b->cols[i]) != 0 || b->cols[i][0] == '(')
			return 0;
	return 1;
}

static void plan_redundant(struct st_ctx *ctx, const struct st_ix_schema *s, struct st_findings *out,
                           struct st_ix_plan *plan, unsigned char *dropping, unsigned char *kept,
                           const struct by_table *bt)
{
	for (size_t i = 0; i < s->n_indexes && !ctx->oom; i++) {
		const struct st_ix_index *a = &s->indexes[i];
		if (!droppable(a) || !a->n_cols)
			continue;
		const struct st_ix_index *keep = NULL;
		size_t keep_at = 0, lo, hi;
		range(bt->ix, s->n_indexes, a->table, &lo, &hi);
		for (size_t r = lo; r < hi && !keep; r++) {
			size_t k = bt->ix[r].pos;
			const struct st_ix_index *b = &s->indexes[k];
			if (k == i || b->dropped || dropping[k] || !prefix_of(a, b))
				continue;
			/* two plain copies: the one queries use less goes (live statistics), else the later one */
			if (b->n_cols == a->n_cols && droppable(b) &&
			    (a->live && b->live && a->scans != b->scans ? a->scans > b->scans : k > i))
				continue;
			keep = b;
			keep_at = k;
		}
		if (!keep)
			continue;
		if (fk_needs_index(ctx, s, bt, dropping, i, a->table)) /* the last index a foreign key leads with */
			continue;
		dropping[i] = 1;
		kept[keep_at] = 1; /* the queries of the dropped index move to it: index-unused must not drop it too */
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
		act->up = s->mysql ? mysql_sql(ctx, a, 0) : drop_sql(ctx, a->name);
		act->down = s->mysql ? mysql_sql(ctx, a, 1) : recreate_sql(ctx, a);
		act->origin = a->origin;
	}
}

/* "1.5 MiB" style, for messages. */
static const char *size_text(struct st_ctx *ctx, int64_t bytes)
{
	static const char *const unit[] = {"bytes", "kB", "MB", "GB", "TB"};
	double v = (double)bytes;
	int u = 0;
	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	const char *r = u ? st_arena_printf(&ctx->arena, "%.1f %s", v, unit[u])
	                  : st_arena_printf(&ctx->arena, "%lld bytes", (long long)bytes);
	return r ? r : "?";
}

/* "3 days" / "5 hours" / "40 seconds", for messages. */
static const char *age_text(struct st_ctx *ctx, int64_t s)
{
	const char *r = s >= 2 * 86400 ? st_arena_printf(&ctx->arena, "%lld days", (long long)(s / 86400))
	                : s >= 7200    ? st_arena_printf(&ctx->arena, "%lld hours", (long long)(s / 3600))
	                               : st_arena_printf(&ctx->arena, "%lld seconds", (long long)s);
	return r ? r : "?";
}

static const char *unqualified(const char *name)
{
	const char *dot = strrchr(name, '.');
	return dot ? dot + 1 : name;
}

static void plan_invalid(struct st_ctx *ctx, const struct st_ix_schema *s, struct st_findings *out,
                         struct st_ix_plan *plan)
{
	for (size_t i = 0; i < s->n_indexes && !ctx->oom; i++) {
		const struct st_ix_index *x = &s->indexes[i];
		if (!x->invalid || x->dropped || !x->name)
			continue;
		const char *msg = st_arena_printf(
		    &ctx->arena,
		    "index %s on %s is INVALID (a concurrent build failed or was cancelled): no query uses it, yet every "
		    "write to %s still maintains it; drop it and build it again%s",
		    x->name, x->table, x->table, x->unique ? " (a UNIQUE build fails again while duplicate keys remain)" : "");
		if (!msg || !add_finding(ctx, out, "index-invalid", ST_SEV_WARNING, msg, &x->origin) || !plan)
			continue;
		struct st_ix_action *d = add_action(ctx, plan);
		if (!d)
			return;
		d->rule = "index-invalid";
		d->name = unqualified(x->name);
		d->slug = st_arena_printf(&ctx->arena, "drop_invalid_%s", d->name);
		d->why = st_arena_printf(&ctx->arena, "%s on %s is INVALID: it serves no query and slows every write; "
		                                      "IF NOT EXISTS would keep it, so it goes first", x->name, x->table);
		d->up = drop_sql(ctx, x->name);
		d->down = "-- nothing to restore: an INVALID index serves no query;";
		d->origin = x->origin;
		struct st_ix_action *c = add_action(ctx, plan);
		if (!c)
			return;
		c->rule = "index-invalid";
		c->name = d->name;
		c->slug = st_arena_printf(&ctx->arena, "recreate_%s", d->name);
		c->why = st_arena_printf(&ctx->arena, "builds %s on %s again, online, after its INVALID leftover was dropped%s",
		                         x->name, x->table,
		                         x->unique ? "; a UNIQUE build fails again while duplicate keys remain" : "");
		c->up = recreate_sql(ctx, x);
		c->down = drop_sql(ctx, x->name);
		c->origin = x->origin;
	}
}

static void plan_unused(struct st_ctx *ctx, const struct st_ix_schema *s, struct st_findings *out,
                        struct st_ix_plan *plan, unsigned char *dropping, const unsigned char *kept,
                        const struct by_table *bt)
{
	if (!s->server)
		return;
	if (s->stats_age_s < s->min_stats_age_s) {
		struct st_origin o = {.kind = ST_ORIGIN_LIVE, .file = s->server, .detail = "pg_stat_database.stats_reset"};
		st_diag(ctx, ST_SEV_INFO, &o,
		        "unused indexes not judged: the statistics are %s old, the rule wants %s (they count since the last "
		        "reset, or since the server started)",
		        s->stats_age_s < 0 ? "of unknown age, not" : age_text(ctx, s->stats_age_s),
		        age_text(ctx, s->min_stats_age_s));
		return;
	}
	for (size_t i = 0; i < s->n_indexes && !ctx->oom; i++) {
		const struct st_ix_index *x = &s->indexes[i];
		if (!x->live || x->dropped || dropping[i] || kept[i] || x->invalid || x->scans != 0 || x->unique || x->primary ||
		    x->constraint || x->exclusion || !x->name)
			continue;
		const struct st_ix_table *t = NULL;
		size_t lo, hi;
		range(bt->tb, s->n_tables, x->table, &lo, &hi);
		for (size_t r = lo; r < hi; r++)
			if (!s->tables[bt->tb[r].pos].dropped)
				t = &s->tables[bt->tb[r].pos];
		if (!t || t->seq_scan + t->idx_scan < s->min_table_scans)
			continue; /* a table nobody reads says nothing about its indexes */
		if (fk_needs_index(ctx, s, bt, dropping, i, x->table))
			continue; /* it backs a foreign key: deletes of parent rows use it even when no query does */
		dropping[i] = 1;
		const char *msg = st_arena_printf(
		    &ctx->arena,
		    "index %s on %s (%s) was never scanned in %s of statistics while %s was read %lld times and written %lld "
		    "rows: it costs every write and serves no query",
		    x->name, x->table, size_text(ctx, x->bytes), age_text(ctx, s->stats_age_s), x->table,
		    (long long)(t->seq_scan + t->idx_scan), (long long)t->writes);
		if (!msg || !add_finding(ctx, out, "index-unused", ST_SEV_WARNING, msg, &x->origin) || !plan)
			continue;
		struct st_ix_action *a = add_action(ctx, plan);
		if (!a)
			return;
		a->rule = "index-unused";
		a->name = unqualified(x->name);
		a->slug = st_arena_printf(&ctx->arena, "drop_%s", a->name);
		a->why = st_arena_printf(&ctx->arena, "%s on %s: idx_scan = 0 over %s of statistics (%s); the down file "
		                                      "builds it again, online, if a rare query needed it",
		                         x->name, x->table, age_text(ctx, s->stats_age_s), size_text(ctx, x->bytes));
		a->up = drop_sql(ctx, x->name);
		a->down = recreate_sql(ctx, x);
		a->origin = x->origin;
	}
}

static void plan_seqscan(struct st_ctx *ctx, const struct st_ix_schema *s, struct st_findings *out,
                         struct st_ix_plan *plan)
{
	for (size_t i = 0; i < s->n_tables && !ctx->oom; i++) {
		const struct st_ix_table *t = &s->tables[i];
		if (!t->live || t->dropped || t->bytes < s->seqscan_min_bytes || t->seq_scan < s->seqscan_min_scans ||
		    t->seq_tup_read <= 10 * t->idx_tup_fetch)
			continue;
		const char *msg = st_arena_printf(
		    &ctx->arena,
		    "table %s (%s) was read by %lld sequential scans (%lld rows read) against %lld rows fetched by index "
		    "scans: a query filters it without an index; which columns to index depends on the queries "
		    "(pg_stat_statements, EXPLAIN), so this is a proposal, not a planned change",
		    t->name, size_text(ctx, t->bytes), (long long)t->seq_scan, (long long)t->seq_tup_read,
		    (long long)t->idx_tup_fetch);
		if (!msg || !add_finding(ctx, out, "index-seqscan-heavy", ST_SEV_INFO, msg, &t->origin) || !plan)
			continue;
		struct st_buf where = {0};
		st_origin_format(&where, &t->origin);
		const char *p = st_arena_printf(
		    &ctx->arena,
		    "-- %s [index-seqscan-heavy, %s]\n"
		    "-- %lld sequential scans read %lld rows; index scans fetched %lld. Find the queries that scan it\n"
		    "-- (pg_stat_statements ordered by total_exec_time, then EXPLAIN (ANALYZE, BUFFERS)) and index the\n"
		    "-- columns of their WHERE / JOIN conditions, equality columns first:\n"
		    "-- CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_%s_COLUMNS ON %s (COLUMNS);\n",
		    t->name, st_buf_cstr(&where), (long long)t->seq_scan, (long long)t->seq_tup_read,
		    (long long)t->idx_tup_fetch, unqualified(t->name), t->name);
		st_buf_free(&where);
		if (!p || ix_grow(ctx, (void **)&plan->proposals, &plan->cap_proposals, plan->n_proposals,
		                  sizeof(*plan->proposals)) < 0)
			return (void)(ctx->oom = 1);
		plan->proposals[plan->n_proposals++] = p;
	}
}

int st_ix_plan(struct st_ctx *ctx, const struct st_ix_schema *s, struct st_findings *out, struct st_ix_plan *plan)
{
	for (size_t i = 0; i < s->n_notes && !ctx->oom; i++)
		add_finding(ctx, out, s->notes[i].rule, s->notes[i].severity, s->notes[i].message, &s->notes[i].origin);
	unsigned char *dropping = st_arena_alloc(&ctx->arena, s->n_indexes + 1);
	unsigned char *kept = st_arena_alloc(&ctx->arena, s->n_indexes + 1);
	if (!dropping || !kept)
		return ctx->oom = 1, -1;
	memset(dropping, 0, s->n_indexes + 1);
	memset(kept, 0, s->n_indexes + 1);
	struct by_table bt = {.ix = sorted(ctx, s->n_indexes, ix_table, s), .fk = sorted(ctx, s->n_fks, fk_table, s),
	                      .tb = sorted(ctx, s->n_tables, tb_table, s)};
	if (!bt.ix || !bt.fk || !bt.tb)
		return -1;
	plan_invalid(ctx, s, out, plan);
	plan_fks(ctx, s, out, plan, &bt);
	plan_redundant(ctx, s, out, plan, dropping, kept, &bt);
	plan_unused(ctx, s, out, plan, dropping, kept, &bt);
	plan_seqscan(ctx, s, out, plan);
	return ctx->oom ? -1 : 0;
}

int st_ix_render(struct st_ctx *ctx, const struct st_ix_schema *s, const struct st_ix_plan *p,
                 struct st_ix_file **files, size_t *n)
{
	*n = 0;
	*files = st_arena_alloc(&ctx->arena, (2 * p->n + 2) * sizeof(**files));
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
		const char *head =
		    s->mysql ? "-- Generated by stacktune index plan. One statement per file; ALGORITHM=INPLACE, LOCK=NONE makes\n"
		               "-- MySQL/MariaDB refuse the change rather than copy the table or block writes. Run it with\n"
		               "-- a low lock_wait_timeout: the change still waits for a metadata lock at its start and end.\n"
		             : "-- Generated by stacktune index plan. One statement per file: CONCURRENTLY cannot run inside a\n"
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
	if (p->n_proposals) {
		/* comments only, and a name no migration tool or 'index apply DIR' takes for a migration */
		struct st_buf b = {0};
		st_buf_puts(&b, "-- Generated by stacktune index plan: changes that need a human choice. Nothing here runs;\n"
		                "-- write the chosen statement into a migration of its own.\n");
		for (size_t i = 0; i < p->n_proposals; i++)
			st_buf_printf(&b, "\n%s", p->proposals[i]);
		const char *text = b.failed ? NULL : st_arena_strdup(&ctx->arena, st_buf_cstr(&b));
		st_buf_free(&b);
		if (!text)
			return ctx->oom = 1, -1;
		(*files)[(*n)++] = (struct st_ix_file){.name = "stacktune_proposals.sql", .text = text};
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
