/* live helpers shared by both readers: redaction, version parsing, query choice, typing, component
 * matching, and the fact/drift/diagnostic helpers. Everything here is pure apart from the context it writes. */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "live_internal.h"
#include "stacktune/loaders.h"

/* ---- redaction ---------------------------------------------------------- */

static int kv_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Masks the value after every key=value pair whose key names a password (libpq and URL-query forms alike). */
static const char *mask_kv_passwords(struct st_ctx *ctx, const char *s)
{
	struct st_buf b = {0};
	size_t n = strlen(s), i = 0, cursor = 0;
	while (i < n) {
		if (!(isalpha((unsigned char)s[i]) && (i == 0 || !isalnum((unsigned char)s[i - 1])))) {
			i++;
			continue;
		}
		size_t ks = i;
		while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == '-'))
			i++;
		size_t ke = i, j = i;
		while (j < n && kv_space((unsigned char)s[j]))
			j++;
		if (j >= n || s[j] != '=' || !st_secret_name(s + ks, ke - ks))
			continue;
		j++;
		while (j < n && kv_space((unsigned char)s[j]))
			j++;
		size_t vs = j;
		if (j < n && s[j] == '\'') {
			for (j++; j < n && s[j] != '\''; j++)
				if (s[j] == '\\' && j + 1 < n)
					j++;
			if (j < n)
				j++;
		} else {
			while (j < n && !kv_space((unsigned char)s[j]) && s[j] != '&' && s[j] != '#')
				j++;
		}
		st_buf_put(&b, s + cursor, vs - cursor);
		st_buf_puts(&b, "***");
		cursor = i = j;
	}
	st_buf_put(&b, s + cursor, n - cursor);
	const char *r = b.failed ? NULL : st_arena_strndup(&ctx->arena, b.len ? b.data : "", b.len);
	st_buf_free(&b);
	if (!r)
		ctx->oom = 1;
	return r;
}

const char *st_live_dsn_redact(struct st_ctx *ctx, const char *dsn)
{
	if (!dsn)
		return "(defaults file)";
	struct st_url u;
	const char *s = dsn;
	if (st_dsn_parse(ctx, dsn, strlen(dsn), &u) == 0 && u.redacted)
		s = u.redacted;
	else {
		const char *r = st_url_redact(ctx, dsn);
		if (r)
			s = r;
	}
	/* a second pass catches what the parsers leave: ?password= on an odd URL, a key=value string without host */
	return mask_kv_passwords(ctx, s);
}

static int word_char(int c)
{
	return isalnum(c) || c == '_';
}

static char *pct_encode(struct st_ctx *ctx, const char *s, int lower)
{
	static const char hex_up[] = "0123456789ABCDEF", hex_low[] = "0123456789abcdef";
	const char *hex = lower ? hex_low : hex_up;
	struct st_buf b = {0};
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (isalnum(*p) || *p == '-' || *p == '.' || *p == '_' || *p == '~')
			st_buf_putc(&b, (char)*p);
		else {
			char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};
			st_buf_put(&b, e, 3);
		}
	}
	char *r = b.failed ? NULL : st_arena_strndup(&ctx->arena, b.len ? b.data : "", b.len);
	st_buf_free(&b);
	return r;
}

const char *st_live_scrub(struct st_ctx *ctx, const char *text, const char *const *secrets, size_t n_secrets)
{
	if (!text)
		return NULL;
	/* every form a secret may take in a message: raw, percent-encoded (upper and lower hex) */
	size_t cap = n_secrets * 3, nf = 0;
	const char **forms = cap ? st_arena_alloc(&ctx->arena, cap * sizeof(*forms)) : NULL;
	if (cap && !forms) {
		ctx->oom = 1;
		return NULL;
	}
	for (size_t i = 0; i < n_secrets; i++) {
		if (!secrets[i] || !*secrets[i])
			continue;
		forms[nf++] = secrets[i];
		for (int lower = 0; lower < 2; lower++) {
			char *e = pct_encode(ctx, secrets[i], lower);
			if (!e) {
				ctx->oom = 1;
				return NULL;
			}
			int dup = 0;
			for (size_t k = 0; k < nf; k++)
				dup |= strcmp(forms[k], e) == 0;
			if (!dup)
				forms[nf++] = e;
		}
	}
	struct st_buf b = {0};
	size_t n = strlen(text), i = 0;
	int space = 0;
	while (i < n) {
		size_t hit = 0;
		for (size_t k = 0; k < nf && !hit; k++) {
			size_t fl = strlen(forms[k]);
			if (fl > n - i || memcmp(text + i, forms[k], fl) != 0)
				continue;
			if (fl < 4 && ((i > 0 && word_char((unsigned char)text[i - 1])) ||
			               (i + fl < n && word_char((unsigned char)text[i + fl]))))
				continue;
			hit = fl;
		}
		if (hit) {
			if (space && b.len)
				st_buf_putc(&b, ' ');
			space = 0;
			st_buf_puts(&b, "***");
			i += hit;
			continue;
		}
		unsigned char c = (unsigned char)text[i++];
		if (kv_space(c)) {
			space = 1;
			continue;
		}
		if (space && b.len)
			st_buf_putc(&b, ' ');
		space = 0;
		st_buf_putc(&b, (char)(c < 0x20 || c == 0x7f ? '?' : c));
	}
	const char *r = b.failed ? NULL : st_arena_strndup(&ctx->arena, b.len ? b.data : "", b.len);
	st_buf_free(&b);
	if (!r)
		ctx->oom = 1;
	return r;
}

