# compositor_lib.sh - shared by the compositor's script tests (sourced).
#
# Starts gfx-device (headless) and gfx-compositor in a private
# XDG_RUNTIME_DIR, decodes screenshots, and cleans everything up.
# Expects HERE (the build's tests folder) and BIN (its bin folder) to be
# set by the caller.

TMP=$(mktemp -d /tmp/gfx-comp-test.XXXXXX)
export XDG_RUNTIME_DIR=$TMP
export WAYLAND_DISPLAY=wl-test
unset DISPLAY
SOCK=$TMP/gpu.sock
PIDS=()

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; FAILED=1; }
skip() { echo "SKIP $1: $2"; }

cleanup() {
	local p
	report_exits
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
	PIDS=()
	if [ -n "${KEEP_TMP:-}" ]; then echo "# kept $TMP" >&2; else rm -rf "$TMP"; fi
}
trap cleanup EXIT

# start_stack [MODE]: device and compositor (with $COMP_EXTRA options); sets DEV_PID, COMP_PID.
start_stack() {
	local mode=${1:-1280x720@60}
	rm -f "$SOCK" "$SOCK.ctl"
	"$BIN/gfx-device" --socket "$SOCK" --display none --mode "$mode" --vram 64 \
		>>"$TMP/device.log" 2>&1 &
	DEV_PID=$!; PIDS+=("$DEV_PID")
	for _ in $(seq 400); do [ -S "$SOCK" ] && break; sleep 0.05; done
	if [ ! -S "$SOCK" ]; then
		echo "# gfx-device did not start:" >&2; cat "$TMP/device.log" >&2
		return 1
	fi
	# A small ASan quarantine keeps RSS meaningful in the sanitizer build.
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=4 \
	"$BIN/gfx-compositor" --device "direct:$SOCK" --socket "$WAYLAND_DISPLAY" ${COMP_EXTRA:-} \
		>"$TMP/compositor.log" 2>&1 &
	COMP_PID=$!; PIDS+=("$COMP_PID")
	for _ in $(seq 400); do [ -S "$XDG_RUNTIME_DIR/$WAYLAND_DISPLAY" ] && return 0; sleep 0.05; done
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

shot() { ctl screenshot "$1" >/dev/null; }

# settle: wait until the compositor stops flipping (the scene is drawn), at
# most 8 s, so screenshots are not timed by guesses on a loaded machine.
settle() {
	local a b
	sleep 0.05
	b=$(ctl stats | awk '$1 == "flips" {print $2}')
	for _ in $(seq 80); do
		sleep 0.1
		a=$b; b=$(ctl stats | awk '$1 == "flips" {print $2}')
		[ "$a" = "$b" ] && return 0
	done
}

# client NAME ARGS...: start the test client (compositor-test-client) with
# its output in $TMP/NAME.out and .err, its pid in NAME_PID; wait for "ready".
CLIENT=$HERE/helpers/compositor-test-client
client() {
	local name=$1; shift
	"$CLIENT" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" &
	PIDS+=($!); eval "${name}_PID=$!"
	for _ in $(seq 100); do grep -q '^ready' "$TMP/$name.out" 2>/dev/null && return 0; sleep 0.05; done
	echo "# $name not ready: $(cat "$TMP/$name.err")" >&2
	return 1
}

# expect NAME LINE: wait for an exact output line of client NAME.
expect() {
	for _ in $(seq 40); do grep -qx -- "$2" "$TMP/$1.out" && return 0; sleep 0.05; done
	return 1
}

# For pyimg: near(p, q), colours equal within 2 per channel.
NEAR='def near(p, q, t=2): return all(abs(a - b) <= t for a, b in zip(p, q))'

rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }

# pyimg FILE.png EXPR...: python3 with `img` (get(x, y) -> (r, g, b)) loaded.
pyimg() {
	local f=$1; shift
	python3 - "$f" "$@" <<'EOF'
import struct, sys, zlib
def load(p):
    d = open(p, 'rb').read()
    i, idat = 8, b''
    while i < len(d):
        n, = struct.unpack('>I', d[i:i+4]); t = d[i+4:i+8]; c = d[i+8:i+8+n]; i += 12 + n
        if t == b'IHDR':
            w, h, bd, ct = struct.unpack('>IIBB', c[:10])
        elif t == b'IDAT':
            idat += c
    bpp = {2: 3, 6: 4}[ct]
    raw = zlib.decompress(idat)
    rows, prev, s = [], bytearray(w * bpp), w * bpp
    for y in range(h):
        f = raw[y * (s + 1)]; line = bytearray(raw[y * (s + 1) + 1:(y + 1) * (s + 1)])
        for x in range(s):
            a = line[x - bpp] if x >= bpp else 0; b = prev[x]; c = prev[x - bpp] if x >= bpp else 0
            if f == 1: line[x] = (line[x] + a) & 255
            elif f == 2: line[x] = (line[x] + b) & 255
            elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line); prev = line
    return w, h, bpp, rows
class Img:
    def __init__(s, p): s.w, s.h, s.bpp, s.rows = load(p)
    def get(s, x, y):
        r = s.rows[y]; return tuple(r[x * s.bpp:x * s.bpp + 3])
img = Img(sys.argv[1])
BG = (0x20, 0x30, 0x40)
for expr in sys.argv[2:]:
    exec(expr)
EOF
}
