/* loaders/pgconf + pg_settings: the settings table, typing as guc.c does (checked against a real server by
 * tests/live/pgconf-diff), the guc-file.l grammar, positions and spans, includes (depth, loops, missing, outside
 * the tree), postgresql.auto.conf, which files load on their own, secrets, hostile input. Files live in a
 * temporary tree that is ctx->root. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../tap.h"
#include "stacktune/loaders.h"

static char root[64];

static void put_n(const char *rel, const char *data, size_t n)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", root, rel);
	for (char *p = path + strlen(root) + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(path, 0755);
			*p = '/';
		}
	FILE *f = fopen(path, "wb");
	if (!f)
		abort();
	fwrite(data, 1, n, f);
	fclose(f);
}

static void put(const char *rel, const char *data)
{
	put_n(rel, data, strlen(data));
}

static void rm_tree(void)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", root);
	if (!mkdtemp(strcpy(root, "/tmp/test_pgconf.XXXXXX")))
		abort();
}

static void fresh(struct st_ctx *ctx)
{
	st_ctx_free(ctx);
	st_ctx_init(ctx);
	ctx->root = root;
}

/* Loads data as the file rel without the walker (whose size limit would refuse 10 MB). */
static int load_mem(struct st_ctx *ctx, const char *rel, const char *data, size_t n)
{
	struct st_file f = {.path = rel, .name = strrchr(rel, '/') ? strrchr(rel, '/') + 1 : rel, .data = data, .size = n};
	return st_pgconf_load(ctx, &f);
}

static int load(struct st_ctx *ctx, const char *rel)
{
	struct st_file f;
	if (st_file_read(ctx, rel, NULL, &f) < 0) {
		printf("# cannot read %s\n", rel);
		return -2;
	}
	return st_pgconf_load(ctx, &f);
}

static const struct st_fact *fact(struct st_ctx *ctx, const char *name)
{
	return st_fact_get(ctx, name);
}

static const char *text_of(struct st_ctx *ctx, const char *name)
{
	const struct st_fact *f = fact(ctx, name);
	return f ? f->value.text : NULL;
}

static long long int_of(struct st_ctx *ctx, const char *name)
{
	const struct st_fact *f = fact(ctx, name);
	return f ? (long long)f->value.i : -999999;
}

/* The first diagnostic of severity sev whose message contains needle (NULL: any), or NULL. */
static const struct st_diag *find_diag(struct st_ctx *ctx, enum st_severity sev, const char *needle)
{
	for (size_t i = 0; i < ctx->diags.n; i++) {
		const struct st_diag *d = &ctx->diags.items[i];
		if (d->severity == sev && (!needle || strstr(d->message, needle)))
			return d;
	}
	return NULL;
}

static size_t count_diags(struct st_ctx *ctx, enum st_severity sev)
{
	size_t n = 0;
	for (size_t i = 0; i < ctx->diags.n; i++)
		n += ctx->diags.items[i].severity == sev;
	return n;
}

/* ---- the settings table and typing ------------------------------------------------------------------------- */

static int typed(const char *name, const char *text, struct st_value *v, const char **err)
{
	const struct st_pg_setting *s = st_pg_setting_find(name);
	if (!s) {
		printf("# no setting %s\n", name);
		return -2;
	}
	*err = NULL;
	return st_pg_setting_value(s, text, v, err);
}

static int64_t as_i(const char *name, const char *text, enum st_value_kind kind)
{
	struct st_value v;
	const char *err;
	if (typed(name, text, &v, &err) < 0) {
		printf("# %s = %s: %s\n", name, text, err ? err : "?");
		return -999999;
	}
	if (v.kind != kind) {
		printf("# %s = %s: kind %s\n", name, text, st_value_kind_name(v.kind));
		return -999998;
	}
	return v.i;
}

static int rejects(const char *name, const char *text)
{
	struct st_value v;
	const char *err;
	return typed(name, text, &v, &err) == -1 && err != NULL;
}

static const char *as_s(const char *name, const char *text)
{
	struct st_value v;
	const char *err;
	if (typed(name, text, &v, &err) < 0 || v.kind != ST_VAL_STRING)
		return NULL;
	return v.text;
}

