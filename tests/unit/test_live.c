/* live: the pure parts of the readers — DSN redaction, scrubbing, SQL literal masking, version parsing, query
 * choice by version, value typing, component matching, drift facts. The servers themselves: tests/live/live-*. */
#include <stdlib.h>
#include <string.h>

#include "../../src/live/live_internal.h"
#include "../tap.h"
#include "stacktune/live.h"

static void test_redact(struct st_ctx *ctx)
{
	is_str(st_live_dsn_redact(ctx, "postgresql://app:s3cr%40t@db:5432/app?sslmode=require"),
	       "postgresql://app:***@db:5432/app?sslmode=require", "URL password masked");
	is_str(st_live_dsn_redact(ctx, "postgresql://app@db/app?password=hunter2&sslmode=disable"),
	       "postgresql://app@db/app?password=***&sslmode=disable", "URL query password masked");
	is_str(st_live_dsn_redact(ctx, "host=db user=app password='se cr\\'et' dbname=x"),
	       "host=db user=app password=*** dbname=x", "key=value quoted password masked");
	is_str(st_live_dsn_redact(ctx, "host=db password = plain dbname=x"), "host=db password = *** dbname=x",
	       "key=value password with spaces around = masked");
	is_str(st_live_dsn_redact(ctx, "port=5432 password=onlypw"), "port=5432 password=***",
	       "a key=value string the DSN parser refuses is still masked");
	is_str(st_live_dsn_redact(ctx, "mysql://root:pw@127.0.0.1:3306/app"), "mysql://root:***@127.0.0.1:3306/app",
	       "mysql URL masked");
	is_str(st_live_dsn_redact(ctx, "root:pw@tcp(127.0.0.1:3306)/app"), "root:***@tcp(127.0.0.1:3306)/app",
	       "Go MySQL DSN masked");
	is_str(st_live_dsn_redact(ctx, "postgresql://app@db/app"), "postgresql://app@db/app", "no password: unchanged");
	is_str(st_live_dsn_redact(ctx, NULL), "(defaults file)", "no DSN");
}

static void test_scrub(struct st_ctx *ctx)
{
	const char *s1[] = {"p@ss w/rd", NULL};
	is_str(st_live_scrub(ctx, "bad p@ss w/rd here", s1, 2), "bad *** here", "raw secret scrubbed");
	is_str(st_live_scrub(ctx, "uri p%40ss%20w%2Frd!", s1, 1), "uri ***!", "percent-encoded (upper) scrubbed");
	is_str(st_live_scrub(ctx, "uri p%40ss%20w%2frd!", s1, 1), "uri ***!", "percent-encoded (lower) scrubbed");
	is_str(st_live_scrub(ctx, "  line one\n\tline two \n", s1, 1), "line one line two", "folded to one line");
	const char *s2[] = {"ab"};
	is_str(st_live_scrub(ctx, "tab ab ab; abc", s2, 1), "tab *** ***; abc", "short secret only as a whole word");
	is_str(st_live_scrub(ctx, "nothing", NULL, 0), "nothing", "no secrets");
	ok(st_live_scrub(ctx, NULL, s1, 1) == NULL, "NULL text");
}

static void test_sql(struct st_ctx *ctx)
{
	is_str(st_live_sql_redact(ctx, "ALTER ROLE x PASSWORD 'hunter2'", 200), "ALTER ROLE x PASSWORD '***'",
	       "quoted literal masked");
	is_str(st_live_sql_redact(ctx, "SELECT 'it''s', E'a\\'b', 1", 200), "SELECT '***', E'***', 1",
	       "doubled quotes and E'' escapes");
	is_str(st_live_sql_redact(ctx, "DO $$ secret $$; SELECT $tag$ x $y$ $tag$", 200), "DO '***'; SELECT '***'",
	       "dollar-quoted strings masked");
	is_str(st_live_sql_redact(ctx, "SELECT * FROM t WHERE a = $1 AND b = $2", 200),
	       "SELECT * FROM t WHERE a = $1 AND b = $2", "$1 placeholders kept");
	is_str(st_live_sql_redact(ctx, "SELECT\n  a,\n\tb", 200), "SELECT a, b", "whitespace folded");
	is_str(st_live_sql_redact(ctx, "SELECT abcdef", 8), "SELECT a...", "cut at max bytes");
	is_str(st_live_sql_redact(ctx, "SELECT \xc3\xa9\xc3\xa9", 8), "SELECT ...", "cut at a UTF-8 boundary");
	is_str(st_live_sql_redact(ctx, "SELECT 'unterminated", 200), "SELECT '***'", "unterminated literal masked");
}

