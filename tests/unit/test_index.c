/* index room: SQL migrations through libpg_query, Prisma models, the plan rules, names, quoting, rendering. */
#include <stdlib.h>
#include <string.h>

#include "stacktune/index.h"
#include "tap.h"

static const struct st_ix_index *find_index(const struct st_ix_schema *s, const char *name)
{
	for (size_t i = 0; i < s->n_indexes; i++)
		if (s->indexes[i].name && strcmp(s->indexes[i].name, name) == 0)
			return &s->indexes[i];
	return NULL;
}

static size_t count_rule(const struct st_findings *f, const char *rule)
{
	size_t n = 0;
	for (size_t i = 0; i < f->n; i++)
		n += strcmp(f->items[i].rule, rule) == 0;
	return n;
}

static const struct st_finding *first_rule(const struct st_findings *f, const char *rule)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->items[i].rule, rule) == 0)
			return &f->items[i];
	return NULL;
}

static void test_sql_model(void)
{
	struct st_ctx ctx;
	st_ctx_init(&ctx);
	struct st_ix_schema s = {0};
	const char *m1 = "CREATE TABLE public.users (id bigserial PRIMARY KEY, email text NOT NULL UNIQUE);\n"
	                 "CREATE TABLE orders (\n"
	                 "  id bigint GENERATED ALWAYS AS IDENTITY,\n"
	                 "  user_id bigint NOT NULL REFERENCES users(id),\n"
	                 "  shop_id int, region text,\n"
	                 "  PRIMARY KEY (id),\n"
	                 "  CONSTRAINT orders_shop_fk FOREIGN KEY (shop_id, region) REFERENCES shops (id, region),\n"
	                 "  UNIQUE (region, id)\n"
	                 ");\n"
	                 "CREATE INDEX ON orders (lower(region));\n"
	                 "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS orders_open ON orders (user_id) INCLUDE (id) "
	                 "WHERE region IS NOT NULL;\n";
	is_int(st_ix_sql_load(&ctx, &s, "db/001_init.up.sql", m1), 0, "migration 1 parses");
	is_int(s.n_tables, 2, "two tables");
	is_str(s.tables[0].name, "users", "public. is dropped from table names");
	is_int(s.n_fks, 2, "an inline and a table foreign key");
	is_str(s.fks[0].table, "orders", "inline FK table");
	is_str(s.fks[0].cols[0], "user_id", "inline FK column");
	is_str(s.fks[0].ref_table, "users", "inline FK parent");
	is_int(s.fks[0].origin.line, 4, "inline FK line");
	is_int(s.fks[1].n_cols, 2, "table FK has two columns");
	is_str(s.fks[1].name, "orders_shop_fk", "table FK name");
	ok(find_index(&s, "users_pkey") && find_index(&s, "users_pkey")->primary, "column PK index named users_pkey");
	ok(find_index(&s, "users_email_key") && find_index(&s, "users_email_key")->unique, "UNIQUE column: users_email_key");
	ok(find_index(&s, "orders_pkey") != NULL, "table PRIMARY KEY (id)");
	ok(find_index(&s, "orders_region_id_key") != NULL, "table UNIQUE (region, id)");
	const struct st_ix_index *e = find_index(&s, "orders_lower_idx");
	ok(e && e->expression, "an expression index is marked");
	const struct st_ix_index *p = find_index(&s, "orders_open");
	ok(p && p->partial && p->include && p->unique && p->concurrently, "partial, INCLUDE, UNIQUE, CONCURRENTLY");
	is_int(s.n_notes, 0, "indexes on tables created in the same file are not flagged");

	const char *m2 = "BEGIN;\n"
	                 "CREATE INDEX CONCURRENTLY orders_region ON orders (region);\n"
	                 "COMMIT;\n"
	                 "CREATE INDEX orders_user ON orders (user_id);\n"
	                 "ALTER TABLE orders ADD CONSTRAINT orders_users FOREIGN KEY (user_id) REFERENCES users (id);\n"
	                 "ALTER TABLE orders ADD CONSTRAINT orders_users2 FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\n"
	                 "DROP INDEX IF EXISTS orders_open;\n";
	is_int(st_ix_sql_load(&ctx, &s, "db/002_more.up.sql", m2), 0, "migration 2 parses");
	struct st_findings f = {0};
	struct st_ix_plan plan = {0};
	is_int(st_ix_plan(&ctx, &s, &f, &plan), 0, "plan runs");
	const struct st_finding *tx = first_rule(&f, "migration-concurrent-in-transaction");
	ok(tx && tx->severity == ST_SEV_ERROR && tx->locations[0].line == 2, "CONCURRENTLY inside BEGIN: error at line 2");
	const struct st_finding *nc = first_rule(&f, "migration-index-not-concurrent");
	ok(nc && nc->locations[0].line == 4 && nc->locations[0].col == 1, "a plain CREATE INDEX on an existing table: 4:1");
	is_int(count_rule(&f, "migration-fk-validating"), 1, "one FK without NOT VALID (the NOT VALID one passes)");
	is_int(count_rule(&f, "migration-no-lock-timeout"), 1, "no lock_timeout, once per file");
	ok(find_index(&s, "orders_open")->dropped, "DROP INDEX marks it dropped");
	/* shops(id, region) FK: no index leads with (shop_id, region) */
	const struct st_finding *fk = first_rule(&f, "index-fk-unindexed");
	ok(fk && strstr(fk->message, "orders(shop_id, region)"), "the composite FK is unindexed");
	is_int(count_rule(&f, "index-fk-unindexed"), 1, "user_id is covered by orders_user");
	st_ctx_free(&ctx);
}

