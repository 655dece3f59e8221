/* Connection strings: URLs (postgres://, mysql://, redis://, amqp://, mongodb+srv:// ...), Go MySQL DSNs and libpq
 * key=value strings, parsed into one struct st_url; passwords are kept only so they can be masked. */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stacktune/loaders.h"

#define NONE SIZE_MAX

static size_t find_byte(const char *s, size_t from, size_t to, char c)
{
	for (size_t i = from; i < to; i++)
		if (s[i] == c)
			return i;
	return NONE;
}

static size_t find_last(const char *s, size_t from, size_t to, char c)
{
	for (size_t i = to; i > from; i--)
		if (s[i - 1] == c)
			return i - 1;
	return NONE;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static char *dup_or_oom(struct st_ctx *ctx, const char *s, size_t n)
{
	char *p = st_arena_strndup(&ctx->arena, s, n);
	if (!p)
		ctx->oom = 1;
	return p;
}

/* Percent-decodes s[0..n) into the arena; malformed escapes are kept as written. */
static char *pct_decode(struct st_ctx *ctx, const char *s, size_t n)
{
	char *out = st_arena_alloc(&ctx->arena, n + 1);
	if (!out) {
		ctx->oom = 1;
		return NULL;
	}
	size_t j = 0;
	for (size_t i = 0; i < n; i++) {
		int hi, lo;
		if (s[i] == '%' && i + 2 < n && (hi = hexval((unsigned char)s[i + 1])) >= 0 &&
		    (lo = hexval((unsigned char)s[i + 2])) >= 0) {
			out[j++] = (char)(hi * 16 + lo);
			i += 2;
		} else {
			out[j++] = s[i];
		}
	}
	out[j] = '\0';
	return out;
}

/* Parameter names whose values are credentials (password=, sslpassword=, auth tokens...). */
static int param_is_secret(const char *k, size_t n)
{
	static const char *const words[] = {"password", "passwd", "pwd", "secret", "token", "apikey", "api_key",
	                                    "access_key", "credential", NULL};
	for (const char *const *w = words; *w; w++) {
		size_t wl = strlen(*w);
		for (size_t i = 0; i + wl <= n; i++)
			if (strncasecmp(k + i, *w, wl) == 0)
				return 1;
	}
	return 0;
}

/* Builds a masked copy of a text: spans are added in increasing order. */
struct masker {
	struct st_buf b;
	const char *s;
	size_t cursor;
	int masked;
};

static void mask_span(struct masker *m, size_t off, size_t len)
{
	if (len == 0 || off < m->cursor)
		return;
	st_buf_put(&m->b, m->s + m->cursor, off - m->cursor);
	st_buf_puts(&m->b, "***");
	m->cursor = off + len;
	m->masked = 1;
}

static const char *mask_finish(struct st_ctx *ctx, struct masker *m, size_t n)
{
	st_buf_put(&m->b, m->s + m->cursor, n - m->cursor);
	const char *r = NULL;
	if (m->b.failed)
		ctx->oom = 1;
	else
		r = dup_or_oom(ctx, m->b.len ? m->b.data : "", m->b.len);
	st_buf_free(&m->b);
	return r;
}

/* ---- URL splitting (shared by the parser and the redactor) ------------ */

struct url_parts {
	size_t scheme_len;
	size_t auth;                /* first byte after :// */
	size_t at;                  /* the '@' ending the userinfo, or NONE */
	size_t colon;               /* ':' between user and password, or NONE */
	size_t host, host_end;      /* host[:port], possibly a list */
	size_t path;                /* the '/' starting the path, or NONE */
	size_t query, query_end;    /* after '?', NONE when absent */
	size_t end;
};

static int scheme_char(int c)
{
	return isalnum(c) || c == '+' || c == '-' || c == '.';
}

/* Splits s[a..n) (a = after "://") into its parts. */
static void split_url(const char *s, size_t a, size_t n, struct url_parts *p)
{
	p->auth = a;
	p->end = n;
	size_t q = a;
	while (q < n && s[q] != '?' && s[q] != '#')
		q++;
	size_t slash = find_byte(s, a, q, '/');
	size_t at = find_last(s, a, q, '@');
	if (at != NONE && slash != NONE && slash < at) {
		/* an '@' past the first '/' belongs to the userinfo only when a password with a '/' in it explains it */
		size_t colon = find_byte(s, a, slash, ':');
		int port_like = colon != NONE && colon + 1 < slash;
		for (size_t i = colon == NONE ? slash : colon + 1; port_like && i < slash; i++)
			port_like = isdigit((unsigned char)s[i]) != 0;
		if (colon == NONE || port_like)
			at = find_last(s, a, slash, '@');
	}
	p->at = at;
	p->colon = at == NONE ? NONE : find_byte(s, a, at, ':');
	p->host = at == NONE ? a : at + 1;
	p->host_end = p->host;
	while (p->host_end < q && s[p->host_end] != '/')
		p->host_end++;
	p->path = p->host_end < q ? p->host_end : NONE;
	p->query = p->query_end = NONE;
	if (q < n && s[q] == '?') {
		p->query = q + 1;
		p->query_end = find_byte(s, q + 1, n, '#');
		if (p->query_end == NONE)
			p->query_end = n;
	}
}

/* Returns the length of a scheme ending right before s[i] == ':' "//", or 0. */
static size_t scheme_before(const char *s, size_t i)
{
	size_t k = i;
	while (k > 0 && scheme_char((unsigned char)s[k - 1]))
		k--;
	while (k < i && !isalpha((unsigned char)s[k]))
		k++;
	return i - k;
}

static int parse_port(const char *s, size_t n)
{
	if (n == 0 || n > 5)
		return 0;
	int v = 0;
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	return v <= 65535 ? v : 0;
}

/* Splits host[:port] (or [v6]:port) and sets out->host/port. -1 on an unclosed '['. */
static int set_host_port(struct st_ctx *ctx, const char *s, size_t h, size_t e, int decode, struct st_url *out)
{
	if (h >= e)
		return 0;
	if (s[h] == '[') {
		size_t rb = find_byte(s, h, e, ']');
		if (rb == NONE)
			return -1;
		out->host = dup_or_oom(ctx, s + h + 1, rb - h - 1);
		if (rb + 1 < e && s[rb + 1] == ':')
			out->port = parse_port(s + rb + 2, e - rb - 2);
		return 0;
	}
	size_t comma = find_byte(s, h, e, ',');
	if (comma != NONE) {
		/* a host list: kept as written, the port is the first host's */
		out->host = dup_or_oom(ctx, s + h, e - h);
		size_t c = find_last(s, h, comma, ':');
		if (c != NONE)
			out->port = parse_port(s + c + 1, comma - c - 1);
		return 0;
	}
	size_t c = find_last(s, h, e, ':');
	size_t he = c == NONE ? e : c;
	if (c != NONE)
		out->port = parse_port(s + c + 1, e - c - 1);
	if (he > h)
		out->host = decode ? pct_decode(ctx, s + h, he - h) : dup_or_oom(ctx, s + h, he - h);
	return 0;
}

/* Parses k=v&k2=v2 into out->params (percent-decoded) unless out is NULL; masks secret values in m when given. */
static int parse_query(struct st_ctx *ctx, const char *s, size_t a, size_t e, struct masker *m, struct st_url *out)
{
	size_t count = 1;
	for (size_t i = a; i < e; i++)
		count += s[i] == '&';
	if (out) {
		out->params = st_arena_alloc(&ctx->arena, count * sizeof(*out->params));
		if (!out->params) {
			ctx->oom = 1;
			return -1;
		}
	}
	size_t i = a;
	while (i < e) {
		size_t amp = find_byte(s, i, e, '&');
		if (amp == NONE)
			amp = e;
		if (amp > i) {
			size_t eq = find_byte(s, i, amp, '=');
			size_t ke = eq == NONE ? amp : eq;
			size_t vs = eq == NONE ? amp : eq + 1;
			if (out) {
				struct st_url_param *pp = &out->params[out->n_params++];
				pp->key = pct_decode(ctx, s + i, ke - i);
				pp->value = pct_decode(ctx, s + vs, amp - vs);
			}
			if (m && param_is_secret(s + i, ke - i))
				mask_span(m, vs, amp - vs);
		}
		i = amp + 1;
	}
	return 0;
}

static const char *param_get(const struct st_url *u, const char *key)
{
	for (size_t i = 0; i < u->n_params; i++)
		if (u->params[i].key && strcmp(u->params[i].key, key) == 0)
			return u->params[i].value;
	return NULL;
}

static char *lower_dup(struct st_ctx *ctx, const char *s, size_t n)
{
	char *p = dup_or_oom(ctx, s, n);
	for (size_t i = 0; p && i < n; i++)
		p[i] = (char)tolower((unsigned char)p[i]);
	return p;
}

int st_url_parse(struct st_ctx *ctx, const char *s, size_t n, struct st_url *out)
{
	memset(out, 0, sizeof(*out));
	if (!s || n < 4 || !isalpha((unsigned char)s[0]))
		return -1;
	size_t i = 0;
	while (i < n && scheme_char((unsigned char)s[i]))
		i++;
	if (i + 3 > n || memcmp(s + i, "://", 3) != 0)
		return -1;
	for (size_t k = 0; k < n; k++)
		if ((unsigned char)s[k] <= 0x20 || s[k] == 0x7f)
			return -1;
	struct url_parts p;
	split_url(s, i + 3, n, &p);
	struct masker m = {.s = s};
	out->scheme = lower_dup(ctx, s, i);
	if (p.at != NONE) {
		size_t ue = p.colon == NONE ? p.at : p.colon;
		if (ue > p.auth)
			out->user = pct_decode(ctx, s + p.auth, ue - p.auth);
		if (p.colon != NONE) {
			out->password = pct_decode(ctx, s + p.colon + 1, p.at - p.colon - 1);
			mask_span(&m, p.colon + 1, p.at - p.colon - 1);
		}
	}
	if (set_host_port(ctx, s, p.host, p.host_end, 1, out) < 0) {
		st_buf_free(&m.b);
		memset(out, 0, sizeof(*out));
		return -1;
	}
	if (p.path != NONE) {
		size_t pe = p.query != NONE ? p.query - 1 : find_byte(s, p.path, n, '#');
		if (pe == NONE)
			pe = n;
		if (pe > p.path + 1)
			out->database = pct_decode(ctx, s + p.path + 1, pe - p.path - 1);
	}
	if (p.query != NONE)
		parse_query(ctx, s, p.query, p.query_end, &m, out);
	/* unix-socket forms: postgresql:///db?host=/var/run/postgresql */
	if (!out->host)
		out->host = param_get(out, "host");
	if (!out->port) {
		const char *pp = param_get(out, "port");
		if (pp)
			out->port = parse_port(pp, strlen(pp));
	}
	out->redacted = mask_finish(ctx, &m, n);
	return ctx->oom ? -1 : 0;
}

/* ---- Go MySQL driver DSN: [user[:password]@][net[(addr)]]/dbname[?k=v&...] ---- */

static int go_mysql_parse(struct st_ctx *ctx, const char *s, size_t n, struct st_url *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t k = 0; k < n; k++)
		if ((unsigned char)s[k] <= 0x20 || s[k] == 0x7f)
			return -1;
	/* the last '/' starts the database: passwords and socket paths may contain '/' */
	size_t slash = find_last(s, 0, n, '/');
	if (slash == NONE || slash == 0)
		return -1;
	size_t q = find_byte(s, slash, n, '?');
	size_t at = find_last(s, 0, slash, '@');
	size_t ns = at == NONE ? 0 : at + 1;
	size_t paren = find_byte(s, ns, slash, '(');
	size_t ne = paren == NONE ? slash : paren;
	static const char *const nets[] = {"tcp", "tcp4", "tcp6", "unix", "udp", NULL};
	int net_ok = ne == ns && at != NONE && paren == NONE; /* user:pass@/db */
	for (const char *const *nn = nets; *nn && !net_ok; nn++)
		net_ok = strlen(*nn) == ne - ns && memcmp(s + ns, *nn, ne - ns) == 0;
	size_t de = q == NONE ? n : q;
	if (!net_ok || (paren != NONE && s[slash - 1] != ')'))
		return -1;
	if (ne == ns && de == slash + 1)
		return -1; /* "x@/" alone is too weak a signal to call it a DSN */
	struct masker m = {.s = s};
	out->scheme = dup_or_oom(ctx, "mysql", 5);
	if (at != NONE) {
		size_t colon = find_byte(s, 0, at, ':');
		size_t ue = colon == NONE ? at : colon;
		if (ue > 0)
			out->user = dup_or_oom(ctx, s, ue);
		if (colon != NONE) {
			out->password = dup_or_oom(ctx, s + colon + 1, at - colon - 1);
			mask_span(&m, colon + 1, at - colon - 1);
		}
	}
	if (paren != NONE) {
		int is_unix = ne - ns == 4 && memcmp(s + ns, "unix", 4) == 0;
		if (is_unix)
			out->host = dup_or_oom(ctx, s + paren + 1, slash - 1 - paren - 1);
		else if (set_host_port(ctx, s, paren + 1, slash - 1, 0, out) < 0) {
			st_buf_free(&m.b);
			memset(out, 0, sizeof(*out));
			return -1;
		}
	}
	if (de > slash + 1)
		out->database = dup_or_oom(ctx, s + slash + 1, de - slash - 1);
	if (q != NONE)
		parse_query(ctx, s, q + 1, n, &m, out);
	out->redacted = mask_finish(ctx, &m, n);
	return ctx->oom ? -1 : 0;
}

