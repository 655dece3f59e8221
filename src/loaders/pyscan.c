/* pyscan: tokenizer + evaluator for the Python subset settings files use (see pyscan.h). Every loop is bounded
 * by the token count, recursion by MAX_DEPTH, string and list growth by MAX_STR / MAX_ITEMS: arbitrary
 * Python, or arbitrary bytes, must never crash or hang it. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pyscan.h"

#define MAX_DEPTH 64          /* nested expressions / f-strings */
#define MAX_IMPORT_DEPTH 8    /* from .a import * chains */
#define MAX_STR (1u << 20)    /* longer computed strings become unknown */
#define MAX_ITEMS 100000u     /* longer computed lists become unknown */
#define MAX_DETAIL_TEXT 80    /* source text quoted in a detail */

enum tk { TK_END = 0, TK_NAME, TK_NUM, TK_STR, TK_OP, TK_NL };

struct tok {
	enum tk t;
	size_t off, len;
	unsigned line, col;
	size_t line_off; /* offset of the start of the token's line */
};

struct toks {
	struct tok *v;
	size_t n, cap;
};

struct scan {
	struct st_ctx *ctx;
	const struct st_py_hooks *h;
	struct st_py_module *m;
	const char *path;
	const char *src;
	size_t size;
	int import_depth;
	const char **chain; /* modules being scanned (cycle check) */
	size_t n_chain;
};

struct ev {
	struct scan *sc;
	const struct tok *t;
	size_t pos, end;
	int depth;
	struct st_py_val oom; /* returned when memory runs out: never mutated (kind UNKNOWN) */
};

/* ---- tokenizer ------------------------------------------------------- */

static int push_tok(struct st_ctx *ctx, struct toks *ts, struct tok t)
{
	if (ts->n == ts->cap) {
		size_t cap = ts->cap ? ts->cap * 2 : 256;
		struct tok *p = realloc(ts->v, cap * sizeof(*p));
		if (!p) {
			ctx->oom = 1;
			return -1;
		}
		ts->v = p;
		ts->cap = cap;
	}
	ts->v[ts->n++] = t;
	return 0;
}

static int name_start(int c)
{
	return isalpha(c) || c == '_' || c >= 0x80;
}

static int name_char(int c)
{
	return isalnum(c) || c == '_' || c >= 0x80;
}

/* Length of a string prefix (r, b, f, u, rb, fr ...) before a quote at s[i], or -1 when not a string. */
static int string_prefix(const char *s, size_t i, size_t end)
{
	size_t k = i;
	while (k < end && k - i < 2 && strchr("rRbBuUfF", s[k]) && s[k])
		k++;
	if (k < end && (s[k] == '\'' || s[k] == '"'))
		return (int)(k - i);
	return -1;
}

static const char *const ops3[] = {"**=", "//=", ">>=", "<<=", "...", NULL};
static const char *const ops2[] = {"**", "//", "==", "!=", "<=", ">=", "->", "+=", "-=", "*=", "/=", "%=",
                                   "&=", "|=", "^=", "@=", ":=", "<<", ">>", NULL};

/* Tokenizes s[start, end); line/col/line_off describe start. Logical line ends become TK_NL (with_nl). */
static int tokenize(struct st_ctx *ctx, const char *s, size_t start, size_t end, unsigned line, unsigned col,
                    size_t line_off, int with_nl, struct toks *ts)
{
	size_t i = start;
	int depth = 0;
	int line_has = 0;
	(void)col; /* columns are counted from line_off, the real start of the line */
	while (i < end) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\n') {
			if (with_nl && depth == 0 && line_has) {
				struct tok t = {.t = TK_NL, .off = i, .len = 0, .line = line, .col = 0, .line_off = line_off};
				if (push_tok(ctx, ts, t) < 0)
					return -1;
				line_has = 0;
			}
			line++;
			line_off = i + 1;
			i++;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
			i++;
			continue;
		}
		if (c == '#') {
			while (i < end && s[i] != '\n')
				i++;
			continue;
		}
		if (c == '\\') {
			size_t k = i + 1;
			if (k < end && s[k] == '\r')
				k++;
			if (k < end && s[k] == '\n') {
				line++;
				line_off = k + 1;
				i = k + 1;
				continue;
			}
		}
		struct tok t = {.off = i, .line = line, .line_off = line_off};
		t.col = (unsigned)(i - line_off + 1);
		int pre = name_start(c) ? string_prefix(s, i, end) : (c == '\'' || c == '"') ? 0 : -1;
		if (pre >= 0) {
			size_t q = i + (size_t)pre;
			char quote = s[q];
			int triple = q + 2 < end && s[q + 1] == quote && s[q + 2] == quote;
			size_t k = q + (triple ? 3 : 1);
			int closed = 0;
			while (k < end) {
				if (s[k] == '\\' && k + 1 < end) {
					if (s[k + 1] == '\n') {
						line++;
						line_off = k + 2;
					}
					k += 2;
					continue;
				}
				if (s[k] == '\n') {
					if (!triple)
						break; /* unterminated: the string ends at the line */
					line++;
					line_off = k + 1;
				}
				if (s[k] == quote &&
				    (!triple || (k + 2 < end && s[k + 1] == quote && s[k + 2] == quote))) {
					k += triple ? 3 : 1;
					closed = 1;
					break;
				}
				k++;
			}
			if (k > end)
				k = end;
			t.t = closed ? TK_STR : TK_OP; /* an unterminated string is an unknown operator */
			t.len = k - i;
			i = k;
		} else if (name_start(c)) {
			size_t k = i;
			while (k < end && name_char((unsigned char)s[k]))
				k++;
			t.t = TK_NAME;
			t.len = k - i;
			i = k;
		} else if (isdigit(c) || (c == '.' && i + 1 < end && isdigit((unsigned char)s[i + 1]))) {
			size_t k = i;
			while (k < end && (isalnum((unsigned char)s[k]) || s[k] == '_' || s[k] == '.' ||
			                   ((s[k] == '+' || s[k] == '-') && k > i && (s[k - 1] == 'e' || s[k - 1] == 'E') &&
			                    !(k > i + 1 && (s[i + 1] == 'x' || s[i + 1] == 'X')))))
				k++;
			t.t = TK_NUM;
			t.len = k - i;
			i = k;
		} else {
			size_t len = 1;
			for (const char *const *o = ops3; *o && len == 1; o++)
				if (end - i >= 3 && memcmp(s + i, *o, 3) == 0)
					len = 3;
			for (const char *const *o = ops2; *o && len == 1; o++)
				if (end - i >= 2 && memcmp(s + i, *o, 2) == 0)
					len = 2;
			if (len == 1) {
				if (c == '(' || c == '[' || c == '{')
					depth++;
				else if ((c == ')' || c == ']' || c == '}') && depth > 0)
					depth--;
			}
			t.t = TK_OP;
			t.len = len;
			i += len;
		}
		line_has = 1;
		if (push_tok(ctx, ts, t) < 0)
			return -1;
	}
	if (with_nl && line_has) {
		struct tok t = {.t = TK_NL, .off = end, .line = line, .line_off = line_off};
		if (push_tok(ctx, ts, t) < 0)
			return -1;
	}
	return 0;
}

/* ---- values ------------------------------------------------------------ */

static const char *src_of(const struct ev *e)
{
	return e->sc->src;
}

static int is_op(const struct ev *e, size_t i, const char *op)
{
	if (i >= e->end || e->t[i].t != TK_OP)
		return 0;
	size_t n = strlen(op);
	return e->t[i].len == n && memcmp(src_of(e) + e->t[i].off, op, n) == 0;
}

static int is_name(const struct ev *e, size_t i, const char *name)
{
	if (i >= e->end || e->t[i].t != TK_NAME)
		return 0;
	size_t n = strlen(name);
	return e->t[i].len == n && memcmp(src_of(e) + e->t[i].off, name, n) == 0;
}

static int tok_is_keyword(const struct ev *e, size_t i)
{
	static const char *const kw[] = {"if", "else", "for", "in", "and", "or", "not", "is", "lambda", "async",
	                                 "await", "yield", "from", "as", "import", NULL};
	for (const char *const *k = kw; *k; k++)
		if (is_name(e, i, *k))
			return 1;
	return 0;
}

/* The origin of tokens [t0, t1): file position of t0 and the byte span to the end of t1-1. */
static struct st_origin span_origin(const struct ev *e, size_t t0, size_t t1)
{
	const struct tok *a = &e->t[t0 < e->end ? t0 : (e->end ? e->end - 1 : 0)];
	struct st_origin o = st_origin_file(e->sc->path, a->line, a->col);
	o.value_off = a->off;
	size_t stop = a->off + a->len;
	if (t1 > t0 && t1 - 1 < e->end) {
		const struct tok *b = &e->t[t1 - 1];
		if (b->off + b->len > stop)
			stop = b->off + b->len;
	}
	o.value_len = stop - a->off;
	o.line_off = a->line_off;
	const char *s = src_of(e);
	size_t le = a->line_off;
	while (le < e->sc->size && s[le] != '\n')
		le++;
	if (le > a->line_off && s[le - 1] == '\r')
		le--;
	o.line_len = le - a->line_off;
	return o;
}

static struct st_py_val *alloc_val(struct ev *e)
{
	struct st_py_val *v = st_arena_alloc(&e->sc->ctx->arena, sizeof(*v));
	if (!v) {
		e->sc->ctx->oom = 1;
		return &e->oom;
	}
	v->module = e->sc->path;
	return v;
}

static struct st_py_val *mk(struct ev *e, enum st_py_kind k, size_t t0, size_t t1)
{
	struct st_py_val *v = alloc_val(e);
	if (v == &e->oom)
		return v;
	v->kind = k;
	v->origin = span_origin(e, t0, t1);
	return v;
}

__attribute__((format(printf, 4, 5))) static struct st_py_val *unknown(struct ev *e, size_t t0, size_t t1,
                                                                       const char *fmt, ...)
{
	struct st_py_val *v = mk(e, ST_PY_UNKNOWN, t0, t1);
	if (v == &e->oom)
		return v;
	va_list ap;
	va_start(ap, fmt);
	struct st_buf b = {0};
	st_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	v->s = b.failed ? "out of memory" : st_arena_strdup(&e->sc->ctx->arena, st_buf_cstr(&b));
	if (!v->s)
		v->s = "out of memory";
	st_buf_free(&b);
	return v;
}

static struct st_py_val *clone(struct ev *e, const struct st_py_val *x)
{
	struct st_py_val *v = alloc_val(e);
	if (v == &e->oom)
		return v;
	*v = *x;
	return v;
}

static int grow(struct ev *e, struct st_py_val *v)
{
	if (v->n < v->cap)
		return 0;
	if (v->n >= MAX_ITEMS)
		return -1;
	size_t cap = v->cap ? v->cap * 2 : 8;
	struct st_py_val **items = st_arena_alloc(&e->sc->ctx->arena, cap * sizeof(*items));
	struct st_py_val **keys = v->kind == ST_PY_DICT || v->kind == ST_PY_ENV
	                                  ? st_arena_alloc(&e->sc->ctx->arena, cap * sizeof(*keys))
	                                  : NULL;
	if (!items || ((v->kind == ST_PY_DICT || v->kind == ST_PY_ENV) && !keys)) {
		e->sc->ctx->oom = 1;
		return -1;
	}
	if (v->n) {
		memcpy(items, v->items, v->n * sizeof(*items));
		if (keys)
			memcpy(keys, v->keys, v->n * sizeof(*keys));
	}
	v->items = items;
	v->keys = keys;
	v->cap = cap;
	return 0;
}

static int list_push(struct ev *e, struct st_py_val *l, struct st_py_val *x)
{
	if (grow(e, l) < 0)
		return -1;
	l->items[l->n++] = x;
	return 0;
}

static int key_eq(const struct st_py_val *a, const struct st_py_val *b)
{
	if (a->kind == ST_PY_STR && b->kind == ST_PY_STR)
		return a->len == b->len && memcmp(a->s, b->s, a->len) == 0;
	if ((a->kind == ST_PY_INT || a->kind == ST_PY_BOOL) && (b->kind == ST_PY_INT || b->kind == ST_PY_BOOL))
		return a->i == b->i;
	if (a->kind == ST_PY_NONE && b->kind == ST_PY_NONE)
		return 1;
	return 0;
}

static int dict_set(struct ev *e, struct st_py_val *d, struct st_py_val *k, struct st_py_val *x)
{
	for (size_t i = 0; i < d->n; i++)
		if (key_eq(d->keys[i], k)) {
			d->items[i] = x;
			return 0;
		}
	if (grow(e, d) < 0)
		return -1;
	d->keys[d->n] = k;
	d->items[d->n++] = x;
	return 0;
}

struct st_py_val *st_py_dict_get(const struct st_py_val *d, const char *key)
{
	if (!d || d->kind != ST_PY_DICT || !key)
		return NULL;
	size_t n = strlen(key);
	for (size_t i = 0; i < d->n; i++)
		if (d->keys[i]->kind == ST_PY_STR && d->keys[i]->len == n && memcmp(d->keys[i]->s, key, n) == 0)
			return d->items[i];
	return NULL;
}

static struct st_py_val *dict_lookup(const struct st_py_val *d, const struct st_py_val *k)
{
	for (size_t i = 0; i < d->n; i++)
		if (key_eq(d->keys[i], k))
			return d->items[i];
	return NULL;
}

int st_py_truth(const struct st_py_val *v)
{
	switch (v->kind) {
	case ST_PY_NONE:
		return 0;
	case ST_PY_BOOL:
	case ST_PY_INT:
		return v->i != 0;
	case ST_PY_FLOAT:
		return v->r != 0;
	case ST_PY_STR:
		return v->len > 0;
	case ST_PY_LIST:
	case ST_PY_TUPLE:
	case ST_PY_DICT:
		return v->n > 0;
	default:
		return -1;
	}
}

static struct st_py_val *str_val(struct ev *e, const char *s, size_t n, size_t t0, size_t t1)
{
	struct st_py_val *v = mk(e, ST_PY_STR, t0, t1);
	if (v == &e->oom)
		return v;
	v->s = st_arena_strndup(&e->sc->ctx->arena, s, n);
	v->len = n;
	if (!v->s) {
		e->sc->ctx->oom = 1;
		return &e->oom;
	}
	return v;
}

