#!/bin/bash
# guest.sh - runs inside the test VM, chrooted into the host root.
#
# Usage: tests/vm/guest.sh test|bench|drm|vfio|gpubench OUT KMOD
#        tests/vm/guest.sh case OUT KMOD NAME FUNCTION ARGS...   (one case)
#   OUT   the results directory shared with the host (read-write)
#   KMOD  the uio_gfx.ko built for this kernel (gfx_drm.ko and uio_vgpu.ko beside it)
# test: one PASS/FAIL/SKIP line per case into OUT/results (the uio cases,
# then the gfx_drm cases of tests/vm/guest_drm.sh; drm: those only); the kernel log
# is checked for WARN/BUG/oops after every case (a case with a bad dmesg
# fails). bench: gfx-vm-bench's JSON lines into OUT/bench.jsonl.
set -u
mode=$1 out=$2 kmod=$3
repo=$(cd "$(dirname "$0")/../.." && pwd)
bin=$(cd "$(dirname "$kmod")/../../bin" 2>/dev/null && pwd)	# BUILD/vm/kmod -> BUILD/bin
tests=$bin/../tests
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export GFX_DEVICE=uio
# gfx-ctl for tests that can use one on an external device: forwarded to the host.
export GFX_VM_OUT=$out GFX_CTL=$repo/tests/vm/guest-ctl.sh
read -r up _ </proc/uptime; echo "$up" >"$out/started"
cd /tmp || exit 1

# Uptime in centiseconds, and seconds since such a time, without a process.
uptime_cs() { local u _; read -r u _ </proc/uptime; u=${u/./}; echo $((10#$u)); }
since() { local d=$(( $(uptime_cs) - $1 )); printf '%d.%02d' $((d / 100)) $((d % 100)); }
result() { echo "$*" >>"$out/results"; echo "guest: $*"; }
bad_dmesg='WARNING:|BUG:|Oops|general protection|Call Trace|kernel BUG|UBSAN|refcount_t:|list_(add|del) corruption|Bad page|slab.*corrupt|leaked'

# Case NAME: the command's status and a clean kernel log decide; status 77
# is a SKIP, its last line the reason.
case_() {
	local name=$1 log bad rc t0; shift
	t0=$(uptime_cs)
	log=$("$@" 2>&1); rc=$?
	printf '== %s (%s s)\n%s\n' "$name" "$(since "$t0")" "$log" >>"$out/guest.log"
	bad=$(dmesg -c 2>/dev/null | tee -a "$out/dmesg.log" | grep -E "$bad_dmesg" | head -1)
	if [ -n "$bad" ]; then
		result "FAIL $name: kernel log: $bad"
	elif [ $rc -eq 77 ]; then
		result "SKIP $name: $(echo "$log" | tail -1)"
	elif [ $rc -ne 0 ]; then
		result "FAIL $name: $(echo "$log" | grep -v '^ok' | tail -1)"
	else
		result "PASS $name${log:+ ($(echo "$log" | grep '^ok' | tail -1 | cut -c4-))}"
	fi
}

# Ask the host to run gfx-ctl ARGS on our device; prints its output, returns its status.
host_ctl() { "$repo/tests/vm/guest-ctl.sh" "$@"; }

uio_dev() {
	local d n
	for d in /sys/class/uio/uio*; do
		read -r n <"$d/name" 2>/dev/null && [ "$n" = uio_gfx ] && { echo "$d"; return 0; }
	done
	return 1
}

load() {
	modprobe uio || return 1
	insmod "$kmod" || return 1
	local d; d=$(uio_dev) || { echo "no uio_gfx device after insmod"; return 1; }
	local names= m n off c ctxs=0
	for m in "$d"/maps/map*; do read -r n <"$m/name"; names+="$n "; done
	[ "$names" = "regs vram irq " ] || { echo "maps are '$names'"; return 1; }
	read -r off <"$d/maps/map0/offset"
	# One more device per client context, each with its own four maps.
	for c in /sys/class/uio/uio*; do
		read -r n <"$c/name"; case $n in uio_gfx.*) ;; *) continue ;; esac
		names=
		for m in "$c"/maps/map*; do read -r m <"$m/name"; names+="$m "; done
		[ "$names" = "regs ctx window irq " ] || { echo "$n: maps are '$names'"; return 1; }
		ctxs=$((ctxs + 1))
	done
	[ $ctxs -ge 1 ] || { echo "no client context devices (uio_gfx.N)"; return 1; }
	echo "ok ${d##*/}: maps regs vram irq (regs at offset $off in its page); $ctxs client contexts with regs ctx window irq"
}

foreign() {
	local n=0 bound=0 free=0 d v id drv
	for d in /sys/bus/pci/devices/*; do
		read -r v <"$d/vendor"; read -r id <"$d/device"
		[ "$v" = 0x1af4 ] && [ "$id" = 0x1110 ] || continue
		n=$((n + 1))
		drv=$(cd "$d/driver" 2>/dev/null && pwd -P)
		if [ "${drv##*/}" = uio_gfx ]; then bound=$((bound + 1))
		elif [ -z "$drv" ]; then free=$((free + 1)); fi
	done
	[ $n -ge 2 ] || { echo "only $n ivshmem devices; the foreign one is missing"; return 1; }
	[ $bound = 1 ] && [ $free = $((n - 1)) ] || { echo "$bound bound, $free unbound of $n"; return 1; }
	grep -q 'no reference GPU here' "$out/dmesg.log" || { echo "no log line for the foreign device"; return 1; }
	echo "ok $n ivshmem devices, 1 bound, the foreign one left alone"
}

