/* MySQL / MariaDB DDL into the schema model: a careful scanner, not a parser. It reads CREATE TABLE (PRIMARY
 * KEY, KEY/INDEX, UNIQUE, FULLTEXT/SPATIAL, FOREIGN KEY, inline PRIMARY KEY/UNIQUE on a column), CREATE INDEX,
 * ALTER TABLE ADD/DROP INDEX|KEY|PRIMARY KEY|FOREIGN KEY|CONSTRAINT, DROP INDEX ... ON, DROP TABLE; other
 * statements are skipped. Backticks, quotes and the three comment styles are honoured. InnoDB gives a foreign key
 * an index of its own when no index leads with its columns, so the model adds that index (it backs the key and
 * is never planned away); an inline REFERENCES on a column is ignored, as InnoDB ignores it. */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "index_internal.h"

/* st_ix_index.constraint of the index InnoDB creates for a foreign key (non-zero: never planned away) */
#define IMPLICIT_FK 2

struct tok {
	const char *p; /* text (an identifier without its quotes) */
	size_t n;
	char kind; /* 'w' word or identifier, 'p' punctuation, 's' string, 'n' number */
	unsigned line, col;
};

struct scan {
	struct st_ctx *ctx;
	struct st_ix_schema *s;
	const char *path;
	struct tok *t;
	size_t n, cap, i, end; /* tokens; cursor; end of the current statement */
};

static int push(struct scan *sc, struct tok t)
{
	if (ix_grow(sc->ctx, (void **)&sc->t, &sc->cap, sc->n, sizeof(*sc->t)) < 0)
		return -1;
	sc->t[sc->n++] = t;
	return 0;
}

static int tokenize(struct scan *sc, const char *sql)
{
	unsigned line = 1, col = 1;
	const char *p = sql;
	while (*p) {
		const char *start = p;
		unsigned l0 = line, c0 = col;
		if (*p == '\n') {
			p++;
		} else if (isspace((unsigned char)*p)) {
			p++;
		} else if ((p[0] == '-' && p[1] == '-' && (isspace((unsigned char)p[2]) || !p[2])) || *p == '#') {
			while (*p && *p != '\n')
				p++;
		} else if (p[0] == '/' && p[1] == '*') {
			p += 2;
			while (*p && !(p[0] == '*' && p[1] == '/'))
				p++;
			if (*p)
				p += 2;
		} else if (*p == '`' || *p == '"' || *p == '\'') {
			char q = *p++;
			const char *b = p;
			while (*p && !(*p == q && p[1] != q)) {
				if (*p == '\\' && q == '\'' && p[1])
					p++;
				else if (*p == q)
					p++; /* a doubled quote */
				p++;
			}
			struct tok t = {.p = b, .n = (size_t)(p - b), .kind = q == '\'' ? 's' : 'w', .line = l0, .col = c0};
			if (*p)
				p++;
			if (push(sc, t) < 0)
				return -1;
		} else if (isalnum((unsigned char)*p) || *p == '_' || *p == '$' || (unsigned char)*p >= 0x80) {
			while (isalnum((unsigned char)*p) || *p == '_' || *p == '$' || (unsigned char)*p >= 0x80 || *p == '.')
				p++;
			if (push(sc, (struct tok){.p = start, .n = (size_t)(p - start), .kind = 'w', .line = l0, .col = c0}) < 0)
				return -1;
		} else {
			p++;
			if (push(sc, (struct tok){.p = start, .n = 1, .kind = 'p', .line = l0, .col = c0}) < 0)
				return -1;
		}
		for (const char *q = start; q < p; q++) {
			if (*q == '\n') {
				line++;
				col = 1;
			} else {
				col++;
			}
		}
	}
	return 0;
}

static int is(const struct scan *sc, size_t i, const char *word)
{
	return i < sc->end && sc->t[i].kind == 'w' && strlen(word) == sc->t[i].n &&
	       strncasecmp(sc->t[i].p, word, sc->t[i].n) == 0;
}

