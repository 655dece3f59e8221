/* clex: comments, strings, raw strings, template and regex literals for Go and JavaScript/TypeScript, and the
 * environment / call / kind helpers shared by the application loaders. See clex.h. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "clex.h"

/* Template literals nest ( `a${`b${c}`}` ): deeper than this the rest is skipped as text. */
#define MAX_TMPL_DEPTH 16

struct lex {
	struct st_ctx *ctx;
	const char *s;
	size_t n, i;
	unsigned line;
	size_t line_off;
	enum st_clang lang;
	struct st_ctoks *out;
	int spaced;
};

static void advance(struct lex *l)
{
	if (l->s[l->i] == '\n') {
		l->line++;
		l->line_off = l->i + 1;
	}
	l->i++;
}

static struct st_ctok *push(struct lex *l, enum st_ctok_kind k, size_t off, unsigned line, size_t line_off)
{
	struct st_ctoks *t = l->out;
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 256;
		struct st_ctok *p = realloc(t->v, cap * sizeof(*p));
		if (!p) {
			l->ctx->oom = 1;
			return NULL;
		}
		t->v = p;
		t->cap = cap;
	}
	struct st_ctok *k0 = &t->v[t->n++];
	memset(k0, 0, sizeof(*k0));
	k0->kind = k;
	k0->off = off;
	k0->len = l->i - off;
	k0->line = line;
	k0->line_off = line_off;
	k0->col = (unsigned)(off - line_off + 1);
	k0->spaced = l->spaced;
	l->spaced = 0;
	return k0;
}

static int ident_start(int c)
{
	return isalpha(c) || c == '_' || c == '$' || c >= 0x80;
}

static int ident_char(int c)
{
	return isalnum(c) || c == '_' || c == '$' || c >= 0x80;
}

/* Decodes the simple escapes of a quoted string body; others are kept as written. */
static void put_escape(struct st_buf *b, const char *s, size_t *i, size_t n)
{
	char e = *i + 1 < n ? s[*i + 1] : '\\';
	switch (e) {
	case 'n':
		st_buf_putc(b, '\n');
		break;
	case 't':
		st_buf_putc(b, '\t');
		break;
	case 'r':
		st_buf_putc(b, '\r');
		break;
	default:
		st_buf_putc(b, e);
	}
	*i += 2;
}

static void skip_template(struct lex *l, struct st_buf *b, int *subs, int depth);

/* Skips a ${ ... } substitution starting after "${": balanced braces, nested strings and templates. */
static void skip_subst(struct lex *l, int depth)
{
	int level = 1;
	while (l->i < l->n) {
		char c = l->s[l->i];
		if (c == '{') {
			level++;
		} else if (c == '}') {
			if (--level == 0) {
				l->i++;
				return;
			}
		} else if (c == '\'' || c == '"') {
			advance(l);
			while (l->i < l->n && l->s[l->i] != c && l->s[l->i] != '\n') {
				if (l->s[l->i] == '\\' && l->i + 1 < l->n)
					advance(l);
				advance(l);
			}
		} else if (c == '`') {
			advance(l);
			int subs = 0;
			if (depth < MAX_TMPL_DEPTH)
				skip_template(l, NULL, &subs, depth + 1);
			continue;
		}
		if (l->i < l->n)
			advance(l);
	}
}

/* Scans a template body after the opening backtick up to and including the closing one. */
static void skip_template(struct lex *l, struct st_buf *b, int *subs, int depth)
{
	while (l->i < l->n) {
		char c = l->s[l->i];
		if (c == '`') {
			l->i++;
			return;
		}
		if (c == '\\' && l->i + 1 < l->n) {
			if (b)
				put_escape(b, l->s, &l->i, l->n);
			else
				l->i += 2;
			if (l->s[l->i - 1] == '\n') {
				l->line++;
				l->line_off = l->i;
			}
			continue;
		}
		if (c == '$' && l->i + 1 < l->n && l->s[l->i + 1] == '{') {
			*subs = 1;
			l->i += 2;
			if (depth < MAX_TMPL_DEPTH)
				skip_subst(l, depth);
			continue;
		}
		if (b)
			st_buf_putc(b, c);
		advance(l);
	}
}

