/* Safe online apply of index migrations to PostgreSQL.
 *
 * One session, autocommit (CREATE/DROP INDEX CONCURRENTLY cannot run in a transaction). A session advisory lock
 * keeps two runs apart; a standby is refused. Every statement is recorded in stacktune_migrations under the
 * sha256 of its text: done statements are skipped, so a re-run is a no-op; a statement left "running" by a
 * crashed run is simply run again. Before a concurrent build an INVALID index of the same name (the leftover
 * of a failed or cancelled build) is dropped; after it indisvalid is checked. Failures that may pass (lock
 * timeout, deadlock, cancel, terminated backend, lost connection) are retried with a doubling backoff, on a
 * new connection when the old one is gone. client_connection_check_interval makes the server abandon a build
 * when stacktune dies, so the lock and the build never outlive it for long. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "index_internal.h"
#include "stacktune/live.h"

#define LOCK_KEY "7311646950110125" /* "stacktune index apply": any constant both runs agree on */

struct applier {
	struct st_ctx *ctx;
	const char *dsn, *shown;
	const char *secrets[4];
	size_t n_secrets;
	const struct st_ix_apply_opts *o;
	PGconn *conn;
	int version;
};

static const char *scrub(struct applier *a, const char *msg)
{
	const char *r = st_live_scrub(a->ctx, msg ? msg : "", a->secrets, a->n_secrets);
	return r ? r : "(message withheld)";
}

