/* report internals: the writer functions of each format. */
#ifndef STACKTUNE_REPORT_INTERNAL_H
#define STACKTUNE_REPORT_INTERNAL_H

#include "stacktune/report.h"

int st_report_text_facts(const struct st_report *r, struct st_buf *out);
int st_report_text_audit(const struct st_report *r, struct st_buf *out);
int st_report_text_host(const struct st_report *r, struct st_buf *out);
int st_report_json_facts(const struct st_report *r, struct st_buf *out);
int st_report_json_audit(const struct st_report *r, struct st_buf *out);
int st_report_json_host(const struct st_report *r, struct st_buf *out);
int st_report_sarif_audit(const struct st_report *r, struct st_buf *out);
int st_report_markdown_audit(const struct st_report *r, struct st_buf *out);
int st_report_html_audit(const struct st_report *r, struct st_buf *out);

/* Counts findings by severity into counts[3]. */
void st_report_count(const struct st_report *r, size_t counts[3]);

#endif
