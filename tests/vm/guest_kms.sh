# guest_kms.sh - libgfx's kms driver on display drivers nobody here wrote,
# sourced by tests/vm/guest.sh after the gfx_drm cases (it uses
# guest_compositor.sh's helpers and guest.sh's case_, result, libgfx_suite).
#
# QEMU gives the guest a virtio-gpu and a bochs-display (tests/vm/vmlib.sh);
# for each, the upstream driver is loaded and:
#   vm-kms-DRIVER-gfx-hello   gfx-hello on kms:CARD; QEMU's own picture of the
#                             device (QMP screendump, from outside the guest) is
#                             compared with the GPU model's (check-vm.sh)
#   vm-kms-DRIVER:*           the libgfx suites that apply, on kms:CARD
#   vm-kms-DRIVER-compositor-scene   the compositor's fixed scene: QEMU's picture
#                             of the device equals the uio run's, pixel for pixel
#   vm-kms-DRIVER-compositor-clients weston-simple-shm, weston-terminal and foot
#                             show their windows on the device
#   vm-kms-DRIVER-cursor      gfx_cursor_set/move: on virtio_gpu (a cursor plane) QEMU's
#                             trace shows the cursor shown, moved and hidden; bochs
#                             (none) refuses them with EOPNOTSUPP
#   vm-kms-virtio_gpu-display-change   virtio-gpu's display resized from outside
#                             (vnc-resize): virtio_gpu's hotplug uevent, the
#                             compositor follows (comp_display_change)
#   vm-kms-virtio_gpu-damage  a flip of the buffer on screen with damage makes
#                             the device flush only the damage (QEMU's trace of
#                             RESOURCE_FLUSH, vmlib.sh); bad damage is refused
#   vm-kms-DRIVER-legacy:*, vm-kms-virtio_gpu-legacy-damage   the display suite
#                             and the damage case on the legacy path
#                             (GFX_KMS_LEGACY=1: SetCrtc, PageFlip, DIRTYFB)
# DRIVER is the module (virtio_gpu, bochs); its QEMU device id is vgpu or bochs.

KMS_DRIVERS="virtio_gpu:vgpu bochs:bochs"

# The card of the DRM driver of MODULE's device, as /dev/dri/cardN.
kms_card() {
	local c drv
	for c in /sys/class/drm/card[0-9]*; do
		case ${c##*/} in *-*) continue ;; esac	# a connector, not a card
		drv=$(basename "$(readlink "$c/device/driver")")
		case $1:$drv in
		virtio_gpu:virtio-pci|bochs:bochs*) echo "/dev/dri/${c##*/}"; return 0 ;;
		esac
	done
	return 1
}

kms_load() {
	modprobe "$1" || { echo "modprobe $1 failed"; return 1; }
	for _ in $(seq 50); do kms_card "$1" >/dev/null && break; sleep 0.1; done
	kms_card "$1" >/dev/null || { echo "$1 made no card"; return 1; }
	echo "ok $1 bound: $(kms_card "$1")"
}

# kms_hello MODULE ID: gfx-hello holds its picture while QEMU takes one.
kms_hello() {
	local card pid
	card=$(kms_card "$1") || return 1
	timeout 90 "$bin/gfx-hello" --hold 30 "kms:$card" >"$out/kms-hello-$1.log" 2>&1 &
	pid=$!
	for _ in $(seq 300); do grep -q 'on screen' "$out/kms-hello-$1.log" && break; sleep 0.1; done
	grep -q 'on screen' "$out/kms-hello-$1.log" ||
		{ kill $pid; echo "gfx-hello: $(tail -1 "$out/kms-hello-$1.log")"; return 1; }
	host_ctl qmp-screendump "$2" "$out/hello-kms-$1.png" >/dev/null ||
		{ kill $pid; echo "no screendump of $2"; return 1; }
	kill $pid; wait $pid 2>/dev/null
	echo "ok $(head -1 "$out/kms-hello-$1.log" | sed 's/^gfx-hello: //'); QEMU's picture taken"
}

