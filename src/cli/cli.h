/* cli internals: the command table, parsed options, the shared audit pipeline. */
#ifndef STACKTUNE_CLI_H
#define STACKTUNE_CLI_H

#include "stacktune/core.h"
#include "stacktune/host.h"
#include "stacktune/loaders.h"
#include "stacktune/model.h"
#include "stacktune/report.h"
#include "stacktune/rules.h"

enum { EXIT_CLEAN = 0, EXIT_FINDINGS = 1, EXIT_USAGE = 2 };

/* Option bits: which options a command accepts. */
enum {
	OPT_FORMAT = 1u << 0,
	OPT_PROFILE = 1u << 1, /* --profile, --cpus, --memory */
	OPT_FAIL_ON = 1u << 2,
	OPT_WALK = 1u << 3,    /* --no-ignore, --max-file-size */
	OPT_OUTPUT = 1u << 4,  /* --out */
	OPT_RULES = 1u << 5,   /* --rules DIR, --config FILE */
	OPT_LIVE = 1u << 6,    /* --pg, --mysql, --mysql-defaults-file, --mysql-group, --connect-timeout */
	OPT_TUNE = 1u << 7,    /* --only, --severity, --write */
};

/* Live servers to read (src/cli/live_opts.c). */
struct cli_live {
	const char *pg[8], *mysql[8];
	int n_pg, n_mysql;
	const char *mysql_defaults_file, *mysql_group;
	int connect_timeout; /* seconds; 0 = the default (5) */
};

struct cli_opts {
	const char *format;
	const char *profile;
	const char *cpus, *memory;
	enum st_severity fail_on;
	int quiet, verbose;
	int color;             /* resolved: 1 = use ANSI colours */
	const char *color_when; /* auto | always | never */
	int no_ignore;
	size_t max_file_size;
	const char *out;
	const char *rules_dir;
	const char *config;
	struct cli_live live;
	const char *only;              /* tune: rule ids, comma-separated */
	enum st_severity min_severity; /* tune: findings below it are left alone */
	int write;                     /* tune: apply in place */
	const char *args[8];   /* positional arguments after the command */
	int n_args;
};

struct cli_cmd {
	const char *name;
	int (*run)(const struct cli_cmd *cmd, struct cli_opts *o);
	unsigned accepts;      /* OPT_* bits */
	int max_args;
	const char *synopsis;  /* one line: "audit [PATH] [options]" */
	const char *help;      /* what it does, and its options */
};

/* Parses argv after the command name; prints a one-line usage error and returns -1 on bad input. */
int cli_parse(const struct cli_cmd *cmd, int argc, char **argv, struct cli_opts *o);
/* Prints one line "stacktune: MSG (see 'stacktune help CMD')" to stderr; returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Writes a buffer to stdout or to o->out atomically; 0 or -1 (message printed). */
int cli_emit(const struct cli_opts *o, struct st_buf *b);
/* Prints the context's diagnostics to stderr (text), redacted and with file:line:col. */
void cli_print_diags(const struct st_ctx *ctx, const struct cli_opts *o);
/* Where profiles/ and rules/ live: the source tree while running from a build, else the install dir. */
const char *cli_datadir(void);
/* Sets up the host (probe or profile + overrides) and records its facts; 0 or -1 (diagnostics recorded). */
int cli_host_setup(struct st_ctx *ctx, const struct cli_opts *o, struct st_host *h);

/* Applies one live option by its long name; 0, or -1 after printing a usage error. */
int cli_live_option(const char *cmd, const char *name, const char *arg, struct cli_live *l);
/* Reads every live server into the context (after the walk, before the model); 0, or -1 when one failed. */
int cli_live_run(struct st_ctx *ctx, const struct cli_live *l);

/* One audit run: the context, host, model and findings (src/cli/cmd_audit.c); audit, facts and tune share it. */
struct cli_pipeline {
	struct st_ctx ctx;
	struct st_host host;
	struct st_stack stack;
	struct st_findings findings;
	struct st_rulebook *rules; /* after cli_pipeline_rules */
	struct st_walk_stats stats;
	const char *path;
};

/* Initialise p->ctx first. Host set-up, walk, live readers and model; 0, or an exit status to stop with. */
int cli_pipeline_run(struct cli_pipeline *p, const struct cli_opts *o);
/* Loads the rulebook and .stacktune.yaml and runs the rules into p->findings; 0 or -1 (diagnostics recorded). */
int cli_pipeline_rules(struct cli_pipeline *p, const struct cli_opts *o);
/* The audit exit status: input errors win over findings at or above --fail-on. */
int cli_exit_status(const struct cli_pipeline *p, const struct cli_opts *o);
/* Reports running out of memory, frees the context; returns rc. */
int cli_pipeline_finish(struct cli_pipeline *p, int rc);

/* The rules directory: --rules, else DATADIR/rules (string in the ctx arena). */
const char *cli_rules_dir(const struct cli_opts *o, struct st_ctx *ctx);

int cmd_rules(const struct cli_cmd *cmd, struct cli_opts *o);
int cmd_audit(const struct cli_cmd *cmd, struct cli_opts *o);
int cmd_facts(const struct cli_cmd *cmd, struct cli_opts *o);
int cmd_host(const struct cli_cmd *cmd, struct cli_opts *o);
int cmd_tune(const struct cli_cmd *cmd, struct cli_opts *o);
int cmd_version(const struct cli_cmd *cmd, struct cli_opts *o);
int cmd_not_built(const struct cli_cmd *cmd, struct cli_opts *o);
int cmd_index(const struct cli_cmd *cmd, struct cli_opts *o);

extern const struct cli_cmd cli_commands[];

#endif
