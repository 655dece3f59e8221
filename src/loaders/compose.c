/* docker-compose files: services become components. Server images give the kind and version, command-line
 * flags (postgres -c, mysqld --x=y, redis-server --x y) override config files, environment, replicas,
 * resource limits, ports, and the volume and build links that tie repository files and application
 * directories to services. Read with libyaml's document API; merge keys (<<) are honoured. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yaml.h>

#include "stacktune/loaders.h"

struct compose {
	struct st_ctx *ctx;
	const struct st_file *f;
	yaml_document_t *doc;
	const char *dir; /* the compose file's directory, "" at the root */
};

/* Known images: name (after any registry/namespace) -> kind. */
static const struct {
	const char *image;
	const char *kind;
} images[] = {
	{"postgres", "postgresql"}, {"postgresql", "postgresql"}, {"postgis", "postgresql"}, {"timescaledb", "postgresql"},
	{"mysql", "mysql"},         {"mysql-server", "mysql"},    {"percona-server", "mysql"}, {"mariadb", "mariadb"},
	{"redis", "redis"},         {"valkey", "redis"},          {"pgbouncer", "pgbouncer"},
};

static yaml_node_t *node(struct compose *c, int id)
{
	return yaml_document_get_node(c->doc, id);
}

static const char *scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* The document is freed after loading: every string kept in a fact is copied to the arena. */
static const char *keep(struct compose *c, const char *s)
{
	const char *k = s ? st_arena_strdup(&c->ctx->arena, s) : NULL;
	if (s && !k)
		c->ctx->oom = 1;
	return k;
}

/* Looks up key in a mapping, following merge keys; NULL when absent. */
static yaml_node_t *get(struct compose *c, const yaml_node_t *map, const char *key)
{
	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	yaml_node_t *found = NULL;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		const char *k = scalar(node(c, p->key));
		if (k && strcmp(k, key) == 0)
			found = node(c, p->value);
	}
	if (found)
		return found;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		const char *k = scalar(node(c, p->key));
		if (!k || strcmp(k, "<<") != 0)
			continue;
		yaml_node_t *v = node(c, p->value);
		if (v && v->type == YAML_MAPPING_NODE && (found = get(c, v, key)))
			return found;
		if (v && v->type == YAML_SEQUENCE_NODE)
			for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++)
				if ((found = get(c, node(c, *it), key)))
					return found;
	}
	return NULL;
}

static struct st_origin at(struct compose *c, const yaml_node_t *n, size_t extra_col, size_t len)
{
	struct st_origin o = st_origin_file(c->f->path, (unsigned)n->start_mark.line + 1,
	                                    (unsigned)(n->start_mark.column + 1 + extra_col));
	o.value_off = n->start_mark.index + extra_col;
	o.value_len = len ? len : n->end_mark.index - n->start_mark.index;
	size_t ls = o.value_off;
	while (ls > 0 && c->f->data[ls - 1] != '\n')
		ls--;
	size_t le = o.value_off;
	while (le < c->f->size && c->f->data[le] != '\n')
		le++;
	o.line_off = ls;
	o.line_len = le - ls;
	return o;
}

static void fact(struct compose *c, const char *svc, const char *name, struct st_value v, const struct st_origin *o,
                 int layer)
{
	const char *full = st_arena_printf(&c->ctx->arena, "%s.%s", svc, name);
	if (full)
		st_fact_set(c->ctx, full, svc, v, o, layer);
	else
		c->ctx->oom = 1;
}

