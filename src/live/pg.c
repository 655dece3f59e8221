/* PostgreSQL live reader (libpq): settings with their source, version, role, activity, database and checkpoint
 * statistics, pg_stat_statements. One connection, two round trips (three with pg_stat_statements).
 *
 * Facts under <c>.live.:
 *   connections.total, connections.<state>, connections.by_application.<name>, connections.by_client.<addr>
 *     (client backends other than this one; top 20 applications and client addresses)
 *   database.name, database.<stat>, databases.<stat>: cache_hit_ratio (real, blks_hit / (hit + read)),
 *     blks_hit, blks_read, temp_files, temp_bytes (size), deadlocks, xact_commit, xact_rollback,
 *     stats_reset_age (duration) — for the connected database, and summed over all
 *   checkpoints.timed, checkpoints.requested
 *   statements.available (bool); statements.<n>.query (literals masked, 200 bytes), .calls, .total_time,
 *     .mean_time (durations), .rows — top 10 by total execution time
 *   pending_restart.<setting> */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "live_internal.h"
#include "stacktune/loaders.h"

#define PG_DEFAULT_PORT 5432

static const char *cell(const PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? NULL : PQgetvalue(res, row, col);
}

static int64_t cell_int(const PGresult *res, int row, int col, int *ok)
{
	int64_t v = 0;
	const char *s = cell(res, row, col);
	*ok = s && live_int(s, &v) == 0;
	return v;
}

static void settings_facts(struct live_run *r, const PGresult *res)
{
	struct st_ctx *ctx = r->ctx;
	for (int i = 0; i < PQntuples(res); i++) {
		const char *name = cell(res, i, 0), *setting = cell(res, i, 1), *unit = cell(res, i, 2);
		const char *source = cell(res, i, 3), *file = cell(res, i, 4), *line = cell(res, i, 5);
		const char *pending = cell(res, i, 7), *vartype = cell(res, i, 8);
		if (!name)
			continue;
		name = st_arena_strdup(&ctx->arena, name);
		const char *text = setting ? st_arena_strdup(&ctx->arena, setting) : NULL;
		if (!name || (setting && !text)) {
			ctx->oom = 1;
			return;
		}
		struct st_value v;
		if (!text)
			v = st_value_unknown("no value");
		else if (st_live_pg_value(text, unit, vartype, &v) < 0)
			v = st_value_string(text);
		const char *detail;
		if (file)
			detail = st_arena_printf(&ctx->arena, "%s %s:%s", source ? source : "configuration file", file,
			                         line ? line : "?");
		else
			detail = st_arena_strdup(&ctx->arena, source ? source : "unknown source");
		live_setting(r, name, v, detail);
		if (pending && strcmp(pending, "t") == 0) {
			const char *k = st_arena_printf(&ctx->arena, "live.pending_restart.%s", name);
			if (k)
				live_fact(r, k, st_value_bool(1),
				          "pg_settings.pending_restart: the file changed, a restart applies it");
		}
	}
}

static void count_facts(struct live_run *r, const PGresult *res, const char *prefix, int64_t *total)
{
	for (int i = 0; i < PQntuples(res); i++) {
		int ok;
		int64_t n = cell_int(res, i, 1, &ok);
		if (!ok)
			continue;
		const char *k = st_arena_printf(&r->ctx->arena, "%s.%s", prefix, live_key(r->ctx, cell(res, i, 0)));
		if (k)
			live_fact(r, k, st_value_int(n), "pg_stat_activity");
		if (total)
			*total += n;
	}
}

static void database_facts(struct live_run *r, const PGresult *res)
{
	static const char *const cols[] = {NULL,        "blks_hit",    "blks_read",     "temp_files",     "temp_bytes",
	                                   "deadlocks", "xact_commit", "xact_rollback", "stats_reset_age"};
	for (int i = 0; i < PQntuples(res); i++) {
		const char *scope = cell(res, i, 0);
		if (!scope)
			continue;
		const char *detail = strcmp(scope, "database") == 0 ? "pg_stat_database, this database"
		                                                    : "pg_stat_database, all databases";
		int64_t v[9] = {0};
		int have[9] = {0};
		for (int c = 1; c < 9; c++) {
			v[c] = cell_int(res, i, c, &have[c]);
			if (!have[c])
				continue;
			struct st_value val = c == 4   ? st_value_size(v[c])
			                      : c == 8 ? st_value_duration(v[c] * 1000000)
			                               : st_value_int(v[c]);
			const char *k = st_arena_printf(&r->ctx->arena, "live.%s.%s", scope, cols[c]);
			if (k)
				live_fact(r, k, val, detail);
		}
		if (have[1] && have[2] && v[1] + v[2] > 0) {
			const char *k = st_arena_printf(&r->ctx->arena, "live.%s.cache_hit_ratio", scope);
			if (k)
				live_fact(r, k, st_value_real((double)v[1] / (double)(v[1] + v[2])), detail);
		}
	}
}

