/* docker-compose files: services become components. Server images give the kind and version, command-line
 * flags (postgres -c, mysqld --x=y, redis-server --x y) override config files, environment (+ env_file),
 * replicas, resource limits, ports, and the volume and build links that tie repository files and application
 * directories to services. Read with libyaml's document API (marks on every node); anchors and aliases are
 * libyaml's, merge keys (<<: *x, <<: [*a, *b]) are honoured here; x- extension fields are ignored.
 *
 * The walk is per service (struct service) over small tables: known images (kind, how the tag gives the major
 * version) and known server binaries (how their flags are written). The application side (app services, their
 * commands) is meant to grow in the same walk.
 *
 * Decisions:
 *   - ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?err}, ${VAR?err}, ${VAR:+alt}, $VAR and $$ are interpolated
 *     from the .env next to the compose file (the project .env compose reads; facts "env.<dir>/.env.<KEY>" from
 *     the ENV phase); the shell environment of whoever runs compose is unknown. An unset variable becomes "" (as
 *     compose does) with an info diagnostic. A value built from a secret variable is secret.
 *   - A flag value's origin points at the value inside the YAML scalar when the scalar is on one line (plain,
 *     single- or double-quoted: the quoting is walked to map offsets); for block and multi-line scalars it is
 *     the scalar's start.
 *   - docker-compose.yml (+ .override) is what `docker compose up` merges; another compose file beside it
 *     (docker-compose.production.yml) is an alternative used with -f, not a layer on top: not loaded (info).
 *   - <svc>.replicas is recorded for every service: deploy.replicas, else scale, else 1 (a default, assumed). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "stacktune/loaders.h"

#define MAX_MERGE_DEPTH 16   /* nested merge keys followed */
#define MAX_TOKENS      1024 /* command words considered */
#define MAX_PORT_RANGE  128  /* ports expanded from one range */
#define MAX_MOUNTS      64

struct compose {
	struct st_ctx *ctx;
	const struct st_file *f;
	yaml_document_t *doc;
	const char *dir;    /* the compose file's directory, "" at the root */
	const char *dotenv; /* fact prefix of the project .env: "env.<dir>/.env." */
};

/* ---- tables ----------------------------------------------------------- */

/* Known images, by the last path component of the repository name (any registry or namespace). */
enum version_style { VERSION_MAJOR, VERSION_MAJOR_MINOR, VERSION_FULL };
static const struct image {
	const char *name;
	const char *kind;
	enum version_style version;
} images[] = {
    {"postgres", "postgresql", VERSION_MAJOR},
    {"postgresql", "postgresql", VERSION_MAJOR},
    {"postgis", "postgresql", VERSION_MAJOR},
    {"timescaledb", "postgresql", VERSION_MAJOR},
    {"mysql", "mysql", VERSION_MAJOR_MINOR},
    {"mysql-server", "mysql", VERSION_MAJOR_MINOR},
    {"percona-server", "mysql", VERSION_MAJOR_MINOR},
    {"mariadb", "mariadb", VERSION_MAJOR_MINOR},
    {"redis", "redis", VERSION_MAJOR},
    {"valkey", "redis", VERSION_MAJOR},
    {"pgbouncer", "pgbouncer", VERSION_FULL},
};

/* Known server binaries and how their flags are written. */
enum flag_style {
	FLAGS_POSTGRES, /* -c name=value, -cname=value, --name=value (dashes are underscores), -B -N -p -h -k -S -F -l
	                 */
	FLAGS_MYSQLD,   /* --name=value, --name value, --skip-name, --enable-/--disable-name, --loose-name, --name */
	FLAGS_REDIS,    /* [config file] --name value [value...] */
};
static const struct server {
	const char *binary;
	const char *kind;
	enum flag_style style;
} servers[] = {
    {"postgres", "postgresql", FLAGS_POSTGRES}, {"postmaster", "postgresql", FLAGS_POSTGRES},
    {"mysqld", "mysql", FLAGS_MYSQLD},          {"mariadbd", "mariadb", FLAGS_MYSQLD},
    {"redis-server", "redis", FLAGS_REDIS},     {"valkey-server", "redis", FLAGS_REDIS},
};

/* postgres' short options that set a setting (src/backend/main + postmaster.c). */
static const struct {
	char opt;
	const char *setting;
	const char *value; /* fixed value for flags without an argument */
} pg_short[] = {
    {'B', "shared_buffers", NULL},
    {'N', "max_connections", NULL},
    {'p', "port", NULL},
    {'h', "listen_addresses", NULL},
    {'k', "unix_socket_directories", NULL},
    {'S', "work_mem", NULL},
    {'F', "fsync", "off"},
    {'l', "ssl", "on"},
};

/* ---- YAML helpers ----------------------------------------------------- */

static yaml_node_t *node(struct compose *c, int id)
{
	return yaml_document_get_node(c->doc, id);
}

static const char *raw_scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static yaml_node_t *get_depth(struct compose *c, const yaml_node_t *map, const char *key, int depth)
{
	if (!map || map->type != YAML_MAPPING_NODE || depth > MAX_MERGE_DEPTH)
		return NULL;
	yaml_node_t *found = NULL;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		const char *k = raw_scalar(node(c, p->key));
		if (k && strcmp(k, key) == 0)
			found = node(c, p->value);
	}
	if (found)
		return found;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		const char *k = raw_scalar(node(c, p->key));
		if (!k || strcmp(k, "<<") != 0)
			continue;
		yaml_node_t *v = node(c, p->value);
		if (v && v->type == YAML_MAPPING_NODE && (found = get_depth(c, v, key, depth + 1)))
			return found;
		if (v && v->type == YAML_SEQUENCE_NODE) /* earlier maps in the list win */
			for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++)
				if ((found = get_depth(c, node(c, *it), key, depth + 1)))
					return found;
	}
	return NULL;
}

/* Looks up key in a mapping, following merge keys; NULL when absent. */
static yaml_node_t *get(struct compose *c, const yaml_node_t *map, const char *key)
{
	return get_depth(c, map, key, 0);
}

struct pair {
	const char *key;
	yaml_node_t *key_node, *value;
};

/* The pairs of a mapping with merge keys resolved (explicit keys win, then merges in order); arena array. */
static size_t pairs_depth(struct compose *c, const yaml_node_t *map, struct pair **out, size_t n, size_t *cap,
                          int depth)
{
	if (!map || map->type != YAML_MAPPING_NODE || depth > MAX_MERGE_DEPTH)
		return n;
	for (int pass = 0; pass < 2; pass++)
		for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
			const char *k = raw_scalar(node(c, p->key));
			if (!k)
				continue;
			int merge = strcmp(k, "<<") == 0;
			if (pass == 0 && !merge) {
				size_t j = 0;
				while (j < n && strcmp((*out)[j].key, k) != 0)
					j++;
				if (j < n)
					continue; /* a key already given (by the including map, or twice: libyaml keeps
					             both) */
				if (n == *cap) {
					size_t nc = *cap ? *cap * 2 : 16;
					struct pair *np = st_arena_alloc(&c->ctx->arena, nc * sizeof(*np));
					if (!np) {
						c->ctx->oom = 1;
						return n;
					}
					if (n)
						memcpy(np, *out, n * sizeof(*np));
					*out = np;
					*cap = nc;
				}
				(*out)[n++] =
				    (struct pair){.key = k, .key_node = node(c, p->key), .value = node(c, p->value)};
			} else if (pass == 1 && merge) {
				yaml_node_t *v = node(c, p->value);
				if (v && v->type == YAML_SEQUENCE_NODE) {
					for (yaml_node_item_t *it = v->data.sequence.items.start;
					     it < v->data.sequence.items.top; it++)
						n = pairs_depth(c, node(c, *it), out, n, cap, depth + 1);
				} else {
					n = pairs_depth(c, v, out, n, cap, depth + 1);
				}
			}
		}
	return n;
}

static size_t pairs(struct compose *c, const yaml_node_t *map, struct pair **out)
{
	size_t cap = 0;
	*out = NULL;
	return pairs_depth(c, map, out, 0, &cap, 0);
}

/* ---- origins ---------------------------------------------------------- */

/* The file offset of byte `off` of a scalar's decoded value, when the scalar is on one line; else its start. */
static size_t scalar_offset(struct compose *c, const yaml_node_t *n, size_t off)
{
	size_t start = n->start_mark.index;
	if (n->type != YAML_SCALAR_NODE || n->start_mark.line != n->end_mark.line)
		return start;
	const char *s = c->f->data;
	size_t end = n->end_mark.index;
	switch (n->data.scalar.style) {
	case YAML_PLAIN_SCALAR_STYLE:
		return start + off <= end ? start + off : start;
	case YAML_SINGLE_QUOTED_SCALAR_STYLE: {
		size_t r = start + 1, d = 0;
		while (d < off && r < end) {
			r += s[r] == '\'' && r + 1 < end && s[r + 1] == '\'' ? 2 : 1;
			d++;
		}
		return r;
	}
	case YAML_DOUBLE_QUOTED_SCALAR_STYLE: {
		size_t r = start + 1, d = 0;
		while (d < off && r < end) {
			if (s[r] != '\\' || r + 1 >= end) {
				r++;
				d++;
				continue;
			}
			char e = s[r + 1];
			size_t hex = e == 'x' ? 2 : e == 'u' ? 4 : e == 'U' ? 8 : 0;
			unsigned long cp =
			    hex ? strtoul(st_arena_strndup(&c->ctx->arena, s + r + 2, hex), NULL, 16) : 0;
			r += 2 + hex;
			d += !hex ? 1 : cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
		}
		return r;
	}
	default:
		return start;
	}
}

