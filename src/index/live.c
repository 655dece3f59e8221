/* The live PostgreSQL catalog as a schema model: tables with their statistics, indexes (columns, flags,
 * validity, scans, size, definition) and foreign keys of the connected database, in four read-only queries
 * in one read-only transaction. User schemas only; partitions are left out (their indexes and foreign keys
 * are clones of the partitioned table's). The connection is st_live_pg_connect's, shared with the live
 * reader and index apply. */
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "index_internal.h"
#include "stacktune/live.h"

/* The tables we model, and the name the rules show: "relname" in public, else "nspname.relname". */
#define TABLES_CTE                                                                                                    \
	"WITH t AS (SELECT c.oid, CASE WHEN n.nspname = 'public' THEN c.relname::text "                                 \
	"ELSE n.nspname || '.' || c.relname END AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace " \
	"WHERE c.relkind IN ('r', 'p', 'm') AND NOT c.relispartition AND n.nspname NOT IN ('pg_catalog', "              \
	"'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%') "

static const char *const info_sql =
    "SELECT extract(epoch FROM now() - coalesce((SELECT stats_reset FROM pg_stat_database WHERE datname = "
    "current_database()), pg_postmaster_start_time()))::bigint";

static const char *const tables_sql =
    TABLES_CTE "SELECT t.name, coalesce(s.seq_scan, 0), coalesce(s.seq_tup_read, 0), coalesce(s.idx_scan, 0), "
               "coalesce(s.idx_tup_fetch, 0), coalesce(s.n_tup_ins + s.n_tup_upd + s.n_tup_del, 0), "
               "pg_relation_size(t.oid) FROM t LEFT JOIN pg_stat_user_tables s ON s.relid = t.oid ORDER BY t.name";

/* One row per index; its key columns come from columns_sql in the same order (by indexrelid). */
static const char *const indexes_sql =
    TABLES_CTE "SELECT i.indexrelid, t.name, CASE WHEN t.name LIKE '%.%' AND position('.' IN ic.relname) = 0 "
               "THEN split_part(t.name, '.', 1) || '.' || ic.relname ELSE ic.relname::text END, "
               "i.indisunique, i.indisprimary, i.indisexclusion, i.indisvalid AND i.indisready AND i.indislive, "
               "i.indpred IS NOT NULL, i.indexprs IS NOT NULL, i.indnatts > i.indnkeyatts, am.amname, "
               "EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid "
               "AND k.contype IN ('p', 'u', 'x')), coalesce(s.idx_scan, 0), pg_relation_size(i.indexrelid), "
               "pg_get_indexdef(i.indexrelid) "
               "FROM pg_index i JOIN t ON t.oid = i.indrelid JOIN pg_class ic ON ic.oid = i.indexrelid "
               "JOIN pg_am am ON am.oid = ic.relam LEFT JOIN pg_stat_user_indexes s ON s.indexrelid = i.indexrelid "
               "ORDER BY i.indexrelid";

/* Key columns: attname for a column, the expression text for an expression; DESC; a non-default operator
 * class or collation makes it another index for the duplicate rules (as the SQL reader marks it). */
static const char *const columns_sql =
    TABLES_CTE "SELECT i.indexrelid, a.attname, pg_get_indexdef(i.indexrelid, k.n, true), "
               "(i.indoption[k.n - 1] & 1) = 1, NOT coalesce(opc.opcdefault, true) OR "
               "(i.indcollation[k.n - 1] <> 0 AND i.indcollation[k.n - 1] <> coalesce(a.attcollation, 0)) "
               "FROM pg_index i JOIN t ON t.oid = i.indrelid CROSS JOIN LATERAL generate_series(1, i.indnkeyatts) "
               "AS k(n) LEFT JOIN pg_attribute a ON i.indkey[k.n - 1] <> 0 AND a.attrelid = i.indrelid AND "
               "a.attnum = i.indkey[k.n - 1] LEFT JOIN pg_opclass opc ON opc.oid = i.indclass[k.n - 1] "
               "ORDER BY i.indexrelid, k.n";

static const char *const fks_sql =
    TABLES_CTE "SELECT k.oid, k.conname, t.name, CASE WHEN rn.nspname = 'public' THEN rc.relname::text "
               "ELSE rn.nspname || '.' || rc.relname END, a.attname "
               "FROM pg_constraint k JOIN t ON t.oid = k.conrelid "
               "CROSS JOIN LATERAL unnest(k.conkey) WITH ORDINALITY AS u(attnum, ord) "
               "JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.attnum "
               "JOIN pg_class rc ON rc.oid = k.confrelid JOIN pg_namespace rn ON rn.oid = rc.relnamespace "
               "WHERE k.contype = 'f' ORDER BY k.oid, u.ord";