static void lex_string(struct lex *l, char q)
{
	size_t off = l->i;
	unsigned line = l->line;
	size_t line_off = l->line_off;
	struct st_buf b = {0};
	int subs = 0;
	l->i++;
	if (q == '`' && l->lang == ST_CLANG_JS) {
		skip_template(l, &b, &subs, 0);
	} else if (q == '`') { /* Go raw string: no escapes, may span lines; \r is dropped as Go does */
		while (l->i < l->n && l->s[l->i] != '`') {
			if (l->s[l->i] != '\r')
				st_buf_putc(&b, l->s[l->i]);
			advance(l);
		}
		if (l->i < l->n)
			l->i++;
	} else {
		while (l->i < l->n && l->s[l->i] != q && l->s[l->i] != '\n') {
			if (l->s[l->i] == '\\' && l->i + 1 < l->n) {
				if (l->s[l->i + 1] == '\n') { /* JS line continuation */
					l->i++;
					advance(l);
					continue;
				}
				put_escape(&b, l->s, &l->i, l->n);
				continue;
			}
			st_buf_putc(&b, l->s[l->i]);
			l->i++;
		}
		if (l->i < l->n && l->s[l->i] == q)
			l->i++;
	}
	struct st_ctok *t = push(l, CT_STR, off, line, line_off);
	if (t) {
		if (b.failed)
			l->ctx->oom = 1;
		t->s = b.failed ? NULL : st_arena_strndup(&l->ctx->arena, b.len ? b.data : "", b.len);
		if (!t->s)
			l->ctx->oom = 1;
		t->slen = b.len;
		t->tmpl = subs;
	}
	st_buf_free(&b);
}

/* In JavaScript a '/' starts a regex unless the previous token ends an operand. */
static int regex_allowed(const struct lex *l)
{
	const struct st_ctoks *t = l->out;
	if (!t->n)
		return 1;
	const struct st_ctok *p = &t->v[t->n - 1];
	if (p->kind == CT_NUM || p->kind == CT_STR || p->kind == CT_REGEX)
		return 0;
	if (p->kind == CT_PUNCT) {
		char c = l->s[p->off];
		return !(c == ')' || c == ']' || c == '}');
	}
	static const char *const kw[] = {"return", "typeof", "case",  "do",    "else",  "in",         "of", "new",
	                                 "delete", "void",   "throw", "yield", "await", "instanceof", NULL};
	for (const char *const *k = kw; *k; k++)
		if (strlen(*k) == p->len && memcmp(l->s + p->off, *k, p->len) == 0)
			return 1;
	return 0;
}

static void lex_regex(struct lex *l)
{
	size_t off = l->i;
	unsigned line = l->line;
	size_t line_off = l->line_off;
	int cls = 0;
	l->i++;
	while (l->i < l->n && l->s[l->i] != '\n') {
		char c = l->s[l->i];
		if (c == '\\' && l->i + 1 < l->n && l->s[l->i + 1] != '\n') {
			l->i += 2;
			continue;
		}
		l->i++;
		if (c == '[')
			cls = 1;
		else if (c == ']')
			cls = 0;
		else if (c == '/' && !cls)
			break;
	}
	while (l->i < l->n && ident_char((unsigned char)l->s[l->i]))
		l->i++;
	push(l, CT_REGEX, off, line, line_off);
}

