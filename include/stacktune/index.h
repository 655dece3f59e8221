/* index: the schema model of a repository (PostgreSQL SQL migrations parsed with libpg_query, Prisma schemas),
 * the index plan rules, the up/down migration writer and the safe online applier with its ledger. */
#ifndef STACKTUNE_INDEX_H
#define STACKTUNE_INDEX_H

#include "stacktune/core.h"
#include "stacktune/rules.h"

/* One index (or the index a PRIMARY KEY / UNIQUE constraint creates). */
struct st_ix_index {
	const char *name;  /* as written or as PostgreSQL / Prisma names it */
	const char *table;
	const char **cols; /* key columns in order; "lower(email)" style text for expressions */
	size_t n_cols;
	int unique, primary, constraint; /* constraint: backs a PRIMARY KEY / UNIQUE constraint */
	int partial, expression, include, concurrently;
	const char *method; /* NULL = btree */
	struct st_origin origin;
	int dropped;
	/* live catalog only (st_ix_live_pg) */
	int live, invalid, exclusion; /* invalid: NOT indisvalid (a failed or cancelled concurrent build) */
	int64_t scans, bytes;         /* pg_stat_user_indexes.idx_scan, pg_relation_size */
	const char *definition;       /* pg_get_indexdef */
};

struct st_ix_fk {
	const char *name; /* may be NULL */
	const char *table;
	const char **cols;
	size_t n_cols;
	const char *ref_table;
	struct st_origin origin;
};

struct st_ix_table {
	const char *name;
	struct st_origin origin;
	int dropped;
	/* live catalog only: pg_stat_user_tables counters, pg_relation_size */
	int live;
	int64_t seq_scan, seq_tup_read, idx_scan, idx_tup_fetch, writes, bytes;
};

/* A finding about a migration file itself (non-concurrent build, CONCURRENTLY inside a transaction...). */
struct st_ix_note {
	const char *rule;
	enum st_severity severity;
	const char *message;
	struct st_origin origin;
};

enum st_ix_convention {
	ST_IX_PLAIN = 0,      /* NNNN_stacktune_NAME.up.sql / .down.sql in --out */
	ST_IX_GOLANG_MIGRATE, /* NNN_name.up.sql / NNN_name.down.sql: the numbering continues */
	ST_IX_FLYWAY,         /* V<n>__name.sql / U<n>__name.sql */
};

struct st_ix_schema {
	struct st_ix_table *tables;
	size_t n_tables, cap_tables;
	struct st_ix_index *indexes;
	size_t n_indexes, cap_indexes;
	struct st_ix_fk *fks;
	size_t n_fks, cap_fks;
	struct st_ix_note *notes;
	size_t n_notes, cap_notes;
	size_t n_files; /* schema files read (SQL migrations and Prisma schemas) */
	enum st_ix_convention convention;
	const char *migrations_dir; /* repository-relative directory of the detected migrations, or NULL */
	int64_t last_version;       /* highest migration number seen there */
	int version_width;          /* digits of the zero-padded numbers (golang-migrate 001 -> 3) */
	int mysql;                  /* MySQL/MariaDB DDL was read: statements use online DDL clauses */
	/* live catalog (st_ix_live_pg): the server ("HOST:PORT", NULL for a static schema), the age of its
	 * statistics (seconds since stats_reset, else since the server started; -1 unknown) and the thresholds of
	 * the live-only rules */
	const char *server;
	int64_t stats_age_s;
	int64_t min_stats_age_s;   /* index-unused: statistics at least this old */
	int64_t min_table_scans;   /* index-unused: the table was read (seq_scan + idx_scan) at least this often */
	int64_t seqscan_min_bytes; /* index-seqscan-heavy: table size */
	int64_t seqscan_min_scans; /* index-seqscan-heavy: sequential scans */
};

/* Thresholds of the live-only rules; a value < 0 takes the default. */
struct st_ix_live_opts {
	int connect_timeout;       /* seconds; <= 0: 5 */
	int64_t min_stats_age_s;   /* 7 days */
	int64_t min_table_scans;   /* 100 */
	int64_t seqscan_min_bytes; /* 64 MiB */
	int64_t seqscan_min_scans; /* 100 */
};

/* Replaces the tables, indexes and foreign keys of s with the live catalog of the database dsn names (pg_class,
 * pg_index, pg_constraint, pg_stat_user_tables, pg_stat_user_indexes, pg_relation_size; user schemas, no
 * partitions), with live origins ("HOST:PORT", detail = the catalog), and sets the statistics age and the
 * thresholds; the notes about migration files and the output convention stay. Read-only. 0, or -1 after an
 * error diagnostic (connection, query). */
int st_ix_live_pg(struct st_ctx *ctx, const char *dsn, const struct st_ix_live_opts *opts, struct st_ix_schema *s);

/* Parses one PostgreSQL SQL migration into the schema (path is repository-relative, for origins); statements
 * that are not DDL are ignored. 0, or -1 after a diagnostic with file:line:col on a syntax error. */
