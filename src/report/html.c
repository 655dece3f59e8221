/* HTML writer: one self-contained page (no network: inline CSS, inline JS, inline SVG, a CSP that forbids
 * fetching anything): summary, findings filterable by severity, and charts of the model's budgets —
 * connections per database, memory per host — and the port map. Bars carry their numbers as data-*
 * attributes; the page's script checks every bar against them and records the result in body[data-check]. */
#include <stdlib.h>
#include <string.h>

#include "report_internal.h"

#define CHART_W 760   /* whole chart */
#define LABEL_W 150   /* left column: bar names */
#define BAR_W 440     /* the scale's full width */
#define ROW_H 34

static const char *const palette[] = {"#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2",
                                      "#edc948", "#ff9da7", "#9c755f", "#bab0ac", "#e15759"};

static void esc(struct st_buf *b, const char *s)
{
	for (const char *p = s ? s : ""; *p; p++) {
		switch (*p) {
		case '&':
			st_buf_puts(b, "&amp;");
			break;
		case '<':
			st_buf_puts(b, "&lt;");
			break;
		case '>':
			st_buf_puts(b, "&gt;");
			break;
		case '"':
			st_buf_puts(b, "&quot;");
			break;
		case '\'':
			st_buf_puts(b, "&#39;");
			break;
		default:
			st_buf_putc(b, *p);
		}
	}
}

static void esc_origin(struct st_buf *b, const struct st_origin *o)
{
	struct st_buf t = {0};
	st_origin_format(&t, o);
	esc(b, st_buf_cstr(&t));
	if (t.failed)
		b->failed = 1;
	st_buf_free(&t);
}

/* A value in its unit: "300" connections, or "8GB". */
static void esc_amount(struct st_buf *b, int64_t v, int bytes)
{
	if (!bytes) {
		st_buf_printf(b, "%lld", (long long)v);
		return;
	}
	struct st_buf t = {0};
	st_size_format(&t, v);
	esc(b, st_buf_cstr(&t));
	st_buf_free(&t);
}

static const char STYLE[] =
	"body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:0 auto;max-width:1100px;padding:16px 24px;"
	"color:#1d2433;background:#fff}\n"
	"h1{font-size:22px;margin:8px 0}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #dde;padding-bottom:4px}\n"
	".meta{color:#556}.cards{display:flex;gap:12px;margin:12px 0}\n"
	".card{border:1px solid #dde;border-radius:6px;padding:8px 16px;min-width:90px}.card b{font-size:22px;display:block}\n"
	".sev-error{color:#b3261e}.sev-warning{color:#8a5a00}.sev-info{color:#245b9b}\n"
	"table{border-collapse:collapse;width:100%}th,td{text-align:left;vertical-align:top;padding:5px 8px;"
	"border-bottom:1px solid #eef}th{background:#f6f7fb}code{font:12px ui-monospace,monospace}td:nth-child(2) code{white-space:nowrap}\n"
	".filters label{margin-right:14px}.empty{color:#667;font-style:italic}\n"
	"svg text{font:12px system-ui,sans-serif;fill:#1d2433}svg .limit{stroke:#b3261e;stroke-width:2}\n"
	"svg .over{fill:#b3261e}svg .note{fill:#556}\n";