/* Length of a dollar-quote tag "$tag$" starting at s[i] == '$', or 0 ($1 placeholders are not tags). */
static size_t dollar_tag(const char *s, size_t i, size_t n)
{
	size_t j = i + 1;
	if (j < n && (isalpha((unsigned char)s[j]) || s[j] == '_'))
		while (j < n && (isalnum((unsigned char)s[j]) || s[j] == '_'))
			j++;
	return j < n && s[j] == '$' ? j - i + 1 : 0;
}

const char *st_live_sql_redact(struct st_ctx *ctx, const char *sql, size_t max)
{
	if (!sql)
		return NULL;
	struct st_buf b = {0};
	size_t n = strlen(sql), i = 0;
	int space = 0;
	while (i < n) {
		unsigned char c = (unsigned char)sql[i];
		size_t tag;
		if (c == '\'') {
			int esc = i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e');
			for (i++; i < n; i++) {
				if (esc && sql[i] == '\\' && i + 1 < n) {
					i++;
					continue;
				}
				if (sql[i] == '\'') {
					if (i + 1 < n && sql[i + 1] == '\'') {
						i++;
						continue;
					}
					break;
				}
			}
			i = i < n ? i + 1 : n;
			if (space && b.len)
				st_buf_putc(&b, ' ');
			space = 0;
			st_buf_puts(&b, "'***'");
			continue;
		}
		if (c == '$' && (i == 0 || !word_char((unsigned char)sql[i - 1])) && (tag = dollar_tag(sql, i, n))) {
			size_t j = i + tag;
			while (j < n && !(j + tag <= n && memcmp(sql + j, sql + i, tag) == 0))
				j++;
			i = j < n ? j + tag : n;
			if (space && b.len)
				st_buf_putc(&b, ' ');
			space = 0;
			st_buf_puts(&b, "'***'");
			continue;
		}
		i++;
		if (kv_space(c)) {
			space = 1;
			continue;
		}
		if (space && b.len)
			st_buf_putc(&b, ' ');
		space = 0;
		st_buf_putc(&b, (char)c);
	}
	if (!b.failed && b.len > max) {
		size_t cut = max;
		while (cut > 0 && ((unsigned char)b.data[cut] & 0xC0) == 0x80)
			cut--;
		b.len = cut;
		st_buf_puts(&b, "...");
	}
	const char *r = b.failed ? NULL : st_arena_strndup(&ctx->arena, b.len ? b.data : "", b.len);
	st_buf_free(&b);
	if (!r)
		ctx->oom = 1;
	return r;
}

/* ---- versions and queries ----------------------------------------------- */

/* Reads digits at *p into *v (at most 6 of them); 0 when there were none. */
static int read_num(const char **p, int *v)
{
	int n = 0, d = 0;
	while (isdigit((unsigned char)**p) && d < 6) {
		n = n * 10 + (**p - '0');
		(*p)++;
		d++;
	}
	*v = n;
	return d;
}

int st_live_pg_version_parse(const char *text, int *num)
{
	if (!text)
		return -1;
	const char *p = text;
	int major, minor = 0, patch = 0;
	if (!read_num(&p, &major) || major == 0)
		return -1;
	if (*p == '.') {
		p++;
		if (!read_num(&p, &minor))
			minor = 0;
		if (major < 10 && *p == '.') {
			p++;
			read_num(&p, &patch);
		}
	}
	*num = major >= 10 ? major * 10000 + minor : major * 10000 + minor * 100 + patch;
	return 0;
}

