/* Process servers and workers: Gunicorn, Celery, uWSGI and Uvicorn as started by shell scripts (*.sh),
 * Procfiles, supervisord programs and compose commands, plus gunicorn.conf.py and uwsgi.ini.
 * Facts "<app>.<server>.<setting>" with Gunicorn's precedence as layers: WEB_CONCURRENCY (the default for
 * workers) < config file < GUNICORN_CMD_ARGS < command line; built-in defaults (assumed) when nothing sets
 * a value. Shell variables resolve like the shell: script assignments, then the environment (.env facts),
 * then ${VAR:-default}; the provenance says which. What cannot be known (command substitutions, "$@")
 * becomes an unknown value, never a guess. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pyscan.h"

#define MAX_WORDS 512       /* words of one simple command; the rest are ignored */
#define MAX_EXPAND_DEPTH 16 /* ${A:-${B:-...}} */
#define MAX_FOLLOW 4        /* Procfile -> script -> -c config */

/* WEB_CONCURRENCY is Gunicorn's default for workers: below any config file, above the built-in default. */
#define LAYER_WEB_CONCURRENCY (ST_LAYER_FILE - 1)

static int has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), k = strlen(suf);
	return n >= k && strcmp(s + n - k, suf) == 0;
}

static int is_gunicorn_conf(const char *name)
{
	return strcmp(name, "gunicorn.conf.py") == 0 || strcmp(name, "gunicorn_config.py") == 0 ||
	       strcmp(name, "gunicorn_conf.py") == 0 || strcmp(name, "gunicorn.config.py") == 0 ||
	       (strncmp(name, "gunicorn", 8) == 0 && has_suffix(name, ".conf.py"));
}

static int is_uwsgi_ini(const char *name)
{
	return strstr(name, "uwsgi") && has_suffix(name, ".ini");
}

static int is_supervisor_conf(const char *path, const char *name)
{
	if (strcmp(name, "supervisord.conf") == 0)
		return 1;
	return has_suffix(name, ".conf") && (strstr(path, "supervisor/") || strstr(path, "supervisord/") ||
	                                     strstr(path, "supervisor.d/") || strncmp(name, "supervisor", 10) == 0);
}

enum st_match st_procserver_match(const char *path, const char *name, const char *head, size_t head_len)
{
	(void)head;
	(void)head_len;
	if (!path)
		return ST_MATCH_NO;
	if (!name) {
		const char *slash = strrchr(path, '/');
		name = slash ? slash + 1 : path;
	}
	if (strcmp(name, "Procfile") == 0 || strncmp(name, "Procfile.", 9) == 0)
		return ST_MATCH_YES;
	if (has_suffix(name, ".sh") || is_gunicorn_conf(name) || is_uwsgi_ini(name) || is_supervisor_conf(path, name))
		return ST_MATCH_YES;
	return ST_MATCH_NO;
}

/* ---- provenance of a shell word ------------------------------------------------ */

struct prov {
	struct st_origin origin;
	const char *unknown; /* why the value cannot be known, or NULL */
	int secret;
	int expanded;        /* came from a variable (origin/detail say where), not from the literal text */
};

struct word {
	const char *text; /* expanded */
	size_t off, len;  /* raw span in the file */
	unsigned line, col;
	size_t line_off;
	struct prov prov;
	int assign_at;    /* index of '=' in text for NAME=value words, else -1 */
	size_t raw_eq;    /* offset of that '=' in the raw text */
	size_t argi;      /* with sh->argv outside a script: the index of the word in the vector */
};

struct var {
	const char *name;
	const char *value;
	struct prov prov;
};

struct sh {
	struct st_ctx *ctx;
	const char *path;
	const char *app;
	const char *s;
	size_t n;
	const struct st_origin *fixed; /* a command from elsewhere (compose): every origin is this one */
	const struct st_proc_argv *argv; /* words from another file: origins and environment from its hooks */
	int in_script;                   /* with argv: s is the sh -c script held by word script_word */
	size_t script_word;
	struct var *vars;
	size_t n_vars, cap_vars;
	int depth;
	/* the current command's prefix assignments (A=b cmd) */
	struct word *prefix;
	size_t n_prefix;
};

static size_t line_len_at(const char *s, size_t n, size_t line_off)
{
	size_t e = line_off;
	while (e < n && s[e] != '\n')
		e++;
	if (e > line_off && s[e - 1] == '\r')
		e--;
	return e - line_off;
}

static struct st_origin span(const struct sh *sh, size_t off, size_t len, unsigned line, size_t line_off)
{
	if (sh->fixed)
		return *sh->fixed;
	if (sh->argv && sh->in_script)
		return sh->argv->origin(sh->argv->user, sh->script_word, off, len);
	struct st_origin o = st_origin_file(sh->path, line, (unsigned)(off - line_off + 1));
	o.value_off = off;
	o.value_len = len;
	o.line_off = line_off;
	o.line_len = line_len_at(sh->s, sh->n, line_off);
	return o;
}

static const struct var *find_var(const struct sh *sh, const char *name, size_t n)
{
	for (size_t i = sh->n_vars; i > 0; i--)
		if (strlen(sh->vars[i - 1].name) == n && memcmp(sh->vars[i - 1].name, name, n) == 0)
			return &sh->vars[i - 1];
	return NULL;
}

static void set_var(struct sh *sh, const char *name, size_t n, const char *value, const struct prov *p)
{
	if (sh->n_vars == sh->cap_vars) {
		size_t cap = sh->cap_vars ? sh->cap_vars * 2 : 16;
		struct var *v = realloc(sh->vars, cap * sizeof(*v));
		if (!v) {
			sh->ctx->oom = 1;
			return;
		}
		sh->vars = v;
		sh->cap_vars = cap;
	}
	const char *nm = st_arena_strndup(&sh->ctx->arena, name, n);
	if (!nm) {
		sh->ctx->oom = 1;
		return;
	}
	sh->vars[sh->n_vars++] = (struct var){.name = nm, .value = value, .prov = *p};
}

/* Looks a variable up: the command's prefix assignments, script variables, then the .env files. */
static int lookup(struct sh *sh, const char *name, size_t n, const char **value, struct prov *p, unsigned line)
{
	for (size_t i = sh->n_prefix; i > 0; i--) {
		const struct word *w = &sh->prefix[i - 1];
		if (w->assign_at >= 0 && (size_t)w->assign_at == n && memcmp(w->text, name, n) == 0) {
			*value = w->text + n + 1;
			*p = w->prov;
			return 1;
		}
	}
	const struct var *v = find_var(sh, name, n);
	if (v) {
		*value = v->value;
		*p = v->prov;
		return 1;
	}
	const char *nm = st_arena_strndup(&sh->ctx->arena, name, n);
	if (sh->argv) { /* the process's environment as the caller knows it, not the .env files beside it */
		int secret = 0;
		memset(p, 0, sizeof(*p));
		if (!nm || !sh->argv->getenv || !sh->argv->getenv(sh->argv->user, nm, value, &p->origin, &secret))
			return 0;
		p->origin.detail = st_arena_printf(&sh->ctx->arena, "%s in the environment of the command at %s", nm, sh->path);
		p->secret = secret;
		p->expanded = 1;
		return 1;
	}
	struct st_py_env_hit hit;
	if (nm && st_app_getenv(sh->ctx, sh->path, nm, &hit) == 1) {
		*value = hit.value;
		memset(p, 0, sizeof(*p));
		p->origin = hit.origin;
		p->origin.detail = sh->fixed ? st_arena_printf(&sh->ctx->arena, "via ${%s} in %s", nm, sh->path)
		                             : st_arena_printf(&sh->ctx->arena, "via ${%s} at %s:%u", nm, sh->path, line);
		p->secret = hit.secret;
		p->expanded = 1;
		return 1;
	}
	return 0;
}

struct scanner {
	size_t i;
	unsigned line;
	size_t line_off;
};

/* Where an unset variable was looked for, for the unknown value's reason. */
static const char *unset_where(const struct sh *sh)
{
	return sh->argv ? "the service's environment" : "the script or any .env file seen";
}

static int name_start(int c)
{
	return isalpha(c) || c == '_';
}

