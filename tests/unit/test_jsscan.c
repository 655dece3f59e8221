/* loaders/jsscan, prisma, ports + clex: Node pools, listen ports, called URLs, the Prisma datasource pool and
 * package.json scripts, with provenance (spans for tune), env resolution, assumed defaults, secrets masked in
 * URLs, and no crash on arbitrary JavaScript. */
#include <stdlib.h>
#include <string.h>

#include "../../src/loaders/clex.h"
#include "../tap.h"
#include "stacktune/loaders.h"

static const char *g_data;

static void env(struct st_ctx *ctx, const char *path, const char *key, const char *value, unsigned line)
{
	char name[256];
	snprintf(name, sizeof name, "env.%s.%s", path, key);
	struct st_origin o = st_origin_file(path, line, 1);
	o.value_off = 100 + line;
	o.value_len = strlen(value);
	st_fact_set(ctx, name, NULL, st_value_string(value), &o, ST_LAYER_FILE);
}

static void setup(struct st_ctx *ctx)
{
	st_ctx_init(ctx);
	ctx->root = "/nonexistent-stacktune-test-root";
	env(ctx, "backend/.env", "PORT", "3001", 2);
	env(ctx, "backend/.env", "DB_POOL_MAX", "25", 3);
	env(ctx, "backend/.env", "DATABASE_URL", "postgresql://u:pw@db:5432/app?schema=public", 5);
	env(ctx, "pooled/.env", "DATABASE_URL",
	    "postgresql://u:pw@pgbouncer:6432/app?pgbouncer=true&connection_limit=10&pool_timeout=20", 1);
	env(ctx, "web/.env.local", "NEXT_PUBLIC_API_URL", "http://localhost:4000/api", 1);
	struct st_origin h = {.kind = ST_ORIGIN_PROFILE, .file = "profiles/4c8g.ini", .line = 16};
	st_fact_set(ctx, "host.cpus", NULL, st_value_int(4), &h, ST_LAYER_PROFILE);
}

static void load_with(struct st_ctx *ctx, int (*fn)(struct st_ctx *, const struct st_file *), const char *path,
                      const char *data)
{
	g_data = data;
	const char *slash = strrchr(path, '/');
	struct st_file f = {.path = path, .name = slash ? slash + 1 : path, .data = data, .size = strlen(data)};
	fn(ctx, &f);
}

static void load(struct st_ctx *ctx, const char *path, const char *data)
{
	load_with(ctx, st_jsscan_load, path, data);
}

static const struct st_fact *fact(const struct st_ctx *ctx, const char *name)
{
	return st_fact_get(ctx, name);
}

static long long num(const struct st_ctx *ctx, const char *name)
{
	const struct st_fact *f = fact(ctx, name);
	return f && f->value.kind != ST_VAL_NONE ? (long long)f->value.i : -999;
}

static const char *str(const struct st_ctx *ctx, const char *name)
{
	const struct st_fact *f = fact(ctx, name);
	return f && f->value.kind == ST_VAL_STRING ? f->value.text : NULL;
}

static int span_is(const struct st_fact *f, const char *want)
{
	return f && f->origin.kind == ST_ORIGIN_FILE && f->origin.value_len == strlen(want) &&
	       memcmp(g_data + f->origin.value_off, want, f->origin.value_len) == 0;
}

static int from_file(const struct st_fact *f, const char *file)
{
	return f && f->origin.kind == ST_ORIGIN_FILE && f->origin.file && strcmp(f->origin.file, file) == 0;
}

