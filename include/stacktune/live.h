/* live: read-only readers of running PostgreSQL (libpq) and MySQL/MariaDB (Connector/C) servers.
 *
 * A live reader connects with a connect timeout, makes its session read-only with a statement timeout,
 * reads settings, version, role and statistics in a handful of round trips and records them as facts in
 * ST_LAYER_LIVE with origin ST_ORIGIN_LIVE (file = "HOST:PORT"). Nothing is ever written to the server.
 *
 * Facts (component = the matched component, see st_live_component):
 *   <c>.<setting>                 every pg_settings row / SHOW GLOBAL VARIABLES row, typed like the file
 *                                 loaders (sizes in bytes, durations in microseconds); detail = its source
 *   <c>.kind                      postgresql | mysql | mariadb
 *   <c>.version, .version_num     "15.20", 150020 (PostgreSQL); "10.11.6", 101106 (MySQL/MariaDB)
 *   <c>.version_major             15 / 10
 *   <c>.role                      primary | replica
 *   <c>.live.*                    activity and statistics (see src/live/pg.c and src/live/mysql.c)
 *   <c>.live.pending_restart.<s>  PostgreSQL: a changed setting waits for a restart
 *   <c>.drift.<s>                 a file value differs from the running value: "file X (path:line) vs live Y"
 *
 * Failures (refused, timeout, authentication, TLS) record one ST_SEV_ERROR diagnostic naming the DSN with its
 * password replaced by ***; every text that comes from the client library is scrubbed of the password first.
 * A query the user lacks the privileges for records a warning and the reader goes on. */
#ifndef STACKTUNE_LIVE_H
#define STACKTUNE_LIVE_H

#include "stacktune/core.h"

struct st_live_opts {
	int connect_timeout;             /* seconds; <= 0 means 5 */
	const char *mysql_defaults_file; /* MySQL: an option file read by the client library, or NULL */
	const char *mysql_group;         /* MySQL: an extra option-file group to read, or NULL */
};

/* Reads a PostgreSQL server (dsn: URL or key=value; libpq's PG* environment applies); 0, or -1 after an
 * error diagnostic. */
int st_live_pg(struct st_ctx *ctx, const char *dsn, const struct st_live_opts *opts);

/* Reads a MySQL or MariaDB server (dsn: mysql://user:pass@host:3306/db, or NULL to connect with the
 * defaults file alone); 0, or -1 after an error diagnostic. */
int st_live_mysql(struct st_ctx *ctx, const char *dsn, const struct st_live_opts *opts);

struct pg_conn; /* libpq's PGconn */

/* A PostgreSQL connection opened by st_live_pg_connect, with what its diagnostics need. */
struct st_live_pg_conn {
	struct pg_conn *conn;   /* PGconn, CONNECTION_OK; the caller PQfinish()es it */
	const char *server;     /* "HOST:PORT", the file of live origins */
	const char *shown;      /* the DSN as it may be printed (password ***) */
	const char *host;       /* from the DSN or PGHOST, may be NULL */
	int port;               /* from the DSN or PGPORT, else 5432 */
	const char *secrets[4]; /* texts to scrub from every client-library message (st_live_scrub) */
	size_t n_secrets;
};

/* Connects to PostgreSQL (dsn: URL or key=value; libpq's PG* environment applies) with a connect timeout
 * (seconds; <= 0 means 5) and application_name; fills *c. 0, or -1 after an error diagnostic naming the
 * redacted DSN (c->conn is then NULL). Shared by the live reader, the index catalog reader and index apply. */
int st_live_pg_connect(struct st_ctx *ctx, const char *dsn, const char *application_name, int connect_timeout,
                       struct st_live_pg_conn *c);

/* ---- pure helpers (exposed for tests) --------------------------------- */

/* Returns the DSN with every password (URL userinfo, password=..., ?password=...) replaced by *** (arena). */
const char *st_live_dsn_redact(struct st_ctx *ctx, const char *dsn);

/* Returns text on one line (newlines and tabs folded into single spaces, trimmed) with each secret, in its raw
 * and percent-encoded forms, replaced by ***; secrets shorter than 4 bytes are replaced only where they stand
 * as a whole word. NULL secrets are skipped. Arena string; NULL on allocation failure. */
const char *st_live_scrub(struct st_ctx *ctx, const char *text, const char *const *secrets, size_t n_secrets);

/* Returns a copy of an SQL text cut to max bytes (at a UTF-8 boundary, "..." appended when cut), with every
 * quoted literal ('...', E'...', $tag$...$tag$) replaced by '***' so a statement the server kept verbatim
 * (ALTER ROLE ... PASSWORD '...') cannot leak. Arena string or NULL. */
const char *st_live_sql_redact(struct st_ctx *ctx, const char *sql, size_t max);

/* Parses a PostgreSQL server_version ("15.20 (Debian ...)", "9.6.24", "17beta1") into the server_version_num
 * form (150020, 90624, 170000); 0, or -1 when it does not start with a version. */
int st_live_pg_version_parse(const char *text, int *num);

struct st_live_mysql_version {
	int major, minor, patch;
	int num;     /* major * 10000 + minor * 100 + patch */
	int mariadb; /* 1: MariaDB */
};
/* Parses SELECT VERSION() ("8.0.36", "10.11.6-MariaDB-0+deb12u1", "5.5.5-10.11.6-MariaDB") and
 * @@version_comment (may be NULL) into *out; 0, or -1 when it is not a version. */
int st_live_mysql_version_parse(const char *version, const char *comment, struct st_live_mysql_version *out);

/* The checkpoint counters query for a server_version_num (pg_stat_bgwriter before 17, pg_stat_checkpointer
 * from 17); two bigint columns: timed, requested. */
const char *st_live_pg_checkpoint_sql(int version_num);

/* The pg_stat_statements top-10 query for the installed extension version (total_time/mean_time before 1.8,
 * total_exec_time/mean_exec_time from 1.8, i.e. PostgreSQL 13); schema is an already quoted identifier.
 * Columns: query (cut to 200 chars), calls, total ms, mean ms, rows. Arena string or NULL. */
const char *st_live_pg_statements_sql(struct st_ctx *ctx, int version_num, const char *extversion, const char *schema);

/* The session statement-timeout statement: MariaDB max_statement_time (seconds, 10.1+), MySQL
 * max_execution_time (ms, 5.7.8+), or NULL when the server has neither. */
const char *st_live_mysql_timeout_sql(const struct st_live_mysql_version *v);

/* Types a pg_settings row like the postgresql.conf loader: integer/real with a unit -> size (bytes) or
 * duration (us); bool; enum/string as text. Negative "disabled" values (-1) stay plain integers.
 * 0, or -1 when the setting does not parse as its vartype. Strings are borrowed. */
int st_live_pg_value(const char *setting, const char *unit, const char *vartype, struct st_value *out);

/* Types a SHOW GLOBAL VARIABLES value with the variables table (sizes in bytes, durations in us, ON/OFF
 * bools); unknown variables stay strings. Strings are borrowed. */
struct st_value st_live_mysql_value(const char *name, const char *text);

/* Chooses the component a live server belongs to: a component of the same family ("postgresql" or
 * "mysql", which also matches kind mariadb) whose published port (<id>.ports.* "[ip:]PUB:TARGET") or
 * <id>.port matches a local DSN host (localhost, 127.0.0.1, ::1, a socket path) and port, or whose id is the
 * DSN host; else the default id ("postgres", "mysql"), or "postgres-2"... when another live server took it.
 * Arena string. */
const char *st_live_component(struct st_ctx *ctx, const char *family, const char *host, int port);

#endif
