/* MySQL / MariaDB option files (my.cnf), read as mysys/my_default.c reads them and typed as my_getopt types them.
 *
 * Grammar (both servers, checked against my_print_defaults and mariadbd 10.11):
 *   - a line is trimmed of latin1 white space (incl. \v \f \r and 0xA0); "#" or ";" first = comment;
 *   - "[group]" (case-insensitive match; text after "]" ignored; spaces inside the brackets are part of the name;
 *     a missing "]" is fatal for the server);
 *   - "!include FILE" / "!includedir DIR" (DIR: every "*.cnf", sorted bytewise; a missing FILE is ignored,
 *     a missing DIR or an empty argument is fatal; other "!words" are ignored; at most 10 levels, no loop check);
 *   - an option before any group is fatal;
 *   - "name", "name = value": "#" outside quotes starts a comment anywhere (";" inline is not one), the first
 *     "=" splits, name and value are trimmed, one pair of matching outer quotes is removed, then escapes
 *     \n \t \r \b \s \" \' \\ are replaced in the value (an unknown escape keeps its backslash).
 * Typing (my_getopt): names match case-insensitively with '-' = '_'; an exact name wins, then the prefixes
 * loose-, skip-, disable-, enable-, then (MariaDB) a unique abbreviation; numbers are strtoll + one suffix
 * letter K M G T P E (x1024), clamped to the variable's range and rounded down to its block size; booleans
 * 1/0/on/off/true/false; enums by name or index.
 *
 * Decisions (see also the header): includes are resolved relative to the including file (the server resolves
 * them against its working directory, which a repository cannot know); absolute includes point into the
 * container, outside the audited tree: reported (info), not followed. A file under a conf.d-style directory
 * that an option file next to it includes is loaded only through that include. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "stacktune/loaders.h"

#define MAX_DEPTH 10        /* mysys: max_recursion_level */
#define MAX_LINE 4094       /* mysys reads lines with fgets(buff, 4095): longer lines are split */
#define MAX_ERRORS_PER_FILE 50
#define MAX_READS 256       /* included files read per top-level file: a looping includedir grows as k^10 */

enum flavour { FLAVOUR_UNKNOWN = 0, FLAVOUR_MARIADB, FLAVOUR_MYSQL };

struct mycnf {
	struct st_ctx *ctx;
	const char *component;
	enum flavour flavour;
	int flavour_known; /* from a compose image (fact <component>.kind) */
	const char *stack[MAX_DEPTH + 2]; /* include chain, for loop reports */
	int depth;
	unsigned errors;
	int kind_recorded; /* this load recorded <component>.kind */
	int had_kind;      /* a <component>.kind fact existed before */
	unsigned reads;    /* files read through includes */
	int loop_reported, depth_reported, reads_reported;
};

struct cnf_file {
	const char *path;
	const char *s;
	size_t n;
	const char *group; /* current group (as written), NULL before the first */
	int bad_group;     /* after a broken header: the server has aborted, stay quiet until the next one */
	int stop;          /* a fatal mysys error in an included file: the server reads no more of it */
};

static int is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r' || c == 0xA0;
}

__attribute__((format(printf, 6, 7))) static void diag(struct mycnf *m, enum st_severity sev, const char *path,
                                                       unsigned line, unsigned col, const char *fmt, ...)
{
	if (sev == ST_SEV_ERROR && ++m->errors > MAX_ERRORS_PER_FILE)
		return;
	struct st_origin o = st_origin_file(path, line, col);
	va_list ap;
	va_start(ap, fmt);
	st_vdiag(m->ctx, sev, &o, fmt, ap);
	va_end(ap);
}

/* A mysys "Fatal error in defaults handling": the server refuses to start when it is in the file it was given;
 * in an included file, mysys stops reading that file and the including file goes on. */
static void fatal(struct mycnf *m, struct cnf_file *cf, unsigned line, unsigned col, const char *what)
{
	if (m->depth > 1) {
		diag(m, ST_SEV_ERROR, cf->path, line, col, "%s: the server stops reading this included file here", what);
		cf->stop = 1;
	} else {
		diag(m, ST_SEV_ERROR, cf->path, line, col, "%s: the server refuses to start", what);
	}
}

/* ---- groups ------------------------------------------------------------ */

static const char *const mariadb_groups[] = {"mysqld", "server", "mysqld-10.11", "mariadb", "mariadb-10.11",
                                             "mariadbd", "mariadbd-10.11", "client-server", "galera", NULL};
static const char *const mysql_groups[] = {"mysqld", "server", "mysqld-8.0", "mysqld-8.4", NULL};
static const char *const common_groups[] = {"mysqld", "server", NULL};

static int in_list(const char *const *list, const char *g)
{
	for (; *list; list++)
		if (strcasecmp(*list, g) == 0)
			return 1;
	return 0;
}

/* A group only MariaDB reads (versioned groups of other MariaDB releases included). */
static int mariadb_only_group(const char *g)
{
	return in_list(mariadb_groups, g) && !in_list(common_groups, g) ? 1
	       : strncasecmp(g, "mariadb", 7) == 0 || strncasecmp(g, "mysqld-10.", 10) == 0 ||
	         strncasecmp(g, "mysqld-11.", 10) == 0;
}

static int mysql_only_group(const char *g)
{
	return strncasecmp(g, "mysqld-8.", 9) == 0 || strncasecmp(g, "mysqld-9.", 9) == 0;
}

/* 1 when the server reads the group; *why explains a server group it does not read. */
static int server_reads(struct mycnf *m, const char *g, const char **why)
{
	*why = NULL;
	switch (m->flavour) {
	case FLAVOUR_MARIADB:
		if (in_list(mariadb_groups, g))
			return 1;
		if (mysql_only_group(g) || mariadb_only_group(g) || strncasecmp(g, "mysqld-", 7) == 0)
			*why = "is not read by MariaDB 10.11";
		return 0;
	case FLAVOUR_MYSQL:
		if (in_list(mysql_groups, g))
			return 1;
		if (mariadb_only_group(g) || in_list(mariadb_groups, g) || strncasecmp(g, "mysqld-", 7) == 0)
			*why = "is not read by MySQL";
		return 0;
	default:
		return in_list(common_groups, g);
	}
}