/* Checks each bar against its numbers and writes the outcome to <body data-check>; filters the table. */
static const char SCRIPT[] =
	"(function(){\n"
	"  var bad=[],n=0;\n"
	"  document.querySelectorAll('svg.chart').forEach(function(svg){\n"
	"    var s=parseFloat(svg.getAttribute('data-scale')),x0=parseFloat(svg.getAttribute('data-x0'));\n"
	"    svg.querySelectorAll('g.bar').forEach(function(g){\n"
	"      var sum=0,x=x0,id=g.getAttribute('data-id');\n"
	"      g.querySelectorAll('rect.seg').forEach(function(r){\n"
	"        var v=parseFloat(r.getAttribute('data-value'));n++;sum+=v;\n"
	"        if(Math.abs(r.width.baseVal.value-v*s)>0.01)bad.push(id+': width of '+r.getAttribute('data-label'));\n"
	"        if(Math.abs(r.x.baseVal.value-x)>0.01)bad.push(id+': position of '+r.getAttribute('data-label'));\n"
	"        x+=v*s;\n"
	"      });\n"
	"      var t=parseFloat(g.getAttribute('data-total'));\n"
	"      if(g.querySelector('rect.seg')&&sum!==t)bad.push(id+': segments '+sum+' != total '+t);\n"
	"      var l=g.querySelector('line.limit');\n"
	"      if(l&&Math.abs(l.x1.baseVal.value-(x0+parseFloat(l.getAttribute('data-value'))*s))>0.01)bad.push(id+': limit');\n"
	"    });\n"
	"  });\n"
	"  document.body.setAttribute('data-check',bad.length?'fail: '+bad.join('; '):'ok '+n+' segments');\n"
	"  function filter(){\n"
	"    var on={};\n"
	"    document.querySelectorAll('.filters input').forEach(function(c){on[c.value]=c.checked;});\n"
	"    var shown=0;\n"
	"    document.querySelectorAll('#findings tbody tr').forEach(function(tr){\n"
	"      var v=on[tr.getAttribute('data-severity')]!==false;tr.hidden=!v;shown+=v?1:0;\n"
	"    });\n"
	"    var c=document.getElementById('shown');if(c)c.textContent=String(shown);\n"
	"  }\n"
	"  document.querySelectorAll('.filters input').forEach(function(c){c.addEventListener('change',filter);});\n"
	"  filter();\n"
	"})();\n";

static void head(const struct st_report *r, struct st_buf *b)
{
	st_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	               "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	               "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n"
	               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	               "<meta name=\"generator\" content=\"stacktune " ST_VERSION "\">\n<title>stacktune audit of ");
	esc(b, r->target);
	st_buf_printf(b, "</title>\n<style>\n%s</style>\n</head>\n", STYLE);
}

static void summary(const struct st_report *r, struct st_buf *b)
{
	size_t c[3];
	st_report_count(r, c);
	st_buf_puts(b, "<h1>stacktune audit of <code>");
	esc(b, r->target);
	st_buf_puts(b, "</code></h1>\n<p class=\"meta\">");
	if (r->host) {
		st_buf_printf(b, "Host: %lld CPUs, ", (long long)r->host->cpus);
		esc_amount(b, r->host->memory_bytes, 1);
		st_buf_printf(b, " memory, %s disk", st_disk_type_name(r->host->disk_type));
		if (r->host->profile) {
			st_buf_puts(b, " (profile ");
			esc(b, r->host->profile);
			st_buf_putc(b, ')');
		}
		st_buf_puts(b, ". ");
	}
	st_buf_printf(b, "Model: %zu facts, %zu components. stacktune %s.</p>\n", r->ctx->facts.n_used,
	              r->stack ? r->stack->n_components : (size_t)0, ST_VERSION);
	st_buf_printf(b, "<div class=\"cards\" id=\"summary\" data-error=\"%zu\" data-warning=\"%zu\" data-info=\"%zu\">"
	                 "<div class=\"card sev-error\"><b>%zu</b>errors</div><div class=\"card sev-warning\"><b>%zu</b>warnings</div>"
	                 "<div class=\"card sev-info\"><b>%zu</b>info</div>",
	              c[2], c[1], c[0], c[2], c[1], c[0]);
	size_t de = st_diag_count(r->ctx, ST_SEV_ERROR);
	if (de)
		st_buf_printf(b, "<div class=\"card sev-error\"><b>%zu</b>input errors</div>", de);
	st_buf_puts(b, "</div>\n");
}