int st_clex(struct st_ctx *ctx, const char *src, size_t n, enum st_clang lang, struct st_ctoks *out)
{
	memset(out, 0, sizeof(*out));
	out->src = src;
	out->size = n;
	if (!src)
		return 0;
	struct lex l = {.ctx = ctx, .s = src, .n = n, .line = 1, .lang = lang, .out = out};
	if (n >= 3 && memcmp(src, "\xEF\xBB\xBF", 3) == 0)
		l.i = 3;
	if (lang == ST_CLANG_JS && n >= 2 && src[l.i] == '#' && l.i + 1 < n && src[l.i + 1] == '!')
		while (l.i < n && src[l.i] != '\n')
			l.i++; /* #!/usr/bin/env node */
	while (l.i < l.n && !ctx->oom) {
		unsigned char c = (unsigned char)src[l.i];
		if (isspace(c)) {
			advance(&l);
			l.spaced = 1;
			continue;
		}
		if (c == '/' && l.i + 1 < n && src[l.i + 1] == '/') {
			while (l.i < n && src[l.i] != '\n')
				l.i++;
			l.spaced = 1;
			continue;
		}
		if (c == '/' && l.i + 1 < n && src[l.i + 1] == '*') {
			l.i += 2;
			while (l.i < n && !(src[l.i] == '*' && l.i + 1 < n && src[l.i + 1] == '/'))
				advance(&l);
			l.i = l.i < n ? l.i + 2 : n;
			l.spaced = 1;
			continue;
		}
		size_t off = l.i;
		if (c == '"' || c == '\'' || c == '`') {
			lex_string(&l, (char)c);
			continue;
		}
		if (ident_start(c)) {
			while (l.i < n && ident_char((unsigned char)src[l.i]))
				l.i++;
			push(&l, CT_IDENT, off, l.line, l.line_off);
			continue;
		}
		if (isdigit(c) || (c == '.' && l.i + 1 < n && isdigit((unsigned char)src[l.i + 1]))) {
			while (l.i < n &&
			       (isalnum((unsigned char)src[l.i]) || src[l.i] == '_' || src[l.i] == '.' ||
			        ((src[l.i] == '+' || src[l.i] == '-') && (src[l.i - 1] == 'e' || src[l.i - 1] == 'E') &&
			         !(src[off] == '0' && off + 1 < n && (src[off + 1] == 'x' || src[off + 1] == 'X')))))
				l.i++;
			push(&l, CT_NUM, off, l.line, l.line_off);
			continue;
		}
		if (c == '/' && lang == ST_CLANG_JS && regex_allowed(&l)) {
			lex_regex(&l);
			continue;
		}
		l.i++;
		push(&l, CT_PUNCT, off, l.line, l.line_off);
	}
	/* bracket matching in one pass: any closer closes the innermost opener */
	size_t *stack = ctx->oom ? NULL : malloc((out->n + 1) * sizeof(*stack));
	size_t sp = 0;
	if (!stack && !ctx->oom)
		ctx->oom = 1;
	for (size_t k = 0; stack && k < out->n; k++) {
		struct st_ctok *t = &out->v[k];
		t->match = out->n;
		if (t->kind != CT_PUNCT)
			continue;
		char c = src[t->off];
		if (c == '(' || c == '[' || c == '{')
			stack[sp++] = k;
		else if ((c == ')' || c == ']' || c == '}') && sp)
			out->v[stack[--sp]].match = k;
	}
	free(stack);
	return ctx->oom ? -1 : 0;
}

void st_clex_free(struct st_ctoks *t)
{
	free(t->v);
	t->v = NULL;
	t->n = t->cap = 0;
}

int st_ct_p(const struct st_ctoks *t, size_t i, char c)
{
	return i < t->n && t->v[i].kind == CT_PUNCT && t->src[t->v[i].off] == c;
}

int st_ct_id(const struct st_ctoks *t, size_t i, const char *s)
{
	return i < t->n && t->v[i].kind == CT_IDENT && strlen(s) == t->v[i].len &&
	       memcmp(t->src + t->v[i].off, s, t->v[i].len) == 0;
}

size_t st_ct_close(const struct st_ctoks *t, size_t i)
{
	if (i >= t->n || t->v[i].kind != CT_PUNCT)
		return t->n;
	char open = t->src[t->v[i].off];
	if (open != '(' && open != '[' && open != '{')
		return t->n;
	return t->v[i].match;
}

int st_ct_int(const struct st_ctoks *t, size_t i, int64_t *out)
{
	if (i >= t->n || t->v[i].kind != CT_NUM)
		return -1;
	const char *s = t->src + t->v[i].off;
	size_t n = t->v[i].len, k = 0;
	if (n > 1 && s[n - 1] == 'n')
		n--; /* JavaScript BigInt */
	int base = 10;
	if (n > 2 && s[0] == '0' && strchr("xXoObB", s[1])) {
		base = s[1] == 'x' || s[1] == 'X' ? 16 : s[1] == 'o' || s[1] == 'O' ? 8 : 2;
		k = 2;
	} else if (n > 1 && s[0] == '0') {
		base = 8; /* Go: 0755 */
	}
	uint64_t v = 0;
	int digits = 0;
	for (; k < n; k++) {
		int c = (unsigned char)s[k], d;
		if (c == '_')
			continue;
		if (isdigit(c))
			d = c - '0';
		else if (isxdigit(c) && base == 16)
			d = tolower(c) - 'a' + 10;
		else
			return -1; /* '.', exponents, suffixes: not an integer */
		if (d >= base || v > (UINT64_C(1) << 63) / (uint64_t)base)
			return -1;
		v = v * (uint64_t)base + (uint64_t)d;
		if (v > (uint64_t)INT64_MAX)
			return -1;
		digits++;
	}
	if (!digits)
		return -1;
	*out = (int64_t)v;
	return 0;
}