static int name_char(int c)
{
	return isalnum(c) || c == '_';
}

static void expand_text(struct sh *sh, const char *s, size_t a, size_t b, int depth, struct scanner *sc,
                        struct st_buf *out, struct prov *p, int quoted);

/* ${...} at s[i] ('$' position); returns the index past '}'. */
static size_t expand_braced(struct sh *sh, const char *s, size_t i, size_t end, int depth, struct scanner *sc,
                            struct st_buf *out, struct prov *p)
{
	size_t k = i + 2, level = 1;
	char q = 0;
	for (; k < end; k++) {
		if (q) {
			if (s[k] == q)
				q = 0;
			continue;
		}
		if (s[k] == '\'' || s[k] == '"')
			q = s[k];
		else if (s[k] == '\\')
			k++;
		else if (s[k] == '{')
			level++;
		else if (s[k] == '}' && --level == 0)
			break;
	}
	if (k >= end) {
		p->unknown = "an unclosed ${";
		return end;
	}
	size_t ns = i + 2, ne = ns;
	while (ne < k && name_char((unsigned char)s[ne]))
		ne++;
	if (ne == ns || !name_start((unsigned char)s[ns])) {
		p->unknown = "a special parameter or ${#...} that is not evaluated";
		return k + 1;
	}
	const char *value = NULL;
	struct prov vp;
	unsigned line = sc->line;
	int set = lookup(sh, s + ns, ne - ns, &value, &vp, line);
	size_t op = ne;
	int colon = op < k && s[op] == ':';
	if (colon)
		op++;
	char kind = op < k ? s[op] : 0;
	if (op < k && !strchr("-=?+", kind)) {
		p->unknown = "a ${...} substring or pattern operation that is not evaluated";
		return k + 1;
	}
	int use_word = 0;
	if (kind == '-' || kind == '=' || kind == '?')
		use_word = !set || (colon && !*value);
	else if (kind == '+')
		use_word = set && !(colon && !*value);
	const char *nm = st_arena_strndup(&sh->ctx->arena, s + ns, ne - ns);
	if (kind == '+' && !use_word)
		return k + 1;
	if (use_word && kind == '?') {
		p->unknown = st_arena_printf(&sh->ctx->arena, "%s is not set (the script stops)", nm ? nm : "?");
		return k + 1;
	}
	if (use_word) {
		struct prov wp = {0};
		size_t before = out->len;
		if (depth >= MAX_EXPAND_DEPTH)
			p->unknown = "${...} nested too deeply";
		else
			expand_text(sh, s, op + 1, k, depth + 1, sc, out, &wp, 0);
		if (wp.unknown)
			p->unknown = wp.unknown;
		if (wp.expanded) {
			*p = wp;
		} else {
			memset(&p->origin, 0, sizeof(p->origin));
			p->origin = span(sh, op + 1, k - op - 1, sc->line, sc->line_off);
			if (kind != '+')
				p->origin.detail = st_arena_printf(&sh->ctx->arena, "default in script, %s not set", nm ? nm : "?");
			p->expanded = 1;
		}
		if (kind == '=' && nm && !out->failed) {
			const char *val = st_arena_strndup(&sh->ctx->arena, out->data ? out->data + before : "", out->len - before);
			if (val)
				set_var(sh, nm, strlen(nm), val, p);
		}
		return k + 1;
	}
	if (!set) {
		p->unknown = st_arena_printf(&sh->ctx->arena, "%s is not set in %s", nm ? nm : "?", unset_where(sh));
		p->expanded = 1;
		return k + 1;
	}
	st_buf_puts(out, value);
	*p = vp;
	p->expanded = 1;
	return k + 1;
}

/* Expands s[a, b): quotes, backslashes, $VAR, ${...}; unknown for $(...), `...`, $1, "$@". */
static void expand_text(struct sh *sh, const char *s, size_t a, size_t b, int depth, struct scanner *sc,
                        struct st_buf *out, struct prov *p, int quoted)
{
	char q = quoted ? '"' : 0;
	for (size_t i = a; i < b;) {
		char c = s[i];
		if (q == '\'') {
			if (c == '\'')
				q = 0;
			else
				st_buf_putc(out, c);
			i++;
			continue;
		}
		if (c == '\'' && !q) {
			q = '\'';
			i++;
			continue;
		}
		if (c == '"') {
			q = q == '"' ? 0 : '"';
			i++;
			continue;
		}
		if (c == '\\' && i + 1 < b) {
			if (s[i + 1] == '\n') {
				i += 2;
				continue;
			}
			if (!q || strchr("$`\"\\", s[i + 1]))
				i++;
			st_buf_putc(out, s[i]);
			i++;
			continue;
		}
		if (c == '`') {
			const char *e = memchr(s + i + 1, '`', b - i - 1);
			i = e ? (size_t)(e - s) + 1 : b;
			p->unknown = "a command substitution that is not evaluated";
			continue;
		}
		if (c == '$' && i + 1 < b) {
			char d = s[i + 1];
			if (d == '{') {
				i = expand_braced(sh, s, i, b, depth, sc, out, p);
				continue;
			}
			if (d == '(') {
				size_t k = i + 2, level = 1;
				for (; k < b && level; k++)
					level += s[k] == '(' ? 1 : s[k] == ')' ? -1 : 0;
				i = k;
				p->unknown = "a command substitution or arithmetic that is not evaluated";
				continue;
			}
			if (name_start((unsigned char)d)) {
				size_t k = i + 1;
				while (k < b && name_char((unsigned char)s[k]))
					k++;
				const char *value;
				struct prov vp;
				if (lookup(sh, s + i + 1, k - i - 1, &value, &vp, sc->line)) {
					st_buf_puts(out, value);
					*p = vp;
					p->expanded = 1;
				} else {
					p->unknown = st_arena_printf(&sh->ctx->arena, "%.*s is not set in %s",
					                             (int)(k - i - 1), s + i + 1, unset_where(sh));
					p->expanded = 1;
				}
				i = k;
				continue;
			}
			if (isdigit((unsigned char)d) || strchr("@*#?$!-", d)) {
				p->unknown = "a positional or special parameter that is not evaluated";
				i += 2;
				continue;
			}
		}
		st_buf_putc(out, c);
		i++;
	}
}

/* ---- commands ------------------------------------------------------------------- */

