/* Growable heap string buffer; an allocation failure sticks so callers can check once at the end. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stacktune/core.h"

static int buf_reserve(struct st_buf *b, size_t extra)
{
	if (b->failed)
		return -1;
	if (extra > SIZE_MAX - b->len - 1)
		goto fail;
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < need) {
		if (cap > SIZE_MAX / 2) {
			cap = need;
			break;
		}
		cap *= 2;
	}
	char *p = realloc(b->data, cap);
	if (!p)
		goto fail;
	b->data = p;
	b->cap = cap;
	return 0;
fail:
	b->failed = 1;
	return -1;
}

int st_buf_put(struct st_buf *b, const void *s, size_t n)
{
	if (buf_reserve(b, n) < 0)
		return -1;
	if (n)
		memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int st_buf_puts(struct st_buf *b, const char *s)
{
	return st_buf_put(b, s, strlen(s));
}

int st_buf_putc(struct st_buf *b, char c)
{
	return st_buf_put(b, &c, 1);
}

int st_buf_vprintf(struct st_buf *b, const char *fmt, va_list ap)
{
	va_list aq;
	va_copy(aq, ap);
	int n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0 || buf_reserve(b, (size_t)n) < 0)
		return -1;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int st_buf_printf(struct st_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = st_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return r;
}

const char *st_buf_cstr(struct st_buf *b)
{
	return b->data ? b->data : "";
}

void st_buf_free(struct st_buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

/* Length of a valid UTF-8 sequence at s (max n bytes), or 0 when invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len;
	unsigned min;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
		min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	unsigned cp = c & (0x7F >> len);
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return len;
}

int st_buf_json_string(struct st_buf *b, const char *s)
{
	st_buf_putc(b, '"');
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t n = strlen((const char *)p);
	size_t i = 0;
	while (i < n) {
		unsigned c = p[i];
		if (c == '"' || c == '\\') {
			st_buf_putc(b, '\\');
			st_buf_putc(b, (char)c);
			i++;
		} else if (c == '\n') {
			st_buf_puts(b, "\\n");
			i++;
		} else if (c == '\t') {
			st_buf_puts(b, "\\t");
			i++;
		} else if (c == '\r') {
			st_buf_puts(b, "\\r");
			i++;
		} else if (c < 0x20 || c == 0x7F) {
			st_buf_printf(b, "\\u%04x", c);
			i++;
		} else {
			size_t l = utf8_len(p + i, n - i);
			if (l == 0) {
				st_buf_puts(b, "\\ufffd");
				i++;
			} else {
				st_buf_put(b, p + i, l);
				i += l;
			}
		}
	}
	return st_buf_putc(b, '"');
}
