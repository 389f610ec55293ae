# compositor_lib.sh - shared by the compositor's script tests (sourced).
#
# Starts gfx-device (headless) and gfx-compositor in a private
# XDG_RUNTIME_DIR, decodes screenshots, and cleans everything up.
# Expects HERE (the build's tests folder) and BIN (its bin folder) to be
# set by the caller.
#
# Every wait here gives up after a while, sets WHY to what did not happen
# and returns 1: the case then fails with $WHY instead of going on to a
# screenshot taken at a random moment.
#
# Where windows go and the colours the compositor paints come from the
# compositor itself (compositor/layout.h, printed by --print-layout): shell
# variables LAYOUT_*, and in pyimg expressions X0, Y0 (the first window's
# place), STEP (the cascade), TITLE, BORDER, BG and rgb(LAYOUT colour).
TESTS_SRC=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")

TMP=$(mktemp -d /tmp/gfx-comp-test.XXXXXX)
export XDG_RUNTIME_DIR=$TMP
export WAYLAND_DISPLAY=wl-test
unset DISPLAY
SOCK=$TMP/gpu.sock
PIDS=()

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; FAILED=1; }
skip() { echo "SKIP $1: $2"; }

if ! layout=$("$BIN/gfx-compositor" --print-layout) || ! grep -q '^LAYOUT_PLACE_X=' <<<"$layout"; then
	fail "$(basename "$0" .sh)" "gfx-compositor --print-layout gave no layout"
	rm -rf "$TMP"
	exit 1
fi
eval "$layout"
X0=$LAYOUT_PLACE_X Y0=$LAYOUT_PLACE_Y STEP=$LAYOUT_PLACE_STEP TITLE=$LAYOUT_TITLE_HEIGHT
LAYOUT_PY="$(sed -E 's/^LAYOUT_([A-Z_]+)=/\1 = /' <<<"$layout")
def rgb(v): return ((v >> 16) & 255, (v >> 8) & 255, v & 255)
X0, Y0, STEP, TITLE, BG = PLACE_X, PLACE_Y, PLACE_STEP, TITLE_HEIGHT, rgb(BACKGROUND)"

# wait_for SECONDS WHAT CMD...: run CMD every 50 ms until it succeeds; after
# SECONDS, WHY="timed out ... waiting for WHAT" and return 1.
WHY=
wait_for() {
	local secs=$1 what=$2 i
	shift 2
	for ((i = 0; i < secs * 20; i++)); do
		"$@" 2>/dev/null && return 0
		sleep 0.05
	done
	WHY="timed out after ${secs}s waiting for $what"
	return 1
}

cleanup() {
	local p
	report_exits
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
	PIDS=()
	if [ -n "${KEEP_TMP:-}" ]; then echo "# kept $TMP" >&2; else rm -rf "$TMP"; fi
}
trap cleanup EXIT

# start_device [MODE]: gfx-device alone, headless, on $SOCK; sets DEV_PID.
start_device() {
	local mode=${1:-1280x720@60}
	rm -f "$SOCK" "$SOCK.ctl"
	"$BIN/gfx-device" --socket "$SOCK" --display none --mode "$mode" --vram 64 \
		>>"$TMP/device.log" 2>&1 &
	DEV_PID=$!; PIDS+=("$DEV_PID")
	wait_for 20 "gfx-device's socket" test -S "$SOCK" && return 0
	echo "# gfx-device did not start:" >&2; cat "$TMP/device.log" >&2
	return 1
}

# start_stack [MODE]: device and compositor (with $COMP_EXTRA options); sets DEV_PID, COMP_PID.
start_stack() {
	start_device "$@" || return 1
	# A small ASan quarantine keeps RSS meaningful in the sanitizer build.
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=4 \
	"$BIN/gfx-compositor" --device "direct:$SOCK" --socket "$WAYLAND_DISPLAY" ${COMP_EXTRA:-} \
		>"$TMP/compositor.log" 2>&1 &
	COMP_PID=$!; PIDS+=("$COMP_PID")
	wait_for 20 "the compositor's Wayland socket" test -S "$XDG_RUNTIME_DIR/$WAYLAND_DISPLAY" && return 0
	echo "# compositor did not start:" >&2; cat "$TMP/compositor.log" >&2
	return 1
}

