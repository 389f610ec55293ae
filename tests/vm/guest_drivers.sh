# guest_drivers.sh - which kernel driver drives the GPU, in the guest: sourced
# by tests/vm/guest_cmp.sh and tests/vm/guest_soak.sh (needs $kdir, the
# directory with uio_gfx.ko and gfx_drm.ko, and a `say` function).
#
#   use uio|drm|userq  unload the other driver, load this one, wait for its
#                   nodes; sets GFX_DEVICE and CUR (userq: gfx_drm, and libgfx
#                   on a user-mode queue of its render node, a client context)
#   gpu_pci         the reference GPU's PCI address (the largest 1af4:1110 BAR2)
#   gpu_irq         the first MSI vector of the GPU's PCI function
#   rebind          unbind and bind the current driver (the hot-unplug path)

uio_bound() { local d n; for d in /sys/class/uio/uio*; do read -r n <"$d/name" 2>/dev/null && [ "$n" = uio_gfx ] && return 0; done; return 1; }
use_uio() {
	rmmod gfx_drm 2>/dev/null
	modprobe uio && { lsmod | grep -q '^uio_gfx ' || insmod "$kdir/uio_gfx.ko"; } || return 1
	for _ in $(seq 50); do uio_bound && break; sleep 0.1; done
	uio_bound || { say "uio_gfx did not bind"; return 1; }
	export GFX_DEVICE=uio
	CUR=uio
}
use_drm() {
	rmmod uio_gfx 2>/dev/null
	modprobe drm_kms_helper && { lsmod | grep -q '^gfx_drm ' || insmod "$kdir/gfx_drm.ko"; } || return 1
	for _ in $(seq 50); do [ -c /dev/dri/card0 ] && break; sleep 0.1; done
	[ -c /dev/dri/card0 ] || { say "gfx_drm made no /dev/dri/card0"; return 1; }
	export GFX_DEVICE=drm:/dev/dri/card0
	CUR=drm
}
use_userq() { use_drm && export GFX_DEVICE=drm-userq && CUR=userq; }
use() { case $1 in uio) use_uio ;; userq) use_userq ;; *) use_drm ;; esac; }

gpu_pci() {
	local d v id best=0 size pci=
	for d in /sys/bus/pci/devices/*; do
		read -r v <"$d/vendor"; read -r id <"$d/device"
		[ "$v" = 0x1af4 ] && [ "$id" = 0x1110 ] || continue
		size=$(stat -c %s "$d/resource2" 2>/dev/null || echo 0)
		[ "$size" -gt "$best" ] && { best=$size; pci=${d##*/}; }
	done
	[ -n "$pci" ] && echo "$pci"
}

gpu_irq() {
	local d
	d=/sys/bus/pci/devices/$(gpu_pci) && [ -d "$d/msi_irqs" ] && ls "$d/msi_irqs" | sort -n | head -1
}

# Unbind and bind CUR's driver on the GPU; its nodes are back after.
rebind() {
	local pci drv
	pci=$(gpu_pci) || return 1
	drv=$([ "$CUR" = uio ] && echo uio_gfx || echo gfx_drm)	# drm, userq
	echo "$pci" >/sys/bus/pci/drivers/$drv/unbind && echo "$pci" >/sys/bus/pci/drivers/$drv/bind || return 1
	use "$CUR"
}
