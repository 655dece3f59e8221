/* rules: the expression language, rule files (errors with file:line:col), running, suppressions. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../tap.h"
#include "../../src/rules/expr.h"
#include "stacktune/rules.h"

static struct st_ctx ctx;

/* Evaluates src against ctx's facts for component comp; returns ex_eval's status, value in *v. */
static int eval(const char *src, const char *comp, struct ex_val *v)
{
	struct st_expr e;
	const char *err;
	size_t off;
	if (ex_compile(&ctx.arena, src, strlen(src), &e, &err, &off) < 0)
		return -2;
	struct ex_env env = {.ctx = &ctx, .component = comp};
	return ex_eval(&e, &env, v);
}

static double num(const char *src, const char *comp)
{
	struct ex_val v;
	return eval(src, comp, &v) == 0 ? v.num : -999;
}

static char *fmt(const char *src, int mysql)
{
	static char out[64];
	struct ex_val v;
	if (eval(src, "postgres", &v) != 0)
		return "ERR";
	struct st_buf b = {0};
	ex_val_format(&b, &v, mysql);
	snprintf(out, sizeof out, "%s", st_buf_cstr(&b));
	st_buf_free(&b);
	return out;
}

static void test_expr(void)
{
	struct st_origin o = st_origin_file("postgresql.conf", 3, 1);
	st_fact_set(&ctx, "postgres.max_connections", "postgres", st_value_int(100), &o, ST_LAYER_FILE);
	st_fact_set(&ctx, "postgres.shared_buffers", "postgres", st_value_size(128LL << 20), &o, ST_LAYER_FILE);
	st_fact_set(&ctx, "host.memory", NULL, st_value_size(8LL << 30), NULL, ST_LAYER_PROFILE);
	st_fact_set(&ctx, "host.cpus", NULL, st_value_int(4), NULL, ST_LAYER_PROFILE);
	st_fact_set(&ctx, "app.a.pool", NULL, st_value_int(10), NULL, ST_LAYER_FILE);
	st_fact_set(&ctx, "app.b.pool", NULL, st_value_int(15), NULL, ST_LAYER_FILE);
	st_fact_set(&ctx, "postgres.unknown_thing", NULL, st_value_unknown("computed name"), NULL, ST_LAYER_FILE);

	ok(num("1 + 2 * 3", NULL) == 7, "precedence");
	ok(num("(1 + 2) * 3", NULL) == 9, "parentheses");
	ok(num("8GB * 0.25", NULL) == 2147483648.0, "size times number");
	ok(num("host.memory / 1GB", NULL) == 8, "size over size is a number");
	ok(num("max_connections - 3", "postgres") == 97, "bare name resolves in the component");
	ok(num("postgres.max_connections", "other") == 100, "absolute name resolves too");
	ok(num("min(3, 1, 2) + max(4, 9)", NULL) == 10, "min/max");
	ok(num("clamp(50, 1, 10)", NULL) == 10, "clamp");
	ok(num("floor(7 / 2) + ceil(0.2)", NULL) == 4, "floor/ceil");
	ok(num("sum(app.*.pool)", NULL) == 25, "sum over a glob");
	ok(num("count(app.*.pool)", NULL) == 2, "count over a glob");
	ok(num("80%", NULL) == 0.8, "percent literal");
	ok(num("5min / 1s", NULL) == 300, "durations");
	ok(num("exists(max_connections) and not exists(nope)", "postgres") == 1, "exists()");
	ok(num("shared_buffers < host.memory * 25%", "postgres") == 1, "comparison with units");
	struct ex_val v;
	is_int(eval("nope > 1", NULL, &v), 1, "missing fact: rule does not apply");
	is_int(eval("unknown_thing > 1", "postgres", &v), 1, "unknown value: rule does not apply");
	ok(num("default(nope, 100) - 3", NULL) == 97, "default() falls back");
	ok(num("coalesce(nope, host.cpus, 9)", NULL) == 4, "coalesce() takes the first value present");
	is_int(eval("coalesce(nope, nada)", NULL, &v), 1, "coalesce() of nothing does not apply");
	is_int(eval("shared_buffers > 0.25", "postgres", &v), -1, "size vs bare number is a type error");
	is_int(eval("host.memory + 1", NULL, &v), -1, "size plus number is a type error");
	is_int(eval("1GB * 1GB", NULL, &v), -1, "size times size is a type error");
	is_int(eval("1 / 0", NULL, &v), 1, "division by zero does not apply");
	is_int(eval("'a' == 'a'", NULL, &v), 0, "string equality");
	is_str(fmt("host.memory * 25%", 0), "2GB", "format size");
	is_str(fmt("host.memory * 25%", 1), "2G", "format size MySQL style");
	is_str(fmt("90s", 0), "90s", "format duration");
	is_str(fmt("10 / 4", 0), "2.5", "format fraction");

	const char *err;
	size_t off;
	struct st_expr e;
	ok(ex_compile(&ctx.arena, "1 +", 3, &e, &err, &off) < 0, "incomplete expression fails");
	ok(ex_compile(&ctx.arena, "1 + 2 )", 7, &e, &err, &off) < 0 && off == 6, "trailing text fails at its offset");
	ok(ex_compile(&ctx.arena, "8 parsecs", 9, &e, &err, &off) < 0, "unknown unit fails");
	ok(ex_compile(&ctx.arena, "frobnicate(1)", 13, &e, &err, &off) < 0, "unknown function fails");
	ok(ex_compile(&ctx.arena, "exists(1)", 9, &e, &err, &off) < 0, "exists needs a fact name");
	size_t deep = 10000;
	char *s = malloc(2 * deep + 2);
	memset(s, '(', deep);
	s[deep] = '1';
	memset(s + deep + 1, ')', deep);
	ok(ex_compile(&ctx.arena, s, 2 * deep + 1, &e, &err, &off) < 0 && strstr(err, "deeply"), "10,000 deep nesting is an error, not a crash");
	memset(s, '-', deep);
	ok(ex_compile(&ctx.arena, s, deep + 1, &e, &err, &off) < 0, "10,000 unary minus is an error");
	for (size_t i = 0; i < deep; i++)
		s[2 * i] = '1', s[2 * i + 1] = '+';
	s[2 * deep - 1] = '1';
	ok(ex_compile(&ctx.arena, s, 2 * deep, &e, &err, &off) < 0 && strstr(err, "too long"), "10,000-term chain is an error");
	free(s);
}