static void test_versions(void)
{
	int v = 0;
	is_int(st_live_pg_version_parse("15.20 (Debian 15.20-0+deb12u1)", &v), 0, "pg 15.20 parses");
	is_int(v, 150020, "pg 15.20 -> 150020");
	st_live_pg_version_parse("9.6.24", &v);
	is_int(v, 90624, "pg 9.6.24 -> 90624");
	st_live_pg_version_parse("17beta1", &v);
	is_int(v, 170000, "pg 17beta1 -> 170000");
	st_live_pg_version_parse("12.0", &v);
	is_int(v, 120000, "pg 12.0 -> 120000");
	is_int(st_live_pg_version_parse("PostgreSQL", &v), -1, "not a version");

	struct st_live_mysql_version m;
	is_int(st_live_mysql_version_parse("10.11.6-MariaDB-0+deb12u1", NULL, &m), 0, "MariaDB version parses");
	ok(m.mariadb && m.num == 101106 && m.major == 10, "MariaDB 10.11.6 -> 101106");
	st_live_mysql_version_parse("5.5.5-10.11.6-MariaDB", "mariadb.org binary distribution", &m);
	ok(m.mariadb && m.num == 101106, "replication prefix 5.5.5- skipped");
	st_live_mysql_version_parse("8.0.36", "MySQL Community Server - GPL", &m);
	ok(!m.mariadb && m.num == 80036 && m.major == 8, "MySQL 8.0.36 -> 80036");
	st_live_mysql_version_parse("11.4.2", "MariaDB Server", &m);
	ok(m.mariadb && m.num == 110402, "flavour from @@version_comment");
	is_int(st_live_mysql_version_parse("garbage", NULL, &m), -1, "not a version");
	is_int(st_live_mysql_version_parse("8", NULL, &m), -1, "no minor");
}

static void test_queries(struct st_ctx *ctx)
{
	ok(strstr(st_live_pg_checkpoint_sql(120000), "pg_stat_bgwriter") != NULL, "12: pg_stat_bgwriter");
	ok(strstr(st_live_pg_checkpoint_sql(160004), "checkpoints_req") != NULL, "16: checkpoints_req");
	ok(strstr(st_live_pg_checkpoint_sql(170000), "pg_stat_checkpointer") != NULL &&
	       strstr(st_live_pg_checkpoint_sql(170000), "num_requested") != NULL,
	   "17: pg_stat_checkpointer.num_requested");

	const char *q = st_live_pg_statements_sql(ctx, 120000, "1.7", "public");
	ok(q && strstr(q, "total_time") && !strstr(q, "exec_time") && strstr(q, "public.pg_stat_statements"),
	   "12 / extension 1.7: total_time");
	q = st_live_pg_statements_sql(ctx, 130000, "1.8", "\"My Schema\"");
	ok(q && strstr(q, "total_exec_time") && strstr(q, "mean_exec_time") && strstr(q, "\"My Schema\".pg_stat"),
	   "13 / extension 1.8: total_exec_time, quoted schema");
	q = st_live_pg_statements_sql(ctx, 150000, "1.7", "public");
	ok(q && !strstr(q, "exec_time"), "15 with an old extension version (not updated): total_time");
	q = st_live_pg_statements_sql(ctx, 170000, "1.11", "public");
	ok(q && strstr(q, "total_exec_time"), "17 / extension 1.11: total_exec_time");
	q = st_live_pg_statements_sql(ctx, 130000, NULL, "public");
	ok(q && strstr(q, "total_exec_time"), "no extension version: by server version");

	struct st_live_mysql_version v = {.major = 10, .minor = 11, .num = 101106, .mariadb = 1};
	ok(strstr(st_live_mysql_timeout_sql(&v), "max_statement_time = 2") != NULL, "MariaDB: max_statement_time (s)");
	v = (struct st_live_mysql_version){.major = 8, .num = 80036};
	ok(strstr(st_live_mysql_timeout_sql(&v), "max_execution_time = 2000") != NULL,
	   "MySQL: max_execution_time (ms)");
	v = (struct st_live_mysql_version){.major = 5, .minor = 6, .num = 50640};
	ok(st_live_mysql_timeout_sql(&v) == NULL, "MySQL 5.6: none");
	v = (struct st_live_mysql_version){.major = 10, .num = 100038, .mariadb = 1};
	ok(st_live_mysql_timeout_sql(&v) == NULL, "MariaDB 10.0: none");
}

