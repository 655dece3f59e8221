/* loaders/pgbouncer: cfparser grammar (comments only at a token start, sections, %include), typed [pgbouncer]
 * parameters, connection strings with quotes, positions, secrets, errors that do not stop the file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../tap.h"
#include "stacktune/loaders.h"

static char root[64];

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

static void load_text(struct st_ctx *ctx, const char *path, const char *text)
{
	const char *slash = strrchr(path, '/');
	struct st_file f = {.path = path, .name = slash ? slash + 1 : path, .data = text, .size = strlen(text)};
	st_pgbouncer_load(ctx, &f);
}

static const struct st_fact *get(struct st_ctx *ctx, const char *name)
{
	return st_fact_get(ctx, name);
}

static int has_diag(struct st_ctx *ctx, enum st_severity sev, unsigned line, unsigned col, const char *needle)
{
	for (size_t i = 0; i < ctx->diags.n; i++) {
		const struct st_diag *d = &ctx->diags.items[i];
		if (d->severity == sev && (!line || d->origin.line == line) && (!col || d->origin.col == col) &&
		    strstr(d->message, needle))
			return 1;
	}
	return 0;
}

static void dump_diags(struct st_ctx *ctx)
{
	for (size_t i = 0; i < ctx->diags.n; i++)
		printf("# diag %s %u:%u %s\n", st_severity_name(ctx->diags.items[i].severity),
		       ctx->diags.items[i].origin.line, ctx->diags.items[i].origin.col, ctx->diags.items[i].message);
}

static void test_basic(void)
{
	struct st_ctx ctx;
	st_ctx_init(&ctx);
	const char *text =
	    ";; comment\n"
	    "[databases]\n"
	    "app = host=db port=5433 dbname=appdb user=u password='s3 cr''et' pool_size=15 pool_mode=Session\n"
	    "* = host=fallback\n"
	    "\n"
	    "[pgbouncer]\n"
	    "  # indented comment\n"
	    "listen_port = 010\n"
	    "max_client_conn=0x20\n"
	    "pool_mode = TRANSACTION\n"
	    "server_lifetime = 1.5\n"
	    "query_wait_timeout = 30\r\n"
	    "auth_type = scram-sha-256\n"
	    "[users]\n"
	    "bob = pool_mode=statement max_user_connections=7\n";
	load_text(&ctx, "pgbouncer/pgbouncer.ini", text);
	dump_diags(&ctx);
	is_int(st_diag_count(&ctx, ST_SEV_WARNING), 0, "a valid file has no diagnostics");
	const struct st_fact *f = get(&ctx, "pgbouncer.listen_port");
	ok(f && f->value.kind == ST_VAL_INT && f->value.i == 8, "010 is octal, as strtol(base 0) reads it");
	f = get(&ctx, "pgbouncer.max_client_conn");
	ok(f && f->value.i == 32, "0x20 is hex");
	f = get(&ctx, "pgbouncer.pool_mode");
	is_str(f ? f->value.text : NULL, "TRANSACTION", "lookup keeps the text as written");
	ok(f && f->value.kind == ST_VAL_STRING, "pool_mode is a string");
	f = get(&ctx, "pgbouncer.server_lifetime");
	ok(f && f->value.kind == ST_VAL_DURATION && f->value.i == 1500000, "fractional seconds -> microseconds");
	f = get(&ctx, "pgbouncer.query_wait_timeout");
	ok(f && f->value.i == 30000000, "CRLF line: the value is trimmed");
	ok(f && f->origin.line == 12 && f->origin.col == 22 && f->origin.value_len == 2,
	   "origin of 30 is 12:22, 2 bytes");
	f = get(&ctx, "pgbouncer.databases.app.host");
	is_str(f ? f->value.text : NULL, "db", "database host");
	ok(f && f->origin.line == 3 && f->origin.col == 12, "host value at 3:12");
	f = get(&ctx, "pgbouncer.databases.app.port");
	ok(f && f->value.kind == ST_VAL_INT && f->value.i == 5433, "database port typed");
	f = get(&ctx, "pgbouncer.databases.app.password");
	ok(f && f->value.secret, "password is secret");
	is_str(f ? f->value.text : NULL, "s3 cr'et", "quoted value with '' unquoted");
	ok(f && f->origin.col == 54 && f->origin.value_len == 11, "password span covers the quotes");
	f = get(&ctx, "pgbouncer.databases.app.pool_size");
	ok(f && f->value.i == 15, "pool_size");
	f = get(&ctx, "pgbouncer.databases.app.pool_mode");
	is_str(f ? f->value.text : NULL, "Session", "database pool_mode accepted case-insensitively");
	f = get(&ctx, "pgbouncer.databases.*.host");
	is_str(f ? f->value.text : NULL, "fallback", "the * fallback database");
	f = get(&ctx, "pgbouncer.users.bob.max_user_connections");
	ok(f && f->value.i == 7, "[users] entry");
	f = get(&ctx, "pgbouncer.kind");
	is_str(f ? f->value.text : NULL, "pgbouncer", "kind recorded when nothing named the component");
	ok(f && f->origin.line == 2, "kind's origin is the first section header");
	/* nothing a diagnostic or fact text says shows the password */
	for (size_t i = 0; i < ctx.diags.n; i++)
		ok(!strstr(ctx.diags.items[i].message, "s3 cr"), "no secret in diagnostics");
	st_ctx_free(&ctx);
}

