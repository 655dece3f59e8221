/* Shadowed configuration: values written in the repository that never take effect because something read later
 * sets the same knob again. One pass over the fact store's override chains (chain[n-1] is effective), limited by
 * a table of the fact families where a chain means "read later by the same program":
 *   server settings of PostgreSQL, MySQL/MariaDB and PgBouncer components (postgresql.conf lines, includes,
 *   postgresql.auto.conf, compose -c / --flags, my.cnf, pgbouncer.ini), <app>.django.* (a later assignment in the
 *   module, or a settings module that imports the one that set it), <app>.gunicorn.* (config file < command
 *   line), env.<file>.<KEY> (a key written twice in one .env file).
 * Left out: ports and listen addresses (alternative start scripts and the port map build those chains), built-in
 * defaults, host, profile and stacktune's own options (not written in the repository), and chains whose
 * effective value is live (that is drift, reported by the live rules). Two files in the same layer count only
 * when one reading reaches both: an include chain (postgresql.conf's "included from"), or a `reads.<file>`
 * relation a loader recorded (a settings module importing another); unrelated files that happen to share a
 * component (dev/ and prod/ postgresql.conf) are alternatives, not overrides.
 * Facts:
 *   shadowed.<fact>   a later layer (postgresql.auto.conf, the service environment, the command line) overrides
 *                     file values with a different value: whoever edits the file changes nothing (warning);
 *   redefined.<fact>  a later line of the same reading (same file, an include, an importing settings module)
 *                     sets a different value: the earlier text is dead but the layering may be intended (info);
 *   shadowed.<component>.<option> also for a my.cnf option in a group the target server does not read.
 * Both cite the dead values' locations and the winner's (from = dead..., winner). Values equal to the
 * effective one are skipped: repeating a value misleads no one about what is in effect. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "model_internal.h"
#include "stacktune/loaders.h"

enum family { FAM_NONE = 0, FAM_PG, FAM_MYSQL, FAM_PGBOUNCER, FAM_DJANGO, FAM_GUNICORN, FAM_DOTENV };

/* Which component kinds' settings count, and the application infixes. */
static const struct {
	const char *kind; /* component kind (servers) */
	const char *infix; /* "<app>.<infix>.<setting>" (applications) */
	enum family fam;
} families[] = {
    {"postgresql", NULL, FAM_PG},   {"mysql", NULL, FAM_MYSQL},      {"mariadb", NULL, FAM_MYSQL},
    {"pgbouncer", NULL, FAM_PGBOUNCER}, {NULL, "django", FAM_DJANGO}, {NULL, "gunicorn", FAM_GUNICORN},
};

/* Settings left out: file locations a -c flag names (not a value someone tunes), ports/addresses, which
 * alternative scripts and published ports chain (the port map rules own those), and facts derived from another
 * setting (a cache's redis_db from its LOCATION), which would repeat that setting's finding. */
static const char *const excluded[] = {"config_file", "hba_file", "ident_file", "data_directory", "port",
                                       "listen_port", "listen_addr", "listen_addresses", "bind", "bind_address",
                                       "socket", "unix_socket_dir", "service", "wsgi", "settings_module", "redis_db", NULL};

static int is_excluded(const char *setting)
{
	for (const char *const *e = excluded; *e; e++)
		if (strcmp(*e, setting) == 0)
			return 1;
	return 0;
}

static int valid_var(const char *s)
{
	if (!*s || !(s[0] == '_' || isalpha((unsigned char)s[0])))
		return 0;
	for (const char *p = s; *p; p++)
		if (!(*p == '_' || isalnum((unsigned char)*p)))
			return 0;
	return 1;
}

