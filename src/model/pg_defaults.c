/* PostgreSQL defaults for the settings the model and the rules reason about, from the generated settings
 * table (a real server's pg_settings boot values), recorded as assumed facts when nothing sets them. */
#include <string.h>

#include "model_internal.h"
#include "stacktune/loaders.h"

static const char *const pg_defaults[] = {
	"max_connections", "superuser_reserved_connections", "shared_buffers", "work_mem", "maintenance_work_mem",
	"autovacuum_max_workers", "effective_cache_size", "random_page_cost", "effective_io_concurrency",
	"max_worker_processes", "max_parallel_workers", "max_parallel_workers_per_gather", "wal_buffers",
	"min_wal_size", "max_wal_size", "huge_pages", "checkpoint_completion_target", NULL};

void st_model_pg_defaults(struct st_ctx *ctx, const struct st_component *c)
{
	for (const char *const *n = pg_defaults; *n; n++) {
		const char *name = st_arena_printf(&ctx->arena, "%s.%s", c->id, *n);
		if (!name || st_fact_get(ctx, name))
			continue;
		const struct st_pg_setting *s = st_pg_setting_find(*n);
		struct st_value v;
		const char *err;
		if (!s || st_pg_setting_value(s, s->boot_val, &v, &err) < 0)
			continue;
		if (v.kind == ST_VAL_SIZE || v.kind == ST_VAL_DURATION)
			v.text = NULL; /* shown in the setting's unit ("1GB"), not as the table spells it */
		struct st_origin o = {.kind = ST_ORIGIN_DEFAULT, .detail = "PostgreSQL 15 default"};
		st_fact_set(ctx, name, c->id, v, &o, ST_LAYER_DEFAULT);
	}
}
