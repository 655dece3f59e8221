/* loaders/mycnf: option-file grammar as mysys reads it, typing as my_getopt does, positions, includes, secrets,
 * hostile input; and the variables table. Files live in a temporary tree that is ctx->root. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../tap.h"
#include "stacktune/loaders.h"

static char root[64];

/* Until the walker's st_file_read lands, a weak stand-in with the same contract (read below ctx->root, refuse
 * paths that leave it, contents in the arena); the real one overrides it at link time. */
__attribute__((weak)) int st_file_read(struct st_ctx *ctx, const char *relpath, const struct st_origin *from,
                                       struct st_file *out)
{
	if (!relpath || relpath[0] == '/' || strstr(relpath, "..")) {
		st_diag(ctx, ST_SEV_WARNING, from, "'%s' is outside the audited tree", relpath ? relpath : "");
		return -1;
	}
	char *full = st_arena_printf(&ctx->arena, "%s/%s", ctx->root ? ctx->root : ".", relpath);
	FILE *f = full ? fopen(full, "rb") : NULL;
	if (!f) {
		st_diag(ctx, ST_SEV_WARNING, from, "cannot read '%s'", relpath);
		return -1;
	}
	struct st_buf b = {0};
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		st_buf_put(&b, chunk, n);
	fclose(f);
	char *data = st_arena_strndup(&ctx->arena, b.len ? b.data : "", b.len);
	size_t len = b.len;
	st_buf_free(&b);
	if (!data)
		return -1;
	out->path = st_arena_strdup(&ctx->arena, relpath);
	out->name = strrchr(out->path, '/') ? strrchr(out->path, '/') + 1 : out->path;
	out->data = data;
	out->size = len;
	return 0;
}

static void put(const char *rel, const char *data)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", root, rel);
	for (char *p = path + strlen(root) + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(path, 0755);
			*p = '/';
		}
	FILE *f = fopen(path, "wb");
	if (!f)
		abort();
	fwrite(data, 1, strlen(data), f);
	fclose(f);
}

static void rm_tree(void)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", root);
}

static void load_file(struct st_ctx *ctx, const char *rel)
{
	struct st_file f;
	if (st_file_read(ctx, rel, NULL, &f) < 0) {
		printf("# cannot read %s\n", rel);
		return;
	}
	st_mycnf_load(ctx, &f);
}

/* Writes rel and loads it into a fresh context. */
static void load_new(struct st_ctx *ctx, const char *rel, const char *data)
{
	st_ctx_init(ctx);
	ctx->root = root;
	put(rel, data);
	load_file(ctx, rel);
}

static const struct st_fact *fact(const struct st_ctx *ctx, const char *name)
{
	return st_fact_get(ctx, name);
}

static long long ival(const struct st_ctx *ctx, const char *name)
{
	const struct st_fact *f = fact(ctx, name);
	return f ? (long long)f->value.i : -999;
}

static const char *sval(const struct st_ctx *ctx, const char *name)
{
	const struct st_fact *f = fact(ctx, name);
	return f ? f->value.text : NULL;
}

static size_t diags(const struct st_ctx *ctx, enum st_severity sev, unsigned line, unsigned col)
{
	size_t c = 0;
	for (size_t i = 0; i < ctx->diags.n; i++) {
		const struct st_diag *d = &ctx->diags.items[i];
		c += d->severity == sev && (!line || d->origin.line == line) && (!col || d->origin.col == col);
	}
	return c;
}

static int diag_contains(const struct st_ctx *ctx, const char *needle)
{
	for (size_t i = 0; i < ctx->diags.n; i++)
		if (strstr(ctx->diags.items[i].message, needle))
			return 1;
	return 0;
}

