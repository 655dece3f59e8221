/* SARIF 2.1.0 writer (OASIS Static Analysis Results Interchange Format) for code-scanning services:
 * the rulebook as tool.driver.rules with the `rules explain` text as help, one result per finding. */
#include <string.h>

#include "report_internal.h"

static const char *sarif_level(enum st_severity s)
{
	return s == ST_SEV_ERROR ? "error" : s == ST_SEV_WARNING ? "warning" : "note";
}

/* A URI reference: unreserved characters and '/' stay, everything else is percent-encoded (RFC 3986). */
static void uri_path(struct st_buf *b, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || strchr("-._~/", *p))
			st_buf_putc(b, (char)*p);
		else
			st_buf_printf(b, "%%%02X", *p);
	}
}

/* The audited path as a prefix for repository-relative URIs: "" for ".", absolute paths and "..". */
static size_t target_prefix(const char *t, const char **start)
{
	while (t[0] == '.' && t[1] == '/')
		t += 2;
	size_t n = strlen(t);
	while (n && t[n - 1] == '/')
		n--;
	*start = t;
	if (t[0] == '/' || (n == 1 && t[0] == '.') || strncmp(t, "..", 2) == 0)
		return 0;
	return n;
}

/* artifactLocation: relative to where stacktune ran when the target is a relative path (the repository root in
 * CI), else relative to the audited directory under the base id SRCROOT. */
static void artifact_location(const struct st_report *r, struct st_buf *b, const char *file)
{
	const char *t;
	size_t n = target_prefix(r->target, &t);
	struct st_buf u = {0};
	if (n) {
		st_buf_put(&u, t, n);
		st_buf_putc(&u, '/');
	}
	uri_path(&u, file);
	st_buf_puts(b, "\"artifactLocation\":{\"uri\":");
	st_buf_json_string(b, st_buf_cstr(&u));
	if (!n)
		st_buf_puts(b, ",\"uriBaseId\":\"SRCROOT\"");
	st_buf_putc(b, '}');
	if (u.failed)
		b->failed = 1;
	st_buf_free(&u);
}

static void physical_location(const struct st_report *r, struct st_buf *b, const struct st_origin *o)
{
	st_buf_puts(b, "{\"physicalLocation\":{");
	artifact_location(r, b, o->file);
	if (o->line) {
		st_buf_printf(b, ",\"region\":{\"startLine\":%u", o->line);
		if (o->col)
			st_buf_printf(b, ",\"startColumn\":%u", o->col);
		st_buf_putc(b, '}');
	}
	st_buf_puts(b, "}");
}

/* FNV-1a over the parts that identify a finding independently of line numbers. */
static uint64_t fnv1a(uint64_t h, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++)
		h = (h ^ *p) * 0x100000001b3ULL;
	return (h ^ 0xff) * 0x100000001b3ULL; /* a separator, so ("ab","c") and ("a","bc") differ */
}

static uint64_t fingerprint(const struct st_finding *f)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	h = fnv1a(h, f->rule);
	h = fnv1a(h, f->component);
	h = fnv1a(h, f->n_locations && f->locations[0].kind == ST_ORIGIN_FILE ? f->locations[0].file : "");
	h = fnv1a(h, f->n_recommendations ? f->recommendations[0].setting : "");
	return h;
}

/* Where a finding without a file location points: the file that declares its component, if any. */
static const struct st_origin *component_origin(const struct st_report *r, const char *id)
{
	for (size_t i = 0; id && r->stack && i < r->stack->n_components; i++)
		if (strcmp(r->stack->components[i].id, id) == 0 && r->stack->components[i].origin.kind == ST_ORIGIN_FILE &&
		    r->stack->components[i].origin.file)
			return &r->stack->components[i].origin;
	return NULL;
}

/* The rule's title: the first sentence of its rationale, else its message template. */
static void short_description(struct st_buf *b, const struct st_rule_info *ri)
{
	struct st_buf t = {0};
	const char *s = ri->rationale ? ri->rationale : ri->message;
	size_t n = 0;
	while (s[n] && s[n] != '\n' && !(s[n] == '.' && (s[n + 1] == ' ' || s[n + 1] == '\n' || !s[n + 1])))
		n++;
	st_buf_put(&t, s, n);
	st_buf_putc(&t, '.');
	st_buf_json_string(b, st_buf_cstr(&t));
	if (t.failed)
		b->failed = 1;
	st_buf_free(&t);
}