/* ---- facts ------------------------------------------------------------- */

static void record_kind(struct mycnf *m, const char *path, unsigned line, const char *why)
{
	if (m->flavour_known || m->kind_recorded)
		return;
	const char *name = st_arena_printf(&m->ctx->arena, "%s.kind", m->component);
	if (!name) {
		m->ctx->oom = 1;
		return;
	}
	struct st_origin o = st_origin_file(path, line, 1);
	o.detail = why;
	const char *kind = m->flavour == FLAVOUR_MARIADB ? "mariadb" : "mysql";
	st_fact_set(m->ctx, name, m->component, st_value_string(kind), &o, ST_LAYER_FILE);
	m->kind_recorded = 1;
}

/* Option names that hold secrets: password, master_password, report-password, wsrep_sst_auth... but not
 * validate_password_policy or default_password_lifetime. Not st_secret_name(): its "key" would hide
 * key_buffer_size & co. */
static int secret_option(const char *name)
{
	static const char *const ends[] = {"password", "passwd", "pass", NULL};
	static const char *const parts[] = {"secret", "token", "sst_auth", "filekey", "credential", "api_key", NULL};
	size_t n = strlen(name);
	for (const char *const *e = ends; *e; e++) {
		size_t l = strlen(*e);
		if (n >= l && strcasecmp(name + n - l, *e) == 0 && (n == l || name[n - l - 1] == '_' || name[n - l - 1] == '-'))
			return 1;
	}
	for (const char *const *e = parts; *e; e++)
		if (strcasestr(name, *e))
			return 1;
	return 0;
}

/* Normalises an option name: lower case, '-' to '_'. */
static char *norm_name(struct st_ctx *ctx, const char *s, size_t n)
{
	char *p = st_arena_strndup(&ctx->arena, s, n);
	if (!p) {
		ctx->oom = 1;
		return NULL;
	}
	for (char *q = p; *q; q++)
		*q = *q == '-' ? '_' : (char)tolower((unsigned char)*q);
	return p;
}

/* ---- values ------------------------------------------------------------ */

struct option_at {
	const char *path;
	unsigned line, col, vcol;
	size_t value_off, value_len, line_off, line_len;
	const char *group;
};

static struct st_origin origin_of(const struct option_at *at, const char *detail)
{
	struct st_origin o = st_origin_file(at->path, at->line, at->col);
	o.value_off = at->value_off;
	o.value_len = at->value_len;
	o.line_off = at->line_off;
	o.line_len = at->line_len;
	o.detail = detail;
	return o;
}

/* my_getopt's eval_num_suffix: strtoll, then ONE suffix letter; text after it is ignored by the server. */
static int parse_number(const char *v, int64_t *out, const char **err, int *trailing)
{
	*trailing = 0;
	int64_t x;
	if (st_size_parse(v, strlen(v), ST_UNITS_MYSQL, 1, &x, err) == 0) {
		*out = x;
		return 0;
	}
	const char *p = v;
	while (isspace((unsigned char)*p))
		p++;
	if (!*p) { /* an empty value is 0 for the server */
		*out = 0;
		return 0;
	}
	char *end;
	errno = 0;
	long long n = strtoll(p, &end, 10);
	if (end == p || errno == ERANGE) {
		*err = end == p ? "not a number" : "integer out of range";
		return -1;
	}
	static const char letters[] = "KMGTPE";
	const char *l = *end ? strchr(letters, toupper((unsigned char)*end)) : NULL;
	if (!l) {
		*err = "unknown suffix (valid: K, M, G, T, P, E)";
		return -1;
	}
	int64_t mult = 1;
	for (const char *k = letters; k <= l; k++)
		mult *= 1024;
	if (__builtin_mul_overflow((int64_t)n, mult, &x)) {
		*err = "integer out of range";
		return -1;
	}
	*trailing = 1;
	*out = x;
	return 0;
}

static int bool_word(const char *v, int *out)
{
	static const char *const on[] = {"1", "on", "true", NULL}, *const off[] = {"0", "off", "false", NULL};
	for (const char *const *w = on; *w; w++)
		if (strcasecmp(v, *w) == 0)
			return *out = 1, 0;
	for (const char *const *w = off; *w; w++)
		if (strcasecmp(v, *w) == 0)
			return *out = 0, 0;
	return -1;
}

/* Finds word (case-insensitive) in the comma list; returns its index and copies the canonical spelling. */
static int list_find(const char *list, const char *w, size_t wn, const char **canon, size_t *canon_n)
{
	int idx = 0;
	for (const char *p = list; p && *p; idx++) {
		const char *c = strchr(p, ',');
		size_t n = c ? (size_t)(c - p) : strlen(p);
		if (n == wn && strncasecmp(p, w, n) == 0) {
			*canon = p;
			*canon_n = n;
			return idx;
		}
		p = c ? c + 1 : NULL;
	}
	return -1;
}

