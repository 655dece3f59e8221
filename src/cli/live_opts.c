/* The live options of audit and facts (--pg, --mysql, ...) and the live step of the pipeline. */
#include <string.h>

#include "cli.h"
#include "stacktune/live.h"

#define MAX_SERVERS ((int)(sizeof(((struct cli_live *)0)->pg) / sizeof(const char *)))

int cli_live_option(const char *cmd, const char *name, const char *arg, struct cli_live *l)
{
	if (strcmp(name, "pg") == 0 || strcmp(name, "mysql") == 0) {
		int pg = name[0] == 'p';
		int *n = pg ? &l->n_pg : &l->n_mysql;
		if (*n >= MAX_SERVERS)
			return cli_usage_error(cmd, "at most %d --%s servers", MAX_SERVERS, name), -1;
		(pg ? l->pg : l->mysql)[(*n)++] = arg; /* never echoed: it may hold a password */
	} else if (strcmp(name, "mysql-defaults-file") == 0) {
		l->mysql_defaults_file = arg;
	} else if (strcmp(name, "mysql-group") == 0) {
		l->mysql_group = arg;
	} else if (strcmp(name, "connect-timeout") == 0) {
		int64_t v;
		if (st_int_parse(arg, strlen(arg), &v, NULL) < 0 || v < 1 || v > 3600)
			return cli_usage_error(cmd, "--connect-timeout takes whole seconds from 1 to 3600, not '%s'",
			                       arg),
			       -1;
		l->connect_timeout = (int)v;
	}
	return 0;
}

int cli_live_run(struct st_ctx *ctx, const struct cli_live *l)
{
	struct st_live_opts o = {.connect_timeout = l->connect_timeout ? l->connect_timeout : 5,
	                         .mysql_defaults_file = l->mysql_defaults_file,
	                         .mysql_group = l->mysql_group};
	int failed = 0;
	for (int i = 0; i < l->n_pg; i++)
		failed |= st_live_pg(ctx, l->pg[i], &o) < 0;
	for (int i = 0; i < l->n_mysql; i++)
		failed |= st_live_mysql(ctx, l->mysql[i], &o) < 0;
	/* a defaults file (or group) alone names a server too, as it does for the mysql client */
	if (!l->n_mysql && (l->mysql_defaults_file || l->mysql_group))
		failed |= st_live_mysql(ctx, NULL, &o) < 0;
	return failed ? -1 : 0;
}
