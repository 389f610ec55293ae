#!/bin/bash
# guest_soak.sh - hours of flip-heavy load on both kernel drivers, with faults,
# in the guest (scripts/soak-vm.sh boots it; `make soak-vm`).
#
# Usage: tests/vm/guest_soak.sh OUT KMOD_DIR
# Environment: SOAK_MINUTES (30), SOAK_ROUND_SECONDS (120), SOAK_WINDOWS (16),
# SOAK_GPU_CLIENTS (2), SOAK_SEED (the faults' random sequence), SOAK_BIN.
#
# Rounds alternate uio_gfx and gfx_drm (rmmod/insmod between them; every
# driver is also unbound and bound again before its round). A round is
# gfx-compositor with SOAK_WINDOWS animated wl_shm windows and
# SOAK_GPU_CLIENTS clients drawing with the GPU (their own contexts on uio,
# render nodes and dma-buf on drm); on drm also a user-mode queue client
# (gfx-vm-cmp's fill loop on drm-userq, interrupt fences on its context's
# vector) killed with -9 every 2-6 s and started again, so that queues are
# made, cleared through the master ring and revoked under the flips; and a
# loop of gfx-vm-drm-userq-fence export (a queue's fence and a classic job's
# as sync_files, polled by a child), killed with -9 after 1-3 s. Every
# 10-30 s, at random, one fault:
#   kill9     a random client killed with -9, then started again
#   hang      the compositor's engine hangs (gfx-ctl hang 0 on the host):
#             gfx_drm's hangcheck or the compositor's watchdog resets it
#   garbage   a client that sends garbage: a SUBMIT fuzzer on drm's render
#             node, a GPU client addressing memory not its own on uio
# The run fails on:
#   a hang     no new frame (the device's FLIP count) for 5 s
#   a splat    any WARNING/BUG/lockdep/KASAN line in the kernel log
#   growth     the compositor's open fds and RSS after its clients left
#              against before they came (fds equal, RSS within 4 MiB);
#              unreclaimable slab at the end against the start (within
#              2 MiB after dropping caches); on drm VRAM_FREE back where it
#              was with one full-screen buffer on screen (the device cannot
#              blank: the last one shown stays referenced)
# One PASS/FAIL line per round and for the totals in OUT/results.
set -u
out=$1 kdir=$2
repo=$(cd "$(dirname "$0")/../.." && pwd)
bin=${SOAK_BIN:-$(cd "$kdir/../../bin" && pwd)}
tests=$(cd "$bin/../tests" && pwd)
export PATH=/usr/sbin:/usr/bin:/sbin:/bin GFX_VM_OUT=$out
MINUTES=${SOAK_MINUTES:-30} ROUND=${SOAK_ROUND_SECONDS:-120} WINDOWS=${SOAK_WINDOWS:-16}
GPUS=${SOAK_GPU_CLIENTS:-2}
RANDOM=${SOAK_SEED:-$$}
log=$out/soak.log res=$out/results
read -r up _ </proc/uptime; echo "$up" >"$out/started"
: >"$res"
cd /tmp || exit 1
say() { echo "soak: $(cut -d' ' -f1 /proc/uptime) $*" | tee -a "$log" >&2; }
result() { echo "$*" >>"$res"; say "$*"; }
host_ctl() { "$repo/tests/vm/guest-ctl.sh" "$@"; }
. "$repo/tests/vm/guest_drivers.sh"

