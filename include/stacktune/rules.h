/* rules: the YAML rulebook, the expression evaluator, suppressions -> findings. */
#ifndef STACKTUNE_RULES_H
#define STACKTUNE_RULES_H

#include "stacktune/core.h"
#include "stacktune/model.h"

struct st_recommendation {
	const char *setting;
	struct st_origin where; /* the file/line holding the value, or NONE when it must be added */
	const char *current;    /* display form (never a secret) */
	const char *proposed;
	const char *apply;      /* "restart", "reload", "redeploy" ... */
};

struct st_finding {
	const char *rule;
	enum st_severity severity;
	const char *component; /* may be NULL */
	const char *message;
	struct st_origin *locations;
	size_t n_locations;
	struct st_recommendation *recommendations;
	size_t n_recommendations;
};

struct st_findings {
	struct st_finding *items;
	size_t n, cap;
};

struct st_rulebook;

/* Loads every rules/NAME.yaml file under dir; NULL after diagnostics with file:line:col when a file is bad. */
struct st_rulebook *st_rules_load(struct st_ctx *ctx, const char *dir);
/* Runs the rulebook over the stack and appends findings; 0 or -1. */
int st_rules_run(struct st_ctx *ctx, const struct st_rulebook *rb, const struct st_stack *stack,
                 struct st_findings *out);

#endif
