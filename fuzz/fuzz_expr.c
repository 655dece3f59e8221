/* libFuzzer target for the rule expression language: any bytes compiled as an expression, then evaluated
 * against a few facts of every value kind (sizes, durations, numbers, strings, a secret, an unknown). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "stacktune/core.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct st_ctx ctx;
	st_ctx_init(&ctx);
	struct st_origin o = st_origin_file("postgresql.conf", 3, 1);
	struct st_origin d = {.kind = ST_ORIGIN_DEFAULT, .detail = "fuzz default"};
	st_fact_set(&ctx, "pg.max_connections", "pg", st_value_int(100), &o, ST_LAYER_FILE);
	st_fact_set(&ctx, "pg.shared_buffers", "pg", st_value_size(128 << 20), &o, ST_LAYER_FILE);
	st_fact_set(&ctx, "pg.checkpoint_timeout", "pg", st_value_duration(300000000), &d, ST_LAYER_DEFAULT);
	st_fact_set(&ctx, "pg.random_page_cost", "pg", st_value_real(4.0), &d, ST_LAYER_DEFAULT);
	st_fact_set(&ctx, "pg.huge_pages", "pg", st_value_string("try"), &d, ST_LAYER_DEFAULT);
	struct st_value secret = st_value_string("hunter2");
	secret.secret = 1;
	st_fact_set(&ctx, "pg.password", "pg", secret, &o, ST_LAYER_FILE);
	st_fact_set(&ctx, "pg.broken", "pg", st_value_unknown("fuzz"), &o, ST_LAYER_FILE);
	st_fact_set(&ctx, "app.replicas", "app", st_value_int(3), &d, ST_LAYER_DEFAULT);
	struct st_expr e;
	const char *err = NULL;
	size_t off = 0;
	if (ex_compile(&ctx.arena, (const char *)data, size, &e, &err, &off) == 0) {
		struct ex_env env = {.ctx = &ctx, .component = "pg"};
		struct ex_val v;
		if (ex_eval(&e, &env, &v) == 0) {
			struct st_buf b = {0};
			ex_val_format(&b, &v, 0);
			ex_val_format(&b, &v, 1);
			st_buf_free(&b);
		}
	}
	st_ctx_free(&ctx);
	return 0;
}
