/* libFuzzer target for the Go scanner: any bytes as a Go source, with .env and host facts to resolve against. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_text.h"
#include "stacktune/loaders.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void env(struct st_ctx *ctx, const char *name, const char *value)
{
	struct st_origin o = st_origin_file("svc/.env", 1, 1);
	o.value_len = strlen(value);
	st_fact_set(ctx, name, NULL, st_value_string(value), &o, ST_LAYER_FILE);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n;
	char *buf = fuzz_text(data, size, &n);
	if (!buf)
		return 0;
	struct st_ctx ctx;
	st_ctx_init(&ctx);
	ctx.root = "/nonexistent-stacktune-fuzz-root";
	env(&ctx, "env.svc/.env.PORT", "3001");
	env(&ctx, "env.svc/.env.DB_MAX_OPEN", "40");
	env(&ctx, "env.svc/.env.DATABASE_URL", "postgresql://u:p@db:5432/x?connection_limit=5&pgbouncer=true");
	env(&ctx, "env.svc/.env.API_URL", "http://localhost:3001/api");
	struct st_origin h = {.kind = ST_ORIGIN_PROFILE, .file = "profile"};
	st_fact_set(&ctx, "host.cpus", NULL, st_value_int(4), &h, ST_LAYER_PROFILE);
	struct st_file f = {.path = "svc/internal/db/db.go", .name = "db.go", .data = buf, .size = n};
	st_goscan_load(&ctx, &f);
	st_ctx_free(&ctx);
	free(buf);
	return 0;
}
