/* rules list / rules explain ID: the rulebook for people. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

const char *cli_rules_dir(const struct cli_opts *o, struct st_ctx *ctx)
{
	if (o->rules_dir)
		return o->rules_dir;
	return st_arena_printf(&ctx->arena, "%s/rules", cli_datadir());
}

/* Prints the rule's help, rendered by the report room (SARIF uses the same text). */
static int explain(const struct st_rule_info *ri)
{
	struct st_buf b = {0};
	int rc = st_report_rule_help(ri, &b);
	if (rc == 0)
		fputs(st_buf_cstr(&b), stdout);
	else
		fprintf(stderr, "stacktune: out of memory\n");
	st_buf_free(&b);
	return rc;
}

int cmd_rules(const struct cli_cmd *cmd, struct cli_opts *o)
{
	if (o->n_args == 0 || (strcmp(o->args[0], "list") != 0 && strcmp(o->args[0], "explain") != 0))
		return cli_usage_error(cmd->name, "expected 'rules list' or 'rules explain ID'");
	int is_list = strcmp(o->args[0], "list") == 0;
	if (is_list ? o->n_args != 1 : o->n_args != 2)
		return cli_usage_error(cmd->name, is_list ? "'rules list' takes no argument" : "'rules explain' takes one rule id");
	struct st_ctx ctx;
	st_ctx_init(&ctx);
	int rc = EXIT_CLEAN;
	struct st_rulebook *rb = st_rules_load(&ctx, cli_rules_dir(o, &ctx));
	if (!rb) {
		cli_print_diags(&ctx, o);
		rc = EXIT_USAGE;
		goto out;
	}
	struct st_rule_info ri;
	if (is_list) {
		for (size_t i = 0; st_rules_info(rb, i, &ri) == 0; i++)
			printf("%-36s %-8s %-22s %s\n", ri.id, st_severity_name(ri.severity),
			       ri.components ? ri.components : "stack", ri.message);
		goto out;
	}
	long k = st_rules_find(rb, o->args[1]);
	if (k < 0) {
		fprintf(stderr, "stacktune: no rule '%s' (see 'stacktune rules list')\n", o->args[1]);
		rc = EXIT_USAGE;
		goto out;
	}
	st_rules_info(rb, (size_t)k, &ri);
	if (explain(&ri) < 0)
		rc = EXIT_USAGE;
out:
	st_ctx_free(&ctx);
	return rc;
}
