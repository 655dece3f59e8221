/* index plan / index apply: schema files -> index findings -> up/down migrations; migrations -> a live server. */
#include <dirent.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "stacktune/index.h"

static void print_findings(const struct st_findings *f, const struct cli_opts *o, FILE *out)
{
	for (size_t i = 0; i < f->n; i++) {
		const struct st_finding *x = &f->items[i];
		if (o->quiet && x->severity < ST_SEV_ERROR)
			continue;
		struct st_buf b = {0};
		if (x->n_locations) {
			st_origin_format(&b, &x->locations[0]);
			st_buf_puts(&b, ": ");
		}
		fprintf(out, "%s%s: %s [%s]\n", st_buf_cstr(&b), st_severity_name(x->severity), x->message, x->rule);
		st_buf_free(&b);
	}
}

static int json_out(const struct st_findings *f, const struct st_ix_file *files, size_t n, const char *target,
                    const struct cli_opts *o)
{
	struct st_buf b = {0};
	st_buf_printf(&b, "{\"tool\":{\"name\":\"stacktune\",\"version\":\"%s\"},\"target\":{\"path\":", ST_VERSION);
	st_buf_json_string(&b, target);
	st_buf_puts(&b, "},\"findings\":[");
	for (size_t i = 0; i < f->n; i++) {
		const struct st_finding *x = &f->items[i];
		st_buf_puts(&b, i ? ",{\"rule\":" : "{\"rule\":");
		st_buf_json_string(&b, x->rule);
		st_buf_printf(&b, ",\"severity\":\"%s\",\"message\":", st_severity_name(x->severity));
		st_buf_json_string(&b, x->message);
		st_buf_puts(&b, ",\"locations\":[");
		for (size_t k = 0; k < x->n_locations; k++) {
			st_buf_puts(&b, k ? ",{\"file\":" : "{\"file\":");
			st_buf_json_string(&b, x->locations[k].file ? x->locations[k].file : "");
			st_buf_printf(&b, ",\"line\":%u,\"column\":%u}", x->locations[k].line, x->locations[k].col);
		}
		st_buf_puts(&b, "]}");
	}
	st_buf_puts(&b, "],\"files\":[");
	for (size_t i = 0; i < n; i++) {
		st_buf_puts(&b, i ? ",{\"name\":" : "{\"name\":");
		st_buf_json_string(&b, files[i].name);
		st_buf_puts(&b, ",\"text\":");
		st_buf_json_string(&b, files[i].text);
		st_buf_puts(&b, "}");
	}
	st_buf_puts(&b, "]}\n");
	struct cli_opts stdout_only = *o;
	stdout_only.out = NULL;
	int rc = cli_emit(&stdout_only, &b);
	st_buf_free(&b);
	return rc;
}

static int make_dir(const char *dir)
{
	struct stat st;
	if (stat(dir, &st) == 0)
		return S_ISDIR(st.st_mode) ? 0 : (errno = ENOTDIR, -1);
	return mkdir(dir, 0777);
}

/* The thresholds of the live-only rules, from the environment (tests and unusual servers set them). */
static int live_thresholds(const struct cli_cmd *cmd, struct st_ix_live_opts *lo)
{
	static const struct {
		const char *name;
		int kind; /* 0 duration, 1 size, 2 count */
		size_t off;
	} knobs[] = {
	    {"STACKTUNE_INDEX_MIN_STATS_AGE", 0, offsetof(struct st_ix_live_opts, min_stats_age_s)},
	    {"STACKTUNE_INDEX_MIN_TABLE_SCANS", 2, offsetof(struct st_ix_live_opts, min_table_scans)},
	    {"STACKTUNE_INDEX_SEQSCAN_MIN_SIZE", 1, offsetof(struct st_ix_live_opts, seqscan_min_bytes)},
	    {"STACKTUNE_INDEX_SEQSCAN_MIN_SCANS", 2, offsetof(struct st_ix_live_opts, seqscan_min_scans)},
	};
	for (size_t i = 0; i < sizeof(knobs) / sizeof(knobs[0]); i++) {
		int64_t *dst = (int64_t *)((char *)lo + knobs[i].off), v = -1;
		*dst = -1;
		const char *e = getenv(knobs[i].name), *err = NULL;
		if (!e)
			continue;
		char *end;
		int bad;
		if (knobs[i].kind == 0) {
			bad = st_duration_parse(e, strlen(e), ST_UNITS_PG, 1000000, &v, &err) < 0;
			v /= 1000000;
		} else if (knobs[i].kind == 1) {
			bad = st_size_parse(e, strlen(e), ST_UNITS_ANY, 1, &v, &err) < 0;
		} else {
			v = strtoll(e, &end, 10);
			bad = !*e || *end;
		}
		if (bad || v < 0)
			return cli_usage_error(cmd->name, "%s: invalid %s '%s'", knobs[i].name,
			                       knobs[i].kind == 0 ? "duration" : knobs[i].kind == 1 ? "size" : "count", e), -1;
		*dst = v;
	}
	return 0;
}

