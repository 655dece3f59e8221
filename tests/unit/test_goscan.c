/* loaders/goscan + clex: database/sql, GORM, sqlx and pgxpool pool settings evaluated from Go sources with
 * provenance (value spans for tune), env-resolved helpers and struct tags, defaults marked as assumed, the
 * go.mod application rule, listen ports, and no crash on arbitrary input. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../src/loaders/clex.h"
#include "../tap.h"
#include "stacktune/loaders.h"

static const char *g_data;

static void setup(struct st_ctx *ctx, const char *root, int cpus)
{
	st_ctx_init(ctx);
	ctx->root = root ? root : "/nonexistent-stacktune-test-root";
	struct st_origin o = st_origin_file("svc/.env", 3, 1);
	o.value_off = 40;
	o.value_len = 2;
	st_fact_set(ctx, "env.svc/.env.DB_MAX_OPEN", NULL, st_value_string("40"), &o, ST_LAYER_FILE);
	st_fact_set(ctx, "env.svc/.env.CONN_LIFE", NULL, st_value_string("15m"), &o, ST_LAYER_FILE);
	struct st_origin h = {.kind = ST_ORIGIN_PROFILE, .file = "profiles/4c8g.ini", .line = 16};
	st_fact_set(ctx, "host.cpus", NULL, st_value_int(cpus), &h, ST_LAYER_PROFILE);
}

static void load(struct st_ctx *ctx, const char *path, const char *data)
{
	g_data = data;
	const char *slash = strrchr(path, '/');
	struct st_file f = {.path = path, .name = slash ? slash + 1 : path, .data = data, .size = strlen(data)};
	st_goscan_load(ctx, &f);
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

static void test_match(void)
{
	is_int(st_goscan_match("internal/db/db.go", "db.go", NULL, 0), ST_MATCH_YES, "matches a .go file");
	is_int(st_goscan_match("internal/db/db_test.go", "db_test.go", NULL, 0), ST_MATCH_NO, "skips _test.go");
	is_int(st_goscan_match("vendor/x/y.go", "y.go", NULL, 0), ST_MATCH_NO, "skips vendor/");
	is_int(st_goscan_match("svc/vendor/x/y.go", "y.go", NULL, 0), ST_MATCH_NO, "skips nested vendor/");
	is_int(st_goscan_match("x/main.golang", "main.golang", NULL, 0), ST_MATCH_NO, "not .golang");
	is_int(st_goscan_match("svc/testdata/fixture.go", "fixture.go", NULL, 0), ST_MATCH_NO, "skips testdata/");
}

static const char gorm_src[] =
    "package database\n"
    "\n"
    "import (\n\t\"fmt\"\n\t\"os\"\n\t\"time\"\n\t\"gorm.io/driver/postgres\"\n\t\"gorm.io/gorm\"\n)\n"
    "\n"
    "func Connect() error {\n"
    "\tdsn := fmt.Sprintf(\"host=%s port=%s\", os.Getenv(\"DB_HOST\"), os.Getenv(\"DB_PORT\"))\n"
    "\tdb, err := gorm.Open(postgres.Open(dsn), &gorm.Config{})\n"
    "\tif err != nil {\n\t\treturn err\n\t}\n"
    "\tsqlDB, err := db.DB()\n"
    "\t// sqlDB.SetMaxOpenConns(5) in a comment does not count\n"
    "\tsqlDB.SetMaxIdleConns(10)\n"
    "\tsqlDB.SetMaxOpenConns(100)\n"
    "\tsqlDB.SetConnMaxLifetime(time.Hour)\n"
    "\tsqlDB.SetConnMaxIdleTime(5*time.Minute)\n"
    "\treturn nil\n"
    "}\n";

static void test_gorm(void)
{
	struct st_ctx ctx;
	setup(&ctx, NULL, 4);
	load(&ctx, "svc/internal/database/database.go", gorm_src);
	const struct st_fact *f = fact(&ctx, "svc.go.pool.max_open");
	is_int(num(&ctx, "svc.go.pool.max_open"), 100, "SetMaxOpenConns(100)");
	ok(span_is(f, "100"), "max_open span is the literal");
	ok(f && f->origin.line == 20 && f->origin.col == 24, "max_open at 20:24");
	const struct st_fact_entry *e = st_fact_entry(&ctx, "svc.go.pool.max_open");
	is_int(e ? e->n : 0, 1, "no unlimited default when the file sets SetMaxOpenConns");
	is_int(num(&ctx, "svc.go.pool.max_idle"), 10, "SetMaxIdleConns(10)");
	f = fact(&ctx, "svc.go.pool.conn_max_lifetime");
	ok(f && f->value.kind == ST_VAL_DURATION && f->value.i == INT64_C(3600000000),
	   "SetConnMaxLifetime(time.Hour) = 1h");
	ok(span_is(f, "time.Hour"), "lifetime span is time.Hour");
	f = fact(&ctx, "svc.go.pool.conn_max_idle_time");
	ok(f && f->value.i == INT64_C(300000000), "5*time.Minute = 5min");
	ok(span_is(f, "5*time.Minute"), "idle time span is the whole expression");
	is_str(str(&ctx, "svc.go.driver"), "postgres", "gorm driver from postgres.Open");
	is_str(str(&ctx, "svc.go.dsn_env"), "DB_HOST", "DSN built from DB_HOST");
	is_str(str(&ctx, "svc.kind"), "go", "kind go");
	f = fact(&ctx, "svc.kind");
	ok(f && f->component && strcmp(f->component, "svc") == 0, "component is the app");
	st_ctx_free(&ctx);
}

static void test_unlimited(void)
{
	struct st_ctx ctx;
	setup(&ctx, NULL, 4);
	static const char src[] = "package db\n\nimport \"database/sql\"\n\nfunc Open() (*sql.DB, error) {\n"
	                          "\treturn sql.Open(\"pgx\", os.Getenv(\"DATABASE_URL\"))\n}\n";
	load(&ctx, "api/db/db.go", src);
	const struct st_fact *f = fact(&ctx, "api.go.pool.max_open");
	ok(f && f->value.kind == ST_VAL_INT && f->value.i == 0, "sql.Open without SetMaxOpenConns: 0 (unlimited)");
	ok(f && f->origin.kind == ST_ORIGIN_DEFAULT && f->layer == ST_LAYER_DEFAULT, "an assumed default");
	ok(f && f->origin.detail && strncmp(f->origin.detail, "database/sql default: unlimited", 31) == 0,
	   "detail says database/sql default: unlimited");
	ok(f && f->origin.line == 6, "at the sql.Open line");
	is_str(str(&ctx, "api.go.driver"), "pgx", "driver from sql.Open");
	is_str(str(&ctx, "api.go.dsn_env"), "DATABASE_URL", "dsn from DATABASE_URL");
	/* a SetMaxOpenConns in another file of the package overrides the default whatever the order */
	load(&ctx, "api/db/pool.go", "package db\nfunc tune(d *sql.DB) { d.SetMaxOpenConns(12) }\n");
	is_int(num(&ctx, "api.go.pool.max_open"), 12, "file value beats the default");
	st_ctx_free(&ctx);
}

