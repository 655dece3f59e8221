/* core: units, values, the fact store's override order, secrets, JSON escaping, atomic writes. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../tap.h"
#include "stacktune/core.h"

static int64_t size_ok(const char *s, enum st_unit_style st, int64_t base)
{
	int64_t v = -12345;
	const char *err = NULL;
	if (st_size_parse(s, strlen(s), st, base, &v, &err) < 0)
		return -12345;
	return v;
}

static int size_fails(const char *s, enum st_unit_style st)
{
	int64_t v;
	const char *err = NULL;
	return st_size_parse(s, strlen(s), st, 1, &v, &err) < 0 && err != NULL;
}

static int64_t dur_ok(const char *s, enum st_unit_style st, int64_t base)
{
	int64_t v = -12345;
	if (st_duration_parse(s, strlen(s), st, base, &v, NULL) < 0)
		return -12345;
	return v;
}

static void test_sizes(void)
{
	const int64_t K = 1024, M = K * K, G = M * K;
	is_int(size_ok("8GB", ST_UNITS_ANY, 1), 8 * G, "8GB");
	is_int(size_ok("8G", ST_UNITS_ANY, 1), 8 * G, "8G");
	is_int(size_ok("8192MB", ST_UNITS_ANY, 1), 8 * G, "8192MB");
	is_int(size_ok("128M", ST_UNITS_ANY, 1), 128 * M, "128M");
	is_int(size_ok("8 GiB", ST_UNITS_ANY, 1), 8 * G, "8 GiB");
	is_int(size_ok("8gb", ST_UNITS_ANY, 1), 8 * G, "lenient lower case");
	is_int(size_ok("1.5G", ST_UNITS_ANY, 1), 3 * G / 2, "fraction");
	is_int(size_ok("512", ST_UNITS_ANY, 1), 512, "bare bytes");
	is_int(size_ok("512", ST_UNITS_ANY, 1024), 512 * K, "bare number in base unit");
	ok(size_fails("8 parsecs", ST_UNITS_ANY), "garbage unit fails");
	ok(size_fails("", ST_UNITS_ANY), "empty fails");
	ok(size_fails("GB", ST_UNITS_ANY), "unit alone fails");
	ok(size_fails("99999999999999999999", ST_UNITS_ANY), "overflowing number fails");
	ok(size_fails("9000000000E", ST_UNITS_ANY), "overflow through the unit fails");
	ok(size_fails("8000000000000000000G", ST_UNITS_ANY), "overflow through G fails");
	ok(size_fails("12abc34", ST_UNITS_ANY), "junk after number fails");

	/* PostgreSQL: case-sensitive kB MB GB TB; bare numbers in the setting's base unit */
	is_int(size_ok("128MB", ST_UNITS_PG, 8192), 128 * M, "pg 128MB in 8kB pages");
	is_int(size_ok("16384", ST_UNITS_PG, 8192), 16384 * 8192LL, "pg bare pages");
	is_int(size_ok("4kB", ST_UNITS_PG, 1024), 4 * K, "pg kB");
	is_int(size_ok("1 GB", ST_UNITS_PG, 1024), G, "pg space before unit");
	ok(size_fails("128mb", ST_UNITS_PG), "pg mb is not a unit");
	ok(size_fails("128M", ST_UNITS_PG), "pg M is not a unit");
	ok(size_fails("128KB", ST_UNITS_PG), "pg KB is not a unit");
	is_int(size_ok("0x10", ST_UNITS_PG, 1024), 16 * K, "pg hex like strtol(base 0)");
	is_int(size_ok("1.5GB", ST_UNITS_PG, 1024), 3 * G / 2, "pg fraction with unit");
	is_int(size_ok("100B", ST_UNITS_PG, 8192), 0, "pg rounds to base unit (rint)");
	is_int(size_ok("-1", ST_UNITS_PG, 1024), -1024, "pg -1 kept");

	/* MySQL: K M G T P E, case-insensitive, one letter */
	is_int(size_ok("128M", ST_UNITS_MYSQL, 1), 128 * M, "mysql 128M");
	is_int(size_ok("2g", ST_UNITS_MYSQL, 1), 2 * G, "mysql 2g");
	is_int(size_ok("1E", ST_UNITS_MYSQL, 1), G * G, "mysql E");
	ok(size_fails("128MB", ST_UNITS_MYSQL), "mysql MB is not a suffix");
	ok(size_fails("1.5G", ST_UNITS_MYSQL), "mysql fractions are not accepted");
	ok(size_fails("16E", ST_UNITS_MYSQL), "mysql 16E overflows");

	struct st_buf b = {0};
	st_size_format(&b, 8 * G);
	is_str(st_buf_cstr(&b), "8GB", "format 8GB");
	b.len = 0;
	st_size_format(&b, 1536 * K);
	is_str(st_buf_cstr(&b), "1536kB", "format 1536kB");
	b.len = 0;
	st_size_format(&b, 7);
	is_str(st_buf_cstr(&b), "7B", "format 7B");
	st_buf_free(&b);
}

