#!/bin/bash
# run.sh - run test programs and scripts, count their PASS/FAIL/SKIP lines.
#
# Usage: tests/run.sh [-l LOG] TEST...
# Each TEST is an executable that prints "PASS name", "FAIL name: why" or
# "SKIP name: why" per case. A test that exits non-zero without printing a
# FAIL line (a crash, a sanitizer report, a timeout) counts as one failure,
# and so does one that exits 0 without a single PASS, FAIL or SKIP line (a
# test that silently stopped early has not shown anything).
# Each test gets TEST_TIMEOUT seconds (300), or what a script declares in
# one of its first lines as "# test-timeout: SECONDS" (the VM suite).
# Ends with the line "N passed, N failed, N skipped".
set -u
log=/dev/null
[ "${1:-}" = -l ] && { log=$2; shift 2; }
: "${TEST_TIMEOUT:=300}"
passed=0 failed=0 skipped=0
failures=()

for t in "$@"; do
	out=$(mktemp)
	echo "== $t" | tee -a "$log"
	limit=$(sed -n '1,10s/^# test-timeout: \([0-9]\+\)$/\1/p' "$t" 2>/dev/null | head -1)
	limit=${TEST_TIMEOUT_OVERRIDE:-${limit:-$TEST_TIMEOUT}}
	timeout -k 10 "$limit" "$t" >"$out" 2>"$out.err"
	rc=$?
	cat "$out.err" "$out" >>"$log"
	grep -E '^(PASS|FAIL|SKIP) ' "$out"
	p=$(grep -c '^PASS ' "$out"); f=$(grep -c '^FAIL ' "$out"); s=$(grep -c '^SKIP ' "$out")
	while read -r line; do failures+=("$line"); done < <(grep '^FAIL ' "$out")
	# A script that calls a missing command or function is a broken test.
	broken=$(grep -m1 ': command not found$' "$out.err")
	if [ -n "$broken" ] && [[ "$t" == *.sh ]]; then
		echo "FAIL $t: broken test script: $broken"
		failures+=("FAIL $t: broken test script: $broken"); f=$((f + 1))
	fi
	if [ "$rc" -eq 0 ] && [ $((p + f + s)) -eq 0 ]; then
		echo "FAIL $t: exit status 0 without a PASS, FAIL or SKIP line (stderr in $log)"
		failures+=("FAIL $t: no result lines"); f=1
	elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		why="exit status $rc"; [ "$rc" -eq 124 ] && why="timed out after ${limit}s"
		echo "FAIL $t: $why (stderr in $log)"
		failures+=("FAIL $t: $why"); f=1
	fi
	passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
	rm -f "$out" "$out.err"
done

if [ ${#failures[@]} -gt 0 ]; then
	echo
	echo "Failures:"
	printf '  %s\n' "${failures[@]}"
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