struct cmd {
	struct word *w;
	size_t n;
};

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Reads one simple command into cmd (words expanded); returns 0, or -1 at the end of the text. */
static int read_command(struct sh *sh, struct scanner *sc, struct cmd *cmd)
{
	const char *s = sh->s;
	size_t n = sh->n;
	cmd->n = 0;
	if (sc->i >= n)
		return -1;
	for (;;) {
		while (sc->i < n && is_blank(s[sc->i]))
			sc->i++;
		if (sc->i + 1 < n && s[sc->i] == '\\' && s[sc->i + 1] == '\n') {
			sc->i += 2;
			sc->line++;
			sc->line_off = sc->i;
			continue;
		}
		if (sc->i >= n)
			return 0;
		char c = s[sc->i];
		if (c == '#') {
			while (sc->i < n && s[sc->i] != '\n')
				sc->i++;
			continue;
		}
		if (c == '\n') {
			sc->i++;
			sc->line++;
			sc->line_off = sc->i;
			return 0;
		}
		if (c == ';' || c == '&' || c == '|' || c == '(' || c == ')') {
			sc->i++;
			while (sc->i < n && (s[sc->i] == '&' || s[sc->i] == '|' || s[sc->i] == ';'))
				sc->i++;
			if (cmd->n)
				return 0;
			continue;
		}
		int redirect = 0;
		if (c == '<' || c == '>') {
			while (sc->i < n && (s[sc->i] == '<' || s[sc->i] == '>' || s[sc->i] == '&'))
				sc->i++;
			while (sc->i < n && is_blank(s[sc->i]))
				sc->i++;
			redirect = 1;
		}
		/* a word: up to an unquoted blank or operator */
		size_t a = sc->i;
		unsigned wline = sc->line;
		size_t wline_off = sc->line_off;
		char q = 0;
		int level = 0;
		while (sc->i < n) {
			char d = s[sc->i];
			if (q) {
				if (d == '\\' && q == '"' && sc->i + 1 < n)
					sc->i++;
				else if (d == q)
					q = 0;
			} else if (d == '\'' || d == '"' || d == '`') {
				q = d;
			} else if (d == '\\' && sc->i + 1 < n) {
				if (s[sc->i + 1] == '\n')
					break;
				sc->i++;
			} else if (d == '$' && sc->i + 1 < n && (s[sc->i + 1] == '(' || s[sc->i + 1] == '{')) {
				level++;
				sc->i++;
			} else if (level && (d == ')' || d == '}')) {
				level--;
			} else if (is_blank(d) || d == '\n' || d == ';' || d == '&' || d == '|' || d == '<' || d == '>' ||
			           d == '(' || d == ')') {
				break;
			}
			if (s[sc->i] == '\n') {
				sc->line++;
				sc->line_off = sc->i + 1;
			}
			sc->i++;
		}
		size_t b = sc->i;
		if (b == a) {
			if (sc->i < n && !is_blank(s[sc->i]) && s[sc->i] != '\n')
				continue;
			sc->i++;
			continue;
		}
		/* "2>&1": a number right before a redirection is the descriptor */
		if (sc->i < n && (s[sc->i] == '>' || s[sc->i] == '<') && strspn(s + a, "0123456789") == b - a)
			continue;
		if (redirect)
			continue;
		if (cmd->n >= MAX_WORDS)
			continue;
		struct word *w = &cmd->w[cmd->n];
		memset(w, 0, sizeof(*w));
		struct st_buf out = {0};
		struct scanner wsc = {.i = a, .line = wline, .line_off = wline_off};
		expand_text(sh, s, a, b, 0, &wsc, &out, &w->prov, 0);
		if (out.failed) {
			sh->ctx->oom = 1;
			st_buf_free(&out);
			return -1;
		}
		w->text = st_arena_strndup(&sh->ctx->arena, out.len ? out.data : "", out.len);
		st_buf_free(&out);
		if (!w->text) {
			sh->ctx->oom = 1;
			return -1;
		}
		w->off = a;
		w->len = b - a;
		w->line = wline;
		w->line_off = wline_off;
		w->col = (unsigned)(a - wline_off + 1);
		w->assign_at = -1;
		if (name_start((unsigned char)s[a])) {
			size_t k = a;
			while (k < b && name_char((unsigned char)s[k]))
				k++;
			if (k < b && s[k] == '=') {
				w->assign_at = (int)(k - a);
				w->raw_eq = k;
			}
		}
		cmd->n++;
	}
}

/* ---- facts ---------------------------------------------------------------------- */

enum vtype { V_INT, V_STR, V_SECONDS, V_BOOL };

/* The provenance of an option value given as text: an expanded variable's, else the literal span. */
static struct prov value_prov(const struct sh *sh, const struct word *w, size_t value_off_in_raw)
{
	if ((w->prov.expanded || w->prov.unknown) && w->prov.origin.kind != ST_ORIGIN_NONE)
		return w->prov;
	struct prov p = w->prov;
	if (sh->argv && !sh->in_script) { /* a word of the vector: the caller maps its bytes */
		size_t tl = strlen(w->text), off = value_off_in_raw < tl ? value_off_in_raw : tl;
		p.origin = sh->argv->origin(sh->argv->user, w->argi, off, tl - off);
		return p;
	}
	size_t off = w->off + value_off_in_raw;
	if (off > w->off + w->len)
		off = w->off + w->len;
	p.origin = span(sh, off, w->off + w->len - off, w->line, w->line_off);
	if (!sh->fixed && !sh->argv)
		p.origin.col = (unsigned)(off - w->line_off + 1);
	return p;
}

static struct st_fact *put(struct st_ctx *ctx, const char *app, const char *server, const char *key,
                           struct st_value v, const struct st_origin *o, int layer)
{
	const char *name = st_arena_printf(&ctx->arena, "%s.%s.%s", app, server, key);
	if (!name)
		return ctx->oom = 1, NULL;
	return st_app_fact_once(ctx, name, app, v, o, layer);
}

/* Records server.key from text with provenance p; 0, or -1 when the text is not a valid value. */
static int record(struct sh *sh, const char *server, const char *key, enum vtype t, const char *text,
                  const struct prov *p, int layer)
{
	struct st_ctx *ctx = sh->ctx;
	struct st_origin o = p->origin;
	struct st_value v;
	if (p->unknown) {
		v = st_value_unknown(p->unknown);
	} else if (t == V_INT || t == V_SECONDS) {
		int64_t x;
		const char *err;
		size_t len = strlen(text);
		if (st_int_parse(text, len, &x, &err) < 0 || x < 0) {
			if (!p->secret)
				st_diag(ctx, ST_SEV_ERROR, &o, "%s %s: '%s' is not a whole number", server, key, text);
			else
				st_diag(ctx, ST_SEV_ERROR, &o, "%s %s is not a whole number", server, key);
			v = st_value_unknown("not a whole number");
		} else if (t == V_SECONDS && x <= INT64_MAX / 1000000) {
			v = st_value_duration(x * 1000000);
			v.text = st_arena_printf(&ctx->arena, "%llds", (long long)x);
		} else {
			v = st_value_int(x);
		}
	} else if (t == V_BOOL) {
		v = st_value_bool(strcmp(text, "true") == 0 || strcmp(text, "True") == 0 || strcmp(text, "1") == 0);
	} else {
		v = st_value_string(text);
		const char *r = st_url_redact(ctx, text);
		if (r)
			v.redacted = r;
	}
	if (v.kind != ST_VAL_NONE)
		v.secret |= p->secret;
	return put(ctx, sh->app, server, key, v, &o, layer) ? 0 : (ctx->oom ? -1 : 0);
}

/* bind "0.0.0.0:8000" / ":8000" / "unix:/run/x.sock" -> port fact. */
static void record_port(struct sh *sh, const char *server, const char *text, const struct prov *p, int layer)
{
	if (p->unknown || strncmp(text, "unix:", 5) == 0 || strchr(text, '/'))
		return;
	const char *colon = strrchr(text, ':');
	const char *port = colon ? colon + 1 : text;
	if (!*port || strspn(port, "0123456789") != strlen(port) || strlen(port) > 5)
		return;
	struct prov q = *p;
	if (!p->expanded && !sh->fixed && !sh->argv && q.origin.value_len >= strlen(port)) {
		/* the literal span of the port digits */
		size_t d = q.origin.value_len - strlen(port);
		q.origin.value_off += d;
		q.origin.value_len -= d;
		q.origin.col += (unsigned)d;
	}
	record(sh, server, "port", V_INT, port, &q, layer);
}

static void record_default(struct sh *sh, const char *server, const char *key, struct st_value v, const char *whose)
{
	const char *name = st_arena_printf(&sh->ctx->arena, "%s.%s.%s", sh->app, server, key);
	if (!name || st_fact_get(sh->ctx, name))
		return;
	struct st_origin o = {.kind = ST_ORIGIN_DEFAULT, .detail = whose};
	st_fact_set(sh->ctx, name, sh->app, v, &o, ST_LAYER_DEFAULT);
}

/* A command of a compose service: records which service runs the server for the app (the model takes that
 * service's replicas and host). When another service already runs the same server for the app (two services
 * built from one directory), this one's facts go under its own service name instead. */
static void claim(struct sh *sh, const char *server)
{
	if (!sh->argv || !sh->argv->service)
		return;
	const char *svc = sh->argv->service;
	const char *name = st_arena_printf(&sh->ctx->arena, "%s.%s.service", sh->app, server);
	const struct st_fact *f = name ? st_fact_get(sh->ctx, name) : NULL;
	if (f && f->value.kind == ST_VAL_STRING && strcmp(f->value.text, svc) != 0 && strcmp(sh->app, svc) != 0) {
		sh->app = svc;
		name = st_arena_printf(&sh->ctx->arena, "%s.%s.service", sh->app, server);
	}
	struct st_origin o = sh->argv->origin(sh->argv->user, 0, 0, 0);
	o.detail = "the compose service running this command";
	if (name)
		st_app_fact_once(sh->ctx, name, sh->app, st_value_string(svc), &o, ST_LAYER_FILE);
}

