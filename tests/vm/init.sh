#!/bin/sh
# /init of the VM test guest (busybox). Mounts the host root read-only over
# 9p, the results directory read-write, then chroots into the host root and
# runs the command from the kernel command line:
#   gfx.out=DIR   host directory shared as tag "out", mounted at the same path
#   gfx.run=B64   base64 of the shell command to run in the chroot
#   gfx.modules=DIR  host directory bound over /lib/modules (a kernel of our own)
# It prints "GFX-INIT <stage> <uptime>" lines on the console and powers off.
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
say() { echo "GFX-INIT $* $(cut -d' ' -f1 /proc/uptime)" >/dev/console; }
fail() { say "FAILED $*"; poweroff -f; }
say start
for m in $(cat /lib/modules/order); do
	insmod /lib/modules/$m.ko || fail "insmod $m"
done
out= run= cache=loose modules=
for a in $(cat /proc/cmdline); do
	case $a in
	gfx.out=*) out=${a#gfx.out=} ;;
	gfx.cache=*) cache=${a#gfx.cache=} ;;
	gfx.modules=*) modules=${a#gfx.modules=} ;;
	gfx.run=*) run=$(echo "${a#gfx.run=}" | base64 -d) ;;
	esac
done
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=262144,cache=$cache hostroot /host || fail "mount hostroot"
# A kernel built by the project (make kernel-debug) brings its own modules.
[ -n "$modules" ] && { mount -o bind "/host$modules" /host/lib/modules || fail "bind $modules"; }
mount -t proc proc /host/proc
mount -t sysfs sys /host/sys
mount -t devtmpfs dev /host/dev
mkdir -p /host/dev/shm 2>/dev/null
mount -t tmpfs shm /host/dev/shm
# The guest's /tmp is its own, but a tree under test may live in the host's
# /tmp (a CI clone): bind that directory back over the tmpfs.
tree_in_tmp=
case $out in /tmp/?*) tree_in_tmp=${out#/tmp/}; tree_in_tmp=${tree_in_tmp%%/*} ;; esac
[ -n "$tree_in_tmp" ] && { mkdir -p /hosttmp; mount -o bind /host/tmp /hosttmp; }
mount -t tmpfs tmp /host/tmp
if [ -n "$tree_in_tmp" ]; then
	mkdir -p "/host/tmp/$tree_in_tmp"
	mount -o bind "/hosttmp/$tree_in_tmp" "/host/tmp/$tree_in_tmp" || fail "bind /tmp/$tree_in_tmp"
fi
mount -t tmpfs run /host/run
[ -n "$out" ] && { mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144,cache=none out "/host$out" || fail "mount out"; }
say chroot
chroot /host /bin/sh -c "$run" </dev/console >/dev/console 2>&1
say "done rc=$?"
sync
poweroff -f
