#!/bin/bash
# device_smoke.sh - gfx-device and gfx-ctl from the outside: start, stats,
# a refused second driver, garbage on the control socket, bad arguments,
# clean exit. Prints PASS/FAIL/SKIP per case (tests/run.sh counts them).
set -u
bin=$(cd "$(dirname "$0")/../bin" && pwd)
dir=$(mktemp -d /tmp/gfx-smoke-XXXXXX)
sock=$dir/gpu.sock
log=$dir/device.log
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$dir"' EXIT

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }
ctl() { "$bin/gfx-ctl" --socket "$sock" "$@"; }

wait_for() {	# wait_for FILE: up to 5 s
	for _ in $(seq 100); do [ -e "$1" ] && return 0; sleep 0.05; done
	return 1
}

"$bin/gfx-device" --socket "$sock" --vram 16 --mode 320x240@60 2>"$log" &
pid=$!
if wait_for "$sock.ctl"; then pass device_starts; else fail device_starts "no $sock.ctl ($(cat "$log"))"; exit 1; fi

sleep 0.3
stats=$(ctl stats)
missing=
for k in vblanks flips commands errors resets missed_vblanks irqs connected; do
	grep -q "^$k [0-9]" <<<"$stats" || missing="$missing $k"
done
vb=$(awk '$1 == "vblanks" { print $2 }' <<<"$stats")
if [ -z "$missing" ] && [ "${vb:-0}" -gt 5 ]; then pass ctl_stats; else fail ctl_stats "missing:$missing vblanks=${vb:-?}"; fi

if out=$(ctl screenshot "$dir/none.png" 2>&1); then
	fail ctl_screenshot_no_scanout "succeeded without a scanout"
elif grep -q "no scanout" <<<"$out"; then pass ctl_screenshot_no_scanout
else fail ctl_screenshot_no_scanout "unclear message: $out"; fi

if ctl frobnicate 2>/dev/null; then fail ctl_unknown_command "exit 0"; else pass ctl_unknown_command; fi
if ctl drop-irqs -3 2>/dev/null; then fail ctl_bad_number "exit 0"; else pass ctl_bad_number; fi

if command -v python3 >/dev/null; then
	out=$(python3 - "$sock" <<'PY'
import socket, struct, sys, array
path = sys.argv[1]
def msgs(s, n):
    out = []
    for _ in range(n):
        data, anc, _, _ = s.recvmsg(8, socket.CMSG_SPACE(4))
        if len(data) < 8:
            break
        fd = -1
        for lvl, typ, d in anc:
            fd = array.array('i', d[:4])[0]
        out.append((struct.unpack('<q', data)[0], fd >= 0))
    return out
a = socket.socket(socket.AF_UNIX); a.connect(path); a.settimeout(5)
first = msgs(a, 3 + 2 * 8)	# one doorbell and one interrupt per context, 8 by default
b = socket.socket(socket.AF_UNIX); b.connect(path); b.settimeout(5)
second = b.recv(8)
eof = b.recv(8)
print("first", first)
print("second", struct.unpack('<q', second)[0] if len(second) == 8 else None, "eof", eof == b"")
PY
)
	want="[(0, False), (1, False), (-1, True)$(printf ', (0, True)%.0s' $(seq 8))$(printf ', (1, True)%.0s' $(seq 8))]"
	if grep -qF "first $want" <<<"$out"; then
		pass ivshmem_handshake
	else fail ivshmem_handshake "$out"; fi
	if grep -q "second -16 eof True" <<<"$out"; then pass second_driver_refused; else fail second_driver_refused "$out"; fi

	out=$(python3 - "$sock.ctl" <<'PY'
import socket, sys, os
path = sys.argv[1]
def ask(data, shut=True):
    s = socket.socket(socket.AF_UNIX); s.connect(path); s.settimeout(5)
    s.sendall(data)
    if shut:
        s.shutdown(socket.SHUT_WR)
    r = b""
    while True:
        c = s.recv(4096)
        if not c:
            break
        r += c
    return r
print("binary", ask(os.urandom(64).replace(b"\n", b"x") + b"\n")[:6])
print("nul", ask(b"stats\0junk\n")[:6])
print("long", ask(b"a" * 5000)[:30])
print("empty", ask(b"")[:6])
s = socket.socket(socket.AF_UNIX); s.connect(path); s.close()  # connect and vanish
print("ok", ask(b"stats\n")[:3])
PY
)
	if grep -q "binary b'error" <<<"$out" && grep -q "nul b'error" <<<"$out" &&
	   grep -q "long b'error: request too long" <<<"$out" && grep -q "ok b'ok" <<<"$out"; then
		pass control_socket_garbage
	else fail control_socket_garbage "$out"; fi
