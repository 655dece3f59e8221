/* The report writers: one entry per format. */
#include <string.h>

#include "report_internal.h"

const struct st_report_ops st_report_ops[] = {
	{.name = "text", .facts = st_report_text_facts, .audit = st_report_text_audit, .host = st_report_text_host},
	{.name = "json", .facts = st_report_json_facts, .audit = st_report_json_audit, .host = st_report_json_host},
	{.name = "sarif", .audit = st_report_sarif_audit}, /* findings only: facts and host have no results */
	{.name = "markdown", .audit = st_report_markdown_audit},
	{.name = "html", .audit = st_report_html_audit},
};
const size_t st_report_ops_count = sizeof(st_report_ops) / sizeof(st_report_ops[0]);

const struct st_report_ops *st_report_find(const char *name)
{
	for (size_t i = 0; i < st_report_ops_count; i++)
		if (strcmp(st_report_ops[i].name, name) == 0)
			return &st_report_ops[i];
	return NULL;
}
