#!/bin/bash
# install-deps.sh - install the Debian packages a target needs, if missing.
#
# Usage: scripts/install-deps.sh GROUP...   (build, window, vm, clients, bench; all: those;
#        kernel-debug: what scripts/kernel-debug.sh needs)
# vm: QEMU, the Debian kernel and its headers, and the peers the gfx_drm cases
# run on the driver (libdrm-tests, drm-info, weston, cage with xwayland, Mesa GBM).
# bench: perf for the guest kernel's counts (linux-perf's perf_6.1 matches the
# Debian 6.1 guest), gnuplot for the plots of `make bench-vm`, and sway, a peer
# of the compositor benchmarks (`make bench` and `make bench-vm`; Weston is vm's).
# Uses apt-get as root, sudo otherwise, and names the packages if neither works.
set -eu

declare -A groups=(
	[build]="build-essential pkg-config python3 libwayland-dev wayland-protocols libxkbcommon-dev libevdev-dev libdrm-dev libpixman-1-dev libpng-dev xkb-data scdoc"
	[window]="libsdl2-dev"
	[vm]="qemu-system-x86 linux-image-amd64 linux-headers-amd64 busybox-static cpio kmod sparse xz-utils libdrm-tests drm-info weston cage xwayland libgbm-dev libgl1-mesa-dri"
	[clients]="weston wayland-utils foot xkb-data wlcs"
	[bench]="linux-perf gnuplot-nox sway"
	[kernel-debug]="build-essential bc bison flex libelf-dev libssl-dev kmod xz-utils linux-source-6.12 linux-source-6.1"
)
# Not in all: the debug kernel is a separate, long build (make kernel-debug).
optional_groups=" kernel-debug "

# `make test` and `make demo` both ask for all, so either can come first.
[ "$*" = all ] && set -- $(for g in "${!groups[@]}"; do case $optional_groups in *" $g "*) ;; *) echo "$g" ;; esac; done | sort)

want=()
for g in "$@"; do
	[ -n "${groups[$g]+x}" ] || { echo "install-deps: unknown group '$g'" >&2; exit 2; }
	for p in ${groups[$g]}; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || want+=("$p")
	done
done
[ ${#want[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${want[*]}"
if [ "$(id -u)" -eq 0 ]; then
	apt=(apt-get)
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
	apt=(sudo apt-get)
else
	echo "install-deps: missing Debian packages: ${want[*]}" >&2
	echo "install-deps: run as root: apt-get install ${want[*]}" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${apt[@]}" update -qq || true
if ! "${apt[@]}" install -y -qq --no-install-recommends "${want[@]}"; then
	echo "install-deps: could not install: ${want[*]}" >&2
	exit 1
fi
