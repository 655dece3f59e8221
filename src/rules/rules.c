/* The rulebook: rules/NAME.yaml. The engine and the rules arrive with the rule-engine work; until then the
 * book is empty and audits report diagnostics only. */
#include <string.h>

#include "stacktune/rules.h"

struct st_rulebook {
	size_t n_rules;
};

struct st_rulebook *st_rules_load(struct st_ctx *ctx, const char *dir)
{
	struct st_rulebook *rb = st_arena_alloc(&ctx->arena, sizeof(*rb));
	if (!rb)
		ctx->oom = 1;
	return rb;
}

int st_rules_run(struct st_ctx *ctx, const struct st_rulebook *rb, const struct st_stack *stack,
                 struct st_findings *out)
{
	return ctx->oom ? -1 : 0;
}