/* Source text of tokens [t0, t1) with runs of blanks collapsed, cut at MAX_DETAIL_TEXT. */
static const char *src_text(struct ev *e, size_t t0, size_t t1)
{
	if (t0 >= t1 || t1 > e->end)
		return "";
	const char *s = src_of(e);
	size_t a = e->t[t0].off, b = e->t[t1 - 1].off + e->t[t1 - 1].len;
	struct st_buf out = {0};
	int blank = 0;
	for (size_t i = a; i < b && out.len < MAX_DETAIL_TEXT; i++) {
		if (isspace((unsigned char)s[i]) || s[i] == '\\') {
			blank = 1;
			continue;
		}
		if (blank && out.len)
			st_buf_putc(&out, ' ');
		blank = 0;
		st_buf_putc(&out, s[i]);
	}
	if (b - a > MAX_DETAIL_TEXT && out.len >= MAX_DETAIL_TEXT)
		st_buf_puts(&out, "...");
	const char *r = out.failed ? NULL : st_arena_strdup(&e->sc->ctx->arena, st_buf_cstr(&out));
	st_buf_free(&out);
	if (!r) {
		e->sc->ctx->oom = 1;
		return "";
	}
	const char *red = st_url_redact(e->sc->ctx, r);
	return red ? red : r;
}

static const char *join_dep(struct ev *e, const char *a, const char *b)
{
	if (!a)
		return b;
	if (!b || strcmp(a, b) == 0 || strstr(a, b))
		return a;
	const char *r = st_arena_printf(&e->sc->ctx->arena, "%s; %s", a, b);
	return r ? r : a;
}

/* Marks a value computed from operands over tokens [t0, t1): file origin of the expression, and when an
 * operand was derived from the environment or the host, a detail naming the inputs. */
static struct st_py_val *computed(struct ev *e, struct st_py_val *v, const struct st_py_val *a,
                                  const struct st_py_val *b, size_t t0, size_t t1)
{
	if (v == &e->oom)
		return v;
	v->origin = span_origin(e, t0, t1);
	v->secret = (a && a->secret) || (b && b->secret);
	v->derived = (a && a->derived) || (b && b->derived);
	v->module = e->sc->path;
	v->conditional = NULL;
	v->detail_has_text = 0;
	v->dep = NULL;
	if (v->derived) {
		v->dep = join_dep(e, a && a->derived ? a->dep : NULL, b && b->derived ? b->dep : NULL);
		v->origin.detail = st_arena_printf(&e->sc->ctx->arena, "%s with %s", src_text(e, t0, t1),
		                                   v->dep ? v->dep : "values from the environment");
		v->detail_has_text = 1;
	}
	return v;
}

/* ---- expression parser ------------------------------------------------- */

static struct st_py_val *parse_test(struct ev *e);
static struct st_py_val *parse_or(struct ev *e);

/* Skips to just past the bracket closing the one opened before pos (depth 1). */
static void skip_to_close(struct ev *e)
{
	int depth = 1;
	while (e->pos < e->end) {
		const struct tok *t = &e->t[e->pos];
		if (t->t == TK_OP && t->len == 1) {
			char c = src_of(e)[t->off];
			if (c == '(' || c == '[' || c == '{')
				depth++;
			else if (c == ')' || c == ']' || c == '}') {
				if (--depth == 0) {
					e->pos++;
					return;
				}
			}
		}
		e->pos++;
	}
}

/* Skips the rest of an expression: to the next ',' ':' or closing bracket at depth 0 (not consumed). */
static void skip_expr(struct ev *e)
{
	int depth = 0;
	while (e->pos < e->end) {
		const struct tok *t = &e->t[e->pos];
		if (t->t == TK_OP && t->len == 1) {
			char c = src_of(e)[t->off];
			if (c == '(' || c == '[' || c == '{')
				depth++;
			else if (c == ')' || c == ']' || c == '}') {
				if (depth == 0)
					return;
				depth--;
			} else if ((c == ',' || c == ':' || c == '=') && depth == 0)
				return;
		}
		e->pos++;
	}
}