static void test_syntax_error(void)
{
	struct st_ctx ctx;
	st_ctx_init(&ctx);
	struct st_ix_schema s = {0};
	is_int(st_ix_sql_load(&ctx, &s, "m.sql", "CREATE TABLE a (id int);\nCREATE TABLEX b;\n"), -1, "a syntax error fails");
	ok(ctx.diags.n == 1 && ctx.diags.items[0].origin.line == 2 && ctx.diags.items[0].origin.col == 8,
	   "diagnostic at 2:8");
	ok(ctx.diags.n == 1 && strstr(ctx.diags.items[0].message, "syntax error"), "it says syntax error");
	st_ctx_free(&ctx);
}

static void test_redundant(void)
{
	struct st_ctx ctx;
	st_ctx_init(&ctx);
	struct st_ix_schema s = {0};
	const char *m = "CREATE TABLE t (id int PRIMARY KEY, a int REFERENCES p, b int, c int, code text UNIQUE);\n"
	                "CREATE INDEX t_a ON t (a);\n"
	                "CREATE INDEX t_a_b ON t (a, b);\n"
	                "CREATE INDEX t_a_b_copy ON t (a, b);\n"
	                "CREATE INDEX t_code ON t (code);\n"
	                "CREATE INDEX t_b_part ON t (b) WHERE c > 0;\n"
	                "CREATE INDEX t_b_c ON t (b, c);\n"
	                "CREATE INDEX t_id ON t (id);\n"
	                "CREATE INDEX t_c_desc ON t (c DESC);\n"
	                "CREATE INDEX t_c ON t (c);\n";
	is_int(st_ix_sql_load(&ctx, &s, "m.sql", m), 0, "parses");
	struct st_findings f = {0};
	struct st_ix_plan plan = {0};
	st_ix_plan(&ctx, &s, &f, &plan);
	int drops[16] = {0};
	const char *names[] = {"t_a", "t_a_b", "t_a_b_copy", "t_code", "t_b_part", "t_b_c", "t_id", "t_c_desc", "t_c"};
	for (size_t i = 0; i < plan.n; i++)
		for (size_t k = 0; k < 9; k++)
			if (strncmp(plan.actions[i].slug, "drop_", 5) == 0 && strcmp(plan.actions[i].name, names[k]) == 0)
				drops[k]++;
	is_int(drops[0], 1, "t_a: a left prefix of t_a_b");
	is_int(drops[1], 0, "t_a_b: kept (the first of two copies)");
	is_int(drops[2], 1, "t_a_b_copy: a duplicate");
	is_int(drops[3], 1, "t_code duplicates the UNIQUE constraint's index");
	is_int(drops[4], 0, "a partial index is never dropped");
	is_int(drops[5], 0, "t_b_c: nothing covers it");
	is_int(drops[6], 1, "t_id duplicates the primary key");
	is_int(drops[7], 0, "t_c_desc: (c DESC) is not the same as (c)");
	is_int(drops[8], 0, "t_c: kept, nothing with (c) leads");
	is_int(count_rule(&f, "index-fk-unindexed"), 0, "the FK on a is covered by t_a_b");
	const struct st_ix_action *a0 = NULL;
	for (size_t i = 0; i < plan.n; i++)
		if (strcmp(plan.actions[i].name, "t_a") == 0)
			a0 = &plan.actions[i];
	ok(a0 && strcmp(a0->up, "DROP INDEX CONCURRENTLY IF EXISTS t_a;") == 0, "drop statement");
	ok(a0 && strcmp(a0->down, "CREATE INDEX CONCURRENTLY IF NOT EXISTS t_a ON t (a);") == 0, "its down rebuilds it");
	st_ctx_free(&ctx);
}

