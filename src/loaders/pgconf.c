/* postgresql.conf, read exactly as PostgreSQL's guc-file.l reads it, and typed as guc.c types it.
 *
 * Lexer (flex rules, longest match, earlier rule on a tie): white space [ \t\r]; "#" to the end of the line;
 * ID [A-Za-z_\200-\377][A-Za-z_0-9\200-\377]*; QUALIFIED_ID ID.ID; STRING '([^'\\\n]|\\.|'')*';
 * UNQUOTED_STRING a letter, then letters, digits and -._:/; INTEGER [+-]?(digits|0x hexdigits)letters*;
 * REAL [+-]?digits*.digits*([Ee][+-]?digits)?; "="; any other byte is an error token.
 * Lines: NAME [=] VALUE, NAME an ID or QUALIFIED_ID (case-insensitive), VALUE any token but "=", then the end of
 * the line; anything else is a syntax error (the server refuses to start; the other lines still load here).
 * "include", "include_if_exists" and "include_dir" (relative to the including file's directory; a directory's
 * "*.conf" files not starting with '.', in strcmp order) nest at most 10 deep (CONF_FILE_MAX_DEPTH); then
 * postgresql.auto.conf beside the top-level file (layer ST_LAYER_AUTO_CONF). Last value wins: an earlier
 * duplicate of a known setting (same spelling) is never validated by the server, as in
 * ProcessConfigFileInternal(). Values become sizes (bytes), durations (us), bools, ints, reals, enums (the
 * canonical name the server shows) through the settings table (st_pg_setting_value).
 *
 * Which files load on their own (decided here; the walker must not load an included file a second time):
 *   - postgresql.conf anywhere: always, then postgresql.auto.conf beside it;
 *   - postgresql.auto.conf: only when no postgresql.conf is beside it (then alone, layer AUTO_CONF);
 *   - postgresql*.conf (postgresql.prod.conf ...), postgres.conf, and *.conf directly inside a directory named
 *     postgres* / postgresql* / pg (not pg_hba.conf, pg_ident.conf, recovery.conf), when the head looks like
 *     PostgreSQL settings: only when no postgresql*.conf in its directory or an ancestor directory reaches it
 *     through includes (a file compose mounts as a server's config always loads).
 * Includes that leave the audited tree (absolute paths such as /etc/postgresql/...) are reported (info) and not
 * followed. Component: the compose service the top-level file is mounted into, else "postgres". */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "stacktune/loaders.h"

#define CONF_FILE_MAX_DEPTH 10 /* guc.h: deeper includes are an error */
#define MAX_SYNTAX_ERRORS 100  /* guc-file.l abandons a file after 100 syntax errors */
#define MAX_VALUE_ERRORS 200   /* diagnostics about values per load */
#define MAX_UNKNOWN 100       /* unknown names reported (with a suggestion) per load */
#define MAX_FILES 1000         /* files read per load: include_dir fan-out nested 10 deep is k^10 */

enum tok { T_EOF = 0, T_ID, T_STRING, T_INTEGER, T_REAL, T_EQUALS, T_UNQUOTED, T_QUALIFIED, T_EOL, T_ERROR };

struct item {
	const char *name;  /* as written */
	const char *value; /* quotes and escapes removed */
	struct st_origin origin; /* file:line:col of the name, value and line spans */
	unsigned vcol;           /* column of the value token */
	int layer;
	int ignore; /* an earlier duplicate the server never looks at */
};

struct pgconf {
	struct st_ctx *ctx;
	int scan_only;          /* only follow includes, to learn which files are reached (no facts, no diags) */
	const char *component;
	int major;              /* from <component>.version; 0 = unknown */
	int layer;
	const char *stack[CONF_FILE_MAX_DEPTH + 2]; /* files being read, for the chain in messages and loops */
	int depth;
	unsigned files;
	int files_reported;
	struct item *items;
	size_t n, cap;
	const char **reached; /* scan mode: files reached */
	size_t n_reached, cap_reached;
	unsigned value_errors;
	unsigned unknown; /* unknown setting names seen */
};

struct lexer {
	const char *s; /* whole file */
	size_t n, i;   /* size, position */
	size_t ls;     /* start of the current line */
	unsigned line;
	size_t ts, te; /* last token */
};

/* ---- lexer ----------------------------------------------------------------------------------------------- */

static int is_letter(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c >= 0x80;
}