static int punct(const struct scan *sc, size_t i, char c)
{
	return i < sc->end && sc->t[i].kind == 'p' && sc->t[i].p[0] == c;
}

static const char *text(struct scan *sc, size_t i)
{
	const char *r = i < sc->end ? st_arena_strndup(&sc->ctx->arena, sc->t[i].p, sc->t[i].n) : NULL;
	if (i < sc->end && !r)
		sc->ctx->oom = 1;
	return r;
}

/* The table name at i ("db.t" keeps the last part: one schema per migration set). */
static const char *table_at(struct scan *sc, size_t i)
{
	const char *t = text(sc, i);
	if (!t)
		return NULL;
	if (punct(sc, i + 1, '.') && i + 2 < sc->end)
		return text(sc, i + 2);
	const char *dot = strrchr(t, '.');
	return dot ? dot + 1 : t;
}

static struct st_origin at(struct scan *sc, size_t i)
{
	const struct tok *t = &sc->t[i < sc->n ? i : sc->n - 1];
	return st_origin_file(sc->path, t->line, t->col);
}

/* Skips a balanced (...) starting at i; returns the index after it. */
static size_t skip_parens(const struct scan *sc, size_t i)
{
	int depth = 0;
	for (; i < sc->end; i++) {
		if (punct(sc, i, '('))
			depth++;
		else if (punct(sc, i, ')') && --depth <= 0)
			return i + 1;
	}
	return i;
}

/* Reads "(a, b(10) DESC, (expr))" at i into cols; sets *expr for prefix lengths and functional parts.
 * Returns the index after ")". */
static size_t key_parts(struct scan *sc, size_t i, const char ***cols, size_t *n, int *expr)
{
	*n = 0;
	*cols = st_arena_alloc(&sc->ctx->arena, (sc->end - i + 1) * sizeof(**cols));
	if (!*cols || !punct(sc, i, '(')) {
		if (!*cols)
			sc->ctx->oom = 1;
		return i;
	}
	size_t close = skip_parens(sc, i);
	for (size_t k = i + 1; k + 1 < close;) {
		if (punct(sc, k, '(')) { /* a functional key part */
			*expr = 1;
			(*cols)[(*n)++] = "(expr)";
			k = skip_parens(sc, k);
		} else {
			const char *c = text(sc, k);
			int desc = 0;
			k++;
			if (punct(sc, k, '(')) { /* a prefix length */
				*expr = 1;
				k = skip_parens(sc, k);
			}
			if (is(sc, k, "DESC"))
				desc = 1;
			if (is(sc, k, "ASC") || is(sc, k, "DESC"))
				k++;
			if (c)
				(*cols)[(*n)++] = desc ? st_arena_printf(&sc->ctx->arena, "%s DESC", c) : c;
		}
		while (k + 1 < close && !punct(sc, k, ','))
			k++;
		k++;
	}
	return close;
}

static struct st_ix_index *find(struct st_ix_schema *s, const char *table, const char *name)
{
	for (size_t i = s->n_indexes; i-- > 0;)
		if (!s->indexes[i].dropped && s->indexes[i].name && strcasecmp(s->indexes[i].table, table) == 0 &&
		    strcasecmp(s->indexes[i].name, name) == 0)
			return &s->indexes[i];
	return NULL;
}

/* MySQL names an unnamed index after its first column, then col_2, col_3... */
static const char *default_name(struct scan *sc, const char *table, const char *col)
{
	const char *sp = strchr(col, ' ');
	const char *base = sp ? st_arena_strndup(&sc->ctx->arena, col, (size_t)(sp - col)) : col;
	if (!base || !find(sc->s, table, base))
		return base;
	for (int k = 2; k < 1000; k++) {
		const char *c = st_arena_printf(&sc->ctx->arena, "%s_%d", base, k);
		if (!c || !find(sc->s, table, c))
			return c;
	}
	return base;
}

