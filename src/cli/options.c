/* Option parsing, output, diagnostics printing and host set-up shared by the commands. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "stacktune/loaders.h"

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fputs("stacktune: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (cmd)
		fprintf(stderr, " (see 'stacktune help %s')\n", cmd);
	else
		fputs(" (see 'stacktune help')\n", stderr);
	return EXIT_USAGE;
}

enum opt_id { O_FORMAT, O_PROFILE, O_CPUS, O_MEMORY, O_FAIL_ON, O_QUIET, O_VERBOSE, O_COLOR, O_NO_IGNORE, O_MAX_FILE,
              O_OUT, O_RULES, O_CONFIG, O_LIVE, O_ONLY, O_SEVERITY, O_WRITE };

struct opt_def {
	const char *long_name;
	char short_name;
	enum opt_id id;
	unsigned bit; /* 0: accepted by every command */
	int takes_arg; /* 1 required, 2 optional (only as --name=value) */
};

static const struct opt_def opt_defs[] = {
	{"format", 0, O_FORMAT, OPT_FORMAT, 1},      {"profile", 0, O_PROFILE, OPT_PROFILE, 1},
	{"cpus", 0, O_CPUS, OPT_PROFILE, 1},         {"memory", 0, O_MEMORY, OPT_PROFILE, 1},
	{"fail-on", 0, O_FAIL_ON, OPT_FAIL_ON, 1},   {"quiet", 'q', O_QUIET, 0, 0},
	{"verbose", 'v', O_VERBOSE, 0, 0},           {"color", 0, O_COLOR, 0, 2},
	{"colour", 0, O_COLOR, 0, 2},                {"no-ignore", 0, O_NO_IGNORE, OPT_WALK, 0},
	{"max-file-size", 0, O_MAX_FILE, OPT_WALK, 1}, {"out", 'o', O_OUT, OPT_OUTPUT, 1},
	{"rules", 0, O_RULES, OPT_RULES, 1},          {"config", 0, O_CONFIG, OPT_RULES, 1},
	{"pg", 0, O_LIVE, OPT_LIVE, 1},               {"mysql", 0, O_LIVE, OPT_LIVE, 1},
	{"mysql-defaults-file", 0, O_LIVE, OPT_LIVE, 1}, {"mysql-group", 0, O_LIVE, OPT_LIVE, 1},
	{"connect-timeout", 0, O_LIVE, OPT_LIVE, 1},
	{"only", 0, O_ONLY, OPT_TUNE, 1},             {"severity", 0, O_SEVERITY, OPT_TUNE, 1},
	{"write", 0, O_WRITE, OPT_TUNE, 0},
};

/* 1 when the writer renders what this command outputs (facts, host, or an audit). */
static int format_fits(const struct cli_cmd *cmd, const struct st_report_ops *ops)
{
	if (strcmp(cmd->name, "facts") == 0)
		return ops->facts != NULL;
	if (strcmp(cmd->name, "host") == 0)
		return ops->host != NULL;
	return ops->audit != NULL;
}

static int apply_opt(const struct cli_cmd *cmd, const struct opt_def *d, const char *arg, struct cli_opts *o)
{
	switch (d->id) {
	case O_FORMAT: {
		const struct st_report_ops *ops = st_report_find(arg);
		if (!ops || !format_fits(cmd, ops)) {
			struct st_buf names = {0};
			for (size_t i = 0; i < st_report_ops_count; i++)
				if (format_fits(cmd, &st_report_ops[i]))
					st_buf_printf(&names, "%s%s", names.len ? ", " : "", st_report_ops[i].name);
			if (ops)
				cli_usage_error(cmd->name, "format '%s' is not available for %s (%s)", arg, cmd->name, st_buf_cstr(&names));
			else
				cli_usage_error(cmd->name, "unknown format '%s' (%s)", arg, st_buf_cstr(&names));
			st_buf_free(&names);
			return -1;
		}
		o->format = arg;
		break;
	}
	case O_PROFILE:
		o->profile = arg;
		break;
	case O_CPUS:
		o->cpus = arg;
		break;
	case O_MEMORY:
		o->memory = arg;
		break;
	case O_FAIL_ON:
		if (st_severity_parse(arg, &o->fail_on) < 0)
			return cli_usage_error(cmd->name, "--fail-on takes info, warning or error, not '%s'", arg), -1;
		break;
	case O_QUIET:
		o->quiet++;
		break;
	case O_VERBOSE:
		o->verbose++;
		break;
	case O_COLOR:
		if (!arg)
			arg = "always";
		if (strcmp(arg, "auto") && strcmp(arg, "always") && strcmp(arg, "never"))
			return cli_usage_error(cmd->name, "--color takes auto, always or never, not '%s'", arg), -1;
		o->color_when = arg;
		break;
	case O_NO_IGNORE:
		o->no_ignore = 1;
		break;
	case O_MAX_FILE: {
		int64_t v;
		const char *err;
		if (st_size_parse(arg, strlen(arg), ST_UNITS_ANY, 1, &v, &err) < 0 || v <= 0)
			return cli_usage_error(cmd->name, "--max-file-size: invalid size '%s'", arg), -1;
		o->max_file_size = (size_t)v;
		break;
	}
	case O_OUT:
		o->out = arg;
		break;
	case O_RULES:
		o->rules_dir = arg;
		break;
	case O_CONFIG:
		o->config = arg;
		break;
	case O_LIVE:
		return cli_live_option(cmd->name, d->long_name, arg, &o->live);
	case O_ONLY:
		o->only = arg;
		break;
	case O_SEVERITY:
		if (st_severity_parse(arg, &o->min_severity) < 0)
			return cli_usage_error(cmd->name, "--severity takes info, warning or error, not '%s'", arg), -1;
		break;
	case O_WRITE:
		o->write = 1;
		break;
	}
	return 0;
}