static int is_letter_or_digit(int c)
{
	return is_letter(c) || (c >= '0' && c <= '9');
}

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int is_alpha(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static int is_hex(int c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Length of the longest match of each rule at s[i..n). */
static size_t match_id(const unsigned char *s, size_t i, size_t n)
{
	if (i >= n || !is_letter(s[i]))
		return 0;
	size_t j = i + 1;
	while (j < n && is_letter_or_digit(s[j]))
		j++;
	return j - i;
}

static size_t match_qualified(const unsigned char *s, size_t i, size_t n)
{
	size_t a = match_id(s, i, n);
	if (!a || i + a >= n || s[i + a] != '.')
		return 0;
	size_t b = match_id(s, i + a + 1, n);
	return b ? a + 1 + b : 0;
}

static size_t match_unquoted(const unsigned char *s, size_t i, size_t n)
{
	if (i >= n || !is_letter(s[i]))
		return 0;
	size_t j = i + 1;
	while (j < n && (is_letter_or_digit(s[j]) || s[j] == '-' || s[j] == '.' || s[j] == '_' || s[j] == ':' ||
	                 s[j] == '/'))
		j++;
	return j - i;
}

static size_t match_string(const unsigned char *s, size_t i, size_t n)
{
	if (i >= n || s[i] != '\'')
		return 0;
	size_t j = i + 1, best = 0;
	while (j < n && s[j] != '\n') {
		if (s[j] == '\\') {
			if (j + 1 >= n || s[j + 1] == '\n')
				break;
			j += 2;
		} else if (s[j] == '\'') {
			best = j + 1 - i; /* a closing quote; '' goes on */
			if (j + 1 < n && s[j + 1] == '\'')
				j += 2;
			else
				break;
		} else {
			j++;
		}
	}
	return best;
}

static size_t match_integer(const unsigned char *s, size_t i, size_t n)
{
	size_t j = i;
	if (j < n && (s[j] == '+' || s[j] == '-'))
		j++;
	size_t best = 0;
	/* digits, then unit letters */
	size_t k = j;
	while (k < n && is_digit(s[k]))
		k++;
	if (k > j) {
		while (k < n && is_alpha(s[k]))
			k++;
		best = k - i;
	}
	/* 0x hexdigits, then unit letters */
	if (j + 2 < n && s[j] == '0' && s[j + 1] == 'x' && is_hex(s[j + 2])) {
		k = j + 2;
		while (k < n && is_hex(s[k]))
			k++;
		while (k < n && is_alpha(s[k]))
			k++;
		if (k - i > best)
			best = k - i;
	}
	return best;
}

static size_t match_real(const unsigned char *s, size_t i, size_t n)
{
	size_t j = i;
	if (j < n && (s[j] == '+' || s[j] == '-'))
		j++;
	while (j < n && is_digit(s[j]))
		j++;
	if (j >= n || s[j] != '.')
		return 0;
	j++;
	while (j < n && is_digit(s[j]))
		j++;
	if (j < n && (s[j] == 'e' || s[j] == 'E')) {
		size_t k = j + 1;
		if (k < n && (s[k] == '+' || s[k] == '-'))
			k++;
		if (k < n && is_digit(s[k])) {
			while (k < n && is_digit(s[k]))
				k++;
			j = k;
		}
	}
	return j - i;
}

/* The next token; white space and comments are skipped, "\n" is T_EOL, the end T_EOF. */
static enum tok lex(struct lexer *L)
{
	const unsigned char *s = (const unsigned char *)L->s;
	size_t n = L->n;
	while (L->i < n && (s[L->i] == ' ' || s[L->i] == '\t' || s[L->i] == '\r'))
		L->i++;
	if (L->i < n && s[L->i] == '#') {
		const unsigned char *nl = memchr(s + L->i, '\n', n - L->i);
		L->i = nl ? (size_t)(nl - s) : n;
	}
	L->ts = L->i;
	if (L->i >= n) {
		L->te = L->i;
		return T_EOF;
	}
	if (s[L->i] == '\n') {
		L->te = ++L->i;
		L->line++;
		L->ls = L->i;
		return T_EOL;
	}
	/* rule order breaks ties: ID, QUALIFIED_ID, STRING, UNQUOTED_STRING, INTEGER, REAL, "=", any byte */
	static const enum tok order[] = {T_ID, T_QUALIFIED, T_STRING, T_UNQUOTED, T_INTEGER, T_REAL};
	size_t len[6] = {match_id(s, L->i, n),       match_qualified(s, L->i, n), match_string(s, L->i, n),
	                 match_unquoted(s, L->i, n), match_integer(s, L->i, n),   match_real(s, L->i, n)};
	size_t best = 0;
	enum tok t = T_ERROR;
	for (int k = 0; k < 6; k++)
		if (len[k] > best) {
			best = len[k];
			t = order[k];
		}
	if (!best) {
		best = 1;
		t = s[L->i] == '=' ? T_EQUALS : T_ERROR;
	}
	L->i += best;
	L->te = L->i;
	return t;
}

/* GUC_scanstr(): strips the quotes, '' becomes ', backslash escapes \b \f \n \r \t, octal \ooo, \x is x. */
static char *scanstr(struct st_ctx *ctx, const char *s, size_t n)
{
	char *out = st_arena_alloc(&ctx->arena, n + 1);
	if (!out) {
		ctx->oom = 1;
		return NULL;
	}
	size_t j = 0;
	for (size_t i = 1; i + 1 < n; i++) {
		char c = s[i];
		if (c == '\\' && i + 2 < n) {
			c = s[++i];
			switch (c) {
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			default:
				if (c >= '0' && c <= '7') {
					int v = 0, k = 0;
					while (k < 3 && i + 1 < n && s[i] >= '0' && s[i] <= '7')
						v = (v << 3) + (s[i++] - '0'), k++;
					i--;
					c = (char)v;
				}
			}
		} else if (c == '\'' && s[i + 1] == '\'') {
			i++;
		}
		out[j++] = c;
	}
	out[j] = '\0'; /* an octal \0 ends the value early, as in the server's C string */
	return out;
}

/* ---- diagnostics ----------------------------------------------------------------------------------------- */

__attribute__((format(printf, 6, 7))) static void diag(struct pgconf *p, enum st_severity sev, const char *path,
                                                       unsigned line, unsigned col, const char *fmt, ...)
{
	if (p->scan_only)
		return;
	struct st_origin o = st_origin_file(path, line, col);
	va_list ap;
	va_start(ap, fmt);
	st_vdiag(p->ctx, sev, &o, fmt, ap);
	va_end(ap);
}

static void oom(struct pgconf *p)
{
	p->ctx->oom = 1;
}

/* "a.conf -> b.conf -> c.conf" for the files being read, then next. */
static const char *chain(struct pgconf *p, const char *next)
{
	struct st_buf b = {0};
	for (int i = 0; i < p->depth; i++) {
		st_buf_puts(&b, p->stack[i]);
		st_buf_puts(&b, " -> ");
	}
	st_buf_puts(&b, next);
	const char *s = b.failed ? NULL : st_arena_strdup(&p->ctx->arena, st_buf_cstr(&b));
	st_buf_free(&b);
	return s ? s : next;
}

/* "postgresql.conf -> conf.d/a.conf": the files that include the one being read. */
static const char *via(struct pgconf *p)
{
	struct st_buf b = {0};
	st_buf_puts(&b, "included from ");
	for (int i = 0; i + 1 < p->depth; i++) {
		if (i)
			st_buf_puts(&b, " -> ");
		st_buf_puts(&b, p->stack[i]);
	}
	const char *s = b.failed ? NULL : st_arena_strdup(&p->ctx->arena, st_buf_cstr(&b));
	st_buf_free(&b);
	return s;
}

/* ---- paths ----------------------------------------------------------------------------------------------- */

static char *dir_of(struct st_ctx *ctx, const char *path)
{
	const char *slash = strrchr(path, '/');
	return st_arena_strndup(&ctx->arena, path, slash ? (size_t)(slash - path) : 0);
}

/* canonicalize_path() of dir/rel, lexically ("." and ".." segments); NULL when it climbs out of the tree. */
static char *join_path(struct st_ctx *ctx, const char *dir, const char *rel)
{
	size_t dl = strlen(dir), rl = strlen(rel);
	char *out = st_arena_alloc(&ctx->arena, dl + rl + 2);
	char *in = st_arena_alloc(&ctx->arena, dl + rl + 2);
	if (!out || !in) {
		ctx->oom = 1;
		return NULL;
	}
	memcpy(in, dir, dl);
	in[dl] = '/';
	memcpy(in + dl + 1, rel, rl + 1);
	size_t o = 0;
	for (const char *seg = in; *seg;) {
		size_t l = strcspn(seg, "/");
		if (l == 2 && seg[0] == '.' && seg[1] == '.') {
			if (o == 0)
				return NULL;
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--;
		} else if (l > 0 && !(l == 1 && seg[0] == '.')) {
			if (o)
				out[o++] = '/';
			memcpy(out + o, seg, l);
			o += l;
		}
		seg += l;
		seg += *seg == '/';
	}
	out[o] = '\0';
	return out;
}

static char *full_path(struct st_ctx *ctx, const char *rel)
{
	return st_arena_printf(&ctx->arena, "%s/%s", ctx->root ? ctx->root : ".", *rel ? rel : ".");
}

/* 1 file, 2 directory, 0 missing */
static int path_kind(struct st_ctx *ctx, const char *rel)
{
	char *full = full_path(ctx, rel);
	struct stat st;
	if (!full || stat(full, &st) < 0)
		return 0;
	return S_ISDIR(st.st_mode) ? 2 : 1;
}

/* ---- parsing --------------------------------------------------------------------------------------------- */

static void parse_file(struct pgconf *p, const struct st_file *f);

static void add_item(struct pgconf *p, const char *name, const char *value, const struct st_origin *o, unsigned vcol)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 64;
		struct item *it = realloc(p->items, cap * sizeof(*it));
		if (!it) {
			oom(p);
			return;
		}
		p->items = it;
		p->cap = cap;
	}
	p->items[p->n++] = (struct item){.name = name, .value = value, .origin = *o, .vcol = vcol, .layer = p->layer};
}

