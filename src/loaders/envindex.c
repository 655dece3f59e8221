/* The environment-variable index: who reads and who defines each variable, recorded during the same walk as the
 * other loaders (the walk reads a file once and hands it to every loader that claims it).
 *
 * Facts (layer FILE, component NULL; the model turns them into envvar.<VAR>.* facts):
 *   envidx.read.<VAR>      one per reading file (its first read there): value = the form ("process.env.X"),
 *                          origin = where; reads in test files go to envidx.testread.<VAR> instead;
 *   envidx.prefix.<P>      every variable starting with P may be read (viper SetEnvPrefix + AutomaticEnv, a Celery
 *                          namespace); value = the form;
 *   envidx.computed.<path> the file reads the environment through a computed name (process.env[name],
 *                          os.environ[key], os.Environ()) or hands all of it on: it may read any variable;
 *   envidx.def.<VAR>       a definition this loader owns (Dockerfile ENV, `export X=` in shell scripts); .env files and
 *                          compose environment: are defined by their own loaders' facts.
 * Each scanner first looks for a cheap marker ("env", "$", ...) so files without one cost a memmem. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "clex.h"
#include "stacktune/loaders.h"

enum lang { L_NONE = 0, L_JS, L_GO, L_PY, L_PRISMA, L_SHELL, L_DOCKER, L_YAML, L_DOTENV };

struct idx {
	struct st_ctx *ctx;
	const struct st_file *f;
	int test; /* a test file: its reads are not production reads */
	int computed_done;
	const char **seen; /* variables already recorded for this file (read or testread) */
	size_t n_seen, cap_seen;
};

static int has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);
	return n >= m && strcmp(s + n - m, suf) == 0;
}

static enum lang lang_of(const char *path, const char *name)
{
	static const struct {
		const char *suffix;
		enum lang lang;
	} exts[] = {{".js", L_JS},   {".mjs", L_JS},   {".cjs", L_JS},       {".ts", L_JS},     {".mts", L_JS},
	            {".cts", L_JS},  {".jsx", L_JS},   {".tsx", L_JS},       {".go", L_GO},     {".py", L_PY},
	            {".prisma", L_PRISMA}, {".sh", L_SHELL}, {".bash", L_SHELL}, {".yml", L_YAML}, {".yaml", L_YAML}};
	if (!name)
		return L_NONE;
	if (strcmp(name, "Procfile") == 0 || strncmp(name, "Procfile.", 9) == 0)
		return L_SHELL;
	if (strcmp(name, "Dockerfile") == 0 || strncmp(name, "Dockerfile.", 11) == 0 || has_suffix(name, ".Dockerfile") ||
	    has_suffix(name, ".dockerfile"))
		return L_DOCKER;
	if (st_dotenv_match(path, name, NULL, 0) == ST_MATCH_YES)
		return L_DOTENV;
	if (has_suffix(name, ".d.ts") || strstr(name, ".min.js"))
		return L_NONE;
	for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++)
		if (has_suffix(name, exts[i].suffix) && strlen(name) > strlen(exts[i].suffix))
			return exts[i].lang;
	return L_NONE;
}

/* The walker's head is at most this long; a shorter head is the whole file. */
#define WALK_HEAD_LEN 512

enum st_match st_envindex_match(const char *path, const char *name, const char *head, size_t head_len)
{
	enum lang lang = lang_of(path, name);
	if (lang == L_NONE)
		return ST_MATCH_NO;
	/* Python and YAML files are claimed by no other loader in general: decide a small one from its head (the
	 * whole file) so one without any marker is not read a second time; a large one is always read */
	if (lang != L_PY && lang != L_YAML)
		return ST_MATCH_YES;
	if (!head)
		return ST_MATCH_NEED_HEAD;
	if (head_len >= WALK_HEAD_LEN)
		return ST_MATCH_YES;
	if (lang == L_YAML)
		return memchr(head, '$', head_len) ? ST_MATCH_YES : ST_MATCH_NO;
	return memmem(head, head_len, "env", 3) || memmem(head, head_len, "config", 6) ||
	               memmem(head, head_len, "dj_database_url", 15)
	           ? ST_MATCH_YES
	           : ST_MATCH_NO;
}

/* Test files: the shared rule (tests/, __tests__/, *.test.js, *_test.go ...) plus Python's test_*.py, *_test.py,
 * conftest.py. */
static int is_test_path(const char *path, const char *name)
{
	if (st_app_is_test(path))
		return 1;
	return name && (strcmp(name, "conftest.py") == 0 || (strncmp(name, "test_", 5) == 0 && has_suffix(name, ".py")) ||
	                has_suffix(name, "_test.py"));
}

static int var_start(int c)
{
	return isalpha(c) || c == '_';
}

