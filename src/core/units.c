/* Sizes and durations in the dialects of the configs we read. Overflow and garbage are errors. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stacktune/core.h"

#define NUM_MAX 128 /* longest numeric text we accept */

struct unit {
	const char *name;
	int64_t mult; /* bytes or microseconds */
};

static const struct unit pg_size_units[] = {
	{"B", 1}, {"kB", 1024}, {"MB", 1024 * 1024}, {"GB", 1024LL * 1024 * 1024}, {"TB", 1024LL * 1024 * 1024 * 1024}, {NULL, 0}};
static const struct unit pg_time_units[] = {
	{"us", 1}, {"ms", 1000}, {"s", 1000000}, {"min", 60000000LL}, {"h", 3600000000LL}, {"d", 86400000000LL}, {NULL, 0}};
/* lenient durations: case-insensitive */
static const struct unit any_time_units[] = {
	{"us", 1}, {"ms", 1000}, {"s", 1000000}, {"sec", 1000000}, {"secs", 1000000}, {"second", 1000000},
	{"seconds", 1000000}, {"m", 60000000LL}, {"min", 60000000LL}, {"mins", 60000000LL}, {"minute", 60000000LL},
	{"minutes", 60000000LL}, {"h", 3600000000LL}, {"hr", 3600000000LL}, {"hour", 3600000000LL},
	{"hours", 3600000000LL}, {"d", 86400000000LL}, {"day", 86400000000LL}, {"days", 86400000000LL},
	{"w", 604800000000LL}, {NULL, 0}};

/* Copies s[0..n) into out with a NUL; -1 when too long or it holds a NUL. */
static int copy_num(const char *s, size_t n, char *out, const char **err)
{
	if (n >= NUM_MAX) {
		*err = "value too long";
		return -1;
	}
	if (memchr(s, '\0', n)) {
		*err = "NUL byte in value";
		return -1;
	}
	memcpy(out, s, n);
	out[n] = '\0';
	return 0;
}

static int scale_next(double val, int64_t unit, int64_t next, int64_t base, int64_t *out, const char **err);

/* Scales a parsed number by unit/base, rounding like PostgreSQL (rint), with range checks. */
static int scale(double val, int64_t unit, int64_t base, int64_t *out, const char **err)
{
	return scale_next(val, unit, 0, base, out, err);
}

/* guc.c convert_to_base_unit() + parse_int(): value x (unit / base) in doubles, a fraction first rounded to the
 * nearest multiple of the next smaller unit (next > 0; "1.0001GB" of kB is 1GB, "0.001h" of ms is 0), then rint
 * to whole base units. */
static int scale_next(double val, int64_t unit, int64_t next, int64_t base, int64_t *out, const char **err)
{
	double v = val * ((double)unit / (double)base);
	if (next > 0) {
		double nm = (double)next / (double)base;
		v = rint(v / nm) * nm;
	}
	v = rint(v);
	if (!(v >= -9.2e18 && v <= 9.2e18)) {
		*err = "value out of range";
		return -1;
	}
	int64_t units = (int64_t)v;
	if (__builtin_mul_overflow(units, base, out)) {
		*err = "value out of range";
		return -1;
	}
	return 0;
}

/* Exact integer path: n * unit without rounding, used when the number had no fraction. */
static int scale_int(int64_t n, int64_t unit, int64_t *out, const char **err)
{
	if (__builtin_mul_overflow(n, unit, out)) {
		*err = "value out of range";
		return -1;
	}
	return 0;
}

static const struct unit *find_unit(const struct unit *t, const char *u, int nocase)
{
	for (; t->name; t++)
		if (nocase ? strcasecmp(t->name, u) == 0 : strcmp(t->name, u) == 0)
			return t;
	return NULL;
}

/* PostgreSQL's parse_int/parse_real: strtol base 0, fraction via strtod, spaces, case-sensitive unit. */
static int parse_pg(const char *s, size_t n, const struct unit *units, int64_t base, int64_t *out, const char **err)
{
	char buf[NUM_MAX];
	if (copy_num(s, n, buf, err) < 0)
		return -1;
	char *end;
	errno = 0;
	long long iv = strtoll(buf, &end, 0);
	double val = (double)iv;
	int is_int = 1;
	if (*end == '.' || *end == 'e' || *end == 'E' || errno == ERANGE) {
		errno = 0;
		val = strtod(buf, &end);
		is_int = 0;
	}
	if (end == buf || errno == ERANGE || isnan(val)) {
		*err = "invalid number";
		return -1;
	}
	while (isspace((unsigned char)*end))
		end++;
	int64_t mult = base, next = 0;
	if (*end) {
		char u[16];
		size_t k = 0;
		while (isalpha((unsigned char)end[k]) && k < sizeof(u) - 1) {
			u[k] = end[k];
			k++;
		}
		u[k] = '\0';
		const char *rest = end + k;
		while (isspace((unsigned char)*rest))
			rest++;
		const struct unit *un = k ? find_unit(units, u, 0) : NULL;
		if (!un || *rest) {
			*err = units == pg_size_units ? "invalid unit (valid: B, kB, MB, GB, TB)"
			                              : "invalid unit (valid: us, ms, s, min, h, d)";
			return -1;
		}
		mult = un->mult;
		next = un > units ? un[-1].mult : 0; /* the tables go from the smallest unit up */
	}
	if (is_int && mult % base == 0)
		return scale_int((int64_t)iv, mult, out, err);
	return scale_next(val, mult, next, base, out, err);
}

