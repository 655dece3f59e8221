/* loaders/pysettings + pyscan: Django settings evaluated from the Python subset, resolved against .env facts,
 * with provenance, unknowns that say why, secrets kept secret, and no crash on arbitrary Python. */
#include <stdlib.h>
#include <string.h>

#include "../../src/loaders/pyscan.h"
#include "../tap.h"
#include "stacktune/loaders.h"

static const char *g_data;

static void setup(struct st_ctx *ctx)
{
	st_ctx_init(ctx);
	ctx->root = "/nonexistent-stacktune-test-root";
	struct st_origin o = st_origin_file("backend/.env", 2, 1);
	o.value_off = 8;
	o.value_len = 11;
	st_fact_set(ctx, "env.backend/.env.DB_HOST", NULL, st_value_string("db.internal"), &o, ST_LAYER_FILE);
	o = st_origin_file(".env", 1, 1);
	st_fact_set(ctx, "env..env.DB_HOST", NULL, st_value_string("root-host"), &o, ST_LAYER_FILE);
	st_fact_set(ctx, "env..env.REDIS_URL", NULL, st_value_string("redis://:hunter2@cache:6379/3"), &o, ST_LAYER_FILE);
	struct st_value sec = st_value_string("pa55word");
	sec.secret = 1;
	o = st_origin_file(".env", 4, 1);
	st_fact_set(ctx, "env..env.DB_PASSWORD", NULL, sec, &o, ST_LAYER_FILE);
	st_fact_set(ctx, "env..env.DEBUG", NULL, st_value_string("False"), &o, ST_LAYER_FILE);
	st_fact_set(ctx, "env..env.WORKERS", NULL, st_value_string("5"), &o, ST_LAYER_FILE);
	struct st_origin h = {.kind = ST_ORIGIN_PROFILE, .file = "profiles/4c8g.ini", .line = 16};
	st_fact_set(ctx, "host.cpus", NULL, st_value_int(4), &h, ST_LAYER_PROFILE);
}

static void load(struct st_ctx *ctx, const char *path, const char *data)
{
	g_data = data;
	const char *slash = strrchr(path, '/');
	struct st_file f = {.path = path, .name = slash ? slash + 1 : path, .data = data, .size = strlen(data)};
	st_pysettings_load(ctx, &f);
}

static const struct st_fact *fact(const struct st_ctx *ctx, const char *name)
{
	return st_fact_get(ctx, name);
}

static const char *str(const struct st_ctx *ctx, const char *name)
{
	const struct st_fact *f = fact(ctx, name);
	return f && f->value.kind == ST_VAL_STRING ? f->value.text : NULL;
}

static long long num(const struct st_ctx *ctx, const char *name)
{
	const struct st_fact *f = fact(ctx, name);
	return f ? (long long)f->value.i : -999;
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
	const char *yes[] = {"backend/config/settings.py", "settings.py", "proj/settings/base.py",
	                     "proj/settings/__init__.py", "local_settings.py", "x/settings_prod.py"};
	const char *no[] = {"settings.pyc", "backend/models.py", "app/migrations/0001_settings.py", "settings.yaml",
	                    "settingsx/base.py", "lib/site-packages/django/conf/global_settings.py"};
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
		is_int(st_pysettings_match(yes[i], NULL, NULL, 0), ST_MATCH_YES, "matches %s", yes[i]);
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
		is_int(st_pysettings_match(no[i], NULL, NULL, 0), ST_MATCH_NO, "does not match %s", no[i]);
}