/* Origin of `len` decoded bytes at offset `off` of node n's value (the whole node when len == 0). */
static struct st_origin at(struct compose *c, const yaml_node_t *n, size_t off, size_t len)
{
	size_t b = off ? scalar_offset(c, n, off) : n->start_mark.index;
	size_t e = len ? scalar_offset(c, n, off + len) : n->end_mark.index;
	if (len && (b == n->start_mark.index && off)) /* not mappable: the whole scalar */
		e = n->end_mark.index;
	if (e < b || e > c->f->size)
		e = b;
	size_t ls = b;
	while (ls > 0 && c->f->data[ls - 1] != '\n')
		ls--;
	size_t le = b;
	while (le < c->f->size && c->f->data[le] != '\n')
		le++;
	struct st_origin o = st_origin_file(c->f->path, (unsigned)n->start_mark.line + 1, (unsigned)(b - ls + 1));
	o.value_off = b;
	o.value_len = e - b;
	o.line_off = ls;
	o.line_len = le - ls;
	return o;
}

static void fact(struct compose *c, const char *svc, const char *name, struct st_value v, const struct st_origin *o,
                 int layer)
{
	const char *full = name ? st_arena_printf(&c->ctx->arena, "%s.%s", svc, name) : NULL;
	if (!full || !st_fact_set(c->ctx, full, svc, v, o, layer))
		c->ctx->oom = 1;
}

/* ---- interpolation ---------------------------------------------------- */

struct text {
	const char *s; /* arena, interpolated */
	int secret;    /* took text from a secret variable */
	int changed;   /* differs from the scalar as written: offsets into it do not map */
};

static const struct st_fact *dotenv_var(struct compose *c, const char *name, size_t n)
{
	const char *fn = st_arena_printf(&c->ctx->arena, "%s%.*s", c->dotenv, (int)n, name);
	return fn ? st_fact_get(c->ctx, fn) : NULL;
}

/* Where each byte of an interpolated string comes from: its index in the scalar's value, or a variable. */
#define POS_NONE ((size_t)-1)
struct srcbyte {
	size_t pos;                /* index in the scalar's decoded value, POS_NONE for a variable's bytes */
	const struct st_fact *var; /* the .env fact a substituted byte comes from (NULL: literal or unset) */
};
struct srcmap {
	struct srcbyte *v;
	size_t n, cap;
};

static void map_put(struct compose *c, struct srcmap *m, size_t count, size_t pos, const struct st_fact *var)
{
	if (!m)
		return;
	if (m->n + count > m->cap) {
		size_t cap = m->cap ? m->cap : 64;
		while (cap < m->n + count)
			cap *= 2;
		struct srcbyte *nv = st_arena_alloc(&c->ctx->arena, cap * sizeof(*nv));
		if (!nv) {
			c->ctx->oom = 1;
			m->n = m->cap = 0;
			return;
		}
		if (m->n)
			memcpy(nv, m->v, m->n * sizeof(*nv));
		m->v = nv;
		m->cap = cap;
	}
	for (size_t k = 0; k < count; k++)
		m->v[m->n++] = (struct srcbyte){.pos = pos == POS_NONE ? POS_NONE : pos + k, .var = var};
}

static struct text interpolate_map(struct compose *c, const yaml_node_t *n, const char *s, struct srcmap *m,
                                   size_t base);

/* Compose's interpolation of one string; `n` is the scalar node (for diagnostics). */
static struct text interpolate(struct compose *c, const yaml_node_t *n, const char *s)
{
	return interpolate_map(c, n, s, NULL, 0);
}

/* interpolate, also appending to m (when not NULL) the source of each output byte; s starts at index base of the
 * scalar's value. */
static struct text interpolate_map(struct compose *c, const yaml_node_t *n, const char *s, struct srcmap *m,
                                   size_t base)
{
	struct text t = {.s = s};
	if (!strchr(s, '$')) {
		map_put(c, m, strlen(s), base, NULL);
		return t;
	}
	struct st_buf b = {0};
	t.changed = 1;
	for (size_t i = 0; s[i];) {
		if (s[i] != '$') {
			map_put(c, m, 1, base + i, NULL);
			st_buf_putc(&b, s[i++]);
			continue;
		}
		if (s[i + 1] == '$') {
			map_put(c, m, 1, base + i, NULL);
			st_buf_putc(&b, '$');
			i += 2;
			continue;
		}
		int braced = s[i + 1] == '{';
		size_t ns = i + 1 + braced, ne = ns;
		while (isalnum((unsigned char)s[ne]) || s[ne] == '_')
			ne++;
		if (ne == ns) {
			map_put(c, m, 1, base + i, NULL);
			st_buf_putc(&b, s[i++]);
			continue;
		}
		const char *op = "";
		const char *word = NULL;
		size_t wl = 0, after = ne;
		if (braced) {
			size_t depth = 1, k = ne;
			while (s[k] && depth) {
				if (s[k] == '{')
					depth++;
				else if (s[k] == '}')
					depth--;
				if (depth)
					k++;
			}
			if (!s[k]) { /* unterminated: compose refuses the file */
				struct st_origin o = at(c, n, 0, 0);
				st_diag(c->ctx, ST_SEV_ERROR, &o, "invalid interpolation: missing '}'");
				map_put(c, m, strlen(s + i), base + i, NULL);
				st_buf_puts(&b, s + i);
				break;
			}
			const char *ops[] = {":-", ":?", ":+", "-", "?", "+"};
			for (size_t q = 0; q < 6; q++)
				if (strncmp(s + ne, ops[q], strlen(ops[q])) == 0) {
					op = ops[q];
					word = s + ne + strlen(op);
					wl = k - (ne + strlen(op));
					break;
				}
			after = k + 1;
		}
		const struct st_fact *v = dotenv_var(c, s + ns, ne - ns);
		const char *val = v && v->value.text ? v->value.text : NULL;
		int set = val != NULL, nonempty = set && *val;
		int colon = op[0] == ':';
		char kind = op[colon];
		const char *out = NULL;
		size_t outl = 0;
		if (kind == '-' && (colon ? !nonempty : !set)) {
			out = word, outl = wl;
		} else if (kind == '+') {
			if (colon ? nonempty : set)
				out = word, outl = wl;
		} else if (kind == '?' && (colon ? !nonempty : !set)) {
			struct st_origin o = at(c, n, 0, 0);
			st_diag(c->ctx, ST_SEV_WARNING, &o,
			        "required variable %.*s is not set in %s: compose refuses to start", (int)(ne - ns),
			        s + ns, c->dotenv + 4);
		} else if (set) {
			out = val, outl = strlen(val);
			t.secret |= v->value.secret;
		} else {
			struct st_origin o = at(c, n, 0, 0);
			st_diag(c->ctx, ST_SEV_INFO, &o, "variable %.*s is not set in the project .env: read as empty",
			        (int)(ne - ns), s + ns);
		}
		if (out == word && word) { /* the default may itself hold variables (one level is enough here) */
			char *w = st_arena_strndup(&c->ctx->arena, word, wl);
			size_t wbase = base + (size_t)(word - s);
			struct text inner =
			    w && strchr(w, '$') ? interpolate_map(c, n, w, m, wbase) : (struct text){.s = w};
			if (inner.s && inner.s == w)
				map_put(c, m, strlen(w), wbase, NULL);
			if (inner.s)
				st_buf_puts(&b, inner.s);
			t.secret |= inner.secret;
		} else if (out) {
			map_put(c, m, outl, POS_NONE, v);
			st_buf_put(&b, out, outl);
		}
		i = after;
	}
	t.s = st_arena_strdup(&c->ctx->arena, st_buf_cstr(&b));
	if (!t.s)
		c->ctx->oom = 1;
	st_buf_free(&b);
	return t;
}

/* A scalar's interpolated text (arena), or NULL for non-scalars. */
static struct text text_of(struct compose *c, const yaml_node_t *n)
{
	const char *s = raw_scalar(n);
	if (!s)
		return (struct text){0};
	struct text t = interpolate(c, n, s);
	if (t.s == s) {
		t.s = st_arena_strdup(&c->ctx->arena, s);
		if (!t.s)
			c->ctx->oom = 1;
	}
	return t;
}

static const char *str(struct compose *c, const yaml_node_t *n)
{
	return text_of(c, n).s;
}

/* ---- values ----------------------------------------------------------- */

/* Types a server flag's value as the server would: PostgreSQL through the settings table, MySQL through the
 * variables table, Redis sizes; else integers, booleans, reals, strings. */
