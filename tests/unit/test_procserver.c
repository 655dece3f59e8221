/* loaders/procserver: Gunicorn / Celery / uWSGI / Uvicorn from start scripts, Procfiles, gunicorn.conf.py,
 * uwsgi.ini, supervisord and compose commands; shell variables resolved with provenance; Gunicorn's
 * precedence as layers; defaults assumed only when nothing sets a value. */
#include <stdlib.h>
#include <string.h>

#include "../tap.h"
#include "stacktune/loaders.h"

static const char *g_data;

static void setup(struct st_ctx *ctx, int with_env)
{
	st_ctx_init(ctx);
	ctx->root = "/nonexistent-stacktune-test-root";
	struct st_origin h = {.kind = ST_ORIGIN_PROFILE, .file = "profiles/4c8g.ini", .line = 16};
	st_fact_set(ctx, "host.cpus", NULL, st_value_int(4), &h, ST_LAYER_PROFILE);
	if (with_env) {
		struct st_origin o = st_origin_file("backend/.env", 3, 1);
		st_fact_set(ctx, "env.backend/.env.GUNICORN_WORKERS", NULL, st_value_string("8"), &o, ST_LAYER_FILE);
		o = st_origin_file(".env", 1, 1);
		st_fact_set(ctx, "env..env.GUNICORN_CMD_ARGS", NULL, st_value_string("--threads 3 --timeout 90"), &o,
		            ST_LAYER_FILE);
	}
}

static void load(struct st_ctx *ctx, const char *path, const char *data)
{
	g_data = data;
	const char *slash = strrchr(path, '/');
	struct st_file f = {.path = path, .name = slash ? slash + 1 : path, .data = data, .size = strlen(data)};
	st_procserver_load(ctx, &f);
}

static const struct st_fact *fact(const struct st_ctx *ctx, const char *name)
{
	return st_fact_get(ctx, name);
}

