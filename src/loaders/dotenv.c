/* .env files as docker compose (env_file), python-dotenv and motdotla/dotenv read them: KEY=value lines, quotes,
 * escapes in double quotes, ${VAR} interpolation against keys defined earlier in the same file. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "stacktune/loaders.h"

/* Past this many errors in one file the rest are summarised: a binary or hostile file must not flood. */
#define MAX_ERRORS_PER_FILE 50
/* ${A:-${B:-...}} deeper than this is cut off with an error. */
#define MAX_NESTING 32

struct dotenv_var {
	const char *key;
	size_t key_len;
	const char *value;
	int secret;
};

struct dotenv {
	struct st_ctx *ctx;
	const char *path;
	const char *s;
	size_t n;
	struct dotenv_var *vars;
	size_t n_vars, cap_vars;
	unsigned errors;
	/* per value */
	const char *key;
	size_t key_len;
	unsigned line, col;
	const char *undefined; /* first undefined variable name, not NUL-terminated */
	size_t undefined_len;
	int used_secret;  /* the value took text from a secret variable */
	int warned_nesting;
};

enum { MODE_UNQUOTED, MODE_DOUBLE };

enum st_match st_dotenv_match(const char *path, const char *name, const char *head, size_t head_len)
{
	(void)head;
	(void)head_len;
	if (!name && path) {
		const char *slash = strrchr(path, '/');
		name = slash ? slash + 1 : path;
	}
	if (!name)
		return ST_MATCH_NO;
	size_t n = strlen(name);
	if (strcmp(name, ".env") == 0)
		return ST_MATCH_YES;
	if (n > 5 && strncmp(name, ".env.", 5) == 0)
		return ST_MATCH_YES; /* .env.production, .env.local, .env.example */
	if (n > 4 && strcmp(name + n - 4, ".env") == 0)
		return ST_MATCH_YES; /* prod.env, backend.env */
	return ST_MATCH_NO;
}

static int is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static int key_char(int c)
{
	return isalnum(c) || c == '_' || c == '.' || c == '-';
}

static int name_start(int c)
{
	return isalpha(c) || c == '_';
}

static int name_char(int c)
{
	return isalnum(c) || c == '_';
}

__attribute__((format(printf, 5, 6))) static void diag_at(struct dotenv *d, enum st_severity sev, unsigned line,
                                                          unsigned col, const char *fmt, ...)
{
	if (sev == ST_SEV_ERROR && ++d->errors > MAX_ERRORS_PER_FILE)
		return;
	struct st_origin o = st_origin_file(d->path, line, col);
	va_list ap;
	va_start(ap, fmt);
	st_vdiag(d->ctx, sev, &o, fmt, ap);
	va_end(ap);
}

static const struct dotenv_var *lookup(const struct dotenv *d, const char *name, size_t n)
{
	for (size_t i = d->n_vars; i > 0; i--) {
		const struct dotenv_var *v = &d->vars[i - 1];
		if (v->key_len == n && memcmp(v->key, name, n) == 0)
			return v;
	}
	return NULL;
}

static void note_undefined(struct dotenv *d, const char *name, size_t n)
{
	if (!d->undefined) {
		d->undefined = name;
		d->undefined_len = n;
	}
}

static void expand(struct dotenv *d, const char *s, size_t n, int mode, int depth, struct st_buf *out);

/* Appends the value of a variable reference; returns the value used (NULL when unset). */
static const char *var_value(struct dotenv *d, const char *name, size_t n)
{
	const struct dotenv_var *v = lookup(d, name, n);
	if (!v)
		return NULL;
	if (v->secret)
		d->used_secret = 1;
	return v->value;
}

/* Finds the '}' closing the "${" at s[i]; returns its index or n. */
static size_t match_brace(const char *s, size_t i, size_t n, int mode)
{
	int level = 1;
	for (size_t k = i + 2; k < n; k++) {
		if (mode == MODE_DOUBLE && s[k] == '\\' && k + 1 < n) {
			k++;
		} else if (s[k] == '$' && k + 1 < n && s[k + 1] == '{') {
			level++;
			k++;
		} else if (s[k] == '}' && --level == 0) {
			return k;
		}
	}
	return n;
}