static int var_char(int c)
{
	return isalnum(c) || c == '_';
}

/* A plausible environment variable name: [A-Za-z_][A-Za-z0-9_]*, at most 128 bytes. */
static int valid_var(const char *s, size_t n)
{
	if (!n || n > 128 || !var_start((unsigned char)s[0]))
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!var_char((unsigned char)s[i]))
			return 0;
	return 1;
}

/* The form with its one "%s" replaced by var (forms are ours, not printf formats). */
static const char *fill(struct st_ctx *ctx, const char *form, const char *var, size_t n)
{
	const char *p = strstr(form, "%s");
	if (!p)
		return st_arena_strdup(&ctx->arena, form);
	return st_arena_printf(&ctx->arena, "%.*s%.*s%s", (int)(p - form), form, (int)n, var, p + 2);
}

static struct st_origin origin_at(const struct idx *x, unsigned line, unsigned col)
{
	return st_origin_file(x->f->path, line, col);
}

static void record_read(struct idx *x, const char *var, size_t n, const char *form, unsigned line, unsigned col)
{
	struct st_ctx *ctx = x->ctx;
	if (!valid_var(var, n))
		return;
	for (size_t i = 0; i < x->n_seen; i++)
		if (strlen(x->seen[i]) == n && memcmp(x->seen[i], var, n) == 0)
			return;
	const char *v = st_arena_strndup(&ctx->arena, var, n);
	if (x->n_seen == x->cap_seen) {
		size_t cap = x->cap_seen ? x->cap_seen * 2 : 16;
		const char **ns = st_arena_alloc(&ctx->arena, cap * sizeof(*ns));
		if (!ns || !v) {
			ctx->oom = 1;
			return;
		}
		if (x->n_seen)
			memcpy(ns, x->seen, x->n_seen * sizeof(*ns));
		x->seen = ns;
		x->cap_seen = cap;
	}
	x->seen[x->n_seen++] = v;
	const char *name = st_arena_printf(&ctx->arena, "envidx.%s.%s", x->test ? "testread" : "read", v);
	const char *text = fill(ctx, form, v, n);
	struct st_origin o = origin_at(x, line, col);
	if (!name || !text || !st_fact_set(ctx, name, NULL, st_value_string(text), &o, ST_LAYER_FILE))
		ctx->oom = 1;
}

static void record_computed(struct idx *x, const char *form, unsigned line, unsigned col)
{
	if (x->computed_done || x->test)
		return;
	x->computed_done = 1;
	const char *name = st_arena_printf(&x->ctx->arena, "envidx.computed.%s", x->f->path);
	struct st_origin o = origin_at(x, line, col);
	if (!name || !st_fact_set(x->ctx, name, NULL, st_value_string(form), &o, ST_LAYER_FILE))
		x->ctx->oom = 1;
}

static void record_prefix(struct idx *x, const char *prefix, size_t n, const char *form, unsigned line, unsigned col)
{
	if (x->test)
		return;
	const char *name = st_arena_printf(&x->ctx->arena, "envidx.prefix.%.*s", (int)n, prefix);
	const char *text = fill(x->ctx, form, prefix, n);
	struct st_origin o = origin_at(x, line, col);
	if (!name || !text || !st_fact_set(x->ctx, name, NULL, st_value_string(text), &o, ST_LAYER_FILE))
		x->ctx->oom = 1;
}

static void record_def(struct idx *x, const char *var, size_t n, const char *val, size_t vn, size_t value_off,
                       unsigned line, unsigned col)
{
	struct st_ctx *ctx = x->ctx;
	if (!valid_var(var, n))
		return;
	const char *name = st_arena_printf(&ctx->arena, "envidx.def.%.*s", (int)n, var);
	const char *text = st_arena_strndup(&ctx->arena, val, vn);
	if (!name || !text) {
		ctx->oom = 1;
		return;
	}
	struct st_value v = st_value_string(text);
	v.secret = st_secret_name(var, n);
	v.redacted = v.secret ? NULL : st_url_redact(ctx, text);
	struct st_origin o = origin_at(x, line, col);
	o.value_off = value_off;
	o.value_len = vn;
	st_fact_set(ctx, name, NULL, v, &o, ST_LAYER_FILE);
}

/* ---- JavaScript / TypeScript, Go, Prisma (clex tokens) ------------------------------------------------ */

static int tok_is(const struct st_ctoks *t, size_t i, enum st_ctok_kind k)
{
	return i < t->n && t->v[i].kind == k;
}