static void note_reached(struct pgconf *p, const char *path)
{
	if (p->n_reached == p->cap_reached) {
		size_t cap = p->cap_reached ? p->cap_reached * 2 : 16;
		const char **r = realloc(p->reached, cap * sizeof(*r));
		if (!r) {
			oom(p);
			return;
		}
		p->reached = r;
		p->cap_reached = cap;
	}
	p->reached[p->n_reached++] = path;
}

/* Reads an included file (already resolved, repository-relative) at the next depth. */
static void include_file(struct pgconf *p, const char *target, int strict, const char *from_path, unsigned line,
                         unsigned col, int depth)
{
	struct st_ctx *ctx = p->ctx;
	if (depth > CONF_FILE_MAX_DEPTH) {
		diag(p, ST_SEV_ERROR, from_path, line, col,
		     "could not open configuration file \"%s\": maximum nesting depth exceeded (%d levels: %s): PostgreSQL "
		     "refuses to start",
		     target, CONF_FILE_MAX_DEPTH, chain(p, target));
		return;
	}
	for (int i = 0; i < p->depth; i++)
		if (strcmp(p->stack[i], target) == 0) {
			diag(p, ST_SEV_ERROR, from_path, line, col,
			     "include loop: %s (PostgreSQL follows it until the nesting depth %d is exceeded and refuses to "
			     "start)",
			     chain(p, target), CONF_FILE_MAX_DEPTH);
			return;
		}
	int kind = path_kind(ctx, target);
	if (kind != 1) {
		if (!strict)
			diag(p, ST_SEV_INFO, from_path, line, col, "skipping missing configuration file \"%s\"", target);
		else
			diag(p, ST_SEV_ERROR, from_path, line, col,
			     "could not open configuration file \"%s\": %s: PostgreSQL refuses to start", target,
			     kind == 2 ? "it is a directory" : "no such file");
		return;
	}
	if (++p->files > MAX_FILES) {
		if (!p->files_reported++)
			diag(p, ST_SEV_ERROR, from_path, line, col, "more than %d included files: the rest is not read",
			     MAX_FILES);
		return;
	}
	struct st_file f;
	struct st_origin from = st_origin_file(from_path, line, col);
	if (p->scan_only) {
		note_reached(p, target);
		/* scan mode reads without the walker's diagnostics */
		size_t before = ctx->diags.n;
		int rc = st_file_read(ctx, target, &from, &f);
		ctx->diags.n = before;
		if (rc < 0)
			return;
	} else if (st_file_read(ctx, target, &from, &f) < 0) {
		return;
	}
	p->stack[p->depth++] = f.path ? f.path : target;
	parse_file(p, &f);
	p->depth--;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void include_dir(struct pgconf *p, const char *target, const char *arg, const char *from_path, unsigned line,
                        unsigned col, int depth)
{
	struct st_ctx *ctx = p->ctx;
	char *full = full_path(ctx, target);
	DIR *d = full ? opendir(full) : NULL;
	if (!d) {
		diag(p, ST_SEV_ERROR, from_path, line, col,
		     "could not open configuration directory \"%s\": %s: PostgreSQL refuses to start", arg,
		     path_kind(ctx, target) == 1 ? "not a directory" : "no such directory");
		return;
	}
	char **names = NULL;
	size_t count = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);
		if (l < 6 || de->d_name[0] == '.' || strcmp(de->d_name + l - 5, ".conf") != 0)
			continue;
		if (count == cap) {
			cap = cap ? cap * 2 : 32;
			char **nn = realloc(names, cap * sizeof(*nn));
			if (!nn) {
				oom(p);
				break;
			}
			names = nn;
		}
		char *copy = st_arena_strdup(&ctx->arena, de->d_name);
		if (!copy) {
			oom(p);
			break;
		}
		names[count++] = copy;
	}
	closedir(d);
	if (count)
		qsort(names, count, sizeof(*names), cmp_str);
	for (size_t k = 0; k < count && !ctx->oom; k++) {
		char *file = join_path(ctx, target, names[k]);
		if (file && path_kind(ctx, file) == 1) /* subdirectories named *.conf are skipped */
			include_file(p, file, 1, from_path, line, col, depth);
	}
	free(names);
}