static void test_table(void)
{
	ok(st_pg_settings_count > 350, "the table has every setting (%zu)", st_pg_settings_count);
	const struct st_pg_setting *s = st_pg_setting_find("Shared_Buffers");
	ok(s && strcmp(s->name, "shared_buffers") == 0, "find is case-insensitive");
	ok(s && s->unit_mult == 8192 && s->unit_kind == ST_PG_UNIT_BYTES, "shared_buffers counts 8kB pages");
	is_str(s ? s->context : NULL, "postmaster", "shared_buffers needs a restart");
	s = st_pg_setting_find("work_mem");
	is_str(s ? s->context : NULL, "user", "work_mem is a user setting");
	ok(s && s->unit_mult == 1024, "work_mem counts kB");
	s = st_pg_setting_find("reserved_connections");
	ok(s && s->first_major == 16 && s->last_major == 17, "reserved_connections is new in 16");
	s = st_pg_setting_find("wal_keep_segments");
	ok(s && s->last_major == 12 && st_pg_setting_in_major(s, 12) && !st_pg_setting_in_major(s, 13),
	   "wal_keep_segments ends with 12");
	s = st_pg_setting_find("stats_temp_directory");
	ok(s && s->last_major == 14, "stats_temp_directory is gone in 15");
	s = st_pg_setting_find("old_snapshot_threshold");
	ok(s && s->last_major == 16, "old_snapshot_threshold is gone in 17");
	s = st_pg_setting_find("vacuum_cleanup_index_scale_factor");
	ok(s && s->last_major == 13, "vacuum_cleanup_index_scale_factor is gone in 14");
	s = st_pg_setting_find("checkpoint_completion_target");
	ok(s && s->older_defaults && strstr(s->older_defaults, "12-13=0.5"), "older defaults are kept");
	s = st_pg_setting_find("wal_level");
	ok(s && s->enum_names && s->enum_aliases, "wal_level has listed values and hidden spellings");
	ok(st_pg_setting_find("no_such_setting") == NULL, "unknown names are not found");
	is_str(st_pg_setting_suggest("shared_buffer", 15), "shared_buffers", "did you mean shared_buffers");
	is_str(st_pg_setting_suggest("wrok_mem", 15), "work_mem", "a swap of neighbours is one edit");
	ok(st_pg_setting_suggest("zzzzzzzzzzzz", 15) == NULL, "nothing close: no suggestion");
	/* every row of the generated table is sorted for bsearch and findable */
	int all = 1;
	for (size_t i = 0; i < st_pg_settings_count; i++)
		all &= st_pg_setting_find(st_pg_settings_table[i].name) == &st_pg_settings_table[i];
	ok(all, "every setting is found by its own name");
}

