/* PostgreSQL settings metadata (the generated table) and typing a value as the server's guc.c does:
 * parse_int (strtol base 0, strtod for fractions, units through convert_to_base_unit, rint; core's
 * st_size_parse / st_duration_parse with ST_UNITS_PG), parse_real (+ units for real settings such as
 * vacuum_cost_delay), parse_bool (unique prefixes), enums (case-insensitive, hidden spellings), ranges.
 * Checked against `postgres -C` of a real 15 server by tests/live/pgconf-diff. */
#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "stacktune/loaders.h"

#define DEFAULT_MAJOR 15

static int cmp_setting(const void *key, const void *elem)
{
	return strcasecmp((const char *)key, ((const struct st_pg_setting *)elem)->name);
}

const struct st_pg_setting *st_pg_setting_find(const char *name)
{
	if (!name)
		return NULL;
	return bsearch(name, st_pg_settings_table, st_pg_settings_count, sizeof(st_pg_settings_table[0]), cmp_setting);
}

int st_pg_setting_in_major(const struct st_pg_setting *s, int major)
{
	return s && (major <= 0 || (major >= s->first_major && major <= s->last_major));
}

/* Optimal string alignment distance (Damerau: a swap of neighbours counts once), case-insensitive; stops early
 * (returns limit + 1) for names whose lengths differ by more than limit. */
static size_t edit_distance(const char *a, const char *b, size_t limit)
{
	size_t n = strlen(a), m = strlen(b);
	if ((n > m ? n - m : m - n) > limit || n > 64 || m > 64)
		return limit + 1;
	size_t d[65][65];
	for (size_t i = 0; i <= n; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= m; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= n; i++)
		for (size_t j = 1; j <= m; j++) {
			int same = tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 1]);
			size_t best = d[i - 1][j - 1] + !same;
			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 2]) &&
			    tolower((unsigned char)a[i - 2]) == tolower((unsigned char)b[j - 1]) && d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	return d[n][m];
}

const char *st_pg_setting_suggest(const char *name, int major)
{
	if (!name || !*name)
		return NULL;
	size_t len = strlen(name);
	size_t limit = len <= 4 ? 1 : len <= 10 ? 2 : 3;
	const char *best = NULL;
	size_t best_d = limit + 1;
	for (size_t i = 0; i < st_pg_settings_count; i++) {
		const struct st_pg_setting *s = &st_pg_settings_table[i];
		if (!st_pg_setting_in_major(s, major))
			continue;
		size_t d = edit_distance(name, s->name, limit);
		if (d < best_d) {
			best_d = d;
			best = s->name;
		}
	}
	return best;
}

/* parse_bool_with_len(): true/false, yes/no (any unique prefix), on/off (at least two letters), 1/0; case-insensitive,
 * no white space allowed. */
static int parse_bool(const char *s, int *out)
{
	size_t n = strlen(s);
	static const struct {
		const char *word;
		size_t min;
		int v;
	} words[] = {{"true", 1, 1}, {"false", 1, 0}, {"yes", 1, 1}, {"no", 1, 0},
	             {"on", 2, 1},   {"off", 2, 0},   {"1", 1, 1},   {"0", 1, 0}};
	if (!n)
		return -1;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (n >= words[i].min && n <= strlen(words[i].word) && strncasecmp(s, words[i].word, n) == 0) {
			*out = words[i].v;
			return 0;
		}
	return -1;
}

/* convert_to_base_unit() for real settings: the unit's multiple of the base unit, then the rounding to the next
 * smaller unit (no final rint). 0, or -1 when the unit is not one of the setting's family. */
static int real_unit(const struct st_pg_setting *s, double val, const char *unit, double *out)
{
	static const struct {
		const char *name;
		int64_t mult;
	} sizes[] = {{"B", 1}, {"kB", 1024}, {"MB", 1 << 20}, {"GB", 1LL << 30}, {"TB", 1LL << 40}},
	  times[] = {{"us", 1}, {"ms", 1000}, {"s", 1000000}, {"min", 60000000LL}, {"h", 3600000000LL},
	             {"d", 86400000000LL}};
	char u[4];
	size_t k = 0;
	while (*unit && !isspace((unsigned char)*unit) && k < 3)
		u[k++] = *unit++;
	u[k] = '\0';
	while (isspace((unsigned char)*unit))
		unit++;
	if (*unit)
		return -1;
	int is_size = s->unit_kind == ST_PG_UNIT_BYTES;
	size_t count = is_size ? sizeof sizes / sizeof sizes[0] : sizeof times / sizeof times[0];
	for (size_t i = 0; i < count; i++) {
		const char *name = is_size ? sizes[i].name : times[i].name;
		if (strcmp(name, u) != 0)
			continue;
		double base = (double)s->unit_mult;
		double v = val * ((double)(is_size ? sizes[i].mult : times[i].mult) / base);
		if (i > 0) {
			double nm = (double)(is_size ? sizes[i - 1].mult : times[i - 1].mult) / base;
			v = rint(v / nm) * nm;
		}
		*out = v;
		return 0;
	}
	return -1;
}

