/* libFuzzer target for the .env loader: any bytes as an .env file (URLs inside are parsed too). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stacktune/loaders.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* st_file contents are NUL-terminated and hold no NUL: stop at the first one, like the walker's check */
	const uint8_t *nul = memchr(data, 0, size);
	size_t n = nul ? (size_t)(nul - data) : size;
	char *buf = malloc(n + 1);
	if (!buf)
		return 0;
	memcpy(buf, data, n);
	buf[n] = '\0';
	struct st_ctx ctx;
	st_ctx_init(&ctx);
	struct st_file f = {.path = "backend/.env", .name = ".env", .data = buf, .size = n};
	st_dotenv_load(&ctx, &f);
	st_ctx_free(&ctx);
	free(buf);
	return 0;
}