/* An option table: how each option of a server's command line maps to a fact. */
struct opt {
	const char *shrt, *lng;
	const char *key;  /* NULL: takes a value that is not recorded */
	enum vtype type;
	int flag;         /* takes no value */
};

static const struct opt gunicorn_opts[] = {
	{"-w", "--workers", "workers", V_INT, 0},
	{NULL, "--threads", "threads", V_INT, 0},
	{"-k", "--worker-class", "worker_class", V_STR, 0},
	{"-b", "--bind", "bind", V_STR, 0},
	{NULL, "--max-requests", "max_requests", V_INT, 0},
	{NULL, "--max-requests-jitter", "max_requests_jitter", V_INT, 0},
	{"-t", "--timeout", "timeout", V_SECONDS, 0},
	{NULL, "--graceful-timeout", "graceful_timeout", V_SECONDS, 0},
	{NULL, "--keep-alive", "keepalive", V_SECONDS, 0},
	{NULL, "--worker-connections", "worker_connections", V_INT, 0},
	{NULL, "--preload", "preload_app", V_BOOL, 1},
	{"-c", "--config", NULL, V_STR, 0},
	{"-D", "--daemon", NULL, V_STR, 1},
	{"-R", "--enable-stdio-inheritance", NULL, V_STR, 1},
	{NULL, "--reload", NULL, V_STR, 1},
	{NULL, "--spew", NULL, V_STR, 1},
	{NULL, "--check-config", NULL, V_STR, 1},
	{NULL, "--print-config", NULL, V_STR, 1},
	{NULL, "--capture-output", NULL, V_STR, 1},
	{NULL, "--no-sendfile", NULL, V_STR, 1},
	{NULL, "--reuse-port", NULL, V_STR, 1},
	{NULL, "--log-syslog", NULL, V_STR, 1},
	{NULL, "--initgroups", NULL, V_STR, 1},
	{NULL, "--strip-header-spaces", NULL, V_STR, 1},
	{NULL, "--suppress-ragged-eofs", NULL, V_STR, 1},
	{NULL, "--do-handshake-on-connect", NULL, V_STR, 1},
	{NULL, "--disable-redirect-access-to-syslog", NULL, V_STR, 1},
	{NULL, "--help", NULL, V_STR, 1},
	{NULL, "--version", NULL, V_STR, 1},
	{NULL, NULL, NULL, V_STR, 0},
};

static const struct opt celery_opts[] = {
	{"-A", "--app", "app", V_STR, 0},
	{"-b", "--broker", "broker", V_STR, 0},
	{"-c", "--concurrency", "concurrency", V_INT, 0},
	{"-P", "--pool", "pool", V_STR, 0},
	{NULL, "--autoscale", "autoscale", V_STR, 0},
	{NULL, "--prefetch-multiplier", "prefetch_multiplier", V_INT, 0},
	{NULL, "--max-tasks-per-child", "max_tasks_per_child", V_INT, 0},
	{NULL, "--max-memory-per-child", "max_memory_per_child", V_INT, 0},
	{"-Q", "--queues", "queues", V_STR, 0},
	{"-B", "--beat", NULL, V_STR, 1},
	{"-E", "--task-events", NULL, V_STR, 1},
	{"-O", NULL, NULL, V_STR, 0},
	{NULL, "--without-gossip", NULL, V_STR, 1},
	{NULL, "--without-mingle", NULL, V_STR, 1},
	{NULL, "--without-heartbeat", NULL, V_STR, 1},
	{NULL, "--detach", NULL, V_STR, 1},
	{NULL, "--purge", NULL, V_STR, 1},
	{NULL, "--discard", NULL, V_STR, 1},
	{NULL, "--quiet", NULL, V_STR, 1},
	{"-q", NULL, NULL, V_STR, 1},
	{NULL, "--no-color", NULL, V_STR, 1},
	{NULL, "--help", NULL, V_STR, 1},
	{NULL, NULL, NULL, V_STR, 0},
};

static const struct opt uwsgi_opts[] = {
	{"-p", "--processes", "processes", V_INT, 0},
	{NULL, "--workers", "processes", V_INT, 0},
	{NULL, "--threads", "threads", V_INT, 0},
	{NULL, "--http", "http", V_STR, 0},
	{NULL, "--http-socket", "http", V_STR, 0},
	{"-s", "--socket", "socket", V_STR, 0},
	{"-w", "--module", "module", V_STR, 0},
	{NULL, "--wsgi-file", "module", V_STR, 0},
	{NULL, "--harakiri", "harakiri", V_SECONDS, 0},
	{NULL, "--max-requests", "max_requests", V_INT, 0},
	{NULL, "--ini", NULL, V_STR, 0},
	{"-M", "--master", NULL, V_STR, 1},
	{NULL, "--enable-threads", NULL, V_STR, 1},
	{NULL, "--vacuum", NULL, V_STR, 1},
	{NULL, "--die-on-term", NULL, V_STR, 1},
	{NULL, "--lazy-apps", NULL, V_STR, 1},
	{NULL, "--single-interpreter", NULL, V_STR, 1},
	{NULL, "--need-app", NULL, V_STR, 1},
	{NULL, "--strict", NULL, V_STR, 1},
	{NULL, "--thunder-lock", NULL, V_STR, 1},
	{NULL, "--no-orphans", NULL, V_STR, 1},
	{NULL, NULL, NULL, V_STR, 0},
};

static const struct opt uvicorn_opts[] = {
	{NULL, "--workers", "workers", V_INT, 0},
	{NULL, "--port", "port", V_INT, 0},
	{NULL, "--host", "host", V_STR, 0},
	{NULL, "--limit-concurrency", "limit_concurrency", V_INT, 0},
	{NULL, "--timeout-keep-alive", "timeout_keep_alive", V_SECONDS, 0},
	{NULL, "--reload", NULL, V_STR, 1},
	{NULL, "--proxy-headers", NULL, V_STR, 1},
	{NULL, "--no-proxy-headers", NULL, V_STR, 1},
	{NULL, "--access-log", NULL, V_STR, 1},
	{NULL, "--no-access-log", NULL, V_STR, 1},
	{NULL, "--use-colors", NULL, V_STR, 1},
	{NULL, "--no-use-colors", NULL, V_STR, 1},
	{NULL, "--factory", NULL, V_STR, 1},
	{NULL, "--server-header", NULL, V_STR, 1},
	{NULL, "--no-server-header", NULL, V_STR, 1},
	{NULL, "--date-header", NULL, V_STR, 1},
	{NULL, "--no-date-header", NULL, V_STR, 1},
	{NULL, NULL, NULL, V_STR, 0},
};

static void load_gunicorn_conf(struct st_ctx *ctx, const struct st_file *f, const char *app);
static void load_uwsgi_ini(struct st_ctx *ctx, const struct st_file *f, const char *app, const struct st_origin *fixed);

/* A parsed option: the fact key and its value word with the value's offset inside the raw word. */
struct optval {
	const struct opt *opt;
	const struct word *w;
	size_t raw_off; /* where the value starts in w's raw text */
	const char *text;
};

