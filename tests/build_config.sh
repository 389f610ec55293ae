#!/bin/bash
# build_config.sh - the build notices what it detected: when SDL2 appears or
# disappears (a pkg-config that does or does not know sdl2), gfx-device's
# objects rebuild and the program gains or loses its window output; nothing
# else rebuilds, and nothing rebuilds when nothing changed. Builds gfx-device
# and libgfx in a scratch build folder at -O0 to stay quick.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }
skip() { echo "SKIP $1: $2"; }

if [ "$(basename "$(dirname "$HERE")")" = asan ]; then
	skip build_config "a test of the build system: runs once, on the normal build"
	exit 0
fi
REAL_PKG_CONFIG=$(command -v pkg-config) || { fail build_config "no pkg-config"; exit 0; }
T=$(mktemp -d /tmp/gfx-build-config.XXXXXX)
trap 'rm -rf "$T"' EXIT
B=$T/build

# A pkg-config on PATH that knows every package but sdl2 (as without libsdl2-dev).
mkdir -p "$T/nosdl"
cat >"$T/nosdl/pkg-config" <<EOF
#!/bin/sh
for a in "\$@"; do [ "\$a" = sdl2 ] && exit 1; done
exec "$REAL_PKG_CONFIG" "\$@"
EOF
chmod +x "$T/nosdl/pkg-config"

# build PATH_PREFIX: gfx-device and libgfx into $B; make's output in $T/make.log.
build() {
	PATH=$1$PATH make -C "$SRC" BUILD="$B" OPT=-O0 "$B/bin/gfx-device" "$B/lib/libgfx.so" \
		>>"$T/make.log" 2>&1
}
uptodate() { PATH=$1$PATH make -q -C "$SRC" BUILD="$B" OPT=-O0 "$B/bin/gfx-device" "$B/lib/libgfx.so" >/dev/null 2>&1; }
has_sdl() { readelf -d "$B/bin/gfx-device" | grep -q 'NEEDED.*libSDL2'; }
# rebuilt_since MARK: the objects newer than file MARK, as folder names.
rebuilt_since() { find "$B/obj" -name '*.o' -newer "$1" | sed "s|$B/obj/||; s|/[^/]*\$||" | sort -u | tr '\n' ' '; }

if ! build "$T/nosdl:"; then fail build_config "build without SDL2 failed: $(tail -3 "$T/make.log")"; exit 0; fi
if has_sdl; then fail build_without_sdl2 "gfx-device links SDL2 though pkg-config has no sdl2"
else pass build_without_sdl2; fi
uptodate "$T/nosdl:" && pass nothing_changed_nothing_rebuilt || fail nothing_changed_nothing_rebuilt "make -q: out of date"

if ! "$REAL_PKG_CONFIG" --exists sdl2; then
	skip sdl2_appears_rebuilds_device "libsdl2-dev is not installed here (scripts/install-deps.sh window)"
	skip sdl2_disappears_rebuilds_device "libsdl2-dev is not installed here"
	exit 0
fi

# SDL2 appears: the device's objects rebuild, libgfx's do not, gfx-device links SDL2.
touch "$T/mark1"; sleep 0.01
build "" || { fail sdl2_appears_rebuilds_device "build failed: $(tail -3 "$T/make.log")"; exit 0; }
r=$(rebuilt_since "$T/mark1")
if [ "$r" != "device " ]; then fail sdl2_appears_rebuilds_device "rebuilt: '${r:-nothing}', expected device/ only"
elif ! has_sdl; then fail sdl2_appears_rebuilds_device "gfx-device does not link SDL2"
elif ! uptodate ""; then fail sdl2_appears_rebuilds_device "still out of date after the rebuild"
else pass sdl2_appears_rebuilds_device; fi

# ...and disappears again.
touch "$T/mark2"; sleep 0.01
build "$T/nosdl:" || { fail sdl2_disappears_rebuilds_device "build failed: $(tail -3 "$T/make.log")"; exit 0; }
r=$(rebuilt_since "$T/mark2")
if [ "$r" != "device " ]; then fail sdl2_disappears_rebuilds_device "rebuilt: '${r:-nothing}', expected device/ only"
elif has_sdl; then fail sdl2_disappears_rebuilds_device "gfx-device still links SDL2"
else pass sdl2_disappears_rebuilds_device; fi
exit 0
