/* The rulebook: rules/NAME.yaml files (one YAML document per rule), compiled once, run per component. */
#include <dirent.h>
#include <stdarg.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "expr.h"
#include "stacktune/loaders.h"
#include "stacktune/rules.h"

#define MAX_KINDS 8
#define MAX_RECS 8
#define MAX_REFS 16
#define MAX_PARTS 32

struct tmpl_part {
	const char *text; /* literal text, or NULL for an expression */
	struct st_expr expr;
};

struct rec {
	const char *set;
	const char *to_src;
	struct st_expr to;
	const char *apply;
};

struct rule {
	const char *id;
	enum st_severity severity;
	const char *for_each; /* a fact-name glob (relative to the component): one evaluation per match */
	const char *kinds[MAX_KINDS];
	size_t n_kinds;
	const char *kinds_text;
	const char *when_src;
	struct st_expr when;
	const char *message;
	struct tmpl_part parts[MAX_PARTS];
	size_t n_parts;
	struct rec recs[MAX_RECS];
	size_t n_recs;
	const char *recommend_text;
	const char *rationale;
	const char *refs[MAX_REFS];
	size_t n_refs;
	const char *example;
	struct st_origin origin;
};

struct st_rulebook {
	struct rule *rules;
	size_t n, cap;
	struct st_suppression *supp;
	size_t n_supp, cap_supp;
};

/* ---- YAML helpers ----------------------------------------------------- */

struct yload {
	struct st_ctx *ctx;
	const char *file; /* display path */
	yaml_document_t *doc;
	int errors;
};

static struct st_origin node_origin(const struct yload *y, const yaml_node_t *n)
{
	return st_origin_file(y->file, (unsigned)n->start_mark.line + 1, (unsigned)n->start_mark.column + 1);
}

__attribute__((format(printf, 3, 4))) static int yerr(struct yload *y, const yaml_node_t *n, const char *fmt, ...)
{
	struct st_origin o = node_origin(y, n);
	va_list ap;
	va_start(ap, fmt);
	st_vdiag(y->ctx, ST_SEV_ERROR, &o, fmt, ap);
	va_end(ap);
	y->errors++;
	return -1;
}

static const char *scalar(struct yload *y, const yaml_node_t *n, const char *key)
{
	if (!n || n->type != YAML_SCALAR_NODE) {
		if (n)
			yerr(y, n, "rule field '%s' must be a string", key);
		return NULL;
	}
	return st_arena_strndup(&y->ctx->arena, (const char *)n->data.scalar.value, n->data.scalar.length);
}

/* Compiles an expression held by a YAML scalar; errors point into the scalar when it is on one line. */
static int compile_at(struct yload *y, const yaml_node_t *n, const char *src, size_t len, size_t base_off,
                      struct st_expr *e)
{
	const char *err;
	size_t off;
	if (ex_compile(&y->ctx->arena, src, len, e, &err, &off) == 0) {
		e->line = (unsigned)n->start_mark.line + 1;
		e->col = (unsigned)n->start_mark.column + 1;
		return 0;
	}
	struct st_origin o = node_origin(y, n);
	int quoted = n->data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
	             n->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE;
	int one_line = n->start_mark.line == n->end_mark.line;
	if (one_line && (quoted || n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE))
		o.col += (unsigned)(base_off + off) + (quoted ? 1u : 0u);
	st_diag(y->ctx, ST_SEV_ERROR, &o, "invalid expression: %s", err);
	y->errors++;
	return -1;
}

/* Splits "text {{ expr }} text" into parts. */
static int compile_template(struct yload *y, const yaml_node_t *n, struct rule *r)
{
	const char *s = r->message;
	size_t len = strlen(s), i = 0;
	while (i < len) {
		if (r->n_parts == MAX_PARTS)
			return yerr(y, n, "message has too many {{...}} parts");
		const char *open = strstr(s + i, "{{");
		struct tmpl_part *p = &r->parts[r->n_parts];
		if (open != s + i) {
			size_t l = open ? (size_t)(open - (s + i)) : len - i;
			p->text = st_arena_strndup(&y->ctx->arena, s + i, l);
			r->n_parts++;
			i += l;
			continue;
		}
		const char *close = strstr(open + 2, "}}");
		if (!close)
			return yerr(y, n, "unterminated {{ in message");
		size_t start = (size_t)(open + 2 - s);
		if (compile_at(y, n, s + start, (size_t)(close - (open + 2)), start, &p->expr) < 0)
			return -1;
		p->text = NULL;
		r->n_parts++;
		i = (size_t)(close + 2 - s);
	}
	return 0;
}

