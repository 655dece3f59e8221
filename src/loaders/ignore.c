/* Ignore files with git's rules (gitignore(5)): the last matching pattern of a file wins, '!' re-includes,
 * a trailing '/' matches directories only, a '/' at the start or in the middle anchors the pattern to the
 * ignore file's directory, otherwise it matches the name at any depth. The glob follows git's wildmatch
 * so that a repository is filtered the way `git status` filters it. */
#include <ctype.h>
#include <string.h>

#include "ignore.h"

/* Results of wild(): the two aborts let a failed '*' stop the outer '*'s from retrying positions that
 * cannot succeed either, which keeps hostile patterns like "*a*a*a*a*b" from going exponential. */
enum { W_NOMATCH = 0, W_MATCH = 1, W_ABORT_ALL = -1, W_ABORT_TO_STARSTAR = -2 };

/* Named class "[:name:]" of len bytes at s against c; -1 for an unknown name (git: the pattern fails). */
static int named_class(const char *s, size_t len, unsigned char c)
{
	static const struct {
		const char *name;
		int (*fn)(int);
	} classes[] = {{"alnum", isalnum}, {"alpha", isalpha}, {"blank", isblank}, {"cntrl", iscntrl},
	               {"digit", isdigit}, {"graph", isgraph}, {"lower", islower}, {"print", isprint},
	               {"punct", ispunct}, {"space", isspace}, {"upper", isupper}, {"xdigit", isxdigit}};
	for (size_t i = 0; i < sizeof classes / sizeof classes[0]; i++)
		if (strlen(classes[i].name) == len && memcmp(classes[i].name, s, len) == 0)
			return classes[i].fn(c) != 0;
	return -1;
}

/* Bracket expression starting at *pp ('['), against c; leaves *pp on the closing ']'.
 * 1 in the set, 0 not, W_ABORT_ALL when malformed (unterminated, bad escape, unknown class). */
static int bracket(const char **pp, unsigned char c)
{
	const unsigned char *p = (const unsigned char *)*pp + 1;
	int negated = *p == '!' || *p == '^';
	if (negated)
		p++;
	int hit = 0;
	unsigned prev = 0; /* the previous literal, start of a possible range; 0 when there is none */
	/* the first character is taken literally even when it is ']' */
	do {
		unsigned pc = *p;
		if (!pc)
			return W_ABORT_ALL;
		if (pc == '\\') {
			pc = *++p;
			if (!pc)
				return W_ABORT_ALL;
			hit |= c == pc;
		} else if (pc == '-' && prev && p[1] && p[1] != ']') {
			pc = *++p;
			if (pc == '\\' && !(pc = *++p))
				return W_ABORT_ALL;
			hit |= c >= prev && c <= pc;
			pc = 0; /* "a-c-e": the second '-' is literal */
		} else if (pc == '[' && p[1] == ':') {
			const unsigned char *s = p + 2, *e = s;
			while (*e && *e != ']')
				e++;
			if (!*e)
				return W_ABORT_ALL;
			if (e - s < 1 || e[-1] != ':') {
				hit |= c == '['; /* no ":]": a literal '[' */
			} else {
				int r = named_class((const char *)s, (size_t)(e - s - 1), c);
				if (r < 0)
					return W_ABORT_ALL;
				hit |= r;
				p = e;
				pc = 0;
			}
		} else {
			hit |= c == pc;
		}
		prev = pc;
		p++;
	} while (*p != ']');
	*pp = (const char *)p;
	return hit != negated;
}

static int wild(const char *p0, const char *p, const char *t)
{
	for (; *p; p++, t++) {
		unsigned char pc = (unsigned char)*p, tc = (unsigned char)*t;
		if (!tc && pc != '*')
			return W_ABORT_ALL;
		switch (pc) {
		case '\\':
			pc = (unsigned char)*++p;
			if (!pc)
				return W_ABORT_ALL; /* a trailing backslash makes the pattern invalid */
			if (tc != pc)
				return W_NOMATCH;
			break;
		case '?':
			if (tc == '/')
				return W_NOMATCH;
			break;
		case '[': {
			int r = bracket(&p, tc);
			if (r < 0)
				return r;
			if (!r || tc == '/')
				return W_NOMATCH;
			break;
		}
		case '*': {
			const char *star = p;
			while (p[1] == '*')
				p++;
			/* "**" spans directories only as a whole path component (at either end or between slashes) */
			int cross = p > star && (star == p0 || star[-1] == '/') && (p[1] == '\0' || p[1] == '/');
			if (cross && p[1] == '/' && wild(p0, p + 2, t) == W_MATCH)
				return W_MATCH; /* "**\/" standing for no directory at all */
			p++;
			if (!*p) /* a trailing "**" takes everything below, a trailing '*' the rest of the name */
				return cross || !strchr(t, '/') ? W_MATCH : W_NOMATCH;
			for (; *t; t++) {
				int r = wild(p0, p, t);
				if (r != W_NOMATCH) {
					if (!cross || r != W_ABORT_TO_STARSTAR)
						return r;
				} else if (!cross && *t == '/') {
					return W_ABORT_TO_STARSTAR;
				}
			}
			return W_ABORT_ALL;
		}
		default:
			if (tc != pc)
				return W_NOMATCH;
		}
	}
	return *t ? W_NOMATCH : W_MATCH;
}

int ign_glob(const char *pat, const char *s)
{
	return wild(pat, pat, s) == W_MATCH;
}

/* End of the line [start, end) without trailing spaces, as git trims them: a space escaped with '\' stays. */
static size_t trim_trailing_spaces(const char *text, size_t start, size_t end)
{
	size_t keep = end, i = start;
	int in_spaces = 0;
	while (i < end) {
		if (text[i] == ' ') {
			if (!in_spaces)
				keep = i;
			in_spaces = 1;
			i++;
			continue;
		}
		in_spaces = 0;
		keep = end;
		i += text[i] == '\\' && i + 1 < end ? 2 : 1;
	}
	return in_spaces ? keep : end;
}

int ign_parse(struct st_arena *a, const char *text, size_t len, struct ign_set *set)
{
	size_t cap = 1;
	for (size_t k = 0; k < len; k++)
		cap += text[k] == '\n';
	set->rules = st_arena_alloc(a, cap * sizeof(*set->rules));
	if (!set->rules)
		return -1;
	set->n = 0;
	size_t i = 0;
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		i = 3; /* git skips a UTF-8 byte order mark */
	while (i < len) {
		size_t start = i;
		const char *nl = memchr(text + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - text) : len;
		i = end + 1;
		if (end > start && text[end - 1] == '\r')
			end--;
		if (end == start || text[start] == '#')
			continue;
		end = trim_trailing_spaces(text, start, end);
		struct ign_rule r = {0};
		if (text[start] == '!') {
			r.negate = 1;
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
		/* "\#" and "\!" need no special case: the glob reads '\' as an escape */
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
