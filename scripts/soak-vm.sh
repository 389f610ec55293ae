#!/bin/bash
# soak-vm.sh - `make soak-vm`: both kernel drivers under flip-heavy load with
# faults, for SOAK_MINUTES (default 30), in one guest (tests/vm/guest_soak.sh
# says what runs and what fails it).
#
# Usage: scripts/soak-vm.sh   (KERNEL=debug for the lockdep+KASAN kernel of
#        `make kernel-debug`; SOAK_MINUTES, SOAK_ROUND_SECONDS, SOAK_WINDOWS,
#        SOAK_GPU_CLIENTS, SOAK_SEED pass through)
# Prints the PASS/FAIL lines and "N passed, N failed"; exit status 0 if all
# passed. Logs: BUILD/vm-soak[-KERNEL]/ (serial.log, out/soak.log, out/dmesg.log).
set -u
cd "$(dirname "$0")/.."
. tests/vm/vmlib.sh
VM_DIR=$VM_BUILD/vm-soak${KERNEL:+-$KERNEL}
VM_OUT=$VM_DIR/out
VM_SOCK=$VM_DIR/gpu.sock
trap 'vm_cleanup' EXIT
trap 'exit 1' INT TERM
minutes=${SOAK_MINUTES:-30}

vm_setup || { echo "soak-vm: cannot set up the VM (see above)" >&2; exit 1; }
vm_build_module || { echo "soak-vm: module build failed: $VM_DIR/kmod/build.log" >&2; exit 1; }
for b in gfx-device gfx-compositor gfx-demo-client gfx-vm-drm; do
	[ -x "$VM_BUILD/bin/$b" ] || { echo "soak-vm: $VM_BUILD/bin/$b is not built" >&2; exit 1; }
done
[ -x "$VM_BUILD/tests/helpers/gpu-test-client" ] || { echo "soak-vm: gpu-test-client is not built" >&2; exit 1; }
vm_start_device || exit 1
VM_TIMEOUT=$((minutes * 60 + 900))
env=
for v in SOAK_MINUTES SOAK_ROUND_SECONDS SOAK_WINDOWS SOAK_GPU_CLIENTS SOAK_SEED; do
	[ -n "${!v:-}" ] && env+="$v='${!v}' "
done
echo "soak-vm: $minutes minutes on $VM_KVER; logs in $VM_DIR" >&2
VM_FOREIGN= vm_boot "cd $VM_REPO && SOAK_BIN=$VM_BUILD/bin $env exec /bin/bash tests/vm/guest_soak.sh $VM_OUT $VM_DIR/kmod"
booted=$?
pass=0 fail=0
while read -r l; do
	echo "$l"
	case ${l%% *} in PASS) pass=$((pass + 1)) ;; FAIL) fail=$((fail + 1)) ;; esac
done < <(grep -E '^(PASS|FAIL) ' "$VM_OUT/results" 2>/dev/null)
oops=$(grep -E 'Kernel panic|Oops|BUG:|WARNING:|soft lockup|blocked for more than' "$VM_DIR/serial.log" | head -1)
if [ ! -f "$VM_OUT/results.done" ] || [ "$booted" -ne 0 ]; then
	echo "FAIL soak-guest: the guest did not finish${oops:+: $oops} (serial log: $VM_DIR/serial.log)"
	fail=$((fail + 1))
elif [ -n "$oops" ]; then
	echo "FAIL soak-console: $oops"
	fail=$((fail + 1))
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
