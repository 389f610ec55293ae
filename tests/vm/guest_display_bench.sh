#!/bin/bash
# guest_display_bench.sh - runs inside the VM guest (scripts/bench-display.sh
# boots it): compositors on QEMU's virtio-gpu, a GPU nobody here wrote, with
# the same clients at the same frame rate.
#
#   user         uio_vgpu + libgfx virtio: + gfx-compositor, uploading whole
#                frames as the upstream driver does (GFX_VIRTIO_UPLOAD=full):
#                the device is asked for the same work as on the kernel path
#   user_damage  the same, uploading what changed (the driver's default)
#   kernel       virtio_gpu + gfx-compositor on libgfx's kms: driver
#   kernel_worker  the same with the CPU engine on a thread of libgfx's
#                (GFX_CPU_WORKER=1) instead of in gfx_submit(); not in the
#                default sides
#   weston       virtio_gpu + Weston 10 (drm-backend, pixman)
#   sway         virtio_gpu + sway 1.7 (wlroots DRM backend, pixman), as nobody
#
# For N in DB_WINDOWS windows of gfx-demo-client (one process, DB_WINDOW_SIZE,
# every frame redrawn and fully damaged, at most DB_FPS frames a second so
# every side runs at the same rate), DB_ROUNDS rounds; in each round the
# sides run in an order rotated by the round, the device rebound between
# the user and kernel sides. Over each client run (DB_SECONDS): the
# compositor's CPU time and the whole guest's (/proc/stat), the compositor's
# system calls (perf stat, raw_syscalls) and context switches, the device's
# interrupts (/proc/interrupts), the commands QEMU traced (transfers,
# flushes, scanouts: BUILD/vm-disp/out/qemu-trace.log), QEMU's own CPU
# time, and the first window's frames and commit -> presented latency. Raw
# JSON lines into OUT/disp.jsonl for scripts/disp_report.py.
#
# Usage: tests/vm/guest_display_bench.sh OUT KMOD_DIR
set -u
out=$1 kdir=$2
repo=${DB_REPO:-$(pwd)}	# the guest command starts in the repository (the script may be a copy)
bin=${DB_BIN:-$repo/build/bin}
export PATH=/usr/sbin:/usr/bin:/sbin:/bin GFX_VM_OUT=$out
SECS=${DB_SECONDS:-8} ROUNDS=${DB_ROUNDS:-5} WINDOWS=${DB_WINDOWS:-1 4 16} FPS=${DB_FPS:-20}
SIZE=${DB_WINDOW_SIZE:-160x120} SIDES=${DB_SIDES:-user user_damage kernel weston sway}
raw=$out/disp.jsonl log=$out/guest.log trace=$out/qemu-trace.log
HZ=$(getconf CLK_TCK)
read -r up _ </proc/uptime; echo "$up" >"$out/started"
cd /tmp || exit 1
: >"$raw"
say() { echo "disp: $*" | tee -a "$log" >&2; }
. "$repo/scripts/proc_ticks.sh"
ctl() { "${DB_CTL:-$repo/tests/vm/guest-ctl.sh}" "$@"; }

# ---- the device: with uio_vgpu (user) or virtio_gpu (kernel) ----

dev=
for d in /sys/bus/pci/devices/*; do
	[ "$(cat "$d/vendor"):$(cat "$d/device")" = 0x1af4:0x1050 ] && dev=${d##*/}
done
[ -n "$dev" ] || { say "no virtio-gpu in this guest"; exit 1; }
modprobe uio && insmod "$kdir/uio_vgpu.ko" || { say "uio_vgpu did not load"; exit 1; }
modprobe virtio_gpu
driver() { basename "$(readlink "/sys/bus/pci/devices/$dev/driver" 2>/dev/null)" 2>/dev/null; }
card() {
	local c
	for c in /sys/class/drm/card[0-9]; do
		[ "$(basename "$(readlink "$c/device/driver")")" = virtio-pci ] && { echo "/dev/dri/${c##*/}"; return 0; }
	done
	return 1
}