/* The family of a chained fact, and where its display name starts. */
static enum family classify(const struct st_fact_entry *e, const struct st_stack *s, const char **display)
{
	const char *name = e->name;
	const struct st_fact *w = e->chain[e->n - 1];
	*display = name;
	if (strncmp(name, "env.", 4) == 0 && !w->component && w->origin.kind == ST_ORIGIN_FILE && w->origin.file) {
		size_t fl = strlen(w->origin.file);
		if (strncmp(name + 4, w->origin.file, fl) == 0 && name[4 + fl] == '.' && valid_var(name + 5 + fl) &&
		    st_dotenv_match(w->origin.file, NULL, NULL, 0) == ST_MATCH_YES) {
			*display = name + 5 + fl;
			return FAM_DOTENV;
		}
		return FAM_NONE;
	}
	/* applications: "<app>.<infix>.<setting>", whether or not a process made <app> a component */
	const char *dot = strchr(name, '.');
	for (size_t k = 0; dot && k < sizeof families / sizeof families[0]; k++) {
		size_t il = families[k].infix ? strlen(families[k].infix) : 0;
		if (il && strncmp(dot + 1, families[k].infix, il) == 0 && dot[1 + il] == '.')
			return is_excluded(strrchr(name, '.') + 1) ? FAM_NONE : families[k].fam;
	}
	for (size_t i = 0; i < s->n_components; i++) {
		const struct st_component *c = &s->components[i];
		const char *prefix = c->prefix ? c->prefix : c->id;
		size_t pl = strlen(prefix);
		if (strncmp(name, prefix, pl) != 0 || name[pl] != '.')
			continue;
		const char *rest = name + pl + 1;
		for (size_t k = 0; k < sizeof families / sizeof families[0]; k++) {
			if (families[k].kind) {
				if (!c->kind || strcmp(c->kind, families[k].kind) != 0 || strchr(rest, '.') || is_excluded(rest))
					continue;
				int known = families[k].fam == FAM_PG        ? st_pg_setting_find(rest) != NULL
				            : families[k].fam == FAM_MYSQL   ? st_mysql_var_find(rest) != NULL
				                                             : st_pgbouncer_setting_find(rest) != NULL;
				if (known)
					return families[k].fam;
			}
		}
	}
	return FAM_NONE;
}

/* The file a postgresql.conf reading started from: the first "included from" file, else the file itself. */
static size_t top_file(const struct st_origin *o, const char **top)
{
	const char *inc = o->detail ? strstr(o->detail, "included from ") : NULL;
	if (!inc) {
		*top = o->file;
		return strlen(o->file);
	}
	*top = inc + 14;
	return strcspn(*top, " ;)");
}

/* 1 when a loader recorded that reader reads file (fact reads.<file> holding reader). */
static int reads(const struct st_ctx *ctx, const char *reader, const char *file)
{
	char name[1024];
	size_t fl = strlen(file);
	if (fl + 7 > sizeof name)
		return 0;
	memcpy(name, "reads.", 6);
	memcpy(name + 6, file, fl + 1);
	const struct st_fact_entry *e = st_fact_entry(ctx, name);
	for (size_t i = 0; e && i < e->n; i++)
		if (e->chain[i]->value.kind == ST_VAL_STRING && e->chain[i]->value.text &&
		    strcmp(e->chain[i]->value.text, reader) == 0)
			return 1;
	return 0;
}

static int same_place(const struct st_origin *a, const struct st_origin *b)
{
	return a->line == b->line && a->col == b->col && strcmp(a->file, b->file) == 0;
}

/* Django split settings: the importing module wins only where it is the settings module in use. */
static const char IMPORTED[] = "it sets %s";

static int same_dir(const char *a, size_t al, const char *b)
{
	const char *sa = memrchr(a, '/', al), *sb = strrchr(b, '/');
	size_t da = sa ? (size_t)(sa - a) : 0, db = sb ? (size_t)(sb - b) : 0;
	return da == db && strncmp(a, b, da) == 0;
}

/* 1 when the compose service of w (its component) mounts the config file a reading started from. */
static int linked(const struct st_ctx *ctx, const char *top, size_t tl, const struct st_fact *w)
{
	char name[1024];
	if (!w->component || tl + 13 > sizeof name)
		return 0;
	memcpy(name, "link.config.", 12);
	memcpy(name + 12, top, tl);
	name[12 + tl] = '\0';
	const struct st_fact *l = st_fact_get(ctx, name);
	return l && l->value.kind == ST_VAL_STRING && l->value.text && strcmp(l->value.text, w->component) == 0;
}