/* Walks args[0..n) against an option table; calls back for each option, collects positionals. */
static size_t parse_opts(const struct opt *table, struct word *args, size_t n, struct optval *out, size_t max_out,
                         const struct word **positional, size_t *n_pos, size_t max_pos)
{
	size_t k = 0;
	*n_pos = 0;
	for (size_t i = 0; i < n; i++) {
		const char *t = args[i].text;
		if (strcmp(t, "--") == 0) {
			for (i++; i < n && *n_pos < max_pos; i++)
				positional[(*n_pos)++] = &args[i];
			break;
		}
		if (t[0] != '-' || !t[1]) {
			if (*n_pos < max_pos)
				positional[(*n_pos)++] = &args[i];
			continue;
		}
		const struct opt *o = NULL;
		const char *val = NULL;
		size_t raw_off = 0;
		const struct word *vw = NULL;
		for (const struct opt *p = table; p->shrt || p->lng; p++) {
			if (p->lng && t[1] == '-') {
				size_t l = strlen(p->lng);
				if (strncmp(t, p->lng, l) == 0 && (t[l] == 0 || (t[l] == '=' && !p->flag))) {
					o = p;
					if (t[l] == '=') {
						val = t + l + 1;
						vw = &args[i];
						raw_off = args[i].raw_eq ? 0 : l + 1;
						/* the raw '=' may sit elsewhere when quotes come first: find it */
						const char *eq = memchr(args[i].text, '=', strlen(args[i].text));
						raw_off = eq ? (size_t)(eq - args[i].text) + 1 : l + 1;
					}
					break;
				}
			} else if (p->shrt && t[1] != '-' && t[1] == p->shrt[1]) {
				o = p;
				if (t[2] && !p->flag) {
					val = t + 2; /* -w4 */
					vw = &args[i];
					raw_off = 2;
				}
				break;
			}
		}
		if (!o) {
			/* unknown option: "--x=v" carries its value; "--x v" is guessed to take v unless v is an option */
			if (!strchr(t, '=') && i + 1 < n && args[i + 1].text[0] != '-' && t[1] == '-' && table != gunicorn_opts)
				i++;
			else if (!strchr(t, '=') && i + 1 < n && args[i + 1].text[0] != '-' && table == gunicorn_opts)
				i++; /* Gunicorn's options take a value unless they are flags (listed) */
			continue;
		}
		if (o->flag) {
			if (o->key && k < max_out)
				out[k++] = (struct optval){.opt = o, .w = &args[i], .raw_off = 0, .text = "true"};
			continue;
		}
		if (!val) {
			if (i + 1 >= n)
				continue;
			i++;
			val = args[i].text;
			vw = &args[i];
			raw_off = 0;
		}
		if (k < max_out)
			out[k++] = (struct optval){.opt = o, .w = vw, .raw_off = raw_off, .text = val};
	}
	return k;
}

/* Splits text into words like shlex (GUNICORN_CMD_ARGS); all with provenance p. */
static size_t split_words(struct sh *sh, const char *text, const struct prov *p, struct word *out, size_t max)
{
	size_t k = 0;
	const char *s = text;
	while (*s && k < max) {
		while (*s == ' ' || *s == '\t' || *s == '\n')
			s++;
		if (!*s)
			break;
		struct st_buf b = {0};
		char q = 0;
		while (*s && (q || !(*s == ' ' || *s == '\t' || *s == '\n'))) {
			if (q) {
				if (*s == q)
					q = 0;
				else
					st_buf_putc(&b, *s);
			} else if (*s == '"' || *s == '\'') {
				q = *s;
			} else {
				st_buf_putc(&b, *s);
			}
			s++;
		}
		const char *w = b.failed ? NULL : st_arena_strndup(&sh->ctx->arena, b.len ? b.data : "", b.len);
		st_buf_free(&b);
		if (!w)
			return sh->ctx->oom = 1, k;
		out[k] = (struct word){.text = w, .prov = *p, .assign_at = -1};
		out[k].prov.expanded = 1;
		k++;
	}
	return k;
}

/* Finds an environment variable for the command: prefix assignments, script variables, .env files. */
static int cmd_env(struct sh *sh, const char *name, const char **value, struct prov *p)
{
	return lookup(sh, name, strlen(name), value, p, 0);
}

static void gunicorn_args(struct sh *sh, struct word *args, size_t n, int layer)
{
	struct optval ov[64];
	const struct word *pos[8];
	size_t n_pos;
	size_t k = parse_opts(gunicorn_opts, args, n, ov, 64, pos, &n_pos, 8);
	for (size_t i = 0; i < k; i++) {
		const struct opt *o = ov[i].opt;
		struct prov p = value_prov(sh, ov[i].w, ov[i].raw_off);
		if (!o->key) {
			if (strcmp(o->lng, "--config") == 0 && !p.unknown && sh->depth < MAX_FOLLOW && !sh->fixed) {
				/* a config file no loader reads on its own: read it for this app */
				const char *cfg = ov[i].text;
				const char *slash = strrchr(cfg, '/');
				const char *base = slash ? slash + 1 : cfg;
				const char *dir_end = strrchr(sh->path, '/');
				const char *rel = cfg[0] == '/' || strncmp(cfg, "python:", 7) == 0 ? NULL
				                  : dir_end ? st_arena_printf(&sh->ctx->arena, "%.*s/%s",
				                                              (int)(dir_end - sh->path), sh->path, cfg)
				                            : cfg;
				struct st_file cf;
				if (rel && (st_app_probe(sh->ctx, rel, &cf) == 0 || st_app_probe(sh->ctx, cfg, &cf) == 0)) {
					/* the command reads that file: its values are overridden by this command's options */
					const char *rn = st_arena_printf(&sh->ctx->arena, "reads.%s", cf.path);
					if (rn)
						st_app_fact_once(sh->ctx, rn, NULL, st_value_string(sh->path), &p.origin, ST_LAYER_FILE);
					if (st_procserver_match(cfg, base, NULL, 0) != ST_MATCH_YES)
						load_gunicorn_conf(sh->ctx, &cf, sh->app);
				}
			}
			continue;
		}
		record(sh, "gunicorn", o->key, o->type, ov[i].text, &p, layer);
		if (strcmp(o->key, "bind") == 0)
			record_port(sh, "gunicorn", ov[i].text, &p, layer);
	}
	if (layer == ST_LAYER_COMMAND && n_pos) {
		struct prov p = value_prov(sh, pos[0], 0);
		record(sh, "gunicorn", "wsgi", V_STR, pos[0]->text, &p, layer);
	}
}

static void gunicorn_defaults(struct sh *sh)
{
	record_default(sh, "gunicorn", "workers", st_value_int(1), "Gunicorn default (WEB_CONCURRENCY or 1)");
	record_default(sh, "gunicorn", "threads", st_value_int(1), "Gunicorn default");
	record_default(sh, "gunicorn", "worker_class", st_value_string("sync"), "Gunicorn default");
	struct st_value t = st_value_duration(30 * 1000000LL);
	t.text = "30s";
	record_default(sh, "gunicorn", "timeout", t, "Gunicorn default");
	record_default(sh, "gunicorn", "bind", st_value_string("127.0.0.1:8000"), "Gunicorn default ($PORT if set)");
	record_default(sh, "gunicorn", "max_requests", st_value_int(0), "Gunicorn default: 0, workers never restart");
}

/* The environment Gunicorn reads: WEB_CONCURRENCY (workers default) and GUNICORN_CMD_ARGS. */
static void gunicorn_env(struct sh *sh)
{
	const char *value;
	struct prov p;
	if (cmd_env(sh, "WEB_CONCURRENCY", &value, &p)) {
		p.origin.detail = p.origin.detail ? st_arena_printf(&sh->ctx->arena, "WEB_CONCURRENCY, Gunicorn's default for workers; %s", p.origin.detail)
		                                  : "WEB_CONCURRENCY, Gunicorn's default for workers";
		record(sh, "gunicorn", "workers", V_INT, value, &p, LAYER_WEB_CONCURRENCY);
	}
	if (cmd_env(sh, "GUNICORN_CMD_ARGS", &value, &p)) {
		struct word w[64];
		p.origin.detail = p.origin.detail ? st_arena_printf(&sh->ctx->arena, "GUNICORN_CMD_ARGS; %s", p.origin.detail)
		                                  : "GUNICORN_CMD_ARGS";
		size_t n = split_words(sh, value, &p, w, 64);
		gunicorn_args(sh, w, n, ST_LAYER_ENVIRONMENT);
	}
}

