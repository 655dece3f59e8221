/* loaders: the repository walker and one loader per file format (an ops table). */
#ifndef STACKTUNE_LOADERS_H
#define STACKTUNE_LOADERS_H

#include "stacktune/core.h"

/* A file handed to a loader: contents are NUL-terminated and contain no NUL byte. */
struct st_file {
	const char *path; /* repository-relative, '/'-separated: "backend/.env" */
	const char *name; /* basename */
	const char *data;
	size_t size;
};

enum st_match { ST_MATCH_NO = 0, ST_MATCH_YES = 1, ST_MATCH_NEED_HEAD = 2 };

/* Loading order: files are dispatched by phase, then by path, so a loader can rely on the facts of the
 * phases before it (compose sees .env files; server configs see compose links; app code sees both). */
enum st_phase {
	ST_PHASE_ENV = 0,     /* .env files */
	ST_PHASE_TOPOLOGY = 1, /* docker-compose, Procfile */
	ST_PHASE_SERVER = 2,  /* postgresql.conf, my.cnf, pgbouncer.ini */
	ST_PHASE_APP = 3,     /* settings.py, start scripts, Go/JS/Prisma sources, SQL migrations */
};

/* Naming convention for server facts: "<component>.<setting>", where component is the compose service the
 * file is mounted into (the compose loader records fact "link.config.<relpath>" = service name, with the
 * origin of the volume line), else the kind's default id: "postgres", "mysql", "pgbouncer". Setting names
 * are normalised (PostgreSQL: lower case; MySQL: lower case, dashes as underscores). */

struct st_loader {
	const char *name;
	enum st_phase phase;
	/* Decides from the path (head == NULL) or from the first bytes of the file. */
	enum st_match (*match)(const char *path, const char *name, const char *head, size_t head_len);
	/* Loads facts from the file; returns 0, or -1 after recording a diagnostic (the walk goes on). */
	int (*load)(struct st_ctx *ctx, const struct st_file *f);
};

extern const struct st_loader st_loaders[];
extern const size_t st_loaders_count;

struct st_walk_opts {
	size_t max_file_size; /* files larger than this are skipped with a diagnostic; 0 = default 4 MiB */
	int no_ignore;        /* 1: do not read .gitignore / .stacktuneignore */
};

/* dirs walked; regular files looked at (not ignored); files read and dispatched to their loaders; files some
 * loader wanted but that were rejected (too large, binary, unreadable: each has a diagnostic). */
struct st_walk_stats {
	size_t dirs, files, loaded, skipped;
};

/* Walks root recursively, dispatches matching files to the loaders; 0, or -1 when root cannot be read. */
int st_walk(struct st_ctx *ctx, const char *root, const struct st_walk_opts *opts, struct st_walk_stats *stats);

/* st_walk with an explicit loader table (tests pass their own); same results and return value. */
int st_walk_with(struct st_ctx *ctx, const char *root, const struct st_walk_opts *opts,
                 const struct st_loader *loaders, size_t n_loaders, struct st_walk_stats *stats);

/* Reads a file below ctx->root by repository-relative path with the walker's checks (inside the tree, not
 * binary, size limit). 0, or -1 after recording a diagnostic at `from` (may be NULL). Contents go to the arena. */
int st_file_read(struct st_ctx *ctx, const char *relpath, const struct st_origin *from, struct st_file *out);

/* ---- shared helpers for loaders --------------------------------------- */

/* A parsed connection URL or DSN. Strings are arena copies; password is never printed. */
struct st_url_param {
	const char *key, *value;
};
struct st_url {
	const char *scheme; /* "postgresql", "mysql", "redis", ... as written, lower-cased */
	const char *user;
	const char *password; /* NULL when absent */
	const char *host;
	int port;             /* 0 when absent */
	const char *database; /* path without '/', or redis db number as text */
	struct st_url_param *params;
	size_t n_params;
	const char *redacted; /* the whole URL with the password replaced by *** */
};

/* Parses scheme://[user[:password]@]host[:port][/db][?k=v&...]; 0 or -1 (not a URL). Percent-decodes parts. */
int st_url_parse(struct st_ctx *ctx, const char *s, size_t n, struct st_url *out);
/* Records facts prefix.scheme/.user/.password(secret)/.host/.port/.database/.param.K from a parsed URL. */
void st_url_facts(struct st_ctx *ctx, const char *prefix, const char *component, const struct st_url *u,
                  const struct st_origin *o, int layer);
/* Returns a copy of text with the password of any URL inside it replaced by ***, or NULL when none. */
const char *st_url_redact(struct st_ctx *ctx, const char *text);
/* Parses a connection string: a URL, else a Go MySQL DSN (user:pass@tcp(host:3306)/db, scheme "mysql"), else
 * a libpq key=value string with host=, dbname= or user= (scheme "postgresql"); 0 or -1 (none of them). */
