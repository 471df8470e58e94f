#!/usr/bin/env bash
# compare.sh: time each benchmark program under popsh, Scheme48 and Guile,
# whole process (start-up included), median of RUNS runs, in one table.
# Usage: interp/testdata/bench/compare.sh [RUNS]   (from anywhere in the repo)
# Also prints popsh's peak memory (max RSS) per program.
set -euo pipefail
RUNS=${1:-5}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
bin=$(mktemp -d)/popsh
trap 'rm -rf "$(dirname "$bin")"' EXIT
(cd "$root" && go build -o "$bin" .)

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# time_cmd CMD...: wall seconds of one run (stdout discarded)
time_cmd() {
	local s e
	s=$(date +%s%N)
	"$@" >/dev/null 2>&1 || true
	e=$(date +%s%N)
	awk -v s="$s" -v e="$e" 'BEGIN {printf "%.3f\n", (e-s)/1e9}'
}

s48() { scheme48 -h 0 -a batch < "$1"; }
guile_run() { guile --no-auto-compile "$1"; }

printf "%-10s %10s %10s %10s %10s %9s %6s\n" program popsh scheme48 guile popsh/s48 popshRSS ok
for f in "$here"/*.scm; do
	name=$(basename "$f" .scm)
	expected="$here/$name.expected"
	pre=$(mktemp)
	{ echo '(define call/cc call-with-current-continuation)'; cat "$f"; } > "$pre"
	ok=yes
	if [ -f "$expected" ] && ! diff -q <("$bin" "$f" 2>&1) "$expected" >/dev/null; then ok=NO; fi
	p=$(for i in $(seq "$RUNS"); do time_cmd "$bin" "$f"; done | median)
	s=$(for i in $(seq "$RUNS"); do time_cmd s48 "$pre"; done | median)
	g=$(for i in $(seq "$RUNS"); do time_cmd guile_run "$f"; done | median)
	rss=$( (/usr/bin/time -f %M "$bin" "$f" 2>&1 >/dev/null || true) | tail -1)
	ratio=$(awk -v p="$p" -v s="$s" 'BEGIN { if (s > 0) printf "%.2f", p/s; else print "-" }')
	printf "%-10s %10s %10s %10s %10s %8sK %6s\n" "$name" "$p" "$s" "$g" "$ratio" "$rss" "$ok"
	rm -f "$pre"
done