static void test_match(void)
{
	is_int(st_jsscan_match("backend/src/app.js", "app.js", NULL, 0), ST_MATCH_YES, "app.js");
	is_int(st_jsscan_match("api/src/main.ts", "main.ts", NULL, 0), ST_MATCH_YES, "main.ts");
	is_int(st_jsscan_match("api/src/app.test.js", "app.test.js", NULL, 0), ST_MATCH_NO, "*.test.js skipped");
	is_int(st_jsscan_match("api/__tests__/a.js", "a.js", NULL, 0), ST_MATCH_NO, "__tests__ skipped");
	is_int(st_jsscan_match("api/src/types.d.ts", "types.d.ts", NULL, 0), ST_MATCH_NO, ".d.ts skipped");
	is_int(st_jsscan_match("tests/performance/load.js", "load.js", NULL, 0), ST_MATCH_YES, "load test kept");
	is_int(st_jsscan_match("k6/script.js", "script.js", NULL, 0), ST_MATCH_YES, "k6 script kept");
	is_int(st_prisma_match("backend/prisma/schema.prisma", "schema.prisma", NULL, 0), ST_MATCH_YES,
	       "schema.prisma");
	is_int(st_ports_match("web/package.json", "package.json", NULL, 0), ST_MATCH_YES, "package.json");
	is_int(st_ports_match("load/artillery.yml", "artillery.yml", NULL, 0), ST_MATCH_YES, "artillery yml in load/");
	is_int(st_ports_match("deploy/app.yml", "app.yml", NULL, 0), ST_MATCH_NO, "other yml");
}

static void test_pg_pool(void)
{
	struct st_ctx ctx;
	setup(&ctx);
	static const char src[] = "const { Pool } = require('pg');\n"
	                          "const pool = new Pool({\n"
	                          "  connectionString: process.env.DATABASE_URL,\n"
	                          "  max: parseInt(process.env.DB_POOL_MAX ?? '10', 10),\n"
	                          "});\n";
	load(&ctx, "backend/src/db.js", src);
	const struct st_fact *f = fact(&ctx, "backend.node.pool.max");
	is_int(num(&ctx, "backend.node.pool.max"), 25, "max from DB_POOL_MAX in .env");
	ok(from_file(f, "backend/.env") && f->origin.line == 3, "origin is the .env line");
	is_str(str(&ctx, "backend.node.pool.library"), "pg", "library pg");
	is_str(str(&ctx, "backend.kind"), "node", "kind node");
	st_ctx_free(&ctx);

	setup(&ctx);
	static const char src2[] = "import pg from 'pg';\n"
	                           "const pool = new pg.Pool({ max: Number(process.env.UNSET_MAX) || 7 });\n"
	                           "const other = new Pool({ max: parseInt(process.env.ALSO_UNSET ?? '12') });\n";
	load(&ctx, "svc/db.mjs", src2);
	f = fact(&ctx, "svc.node.pool.max");
	const struct st_fact_entry *e = st_fact_entry(&ctx, "svc.node.pool.max");
	ok(e && e->n == 2, "two pools recorded");
	ok(e && e->chain[0]->value.i == 7 && span_is(e->chain[0], "7"), "Number(unset) || 7 -> 7 at the literal");
	ok(f && f->value.i == 12 && span_is(f, "'12'"), "parseInt(unset ?? '12') -> 12 at the literal");
	st_ctx_free(&ctx);

	setup(&ctx);
	load(&ctx, "d/db.js", "const { Pool } = require('pg')\nconst pool = new Pool({ connectionString })\n");
	f = fact(&ctx, "d.node.pool.max");
	ok(f && f->value.i == 10 && f->origin.kind == ST_ORIGIN_DEFAULT, "pg default max 10, assumed");
	load(&ctx, "u/db.js", "const { Pool } = require('pg')\nconst pool = new Pool({ max: computeMax() })\n");
	f = fact(&ctx, "u.node.pool.max");
	ok(f && f->value.kind == ST_VAL_NONE, "a call is unknown");
	load(&ctx, "n/db.js", "const Pool = require('generic-pool').Pool\nconst pool = new Pool({ max: 3 })\n");
	ok(!fact(&ctx, "n.node.pool.max"), "new Pool without pg is not a database pool");
	st_ctx_free(&ctx);
}