static void statements_facts(struct live_run *r, const PGresult *res)
{
	struct st_ctx *ctx = r->ctx;
	for (int i = 0; i < PQntuples(res); i++) {
		const char *q = st_live_sql_redact(ctx, cell(res, i, 0), 200);
		int n = i + 1, ok;
		if (q) {
			const char *k = st_arena_printf(&ctx->arena, "live.statements.%d.query", n);
			if (k)
				live_fact(r, k, st_value_string(q), "pg_stat_statements (literals masked)");
		}
		int64_t calls = cell_int(res, i, 1, &ok);
		if (ok)
			live_fact(r, st_arena_printf(&ctx->arena, "live.statements.%d.calls", n), st_value_int(calls),
			          "pg_stat_statements");
		for (int c = 2; c <= 3; c++) {
			const char *ms = cell(res, i, c);
			if (!ms)
				continue;
			double d = strtod(ms, NULL);
			live_fact(r,
			          st_arena_printf(&ctx->arena, "live.statements.%d.%s", n,
			                          c == 2 ? "total_time" : "mean_time"),
			          st_value_duration((int64_t)(d * 1000.0)), "pg_stat_statements");
		}
		int64_t rows = cell_int(res, i, 4, &ok);
		if (ok)
			live_fact(r, st_arena_printf(&ctx->arena, "live.statements.%d.rows", n), st_value_int(rows),
			          "pg_stat_statements");
	}
}

/* The one multi-statement round trip: settings first (before our SETs change three of them), then the session
 * guards, then the statistics. Results arrive in this order. */
static const char *batch_sql(struct st_ctx *ctx, int version)
{
	return st_arena_printf(
	    &ctx->arena,
	    "SELECT name, setting, unit, source, sourcefile, sourceline, context, pending_restart, vartype "
	    "FROM pg_settings;"
	    "SET statement_timeout = '2s';"
	    "SET default_transaction_read_only = on;"
	    "SET application_name = 'stacktune';"
	    "SELECT pg_is_in_recovery(), current_database(), e.extversion, quote_ident(n.nspname) "
	    "FROM (SELECT 1) AS one LEFT JOIN pg_extension e ON e.extname = 'pg_stat_statements' "
	    "LEFT JOIN pg_namespace n ON n.oid = e.extnamespace;"
	    "SELECT coalesce(state, 'unknown'), count(*) FROM pg_stat_activity "
	    "WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() GROUP BY 1 ORDER BY 1;"
	    "SELECT coalesce(nullif(application_name, ''), 'unnamed'), count(*) FROM pg_stat_activity "
	    "WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 20;"
	    "SELECT coalesce(host(client_addr), 'local'), count(*) FROM pg_stat_activity "
	    "WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 20;"
	    "SELECT 'database', blks_hit, blks_read, temp_files, temp_bytes, deadlocks, xact_commit, xact_rollback, "
	    "extract(epoch FROM now() - stats_reset)::bigint FROM pg_stat_database WHERE datname = current_database() "
	    "UNION ALL SELECT 'databases', sum(blks_hit), sum(blks_read), sum(temp_files), sum(temp_bytes), "
	    "sum(deadlocks), sum(xact_commit), sum(xact_rollback), extract(epoch FROM now() - "
	    "min(stats_reset))::bigint "
	    "FROM pg_stat_database;"
	    "%s",
	    st_live_pg_checkpoint_sql(version));
}

enum { R_SETTINGS, R_INFO, R_STATES, R_APPS, R_CLIENTS, R_DATABASE, R_CHECKPOINTS, R_COUNT };