static int append_utf8(struct st_buf *b, unsigned long cp)
{
	if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		cp = 0xFFFD;
	if (cp < 0x80)
		return st_buf_putc(b, (char)cp);
	if (cp < 0x800) {
		st_buf_putc(b, (char)(0xC0 | (cp >> 6)));
		return st_buf_putc(b, (char)(0x80 | (cp & 0x3F)));
	}
	if (cp < 0x10000) {
		st_buf_putc(b, (char)(0xE0 | (cp >> 12)));
		st_buf_putc(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
		return st_buf_putc(b, (char)(0x80 | (cp & 0x3F)));
	}
	st_buf_putc(b, (char)(0xF0 | (cp >> 18)));
	st_buf_putc(b, (char)(0x80 | ((cp >> 12) & 0x3F)));
	st_buf_putc(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
	return st_buf_putc(b, (char)(0x80 | (cp & 0x3F)));
}

/* Appends s[a, b) with Python escapes decoded (raw: as written). NUL bytes are dropped. */
static void decode_into(struct st_buf *out, const char *s, size_t a, size_t b, int raw)
{
	for (size_t i = a; i < b; i++) {
		char c = s[i];
		if (c == '\r' && i + 1 < b && s[i + 1] == '\n')
			continue;
		if (raw || c != '\\' || i + 1 >= b) {
			st_buf_putc(out, c);
			continue;
		}
		char d = s[++i];
		const char *simple = strchr("\\'\"abfnrtv", d);
		if (d && simple) {
			static const char map[] = "\\'\"\a\b\f\n\r\t\v";
			st_buf_putc(out, map[simple - "\\'\"abfnrtv"]);
		} else if (d == '\n') {
			/* line continuation inside the string */
		} else if (d == 'x' || d == 'u' || d == 'U') {
			size_t want = d == 'x' ? 2 : d == 'u' ? 4 : 8;
			unsigned long cp = 0;
			size_t k = 0;
			while (k < want && i + 1 + k < b && isxdigit((unsigned char)s[i + 1 + k])) {
				int h = s[i + 1 + k];
				cp = cp * 16 + (unsigned long)(isdigit(h) ? h - '0' : (tolower(h) - 'a' + 10));
				k++;
			}
			if (k == want) {
				if (cp)
					append_utf8(out, cp);
				i += want;
			} else {
				st_buf_putc(out, '\\');
				st_buf_putc(out, d);
			}
		} else if (d >= '0' && d <= '7') {
			unsigned cp = (unsigned)(d - '0');
			size_t k = 0;
			while (k < 2 && i + 1 + k < b && s[i + 1 + k] >= '0' && s[i + 1 + k] <= '7') {
				cp = cp * 8 + (unsigned)(s[i + 1 + k] - '0');
				k++;
			}
			i += k;
			if (cp)
				append_utf8(out, cp);
		} else {
			st_buf_putc(out, '\\');
			st_buf_putc(out, d);
		}
	}
}

static int to_str(struct ev *e, const struct st_py_val *v, struct st_buf *out);
static struct st_py_val *eval_range(struct ev *e, size_t a, size_t b, unsigned line, unsigned col, size_t line_off);

/* Evaluates the body of an f-string s[a, b) (raw text between the quotes) into out; NULL, or the unknown
 * value explaining why it cannot be evaluated; *derived collects the inputs. */
static struct st_py_val *fstring_into(struct ev *e, const struct tok *t, size_t a, size_t b, int raw,
                                      struct st_buf *out, struct st_py_val *acc)
{
	const char *s = src_of(e);
	size_t lit = a;
	size_t i = a;
	while (i < b) {
		if (s[i] == '\\' && !raw) {
			i += 2;
			continue;
		}
		if (s[i] == '}' ) {
			decode_into(out, s, lit, i, raw);
			i += (i + 1 < b && s[i + 1] == '}') ? 2 : 1;
			lit = i;
			continue;
		}
		if (s[i] != '{') {
			i++;
			continue;
		}
		decode_into(out, s, lit, i, raw);
		if (i + 1 < b && s[i + 1] == '{') {
			st_buf_putc(out, '{');
			i += 2;
			lit = i;
			continue;
		}
		size_t x = i + 1, k = x;
		int depth = 0;
		char q = 0;
		size_t stop = b;
		for (; k < b; k++) {
			char c = s[k];
			if (q) {
				if (c == q)
					q = 0;
				continue;
			}
			if (c == '\'' || c == '"')
				q = c;
			else if (c == '(' || c == '[' || c == '{')
				depth++;
			else if ((c == ')' || c == ']' || c == '}') && depth > 0)
				depth--;
			else if (depth == 0 && (c == '}' || c == ':' || (c == '!' && !(k + 1 < b && s[k + 1] == '=')))) {
				stop = k;
				break;
			}
		}
		if (stop >= b)
			return unknown(e, (size_t)(t - e->t), (size_t)(t - e->t) + 1, "an f-string part is not closed");
		size_t close = stop;
		while (close < b && s[close] != '}')
			close++;
		if (s[stop] == ':' && close > stop + 1)
			return unknown(e, (size_t)(t - e->t), (size_t)(t - e->t) + 1,
			               "an f-string format specification is not evaluated");
		/* line/col of x: count from the token start */
		unsigned line = t->line;
		size_t lo = t->line_off;
		for (size_t p = t->off; p < x; p++)
			if (s[p] == '\n') {
				line++;
				lo = p + 1;
			}
		unsigned col = (unsigned)(x - lo + 1);
		struct st_py_val *v = eval_range(e, x, stop, line, col, lo);
		if (v->kind == ST_PY_UNKNOWN)
			return v;
		if (to_str(e, v, out) < 0)
			return unknown(e, (size_t)(t - e->t), (size_t)(t - e->t) + 1,
			               "an f-string part is not a plain value");
		if (v->derived) {
			acc->derived = 1;
			acc->dep = join_dep(e, acc->dep, v->dep);
		}
		acc->secret |= v->secret;
		i = close < b ? close + 1 : b;
		lit = i;
	}
	decode_into(out, s, lit, b, raw);
	return NULL;
}

/* One or more adjacent string literals. */
static struct st_py_val *parse_strings(struct ev *e)
{
	size_t t0 = e->pos;
	struct st_buf out = {0};
	struct st_py_val acc = {0};
	struct st_py_val *bad = NULL;
	int any_f = 0;
	const char *s = src_of(e);
	while (e->pos < e->end && e->t[e->pos].t == TK_STR) {
		const struct tok *t = &e->t[e->pos++];
		int raw = 0, f = 0;
		size_t q = t->off;
		while (s[q] != '\'' && s[q] != '"') {
			raw |= s[q] == 'r' || s[q] == 'R';
			f |= s[q] == 'f' || s[q] == 'F';
			q++;
		}
		char quote = s[q];
		int triple = t->len >= (q - t->off) + 6 && s[q + 1] == quote && s[q + 2] == quote;
		size_t qn = triple ? 3 : 1;
		size_t a = q + qn, b = t->off + t->len - qn;
		if (b < a)
			b = a;
		if (bad)
			continue;
		if (f) {
			any_f = 1;
			bad = fstring_into(e, t, a, b, raw, &out, &acc);
		} else {
			decode_into(&out, s, a, b, raw);
		}
		if (out.len > MAX_STR && !bad)
			bad = unknown(e, t0, e->pos, "string too long");
	}
	if (out.failed) {
		e->sc->ctx->oom = 1;
		st_buf_free(&out);
		return &e->oom;
	}
	if (bad) {
		st_buf_free(&out);
		return bad;
	}
	struct st_py_val *v = str_val(e, out.len ? out.data : "", out.len, t0, e->pos);
	st_buf_free(&out);
	if (any_f && acc.derived && v != &e->oom) {
		acc.kind = ST_PY_STR;
		v = computed(e, v, &acc, NULL, t0, e->pos);
	} else if (v != &e->oom) {
		v->secret = acc.secret;
	}
	return v;
}

static struct st_py_val *parse_number(struct ev *e)
{
	size_t t0 = e->pos;
	const struct tok *t = &e->t[e->pos++];
	const char *s = src_of(e) + t->off;
	struct st_buf b = {0};
	for (size_t i = 0; i < t->len; i++)
		if (s[i] != '_')
			st_buf_putc(&b, s[i]);
	if (b.failed) {
		e->sc->ctx->oom = 1;
		return &e->oom;
	}
	const char *txt = st_buf_cstr(&b);
	size_t n = b.len;
	struct st_py_val *v;
	char last = n ? txt[n - 1] : 0;
	int hex = n > 1 && txt[0] == '0' && (txt[1] == 'x' || txt[1] == 'X');
	if (last == 'j' || last == 'J') {
		v = unknown(e, t0, e->pos, "complex numbers are not evaluated");
	} else if (!hex && (strpbrk(txt, ".eE"))) {
		errno = 0;
		char *endp;
		double r = strtod(txt, &endp);
		if (*endp || errno == ERANGE) {
			v = unknown(e, t0, e->pos, "malformed number");
		} else {
			v = mk(e, ST_PY_FLOAT, t0, e->pos);
			v->r = r;
		}
	} else {
		int base = 10;
		const char *p = txt;
		if (n > 1 && txt[0] == '0' && strchr("xXoObB", txt[1])) {
			base = (txt[1] == 'x' || txt[1] == 'X') ? 16 : (txt[1] == 'o' || txt[1] == 'O') ? 8 : 2;
			p += 2;
		}
		errno = 0;
		char *endp;
		unsigned long long u = *p ? strtoull(p, &endp, base) : 0;
		if (!*p || *endp || errno == ERANGE || u > INT64_MAX || *p == '-' || *p == '+') {
			v = unknown(e, t0, e->pos, "malformed or too large number");
		} else {
			v = mk(e, ST_PY_INT, t0, e->pos);
			v->i = (int64_t)u;
		}
	}
	st_buf_free(&b);
	return v;
}

/* A display: (...) [...] {...}; pos is just past the opener. */
static struct st_py_val *parse_display(struct ev *e, char opener, size_t t0)
{
	const char *closer = opener == '(' ? ")" : opener == '[' ? "]" : "}";
	enum st_py_kind k = opener == '(' ? ST_PY_TUPLE : opener == '[' ? ST_PY_LIST : ST_PY_DICT;
	struct st_py_val *v = mk(e, k, t0, t0 + 1);
	if (v == &e->oom) {
		skip_to_close(e);
		return v;
	}
	int is_set = 0, trailing_comma = 0, paren_single = opener == '(';
	struct st_py_val *bad = NULL;
	while (e->pos < e->end && !is_op(e, e->pos, closer)) {
		size_t before = e->pos;
		trailing_comma = 0;
		if (k == ST_PY_DICT && is_op(e, e->pos, "**")) {
			e->pos++;
			struct st_py_val *m = parse_or(e);
			if (m->kind == ST_PY_DICT) {
				for (size_t i = 0; i < m->n; i++)
					dict_set(e, v, m->keys[i], m->items[i]);
			} else if (!bad) {
				bad = m->kind == ST_PY_UNKNOWN ? m : unknown(e, before, e->pos, "'**' of a value that is not a dict");
			}
		} else if (is_op(e, e->pos, "*")) {
			e->pos++;
			struct st_py_val *m = parse_or(e);
			if (m->kind == ST_PY_LIST || m->kind == ST_PY_TUPLE) {
				for (size_t i = 0; i < m->n; i++)
					list_push(e, v, m->items[i]);
			} else if (!bad) {
				bad = m->kind == ST_PY_UNKNOWN ? m : unknown(e, before, e->pos, "'*' of a value that is not a list");
			}
			paren_single = 0;
		} else {
			struct st_py_val *x = parse_test(e);
			if (is_name(e, e->pos, "for") || is_name(e, e->pos, "async")) {
				if (!bad)
					bad = unknown(e, t0, e->pos, "comprehensions are not evaluated");
				skip_expr(e);
				continue;
			}
			if (k == ST_PY_DICT && is_op(e, e->pos, ":")) {
				e->pos++;
				struct st_py_val *y = parse_test(e);
				if (is_name(e, e->pos, "for")) {
					if (!bad)
						bad = unknown(e, t0, e->pos, "comprehensions are not evaluated");
					skip_expr(e);
					continue;
				}
				if (x->kind == ST_PY_UNKNOWN || x->kind == ST_PY_REF || x->kind == ST_PY_LIST ||
				    x->kind == ST_PY_DICT) {
					if (!bad)
						bad = x->kind == ST_PY_UNKNOWN ? x : unknown(e, before, e->pos, "a dict key is not evaluated");
				} else {
					dict_set(e, v, x, y);
				}
			} else if (k == ST_PY_DICT) {
				is_set = 1;
			} else {
				if (list_push(e, v, x) < 0 && !bad)
					bad = unknown(e, t0, e->pos, "too many items");
			}
		}
		if (is_op(e, e->pos, ",")) {
			e->pos++;
			trailing_comma = 1;
			paren_single = 0;
			continue;
		}
		if (!is_op(e, e->pos, closer)) {
			if (!bad)
				bad = unknown(e, t0, e->pos + 1 <= e->end ? e->pos + 1 : e->end, "unsupported syntax");
			if (e->pos == before)
				e->pos++;
			skip_expr(e);
			if (is_op(e, e->pos, ","))
				e->pos++;
			else if (!is_op(e, e->pos, closer)) {
				skip_to_close(e);
				return bad;
			}
		}
	}
	if (e->pos < e->end)
		e->pos++; /* closer */
	else if (!bad)
		bad = unknown(e, t0, e->pos, "unclosed bracket");
	if (bad)
		return bad;
	v->origin = span_origin(e, t0, e->pos);
	if (is_set)
		return unknown(e, t0, e->pos, "sets are not evaluated");
	if (paren_single && !trailing_comma && v->n == 1) {
		return v->items[0]; /* (x) is x */
	}
	return v;
}

/* ---- calls ------------------------------------------------------------ */

struct args {
	struct st_py_val *pos[8];
	size_t n_pos;
	const char *kw_name[8];
	struct st_py_val *kw[8];
	size_t n_kw;
	int starred; /* *args / **kwargs / too many arguments */
	size_t t0, t1; /* the whole call */
};

static struct st_py_val *kwarg(const struct args *a, const char *name)
{
	for (size_t i = 0; i < a->n_kw; i++)
		if (strcmp(a->kw_name[i], name) == 0)
			return a->kw[i];
	return NULL;
}

/* Parses call arguments; pos is just past '('. */
static void parse_args(struct ev *e, struct args *a)
{
	while (e->pos < e->end && !is_op(e, e->pos, ")")) {
		size_t before = e->pos;
		if (is_op(e, e->pos, "*") || is_op(e, e->pos, "**")) {
			a->starred = 1;
			e->pos++;
			parse_test(e);
		} else if (e->pos + 1 < e->end && e->t[e->pos].t == TK_NAME && is_op(e, e->pos + 1, "=")) {
			const struct tok *nt = &e->t[e->pos];
			const char *name = st_arena_strndup(&e->sc->ctx->arena, src_of(e) + nt->off, nt->len);
			e->pos += 2;
			struct st_py_val *v = parse_test(e);
			if (a->n_kw < 8 && name)
				a->kw_name[a->n_kw] = name, a->kw[a->n_kw++] = v;
			else
				a->starred = 1;
		} else {
			struct st_py_val *v = parse_test(e);
			if (is_name(e, e->pos, "for")) {
				a->starred = 1;
				skip_expr(e);
			} else if (a->n_pos < 8) {
				a->pos[a->n_pos++] = v;
			} else {
				a->starred = 1;
			}
		}
		if (is_op(e, e->pos, ",")) {
			e->pos++;
			continue;
		}
		if (!is_op(e, e->pos, ")")) {
			a->starred = 1;
			if (e->pos == before)
				e->pos++;
			skip_to_close(e);
			a->t1 = e->pos;
			return;
		}
	}
	if (e->pos < e->end)
		e->pos++;
	a->t1 = e->pos;
}

static int str_eq(const struct st_py_val *v, const char *s)
{
	return v && v->kind == ST_PY_STR && v->len == strlen(s) && memcmp(v->s, s, v->len) == 0;
}

/* Makes x derived from an environment lookup described by how (a copy, so the literal stays as written). */
static struct st_py_val *as_default(struct ev *e, struct st_py_val *x, const char *var)
{
	struct st_py_val *v = clone(e, x);
	if (v == &e->oom)
		return v;
	v->derived = 1;
	v->dep = st_arena_printf(&e->sc->ctx->arena, "%s not set, default", var);
	v->origin.detail = st_arena_printf(&e->sc->ctx->arena, "default in code, %s not set", var);
	v->detail_has_text = 0;
	v->module = e->sc->path;
	return v;
}

/* Looks up environment variable `var`; NULL when not set. how = the call as written ("os.environ.get"). */
static struct st_py_val *env_hit(struct ev *e, const char *how, const char *var, size_t t0)
{
	struct st_py_env_hit hit = {0};
	if (!e->sc->h || !e->sc->h->getenv || e->sc->h->getenv(e->sc->h->user, var, &hit) != 1 || !hit.value)
		return NULL;
	struct st_py_val *v = alloc_val(e);
	if (v == &e->oom)
		return v;
	v->kind = ST_PY_STR;
	v->s = hit.value;
	v->len = strlen(hit.value);
	v->origin = hit.origin;
	v->secret = hit.secret;
	v->derived = 1;
	const struct tok *t = &e->t[t0 < e->end ? t0 : 0];
	size_t hl = strlen(how);
	if (hl > 2 && strcmp(how + hl - 2, "[]") == 0) /* os.environ['X'] */
		v->origin.detail = st_arena_printf(&e->sc->ctx->arena, "via %.*s['%s'] at %s:%u", (int)(hl - 2), how, var,
		                                   e->sc->path, t->line);
	else
		v->origin.detail = st_arena_printf(&e->sc->ctx->arena, "via %s('%s') at %s:%u", how, var, e->sc->path,
		                                   t->line);
	v->dep = st_arena_printf(&e->sc->ctx->arena, "%s from %s:%u", var, hit.origin.file ? hit.origin.file : "?",
	                         hit.origin.line);
	return v;
}

/* os.environ.get / getenv / os.environ[...]: the value, the default, or unknown. */
static struct st_py_val *env_get(struct ev *e, const char *how, struct st_py_val *name, struct st_py_val *dflt,
                                 int required, size_t t0, size_t t1)
{
	if (!name || name->kind != ST_PY_STR)
		return name && name->kind == ST_PY_UNKNOWN ? name
		                                          : unknown(e, t0, t1, "the variable name of %s is not evaluated", how);
	struct st_py_val *v = env_hit(e, how, name->s, t0);
	if (v)
		return v;
	if (dflt) {
		if (dflt->kind == ST_PY_UNKNOWN || dflt->kind == ST_PY_REF)
			return unknown(e, t0, t1, "%s is not set and its default is not evaluated", name->s);
		return as_default(e, dflt, name->s);
	}
	if (required && strcmp(how, "os.environ[]") == 0)
		return unknown(e, t0, t1, "%s is not set in any .env file seen (os.environ['%s'] raises KeyError without it)",
		               name->s, name->s);
	if (required)
		return unknown(e, t0, t1, "%s is not set in any .env file seen (%s fails without it)", name->s, how);
	/* None at run time; kept as None so `getenv('X') or 'default'` takes the default */
	struct st_py_val *v2 = mk(e, ST_PY_NONE, t0, t1);
	if (v2 == &e->oom)
		return v2;
	v2->derived = 1;
	v2->unset = name->s;
	v2->dep = st_arena_printf(&e->sc->ctx->arena, "%s not set", name->s);
	v2->origin.detail = st_arena_printf(&e->sc->ctx->arena, "%s not set: %s returns None", name->s, how);
	return v2;
}

static struct st_py_val *cast_value(struct ev *e, struct st_py_val *v, const char *cast, size_t t0, size_t t1);

/* Parses a connection URL into a Django DATABASES entry (django-environ env.db, dj-database-url). */
static struct st_py_val *db_dict_from_url(struct ev *e, struct st_py_val *url, size_t t0, size_t t1)
{
	if (url->kind != ST_PY_STR)
		return url->kind == ST_PY_UNKNOWN ? url : unknown(e, t0, t1, "the database URL is not a string");
	struct st_url u;
	if (st_url_parse(e->sc->ctx, url->s, url->len, &u) < 0)
		return unknown(e, t0, t1, "the database URL does not parse");
	static const struct {
		const char *scheme, *engine;
	} engines[] = {
		{"postgres", "django.db.backends.postgresql"}, {"postgresql", "django.db.backends.postgresql"},
		{"pgsql", "django.db.backends.postgresql"},    {"psql", "django.db.backends.postgresql"},
		{"postgis", "django.contrib.gis.db.backends.postgis"},
		{"mysql", "django.db.backends.mysql"},         {"mysql2", "django.db.backends.mysql"},
		{"mariadb", "django.db.backends.mysql"},       {"sqlite", "django.db.backends.sqlite3"},
		{"oracle", "django.db.backends.oracle"},       {"mysqlgis", "django.contrib.gis.db.backends.mysql"},
	};
	const char *engine = NULL;
	for (size_t i = 0; i < sizeof engines / sizeof engines[0]; i++)
		if (u.scheme && strcmp(u.scheme, engines[i].scheme) == 0)
			engine = engines[i].engine;
	struct st_py_val *d = mk(e, ST_PY_DICT, t0, t1);
	if (d == &e->oom)
		return d;
	d->origin = url->origin;
	struct {
		const char *key;
		const char *s;
		int is_int, secret;
		int64_t i;
	} parts[] = {
		{"ENGINE", engine, 0, 0, 0},
		{"NAME", u.database, 0, 0, 0},
		{"USER", u.user, 0, 0, 0},
		{"PASSWORD", u.password, 0, 1, 0},
		{"HOST", u.host, 0, 0, 0},
		{"PORT", NULL, u.port != 0, 0, u.port},
	};
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		if (!parts[i].s && !parts[i].is_int)
			continue;
		struct st_py_val *x = clone(e, url);
		struct st_py_val *k = str_val(e, parts[i].key, strlen(parts[i].key), t0, t1);
		if (x == &e->oom || k == &e->oom)
			return &e->oom;
		if (parts[i].is_int) {
			x->kind = ST_PY_INT;
			x->i = parts[i].i;
			x->s = NULL;
		} else {
			x->s = parts[i].s;
			x->len = strlen(parts[i].s);
		}
		x->secret = parts[i].secret || (url->secret && parts[i].secret);
		dict_set(e, d, k, x);
	}
	return d;
}

static struct st_py_val *set_key(struct ev *e, struct st_py_val *d, const char *key, struct st_py_val *x, size_t t0,
                                 size_t t1)
{
	struct st_py_val *k = str_val(e, key, strlen(key), t0, t1);
	if (k != &e->oom && d->kind == ST_PY_DICT)
		dict_set(e, d, k, x);
	return d;
}

/* A default of a library (not in the file): origin kind default with whose default it is. */
static struct st_py_val *lib_default(struct ev *e, enum st_py_kind k, int64_t i, const char *whose)
{
	struct st_py_val *v = alloc_val(e);
	if (v == &e->oom)
		return v;
	v->kind = k;
	v->i = i;
	v->origin.kind = ST_ORIGIN_DEFAULT;
	v->origin.detail = whose;
	return v;
}

/* dj_database_url.config(default=, env=, conn_max_age=, conn_health_checks=) / .parse(url, ...). */
static struct st_py_val *dj_database_url(struct ev *e, int parse, const struct args *a)
{
	struct st_py_val *url;
	if (parse) {
		url = a->n_pos ? a->pos[0] : kwarg(a, "url");
		if (!url)
			return unknown(e, a->t0, a->t1, "dj_database_url.parse() without a URL");
	} else {
		struct st_py_val *envname = kwarg(a, "env");
		const char *var = envname && envname->kind == ST_PY_STR ? envname->s : "DATABASE_URL";
		struct st_py_val *dflt = kwarg(a, "default");
		if (!dflt && a->n_pos)
			dflt = a->pos[0];
		struct st_py_val *name = str_val(e, var, strlen(var), a->t0, a->t1);
		url = env_get(e, "dj_database_url.config", name, dflt, 0, a->t0, a->t1);
	}
	struct st_py_val *d = db_dict_from_url(e, url, a->t0, a->t1);
	if (d->kind != ST_PY_DICT)
		return d;
	struct st_py_val *age = kwarg(a, "conn_max_age");
	set_key(e, d, "CONN_MAX_AGE", age ? age : lib_default(e, ST_PY_INT, 0, "dj-database-url default conn_max_age=0"),
	        a->t0, a->t1);
	struct st_py_val *hc = kwarg(a, "conn_health_checks");
	set_key(e, d, "CONN_HEALTH_CHECKS",
	        hc ? hc : lib_default(e, ST_PY_BOOL, 0, "dj-database-url default conn_health_checks=False"), a->t0, a->t1);
	return d;
}

/* A REF naming a cast (int, bool, str, float, list, Csv) -> its name, or NULL. */
static const char *cast_name(const struct st_py_val *c)
{
	if (!c)
		return NULL;
	if (c->kind == ST_PY_REF && c->s) {
		const char *dot = strrchr(c->s, '.');
		return dot ? dot + 1 : c->s;
	}
	return NULL;
}

/* django-environ: env('X', default=...) with the Env schema, env.int(...) etc. */
static struct st_py_val *environ_call(struct ev *e, struct st_py_val *envobj, const char *method, const struct args *a,
                                      const char *how)
{
	struct st_py_val *name = a->n_pos ? a->pos[0] : kwarg(a, "var");
	const char *cast = method;
	struct st_py_val *dflt = kwarg(a, "default");
	if (!dflt && a->n_pos > (strcmp(method, "") == 0 ? 2u : 1u))
		dflt = a->pos[strcmp(method, "") == 0 ? 2 : 1];
	if (strcmp(method, "db") == 0 || strcmp(method, "db_url") == 0 || strcmp(method, "cache") == 0 ||
	    strcmp(method, "cache_url") == 0) {
		int db = method[0] == 'd';
		const char *var = name && name->kind == ST_PY_STR ? name->s : db ? "DATABASE_URL" : "CACHE_URL";
		struct st_py_val *nv = str_val(e, var, strlen(var), a->t0, a->t1);
		struct st_py_val *url = env_get(e, how, nv, dflt, 1, a->t0, a->t1);
		if (db)
			return db_dict_from_url(e, url, a->t0, a->t1);
		if (url->kind != ST_PY_STR)
			return url;
		struct st_py_val *d = mk(e, ST_PY_DICT, a->t0, a->t1);
		const char *backend = strncmp(url->s, "redis", 5) == 0 ? "django_redis.cache.RedisCache"
		                      : strncmp(url->s, "memcache", 8) == 0 ? "django.core.cache.backends.memcached.PyMemcacheCache"
		                      : strncmp(url->s, "locmem", 6) == 0 ? "django.core.cache.backends.locmem.LocMemCache"
		                                                          : NULL;
		if (backend) {
			struct st_py_val *b = clone(e, url);
			b->s = backend;
			b->len = strlen(backend);
			b->secret = 0;
			set_key(e, d, "BACKEND", b, a->t0, a->t1);
		}
		return set_key(e, d, "LOCATION", url, a->t0, a->t1);
	}
	if (!name || name->kind != ST_PY_STR)
		return unknown(e, a->t0, a->t1, "the variable name of %s() is not evaluated", how);
	if (strcmp(method, "") == 0) {
		/* env('X') uses the schema given to Env(X=(cast, default)); env('X', cast, default) */
		cast = NULL;
		if (a->n_pos > 1)
			cast = cast_name(a->pos[1]);
		else if (kwarg(a, "cast"))
			cast = cast_name(kwarg(a, "cast"));
		struct st_py_val *schema = NULL;
		if (envobj && envobj->kind == ST_PY_ENV)
			for (size_t i = 0; i < envobj->n; i++)
				if (str_eq(envobj->keys[i], name->s))
					schema = envobj->items[i];
		if (schema && schema->kind == ST_PY_TUPLE && schema->n >= 1) {
			if (!cast)
				cast = cast_name(schema->items[0]);
			if (!dflt && schema->n >= 2)
				dflt = schema->items[1];
		} else if (schema && !cast) {
			cast = cast_name(schema);
		}
	}
	struct st_py_val *v = env_get(e, how, name, dflt, 1, a->t0, a->t1);
	if (v->kind == ST_PY_UNKNOWN || !cast || strcmp(cast, "str") == 0)
		return v;
	if (strcmp(cast, "bool") == 0 && v->kind == ST_PY_STR) {
		/* django-environ: true for 'true', 'on', 'ok', 'y', 'yes', '1' (case-insensitive) */
		static const char *const truthy[] = {"true", "on", "ok", "y", "yes", "1", NULL};
		struct st_py_val *r = clone(e, v);
		r->kind = ST_PY_BOOL;
		r->i = 0;
		for (const char *const *t = truthy; *t; t++)
			if (strcasecmp(v->s, *t) == 0)
				r->i = 1;
		return r;
	}
	if (strcmp(cast, "list") == 0)
		cast = "Csv";
	return cast_value(e, v, cast, a->t0, a->t1);
}

static struct st_py_val *split_str(struct ev *e, struct st_py_val *v, const char *sep, size_t t0, size_t t1)
{
	struct st_py_val *l = mk(e, ST_PY_LIST, t0, t1);
	if (l == &e->oom)
		return l;
	l->origin = v->origin;
	size_t seplen = sep ? strlen(sep) : 0;
	size_t i = 0;
	while (i <= v->len) {
		size_t j = i;
		if (seplen) {
			const char *hit = NULL;
			for (size_t k = i; k + seplen <= v->len; k++)
				if (memcmp(v->s + k, sep, seplen) == 0) {
					hit = v->s + k;
					break;
				}
			j = hit ? (size_t)(hit - v->s) : v->len;
		} else {
			while (i < v->len && isspace((unsigned char)v->s[i]))
				i++;
			if (i >= v->len)
				break;
			j = i;
			while (j < v->len && !isspace((unsigned char)v->s[j]))
				j++;
		}
		struct st_py_val *x = clone(e, v);
		if (x == &e->oom)
			return x;
		x->s = st_arena_strndup(&e->sc->ctx->arena, v->s + i, j - i);
		x->len = j - i;
		if (!x->s)
			return &e->oom;
		if (list_push(e, l, x) < 0)
			return unknown(e, t0, t1, "too many items");
		i = j + (seplen ? seplen : 1);
		if (seplen && j == v->len)
			break;
	}
	return l;
}

static int parse_int_text(const char *s, size_t n, int64_t *out)
{
	while (n && isspace((unsigned char)*s))
		s++, n--;
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	const char *err;
	if (!n || memchr(s, 'x', n) || memchr(s, 'X', n))
		return -1;
	return st_int_parse(s, n, out, &err);
}

/* int(), float(), bool(), str(), decouple casts; keeps the value's origin (an .env line stays the origin). */
static struct st_py_val *cast_value(struct ev *e, struct st_py_val *v, const char *cast, size_t t0, size_t t1)
{
	if (v->kind == ST_PY_UNKNOWN)
		return v;
	if (v->kind == ST_PY_NONE && v->unset)
		return unknown(e, t0, t1, "%s is not set in any .env file seen and has no default", v->unset);
	struct st_py_val *r = clone(e, v);
	if (r == &e->oom)
		return r;
	if (strcmp(cast, "int") == 0) {
		if (v->kind == ST_PY_INT || v->kind == ST_PY_BOOL) {
			r->kind = ST_PY_INT;
			return r;
		}
		if (v->kind == ST_PY_FLOAT && isfinite(v->r) && fabs(v->r) < 9e18) {
			r->kind = ST_PY_INT;
			r->i = (int64_t)v->r;
			return r;
		}
		if (v->kind == ST_PY_STR && parse_int_text(v->s, v->len, &r->i) == 0) {
			r->kind = ST_PY_INT;
			r->s = NULL;
			return r;
		}
		return unknown(e, t0, t1, "int() of a value that is not a whole number");
	}
	if (strcmp(cast, "float") == 0) {
		if (v->kind == ST_PY_INT || v->kind == ST_PY_BOOL) {
			r->kind = ST_PY_FLOAT;
			r->r = (double)v->i;
			return r;
		}
		if (v->kind == ST_PY_FLOAT)
			return r;
		if (v->kind == ST_PY_STR) {
			char *endp;
			errno = 0;
			double d = strtod(v->s, &endp);
			while (*endp && isspace((unsigned char)*endp))
				endp++;
			if (endp != v->s && !*endp && errno != ERANGE) {
				r->kind = ST_PY_FLOAT;
				r->r = d;
				r->s = NULL;
				return r;
			}
		}
		return unknown(e, t0, t1, "float() of a value that is not a number");
	}
	if (strcmp(cast, "bool") == 0) {
		int t = st_py_truth(v);
		if (t < 0)
			return unknown(e, t0, t1, "bool() of a value that is not evaluated");
		if (v->kind == ST_PY_STR && t == 1 &&
		    (strcasecmp(v->s, "false") == 0 || strcmp(v->s, "0") == 0 || strcasecmp(v->s, "no") == 0 ||
		     strcasecmp(v->s, "off") == 0)) {
			struct st_origin o = span_origin(e, t0, t1);
			st_diag(e->sc->ctx, ST_SEV_WARNING, &o,
			        "bool() of a non-empty string is True, also for 'False', '0', 'no' and 'off'");
		}
		r->kind = ST_PY_BOOL;
		r->i = t;
		r->s = NULL;
		return r;
	}
	if (strcmp(cast, "str") == 0) {
		struct st_buf b = {0};
		if (to_str(e, v, &b) < 0 || b.failed) {
			st_buf_free(&b);
			return unknown(e, t0, t1, "str() of a value that is not evaluated");
		}
		r->kind = ST_PY_STR;
		r->s = st_arena_strndup(&e->sc->ctx->arena, b.len ? b.data : "", b.len);
		r->len = b.len;
		st_buf_free(&b);
		return r->s ? r : &e->oom;
	}
	if (strcmp(cast, "Csv") == 0) {
		if (v->kind != ST_PY_STR)
			return v->kind == ST_PY_LIST ? v : unknown(e, t0, t1, "Csv() of a value that is not a string");
		struct st_py_val *l = split_str(e, v, ",", t0, t1);
		if (l->kind == ST_PY_LIST)
			for (size_t i = 0; i < l->n; i++) {
				struct st_py_val *x = l->items[i];
				while (x->len && isspace((unsigned char)x->s[0]))
					x->s++, x->len--;
				while (x->len && isspace((unsigned char)x->s[x->len - 1]))
					x->len--;
				x->s = st_arena_strndup(&e->sc->ctx->arena, x->s, x->len);
			}
		return l;
	}
	return unknown(e, t0, t1, "cast '%s' is not evaluated", cast);
}

/* python-decouple config('X', default=..., cast=...). */
static struct st_py_val *decouple_config(struct ev *e, const struct args *a)
{
	struct st_py_val *name = a->n_pos ? a->pos[0] : NULL;
	struct st_py_val *dflt = kwarg(a, "default");
	if (!dflt && a->n_pos > 1)
		dflt = a->pos[1];
	struct st_py_val *castv = kwarg(a, "cast");
	if (!castv && a->n_pos > 2)
		castv = a->pos[2];
	struct st_py_val *v = env_get(e, "config", name, dflt, 1, a->t0, a->t1);
	const char *cast = cast_name(castv);
	if (castv && castv->kind == ST_PY_UNKNOWN)
		return castv;
	if (!cast || v->kind == ST_PY_UNKNOWN || strcmp(cast, "str") == 0)
		return v;
	if (strcmp(cast, "bool") == 0 && v->kind == ST_PY_STR) {
		/* decouple's strtobool */
		static const char *const yes[] = {"y", "yes", "t", "true", "on", "1", NULL};
		static const char *const no[] = {"n", "no", "f", "false", "off", "0", NULL};
		struct st_py_val *r = clone(e, v);
		r->kind = ST_PY_BOOL;
		for (const char *const *t = yes; *t; t++)
			if (strcasecmp(v->s, *t) == 0)
				return r->i = 1, r;
		for (const char *const *t = no; *t; t++)
			if (strcasecmp(v->s, *t) == 0)
				return r->i = 0, r;
		return unknown(e, a->t0, a->t1, "config(cast=bool) of a value that is not a boolean word");
	}
	return cast_value(e, v, cast, a->t0, a->t1);
}

static struct st_py_val *cpu_count(struct ev *e, size_t t0, size_t t1)
{
	int64_t n = 0;
	if (!e->sc->h || !e->sc->h->cpus || e->sc->h->cpus(e->sc->h->user, &n) != 1 || n <= 0)
		return unknown(e, t0, t1, "the host's CPU count is not known");
	struct st_py_val *v = mk(e, ST_PY_INT, t0, t1);
	if (v == &e->oom)
		return v;
	v->i = n;
	v->derived = 1;
	v->dep = st_arena_printf(&e->sc->ctx->arena, "host.cpus = %lld", (long long)n);
	v->origin.detail = st_arena_printf(&e->sc->ctx->arena, "%s with %s", src_text(e, t0, t1), v->dep);
	v->detail_has_text = 1;
	return v;
}

static struct st_py_val *str_method(struct ev *e, struct st_py_val *s, const char *m, const struct args *a)
{
	struct st_py_val *r = clone(e, s);
	if (r == &e->oom)
		return r;
	if (strcmp(m, "lower") == 0 || strcmp(m, "upper") == 0) {
		char *p = st_arena_strndup(&e->sc->ctx->arena, s->s, s->len);
		if (!p)
			return &e->oom;
		for (size_t i = 0; i < s->len; i++)
			p[i] = (char)(m[0] == 'l' ? tolower((unsigned char)p[i]) : toupper((unsigned char)p[i]));
		r->s = p;
		return r;
	}
	if ((strcmp(m, "strip") == 0 || strcmp(m, "lstrip") == 0 || strcmp(m, "rstrip") == 0) && a->n_pos == 0) {
		size_t i = 0, j = s->len;
		if (m[0] != 'r')
			while (i < j && isspace((unsigned char)s->s[i]))
				i++;
		if (m[0] != 'l')
			while (j > i && isspace((unsigned char)s->s[j - 1]))
				j--;
		r->s = st_arena_strndup(&e->sc->ctx->arena, s->s + i, j - i);
		r->len = j - i;
		return r->s ? r : &e->oom;
	}
	if (strcmp(m, "split") == 0 && a->n_pos <= 1) {
		if (a->n_pos && a->pos[0]->kind != ST_PY_STR)
			return unknown(e, a->t0, a->t1, "split() with a separator that is not evaluated");
		if (a->n_pos && a->pos[0]->len == 0)
			return unknown(e, a->t0, a->t1, "split() with an empty separator");
		return split_str(e, s, a->n_pos ? a->pos[0]->s : NULL, a->t0, a->t1);
	}
	if ((strcmp(m, "startswith") == 0 || strcmp(m, "endswith") == 0) && a->n_pos == 1 && a->pos[0]->kind == ST_PY_STR) {
		const struct st_py_val *p = a->pos[0];
		r->kind = ST_PY_BOOL;
		r->i = p->len <= s->len &&
		       memcmp(m[0] == 's' ? s->s : s->s + s->len - p->len, p->s, p->len) == 0;
		return computed(e, r, s, NULL, a->t0, a->t1);
	}
	return unknown(e, a->t0, a->t1, "str.%s() is not evaluated", m);
}

static struct st_py_val *call(struct ev *e, struct st_py_val *f, struct args *a)
{
	if (f->kind == ST_PY_UNKNOWN)
		return f;
	if (a->starred)
		return unknown(e, a->t0, a->t1, "a call with *args, **kwargs or many arguments is not evaluated");
	if (f->kind == ST_PY_ENV)
		return environ_call(e, f, "", a, "env");
	if (f->kind != ST_PY_REF)
		return unknown(e, a->t0, a->t1, "a call of a value that is not a function");
	const char *fn = f->s;
	struct st_py_val *base = f->base;
	if (base) {
		if (base->kind == ST_PY_ENV) {
			const char *how = st_arena_printf(&e->sc->ctx->arena, "env.%s", fn);
			return environ_call(e, base, fn, a, how ? how : "env");
		}
		if (base->kind == ST_PY_STR)
			return str_method(e, base, fn, a);
		if (base->kind == ST_PY_DICT && strcmp(fn, "get") == 0 && a->n_pos >= 1) {
			struct st_py_val *x = dict_lookup(base, a->pos[0]);
			if (x)
				return x;
			return a->n_pos > 1 ? a->pos[1] : mk(e, ST_PY_NONE, a->t0, a->t1);
		}
		if (base->kind == ST_PY_DICT && strcmp(fn, "copy") == 0 && a->n_pos == 0) {
			struct st_py_val *d = clone(e, base);
			d->cap = d->n = 0;
			d->items = d->keys = NULL;
			for (size_t i = 0; i < base->n; i++)
				dict_set(e, d, base->keys[i], base->items[i]);
			return d;
		}
		return unknown(e, a->t0, a->t1, "method '%s' is not evaluated", fn);
	}
	static const char *const getters[] = {"os.environ.get", "environ.get", "os.getenv", "getenv",
	                                      "os.environ.setdefault", NULL};
	for (const char *const *g = getters; *g; g++)
		if (strcmp(fn, *g) == 0) {
			if (a->n_pos < 1)
				return unknown(e, a->t0, a->t1, "%s() without a variable name", fn);
			return env_get(e, fn, a->pos[0], a->n_pos > 1 ? a->pos[1] : NULL, 0, a->t0, a->t1);
		}
	if (strcmp(fn, "int") == 0 || strcmp(fn, "float") == 0 || strcmp(fn, "str") == 0 || strcmp(fn, "bool") == 0) {
		if (a->n_pos == 0 && a->n_kw == 0) {
			struct st_py_val *v = mk(e, fn[0] == 's' ? ST_PY_STR : fn[0] == 'b' ? ST_PY_BOOL : fn[0] == 'i' ? ST_PY_INT : ST_PY_FLOAT,
			                         a->t0, a->t1);
			if (v->kind == ST_PY_STR)
				v->s = "";
			return v;
		}
		if (a->n_pos != 1 || a->n_kw)
			return unknown(e, a->t0, a->t1, "%s() with several arguments is not evaluated", fn);
		return cast_value(e, a->pos[0], fn, a->t0, a->t1);
	}
	if (strcmp(fn, "len") == 0 && a->n_pos == 1) {
		struct st_py_val *x = a->pos[0];
		if (x->kind == ST_PY_STR || x->kind == ST_PY_LIST || x->kind == ST_PY_TUPLE || x->kind == ST_PY_DICT) {
			struct st_py_val *v = mk(e, ST_PY_INT, a->t0, a->t1);
			v->i = x->kind == ST_PY_STR ? (int64_t)x->len : (int64_t)x->n;
			return computed(e, v, x, NULL, a->t0, a->t1);
		}
		return unknown(e, a->t0, a->t1, "len() of a value that is not evaluated");
	}
	if ((strcmp(fn, "max") == 0 || strcmp(fn, "min") == 0) && a->n_pos >= 2 && a->n_pos <= 8) {
		struct st_py_val *best = NULL, acc = {0};
		for (size_t i = 0; i < a->n_pos; i++) {
			struct st_py_val *x = a->pos[i];
			if (x->kind != ST_PY_INT)
				return x->kind == ST_PY_UNKNOWN ? x : unknown(e, a->t0, a->t1, "%s() of values that are not integers", fn);
			if (x->derived) {
				acc.derived = 1;
				acc.dep = join_dep(e, acc.dep, x->dep);
			}
			if (!best || (fn[1] == 'a' ? x->i > best->i : x->i < best->i))
				best = x;
		}
		struct st_py_val *v = clone(e, best);
		return computed(e, v, &acc, NULL, a->t0, a->t1);
	}
	if (strcmp(fn, "multiprocessing.cpu_count") == 0 || strcmp(fn, "os.cpu_count") == 0 ||
	    strcmp(fn, "cpu_count") == 0 || strcmp(fn, "mp.cpu_count") == 0)
		return cpu_count(e, a->t0, a->t1);
	if (strcmp(fn, "environ.Env") == 0 || strcmp(fn, "Env") == 0) {
		struct st_py_val *env = mk(e, ST_PY_ENV, a->t0, a->t1);
		for (size_t i = 0; i < a->n_kw && env != &e->oom; i++) {
			struct st_py_val *k = str_val(e, a->kw_name[i], strlen(a->kw_name[i]), a->t0, a->t1);
			if (k != &e->oom && grow(e, env) == 0) {
				env->keys[env->n] = k;
				env->items[env->n++] = a->kw[i];
			}
		}
		return env;
	}
	if (strcmp(fn, "config") == 0 || strcmp(fn, "decouple.config") == 0)
		return decouple_config(e, a);
	if (strcmp(fn, "Csv") == 0 || strcmp(fn, "decouple.Csv") == 0) {
		struct st_py_val *v = mk(e, ST_PY_REF, a->t0, a->t1);
		v->s = "Csv";
		return v;
	}
	if (strcmp(fn, "dj_database_url.config") == 0)
		return dj_database_url(e, 0, a);
	if (strcmp(fn, "dj_database_url.parse") == 0)
		return dj_database_url(e, 1, a);
	if (strcmp(fn, "dict") == 0 && a->n_pos == 0) {
		struct st_py_val *d = mk(e, ST_PY_DICT, a->t0, a->t1);
		for (size_t i = 0; i < a->n_kw; i++)
			set_key(e, d, a->kw_name[i], a->kw[i], a->t0, a->t1);
		return d;
	}
	return unknown(e, a->t0, a->t1, "a call of '%s' is not evaluated", fn);
}

/* ---- operators ---------------------------------------------------------- */

static int to_str(struct ev *e, const struct st_py_val *v, struct st_buf *out)
{
	(void)e;
	switch (v->kind) {
	case ST_PY_STR:
		return st_buf_put(out, v->s, v->len);
	case ST_PY_INT:
		return st_buf_printf(out, "%lld", (long long)v->i);
	case ST_PY_BOOL:
		return st_buf_puts(out, v->i ? "True" : "False");
	case ST_PY_NONE:
		return st_buf_puts(out, "None");
	case ST_PY_FLOAT: {
		char tmp[64];
		for (int p = 1; p <= 17; p++) {
			snprintf(tmp, sizeof tmp, "%.*g", p, v->r);
			if (strtod(tmp, NULL) == v->r)
				break;
		}
		st_buf_puts(out, tmp);
		if (!strpbrk(tmp, ".eni"))
			st_buf_puts(out, ".0");
		return out->failed ? -1 : 0;
	}
	default:
		return -1;
	}
}

static int num(const struct st_py_val *v)
{
	return v->kind == ST_PY_INT || v->kind == ST_PY_BOOL || v->kind == ST_PY_FLOAT;
}

static double as_real(const struct st_py_val *v)
{
	return v->kind == ST_PY_FLOAT ? v->r : (double)v->i;
}

static struct st_py_val *binop(struct ev *e, const char *op, struct st_py_val *a, struct st_py_val *b, size_t t0,
                               size_t t1)
{
	if (a->kind == ST_PY_UNKNOWN)
		return a;
	if (b->kind == ST_PY_UNKNOWN)
		return b;
	if (a->kind == ST_PY_REF || b->kind == ST_PY_REF)
		return unknown(e, t0, t1, "'%s' refers to something that is not evaluated",
		               (a->kind == ST_PY_REF ? a : b)->s);
	struct st_py_val *v = alloc_val(e);
	if (v == &e->oom)
		return v;
	if (strcmp(op, "+") == 0 && a->kind == ST_PY_STR && b->kind == ST_PY_STR) {
		if (a->len + b->len > MAX_STR)
			return unknown(e, t0, t1, "string too long");
		char *p = st_arena_alloc(&e->sc->ctx->arena, a->len + b->len + 1);
		if (!p)
			return e->sc->ctx->oom = 1, &e->oom;
		memcpy(p, a->s, a->len);
		memcpy(p + a->len, b->s, b->len);
		v->kind = ST_PY_STR;
		v->s = p;
		v->len = a->len + b->len;
		return computed(e, v, a, b, t0, t1);
	}
	if (strcmp(op, "+") == 0 && (a->kind == ST_PY_LIST || a->kind == ST_PY_TUPLE) && a->kind == b->kind) {
		v->kind = a->kind;
		for (size_t i = 0; i < a->n; i++)
			if (list_push(e, v, a->items[i]) < 0)
				return unknown(e, t0, t1, "too many items");
		for (size_t i = 0; i < b->n; i++)
			if (list_push(e, v, b->items[i]) < 0)
				return unknown(e, t0, t1, "too many items");
		return computed(e, v, a, b, t0, t1);
	}
	if (strcmp(op, "|") == 0 && a->kind == ST_PY_DICT && b->kind == ST_PY_DICT) {
		v->kind = ST_PY_DICT;
		for (size_t i = 0; i < a->n; i++)
			dict_set(e, v, a->keys[i], a->items[i]);
		for (size_t i = 0; i < b->n; i++)
			dict_set(e, v, b->keys[i], b->items[i]);
		return computed(e, v, a, b, t0, t1);
	}
	if (strcmp(op, "%") == 0 && a->kind == ST_PY_STR) {
		/* "%s" formatting with %s / %d only */
		const struct st_py_val *const *items = (const struct st_py_val *const *)&b;
		size_t n_items = 1;
		if (b->kind == ST_PY_TUPLE) {
			items = (const struct st_py_val *const *)b->items;
			n_items = b->n;
		}
		struct st_buf out = {0};
		size_t k = 0;
		int bad = 0;
		struct st_py_val acc = {0};
		for (size_t i = 0; i < a->len && !bad; i++) {
			if (a->s[i] != '%') {
				st_buf_putc(&out, a->s[i]);
				continue;
			}
			char c = i + 1 < a->len ? a->s[i + 1] : 0;
			i++;
			if (c == '%') {
				st_buf_putc(&out, '%');
			} else if ((c == 's' || c == 'd') && k < n_items) {
				const struct st_py_val *x = items[k++];
				if (c == 'd' && x->kind != ST_PY_INT)
					bad = 1;
				else if (to_str(e, x, &out) < 0)
					bad = 1;
				if (x->derived) {
					acc.derived = 1;
					acc.dep = join_dep(e, acc.dep, x->dep);
				}
				acc.secret |= x->secret;
			} else {
				bad = 1;
			}
			if (out.len > MAX_STR)
				bad = 1;
		}
		if (bad || k != n_items || out.failed) {
			st_buf_free(&out);
			return unknown(e, t0, t1, "%%-formatting that is not evaluated");
		}
		v->kind = ST_PY_STR;
		v->s = st_arena_strndup(&e->sc->ctx->arena, out.len ? out.data : "", out.len);
		v->len = out.len;
		st_buf_free(&out);
		if (!v->s)
			return &e->oom;
		acc.derived |= a->derived;
		acc.dep = join_dep(e, a->dep, acc.dep);
		acc.secret |= a->secret;
		return computed(e, v, &acc, NULL, t0, t1);
	}
	if (strcmp(op, "*") == 0 && ((a->kind == ST_PY_STR && b->kind == ST_PY_INT) ||
	                             (a->kind == ST_PY_INT && b->kind == ST_PY_STR))) {
		const struct st_py_val *s = a->kind == ST_PY_STR ? a : b;
		int64_t times = a->kind == ST_PY_INT ? a->i : b->i;
		if (times < 0)
			times = 0;
		if (s->len && (uint64_t)times > MAX_STR / s->len)
			return unknown(e, t0, t1, "string too long");
		size_t len = s->len * (size_t)times;
		char *p = st_arena_alloc(&e->sc->ctx->arena, len + 1);
		if (!p)
			return e->sc->ctx->oom = 1, &e->oom;
		for (int64_t i = 0; i < times; i++)
			memcpy(p + (size_t)i * s->len, s->s, s->len);
		v->kind = ST_PY_STR;
		v->s = p;
		v->len = len;
		return computed(e, v, a, b, t0, t1);
	}
	if (!num(a) || !num(b))
		return unknown(e, t0, t1, "'%s' of values that are not evaluated as numbers", op);
	if (a->kind != ST_PY_FLOAT && b->kind != ST_PY_FLOAT && strcmp(op, "/") != 0) {
		int64_t x = a->i, y = b->i, r = 0;
		int ok = 1;
		if (strcmp(op, "+") == 0)
			ok = !__builtin_add_overflow(x, y, &r);
		else if (strcmp(op, "-") == 0)
			ok = !__builtin_sub_overflow(x, y, &r);
		else if (strcmp(op, "*") == 0)
			ok = !__builtin_mul_overflow(x, y, &r);
		else if (strcmp(op, "//") == 0 || strcmp(op, "%") == 0) {
			if (y == 0 || (x == INT64_MIN && y == -1))
				return unknown(e, t0, t1, "division by zero or overflow");
			int64_t q = x / y, m = x % y;
			if (m != 0 && ((m < 0) != (y < 0))) {
				q--;
				m += y;
			}
			r = op[0] == '/' ? q : m;
		} else if (strcmp(op, "**") == 0) {
			if (y < 0)
				return unknown(e, t0, t1, "negative powers are not evaluated");
			int64_t base = x, acc = 1;
			while (y > 0 && ok) {
				if (y & 1)
					ok = !__builtin_mul_overflow(acc, base, &acc);
				y >>= 1;
				if (y && ok)
					ok = !__builtin_mul_overflow(base, base, &base);
			}
			r = acc;
		} else if (strcmp(op, "<<") == 0) {
			ok = y >= 0 && y < 63 && x >= 0 && x <= (INT64_MAX >> y);
			r = ok ? x << y : 0;
		} else if (strcmp(op, ">>") == 0) {
			ok = y >= 0;
			r = ok ? (y > 63 ? (x < 0 ? -1 : 0) : x >> y) : 0;
		} else if (strcmp(op, "&") == 0)
			r = x & y;
		else if (strcmp(op, "|") == 0)
			r = x | y;
		else if (strcmp(op, "^") == 0)
			r = x ^ y;
		else
			ok = 0;
		if (!ok)
			return unknown(e, t0, t1, "'%s' overflows or is not evaluated", op);
		v->kind = ST_PY_INT;
		v->i = r;
		return computed(e, v, a, b, t0, t1);
	}
	double x = as_real(a), y = as_real(b), r;
	if (strcmp(op, "+") == 0)
		r = x + y;
	else if (strcmp(op, "-") == 0)
		r = x - y;
	else if (strcmp(op, "*") == 0)
		r = x * y;
	else if (strcmp(op, "/") == 0) {
		if (y == 0)
			return unknown(e, t0, t1, "division by zero");
		r = x / y;
	} else if (strcmp(op, "//") == 0) {
		if (y == 0)
			return unknown(e, t0, t1, "division by zero");
		r = floor(x / y);
	} else
		return unknown(e, t0, t1, "'%s' of real numbers is not evaluated", op);
	if (!isfinite(r))
		return unknown(e, t0, t1, "'%s' overflows", op);
	v->kind = ST_PY_FLOAT;
	v->r = r;
	return computed(e, v, a, b, t0, t1);
}

/* Equality as Python compares scalars; -1 when not evaluated. */
static int py_eq(const struct st_py_val *a, const struct st_py_val *b)
{
	if (a->kind == ST_PY_STR || b->kind == ST_PY_STR)
		return a->kind == b->kind && a->len == b->len && memcmp(a->s, b->s, a->len) == 0;
	if (num(a) && num(b))
		return as_real(a) == as_real(b);
	if (a->kind == ST_PY_NONE || b->kind == ST_PY_NONE)
		return a->kind == b->kind;
	return -1;
}

static struct st_py_val *compare(struct ev *e, const char *op, struct st_py_val *a, struct st_py_val *b, size_t t0,
                                 size_t t1)
{
	if (a->kind == ST_PY_UNKNOWN)
		return a;
	if (b->kind == ST_PY_UNKNOWN)
		return b;
	int r = -1;
	if (strcmp(op, "==") == 0 || strcmp(op, "!=") == 0 || strcmp(op, "is") == 0 || strcmp(op, "is not") == 0) {
		r = py_eq(a, b);
		if (r >= 0 && (op[0] == '!' || strcmp(op, "is not") == 0))
			r = !r;
	} else if (strcmp(op, "in") == 0 || strcmp(op, "not in") == 0) {
		if (b->kind == ST_PY_LIST || b->kind == ST_PY_TUPLE) {
			r = 0;
			for (size_t i = 0; i < b->n && r == 0; i++) {
				int q = py_eq(a, b->items[i]);
				r = q < 0 ? -1 : q;
			}
		} else if (b->kind == ST_PY_DICT) {
			r = dict_lookup(b, a) != NULL;
		} else if (b->kind == ST_PY_STR && a->kind == ST_PY_STR) {
			r = a->len == 0;
			for (size_t i = 0; !r && a->len <= b->len && i + a->len <= b->len; i++)
				r = memcmp(b->s + i, a->s, a->len) == 0;
		}
		if (r >= 0 && op[0] == 'n')
			r = !r;
	} else if (num(a) && num(b)) {
		double x = as_real(a), y = as_real(b);
		r = strcmp(op, "<") == 0 ? x < y : strcmp(op, ">") == 0 ? x > y : strcmp(op, "<=") == 0 ? x <= y : x >= y;
	}
	if (r < 0)
		return unknown(e, t0, t1, "comparison '%s' is not evaluated", op);
	struct st_py_val *v = mk(e, ST_PY_BOOL, t0, t1);
	if (v == &e->oom)
		return v;
	v->i = r;
	return computed(e, v, a, b, t0, t1);
}

/* ---- the precedence climb ---------------------------------------------- */

static struct st_py_val *parse_atom(struct ev *e)
{
	size_t t0 = e->pos;
	if (e->pos >= e->end)
		return unknown(e, t0 ? t0 - 1 : 0, t0, "an expression is missing");
	const struct tok *t = &e->t[e->pos];
	const char *s = src_of(e) + t->off;
	if (t->t == TK_STR)
		return parse_strings(e);
	if (t->t == TK_NUM)
		return parse_number(e);
	if (t->t == TK_NAME) {
		if (tok_is_keyword(e, e->pos)) {
			if (is_name(e, e->pos, "lambda")) {
				skip_expr(e);
				while (is_op(e, e->pos, ":")) { /* lambda x: body */
					e->pos++;
					skip_expr(e);
				}
				return unknown(e, t0, e->pos, "lambdas are not evaluated");
			}
			if (is_name(e, e->pos, "await") || is_name(e, e->pos, "yield")) {
				e->pos++;
				parse_test(e);
				return unknown(e, t0, e->pos, "await/yield are not evaluated");
			}
			return unknown(e, t0, t0 + 1, "unsupported syntax");
		}
		e->pos++;
		if (t->len == 4 && memcmp(s, "True", 4) == 0) {
			struct st_py_val *v = mk(e, ST_PY_BOOL, t0, e->pos);
			v->i = 1;
			return v;
		}
		if (t->len == 5 && memcmp(s, "False", 5) == 0)
			return mk(e, ST_PY_BOOL, t0, e->pos);
		if (t->len == 4 && memcmp(s, "None", 4) == 0)
			return mk(e, ST_PY_NONE, t0, e->pos);
		const char *name = st_arena_strndup(&e->sc->ctx->arena, s, t->len);
		if (!name)
			return e->sc->ctx->oom = 1, &e->oom;
		struct st_py_val *b = st_py_get(e->sc->m, name);
		if (b)
			return b;
		struct st_py_val *v = mk(e, ST_PY_REF, t0, e->pos);
		v->s = name;
		return v;
	}
	if (t->t == TK_OP && t->len == 1 && (*s == '(' || *s == '[' || *s == '{')) {
		e->pos++;
		return parse_display(e, *s, t0);
	}
	if (t->t == TK_OP && t->len == 3 && memcmp(s, "...", 3) == 0) {
		e->pos++;
		return unknown(e, t0, e->pos, "Ellipsis is not evaluated");
	}
	return unknown(e, t0, t0 + 1, "unsupported syntax");
}

static struct st_py_val *parse_primary(struct ev *e)
{
	size_t t0 = e->pos;
	struct st_py_val *v = parse_atom(e);
	for (;;) {
		if (is_op(e, e->pos, ".") && e->pos + 1 < e->end && e->t[e->pos + 1].t == TK_NAME) {
			const struct tok *nt = &e->t[e->pos + 1];
			e->pos += 2;
			if (v->kind == ST_PY_UNKNOWN)
				continue;
			struct st_py_val *r = mk(e, ST_PY_REF, t0, e->pos);
			if (r == &e->oom)
				return r;
			if (v->kind == ST_PY_REF) {
				r->s = st_arena_printf(&e->sc->ctx->arena, "%s.%.*s", v->s, (int)nt->len, src_of(e) + nt->off);
				r->base = v->base;
			} else {
				r->s = st_arena_strndup(&e->sc->ctx->arena, src_of(e) + nt->off, nt->len);
				r->base = v;
			}
			if (!r->s)
				return e->sc->ctx->oom = 1, &e->oom;
			v = r;
		} else if (is_op(e, e->pos, "(")) {
			struct args a = {.t0 = t0};
			e->pos++;
			parse_args(e, &a);
			v = call(e, v, &a);
		} else if (is_op(e, e->pos, "[")) {
			e->pos++;
			size_t k0 = e->pos;
			struct st_py_val *k = parse_test(e);
			if (!is_op(e, e->pos, "]")) {
				skip_to_close(e);
				v = v->kind == ST_PY_UNKNOWN ? v : unknown(e, t0, e->pos, "slices and tuple subscripts are not evaluated");
				continue;
			}
			e->pos++;
			(void)k0;
			if (v->kind == ST_PY_UNKNOWN)
				continue;
			if (v->kind == ST_PY_REF && !v->base && (strcmp(v->s, "os.environ") == 0 || strcmp(v->s, "environ") == 0)) {
				v = env_get(e, "os.environ[]", k, NULL, 1, t0, e->pos);
			} else if (k->kind == ST_PY_UNKNOWN) {
				v = k;
			} else if (v->kind == ST_PY_DICT) {
				struct st_py_val *x = dict_lookup(v, k);
				v = x ? x : unknown(e, t0, e->pos, "the key is not in the dict");
			} else if ((v->kind == ST_PY_LIST || v->kind == ST_PY_TUPLE || v->kind == ST_PY_STR) && k->kind == ST_PY_INT) {
				int64_t n = v->kind == ST_PY_STR ? (int64_t)v->len : (int64_t)v->n;
				int64_t i = k->i < 0 ? k->i + n : k->i;
				if (i < 0 || i >= n)
					v = unknown(e, t0, e->pos, "index out of range");
				else if (v->kind == ST_PY_STR)
					v = computed(e, str_val(e, v->s + i, 1, t0, e->pos), v, k, t0, e->pos);
				else
					v = v->items[i];
			} else {
				v = unknown(e, t0, e->pos, "a subscript that is not evaluated");
			}
		} else {
			return v;
		}
	}
}

static struct st_py_val *parse_factor(struct ev *e);

static struct st_py_val *parse_power(struct ev *e)
{
	size_t t0 = e->pos;
	struct st_py_val *v = parse_primary(e);
	if (is_op(e, e->pos, "**")) {
		e->pos++;
		struct st_py_val *y = parse_factor(e);
		v = binop(e, "**", v, y, t0, e->pos);
	}
	return v;
}

static struct st_py_val *parse_factor(struct ev *e)
{
	size_t t0 = e->pos;
	if (is_op(e, e->pos, "-") || is_op(e, e->pos, "+") || is_op(e, e->pos, "~")) {
		char op = src_of(e)[e->t[e->pos].off];
		e->pos++;
		if (++e->depth > MAX_DEPTH) {
			e->depth--;
			skip_expr(e);
			return unknown(e, t0, e->pos, "expression nested too deeply");
		}
		struct st_py_val *x = parse_factor(e);
		e->depth--;
		if (x->kind == ST_PY_UNKNOWN)
			return x;
		if (op == '+' && num(x))
			return x;
		if (op == '-' && (x->kind == ST_PY_INT || x->kind == ST_PY_BOOL) && x->i != INT64_MIN) {
			struct st_py_val *v = mk(e, ST_PY_INT, t0, e->pos);
			v->i = -x->i;
			return computed(e, v, x, NULL, t0, e->pos);
		}
		if (op == '-' && x->kind == ST_PY_FLOAT) {
			struct st_py_val *v = mk(e, ST_PY_FLOAT, t0, e->pos);
			v->r = -x->r;
			return computed(e, v, x, NULL, t0, e->pos);
		}
		if (op == '~' && x->kind == ST_PY_INT) {
			struct st_py_val *v = mk(e, ST_PY_INT, t0, e->pos);
			v->i = ~x->i;
			return computed(e, v, x, NULL, t0, e->pos);
		}
		return unknown(e, t0, e->pos, "unary '%c' of a value that is not a number", op);
	}
	return parse_power(e);
}

/* Binary levels, lowest first after comparisons. */
static const char *const level_ops[][5] = {
	{"|", NULL}, {"^", NULL}, {"&", NULL}, {"<<", ">>", NULL}, {"+", "-", NULL}, {"*", "/", "//", "%", "@"},
};
#define N_LEVELS (sizeof level_ops / sizeof level_ops[0])

static struct st_py_val *parse_level(struct ev *e, size_t level)
{
	if (level >= N_LEVELS)
		return parse_factor(e);
	size_t t0 = e->pos;
	struct st_py_val *v = parse_level(e, level + 1);
	for (;;) {
		const char *op = NULL;
		for (size_t k = 0; k < 5 && level_ops[level][k]; k++)
			if (is_op(e, e->pos, level_ops[level][k]))
				op = level_ops[level][k];
		if (!op)
			return v;
		e->pos++;
		struct st_py_val *y = parse_level(e, level + 1);
		v = binop(e, op, v, y, t0, e->pos);
	}
}

static struct st_py_val *parse_comparison(struct ev *e)
{
	size_t t0 = e->pos;
	struct st_py_val *v = parse_level(e, 0);
	static const char *const cmp_ops[] = {"==", "!=", "<=", ">=", "<", ">", NULL};
	for (;;) {
		const char *op = NULL;
		for (const char *const *o = cmp_ops; *o; o++)
			if (is_op(e, e->pos, *o))
				op = *o;
		size_t skip = 1;
		if (!op && is_name(e, e->pos, "in"))
			op = "in";
		else if (!op && is_name(e, e->pos, "not") && is_name(e, e->pos + 1, "in"))
			op = "not in", skip = 2;
		else if (!op && is_name(e, e->pos, "is") && is_name(e, e->pos + 1, "not"))
			op = "is not", skip = 2;
		else if (!op && is_name(e, e->pos, "is"))
			op = "is";
		if (!op)
			return v;
		e->pos += skip;
		struct st_py_val *y = parse_level(e, 0);
		v = compare(e, op, v, y, t0, e->pos); /* chained comparisons: evaluated left to right, close enough */
	}
}

static struct st_py_val *parse_not(struct ev *e)
{
	size_t t0 = e->pos;
	if (is_name(e, e->pos, "not")) {
		e->pos++;
		if (++e->depth > MAX_DEPTH) {
			e->depth--;
			skip_expr(e);
			return unknown(e, t0, e->pos, "expression nested too deeply");
		}
		struct st_py_val *x = parse_not(e);
		e->depth--;
		int t = st_py_truth(x);
		if (t < 0)
			return x->kind == ST_PY_UNKNOWN ? x : unknown(e, t0, e->pos, "'not' of a value that is not evaluated");
		struct st_py_val *v = mk(e, ST_PY_BOOL, t0, e->pos);
		v->i = !t;
		return computed(e, v, x, NULL, t0, e->pos);
	}
	return parse_comparison(e);
}

static struct st_py_val *parse_andor(struct ev *e, int is_or)
{
	size_t t0 = e->pos;
	struct st_py_val *v = is_or ? parse_andor(e, 0) : parse_not(e);
	while (is_name(e, e->pos, is_or ? "or" : "and")) {
		e->pos++;
		struct st_py_val *y = is_or ? parse_andor(e, 0) : parse_not(e);
		int t = st_py_truth(v);
		if (t < 0) {
			v = v->kind == ST_PY_UNKNOWN ? v : unknown(e, t0, e->pos, "'%s' of a value that is not evaluated", is_or ? "or" : "and");
			continue;
		}
		/* x or y: x when truthy; x and y: x when falsy */
		if (is_or && !t && v->kind == ST_PY_NONE && v->unset && y->kind != ST_PY_UNKNOWN)
			v = as_default(e, y, v->unset); /* os.getenv('X') or 'default' */
		else
			v = (is_or ? t : !t) ? v : y;
	}
	return v;
}

static struct st_py_val *parse_or(struct ev *e)
{
	return parse_andor(e, 1);
}

static struct st_py_val *parse_test(struct ev *e)
{
	size_t t0 = e->pos;
	if (++e->depth > MAX_DEPTH) {
		e->depth--;
		skip_expr(e);
		if (e->pos == t0 && e->pos < e->end)
			e->pos++;
		return unknown(e, t0, e->pos, "expression nested too deeply");
	}
	struct st_py_val *v = parse_or(e);
	if (is_name(e, e->pos, "if")) {
		e->pos++;
		struct st_py_val *c = parse_or(e);
		struct st_py_val *other = NULL;
		if (is_name(e, e->pos, "else")) {
			e->pos++;
			other = parse_test(e);
		}
		int t = st_py_truth(c);
		if (!other)
			v = unknown(e, t0, e->pos, "unsupported syntax");
		else if (t < 0)
			v = unknown(e, t0, e->pos, "a conditional expression whose condition is not evaluated");
		else {
			struct st_py_val *pick = t ? v : other;
			if (c->derived && pick->kind != ST_PY_UNKNOWN)
				v = computed(e, clone(e, pick), pick, c, t0, e->pos);
			else
				v = pick;
		}
	} else if (is_op(e, e->pos, ":=")) {
		e->pos++;
		v = parse_test(e);
	}
	e->depth--;
	return v;
}

/* Parses a whole expression list (a, b -> tuple). */
static struct st_py_val *parse_testlist(struct ev *e)
{
	size_t t0 = e->pos;
	struct st_py_val *v = parse_test(e);
	if (!is_op(e, e->pos, ","))
		return v;
	struct st_py_val *tup = mk(e, ST_PY_TUPLE, t0, e->pos);
	if (tup == &e->oom)
		return tup;
	list_push(e, tup, v);
	while (is_op(e, e->pos, ",")) {
		e->pos++;
		if (e->pos >= e->end || is_op(e, e->pos, "=") || is_op(e, e->pos, ")"))
			break;
		list_push(e, tup, parse_test(e));
	}
	tup->origin = span_origin(e, t0, e->pos);
	return tup;
}

/* Evaluates the source range s[a, b) as an expression in the current module (f-string parts). */
static struct st_py_val *eval_range(struct ev *e, size_t a, size_t b, unsigned line, unsigned col, size_t line_off)
{
	struct toks ts = {0};
	if (e->depth >= MAX_DEPTH)
		return unknown(e, e->pos ? e->pos - 1 : 0, e->pos, "f-strings nested too deeply");
	if (tokenize(e->sc->ctx, src_of(e), a, b, line, col, line_off, 0, &ts) < 0) {
		free(ts.v);
		return &e->oom;
	}
	if (ts.n == 0) {
		free(ts.v);
		return unknown(e, e->pos ? e->pos - 1 : 0, e->pos, "an empty f-string part");
	}
	/* the tokens live until the scan ends: values keep origins, not token pointers */
	struct ev sub = {.sc = e->sc, .t = ts.v, .pos = 0, .end = ts.n, .depth = e->depth + 1};
	struct st_py_val *v = parse_testlist(&sub);
	if (sub.pos != sub.end && v->kind != ST_PY_UNKNOWN)
		v = unknown(&sub, 0, sub.end, "unsupported syntax in an f-string part");
	if (v == &sub.oom)
		v = &e->oom;
	free(ts.v);
	return v;
}

/* ---- statements ---------------------------------------------------------- */

struct st_py_val *st_py_get(const struct st_py_module *m, const char *name)
{
	if (!m || !name)
		return NULL;
	for (size_t i = m->n; i > 0; i--)
		if (strcmp(m->b[i - 1].name, name) == 0)
			return m->b[i - 1].val;
	return NULL;
}

static int bind(struct scan *sc, const char *name, struct st_py_val *v)
{
	struct st_py_module *m = sc->m;
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->b[i].name, name) == 0) {
			m->b[i].val = v;
			return 0;
		}
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 32;
		struct st_py_binding *p = st_arena_alloc(&sc->ctx->arena, cap * sizeof(*p));
		if (!p) {
			sc->ctx->oom = 1;
			return -1;
		}
		if (m->n)
			memcpy(p, m->b, m->n * sizeof(*p));
		m->b = p;
		m->cap = cap;
	}
	m->b[m->n].name = name;
	m->b[m->n++].val = v;
	return 0;
}