int st_dsn_parse(struct st_ctx *ctx, const char *s, size_t n, struct st_url *out);

/* ---- loaders (one per format; each has one line in st_loaders[]) ------ */

/* .env files: .env, .env.*, *.env; facts env.<path>.<KEY> (+ .<part> for connection URLs). */
enum st_match st_dotenv_match(const char *path, const char *name, const char *head, size_t head_len);
int st_dotenv_load(struct st_ctx *ctx, const struct st_file *f);

/* my.cnf / MySQL and MariaDB option files (my.cnf, mariadb.cnf, *.cnf under mysql/, conf.d/, mariadb.conf.d/).
 * Facts "<component>.<option>" for the groups the server reads, "<component>.kind", "mycnf.<path>.groups",
 * "mycnf.<path>.[group].<option>" for the other groups (client passwords secret). See src/loaders/mycnf.c. */
enum st_match st_mycnf_match(const char *path, const char *name, const char *head, size_t head_len);
int st_mycnf_load(struct st_ctx *ctx, const struct st_file *f);

/* Django settings modules (settings.py, any .py in a settings/ package, *settings*.py): facts
 * "<app>.django.<SETTING>" with DATABASES.<alias>.<KEY>, CACHES.<alias>.<KEY> (+ .redis_db), CELERY_*,
 * SESSION_*, DEBUG, ALLOWED_HOSTS, SECRET_KEY (secret), REST_FRAMEWORK paging; values resolved against .env
 * facts. See src/loaders/pysettings.c. */
enum st_match st_pysettings_match(const char *path, const char *name, const char *head, size_t head_len);
int st_pysettings_load(struct st_ctx *ctx, const struct st_file *f);

/* Process servers and workers: start scripts (*.sh), Procfile, gunicorn.conf.py, uwsgi.ini, supervisord
 * programs; facts "<app>.gunicorn.*", "<app>.celery.*", "<app>.uwsgi.*", "<app>.uvicorn.*". */
enum st_match st_procserver_match(const char *path, const char *name, const char *head, size_t head_len);
int st_procserver_load(struct st_ctx *ctx, const struct st_file *f);
/* Records the facts of one command line (a compose `command:`, a Procfile entry) for application app;
 * origin is where the command is written. 0, or -1 when the command is not a known server or worker. */
int st_procserver_command(struct st_ctx *ctx, const char *app, const char *path, const char *command,
                          const struct st_origin *origin);
/* A command written in another file as an argument vector (a compose service's entrypoint + command after
 * compose's own decoding): the caller maps byte ranges of each word back to its file and gives the process's
 * environment. `sh -c SCRIPT` runs SCRIPT as a shell would, against that environment. */
struct st_proc_argv {
	const char *path;          /* the file holding the command */
	const char *service;       /* the compose service that runs it (recorded as <app>.<server>.service) */
	const char *const *words;
	size_t n;
	/* The origin of bytes [off, off+len) of words[i]. */
	struct st_origin (*origin)(void *user, size_t i, size_t off, size_t len);
	/* The process's environment variable name: 1 with *value, *origin and *secret, 0 when unset. */
	int (*getenv)(void *user, const char *name, const char **value, struct st_origin *origin, int *secret);
	void *user;
};
/* Records the facts of a (known server or worker) command for application app, or, when app already holds the
 * same server for another service, for the service's own name. 0, or -1 when no known program is found. */
int st_procserver_argv(struct st_ctx *ctx, const char *app, const struct st_proc_argv *cmd);

/* Go sources (*.go but not *_test.go or vendor/): database/sql / GORM / sqlx / pgxpool pool settings, driver, DSN
 * variable, listen port; facts "<app>.go.pool.*", "<app>.go.driver", "<app>.go.dsn_env", "<app>.port",
 * "<app>.kind" = "go", where app is named after the directory holding go.mod. See src/loaders/goscan.c. */
enum st_match st_goscan_match(const char *path, const char *name, const char *head, size_t head_len);
int st_goscan_load(struct st_ctx *ctx, const struct st_file *f);
/* JavaScript / TypeScript sources (tests skipped; load-test scripts only as callers): pg / knex / Sequelize /
 * TypeORM / mysql2 pools, listen ports, called URLs; facts "<app>.node.pool.max" (+ .min, .library, .driver),
 * "<app>.port", "<app>.calls.<n>.url/.host/.port", "<app>.kind" = "node". See src/loaders/jsscan.c. */
enum st_match st_jsscan_match(const char *path, const char *name, const char *head, size_t head_len);
int st_jsscan_load(struct st_ctx *ctx, const struct st_file *f);
/* Prisma schemas (*.prisma): datasource and the pool of the URL it uses; facts "<app>.prisma.provider", ".url_env",
 * ".pool.max" (connection_limit or 2 x CPUs + 1), ".pool_timeout", ".pgbouncer", ".host". See src/loaders/prisma.c. */
