# guest_compositor.sh - gfx-compositor on both kernel paths, sourced by
# tests/vm/guest.sh (in the guest).
#
#   comp_scene_case uio   while uio_gfx is loaded: a fixed scene of test
#                         clients composited, its scanout kept as comp-uio.png
#   comp_scene_case drm   the same scene on gfx_drm (card0); its scanout must
#                         equal the uio run's pixel for pixel
#   comp_clients_drm      weston-simple-shm, weston-terminal and foot run on
#                         gfx_drm; each window shows on the scanout
#   comp_display_change SPEC TAG   virtio-gpu's display resized from outside
#                         (a VNC viewer's resize, and a storm of them): the
#                         compositor follows; QEMU's pictures are checked
#   comp_feedback_drm     wp_presentation feedback on gfx_drm carries the
#                         DRM page-flip event's sequence (one step per
#                         frame) and time (the guest's CLOCK_MONOTONIC)
#
# Uses guest.sh's result, case_, host_ctl, $bin, $tests, $out.

COMP_PIDS=()
comp_stop() {
	local p
	for p in "${COMP_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${COMP_PIDS[@]}"; do wait "$p" 2>/dev/null; done
	COMP_PIDS=()
	[ -n "${COMP_RUN:-}" ] && rm -rf "$COMP_RUN"
	COMP_RUN=
}

# comp_wait SECONDS CMD...: CMD every 0.1 s until it succeeds.
comp_wait() {
	local i n=$(($1 * 10)); shift
	for ((i = 0; i < n; i++)); do "$@" 2>/dev/null && return 0; sleep 0.1; done
	return 1
}

# comp_start SPEC: gfx-compositor on SPEC in a private runtime dir.
comp_start() {
	COMP_RUN=$(mktemp -d /tmp/comp.XXXXXX) || return 1
	export XDG_RUNTIME_DIR=$COMP_RUN WAYLAND_DISPLAY=wl-vm
	"$bin/gfx-compositor" --device "$1" --socket wl-vm >"$out/comp-$2.log" 2>&1 &
	COMP_PIDS+=($!)
	comp_wait 30 test -S "$COMP_RUN/wl-vm" ||
		{ echo "the compositor did not start on $1: $(tail -1 "$out/comp-$2.log")"; return 1; }
}

# comp_client TAG ARGS...: the test client; waits for its "ready".
comp_client() {
	local tag=$1; shift
	"$tests/helpers/compositor-test-client" "$@" >"$COMP_RUN/$tag.out" 2>"$COMP_RUN/$tag.err" &
	COMP_PIDS+=($!)
	comp_wait 30 grep -q '^ready' "$COMP_RUN/$tag.out" ||
		{ echo "client $tag never got ready: $(tail -1 "$COMP_RUN/$tag.err")"; return 1; }
}

# comp_shot FILE: the scanout, through the host's gfx-ctl.
# COMP_SHOT_DEV: a QEMU display device's id (QMP screendump) instead of our GPU.
comp_shot() {
	if [ -n "${COMP_SHOT_DEV:-}" ]; then
		host_ctl qmp-screendump "$COMP_SHOT_DEV" /tmp/comp-shot.png >/dev/null
	else
		host_ctl screenshot /tmp/comp-shot.png >/dev/null
	fi && cp /tmp/comp-shot.png "$1"
}

# A stable screenshot: two taken 0.5 s apart are identical (the scene is drawn).
comp_stable_shot() {
	local i
	for i in $(seq 20); do
		comp_shot "$1.a" && sleep 0.5 && comp_shot "$1" && cmp -s "$1.a" "$1" && { rm -f "$1.a"; return 0; }
	done
	echo "the scanout never settled"
	return 1
}

# Three solid windows, one translucent, one with a subsurface; no animation.
comp_scene() {
	comp_start "$1" "scene-$2" || return 1
	comp_client a --size 320x240 --color ff336699 --ssd &&
		comp_client b --size 200x160 --color 80cc3333 &&
		comp_client c --size 260x180 --color ff20c040 --sub 40,30,64x48,ffffff00 || return 1
	comp_stable_shot "$out/comp-$2.png"
}

comp_scene_case_run() {
	local tag=$1 spec=uio
	[ "$tag" = drm ] && spec=drm:/dev/dri/card0
	comp_scene "$spec" "$tag" || return 1
	if [ "$tag" = uio ]; then
		echo "ok the scene composited on uio, kept as comp-uio.png"
		return 0
	fi
	[ -f "$out/comp-uio.png" ] || { echo "no uio picture to compare with (its case failed)"; return 1; }
	cmp -s "$out/comp-uio.png" "$out/comp-drm.png" ||
		{ echo "the drm scanout differs from the uio run's (comp-drm.png, comp-uio.png)"; return 1; }
	echo "ok the drm scanout is identical to the uio run's ($(stat -c %s "$out/comp-drm.png") bytes of PNG)"
}
comp_scene_case() { comp_scene_case_run "$1"; local rc=$?; comp_stop; return $rc; }

# Pixels that differ between two screenshots.
comp_changed() { "$tests/helpers/png-diff" "$1" "$2"; }