/* `{ A, B: b, C = 1, ...rest } = <here>`: the names of a destructuring pattern whose `}` is at close. */
static void js_destructure(struct idx *x, const struct st_ctoks *t, size_t close, const char *form)
{
	size_t open = close;
	for (size_t k = close; k-- > 0;) {
		if (st_ct_p(t, k, '{') && t->v[k].match == close) {
			open = k;
			break;
		}
		if (close - k > 4096)
			return;
	}
	if (open == close)
		return;
	size_t k = open + 1;
	while (k < close) {
		if (st_ct_p(t, k, '.') && st_ct_p(t, k + 1, '.') && st_ct_p(t, k + 2, '.')) {
			record_computed(x, "the rest of process.env in a destructuring (...rest)", t->v[k].line, t->v[k].col);
			return;
		}
		size_t key = k;
		if (tok_is(t, k, CT_IDENT) || tok_is(t, k, CT_STR)) {
			const char *s = t->v[k].kind == CT_STR ? t->v[k].s : t->src + t->v[k].off;
			size_t n = t->v[k].kind == CT_STR ? t->v[k].slen : t->v[k].len;
			record_read(x, s, n, form, t->v[key].line, t->v[key].col);
		} else if (st_ct_p(t, k, '[')) {
			record_computed(x, "a computed key in a destructuring of process.env", t->v[k].line, t->v[k].col);
		}
		/* skip to the next top-level comma */
		while (k < close && !st_ct_p(t, k, ',')) {
			if ((st_ct_p(t, k, '{') || st_ct_p(t, k, '[') || st_ct_p(t, k, '(')) && t->v[k].match < close)
				k = t->v[k].match;
			k++;
		}
		k++;
	}
}

/* After `<obj>.env` at i (the `env` token): .X, ?.X, ['X'], [expr], destructuring, or the whole object. */
static void js_env_use(struct idx *x, const struct st_ctoks *t, size_t first, size_t i, const char *dot_form,
                       const char *whole_form)
{
	size_t k = i + 1;
	if (st_ct_p(t, k, '?') && st_ct_p(t, k + 1, '.'))
		k++;
	if (st_ct_p(t, k, '.') && tok_is(t, k + 1, CT_IDENT)) {
		record_read(x, t->src + t->v[k + 1].off, t->v[k + 1].len, dot_form, t->v[k + 1].line, t->v[k + 1].col);
		return;
	}
	if (st_ct_p(t, k, '[')) {
		if (tok_is(t, k + 1, CT_STR) && !t->v[k + 1].tmpl && st_ct_p(t, k + 2, ']'))
			record_read(x, t->v[k + 1].s, t->v[k + 1].slen, dot_form, t->v[k + 1].line, t->v[k + 1].col);
		else
			record_computed(x, whole_form, t->v[k].line, t->v[k].col);
		return;
	}
	/* `const { A, B } = process.env` */
	if (first >= 2 && st_ct_p(t, first - 1, '=') && st_ct_p(t, first - 2, '}')) {
		js_destructure(x, t, first - 2, dot_form);
		return;
	}
	if (st_ct_p(t, k, '=') && !st_ct_p(t, k + 1, '='))
		return; /* process.env = {...}: an assignment, not a read */
	record_computed(x, "the whole process.env handed on (spread, passed to a function or a child process)",
	                t->v[i].line, t->v[i].col);
}

static void scan_js(struct idx *x, const struct st_ctoks *t)
{
	for (size_t i = 0; i < t->n; i++) {
		if (t->v[i].kind != CT_IDENT)
			continue;
		const struct st_ctok *tk = &t->v[i];
		const char *s = t->src + tk->off;
		if (tk->len == 7 && memcmp(s, "process", 7) == 0 && st_ct_p(t, i + 1, '.') && st_ct_id(t, i + 2, "env") &&
		    !(i > 0 && st_ct_p(t, i - 1, '.'))) {
			js_env_use(x, t, i, i + 2, "process.env.%s", "process.env[<computed name>]");
			i += 2;
		} else if (tk->len == 6 && memcmp(s, "import", 6) == 0 && st_ct_p(t, i + 1, '.') &&
		           st_ct_id(t, i + 2, "meta") && st_ct_p(t, i + 3, '.') && st_ct_id(t, i + 4, "env")) {
			js_env_use(x, t, i, i + 4, "import.meta.env.%s", "import.meta.env[<computed name>]");
			i += 4;
		}
	}
}

