#!/bin/bash
# bench_gpu_clients.sh - GPU-rendering clients in the VM: UIO contexts against
# DRM render nodes and dma-buf (tests/vm/guest_gpu_bench.sh), one boot with 16
# contexts (15 client contexts, one MSI-X vector each).
#
# Usage: tests/vm/bench_gpu_clients.sh [RESULTS.jsonl]   (appends JSON lines)
set -u
VM_CONTEXTS=${VM_CONTEXTS:-16}
VM_TIMEOUT=${VM_TIMEOUT:-900}
. "$(dirname "$0")/vmlib.sh"
results=${1:-$VM_BUILD/bench/results.jsonl}
mkdir -p "$(dirname "$results")"
trap 'vm_cleanup' EXIT
trap 'exit 1' INT TERM
vm_setup || { echo "bench-gpu-vm: cannot set up the VM" >&2; exit 1; }
vm_build_module || { echo "bench-gpu-vm: module build failed: $VM_DIR/kmod/build.log" >&2; exit 1; }
vm_start_device || exit 1
# As make bench-vm: the TSC as the guest's clock, so that clock_gettime is a
# vDSO call as natively, not a system call and an emulated HPET read.
VM_APPEND="${GB_VM_APPEND-clocksource=tsc tsc=reliable}"
VM_FOREIGN= vm_boot "cd $VM_REPO && exec /bin/bash tests/vm/guest.sh gpubench $VM_OUT $VM_DIR/kmod/uio_gfx.ko" ||
	echo "bench-gpu-vm: the guest did not finish cleanly (serial log: $VM_DIR/serial.log)" >&2
if [ ! -s "$VM_OUT/gpubench.jsonl" ]; then
	echo "bench-gpu-vm: no results: $(cat "$VM_OUT/gpubench.err" 2>/dev/null)" >&2
	exit 1
fi
cat "$VM_OUT/gpubench.jsonl" >>"$results"
echo "== VM GPU clients ($(cat "$VM_DIR/kvm.probe"), Debian $VM_KVER): $VM_OUT/gpubench.jsonl"
python3 "$VM_REPO/scripts/bench_table.py" "$VM_OUT/gpubench.jsonl" 2>/dev/null || cat "$VM_OUT/gpubench.jsonl"