static void seq_scalars(struct yload *y, const yaml_node_t *n, const char *key, const char **out, size_t max,
                        size_t *count)
{
	if (n->type == YAML_SCALAR_NODE) {
		out[0] = scalar(y, n, key);
		*count = 1;
		return;
	}
	if (n->type != YAML_SEQUENCE_NODE) {
		yerr(y, n, "rule field '%s' must be a string or a list", key);
		return;
	}
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		yaml_node_t *e = yaml_document_get_node(y->doc, *it);
		if (*count == max) {
			yerr(y, e, "too many entries in '%s'", key);
			return;
		}
		const char *v = scalar(y, e, key);
		if (v)
			out[(*count)++] = v;
	}
}

static int parse_recommend(struct yload *y, const yaml_node_t *n, struct rule *r)
{
	if (n->type != YAML_SEQUENCE_NODE)
		return yerr(y, n, "'recommend' must be a list of {set, to, apply}");
	struct st_buf text = {0};
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		yaml_node_t *e = yaml_document_get_node(y->doc, *it);
		if (r->n_recs == MAX_RECS) {
			yerr(y, e, "too many recommendations");
			break;
		}
		if (e->type != YAML_MAPPING_NODE) {
			yerr(y, e, "a recommendation must be a mapping {set, to, apply}");
			continue;
		}
		struct rec *rc = &r->recs[r->n_recs];
		memset(rc, 0, sizeof(*rc)); /* a rejected entry before this one may have filled the slot */
		const yaml_node_t *to_node = NULL;
		for (yaml_node_pair_t *p = e->data.mapping.pairs.start; p < e->data.mapping.pairs.top; p++) {
			yaml_node_t *k = yaml_document_get_node(y->doc, p->key);
			yaml_node_t *v = yaml_document_get_node(y->doc, p->value);
			const char *key = scalar(y, k, "key");
			if (!key)
				continue;
			if (strcmp(key, "set") == 0)
				rc->set = scalar(y, v, key);
			else if (strcmp(key, "to") == 0) {
				rc->to_src = scalar(y, v, key);
				to_node = v;
			} else if (strcmp(key, "apply") == 0)
				rc->apply = scalar(y, v, key);
			else
				yerr(y, k, "unknown recommendation field '%s' (set, to, apply)", key);
		}
		if (!rc->set || !rc->to_src) {
			yerr(y, e, "a recommendation needs 'set' and 'to'");
			continue;
		}
		if (compile_at(y, to_node, rc->to_src, strlen(rc->to_src), 0, &rc->to) < 0)
			continue;
		if (!rc->apply)
			rc->apply = "restart";
		st_buf_printf(&text, "%s%s = %s (%s)", text.len ? "\n" : "", rc->set, rc->to_src, rc->apply);
		r->n_recs++;
	}
	r->recommend_text = text.len ? st_arena_strdup(&y->ctx->arena, st_buf_cstr(&text)) : NULL;
	st_buf_free(&text);
	return 0;
}

static const char *const kind_names[] = {"postgresql", "mysql", "mariadb", "pgbouncer", "redis", "django",
                                          "gunicorn", "celery", "node", "go", "app", NULL};