static void test_durations(void)
{
	const int64_t MS = 1000, S = 1000 * MS, MIN = 60 * S, H = 60 * MIN;
	is_int(dur_ok("5min", ST_UNITS_PG, MS), 5 * MIN, "pg 5min");
	is_int(dur_ok("200ms", ST_UNITS_PG, MS), 200 * MS, "pg 200ms");
	is_int(dur_ok("30", ST_UNITS_PG, S), 30 * S, "pg bare seconds");
	is_int(dur_ok("1h", ST_UNITS_PG, MIN), H, "pg 1h in minutes");
	is_int(dur_ok("1d", ST_UNITS_PG, S), 24 * H, "pg 1d");
	is_int(dur_ok("-1", ST_UNITS_PG, MS), -MS, "pg -1 ms");
	is_int(dur_ok("5m", ST_UNITS_PG, MS), -12345, "pg has no m unit");
	is_int(dur_ok("5m", ST_UNITS_ANY, S), 5 * MIN, "lenient 5m");
	is_int(dur_ok("1h", ST_UNITS_ANY, S), H, "lenient 1h");
	is_int(dur_ok("600", ST_UNITS_ANY, S), 600 * S, "lenient bare seconds");
	is_int(dur_ok("1.5s", ST_UNITS_ANY, S), 1500 * MS, "lenient fraction");
	is_int(dur_ok("10 fortnights", ST_UNITS_ANY, S), -12345, "unknown unit fails");
	is_int(dur_ok("99999999999999999d", ST_UNITS_ANY, S), -12345, "overflow fails");
	struct st_buf b = {0};
	st_duration_format(&b, 5 * MIN);
	is_str(st_buf_cstr(&b), "5min", "format 5min");
	b.len = 0;
	st_duration_format(&b, 1500 * MS);
	is_str(st_buf_cstr(&b), "1500ms", "format 1500ms");
	st_buf_free(&b);
	int64_t v;
	ok(st_int_parse("42", 2, &v, NULL) == 0 && v == 42, "int 42");
	ok(st_int_parse(" -7 ", 4, &v, NULL) == 0 && v == -7, "int with spaces");
	ok(st_int_parse("4x", 2, &v, NULL) < 0, "int garbage fails");
	ok(st_int_parse("99999999999999999999", 20, &v, NULL) < 0, "int overflow fails");
}

