#!/bin/bash
# compositor_input.sh - input through the GPU's input FIFO (gfx-ctl key /
# pointer / button, evdev codes) reaches the focused client; Alt+drag moves
# windows, title bars move windows, Alt+Tab raises the bottom window, a
# grabbing popup takes the keyboard and gives it back, Alt+right-drag resizes.
HERE=$(dirname "$0"); BIN=$HERE/../bin
. "$(dirname "$(readlink -f "$0")")/compositor_lib.sh"
KEY_A=30 KEY_TAB=15 KEY_LEFTALT=56 BTN_LEFT=272

start_stack
if client a --input --size 300x200 --color ff336699; then
	# keyboard: keymap and repeat info on bind, then a key press and release
	if ! expect a "key-enter"; then fail keyboard_focus "$WHY"
	elif ! grep -qE '^keymap 1 [0-9]+' "$TMP/a.out"; then fail keyboard_focus "no xkb keymap"
	elif ! expect a "repeat 25 600"; then fail keyboard_focus "$WHY"
	else pass keyboard_focus; fi
	ctl key $KEY_A 1 >/dev/null; ctl key $KEY_A 0 >/dev/null
	if expect a "key $KEY_A 1" && expect a "key $KEY_A 0"; then pass key_events
	else fail key_events "$WHY; client saw: $(grep '^key ' "$TMP/a.out" | tr '\n' ' ')"; fi
	# pointer: (100, 100) is (100 - X0, 100 - Y0) in the first window
	ctl pointer 100 100 >/dev/null
	ctl pointer 110 105 >/dev/null
	ctl button $BTN_LEFT 1 >/dev/null; ctl button $BTN_LEFT 0 >/dev/null
	if ! expect a "pointer-enter $((100 - X0)) $((100 - Y0))"; then fail pointer_events "$WHY: $(grep pointer "$TMP/a.out")"
	elif ! expect a "motion $((110 - X0)) $((105 - Y0))"; then fail pointer_events "$WHY"
	elif ! expect a "button $BTN_LEFT 1" || ! expect a "button $BTN_LEFT 0"; then fail pointer_events "$WHY"
	else pass pointer_events; fi
	ctl pointer 900 600 >/dev/null
	expect a "pointer-leave" && pass pointer_leave || fail pointer_leave "$WHY"

	# Alt+drag from (100,100) to (300,300) moves the window by (200,200)
	settle; mark
	ctl key $KEY_LEFTALT 1 >/dev/null
	ctl pointer 100 100 >/dev/null
	ctl button $BTN_LEFT 1 >/dev/null
	ctl pointer 200 200 >/dev/null
	ctl pointer 300 300 >/dev/null
	ctl button $BTN_LEFT 0 >/dev/null
	ctl key $KEY_LEFTALT 0 >/dev/null
	ctl pointer 1200 700 >/dev/null
	if settled_shot "$TMP/moved.png"; then
		r=$(pyimg "$TMP/moved.png" "$NEAR" "
bad=[]
if not near(img.get(X0 + 200 + 2, Y0 + 200 + 2), (0x33, 0x66, 0x99)): bad.append(('new place', img.get(X0 + 202, Y0 + 202)))
if not near(img.get(X0 + 8, Y0 + 4), BG): bad.append(('old place', img.get(X0 + 8, Y0 + 4)))
print(bad or 'ok')")
		[ "$r" = ok ] && pass alt_drag_moves_window || fail alt_drag_moves_window "$r"
	else fail alt_drag_moves_window "$WHY"; fi
	# the Alt+click was the compositor's, not the client's
	[ "$(grep -c "^button $BTN_LEFT 1" "$TMP/a.out")" = 1 ] && pass alt_click_not_forwarded \
		|| fail alt_click_not_forwarded "client got the Alt+click"
else
	for c in keyboard_focus key_events pointer_events pointer_leave alt_drag_moves_window \
		 alt_click_not_forwarded; do fail $c "$WHY"; done
fi
stop_stack

# Title bar drag and Alt+Tab with two windows
start_stack
if client a --size 200x150 --color ffff0000 --ssd && client b --size 200x150 --color ff0000ff --ssd; then
	# b (the second place) is on top of a (the first); they overlap at (X0, Y0) + STEP + (20, 16)
	if settle && mark && ctl key $KEY_LEFTALT 1 >/dev/null && ctl key $KEY_TAB 1 >/dev/null &&
	   ctl key $KEY_TAB 0 >/dev/null && ctl key $KEY_LEFTALT 0 >/dev/null &&
	   settled_shot "$TMP/alttab.png"; then
		r=$(pyimg "$TMP/alttab.png" "$NEAR" "
p = img.get(X0 + STEP + 20, Y0 + STEP + 16)
print('ok' if near(p, (255, 0, 0)) else ('overlap is', p))")
		[ "$r" = ok ] && pass alt_tab_raises || fail alt_tab_raises "$r"
	else fail alt_tab_raises "$WHY"; fi
	# drag a's title bar (its middle: Y0 - TITLE / 2) by (400, 300)
	ty=$((Y0 - TITLE / 2))
	mark
	ctl pointer $((X0 + 28)) $ty >/dev/null; ctl button $BTN_LEFT 1 >/dev/null
	ctl pointer $((X0 + 228)) $((ty + 150)) >/dev/null; ctl pointer $((X0 + 428)) $((ty + 300)) >/dev/null
	ctl button $BTN_LEFT 0 >/dev/null; ctl pointer 1200 700 >/dev/null
	if settled_shot "$TMP/titledrag.png"; then
		r=$(pyimg "$TMP/titledrag.png" "$NEAR" "
bad=[]
if not near(img.get(X0 + 400 + 5, Y0 + 300 + 5), (255, 0, 0)): bad.append(('new place', img.get(X0 + 405, Y0 + 305)))
if not near(img.get(X0 + 8, Y0 + 4), BG): bad.append(('old place', img.get(X0 + 8, Y0 + 4)))
print(bad or 'ok')")
		[ "$r" = ok ] && pass title_bar_drag || fail title_bar_drag "$r"
	else fail title_bar_drag "$WHY"; fi
	# the middle of the close box of a's bar, now at (X0 + 400, Y0 + 300): the frame's
	# right edge is BORDER past the 200 px window, the box CLOSE_RIGHT in from it.
	fx=$((X0 + 400 + 200 + LAYOUT_BORDER)) fy=$((Y0 + 300 - TITLE))
	ctl pointer $((fx - LAYOUT_CLOSE_RIGHT - LAYOUT_CLOSE_SIZE / 2)) \
		$((fy + LAYOUT_CLOSE_TOP + LAYOUT_CLOSE_SIZE / 2)) >/dev/null
	ctl button $BTN_LEFT 1 >/dev/null; ctl button $BTN_LEFT 0 >/dev/null
	expect a "close" && pass close_box || fail close_box "$WHY"
else
	for c in alt_tab_raises title_bar_drag close_box; do fail $c "$WHY"; done
fi
stop_stack
# A grabbing popup takes the keyboard; a click outside dismisses it and the
# keyboard goes back to its window.
start_stack
if client p --input --size 300x200 --color ff808080 --popup 20,20,100x80,ff00ffff; then
	if ! expect p "key-enter popup"; then fail popup_keyboard_grab "the popup did not get the keyboard: $WHY"
	else
		ctl key $KEY_A 1 >/dev/null; ctl key $KEY_A 0 >/dev/null
		ctl pointer 900 600 >/dev/null; ctl button $BTN_LEFT 1 >/dev/null; ctl button $BTN_LEFT 0 >/dev/null
		if ! expect p "key $KEY_A 1"; then fail popup_keyboard_grab "no key in the popup: $WHY"
		elif ! expect p "popup-done"; then fail popup_keyboard_grab "a click outside did not dismiss it: $WHY"
		elif [ "$(tail -n +$(grep -n 'key-enter popup' "$TMP/p.out" | cut -d: -f1) "$TMP/p.out" | grep -cx 'key-enter')" -lt 1 ]; then
			fail popup_keyboard_grab "the keyboard did not return to the window"
		else pass popup_keyboard_grab; fi
	fi
else fail popup_keyboard_grab "$WHY"; fi
stop_stack

# Alt+right-drag resizes (foot honours the configured size): 700x500 -> 800x550
if command -v foot >/dev/null; then
	start_stack
	foot -o font=monospace:size=8 >"$TMP/foot.log" 2>&1 &
	PIDS+=($!)
	WHY=
	if mapped && settle; then
		mark
		ctl key $KEY_LEFTALT 1 >/dev/null; ctl pointer 300 300 >/dev/null; ctl button 273 1 >/dev/null
		ctl pointer 350 325 >/dev/null; ctl pointer 400 350 >/dev/null
		ctl button 273 0 >/dev/null; ctl key $KEY_LEFTALT 0 >/dev/null; ctl pointer 1200 700 >/dev/null
	fi
	if [ -z "$WHY" ] && settled_shot "$TMP/resized.png"; then
		r=$(pyimg "$TMP/resized.png" "
bad=[]
if img.get(X0 + 790, Y0 + 540) == BG: bad.append(('grown corner is background',))
if img.get(X0 + 805, Y0 + 555) != BG: bad.append(('beyond the new size', img.get(X0 + 805, Y0 + 555)))
print(bad or 'ok')")
		[ "$r" = ok ] && pass alt_right_drag_resizes || fail alt_right_drag_resizes "$r"
	else fail alt_right_drag_resizes "$WHY"; fi
	stop_stack
else
	skip alt_right_drag_resizes "foot not installed"
fi
exit 0
