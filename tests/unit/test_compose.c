/* loaders/compose: YAML edge cases (anchors, merge keys, flow style, quoting, tabs, a second document), server
 * flags and the positions of their values, environment and interpolation, secrets, ports, volumes and links. */
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

static void load(struct st_ctx *ctx, const char *path, const char *text)
{
	const char *slash = strrchr(path, '/');
	struct st_file f = {.path = path, .name = slash ? slash + 1 : path, .data = text, .size = strlen(text)};
	st_compose_load(ctx, &f);
}

static const char *text(struct st_ctx *ctx, const char *name)
{
	const struct st_fact *f = st_fact_get(ctx, name);
	return f ? (f->value.text ? f->value.text : "(no text)") : NULL;
}

static int64_t num(struct st_ctx *ctx, const char *name)
{
	const struct st_fact *f = st_fact_get(ctx, name);
	return f ? f->value.i : -999;
}

/* line:col of a fact, as "L:C" */
static const char *pos(struct st_ctx *ctx, const char *name)
{
	static char b[32];
	const struct st_fact *f = st_fact_get(ctx, name);
	if (!f)
		return "none";
	snprintf(b, sizeof b, "%u:%u", f->origin.line, f->origin.col);
	return b;
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

static void dump(struct st_ctx *ctx)
{
	for (size_t i = 0; i < ctx->diags.n; i++)
		printf("# diag %s %u:%u %s\n", st_severity_name(ctx->diags.items[i].severity),
		       ctx->diags.items[i].origin.line, ctx->diags.items[i].origin.col, ctx->diags.items[i].message);
}

static void test_flags(void)
{
	struct st_ctx ctx;
	st_ctx_init(&ctx);
	const char *y =
	    "services:\n"
	    "  db:\n"
	    "    image: postgres:15-alpine\n"
	    "    command: postgres -c max_connections=150 -c 'work_mem=8MB' --shared-buffers=1GB -N 90\n"
	    "  db2:\n"
	    "    image: bitnami/postgresql:16.2.0\n"
	    "    command: [\"postgres\", \"-c\", \"max_connections=120\", \"-c\", \"max_wal_size=2GB\"]\n"
	    "  my:\n"
	    "    image: mysql/mysql-server:8.0.36\n"
	    "    command: --max-connections=500 --innodb_buffer_pool_size 1G --skip-name-resolve --skip-log-bin\n"
	    "  maria:\n"
	    "    image: mariadb:10.11\n"
	    "    command: [\"mysqld\", \"--max_connections=300\"]\n"
	    "  cache:\n"
	    "    image: redis:7-alpine\n"
	    "    command: redis-server --maxmemory 256mb --appendonly yes --save 60 1000\n"
	    "  shell:\n"
	    "    image: postgres\n"
	    "    command: sh -c 'echo -c max_connections=1'\n"
	    "  bad:\n"
	    "    image: postgres:14\n"
	    "    command: [\"-c\", \"max_connections\"]\n";
	load(&ctx, "docker-compose.yml", y);
	dump(&ctx);
	is_str(text(&ctx, "db.kind"), "postgresql", "postgres image kind");
	is_str(text(&ctx, "db.version"), "15", "15-alpine -> 15");
	const struct st_fact_entry *e = st_fact_entry(&ctx, "db.max_connections");
	ok(e && e->n == 2 && e->chain[0]->value.i == 150, "-c max_connections=150");
	ok(e && e->chain[0]->origin.line == 4 && e->chain[0]->origin.col == 42,
	   "position of the value inside the command");
	ok(e && e->chain[0]->layer == ST_LAYER_COMMAND, "command layer");
	ok(e && e->chain[0]->origin.value_len == 3 && e->chain[0]->origin.value_off == 87, "value span is 150");
	ok(st_fact_get(&ctx, "db.work_mem") != NULL, "quoted -c word");
	ok(st_fact_get(&ctx, "db.shared_buffers") != NULL, "--shared-buffers=1GB (dashes are underscores)");
	is_str(pos(&ctx, "db.shared_buffers"), "4:81", "--name=value position");
	is_int(num(&ctx, "db.max_connections"), 90, "-N after -c: later wins");
	is_str(pos(&ctx, "db.max_connections"), "4:88", "-N value position");
	is_str(text(&ctx, "db2.kind"), "postgresql", "bitnami/postgresql");
	is_str(text(&ctx, "db2.version"), "16", "16.2.0 -> 16");
	is_int(num(&ctx, "db2.max_connections"), 120, "list command");
	is_str(pos(&ctx, "db2.max_connections"), "7:50", "list item value position");
	is_str(text(&ctx, "my.kind"), "mysql", "mysql/mysql-server");
	is_str(text(&ctx, "my.version"), "8.0", "8.0.36 -> 8.0");
	is_int(num(&ctx, "my.max_connections"), 500, "--max-connections=500 normalised");
	is_str(pos(&ctx, "my.max_connections"), "10:32", "mysqld value position");
	ok(st_fact_get(&ctx, "my.innodb_buffer_pool_size") &&
	       st_fact_get(&ctx, "my.innodb_buffer_pool_size")->value.kind == ST_VAL_SIZE &&
	       num(&ctx, "my.innodb_buffer_pool_size") == 1073741824,
	   "--innodb_buffer_pool_size 1G (value in the next word)");
	is_str(pos(&ctx, "my.innodb_buffer_pool_size"), "10:62", "next-word value position");
	ok(st_fact_get(&ctx, "my.skip_name_resolve") != NULL, "--skip-name-resolve is its own option");
	ok(st_fact_get(&ctx, "my.log_bin") != NULL && num(&ctx, "my.log_bin") == 0, "--skip-log-bin turns log_bin off");
	is_int(num(&ctx, "maria.max_connections"), 300, "mysqld in a MariaDB image");
	is_str(text(&ctx, "maria.kind"), "mariadb", "mariadb kind");
	is_str(text(&ctx, "maria.version"), "10.11", "mariadb version");
	ok(st_fact_get(&ctx, "cache.maxmemory") && st_fact_get(&ctx, "cache.maxmemory")->value.kind == ST_VAL_SIZE &&
	       num(&ctx, "cache.maxmemory") == 256LL << 20,
	   "redis --maxmemory 256mb");
	is_str(text(&ctx, "cache.save"), "60 1000", "redis multi-word value");
	is_str(text(&ctx, "cache.version"), "7", "redis 7-alpine");
	ok(st_fact_get(&ctx, "shell.max_connections") == NULL, "flags of another program are not the server's");
	ok(st_fact_get(&ctx, "shell.version") == NULL, "postgres without a tag: version unknown");
	ok(has_diag(&ctx, ST_SEV_ERROR, 22, 0, "requires a value"), "-c name without a value");
	st_ctx_free(&ctx);
}

static void test_yaml(void)
{
	struct st_ctx ctx;
	st_ctx_init(&ctx);
	const char *y = "x-common: &common\n"
	                "  image: postgres:13\n"
	                "  environment: &env\n"
	                "    POSTGRES_DB: base\n"
	                "    TZ: UTC\n"
	                "x-limits: &limits\n"
	                "  deploy: {replicas: 2, resources: {limits: {memory: 512M, cpus: '0.5'}}}\n"
	                "services:\n"
	                "  a:\n"
	                "    <<: [*common, *limits]\n"
	                "    environment:\n"
	                "      <<: *env\n"
	                "      POSTGRES_DB: override\n"
	                "  b: {image: 'redis:6', ports: [\"6379:6379\", \"127.0.0.1:8000-8001:9000-9001/udp\", "
	                "{target: 80, published: 8080}]}\n"
	                "  c:\n"
	                "    <<: *common\n"
	                "    command: >\n"
	                "      postgres -c max_connections=42\n";
	load(&ctx, "compose.yaml", y);
	dump(&ctx);
	is_str(text(&ctx, "a.image"), "postgres:13", "merge key from a list of aliases");
	is_int(num(&ctx, "a.replicas"), 2, "replicas through a flow mapping merged in");
	is_int(num(&ctx, "a.limits.memory"), 512LL << 20, "memory limit");
	ok(st_fact_get(&ctx, "a.limits.cpus") && st_fact_get(&ctx, "a.limits.cpus")->value.r == 0.5, "cpus 0.5");
	is_str(text(&ctx, "a.env.POSTGRES_DB"), "override", "explicit key wins over the merged one");
	is_str(text(&ctx, "a.env.TZ"), "UTC", "merged environment key");
	is_int(num(&ctx, "b.ports.0.published"), 6379, "short port");
	is_int(num(&ctx, "b.ports.1.target"), 9000, "range target");
	is_int(num(&ctx, "b.ports.2.published"), 8001, "range published");
	is_str(text(&ctx, "b.ports.2.protocol"), "udp", "protocol");
	is_str(text(&ctx, "b.ports.1.host_ip"), "127.0.0.1", "host ip");
	is_int(num(&ctx, "b.ports.3.published"), 8080, "long syntax");
	is_int(num(&ctx, "b.replicas"), 1, "default replicas");
	ok(st_fact_get(&ctx, "b.replicas")->origin.kind == ST_ORIGIN_DEFAULT, "default replicas are assumed");
	is_int(num(&ctx, "c.max_connections"), 42, "folded block command");
	is_str(pos(&ctx, "c.max_connections"), "17:14", "block scalar: the scalar's start");
	is_int(st_diag_count(&ctx, ST_SEV_WARNING), 0, "no warnings");
	st_ctx_free(&ctx);

	st_ctx_init(&ctx);
	load(&ctx, "docker-compose.yml", "services:\n  db:\n\timage: postgres\n");
	dump(&ctx);
	ok(has_diag(&ctx, ST_SEV_ERROR, 3, 1, "invalid YAML"), "a tab is a YAML error at 3:1");
	load(&ctx, "docker-compose.yml", "services:\n  db:\n    image: [postgres\n");
	ok(has_diag(&ctx, ST_SEV_ERROR, 4, 1, "invalid YAML"), "unclosed flow sequence");
	load(&ctx, "docker-compose.yml", "services: {}\n---\nservices: {}\n");
	ok(has_diag(&ctx, ST_SEV_WARNING, 3, 1, "second YAML document"), "a second document is reported");
	load(&ctx, "docker-compose.yml", "- a\n- b\n");
	ok(has_diag(&ctx, ST_SEV_ERROR, 1, 1, "must be a mapping"), "a list is not a compose file");
	/* billion laughs: aliases are shared nodes, never expanded */
	load(&ctx, "docker-compose.yml",
	     "a: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, "
	     "*b]\n"
	     "services:\n  s:\n    <<: &m {image: x}\n    environment: *c\n    command: *c\n");
	ok(1, "aliases in a bomb shape load quickly");
	st_ctx_free(&ctx);
}

static void test_env_and_links(void)
{
	snprintf(root, sizeof root, "/tmp/st-compose-XXXXXX");
	if (!mkdtemp(root))
		abort();
	put("stack/pg/postgresql.conf", "max_connections = 200\n");
	put("stack/mysql/conf.d/a.cnf", "[mysqld]\n");
	put("stack/initdb/01.sql", "select 1;\n");
	put("stack/app.env", "X=1\n");
	struct st_ctx ctx;
	st_ctx_init(&ctx);
	ctx.root = root;
	struct st_origin eo = st_origin_file("stack/.env", 1, 1);
	struct st_value pw = st_value_string("hunter2-secret");
	pw.secret = 1;
	st_fact_set(&ctx, "env.stack/.env.PG_PASSWORD", NULL, pw, &eo, ST_LAYER_FILE);
	st_fact_set(&ctx, "env.stack/.env.PG_TAG", NULL, st_value_string("16"), &eo, ST_LAYER_FILE);
	eo = st_origin_file("stack/app.env", 1, 1);
	st_fact_set(&ctx, "env.stack/app.env.API_TOKEN", NULL, st_value_string("tok"), &eo, ST_LAYER_FILE);
	st_fact_set(&ctx, "env.stack/app.env.MODE", NULL, st_value_string("file"), &eo, ST_LAYER_FILE);
	const char *y = "services:\n"
	                "  pg:\n"
	                "    image: postgres:${PG_TAG:-13}\n"
	                "    command: postgres -c config_file=/etc/postgresql/postgresql.conf -c max_connections=100\n"
	                "    environment:\n"
	                "      - POSTGRES_PASSWORD=${PG_PASSWORD}\n"
	                "      - DATABASE_URL=postgres://u:pw@pg:5432/db\n"
	                "      - PLAIN=${UNSET_VAR:-fallback}\n"
	                "      - COST=$$5\n"
	                "    volumes:\n"
	                "      - ./pg/postgresql.conf:/etc/postgresql/postgresql.conf:ro\n"
	                "      - ./initdb:/docker-entrypoint-initdb.d\n"
	                "      - data:/var/lib/postgresql/data\n"
	                "  my:\n"
	                "    image: mariadb\n"
	                "    env_file: [app.env]\n"
	                "    environment: {MODE: compose, MARIADB_ROOT_PASSWORD: x}\n"
	                "    volumes:\n"
	                "      - type: bind\n"
	                "        source: ./mysql/conf.d\n"
	                "        target: /etc/mysql/conf.d\n";
	load(&ctx, "stack/docker-compose.yml", y);
	dump(&ctx);
	is_str(text(&ctx, "pg.version"), "16", "image tag interpolated from the project .env");
	const struct st_fact *f = st_fact_get(&ctx, "pg.env.POSTGRES_PASSWORD");
	ok(f && f->value.secret, "a value from a secret variable is secret");
	f = st_fact_get(&ctx, "pg.env.DATABASE_URL");
	ok(f && f->value.redacted && !strstr(f->value.redacted, "pw@"), "URL password redacted");
	ok(f && f->layer == ST_LAYER_ENVIRONMENT, "environment layer");
	is_str(pos(&ctx, "pg.env.DATABASE_URL"), "7:22", "list env value position");
	is_str(text(&ctx, "pg.env.PLAIN"), "fallback", "${VAR:-default}");
	is_str(text(&ctx, "pg.env.COST"), "$5", "$$ escapes a dollar");
	is_str(text(&ctx, "link.config.stack/pg/postgresql.conf"), "pg", "mounted config file linked");
	is_str(pos(&ctx, "link.config.stack/pg/postgresql.conf"), "11:9", "link origin is the volume line");
	is_str(text(&ctx, "pg.config_file"), "stack/pg/postgresql.conf", "config_file matched to the mount");
	is_str(text(&ctx, "link.configdir.stack/initdb"), "pg", "initdb directory linked");
	ok(st_fact_get(&ctx, "link.config.stack/initdb") == NULL, "a directory is not a config file");
	is_str(text(&ctx, "link.configdir.stack/mysql/conf.d"), "my", "long-syntax bind of conf.d");
	is_str(text(&ctx, "my.env.MODE"), "compose", "environment wins over env_file");
	ok(st_fact_entry(&ctx, "my.env.MODE") && st_fact_entry(&ctx, "my.env.MODE")->n == 2,
	   "env_file value kept below");
	f = st_fact_get(&ctx, "my.env.API_TOKEN");
	ok(f && f->value.secret && strcmp(f->origin.file, "stack/app.env") == 0,
	   "env_file key, secret by name, its origin");
	ok(st_fact_get(&ctx, "my.env.MARIADB_ROOT_PASSWORD") &&
	       st_fact_get(&ctx, "my.env.MARIADB_ROOT_PASSWORD")->value.secret,
	   "MARIADB_ROOT_PASSWORD secret");
	is_str(text(&ctx, "my.kind"), "mariadb", "mariadb without tag");
	for (size_t i = 0; i < ctx.diags.n; i++)
		ok(!strstr(ctx.diags.items[i].message, "hunter2"), "no secret in a diagnostic");
	st_ctx_free(&ctx);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", root);
}

/* The value bytes a fact's origin spans in the YAML text. */
static int span_is(struct st_ctx *ctx, const char *name, const char *yaml, const char *want)
{
	const struct st_fact *f = st_fact_get(ctx, name);
	return f && f->origin.value_len == strlen(want) && f->origin.value_off + f->origin.value_len <= strlen(yaml) &&
	       memcmp(yaml + f->origin.value_off, want, strlen(want)) == 0;
}

static void test_app_commands(void)
{
	snprintf(root, sizeof root, "/tmp/st-compose-XXXXXX");
	if (!mkdtemp(root))
		abort();
	struct st_ctx ctx;
	st_ctx_init(&ctx);
	ctx.root = root;
	struct st_origin eo = st_origin_file("ops/.env", 3, 1);
	st_fact_set(&ctx, "env.ops/.env.OTHER_WORKERS", NULL, st_value_string("7"), &eo, ST_LAYER_FILE);
	st_fact_set(&ctx, "host.cpus", NULL, st_value_int(4), &eo, ST_LAYER_FILE);
	const char *y =
	    "services:\n"
	    "  web:\n" /* 2 */
	    "    build: ../backend\n"
	    "    command: gunicorn app.wsgi -w 8 --threads 2 --bind 0.0.0.0:8000\n" /* 4 */
	    "    environment:\n"
	    "      WEB_CONCURRENCY: \"3\"\n" /* 6 */
	    "  worker:\n"
	    "    build: {context: ../backend}\n"
	    "    command: [\"celery\", \"-A\", \"proj\", \"worker\", \"-c\", \"6\", \"--pool=gevent\"]\n" /* 9 */
	    "  beat:\n"
	    "    build: ../backend\n"
	    "    command: celery -A proj beat\n" /* 12 */
	    "  api:\n"
	    "    image: example/api:1\n"
	    "    environment: [API_WORKERS=5]\n" /* 15 */
	    "    command: sh -c \"python manage.py migrate && exec gunicorn api.wsgi -w $${API_WORKERS:-2} "
	    "--threads $${API_THREADS:-4} --timeout $$(nproc)\"\n" /* 16 */
	    "  other:\n"
	    "    build: ../backend\n"
	    "    entrypoint: /entrypoint\n"                                                            /* 19 */
	    "    command: \"gunicorn other.wsgi -w ${OTHER_WORKERS} --threads ${OTHER_THREADS:-3}\"\n" /* 20 */
	    "  db:\n"
	    "    image: postgres:16\n"
	    "    command: gunicorn not.an.app -w 99\n" /* 23 */
	    "  fe:\n"
	    "    image: node:20\n"
	    "    command: npm run start\n";
	load(&ctx, "ops/docker-compose.yml", y);
	dump(&ctx);
	/* string form: each value at its bytes in the scalar; built from ../backend: application "backend" */
	is_int(num(&ctx, "backend.gunicorn.workers"), 8, "compose command: -w 8");
	ok(span_is(&ctx, "backend.gunicorn.workers", y, "8"), "workers span is the 8 in the scalar");
	is_str(pos(&ctx, "backend.gunicorn.workers"), "4:35", "workers line:col");
	is_int(num(&ctx, "backend.gunicorn.threads"), 2, "compose command: --threads 2");
	ok(span_is(&ctx, "backend.gunicorn.threads", y, "2"), "threads span");
	is_int(num(&ctx, "backend.gunicorn.port"), 8000, "port from --bind");
	is_str(text(&ctx, "backend.gunicorn.wsgi"), "app.wsgi", "wsgi module");
	is_str(text(&ctx, "backend.gunicorn.service"), "web", "the service running it");
	const struct st_fact_entry *e = st_fact_entry(&ctx, "backend.gunicorn.workers");
	ok(e && e->n == 2 && e->chain[0]->value.i == 3 && e->chain[0]->origin.line == 6,
	   "WEB_CONCURRENCY from the service's environment kept below the flag");
	/* list form: quoted items */
	is_int(num(&ctx, "backend.celery.concurrency"), 6, "list command: -c 6");
	ok(span_is(&ctx, "backend.celery.concurrency", y, "6"), "concurrency span inside the quotes");
	is_str(text(&ctx, "backend.celery.pool"), "gevent", "--pool=gevent");
	ok(span_is(&ctx, "backend.celery.pool", y, "gevent"), "pool span after the '='");
	is_str(text(&ctx, "backend.celery.service"), "worker", "celery beat does not claim the app's celery");
	/* sh -c: the script's ${X:-d} against the service's environment; unknowns keep their location */
	is_int(num(&ctx, "api.gunicorn.workers"), 5, "sh -c script: variable from the service's environment");
	ok(st_fact_get(&ctx, "api.gunicorn.workers") && st_fact_get(&ctx, "api.gunicorn.workers")->origin.line == 15,
	   "its origin is the environment entry");
	is_int(num(&ctx, "api.gunicorn.threads"), 4, "sh -c script: ${X:-4} default when unset");
	is_str(pos(&ctx, "api.gunicorn.threads"), "16:120", "the default's position, through YAML quotes and $$");
	ok(span_is(&ctx, "api.gunicorn.threads", y, "4"), "the default's span");
	const struct st_fact *f = st_fact_get(&ctx, "api.gunicorn.timeout");
	ok(f && f->value.kind == ST_VAL_NONE && f->origin.line == 16, "$(nproc) is unknown, with its location");
	/* entrypoint wrapper: the command alone; interpolation from the project .env; a second gunicorn service
	 * built from the same directory keeps its own name */
	is_int(num(&ctx, "other.gunicorn.workers"), 7, "${OTHER_WORKERS} from the project .env");
	f = st_fact_get(&ctx, "other.gunicorn.workers");
	ok(f && strcmp(f->origin.file, "ops/.env") == 0 && f->origin.line == 3 && f->origin.detail &&
	       strstr(f->origin.detail, "${OTHER_WORKERS}"),
	   "its origin is the .env line, via the command");
	is_int(num(&ctx, "other.gunicorn.threads"), 3, "${OTHER_THREADS:-3} default");
	ok(span_is(&ctx, "other.gunicorn.threads", y, "3"), "the default's span in a double-quoted scalar");
	ok(st_fact_get(&ctx, "db.gunicorn.workers") == NULL && st_fact_get(&ctx, "db.max_connections") == NULL,
	   "a database image's command is not an application's");
	ok(st_fact_get(&ctx, "fe.gunicorn.workers") == NULL, "an unknown program records nothing");
	st_ctx_free(&ctx);
	/* an env_file the .env loader does not claim by name is read by compose, once */
	put("ops/.envs/.production/.django", "WEB_CONCURRENCY=3\nDJANGO_SECRET_KEY=not-a-real-key\n");
	st_ctx_init(&ctx);
	ctx.root = root;
	const char *y2 = "services:\n"
	                 "  django: &django\n"
	                 "    build: ../backend\n"
	                 "    env_file: [./.envs/.production/.django]\n"
	                 "    command: gunicorn config.wsgi\n"
	                 "  celeryworker:\n"
	                 "    <<: *django\n"
	                 "    command: celery -A config.celery_app worker\n";
	load(&ctx, "ops/docker-compose.production.yml", y2);
	f = st_fact_get(&ctx, "django.env.WEB_CONCURRENCY");
	ok(f && f->origin.line == 1 && strcmp(f->origin.file, "ops/.envs/.production/.django") == 0,
	   "env_file .envs/.production/.django read, with its origin");
	is_int(num(&ctx, "backend.gunicorn.workers"), 3, "WEB_CONCURRENCY from the env_file sets Gunicorn's workers");
	ok(st_fact_get(&ctx, "celeryworker.env.DJANGO_SECRET_KEY") &&
	       st_fact_get(&ctx, "celeryworker.env.DJANGO_SECRET_KEY")->value.secret,
	   "a service sharing the file gets it too, secrets kept secret");
	ok(st_fact_entry(&ctx, "env.ops/.envs/.production/.django.WEB_CONCURRENCY") &&
	       st_fact_entry(&ctx, "env.ops/.envs/.production/.django.WEB_CONCURRENCY")->n == 1,
	   "the file is read once");
	st_ctx_free(&ctx);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", root);
}

int main(void)
{
	test_flags();
	test_yaml();
	test_env_and_links();
	test_app_commands();
	ok(st_compose_match("a/docker-compose.prod.yml", "docker-compose.prod.yml", NULL, 0) == ST_MATCH_YES, "match");
	ok(st_compose_match("a/compose.yaml", "compose.yaml", NULL, 0) == ST_MATCH_YES, "compose.yaml");
	ok(st_compose_match("a/ci.yml", "ci.yml", NULL, 0) == ST_MATCH_NO, "other YAML");
	return done_testing();
}
