# guest_drm.sh - the gfx_drm cases, sourced by tests/vm/guest.sh (in the
# guest, after the uio cases). drm_cases switches the GPU from uio_gfx to
# gfx_drm (rmmod, insmod: one boot for both drivers), then runs the uapi,
# KMS, fault, fuzzing, lifetime and peer cases through guest.sh's case_.
#
# At the end gfx_drm is loaded and bound: /dev/dri/card0 and renderD128 are
# its nodes (no other DRM driver is loaded), so cases run after drm_cases can
# use it as GFX_DEVICE=drm (card: KMS and rendering) or drm-render, or open
# the nodes directly. drm_ok is 1 when it bound and still is at the end.
#
# Uses guest.sh's case_, result, host_ctl, slab, $bin, $tests, $out, $kmod.

drm_kmod=$(dirname "$kmod")/gfx_drm.ko
drm_pci= drm_ok=0

# The PCI address of the reference GPU: the 1af4:1110 whose BAR2 is largest.
drm_find_pci() {
	local d v id best=0 size
	for d in /sys/bus/pci/devices/*; do
		read -r v <"$d/vendor"; read -r id <"$d/device"
		[ "$v" = 0x1af4 ] && [ "$id" = 0x1110 ] || continue
		size=$(stat -c %s "$d/resource2" 2>/dev/null || echo 0)
		[ "$size" -gt "$best" ] && { best=$size; drm_pci=${d##*/}; }
	done
	[ -n "$drm_pci" ]
}

drm_driver_of() { local l; l=$(readlink "/sys/bus/pci/devices/$1/driver" 2>/dev/null) && echo "${l##*/}"; }

# Build and bind: uio_gfx out, gfx_drm in; card + render node; the foreign
# ivshmem device is left alone (the build itself is vm-kmod-build, W=1 and sparse).
drm_bind() {
	local d n=0 free=0 drv card render
	drm_find_pci || { echo "no ivshmem GPU on the PCI bus"; return 1; }
	rmmod uio_gfx 2>/dev/null
	modprobe drm_kms_helper || { echo "modprobe drm_kms_helper failed"; return 1; }
	insmod "$drm_kmod" || { echo "insmod $drm_kmod failed"; return 1; }
	for _ in $(seq 50); do [ -e /sys/bus/pci/devices/$drm_pci/drm ] && break; sleep 0.1; done
	card=$(ls /sys/bus/pci/devices/$drm_pci/drm 2>/dev/null | grep '^card' | head -1)
	render=$(ls /sys/bus/pci/devices/$drm_pci/drm 2>/dev/null | grep '^renderD' | head -1)
	[ "$card" = card0 ] && [ "$render" = renderD128 ] ||
		{ echo "nodes of $drm_pci: '$card' '$render', want card0 and renderD128"; return 1; }
	[ -c /dev/dri/card0 ] && [ -c /dev/dri/renderD128 ] || { echo "no /dev/dri nodes"; return 1; }
	for d in /sys/bus/pci/devices/*; do
		[ "$(cat "$d/vendor")" = 0x1af4 ] && [ "$(cat "$d/device")" = 0x1110 ] || continue
		n=$((n + 1)); drv=$(drm_driver_of "${d##*/}")
		[ "${d##*/}" = "$drm_pci" ] && { [ "$drv" = gfx_drm ] || { echo "the GPU is bound to '$drv'"; return 1; }; continue; }
		[ -z "$drv" ] && free=$((free + 1))
	done
	[ $n -ge 2 ] && [ $free = $((n - 1)) ] || { echo "$free of $((n - 1)) foreign ivshmem devices unbound"; return 1; }
	dmesg | grep -q 'gfx_drm .*no reference GPU here' || { echo "no log line for the foreign device"; return 1; }
	echo "ok gfx_drm bound $drm_pci: card0 + renderD128; the foreign ivshmem device left alone"
}

drm_expect_mode() { host_ctl stats | sed -n 's/^mode //p'; }

drm_uapi() {
	local vram mode rc
	vram=$(stat -c %s "/sys/bus/pci/devices/$drm_pci/resource2") && mode=$(drm_expect_mode) &&
		[ -n "$mode" ] || { echo "cannot learn the device's VRAM size and mode"; return 1; }
	modprobe vgem 2>/dev/null	# a foreign exporter and importer, if the kernel has it
	timeout 300 "$bin/gfx-vm-drm" uapi "$vram" "$mode"; rc=$?
	rmmod vgem 2>/dev/null
	return $rc
}

