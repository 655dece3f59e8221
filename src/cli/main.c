/* stacktune: the command table and dispatch. The only place that prints and exits. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static int cmd_help(const struct cli_cmd *cmd, struct cli_opts *o);

#define COMMON_HELP                                                                                               \
	"  --format text|json       output format (default text)\n"                                               \
	"  --profile NAME|PATH      audit for a profile (profiles/NAME.ini) instead of this host\n"                 \
	"  --cpus N, --memory SIZE  override the CPUs / memory of the host or profile\n"                           \
	"  --color=auto|always|never  colours (auto: only on a terminal; NO_COLOR disables)\n"                     \
	"  --no-ignore              do not read .gitignore / .stacktuneignore\n"                                   \
	"  --max-file-size SIZE     skip larger files (default 4MB)\n"                                            \
	"  -q, -v                   quieter / more verbose\n"

#define LIVE_HELP                                                                                                 \
	"  --pg DSN                 also read a running PostgreSQL (URL or key=value; PG* variables apply)\n"     \
	"  --mysql DSN              also read a running MySQL/MariaDB (mysql://user:pass@host:3306/db)\n"        \
	"  --mysql-defaults-file F, --mysql-group G  MySQL client option file / group to connect with\n"         \
	"  --connect-timeout SECS   give up connecting after SECS (default 5); --pg/--mysql repeat up to 8 times\n"

const struct cli_cmd cli_commands[] = {
	{"audit", cmd_audit, OPT_FORMAT | OPT_PROFILE | OPT_FAIL_ON | OPT_WALK | OPT_RULES | OPT_LIVE | OPT_OUTPUT, 1,
	 "audit [PATH] [options]",
	 "Walks PATH (default .), builds the stack model and runs the rulebook.\n"
	 "Exit status: 0 clean, 1 findings at or above --fail-on, 2 usage, input or connection error.\n\n"
	 "Options:\n" COMMON_HELP LIVE_HELP
	 "  --format sarif|markdown|html  also: SARIF 2.1.0 for code scanning, a pull-request summary, one HTML page\n"
	 "  -o, --out FILE           write the report to FILE (atomically) instead of stdout\n"
	 "  --fail-on info|warning|error  lowest severity that makes the exit status 1 (default error)\n"
	 "  --rules DIR              the rulebook directory (default: the installed rules/)\n"
	 "  --config FILE            suppressions (default: PATH/.stacktune.yaml)\n"},
	{"facts", cmd_facts, OPT_FORMAT | OPT_PROFILE | OPT_WALK | OPT_LIVE, 1, "facts [PATH] [options]",
	 "Lists every fact of the model with its value, unit, origin and the values it overrides.\n"
	 "Exit status: 0, or 2 when an input could not be read or parsed.\n\n"
	 "Options:\n" COMMON_HELP LIVE_HELP},
	{"host", cmd_host, OPT_FORMAT | OPT_PROFILE, 0, "host [options]",
	 "Shows what the host looks like to stacktune: CPUs, memory (cgroup-aware) and disks, with sources.\n\n"
	 "Options:\n"
	 "  --format text|json       output format (default text)\n"
	 "  --profile NAME|PATH      show a profile instead of this host\n"
	 "  --cpus N, --memory SIZE  override single values\n"},
	{"tune", cmd_tune, OPT_PROFILE | OPT_FAIL_ON | OPT_WALK | OPT_RULES | OPT_LIVE | OPT_OUTPUT | OPT_TUNE, 1,
	 "tune [PATH] [--out FILE | --write] [options]",
	 "Audits PATH like 'audit' and turns every finding that has a recommendation into an edit of the file\n"
	 "that holds the value in effect (a missing server setting is added to the server's config file or\n"
	 "compose command line). Prints a unified diff for 'git apply' on stdout, secrets shown as ***;\n"
	 "--out FILE writes the patch with the real text, --write applies it in place. A summary on stderr says\n"
	 "what each change needs (restart, reload, redeploy), which values live in postgresql.auto.conf\n"
	 "(ALTER SYSTEM statements) and which recommendations need a human choice (not written).\n"
	 "Exit status as audit: 0 clean, 1 findings at or above --fail-on, 2 usage or input error (or a file\n"
	 "changed since it was read: --write then writes nothing).\n\n"
	 "Options:\n"
	 "  --out FILE               write the patch to FILE (atomically) instead of stdout\n"
	 "  --write                  apply the edits in place (each file atomically, mode and owner kept)\n"
	 "  --only RULE[,RULE...]    only the findings of these rules\n"
	 "  --severity info|warning|error  only findings at or above this severity (default info)\n"
	 "  --profile NAME|PATH, --cpus N, --memory SIZE  size for a target machine\n"
	 "  --rules DIR, --config FILE, --no-ignore, --max-file-size SIZE, --pg DSN, --mysql DSN  as for audit\n"
	 "  --fail-on info|warning|error  as for audit\n"},
	{"index", cmd_index, OPT_FORMAT | OPT_FAIL_ON | OPT_WALK | OPT_OUTPUT | OPT_LIVE, 3,
	 "index plan [PATH] [--pg DSN] [--out DIR] | index apply FILE|DIR --pg DSN",
	 "plan: reads the schema of PATH (default .): PostgreSQL SQL migrations (golang-migrate, Flyway, Prisma\n"
	 "migrations/, numbered files; parsed with libpg_query) and Prisma schemas; reports foreign keys without an\n"
	 "index, duplicate and redundant indexes, and migrations that build indexes unsafely; writes one numbered\n"
	 "up/down migration pair per fix (CREATE INDEX CONCURRENTLY IF NOT EXISTS / DROP INDEX CONCURRENTLY IF\n"
	 "EXISTS, each with a '-- why' comment) in the repository's convention, to --out DIR or to stdout.\n"
	 "With --pg DSN the live catalog replaces the migrations' schema (the migrations' own findings and numbering\n"
	 "stay) and adds: INVALID indexes (dropped and built again), unused indexes (idx_scan = 0 on a table that is\n"
	 "read, statistics at least 7 days old; never unique, primary key or foreign-key-backing ones) and large\n"
	 "tables read by sequential scans (a proposal in stacktune_proposals.sql, comments only: a human choice).\n"
	 "Exit status: 0, 1 findings at or above --fail-on, 2 usage, input or connection error.\n"
	 "Environment (plan --pg thresholds): STACKTUNE_INDEX_MIN_STATS_AGE (7d), STACKTUNE_INDEX_MIN_TABLE_SCANS\n"
	 "(100), STACKTUNE_INDEX_SEQSCAN_MIN_SIZE (64MB), STACKTUNE_INDEX_SEQSCAN_MIN_SCANS (100).\n\n"
	 "apply: applies the statements of FILE (or the up files of DIR, in name order) to PostgreSQL online: an\n"
	 "advisory lock, refuses a standby, lock_timeout and statement_timeout per statement, concurrent builds\n"
	 "outside transactions, INVALID leftovers dropped and retried with backoff, indisvalid verified, a ledger\n"
	 "table stacktune_migrations that makes a re-run a no-op and a run after a crash converge.\n"
	 "Exit status: 0 applied or already applied, 1 a statement failed (left safely), 2 usage or connection error.\n"
	 "Environment: STACKTUNE_LOCK_TIMEOUT_MS (default 5000), STACKTUNE_BACKOFF_MS (first retry wait, 1000).\n\n"
	 "Options:\n"
	 "  --out DIR                plan: write the files into DIR (created if missing)\n"
	 "  --format text|json       plan: findings and files as JSON\n"
	 "  --fail-on info|warning|error  plan: lowest severity that makes the exit status 1 (default error)\n"
	 "  --pg DSN                 the server (URL or key=value; PG* variables apply); plan: read its catalog\n"
	 "  --connect-timeout SECS   give up connecting after SECS (default 5)\n"
	 "  --no-ignore, --max-file-size SIZE  plan: as for audit\n"
	 "  -q, -v                   quieter / more verbose\n"},
	{"rules", cmd_rules, OPT_RULES, 2, "rules list | rules explain ID",
	 "Lists the rulebook, or explains one rule: rationale, formula, references, an example.\n\n"
	 "Options:\n"
	 "  --rules DIR              the rulebook directory (default: the installed rules/)\n"},
	{"help", cmd_help, 0, 1, "help [COMMAND]", "Shows help for stacktune or one command.\n"},
	{"version", cmd_version, 0, 0, "version", "Prints the version.\n"},
	{NULL, NULL, 0, 0, NULL, NULL},
};

static const struct cli_cmd *find_cmd(const char *name)
{
	for (const struct cli_cmd *c = cli_commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

static void print_overview(FILE *f)
{
	fprintf(f, "usage: stacktune COMMAND [ARGS] [OPTIONS]\n\n"
	           "Audits and tunes the configuration of database + application-server stacks.\n\nCommands:\n");
	for (const struct cli_cmd *c = cli_commands; c->name; c++)
		fprintf(f, "  %s\n", c->synopsis);
	fprintf(f, "\nRun 'stacktune help COMMAND' or 'stacktune COMMAND --help' for details.\n");
}

static void print_cmd_help(const struct cli_cmd *c)
{
	printf("usage: stacktune %s\n\n%s", c->synopsis, c->help);
}

static int cmd_help(const struct cli_cmd *cmd, struct cli_opts *o)
{
	if (o->n_args == 0) {
		print_overview(stdout);
		return EXIT_CLEAN;
	}
	const struct cli_cmd *c = find_cmd(o->args[0]);
	if (!c)
		return cli_usage_error(cmd->name, "unknown command '%s'", o->args[0]);
	print_cmd_help(c);
	return EXIT_CLEAN;
}

int cmd_version(const struct cli_cmd *cmd, struct cli_opts *o)
{
	printf("stacktune %s\n", ST_VERSION);
	return EXIT_CLEAN;
}

int cmd_not_built(const struct cli_cmd *cmd, struct cli_opts *o)
{
	fprintf(stderr, "stacktune: '%s' is not built yet\n", cmd->name);
	return EXIT_USAGE;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		print_overview(stderr);
		return EXIT_USAGE;
	}
	const char *name = argv[1];
	if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
		print_overview(stdout);
		return EXIT_CLEAN;
	}
	if (strcmp(name, "--version") == 0)
		name = "version";
	const struct cli_cmd *c = find_cmd(name);
	if (!c)
		return cli_usage_error(NULL, "unknown command '%s'", name);
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			print_cmd_help(c);
			return EXIT_CLEAN;
		}
	}
	struct cli_opts o;
	if (cli_parse(c, argc - 2, argv + 2, &o) < 0)
		return EXIT_USAGE;
	int rc = c->run(c, &o);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "stacktune: error writing output\n");
		return EXIT_USAGE;
	}
	return rc;
}
