/* pyscan: a tokenizer and evaluator for the Python subset that settings and config files use (literals,
 * dicts, lists, tuples, names bound earlier, os.environ / django-environ / decouple / dj-database-url calls,
 * arithmetic, `+`, f-strings, if/try blocks, `from .base import *`). It is NOT an interpreter: what it
 * cannot evaluate becomes an unknown value with the reason, never a guess. Internal to the loaders room. */
#ifndef STACKTUNE_PYSCAN_H
#define STACKTUNE_PYSCAN_H

#include "stacktune/loaders.h"

enum st_py_kind {
	ST_PY_UNKNOWN = 0, /* could not be evaluated; s = the reason */
	ST_PY_NONE,
	ST_PY_BOOL,
	ST_PY_INT,
	ST_PY_FLOAT,
	ST_PY_STR,
	ST_PY_LIST,
	ST_PY_TUPLE,
	ST_PY_DICT,
	ST_PY_REF, /* a name or attribute not bound to a value (os.environ, int, env.bool ...); s = dotted name */
	ST_PY_ENV, /* a django-environ Env object; keys/items = its schema (name -> (cast, default)) */
};

struct st_py_val {
	enum st_py_kind kind;
	int64_t i;     /* BOOL, INT */
	double r;      /* FLOAT */
	const char *s; /* STR (NUL-terminated, may not hold NUL), UNKNOWN reason, REF dotted name */
	size_t len;    /* STR length */
	struct st_py_val **items; /* LIST/TUPLE items, DICT values */
	struct st_py_val **keys;  /* DICT keys */
	size_t n, cap;
	struct st_py_val *base;   /* REF: the object a method is looked up on (a string, an Env), or NULL */
	struct st_origin origin;  /* where the value comes from: a literal's span, or the .env line */
	const char *module;       /* path of the module whose statement produced it */
	const char *dep;          /* for derived values: what it depends on ("X from backend/.env:3", "host.cpus = 4") */
	int secret;               /* took text from a secret variable */
	int derived;              /* depends on the environment or the host (detail/dep say how) */
	int detail_has_text;      /* origin.detail quotes source text (dropped for secret values) */
	const char *conditional;  /* "inside 'if' at line 12" when bound in a conditional block */
	const char *unset;        /* NONE from os.environ.get('X') with X not set anywhere seen: "X" */
};

/* An environment variable's value as the caller found it (.env files, compose). */
struct st_py_env_hit {
	const char *value;
	struct st_origin origin;
	int secret;
};

struct st_py_hooks {
	void *user;
	/* Looks up an environment variable; 1 with *out filled when set, 0 when not set. */
	int (*getenv)(void *user, const char *name, struct st_py_env_hit *out);
	/* The host's CPU count; 1 with *out when known. */
	int (*cpus)(void *user, int64_t *out);
	/* Finds the module of `from <level dots><module> import *` written in from_path; 0 with *out, -1 none. */
	int (*import_module)(void *user, const char *from_path, int level, const char *module, struct st_file *out);
};

struct st_py_binding {
	const char *name;
	struct st_py_val *val;
	/* values this module bound to the name before, replaced by a later unconditional assignment that does not
	 * read them (DEBUG = False ... DEBUG = True), oldest first: they never take effect */
	struct st_py_val **earlier;
	size_t n_earlier;
};

/* A scanned module: its bindings in order of first binding, and the files it imported (transitively). */
struct st_py_module {
	const char *path;
	struct st_py_binding *b;
	size_t n, cap;
	const char **imported;
	size_t n_imported, cap_imported;
};

/* Scans a Python file into *out (arena memory); 0, or -1 on allocation failure. Syntax it does not handle
 * becomes unknown values; diagnostics only for things the user should fix. Never fails on bad input. */
int st_py_scan(struct st_ctx *ctx, const struct st_file *f, const struct st_py_hooks *hooks, struct st_py_module *out);
/* Returns the value bound to name, or NULL. */
struct st_py_val *st_py_get(const struct st_py_module *m, const char *name);
/* Returns the value of string key in a DICT value, or NULL. */
struct st_py_val *st_py_dict_get(const struct st_py_val *d, const char *key);
/* Returns 1 when the value is truthy, 0 falsy, -1 unknown. */
int st_py_truth(const struct st_py_val *v);

/* ---- helpers shared by the application loaders (pysettings.c, procserver.c) ---- */

/* Returns the application id of a repository-relative path: its first segment ("backend/x/settings.py" ->
 * "backend"), or "app" for a file at the root. Arena string; NULL on allocation failure. */
const char *st_app_name(struct st_ctx *ctx, const char *path);
/* Looks up variable name for a file at path: the nearest .env upward from its directory, up to the repository
 * root (facts env.<dir>/.env.<KEY>). 1 with *out filled, 0 not set. */
int st_app_getenv(struct st_ctx *ctx, const char *path, const char *name, struct st_py_env_hit *out);
/* The host's CPU count from fact host.cpus; 1 with *out, 0 unknown. */
int st_app_cpus(struct st_ctx *ctx, int64_t *out);
/* st_file_read without a diagnostic when the file does not exist (probing candidates); 0 or -1. */
int st_app_probe(struct st_ctx *ctx, const char *relpath, struct st_file *out);
/* Records a fact unless the same name already holds a value with the same layer and origin position (a file
 * reached twice, a default added once per component); returns the fact, or NULL when skipped or out of memory. */
struct st_fact *st_app_fact_once(struct st_ctx *ctx, const char *name, const char *component, struct st_value v,
                                 const struct st_origin *o, int layer);

#endif