/* The enum value the server shows for text (case-insensitive): an alias first (a listed spelling can be shown
 * under another name: wal_compression on = pglz), else the listed value; NULL when neither. */
static const char *enum_value(const struct st_pg_setting *s, const char *text)
{
	for (const char *const *p = s->enum_aliases; p && p[0] && p[1]; p += 2)
		if (strcasecmp(p[0], text) == 0)
			return p[1];
	for (const char *const *p = s->enum_names; p && *p; p++)
		if (strcasecmp(*p, text) == 0)
			return *p;
	return NULL;
}

/* check_datestyle(): comma-separated key words, case-insensitive; the canonical "Style, ORDER" the server shows
 * (starting from the boot value ISO, MDY); NULL when the server refuses it. */
static const char *datestyle(const char *text, const char **err)
{
	static const char *const shown[4][3] = {{"ISO, DMY", "ISO, MDY", "ISO, YMD"},
	                                        {"SQL, DMY", "SQL, MDY", "SQL, YMD"},
	                                        {"Postgres, DMY", "Postgres, MDY", "Postgres, YMD"},
	                                        {"German, DMY", "German, MDY", "German, YMD"}};
	static const struct {
		const char *word;
		int style, order; /* -1: not set by the word */
	} words[] = {{"iso", 0, -1},   {"sql", 1, -1},          {"postgres", 2, -1}, {"german", 3, -1},
	             {"ymd", -1, 2},   {"dmy", -1, 0},          {"euro", -1, 0},     {"european", -1, 0},
	             {"mdy", -1, 1},   {"us", -1, 1},           {"noneuro", -1, 1},  {"noneuropean", -1, 1}};
	int style = 0, order = 1, styles = 0, orders = 0;
	const char *p = text;
	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		const char *w = p;
		while (*p && *p != ',' && !isspace((unsigned char)*p))
			p++;
		size_t n = (size_t)(p - w);
		while (isspace((unsigned char)*p))
			p++;
		if (!n || (*p && *p != ',')) {
			*err = "invalid list syntax";
			return NULL;
		}
		int found = 0;
		for (size_t i = 0; i < sizeof words / sizeof words[0] && !found; i++)
			if (strlen(words[i].word) == n && strncasecmp(words[i].word, w, n) == 0) {
				found = 1;
				if (words[i].style >= 0) {
					style = words[i].style;
					styles++;
					if (style == 3 && !orders)
						order = 0; /* German implies DMY unless an order is given */
				} else {
					order = words[i].order;
					orders++;
				}
			}
		if (!found && n == 7 && strncasecmp(w, "default", 7) == 0) {
			style = 0, order = 1, styles++, orders++, found = 1;
		}
		if (!found) {
			*err = "unrecognized DateStyle key word";
			return NULL;
		}
		if (!*p)
			break;
		p++;
	}
	if (styles > 1 || orders > 1) {
		*err = "conflicting DateStyle specifications";
		return NULL;
	}
	return shown[style][order];
}

