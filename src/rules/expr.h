/* The rule expression language: compiled once into a node array, evaluated without allocating. */
#ifndef STACKTUNE_RULES_EXPR_H
#define STACKTUNE_RULES_EXPR_H

#include "stacktune/core.h"

enum ex_dim { DIM_NONE = 0, DIM_BYTES, DIM_TIME };
enum ex_kind { XV_NUM = 0, XV_STR, XV_BOOL };

struct ex_val {
	enum ex_kind kind;
	enum ex_dim dim;
	double num;
	const char *str;
	int secret;
};

struct ex_node;

struct st_expr {
	struct ex_node *nodes;
	int n, root;
	unsigned line, col; /* where the expression starts in the rule file */
};

/* What evaluation reads: facts relative to a component, and where it notes what it used. */
#define EX_MAX_USED 32
struct ex_env {
	const struct st_ctx *ctx;
	const char *component; /* id prefix tried first for bare names, or NULL */
	const struct st_fact *used[EX_MAX_USED];
	int n_used;
	int assumed; /* a default() fallback was taken */
	const struct st_fact *item; /* for_each rules: the fact bound to `it` */
	const char *item_name;      /* and the name part bound to `it_name` */
	const char *error; /* set on a type error */
};

/* Compiles src (n bytes) into e, nodes in the arena; 0, or -1 with *err and *err_off (byte offset). */
int ex_compile(struct st_arena *a, const char *src, size_t n, struct st_expr *e, const char **err, size_t *err_off);
/* Evaluates: 0 = value in *out; 1 = a fact it needs is missing or unknown (the rule does not apply);
 * -1 = type error (env->error says why). */
int ex_eval(const struct st_expr *e, struct ex_env *env, struct ex_val *out);
/* Appends a value for people: sizes "8GB", durations "5min", numbers without needless decimals. */
void ex_val_format(struct st_buf *b, const struct ex_val *v, int mysql_units);
/* Resolves a (possibly component-relative) fact name: "<component>.<name>" first, then "<name>". */
const struct st_fact *ex_lookup(const struct ex_env *env, const char *name);

#endif