int st_live_mysql_version_parse(const char *version, const char *comment, struct st_live_mysql_version *out)
{
	memset(out, 0, sizeof(*out));
	if (!version)
		return -1;
	const char *p = version;
	int maria = strstr(version, "MariaDB") != NULL || (comment && strcasestr(comment, "mariadb") != NULL);
	/* MariaDB's replication-compatibility prefix: "5.5.5-10.11.6-MariaDB" */
	if (maria && strncmp(p, "5.5.5-", 6) == 0 && isdigit((unsigned char)p[6]))
		p += 6;
	if (!read_num(&p, &out->major) || *p != '.')
		return -1;
	p++;
	if (!read_num(&p, &out->minor))
		return -1;
	if (*p == '.') {
		p++;
		read_num(&p, &out->patch);
	}
	if (out->minor > 99 || out->patch > 99)
		return -1;
	out->num = out->major * 10000 + out->minor * 100 + out->patch;
	out->mariadb = maria;
	return 0;
}

const char *st_live_pg_checkpoint_sql(int version_num)
{
	if (version_num >= 170000)
		return "SELECT num_timed, num_requested FROM pg_stat_checkpointer";
	return "SELECT checkpoints_timed, checkpoints_req FROM pg_stat_bgwriter";
}

const char *st_live_pg_statements_sql(struct st_ctx *ctx, int version_num, const char *extversion, const char *schema)
{
	int exec_names;
	int maj = 0, min = 0;
	const char *p = extversion;
	if (p && read_num(&p, &maj)) {
		if (*p == '.') {
			p++;
			read_num(&p, &min);
		}
		exec_names = maj > 1 || (maj == 1 && min >= 8);
	} else {
		exec_names = version_num >= 130000;
	}
	const char *total = exec_names ? "total_exec_time" : "total_time";
	const char *mean = exec_names ? "mean_exec_time" : "mean_time";
	/* left() keeps a huge statement off the wire; the client redacts and cuts it to 200 */
	return st_arena_printf(&ctx->arena,
	                       "SELECT left(query, 2000), calls, %s, %s, rows FROM %s.pg_stat_statements "
	                       "ORDER BY %s DESC NULLS LAST LIMIT 10",
	                       total, mean, schema, total);
}

const char *st_live_mysql_timeout_sql(const struct st_live_mysql_version *v)
{
	if (v->mariadb)
		return v->num >= 100100 ? "SET SESSION max_statement_time = 2" : NULL;
	return v->num >= 50708 ? "SET SESSION max_execution_time = 2000" : NULL;
}

/* ---- typing ------------------------------------------------------------- */

int live_int(const char *s, int64_t *out)
{
	if (!s || !*s)
		return -1;
	return st_int_parse(s, strlen(s), out, NULL);
}

/* pg_settings units: a multiplier ("8kB", "16MB") and a base unit; bytes or microseconds per unit. */
static int pg_unit(const char *unit, int64_t *mult, int *is_size)
{
	const char *p = unit;
	int64_t k = 1;
	if (isdigit((unsigned char)*p)) {
		int v;
		read_num(&p, &v);
		k = v;
	}
	static const struct {
		const char *name;
		int64_t factor;
		int size;
	} units[] = {{"B", 1, 1},
	             {"kB", 1024, 1},
	             {"MB", 1048576, 1},
	             {"GB", 1073741824, 1},
	             {"TB", 1099511627776LL, 1},
	             {"us", 1, 0},
	             {"ms", 1000, 0},
	             {"s", 1000000, 0},
	             {"min", 60000000LL, 0},
	             {"h", 3600000000LL, 0},
	             {"d", 86400000000LL, 0}};
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strcmp(p, units[i].name) == 0) {
			*mult = k * units[i].factor;
			*is_size = units[i].size;
			return 0;
		}
	return -1;
}