/* An include directive: name is include, include_if_exists or include_dir (any case). */
static void directive(struct pgconf *p, const char *lname, const char *value, const char *from_path, unsigned line,
                      unsigned col)
{
	struct st_ctx *ctx = p->ctx;
	int is_dir = strcmp(lname, "include_dir") == 0;
	int strict = strcmp(lname, "include_if_exists") != 0;
	if (!*value) {
		/* the server opens the including file's directory (a directory, so it fails) or the directory itself */
		diag(p, is_dir ? ST_SEV_INFO : (strict ? ST_SEV_ERROR : ST_SEV_INFO), from_path, line, col,
		     "%s with an empty path%s", lname,
		     is_dir ? ": reads the including file's directory" : strict ? ": PostgreSQL refuses to start" : "");
		if (!is_dir)
			return;
	}
	if (value[0] == '/' || value[0] == '~') {
		diag(p, ST_SEV_INFO, from_path, line, col,
		     "%s '%s' points outside the audited tree (a path on the server): not followed", lname, value);
		return;
	}
	char *dir = dir_of(ctx, from_path);
	char *target = dir ? join_path(ctx, dir, value) : NULL;
	if (!target) {
		if (!ctx->oom)
			diag(p, ST_SEV_INFO, from_path, line, col, "%s '%s' points outside the audited tree: not followed",
			     lname, value);
		return;
	}
	/* the top file is depth 0 (p->depth counts the files being read) */
	if (is_dir)
		include_dir(p, target, value, from_path, line, col, p->depth);
	else
		include_file(p, target, strict, from_path, line, col, p->depth);
}