static void test_table(void)
{
	const struct st_mysql_var *v = st_mysql_var_find("max-connections");
	ok(v && strcmp(v->name, "max_connections") == 0, "find: dashes and underscores alike");
	ok(st_mysql_var_find("INNODB_BUFFER_POOL_SIZE") != NULL, "find: case-insensitive");
	ok(st_mysql_var_find("no_such_variable") == NULL, "find: unknown is NULL");
	v = st_mysql_var_find("innodb_buffer_pool_size");
	ok(v && v->type == ST_MYSQL_SIZE && v->dynamic && (v->flavours & ST_MYSQL_MARIADB) &&
	       (v->flavours & ST_MYSQL_MYSQL80),
	   "innodb_buffer_pool_size: size, dynamic, MariaDB and MySQL 8.0");
	v = st_mysql_var_find("query_cache_size");
	ok(v && (v->flavours & ST_MYSQL_MARIADB) && (v->flavours & ST_MYSQL_MYSQL_KNOWN) &&
	       !(v->flavours & (ST_MYSQL_MYSQL80 | ST_MYSQL_MYSQL84)),
	   "query_cache_size: MariaDB only, removed in MySQL 8");
	v = st_mysql_var_find("wait_timeout");
	ok(v && v->type == ST_MYSQL_DURATION && v->unit_usec == 1000000, "wait_timeout: seconds");
	v = st_mysql_var_find("innodb_redo_log_capacity");
	ok(v && !(v->flavours & ST_MYSQL_MARIADB), "innodb_redo_log_capacity: MySQL only");
	v = st_mysql_var_find("skip_name_resolve");
	ok(v && v->type == ST_MYSQL_BOOL && !v->dynamic, "skip_name_resolve: bool, restart");
	is_str(st_mysql_var_suggest("max_conections"), "max_connections", "suggest: one letter missing");
	is_str(st_mysql_var_suggest("innodb_bufer_pool_size"), "innodb_buffer_pool_size", "suggest: long name");
	ok(st_mysql_var_suggest("zzzzzzzzzz") == NULL, "suggest: nothing close");
	for (size_t i = 1; i < st_mysql_vars_count; i++)
		if (strcmp(st_mysql_vars_table[i - 1].name, st_mysql_vars_table[i].name) >= 0) {
			ok(0, "table sorted at %s", st_mysql_vars_table[i].name);
			return;
		}
	ok(st_mysql_vars_count > 700, "table is sorted and has %zu entries", st_mysql_vars_count);
}