/* Go: os.Getenv / os.LookupEnv / os.Environ, syscall.Getenv, struct tags env:"X" / envconfig:"X", viper. */
static void scan_go(struct idx *x, const struct st_ctoks *t)
{
	const char *viper_prefix = NULL;
	size_t viper_prefix_len = 0;
	unsigned auto_line = 0, auto_col = 0;
	for (size_t i = 0; i < t->n; i++) {
		const struct st_ctok *tk = &t->v[i];
		if (tk->kind == CT_STR && tk->s && tk->off < t->size && t->src[tk->off] == '`') {
			/* struct tags: `env:"DB_HOST" envDefault:"x"`, `envconfig:"DB_HOST"` */
			static const char *const keys[] = {"env:\"", "envconfig:\"", NULL};
			for (const char *const *kk = keys; *kk; kk++) {
				size_t kl = strlen(*kk);
				for (const char *p = strstr(tk->s, *kk); p; p = strstr(p + 1, *kk)) {
					if (p != tk->s && p[-1] != ' ')
						continue;
					const char *v = p + kl;
					size_t n = strcspn(v, "\",");
					record_read(x, v, n, "struct tag env:\"%s\"", tk->line, tk->col);
				}
			}
			continue;
		}
		if (tk->kind != CT_IDENT || !st_ct_p(t, i + 1, '.') || !tok_is(t, i + 2, CT_IDENT))
			continue;
		const struct st_ctok *fn = &t->v[i + 2];
		const char *fs = t->src + fn->off;
		int is_os = st_ct_id(t, i, "os") || st_ct_id(t, i, "syscall");
		if (is_os && ((fn->len == 6 && memcmp(fs, "Getenv", 6) == 0) || (fn->len == 9 && memcmp(fs, "LookupEnv", 9) == 0)) &&
		    st_ct_p(t, i + 3, '(')) {
			if (tok_is(t, i + 4, CT_STR) && (st_ct_p(t, i + 5, ')') || st_ct_p(t, i + 5, ',')))
				record_read(x, t->v[i + 4].s, t->v[i + 4].slen,
				            fn->len == 6 ? "os.Getenv(\"%s\")" : "os.LookupEnv(\"%s\")", t->v[i + 4].line,
				            t->v[i + 4].col);
			else
				record_computed(x, "os.Getenv(<computed name>)", fn->line, fn->col);
		} else if (is_os && fn->len == 7 && memcmp(fs, "Environ", 7) == 0) {
			record_computed(x, "os.Environ()", fn->line, fn->col);
		} else if (fn->len == 12 && memcmp(fs, "SetEnvPrefix", 12) == 0 && tok_is(t, i + 4, CT_STR)) {
			viper_prefix = t->v[i + 4].s;
			viper_prefix_len = t->v[i + 4].slen;
		} else if (fn->len == 12 && memcmp(fs, "AutomaticEnv", 12) == 0) {
			auto_line = fn->line;
			auto_col = fn->col;
		} else if (fn->len == 7 && memcmp(fs, "BindEnv", 7) == 0 && st_ct_p(t, i + 3, '(') &&
		           tok_is(t, i + 4, CT_STR)) {
			/* BindEnv("key") reads PREFIX_KEY; BindEnv("key", "ENV1", "ENV2") reads the names given */
			size_t k = i + 5;
			int named = 0;
			while (st_ct_p(t, k, ',') && tok_is(t, k + 1, CT_STR)) {
				record_read(x, t->v[k + 1].s, t->v[k + 1].slen, "viper.BindEnv(..., \"%s\")", t->v[k + 1].line,
				            t->v[k + 1].col);
				named = 1;
				k += 2;
			}
			if (!named) {
				struct st_buf b = {0};
				if (viper_prefix && viper_prefix_len) {
					for (size_t c = 0; c < viper_prefix_len; c++)
						st_buf_putc(&b, (char)toupper((unsigned char)viper_prefix[c]));
					st_buf_putc(&b, '_');
				}
				for (size_t c = 0; c < t->v[i + 4].slen; c++) {
					char ch = t->v[i + 4].s[c];
					st_buf_putc(&b, ch == '.' || ch == '-' ? '_' : (char)toupper((unsigned char)ch));
				}
				record_read(x, st_buf_cstr(&b), b.len, "viper.BindEnv -> %s", t->v[i + 4].line, t->v[i + 4].col);
				st_buf_free(&b);
			}
		}
	}
	if (auto_line) {
		if (viper_prefix && viper_prefix_len) {
			struct st_buf b = {0};
			for (size_t c = 0; c < viper_prefix_len; c++)
				st_buf_putc(&b, (char)toupper((unsigned char)viper_prefix[c]));
			st_buf_putc(&b, '_');
			record_prefix(x, st_buf_cstr(&b), b.len, "viper.AutomaticEnv with prefix %s", auto_line, auto_col);
			st_buf_free(&b);
		} else {
			record_computed(x, "viper.AutomaticEnv() without an env prefix (any key may map to a variable)",
			                auto_line, auto_col);
		}
	}
}