/* 1 when the setting named s[0..n) holds secrets (a password in a conninfo, a passphrase command, a placeholder
 * named like a password or token). */
static int secret_line(const char *s, size_t n)
{
	return st_secret_name(s, n) || (n >= 8 && strncasecmp(s + n - 8, "conninfo", 8) == 0) ||
	       (n == 22 && strncasecmp(s, "ssl_passphrase_command", 22) == 0);
}

static const char *tok_name(enum tok t)
{
	return t == T_EOL || t == T_EOF ? "end of line" : "token";
}

static void parse_file(struct pgconf *p, const struct st_file *f)
{
	struct st_ctx *ctx = p->ctx;
	struct lexer L = {.s = f->data, .n = f->size, .line = 1};
	unsigned errors = 0;
	enum tok t;
	while ((t = lex(&L)) != T_EOF && !ctx->oom) {
		if (t == T_EOL)
			continue;
		size_t ls = L.ls;
		unsigned line = L.line;
		size_t ns = L.ts, ne = L.te, vs = 0, ve = 0;
		char *value = NULL;
		int stage = 0; /* 0 the name, 1 the value, 2 after the value */
		if (t != T_ID && t != T_QUALIFIED)
			goto syntax_error;
		t = lex(&L);
		if (t == T_EQUALS)
			t = lex(&L);
		stage = 1;
		/* a QUALIFIED_ID ("a.b") is no value for the server: quote it */
		if (t != T_ID && t != T_STRING && t != T_INTEGER && t != T_REAL && t != T_UNQUOTED)
			goto syntax_error;
		vs = L.ts;
		ve = L.te;
		stage = 2;
		t = lex(&L);
		if (t != T_EOL && t != T_EOF)
			goto syntax_error;
		{
			char *name = st_arena_strndup(&ctx->arena, f->data + ns, ne - ns);
			value = f->data[vs] == '\'' ? scanstr(ctx, f->data + vs, ve - vs)
			                            : st_arena_strndup(&ctx->arena, f->data + vs, ve - vs);
			if (!name || !value) {
				oom(p);
				return;
			}
			size_t le = t == T_EOL ? L.ts : L.te;
			while (le > ls && f->data[le - 1] == '\r') /* the line span stops before CRLF */
				le--;
			struct st_origin o = st_origin_file(f->path, line, (unsigned)(ns - ls + 1));
			o.value_off = vs;
			o.value_len = ve - vs;
			o.line_off = ls;
			o.line_len = le - ls;
			if (p->depth > 1)
				o.detail = via(p);
			unsigned vcol = (unsigned)(vs - ls + 1);
			if (strcasecmp(name, "include") == 0 || strcasecmp(name, "include_if_exists") == 0 ||
			    strcasecmp(name, "include_dir") == 0) {
				char lname[32];
				size_t k = 0;
				for (; name[k] && k < sizeof lname - 1; k++)
					lname[k] = (char)tolower((unsigned char)name[k]);
				lname[k] = '\0';
				directive(p, lname, value, f->path, line, o.col);
			} else if (!p->scan_only) {
				add_item(p, name, value, &o, vcol);
			}
		}
		if (t == T_EOF)
			break;
		continue;
	syntax_error:
		if (t == T_EOL || t == T_EOF)
			diag(p, ST_SEV_ERROR, f->path, line, (unsigned)(L.ts - ls + 1),
			     "syntax error near end of line: PostgreSQL refuses to start");
		else if (stage > 0 && secret_line(f->data + ns, ne - ns)) /* never quote a secret's text */
			diag(p, ST_SEV_ERROR, f->path, line, (unsigned)(L.ts - ls + 1),
			     "syntax error in the value of '%.*s': PostgreSQL refuses to start", (int)(ne - ns), f->data + ns);
		else
			diag(p, ST_SEV_ERROR, f->path, line, (unsigned)(L.ts - ls + 1),
			     "syntax error near %s \"%.*s\"%s: PostgreSQL refuses to start", tok_name(t),
			     (int)(L.te - L.ts > 40 ? 40 : L.te - L.ts), f->data + L.ts,
			     stage > 0 ? " (quote a value with spaces, a fraction with a unit or punctuation: '1.5GB', "
			                 "'/path', '*', 'a.b')"
			               : "");
		if (++errors >= MAX_SYNTAX_ERRORS) {
			diag(p, ST_SEV_ERROR, f->path, line, 1, "too many syntax errors found, abandoning file \"%s\"",
			     f->path);
			break;
		}
		while (t != T_EOL && t != T_EOF)
			t = lex(&L);
		if (t == T_EOF)
			break;
	}
}

/* ---- typing and facts ------------------------------------------------------------------------------------ */

/* By name, then by position in the file order (the items array). */
static int cmp_item_ptr(const void *a, const void *b)
{
	const struct item *x = *(const struct item *const *)a, *y = *(const struct item *const *)b;
	int c = strcmp(x->name, y->name);
	return c ? c : (x < y ? -1 : x > y);
}

/* Marks earlier duplicates of known settings as ignored: the server marks an earlier item with the same
 * spelling (strcmp) of a name it knows, and never validates it. */
