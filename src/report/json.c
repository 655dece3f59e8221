/* JSON writer: the contract every other format is rendered from (see ARCHITECTURE "Findings"). */
#include <string.h>

#include "report_internal.h"

void st_report_count(const struct st_report *r, size_t counts[3])
{
	counts[0] = counts[1] = counts[2] = 0;
	if (!r->findings)
		return;
	for (size_t i = 0; i < r->findings->n; i++)
		counts[r->findings->items[i].severity]++;
}

static void json_key(struct st_buf *b, const char *k)
{
	st_buf_json_string(b, k);
	st_buf_putc(b, ':');
}

static void json_origin(struct st_buf *b, const struct st_origin *o)
{
	st_buf_puts(b, "{\"kind\":");
	st_buf_json_string(b, st_origin_kind_name(o->kind));
	switch (o->kind) {
	case ST_ORIGIN_FILE:
	case ST_ORIGIN_PROFILE:
		st_buf_puts(b, ",\"file\":");
		st_buf_json_string(b, o->file);
		if (o->line)
			st_buf_printf(b, ",\"line\":%u", o->line);
		if (o->col)
			st_buf_printf(b, ",\"column\":%u", o->col);
		break;
	case ST_ORIGIN_HOST:
		st_buf_puts(b, ",\"source\":");
		st_buf_json_string(b, o->file);
		break;
	case ST_ORIGIN_LIVE:
		st_buf_puts(b, ",\"server\":");
		st_buf_json_string(b, o->file);
		break;
	default:
		break;
	}
	if (o->kind == ST_ORIGIN_DEFAULT)
		st_buf_puts(b, ",\"assumed\":true");
	if (o->detail) {
		st_buf_puts(b, ",\"detail\":");
		st_buf_json_string(b, o->detail);
	}
	st_buf_putc(b, '}');
}

/* "text" is the value as written, shown for sizes and durations where it differs from the number. */
static void json_value_fields(struct st_buf *b, const struct st_value *v)
{
	json_key(b, "value");
	st_value_json(b, v);
	const char *unit = st_value_unit(v);
	st_buf_puts(b, ",\"unit\":");
	if (unit)
		st_buf_json_string(b, unit);
	else
		st_buf_puts(b, "null");
	if (v->secret)
		st_buf_puts(b, ",\"secret\":true");
	else if (v->text && (v->kind == ST_VAL_SIZE || v->kind == ST_VAL_DURATION || v->kind == ST_VAL_NONE)) {
		st_buf_puts(b, ",\"text\":");
		st_buf_json_string(b, v->text);
	}
	if (v->kind == ST_VAL_NONE)
		st_buf_puts(b, ",\"unknown\":true");
}

/* "disk", "workload" and "source" of a host, shared by the envelope and `host --format json`. */
static void json_host_kind(struct st_buf *b, const struct st_host *h)
{
	st_buf_puts(b, ",\"disk\":");
	st_buf_json_string(b, st_disk_type_name(h->disk_type));
	st_buf_puts(b, ",\"workload\":");
	if (h->workload)
		st_buf_json_string(b, h->workload);
	else
		st_buf_puts(b, "null");
	st_buf_puts(b, ",\"source\":");
	st_buf_json_string(b, h->source ? h->source : "host");
}

static void json_head(const struct st_report *r, struct st_buf *b)
{
	st_buf_puts(b, "{\"tool\":{\"name\":\"stacktune\",\"version\":\"" ST_VERSION "\"},\"target\":{\"path\":");
	st_buf_json_string(b, r->target);
	st_buf_puts(b, ",\"profile\":");
	if (r->host && r->host->profile)
		st_buf_json_string(b, r->host->profile);
	else
		st_buf_puts(b, "null");
	st_buf_puts(b, "}");
	if (r->host) {
		const struct st_host *h = r->host;
		st_buf_printf(b, ",\"host\":{\"cpus\":%lld,\"memory_bytes\":%lld", (long long)h->cpus,
		              (long long)h->memory_bytes);
		json_host_kind(b, h);
		st_buf_putc(b, '}');
	}
	st_buf_puts(b, ",\"components\":[");
	if (r->stack) {
		for (size_t i = 0; i < r->stack->n_components; i++) {
			const struct st_component *c = &r->stack->components[i];
			if (i)
				st_buf_putc(b, ',');
			st_buf_puts(b, "{\"id\":");
			st_buf_json_string(b, c->id);
			st_buf_puts(b, ",\"kind\":");
			st_buf_json_string(b, c->kind);
			st_buf_puts(b, ",\"host\":");
			st_buf_json_string(b, c->host ? c->host : "default");
			st_buf_puts(b, ",\"origin\":");
			json_origin(b, &c->origin);
			st_buf_putc(b, '}');
		}
	}
	st_buf_putc(b, ']');
}

static void json_diags(const struct st_report *r, struct st_buf *b)
{
	st_buf_puts(b, ",\"diagnostics\":[");
	const struct st_diags *d = &r->ctx->diags;
	for (size_t i = 0; i < d->n; i++) {
		if (i)
			st_buf_putc(b, ',');
		st_buf_puts(b, "{\"severity\":");
		st_buf_json_string(b, st_severity_name(d->items[i].severity));
		st_buf_puts(b, ",\"message\":");
		st_buf_json_string(b, d->items[i].message);
		st_buf_puts(b, ",\"origin\":");
		json_origin(b, &d->items[i].origin);
		st_buf_putc(b, '}');
	}
	st_buf_putc(b, ']');
}