static void findings_table(const struct st_report *r, struct st_buf *b)
{
	size_t n = r->findings ? r->findings->n : 0;
	st_buf_printf(b, "<h2>Findings (<span id=\"shown\">%zu</span> of %zu shown)</h2>\n", n, n);
	if (!n) {
		st_buf_puts(b, "<p class=\"empty\">No findings.</p>\n");
		return;
	}
	st_buf_puts(b, "<p class=\"filters\">Show: ");
	for (int sev = ST_SEV_ERROR; sev >= ST_SEV_INFO; sev--)
		st_buf_printf(b, "<label><input type=\"checkbox\" value=\"%s\" checked> %s</label>",
		              st_severity_name((enum st_severity)sev), st_severity_name((enum st_severity)sev));
	st_buf_puts(b, "</p>\n<table id=\"findings\"><thead><tr><th>Severity</th><th>Rule</th><th>Component</th>"
	               "<th>Finding</th><th>Where</th><th>Fix</th></tr></thead>\n<tbody>\n");
	for (int sev = ST_SEV_ERROR; sev >= ST_SEV_INFO; sev--)
		for (size_t i = 0; i < n; i++) {
			const struct st_finding *f = &r->findings->items[i];
			if ((int)f->severity != sev)
				continue;
			const char *s = st_severity_name(f->severity);
			st_buf_printf(b, "<tr data-severity=\"%s\"><td class=\"sev-%s\">%s</td><td><code>", s, s, s);
			esc(b, f->rule);
			st_buf_puts(b, "</code></td><td>");
			esc(b, f->component);
			st_buf_puts(b, "</td><td>");
			esc(b, f->message);
			st_buf_puts(b, "</td><td>");
			for (size_t k = 0; k < f->n_locations; k++) {
				st_buf_puts(b, k ? "<br><code>" : "<code>");
				esc_origin(b, &f->locations[k]);
				st_buf_puts(b, "</code>");
			}
			st_buf_puts(b, "</td><td>");
			for (size_t k = 0; k < f->n_recommendations; k++) {
				const struct st_recommendation *rc = &f->recommendations[k];
				st_buf_puts(b, k ? "<br><code>" : "<code>");
				esc(b, rc->setting);
				st_buf_puts(b, "</code> ");
				esc(b, rc->current ? rc->current : "(unset)");
				st_buf_puts(b, " &rarr; <b>");
				esc(b, rc->proposed);
				st_buf_puts(b, "</b> (");
				esc(b, rc->apply);
				st_buf_putc(b, ')');
			}
			st_buf_puts(b, "</td></tr>\n");
		}
	st_buf_puts(b, "</tbody></table>\n");
}

/* Horizontal stacked bars against a limit line; bytes = 1 for memory. */
static void bar_chart(struct st_buf *b, const char *id, const char *title, const struct st_report_bar *bars, size_t n,
                      int bytes, const char *limit_word)
{
	int64_t max = 1;
	for (size_t i = 0; i < n; i++) {
		if (bars[i].total > max)
			max = bars[i].total;
		if (bars[i].limit_fact && bars[i].limit > max)
			max = bars[i].limit;
	}
	double scale = (double)BAR_W / (double)max;
	/* each bar: a row for the bar, then one legend row per two segments */
	int height = 10;
	for (size_t i = 0; i < n; i++)
		height += ROW_H + 18 * (int)((bars[i].n_segments + 1) / 2) + 10;
	st_buf_printf(b, "<svg class=\"chart\" id=\"%s\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
	                 "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"",
	              id, CHART_W, height, CHART_W, height);
	esc(b, title);
	st_buf_printf(b, "\" data-scale=\"%.9g\" data-x0=\"%d\" data-max=\"%lld\">\n", scale, LABEL_W, (long long)max);
	int y = 10;
	for (size_t i = 0; i < n; i++) {
		const struct st_report_bar *bar = &bars[i];
		st_buf_puts(b, "<g class=\"bar\" data-id=\"");
		esc(b, bar->id);
		st_buf_printf(b, "\" data-total=\"%lld\"", (long long)bar->total);
		if (bar->limit_fact) {
			st_buf_printf(b, " data-limit=\"%lld\" data-limit-fact=\"", (long long)bar->limit);
			esc(b, bar->limit_fact);
			st_buf_putc(b, '"');
		}
		st_buf_printf(b, ">\n<text x=\"0\" y=\"%d\">", y + 17);
		esc(b, bar->id);
		st_buf_puts(b, "</text>\n");
		double x = LABEL_W;
		for (size_t k = 0; k < bar->n_segments; k++) {
			const struct st_report_segment *s = &bar->segments[k];
			double w = (double)s->value * scale;
			const char *color = palette[k % (sizeof(palette) / sizeof(palette[0]))];
			st_buf_printf(b, "<rect class=\"seg\" x=\"%.3f\" y=\"%d\" width=\"%.3f\" height=\"22\" fill=\"%s\" data-value=\"%lld\" data-label=\"",
			              x, y + 2, w, color, (long long)s->value);
			esc(b, s->label);
			st_buf_puts(b, "\" data-fact=\"");
			esc(b, s->fact);
			st_buf_puts(b, "\"><title>");
			esc(b, s->label);
			st_buf_puts(b, ": ");
			esc_amount(b, s->value, bytes);
			st_buf_puts(b, "</title></rect>\n");
			x += w;
			/* legend: two entries a row under the bar */
			int ly = y + ROW_H + 18 * (int)(k / 2);
			int lx = LABEL_W + (int)(k % 2) * 300;
			st_buf_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/><text x=\"%d\" y=\"%d\">", lx,
			              ly - 9, color, lx + 14, ly);
			esc(b, s->label);
			st_buf_puts(b, " ");
			esc_amount(b, s->value, bytes);
			st_buf_puts(b, "</text>\n");
		}
		if (bar->limit_fact) {
			double lx = LABEL_W + (double)bar->limit * scale;
			st_buf_printf(b, "<line class=\"limit\" x1=\"%.3f\" x2=\"%.3f\" y1=\"%d\" y2=\"%d\" data-value=\"%lld\"><title>",
			              lx, lx, y - 2, y + 28, (long long)bar->limit);
			esc(b, limit_word);
			st_buf_puts(b, " ");
			esc_amount(b, bar->limit, bytes);
			st_buf_puts(b, "</title></line>\n");
		}
		int over = bar->limit_fact && bar->total > bar->limit;
		st_buf_printf(b, "<text class=\"%s\" x=\"%d\" y=\"%d\">", over ? "over" : "note", LABEL_W + BAR_W + 12, y + 17);
		esc_amount(b, bar->total, bytes);
		if (bar->unlimited)
			st_buf_puts(b, "+ (unlimited)");
		if (bar->limit_fact) {
			st_buf_puts(b, " of ");
			esc_amount(b, bar->limit, bytes);
		}
		st_buf_puts(b, "</text>\n</g>\n");
		y += ROW_H + 18 * (int)((bar->n_segments + 1) / 2) + 10;
	}
	st_buf_puts(b, "</svg>\n");
}

