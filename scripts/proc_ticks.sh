# proc_ticks.sh - sourced by the CPU-per-frame benchmarks (bench-compositor.sh,
# bench-gpu-clients.sh, tests/vm/guest_gpu_bench.sh).
#
# ticks PID...: utime + stime of the given processes, in clock ticks
# (getconf CLK_TCK a second); a process that is gone counts 0.
ticks() {
	local t=0 p
	for p in "$@"; do
		t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)))
	done
	echo $t
}