/* Prisma: env("X") anywhere (datasource url, directUrl, shadowDatabaseUrl). */
static void scan_prisma(struct idx *x, const struct st_ctoks *t)
{
	for (size_t i = 0; i + 3 < t->n; i++)
		if (st_ct_id(t, i, "env") && st_ct_p(t, i + 1, '(') && tok_is(t, i + 2, CT_STR))
			record_read(x, t->v[i + 2].s, t->v[i + 2].slen, "env(\"%s\") in the Prisma schema", t->v[i + 2].line,
			            t->v[i + 2].col);
}

/* ---- Python (a small tokenizer: names, strings, punctuation; comments skipped) -------------------------- */

enum { P_NAME = 1, P_STR, P_PUNCT, P_OTHER };
struct ptok {
	int kind;
	const char *s; /* P_NAME, P_PUNCT: source; P_STR: the body between quotes (escapes kept) */
	size_t n;
	unsigned line, col;
	int fstring;
};

static size_t py_lex(struct st_ctx *ctx, const char *src, size_t size, struct ptok **out)
{
	size_t n = 0, cap = 0;
	struct ptok *v = NULL;
	unsigned line = 1;
	size_t line_off = 0;
	size_t i = 0;
	while (i < size) {
		unsigned char c = (unsigned char)src[i];
		if (c == '\n') {
			line++;
			line_off = ++i;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\r' || c == '\\' || c == '\f') {
			i++;
			continue;
		}
		if (c == '#') {
			while (i < size && src[i] != '\n')
				i++;
			continue;
		}
		struct ptok tk = {.line = line, .col = (unsigned)(i - line_off + 1)};
		size_t start = i;
		/* string prefixes: r b u f and pairs */
		size_t p = i;
		int fstr = 0;
		while (p < size && p - i < 2 && strchr("rRbBuUfF", src[p])) {
			fstr |= src[p] == 'f' || src[p] == 'F';
			p++;
		}
		if (p < size && (src[p] == '\'' || src[p] == '"')) {
			char q = src[p];
			int triple = p + 2 < size && src[p + 1] == q && src[p + 2] == q;
			size_t body = p + (triple ? 3 : 1), k = body;
			while (k < size) {
				if (src[k] == '\\' && k + 1 < size) {
					if (src[k + 1] == '\n') {
						line++;
						line_off = k + 2;
					}
					k += 2;
					continue;
				}
				if (src[k] == '\n') {
					if (!triple)
						break;
					line++;
					line_off = k + 1;
				}
				if (src[k] == q && (!triple || (k + 2 < size && src[k + 1] == q && src[k + 2] == q)))
					break;
				k++;
			}
			tk.kind = P_STR;
			tk.s = src + body;
			tk.n = k - body;
			tk.fstring = fstr;
			i = k < size && src[k] == q ? k + (triple ? 3 : 1) : k;
		} else if (var_start(c)) {
			while (i < size && var_char((unsigned char)src[i]))
				i++;
			tk.kind = P_NAME;
			tk.s = src + start;
			tk.n = i - start;
		} else if (isdigit(c)) {
			while (i < size && (isalnum((unsigned char)src[i]) || src[i] == '.'))
				i++;
			tk.kind = P_OTHER;
		} else {
			tk.kind = P_PUNCT;
			tk.s = src + i;
			tk.n = 1;
			i++;
		}
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 256;
			struct ptok *nv = realloc(v, ncap * sizeof(*nv));
			if (!nv) {
				ctx->oom = 1;
				free(v);
				*out = NULL;
				return 0;
			}
			v = nv;
			cap = ncap;
		}
		v[n++] = tk;
	}
	*out = v;
	return n;
}

static int pn(const struct ptok *t, size_t n, size_t i, const char *name)
{
	size_t l = strlen(name);
	return i < n && t[i].kind == P_NAME && t[i].n == l && memcmp(t[i].s, name, l) == 0;
}

static int pp(const struct ptok *t, size_t n, size_t i, char c)
{
	return i < n && t[i].kind == P_PUNCT && t[i].s[0] == c;
}

static int pstr(const struct ptok *t, size_t n, size_t i)
{
	return i < n && t[i].kind == P_STR && !t[i].fstring;
}

/* Index of the ')' matching the '(' at i (bounded), or n. */
static size_t py_close(const struct ptok *t, size_t n, size_t i)
{
	int depth = 0;
	for (size_t k = i; k < n && k < i + 4096; k++) {
		if (pp(t, n, k, '(') || pp(t, n, k, '[') || pp(t, n, k, '{'))
			depth++;
		else if (pp(t, n, k, ')') || pp(t, n, k, ']') || pp(t, n, k, '}'))
			if (--depth == 0)
				return k;
	}
	return n;
}

/* Names bound to a django-environ Env: `env = environ.Env(...)` / `env = Env(...)`; `env` itself by default. */
#define MAX_ENV_NAMES 8

