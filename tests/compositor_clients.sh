#!/bin/bash
# compositor_clients.sh - real Debian clients in gfx-compositor: each window
# must show on the scanout (a gfx-ctl screenshot) at the place and size the
# compositor gave it: the first window's geometry goes to the layout's first
# place (X0, Y0: compositor/layout.h, through compositor_lib.sh).
HERE=$(dirname "$0"); BIN=$HERE/../bin
. "$(dirname "$(readlink -f "$0")")/compositor_lib.sh"

# check_client NAME WANT_SIZE CMD...: WANT_SIZE is WxH or "any". MIN_COVER:
# the part of the window that must differ from the background (0.9; weston-flower
# is a translucent flower of random shape).
check_client() {
	local name=$1 want=$2 cover=${MIN_COVER:-0.9}; shift 2
	if ! command -v "$1" >/dev/null; then skip "$name" "$1 not installed"; return; fi
	start_stack || { fail "$name" "stack did not start"; return; }
	"$@" >"$TMP/$name.log" 2>&1 &
	local cpid=$! line=""
	PIDS+=("$cpid")
	if ! mapped || ! drawn || ! shot "$TMP/$name.png"; then
		fail "$name" "$WHY ($(tail -1 "$TMP/$name.log"))"
		kill "$cpid" 2>/dev/null; wait "$cpid" 2>/dev/null
		stop_stack; return
	fi
	kill "$cpid" 2>/dev/null; wait "$cpid" 2>/dev/null
	line=$(grep -m1 "map toplevel" "$TMP/compositor.log")
	local geo x y w h
	geo=$(sed -E 's/.* at ([0-9-]+),([0-9-]+) size ([0-9]+)x([0-9]+).*/\1 \2 \3 \4/' <<<"$line")
	read -r x y w h <<<"$geo"
	if [ "$x,$y" != "$X0,$Y0" ]; then fail "$name" "placed at $x,$y, expected $X0,$Y0"
	elif [ "$want" != any ] && [ "${w}x$h" != "$want" ]; then fail "$name" "size ${w}x$h, expected $want"
	elif ! alive; then fail "$name" "compositor died"
	else
		# Inside the geometry: mostly not background. A ring 48 px outside: background.
		local out
		out=$(pyimg "$TMP/$name.png" "
x,y,w,h=$x,$y,$w,$h
inside=[img.get(x+i*w//20, y+j*h//20) for i in range(1,20) for j in range(1,20)]
frac=sum(p!=BG for p in inside)/len(inside)
ring=[]
for i in range(0,41):
    for (px,py) in ((x-48+(w+96)*i//40, y-48), (x-48+(w+96)*i//40, y+h+48), (x-48, y-48+(h+96)*i//40), (x+w+48, y-48+(h+96)*i//40)):
        if 0<=px<img.w and 0<=py<img.h: ring.append(img.get(px,py))
bad=sum(p!=BG for p in ring)
print('%.2f %d' % (frac, bad))")
		read -r frac bad <<<"$out"
		if [ -z "$frac" ]; then fail "$name" "screenshot unreadable"
		elif awk "BEGIN{exit !($frac < $cover)}"; then fail "$name" "window content missing: only $frac of it differs from the background"
		elif [ "$bad" -gt 0 ]; then fail "$name" "$bad pixels outside the window are not background"
		else pass "$name"; fi
	fi
	stop_stack
}

check_client weston-simple-shm 250x250 weston-simple-shm
check_client weston-simple-damage 300x200 weston-simple-damage
check_client weston-presentation-shm 250x250 weston-presentation-shm
check_client weston-terminal any weston-terminal
MIN_COVER=0.05 check_client weston-flower 200x200 weston-flower
check_client foot 700x500 foot -o font=monospace:size=8

# wayland-info: every global at the version clients need.
if command -v wayland-info >/dev/null; then
	start_stack
	timeout 5 wayland-info >"$TMP/wayland-info.txt" 2>&1
	rc=$?
	missing=""
	for want in wl_compositor:5 wl_subcompositor:1 wl_shm:1 xdg_wm_base:3 wl_seat:5 \
		    wl_data_device_manager:3 wl_output:2 wp_presentation:1 wp_viewporter:1 \
		    zxdg_decoration_manager_v1:1; do
		iface=${want%:*} min=${want#*:}
		v=$(grep -E "interface: '$iface'," "$TMP/wayland-info.txt" | sed -E 's/.*version: *([0-9]+).*/\1/')
		[ -n "$v" ] && [ "$v" -ge "$min" ] || missing="$missing $iface(v${v:-none}<$min)"
	done
	grep -q "'AR24'" "$TMP/wayland-info.txt" && grep -q "'XR24'" "$TMP/wayland-info.txt" &&
		grep -q "'RG16'" "$TMP/wayland-info.txt" \
		|| missing="$missing shm-formats"
	grep -qE "width: *1280 px, height: *720 px, refresh: *60.000 Hz" "$TMP/wayland-info.txt" \
		|| missing="$missing output-mode"
	if [ $rc -ne 0 ]; then fail wayland-info "exit status $rc"
	elif [ -n "$missing" ]; then fail wayland-info "missing:$missing"
	else pass wayland-info; fi
	stop_stack
else
	skip wayland-info "not installed"
fi
exit 0