static void mark_duplicates(struct pgconf *p)
{
	if (p->n < 2)
		return;
	struct item **v = malloc(p->n * sizeof(*v));
	if (!v) {
		oom(p);
		return;
	}
	for (size_t i = 0; i < p->n; i++)
		v[i] = &p->items[i];
	qsort(v, p->n, sizeof(*v), cmp_item_ptr);
	for (size_t i = 0; i + 1 < p->n; i++)
		if (strcmp(v[i]->name, v[i + 1]->name) == 0 && st_pg_setting_find(v[i]->name))
			v[i]->ignore = 1;
	free(v);
}

/* The value of a libpq connection string with the password replaced by ***, or NULL when it has none. */
static const char *redact_conninfo(struct st_ctx *ctx, const char *s)
{
	const char *url = st_url_redact(ctx, s);
	if (url)
		return url;
	const char *pw = strcasestr(s, "password");
	if (!pw)
		return NULL;
	struct st_buf b = {0};
	const char *q = s;
	while ((pw = strcasestr(q, "password")) != NULL) {
		const char *e = pw + 8;
		while (*e == ' ' || *e == '\t')
			e++;
		if (*e != '=' || (pw > s && !(pw[-1] == ' ' || pw[-1] == '\t'))) {
			st_buf_put(&b, q, (size_t)(e - q));
			q = e;
			continue;
		}
		e++;
		while (*e == ' ' || *e == '\t')
			e++;
		st_buf_put(&b, q, (size_t)(e - q));
		st_buf_puts(&b, "***");
		if (*e == '\'') {
			for (e++; *e && *e != '\''; e++)
				if (*e == '\\' && e[1])
					e++;
			if (*e)
				e++;
		} else {
			while (*e && *e != ' ' && *e != '\t')
				e++;
		}
		q = e;
	}
	st_buf_puts(&b, q);
	const char *r = b.failed ? "***" : st_arena_strdup(&ctx->arena, st_buf_cstr(&b));
	st_buf_free(&b);
	return r;
}

/* PostgreSQL 15's check hooks of application_name and cluster_name (pg_clean_ascii): bytes outside 32..126
 * become '?'. Returns the cleaned copy, or text itself when it is clean. */
static const char *clean_ascii(struct pgconf *p, const struct item *it, const char *text)
{
	size_t n = strlen(text), bad = 0;
	for (size_t i = 0; i < n; i++)
		bad += (unsigned char)text[i] < 32 || (unsigned char)text[i] > 126;
	if (!bad)
		return text;
	char *c = st_arena_strdup(&p->ctx->arena, text);
	if (!c) {
		oom(p);
		return text;
	}
	for (char *q = c; *q; q++)
		if ((unsigned char)*q < 32 || (unsigned char)*q > 126)
			*q = '?';
	diag(p, ST_SEV_INFO, it->origin.file, it->origin.line, it->vcol,
	     "'%s': PostgreSQL 15 replaces the %zu non-ASCII or control byte(s) of the value with '?'", it->name, bad);
	return c;
}