static void rule_object(struct st_buf *b, const struct st_rule_info *ri)
{
	st_buf_puts(b, "{\"id\":");
	st_buf_json_string(b, ri->id);
	st_buf_puts(b, ",\"shortDescription\":{\"text\":");
	short_description(b, ri);
	st_buf_puts(b, "}");
	if (ri->rationale) {
		st_buf_puts(b, ",\"fullDescription\":{\"text\":");
		st_buf_json_string(b, ri->rationale);
		st_buf_puts(b, "}");
	}
	struct st_buf h = {0}, md = {0};
	st_report_rule_help(ri, &h);
	st_buf_printf(&md, "**%s** (%s)\n\n", ri->id, st_severity_name(ri->severity));
	if (ri->rationale)
		st_buf_printf(&md, "%s\n\n", ri->rationale);
	st_buf_printf(&md, "Fires when `%s`.\n", ri->when);
	if (ri->n_references) {
		st_buf_puts(&md, "\nReferences:\n");
		for (size_t i = 0; i < ri->n_references; i++)
			st_buf_printf(&md, "- %s\n", ri->references[i]);
	}
	st_buf_puts(b, ",\"help\":{\"text\":");
	st_buf_json_string(b, st_buf_cstr(&h));
	st_buf_puts(b, ",\"markdown\":");
	st_buf_json_string(b, st_buf_cstr(&md));
	if (h.failed || md.failed)
		b->failed = 1;
	st_buf_free(&h);
	st_buf_free(&md);
	st_buf_printf(b, "},\"defaultConfiguration\":{\"level\":\"%s\"}", sarif_level(ri->severity));
	st_buf_puts(b, ",\"properties\":{\"tags\":[");
	/* components is "postgresql, mysql": one tag each */
	const char *c = ri->components ? ri->components : "stack";
	int first = 1;
	while (*c) {
		size_t n = strcspn(c, ", ");
		if (n) {
			if (!first)
				st_buf_putc(b, ',');
			first = 0;
			struct st_buf t = {0};
			st_buf_put(&t, c, n);
			st_buf_json_string(b, st_buf_cstr(&t));
			st_buf_free(&t);
		}
		c += n;
		c += strspn(c, ", ");
	}
	st_buf_puts(b, "]}}");
}

static void driver_rules(const struct st_report *r, struct st_buf *b)
{
	st_buf_puts(b, ",\"rules\":[");
	struct st_rule_info ri;
	for (size_t i = 0; r->rules && st_rules_info(r->rules, i, &ri) == 0; i++) {
		if (i)
			st_buf_puts(b, ",\n");
		rule_object(b, &ri);
	}
	st_buf_putc(b, ']');
}