static void test_databases(void)
{
	struct st_ctx ctx;
	setup(&ctx);
	const char *data = "import os\n"
	                   "DATABASES = {\n"
	                   "    'default': {\n"
	                   "        'ENGINE': 'django.db.backends.postgresql',\n"
	                   "        'HOST': os.environ.get('DB_HOST', 'localhost'),\n"
	                   "        'NAME': os.environ.get('DB_NAME', 'app'),\n"
	                   "        'PORT': '5432',\n"
	                   "        'PASSWORD': os.environ['DB_PASSWORD'],\n"
	                   "        'USER': os.environ['DB_USER'],\n"
	                   "        'CONN_MAX_AGE': 600,\n"
	                   "        'CONN_HEALTH_CHECKS': True,\n"
	                   "        'OPTIONS': {'pool': {'min_size': 2, 'max_size': 8}},\n"
	                   "    },\n"
	                   "    'other': {'CONN_MAX_AGE': None, 'HOST': os.getenv('NOPE')},\n"
	                   "}\n";
	load(&ctx, "backend/config/settings.py", data);
	const struct st_fact *f = fact(&ctx, "backend.django.DATABASES.default.HOST");
	is_str(str(&ctx, "backend.django.DATABASES.default.HOST"), "db.internal", "HOST from the nearest .env");
	ok(f && f->origin.file && strcmp(f->origin.file, "backend/.env") == 0 && f->origin.line == 2,
	   "HOST's origin is the .env line");
	ok(detail_has(f, "via os.environ.get('DB_HOST') at backend/config/settings.py:5"), "HOST says how it was read");
	ok(f && f->component && strcmp(f->component, "backend") == 0, "component is the app");
	f = fact(&ctx, "backend.django.DATABASES.default.NAME");
	is_str(f ? f->value.text : NULL, "app", "NAME falls back to the default in code");
	ok(span_is(f, "'app'") && f->origin.line == 6, "the default's origin is its literal");
	ok(detail_has(f, "default in code, DB_NAME not set"), "the default says the variable is not set");
	f = fact(&ctx, "backend.django.DATABASES.default.PORT");
	ok(f && f->value.kind == ST_VAL_INT && f->value.i == 5432, "PORT '5432' is the number 5432");
	ok(span_is(f, "'5432'"), "PORT's span is the literal");
	f = fact(&ctx, "backend.django.DATABASES.default.PASSWORD");
	ok(f && f->value.secret, "PASSWORD is secret");
	is_str(f && f->origin.file ? f->origin.file : NULL, ".env", "PASSWORD from the root .env when the nearest lacks it");
	f = fact(&ctx, "backend.django.DATABASES.default.USER");
	ok(f && f->value.kind == ST_VAL_NONE && f->value.text && strstr(f->value.text, "DB_USER is not set"),
	   "os.environ['DB_USER'] unset: unknown, saying why");
	ok(f && f->origin.line == 9, "the unknown sits at its line");
	f = fact(&ctx, "backend.django.DATABASES.default.CONN_MAX_AGE");
	ok(f && f->value.kind == ST_VAL_DURATION && f->value.i == 600000000LL, "CONN_MAX_AGE 600 is 600 s");
	ok(span_is(f, "600"), "CONN_MAX_AGE's span is 600");
	ok(fact(&ctx, "backend.django.DATABASES.default.CONN_HEALTH_CHECKS") &&
	       fact(&ctx, "backend.django.DATABASES.default.CONN_HEALTH_CHECKS")->value.kind == ST_VAL_BOOL,
	   "CONN_HEALTH_CHECKS is a boolean");
	is_int(num(&ctx, "backend.django.DATABASES.default.OPTIONS.pool.max_size"), 8, "OPTIONS.pool.max_size");
	is_int(num(&ctx, "backend.django.DATABASES.default.OPTIONS.pool.min_size"), 2, "OPTIONS.pool.min_size");
	f = fact(&ctx, "backend.django.DATABASES.other.CONN_MAX_AGE");
	is_str(f ? f->value.text : NULL, "None", "CONN_MAX_AGE None is kept as None");
	ok(detail_has(f, "persistent"), "None is explained as persistent connections");
	f = fact(&ctx, "backend.django.DATABASES.other.HOST");
	ok(f && f->value.kind == ST_VAL_NONE && strstr(f->value.text, "NOPE is not set"), "getenv without default: unknown");
	for (size_t i = 0; i < ctx.diags.n; i++)
		ok(!strstr(ctx.diags.items[i].message, "pa55word"), "no diagnostic holds the password");
	st_ctx_free(&ctx);
}

