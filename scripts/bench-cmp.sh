#!/bin/bash
# bench-cmp.sh - UIO against DRM on the same GPU (`make bench-vm`, issue 8).
#
# Usage: scripts/bench-cmp.sh [RESULTS.jsonl]   (default build/bench/results.jsonl; appends)
#
# Measures on the host, natively, what a system call, a copy from user
# space, a wake-up and an IPI cost here (gfx-native-costs), then boots a
# guest (Debian kernel, QEMU TCG) with the GPU and runs tests/vm/guest_cmp.sh
# in it: every timed workload on the uio path and on the drm path,
# alternating uio, drm, uio, drm; then a second guest for the perf-counted
# ones (see the two boots below). scripts/cmp_report.py turns the raw results into JSON
# lines (ratio = uio / drm), tables (BUILD/vm-cmp/out/report.md) and plots.
#
# Environment:
#   CMP_QUICK=1      a development run: 5 s compositor windows, one round,
#                    fewer samples (minutes, not the real measurement)
#   CMP_SECONDS, CMP_COUNT_SECONDS, CMP_ROUNDS, CMP_WINDOWS, CMP_BATCHES,
#   CMP_SAMPLES, CMP_WINDOW_SIZE, CMP_ENGINE_ARGS, CMP_GCOMP_ROUNDS,
#   CMP_GCOMP_SECONDS, CMP_KFRAME_ROUNDS, CMP_KFRAME_SECONDS, CMP_ONLY
#                    see tests/vm/guest_cmp.sh
#   CMP_DOCS=1       also write the plots into docs/comparison/ (to commit)
#   CMP_VM_APPEND    guest kernel arguments (default: clocksource=tsc
#                    tsc=reliable, see below; empty for the HPET)
#   CMP_MODE         the GPU's mode (default 1920x1080@30): a rate all paths
#                    sustain, so that per-frame figures compare the same
#                    frames (fixed-rate costs such as vblank interrupts and
#                    timer ticks divide alike); at 60 Hz DRM classic fell
#                    6-16 % short in the compositor runs (issue 18)
# Logs and raw data: BUILD/vm-cmp/ (its own directory: a `make check-vm`
# running at the same time keeps BUILD/vm/).
set -u
cd "$(dirname "$0")/.."
. tests/vm/vmlib.sh
VM_DIR=$VM_BUILD/vm-cmp
VM_OUT=$VM_DIR/out
VM_SOCK=$VM_DIR/gpu.sock
results=${1:-$VM_BUILD/bench/results.jsonl}
VM_MODE=${CMP_MODE:-1920x1080@30}
mkdir -p "$(dirname "$results")" "$VM_DIR"
trap 'vm_cleanup' EXIT
trap 'exit 1' INT TERM

if [ "${CMP_QUICK:-0}" = 1 ]; then
	: "${CMP_SECONDS:=5}" "${CMP_COUNT_SECONDS:=4}" "${CMP_ROUNDS:=1}" "${CMP_BATCHES:=40}"
	: "${CMP_SAMPLES:=60}" "${CMP_ENGINE_ARGS:=--quick}" "${CMP_GCOMP_SECONDS:=5}"
fi
guest_env=
for v in CMP_SECONDS CMP_COUNT_SECONDS CMP_ROUNDS CMP_WINDOWS CMP_BATCHES CMP_SAMPLES \
	CMP_WINDOW_SIZE CMP_ENGINE_ARGS CMP_PROFILE_WINDOWS CMP_PROFILE_FILLS CMP_GCOMP_ROUNDS \
	CMP_GCOMP_SECONDS \
	CMP_KFRAME_ROUNDS CMP_KFRAME_SECONDS; do
	[ -n "${!v:-}" ] && guest_env+="$v='${!v}' "
done

scripts/install-deps.sh bench >&2 || echo "bench-vm: perf or gnuplot missing: no kernel counts or plots" >&2
vm_setup || { echo "bench-vm: cannot set up the VM (see above)" >&2; exit 1; }
vm_build_module || { echo "bench-vm: module build failed: $VM_DIR/kmod/build.log" >&2; exit 1; }
for b in gfx-device gfx-compositor gfx-demo-client gfx-bench gfx-vm-cmp gfx-native-costs; do
	[ -x "$VM_BUILD/bin/$b" ] || { echo "bench-vm: $VM_BUILD/bin/$b is not built" >&2; exit 1; }
done

# What the guest runs, copied: a rebuild in the tree during the run (others
# work in it too) must not change the programs halfway through.
snap=$VM_DIR/snap
rm -rf "$snap" && mkdir -p "$snap/bin" "$snap/lib" || exit 1
cp -a "$VM_BUILD"/lib/libgfx.so* "$snap/lib/" &&
	for b in gfx-compositor gfx-demo-client gfx-bench gfx-vm-cmp; do cp "$VM_BUILD/bin/$b" "$snap/bin/"; done &&
	cp tests/vm/guest_cmp.sh tests/vm/guest_drivers.sh tests/vm/guest-ctl.sh "$snap/" || exit 1

