/* libFuzzer target for the index room's SQL wrapper: any bytes as a PostgreSQL migration (libpg_query protobuf tree
 * walked into the schema model), then as a Prisma schema, then the plan rules, the file renderer and the splitter. */
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
	st_ix_sql_load(&ctx, &s, "db/migrations/001_a.up.sql", buf);
	st_ix_sql_load(&ctx, &s, "db/migrations/002_b.up.sql", buf); /* the same DDL again, now on existing tables */
	st_ix_prisma_load(&ctx, &s, "prisma/schema.prisma", buf, n);
	struct st_findings f = {0};
	struct st_ix_plan p = {0};
	st_ix_plan(&ctx, &s, &f, &p);
	struct st_ix_file *files;
	size_t nf;
	st_ix_render(&ctx, &s, &p, &files, &nf);
	const char **stmts;
	unsigned *lines;
	size_t ns;
	st_ix_split(&ctx, "x.sql", buf, &stmts, &lines, &ns);
	st_ctx_free(&ctx);
	free(buf);
	return 0;
}