/* Keeps old, about to be replaced under name by this module's statement, as a dead earlier value. */
static void note_earlier(struct scan *sc, const char *name, struct st_py_val *old)
{
	struct st_py_module *m = sc->m;
	for (size_t i = 0; i < m->n; i++) {
		struct st_py_binding *b = &m->b[i];
		if (strcmp(b->name, name) != 0)
			continue;
		struct st_py_val **nv = st_arena_alloc(&sc->ctx->arena, (b->n_earlier + 1) * sizeof(*nv));
		if (!nv) {
			sc->ctx->oom = 1;
			return;
		}
		if (b->n_earlier)
			memcpy(nv, b->earlier, b->n_earlier * sizeof(*nv));
		nv[b->n_earlier++] = old;
		b->earlier = nv;
		return;
	}
}

static void note_import(struct scan *sc, const char *path)
{
	struct st_py_module *m = sc->m;
	for (size_t i = 0; i < m->n_imported; i++)
		if (strcmp(m->imported[i], path) == 0)
			return;
	if (m->n_imported == m->cap_imported) {
		size_t cap = m->cap_imported ? m->cap_imported * 2 : 8;
		const char **p = st_arena_alloc(&sc->ctx->arena, cap * sizeof(*p));
		if (!p) {
			sc->ctx->oom = 1;
			return;
		}
		if (m->n_imported)
			memcpy(p, m->imported, m->n_imported * sizeof(*p));
		m->imported = p;
		m->cap_imported = cap;
	}
	m->imported[m->n_imported++] = path;
}