static int plan(const struct cli_cmd *cmd, struct cli_opts *o)
{
	const char *path = o->n_args > 1 ? o->args[1] : ".";
	if (o->n_args > 2)
		return cli_usage_error(cmd->name, "index plan takes one PATH");
	if (o->live.n_mysql)
		return cli_usage_error(cmd->name, "index plan: the MySQL/MariaDB live catalog is not built yet; use --pg");
	if (o->live.n_pg > 1)
		return cli_usage_error(cmd->name, "index plan reads one live catalog: give one --pg DSN");
	struct st_ix_live_opts lo = {.connect_timeout = o->live.connect_timeout};
	if (live_thresholds(cmd, &lo) < 0)
		return EXIT_USAGE;
	struct st_ctx ctx;
	st_ctx_init(&ctx);
	ctx.root = path;
	ctx.verbose = o->verbose;
	struct st_ix_schema s = {0};
	struct st_findings f = {0};
	struct st_ix_plan p = {0};
	struct st_ix_file *files = NULL;
	size_t n = 0;
	int rc = EXIT_CLEAN;
	if (st_ix_schema_scan(&ctx, path, o->max_file_size, o->no_ignore, &s) < 0 ||
	    (o->live.n_pg && st_ix_live_pg(&ctx, o->live.pg[0], &lo, &s) < 0) || st_ix_plan(&ctx, &s, &f, &p) < 0 ||
	    st_ix_render(&ctx, &s, &p, &files, &n) < 0) {
		cli_print_diags(&ctx, o);
		if (ctx.oom)
			fprintf(stderr, "stacktune: out of memory\n");
		st_ctx_free(&ctx);
		return EXIT_USAGE;
	}
	cli_print_diags(&ctx, o);
	if (strcmp(o->format, "json") == 0) {
		if (json_out(&f, files, o->out ? 0 : n, path, o) < 0)
			rc = EXIT_USAGE;
	} else {
		print_findings(&f, o, o->out ? stdout : stderr);
		if (!o->out) {
			for (size_t i = 0; i < n; i++)
				printf("%s-- ==> %s <==\n%s", i ? "\n" : "", files[i].name, files[i].text);
		} else if (!o->quiet) {
			printf("%zu schema files read, %zu findings, %zu files planned\n", s.n_files, f.n, n);
		}
	}
	if (o->out && rc == EXIT_CLEAN) {
		if (make_dir(o->out) < 0) {
			fprintf(stderr, "stacktune: cannot create %s: %s\n", o->out, strerror(errno));
			rc = EXIT_USAGE;
		}
		for (size_t i = 0; i < n && rc == EXIT_CLEAN; i++) {
			const char *target = st_arena_printf(&ctx.arena, "%s/%s", o->out, files[i].name);
			if (!target || st_write_atomic(target, files[i].text, strlen(files[i].text)) < 0) {
				fprintf(stderr, "stacktune: cannot write %s: %s\n", target ? target : o->out, strerror(errno));
				rc = EXIT_USAGE;
			} else if (!o->quiet && strcmp(o->format, "json") != 0) {
				printf("wrote %s\n", target);
			}
		}
	}
	if (rc == EXIT_CLEAN && st_diag_count(&ctx, ST_SEV_ERROR))
		rc = EXIT_USAGE;
	for (size_t i = 0; rc == EXIT_CLEAN && i < f.n; i++)
		if (f.items[i].severity >= o->fail_on)
			rc = EXIT_FINDINGS;
	st_ctx_free(&ctx);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int is_up_file(const char *name)
{
	size_t n = strlen(name);
	if (n > 7 && strcmp(name + n - 7, ".up.sql") == 0)
		return 1;
	return name[0] == 'V' && strstr(name, "__") && n > 4 && strcmp(name + n - 4, ".sql") == 0;
}

/* The up files of a directory, sorted by name (arena). */
static int dir_files(struct st_ctx *ctx, const char *dir, const char ***out, size_t *n)
{
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	size_t cap = 16;
	*n = 0;
	*out = malloc(cap * sizeof(**out));
	struct dirent *e;
	while (*out && (e = readdir(d)) != NULL) {
		if (!is_up_file(e->d_name))
			continue;
		if (*n == cap) {
			const char **nv = realloc(*out, cap * 2 * sizeof(**out));
			if (!nv) {
				free(*out);
				*out = NULL;
				break;
			}
			*out = nv;
			cap *= 2;
		}
		(*out)[(*n)++] = st_arena_printf(&ctx->arena, "%s/%s", dir, e->d_name);
	}
	closedir(d);
	if (!*out)
		return ctx->oom = 1, -1;
	qsort(*out, *n, sizeof(**out), cmp_str);
	return 0;
}

static int apply(const struct cli_cmd *cmd, struct cli_opts *o)
{
	if (o->n_args != 2)
		return cli_usage_error(cmd->name, "index apply takes one FILE or DIR of migrations");
	if (o->live.n_mysql)
		return cli_usage_error(cmd->name, "index apply to MySQL/MariaDB is not built yet; use --pg");
	if (o->live.n_pg != 1)
		return cli_usage_error(cmd->name, "index apply needs one --pg DSN");
	struct st_ctx ctx;
	st_ctx_init(&ctx);
	const char *arg = o->args[1];
	const char **files = NULL;
	size_t n = 0;
	struct stat st;
	if (stat(arg, &st) < 0) {
		fprintf(stderr, "stacktune: cannot read %s: %s\n", arg, strerror(errno));
		st_ctx_free(&ctx);
		return EXIT_USAGE;
	}
	if (S_ISDIR(st.st_mode)) {
		if (dir_files(&ctx, arg, &files, &n) < 0) {
			fprintf(stderr, "stacktune: cannot read %s: %s\n", arg, strerror(errno));
			st_ctx_free(&ctx);
			return EXIT_USAGE;
		}
	} else {
		files = malloc(sizeof(*files));
		if (files) {
			files[0] = arg;
			n = 1;
		}
	}
	struct st_ix_apply_opts ao = {.connect_timeout = o->live.connect_timeout, .retries = -1};
	const char *e;
	if ((e = getenv("STACKTUNE_LOCK_TIMEOUT_MS")) != NULL)
		ao.lock_timeout_ms = atoi(e);
	if ((e = getenv("STACKTUNE_BACKOFF_MS")) != NULL)
		ao.backoff_ms = atoi(e);
	struct st_ix_apply_result res;
	int r = files ? st_ix_apply(&ctx, o->live.pg[0], files, n, &ao, &res) : -1;
	free(files);
	struct cli_opts shown = *o;
	if (!o->quiet)
		shown.verbose = 1; /* progress is the point of apply */
	cli_print_diags(&ctx, &shown);
	if (r >= 0 && !o->quiet)
		printf("%zu applied, %zu already applied, %zu failed\n", res.applied, res.skipped, res.failed);
	st_ctx_free(&ctx);
	return r < 0 ? EXIT_USAGE : r ? EXIT_FINDINGS : EXIT_CLEAN;
}

int cmd_index(const struct cli_cmd *cmd, struct cli_opts *o)
{
	if (o->n_args == 0)
		return cli_usage_error(cmd->name, "index needs 'plan' or 'apply'");
	if (strcmp(o->args[0], "plan") == 0)
		return plan(cmd, o);
	if (strcmp(o->args[0], "apply") == 0)
		return apply(cmd, o);
	return cli_usage_error(cmd->name, "unknown index command '%s' (plan, apply)", o->args[0]);
}