/* ---- libpq key=value: host=db port=5432 password='se cr\'et' ------------- */

static int kv_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static int libpq_kv_parse(struct st_ctx *ctx, const char *s, size_t n, struct st_url *out)
{
	memset(out, 0, sizeof(*out));
	size_t count = 0;
	for (size_t i = 0; i < n; i++)
		count += s[i] == '=';
	if (count == 0)
		return -1;
	struct st_url_param *params = st_arena_alloc(&ctx->arena, count * sizeof(*params));
	struct st_buf v = {0};
	struct masker m = {.s = s};
	int have_key = 0;
	size_t np = 0, i = 0;
	if (!params) {
		ctx->oom = 1;
		return -1;
	}
	for (;;) {
		while (i < n && kv_space((unsigned char)s[i]))
			i++;
		if (i >= n)
			break;
		size_t ks = i;
		while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '_'))
			i++;
		size_t ke = i;
		while (i < n && kv_space((unsigned char)s[i]))
			i++;
		if (ke == ks || i >= n || s[i] != '=')
			goto fail;
		i++;
		while (i < n && kv_space((unsigned char)s[i]))
			i++;
		size_t vs = i;
		v.len = 0;
		if (i < n && s[i] == '\'') {
			for (i++; i < n && s[i] != '\''; i++) {
				if (s[i] == '\\' && i + 1 < n)
					i++;
				st_buf_putc(&v, s[i]);
			}
			if (i >= n)
				goto fail; /* unterminated quote */
			i++;
		} else {
			for (; i < n && !kv_space((unsigned char)s[i]); i++) {
				if (s[i] == '\\' && i + 1 < n)
					i++;
				st_buf_putc(&v, s[i]);
			}
		}
		if (v.failed)
			goto fail;
		char *key = dup_or_oom(ctx, s + ks, ke - ks);
		char *val = dup_or_oom(ctx, v.len ? v.data : "", v.len);
		if (!key || !val)
			goto fail;
		int secret = param_is_secret(key, ke - ks);
		if (secret)
			mask_span(&m, vs, i - vs);
		if (strcmp(key, "host") == 0) {
			out->host = val;
			have_key = 1;
		} else if (strcmp(key, "hostaddr") == 0) {
			if (!out->host)
				out->host = val;
		} else if (strcmp(key, "port") == 0) {
			size_t pl = strcspn(val, ",");
			out->port = parse_port(val, pl);
		} else if (strcmp(key, "dbname") == 0) {
			out->database = val;
			have_key = 1;
		} else if (strcmp(key, "user") == 0) {
			out->user = val;
			have_key = 1;
		} else if (strcmp(key, "password") == 0) {
			out->password = val;
		} else {
			params[np].key = key;
			params[np].value = val;
			np++;
		}
	}
	st_buf_free(&v);
	if (!have_key) {
		st_buf_free(&m.b);
		memset(out, 0, sizeof(*out));
		return -1;
	}
	out->scheme = dup_or_oom(ctx, "postgresql", 10);
	out->params = params;
	out->n_params = np;
	out->redacted = mask_finish(ctx, &m, n);
	return ctx->oom ? -1 : 0;
