/* The text of `rules explain ID`, shared by the command and the SARIF rule help. */
#include "report_internal.h"

int st_report_rule_help(const struct st_rule_info *ri, struct st_buf *b)
{
	st_buf_printf(b, "%s (%s)\n", ri->id, st_severity_name(ri->severity));
	st_buf_printf(b, "  applies to: %s\n", ri->components ? ri->components : "the whole stack");
	st_buf_printf(b, "  when:       %s\n", ri->when);
	st_buf_printf(b, "  message:    %s\n", ri->message);
	if (ri->recommend)
		st_buf_printf(b, "  recommends: %s\n", ri->recommend);
	if (ri->rationale)
		st_buf_printf(b, "\n%s\n", ri->rationale);
	if (ri->example)
		st_buf_printf(b, "\nExample:\n%s\n", ri->example);
	if (ri->n_references) {
		st_buf_puts(b, "\nReferences:\n");
		for (size_t i = 0; i < ri->n_references; i++)
			st_buf_printf(b, "  - %s\n", ri->references[i]);
	}
	st_buf_printf(b, "\nDefined in %s:%u\n", ri->origin.file, ri->origin.line);
	return b->failed ? -1 : 0;
}