bind() {	# bind user|kernel
	local want=uio_vgpu
	[ "$1" = kernel ] && want=virtio-pci
	[ "$(driver)" = "$want" ] && return 0
	[ -e "/sys/bus/pci/devices/$dev/driver" ] && echo "$dev" >"/sys/bus/pci/devices/$dev/driver/unbind"
	if [ "$1" = user ]; then echo uio_vgpu; else echo; fi >"/sys/bus/pci/devices/$dev/driver_override"
	echo "$dev" >/sys/bus/pci/drivers_probe
	for _ in $(seq 100); do
		if [ "$1" = kernel ]; then card >/dev/null && return 0; else [ "$(driver)" = uio_vgpu ] && return 0; fi
		sleep 0.1
	done
	say "the device did not come up with $want"
	return 1
}

# ---- counters ----

busy() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }	# user nice system irq softirq steal
ctxsw() { awk '/ctxt_switches/ {n += $2} END {print n + 0}' "/proc/$1/status" 2>/dev/null || echo 0; }
# The device's interrupts: uio_vgpu's vector, or virtio-pci's for the GPU (virtioN-*).
irqs() {
	local v
	v=$(basename "$(ls -d /sys/bus/pci/devices/$dev/virtio* 2>/dev/null | head -1)" 2>/dev/null)
	awk -v v="${v:-none}" '$NF == "uio_vgpu" || index($NF, v "-") == 1 {for (i = 2; i <= NF; i++) if ($i ~ /^[0-9]+$/) n += $i} END {print n + 0}' /proc/interrupts
}
trace_size() { stat -c %s "$trace" 2>/dev/null || echo 0; }
# Commands QEMU traced since byte offset $1: "transfers flushes scanouts".
trace_counts() {
	tail -c +$(($1 + 1)) "$trace" 2>/dev/null | awk '
		/^virtio_gpu_cmd_res_xfer_toh_2d/ {x++} /^virtio_gpu_cmd_res_flush/ {f++}
		/^virtio_gpu_cmd_set_scanout/ {s++} END {print x + 0, f + 0, s + 0}'
}

# ---- the compositors ----

run=
start() {	# start SIDE: sets comp (its pid) and sock, or fails saying why
	local side=$1 c vt
	run=$(mktemp -d /tmp/disp.XXXXXX) || return 1
	export XDG_RUNTIME_DIR=$run
	case $side in
	user|user_damage)
		[ "$side" = user ] && export GFX_VIRTIO_UPLOAD=full || unset GFX_VIRTIO_UPLOAD
		"$bin/gfx-compositor" --device virtio --socket wl-disp >"$out/disp-$side.log" 2>&1 &
		comp=$! sock=$run/wl-disp ;;
	kernel|kernel_worker)
		c=$(card) || { say "no virtio_gpu card"; return 1; }
		GFX_CPU_WORKER=$([ "$side" = kernel_worker ] && echo 1 || echo 0) \
			"$bin/gfx-compositor" --device "kms:$c" --socket wl-disp >"$out/disp-$side.log" 2>&1 &
		comp=$! sock=$run/wl-disp ;;
	weston)
		c=$(card) || return 1
		printf '[core]\nidle-time=0\n[shell]\npanel-position=none\n' >"$run/weston.ini"
		weston --backend=drm-backend.so --use-pixman --tty=2 --continue-without-input \
			--drm-device="${c##*/}" --config="$run/weston.ini" --socket=wl-disp \
			--log="$out/disp-weston.log" >/dev/null 2>&1 &
		comp=$! sock=$run/wl-disp ;;
	sway)
		command -v sway >/dev/null || { say "sway is not installed"; return 1; }
		c=$(card) || return 1
		vt=$(cat /sys/class/tty/tty0/active)	# Weston may have left another one active
		chown nobody:nogroup "$run"
		chmod 666 /dev/tty0 "/dev/$vt" "$c"
		printf 'xwayland disable\nfor_window [app_id="gfx-demo-client"] floating enable\n' >"$run/config"
		XDG_RUNTIME_DIR=$run HOME=$run WLR_RENDERER=pixman LIBSEAT_BACKEND=builtin \
			WLR_LIBINPUT_NO_DEVICES=1 WLR_DRM_DEVICES=$c \
			setpriv --reuid=nobody --regid=nogroup --clear-groups setsid --ctty \
			sway -c "$run/config" <"/dev/$vt" >"$out/disp-sway.log" 2>&1 &
		comp=$! sock=
		for _ in $(seq 300); do
			sock=$(ls "$run"/wayland-[0-9] 2>/dev/null | head -1)
			[ -n "$sock" ] && break
			sleep 0.1
		done
		[ -n "$sock" ] || { say "sway did not start: $(tail -1 "$out/disp-sway.log")"; kill $comp; return 1; }
		# setsid forks when it leads a group: the compositor is sway itself.
		comp=$(pgrep -x sway | head -1) ;;
	esac
	for _ in $(seq 300); do [ -S "$sock" ] && break; kill -0 $comp 2>/dev/null || break; sleep 0.1; done
	[ -S "$sock" ] || { say "$side did not start: $(tail -1 "$out/disp-$side.log")"; return 1; }
	sleep 1	# its first frames drawn
}