static void test_libraries(void)
{
	struct st_ctx ctx;
	setup(&ctx);
	const char *data = "import environ, dj_database_url\n"
	                   "from decouple import config, Csv\n"
	                   "env = environ.Env(DEBUG=(bool, True), PAGE=(int, 25))\n"
	                   "DEBUG = env('DEBUG')\n"
	                   "DATABASES = {'default': dj_database_url.config(default='postgres://u:p@h:6432/d', conn_max_age=60)}\n"
	                   "DATABASES['default']['CONN_HEALTH_CHECKS'] = True\n"
	                   "CACHES = {'default': env.cache('REDIS_URL')}\n"
	                   "CELERY_BROKER_URL = config('REDIS_URL')\n"
	                   "CELERY_WORKER_CONCURRENCY = config('CONC', default='3', cast=int)\n"
	                   "ALLOWED_HOSTS = config('HOSTS', default='a.com, b.com', cast=Csv())\n"
	                   "REST_FRAMEWORK = {'PAGE_SIZE': env('PAGE'), 'DEFAULT_PAGINATION_CLASS': 'x.Pager'}\n"
	                   "SECRET_KEY = env.str('SECRET_KEY', default='dev-' + 'key')\n"
	                   "SESSION_ENGINE = 'django.contrib.sessions.backends.cache'\n";
	load(&ctx, "app1/settings.py", data);
	const struct st_fact *f = fact(&ctx, "app1.django.DEBUG");
	ok(f && f->value.kind == ST_VAL_BOOL && f->value.i == 0, "env('DEBUG') with schema bool: 'False' is False");
	ok(f && f->origin.line == 4 + 0 && f->origin.file && strcmp(f->origin.file, ".env") == 0, "DEBUG from .env");
	f = fact(&ctx, "app1.django.DATABASES.default.PORT");
	ok(f && f->value.i == 6432, "dj_database_url default URL parsed: PORT");
	is_str(str(&ctx, "app1.django.DATABASES.default.ENGINE"), "django.db.backends.postgresql", "ENGINE from the scheme");
	ok(fact(&ctx, "app1.django.DATABASES.default.PASSWORD") && fact(&ctx, "app1.django.DATABASES.default.PASSWORD")->value.secret,
	   "URL password is secret");
	f = fact(&ctx, "app1.django.DATABASES.default.CONN_MAX_AGE");
	ok(f && f->value.i == 60000000LL && span_is(f, "60"), "conn_max_age=60 with the kwarg's span");
	ok(fact(&ctx, "app1.django.DATABASES.default.CONN_HEALTH_CHECKS") &&
	       fact(&ctx, "app1.django.DATABASES.default.CONN_HEALTH_CHECKS")->value.i == 1,
	   "subscript assignment overrides the dict entry");
	is_int(num(&ctx, "app1.django.CACHES.default.redis_db"), 3, "redis db from env.cache URL path");
	f = fact(&ctx, "app1.django.CACHES.default.LOCATION");
	ok(f && f->value.redacted && !strstr(f->value.redacted, "hunter2"), "LOCATION shown with the password masked");
	f = fact(&ctx, "app1.django.CELERY_BROKER_URL.password");
	ok(f && f->value.secret, "broker URL parts: password secret");
	is_int(num(&ctx, "app1.django.CELERY_BROKER_URL.port"), 6379, "broker URL parts: port");
	f = fact(&ctx, "app1.django.CELERY_WORKER_CONCURRENCY");
	ok(f && f->value.kind == ST_VAL_INT && f->value.i == 3 && span_is(f, "'3'"), "decouple cast=int of the default");
	f = fact(&ctx, "app1.celery.concurrency");
	ok(f && f->value.i == 3 && f->layer == ST_LAYER_FILE, "CELERY_WORKER_CONCURRENCY also sets celery.concurrency");
	f = fact(&ctx, "app1.django.ALLOWED_HOSTS");
	ok(f && f->value.kind == ST_VAL_LIST && f->value.n_items == 2 && strcmp(f->value.items[1].text, "b.com") == 0,
	   "Csv() splits and strips");
	is_int(num(&ctx, "app1.django.REST_FRAMEWORK.PAGE_SIZE"), 25, "schema default for env('PAGE')");
	is_str(str(&ctx, "app1.django.REST_FRAMEWORK.DEFAULT_PAGINATION_CLASS"), "x.Pager", "pagination class");
	f = fact(&ctx, "app1.django.SECRET_KEY");
	ok(f && f->value.secret, "SECRET_KEY is secret");
	ok(f && (!f->origin.detail || !strstr(f->origin.detail, "dev-")), "a secret's detail does not quote its text");
	is_str(str(&ctx, "app1.django.SESSION_ENGINE"), "django.contrib.sessions.backends.cache", "SESSION_ENGINE");
	st_ctx_free(&ctx);
}

