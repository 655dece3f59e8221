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

/* What `rules list` and `rules explain` show about one rule. */
struct st_rule_info {
	const char *id;
	enum st_severity severity;
	const char *components; /* "postgresql, mysql" or NULL for stack-wide rules */
	const char *when;       /* the condition as written */
	const char *message;    /* the message template */
	const char *rationale;
	const char *const *references;
	size_t n_references;
	const char *example;
	const char *recommend;  /* "setting = expression" lines, or NULL */
	struct st_origin origin; /* the rule file and line */
};

/* An ignore entry of .stacktune.yaml: findings of rule (or "*") located in files matching path are dropped. */
struct st_suppression {
	const char *rule;
	const char *path; /* fnmatch glob against repository-relative paths; NULL = everywhere */
};

/* Loads every rules/NAME.yaml file under dir; NULL after diagnostics with file:line:col when a file is bad. */
struct st_rulebook *st_rules_load(struct st_ctx *ctx, const char *dir);
/* Loads the rules of one YAML text (n bytes) shown as display; NULL after diagnostics when it is bad. */
struct st_rulebook *st_rules_load_mem(struct st_ctx *ctx, const char *data, size_t n, const char *display);
/* Returns the number of rules in the book. */
size_t st_rules_count(const struct st_rulebook *rb);
/* Fills *out with rule i (0-based, sorted by id); 0, or -1 when out of range. */
int st_rules_info(const struct st_rulebook *rb, size_t i, struct st_rule_info *out);
/* Finds a rule by id; its index, or -1. */
long st_rules_find(const struct st_rulebook *rb, const char *id);
/* Reads .stacktune.yaml (ignore: [{rule, path}]) into the book's suppressions; a missing file is fine.
 * 0, or -1 after diagnostics with file:line:col. */
int st_rules_config_load(struct st_ctx *ctx, struct st_rulebook *rb, const char *path, const char *display);

/* Runs the rulebook over the stack and appends findings; 0 or -1. */
int st_rules_run(struct st_ctx *ctx, const struct st_rulebook *rb, const struct st_stack *stack,
                 struct st_findings *out);

#endif
