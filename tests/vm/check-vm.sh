#!/bin/bash
# test-timeout: 1800
# check-vm.sh - the uio_gfx stub, libgfx's uio backend and the gfx_drm driver
# in a real kernel.
#
# Usage: tests/vm/check-vm.sh   (from `make check-vm` and `make test`; BUILD=
# selects the build dir, default build/). Prints one PASS/FAIL/SKIP line per
# case for tests/run.sh and a closing "N passed, N failed" line.
# Development: VM_GUEST_MODE=drm runs only the gfx_drm cases; VM_GUEST_MODE=case
# VM_GUEST_ARGS="NAME COMMAND ARGS..." one case (absolute paths: see guest.sh);
# VM_IOMMU=1 VM_GUEST_MODE=vfio only the VFIO cases; VM_VFIO=0 skips their boot.
#
# Builds the modules against the newest installed Debian kernel (W=1, sparse),
# starts gfx-device, boots that kernel under QEMU (TCG unless KVM is proven to
# work) with an ivshmem-doorbell on gfx-device's socket and a foreign
# ivshmem-plain, and runs tests/vm/guest.sh in it; then boots it again with
# QEMU's IOMMU for the VFIO cases (tests/vm/guest_vfio.sh). Logs: build/vm/.
set -u
# Both drivers' cases, peers and the fuzzer: minutes under TCG (the runner allows 30);
# the debug kernel (KERNEL=debug: lockdep, KASAN) runs them about three times slower.
case ${KERNEL:-} in debug*) VM_TIMEOUT=${VM_TIMEOUT:-7000} ;; *) VM_TIMEOUT=${VM_TIMEOUT:-1700} ;; esac
. "$(dirname "$0")/vmlib.sh"
# Each kernel its own logs, so that a debug run and a normal one can sit side by side.
[ -n "${KERNEL:-}" ] && VM_DIR=$VM_BUILD/vm-$KERNEL VM_OUT=$VM_BUILD/vm-$KERNEL/out VM_SOCK=$VM_BUILD/vm-$KERNEL/gpu.sock
pass=0 fail=0 skip=0
line() {
	echo "$1"
	case ${1%% *} in PASS) pass=$((pass + 1)) ;; FAIL) fail=$((fail + 1)) ;; SKIP) skip=$((skip + 1)) ;; esac
}
finish() {
	vm_cleanup
	echo "check-vm: $pass passed, $fail failed, $skip skipped (logs in $VM_DIR)"
	[ "$fail" -eq 0 ]
	exit
}
trap 'vm_cleanup' EXIT
trap 'exit 1' INT TERM

if ! vm_setup; then
	line "SKIP vm: the VM test needs qemu-system-x86, a Debian kernel image, modules and headers, busybox-static and cpio"
	finish
fi

# The modules, warning-free with W=1 and clean under sparse.
if vm_build_module; then
	w=$(grep -E 'warning:|error:' "$VM_DIR/kmod/build.log" | grep -v 'Skipping BTF' | head -1)
	if [ -n "$w" ]; then line "FAIL vm-kmod-build: $w"; else line "PASS vm-kmod-build (uio_gfx, gfx_drm and uio_vgpu, W=1, sparse, against $VM_KVER)"; fi
else
	line "FAIL vm-kmod-build: $(grep -E 'error|Error' "$VM_DIR/kmod/build.log" | head -1)"
	finish
fi

for b in gfx-device gfx-ctl gfx-hello gfx-vm-test gfx-vm-uio-clients; do
	if [ ! -x "$VM_BUILD/bin/$b" ]; then
		line "SKIP vm: $VM_BUILD/bin/$b is not built"
		finish
	fi
done

# The expected picture: gfx-hello on the host through the direct backend.
ref=$VM_DIR/hello-ref.png
rm -f "$ref" "$VM_DIR/ref.sock"
"$VM_BUILD/bin/gfx-device" --socket "$VM_DIR/ref.sock" --vram "$VM_VRAM_MIB" --mode "$VM_MODE" \
	--display none >"$VM_DIR/ref-device.log" 2>&1 &
refdev=$!
VM_PIDS+=($refdev)
if vm_wait_socket "$VM_DIR/ref.sock" && timeout 60 "$VM_BUILD/bin/gfx-hello" "direct:$VM_DIR/ref.sock" >/dev/null 2>&1; then
	"$VM_BUILD/bin/gfx-ctl" --socket "$VM_DIR/ref.sock" screenshot "$ref" >/dev/null 2>&1
fi
kill $refdev 2>/dev/null; wait $refdev 2>/dev/null
VM_PIDS=()

vm_start_device || { line "FAIL vm: gfx-device did not start"; finish; }
guest="cd $VM_REPO && exec /bin/bash tests/vm/guest.sh ${VM_GUEST_MODE:-test} $VM_OUT $VM_DIR/kmod/uio_gfx.ko ${VM_GUEST_ARGS:-}"
vm_boot "$guest"
booted=$?