static int cmp_binding(const void *a, const void *b)
{
	const struct st_port_binding *x = a, *y = b;
	if (x->port != y->port)
		return x->port < y->port ? -1 : 1;
	return strcmp(x->owner, y->owner);
}

/* One row per port: who binds it (red when two do), then calls to local ports nothing binds. */
static void port_map(const struct st_report *r, struct st_buf *b)
{
	struct st_port_binding *pb = NULL;
	size_t nb = st_stack_port_bindings(r->ctx, &pb);
	size_t n_all = 0;
	const struct st_fact_entry **all = st_fact_sorted(r->ctx, &n_all);
	size_t n_unbound = 0;
	for (size_t i = 0; all && i < n_all; i++)
		n_unbound += strncmp(all[i]->name, "ports.unbound_call.", 19) == 0;
	st_buf_puts(b, "<h2>Port map</h2>\n");
	if (!nb && !n_unbound) {
		st_buf_puts(b, "<p class=\"empty\">No ports bound or called in the model.</p>\n");
		return;
	}
	if (nb)
		qsort(pb, nb, sizeof(*pb), cmp_binding);
	size_t rows = 0;
	for (size_t i = 0; i < nb; i++)
		rows += i == 0 || pb[i].port != pb[i - 1].port;
	int height = (int)(rows + n_unbound) * 30 + 10;
	st_buf_printf(b, "<svg class=\"ports\" id=\"chart-ports\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
	                 "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"port map\">\n",
	              CHART_W, height, CHART_W, height);
	int y = 6;
	for (size_t i = 0; i < nb;) {
		size_t j = i;
		while (j < nb && pb[j].port == pb[i].port)
			j++;
		const char *cf = st_arena_printf(&r->ctx->arena, "ports.collision.%lld", (long long)pb[i].port);
		int collision = cf && st_fact_get(r->ctx, cf);
		st_buf_printf(b, "<g class=\"port %s\" data-port=\"%lld\" data-owners=\"%zu\">\n<text x=\"0\" y=\"%d\">:%lld</text>\n",
		              collision ? "collision" : "bound", (long long)pb[i].port, j - i, y + 16, (long long)pb[i].port);
		for (size_t k = i; k < j; k++) {
			int x = 70 + (int)(k - i) * 170;
			st_buf_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"160\" height=\"22\" rx=\"4\" fill=\"%s\"><title>", x, y,
			              collision ? "#f4c7c3" : "#d5e8d4");
			esc(b, pb[k].owner);
			st_buf_puts(b, " at ");
			esc_origin(b, &pb[k].fact->origin);
			st_buf_printf(b, "</title></rect><text x=\"%d\" y=\"%d\">", x + 8, y + 16);
			esc(b, pb[k].owner);
			st_buf_puts(b, "</text>\n");
		}
		if (collision)
			st_buf_printf(b, "<text class=\"over\" x=\"%d\" y=\"%d\">collision</text>\n", 70 + (int)(j - i) * 170, y + 16);
		st_buf_puts(b, "</g>\n");
		y += 30;
		i = j;
	}
	for (size_t i = 0; all && i < n_all; i++) {
		if (strncmp(all[i]->name, "ports.unbound_call.", 19) != 0)
			continue;
		const struct st_fact *f = all[i]->chain[all[i]->n - 1];
		const char *port = all[i]->name + 19;
		st_buf_puts(b, "<g class=\"port unbound\" data-port=\"");
		esc(b, port);
		st_buf_printf(b, "\">\n<text x=\"0\" y=\"%d\">:", y + 16);
		esc(b, port);
		st_buf_printf(b, "</text>\n<rect x=\"70\" y=\"%d\" width=\"160\" height=\"22\" rx=\"4\" fill=\"none\" stroke=\"#e08a00\" "
		                 "stroke-dasharray=\"4 3\"/><text x=\"78\" y=\"%d\">nothing binds</text>\n<text class=\"note\" x=\"240\" y=\"%d\">",
		              y, y + 16, y + 16);
		if (f->value.kind == ST_VAL_STRING && !f->value.secret && f->value.text) { /* "tests calls localhost:3005 (...)" */
			const char *t = st_arena_strndup(&r->ctx->arena, f->value.text, strcspn(f->value.text, ";"));
			esc(b, t);
		}
		st_buf_puts(b, "</text>\n</g>\n");
		y += 30;
	}
	st_buf_puts(b, "</svg>\n");
}

