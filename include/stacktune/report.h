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

/* Appends what `rules explain` shows about one rule (rationale, references, example, definition); 0 or -1. */
int st_report_rule_help(const struct st_rule_info *ri, struct st_buf *out);

#endif
