#!/bin/bash
# demo.sh - the stack end to end: gfx-device (the GPU), gfx-compositor on it,
# and a few Wayland clients side by side: our animated gfx-demo-client drawn
# by the CPU (wl_shm, copied to VRAM by the compositor) and the same
# animation drawn by the GPU (--gpu: its own hardware context, its buffers in
# VRAM shown with no copy), weston-flower and weston-simple-shm when installed.
#
# With a display ($WAYLAND_DISPLAY or $DISPLAY) and the device's window output
# built, the scanout shows in a window (its keyboard and mouse drive the
# compositor: Alt+drag or the title bar moves windows, Alt+Tab cycles);
# otherwise PNG frames go to a folder whose path is printed.
# Runs until Ctrl-C, or DEMO_SECONDS seconds. DEMO_SCREENSHOT=FILE.png saves
# the scanout at the end. DEMO_MODE sets the mode (default 1280x720@60).
set -u
cd "$(dirname "$0")/.."
BIN=build/bin
MODE=${DEMO_MODE:-1280x720@60}
for b in gfx-device gfx-ctl gfx-compositor gfx-demo-client; do
	[ -x "$BIN/$b" ] || { echo "demo: $BIN/$b missing: run make first" >&2; exit 1; }
done

run=$(mktemp -d /tmp/gfx-demo.XXXXXX)
sock=$run/gpu.sock
pids=()
cleanup() {
	trap - EXIT INT TERM
	local p
	[ -n "${DEMO_SCREENSHOT:-}" ] && "$BIN/gfx-ctl" --socket "$sock" screenshot "$DEMO_SCREENSHOT" >/dev/null 2>&1 &&
		echo "demo: screenshot in $DEMO_SCREENSHOT"
	# Clients first, then the compositor, then the GPU.
	for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill "${pids[i]}" 2>/dev/null; wait "${pids[i]}" 2>/dev/null; done
	echo "demo: stopped (logs in $run)"
}
trap cleanup EXIT
trap 'exit 0' INT TERM

# The GPU: a window when there is a display and the window output is built.
start_device() {
	"$BIN/gfx-device" --socket "$sock" --mode "$MODE" --display "$1" >>"$run/device.log" 2>&1 &
	dev=$!
	for _ in $(seq 100); do
		[ -S "$sock" ] && kill -0 $dev 2>/dev/null && return 0
		kill -0 $dev 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}
window=no
if { [ -n "${WAYLAND_DISPLAY:-}" ] || [ -n "${DISPLAY:-}" ]; } && start_device window && sleep 0.5 && kill -0 $dev 2>/dev/null; then
	# The device falls back to no output when it cannot open the window.
	if grep -q "running without a display" "$run/device.log"; then
		kill $dev; wait $dev 2>/dev/null
	else
		window=yes
	fi
fi
if [ $window = yes ]; then
	echo "demo: GPU scanout in a window ($MODE)"
else
	mkdir -p "$run/frames"
	rm -f "$sock"
	start_device "png:$run/frames" || { echo "demo: gfx-device failed:" >&2; cat "$run/device.log" >&2; exit 1; }
	echo "demo: no display (or no window output): PNG frames in $run/frames"
fi
pids+=($dev)

# The compositor gets its own runtime dir so it never clashes with a session.
export XDG_RUNTIME_DIR_HOST=${XDG_RUNTIME_DIR:-}
export XDG_RUNTIME_DIR=$run
unset WAYLAND_DISPLAY DISPLAY
"$BIN/gfx-compositor" --device "direct:$sock" --socket wayland-demo >"$run/compositor.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do [ -S "$run/wayland-demo" ] && break; sleep 0.05; done
[ -S "$run/wayland-demo" ] || { echo "demo: gfx-compositor failed:" >&2; cat "$run/compositor.log" >&2; exit 1; }
export WAYLAND_DISPLAY=wayland-demo
echo "demo: compositor up (WAYLAND_DISPLAY=$run/wayland-demo)"

client() {
	"$@" >>"$run/clients.log" 2>&1 &
	pids+=($!)
	sleep 0.3	# one at a time, so they cascade in order
}
client "$BIN/gfx-demo-client" --size 480x320 --title "gfx-demo-client: CPU (wl_shm)"
command -v weston-simple-shm >/dev/null && client weston-simple-shm
command -v weston-flower >/dev/null && client weston-flower
client "$BIN/gfx-demo-client" --gpu --size 480x320 --hue 128 --title "gfx-demo-client --gpu: its own GPU context"
# Spread the cascade out with the GPU's input path: Alt+drag each window
# (window k's geometry starts at 32 + 48k, 56 + 48k).
drag() {	# drag K DX DY
	local x=$((32 + 48 * $1 + 8)) y=$((56 + 48 * $1 + 8))
	ctl key 56 1; ctl pointer $x $y; ctl button 272 1
	ctl pointer $((x + $2 / 2)) $((y + $3 / 2)); ctl pointer $((x + $2)) $((y + $3))
	ctl button 272 0; ctl key 56 0
}
ctl() { "$BIN/gfx-ctl" --socket "$sock" "$@" >/dev/null 2>&1; }
n=$(grep -c "map toplevel" "$run/compositor.log")
# The GPU-drawn window beside the CPU-drawn one, the others below them.
[ "$n" -ge 4 ] && { drag 3 420 -144; drag 2 800 280; drag 1 100 300; }
ctl pointer 1100 600
grep -q "drawing with the GPU" "$run/clients.log" || echo "demo: gfx-demo-client --gpu did not start: $(grep -- --gpu "$run/clients.log" | tail -1)"
echo "demo: clients: gfx-demo-client (CPU) and gfx-demo-client --gpu$(command -v weston-simple-shm >/dev/null && echo ", weston-simple-shm")$(command -v weston-flower >/dev/null && echo ", weston-flower")"

if [ -n "${DEMO_SECONDS:-}" ]; then
	echo "demo: running for $DEMO_SECONDS s"
	sleep "$DEMO_SECONDS"
else
	echo "demo: running; Ctrl-C to stop"
	wait "${pids[1]}"
fi
"$BIN/gfx-ctl" --socket "$sock" stats 2>/dev/null | grep -E '^(vblanks|flips|errors|missed_vblanks) ' | tr '\n' ' ' | sed 's/^/demo: GPU /; s/$/\n/'