struct reader {
	struct st_ctx *ctx;
	struct st_live_pg_conn c;
	struct st_ix_schema *s;
};

static int error(struct reader *r, const char *what, const char *msg)
{
	struct st_origin o = {.kind = ST_ORIGIN_LIVE, .file = r->c.server};
	const char *m = st_live_scrub(r->ctx, msg ? msg : "unknown error", r->c.secrets, r->c.n_secrets);
	return st_diag(r->ctx, ST_SEV_ERROR, &o, "%s: %s", what, m ? m : "(message withheld)");
}

static PGresult *query(struct reader *r, const char *sql, const char *what)
{
	PGresult *res = PQexec(r->c.conn, sql);
	if (res && PQresultStatus(res) == PGRES_TUPLES_OK)
		return res;
	error(r, what, res ? PQresultErrorMessage(res) : PQerrorMessage(r->c.conn));
	PQclear(res);
	return NULL;
}

static const char *text(struct reader *r, const PGresult *res, int row, int col)
{
	if (PQgetisnull(res, row, col))
		return NULL;
	const char *v = st_arena_strdup(&r->ctx->arena, PQgetvalue(res, row, col));
	if (!v)
		r->ctx->oom = 1;
	return v;
}

static int flag(const PGresult *res, int row, int col)
{
	return !PQgetisnull(res, row, col) && PQgetvalue(res, row, col)[0] == 't';
}

static int64_t num(const PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? 0 : strtoll(PQgetvalue(res, row, col), NULL, 10);
}

static struct st_origin origin(struct reader *r, const char *detail)
{
	return (struct st_origin){.kind = ST_ORIGIN_LIVE, .file = r->c.server, .detail = detail};
}

static int read_tables(struct reader *r)
{
	PGresult *res = query(r, tables_sql, "cannot read the tables (pg_class, pg_stat_user_tables)");
	if (!res)
		return -1;
	for (int i = 0; i < PQntuples(res) && !r->ctx->oom; i++) {
		struct st_ix_table *t = ix_add_table(r->ctx, r->s);
		if (!t)
			break;
		t->name = text(r, res, i, 0);
		t->origin = origin(r, "pg_class");
		t->live = 1;
		t->seq_scan = num(res, i, 1);
		t->seq_tup_read = num(res, i, 2);
		t->idx_scan = num(res, i, 3);
		t->idx_tup_fetch = num(res, i, 4);
		t->writes = num(res, i, 5);
		t->bytes = num(res, i, 6);
	}
	PQclear(res);
	return r->ctx->oom ? -1 : 0;
}

static int read_indexes(struct reader *r)
{
	PGresult *res = query(r, indexes_sql, "cannot read the indexes (pg_index, pg_stat_user_indexes)");
	if (!res)
		return -1;
	PGresult *cols = query(r, columns_sql, "cannot read the index columns (pg_index, pg_attribute)");
	if (!cols) {
		PQclear(res);
		return -1;
	}
	int nc = PQntuples(cols), k = 0;
	for (int i = 0; i < PQntuples(res) && !r->ctx->oom; i++) {
		struct st_ix_index *x = ix_add_index(r->ctx, r->s);
		if (!x)
			break;
		const char *oid = PQgetvalue(res, i, 0);
		x->table = text(r, res, i, 1);
		x->name = text(r, res, i, 2);
		x->unique = flag(res, i, 3);
		x->primary = flag(res, i, 4);
		x->exclusion = flag(res, i, 5);
		x->invalid = !flag(res, i, 6);
		x->partial = flag(res, i, 7);
		x->expression = flag(res, i, 8);
		x->include = flag(res, i, 9);
		const char *am = PQgetvalue(res, i, 10);
		if (strcmp(am, "btree") != 0)
			x->method = text(r, res, i, 10);
		x->constraint = flag(res, i, 11);
		x->scans = num(res, i, 12);
		x->bytes = num(res, i, 13);
		x->definition = text(r, res, i, 14);
		x->live = 1;
		x->origin = origin(r, "pg_index");
		/* both results are ordered by indexrelid: the columns of this index are the next run */
		int first = k;
		while (k < nc && strcmp(PQgetvalue(cols, k, 0), oid) == 0)
			k++;
		x->cols = st_arena_alloc(&r->ctx->arena, (size_t)(k - first + 1) * sizeof(*x->cols));
		if (!x->cols) {
			r->ctx->oom = 1;
			break;
		}
		for (int c = first; c < k; c++) {
			const char *col;
			if (!PQgetisnull(cols, c, 1)) {
				int desc = flag(cols, c, 3);
				col = desc ? st_arena_printf(&r->ctx->arena, "%s DESC", PQgetvalue(cols, c, 1))
				           : st_arena_strdup(&r->ctx->arena, PQgetvalue(cols, c, 1));
			} else {
				x->expression = 1;
				col = st_arena_printf(&r->ctx->arena, "(%s)", PQgetvalue(cols, c, 2));
			}
			if (flag(cols, c, 4))
				x->expression = 1;
			if (!col) {
				r->ctx->oom = 1;
				break;
			}
			x->cols[x->n_cols++] = col;
		}
	}
	PQclear(cols);
	PQclear(res);
	return r->ctx->oom ? -1 : 0;
}