/* Types a server flag's value: booleans, integers, reals, sizes and durations with units, else a string. */
static struct st_value typed(struct st_ctx *ctx, const char *kind, const char *name, const char *text)
{
	size_t n = strlen(text);
	int64_t i;
	struct st_value v;
	if (strcmp(kind, "mysql") == 0 || strcmp(kind, "mariadb") == 0) {
		const struct st_mysql_var *mv = st_mysql_var_find(name);
		if (mv && mv->type == ST_MYSQL_SIZE && st_size_parse(text, n, ST_UNITS_MYSQL, 1, &i, NULL) == 0)
			v = st_value_size(i);
		else if (mv && mv->type == ST_MYSQL_DURATION && st_int_parse(text, n, &i, NULL) == 0)
			v = st_value_duration(i * mv->unit_usec);
		else if (st_int_parse(text, n, &i, NULL) == 0)
			v = st_value_int(i);
		else
			v = st_value_string(text);
	} else if (st_int_parse(text, n, &i, NULL) == 0) {
		v = st_value_int(i);
	} else if (strcmp(kind, "postgresql") == 0 && n && isalpha((unsigned char)text[n - 1]) &&
	           st_size_parse(text, n, ST_UNITS_PG, 1, &i, NULL) == 0) {
		v = st_value_size(i);
	} else if (strcmp(kind, "postgresql") == 0 && n && isalpha((unsigned char)text[n - 1]) &&
	           st_duration_parse(text, n, ST_UNITS_PG, 1000, &i, NULL) == 0) {
		v = st_value_duration(i);
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

struct token {
	const char *text; /* arena */
	size_t col;       /* offset in the scalar (single-line scalars), else 0 */
	size_t len;
	const yaml_node_t *node;
};

/* Splits a command like a shell (quotes, backslashes); tokens keep their offset in the scalar. */
static size_t split_command(struct compose *c, const yaml_node_t *n, struct token *out, size_t max)
{
	size_t count = 0;
	if (n->type == YAML_SEQUENCE_NODE) {
		for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top && count < max; it++) {
			yaml_node_t *e = node(c, *it);
			const char *s = scalar(e);
			if (s && count < max)
				out[count++] = (struct token){.text = keep(c, s), .col = 0, .len = 0, .node = e};
		}
		return count;
	}
	const char *s = scalar(n);
	if (!s)
		return 0;
	int exact = n->start_mark.line == n->end_mark.line; /* offsets map to columns on one line */
	size_t quote = n->data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
	                       n->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE
	                   ? 1
	                   : 0;
	size_t len = strlen(s), i = 0;
	while (i < len && count < max) {
		while (i < len && isspace((unsigned char)s[i]))
			i++;
		if (i >= len)
			break;
		struct st_buf b = {0};
		size_t start = i;
		char q = 0;
		while (i < len && (q || !isspace((unsigned char)s[i]))) {
			char ch = s[i];
			if (q) {
				if (ch == q)
					q = 0;
				else if (ch == '\\' && q == '"' && i + 1 < len)
					st_buf_putc(&b, s[++i]);
				else
					st_buf_putc(&b, ch);
			} else if (ch == '\'' || ch == '"') {
				q = ch;
			} else if (ch == '\\' && i + 1 < len) {
				st_buf_putc(&b, s[++i]);
			} else {
				st_buf_putc(&b, ch);
			}
			i++;
		}
		out[count++] = (struct token){.text = st_arena_strdup(&c->ctx->arena, st_buf_cstr(&b)),
		                              .col = exact ? start + quote : 0, .len = exact ? i - start : 0, .node = n};
		st_buf_free(&b);
	}
	return count;
}

/* A flag value inside a token: its origin, pointing at the value when the scalar is on one line. */
static struct st_origin flag_origin(struct compose *c, const struct token *t, size_t value_in_token, size_t value_len)
{
	if (t->len || t->node->type == YAML_SCALAR_NODE)
		return at(c, t->node, t->col + value_in_token, value_len);
	return at(c, t->node, 0, 0);
}

static void normalise_name(char *s, int mysql)
{
	for (; *s; s++) {
		*s = (char)tolower((unsigned char)*s);
		if (mysql && *s == '-')
			*s = '_';
	}
}

/* postgres -c name=value / --name=value; mysqld --name=value / --skip-name; redis-server --name value */
static void command_flags(struct compose *c, const char *svc, const char *kind, const yaml_node_t *cmd)
{
	struct token tok[256];
	size_t n = split_command(c, cmd, tok, 256);
	int pg = strcmp(kind, "postgresql") == 0, my = strcmp(kind, "mysql") == 0 || strcmp(kind, "mariadb") == 0;
	int redis = strcmp(kind, "redis") == 0;
	for (size_t i = 0; i < n; i++) {
		const char *t = tok[i].text;
		const char *name = NULL, *value = NULL;
		const struct token *vt = &tok[i];
		size_t voff = 0;
		if (pg && strcmp(t, "-c") == 0 && i + 1 < n) {
			vt = &tok[++i];
			const char *eq = strchr(vt->text, '=');
			if (!eq)
				continue;
			name = st_arena_strndup(&c->ctx->arena, vt->text, (size_t)(eq - vt->text));
			value = eq + 1;
			voff = (size_t)(eq + 1 - vt->text);
		} else if ((pg || my) && strncmp(t, "--", 2) == 0 && strchr(t, '=')) {
			const char *eq = strchr(t, '=');
			name = st_arena_strndup(&c->ctx->arena, t + 2, (size_t)(eq - t - 2));
			value = eq + 1;
			voff = (size_t)(eq + 1 - t);
		} else if (my && strncmp(t, "--skip-", 7) == 0 && !strchr(t, '=')) {
			name = st_arena_strdup(&c->ctx->arena, t + 7);
			value = "0";
			voff = 0;
		} else if (redis && strncmp(t, "--", 2) == 0 && i + 1 < n && strncmp(tok[i + 1].text, "--", 2) != 0) {
			name = st_arena_strdup(&c->ctx->arena, t + 2);
			vt = &tok[++i];
			value = vt->text;
		} else {
			continue;
		}
		if (!name || !*name)
			continue;
		char *nm = (char *)name;
		normalise_name(nm, my);
		struct st_origin o = flag_origin(c, vt, voff, vt->len ? vt->len - voff : 0);
		o.detail = "command-line flag";
		struct st_value v = typed(c->ctx, kind, nm, value);
		fact(c, svc, nm, v, &o, ST_LAYER_COMMAND);
	}
}

static const char *image_kind(const char *image, char *version, size_t vlen)
{
	const char *slash = strrchr(image, '/');
	const char *base = slash ? slash + 1 : image;
	const char *colon = strchr(base, ':');
	size_t bl = colon ? (size_t)(colon - base) : strlen(base);
	version[0] = '\0';
	if (colon) {
		size_t k = 0;
		for (const char *p = colon + 1; *p && (isdigit((unsigned char)*p) || *p == '.') && k + 1 < vlen; p++)
			version[k++] = *p;
		version[k] = '\0';
	}
	for (size_t i = 0; i < sizeof(images) / sizeof(images[0]); i++)
		if (strlen(images[i].image) == bl && strncmp(images[i].image, base, bl) == 0)
			return images[i].kind;
	return NULL;
}

/* "./x/y" relative to the compose file's directory -> repository-relative path, or NULL outside the tree. */
static const char *repo_path(struct compose *c, const char *p)
{
	if (p[0] == '/' || p[0] == '~' || p[0] == '$')
		return NULL;
	const char *full = *c->dir ? st_arena_printf(&c->ctx->arena, "%s/%s", c->dir, p) : p;
	if (!full)
		return NULL;
	/* lexical normalisation of ./ and ../ */
	char *out = st_arena_alloc(&c->ctx->arena, strlen(full) + 1);
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

static void link_fact(struct compose *c, const char *what, const char *path, const char *svc, const yaml_node_t *n)
{
	const char *name = st_arena_printf(&c->ctx->arena, "link.%s.%s", what, path);
	struct st_origin o = at(c, n, 0, 0);
	if (name)
		st_fact_set(c->ctx, name, NULL, st_value_string(svc), &o, ST_LAYER_FILE);
}

static void service(struct compose *c, const char *svc, const yaml_node_t *s)
{
	char version[32];
	const char *kind = NULL;
	yaml_node_t *img = get(c, s, "image");
	if (scalar(img)) {
		struct st_origin o = at(c, img, 0, 0);
		fact(c, svc, "image", st_value_string(keep(c, scalar(img))), &o, ST_LAYER_FILE);
		kind = image_kind(scalar(img), version, sizeof version);
		if (kind) {
			fact(c, svc, "kind", st_value_string(kind), &o, ST_LAYER_FILE);
			if (*version)
				fact(c, svc, "version", st_value_string(st_arena_strdup(&c->ctx->arena, version)), &o, ST_LAYER_FILE);
		}
	}
	yaml_node_t *cmd = get(c, s, "command");
	if (cmd && kind)
		command_flags(c, svc, kind, cmd);
	yaml_node_t *env = get(c, s, "environment");
	if (env && env->type == YAML_MAPPING_NODE) {
		for (yaml_node_pair_t *p = env->data.mapping.pairs.start; p < env->data.mapping.pairs.top; p++) {
			const char *k = scalar(node(c, p->key));
			yaml_node_t *vn = node(c, p->value);
			if (!k || !scalar(vn))
				continue;
			struct st_value v = st_value_string(keep(c, scalar(vn)));
			v.secret = st_secret_name(k, strlen(k));
			v.redacted = st_url_redact(c->ctx, scalar(vn));
			struct st_origin o = at(c, vn, 0, 0);
			fact(c, svc, st_arena_printf(&c->ctx->arena, "env.%s", k), v, &o, ST_LAYER_ENVIRONMENT);
		}
	} else if (env && env->type == YAML_SEQUENCE_NODE) {
		for (yaml_node_item_t *it = env->data.sequence.items.start; it < env->data.sequence.items.top; it++) {
			yaml_node_t *e = node(c, *it);
			const char *kv = scalar(e);
			const char *eq = kv ? strchr(kv, '=') : NULL;
			if (!eq)
				continue;
			const char *k = st_arena_strndup(&c->ctx->arena, kv, (size_t)(eq - kv));
			struct st_value v = st_value_string(keep(c, eq + 1));
			v.secret = st_secret_name(k, strlen(k));
			v.redacted = st_url_redact(c->ctx, eq + 1);
			struct st_origin o = at(c, e, 0, 0);
			fact(c, svc, st_arena_printf(&c->ctx->arena, "env.%s", k), v, &o, ST_LAYER_ENVIRONMENT);
		}
	}
	yaml_node_t *deploy = get(c, s, "deploy");
	yaml_node_t *rep = get(c, deploy, "replicas");
	if (!rep)
		rep = get(c, s, "scale");
	int64_t n;
	if (scalar(rep) && st_int_parse(scalar(rep), strlen(scalar(rep)), &n, NULL) == 0) {
		struct st_origin o = at(c, rep, 0, 0);
		fact(c, svc, "replicas", st_value_int(n), &o, ST_LAYER_FILE);
	}
	yaml_node_t *limits = get(c, get(c, deploy, "resources"), "limits");
	yaml_node_t *mem = get(c, limits, "memory");
	if (!mem)
		mem = get(c, s, "mem_limit");
	if (scalar(mem) && st_size_parse(scalar(mem), strlen(scalar(mem)), ST_UNITS_ANY, 1, &n, NULL) == 0) {
		struct st_origin o = at(c, mem, 0, 0);
		struct st_value v = st_value_size(n);
		v.text = keep(c, scalar(mem));
		fact(c, svc, "limits.memory", v, &o, ST_LAYER_FILE);
	}
	yaml_node_t *cpus = get(c, limits, "cpus");
	if (!cpus)
		cpus = get(c, s, "cpus");
	if (scalar(cpus)) {
		char *end;
		double r = strtod(scalar(cpus), &end);
		struct st_origin o = at(c, cpus, 0, 0);
		if (end != scalar(cpus) && *end == '\0')
			fact(c, svc, "limits.cpus", st_value_real(r), &o, ST_LAYER_FILE);
	}
	yaml_node_t *ports = get(c, s, "ports");
	if (ports && ports->type == YAML_SEQUENCE_NODE) {
		int k = 0;
		for (yaml_node_item_t *it = ports->data.sequence.items.start; it < ports->data.sequence.items.top; it++, k++) {
			yaml_node_t *e = node(c, *it);
			const char *p = scalar(e);
			struct st_origin o = at(c, e, 0, 0);
			int64_t pub = -1, tgt = -1;
			if (p) { /* [ip:]published:target[/proto], or target alone */
				const char *last = strrchr(p, ':');
				const char *tt = last ? last + 1 : p;
				tgt = strtoll(tt, NULL, 10);
				if (last) {
					const char *prev = last;
					while (prev > p && prev[-1] != ':')
						prev--;
					pub = strtoll(prev, NULL, 10);
				}
			} else if (e->type == YAML_MAPPING_NODE) {
				const char *ts = scalar(get(c, e, "target")), *ps = scalar(get(c, e, "published"));
				tgt = ts ? strtoll(ts, NULL, 10) : -1;
				pub = ps ? strtoll(ps, NULL, 10) : -1;
			}
			if (tgt > 0)
				fact(c, svc, st_arena_printf(&c->ctx->arena, "ports.%d.target", k), st_value_int(tgt), &o, ST_LAYER_FILE);
			if (pub > 0)
				fact(c, svc, st_arena_printf(&c->ctx->arena, "ports.%d.published", k), st_value_int(pub), &o,
				     ST_LAYER_FILE);
		}
	}
	yaml_node_t *vols = get(c, s, "volumes");
	if (vols && vols->type == YAML_SEQUENCE_NODE) {
		for (yaml_node_item_t *it = vols->data.sequence.items.start; it < vols->data.sequence.items.top; it++) {
			yaml_node_t *e = node(c, *it);
			const char *v = scalar(e);
			const char *src = v;
			size_t sl = 0;
			if (v) {
				const char *colon = strchr(v, ':');
				sl = colon ? (size_t)(colon - v) : 0;
			} else if (e->type == YAML_MAPPING_NODE && scalar(get(c, e, "source"))) {
				src = scalar(get(c, e, "source"));
				sl = strlen(src);
			}
			if (!src || !sl || (src[0] != '.' && src[0] != '/'))
				continue; /* named volumes */
			const char *rp = repo_path(c, st_arena_strndup(&c->ctx->arena, src, sl));
			if (rp && *rp)
				link_fact(c, "config", rp, svc, e);
		}
	}
	yaml_node_t *build = get(c, s, "build");
	const char *ctxdir = scalar(build) ? scalar(build) : scalar(get(c, build, "context"));
	if (ctxdir) {
		const char *rp = repo_path(c, ctxdir);
		/* applications are named by their top directory ("app" for the repository root) */
		const char *app = rp && *rp ? st_arena_strndup(&c->ctx->arena, rp, strcspn(rp, "/")) : "app";
		if (app)
			link_fact(c, "app", app, svc, build);
	}
}

enum st_match st_compose_match(const char *path, const char *name, const char *head, size_t head_len)
{
	size_t n = strlen(name);
	int yml = (n > 4 && strcmp(name + n - 4, ".yml") == 0) || (n > 5 && strcmp(name + n - 5, ".yaml") == 0);
	if (!yml)
		return ST_MATCH_NO;
	return strncmp(name, "docker-compose", 14) == 0 || strncmp(name, "compose", 7) == 0 ? ST_MATCH_YES : ST_MATCH_NO;
}

/* docker-compose.yml (+ .override) is what `docker compose up` merges; another compose file beside it
 * (docker-compose.production.yml) is an alternative used with -f, not a layer on top. */
static int is_default_name(const char *name)
{
	static const char *const names[] = {"docker-compose.yml", "docker-compose.yaml", "compose.yml", "compose.yaml",
	                                    "docker-compose.override.yml", "docker-compose.override.yaml",
	                                    "compose.override.yml", "compose.override.yaml", NULL};
	for (const char *const *n = names; *n; n++)
		if (strcmp(*n, name) == 0)
			return 1;
	return 0;
}

static int default_beside(struct st_ctx *ctx, const char *dir)
{
	static const char *const names[] = {"docker-compose.yml", "docker-compose.yaml", "compose.yml", "compose.yaml", NULL};
	for (const char *const *n = names; *n; n++) {
		const char *p = st_arena_printf(&ctx->arena, "%s/%s%s%s", ctx->root ? ctx->root : ".", dir, *dir ? "/" : "", *n);
		if (p && access(p, F_OK) == 0)
			return 1;
	}
	return 0;
}

int st_compose_load(struct st_ctx *ctx, const struct st_file *f)
{
	{
		const char *sl = strrchr(f->path, '/');
		const char *dir = sl ? st_arena_strndup(&ctx->arena, f->path, (size_t)(sl - f->path)) : "";
		if (!is_default_name(f->name) && dir && default_beside(ctx, dir)) {
			struct st_origin o = st_origin_file(f->path, 0, 0);
			st_diag(ctx, ST_SEV_INFO, &o,
			        "not merged: an alternative to the docker-compose.yml beside it (docker compose -f)");
			return 0;
		}
	}
	yaml_parser_t parser;
	yaml_document_t doc;
	if (!yaml_parser_initialize(&parser)) {
		ctx->oom = 1;
		return -1;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)f->data, f->size);
	int rc = 0;
	if (!yaml_parser_load(&parser, &doc)) {
		struct st_origin o = st_origin_file(f->path, (unsigned)parser.problem_mark.line + 1,
		                                    (unsigned)parser.problem_mark.column + 1);
		st_diag(ctx, ST_SEV_ERROR, &o, "invalid YAML: %s", parser.problem ? parser.problem : "syntax error");
		yaml_parser_delete(&parser);
		return -1;
	}
	const char *slash = strrchr(f->path, '/');
	struct compose c = {.ctx = ctx, .f = f, .doc = &doc,
	                    .dir = slash ? st_arena_strndup(&ctx->arena, f->path, (size_t)(slash - f->path)) : ""};
	yaml_node_t *root = yaml_document_get_root_node(&doc);
	yaml_node_t *services = root ? get(&c, root, "services") : NULL;
	if (root && root->type != YAML_MAPPING_NODE) {
		struct st_origin o = at(&c, root, 0, 0);
		rc = st_diag(ctx, ST_SEV_ERROR, &o, "a compose file must be a mapping");
	} else if (services && services->type == YAML_MAPPING_NODE) {
		for (yaml_node_pair_t *p = services->data.mapping.pairs.start; p < services->data.mapping.pairs.top; p++) {
			const char *name = scalar(node(&c, p->key));
			yaml_node_t *s = node(&c, p->value);
			if (name && s && s->type == YAML_MAPPING_NODE)
				service(&c, st_arena_strdup(&ctx->arena, name), s);
		}
	}
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return rc;
}