static void test_fk_backing_kept(void)
{
	struct st_ctx ctx;
	st_ctx_init(&ctx);
	struct st_ix_schema s = {0};
	/* two copies backing one FK: one goes, the other stays */
	const char *m = "CREATE TABLE c (id int, pid int REFERENCES p);\nCREATE INDEX c1 ON c (pid);\nCREATE INDEX c2 ON c (pid);\n";
	st_ix_sql_load(&ctx, &s, "m.sql", m);
	struct st_findings f = {0};
	struct st_ix_plan plan = {0};
	st_ix_plan(&ctx, &s, &f, &plan);
	is_int(plan.n, 1, "one action");
	ok(plan.n == 1 && strcmp(plan.actions[0].name, "c2") == 0, "the later copy is dropped, c1 keeps backing the FK");
	st_ctx_free(&ctx);
}

static void test_prisma(void)
{
	struct st_ctx ctx;
	st_ctx_init(&ctx);
	struct st_ix_schema s = {0};
	const char *src = "datasource db {\n  provider = \"postgresql\"\n  url = env(\"DATABASE_URL\")\n  relationMode = \"prisma\"\n}\n"
	                  "model User {\n  id Int @id @default(autoincrement())\n  email String @unique\n  posts Post[]\n}\n"
	                  "model Post {\n  id Int @id\n  authorId Int @map(\"author_id\")\n"
	                  "  author User @relation(\"authored\", fields: [authorId], references: [id])\n"
	                  "  editorId Int?\n  editor User? @relation(fields: [editorId], references: [id])\n"
	                  "  tag String\n  // model Fake { }\n\n  @@index([editorId(sort: Desc), tag])\n  @@map(\"posts\")\n}\n";
	is_int(st_ix_prisma_load(&ctx, &s, "prisma/schema.prisma", src, strlen(src)), 0, "prisma loads");
	is_int(s.n_tables, 2, "two models");
	is_str(s.tables[1].name, "posts", "@@map names the table");
	is_int(s.n_fks, 2, "two relations");
	is_str(s.fks[0].cols[0], "author_id", "@map names the column");
	is_str(s.fks[0].ref_table, "User", "the parent model's table");
	is_int(s.fks[0].origin.line, 14, "relation line");
	ok(find_index(&s, "User_email_key") != NULL, "@unique -> User_email_key");
	ok(find_index(&s, "posts_editorId_tag_idx") != NULL, "@@index -> posts_editorId_tag_idx");
	struct st_findings f = {0};
	struct st_ix_plan plan = {0};
	st_ix_plan(&ctx, &s, &f, &plan);
	is_int(count_rule(&f, "index-fk-unindexed"), 1, "authorId has no index; editorId leads @@index");
	ok(plan.n == 1 && strcmp(plan.actions[0].up, "CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_posts_author_id ON posts (author_id);") == 0,
	   "planned index");
	st_ctx_free(&ctx);
}