static int scan_module(struct scan *parent, struct st_ctx *ctx, const struct st_file *f, const struct st_py_hooks *h,
                       struct st_py_module *out);

/* from <dots><module> import * */
static void import_star(struct ev *e, size_t t0, size_t t1)
{
	struct scan *sc = e->sc;
	size_t i = t0 + 1;
	int level = 0;
	while (i < t1 && (is_op(e, i, ".") || is_op(e, i, "..."))) {
		level += e->t[i].len == 3 ? 3 : 1;
		i++;
	}
	struct st_buf mod = {0};
	while (i < t1 && !is_name(e, i, "import")) {
		st_buf_put(&mod, src_of(e) + e->t[i].off, e->t[i].len);
		i++;
	}
	struct st_origin o = span_origin(e, t0, t1);
	if (!sc->h || !sc->h->import_module || mod.failed) {
		st_buf_free(&mod);
		return;
	}
	struct st_file f;
	const char *modname = st_arena_strdup(&sc->ctx->arena, st_buf_cstr(&mod));
	st_buf_free(&mod);
	if (!modname)
		return;
	if (sc->h->import_module(sc->h->user, sc->path, level, modname, &f) < 0) {
		st_diag(sc->ctx, ST_SEV_INFO, &o, "'from %.*s%s import *': the module is not in the audited tree; its "
		        "settings are not seen", level, "...........", modname);
		return;
	}
	for (size_t k = 0; k < sc->n_chain; k++)
		if (strcmp(sc->chain[k], f.path) == 0) {
			st_diag(sc->ctx, ST_SEV_WARNING, &o, "circular 'import *' of %s", f.path);
			return;
		}
	if (sc->import_depth >= MAX_IMPORT_DEPTH) {
		st_diag(sc->ctx, ST_SEV_WARNING, &o, "'import *' nested too deeply");
		return;
	}
	struct st_py_module sub = {0};
	if (scan_module(sc, sc->ctx, &f, sc->h, &sub) < 0)
		return;
	note_import(sc, f.path);
	for (size_t k = 0; k < sub.n_imported; k++)
		note_import(sc, sub.imported[k]);
	for (size_t k = 0; k < sub.n; k++)
		if (sub.b[k].name[0] != '_')
			bind(sc, sub.b[k].name, sub.b[k].val);
}