stop() {
	kill -TERM $comp 2>/dev/null
	for _ in $(seq 50); do kill -0 $comp 2>/dev/null || break; sleep 0.1; done
	kill -9 $comp 2>/dev/null
	pkill -9 -x sway 2>/dev/null
	wait 2>/dev/null
	rm -rf "$run"
}

# measure SIDE N ROUND: one client run; one JSON line into $raw
measure() {
	local side=$1 n=$2 r=$3 c0 g0 x0 i0 t0 q0 c1 g1 x1 i1 q1 stats sys pp cp
	bind "$( [ "${side#user}" != "$side" ] && echo user || echo kernel )" || return 1
	start "$side" || { stop; return 1; }
	c0=$(ticks $comp) g0=$(busy) x0=$(ctxsw $comp) i0=$(irqs) t0=$(trace_size) q0=$(ctl qemu-ticks)
	perf stat -x, -o "$run/perf.txt" -e raw_syscalls:sys_enter -p $comp -- sleep "$SECS" 2>/dev/null &
	pp=$!
	WAYLAND_DISPLAY=${sock##*/} "$bin/gfx-demo-client" --windows "$n" --size "$SIZE" --fps "$FPS" \
		--seconds "$SECS" --stats >"$run/client.txt" 2>"$run/client.err" &
	cp=$!
	wait $cp; wait $pp
	c1=$(ticks $comp) g1=$(busy) x1=$(ctxsw $comp) i1=$(irqs) q1=$(ctl qemu-ticks)
	read -r xf fl sc <<<"$(trace_counts "$t0")"	# no /dev/fd in the guest: no <(...)
	sys=$(awk -F, '/raw_syscalls/ {print $1}' "$run/perf.txt" 2>/dev/null)
	stats=$(sed -n 's/.*frames=\([0-9]*\) presented=\([0-9]*\).*p50_us=\([0-9]*\) p99_us=\([0-9]*\).*/\1 \2 \3 \4/p' "$run/client.txt")
	stop
	read -r frames presented p50 p99 <<<"${stats:-0 0 0 0}"
	[ "${presented:-0}" -gt 0 ] || { say "$side n=$n: no presented frames ($(tail -1 "$run/client.err" 2>/dev/null))"; return 1; }
	printf '{"side": "%s", "windows": %d, "round": %d, "secs": %s, "fps": %s, "frames": %d, "presented": %d, "p50_us": %d, "p99_us": %d, "comp_ms": %d, "guest_ms": %d, "syscalls": %s, "ctxsw": %d, "irqs": %d, "xfer": %d, "flush": %d, "scanout": %d, "qemu_ms": %d}\n' \
		"$side" "$n" "$r" "$SECS" "$FPS" "$frames" "$presented" "$p50" "$p99" \
		$(( (c1 - c0) * 1000 / HZ )) $(( (g1 - g0) * 1000 / HZ )) "${sys:-null}" $((x1 - x0)) \
		$((i1 - i0)) "$xf" "$fl" "$sc" $(( (${q1:-0} - ${q0:-0}) * 1000 / HZ )) >>"$raw"
}

say "$(uname -r); sides: $SIDES; windows: $WINDOWS; $ROUNDS rounds of $SECS s at $FPS fps, $SIZE"
sides=($SIDES)
for r in $(seq "$ROUNDS"); do
	for n in $WINDOWS; do
		for k in $(seq 0 $((${#sides[@]} - 1))); do
			s=${sides[$(( (k + r) % ${#sides[@]} ))]}	# rotated by the round
			measure "$s" "$n" "$r" || say "round $r: $s with $n windows failed"
		done
	done
	say "round $r done"
done
echo done >"$out/disp.done"