static struct st_value typed(struct st_ctx *ctx, const char *kind, const char *name, const char *text)
{
	size_t n = strlen(text);
	int64_t i;
	struct st_value v;
	const struct st_pg_setting *ps = strcmp(kind, "postgresql") == 0 ? st_pg_setting_find(name) : NULL;
	if (strcmp(kind, "mysql") == 0 || strcmp(kind, "mariadb") == 0) {
		const struct st_mysql_var *mv = st_mysql_var_find(name);
		if (mv && mv->type == ST_MYSQL_SIZE && st_size_parse(text, n, ST_UNITS_MYSQL, 1, &i, NULL) == 0)
			v = st_value_size(i);
		else if (mv && mv->type == ST_MYSQL_DURATION && st_int_parse(text, n, &i, NULL) == 0)
			v = st_value_duration(i * mv->unit_usec);
		else if (mv && mv->type == ST_MYSQL_BOOL &&
		         (!strcasecmp(text, "on") || !strcasecmp(text, "true") || !strcmp(text, "1") ||
		          !strcasecmp(text, "off") || !strcasecmp(text, "false") || !strcmp(text, "0")))
			v = st_value_bool(!strcasecmp(text, "on") || !strcasecmp(text, "true") || !strcmp(text, "1"));
		else if (st_int_parse(text, n, &i, NULL) == 0)
			v = st_value_int(i);
		else
			v = st_value_string(text);
	} else if (ps) {
		const char *err = NULL;
		if (st_pg_setting_value(ps, st_arena_strdup(&ctx->arena, text), &v, &err) < 0)
			v = st_value_unknown(err);
	} else if (st_int_parse(text, n, &i, NULL) == 0) {
		v = st_value_int(i);
	} else if (strcmp(kind, "redis") == 0 && n && isalpha((unsigned char)text[n - 1]) &&
	           st_size_parse(text, n, ST_UNITS_ANY, 1, &i, NULL) == 0) {
		v = st_value_size(i);
	} else if (!strcasecmp(text, "on") || !strcasecmp(text, "true") || !strcasecmp(text, "yes") ||
	           !strcasecmp(text, "off") || !strcasecmp(text, "false") || !strcasecmp(text, "no")) {
		v = st_value_bool(!strcasecmp(text, "on") || !strcasecmp(text, "true") || !strcasecmp(text, "yes"));
	} else {
		char *end;
		double r = strtod(text, &end);
		v = end != text && *end == '\0' ? st_value_real(r) : st_value_string(text);
	}
	v.text = st_arena_strdup(&ctx->arena, text);
	if (st_secret_name(name, strlen(name)))
		v.secret = 1;
	return v;
}

/* ---- commands --------------------------------------------------------- */

struct token {
	const char *text;        /* arena, unquoted */
	size_t off;              /* offset of the word in the node's decoded value (0 for sequence items) */
	const yaml_node_t *node; /* the scalar holding the word */
	int mappable;            /* offsets inside the word map to the file */
};

struct tokens {
	struct token *v;
	size_t n, cap;
};

static void push_token(struct compose *c, struct tokens *t, struct token tok)
{
	if (t->n >= MAX_TOKENS)
		return;
	if (t->n == t->cap) {
		size_t nc = t->cap ? t->cap * 2 : 32;
		struct token *nv = st_arena_alloc(&c->ctx->arena, nc * sizeof(*nv));
		if (!nv) {
			c->ctx->oom = 1;
			return;
		}
		if (t->n)
			memcpy(nv, t->v, t->n * sizeof(*nv));
		t->v = nv;
		t->cap = nc;
	}
	t->v[t->n++] = tok;
}

/* Splits a string command like a shell (quotes, backslashes), or takes a list as it is. */
static void split_command(struct compose *c, const yaml_node_t *n, struct tokens *out)
{
	if (n->type == YAML_SEQUENCE_NODE) {
		for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
			yaml_node_t *e = node(c, *it);
			struct text t = text_of(c, e);
			if (t.s)
				push_token(c, out,
				           (struct token){.text = t.s, .off = 0, .node = e, .mappable = !t.changed});
		}
		return;
	}
	struct text t = text_of(c, n);
	if (!t.s)
		return;
	const char *s = t.s;
	size_t len = strlen(s), i = 0;
	while (i < len) {
		while (i < len && isspace((unsigned char)s[i]))
			i++;
		if (i >= len)
			break;
		struct st_buf b = {0};
		size_t start = i;
		int quoted = 0;
		char q = 0;
		while (i < len && (q || !isspace((unsigned char)s[i]))) {
			char ch = s[i];
			if (q) {
				if (ch == q)
					q = 0;
				else if (ch == '\\' && q == '"' && i + 1 < len && strchr("\"\\$`", s[i + 1]))
					st_buf_putc(&b, s[++i]);
				else
					st_buf_putc(&b, ch);
			} else if (ch == '\'' || ch == '"') {
				q = ch;
				quoted = 1;
			} else if (ch == '\\' && i + 1 < len) {
				st_buf_putc(&b, s[++i]);
				quoted = 1;
			} else {
				st_buf_putc(&b, ch);
			}
			i++;
		}
		const char *w = st_arena_strdup(&c->ctx->arena, st_buf_cstr(&b));
		st_buf_free(&b);
		if (!w) {
			c->ctx->oom = 1;
			return;
		}
		/* a quoted word's offsets are exact up to its first quote; keep it simple: map the unquoted ones */
		push_token(c, out,
		           (struct token){.text = w, .off = start, .node = n, .mappable = !t.changed && !quoted});
	}
}

/* The origin of value bytes [voff, voff+vlen) of a token; the token (or its scalar) when not mappable. */
static struct st_origin token_origin(struct compose *c, const struct token *t, size_t voff, size_t vlen)
{
	struct st_origin o = t->mappable ? at(c, t->node, t->off + voff, vlen) : at(c, t->node, t->off, 0);
	o.detail = "command-line flag";
	return o;
}

struct service {
	struct compose *c;
	const char *name;
	const yaml_node_t *node;
	const char *kind;    /* from the image or the binary; NULL when unknown */
	const char *version; /* major version from the image tag; NULL when unknown */
	struct {
		const char *target; /* container path */
		const char *repo;   /* repository-relative host path */
	} mounts[MAX_MOUNTS];
	size_t n_mounts;
};

static void normalise_name(char *s, int dashes_to_underscores)
{
	for (; *s; s++) {
		*s = (char)tolower((unsigned char)*s);
		if (dashes_to_underscores && *s == '-')
			*s = '_';
	}
}

static void flag_fact(struct service *sv, const char *kind, char *name, const char *value, const struct token *vt,
                      size_t voff, size_t vlen)
{
	struct compose *c = sv->c;
	if (!name || !*name || !value)
		return;
	normalise_name(name, strcmp(kind, "redis") != 0); /* redis names keep their dashes (maxmemory-policy) */
	struct st_origin o = vt ? token_origin(c, vt, voff, vlen) : at(c, sv->node, 0, 0);
	/* config_file / defaults-file naming a file mounted from the repository: the fact is that repository file */
	if (!strcmp(name, "config_file") || !strcmp(name, "defaults_file"))
		for (size_t m = 0; m < sv->n_mounts; m++)
			if (!strcmp(sv->mounts[m].target, value)) {
				struct st_value pv = st_value_string(sv->mounts[m].repo);
				o.detail = st_arena_printf(&c->ctx->arena,
				                           "command-line flag: %s, mounted from the repository", value);
				fact(c, sv->name, "config_file", pv, &o, ST_LAYER_COMMAND);
				return;
			}
	struct st_value v = typed(c->ctx, kind, name, value);
	if (v.kind == ST_VAL_NONE) /* PostgreSQL would refuse to start with this value */
		st_diag(c->ctx, ST_SEV_ERROR, &o, "%s: %s", name, v.text && !v.secret ? v.text : "invalid value");
	else if (!strcmp(kind, "postgresql") && !st_pg_setting_find(name) && !strchr(name, '.'))
		st_diag(c->ctx, ST_SEV_WARNING, &o, "unknown PostgreSQL setting '%s'", name);
	fact(c, sv->name, name, v, &o, ST_LAYER_COMMAND);
}

static void postgres_flags(struct service *sv, const char *kind, struct tokens *t, size_t i)
{
	struct compose *c = sv->c;
	for (; i < t->n; i++) {
		const struct token *tk = &t->v[i];
		const char *w = tk->text;
		if (w[0] != '-' || !w[1])
			continue;
		if (w[1] == 'c' || w[1] == '-') { /* -c name=value, -cname=value, --name=value */
			const struct token *vt = tk;
			size_t base = 2;
			if (w[1] == 'c' && !w[2]) {
				if (i + 1 >= t->n) {
					struct st_origin o = token_origin(c, tk, 0, 0);
					st_diag(c->ctx, ST_SEV_ERROR, &o,
					        "-c requires a value: postgres refuses to start");
					return;
				}
				vt = &t->v[++i];
				base = 0;
			}
			const char *arg = vt->text + base;
			const char *eq = strchr(arg, '=');
			if (!eq) {
				struct st_origin o = token_origin(c, vt, base, strlen(arg));
				st_diag(c->ctx, ST_SEV_ERROR, &o,
				        "%s%s requires a value (name=value): postgres refuses to start",
				        w[1] == '-' ? "--" : "-c ", arg);
				continue;
			}
			char *name = st_arena_strndup(&c->ctx->arena, arg, (size_t)(eq - arg));
			size_t voff = base + (size_t)(eq + 1 - arg);
			flag_fact(sv, kind, name, eq + 1, vt, voff, strlen(eq + 1));
			continue;
		}
		for (size_t k = 0; k < sizeof(pg_short) / sizeof(pg_short[0]); k++) {
			if (w[1] != pg_short[k].opt)
				continue;
			char *name = st_arena_strdup(&c->ctx->arena, pg_short[k].setting);
			if (pg_short[k].value) {
				flag_fact(sv, kind, name, pg_short[k].value, tk, 0, strlen(w));
			} else if (w[2]) {
				flag_fact(sv, kind, name, w + 2, tk, 2, strlen(w + 2));
			} else if (i + 1 < t->n) {
				const struct token *vt = &t->v[++i];
				flag_fact(sv, kind, name, vt->text, vt, 0, strlen(vt->text));
			}
			break;
		}
	}
}

