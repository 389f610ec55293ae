# guest_vfio.sh - virtio-gpu driven from user space through vfio-pci behind
# QEMU's emulated Intel IOMMU (docs/virtio.md), sourced by tests/vm/guest.sh
# in its "vfio" mode: check-vm.sh boots a second guest for these, with
# VM_IOMMU=1 (intel-iommu, virtio-gpu with iommu_platform, intel_iommu=on).
#
#   vm-vfio-bind              driver_override: vfio-pci takes the device, its group
#   vm-vfio-gfx-hello         gfx-hello on "virtio" (found on vfio-pci); QEMU's
#                             screendump is compared with the GPU model's (check-vm.sh)
#   vm-vfio:*                 libgfx's suites on it
#   vm-vfio-compositor-clients  weston-simple-shm, weston-terminal and foot
#   vm-vfio-kill9             an animation killed with -9: vfio-pci reset the device
#                             and the IOMMU forgot the pool; the next picture is right
#   vm-vfio-stray             a response aimed at guest memory outside the pool is not
#                             written, and the guest kernel logs the IOMMU's fault
#   vm-vfio-unbind            unbind while animating: the process lets go at vfio-pci's
#                             request (unbind does not hang) and says the device went
#   vm-vfio-give-back         the device back to virtio_gpu: a card again

vfio_bind() {
	local dev group
	dev=$(vio_pci) || { echo "no virtio-gpu PCI function"; return 1; }
	group=$(basename "$(readlink "/sys/bus/pci/devices/$dev/iommu_group")") ||
		{ echo "$dev has no IOMMU group: is the IOMMU on?"; return 1; }
	modprobe vfio-pci || return 1
	echo vfio-pci >"/sys/bus/pci/devices/$dev/driver_override"
	[ -e "/sys/bus/pci/devices/$dev/driver" ] && echo "$dev" >"/sys/bus/pci/devices/$dev/driver/unbind"
	echo "$dev" >/sys/bus/pci/drivers_probe
	[ "$(vio_driver "$dev")" = vfio-pci ] && [ -c "/dev/vfio/$group" ] ||
		{ echo "$dev: driver '$(vio_driver "$dev")', /dev/vfio/$group missing"; return 1; }
	echo "ok $dev bound to vfio-pci, IOMMU group $group alone: $(ls "/sys/kernel/iommu_groups/$group/devices" | tr '\n' ' ')"
}

vfio_stray() {
	local dev r fault
	dev=$(vio_pci) || return 1
	dmesg -c >>"$out/dmesg.log"
	r=$(timeout 60 "$bin/gfx-vm-virtio-stray" "$dev") || { echo "$r"; return 1; }
	fault=$(dmesg | grep -m1 -E 'DMAR: \[DMA (Write|Read)' ) ||
		{ echo "no IOMMU fault in the kernel log after the stray descriptor"; return 1; }
	vio_same_picture stray || return 1
	echo "$r; the IOMMU said: ${fault#*] }; the next gfx-hello's picture is right"
}

vfio_unbind() {
	local pid dev rc t0 took
	dev=$(vio_pci) || return 1
	"$bin/gfx-anim" -s 30 virtio >"$out/vfio-unbind.log" 2>&1 &
	pid=$!
	sleep 2
	t0=$(uptime_cs)
	timeout 20 sh -c "echo $dev >/sys/bus/pci/drivers/vfio-pci/unbind" ||
		{ kill -9 $pid; echo "unbind did not finish in 20 s with the device open"; return 1; }
	took=$(since "$t0")
	wait $pid; rc=$?
	[ $rc -lt 128 ] || { echo "gfx-anim died of signal $((rc - 128)) at the unbind"; return 1; }
	grep -qi 'lost\|no such device\|gone' "$out/vfio-unbind.log" ||
		{ echo "gfx-anim did not say the device went: $(tail -1 "$out/vfio-unbind.log")"; return 1; }
	echo "$dev" >/sys/bus/pci/drivers_probe
	[ "$(vio_driver "$dev")" = vfio-pci ] || { echo "vfio-pci did not bind again"; return 1; }
	vio_same_picture rebind || return 1
	echo "ok unbind while animating took $took s: $(grep -i 'lost\|no such device\|gone' "$out/vfio-unbind.log" | tail -1); bound again, the picture is right"
}

vfio_give_back() {
	local dev
	dev=$(vio_pci) || return 1
	echo "$dev" >/sys/bus/pci/drivers/vfio-pci/unbind
	echo >"/sys/bus/pci/devices/$dev/driver_override"
	echo "$dev" >/sys/bus/pci/drivers_probe
	modprobe virtio_gpu
	for _ in $(seq 50); do kms_card virtio_gpu >/dev/null && break; sleep 0.1; done
	kms_card virtio_gpu >/dev/null || { echo "virtio_gpu made no card again ($(vio_driver "$dev"))"; return 1; }
	echo "ok $dev back with $(vio_driver "$dev"): $(kms_card virtio_gpu)"
}

vfio_clients() { COMP_SHOT_DEV=$VIO_QEMU_ID comp_clients virtio vfio; }

vfio_cases() {
	local t
	if ! vio_pci >/dev/null; then
		result "SKIP vm-vfio: QEMU gave the guest no virtio-gpu-pci"
		return
	fi
	case_ vm-vfio-bind vfio_bind
	[ "$(vio_driver "$(vio_pci)")" = vfio-pci ] || return	# vm-vfio-bind failed and said why
	VIO_TAG=vfio	# the pictures after faults compare with hello-vfio.png
	case_ vm-vfio-gfx-hello vio_hello "$out/hello-vfio.png"
	for t in test_libgfx test_libgfx_display test_libgfx_faults; do libgfx_suite "$t" vfio virtio; done
	case_ vm-vfio-compositor-clients vfio_clients
	case_ vm-vfio-kill9 vio_kill9
	case_ vm-vfio-stray vfio_stray
	case_ vm-vfio-unbind vfio_unbind
	case_ vm-vfio-give-back vfio_give_back
}