int st_live_pg_value(const char *setting, const char *unit, const char *vartype, struct st_value *out)
{
	*out = st_value_string(setting ? setting : "");
	if (!setting || !vartype)
		return 0;
	int64_t mult = 1;
	int is_size = 0, has_unit = unit && *unit && pg_unit(unit, &mult, &is_size) == 0;
	if (strcmp(vartype, "bool") == 0) {
		if (strcmp(setting, "on") && strcmp(setting, "off"))
			return -1;
		*out = st_value_bool(strcmp(setting, "on") == 0);
	} else if (strcmp(vartype, "integer") == 0) {
		int64_t v;
		if (live_int(setting, &v) < 0)
			return -1;
		if (!has_unit || v < 0 || (mult > 1 && v > INT64_MAX / mult))
			*out = st_value_int(v); /* -1 = "disabled": a number, not a size */
		else
			*out = is_size ? st_value_size(v * mult) : st_value_duration(v * mult);
	} else if (strcmp(vartype, "real") == 0) {
		char *end;
		double d = strtod(setting, &end);
		if (end == setting || *end)
			return -1;
		if (has_unit && !is_size && d >= 0 && d * (double)mult < 9e18)
			*out = st_value_duration((int64_t)llround(d * (double)mult));
		else
			*out = st_value_real(d);
	} else {
		return 0;
	}
	out->text = setting;
	if (out->kind == ST_VAL_SIZE || out->kind == ST_VAL_DURATION)
		out->text = NULL; /* the server's text is in units of `unit`, not what a user wrote */
	return 0;
}

struct st_value st_live_mysql_value(const char *name, const char *text)
{
	struct st_value v = st_value_string(text ? text : "");
	const struct st_mysql_var *var = name ? st_mysql_var_find(name) : NULL;
	if (!var || !text)
		return v;
	int64_t n;
	switch (var->type) {
	case ST_MYSQL_INT:
	case ST_MYSQL_SIZE:
		if (live_int(text, &n) == 0)
			v = var->type == ST_MYSQL_SIZE ? st_value_size(n) : st_value_int(n);
		break;
	case ST_MYSQL_DURATION: {
		char *end;
		double d = strtod(text, &end);
		if (end != text && !*end && d >= 0 && d * (double)var->unit_usec < 9e18)
			v = st_value_duration((int64_t)llround(d * (double)var->unit_usec));
		break;
	}
	case ST_MYSQL_BOOL:
		if (strcasecmp(text, "ON") == 0 || strcmp(text, "1") == 0)
			v = st_value_bool(1);
		else if (strcasecmp(text, "OFF") == 0 || strcmp(text, "0") == 0)
			v = st_value_bool(0);
		break;
	case ST_MYSQL_REAL: {
		char *end;
		double d = strtod(text, &end);
		if (end != text && !*end)
			v = st_value_real(d);
		break;
	}
	default:
		break;
	}
	v.text = text;
	return v;
}

/* ---- component matching -------------------------------------------------- */

static int family_of(const char *family, const char *kind)
{
	if (!kind)
		return 0;
	if (strcmp(family, "postgresql") == 0)
		return strcmp(kind, "postgresql") == 0 || strcmp(kind, "postgres") == 0;
	return strcmp(kind, "mysql") == 0 || strcmp(kind, "mariadb") == 0;
}

static int local_host(const char *h)
{
	return !h || !*h || h[0] == '/' || strcmp(h, "localhost") == 0 || strcmp(h, "127.0.0.1") == 0 ||
	       strcmp(h, "::1") == 0 || strcmp(h, "0.0.0.0") == 0;
}

/* The published and target ports of a compose port spec "[ip:]PUB:TARGET[/proto]" or "TARGET". */
static void port_spec(const struct st_value *v, int *pub, int *target)
{
	*pub = *target = 0;
	if (v->kind == ST_VAL_INT) {
		*pub = *target = (int)v->i;
		return;
	}
	if (v->kind != ST_VAL_STRING || !v->text)
		return;
	const char *s = v->text;
	size_t n = strcspn(s, "/");
	int parts[3] = {0, 0, 0}, np = 0;
	size_t i = 0;
	while (i <= n && np < 3) {
		size_t j = i;
		while (j < n && s[j] != ':')
			j++;
		int val = 0, ok = j > i;
		for (size_t k = i; k < j; k++) {
			if (!isdigit((unsigned char)s[k]) || val > 65535) {
				ok = 0;
				break;
			}
			val = val * 10 + (s[k] - '0');
		}
		parts[np++] = ok ? val : -1;
		i = j + 1;
	}
	if (np == 1)
		*target = parts[0] > 0 ? parts[0] : 0;
	else if (np >= 2) {
		*pub = parts[np - 2] > 0 ? parts[np - 2] : 0;
		*target = parts[np - 1] > 0 ? parts[np - 1] : 0;
	}
}