enum st_match st_prisma_match(const char *path, const char *name, const char *head, size_t head_len);
int st_prisma_load(struct st_ctx *ctx, const struct st_file *f);
/* Ports from package.json scripts (next -p, vite --port, PORT=..., framework defaults), client base URLs in .env
 * files and artillery targets; facts "<app>.port", "<app>.calls.<n>.*". See src/loaders/ports.c. */
enum st_match st_ports_match(const char *path, const char *name, const char *head, size_t head_len);
int st_ports_load(struct st_ctx *ctx, const struct st_file *f);

/* The environment-variable index (sources, scripts, Dockerfiles, YAML, .env): facts envidx.read.<VAR> and
 * envidx.testread.<VAR> (one per reading file), envidx.prefix.<P>, envidx.computed.<path>, envidx.def.<VAR>
 * (Dockerfile ENV, shell export). See src/loaders/envindex.c; the model derives envvar.<VAR>.* from them. */
enum st_match st_envindex_match(const char *path, const char *name, const char *head, size_t head_len);
int st_envindex_load(struct st_ctx *ctx, const struct st_file *f);

/* The MySQL/MariaDB server variables table (generated from data/mysql_vars_*.tsv). */
enum st_mysql_var_type {
	ST_MYSQL_INT = 0,
	ST_MYSQL_SIZE,     /* bytes; K M G T P E suffixes */
	ST_MYSQL_BOOL,
	ST_MYSQL_ENUM,
	ST_MYSQL_SET,
	ST_MYSQL_STRING,
	ST_MYSQL_REAL,
	ST_MYSQL_DURATION, /* a number of unit_usec units (seconds, ms or us) */
};
enum {
	ST_MYSQL_MARIADB = 1,     /* MariaDB 10.11 has it (measured on a real server) */
	ST_MYSQL_MYSQL80 = 2,     /* MySQL 8.0 has it (manual) */
	ST_MYSQL_MYSQL84 = 4,     /* MySQL 8.4 has it (manual) */
	ST_MYSQL_MYSQL_KNOWN = 8, /* the MySQL bits are known; without it MySQL support is unverified */
};
struct st_mysql_var {
	const char *name;            /* lower case, '_' separated */
	enum st_mysql_var_type type;
	int64_t unit_usec;           /* DURATION: microseconds per unit */
	char numeric;                /* 'u' unsigned, 's' signed, 'd' double, '-' not numeric */
	unsigned flavours;           /* ST_MYSQL_MARIADB | ... */
	int dynamic;                 /* 1: SET GLOBAL applies it; 0: needs a restart */
	int in_option_file;          /* 0: a session/status variable MariaDB refuses in an option file */
	const char *default_mariadb; /* as SHOW VARIABLES prints it; NULL when unknown */
	const char *default_mysql;
	int has_range;               /* min/max/block are valid (integers) */
	int64_t min, max, block;
	const char *values;          /* enum/set/bool value list, comma-separated; NULL otherwise */
};
extern const struct st_mysql_var st_mysql_vars_table[];
extern const size_t st_mysql_vars_count;
/* Returns the variable named name ('-' and '_' alike, case-insensitive), or NULL. */
const struct st_mysql_var *st_mysql_var_find(const char *name);
/* Returns the closest variable name within a small edit distance (for "did you mean"), or NULL. */
const char *st_mysql_var_suggest(const char *name);

/* .stacktune.yaml at the repository root: hosts (cpus, memory, profile) and the services each runs; facts
 * "hosts.<host>.*" and "hostmap.<service>" = host. See src/loaders/stconfig.c. */
enum st_match st_stconfig_match(const char *path, const char *name, const char *head, size_t head_len);
int st_stconfig_load(struct st_ctx *ctx, const struct st_file *f);

/* docker-compose files: services, server flags, environment, replicas, limits, ports, volume/build links. */
enum st_match st_compose_match(const char *path, const char *name, const char *head, size_t head_len);
int st_compose_load(struct st_ctx *ctx, const struct st_file *f);

/* PostgreSQL settings of majors 12-17: a real 15 server's pg_settings (data/pg_settings_15.tsv, hidden enum
 * spellings in data/pg_enum_aliases_15.tsv) plus the differences of the other majors from the release notes
 * (data/pg_settings_versions.tsv); the C table is generated at build time by src/loaders/pg_settings_gen.py. */