/* Builds the typed value of option var from its text; returns 0, or -1 after an error diagnostic. */
static int typed_value(struct mycnf *m, const struct st_mysql_var *var, const char *text, int has_value,
                       const struct option_at *at, struct st_value *out)
{
	struct st_ctx *ctx = m->ctx;
	const char *err = NULL;
	int trailing = 0;
	*out = st_value_string(text);
	switch (var->type) {
	case ST_MYSQL_BOOL: {
		int b = 1;
		if (has_value && bool_word(text, &b) < 0) {
			/* the server warns "wasn't recognized. Set to OFF"; InnoDB's plugin options keep the default */
			b = strncmp(var->name, "innodb_", 7) == 0 && var->default_mariadb &&
			    strcasecmp(var->default_mariadb, "ON") == 0;
			diag(m, ST_SEV_ERROR, at->path, at->line, at->vcol,
			     "'%s': '%s' is not a boolean (1/0, ON/OFF, TRUE/FALSE): the server uses %s", var->name, text,
			     b ? "ON" : "OFF");
		}
		*out = st_value_bool(b);
		out->text = text;
		return 0;
	}
	case ST_MYSQL_INT:
	case ST_MYSQL_SIZE:
	case ST_MYSQL_DURATION: {
		if (!has_value)
			goto needs_value;
		int64_t x;
		if (var->numeric == 'd') {
			char *end;
			errno = 0;
			double d = strtod(text, &end);
			if (end == text || *end || errno == ERANGE || d < 0 || d > 9.2e12) {
				diag(m, ST_SEV_ERROR, at->path, at->line, at->vcol,
				     "'%s': invalid decimal value '%s': the server refuses to start", var->name, text);
				return -1;
			}
			if (var->type == ST_MYSQL_DURATION)
				*out = st_value_duration((int64_t)(d * (double)var->unit_usec + 0.5));
			else
				*out = st_value_real(d);
			out->text = text;
			return 0;
		}
		if (parse_number(text, &x, &err, &trailing) < 0) {
			diag(m, ST_SEV_ERROR, at->path, at->line, at->vcol,
			     "'%s': invalid value '%s': %s: the server refuses to start", var->name, text, err);
			return -1;
		}
		if (trailing)
			diag(m, ST_SEV_WARNING, at->path, at->line, at->vcol,
			     "'%s': the server reads only the number and the first suffix letter of '%s'", var->name, text);
		if (x < 0 && var->numeric == 'u') {
			diag(m, ST_SEV_ERROR, at->path, at->line, at->vcol,
			     "'%s': negative value '%s' for an unsigned variable: the server refuses to start", var->name,
			     text);
			return -1;
		}
		if (var->has_range) {
			int64_t y = x;
			if (y < var->min)
				y = var->min;
			if (y > var->max)
				y = var->max;
			if (var->block > 1)
				y -= y % var->block;
			if (y < var->min)
				y = var->min;
			if (y != x)
				diag(m, ST_SEV_WARNING, at->path, at->line, at->vcol,
				     "'%s': %s is outside the server's range %lld..%lld (block %lld): MariaDB adjusts it to %lld",
				     var->name, text, (long long)var->min, (long long)var->max, (long long)var->block,
				     (long long)y);
			x = y;
		}
		if (var->type == ST_MYSQL_SIZE)
			*out = st_value_size(x);
		else if (var->type == ST_MYSQL_DURATION) {
			int64_t us;
			if (__builtin_mul_overflow(x, var->unit_usec, &us))
				us = INT64_MAX;
			*out = st_value_duration(us);
		} else
			*out = st_value_int(x);
		out->text = text;
		return 0;
	}
	case ST_MYSQL_REAL: {
		if (!has_value)
			goto needs_value;
		char *end;
		double d = strtod(text, &end);
		if (end == text || *end) {
			diag(m, ST_SEV_ERROR, at->path, at->line, at->vcol,
			     "'%s': invalid decimal value '%s': the server refuses to start", var->name, text);
			return -1;
		}
		*out = st_value_real(d);
		out->text = text;
		return 0;
	}
	case ST_MYSQL_ENUM: {
		if (!has_value)
			goto needs_value;
		const char *canon = NULL;
		size_t cn = 0;
		int idx = list_find(var->values, text, strlen(text), &canon, &cn);
		if (idx < 0) {
			int64_t k;
			if (st_int_parse(text, strlen(text), &k, &err) == 0 && k >= 0) {
				int j = 0;
				for (const char *p = var->values; p && *p && j <= k; j++) {
					const char *c = strchr(p, ',');
					if (j == k) {
						canon = p;
						cn = c ? (size_t)(c - p) : strlen(p);
					}
					p = c ? c + 1 : NULL;
				}
			}
			if (!canon) {
				diag(m, ST_SEV_ERROR, at->path, at->line, at->vcol,
				     "'%s': invalid value '%s' (valid: %s): the server refuses to start", var->name, text,
				     var->values ? var->values : "");
				return -1;
			}
		}
		const char *c = st_arena_strndup(&ctx->arena, canon, cn);
		if (!c) {
			ctx->oom = 1;
			return -1;
		}
		*out = st_value_string(c);
		return 0;
	}
	case ST_MYSQL_SET: {
		if (!has_value)
			goto needs_value;
		/* canonical: the listed spellings, in the list's order, as SHOW VARIABLES prints them */
		unsigned char seen[128] = {0};
		const char *p = text;
		while (*p) {
			const char *c = strchr(p, ',');
			size_t n = c ? (size_t)(c - p) : strlen(p);
			const char *canon;
			size_t cn;
			int idx = n ? list_find(var->values, p, n, &canon, &cn) : -2;
			if (idx == -1 || idx >= 128) {
				diag(m, ST_SEV_ERROR, at->path, at->line, at->vcol,
				     "'%s': unknown value '%.*s' in '%s': the server refuses to start", var->name, (int)n, p, text);
				return -1;
			}
			if (idx >= 0)
				seen[idx] = 1;
			p = c ? c + 1 : p + n;
		}
		struct st_buf b = {0};
		int idx = 0;
		for (const char *q = var->values; q && *q; idx++) {
			const char *c = strchr(q, ',');
			size_t n = c ? (size_t)(c - q) : strlen(q);
			if (idx < 128 && seen[idx]) {
				if (b.len)
					st_buf_putc(&b, ',');
				st_buf_put(&b, q, n);
			}
			q = c ? c + 1 : NULL;
		}
		const char *s = st_arena_strdup(&ctx->arena, st_buf_cstr(&b));
		int failed = b.failed;
		st_buf_free(&b);
		if (!s || failed) {
			ctx->oom = 1;
			return -1;
		}
		*out = st_value_string(s);
		return 0;
	}
	case ST_MYSQL_STRING:
		return 0; /* a bare string option (log-bin, log-slow-query-file) takes its optional value as "" */
	}
	return 0;
needs_value:
	diag(m, ST_SEV_ERROR, at->path, at->line, at->col,
	     "option '%s' requires a value: the server refuses to start", var->name);
	return -1;
}