static void test_grammar(void)
{
	struct st_ctx ctx;
	load_new(&ctx, "my.cnf",
	         "# comment\n"
	         "; comment too\n"
	         "[mysqld]\n"
	         "max_connections = 300 # trailing comment\n"
	         "innodb-buffer-pool-size=2G\n"
	         "  Wait_Timeout\t=\t600  \n"
	         "skip-name-resolve\n"
	         "character_set_server = \"utf8mb4\"\n"
	         "init_connect = 'SET NAMES utf8mb4 # not a comment'\n"
	         "log_error = /var/log/mysql/err.log;not-a-comment\n"
	         "slow_query_log_file=a\\sb\\\\c\n"
	         "max_allowed_packet=64M\n"
	         "max_allowed_packet=128M\n"
	         "[client]\n"
	         "password = hunter2\n"
	         "user = app\n");
	is_int(ival(&ctx, "mysql.max_connections"), 300, "inline # comment after a value");
	is_int(ival(&ctx, "mysql.innodb_buffer_pool_size"), 2LL << 30, "dashes, G suffix");
	is_int(ival(&ctx, "mysql.wait_timeout"), 600000000LL, "case and tabs; seconds as microseconds");
	const struct st_fact *f = fact(&ctx, "mysql.skip_name_resolve");
	ok(f && f->value.kind == ST_VAL_BOOL && f->value.i == 1, "an option without value is ON");
	is_str(sval(&ctx, "mysql.character_set_server"), "utf8mb4", "double quotes removed");
	is_str(sval(&ctx, "mysql.init_connect"), "SET NAMES utf8mb4 # not a comment", "# inside quotes is kept");
	is_str(sval(&ctx, "mysql.log_error"), "/var/log/mysql/err.log;not-a-comment", "inline ; is not a comment");
	is_str(sval(&ctx, "mysql.slow_query_log_file"), "a b\\c", "escapes \\s and \\\\");
	const struct st_fact_entry *e = st_fact_entry(&ctx, "mysql.max_allowed_packet");
	ok(e && e->n == 2 && e->chain[1]->value.i == 128LL << 20 && e->chain[0]->value.i == 64LL << 20,
	   "last wins, the earlier value stays in the chain");
	f = fact(&ctx, "mysql.max_connections");
	ok(f && f->origin.line == 4 && f->origin.col == 1, "origin line 4 col 1");
	ok(f && f->origin.detail && strcmp(f->origin.detail, "[mysqld]") == 0, "origin detail names the group");
	is_int(f ? f->origin.value_len : 0, 3, "value span is the token");
	f = fact(&ctx, "mysql.wait_timeout");
	ok(f && f->origin.col == 3, "column counts leading blanks");
	f = fact(&ctx, "mycnf.my.cnf.client.password");
	ok(f && f->value.secret, "[client] password is a secret fact");
	is_str(sval(&ctx, "mycnf.my.cnf.client.user"), "app", "[client] user kept per file and group");
	ok(fact(&ctx, "mysql.password") == NULL, "client options are not server facts");
	ok(!fact(&ctx, "mysql.key_buffer_size") || !fact(&ctx, "mysql.key_buffer_size")->value.secret, "key_buffer_size is no secret");
	is_str(sval(&ctx, "mysql.kind"), "mysql", "kind assumed mysql without flavour hints");
	is_int(diags(&ctx, ST_SEV_WARNING, 0, 0) + diags(&ctx, ST_SEV_ERROR, 0, 0), 0, "no warnings or errors");
	for (size_t i = 0; i < ctx.diags.n; i++)
		ok(!strstr(ctx.diags.items[i].message, "hunter2"), "no diagnostic shows the password");
	st_ctx_free(&ctx);

	/* value spans point at the token as written, quotes included */
	load_new(&ctx, "span.cnf", "[mysqld]\nsql_mode = \"ANSI_QUOTES\"  # x\n");
	f = fact(&ctx, "mysql.sql_mode");
	ok(f && f->origin.value_off == 20 && f->origin.value_len == 13 && f->origin.line_off == 9 &&
	       f->origin.line_len == 29,
	   "spans: value token with quotes, whole line");
	is_int(f ? f->origin.col : 0, 1, "col of the option");
	st_ctx_free(&ctx);

	/* '#' after an unbalanced quote: mysys keeps looking for the closing quote */
	load_new(&ctx, "q.cnf", "[mysqld]\ninit_connect=a\"#b\nlog_error=x\\\"#y\n");
	is_str(sval(&ctx, "mysql.init_connect"), "a\"#b", "quote opened mid-value hides #");
	is_str(sval(&ctx, "mysql.log_error"), "x\"#y", "backslash outside quotes does not escape the quote");
	st_ctx_free(&ctx);

	/* groups: case-insensitive, text after ] ignored, spaces inside are part of the name */
	load_new(&ctx, "g.cnf", "[MYSQLD]\nport=3307\n[mysqld] junk\nserver_id=7\n[ mysqld ]\nmax_connections=9\n");
	is_int(ival(&ctx, "mysql.port"), 3307, "[MYSQLD] is [mysqld]");
	is_int(ival(&ctx, "mysql.server_id"), 7, "text after ] is ignored");
	ok(fact(&ctx, "mysql.max_connections") == NULL, "[ mysqld ] is another group");
	st_ctx_free(&ctx);
}

