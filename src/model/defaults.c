/* Documented defaults of the settings the model and the rulebook reason about, recorded as facts in the
 * lowest layer (origin "default, assumed") for every database component that does not set them. The values
 * come from the settings tables (measured on real servers); this file only names which settings matter. */
#include <string.h>

#include "model_internal.h"
#include "stacktune/loaders.h"

static const char *const mysql_defaults[] = {
	"max_connections", "innodb_buffer_pool_size", "innodb_log_buffer_size", "innodb_log_file_size",
	"key_buffer_size", "sort_buffer_size", "join_buffer_size", "read_buffer_size", "read_rnd_buffer_size",
	"thread_stack", "binlog_cache_size", "tmp_table_size", "max_heap_table_size", "innodb_io_capacity",
	"innodb_flush_method", "wait_timeout", "table_open_cache", "thread_cache_size", "query_cache_type",
	"query_cache_size", NULL};

/* Types a default's text like the my.cnf loader types option values. */
static int mysql_value(const struct st_mysql_var *v, const char *text, struct st_value *out)
{
	int64_t n;
	switch (v->type) {
	case ST_MYSQL_INT:
	case ST_MYSQL_SIZE:
	case ST_MYSQL_DURATION:
		if (st_int_parse(text, strlen(text), &n, NULL) < 0)
			return -1;
		*out = v->type == ST_MYSQL_SIZE ? st_value_size(n)
		       : v->type == ST_MYSQL_DURATION ? st_value_duration(n * v->unit_usec)
		                                      : st_value_int(n);
		break;
	case ST_MYSQL_BOOL:
		*out = st_value_bool(strcmp(text, "ON") == 0 || strcmp(text, "1") == 0);
		break;
	default:
		*out = st_value_string(text);
		break;
	}
	out->text = text;
	return 0;
}

static void mysql_component(struct st_ctx *ctx, const struct st_component *c)
{
	int maria = strcmp(c->kind, "mariadb") == 0;
	for (const char *const *n = mysql_defaults; *n; n++) {
		const char *name = st_arena_printf(&ctx->arena, "%s.%s", c->id, *n);
		if (!name || st_fact_get(ctx, name))
			continue;
		const struct st_mysql_var *v = st_mysql_var_find(*n);
		if (!v)
			continue;
		const char *text = maria ? v->default_mariadb : v->default_mysql;
		const char *who = maria ? "MariaDB 10.11 default" : "MySQL 8.0 default";
		if (!text && !maria && v->default_mariadb) { /* MySQL value unknown: MariaDB's, said so */
			text = v->default_mariadb;
			who = "MariaDB 10.11 default (MySQL's not in the table)";
		}
		struct st_value val;
		if (!text || mysql_value(v, text, &val) < 0)
			continue;
		struct st_origin o = {.kind = ST_ORIGIN_DEFAULT, .detail = who};
		st_fact_set(ctx, name, c->id, val, &o, ST_LAYER_DEFAULT);
	}
}

void st_model_defaults(struct st_ctx *ctx, const struct st_stack *s)
{
	for (size_t i = 0; i < s->n_components; i++) {
		const struct st_component *c = &s->components[i];
		if (strcmp(c->kind, "mysql") == 0 || strcmp(c->kind, "mariadb") == 0)
			mysql_component(ctx, c);
		else if (strcmp(c->kind, "postgresql") == 0)
			st_model_pg_defaults(ctx, c);
	}
}
