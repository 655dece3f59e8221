/* PostgreSQL SQL migrations through libpg_query (the server's own parser, as a library): the protobuf parse
 * tree is walked for CREATE TABLE (column and table constraints), ALTER TABLE ADD CONSTRAINT, CREATE INDEX,
 * DROP INDEX / TABLE, transaction blocks and SET lock_timeout; everything else is ignored. */
#include <string.h>

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include "index_internal.h"

struct sqlfile {
	struct st_ctx *ctx;
	struct st_ix_schema *s;
	const char *path;
	const char *sql;
	size_t len;
	int in_tx;          /* inside BEGIN ... COMMIT */
	int lock_timeout;   /* SET lock_timeout seen */
	int golang_migrate; /* the file runs as one multi-statement Exec (an implicit transaction) */
	size_t n_stmts;
	int no_timeout_noted;
};

/* line:col of a byte offset (clamped) */
static struct st_origin at(const struct sqlfile *f, long off)
{
	if (off < 0)
		off = 0;
	if ((size_t)off > f->len)
		off = (long)f->len;
	unsigned line = 1, col = 1;
	size_t line_off = 0;
	for (long i = 0; i < off; i++) {
		if (f->sql[i] == '\n') {
			line++;
			col = 1;
			line_off = (size_t)i + 1;
		} else if (((unsigned char)f->sql[i] & 0xC0) != 0x80) {
			col++;
		}
	}
	struct st_origin o = st_origin_file(f->path, line, col);
	o.line_off = line_off;
	size_t e = line_off;
	while (e < f->len && f->sql[e] != '\n' && f->sql[e] != '\r')
		e++;
	o.line_len = e - line_off;
	return o;
}

/* The first byte of a statement: stmt_location points after the previous ';', before comments and spaces. */
static long stmt_start(const struct sqlfile *f, long off)
{
	size_t i = off < 0 ? 0 : (size_t)off;
	while (i < f->len) {
		if (f->sql[i] == ' ' || f->sql[i] == '\t' || f->sql[i] == '\n' || f->sql[i] == '\r' || f->sql[i] == '\f') {
			i++;
		} else if (f->sql[i] == '-' && i + 1 < f->len && f->sql[i + 1] == '-') {
			while (i < f->len && f->sql[i] != '\n')
				i++;
		} else if (f->sql[i] == '/' && i + 1 < f->len && f->sql[i + 1] == '*') {
			const char *e = strstr(f->sql + i + 2, "*/");
			i = e ? (size_t)(e - f->sql) + 2 : f->len;
		} else {
			break;
		}
	}
	return (long)i;
}

static const char *str_of(const PgQuery__Node *n)
{
	if (n && n->node_case == PG_QUERY__NODE__NODE_STRING && n->string)
		return n->string->sval;
	return NULL;
}

/* "name" or "schema.name"; public. is dropped so both spellings meet. */
static const char *relname(struct sqlfile *f, const PgQuery__RangeVar *rv)
{
	if (!rv || !rv->relname)
		return NULL;
	const char *r = rv->schemaname && *rv->schemaname && strcmp(rv->schemaname, "public") != 0
	                    ? st_arena_printf(&f->ctx->arena, "%s.%s", rv->schemaname, rv->relname)
	                    : st_arena_strdup(&f->ctx->arena, rv->relname);
	if (!r)
		f->ctx->oom = 1;
	return r;
}

/* Copies a list of String nodes (column names) into the arena; *n receives the count. */
static const char **names(struct sqlfile *f, PgQuery__Node **items, size_t n_items, size_t *n)
{
	const char **v = st_arena_alloc(&f->ctx->arena, (n_items + 1) * sizeof(*v));
	if (!v)
		return f->ctx->oom = 1, NULL;
	*n = 0;
	for (size_t i = 0; i < n_items; i++) {
		const char *s = str_of(items[i]);
		if (s)
			v[(*n)++] = st_arena_strdup(&f->ctx->arena, s);
	}
	return v;
}

