#!/bin/bash
# soak-vm.sh - `make soak-vm`: both kernel drivers under flip-heavy load with
# faults, for SOAK_MINUTES (default 30), in one guest (tests/vm/guest_soak.sh
# says what runs and what fails it).
#
# Usage: scripts/soak-vm.sh   (KERNEL=debug for the lockdep+KASAN kernel of
#        `make kernel-debug`; SOAK_MINUTES, SOAK_ROUND_SECONDS, SOAK_WINDOWS,
#        SOAK_GPU_CLIENTS, SOAK_SEED pass through; SOAK_PERF_MINUTES (10, 0 for
#        none) and SOAK_PERF_ACCEL for the perf phase below)
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
for b in gfx-device gfx-compositor gfx-demo-client gfx-vm-drm gfx-vm-drm-userq-fence; do
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
pass=0 fail=0 skip=0
line() {
	echo "$1"
	case ${1%% *} in PASS) pass=$((pass + 1)) ;; FAIL) fail=$((fail + 1)) ;; SKIP) skip=$((skip + 1)) ;; esac
}
while read -r l; do line "$l"; done < <(grep -E '^(PASS|FAIL) ' "$VM_OUT/results" 2>/dev/null)
oops=$(grep -E 'Kernel panic|Oops|BUG:|WARNING:|soft lockup|blocked for more than' "$VM_DIR/serial.log" | head -1)
if [ ! -f "$VM_OUT/results.done" ] || [ "$booted" -ne 0 ]; then
	line "FAIL soak-guest: the guest did not finish${oops:+: $oops} (serial log: $VM_DIR/serial.log)"
elif [ -n "$oops" ]; then
	line "FAIL soak-console: $oops"
fi
cp "$VM_DIR/serial.log" "$VM_DIR/serial-soak.log"

# The perf phase: the bench's counted pass (perf's tracepoints and kprobe
# attached and detached around 16-window compositor rounds on both drivers),
# again and again, in the guest the bench counts in (both vCPUs on one host
# thread). With a thread per vCPU (SOAK_PERF_ACCEL=tcg) this is what locked
# up and crashed QEMU 7.2's TCG guests (docs/drm.md, "The soft lockup").
perf_minutes=${SOAK_PERF_MINUTES:-10}
if [ "$perf_minutes" -gt 0 ] && [ -n "${KERNEL:-}" ]; then
	line "SKIP soak-perf: Debian's linux-perf is perf 6.1, for the Debian kernel only (KERNEL=$KERNEL)"
elif [ "$perf_minutes" -gt 0 ]; then
	accel=$(vm_accel)
	[ "$accel" = tcg ] && accel=${SOAK_PERF_ACCEL:-tcg,thread=single}
	scripts/install-deps.sh bench >&2 || true
	rm -f "$VM_OUT/started" "$VM_OUT/cmp.done"
	VM_TIMEOUT=$((perf_minutes * 60 + 1200))
	VM_ACCEL=$accel VM_APPEND="loglevel=7 softlockup_all_cpu_backtrace=1" VM_FOREIGN= \
		vm_boot "cd $VM_REPO && CMP_BIN=$VM_BUILD/bin CMP_ONLY=count CMP_WINDOWS=16 CMP_COUNT_MINUTES=$perf_minutes exec /bin/bash tests/vm/guest_cmp.sh $VM_OUT $VM_DIR/kmod"
	booted=$?
	passes=$(grep -c 'counted pass .* done' "$VM_OUT/guest.log" 2>/dev/null)
	oops=$(grep -E 'Kernel panic|Oops|BUG:|WARNING:|soft lockup|blocked for more than' "$VM_DIR/serial.log" | head -1)
	if grep -q 'kernel counts unavailable' "$VM_OUT/guest.log" 2>/dev/null; then
		line "SKIP soak-perf: no perf in the guest ($(grep -m1 'no perf\|no tracefs\|kprobe' "$VM_OUT/guest.log"))"
	elif [ ! -f "$VM_OUT/cmp.done" ] || [ "$booted" -ne 0 ] || [ -n "$oops" ]; then
		line "FAIL soak-perf: after $passes counted passes ($accel)${oops:+: $oops} (serial log: $VM_DIR/serial.log)"
	else
		line "PASS soak-perf ($passes counted passes in $perf_minutes+ minutes, $((passes * 10)) perf sessions attached and detached, $accel)"
	fi
fi
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
