/* .stacktune.yaml at the repository root: the hosts the stack runs on and which services run where.
 *
 *   hosts:
 *     db1:  {cpus: 8, memory: 32GB, services: [postgres]}
 *     app1: {profile: 4c8g, services: [web, worker]}
 *
 * Facts "hosts.<host>.cpus" (int), ".memory" (size), ".profile" (name or path, resolved by the model) and
 * "hostmap.<service>" = host, each at its YAML node. A service is a compose service or a component id; one not
 * listed runs on the audited host ("default"). The other sections (ignore:, rules:) belong to the rules room. */
#include <string.h>
#include <yaml.h>

#include "stacktune/loaders.h"

struct conf {
	struct st_ctx *ctx;
	const struct st_file *f;
	yaml_document_t *doc;
};

enum st_match st_stconfig_match(const char *path, const char *name, const char *head, size_t head_len)
{
	(void)name;
	(void)head;
	(void)head_len;
	return strcmp(path, ".stacktune.yaml") == 0 || strcmp(path, ".stacktune.yml") == 0 ? ST_MATCH_YES : ST_MATCH_NO;
}

static yaml_node_t *node(struct conf *c, int id)
{
	return yaml_document_get_node(c->doc, id);
}

static const char *scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static struct st_origin at(struct conf *c, const yaml_node_t *n)
{
	struct st_origin o =
	    st_origin_file(c->f->path, (unsigned)n->start_mark.line + 1, (unsigned)n->start_mark.column + 1);
	size_t b = n->start_mark.index, e = n->end_mark.index, ls = b, le = b;
	while (ls > 0 && c->f->data[ls - 1] != '\n')
		ls--;
	while (le < c->f->size && c->f->data[le] != '\n')
		le++;
	o.value_off = b;
	o.value_len = e >= b && e <= c->f->size ? e - b : 0;
	o.line_off = ls;
	o.line_len = le - ls;
	return o;
}

static void fact(struct conf *c, const char *name, struct st_value v, const yaml_node_t *n)
{
	struct st_origin o = at(c, n);
	if (!name || !st_fact_set(c->ctx, name, NULL, v, &o, ST_LAYER_FILE))
		c->ctx->oom = 1;
}

/* An error diagnostic at node n (a macro so the format is checked). */
#define error(c, n, ...)                                                                                               \
	do {                                                                                                           \
		struct st_origin o_ = at((c), (n));                                                                    \
		st_diag((c)->ctx, ST_SEV_ERROR, &o_, __VA_ARGS__);                                                     \
	} while (0)

static void host(struct conf *c, const char *name, const yaml_node_t *h)
{
	struct st_arena *a = &c->ctx->arena;
	if (h->type != YAML_MAPPING_NODE) {
		error(c, h, "host '%s' must be a mapping (cpus, memory, profile, services)", name);
		return;
	}
	for (yaml_node_pair_t *p = h->data.mapping.pairs.start; p < h->data.mapping.pairs.top; p++) {
		yaml_node_t *kn = node(c, p->key), *vn = node(c, p->value);
		const char *k = scalar(kn), *v = scalar(vn);
		if (!k || !vn)
			continue;
		int64_t x;
		if (strcmp(k, "cpus") == 0) {
			if (!v || st_int_parse(v, strlen(v), &x, NULL) < 0 || x < 1 || x > 4096)
				error(c, vn, "cpus: '%s' is not a whole number from 1 to 4096", v ? v : "");
			else
				fact(c, st_arena_printf(a, "hosts.%s.cpus", name), st_value_int(x), vn);
		} else if (strcmp(k, "memory") == 0) {
			if (!v || st_size_parse(v, strlen(v), ST_UNITS_ANY, 1, &x, NULL) < 0 || x < (1 << 20)) {
				error(c, vn, "memory: '%s' is not a size of at least 1MB (such as 32GB)", v ? v : "");
			} else {
				struct st_value sv = st_value_size(x);
				sv.text = st_arena_strdup(a, v);
				fact(c, st_arena_printf(a, "hosts.%s.memory", name), sv, vn);
			}
		} else if (strcmp(k, "profile") == 0) {
			if (!v || !*v)
				error(c, vn, "profile: %s", "a profile name (such as 4c8g) or a path to an .ini file");
			else
				fact(c, st_arena_printf(a, "hosts.%s.profile", name),
				     st_value_string(st_arena_strdup(a, v)), vn);
		} else if (strcmp(k, "services") == 0) {
			if (vn->type != YAML_SEQUENCE_NODE) {
				error(c, vn, "services of host '%s' must be a list of service names", name);
				continue;
			}
			for (yaml_node_item_t *it = vn->data.sequence.items.start; it < vn->data.sequence.items.top;
			     it++) {
				yaml_node_t *sn = node(c, *it);
				const char *svc = scalar(sn);
				if (!svc || !*svc) {
					error(c, sn ? sn : vn, "services of host '%s': a service name is expected",
					      name);
					continue;
				}
				const char *fn = st_arena_printf(a, "hostmap.%s", svc);
				const struct st_fact *prev = fn ? st_fact_get(c->ctx, fn) : NULL;
				if (prev && prev->value.text && strcmp(prev->value.text, name) != 0) {
					struct st_origin o = at(c, sn);
					st_diag(c->ctx, ST_SEV_ERROR, &o,
					        "service '%s' is already placed on host '%s' (line %u)", svc,
					        prev->value.text, prev->origin.line);
					continue;
				}
				fact(c, fn, st_value_string(st_arena_strdup(a, name)), sn);
			}
		} else {
			struct st_origin o = at(c, kn);
			st_diag(c->ctx, ST_SEV_WARNING, &o, "unknown host field '%s' (cpus, memory, profile, services)",
			        k);
		}
	}
}

int st_stconfig_load(struct st_ctx *ctx, const struct st_file *f)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	if (!yaml_parser_initialize(&parser)) {
		ctx->oom = 1;
		return -1;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)f->data, f->size);
	if (!yaml_parser_load(&parser, &doc)) {
		/* the rules room reads the same file for ignore: and reports its syntax errors */
		yaml_parser_delete(&parser);
		return 0;
	}
	struct conf c = {.ctx = ctx, .f = f, .doc = &doc};
	yaml_node_t *root = yaml_document_get_root_node(&doc);
	for (yaml_node_pair_t *p = root && root->type == YAML_MAPPING_NODE ? root->data.mapping.pairs.start : NULL;
	     p && p < root->data.mapping.pairs.top; p++) {
		const char *k = scalar(node(&c, p->key));
		yaml_node_t *v = node(&c, p->value);
		if (!k || strcmp(k, "hosts") != 0 || !v)
			continue;
		if (v->type != YAML_MAPPING_NODE) {
			error(&c, v, "%s must map host names to {cpus, memory, profile, services}", "hosts");
			continue;
		}
		for (yaml_node_pair_t *h = v->data.mapping.pairs.start; h < v->data.mapping.pairs.top; h++) {
			yaml_node_t *hn = node(&c, h->key), *hv = node(&c, h->value);
			const char *name = scalar(hn);
			if (!name || !*name || strchr(name, '.') || !hv) {
				error(&c, hn ? hn : v, "a host name must be a non-empty word without dots: '%s'",
				      name ? name : "");
				continue;
			}
			host(&c, st_arena_strdup(&ctx->arena, name), hv);
		}
	}
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return ctx->oom ? -1 : 0;
}
