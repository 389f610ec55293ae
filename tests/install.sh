#!/bin/bash
# install.sh - `make install` into a temporary DESTDIR and PREFIX as a
# packager would, then what a new user does with it: the README's example,
# taken from README.md itself, built exactly as its "installed" line says,
# run against the installed gfx-device, its picture checked in a screenshot.
# Then `make uninstall` must leave no file behind.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
BUILD=$(realpath --relative-to="$SRC" "$HERE/..")

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }
skip() { echo "SKIP $1: $2"; }

if [ "$(basename "$BUILD")" = asan ]; then
	skip install "runs on the normal build: an installed ASan libgfx needs ASan-built programs"
	exit 0
fi

T=$(mktemp -d /tmp/gfx-install-test.XXXXXX)
DEV_PID=
trap '[ -n "$DEV_PID" ] && kill "$DEV_PID" 2>/dev/null && wait "$DEV_PID"; [ -n "${KEEP_TMP:-}" ] || rm -rf "$T"' EXIT
DESTDIR=$T/dest PREFIX=$T/prefix
ROOT=$DESTDIR$PREFIX
mk() { make -s -C "$SRC" BUILD="$BUILD" DESTDIR="$DESTDIR" PREFIX="$PREFIX" "$@" >>"$T/make.log" 2>&1; }
# as_user CMD...: CMD with pkg-config set up as for a user of the installed
# prefix (the sysroot maps PREFIX into DESTDIR). Not for make: it would change the build's flags.
as_user() { PKG_CONFIG_PATH=$ROOT/lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$DESTDIR "$@"; }

if ! mk install; then
	fail make_install "$(tail -3 "$T/make.log" | tr '\n' ' ')"
	exit 0
fi
pass make_install

# The library, its soname links, gfx.pc with the real prefix.
lib_ok() {
	[ -f "$ROOT/lib/libgfx.so.1.0.0" ] && [ ! -L "$ROOT/lib/libgfx.so.1.0.0" ] || { echo "no libgfx.so.1.0.0"; return; }
	[ "$(readlink "$ROOT/lib/libgfx.so.1")" = libgfx.so.1.0.0 ] || { echo "libgfx.so.1 is not a link to libgfx.so.1.0.0"; return; }
	[ "$(readlink "$ROOT/lib/libgfx.so")" = libgfx.so.1 ] || { echo "libgfx.so is not a link to libgfx.so.1"; return; }
	readelf -d "$ROOT/lib/libgfx.so.1.0.0" | grep -q 'SONAME.*\[libgfx.so.1\]' || echo "soname is not libgfx.so.1"
	local prefix cflags
	prefix=$(PKG_CONFIG_PATH=$ROOT/lib/pkgconfig pkg-config --variable=prefix gfx)
	cflags=$(PKG_CONFIG_PATH=$ROOT/lib/pkgconfig pkg-config --cflags gfx)
	[ "$prefix" = "$PREFIX" ] || echo "gfx.pc prefix is '$prefix', not $PREFIX"
	[ "${cflags% }" = "-I$PREFIX/include/gfx" ] || echo "gfx.pc Cflags are '$cflags'"
}
r=$(lib_ok); [ -z "$r" ] && pass install_library_and_pc || fail install_library_and_pc "$r"

