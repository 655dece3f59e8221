# Sourced helpers to run a throw-away PostgreSQL 15 on loopback for live and differential tests (bash).
#   pg_bin                     the directory holding initdb, pg_ctl, postgres, psql (PG_MAJOR, default 15)
#   pg_free_port               prints a free TCP port on 127.0.0.1
#   pg_init DIR                creates DIR (owned by postgres) and a cluster in DIR/data (trust auth, user postgres);
#                              0, or 1 with initdb's log on stderr
#   pg_start DIR PORT [ARG...] starts the server on DIR/data, socket in DIR/sock, listening on 127.0.0.1:PORT, extra
#                              postgres arguments appended (e.g. -c shared_preload_libraries=pg_stat_statements);
#                              initdb's it first when DIR/data does not exist; waits until it accepts connections;
#                              0, or 1 with the server log on stderr
#   pg_stop DIR                stops the server (fast, then immediate); always safe, also when it never started
#   pg_psql DIR SQL            runs SQL as postgres over the socket, unaligned tab-separated rows without headers
#   pg_as_postgres CMD...      runs CMD as the postgres user (PostgreSQL refuses to run as root)
#   pg_cleanup DIR             pg_stop DIR, then removes DIR
#   pg_trap_cleanup DIR...     installs EXIT/INT/TERM traps that clean the given dirs up (replaces earlier traps)
# Callers: dir=$(mktemp -d); pg_trap_cleanup "$dir"; pg_start "$dir" "$(pg_free_port)" || exit 1
# The server never listens beyond 127.0.0.1 and the host's configuration is never read.

PG_MAJOR=${PG_MAJOR:-15}

pg_bin() {
	echo "/usr/lib/postgresql/$PG_MAJOR/bin"
}

pg_as_postgres() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

pg_free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

pg_init() {
	local dir=$1 bin
	bin=$(pg_bin)
	if [ ! -x "$bin/initdb" ]; then
		echo "PostgreSQL $PG_MAJOR not found in $bin (apt-get install postgresql-$PG_MAJOR postgresql-contrib-$PG_MAJOR)" >&2
		return 1
	fi
	[ -f "$dir/data/PG_VERSION" ] && return 0
	mkdir -p "$dir/sock" || return 1
	chmod 755 "$dir" || return 1
	if [ "$(id -u)" -eq 0 ]; then
		chown postgres "$dir" "$dir/sock" || return 1
	fi
	if ! pg_as_postgres "$bin/initdb" -D "$dir/data" -U postgres -A trust --no-sync >"$dir/initdb.log" 2>&1; then
		echo "initdb failed:" >&2
		tail -n 30 "$dir/initdb.log" >&2
		return 1
	fi
}

pg_start() {
	local dir=$1 port=$2 bin
	shift 2
	bin=$(pg_bin)
	pg_init "$dir" || return 1
	: >"$dir/server.log" && chown postgres "$dir/server.log" 2>/dev/null
	if ! pg_as_postgres "$bin/pg_ctl" -D "$dir/data" -w -t 60 -l "$dir/server.log" start \
		-o "-p $port -k $dir/sock -c listen_addresses=127.0.0.1 $*" >/dev/null 2>&1; then
		echo "the PostgreSQL server did not start:" >&2
		tail -n 30 "$dir/server.log" >&2
		pg_stop "$dir"
		return 1
	fi
	echo "$port" >"$dir/port"
}

pg_stop() {
	local dir=$1 bin
	bin=$(pg_bin)
	[ -f "$dir/data/postmaster.pid" ] || return 0
	pg_as_postgres "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null 2>&1 ||
		pg_as_postgres "$bin/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop >/dev/null 2>&1
	return 0
}

pg_psql() {
	local dir=$1
	shift
	"$(pg_bin)/psql" -X -q -At -F "$(printf '\t')" -v ON_ERROR_STOP=1 -h "$dir/sock" -p "$(cat "$dir/port")" \
		-U postgres -d postgres -c "$*"
}

pg_cleanup() {
	local dir
	for dir in "$@"; do
		[ -n "$dir" ] && [ -d "$dir" ] || continue
		pg_stop "$dir"
		rm -rf "$dir"
	done
}

pg_trap_cleanup() {
	# shellcheck disable=SC2064 # the dirs are expanded now, on purpose
	trap "pg_cleanup $(printf '%q ' "$@")" EXIT
	trap 'exit 1' INT TERM
}
