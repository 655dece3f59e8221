/* host: what the machine (or a profile) looks like to stacktune. */
#include <stdio.h>

#include "cli.h"

int cmd_host(const struct cli_cmd *cmd, struct cli_opts *o)
{
	struct st_ctx ctx;
	struct st_host h;
	st_ctx_init(&ctx);
	int rc = EXIT_CLEAN;
	if (cli_host_setup(&ctx, o, &h) < 0) {
		cli_print_diags(&ctx, o);
		rc = EXIT_USAGE;
		goto out;
	}
	struct st_report r = {.ctx = &ctx, .target = "", .host = &h, .color = o->color, .quiet = o->quiet,
	                      .verbose = o->verbose};
	struct st_buf b = {0};
	if (st_report_find(o->format)->host(&r, &b) < 0 || cli_emit(o, &b) < 0)
		rc = EXIT_USAGE;
	st_buf_free(&b);
	if (rc == EXIT_CLEAN && o->format[0] == 't')
		cli_print_diags(&ctx, o);
out:
	st_ctx_free(&ctx);
	return rc;
}
