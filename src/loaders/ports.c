/* Ports bound and called, from files that are not code: package.json scripts (next dev -p 3001, vite --port,
 * PORT=3001 node server.js, cross-env, the frameworks' default ports when no port is given), client base URLs
 * in the .env files next to a package.json (NEXT_PUBLIC_API_URL, VITE_API_URL, API_URL, BACKEND_URL ... as read by the
 * dotenv loader), and artillery load-test targets (target: in a YAML file under a load-test directory).
 *
 * Application id: the file's first path segment. Facts "<app>.port" (int; defaults as assumed values),
 * "<app>.calls.<n>.url/.host/.port", "<app>.kind" = "node" for a package.json. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "clex.h"
#include "pyscan.h"

enum st_match st_ports_match(const char *path, const char *name, const char *head, size_t head_len)
{
	(void)head;
	(void)head_len;
	if (!name || !path)
		return ST_MATCH_NO;
	if (strcmp(name, "package.json") == 0)
		return ST_MATCH_YES;
	size_t n = strlen(name);
	if (((n > 4 && strcmp(name + n - 4, ".yml") == 0) || (n > 5 && strcmp(name + n - 5, ".yaml") == 0)) &&
	    st_app_is_loadtest(path))
		return ST_MATCH_YES;
	return ST_MATCH_NO;
}

struct word {
	size_t off, len; /* in the file */
};

struct pkg {
	struct st_ctx *ctx;
	const char *path, *app;
	const char *src;
	struct st_ctoks t;
};

static int word_is(const struct pkg *p, const struct word *w, const char *s)
{
	return w->len == strlen(s) && memcmp(p->src + w->off, s, w->len) == 0;
}

static int word_prefix(const struct pkg *p, const struct word *w, const char *s)
{
	size_t n = strlen(s);
	return w->len >= n && memcmp(p->src + w->off, s, n) == 0;
}

static void port_fact(struct pkg *p, size_t off, size_t len, size_t tok, const char *script, const char *what)
{
	const struct st_ctok *k = &p->t.v[tok];
	int64_t n;
	const char *err;
	if (len == 0 || st_int_parse(p->src + off, len, &n, &err) != 0 || n <= 0 || n > 65535)
		return;
	struct st_origin o = st_origin_file(p->path, k->line, (unsigned)(off - k->line_off + 1));
	o.value_off = off;
	o.value_len = len;
	o.line_off = k->line_off;
	o.line_len = st_ct_line_len(&p->t, k->line_off);
	o.detail = st_arena_printf(&p->ctx->arena, "%s in script \"%s\"", what, script);
	const char *nm = st_arena_printf(&p->ctx->arena, "%s.port", p->app);
	if (nm)
		st_app_fact_once(p->ctx, nm, p->app, st_value_int(n), &o, ST_LAYER_FILE);
}

static void port_default(struct pkg *p, int64_t port, size_t tok, const char *script, const char *who)
{
	const struct st_ctok *k = &p->t.v[tok];
	struct st_origin o = {.kind = ST_ORIGIN_DEFAULT, .file = p->path, .line = k->line, .col = k->col};
	o.detail = st_arena_printf(&p->ctx->arena, "%s default port %lld (script \"%s\" at %s:%u)", who,
	                           (long long)port, script, p->path, k->line);
	const char *nm = st_arena_printf(&p->ctx->arena, "%s.port", p->app);
	if (nm)
		st_app_fact_once(p->ctx, nm, p->app, st_value_int(port), &o, ST_LAYER_DEFAULT);
}