static int created_here(const struct sqlfile *f, const char *table)
{
	const struct st_ix_table *t = ix_find_table(f->s, table);
	return t && t->origin.file && strcmp(t->origin.file, f->path) == 0;
}

/* PostgreSQL's default name for an index of a constraint: table_col[_col...]_pkey / _key / _fkey. */
static const char *default_name(struct sqlfile *f, const char *table, const char **cols, size_t n, const char *sfx)
{
	const char *parts[34];
	size_t k = 0;
	const char *dot = strchr(table, '.');
	parts[k++] = dot ? dot + 1 : table;
	for (size_t i = 0; i < n && k < 32; i++) {
		const char *c = cols[i], *sp = strchr(c, ' ');
		if (c[0] == '(') /* an expression: "(lower)" -> lower */
			c = st_arena_strndup(&f->ctx->arena, c + 1, strlen(c) > 2 ? strlen(c) - 2 : 0);
		else if (sp) /* "created_at DESC" */
			c = st_arena_strndup(&f->ctx->arena, c, (size_t)(sp - c));
		if (c)
			parts[k++] = c;
	}
	parts[k++] = sfx;
	return st_ix_name(f->ctx, parts, k);
}

/* The columns of a constraint: the one column it is written on (an inline constraint), else its list. */
static const char **constraint_cols(struct sqlfile *f, const char *column, PgQuery__Node **list, size_t n_list,
                                    size_t *n)
{
	if (!column)
		return names(f, list, n_list, n);
	const char **cols = st_arena_alloc(&f->ctx->arena, sizeof(*cols));
	if (cols) {
		cols[0] = column;
		*n = 1;
	}
	return cols;
}

static void add_constraint(struct sqlfile *f, const char *table, const PgQuery__Constraint *c, const char *column,
                           long stmt_off, int alter)
{
	struct st_ix_schema *s = f->s;
	struct st_origin o = at(f, c->location >= 0 ? c->location : stmt_off);
	size_t n = 0;
	const char **cols;
	switch (c->contype) {
	case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY:
	case PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE: {
		cols = constraint_cols(f, column, c->keys, c->n_keys, &n);
		if (!cols || !n)
			return;
		struct st_ix_index *x = ix_add_index(f->ctx, s);
		if (!x)
			return;
		int pk = c->contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY;
		x->table = table;
		x->cols = cols;
		x->n_cols = n;
		x->unique = 1;
		x->primary = pk;
		x->constraint = 1;
		x->include = c->n_including > 0;
		x->origin = o;
		x->name = c->conname && *c->conname ? st_arena_strdup(&f->ctx->arena, c->conname)
		          : c->indexname && *c->indexname ? st_arena_strdup(&f->ctx->arena, c->indexname)
		                                          : default_name(f, table, cols, pk ? 0 : n, pk ? "pkey" : "key");
		break;
	}
	case PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN: {
		cols = constraint_cols(f, column, c->fk_attrs, c->n_fk_attrs, &n);
		if (!cols || !n)
			return;
		struct st_ix_fk *k = ix_add_fk(f->ctx, s);
		if (!k)
			return;
		k->table = table;
		k->cols = cols;
		k->n_cols = n;
		k->ref_table = relname(f, c->pktable);
		k->name = c->conname && *c->conname ? st_arena_strdup(&f->ctx->arena, c->conname) : NULL;
		k->origin = o;
		/* a validating FK on a table that already has rows scans it under SHARE ROW EXCLUSIVE */
		if (alter && !c->skip_validation && !created_here(f, table))
			ix_note(f->ctx, s, "migration-fk-validating", ST_SEV_WARNING, &o,
			        "foreign key on %s added without NOT VALID: the whole table is scanned while writes to it and "
			        "to %s wait; add it NOT VALID, then VALIDATE CONSTRAINT in a later migration",
			        table, k->ref_table ? k->ref_table : "the referenced table");
		break;
	}
	default:
		break;
	}
}