static long long num(const struct st_ctx *ctx, const char *name)
{
	const struct st_fact *f = fact(ctx, name);
	return f ? (long long)f->value.i : -999;
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

static int detail_has(const struct st_fact *f, const char *want)
{
	return f && f->origin.detail && strstr(f->origin.detail, want);
}

static void test_match(void)
{
	const char *yes[] = {"Procfile", "backend/start.sh", "gunicorn.conf.py", "deploy/gunicorn_config.py",
	                     "uwsgi.ini", "deploy/app_uwsgi.ini", "supervisord.conf", "deploy/supervisor/web.conf", "Procfile.dev"};
	const char *no[] = {"gunicorn.py", "start.bash", "Procfiles", "config.ini", "nginx.conf", "app.py"};
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
		is_int(st_procserver_match(yes[i], NULL, NULL, 0), ST_MATCH_YES, "matches %s", yes[i]);
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
		is_int(st_procserver_match(no[i], NULL, NULL, 0), ST_MATCH_NO, "does not match %s", no[i]);
}

static void test_script_defaults(void)
{
	struct st_ctx ctx;
	setup(&ctx, 0);
	const char *data = "#!/bin/sh\n"
	                   "set -e\n"
	                   "WORKERS=${GUNICORN_WORKERS:-4}\n"
	                   "exec gunicorn app.wsgi:application \\\n"
	                   "    --workers=$WORKERS --threads 2 \\\n"
	                   "    -b 0.0.0.0:8000 -k gthread --max-requests 1000 # comment -w 99\n";
	load(&ctx, "backend/start.sh", data);
	const struct st_fact *f = fact(&ctx, "backend.gunicorn.workers");
	is_int(f ? f->value.i : -1, 4, "workers from the ${:-} default");
	ok(span_is(f, "4") && f->origin.line == 3, "its origin is the default's text");
	ok(detail_has(f, "default in script, GUNICORN_WORKERS not set"), "and says the variable is not set");
	ok(f && f->layer == ST_LAYER_COMMAND, "command-line layer");
	f = fact(&ctx, "backend.gunicorn.threads");
	ok(f && f->value.i == 2 && span_is(f, "2") && f->origin.line == 5, "threads 2 with its span");
	is_str(str(&ctx, "backend.gunicorn.bind"), "0.0.0.0:8000", "bind");
	f = fact(&ctx, "backend.gunicorn.port");
	ok(f && f->value.i == 8000 && span_is(f, "8000"), "port with the span of its digits");
	is_str(str(&ctx, "backend.gunicorn.worker_class"), "gthread", "worker class");
	is_int(num(&ctx, "backend.gunicorn.max_requests"), 1000, "max requests (not the commented -w 99)");
	is_str(str(&ctx, "backend.gunicorn.wsgi"), "app.wsgi:application", "WSGI application");
	f = fact(&ctx, "backend.gunicorn.timeout");
	ok(f && f->origin.kind == ST_ORIGIN_DEFAULT && f->value.kind == ST_VAL_DURATION && f->value.i == 30000000LL,
	   "timeout: Gunicorn's default 30 s, assumed");
	ok(f && f->layer == ST_LAYER_DEFAULT, "defaults sit in the default layer");
	st_ctx_free(&ctx);
}

static void test_script_env(void)
{
	struct st_ctx ctx;
	setup(&ctx, 1);
	const char *data = "WORKERS=${GUNICORN_WORKERS:-4}\nexec gunicorn app.wsgi -w $WORKERS --threads 2\n";
	load(&ctx, "backend/start.sh", data);
	const struct st_fact *f = fact(&ctx, "backend.gunicorn.workers");
	is_int(f ? f->value.i : -1, 8, "workers from the .env value");
	ok(f && f->origin.file && strcmp(f->origin.file, "backend/.env") == 0 && f->origin.line == 3,
	   "origin: the .env line");
	ok(detail_has(f, "via ${GUNICORN_WORKERS} at backend/start.sh:1"), "detail: where the script reads it");
	/* GUNICORN_CMD_ARGS (root .env) sits below the command line: --threads 2 wins over 3, timeout 90 stays */
	const struct st_fact_entry *en = st_fact_entry(&ctx, "backend.gunicorn.threads");
	ok(en && en->n == 2 && en->chain[0]->layer == ST_LAYER_ENVIRONMENT && en->chain[0]->value.i == 3,
	   "GUNICORN_CMD_ARGS threads in the chain, overridden");
	is_int(num(&ctx, "backend.gunicorn.threads"), 2, "the command line wins");
	f = fact(&ctx, "backend.gunicorn.timeout");
	ok(f && f->value.i == 90000000LL && f->layer == ST_LAYER_ENVIRONMENT && detail_has(f, "GUNICORN_CMD_ARGS"),
	   "timeout from GUNICORN_CMD_ARGS");
	st_ctx_free(&ctx);
}

static void test_web_concurrency_and_unknown(void)
{
	struct st_ctx ctx;
	setup(&ctx, 0);
	const char *data = "export WEB_CONCURRENCY=3\n"
	                   "gunicorn app.wsgi --threads \"$(nproc)\" --timeout=$UNSET_T\n";
	load(&ctx, "app.sh", data);
	const struct st_fact *f = fact(&ctx, "app.gunicorn.workers");
	ok(f && f->value.i == 3 && f->layer == ST_LAYER_FILE - 1 && detail_has(f, "WEB_CONCURRENCY"),
	   "WEB_CONCURRENCY gives workers below any config file");
	ok(span_is(f, "3"), "its span is the exported value");
	f = fact(&ctx, "app.gunicorn.threads");
	ok(f && f->value.kind == ST_VAL_NONE && strstr(f->value.text, "command substitution"),
	   "$(nproc): unknown, saying why");
	ok(f && f->origin.kind == ST_ORIGIN_FILE && f->origin.line == 2, "the unknown keeps its position");
	f = fact(&ctx, "app.gunicorn.timeout");
	ok(f && f->value.kind == ST_VAL_NONE && strstr(f->value.text, "UNSET_T is not set"), "unset variable: unknown");
	st_ctx_free(&ctx);
}

static void test_celery(void)
{
	struct st_ctx ctx;
	setup(&ctx, 0);
	load(&ctx, "worker/run.sh", "celery -A proj worker -l info -c 6 -P gevent\n");
	const struct st_fact *f = fact(&ctx, "worker.celery.concurrency");
	ok(f && f->value.i == 6 && span_is(f, "6"), "explicit -c 6");
	const struct st_fact_entry *en = st_fact_entry(&ctx, "worker.celery.concurrency");
	is_int(en ? en->n : 0, 1, "no default added under an explicit value");
	is_str(str(&ctx, "worker.celery.pool"), "gevent", "pool");
	is_str(str(&ctx, "worker.celery.app"), "proj", "app");
	st_ctx_free(&ctx);

	setup(&ctx, 0);
	load(&ctx, "Procfile", "web: gunicorn app.wsgi\nworker: celery --app=proj worker --autoscale=10,3 --loglevel=info\n"
	                       "beat: celery -A proj beat\n");
	f = fact(&ctx, "app.celery.concurrency");
	ok(f && f->value.i == 4 && f->origin.kind == ST_ORIGIN_DEFAULT && detail_has(f, "number of CPUs"),
	   "default concurrency = host.cpus, assumed");
	is_int(num(&ctx, "app.celery.autoscale_max"), 10, "autoscale max");
	is_int(num(&ctx, "app.celery.autoscale_min"), 3, "autoscale min");
	is_str(str(&ctx, "app.celery.pool"), "prefork", "default pool");
	is_str(str(&ctx, "app.gunicorn.wsgi"), "app.wsgi", "Procfile web line");
	f = fact(&ctx, "app.gunicorn.wsgi");
	ok(f && f->origin.line == 1 && span_is(f, "app.wsgi"), "Procfile origins are file positions");
	st_ctx_free(&ctx);
}

static void test_conf_py(void)
{
	struct st_ctx ctx;
	setup(&ctx, 0);
	const char *data = "import multiprocessing, os\n"
	                   "bind = ['0.0.0.0:' + os.environ.get('PORT', '8000')]\n"
	                   "workers = multiprocessing.cpu_count() * 2 + 1\n"
	                   "timeout = 120\n"
	                   "worker_class = 'uvicorn.workers.UvicornWorker'\n";
	load(&ctx, "web/gunicorn.conf.py", data);
	const struct st_fact *f = fact(&ctx, "web.gunicorn.workers");
	ok(f && f->value.i == 9 && f->layer == ST_LAYER_FILE, "cpu_count() * 2 + 1 = 9 on 4 CPUs, file layer");
	ok(detail_has(f, "cpu_count() * 2 + 1 with host.cpus = 4"), "detail: formula and CPU count");
	ok(span_is(f, "multiprocessing.cpu_count() * 2 + 1"), "span: the whole expression");
	is_str(str(&ctx, "web.gunicorn.bind"), "0.0.0.0:8000", "bind list: the first address");
	is_int(num(&ctx, "web.gunicorn.port"), 8000, "port");
	f = fact(&ctx, "web.gunicorn.timeout");
	ok(f && f->value.i == 120000000LL && span_is(f, "120"), "timeout 120 s");
	f = fact(&ctx, "web.gunicorn.threads");
	ok(f && f->origin.kind == ST_ORIGIN_DEFAULT && f->value.i == 1, "threads: default 1");
	st_ctx_free(&ctx);
}

static void test_uwsgi_uvicorn_supervisor_compose(void)
{
	struct st_ctx ctx;
	setup(&ctx, 0);
	const char *ini = "[uwsgi]\nmodule = app.wsgi\nprocesses = 4\nthreads = 2\nhttp-socket = :8080\n[other]\nprocesses = 9\n";
	load(&ctx, "deploy/uwsgi.ini", ini);
	const struct st_fact *f = fact(&ctx, "deploy.uwsgi.processes");
	ok(f && f->value.i == 4 && span_is(f, "4") && f->origin.line == 3, "uwsgi processes (not the other section)");
	is_int(num(&ctx, "deploy.uwsgi.threads"), 2, "uwsgi threads");
	is_int(num(&ctx, "deploy.uwsgi.port"), 8080, "uwsgi port from http-socket");
	is_str(str(&ctx, "deploy.uwsgi.module"), "app.wsgi", "uwsgi module");
	g_data = NULL;
	load(&ctx, "api/start.sh", "exec uvicorn api.main:app --host 0.0.0.0 --port 9000 --workers 3 --reload\n");
	is_int(num(&ctx, "api.uvicorn.workers"), 3, "uvicorn workers");
	is_int(num(&ctx, "api.uvicorn.port"), 9000, "uvicorn port");
	is_str(str(&ctx, "api.uvicorn.app"), "api.main:app", "uvicorn app");
	load(&ctx, "ops/supervisor/app.conf", "[program:web]\ncommand=gunicorn app.wsgi -w 5\n[program:x]\nuser=www\n");
	is_int(num(&ctx, "ops.gunicorn.workers"), 5, "supervisord program command");
	struct st_origin co = st_origin_file("docker-compose.yml", 12, 14);
	is_int(st_procserver_command(&ctx, "backend", "docker-compose.yml", "celery -A proj worker --concurrency=2", &co),
	       0, "a compose command is recognised");
	f = fact(&ctx, "backend.celery.concurrency");
	ok(f && f->value.i == 2 && f->origin.line == 12 && strcmp(f->origin.file, "docker-compose.yml") == 0,
	   "compose command facts carry the caller's origin");
	is_int(st_procserver_command(&ctx, "backend", "docker-compose.yml", "nginx -g 'daemon off;'", &co), -1,
	       "an unrelated command records nothing");
	st_ctx_free(&ctx);
}

static void test_garbage(void)
{
	struct st_ctx ctx;
	setup(&ctx, 1);
	const char *bad[] = {"", "gunicorn", "gunicorn -w", "gunicorn -w abc", "gunicorn --workers=", "${", "$(",
	                     "gunicorn -w ${A:-${B:-${C:-${D:-${E:-${F:-${G:-${H:-${I:-${J:-${K:-${L:-${M:-${N:-${O:-${P:-${Q:-${R:-1}}}}}}}}}}}}}}}}}}",
	                     "'unterminated gunicorn", "celery worker --autoscale=,", "gunicorn \\", "exec exec exec",
	                     "A=${A:=${A}}gunicorn -w $A", "gunicorn -b unix:/tmp/x.sock -b :"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		load(&ctx, "x.sh", bad[i]);
	load(&ctx, "uwsgi.ini", "[uwsgi]\nprocesses = $(\nthreads=\n=\n[");
	load(&ctx, "Procfile", ":\nweb:\n: gunicorn\nweb: sh");
	ok(1, "malformed scripts and files survive");
	const struct st_fact *f = fact(&ctx, "app.gunicorn.workers");
	ok(f != NULL, "facts were still recorded");
	size_t errs = 0;
	for (size_t i = 0; i < ctx.diags.n; i++)
		errs += ctx.diags.items[i].severity == ST_SEV_ERROR && strstr(ctx.diags.items[i].message, "whole number");
	ok(errs >= 1, "-w abc is an error diagnostic");
	st_ctx_free(&ctx);
}

int main(void)
{
	test_match();
	test_script_defaults();
	test_script_env();
	test_web_concurrency_and_unknown();
	test_celery();
	test_conf_py();
	test_uwsgi_uvicorn_supervisor_compose();
	test_garbage();
	return done_testing();
}
