/* Markdown writer: a summary sized for a pull-request comment (GitHub-flavoured Markdown): counts, one table
 * row per finding, and the locations and fixes folded in <details>. Long inputs are cut, never the counts. */
#include <string.h>

#include "report_internal.h"

#define MD_MAX_ROWS 50        /* table rows and detail entries; the rest is counted */
#define MD_MAX_MESSAGE 200    /* bytes of a message in the table */

/* Table-cell / inline text: no line breaks, and | < > & ` * _ [ ] \ cannot start Markdown or HTML. */
static void md_text(struct st_buf *b, const char *s, size_t max)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++, n++) {
		if (n >= max && (*p & 0xc0) != 0x80) { /* cut on a UTF-8 character boundary */
			st_buf_puts(b, "…");
			return;
		}
		switch (*p) {
		case '\n':
		case '\r':
		case '\t':
			st_buf_putc(b, ' ');
			break;
		case '<':
			st_buf_puts(b, "&lt;");
			break;
		case '>':
			st_buf_puts(b, "&gt;");
			break;
		case '&':
			st_buf_puts(b, "&amp;");
			break;
		case '_': /* GFM: an underscore inside a word never emphasises */
			if (n && ((p[-1] >= 'a' && p[-1] <= 'z') || (p[-1] >= 'A' && p[-1] <= 'Z') || (p[-1] >= '0' && p[-1] <= '9'))) {
				st_buf_putc(b, '_');
				break;
			}
			/* fall through */
		case '|':
		case '`':
		case '*':
		case '[':
		case ']':
		case '\\':
			st_buf_putc(b, '\\');
			st_buf_putc(b, (char)*p);
			break;
		default:
			st_buf_putc(b, (char)*p);
		}
	}
}

/* A code span for paths and settings; a backtick inside cannot end it early. */
static void md_code(struct st_buf *b, const char *s)
{
	st_buf_putc(b, '`');
	for (const char *p = s ? s : ""; *p; p++) {
		if (*p == '`' || *p == '|')
			st_buf_putc(b, *p == '`' ? '\'' : '/');
		else if (*p == '\n' || *p == '\r')
			st_buf_putc(b, ' ');
		else
			st_buf_putc(b, *p);
	}
	st_buf_putc(b, '`');
}

static const char *plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

static void location(struct st_buf *b, const struct st_origin *o)
{
	struct st_buf t = {0};
	st_origin_format(&t, o);
	md_code(b, st_buf_cstr(&t));
	if (t.failed)
		b->failed = 1;
	st_buf_free(&t);
}

int st_report_markdown_audit(const struct st_report *r, struct st_buf *b)
{
	size_t c[3];
	st_report_count(r, c);
	size_t n = r->findings ? r->findings->n : 0;
	size_t de = st_diag_count(r->ctx, ST_SEV_ERROR);
	st_buf_printf(b, "## stacktune audit: %zu %s, %zu %s, %zu info\n\n", c[2], plural(c[2], "error", "errors"), c[1],
	              plural(c[1], "warning", "warnings"), c[0]);
	md_code(b, r->target);
	if (r->host) {
		st_buf_printf(b, " on %lld CPUs, ", (long long)r->host->cpus);
		st_size_format(b, r->host->memory_bytes);
		st_buf_puts(b, " memory");
		if (r->host->profile) {
			st_buf_puts(b, " (profile ");
			md_text(b, r->host->profile, 80);
			st_buf_putc(b, ')');
		}
	}
	st_buf_printf(b, "; %zu %s\n\n", r->stack ? r->stack->n_components : (size_t)0,
	              plural(r->stack ? r->stack->n_components : 0, "component", "components"));
	if (de)
		st_buf_printf(b, "**%zu input %s** (unreadable or malformed files): run `stacktune audit` for details.\n\n", de,
		              plural(de, "error", "errors"));
	if (!n) {
		st_buf_puts(b, "No findings.\n");
		return b->failed ? -1 : 0;
	}
	st_buf_puts(b, "| Severity | Rule | Component | Finding | Where |\n|---|---|---|---|---|\n");
	size_t shown = 0;
	/* errors first, then warnings, then info; in rulebook order within a severity */
	for (int sev = ST_SEV_ERROR; sev >= ST_SEV_INFO; sev--)
		for (size_t i = 0; i < n && shown < MD_MAX_ROWS; i++) {
			const struct st_finding *f = &r->findings->items[i];
			if ((int)f->severity != sev)
				continue;
			shown++;
			st_buf_printf(b, "| %s | ", sev == ST_SEV_ERROR ? "**error**" : st_severity_name(f->severity));
			md_code(b, f->rule);
			st_buf_puts(b, " | ");
			md_text(b, f->component ? f->component : "", 80);
			st_buf_puts(b, " | ");
			md_text(b, f->message, MD_MAX_MESSAGE);
			st_buf_puts(b, " | ");
			if (f->n_locations && f->locations[0].kind == ST_ORIGIN_FILE) {
				struct st_buf t = {0};
				st_buf_printf(&t, "%s:%u", f->locations[0].file, f->locations[0].line);
				md_code(b, st_buf_cstr(&t));
				st_buf_free(&t);
			}
			st_buf_puts(b, " |\n");
		}
	if (shown < n)
		st_buf_printf(b, "\n%zu more %s not shown; see the full report.\n", n - shown,
		              plural(n - shown, "finding", "findings"));
	st_buf_puts(b, "\n<details><summary>Locations and fixes</summary>\n\n");
	shown = 0;
	for (int sev = ST_SEV_ERROR; sev >= ST_SEV_INFO; sev--)
		for (size_t i = 0; i < n && shown < MD_MAX_ROWS; i++) {
			const struct st_finding *f = &r->findings->items[i];
			if ((int)f->severity != sev)
				continue;
			shown++;
			st_buf_puts(b, "#### ");
			md_code(b, f->rule);
			st_buf_printf(b, " (%s)\n\n", st_severity_name(f->severity));
			md_text(b, f->message, 4000);
			st_buf_puts(b, "\n\n");
			for (size_t k = 0; k < f->n_locations; k++) {
				st_buf_puts(b, "- at ");
				location(b, &f->locations[k]);
				st_buf_putc(b, '\n');
			}
			for (size_t k = 0; k < f->n_recommendations; k++) {
				const struct st_recommendation *rc = &f->recommendations[k];
				st_buf_puts(b, "- fix: ");
				md_code(b, rc->setting);
				st_buf_puts(b, " ");
				md_code(b, rc->current ? rc->current : "(unset)");
				st_buf_puts(b, " → ");
				md_code(b, rc->proposed);
				st_buf_puts(b, " (");
				md_text(b, rc->apply ? rc->apply : "", 80);
				st_buf_puts(b, ")");
				if (rc->where.kind == ST_ORIGIN_FILE) {
					st_buf_puts(b, " in ");
					location(b, &rc->where);
				}
				st_buf_putc(b, '\n');
			}
			st_buf_putc(b, '\n');
		}
	st_buf_puts(b, "</details>\n");
	return b->failed ? -1 : 0;
}
