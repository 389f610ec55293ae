#!/bin/bash
# guest-ctl.sh - gfx-ctl for the VM guest: forwards the command to the host.
#
# Usage: guest-ctl.sh [--socket IGNORED] CMD [ARGS...]   ($GFX_VM_OUT must be set)
#        guest-ctl.sh qmp-screendump DEVICE-ID FILE   (QEMU's picture of a display device)
#        guest-ctl.sh vnc-resize W H [W H ...]   (virtio-gpu's display resized, as by a VNC viewer)
# The guest has no way to gfx-device's control socket, so the request goes
# through the shared results directory: tests/vm/vmlib.sh on the host runs
# gfx-ctl on the device the guest uses and writes back its status and output.
# A screenshot is written into the shared directory and copied to FILE.
set -u
[ "${1:-}" = --socket ] && shift 2
out=${GFX_VM_OUT:?GFX_VM_OUT is not set}
n=$$.$RANDOM
args=("$@") shot=
if [ "${1:-}" = screenshot ] && [ $# -ge 2 ]; then
	shot=$2
	args=(screenshot "$out/ctl/shot.$n.png")
elif [ "${1:-}" = qmp-screendump ] && [ $# -ge 3 ]; then	# qmp-screendump DEVICE-ID FILE
	shot=$3
	args=(qmp-screendump "$2" "$out/ctl/shot.$n.png")
fi
rep=$out/ctl/rep.$n
echo "${args[*]}" >"$out/ctl/tmp.$n" && mv "$out/ctl/tmp.$n" "$out/ctl/req.$n"
for _ in $(seq 300); do [ -f "$rep" ] && break; sleep 0.1; done
[ -f "$rep" ] || { echo "guest-ctl: no answer from the host to: $*" >&2; exit 1; }
{ read -r rc; cat; } <"$rep"
rm -f "$rep"
if [ -n "$shot" ] && [ "$rc" = 0 ] && [ "$shot" != "$out/ctl/shot.$n.png" ]; then
	cp "$out/ctl/shot.$n.png" "$shot" && rm -f "$out/ctl/shot.$n.png" || rc=1
fi
exit "$rc"