static void mysqld_flags(struct service *sv, const char *kind, struct tokens *t, size_t i)
{
	struct compose *c = sv->c;
	for (; i < t->n; i++) {
		const struct token *tk = &t->v[i];
		const char *w = tk->text;
		if (strncmp(w, "--", 2) != 0 || !w[2])
			continue;
		const char *arg = w + 2;
		size_t pre = 2;
		if (!strncmp(arg, "loose-", 6) || !strncmp(arg, "loose_", 6))
			arg += 6, pre += 6;
		const char *eq = strchr(arg, '=');
		if (eq) {
			char *name = st_arena_strndup(&c->ctx->arena, arg, (size_t)(eq - arg));
			flag_fact(sv, kind, name, eq + 1, tk, pre + (size_t)(eq + 1 - arg), strlen(eq + 1));
			continue;
		}
		char *name = st_arena_strdup(&c->ctx->arena, arg);
		if (!name)
			return;
		normalise_name(name, 1);
		/* my_getopt: an exact option name wins over the skip-/enable-/disable- prefixes (skip-name-resolve) */
		const struct st_mysql_var *mv = st_mysql_var_find(name);
		static const struct {
			const char *prefix;
			const char *value;
		} bools[] = {{"skip-", "OFF"},    {"skip_", "OFF"},  {"disable-", "OFF"},
		             {"disable_", "OFF"}, {"enable-", "ON"}, {"enable_", "ON"}};
		int done = 0;
		for (size_t b = 0; b < sizeof(bools) / sizeof(bools[0]) && !done && !mv; b++)
			if (!strncmp(arg, bools[b].prefix, strlen(bools[b].prefix))) {
				char *base = st_arena_strdup(&c->ctx->arena, arg + strlen(bools[b].prefix));
				flag_fact(sv, kind, base, bools[b].value, tk, 0, strlen(w));
				done = 1;
			}
		if (done)
			continue;
		/* my_getopt: a variable that takes an argument reads the next word when there is no '=' */
		if (mv && mv->type != ST_MYSQL_BOOL && i + 1 < t->n && t->v[i + 1].text[0] != '-') {
			const struct token *vt = &t->v[++i];
			flag_fact(sv, kind, name, vt->text, vt, 0, strlen(vt->text));
		} else if (!mv || mv->type == ST_MYSQL_BOOL) {
			flag_fact(sv, kind, name, "ON", tk, 0, strlen(w));
		}
	}
}

static void redis_flags(struct service *sv, const char *kind, struct tokens *t, size_t i)
{
	struct compose *c = sv->c;
	if (i < t->n && t->v[i].text[0] != '-') { /* redis-server /path/redis.conf */
		const struct token *tk = &t->v[i];
		for (size_t m = 0; m < sv->n_mounts; m++)
			if (!strcmp(sv->mounts[m].target, tk->text)) {
				struct st_origin o = token_origin(c, tk, 0, strlen(tk->text));
				fact(c, sv->name, "config_file", st_value_string(sv->mounts[m].repo), &o,
				     ST_LAYER_COMMAND);
			}
		i++;
	}
	for (; i < t->n; i++) {
		const char *w = t->v[i].text;
		if (strncmp(w, "--", 2) != 0 || !w[2])
			continue;
		char *name = st_arena_strdup(&c->ctx->arena, w + 2);
		size_t first = i + 1, last = i;
		while (last + 1 < t->n && strncmp(t->v[last + 1].text, "--", 2) != 0)
			last++;
		if (last < first)
			continue; /* a flag without a value: redis-server refuses it */
		struct st_buf b = {0};
		for (size_t k = first; k <= last; k++)
			st_buf_printf(&b, "%s%s", k > first ? " " : "", t->v[k].text);
		const char *value = st_arena_strdup(&c->ctx->arena, st_buf_cstr(&b));
		st_buf_free(&b);
		const struct token *vt = &t->v[first];
		flag_fact(sv, kind, name, value, vt, 0, first == last ? strlen(vt->text) : 0);
		i = last;
	}
}

/* entrypoint + command as one argument vector; the server's flags when it is a known server. */
static void command_flags(struct service *sv)
{
	struct compose *c = sv->c;
	yaml_node_t *ep = get(c, sv->node, "entrypoint"), *cmd = get(c, sv->node, "command");
	if (!cmd && !ep)
		return;
	struct tokens t = {0};
	if (ep)
		split_command(c, ep, &t);
	if (cmd)
		split_command(c, cmd, &t);
	size_t i = 0;
	if (i < t.n && strstr(t.v[i].text, "docker-entrypoint"))
		i++; /* the official images' entrypoint script runs the server with the rest */
	const struct server *srv = NULL;
	if (i < t.n) {
		const char *b = strrchr(t.v[i].text, '/') ? strrchr(t.v[i].text, '/') + 1 : t.v[i].text;
		for (size_t k = 0; k < sizeof(servers) / sizeof(servers[0]); k++)
			if (!strcmp(servers[k].binary, b))
				srv = &servers[k];
	}
	const char *kind = srv ? srv->kind : sv->kind;
	if (srv) {
		if (!sv->kind) { /* an image we do not know running a server we know */
			struct st_origin o = token_origin(c, &t.v[i], 0, strlen(t.v[i].text));
			o.detail = NULL;
			fact(c, sv->name, "kind", st_value_string(srv->kind), &o, ST_LAYER_FILE);
		}
		i++;
		if (sv->kind && strcmp(sv->kind, "mariadb") == 0 && !strcmp(kind, "mysql"))
			kind = "mariadb"; /* mysqld in a MariaDB image */
	} else if (!kind || i >= t.n ||
	           (t.v[i].text[0] != '-' && !(strcmp(kind, "redis") == 0 && strstr(t.v[i].text, ".conf")))) {
		return; /* another program (a shell, a script): not the server's flags */
	}
	if (!strcmp(kind, "postgresql"))
		postgres_flags(sv, kind, &t, i);
	else if (!strcmp(kind, "mysql") || !strcmp(kind, "mariadb"))
		mysqld_flags(sv, kind, &t, i);
	else if (!strcmp(kind, "redis"))
		redis_flags(sv, kind, &t, i);
}

/* ---- application commands ------------------------------------------------ */

static const char *repo_path(struct compose *c, const char *p);

/* One word of an application command with the source of each of its bytes. */
struct app_word {
	const char *text;
	const yaml_node_t *node;
	const struct srcbyte *src; /* strlen(text) entries, or NULL when unknown */
};

struct app_cmd {
	struct compose *c;
	struct service *sv;
	struct app_word *w;
	const char **words;
	size_t n, cap;
};

static void app_push(struct app_cmd *a, const char *text, const yaml_node_t *node, const struct srcbyte *src)
{
	if (a->n >= MAX_TOKENS)
		return;
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 16;
		struct app_word *nw = st_arena_alloc(&a->c->ctx->arena, cap * sizeof(*nw));
		const char **ns = st_arena_alloc(&a->c->ctx->arena, cap * sizeof(*ns));
		if (!nw || !ns) {
			a->c->ctx->oom = 1;
			return;
		}
		if (a->n) {
			memcpy(nw, a->w, a->n * sizeof(*nw));
			memcpy(ns, a->words, a->n * sizeof(*ns));
		}
		a->w = nw, a->words = ns, a->cap = cap;
	}
	a->w[a->n] = (struct app_word){.text = text, .node = node, .src = src};
	a->words[a->n++] = text;
}

/* entrypoint/command as compose passes them: a list as it is, a string split like a shell would (quotes and
 * backslashes removed, no expansion), each after interpolation, keeping where every byte came from. */