# hello SPEC FILE: gfx-hello on SPEC; the scanout kept as FILE (check-vm.sh
# compares it with the direct backend's picture).
hello() {
	timeout 60 "$bin/gfx-hello" "$1" || { echo "gfx-hello failed"; return 1; }
	host_ctl screenshot /tmp/hello.png && cp /tmp/hello.png "$out/$2" || return 1
	echo "ok gfx-hello exited 0, screenshot taken"
}

kill9() {
	local pid
	rm -f "$out/spin.ready"
	"$bin/gfx-vm-test" spin "$out/spin.ready" >/dev/null &
	pid=$!
	for _ in $(seq 200); do [ -f "$out/spin.ready" ] && break; sleep 0.05; done
	[ -f "$out/spin.ready" ] || { kill -9 $pid; echo "spinner never got going"; return 1; }
	kill -9 $pid; wait $pid 2>/dev/null
	timeout 20 "$bin/gfx-vm-test" quiet 3000 || return 1
	timeout 30 "$bin/gfx-vm-test" render
}

# A holder blocked in a wait: rmmod is refused (the open node pins the module),
# unbind takes the device away (the wait ends with -ENODEV), then rmmod works.
# Whatever happened, the stub is bound again for the cases after it.
rmmod_open() { uio_back rmmod_open_run; }

# uio_back CMD...: CMD, then uio_gfx loaded and bound again if CMD left it unbound.
uio_back() {
	"$@"; local rc=$?
	uio_dev >/dev/null || { pkill -9 -f 'gfx-vm-test hold'; sleep 0.5; rmmod uio_gfx; insmod "$kmod"; }
	return $rc
}
rmmod_open_run() {
	local pid rc bdf
	rm -f "$out/hold.ready"
	"$bin/gfx-vm-test" hold "$out/hold.ready" >"$out/hold.log" 2>&1 &
	pid=$!
	for _ in $(seq 200); do [ -f "$out/hold.ready" ] && break; sleep 0.05; done
	sleep 0.3
	rmmod uio_gfx 2>/dev/null && { kill $pid; echo "rmmod went through with the node open"; return 1; }
	bdf=$(basename "$(readlink "$(uio_dev)/device")")
	echo "$bdf" >/sys/bus/pci/drivers/uio_gfx/unbind || { kill $pid; echo "unbind $bdf failed"; return 1; }
	for _ in $(seq 100); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
	kill -0 $pid 2>/dev/null && { kill -9 $pid; echo "holder still blocked 10 s after the unbind"; return 1; }
	wait $pid; rc=$?
	cat "$out/hold.log"
	[ $rc = 0 ] || return 1
	rmmod uio_gfx || { echo "rmmod failed after the holder left"; return 1; }
	insmod "$kmod" && uio_dev >/dev/null || { echo "insmod after rmmod failed"; return 1; }
	echo "ok rmmod refused while open; unbind ended the wait"
}

