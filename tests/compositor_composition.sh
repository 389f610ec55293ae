#!/bin/bash
# compositor_composition.sh - pixel checks of what the GPU composited:
# translucent windows over each other, subsurfaces, popups, partial damage,
# title bars, the cursor, a client's cursor and its hotspot, and attach
# offsets (the window or the hotspot moves by them). Windows cascade from (X0, Y0) by STEP
# (compositor/layout.h, through compositor_lib.sh).
HERE=$(dirname "$0"); BIN=$HERE/../bin
. "$(dirname "$(readlink -f "$0")")/compositor_lib.sh"

# 1. translucent over opaque
start_stack
if client a --size 300x200 --color ffff0000 && client b --size 300x200 --color 800000ff &&
   settled_shot "$TMP/overlap.png"; then
	r=$(pyimg "$TMP/overlap.png" "$NEAR" "
bad=[]
# a: 300x200 red at (X0, Y0); b: 300x200 50% blue on top at (X0, Y0) + STEP
bx, by = X0 + STEP, Y0 + STEP
if not near(img.get(X0 + 8, Y0 + 4), (255, 0, 0)): bad.append(('red', img.get(X0 + 8, Y0 + 4)))
if not near(img.get(bx + 70, by + 46), (127, 0, 128)): bad.append(('blue-over-red', img.get(bx + 70, by + 46)))
over_bg = tuple(round(c * 127 / 255) + add for c, add in zip(BG, (0, 0, 128)))  # 50% blue OVER BG
if not near(img.get(bx + 270, by + 176), over_bg): bad.append(('blue-over-bg', img.get(bx + 270, by + 176), over_bg))
if not near(img.get(bx + 310, by + 206), BG): bad.append(('bg', img.get(bx + 310, by + 206)))
print(bad or 'ok')")
	[ "$r" = ok ] && pass translucent_overlap || fail translucent_overlap "$r"
else fail translucent_overlap "$WHY"; fi
stop_stack

# 2. subsurface (synchronized, placed at 50,40 of its parent) and 3. popup
start_stack
if client a --size 200x150 --color ff00ff00 --sub 50,40,60x30,ffffff00 --popup 120,100,80x60,ff00ffff &&
   settled_shot "$TMP/sub.png"; then
	r=$(pyimg "$TMP/sub.png" "$NEAR" "
bad=[]
if not near(img.get(X0+5, Y0+5), (0, 255, 0)): bad.append(('parent', img.get(X0+5, Y0+5)))
if not near(img.get(X0+50, Y0+40), (255, 255, 0)): bad.append(('sub-tl', img.get(X0+50, Y0+40)))
if not near(img.get(X0+109, Y0+69), (255, 255, 0)): bad.append(('sub-br', img.get(X0+109, Y0+69)))
if not near(img.get(X0+110, Y0+70), (0, 255, 0)): bad.append(('after-sub', img.get(X0+110, Y0+70)))
print(bad or 'ok')")
	[ "$r" = ok ] && pass subsurface || fail subsurface "$r"
	r=$(pyimg "$TMP/sub.png" "$NEAR" "
bad=[]
# popup geometry at the parent's origin + (120,100), 80x60, partly outside the parent
px, py = X0 + 120, Y0 + 100
if not near(img.get(px, py), (0, 255, 255)): bad.append(('popup-tl', img.get(px, py)))
if not near(img.get(px + 79, py + 59), (0, 255, 255)): bad.append(('popup-br', img.get(px + 79, py + 59)))
if not near(img.get(px + 80, py + 60), BG): bad.append(('after-popup', img.get(px + 80, py + 60)))
if not near(img.get(px - 1, py - 1), (0, 255, 0)): bad.append(('parent-next-to-popup', img.get(px - 1, py - 1)))
print(bad or 'ok')")
	[ "$r" = ok ] && pass popup || fail popup "$r"
else fail subsurface "$WHY"; fail popup "$WHY"; fi
stop_stack

# 4. damage: a 20x20 commit changes exactly those pixels, and once the
# buffer-age history has caught up, the GPU repaints exactly those 400 pixels
export GFX_COMPOSITOR_VERBOSE=1
start_stack
unset GFX_COMPOSITOR_VERBOSE
if client a --size 300x200 --color ff404040 --damage 10,10,20x20,ffffffff && settled_shot "$TMP/before.png" &&
   mark && kill -USR1 "$a_PID" && expect_n a '^damaged' 1 && settled_shot "$TMP/after.png"; then
	r=$(pyimg "$TMP/after.png" "
before = Img('$TMP/before.png')
xs, ys, n = [], [], 0
for y in range(img.h):
    if img.rows[y] == before.rows[y]: continue
    for x in range(img.w):
        if img.get(x, y) != before.get(x, y): xs.append(x); ys.append(y); n += 1
want = (X0 + 10, Y0 + 10, X0 + 29, Y0 + 29, 400)
if not n: print('nothing changed')
elif (min(xs), min(ys), max(xs), max(ys), n) != want: print('changed', min(xs), min(ys), max(xs), max(ys), n, 'pixels, expected', want)
elif img.get(X0 + 18, Y0 + 14) != (255, 255, 255): print('damaged area is', img.get(X0 + 18, Y0 + 14))
else: print('ok')")
	[ "$r" = ok ] && pass damage_only_damaged_area || fail damage_only_damaged_area "$r"
	WHY=
	for i in 2 3; do	# the same damage again: this frame's and the last frame's are 400 px
		mark && kill -USR1 "$a_PID" && expect_n a '^damaged' $i && settle || break
	done
	last=$(grep -E "painted [0-9]+ px" "$TMP/compositor.log" | tail -1)
	if [ -n "$WHY" ]; then fail gpu_repaints_only_damage "$WHY"
	elif [[ "$last" == *"painted 400 px in 1 rects"* ]]; then pass gpu_repaints_only_damage
	else fail gpu_repaints_only_damage "last frame: ${last#gfx-compositor: }"; fi
else fail damage_only_damaged_area "$WHY"; fail gpu_repaints_only_damage "$WHY"; fi
stop_stack

# 4b. occlusion: a part updated while covered shows once uncovered
alt_tab() { ctl key 56 1 >/dev/null && ctl key 15 1 >/dev/null && ctl key 15 0 >/dev/null && ctl key 56 0 >/dev/null; }
start_stack
if client a --size 300x200 --color ff404040 --damage 100,100,40x40,ffffffff &&
   client b --size 300x200 --color ff0000ff && kill -USR1 "$a_PID" && expect_n a '^damaged' 1 &&
   settled_shot "$TMP/covered.png" && mark && alt_tab && settled_shot "$TMP/uncovered.png"; then
	r=$(pyimg "$TMP/covered.png" "
c = img.get(X0 + 118, Y0 + 114)
u = Img('$TMP/uncovered.png').get(X0 + 118, Y0 + 114)
print('ok' if c == (0, 0, 255) and u == (255, 255, 255) else ('covered', c, 'uncovered', u))")
	[ "$r" = ok ] && pass occluded_update_shown_when_raised || fail occluded_update_shown_when_raised "$r"
else fail occluded_update_shown_when_raised "$WHY"; fi
stop_stack

# 5. server-side title bar and 6. cursor
start_stack
if client a --size 200x150 --color ff808080 --ssd && ctl pointer 600 400 >/dev/null &&
   settled_shot "$TMP/ssd.png"; then
	r=$(pyimg "$TMP/ssd.png" "$NEAR" "
bad=[]
if not near(img.get(X0 + 8, Y0 - TITLE // 2), rgb(FRAME_ACTIVE)): bad.append(('title', img.get(X0 + 8, Y0 - TITLE // 2)))
if not near(img.get(X0 + 8, Y0 + 4), (128, 128, 128)): bad.append(('window', img.get(X0 + 8, Y0 + 4)))
if not near(img.get(X0 + 8, Y0 - TITLE - 1), BG): bad.append(('above-title', img.get(X0 + 8, Y0 - TITLE - 1)))
print(bad or 'ok')")
	[ "$r" = ok ] && pass server_side_title_bar || fail server_side_title_bar "$r"
	r=$(pyimg "$TMP/ssd.png" "$NEAR" "
bad=[]
if not near(img.get(600, 400), (0, 0, 0)): bad.append(('tip', img.get(600, 400)))
if not near(img.get(601, 403), (255, 255, 255)): bad.append(('body', img.get(601, 403)))
if not near(img.get(611, 400), BG): bad.append(('beside', img.get(611, 400)))
if not near(img.get(640, 360), BG): bad.append(('old place', img.get(640, 360)))
print(bad or 'ok')")
	[ "$r" = ok ] && pass cursor || fail cursor "$r"
else fail server_side_title_bar "$WHY"; fail cursor "$WHY"; fi
stop_stack

# 7. an attach offset moves the window by it (wl_surface.attach's x, y)
start_stack
if client a --size 200x150 --color ff00ff00 --offset 40,30 && settled_shot "$TMP/off0.png" &&
   mark && kill -USR2 "$a_PID" && expect_n a '^offset' 1 && settled_shot "$TMP/off1.png"; then
	r=$(pyimg "$TMP/off1.png" "$NEAR" "
bad=[]
before = Img('$TMP/off0.png')
if not near(before.get(X0 + 5, Y0 + 5), (0, 255, 0)): bad.append(('before', before.get(X0 + 5, Y0 + 5)))
if not near(img.get(X0 + 5, Y0 + 5), BG): bad.append(('old corner', img.get(X0 + 5, Y0 + 5)))
if not near(img.get(X0 + 45, Y0 + 35), (0, 255, 0)): bad.append(('new corner', img.get(X0 + 45, Y0 + 35)))
if not near(img.get(X0 + 40 + 195, Y0 + 30 + 145), (0, 255, 0)): bad.append(('new far corner', img.get(X0 + 235, Y0 + 175)))
print(bad or 'ok')")
	[ "$r" = ok ] && pass attach_offset_moves_window || fail attach_offset_moves_window "$r"
else fail attach_offset_moves_window "$WHY"; fi
stop_stack

# 8. a client's cursor sits at the pointer by its hotspot (4,4), and an
# attach offset of (-2,-3) on the cursor surface moves the hotspot to (6,7)
start_stack
if client c --size 300x200 --color ff808080 --cursor 4,4,8x8,ffff0000 --offset -2,-3 --offset-cursor &&
   ctl pointer 200 150 >/dev/null && expect c "cursor-set" && settled_shot "$TMP/hot0.png" &&
   mark && kill -USR2 "$c_PID" && expect_n c '^offset' 1 && settled_shot "$TMP/hot1.png"; then
	r=$(pyimg "$TMP/hot1.png" "$NEAR" "
bad=[]
before = Img('$TMP/hot0.png')
RED = (255, 0, 0)
# hotspot (4,4): the 8x8 square covers (196..203, 146..153)
if not near(before.get(196, 146), RED): bad.append(('before top-left', before.get(196, 146)))
if not near(before.get(203, 153), RED): bad.append(('before bottom-right', before.get(203, 153)))
if near(before.get(204, 154), RED): bad.append(('before past it', before.get(204, 154)))
# hotspot (6,7): (194..201, 143..150)
if not near(img.get(194, 143), RED): bad.append(('after top-left', img.get(194, 143)))
if not near(img.get(201, 150), RED): bad.append(('after bottom-right', img.get(201, 150)))
if near(img.get(203, 153), RED): bad.append(('after: old corner still red', img.get(203, 153)))
print(bad or 'ok')")
	[ "$r" = ok ] && pass cursor_hotspot_and_attach_offset || fail cursor_hotspot_and_attach_offset "$r"
else fail cursor_hotspot_and_attach_offset "$WHY"; fi
stop_stack
exit 0
