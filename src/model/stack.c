/* The stack model: components assembled from facts. Application and server loaders feed it as they land. */
#include <string.h>

#include "stacktune/model.h"

int st_stack_build(struct st_ctx *ctx, const struct st_host *host, struct st_stack *out)
{
	memset(out, 0, sizeof(*out));
	out->host = host;
	return ctx->oom ? -1 : 0;
}