static void test_expressions(void)
{
	struct st_ctx ctx;
	setup(&ctx);
	const char *data = "import os, multiprocessing\n"
	                   "HOST = os.environ.get('DB_HOST', 'x')\n"
	                   "CELERY_BROKER_URL = f'redis://{HOST}:6379/' + str(2 * 3)\n"
	                   "CELERY_A = os.environ.get('DEBUG', 'false').lower() in ('1', 'true')\n"
	                   "CELERY_B = bool(os.environ.get('DEBUG'))\n"
	                   "CELERY_C = int(os.environ.get('WORKERS', 2)) * 2\n"
	                   "CELERY_D = multiprocessing.cpu_count() * 2 + 1\n"
	                   "CELERY_E = os.getenv('UNSET') or 'fallback'\n"
	                   "CELERY_F = [x for x in range(3)]\n"
	                   "CELERY_G = 2 ** 62 * 4\n"
	                   "CELERY_H = 'a' 'b' \\\n"
	                   "    'c'\n"
	                   "CELERY_I = '''tri\nple'''\n"
	                   "CELERY_J = 'x' if os.environ.get('DEBUG') == 'False' else 'y'\n"
	                   "DEBUG = True\n"
	                   "if os.environ.get('PROD'):\n"
	                   "    DEBUG = False\n"
	                   "    CELERY_K = 1\n"
	                   "else:\n"
	                   "    CELERY_K = 2\n"
	                   "def f():\n"
	                   "    CELERY_L = 5\n"
	                   "class C:\n"
	                   "    CELERY_M = 6\n"
	                   "try:\n"
	                   "    CELERY_N = 7\n"
	                   "except Exception:\n"
	                   "    CELERY_N = 8\n";
	load(&ctx, "settings.py", data);
	is_str(str(&ctx, "app.django.CELERY_BROKER_URL"), "redis://root-host:6379/6", "f-string, str(), + with a root .env value");
	ok(detail_has(fact(&ctx, "app.django.CELERY_BROKER_URL"), "DB_HOST from .env:1"), "the computed value names its input");
	ok(fact(&ctx, "app.django.CELERY_A") && fact(&ctx, "app.django.CELERY_A")->value.i == 0, ".lower() in (...)");
	ok(fact(&ctx, "app.django.CELERY_B") && fact(&ctx, "app.django.CELERY_B")->value.i == 1, "bool('False') is True as in Python");
	size_t warned = 0;
	for (size_t i = 0; i < ctx.diags.n; i++)
		warned += ctx.diags.items[i].severity == ST_SEV_WARNING && strstr(ctx.diags.items[i].message, "bool()") != NULL;
	is_int(warned, 1, "and a warning says so");
	is_int(num(&ctx, "app.django.CELERY_C"), 10, "int(env) * 2");
	const struct st_fact *f = fact(&ctx, "app.django.CELERY_D");
	is_int(f ? f->value.i : -1, 9, "cpu_count() * 2 + 1 on 4 CPUs");
	ok(detail_has(f, "cpu_count() * 2 + 1 with host.cpus = 4"), "detail: the formula and the CPU count");
	ok(f && f->origin.kind == ST_ORIGIN_FILE && f->origin.line == 7, "origin: the expression in the file");
	f = fact(&ctx, "app.django.CELERY_E");
	is_str(f ? f->value.text : NULL, "fallback", "getenv(unset) or default");
	ok(detail_has(f, "UNSET not set"), "the or-default says the variable is not set");
	f = fact(&ctx, "app.django.CELERY_F");
	ok(f && f->value.kind == ST_VAL_NONE && strstr(f->value.text, "comprehension"), "comprehension: unknown");
	f = fact(&ctx, "app.django.CELERY_G");
	ok(f && f->value.kind == ST_VAL_NONE && strstr(f->value.text, "overflow"), "integer overflow: unknown");
	is_str(str(&ctx, "app.django.CELERY_H"), "abc", "adjacent strings over a line continuation");
	is_str(str(&ctx, "app.django.CELERY_I"), "tri\nple", "triple-quoted string");
	is_str(str(&ctx, "app.django.CELERY_J"), "x", "conditional expression");
	f = fact(&ctx, "app.django.DEBUG");
	ok(f && f->value.i == 1 && detail_has(f, "may be reassigned inside 'if' at line 17"),
	   "unconditional value stays, the conditional one is noted");
	f = fact(&ctx, "app.django.CELERY_K");
	ok(f && f->value.i == 1 && detail_has(f, "conditional"), "first branch taken, marked conditional");
	ok(!fact(&ctx, "app.django.CELERY_L") && !fact(&ctx, "app.django.CELERY_M"), "def and class bodies are not run");
	is_int(num(&ctx, "app.django.CELERY_N"), 7, "try body taken");
	st_ctx_free(&ctx);
}

