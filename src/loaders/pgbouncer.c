/* pgbouncer.ini, read as PgBouncer reads it (libusual's cfparser.c for the file, src/loader.c for the
 * [databases] / [users] / [peers] connection strings, src/main.c for the typed [pgbouncer] parameters).
 *
 * Grammar (cfparser parse_ini_file):
 *   - white space (isspace, so also empty lines) is skipped before every token;
 *   - "#" or ";" where a token starts comments out the rest of the line; there are NO inline comments:
 *     "pool_mode = transaction ; x" gives the value "transaction ; x", which PgBouncer rejects;
 *   - "%include FILE" (then a blank): the file is read in place; at most 10 levels;
 *   - "[section]": the name runs to "]" on the same line (a missing "]" is a syntax error); parsing goes on right
 *     after the "]", so "[pgbouncer] listen_port = 1" on one line is valid;
 *   - "key = value": the key is [A-Za-z0-9_.*-]*, blanks, "=", blanks, then the value runs to the end of the line,
 *     trailing white space trimmed. Anything else is a syntax error, after which PgBouncer stops loading.
 * Sections: pgbouncer (typed parameters, case-sensitive names), databases, users, peers; another name, a key
 * before any section, an unknown parameter or an invalid value make PgBouncer refuse the file.
 * Typing (cfparser): ints are strtol(base 0) over the whole value (so 010 is 8 and 0x10 is 16), times are
 * non-negative seconds as strtod reads them (fractions allowed), lookups are case-insensitive.
 * Connection strings (loader.c cstr_get_pair): key up to "=" or a space, value either '...' with '' for a quote
 * or up to the next space; empty values are errors; numbers are atoi (garbage reads as 0, said in a warning).
 *
 * Decisions: unknown [pgbouncer] parameters are warnings with a did-you-mean (PgBouncer itself refuses them: the
 * message says so); the other refusals are errors. %include paths are resolved relative to the including file
 * (PgBouncer opens them relative to its working directory, which a repository cannot know); absolute paths point
 * into the container, outside the audited tree: reported (info), not followed. A file other than pgbouncer.ini
 * that has no [pgbouncer] section and no %include of its own is a fragment some main file includes: it is not
 * loaded standalone (info). Defaults are not recorded here (they are in st_pgbouncer_settings for the model). */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "stacktune/loaders.h"

#define MAX_INCLUDE         10 /* libusual cfparser MAX_INCLUDE */
#define MAX_ERRORS_PER_FILE 50

static const char pool_modes[] = "session,transaction,statement";
static const char sslmodes[] = "disable,allow,prefer,require,verify-ca,verify-full";

