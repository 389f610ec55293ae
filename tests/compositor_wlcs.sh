#!/bin/bash
# compositor_wlcs.sh - the Wayland conformance suite (wlcs, Debian's package)
# against the compositor core, in-process through our integration module
# (compositor/wlcs.c): one PASS, FAIL or SKIP line per wlcs test.
#
# A test wlcs skips (a protocol the module's descriptor does not offer) is a
# SKIP with wlcs's reason. A failure listed in
# compositor_wlcs_expected_failures.txt (a name or glob, then why) is a SKIP
# that says so; any other failure is a FAIL, and so is a listed test that
# passes now (it must leave the list), a list entry that matches no test,
# a test that never reported (wlcs died), and any sanitizer report.
#
# The module opens the GPU for every test from $GFX_DEVICE: a gfx-device
# started here. WLCS_FILTER (a gtest filter) runs part of the suite.
HERE=$(dirname "$0"); BIN=$HERE/../bin
. "$(dirname "$(readlink -f "$0")")/compositor_lib.sh"
MODULE=$HERE/helpers/gfx-compositor-wlcs.so
XFAIL=$TESTS_SRC/compositor_wlcs_expected_failures.txt

runner=$(pkg-config --variable=test_runner wlcs 2>/dev/null)
if [ -z "$runner" ] || [ ! -x "$runner" ]; then
	skip wlcs "wlcs is not installed (Debian package wlcs; scripts/install-deps.sh all)"
	exit 0
fi
if [ ! -f "$MODULE" ]; then
	fail wlcs "the integration module $MODULE was not built"
	exit 0
fi
# A module built with ASan needs the runner built with it (the package ships both).
if ldd "$MODULE" | grep -q libasan; then runner=$runner.asan; fi

start_device 1280x720@60 || { fail wlcs "gfx-device did not start"; exit 0; }
"$runner" "$MODULE" --gtest_list_tests >"$TMP/list.txt" 2>"$TMP/list.err" ||
	{ fail wlcs "wlcs cannot list its tests: $(tail -1 "$TMP/list.err")"; exit 0; }

start=$(date +%s)
GFX_DEVICE="direct:$SOCK" LSAN_OPTIONS=suppressions=$TESTS_SRC/compositor_wlcs.lsan:print_suppressions=0 \
	"$runner" "$MODULE" --gtest_color=no ${WLCS_FILTER:+--gtest_filter="$WLCS_FILTER"} \
	>"$TMP/wlcs.out" 2>"$TMP/wlcs.err"
rc=$?
echo "# wlcs: exit status $rc after $(($(date +%s) - start)) s" >&2

python3 "$TESTS_SRC/compositor_wlcs_results.py" "$TMP/list.txt" "$TMP/wlcs.out" "$XFAIL" \
	"${WLCS_FILTER:-}" "$rc"

# The whole run, setup and teardown of every server included, under the sanitizers.
if grep -qE "Sanitizer|runtime error" "$TMP/wlcs.err"; then
	fail wlcs_sanitizer_clean "$(grep -m1 -E "Sanitizer|runtime error" "$TMP/wlcs.err")"
	grep -A30 -m1 -E "Sanitizer|runtime error" "$TMP/wlcs.err" >&2
else
	pass wlcs_sanitizer_clean
fi
# No test made the GPU see a bad command.
errs=$(ctl stats | awk '$1 == "errors" {print $2}')
[ "${errs:-x}" = 0 ] && pass wlcs_no_gpu_errors || fail wlcs_no_gpu_errors "gfx-device counted ${errs:-no} errors"
[ -n "${KEEP_TMP:-}" ] || tail -5 "$TMP/wlcs.out" >&2
exit 0
