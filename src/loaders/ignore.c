/* Ignore files with git's rules: last matching pattern wins, '!' re-includes, trailing '/' matches
 * directories only, a '/' elsewhere anchors the pattern to the ignore file's directory. */
#include <string.h>

#include "ignore.h"

/* Matches a bracket class at *pp against c; advances *pp past ']'. -1 when the class is malformed. */
static int match_class(const char **pp, char c)
{
	const char *p = *pp + 1;
	int neg = *p == '!' || *p == '^';
	if (neg)
		p++;
	int hit = 0, first = 1;
	while (*p && (*p != ']' || first)) {
		first = 0;
		char lo = *p;
		if (lo == '\\' && p[1])
			lo = *++p;
		if (p[1] == '-' && p[2] && p[2] != ']') {
			char hi = p[2];
			if (hi == '\\' && p[3])
				hi = *(p++ + 3);
			hit |= c >= lo && c <= hi;
			p += 3;
		} else {
			hit |= c == lo;
			p++;
		}
	}
	if (*p != ']')
		return -1;
	*pp = p + 1;
	return hit != neg;
}

int ign_glob(const char *p, const char *s)
{
	for (;;) {
		switch (*p) {
		case '\0':
			return *s == '\0';
		case '*':
			if (p[1] == '*') {
				const char *q = p + 2;
				if (*q == '/') {
					/* "**" followed by '/': zero or more whole directories */
					q++;
					for (const char *t = s;; t++) {
						if ((t == s || t[-1] == '/') && ign_glob(q, t))
							return 1;
						if (!*t)
							return 0;
					}
				}
				if (*q == '\0')
					return 1; /* trailing "**" matches everything below */
				p = q - 1;        /* otherwise it acts like '*' */
			}
			for (const char *t = s;; t++) {
				if (ign_glob(p + 1, t))
					return 1;
				if (!*t || *t == '/')
					return 0;
			}
		case '?':
			if (!*s || *s == '/')
				return 0;
			p++;
			s++;
			break;
		case '[': {
			if (!*s || *s == '/')
				return 0;
			const char *q = p;
			int r = match_class(&q, *s);
			if (r < 0) { /* malformed class: a literal '[' */
				if (*s != '[')
					return 0;
				p++;
				s++;
				break;
			}
			if (!r)
				return 0;
			p = q;
			s++;
			break;
		}
		case '\\':
			if (p[1])
				p++;
			/* fall through */
		default:
			if (*p != *s)
				return 0;
			p++;
			s++;
		}
	}
}

int ign_parse(struct st_arena *a, const char *text, size_t len, struct ign_set *set)
{
	size_t cap = 0;
	for (size_t i = 0; i < len; i++)
		cap += text[i] == '\n';
	cap++;
	set->rules = st_arena_alloc(a, cap * sizeof(*set->rules));
	if (!set->rules)
		return -1;
	set->n = 0;
	size_t i = 0;
	while (i < len && set->n < cap) {
		size_t start = i;
		while (i < len && text[i] != '\n')
			i++;
		size_t end = i++;
		if (end > start && text[end - 1] == '\r')
			end--;
		if (start == 0 && end - start >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
			start += 3;
		/* trailing spaces are dropped unless escaped */
		while (end > start && text[end - 1] == ' ' && !(end - 1 > start && text[end - 2] == '\\'))
			end--;
		if (end == start || text[start] == '#')
			continue;
		struct ign_rule r = {0};
		if (text[start] == '!') {
			r.negate = 1;
			start++;
		} else if (text[start] == '\\' && start + 1 < end && (text[start + 1] == '#' || text[start + 1] == '!')) {
			start++;
		}
		if (end > start && text[end - 1] == '/') {
			r.dir_only = 1;
			end--;
		}
		if (end == start)
			continue;
		r.anchored = memchr(text + start, '/', end - start) != NULL;
		if (text[start] == '/')
			start++;
		char *pat = st_arena_strndup(a, text + start, end - start);
		if (!pat)
			return -1;
		r.pattern = pat;
		set->rules[set->n++] = r;
	}
	return 0;
}

int ign_match(const struct ign_set *set, const char *relpath, const char *name, int is_dir)
{
	const char *sub = relpath;
	if (set->base_len) {
		if (strncmp(relpath, set->base, set->base_len) != 0 || relpath[set->base_len] != '/')
			return -1;
		sub = relpath + set->base_len + 1;
	}
	for (size_t i = set->n; i-- > 0;) {
		const struct ign_rule *r = &set->rules[i];
		if (r->dir_only && !is_dir)
			continue;
		if (ign_glob(r->pattern, r->anchored ? sub : name))
			return !r->negate;
	}
	return -1;
}