static void test_consts_env(void)
{
	struct st_ctx ctx;
	setup(&ctx, NULL, 4);
	static const char src[] =
	    "package db\n"
	    "const maxConns = 25\n"
	    "const (\n\tidle   = 4 // four\n\tlife = 30 * time.Second\n)\n"
	    "func getEnvInt(k string, d int) int { return d }\n"
	    "func x(db *sql.DB) {\n"
	    "\tdb.SetMaxOpenConns(maxConns)\n"
	    "\tdb.SetMaxIdleConns(idle)\n"
	    "\tdb.SetConnMaxLifetime(life)\n"
	    "\tdb.SetConnMaxIdleTime(time.Duration(getEnvInt(\"IDLE_SECONDS\", 90)) * time.Second)\n"
	    "}\n";
	load(&ctx, "svc/db/a.go", src);
	const struct st_fact *f = fact(&ctx, "svc.go.pool.max_open");
	is_int(num(&ctx, "svc.go.pool.max_open"), 25, "named constant");
	ok(span_is(f, "25"), "span is the constant's literal (tune edits the definition)");
	is_int(num(&ctx, "svc.go.pool.max_idle"), 4, "constant in a const block");
	f = fact(&ctx, "svc.go.pool.conn_max_lifetime");
	ok(f && f->value.i == INT64_C(30000000), "30 * time.Second");
	f = fact(&ctx, "svc.go.pool.conn_max_idle_time");
	ok(f && f->value.kind == ST_VAL_DURATION && f->value.i == INT64_C(90000000), "helper default 90 x time.Second");
	ok(span_is(f, "90"), "default literal span");

	static const char src2[] =
	    "package db\nfunc y(db *sql.DB) {\n\tdb.SetMaxOpenConns(getEnvInt(\"DB_MAX_OPEN\", 25))\n"
	    "\tdb.SetConnMaxLifetime(env.GetDuration(\"CONN_LIFE\", time.Hour))\n"
	    "\tdb.SetMaxIdleConns(compute())\n}\n";
	load(&ctx, "svc/db/b.go", src2);
	f = fact(&ctx, "svc.go.pool.max_open");
	is_int(num(&ctx, "svc.go.pool.max_open"), 40, "getEnvInt resolved against .env");
	ok(f && f->origin.file && strcmp(f->origin.file, "svc/.env") == 0, "origin is the .env line");
	ok(f && f->origin.detail && strstr(f->origin.detail, "DB_MAX_OPEN"), "detail names the variable");
	f = fact(&ctx, "svc.go.pool.conn_max_lifetime");
	ok(f && f->value.i == INT64_C(900000000), "GetDuration from .env: 15m");
	f = fact(&ctx, "svc.go.pool.max_idle");
	ok(f && f->value.kind == ST_VAL_NONE, "compute() is unknown");
	ok(f && f->origin.detail && strstr(f->origin.detail, "compute"), "unknown says why");
	st_ctx_free(&ctx);
}

