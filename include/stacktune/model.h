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

/* One port bound on the host: an application's listen port or a compose published port. */
struct st_port_binding {
	int64_t port;
	const char *owner; /* the fact prefix: "backend", "postgres" */
	const struct st_fact *fact;
};

/* The port map's bindings, in fact-name order, into an arena array *out; returns their number
 * (0 with *out NULL when there are none or allocation failed, then ctx->oom is set). */
size_t st_stack_port_bindings(struct st_ctx *ctx, struct st_port_binding **out);

#endif