static void sleep_ms(int ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Runs sql with params; returns the result when it succeeded (caller clears), else NULL with *err set. */
static PGresult *run(struct applier *a, const char *sql, int n, const char *const *params, const char **err,
                     const char **state)
{
	PGresult *res = PQexecParams(a->conn, sql, n, NULL, params, NULL, NULL, 0);
	ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
		return res;
	if (err)
		*err = scrub(a, res ? PQresultErrorMessage(res) : PQerrorMessage(a->conn));
	if (state) {
		const char *s = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
		*state = st_arena_strdup(&a->ctx->arena, s ? s : "08006");
	}
	PQclear(res);
	return NULL;
}

static int exec_ok(struct applier *a, const char *sql, const char **err)
{
	PGresult *r = run(a, sql, 0, NULL, err, NULL);
	PQclear(r);
	return r ? 0 : -1;
}

/* One text cell of a one-row query, arena copy; NULL when the query failed or returned nothing/NULL. */
static const char *scalar(struct applier *a, const char *sql, int n, const char *const *params)
{
	const char *err;
	PGresult *r = run(a, sql, n, params, &err, NULL);
	const char *v = r && PQntuples(r) == 1 && !PQgetisnull(r, 0, 0) ? st_arena_strdup(&a->ctx->arena, PQgetvalue(r, 0, 0)) : NULL;
	PQclear(r);
	return v;
}

static int fail(struct applier *a, const char *what, const char *msg)
{
	struct st_origin o = {.kind = ST_ORIGIN_LIVE, .file = a->shown};
	return st_diag(a->ctx, ST_SEV_ERROR, &o, "%s: %s", what, msg);
}

static void info(struct applier *a, const char *what, const char *text)
{
	struct st_origin o = {.kind = ST_ORIGIN_LIVE, .file = a->shown};
	st_diag(a->ctx, ST_SEV_INFO, &o, "%s%s", what, text);
}

/* Connects, refuses a standby, takes the advisory lock, creates the ledger. 0, 1 (lock held elsewhere), -1. */
static int session(struct applier *a)
{
	if (a->conn)
		PQfinish(a->conn);
	a->conn = NULL;
	struct st_live_pg_conn c;
	if (st_live_pg_connect(a->ctx, a->dsn, "stacktune index apply", a->o->connect_timeout, &c) < 0)
		return -1;
	a->conn = c.conn;
	a->shown = c.server;
	for (size_t i = 0; i < c.n_secrets; i++)
		a->secrets[i] = c.secrets[i];
	a->n_secrets = c.n_secrets;
	a->version = PQserverVersion(a->conn);
	const char *rec = scalar(a, "SELECT pg_is_in_recovery()", 0, NULL);
	if (!rec)
		return fail(a, "cannot ask the server whether it is a standby", scrub(a, PQerrorMessage(a->conn)));
	if (strcmp(rec, "t") == 0)
		return fail(a, "refusing to apply", "the server is a standby (pg_is_in_recovery() is true); apply on the primary");
	const char *err = NULL;
	if (exec_ok(a, "SET statement_timeout = '30s'", &err) < 0 || exec_ok(a, "SET lock_timeout = '5s'", &err) < 0)
		return fail(a, "cannot set up the session", err);
	/* the server abandons our build soon after we die, releasing its lock and leaving an INVALID index we drop */
	if (a->version >= 140000 && exec_ok(a, "SET client_connection_check_interval = '1s'", &err) < 0)
		return fail(a, "cannot set up the session", err);
	int got = 0;
	for (int i = 0; i < 30 && !got; i++) {
		const char *l = scalar(a, "SELECT pg_try_advisory_lock(" LOCK_KEY ")", 0, NULL);
		if (!l)
			return fail(a, "cannot take the advisory lock", scrub(a, PQerrorMessage(a->conn)));
		got = strcmp(l, "t") == 0;
		if (!got)
			sleep_ms(1000);
	}
	if (!got) {
		fail(a, "another stacktune index apply holds the lock", "try again when it has finished");
		return 1;
	}
	if (exec_ok(a,
	            "CREATE TABLE IF NOT EXISTS stacktune_migrations (id text PRIMARY KEY, statement text NOT NULL, "
	            "file text, started timestamptz NOT NULL DEFAULT now(), finished timestamptz, status text NOT NULL, "
	            "attempts integer NOT NULL DEFAULT 0, error text)",
	            &err) < 0)
		return fail(a, "cannot create the ledger table stacktune_migrations", err);
	return 0;
}

/* SQLSTATE classes worth another attempt: connection, transaction rollback (deadlock, serialization),
 * lock not available, operator intervention (cancel, terminated backend), insufficient resources. */
static int retryable(const char *state)
{
	return state && (strncmp(state, "08", 2) == 0 || strncmp(state, "40", 2) == 0 || strncmp(state, "55", 2) == 0 ||
	                 strncmp(state, "57", 2) == 0 || strncmp(state, "53", 2) == 0);
}

/* indisvalid of the named index: "t", "f", or NULL when there is none. */
static const char *index_valid(struct applier *a, const char *name)
{
	const char *p[] = {name};
	return scalar(a, "SELECT i.indisvalid FROM pg_index i WHERE i.indexrelid = to_regclass($1)", 1, p);
}

/* Drops an INVALID index of that name (a failed or cancelled concurrent build); 0, or -1. */
static int drop_invalid(struct applier *a, const char *name, const char **err)
{
	const char *v = index_valid(a, name);
	if (!v || strcmp(v, "f") != 0)
		return 0;
	info(a, "dropping the INVALID leftover index ", name);
	const char *sql = st_arena_printf(&a->ctx->arena, "DROP INDEX CONCURRENTLY IF EXISTS %s", name);
	return sql ? exec_ok(a, sql, err) : -1;
}

static int ledger(struct applier *a, const char *sql, const char *id, const char *p2, const char *p3)
{
	const char *p[] = {id, p2, p3};
	int n = p3 ? 3 : p2 ? 2 : 1;
	const char *err;
	PGresult *r = run(a, sql, n, p, &err, NULL);
	PQclear(r);
	return r ? 0 : fail(a, "cannot write the ledger", err);
}

/* One statement: 0 applied, 1 already applied, 2 failed (recorded), -1 error. */
static int apply_one(struct applier *a, const char *file, const char *stmt)
{
	struct ix_stmt_info si;
	if (ix_stmt_info(a->ctx, stmt, &si) < 0)
		return fail(a, "cannot parse a statement", file);
	const char *p[] = {stmt};
	const char *id = scalar(a, "SELECT encode(sha256(convert_to($1, 'UTF8')), 'hex')", 1, p);
	if (!id)
		return fail(a, "cannot hash a statement", scrub(a, PQerrorMessage(a->conn)));
	const char *ip[] = {id};
	const char *status = scalar(a, "SELECT status FROM stacktune_migrations WHERE id = $1", 1, ip);
	if (status && strcmp(status, "done") == 0) {
		/* done counts only while the catalog agrees (a down migration may have undone it since) */
		const char *v = si.index && (si.create_index || si.drop_index) ? index_valid(a, si.index) : NULL;
		if (!si.index || (si.create_index && v && strcmp(v, "t") == 0) || (si.drop_index && !v) ||
		    (!si.create_index && !si.drop_index)) {
			info(a, "already applied: ", stmt);
			return 1;
		}
		info(a, "applied before but undone since, applying again: ", stmt);
	}
	if (ledger(a,
	           "INSERT INTO stacktune_migrations (id, statement, file, status, attempts) VALUES ($1, $2, $3, 'running', 1) "
	           "ON CONFLICT (id) DO UPDATE SET status = 'running', started = now(), finished = NULL, "
	           "attempts = stacktune_migrations.attempts + 1, file = EXCLUDED.file",
	           id, stmt, file) < 0)
		return -1;
	int lock_ms = a->o->lock_timeout_ms > 0 ? a->o->lock_timeout_ms : 5000;
	int stmt_ms = a->o->statement_timeout_ms > 0 ? a->o->statement_timeout_ms : 3600000;
	int retries = a->o->retries >= 0 ? a->o->retries : 3;
	int wait = a->o->backoff_ms > 0 ? a->o->backoff_ms : 1000;
	const char *err = "?";
	for (int attempt = 0; attempt <= retries; attempt++) {
		if (attempt) {
			info(a, "retrying after: ", err);
			sleep_ms(wait);
			wait = wait < 60000 ? wait * 2 : wait;
			if (PQstatus(a->conn) != CONNECTION_OK) {
				int rc = session(a);
				if (rc)
					return rc < 0 ? -1 : 2;
			}
		}
		const char *state = NULL;
		if (si.create_index && si.index && drop_invalid(a, si.index, &err) < 0) {
			state = "55000";
			continue;
		}
		const char *set = st_arena_printf(&a->ctx->arena, "SET lock_timeout = %d", lock_ms);
		const char *set2 = st_arena_printf(&a->ctx->arena, "SET statement_timeout = %d", stmt_ms);
		if (!set || !set2)
			return a->ctx->oom = 1, -1;
		if (exec_ok(a, set, &err) < 0 || exec_ok(a, set2, &err) < 0)
			continue;
		PGresult *r = run(a, stmt, 0, NULL, &err, &state);
		PQclear(r);
		if (PQstatus(a->conn) == CONNECTION_OK) {
			exec_ok(a, "SET statement_timeout = '30s'", NULL);
			exec_ok(a, "SET lock_timeout = '5s'", NULL);
		}
		if (!r) {
			if (PQstatus(a->conn) == CONNECTION_OK && si.create_index && si.index)
				drop_invalid(a, si.index, NULL);
			if (!retryable(state))
				break;
			continue;
		}
		if (si.create_index && si.index) {
			const char *v = index_valid(a, si.index);
			if (!v || strcmp(v, "t") != 0) {
				err = "the index is not valid after the build";
				drop_invalid(a, si.index, NULL);
				continue;
			}
		} else if (si.drop_index && si.index && index_valid(a, si.index)) {
			err = "the index still exists after the drop";
			continue;
		}
		if (ledger(a, "UPDATE stacktune_migrations SET status = 'done', finished = now(), error = NULL WHERE id = $1",
		           id, NULL, NULL) < 0)
			return -1;
		info(a, "applied: ", stmt);
		return 0;
	}
	if (PQstatus(a->conn) != CONNECTION_OK && session(a) != 0)
		return -1;
	ledger(a, "UPDATE stacktune_migrations SET status = 'failed', finished = now(), error = $2 WHERE id = $1", id, err,
	       NULL);
	struct st_origin o = st_origin_file(file, 0, 0);
	st_diag(a->ctx, ST_SEV_WARNING, &o, "not applied (the database is unchanged by it): %s: %s", stmt, err);
	return 2;
}

static char *read_all(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct st_buf b = {0};
	char chunk[65536];
	size_t k;
	while ((k = fread(chunk, 1, sizeof(chunk), f)) > 0)
		st_buf_put(&b, chunk, k);
	int bad = ferror(f) || b.failed;
	fclose(f);
	if (bad || memchr(st_buf_cstr(&b), 0, b.len)) {
		st_buf_free(&b);
		errno = bad ? EIO : EINVAL;
		return NULL;
	}
	st_buf_cstr(&b);
	*n = b.len;
	return b.data ? b.data : strdup("");
}

int st_ix_apply(struct st_ctx *ctx, const char *dsn, const char *const *files, size_t n_files,
                const struct st_ix_apply_opts *opts, struct st_ix_apply_result *res)
{
	memset(res, 0, sizeof(*res));
	struct applier a = {.ctx = ctx, .dsn = dsn ? dsn : "", .o = opts};
	a.shown = st_live_dsn_redact(ctx, a.dsn); /* the origin until connected, then HOST:PORT */
	if (!a.shown)
		a.shown = "(DSN withheld)";
	char *perr = NULL;
	PQconninfoOption *parsed = PQconninfoParse(a.dsn, &perr);
	if (!parsed) {
		PQfreemem(perr); /* it can quote the DSN, password included */
		return fail(&a, "invalid PostgreSQL DSN", a.shown);
	}
	PQconninfoFree(parsed);

	/* read and split every file first: a syntax error applies nothing */
	const char ***stmts = st_arena_alloc(&ctx->arena, (n_files + 1) * sizeof(*stmts));
	size_t *counts = st_arena_alloc(&ctx->arena, (n_files + 1) * sizeof(*counts));
	if (!stmts || !counts)
		return ctx->oom = 1, -1;
	for (size_t i = 0; i < n_files; i++) {
		size_t n;
		char *text = read_all(files[i], &n);
		if (!text) {
			struct st_origin o = st_origin_file(files[i], 0, 0);
			return st_diag(ctx, ST_SEV_ERROR, &o, "cannot read: %s", strerror(errno));
		}
		unsigned *lines;
		int rc = st_ix_split(ctx, files[i], text, &stmts[i], &lines, &counts[i]);
		free(text);
		if (rc < 0)
			return -1;
	}
	int rc = session(&a);
	int result = rc < 0 ? -1 : rc ? 1 : 0;
	for (size_t i = 0; i < n_files && result == 0; i++) {
		for (size_t k = 0; k < counts[i] && result == 0; k++) {
			int r = apply_one(&a, files[i], stmts[i][k]);
			if (r == 0)
				res->applied++;
			else if (r == 1)
				res->skipped++;
			else if (r == 2)
				res->failed++, result = 1; /* later statements may depend on this one */
			else
				result = -1;
		}
	}
	if (a.conn)
		PQfinish(a.conn); /* ends the session: the advisory lock goes with it */
	return result;
}