# Every compositor must exit cleanly on SIGTERM (and, under ASan, report
# nothing); the script's last line says so.
STACKS=0 UNCLEAN=""
stop_stack() {
	kill "$COMP_PID" 2>/dev/null
	wait "$COMP_PID" 2>/dev/null; COMP_RC=$?
	kill "$DEV_PID" 2>/dev/null
	wait "$DEV_PID" 2>/dev/null
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	PIDS=()
	STACKS=$((STACKS + 1))
	if [ "$COMP_RC" != 0 ] || grep -qE "Sanitizer|runtime error" "$TMP/compositor.log"; then
		UNCLEAN="$UNCLEAN #$STACKS(rc $COMP_RC)"
		echo "# compositor #$STACKS exit $COMP_RC:" >&2; tail -40 "$TMP/compositor.log" >&2
	fi
}

report_exits() {
	local name=compositor_clean_exit_$(basename "$0" .sh)
	[ "$STACKS" -gt 0 ] || return 0
	[ -z "$UNCLEAN" ] && pass "$name" || fail "$name" "unclean:$UNCLEAN"
}

alive() { kill -0 "$COMP_PID" 2>/dev/null; }

ctl() { "$BIN/gfx-ctl" --socket "$SOCK" "$@"; }

shot() { ctl screenshot "$1" >/dev/null || { WHY="no screenshot $1"; return 1; }; }

# settle: wait until the compositor stops flipping (the scene is drawn), at
# most 8 s, so screenshots are not timed by guesses on a loaded machine.
# After `mark`, settle first waits (10 s) for a flip past the mark: input
# sent through gfx-ctl reaches the compositor a moment later, and a scene
# that has not started to change yet must not pass for a settled one.
flips() { ctl stats | awk '$1 == "flips" {print $2}'; }
MARK=
mark() { MARK=$(flips); }
flipped_past() { local f; f=$(flips); [ -n "$f" ] && [ "$f" -gt "$1" ]; }
settle() {
	local a b since=$MARK
	MARK=
	if [ -n "$since" ] && ! wait_for 10 "a frame after the input (flips > $since)" flipped_past "$since"; then
		return 1
	fi
	sleep 0.05
	b=$(flips)
	for _ in $(seq 80); do
		sleep 0.1
		a=$b; b=$(flips)
		[ -n "$b" ] && [ "$a" = "$b" ] && return 0
	done
	WHY="the scene did not settle: the compositor still flipped after 8 s (flips ${a:-?} -> ${b:-?})"
	return 1
}

# drawn: like settle, for scenes that may animate for ever: the flips
# stopped, or 10 frames went by since the call; at most 8 s.
drawn() {
	local a b start
	start=$(flips); b=$start
	for _ in $(seq 80); do
		sleep 0.1
		a=$b; b=$(flips)
		[ -n "$b" ] && { [ "$a" = "$b" ] || [ $((b - start)) -ge 10 ]; } && return 0
	done
	WHY="no frame drawn in 8 s (flips ${start:-?} -> ${b:-?})"
	return 1
}

# settled_shot FILE: settle, then the screenshot; WHY says which failed.
settled_shot() { settle && shot "$1"; }

# client NAME ARGS...: start the test client (compositor-test-client) with
# its output in $TMP/NAME.out and .err, its pid in NAME_PID; wait for "ready".
CLIENT=$HERE/helpers/compositor-test-client
client() {
	local name=$1; shift
	"$CLIENT" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" &
	PIDS+=($!); eval "${name}_PID=$!"
	wait_for 5 "client $name to be ready" grep -q '^ready' "$TMP/$name.out" && return 0
	WHY="$WHY ($(tail -1 "$TMP/$name.err"))"
	echo "# $name not ready: $(cat "$TMP/$name.err")" >&2
	return 1
}

# expect NAME LINE: wait for an exact output line of client NAME.
expect() { wait_for 10 "client $1 to print '$2'" grep -qx -- "$2" "$TMP/$1.out"; }

# expect_n NAME PATTERN N: wait until client NAME printed N lines matching PATTERN.
at_least() { [ "$(grep -c -- "$2" "$1")" -ge "$3" ]; }
expect_n() { wait_for 10 "client $1's line #$3 matching '$2'" at_least "$TMP/$1.out" "$2" "$3"; }

# mapped: wait for the compositor's first "map toplevel" line.
mapped() { wait_for 10 "a window to be mapped" grep -q "map toplevel" "$TMP/compositor.log"; }

# For pyimg: near(p, q), colours equal within 2 per channel.
NEAR='def near(p, q, t=2): return all(abs(a - b) <= t for a, b in zip(p, q))'

rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }

# pyimg FILE.png EXPR...: tests/pyimg.py with the layout's names defined.
pyimg() {
	local f=$1
	shift
	python3 "$TESTS_SRC/pyimg.py" "$f" "$LAYOUT_PY" "$@"
}
