/* model internals: derivation steps of st_stack_build. */
#ifndef STACKTUNE_MODEL_INTERNAL_H
#define STACKTUNE_MODEL_INTERNAL_H

#include "stacktune/model.h"

/* Adds a component (or returns the one with that id); NULL on allocation failure. */
struct st_component *st_model_add(struct st_ctx *ctx, struct st_stack *s, size_t *cap, const char *id,
                                  const char *prefix, const char *kind, const struct st_origin *o);
/* 1 for kinds that describe application processes (go, node, gunicorn, celery, ...). */
int st_model_is_app_kind(const char *kind);
/* The compose service running an application component: the service whose command starts its server
 * ("<prefix>.<kind>.service"), else the service built from its directory ("link.app.<prefix>"), else the service
 * named like its prefix; NULL when none. */
const char *st_model_service_of(struct st_ctx *ctx, const struct st_component *c);
/* Finds application components from their process and pool facts. */
void st_model_apps(struct st_ctx *ctx, struct st_stack *s, size_t *cap);
/* Memory of each application component ("<prefix>.memory" facts). */
void st_model_app_memory(struct st_ctx *ctx, struct st_stack *s);
/* The port map: collisions and calls to unbound local ports, as facts. */
void st_model_ports(struct st_ctx *ctx, const struct st_stack *s);
/* Connection demand of the application components on each database server. */
void st_model_connections(struct st_ctx *ctx, struct st_stack *s);

/* Records documented defaults for unset settings of every database component. */
void st_model_defaults(struct st_ctx *ctx, const struct st_stack *s);
/* The PostgreSQL part of st_model_defaults. */
void st_model_pg_defaults(struct st_ctx *ctx, const struct st_component *c);
/* Environment-variable readers and dead configuration (envvar.*, deadconfig.* facts). */
void st_model_deadconfig(struct st_ctx *ctx, const struct st_stack *s);
/* Values that never take effect because something read later overrides them (shadowed.*, redefined.* facts). */
void st_model_shadowed(struct st_ctx *ctx, const struct st_stack *s);
/* Places each component on its host from .stacktune.yaml (hostmap.<name>, hosts.<h>.*; profiles loaded), recording
 * "<prefix>.host[/suffix]"; without a hosts section every component stays on "default". */
void st_model_hosts(struct st_ctx *ctx, const struct st_stack *s);
/* Derived facts: usable connections, memory budget per database component. */
void st_model_budgets(struct st_ctx *ctx, const struct st_stack *s);

#endif