/* Assigns v to one target tokens [a, b): NAME, NAME[k]..., or a tuple of names. cond: conditional note. */
static void assign(struct ev *e, size_t a, size_t b, struct st_py_val *v, const char *cond, const char *augop,
                   size_t rhs0, size_t rhs1)
{
	struct scan *sc = e->sc;
	if (a >= b)
		return;
	/* annotated: NAME : type */
	for (size_t i = a; i < b; i++)
		if (is_op(e, i, ":")) {
			b = i;
			break;
		}
	if (b == a + 1 && e->t[a].t == TK_NAME) {
		const char *name = st_arena_strndup(&sc->ctx->arena, src_of(e) + e->t[a].off, e->t[a].len);
		if (!name)
			return;
		struct st_py_val *old = st_py_get(sc->m, name);
		if (augop) {
			if (!old)
				v = unknown(e, a, rhs1, "'%s' of a name not bound before", augop);
			else {
				char op[4] = {0};
				memcpy(op, augop, strlen(augop) - 1);
				struct st_py_val *r = binop(e, op, old, v, a, rhs1);
				if ((old->kind == ST_PY_LIST) && r->kind == ST_PY_LIST && !cond) {
					/* += extends the list in place: names bound to it see the change */
					old->items = r->items;
					old->n = r->n;
					old->cap = r->cap;
					r = old;
				}
				v = r;
			}
		}
		if (v->kind == ST_PY_REF) {
			if (v->base || !v->s)
				v = unknown(e, rhs0, rhs1, "a method or attribute that is not evaluated");
			else
				v = unknown(e, rhs0, rhs1, "'%s' is not evaluated", v->s);
		}
		if (cond) {
			if (old) {
				/* the unconditional value stays; say that it may change */
				struct st_py_val *n = clone(e, old);
				n->conditional = st_arena_printf(&sc->ctx->arena, "%s%smay be reassigned %s",
				                                 old->conditional ? old->conditional : "",
				                                 old->conditional ? "; " : "", cond);
				bind(sc, name, n);
				return;
			}
			v = clone(e, v);
			v->conditional = st_arena_printf(&sc->ctx->arena, "conditional: assigned %s", cond);
		} else if (old && !augop && old->module && sc->path && strcmp(old->module, sc->path) == 0) {
			/* X = 1 ... X = 2: the first value is dead unless the new one reads it (X = X + 1) */
			int reads_old = 0;
			for (size_t i = rhs0; i < rhs1 && !reads_old; i++)
				reads_old = e->t[i].t == TK_NAME && e->t[i].len == strlen(name) &&
				            memcmp(src_of(e) + e->t[i].off, name, e->t[i].len) == 0;
			if (!reads_old)
				note_earlier(sc, name, old);
		}
		bind(sc, name, v);
		return;
	}
	if (e->t[a].t == TK_NAME && is_op(e, a + 1, "[")) {
		/* NAME[k1][k2]... = v: set inside dicts bound earlier */
		if (cond)
			return;
		struct ev sub = *e;
		sub.pos = a;
		sub.end = b;
		struct st_py_val *container = parse_atom(&sub);
		while (sub.pos < b && is_op(&sub, sub.pos, "[")) {
			sub.pos++;
			struct st_py_val *k = parse_test(&sub);
			if (!is_op(&sub, sub.pos, "]"))
				return;
			sub.pos++;
			if (container->kind != ST_PY_DICT || k->kind == ST_PY_UNKNOWN || k->kind == ST_PY_REF)
				return;
			if (sub.pos >= b) {
				if (augop) {
					struct st_py_val *old = dict_lookup(container, k);
					char op[4] = {0};
					memcpy(op, augop, strlen(augop) - 1);
					v = old ? binop(e, op, old, v, a, rhs1) : unknown(e, a, rhs1, "'%s' of a missing key", augop);
				}
				dict_set(e, container, k, v);
				return;
			}
			container = dict_lookup(container, k);
			if (!container)
				return;
		}
		return;
	}
	/* a, b = x, y */
	size_t n_names = 0;
	for (size_t i = a; i < b; i++) {
		if (e->t[i].t == TK_NAME && (i + 1 == b || is_op(e, i + 1, ",")))
			n_names++;
		else if (!is_op(e, i, ",") && !is_op(e, i, "(") && !is_op(e, i, ")") && !is_op(e, i, "[") && !is_op(e, i, "]"))
			return; /* starred or attribute targets: nothing bound that settings use */
	}
	size_t k = 0;
	for (size_t i = a; i < b; i++) {
		if (e->t[i].t != TK_NAME)
			continue;
		struct st_py_val *x = (v->kind == ST_PY_TUPLE || v->kind == ST_PY_LIST) && v->n == n_names
		                              ? v->items[k]
		                              : unknown(e, rhs0, rhs1, "unpacking is not evaluated");
		k++;
		assign(e, i, i + 1, x, cond, NULL, rhs0, rhs1);
	}
}