static int component_matches(const struct st_ctx *ctx, const char *id, const char *host, int port)
{
	size_t il = strlen(id);
	int local = local_host(host);
	if (host && strcmp(host, id) == 0)
		return 1; /* a compose service name used as the DSN host */
	for (size_t i = 0; i < ctx->facts.n_slots; i++) {
		const struct st_fact_entry *e = &ctx->facts.slots[i];
		if (!e->name || !e->n || strncmp(e->name, id, il) != 0 || e->name[il] != '.')
			continue;
		const char *rest = e->name + il + 1;
		const struct st_value *v = &e->chain[e->n - 1]->value;
		if (strcmp(rest, "port") == 0) {
			int64_t p = v->kind == ST_VAL_INT ? v->i : 0;
			if (v->kind == ST_VAL_STRING && live_int(v->text, &p) < 0)
				p = 0;
			if (local && port && p == port)
				return 1;
		} else if (strncmp(rest, "ports.", 6) == 0) {
			int pub, target;
			port_spec(v, &pub, &target);
			if (local && port && pub == port)
				return 1;
		}
	}
	return 0;
}

const char *st_live_component(struct st_ctx *ctx, const char *family, const char *host, int port)
{
	const struct st_facts *fs = &ctx->facts;
	const char *best = NULL;
	for (size_t i = 0; i < fs->n_slots; i++) {
		const struct st_fact_entry *e = &fs->slots[i];
		if (!e->name || !e->n)
			continue;
		const struct st_fact *f = e->chain[e->n - 1];
		size_t cl = f->component ? strlen(f->component) : 0;
		if (!cl || strncmp(e->name, f->component, cl) != 0 || strcmp(e->name + cl, ".kind") != 0 ||
		    f->value.kind != ST_VAL_STRING || !family_of(family, f->value.text))
			continue;
		if (f->origin.kind == ST_ORIGIN_LIVE)
			continue; /* another live server of this run */
		if (component_matches(ctx, f->component, host, port) && (!best || strcmp(f->component, best) < 0))
			best = f->component;
	}
	if (best)
		return best;
	const char *base = strcmp(family, "postgresql") == 0 ? "postgres" : "mysql";
	for (int k = 1; k < 100; k++) {
		const char *id = k == 1 ? base : st_arena_printf(&ctx->arena, "%s-%d", base, k);
		const char *kn = id ? st_arena_printf(&ctx->arena, "%s.kind", id) : NULL;
		if (!kn)
			return base;
		const struct st_fact_entry *e = st_fact_entry(ctx, kn);
		int taken = 0;
		for (size_t j = 0; e && j < e->n; j++)
			taken |= e->chain[j]->origin.kind == ST_ORIGIN_LIVE;
		if (!taken)
			return id;
	}
	return base;
}

/* ---- facts, drift, diagnostics ----------------------------------------- */

const char *live_key(struct st_ctx *ctx, const char *s)
{
	struct st_buf b = {0};
	int sep = 0;
	for (size_t i = 0; s && s[i] && b.len < 64; i++) {
		unsigned char c = (unsigned char)s[i];
		if (isalnum(c) || c == '-') {
			if (sep && b.len)
				st_buf_putc(&b, '_');
			sep = 0;
			st_buf_putc(&b, (char)tolower(c));
		} else {
			sep = 1; /* runs of anything else become one '_' ("idle in transaction (aborted)") */
		}
	}
	const char *k = b.failed ? NULL : b.len ? st_arena_strndup(&ctx->arena, b.data, b.len) : "unnamed";
	st_buf_free(&b);
	if (!k) {
		ctx->oom = 1;
		return "unnamed";
	}
	return k;
}

const char *live_server_name(struct st_ctx *ctx, const char *host, int port, int default_port)
{
	if (!host || !*host)
		host = "localhost";
	const char *r =
	    st_arena_printf(&ctx->arena, strchr(host, ':') ? "[%s]:%d" : "%s:%d", host, port ? port : default_port);
	if (!r)
		ctx->oom = 1;
	return r ? r : "?";
}

void live_fact(struct live_run *r, const char *suffix, struct st_value v, const char *detail)
{
	if (!suffix) { /* a name the caller could not build */
		r->ctx->oom = 1;
		return;
	}
	const char *name = st_arena_printf(&r->ctx->arena, "%s.%s", r->component, suffix);
	if (!name) {
		r->ctx->oom = 1;
		return;
	}
	struct st_origin o = {.kind = ST_ORIGIN_LIVE, .file = r->server, .detail = detail};
	st_fact_set(r->ctx, name, r->component, v, &o, ST_LAYER_LIVE);
}

