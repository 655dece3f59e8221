/* report: every output format rendered from the same facts / findings. */
#ifndef STACKTUNE_REPORT_H
#define STACKTUNE_REPORT_H

#include "stacktune/core.h"
#include "stacktune/host.h"
#include "stacktune/model.h"
#include "stacktune/rules.h"

struct st_report {
	struct st_ctx *ctx;
	const char *target;  /* the audited path as given */
	const struct st_host *host;
	const struct st_stack *stack;
	const struct st_findings *findings; /* NULL for facts */
	const struct st_rulebook *rules;    /* the rulebook the audit ran (SARIF rule help); may be NULL */
	int color;           /* 1: ANSI colours in text output */
	int quiet, verbose;
};

struct st_report_ops {
	const char *name; /* "text", "json" */
	/* Renders the fact listing into out; 0 or -1. */
	int (*facts)(const struct st_report *r, struct st_buf *out);
	/* Renders the audit (findings + diagnostics) into out; 0 or -1. */
	int (*audit)(const struct st_report *r, struct st_buf *out);
	/* Renders the host description into out; 0 or -1. */
	int (*host)(const struct st_report *r, struct st_buf *out);
};

extern const struct st_report_ops st_report_ops[];
extern const size_t st_report_ops_count;

/* Returns the writer for a format name, or NULL. */
const struct st_report_ops *st_report_find(const char *name);

/* One part of a budget bar: a client's connections, a component's memory. */
struct st_report_segment {
	const char *label; /* "backend/celery", "postgres shared_buffers" */
	int64_t value;     /* connections, or bytes */
	const char *fact;  /* the model fact it comes from */
};

/* A budget as the model computed it: stacked demand against a limit (database connections, host memory). */
struct st_report_bar {
	const char *id;          /* the database component or the host */
	const char *limit_fact;  /* "postgres.usable_connections", "host.memory"; NULL when unknown */
	int64_t limit;
	int64_t total;           /* the model's sum (connection_demand), or the sum of the segments */
	int unlimited;           /* a client has no connection limit */
	struct st_report_segment *segments;
	size_t n_segments;
};

/* Connection budgets per database server (and PgBouncer) from the model's connection_demand, its terms and
 * usable_connections; bars in the ctx arena, returns their number (0 on none or allocation failure). */
size_t st_report_connection_bars(const struct st_report *r, struct st_report_bar **out);
/* Memory per host: application processes (the model's <app>.memory facts) and database buffers
 * (shared_buffers, innodb_buffer_pool_size, maxmemory) against host.memory; as above. */
size_t st_report_memory_bars(const struct st_report *r, struct st_report_bar **out);

/* Appends what `rules explain` shows about one rule (rationale, references, example, definition); 0 or -1. */
int st_report_rule_help(const struct st_rule_info *ri, struct st_buf *out);

#endif
