#!/bin/bash
# Regenerates data/mysql_vars_mariadb.tsv from a real MariaDB: information_schema.SYSTEM_VARIABLES (type, default,
# read-only, range, enum values) plus the option names of `mariadbd --help --verbose` (options that are not
# variables, e.g. plugin-load-add). Run by hand when the MariaDB version changes; review the diff before committing.
# Usage: src/loaders/mysql_vars_dump.sh > data/mysql_vars_mariadb.tsv
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../tests/live/lib-mariadb.sh"
dir=$(mktemp -d)
trap 'maria_cleanup "$dir"' EXIT
maria_install "$dir"
maria_start "$dir" "$(maria_free_port)"
maria_sql "$dir" "select lower(VARIABLE_NAME), VARIABLE_TYPE, ifnull(DEFAULT_VALUE,''), READ_ONLY,
  ifnull(NUMERIC_MIN_VALUE,''), ifnull(NUMERIC_MAX_VALUE,''), ifnull(NUMERIC_BLOCK_SIZE,''),
  ifnull(ENUM_VALUE_LIST,''), replace(replace(VARIABLE_COMMENT, '\t', ' '), '\n', ' ')
  from information_schema.SYSTEM_VARIABLES order by 1" >"$dir/vars"
version=$(maria_sql "$dir" "select version()")
mariadbd --no-defaults --help --verbose 2>/dev/null |
	sed -n 's/^  \(-[a-zA-Z#?], \)\?--\([a-z0-9_-]*[a-z0-9]\)\(\[\?=\?[#a-z]*\]\?\).*/\2\t\3/p' >"$dir/opts"
python3 - "$dir/vars" "$dir/opts" "$version" <<'PY'
import re, sys
vars_path, opts_path, version = sys.argv[1:4]
# *_size variables that count things, not bytes
COUNTS = {"host_cache_size", "thread_cache_size", "histogram_size", "profiling_history_size",
          "key_cache_file_hash_size", "aria_pagecache_file_hash_size", "delayed_queue_size",
          "gtid_cleanup_batch_size", "innodb_purge_batch_size", "myisam_data_pointer_size", "thread_pool_size",
          "wsrep_trx_fragment_size", "binlog_row_event_max_size_count", "innodb_ft_cache_size_rows"}
SIZES = {"max_allowed_packet", "slave_max_allowed_packet", "net_buffer_length", "query_cache_limit",
         "relay_log_space_limit", "join_buffer_space_limit", "max_session_mem_used", "slave_parallel_max_queued",
         "thread_stack", "aria_checkpoint_log_activity", "innodb_ft_cache_size", "innodb_ft_total_cache_size",
         "binlog_row_event_max_size", "read_binlog_speed_limit_bytes"}
opts = {}
for line in open(opts_path):
    name, arg = (line.rstrip("\n").split("\t") + [""])[:2]
    opts[name.replace("-", "_")] = arg
rows = {}
for line in open(vars_path):
    f = line.rstrip("\n").split("\t")
    if len(f) < 9:
        continue
    name, vtype, default, ro, vmin, vmax, block, values, comment = f[:9]
    numeric = {"BIGINT": "s", "INT": "s", "BIGINT UNSIGNED": "u", "INT UNSIGNED": "u", "DOUBLE": "d"}.get(vtype, "-")
    low = comment.lower()
    if vtype == "BOOLEAN":
        t = "bool"
    elif vtype in ("ENUM",) and values:
        t = "enum"
    elif vtype in ("SET", "FLAGSET") and values:
        t = "set"
    elif numeric != "-":
        t = "real" if numeric == "d" else "int"
        timeish = re.search(r"(_timeout|_time|_seconds|_interval|_usec|_timer)$", name) or "timeout" in name
        if (name.endswith("_size") and name not in COUNTS) or name in SIZES:
            t = "size"
        elif timeish and numeric == "d" and "second" in low:
            t = "duration-s"  # long_query_time & co: seconds with a fraction
        elif timeish and re.search(r"micro|usec|\(1/1000000", low):
            t = "duration-us"
        elif timeish and re.search(r"milli|\(in ms\)|in ms\b", low):
            t = "duration-ms"
        elif timeish and "second" in low:
            t = "duration-s"
    else:
        t = "string"
    option = "option" if name in opts else "variable"
    rows[name] = [name, t, numeric, default, "restart" if ro == "YES" else "dynamic", option, vmin, vmax, block,
                  values if t in ("enum", "set", "bool") else ""]
for name, arg in opts.items():
    if name in rows or not name or name.endswith("_"):
        continue
    t = "int" if "#" in arg else ("string" if "name" in arg else "bool")
    rows[name] = [name, t, "u" if t == "int" else "-", "", "restart", "option", "", "", "", ""]
print("# MariaDB %s: information_schema.SYSTEM_VARIABLES + mariadbd --help --verbose (src/loaders/mysql_vars_dump.sh)" % version)
print("# name\ttype\tnumeric\tdefault\tapply\tin_option_file\tmin\tmax\tblock\tvalues")
for name in sorted(rows):
    print("\t".join(rows[name]))
PY