/* The [pgbouncer] parameters of PgBouncer 1.24 (src/main.c bouncer_params), with their defaults. */
const struct st_pgbouncer_setting st_pgbouncer_settings[] = {
    {"admin_users", ST_PGB_STRING, "", NULL, 0},
    {"application_name_add_host", ST_PGB_INT, "0", NULL, 0},
    {"auth_dbname", ST_PGB_STRING, NULL, NULL, 0},
    {"auth_file", ST_PGB_STRING, NULL, NULL, 0},
    {"auth_hba_file", ST_PGB_STRING, "", NULL, 0},
    {"auth_ident_file", ST_PGB_STRING, NULL, NULL, 0},
    {"auth_ldap_options", ST_PGB_STRING, NULL, NULL, 1},
    {"auth_query", ST_PGB_STRING,
     "SELECT rolname, CASE WHEN rolvaliduntil < now() THEN NULL ELSE rolpassword END FROM pg_authid WHERE "
     "rolname=$1 AND rolcanlogin",
     NULL, 0},
    {"auth_type", ST_PGB_LOOKUP, "md5", "any,trust,plain,md5,cert,hba,ldap,pam,scram-sha-256", 0},
    {"auth_user", ST_PGB_STRING, NULL, NULL, 0},
    {"autodb_idle_timeout", ST_PGB_TIME, "3600", NULL, 0},
    {"cancel_wait_timeout", ST_PGB_TIME, "10", NULL, 0},
    {"client_idle_timeout", ST_PGB_TIME, "0", NULL, 0},
    {"client_login_timeout", ST_PGB_TIME, "60", NULL, 0},
    {"client_tls13_ciphers", ST_PGB_STRING, NULL, NULL, 0},
    {"client_tls_ca_file", ST_PGB_STRING, "", NULL, 0},
    {"client_tls_cert_file", ST_PGB_STRING, "", NULL, 0},
    {"client_tls_ciphers", ST_PGB_STRING, "default", NULL, 0},
    {"client_tls_dheparams", ST_PGB_STRING, "auto", NULL, 0},
    {"client_tls_ecdhcurve", ST_PGB_STRING, "auto", NULL, 0},
    {"client_tls_key_file", ST_PGB_STRING, "", NULL, 0},
    {"client_tls_protocols", ST_PGB_STRING, "secure", NULL, 0},
    {"client_tls_sslmode", ST_PGB_LOOKUP, "disable", sslmodes, 0},
    {"conffile", ST_PGB_STRING, NULL, NULL, 0},
    {"default_pool_size", ST_PGB_INT, "20", NULL, 0},
    {"disable_pqexec", ST_PGB_INT, "0", NULL, 0},
    {"dns_max_ttl", ST_PGB_TIME, "15", NULL, 0},
    {"dns_nxdomain_ttl", ST_PGB_TIME, "15", NULL, 0},
    {"dns_zone_check_period", ST_PGB_TIME, "0", NULL, 0},
    {"idle_transaction_timeout", ST_PGB_TIME, "0", NULL, 0},
    {"ignore_startup_parameters", ST_PGB_STRING, "", NULL, 0},
    {"job_name", ST_PGB_STRING, "pgbouncer", NULL, 0},
    {"listen_addr", ST_PGB_STRING, "", NULL, 0},
    {"listen_backlog", ST_PGB_INT, "128", NULL, 0},
    {"listen_port", ST_PGB_INT, "6432", NULL, 0},
    {"log_connections", ST_PGB_INT, "1", NULL, 0},
    {"log_disconnections", ST_PGB_INT, "1", NULL, 0},
    {"log_pooler_errors", ST_PGB_INT, "1", NULL, 0},
    {"log_stats", ST_PGB_INT, "1", NULL, 0},
    {"logfile", ST_PGB_STRING, "", NULL, 0},
    {"max_client_conn", ST_PGB_INT, "100", NULL, 0},
    {"max_db_client_connections", ST_PGB_INT, "0", NULL, 0},
    {"max_db_connections", ST_PGB_INT, "0", NULL, 0},
    {"max_packet_size", ST_PGB_UINT, "2147483647", NULL, 0},
    {"max_prepared_statements", ST_PGB_INT, "200", NULL, 0},
    {"max_user_client_connections", ST_PGB_INT, "0", NULL, 0},
    {"max_user_connections", ST_PGB_INT, "0", NULL, 0},
    {"min_pool_size", ST_PGB_INT, "0", NULL, 0},
    {"peer_id", ST_PGB_INT, "0", NULL, 0},
    {"pidfile", ST_PGB_STRING, "", NULL, 0},
    {"pkt_buf", ST_PGB_INT, "4096", NULL, 0},
    {"pool_mode", ST_PGB_LOOKUP, "session", pool_modes, 0},
    {"query_timeout", ST_PGB_TIME, "0", NULL, 0},
    {"query_wait_notify", ST_PGB_INT, "5", NULL, 0},
    {"query_wait_timeout", ST_PGB_TIME, "120", NULL, 0},
    {"reserve_pool_size", ST_PGB_INT, "0", NULL, 0},
    {"reserve_pool_timeout", ST_PGB_TIME, "5", NULL, 0},
    {"resolv_conf", ST_PGB_STRING, "", NULL, 0},
    {"sbuf_loopcnt", ST_PGB_INT, "5", NULL, 0},
    {"scram_iterations", ST_PGB_INT, "4096", NULL, 0},
    {"server_check_delay", ST_PGB_TIME, "30", NULL, 0},
    {"server_check_query", ST_PGB_STRING, "<empty>", NULL, 0},
    {"server_connect_timeout", ST_PGB_TIME, "15", NULL, 0},
    {"server_fast_close", ST_PGB_INT, "0", NULL, 0},
    {"server_idle_timeout", ST_PGB_TIME, "600", NULL, 0},
    {"server_lifetime", ST_PGB_TIME, "3600", NULL, 0},
    {"server_login_retry", ST_PGB_TIME, "15", NULL, 0},
    {"server_reset_query", ST_PGB_STRING, "DISCARD ALL", NULL, 0},
    {"server_reset_query_always", ST_PGB_INT, "0", NULL, 0},
    {"server_round_robin", ST_PGB_INT, "0", NULL, 0},
    {"server_tls13_ciphers", ST_PGB_STRING, NULL, NULL, 0},
    {"server_tls_ca_file", ST_PGB_STRING, "", NULL, 0},
    {"server_tls_cert_file", ST_PGB_STRING, "", NULL, 0},
    {"server_tls_ciphers", ST_PGB_STRING, "default", NULL, 0},
    {"server_tls_key_file", ST_PGB_STRING, "", NULL, 0},
    {"server_tls_protocols", ST_PGB_STRING, "secure", NULL, 0},
    {"server_tls_sslmode", ST_PGB_LOOKUP, "prefer", sslmodes, 0},
    {"so_reuseport", ST_PGB_INT, "0", NULL, 0},
    {"stats_period", ST_PGB_INT, "60", NULL, 0},
    {"stats_users", ST_PGB_STRING, "", NULL, 0},
    {"suspend_timeout", ST_PGB_TIME, "10", NULL, 0},
    {"syslog", ST_PGB_INT, "0", NULL, 0},
    {"syslog_facility", ST_PGB_STRING, "daemon", NULL, 0},
    {"syslog_ident", ST_PGB_STRING, "pgbouncer", NULL, 0},
    {"tcp_defer_accept", ST_PGB_INT, "1", NULL, 0},
    {"tcp_keepalive", ST_PGB_INT, "1", NULL, 0},
    {"tcp_keepcnt", ST_PGB_INT, "0", NULL, 0},
    {"tcp_keepidle", ST_PGB_INT, "0", NULL, 0},
    {"tcp_keepintvl", ST_PGB_INT, "0", NULL, 0},
    {"tcp_socket_buffer", ST_PGB_INT, "0", NULL, 0},
    {"tcp_user_timeout", ST_PGB_INT, "0", NULL, 0},
    {"track_extra_parameters", ST_PGB_STRING, "IntervalStyle", NULL, 0},
    {"transaction_timeout", ST_PGB_TIME, "0", NULL, 0},
    {"unix_socket_dir", ST_PGB_STRING, "/tmp", NULL, 0},
    {"unix_socket_group", ST_PGB_STRING, "", NULL, 0},
    {"unix_socket_mode", ST_PGB_INT, "0777", NULL, 0},
    {"user", ST_PGB_STRING, NULL, NULL, 0},
    {"verbose", ST_PGB_INT, NULL, NULL, 0},
};
const size_t st_pgbouncer_settings_count = sizeof(st_pgbouncer_settings) / sizeof(st_pgbouncer_settings[0]);