static void result_object(const struct st_report *r, struct st_buf *b, size_t idx)
{
	const struct st_finding *f = &r->findings->items[idx];
	st_buf_puts(b, "{\"ruleId\":");
	st_buf_json_string(b, f->rule);
	long k = r->rules ? st_rules_find(r->rules, f->rule) : -1;
	if (k >= 0)
		st_buf_printf(b, ",\"ruleIndex\":%ld", k);
	st_buf_printf(b, ",\"level\":\"%s\",\"message\":{\"text\":", sarif_level(f->severity));
	st_buf_json_string(b, f->message);
	st_buf_puts(b, "},\"locations\":[");
	size_t first_file = f->n_locations;
	for (size_t i = 0; i < f->n_locations; i++)
		if (f->locations[i].kind == ST_ORIGIN_FILE && f->locations[i].file) {
			first_file = i;
			break;
		}
	const struct st_origin *primary = first_file < f->n_locations ? &f->locations[first_file] : component_origin(r, f->component);
	if (primary) {
		physical_location(r, b, primary);
		st_buf_putc(b, '}');
	}
	st_buf_putc(b, ']');
	size_t n_related = 0;
	for (size_t i = 0; i < f->n_locations; i++) {
		const struct st_origin *o = &f->locations[i];
		if (i == first_file || o->kind != ST_ORIGIN_FILE || !o->file)
			continue;
		st_buf_puts(b, n_related ? "," : ",\"relatedLocations\":[");
		physical_location(r, b, o);
		st_buf_printf(b, ",\"id\":%zu", n_related++);
		if (o->detail) {
			st_buf_puts(b, ",\"message\":{\"text\":");
			st_buf_json_string(b, o->detail);
			st_buf_putc(b, '}');
		}
		st_buf_putc(b, '}');
	}
	if (n_related)
		st_buf_putc(b, ']');
	/* a repeated fingerprint in one run gets ":N", as code scanning does for its own hashes */
	uint64_t fp = fingerprint(f);
	size_t seen = 1;
	for (size_t i = 0; i < idx; i++)
		seen += fingerprint(&r->findings->items[i]) == fp;
	st_buf_printf(b, ",\"partialFingerprints\":{\"stacktune/v1\":\"%016llx:%zu\"}", (unsigned long long)fp, seen);
	st_buf_puts(b, ",\"properties\":{\"component\":");
	if (f->component)
		st_buf_json_string(b, f->component);
	else
		st_buf_puts(b, "null");
	st_buf_puts(b, ",\"recommendations\":[");
	for (size_t i = 0; i < f->n_recommendations; i++) {
		const struct st_recommendation *rc = &f->recommendations[i];
		st_buf_puts(b, i ? ",{\"setting\":" : "{\"setting\":");
		st_buf_json_string(b, rc->setting);
		st_buf_puts(b, ",\"current\":");
		if (rc->current)
			st_buf_json_string(b, rc->current);
		else
			st_buf_puts(b, "null");
		st_buf_puts(b, ",\"proposed\":");
		st_buf_json_string(b, rc->proposed);
		st_buf_puts(b, ",\"apply\":");
		st_buf_json_string(b, rc->apply);
		st_buf_putc(b, '}');
	}
	st_buf_puts(b, "]}}");
}

/* Input problems (unreadable or malformed files) as tool execution notifications. */
static void invocation(const struct st_report *r, struct st_buf *b)
{
	const struct st_diags *d = &r->ctx->diags;
	st_buf_printf(b, ",\"invocations\":[{\"executionSuccessful\":%s,\"toolExecutionNotifications\":[",
	              st_diag_count(r->ctx, ST_SEV_ERROR) ? "false" : "true");
	size_t n = 0;
	for (size_t i = 0; i < d->n; i++) {
		const struct st_diag *g = &d->items[i];
		if (g->severity == ST_SEV_INFO && !r->verbose)
			continue;
		st_buf_puts(b, n++ ? ",{\"level\":" : "{\"level\":");
		st_buf_printf(b, "\"%s\",\"message\":{\"text\":", sarif_level(g->severity));
		st_buf_json_string(b, g->message);
		st_buf_putc(b, '}');
		if (g->origin.kind == ST_ORIGIN_FILE && g->origin.file) {
			st_buf_puts(b, ",\"locations\":[");
			physical_location(r, b, &g->origin);
			st_buf_puts(b, "}]");
		}
		st_buf_putc(b, '}');
	}
	st_buf_puts(b, "]}]");
}

int st_report_sarif_audit(const struct st_report *r, struct st_buf *b)
{
	st_buf_puts(b, "{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\",\"runs\":[{");
	st_buf_puts(b, "\"tool\":{\"driver\":{\"name\":\"stacktune\",\"version\":\"" ST_VERSION "\","
	               "\"semanticVersion\":\"" ST_VERSION "\"");
	driver_rules(r, b);
	st_buf_puts(b, "}}");
	invocation(r, b);
	st_buf_puts(b, ",\"results\":[");
	for (size_t i = 0; r->findings && i < r->findings->n; i++) {
		st_buf_puts(b, i ? ",\n" : "\n");
		result_object(r, b, i);
	}
	st_buf_puts(b, "]}]}\n");
	return b->failed ? -1 : 0;
}