fail:
	st_buf_free(&v);
	st_buf_free(&m.b);
	memset(out, 0, sizeof(*out));
	return -1;
}

int st_dsn_parse(struct st_ctx *ctx, const char *s, size_t n, struct st_url *out)
{
	if (!s) {
		memset(out, 0, sizeof(*out));
		return -1;
	}
	if (st_url_parse(ctx, s, n, out) == 0)
		return 0;
	if (go_mysql_parse(ctx, s, n, out) == 0)
		return 0;
	return libpq_kv_parse(ctx, s, n, out);
}

/* ---- facts -------------------------------------------------------------- */

static void url_fact(struct st_ctx *ctx, const char *prefix, const char *suffix, const char *component,
                     struct st_value v, const struct st_origin *o, int layer)
{
	const char *name = st_arena_printf(&ctx->arena, "%s.%s", prefix, suffix);
	if (!name) {
		ctx->oom = 1;
		return;
	}
	st_fact_set(ctx, name, component, v, o, layer);
}

static struct st_value secret_value(void)
{
	/* the clear text is not kept: nothing downstream needs it and nothing can print it */
	struct st_value v = st_value_string(NULL);
	v.secret = 1;
	v.redacted = "***";
	return v;
}

static int all_digits(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 18)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

void st_url_facts(struct st_ctx *ctx, const char *prefix, const char *component, const struct st_url *u,
                  const struct st_origin *o, int layer)
{
	if (!u || !prefix)
		return;
	if (u->scheme)
		url_fact(ctx, prefix, "scheme", component, st_value_string(u->scheme), o, layer);
	if (u->user)
		url_fact(ctx, prefix, "user", component, st_value_string(u->user), o, layer);
	if (u->password)
		url_fact(ctx, prefix, "password", component, secret_value(), o, layer);
	if (u->host)
		url_fact(ctx, prefix, "host", component, st_value_string(u->host), o, layer);
	if (u->port)
		url_fact(ctx, prefix, "port", component, st_value_int(u->port), o, layer);
	if (u->database)
		url_fact(ctx, prefix, "database", component, st_value_string(u->database), o, layer);
	for (size_t i = 0; i < u->n_params; i++) {
		const struct st_url_param *p = &u->params[i];
		if (!p->key || !*p->key || !p->value)
			continue;
		const char *suffix = st_arena_printf(&ctx->arena, "param.%s", p->key);
		if (!suffix) {
			ctx->oom = 1;
			return;
		}
		struct st_value v;
		if (param_is_secret(p->key, strlen(p->key))) {
			v = secret_value();
		} else if (all_digits(p->value)) {
			v = st_value_int(strtoll(p->value, NULL, 10));
			v.text = p->value;
		} else {
			v = st_value_string(p->value);
		}
		url_fact(ctx, prefix, suffix, component, v, o, layer);
	}
}

