/* MySQL/MariaDB live reader (MariaDB Connector/C or libmysqlclient): version and flavour, SHOW GLOBAL
 * VARIABLES, SHOW GLOBAL STATUS, and the performance_schema statement digests when they are on. One connection,
 * one multi-statement round trip (two with performance_schema).
 *
 * Facts under <c>.live.:
 *   status.<name> for the counters in status_names[] (Uptime as a duration), status.innodb_buffer_pool_hit_ratio
 *     (1 - reads / read requests), status.tmp_disk_table_ratio (disk / all implicit temporary tables)
 *   statements.available; statements.<n>.query (digest text, 200 bytes), .calls, .total_time, .mean_time, .rows */
#include <mysql.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "live_internal.h"
#include "stacktune/loaders.h"

#define MYSQL_DEFAULT_PORT 3306

static const char *const status_names[] = {"Max_used_connections",
                                           "Threads_connected",
                                           "Threads_running",
                                           "Threads_created",
                                           "Connections",
                                           "Aborted_connects",
                                           "Aborted_clients",
                                           "Innodb_buffer_pool_reads",
                                           "Innodb_buffer_pool_read_requests",
                                           "Created_tmp_disk_tables",
                                           "Created_tmp_tables",
                                           "Uptime",
                                           "Questions",
                                           "Slow_queries",
                                           "Select_full_join",
                                           "Sort_merge_passes",
                                           "Table_open_cache_misses",
                                           "Opened_tables",
                                           NULL};

static void variables_facts(struct live_run *r, MYSQL_RES *res)
{
	MYSQL_ROW row;
	while ((row = mysql_fetch_row(res))) {
		if (!row[0])
			continue;
		const char *name = live_key(r->ctx, row[0]); /* already lower case with '_'; keeps names safe */
		const char *text = st_arena_strdup(&r->ctx->arena, row[1] ? row[1] : "");
		if (!text) {
			r->ctx->oom = 1;
			return;
		}
		live_setting(r, name, st_live_mysql_value(name, text), "SHOW GLOBAL VARIABLES");
	}
}

static void status_facts(struct live_run *r, MYSQL_RES *res)
{
	int64_t v[sizeof(status_names) / sizeof(status_names[0])] = {0};
	int have[sizeof(status_names) / sizeof(status_names[0])] = {0};
	MYSQL_ROW row;
	while ((row = mysql_fetch_row(res))) {
		if (!row[0] || !row[1])
			continue;
		for (size_t i = 0; status_names[i]; i++) {
			if (strcasecmp(row[0], status_names[i]) != 0 || live_int(row[1], &v[i]) < 0)
				continue;
			have[i] = 1;
			struct st_value val = strcmp(status_names[i], "Uptime") == 0 ? st_value_duration(v[i] * 1000000)
			                                                             : st_value_int(v[i]);
			live_fact(r,
			          st_arena_printf(&r->ctx->arena, "live.status.%s", live_key(r->ctx, status_names[i])),
			          val, "SHOW GLOBAL STATUS");
		}
	}
	size_t reads = 7, requests = 8, disk = 9, tmp = 10; /* indexes in status_names */
	if (have[reads] && have[requests] && v[requests] > 0)
		live_fact(r, "live.status.innodb_buffer_pool_hit_ratio",
		          st_value_real(1.0 - (double)v[reads] / (double)v[requests]),
		          "1 - Innodb_buffer_pool_reads / Innodb_buffer_pool_read_requests");
	if (have[disk] && have[tmp] && v[tmp] > 0)
		live_fact(r, "live.status.tmp_disk_table_ratio", st_value_real((double)v[disk] / (double)v[tmp]),
		          "Created_tmp_disk_tables / Created_tmp_tables");
}

static void digest_facts(struct live_run *r, MYSQL_RES *res)
{
	struct st_ctx *ctx = r->ctx;
	MYSQL_ROW row;
	int n = 0;
	while ((row = mysql_fetch_row(res))) {
		n++;
		int64_t x;
		if (row[0])
			live_fact(r, st_arena_printf(&ctx->arena, "live.statements.%d.query", n),
			          st_value_string(st_live_sql_redact(ctx, row[0], 200)), "performance_schema digest");
		if (row[1] && live_int(row[1], &x) == 0)
			live_fact(r, st_arena_printf(&ctx->arena, "live.statements.%d.calls", n), st_value_int(x),
			          "performance_schema digest");
		if (row[2] && live_int(row[2], &x) == 0)
			live_fact(r, st_arena_printf(&ctx->arena, "live.statements.%d.total_time", n),
			          st_value_duration(x), "performance_schema digest");
		if (row[3] && live_int(row[3], &x) == 0)
			live_fact(r, st_arena_printf(&ctx->arena, "live.statements.%d.mean_time", n),
			          st_value_duration(x), "performance_schema digest");
		if (row[4] && live_int(row[4], &x) == 0)
			live_fact(r, st_arena_printf(&ctx->arena, "live.statements.%d.rows", n), st_value_int(x),
			          "performance_schema digest");
	}
}