static const struct opt_def *find_long(const char *name, size_t n)
{
	for (size_t i = 0; i < sizeof(opt_defs) / sizeof(opt_defs[0]); i++)
		if (strlen(opt_defs[i].long_name) == n && strncmp(opt_defs[i].long_name, name, n) == 0)
			return &opt_defs[i];
	return NULL;
}

static const struct opt_def *find_short(char c)
{
	for (size_t i = 0; i < sizeof(opt_defs) / sizeof(opt_defs[0]); i++)
		if (opt_defs[i].short_name == c)
			return &opt_defs[i];
	return NULL;
}

int cli_parse(const struct cli_cmd *cmd, int argc, char **argv, struct cli_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->format = "text";
	o->fail_on = ST_SEV_ERROR;
	o->color_when = "auto";
	int only_args = 0;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (only_args || a[0] != '-' || a[1] == '\0') {
			if (o->n_args >= cmd->max_args || o->n_args >= (int)(sizeof(o->args) / sizeof(o->args[0]))) {
				cli_usage_error(cmd->name, "unexpected argument '%s'", a);
				return -1;
			}
			o->args[o->n_args++] = a;
			continue;
		}
		if (strcmp(a, "--") == 0) {
			only_args = 1;
			continue;
		}
		const struct opt_def *d;
		const char *val = NULL;
		if (a[1] == '-') {
			const char *eq = strchr(a + 2, '=');
			size_t n = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
			d = find_long(a + 2, n);
			if (!d || (d->bit && !(cmd->accepts & d->bit))) {
				cli_usage_error(cmd->name, "unknown option '%.*s' for '%s'", (int)n + 2, a, cmd->name);
				return -1;
			}
			if (eq) {
				if (!d->takes_arg) {
					cli_usage_error(cmd->name, "option '--%s' takes no value", d->long_name);
					return -1;
				}
				val = eq + 1;
			}
		} else {
			d = a[2] == '\0' ? find_short(a[1]) : NULL;
			if (!d || (d->bit && !(cmd->accepts & d->bit))) {
				cli_usage_error(cmd->name, "unknown option '%s' for '%s'", a, cmd->name);
				return -1;
			}
		}
		if (d->takes_arg == 1 && !val) {
			if (i + 1 >= argc) {
				cli_usage_error(cmd->name, "option '--%s' needs a value", d->long_name);
				return -1;
			}
			val = argv[++i];
		}
		if (apply_opt(cmd, d, val, o) < 0)
			return -1;
	}
	const char *no_color = getenv("NO_COLOR");
	if (strcmp(o->color_when, "always") == 0)
		o->color = 1;
	else if (strcmp(o->color_when, "auto") == 0)
		o->color = isatty(STDOUT_FILENO) && !(no_color && *no_color);
	return 0;
}

int cli_emit(const struct cli_opts *o, struct st_buf *b)
{
	if (b->failed) {
		fprintf(stderr, "stacktune: out of memory while rendering output\n");
		return -1;
	}
	if (o->out && strcmp(o->out, "-") != 0) {
		if (st_write_atomic(o->out, b->data ? b->data : "", b->len) < 0) {
			fprintf(stderr, "stacktune: cannot write %s: %s\n", o->out, strerror(errno));
			return -1;
		}
		return 0;
	}
	if (b->len && fwrite(b->data, 1, b->len, stdout) != b->len) {
		fprintf(stderr, "stacktune: error writing output\n");
		return -1;
	}
	return 0;
}

void cli_print_diags(const struct st_ctx *ctx, const struct cli_opts *o)
{
	int color = strcmp(o->color_when, "always") == 0 ||
	            (strcmp(o->color_when, "auto") == 0 && isatty(STDERR_FILENO) && !(getenv("NO_COLOR") && *getenv("NO_COLOR")));
	for (size_t i = 0; i < ctx->diags.n; i++) {
		const struct st_diag *d = &ctx->diags.items[i];
		if (o->quiet && d->severity < ST_SEV_ERROR)
			continue;
		if (!o->verbose && d->severity == ST_SEV_INFO)
			continue;
		struct st_buf b = {0};
		if (d->origin.kind != ST_ORIGIN_NONE) {
			st_origin_format(&b, &d->origin);
			st_buf_puts(&b, ": ");
		}
		const char *sev = st_severity_name(d->severity);
		const char *c = d->severity == ST_SEV_ERROR ? "\033[1;31m" : d->severity == ST_SEV_WARNING ? "\033[1;33m" : "\033[1;36m";
		fprintf(stderr, "%s%s%s%s: %s\n", st_buf_cstr(&b), color ? c : "", sev, color ? "\033[0m" : "", d->message);
		st_buf_free(&b);
	}
}

static int is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *cli_datadir(void)
{
	if (is_dir(ST_SOURCE_DATADIR "/profiles"))
		return ST_SOURCE_DATADIR;
	return ST_INSTALL_DATADIR;
}

int cli_host_setup(struct st_ctx *ctx, const struct cli_opts *o, struct st_host *h)
{
	memset(h, 0, sizeof(*h));
	int rc = o->profile ? st_profile_load(ctx, cli_datadir(), o->profile, h) : st_host_probe(ctx, "", h);
	if (rc < 0)
		return -1;
	if (o->cpus && st_host_override_cpus(ctx, h, o->cpus) < 0)
		return -1;
	if (o->memory && st_host_override_memory(ctx, h, o->memory) < 0)
		return -1;
	st_host_facts(ctx, h);
	return 0;
}