static int parse_rule(struct yload *y, const yaml_node_t *root, struct rule *r)
{
	memset(r, 0, sizeof(*r));
	r->origin = node_origin(y, root);
	if (root->type != YAML_MAPPING_NODE)
		return yerr(y, root, "a rule must be a mapping");
	const yaml_node_t *when_node = NULL, *msg_node = NULL, *sev_node = NULL;
	int before = y->errors;
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(y->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(y->doc, p->value);
		const char *key = scalar(y, k, "key");
		if (!key)
			continue;
		if (strcmp(key, "id") == 0)
			r->id = scalar(y, v, key);
		else if (strcmp(key, "severity") == 0)
			sev_node = v;
		else if (strcmp(key, "component") == 0)
			seq_scalars(y, v, key, r->kinds, MAX_KINDS, &r->n_kinds);
		else if (strcmp(key, "when") == 0)
			when_node = v;
		else if (strcmp(key, "message") == 0)
			msg_node = v;
		else if (strcmp(key, "recommend") == 0)
			parse_recommend(y, v, r);
		else if (strcmp(key, "rationale") == 0)
			r->rationale = scalar(y, v, key);
		else if (strcmp(key, "references") == 0)
			seq_scalars(y, v, key, r->refs, MAX_REFS, &r->n_refs);
		else if (strcmp(key, "example") == 0)
			r->example = scalar(y, v, key);
		else if (strcmp(key, "for_each") == 0)
			r->for_each = scalar(y, v, key);
		else
			yerr(y, k, "unknown rule field '%s' (id, severity, component, when, message, recommend, rationale, "
			           "references, example, for_each)", key);
	}
	if (!r->id)
		return yerr(y, root, "rule without an 'id'");
	if (!sev_node || !when_node || !msg_node)
		return yerr(y, root, "rule '%s' needs 'severity', 'when' and 'message'", r->id);
	const char *sev = scalar(y, sev_node, "severity");
	if (sev && st_severity_parse(sev, &r->severity) < 0)
		yerr(y, sev_node, "severity must be info, warning or error, not '%s'", sev);
	struct st_buf kt = {0};
	for (size_t i = 0; i < r->n_kinds; i++) {
		int known = 0;
		for (const char *const *k = kind_names; *k; k++)
			known |= strcmp(*k, r->kinds[i]) == 0;
		if (!known)
			yerr(y, root, "unknown component kind '%s'", r->kinds[i]);
		st_buf_printf(&kt, "%s%s", i ? ", " : "", r->kinds[i]);
	}
	r->kinds_text = kt.len ? st_arena_strdup(&y->ctx->arena, st_buf_cstr(&kt)) : NULL;
	st_buf_free(&kt);
	r->when_src = scalar(y, when_node, "when");
	r->message = scalar(y, msg_node, "message");
	if (r->when_src)
		compile_at(y, when_node, r->when_src, strlen(r->when_src), 0, &r->when);
	if (r->message)
		compile_template(y, msg_node, r);
	return y->errors > before ? -1 : 0;
}

static struct rule *book_add(struct st_ctx *ctx, struct st_rulebook *rb)
{
	if (rb->n == rb->cap) {
		size_t cap = rb->cap ? rb->cap * 2 : 64;
		struct rule *nr = st_arena_alloc(&ctx->arena, cap * sizeof(*nr));
		if (!nr) {
			ctx->oom = 1;
			return NULL;
		}
		if (rb->n)
			memcpy(nr, rb->rules, rb->n * sizeof(*nr));
		rb->rules = nr;
		rb->cap = cap;
	}
	return &rb->rules[rb->n];
}

static int cmp_rule(const void *a, const void *b)
{
	return strcmp(((const struct rule *)a)->id, ((const struct rule *)b)->id);
}

/* Loads the rules of one YAML stream (one rule per document) set up in parser. */
static int load_parser(struct st_ctx *ctx, struct st_rulebook *rb, yaml_parser_t *pp, const char *display)
{
	yaml_parser_t parser = *pp;
	struct yload y = {.ctx = ctx, .file = display};
	int rc = 0;
	for (;;) {
		yaml_document_t doc;
		if (!yaml_parser_load(&parser, &doc)) {
			struct st_origin o = st_origin_file(display, (unsigned)parser.problem_mark.line + 1,
			                                    (unsigned)parser.problem_mark.column + 1);
			st_diag(ctx, ST_SEV_ERROR, &o, "invalid YAML: %s", parser.problem ? parser.problem : "syntax error");
			rc = -1;
			break;
		}
		yaml_node_t *root = yaml_document_get_root_node(&doc);
		if (!root) {
			yaml_document_delete(&doc);
			break;
		}
		y.doc = &doc;
		struct rule *r = book_add(ctx, rb);
		if (r && parse_rule(&y, root, r) == 0) {
			long dup = st_rules_find(rb, r->id);
			if (dup >= 0) {
				struct st_origin o = node_origin(&y, root);
				st_diag(ctx, ST_SEV_ERROR, &o, "duplicate rule id '%s'", r->id);
				rc = -1;
			} else {
				rb->n++;
			}
		} else {
			rc = -1;
		}
		yaml_document_delete(&doc);
	}
	*pp = parser;
	return rc;
}