/* ${NAME}, ${NAME:-word}, ${NAME-word}, ${NAME:+word}, ${NAME+word}, ${NAME:?msg}, ${NAME?msg} (compose). */
static size_t expand_braced(struct dotenv *d, const char *s, size_t i, size_t n, int mode, int depth,
                            struct st_buf *out)
{
	size_t close = match_brace(s, i, n, mode);
	if (close >= n) {
		diag_at(d, ST_SEV_WARNING, d->line, d->col,
		        "unterminated '${' in the value of '%.*s': kept as written", (int)d->key_len, d->key);
		st_buf_put(out, s + i, n - i);
		return n;
	}
	size_t ns = i + 2, ne = ns;
	if (ne < close && name_start((unsigned char)s[ne]))
		while (ne < close && name_char((unsigned char)s[ne]))
			ne++;
	int colon = 0;
	char op = 0;
	size_t w = ne;
	if (ne < close) {
		colon = s[w] == ':';
		w += colon;
		if (w < close && strchr("-=+?", s[w]))
			op = s[w++];
	}
	if (ne == ns || (ne < close && !op)) {
		diag_at(d, ST_SEV_WARNING, d->line, d->col, "invalid variable reference in the value of '%.*s': kept as written",
		        (int)d->key_len, d->key);
		st_buf_put(out, s + i, close + 1 - i);
		return close + 1;
	}
	const struct dotenv_var *v = lookup(d, s + ns, ne - ns);
	int set = v != NULL;
	int usable = colon ? set && v->value[0] : set;
	switch (op) {
	case 0:
		if (!set)
			note_undefined(d, s + ns, ne - ns);
		else
			st_buf_puts(out, var_value(d, s + ns, ne - ns));
		break;
	case '-':
	case '=':
		if (usable)
			st_buf_puts(out, var_value(d, s + ns, ne - ns));
		else
			expand(d, s + w, close - w, mode, depth + 1, out);
		break;
	case '+':
		if (usable)
			expand(d, s + w, close - w, mode, depth + 1, out);
		break;
	case '?':
		if (usable) {
			st_buf_puts(out, var_value(d, s + ns, ne - ns));
		} else {
			note_undefined(d, s + ns, ne - ns);
			if (set)
				st_buf_puts(out, var_value(d, s + ns, ne - ns));
		}
		break;
	}
	return close + 1;
}

/* Appends s[0..n) with escapes (double quotes) and interpolation applied. */
static void expand(struct dotenv *d, const char *s, size_t n, int mode, int depth, struct st_buf *out)
{
	if (depth > MAX_NESTING) {
		if (!d->warned_nesting)
			diag_at(d, ST_SEV_ERROR, d->line, d->col,
			        "variable defaults nested deeper than %d levels in the value of '%.*s'", MAX_NESTING,
			        (int)d->key_len, d->key);
		d->warned_nesting = 1;
		return;
	}
	size_t i = 0;
	while (i < n && !out->failed) {
		char c = s[i];
		if (mode == MODE_DOUBLE && c == '\\' && i + 1 < n) {
			char e = s[i + 1];
			switch (e) {
			case 'n': st_buf_putc(out, '\n'); break;
			case 't': st_buf_putc(out, '\t'); break;
			case 'r': st_buf_putc(out, '\r'); break;
			case '"': case '\\': case '$': case '\'': st_buf_putc(out, e); break;
			default:
				st_buf_putc(out, '\\');
				st_buf_putc(out, e);
			}
			i += 2;
		} else if (mode == MODE_DOUBLE && c == '\r' && i + 1 < n && s[i + 1] == '\n') {
			i++; /* CRLF inside a multi-line value: keep the newline only */
		} else if (c == '$' && i + 1 < n && s[i + 1] == '$') {
			st_buf_putc(out, '$'); /* compose: $$ is a literal $ */
			i += 2;
		} else if (c == '$' && i + 1 < n && s[i + 1] == '{') {
			i = expand_braced(d, s, i, n, mode, depth, out);
		} else if (c == '$' && i + 1 < n && name_start((unsigned char)s[i + 1])) {
			size_t ns = i + 1, ne = ns;
			while (ne < n && name_char((unsigned char)s[ne]))
				ne++;
			const char *v = var_value(d, s + ns, ne - ns);
			if (v)
				st_buf_puts(out, v);
			else
				note_undefined(d, s + ns, ne - ns);
			i = ne;
		} else {
			st_buf_putc(out, c);
			i++;
		}
	}
}

static int remember(struct dotenv *d, const char *key, size_t key_len, const char *value, int secret)
{
	if (d->n_vars == d->cap_vars) {
		size_t cap = d->cap_vars ? d->cap_vars * 2 : 32;
		struct dotenv_var *p = realloc(d->vars, cap * sizeof(*p));
		if (!p) {
			d->ctx->oom = 1;
			return -1;
		}
		d->vars = p;
		d->cap_vars = cap;
	}
	d->vars[d->n_vars++] = (struct dotenv_var){.key = key, .key_len = key_len, .value = value, .secret = secret};
	return 0;
}

