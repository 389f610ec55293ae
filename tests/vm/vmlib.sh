# vmlib.sh - boot the test VM: sourced by tests/vm/check-vm.sh and bench.sh.
#
# vm_setup           deps, the kernel (newest Debian one, or KERNEL=debug), initramfs
# vm_start_device    gfx-device on $VM_SOCK (the GPU the guest gets)
# vm_boot CMD...     boot the guest, run CMD (a shell command line) chrooted
#                    into the host root, serve its gfx-ctl requests, wait
# vm_cleanup         stop what was started
#
# The guest sees the host root read-only at / (9p + chroot), so it runs the
# host's build/ binaries; $VM_OUT is shared read-write at the same path for
# results. The guest asks for gfx-ctl commands (screenshots) by writing
# $VM_OUT/ctl/req.N (the arguments); the host answers in rep.N (status, output).
#
# Knobs (environment): BUILD (build dir), KERNEL (debian, or debug[-6.12|-6.1]:
# scripts/kernel-debug.sh's lockdep+KASAN kernel), VM_MEM, VM_ACCEL (tcg or kvm, skips the KVM
# probe), VM_MODE, VM_VRAM_MIB, VM_CONTEXTS (gfx-device; QEMU gets one MSI-X
# vector per context), VM_APPEND (more kernel arguments), VM_TIMEOUT
# (seconds), VM_FOREIGN= (no foreign ivshmem device), VM_KMS= (no virtio-gpu and
# bochs-display devices).

VM_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VM_BUILD=$(cd "$VM_REPO" && mkdir -p "${BUILD:-build}" && cd "${BUILD:-build}" && pwd)
VM_DIR=$VM_BUILD/vm
VM_OUT=$VM_DIR/out
VM_SOCK=$VM_DIR/gpu.sock
VM_MODE=${VM_MODE:-1920x1080@60}		# gfx-device's default, which the libgfx suite expects
VM_VRAM_MIB=${VM_VRAM_MIB:-128}		# a power of two (QEMU's BAR2 must be)
VM_CONTEXTS=${VM_CONTEXTS:-8}		# gfx-device's hardware contexts = ivshmem vectors
VM_TIMEOUT=${VM_TIMEOUT:-240}	# inside tests/run.sh's 300 s
VM_BOOT_S=		# seconds from QEMU start to the guest's first command
VM_PIDS=()

vm_log() { echo "vm: $*" >&2; }

# The debug kernel of scripts/kernel-debug.sh (KERNEL=debug: 6.12, debug-6.1):
# sets VM_KVER, VM_KDIR (its object tree), VM_KIMAGE, VM_MODROOT.
vm_find_debug_kernel() {
	local v=${KERNEL#debug} dir
	v=${v#-}
	dir=${GFX_KERNEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/gfx-uio/kernel}/${v:-6.12}
	if [ ! -f "$dir/bzImage" ] || [ ! -f "$dir/kver" ] || [ ! -d "$dir/build" ]; then
		vm_log "no debug kernel in $dir: run make kernel-debug first (about 15 min per version)"
		return 1
	fi
	VM_KVER=$(cat "$dir/kver") VM_KDIR=$dir/build VM_KIMAGE=$dir/bzImage VM_MODROOT=$dir/root
}

# KERNEL=debug[-VERSION] picks the debug kernel; otherwise the newest Debian
# kernel with image, modules and headers. Sets VM_KVER, VM_KDIR, VM_KIMAGE and
# VM_MODROOT (empty: the host's /lib/modules).
vm_find_kernel() {
	local h k
	VM_KVER= VM_KDIR= VM_KIMAGE= VM_MODROOT=
	case ${KERNEL:-} in
	'' | debian) ;;
	debug*) vm_find_debug_kernel; return ;;
	*) vm_log "KERNEL=$KERNEL: want debian (the default), debug, debug-6.12 or debug-6.1"; return 1 ;;
	esac
	for h in $(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -rV); do
		k=${h#/usr/src/linux-headers-}
		if [ -r "/boot/vmlinuz-$k" ] && [ -d "/lib/modules/$k/kernel" ]; then
			VM_KVER=$k VM_KDIR=$h VM_KIMAGE=/boot/vmlinuz-$k
			return 0
		fi
		[ -d "/lib/modules/$k/kernel" ] || vm_log "/lib/modules/$k has no modules (linux-image-$k missing?)"
		[ -r "/boot/vmlinuz-$k" ] || vm_log "/boot/vmlinuz-$k missing or unreadable"
	done
	return 1
}