static void scan_py(struct idx *x, const char *src, size_t size)
{
	struct ptok *t;
	size_t n = py_lex(x->ctx, src, size, &t);
	if (!t)
		return;
	const char *envs[MAX_ENV_NAMES] = {"env"};
	size_t envl[MAX_ENV_NAMES] = {3};
	size_t n_envs = 1;
	int decouple = memmem(src, size, "decouple", 8) != NULL;
	for (size_t i = 0; i + 2 < n; i++) {
		if (t[i].kind != P_NAME)
			continue;
		/* X = environ.Env(...) / X = Env(...) */
		if (pp(t, n, i + 1, '=') && !pp(t, n, i + 2, '=') && n_envs < MAX_ENV_NAMES &&
		    ((pn(t, n, i + 2, "environ") && pp(t, n, i + 3, '.') && pn(t, n, i + 4, "Env")) || pn(t, n, i + 2, "Env"))) {
			envs[n_envs] = t[i].s;
			envl[n_envs++] = t[i].n;
			continue;
		}
		/* Celery: config_from_object(..., namespace='CELERY') reads every CELERY_* setting */
		if (pn(t, n, i, "config_from_object") && pp(t, n, i + 1, '(')) {
			size_t close = py_close(t, n, i + 1);
			for (size_t a = i + 2; a + 2 < close && a + 2 < n; a++)
				if (pn(t, n, a, "namespace") && pp(t, n, a + 1, '=') && pstr(t, n, a + 2) && t[a + 2].n) {
					struct st_buf b = {0};
					st_buf_put(&b, t[a + 2].s, t[a + 2].n);
					st_buf_putc(&b, '_');
					record_prefix(x, st_buf_cstr(&b), b.len, "Celery config_from_object(namespace) reads %s*",
					              t[a + 2].line, t[a + 2].col);
					st_buf_free(&b);
				}
		}
		if (i > 0 && pp(t, n, i - 1, '.'))
			continue; /* an attribute of something else */
		/* os.environ / environ (from os import environ) */
		size_t k = i;
		int is_environ = 0, is_getenv = 0;
		if (pn(t, n, k, "os") && pp(t, n, k + 1, '.')) {
			if (pn(t, n, k + 2, "environ"))
				is_environ = 1, k += 2;
			else if (pn(t, n, k + 2, "getenv"))
				is_getenv = 1, k += 2;
		} else if (pn(t, n, k, "environ") &&
		           !(pp(t, n, k + 1, '.') && (pn(t, n, k + 2, "Env") || pn(t, n, k + 2, "Path")))) {
			is_environ = 1; /* from os import environ; django-environ's module is `environ.Env` */
		} else if (pn(t, n, k, "getenv") && pp(t, n, k + 1, '(')) {
			is_getenv = 1;
		}
		if (is_environ && pp(t, n, k + 1, '[')) {
			if (pstr(t, n, k + 2) && pp(t, n, k + 3, ']'))
				record_read(x, t[k + 2].s, t[k + 2].n, "os.environ['%s']", t[k + 2].line, t[k + 2].col);
			else
				record_computed(x, "os.environ[<computed name>]", t[k].line, t[k].col);
			i = k + 1;
			continue;
		}
		if (is_environ && pp(t, n, k + 1, '.') && k + 2 < n && t[k + 2].kind == P_NAME && pp(t, n, k + 3, '(')) {
			const struct ptok *m = &t[k + 2];
			int get = (m->n == 3 && memcmp(m->s, "get", 3) == 0) ||
			          (m->n == 10 && memcmp(m->s, "setdefault", 10) == 0) || (m->n == 3 && memcmp(m->s, "pop", 3) == 0);
			if (get && pstr(t, n, k + 4))
				record_read(x, t[k + 4].s, t[k + 4].n, "os.environ.get('%s')", t[k + 4].line, t[k + 4].col);
			else if (get || (m->n == 4 && memcmp(m->s, "copy", 4) == 0) || (m->n == 5 && memcmp(m->s, "items", 5) == 0) ||
			         (m->n == 4 && memcmp(m->s, "keys", 4) == 0))
				record_computed(x, "os.environ read through a computed name or as a whole", m->line, m->col);
			i = k + 3;
			continue;
		}
		if (is_environ && (pp(t, n, k + 1, ')') || pp(t, n, k + 1, ',')) && k > 0 &&
		    (pp(t, n, i - 1, '(') || pp(t, n, i - 1, '*') || pp(t, n, i - 1, '=') || pp(t, n, i - 1, ','))) {
			record_computed(x, "the whole os.environ handed on (dict(os.environ), env=os.environ, **os.environ)",
			                t[k].line, t[k].col);
			continue;
		}
		if (is_getenv && pp(t, n, k + 1, '(')) {
			if (pstr(t, n, k + 2))
				record_read(x, t[k + 2].s, t[k + 2].n, "os.getenv('%s')", t[k + 2].line, t[k + 2].col);
			else
				record_computed(x, "os.getenv(<computed name>)", t[k].line, t[k].col);
			continue;
		}
		/* django-environ: env('X'), env.int('X'), env.db() (DATABASE_URL), env.cache() (CACHE_URL) */
		for (size_t e = 0; e < n_envs; e++) {
			if (t[i].n != envl[e] || memcmp(t[i].s, envs[e], envl[e]) != 0)
				continue;
			size_t a = i + 1;
			const struct ptok *meth = NULL;
			if (pp(t, n, a, '.') && a + 1 < n && t[a + 1].kind == P_NAME) {
				meth = &t[a + 1];
				a += 2;
			}
			if (!pp(t, n, a, '('))
				break;
			if (pstr(t, n, a + 1)) {
				record_read(x, t[a + 1].s, t[a + 1].n, "django-environ env('%s')", t[a + 1].line, t[a + 1].col);
			} else if (meth && pp(t, n, a + 1, ')')) {
				static const struct {
					const char *m, *var;
				} dflt[] = {{"db", "DATABASE_URL"},     {"db_url", "DATABASE_URL"}, {"cache", "CACHE_URL"},
				            {"cache_url", "CACHE_URL"}, {"email", "EMAIL_URL"},     {"email_url", "EMAIL_URL"},
				            {"search_url", "SEARCH_URL"}};
				for (size_t d = 0; d < sizeof dflt / sizeof dflt[0]; d++)
					if (meth->n == strlen(dflt[d].m) && memcmp(meth->s, dflt[d].m, meth->n) == 0)
						record_read(x, dflt[d].var, strlen(dflt[d].var), "django-environ env.db() etc. (%s)",
						            meth->line, meth->col);
			}
			break;
		}
		/* python-decouple: config('X') */
		if (decouple && pn(t, n, i, "config") && pp(t, n, i + 1, '(') && pstr(t, n, i + 2))
			record_read(x, t[i + 2].s, t[i + 2].n, "decouple config('%s')", t[i + 2].line, t[i + 2].col);
		/* dj-database-url: dj_database_url.config(env='X') reads X, else DATABASE_URL */
		if (pn(t, n, i, "dj_database_url") && pp(t, n, i + 1, '.') && pn(t, n, i + 2, "config") &&
		    pp(t, n, i + 3, '(')) {
			size_t close = py_close(t, n, i + 3);
			int named = 0;
			for (size_t a = i + 4; a + 2 < close && a + 2 < n; a++)
				if (pn(t, n, a, "env") && pp(t, n, a + 1, '=') && pstr(t, n, a + 2)) {
					record_read(x, t[a + 2].s, t[a + 2].n, "dj_database_url.config(env='%s')", t[a + 2].line,
					            t[a + 2].col);
					named = 1;
				}
			if (!named)
				record_read(x, "DATABASE_URL", 12, "dj_database_url.config() (%s)", t[i].line, t[i].col);
		}
	}
	free(t);
}

