#!/bin/bash
# Live benchmark: `stacktune facts --mysql DSN` against `mysqltuner` on the same throw-away MariaDB.
#   bench/live.sh [RUNS]   (default 10; needs mariadb-server, mysqltuner and the build in build/)
# Starts mariadbd on a free loopback port (tests/live/lib-mariadb.sh), loads a small table, then times both
# tools N runs each: farm-bench (paired, A/B ratio) when it is on PATH, else a `date +%s%N` loop with medians.
set -eu
cd "$(dirname "$0")/.."
runs=${1:-10}
exe=${STACKTUNE:-build/src/cli/stacktune}
[ -x "$exe" ] || { echo "build first: $exe not found" >&2; exit 1; }
command -v mysqltuner >/dev/null || { echo "mysqltuner not found (apt-get install mysqltuner)" >&2; exit 1; }
. tests/live/lib-mariadb.sh

work=$(mktemp -d)
maria=$work/maria
trap 'maria_cleanup "$maria"; rm -rf "$work"' EXIT
port=$(maria_free_port)
maria_install "$maria"
maria_start "$maria" "$port"
pw=bench-pw
maria_sql "$maria" "CREATE USER 'bench'@'%' IDENTIFIED BY '$pw'; GRANT ALL ON *.* TO 'bench'@'%';
	CREATE DATABASE app; USE app; CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(40));
	INSERT INTO t SELECT seq, CONCAT('row', seq) FROM seq_1_to_10000;"
mkdir -p "$work/empty"

a="$exe facts $work/empty --profile 4c8g --format json --mysql mysql://bench:$pw@127.0.0.1:$port/app"
b="mysqltuner --host 127.0.0.1 --port $port --user bench --pass $pw --forcemem 8192 --forceswap 1024 --nocolor --skipsize --skippassword"
echo "server: $(maria_sql "$maria" 'SELECT VERSION()') on 127.0.0.1:$port; $runs runs each"
if command -v farm-bench >/dev/null; then
	# shellcheck disable=SC2086
	farm-bench -n "$runs" --timeout 600 --vs "$b" -- $a
else
	median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
	for cmd in "$a" "$b"; do
		for i in $(seq "$runs"); do
			s=$(date +%s%N)
			$cmd >/dev/null 2>&1
			echo $((($(date +%s%N) - s) / 1000))
		done | median >"$work/m.$([ "$cmd" = "$a" ] && echo a || echo b)"
	done
	ma=$(cat "$work/m.a")
	mb=$(cat "$work/m.b")
	echo "stacktune facts --mysql: median ${ma} us"
	echo "mysqltuner:              median ${mb} us"
	awk -v a="$ma" -v b="$mb" 'BEGIN { printf "ratio stacktune / mysqltuner: %.3fx wall\n", a / b }'
fi