static void app_words(struct app_cmd *a, const yaml_node_t *n)
{
	struct compose *c = a->c;
	if (n->type == YAML_SEQUENCE_NODE) {
		for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
			yaml_node_t *e = node(c, *it);
			struct srcmap m = {0};
			const char *raw = raw_scalar(e);
			struct text t = raw ? interpolate_map(c, e, raw, &m, 0) : (struct text){0};
			const char *w =
			    t.s == raw && raw ? st_arena_strdup(&c->ctx->arena, raw) : t.s; /* doc is freed */
			if (w)
				app_push(a, w, e, m.n == strlen(w) ? m.v : NULL);
		}
		return;
	}
	const char *raw = raw_scalar(n);
	struct srcmap m = {0};
	struct text t = raw ? interpolate_map(c, n, raw, &m, 0) : (struct text){0};
	if (!t.s || m.n != strlen(t.s))
		return;
	const char *s = t.s;
	size_t len = strlen(s), i = 0;
	while (i < len) {
		while (i < len && isspace((unsigned char)s[i]))
			i++;
		if (i >= len)
			break;
		struct st_buf b = {0};
		struct srcmap wm = {0};
		char q = 0;
		for (; i < len && (q || !isspace((unsigned char)s[i])); i++) {
			char ch = s[i];
			size_t from = i;
			if (q && ch == q) {
				q = 0;
				continue;
			} else if (q == '"' && ch == '\\' && i + 1 < len && strchr("\"\\$`", s[i + 1])) {
				from = ++i;
			} else if (!q && (ch == '\'' || ch == '"')) {
				q = ch;
				continue;
			} else if (!q && ch == '\\' && i + 1 < len) {
				from = ++i;
			}
			st_buf_putc(&b, s[from]);
			map_put(c, &wm, 1, m.v[from].pos, m.v[from].var);
		}
		const char *w = st_arena_strdup(&c->ctx->arena, st_buf_cstr(&b));
		st_buf_free(&b);
		if (!w) {
			c->ctx->oom = 1;
			return;
		}
		app_push(a, w, n, wm.n == strlen(w) ? wm.v : NULL);
	}
}

/* The file offset of decoded byte `off` of a plain or block scalar written over several lines, found by walking
 * the decoded value along the raw lines (YAML drops the indentation and folds or keeps the line breaks);
 * POS_NONE when they do not line up. */
static size_t multiline_offset(struct compose *c, const yaml_node_t *n, size_t off)
{
	const char *s = c->f->data, *v = (const char *)n->data.scalar.value;
	size_t vlen = n->data.scalar.length, r = n->start_mark.index, end = n->end_mark.index, d = 0;
	int block =
	    n->data.scalar.style == YAML_LITERAL_SCALAR_STYLE || n->data.scalar.style == YAML_FOLDED_SCALAR_STYLE;
	if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE && !block)
		return POS_NONE;
	if (off >= vlen)
		return off && vlen
		           ? (multiline_offset(c, n, vlen - 1) == POS_NONE ? POS_NONE
		                                                           : multiline_offset(c, n, vlen - 1) + 1)
		           : POS_NONE;
	size_t indent = 0;
	if (block) { /* past the header line; the block's indentation is its first content line's */
		while (r < end && s[r] != '\n')
			r++;
		size_t k = r + 1;
		while (k < end && s[k] == '\n')
			k++;
		while (k + indent < end && s[k + indent] == ' ')
			indent++;
	}
	int line_start = 0;
	while (r < end && d < vlen) {
		if (line_start) {
			for (size_t k = 0;
			     r < end && (block ? k < indent && s[r] == ' ' : (s[r] == ' ' || s[r] == '\t')); k++)
				r++;
			line_start = 0;
			continue;
		}
		if (s[r] == '\r' && r + 1 < end && s[r + 1] == '\n')
			r++;
		if (s[r] == '\n') {
			if (v[d] == '\n' || v[d] == ' ') {
				if (d == off)
					return r;
				d++;
			}
			r++;
			line_start = 1;
			continue;
		}
		if (s[r] == v[d]) {
			if (d == off)
				return r;
			d++, r++;
			continue;
		}
		if (s[r] == ' ' || s[r] == '\t') { /* trailing blanks a plain scalar drops */
			r++;
			continue;
		}
		return POS_NONE;
	}
	return POS_NONE;
}

/* The origin of decoded bytes [off, off+len) of a scalar: exact for one-line scalars and for plain and block
 * scalars over several lines; the whole scalar when they cannot be mapped. */
static struct st_origin scalar_span(struct compose *c, const yaml_node_t *n, size_t off, size_t len)
{
	if (n->type != YAML_SCALAR_NODE)
		return at(c, n, 0, 0);
	size_t b, e;
	if (n->start_mark.line == n->end_mark.line) {
		b = scalar_offset(c, n, off);
		e = scalar_offset(c, n, off + len);
	} else {
		b = multiline_offset(c, n, off);
		e = len ? multiline_offset(c, n, off + len - 1) : b;
		if (b == POS_NONE || e == POS_NONE || e < b)
			return at(c, n, 0, 0);
		e += len ? 1 : 0;
	}
	if (e < b || e > c->f->size)
		e = b;
	size_t ls = b;
	while (ls > 0 && c->f->data[ls - 1] != '\n')
		ls--;
	size_t le = b;
	while (le < c->f->size && c->f->data[le] != '\n')
		le++;
	unsigned line = (unsigned)n->start_mark.line + 1;
	for (size_t k = n->start_mark.index; k < b; k++)
		line += c->f->data[k] == '\n';
	struct st_origin o = st_origin_file(c->f->path, line, (unsigned)(b - ls + 1));
	o.value_off = b;
	o.value_len = e - b;
	o.line_off = ls;
	o.line_len = le - ls;
	return o;
}

/* st_proc_argv.origin: bytes written in the compose file map to their span; bytes that all come from one .env
 * variable take that variable's origin; anything else is the whole scalar. */
static struct st_origin app_origin(void *user, size_t i, size_t off, size_t len)
{
	struct app_cmd *a = user;
	struct compose *c = a->c;
	if (i >= a->n)
		return at(c, a->sv->node, 0, 0);
	const struct app_word *w = &a->w[i];
	size_t tl = strlen(w->text);
	if (off > tl)
		off = tl;
	if (len > tl - off || (!len && !off))
		len = tl - off;
	if (len && w->src) {
		const struct srcbyte *b = w->src + off;
		int literal = 1, onevar = b[0].var != NULL;
		for (size_t k = 0; k < len; k++) {
			if (b[k].pos == POS_NONE || (k && b[k].pos <= b[k - 1].pos)) /* gaps: quotes, $$ */
				literal = 0;
			if (b[k].var != b[0].var)
				onevar = 0;
		}
		if (literal)
			return scalar_span(c, w->node, b[0].pos, b[len - 1].pos + 1 - b[0].pos);
		if (onevar) {
			struct st_origin o = b[0].var->origin;
			const char *dot = strrchr(b[0].var->name, '.');
			o.detail = st_arena_printf(&c->ctx->arena, "via ${%s} at %s:%u", dot ? dot + 1 : b[0].var->name,
			                           c->f->path, (unsigned)w->node->start_mark.line + 1);
			return o;
		}
	}
	return at(c, w->node, 0, 0);
}

/* st_proc_argv.getenv: the service's environment (environment: over env_file:), as recorded by environment(). */
static int app_getenv(void *user, const char *name, const char **value, struct st_origin *origin, int *secret)
{
	struct app_cmd *a = user;
	const char *fn = st_arena_printf(&a->c->ctx->arena, "%s.env.%s", a->sv->name, name);
	const struct st_fact *f = fn ? st_fact_get(a->c->ctx, fn) : NULL;
	if (!f || f->value.kind != ST_VAL_STRING || !f->value.text)
		return 0;
	*value = f->value.text;
	*origin = f->origin;
	*secret = f->value.secret;
	return 1;
}

/* The application a service runs: the top directory of its build context ("app" for the repository root),
 * else the service itself (an image built elsewhere). */
static const char *service_app(struct service *sv)
{
	struct compose *c = sv->c;
	yaml_node_t *build = get(c, sv->node, "build");
	const char *ctxdir =
	    build && build->type == YAML_SCALAR_NODE ? str(c, build) : str(c, get(c, build, "context"));
	const char *rp = ctxdir ? repo_path(c, ctxdir) : NULL;
	if (!rp)
		return sv->name;
	return *rp ? st_arena_strndup(&c->ctx->arena, rp, strcspn(rp, "/")) : "app";
}

/* A service that is not a known server: its entrypoint + command (or the command alone, after an entrypoint
 * wrapper that ends in exec "$@") go to the process-server parsers (Gunicorn, Celery, uWSGI, Uvicorn). */
static void app_command(struct service *sv)
{
	struct compose *c = sv->c;
	if (sv->kind)
		return;
	yaml_node_t *ep = get(c, sv->node, "entrypoint"), *cmd = get(c, sv->node, "command");
	if (!cmd && !ep)
		return;
	const char *app = service_app(sv);
	if (!app)
		return;
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 1 && !(ep && cmd))
			break;
		struct app_cmd a = {.c = c, .sv = sv};
		if (ep && pass == 0)
			app_words(&a, ep);
		if (cmd)
			app_words(&a, cmd);
		struct st_proc_argv pa = {.path = c->f->path,
		                          .service = sv->name,
		                          .words = a.words,
		                          .n = a.n,
		                          .origin = app_origin,
		                          .getenv = app_getenv,
		                          .user = &a};
		if (c->ctx->oom || (a.n && st_procserver_argv(c->ctx, app, &pa) == 0))
			break;
	}
}

/* ---- images ----------------------------------------------------------- */

