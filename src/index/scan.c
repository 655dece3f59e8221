/* Finding the schema files of a repository and loading them in migration order. The walker (with its ignore
 * rules and size limit) runs with a loader table of our own that only records which files exist, in a scratch
 * context; the files are then sorted the way the migration tools order them and read into the real one. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "index_internal.h"
#include "stacktune/loaders.h"

enum kind { K_NONE, K_PRISMA, K_PRISMA_MIGRATION, K_GOLANG, K_FLYWAY, K_NUMBERED, K_MIGRATIONS_DIR };

struct sfile {
	const char *path, *dir, *group; /* group: the directory whose files are ordered together */
	enum kind kind;
	int64_t v[4]; /* version parts */
	int width;    /* digits of the first version part as written */
};

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Reads up to 4 dot/underscore-separated numbers at s; returns the bytes used (0 = none). */
static size_t version(const char *s, int64_t v[4], int *width)
{
	size_t i = 0;
	int k = 0;
	*width = 0;
	while (k < 4 && isdigit((unsigned char)s[i])) {
		int64_t x = 0;
		size_t a = i;
		while (isdigit((unsigned char)s[i])) {
			if (x < INT64_MAX / 10 - 10)
				x = x * 10 + (s[i] - '0');
			i++;
		}
		if (k == 0)
			*width = (int)(i - a);
		v[k++] = x;
		if ((s[i] == '.' || s[i] == '_') && isdigit((unsigned char)s[i + 1]))
			i++; /* Flyway V1_1__ / V1.1__ */
		else
			break;
	}
	return k ? i : 0;
}

static int has_segment(const char *path, const char *seg)
{
	size_t n = strlen(seg);
	for (const char *p = path; (p = strstr(p, seg)) != NULL; p += n)
		if ((p == path || p[-1] == '/') && p[n] == '/')
			return 1;
	return 0;
}

static enum kind classify(const char *path, const char *name, int64_t v[4], int *width)
{
	memset(v, 0, 4 * sizeof(*v));
	*width = 0;
	if (ends_with(name, ".prisma"))
		return K_PRISMA;
	if (!ends_with(name, ".sql") || ends_with(name, ".down.sql") || ends_with(name, "_down.sql"))
		return K_NONE;
	if (strcmp(name, "migration.sql") == 0 && has_segment(path, "migrations"))
		return K_PRISMA_MIGRATION;
	if (name[0] == 'V' && version(name + 1, v, width)) {
		size_t u = version(name + 1, v, width);
		if (strncmp(name + 1 + u, "__", 2) == 0)
			return K_FLYWAY;
	}
	size_t u = version(name, v, width);
	if (u && (name[u] == '_' || name[u] == '-' || name[u] == '.')) {
		if (ends_with(name, ".up.sql"))
			return K_GOLANG;
		return K_NUMBERED;
	}
	if (has_segment(path, "migrations") || has_segment(path, "migrate"))
		return K_MIGRATIONS_DIR;
	return K_NONE;
}

static enum st_match ix_match(const char *path, const char *name, const char *head, size_t head_len)
{
	(void)head;
	(void)head_len;
	int64_t v[4];
	int w;
	return classify(path, name, v, &w) != K_NONE ? ST_MATCH_YES : ST_MATCH_NO;
}

static int ix_record(struct st_ctx *ctx, const struct st_file *f)
{
	const char *n = st_arena_printf(&ctx->arena, "ixfile.%s", f->path);
	return n && st_fact_set(ctx, n, NULL, st_value_string(""), NULL, ST_LAYER_FILE) ? 0 : -1;
}

static const struct st_loader ix_loaders[] = {
    {.name = "index-schema", .phase = ST_PHASE_APP, .match = ix_match, .load = ix_record},
};

static int cmp_files(const void *a, const void *b)
{
	const struct sfile *x = a, *y = b;
	int c = strcmp(x->group, y->group);
	if (c)
		return c;
	for (int i = 0; i < 4; i++)
		if (x->v[i] != y->v[i])
			return x->v[i] < y->v[i] ? -1 : 1;
	return strcmp(x->path, y->path);
}

static const char *dir_of(struct st_ctx *ctx, const char *path)
{
	const char *sl = strrchr(path, '/');
	return sl ? st_arena_strndup(&ctx->arena, path, (size_t)(sl - path)) : "";
}