const struct st_pgbouncer_setting *st_pgbouncer_setting_find(const char *name)
{
	for (size_t i = 0; name && i < st_pgbouncer_settings_count; i++)
		if (strcmp(st_pgbouncer_settings[i].name, name) == 0) /* cfparser find_key: strcmp */
			return &st_pgbouncer_settings[i];
	return NULL;
}

/* Connection-string parameters (src/loader.c parse_database / parse_user / parse_peer). */
enum cstr_type { CSTR_STRING, CSTR_SECRET, CSTR_ATOI, CSTR_PORT, CSTR_SECONDS, CSTR_LOOKUP };
struct cstr_param {
	const char *name;
	enum cstr_type type;
	const char *values;
};
static const struct cstr_param database_params[] = {
    {"dbname", CSTR_STRING, NULL},
    {"host", CSTR_STRING, NULL},
    {"port", CSTR_PORT, NULL},
    {"user", CSTR_STRING, NULL},
    {"password", CSTR_SECRET, NULL},
    {"auth_user", CSTR_STRING, NULL},
    {"auth_dbname", CSTR_STRING, NULL},
    {"client_encoding", CSTR_STRING, NULL},
    {"datestyle", CSTR_STRING, NULL},
    {"timezone", CSTR_STRING, NULL},
    {"pool_size", CSTR_ATOI, NULL},
    {"min_pool_size", CSTR_ATOI, NULL},
    {"reserve_pool", CSTR_ATOI, NULL},
    {"max_db_connections", CSTR_ATOI, NULL},
    {"max_db_client_connections", CSTR_ATOI, NULL},
    {"server_lifetime", CSTR_SECONDS, NULL},
    {"load_balance_hosts", CSTR_LOOKUP, "disable,round-robin"},
    {"pool_mode", CSTR_LOOKUP, pool_modes},
    {"target_session_attrs", CSTR_LOOKUP, "any,read-write,read-only,primary,standby,prefer-standby"},
    {"connect_query", CSTR_STRING, NULL},
    {"application_name", CSTR_STRING, NULL},
    {"auth_query", CSTR_STRING, NULL},
    {NULL, CSTR_STRING, NULL},
};
static const struct cstr_param user_params[] = {
    {"pool_mode", CSTR_LOOKUP, pool_modes},           {"pool_size", CSTR_ATOI, NULL},
    {"max_user_connections", CSTR_ATOI, NULL},        {"client_idle_timeout", CSTR_SECONDS, NULL},
    {"max_user_client_connections", CSTR_ATOI, NULL}, {NULL, CSTR_STRING, NULL},
};
static const struct cstr_param peer_params[] = {
    {"host", CSTR_STRING, NULL},
    {"port", CSTR_PORT, NULL},
    {"pool_size", CSTR_ATOI, NULL},
    {NULL, CSTR_STRING, NULL},
};

