#!/bin/bash
# bench.sh - the interrupt-path measurements in the VM (uio_gfx + libgfx).
#
# Usage: tests/vm/bench.sh [RESULTS.jsonl]   (default build/bench/results.jsonl;
# appends). Boots the same guest as check-vm.sh and runs gfx-vm-bench in it;
# scripts/bench.sh calls it as part of `make bench`.
#
# Reusable for the in-kernel DRM driver comparison: VM_GUEST_CMD replaces the
# guest command line (default: load uio_gfx and run gfx-vm-bench --prefix
# uio), and the guest writes JSON lines to $VM_OUT/bench.jsonl either way.
set -u
. "$(dirname "$0")/vmlib.sh"
# Not "out": vmlib.sh's vm_serve_ctl sets a global of that name.
results=${1:-$VM_BUILD/bench/results.jsonl}
mkdir -p "$(dirname "$results")"
trap 'vm_cleanup' EXIT
trap 'exit 1' INT TERM

vm_setup || { echo "bench-vm: cannot set up the VM (see above)" >&2; exit 1; }
vm_build_module || { echo "bench-vm: module build failed: $VM_DIR/kmod/build.log" >&2; exit 1; }
for b in gfx-device gfx-vm-bench; do
	[ -x "$VM_BUILD/bin/$b" ] || { echo "bench-vm: $VM_BUILD/bin/$b is not built" >&2; exit 1; }
done
vm_start_device || exit 1
VM_FOREIGN= vm_boot "${VM_GUEST_CMD:-cd $VM_REPO && exec /bin/bash tests/vm/guest.sh bench $VM_OUT $VM_DIR/kmod/uio_gfx.ko}" ||
	echo "bench-vm: the guest did not finish cleanly (serial log: $VM_DIR/serial.log)" >&2
if [ ! -s "$VM_OUT/bench.jsonl" ]; then
	echo "bench-vm: no results; guest stderr:" >&2
	cat "$VM_OUT/bench.err" >&2 2>/dev/null
	exit 1
fi
cat "$VM_OUT/bench.jsonl" >>"$results"
echo "== VM ($(cat "$VM_DIR/kvm.probe"), Debian $VM_KVER, boot ${VM_BOOT_S:-?} s): $VM_OUT/bench.jsonl"
if [ -f "$VM_REPO/scripts/bench_table.py" ]; then
	python3 "$VM_REPO/scripts/bench_table.py" "$VM_OUT/bench.jsonl"
else
	cat "$VM_OUT/bench.jsonl"
fi