static int load_file(struct st_ctx *ctx, struct st_rulebook *rb, const char *path, const char *display)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		struct st_origin o = st_origin_file(display, 0, 0);
		return st_diag(ctx, ST_SEV_ERROR, &o, "cannot read rule file: %s", strerror(errno));
	}
	yaml_parser_t parser;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_file(&parser, f);
	int rc = load_parser(ctx, rb, &parser, display);
	yaml_parser_delete(&parser);
	fclose(f);
	return rc;
}

struct st_rulebook *st_rules_load_mem(struct st_ctx *ctx, const char *data, size_t n, const char *display)
{
	struct st_rulebook *rb = st_arena_alloc(&ctx->arena, sizeof(*rb));
	if (!rb) {
		ctx->oom = 1;
		return NULL;
	}
	memset(rb, 0, sizeof(*rb));
	yaml_parser_t parser;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)data, n);
	int rc = load_parser(ctx, rb, &parser, display);
	yaml_parser_delete(&parser);
	if (rc < 0)
		return NULL;
	if (rb->n > 1)
		qsort(rb->rules, rb->n, sizeof(*rb->rules), cmp_rule);
	return rb;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct st_rulebook *st_rules_load(struct st_ctx *ctx, const char *dir)
{
	struct st_rulebook *rb = st_arena_alloc(&ctx->arena, sizeof(*rb));
	if (!rb) {
		ctx->oom = 1;
		return NULL;
	}
	DIR *d = opendir(dir);
	if (!d) {
		struct st_origin o = st_origin_file(dir, 0, 0);
		st_diag(ctx, ST_SEV_ERROR, &o, "cannot open rules directory: %s", strerror(errno));
		return NULL;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);
		if (de->d_name[0] == '.' || l < 6 || strcmp(de->d_name + l - 5, ".yaml") != 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			char **nn = realloc(names, cap * sizeof(*nn));
			if (!nn)
				break;
			names = nn;
		}
		names[n++] = st_arena_printf(&ctx->arena, "%s", de->d_name);
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof(*names), cmp_name);
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		if (!names[i])
			continue;
		char *path = st_arena_printf(&ctx->arena, "%s/%s", dir, names[i]);
		/* the shipped rulebook shows as rules/NAME.yaml; another directory as given */
		size_t dl = strlen(dir);
		int shipped = dl >= 6 && strcmp(dir + dl - 6, "/rules") == 0;
		char *display = shipped ? st_arena_printf(&ctx->arena, "rules/%s", names[i]) : path;
		if (path && display && load_file(ctx, rb, path, display) < 0)
			rc = -1;
	}
	free(names);
	if (rc < 0)
		return NULL;
	if (rb->n > 1)
		qsort(rb->rules, rb->n, sizeof(*rb->rules), cmp_rule);
	return rb;
}

size_t st_rules_count(const struct st_rulebook *rb)
{
	return rb->n;
}

long st_rules_find(const struct st_rulebook *rb, const char *id)
{
	for (size_t i = 0; i < rb->n; i++)
		if (strcmp(rb->rules[i].id, id) == 0)
			return (long)i;
	return -1;
}

int st_rules_info(const struct st_rulebook *rb, size_t i, struct st_rule_info *out)
{
	if (i >= rb->n)
		return -1;
	const struct rule *r = &rb->rules[i];
	memset(out, 0, sizeof(*out));
	out->id = r->id;
	out->severity = r->severity;
	out->components = r->kinds_text;
	out->when = r->when_src;
	out->message = r->message;
	out->rationale = r->rationale;
	out->references = r->refs;
	out->n_references = r->n_refs;
	out->example = r->example;
	out->recommend = r->recommend_text;
	out->origin = r->origin;
	return 0;
}

/* ---- .stacktune.yaml -------------------------------------------------- */