/* Why w is read after a by the same program, or NULL when that is not known: the fact store merges what loaders
 * found for one component, so two files may be alternatives (dev/ and prod/ configs, two start scripts) rather
 * than one reading. The relation must be visible: one file, one include chain, postgresql.auto.conf beside the
 * config, a compose service that mounts the config and passes the flag, a command or module that names it. */
static const char *overrides_because(const struct st_ctx *ctx, enum family fam, const struct st_fact *a,
                                     const struct st_fact *w)
{
	const char *ta, *tw;
	size_t la = top_file(&a->origin, &ta), lw = top_file(&w->origin, &tw);
	int server = fam == FAM_PG || fam == FAM_MYSQL || fam == FAM_PGBOUNCER;
	if (w->layer > a->layer) {
		if (server && w->layer == ST_LAYER_AUTO_CONF && same_dir(ta, la, w->origin.file))
			return "postgresql.auto.conf (ALTER SYSTEM), read after the config file, sets %s";
		if (server && w->layer == ST_LAYER_ENVIRONMENT && linked(ctx, ta, la, w))
			return "the service environment, which overrides the file, sets %s";
		if (server && w->layer == ST_LAYER_COMMAND && linked(ctx, ta, la, w))
			return "the command line, which overrides the config file, sets %s";
		/* Gunicorn: config file < command line; the command must name the file (-c) */
		if (fam == FAM_GUNICORN && w->layer == ST_LAYER_COMMAND && reads(ctx, w->origin.file, a->origin.file))
			return "the command line, which overrides the config file, sets %s";
		return NULL;
	}
	if (w->layer != a->layer)
		return NULL;
	if (strcmp(a->origin.file, w->origin.file) == 0)
		return w->origin.line > a->origin.line ||
		               (w->origin.line == a->origin.line && w->origin.col > a->origin.col)
		           ? "a later line of the same file sets %s"
		           : NULL;
	if (la == lw && strncmp(ta, tw, la) == 0)
		return w->origin.detail && strstr(w->origin.detail, "included from ")
		           ? "a file included later sets %s"
		           : "a line read after the include sets %s";
	if (fam == FAM_DJANGO && reads(ctx, w->origin.file, a->origin.file))
		return IMPORTED;
	return NULL;
}

/* Same value for the program: secrets compare by their text, which is never shown. */
static int same_value(const struct st_value *a, const struct st_value *b)
{
	if (a->kind != b->kind)
		return 0;
	switch (a->kind) {
	case ST_VAL_INT:
	case ST_VAL_SIZE:
	case ST_VAL_DURATION:
	case ST_VAL_BOOL:
		return a->i == b->i;
	case ST_VAL_REAL:
		return a->r == b->r;
	default: {
		struct st_buf x = {0}, y = {0};
		if (a->secret || b->secret) {
			int eq = a->secret == b->secret && a->text && b->text && strcmp(a->text, b->text) == 0;
			return eq;
		}
		st_value_format(&x, a);
		st_value_format(&y, b);
		int eq = strcmp(st_buf_cstr(&x), st_buf_cstr(&y)) == 0;
		st_buf_free(&x);
		st_buf_free(&y);
		return eq;
	}
	}
}

static void where(struct st_buf *b, const struct st_origin *o)
{
	st_buf_printf(b, "%s:%u", o->file, o->line);
}