static void add_index(struct scan *sc, const char *table, const char *name, size_t at_tok, const char **cols,
                      size_t n, int unique, int primary, int expr, const char *method)
{
	if (!table || !n)
		return;
	struct st_ix_index *x = ix_add_index(sc->ctx, sc->s);
	if (!x)
		return;
	x->table = table;
	x->name = primary ? "PRIMARY" : name ? name : default_name(sc, table, cols[0]);
	x->cols = cols;
	x->n_cols = n;
	x->unique = unique || primary;
	x->primary = primary;
	x->expression = expr;
	x->method = method;
	x->origin = at(sc, at_tok);
	/* InnoDB silently drops its own foreign-key index once another index leads with the key's columns */
	for (size_t i = 0; !method && i + 1 < sc->s->n_indexes; i++) {
		struct st_ix_index *o = &sc->s->indexes[i];
		if (o->dropped || o->constraint != IMPLICIT_FK || o->n_cols > n || strcasecmp(o->table, table) != 0)
			continue;
		size_t k = 0;
		while (k < o->n_cols && strcasecmp(o->cols[k], cols[k]) == 0)
			k++;
		if (k == o->n_cols)
			o->dropped = 1;
	}
}

/* A foreign key; InnoDB adds an index when none leads with its columns (named after the key). */
static void add_fk(struct scan *sc, const char *table, const char *name, size_t at_tok, const char **cols, size_t n,
                   const char *ref)
{
	if (!table || !n)
		return;
	struct st_ix_fk *fk = ix_add_fk(sc->ctx, sc->s);
	if (!fk)
		return;
	fk->name = name;
	fk->table = table;
	fk->cols = cols;
	fk->n_cols = n;
	fk->ref_table = ref;
	fk->origin = at(sc, at_tok);
	for (size_t i = 0; i < sc->s->n_indexes; i++) {
		const struct st_ix_index *x = &sc->s->indexes[i];
		if (x->dropped || x->method || x->n_cols < n || strcasecmp(x->table, table) != 0)
			continue;
		size_t k = 0;
		while (k < n && strcasecmp(x->cols[k], cols[k]) == 0)
			k++;
		if (k == n)
			return;
	}
	add_index(sc, table, name, at_tok, cols, n, 0, 0, 0, NULL);
	if (!sc->ctx->oom)
		sc->s->indexes[sc->s->n_indexes - 1].constraint = IMPLICIT_FK; /* kept, like a constraint's index */
}

/* One index or key definition at i (after ADD, or inside CREATE TABLE); returns 1 when it was one. */
static int key_def(struct scan *sc, const char *table, size_t i)
{
	const char *cname = NULL;
	size_t start = i;
	if (is(sc, i, "CONSTRAINT")) {
		i++;
		if (!is(sc, i, "PRIMARY") && !is(sc, i, "UNIQUE") && !is(sc, i, "FOREIGN") && !is(sc, i, "CHECK"))
			cname = text(sc, i++);
	}
	int unique = 0, primary = 0, fk = 0, expr = 0;
	const char *method = NULL;
	if (is(sc, i, "PRIMARY") && is(sc, i + 1, "KEY")) {
		primary = 1;
		i += 2;
	} else if (is(sc, i, "UNIQUE")) {
		unique = 1;
		i++;
	} else if (is(sc, i, "FULLTEXT") || is(sc, i, "SPATIAL")) {
		method = is(sc, i, "FULLTEXT") ? "fulltext" : "spatial";
		i++;
	} else if (is(sc, i, "FOREIGN") && is(sc, i + 1, "KEY")) {
		fk = 1;
		i += 2;
	} else if (!is(sc, i, "KEY") && !is(sc, i, "INDEX")) {
		return 0;
	}
	if (is(sc, i, "KEY") || is(sc, i, "INDEX"))
		i++;
	const char *name = cname;
	if (!punct(sc, i, '(') && !is(sc, i, "USING") && i < sc->end)
		name = text(sc, i++); /* the index name wins over the constraint name */
	if (is(sc, i, "USING"))
		i += 2;
	const char **cols;
	size_t n;
	i = key_parts(sc, i, &cols, &n, &expr);
	if (fk) {
		const char *ref = is(sc, i, "REFERENCES") ? table_at(sc, i + 1) : NULL;
		add_fk(sc, table, cname ? cname : name, start, cols, n, ref);
	} else {
		add_index(sc, table, primary ? NULL : name, start, cols, n, unique, primary, expr, method);
	}
	return 1;
}

