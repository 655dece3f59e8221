/* tune: findings with recommendations -> edits of the files that hold the values -> a unified diff. */
#ifndef STACKTUNE_TUNE_H
#define STACKTUNE_TUNE_H

#include "stacktune/core.h"
#include "stacktune/model.h"
#include "stacktune/rules.h"

struct st_tune_opts {
	const char *only;              /* a rule id, or a comma-separated list; NULL = every rule */
	enum st_severity min_severity; /* findings below it are left alone */
};

enum st_tune_action {
	ST_TUNE_EDIT = 0,     /* a value replaced in place */
	ST_TUNE_ADD,          /* a setting the file did not hold, added to it */
	ST_TUNE_ALTER_SYSTEM, /* the value lives in postgresql.auto.conf: a statement to run, no file edit */
	ST_TUNE_PROPOSAL,     /* needs a human choice, or the file's syntax does not allow it: not written */
};

/* One recommendation and what tune does with it. */
struct st_tune_change {
	const char *rule;
	const char *component;
	const char *setting;
	const char *current;  /* display form, never a secret */
	const char *proposed; /* as the rule proposes it (the file may spell it with quotes) */
	const char *apply;    /* restart / reload / redeploy, refined by where the value lives */
	enum st_tune_action action;
	const char *file;     /* repository-relative; NULL when no file holds or can take the value */
	unsigned line;        /* line of the value (EDIT) or of the neighbour it was added after (ADD) */
	const char *note;     /* the ALTER SYSTEM statement, or why a proposal is not written */
	size_t off, len;      /* EDIT: the byte span of the value replaced */
	unsigned round;       /* 0: from the audit; n: appeared once the changes of round n-1 were in effect */
};

/* A byte-range replacement in a file as it was read. */
struct st_tune_edit {
	size_t off, len;
	const char *text;
	size_t seq; /* insertion order, keeps edits at one offset stable */
};

struct st_tune_file {
	const char *path; /* repository-relative */
	const char *data; /* the content the plan was made against */
	size_t size;
	struct st_tune_edit *edits;
	size_t n_edits, cap_edits;
	const char **secrets; /* raw secret values found in this file: masked in a redacted diff */
	size_t n_secrets;
};

struct st_tune_plan {
	struct st_tune_file *files; /* sorted by path once planned */
	size_t n_files, cap_files;
	struct st_tune_change *changes; /* sorted by file, line, setting */
	size_t n_changes, cap_changes;
};

/* Plans the edits for every finding that passes opts and has recommendations; files are read through the
 * walker's st_file_read. With a rulebook, the planned values are then put in effect as facts, the model is
 * rebuilt and the rules run again, until no new recommendation appears (a few rounds at most), so that a
 * second tune finds nothing: e.g. a larger buffer pool asks for a larger redo log. A setting keeps the value
 * it was first given. 0, or -1 on allocation failure (diagnostics for unreadable files). */
int st_tune_plan(struct st_ctx *ctx, const struct st_rulebook *rb, const struct st_stack *stack,
                 const struct st_findings *findings, const struct st_tune_opts *opts, struct st_tune_plan *plan);

/* Appends the content of f with its edits applied; 0 or -1. */
int st_tune_apply_file(const struct st_tune_file *f, struct st_buf *out);

/* Appends the plan as a unified diff (--- a/PATH, +++ b/PATH, 3 lines of context) that `git apply` takes;
 * redact: every printed line has the file's secret values replaced by ***. Nothing for an empty plan. 0 or -1. */
int st_patch_write(const struct st_tune_plan *plan, int redact, struct st_buf *out);

/* Appends the unified diff of one file given its old and new content (exposed for tests); 0 or -1. */
int st_patch_file(const char *path, const char *old, size_t old_len, const char *new_text, size_t new_len,
                  const char *const *secrets, size_t n_secrets, struct st_buf *out);

#endif