/* ---- shell-like text: $X and ${X...} reads; `export X=v` (shell) and `ENV X=v` (Dockerfile) definitions ---- */

static void scan_dollars(struct idx *x, const char *src, size_t size, int braces_only, const char *form)
{
	unsigned line = 1;
	size_t line_off = 0;
	int in_comment = 0, in_single = 0;
	for (size_t i = 0; i < size; i++) {
		char c = src[i];
		if (c == '\n') {
			line++;
			line_off = i + 1;
			in_comment = in_single = 0;
			continue;
		}
		if (in_comment)
			continue;
		if (c == '#' && !braces_only && (i == line_off || src[i - 1] == ' ' || src[i - 1] == '\t')) {
			in_comment = 1;
			continue;
		}
		if (c == '\'' && !braces_only && x->f->name && lang_of(x->f->path, x->f->name) == L_SHELL) {
			in_single = !in_single;
			continue;
		}
		if (c != '$' || in_single || i + 1 >= size)
			continue;
		if (i > 0 && src[i - 1] == '$')
			continue; /* $$ escapes a dollar in compose */
		size_t s = i + 1, e;
		if (src[s] == '{') {
			s++;
			e = s;
			while (e < size && var_char((unsigned char)src[e]))
				e++;
			if (e == s || e >= size || !strchr("}:-?+=", src[e]))
				continue;
		} else {
			if (braces_only)
				continue;
			e = s;
			while (e < size && var_char((unsigned char)src[e]))
				e++;
		}
		if (e > s && var_start((unsigned char)src[s]))
			record_read(x, src + s, e - s, form, line, (unsigned)(i - line_off + 1));
	}
}

