/* model internals: derivation steps of st_stack_build. */
#ifndef STACKTUNE_MODEL_INTERNAL_H
#define STACKTUNE_MODEL_INTERNAL_H

#include "stacktune/model.h"

/* Records documented defaults for unset settings of every database component. */
void st_model_defaults(struct st_ctx *ctx, const struct st_stack *s);
/* The PostgreSQL part of st_model_defaults. */
void st_model_pg_defaults(struct st_ctx *ctx, const struct st_component *c);
/* Derived facts: usable connections, memory budget per database component. */
void st_model_budgets(struct st_ctx *ctx, const struct st_stack *s);

#endif