static struct st_fact *set_fact(struct st_ctx *ctx, const char *name, const char *msg, const char *detail,
                                const struct st_fact *const *from, size_t n_from)
{
	struct st_origin o = {.kind = ST_ORIGIN_COMPUTED, .detail = detail};
	struct st_fact *f = name && msg ? st_fact_set(ctx, name, NULL, st_value_string(msg), &o, ST_LAYER_DEFAULT) : NULL;
	const struct st_fact **keep = f ? st_arena_alloc(&ctx->arena, n_from * sizeof(*keep)) : NULL;
	if (!keep) {
		ctx->oom = 1;
		return f;
	}
	memcpy(keep, from, n_from * sizeof(*keep));
	f->from = keep;
	f->n_from = n_from;
	return f;
}

/* A URL's parts (<fact>.host, .port ...) chain with the URL itself: report the URL only. */
static int part_of_chained(const struct st_ctx *ctx, const char *name, const struct st_fact *w)
{
	const char *dot = strrchr(name, '.');
	char parent[1024];
	if (!dot || (size_t)(dot - name) >= sizeof parent)
		return 0;
	size_t pl = (size_t)(dot - name);
	memcpy(parent, name, pl);
	parent[pl] = '\0';
	if (pl > 6 && strcmp(parent + pl - 6, ".param") == 0)
		parent[pl - 6] = '\0';
	const struct st_fact_entry *p = st_fact_entry(ctx, parent);
	return p && p->n > 1 && same_place(&p->chain[p->n - 1]->origin, &w->origin);
}

#define MAX_DEAD 15

static void chain_pass(struct st_ctx *ctx, const struct st_stack *s, const struct st_fact_entry *e)
{
	const struct st_fact *w = e->chain[e->n - 1];
	if (w->origin.kind != ST_ORIGIN_FILE || !w->origin.file || w->value.kind == ST_VAL_NONE)
		return;
	const char *display;
	enum family fam = classify(e, s, &display);
	if (fam == FAM_NONE || part_of_chained(ctx, e->name, w))
		return;
	const struct st_fact *from[MAX_DEAD + 1];
	const char *why[MAX_DEAD];
	size_t n = 0, more = 0;
	int cross_layer = 0;
	for (size_t k = 0; k + 1 < e->n; k++) {
		const struct st_fact *a = e->chain[k];
		if (a->origin.kind != ST_ORIGIN_FILE || !a->origin.file || a->value.kind == ST_VAL_NONE ||
		    same_place(&a->origin, &w->origin) || same_value(&a->value, &w->value))
			continue;
		int dup = 0; /* a file read twice (alone and through an include) repeats its lines */
		for (size_t j = 0; j < n; j++)
			dup |= same_place(&from[j]->origin, &a->origin);
		const char *because = dup ? NULL : overrides_because(ctx, fam, a, w);
		if (!because)
			continue;
		if (n == MAX_DEAD) {
			more++;
			continue;
		}
		cross_layer |= w->layer > a->layer;
		why[n] = because;
		from[n++] = a;
	}
	if (!n)
		return;
	struct st_buf m = {0};
	st_buf_printf(&m, "%s = ", display);
	for (size_t k = 0; k < n; k++) {
		if (k)
			st_buf_puts(&m, k + 1 == n && !more ? " and " : ", ");
		st_value_format(&m, &from[k]->value);
		st_buf_puts(&m, " (");
		where(&m, &from[k]->origin);
		if (from[k]->origin.detail && fam == FAM_MYSQL)
			st_buf_printf(&m, " %s", from[k]->origin.detail);
		st_buf_puts(&m, ")");
	}
	if (more)
		st_buf_printf(&m, " and %zu more", more);
	if (why[n - 1] == IMPORTED)
		st_buf_printf(&m, " take%s no effect when the settings module that imports it is in use: ",
		              n + more > 1 ? "" : "s");
	else
		st_buf_printf(&m, " never take%s effect: ", n + more > 1 ? "" : "s");
	/* the reason of the last dead value is the one nearest the winner */
	struct st_buf wb = {0};
	st_value_format(&wb, &w->value);
	st_buf_puts(&wb, " (");
	where(&wb, &w->origin);
	st_buf_puts(&wb, ")");
	const char *slot = strstr(why[n - 1], "%s");
	st_buf_put(&m, why[n - 1], (size_t)(slot - why[n - 1]));
	st_buf_puts(&m, st_buf_cstr(&wb));
	st_buf_puts(&m, slot + 2);
	st_buf_puts(&m, ".");
	st_buf_free(&wb);
	if (cross_layer)
		st_buf_puts(&m, " Change the value where it takes effect, or remove the one that does not.");
	else if (why[n - 1] == IMPORTED)
		st_buf_puts(&m, " If no other settings module relies on the imported value, keep one.");
	else
		st_buf_puts(&m, " Remove the dead line, or merge the two.");
	from[n] = w;
	const char *fact = st_arena_printf(&ctx->arena, "%s.%s", cross_layer ? "shadowed" : "redefined", e->name);
	if (!m.failed)
		set_fact(ctx, fact, st_arena_strdup(&ctx->arena, st_buf_cstr(&m)), "overridden configuration", from, n + 1);
	else
		ctx->oom = 1;
	st_buf_free(&m);
}

