/* Typed values and how they are shown; secrets are rendered as *** by every writer. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stacktune/core.h"

struct st_value st_value_int(int64_t v)
{
	struct st_value x = {.kind = ST_VAL_INT, .i = v};
	return x;
}

struct st_value st_value_real(double v)
{
	struct st_value x = {.kind = ST_VAL_REAL, .r = v};
	return x;
}

struct st_value st_value_size(int64_t bytes)
{
	struct st_value x = {.kind = ST_VAL_SIZE, .i = bytes};
	return x;
}

struct st_value st_value_duration(int64_t usec)
{
	struct st_value x = {.kind = ST_VAL_DURATION, .i = usec};
	return x;
}

struct st_value st_value_bool(int v)
{
	struct st_value x = {.kind = ST_VAL_BOOL, .i = v != 0};
	return x;
}

struct st_value st_value_string(const char *s)
{
	struct st_value x = {.kind = ST_VAL_STRING, .text = s};
	return x;
}

struct st_value st_value_unknown(const char *why)
{
	struct st_value x = {.kind = ST_VAL_NONE, .text = why};
	return x;
}

const char *st_value_kind_name(enum st_value_kind k)
{
	static const char *const names[] = {"unknown", "int", "real", "size", "duration", "bool", "string", "list"};
	return (unsigned)k < sizeof(names) / sizeof(names[0]) ? names[k] : "unknown";
}

const char *st_value_unit(const struct st_value *v)
{
	if (v->secret)
		return NULL;
	if (v->kind == ST_VAL_SIZE)
		return "bytes";
	if (v->kind == ST_VAL_DURATION)
		return "ms";
	return NULL;
}

static int put_real(struct st_buf *b, double r)
{
	if (!isfinite(r))
		return st_buf_puts(b, "null");
	if (r == floor(r) && fabs(r) < 1e15)
		return st_buf_printf(b, "%.1f", r);
	return st_buf_printf(b, "%.15g", r);
}

static int put_ms(struct st_buf *b, int64_t usec)
{
	if (usec % 1000 == 0)
		return st_buf_printf(b, "%lld", (long long)(usec / 1000));
	return st_buf_printf(b, "%s%lld.%03lld", usec < 0 ? "-" : "", (long long)(llabs(usec) / 1000),
	                     (long long)(llabs(usec) % 1000));
}

int st_value_format(struct st_buf *b, const struct st_value *v)
{
	if (v->secret)
		return st_buf_puts(b, "***");
	switch (v->kind) {
	case ST_VAL_INT:
		return st_buf_printf(b, "%lld", (long long)v->i);
	case ST_VAL_REAL:
		return st_buf_printf(b, "%g", v->r);
	case ST_VAL_SIZE:
		return st_size_format(b, v->i);
	case ST_VAL_DURATION:
		return st_duration_format(b, v->i);
	case ST_VAL_BOOL:
		return st_buf_puts(b, v->i ? "on" : "off");
	case ST_VAL_STRING:
		return st_buf_puts(b, v->redacted ? v->redacted : (v->text ? v->text : ""));
	case ST_VAL_LIST:
		for (size_t k = 0; k < v->n_items; k++) {
			if (k)
				st_buf_puts(b, ", ");
			st_value_format(b, &v->items[k]);
		}
		return b->failed ? -1 : 0;
	case ST_VAL_NONE:
		break;
	}
	return st_buf_printf(b, "unknown%s%s", v->text ? ": " : "", v->text ? v->text : "");
}

int st_value_json(struct st_buf *b, const struct st_value *v)
{
	if (v->secret)
		return st_buf_puts(b, "\"***\"");
	switch (v->kind) {
	case ST_VAL_INT:
	case ST_VAL_SIZE:
		return st_buf_printf(b, "%lld", (long long)v->i);
	case ST_VAL_DURATION:
		return put_ms(b, v->i);
	case ST_VAL_REAL:
		return put_real(b, v->r);
	case ST_VAL_BOOL:
		return st_buf_puts(b, v->i ? "true" : "false");
	case ST_VAL_STRING:
		return st_buf_json_string(b, v->redacted ? v->redacted : v->text);
	case ST_VAL_LIST:
		st_buf_putc(b, '[');
		for (size_t k = 0; k < v->n_items; k++) {
			if (k)
				st_buf_putc(b, ',');
			st_value_json(b, &v->items[k]);
		}
		return st_buf_putc(b, ']');
	case ST_VAL_NONE:
		break;
	}
	return st_buf_puts(b, "null");
}