/* A unique abbreviation of an option name (MariaDB's my_getopt accepts them); NULL when none or ambiguous. */
static const struct st_mysql_var *abbreviation(const char *name)
{
	size_t n = strlen(name);
	const struct st_mysql_var *hit = NULL;
	if (n < 3)
		return NULL;
	for (size_t i = 0; i < st_mysql_vars_count; i++) {
		const struct st_mysql_var *v = &st_mysql_vars_table[i];
		if (!v->in_option_file || !(v->flavours & ST_MYSQL_MARIADB) || strncmp(v->name, name, n) != 0)
			continue;
		if (hit)
			return NULL;
		hit = v;
	}
	return hit;
}

/* An option of a group the server reads: resolve its name like my_getopt and record fact <component>.<name>. */
static void server_option(struct mycnf *m, const char *raw, const char *text, int has_value,
                          const struct option_at *at)
{
	struct st_ctx *ctx = m->ctx;
	char *name = norm_name(ctx, raw, strlen(raw));
	if (!name)
		return;
	const char *detail = st_arena_printf(&ctx->arena, "[%s]", at->group);
	const struct st_mysql_var *var = st_mysql_var_find(name);
	int loose = 0, negate = -1; /* negate: -1 none, 0 enable-, 1 skip-/disable- */
	const char *base = name;
	if (!var && strncmp(name, "loose_", 6) == 0) {
		loose = 1;
		base = name + 6;
		var = st_mysql_var_find(base);
	}
	if (!var) {
		static const struct {
			const char *prefix;
			int negate;
		} prefixes[] = {{"skip_", 1}, {"disable_", 1}, {"enable_", 0}};
		for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0] && !var; i++) {
			size_t pl = strlen(prefixes[i].prefix);
			if (strncmp(base, prefixes[i].prefix, pl) != 0)
				continue;
			const struct st_mysql_var *v = st_mysql_var_find(base + pl);
			if (v && v->type == ST_MYSQL_BOOL) {
				var = v;
				negate = prefixes[i].negate;
				base += pl;
			}
		}
	}
	if (!var && m->flavour != FLAVOUR_MYSQL) {
		const struct st_mysql_var *v = abbreviation(base);
		if (v) {
			diag(m, ST_SEV_WARNING, at->path, at->line, at->col,
			     "'%s' is an abbreviation of '%s': MariaDB accepts it, but it breaks when a new option "
			     "shares the prefix; write the full name",
			     base, v->name);
			var = v;
		}
	}
	if (!var) {
		struct st_value v = has_value ? st_value_string(text) : st_value_bool(1);
		v.secret = secret_option(base);
		const char *fact = st_arena_printf(&ctx->arena, "%s.%s", m->component, base);
		if (loose) {
			struct st_origin o = origin_of(at, st_arena_printf(&ctx->arena, "[%s]; loose: ignored if unknown",
			                                                     at->group));
			if (fact)
				st_fact_set(ctx, fact, m->component, v, &o, ST_LAYER_FILE);
			return;
		}
		const char *hint = st_mysql_var_suggest(base);
		if (hint)
			diag(m, ST_SEV_WARNING, at->path, at->line, at->col,
			     "unknown option '%s' (did you mean '%s'?): the server refuses to start", base, hint);
		else
			diag(m, ST_SEV_WARNING, at->path, at->line, at->col,
			     "unknown option '%s': the server refuses to start (prefix it with loose- to have it ignored)",
			     base);
		struct st_origin o = origin_of(at, detail);
		if (fact)
			st_fact_set(ctx, fact, m->component, v, &o, ST_LAYER_FILE);
		return;
	}
	if (!var->in_option_file && !loose) {
		diag(m, ST_SEV_ERROR, at->path, at->line, at->col,
		     "'%s' is a session or status variable, not a server option: the server refuses to start", var->name);
		return;
	}
	if (m->flavour == FLAVOUR_MYSQL && (var->flavours & ST_MYSQL_MYSQL_KNOWN) &&
	    !(var->flavours & (ST_MYSQL_MYSQL80 | ST_MYSQL_MYSQL84)))
		diag(m, loose ? ST_SEV_INFO : ST_SEV_WARNING, at->path, at->line, at->col,
		     "'%s' does not exist in MySQL 8%s", var->name, loose ? " (loose-: ignored)" : ": the server refuses to start");
	else if (m->flavour == FLAVOUR_MARIADB && !(var->flavours & ST_MYSQL_MARIADB))
		diag(m, loose ? ST_SEV_INFO : ST_SEV_WARNING, at->path, at->line, at->col,
		     "'%s' does not exist in MariaDB 10.11%s", var->name, loose ? " (loose-: ignored)" : ": the server refuses to start");
	struct st_value v;
	if (negate >= 0) {
		if (has_value) {
			diag(m, ST_SEV_ERROR, at->path, at->line, at->vcol,
			     "'%s' takes no value: write '%s=%s' instead", raw, var->name, negate ? "OFF" : "ON");
			return;
		}
		v = st_value_bool(!negate);
		v.text = st_arena_strdup(&ctx->arena, raw);
	} else if (typed_value(m, var, text, has_value, at, &v) < 0) {
		return;
	}
	v.secret = secret_option(var->name);
	if (loose)
		detail = st_arena_printf(&ctx->arena, "[%s]; loose: ignored if unknown", at->group);
	const char *fact = st_arena_printf(&ctx->arena, "%s.%s", m->component, var->name);
	struct st_origin o = origin_of(at, detail);
	if (fact)
		st_fact_set(ctx, fact, m->component, v, &o, ST_LAYER_FILE);
	else
		ctx->oom = 1;
}