static int read_server(struct live_run *r, PGconn *conn)
{
	struct st_ctx *ctx = r->ctx;
	int version = PQserverVersion(conn);
	const char *sql = batch_sql(ctx, version);
	if (!sql) {
		ctx->oom = 1;
		return -1;
	}
	if (!PQsendQuery(conn, sql))
		return live_error(r, "cannot query PostgreSQL at", PQerrorMessage(conn));
	PGresult *res[R_COUNT] = {0};
	int n = 0, failed = 0;
	const char *err = NULL;
	PGresult *x;
	while ((x = PQgetResult(conn))) {
		ExecStatusType st = PQresultStatus(x);
		if (st == PGRES_TUPLES_OK && n < R_COUNT && !failed) {
			res[n++] = x;
			continue;
		}
		if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && !failed) {
			failed = 1;
			err = st_arena_strdup(&ctx->arena, PQresultErrorMessage(x));
		}
		PQclear(x);
	}
	int rc = 0;
	if (failed || n != R_COUNT) {
		rc = live_error(r, "cannot read PostgreSQL at", err ? err : "unexpected reply to the catalog queries");
		goto out;
	}
	const char *vtext = PQparameterStatus(conn, "server_version");
	if (vtext) {
		size_t vl = strcspn(vtext, " ");
		live_fact(r, "version", st_value_string(st_arena_strndup(&ctx->arena, vtext, vl)), "server_version");
	}
	live_fact(r, "version_num", st_value_int(version), "server_version_num");
	live_fact(r, "version_major", st_value_int(version / 10000), "server_version_num");
	settings_facts(r, res[R_SETTINGS]);

	const char *extversion = NULL, *schema = NULL;
	if (PQntuples(res[R_INFO]) == 1) {
		const char *rec = cell(res[R_INFO], 0, 0);
		live_fact(r, "role", st_value_string(rec && strcmp(rec, "t") == 0 ? "replica" : "primary"),
		          "pg_is_in_recovery()");
		const char *db = cell(res[R_INFO], 0, 1);
		if (db)
			live_fact(r, "live.database.name", st_value_string(st_arena_strdup(&ctx->arena, db)),
			          "current_database()");
		extversion = cell(res[R_INFO], 0, 2) ? st_arena_strdup(&ctx->arena, cell(res[R_INFO], 0, 2)) : NULL;
		schema = cell(res[R_INFO], 0, 3) ? st_arena_strdup(&ctx->arena, cell(res[R_INFO], 0, 3)) : NULL;
	}
	int64_t total = 0;
	count_facts(r, res[R_STATES], "live.connections", &total);
	live_fact(r, "live.connections.total", st_value_int(total), "pg_stat_activity, client backends but this one");
	count_facts(r, res[R_APPS], "live.connections.by_application", NULL);
	count_facts(r, res[R_CLIENTS], "live.connections.by_client", NULL);
	database_facts(r, res[R_DATABASE]);
	if (PQntuples(res[R_CHECKPOINTS]) == 1) {
		int ok;
		int64_t t = cell_int(res[R_CHECKPOINTS], 0, 0, &ok);
		const char *src = version >= 170000 ? "pg_stat_checkpointer" : "pg_stat_bgwriter";
		if (ok)
			live_fact(r, "live.checkpoints.timed", st_value_int(t), src);
		t = cell_int(res[R_CHECKPOINTS], 0, 1, &ok);
		if (ok)
			live_fact(r, "live.checkpoints.requested", st_value_int(t), src);
	}

	/* pg_stat_statements: its own round trip, since missing privileges or a missing preload must not cost the rest
	 */
	int available = 0;
	if (extversion && schema) {
		const char *q = st_live_pg_statements_sql(ctx, version, extversion, schema);
		PGresult *s = q ? PQexec(conn, q) : NULL;
		if (s && PQresultStatus(s) == PGRES_TUPLES_OK) {
			statements_facts(r, s);
			available = 1;
		} else {
			live_warning(r, "cannot read pg_stat_statements (top statements left out)",
			             s ? PQresultErrorMessage(s) : PQerrorMessage(conn));
		}
		PQclear(s);
	}
	live_fact(r, "live.statements.available", st_value_bool(available),
	          extversion ? "pg_stat_statements" : "pg_stat_statements is not installed in this database");
out:
	for (int i = 0; i < n; i++)
		PQclear(res[i]);
	return rc;
}