int st_report_json_facts(const struct st_report *r, struct st_buf *b)
{
	json_head(r, b);
	st_buf_puts(b, ",\"facts\":[");
	size_t n;
	const struct st_fact_entry **all = st_fact_sorted(r->ctx, &n);
	for (size_t i = 0; all && i < n; i++) {
		const struct st_fact_entry *e = all[i];
		const struct st_fact *f = e->chain[e->n - 1];
		st_buf_puts(b, i ? ",\n{" : "\n{");
		json_key(b, "name");
		st_buf_json_string(b, f->name);
		st_buf_puts(b, ",\"component\":");
		if (f->component)
			st_buf_json_string(b, f->component);
		else
			st_buf_puts(b, "null");
		st_buf_putc(b, ',');
		json_value_fields(b, &f->value);
		st_buf_puts(b, ",\"origin\":");
		json_origin(b, &f->origin);
		if (f->n_from) {
			st_buf_puts(b, ",\"derived_from\":[");
			for (size_t k = 0; k < f->n_from; k++) {
				if (k)
					st_buf_putc(b, ',');
				st_buf_json_string(b, f->from[k]->name);
			}
			st_buf_putc(b, ']');
		}
		st_buf_puts(b, ",\"overrides\":[");
		for (size_t k = e->n - 1; k-- > 0;) {
			st_buf_putc(b, '{');
			json_value_fields(b, &e->chain[k]->value);
			st_buf_puts(b, ",\"origin\":");
			json_origin(b, &e->chain[k]->origin);
			st_buf_puts(b, k ? "}," : "}");
		}
		st_buf_puts(b, "]}");
	}
	st_buf_puts(b, "]");
	json_diags(r, b);
	st_buf_puts(b, "}\n");
	return b->failed ? -1 : 0;
}

int st_report_json_audit(const struct st_report *r, struct st_buf *b)
{
	json_head(r, b);
	st_buf_puts(b, ",\"findings\":[");
	for (size_t i = 0; r->findings && i < r->findings->n; i++) {
		const struct st_finding *f = &r->findings->items[i];
		st_buf_puts(b, i ? ",\n{" : "\n{");
		json_key(b, "rule");
		st_buf_json_string(b, f->rule);
		st_buf_puts(b, ",\"severity\":");
		st_buf_json_string(b, st_severity_name(f->severity));
		st_buf_puts(b, ",\"component\":");
		if (f->component)
			st_buf_json_string(b, f->component);
		else
			st_buf_puts(b, "null");
		st_buf_puts(b, ",\"message\":");
		st_buf_json_string(b, f->message);
		st_buf_puts(b, ",\"locations\":[");
		for (size_t k = 0; k < f->n_locations; k++) {
			const struct st_origin *o = &f->locations[k];
			st_buf_puts(b, k ? ",{\"file\":" : "{\"file\":");
			st_buf_json_string(b, o->file);
			st_buf_printf(b, ",\"line\":%u,\"column\":%u}", o->line, o->col);
		}
		st_buf_puts(b, "],\"recommendations\":[");
		for (size_t k = 0; k < f->n_recommendations; k++) {
			const struct st_recommendation *rc = &f->recommendations[k];
			st_buf_puts(b, k ? ",{\"setting\":" : "{\"setting\":");
			st_buf_json_string(b, rc->setting);
			if (rc->where.kind == ST_ORIGIN_FILE) {
				st_buf_puts(b, ",\"file\":");
				st_buf_json_string(b, rc->where.file);
				st_buf_printf(b, ",\"line\":%u", rc->where.line);
			}
			st_buf_puts(b, ",\"current\":");
			st_buf_json_string(b, rc->current);
			st_buf_puts(b, ",\"proposed\":");
			st_buf_json_string(b, rc->proposed);
			st_buf_puts(b, ",\"apply\":");
			st_buf_json_string(b, rc->apply);
			st_buf_putc(b, '}');
		}
		st_buf_puts(b, "]}");
	}
	size_t c[3];
	st_report_count(r, c);
	st_buf_puts(b, "]");
	json_diags(r, b);
	st_buf_printf(b, ",\"summary\":{\"error\":%zu,\"warning\":%zu,\"info\":%zu}}\n", c[2], c[1], c[0]);
	return b->failed ? -1 : 0;
}

int st_report_json_host(const struct st_report *r, struct st_buf *b)
{
	const struct st_host *h = r->host;
	st_buf_printf(b, "{\"cpus\":%lld,\"cpus_origin\":", (long long)h->cpus);
	json_origin(b, &h->cpus_origin);
	st_buf_printf(b, ",\"memory_bytes\":%lld,\"memory_origin\":", (long long)h->memory_bytes);
	json_origin(b, &h->memory_origin);
	json_host_kind(b, h);
	st_buf_puts(b, ",\"profile\":");
	if (h->profile)
		st_buf_json_string(b, h->profile);
	else
		st_buf_puts(b, "null");
	st_buf_puts(b, ",\"disks\":[");
	for (size_t i = 0; i < h->n_disks; i++) {
		st_buf_puts(b, i ? ",{\"name\":" : "{\"name\":");
		st_buf_json_string(b, h->disks[i].name);
		st_buf_puts(b, ",\"type\":");
		st_buf_json_string(b, st_disk_type_name(h->disks[i].type));
		st_buf_puts(b, ",\"origin\":");
		json_origin(b, &h->disks[i].origin);
		st_buf_putc(b, '}');
	}
	st_buf_puts(b, "]");
	json_diags(r, b);
	st_buf_puts(b, "}\n");
	return b->failed ? -1 : 0;
}