static void test_other_pools(void)
{
	struct st_ctx ctx;
	setup(&ctx);
	load(&ctx, "k/db.js", "const db = require('knex')({\n  client: 'pg',\n  pool: { min: 2, max: 20 },\n});\n");
	const struct st_fact *f = fact(&ctx, "k.node.pool.max");
	ok(f && f->value.i == 20 && span_is(f, "20"), "knex pool.max");
	is_int(num(&ctx, "k.node.pool.min"), 2, "knex pool.min");
	is_str(str(&ctx, "k.node.pool.driver"), "postgresql", "knex client pg");
	load(&ctx, "s/db.js", "const s = new Sequelize(process.env.DATABASE_URL, { dialect: 'mysql' });\n");
	f = fact(&ctx, "s.node.pool.max");
	ok(f && f->value.i == 5 && f->origin.kind == ST_ORIGIN_DEFAULT, "Sequelize default 5");
	is_str(str(&ctx, "s.node.pool.driver"), "mysql", "sequelize dialect");
	load(&ctx, "s2/db.js", "const opts = { pool: { max: 15 } };\nconst s = new Sequelize('db', 'u', 'p', opts);\n");
	is_int(num(&ctx, "s2.node.pool.max"), 15, "Sequelize options through a binding");
	load(&ctx, "t/ds.ts", "export const ds = new DataSource({ type: 'postgres', extra: { max: 30 } });\n");
	is_int(num(&ctx, "t.node.pool.max"), 30, "TypeORM extra.max");
	load(&ctx, "m/db.js",
	     "const mysql = require('mysql2/promise');\nconst pool = mysql.createPool({ connectionLimit: 4 });\n");
	is_int(num(&ctx, "m.node.pool.max"), 4, "mysql2 connectionLimit");
	load(&ctx, "m2/db.js", "const mysql = require('mysql2');\nconst pool = mysql.createPool({ host: 'db' });\n");
	ok(fact(&ctx, "m2.node.pool.max") && fact(&ctx, "m2.node.pool.max")->value.i == 10, "mysql2 default 10");
	st_ctx_free(&ctx);
}

static void test_listen_calls(void)
{
	struct st_ctx ctx;
	setup(&ctx);
	static const char app[] =
	    "const start = async () => {\n"
	    "  const port = process.env.PORT || 3001;\n"
	    "  await fastify.listen({ port, host: '0.0.0.0' });\n"
	    "};\n"
	    "app.use((req, res) => res.set('Access-Control-Allow-Origin', process.env.CORS_ORIGIN || "
	    "'http://localhost:3000'));\n";
	load(&ctx, "backend/src/app.js", app);
	const struct st_fact *f = fact(&ctx, "backend.port");
	is_int(num(&ctx, "backend.port"), 3001, "fastify.listen({ port }) with PORT from .env");
	ok(from_file(f, "backend/.env") && f->origin.line == 2, "port origin is the .env PORT line");
	ok(!fact(&ctx, "backend.calls.0.url"), "a CORS origin is not a call");
	load(&ctx, "api/server.js", "const server = app.listen(8081, () => {});\n");
	f = fact(&ctx, "api.port");
	ok(f && f->value.i == 8081 && span_is(f, "8081"), "app.listen(8081)");
	load(&ctx, "api2/server.js", "server.listen(process.env.UNSET_PORT || 3002)\n");
	ok(num(&ctx, "api2.port") == 3002 && span_is(fact(&ctx, "api2.port"), "3002"), "env fallback literal");

	static const char web[] =
	    "const API_URL = process.env.NEXT_PUBLIC_API_URL || 'http://localhost:3001/api';\n"
	    "export const get = (p) => fetch(`${API_URL}${p}`);\n"
	    "const client = axios.create({ baseURL: 'https://user:s3cret@api.example.com/v1' });\n";
	load(&ctx, "web/lib/api.js", web);
	f = fact(&ctx, "web.calls.0.port");
	is_int(num(&ctx, "web.calls.0.port"), 4000, "calls the .env.local URL's port");
	ok(from_file(f, "web/.env.local"), "call origin is .env.local");
	is_str(str(&ctx, "web.calls.0.host"), "localhost", "call host");
	f = fact(&ctx, "web.calls.1.url");
	ok(f && f->value.text && !strstr(f->value.text, "s3cret") && f->value.redacted &&
	       !strstr(f->value.redacted, "s3cret"),
	   "credentials in a called URL are masked");
	is_int(num(&ctx, "web.calls.1.port"), 443, "https default port");

	static const char lt[] = "const http = require('http');\n"
	                         "const BASE_URL = process.env.LOAD_TEST_URL || 'http://localhost:3005/api';\n"
	                         "const pool = new Pool({ max: 99 });\n"
	                         "app.listen(1234);\n";
	load(&ctx, "tests/performance/diagnostic-load-test.js", lt);
	f = fact(&ctx, "tests.calls.0.port");
	ok(f && f->value.i == 3005 && f->origin.line == 2, "load test target 3005 at line 2");
	ok(!fact(&ctx, "tests.port") && !fact(&ctx, "tests.node.pool.max"), "load tests only call");
	st_ctx_free(&ctx);
}