# kms_scene MODULE ID: the compositor's scene on the device, against the uio run's.
kms_scene_run() {
	local card n mask= plane=
	card=$(kms_card "$1") || return 1
	COMP_SHOT_DEV=$2 comp_scene "kms:$card" "kms-$1" || return 1
	[ -f "$out/comp-uio.png" ] || { echo "no uio picture to compare with (its case failed)"; return 1; }
	if [ "$1" = virtio_gpu ]; then	# a cursor plane: the arrow is QEMU's to lay over
		comp_cursor_on_plane "$out/comp-kms-$1.png" || return 1
		mask=$(comp_arrow_mask "$out/comp-uio.png") plane=" but the arrow, which is on the cursor plane"
	fi
	n=$("$tests/helpers/png-diff" "$out/comp-uio.png" "$out/comp-kms-$1.png" $mask) || return 1
	[ "$n" = 0 ] || { echo "$n pixels differ from the uio run's scene (comp-kms-$1.png, comp-uio.png)"; return 1; }
	echo "ok QEMU's picture of the device equals the uio run's scene, pixel for pixel$plane"
}
kms_scene() { kms_scene_run "$@"; local rc=$?; comp_stop; return $rc; }

kms_clients() {
	local card
	card=$(kms_card "$1") || return 1
	COMP_SHOT_DEV=$2 comp_clients "kms:$card" "kms-$1"
}

# The size and offset of the newest RESOURCE_FLUSH in QEMU's trace, "WxH+X+Y".
kms_last_flush() {
	sed -n 's/^virtio_gpu_cmd_res_flush res 0x[0-9a-f]*, w \([0-9]*\), h \([0-9]*\), x \([0-9]*\), y \([0-9]*\)$/\1x\2+\3+\4/p' \
		"$out/qemu-trace.log" | tail -1
}

# steps_run SEEN PROGRAM ARGS...: PROGRAM prints "step NAME" and waits for a
# line on stdin after each step; SEEN NAME then waits until QEMU's trace
# shows the step (a while at most: the device works apart from the caller)
# and prints what it shows. STEPS_SEEN gets "NAME: SEEN; " for each step,
# STEPS_OK the program's "ok" line; false (and why) if the program failed.
steps_run() {
	local seen=$1 line; shift
	STEPS_SEEN= STEPS_OK=
	coproc STEPS { "$@" 2>&1; }
	local pid=$STEPS_PID in=${STEPS[0]} to=${STEPS[1]}
	while read -r -t 60 line <&"$in"; do
		case $line in
		"step "*) STEPS_SEEN+="${line#step }: $("$seen" "${line#step }"); "; echo >&"$to" ;;
		ok*) STEPS_OK=$line ;;
		*) echo "$line"; kill "$pid" 2>/dev/null; return 1 ;;
		esac
	done
	wait "$pid"
	[ -n "$STEPS_OK" ] || { echo "${1##*/} failed: $STEPS_SEEN"; return 1; }
}

# The newest RESOURCE_FLUSH once it is the one step NAME makes (the flush
# reaches QEMU after the flip's event).
damage_seen() {
	local flush
	for _ in $(seq 50); do
		flush=$(kms_last_flush)
		case $1:$flush in
		whole:*+0+0|same-buffer:64x32+100+50|other-buffer:*+0+0) break ;;
		esac
		sleep 0.1
	done
	echo "flush $flush"
}

# kms_damage MODULE: gfx-vm-kms-damage's steps against the flushes QEMU saw.
kms_damage() {
	local card
	card=$(kms_card "$1") || return 1
	[ -f "$out/qemu-trace.log" ] || { echo "no QEMU trace at $out/qemu-trace.log"; return 1; }
	steps_run damage_seen "$bin/gfx-vm-kms-damage" "kms:$card" || return 1
	case $STEPS_SEEN in
	*"same-buffer: flush 64x32+100+50;"*) echo "$STEPS_OK; $STEPS_SEEN" ;;
	*) kms_damage_ignored && return 77
	   echo "the same buffer's damage was not what the device flushed: $STEPS_SEEN"; return 1 ;;
	esac
}

