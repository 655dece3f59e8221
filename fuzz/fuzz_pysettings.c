/* libFuzzer target for the Django settings loader and its Python-subset scanner: any bytes as settings.py,
 * with a few .env facts and host.cpus present so environment lookups and cpu_count() are exercised. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_text.h"
#include "stacktune/loaders.h"

/* The walker's reader when it is not linked in: imports then find nothing (the fuzzer never touches files). */
__attribute__((weak)) int st_file_read(struct st_ctx *ctx, const char *relpath, const struct st_origin *from,
                                       struct st_file *out)
{
	(void)relpath;
	(void)out;
	st_diag(ctx, ST_SEV_WARNING, from, "not read while fuzzing");
	return -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n;
	char *buf = fuzz_text(data, size, &n);
	if (!buf)
		return 0;
	struct st_ctx ctx;
	st_ctx_init(&ctx);
	ctx.root = "/nonexistent-stacktune-fuzz-root";
	struct st_origin o = st_origin_file("backend/.env", 1, 1);
	st_fact_set(&ctx, "env.backend/.env.DATABASE_URL", NULL, st_value_string("postgres://u:pw@db:5432/app"), &o,
	            ST_LAYER_FILE);
	st_fact_set(&ctx, "env.backend/.env.WORKERS", NULL, st_value_string("4"), &o, ST_LAYER_FILE);
	st_fact_set(&ctx, "env..env.DEBUG", NULL, st_value_string("true"), &o, ST_LAYER_FILE);
	st_fact_set(&ctx, "host.cpus", NULL, st_value_int(4), &o, ST_LAYER_HOST);
	struct st_file f = {.path = "backend/config/settings.py", .name = "settings.py", .data = buf, .size = n};
	st_pysettings_load(&ctx, &f);
	st_ctx_free(&ctx);
	free(buf);
	return 0;
}