int st_pg_setting_value(const struct st_pg_setting *s, const char *text, struct st_value *out, const char **err)
{
	const char *dummy;
	if (!err)
		err = &dummy;
	if (!s || !text || !out) {
		*err = "no setting";
		return -1;
	}
	size_t n = strlen(text);
	switch (s->type) {
	case ST_PG_BOOL: {
		int b;
		if (parse_bool(text, &b) < 0) {
			*err = "requires a Boolean value (on, off, true, false, yes, no, 1, 0)";
			return -1;
		}
		*out = st_value_bool(b);
		break;
	}
	case ST_PG_INT: {
		int64_t v = 0; /* bytes or microseconds; base units for unit-less settings */
		int rc;
		if (s->unit_kind == ST_PG_UNIT_BYTES)
			rc = st_size_parse(text, n, ST_UNITS_PG, s->unit_mult, &v, err);
		else if (s->unit_kind == ST_PG_UNIT_USEC)
			rc = st_duration_parse(text, n, ST_UNITS_PG, s->unit_mult, &v, err);
		else {
			/* no unit allowed: parse with a unit family and refuse any unit */
			char *end;
			errno = 0;
			double d = (double)strtol(text, &end, 0);
			if (*end == '.' || *end == 'e' || *end == 'E' || errno == ERANGE) {
				errno = 0;
				d = strtod(text, &end);
			}
			if (end == text || errno == ERANGE) {
				*err = "invalid integer";
				return -1;
			}
			while (isspace((unsigned char)*end))
				end++;
			if (*end) {
				*err = "invalid integer (this setting takes no unit)";
				return -1;
			}
			d = rint(d);
			if (!(d >= -9.2e18 && d <= 9.2e18)) {
				*err = "value exceeds integer range";
				return -1;
			}
			v = (int64_t)d;
			rc = 0;
		}
		if (rc < 0)
			return -1;
		int64_t units = v / s->unit_mult; /* exact: the parsers return whole base units */
		if (units > INT_MAX || units < INT_MIN) {
			*err = "value exceeds integer range";
			return -1;
		}
		if (*s->min_val && *s->max_val &&
		    (units < strtoll(s->min_val, NULL, 10) || units > strtoll(s->max_val, NULL, 10))) {
			*err = "value is outside the valid range for this parameter";
			return -1;
		}
		if (units < 0 || s->unit_kind == ST_PG_UNIT_NONE)
			*out = st_value_int(units);
		else if (s->unit_kind == ST_PG_UNIT_BYTES)
			*out = st_value_size(v);
		else
			*out = st_value_duration(v);
		break;
	}
	case ST_PG_REAL: {
		char *end;
		errno = 0;
		double d = strtod(text, &end);
		if (end == text || errno == ERANGE || isnan(d)) {
			*err = "invalid number";
			return -1;
		}
		while (isspace((unsigned char)*end))
			end++;
		if (*end && (s->unit_kind == ST_PG_UNIT_NONE || real_unit(s, d, end, &d) < 0)) {
			*err = s->unit_kind == ST_PG_UNIT_NONE ? "invalid number (this setting takes no unit)"
			       : s->unit_kind == ST_PG_UNIT_USEC ? "invalid unit (valid: us, ms, s, min, h, d)"
			                                         : "invalid unit (valid: B, kB, MB, GB, TB)";
			return -1;
		}
		if (*s->min_val && *s->max_val && (d < strtod(s->min_val, NULL) || d > strtod(s->max_val, NULL))) {
			/* pg_settings prints DBL_MAX as 1.79769e+308, a little below it */
			if (!(d <= DBL_MAX && strtod(s->max_val, NULL) >= 1.79e308 && d >= strtod(s->min_val, NULL))) {
				*err = "value is outside the valid range for this parameter";
				return -1;
			}
		}
		if (s->unit_kind == ST_PG_UNIT_NONE)
			*out = st_value_real(d);
		else if (d < 0)
			*out = st_value_real(d);
		else {
			double scaled = d * (double)s->unit_mult;
			if (!(scaled <= 9.2e18)) {
				*err = "value out of range";
				return -1;
			}
			*out = s->unit_kind == ST_PG_UNIT_BYTES ? st_value_size((int64_t)llrint(scaled))
			                                        : st_value_duration((int64_t)llrint(scaled));
		}
		break;
	}
	case ST_PG_ENUM: {
		const char *v = enum_value(s, text);
		if (!v) {
			*err = "invalid value for this parameter";
			return -1;
		}
		*out = st_value_string(v);
		break;
	}
	case ST_PG_STRING:
		if (strcmp(s->name, "datestyle") == 0) {
			const char *d = datestyle(text, err);
			if (!d)
				return -1;
			*out = st_value_string(d);
			return 0; /* text is the canonical form */
		}
		*out = st_value_string(text);
		break;
	}
	if (s->type != ST_PG_ENUM) /* an enum's text is the canonical name the server shows */
		out->text = text;
	return 0;
}