size_t st_ct_line_len(const struct st_ctoks *t, size_t line_off)
{
	size_t e = line_off;
	while (e < t->size && t->src[e] != '\n')
		e++;
	if (e > line_off && t->src[e - 1] == '\r')
		e--;
	return e - line_off;
}

struct st_origin st_ct_origin(const struct st_ctoks *t, const char *path, size_t a, size_t b)
{
	struct st_origin o = {0};
	if (a >= t->n)
		return st_origin_file(path, 0, 0);
	if (b <= a || b > t->n)
		b = a + 1;
	const struct st_ctok *f = &t->v[a], *l = &t->v[b - 1];
	o = st_origin_file(path, f->line, f->col);
	o.value_off = f->off;
	o.value_len = l->off + l->len - f->off;
	o.line_off = f->line_off;
	o.line_len = st_ct_line_len(t, f->line_off);
	return o;
}

/* ---- application helpers ------------------------------------------------- */

static const struct st_fact *env_fact(struct st_ctx *ctx, const char *name)
{
	const struct st_fact *f = name ? st_fact_get(ctx, name) : NULL;
	if (!name)
		ctx->oom = 1;
	return f && f->value.kind == ST_VAL_STRING && (f->value.text || f->value.secret) ? f : NULL;
}

static int env_hit(const struct st_fact *f, struct st_app_env *out)
{
	out->value = f->value.text ? f->value.text : "";
	out->origin = f->origin;
	out->secret = f->value.secret;
	out->fact = f->name;
	return 1;
}

int st_app_env_lookup(struct st_ctx *ctx, const char *app, const char *path, const char *name, int js,
                      struct st_app_env *out)
{
	memset(out, 0, sizeof(*out));
	if (!path || !name || !*name)
		return 0;
	const struct st_fact *f;
	if (app && (f = env_fact(ctx, st_arena_printf(&ctx->arena, "%s.env.%s", app, name))))
		return env_hit(f, out);
	/* the compose service built from this application's directory (fact "link.app.<app>") */
	const struct st_fact *ln = app ? st_fact_get(ctx, st_arena_printf(&ctx->arena, "link.app.%s", app)) : NULL;
	if (ln && ln->value.kind == ST_VAL_STRING && ln->value.text && strcmp(ln->value.text, app) != 0 &&
	    (f = env_fact(ctx, st_arena_printf(&ctx->arena, "%s.env.%s", ln->value.text, name))))
		return env_hit(f, out);
	const char *slash = strrchr(path, '/');
	size_t dir = slash ? (size_t)(slash - path) : 0;
	for (;;) {
		static const char *const files[] = {".env.local", ".env"};
		for (size_t k = js ? 0 : 1; k < 2; k++) {
			const char *fn =
			    dir ? st_arena_printf(&ctx->arena, "env.%.*s/%s.%s", (int)dir, path, files[k], name)
			        : st_arena_printf(&ctx->arena, "env.%s.%s", files[k], name);
			if ((f = env_fact(ctx, fn)))
				return env_hit(f, out);
		}
		if (!dir)
			return 0;
		while (dir > 0 && path[dir - 1] != '/')
			dir--;
		if (dir > 0)
			dir--;
	}
}

static int same_origin(const struct st_origin *a, const struct st_origin *b)
{
	return a->kind == b->kind && a->line == b->line && a->col == b->col && a->value_off == b->value_off &&
	       ((!a->file && !b->file) || (a->file && b->file && strcmp(a->file, b->file) == 0));
}