static void test_prisma(void)
{
	static const char schema[] =
	    "generator client {\n  provider = \"prisma-client-js\"\n}\n\n"
	    "// datasource fake { url = \"x\" }\n"
	    "datasource db {\n  provider = \"postgresql\"\n  url      = env(\"DATABASE_URL\")\n}\n";
	struct st_ctx ctx;
	setup(&ctx);
	load_with(&ctx, st_prisma_load, "backend/prisma/schema.prisma", schema);
	const struct st_fact *f = fact(&ctx, "backend.prisma.pool.max");
	is_int(num(&ctx, "backend.prisma.pool.max"), 9, "no connection_limit: 2 x 4 + 1");
	ok(f && f->origin.kind == ST_ORIGIN_DEFAULT && f->origin.detail &&
	       strstr(f->origin.detail, "Prisma default 2 x CPUs + 1") && strstr(f->origin.detail, "physical"),
	   "assumed, says physical cores are unknown");
	ok(f && f->n_from == 1, "derived from host.cpus");
	f = fact(&ctx, "backend.prisma.provider");
	ok(f && span_is(f, "\"postgresql\"") && f->origin.line == 7, "provider with span");
	is_str(str(&ctx, "backend.prisma.url_env"), "DATABASE_URL", "url_env");
	is_str(str(&ctx, "backend.prisma.schema"), "public", "schema param");
	is_str(str(&ctx, "backend.prisma.host"), "db", "host");
	f = fact(&ctx, "backend.prisma.pool_timeout");
	ok(f && f->value.kind == ST_VAL_DURATION && f->value.i == INT64_C(10000000), "pool_timeout default 10 s");
	f = fact(&ctx, "backend.prisma.pgbouncer");
	ok(f && f->value.kind == ST_VAL_BOOL && f->value.i == 0, "pgbouncer default false");
	load_with(&ctx, st_prisma_load, "pooled/prisma/schema.prisma", schema);
	f = fact(&ctx, "pooled.prisma.pool.max");
	ok(f && f->value.i == 10 && from_file(f, "pooled/.env"), "connection_limit=10 from .env");
	f = fact(&ctx, "pooled.prisma.pgbouncer");
	ok(f && f->value.i == 1, "pgbouncer=true");
	f = fact(&ctx, "pooled.prisma.pool_timeout");
	ok(f && f->value.i == INT64_C(20000000), "pool_timeout=20");
	load_with(&ctx, st_prisma_load, "nourl/schema.prisma",
	          "datasource db {\n  provider = \"postgresql\"\n  url = env(\"NOT_SET_URL\")\n}\n");
	f = fact(&ctx, "nourl.prisma.pool.max");
	ok(f && f->origin.detail && strstr(f->origin.detail, "NOT_SET_URL"), "an unset URL says so in the default");
	st_ctx_free(&ctx);
}

