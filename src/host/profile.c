/* host: target-machine profiles (profiles/NAME.ini), read with inih.
 *
 * inih's handler gets no line number in Debian's build, so we feed inih through our own reader over the file in
 * memory: inih calls the reader once per line and the handler for that line before reading the next, so the
 * reader's position is the handler's line. The format is described at the top of profiles/4c8g.ini. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "host_internal.h"

#define PROFILE_MAX (256 * 1024) /* a profile is a few lines */

const char *st_host_shown(struct st_ctx *ctx, const char *s, size_t n)
{
	size_t k = n > 40 ? 40 : n;
	char *out = st_arena_alloc(&ctx->arena, k + 4);
	if (!out) {
		ctx->oom = 1;
		return "";
	}
	for (size_t i = 0; i < k; i++)
		out[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	if (k < n)
		memcpy(out + k, "...", 3);
	return out;
}

int st_host_parse_memory(const char *s, size_t n, int64_t *out, const char **err)
{
	int64_t v;
	if (st_size_parse(s, n, ST_UNITS_ANY, 1, &v, err) < 0)
		return -1;
	if (v < 1024 * 1024) {
		*err = "want a size of at least 1MB with a unit, e.g. 8GB";
		return -1;
	}
	*out = v;
	return 0;
}

struct parse {
	struct st_ctx *ctx;
	const char *file; /* as shown in origins */
	const char *text;
	size_t len;
	size_t pos;                 /* start of the next line */
	size_t line_off, line_len;  /* the line inih is working on (no newline, no CR) */
	unsigned lineno;            /* its number, 1-based */
	unsigned first_long;        /* first line too long for inih's buffer, 0 = none */
	int cur_long;               /* the current line is too long (already reported) */
	int errors;
	struct st_host h;
	unsigned cpus_line, memory_line, disk_line, workload_line;
};

/* fgets-style: hands inih the next whole line; a line longer than its buffer is cut and reported. */
static char *reader(char *str, int num, void *stream)
{
	struct parse *p = stream;
	if (p->pos >= p->len || num < 2)
		return NULL;
	const char *start = p->text + p->pos;
	const char *nl = memchr(start, '\n', p->len - p->pos);
	size_t full = nl ? (size_t)(nl - start) + 1 : p->len - p->pos;
	p->lineno++;
	p->line_off = p->pos;
	p->line_len = nl ? full - 1 : full;
	if (p->line_len && start[p->line_len - 1] == '\r')
		p->line_len--;
	p->pos += full;
	p->cur_long = 0;
	size_t give = full;
	if (give > (size_t)num - 1) {
		give = (size_t)num - 2; /* keep room for a newline so inih does not treat the rest as a new line */
		size_t k = 0;
		while (k < p->line_len && (start[k] == ' ' || start[k] == '\t'))
			k++;
		if (k < p->line_len && start[k] != ';' && start[k] != '#') { /* a long comment is harmless */
			if (!p->first_long)
				p->first_long = p->lineno;
			p->cur_long = 1;
			struct st_origin o = {.kind = ST_ORIGIN_PROFILE, .file = p->file, .line = p->lineno, .col = 1};
			st_diag(p->ctx, ST_SEV_ERROR, &o, "line longer than %d characters", num - 3);
			p->errors++;
		}
		memcpy(str, start, give);
		str[give++] = '\n';
	} else {
		memcpy(str, start, give);
	}
	str[give] = '\0';
	return str;
}

/* The origin of the value on the current line: col and byte span of the value inih extracted. */
static struct st_origin value_origin(const struct parse *p, const char *value)
{
	const char *line = p->text + p->line_off;
	size_t i = 0, n = p->line_len;
	const char *eq = NULL;
	for (size_t k = 0; k < n; k++) {
		if (line[k] == '=' || line[k] == ':') {
			eq = line + k;
			break;
		}
	}
	if (eq)
		i = (size_t)(eq - line) + 1;
	while (i < n && (line[i] == ' ' || line[i] == '\t'))
		i++;
	size_t vlen = strlen(value);
	if (i + vlen > n)
		vlen = n - i;
	struct st_origin o = {.kind = ST_ORIGIN_PROFILE,
	                      .file = p->file,
	                      .line = p->lineno,
	                      .col = (unsigned)i + 1,
	                      .value_off = p->line_off + i,
	                      .value_len = vlen,
	                      .line_off = p->line_off,
	                      .line_len = n};
	return o;
}

__attribute__((format(printf, 3, 4))) static void bad(struct parse *p, const struct st_origin *o, const char *fmt,
                                                      ...)
{
	struct st_buf b = {0};
	va_list ap;
	va_start(ap, fmt);
	st_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	st_diag(p->ctx, ST_SEV_ERROR, o, "%s", b.failed ? "invalid profile line" : st_buf_cstr(&b));
	st_buf_free(&b);
	p->errors++;
}

static const char *const workloads[] = {"web", "oltp", "dw", "mixed", "desktop"};

/* inih handler: one key of [host]; always returns 1 so inih's own return value means a syntax error only. */
static int handler(void *user, const char *section, const char *name, const char *value)
{
	struct parse *p = user;
	if (p->cur_long)
		return 1;
	struct st_origin o = value_origin(p, value);
	struct st_origin at_line = o;
	at_line.col = 1;
	const char *shown = st_host_shown(p->ctx, value, strlen(value));
	if (strcmp(section, "host") != 0) {
		if (*section)
			bad(p, &at_line, "unknown section [%s] (profiles have only [host])",
			    st_host_shown(p->ctx, section, strlen(section)));
		else
			bad(p, &at_line, "'%s' is outside a section; put it under [host]",
			    st_host_shown(p->ctx, name, strlen(name)));
		return 1;
	}
	unsigned *seen;
	if (strcmp(name, "cpus") == 0)
		seen = &p->cpus_line;
	else if (strcmp(name, "memory") == 0)
		seen = &p->memory_line;
	else if (strcmp(name, "disk") == 0)
		seen = &p->disk_line;
	else if (strcmp(name, "workload") == 0)
		seen = &p->workload_line;
	else {
		bad(p, &at_line, "unknown key '%s' (known: cpus, memory, disk, workload)",
		    st_host_shown(p->ctx, name, strlen(name)));
		return 1;
	}
	if (*seen) {
		bad(p, &at_line, "'%s' is set again (first at line %u)", name, *seen);
		return 1;
	}
	*seen = p->lineno;
	const char *err = NULL;
	int64_t v;
	if (!*value) {
		bad(p, &o, "'%s' has no value", name);
	} else if (seen == &p->cpus_line) {
		if (st_int_parse(value, strlen(value), &v, &err) < 0 || v < 1 || v > 4096)
			bad(p, &o, "cpus '%s': %s", shown, err ? err : "want a whole number from 1 to 4096");
		else {
			p->h.cpus = v;
			p->h.cpus_origin = o;
		}
	} else if (seen == &p->memory_line) {
		if (st_host_parse_memory(value, strlen(value), &v, &err) < 0)
			bad(p, &o, "memory '%s': %s", shown, err);
		else {
			p->h.memory_bytes = v;
			p->h.memory_origin = o;
		}
	} else if (seen == &p->disk_line) {
		enum st_disk_type t = ST_DISK_UNKNOWN;
		for (int k = ST_DISK_HDD; k <= ST_DISK_NVME; k++)
			if (strcasecmp(value, st_disk_type_name((enum st_disk_type)k)) == 0)
				t = (enum st_disk_type)k;
		if (t == ST_DISK_UNKNOWN)
			bad(p, &o, "disk '%s': want hdd, ssd or nvme", shown);
		else {
			p->h.disk_type = t;
			p->h.disk_origin = o;
		}
	} else {
		const char *w = NULL;
		for (size_t k = 0; k < sizeof(workloads) / sizeof(workloads[0]); k++)
			if (strcasecmp(value, workloads[k]) == 0)
				w = workloads[k];
		if (!w)
			bad(p, &o, "workload '%s': want web, oltp, dw, mixed or desktop", shown);
		else {
			p->h.workload = w;
			p->h.workload_origin = o;
		}
	}
	return 1;
}

/* Version order, so 2c4g comes before 16c32g. */
static int cmp_name(const void *a, const void *b)
{
	return strverscmp(*(const char *const *)a, *(const char *const *)b);
}

/* "a, b, c": the profile names in datadir/profiles in version order; "none" when there are none. */
static const char *available(struct st_ctx *ctx, const char *datadir)
{
	char *dirpath = st_arena_printf(&ctx->arena, "%s/profiles", datadir);
	DIR *d = dirpath ? opendir(dirpath) : NULL;
	if (!d)
		return "none";
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		size_t k = strlen(e->d_name);
		if (k <= 4 || e->d_name[0] == '.' || strcmp(e->d_name + k - 4, ".ini") != 0)
			continue;
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 16;
			char **nn = realloc(names, nc * sizeof(*nn));
			if (!nn)
				break;
			names = nn;
			cap = nc;
		}
		names[n] = st_arena_strndup(&ctx->arena, e->d_name, k - 4);
		if (names[n])
			n++;
	}
	closedir(d);
	if (n == 0) {
		free(names);
		return "none";
	}
	qsort(names, n, sizeof(*names), cmp_name);
	struct st_buf b = {0};
	for (size_t i = 0; i < n; i++)
		st_buf_printf(&b, "%s%s", i ? ", " : "", names[i]);
	free(names);
	const char *s = b.failed ? "?" : st_arena_strdup(&ctx->arena, st_buf_cstr(&b));
	st_buf_free(&b);
	return s ? s : "?";
}