# Fault injection on the host's device (gfx-ctl), seen through the uio path.
dropped() {
	host_ctl drop-irqs 3 >/dev/null || { echo "gfx-ctl drop-irqs failed"; return 1; }
	timeout 30 "$bin/gfx-vm-test" dropped 3; local rc=$?
	host_ctl drop-irqs 0 >/dev/null
	return $rc
}
delayed() {
	host_ctl delay-irqs 3000 >/dev/null || { echo "gfx-ctl delay-irqs failed"; return 1; }
	timeout 60 "$bin/gfx-vm-test" storm 100; local rc=$?
	host_ctl delay-irqs 0 >/dev/null
	return $rc
}
hang() {
	host_ctl hang >/dev/null || { echo "gfx-ctl hang failed"; return 1; }
	timeout 30 "$bin/gfx-vm-test" hang
}

# gfx-compositor on the uio backend, input from evdev through libevdev: a
# keyboard and a mouse made with uinput (gfx-vm-uinput) after the compositor
# started, so both arrive by hotplug (inotify on /dev/input, where devtmpfs
# makes the nodes). Keys, a modifier, relative motion and buttons reach the
# focused test client; unplug is noticed, a replugged keyboard works, and the
# compositor exits 0 on SIGTERM.
UI_PIDS=()
ui_stop() {
	local p
	[ -n "${UI[1]:-}" ] && { echo quit >&"${UI[1]}"; } 2>/dev/null
	for p in "${UI_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${UI_PIDS[@]}"; do wait "$p" 2>/dev/null; done
	UI_PIDS=()
}
ui() {	# ui CMD...: one command to gfx-vm-uinput; its answer in $reply
	reply=
	echo "$*" >&"${UI[1]}" && read -r -t 20 reply <&"${UI[0]}"
	case $reply in ok*|devices*) return 0 ;; esac
	echo "gfx-vm-uinput '$*': ${reply:-no answer}"; return 1
}
ui_expect() {	# ui_expect LINE: the test client printed exactly LINE (20 s)
	for _ in $(seq 200); do grep -qx -- "$1" "$uout" && return 0; sleep 0.1; done
	echo "the client never printed '$1'; its input lines: $(grep -E '^(key|mods|pointer|motion|button)' "$uout" | tr '\n' ',' | tail -c 300)"
	return 1
}
ui_log() {	# ui_log TEXT: the compositor logged a line holding TEXT (20 s)
	for _ in $(seq 200); do grep -qF -- "$1" "$ulog" && return 0; sleep 0.1; done
	echo "the compositor never logged '$1' (log: $ulog)"
	return 1
}
comp_uinput_run() {
	local kn pn kn2 rc
	ulog=$out/uinput-compositor.log uout=$out/uinput-client.out
	# evdev makes the /dev/input/eventN nodes; Debian builds it as a module.
	modprobe evdev || { echo "modprobe evdev failed"; return 1; }
	if ! [ -c /dev/uinput ]; then
		modprobe uinput || { echo "modprobe uinput failed"; return 1; }
		for _ in $(seq 50); do [ -c /dev/uinput ] && break; sleep 0.1; done
		[ -c /dev/uinput ] || { echo "no /dev/uinput after modprobe uinput"; return 1; }
	fi
	export XDG_RUNTIME_DIR; XDG_RUNTIME_DIR=$(mktemp -d /tmp/xdg.XXXXXX) || return 1
	"$bin/gfx-compositor" --device uio --socket wl-vm --input-dir /dev/input >"$ulog" 2>&1 &
	UI_PIDS+=($!); local cpid=$!
	for _ in $(seq 300); do [ -S "$XDG_RUNTIME_DIR/wl-vm" ] && break; sleep 0.1; done
	[ -S "$XDG_RUNTIME_DIR/wl-vm" ] || { echo "the compositor did not start: $(tail -1 "$ulog")"; return 1; }
	WAYLAND_DISPLAY=wl-vm "$tests/helpers/compositor-test-client" --input --size 300x200 \
		--color ff336699 >"$uout" 2>"$out/uinput-client.err" &
	UI_PIDS+=($!); local clpid=$!
	ui_expect ready >/dev/null || { echo "the test client did not start: $(tail -1 "$out/uinput-client.err")"; return 1; }
	ui_expect key-enter || return 1

	# Hotplug: the devices are made now, with the compositor running.
	coproc UI { exec "$bin/gfx-vm-uinput" 2>"$out/uinput-prog.err"; }
	UI_PIDS+=($UI_PID)
	ui create || return 1
	read -r _ kn pn <<<"$reply"
	ui_log "input: $kn (gfx-vm-uinput keyboard) keyboard" || return 1
	ui_log "input: $pn (gfx-vm-uinput mouse) pointer" || return 1
	# Keys (KEY_A), and Shift through xkbcommon's state (mods).
	ui key 30 1 && ui key 30 0 || return 1
	ui_expect "key 30 1" && ui_expect "key 30 0" || return 1
	ui key 42 1 && ui_expect "mods 1" || return 1
	ui key 42 0 || return 1
	# The pointer starts at the output's centre: to (0,0), then into the
	# window at (32,56): (100,100) is (68,44) in it.
	ui rel -5000 -5000 && ui rel 100 100 && ui_expect "pointer-enter 68 44" || return 1
	ui rel 10 5 && ui_expect "motion 78 49" || return 1
	ui btn 272 1 && ui btn 272 0 || return 1
	ui_expect "button 272 1" && ui_expect "button 272 0" || return 1
	# Unplug, then plug a keyboard again.
	ui destroy && ui_log "input: removed $kn" && ui_log "input: removed $pn" || return 1
	ui create || return 1
	read -r _ kn2 _ <<<"$reply"
	ui_log "input: $kn2 (gfx-vm-uinput keyboard) keyboard" || return 1
	ui key 48 1 && ui key 48 0 && ui_expect "key 48 1" && ui_expect "key 48 0" || return 1
	echo quit >&"${UI[1]}"

	# A clean exit on SIGTERM while a client is connected.
	kill -TERM "$cpid"
	for _ in $(seq 100); do kill -0 "$cpid" 2>/dev/null || break; sleep 0.1; done
	kill -0 "$cpid" 2>/dev/null && { echo "the compositor still runs 10 s after SIGTERM"; return 1; }
	wait "$cpid"; rc=$?
	[ $rc = 0 ] || { echo "the compositor exited $rc on SIGTERM: $(tail -1 "$ulog")"; return 1; }
	grep -qE 'Sanitizer|runtime error' "$ulog" && { echo "sanitizer report in $ulog"; return 1; }
	for _ in $(seq 50); do kill -0 "$clpid" 2>/dev/null || break; sleep 0.1; done
	echo "ok hotplugged ${kn##*/}+${pn##*/}: key, Shift, motion and button reached the client; unplug seen, replugged ${kn2##*/} works; exit 0 on SIGTERM"
}
comp_uinput() { comp_uinput_run; local rc=$?; ui_stop; rm -rf "${XDG_RUNTIME_DIR:-/nonexistent}"; return $rc; }

