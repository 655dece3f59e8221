/* libFuzzer target for the postgresql.conf loader: any bytes as postgresql.conf, lexed as guc-file.l does, typed
 * through the settings table; includes find nothing (the root does not exist). */
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
	ctx.root = "/nonexistent-stacktune-fuzz-root";
	struct st_file f = {.path = "postgres/postgresql.conf", .name = "postgresql.conf", .data = buf, .size = n};
	st_pgconf_load(&ctx, &f);
	/* the typing alone, for the first line's value against a few settings of every type */
	static const char *const names[] = {"shared_buffers", "checkpoint_timeout", "vacuum_cost_delay", "enable_seqscan",
	                                    "wal_level", "datestyle", "random_page_cost", "max_connections"};
	const char *nl = memchr(buf, '\n', n);
	char *line = strndup(buf, nl ? (size_t)(nl - buf) : n);
	if (line) {
		struct st_value v;
		const char *err;
		for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
			st_pg_setting_value(st_pg_setting_find(names[i]), line, &v, &err);
		free(line);
	}
	st_ctx_free(&ctx);
	free(buf);
	return 0;
}