static void test_package_json(void)
{
	struct st_ctx ctx;
	setup(&ctx);
	static const char pkg[] = "{\n  \"name\": \"web\",\n  \"scripts\": {\n    \"dev\": \"next dev -p 3001\",\n"
	                          "    \"start\": \"next start --port=3002\"\n  }\n}\n";
	load_with(&ctx, st_ports_load, "web/package.json", pkg);
	const struct st_fact_entry *e = st_fact_entry(&ctx, "web.port");
	ok(e && e->n == 2, "both scripts recorded");
	ok(e && e->chain[0]->value.i == 3001 && span_is(e->chain[0], "3001"), "next dev -p 3001 with span");
	ok(e && e->chain[1]->value.i == 3002 && span_is(e->chain[1], "3002"), "next start --port=3002 with span");
	is_str(str(&ctx, "web.kind"), "node", "package.json: kind node");
	is_int(num(&ctx, "web.calls.0.port"), 4000, ".env.local client URL recorded as a call");
	load_with(&ctx, st_ports_load, "v/package.json", "{\"scripts\": {\"dev\": \"vite\"}}");
	const struct st_fact *f = fact(&ctx, "v.port");
	ok(f && f->value.i == 5173 && f->origin.kind == ST_ORIGIN_DEFAULT, "vite default 5173, assumed");
	load_with(&ctx, st_ports_load, "p/package.json",
	          "{\"scripts\": {\"start\": \"PORT=4001 node server.js && echo\"}}");
	is_int(num(&ctx, "p.port"), 4001, "PORT=4001 node server.js");
	load_with(&ctx, st_ports_load, "q/package.json",
	          "{\"scripts\": {\"build\": \"next build\", \"x\": \"nest start\"}}");
	ok(!fact(&ctx, "q.port"), "next build / nest start bind nothing known");
	st_ctx_free(&ctx);
}

static void test_lexer(void)
{
	struct st_ctx ctx;
	st_ctx_init(&ctx);
	struct st_ctoks t;
	static const char src[] = "const re = /['\"`]/g; // 'x\nconst s = `a${ {b: '}'}.b }c`; x = a / b / c;\n"
	                          "/* listen(1) */ const q = 'it\\'s';";
	st_clex(&ctx, src, strlen(src), ST_CLANG_JS, &t);
	size_t strs = 0, regex = 0;
	for (size_t i = 0; i < t.n; i++) {
		strs += t.v[i].kind == CT_STR;
		regex += t.v[i].kind == CT_REGEX;
	}
	is_int(regex, 1, "one regex literal (division is not a regex)");
	is_int(strs, 2, "template and quoted string are single tokens");
	ok(t.n && t.v[t.n - 2].kind == CT_STR && strcmp(t.v[t.n - 2].s, "it's") == 0, "escape decoded");
	st_clex_free(&t);
	st_ctx_free(&ctx);

	setup(&ctx);
	static const char *const inputs[] = {
	    "",
	    "`",
	    "`${",
	    "`${`${`${",
	    "new Pool(",
	    "new Pool({max:",
	    "x.listen({",
	    "const a = a; x.listen(a)",
	    "const a = b, b = a; x.listen(a)",
	    "/[/",
	    "'\\",
	    "new Sequelize(",
	    "knex({pool:{max:{max:{max:",
	    "fetch(",
	    "const API_URL = `http://${x}`",
	    "x.listen(process.env[",
	    "#!/usr/bin/env node\n",
	};
	for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
		load(&ctx, "r/x.js", inputs[i]);
		load_with(&ctx, st_prisma_load, "r/s.prisma", inputs[i]);
		load_with(&ctx, st_ports_load, "r/package.json", inputs[i]);
	}
	char buf[512];
	unsigned seed = 99;
	for (int round = 0; round < 300; round++) {
		size_t n = (size_t)(seed % (sizeof buf - 1));
		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			static const char alpha[] =
			    "new Pool({max:process.env.X||3})listen`${}'\"/\\*\n ?.datasource=env(\"";
			buf[i] = alpha[(seed >> 16) % (sizeof alpha - 1)];
		}
		buf[n] = '\0';
		load(&ctx, "r/y.js", buf);
		load_with(&ctx, st_prisma_load, "r/y.prisma", buf);
	}
	ok(!ctx.oom, "hostile and random inputs: no crash");
	st_ctx_free(&ctx);
}

int main(void)
{
	test_match();
	test_pg_pool();
	test_other_pools();
	test_listen_calls();
	test_prisma();
	test_package_json();
	test_lexer();
	return done_testing();
}
