#!/bin/bash
# compositor_protocols.sh - the clipboard between two clients, wp_viewporter
# scaling, the command line: `-- CMD` (the compositor lives as long as
# CMD, which gets WAYLAND_DISPLAY) and --mode checked against the device,
# the message when there is no input device, and the GPU vanishing.
HERE=$(dirname "$0"); BIN=$HERE/../bin
. "$(dirname "$(readlink -f "$0")")/compositor_lib.sh"

start_stack
if client a --copy "hello gfx" && client b --paste; then
	for _ in $(seq 60); do grep -q '^pasted' "$TMP/b.out" 2>/dev/null && break; sleep 0.05; done
	got=$(sed -n 's/^pasted //p' "$TMP/b.out" | tail -1)
	[ "$got" = "hello gfx" ] && pass clipboard_between_clients \
		|| fail clipboard_between_clients "pasted '$got' ($(grep -c copied "$TMP/a.out") copies)"
else fail clipboard_between_clients "clients did not start"; fi
stop_stack

start_stack
if client v --size 100x50 --color ff00ff00 --viewport 200x100; then
	settle; shot "$TMP/vp.png"
	line=$(grep -m1 "map toplevel" "$TMP/compositor.log")
	r=$(pyimg "$TMP/vp.png" "
bad=[]
if img.get(32 + 195, 56 + 95) != (0, 255, 0): bad.append(('scaled corner', img.get(227, 151)))
if img.get(32 + 201, 56 + 5) != BG: bad.append(('right of it', img.get(233, 61)))
if img.get(32 + 5, 56 + 101) != BG: bad.append(('below it', img.get(37, 157)))
print(bad or 'ok')")
	if [[ "$line" != *"size 200x100"* ]]; then fail viewport_scaling "mapped as: $line"
	elif [ "$r" != ok ]; then fail viewport_scaling "$r"
	else pass viewport_scaling; fi
else fail viewport_scaling "client did not start"; fi
stop_stack

# -- CMD: exit status of CMD, which sees WAYLAND_DISPLAY
start_stack; kill "$COMP_PID"; wait "$COMP_PID" 2>/dev/null
PIDS=("$DEV_PID")
timeout 20 "$BIN/gfx-compositor" --device "direct:$SOCK" --socket wl-cmd -- \
	sh -c '[ "$WAYLAND_DISPLAY" = wl-cmd ] && [ -S "$XDG_RUNTIME_DIR/wl-cmd" ] && exit 7; exit 1' \
	>"$TMP/cmd.log" 2>&1
rc=$?
[ $rc = 7 ] && pass run_command_and_exit || fail run_command_and_exit "exit $rc: $(tail -2 "$TMP/cmd.log")"

timeout 20 "$BIN/gfx-compositor" --device "direct:$SOCK" --socket wl-cmd2 --mode 800x600@60 \
	-- true >"$TMP/mode.log" 2>&1
rc=$?
if [ $rc = 2 ] && grep -q "differs from the device's mode 1280x720" "$TMP/mode.log"; then pass mode_mismatch_refused
else fail mode_mismatch_refused "exit $rc: $(tail -1 "$TMP/mode.log")"; fi
timeout 20 "$BIN/gfx-compositor" --device "direct:$SOCK" --socket wl-cmd3 --mode 1280x720@60 \
	-- true >"$TMP/mode2.log" 2>&1
rc=$?
[ $rc = 0 ] && pass mode_match_accepted || fail mode_match_accepted "exit $rc: $(tail -1 "$TMP/mode2.log")"
kill "$DEV_PID"; wait "$DEV_PID" 2>/dev/null; PIDS=()

# No /dev/input here: one clear message, and the compositor runs on.
start_stack
sleep 0.2
n=$(grep -c "input: no " "$TMP/compositor.log")
if [ -d /dev/input ]; then skip missing_input_message "this machine has /dev/input"
elif [ "$n" = 1 ] && alive; then pass missing_input_message
else fail missing_input_message "$n messages: $(head -3 "$TMP/compositor.log")"; fi
stop_stack

# An input directory that appears later (an input module loads) is watched from then on.
COMP_EXTRA="--input-dir $TMP/input-later" start_stack
sleep 0.2
mkdir "$TMP/input-later"
for _ in $(seq 60); do grep -q "input: $TMP/input-later appeared" "$TMP/compositor.log" && break; sleep 0.05; done
if grep -q "input: $TMP/input-later appeared" "$TMP/compositor.log" && alive; then pass input_dir_appears_later
else fail input_dir_appears_later "not noticed: $(grep 'input:' "$TMP/compositor.log" | head -3)"; fi
stop_stack

# The GPU vanishes under the compositor: it says so and exits, no hang.
rm -f "$SOCK"
"$BIN/gfx-device" --socket "$SOCK" --display none --mode 640x480@60 >"$TMP/dev2.log" 2>&1 &
dev=$!
for _ in $(seq 200); do [ -S "$SOCK" ] && break; sleep 0.05; done
"$BIN/gfx-compositor" --device "direct:$SOCK" --socket wl-lost >"$TMP/lost.log" 2>&1 &
comp=$!
for _ in $(seq 200); do [ -S "$XDG_RUNTIME_DIR/wl-lost" ] && break; sleep 0.05; done
kill -9 $dev; wait $dev 2>/dev/null
for _ in $(seq 100); do kill -0 $comp 2>/dev/null || break; sleep 0.05; done
if kill -0 $comp 2>/dev/null; then
	kill -9 $comp; fail device_lost "compositor still running 5 s after the device died"
else
	wait $comp; rc=$?
	if [ $rc != 0 ] && grep -qi "device lost" "$TMP/lost.log"; then pass device_lost
	else fail device_lost "exit $rc: $(tail -1 "$TMP/lost.log")"; fi
fi
exit 0