int st_rules_config_load(struct st_ctx *ctx, struct st_rulebook *rb, const char *path, const char *display)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return errno == ENOENT ? 0 : st_diag(ctx, ST_SEV_ERROR, NULL, "cannot read %s: %s", display, strerror(errno));
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_file(&parser, f);
	int rc = 0;
	if (!yaml_parser_load(&parser, &doc)) {
		struct st_origin o = st_origin_file(display, (unsigned)parser.problem_mark.line + 1,
		                                    (unsigned)parser.problem_mark.column + 1);
		rc = st_diag(ctx, ST_SEV_ERROR, &o, "invalid YAML: %s", parser.problem ? parser.problem : "syntax error");
		goto out;
	}
	struct yload y = {.ctx = ctx, .file = display, .doc = &doc};
	yaml_node_t *root = yaml_document_get_root_node(&doc);
	if (root && root->type == YAML_MAPPING_NODE) {
		for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
			yaml_node_t *k = yaml_document_get_node(&doc, p->key);
			yaml_node_t *v = yaml_document_get_node(&doc, p->value);
			const char *key = scalar(&y, k, "key");
			if (!key || strcmp(key, "ignore") != 0)
				continue; /* other sections belong to other rooms (hosts:, rules:) */
			if (v->type != YAML_SEQUENCE_NODE) {
				yerr(&y, v, "'ignore' must be a list of {rule, path}");
				continue;
			}
			for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
				yaml_node_t *e = yaml_document_get_node(&doc, *it);
				struct st_suppression s = {0};
				if (e->type == YAML_SCALAR_NODE) {
					s.rule = scalar(&y, e, "rule");
				} else if (e->type == YAML_MAPPING_NODE) {
					for (yaml_node_pair_t *q = e->data.mapping.pairs.start; q < e->data.mapping.pairs.top; q++) {
						yaml_node_t *qk = yaml_document_get_node(&doc, q->key);
						const char *qkey = scalar(&y, qk, "key");
						yaml_node_t *qv = yaml_document_get_node(&doc, q->value);
						if (qkey && strcmp(qkey, "rule") == 0)
							s.rule = scalar(&y, qv, qkey);
						else if (qkey && strcmp(qkey, "path") == 0)
							s.path = scalar(&y, qv, qkey);
						else if (qkey)
							yerr(&y, qk, "unknown ignore field '%s' (rule, path)", qkey);
					}
				}
				if (!s.rule) {
					yerr(&y, e, "an ignore entry needs a 'rule'");
					continue;
				}
				if (rb->n_supp == rb->cap_supp) {
					size_t cap = rb->cap_supp ? rb->cap_supp * 2 : 8;
					struct st_suppression *ns = st_arena_alloc(&ctx->arena, cap * sizeof(*ns));
					if (!ns)
						break;
					if (rb->n_supp)
						memcpy(ns, rb->supp, rb->n_supp * sizeof(*ns));
					rb->supp = ns;
					rb->cap_supp = cap;
				}
				rb->supp[rb->n_supp++] = s;
			}
		}
	} else if (root) {
		yerr(&y, root, "%s must be a mapping", display);
	}
	if (y.errors)
		rc = -1;
	yaml_document_delete(&doc);
out:
	yaml_parser_delete(&parser);
	fclose(f);
	return rc;
}

/* ---- running ---------------------------------------------------------- */

static int kind_matches(const struct rule *r, const char *kind)
{
	for (size_t i = 0; i < r->n_kinds; i++)
		if (strcmp(r->kinds[i], kind) == 0)
			return 1;
	return 0;
}

/* An inline "stacktune: ignore RULE" on the line of any location suppresses the finding. */
static int inline_ignored(struct st_ctx *ctx, const struct rule *r, const struct st_origin *o)
{
	if (o->kind != ST_ORIGIN_FILE || !o->line)
		return 0;
	struct st_file f;
	size_t before = ctx->diags.n;
	if (st_file_read(ctx, o->file, NULL, &f) < 0) {
		ctx->diags.n = before; /* already reported by the walk, if at all */
		return 0;
	}
	const char *p = f.data, *end = f.data + f.size;
	for (unsigned line = 1; line < o->line && p < end; line++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		p = nl ? nl + 1 : end;
	}
	const char *eol = memchr(p, '\n', (size_t)(end - p));
	size_t len = eol ? (size_t)(eol - p) : (size_t)(end - p);
	const char *mark = "stacktune: ignore";
	size_t ml = strlen(mark), il = strlen(r->id);
	for (size_t i = 0; i + ml <= len; i++) {
		if (memcmp(p + i, mark, ml) != 0)
			continue;
		const char *q = p + i + ml;
		while (q < p + len && (*q == ' ' || *q == '\t'))
			q++;
		if ((size_t)(p + len - q) >= il && memcmp(q, r->id, il) == 0)
			return 1;
	}
	return 0;
}

