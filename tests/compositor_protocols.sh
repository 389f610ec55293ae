#!/bin/bash
# compositor_protocols.sh - the clipboard between two clients, wp_viewporter
# scaling, the command line: `-- CMD` (the compositor lives as long as
# CMD, which gets WAYLAND_DISPLAY) and --mode checked against the device,
# the message when there is no input device, and the GPU vanishing.
HERE=$(dirname "$0"); BIN=$HERE/../bin
. "$(dirname "$(readlink -f "$0")")/compositor_lib.sh"

start_stack
if client a --copy "hello gfx" && client b --paste && expect_n b '^pasted' 1; then
	got=$(sed -n 's/^pasted //p' "$TMP/b.out" | tail -1)
	[ "$got" = "hello gfx" ] && pass clipboard_between_clients \
		|| fail clipboard_between_clients "pasted '$got' ($(grep -c copied "$TMP/a.out") copies)"
else fail clipboard_between_clients "$WHY"; fi
stop_stack

start_stack
if client v --size 100x50 --color ff00ff00 --viewport 200x100 && settled_shot "$TMP/vp.png"; then
	line=$(grep -m1 "map toplevel" "$TMP/compositor.log")
	r=$(pyimg "$TMP/vp.png" "
bad=[]
if img.get(X0 + 195, Y0 + 95) != (0, 255, 0): bad.append(('scaled corner', img.get(X0 + 195, Y0 + 95)))
if img.get(X0 + 201, Y0 + 5) != BG: bad.append(('right of it', img.get(X0 + 201, Y0 + 5)))
if img.get(X0 + 5, Y0 + 101) != BG: bad.append(('below it', img.get(X0 + 5, Y0 + 101)))
print(bad or 'ok')")
	if [[ "$line" != *"size 200x100"* ]]; then fail viewport_scaling "mapped as: $line"
	elif [ "$r" != ok ]; then fail viewport_scaling "$r"
	else pass viewport_scaling; fi
else fail viewport_scaling "$WHY"; fi
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
if ! wait_for 3 "the compositor to notice $TMP/input-later" grep -q "input: $TMP/input-later appeared" "$TMP/compositor.log"; then
	fail input_dir_appears_later "$WHY: $(grep 'input:' "$TMP/compositor.log" | head -3)"
elif alive; then pass input_dir_appears_later
else fail input_dir_appears_later "the compositor died"; fi
stop_stack

# The GPU vanishes under the compositor: it says so and exits, no hang.
rm -f "$SOCK"
"$BIN/gfx-device" --socket "$SOCK" --display none --mode 640x480@60 >"$TMP/dev2.log" 2>&1 &
dev=$! comp=
PIDS+=($dev)
if wait_for 10 "gfx-device's socket" test -S "$SOCK"; then
	"$BIN/gfx-compositor" --device "direct:$SOCK" --socket wl-lost >"$TMP/lost.log" 2>&1 &
	comp=$!
	PIDS+=($comp)
	wait_for 10 "the compositor's socket wl-lost" test -S "$XDG_RUNTIME_DIR/wl-lost" || comp=
fi
gone() { ! kill -0 "$1"; }
if [ -z "$comp" ]; then
	fail device_lost "$WHY"
else
	kill -9 $dev; wait $dev 2>/dev/null
	if ! wait_for 5 "the compositor to exit after the device died" gone $comp; then
		kill -9 $comp; fail device_lost "$WHY"
	else
		wait $comp; rc=$?
		if [ $rc != 0 ] && grep -qi "device lost" "$TMP/lost.log"; then pass device_lost
		else fail device_lost "exit $rc: $(tail -1 "$TMP/lost.log")"; fi
	fi
fi
exit 0