# Unreclaimable slab (kB) once caches are dropped and every slab cache shrunk:
# shrinking also empties KASAN's quarantine of freed objects on the debug kernel.
slab() {
	local k v u f
	sync; echo 3 >/proc/sys/vm/drop_caches
	for f in /sys/kernel/slab/*/shrink; do echo 1 >"$f"; done 2>/dev/null
	while read -r k v u; do [ "$k" = SUnreclaim: ] && echo "$v"; done </proc/meminfo
}
# A leak grows the unreclaimable slab by the same amount in every batch of
# reloads; the rest of the kernel moves it by a few hundred kB either way
# now and then (seen: -636 to +172 kB per batch of 20 with no leak). So after
# a warm-up (first-use allocations and slab pages: 144 kB once), three
# batches, and a leak is growth in all three.
reload() {
	local m n grows=() min=
	"$bin/gfx-vm-test" reload "$kmod" 20 || return 1
	m=$(slab)
	for _ in 1 2 3; do
		"$bin/gfx-vm-test" reload "$kmod" 20 || return 1
		n=$(slab)
		grows+=($((n - m)))
		m=$n
	done
	for g in "${grows[@]}"; do [ -z "$min" ] || [ "$g" -lt "$min" ] && min=$g; done
	[ "$min" -le 64 ] || { echo "SUnreclaim grew in every batch of 20 reloads: ${grows[*]} kB"; return 1; }
	echo "ok 3 x 20 reloads, unreclaimable slab change per batch: ${grows[*]} kB (a leak grows every batch)"
}

# libgfx_suite TEST PATH [SPEC]: a libgfx test program on the uio path (the
# exported GFX_DEVICE) or on SPEC; its cases are prefixed vm-PATH:. The same
# binaries run on both kernel paths.
libgfx_suite() {
	local t=$tests/$1 name=${1#test_} p=vm-$2 rc bad t0
	[ -x "$t" ] || { result "SKIP $p:$name: $t not built"; return; }
	t0=$(uptime_cs)
	GFX_DEVICE=${3:-$GFX_DEVICE} timeout 240 "$t" >"$out/$1.$2.out" 2>"$out/$1.$2.err"
	rc=$?
	echo "== $1 on $2 ($(since "$t0") s)" >>"$out/guest.log"
	sed -E "s/^(PASS|FAIL|SKIP) /\\1 $p:/" "$out/$1.$2.out" | grep -E '^(PASS|FAIL|SKIP) ' |
		while read -r l; do result "$l"; done
	bad=$(dmesg -c 2>/dev/null | tee -a "$out/dmesg.log" | grep -E "$bad_dmesg" | head -1)
	[ -n "$bad" ] && result "FAIL $p:$name: kernel log: $bad"
	[ $rc -ne 0 ] && ! grep -q '^FAIL ' "$out/$1.$2.out" && result "FAIL $p:$name: exit status $rc"
}
LIBGFX_SUITES="test_libgfx test_libgfx_display test_libgfx_faults test_libgfx_clock test_libgfx_contexts"

# libgfx and the compositor on gfx_drm, once drm_cases left it bound.
drm_libgfx_cases() {
	local t spec=drm:/dev/dri/card0
	if [ "$drm_ok" != 1 ]; then
		result "SKIP vm-drm-libgfx: gfx_drm is not bound (see vm-drm-bind)"
		return
	fi
	for t in $LIBGFX_SUITES; do libgfx_suite $t drm $spec; done
	case_ vm-drm-gfx-hello hello $spec hello-drm.png
	case_ vm-drm-compositor-scene comp_scene_case drm
	case_ vm-drm-compositor-gpu-clients gpu_clients_case drm
	case_ vm-drm-compositor-gpu-clients-userq gpu_clients_case userq
	case_ vm-drm-compositor-clients comp_clients_drm
	case_ vm-drm-compositor-feedback comp_feedback_drm
}

. "$repo/tests/vm/guest_drm.sh"
. "$repo/tests/vm/guest_compositor.sh"
. "$repo/tests/vm/guest_gpu_clients.sh"
. "$repo/tests/vm/guest_isolation.sh"
. "$repo/tests/vm/guest_kms.sh"
. "$repo/tests/vm/guest_virtio.sh"
. "$repo/tests/vm/guest_vfio.sh"

dmesg -c >"$out/dmesg.log" 2>&1
if [ "$mode" = drm ]; then
	drm_cases
	echo done >>"$out/results.done"
	exit 0
fi
if [ "$mode" = case ]; then	# one case, for development: guest.sh case OUT KMOD NAME FUNCTION ARGS...
	load >/dev/null
	case_ "${@:4}"
	echo done >>"$out/results.done"
	exit 0
fi
if [ "$mode" = vfio ]; then	# the second guest of check-vm.sh, with an IOMMU
	vfio_cases
	echo done >>"$out/results.done"
	exit 0
fi
if [ "$mode" = gpubench ]; then
	. "$repo/tests/vm/guest_gpu_bench.sh"
	gpu_bench
	dmesg >>"$out/dmesg.log"
	echo done >>"$out/results.done"
	exit 0
fi
if [ "$mode" = bench ]; then
	load >/dev/null || { echo "bench: cannot load uio_gfx" >"$out/bench.err"; exit 1; }
	timeout 300 "$bin/gfx-vm-bench" --prefix uio >"$out/bench.jsonl" 2>"$out/bench.err"
	dmesg >>"$out/dmesg.log"
	exit 0
fi

case_ vm-insmod load
uio_dev >/dev/null || { result "FAIL vm-guest: uio_gfx did not bind, the other cases are skipped"; exit 0; }
case_ vm-foreign-ivshmem-not-bound foreign
case_ vm-irq-map-read-only "$bin/gfx-vm-test" irqro
for t in $LIBGFX_SUITES; do libgfx_suite $t uio; done
case_ vm-gfx-hello hello uio hello.png
case_ vm-irq-storm timeout 120 "$bin/gfx-vm-test" storm 400
case_ vm-irqcontrol-and-open-count timeout 60 "$bin/gfx-vm-test" irqctl
case_ vm-uio-exclusive-open timeout 60 "$bin/gfx-vm-test" exclusive
case_ vm-uio-context-kill9 timeout 90 "$bin/gfx-vm-test" ctxkill
case_ vm-uio-dropped-irqs dropped
case_ vm-uio-delayed-irqs-storm delayed
case_ vm-uio-hang-reset hang
case_ vm-kill9-quiesce kill9
case_ vm-rmmod-while-open rmmod_open
case_ vm-uio-revoke-context timeout 90 "$bin/gfx-vm-uio-clients" context
case_ vm-uio-unbind-zaps uio_back timeout 90 "$bin/gfx-vm-uio-clients" unbind
case_ vm-uio-doorbell-flood timeout 120 "$bin/gfx-vm-uio-clients" doorbells
case_ vm-reload-20 reload
miss=
for x in "$bin/gfx-compositor" "$bin/gfx-vm-uinput" "$tests/helpers/compositor-test-client"; do [ -x "$x" ] || miss=$x; done
if [ -n "$miss" ]; then result "SKIP vm-compositor-uinput-input: $miss is not built"
elif ! modinfo uinput >/dev/null 2>&1; then result "SKIP vm-compositor-uinput-input: no uinput module for $(uname -r)"
else case_ vm-compositor-uinput-input comp_uinput; fi
case_ vm-compositor-scene-uio comp_scene_case uio
case_ vm-compositor-gpu-clients-uio gpu_clients_case uio
case_ vm-isolation-malicious-context iso_case

# The DRM driver: uio_gfx leaves, gfx_drm stays loaded and bound afterwards.
drm_cases
drm_libgfx_cases
# Display drivers nobody here wrote, through libgfx's kms driver.
kms_cases
# virtio-gpu again, from user space (uio_vgpu and libgfx's virtio driver).
virtio_cases
echo done >>"$out/results.done"