static void image_facts(struct service *sv)
{
	struct compose *c = sv->c;
	yaml_node_t *img = get(c, sv->node, "image");
	const char *image = str(c, img);
	if (!image)
		return;
	struct st_origin o = at(c, img, 0, 0);
	fact(c, sv->name, "image", st_value_string(image), &o, ST_LAYER_FILE);
	size_t il = strcspn(image, "@"); /* a digest says nothing about the version */
	const char *slash = NULL;
	for (const char *p = image; p < image + il; p++)
		if (*p == '/')
			slash = p;
	const char *base = slash ? slash + 1 : image;
	size_t bl = strcspn(base, ":@");
	const char *tag = base[bl] == ':' ? base + bl + 1 : NULL;
	const struct image *im = NULL;
	for (size_t i = 0; i < sizeof(images) / sizeof(images[0]); i++)
		if (strlen(images[i].name) == bl && strncmp(images[i].name, base, bl) == 0)
			im = &images[i];
	if (!im)
		return;
	sv->kind = im->kind;
	fact(c, sv->name, "kind", st_value_string(im->kind), &o, ST_LAYER_FILE);
	if (!tag || !isdigit((unsigned char)*tag))
		return; /* latest, alpine, a digest: version unknown */
	size_t vl = 0, dots = 0;
	size_t want = im->version == VERSION_MAJOR ? 0 : im->version == VERSION_MAJOR_MINOR ? 1 : 99;
	while (tag + vl < image + il && (isdigit((unsigned char)tag[vl]) || tag[vl] == '.')) {
		if (tag[vl] == '.' && (dots++ == want || !isdigit((unsigned char)tag[vl + 1])))
			break;
		vl++;
	}
	sv->version = st_arena_strndup(&c->ctx->arena, tag, vl);
	if (sv->version)
		fact(c, sv->name, "version", st_value_string(sv->version), &o, ST_LAYER_FILE);
}

/* ---- environment ------------------------------------------------------ */

/* "./x/y" relative to the compose file's directory -> repository-relative path, or NULL outside the tree. */
static const char *repo_path(struct compose *c, const char *p)
{
	if (!p || !*p || p[0] == '/' || p[0] == '~' || p[0] == '$' || (isalpha((unsigned char)p[0]) && p[1] == ':'))
		return NULL;
	const char *full = *c->dir ? st_arena_printf(&c->ctx->arena, "%s/%s", c->dir, p) : p;
	char *out = full ? st_arena_alloc(&c->ctx->arena, strlen(full) + 1) : NULL;
	if (!out)
		return NULL;
	size_t len = 0;
	for (const char *s = full; *s;) {
		const char *e = strchr(s, '/');
		size_t l = e ? (size_t)(e - s) : strlen(s);
		if (l == 2 && s[0] == '.' && s[1] == '.') {
			if (!len)
				return NULL;
			while (len && out[len - 1] != '/')
				len--;
			if (len)
				len--;
		} else if (l && !(l == 1 && s[0] == '.')) {
			if (len)
				out[len++] = '/';
			memcpy(out + len, s, l);
			len += l;
		}
		s += l;
		if (*s == '/')
			s++;
	}
	out[len] = '\0';
	return out;
}

static void env_value(struct service *sv, const char *key, size_t kl, const char *value, int secret,
                      const struct st_origin *o)
{
	struct compose *c = sv->c;
	const char *k = st_arena_strndup(&c->ctx->arena, key, kl);
	if (!k || !*k)
		return;
	struct st_value v = st_value_string(value);
	v.secret = secret || st_secret_name(k, kl);
	v.redacted = v.secret ? NULL : st_url_redact(c->ctx, value);
	fact(c, sv->name, st_arena_printf(&c->ctx->arena, "env.%s", k), v, o, ST_LAYER_ENVIRONMENT);
}

/* env_file: the .env facts of each file (loaded in the ENV phase), in order; environment: wins over them. */
static void env_files(struct service *sv)
{
	struct compose *c = sv->c;
	yaml_node_t *ef = get(c, sv->node, "env_file");
	if (!ef)
		return;
	size_t count =
	    ef->type == YAML_SEQUENCE_NODE ? (size_t)(ef->data.sequence.items.top - ef->data.sequence.items.start) : 1;
	for (size_t k = 0; k < count; k++) {
		yaml_node_t *e = ef->type == YAML_SEQUENCE_NODE ? node(c, ef->data.sequence.items.start[k]) : ef;
		yaml_node_t *pn = e && e->type == YAML_MAPPING_NODE ? get(c, e, "path") : e;
		const char *p = str(c, pn);
		const char *rp = repo_path(c, p);
		if (!pn || !p)
			continue;
		struct st_origin eo = at(c, pn, 0, 0);
		if (!rp) {
			st_diag(c->ctx, ST_SEV_INFO, &eo, "env_file %s is outside the audited tree: not read", p);
			continue;
		}
		const char *prefix = st_arena_printf(&c->ctx->arena, "env.%s.", rp);
		size_t pl = prefix ? strlen(prefix) : 0;
		size_t n_all = 0, found = 0;
		const char *slash = strrchr(rp, '/');
		struct st_file ef_file;
		size_t before = c->ctx->diags.n;
		/* a name the .env loader does not claim (.envs/.production/.django): read it now, as compose will */
		const char *memo = st_arena_printf(&c->ctx->arena, "compose-env-file:%s", rp);
		void **seen = memo ? st_memo_slot(c->ctx, memo) : NULL;
		if (seen && !*seen && st_dotenv_match(rp, slash ? slash + 1 : rp, NULL, 0) == ST_MATCH_NO) {
			*seen = (void *)rp; /* once per run: services sharing the file read it once */
			if (st_file_read(c->ctx, rp, &eo, &ef_file) == 0)
				st_dotenv_load(c->ctx, &ef_file);
			else
				c->ctx->diags.n = before; /* a missing file is reported below */
		}
		const struct st_fact_entry **all = prefix ? st_fact_sorted(c->ctx, &n_all) : NULL;
		for (size_t i = 0; all && i < n_all; i++) {
			const char *name = all[i]->name;
			if (strncmp(name, prefix, pl) != 0 || strchr(name + pl, '.'))
				continue;
			const struct st_fact *f = all[i]->chain[all[i]->n - 1];
			found++;
			struct st_value v = f->value;
			v.secret |= st_secret_name(name + pl, strlen(name + pl));
			const char *fn = st_arena_printf(&c->ctx->arena, "env.%s", name + pl);
			if (fn)
				fact(c, sv->name, fn, v, &f->origin, ST_LAYER_ENVIRONMENT);
		}
		if (!found) {
			struct stat st;
			const char *full =
			    st_arena_printf(&c->ctx->arena, "%s/%s", c->ctx->root ? c->ctx->root : ".", rp);
			if (full && stat(full, &st) != 0)
				st_diag(c->ctx, ST_SEV_WARNING, &eo,
				        "env_file %s does not exist: compose refuses to start", rp);
		}
	}
}

static void environment(struct service *sv)
{
	struct compose *c = sv->c;
	env_files(sv);
	yaml_node_t *env = get(c, sv->node, "environment");
	if (env && env->type == YAML_MAPPING_NODE) {
		struct pair *p;
		size_t n = pairs(c, env, &p);
		for (size_t i = 0; i < n; i++) {
			if (!p[i].value || p[i].value->type != YAML_SCALAR_NODE)
				continue;
			if (p[i].value->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
			    !strcmp(raw_scalar(p[i].value), "") &&
			    p[i].value->start_mark.index == p[i].value->end_mark.index)
				continue; /* KEY: with no value passes the shell's variable, unknown here */
			struct text t = text_of(c, p[i].value);
			struct st_origin o = at(c, p[i].value, 0, 0);
			if (t.s)
				env_value(sv, p[i].key, strlen(p[i].key), t.s, t.secret, &o);
		}
	} else if (env && env->type == YAML_SEQUENCE_NODE) {
		for (yaml_node_item_t *it = env->data.sequence.items.start; it < env->data.sequence.items.top; it++) {
			yaml_node_t *e = node(c, *it);
			struct text t = text_of(c, e);
			const char *eq = t.s ? strchr(t.s, '=') : NULL;
			if (!eq)
				continue; /* - KEY alone passes the shell's variable */
			size_t kl = (size_t)(eq - t.s);
			struct st_origin o = t.changed ? at(c, e, 0, 0) : at(c, e, kl + 1, strlen(eq + 1));
			if (!*(eq + 1) && t.changed)
				o = at(c, e, 0, 0);
			env_value(sv, t.s, kl, eq + 1, t.secret, &o);
		}
	}
}

/* ---- deploy, ports, volumes, links -------------------------------------- */

static int parse_uint(const char *s, size_t n, int64_t *out)
{
	return n && st_int_parse(s, n, out, NULL) == 0 && *out >= 0 ? 0 : -1;
}