# Since 6.8 virtio_gpu's atomic check sets the plane state's ignore_damage_clips
# when the framebuffer changes, and (6.12.118's source) the core's
# __drm_atomic_helper_plane_duplicate_state copies the flag into every later
# state and nothing clears it: after the first flip, every flush is whole,
# commit and DIRTYFB alike, whatever damage libgfx passes.
kms_damage_ignored() {
	local v=$(uname -r) major minor
	major=${v%%.*}; minor=${v#*.}; minor=${minor%%.*}
	[ "$major" -gt 6 ] || { [ "$major" = 6 ] && [ "$minor" -ge 8 ]; } || return 1
	echo "virtio_gpu on $v ignores FB_DAMAGE_CLIPS after the first framebuffer change (the plane state's ignore_damage_clips is never cleared): the device was asked for whole flushes: $STEPS_SEEN"
}

# The newest cursor command QEMU's virtio-gpu took: "x X, y Y, update|move, res 0xN".
last_cursor() {
	sed -n 's/^virtio_gpu_update_cursor scanout 0, \(.*\)$/\1/p' "$out/qemu-trace.log" | tail -1
}

# cursor_case SPEC [none]: gfx-vm-cursor's steps against the cursor commands
# QEMU's trace shows (SPEC on the virtio-gpu: kms through virtio_gpu, or
# virtio); "none": a display without a cursor, which must refuse it. The
# place is the hotspot's (libgfx's virtio driver) or the image's top-left
# (virtio_gpu, whose cursor plane sends its CRTC_X/Y): hotspot (3, 4).
cursor_case() {
	steps_run cursor_seen "$bin/gfx-vm-cursor" "$1" || return 1
	if [ "${2:-}" = none ]; then
		case $STEPS_OK in "ok no hardware cursor"*) echo "$STEPS_OK"; return 0 ;; esac
		echo "a cursor on a display that has none: $STEPS_OK"; return 1
	fi
	case $STEPS_SEEN in
	*"shown: x 200, y 150, update"*"moved: x 300, y 250, move"*"hidden: "*"update, res 0x0; "|\
	*"shown: x 197, y 146, move"*"moved: x 297, y 246, move"*"hidden: "*"update, res 0x0; ")
		echo "$STEPS_OK; QEMU's cursor queue: $STEPS_SEEN" ;;
	*) echo "the cursor commands QEMU took are not the steps': $STEPS_SEEN"; return 1 ;;
	esac
}

# The newest cursor command once it is the one step NAME makes.
cursor_seen() {
	local cmd
	for _ in $(seq 30); do
		cmd=$(last_cursor)
		case $1:$cmd in
		"shown:x 200, y 150, update, res 0x"[1-9]*|"shown:x 197, y 146, move, res 0x"[1-9]*|\
		"moved:x 300, y 250, move"*|"moved:x 297, y 246, move"*|\
		"hidden:"*"update, res 0x0") break ;;
		esac
		sleep 0.1
	done
	echo "$cmd"
}

kms_cases() {
	local d m id card
	for d in $KMS_DRIVERS; do
		m=${d%%:*} id=${d#*:}
		if ! modinfo "$m" >/dev/null 2>&1; then
			result "SKIP vm-kms-$m: no $m module for $(uname -r)"
			continue
		fi
		case_ "vm-kms-$m-bind" kms_load "$m" || continue
		card=$(kms_card "$m")
		case_ "vm-kms-$m-gfx-hello" kms_hello "$m" "$id"
		for t in $LIBGFX_SUITES; do libgfx_suite "$t" "kms-$m" "kms:$card"; done
		case_ "vm-kms-$m-compositor-scene" kms_scene "$m" "$id"
		case_ "vm-kms-$m-compositor-clients" kms_clients "$m" "$id"
		if [ "$m" = virtio_gpu ]; then
			case_ "vm-kms-$m-cursor" cursor_case "kms:$card"
		else
			case_ "vm-kms-$m-cursor" cursor_case "kms:$card" none
		fi
		if [ "$m" = virtio_gpu ]; then
			case_ "vm-kms-$m-display-change" comp_display_change "kms:$card" "kms-$m"
			case_ "vm-kms-$m-damage" kms_damage "$m"
		fi
		# The legacy path (SetCrtc, PageFlip, DIRTYFB), forced on a driver that has atomic.
		GFX_KMS_LEGACY=1 libgfx_suite test_libgfx_display "kms-$m-legacy" "kms:$card"
		if [ "$m" = virtio_gpu ]; then
			GFX_KMS_LEGACY=1 case_ "vm-kms-$m-legacy-damage" kms_damage "$m"
		fi
	done
}
