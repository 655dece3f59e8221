#!/bin/sh
# Walk benchmark: the walker alone (bench/walkbench), with the loaders, and the whole `stacktune audit` against
# `rg --files` on a synthetic repository.
#   bench/walk.sh [N [RUNS]]   N files (default 200000), RUNS timed runs of each command (default 5)
# Environment: BUILD (meson build dir, default build), BENCH_TREE (reuse a generated tree; default: a temp dir,
# removed afterwards). Needs python3, ripgrep and GNU time (/usr/bin/time -v).
set -eu
cd "$(dirname "$0")/.."
n=${1:-200000}
runs=${2:-5}
build=${BUILD:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
tree=${BENCH_TREE:-$tmp/tree}
[ -d "$tree" ] || python3 bench/gen-repo.py "$tree" "$n" >/dev/null

# the meson target when bench/ is part of the build, else compiled here against the build's libraries
wb=$build/bench/walkbench
if ! ninja -C "$build" bench/walkbench >/dev/null 2>&1; then
	ninja -C "$build" src/loaders/libst_loaders.a src/core/libst_core.a >/dev/null
	wb=$tmp/walkbench
	${CC:-cc} -O2 -std=c11 -D_GNU_SOURCE -Iinclude bench/walkbench.c "$build/src/loaders/libst_loaders.a" \
		"$build/src/core/libst_core.a" -lyaml -lm -o "$wb"
fi

echo "tree: $n files ($(find "$tree" -type d | wc -l) directories), $runs runs each, medians"
echo "$("$wb" --no-load "$tree")  [walk only]"
echo "$("$wb" "$tree")  [walk + loaders]"
printf '%-44s %10s %12s\n' command "wall s" "peak RSS KB"
# one run of "label:command" -> "wall rss" (GNU time -v reports wall as [h:]m:ss.ss)
measure() {
	/usr/bin/time -v -o "$tmp/time" sh -c "exec $1 >/dev/null" 2>/dev/null || true
	awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); w = 0; for (i = 1; i <= n; i++) w = w * 60 + p[i] }
		/Maximum resident set size/ { r = $2 } END { printf "%.3f %d\n", w, r }' "$tmp/time"
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
st=${STACKTUNE:-$build/src/cli/stacktune}
set -- "walkbench --no-load|$wb --no-load $tree" "walkbench (walk + loaders)|$wb $tree" \
	"stacktune audit --profile 4c8g|$st audit $tree --profile 4c8g" \
	"rg --files|rg --files $tree" "rg --files -j1|rg --files -j1 $tree" \
	"rg --files -g !node_modules (same skips)|rg --files -g !node_modules $tree"
for c in "$@"; do measure "${c#*|}" >/dev/null; done # warm the page cache
i=0
while [ "$i" -lt "$runs" ]; do # interleaved, so drift hits every command alike
	k=0
	for c in "$@"; do
		measure "${c#*|}" >>"$tmp/r$k"
		k=$((k + 1))
	done
	i=$((i + 1))
done
k=0
for c in "$@"; do
	printf '%-44s %10s %12s\n' "${c%%|*}" "$(cut -d' ' -f1 "$tmp/r$k" | median)" "$(cut -d' ' -f2 "$tmp/r$k" | median)"
	k=$((k + 1))
done