/* An option of any other group: fact mycnf.<file>.<group>.<option>, a string; secrets stay secret. */
static void other_option(struct mycnf *m, const char *raw, const char *text, int has_value, const struct option_at *at,
                         const char *why)
{
	struct st_ctx *ctx = m->ctx;
	char *name = norm_name(ctx, raw, strlen(raw));
	char *group = st_arena_strdup(&ctx->arena, at->group); /* group names keep their dashes: [mysqld-8.0] */
	if (!name || !group) {
		ctx->oom = 1;
		return;
	}
	for (char *q = group; *q; q++)
		*q = (char)tolower((unsigned char)*q);
	const char *fact = st_arena_printf(&ctx->arena, "mycnf.%s.%s.%s", at->path, group, name);
	struct st_value v = has_value ? st_value_string(text) : st_value_bool(1);
	v.secret = secret_option(name);
	const char *detail = why ? st_arena_printf(&ctx->arena, "group [%s] %s", at->group, why)
	                         : st_arena_printf(&ctx->arena, "[%s]", at->group);
	struct st_origin o = origin_of(at, detail);
	if (fact)
		st_fact_set(ctx, fact, m->component, v, &o, ST_LAYER_FILE);
	if (why && !v.secret)
		diag(m, ST_SEV_INFO, at->path, at->line, at->col, "'%s' in group [%s] %s", name, at->group, why);
}

/* ---- includes ---------------------------------------------------------- */

/* Joins dir (repository-relative, may be "") and rel, resolving "." and ".."; NULL when it leaves the tree. */
static char *join_path(struct st_ctx *ctx, const char *dir, const char *rel)
{
	struct st_buf b = {0};
	if (*dir) {
		st_buf_puts(&b, dir);
		st_buf_putc(&b, '/');
	}
	st_buf_puts(&b, rel);
	if (b.failed) {
		st_buf_free(&b);
		ctx->oom = 1;
		return NULL;
	}
	char *in = b.data;
	char *out = st_arena_alloc(&ctx->arena, b.len + 1);
	if (!out) {
		st_buf_free(&b);
		ctx->oom = 1;
		return NULL;
	}
	size_t o = 0;
	int bad = 0;
	for (char *seg = in; seg && *seg && !bad;) {
		char *slash = strchr(seg, '/');
		size_t n = slash ? (size_t)(slash - seg) : strlen(seg);
		if (n == 0 || (n == 1 && seg[0] == '.')) {
			/* skip */
		} else if (n == 2 && seg[0] == '.' && seg[1] == '.') {
			if (o == 0)
				bad = 1;
			else {
				while (o > 0 && out[o - 1] != '/')
					o--;
				if (o > 0)
					o--;
			}
		} else {
			if (o)
				out[o++] = '/';
			memcpy(out + o, seg, n);
			o += n;
		}
		seg = slash ? slash + 1 : NULL;
	}
	out[o] = '\0';
	st_buf_free(&b);
	return bad ? NULL : out;
}

static char *dir_of(struct st_ctx *ctx, const char *path)
{
	const char *slash = strrchr(path, '/');
	return st_arena_strndup(&ctx->arena, path, slash ? (size_t)(slash - path) : 0);
}

static void parse_file(struct mycnf *m, struct cnf_file *cf);

static int on_stack(struct mycnf *m, const char *path)
{
	for (int i = 0; i < m->depth; i++)
		if (strcmp(m->stack[i], path) == 0)
			return 1;
	return 0;
}

static void include_file(struct mycnf *m, const char *path, const struct option_at *at)
{
	if (on_stack(m, path) && !m->loop_reported) {
		/* the server has no loop check: it re-reads the files until 10 levels deep, and so do we */
		m->loop_reported = 1;
		struct st_buf b = {0};
		for (int i = 0; i < m->depth; i++) {
			st_buf_puts(&b, m->stack[i]);
			st_buf_puts(&b, " -> ");
		}
		st_buf_puts(&b, path);
		diag(m, ST_SEV_ERROR, at->path, at->line, at->col,
		     "include loop: %s (the server re-reads the files until %d levels deep)", st_buf_cstr(&b), MAX_DEPTH);
		st_buf_free(&b);
	}
	if (++m->reads > MAX_READS) {
		if (!m->reads_reported)
			diag(m, ST_SEV_ERROR, at->path, at->line, at->col,
			     "more than %d included files: the rest is not read", MAX_READS);
		m->reads_reported = 1;
		return;
	}
	struct st_origin from = st_origin_file(at->path, at->line, at->col);
	struct st_file f;
	if (st_file_read(m->ctx, path, &from, &f) < 0)
		return;
	struct cnf_file cf = {.path = f.path ? f.path : path, .s = f.data, .n = f.size};
	m->stack[m->depth++] = cf.path;
	parse_file(m, &cf);
	m->depth--;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Lists DIR (repository-relative) for "*.cnf" files, sorted bytewise; -1 when it cannot be read. */
static int list_cnf(struct st_ctx *ctx, const char *dir, char ***names, size_t *count)
{
	*names = NULL;
	*count = 0;
	const char *root = ctx->root ? ctx->root : ".";
	char *full = st_arena_printf(&ctx->arena, "%s/%s", root, *dir ? dir : ".");
	if (!full)
		return -1;
	DIR *d = opendir(full);
	if (!d)
		return -1;
	size_t cap = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		const char *dot = strrchr(e->d_name, '.');
		if (!dot || strcmp(dot, ".cnf") != 0)
			continue;
		if (*count == cap) {
			cap = cap ? cap * 2 : 16;
			char **p = realloc(*names, cap * sizeof(*p));
			if (!p) {
				ctx->oom = 1;
				break;
			}
			*names = p;
		}
		char *copy = st_arena_strdup(&ctx->arena, e->d_name);
		if (!copy) {
			ctx->oom = 1;
			break;
		}
		(*names)[(*count)++] = copy;
	}
	closedir(d);
	if (*count)
		qsort(*names, *count, sizeof(**names), cmp_str);
	return 0;
}

