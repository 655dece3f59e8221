/* libFuzzer target for the .env loader: any bytes as an .env file (URLs inside are parsed too). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_text.h"
#include "stacktune/loaders.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n;
	char *buf = fuzz_text(data, size, &n);
	if (!buf)
		return 0;
	struct st_ctx ctx;
	st_ctx_init(&ctx);
	struct st_file f = {.path = "backend/.env", .name = ".env", .data = buf, .size = n};
	st_dotenv_load(&ctx, &f);
	st_ctx_free(&ctx);
	free(buf);
	return 0;
}
