/* loaders/url: connection URLs, Go MySQL DSNs, libpq key=value strings, their facts and redaction. */
#include <stdlib.h>
#include <string.h>

#include "../tap.h"
#include "stacktune/loaders.h"

static int parse(struct st_ctx *ctx, const char *s, struct st_url *u)
{
	return st_url_parse(ctx, s, strlen(s), u);
}

static int dsn(struct st_ctx *ctx, const char *s, struct st_url *u)
{
	return st_dsn_parse(ctx, s, strlen(s), u);
}

static const char *param(const struct st_url *u, const char *k)
{
	for (size_t i = 0; i < u->n_params; i++)
		if (strcmp(u->params[i].key, k) == 0)
			return u->params[i].value;
	return NULL;
}

static void test_postgres(struct st_ctx *ctx)
{
	struct st_url u;
	is_int(parse(ctx, "postgresql://app:s3cr%40t@db.internal:5432/app%20db?sslmode=require&connect_timeout=10", &u),
	       0, "postgresql URL parses");
	is_str(u.scheme, "postgresql", "scheme");
	is_str(u.user, "app", "user");
	is_str(u.password, "s3cr@t", "password percent-decoded");
	is_str(u.host, "db.internal", "host");
	is_int(u.port, 5432, "port");
	is_str(u.database, "app db", "database percent-decoded");
	is_int(u.n_params, 2, "two params");
	is_str(param(&u, "sslmode"), "require", "sslmode param");
	is_str(param(&u, "connect_timeout"), "10", "connect_timeout param");
	is_str(u.redacted, "postgresql://app:***@db.internal:5432/app%20db?sslmode=require&connect_timeout=10",
	       "redacted keeps everything but the password");

	is_int(parse(ctx, "POSTGRES://h", &u), 0, "upper-case scheme");
	is_str(u.scheme, "postgres", "scheme lower-cased");
	is_str(u.host, "h", "bare host");
	ok(u.user == NULL && u.password == NULL && u.port == 0 && u.database == NULL && u.n_params == 0,
	   "missing parts are NULL/0");
	is_str(u.redacted, "POSTGRES://h", "nothing to mask: redacted is the text");

	is_int(parse(ctx, "postgres://u@[::1]:5433/db", &u), 0, "IPv6 host");
	is_str(u.host, "::1", "IPv6 host without brackets");
	is_int(u.port, 5433, "IPv6 port");
	is_str(u.user, "u", "user without password");
	ok(u.password == NULL, "no password");

	is_int(parse(ctx, "postgres://[2001:db8::1]/x", &u), 0, "IPv6 without port");
	is_str(u.host, "2001:db8::1", "IPv6 host");
	is_int(u.port, 0, "no port");
	is_int(parse(ctx, "postgres://[::1/db", &u), -1, "unclosed IPv6 bracket is not a URL");

	is_int(parse(ctx, "postgresql://u:p@h1:5432,h2:5433/db?target_session_attrs=read-write", &u), 0, "multi-host");
	is_str(u.host, "h1:5432,h2:5433", "host list kept as written");
	is_int(u.port, 5432, "port of the first host");
	is_str(u.database, "db", "multi-host database");

	is_int(parse(ctx, "postgresql:///db?host=/var/run/postgresql", &u), 0, "unix socket via host param");
	is_str(u.host, "/var/run/postgresql", "socket directory from host=");
	is_str(u.database, "db", "database with empty authority");
	ok(u.user == NULL, "no user");
	is_int(parse(ctx, "postgres://user@%2Fvar%2Frun/db", &u), 0, "percent-encoded socket host");
	is_str(u.host, "/var/run", "socket host decoded");
	is_str(u.user, "user", "socket user");

	is_int(parse(ctx, "postgres://h/db?password=xx&sslpassword=yy&application_name=web", &u), 0,
	       "password params");
	is_str(u.redacted, "postgres://h/db?password=***&sslpassword=***&application_name=web", "password params masked");
	is_str(param(&u, "password"), "xx", "param value kept in the struct");

	is_int(parse(ctx, "postgres://u:pa/ss@h/db", &u), 0, "unescaped '/' in a password");
	is_str(u.password, "pa/ss", "password with '/'");
	is_str(u.host, "h", "host after such a password");
	is_str(u.redacted, "postgres://u:***@h/db", "that password masked");

	is_int(parse(ctx, "http://host:80/a@b", &u), 0, "'@' in the path");
	ok(u.user == NULL && u.password == NULL, "'@' in the path is not a userinfo");
	is_str(u.host, "host", "host before the path");
	is_int(u.port, 80, "port before the path");

	is_int(parse(ctx, "postgres://u:@h/db", &u), 0, "empty password");
	is_str(u.password, "", "empty password is present and empty");

	is_int(parse(ctx, "postgres://u@h:${PORT}/db", &u), 0, "unexpanded port");
	is_int(u.port, 0, "non-numeric port is 0");
	is_str(u.host, "h", "host kept");
	is_int(parse(ctx, "redis://h:99999", &u), 0, "out-of-range port");
	is_int(u.port, 0, "out-of-range port is 0");
	is_int(parse(ctx, "postgres://u:p%zz@h", &u), 0, "bad percent escape");
	is_str(u.password, "p%zz", "bad percent escape kept as written");
	is_int(parse(ctx, "postgres://u:p%4@h", &u), 0, "truncated percent escape");
	is_str(u.password, "p%4", "truncated escape kept");
}