# comp_clients_run SPEC TAG: each real client, alone: it connects, its window
# shows up on the scanout, it keeps running.
comp_clients_run() {
	local spec=$1 tag=$2 c pid n before=$out/comp-empty.png after
	# The terminals need ptys; the guest's /dev is a bare devtmpfs.
	mkdir -p /dev/pts && { mountpoint -q /dev/pts || mount -t devpts devpts /dev/pts; } ||
		{ echo "cannot mount devpts for the terminals"; return 1; }
	comp_start "$spec" "clients-$tag" || return 1
	comp_stable_shot "$before" || return 1
	for c in weston-simple-shm weston-terminal foot; do
		command -v "$c" >/dev/null || { echo "$c is not installed"; return 1; }
		"$c" >"$out/comp-$c.log" 2>&1 &
		pid=$!; COMP_PIDS+=($pid)
		after=$out/comp-$tag-$c.png
		for _ in $(seq 30); do
			sleep 0.5
			comp_shot "$after" || return 1
			n=$(comp_changed "$before" "$after") || return 1
			[ "$n" -gt 2000 ] && break
		done
		[ "$n" -gt 2000 ] || { echo "$c: no window on the scanout ($n pixels changed)"; return 1; }
		kill -0 $pid 2>/dev/null || { echo "$c exited: $(tail -1 "$out/comp-$c.log")"; return 1; }
		kill $pid; wait $pid 2>/dev/null
		sleep 1
		comp_stable_shot "$before" || return 1
		echo "$c: window shown ($n pixels changed)" >>"$out/comp-clients.txt"
	done
	echo "ok $(tr '\n' ';' <"$out/comp-clients.txt")"
}
comp_clients() { rm -f "$out/comp-clients.txt"; comp_clients_run "$@"; local rc=$?; comp_stop; return $rc; }
comp_clients_drm() { comp_clients drm:/dev/dri/card0 drm; }

# 120 frames of feedback: the sequence only grows, the times are in our
# CLOCK_MONOTONIC, and time per sequence step is the mode's period (so
# sequence and time come from the same vblanks). Missed frames are counted,
# not judged: under TCG on a loaded host they vary.
comp_feedback_drm_run() {
	local t0 t1
	comp_start drm:/dev/dri/card0 feedback || return 1
	t0=$(python3 -c 'import time; print(time.clock_gettime_ns(time.CLOCK_MONOTONIC))')
	"$tests/helpers/compositor-test-client" --size 256x256 --color ff102030 --feedback 120 \
		>"$COMP_RUN/fb.out" 2>"$COMP_RUN/fb.err" &
	COMP_PIDS+=($!)
	comp_wait 60 grep -q '^feedback-done' "$COMP_RUN/fb.out" ||
		{ echo "only $(grep -c '^presented' "$COMP_RUN/fb.out") of 120 frames presented"; return 1; }
	t1=$(python3 -c 'import time; print(time.clock_gettime_ns(time.CLOCK_MONOTONIC))')
	python3 - "$COMP_RUN/fb.out" "$t0" "$t1" <<'PY'
import sys
lines = [l.split() for l in open(sys.argv[1]) if l.startswith('presented')]
t0, t1 = int(sys.argv[2]), int(sys.argv[3])
seqs = [int(l[1]) for l in lines]; times = [int(l[2]) for l in lines]
steps = [b - a for a, b in zip(seqs, seqs[1:])]
bad = [s for s in steps if s < 1]
out = []
if len(lines) < 100: out.append('%d frames' % len(lines))
if bad: out.append('sequence went back or stood: %s' % bad[:5])
if any(t < t0 or t > t1 for t in times): out.append('times outside [%d, %d]: %s' % (t0, t1, times[:3]))
period = (times[-1] - times[0]) / max(1, seqs[-1] - seqs[0])
if not 15.0e6 < period < 18.5e6: out.append('%.2f ms per vblank, not 60 Hz' % (period / 1e6))
one = sum(1 for s in steps if s == 1)	# frames missed under load are reported, not judged
print('; '.join(out) if out else 'ok %d frames: seq %d..%d, %.3f ms per vblank, %d of %d steps one vblank, times in CLOCK_MONOTONIC' % (len(lines), seqs[0], seqs[-1], period / 1e6, one, len(steps)))
sys.exit(1 if out else 0)
PY
}
comp_feedback_drm() { comp_feedback_drm_run; local rc=$?; comp_stop; return $rc; }

# A PNG's size, WxH, from its header.
png_size() {
	od -An -v -tu1 -j16 -N8 "$1" |
		awk '{ printf "%dx%d\n", (($1 * 256 + $2) * 256 + $3) * 256 + $4, (($5 * 256 + $6) * 256 + $7) * 256 + $8 }'
}