static void test_values(void)
{
	struct st_ctx ctx;
	load_new(&ctx, "v.cnf",
	         "[mysqld]\n"
	         "max_connections=2k\n"           /* 2 */
	         "key_buffer_size=8MB\n"          /* 3: server reads 8M, ignores B */
	         "sort_buffer_size=1.5M\n"        /* 4: error */
	         "innodb_flush_method=o_direct\n" /* 5 */
	         "binlog_format=2\n"              /* 6: index */
	         "transaction_isolation=bogus\n"  /* 7: error */
	         "skip-innodb-file-per-table\n"   /* 8 */
	         "disable-general-log\n"          /* 9 */
	         "enable-slow-query-log\n"        /* 10 */
	         "local_infile=yes\n"             /* 11: error, OFF */
	         "max_conections=10\n"            /* 12: unknown, did you mean */
	         "loose-no-such-plugin-option=1\n"/* 13 */
	         "sql_mode=strict_all_tables,ansi_quotes\n" /* 14 */
	         "long_query_time=0.5\n"          /* 15 */
	         "table_open_cache=-5\n"          /* 16: error */
	         "thread_stack\n"                 /* 17: needs a value */
	         "max_user_connections=5\n"       /* 18 */
	         "net_buffer_length=1000\n"       /* 19: below min 1024 */
	         "character_set_client=utf8\n");  /* 20: not an option */
	is_int(ival(&ctx, "mysql.max_connections"), 2048, "k suffix on an integer");
	is_int(ival(&ctx, "mysql.key_buffer_size"), 8LL << 20, "8MB read as 8M");
	ok(diags(&ctx, ST_SEV_WARNING, 3, 17) == 1, "warning at the value column for 8MB");
	ok(fact(&ctx, "mysql.sort_buffer_size") == NULL && diags(&ctx, ST_SEV_ERROR, 4, 18) == 1,
	   "1.5M is an error at 4:18, no fact");
	is_str(sval(&ctx, "mysql.innodb_flush_method"), "O_DIRECT", "enum: canonical spelling");
	is_str(sval(&ctx, "mysql.binlog_format"), "ROW", "enum by index");
	ok(diags(&ctx, ST_SEV_ERROR, 7, 23) == 1 && fact(&ctx, "mysql.transaction_isolation") == NULL,
	   "bad enum value: error at 7:23");
	ok(fact(&ctx, "mysql.innodb_file_per_table") && ival(&ctx, "mysql.innodb_file_per_table") == 0, "skip- is OFF");
	is_int(ival(&ctx, "mysql.general_log"), 0, "disable- is OFF");
	is_int(ival(&ctx, "mysql.slow_query_log"), 1, "enable- is ON");
	ok(ival(&ctx, "mysql.local_infile") == 0 && diags(&ctx, ST_SEV_ERROR, 11, 14) == 1,
	   "'yes' is not a boolean: error, server uses OFF");
	ok(diag_contains(&ctx, "did you mean 'max_connections'") && diags(&ctx, ST_SEV_WARNING, 12, 1) == 1,
	   "unknown option: warning with did-you-mean");
	const struct st_fact *f = fact(&ctx, "mysql.no_such_plugin_option");
	ok(f && f->origin.detail && strstr(f->origin.detail, "loose: ignored if unknown") &&
	       diags(&ctx, ST_SEV_WARNING, 13, 0) == 0,
	   "loose- unknown: fact with detail, no warning");
	is_str(sval(&ctx, "mysql.sql_mode"), "ANSI_QUOTES,STRICT_ALL_TABLES", "set: canonical names and order");
	is_int(ival(&ctx, "mysql.long_query_time"), 500000, "long_query_time 0.5 s");
	ok(diags(&ctx, ST_SEV_ERROR, 16, 18) == 1, "negative unsigned: error");
	ok(diags(&ctx, ST_SEV_ERROR, 17, 1) == 1, "option that needs a value: error");
	is_int(ival(&ctx, "mysql.max_user_connections"), 5, "plain int");
	is_int(ival(&ctx, "mysql.net_buffer_length"), 1024, "clamped to the minimum like the server");
	ok(diags(&ctx, ST_SEV_WARNING, 19, 19) == 1, "clamp is a warning");
	ok(diags(&ctx, ST_SEV_ERROR, 20, 1) == 1, "session variable in an option file: error");
	st_ctx_free(&ctx);
}

