/* tune: audit, plan edits for the findings' recommendations, print the patch (stdout, --out) or apply it
 * (--write); the summary of what each change needs (restart / reload / redeploy) goes to stderr. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "stacktune/tune.h"

static const char *action_word(const struct st_tune_change *c)
{
	switch (c->action) {
	case ST_TUNE_EDIT:
	case ST_TUNE_ADD:
		return c->apply;
	case ST_TUNE_ALTER_SYSTEM:
		return "run";
	case ST_TUNE_PROPOSAL:
		break;
	}
	return "proposal";
}

/* One line per change: what, where, and what it takes to apply it; proposals say why they are not written. */
static void print_summary(const struct st_tune_plan *plan, const struct cli_opts *o)
{
	size_t files = 0, written = 0;
	for (size_t i = 0; i < plan->n_files; i++)
		files += plan->files[i].n_edits != 0;
	for (size_t i = 0; i < plan->n_changes; i++)
		written += plan->changes[i].action == ST_TUNE_EDIT || plan->changes[i].action == ST_TUNE_ADD;
	if (o->quiet && written == plan->n_changes)
		return;
	if (!plan->n_changes) {
		if (!o->quiet)
			fprintf(stderr, "stacktune: nothing to tune\n");
		return;
	}
	fprintf(stderr, "stacktune: %zu change%s in %zu file%s%s\n", written, written == 1 ? "" : "s", files,
	        files == 1 ? "" : "s", o->write ? " (written)" : "");
	for (size_t i = 0; i < plan->n_changes; i++) {
		const struct st_tune_change *c = &plan->changes[i];
		fprintf(stderr, "  %-9s %s%s%s %s -> %s", action_word(c), c->component ? c->component : "",
		        c->component ? " " : "", c->setting, c->current ? c->current : "(unset)", c->proposed);
		if (c->file && c->action == ST_TUNE_ADD)
			fprintf(stderr, "  added to %s%s%.0u", c->file, c->line ? ":" : "", c->line);
		else if (c->file)
			fprintf(stderr, "  %s:%u", c->file, c->line);
		fprintf(stderr, "  [%s]\n", c->rule);
		if (c->action == ST_TUNE_ALTER_SYSTEM)
			fprintf(stderr, "            %s  -- the value lives in postgresql.auto.conf; then %s\n", c->note, c->apply);
		else if (c->action == ST_TUNE_PROPOSAL)
			fprintf(stderr, "            not written: %s\n", c->note ? c->note : "needs a human choice");
	}
}

/* The file as it is now equals what the plan was made against. */
static int unchanged(const struct st_ctx *ctx, const struct st_tune_file *f, const char *abs)
{
	FILE *fp = fopen(abs, "rb");
	if (!fp)
		return 0;
	size_t at = 0, n;
	char buf[65536];
	int same = 1;
	while (same && (n = fread(buf, 1, sizeof(buf), fp)) > 0) {
		same = at + n <= f->size && memcmp(f->data + at, buf, n) == 0;
		at += n;
	}
	same = same && !ferror(fp) && at == f->size;
	fclose(fp);
	return same;
}

/* Applies every file's edits in place; refuses (nothing written) when any file changed since it was read. */
static int write_in_place(struct cli_pipeline *p, const struct st_tune_plan *plan)
{
	char **abs = calloc(plan->n_files + 1, sizeof(*abs));
	int rc = 0;
	if (!abs)
		return -1;
	for (size_t i = 0; i < plan->n_files && rc == 0; i++) {
		const struct st_tune_file *f = &plan->files[i];
		if (!f->n_edits)
			continue;
		char *joined = st_arena_printf(&p->ctx.arena, "%s/%s", p->path, f->path);
		abs[i] = joined ? realpath(joined, NULL) : NULL; /* a link is written through, not replaced */
		if (!abs[i] || !unchanged(&p->ctx, f, abs[i])) {
			fprintf(stderr, "stacktune: %s changed since it was read; nothing written\n", f->path);
			rc = -1;
		}
	}
	for (size_t i = 0; i < plan->n_files && rc == 0; i++) {
		const struct st_tune_file *f = &plan->files[i];
		if (!f->n_edits)
			continue;
		struct st_buf b = {0};
		if (st_tune_apply_file(f, &b) < 0 || st_write_atomic(abs[i], b.data ? b.data : "", b.len) < 0) {
			fprintf(stderr, "stacktune: cannot write %s: %s\n", f->path, b.failed ? "out of memory" : strerror(errno));
			rc = -1;
		}
		st_buf_free(&b);
	}
	for (size_t i = 0; i < plan->n_files; i++)
		free(abs[i]);
	free(abs);
	return rc;
}

int cmd_tune(const struct cli_cmd *cmd, struct cli_opts *o)
{
	if (o->write && o->out)
		return cli_usage_error(cmd->name, "--write and --out exclude each other");
	struct cli_pipeline p = {0};
	st_ctx_init(&p.ctx);
	int rc = cli_pipeline_run(&p, o);
	if (rc == 0 && cli_pipeline_rules(&p, o) < 0)
		rc = EXIT_USAGE;
	if (rc) {
		cli_print_diags(&p.ctx, o);
		return cli_pipeline_finish(&p, rc);
	}
	struct st_tune_opts to = {.only = o->only, .min_severity = o->min_severity};
	struct st_tune_plan plan;
	if (st_tune_plan(&p.ctx, p.rules, &p.stack, &p.findings, &to, &plan) < 0) {
		cli_print_diags(&p.ctx, o);
		return cli_pipeline_finish(&p, EXIT_USAGE);
	}
	cli_print_diags(&p.ctx, o);
	if (o->only) {
		/* a rule id that is not in the book is a typo, not "nothing to do" */
		for (const char *s = o->only; *s;) {
			size_t n = strcspn(s, ",");
			char *id = st_arena_printf(&p.ctx.arena, "%.*s", (int)n, s);
			if (id && st_rules_find(p.rules, id) < 0) {
				cli_usage_error(cmd->name, "--only: no rule '%s'", id);
				return cli_pipeline_finish(&p, EXIT_USAGE);
			}
			s += n + (s[n] == ',');
		}
	}
	if (o->write) {
		if (write_in_place(&p, &plan) < 0)
			return cli_pipeline_finish(&p, EXIT_USAGE);
	} else {
		/* a patch file must apply, so it keeps the real text; what is printed masks secrets */
		int redact = !o->out || strcmp(o->out, "-") == 0;
		struct st_buf b = {0};
		if (st_patch_write(&plan, redact, &b) < 0 || cli_emit(o, &b) < 0) {
			st_buf_free(&b);
			return cli_pipeline_finish(&p, EXIT_USAGE);
		}
		st_buf_free(&b);
	}
	print_summary(&plan, o);
	return cli_pipeline_finish(&p, cli_exit_status(&p, o));
}