static void test_errors(void)
{
	struct st_ctx ctx;
	st_ctx_init(&ctx);
	const char *text = "orphan = 1\n"                                 /* 1 */
	                   "[pgbouncer]\n"                                /* 2 */
	                   "pool_mode = transaction ; inline comment\n"   /* 3 */
	                   "default_pool_size = 20x\n"                    /* 4 */
	                   "max_client_con = 500\n"                       /* 5 */
	                   "server_idle_timeout = 10min\n"                /* 6 */
	                   "this is not a pair\n"                         /* 7 */
	                   "[weird]\n"                                    /* 8 */
	                   "[databases]\n"                                /* 9 */
	                   "a = host=x prot=1\n"                          /* 10 */
	                   "b = host='unterminated\n"                     /* 11 */
	                   "c = port=abc\n"                               /* 12 */
	                   "d = pool_size=12abc password=hunter2secret\n" /* 13 */
	                   "pgbouncer = host=x\n"                         /* 14 */
	                   "[pgbouncer]\n"                                /* 15 */
	                   "listen_port = 7000\n"                         /* 16 */
	                   "[broken\n"                                    /* 17 */
	                   "min_pool_size = 2\n";                         /* 18 */
	load_text(&ctx, "pgbouncer.ini", text);
	dump_diags(&ctx);
	ok(has_diag(&ctx, ST_SEV_ERROR, 1, 1, "outside a section"), "key before any section");
	ok(has_diag(&ctx, ST_SEV_ERROR, 3, 13, "pool_mode"), "no inline comments: the value is invalid");
	ok(has_diag(&ctx, ST_SEV_ERROR, 4, 21, "not an integer"), "20x is not an integer");
	ok(has_diag(&ctx, ST_SEV_WARNING, 5, 1, "did you mean 'max_client_conn'"), "did you mean");
	ok(has_diag(&ctx, ST_SEV_ERROR, 6, 23, "seconds"), "durations take no units");
	ok(has_diag(&ctx, ST_SEV_ERROR, 7, 6, "syntax error"), "syntax error at the first bad byte");
	ok(has_diag(&ctx, ST_SEV_ERROR, 8, 2, "unknown section"), "unknown section");
	ok(has_diag(&ctx, ST_SEV_ERROR, 10, 12, "did you mean 'port'"), "unknown connection parameter");
	ok(has_diag(&ctx, ST_SEV_ERROR, 11, 10, "unterminated"), "unterminated quote");
	ok(has_diag(&ctx, ST_SEV_ERROR, 12, 10, "invalid port"), "atoi(abc) = 0 is an invalid port");
	ok(has_diag(&ctx, ST_SEV_WARNING, 13, 15, "atoi"), "12abc read as 12 with a warning");
	ok(has_diag(&ctx, ST_SEV_ERROR, 14, 1, "reserved"), "the pgbouncer database name is reserved");
	ok(has_diag(&ctx, ST_SEV_ERROR, 17, 1, "missing ']'"), "missing ]");
	const struct st_fact *f = get(&ctx, "pgbouncer.listen_port");
	ok(f && f->value.i == 7000, "the rest of the file still loads");
	ok(!get(&ctx, "pgbouncer.default_pool_size"), "an invalid value makes no fact");
	ok(!get(&ctx, "pgbouncer.databases.a.host"), "a database whose string fails is not added at all");
	ok(!get(&ctx, "pgbouncer.min_pool_size"), "after a broken header no section applies");
	f = get(&ctx, "pgbouncer.databases.d.pool_size");
	ok(f && f->value.i == 12, "atoi value recorded");
	ok(get(&ctx, "pgbouncer.databases.d.password") && get(&ctx, "pgbouncer.databases.d.password")->value.secret,
	   "password after a warned value is still secret");
	for (size_t i = 0; i < ctx.diags.n; i++)
		if (strstr(ctx.diags.items[i].message, "hunter2"))
			ok(0, "a diagnostic shows a password: %s", ctx.diags.items[i].message);
	st_ctx_free(&ctx);
}

