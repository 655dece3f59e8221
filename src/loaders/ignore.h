/* .gitignore / .stacktuneignore rules for the walker (internal to src/loaders). */
#ifndef STACKTUNE_LOADERS_IGNORE_H
#define STACKTUNE_LOADERS_IGNORE_H

#include <stddef.h>

#include "stacktune/core.h"

struct ign_rule {
	const char *pattern; /* without '!', leading '/' and trailing '/' */
	unsigned char negate, dir_only, anchored;
};

/* The rules of one directory's ignore file; base is that directory ("" for the root). */
struct ign_set {
	const char *base;
	size_t base_len;
	struct ign_rule *rules;
	size_t n;
};

/* Parses ignore-file text into set (rules in the arena; set->base is left alone); 0, or -1 when out of memory. */
int ign_parse(struct st_arena *a, const char *text, size_t len, struct ign_set *set);
/* Decides for relpath (relative to the walk root, below set->base): 1 ignored, 0 re-included by '!',
 * -1 no rule of the set matched. */
int ign_match(const struct ign_set *set, const char *relpath, const char *name, int is_dir);
/* Matches s against a gitignore glob as git's wildmatch does with WM_PATHNAME: '*', '?' and classes never
 * match '/', "**" between slashes spans directories, [...] with ranges, '!'/'^' and [:alpha:]-style classes,
 * '\' escapes. 1 match, 0 no match (also for malformed patterns, as in git). */
int ign_glob(const char *pat, const char *s);

#endif
