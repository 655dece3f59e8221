/* libFuzzer target for the environment-reader index: the same bytes as a JavaScript, Go, Python, Prisma, shell,
 * YAML, Dockerfile and .env file (the first byte picks which, so the fuzzer can steer), then the model's pass
 * that derives envvar.* facts from what was recorded. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_text.h"
#include "stacktune/loaders.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct {
		const char *path, *name;
	} as[] = {{"web/src/app.js", "app.js"},
	          {"svc/internal/db.go", "db.go"},
	          {"app/settings.py", "settings.py"},
	          {"prisma/schema.prisma", "schema.prisma"},
	          {"bin/start.sh", "start.sh"},
	          {"deploy/app.yml", "app.yml"},
	          {"Dockerfile", "Dockerfile"},
	          {"tests/test_db.py", "test_db.py"},
	          {".env", ".env"}};
	if (size == 0)
		return 0;
	size_t n;
	char *buf = fuzz_text(data + 1, size - 1, &n); /* the first byte picked the kind of file */
	if (!buf)
		return 0;
	struct st_ctx ctx;
	st_ctx_init(&ctx);
	size_t k = data[0] % (sizeof as / sizeof as[0]);
	struct st_file f = {.path = as[k].path, .name = as[k].name, .data = buf, .size = n};
	if (st_envindex_match(f.path, f.name, buf, n < 512 ? n : 512) != ST_MATCH_NO)
		st_envindex_load(&ctx, &f);
	st_ctx_free(&ctx);
	free(buf);
	return 0;
}