static void test_includes_and_links(void)
{
	snprintf(root, sizeof root, "/tmp/st-pgb-XXXXXX");
	if (!mkdtemp(root))
		abort();
	put("pgb/pgbouncer.ini",
	    "[pgbouncer]\n%include dbs.ini\nmax_client_conn = 300\n%include /etc/pgbouncer/x.ini\n");
	put("pgb/dbs.ini", "[databases]\nmain = host=pg\n[pgbouncer]\ndefault_pool_size = 30\n");
	put("pgb/loop.ini", "[pgbouncer]\n%include loop.ini\n");
	struct st_ctx ctx;
	st_ctx_init(&ctx);
	ctx.root = root;
	struct st_origin lo = st_origin_file("docker-compose.yml", 9, 9);
	st_fact_set(&ctx, "link.config.pgb/pgbouncer.ini", NULL, st_value_string("bouncer"), &lo, ST_LAYER_FILE);
	st_fact_set(&ctx, "bouncer.kind", "bouncer", st_value_string("pgbouncer"), &lo, ST_LAYER_FILE);
	struct st_file f;
	if (st_file_read(&ctx, "pgb/pgbouncer.ini", NULL, &f) == 0)
		st_pgbouncer_load(&ctx, &f);
	dump_diags(&ctx);
	const struct st_fact *x = get(&ctx, "bouncer.databases.main.host");
	is_str(x ? x->value.text : NULL, "pg", "included [databases] under the linked component");
	ok(x && strcmp(x->origin.file, "pgb/dbs.ini") == 0 && x->origin.line == 2, "origin in the included file");
	x = get(&ctx, "bouncer.max_client_conn");
	ok(x && x->value.i == 300, "the section after the include is the one the include left ([pgbouncer])");
	ok(get(&ctx, "bouncer.default_pool_size") != NULL, "included [pgbouncer] parameters");
	ok(has_diag(&ctx, ST_SEV_INFO, 4, 10, "outside the audited tree"), "absolute include reported, not followed");
	x = get(&ctx, "bouncer.kind");
	ok(x && x->origin.line == 9, "the compose kind is not overwritten");
	ok(!get(&ctx, "pgbouncer.max_client_conn"), "nothing under the default component");
	/* a fragment alone is skipped */
	if (st_file_read(&ctx, "pgb/loop.ini", NULL, &f) == 0)
		st_pgbouncer_load(&ctx, &f);
	ok(has_diag(&ctx, ST_SEV_ERROR, 0, 0, "too deep"), "include loop stops at the nesting limit");
	st_ctx_free(&ctx);

	st_ctx_init(&ctx);
	load_text(&ctx, "conf/databases.ini", "[databases]\nx = host=y\n");
	ok(!get(&ctx, "pgbouncer.databases.x.host") && has_diag(&ctx, ST_SEV_INFO, 0, 0, "fragment"),
	   "a fragment without [pgbouncer] is not loaded alone");
	load_text(&ctx, "pgbouncer.ini", "[databases]\nx = host=y\n");
	ok(has_diag(&ctx, ST_SEV_ERROR, 0, 0, "main section missing"), "pgbouncer.ini without [pgbouncer]");
	st_ctx_free(&ctx);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", root);
}

static void test_match(void)
{
	ok(st_pgbouncer_match("a/pgbouncer.ini", "pgbouncer.ini", NULL, 0) == ST_MATCH_YES, "pgbouncer.ini");
	ok(st_pgbouncer_match("a/x.ini", "x.ini", NULL, 0) == ST_MATCH_NEED_HEAD, "*.ini needs the head");
	const char *h = "; x\n  [databases]\n";
	ok(st_pgbouncer_match("a/x.ini", "x.ini", h, strlen(h)) == ST_MATCH_YES, "*.ini with [databases]");
	h = "[uwsgi]\nmodule = x\n";
	ok(st_pgbouncer_match("a/uwsgi.ini", "uwsgi.ini", h, strlen(h)) == ST_MATCH_NO, "uwsgi.ini is not ours");
	ok(st_pgbouncer_match("a/x.conf", "x.conf", NULL, 0) == ST_MATCH_NO, "other extensions");
	ok(st_pgbouncer_setting_find("Pool_Mode") == NULL, "parameter names are case-sensitive");
	is_str(st_pgbouncer_setting_suggest("default_pool_sise"), "default_pool_size", "suggestion");
}

static void test_hostile(void)
{
	struct st_ctx ctx;
	st_ctx_init(&ctx);
	struct st_buf b = {0};
	st_buf_puts(&b, "[pgbouncer]\n");
	for (int i = 0; i < 2000; i++)
		st_buf_puts(&b, "bad line here\n");
	st_buf_puts(&b, "[databases]\nq = host='");
	for (int i = 0; i < 10000; i++)
		st_buf_putc(&b, '\'');
	load_text(&ctx, "pgbouncer.ini", st_buf_cstr(&b));
	ok(st_diag_count(&ctx, ST_SEV_ERROR) <= 52, "errors per file are capped (%zu)",
	   st_diag_count(&ctx, ST_SEV_ERROR));
	st_buf_free(&b);
	st_ctx_free(&ctx);
}

int main(void)
{
	test_basic();
	test_errors();
	test_includes_and_links();
	test_match();
	test_hostile();
	return done_testing();
}