static void test_values(void)
{
	const int64_t K = 1024, M = K * K, G = M * K;
	is_int(as_i("shared_buffers", "128MB", ST_VAL_SIZE), 128 * M, "128MB");
	is_int(as_i("shared_buffers", "16384", ST_VAL_SIZE), 16384 * 8192LL, "a bare number is 8kB pages");
	is_int(as_i("work_mem", "0x400", ST_VAL_SIZE), M, "hex like strtol base 0");
	is_int(as_i("max_connections", "010", ST_VAL_INT), 8, "010 is octal 8");
	ok(rejects("max_connections", "08"), "08 is not a number the server takes");
	is_int(as_i("work_mem", "1.5MB", ST_VAL_SIZE), 1536 * K, "a fraction with a unit");
	is_int(as_i("work_mem", "1.0001GB", ST_VAL_SIZE), G, "a fraction rounds to the next smaller unit (MB) first");
	is_int(as_i("lock_timeout", "0.0001h", ST_VAL_DURATION), 0, "0.0001h of ms rounds to whole minutes: 0");
	ok(rejects("checkpoint_timeout", "0.001h"), "0.001h is 0 s, below checkpoint_timeout's minimum");
	is_int(as_i("temp_file_limit", "1536B", ST_VAL_SIZE), 2 * K, "1.5 kB rounds half to even: 2 kB");
	is_int(as_i("statement_timeout", "2500us", ST_VAL_DURATION), 2000, "2.5 ms rounds half to even: 2 ms");
	is_int(as_i("statement_timeout", "1500us", ST_VAL_DURATION), 2000, "1.5 ms rounds to 2 ms");
	is_int(as_i("checkpoint_timeout", "1.5min", ST_VAL_DURATION), 90000000, "1.5min in seconds");
	is_int(as_i("wal_buffers", "-1", ST_VAL_INT), -1, "-1 stays an int in base units");
	is_int(as_i("vacuum_cost_delay", "0.0015s", ST_VAL_DURATION), 2000, "a real with a unit rounds to ms");
	is_int(as_i("vacuum_cost_delay", "2", ST_VAL_DURATION), 2000, "a real's bare number is in ms");
	ok(rejects("work_mem", "4 mb"), "units are case-sensitive");
	ok(rejects("work_mem", "4MB x"), "garbage after the unit");
	ok(rejects("shared_buffers", "8"), "below the minimum");
	ok(rejects("max_connections", "5MB"), "a unit on a unit-less setting");
	ok(rejects("work_mem", "ms"), "no number");
	ok(rejects("work_mem", "99999999999999999999"), "out of integer range");
	ok(rejects("work_mem", "4ms"), "a time unit on a size");
	is_int(as_i("enable_seqscan", "Of", ST_VAL_BOOL), 0, "bool prefix 'Of'");
	is_int(as_i("enable_seqscan", "t", ST_VAL_BOOL), 1, "bool prefix 't'");
	is_int(as_i("enable_seqscan", "YES", ST_VAL_BOOL), 1, "bool YES");
	ok(rejects("enable_seqscan", "o"), "'o' is ambiguous");
	ok(rejects("enable_seqscan", " on"), "no white space around a bool");
	ok(rejects("enable_seqscan", ""), "an empty bool");
	is_str(as_s("wal_level", "HOT_STANDBY"), "replica", "a hidden enum spelling shows as replica");
	is_str(as_s("wal_compression", "on"), "pglz", "wal_compression on shows as pglz");
	is_str(as_s("synchronous_commit", "yes"), "on", "synchronous_commit yes is on");
	is_str(as_s("log_min_messages", "Warning"), "warning", "enums are case-insensitive");
	ok(rejects("wal_level", "fast"), "an unknown enum value");
	ok(rejects("wal_level", "replica "), "no white space around an enum");
	is_str(as_s("datestyle", "german"), "German, DMY", "DateStyle german implies DMY");
	is_str(as_s("datestyle", "iso, ymd"), "ISO, YMD", "DateStyle canonical form");
	ok(rejects("datestyle", "iso, sql"), "conflicting DateStyle");
	ok(rejects("random_page_cost", "nan"), "NaN is refused");
	ok(rejects("checkpoint_completion_target", "1.5"), "a real above its maximum");
	struct st_value v;
	const char *err;
	ok(typed("random_page_cost", "1.1", &v, &err) == 0 && v.kind == ST_VAL_REAL && v.r > 1.09 && v.r < 1.11,
	   "a real");
	ok(typed("work_mem", "4MB", &v, &err) == 0 && v.text && strcmp(v.text, "4MB") == 0, "text is kept");
}

/* ---- grammar and positions --------------------------------------------------------------------------------- */