static void deploy(struct service *sv)
{
	struct compose *c = sv->c;
	yaml_node_t *dep = get(c, sv->node, "deploy");
	yaml_node_t *rep = get(c, dep, "replicas");
	if (!rep)
		rep = get(c, sv->node, "scale");
	int64_t n;
	const char *rs = str(c, rep);
	if (rs && parse_uint(rs, strlen(rs), &n) == 0) {
		struct st_origin o = at(c, rep, 0, 0);
		fact(c, sv->name, "replicas", st_value_int(n), &o, ST_LAYER_FILE);
	} else {
		if (rs) {
			struct st_origin o = at(c, rep, 0, 0);
			st_diag(c->ctx, ST_SEV_ERROR, &o, "replicas: '%s' is not a whole number", rs);
		}
		struct st_origin o = {.kind = ST_ORIGIN_DEFAULT,
		                      .detail = "compose default: one container per service"};
		fact(c, sv->name, "replicas", st_value_int(1), &o, ST_LAYER_DEFAULT);
	}
	yaml_node_t *limits = get(c, get(c, dep, "resources"), "limits");
	yaml_node_t *mem = get(c, limits, "memory");
	if (!mem)
		mem = get(c, sv->node, "mem_limit");
	const char *ms = str(c, mem);
	if (ms) {
		struct st_origin o = at(c, mem, 0, 0);
		if (st_size_parse(ms, strlen(ms), ST_UNITS_ANY, 1, &n, NULL) == 0) {
			struct st_value v = st_value_size(n);
			v.text = ms;
			fact(c, sv->name, "limits.memory", v, &o, ST_LAYER_FILE);
		} else {
			st_diag(c->ctx, ST_SEV_ERROR, &o, "memory limit: '%s' is not a size", ms);
		}
	}
	yaml_node_t *cpus = get(c, limits, "cpus");
	if (!cpus)
		cpus = get(c, sv->node, "cpus");
	const char *cs = str(c, cpus);
	if (cs) {
		char *end;
		double r = strtod(cs, &end);
		struct st_origin o = at(c, cpus, 0, 0);
		if (end != cs && *end == '\0' && r >= 0) {
			struct st_value v = st_value_real(r);
			v.text = cs;
			fact(c, sv->name, "limits.cpus", v, &o, ST_LAYER_FILE);
		} else {
			st_diag(c->ctx, ST_SEV_ERROR, &o, "cpus: '%s' is not a number", cs);
		}
	}
	static const char *const names[] = {"container_name", "hostname", NULL};
	for (const char *const *k = names; *k; k++) {
		yaml_node_t *v = get(c, sv->node, *k);
		const char *s = str(c, v);
		if (s) {
			struct st_origin o = at(c, v, 0, 0);
			fact(c, sv->name, *k, st_value_string(s), &o, ST_LAYER_FILE);
		}
	}
}

static int port_range(const char *s, size_t n, int64_t *lo, int64_t *hi)
{
	const char *dash = memchr(s, '-', n);
	if (!dash)
		return parse_uint(s, n, lo) == 0 && *lo <= 65535 ? (*hi = *lo, 0) : -1;
	if (parse_uint(s, (size_t)(dash - s), lo) < 0 || parse_uint(dash + 1, n - (size_t)(dash + 1 - s), hi) < 0 ||
	    *lo > *hi || *hi > 65535)
		return -1;
	return 0;
}

static void port_facts(struct service *sv, int *k, int64_t pub_lo, int64_t pub_hi, int64_t tgt_lo, int64_t tgt_hi,
                       const char *proto, const char *host_ip, const struct st_origin *o)
{
	struct compose *c = sv->c;
	for (int64_t t = tgt_lo, p = pub_lo; t <= tgt_hi && t - tgt_lo < MAX_PORT_RANGE; t++, p++) {
		const char *pre = st_arena_printf(&c->ctx->arena, "ports.%d", (*k)++);
		if (!pre)
			return;
		fact(c, sv->name, st_arena_printf(&c->ctx->arena, "%s.target", pre), st_value_int(t), o, ST_LAYER_FILE);
		/* a single published port for a range of targets is compose's "pick one of" form: keep the first */
		if (pub_lo > 0 && p <= pub_hi)
			fact(c, sv->name, st_arena_printf(&c->ctx->arena, "%s.published", pre), st_value_int(p), o,
			     ST_LAYER_FILE);
		if (proto && strcmp(proto, "tcp") != 0)
			fact(c, sv->name, st_arena_printf(&c->ctx->arena, "%s.protocol", pre), st_value_string(proto),
			     o, ST_LAYER_FILE);
		if (host_ip && *host_ip)
			fact(c, sv->name, st_arena_printf(&c->ctx->arena, "%s.host_ip", pre), st_value_string(host_ip),
			     o, ST_LAYER_FILE);
	}
}

static void ports(struct service *sv)
{
	struct compose *c = sv->c;
	yaml_node_t *ps = get(c, sv->node, "ports");
	int k = 0;
	if (ps && ps->type == YAML_SEQUENCE_NODE) {
		for (yaml_node_item_t *it = ps->data.sequence.items.start; it < ps->data.sequence.items.top; it++) {
			yaml_node_t *e = node(c, *it);
			struct st_origin o = at(c, e, 0, 0);
			if (e && e->type == YAML_MAPPING_NODE) { /* long syntax */
				const char *ts = str(c, get(c, e, "target")), *pbs = str(c, get(c, e, "published"));
				int64_t tl, th, pl = 0, ph = 0;
				if (!ts || port_range(ts, strlen(ts), &tl, &th) < 0) {
					st_diag(c->ctx, ST_SEV_ERROR, &o,
					        "ports: a long-syntax entry needs a numeric target");
					continue;
				}
				if (pbs && port_range(pbs, strlen(pbs), &pl, &ph) < 0)
					pl = ph = 0;
				port_facts(sv, &k, pl, ph, tl, th, str(c, get(c, e, "protocol")),
				           str(c, get(c, e, "host_ip")), &o);
				continue;
			}
			const char *p = str(c, e);
			if (!p)
				continue;
			/* [host_ip:][published[-range]:]target[-range][/protocol]; host_ip may be [v6] */
			const char *slash = strchr(p, '/');
			size_t n = slash ? (size_t)(slash - p) : strlen(p);
			const char *ip = NULL;
			size_t ipl = 0;
			const char *rest = p;
			if (p[0] == '[') {
				const char *rb = memchr(p, ']', n);
				if (rb && rb[1] == ':') {
					ip = p + 1, ipl = (size_t)(rb - p - 1);
					rest = rb + 2;
				}
			}
			size_t rn = n - (size_t)(rest - p);
			const char *last = NULL, *prev = NULL;
			for (const char *q = rest; q < rest + rn; q++)
				if (*q == ':')
					prev = last, last = q;
			if (!ip && prev)
				ip = rest, ipl = (size_t)(prev - rest);
			const char *pub = last ? (prev ? prev + 1 : rest) : NULL;
			size_t publ = last ? (size_t)(last - pub) : 0;
			const char *tgt = last ? last + 1 : rest;
			size_t tgtl = (size_t)(rest + rn - tgt);
			int64_t tl, th, pl = 0, ph = 0;
			if (port_range(tgt, tgtl, &tl, &th) < 0 || (publ && port_range(pub, publ, &pl, &ph) < 0)) {
				st_diag(c->ctx, ST_SEV_ERROR, &o, "ports: '%s' is not a port mapping", p);
				continue;
			}
			port_facts(sv, &k, pl, ph, tl, th, slash ? slash + 1 : NULL,
			           ip ? st_arena_strndup(&c->ctx->arena, ip, ipl) : NULL, &o);
		}
	}
	yaml_node_t *ex = get(c, sv->node, "expose");
	if (ex && ex->type == YAML_SEQUENCE_NODE) {
		int x = 0;
		for (yaml_node_item_t *it = ex->data.sequence.items.start; it < ex->data.sequence.items.top; it++) {
			yaml_node_t *e = node(c, *it);
			const char *s = str(c, e);
			int64_t lo, hi;
			if (!s || port_range(s, strcspn(s, "/"), &lo, &hi) < 0)
				continue;
			struct st_origin o = at(c, e, 0, 0);
			for (int64_t v = lo; v <= hi && v - lo < MAX_PORT_RANGE; v++)
				fact(c, sv->name, st_arena_printf(&c->ctx->arena, "expose.%d", x++), st_value_int(v),
				     &o, ST_LAYER_FILE);
		}
	}
	yaml_node_t *dep = get(c, sv->node, "depends_on");
	int d = 0;
	if (dep && dep->type == YAML_SEQUENCE_NODE) {
		for (yaml_node_item_t *it = dep->data.sequence.items.start; it < dep->data.sequence.items.top; it++) {
			yaml_node_t *e = node(c, *it);
			const char *s = str(c, e);
			struct st_origin o = e ? at(c, e, 0, 0) : at(c, dep, 0, 0);
			if (s)
				fact(c, sv->name, st_arena_printf(&c->ctx->arena, "depends_on.%d", d++),
				     st_value_string(s), &o, ST_LAYER_FILE);
		}
	} else if (dep && dep->type == YAML_MAPPING_NODE) {
		struct pair *p;
		size_t n = pairs(c, dep, &p);
		for (size_t i = 0; i < n; i++) {
			struct st_origin o = at(c, p[i].key_node, 0, 0);
			fact(c, sv->name, st_arena_printf(&c->ctx->arena, "depends_on.%d", d++),
			     st_value_string(st_arena_strdup(&c->ctx->arena, p[i].key)), &o, ST_LAYER_FILE);
		}
	}
}