static int is_numeric(enum st_value_kind k)
{
	return k == ST_VAL_INT || k == ST_VAL_SIZE || k == ST_VAL_DURATION || k == ST_VAL_BOOL;
}

/* 1 when a file value and the live value say different things; 0 when equal or not comparable. */
static int values_differ(const struct st_value *f, const struct st_value *l)
{
	if (f->kind == ST_VAL_NONE || l->kind == ST_VAL_NONE || f->kind == ST_VAL_LIST || l->kind == ST_VAL_LIST)
		return 0;
	if (is_numeric(f->kind) && is_numeric(l->kind))
		return f->i != l->i;
	if ((f->kind == ST_VAL_REAL || f->kind == ST_VAL_INT) && (l->kind == ST_VAL_REAL || l->kind == ST_VAL_INT)) {
		double a = f->kind == ST_VAL_REAL ? f->r : (double)f->i,
		       b = l->kind == ST_VAL_REAL ? l->r : (double)l->i;
		return fabs(a - b) > 1e-9 * fmax(1.0, fmax(fabs(a), fabs(b)));
	}
	if (f->kind == ST_VAL_STRING && l->kind == ST_VAL_STRING && f->text && l->text) {
		const char *a = f->text, *b = l->text;
		size_t an = strlen(a), bn = strlen(b);
		if (an >= 2 && (a[0] == '\'' || a[0] == '"') && a[an - 1] == a[0]) { /* quoted in the file */
			a++;
			an -= 2;
		}
		return an != bn || strncasecmp(a, b, an) != 0;
	}
	return 0;
}

void live_setting(struct live_run *r, const char *name, struct st_value v, const char *detail)
{
	struct st_ctx *ctx = r->ctx;
	const char *full = st_arena_printf(&ctx->arena, "%s.%s", r->component, name);
	if (!full) {
		ctx->oom = 1;
		return;
	}
	const struct st_fact *prior = st_fact_get(ctx, full);
	if (!v.secret && st_secret_name(name, strlen(name)) && !is_numeric(v.kind) && v.kind != ST_VAL_REAL)
		v.secret = 1;
	struct st_origin o = {.kind = ST_ORIGIN_LIVE, .file = r->server, .detail = detail};
	st_fact_set(ctx, full, r->component, v, &o, ST_LAYER_LIVE);
	if (!prior || prior->origin.kind != ST_ORIGIN_FILE || prior->layer >= ST_LAYER_LIVE ||
	    !values_differ(&prior->value, &v))
		return;
	struct st_buf b = {0};
	const char *file = prior->origin.file ? prior->origin.file : "?";
	if (prior->value.secret || v.secret) {
		st_buf_printf(&b, "file value (%s:%u) differs from the live value", file, prior->origin.line);
	} else {
		st_buf_puts(&b, "file ");
		st_value_format(&b, &prior->value);
		st_buf_printf(&b, " (%s:%u) vs live ", file, prior->origin.line);
		st_value_format(&b, &v);
	}
	const char *msg = b.failed ? NULL : st_arena_strdup(&ctx->arena, st_buf_cstr(&b));
	st_buf_free(&b);
	const char *dn = st_arena_printf(&ctx->arena, "%s.drift.%s", r->component, name);
	if (!msg || !dn) {
		ctx->oom = 1;
		return;
	}
	struct st_origin d = prior->origin; /* the line to edit */
	d.detail = st_arena_printf(&ctx->arena, "differs from the running server %s", r->server);
	st_fact_set(ctx, dn, r->component, st_value_string(msg), &d, ST_LAYER_LIVE);
}

int live_error(struct live_run *r, const char *what, const char *msg)
{
	struct st_origin o = {.kind = ST_ORIGIN_LIVE, .file = r->server};
	if (strcmp(r->server, "?") == 0) /* the DSN did not parse: there is no server to name */
		o = (struct st_origin){.kind = ST_ORIGIN_CLI};
	const char *m = st_live_scrub(r->ctx, msg ? msg : "unknown error", r->secrets, r->n_secrets);
	return st_diag(r->ctx, ST_SEV_ERROR, &o, "%s %s: %s", what, r->shown, m ? m : "(message withheld)");
}

void live_warning(struct live_run *r, const char *what, const char *msg)
{
	struct st_origin o = {.kind = ST_ORIGIN_LIVE, .file = r->server};
	const char *m = st_live_scrub(r->ctx, msg ? msg : "unknown error", r->secrets, r->n_secrets);
	st_diag(r->ctx, ST_SEV_WARNING, &o, "%s: %s", what, m ? m : "(message withheld)");
}
