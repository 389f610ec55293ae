#!/bin/bash
# kernel-debug.sh - a kernel for the test VM with the lock and memory checkers
# (lockdep, KASAN, debug objects, atomic-sleep checks), built from Debian's
# own kernel source packages (`make kernel-debug`).
#
# Usage: scripts/kernel-debug.sh [VERSION...]   (6.12 and 6.1; default: both)
#
# The config is allnoconfig plus tests/vm/kernel-debug.config: what the VM
# needs and the checkers, nothing else (a full Debian config takes hours on
# two cores). Each version is built once into the cache and reused while the
# source package and the config fragment stay the same:
#
#   $GFX_KERNEL_CACHE (default ${XDG_CACHE_HOME:-~/.cache}/gfx-uio/kernel)/VERSION/
#     src/        the unpacked linux-source-VERSION
#     build/      the object tree (O=): also the KDIR modules build against
#     bzImage     the kernel
#     root/lib/modules/KVER/   its modules (the guest binds this over /lib/modules)
#     kver        KVER;  stamp  what it was built from
#
# `make check-vm KERNEL=debug` (or KERNEL=debug-6.1) boots it (tests/vm/vmlib.sh).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
frag=$here/tests/vm/kernel-debug.config
cache=${GFX_KERNEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/gfx-uio/kernel}
jobs=${JOBS:-$(nproc)}
[ $# -eq 0 ] && set -- 6.12 6.1

"$here/scripts/install-deps.sh" kernel-debug

say() { echo "kernel-debug: $*" >&2; }

# The packaged source's version (linux-source-6.12 6.12.118-1~deb12u1).
pkg_version() { dpkg-query -W -f='${Version}' "linux-source-$1" 2>/dev/null; }

# Every line of the fragment must be in the .config Kconfig resolved, except
# options this version does not have (no "config NAME" in its Kconfig files).
check_config() {
	local cfg=$1 src=$2 l k bad=0 known
	known=$(grep -rhoE --include='Kconfig*' '^(menu)?config [A-Za-z0-9_]+' "$src" | sed 's/^.* /CONFIG_/' | sort -u)
	while read -r l; do
		k=${l%%=*}
		grep -qxF "$k" <<<"$known" || continue
		case $l in
		*=n) grep -q "^$k=" "$cfg" && { say "$l: Kconfig turned it on"; bad=1; } ;;
		*) grep -qxF "$l" "$cfg" || { say "$l did not stick: $(grep -E "^(# )?$k[= ]" "$cfg" || echo unset)"; bad=1; } ;;
		esac
	done < <(grep -E '^CONFIG_' "$frag")
	return $bad
}

build() {
	local v=$1 dir=$cache/$1 tar=/usr/src/linux-source-$1.tar.xz want t0 kver
	[ -r "$tar" ] ||
		{ say "no $tar (Debian's linux-source-$v)"; return 1; }
	want="linux-source-$v $(pkg_version "$v") config $(sha256sum <"$frag" | cut -c1-16)"
	if [ -f "$dir/stamp" ] && [ "$(cat "$dir/stamp")" = "$want" ] && [ -f "$dir/bzImage" ]; then
		say "$v: up to date in $dir ($(cat "$dir/kver"))"
		return 0
	fi
	t0=$(date +%s)
	mkdir -p "$dir"
	if [ ! -f "$dir/src/.unpacked" ] || ! grep -qxF "$(pkg_version "$v")" "$dir/src/.unpacked"; then
		say "$v: unpacking $tar"
		rm -rf "$dir/src" "$dir/build" && mkdir -p "$dir/src"
		tar -xf "$tar" -C "$dir/src" --strip-components=1
		pkg_version "$v" >"$dir/src/.unpacked"
	fi
	mkdir -p "$dir/build"
	{ cat "$frag"; echo 'CONFIG_LOCALVERSION="-gfxdebug"'; echo '# CONFIG_LOCALVERSION_AUTO is not set'; } \
		>"$dir/build/fragment.config"
	make -s -C "$dir/src" O="$dir/build" allnoconfig KCONFIG_ALLCONFIG="$dir/build/fragment.config" >/dev/null
	check_config "$dir/build/.config" "$dir/src" || { say "$v: the config lost options (above)"; return 1; }
	say "$v: building with $jobs jobs (log: $dir/build.log)"
	if ! make -C "$dir/src" O="$dir/build" -j"$jobs" bzImage modules >"$dir/build.log" 2>&1; then
		tail -20 "$dir/build.log" >&2
		say "$v: the build failed"
		return 1
	fi
	kver=$(make -s -C "$dir/src" O="$dir/build" kernelrelease)
	rm -rf "$dir/root"
	make -s -C "$dir/src" O="$dir/build" INSTALL_MOD_PATH="$dir/root" modules_install >>"$dir/build.log" 2>&1
	cp "$dir/build/arch/x86/boot/bzImage" "$dir/bzImage"
	echo "$kver" >"$dir/kver"
	echo "$want" >"$dir/stamp"
	say "$v: $kver built in $(( $(date +%s) - t0 )) s"
}

rc=0
for v in "$@"; do build "$v" || rc=1; done
exit $rc