int st_ix_sql_load(struct st_ctx *ctx, struct st_ix_schema *s, const char *path, const char *sql);
/* Scans one MySQL/MariaDB migration (CREATE TABLE keys and foreign keys, CREATE INDEX, ALTER TABLE ADD/DROP
 * INDEX|KEY, DROP INDEX, DROP TABLE; InnoDB's implicit foreign-key indexes) into the schema and sets s->mysql.
 * 0, or -1 on allocation failure. */
int st_ix_mysql_load(struct st_ctx *ctx, struct st_ix_schema *s, const char *path, const char *sql);
/* 1 when a SQL file is MySQL/MariaDB DDL (backtick identifiers, ENGINE=, AUTO_INCREMENT), else 0. */
int st_ix_sql_is_mysql(const char *sql);
/* Adds the models of a Prisma schema (tables, @id, @unique, @@index, @@unique, @relation fields, @map/@@map).
 * 0, or -1 on allocation failure. */
int st_ix_prisma_load(struct st_ctx *ctx, struct st_ix_schema *s, const char *path, const char *src, size_t n);
/* Walks root, finds SQL migrations (golang-migrate, Flyway, Prisma migrations/, numbered files) and Prisma
 * schemas, and loads them in migration order. 0, or -1 when root cannot be read. */
int st_ix_schema_scan(struct st_ctx *ctx, const char *root, size_t max_file_size, int no_ignore,
                      struct st_ix_schema *s);

/* One planned change: an up statement and the down statement that undoes it. */
struct st_ix_action {
	const char *rule;   /* the finding it resolves */
	const char *name;   /* the index name (<= 63 bytes) */
	const char *slug;   /* file-name part: "create_idx_x" */
	const char *why;    /* one line for the "-- why" comment */
	const char *up, *down;
	struct st_origin origin; /* where the reason is written */
};

struct st_ix_plan {
	struct st_ix_action *actions;
	size_t n, cap;
	/* changes left to a human (an index for a table read by sequential scans: which columns depends on the
	 * queries): comment blocks, rendered into stacktune_proposals.sql */
	const char **proposals;
	size_t n_proposals, cap_proposals;
};

/* Runs the index rules over the schema: appends findings (rule ids index-*, migration-*) to out and the
 * actions that fix them to plan (plan may be NULL). 0, or -1 on allocation failure. */
int st_ix_plan(struct st_ctx *ctx, const struct st_ix_schema *s, struct st_findings *out, struct st_ix_plan *plan);

/* The audit hook: scans root for schema files and appends the index findings (no actions) to out. 0, or -1 when
 * root cannot be read or memory ran out (diagnostics recorded; syntax errors are diagnostics, not failures). */
int st_ix_audit(struct st_ctx *ctx, const char *root, size_t max_file_size, int no_ignore, struct st_findings *out);

/* Returns a PostgreSQL identifier of at most 63 bytes built from parts joined by '_': cut, with an 8-hex hash
 * of the whole name appended, when longer. Arena string. */
const char *st_ix_name(struct st_ctx *ctx, const char *const *parts, size_t n);
/* Appends ident, double-quoted when PostgreSQL would otherwise fold or reject it. */
int st_ix_quote(struct st_buf *b, const char *ident);

/* One output file of a plan. */
struct st_ix_file {
	const char *name; /* file name (no directory) */
	const char *text;
};
/* Renders the plan as numbered up/down files in the schema's convention; *files gets an arena array of *n.
 * 0, or -1 on allocation failure. */
int st_ix_render(struct st_ctx *ctx, const struct st_ix_schema *s, const struct st_ix_plan *p,
                 struct st_ix_file **files, size_t *n);

/* Splits SQL into statements with libpg_query; *stmts gets an arena array of trimmed statement texts, *lines
 * their first lines. 0, or -1 after a diagnostic at path:line:col. */
int st_ix_split(struct st_ctx *ctx, const char *path, const char *sql, const char ***stmts, unsigned **lines,
                size_t *n);

struct st_ix_apply_opts {
	int connect_timeout;       /* seconds; <= 0: 5 */
	int lock_timeout_ms;       /* per statement; <= 0: 5000 */
	int statement_timeout_ms;  /* per statement; <= 0: 3 600 000 */
	int retries;               /* extra attempts after a failure; < 0: 3 */
	int backoff_ms;            /* first wait, doubled each time; <= 0: 1000 */
};

struct st_ix_apply_result {
	size_t applied, skipped, failed;
};

/* Applies the statements of the files to a PostgreSQL server online: advisory lock, refuses a standby, per
 * statement lock_timeout / statement_timeout, concurrent builds outside transactions, INVALID leftovers
 * dropped and retried with backoff, indisvalid verified, each statement recorded in stacktune_migrations so a
 * re-run is a no-op and a run after a crash converges. Progress goes to diagnostics (info). Returns 0 when
 * everything is applied, 1 when a statement failed (the database is left consistent), -1 on an error
 * (connection, standby, bad input). */
int st_ix_apply(struct st_ctx *ctx, const char *dsn, const char *const *files, size_t n_files,
                const struct st_ix_apply_opts *opts, struct st_ix_apply_result *res);

#endif