static void test_other_schemes(struct st_ctx *ctx)
{
	struct st_url u;
	const char *mysqls[] = {"mysql", "mysql2", "mariadb"};
	for (int i = 0; i < 3; i++) {
		char buf[128];
		snprintf(buf, sizeof buf, "%s://root:pw@mysql:3306/shop", mysqls[i]);
		is_int(parse(ctx, buf, &u), 0, "mysql-family URL #%d", i);
		is_str(u.scheme, mysqls[i], "mysql-family scheme #%d", i);
		is_int(u.port, 3306, "mysql-family port #%d", i);
		is_str(u.database, "shop", "mysql-family database #%d", i);
	}
	is_int(parse(ctx, "redis://:pw@cache:6379/1", &u), 0, "redis URL with password only");
	ok(u.user == NULL, "redis empty user is NULL");
	is_str(u.password, "pw", "redis password");
	is_str(u.database, "1", "redis db number");
	is_str(u.redacted, "redis://:***@cache:6379/1", "redis redacted");
	is_int(parse(ctx, "rediss://cache", &u), 0, "rediss");
	ok(u.database == NULL && u.port == 0, "rediss without db and port");
	is_int(parse(ctx, "amqp://guest:guest@rabbit:5672//", &u), 0, "amqp");
	is_str(u.database, "/", "amqp vhost '/'");
	is_int(parse(ctx, "mongodb+srv://u:p@cluster0.example.net/db?retryWrites=true&w=majority", &u), 0, "mongodb+srv");
	is_str(u.scheme, "mongodb+srv", "mongodb+srv scheme");
	is_str(u.host, "cluster0.example.net", "mongodb host");
	is_str(param(&u, "w"), "majority", "mongodb param");
	is_int(parse(ctx, "mongodb://u:p@m1:27017,m2:27018/app?replicaSet=rs0", &u), 0, "mongodb replica set");
	is_int(u.port, 27017, "first mongodb port");
	is_int(parse(ctx, "https://example.com/x#frag", &u), 0, "any scheme");
	is_str(u.database, "x", "path before fragment");
	is_int(parse(ctx, "s3://bucket?k", &u), 0, "param without '='");
	is_str(param(&u, "k"), "", "param without value is empty");

	const char *bad[] = {"hello", "db:5432", "", "postgres:/x", "http://a b", "1abc://h", "://h", "postgres//h",
	                     "x\x01://h"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		size_t nd = ctx->diags.n;
		is_int(parse(ctx, bad[i], &u), -1, "not a URL #%zu", i);
		ok(u.scheme == NULL && u.redacted == NULL, "not a URL #%zu leaves the struct empty", i);
		is_int(ctx->diags.n, nd, "not a URL #%zu records no diagnostic", i);
	}
}