struct pgb {
	struct st_ctx *ctx;
	const char *component;
	int depth;
	int main_seen;   /* a [pgbouncer] section header was read */
	int kind_needed; /* <component>.kind is not known yet: record it at the first section */
	unsigned errors;
	const char *section; /* current section (arena), NULL before the first; it carries over %include */
};

struct pgb_file {
	const char *path;
	const char *s;
	size_t n;
	/* a monotonic cursor turning offsets into line/column */
	size_t cur_off, cur_line_start;
	unsigned cur_line;
};

/* The origin of bytes [off, off+len) of the file: line, column, value span and line span. */
static struct st_origin origin_at(struct pgb_file *pf, size_t off, size_t len)
{
	if (off < pf->cur_off) { /* rewind (rare): count again from the start */
		pf->cur_off = pf->cur_line_start = 0;
		pf->cur_line = 1;
	}
	for (; pf->cur_off < off && pf->cur_off < pf->n; pf->cur_off++)
		if (pf->s[pf->cur_off] == '\n') {
			pf->cur_line++;
			pf->cur_line_start = pf->cur_off + 1;
		}
	struct st_origin o = st_origin_file(pf->path, pf->cur_line, (unsigned)(off - pf->cur_line_start + 1));
	o.value_off = off;
	o.value_len = len;
	o.line_off = pf->cur_line_start;
	size_t e = pf->cur_line_start;
	while (e < pf->n && pf->s[e] != '\n')
		e++;
	o.line_len = e - pf->cur_line_start;
	if (o.line_len && pf->s[e - 1] == '\r')
		o.line_len--;
	return o;
}

__attribute__((format(printf, 5, 6))) static void report(struct pgb *p, struct pgb_file *pf, enum st_severity sev,
                                                         size_t off, const char *fmt, ...)
{
	if (sev == ST_SEV_ERROR && ++p->errors > MAX_ERRORS_PER_FILE)
		return;
	struct st_origin o = origin_at(pf, off, 0);
	va_list ap;
	va_start(ap, fmt);
	st_vdiag(p->ctx, sev, &o, fmt, ap);
	va_end(ap);
}

static void fact(struct pgb *p, const char *name, struct st_value v, const struct st_origin *o)
{
	const char *full = st_arena_printf(&p->ctx->arena, "%s.%s", p->component, name);
	if (!full || !st_fact_set(p->ctx, full, p->component, v, o, ST_LAYER_FILE))
		p->ctx->oom = 1;
}