static char dir[] = "/tmp/st-rules-XXXXXX";

static void write_file(const char *name, const char *text)
{
	char path[256];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
}

static const struct st_diag *find_diag(const char *needle)
{
	for (size_t i = 0; i < ctx.diags.n; i++)
		if (strstr(ctx.diags.items[i].message, needle))
			return &ctx.diags.items[i];
	return NULL;
}

static void test_rulebook(void)
{
	ok(mkdtemp(dir) != NULL, "temp dir");
	write_file("a.yaml", "id: pg-budget\n"
	                     "severity: error\n"
	                     "component: postgresql\n"
	                     "when: max_connections > 50\n"
	                     "message: \"{{component}} accepts {{max_connections}} with {{shared_buffers}}\"\n"
	                     "recommend:\n"
	                     "  - set: shared_buffers\n"
	                     "    to: host.memory * 25%\n"
	                     "    apply: restart\n"
	                     "rationale: because\n"
	                     "references: [PostgreSQL docs]\n"
	                     "---\n"
	                     "id: stack-wide\n"
	                     "severity: info\n"
	                     "when: host.cpus >= 4\n"
	                     "message: big host\n");
	struct st_rulebook *rb = st_rules_load(&ctx, dir);
	ok(rb != NULL, "rule file loads");
	is_int(rb ? st_rules_count(rb) : 0, 2, "two rules");
	struct st_component comp = {.id = "postgres", .kind = "postgresql"};
	struct st_stack stack = {.components = &comp, .n_components = 1};
	struct st_findings out = {0};
	ok(rb && st_rules_run(&ctx, rb, &stack, &out) == 0, "run");
	is_int(out.n, 2, "two findings");
	const struct st_finding *f = out.n ? &out.items[0] : NULL;
	is_str(f ? f->message : NULL, "postgres accepts 100 with 128MB", "templated message");
	ok(f && f->n_locations >= 1 && strcmp(f->locations[0].file, "postgresql.conf") == 0, "locations cite the file");
	ok(f && f->n_recommendations == 1 && strcmp(f->recommendations[0].proposed, "2GB") == 0 &&
	   strcmp(f->recommendations[0].current, "128MB") == 0, "recommendation current and proposed");

	write_file("b.yaml", "id: broken\nseverity: error\nwhen: max_connections >\nmessage: x\n");
	size_t before = ctx.diags.n;
	ok(st_rules_load(&ctx, dir) == NULL, "a bad rule file fails the load");
	const struct st_diag *d = find_diag("invalid expression");
	ok(d && ctx.diags.n > before && strstr(d->origin.file, "/b.yaml") != NULL && d->origin.line == 3 &&
	   d->origin.col == 24, "error at file:line:col of the expression");
	write_file("b.yaml", "id: broken\nseverity: fatal\nwhen: 1\nmessage: x\nbogus: 1\n");
	ok(st_rules_load(&ctx, dir) == NULL, "bad severity and unknown field fail");
	d = find_diag("unknown rule field 'bogus'");
	ok(d && d->origin.line == 5 && d->origin.col == 1, "unknown field located");
	write_file("b.yaml", "id: broken\n  severity: [\n");
	ok(st_rules_load(&ctx, dir) == NULL, "YAML syntax error fails");
	ok(find_diag("invalid YAML") != NULL, "YAML error reported");
	char path[256];
	snprintf(path, sizeof path, "%s/b.yaml", dir);
	unlink(path);

	write_file("config.yml", "ignore:\n  - rule: pg-budget\n    path: \"*.conf\"\n");
	snprintf(path, sizeof path, "%s/config.yml", dir);
	rb = st_rules_load(&ctx, dir);
	ok(rb && st_rules_config_load(&ctx, rb, path, ".stacktune.yaml") == 0, "config loads");
	struct st_findings out2 = {0};
	if (rb)
		st_rules_run(&ctx, rb, &stack, &out2);
	is_int(out2.n, 1, "suppressed by path glob");
	unlink(path);

	/* for_each: one finding per matching fact, `it` and `it_name` bound, exists(it) true */
	struct st_origin conf = st_origin_file("postgresql.conf", 9, 1);
	st_fact_set(&ctx, "postgres.drift.work_mem", "postgres", st_value_string("file 4MB vs live 8MB"), &conf,
	            ST_LAYER_LIVE);
	st_fact_set(&ctx, "postgres.drift.port", "postgres", st_value_string("file 5433 vs live 5432"), &conf,
	            ST_LAYER_LIVE);
	write_file("c.yaml", "id: drift\nseverity: warning\ncomponent: postgresql\nfor_each: \"drift.*\"\n"
	                     "when: exists(it)\nmessage: \"{{it_name}}: {{it}}\"\n");
	rb = st_rules_load(&ctx, dir);
	struct st_findings out3 = {0};
	if (rb)
		st_rules_run(&ctx, rb, &stack, &out3);
	size_t drift = 0;
	for (size_t i = 0; i < out3.n; i++)
		if (strcmp(out3.items[i].rule, "drift") == 0)
			drift++;
	is_int(drift, 2, "for_each: one finding per drift fact");
	int seen = 0;
	for (size_t i = 0; i < out3.n; i++)
		seen |= strcmp(out3.items[i].message, "port: file 5433 vs live 5432") == 0;
	ok(seen, "it_name and it are bound");
	snprintf(path, sizeof path, "%s/c.yaml", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/a.yaml", dir);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	st_ctx_init(&ctx);
	test_expr();
	test_rulebook();
	st_ctx_free(&ctx);
	return done_testing();
}
