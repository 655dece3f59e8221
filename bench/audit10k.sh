#!/bin/bash
# Benchmark (not a test): `stacktune audit` on a synthetic 10,000-file monorepo against `rg --files` on the same
# tree. Usage: bench/audit10k.sh [N [RUNS]]  (N files, default 10000; RUNS timed runs each, default 7)
# STACKTUNE=path picks the binary (default build/src/cli/stacktune); BENCH_TREE=DIR keeps and reuses the tree.
# Prints the median wall time and peak RSS of each command (from /usr/bin/time -v), runs interleaved after a
# warm-up run of each.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
n=${1:-10000}
runs=${2:-7}
exe=${STACKTUNE:-$here/../build/src/cli/stacktune}
[ -x "$exe" ] || { echo "no stacktune binary at $exe (set STACKTUNE)" >&2; exit 2; }
command -v rg >/dev/null || { echo "rg (ripgrep) is needed for the comparison" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tree=${BENCH_TREE:-$tmp/tree}
if [ ! -d "$tree" ] || [ -z "$(ls -A "$tree")" ]; then
	python3 "$here/gen-audit-repo.py" "$tree" "$n"
fi
echo "tree: $(find "$tree" -type f | wc -l) files, $(find "$tree" -type d | wc -l) directories; $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"

# timed NAME CMD...: one run under /usr/bin/time -v; appends "wall_seconds rss_kb cpu_seconds" to $tmp/NAME
timed() {
	local name=$1
	shift
	/usr/bin/time -v -o "$tmp/time.out" "$@" >/dev/null 2>"$tmp/err" || true
	local wall rss cpu
	wall=$(sed -n 's/^\s*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$tmp/time.out" |
		awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.3f", s }')
	rss=$(sed -n 's/^\s*Maximum resident set size (kbytes): //p' "$tmp/time.out")
	cpu=$(sed -n 's/^\s*\(User\|System\) time (seconds): //p' "$tmp/time.out" | awk '{ s += $1 } END { printf "%.2f", s }')
	echo "$wall $rss $cpu" >>"$tmp/$name"
}
median() { # median COLUMN FILE
	sort -n -k"$1" "$2" | awk -v c="$1" '{ v[NR] = $c } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

audit=("$exe" audit "$tree" --profile 4c8g --format json)
rgf=(rg --files "$tree")
"${audit[@]}" >"$tmp/audit.json" 2>/dev/null || true
echo "audit: $(jq -c '.summary' "$tmp/audit.json") from $(jq '.components | length' "$tmp/audit.json") components"
"${rgf[@]}" >/dev/null
for ((r = 0; r < runs; r++)); do
	timed audit "${audit[@]}"
	timed rg "${rgf[@]}"
done
aw=$(median 1 "$tmp/audit")
ar=$(median 2 "$tmp/audit")
rw=$(median 1 "$tmp/rg")
rr=$(median 2 "$tmp/rg")
ac=$(median 3 "$tmp/audit")
rc=$(median 3 "$tmp/rg")
printf '%-44s %8s %8s %12s\n' "command ($runs runs, medians)" "wall s" "cpu s" "peak RSS"
printf '%-44s %8.3f %8.2f %9.1f MiB\n' "stacktune audit --profile 4c8g --format json" "$aw" "$ac" "$(echo "$ar / 1024" | bc -l)"
printf '%-44s %8.3f %8.2f %9.1f MiB\n' "rg --files" "$rw" "$rc" "$(echo "$rr / 1024" | bc -l)"
printf 'ratio audit / rg --files: %.2fx wall\n' "$(echo "$aw / $rw" | bc -l)"
echo "all runs (wall s, RSS kB, cpu s): audit: $(tr '\n' ';' <"$tmp/audit") rg: $(tr '\n' ';' <"$tmp/rg")"