echo "== native costs on the host ($(nproc) CPUs, $(uname -r))"
"$VM_BUILD/bin/gfx-native-costs" $([ "${CMP_QUICK:-0}" = 1 ] && echo --quick) >"$VM_OUT/native.jsonl" ||
	echo "bench-vm: gfx-native-costs failed" >&2
{
	echo "{\"w\": \"host\", \"kernel\": \"$(uname -r)\", \"cpus\": $(nproc),"
	echo " \"cpu\": \"$(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1)\","
	echo " \"qemu\": \"$(qemu-system-x86_64 --version | head -1)\", \"load\": \"$(cut -d' ' -f1-3 /proc/loadavg)\","
	echo " \"mode\": \"$VM_MODE\", \"date\": \"$(date -u +%Y-%m-%dT%H:%MZ)\","
	echo " \"tree\": \"$(git describe --always --dirty 2>/dev/null || echo unknown)\"}"
} | tr -d '\n' >"$VM_OUT/host.json"

vm_start_device || exit 1
VM_TIMEOUT=${CMP_VM_TIMEOUT:-5400}	# vmlib's default (240 s) is for check-vm
# The guest's clock: TCG gives the kernel no stable TSC, so it falls back to
# the HPET and every clock_gettime() becomes a system call plus an emulated
# device read (tens of µs); natively it is the vDSO and no system call.
# QEMU's TCG TSC follows the host's clock on every vCPU: the guest may use it.
VM_APPEND="${CMP_VM_APPEND-clocksource=tsc tsc=reliable}"
# Two boots. The timed workloads run in the usual guest (a vCPU per host
# thread). The traced ones (perf's tracepoints and kprobe: kernel text
# patched at every attach and detach) run in a guest whose vCPUs share one
# host thread: with a thread per vCPU, QEMU 7.2's TCG let a vCPU execute a
# breakpoint another had already removed from the text, forever, and the
# guest locked up or crashed within minutes, with or without our drivers
# loaded (docs/drm.md, "The soft lockup of 2026-12"). Counts do not depend
# on the host's threads; times would. ktime (function_graph: text patched
# too) runs there as well: its times are the kernel's own on one vCPU while
# the other idles, the same for every path.
only=" ${CMP_ONLY:-irq submit ktime kframe pipe comp gcomp count engine} " timed= traced=
for w in $only; do case $w in count|profile|ktime|kframe) traced+="$w " ;; *) timed+="$w " ;; esac; done
accel=$(vm_accel)
t0=$(date +%s)
if [ -n "$timed" ]; then
	VM_FOREIGN= vm_boot "cd $VM_REPO && CMP_BIN=$snap/bin CMP_CTL=$snap/guest-ctl.sh CMP_ONLY='$timed' $guest_env exec /bin/bash $snap/guest_cmp.sh $VM_OUT $VM_DIR/kmod" ||
		echo "bench-vm: the guest did not finish cleanly (serial log: $VM_DIR/serial.log)" >&2
	cp "$VM_DIR/serial.log" "$VM_DIR/serial-timed.log" 2>/dev/null
fi
if [ -n "$traced" ]; then
	rm -f "$VM_OUT/started"
	[ "$accel" = tcg ] && export VM_ACCEL=tcg,thread=single
	VM_FOREIGN= vm_boot "cd $VM_REPO && CMP_BIN=$snap/bin CMP_CTL=$snap/guest-ctl.sh CMP_ONLY='$traced' CMP_APPEND=1 $guest_env exec /bin/bash $snap/guest_cmp.sh $VM_OUT $VM_DIR/kmod" ||
		echo "bench-vm: the traced guest did not finish cleanly (serial log: $VM_DIR/serial.log)" >&2
	unset VM_ACCEL
fi
echo "{\"load_after\": \"$(cut -d' ' -f1-3 /proc/loadavg)\", \"vm_seconds\": $(( $(date +%s) - t0 ))}" >"$VM_OUT/host-after.json"
if [ ! -s "$VM_OUT/raw.jsonl" ]; then
	echo "bench-vm: no results; guest log:" >&2
	tail -20 "$VM_OUT/guest.log" >&2 2>/dev/null
	exit 1
fi
echo "== UIO against DRM, timed in one VM and traced in another ($accel, Debian $VM_KVER, boot ${VM_BOOT_S:-?} s, $(( $(date +%s) - t0 )) s in all)"
python3 scripts/cmp_report.py "$VM_OUT" --jsonl "$VM_OUT/bench.jsonl" \
	$([ "${CMP_DOCS:-0}" = 1 ] && echo "--plots docs/comparison" || echo "--plots $VM_OUT/plots") ||
	{ echo "bench-vm: the report failed" >&2; exit 1; }
cat "$VM_OUT/bench.jsonl" >>"$results"
# Each run's tables and raw data are kept (the next run starts afresh), for ranges over runs.
keep=$(dirname "$results")/cmp-$(date -u +%Y%m%dT%H%M)
mkdir -p "$keep" && cp -a "$VM_OUT/report.md" "$VM_OUT/raw.jsonl" "$VM_OUT/bench.jsonl" "$VM_OUT/native.jsonl" \
	"$VM_OUT/host.json" "$VM_OUT/host-after.json" "$VM_OUT/comp" "$VM_OUT/ktime" "$keep/" 2>/dev/null
echo "kept: $keep"