static void link_fact(struct compose *c, const char *what, const char *path, const char *svc, const yaml_node_t *n)
{
	const char *name = st_arena_printf(&c->ctx->arena, "link.%s.%s", what, path);
	struct st_origin o = at(c, n, 0, 0);
	if (!name || !st_fact_set(c->ctx, name, NULL, st_value_string(svc), &o, ST_LAYER_FILE))
		c->ctx->oom = 1;
}

/* Container directories whose files configure the server or initialise the database. */
static int config_dir_target(const char *t)
{
	static const char *const dirs[] = {"/etc/mysql/conf.d",       "/etc/mysql/mariadb.conf.d",
	                                   "/etc/mysql/mysql.conf.d", "/docker-entrypoint-initdb.d",
	                                   "/etc/postgresql",         "/etc/pgbouncer",
	                                   "/usr/local/etc/redis",    NULL};
	size_t n = strlen(t);
	while (n > 1 && t[n - 1] == '/')
		n--;
	for (const char *const *d = dirs; *d; d++)
		if (strlen(*d) == n && strncmp(*d, t, n) == 0)
			return 1;
	return 0;
}

static void volumes(struct service *sv)
{
	struct compose *c = sv->c;
	yaml_node_t *vols = get(c, sv->node, "volumes");
	if (!vols || vols->type != YAML_SEQUENCE_NODE)
		return;
	for (yaml_node_item_t *it = vols->data.sequence.items.start; it < vols->data.sequence.items.top; it++) {
		yaml_node_t *e = node(c, *it);
		const char *src = NULL, *target = NULL;
		if (e && e->type == YAML_MAPPING_NODE) {
			const char *type = str(c, get(c, e, "type"));
			if (type && strcmp(type, "bind") != 0)
				continue;
			src = str(c, get(c, e, "source"));
			target = str(c, get(c, e, "target"));
		} else {
			const char *v = str(c, e);
			const char *colon = v ? strchr(v, ':') : NULL;
			if (!colon)
				continue; /* an anonymous volume */
			src = st_arena_strndup(&c->ctx->arena, v, (size_t)(colon - v));
			target = st_arena_strndup(&c->ctx->arena, colon + 1, strcspn(colon + 1, ":"));
		}
		if (!src || !target || (src[0] != '.' && src[0] != '/' && src[0] != '~'))
			continue; /* named volumes */
		const char *rp = repo_path(c, src);
		if (!rp || !*rp)
			continue;
		struct stat st;
		const char *full = st_arena_printf(&c->ctx->arena, "%s/%s", c->ctx->root ? c->ctx->root : ".", rp);
		int is_dir = full && stat(full, &st) == 0 && S_ISDIR(st.st_mode);
		if (is_dir) {
			if (config_dir_target(target))
				link_fact(c, "configdir", rp, sv->name, e);
		} else {
			link_fact(c, "config", rp, sv->name, e);
		}
		if (sv->n_mounts < MAX_MOUNTS)
			sv->mounts[sv->n_mounts].target = target, sv->mounts[sv->n_mounts++].repo = rp;
	}
}

static void build_link(struct service *sv)
{
	struct compose *c = sv->c;
	yaml_node_t *build = get(c, sv->node, "build");
	const char *ctxdir =
	    build && build->type == YAML_SCALAR_NODE ? str(c, build) : str(c, get(c, build, "context"));
	if (!ctxdir)
		return;
	const char *rp = repo_path(c, ctxdir);
	/* applications are named by their top directory ("app" for the repository root) */
	const char *app = rp && *rp ? st_arena_strndup(&c->ctx->arena, rp, strcspn(rp, "/")) : "app";
	if (app)
		link_fact(c, "app", app, sv->name, build);
}

static void service(struct compose *c, const char *name, const yaml_node_t *node)
{
	struct service *sv = st_arena_alloc(&c->ctx->arena, sizeof(*sv));
	if (!sv) {
		c->ctx->oom = 1;
		return;
	}
	sv->c = c;
	sv->name = st_arena_strdup(&c->ctx->arena, name); /* the YAML document is freed after the load */
	if (!sv->name) {
		c->ctx->oom = 1;
		return;
	}
	sv->node = node;
	image_facts(sv);
	volumes(sv); /* before the flags: config_file is matched against the mounts */
	command_flags(sv);
	environment(sv);
	app_command(sv); /* after environment(): a sh -c script reads the service's variables */
	deploy(sv);
	ports(sv);
	build_link(sv);
}

/* ---- entry points ----------------------------------------------------- */

enum st_match st_compose_match(const char *path, const char *name, const char *head, size_t head_len)
{
	(void)path;
	(void)head;
	(void)head_len;
	size_t n = strlen(name);
	int yml = (n > 4 && strcmp(name + n - 4, ".yml") == 0) || (n > 5 && strcmp(name + n - 5, ".yaml") == 0);
	if (!yml)
		return ST_MATCH_NO;
	return strncmp(name, "docker-compose", 14) == 0 || strncmp(name, "compose", 7) == 0 ? ST_MATCH_YES
	                                                                                    : ST_MATCH_NO;
}

static int is_default_name(const char *name)
{
	static const char *const names[] = {
	    "docker-compose.yml",   "docker-compose.yaml",         "compose.yml",
	    "compose.yaml",         "docker-compose.override.yml", "docker-compose.override.yaml",
	    "compose.override.yml", "compose.override.yaml",       NULL};
	for (const char *const *n = names; *n; n++)
		if (strcmp(*n, name) == 0)
			return 1;
	return 0;
}

static int default_beside(struct st_ctx *ctx, const char *dir)
{
	static const char *const names[] = {"docker-compose.yml", "docker-compose.yaml", "compose.yml", "compose.yaml",
	                                    NULL};
	for (const char *const *n = names; *n; n++) {
		const char *p =
		    st_arena_printf(&ctx->arena, "%s/%s%s%s", ctx->root ? ctx->root : ".", dir, *dir ? "/" : "", *n);
		if (p && access(p, F_OK) == 0)
			return 1;
	}
	return 0;
}

int st_compose_load(struct st_ctx *ctx, const struct st_file *f)
{
	const char *sl = strrchr(f->path, '/');
	const char *dir = sl ? st_arena_strndup(&ctx->arena, f->path, (size_t)(sl - f->path)) : "";
	if (!dir) {
		ctx->oom = 1;
		return -1;
	}
	if (!is_default_name(f->name) && default_beside(ctx, dir)) {
		struct st_origin o = st_origin_file(f->path, 0, 0);
		st_diag(ctx, ST_SEV_INFO, &o,
		        "not merged: an alternative to the docker-compose.yml beside it (docker compose -f)");
		return 0;
	}
	yaml_parser_t parser;
	yaml_document_t doc;
	if (!yaml_parser_initialize(&parser)) {
		ctx->oom = 1;
		return -1;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)f->data, f->size);
	if (!yaml_parser_load(&parser, &doc)) {
		struct st_origin o = st_origin_file(f->path, (unsigned)parser.problem_mark.line + 1,
		                                    (unsigned)parser.problem_mark.column + 1);
		if (parser.error == YAML_MEMORY_ERROR)
			ctx->oom = 1;
		st_diag(ctx, ST_SEV_ERROR, &o, "invalid YAML: %s%s%s", parser.problem ? parser.problem : "syntax error",
		        parser.context ? " " : "", parser.context ? parser.context : "");
		yaml_parser_delete(&parser);
		return -1;
	}
	struct compose c = {.ctx = ctx, .f = f, .doc = &doc, .dir = dir};
	c.dotenv = *dir ? st_arena_printf(&ctx->arena, "env.%s/.env.", dir) : "env..env.";
	int rc = 0;
	yaml_node_t *root = yaml_document_get_root_node(&doc);
	if (!c.dotenv) {
		ctx->oom = 1;
		rc = -1;
	} else if (root && root->type != YAML_MAPPING_NODE) {
		struct st_origin o = at(&c, root, 0, 0);
		rc = st_diag(ctx, ST_SEV_ERROR, &o, "a compose file must be a mapping");
	} else if (root) {
		yaml_node_t *services = get(&c, root, "services");
		struct pair *p;
		size_t n = services && services->type == YAML_MAPPING_NODE ? pairs(&c, services, &p) : 0;
		for (size_t i = 0; i < n; i++)
			if (p[i].value && p[i].value->type == YAML_MAPPING_NODE)
				service(&c, p[i].key, p[i].value);
		/* a second document: compose reads only the first */
		yaml_document_t more;
		if (yaml_parser_load(&parser, &more)) {
			yaml_node_t *r2 = yaml_document_get_root_node(&more);
			if (r2) {
				struct st_origin o = st_origin_file(f->path, (unsigned)r2->start_mark.line + 1,
				                                    (unsigned)r2->start_mark.column + 1);
				st_diag(ctx, ST_SEV_WARNING, &o,
				        "a second YAML document: docker compose reads only the first");
			}
			yaml_document_delete(&more);
		}
	}
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return rc;
}