drm_hz() { local m; m=$(drm_expect_mode); m=${m#*@}; printf '%.0f' "$m"; }

drm_kms() { timeout 120 "$bin/gfx-vm-drm" kms "$out/drm-kms.png" "$(drm_hz)"; }

drm_kill9() {
	local free pid
	free=$("$bin/gfx-vm-drm" state) || return 1
	rm -f "$out/drm-spin.ready"
	"$bin/gfx-vm-drm" spin "$out/drm-spin.ready" >"$out/drm-spin.log" 2>&1 &
	pid=$!
	for _ in $(seq 300); do [ -f "$out/drm-spin.ready" ] && break; sleep 0.05; done
	[ -f "$out/drm-spin.ready" ] || { kill -9 $pid; echo "the spinner never got going: $(tail -1 "$out/drm-spin.log")"; return 1; }
	sleep 0.5
	kill -9 $pid; wait $pid 2>/dev/null
	timeout 30 "$bin/gfx-vm-drm" settle "$free"
}

# Unbind/bind x20 without and with a client, rmmod/insmod x20; no slab growth.
drm_reload() {
	local before after g=$bin/gfx-vm-drm
	local w
	w=$("$g" rebind "$drm_pci" 5 hold 2>&1) || { echo "$w"; return 1; }
	w=$("$g" reload "$drm_kmod" 2 2>&1) || { echo "$w"; return 1; }
	before=$(slab)
	"$g" rebind "$drm_pci" 20 | sed 's/^ok //' || return 1
	"$g" rebind "$drm_pci" 20 hold | sed 's/^ok //' || return 1
	"$g" reload "$drm_kmod" 20 | sed 's/^ok //' || return 1
	after=$(slab)
	# The slab level wanders by itself here: the holders' forks, new kworkers
	# and caches merged into kmalloc-* moved it by up to ~130 kB over these 60
	# cycles, while slub_debug=U tracking of kmalloc-192 (the job's size) showed
	# the same live objects before and after 50 cycles with a client. A leaked
	# device (drm_device, minors, mode objects, sysfs) is well over 10 kB a
	# cycle; each new device must also be card0 (the old one was released),
	# and drm_mm_takedown at every release complains about any buffer left.
	[ $((after - before)) -le 256 ] || { echo "SUnreclaim grew by $((after - before)) kB over 60 cycles"; return 1; }
	echo "ok 20 unbind/bind, 20 with a client open, 20 rmmod/insmod; unreclaimable slab $before -> $after kB"
}

# ---- peers ----

drm_conn_id() { modetest -M gfx_drm -c 2>/dev/null | awk '/^Connectors:/ {getline; getline; print $1; exit}'; }

# drm_paced NAME HZ VALUES: the rates a peer printed (one per 60 events, from
# its own clock) show events paced by the vblank: over the whole run, never
# faster than the mode (a late print shortens the next interval, so the check
# is on the total, not each reading). Too slow is not a driver fault: a busy
# TCG host makes the peer miss vblanks (on a host loaded to 6x its CPUs every
# reading fell to 26-52 Hz); vm-drm-kms checks the driver's own counts.
drm_paced() {
	echo "$3" | awk -v hz="$2" '{ for (i = 1; i <= NF; i++) if ($i > 0) { n++; t += 1 / $i } else exit 1 }
		END { exit !(n > 0 && n / t <= hz * 1.05) }' || { echo "$1: $3 Hz, the mode is $2 Hz"; return 1; }
}

# modetest sets the mode and page-flips with -v; it prints freq: every 60 flips.
drm_modetest() {
	local conn mode hz log=$out/drm-modetest.log f
	conn=$(drm_conn_id); mode=$(drm_expect_mode); mode=${mode%@*}; hz=$(drm_hz)
	[ -n "$conn" ] || { echo "modetest -c lists no connector"; return 1; }
	(sleep 9; echo) | timeout 30 modetest -M gfx_drm -s "$conn:$mode" -v >"$log" 2>&1
	f=$(grep -o 'freq: [0-9.]*' "$log" | awk '{print $2}' | tail -n +2 | tr '\n' ' ')
	[ -n "$f" ] || { echo "no freq lines from modetest -v: $(tail -2 "$log" | tr '\n' ' ')"; return 1; }
	drm_paced "modetest flips" "$hz" "$f" || return 1
	echo "ok modetest -s $conn:$mode -v: $f Hz"
}

# vbltest while modetest holds the mode (vbltest sets none).
drm_vbltest() {
	local conn mode hz log=$out/drm-vbltest.log f mpid
	conn=$(drm_conn_id); mode=$(drm_expect_mode); mode=${mode%@*}; hz=$(drm_hz)
	(sleep 10; echo) | modetest -M gfx_drm -s "$conn:$mode" >"$out/drm-vbl-modetest.log" 2>&1 &
	mpid=$!
	sleep 1
	(sleep 8; echo) | timeout 20 vbltest -M gfx_drm >"$log" 2>&1
	wait $mpid
	f=$(grep -o 'freq: [0-9.]*' "$log" | awk '{print $2}' | tail -n +2 | tr '\n' ' ')
	[ -n "$f" ] || { echo "no freq lines from vbltest: $(tail -2 "$log" | tr '\n' ' ')"; return 1; }
	drm_paced "vbltest" "$hz" "$f" || return 1
	echo "ok vbltest: $f Hz"
}

# proptest lists the connector's and CRTC's properties (it asks for no
# atomic or universal-plane cap), then sets DPMS through them.
drm_proptest() {
	local log=$out/drm-proptest.log conn
	timeout 30 proptest -M gfx_drm >"$log" 2>&1 || { echo "proptest failed: $(tail -1 "$log")"; return 1; }
	grep -q '^Connector' "$log" && grep -q '^CRTC' "$log" && grep -q 'DPMS' "$log" ||
		{ echo "proptest lists no connector, CRTC or DPMS property"; return 1; }
	conn=$(drm_conn_id)
	timeout 30 proptest -M gfx_drm "$conn" connector 2 0 >>"$log" 2>&1 || { echo "proptest could not set DPMS on"; return 1; }
	echo "ok proptest: $(grep -c 'flags:' "$log") properties listed, DPMS set"
}

drm_info_run() {
	local log=$out/drm-info.log
	timeout 60 drm_info >"$log" 2>&1 || { echo "drm_info failed: $(tail -1 "$log")"; return 1; }
	grep -q 'gfx_drm' "$log" || { echo "drm_info does not show gfx_drm"; return 1; }
	echo "ok drm_info: $(grep -m1 -o 'gfx_drm[^)]*' "$log")"
}

# Screenshots: the picture before a client, with it, and a moment later (it animates).
drm_shot() { host_ctl screenshot "$1" >/dev/null; }
drm_diff() { "$bin/gfx-vm-drm" diff "$1" "$2" | sed 's/^ok //'; }

# drm_until FILE SECONDS TEST...: screenshots into FILE until TEST succeeds.
drm_until() {
	local f=$1 end=$(( $(uptime_cs) + $2 * 100 )); shift 2
	while [ "$(uptime_cs)" -lt $end ]; do
		drm_shot "$f" && "$@" >/dev/null && return 0
		sleep 0.3
	done
	"$@"
	return 1
}
# drm_changed A B N: at least N pixels differ between A (- for black) and B.
drm_changed() { local n; read -r n _ <<<"$(drm_diff "$1" "$2")"; [ "${n:-0}" -ge "$3" ] || { echo "$n pixels changed"; return 1; }; }

# weston-simple-shm's 250x250 window animates: between two screenshots 0.5 s
# apart, 1000+ pixels change, all inside a 260x260 box, in 50+ colours.
drm_simple_shm_seen() {
	local n x y w h c
	sleep 0.5
	drm_shot "$2" || return 1
	read -r n x y w h c <<<"$(drm_diff "$1" "$2")"
	[ "${n:-0}" -ge 1000 ] && [ "$w" -le 260 ] && [ "$h" -le 260 ] && [ "$c" -ge 50 ] ||
		{ echo "no animating weston-simple-shm window: $n pixels changed in ${w}x$h at $x,$y, $c colours"; return 1; }
	echo "ok its window animates at $x,$y: $n pixels in ${w}x$h changed in 0.5 s, $c colours"
}

drm_weston() {
	local log=$out/drm-weston.log pid cpid rc=0 msg
	export XDG_RUNTIME_DIR; XDG_RUNTIME_DIR=$(mktemp -d /tmp/xdg.XXXXXX) || return 1
	# The desktop shell without its panel (no clock that changes between
	# screenshots); kiosk-shell in Weston 10 never maps weston-simple-shm.
	printf '[core]\nidle-time=0\n[shell]\npanel-position=none\nbackground-color=0xff203040\n' \
		>"$XDG_RUNTIME_DIR/weston.ini"
	weston --backend=drm-backend.so --use-pixman --tty=2 --continue-without-input \
		--config="$XDG_RUNTIME_DIR/weston.ini" --socket=wl-drm --log="$log" >/dev/null 2>&1 &
	pid=$!
	for _ in $(seq 300); do [ -S "$XDG_RUNTIME_DIR/wl-drm" ] && break; kill -0 $pid 2>/dev/null || break; sleep 0.1; done
	if ! [ -S "$XDG_RUNTIME_DIR/wl-drm" ]; then
		echo "weston did not start: $(grep -iE 'error|fail|fatal' "$log" | tail -2 | tr '\n' ' ')"
		kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$XDG_RUNTIME_DIR"; return 1
	fi
	# The desktop shell's background, then the client's window over it.
	msg=$(drm_until "$out/drm-weston-1.png" 30 "$bin/gfx-vm-drm" shot "$out/drm-weston-1.png" \
		0,0=203040 960,540=203040 1919,1079=203040) || { msg="weston's background never showed: $msg"; rc=1; }
	WAYLAND_DISPLAY=wl-drm weston-simple-shm >"$out/drm-weston-shm.log" 2>&1 &
	cpid=$!
	if [ $rc = 0 ]; then
		msg=$(drm_until "$out/drm-weston-2.png" 30 drm_changed "$out/drm-weston-1.png" "$out/drm-weston-2.png" 30000) &&
			msg=$(drm_simple_shm_seen "$out/drm-weston-2.png" "$out/drm-weston-3.png") || rc=1
	fi
	kill $cpid 2>/dev/null; wait $cpid 2>/dev/null
	kill -TERM $pid; for _ in $(seq 100); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
	kill -0 $pid 2>/dev/null && { kill -9 $pid; msg="weston did not exit on SIGTERM"; rc=1; }
	wait $pid 2>/dev/null
	rm -rf "$XDG_RUNTIME_DIR"
	echo "${msg:-no screenshots}" | sed "s/^ok /ok weston $(weston --version | awk '{print $2}') drm-backend (pixman): weston-simple-shm: /"
	return $rc
}

# cage refuses to run as root (it checks that root cannot be regained), so it
# runs as nobody, logged in on the active VT as a user would be: that tty is
# its controlling terminal (libseat's builtin seatd needs that for the VT
# ioctls), and the user may open it, tty0 and the DRM nodes for the test.
drm_cage() {
	local log=$out/drm-cage.log pid rc=0 msg modes n i=0 vt nodes
	vt=$(cat /sys/class/tty/tty0/active) || return 1
	nodes="/dev/tty0 /dev/$vt /dev/dri/card0 /dev/dri/renderD128"
	command -v Xwayland >/dev/null || { echo "cage 0.1.4 exits without Xwayland (package xwayland)"; return 1; }
	local xdg; xdg=$(mktemp -d /tmp/xdg.XXXXXX) || return 1
	chown nobody:nogroup "$xdg"
	modes=($(stat -c '%a' $nodes))
	chmod 666 $nodes
	local before=$out/drm-cage-0.png
	drm_shot "$before" || before=-	# nothing on screen yet
	XDG_RUNTIME_DIR=$xdg WLR_RENDERER=pixman LIBSEAT_BACKEND=builtin WLR_LIBINPUT_NO_DEVICES=1 \
		setpriv --reuid=nobody --regid=nogroup --clear-groups setsid --ctty \
		cage -- weston-simple-shm <"/dev/$vt" >"$log" 2>&1 &
	pid=$!
	msg=$(drm_until "$out/drm-cage-1.png" 30 drm_changed "$before" "$out/drm-cage-1.png" 30000) &&
		msg=$(drm_simple_shm_seen "$out/drm-cage-1.png" "$out/drm-cage-2.png") || rc=1
	kill -0 $pid 2>/dev/null || { msg="cage exited: $(grep -iE 'error|fail' "$log" | tail -2 | tr '\n' ' ')"; rc=1; }
	kill -TERM $pid 2>/dev/null; for _ in $(seq 50); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
	kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null	# cage 0.1.4 aborts on SIGTERM (wl_display_terminate)
	for n in $nodes; do chmod "${modes[$i]}" "$n"; i=$((i + 1)); done
	rm -rf "$xdg"
	echo "${msg:-no screenshots}" | sed 's/^ok /ok cage (wlroots 0.15, pixman) shows weston-simple-shm: /'
	return $rc
}

drm_gbm() { GBM_ALWAYS_SOFTWARE=1 timeout 120 "$bin/gfx-vm-drm" gbm "$out/drm-gbm.png"; }

# DRM_CASES="bind uapi ..." (environment) runs only those; the default is all.
drm_case() {
	local name=$1; shift
	[ -z "${DRM_CASES:-}" ] || [[ " $DRM_CASES " == *" ${name#vm-drm-} "* ]] || return 0
	case_ "$name" "$@"
}

# A peer case, or a SKIP naming what is missing.
drm_peer() {
	local name=$1 need=$2; shift 2
	command -v "$need" >/dev/null || { result "SKIP $name: $need is not installed (scripts/install-deps.sh vm)"; return; }
	drm_case "$name" "$@"
}

drm_cases() {
	if [ ! -f "$drm_kmod" ]; then result "SKIP vm-drm: $drm_kmod was not built"; return; fi
	if [ ! -x "$bin/gfx-vm-drm" ]; then result "SKIP vm-drm: $bin/gfx-vm-drm is not built (libdrm-dev, libpng-dev)"; return; fi
	drm_find_pci
	case_ vm-drm-bind drm_bind
	[ -n "$drm_pci" ] && [ "$(drm_driver_of "$drm_pci")" = gfx_drm ] && drm_ok=1 ||
		{ result "FAIL vm-drm: gfx_drm did not bind, the other drm cases are skipped"; return; }
	drm_case vm-drm-uapi drm_uapi
	drm_case vm-drm-kms drm_kms
	for c in modifier timestamps past order sequence testonly ebusy; do
		drm_case vm-kms-uapi-$c timeout 120 "$bin/gfx-vm-kms-uapi" $c
	done
	for c in page lazy syncfile; do
		drm_case vm-drm-fence-$c timeout 120 "$bin/gfx-vm-drm-fence" $c
	done
	for c in draw clear uapi share; do
		drm_case vm-drm-userq-$c timeout 120 "$bin/gfx-vm-drm-userq" $c
	done
	for c in export uapi hang; do
		drm_case vm-drm-userq-fence-$c timeout 120 "$bin/gfx-vm-drm-userq-fence" $c
	done
	drm_case vm-drm-userq-gone timeout 120 "$bin/gfx-vm-drm-userq" gone "$drm_pci"
	drm_case vm-drm-userq-fence-gone timeout 120 "$bin/gfx-vm-drm-userq-fence" gone "$drm_pci"
	drm_case vm-drm-hang timeout 60 "$bin/gfx-vm-drm" hang
	drm_case vm-drm-dropped-irqs timeout 60 "$bin/gfx-vm-drm" dropped
	drm_case vm-drm-two-clients timeout 60 "$bin/gfx-vm-drm" two
	drm_case vm-drm-fuzz timeout 900 "$bin/gfx-vm-drm" fuzz 100000
	drm_case vm-drm-kill9 drm_kill9
	drm_peer vm-drm-modetest modetest drm_modetest
	drm_peer vm-drm-vbltest vbltest drm_vbltest
	drm_peer vm-drm-proptest proptest drm_proptest
	drm_peer vm-drm-info drm_info drm_info_run
	drm_peer vm-drm-weston weston drm_weston
	drm_peer vm-drm-cage cage drm_cage
	if ldd "$bin/gfx-vm-drm" | grep -q libgbm; then drm_case vm-drm-gbm drm_gbm
	else result "SKIP vm-drm-gbm: gfx-vm-drm was built without GBM (libgbm-dev)"; fi
	drm_case vm-drm-reload drm_reload
	[ "$(drm_driver_of "$drm_pci")" = gfx_drm ] && [ -c /dev/dri/card0 ] || drm_ok=0
}
