#!/bin/bash
# open_errors.sh - every program that opens the GPU says why it could not
# with libgfx's own message (gfx_last_error(NULL), which names the spec it
# tried and what to do), not a bare strerror, and exits non-zero.
HERE=$(cd "$(dirname "$0")" && pwd); BIN=$HERE/../bin
T=$(mktemp -d /tmp/gfx-open-errors.XXXXXX)
trap 'rm -rf "$T"' EXIT
export XDG_RUNTIME_DIR=$T

# run PROGRAM SPEC: the program's command line for SPEC.
run() {
	case $1 in
	gfx-compositor) "$BIN/$1" --device "$2" --socket wl-open-error -- true ;;
	gfx-bench) "$BIN/$1" --device "$2" --quick ;;
	*) "$BIN/$1" "$2" ;;
	esac
}

export -f run; export BIN
for spec in "direct:$T/no-device.sock" "uio:/dev/no-such-uio"; do
	want=$("$HERE/helpers/open-error" "$spec")
	[ -n "$want" ] || { echo "FAIL open_error_message: libgfx gave no message for $spec"; continue; }
	for p in gfx-compositor gfx-hello gfx-info gfx-anim gfx-bench; do
		name="open_error_message_${p}_${spec%%:*}"
		out=$(timeout 10 bash -c 'run "$@"' _ "$p" "$spec" 2>&1); rc=$?
		if [ $rc = 0 ]; then echo "FAIL $name: exit 0 with no GPU"
		elif ! grep -qF -- "$want" <<<"$out"; then echo "FAIL $name: said '$out', not libgfx's '$want'"
		else echo "PASS $name"; fi
	done
done