static void test_names(void)
{
	struct st_ctx ctx;
	st_ctx_init(&ctx);
	const char *p1[] = {"idx", "Order", "userId"};
	is_str(st_ix_name(&ctx, p1, 3), "idx_order_userid", "lower case, joined by _");
	const char *p2[] = {"idx", "a_really_long_table_name_that_goes_on_and_on", "and_a_column_that_is_long_too"};
	const char *n2 = st_ix_name(&ctx, p2, 3);
	is_int(strlen(n2), 63, "cut to 63 bytes");
	ok(strncmp(n2, "idx_a_really_long_table_name_that_goes_on_and_on_and_a_", 54) == 0 && n2[54] == '_',
	   "54 bytes, then _ and the hash");
	const char *p3[] = {"idx", "a_really_long_table_name_that_goes_on_and_on", "and_a_column_that_is_long_too2"};
	ok(strcmp(n2, st_ix_name(&ctx, p3, 3)) != 0, "names that share 54 bytes still differ");
	is_str(st_ix_name(&ctx, p2, 3), n2, "deterministic");
	struct st_buf b = {0};
	st_ix_quote(&b, "users");
	st_buf_putc(&b, ' ');
	st_ix_quote(&b, "Order");
	st_buf_putc(&b, ' ');
	st_ix_quote(&b, "user");
	st_buf_putc(&b, ' ');
	st_ix_quote(&b, "we\"ird");
	is_str(st_buf_cstr(&b), "users \"Order\" \"user\" \"we\"\"ird\"", "quoting");
	st_buf_free(&b);
	st_ctx_free(&ctx);
}

static void test_render(void)
{
	struct st_ctx ctx;
	st_ctx_init(&ctx);
	struct st_ix_schema s = {0};
	s.convention = ST_IX_GOLANG_MIGRATE;
	s.last_version = 7;
	s.version_width = 3;
	st_ix_sql_load(&ctx, &s, "m/001_a.up.sql", "CREATE TABLE c (id int, pid int REFERENCES p);\n");
	struct st_findings f = {0};
	struct st_ix_plan plan = {0};
	st_ix_plan(&ctx, &s, &f, &plan);
	struct st_ix_file *files;
	size_t n;
	is_int(st_ix_render(&ctx, &s, &plan, &files, &n), 0, "renders");
	is_int(n, 2, "an up and a down file");
	is_str(files[0].name, "008_stacktune_create_idx_c_pid.up.sql", "golang-migrate numbering continues");
	is_str(files[1].name, "008_stacktune_create_idx_c_pid.down.sql", "down file");
	ok(strstr(files[0].text, "-- why: foreign key c(pid) -> p has no index") != NULL, "why comment");
	ok(strstr(files[0].text, "[index-fk-unindexed, m/001_a.up.sql:1:33]") != NULL, "rule and location");
	ok(strstr(files[1].text, "\nDROP INDEX CONCURRENTLY IF EXISTS idx_c_pid;\n") != NULL, "down statement");
	s.convention = ST_IX_FLYWAY;
	st_ix_render(&ctx, &s, &plan, &files, &n);
	is_str(files[0].name, "V8__stacktune_create_idx_c_pid.sql", "Flyway versioned");
	is_str(files[1].name, "U8__stacktune_create_idx_c_pid.sql", "Flyway undo");
	const char **stmts;
	unsigned *lines;
	size_t ns;
	is_int(st_ix_split(&ctx, "x.sql", "-- c\nSELECT 1;\n\n/* k */ SELECT ';'\n;", &stmts, &lines, &ns), 0, "split");
	ok(ns == 2 && strcmp(stmts[0], "SELECT 1") == 0 && strcmp(stmts[1], "SELECT ';'") == 0, "statements trimmed");
	ok(ns == 2 && lines[0] == 2 && lines[1] == 4, "their lines");
	st_ctx_free(&ctx);
}

static void test_audit_hook(void)
{
	struct st_ctx ctx;
	st_ctx_init(&ctx);
	ctx.root = "../examples/go-gorm-postgres";
	struct st_findings f = {0};
	is_int(st_ix_audit(&ctx, ctx.root, 0, 0, &f), 0, "the audit hook scans the Go + GORM example");
	is_int(count_rule(&f, "index-fk-unindexed"), 2, "two unindexed foreign keys");
	is_int(count_rule(&f, "index-redundant"), 1, "one left-prefix index");
	is_int(count_rule(&f, "index-duplicate"), 1, "one duplicate of a unique constraint");
	is_int(count_rule(&f, "migration-index-not-concurrent"), 5, "five plain builds on existing tables");
	const struct st_finding *r = first_rule(&f, "index-redundant");
	ok(r && strcmp(r->locations[0].file, "migrations/001_init.up.sql") == 0 && r->locations[0].line == 72,
	   "located at migrations/001_init.up.sql:72");
	st_ctx_free(&ctx);
}