static int suppressed(struct st_ctx *ctx, const struct st_rulebook *rb, const struct rule *r,
                      const struct st_finding *f)
{
	for (size_t i = 0; i < f->n_locations; i++)
		if (inline_ignored(ctx, r, &f->locations[i]))
			return 1;
	for (size_t s = 0; s < rb->n_supp; s++) {
		const struct st_suppression *sp = &rb->supp[s];
		if (strcmp(sp->rule, "*") != 0 && strcmp(sp->rule, r->id) != 0)
			continue;
		if (!sp->path)
			return 1;
		for (size_t i = 0; i < f->n_locations; i++)
			if (f->locations[i].file && fnmatch(sp->path, f->locations[i].file, 0) == 0)
				return 1;
	}
	return 0;
}

static int findings_push(struct st_ctx *ctx, struct st_findings *out, const struct st_finding *f)
{
	if (out->n == out->cap) {
		size_t cap = out->cap ? out->cap * 2 : 32;
		struct st_finding *nf = st_arena_alloc(&ctx->arena, cap * sizeof(*nf));
		if (!nf) {
			ctx->oom = 1;
			return -1;
		}
		if (out->n)
			memcpy(nf, out->items, out->n * sizeof(*nf));
		out->items = nf;
		out->cap = cap;
	}
	out->items[out->n++] = *f;
	return 0;
}

static void rule_error(struct st_ctx *ctx, const struct rule *r, const struct st_expr *e, const char *why)
{
	struct st_origin o = st_origin_file(r->origin.file, e->line, e->col);
	/* a rule that cannot be evaluated on these facts is our bug, not the user's input: a warning */
	st_diag(ctx, ST_SEV_WARNING, &o, "rule %s not evaluated: %s", r->id, why);
}

static int is_mysql_kind(const char *kind)
{
	return kind && (strcmp(kind, "mysql") == 0 || strcmp(kind, "mariadb") == 0);
}

static void run_one(struct st_ctx *ctx, const struct st_rulebook *rb, const struct rule *r,
                    const struct st_component *c, const struct st_fact *item, const char *item_name,
                    struct st_findings *out)
{
	const char *prefix = c ? (c->prefix ? c->prefix : c->id) : NULL;
	struct ex_env env = {.ctx = ctx, .component = prefix, .item = item, .item_name = item_name};
	struct ex_val v;
	int rc = ex_eval(&r->when, &env, &v);
	if (rc < 0) {
		rule_error(ctx, r, &r->when, env.error ? env.error : "type error");
		return;
	}
	if (rc == 1 || !(v.kind == XV_STR ? (v.str && *v.str) : v.num != 0))
		return;
	struct st_finding f = {.rule = r->id, .severity = r->severity, .component = c ? c->id : NULL};
	int assumed = env.assumed;
	struct st_buf msg = {0};
	for (size_t i = 0; i < r->n_parts; i++) {
		const struct tmpl_part *p = &r->parts[i];
		if (p->text) {
			st_buf_puts(&msg, p->text);
			continue;
		}
		struct ex_env penv = {.ctx = ctx, .component = env.component, .item = item, .item_name = item_name};
		struct ex_val pv;
		if (ex_eval(&p->expr, &penv, &pv) == 0)
			ex_val_format(&msg, &pv, 0);
		else
			st_buf_puts(&msg, "?");
		assumed |= penv.assumed;
		for (int k = 0; k < penv.n_used && env.n_used < EX_MAX_USED; k++) {
			int seen = 0;
			for (int j = 0; j < env.n_used; j++)
				seen |= env.used[j] == penv.used[k];
			if (!seen)
				env.used[env.n_used++] = penv.used[k];
		}
	}
	if (assumed) {
		/* name the built-in defaults the finding rests on, so the reader knows what to check or set */
		size_t before = msg.len;
		for (int k = 0; k < env.n_used; k++) {
			const struct st_fact *u = env.used[k];
			if (u->origin.kind != ST_ORIGIN_DEFAULT || !u->name)
				continue;
			const char *nm = u->name;
			size_t pl = prefix ? strlen(prefix) : 0;
			if (pl && strncmp(nm, prefix, pl) == 0 && nm[pl] == '.')
				nm += pl + 1;
			st_buf_puts(&msg, msg.len == before ? " (assumed defaults: " : ", ");
			st_buf_puts(&msg, nm);
			st_buf_puts(&msg, " = ");
			st_value_format(&msg, &u->value);
		}
		st_buf_puts(&msg, msg.len == before ? " (assumed default)" : ")");
	}
	if (c && c->host && strcmp(c->host, "default") != 0) /* .stacktune.yaml placed it: say where */
		st_buf_printf(&msg, " [host %s]", c->host);
	f.message = st_arena_strdup(&ctx->arena, st_buf_cstr(&msg));
	st_buf_free(&msg);
	f.locations = st_arena_alloc(&ctx->arena, (size_t)(env.n_used ? env.n_used : 1) * sizeof(*f.locations));
	for (int k = 0; f.locations && k < env.n_used; k++) {
		const struct st_origin *o = &env.used[k]->origin;
		int dup = 0; /* facts parsed from one token (a URL's parts) share a location */
		for (size_t j = 0; j < f.n_locations; j++)
			dup |= f.locations[j].line == o->line && f.locations[j].col == o->col &&
			       strcmp(f.locations[j].file, o->file) == 0;
		if (o->kind == ST_ORIGIN_FILE && !dup)
			f.locations[f.n_locations++] = *o;
	}
	if (r->n_recs)
		f.recommendations = st_arena_alloc(&ctx->arena, r->n_recs * sizeof(*f.recommendations));
	for (size_t i = 0; f.recommendations && i < r->n_recs; i++) {
		const struct rec *rc2 = &r->recs[i];
		struct ex_env renv = {.ctx = ctx, .component = env.component, .item = item, .item_name = item_name};
		struct ex_val pv;
		if (ex_eval(&rc2->to, &renv, &pv) != 0)
			continue;
		struct st_recommendation *rec = &f.recommendations[f.n_recommendations++];
		const char *set = rc2->set;
		if (item && strcmp(set, "it_name") == 0)
			set = item_name;
		const struct st_fact *cur = ex_lookup(&renv, set);
		struct st_buf b = {0};
		ex_val_format(&b, &pv, is_mysql_kind(c ? c->kind : NULL));
		rec->proposed = st_arena_strdup(&ctx->arena, st_buf_cstr(&b));
		b.len = 0;
		if (cur) {
			/* the value as the file spells it, so "current" and the edit read alike */
			if (!cur->value.secret && !cur->value.redacted && cur->value.text && cur->value.kind != ST_VAL_STRING)
				st_buf_puts(&b, cur->value.text);
			else
				st_value_format(&b, &cur->value);
			rec->current = st_arena_strdup(&ctx->arena, st_buf_cstr(&b));
			rec->where = cur->origin;
		}
		st_buf_free(&b);
		rec->setting = set;
		rec->apply = rc2->apply;
	}
	if (!suppressed(ctx, rb, r, &f))
		findings_push(ctx, out, &f);
}

