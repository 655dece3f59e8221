/* audit and facts: walk the tree, build the model, (audit:) run the rulebook, render. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "stacktune/loaders.h"

int cli_pipeline_run(struct cli_pipeline *p, const struct cli_opts *o)
{
	p->path = o->n_args ? o->args[0] : ".";
	p->ctx.root = p->path;
	p->ctx.verbose = o->verbose;
	if (cli_host_setup(&p->ctx, o, &p->host) < 0)
		return EXIT_USAGE;
	struct st_walk_opts wo = {.max_file_size = o->max_file_size, .no_ignore = o->no_ignore};
	if (st_walk(&p->ctx, p->path, &wo, &p->stats) < 0)
		return EXIT_USAGE;
	if (cli_live_run(&p->ctx, &o->live) < 0) /* live values override the files' and show drift */
		return EXIT_USAGE;
	if (st_stack_build(&p->ctx, &p->host, &p->stack) < 0)
		return EXIT_USAGE;
	return 0;
}

int cli_pipeline_rules(struct cli_pipeline *p, const struct cli_opts *o)
{
	struct st_rulebook *rb = st_rules_load(&p->ctx, cli_rules_dir(o, &p->ctx));
	if (!rb)
		return -1;
	const char *cfg = o->config ? o->config : st_arena_printf(&p->ctx.arena, "%s/.stacktune.yaml", p->path);
	if (cfg)
		st_rules_config_load(&p->ctx, rb, cfg, o->config ? o->config : ".stacktune.yaml");
	p->rules = rb;
	return st_rules_run(&p->ctx, rb, &p->stack, &p->findings);
}

static int render(struct cli_pipeline *p, const struct cli_opts *o, int audit)
{
	const struct st_report_ops *ops = st_report_find(o->format);
	struct st_report r = {.ctx = &p->ctx, .target = p->path, .host = &p->host, .stack = &p->stack,
	                      .findings = audit ? &p->findings : NULL, .rules = p->rules, .color = o->color && !o->out,
	                      .quiet = o->quiet, .verbose = o->verbose};
	struct st_buf b = {0};
	int rc = audit ? ops->audit(&r, &b) : ops->facts(&r, &b);
	if (rc < 0 || cli_emit(o, &b) < 0) {
		st_buf_free(&b);
		return -1;
	}
	st_buf_free(&b);
	return 0;
}

int cli_exit_status(const struct cli_pipeline *p, const struct cli_opts *o)
{
	if (p->ctx.oom || st_diag_count(&p->ctx, ST_SEV_ERROR))
		return EXIT_USAGE;
	for (size_t i = 0; i < p->findings.n; i++)
		if (p->findings.items[i].severity >= o->fail_on)
			return EXIT_FINDINGS;
	return EXIT_CLEAN;
}

int cli_pipeline_finish(struct cli_pipeline *p, int rc)
{
	if (p->ctx.oom)
		fprintf(stderr, "stacktune: out of memory\n");
	st_ctx_free(&p->ctx);
	return rc;
}

/* facts and audit share everything but the rulebook. */
static int run(struct cli_opts *o, int audit)
{
	struct cli_pipeline p = {0};
	st_ctx_init(&p.ctx);
	int rc = cli_pipeline_run(&p, o);
	if (rc) {
		cli_print_diags(&p.ctx, o);
		return cli_pipeline_finish(&p, rc);
	}
	if (audit) {
		if (cli_pipeline_rules(&p, o) < 0) {
			cli_print_diags(&p.ctx, o);
			return cli_pipeline_finish(&p, EXIT_USAGE);
		}
	} else if (strcmp(o->format, "text") == 0) {
		cli_print_diags(&p.ctx, o); /* the audit report carries its diagnostics itself */
	}
	if (render(&p, o, audit) < 0)
		return cli_pipeline_finish(&p, EXIT_USAGE);
	return cli_pipeline_finish(&p, cli_exit_status(&p, o));
}

int cmd_facts(const struct cli_cmd *cmd, struct cli_opts *o)
{
	return run(o, 0);
}

int cmd_audit(const struct cli_cmd *cmd, struct cli_opts *o)
{
	return run(o, 1);
}