/* my.cnf options of server groups the component's server does not read (fact mycnf.<path>.<group>.<option>,
 * origin detail "group [g] is not read by ..."): the server keeps its own value, from elsewhere or its default. */
static void unread_group(struct st_ctx *ctx, const struct st_fact_entry *e)
{
	if (strncmp(e->name, "mycnf.", 6) != 0)
		return;
	for (size_t k = 0; k < e->n; k++) {
		const struct st_fact *a = e->chain[k];
		const char *d = a->origin.detail;
		if (!a->component || a->origin.kind != ST_ORIGIN_FILE || !d || strncmp(d, "group [", 7) != 0 ||
		    !strstr(d, " is not read by "))
			continue;
		const char *opt = strrchr(e->name, '.');
		const struct st_mysql_var *var = opt ? st_mysql_var_find(opt + 1) : NULL;
		if (!var || a->value.secret)
			continue;
		const char *wn = st_arena_printf(&ctx->arena, "%s.%s", a->component, var->name);
		const struct st_fact *w = wn ? st_fact_get(ctx, wn) : NULL;
		struct st_buf m = {0};
		st_buf_printf(&m, "%s.%s = ", a->component, var->name);
		st_value_format(&m, &a->value);
		st_buf_puts(&m, " (");
		where(&m, &a->origin);
		st_buf_printf(&m, ") never takes effect: %s", d);
		const struct st_fact *from[2] = {a, w};
		if (w && w->origin.kind == ST_ORIGIN_FILE) {
			st_buf_printf(&m, ", and the server uses %s = ", var->name);
			st_value_format(&m, &w->value);
			st_buf_puts(&m, " (");
			where(&m, &w->origin);
			st_buf_puts(&m, ")");
		} else if (w) { /* a default has no place to cite; the message names it */
			st_buf_puts(&m, ", and the server keeps ");
			if (w->origin.kind == ST_ORIGIN_DEFAULT)
				st_buf_puts(&m, "its default, ");
			st_value_format(&m, &w->value);
			if (w->origin.kind == ST_ORIGIN_DEFAULT)
				st_buf_puts(&m, " (assumed)");
			w = NULL;
		}
		st_buf_printf(&m, ". Move it to [mysqld], or to a group the server reads.");
		const char *fact = st_arena_printf(&ctx->arena, "shadowed.%s.%s", a->component, var->name);
		if (!m.failed)
			set_fact(ctx, fact, st_arena_strdup(&ctx->arena, st_buf_cstr(&m)), "my.cnf group the server does not read",
			         from, w ? 2 : 1);
		else
			ctx->oom = 1;
		st_buf_free(&m);
	}
}

void st_model_shadowed(struct st_ctx *ctx, const struct st_stack *s)
{
	size_t n_all = 0;
	const struct st_fact_entry **all = st_fact_sorted(ctx, &n_all);
	for (size_t i = 0; all && i < n_all; i++) {
		if (all[i]->n > 1)
			chain_pass(ctx, s, all[i]);
		unread_group(ctx, all[i]);
	}
}