int st_ix_schema_scan(struct st_ctx *ctx, const char *root, size_t max_file_size, int no_ignore,
                      struct st_ix_schema *s)
{
	struct st_ctx tmp;
	st_ctx_init(&tmp);
	tmp.root = root;
	struct st_walk_opts wo = {.max_file_size = max_file_size, .no_ignore = no_ignore};
	struct st_walk_stats stats;
	if (st_walk_with(&tmp, root, &wo, ix_loaders, 1, &stats) < 0) {
		for (size_t i = 0; i < tmp.diags.n; i++)
			if (tmp.diags.items[i].severity == ST_SEV_ERROR)
				st_diag(ctx, ST_SEV_ERROR, NULL, "%s", tmp.diags.items[i].message);
		st_ctx_free(&tmp);
		return -1;
	}
	size_t n = 0;
	const struct st_fact_entry **es = st_fact_sorted(&tmp, &n);
	struct sfile *files = st_arena_alloc(&ctx->arena, (n + 1) * sizeof(*files));
	if (!files || (n && !es)) {
		st_ctx_free(&tmp);
		return ctx->oom = 1, -1;
	}
	size_t nf = 0;
	for (size_t i = 0; i < n; i++) {
		if (strncmp(es[i]->name, "ixfile.", 7) != 0)
			continue;
		struct sfile *f = &files[nf];
		f->path = st_arena_strdup(&ctx->arena, es[i]->name + 7);
		if (!f->path)
			break;
		const char *sl = strrchr(f->path, '/');
		f->kind = classify(f->path, sl ? sl + 1 : f->path, f->v, &f->width);
		f->dir = dir_of(ctx, f->path);
		f->group = f->dir;
		if (f->kind == K_PRISMA_MIGRATION) {
			/* prisma/migrations/20240101000000_init/migration.sql: ordered by the directory's timestamp */
			const char *d = strrchr(f->dir, '/');
			version(d ? d + 1 : f->dir, f->v, &f->width);
			f->group = dir_of(ctx, f->dir);
		}
		nf++;
	}
	st_ctx_free(&tmp);
	if (ctx->oom)
		return -1;
	qsort(files, nf, sizeof(*files), cmp_files);

	/* the convention: the directory holding the most migrations */
	const char *best = NULL;
	size_t best_n = 0;
	for (size_t i = 0; i < nf; i++) {
		if (files[i].kind != K_GOLANG && files[i].kind != K_FLYWAY && files[i].kind != K_NUMBERED)
			continue;
		size_t c = 0;
		for (size_t k = 0; k < nf; k++)
			c += strcmp(files[k].dir, files[i].dir) == 0;
		if (c > best_n) {
			best_n = c;
			best = files[i].dir;
		}
	}
	s->convention = ST_IX_PLAIN;
	s->version_width = 4;
	if (best) {
		s->migrations_dir = best;
		for (size_t i = 0; i < nf; i++) {
			if (strcmp(files[i].dir, best) != 0)
				continue;
			if (files[i].kind == K_GOLANG)
				s->convention = ST_IX_GOLANG_MIGRATE;
			else if (files[i].kind == K_FLYWAY && s->convention == ST_IX_PLAIN)
				s->convention = ST_IX_FLYWAY;
			if (files[i].v[0] >= s->last_version) {
				s->last_version = files[i].v[0];
				if (files[i].width)
					s->version_width = files[i].width;
			}
		}
	}

	int rc = 0;
	for (size_t i = 0; i < nf && !ctx->oom; i++) {
		struct sfile *f = &files[i];
		if (f->kind == K_PRISMA) {
			/* prisma migrate's SQL, when present, is what the database has: the models would repeat it */
			const char *mig = st_arena_printf(&ctx->arena, "%s%smigrations/", f->dir, *f->dir ? "/" : "");
			int has_sql = 0;
			for (size_t k = 0; mig && k < nf; k++)
				has_sql |= files[k].kind == K_PRISMA_MIGRATION && strncmp(files[k].path, mig, strlen(mig)) == 0;
			if (has_sql)
				continue;
		}
		struct st_file sf;
		if (st_file_read(ctx, f->path, NULL, &sf) < 0) {
			rc = -1;
			continue;
		}
		if (f->kind == K_PRISMA)
			st_ix_prisma_load(ctx, s, f->path, sf.data, sf.size);
		else if (st_ix_sql_is_mysql(sf.data))
			st_ix_mysql_load(ctx, s, f->path, sf.data);
		else
			st_ix_sql_load(ctx, s, f->path, sf.data);
	}
	(void)rc; /* unreadable files have their diagnostics; the others still count */
	return ctx->oom ? -1 : 0;
}