# Build uio_gfx and gfx_drm in $VM_DIR/kmod against $VM_KDIR, from the tree
# `make -C kernel dkms-source` makes (what DKMS builds); the log is kmod/build.log.
vm_build_module() {
	local k=$VM_DIR/kmod extra=()
	rm -rf "$k"
	make -s -C "$VM_REPO/kernel" dkms-source DKMS_DIR="$k" >/dev/null || return 1
	command -v sparse >/dev/null && extra=(C=2)
	make -C "$k" KDIR="$VM_KDIR" W=1 "${extra[@]}" >"$k/build.log" 2>&1
}

vm_setup() {
	mkdir -p "$VM_DIR"
	"$VM_REPO/scripts/install-deps.sh" vm >&2 || return 1
	vm_find_kernel || { vm_log "no kernel to boot (KERNEL=${KERNEL:-debian})"; return 1; }
	"$VM_REPO/tests/vm/mkinitramfs.sh" "$VM_KVER" "$VM_DIR/initramfs.cpio" "${VM_MODROOT:-/}" || return 1
	rm -rf "$VM_OUT" && mkdir -p "$VM_OUT/ctl"
}

# Wait until the unix socket $1 exists (5 s).
vm_wait_socket() {
	local i
	for i in $(seq 100); do [ -S "$1" ] && return 0; sleep 0.05; done
	return 1
}

vm_start_device() {
	rm -f "$VM_SOCK"
	"$VM_BUILD/bin/gfx-device" --socket "$VM_SOCK" --vram "$VM_VRAM_MIB" --mode "$VM_MODE" \
		--contexts "$VM_CONTEXTS" --display none >"$VM_DIR/device.log" 2>&1 &
	VM_PIDS+=($!)
	vm_wait_socket "$VM_SOCK" || { vm_log "gfx-device did not start (see $VM_DIR/device.log)"; return 1; }
}

# KVM only if a guest really runs in it here (it hangs on some hosts).
vm_accel() {
	local probe=$VM_DIR/kvm.probe
	[ -n "${VM_ACCEL:-}" ] && { echo "$VM_ACCEL"; return; }
	if [ ! -f "$probe" ]; then
		echo tcg >"$probe"
		if [ -w /dev/kvm ] && [ -r /dev/kvm ]; then
			timeout -k 2 6 qemu-system-x86_64 -nodefaults -no-user-config -machine q35 \
				-accel kvm -m 256M -kernel "$VM_KIMAGE" \
				-initrd "$VM_DIR/initramfs.cpio" -append "console=ttyS0 quiet panic=-1" \
				-no-reboot -display none -serial "file:$VM_DIR/kvm.log" >/dev/null 2>&1 &&
				grep -q 'GFX-INIT chroot' "$VM_DIR/kvm.log" && echo kvm >"$probe"
		fi
	fi
	cat "$probe"
}

# Run one request from the guest: a gfx-ctl command, "qmp-screendump ID
# FILE" (a picture of QEMU's display device ID, taken by QEMU itself), or
# "qemu-ticks" (QEMU's CPU time; vm_boot's qpid).
vm_serve_ctl() {
	local req=$1 rep=${1/req./rep.} args rc out
	read -r -a args <"$req"
	rm -f "$req"
	if [ "${args[0]}" = qmp-screendump ]; then
		out=$(python3 "$VM_REPO/tests/vm/qmp.py" "$VM_DIR/qmp.sock" screendump "${args[1]}" "${args[2]}" 2>&1)
	elif [ "${args[0]}" = vnc-resize ]; then	# virtio-gpu's display to W H [W H ...] (a VNC viewer's resize)
		out=$(python3 "$VM_REPO/tests/vm/vnc_resize.py" "$VM_DIR/vnc.sock" "${args[@]:1}" 2>&1)
	elif [ "${args[0]}" = qemu-ticks ]; then	# QEMU's CPU time (utime + stime, clock ticks)
		out=$(awk '{print $14 + $15}' "/proc/${qpid:-0}/stat" 2>&1)
	else
		out=$("$VM_BUILD/bin/gfx-ctl" --socket "$VM_SOCK" "${args[@]}" 2>&1)
	fi
	rc=$?
	printf '%s\n%s\n' "$rc" "$out" >"$rep.tmp" && mv "$rep.tmp" "$rep"
}