/* Restricted Damerau-Levenshtein distance, giving up above cap. */
static size_t distance(const char *a, const char *b, size_t cap)
{
	size_t n = strlen(a), m = strlen(b);
	if (n > 64 || m > 64 || (n > m ? n - m : m - n) > cap)
		return cap + 1;
	size_t d[65][65];
	for (size_t i = 0; i <= n; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= m; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= n; i++)
		for (size_t j = 1; j <= m; j++) {
			size_t best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	return d[n][m];
}

const char *st_pgbouncer_setting_suggest(const char *name)
{
	if (!name || !*name)
		return NULL;
	size_t len = strlen(name), cap = len < 6 ? 1 : len < 12 ? 2 : 3, best_d = cap + 1;
	const char *best = NULL;
	for (size_t i = 0; i < st_pgbouncer_settings_count; i++) {
		size_t dd = distance(name, st_pgbouncer_settings[i].name, cap);
		if (dd < best_d) {
			best_d = dd;
			best = st_pgbouncer_settings[i].name;
		}
	}
	return best;
}

static const char *cstr_suggest(const struct cstr_param *params, const char *name)
{
	size_t len = strlen(name), cap = len < 6 ? 1 : len < 12 ? 2 : 3, best_d = cap + 1;
	const char *best = NULL;
	for (const struct cstr_param *c = params; c->name; c++) {
		size_t dd = distance(name, c->name, cap);
		if (dd < best_d) {
			best_d = dd;
			best = c->name;
		}
	}
	return best;
}

/* Finds value (case-insensitively, cf_set_lookup) in a comma-separated list; the canonical name or NULL. */
static const char *lookup(struct st_ctx *ctx, const char *values, const char *value)
{
	for (const char *s = values; s && *s;) {
		size_t l = strcspn(s, ",");
		if (strlen(value) == l && strncasecmp(s, value, l) == 0)
			return st_arena_strndup(&ctx->arena, s, l);
		s += l + (s[l] == ',');
	}
	return NULL;
}

/* cfparser parse_time: strtod, the whole value, not negative; seconds -> microseconds. 0 or -1. */
static int parse_seconds(const char *v, int64_t *usec)
{
	char *end;
	errno = 0;
	double d = strtod(v, &end);
	if (errno || end == v || *end || d < 0 || !isfinite(d) || d * 1e6 >= 9.2e18)
		return -1;
	*usec = (int64_t)(d * 1e6);
	return 0;
}

/* C atoi: leading white space, a sign, digits; stops at the first other byte. *clean = the whole text was read. */
static int64_t c_atoi(const char *v, int *clean)
{
	const char *p = v;
	while (isspace((unsigned char)*p))
		p++;
	int neg = *p == '-';
	if (*p == '-' || *p == '+')
		p++;
	int64_t n = 0;
	const char *digits = p;
	while (isdigit((unsigned char)*p) && n < INT_MAX)
		n = n * 10 + (*p++ - '0');
	*clean = p > digits && *p == '\0' && n <= INT_MAX;
	if (n > INT_MAX)
		n = INT_MAX;
	return neg ? -n : n;
}

/* One [pgbouncer] parameter. */
static void set_param(struct pgb *p, struct pgb_file *pf, const char *key, size_t koff, const char *val, size_t voff,
                      size_t vlen)
{
	const struct st_pgbouncer_setting *s = st_pgbouncer_setting_find(key);
	if (!s) {
		const char *hint = st_pgbouncer_setting_suggest(key);
		if (hint)
			report(p, pf, ST_SEV_WARNING, koff,
			       "unknown setting '%s' (did you mean '%s'?); PgBouncer refuses to start with it", key,
			       hint);
		else
			report(p, pf, ST_SEV_WARNING, koff, "unknown setting '%s'; PgBouncer refuses to start with it",
			       key);
		return;
	}
	struct st_origin o = origin_at(pf, voff, vlen);
	struct st_value v;
	switch (s->type) {
	case ST_PGB_INT:
	case ST_PGB_UINT: {
		char *end;
		errno = 0;
		long long n = s->type == ST_PGB_INT ? strtoll(val, &end, 0) : (long long)strtoull(val, &end, 0);
		if (end == val || *end) {
			report(p, pf, ST_SEV_ERROR, voff, "invalid value for %s: '%s' is not an integer", key,
			       s->secret ? "***" : val);
			return;
		}
		if (errno || (s->type == ST_PGB_INT && (n < INT_MIN || n > INT_MAX)) ||
		    (s->type == ST_PGB_UINT && (n < 0 || n > (long long)UINT_MAX))) {
			report(p, pf, ST_SEV_ERROR, voff, "invalid value for %s: %s is out of range", key, val);
			return;
		}
		v = st_value_int(n);
		break;
	}
	case ST_PGB_TIME: {
		int64_t us;
		if (parse_seconds(val, &us) < 0) {
			report(p, pf, ST_SEV_ERROR, voff,
			       "invalid value for %s: '%s' is not a number of seconds (fractions allowed, no units)",
			       key, val);
			return;
		}
		v = st_value_duration(us);
		break;
	}
	case ST_PGB_LOOKUP: {
		const char *canon = lookup(p->ctx, s->values, val);
		if (!canon) {
			report(p, pf, ST_SEV_ERROR, voff, "invalid value for %s: '%s' (one of: %s)", key, val,
			       s->values);
			return;
		}
		v = st_value_string(canon);
		break;
	}
	default:
		v = st_value_string(val);
		break;
	}
	v.text = val;
	v.secret = s->secret;
	fact(p, key, v, &o);
}

/* A [databases] / [users] / [peers] entry: name = key=value ... (loader.c cstr_get_pair). */
static void set_entry(struct pgb *p, struct pgb_file *pf, const char *what, const struct cstr_param *params,
                      const char *name, size_t koff, const char *cs, size_t coff)
{
	struct st_ctx *ctx = p->ctx;
	if (params == database_params && strcmp(name, "pgbouncer") == 0) {
		report(p, pf, ST_SEV_ERROR, koff, "database name \"pgbouncer\" is reserved (the admin console)");
		return;
	}
	if (params == peer_params) {
		int clean;
		int64_t id = c_atoi(name, &clean);
		if (!clean || id < 1 || id > 65535) {
			report(p, pf, ST_SEV_ERROR, koff, "peer ids must be numbers from 1 to 65535, not '%s'", name);
			return;
		}
	}
	/* loader.c adds the entry only when the whole string parses: facts wait until the end */
	struct pending {
		const char *name;
		struct st_value v;
		struct st_origin o;
	} *pend = NULL;
	size_t n_pend = 0, cap_pend = 0;
	size_t i = 0, n = strlen(cs);
	while (i < n) {
		while (i < n && isspace((unsigned char)cs[i]))
			i++;
		if (i >= n)
			break;
		size_t ks = i;
		while (i < n && cs[i] != '=' && cs[i] != ' ')
			i++;
		size_t ke = i;
		while (i < n && isspace((unsigned char)cs[i]))
			i++;
		if (i >= n || cs[i] != '=' || ke == ks) {
			report(p, pf, ST_SEV_ERROR, coff + ks, "syntax error in connection string: expected key=value");
			return;
		}
		i++;
		while (i < n && isspace((unsigned char)cs[i]))
			i++;
		struct st_buf b = {0};
		size_t vs = i, ve;
		if (i < n && cs[i] == '\'') {
			i++;
			for (;;) {
				if (i >= n) {
					st_buf_free(&b);
					report(p, pf, ST_SEV_ERROR, coff + vs,
					       "unterminated quoted value in connection string");
					return;
				}
				if (cs[i] == '\'') {
					if (i + 1 < n && cs[i + 1] == '\'')
						i++;
					else
						break;
				}
				st_buf_putc(&b, cs[i++]);
			}
			i++; /* the closing quote */
			ve = i;
		} else {
			while (i < n && cs[i] != ' ')
				i++;
			ve = i;
			st_buf_put(&b, cs + vs, ve - vs);
		}
		if (i < n)
			i++; /* loader.c cuts the value at the next byte, whatever it is */
		char *key = st_arena_strndup(&ctx->arena, cs + ks, ke - ks);
		char *val = st_arena_strdup(&ctx->arena, st_buf_cstr(&b));
		st_buf_free(&b);
		if (!key || !val) {
			ctx->oom = 1;
			return;
		}
		if (!*val) {
			report(p, pf, ST_SEV_ERROR, coff + vs, "empty value for '%s' in connection string", key);
			return;
		}
		const struct cstr_param *cp = params;
		while (cp->name && strcmp(cp->name, key) != 0)
			cp++;
		if (!cp->name) {
			const char *hint = cstr_suggest(params, key);
			if (hint)
				report(p, pf, ST_SEV_ERROR, coff + ks,
				       "unrecognized %s parameter '%s' (did you mean '%s'?)", what, key, hint);
			else
				report(p, pf, ST_SEV_ERROR, coff + ks, "unrecognized %s parameter '%s'", what, key);
			return;
		}
		struct st_origin o = origin_at(pf, coff + vs, ve - vs);
		struct st_value v = st_value_string(val);
		int clean = 1;
		switch (cp->type) {
		case CSTR_SECRET:
			v.secret = 1;
			break;
		case CSTR_PORT:
		case CSTR_ATOI:
		case CSTR_SECONDS: {
			int64_t num = c_atoi(val, &clean);
			if (cp->type == CSTR_PORT && num == 0) {
				report(p, pf, ST_SEV_ERROR, coff + vs, "invalid port: %s", val);
				return;
			}
			v = cp->type == CSTR_SECONDS ? st_value_duration(num * 1000000) : st_value_int(num);
			v.text = val;
			break;
		}
		case CSTR_LOOKUP: {
			const char *canon = lookup(ctx, cp->values, val);
			if (!canon) {
				report(p, pf, ST_SEV_ERROR, coff + vs, "invalid %s: '%s' (one of: %s)", key, val,
				       cp->values);
				return;
			}
			v = st_value_string(canon);
			v.text = val;
			break;
		}
		default:
			break;
		}
		if (!clean)
			report(p, pf, ST_SEV_WARNING, coff + vs, "%s: PgBouncer reads '%s' as %lld (atoi)", key, val,
			       (long long)v.i);
		if (n_pend == cap_pend) {
			size_t nc = cap_pend ? cap_pend * 2 : 8;
			struct pending *np = st_arena_alloc(&ctx->arena, nc * sizeof(*np));
			if (!np) {
				ctx->oom = 1;
				return;
			}
			if (n_pend)
				memcpy(np, pend, n_pend * sizeof(*np));
			pend = np;
			cap_pend = nc;
		}
		const char *group = what[0] == 'd' ? "databases" : what[0] == 'u' ? "users" : "peers";
		pend[n_pend++] = (struct pending){st_arena_printf(&ctx->arena, "%s.%s.%s", group, name, key), v, o};
	}
	for (size_t k = 0; k < n_pend; k++)
		if (pend[k].name)
			fact(p, pend[k].name, pend[k].v, &pend[k].o);
}

static void parse_file(struct pgb *p, struct pgb_file *pf);

static void include(struct pgb *p, struct pgb_file *pf, const char *arg, size_t off, size_t len)
{
	struct st_ctx *ctx = p->ctx;
	struct st_origin o = origin_at(pf, off, len);
	if (p->depth >= MAX_INCLUDE) {
		report(p, pf, ST_SEV_ERROR, off, "include nesting level too deep (PgBouncer stops loading here)");
		return;
	}
	if (arg[0] == '/' || arg[0] == '~') {
		st_diag(ctx, ST_SEV_INFO, &o, "not followed: %s is outside the audited tree (a path in the container)",
		        arg);
		return;
	}
	const char *slash = strrchr(pf->path, '/');
	const char *rel = slash ? st_arena_printf(&ctx->arena, "%.*s/%s", (int)(slash - pf->path), pf->path, arg)
	                        : st_arena_strdup(&ctx->arena, arg);
	struct st_file inc;
	if (!rel || st_file_read(ctx, rel, &o, &inc) < 0)
		return;
	struct pgb_file child = {.path = inc.path, .s = inc.data, .n = inc.size, .cur_line = 1};
	p->depth++;
	parse_file(p, &child);
	p->depth--;
}

static int is_key_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '.' || c == '-' || c == '*';
}