static void test_struct_viper(void)
{
	struct st_ctx ctx;
	setup(&ctx, NULL, 4);
	static const char cfg[] = "package config\n"
	                          "type Config struct {\n"
	                          "\tMaxOpen int `env:\"DB_MAX_OPEN\" envDefault:\"30\"`\n"
	                          "\tMaxIdle int `env:\"DB_MAX_IDLE\" envDefault:\"7\"`\n"
	                          "\tPort string `env:\"PORT\" envDefault:\"8088\"`\n"
	                          "}\n";
	load(&ctx, "svc/internal/config/config.go", cfg);
	is_int(num(&ctx, "svc.go.config.MaxOpen"), 40, "env-tagged field from .env");
	const struct st_fact *f = fact(&ctx, "svc.go.config.MaxIdle");
	is_int(num(&ctx, "svc.go.config.MaxIdle"), 7, "env-tagged field default");
	ok(span_is(f, "7"), "span is the envDefault text inside the tag");
	is_int(num(&ctx, "svc.port"), 8088, "PORT field gives the port");
	static const char db[] = "package database\nfunc c(cfg *config.Config, db *sql.DB) {\n"
	                         "\tdb.SetMaxOpenConns(cfg.MaxOpen)\n\tdb.SetMaxIdleConns(cfg.MaxIdle)\n}\n";
	load(&ctx, "svc/internal/database/db.go", db);
	is_int(num(&ctx, "svc.go.pool.max_open"), 40, "cfg.MaxOpen through the config fact");
	is_int(num(&ctx, "svc.go.pool.max_idle"), 7, "cfg.MaxIdle through the config fact");
	static const char vp[] = "package main\nfunc main() {\n\tviper.SetDefault(\"db.max_open\", 33)\n"
	                         "\tdb.SetMaxOpenConns(viper.GetInt(\"db.max_open\"))\n}\n";
	load(&ctx, "other/main.go", vp);
	is_int(num(&ctx, "other.go.pool.max_open"), 33, "viper default");
	is_int(num(&ctx, "other.go.viper.db.max_open"), 33, "viper default recorded");
	st_ctx_free(&ctx);
}