if [ -z "$VM_BOOT_S" ]; then
	line "FAIL vm-boot: the guest never reached its first test (serial log: $VM_DIR/serial.log)"
	tail -20 "$VM_DIR/serial.log" >&2
	finish
fi
# A sanity bound, not a benchmark: about 10 s here, more on a loaded host.
if awk "BEGIN{exit !($VM_BOOT_S <= 60)}"; then
	line "PASS vm-boot (${VM_BOOT_S} s to the first test, $VM_KVER, $(cat "$VM_DIR/kvm.probe" 2>/dev/null))"
else
	line "FAIL vm-boot: ${VM_BOOT_S} s to the first test; a boot takes about 10 s, the limit is 60 s"
fi

while read -r l; do line "$l"; done < <(grep -E '^(PASS|FAIL|SKIP) ' "$VM_OUT/results" 2>/dev/null)

# gfx-hello's scanout in the guest, on each kernel path, against the host's.
for h in hello:uio hello-drm:drm; do
	f=$VM_OUT/${h%%:*}.png name=vm-${h#*:}-gfx-hello-screenshot
	[ -f "$f" ] || continue
	if [ ! -f "$ref" ]; then
		line "FAIL $name: no reference picture from the host run"
	elif cmp -s "$ref" "$f"; then
		line "PASS $name (identical to the direct backend's picture)"
	else
		line "FAIL $name: $f differs from $ref"
	fi
done

# check_shot NAME FILE: QEMU's screendump FILE of gfx-hello against the GPU
# model's picture, pixel for pixel (a missing FILE: the guest's case said why).
check_shot() {
	local n
	[ -f "$2" ] || return 0
	n=$("$VM_BUILD/tests/helpers/png-diff" "$ref" "$2" 2>&1)
	if [ "$n" = 0 ]; then
		line "PASS $1 (QEMU's screendump equals the GPU model's picture, pixel for pixel)"
	else
		line "FAIL $1: $n pixels differ from the GPU model's ($2, $ref)"
	fi
}

# check_guest PREFIX WHAT BOOTED: the guest of $VM_OUT finished its cases, and
# no splat on its console fails the run: oopses, WARN, and the debug kernel's
# lockdep, KASAN, debug-objects, DMA-API and atomic-sleep reports (each a
# WARNING: or BUG: line). The console shows errors only (loglevel=4): the
# guest's whole kernel log is in dmesg.log.
check_guest() {
	local oops
	oops=$(cat "$VM_DIR/serial.log" "$VM_OUT/dmesg.log" 2>/dev/null |
		grep -E 'Kernel panic|Oops|BUG:|WARNING:|general protection|soft lockup|blocked for more than|UBSAN:|possible (circular|recursive)|inconsistent lock state' |
		head -1)
	if [ ! -f "$VM_OUT/results.done" ] || [ "$3" -ne 0 ]; then
		line "FAIL $1-guest: $2 did not finish its cases${oops:+: $oops} (serial log: $VM_DIR/serial.log)"
		tail -30 "$VM_DIR/serial.log" >&2
	elif [ -n "$oops" ]; then
		line "FAIL $1-console: $oops"
	fi
}

# gfx-hello on display devices nobody here wrote (the kms driver, CPU drawing),
# and on virtio-gpu driven from user space (uio_vgpu, libgfx's virtio driver).
for f in "$VM_OUT"/hello-kms-*.png; do
	check_shot "vm-kms-$(basename "$f" .png | sed 's/^hello-kms-//')-gfx-hello-screenshot" "$f"
done
check_shot vm-virtio-gfx-hello-screenshot "$VM_OUT/hello-virtio.png"
check_guest vm "the guest" "$booted"

# virtio-gpu through vfio-pci needs QEMU's IOMMU in front of the devices: a
# second, short boot with VM_IOMMU (tests/vm/guest_vfio.sh). Its results
# and logs are in OUT/vfio; the first boot's console is kept as serial-main.log.
vfio_boot() {
	local main_out=$VM_OUT booted
	cp "$VM_DIR/serial.log" "$VM_DIR/serial-main.log"
	VM_OUT=$main_out/vfio
	rm -rf "$VM_OUT" && mkdir -p "$VM_OUT/ctl" || return
	VM_BOOT_S=
	VM_IOMMU=1 vm_boot "cd $VM_REPO && exec /bin/bash tests/vm/guest.sh vfio $VM_OUT $VM_DIR/kmod/uio_gfx.ko"
	booted=$?
	while read -r l; do line "$l"; done < <(grep -E '^(PASS|FAIL|SKIP) ' "$VM_OUT/results" 2>/dev/null)
	check_shot vm-vfio-gfx-hello-screenshot "$VM_OUT/hello-vfio.png"
	check_guest vm-vfio "the IOMMU guest" "$booted"
	VM_OUT=$main_out
}
[ -z "${VM_GUEST_MODE:-}" ] && [ "${VM_VFIO:-1}" = 1 ] && vfio_boot
finish