static void record(struct pgconf *p, struct item *it)
{
	struct st_ctx *ctx = p->ctx;
	const char *path = it->origin.file;
	char *lname = st_arena_strdup(&ctx->arena, it->name);
	if (!lname) {
		oom(p);
		return;
	}
	for (char *c = lname; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	const struct st_pg_setting *s = st_pg_setting_find(lname);
	struct st_value v = st_value_string(it->value);
	if (!s) {
		/* "ext.name" placeholders are allowed by the server; a hostile file of unknown names gets a bounded
		 * number of suggestions (each one compares with the whole table) */
		if (!strchr(lname, '.') && ++p->unknown == MAX_UNKNOWN + 1)
			diag(p, ST_SEV_WARNING, path, it->origin.line, it->origin.col,
			     "more than %d unknown settings: the others are not reported", MAX_UNKNOWN);
		if (!strchr(lname, '.') && p->unknown <= MAX_UNKNOWN) {
			/* the lexer takes bytes 0x80-0xff as letters: show them escaped (a UTF-8 BOM is invisible) */
			struct st_buf shown = {0};
			for (const unsigned char *c = (const unsigned char *)lname; *c; c++)
				if (*c >= 0x80)
					st_buf_printf(&shown, "\\x%02x", *c);
				else
					st_buf_printf(&shown, "%c", *c);
			const char *bom = strncmp(lname, "\xef\xbb\xbf", 3) == 0 ? " (the file starts with a UTF-8 byte-order mark)" : "";
			const char *hint = st_pg_setting_suggest(lname, p->major);
			if (hint)
				diag(p, ST_SEV_WARNING, path, it->origin.line, it->origin.col,
				     "unknown setting '%s'%s (did you mean '%s'?): PostgreSQL refuses to start", st_buf_cstr(&shown),
				     bom, hint);
			else
				diag(p, ST_SEV_WARNING, path, it->origin.line, it->origin.col,
				     "unknown setting '%s'%s: PostgreSQL refuses to start", st_buf_cstr(&shown), bom);
			st_buf_free(&shown);
		}
		v.secret = st_secret_name(lname, strlen(lname));
	} else {
		int major = p->major ? p->major : 15; /* an unknown version is taken as 15, the table's base */
		if (!st_pg_setting_in_major(s, major)) {
			const char *hint = st_pg_setting_suggest(lname, major);
			diag(p, ST_SEV_WARNING, path, it->origin.line, it->origin.col,
			     "'%s' exists only in PostgreSQL %d to %d%s%s%s: a PostgreSQL %d%s server refuses to start",
			     s->name, s->first_major, s->last_major, hint ? " (did you mean '" : "", hint ? hint : "",
			     hint ? "'?)" : "", major, p->major ? "" : " (assumed)");
		}
		const char *err = NULL;
		if (strcmp(s->context, "internal") == 0 && !it->ignore) {
			diag(p, ST_SEV_ERROR, path, it->origin.line, it->origin.col,
			     "parameter \"%s\" cannot be changed (it is fixed when PostgreSQL is built or initdb runs): "
			     "PostgreSQL refuses to start",
			     s->name);
			return;
		}
		if (st_pg_setting_value(s, it->value, &v, &err) < 0) {
			if (++p->value_errors == MAX_VALUE_ERRORS + 1)
				diag(p, ST_SEV_ERROR, path, it->origin.line, it->vcol,
				     "more than %d invalid values: the others are not reported", MAX_VALUE_ERRORS);
			if (p->value_errors > MAX_VALUE_ERRORS)
				return;
			if (it->ignore)
				diag(p, ST_SEV_WARNING, path, it->origin.line, it->vcol,
				     "invalid value for parameter \"%s\": \"%s\": %s (PostgreSQL ignores it: a later line sets "
				     "it again)",
				     s->name, it->value, err ? err : "invalid");
			else
				diag(p, ST_SEV_ERROR, path, it->origin.line, it->vcol,
				     "invalid value for parameter \"%s\": \"%s\": %s: PostgreSQL refuses to start", s->name,
				     it->value, err ? err : "invalid");
			return;
		}
		if (strcmp(s->name, "ssl_passphrase_command") == 0)
			v.secret = 1;
		else if (s->type == ST_PG_STRING && strstr(s->name, "conninfo"))
			v.redacted = redact_conninfo(ctx, it->value);
		if (strcmp(s->name, "application_name") == 0 || strcmp(s->name, "cluster_name") == 0)
			v.text = clean_ascii(p, it, v.text);
		if (s->type == ST_PG_STRING)
			v = (struct st_value){.kind = ST_VAL_STRING, .text = v.text, .secret = v.secret, .redacted = v.redacted};
	}
	const char *fact = st_arena_printf(&ctx->arena, "%s.%s", p->component, lname);
	if (!fact) {
		oom(p);
		return;
	}
	st_fact_set(ctx, fact, p->component, v, &it->origin, it->layer);
}

/* ---- loader ---------------------------------------------------------------------------------------------- */

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* The name of the directory holding path ("" at the top). */
static int parent_is_pg_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return 0;
	const char *start = slash;
	while (start > path && start[-1] != '/')
		start--;
	size_t n = (size_t)(slash - start);
	return (n >= 8 && strncasecmp(start, "postgres", 8) == 0) || (n == 2 && strncasecmp(start, "pg", 2) == 0);
}

/* 1 when the first lines of head look like PostgreSQL settings: "name [=] value" with a known name. */
static int head_looks_like_pg(const char *head, size_t n)
{
	struct lexer L = {.s = head, .n = n, .line = 1};
	int good = 0, lines = 0;
	enum tok t;
	while ((t = lex(&L)) != T_EOF && lines < 20) {
		if (t == T_EOL)
			continue;
		lines++;
		if (t == T_ID || t == T_QUALIFIED) {
			char name[64];
			size_t l = L.te - L.ts;
			if (l < sizeof name) {
				memcpy(name, head + L.ts, l);
				name[l] = '\0';
				if (st_pg_setting_find(name) || strcasecmp(name, "include") == 0 ||
				    strcasecmp(name, "include_dir") == 0 || strcasecmp(name, "include_if_exists") == 0)
					good++;
				else if (t == T_ID)
					return 0;
			}
		} else {
			return 0;
		}
		while (t != T_EOL && t != T_EOF)
			t = lex(&L);
		if (t == T_EOF)
			break;
	}
	return good > 0;
}

enum st_match st_pgconf_match(const char *path, const char *name, const char *head, size_t head_len)
{
	if (strcmp(name, "postgresql.conf") == 0 || strcmp(name, "postgresql.auto.conf") == 0)
		return ST_MATCH_YES;
	if (!ends_with(name, ".conf") || strlen(name) < 6 || name[0] == '.')
		return ST_MATCH_NO;
	if (strcmp(name, "pg_hba.conf") == 0 || strcmp(name, "pg_ident.conf") == 0 || strcmp(name, "recovery.conf") == 0)
		return ST_MATCH_NO;
	if (!(strncmp(name, "postgresql", 10) == 0 || strcmp(name, "postgres.conf") == 0 || parent_is_pg_dir(path)))
		return ST_MATCH_NO;
	if (!head)
		return ST_MATCH_NEED_HEAD;
	return head_looks_like_pg(head, head_len) ? ST_MATCH_YES : ST_MATCH_NO;
}

