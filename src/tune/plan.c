/* The tune planner: each recommendation becomes an edit of the file whose value is in effect (one ops table
 * entry per file format: how a value is spelled there, and how a missing setting is added), an ALTER SYSTEM
 * statement (postgresql.auto.conf), or a proposal that is shown but not written. */
#include <stdlib.h>
#include <string.h>

#include "stacktune/loaders.h"
#include "stacktune/tune.h"

struct planner {
	struct st_ctx *ctx;
	const struct st_stack *stack;
	struct st_tune_plan *plan;
	size_t seq;
	unsigned round;
};

/* What a missing setting is added as, and where (a file that already configures the component). */
struct add_in {
	const struct st_component *comp;
	const char *name;     /* the setting as the server spells it */
	const char *value;    /* formatted for the file */
	const char *rule;
};

struct tune_format {
	const char *name;
	/* 1 when the file at path (basename base) holding a value of a component of this kind has this format */
	int (*match)(const char *path, const char *base, const char *kind);
	/* Spells proposed in place of token (the value as written); 0, or -1 with *why when the syntax cannot. */
	int (*spell)(const char *token, size_t token_len, const char *proposed, struct st_buf *out, const char **why);
	/* Adds a setting the component does not set yet to file f; fills ch->line; 0, or -1 with *why. NULL: cannot. */
	int (*add)(struct planner *pl, struct st_tune_file *f, const struct add_in *in, struct st_tune_change *ch,
	           const char **why);
};

/* ---- small helpers ---------------------------------------------------- */

static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && strcmp(s + a - b, suffix) == 0;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

static int is_pg(const char *kind)
{
	return kind && strcmp(kind, "postgresql") == 0;
}

static int is_mysql(const char *kind)
{
	return kind && (strcmp(kind, "mysql") == 0 || strcmp(kind, "mariadb") == 0);
}

/* The line ending the file uses ("\r\n" when its first line ends so). */
static const char *eol_of(const struct st_tune_file *f)
{
	const char *nl = memchr(f->data, '\n', f->size);
	return nl && nl > f->data && nl[-1] == '\r' ? "\r\n" : "\n";
}

static int is_number(const char *s)
{
	if (!*s)
		return 0;
	char *end;
	strtod(s, &end);
	return *end == '\0' && strspn(s, "0123456789.-+") == strlen(s);
}

static int quote_of(const char *t, size_t n)
{
	return n >= 2 && (t[0] == '\'' || t[0] == '"') && t[n - 1] == t[0] ? t[0] : 0;
}

/* A value kept in the token's quotes; 1 when quoted (done), 0 when the token is bare, -1 when it cannot be. */
static int spell_quoted(const char *t, size_t n, const char *proposed, struct st_buf *out, const char **why)
{
	int q = quote_of(t, n);
	if (!q)
		return 0;
	if (strchr(proposed, q) || strchr(proposed, '\\') || strchr(proposed, '\n')) {
		*why = "the value would need escaping inside its quotes";
		return -1;
	}
	st_buf_putc(out, (char)q);
	st_buf_puts(out, proposed);
	st_buf_putc(out, (char)q);
	return 1;
}

/* ---- formats ---------------------------------------------------------- */

static int match_pgauto(const char *path, const char *base, const char *kind)
{
	return strcmp(base, "postgresql.auto.conf") == 0;
}

static int match_pgconf(const char *path, const char *base, const char *kind)
{
	return is_pg(kind) && ends_with(base, ".conf");
}

static int match_mycnf(const char *path, const char *base, const char *kind)
{
	return ends_with(base, ".cnf") || (is_mysql(kind) && ends_with(base, ".ini"));
}

static int match_pgbouncer(const char *path, const char *base, const char *kind)
{
	return ends_with(base, ".ini");
}

static int match_dotenv(const char *path, const char *base, const char *kind)
{
	return strncmp(base, ".env", 4) == 0 || ends_with(base, ".env");
}

static int match_compose(const char *path, const char *base, const char *kind)
{
	return strstr(base, "compose") && (ends_with(base, ".yml") || ends_with(base, ".yaml"));
}