/* A schema from SQL, then dressed as a live catalog with statistics. */
static void live_schema(struct st_ctx *ctx, struct st_ix_schema *s, const char *sql)
{
	st_ix_sql_load(ctx, s, "live.sql", sql);
	s->server = "db:5432";
	s->stats_age_s = 8 * 86400;
	s->min_stats_age_s = 7 * 86400;
	s->min_table_scans = 100;
	s->seqscan_min_bytes = 64LL << 20;
	s->seqscan_min_scans = 100;
	for (size_t i = 0; i < s->n_tables; i++) {
		s->tables[i].live = 1;
		s->tables[i].seq_scan = 10;
		s->tables[i].idx_scan = 500;
		s->tables[i].bytes = 8192;
	}
	for (size_t i = 0; i < s->n_indexes; i++) {
		s->indexes[i].live = 1;
		s->indexes[i].scans = 50;
		s->indexes[i].origin = (struct st_origin){.kind = ST_ORIGIN_LIVE, .file = "db:5432", .detail = "pg_index"};
		s->indexes[i].definition = st_arena_printf(&ctx->arena, "CREATE %sINDEX %s ON public.%s USING btree (%s)",
		                                           s->indexes[i].unique ? "UNIQUE " : "", s->indexes[i].name,
		                                           s->indexes[i].table, s->indexes[i].cols[0]);
	}
}

static struct st_ix_index *index_named(struct st_ix_schema *s, const char *name)
{
	return (struct st_ix_index *)find_index(s, name);
}

static void test_live_invalid(void)
{
	struct st_ctx ctx;
	st_ctx_init(&ctx);
	struct st_ix_schema s = {0};
	live_schema(&ctx, &s,
	            "CREATE TABLE p (id int PRIMARY KEY);\nCREATE TABLE c (id int, pid int REFERENCES p, k int);\n"
	            "CREATE INDEX c_pid ON c (pid);\nCREATE UNIQUE INDEX c_k ON c (k);\n");
	index_named(&s, "c_pid")->invalid = 1;
	index_named(&s, "c_k")->invalid = 1;
	struct st_findings f = {0};
	struct st_ix_plan plan = {0};
	st_ix_plan(&ctx, &s, &f, &plan);
	is_int(count_rule(&f, "index-invalid"), 2, "two INVALID indexes reported");
	is_int(count_rule(&f, "index-fk-unindexed"), 1, "an INVALID index does not cover the foreign key");
	ok(first_rule(&f, "index-invalid") && first_rule(&f, "index-invalid")->locations[0].kind == ST_ORIGIN_LIVE,
	   "the finding points at the live server");
	const struct st_ix_action *drop = NULL, *recreate = NULL;
	for (size_t i = 0; i < plan.n; i++) {
		if (strcmp(plan.actions[i].slug, "drop_invalid_c_k") == 0)
			drop = &plan.actions[i];
		if (strcmp(plan.actions[i].slug, "recreate_c_k") == 0)
			recreate = &plan.actions[i];
	}
	ok(drop && recreate && drop < recreate, "the INVALID unique index is dropped, then built again");
	is_str(drop ? drop->up : NULL, "DROP INDEX CONCURRENTLY IF EXISTS c_k;", "drop statement");
	is_str(recreate ? recreate->up : NULL, "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS c_k ON public.c USING btree (k);",
	       "the live definition, built online");
	ok(recreate && strstr(recreate->why, "duplicate keys"), "the why warns that a UNIQUE build fails on duplicates");
	is_int(count_rule(&f, "index-unused"), 0, "an INVALID index is not also reported unused");
	st_ctx_free(&ctx);
}