enum st_pg_type { ST_PG_BOOL, ST_PG_INT, ST_PG_REAL, ST_PG_ENUM, ST_PG_STRING };
enum st_pg_unit_kind { ST_PG_UNIT_NONE, ST_PG_UNIT_BYTES, ST_PG_UNIT_USEC };
struct st_pg_setting {
	const char *name; /* lower case */
	enum st_pg_type type;
	enum st_pg_unit_kind unit_kind;
	int64_t unit_mult; /* bytes or microseconds per unit of a bare number (8192 for shared_buffers) */
	const char *unit;  /* as pg_settings prints it: "8kB", "ms", "" */
	const char *boot_val, *min_val, *max_val; /* PostgreSQL 15's (or the first major's when not in 15) */
	const char *enumvals; /* comma-separated, or NULL */
	const char *context;  /* postmaster (restart), sighup (reload), superuser, user, internal, ... */
	const char *const *enum_names;   /* the listed values, NULL-terminated; NULL for other types */
	const char *const *enum_aliases; /* pairs {alias, shown}, NULL-terminated: hidden spellings (true/on,
	                                  * hot_standby/replica) and listed ones the server shows under another name
	                                  * (wal_compression on/pglz); NULL when none */
	int first_major, last_major; /* the majors (12..17) that have it */
	const char *older_defaults;  /* other boot values of older majors, "12-13=0.5,14=..."; NULL when none */
};
extern const struct st_pg_setting st_pg_settings_table[];
extern const size_t st_pg_settings_count;
/* Returns the setting named name (case-insensitive) in any major 12-17, or NULL. */
const struct st_pg_setting *st_pg_setting_find(const char *name);
/* Types a value as PostgreSQL's guc.c does for this setting (parse_int with units and rounding, parse_real,
 * parse_bool with prefixes, enums with hidden spellings, range checks): sizes as ST_VAL_SIZE bytes, times as
 * ST_VAL_DURATION microseconds (negative values of unit settings, the documented -1 "disabled/auto", stay
 * ST_VAL_INT in base units), enums and DateStyle as the canonical text the server shows; otherwise
 * out->text = text. 0, or -1 with *err (a static message). */
int st_pg_setting_value(const struct st_pg_setting *s, const char *text, struct st_value *out, const char **err);
/* Returns the closest setting name of major (0: any) for a "did you mean", or NULL when nothing is close. */
const char *st_pg_setting_suggest(const char *name, int major);
/* Returns 1 when setting s exists in PostgreSQL major (12..17; 0 = any). */
int st_pg_setting_in_major(const struct st_pg_setting *s, int major);

/* postgresql.conf (+ include / include_if_exists / include_dir, then postgresql.auto.conf beside it, layer
 * ST_LAYER_AUTO_CONF) exactly as PostgreSQL's guc-file.l reads it; facts "<component>.<setting>" (lower case,
 * typed by st_pg_setting_value), "<component>.kind" = "postgresql", "<component>.config_file". Also matches a lone
 * postgresql.auto.conf, postgresql*.conf / postgres.conf, and *.conf in a postgres* / pg directory whose head
 * looks like PostgreSQL settings, each only when no postgresql*.conf reaches it through includes. See
 * src/loaders/pgconf.c. */
enum st_match st_pgconf_match(const char *path, const char *name, const char *head, size_t head_len);
int st_pgconf_load(struct st_ctx *ctx, const struct st_file *f);

/* pgbouncer.ini (+ %include) as PgBouncer reads it: facts "<component>.<parameter>" for [pgbouncer] (typed: ints,
 * durations in seconds, lookups), "<component>.databases.<db>.<param>" (password secret), ".users.<u>.<param>",
 * ".peers.<id>.<param>"; "<component>.kind" = "pgbouncer" when nothing named it before. See src/loaders/pgbouncer.c. */
enum st_pgbouncer_type { ST_PGB_INT, ST_PGB_UINT, ST_PGB_TIME, ST_PGB_STRING, ST_PGB_LOOKUP };
struct st_pgbouncer_setting {
	const char *name;
	enum st_pgbouncer_type type; /* ST_PGB_TIME: seconds, fractions allowed */
	const char *default_value;   /* as PgBouncer's table writes it; NULL when none */
	const char *values;          /* ST_PGB_LOOKUP: the accepted values, comma-separated */
	int secret;
};
extern const struct st_pgbouncer_setting st_pgbouncer_settings[];
extern const size_t st_pgbouncer_settings_count;
/* Returns the [pgbouncer] parameter named name (case-sensitive, as PgBouncer matches), or NULL. */
const struct st_pgbouncer_setting *st_pgbouncer_setting_find(const char *name);
/* Returns the closest parameter name within a small edit distance (for "did you mean"), or NULL. */
const char *st_pgbouncer_setting_suggest(const char *name);
enum st_match st_pgbouncer_match(const char *path, const char *name, const char *head, size_t head_len);
int st_pgbouncer_load(struct st_ctx *ctx, const struct st_file *f);

#endif