/* One simple statement over tokens [a, b). */
static void simple_statement(struct ev *e, size_t a, size_t b, const char *cond)
{
	if (a >= b)
		return;
	e->pos = a;
	e->end = b;
	if (is_name(e, a, "from")) {
		if (is_op(e, b - 1, "*") && is_name(e, b - 2, "import"))
			import_star(e, a, b);
		return;
	}
	static const char *const skip[] = {"import", "pass", "del", "global", "nonlocal", "assert", "raise", "return",
	                                   "break", "continue", "print", NULL};
	for (const char *const *k = skip; *k; k++)
		if (is_name(e, a, *k))
			return;
	/* find '=' (chains) or an augmented operator at depth 0 */
	size_t eqs[16];
	size_t n_eq = 0;
	const char *augop = NULL;
	size_t aug_at = 0;
	int depth = 0;
	static const char *const augs[] = {"+=", "-=", "*=", "/=", "//=", "%=", "|=", "&=", "**=", NULL};
	for (size_t i = a; i < b; i++) {
		const struct tok *t = &e->t[i];
		if (t->t == TK_OP && t->len == 1) {
			char c = src_of(e)[t->off];
			if (c == '(' || c == '[' || c == '{')
				depth++;
			else if ((c == ')' || c == ']' || c == '}') && depth > 0)
				depth--;
			else if (c == '=' && depth == 0 && n_eq < 16)
				eqs[n_eq++] = i;
		} else if (t->t == TK_OP && depth == 0 && !augop && !n_eq) {
			for (const char *const *g = augs; *g; g++)
				if (is_op(e, i, *g)) {
					augop = *g;
					aug_at = i;
				}
		} else if (is_name(e, i, "lambda") && depth == 0) {
			break; /* '=' after lambda belongs to default arguments */
		}
	}
	if (augop) {
		e->pos = aug_at + 1;
		struct st_py_val *v = parse_testlist(e);
		if (e->pos != b && v->kind != ST_PY_UNKNOWN)
			v = unknown(e, aug_at + 1, b, "unsupported syntax");
		assign(e, a, aug_at, v, cond, augop, aug_at + 1, b);
		return;
	}
	if (!n_eq) {
		/* expression statements: X.update({...}) / X.append(x) / X.extend([...]) change X in place */
		if (cond || b - a < 4 || e->t[a].t != TK_NAME)
			return;
		size_t dot = a + 1;
		if (!is_op(e, dot, ".") || e->t[dot + 1].t != TK_NAME || !is_op(e, dot + 2, "("))
			return;
		const char *name = st_arena_strndup(&e->sc->ctx->arena, src_of(e) + e->t[a].off, e->t[a].len);
		struct st_py_val *target = st_py_get(e->sc->m, name);
		if (!target)
			return;
		e->pos = dot + 3;
		struct args args = {.t0 = a};
		parse_args(e, &args);
		if (args.starred || args.n_pos != 1)
			return;
		struct st_py_val *x = args.pos[0];
		if (is_name(e, dot + 1, "update") && target->kind == ST_PY_DICT && x->kind == ST_PY_DICT) {
			for (size_t i = 0; i < x->n; i++)
				dict_set(e, target, x->keys[i], x->items[i]);
		} else if (is_name(e, dot + 1, "append") && target->kind == ST_PY_LIST) {
			list_push(e, target, x);
		} else if (is_name(e, dot + 1, "extend") && target->kind == ST_PY_LIST &&
		           (x->kind == ST_PY_LIST || x->kind == ST_PY_TUPLE)) {
			for (size_t i = 0; i < x->n; i++)
				list_push(e, target, x->items[i]);
		}
		return;
	}
	size_t rhs0 = eqs[n_eq - 1] + 1;
	e->pos = rhs0;
	struct st_py_val *v = rhs0 < b ? parse_testlist(e) : unknown(e, a, b, "an assignment without a value");
	if (e->pos != b && v->kind != ST_PY_UNKNOWN)
		v = unknown(e, rhs0, b, "unsupported syntax");
	size_t ta = a;
	for (size_t k = 0; k < n_eq; k++) {
		assign(e, ta, eqs[k], v, cond, NULL, rhs0, b);
		ta = eqs[k] + 1;
	}
}