static void test_grammar(struct st_ctx *ctx)
{
	rm_tree();
	fresh(ctx);
	const char *conf = "# comment\n"
	                   "work_mem = '4MB'  # c\n"
	                   "max_connections 50\n"
	                   "shared_buffers=64MB\n"
	                   "log_line_prefix = 'a''b\\tc\\101'\n"
	                   "\tenable_seqscan\t=\toff   \n"
	                   "pg_stat_statements.max = 5000\n"
	                   "Random_Page_Cost = 1.1\n"
	                   "search_path = '\"$user\", public'\n";
	put("postgresql.conf", conf);
	is_int(load(ctx, "postgresql.conf"), 0, "loads without errors");
	const struct st_fact *f = fact(ctx, "postgres.work_mem");
	ok(f && f->value.kind == ST_VAL_SIZE && f->value.i == 4 << 20, "quoted size");
	ok(f && f->origin.line == 2 && f->origin.col == 1, "name position 2:1");
	ok(f && f->origin.value_off == (size_t)(strstr(conf, "'4MB'") - conf) && f->origin.value_len == 5,
	   "the value span covers the quoted token");
	ok(f && f->origin.line_off == (size_t)(strstr(conf, "work_mem") - conf) &&
	       f->origin.line_len == strlen("work_mem = '4MB'  # c"),
	   "the line span");
	is_str(f ? f->value.text : NULL, "4MB", "text without quotes");
	is_int(int_of(ctx, "postgres.max_connections"), 50, "'=' is optional");
	is_int(int_of(ctx, "postgres.shared_buffers"), 64 << 20, "no spaces around '='");
	is_str(text_of(ctx, "postgres.log_line_prefix"), "a'b\tcA", "'' and backslash escapes, octal");
	f = fact(ctx, "postgres.enable_seqscan");
	ok(f && f->value.kind == ST_VAL_BOOL && f->value.i == 0 && f->origin.col == 2, "tabs around; column 2");
	is_str(text_of(ctx, "postgres.pg_stat_statements.max"), "5000", "a qualified name is a placeholder string");
	f = fact(ctx, "postgres.random_page_cost");
	ok(f && f->value.kind == ST_VAL_REAL, "names are case-insensitive");
	is_str(text_of(ctx, "postgres.search_path"), "\"$user\", public", "double quotes inside single quotes");
	is_str(text_of(ctx, "postgres.kind"), "postgresql", "component kind");
	is_str(text_of(ctx, "postgres.config_file"), "postgresql.conf", "the loaded file is recorded");
	ok(count_diags(ctx, ST_SEV_WARNING) == 0, "no warnings for a placeholder");

	/* syntax errors: reported at the token, the other lines still load */
	fresh(ctx);
	const char *bad = "work_mem = 1.5GB\n"          /* REAL then ID */
	                  "max_connections = 77\n"
	                  "application_name = 'abc\n"   /* unterminated */
	                  "search_path = public.x\n"    /* a qualified id is no value */
	                  "a.b.c = 1\n"                 /* two dots */
	                  "work_mem =\n"                /* no value */
	                  "datestyle = 'iso' 'mdy'\n"   /* two values */
	                  "shared_buffers = 32MB\n";
	put("postgresql.conf", bad);
	is_int(load(ctx, "postgresql.conf"), -1, "errors make load return -1");
	is_int(count_diags(ctx, ST_SEV_ERROR), 6, "six syntax errors");
	const struct st_diag *d = find_diag(ctx, ST_SEV_ERROR, "\"GB\"");
	ok(d && d->origin.line == 1 && d->origin.col == 15 && strstr(d->origin.file, "postgresql.conf"),
	   "1.5GB: error at the unit 1:15");
	d = find_diag(ctx, ST_SEV_ERROR, "near token \"'\"");
	ok(d && d->origin.line == 3 && d->origin.col == 20, "unterminated quote at 3:20");
	d = find_diag(ctx, ST_SEV_ERROR, "\"public.x\"");
	ok(d && d->origin.line == 4, "qualified value at line 4");
	d = find_diag(ctx, ST_SEV_ERROR, "end of line");
	ok(d && d->origin.line == 6 && d->origin.col == 11, "no value: near end of line 6:11");
	is_int(int_of(ctx, "postgres.max_connections"), 77, "line 2 still loads");
	is_int(int_of(ctx, "postgres.shared_buffers"), 32 << 20, "the last line still loads");
	ok(fact(ctx, "postgres.work_mem") == NULL, "a broken line records nothing");

	/* CRLF, comments right after values, duplicates, unknown names, values */
	fresh(ctx);
	put("postgresql.conf", "shared_buffers = 128MB\r\n"
	                       "work_mem = 4MB#c\r\n"
	                       "shared_buffers = 256MB\r\n"
	                       "shared_buffer = 1GB\r\n"
	                       "myext.api_token = 'tok-123'\r\n"
	                       "max_connections = 0x40\r\n");
	is_int(load(ctx, "postgresql.conf"), 0, "CRLF loads");
	const struct st_fact_entry *e = st_fact_entry(ctx, "postgres.shared_buffers");
	ok(e && e->n == 2 && e->chain[1]->value.i == 256 << 20 && e->chain[0]->value.i == 128 << 20,
	   "last wins, the earlier value stays in the chain");
	ok(e && e->chain[1]->origin.line_len == strlen("shared_buffers = 256MB"), "the line span stops before CRLF");
	is_int(int_of(ctx, "postgres.work_mem"), 4 << 20, "comment right after the value");
	d = find_diag(ctx, ST_SEV_WARNING, "unknown setting 'shared_buffer'");
	ok(d && strstr(d->message, "did you mean 'shared_buffers'") && d->origin.line == 4, "did you mean, at line 4");
	f = fact(ctx, "postgres.myext.api_token");
	ok(f && f->value.secret, "a placeholder named like a token is secret");
	is_int(int_of(ctx, "postgres.max_connections"), 64, "hex");

	/* values: invalid is an error at the value, an invalid value overridden later is only a warning */
	fresh(ctx);
	put("postgresql.conf", "work_mem = 'lots'\n"
	                       "work_mem = 4MB\n"
	                       "shared_buffers = '4 mb'\n"
	                       "max_connections = 10\n"
	                       "block_size = 4096\n"
	                       "Enable_Seqscan = maybe\n"
	                       "enable_seqscan = on\n");
	is_int(load(ctx, "postgresql.conf"), -1, "invalid values: -1");
	d = find_diag(ctx, ST_SEV_WARNING, "\"lots\"");
	ok(d && d->origin.line == 1 && d->origin.col == 12 && strstr(d->message, "ignores"),
	   "an invalid value overridden later: warning at the value");
	d = find_diag(ctx, ST_SEV_ERROR, "shared_buffers");
	ok(d && d->origin.line == 3 && d->origin.col == 18, "bad unit: error at 3:18");
	ok(find_diag(ctx, ST_SEV_ERROR, "block_size") != NULL, "an internal setting cannot be changed");
	d = find_diag(ctx, ST_SEV_ERROR, "maybe");
	ok(d && d->origin.line == 6, "a duplicate spelled differently is still validated (as the server does)");
	is_int(int_of(ctx, "postgres.work_mem"), 4 << 20, "the valid later value");
	is_int(int_of(ctx, "postgres.max_connections"), 10, "other settings still load");
	ok(fact(ctx, "postgres.shared_buffers") == NULL, "an invalid value records nothing");
}