# Programs: no test-only ones; those linking libgfx find the installed one from PREFIX/bin.
progs_ok() {
	local p got n=0
	for p in gfx-device gfx-ctl gfx-compositor gfx-hello gfx-info gfx-bench; do
		[ -x "$ROOT/bin/$p" ] || echo "no $p"
	done
	ls "$ROOT/bin" | grep -q '^gfx-vm-' && echo "test-only programs installed: $(ls "$ROOT/bin" | grep '^gfx-vm-')"
	for p in "$ROOT"/bin/*; do
		got=$(env -u LD_LIBRARY_PATH ldd "$p" | awk '$1 == "libgfx.so.1" {print $3}')
		[ -z "$got" ] && continue
		n=$((n + 1))
		[ "$(readlink -f "$got")" = "$ROOT/lib/libgfx.so.1.0.0" ] || echo "$(basename "$p") finds libgfx at '$got'"
	done
	[ $n -ge 4 ] || echo "only $n programs link libgfx"
}
r=$(progs_ok); [ -z "$r" ] && pass install_programs_find_libgfx || fail install_programs_find_libgfx "$r"

# Man pages, the udev rule, the DKMS source tree named as its dkms.conf says.
rest_ok() {
	local p name version
	for p in gfx-device gfx-ctl gfx-compositor; do
		grep -q '^\.TH' "$ROOT/share/man/man1/$p.1" 2>/dev/null || echo "no man page $p.1"
	done
	for p in "$SRC"/kernel/*.rules; do
		[ -f "$DESTDIR/etc/udev/rules.d/$(basename "$p")" ] || echo "no udev rule $(basename "$p")"
	done
	name=$(sed -n 's/^PACKAGE_NAME="\(.*\)"/\1/p' "$SRC/kernel/dkms.conf")
	version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$SRC/kernel/dkms.conf")
	[ -f "$DESTDIR/usr/src/$name-$version/dkms.conf" ] || echo "no /usr/src/$name-$version/dkms.conf"
	[ -f "$DESTDIR/usr/src/$name-$version/include/gfx_hw.h" ] || echo "no gfx_hw.h in the DKMS tree"
}
r=$(rest_ok); [ -z "$r" ] && pass install_man_udev_dkms || fail install_man_udev_dkms "$r"

# The installed gfx.h alone, in C and C++, with every warning an error.
for lang in c:cc:c11 c++:c++:c++11; do
	IFS=: read -r x compiler std <<<"$lang"
	echo '#include <gfx.h>
int main(void) { return GFX_FMT_XRGB8888 && GFX_MAX_SURFACE_SIDE ? 0 : 1; }' >"$T/alone.$x"
	if out=$($compiler -std=$std -Wall -Wextra -pedantic -Werror -fsyntax-only $(as_user pkg-config --cflags gfx) \
		"$T/alone.$x" 2>&1); then pass "installed_header_alone_$std"
	else fail "installed_header_alone_$std" "$(head -3 <<<"$out" | tr '\n' ' ')"; fi
done

# The README's example and its "installed" build line, from README.md itself.
mkdir -p "$T/app"
awk '/^## Using libgfx in an application/ {on=1} on && /^```c$/ {c=1; next} c && /^```$/ {exit} c' \
	"$SRC/README.md" >"$T/app/app.c"
line=$(awk '/^## Using libgfx in an application/ {on=1} on && /# installed$/ {sub(/ *# installed$/, ""); print; exit}' \
	"$SRC/README.md")
if [ ! -s "$T/app/app.c" ] || [ -z "$line" ]; then
	fail readme_example_builds "no C example or no '# installed' line in README.md's section"
elif ! out=$(cd "$T/app" && as_user sh -c "$line" 2>&1); then
	fail readme_example_builds "'$line': $(head -3 <<<"$out" | tr '\n' ' ')"
elif [ ! -x "$T/app/a.out" ]; then
	fail readme_example_builds "'$line' made no a.out"
else
	pass readme_example_builds
fi

# The README's "from the tree" line, in a folder whose build/ is this build.
tree_line=$(awk '/^## Using libgfx in an application/ {on=1} on && /# from the tree$/ {sub(/ *# from the tree$/, ""); print; exit}' \
	"$SRC/README.md")
mkdir -p "$T/tree" && ln -s "$SRC/$BUILD" "$T/tree/build" && cp "$T/app/app.c" "$T/tree/"
if [ -z "$tree_line" ]; then fail readme_example_builds_from_tree "no '# from the tree' line in README.md"
elif ! out=$(cd "$T/tree" && sh -c "$tree_line" 2>&1) || [ ! -x "$T/tree/a.out" ]; then
	fail readme_example_builds_from_tree "'$tree_line': $(head -3 <<<"$out" | tr '\n' ' ')"
else pass readme_example_builds_from_tree; fi

# ...and runs on the installed gfx-device: the whole scanout is 0xff3366ff.
ctl() { "$ROOT/bin/gfx-ctl" --socket "$T/gpu.sock" "$@"; }
"$ROOT/bin/gfx-device" --socket "$T/gpu.sock" --mode 640x480@60 --vram 16 >"$T/device.log" 2>&1 &
DEV_PID=$!
run_example() {
	[ -x "$T/app/a.out" ] || { echo "no example program"; return; }
	for _ in $(seq 100); do [ -S "$T/gpu.sock.ctl" ] && break; sleep 0.05; done
	[ -S "$T/gpu.sock.ctl" ] || { echo "gfx-device did not start: $(cat "$T/device.log")"; return; }
	local out flips=0
	out=$(cd "$T/app" && GFX_DEVICE=direct:$T/gpu.sock LD_LIBRARY_PATH=$ROOT/lib timeout 20 ./a.out 2>&1) ||
		{ echo "example failed: $out"; return; }
	for _ in $(seq 100); do
		flips=$(ctl stats | awk '$1 == "flips" {print $2}')
		[ "${flips:-0}" -ge 1 ] && break; sleep 0.05
	done
	[ "${flips:-0}" -ge 1 ] || { echo "no flip latched within 5 s"; return; }
	ctl screenshot "$T/shot.png" >/dev/null || { echo "no screenshot"; return; }
	python3 "$SRC/tests/pyimg.py" "$T/shot.png" "
c = img.colours()
if (img.w, img.h) != (640, 480): print('screenshot is %dx%d, the mode 640x480' % (img.w, img.h))
elif c != {(0x33, 0x66, 0xff)}: print('scanout colours', sorted(c)[:4], 'not just (0x33, 0x66, 0xff)')"
}
r=$(run_example); [ -z "$r" ] && pass readme_example_draws || fail readme_example_draws "$r"

# Uninstall with the same DESTDIR and PREFIX: no file or link left.
if ! mk uninstall; then fail uninstall_leaves_nothing "$(tail -3 "$T/make.log" | tr '\n' ' ')"
else
	left=$(find "$DESTDIR" ! -type d | head -5 | tr '\n' ' ')
	[ -z "$left" ] && pass uninstall_leaves_nothing || fail uninstall_leaves_nothing "left: $left"
fi
exit 0