static void parse_file(struct pgb *p, struct pgb_file *pf)
{
	struct st_ctx *ctx = p->ctx;
	const char *s = pf->s;
	size_t n = pf->n, i = 0;
	while (i < n) {
		while (i < n && isspace((unsigned char)s[i]))
			i++;
		if (i >= n)
			break;
		size_t eol = i;
		while (eol < n && s[eol] != '\n')
			eol++;
		if (n - i > 8 && strncmp(s + i, "%include", 8) == 0 && (s[i + 8] == ' ' || s[i + 8] == '\t')) {
			size_t a = i + 8;
			while (a < eol && (s[a] == ' ' || s[a] == '\t'))
				a++;
			size_t e = eol;
			while (e > a && isspace((unsigned char)s[e - 1]))
				e--;
			char *arg = st_arena_strndup(&ctx->arena, s + a, e - a);
			if (arg && *arg)
				include(p, pf, arg, a, e - a);
			else if (arg)
				report(p, pf, ST_SEV_ERROR, i,
				       "%%include without a file name (PgBouncer stops loading here)");
			i = eol;
			continue;
		}
		if (s[i] == '#' || s[i] == ';') {
			i = eol;
			continue;
		}
		if (s[i] == '[') {
			size_t b = i + 1, e = b;
			while (e < eol && s[e] != ']')
				e++;
			if (e >= eol) {
				report(p, pf, ST_SEV_ERROR, i,
				       "syntax error: missing ']' (PgBouncer stops loading here)");
				p->section = NULL;
				i = eol;
				continue;
			}
			const char *name = st_arena_strndup(&ctx->arena, s + b, e - b);
			if (!name) {
				ctx->oom = 1;
				return;
			}
			if (strcmp(name, "pgbouncer") && strcmp(name, "databases") && strcmp(name, "users") &&
			    strcmp(name, "peers")) {
				report(p, pf, ST_SEV_ERROR, b, "unknown section [%s]; PgBouncer refuses to start",
				       name);
				p->section = NULL;
			} else {
				p->section = name;
				if (!strcmp(name, "pgbouncer"))
					p->main_seen = 1;
				if (p->kind_needed) {
					struct st_origin o = origin_at(pf, i, e + 1 - i);
					fact(p, "kind", st_value_string("pgbouncer"), &o);
					p->kind_needed = 0;
				}
			}
			i = e + 1;
			continue;
		}
		size_t ks = i;
		while (i < n && is_key_char(s[i]))
			i++;
		size_t ke = i;
		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i >= n || s[i] != '=') {
			report(p, pf, ST_SEV_ERROR, i < n && i < eol ? i : ks,
			       "syntax error: expected 'name = value' (PgBouncer stops loading here)");
			i = eol;
			continue;
		}
		i++;
		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		size_t vs = i < eol ? i : eol, ve = eol;
		while (ve > vs && isspace((unsigned char)s[ve - 1]))
			ve--;
		i = eol;
		char *key = st_arena_strndup(&ctx->arena, s + ks, ke - ks);
		char *val = st_arena_strndup(&ctx->arena, s + vs, ve - vs);
		if (!key || !val) {
			ctx->oom = 1;
			return;
		}
		if (!p->section) {
			report(p, pf, ST_SEV_ERROR, ks, "'%s' outside a section; PgBouncer refuses to start", key);
			continue;
		}
		if (!strcmp(p->section, "pgbouncer"))
			set_param(p, pf, key, ks, val, vs, ve - vs);
		else if (!strcmp(p->section, "databases"))
			set_entry(p, pf, "database", database_params, key, ks, val, vs);
		else if (!strcmp(p->section, "users"))
			set_entry(p, pf, "user", user_params, key, ks, val, vs);
		else
			set_entry(p, pf, "peer", peer_params, key, ks, val, vs);
	}
}