/* The index just after the top-level comma at or after i; sc->end when none. */
static size_t next_item(const struct scan *sc, size_t i, size_t close)
{
	int depth = 0;
	for (; i < close; i++) {
		if (punct(sc, i, '('))
			depth++;
		else if (punct(sc, i, ')'))
			depth--;
		else if (depth == 0 && punct(sc, i, ','))
			return i + 1;
	}
	return close;
}

static void create_table(struct scan *sc, size_t i)
{
	if (is(sc, i, "IF"))
		i += 3;
	const char *table = table_at(sc, i);
	size_t name_tok = i;
	while (i < sc->end && !punct(sc, i, '('))
		i++;
	if (!table || i >= sc->end)
		return;
	for (size_t k = 0; k < sc->s->n_tables; k++)
		if (!sc->s->tables[k].dropped && strcasecmp(sc->s->tables[k].name, table) == 0)
			sc->s->tables[k].dropped = 1;
	struct st_ix_table *t = ix_add_table(sc->ctx, sc->s);
	if (!t)
		return;
	t->name = table;
	t->origin = at(sc, name_tok);
	size_t close = skip_parens(sc, i) - 1;
	for (size_t k = i + 1; k < close; k = next_item(sc, k, close)) {
		if (key_def(sc, table, k))
			continue;
		/* a column: inline PRIMARY KEY / UNIQUE [KEY] make an index */
		const char *col = text(sc, k);
		size_t e = next_item(sc, k, close);
		for (size_t w = k + 1; col && w < e; w++) {
			const char **cols = st_arena_alloc(&sc->ctx->arena, sizeof(*cols));
			if (!cols)
				return (void)(sc->ctx->oom = 1);
			cols[0] = col;
			if (is(sc, w, "PRIMARY") && is(sc, w + 1, "KEY"))
				add_index(sc, table, NULL, w, cols, 1, 1, 1, 0, NULL);
			else if (is(sc, w, "UNIQUE"))
				add_index(sc, table, col, w, cols, 1, 1, 0, 0, NULL);
		}
	}
}

static void alter_table(struct scan *sc, size_t i)
{
	if (is(sc, i, "ONLINE") || is(sc, i, "IGNORE"))
		i++;
	if (!is(sc, i, "TABLE"))
		return;
	i++;
	if (is(sc, i, "IF"))
		i += 2;
	const char *table = table_at(sc, i);
	i += punct(sc, i + 1, '.') ? 3 : 1;
	for (size_t k = i; table && k < sc->end; k = next_item(sc, k, sc->end)) {
		if (is(sc, k, "ADD")) {
			size_t d = k + 1;
			if (is(sc, d, "COLUMN"))
				continue;
			if (is(sc, d, "IF"))
				d += 3;
			key_def(sc, table, d);
		} else if (is(sc, k, "DROP") && (is(sc, k + 1, "INDEX") || is(sc, k + 1, "KEY"))) {
			size_t d = k + 2;
			if (is(sc, d, "IF"))
				d += 2;
			const char *name = text(sc, d);
			struct st_ix_index *x = name ? find(sc->s, table, name) : NULL;
			if (x)
				x->dropped = 1;
		} else if (is(sc, k, "DROP") && is(sc, k + 1, "PRIMARY")) {
			struct st_ix_index *x = find(sc->s, table, "PRIMARY");
			if (x)
				x->dropped = 1;
		}
	}
}