static int match_code(const char *path, const char *base, const char *kind)
{
	return ends_with(base, ".py") || ends_with(base, ".go") || ends_with(base, ".js") || ends_with(base, ".mjs") ||
	       ends_with(base, ".cjs") || ends_with(base, ".ts") || ends_with(base, ".sh") || strcmp(base, "Procfile") == 0;
}

/* postgresql.conf: a bare word or number with unit, else a quoted string ('' doubles a quote). */
static int spell_pgconf(const char *t, size_t n, const char *proposed, struct st_buf *out, const char **why)
{
	int r = spell_quoted(t, n, proposed, out, why);
	if (r)
		return r < 0 ? -1 : 0;
	if (*proposed && strspn(proposed, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-+") ==
	                     strlen(proposed)) {
		st_buf_puts(out, proposed);
		return 0;
	}
	st_buf_putc(out, '\'');
	for (const char *p = proposed; *p; p++)
		st_buf_puts(out, *p == '\'' ? "''" : (char[2]){*p, 0});
	st_buf_putc(out, '\'');
	return 0;
}

/* my.cnf, pgbouncer.ini, .env and command-line flags: a bare value must not hold blanks, quotes or comments. */
static int spell_bare(const char *t, size_t n, const char *proposed, struct st_buf *out, const char **why)
{
	int r = spell_quoted(t, n, proposed, out, why);
	if (r)
		return r < 0 ? -1 : 0;
	if (!*proposed || strpbrk(proposed, " \t\"'#;\\$`")) {
		*why = "the value cannot be written bare in this file";
		return -1;
	}
	st_buf_puts(out, proposed);
	return 0;
}

/* Source code and scripts: a number replaces a number literal, a string a string literal; Python booleans. */
static int spell_code(const char *t, size_t n, const char *proposed, struct st_buf *out, const char **why)
{
	int r = spell_quoted(t, n, proposed, out, why);
	if (r)
		return r < 0 ? -1 : 0;
	if ((n == 4 && memcmp(t, "True", 4) == 0) || (n == 5 && memcmp(t, "False", 5) == 0)) {
		if (strcmp(proposed, "on") == 0 || strcmp(proposed, "off") == 0) {
			st_buf_puts(out, proposed[1] == 'n' ? "True" : "False");
			return 0;
		}
	}
	char tok[64];
	if (n >= sizeof(tok) || !n) {
		*why = "the value in the code is not a literal";
		return -1;
	}
	memcpy(tok, t, n);
	tok[n] = '\0';
	if (!is_number(tok)) {
		*why = "the value in the code is not a number literal";
		return -1;
	}
	if (!is_number(proposed)) {
		*why = "the proposed value is not a plain number";
		return -1;
	}
	st_buf_puts(out, proposed);
	return 0;
}

static struct st_tune_edit *edit_add(struct planner *pl, struct st_tune_file *f, size_t off, size_t len,
                                     const char *text);

/* postgresql.conf: a missing setting goes at the end, where it wins over earlier lines. */
static int add_pgconf(struct planner *pl, struct st_tune_file *f, const struct add_in *in, struct st_tune_change *ch,
                      const char **why)
{
	const char *eol = eol_of(f);
	int nl_end = f->size == 0 || f->data[f->size - 1] == '\n';
	const char *text = st_arena_printf(&pl->ctx->arena, "%s%s = %s\t\t# stacktune: %s%s", nl_end ? "" : eol, in->name,
	                                   in->value, in->rule, nl_end ? eol : "");
	unsigned line = 1;
	for (size_t i = 0; i < f->size; i++)
		line += f->data[i] == '\n';
	ch->line = nl_end ? line : line + 1;
	return text && edit_add(pl, f, f->size, 0, text) ? 0 : -1;
}

static const struct st_fact *last_fact_in(struct planner *pl, const char *prefix, const char *path, int layer);

/* Where line `line` (1-based) ends, after its newline; the file's size when it is the last. */
static size_t after_line(const struct st_tune_file *f, unsigned line)
{
	size_t i = 0;
	for (unsigned l = 1; l < line && i < f->size; i++)
		if (f->data[i] == '\n')
			l++;
	const char *nl = i < f->size ? memchr(f->data + i, '\n', f->size - i) : NULL;
	return nl ? (size_t)(nl - f->data) + 1 : f->size;
}

/* my.cnf: after the component's last option in this file (so inside a group the server reads); a file
 * without such an option gets a [mysqld] group at its end. */
static int add_mycnf(struct planner *pl, struct st_tune_file *f, const struct add_in *in, struct st_tune_change *ch,
                     const char **why)
{
	const char *eol = eol_of(f);
	const struct st_fact *last = last_fact_in(pl, in->comp->prefix, f->path, -1);
	int nl_end = f->size == 0 || f->data[f->size - 1] == '\n';
	if (!last) {
		const char *text = st_arena_printf(&pl->ctx->arena, "%s%s[mysqld]%s%s = %s%s", nl_end ? "" : eol,
		                                   f->size ? eol : "", eol, in->name, in->value, eol);
		ch->line = 0;
		return text && edit_add(pl, f, f->size, 0, text) ? 0 : -1;
	}
	size_t at = after_line(f, last->origin.line);
	int at_end_no_nl = at == f->size && !nl_end;
	const char *text = st_arena_printf(&pl->ctx->arena, "%s%s = %s%s", at_end_no_nl ? eol : "", in->name, in->value,
	                                   at_end_no_nl ? "" : eol);
	ch->line = last->origin.line + 1;
	return text && edit_add(pl, f, at, 0, text) ? 0 : -1;
}

/* compose: a server flag after the component's last flag in its command (a string, or a block list). */
static int add_compose(struct planner *pl, struct st_tune_file *f, const struct add_in *in, struct st_tune_change *ch,
                       const char **why)
{
	const struct st_fact *last = last_fact_in(pl, in->comp->prefix, f->path, ST_LAYER_COMMAND);
	if (!last || !last->origin.value_len || last->origin.value_off + last->origin.value_len > f->size) {
		*why = "the service has no command-line flags to add it to";
		return -1;
	}
	int pg = is_pg(in->comp->kind);
	const char *flag = pg ? st_arena_printf(&pl->ctx->arena, "-c %s=%s", in->name, in->value)
	                      : st_arena_printf(&pl->ctx->arena, "--%s=%s", in->name, in->value);
	if (!flag)
		return -1;
	size_t e = last->origin.value_off + last->origin.value_len;
	size_t ls = e;
	while (ls > 0 && f->data[ls - 1] != '\n')
		ls--;
	size_t le = e;
	while (le < f->size && f->data[le] != '\n' && f->data[le] != '\r')
		le++;
	/* the rest of the line after the value: nothing, or the closing quote of the scalar */
	size_t r = e;
	if (r < le && (f->data[r] == '"' || f->data[r] == '\''))
		r++;
	while (r < le && (f->data[r] == ' ' || f->data[r] == '\t'))
		r++;
	if (r < le && f->data[r] != '#') {
		*why = "the command is a flow list; add the flag by hand";
		return -1;
	}
	size_t ind = ls;
	while (ind < le && (f->data[ind] == ' ' || f->data[ind] == '\t'))
		ind++;
	ch->line = last->origin.line;
	if (ind + 1 < le && f->data[ind] == '-' && f->data[ind + 1] == ' ') {
		/* a block list item: one item per word */
		const char *eol = eol_of(f);
		size_t at = after_line(f, last->origin.line);
		int no_nl = at == f->size && (f->size == 0 || f->data[f->size - 1] != '\n');
		const char *text =
			pg ? st_arena_printf(&pl->ctx->arena, "%s%.*s- -c%s%.*s- %s=%s%s", no_nl ? eol : "", (int)(ind - ls),
			                     f->data + ls, eol, (int)(ind - ls), f->data + ls, in->name, in->value, no_nl ? "" : eol)
			   : st_arena_printf(&pl->ctx->arena, "%s%.*s- %s%s", no_nl ? eol : "", (int)(ind - ls), f->data + ls, flag,
			                     no_nl ? "" : eol);
		ch->line = last->origin.line + 1;
		return text && edit_add(pl, f, at, 0, text) ? 0 : -1;
	}
	const char *text = st_arena_printf(&pl->ctx->arena, " %s", flag);
	return text && edit_add(pl, f, e, 0, text) ? 0 : -1;
}

/* The ops table: the first entry whose match accepts the file is its format. */
static const struct tune_format formats[] = {
	{.name = "postgresql.auto.conf", .match = match_pgauto, .spell = spell_pgconf},
	{.name = "postgresql.conf", .match = match_pgconf, .spell = spell_pgconf, .add = add_pgconf},
	{.name = "my.cnf", .match = match_mycnf, .spell = spell_bare, .add = add_mycnf},
	{.name = "pgbouncer.ini", .match = match_pgbouncer, .spell = spell_bare},
	{.name = ".env", .match = match_dotenv, .spell = spell_bare},
	{.name = "compose", .match = match_compose, .spell = spell_bare, .add = add_compose},
	{.name = "code", .match = match_code, .spell = spell_code},
};

static const struct tune_format *format_of(const char *path, const char *kind)
{
	const char *base = base_name(path);
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (formats[i].match(path, base, kind))
			return &formats[i];
	return NULL;
}

/* ---- the plan --------------------------------------------------------- */

static void *grow(struct st_ctx *ctx, void *items, size_t n, size_t *cap, size_t size)
{
	if (n < *cap)
		return items;
	size_t nc = *cap ? *cap * 2 : 16;
	void *ni = st_arena_alloc(&ctx->arena, nc * size);
	if (!ni) {
		ctx->oom = 1;
		return NULL;
	}
	if (n)
		memcpy(ni, items, n * size);
	*cap = nc;
	return ni;
}

static struct st_tune_edit *edit_add(struct planner *pl, struct st_tune_file *f, size_t off, size_t len,
                                     const char *text)
{
	struct st_tune_edit *e = grow(pl->ctx, f->edits, f->n_edits, &f->cap_edits, sizeof(*e));
	if (!e)
		return NULL;
	f->edits = e;
	f->edits[f->n_edits] = (struct st_tune_edit){.off = off, .len = len, .text = text, .seq = pl->seq++};
	return &f->edits[f->n_edits++];
}

/* Every secret value written in path, so a diff shown to people can mask it. */
static void collect_secrets(struct planner *pl, struct st_tune_file *f)
{
	const struct st_facts *fs = &pl->ctx->facts;
	size_t n = 0, cap = 0;
	const char **v = NULL;
	for (size_t i = 0; i < fs->n_slots; i++) {
		const struct st_fact_entry *e = &fs->slots[i];
		for (size_t k = 0; e->name && k < e->n; k++) {
			const struct st_fact *fa = e->chain[k];
			if (!fa->value.secret || !fa->value.text || !*fa->value.text || fa->origin.kind != ST_ORIGIN_FILE ||
			    !fa->origin.file || strcmp(fa->origin.file, f->path) != 0)
				continue;
			const char **nv = grow(pl->ctx, v, n, &cap, sizeof(*v));
			if (!nv)
				return;
			v = nv;
			v[n++] = fa->value.text;
		}
	}
	f->secrets = v;
	f->n_secrets = n;
}

static struct st_tune_file *file_get(struct planner *pl, const char *path)
{
	struct st_tune_plan *p = pl->plan;
	for (size_t i = 0; i < p->n_files; i++)
		if (strcmp(p->files[i].path, path) == 0)
			return &p->files[i];
	struct st_file sf;
	if (st_file_read(pl->ctx, path, NULL, &sf) < 0)
		return NULL;
	struct st_tune_file *nf = grow(pl->ctx, p->files, p->n_files, &p->cap_files, sizeof(*nf));
	if (!nf)
		return NULL;
	p->files = nf;
	struct st_tune_file *f = &p->files[p->n_files++];
	memset(f, 0, sizeof(*f));
	f->path = st_arena_strdup(&pl->ctx->arena, path);
	f->data = sf.data;
	f->size = sf.size;
	collect_secrets(pl, f);
	return f;
}

/* The fact of the component (layer: any when < 0) in path that comes last in the file. */
static const struct st_fact *last_fact_in(struct planner *pl, const char *prefix, const char *path, int layer)
{
	const struct st_facts *fs = &pl->ctx->facts;
	size_t pl_len = strlen(prefix);
	const struct st_fact *best = NULL;
	for (size_t i = 0; i < fs->n_slots; i++) {
		const struct st_fact_entry *e = &fs->slots[i];
		if (!e->name || strncmp(e->name, prefix, pl_len) != 0 || e->name[pl_len] != '.')
			continue;
		for (size_t k = 0; k < e->n; k++) {
			const struct st_fact *fa = e->chain[k];
			if (fa->origin.kind != ST_ORIGIN_FILE || !fa->origin.file || strcmp(fa->origin.file, path) != 0 ||
			    (layer >= 0 && fa->layer != layer) || !fa->origin.line)
				continue;
			if (!best || fa->origin.line > best->origin.line ||
			    (fa->origin.line == best->origin.line && fa->origin.value_off > best->origin.value_off))
				best = fa;
		}
	}
	return best;
}

/* A file that already configures the server component and whose format can take a new setting: a server
 * config file (postgresql.conf, my.cnf) first, else the compose command. NULL when there is none. */
static const char *vehicle(struct planner *pl, const struct st_component *c, const struct tune_format **fmt)
{
	const struct st_facts *fs = &pl->ctx->facts;
	size_t pl_len = strlen(c->prefix);
	const char *best = NULL;
	int best_rank = 0;
	for (size_t i = 0; i < fs->n_slots; i++) {
		const struct st_fact_entry *e = &fs->slots[i];
		int link = e->name && strncmp(e->name, "link.config.", 12) == 0;
		if (!e->name || (!link && (strncmp(e->name, c->prefix, pl_len) != 0 || e->name[pl_len] != '.')))
			continue;
		for (size_t k = 0; k < e->n; k++) {
			const struct st_fact *fa = e->chain[k];
			const char *path = fa->origin.file;
			if (link) { /* a config file mounted into the service, even one that sets nothing yet */
				if (!fa->value.text || strcmp(fa->value.text, c->prefix) != 0)
					continue;
				path = e->name + 12;
			} else if (fa->origin.kind != ST_ORIGIN_FILE || !path) {
				continue;
			}
			const struct tune_format *f = format_of(path, c->kind);
			if (!f || !f->add)
				continue;
			int rank = f->add == add_compose ? 1 : 2;
			if (rank > best_rank || (rank == best_rank && strcmp(path, best) < 0)) {
				best = path;
				best_rank = rank;
				*fmt = f;
			}
		}
	}
	return best;
}

static const struct st_component *component_of(const struct st_stack *s, const char *id)
{
	for (size_t i = 0; id && i < s->n_components; i++)
		if (strcmp(s->components[i].id, id) == 0)
			return &s->components[i];
	return NULL;
}

static int only_matches(const char *only, const char *rule)
{
	if (!only)
		return 1;
	size_t rl = strlen(rule);
	for (const char *p = only; *p;) {
		size_t n = strcspn(p, ",");
		if (n == rl && strncmp(p, rule, n) == 0)
			return 1;
		p += n;
		if (*p == ',')
			p++;
	}
	return 0;
}

static struct st_tune_change *change_new(struct planner *pl)
{
	struct st_tune_plan *p = pl->plan;
	struct st_tune_change *nc = grow(pl->ctx, p->changes, p->n_changes, &p->cap_changes, sizeof(*nc));
	if (!nc)
		return NULL;
	p->changes = nc;
	struct st_tune_change *c = &p->changes[p->n_changes++];
	memset(c, 0, sizeof(*c));
	return c;
}

/* Finds the value's byte span: the loader's, else `current` searched on the cited line from its column. */
static int span_of(const struct st_tune_file *f, const struct st_recommendation *rec, size_t *off, size_t *len)
{
	const struct st_origin *o = &rec->where;
	if (o->line_len || o->value_len) {
		if (o->value_off + o->value_len > f->size || memchr(f->data + o->value_off, '\n', o->value_len))
			return -1;
		*off = o->value_off;
		*len = o->value_len;
		return 0;
	}
	if (!o->line || !rec->current || !*rec->current)
		return -1;
	size_t i = 0;
	for (unsigned l = 1; l < o->line && i < f->size; i++)
		if (f->data[i] == '\n')
			l++;
	const char *nl = memchr(f->data + i, '\n', f->size - i);
	size_t le = nl ? (size_t)(nl - f->data) : f->size, cl = strlen(rec->current);
	for (size_t s = i + (o->col ? o->col - 1 : 0); s + cl <= le; s++)
		if (memcmp(f->data + s, rec->current, cl) == 0) {
			*off = s;
			*len = cl;
			return 0;
		}
	return -1;
}

static const struct st_fact *fact_of(struct planner *pl, const struct st_component *c, const char *setting)
{
	const char *full = c ? st_arena_printf(&pl->ctx->arena, "%s.%s", c->prefix ? c->prefix : c->id, setting) : NULL;
	const struct st_fact *f = full ? st_fact_get(pl->ctx, full) : NULL;
	return f ? f : st_fact_get(pl->ctx, setting);
}

static int proposal(struct st_tune_change *ch, const char *why)
{
	ch->action = ST_TUNE_PROPOSAL;
	ch->note = why;
	return 0;
}

/* A compose command-line change takes effect when the container is recreated, whatever the setting's context. */
static const char *apply_for(const struct tune_format *fmt, const struct st_component *c, const char *apply)
{
	if (fmt && fmt->add == add_compose && c && (is_pg(c->kind) || is_mysql(c->kind)))
		return "restart";
	return apply ? apply : "restart";
}

static int plan_one(struct planner *pl, const struct st_finding *fi, const struct st_recommendation *rec)
{
	struct st_ctx *ctx = pl->ctx;
	const struct st_component *c = component_of(pl->stack, fi->component);
	/* the same setting recommended twice (two rules): the first rule (by id) wins; a different value is a proposal */
	for (size_t i = 0; i < pl->plan->n_changes; i++) {
		const struct st_tune_change *o = &pl->plan->changes[i];
		if (strcmp(o->setting, rec->setting) == 0 && (o->component == fi->component ||
		    (o->component && fi->component && strcmp(o->component, fi->component) == 0))) {
			if (pl->round || strcmp(o->proposed, rec->proposed) == 0)
				return 0; /* a setting keeps the value it was first given: the rounds cannot oscillate */
			const char *other_rule = o->rule, *other_value = o->proposed;
			struct st_tune_change *ch = change_new(pl);
			if (ch) {
				*ch = (struct st_tune_change){.rule = fi->rule, .component = fi->component, .setting = rec->setting,
				                              .current = rec->current, .proposed = rec->proposed, .apply = rec->apply};
				proposal(ch, st_arena_printf(&ctx->arena, "%s proposes %s for the same setting; choose one",
				                             other_rule, other_value));
			}
			return 0;
		}
	}
	struct st_tune_change *ch = change_new(pl);
	if (!ch)
		return 0;
	*ch = (struct st_tune_change){.rule = fi->rule, .component = fi->component, .setting = rec->setting,
	                              .current = rec->current ? rec->current : "(unset)", .proposed = rec->proposed,
	                              .apply = rec->apply ? rec->apply : "restart", .round = pl->round};
	const char *why = NULL;
	const char *kind = c ? c->kind : NULL;
	const struct st_fact *cur = c ? fact_of(pl, c, rec->setting) : NULL;
	if (rec->where.kind == ST_ORIGIN_FILE && rec->where.file) {
		const struct tune_format *fmt = format_of(rec->where.file, kind);
		ch->file = rec->where.file;
		ch->line = rec->where.line;
		if (cur && cur->value.secret)
			return proposal(ch, "the value is a secret");
		if (!fmt)
			return proposal(ch, "stacktune does not edit this kind of file");
		if (fmt->match == match_pgauto) {
			ch->action = ST_TUNE_ALTER_SYSTEM;
			ch->note = st_arena_printf(&ctx->arena, "ALTER SYSTEM SET %s = '%s';", rec->setting, rec->proposed);
			ch->apply = apply_for(fmt, c, rec->apply);
			return 0;
		}
		struct st_tune_file *f = file_get(pl, rec->where.file);
		if (!f)
			return proposal(ch, "the file cannot be read");
		size_t off, len;
		if (span_of(f, rec, &off, &len) < 0)
			return proposal(ch, "the value's place in the file is not known");
		for (size_t i = 0; i < f->n_edits; i++)
			if (off < f->edits[i].off + f->edits[i].len && f->edits[i].off < off + len)
				return proposal(ch, "another change edits the same text");
		struct st_buf b = {0};
		int rc = fmt->spell(f->data + off, len, rec->proposed, &b, &why);
		const char *text = rc == 0 ? st_arena_strdup(&ctx->arena, st_buf_cstr(&b)) : NULL;
		st_buf_free(&b);
		if (rc < 0)
			return proposal(ch, why);
		if (!text || !edit_add(pl, f, off, len, text)) {
			ctx->oom = 1;
			return 0;
		}
		ch->apply = apply_for(fmt, c, rec->apply);
		ch->off = off;
		ch->len = len;
		return 0;
	}
	if (rec->where.kind != ST_ORIGIN_DEFAULT && rec->where.kind != ST_ORIGIN_NONE)
		return proposal(ch, st_arena_printf(&ctx->arena, "the value comes from %s, not from a file",
		                                    st_origin_kind_name(rec->where.kind)));
	if (!c || !(is_pg(kind) || is_mysql(kind)))
		return proposal(ch, "no file sets it; add it where the component reads its configuration");
	const struct tune_format *fmt = NULL;
	const char *path = vehicle(pl, c, &fmt);
	if (!path)
		return proposal(ch, "no configuration file or command line of the server was found to add it to");
	struct st_tune_file *f = file_get(pl, path);
	if (!f)
		return proposal(ch, "the file cannot be read");
	/* a bare value spelled the way this format takes it */
	struct st_buf b = {0};
	int rc = fmt->spell("", 0, rec->proposed, &b, &why);
	const char *value = rc == 0 ? st_arena_strdup(&ctx->arena, st_buf_cstr(&b)) : NULL;
	st_buf_free(&b);
	if (rc < 0)
		return proposal(ch, why);
	struct add_in in = {.comp = c, .name = rec->setting, .value = value, .rule = fi->rule};
	ch->file = f->path;
	if (!value || fmt->add(pl, f, &in, ch, &why) < 0)
		return proposal(ch, why ? why : "out of memory");
	ch->action = ST_TUNE_ADD;
	ch->apply = apply_for(fmt, c, rec->apply);
	return 0;
}

static int cmp_change(const void *a, const void *b)
{
	const struct st_tune_change *x = a, *y = b;
	int c = strcmp(x->file ? x->file : "\x7f", y->file ? y->file : "\x7f");
	if (c)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	c = strcmp(x->setting, y->setting);
	return c ? c : strcmp(x->rule, y->rule);
}

static int cmp_file(const void *a, const void *b)
{
	return strcmp(((const struct st_tune_file *)a)->path, ((const struct st_tune_file *)b)->path);
}

/* The proposed text as a value of the same kind as the current fact; -1 when it does not parse. */
static int value_like(const struct st_fact *cur, const char *text, int mysql, struct st_value *out)
{
	size_t n = strlen(text);
	const char *err;
	int64_t i;
	*out = cur->value;
	out->text = text;
	out->redacted = NULL;
	switch (cur->value.kind) {
	case ST_VAL_SIZE:
		if (st_size_parse(text, n, mysql ? ST_UNITS_MYSQL : ST_UNITS_PG, 1, &i, &err) < 0 &&
		    st_size_parse(text, n, ST_UNITS_ANY, 1, &i, &err) < 0)
			return -1;
		out->i = i;
		return 0;
	case ST_VAL_DURATION: /* a bare number is in seconds, as the rules propose them (CONN_MAX_AGE) */
		if (st_duration_parse(text, n, mysql ? ST_UNITS_MYSQL : ST_UNITS_PG, 1000000, &i, &err) < 0)
			return -1;
		out->i = i;
		return 0;
	case ST_VAL_INT:
		if (st_int_parse(text, n, &i, &err) < 0)
			return -1;
		out->i = i;
		return 0;
	case ST_VAL_REAL: {
		char *end;
		out->r = strtod(text, &end);
		return *end ? -1 : 0;
	}
	case ST_VAL_BOOL:
		out->i = strcmp(text, "on") == 0 || strcmp(text, "true") == 0 || strcmp(text, "True") == 0 ||
		         strcmp(text, "1") == 0;
		return 0;
	case ST_VAL_STRING:
		return 0;
	default:
		return -1;
	}
}

/* Puts one planned change in effect as a fact (each fact read from the edited span, so an alias the model
 * made of a client's pool setting follows too); returns how many facts were set. */
static size_t feed_back(struct planner *pl, const struct st_tune_change *ch)
{
	struct st_ctx *ctx = pl->ctx;
	const struct st_component *c = component_of(pl->stack, ch->component);
	const struct st_fact *cur = fact_of(pl, c, ch->setting);
	size_t n = 0;
	int mysql = c && is_mysql(c->kind);
	if (!cur)
		return 0;
	struct st_value v;
	if (value_like(cur, st_arena_strdup(&ctx->arena, ch->proposed), mysql, &v) < 0)
		return 0;
	if (ch->action == ST_TUNE_EDIT && ch->file && ch->len) {
		const struct st_facts *fs = &ctx->facts;
		for (size_t i = 0; i < fs->n_slots; i++) {
			const struct st_fact_entry *e = &fs->slots[i];
			if (!e->name || !e->n)
				continue;
			const struct st_fact *fa = e->chain[e->n - 1];
			if (fa->origin.kind != ST_ORIGIN_FILE || !fa->origin.file || strcmp(fa->origin.file, ch->file) != 0 ||
			    fa->origin.value_off != ch->off || fa->origin.value_len != ch->len)
				continue;
			struct st_value fv;
			if (value_like(fa, v.text, mysql, &fv) == 0 &&
			    st_fact_set(ctx, e->name, fa->component, fv, &fa->origin, fa->layer))
				n++;
		}
		return n;
	}
	struct st_origin o = cur->origin;
	if (ch->file) {
		o = st_origin_file(ch->file, ch->line, 1);
	}
	int layer = cur->layer > ST_LAYER_FILE ? cur->layer : ST_LAYER_FILE;
	return st_fact_set(ctx, cur->name, cur->component, v, &o, layer) ? 1 : 0;
}

static void plan_findings(struct planner *pl, const struct st_findings *findings, const struct st_tune_opts *opts)
{
	for (size_t i = 0; i < findings->n; i++) {
		const struct st_finding *fi = &findings->items[i];
		if (fi->severity < opts->min_severity || !only_matches(opts->only, fi->rule))
			continue;
		for (size_t r = 0; r < fi->n_recommendations; r++)
			if (fi->recommendations[r].setting && fi->recommendations[r].proposed)
				plan_one(pl, fi, &fi->recommendations[r]);
	}
}

int st_tune_plan(struct st_ctx *ctx, const struct st_rulebook *rb, const struct st_stack *stack,
                 const struct st_findings *findings, const struct st_tune_opts *opts, struct st_tune_plan *plan)
{
	memset(plan, 0, sizeof(*plan));
	struct planner pl = {.ctx = ctx, .stack = stack, .plan = plan};
	plan_findings(&pl, findings, opts);
	/* later rounds: the findings once the planned values are in effect; their diagnostics were reported once */
	size_t diags = ctx->diags.n, fed = 0;
	for (unsigned round = 1; rb && round <= 4 && !ctx->oom; round++) {
		size_t set = 0, before = plan->n_changes;
		for (; fed < plan->n_changes; fed++)
			if (plan->changes[fed].action != ST_TUNE_PROPOSAL)
				set += feed_back(&pl, &plan->changes[fed]);
		if (!set)
			break;
		struct st_stack *next = st_arena_alloc(&ctx->arena, sizeof(*next));
		struct st_findings *more = st_arena_alloc(&ctx->arena, sizeof(*more));
		if (!next || !more || st_stack_build(ctx, stack->host, next) < 0 || st_rules_run(ctx, rb, next, more) < 0)
			break;
		pl.stack = next;
		pl.round = round;
		plan_findings(&pl, more, opts);
		if (plan->n_changes == before)
			break;
	}
	ctx->diags.n = diags;
	if (plan->n_changes)
		qsort(plan->changes, plan->n_changes, sizeof(*plan->changes), cmp_change);
	if (plan->n_files)
		qsort(plan->files, plan->n_files, sizeof(*plan->files), cmp_file);
	return ctx->oom ? -1 : 0;
}