static void test_secrets(void)
{
	struct st_ctx ctx;
	load_new(&ctx, "s.cnf", "[mysqld]\nkey_buffer_size=1M\nloose-validate-password-policy=MEDIUM\n"
	                        "wsrep_sst_auth=root:pw\nreport-password=pw2\nloose-server-audit-file-path=/x\n");
	const struct st_fact *f = fact(&ctx, "mysql.key_buffer_size");
	ok(f && !f->value.secret, "key_buffer_size is not secret");
	f = fact(&ctx, "mysql.validate_password_policy");
	ok(f && !f->value.secret, "validate_password_policy is not secret");
	f = fact(&ctx, "mysql.wsrep_sst_auth");
	ok(f && f->value.secret, "wsrep_sst_auth is secret");
	f = fact(&ctx, "mysql.report_password");
	ok(f && f->value.secret, "report-password is secret");
	st_ctx_free(&ctx);
}

static void test_flavours(void)
{
	struct st_ctx ctx;
	load_new(&ctx, "m.cnf",
	         "[mysqld]\nmax_connections=100\n[mariadb]\nmax_connections=200\n[mysqld-8.0]\nmax_connections=300\n"
	         "[client-mariadb]\nport=1\n");
	is_int(ival(&ctx, "mysql.max_connections"), 200, "[mariadb] read: flavour inferred");
	is_str(sval(&ctx, "mysql.kind"), "mariadb", "kind inferred mariadb");
	const struct st_fact *f = fact(&ctx, "mycnf.m.cnf.mysqld-8.0.max_connections");
	ok(f && f->origin.detail && strstr(f->origin.detail, "not read by MariaDB"), "[mysqld-8.0] shadowed under MariaDB");
	ok(fact(&ctx, "mycnf.m.cnf.client-mariadb.port") != NULL, "[client-mariadb] is a client group");
	st_ctx_free(&ctx);

	/* flavour from compose: kind mysql from the image, component from the link */
	st_ctx_init(&ctx);
	ctx.root = root;
	struct st_origin o = st_origin_file("docker-compose.yml", 3, 5);
	o.detail = "image mysql:8.0";
	st_fact_set(&ctx, "link.config.db/my.cnf", NULL, st_value_string("db"), &o, ST_LAYER_FILE);
	o.kind = ST_ORIGIN_COMPUTED;
	st_fact_set(&ctx, "db.kind", "db", st_value_string("mysql"), &o, ST_LAYER_FILE);
	put("db/my.cnf", "[mysqld]\nquery_cache_size=1M\ninnodb_redo_log_capacity=1G\n[mariadbd]\nmax_connections=5\n");
	load_file(&ctx, "db/my.cnf");
	ok(fact(&ctx, "db.query_cache_size") != NULL && diag_contains(&ctx, "does not exist in MySQL 8"),
	   "MySQL: query_cache_size flagged");
	is_int(ival(&ctx, "db.innodb_redo_log_capacity"), 1LL << 30, "component from the compose link");
	f = fact(&ctx, "mycnf.db/my.cnf.mariadbd.max_connections");
	ok(f && f->origin.detail && strstr(f->origin.detail, "group [mariadbd] is not read by MySQL"),
	   "[mariadbd] not read by MySQL: recorded for the shadowing rule");
	ok(fact(&ctx, "db.max_connections") == NULL, "MariaDB-only group gives no server fact");
	st_ctx_free(&ctx);
}