/* Lenient and MySQL forms: [sign] digits [. digits] [space] [unit]. */
static int parse_plain(const char *s, size_t n, int mysql, int is_time, int64_t base, int64_t *out, const char **err)
{
	size_t i = 0;
	while (i < n && isspace((unsigned char)s[i]))
		i++;
	size_t start = i;
	if (i < n && (s[i] == '-' || s[i] == '+'))
		i++;
	size_t digits = i;
	while (i < n && isdigit((unsigned char)s[i]))
		i++;
	int frac = 0;
	if (!mysql && i < n && s[i] == '.') {
		frac = 1;
		i++;
		while (i < n && isdigit((unsigned char)s[i]))
			i++;
	}
	if (i == digits || (frac && i == digits + 1)) {
		*err = "invalid number";
		return -1;
	}
	char num[NUM_MAX];
	if (copy_num(s + start, i - start, num, err) < 0)
		return -1;
	size_t j = i;
	if (!mysql)
		while (j < n && isspace((unsigned char)s[j]))
			j++;
	size_t ustart = j;
	while (j < n && isalpha((unsigned char)s[j]))
		j++;
	size_t ulen = j - ustart;
	while (j < n && isspace((unsigned char)s[j]))
		j++;
	if (j != n) {
		*err = "unexpected characters after value";
		return -1;
	}
	int64_t mult = base;
	if (ulen) {
		char u[16];
		if (ulen >= sizeof(u)) {
			*err = "unknown unit";
			return -1;
		}
		memcpy(u, s + ustart, ulen);
		u[ulen] = '\0';
		if (is_time) {
			const struct unit *un = find_unit(any_time_units, u, 1);
			if (!un || mysql) {
				*err = "unknown time unit";
				return -1;
			}
			mult = un->mult;
		} else {
			char c = (char)toupper((unsigned char)u[0]);
			static const char order[] = "BKMGTPE";
			const char *pos = strchr(order, c);
			int ok = pos != NULL;
			if (ok && mysql) /* MySQL: one letter K M G T P E, nothing after it */
				ok = ulen == 1 && c != 'B';
			else if (ok && ulen > 1) /* KB, KiB, kB, k; B alone */
				ok = c != 'B' && ((ulen == 2 && toupper((unsigned char)u[1]) == 'B') ||
				                  (ulen == 3 && u[1] == 'i' && toupper((unsigned char)u[2]) == 'B'));
			if (!ok) {
				*err = mysql ? "unknown suffix (valid: K, M, G, T, P, E)" : "unknown size unit";
				return -1;
			}
			mult = 1;
			for (int k = 0; k < pos - order; k++)
				mult *= 1024;
		}
	}
	if (!frac) {
		errno = 0;
		char *end;
		long long v = strtoll(num, &end, 10);
		if (errno == ERANGE || *end) {
			*err = "value out of range";
			return -1;
		}
		return scale_int((int64_t)v, mult, out, err);
	}
	double v = strtod(num, NULL);
	return scale(v, mult, 1, out, err);
}

int st_size_parse(const char *s, size_t n, enum st_unit_style style, int64_t base_bytes, int64_t *out,
                  const char **err)
{
	const char *dummy;
	if (!err)
		err = &dummy;
	if (base_bytes <= 0)
		base_bytes = 1;
	if (style == ST_UNITS_PG)
		return parse_pg(s, n, pg_size_units, base_bytes, out, err);
	return parse_plain(s, n, style == ST_UNITS_MYSQL, 0, base_bytes, out, err);
}

int st_duration_parse(const char *s, size_t n, enum st_unit_style style, int64_t base_usec, int64_t *out,
                      const char **err)
{
	const char *dummy;
	if (!err)
		err = &dummy;
	if (base_usec <= 0)
		base_usec = 1;
	if (style == ST_UNITS_PG)
		return parse_pg(s, n, pg_time_units, base_usec, out, err);
	return parse_plain(s, n, style == ST_UNITS_MYSQL, 1, base_usec, out, err);
}

int st_int_parse(const char *s, size_t n, int64_t *out, const char **err)
{
	const char *dummy;
	if (!err)
		err = &dummy;
	char buf[NUM_MAX];
	if (copy_num(s, n, buf, err) < 0)
		return -1;
	char *p = buf;
	while (isspace((unsigned char)*p))
		p++;
	if (!*p) {
		*err = "empty value";
		return -1;
	}
	int hex = (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) ||
	          ((p[0] == '-' || p[0] == '+') && p[1] == '0' && (p[2] == 'x' || p[2] == 'X'));
	char *end;
	errno = 0;
	long long v = strtoll(p, &end, hex ? 16 : 10);
	if (end == p) {
		*err = "invalid integer";
		return -1;
	}
	if (errno == ERANGE) {
		*err = "integer out of range";
		return -1;
	}
	while (isspace((unsigned char)*end))
		end++;
	if (*end) {
		*err = "invalid integer";
		return -1;
	}
	*out = (int64_t)v;
	return 0;
}

int st_size_format(struct st_buf *b, int64_t bytes)
{
	static const char *const names[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
	if (bytes == 0)
		return st_buf_puts(b, "0");
	unsigned k = 0;
	int64_t v = bytes;
	while (k < 6 && v % 1024 == 0) {
		v /= 1024;
		k++;
	}
	return st_buf_printf(b, "%lld%s", (long long)v, names[k]);
}

int st_duration_format(struct st_buf *b, int64_t usec)
{
	static const struct unit order[] = {{"d", 86400000000LL}, {"h", 3600000000LL}, {"min", 60000000LL},
	                                    {"s", 1000000}, {"ms", 1000}, {"us", 1}};
	if (usec == 0)
		return st_buf_puts(b, "0");
	for (unsigned i = 0; i < 6; i++)
		if (usec % order[i].mult == 0)
			return st_buf_printf(b, "%lld%s", (long long)(usec / order[i].mult), order[i].name);
	return st_buf_printf(b, "%lldus", (long long)usec);
}