static void create_table(struct sqlfile *f, const PgQuery__CreateStmt *cs, long off)
{
	const char *table = relname(f, cs->relation);
	if (!table)
		return;
	if (cs->if_not_exists && ix_find_table(f->s, table))
		return;
	struct st_ix_table *t = ix_add_table(f->ctx, f->s);
	if (!t)
		return;
	t->name = table;
	t->origin = at(f, off);
	for (size_t i = 0; i < cs->n_table_elts; i++) {
		const PgQuery__Node *e = cs->table_elts[i];
		if (e->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF && e->column_def) {
			const PgQuery__ColumnDef *cd = e->column_def;
			const char *col = st_arena_strdup(&f->ctx->arena, cd->colname);
			for (size_t k = 0; col && k < cd->n_constraints; k++)
				if (cd->constraints[k]->node_case == PG_QUERY__NODE__NODE_CONSTRAINT)
					add_constraint(f, table, cd->constraints[k]->constraint, col, off, 0);
		} else if (e->node_case == PG_QUERY__NODE__NODE_CONSTRAINT && e->constraint) {
			add_constraint(f, table, e->constraint, NULL, off, 0);
		}
	}
}

static void index_stmt(struct sqlfile *f, const PgQuery__IndexStmt *is, long off)
{
	const char *table = relname(f, is->relation);
	if (!table)
		return;
	struct st_origin o = at(f, off);
	struct st_ix_index *x = ix_add_index(f->ctx, f->s);
	if (!x)
		return;
	x->table = table;
	x->origin = o;
	x->unique = is->unique;
	x->concurrently = is->concurrent;
	x->partial = is->where_clause != NULL;
	x->include = is->n_index_including_params > 0;
	if (is->access_method && *is->access_method && strcmp(is->access_method, "btree") != 0)
		x->method = st_arena_strdup(&f->ctx->arena, is->access_method);
	x->cols = st_arena_alloc(&f->ctx->arena, (is->n_index_params + 1) * sizeof(*x->cols));
	if (!x->cols)
		return;
	for (size_t i = 0; i < is->n_index_params; i++) {
		const PgQuery__Node *p = is->index_params[i];
		if (p->node_case != PG_QUERY__NODE__NODE_INDEX_ELEM || !p->index_elem)
			continue;
		const PgQuery__IndexElem *ie = p->index_elem;
		const char *c;
		if (ie->name && *ie->name) {
			int desc = ie->ordering == PG_QUERY__SORT_BY_DIR__SORTBY_DESC;
			c = desc ? st_arena_printf(&f->ctx->arena, "%s DESC", ie->name) : st_arena_strdup(&f->ctx->arena, ie->name);
			if (ie->n_opclass || ie->n_collation)
				x->expression = 1; /* an opclass or collation makes it another index for our purposes */
		} else {
			/* PostgreSQL names an expression column after the function called, else "expr" */
			const char *fn = "expr";
			if (ie->expr && ie->expr->node_case == PG_QUERY__NODE__NODE_FUNC_CALL && ie->expr->func_call &&
			    ie->expr->func_call->n_funcname)
				fn = str_of(ie->expr->func_call->funcname[ie->expr->func_call->n_funcname - 1]);
			x->expression = 1;
			c = st_arena_printf(&f->ctx->arena, "(%s)", fn ? fn : "expr");
		}
		if (!c)
			return;
		x->cols[x->n_cols++] = c;
	}
	const char *idx = is->idxname && *is->idxname ? is->idxname : NULL;
	if (idx) {
		const char *dot = strchr(table, '.');
		x->name = dot ? st_arena_printf(&f->ctx->arena, "%.*s.%s", (int)(dot - table), table, idx)
		              : st_arena_strdup(&f->ctx->arena, idx);
		/* IF NOT EXISTS on a name that exists: nothing happens */
		for (size_t i = 0; i + 1 < f->s->n_indexes; i++)
			if (!f->s->indexes[i].dropped && f->s->indexes[i].name && strcmp(f->s->indexes[i].name, x->name) == 0) {
				f->s->n_indexes--;
				return;
			}
	} else {
		x->name = default_name(f, table, x->cols, x->n_cols, "idx");
	}
	if (f->in_tx && is->concurrent)
		ix_note(f->ctx, f->s, "migration-concurrent-in-transaction", ST_SEV_ERROR, &o,
		        "CREATE INDEX CONCURRENTLY inside BEGIN ... COMMIT fails (\"cannot run inside a transaction block\")");
	else if (is->concurrent && f->golang_migrate && f->n_stmts > 1)
		ix_note(f->ctx, f->s, "migration-concurrent-in-transaction", ST_SEV_ERROR, &o,
		        "CREATE INDEX CONCURRENTLY in a migration with other statements: golang-migrate sends the file as one "
		        "multi-statement query, an implicit transaction, and the build fails; give it a file of its own");
	if (!is->concurrent && !created_here(f, table)) {
		ix_note(f->ctx, f->s, "migration-index-not-concurrent", ST_SEV_WARNING, &o,
		        "CREATE INDEX %s without CONCURRENTLY blocks every write to %s for the whole build; use CREATE "
		        "INDEX CONCURRENTLY (outside a transaction)",
		        x->name ? x->name : "", table);
		if (!f->lock_timeout && !f->no_timeout_noted) {
			f->no_timeout_noted = 1;
			ix_note(f->ctx, f->s, "migration-no-lock-timeout", ST_SEV_INFO, &o,
			        "DDL on the existing table %s without SET lock_timeout: while it waits for its lock every "
			        "query on the table queues behind it",
			        table);
		}
	}
}