static void statements(struct live_run *r, MYSQL *m)
{
	const struct st_fact *ps =
	    st_fact_get(r->ctx, st_arena_printf(&r->ctx->arena, "%s.performance_schema", r->component));
	int on = ps && ps->origin.kind == ST_ORIGIN_LIVE && ps->value.kind == ST_VAL_BOOL && ps->value.i;
	int available = 0;
	if (on) {
		static const char q[] = "SELECT LEFT(DIGEST_TEXT, 2000), COUNT_STAR, SUM_TIMER_WAIT DIV 1000000, "
		                        "AVG_TIMER_WAIT DIV 1000000, "
		                        "SUM_ROWS_SENT FROM performance_schema.events_statements_summary_by_digest "
		                        "WHERE DIGEST_TEXT IS NOT NULL ORDER BY SUM_TIMER_WAIT DESC LIMIT 10";
		MYSQL_RES *res = NULL;
		if (mysql_real_query(m, q, sizeof(q) - 1) == 0 && (res = mysql_store_result(m))) {
			digest_facts(r, res);
			available = 1;
		} else {
			live_warning(r, "cannot read performance_schema statement digests (top statements left out)",
			             mysql_error(m));
		}
		if (res)
			mysql_free_result(res);
	}
	live_fact(r, "live.statements.available", st_value_bool(available),
	          on ? "performance_schema.events_statements_summary_by_digest" : "performance_schema is off");
}

static int read_server(struct live_run *r, MYSQL *m)
{
	struct st_ctx *ctx = r->ctx;
	struct st_live_mysql_version ver;
	if (st_live_mysql_version_parse(mysql_get_server_info(m), NULL, &ver) < 0)
		memset(&ver, 0, sizeof(ver));
	const char *timeout = st_live_mysql_timeout_sql(&ver);
	const char *sql = st_arena_printf(&ctx->arena,
	                                  "SET SESSION TRANSACTION READ ONLY;%s%s"
	                                  "SELECT VERSION(), @@version_comment;"
	                                  "SHOW GLOBAL VARIABLES;"
	                                  "SHOW GLOBAL STATUS",
	                                  timeout ? timeout : "", timeout ? ";" : "");
	if (!sql) {
		ctx->oom = 1;
		return -1;
	}
	if (mysql_real_query(m, sql, strlen(sql)) != 0)
		return live_error(r, "cannot read MySQL at", mysql_error(m));
	MYSQL_RES *res[3] = {0};
	int n = 0, status, failed = 0;
	do {
		MYSQL_RES *x = mysql_store_result(m);
		if (x) {
			if (n < 3)
				res[n++] = x;
			else
				mysql_free_result(x);
		} else if (mysql_field_count(m) != 0) {
			failed = 1;
			break;
		}
		status = mysql_next_result(m);
		if (status > 0)
			failed = 1;
	} while (status == 0);
	int rc = 0;
	if (failed || n != 3) {
		rc = live_error(r, "cannot read MySQL at", failed ? mysql_error(m) : "unexpected reply to the queries");
		goto out;
	}
	MYSQL_ROW row = mysql_fetch_row(res[0]);
	if (row && row[0]) {
		struct st_live_mysql_version v2;
		if (st_live_mysql_version_parse(row[0], row[1], &v2) == 0)
			ver = v2;
	}
	live_fact(r, "kind", st_value_string(ver.mariadb ? "mariadb" : "mysql"), "VERSION(), @@version_comment");
	variables_facts(r, res[1]);
	if (ver.num) { /* after the variables: "10.11.6" wins over the variable's "10.11.6-MariaDB-..." */
		live_fact(r, "version",
		          st_value_string(st_arena_printf(&ctx->arena, "%d.%d.%d", ver.major, ver.minor, ver.patch)),
		          "VERSION()");
		live_fact(r, "version_num", st_value_int(ver.num), "VERSION()");
		live_fact(r, "version_major", st_value_int(ver.major), "VERSION()");
	}
	status_facts(r, res[2]);
	statements(r, m);
out:
	for (int i = 0; i < n; i++)
		mysql_free_result(res[i]);
	return rc;
}

