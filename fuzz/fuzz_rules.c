/* libFuzzer target for the YAML rulebook: any bytes as a rule file; a book that loads is also run over a few
 * facts, so expressions, templates and recommendations are evaluated too. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stacktune/host.h"
#include "stacktune/model.h"
#include "stacktune/rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct st_ctx ctx;
	st_ctx_init(&ctx);
	struct st_origin o = st_origin_file("postgresql.conf", 1, 1);
	st_fact_set(&ctx, "pg.kind", "pg", st_value_string("postgresql"), &o, ST_LAYER_FILE);
	st_fact_set(&ctx, "pg.max_connections", "pg", st_value_int(100), &o, ST_LAYER_FILE);
	st_fact_set(&ctx, "pg.shared_buffers", "pg", st_value_size(128 << 20), &o, ST_LAYER_FILE);
	struct st_origin d = {.kind = ST_ORIGIN_DEFAULT, .detail = "fuzz default"};
	st_fact_set(&ctx, "pg.work_mem", "pg", st_value_size(4 << 20), &d, ST_LAYER_DEFAULT);
	st_fact_set(&ctx, "host.memory", NULL, st_value_size((int64_t)8 << 30), &d, ST_LAYER_HOST);
	struct st_rulebook *rb = st_rules_load_mem(&ctx, (const char *)data, size, "rules/fuzz.yaml");
	if (rb) {
		struct st_host host = {.cpus = 4, .memory_bytes = (int64_t)8 << 30, .source = "profile"};
		struct st_stack stack;
		struct st_findings out = {0};
		if (st_stack_build(&ctx, &host, &stack) == 0)
			st_rules_run(&ctx, rb, &stack, &out);
	}
	st_ctx_free(&ctx);
	return 0;
}