# The compositor starts with its arrow (cursor.c: 12x19, hotspot at the tip)
# at the output's centre. On a display with a cursor plane QEMU's picture
# has no cursor in it (the plane is laid over by QEMU's UI): the arrow's
# rectangle of picture PNG as a png-diff mask, and the check that QEMU's
# cursor queue (its trace, guest_kms.sh's last_cursor) shows an image there.
COMP_ARROW=12x19
comp_arrow_mask() { local s; s=$(png_size "$1"); echo "$((${s%x*} / 2)),$((${s#*x} / 2)),$COMP_ARROW"; }
comp_cursor_on_plane() {
	local s cmd
	s=$(png_size "$1") cmd=$(last_cursor)
	case $cmd in "x $((${s%x*} / 2)), y $((${s#*x} / 2)), "*", res 0x"[1-9a-f]*) return 0 ;; esac
	echo "QEMU's cursor queue does not show the arrow at the centre: '$cmd'"
	return 1
}

# The compositor's last "display: WxH" line in LOG.
comp_last_display() { grep -o 'display: [0-9]*x[0-9]*' "$1" | tail -1; }

# comp_display_change_run SPEC TAG: the scene on virtio-gpu's display, which
# is then resized from outside as a VNC viewer's window would be (vnc-resize:
# VIRTIO_GPU_EVENT_DISPLAY in the guest; through virtio_gpu, a hotplug
# uevent). The compositor must follow without a restart: at 1280x800 QEMU's
# picture is the top-left of the one before (the windows keep their places);
# after a storm of 40 resizes ending at the first size, it is the first
# picture again, pixel for pixel, and the clients are alive.
COMP_SMALL_W=1280 COMP_SMALL_H=800

# comp_kernel_lost_resize SPEC SIZE: on kms:CARD, true (with the reason) when
# the kernel driver itself never learned the storm's last size: its
# connector's first mode is another. virtio_gpu clears VIRTIO_GPU_EVENT_DISPLAY
# after it fetched the display info and sent the uevent, so a resize landing
# in between is never fetched (seen on the 6.12 debug kernel, which widens
# that window): nothing the compositor can see.
comp_kernel_lost_resize() {
	local card=${1#kms:} m first
	[ "$card" != "$1" ] || return 1
	for m in /sys/class/drm/"${card##*/}"-*/modes; do
		[ -r "$m" ] && first=$(head -1 "$m") && [ -n "$first" ] && break
	done
	[ -n "${first:-}" ] && [ "$first" != "$2" ] || return 1
	echo "virtio_gpu lost the storm's last display event: its connector's first mode is $first, not $2 (it clears VIRTIO_GPU_EVENT_DISPLAY after fetching the display info, so a resize in between is never fetched)"
}

comp_display_change_run() {
	local spec=$1 tag=$2 first small last log size n storm=() i p
	first=$out/comp-resize-$tag.png small=$out/comp-resize-$tag-small.png
	last=$out/comp-resize-$tag-after.png log=$out/comp-scene-resize-$tag.log
	COMP_SHOT_DEV=vgpu comp_scene "$spec" "resize-$tag" || return 1
	size=$(png_size "$first")
	host_ctl vnc-resize $COMP_SMALL_W $COMP_SMALL_H >/dev/null || { echo "vnc-resize failed"; return 1; }
	comp_wait 30 grep -q "display: ${COMP_SMALL_W}x$COMP_SMALL_H" "$log" ||
		{ echo "the compositor did not take ${COMP_SMALL_W}x$COMP_SMALL_H: $(tail -1 "$log")"; return 1; }
	COMP_SHOT_DEV=vgpu comp_stable_shot "$small" || return 1
	[ "$(png_size "$small")" = "${COMP_SMALL_W}x$COMP_SMALL_H" ] ||
		{ echo "QEMU's picture is $(png_size "$small") after the resize"; return 1; }
	n=$("$tests/helpers/png-diff" --corner "$first" "$small") || return 1
	[ "$n" = 0 ] || { echo "$n pixels at ${COMP_SMALL_W}x$COMP_SMALL_H differ from the $size picture's top-left"; return 1; }
	for i in $(seq 20); do storm+=(1024 768 $COMP_SMALL_W $COMP_SMALL_H); done
	host_ctl vnc-resize "${storm[@]}" "${size%x*}" "${size#*x}" >/dev/null || { echo "vnc-resize (storm) failed"; return 1; }
	if ! comp_wait 60 test "$(comp_last_display "$log")" = "display: $size"; then
		comp_kernel_lost_resize "$spec" "$size" && return 77
		echo "after the storm the compositor is at '$(comp_last_display "$log")', not $size"; return 1
	fi
	COMP_SHOT_DEV=vgpu comp_stable_shot "$last" || return 1
	n=$("$tests/helpers/png-diff" "$first" "$last") || return 1
	[ "$n" = 0 ] || { echo "$n pixels differ from the first picture after the storm ($last)"; return 1; }
	for p in "${COMP_PIDS[@]}"; do
		kill -0 "$p" 2>/dev/null || { echo "process $p (compositor or client) died"; return 1; }
	done
	echo "ok $size -> ${COMP_SMALL_W}x$COMP_SMALL_H (QEMU's picture: the first one's top-left) -> 41 resizes -> $size (the first picture again); $(grep -c 'display: ' "$log") display changes taken, all processes alive"
}
comp_display_change() { comp_display_change_run "$@"; local rc=$?; comp_stop; return $rc; }