bad_dmesg='WARNING:|BUG:|Oops|general protection|Call Trace|kernel BUG|UBSAN|refcount_t:|list_(add|del) corruption|Bad page|slab.*corrupt|soft lockup|blocked for more than|possible (circular|recursive)|inconsistent lock state'
dmesg_bad() { dmesg -c 2>/dev/null | tee -a "$out/dmesg.log" | grep -E "$bad_dmesg" | head -1; }
# Caches dropped and slab caches shrunk (which also empties KASAN's quarantine).
slab() {
	sync; echo 3 >/proc/sys/vm/drop_caches
	for f in /sys/kernel/slab/*/shrink; do echo 1 >"$f"; done 2>/dev/null
	awk '/^SUnreclaim:/ {print $2}' /proc/meminfo
}
flips() { host_ctl stats | awk '$1 == "flips" {print $2}'; }
vram_free() { "$bin/gfx-vm-drm" state 2>/dev/null; }
fds() { ls "/proc/$1/fd" 2>/dev/null | wc -l; }
rss() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null; }
now() { cut -d. -f1 /proc/uptime; }

# ---- one round ----

RUN= CPID= CLIENTS=() CLIENT_ARGS=() GARBAGE=()
client_start() {	# client_start INDEX: (re)start client INDEX with its arguments
	WAYLAND_DISPLAY=wl-soak XDG_RUNTIME_DIR=$RUN "$bin/gfx-demo-client" ${CLIENT_ARGS[$1]} \
		--seconds 100000 >>"$out/soak-clients.log" 2>&1 &
	CLIENTS[$1]=$!
}
clients_stop() {
	local p
	for p in "${CLIENTS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${CLIENTS[@]}"; do wait "$p" 2>/dev/null; done
	CLIENTS=()
}
comp_start() {
	RUN=$(mktemp -d /tmp/soak.XXXXXX)
	XDG_RUNTIME_DIR=$RUN "$bin/gfx-compositor" --device "$1" --socket wl-soak >"$out/soak-comp-$2.log" 2>&1 &
	CPID=$!
	for _ in $(seq 300); do [ -S "$RUN/wl-soak" ] && return 0; sleep 0.1; done
	return 1
}
comp_stop() {
	kill "$CPID" 2>/dev/null; wait "$CPID" 2>/dev/null
	rm -rf "$RUN"
}
USERQ_PID= FENCE_PID=
userq_load_start() {
	: >"$out/soak-userq.count"
	( while :; do
		echo x >>"$out/soak-userq.count"
		GFX_DEVICE=drm-userq timeout -s KILL $((2 + RANDOM % 5)) "$bin/gfx-vm-cmp" loop userq 0 100 1000000 \
			>/dev/null 2>>"$out/soak-userq.log"
	done ) &
	USERQ_PID=$!
	: >"$out/soak-fence.status"
	( while :; do
		timeout -s KILL $((1 + RANDOM % 3)) "$bin/gfx-vm-drm-userq-fence" export \
			>>"$out/soak-fence.log" 2>&1
		echo $? >>"$out/soak-fence.status"
	done ) &
	FENCE_PID=$!
}
# Sets USERQ_MADE: how many queues the fill loop made ("" if it did not run);
# FENCE_RUNS: the fence loop's runs as "N passed, N killed, N failed".
userq_load_stop() {
	USERQ_MADE= FENCE_RUNS=
	[ -n "$USERQ_PID" ] || return 0
	kill "$USERQ_PID" "$FENCE_PID" 2>/dev/null; wait "$USERQ_PID" "$FENCE_PID" 2>/dev/null
	pkill -9 -f "gfx-vm-cmp loop userq" 2>/dev/null
	pkill -9 -f "gfx-vm-drm-userq-fence export" 2>/dev/null; sleep 0.5
	USERQ_PID= FENCE_PID=
	USERQ_MADE=$(wc -l <"$out/soak-userq.count")
	FENCE_RUNS="$(grep -cx 0 "$out/soak-fence.status") passed, $(grep -cx 137 "$out/soak-fence.status") killed, $(grep -cvxE '0|137' "$out/soak-fence.status") failed"
}

# fault PATH: one of the faults, at random; says which.
fault() {
	local n=${#CLIENTS[@]} i
	case $((RANDOM % 3)) in
	0)	i=$((RANDOM % n))
		kill -9 "${CLIENTS[$i]}" 2>/dev/null; wait "${CLIENTS[$i]}" 2>/dev/null
		client_start "$i"; FAULTS+="kill9 " ;;
	1)	host_ctl hang 0 >/dev/null; FAULTS+="hang " ;;
	2)	if [ "$1" = drm ]; then
			timeout 30 "$bin/gfx-vm-drm" fuzz 2000 $RANDOM >>"$out/soak-garbage.log" 2>&1 &
		else
			WAYLAND_DISPLAY=wl-soak XDG_RUNTIME_DIR=$RUN timeout 30 "$tests/helpers/gpu-test-client" \
				--size 40x30 --color ff0000 --evil other-window >>"$out/soak-garbage.log" 2>&1 &
		fi
		GARBAGE+=($!); FAULTS+="garbage " ;;
	esac
}

# soak_watch PATH END: frames keep coming until END, faults every 10-30 s; 1 on a hang.
soak_watch() {
	local p=$1 end=$2 last f t changed next
	last=$(flips) changed=$(now) next=$(( $(now) + 10 + RANDOM % 20 ))
	while [ "$(now)" -lt "$end" ]; do
		sleep 1
		t=$(now) f=$(flips)
		if [ -n "$f" ] && [ "$f" != "$last" ]; then last=$f changed=$t
		elif [ $((t - changed)) -ge 5 ]; then
			HANG="no new frame for $((t - changed)) s (flips $last)"
			return 1
		fi
		kill -0 "$CPID" 2>/dev/null || { HANG="the compositor died: $(tail -1 "$out/soak-comp-$p.log")"; return 1; }
		[ "$t" -ge "$next" ] && { fault "$p"; next=$((t + 10 + RANDOM % 20)); }
	done
	return 0
}

round() {
	local p=$1 r=$2 spec=uio fd0 rss0 fd1 rss1 bad i frames0 v0=
	FAULTS= HANG=
	use "$p" && rebind || { result "FAIL soak-$r-$p: cannot load and rebind the $p driver"; return 1; }
	# The device cannot blank: gfx_drm keeps the buffer it shows last referenced,
	# and after the compositor quits that is its last frame's. So VRAM_FREE is
	# taken with one full-screen buffer already on screen (gfx-hello's), and
	# must come back to that, with the compositor's last buffer in its place.
	if [ "$p" = drm ]; then
		spec=drm:/dev/dri/card0
		timeout 60 "$bin/gfx-hello" "$spec" >/dev/null 2>&1 ||
			{ result "FAIL soak-$r-$p: gfx-hello could not put a picture on screen"; return 1; }
		v0=$(vram_free)
	fi
	comp_start "$spec" "$r" || { result "FAIL soak-$r-$p: the compositor did not start"; return 1; }
	sleep 2
	fd0=$(fds "$CPID") rss0=$(rss "$CPID")
	CLIENT_ARGS=()
	for i in $(seq 0 $((WINDOWS - 1))); do CLIENT_ARGS[$i]="--size 160x120 --hue $((i * 23))"; done
	for i in $(seq "$WINDOWS" $((WINDOWS + GPUS - 1))); do CLIENT_ARGS[$i]="--gpu --size 160x120 --hue $((i * 23))"; done
	for i in "${!CLIENT_ARGS[@]}"; do client_start "$i"; done
	[ "$p" = drm ] && userq_load_start
	sleep 8
	frames0=$(flips)
	soak_watch "$p" $(( $(now) + ROUND ))
	local watched=$?
	userq_load_stop
	clients_stop
	for i in "${GARBAGE[@]}"; do wait "$i" 2>/dev/null; done
	GARBAGE=()
	sleep 3
	fd1=$(fds "$CPID") rss1=$(rss "$CPID")
	comp_stop
	bad=$(dmesg_bad)
	local what="$((WINDOWS + GPUS)) clients, $(( $(flips) - frames0 )) frames, faults: ${FAULTS:-none}; compositor fds $fd0 -> $fd1, RSS $rss0 -> $rss1 kB${USERQ_MADE:+, $USERQ_MADE user-mode queues}${FENCE_RUNS:+, fence exports $FENCE_RUNS}"
	if [ -n "$bad" ]; then result "FAIL soak-$r-$p: kernel log: $bad ($what)"; return 1
	elif [ "$watched" != 0 ]; then result "FAIL soak-$r-$p: $HANG ($what)"; return 1
	elif [ "$fd1" != "$fd0" ] || [ $((rss1 - rss0)) -gt 4096 ]; then result "FAIL soak-$r-$p: the compositor grew ($what)"; return 1
	elif [ -n "$FENCE_RUNS" ] && [ "${FENCE_RUNS##*killed, }" != "0 failed" ]; then
		result "FAIL soak-$r-$p: a fence export failed: $(grep -v '^ok' "$out/soak-fence.log" | tail -1) ($what)"; return 1
	fi
	if [ "$p" = drm ]; then
		local v1; v1=$(timeout 30 "$bin/gfx-vm-drm" settle "$v0" 2>&1) ||
			{ result "FAIL soak-$r-$p: $v1 ($what)"; return 1; }
		what+="; VRAM_FREE back to $v0"
	fi
	result "PASS soak-$r-$p ($what)"
}

# ---- the run ----

dmesg -c >"$out/dmesg.log" 2>&1
slab0=$(slab) t0=$(now) r=0 failed=0
say "$MINUTES minutes, rounds of $ROUND s, $WINDOWS windows + $GPUS GPU clients, $(uname -r)"
while [ $(( $(now) - t0 )) -lt $((MINUTES * 60)) ]; do
	r=$((r + 1))
	p=$([ $((r % 2)) = 1 ] && echo uio || echo drm)
	round "$p" "$r" || failed=$((failed + 1))
	[ "$failed" -ge 3 ] && { say "three rounds failed: stopping"; break; }
done
rmmod gfx_drm 2>/dev/null; rmmod uio_gfx 2>/dev/null
slab1=$(slab)
if [ $((slab1 - slab0)) -gt 2048 ]; then
	result "FAIL soak-slab: unreclaimable slab $slab0 -> $slab1 kB over $r rounds (tolerance 2048 kB)"
else
	result "PASS soak-slab (unreclaimable slab $slab0 -> $slab1 kB over $r rounds, $(( ($(now) - t0) / 60 )) minutes)"
fi
bad=$(dmesg_bad)
[ -n "$bad" ] && result "FAIL soak-dmesg: $bad"
echo done >"$out/results.done"