int st_app_call(struct st_ctx *ctx, const char *app, const char *url, const struct st_origin *o)
{
	if (!app || !url || !(strncmp(url, "http://", 7) == 0 || strncmp(url, "https://", 8) == 0))
		return 0;
	struct st_url u;
	if (st_url_parse(ctx, url, strlen(url), &u) != 0 || !u.host || !*u.host)
		return 0;
	unsigned n = 0;
	for (;; n++) {
		const char *nm = st_arena_printf(&ctx->arena, "%s.calls.%u.url", app, n);
		if (!nm) {
			ctx->oom = 1;
			return 0;
		}
		const struct st_fact *f = st_fact_get(ctx, nm);
		if (!f)
			break;
		if (same_origin(&f->origin, o))
			return 0;
	}
	int creds = u.password != NULL || (u.redacted && strcmp(u.redacted, url) != 0);
	struct st_value v = st_value_string(creds ? u.redacted : st_arena_strdup(&ctx->arena, url));
	if (creds)
		v.redacted = u.redacted;
	const char *base = st_arena_printf(&ctx->arena, "%s.calls.%u", app, n);
	const char *nu = base ? st_arena_printf(&ctx->arena, "%s.url", base) : NULL;
	const char *nh = base ? st_arena_printf(&ctx->arena, "%s.host", base) : NULL;
	const char *np = base ? st_arena_printf(&ctx->arena, "%s.port", base) : NULL;
	if (!nu || !nh || !np || !v.text) {
		ctx->oom = 1;
		return 0;
	}
	st_fact_set(ctx, nu, app, v, o, ST_LAYER_FILE);
	st_fact_set(ctx, nh, app, st_value_string(u.host), o, ST_LAYER_FILE);
	int port = u.port ? u.port : strcmp(u.scheme, "https") == 0 ? 443 : 80;
	struct st_origin po = *o;
	if (!u.port)
		po.detail = port == 443 ? "https default port" : "http default port";
	st_fact_set(ctx, np, app, st_value_int(port), &po, ST_LAYER_FILE);
	return 1;
}

void st_app_kind(struct st_ctx *ctx, const char *app, const char *kind, const struct st_origin *o)
{
	const char *nm = st_arena_printf(&ctx->arena, "%s.kind", app);
	if (!nm) {
		ctx->oom = 1;
		return;
	}
	if (st_fact_get(ctx, nm))
		return;
	st_fact_set(ctx, nm, app, st_value_string(kind), o, ST_LAYER_FILE);
}

static int has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);
	return n >= m && strcmp(s + n - m, suf) == 0;
}

static int has_segment(const char *path, const char *seg)
{
	size_t m = strlen(seg);
	for (const char *p = path; (p = strstr(p, seg)); p++)
		if ((p == path || p[-1] == '/') && p[m] == '/')
			return 1;
	return 0;
}

int st_app_is_test(const char *path)
{
	if (!path)
		return 0;
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	if (has_suffix(base, "_test.go") || strstr(base, ".test.") || strstr(base, ".spec.") || strstr(base, ".e2e."))
		return 1;
	return has_segment(path, "__tests__") || has_segment(path, "__mocks__") || has_segment(path, "testdata") ||
	       has_segment(path, "test") || has_segment(path, "tests") || has_segment(path, "e2e") ||
	       has_segment(path, "cypress");
}

int st_app_is_loadtest(const char *path)
{
	if (!path)
		return 0;
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	if (strstr(base, "load-test") || strstr(base, "loadtest") || strstr(base, "load_test") ||
	    strstr(base, ".k6.") || strstr(base, "stress-test") || strstr(base, "benchmark"))
		return 1;
	return has_segment(path, "performance") || has_segment(path, "perf") || has_segment(path, "k6") ||
	       has_segment(path, "load") || has_segment(path, "loadtest") || has_segment(path, "load-tests") ||
	       has_segment(path, "artillery") || has_segment(path, "locust");
}

int st_app_calls_name(const char *s, size_t n)
{
	static const char *const yes[] = {"url",    "uri",     "api",    "base", "endpoint",
	                                  "target", "backend", "server", "host", NULL};
	static const char *const no[] = {"origin", "cors",       "redirect",  "callback", "webhook",
	                                 "site",   "public_url", "publicurl", "database", "redis",
	                                 "mongo",  "amqp",       NULL};
	int hit = 0;
	for (const char *const *w = yes; *w && !hit; w++)
		for (size_t i = 0; i + strlen(*w) <= n && !hit; i++)
			hit = strncasecmp(s + i, *w, strlen(*w)) == 0;
	for (const char *const *w = no; *w && hit; w++)
		for (size_t i = 0; i + strlen(*w) <= n; i++)
			if (strncasecmp(s + i, *w, strlen(*w)) == 0)
				return 0;
	return hit;
}
