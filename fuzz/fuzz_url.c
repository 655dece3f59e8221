/* libFuzzer target for connection strings: URLs, Go MySQL DSNs, libpq key=value strings, and redaction. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stacktune/loaders.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	struct st_ctx ctx;
	st_ctx_init(&ctx);
	struct st_url u;
	struct st_origin o = st_origin_file("fuzz.env", 1, 1);
	if (st_url_parse(&ctx, buf, size, &u) == 0)
		st_url_facts(&ctx, "fuzz.url", NULL, &u, &o, ST_LAYER_FILE);
	if (st_dsn_parse(&ctx, buf, size, &u) == 0)
		st_url_facts(&ctx, "fuzz.dsn", NULL, &u, &o, ST_LAYER_FILE);
	/* redaction works on C strings: text up to the first NUL */
	st_url_redact(&ctx, buf);
	st_ctx_free(&ctx);
	free(buf);
	return 0;
}