/* ---- includes ---------------------------------------------------------------------------------------------- */

static void test_includes(struct st_ctx *ctx)
{
	rm_tree();
	fresh(ctx);
	put("db/postgresql.conf", "work_mem = 1MB\n"
	                          "include 'sub/a.conf'\n"
	                          "include_dir 'conf.d'\n"
	                          "include_if_exists 'missing.conf'\n"
	                          "INCLUDE_IF_EXISTS 'present.conf'\n"
	                          "include '/etc/postgresql/15/main/extra.conf'\n"
	                          "include '../../outside.conf'\n");
	put("db/sub/a.conf", "work_mem = 2MB\ninclude 'b.conf'\n");
	put("db/sub/b.conf", "work_mem = 3MB\nmax_connections = 44\n");
	put("db/conf.d/10-a.conf", "shared_buffers = 10MB\n");
	put("db/conf.d/2-b.conf", "shared_buffers = 20MB\n");
	put("db/conf.d/B.conf", "max_connections = 66\n");
	put("db/conf.d/.hidden.conf", "max_connections = 999\n");
	put("db/conf.d/x.conf.bak", "max_connections = 998\n");
	put("db/conf.d/.conf", "max_connections = 997\n");
	put("db/present.conf", "autovacuum_max_workers = 5\n");
	put("db/postgresql.auto.conf", "# Do not edit this file manually!\nwork_mem = '16MB'\n");
	is_int(load(ctx, "db/postgresql.conf"), 0, "includes load without errors");
	const struct st_fact_entry *e = st_fact_entry(ctx, "postgres.work_mem");
	ok(e && e->n == 4, "work_mem: four values in the chain");
	ok(e && e->n == 4 && strcmp(e->chain[2]->origin.file, "db/sub/b.conf") == 0,
	   "relative to the including file's directory");
	ok(e && e->n == 4 && e->chain[2]->origin.detail && strstr(e->chain[2]->origin.detail, "db/sub/a.conf"),
	   "the include chain is named");
	ok(e && e->n == 4 && e->chain[3]->layer == ST_LAYER_AUTO_CONF && e->chain[3]->value.i == 16 << 20,
	   "postgresql.auto.conf wins, layer AUTO_CONF");
	is_int(int_of(ctx, "postgres.shared_buffers"), 20 << 20, "include_dir in strcmp order: 2-b.conf after 10-a.conf");
	is_int(int_of(ctx, "postgres.max_connections"), 66, "B.conf; hidden, .bak and '.conf' skipped");
	is_int(int_of(ctx, "postgres.autovacuum_max_workers"), 5, "include_if_exists of a present file");
	ok(find_diag(ctx, ST_SEV_INFO, "skipping missing configuration file") != NULL, "missing include_if_exists: info");
	ok(find_diag(ctx, ST_SEV_INFO, "outside the audited tree") != NULL, "absolute include: info, not followed");
	is_int(count_diags(ctx, ST_SEV_ERROR), 0, "no errors");

	/* the auto.conf beside a postgresql.conf is not loaded on its own; a lone one is */
	fresh(ctx);
	is_int(load(ctx, "db/postgresql.auto.conf"), 0, "auto.conf beside postgresql.conf: nothing on its own");
	ok(fact(ctx, "postgres.work_mem") == NULL, "no facts from it alone");
	put("lone/postgresql.auto.conf", "max_connections = '150'\n");
	fresh(ctx);
	load(ctx, "lone/postgresql.auto.conf");
	const struct st_fact *f = fact(ctx, "postgres.max_connections");
	ok(f && f->value.i == 150 && f->layer == ST_LAYER_AUTO_CONF, "a lone auto.conf loads, layer AUTO_CONF");

	/* missing include, loop, depth */
	fresh(ctx);
	put("m/postgresql.conf", "work_mem = 1MB\ninclude 'nope.conf'\ninclude_dir 'nodir'\nmax_connections = 9\n");
	is_int(load(ctx, "m/postgresql.conf"), -1, "a missing include is an error");
	const struct st_diag *d = find_diag(ctx, ST_SEV_ERROR, "nope.conf");
	ok(d && d->origin.line == 2 && d->origin.col == 1 && strcmp(d->origin.file, "m/postgresql.conf") == 0,
	   "at the include line");
	ok(find_diag(ctx, ST_SEV_ERROR, "configuration directory") != NULL, "a missing include_dir is an error");
	is_int(int_of(ctx, "postgres.max_connections"), 9, "the rest loads");

	fresh(ctx);
	put("l/postgresql.conf", "include 'a.conf'\n");
	put("l/a.conf", "work_mem = 1MB\ninclude 'b.conf'\n");
	put("l/b.conf", "max_connections = 20\ninclude 'a.conf'\n");
	is_int(load(ctx, "l/postgresql.conf"), -1, "a loop is an error");
	d = find_diag(ctx, ST_SEV_ERROR, "include loop");
	ok(d && d->origin.line == 2 && strcmp(d->origin.file, "l/b.conf") == 0 &&
	       strstr(d->message, "l/postgresql.conf -> l/a.conf -> l/b.conf -> l/a.conf"),
	   "the loop is named, at b.conf:2");
	is_int(int_of(ctx, "postgres.max_connections"), 20, "the files of the loop load once");

	char name[64], body[128];
	for (int depth = 10; depth <= 11; depth++) {
		fresh(ctx);
		snprintf(name, sizeof name, "d%d/postgresql.conf", depth);
		put(name, "include 'n1.conf'\n");
		for (int i = 1; i <= depth; i++) {
			snprintf(name, sizeof name, "d%d/n%d.conf", depth, i);
			if (i < depth)
				snprintf(body, sizeof body, "include 'n%d.conf'\n", i + 1);
			else
				snprintf(body, sizeof body, "work_mem = %dMB\n", depth);
			put(name, body);
		}
		snprintf(name, sizeof name, "d%d/postgresql.conf", depth);
		int rc = load(ctx, name);
		if (depth == 10) {
			is_int(rc, 0, "ten nested includes are allowed");
			is_int(int_of(ctx, "postgres.work_mem"), 10 << 20, "the deepest file loads");
		} else {
			is_int(rc, -1, "eleven nested includes are an error");
			d = find_diag(ctx, ST_SEV_ERROR, "maximum nesting depth");
			ok(d && strcmp(d->origin.file, "d11/n10.conf") == 0 && strstr(d->message, "d11/postgresql.conf -> d11/n1.conf"),
			   "depth error at n10.conf naming the chain");
			ok(fact(ctx, "postgres.work_mem") == NULL, "the file past the limit is not read");
		}
	}
}

