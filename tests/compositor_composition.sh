#!/bin/bash
# compositor_composition.sh - pixel checks of what the GPU composited:
# translucent windows over each other, subsurfaces, popups, partial damage,
# title bars and the cursor. Windows are placed at (32 + 48k, 56 + 48k).
HERE=$(dirname "$0"); BIN=$HERE/../bin
. "$(dirname "$(readlink -f "$0")")/compositor_lib.sh"

# 1. translucent over opaque
start_stack
if client a --size 300x200 --color ffff0000 && client b --size 300x200 --color 800000ff; then
	settle; shot "$TMP/overlap.png"
	r=$(pyimg "$TMP/overlap.png" "$NEAR" "
bad=[]
# a: 32..332 x 56..256 red; b: 80..380 x 104..304, 50% blue on top
if not near(img.get(40, 60), (255, 0, 0)): bad.append(('red', img.get(40, 60)))
if not near(img.get(150, 150), (127, 0, 128)): bad.append(('blue-over-red', img.get(150, 150)))
if not near(img.get(350, 280), (16, 24, 160)): bad.append(('blue-over-bg', img.get(350, 280)))
if not near(img.get(390, 310), BG): bad.append(('bg', img.get(390, 310)))
print(bad or 'ok')")
	[ "$r" = ok ] && pass translucent_overlap || fail translucent_overlap "$r"
else fail translucent_overlap "clients did not start"; fi
stop_stack

# 2. subsurface (synchronized, placed at 50,40 of its parent) and 3. popup
start_stack
if client a --size 200x150 --color ff00ff00 --sub 50,40,60x30,ffffff00 --popup 120,100,80x60,ff00ffff; then
	settle; shot "$TMP/sub.png"
	r=$(pyimg "$TMP/sub.png" "$NEAR" "
bad=[]
if not near(img.get(32+5, 56+5), (0, 255, 0)): bad.append(('parent', img.get(37, 61)))
if not near(img.get(32+50, 56+40), (255, 255, 0)): bad.append(('sub-tl', img.get(82, 96)))
if not near(img.get(32+109, 56+69), (255, 255, 0)): bad.append(('sub-br', img.get(141, 125)))
if not near(img.get(32+110, 56+70), (0, 255, 0)): bad.append(('after-sub', img.get(142, 126)))
print(bad or 'ok')")
	[ "$r" = ok ] && pass subsurface || fail subsurface "$r"
	r=$(pyimg "$TMP/sub.png" "$NEAR" "
bad=[]
# popup geometry at parent (32,56) + (120,100), 80x60, partly outside the parent
if not near(img.get(152, 156), (0, 255, 255)): bad.append(('popup-tl', img.get(152, 156)))
if not near(img.get(231, 215), (0, 255, 255)): bad.append(('popup-br', img.get(231, 215)))
if not near(img.get(232, 216), BG): bad.append(('after-popup', img.get(232, 216)))
if not near(img.get(151, 155), (0, 255, 0)): bad.append(('parent-next-to-popup', img.get(151, 155)))
print(bad or 'ok')")
	[ "$r" = ok ] && pass popup || fail popup "$r"
else fail subsurface "client did not start"; fail popup "client did not start"; fi
stop_stack

# 4. damage: a 20x20 commit changes exactly those pixels, and once the
# buffer-age history has caught up, the GPU repaints exactly those 400 pixels
export GFX_COMPOSITOR_VERBOSE=1
start_stack
unset GFX_COMPOSITOR_VERBOSE
if client a --size 300x200 --color ff404040 --damage 10,10,20x20,ffffffff; then
	settle; shot "$TMP/before.png"
	kill -USR1 "$a_PID"
	for _ in $(seq 60); do grep -q '^damaged' "$TMP/a.out" 2>/dev/null && break; sleep 0.05; done
	settle; shot "$TMP/after.png"
	r=$(pyimg "$TMP/after.png" "
before = Img('$TMP/before.png')
xs, ys, n = [], [], 0
for y in range(img.h):
    if img.rows[y] == before.rows[y]: continue
    for x in range(img.w):
        if img.get(x, y) != before.get(x, y): xs.append(x); ys.append(y); n += 1
if not n: print('nothing changed')
elif (min(xs), min(ys), max(xs), max(ys), n) != (42, 66, 61, 85, 400): print('changed', min(xs), min(ys), max(xs), max(ys), n, 'pixels')
elif img.get(50, 70) != (255, 255, 255): print('damaged area is', img.get(50, 70))
else: print('ok')")
	[ "$r" = ok ] && pass damage_only_damaged_area || fail damage_only_damaged_area "$r"
	for i in 2 3; do	# the same damage again: this frame's and the last frame's are 400 px
		kill -USR1 "$a_PID"
		for _ in $(seq 60); do [ "$(grep -c '^damaged' "$TMP/a.out")" -ge $i ] && break; sleep 0.05; done
		settle
	done
	last=$(grep -E "painted [0-9]+ px" "$TMP/compositor.log" | tail -1)
	[[ "$last" == *"painted 400 px in 1 rects"* ]] && pass gpu_repaints_only_damage \
		|| fail gpu_repaints_only_damage "last frame: ${last#gfx-compositor: }"
else fail damage_only_damaged_area "client did not start"; fi
stop_stack

# 4b. occlusion: a part updated while covered shows once uncovered
start_stack
if client a --size 300x200 --color ff404040 --damage 100,100,40x40,ffffffff &&
   client b --size 300x200 --color ff0000ff; then
	kill -USR1 "$a_PID"
	for _ in $(seq 60); do grep -q '^damaged' "$TMP/a.out" 2>/dev/null && break; sleep 0.05; done
	settle; shot "$TMP/covered.png"
	ctl key 56 1 >/dev/null; ctl key 15 1 >/dev/null; ctl key 15 0 >/dev/null; ctl key 56 0 >/dev/null
	settle; shot "$TMP/uncovered.png"
	r=$(pyimg "$TMP/covered.png" "
c = img.get(150, 170)
u = Img('$TMP/uncovered.png').get(150, 170)
print('ok' if c == (0, 0, 255) and u == (255, 255, 255) else ('covered', c, 'uncovered', u))")
	[ "$r" = ok ] && pass occluded_update_shown_when_raised || fail occluded_update_shown_when_raised "$r"
else fail occluded_update_shown_when_raised "clients did not start"; fi
stop_stack

# 5. server-side title bar and 6. cursor
start_stack
if client a --size 200x150 --color ff808080 --ssd; then
	ctl pointer 600 400 >/dev/null
	settle; shot "$TMP/ssd.png"
	r=$(pyimg "$TMP/ssd.png" "$NEAR" "
bad=[]
if not near(img.get(40, 56-12), (0x3a, 0x6e, 0xa5)): bad.append(('title', img.get(40, 44)))
if not near(img.get(40, 60), (128, 128, 128)): bad.append(('window', img.get(40, 60)))
if not near(img.get(40, 56-25), BG): bad.append(('above-title', img.get(40, 31)))
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
else fail server_side_title_bar "client did not start"; fail cursor "client did not start"; fi
stop_stack
exit 0