static void test_go_mysql(struct st_ctx *ctx)
{
	struct st_url u;
	is_int(dsn(ctx, "user:pass@tcp(host:3306)/db?parseTime=true&loc=Europe%2FParis", &u), 0, "Go MySQL DSN");
	is_str(u.scheme, "mysql", "Go DSN scheme");
	is_str(u.user, "user", "Go DSN user");
	is_str(u.password, "pass", "Go DSN password");
	is_str(u.host, "host", "Go DSN host");
	is_int(u.port, 3306, "Go DSN port");
	is_str(u.database, "db", "Go DSN database");
	is_str(param(&u, "parseTime"), "true", "Go DSN param");
	is_str(param(&u, "loc"), "Europe/Paris", "Go DSN param decoded");
	is_str(u.redacted, "user:***@tcp(host:3306)/db?parseTime=true&loc=Europe%2FParis", "Go DSN redacted");

	is_int(dsn(ctx, "root@unix(/tmp/mysql.sock)/shop", &u), 0, "unix socket DSN");
	is_str(u.host, "/tmp/mysql.sock", "socket path");
	ok(u.password == NULL, "no password");
	is_int(dsn(ctx, "u:p@/db", &u), 0, "DSN without address");
	ok(u.host == NULL && u.port == 0, "default address is NULL/0");
	is_int(dsn(ctx, "u:p@tcp([::1]:3307)/db", &u), 0, "IPv6 DSN");
	is_str(u.host, "::1", "IPv6 DSN host");
	is_int(u.port, 3307, "IPv6 DSN port");
	is_int(dsn(ctx, "u:p@ss/wd@tcp(h:3306)/db", &u), 0, "'@' and '/' in a DSN password");
	is_str(u.password, "p@ss/wd", "the last '@' before the last '/' ends the password");
	is_str(u.redacted, "u:***@tcp(h:3306)/db", "redacted");

	const char *bad[] = {"/var/lib/x", "a@b/c", "foo/bar", "u@tcp(h:3306/db", "u@tcp(h)x/db", "tcp(h)/d b"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		is_int(dsn(ctx, bad[i], &u), -1, "not a DSN: %s", bad[i]);
}

static void test_libpq_kv(struct st_ctx *ctx)
{
	struct st_url u;
	const char *s = "host=db port=5432 user=app password='se cr\\'et' dbname=x sslmode=require";
	is_int(dsn(ctx, s, &u), 0, "libpq key=value");
	is_str(u.scheme, "postgresql", "libpq scheme");
	is_str(u.host, "db", "libpq host");
	is_int(u.port, 5432, "libpq port");
	is_str(u.user, "app", "libpq user");
	is_str(u.password, "se cr'et", "quoted password unescaped");
	is_str(u.database, "x", "dbname");
	is_str(param(&u, "sslmode"), "require", "other keys are params");
	is_str(u.redacted, "host=db port=5432 user=app password=*** dbname=x sslmode=require", "libpq redacted");

	is_int(dsn(ctx, "  host = db\tdbname=x  sslpassword=zz ", &u), 0, "spaces around '='");
	is_str(u.host, "db", "spaced host");
	is_str(u.redacted, "  host = db\tdbname=x  sslpassword=*** ", "sslpassword masked");
	is_int(dsn(ctx, "hostaddr=10.0.0.1 port=6432,6433 dbname=a\\ b", &u), 0, "hostaddr, port list, escape");
	is_str(u.host, "10.0.0.1", "hostaddr as host");
	is_int(u.port, 6432, "first port of a list");
	is_str(u.database, "a b", "backslash escape in unquoted value");
	is_int(dsn(ctx, "sslmode=require connect_timeout=5", &u), -1, "no host/dbname/user: not a DSN");
	is_int(dsn(ctx, "host=db password='oops", &u), -1, "unterminated quote: not a DSN");
	is_int(dsn(ctx, "hello world", &u), -1, "words: not a DSN");
	is_int(dsn(ctx, "host=db junk", &u), -1, "a word without '=': not a DSN");
	is_int(dsn(ctx, "=x host=db", &u), -1, "empty key: not a DSN");
}

static int contains(const char *hay, const char *needle)
{
	return hay && strstr(hay, needle) != NULL;
}

static void test_facts(struct st_ctx *ctx)
{
	struct st_url u;
	struct st_origin o = st_origin_file("app/.env", 3, 1);
	is_int(parse(ctx, "postgres://app:PLANTpw@db:5432/main?sslmode=require&connect_timeout=10&password=PLANTq", &u),
	       0, "parse for facts");
	st_url_facts(ctx, "t.url", "web", &u, &o, ST_LAYER_FILE);
	const struct st_fact *f = st_fact_get(ctx, "t.url.host");
	ok(f && f->value.kind == ST_VAL_STRING, "host fact is a string");
	is_str(f ? f->value.text : NULL, "db", "host fact value");
	is_str(f ? f->component : NULL, "web", "component set");
	is_int(f ? f->origin.line : 0, 3, "origin carried");
	is_int(f ? f->layer : 0, ST_LAYER_FILE, "layer carried");
	f = st_fact_get(ctx, "t.url.port");
	ok(f && f->value.kind == ST_VAL_INT && f->value.i == 5432, "port fact is an int");
	f = st_fact_get(ctx, "t.url.param.connect_timeout");
	ok(f && f->value.kind == ST_VAL_INT && f->value.i == 10, "all-digit param is an int");
	f = st_fact_get(ctx, "t.url.param.sslmode");
	ok(f && f->value.kind == ST_VAL_STRING, "other param is a string");
	is_str(st_fact_get(ctx, "t.url.scheme") ? st_fact_get(ctx, "t.url.scheme")->value.text : NULL, "postgres",
	       "scheme fact");
	is_str(st_fact_get(ctx, "t.url.user") ? st_fact_get(ctx, "t.url.user")->value.text : NULL, "app", "user fact");
	is_str(st_fact_get(ctx, "t.url.database") ? st_fact_get(ctx, "t.url.database")->value.text : NULL, "main",
	       "database fact");
	const char *secret_names[] = {"t.url.password", "t.url.param.password"};
	for (int i = 0; i < 2; i++) {
		f = st_fact_get(ctx, secret_names[i]);
		ok(f && f->value.secret, "%s is secret", secret_names[i]);
		struct st_buf b = {0};
		if (f) {
			st_value_format(&b, &f->value);
			st_buf_puts(&b, " ");
			st_value_json(&b, &f->value);
		}
		is_str(st_buf_cstr(&b), "*** \"***\"", "%s prints as ***", secret_names[i]);
		ok(f && !contains(f->value.text, "PLANT") && !contains(f->value.redacted, "PLANT"),
		   "%s keeps no clear text", secret_names[i]);
		st_buf_free(&b);
	}
	/* nothing printable of any fact holds the password */
	size_t n = 0;
	const struct st_fact_entry **all = st_fact_sorted(ctx, &n);
	int leaks = 0;
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < all[i]->n; k++) {
			struct st_buf b = {0};
			st_value_format(&b, &all[i]->chain[k]->value);
			st_value_json(&b, &all[i]->chain[k]->value);
			leaks += contains(st_buf_cstr(&b), "PLANT");
			st_buf_free(&b);
		}
	}
	ok(n >= 8, "facts recorded (%zu)", n);
	is_int(leaks, 0, "no fact prints a planted password");

	is_int(dsn(ctx, "user=a dbname=b password=PLANTkv", &u), 0, "libpq for facts");
	st_url_facts(ctx, "t.kv", NULL, &u, &o, ST_LAYER_FILE);
	f = st_fact_get(ctx, "t.kv.password");
	ok(f && f->value.secret && !contains(f->value.text, "PLANT"), "libpq password fact secret");
	ok(st_fact_get(ctx, "t.kv.port") == NULL, "no port fact when absent");
	ok(st_fact_get(ctx, "t.kv.host") == NULL, "no host fact when absent");
}