# vm_boot CMD: boot, run CMD in the guest's chroot, wait for power-off.
vm_boot() {
	local cmd=$1 accel t0 qpid req started= ok=0 extra_append=
	accel=$(vm_accel)
	local extra=()
	if [ -n "${VM_FOREIGN-1}" ]; then
		# A second ivshmem device that is not the GPU: no magic in its BAR2.
		truncate -s 0 "$VM_DIR/foreign.shm" && truncate -s 1M "$VM_DIR/foreign.shm"
		extra+=(-object "memory-backend-file,id=foreign,mem-path=$VM_DIR/foreign.shm,size=1M,share=on"
			-device ivshmem-plain,memdev=foreign)
	fi
	# A kernel of our own has its modules outside the host's /lib/modules: the
	# guest binds them over it (init.sh, gfx.modules=).
	[ -n "$VM_MODROOT" ] && extra_append="gfx.modules=$VM_MODROOT/lib/modules"
	# Two display devices nobody here wrote, for the kms driver's cases
	# (tests/vm/guest_kms.sh): QEMU's virtio-gpu and bochs-display, with
	# the GPU's mode; QMP for pictures of them from outside the guest, and
	# QEMU's trace of virtio-gpu's resource commands (what the device was asked to do).
	# A VNC server on virtio-gpu's display, for a viewer's resize (vnc_resize.py):
	# the display event the guest's driver must follow without a restart.
	if [ -n "${VM_KMS-1}" ]; then
		local w=${VM_MODE%%x*} h=${VM_MODE#*x}
		h=${h%%@*}
		extra+=(-device "virtio-gpu-pci,id=vgpu,xres=$w,yres=$h"
			-device "bochs-display,id=bochs,vgamem=64M,xres=$w,yres=$h"
			-vnc "unix:$VM_DIR/vnc.sock,display=vgpu"
			-qmp "unix:$VM_DIR/qmp.sock,server=on,wait=off"
			-trace "events=$VM_DIR/trace-events,file=$VM_OUT/qemu-trace.log")
		# One -trace: a second one without file= sends everything to stderr.
		printf 'virtio_gpu_cmd_res_*\nvirtio_gpu_cmd_set_scanout\nvirtio_gpu_update_cursor\n' >"$VM_DIR/trace-events"
		extra_append+=" drm_kms_helper.fbdev_emulation=0"
	fi
	# VM_IOMMU=1: QEMU's emulated Intel IOMMU in front of every PCI device,
	# virtio-gpu behind it (iommu_platform), the guest's driver on: the VFIO
	# case of tests/vm/guest_virtio.sh. The IOMMU device must come first.
	local iommu=()
	if [ -n "${VM_IOMMU:-}" ]; then
		iommu=(-device intel-iommu,intremap=on,caching-mode=on)
		extra_append+=" intel_iommu=on"
		extra=("${extra[@]/virtio-gpu-pci,id=vgpu,/virtio-gpu-pci,id=vgpu,iommu_platform=on,disable-legacy=on,}")
	fi
	vm_log "booting $VM_KVER ($VM_KIMAGE) with $accel${VM_IOMMU:+ and an IOMMU}"
	t0=$(date +%s.%N)
	qemu-system-x86_64 -nodefaults -no-user-config -machine q35${VM_IOMMU:+,kernel-irqchip=split} -accel "$accel" -cpu max \
		"${iommu[@]}" \
		-smp 2 -m "${VM_MEM:-1G}" -kernel "$VM_KIMAGE" -initrd "$VM_DIR/initramfs.cpio" \
		-append "console=ttyS0 quiet loglevel=4 panic=-1 oops=panic ${VM_APPEND:-} $extra_append gfx.out=$VM_OUT gfx.run=$(printf '%s' "$cmd" | base64 -w0)" \
		-no-reboot -display none -serial "file:$VM_DIR/serial.log" \
		-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
		-virtfs "local,path=$VM_OUT,mount_tag=out,security_model=none" \
		-chardev "socket,path=$VM_SOCK,id=gpu" -device ivshmem-doorbell,chardev=gpu,vectors=$VM_CONTEXTS \
		"${extra[@]}" >"$VM_DIR/qemu.log" 2>&1 &
	qpid=$!
	VM_PIDS+=($qpid)
	while kill -0 "$qpid" 2>/dev/null; do
		if [ -z "$started" ] && [ -f "$VM_OUT/started" ]; then
			started=$(date +%s.%N)
			VM_BOOT_S=$(awk "BEGIN{print $started - $t0}")
		fi
		for req in "$VM_OUT"/ctl/req.[0-9]*; do
			[ -f "$req" ] && vm_serve_ctl "$req"
		done
		if [ "$(awk "BEGIN{print ($(date +%s.%N) - $t0 > $VM_TIMEOUT)}")" = 1 ]; then
			vm_log "guest still running after ${VM_TIMEOUT}s, killing it (serial log: $VM_DIR/serial.log)"
			kill "$qpid"
			break
		fi
		sleep 0.1
	done
	wait "$qpid" 2>/dev/null
	grep -q 'GFX-INIT done' "$VM_DIR/serial.log" && ok=1
	[ -n "$VM_BOOT_S" ] && VM_BOOT_S=$(printf '%.1f' "$VM_BOOT_S")
	[ "$ok" = 1 ]
}

vm_cleanup() {
	local p
	for p in "${VM_PIDS[@]}"; do kill -0 "$p" 2>/dev/null && kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	VM_PIDS=()
}