static void directive(struct mycnf *m, struct cnf_file *cf, const char *s, size_t n, const struct option_at *at)
{
	struct st_ctx *ctx = m->ctx;
	size_t i = 1;
	while (i < n && is_space((unsigned char)s[i]))
		i++;
	int dir = 0;
	if (n - i > 10 && memcmp(s + i, "includedir", 10) == 0 && is_space((unsigned char)s[i + 10]))
		dir = 1, i += 10;
	else if (n - i > 7 && memcmp(s + i, "include", 7) == 0 && is_space((unsigned char)s[i + 7]))
		dir = 0, i += 7;
	else if ((n - i == 10 && memcmp(s + i, "includedir", 10) == 0) || (n - i == 7 && memcmp(s + i, "include", 7) == 0)) {
		fatal(m, cf, at->line, at->col,
		      n - i == 10 ? "'!includedir' without a directory" : "'!include' without a file name");
		return;
	} else {
		diag(m, ST_SEV_INFO, at->path, at->line, at->col, "unknown directive '%.*s' is ignored by the server",
		     (int)n, s);
		return;
	}
	while (i < n && is_space((unsigned char)s[i]))
		i++;
	if (i >= n) {
		fatal(m, cf, at->line, at->col, dir ? "'!includedir' without a directory" : "'!include' without a file name");
		return;
	}
	char *arg = st_arena_strndup(&ctx->arena, s + i, n - i);
	if (!arg) {
		ctx->oom = 1;
		return;
	}
	if (m->depth > MAX_DEPTH) { /* the top file is level 0 */
		if (m->depth_reported++)
			return;
		diag(m, ST_SEV_ERROR, at->path, at->line, at->col,
		     "includes nested deeper than %d levels: the server skips '!%s %s'", MAX_DEPTH,
		     dir ? "includedir" : "include", arg);
		return;
	}
	if (arg[0] == '/' || arg[0] == '~') {
		diag(m, ST_SEV_INFO, at->path, at->line, at->col,
		     "'!%s %s' points outside the audited tree (a path in the server's file system): not followed",
		     dir ? "includedir" : "include", arg);
		return;
	}
	char *target = join_path(ctx, dir_of(ctx, cf->path) ? dir_of(ctx, cf->path) : "", arg);
	if (!target) {
		if (!ctx->oom)
			diag(m, ST_SEV_INFO, at->path, at->line, at->col,
			     "'!%s %s' points outside the audited tree: not followed", dir ? "includedir" : "include", arg);
		return;
	}
	if (!dir) {
		char *full = st_arena_printf(&ctx->arena, "%s/%s", ctx->root ? ctx->root : ".", target);
		struct stat st;
		if (full && stat(full, &st) < 0) {
			diag(m, ST_SEV_WARNING, at->path, at->line, at->col,
			     "included file '%s' does not exist: the server ignores the directive", arg);
			return;
		}
		include_file(m, target, at);
		return;
	}
	char **names;
	size_t count;
	if (list_cnf(ctx, target, &names, &count) < 0) {
		char *what = st_arena_printf(&ctx->arena, "cannot read the directory '%s' of '!includedir'", arg);
		fatal(m, cf, at->line, at->col, what ? what : "cannot read the directory of '!includedir'");
		return;
	}
	for (size_t k = 0; k < count && !ctx->oom; k++) {
		char *p = join_path(ctx, target, names[k]);
		if (p)
			include_file(m, p, at);
	}
	free(names);
}

/* ---- the line parser ---------------------------------------------------- */

/* my_default.c remove_end_comment(): the offset of a '#' outside quotes, or n. */
static size_t comment_start(const char *s, size_t n)
{
	char quote = 0;
	int escape = 0;
	for (size_t i = 0; i < n; i++) {
		if ((s[i] == '\'' || s[i] == '"') && !escape) {
			if (!quote)
				quote = s[i];
			else if (quote == s[i])
				quote = 0;
		}
		if (!quote && s[i] == '#')
			return i;
		escape = quote && s[i] == '\\' && !escape;
	}
	return n;
}

static void option_line(struct mycnf *m, struct cnf_file *cf, size_t ls, size_t ll, size_t p, size_t e,
                        unsigned line)
{
	struct st_ctx *ctx = m->ctx;
	const char *s = cf->s;
	struct option_at at = {.path = cf->path, .line = line, .col = (unsigned)(p - ls + 1), .line_off = ls,
	                       .line_len = ll - ls, .group = cf->group};
	e = p + comment_start(s + p, e - p);
	const char *eq = memchr(s + p, '=', e - p);
	size_t ne = eq ? (size_t)(eq - s) : e;
	while (ne > p && is_space((unsigned char)s[ne - 1]))
		ne--;
	char *raw = st_arena_strndup(&ctx->arena, s + p, ne - p);
	if (!raw) {
		ctx->oom = 1;
		return;
	}
	char *text = NULL;
	int has_value = eq != NULL;
	if (eq) {
		size_t vs = (size_t)(eq - s) + 1;
		while (vs < e && is_space((unsigned char)s[vs]))
			vs++;
		size_t ve = e;
		while (ve > vs && is_space((unsigned char)s[ve - 1]))
			ve--;
		at.value_off = vs;
		at.value_len = ve - vs;
		at.vcol = (unsigned)(vs - ls + 1);
		if (ve - vs > 1 && (s[vs] == '"' || s[vs] == '\'') && s[ve - 1] == s[vs]) {
			vs++;
			ve--;
		}
		struct st_buf b = {0};
		for (size_t k = vs; k < ve; k++) {
			if (s[k] == '\\' && k + 1 < ve) {
				char c = s[++k];
				switch (c) {
				case 'n': st_buf_putc(&b, '\n'); break;
				case 't': st_buf_putc(&b, '\t'); break;
				case 'r': st_buf_putc(&b, '\r'); break;
				case 'b': st_buf_putc(&b, '\b'); break;
				case 's': st_buf_putc(&b, ' '); break;
				case '"': case '\'': case '\\': st_buf_putc(&b, c); break;
				default:
					st_buf_putc(&b, '\\');
					st_buf_putc(&b, c);
				}
			} else {
				st_buf_putc(&b, s[k]);
			}
		}
		text = st_arena_strndup(&ctx->arena, b.len ? b.data : "", b.len);
		int failed = b.failed;
		st_buf_free(&b);
		if (!text || failed) {
			ctx->oom = 1;
			return;
		}
	} else {
		at.value_off = ne;
		at.value_len = 0;
		at.vcol = (unsigned)(ne - ls + 1);
		text = "";
	}
	if (!*raw) {
		diag(m, ST_SEV_ERROR, at.path, line, at.col, "an option without a name: the server refuses to start");
		return;
	}
	const char *why;
	if (server_reads(m, cf->group, &why))
		server_option(m, raw, text, has_value, &at);
	else
		other_option(m, raw, text, has_value, &at, why);
}