/* One command of a script (words w[0..n)). */
static void command(struct pkg *p, const struct word *w, size_t n, size_t tok, const char *script)
{
	size_t i = 0;
	const struct word *env_port = NULL;
	/* leading VAR=value assignments and wrappers (cross-env, env, npx, dotenv --) */
	for (; i < n; i++) {
		if (word_prefix(p, &w[i], "PORT="))
			env_port = &w[i];
		else if (!(memchr(p->src + w[i].off, '=', w[i].len) || word_is(p, &w[i], "cross-env") ||
		           word_is(p, &w[i], "env") || word_is(p, &w[i], "npx") || word_is(p, &w[i], "dotenv") ||
		           word_is(p, &w[i], "--") || word_is(p, &w[i], "exec")))
			break;
	}
	if (i >= n)
		return;
	const struct word *cmd = &w[i];
	const struct word *sub = i + 1 < n ? &w[i + 1] : NULL;
	/* --port N, --port=N, -p N, -p=N */
	const struct word *flag = NULL;
	size_t foff = 0, flen = 0;
	for (size_t k = i + 1; k < n; k++) {
		if ((word_is(p, &w[k], "--port") || word_is(p, &w[k], "-p")) && k + 1 < n) {
			flag = &w[k + 1];
			foff = flag->off;
			flen = flag->len;
			break;
		}
		if (word_prefix(p, &w[k], "--port=") || word_prefix(p, &w[k], "-p=")) {
			size_t eq =
			    (size_t)((const char *)memchr(p->src + w[k].off, '=', w[k].len) - (p->src + w[k].off)) + 1;
			flag = &w[k];
			foff = w[k].off + eq;
			flen = w[k].len - eq;
			break;
		}
	}
	const char *who = NULL;
	int64_t dflt = 0;
	int sub_dev = !sub || p->src[sub->off] == '-';
	if (word_is(p, cmd, "next") && (sub_dev || word_is(p, sub, "dev") || word_is(p, sub, "start")))
		who = "Next.js", dflt = 3000;
	else if (word_is(p, cmd, "vite") && (sub_dev || word_is(p, sub, "dev") || word_is(p, sub, "serve")))
		who = "Vite", dflt = 5173;
	else if (word_is(p, cmd, "vite") && word_is(p, sub, "preview"))
		who = "vite preview", dflt = 4173;
	else if (word_is(p, cmd, "react-scripts") && word_is(p, sub, "start"))
		who = "Create React App", dflt = 3000;
	else if ((word_is(p, cmd, "nuxt") || word_is(p, cmd, "nuxi")) &&
	         (word_is(p, sub, "dev") || word_is(p, sub, "start")))
		who = "Nuxt", dflt = 3000;
	if (flag && who) {
		port_fact(p, foff, flen, tok, script, who);
		return;
	}
	if (env_port && (who || word_is(p, cmd, "node") || word_is(p, cmd, "nodemon") || word_is(p, cmd, "ts-node") ||
	                 word_is(p, cmd, "tsx") || word_is(p, cmd, "nest") || word_is(p, cmd, "npm") ||
	                 word_is(p, cmd, "yarn") || word_is(p, cmd, "pnpm") || word_is(p, cmd, "bun"))) {
		port_fact(p, env_port->off + 5, env_port->len - 5, tok, script, "PORT");
		return;
	}
	if (who && dflt)
		port_default(p, dflt, tok, script, who);
}

static void script(struct pkg *p, size_t tok, const char *name)
{
	const struct st_ctok *k = &p->t.v[tok];
	if (k->len < 2)
		return;
	size_t a = k->off + 1, e = k->off + k->len - 1;
	struct word *w = NULL;
	size_t n = 0, cap = 0;
	for (size_t i = a; i <= e; i++) {
		char c = i < e ? p->src[i] : ';';
		if (c == ';' || c == '&' || c == '|') {
			command(p, w, n, tok, name);
			n = 0;
			continue;
		}
		if (isspace((unsigned char)c))
			continue;
		size_t s = i;
		while (i < e && !isspace((unsigned char)p->src[i]) && p->src[i] != ';' && p->src[i] != '&' &&
		       p->src[i] != '|')
			i++;
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 16;
			struct word *nw = realloc(w, nc * sizeof(*nw));
			if (!nw) {
				p->ctx->oom = 1;
				break;
			}
			w = nw;
			cap = nc;
		}
		w[n++] = (struct word){s, i - s};
		i--;
	}
	free(w);
}

/* Client base URLs in the .env files next to a package.json (NEXT_PUBLIC_API_URL, VITE_API_URL, BACKEND_URL ...):
 * the dotenv loader's facts "env.<dir>/<file>.<KEY>" whose key names a URL the application calls. */
static void dotenv_calls(struct st_ctx *ctx, const char *path, const char *app)
{
	const char *slash = strrchr(path, '/');
	size_t dl = slash ? (size_t)(slash - path) + 1 : 0;
	size_t n = 0;
	const struct st_fact_entry **all = st_fact_sorted(ctx, &n);
	for (size_t i = 0; all && i < n && !ctx->oom; i++) {
		const struct st_fact_entry *e = all[i];
		const struct st_fact *f = e->n ? e->chain[e->n - 1] : NULL;
		if (!f || strncmp(e->name, "env.", 4) != 0 || f->origin.kind != ST_ORIGIN_FILE || !f->origin.file)
			continue;
		const char *file = f->origin.file;
		size_t fl = strlen(file);
		if (strncmp(file, path, dl) != 0 || strchr(file + dl, '/') || strncmp(e->name + 4, file, fl) != 0 ||
		    e->name[4 + fl] != '.' || st_dotenv_match(file, file + dl, NULL, 0) != ST_MATCH_YES)
			continue;
		const char *key = e->name + 4 + fl + 1;
		if (strchr(key, '.') || !st_app_calls_name(key, strlen(key)) || f->value.kind != ST_VAL_STRING ||
		    f->value.secret || !f->value.text)
			continue;
		st_app_call(ctx, app, f->value.text, &f->origin);
	}
}

