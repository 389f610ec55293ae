# guest_virtio.sh - QEMU's virtio-gpu driven from user space: the uio_vgpu
# stub and libgfx's virtio: driver (docs/virtio.md), sourced by
# tests/vm/guest.sh after the kms cases (which used the same device through
# the upstream virtio_gpu; these take it away and give it back).
#
#   vm-virtio-not-by-surprise  loading uio_vgpu leaves the device with its driver
#   vm-virtio-bind             driver_override: the stub takes it, one node
#   vm-virtio-gfx-hello        gfx-hello on virtio; QEMU's screendump is compared
#                              with the GPU model's picture (check-vm.sh)
#   vm-virtio:*                libgfx's suites on virtio
#   vm-virtio-compositor-scene   the compositor's scene, pixel for pixel the uio run's
#   vm-virtio-compositor-clients weston-simple-shm, weston-terminal and foot
#   vm-virtio-cursor           gfx_cursor_set/move through the cursor queue: QEMU's
#                              trace shows it shown, moved and hidden (cursor_case)
#   vm-virtio-kill9            an animation killed with -9 mid-frame: the stub reset
#                              the device; the next process's picture is right
#   vm-virtio-garbage          random descriptors and ring entries from a process
#                              that owns the device: QEMU and the kernel live, the
#                              next process's picture is right
#   vm-virtio-rmmod-unbind     rmmod refused while the node is open; unbind while it
#                              is open: the process learns (-ENODEV), no splat
#   vm-virtio-display-change   the display resized from outside (VIRTIO_GPU_EVENT_DISPLAY,
#                              then a storm of 41 of them): the compositor follows
#                              (comp_display_change)
#   vm-virtio-give-back        the device back to virtio_gpu: a card again

VIO_QEMU_ID=vgpu
VIO_TAG=virtio	# names the pictures: hello-$VIO_TAG.png (guest_vfio.sh sets vfio)

# The virtio-gpu PCI function (1af4:1050) as 0000:bb:dd.f.
vio_pci() {
	local d
	for d in /sys/bus/pci/devices/*; do
		[ "$(cat "$d/vendor"):$(cat "$d/device")" = 0x1af4:0x1050 ] && { echo "${d##*/}"; return 0; }
	done
	return 1
}

vio_driver() { basename "$(readlink "/sys/bus/pci/devices/$1/driver" 2>/dev/null)" 2>/dev/null; }
vio_node() { local d; for d in /sys/class/uio/uio*; do [ "$(cat "$d/name")" = uio_vgpu ] && { echo "/dev/${d##*/}"; return 0; }; done; return 1; }

vio_not_by_surprise() {
	local dev drv
	dev=$(vio_pci) || { echo "no virtio-gpu PCI function"; return 1; }
	drv=$(vio_driver "$dev")
	grep -q '^uio_vgpu ' /proc/modules || insmod "$(dirname "$kmod")/uio_vgpu.ko" || return 1
	[ "$(vio_driver "$dev")" = "$drv" ] || { echo "uio_vgpu took $dev from ${drv:-no driver}"; return 1; }
	echo "ok uio_vgpu loaded; $dev stays with ${drv:-no driver}"
}

vio_bind() {
	local dev node
	dev=$(vio_pci) || return 1
	echo uio_vgpu >"/sys/bus/pci/devices/$dev/driver_override"
	[ -e "/sys/bus/pci/devices/$dev/driver" ] && echo "$dev" >"/sys/bus/pci/devices/$dev/driver/unbind"
	echo "$dev" >/sys/bus/pci/drivers_probe
	node=$(vio_node) || { echo "no uio_vgpu node after binding $dev"; dmesg | tail -3; return 1; }
	echo "ok $dev bound to uio_vgpu: $node; $(dmesg | grep -o 'virtio-gpu for user space.*' | tail -1)"
}

# vio_hello PNG: gfx-hello holds its picture while QEMU takes one.
vio_hello() {
	local pid log=$out/vio-hello.log
	timeout 90 "$bin/gfx-hello" --hold 30 virtio >"$log" 2>&1 &
	pid=$!
	for _ in $(seq 300); do grep -q 'on screen' "$log" && break; sleep 0.1; done
	grep -q 'on screen' "$log" || { kill $pid; echo "gfx-hello: $(tail -1 "$log")"; return 1; }
	host_ctl qmp-screendump "$VIO_QEMU_ID" "$1" >/dev/null || { kill $pid; echo "no screendump"; return 1; }
	kill $pid; wait $pid 2>/dev/null
	echo "ok $(head -1 "$log" | sed 's/^gfx-hello: //'); QEMU's picture taken"
}

# The picture after a fault equals the one before it (hello-$VIO_TAG.png, checked by the host).
vio_same_picture() {
	local n
	vio_hello "$out/hello-$VIO_TAG-$1.png" >/dev/null || { echo "no picture after $1"; return 1; }
	n=$("$tests/helpers/png-diff" "$out/hello-$VIO_TAG.png" "$out/hello-$VIO_TAG-$1.png") || return 1
	[ "$n" = 0 ] || { echo "$n pixels differ from the first gfx-hello's after $1"; return 1; }
}

