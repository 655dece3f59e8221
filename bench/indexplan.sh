#!/bin/bash
# Index benchmark: `stacktune index plan --pg DSN` against `pg_dump --schema-only` of the same database.
#   bench/indexplan.sh [TABLES [RUNS]]   (default 5000 tables, 5 runs; needs postgresql-15 and a build)
# Starts a throw-away PostgreSQL 15 on a free loopback port (tests/live/lib-pg.sh) and creates TABLES tables with
# four indexes each (primary key, (a), (a, b), (c): TABLES x 4 indexes, a left-prefix index on every table) and a
# foreign key to the previous table without an index, so the plan has work to do: one unindexed foreign key and
# one redundant index per table. Then times both commands RUNS times each, interleaved, after a warm-up, with
# /usr/bin/time -v, and prints the medians of wall time and peak RSS and the ratios.
# STACKTUNE=path picks the binary (default build/src/cli/stacktune); BENCH_PG=DIR keeps and reuses the cluster.
set -eu
cd "$(dirname "$0")/.."
tables=${1:-5000}
runs=${2:-5}
exe=$(realpath "${STACKTUNE:-build/src/cli/stacktune}")
[ -x "$exe" ] || { echo "build first: $exe not found" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time not found (apt-get install time)" >&2; exit 1; }
. tests/live/lib-pg.sh
bin=$(pg_bin)

work=$(mktemp -d)
chmod 755 "$work" # the postgres user must reach the cluster inside
pg=${BENCH_PG:-$work/pg}
if [ -n "${BENCH_PG:-}" ]; then
	trap 'pg_stop "$pg"; rm -rf "$work"' EXIT
else
	trap 'pg_cleanup "$pg"; rm -rf "$work"' EXIT
fi
port=$(pg_free_port)
pg_start "$pg" "$port" -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_locks_per_transaction=256 ||
	exit 1
if [ "$(pg_psql "$pg" "SELECT count(*) FROM pg_class WHERE relname LIKE 'bench\_t%' AND relkind = 'r'")" != "$tables" ]; then
	echo "creating $tables tables with $((tables * 4)) indexes..." >&2
	s=$(date +%s)
	pg_psql "$pg" "DO \$\$
DECLARE i int;
BEGIN
  FOR i IN 1..$tables LOOP
    EXECUTE format('CREATE TABLE bench_t%s (id int PRIMARY KEY, parent_id int %s, a int, b int, c text)', i,
                   CASE WHEN i > 1 THEN format('REFERENCES bench_t%s', i - 1) ELSE '' END);
    EXECUTE format('CREATE INDEX bench_t%s_a ON bench_t%s (a)', i, i);
    EXECUTE format('CREATE INDEX bench_t%s_a_b ON bench_t%s (a, b)', i, i);
    EXECUTE format('CREATE INDEX bench_t%s_c ON bench_t%s (c)', i, i);
    IF i % 500 = 0 THEN COMMIT; END IF;
  END LOOP;
END\$\$" >/dev/null
	echo "created in $(($(date +%s) - s)) s" >&2
fi
counts=$(pg_psql "$pg" "SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
	WHERE n.nspname = 'public' AND c.relkind = 'r') || ' tables, ' || (SELECT count(*) FROM pg_index i JOIN pg_class c
	ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public') || ' indexes'")
dsn="postgresql://postgres@127.0.0.1:$port/postgres" # one word: the commands are split on spaces
mkdir -p "$work/empty"

a="$exe index plan $work/empty --pg $dsn --format json"
b="$bin/pg_dump --schema-only -h 127.0.0.1 -p $port -U postgres postgres"
# shellcheck disable=SC2086
one() { # one NAME CMD...: one timed run, "wall_seconds peak_rss_kib" appended to $work/NAME
	local name=$1
	shift
	/usr/bin/time -v "$@" >"$work/$name.stdout" 2>"$work/$name.time" || true
	awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); w = 0; for (i = 1; i <= n; i++) w = w * 60 + p[i] }
		/Maximum resident set size/ { r = $2 } END { print w, r }' "$work/$name.time" >>"$work/$name"
}
# shellcheck disable=SC2086
{
	one warm-a $a
	one warm-b $b
	for _ in $(seq "$runs"); do
		one a $a
		one b $b
	done
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
wa=$(cut -d' ' -f1 "$work/a" | median)
ra=$(cut -d' ' -f2 "$work/a" | median)
wb=$(cut -d' ' -f1 "$work/b" | median)
rb=$(cut -d' ' -f2 "$work/b" | median)
findings=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d["findings"]), "findings,", len(d["files"]), "files")' "$work/a.stdout")
dump=$(wc -c <"$work/b.stdout")
echo "server: PostgreSQL $(pg_psql "$pg" 'SHOW server_version') on 127.0.0.1:$port; $counts; $runs runs each"
echo "stacktune index plan --pg:  median wall ${wa} s, peak RSS $((ra / 1024)) MiB ($findings)"
echo "pg_dump --schema-only:      median wall ${wb} s, peak RSS $((rb / 1024)) MiB ($dump bytes of DDL)"
awk -v wa="$wa" -v wb="$wb" -v ra="$ra" -v rb="$rb" \
	'BEGIN { printf "ratio plan / pg_dump: %.2fx wall, %.2fx peak RSS\n", wa / wb, ra / rb }'
