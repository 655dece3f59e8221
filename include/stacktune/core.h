/* core: arena, string buffer, diagnostics, units, values with provenance, the fact store. */
#ifndef STACKTUNE_CORE_H
#define STACKTUNE_CORE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define ST_VERSION "0.1.0"

/* ---- arena ------------------------------------------------------------ */

struct st_arena_block;
struct st_arena {
	struct st_arena_block *head;
	size_t total;
};

/* Allocates n zeroed bytes from the arena (8-byte aligned); NULL when memory is exhausted. */
void *st_arena_alloc(struct st_arena *a, size_t n);
/* Copies n bytes of s into the arena and adds a NUL; NULL on allocation failure. */
char *st_arena_strndup(struct st_arena *a, const char *s, size_t n);
/* Copies the NUL-terminated s into the arena; NULL on allocation failure or when s is NULL. */
char *st_arena_strdup(struct st_arena *a, const char *s);
/* printf into the arena; NULL on failure. */
char *st_arena_printf(struct st_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Releases every block of the arena; the arena can be reused afterwards. */
void st_arena_free(struct st_arena *a);

/* ---- growable string buffer (heap) ------------------------------------ */

struct st_buf {
	char *data; /* always NUL-terminated when len > 0 or after st_buf_cstr */
	size_t len;
	size_t cap;
	int failed; /* set once an allocation failed; later appends are ignored */
};

/* Appends n bytes; returns 0, or -1 (and sets failed) on allocation failure. */
int st_buf_put(struct st_buf *b, const void *s, size_t n);
/* Appends a NUL-terminated string; 0 or -1. */
int st_buf_puts(struct st_buf *b, const char *s);
/* Appends one byte; 0 or -1. */
int st_buf_putc(struct st_buf *b, char c);
/* Appends formatted text; 0 or -1. */
int st_buf_printf(struct st_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* va_list form of st_buf_printf. */
int st_buf_vprintf(struct st_buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Returns the contents as a C string ("" when empty). */
const char *st_buf_cstr(struct st_buf *b);
/* Frees the storage and resets the buffer to empty. */
void st_buf_free(struct st_buf *b);
/* Appends s as a JSON string literal (quotes and escapes; invalid UTF-8 becomes U+FFFD). */
int st_buf_json_string(struct st_buf *b, const char *s);

/* ---- origins (provenance) -------------------------------------------- */

enum st_origin_kind {
	ST_ORIGIN_NONE = 0,
	ST_ORIGIN_FILE,     /* file:line:col inside the audited tree */
	ST_ORIGIN_HOST,     /* probed from this machine; file = the source (e.g. /proc/meminfo) */
	ST_ORIGIN_LIVE,     /* a live server; file = "HOST:PORT" */
	ST_ORIGIN_PROFILE,  /* a profile; file = profile path, line set when known */
	ST_ORIGIN_DEFAULT,  /* a built-in default, assumed; detail says whose default */
	ST_ORIGIN_COMPUTED, /* derived from other facts; detail says how */
	ST_ORIGIN_CLI,      /* a command-line option; detail = the option */
};

struct st_origin {
	enum st_origin_kind kind;
	const char *file;   /* see the kinds above; repository-relative for ST_ORIGIN_FILE */
	unsigned line, col; /* 1-based; 0 = unknown */
	/* byte spans in the file, for tune: the value token and the whole line (without newline) */
	size_t value_off, value_len;
	size_t line_off, line_len;
	const char *detail; /* free text: "Prisma default 2 x CPUs + 1", "--cpus" ... */
};

/* Returns a file origin with line/col and no spans. */
struct st_origin st_origin_file(const char *file, unsigned line, unsigned col);
/* Returns the name of an origin kind ("file", "host", "live", "profile", "default", "computed", "cli"). */
const char *st_origin_kind_name(enum st_origin_kind k);
/* Appends a short human form: "path:12:3", "default (assumed): detail", "live:h:5432", ... */
int st_origin_format(struct st_buf *b, const struct st_origin *o);

/* ---- diagnostics ------------------------------------------------------ */

enum st_severity { ST_SEV_INFO = 0, ST_SEV_WARNING = 1, ST_SEV_ERROR = 2 };

/* Returns "info", "warning" or "error". */
const char *st_severity_name(enum st_severity s);
/* Parses a severity name into *out; 0 or -1. */
int st_severity_parse(const char *s, enum st_severity *out);

struct st_diag {
	enum st_severity severity;
	struct st_origin origin;
	const char *message; /* never contains a secret value */
};

struct st_diags {
	struct st_diag *items;
	size_t n, cap;
};

/* ---- values ----------------------------------------------------------- */

enum st_value_kind {
	ST_VAL_NONE = 0, /* unknown / could not be evaluated */
	ST_VAL_INT,
	ST_VAL_REAL,
	ST_VAL_SIZE,     /* bytes, in i */
	ST_VAL_DURATION, /* microseconds, in i */
	ST_VAL_BOOL,
	ST_VAL_STRING,
	ST_VAL_LIST,
};

struct st_value {
	enum st_value_kind kind;
	int secret;         /* the whole value is secret: rendered as *** */
	int64_t i;          /* INT, SIZE (bytes), DURATION (us), BOOL (0/1) */
	double r;           /* REAL */
	const char *text;   /* the text as written (may be NULL); never printed when secret */
	const char *redacted; /* display form with embedded secrets replaced by ***, or NULL */
	struct st_value *items;
	size_t n_items;
};

/* Returns a value of the given kind; s is borrowed and must outlive the value. */
struct st_value st_value_int(int64_t v);
struct st_value st_value_real(double v);
struct st_value st_value_size(int64_t bytes);
struct st_value st_value_duration(int64_t usec);
struct st_value st_value_bool(int v);
struct st_value st_value_string(const char *s);
struct st_value st_value_unknown(const char *why);
/* Returns the name of a kind ("int", "real", "size", ...). */
const char *st_value_kind_name(enum st_value_kind k);
/* Returns the unit name for JSON ("bytes" for sizes, "ms" for durations) or NULL. */
const char *st_value_unit(const struct st_value *v);
/* Appends the value for people: "***" for secrets, redacted text, "8GB"-style sizes, "5s" durations. */
int st_value_format(struct st_buf *b, const struct st_value *v);
/* Appends the value as JSON: "***" for secrets, numbers for numeric kinds (durations in ms). */
int st_value_json(struct st_buf *b, const struct st_value *v);

/* ---- units ------------------------------------------------------------ */

enum st_unit_style {
	ST_UNITS_ANY = 0, /* lenient: 8G, 8GB, 8GiB, 8 GiB, 8gb, 8192MB, 128M, 1.5G */
	ST_UNITS_PG,      /* PostgreSQL: kB MB GB TB (case-sensitive), B, ms s min h d, us */
	ST_UNITS_MYSQL,   /* MySQL/MariaDB: K M G T P E, case-insensitive, x1024 */
};

/* Parses a size; a bare number is in multiples of base_bytes. 0, or -1 with *err set (garbage, overflow). */
int st_size_parse(const char *s, size_t n, enum st_unit_style style, int64_t base_bytes, int64_t *out,
                  const char **err);
/* Parses a duration into microseconds; a bare number is in multiples of base_usec. 0 or -1 with *err. */
int st_duration_parse(const char *s, size_t n, enum st_unit_style style, int64_t base_usec, int64_t *out,
                      const char **err);
/* Parses a whole decimal integer (optional sign, optional 0x for hex); 0 or -1 with *err. */
int st_int_parse(const char *s, size_t n, int64_t *out, const char **err);
/* Appends a size in the largest exact binary unit: "8GB", "128MB", "1536kB", "7B". */
int st_size_format(struct st_buf *b, int64_t bytes);
/* Appends a duration in the largest exact unit: "5min", "200ms", "1h", "250us". */
int st_duration_format(struct st_buf *b, int64_t usec);

/* ---- secrets ---------------------------------------------------------- */

/* Returns 1 when a key name looks like it holds a secret (password, secret, token, key, credential...). */
int st_secret_name(const char *name, size_t n);

/* ---- facts ------------------------------------------------------------ */

/* Precedence layers: a value in a higher layer overrides one in a lower layer whatever the load order;
 * inside one layer the later value wins. Gaps leave room. */
enum st_layer {
	ST_LAYER_DEFAULT = 0,
	ST_LAYER_HOST = 10,
	ST_LAYER_PROFILE = 20,
	ST_LAYER_FILE = 30,       /* config files (postgresql.conf, my.cnf, settings.py, .env ...) */
	ST_LAYER_AUTO_CONF = 40,  /* postgresql.auto.conf */
	ST_LAYER_ENVIRONMENT = 50, /* compose environment: */
	ST_LAYER_COMMAND = 60,    /* command-line flags (-c, --max-connections) */
	ST_LAYER_CLI = 70,        /* stacktune's own --cpus/--memory */
	ST_LAYER_LIVE = 80,
};

struct st_fact {
	const char *name;
	const char *component; /* may be NULL */
	struct st_value value;
	struct st_origin origin;
	int layer;
	unsigned seq; /* global set order, for stable last-wins inside a layer */
	/* computed facts: the facts they were derived from (findings cite their locations) */
	const struct st_fact *const *from;
	size_t n_from;
};

struct st_fact_entry {
	const char *name;
	struct st_fact **chain; /* oldest/lowest first; chain[n-1] is effective */
	size_t n, cap;
};

struct st_facts {
	struct st_fact_entry *slots; /* open addressing */
	size_t n_slots, n_used;
	unsigned seq;
};

/* ---- context ---------------------------------------------------------- */

/* A string-keyed table of pointers for results worth computing once per run (keys and values in the arena). */
struct st_memo {
	const char **keys;
	void **vals;
	size_t n, cap; /* cap is 0 or a power of two */
};

struct st_ctx {
	struct st_arena arena;
	struct st_diags diags;
	struct st_facts facts;
	struct st_memo memo;
	const char *root; /* audited path as given */
	int verbose;
	int oom;          /* set once any allocation failed */
};

/* Initialises a context (empty arena, no facts, no diagnostics). */
void st_ctx_init(struct st_ctx *ctx);
/* Releases everything the context owns. */
void st_ctx_free(struct st_ctx *ctx);
/* Records a diagnostic (message formatted into the arena); returns -1 so callers can `return st_diag(...)`. */
int st_diag(struct st_ctx *ctx, enum st_severity sev, const struct st_origin *o, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* va_list form of st_diag; returns -1. */
int st_vdiag(struct st_ctx *ctx, enum st_severity sev, const struct st_origin *o, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));
/* Returns how many diagnostics of severity >= sev were recorded. */
size_t st_diag_count(const struct st_ctx *ctx, enum st_severity sev);

/* Returns the memo slot of key (created holding NULL, the key copied), or NULL when out of memory. */
void **st_memo_slot(struct st_ctx *ctx, const char *key);

/* Adds a value for name (copied) to the store; returns the new fact or NULL on allocation failure. */
struct st_fact *st_fact_set(struct st_ctx *ctx, const char *name, const char *component, struct st_value v,
                            const struct st_origin *o, int layer);
/* Returns the effective fact for name, or NULL. */
const struct st_fact *st_fact_get(const struct st_ctx *ctx, const char *name);
/* Returns the chain entry for name (all values in override order), or NULL. */
const struct st_fact_entry *st_fact_entry(const struct st_ctx *ctx, const char *name);
/* Returns the entries sorted by name in a newly allocated (arena) array; *n receives the count. */
const struct st_fact_entry **st_fact_sorted(struct st_ctx *ctx, size_t *n);

/* ---- files ------------------------------------------------------------ */

/* Writes data to path atomically: temp file in the same directory, fsync, rename; an existing file keeps its
 * mode and owner. Never leaves a partial file. 0, or -1 with errno set. */
int st_write_atomic(const char *path, const void *data, size_t n);

#endif