static void test_live_unused(void)
{
	const char *sql = "CREATE TABLE p (id int PRIMARY KEY);\nCREATE TABLE c (id int PRIMARY KEY, pid int REFERENCES p, "
	                  "a int, b int, u int);\nCREATE INDEX c_pid ON c (pid);\nCREATE INDEX c_a ON c (a);\n"
	                  "CREATE UNIQUE INDEX c_u ON c (u);\n";
	struct {
		const char *what;
		int64_t age, table_reads;
		size_t want;
	} cases[] = {
	    {"8 days of statistics, a table read 510 times: c_a is unused", 8 * 86400, 500, 1},
	    {"1 day of statistics: not judged", 86400, 500, 0},
	    {"a table read 20 times: not judged", 8 * 86400, 10, 0},
	};
	for (size_t t = 0; t < sizeof(cases) / sizeof(cases[0]); t++) {
		struct st_ctx ctx;
		st_ctx_init(&ctx);
		struct st_ix_schema s = {0};
		live_schema(&ctx, &s, sql);
		s.stats_age_s = cases[t].age;
		for (size_t i = 0; i < s.n_tables; i++)
			s.tables[i].idx_scan = cases[t].table_reads;
		for (size_t i = 0; i < s.n_indexes; i++)
			s.indexes[i].scans = 0; /* nothing scanned: only c_a may go */
		struct st_findings f = {0};
		struct st_ix_plan plan = {0};
		st_ix_plan(&ctx, &s, &f, &plan);
		is_int(count_rule(&f, "index-unused"), cases[t].want, "%s", cases[t].what);
		if (cases[t].want) {
			const struct st_finding *x = first_rule(&f, "index-unused");
			ok(x && strstr(x->message, "index c_a on c"), "the unused index is c_a (not the PK, the unique index, "
			                                              "nor c_pid that backs the foreign key)");
			ok(plan.n == 1 && strcmp(plan.actions[0].up, "DROP INDEX CONCURRENTLY IF EXISTS c_a;") == 0 &&
			       strcmp(plan.actions[0].down,
			              "CREATE INDEX CONCURRENTLY IF NOT EXISTS c_a ON public.c USING btree (a);") == 0,
			   "dropped, and the down file builds the live definition again");
		}
		st_ctx_free(&ctx);
	}
}

static void test_live_redundant_keeps(void)
{
	struct st_ctx ctx;
	st_ctx_init(&ctx);
	struct st_ix_schema s = {0};
	/* (a) is scanned but redundant with (a, b), which no query uses yet: (a) goes, (a, b) takes its queries */
	live_schema(&ctx, &s, "CREATE TABLE c (id int, a int, b int);\nCREATE INDEX c_a ON c (a);\n"
	                      "CREATE INDEX c_a_b ON c (a, b);\n");
	index_named(&s, "c_a_b")->scans = 0;
	struct st_findings f = {0};
	struct st_ix_plan plan = {0};
	st_ix_plan(&ctx, &s, &f, &plan);
	is_int(count_rule(&f, "index-redundant"), 1, "c_a is redundant");
	is_int(count_rule(&f, "index-unused"), 0, "c_a_b, which takes over c_a's queries, is not dropped as unused");
	is_int(plan.n, 1, "one action");
	st_ctx_free(&ctx);
}

static void test_live_seqscan(void)
{
	struct st_ctx ctx;
	st_ctx_init(&ctx);
	struct st_ix_schema s = {0};
	live_schema(&ctx, &s, "CREATE TABLE big (id int, v int);\nCREATE TABLE small (id int);\n");
	for (size_t i = 0; i < s.n_tables; i++) {
		s.tables[i].seq_scan = 1000;
		s.tables[i].seq_tup_read = 1000000000;
		s.tables[i].idx_tup_fetch = 10;
		s.tables[i].bytes = strcmp(s.tables[i].name, "big") == 0 ? 1LL << 30 : 1LL << 20;
	}
	struct st_findings f = {0};
	struct st_ix_plan plan = {0};
	st_ix_plan(&ctx, &s, &f, &plan);
	is_int(count_rule(&f, "index-seqscan-heavy"), 1, "only the large table is reported");
	const struct st_finding *x = first_rule(&f, "index-seqscan-heavy");
	ok(x && x->severity == ST_SEV_INFO && strstr(x->message, "table big (1.0 GB)"), "an info finding on big");
	is_int(plan.n, 0, "no automatic index");
	is_int(plan.n_proposals, 1, "one proposal");
	struct st_ix_file *files;
	size_t n;
	st_ix_render(&ctx, &s, &plan, &files, &n);
	ok(n == 1 && strcmp(files[0].name, "stacktune_proposals.sql") == 0, "rendered as stacktune_proposals.sql");
	int only_comments = n == 1;
	for (const char *l = n ? files[0].text : ""; only_comments && *l; l = strchr(l, '\n') + 1) {
		only_comments = *l == '\n' || strncmp(l, "--", 2) == 0;
		if (!strchr(l, '\n'))
			break;
	}
	ok(only_comments, "the proposals file holds comments only: nothing in it runs");
	st_ctx_free(&ctx);
}