static void test_no_django(void)
{
	struct st_ctx ctx;
	setup(&ctx);
	size_t before = ctx.facts.seq;
	load(&ctx, "app/app_settings.py", "from django.conf import settings\nFOO = getattr(settings, 'FOO', 1)\n");
	is_int(ctx.facts.seq, before, "an app-level *settings*.py without Django settings records nothing");
	st_ctx_free(&ctx);
}

/* Hostile inputs: must terminate, not crash, and stay bounded. */
static void test_garbage(void)
{
	struct st_ctx ctx;
	setup(&ctx);
	struct st_buf deep = {0};
	st_buf_puts(&deep, "DATABASES = ");
	for (int i = 0; i < 5000; i++)
		st_buf_puts(&deep, "([{");
	st_buf_puts(&deep, "\nCELERY_X = -");
	for (int i = 0; i < 5000; i++)
		st_buf_puts(&deep, "-not ");
	st_buf_puts(&deep, "1\n");
	load(&ctx, "settings.py", st_buf_cstr(&deep));
	deep.len = 0;
	st_buf_puts(&deep, "CELERY_W = 1\nA = 'x'\n");
	for (int i = 0; i < 40; i++)
		st_buf_puts(&deep, "A = A + A\n");
	st_buf_puts(&deep, "CELERY_Y = A\nCELERY_Z = f'{f\"{1}\"}' \"\"\"unterminated\n");
	load(&ctx, "settings.py", st_buf_cstr(&deep));
	const struct st_fact *f = fact(&ctx, "app.django.CELERY_Y");
	ok(f && f->value.kind == ST_VAL_NONE && strstr(f->value.text, "too long"), "exponential string growth stops");
	ok(1, "deep nesting and unterminated strings survive");
	st_buf_free(&deep);
	const char *bad[] = {"", "=", "DATABASES = {", "DATABASES = {'a': }", ")))]]]}}}", "x = = = 1",
	                     "DATABASES = {1: 2, [1]: 3}", "if:\n  else:\nDATABASES=1", "\\", "'\\", "f'{'",
	                     "DATABASES = {'default': {'PORT': 1/0, 'NAME': 10**10**10}}", "from . import *",
	                     "from ....... import *\nDATABASES={}", "lambda: (", "DATABASES['a']['b'] = 1"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		load(&ctx, "settings.py", bad[i]);
	ok(1, "malformed statements survive");
	st_ctx_free(&ctx);
}

/* pyscan directly: the module's bindings. */
static void test_scan(void)
{
	struct st_ctx ctx;
	setup(&ctx);
	const char *data = "A = {'x': [1, 2.5, None, True]}\nB = A['x'][-1]\nC = (1,)\nD = (1)\nE = 7 // -2\nF = -7 % 3\n"
	                   "G = '%s:%d' % ('h', 80)\nH = 'a,b'.split(',')\n";
	struct st_file f = {.path = "x.py", .name = "x.py", .data = data, .size = strlen(data)};
	struct st_py_module m;
	is_int(st_py_scan(&ctx, &f, NULL, &m), 0, "scan succeeds");
	struct st_py_val *a = st_py_get(&m, "A");
	ok(a && a->kind == ST_PY_DICT && st_py_dict_get(a, "x") && st_py_dict_get(a, "x")->n == 4, "dict of list");
	ok(st_py_get(&m, "B") && st_py_get(&m, "B")->kind == ST_PY_BOOL, "negative index");
	ok(st_py_get(&m, "C") && st_py_get(&m, "C")->kind == ST_PY_TUPLE, "(1,) is a tuple");
	ok(st_py_get(&m, "D") && st_py_get(&m, "D")->kind == ST_PY_INT, "(1) is an int");
	is_int(st_py_get(&m, "E") ? st_py_get(&m, "E")->i : 0, -4, "floor division rounds down");
	is_int(st_py_get(&m, "F") ? st_py_get(&m, "F")->i : 0, 2, "modulo takes the divisor's sign");
	is_str(st_py_get(&m, "G") ? st_py_get(&m, "G")->s : NULL, "h:80", "%%-formatting");
	ok(st_py_get(&m, "H") && st_py_get(&m, "H")->n == 2, "split");
	st_ctx_free(&ctx);
}

int main(void)
{
	test_match();
	test_databases();
	test_libraries();
	test_expressions();
	test_no_django();
	test_garbage();
	test_scan();
	return done_testing();
}