/* A for_each rule runs once per fact matching "<prefix>.<glob>", in name order; `it_name` is the part of the
 * name after the glob's literal head ("drift.*" on "postgres.drift.work_mem" gives "work_mem"). */
static void run_each(struct st_ctx *ctx, const struct st_rulebook *rb, const struct rule *r,
                     const struct st_component *c, const struct st_fact_entry **all, size_t n_all,
                     struct st_findings *out)
{
	if (!r->for_each) {
		run_one(ctx, rb, r, c, NULL, NULL, out);
		return;
	}
	const char *prefix = c ? (c->prefix ? c->prefix : c->id) : NULL;
	const char *pat = prefix ? st_arena_printf(&ctx->arena, "%s.%s", prefix, r->for_each) : r->for_each;
	size_t head = strcspn(r->for_each, "*?[");
	size_t skip = (prefix ? strlen(prefix) + 1 : 0) + head;
	for (size_t i = 0; pat && i < n_all; i++) {
		if (fnmatch(pat, all[i]->name, 0) != 0 || strlen(all[i]->name) < skip)
			continue;
		run_one(ctx, rb, r, c, all[i]->chain[all[i]->n - 1], all[i]->name + skip, out);
	}
}

int st_rules_run(struct st_ctx *ctx, const struct st_rulebook *rb, const struct st_stack *stack,
                 struct st_findings *out)
{
	size_t n_all = 0;
	const struct st_fact_entry **all = st_fact_sorted(ctx, &n_all);
	for (size_t i = 0; i < rb->n; i++) {
		const struct rule *r = &rb->rules[i];
		if (!r->n_kinds) {
			run_each(ctx, rb, r, NULL, all, n_all, out);
			continue;
		}
		for (size_t c = 0; c < stack->n_components; c++)
			if (stack->components[c].kind && kind_matches(r, stack->components[c].kind))
				run_each(ctx, rb, r, &stack->components[c], all, n_all, out);
	}
	return ctx->oom ? -1 : 0;
}