static void test_pgxpool(void)
{
	struct st_ctx ctx;
	setup(&ctx, NULL, 8);
	load(&ctx, "a/db.go", "package db\nfunc o() { pool, err := pgxpool.New(ctx, os.Getenv(\"DATABASE_URL\")) }\n");
	const struct st_fact *f = fact(&ctx, "a.go.pool.max_open");
	is_int(num(&ctx, "a.go.pool.max_open"), 8, "pgxpool default max(4, 8 CPUs)");
	ok(f && f->origin.kind == ST_ORIGIN_DEFAULT && f->origin.detail &&
	       strstr(f->origin.detail, "pgxpool default max(4, runtime.NumCPU())"),
	   "pgxpool default detail");
	ok(f && f->n_from == 1, "derived from host.cpus");
	is_str(str(&ctx, "a.go.driver"), "pgx", "driver pgx");
	st_ctx_free(&ctx);

	setup(&ctx, NULL, 2);
	load(&ctx, "b/db.go", "package db\nfunc o() { pool, err := pgxpool.New(ctx, \"\") }\n");
	is_int(num(&ctx, "b.go.pool.max_open"), 4, "pgxpool default on 2 CPUs is 4");
	load(&ctx, "c/db.go",
	     "package db\nfunc o() {\n\tconfig, _ := pgxpool.ParseConfig(dsn)\n\tconfig.MaxConns = 20\n"
	     "\tpool, _ := pgxpool.NewWithConfig(ctx, config)\n}\n");
	const struct st_fact_entry *e = st_fact_entry(&ctx, "c.go.pool.max_open");
	is_int(num(&ctx, "c.go.pool.max_open"), 20, "config.MaxConns = 20");
	is_int(e ? e->n : 0, 1, "no default when MaxConns is set");
	load(&ctx, "d/db.go",
	     "package db\nconst dsn = \"postgres://u:secret@db:5432/x?pool_max_conns=15\"\n"
	     "func o() { pool, _ := pgxpool.New(ctx, dsn) }\n");
	is_int(num(&ctx, "d.go.pool.max_open"), 15, "pool_max_conns in the DSN");
	st_ctx_free(&ctx);
}

static void test_ports(void)
{
	struct st_ctx ctx;
	setup(&ctx, NULL, 4);
	static const char src[] = "package main\nfunc main() {\n\thttp.ListenAndServe(\":8080\", nil)\n}\n";
	load(&ctx, "web/main.go", src);
	const struct st_fact *f = fact(&ctx, "web.port");
	is_int(num(&ctx, "web.port"), 8080, "ListenAndServe(\":8080\")");
	ok(span_is(f, "\":8080\""), "port span");
	load(&ctx, "gin/main.go",
	     "package main\nfunc main() {\n\tport := getEnv(\"PORT\", \"9000\")\n\tr.Run(\":\" + port)\n}\n");
	is_int(num(&ctx, "gin.port"), 9000, "r.Run(\":\" + port) with the getEnv default");
	st_ctx_free(&ctx);
}