static void package_json(struct st_ctx *ctx, const struct st_file *f, const char *path, const char *app)
{
	struct pkg p = {.ctx = ctx, .path = path, .app = app, .src = f->data};
	if (st_clex(ctx, f->data, f->size, ST_CLANG_JS, &p.t) < 0) {
		st_clex_free(&p.t);
		return;
	}
	const struct st_ctoks *t = &p.t;
	if (!st_ct_p(t, 0, '{')) {
		st_clex_free(&p.t);
		return;
	}
	size_t top = st_ct_close(t, 0);
	/* keys at depth 1 */
	int depth = 0;
	for (size_t i = 0; i < top && i < t->n && !ctx->oom; i++) {
		char c = t->v[i].kind == CT_PUNCT ? t->src[t->v[i].off] : 0;
		if (c == '{' || c == '[')
			depth++;
		else if (c == '}' || c == ']')
			depth--;
		if (depth != 1 || t->v[i].kind != CT_STR || !t->v[i].s || !st_ct_p(t, i + 1, ':'))
			continue;
		if (strcmp(t->v[i].s, "name") == 0) {
			struct st_origin o = st_ct_origin(t, path, i + 2, i + 3);
			o.detail = "package.json";
			st_app_kind(ctx, app, "node", &o);
		}
		if (strcmp(t->v[i].s, "scripts") != 0 || !st_ct_p(t, i + 2, '{'))
			continue;
		size_t c2 = st_ct_close(t, i + 2);
		for (size_t k = i + 3; k + 2 < c2; k++)
			if (t->v[k].kind == CT_STR && t->v[k].s && st_ct_p(t, k + 1, ':') &&
			    t->v[k + 2].kind == CT_STR && !t->v[k + 2].tmpl)
				script(&p, k + 2, t->v[k].s);
	}
	struct st_origin o = st_origin_file(path, 1, 1);
	o.detail = "package.json";
	st_app_kind(ctx, app, "node", &o);
	st_clex_free(&p.t);
	dotenv_calls(ctx, path, app);
}

/* artillery: config.target: "http://localhost:3000" */
static void yaml_targets(struct st_ctx *ctx, const struct st_file *f, const char *path, const char *app)
{
	const char *s = f->data;
	size_t n = f->size, i = 0;
	unsigned line = 1;
	for (; i < n; line++) {
		size_t le = i;
		while (le < n && s[le] != '\n')
			le++;
		size_t k = i;
		while (k < le && (s[k] == ' ' || s[k] == '\t' || s[k] == '-'))
			k++;
		int t = le - k > 7 && memcmp(s + k, "target:", 7) == 0;
		int u = le - k > 4 && memcmp(s + k, "url:", 4) == 0;
		if (t || u) {
			size_t v = k + (t ? 7 : 4);
			while (v < le && (s[v] == ' ' || s[v] == '\t'))
				v++;
			size_t e = le;
			char q = v < le && (s[v] == '"' || s[v] == '\'') ? s[v] : 0;
			size_t vs = q ? v + 1 : v;
			e = vs;
			while (e < le && (q ? s[e] != q : !isspace((unsigned char)s[e]) && s[e] != '#'))
				e++;
			const char *url = st_arena_strndup(&ctx->arena, s + vs, e - vs);
			struct st_origin o = st_origin_file(path, line, (unsigned)(v - i + 1));
			o.value_off = v;
			o.value_len = (q && e < le ? e + 1 : e) - v;
			o.line_off = i;
			o.line_len = le > i && s[le - 1] == '\r' ? le - i - 1 : le - i;
			if (url)
				st_app_call(ctx, app, url, &o);
		}
		i = le + 1;
	}
}

int st_ports_load(struct st_ctx *ctx, const struct st_file *f)
{
	if (!f || !f->data || !f->path)
		return -1;
	const char *path = st_arena_strdup(&ctx->arena, f->path);
	const char *app = path ? st_app_name(ctx, path) : NULL;
	if (!app)
		return ctx->oom = 1, -1;
	const char *name = f->name ? f->name : strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	if (strcmp(name, "package.json") == 0)
		package_json(ctx, f, path, app);
	else
		yaml_targets(ctx, f, path, app);
	return ctx->oom ? -1 : 0;
}