static void parse_file(struct mycnf *m, struct cnf_file *cf)
{
	const char *s = cf->s;
	size_t n = cf->n, pos = 0;
	unsigned line = 0;
	int bom = 0;
	if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
		/* the servers do not skip a BOM: "\xEF\xBB\xBF[mysqld]" is an option before any group */
		diag(m, ST_SEV_ERROR, cf->path, 1, 1,
		     "UTF-8 byte order mark at the start: the server reads it as an option before any group and refuses "
		     "to start");
		bom = 1;
	}
	while (pos < n && !m->ctx->oom && !cf->stop) {
		line++;
		size_t ls = pos;
		const char *nl = memchr(s + pos, '\n', n - pos);
		size_t le = nl ? (size_t)(nl - s) : n;
		pos = nl ? le + 1 : n;
		if (le - ls + 1 > MAX_LINE)
			diag(m, ST_SEV_WARNING, cf->path, line, 1,
			     "line longer than %d bytes: the server reads it in pieces, as several lines", MAX_LINE);
		size_t ll = le;
		if (ll > ls && s[ll - 1] == '\r')
			ll--;
		size_t p = line == 1 && bom ? 3 : ls;
		while (p < le && is_space((unsigned char)s[p]))
			p++;
		size_t e = le;
		while (e > p && is_space((unsigned char)s[e - 1]))
			e--;
		if (p >= e || s[p] == '#' || s[p] == ';')
			continue;
		struct option_at at = {.path = cf->path, .line = line, .col = (unsigned)(p - ls + 1)};
		if (s[p] == '!') {
			directive(m, cf, s + p, e - p, &at);
			continue;
		}
		if (s[p] == '[') {
			const char *close = memchr(s + p + 1, ']', le - p - 1);
			if (!close) {
				fatal(m, cf, line, at.col, "group header without ']'");
				cf->group = NULL;
				cf->bad_group = 1;
				continue;
			}
			size_t gs = p + 1, ge = (size_t)(close - s);
			while (ge > gs && is_space((unsigned char)s[ge - 1]))
				ge--;
			char *g = st_arena_strndup(&m->ctx->arena, s + gs, ge - gs);
			if (!g) {
				m->ctx->oom = 1;
				return;
			}
			cf->group = g;
			cf->bad_group = 0;
			if (m->flavour == FLAVOUR_UNKNOWN && mariadb_only_group(g)) {
				m->flavour = FLAVOUR_MARIADB;
				record_kind(m, cf->path, line, "inferred: the file has MariaDB-only groups");
			} else if (m->flavour == FLAVOUR_UNKNOWN && mysql_only_group(g)) {
				m->flavour = FLAVOUR_MYSQL;
				record_kind(m, cf->path, line, "inferred: the file has MySQL-only groups");
			}
			continue;
		}
		if (!cf->group) {
			if (!cf->bad_group)
				fatal(m, cf, line, at.col, "option before the first [group]");
			cf->bad_group = 1;
			continue;
		}
		option_line(m, cf, ls, ll, p, e, line);
	}
}

/* ---- match and load ------------------------------------------------------ */

static int head_has_group(const char *head, size_t n)
{
	static const char *const marks[] = {"[mysqld", "[mariadb", "[server]", "[client", "[mysql", "[galera]",
	                                    "[embedded]", "!include", NULL};
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && head[i - 1] != '\n')
			continue;
		size_t k = i;
		while (k < n && (head[k] == ' ' || head[k] == '\t'))
			k++;
		for (const char *const *mk = marks; *mk; mk++) {
			size_t l = strlen(*mk);
			if (k + l <= n && strncasecmp(head + k, *mk, l) == 0)
				return 1;
		}
	}
	return 0;
}

enum st_match st_mycnf_match(const char *path, const char *name, const char *head, size_t head_len)
{
	if (!name && path) {
		const char *slash = strrchr(path, '/');
		name = slash ? slash + 1 : path;
	}
	if (!name)
		return ST_MATCH_NO;
	size_t n = strlen(name);
	int cnf = (n > 4 && strcmp(name + n - 4, ".cnf") == 0) || strcmp(name, "my.ini") == 0 ||
	          strcmp(name, ".my.cnf") == 0;
	if (!cnf)
		return ST_MATCH_NO;
	if (!head)
		return ST_MATCH_NEED_HEAD;
	return head_has_group(head, head_len) ? ST_MATCH_YES : ST_MATCH_NO;
}