static int major_of(const struct st_fact *f)
{
	if (!f || f->value.kind != ST_VAL_STRING || !f->value.text)
		return 0;
	const char *s = f->value.text;
	if (!isdigit((unsigned char)*s))
		return 0;
	long v = strtol(s, NULL, 10);
	return v >= 12 && v <= 17 ? (int)v : 0;
}

/* 1 when a postgresql*.conf in the directory of path or above reaches path through its includes. */
static int reached_by_includes(struct st_ctx *ctx, const char *path)
{
	char *dir = dir_of(ctx, path);
	int found = 0;
	for (int up = 0; dir && !found && up < 32; up++) {
		char *full = full_path(ctx, dir);
		DIR *d = full ? opendir(full) : NULL;
		struct dirent *de;
		while (d && !found && (de = readdir(d)) != NULL) {
			if (strncmp(de->d_name, "postgresql", 10) != 0 || !ends_with(de->d_name, ".conf") ||
			    strcmp(de->d_name, "postgresql.auto.conf") == 0)
				continue;
			char *root = *dir ? st_arena_printf(&ctx->arena, "%s/%s", dir, de->d_name)
			                  : st_arena_strdup(&ctx->arena, de->d_name);
			if (!root || strcmp(root, path) == 0)
				continue;
			struct st_file f;
			size_t before = ctx->diags.n;
			if (st_file_read(ctx, root, NULL, &f) < 0) {
				ctx->diags.n = before;
				continue;
			}
			ctx->diags.n = before;
			struct pgconf scan = {.ctx = ctx, .scan_only = 1};
			scan.stack[scan.depth++] = f.path;
			parse_file(&scan, &f);
			for (size_t i = 0; i < scan.n_reached && !found; i++)
				found = strcmp(scan.reached[i], path) == 0;
			free(scan.reached);
			free(scan.items);
		}
		if (d)
			closedir(d);
		if (!*dir)
			break;
		char *slash = strrchr(dir, '/');
		if (slash)
			*slash = '\0';
		else
			dir[0] = '\0';
	}
	return found;
}

int st_pgconf_load(struct st_ctx *ctx, const struct st_file *f)
{
	const char *link_name = st_arena_printf(&ctx->arena, "link.config.%s", f->path);
	const struct st_fact *link = link_name ? st_fact_get(ctx, link_name) : NULL;
	int linked = link && link->value.kind == ST_VAL_STRING && link->value.text;
	char *dir = dir_of(ctx, f->path);
	if (!dir) {
		ctx->oom = 1;
		return -1;
	}
	int is_main = strcmp(f->name, "postgresql.conf") == 0;
	int is_auto = strcmp(f->name, "postgresql.auto.conf") == 0;
	if (is_auto && !linked) {
		char *beside = join_path(ctx, dir, "postgresql.conf");
		if (beside && path_kind(ctx, beside) == 1)
			return 0; /* read after its postgresql.conf */
	}
	if (!is_main && !is_auto && !linked && reached_by_includes(ctx, f->path))
		return 0; /* loaded through the include */

	struct pgconf p = {.ctx = ctx, .layer = is_auto ? ST_LAYER_AUTO_CONF : ST_LAYER_FILE};
	p.component = linked ? link->value.text : "postgres";
	const char *version_name = st_arena_printf(&ctx->arena, "%s.version", p.component);
	p.major = major_of(version_name ? st_fact_get(ctx, version_name) : NULL);
	size_t errors = st_diag_count(ctx, ST_SEV_ERROR);

	p.stack[p.depth++] = f->path;
	parse_file(&p, f);
	p.depth--;
	if (is_main) {
		/* ALTER SYSTEM's file, read after postgresql.conf from the same (data) directory */
		char *auto_path = join_path(ctx, dir, "postgresql.auto.conf");
		struct st_file af;
		if (auto_path && path_kind(ctx, auto_path) == 1 && st_file_read(ctx, auto_path, NULL, &af) == 0) {
			p.layer = ST_LAYER_AUTO_CONF;
			p.stack[p.depth++] = af.path;
			parse_file(&p, &af);
			p.depth--;
		}
	}
	mark_duplicates(&p);
	for (size_t i = 0; i < p.n && !ctx->oom; i++)
		record(&p, &p.items[i]);
	free(p.items);

	const char *kind_name = st_arena_printf(&ctx->arena, "%s.kind", p.component);
	const char *file_name = st_arena_printf(&ctx->arena, "%s.config_file", p.component);
	struct st_origin o = st_origin_file(f->path, 1, 1);
	o.detail = "PostgreSQL configuration file";
	if (kind_name && !st_fact_get(ctx, kind_name))
		st_fact_set(ctx, kind_name, p.component, st_value_string("postgresql"), &o, ST_LAYER_FILE);
	if (file_name && !is_auto)
		st_fact_set(ctx, file_name, p.component, st_value_string(f->path), &o, ST_LAYER_FILE);
	if (ctx->oom)
		return -1;
	return st_diag_count(ctx, ST_SEV_ERROR) > errors ? -1 : 0;
}
