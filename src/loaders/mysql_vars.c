/* Look-ups in the generated MySQL/MariaDB variables table (data/mysql_vars_*.tsv -> mysql_vars_table.c). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "stacktune/loaders.h"

/* Compares like the servers' option matching: case-insensitive, '-' equals '_'. */
static int name_cmp(const char *a, const char *b)
{
	for (;; a++, b++) {
		int ca = *a == '-' ? '_' : tolower((unsigned char)*a);
		int cb = *b == '-' ? '_' : tolower((unsigned char)*b);
		if (ca != cb || !ca)
			return ca - cb;
	}
}

const struct st_mysql_var *st_mysql_var_find(const char *name)
{
	if (!name)
		return NULL;
	size_t lo = 0, hi = st_mysql_vars_count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = name_cmp(name, st_mysql_vars_table[mid].name);
		if (c == 0)
			return &st_mysql_vars_table[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* Optimal string alignment distance (Damerau: adjacent swaps count 1), capped: returns cap+1 past cap. */
static size_t distance(const char *a, const char *b, size_t cap)
{
	size_t n = strlen(a), m = strlen(b);
	if (n > 64 || m > 64)
		return cap + 1;
	if ((n > m ? n - m : m - n) > cap)
		return cap + 1;
	size_t d[65][65];
	for (size_t i = 0; i <= n; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= m; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= n; i++) {
		for (size_t j = 1; j <= m; j++) {
			int ca = a[i - 1] == '-' ? '_' : tolower((unsigned char)a[i - 1]);
			int cb = b[j - 1] == '-' ? '_' : tolower((unsigned char)b[j - 1]);
			size_t best = d[i - 1][j - 1] + (ca != cb);
			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) &&
			    tolower((unsigned char)a[i - 2]) == cb && d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	return d[n][m];
}

const char *st_mysql_var_suggest(const char *name)
{
	if (!name || !*name)
		return NULL;
	size_t len = strlen(name);
	size_t cap = len < 6 ? 1 : len < 12 ? 2 : 3;
	const char *best = NULL;
	size_t best_d = cap + 1;
	for (size_t i = 0; i < st_mysql_vars_count; i++) {
		const struct st_mysql_var *v = &st_mysql_vars_table[i];
		if (!v->in_option_file)
			continue;
		size_t dd = distance(name, v->name, cap);
		if (dd < best_d) {
			best_d = dd;
			best = v->name;
		}
	}
	return best;
}
