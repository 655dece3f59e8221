/* model: assembles facts into components (servers, poolers, caches, applications) and derived budgets. */
#ifndef STACKTUNE_MODEL_H
#define STACKTUNE_MODEL_H

#include "stacktune/core.h"
#include "stacktune/host.h"

struct st_component {
	const char *id;     /* unique: "postgres", "backend", "backend/celery" */
	const char *prefix; /* the prefix of its facts: "postgres", "backend" (several components may share one) */
	const char *kind;   /* "postgresql", "mysql", "mariadb", "pgbouncer", "redis", "gunicorn", "celery", "node", "go" */
	const char *host; /* host name it runs on ("default" when one host) */
	struct st_origin origin; /* where the component was declared */
};

struct st_stack {
	const struct st_host *host;
	struct st_component *components;
	size_t n_components;
};

/* Builds the stack from the facts in ctx and the host; 0, or -1 on allocation failure. */
int st_stack_build(struct st_ctx *ctx, const struct st_host *host, struct st_stack *out);

#endif