else
	echo "SKIP ivshmem_handshake: no python3"
	echo "SKIP second_driver_refused: no python3"
	echo "SKIP control_socket_garbage: no python3"
fi

if kill -0 "$pid" 2>/dev/null && ctl stats >/dev/null; then pass device_survives; else fail device_survives "gone"; fi

# A second device on the same socket: a clear error, and the first keeps its socket.
if out=$("$bin/gfx-device" --socket "$sock" --vram 16 2>&1); then
	fail socket_in_use "second device started"
elif grep -q "in use" <<<"$out" && [ -S "$sock" ]; then pass socket_in_use
else fail socket_in_use "$out"; fi

bad=0
"$bin/gfx-device" --socket "$dir/x" --vram 100 2>/dev/null && bad=1
"$bin/gfx-device" --socket "$dir/x" --mode 12x 2>/dev/null && bad=1
"$bin/gfx-device" 2>/dev/null && bad=1
long=$dir/$(printf 'a%.0s' $(seq 120))
out=$("$bin/gfx-device" --socket "$long" 2>&1) && bad=1
grep -q "too long" <<<"$out" || bad=1
touch "$dir/file"
out=$("$bin/gfx-device" --socket "$dir/file" 2>&1) && bad=1
grep -q "not a socket" <<<"$out" || bad=1
[ -f "$dir/file" ] || bad=1
if [ $bad -eq 0 ]; then pass bad_arguments; else fail bad_arguments "a bad argument was accepted or unclear"; fi

# png:DIR writes frames once something is on screen (gfx-hello flips a test pattern).
if [ -x "$bin/gfx-hello" ]; then
	"$bin/gfx-device" --socket "$dir/png.sock" --vram 16 --mode 320x240@60 \
		--display "png:$dir/frames" --png-every 3 2>"$dir/png.log" &
	png_pid=$!
	wait_for "$dir/png.sock.ctl"
	GFX_DEVICE="direct:$dir/png.sock" timeout 20 "$bin/gfx-hello" >/dev/null 2>&1
	hello=$?
	sleep 0.3
	frame=$("$bin/gfx-ctl" --socket "$dir/png.sock" frame)
	[ -f "$frame" ] || hello="frame: $frame"
	frames=$(ls "$dir/frames" 2>/dev/null | grep -c '^frame-[0-9]*\.png$')
	kill -TERM "$png_pid"; wait "$png_pid"
	if [ $hello -eq 0 ] && [ "$frames" -ge 1 ]; then pass png_display_frames
	else fail png_display_frames "gfx-hello rc=$hello, $frames frames"; fi
else
	echo "SKIP png_display_frames: no gfx-hello"
fi

# A window without any display falls back to no display, with a message, and keeps running.
env -u DISPLAY -u WAYLAND_DISPLAY SDL_VIDEODRIVER= "$bin/gfx-device" --socket "$dir/win.sock" \
	--vram 16 --mode 160x120@60 --display window 2>"$dir/win.log" &
win_pid=$!
wait_for "$dir/win.sock.ctl"
# The control socket is bound before the window thread has tried SDL (slow under ASan):
# wait for the device's start-up line, which comes after the window's outcome.
for _ in $(seq 200); do grep -q "MiB VRAM" "$dir/win.log" && break; sleep 0.05; done
if kill -0 "$win_pid" 2>/dev/null && grep -qiE "no display|without SDL2" "$dir/win.log"; then
	pass window_fallback
else fail window_fallback "$(cat "$dir/win.log")"; fi
kill -TERM "$win_pid" 2>/dev/null; wait "$win_pid" 2>/dev/null

kill -TERM "$pid"
for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
wait "$pid"; rc=$?
pid=
if [ $rc -eq 0 ] && [ ! -e "$sock" ] && [ ! -e "$sock.ctl" ]; then pass clean_exit
else fail clean_exit "rc=$rc, sockets left: $(ls "$dir")"; fi
