/* .gitignore / .stacktuneignore rules for the walker. */
#ifndef STACKTUNE_LOADERS_IGNORE_H
#define STACKTUNE_LOADERS_IGNORE_H

#include <stddef.h>

#include "stacktune/core.h"

struct ign_rule {
	const char *pattern; /* without leading '/', trailing '/' and '!' */
	int negate, dir_only, anchored;
};

/* The rules of one directory's ignore files; base is that directory ("" for the root). */
struct ign_set {
	const char *base;
	size_t base_len;
	struct ign_rule *rules;
	size_t n;
};

/* Parses ignore-file text into set (rules in the arena); returns 0 or -1 on allocation failure. */
int ign_parse(struct st_arena *a, const char *text, size_t len, struct ign_set *set);
/* Decides for relpath (relative to the walk root): 1 ignored, 0 re-included by '!', -1 no rule matched. */
int ign_match(const struct ign_set *set, const char *relpath, const char *name, int is_dir);
/* Gitignore glob: '*' and '?' stop at '/', "**" spans directories, [a-z] classes, '\' escapes. */
int ign_glob(const char *pat, const char *s);

#endif
