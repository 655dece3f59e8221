/* live internals: one reader run (a server, the component it feeds) and the fact helpers both readers share. */
#ifndef STACKTUNE_LIVE_INTERNAL_H
#define STACKTUNE_LIVE_INTERNAL_H

#include "stacktune/live.h"

struct live_run {
	struct st_ctx *ctx;
	const char *component;  /* fact prefix */
	const char *server;     /* "HOST:PORT", the origin's file */
	const char *shown;      /* the DSN as it may be printed (password ***) */
	const char *secrets[4]; /* texts scrubbed from every client-library message */
	size_t n_secrets;
};

/* Records <component>.<suffix> = v with a live origin (detail may be NULL). */
void live_fact(struct live_run *r, const char *suffix, struct st_value v, const char *detail);
/* Records a server setting <component>.<name>; when a file gave it another value, also <component>.drift.<name>. */
void live_setting(struct live_run *r, const char *name, struct st_value v, const char *detail);
/* Returns a fact-name-safe form of s (lower case [a-z0-9-], runs of other bytes one "_", at most 64; empty ->
 * "unnamed"). */
const char *live_key(struct st_ctx *ctx, const char *s);
/* Records an error diagnostic at the server: "<what> <shown DSN>: <scrubbed msg>"; returns -1. */
int live_error(struct live_run *r, const char *what, const char *msg);
/* Records a warning at the server with a scrubbed client-library message. */
void live_warning(struct live_run *r, const char *what, const char *msg);
/* Returns "HOST:PORT" for the origin (arena). */
const char *live_server_name(struct st_ctx *ctx, const char *host, int port, int default_port);
/* Parses a whole decimal integer; 0 or -1. */
int live_int(const char *s, int64_t *out);

#endif
