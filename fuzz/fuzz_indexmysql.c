/* libFuzzer target for the index room's MySQL/MariaDB DDL scanner: any bytes as a migration, twice (the second
 * time on existing tables), then the plan rules and the renderer of online-DDL statements. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_text.h"
#include "stacktune/index.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n;
	char *buf = fuzz_text(data, size, &n);
	if (!buf)
		return 0;
	struct st_ctx ctx;
	st_ctx_init(&ctx);
	struct st_ix_schema s = {0};
	s.convention = ST_IX_GOLANG_MIGRATE;
	(void)st_ix_sql_is_mysql(buf);
	st_ix_mysql_load(&ctx, &s, "db/migrations/001_a.up.sql", buf);
	st_ix_mysql_load(&ctx, &s, "db/migrations/002_b.up.sql", buf);
	struct st_findings f = {0};
	struct st_ix_plan p = {0};
	st_ix_plan(&ctx, &s, &f, &p);
	struct st_ix_file *files;
	size_t nf;
	st_ix_render(&ctx, &s, &p, &files, &nf);
	st_ctx_free(&ctx);
	free(buf);
	return 0;
}