static int read_fks(struct reader *r)
{
	PGresult *res = query(r, fks_sql, "cannot read the foreign keys (pg_constraint)");
	if (!res)
		return -1;
	int n = PQntuples(res);
	for (int i = 0; i < n && !r->ctx->oom;) {
		const char *oid = PQgetvalue(res, i, 0);
		int end = i;
		while (end < n && strcmp(PQgetvalue(res, end, 0), oid) == 0)
			end++;
		struct st_ix_fk *fk = ix_add_fk(r->ctx, r->s);
		if (!fk)
			break;
		fk->name = text(r, res, i, 1);
		fk->table = text(r, res, i, 2);
		fk->ref_table = text(r, res, i, 3);
		fk->origin = origin(r, "pg_constraint");
		fk->cols = st_arena_alloc(&r->ctx->arena, (size_t)(end - i) * sizeof(*fk->cols));
		if (!fk->cols) {
			r->ctx->oom = 1;
			break;
		}
		for (; i < end; i++)
			fk->cols[fk->n_cols++] = text(r, res, i, 4);
	}
	PQclear(res);
	return r->ctx->oom ? -1 : 0;
}

int st_ix_live_pg(struct st_ctx *ctx, const char *dsn, const struct st_ix_live_opts *opts, struct st_ix_schema *s)
{
	struct st_ix_live_opts o = {.min_stats_age_s = -1, .min_table_scans = -1, .seqscan_min_bytes = -1,
	                            .seqscan_min_scans = -1};
	if (opts)
		o = *opts;
	s->min_stats_age_s = o.min_stats_age_s >= 0 ? o.min_stats_age_s : 7 * 86400;
	s->min_table_scans = o.min_table_scans >= 0 ? o.min_table_scans : 100;
	s->seqscan_min_bytes = o.seqscan_min_bytes >= 0 ? o.seqscan_min_bytes : 64LL << 20;
	s->seqscan_min_scans = o.seqscan_min_scans >= 0 ? o.seqscan_min_scans : 100;
	s->stats_age_s = -1;

	struct reader r = {.ctx = ctx, .s = s};
	if (st_live_pg_connect(ctx, dsn, "stacktune index plan", o.connect_timeout, &r.c) < 0)
		return -1;
	s->server = r.c.server;
	/* the catalog replaces what the migrations describe: it is what exists */
	s->n_tables = s->n_indexes = s->n_fks = 0;
	int rc = -1;
	/* one snapshot for the four queries; nothing is written */
	PGresult *begin = PQexec(r.c.conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
	if (!begin || PQresultStatus(begin) != PGRES_COMMAND_OK) {
		error(&r, "cannot start a read-only transaction", begin ? PQresultErrorMessage(begin) : PQerrorMessage(r.c.conn));
		PQclear(begin);
		goto out;
	}
	PQclear(begin);
	PGresult *info = query(&r, info_sql, "cannot read the statistics age (pg_stat_database)");
	if (!info)
		goto out;
	if (PQntuples(info) == 1 && !PQgetisnull(info, 0, 0))
		s->stats_age_s = num(info, 0, 0);
	PQclear(info);
	if (read_tables(&r) < 0 || read_indexes(&r) < 0 || read_fks(&r) < 0)
		goto out;
	rc = 0;
out:
	PQfinish(r.c.conn); /* ends the read-only transaction */
	return rc;
}
