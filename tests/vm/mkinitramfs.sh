#!/bin/bash
# mkinitramfs.sh - the guest's busybox initramfs, built at test time.
#
# Usage: tests/vm/mkinitramfs.sh KVER OUT.cpio [ROOT]   (ROOT/lib/modules/KVER; default /)
# Holds static busybox, tests/vm/init.sh as /init and the modules that reach
# the host root over virtio 9p, in load order. Everything else (bash, the
# project's binaries, uio.ko, uio_gfx.ko) comes from the host root.
set -eu
kver=$1 out=$2 base=${3:-/}
here=$(cd "$(dirname "$0")" && pwd)
moddir=$base/lib/modules/$kver
[ -d "$moddir/kernel" ] || { echo "mkinitramfs: $moddir has no modules (install linux-image-$kver)" >&2; exit 1; }
bb=$(command -v busybox) || { echo "mkinitramfs: busybox-static is not installed" >&2; exit 1; }

# The virtio PCI transport and 9p, each after what it depends on. The list
# comes from `modinfo -F depends`, because it changes between kernels
# (6.1 has fscache, later kernels fold it into netfs).
mods=
add_with_deps() {
	local m=$1 d
	case " $mods " in *" $m "*) return ;; esac
	for d in $(modinfo -b "$base" -k "$kver" -F depends "$m" 2>/dev/null | tr ',' ' '); do
		add_with_deps "$d"
	done
	mods="$mods $m"
}
for m in virtio_pci 9pnet_virtio 9p; do add_with_deps "$m"; done

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,dev,proc,sys,host,lib/modules,tmp}
cp "$bb" "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
install -m 0755 "$here/init.sh" "$root/init"
: >"$root/lib/modules/order"
for m in $mods; do
	f=$(modinfo -b "$base" -k "$kver" -n "$m") || { echo "mkinitramfs: module $m not found for $kver" >&2; exit 1; }
	case $f in
	*.ko) cp "$f" "$root/lib/modules/$m.ko" ;;
	*.ko.xz) xz -dc "$f" >"$root/lib/modules/$m.ko" ;;
	*.ko.zst) zstd -qdc "$f" >"$root/lib/modules/$m.ko" ;;
	*.ko.gz) gzip -dc "$f" >"$root/lib/modules/$m.ko" ;;
	*) continue ;;	# built in
	esac
	echo "$m" >>"$root/lib/modules/order"
done
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) >"$out.tmp"
mv "$out.tmp" "$out"
