/* libFuzzer target for the my.cnf loader: any bytes as an option file, typed and with includes that fail. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_text.h"
#include "stacktune/loaders.h"

/* The walker's reader when it is not linked in: includes then find nothing (the fuzzer never touches files). */
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
	struct st_file f = {.path = "mysql/my.cnf", .name = "my.cnf", .data = buf, .size = n};
	st_mycnf_load(&ctx, &f);
	st_ctx_free(&ctx);
	free(buf);
	return 0;
}