static void celery_command(struct sh *sh, struct word *args, size_t n)
{
	struct optval ov[64];
	const struct word *pos[8];
	size_t n_pos;
	size_t k = parse_opts(celery_opts, args, n, ov, 64, pos, &n_pos, 8);
	int worker = 0;
	for (size_t i = 0; i < n_pos; i++)
		if (strcmp(pos[i]->text, "worker") == 0)
			worker = 1;
	if (!worker)
		return; /* beat, flower, inspect ...: no worker processes */
	claim(sh, "celery");
	for (size_t i = 0; i < k; i++) {
		const struct opt *o = ov[i].opt;
		if (!o->key)
			continue;
		struct prov p = value_prov(sh, ov[i].w, ov[i].raw_off);
		if (strcmp(o->key, "autoscale") == 0 && !p.unknown) {
			/* --autoscale max,min */
			const char *comma = strchr(ov[i].text, ',');
			const char *mx = comma ? st_arena_strndup(&sh->ctx->arena, ov[i].text, (size_t)(comma - ov[i].text))
			                       : ov[i].text;
			if (mx)
				record(sh, "celery", "autoscale_max", V_INT, mx, &p, ST_LAYER_COMMAND);
			if (comma)
				record(sh, "celery", "autoscale_min", V_INT, comma + 1, &p, ST_LAYER_COMMAND);
			continue;
		}
		record(sh, "celery", o->key, o->type, ov[i].text, &p, ST_LAYER_COMMAND);
	}
	int64_t cpus = 0;
	if (st_app_cpus(sh->ctx, &cpus))
		record_default(sh, "celery", "concurrency", st_value_int(cpus), "Celery default: number of CPUs (host.cpus)");
	else
		record_default(sh, "celery", "concurrency", st_value_unknown("Celery default is the number of CPUs, not known"),
		               "Celery default: number of CPUs");
	record_default(sh, "celery", "pool", st_value_string("prefork"), "Celery default");
}

static void uwsgi_command(struct sh *sh, struct word *args, size_t n)
{
	struct optval ov[64];
	const struct word *pos[8];
	size_t n_pos;
	size_t k = parse_opts(uwsgi_opts, args, n, ov, 64, pos, &n_pos, 8);
	for (size_t i = 0; i < k; i++) {
		const struct opt *o = ov[i].opt;
		struct prov p = value_prov(sh, ov[i].w, ov[i].raw_off);
		if (!o->key) {
			if (strcmp(o->lng, "--ini") == 0 && !p.unknown && sh->depth < MAX_FOLLOW && !sh->fixed) {
				const char *ini = ov[i].text;
				const char *slash = strrchr(ini, '/');
				if (st_procserver_match(ini, slash ? slash + 1 : ini, NULL, 0) != ST_MATCH_YES) {
					struct st_file f;
					if (st_app_probe(sh->ctx, ini, &f) == 0)
						load_uwsgi_ini(sh->ctx, &f, sh->app, NULL);
				}
			}
			continue;
		}
		record(sh, "uwsgi", o->key, o->type, ov[i].text, &p, ST_LAYER_COMMAND);
		if (strcmp(o->key, "http") == 0 || strcmp(o->key, "socket") == 0)
			record_port(sh, "uwsgi", ov[i].text, &p, ST_LAYER_COMMAND);
	}
	record_default(sh, "uwsgi", "processes", st_value_int(1), "uWSGI default");
	record_default(sh, "uwsgi", "threads", st_value_int(1), "uWSGI default");
}

static void uvicorn_command(struct sh *sh, struct word *args, size_t n)
{
	struct optval ov[64];
	const struct word *pos[8];
	size_t n_pos;
	size_t k = parse_opts(uvicorn_opts, args, n, ov, 64, pos, &n_pos, 8);
	for (size_t i = 0; i < k; i++) {
		const struct opt *o = ov[i].opt;
		if (!o->key)
			continue;
		struct prov p = value_prov(sh, ov[i].w, ov[i].raw_off);
		record(sh, "uvicorn", o->key, o->type, ov[i].text, &p, ST_LAYER_COMMAND);
	}
	if (n_pos) {
		struct prov p = value_prov(sh, pos[0], 0);
		record(sh, "uvicorn", "app", V_STR, pos[0]->text, &p, ST_LAYER_COMMAND);
	}
	const char *value;
	struct prov p;
	if (cmd_env(sh, "WEB_CONCURRENCY", &value, &p))
		record(sh, "uvicorn", "workers", V_INT, value, &p, LAYER_WEB_CONCURRENCY);
	record_default(sh, "uvicorn", "workers", st_value_int(1), "Uvicorn default (WEB_CONCURRENCY or 1)");
	record_default(sh, "uvicorn", "port", st_value_int(8000), "Uvicorn default");
}

static const char *base_name(const char *s)
{
	const char *slash = strrchr(s, '/');
	return slash ? slash + 1 : s;
}

static void run_script(struct sh *sh);

/* Recognises the program of one simple command (after wrappers) and records its facts. */
static void handle_command(struct sh *sh, struct cmd *c)
{
	size_t i = 0;
	/* leading NAME=value words: assignments (alone) or the command's environment */
	while (i < c->n && c->w[i].assign_at >= 0)
		i++;
	if (i == c->n) {
		for (size_t k = 0; k < c->n; k++) {
			struct word *w = &c->w[k];
			struct prov p = value_prov(sh, w, (size_t)(w->raw_eq - w->off + 1));
			set_var(sh, w->text, (size_t)w->assign_at, w->text + w->assign_at + 1, &p);
		}
		return;
	}
	sh->prefix = c->w;
	sh->n_prefix = i;
	static const char *const wrappers[] = {"exec", "command", "nohup", "time", "then", "do", "else", "{", "!",
	                                       "dumb-init", "tini", "ddtrace-run", "opentelemetry-instrument",
	                                       "newrelic-admin", "run-program", "sudo", NULL};
	for (;;) {
		if (i >= c->n)
			goto done;
		const char *t = c->w[i].text;
		int again = 0;
		for (const char *const *wr = wrappers; *wr; wr++)
			if (strcmp(t, *wr) == 0 || (strcmp(base_name(t), *wr) == 0 && t[0] == '/'))
				again = 1;
		if (strcmp(t, "--") == 0)
			again = 1;
		if (strcmp(t, "export") == 0) {
			for (size_t k = i + 1; k < c->n; k++) {
				struct word *w = &c->w[k];
				if (w->assign_at < 0)
					continue;
				struct prov p = value_prov(sh, w, (size_t)(w->raw_eq - w->off + 1));
				set_var(sh, w->text, (size_t)w->assign_at, w->text + w->assign_at + 1, &p);
			}
			goto done;
		}
		if (strcmp(t, "env") == 0) {
			i++;
			while (i < c->n && (c->w[i].assign_at >= 0 || c->w[i].text[0] == '-'))
				i++;
			continue;
		}
		if (strcmp(t, "nice") == 0 || strcmp(t, "gosu") == 0 || strcmp(t, "su-exec") == 0 ||
		    strcmp(t, "chpst") == 0) {
			i += (strcmp(t, "nice") == 0 && i + 1 < c->n && strcmp(c->w[i + 1].text, "-n") == 0) ? 3 : 2;
			continue;
		}
		if ((strcmp(t, "poetry") == 0 || strcmp(t, "pipenv") == 0 || strcmp(t, "uv") == 0 ||
		     strcmp(t, "pdm") == 0 || strcmp(t, "hatch") == 0 || strcmp(t, "rye") == 0) &&
		    i + 1 < c->n && strcmp(c->w[i + 1].text, "run") == 0) {
			i += 2;
			continue;
		}
		if (strncmp(base_name(t), "python", 6) == 0 && i + 2 < c->n && strcmp(c->w[i + 1].text, "-m") == 0) {
			i += 2;
			const char *m = c->w[i].text;
			if (strcmp(m, "gunicorn") == 0 || strcmp(m, "celery") == 0 || strcmp(m, "uvicorn") == 0)
				break;
			goto done;
		}
		if (!again)
			break;
		i++;
	}
	const char *prog = base_name(c->w[i].text);
	struct word *args = c->w + i + 1;
	size_t n = c->n - i - 1;
	if (sh->argv && !sh->in_script && n >= 2 && args[0].text[0] == '-' && strchr(args[0].text, 'c') &&
	    (strcmp(prog, "sh") == 0 || strcmp(prog, "bash") == 0 || strcmp(prog, "dash") == 0 ||
	     strcmp(prog, "ash") == 0)) {
		/* sh -c 'migrate && exec gunicorn ...': the script runs in the process's environment */
		struct sh sub = {.ctx = sh->ctx, .path = sh->path, .app = sh->app, .s = args[1].text,
		                 .n = strlen(args[1].text), .argv = sh->argv, .in_script = 1,
		                 .script_word = args[1].argi, .depth = sh->depth + 1};
		run_script(&sub);
		free(sub.vars);
		goto done;
	}
	if (strcmp(prog, "gunicorn") == 0 || strcmp(prog, "uwsgi") == 0 || strcmp(prog, "uvicorn") == 0)
		claim(sh, prog);
	if (strcmp(prog, "gunicorn") == 0) {
		gunicorn_env(sh);
		gunicorn_args(sh, args, n, ST_LAYER_COMMAND);
		gunicorn_defaults(sh);
	} else if (strcmp(prog, "celery") == 0) {
		celery_command(sh, args, n);
	} else if (strcmp(prog, "uwsgi") == 0) {
		uwsgi_command(sh, args, n);
	} else if (strcmp(prog, "uvicorn") == 0) {
		uvicorn_command(sh, args, n);
	} else if (sh->depth < MAX_FOLLOW && !sh->fixed && !sh->argv) {
		/* ./start.sh, sh scripts/start.sh, bash bin/web: follow a script in the tree no loader reads itself */
		const char *script = NULL;
		if (strcmp(prog, "sh") == 0 || strcmp(prog, "bash") == 0 || strcmp(prog, "dash") == 0) {
			if (n && args[0].text[0] != '-')
				script = args[0].text;
		} else if (strchr(c->w[i].text, '/') && c->w[i].text[0] != '/') {
			script = c->w[i].text;
		}
		if (script) {
			if (strncmp(script, "./", 2) == 0)
				script += 2;
			const char *dir_end = strrchr(sh->path, '/');
			const char *rel = dir_end ? st_arena_printf(&sh->ctx->arena, "%.*s/%s", (int)(dir_end - sh->path),
			                                            sh->path, script)
			                          : script;
			struct st_file f;
			if (rel && st_procserver_match(rel, base_name(rel), NULL, 0) != ST_MATCH_YES &&
			    st_app_probe(sh->ctx, rel, &f) == 0) {
				struct sh sub = {.ctx = sh->ctx, .path = f.path, .app = sh->app, .s = f.data, .n = f.size,
				                 .depth = sh->depth + 1};
				run_script(&sub);
				free(sub.vars);
			}
		}
	}
done:
	sh->prefix = NULL;
	sh->n_prefix = 0;
}

