#!/bin/bash
# runner.sh - tests/run.sh counts what a test shows, never what it does not:
# a silent exit 0 and a crash without a FAIL line are failures, SKIP lines
# are counted, and the last line is "N passed, N failed, N skipped".
RUN=$(dirname "$(readlink -f "$0")")/run.sh
T=$(mktemp -d /tmp/gfx-runner-test.XXXXXX)
trap 'rm -rf "$T"' EXIT

# fake NAME BODY: a test script printing/doing BODY.
fake() { printf '#!/bin/sh\n%s\n' "$2" >"$T/$1"; chmod +x "$T/$1"; }
fake silent 'exit 0'
fake crash 'echo PASS before-crash; kill -SEGV $$'
fake good 'echo PASS a; echo SKIP b: not here'
fake bad 'echo PASS c; echo "FAIL d: wrong"; exit 1'

# case NAME WANT_RC WANT_SUMMARY TEST...
check() {
	local name=$1 want_rc=$2 want=$3 out rc; shift 3
	out=$("$RUN" "${@/#/$T/}" 2>&1); rc=$?
	local last=${out##*$'\n'}
	if [ "$rc" != "$want_rc" ]; then echo "FAIL $name: exit $rc, expected $want_rc"
	elif [ "$last" != "$want" ]; then echo "FAIL $name: summary '$last', expected '$want'"
	else echo "PASS $name"; fi
}
check runner_silent_exit_0_fails 1 "0 passed, 1 failed, 0 skipped" silent
check runner_crash_without_fail_line_fails 1 "1 passed, 1 failed, 0 skipped" crash
check runner_counts_pass_and_skip 0 "1 passed, 0 failed, 1 skipped" good
check runner_counts_fail_lines_once 1 "1 passed, 1 failed, 0 skipped" bad
check runner_sums_over_tests 1 "3 passed, 3 failed, 1 skipped" silent crash good bad

# A test's declared limit replaces TEST_TIMEOUT, in both directions.
printf '#!/bin/sh\n# test-timeout: 1\nsleep 5; echo PASS late\n' >"$T/slow"; chmod +x "$T/slow"
printf '#!/bin/sh\n# test-timeout: 20\nsleep 2; echo PASS patient\n' >"$T/patient"; chmod +x "$T/patient"
TEST_TIMEOUT=60 check runner_declared_timeout_kills 1 "0 passed, 1 failed, 0 skipped" slow
TEST_TIMEOUT=1 check runner_declared_timeout_waits 0 "1 passed, 0 failed, 0 skipped" patient
