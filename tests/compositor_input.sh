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
	if ! expect a "key-enter"; then fail keyboard_focus "no wl_keyboard.enter"
	elif ! grep -qE '^keymap 1 [0-9]+' "$TMP/a.out"; then fail keyboard_focus "no xkb keymap"
	elif ! expect a "repeat 25 600"; then fail keyboard_focus "no repeat info"
	else pass keyboard_focus; fi
	ctl key $KEY_A 1 >/dev/null; ctl key $KEY_A 0 >/dev/null
	if expect a "key $KEY_A 1" && expect a "key $KEY_A 0"; then pass key_events
	else fail key_events "client saw: $(grep '^key ' "$TMP/a.out" | tr '\n' ' ')"; fi
	# pointer: (100, 100) is (68, 44) in the window at (32, 56)
	ctl pointer 100 100 >/dev/null
	ctl pointer 110 105 >/dev/null
	ctl button $BTN_LEFT 1 >/dev/null; ctl button $BTN_LEFT 0 >/dev/null
	if ! expect a "pointer-enter 68 44"; then fail pointer_events "no enter at 68,44: $(grep pointer "$TMP/a.out")"
	elif ! expect a "motion 78 49"; then fail pointer_events "no motion to 78,49"
	elif ! expect a "button $BTN_LEFT 1" || ! expect a "button $BTN_LEFT 0"; then fail pointer_events "no button"
	else pass pointer_events; fi
	ctl pointer 900 600 >/dev/null
	expect a "pointer-leave" && pass pointer_leave || fail pointer_leave "no leave outside the window"

	# Alt+drag from (100,100) to (300,300) moves the window by (200,200)
	ctl key $KEY_LEFTALT 1 >/dev/null
	ctl pointer 100 100 >/dev/null
	ctl button $BTN_LEFT 1 >/dev/null
	ctl pointer 200 200 >/dev/null
	ctl pointer 300 300 >/dev/null
	ctl button $BTN_LEFT 0 >/dev/null
	ctl key $KEY_LEFTALT 0 >/dev/null
	ctl pointer 1200 700 >/dev/null
	settle; shot "$TMP/moved.png"
	r=$(pyimg "$TMP/moved.png" "$NEAR" "
bad=[]
if not near(img.get(232+2, 256+2), (0x33, 0x66, 0x99)): bad.append(('new place', img.get(234, 258)))
if not near(img.get(40, 60), BG): bad.append(('old place', img.get(40, 60)))
print(bad or 'ok')")
	[ "$r" = ok ] && pass alt_drag_moves_window || fail alt_drag_moves_window "$r"
	# the Alt+click was the compositor's, not the client's
	[ "$(grep -c "^button $BTN_LEFT 1" "$TMP/a.out")" = 1 ] && pass alt_click_not_forwarded \
		|| fail alt_click_not_forwarded "client got the Alt+click"
else
	fail keyboard_focus "client did not start"
fi
stop_stack

# Title bar drag and Alt+Tab with two windows
start_stack
if client a --size 200x150 --color ffff0000 --ssd && client b --size 200x150 --color ff0000ff --ssd; then
	# b (80,104) is on top of a (32,56); overlap at (100,120)
	ctl key $KEY_LEFTALT 1 >/dev/null; ctl key $KEY_TAB 1 >/dev/null
	ctl key $KEY_TAB 0 >/dev/null; ctl key $KEY_LEFTALT 0 >/dev/null
	settle; shot "$TMP/alttab.png"
	r=$(pyimg "$TMP/alttab.png" "$NEAR" "print('ok' if near(img.get(100, 120), (255, 0, 0)) else ('overlap is', img.get(100, 120)))")
	[ "$r" = ok ] && pass alt_tab_raises || fail alt_tab_raises "$r"
	# drag a's title bar (y = 56 - 12) by (400, 300)
	ctl pointer 60 44 >/dev/null; ctl button $BTN_LEFT 1 >/dev/null
	ctl pointer 260 194 >/dev/null; ctl pointer 460 344 >/dev/null
	ctl button $BTN_LEFT 0 >/dev/null; ctl pointer 1200 700 >/dev/null
	settle; shot "$TMP/titledrag.png"
	r=$(pyimg "$TMP/titledrag.png" "$NEAR" "
bad=[]
if not near(img.get(432+5, 356+5), (255, 0, 0)): bad.append(('new place', img.get(437, 361)))
if not near(img.get(40, 60), BG): bad.append(('old place', img.get(40, 60)))
print(bad or 'ok')")
	[ "$r" = ok ] && pass title_bar_drag || fail title_bar_drag "$r"
	# the close box of a's bar (now at 432,356: frame right edge 432+200+1, box 16 px, 5 px in)
	ctl pointer $((432 + 201 - 5 - 8)) $((356 - 24 + 12)) >/dev/null
	ctl button $BTN_LEFT 1 >/dev/null; ctl button $BTN_LEFT 0 >/dev/null
	expect a "close" && pass close_box || fail close_box "no xdg_toplevel.close"
else
	fail alt_tab_raises "clients did not start"
fi
stop_stack
# A grabbing popup takes the keyboard; a click outside dismisses it and the
# keyboard goes back to its window.
start_stack
if client p --input --size 300x200 --color ff808080 --popup 20,20,100x80,ff00ffff; then
	if ! expect p "key-enter popup"; then fail popup_keyboard_grab "the popup did not get the keyboard"
	else
		ctl key $KEY_A 1 >/dev/null; ctl key $KEY_A 0 >/dev/null
		ctl pointer 900 600 >/dev/null; ctl button $BTN_LEFT 1 >/dev/null; ctl button $BTN_LEFT 0 >/dev/null
		if ! expect p "key $KEY_A 1"; then fail popup_keyboard_grab "no key in the popup"
		elif ! expect p "popup-done"; then fail popup_keyboard_grab "a click outside did not dismiss it"
		elif [ "$(tail -n +$(grep -n 'key-enter popup' "$TMP/p.out" | cut -d: -f1) "$TMP/p.out" | grep -cx 'key-enter')" -lt 1 ]; then
			fail popup_keyboard_grab "the keyboard did not return to the window"
		else pass popup_keyboard_grab; fi
	fi
else fail popup_keyboard_grab "client did not start"; fi
stop_stack

# Alt+right-drag resizes (foot honours the configured size): 700x500 -> 800x550
if command -v foot >/dev/null; then
	start_stack
	foot -o font=monospace:size=8 >"$TMP/foot.log" 2>&1 &
	PIDS+=($!)
	for _ in $(seq 200); do grep -q "map toplevel" "$TMP/compositor.log" && break; sleep 0.05; done
	settle
	ctl key $KEY_LEFTALT 1 >/dev/null; ctl pointer 300 300 >/dev/null; ctl button 273 1 >/dev/null
	ctl pointer 350 325 >/dev/null; ctl pointer 400 350 >/dev/null
	ctl button 273 0 >/dev/null; ctl key $KEY_LEFTALT 0 >/dev/null; ctl pointer 1200 700 >/dev/null
	settle; shot "$TMP/resized.png"
	r=$(pyimg "$TMP/resized.png" "
bad=[]
if img.get(32 + 790, 56 + 540) == BG: bad.append(('grown corner is background',))
if img.get(32 + 805, 56 + 555) != BG: bad.append(('beyond the new size', img.get(837, 611)))
print(bad or 'ok')")
	[ "$r" = ok ] && pass alt_right_drag_resizes || fail alt_right_drag_resizes "$r"
	stop_stack
else
	skip alt_right_drag_resizes "foot not installed"
fi
exit 0