static void test_typing(void)
{
	struct st_value v;
	st_live_pg_value("16384", "8kB", "integer", &v);
	ok(v.kind == ST_VAL_SIZE && v.i == 134217728, "shared_buffers 16384 x 8kB = 128MB");
	st_live_pg_value("4096", "kB", "integer", &v);
	ok(v.kind == ST_VAL_SIZE && v.i == 4194304, "work_mem 4096kB");
	st_live_pg_value("1024", "MB", "integer", &v);
	ok(v.kind == ST_VAL_SIZE && v.i == 1073741824, "max_wal_size 1024MB");
	st_live_pg_value("300", "s", "integer", &v);
	ok(v.kind == ST_VAL_DURATION && v.i == 300000000, "checkpoint_timeout 300 s");
	st_live_pg_value("1", "min", "integer", &v);
	ok(v.kind == ST_VAL_DURATION && v.i == 60000000, "autovacuum_naptime 1 min");
	st_live_pg_value("-1", "ms", "integer", &v);
	ok(v.kind == ST_VAL_INT && v.i == -1, "-1 (disabled) stays an integer");
	st_live_pg_value("2", "ms", "real", &v);
	ok(v.kind == ST_VAL_DURATION && v.i == 2000, "vacuum_cost_delay 2 ms (real)");
	st_live_pg_value("0.9", NULL, "real", &v);
	ok(v.kind == ST_VAL_REAL && v.r > 0.89 && v.r < 0.91, "checkpoint_completion_target real");
	st_live_pg_value("100", NULL, "integer", &v);
	ok(v.kind == ST_VAL_INT && v.i == 100, "max_connections int");
	st_live_pg_value("on", NULL, "bool", &v);
	ok(v.kind == ST_VAL_BOOL && v.i == 1, "bool on");
	st_live_pg_value("replica", NULL, "enum", &v);
	ok(v.kind == ST_VAL_STRING && strcmp(v.text, "replica") == 0, "enum as text");
	is_int(st_live_pg_value("abc", NULL, "integer", &v), -1, "a bad integer is refused");

	v = st_live_mysql_value("innodb_buffer_pool_size", "134217728");
	ok(v.kind == ST_VAL_SIZE && v.i == 134217728, "innodb_buffer_pool_size bytes");
	v = st_live_mysql_value("wait_timeout", "28800");
	ok(v.kind == ST_VAL_DURATION && v.i == 28800000000LL, "wait_timeout seconds");
	v = st_live_mysql_value("long_query_time", "10.000000");
	ok(v.kind == ST_VAL_DURATION && v.i == 10000000, "long_query_time 10.000000 s");
	v = st_live_mysql_value("performance_schema", "ON");
	ok(v.kind == ST_VAL_BOOL && v.i == 1, "performance_schema ON");
	v = st_live_mysql_value("max_connections", "151");
	ok(v.kind == ST_VAL_INT && v.i == 151, "max_connections int");
	v = st_live_mysql_value("no_such_variable_here", "42");
	ok(v.kind == ST_VAL_STRING && strcmp(v.text, "42") == 0, "unknown variable stays text");
}

static void set_string(struct st_ctx *ctx, const char *name, const char *component, const char *s)
{
	struct st_origin o = st_origin_file("docker-compose.yml", 3, 5);
	st_fact_set(ctx, name, component, st_value_string(s), &o, ST_LAYER_FILE);
}