/* `export X=v`, `export X` (shell) and `ENV X=v Y=w` / `ENV X v` (Dockerfile) definitions, one per line. */
static void scan_defs(struct idx *x, const char *src, size_t size, int docker)
{
	unsigned line = 1;
	for (size_t ls = 0; ls < size; line++) {
		const char *nl = memchr(src + ls, '\n', size - ls);
		size_t le = nl ? (size_t)(nl - src) : size;
		size_t i = ls;
		while (i < le && (src[i] == ' ' || src[i] == '\t'))
			i++;
		const char *kw = docker ? "ENV" : "export";
		size_t kl = strlen(kw);
		int match = le - i > kl && (docker ? strncasecmp(src + i, kw, kl) == 0 : strncmp(src + i, kw, kl) == 0) &&
		            (src[i + kl] == ' ' || src[i + kl] == '\t');
		for (int first = 1; match && i < le; first = 0) {
			if (first)
				i += kl;
			while (i < le && (src[i] == ' ' || src[i] == '\t'))
				i++;
			size_t ns = i;
			while (i < le && var_char((unsigned char)src[i]))
				i++;
			size_t nlen = i - ns;
			if (!nlen)
				break;
			unsigned col = (unsigned)(ns - ls + 1);
			if (i < le && src[i] == '=') {
				size_t vs = ++i;
				char q = vs < le && (src[vs] == '"' || src[vs] == '\'') ? src[vs] : 0;
				if (q) {
					const char *qe = memchr(src + vs + 1, q, le - vs - 1);
					size_t ve = qe ? (size_t)(qe - src) : le;
					record_def(x, src + ns, nlen, src + vs + 1, ve - vs - 1, vs + 1, line, col);
					i = qe ? ve + 1 : le;
				} else {
					while (i < le && src[i] != ' ' && src[i] != '\t' && src[i] != '\r')
						i++;
					record_def(x, src + ns, nlen, src + vs, i - vs, vs, line, col);
				}
				continue;
			}
			if (docker && i < le && (src[i] == ' ' || src[i] == '\t')) { /* ENV X value (legacy form) */
				size_t vs = i;
				while (vs < le && (src[vs] == ' ' || src[vs] == '\t'))
					vs++;
				size_t ve = le;
				while (ve > vs && (src[ve - 1] == '\r' || src[ve - 1] == ' '))
					ve--;
				record_def(x, src + ns, nlen, src + vs, ve - vs, vs, line, col);
				break;
			}
			if (!docker) /* `export X` exports a variable set earlier in the script: its definition line counts */
				break;
		}
		ls = nl ? le + 1 : size;
	}
}

int st_envindex_load(struct st_ctx *ctx, const struct st_file *f)
{
	enum lang lang = lang_of(f->path, f->name);
	struct idx x = {.ctx = ctx, .f = f, .test = is_test_path(f->path, f->name)};
	const char *d = f->data;
	size_t n = f->size;
	switch (lang) {
	case L_JS:
	case L_GO:
	case L_PRISMA:
		if (!memmem(d, n, "env", 3) && !memmem(d, n, "Env", 3))
			break;
		{
			struct st_ctoks t = {0};
			if (st_clex(ctx, d, n, lang == L_GO ? ST_CLANG_GO : ST_CLANG_JS, &t) == 0) {
				if (lang == L_JS)
					scan_js(&x, &t);
				else if (lang == L_GO)
					scan_go(&x, &t);
				else
					scan_prisma(&x, &t);
			}
			st_clex_free(&t);
		}
		break;
	case L_PY:
		if (memmem(d, n, "env", 3) || memmem(d, n, "config", 6) || memmem(d, n, "dj_database_url", 15))
			scan_py(&x, d, n);
		break;
	case L_SHELL:
		if (memchr(d, '$', n))
			scan_dollars(&x, d, n, 0, "$%s in a script");
		if (memmem(d, n, "export", 6))
			scan_defs(&x, d, n, 0);
		break;
	case L_DOCKER:
		if (memchr(d, '$', n))
			scan_dollars(&x, d, n, 0, "$%s in a Dockerfile");
		scan_defs(&x, d, n, 1);
		break;
	case L_YAML:
		if (memchr(d, '$', n))
			scan_dollars(&x, d, n, 1, "${%s} in YAML (compose interpolation)");
		break;
	case L_DOTENV:
		if (memchr(d, '$', n))
			scan_dollars(&x, d, n, 1, "${%s} expanded in a .env file");
		break;
	case L_NONE:
		break;
	}
	return ctx->oom ? -1 : 0;
}