static void statement(struct scan *sc, size_t i)
{
	if (is(sc, i, "CREATE")) {
		i++;
		if (is(sc, i, "OR") && is(sc, i + 1, "REPLACE"))
			i += 2;
		if (is(sc, i, "TEMPORARY"))
			return;
		if (is(sc, i, "TABLE")) {
			create_table(sc, i + 1);
			return;
		}
		int unique = is(sc, i, "UNIQUE");
		const char *method = is(sc, i, "FULLTEXT") ? "fulltext" : is(sc, i, "SPATIAL") ? "spatial" : NULL;
		if (unique || method)
			i++;
		if (!is(sc, i, "INDEX"))
			return;
		size_t start = i++;
		if (is(sc, i, "IF"))
			i += 3;
		const char *name = text(sc, i++);
		if (is(sc, i, "USING"))
			i += 2;
		if (!is(sc, i, "ON"))
			return;
		const char *table = table_at(sc, i + 1);
		i += punct(sc, i + 2, '.') ? 4 : 2;
		const char **cols;
		size_t n;
		int expr = 0;
		key_parts(sc, i, &cols, &n, &expr);
		add_index(sc, table, name, start - (unique || method), cols, n, unique, 0, expr, method);
	} else if (is(sc, i, "ALTER")) {
		alter_table(sc, i + 1);
	} else if (is(sc, i, "DROP") && is(sc, i + 1, "INDEX")) {
		const char *name = text(sc, i + 2);
		if (is(sc, i + 3, "ON")) {
			const char *table = table_at(sc, i + 4);
			struct st_ix_index *x = name && table ? find(sc->s, table, name) : NULL;
			if (x)
				x->dropped = 1;
		}
	} else if (is(sc, i, "DROP") && is(sc, i + 1, "TABLE")) {
		for (size_t k = i + 2; k < sc->end; k++) {
			if (is(sc, k, "IF") || is(sc, k, "EXISTS") || punct(sc, k, ',') || punct(sc, k, '.'))
				continue;
			const char *t = table_at(sc, k);
			for (size_t x = 0; t && x < sc->s->n_tables; x++)
				if (strcasecmp(sc->s->tables[x].name, t) == 0)
					sc->s->tables[x].dropped = 1;
			for (size_t x = 0; t && x < sc->s->n_indexes; x++)
				if (strcasecmp(sc->s->indexes[x].table, t) == 0)
					sc->s->indexes[x].dropped = 1;
			for (size_t x = 0; t && x < sc->s->n_fks; x++)
				if (strcasecmp(sc->s->fks[x].table, t) == 0)
					sc->s->fks[x].table = ""; /* gone with its table */
		}
	}
}

int st_ix_mysql_load(struct st_ctx *ctx, struct st_ix_schema *s, const char *path, const char *sql)
{
	struct scan sc = {.ctx = ctx, .s = s, .path = path};
	s->mysql = 1;
	s->n_files++;
	if (tokenize(&sc, sql) < 0)
		return -1;
	for (size_t i = 0; i < sc.n && !ctx->oom;) {
		size_t e = i;
		while (e < sc.n && !(sc.t[e].kind == 'p' && sc.t[e].p[0] == ';'))
			e++;
		sc.end = e;
		if (e > i)
			statement(&sc, i);
		i = e + 1;
	}
	return ctx->oom ? -1 : 0;
}

int st_ix_sql_is_mysql(const char *sql)
{
	if (strchr(sql, '`'))
		return 1;
	for (const char *p = sql; *p; p++) {
		if ((*p == 'E' || *p == 'e') && strncasecmp(p, "ENGINE", 6) == 0) {
			const char *q = p + 6;
			while (*q == ' ' || *q == '\t')
				q++;
			if (*q == '=')
				return 1;
		}
		if ((*p == 'A' || *p == 'a') && strncasecmp(p, "AUTO_INCREMENT", 14) == 0)
			return 1;
	}
	return 0;
}