static void test_component(void)
{
	struct st_ctx c;
	st_ctx_init(&c);
	is_str(st_live_component(&c, "postgresql", "127.0.0.1", 5432), "postgres", "empty model: default id");
	set_string(&c, "db.kind", "db", "postgresql");
	set_string(&c, "db.ports.0", "db", "127.0.0.1:5433:5432/tcp");
	set_string(&c, "cache.kind", "cache", "redis");
	set_string(&c, "cache.ports.0", "cache", "6379:6379");
	is_str(st_live_component(&c, "postgresql", "localhost", 5433), "db", "published port matches");
	is_str(st_live_component(&c, "postgresql", "127.0.0.1", 5432), "postgres", "another port: default id");
	is_str(st_live_component(&c, "postgresql", "db", 5432), "db", "the service name as DSN host");
	is_str(st_live_component(&c, "postgresql", "prod.example", 5433), "postgres", "a remote host with that port");
	is_str(st_live_component(&c, "mysql", "127.0.0.1", 6379), "mysql", "other kinds never match");
	set_string(&c, "maria.kind", "maria", "mariadb");
	struct st_origin o = st_origin_file("mysql/my.cnf", 4, 1);
	st_fact_set(&c, "maria.port", "maria", st_value_int(3307), &o, ST_LAYER_FILE);
	is_str(st_live_component(&c, "mysql", "127.0.0.1", 3307), "maria", "mariadb is in the mysql family; <id>.port");
	struct st_origin lo = {.kind = ST_ORIGIN_LIVE, .file = "127.0.0.1:5432"};
	st_fact_set(&c, "postgres.kind", "postgres", st_value_string("postgresql"), &lo, ST_LAYER_LIVE);
	is_str(st_live_component(&c, "postgresql", "127.0.0.1", 5434), "postgres-2",
	       "a second unmatched live server gets its own id");
	st_ctx_free(&c);
}

static void test_drift(void)
{
	struct st_ctx c;
	st_ctx_init(&c);
	struct st_origin fo = st_origin_file("conf/postgresql.conf", 64, 1);
	st_fact_set(&c, "postgres.max_connections", "postgres", st_value_int(200), &fo, ST_LAYER_FILE);
	st_fact_set(&c, "postgres.shared_buffers", "postgres", st_value_size(134217728), &fo, ST_LAYER_FILE);
	struct st_value tz = st_value_string("'UTC'");
	st_fact_set(&c, "postgres.timezone", "postgres", tz, &fo, ST_LAYER_FILE);
	struct live_run r = {.ctx = &c, .component = "postgres", .server = "127.0.0.1:5432", .shown = "x"};
	live_setting(&r, "max_connections", st_value_int(100), "default");
	live_setting(&r, "shared_buffers", st_value_size(134217728), "configuration file");
	live_setting(&r, "timezone", st_value_string("utc"), "configuration file");
	live_setting(&r, "work_mem", st_value_size(4194304), "default");
	const struct st_fact *d = st_fact_get(&c, "postgres.drift.max_connections");
	ok(d && d->value.kind == ST_VAL_STRING, "drift fact recorded");
	is_str(d ? d->value.text : NULL, "file 200 (conf/postgresql.conf:64) vs live 100", "drift message");
	ok(d && d->origin.kind == ST_ORIGIN_FILE && d->origin.line == 64, "drift points at the file line");
	const struct st_fact *m = st_fact_get(&c, "postgres.max_connections");
	ok(m && m->value.i == 100 && m->origin.kind == ST_ORIGIN_LIVE && m->layer == ST_LAYER_LIVE, "live value wins");
	const struct st_fact_entry *e = st_fact_entry(&c, "postgres.max_connections");
	ok(e && e->n == 2 && e->chain[0]->value.i == 200, "the chain keeps the file value");
	ok(!st_fact_get(&c, "postgres.drift.shared_buffers"), "equal sizes: no drift");
	ok(!st_fact_get(&c, "postgres.drift.timezone"), "quoted / case-different strings: no drift");
	ok(!st_fact_get(&c, "postgres.drift.work_mem"), "no file value: no drift");

	st_fact_set(&c, "postgres.ssl_password", "postgres", st_value_string("file-secret"), &fo, ST_LAYER_FILE);
	live_setting(&r, "ssl_password", st_value_string("live-secret"), "configuration file");
	const struct st_fact *s = st_fact_get(&c, "postgres.ssl_password");
	ok(s && s->value.secret, "a password-named string setting is secret");
	d = st_fact_get(&c, "postgres.drift.ssl_password");
	ok(d && !strstr(d->value.text, "secret"), "secret drift names neither value");
	st_ctx_free(&c);
}

int main(void)
{
	struct st_ctx ctx;
	st_ctx_init(&ctx);
	test_redact(&ctx);
	test_scrub(&ctx);
	test_sql(&ctx);
	test_versions();
	test_queries(&ctx);
	test_typing();
	test_component();
	test_drift();
	ok(!ctx.oom, "no allocation failure");
	st_ctx_free(&ctx);
	return done_testing();
}