static void test_includes(void)
{
	struct st_ctx ctx;
	st_ctx_init(&ctx);
	ctx.root = root;
	put("inc/my.cnf", "[mysqld]\nmax_connections=10\n!includedir conf.d\nport=3310\n!include extra/x.cnf\n"
	                  "!includedir /etc/mysql/conf.d/\n!include missing.cnf\n!include ../../outside.cnf\n");
	put("inc/conf.d/b.cnf", "[mysqld]\nmax_connections=30\n");
	put("inc/conf.d/a.cnf", "[mysqld]\nmax_connections=20\nport=3320\n");
	put("inc/conf.d/c.ini", "[mysqld]\nmax_connections=99\n");
	put("inc/extra/x.cnf", "[mysqld]\nserver_id=5\n");
	load_file(&ctx, "inc/conf.d/a.cnf"); /* the walker meets it first: included by my.cnf, so skipped */
	ok(fact(&ctx, "mysql.max_connections") == NULL, "a file an option file next to it includes is not loaded alone");
	load_file(&ctx, "inc/my.cnf");
	const struct st_fact_entry *e = st_fact_entry(&ctx, "mysql.max_connections");
	ok(e && e->n == 3 && e->chain[0]->value.i == 10 && e->chain[1]->value.i == 20 && e->chain[2]->value.i == 30,
	   "includedir order: sorted, .ini ignored");
	is_int(ival(&ctx, "mysql.port"), 3310, "an option after the includedir wins");
	const struct st_fact *f = fact(&ctx, "mysql.max_connections");
	is_str(f ? f->origin.file : NULL, "inc/conf.d/b.cnf", "origin is the included file");
	is_int(ival(&ctx, "mysql.server_id"), 5, "!include relative to the including file");
	ok(diags(&ctx, ST_SEV_INFO, 6, 1) == 1 && diag_contains(&ctx, "outside the audited tree"),
	   "absolute includedir: info, not followed");
	ok(diags(&ctx, ST_SEV_WARNING, 7, 1) == 1, "missing !include file: warning (the server ignores it)");
	ok(diags(&ctx, ST_SEV_INFO, 8, 1) == 1, "include escaping the tree: info");
	st_ctx_free(&ctx);

	load_new(&ctx, "loop/a.cnf", "[mysqld]\nport=1\n!include b.cnf\n");
	put("loop/b.cnf", "[mysqld]\nport=2\n!include a.cnf\n");
	st_ctx_free(&ctx);
	st_ctx_init(&ctx);
	ctx.root = root;
	struct st_file fa = {.path = "loop/a.cnf", .name = "a.cnf", .data = "[mysqld]\nport=1\n!include b.cnf\n"};
	fa.size = strlen(fa.data);
	st_mycnf_load(&ctx, &fa);
	ok(diag_contains(&ctx, "include loop: loop/a.cnf -> loop/b.cnf -> loop/a.cnf"),
	   "include loop: error naming the chain");
	is_int(ival(&ctx, "mysql.port"), 1, "loop: re-read until depth 10 like the server (a.cnf is level 10)");
	is_int(diags(&ctx, ST_SEV_ERROR, 0, 0), 2, "loop: one loop error, one depth error");
	st_ctx_free(&ctx);

	/* depth: d0 includes d1 ... d11 */
	st_ctx_init(&ctx);
	ctx.root = root;
	for (int i = 0; i <= 11; i++) {
		char rel[64], body[128];
		snprintf(rel, sizeof rel, "deep/d%d.cnf", i);
		snprintf(body, sizeof body, "[mysqld]\nserver_id=%d\n!include d%d.cnf\n", i, i + 1);
		put(rel, body);
	}
	struct st_file fd;
	if (st_file_read(&ctx, "deep/d0.cnf", NULL, &fd) == 0) {
		fd.path = "deep/d0.cnf";
		ctx.root = root;
		st_mycnf_load(&ctx, &fd);
	}
	is_int(ival(&ctx, "mysql.server_id"), 10, "includes stop at depth 10 like the server");
	ok(diag_contains(&ctx, "nested deeper than 10"), "too deep: error");
	st_ctx_free(&ctx);

	load_new(&ctx, "part/my.cnf", "[mysqld]\nport=7\n!include p.cnf\nserver_id=8\n");
	st_ctx_free(&ctx);
	load_new(&ctx, "part/p.cnf", "max_connections=1\n[mysqld]\nport=9\n");
	st_ctx_free(&ctx);
	st_ctx_init(&ctx);
	ctx.root = root;
	load_file(&ctx, "part/my.cnf");
	ok(diag_contains(&ctx, "stops reading this included file"), "fatal error in an included file: that file stops");
	is_int(ival(&ctx, "mysql.port"), 7, "nothing after the fatal error in the included file is read");
	is_int(ival(&ctx, "mysql.server_id"), 8, "the including file goes on");
	st_ctx_free(&ctx);

	load_new(&ctx, "bad/dirs.cnf", "[mysqld]\n!includedir nope\n!include\nport=5\n");
	ok(diags(&ctx, ST_SEV_ERROR, 2, 1) == 1, "missing includedir directory: error (fatal for the server)");
	ok(diags(&ctx, ST_SEV_ERROR, 3, 1) == 1, "!include without argument: error");
	is_int(ival(&ctx, "mysql.port"), 5, "the rest still loads");
	st_ctx_free(&ctx);
}