static void test_gomod(void)
{
	char dir[] = "/tmp/stacktune-goscan-XXXXXX";
	if (!mkdtemp(dir)) {
		ok(0, "mkdtemp");
		return;
	}
	char p[256];
	snprintf(p, sizeof p, "%s/go.mod", dir);
	FILE *fp = fopen(p, "w");
	if (fp) {
		fputs("module example.com/gw\n\ngo 1.21\n", fp);
		fclose(fp);
	}
	snprintf(p, sizeof p, "%s/tools", dir);
	mkdir(p, 0700);
	snprintf(p, sizeof p, "%s/tools/go.mod", dir);
	fp = fopen(p, "w");
	if (fp) {
		fputs("module example.com/tools\n", fp);
		fclose(fp);
	}
	struct st_ctx ctx;
	setup(&ctx, dir, 4);
	load(&ctx, "internal/database/database.go", gorm_src);
	is_int(num(&ctx, "app.go.pool.max_open"), 100, "go.mod at the root: app id \"app\"");
	is_str(str(&ctx, "app.go.module"), "example.com/gw", "module path recorded");
	ok(!fact(&ctx, "internal.go.pool.max_open"), "not named after the first path segment");
	load(&ctx, "tools/cmd/x/main.go", "package main\nfunc main() { db.SetMaxOpenConns(3) }\n");
	is_int(num(&ctx, "tools.go.pool.max_open"), 3, "nested go.mod: its directory names the app");
	st_ctx_free(&ctx);
	snprintf(p, sizeof p, "%s/tools/go.mod", dir);
	unlink(p);
	snprintf(p, sizeof p, "%s/tools", dir);
	rmdir(p);
	snprintf(p, sizeof p, "%s/go.mod", dir);
	unlink(p);
	rmdir(dir);
}

static void test_robust(void)
{
	static const char *const inputs[] = {
	    "",
	    "package",
	    "db.SetMaxOpenConns(",
	    "db.SetMaxOpenConns(((((((((((",
	    "`unterminated raw",
	    "\"unterminated\nSetMaxOpenConns(1)",
	    "/* open comment SetMaxOpenConns(2)",
	    "const x = x\nd.SetMaxOpenConns(x)",
	    "const a = b\nconst b = a\nd.SetMaxOpenConns(a)",
	    "d.SetMaxOpenConns(99999999999999999999999)",
	    "d.SetMaxOpenConns(9223372036854775807 * 2)",
	    "d.SetConnMaxLifetime(time.Duration(-1) * time.Hour)",
	    "gorm.Open(",
	    "gorm.Open(x.",
	    "sql.Open(\"pg\",",
	    "pgxpool.New(",
	    "type T struct { A int `env:\"",
	    "type T struct { A int `env:\"X\" envDefault:\"`",
	    "r.Run(\":\" + )",
	    "d.SetMaxOpenConns(1/0)",
	    "\xEF\xBB\xBF\xff\xfe package main",
	};
	struct st_ctx ctx;
	setup(&ctx, NULL, 4);
	for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++)
		load(&ctx, "r/x.go", inputs[i]);
	const struct st_fact *f = fact(&ctx, "r.go.pool.max_open");
	ok(f != NULL, "survived hostile inputs");
	/* random bytes */
	char buf[512];
	unsigned seed = 12345;
	for (int round = 0; round < 300; round++) {
		size_t n = (size_t)(seed % (sizeof buf - 1));
		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			static const char alpha[] =
			    "SetMaxOpenConns()time.Hour*+-\"`'/{}[]:=,.; \n\t0123456789envDefault:";
			buf[i] = alpha[(seed >> 16) % (sizeof alpha - 1)];
		}
		buf[n] = '\0';
		load(&ctx, "r/y.go", buf);
	}
	ok(!ctx.oom, "random inputs: no crash, no allocation failure");
	st_ctx_free(&ctx);
}

int main(void)
{
	test_match();
	test_gorm();
	test_unlimited();
	test_consts_env();
	test_struct_viper();
	test_pgxpool();
	test_ports();
	test_gomod();
	test_robust();
	return done_testing();
}