/* ---- which files load, components, versions, secrets --------------------------------------------------------- */

static void test_match(struct st_ctx *ctx)
{
	is_int(st_pgconf_match("x/postgresql.conf", "postgresql.conf", NULL, 0), ST_MATCH_YES, "postgresql.conf");
	is_int(st_pgconf_match("postgresql.auto.conf", "postgresql.auto.conf", NULL, 0), ST_MATCH_YES, "auto.conf");
	is_int(st_pgconf_match("postgres/pg_hba.conf", "pg_hba.conf", NULL, 0), ST_MATCH_NO, "not pg_hba.conf");
	is_int(st_pgconf_match("etc/nginx.conf", "nginx.conf", NULL, 0), ST_MATCH_NO, "not any .conf");
	is_int(st_pgconf_match("postgres/extra.conf", "extra.conf", NULL, 0), ST_MATCH_NEED_HEAD,
	       "a .conf in a postgres directory needs a look");
	const char *pg = "# tuning\nwork_mem = 64MB\n", *hba = "local all all trust\n";
	is_int(st_pgconf_match("postgres/extra.conf", "extra.conf", pg, strlen(pg)), ST_MATCH_YES, "PostgreSQL settings");
	is_int(st_pgconf_match("postgres/extra.conf", "extra.conf", hba, strlen(hba)), ST_MATCH_NO, "not hba lines");
	is_int(st_pgconf_match("deploy/postgresql.prod.conf", "postgresql.prod.conf", pg, strlen(pg)), ST_MATCH_YES,
	       "postgresql.prod.conf");

	rm_tree();
	fresh(ctx);
	put("postgres/postgresql.conf", "work_mem = 1MB\ninclude 'extra.conf'\n");
	put("postgres/extra.conf", "max_connections = 33\n");
	put("postgres/postgresql.prod.conf", "shared_buffers = 2GB\n");
	is_int(load(ctx, "postgres/extra.conf"), 0, "an included file loads nothing on its own");
	ok(fact(ctx, "postgres.max_connections") == NULL, "no facts from the included file alone");
	load(ctx, "postgres/postgresql.prod.conf");
	is_int(int_of(ctx, "postgres.shared_buffers"), 2LL << 30, "a postgresql*.conf nobody includes loads");

	/* the compose service it is mounted into names the component; its image version the major */
	fresh(ctx);
	struct st_origin o = st_origin_file("docker-compose.yml", 5, 7);
	st_fact_set(ctx, "link.config.postgres/postgresql.conf", "db", st_value_string("db"), &o, ST_LAYER_FILE);
	st_fact_set(ctx, "db.version", "db", st_value_string("13.4"), &o, ST_LAYER_FILE);
	put("postgres/postgresql.conf", "work_mem = 1MB\nreserved_connections = 3\nwal_keep_size = 1GB\n");
	load(ctx, "postgres/postgresql.conf");
	is_int(int_of(ctx, "db.work_mem"), 1 << 20, "facts of the compose service");
	ok(fact(ctx, "postgres.work_mem") == NULL, "not of the default component");
	const struct st_diag *d = find_diag(ctx, ST_SEV_WARNING, "reserved_connections");
	ok(d && strstr(d->message, "16 to 17") && strstr(d->message, "PostgreSQL 13"), "a 16 setting on a 13 server");
	ok(find_diag(ctx, ST_SEV_WARNING, "wal_keep_size") == NULL, "wal_keep_size exists in 13");

	/* secrets never reach a diagnostic or a plain value */
	fresh(ctx);
	put("s/postgresql.conf", "primary_conninfo = 'host=primary user=rep password=S3cretPw port=5432'\n"
	                         "ssl_passphrase_command = 'echo Pp-secret'\n"
	                         "myext.password = 'Zz-secret'\n"
	                         "myext.password = oops'\n"
	                         "primary_conninfo = 'host=x' 'password=L3aked-secret'\n");
	load(ctx, "s/postgresql.conf");
	const struct st_fact *f = fact(ctx, "postgres.primary_conninfo");
	ok(f && f->value.redacted && strstr(f->value.redacted, "password=***") && !strstr(f->value.redacted, "S3cret"),
	   "the conninfo password is redacted");
	f = fact(ctx, "postgres.ssl_passphrase_command");
	ok(f && f->value.secret, "ssl_passphrase_command is secret");
	f = fact(ctx, "postgres.myext.password");
	ok(f && f->value.secret, "a placeholder password is secret");
	int leaked = 0;
	for (size_t i = 0; i < ctx->diags.n; i++)
		leaked |= strstr(ctx->diags.items[i].message, "secret") != NULL ||
		          strstr(ctx->diags.items[i].message, "S3cret") != NULL ||
		          strstr(ctx->diags.items[i].message, "L3aked") != NULL;
	ok(!leaked, "no secret in any diagnostic");
	ok(find_diag(ctx, ST_SEV_ERROR, "syntax error in the value of 'primary_conninfo'") != NULL,
	   "a syntax error in a conninfo names the setting, not the text");
}

