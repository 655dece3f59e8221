# Sourced helpers to run a throw-away MariaDB on loopback for live and differential tests.
#   maria_free_port            prints a free TCP port on 127.0.0.1
#   maria_install DIR          creates DIR/data (system tables) once; reuse it across server starts
#   maria_start DIR PORT [OPTION...]
#                              starts mariadbd on DIR/data, socket DIR/sock, extra options appended last
#                              (use --defaults-file=F as the FIRST extra option to read a config file);
#                              waits until it answers ping; 0, or 1 with the server log on stderr
#   maria_stop DIR             shuts the server down (mariadb-admin, then TERM/KILL by pid); always safe
#   maria_sql DIR SQL          runs SQL as root over the socket, tab-separated output without headers
#   maria_cleanup DIR          stops the server and removes DIR
# The host's /etc/mysql is never read (--no-defaults or an explicit --defaults-file).
# Callers: DIR=$(mktemp -d); trap 'maria_cleanup "$DIR"' EXIT; maria_install "$DIR"; maria_start "$DIR" "$(maria_free_port)"

maria_free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

maria_install() {
	local dir=$1
	[ -d "$dir/data/mysql" ] && return 0
	mkdir -p "$dir/data" || return 1
	if ! mariadb-install-db --no-defaults --datadir="$dir/data" --user=root \
		--auth-root-authentication-method=normal --skip-test-db >"$dir/install.log" 2>&1; then
		echo "mariadb-install-db failed:" >&2
		tail -n 30 "$dir/install.log" >&2
		return 1
	fi
}

maria_start() {
	local dir=$1 port=$2
	shift 2
	local first=--no-defaults
	case "${1-}" in
	--defaults-file=*) first=$1; shift ;;
	esac
	: >"$dir/server.log"
	# its own tmpdir: the shared /tmp is cleaned by other programs while the server has temp tables there
	# ("Error on delete of '/tmp/#sql-temptable-...' (Errcode: 2)" was seen in CI)
	mkdir -p "$dir/tmp"
	mariadbd "$first" "$@" --datadir="$dir/data" --user=root --socket="$dir/sock" --port="$port" \
		--tmpdir="$dir/tmp" \
		--bind-address=127.0.0.1 --pid-file="$dir/server.pid" --log-error="$dir/server.log" \
		>>"$dir/server.log" 2>&1 </dev/null &
	echo $! >"$dir/server.bgpid"
	local i
	for i in $(seq 1 300); do
		if ! kill -0 "$(cat "$dir/server.bgpid")" 2>/dev/null; then
			wait "$(cat "$dir/server.bgpid")" 2>/dev/null
			rm -f "$dir/server.bgpid"
			return 1
		fi
		if mariadb-admin --no-defaults --protocol=socket --socket="$dir/sock" -uroot ping >/dev/null 2>&1; then
			return 0
		fi
		sleep 0.1
	done
	echo "mariadbd did not answer within 30 s" >&2
	maria_stop "$dir"
	return 1
}

maria_stop() {
	local dir=$1 pid=""
	[ -f "$dir/server.bgpid" ] && pid=$(cat "$dir/server.bgpid")
	[ -z "$pid" ] && return 0
	mariadb-admin --no-defaults --protocol=socket --socket="$dir/sock" -uroot shutdown >/dev/null 2>&1
	local i
	for i in $(seq 1 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid" 2>/dev/null
		sleep 2
		kill -KILL "$pid" 2>/dev/null
	fi
	wait "$pid" 2>/dev/null
	rm -f "$dir/server.bgpid"
	return 0
}

maria_sql() {
	local dir=$1
	shift
	mariadb --no-defaults --protocol=socket --socket="$dir/sock" -uroot -N -B -e "$*"
}

maria_cleanup() {
	local dir=$1
	[ -n "$dir" ] && [ -d "$dir" ] || return 0
	maria_stop "$dir"
	rm -rf "$dir"
}