/* Records fact env.<path>.<KEY> (and its URL parts) for one parsed assignment. */
static void record(struct dotenv *d, struct st_buf *val, size_t value_off, size_t value_len, size_t line_off,
                   size_t line_len)
{
	struct st_ctx *ctx = d->ctx;
	if (val->failed) {
		ctx->oom = 1;
		return;
	}
	const char *text = st_arena_strndup(&ctx->arena, val->len ? val->data : "", val->len);
	const char *name = st_arena_printf(&ctx->arena, "env.%s.%.*s", d->path, (int)d->key_len, d->key);
	if (!text || !name) {
		ctx->oom = 1;
		return;
	}
	struct st_value v = st_value_string(text);
	v.secret = st_secret_name(d->key, d->key_len) || d->used_secret;
	struct st_url u;
	int is_dsn = st_dsn_parse(ctx, text, val->len, &u) == 0;
	/* a URL with a password is shown with the password masked: the rest is what people need to see */
	int embedded = 0;
	if (is_dsn && u.redacted && strcmp(u.redacted, text) != 0) {
		v.redacted = u.redacted;
		embedded = 1;
	} else if (!is_dsn) {
		const char *r = st_url_redact(ctx, text);
		if (r) {
			v.redacted = r;
			embedded = 1;
		}
	}
	struct st_origin o = st_origin_file(d->path, d->line, d->col);
	o.value_off = value_off;
	o.value_len = value_len;
	o.line_off = line_off;
	o.line_len = line_len;
	st_fact_set(ctx, name, NULL, v, &o, ST_LAYER_FILE);
	if (is_dsn)
		st_url_facts(ctx, name, NULL, &u, &o, ST_LAYER_FILE);
	if (d->undefined) {
		if (v.secret) /* a "variable" inside a secret may be part of the secret: do not name it */
			diag_at(d, ST_SEV_INFO, d->line, d->col,
			        "the value of '%.*s' refers to an undefined variable, which expands to an empty string",
			        (int)d->key_len, d->key);
		else
			diag_at(d, ST_SEV_INFO, d->line, d->col,
			        "the value of '%.*s' refers to undefined variable '%.*s', which expands to an empty string",
			        (int)d->key_len, d->key, (int)d->undefined_len, d->undefined);
	}
	remember(d, d->key, d->key_len, text, v.secret || embedded);
}

static size_t line_end(const char *s, size_t i, size_t n)
{
	const char *nl = memchr(s + i, '\n', n - i);
	return nl ? (size_t)(nl - s) : n;
}