static const char *param(const struct st_url *u, const char *key)
{
	for (size_t i = 0; i < u->n_params; i++)
		if (u->params[i].key && strcmp(u->params[i].key, key) == 0)
			return u->params[i].value;
	return NULL;
}

int st_live_mysql(struct st_ctx *ctx, const char *dsn, const struct st_live_opts *opts)
{
	struct live_run r = {.ctx = ctx, .server = "?"};
	const char *dfile = opts ? opts->mysql_defaults_file : NULL, *group = opts ? opts->mysql_group : NULL;
	if (dsn && *dsn)
		r.shown = st_live_dsn_redact(ctx, dsn);
	else
		r.shown = st_arena_printf(&ctx->arena, "(defaults file %s%s%s)", dfile ? dfile : "none",
		                          group ? ", group " : "", group ? group : "");
	if (!r.shown)
		r.shown = "(DSN withheld)";
	const char *env_pw = getenv("MYSQL_PWD");
	if (env_pw)
		r.secrets[r.n_secrets++] = env_pw;

	struct st_url u;
	memset(&u, 0, sizeof(u));
	if (dsn && *dsn) {
		if (st_dsn_parse(ctx, dsn, strlen(dsn), &u) < 0 || !u.scheme ||
		    (strcmp(u.scheme, "mysql") != 0 && strcmp(u.scheme, "mariadb") != 0 &&
		     strcmp(u.scheme, "mysqlx") != 0)) {
			r.secrets[r.n_secrets++] = dsn;
			return live_error(&r, "not a MySQL DSN:", "expected mysql://user:password@host:3306/db");
		}
		if (u.password)
			r.secrets[r.n_secrets++] = u.password;
	}
	const char *socket = u.n_params ? param(&u, "socket") : NULL;
	int port = u.port;
	r.server = live_server_name(ctx, socket ? socket : u.host, socket ? 0 : port, MYSQL_DEFAULT_PORT);
	if (socket)
		r.server = socket;

	MYSQL *m = mysql_init(NULL);
	if (!m) {
		ctx->oom = 1;
		return live_error(&r, "cannot connect to MySQL at", "out of memory");
	}
	unsigned int t = (unsigned int)(opts && opts->connect_timeout > 0 ? opts->connect_timeout : 5);
	unsigned int rw = t + 5; /* the server stops a statement after 2 s; this bounds a silent network */
	mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &t);
	mysql_options(m, MYSQL_OPT_READ_TIMEOUT, &rw);
	mysql_options(m, MYSQL_OPT_WRITE_TIMEOUT, &rw);
	mysql_options(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	if (dfile)
		mysql_options(m, MYSQL_READ_DEFAULT_FILE, dfile);
	if (group)
		mysql_options(m, MYSQL_READ_DEFAULT_GROUP, group);
	if (u.host && !socket && port) {
		/* an explicit port means TCP, even for "localhost" (the library would pick its socket) */
		unsigned int proto = MYSQL_PROTOCOL_TCP;
		mysql_options(m, MYSQL_OPT_PROTOCOL, &proto);
	}
	int rc;
	if (!mysql_real_connect(m, socket ? NULL : u.host, u.user, u.password, u.database, (unsigned int)port, socket,
	                        CLIENT_MULTI_STATEMENTS)) {
		rc = live_error(&r, "cannot connect to MySQL at", mysql_error(m));
	} else {
#ifdef MARIADB_PACKAGE_VERSION
		if (!u.host && !socket) { /* the defaults file chose the server: ask the library where it went */
			const char *h = NULL;
			unsigned int p = 0;
			mariadb_get_infov(m, MARIADB_CONNECTION_HOST, &h);
			mariadb_get_infov(m, MARIADB_CONNECTION_PORT, &p);
			r.server = live_server_name(ctx, h, (int)p, MYSQL_DEFAULT_PORT);
			u.host = h ? st_arena_strdup(&ctx->arena, h) : NULL;
			port = (int)p;
		}
#endif
		r.component = st_live_component(ctx, "mysql", u.host, port ? port : MYSQL_DEFAULT_PORT);
		rc = read_server(&r, m);
	}
	mysql_close(m);
	return rc;
}