static int has_line(const char *s, size_t n, const char *what)
{
	size_t wl = strlen(what);
	for (size_t i = 0; i < n;) {
		while (i < n && isspace((unsigned char)s[i]))
			i++;
		if (n - i >= wl && strncmp(s + i, what, wl) == 0)
			return 1;
		while (i < n && s[i] != '\n')
			i++;
	}
	return 0;
}

enum st_match st_pgbouncer_match(const char *path, const char *name, const char *head, size_t head_len)
{
	(void)path;
	if (strcmp(name, "pgbouncer.ini") == 0)
		return ST_MATCH_YES;
	size_t n = strlen(name);
	if (n < 5 || strcmp(name + n - 4, ".ini") != 0)
		return ST_MATCH_NO;
	if (!head)
		return ST_MATCH_NEED_HEAD;
	return has_line(head, head_len, "[pgbouncer]") || has_line(head, head_len, "[databases]") ? ST_MATCH_YES
	                                                                                          : ST_MATCH_NO;
}

int st_pgbouncer_load(struct st_ctx *ctx, const struct st_file *f)
{
	int main_name = strcmp(f->name, "pgbouncer.ini") == 0;
	if (!main_name && !has_line(f->data, f->size, "[pgbouncer]") && !has_line(f->data, f->size, "%include")) {
		struct st_origin o = st_origin_file(f->path, 0, 0);
		st_diag(ctx, ST_SEV_INFO, &o,
		        "no [pgbouncer] section: a fragment read through %%include, not loaded alone");
		return 0;
	}
	struct pgb p = {.ctx = ctx, .component = "pgbouncer"};
	const char *link = st_arena_printf(&ctx->arena, "link.config.%s", f->path);
	const struct st_fact *lf = link ? st_fact_get(ctx, link) : NULL;
	if (lf && lf->value.kind == ST_VAL_STRING && lf->value.text && *lf->value.text)
		p.component = lf->value.text;
	const char *kind_name = st_arena_printf(&ctx->arena, "%s.kind", p.component);
	p.kind_needed = kind_name && !st_fact_get(ctx, kind_name);
	struct pgb_file pf = {.path = f->path, .s = f->data, .n = f->size, .cur_line = 1};
	parse_file(&p, &pf);
	if (p.errors > MAX_ERRORS_PER_FILE) {
		struct st_origin o = st_origin_file(f->path, 0, 0);
		st_diag(ctx, ST_SEV_ERROR, &o, "%u more errors in this file not shown", p.errors - MAX_ERRORS_PER_FILE);
	}
	if (!p.main_seen) {
		struct st_origin o = st_origin_file(f->path, 0, 0);
		st_diag(ctx, ST_SEV_ERROR, &o,
		        "no [pgbouncer] section: PgBouncer refuses to start (main section missing)");
	}
	return p.errors ? -1 : 0;
}