/* 1 when the option text data (a file in base_dir) has an !include of file or an !includedir of dir. */
static int includes_target(struct st_ctx *ctx, const char *data, const char *base_dir, const char *file,
                           const char *dir)
{
	for (const char *s = data; s && *s;) {
		const char *nl = strchr(s, '\n');
		size_t len = nl ? (size_t)(nl - s) : strlen(s);
		size_t i = 0;
		while (i < len && is_space((unsigned char)s[i]))
			i++;
		if (i < len && s[i] == '!') {
			i++;
			while (i < len && is_space((unsigned char)s[i]))
				i++;
			int isdir = len - i > 11 && memcmp(s + i, "includedir", 10) == 0 && is_space((unsigned char)s[i + 10]);
			int isfile = !isdir && len - i > 8 && memcmp(s + i, "include", 7) == 0 &&
			             is_space((unsigned char)s[i + 7]);
			if (isdir || isfile) {
				i += isdir ? 10 : 7;
				while (i < len && is_space((unsigned char)s[i]))
					i++;
				size_t e = len;
				while (e > i && is_space((unsigned char)s[e - 1]))
					e--;
				char *arg = st_arena_strndup(&ctx->arena, s + i, e - i);
				char *t = arg && arg[0] != '/' && arg[0] != '~' ? join_path(ctx, base_dir, arg) : NULL;
				if (t && strcmp(t, isdir ? dir : file) == 0)
					return 1;
			}
		}
		s = nl ? nl + 1 : NULL;
	}
	return 0;
}

/* 1 when an option file next to f (same directory or the one above) includes f or f's directory, and f does not
 * include it back: then f is loaded through that include, in its place in the server's order, not alone. */
static int included_by_neighbour(struct st_ctx *ctx, const char *path, const char *data)
{
	char *dir = dir_of(ctx, path);
	char *up = dir && *dir ? dir_of(ctx, dir) : NULL;
	const char *dirs[2] = {dir, up};
	for (int d = 0; d < 2; d++) {
		if (!dirs[d])
			continue;
		char **names;
		size_t count;
		if (list_cnf(ctx, dirs[d], &names, &count) < 0)
			continue;
		int found = 0;
		for (size_t k = 0; k < count && !found; k++) {
			char *cand = join_path(ctx, dirs[d], names[k]);
			if (!cand || strcmp(cand, path) == 0)
				continue;
			size_t saved = ctx->diags.n;
			struct st_file f;
			if (st_file_read(ctx, cand, NULL, &f) < 0) {
				ctx->diags.n = saved; /* a neighbour we cannot read is not this file's problem */
				continue;
			}
			char *cand_dir = dir_of(ctx, cand);
			found = cand_dir && includes_target(ctx, f.data, cand_dir, path, dir) &&
			        !includes_target(ctx, data, dir, cand, cand_dir);
		}
		free(names);
		if (found)
			return 1;
	}
	return 0;
}

/* 1 when kind was read from the service's image (mysql:8.0), not from a `mysqld` command that a MariaDB image
 * may run under that name: the image names the server, so [mariadbd] groups are then not read. */
static int from_image(struct st_ctx *ctx, const char *component, const struct st_fact *kf)
{
	const char *in = st_arena_printf(&ctx->arena, "%s.image", component);
	const struct st_fact *img = in ? st_fact_get(ctx, in) : NULL;
	return img && img->origin.kind == ST_ORIGIN_FILE && img->origin.file && kf->origin.file &&
	       img->origin.line == kf->origin.line && img->origin.col == kf->origin.col &&
	       strcmp(img->origin.file, kf->origin.file) == 0;
}

int st_mycnf_load(struct st_ctx *ctx, const struct st_file *f)
{
	if (!f || !f->data)
		return -1;
	const char *path = st_arena_strdup(&ctx->arena, f->path ? f->path : "");
	if (!path) {
		ctx->oom = 1;
		return -1;
	}
	if (ctx->root && included_by_neighbour(ctx, path, f->data))
		return 0;
	struct mycnf m = {.ctx = ctx, .component = "mysql"};
	const char *link = st_arena_printf(&ctx->arena, "link.config.%s", path);
	const struct st_fact *lf = link ? st_fact_get(ctx, link) : NULL;
	if (lf && lf->value.kind == ST_VAL_STRING && lf->value.text && *lf->value.text)
		m.component = lf->value.text;
	const char *kind_name = st_arena_printf(&ctx->arena, "%s.kind", m.component);
	const struct st_fact *kf = kind_name ? st_fact_get(ctx, kind_name) : NULL;
	if (kf && kf->value.kind == ST_VAL_STRING && kf->value.text) {
		if (strcmp(kf->value.text, "mariadb") == 0)
			m.flavour = FLAVOUR_MARIADB, m.flavour_known = 1;
		else if (strcmp(kf->value.text, "mysql") == 0 && (kf->origin.kind != ST_ORIGIN_FILE || from_image(ctx, m.component, kf)))
			m.flavour = FLAVOUR_MYSQL, m.flavour_known = 1;
		m.had_kind = 1;
	}
	struct cnf_file cf = {.path = path, .s = f->data, .n = f->size};
	m.stack[m.depth++] = path;
	parse_file(&m, &cf);
	if (!m.had_kind && !m.kind_recorded) {
		struct st_origin o = st_origin_file(path, 0, 0);
		o.detail = "assumed: MySQL-family option file; groups read: [mysqld] [server]";
		st_fact_set(ctx, kind_name ? kind_name : "mysql.kind", m.component, st_value_string("mysql"), &o,
		            ST_LAYER_FILE);
	}
	if (m.errors > MAX_ERRORS_PER_FILE) {
		struct st_origin o = st_origin_file(path, 0, 0);
		st_diag(ctx, ST_SEV_ERROR, &o, "%u more errors in this file not shown", m.errors - MAX_ERRORS_PER_FILE);
	}
	return ctx->oom ? -1 : 0;
}