int st_live_pg_connect(struct st_ctx *ctx, const char *dsn, const char *application_name, int connect_timeout,
                       struct st_live_pg_conn *c)
{
	memset(c, 0, sizeof(*c));
	struct live_run r = {.ctx = ctx, .server = "?"};
	if (!dsn)
		dsn = "";
	r.shown = st_live_dsn_redact(ctx, dsn);
	if (!r.shown)
		r.shown = "(DSN withheld)";
	const char *env_pw = getenv("PGPASSWORD");
	if (env_pw)
		r.secrets[r.n_secrets++] = env_pw;

	/* libpq's own parser: the same reading of URL and key=value forms the connection will use */
	char *perr = NULL;
	PQconninfoOption *parsed = PQconninfoParse(dsn, &perr);
	const char *host = NULL, *port = NULL;
	if (!parsed) {
		/* the message can quote a fragment of the DSN, password included: scrub the whole DSN's words */
		struct st_url u;
		if (st_dsn_parse(ctx, dsn, strlen(dsn), &u) == 0 && u.password)
			r.secrets[r.n_secrets++] = u.password;
		r.secrets[r.n_secrets++] = dsn;
		int rc = live_error(&r, "invalid PostgreSQL DSN", perr ? perr : "cannot parse");
		PQfreemem(perr);
		return rc;
	}
	for (PQconninfoOption *o = parsed; o->keyword; o++) {
		if (!o->val)
			continue;
		if (strcmp(o->keyword, "password") == 0)
			r.secrets[r.n_secrets++] = st_arena_strdup(&ctx->arena, o->val);
		else if (strcmp(o->keyword, "host") == 0)
			host = st_arena_strdup(&ctx->arena, o->val);
		else if (strcmp(o->keyword, "hostaddr") == 0 && !host)
			host = st_arena_strdup(&ctx->arena, o->val);
		else if (strcmp(o->keyword, "port") == 0)
			port = st_arena_strdup(&ctx->arena, o->val);
	}
	PQconninfoFree(parsed);
	if (!host)
		host = getenv("PGHOST");
	if (!port)
		port = getenv("PGPORT");
	int64_t portnum = 0;
	if (!port || live_int(port, &portnum) < 0 || portnum <= 0 || portnum > 65535)
		portnum = PG_DEFAULT_PORT;
	r.server = live_server_name(ctx, host, (int)portnum, PG_DEFAULT_PORT);

	char timeout[24];
	snprintf(timeout, sizeof(timeout), "%d", connect_timeout > 0 ? connect_timeout : 5);
	/* dbname first: the DSN is expanded there, and the keywords after it win over the DSN's own */
	const char *const keys[] = {"dbname", "connect_timeout", "application_name", NULL};
	const char *const vals[] = {dsn, timeout, application_name ? application_name : "stacktune", NULL};
	PGconn *conn = PQconnectdbParams(keys, vals, 1);
	if (!conn) {
		ctx->oom = 1;
		return live_error(&r, "cannot connect to PostgreSQL at", "out of memory");
	}
	const char *used_pw = PQpass(conn);
	if (used_pw && *used_pw && r.n_secrets < sizeof(r.secrets) / sizeof(r.secrets[0]))
		r.secrets[r.n_secrets++] = st_arena_strdup(&ctx->arena, used_pw);
	if (PQstatus(conn) != CONNECTION_OK) {
		int rc = live_error(&r, "cannot connect to PostgreSQL at", PQerrorMessage(conn));
		PQfinish(conn);
		return rc;
	}
	c->conn = conn;
	c->server = r.server;
	c->shown = r.shown;
	c->host = host;
	c->port = (int)portnum;
	for (size_t i = 0; i < r.n_secrets; i++)
		c->secrets[c->n_secrets++] = r.secrets[i];
	return 0;
}

int st_live_pg(struct st_ctx *ctx, const char *dsn, const struct st_live_opts *opts)
{
	struct st_live_pg_conn c;
	if (st_live_pg_connect(ctx, dsn, "stacktune", opts ? opts->connect_timeout : 0, &c) < 0)
		return -1;
	struct live_run r = {.ctx = ctx, .server = c.server, .shown = c.shown};
	for (size_t i = 0; i < c.n_secrets; i++)
		r.secrets[r.n_secrets++] = c.secrets[i];
	r.component = st_live_component(ctx, "postgresql", c.host, c.port);
	live_fact(&r, "kind", st_value_string("postgresql"), "a live server");
	int rc = read_server(&r, c.conn);
	PQfinish(c.conn);
	return rc;
}
