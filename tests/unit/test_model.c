/* model: components from facts, defaults, memory budget, connection demand (with PgBouncer in between). */
#include <string.h>

#include "../tap.h"
#include "stacktune/model.h"

static struct st_ctx ctx;

static void set_int(const char *name, const char *comp, int64_t v, const char *file, unsigned line)
{
	struct st_origin o = st_origin_file(file, line, 1);
	st_fact_set(&ctx, name, comp, st_value_int(v), &o, ST_LAYER_FILE);
}

static void set_str(const char *name, const char *comp, const char *v)
{
	struct st_origin o = st_origin_file("docker-compose.yml", 1, 1);
	st_fact_set(&ctx, name, comp, st_value_string(v), &o, ST_LAYER_FILE);
}

static int64_t get_int(const char *name)
{
	const struct st_fact *f = st_fact_get(&ctx, name);
	return f && (f->value.kind == ST_VAL_INT || f->value.kind == ST_VAL_SIZE) ? f->value.i : -1;
}

static const struct st_component *find(const struct st_stack *s, const char *id)
{
	for (size_t i = 0; i < s->n_components; i++)
		if (strcmp(s->components[i].id, id) == 0)
			return &s->components[i];
	return NULL;
}

int main(void)
{
	/* the Go + GORM field report: 3 replicas x SetMaxOpenConns(100) against max_connections 100 */
	st_ctx_init(&ctx);
	struct st_origin po = {.kind = ST_ORIGIN_PROFILE, .file = "profiles/4c8g.ini", .line = 3};
	st_fact_set(&ctx, "host.memory", NULL, st_value_size(8LL << 30), &po, ST_LAYER_PROFILE);
	st_fact_set(&ctx, "host.cpus", NULL, st_value_int(4), &po, ST_LAYER_PROFILE);
	set_str("postgres.kind", "postgres", "postgresql");
	set_int("postgres.max_connections", "postgres", 100, "docker-compose.yml", 11);
	set_int("backend.go.pool.max_open", "backend", 100, "internal/database/database.go", 25);
	set_str("backend.go.driver", "backend", "postgres");
	set_int("backend.replicas", "backend", 3, "docker-compose.yml", 30);
	struct st_stack s;
	ok(st_stack_build(&ctx, NULL, &s) == 0, "stack builds");
	is_int(s.n_components, 2, "two components: server and Go service");
	const struct st_component *be = find(&s, "backend");
	ok(be && strcmp(be->kind, "go") == 0 && strcmp(be->prefix, "backend") == 0, "Go component from its pool fact");
	is_int(get_int("postgres.usable_connections"), 97, "usable = 100 - 3 reserved (assumed default)");
	is_int(get_int("backend.connections"), 300, "3 replicas x 100");
	is_int(get_int("postgres.connection_demand"), 300, "demand on the server");
	const struct st_fact *d = st_fact_get(&ctx, "postgres.connection_demand");
	ok(d && d->origin.kind == ST_ORIGIN_COMPUTED && d->n_from == 1, "demand is computed from the client term");
	ok(d && d->n_from && d->from[0]->n_from >= 2, "the client term cites replicas and pool");
	is_int(get_int("backend.memory"), 3LL * 64 << 20, "Go memory: 3 x 64MB assumed");
	is_int(get_int("postgres.memory_budget"), (8LL << 30) - (3LL * 64 << 20), "budget = host less the app");
	st_ctx_free(&ctx);

	/* unlimited pool: SetMaxOpenConns never called */
	st_ctx_init(&ctx);
	set_str("db.kind", "db", "postgresql");
	set_int("db.max_connections", "db", 50, "postgresql.conf", 1);
	set_int("api.go.pool.max_open", "api", 0, "main.go", 9);
	st_stack_build(&ctx, NULL, &s);
	const struct st_fact *u = st_fact_get(&ctx, "db.connection_demand_unlimited");
	ok(u && u->value.kind == ST_VAL_BOOL && u->value.i, "unlimited pool is flagged");
	st_ctx_free(&ctx);

	/* Prisma through PgBouncer: clients count on PgBouncer, the server sees PgBouncer's pools */
	st_ctx_init(&ctx);
	set_str("postgres.kind", "postgres", "postgresql");
	set_int("postgres.max_connections", "postgres", 100, "postgresql.conf", 2);
	set_str("pgbouncer.kind", "pgbouncer", "pgbouncer");
	set_int("pgbouncer.default_pool_size", "pgbouncer", 20, "pgbouncer.ini", 5);
	set_int("pgbouncer.reserve_pool_size", "pgbouncer", 5, "pgbouncer.ini", 6);
	set_int("pgbouncer.max_db_connections", "pgbouncer", 40, "pgbouncer.ini", 7);
	set_str("pgbouncer.databases.app.host", "pgbouncer", "postgres");
	set_int("backend.prisma.pool.max", "backend", 10, "backend/.env", 1);
	set_str("backend.prisma.provider", "backend", "postgresql");
	struct st_origin eo = st_origin_file("backend/.env", 1, 1);
	st_fact_set(&ctx, "backend.prisma.pgbouncer", "backend", st_value_bool(1), &eo, ST_LAYER_FILE);
	set_int("backend.replicas", "backend", 2, "docker-compose.yml", 8);
	st_stack_build(&ctx, NULL, &s);
	is_int(get_int("pgbouncer.client_demand"), 20, "2 x 10 client connections on PgBouncer");
	is_int(get_int("postgres.connection_demand"), 25, "server sees pool 20 + reserve 5 (under max_db_connections 40)");
	ok(st_fact_get(&ctx, "postgres.connection_demand") != NULL && get_int("postgres.usable_connections") == 97,
	   "and accepts 97");
	st_ctx_free(&ctx);

	/* MySQL defaults come from the variables table, marked assumed */
	st_ctx_init(&ctx);
	set_str("mysql.kind", "mysql", "mariadb");
	st_stack_build(&ctx, NULL, &s);
	const struct st_fact *m = st_fact_get(&ctx, "mysql.max_connections");
	ok(m && m->value.i == 151 && m->origin.kind == ST_ORIGIN_DEFAULT, "MariaDB max_connections 151, assumed");
	m = st_fact_get(&ctx, "mysql.innodb_buffer_pool_size");
	ok(m && m->value.kind == ST_VAL_SIZE && m->value.i == 128LL << 20, "buffer pool default 128MB as a size");
	st_ctx_free(&ctx);
	return done_testing();
}