/* ---- redaction inside a longer text ------------------------------------ */

static int url_token_end(int c)
{
	return (unsigned char)c <= 0x20 || c == 0x7f || c == '"' || c == '\'' || c == '`' || c == '<' || c == '>';
}

const char *st_url_redact(struct st_ctx *ctx, const char *text)
{
	if (!text)
		return NULL;
	size_t n = strlen(text);
	struct masker m = {.s = text};
	size_t i = 0;
	while (i + 3 <= n) {
		const char *hit = strstr(text + i, "://");
		if (!hit)
			break;
		size_t c = (size_t)(hit - text);
		size_t a = c + 3;
		if (scheme_before(text, c) == 0) {
			i = a;
			continue;
		}
		size_t e = a;
		while (e < n && !url_token_end((unsigned char)text[e]))
			e++;
		struct url_parts p;
		split_url(text, a, e, &p);
		if (p.at != NONE && p.colon != NONE)
			mask_span(&m, p.colon + 1, p.at - p.colon - 1);
		if (p.query != NONE)
			parse_query(ctx, text, p.query, p.query_end, &m, NULL);
		i = e > a ? e : a;
	}
	if (!m.masked) {
		st_buf_free(&m.b);
		return NULL;
	}
	return mask_finish(ctx, &m, n);
}