static void drop_stmt(struct sqlfile *f, const PgQuery__DropStmt *ds)
{
	int index = ds->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_INDEX;
	int table = ds->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE;
	if (!index && !table)
		return;
	for (size_t i = 0; i < ds->n_objects; i++) {
		const PgQuery__Node *obj = ds->objects[i];
		if (obj->node_case != PG_QUERY__NODE__NODE_LIST || !obj->list || !obj->list->n_items)
			continue;
		const PgQuery__List *l = obj->list;
		const char *last = str_of(l->items[l->n_items - 1]);
		const char *schema = l->n_items > 1 ? str_of(l->items[l->n_items - 2]) : NULL;
		if (!last)
			continue;
		const char *name = schema && strcmp(schema, "public") != 0
		                       ? st_arena_printf(&f->ctx->arena, "%s.%s", schema, last)
		                       : st_arena_strdup(&f->ctx->arena, last);
		if (!name)
			return;
		for (size_t k = 0; k < f->s->n_indexes; k++) {
			struct st_ix_index *x = &f->s->indexes[k];
			if (x->dropped)
				continue;
			if ((index && x->name && strcmp(x->name, name) == 0) || (table && strcmp(x->table, name) == 0))
				x->dropped = 1;
		}
		if (table) {
			struct st_ix_table *t = ix_find_table(f->s, name);
			if (t)
				t->dropped = 1;
			/* its foreign keys go with it */
			for (size_t k = 0; k < f->s->n_fks; k++)
				if (f->s->fks[k].table && strcmp(f->s->fks[k].table, name) == 0)
					f->s->fks[k].table = "";
		}
	}
}