static void test_hostile(void)
{
	struct st_ctx ctx;
	load_new(&ctx, "h.cnf", "port=1\n[mysqld\nport=2\n[mysqld]\n=x\nport=3\n\xEF\n[server]\nmax_connections=\n");
	ok(diags(&ctx, ST_SEV_ERROR, 1, 1) == 1, "option before any group: error");
	ok(diags(&ctx, ST_SEV_ERROR, 2, 1) == 1, "group without ]: error");
	ok(diags(&ctx, ST_SEV_ERROR, 5, 1) == 1, "option without a name: error");
	is_int(ival(&ctx, "mysql.port"), 3, "parsing goes on");
	is_int(ival(&ctx, "mysql.max_connections"), 10, "empty number is 0, clamped to the minimum 10");
	st_ctx_free(&ctx);

	load_new(&ctx, "bom.cnf", "\xEF\xBB\xBF[mysqld]\nport=4\n");
	ok(diags(&ctx, ST_SEV_ERROR, 1, 1) == 1, "byte order mark: error");
	is_int(ival(&ctx, "mysql.port"), 4, "rest of the file after a BOM still loads");
	st_ctx_free(&ctx);

	/* long lines, many quotes, huge numbers, CRLF */
	size_t big = 10000;
	char *s = malloc(big + 256);
	if (!s)
		abort();
	strcpy(s, "[mysqld]\r\ninit_connect=\"");
	size_t k = strlen(s);
	for (size_t i = 0; i < big; i++)
		s[k++] = (char)("\"'\\#= "[i % 6]);
	strcpy(s + k, "\r\nmax_connections=99999999999999999999\r\nport = 3306 \r\n");
	load_new(&ctx, "big.cnf", s);
	free(s);
	ok(diag_contains(&ctx, "line longer than"), "long line: warning");
	ok(diags(&ctx, ST_SEV_ERROR, 3, 17) == 1, "integer overflow: error");
	is_int(ival(&ctx, "mysql.port"), 3306, "CRLF lines");
	st_ctx_free(&ctx);

	ok(st_mycnf_match("db/my.cnf", "my.cnf", NULL, 0) == ST_MATCH_NEED_HEAD, "match: *.cnf needs the head");
	ok(st_mycnf_match("x/openssl.cnf", "openssl.cnf", "[ req ]\nprompt = no\n", 20) == ST_MATCH_NO,
	   "match: openssl.cnf is not an option file");
	ok(st_mycnf_match("x/my.cnf", "my.cnf", "# c\n  [mysqld]\n", 15) == ST_MATCH_YES, "match: [mysqld] head");
	ok(st_mycnf_match("x/settings.py", "settings.py", NULL, 0) == ST_MATCH_NO, "match: other files no");
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(root, sizeof root, "%s/st-mycnf-XXXXXX", tmp && *tmp && strlen(tmp) < 40 ? tmp : "/tmp");
	if (!mkdtemp(root))
		return 1;
	test_table();
	test_grammar();
	test_values();
	test_secrets();
	test_flavours();
	test_includes();
	test_hostile();
	rm_tree();
	return done_testing();
}
