/* Walk benchmark driver: walks a tree and prints the walker's counters, nothing else.
 *   walkbench [--no-load] [--no-ignore] ROOT
 * --no-load walks with an empty loader table (pure traversal, the work `rg --files` does);
 * the default dispatches to the real loaders, as `stacktune facts` would. */
#include <stdio.h>
#include <string.h>

#include "stacktune/loaders.h"

int main(int argc, char **argv)
{
	int no_load = 0;
	struct st_walk_opts opts = {0};
	const char *root = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--no-load") == 0)
			no_load = 1;
		else if (strcmp(argv[i], "--no-ignore") == 0)
			opts.no_ignore = 1;
		else
			root = argv[i];
	}
	if (!root) {
		fprintf(stderr, "usage: walkbench [--no-load] [--no-ignore] ROOT\n");
		return 2;
	}
	struct st_ctx ctx;
	st_ctx_init(&ctx);
	ctx.root = root;
	struct st_walk_stats s;
	int rc = no_load ? st_walk_with(&ctx, root, &opts, NULL, 0, &s) : st_walk(&ctx, root, &opts, &s);
	printf("dirs %zu files %zu loaded %zu skipped %zu diagnostics %zu arena %zu\n", s.dirs, s.files, s.loaded,
	       s.skipped, ctx.diags.n, ctx.arena.total);
	st_ctx_free(&ctx);
	return rc < 0 ? 1 : 0;
}
