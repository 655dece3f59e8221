/* index internals shared by the room's files. */
#ifndef STACKTUNE_INDEX_INTERNAL_H
#define STACKTUNE_INDEX_INTERNAL_H

#include "stacktune/index.h"

/* Makes room for one more element of size sz in an arena-backed array; 0, or -1 (ctx->oom set). */
int ix_grow(struct st_ctx *ctx, void **items, size_t *cap, size_t n, size_t sz);
/* Appends an element (copied) to one of the schema's arrays; the new element, or NULL on allocation failure. */
struct st_ix_table *ix_add_table(struct st_ctx *ctx, struct st_ix_schema *s);
struct st_ix_index *ix_add_index(struct st_ctx *ctx, struct st_ix_schema *s);
struct st_ix_fk *ix_add_fk(struct st_ctx *ctx, struct st_ix_schema *s);
void ix_note(struct st_ctx *ctx, struct st_ix_schema *s, const char *rule, enum st_severity sev,
             const struct st_origin *o, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* The live table (not dropped) called name, or NULL. */
struct st_ix_table *ix_find_table(const struct st_ix_schema *s, const char *name);
/* 32-bit FNV-1a of s. */
uint32_t ix_hash(const char *s);

/* What apply needs to know of one statement. */
struct ix_stmt_info {
	int create_index, drop_index, concurrent;
	const char *index; /* quoted, possibly schema-qualified, for to_regclass(); NULL when unnamed */
};
/* Parses one statement; 0, or -1 when it does not parse (no diagnostic). */
int ix_stmt_info(struct st_ctx *ctx, const char *stmt, struct ix_stmt_info *out);

#endif
