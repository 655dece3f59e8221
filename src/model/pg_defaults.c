/* PostgreSQL defaults for the model: filled from the settings table once it is available. */
#include "model_internal.h"

void st_model_pg_defaults(struct st_ctx *ctx, const struct st_component *c)
{
	(void)ctx;
	(void)c;
}