static void charts(const struct st_report *r, struct st_buf *b)
{
	struct st_report_bar *bars;
	size_t n = st_report_connection_bars(r, &bars);
	st_buf_puts(b, "<h2>Connection budget per database</h2>\n<p class=\"meta\">Connections each client may open "
	               "(instances &times; processes &times; pool), stacked, against the connections the server accepts "
	               "for them (red line).</p>\n");
	if (n)
		bar_chart(b, "chart-connections", "connection budget per database", bars, n, 0, "usable connections");
	else
		st_buf_puts(b, "<p class=\"empty\">No database server in the model.</p>\n");
	n = st_report_memory_bars(r, &bars);
	st_buf_puts(b, "<h2>Memory budget per host</h2>\n<p class=\"meta\">Database buffers and application processes "
	               "on each host, stacked, against its memory (red line).</p>\n");
	if (n)
		bar_chart(b, "chart-memory", "memory budget per host", bars, n, 1, "host memory");
	else
		st_buf_puts(b, "<p class=\"empty\">No components in the model.</p>\n");
	port_map(r, b);
}

static void diagnostics(const struct st_report *r, struct st_buf *b)
{
	const struct st_diags *d = &r->ctx->diags;
	size_t shown = 0;
	for (size_t i = 0; i < d->n; i++) {
		const struct st_diag *g = &d->items[i];
		if (g->severity == ST_SEV_INFO && !r->verbose)
			continue;
		if (!shown++)
			st_buf_puts(b, "<h2>Input problems</h2>\n<ul id=\"diagnostics\">\n");
		st_buf_printf(b, "<li class=\"sev-%s\">", st_severity_name(g->severity));
		if (g->origin.kind != ST_ORIGIN_NONE) {
			st_buf_puts(b, "<code>");
			esc_origin(b, &g->origin);
			st_buf_puts(b, "</code>: ");
		}
		esc(b, g->message);
		st_buf_puts(b, "</li>\n");
	}
	if (shown)
		st_buf_puts(b, "</ul>\n");
}

int st_report_html_audit(const struct st_report *r, struct st_buf *b)
{
	head(r, b);
	st_buf_puts(b, "<body>\n");
	summary(r, b);
	charts(r, b);
	findings_table(r, b);
	diagnostics(r, b);
	st_buf_printf(b, "<script>\n%s</script>\n</body>\n</html>\n", SCRIPT);
	return b->failed ? -1 : 0;
}