static void test_facts(void)
{
	struct st_ctx ctx;
	st_ctx_init(&ctx);
	struct st_origin conf = st_origin_file("postgresql.conf", 64, 1);
	struct st_origin compose = st_origin_file("docker-compose.yml", 11, 10);
	struct st_origin conf2 = st_origin_file("postgresql.conf", 70, 1);
	/* compose -c flag loaded first (alphabetical walk) still overrides the file */
	st_fact_set(&ctx, "postgres.max_connections", "postgres", st_value_int(100), &compose, ST_LAYER_COMMAND);
	st_fact_set(&ctx, "postgres.max_connections", "postgres", st_value_int(200), &conf, ST_LAYER_FILE);
	st_fact_set(&ctx, "postgres.max_connections", "postgres", st_value_int(300), &conf2, ST_LAYER_FILE);
	const struct st_fact *f = st_fact_get(&ctx, "postgres.max_connections");
	ok(f && f->value.i == 100, "higher layer wins whatever the load order");
	const struct st_fact_entry *e = st_fact_entry(&ctx, "postgres.max_connections");
	ok(e && e->n == 3, "chain keeps every value");
	ok(e && e->chain[0]->value.i == 200 && e->chain[1]->value.i == 300, "last wins inside a layer");
	ok(st_fact_get(&ctx, "nope") == NULL, "missing fact is NULL");
	char name[64];
	for (int i = 0; i < 5000; i++) {
		snprintf(name, sizeof name, "f.%d", i);
		st_fact_set(&ctx, name, NULL, st_value_int(i), NULL, ST_LAYER_FILE);
	}
	f = st_fact_get(&ctx, "f.4321");
	ok(f && f->value.i == 4321, "store grows");
	size_t n;
	const struct st_fact_entry **all = st_fact_sorted(&ctx, &n);
	is_int(n, 5001, "sorted count");
	ok(all && strcmp(all[0]->name, "f.0") == 0 && strcmp(all[n - 1]->name, "postgres.max_connections") == 0,
	   "sorted by name");
	st_diag(&ctx, ST_SEV_ERROR, &conf, "bad %s", "thing");
	is_int(st_diag_count(&ctx, ST_SEV_ERROR), 1, "diagnostic recorded");
	is_str(ctx.diags.items[0].message, "bad thing", "diagnostic message formatted");
	st_ctx_free(&ctx);
}

static void test_values(void)
{
	struct st_buf b = {0};
	struct st_value v = st_value_string("hunter2");
	v.secret = 1;
	st_value_json(&b, &v);
	is_str(st_buf_cstr(&b), "\"***\"", "secret JSON is ***");
	b.len = 0;
	st_value_format(&b, &v);
	is_str(st_buf_cstr(&b), "***", "secret text is ***");
	b.len = 0;
	v = st_value_string("postgres://u:pw@h/db");
	v.redacted = "postgres://u:***@h/db";
	st_value_json(&b, &v);
	is_str(st_buf_cstr(&b), "\"postgres://u:***@h/db\"", "redacted form used");
	b.len = 0;
	v = st_value_duration(1500);
	st_value_json(&b, &v);
	is_str(st_buf_cstr(&b), "1.500", "duration JSON in ms");
	b.len = 0;
	st_buf_json_string(&b, "a\"b\\c\n\x01\xff\xc3\xa9");
	is_str(st_buf_cstr(&b), "\"a\\\"b\\\\c\\n\\u0001\\ufffd\xc3\xa9\"", "JSON escaping, invalid UTF-8 replaced");
	st_buf_free(&b);

	ok(st_secret_name("DATABASE_PASSWORD", 17), "DATABASE_PASSWORD is secret");
	ok(st_secret_name("SECRET_KEY", 10), "SECRET_KEY is secret");
	ok(st_secret_name("apiToken", 8), "apiToken is secret");
	ok(st_secret_name("AWS_ACCESS_KEY_ID", 17), "AWS_ACCESS_KEY_ID is secret");
	ok(!st_secret_name("DATABASE_CONNECTION_POOL_MAX", 28), "pool max is not secret");
	ok(!st_secret_name("PORT", 4), "PORT is not secret");
	ok(!st_secret_name("MONKEY_COUNT", 12), "key inside a word is not a word");
}

static void test_atomic(void)
{
	char dir[] = "/tmp/st-core-XXXXXX";
	ok(mkdtemp(dir) != NULL, "temp dir");
	char path[128];
	snprintf(path, sizeof path, "%s/f.conf", dir);
	ok(st_write_atomic(path, "one\n", 4) == 0, "write new file");
	chmod(path, 0640);
	ok(st_write_atomic(path, "two\n", 4) == 0, "replace file");
	struct stat st;
	ok(stat(path, &st) == 0 && (st.st_mode & 0777) == 0640 && st.st_size == 4, "mode kept, size right");
	char bad[160];
	snprintf(bad, sizeof bad, "%s/missing/f", dir);
	ok(st_write_atomic(bad, "x", 1) < 0, "missing directory fails");
	unlink(path);
	ok(rmdir(dir) == 0, "no temp file left behind");
}

int main(void)
{
	test_sizes();
	test_durations();
	test_facts();
	test_values();
	test_atomic();
	return done_testing();
}