static void run_script(struct sh *sh)
{
	struct scanner sc = {.i = 0, .line = 1, .line_off = 0};
	if (sh->n >= 3 && memcmp(sh->s, "\xEF\xBB\xBF", 3) == 0)
		sc.i = sc.line_off = 3;
	struct cmd c;
	c.w = malloc(MAX_WORDS * sizeof(*c.w));
	if (!c.w) {
		sh->ctx->oom = 1;
		return;
	}
	while (!sh->ctx->oom && read_command(sh, &sc, &c) == 0)
		if (c.n)
			handle_command(sh, &c);
	free(c.w);
}

/* ---- Procfile, supervisord --------------------------------------------------------- */


/* Runs the commands of one line of f (a Procfile entry, a supervisord command=) from byte c0 to le; the line
 * starts at ls. A view of the file limited to the line keeps offsets file offsets. -1 when out of memory. */
static int line_commands(struct st_ctx *ctx, const struct st_file *f, const char *app, size_t le, size_t c0,
                         unsigned line, size_t ls)
{
	struct sh sh = {.ctx = ctx, .path = f->path, .app = app, .s = f->data, .n = le};
	struct scanner sc = {.i = c0, .line = line, .line_off = ls};
	struct cmd c;
	c.w = malloc(MAX_WORDS * sizeof(*c.w));
	if (!c.w) {
		ctx->oom = 1;
		return -1;
	}
	while (!ctx->oom && read_command(&sh, &sc, &c) == 0)
		if (c.n)
			handle_command(&sh, &c);
	free(c.w);
	free(sh.vars);
	return 0;
}

static void load_procfile(struct st_ctx *ctx, const struct st_file *f, const char *app)
{
	/* "name: command" per line; the command is run by a shell */
	const char *s = f->data;
	size_t n = f->size;
	size_t ls = 0;
	unsigned line = 1;
	while (ls < n && !ctx->oom) {
		const char *nl = memchr(s + ls, '\n', n - ls);
		size_t le = nl ? (size_t)(nl - s) : n;
		size_t k = ls;
		while (k < le && (isalnum((unsigned char)s[k]) || s[k] == '_' || s[k] == '-'))
			k++;
		if (k > ls && k < le && s[k] == ':' && s[ls] != '#') {
			size_t c0 = k + 1;
			while (c0 < le && is_blank(s[c0]))
				c0++;
			if (line_commands(ctx, f, app, le, c0, line, ls) < 0)
				return;
		}
		ls = le + 1;
		line++;
	}
}

static void load_supervisor(struct st_ctx *ctx, const struct st_file *f, const char *app)
{
	const char *s = f->data;
	size_t n = f->size;
	size_t ls = 0;
	unsigned line = 1;
	int in_program = 0;
	while (ls < n && !ctx->oom) {
		const char *nl = memchr(s + ls, '\n', n - ls);
		size_t le = nl ? (size_t)(nl - s) : n;
		size_t k = ls;
		while (k < le && is_blank(s[k]))
			k++;
		if (k < le && s[k] == '[')
			in_program = le - k > 9 && memcmp(s + k, "[program:", 9) == 0;
		else if (in_program && k == ls && le - k > 8 && memcmp(s + k, "command", 7) == 0) {
			size_t c0 = k + 7;
			while (c0 < le && is_blank(s[c0]))
				c0++;
			if (c0 < le && (s[c0] == '=' || s[c0] == ':')) {
				if (line_commands(ctx, f, app, le, c0 + 1, line, ls) < 0)
					return;
			}
		}
		ls = le + 1;
		line++;
	}
}

/* ---- gunicorn.conf.py, uwsgi.ini ----------------------------------------------------- */

struct conf_user {
	struct st_ctx *ctx;
	const char *path;
};

static int conf_getenv(void *user, const char *name, struct st_py_env_hit *out)
{
	struct conf_user *u = user;
	return st_app_getenv(u->ctx, u->path, name, out);
}

static int conf_cpus(void *user, int64_t *out)
{
	return st_app_cpus(((struct conf_user *)user)->ctx, out);
}

static void load_gunicorn_conf(struct st_ctx *ctx, const struct st_file *f, const char *app)
{
	struct conf_user u = {.ctx = ctx, .path = f->path};
	struct st_py_hooks h = {.user = &u, .getenv = conf_getenv, .cpus = conf_cpus};
	struct st_py_module m;
	if (st_py_scan(ctx, f, &h, &m) < 0)
		return;
	static const struct {
		const char *var, *key;
		enum vtype t;
	} keys[] = {
		{"workers", "workers", V_INT},
		{"threads", "threads", V_INT},
		{"worker_class", "worker_class", V_STR},
		{"bind", "bind", V_STR},
		{"timeout", "timeout", V_SECONDS},
		{"graceful_timeout", "graceful_timeout", V_SECONDS},
		{"keepalive", "keepalive", V_SECONDS},
		{"max_requests", "max_requests", V_INT},
		{"max_requests_jitter", "max_requests_jitter", V_INT},
		{"worker_connections", "worker_connections", V_INT},
		{"preload_app", "preload_app", V_BOOL},
		{"wsgi_app", "wsgi", V_STR},
	};
	struct sh sh = {.ctx = ctx, .path = f->path, .app = app, .s = f->data, .n = f->size};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		const struct st_py_val *v = st_py_get(&m, keys[i].var);
		if (!v)
			continue;
		if ((v->kind == ST_PY_LIST || v->kind == ST_PY_TUPLE) && v->n && strcmp(keys[i].var, "bind") == 0)
			v = v->items[0];
		struct prov p = {.origin = v->origin, .secret = v->secret};
		const char *detail = v->origin.detail;
		if (v->conditional)
			detail = detail ? st_arena_printf(&ctx->arena, "%s; %s", detail, v->conditional) : v->conditional;
		p.origin.detail = detail;
		const char *text = NULL;
		char num[32];
		switch (v->kind) {
		case ST_PY_INT:
			snprintf(num, sizeof num, "%lld", (long long)v->i);
			text = num;
			break;
		case ST_PY_BOOL:
			text = v->i ? "true" : "false";
			break;
		case ST_PY_STR:
			text = v->s;
			break;
		case ST_PY_FLOAT:
			if (keys[i].t == V_SECONDS && v->r >= 0 && v->r < 1e12) {
				snprintf(num, sizeof num, "%lld", (long long)v->r);
				text = num;
			}
			break;
		case ST_PY_UNKNOWN:
			p.unknown = v->s ? v->s : "not evaluated";
			break;
		default:
			break;
		}
		if (!text && !p.unknown)
			p.unknown = v->kind == ST_PY_NONE && v->unset
			                    ? st_arena_printf(&ctx->arena, "%s is not set in any .env file seen", v->unset)
			                    : "not a plain value";
		record(&sh, "gunicorn", keys[i].key, keys[i].t, text ? text : "", &p, ST_LAYER_FILE);
		if (strcmp(keys[i].key, "bind") == 0 && text) {
			p.expanded = 1; /* the span is the whole literal; the port fact keeps it */
			record_port(&sh, "gunicorn", text, &p, ST_LAYER_FILE);
		}
	}
	gunicorn_defaults(&sh);
}

