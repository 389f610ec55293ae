#!/bin/bash
# bench-display.sh - compositors on QEMU's virtio-gpu, a GPU nobody here
# wrote (`make bench-vm`, issues 16 and 17): virtio-gpu driven from user
# space (uio_vgpu + libgfx virtio: + gfx-compositor) against the upstream
# virtio_gpu driver (gfx-compositor on libgfx's kms:, Weston 10 and sway
# 1.7), the same clients at the same frame rate, rounds counterbalanced in
# one boot (tests/vm/guest_display_bench.sh says what is measured), then
# scripts/disp_report.py: medians with 95 % intervals, the ratios as JSON
# lines, a table and plots.
#
# Usage: scripts/bench-display.sh [RESULTS.jsonl]   (default build/bench/results.jsonl; appends)
# Environment: DB_SECONDS, DB_ROUNDS, DB_WINDOWS, DB_FPS, DB_WINDOW_SIZE,
#   DB_SIDES (see the guest script); DB_QUICK=1 for a development run (one
#   round of 4 s); DB_DOCS=1 also writes the plots into docs/comparison/.
# Logs and raw data: BUILD/vm-disp/.
set -u
cd "$(dirname "$0")/.."
. tests/vm/vmlib.sh
VM_DIR=$VM_BUILD/vm-disp
VM_OUT=$VM_DIR/out
VM_SOCK=$VM_DIR/gpu.sock
results=${1:-$VM_BUILD/bench/results.jsonl}
mkdir -p "$(dirname "$results")" "$VM_DIR"
trap 'vm_cleanup' EXIT
trap 'exit 1' INT TERM

[ "${DB_QUICK:-0}" = 1 ] && : "${DB_SECONDS:=4}" "${DB_ROUNDS:=1}"
guest_env=
for v in DB_SECONDS DB_ROUNDS DB_WINDOWS DB_FPS DB_WINDOW_SIZE DB_SIDES; do
	[ -n "${!v:-}" ] && guest_env+="$v='${!v}' "
done

scripts/install-deps.sh bench >&2 || echo "bench-display: a peer, perf or gnuplot is missing (see above)" >&2
vm_setup || { echo "bench-display: cannot set up the VM (see above)" >&2; exit 1; }
vm_build_module || { echo "bench-display: module build failed: $VM_DIR/kmod/build.log" >&2; exit 1; }
# What the guest runs, copied: a rebuild in the tree during the run must not change it halfway.
snap=$VM_DIR/snap
rm -rf "$snap" && mkdir -p "$snap/bin" "$snap/lib" || exit 1
cp -a "$VM_BUILD"/lib/libgfx.so* "$snap/lib/" &&
	for b in gfx-compositor gfx-demo-client; do cp "$VM_BUILD/bin/$b" "$snap/bin/"; done &&
	cp tests/vm/guest_display_bench.sh tests/vm/guest-ctl.sh "$snap/" || exit 1

vm_start_device || exit 1
VM_TIMEOUT=${DB_VM_TIMEOUT:-5400}
VM_APPEND="clocksource=tsc tsc=reliable"	# as bench-cmp.sh: the vDSO's clock, not the HPET's
# perf's tracepoint attach patches kernel text: vCPUs on one host thread (docs/drm.md,
# "The soft lockup of 2026-12"). The same for every side, so the comparison holds.
[ "$(vm_accel)" = tcg ] && export VM_ACCEL=tcg,thread=single
t0=$(date +%s)
VM_FOREIGN= vm_boot "cd $VM_REPO && DB_BIN=$snap/bin DB_CTL=$snap/guest-ctl.sh $guest_env exec /bin/bash $snap/guest_display_bench.sh $VM_OUT $VM_DIR/kmod" ||
	echo "bench-display: the guest did not finish cleanly (serial log: $VM_DIR/serial.log)" >&2
if [ ! -s "$VM_OUT/disp.jsonl" ]; then
	echo "bench-display: no results; guest log:" >&2
	tail -20 "$VM_OUT/guest.log" >&2 2>/dev/null
	exit 1
fi
echo "== compositors on virtio-gpu ($(cat "$VM_DIR/kvm.probe"), ${VM_ACCEL:-}, Debian $VM_KVER, $(( $(date +%s) - t0 )) s)"
python3 scripts/disp_report.py "$VM_OUT/disp.jsonl" --jsonl "$VM_OUT/bench.jsonl" --md "$VM_OUT/report.md" \
	--plots "$([ "${DB_DOCS:-0}" = 1 ] && echo docs/comparison || echo "$VM_OUT/plots")" ||
	{ echo "bench-display: the report failed" >&2; exit 1; }
cat "$VM_OUT/bench.jsonl" >>"$results"
keep=$(dirname "$results")/disp-$(date -u +%Y%m%dT%H%M)
mkdir -p "$keep" && cp -a "$VM_OUT/disp.jsonl" "$VM_OUT/bench.jsonl" "$VM_OUT/report.md" "$keep/" 2>/dev/null
echo "kept: $keep"
