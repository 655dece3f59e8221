#!/bin/sh
# Walk benchmark: stacktune over a synthetic repository against `rg --files` on the same tree.
#   bench/walk.sh [N]   (default 200000 files; needs ripgrep and the build in build/)
set -eu
cd "$(dirname "$0")/.."
n=${1:-200000}
tree=${BENCH_TREE:-/tmp/stacktune-bench-$n}
[ -d "$tree" ] || python3 bench/gen-repo.py "$tree" "$n" >/dev/null
exe=build/src/cli/stacktune
echo "tree: $n files"
if command -v farm-bench >/dev/null; then
	farm-bench -n 5 --timeout 600 --vs "rg --files $tree" -- "$exe" facts "$tree" --profile 4c8g --format json
else
	for c in "$exe facts $tree --profile 4c8g --format json" "rg --files $tree"; do
		/usr/bin/time -f "%e s  %M KB  $c" $c >/dev/null
	done
fi