/* ---- hostile input ----------------------------------------------------------------------------------------- */

static void test_hostile(struct st_ctx *ctx)
{
	rm_tree();
	size_t big = 10u << 20;
	char *line = malloc(big + 64);
	if (!line)
		abort();
	memcpy(line, "application_name = '", 20);
	memset(line + 20, 'x', big);
	memcpy(line + 20 + big, "'\nwork_mem = 2MB\n", 18);
	line[20 + big + 17] = '\0';
	fresh(ctx);
	clock_t t0 = clock();
	load_mem(ctx, "big/postgresql.conf", line, 20 + big + 17);
	double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	const struct st_fact *f = fact(ctx, "postgres.application_name");
	ok(f && f->value.text && strlen(f->value.text) == big, "a 10 MB quoted value");
	is_int(int_of(ctx, "postgres.work_mem"), 2 << 20, "the line after it");
	ok(secs < 5, "linear time (%.2f s)", secs);

	memset(line, '(', big);
	memcpy(line + big, "\nwork_mem = 3MB\n", 16);
	line[big + 16] = '\0';
	fresh(ctx);
	t0 = clock();
	load_mem(ctx, "big2/postgresql.conf", line, big + 16);
	secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	is_int(count_diags(ctx, ST_SEV_ERROR), 1, "a 10 MB garbage line is one error");
	is_int(int_of(ctx, "postgres.work_mem"), 3 << 20, "the next line loads");
	ok(secs < 5, "garbage in linear time (%.2f s)", secs);
	memset(line, '\'', big); /* 10 MB of quotes: '' pairs */
	memcpy(line, "a = ", 4);
	line[big] = '\0';
	fresh(ctx);
	t0 = clock();
	load_mem(ctx, "big3/postgresql.conf", line, big);
	secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	ok(secs < 5, "10 MB of quotes in linear time (%.2f s)", secs);
	free(line);

	fresh(ctx);
	put("u/postgresql.conf", "cluster_name = '\xff\xfe ok'\n\xc3\xa9t\xe9 = 1\nwork_mem = '\xff'\nmax_connections = 5\n");
	load(ctx, "u/postgresql.conf");
	is_str(text_of(ctx, "postgres.cluster_name"), "?? ok", "invalid UTF-8 becomes '?' as PostgreSQL 15 shows it");
	ok(find_diag(ctx, ST_SEV_WARNING, "unknown setting") != NULL, "a name of high bytes is an unknown setting");
	ok(find_diag(ctx, ST_SEV_ERROR, "work_mem") != NULL, "a high byte is no size");
	is_int(int_of(ctx, "postgres.max_connections"), 5, "the rest loads");

	/* many syntax errors: the server abandons the file after 100 */
	struct st_buf b = {0};
	for (int i = 0; i < 150; i++)
		st_buf_puts(&b, "= =\n");
	st_buf_puts(&b, "work_mem = 7MB\n");
	put("many/postgresql.conf", st_buf_cstr(&b));
	st_buf_free(&b);
	fresh(ctx);
	load(ctx, "many/postgresql.conf");
	ok(find_diag(ctx, ST_SEV_ERROR, "too many syntax errors") != NULL, "abandons the file after 100 errors");
	ok(count_diags(ctx, ST_SEV_ERROR) <= 101, "at most 101 errors");

	/* a 4 MB file of unknown names: a bounded number of suggestions, in bounded time */
	b = (struct st_buf){0};
	for (int i = 0; i < 200000; i++)
		st_buf_printf(&b, "shared_bufferz%d = 1\n", i % 10);
	fresh(ctx);
	t0 = clock();
	load_mem(ctx, "unknown/postgresql.conf", st_buf_cstr(&b), b.len);
	secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	st_buf_free(&b);
	is_int(count_diags(ctx, ST_SEV_WARNING), 101, "100 unknown names reported, then one line saying so");
	ok(secs < 5, "200000 unknown names in bounded time (%.2f s)", secs);

	/* an empty file, a file without a final newline, only a name */
	fresh(ctx);
	put("e/postgresql.conf", "");
	is_int(load(ctx, "e/postgresql.conf"), 0, "an empty file");
	fresh(ctx);
	put("e/postgresql.conf", "work_mem = 5MB");
	load(ctx, "e/postgresql.conf");
	is_int(int_of(ctx, "postgres.work_mem"), 5 << 20, "no final newline");
	fresh(ctx);
	put("e/postgresql.conf", "work_mem");
	is_int(load(ctx, "e/postgresql.conf"), -1, "only a name is a syntax error");
}

int main(void)
{
	if (!mkdtemp(strcpy(root, "/tmp/test_pgconf.XXXXXX")))
		return 1;
	struct st_ctx ctx;
	st_ctx_init(&ctx);
	test_table();
	test_values();
	test_grammar(&ctx);
	test_includes(&ctx);
	test_match(&ctx);
	test_hostile(&ctx);
	st_ctx_free(&ctx);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", root);
	return done_testing();
}