struct block {
	unsigned indent;
	int skip;        /* def / class body: not executed at import */
	const char *cond; /* the conditional note of this block, or NULL */
};

static const char *block_cond(struct ev *e, size_t a, const struct tok *kw)
{
	static const char *const conds[] = {"if", "elif", "else", "except", "for", "while", "match", "case", NULL};
	for (const char *const *k = conds; *k; k++)
		if (is_name(e, a, *k))
			return st_arena_printf(&e->sc->ctx->arena, "inside '%s' at line %u", *k, kw->line);
	return NULL;
}

static int is_block_keyword(struct ev *e, size_t a)
{
	static const char *const kws[] = {"if", "elif", "else", "try", "except", "finally", "for", "while", "with",
	                                  "def", "class", "async", "match", "case", NULL};
	for (const char *const *k = kws; *k; k++)
		if (is_name(e, a, *k))
			return 1;
	return is_op(e, a, "@"); /* a decorator line */
}

static int scan_module(struct scan *parent, struct st_ctx *ctx, const struct st_file *f, const struct st_py_hooks *h,
                       struct st_py_module *out)
{
	memset(out, 0, sizeof(*out));
	out->path = st_arena_strdup(&ctx->arena, f->path ? f->path : "");
	if (!out->path)
		return ctx->oom = 1, -1;
	struct scan sc = {.ctx = ctx, .h = h, .m = out, .path = out->path, .src = f->data, .size = f->size};
	const char *chain_buf[MAX_IMPORT_DEPTH + 2];
	size_t n_chain = 0;
	if (parent) {
		sc.import_depth = parent->import_depth + 1;
		for (size_t i = 0; i < parent->n_chain && n_chain < MAX_IMPORT_DEPTH + 1; i++)
			chain_buf[n_chain++] = parent->chain[i];
	}
	chain_buf[n_chain++] = out->path;
	sc.chain = chain_buf;
	sc.n_chain = n_chain;
	size_t start = 0;
	if (f->size >= 3 && memcmp(f->data, "\xEF\xBB\xBF", 3) == 0)
		start = 3;
	struct toks ts = {0};
	if (tokenize(ctx, f->data, start, f->size, 1, 1, start, 1, &ts) < 0) {
		free(ts.v);
		return -1;
	}
	struct block *blocks = NULL;
	size_t n_blocks = 0, cap_blocks = 0;
	struct ev e = {.sc = &sc, .t = ts.v, .end = ts.n};
	size_t i = 0;
	while (i < ts.n && !ctx->oom) {
		size_t a = i;
		while (i < ts.n && ts.v[i].t != TK_NL)
			i++;
		size_t b = i;
		i++; /* past NL */
		if (a >= b)
			continue;
		unsigned indent = ts.v[a].col;
		while (n_blocks && blocks[n_blocks - 1].indent >= indent)
			n_blocks--;
		int skipping = 0;
		const char *cond = NULL;
		for (size_t k = 0; k < n_blocks; k++) {
			skipping |= blocks[k].skip;
			if (blocks[k].cond)
				cond = blocks[k].cond;
		}
		e.end = b;
		if (is_block_keyword(&e, a)) {
			/* header: up to the ':' at depth 0; the rest of the line is the body */
			int depth = 0;
			size_t colon = b;
			for (size_t k = a; k < b; k++) {
				const struct tok *t = &ts.v[k];
				if (t->t == TK_OP && t->len == 1) {
					char c = f->data[t->off];
					if (c == '(' || c == '[' || c == '{')
						depth++;
					else if ((c == ')' || c == ']' || c == '}') && depth > 0)
						depth--;
					else if (c == ':' && depth == 0 && !is_name(&e, a, "lambda")) {
						colon = k;
						break;
					}
				}
			}
			if (is_op(&e, a, "@"))
				continue;
			if (colon < b || is_name(&e, a, "else") || is_name(&e, a, "try") || is_name(&e, a, "finally")) {
				if (n_blocks == cap_blocks) {
					size_t cap = cap_blocks ? cap_blocks * 2 : 16;
					struct block *p = realloc(blocks, cap * sizeof(*p));
					if (!p) {
						ctx->oom = 1;
						break;
					}
					blocks = p;
					cap_blocks = cap;
				}
				struct block bl = {.indent = indent};
				bl.skip = is_name(&e, a, "def") || is_name(&e, a, "class") || is_name(&e, a, "async");
				bl.cond = block_cond(&e, a, &ts.v[a]);
				blocks[n_blocks++] = bl;
				if (!bl.skip && !skipping && colon + 1 < b) {
					const char *c2 = bl.cond ? bl.cond : cond;
					size_t s0 = colon + 1;
					for (size_t k = s0; k <= b; k++)
						if (k == b || is_op(&e, k, ";")) {
							e.end = b;
							simple_statement(&e, s0, k, c2);
							s0 = k + 1;
						}
				}
				continue;
			}
		}
		if (skipping)
			continue;
		/* simple statements separated by ';' */
		size_t s0 = a;
		for (size_t k = a; k <= b; k++)
			if (k == b || is_op(&e, k, ";")) {
				e.end = b;
				simple_statement(&e, s0, k, cond);
				s0 = k + 1;
			}
	}
	free(blocks);
	free(ts.v);
	return ctx->oom ? -1 : 0;
}

int st_py_scan(struct st_ctx *ctx, const struct st_file *f, const struct st_py_hooks *hooks, struct st_py_module *out)
{
	if (!ctx || !f || !f->data || !out)
		return -1;
	return scan_module(NULL, ctx, f, hooks, out);
}

/* ---- helpers shared by the application loaders ---------------------------- */

const char *st_app_name(struct st_ctx *ctx, const char *path)
{
	const char *slash = path ? strchr(path, '/') : NULL;
	const char *r = slash && slash > path ? st_arena_strndup(&ctx->arena, path, (size_t)(slash - path))
	                                      : st_arena_strdup(&ctx->arena, "app");
	if (!r)
		ctx->oom = 1;
	return r;
}

int st_app_getenv(struct st_ctx *ctx, const char *path, const char *name, struct st_py_env_hit *out)
{
	if (!path || !name)
		return 0;
	size_t dir = 0;
	const char *slash = strrchr(path, '/');
	dir = slash ? (size_t)(slash - path) : 0;
	for (;;) {
		const char *fact = dir ? st_arena_printf(&ctx->arena, "env.%.*s/.env.%s", (int)dir, path, name)
		                       : st_arena_printf(&ctx->arena, "env..env.%s", name);
		if (!fact) {
			ctx->oom = 1;
			return 0;
		}
		const struct st_fact *f = st_fact_get(ctx, fact);
		if (f && f->value.kind == ST_VAL_STRING && f->value.text) {
			out->value = f->value.text;
			out->origin = f->origin;
			out->secret = f->value.secret;
			return 1;
		}
		/* TODO(integrator): compose `environment:` of the service built from this app (<svc>.env.<KEY>)
		 * once the compose loader records which service builds which directory. */
		if (!dir)
			return 0;
		while (dir > 0 && path[dir - 1] != '/')
			dir--;
		if (dir > 0)
			dir--; /* drop the slash */
	}
}

int st_app_cpus(struct st_ctx *ctx, int64_t *out)
{
	const struct st_fact *f = st_fact_get(ctx, "host.cpus");
	if (!f || f->value.kind != ST_VAL_INT || f->value.i <= 0)
		return 0;
	*out = f->value.i;
	return 1;
}

int st_app_probe(struct st_ctx *ctx, const char *relpath, struct st_file *out)
{
	/* scanners probe the same candidates for every source file (go.mod above each .go file): read each once */
	static const char missing = 0;
	char key[1024];
	int kl = snprintf(key, sizeof key, "probe:%s", relpath);
	void **slot = kl > 0 && (size_t)kl < sizeof key ? st_memo_slot(ctx, key) : NULL;
	if (slot && *slot == &missing)
		return -1;
	if (slot && *slot) {
		*out = *(const struct st_file *)*slot;
		return 0;
	}
	size_t n = ctx->diags.n;
	if (st_file_read(ctx, relpath, NULL, out) == 0) {
		struct st_file *keep = slot ? st_arena_alloc(&ctx->arena, sizeof(*keep)) : NULL;
		if (keep) {
			*keep = *out;
			*slot = keep;
		}
		return 0;
	}
	ctx->diags.n = n; /* a missing candidate is not worth a diagnostic */
	if (slot)
		*slot = (void *)&missing;
	return -1;
}

struct st_fact *st_app_fact_once(struct st_ctx *ctx, const char *name, const char *component, struct st_value v,
                                 const struct st_origin *o, int layer)
{
	const struct st_fact_entry *en = st_fact_entry(ctx, name);
	for (size_t i = 0; en && i < en->n; i++) {
		const struct st_fact *f = en->chain[i];
		if (f->layer == layer && f->origin.kind == o->kind && f->origin.line == o->line && f->origin.col == o->col &&
		    ((!f->origin.file && !o->file) || (f->origin.file && o->file && strcmp(f->origin.file, o->file) == 0)))
			return NULL;
	}
	struct st_fact *f = st_fact_set(ctx, name, component, v, o, layer);
	if (!f)
		ctx->oom = 1;
	return f;
}