/* [uwsgi] key = value lines; $(VAR) takes the environment. */
static void load_uwsgi_ini(struct st_ctx *ctx, const struct st_file *f, const char *app, const struct st_origin *fixed)
{
	const char *s = f->data;
	size_t n = f->size;
	size_t ls = 0;
	unsigned line = 1;
	int in_uwsgi = 0;
	struct sh sh = {.ctx = ctx, .path = f->path, .app = app, .s = s, .n = n, .fixed = fixed};
	static const struct {
		const char *key, *fact;
		enum vtype t;
	} keys[] = {
		{"processes", "processes", V_INT}, {"workers", "processes", V_INT}, {"threads", "threads", V_INT},
		{"http", "http", V_STR},          {"http-socket", "http", V_STR},  {"socket", "socket", V_STR},
		{"module", "module", V_STR},      {"wsgi-file", "module", V_STR},  {"harakiri", "harakiri", V_SECONDS},
		{"max-requests", "max_requests", V_INT},
	};
	while (ls < n && !ctx->oom) {
		const char *nl = memchr(s + ls, '\n', n - ls);
		size_t le = nl ? (size_t)(nl - s) : n;
		size_t ll = le > ls && s[le - 1] == '\r' ? le - 1 : le;
		size_t k = ls;
		while (k < ll && is_blank(s[k]))
			k++;
		if (k < ll && s[k] == '[') {
			in_uwsgi = ll - k >= 7 && memcmp(s + k, "[uwsgi]", 7) == 0;
		} else if (in_uwsgi && k < ll && s[k] != '#' && s[k] != ';') {
			size_t ks = k;
			while (k < ll && s[k] != '=' && !is_blank(s[k]))
				k++;
			size_t ke = k;
			while (k < ll && is_blank(s[k]))
				k++;
			if (k < ll && s[k] == '=') {
				k++;
				while (k < ll && is_blank(s[k]))
					k++;
				size_t vs = k, ve = ll;
				while (ve > vs && is_blank(s[ve - 1]))
					ve--;
				for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
					size_t kl = strlen(keys[i].key);
					int same = ke - ks == kl;
					for (size_t j = 0; same && j < kl; j++)
						same = (s[ks + j] == '_' ? '-' : s[ks + j]) == keys[i].key[j];
					if (!same)
						continue;
					struct prov p = {0};
					p.origin = span(&sh, vs, ve - vs, line, ls);
					/* $(VAR) is the environment in uWSGI ini files */
					struct st_buf out = {0};
					for (size_t j = vs; j < ve; j++) {
						if (s[j] == '$' && j + 1 < ve && s[j + 1] == '(') {
							const char *close = memchr(s + j, ')', ve - j);
							if (!close)
								break;
							const char *value;
							struct prov vp;
							if (lookup(&sh, s + j + 2, (size_t)(close - s) - j - 2, &value, &vp, line)) {
								st_buf_puts(&out, value);
								p = vp;
							} else {
								p.unknown = "an environment variable not set in any .env file seen";
							}
							j = (size_t)(close - s);
							continue;
						}
						st_buf_putc(&out, s[j]);
					}
					const char *text = out.failed ? NULL : st_arena_strdup(&ctx->arena, st_buf_cstr(&out));
					st_buf_free(&out);
					if (!text) {
						ctx->oom = 1;
						return;
					}
					record(&sh, "uwsgi", keys[i].fact, keys[i].t, text, &p, ST_LAYER_FILE);
					if (strcmp(keys[i].fact, "http") == 0 || strcmp(keys[i].fact, "socket") == 0)
						record_port(&sh, "uwsgi", text, &p, ST_LAYER_FILE);
				}
			}
		}
		ls = le + 1;
		line++;
	}
	record_default(&sh, "uwsgi", "processes", st_value_int(1), "uWSGI default");
	record_default(&sh, "uwsgi", "threads", st_value_int(1), "uWSGI default");
}

int st_procserver_load(struct st_ctx *ctx, const struct st_file *f)
{
	if (!f || !f->data || !f->path)
		return -1;
	const char *app = st_app_name(ctx, f->path);
	if (!app)
		return -1;
	const char *name = base_name(f->path);
	if (is_gunicorn_conf(name)) {
		load_gunicorn_conf(ctx, f, app);
	} else if (is_uwsgi_ini(name)) {
		load_uwsgi_ini(ctx, f, app, NULL);
	} else if (strcmp(name, "Procfile") == 0 || strncmp(name, "Procfile.", 9) == 0) {
		load_procfile(ctx, f, app);
	} else if (is_supervisor_conf(f->path, name)) {
		if (strstr(f->data, "[program:"))
			load_supervisor(ctx, f, app);
	} else {
		/* start scripts: only those that start a server or worker we know */
		if (!strstr(f->data, "gunicorn") && !strstr(f->data, "celery") && !strstr(f->data, "uwsgi") &&
		    !strstr(f->data, "uvicorn"))
			return 0;
		struct sh sh = {.ctx = ctx, .path = f->path, .app = app, .s = f->data, .n = f->size};
		run_script(&sh);
		free(sh.vars);
	}
	return ctx->oom ? -1 : 0;
}

int st_procserver_command(struct st_ctx *ctx, const char *app, const char *path, const char *command,
                          const struct st_origin *origin)
{
	if (!ctx || !app || !command || !origin)
		return -1;
	size_t before = ctx->facts.seq;
	struct sh sh = {.ctx = ctx, .path = path ? path : (origin->file ? origin->file : ""), .app = app,
	                .s = command, .n = strlen(command), .fixed = origin};
	run_script(&sh);
	free(sh.vars);
	return ctx->facts.seq != before ? 0 : -1;
}

int st_procserver_argv(struct st_ctx *ctx, const char *app, const struct st_proc_argv *cmd)
{
	if (!ctx || !app || !cmd || !cmd->origin || !cmd->n || !cmd->words)
		return -1;
	size_t before = ctx->facts.seq;
	struct sh sh = {.ctx = ctx, .path = cmd->path ? cmd->path : "", .app = app, .s = "", .n = 0, .argv = cmd};
	struct cmd c = {.n = cmd->n < MAX_WORDS ? cmd->n : MAX_WORDS};
	c.w = calloc(c.n, sizeof(*c.w));
	if (!c.w) {
		ctx->oom = 1;
		return -1;
	}
	for (size_t i = 0; i < c.n; i++) /* exec form: no assignments, no expansion */
		c.w[i] = (struct word){.text = cmd->words[i] ? cmd->words[i] : "", .assign_at = -1, .argi = i};
	handle_command(&sh, &c);
	free(c.w);
	free(sh.vars);
	return ctx->facts.seq != before ? 0 : -1;
}