static void statement(struct sqlfile *f, const PgQuery__Node *n, long off)
{
	switch (n->node_case) {
	case PG_QUERY__NODE__NODE_CREATE_STMT:
		create_table(f, n->create_stmt, off);
		break;
	case PG_QUERY__NODE__NODE_INDEX_STMT:
		index_stmt(f, n->index_stmt, off);
		break;
	case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT: {
		const PgQuery__AlterTableStmt *as = n->alter_table_stmt;
		const char *table = relname(f, as->relation);
		for (size_t i = 0; table && i < as->n_cmds; i++) {
			const PgQuery__Node *c = as->cmds[i];
			if (c->node_case != PG_QUERY__NODE__NODE_ALTER_TABLE_CMD || !c->alter_table_cmd)
				continue;
			const PgQuery__AlterTableCmd *cmd = c->alter_table_cmd;
			if ((cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint ||
			     cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraintRecurse) &&
			    cmd->def && cmd->def->node_case == PG_QUERY__NODE__NODE_CONSTRAINT)
				add_constraint(f, table, cmd->def->constraint, NULL, off, 1);
			else if (cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn && cmd->def &&
			         cmd->def->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF && cmd->def->column_def) {
				const PgQuery__ColumnDef *cd = cmd->def->column_def;
				const char *col = st_arena_strdup(&f->ctx->arena, cd->colname);
				for (size_t k = 0; col && k < cd->n_constraints; k++)
					if (cd->constraints[k]->node_case == PG_QUERY__NODE__NODE_CONSTRAINT)
						add_constraint(f, table, cd->constraints[k]->constraint, col, off, 1);
			}
		}
		break;
	}
	case PG_QUERY__NODE__NODE_DROP_STMT:
		drop_stmt(f, n->drop_stmt);
		break;
	case PG_QUERY__NODE__NODE_TRANSACTION_STMT: {
		PgQuery__TransactionStmtKind k = n->transaction_stmt->kind;
		if (k == PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_BEGIN || k == PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_START)
			f->in_tx = 1;
		else if (k == PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_COMMIT ||
		         k == PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK ||
		         k == PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_PREPARE)
			f->in_tx = 0;
		break;
	}
	case PG_QUERY__NODE__NODE_VARIABLE_SET_STMT:
		if (n->variable_set_stmt->name && strcmp(n->variable_set_stmt->name, "lock_timeout") == 0)
			f->lock_timeout = 1;
		break;
	default:
		break;
	}
}

/* Parses sql; on success *out holds the unpacked tree (free with pg_query__parse_result__free_unpacked). */
static int parse(struct st_ctx *ctx, const char *path, const char *sql, PgQuery__ParseResult **out)
{
	PgQueryProtobufParseResult r = pg_query_parse_protobuf(sql);
	if (r.error) {
		struct sqlfile f = {.ctx = ctx, .path = path, .sql = sql, .len = strlen(sql)};
		struct st_origin o = at(&f, r.error->cursorpos > 0 ? r.error->cursorpos - 1 : 0);
		st_diag(ctx, ST_SEV_ERROR, &o, "SQL syntax error: %s", r.error->message ? r.error->message : "?");
		pg_query_free_protobuf_parse_result(r);
		return -1;
	}
	*out = pg_query__parse_result__unpack(NULL, r.parse_tree.len, (const uint8_t *)r.parse_tree.data);
	pg_query_free_protobuf_parse_result(r);
	if (!*out)
		return ctx->oom = 1, -1;
	return 0;
}

int st_ix_sql_load(struct st_ctx *ctx, struct st_ix_schema *s, const char *path, const char *sql)
{
	PgQuery__ParseResult *pr;
	if (parse(ctx, path, sql, &pr) < 0)
		return -1;
	struct sqlfile f = {.ctx = ctx, .s = s, .path = path, .sql = sql, .len = strlen(sql)};
	f.golang_migrate = s->convention == ST_IX_GOLANG_MIGRATE;
	f.n_stmts = pr->n_stmts;
	s->n_files++;
	for (size_t i = 0; i < pr->n_stmts && !ctx->oom; i++) {
		const PgQuery__RawStmt *rs = pr->stmts[i];
		if (rs->stmt)
			statement(&f, rs->stmt, stmt_start(&f, rs->stmt_location));
	}
	pg_query__parse_result__free_unpacked(pr, NULL);
	return ctx->oom ? -1 : 0;
}

