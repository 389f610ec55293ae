#!/bin/bash
# bench-gpu-clients.sh - clients that render with the GPU (their own
# hardware contexts, buffers in VRAM shown with no copy) against the same
# animation drawn by the CPU into wl_shm buffers (which the compositor
# uploads), on the host's direct backend, in the same run:
#   compositor_gpu_clients_vs_shm_16_windows   gfx-compositor's CPU per frame
#       with 16 GPU-drawn windows (8 gfx-demo-client --gpu, 2 windows each: a
#       client per context, 15 client contexts at most) against 16 wl_shm
#       windows of the same clients without --gpu; goal <= 0.5
# plus the clients' own CPU per frame, the device's (the GPU's work), and the
# frames presented. 400x300 windows at 1920x1080@60 for BENCH_SECONDS (10).
# CPU is utime+stime from /proc/PID/stat; per frame divides by the flips
# (gfx-ctl stats) over the same interval. Then, in the VM, uio contexts
# against DRM render nodes (tests/vm/bench_gpu_clients.sh).
#
# Usage: scripts/bench-gpu-clients.sh [RESULTS.jsonl]   (appends JSON lines)
set -u
cd "$(dirname "$0")/.."
out=${1:-build/bench/results.jsonl}
mkdir -p "$(dirname "$out")"
BIN=build/bin
SECS=${BENCH_SECONDS:-10}
run=$(mktemp -d /tmp/gfx-bench-gpu.XXXXXX)
export XDG_RUNTIME_DIR=$run
unset WAYLAND_DISPLAY DISPLAY
pids=()
trap 'for p in "${pids[@]}"; do kill $p 2>/dev/null; done; wait 2>/dev/null; rm -rf "$run"' EXIT
HZ=$(getconf CLK_TCK)
. scripts/proc_ticks.sh
flips() { "$BIN/gfx-ctl" --socket "$run/gpu.sock" stats | awk '$1 == "flips" {print $2}'; }

# one KIND: 8 clients x 2 windows; prints "comp_ms device_ms clients_ms flips"
one() {
	local extra=$1 cp=() c t0c t0d t0k f0
	rm -f "$run/gpu.sock"
	"$BIN/gfx-device" --socket "$run/gpu.sock" --display none --mode 1920x1080@60 --contexts 16 \
		>"$run/device.log" 2>&1 &
	dev=$!; pids+=($dev)
	for _ in $(seq 100); do [ -S "$run/gpu.sock" ] && break; sleep 0.05; done
	"$BIN/gfx-compositor" --device "direct:$run/gpu.sock" --socket wl-bench >"$run/comp.log" 2>&1 &
	comp=$!; pids+=($comp)
	for _ in $(seq 100); do [ -S "$run/wl-bench" ] && break; sleep 0.05; done
	for i in $(seq 8); do
		WAYLAND_DISPLAY=wl-bench "$BIN/gfx-demo-client" $extra --windows 2 --size 400x300 \
			--seconds $((SECS + 4)) --hue $((i * 37)) >/dev/null 2>>"$run/clients.log" &
		cp+=($!); pids+=($!)
	done
	sleep 3	# mapped, first full frames done
	t0c=$(ticks $comp); t0d=$(ticks $dev); t0k=$(ticks "${cp[@]}"); f0=$(flips)
	sleep "$SECS"
	echo "$(( ($(ticks $comp) - t0c) * 1000 / HZ )) $(( ($(ticks $dev) - t0d) * 1000 / HZ ))" \
	     "$(( ($(ticks "${cp[@]}") - t0k) * 1000 / HZ )) $(( $(flips) - f0 ))"
	for c in "${cp[@]}"; do wait $c 2>/dev/null; done
	kill $comp; wait $comp 2>/dev/null; kill $dev; wait $dev 2>/dev/null
}

gpu=$(one --gpu)
grep -q "drawing with the GPU (context)" "$run/clients.log" || { echo "bench-gpu: the GPU clients did not start: $(tail -2 "$run/clients.log")" >&2; exit 1; }
shm=$(one "")
echo "gpu (comp_ms device_ms clients_ms flips): $gpu   shm: $shm"
python3 - "$out" "$gpu" "$shm" <<'PY'
import json, sys
out, g, s = sys.argv[1], list(map(int, sys.argv[2].split())), list(map(int, sys.argv[3].split()))
per = lambda v, i: v[i] / v[3] if v[3] else float('nan')
lines = []
def emit(name, value, unit, refname, ref):
    lines.append({'name': name, 'value': round(value, 4), 'unit': unit, 'reference': refname,
                  'reference_value': round(ref, 4), 'ratio': round(value / ref, 4) if ref else None})
emit('compositor_gpu_clients_vs_shm_16_windows', per(g, 0), 'ms/frame', 'compositor_shm_clients_16_windows', per(s, 0))
emit('device_gpu_clients_vs_shm_16_windows', per(g, 1), 'ms/frame', 'device_shm_clients_16_windows', per(s, 1))
emit('clients_gpu_vs_shm_16_windows', per(g, 2), 'ms/frame', 'clients_shm_16_windows', per(s, 2))
emit('frames_gpu_vs_shm_16_windows', g[3], 'flips', 'frames_shm_16_windows', s[3])
with open(out, 'a') as f:
    for l in lines:
        f.write(json.dumps(l) + '\n')
print('%-42s %10s %9s %-34s %10s %7s' % ('name', 'value', 'unit', 'reference', 'ref_value', 'ratio'))
for l in lines:
    print('%-42s %10s %9s %-34s %10s %7s' % (l['name'], l['value'], l['unit'], l['reference'], l['reference_value'], l['ratio']))
PY
[ -x tests/vm/bench_gpu_clients.sh ] && tests/vm/bench_gpu_clients.sh "$out"