/* Parses the statement starting at line start ls; returns the offset of the next line to parse. */
static size_t parse_statement(struct dotenv *d, size_t ls, unsigned line)
{
	const char *s = d->s;
	size_t n = d->n;
	size_t le = line_end(s, ls, n);
	size_t ll = le;
	if (ll > ls && s[ll - 1] == '\r')
		ll--;
	size_t next = le < n ? le + 1 : n;
	size_t i = ls;
	while (i < ll && is_blank((unsigned char)s[i]))
		i++;
	if (i >= ll || s[i] == '#')
		return next;
#define COL(p) ((unsigned)((p) - ls + 1))
	if (ll - i > 7 && memcmp(s + i, "export", 6) == 0 && (s[i + 6] == ' ' || s[i + 6] == '\t')) {
		size_t j = i + 6;
		while (j < ll && is_blank((unsigned char)s[j]))
			j++;
		if (j < ll && s[j] != '=' && s[j] != '#')
			i = j;
	}
	size_t ks = i;
	while (i < ll && key_char((unsigned char)s[i]))
		i++;
	size_t ke = i;
	if (ke == ks) {
		diag_at(d, ST_SEV_ERROR, line, COL(i), "expected a variable name");
		return next;
	}
	size_t j = i;
	while (j < ll && is_blank((unsigned char)s[j]))
		j++;
	if (j >= ll || (s[j] == '#' && j > ke)) {
		/* compose takes a bare KEY from its own environment; the word is not named: it may be a stray secret */
		diag_at(d, ST_SEV_WARNING, line, COL(ks),
		        "a variable name without '=': docker compose takes it from the environment, other readers "
		        "ignore it");
		return next;
	}
	if (s[j] != '=') {
		if (j == ke)
			diag_at(d, ST_SEV_ERROR, line, COL(j), "invalid character in variable name");
		else
			diag_at(d, ST_SEV_ERROR, line, COL(j), "expected '=' after the variable name");
		return next;
	}
	d->key = s + ks;
	d->key_len = ke - ks;
	d->line = line;
	d->col = COL(ks);
	d->undefined = NULL;
	d->undefined_len = 0;
	d->used_secret = 0;
	d->warned_nesting = 0;
	size_t vs = j + 1;
	while (vs < ll && is_blank((unsigned char)s[vs]))
		vs++;
	int after_blank = vs > j + 1;
	struct st_buf val = {0};
	if (vs >= ll || (s[vs] == '#' && after_blank)) {
		record(d, &val, vs < ll ? vs : ll, 0, ls, ll - ls);
		st_buf_free(&val);
		return next;
	}
	char q = s[vs];
	if (q == '\'' || q == '"' || q == '`') {
		size_t c = vs + 1;
		for (; c < n; c++) {
			if (s[c] == '\\' && c + 1 < n && (q == '"' || (q == '\'' && s[c + 1] == '\'')))
				c++;
			else if (s[c] == q)
				break;
		}
		if (c >= n) {
			diag_at(d, ST_SEV_ERROR, line, COL(vs), "unterminated quoted value of '%.*s'", (int)d->key_len,
			        d->key);
			return next;
		}
		if (q == '"') {
			expand(d, s + vs + 1, c - vs - 1, MODE_DOUBLE, 0, &val);
		} else {
			/* single quotes and backticks are literal; compose lets \' stand for a quote */
			for (size_t k = vs + 1; k < c; k++) {
				if (q == '\'' && s[k] == '\\' && k + 1 < c && s[k + 1] == '\'')
					k++;
				else if (s[k] == '\r' && k + 1 < c && s[k + 1] == '\n')
					continue;
				st_buf_putc(&val, s[k]);
			}
		}
		size_t cle = line_end(s, c, n);
		size_t cll = cle > c && s[cle - 1] == '\r' ? cle - 1 : cle;
		size_t t = c + 1;
		while (t < cll && is_blank((unsigned char)s[t]))
			t++;
		if (t < cll && s[t] != '#') {
			unsigned cline = line;
			size_t cls = ls;
			for (size_t k = ls; k < c; k++)
				if (s[k] == '\n') {
					cline++;
					cls = k + 1;
				}
			diag_at(d, ST_SEV_WARNING, cline, (unsigned)(t - cls + 1),
			        "text after the closing quote of '%.*s' is ignored", (int)d->key_len, d->key);
		}
		record(d, &val, vs, c + 1 - vs, ls, ll - ls);
		st_buf_free(&val);
		return cle < n ? cle + 1 : n;
	}
	/* unquoted: '#' starts a comment only after a blank; trailing blanks are not part of the value */
	size_t e = vs;
	while (e < ll && !(s[e] == '#' && is_blank((unsigned char)s[e - 1])))
		e++;
	while (e > vs && is_blank((unsigned char)s[e - 1]))
		e--;
	expand(d, s + vs, e - vs, MODE_UNQUOTED, 0, &val);
	record(d, &val, vs, e - vs, ls, ll - ls);
	st_buf_free(&val);
	return next;
#undef COL
}

int st_dotenv_load(struct st_ctx *ctx, const struct st_file *f)
{
	if (!f || !f->data)
		return -1;
	struct dotenv d = {.ctx = ctx, .s = f->data, .n = f->size};
	d.path = st_arena_strdup(&ctx->arena, f->path ? f->path : "");
	if (!d.path) {
		ctx->oom = 1;
		return -1;
	}
	size_t pos = 0;
	if (d.n >= 3 && memcmp(d.s, "\xEF\xBB\xBF", 3) == 0)
		pos = 3; /* UTF-8 byte order mark */
	unsigned line = 1;
	while (pos < d.n && !ctx->oom) {
		size_t next = parse_statement(&d, pos, line);
		for (size_t k = pos; k < next; k++)
			line += d.s[k] == '\n';
		pos = next;
	}
	if (d.errors > MAX_ERRORS_PER_FILE) {
		struct st_origin o = st_origin_file(d.path, 0, 0);
		st_diag(ctx, ST_SEV_ERROR, &o, "%u more errors in this file not shown", d.errors - MAX_ERRORS_PER_FILE);
	}
	free(d.vars);
	return ctx->oom ? -1 : 0;
}