int st_ix_split(struct st_ctx *ctx, const char *path, const char *sql, const char ***stmts, unsigned **lines,
                size_t *n)
{
	PgQuery__ParseResult *pr;
	if (parse(ctx, path, sql, &pr) < 0)
		return -1;
	struct sqlfile f = {.ctx = ctx, .path = path, .sql = sql, .len = strlen(sql)};
	*n = 0;
	*stmts = st_arena_alloc(&ctx->arena, (pr->n_stmts + 1) * sizeof(**stmts));
	*lines = st_arena_alloc(&ctx->arena, (pr->n_stmts + 1) * sizeof(**lines));
	for (size_t i = 0; *stmts && *lines && i < pr->n_stmts; i++) {
		const PgQuery__RawStmt *rs = pr->stmts[i];
		long a = stmt_start(&f, rs->stmt_location);
		/* stmt_len 0 means "to the end of the input" */
		size_t e = rs->stmt_len > 0 ? (size_t)rs->stmt_location + (size_t)rs->stmt_len : f.len;
		if (e > f.len)
			e = f.len;
		while (e > (size_t)a && (sql[e - 1] == ' ' || sql[e - 1] == '\n' || sql[e - 1] == '\t' || sql[e - 1] == '\r'))
			e--;
		if ((size_t)a >= e)
			continue;
		(*lines)[*n] = at(&f, a).line;
		(*stmts)[(*n)++] = st_arena_strndup(&ctx->arena, sql + a, e - (size_t)a);
	}
	pg_query__parse_result__free_unpacked(pr, NULL);
	if (!*stmts || !*lines)
		return ctx->oom = 1, -1;
	return 0;
}

static const char *quoted_name(struct st_ctx *ctx, const char *schema, const char *name)
{
	struct st_buf b = {0};
	if (schema && *schema) {
		st_ix_quote(&b, schema);
		st_buf_putc(&b, '.');
	}
	st_ix_quote(&b, name);
	const char *r = b.failed ? NULL : st_arena_strdup(&ctx->arena, st_buf_cstr(&b));
	st_buf_free(&b);
	if (!r)
		ctx->oom = 1;
	return r;
}

int ix_stmt_info(struct st_ctx *ctx, const char *stmt, struct ix_stmt_info *out)
{
	memset(out, 0, sizeof(*out));
	PgQueryProtobufParseResult r = pg_query_parse_protobuf(stmt);
	if (r.error) {
		pg_query_free_protobuf_parse_result(r);
		return -1;
	}
	PgQuery__ParseResult *pr = pg_query__parse_result__unpack(NULL, r.parse_tree.len, (const uint8_t *)r.parse_tree.data);
	pg_query_free_protobuf_parse_result(r);
	if (!pr)
		return ctx->oom = 1, -1;
	const PgQuery__Node *n = pr->n_stmts == 1 ? pr->stmts[0]->stmt : NULL;
	if (n && n->node_case == PG_QUERY__NODE__NODE_INDEX_STMT && n->index_stmt) {
		const PgQuery__IndexStmt *is = n->index_stmt;
		out->create_index = 1;
		out->concurrent = is->concurrent;
		if (is->idxname && *is->idxname)
			out->index = quoted_name(ctx, is->relation ? is->relation->schemaname : NULL, is->idxname);
	} else if (n && n->node_case == PG_QUERY__NODE__NODE_DROP_STMT && n->drop_stmt &&
	           n->drop_stmt->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_INDEX) {
		const PgQuery__DropStmt *ds = n->drop_stmt;
		out->drop_index = 1;
		out->concurrent = ds->concurrent;
		if (ds->n_objects == 1 && ds->objects[0]->node_case == PG_QUERY__NODE__NODE_LIST && ds->objects[0]->list) {
			const PgQuery__List *l = ds->objects[0]->list;
			const char *last = l->n_items ? str_of(l->items[l->n_items - 1]) : NULL;
			const char *schema = l->n_items > 1 ? str_of(l->items[l->n_items - 2]) : NULL;
			if (last)
				out->index = quoted_name(ctx, schema, last);
		}
	}
	pg_query__parse_result__free_unpacked(pr, NULL);
	return 0;
}