static int name_ok(const char *s)
{
	if (!*s || *s == '.' || strlen(s) > 64)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_' && *s != '.')
			return 0;
	return 1;
}

int st_profile_load(struct st_ctx *ctx, const char *datadir, const char *name_or_path, struct st_host *h)
{
	struct st_origin cli = {.kind = ST_ORIGIN_CLI, .detail = "--profile"};
	size_t nlen = strlen(name_or_path);
	int is_path = strchr(name_or_path, '/') || (nlen >= 4 && strcmp(name_or_path + nlen - 4, ".ini") == 0);
	const char *path, *shown_file;
	if (is_path) {
		path = name_or_path;
		shown_file = st_arena_strdup(&ctx->arena, name_or_path);
	} else {
		if (!name_ok(name_or_path))
			return st_diag(ctx, ST_SEV_ERROR, &cli,
			               "invalid profile name '%s' (letters, digits, '-', '_', '.'; or a path to an .ini file)",
			               st_host_shown(ctx, name_or_path, nlen));
		path = st_arena_printf(&ctx->arena, "%s/profiles/%s.ini", datadir, name_or_path);
		shown_file = st_arena_printf(&ctx->arena, "profiles/%s.ini", name_or_path);
	}
	if (!path || !shown_file) {
		ctx->oom = 1;
		return st_diag(ctx, ST_SEV_ERROR, &cli, "out of memory");
	}
	struct st_origin at_file = {.kind = ST_ORIGIN_PROFILE, .file = shown_file};
	size_t len;
	int err;
	char *text = st_host_read_file(path, PROFILE_MAX, &len, &err);
	if (!text) {
		if (err == ENOENT && !is_path)
			return st_diag(ctx, ST_SEV_ERROR, &cli, "unknown profile '%s' (available: %s)", name_or_path,
			               available(ctx, datadir));
		if (err == EFBIG)
			return st_diag(ctx, ST_SEV_ERROR, &at_file, "profile is larger than %d bytes", PROFILE_MAX);
		return st_diag(ctx, ST_SEV_ERROR, &at_file, "cannot read profile: %s", strerror(err));
	}
	if (memchr(text, '\0', len)) {
		free(text);
		return st_diag(ctx, ST_SEV_ERROR, &at_file, "profile is not a text file (NUL byte)");
	}
	struct parse p = {.ctx = ctx, .file = shown_file, .text = text, .len = len};
	int rc = ini_parse_stream(reader, &p, handler, &p);
	free(text);
	p.text = NULL;
	if (rc == -2) {
		ctx->oom = 1;
		return st_diag(ctx, ST_SEV_ERROR, &at_file, "out of memory while reading the profile");
	}
	if (rc > 0 && (unsigned)rc != p.first_long) {
		struct st_origin o = {.kind = ST_ORIGIN_PROFILE, .file = shown_file, .line = (unsigned)rc, .col = 1};
		st_diag(ctx, ST_SEV_ERROR, &o, "expected 'key = value' or '[section]'");
		p.errors++;
	}
	if (!p.cpus_line)
		p.errors++, st_diag(ctx, ST_SEV_ERROR, &at_file, "profile does not set 'cpus' in [host]");
	if (!p.memory_line)
		p.errors++, st_diag(ctx, ST_SEV_ERROR, &at_file, "profile does not set 'memory' in [host]");
	if (p.errors)
		return -1;
	const char *base = strrchr(name_or_path, '/');
	base = base ? base + 1 : name_or_path;
	size_t blen = strlen(base);
	if (blen > 4 && strcmp(base + blen - 4, ".ini") == 0)
		blen -= 4;
	p.h.source = "profile";
	p.h.profile = st_arena_strndup(&ctx->arena, base, blen);
	if (!p.h.profile) {
		ctx->oom = 1;
		return st_diag(ctx, ST_SEV_ERROR, &at_file, "out of memory");
	}
	*h = p.h;
	return 0;
}