vio_scene() {
	local n
	COMP_SHOT_DEV=$VIO_QEMU_ID comp_scene virtio virtio || { comp_stop; return 1; }
	comp_cursor_on_plane "$out/comp-virtio.png" || { comp_stop; return 1; }
	comp_stop
	[ -f "$out/comp-uio.png" ] || { echo "no uio picture to compare with (its case failed)"; return 1; }
	n=$("$tests/helpers/png-diff" "$out/comp-uio.png" "$out/comp-virtio.png" \
		"$(comp_arrow_mask "$out/comp-uio.png")") || return 1
	[ "$n" = 0 ] || { echo "$n pixels differ from the uio run's scene (comp-virtio.png)"; return 1; }
	echo "ok QEMU's picture equals the uio run's scene, pixel for pixel but the arrow, which the cursor queue shows at the centre"
}

vio_clients() { COMP_SHOT_DEV=$VIO_QEMU_ID comp_clients virtio virtio; }

vio_kill9() {
	local pid
	"$bin/gfx-anim" -s 30 virtio >"$out/vio-anim.log" 2>&1 &	# no timeout(1): -9 must hit it
	pid=$!
	sleep 3
	kill -0 $pid 2>/dev/null || { echo "gfx-anim ended early: $(tail -1 "$out/vio-anim.log")"; return 1; }
	kill -9 $pid; wait $pid 2>/dev/null
	vio_same_picture kill9 || return 1
	echo "ok gfx-anim killed with -9 while animating; the next gfx-hello's picture is right"
}

vio_garbage() {
	local r
	r=$("$bin/gfx-vm-virtio-evil" 300) || { echo "$r"; return 1; }
	vio_same_picture garbage || return 1
	echo "${r#ok }; the next gfx-hello's picture is right" | sed 's/^/ok /'
}

vio_rmmod_unbind() {
	local pid dev rc
	dev=$(vio_pci) || return 1
	"$bin/gfx-anim" -s 30 virtio >"$out/vio-unbind.log" 2>&1 &
	pid=$!
	sleep 2
	rmmod uio_vgpu 2>/dev/null && { echo "rmmod succeeded with the node open"; return 1; }
	kill -0 $pid || { echo "gfx-anim died at the rmmod: $(tail -1 "$out/vio-unbind.log")"; return 1; }
	echo "$dev" >/sys/bus/pci/drivers/uio_vgpu/unbind
	wait $pid; rc=$?
	# It learns on its next call: -ENODEV (exit 1 with the message), never a crash (>= 128).
	[ $rc -lt 128 ] || { echo "gfx-anim died of signal $((rc - 128)) at the unbind"; return 1; }
	grep -qi 'lost\|no such device\|gone' "$out/vio-unbind.log" ||
		{ echo "gfx-anim did not say the device went: $(tail -1 "$out/vio-unbind.log")"; return 1; }
	echo "$dev" >/sys/bus/pci/drivers_probe
	vio_node >/dev/null || { echo "uio_vgpu did not bind again"; return 1; }
	vio_same_picture rebind || return 1
	echo "ok rmmod refused while open; unbind while animating: $(grep -i 'lost\|no such device\|gone' "$out/vio-unbind.log" | tail -1); bound again, the picture is right"
}

vio_give_back() {
	local dev
	dev=$(vio_pci) || return 1
	echo "$dev" >/sys/bus/pci/drivers/uio_vgpu/unbind
	echo >"/sys/bus/pci/devices/$dev/driver_override"
	echo "$dev" >/sys/bus/pci/drivers_probe
	modprobe virtio_gpu
	for _ in $(seq 50); do kms_card virtio_gpu >/dev/null && break; sleep 0.1; done
	kms_card virtio_gpu >/dev/null || { echo "virtio_gpu made no card again ($(vio_driver "$dev"))"; return 1; }
	rmmod uio_vgpu || return 1
	echo "ok $dev back with $(vio_driver "$dev"): $(kms_card virtio_gpu); uio_vgpu unloaded"
}

virtio_cases() {
	local t
	if ! vio_pci >/dev/null; then
		result "SKIP vm-virtio: QEMU gave the guest no virtio-gpu-pci"
		return
	fi
	case_ vm-virtio-not-by-surprise vio_not_by_surprise
	case_ vm-virtio-bind vio_bind
	vio_node >/dev/null || return	# vm-virtio-bind failed and said why
	case_ vm-virtio-gfx-hello vio_hello "$out/hello-virtio.png"
	for t in $LIBGFX_SUITES; do libgfx_suite "$t" virtio virtio; done
	case_ vm-virtio-compositor-scene vio_scene
	case_ vm-virtio-compositor-clients vio_clients
	case_ vm-virtio-display-change comp_display_change virtio virtio
	case_ vm-virtio-cursor cursor_case virtio
	case_ vm-virtio-kill9 vio_kill9
	case_ vm-virtio-garbage vio_garbage
	case_ vm-virtio-rmmod-unbind vio_rmmod_unbind
	case_ vm-virtio-give-back vio_give_back
}