static void test_redact(struct st_ctx *ctx)
{
	is_str(st_url_redact(ctx, "a=postgres://u:p1@h/db b=\"redis://:p2@c:6379/0\" c=amqp://g:p3@r//"),
	       "a=postgres://u:***@h/db b=\"redis://:***@c:6379/0\" c=amqp://g:***@r//", "every URL masked");
	ok(st_url_redact(ctx, "no urls here") == NULL, "nothing to mask: NULL");
	ok(st_url_redact(ctx, "see https://example.com/x@y and postgres://u@h/db") == NULL, "no password: NULL");
	ok(st_url_redact(ctx, "://:@ ://") == NULL, "schemeless fragments: NULL");
	ok(st_url_redact(ctx, NULL) == NULL, "NULL text");
	is_str(st_url_redact(ctx, "DSN postgres://h/d?sslmode=disable&password=x!"),
	       "DSN postgres://h/d?sslmode=disable&password=***", "password param masked in text");
	is_str(st_url_redact(ctx, "x mysql://u:p/w@h/db"), "x mysql://u:***@h/db", "password with '/' masked");
}

static void test_hostile(struct st_ctx *ctx)
{
	struct st_url u;
	size_t n = 1 << 20;
	char *big = malloc(n + 64);
	if (!big) {
		ok(0, "malloc");
		return;
	}
	strcpy(big, "postgres://u:");
	size_t k = strlen(big);
	memset(big + k, 'x', n);
	strcpy(big + k + n, "@h:5432/db");
	is_int(parse(ctx, big, &u), 0, "1 MB password parses");
	is_int(strlen(u.password), n, "1 MB password length");
	is_str(u.redacted, "postgres://u:***@h:5432/db", "1 MB password masked");
	memset(big, '@', n);
	big[n] = '\0';
	memcpy(big, "redis://", 8);
	ok(parse(ctx, big, &u) == 0, "1 MB of '@' does not crash");
	ok(st_url_redact(ctx, big) == NULL || 1, "redacting 1 MB of '@' does not crash");
	free(big);
	is_int(parse(ctx, "postgres://u:\xff\xfe\xc3@h/d\xe9", &u), 0, "invalid UTF-8 bytes");
	is_str(u.password, "\xff\xfe\xc3", "bytes kept");
	is_str(u.redacted, "postgres://u:***@h/d\xe9", "invalid UTF-8 password masked");
	is_int(dsn(ctx, "@@@@/", &u), -1, "only '@' and '/'");
	is_int(dsn(ctx, "=", &u), -1, "a lone '='");
	is_int(dsn(ctx, "host='", &u), -1, "a lone quote");
	is_int(st_url_parse(ctx, "postgres://h/db", 12, &u), 0, "length is honoured");
	is_str(u.host, "h", "prefix only");
	ok(u.database == NULL, "nothing past the length");
}

int main(void)
{
	struct st_ctx ctx;
	st_ctx_init(&ctx);
	test_postgres(&ctx);
	test_other_schemes(&ctx);
	test_go_mysql(&ctx);
	test_libpq_kv(&ctx);
	test_facts(&ctx);
	test_redact(&ctx);
	test_hostile(&ctx);
	ok(!ctx.oom, "no allocation failure");
	st_ctx_free(&ctx);
	return done_testing();
}