static void test_mysql(void)
{
	struct st_ctx ctx;
	st_ctx_init(&ctx);
	struct st_ix_schema s = {0};
	const char *m = "CREATE TABLE `p` (`id` int NOT NULL AUTO_INCREMENT, PRIMARY KEY (`id`)) ENGINE=InnoDB;\n"
	                "CREATE TABLE c (id int PRIMARY KEY, pid int, a int, b varchar(9), # x (y\n"
	                "  KEY c_a (a), KEY c_ba (b(4), a), UNIQUE KEY (b), KEY c_b_desc (b DESC),\n"
	                "  CONSTRAINT c_p FOREIGN KEY (pid) REFERENCES p (id)) ENGINE=InnoDB;\n"
	                "ALTER TABLE c ADD INDEX c_pid (pid), ALGORITHM=INPLACE, LOCK=NONE;\n"
	                "CREATE INDEX c_a_copy ON c (a);\n";
	ok(st_ix_sql_is_mysql(m) && !st_ix_sql_is_mysql("CREATE TABLE t (id int); -- engine"), "MySQL DDL is told apart");
	is_int(st_ix_mysql_load(&ctx, &s, "m.sql", m), 0, "scans");
	ok(s.mysql, "the schema is marked MySQL");
	const struct st_ix_index *x = find_index(&s, "PRIMARY");
	ok(x && x->primary && strcmp(x->table, "p") == 0, "PRIMARY KEY of p");
	x = find_index(&s, "c_p");
	ok(x && x->dropped, "InnoDB's own index for c_p goes once c_pid leads with pid");
	x = find_index(&s, "b");
	ok(x && x->unique, "an unnamed UNIQUE KEY is named after its column");
	x = find_index(&s, "c_ba");
	ok(x && x->expression && x->n_cols == 2, "a prefix length makes another index");
	x = find_index(&s, "c_a");
	ok(x && x->origin.line == 3 && x->origin.col == 3, "origin at the key definition, line 3 col 3");
	struct st_findings f = {0};
	struct st_ix_plan plan = {0};
	st_ix_plan(&ctx, &s, &f, &plan);
	is_int(count_rule(&f, "index-fk-unindexed"), 0, "InnoDB indexes foreign keys itself");
	is_int(count_rule(&f, "index-duplicate"), 1, "c_a_copy duplicates c_a");
	is_int(count_rule(&f, "index-redundant"), 0, "nothing else is redundant (b DESC, b(4): other indexes)");
	is_int(plan.n, 1, "one action");
	if (plan.n == 1) {
		is_str(plan.actions[0].up, "ALTER TABLE `c` DROP INDEX `c_a_copy`, ALGORITHM=INPLACE, LOCK=NONE;", "online drop");
		is_str(plan.actions[0].down, "ALTER TABLE `c` ADD INDEX `c_a_copy` (`a`), ALGORITHM=INPLACE, LOCK=NONE;",
		       "online add in the down file");
	}
	st_ctx_free(&ctx);
}

int main(void)
{
	test_audit_hook();
	test_sql_model();
	test_syntax_error();
	test_redundant();
	test_fk_backing_kept();
	test_prisma();
	test_names();
	test_render();
	test_live_invalid();
	test_live_unused();
	test_live_redundant_keeps();
	test_live_seqscan();
	test_mysql();
	return done_testing();
}
