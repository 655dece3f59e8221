/* Text writer: for people at a terminal. Colour only when r->color is set. */
#include <string.h>

#include "report_internal.h"

#define C_RESET "\033[0m"
#define C_BOLD "\033[1m"
#define C_DIM "\033[2m"

static const char *sev_color(enum st_severity s)
{
	return s == ST_SEV_ERROR ? "\033[1;31m" : s == ST_SEV_WARNING ? "\033[1;33m" : "\033[1;36m";
}

static void pad(struct st_buf *b, size_t have, size_t want)
{
	do
		st_buf_putc(b, ' ');
	while (++have < want);
}

static void host_line(const struct st_report *r, struct st_buf *b)
{
	const struct st_host *h = r->host;
	if (!h)
		return;
	st_buf_printf(b, "host: %lld CPUs, ", (long long)h->cpus);
	st_size_format(b, h->memory_bytes);
	st_buf_printf(b, " memory, %s disk", st_disk_type_name(h->disk_type));
	if (h->profile)
		st_buf_printf(b, " (profile %s)", h->profile);
	else
		st_buf_puts(b, " (this machine)");
	st_buf_putc(b, '\n');
}

int st_report_text_facts(const struct st_report *r, struct st_buf *b)
{
	size_t n;
	const struct st_fact_entry **all = st_fact_sorted(r->ctx, &n);
	size_t width = 0;
	for (size_t i = 0; all && i < n; i++) {
		size_t l = strlen(all[i]->name);
		if (l > width && l < 60)
			width = l;
	}
	struct st_buf v = {0};
	for (size_t i = 0; all && i < n; i++) {
		const struct st_fact_entry *e = all[i];
		for (size_t k = e->n; k-- > 0;) {
			const struct st_fact *f = e->chain[k];
			v.len = 0;
			st_value_format(&v, &f->value);
			if (k == e->n - 1) {
				st_buf_printf(b, "%s%s%s", r->color ? C_BOLD : "", f->name, r->color ? C_RESET : "");
				pad(b, strlen(f->name), width + 2);
			} else {
				st_buf_puts(b, "  overrides");
				pad(b, 11, width + 2);
			}
			st_buf_put(b, st_buf_cstr(&v), v.len);
			pad(b, v.len, 24);
			if (r->color)
				st_buf_puts(b, C_DIM);
			st_origin_format(b, &f->origin);
			if (r->color)
				st_buf_puts(b, C_RESET);
			st_buf_putc(b, '\n');
		}
	}
	st_buf_free(&v);
	return b->failed ? -1 : 0;
}

static void diag_line(const struct st_report *r, struct st_buf *b, const struct st_diag *d)
{
	st_buf_puts(b, "  ");
	if (d->origin.kind != ST_ORIGIN_NONE) {
		st_origin_format(b, &d->origin);
		st_buf_puts(b, ": ");
	}
	st_buf_printf(b, "%s\n", d->message);
}

int st_report_text_audit(const struct st_report *r, struct st_buf *b)
{
	size_t c[3];
	st_report_count(r, c);
	if (!r->quiet) {
		st_buf_printf(b, "stacktune audit of %s\n", r->target);
		host_line(r, b);
		st_buf_printf(b, "model: %zu facts, %zu components\n\n", r->ctx->facts.n_used,
		              r->stack ? r->stack->n_components : (size_t)0);
	}
	for (int sev = ST_SEV_ERROR; sev >= ST_SEV_INFO; sev--) {
		size_t nd = 0;
		for (size_t i = 0; i < r->ctx->diags.n; i++)
			nd += r->ctx->diags.items[i].severity == (enum st_severity)sev;
		if (sev == ST_SEV_INFO && !r->verbose)
			nd = 0;
		if (!c[sev] && !nd)
			continue;
		const char *name = st_severity_name((enum st_severity)sev);
		st_buf_printf(b, "%s%s%s\n", r->color ? sev_color((enum st_severity)sev) : "",
		              sev == ST_SEV_ERROR ? "Errors" : sev == ST_SEV_WARNING ? "Warnings" : "Info",
		              r->color ? C_RESET : "");
		for (size_t i = 0; r->findings && i < r->findings->n; i++) {
			const struct st_finding *f = &r->findings->items[i];
			if ((int)f->severity != sev)
				continue;
			st_buf_printf(b, "  %s[%s]%s %s\n", r->color ? C_BOLD : "", f->rule, r->color ? C_RESET : "", f->message);
			for (size_t k = 0; k < f->n_locations; k++) {
				st_buf_puts(b, "      at ");
				st_origin_format(b, &f->locations[k]);
				st_buf_putc(b, '\n');
			}
			for (size_t k = 0; k < f->n_recommendations; k++) {
				const struct st_recommendation *rc = &f->recommendations[k];
				st_buf_printf(b, "      fix: %s %s -> %s (%s)\n", rc->setting, rc->current ? rc->current : "(unset)",
				              rc->proposed, rc->apply);
			}
		}
		for (size_t i = 0; nd && i < r->ctx->diags.n; i++) {
			const struct st_diag *d = &r->ctx->diags.items[i];
			if ((int)d->severity == sev) {
				st_buf_printf(b, "  %s ", name);
				diag_line(r, b, d);
			}
		}
		st_buf_putc(b, '\n');
	}
	size_t de = st_diag_count(r->ctx, ST_SEV_ERROR);
	st_buf_printf(b, "%zu errors, %zu warnings, %zu info", c[2], c[1], c[0]);
	if (de)
		st_buf_printf(b, "; %zu input errors", de);
	st_buf_putc(b, '\n');
	return b->failed ? -1 : 0;
}

int st_report_text_host(const struct st_report *r, struct st_buf *b)
{
	const struct st_host *h = r->host;
	st_buf_printf(b, "cpus      %-10lld ", (long long)h->cpus);
	st_origin_format(b, &h->cpus_origin);
	st_buf_puts(b, "\nmemory    ");
	size_t at = b->len;
	st_size_format(b, h->memory_bytes);
	pad(b, b->len - at, 11);
	st_origin_format(b, &h->memory_origin);
	st_buf_printf(b, "\ndisk      %-10s ", st_disk_type_name(h->disk_type));
	if (h->disk_origin.kind)
		st_origin_format(b, &h->disk_origin);
	st_buf_putc(b, '\n');
	if (h->workload)
		st_buf_printf(b, "workload  %s\n", h->workload);
	for (size_t i = 0; i < h->n_disks; i++) {
		st_buf_printf(b, "  %-12s %-6s ", h->disks[i].name, st_disk_type_name(h->disks[i].type));
		st_origin_format(b, &h->disks[i].origin);
		st_buf_putc(b, '\n');
	}
	return b->failed ? -1 : 0;
}
