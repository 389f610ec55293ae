#!/bin/bash
# bench-compositor.sh - gfx-compositor against Weston 10 (headless backend,
# pixman renderer) in the same run: N = 1, 4, 16 windows of gfx-demo-client
# (400x300, every frame redrawn and fully damaged, one commit per frame
# callback) at 1920x1080@60 for BENCH_SECONDS (10) seconds.
#
# CPU is utime+stime from /proc/PID/stat over the clients' lifetime; "per
# frame" divides by the frames the first client saw presented, so a
# compositor running slower is not flattered. Ours counts gfx-compositor
# plus gfx-device (the GPU's work); Weston counts the weston process.
# Latency is commit -> presented from wp_presentation feedback; missed
# frames are vblank sequence gaps seen by the clients (the worst client);
# on a loaded machine a late client or a late vblank timer in gfx-device also
# makes a gap, so the compositor's own count of flips latched after the
# vblank they aimed at, and the device's missed vblanks, are reported too.
#
# Usage: scripts/bench-compositor.sh [RESULTS.jsonl]   (appends JSON lines)
set -u
cd "$(dirname "$0")/.."
out=${1:-build/bench/results.jsonl}
mkdir -p "$(dirname "$out")"
BIN=build/bin
SECS=${BENCH_SECONDS:-10}
SIZE=${BENCH_WINDOW:-400x300}
run=$(mktemp -d /tmp/gfx-bench-comp.XXXXXX)
export XDG_RUNTIME_DIR=$run
unset WAYLAND_DISPLAY DISPLAY
pids=()
trap 'for p in "${pids[@]}"; do kill $p 2>/dev/null; done; wait 2>/dev/null; rm -rf "$run"' EXIT

ticks() {	# utime + stime of the given pids, in clock ticks
	local t=0 p
	for p in "$@"; do
		t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)))
	done
	echo $t
}
HZ=$(getconf CLK_TCK)

# run_clients N TAG: start N clients, wait for them; leaves stats in $run/TAG-*.txt
run_clients() {
	local n=$1 tag=$2 i cp=()
	for i in $(seq "$n"); do
		"$BIN/gfx-demo-client" --size "$SIZE" --seconds "$SECS" --stats --hue $((i * 37)) \
			>"$run/$tag-$i.txt" 2>>"$run/clients.log" &
		cp+=($!)
	done
	for i in "${cp[@]}"; do wait "$i"; done
}

# measure NAME N PIDS...: runs clients, prints "cpu_comp_ms cpu_total_ms frames p50 p99 missed"
measure() {
	local tag=$1 n=$2; shift 2
	local comp=$1 t0c t0 t1c t1
	sleep 0.5
	t0c=$(ticks "$comp"); t0=$(ticks "$@")
	run_clients "$n" "$tag"
	t1c=$(ticks "$comp"); t1=$(ticks "$@")
	python3 - "$run" "$tag" "$n" $(( (t1c - t0c) * 1000 / HZ )) $(( (t1 - t0) * 1000 / HZ )) <<'PY'
import sys, glob
run, tag, n, cpu_c, cpu_t = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
st = []
for i in range(1, n + 1):
    try:
        kv = dict(x.split('=') for x in open('%s/%s-%d.txt' % (run, tag, i)).read().split())
        st.append({k: int(v) for k, v in kv.items()})
    except Exception:
        pass
if not st:
    print('0 0 0 0 0 0'); sys.exit()
frames = st[0]['presented']
p50 = sorted(s['p50_us'] for s in st)[len(st) // 2]
p99 = max(s['p99_us'] for s in st)
missed = max(s['missed'] for s in st)
print(cpu_c, cpu_t, frames, p50, p99, missed)
PY
}

declare -A R
for n in 1 4 16; do
	# ours
	rm -f "$run/gpu.sock"
	"$BIN/gfx-device" --socket "$run/gpu.sock" --display none --mode 1920x1080@60 >"$run/device.log" 2>&1 &
	dev=$!; pids+=($dev)
	for _ in $(seq 100); do [ -S "$run/gpu.sock" ] && break; sleep 0.05; done
	"$BIN/gfx-compositor" --device "direct:$run/gpu.sock" --socket wl-ours >"$run/ours.log" 2>&1 &
	comp=$!; pids+=($comp)
	for _ in $(seq 100); do [ -S "$run/wl-ours" ] && break; sleep 0.05; done
	dm0=$("$BIN/gfx-ctl" --socket "$run/gpu.sock" stats | awk '$1 == "missed_vblanks" {print $2}')
	R[ours$n]=$(WAYLAND_DISPLAY=wl-ours measure ours$n "$n" $comp $dev)
	dm1=$("$BIN/gfx-ctl" --socket "$run/gpu.sock" stats | awk '$1 == "missed_vblanks" {print $2}')
	kill $comp; wait $comp 2>/dev/null; kill $dev; wait $dev 2>/dev/null
	late=$(sed -nE 's/.* ([0-9]+) latched later than aimed.*/\1/p' "$run/ours.log")
	R[ours$n]="${R[ours$n]} ${late:-0} $((${dm1:-0} - ${dm0:-0}))"

	# Weston 10, headless, pixman
	weston --backend=headless-backend.so --use-pixman --width=1920 --height=1080 \
		--socket=wl-weston --idle-time=0 --no-config >"$run/weston.log" 2>&1 &
	w=$!; pids+=($w)
	for _ in $(seq 100); do [ -S "$run/wl-weston" ] && break; sleep 0.05; done
	sleep 0.5	# let its shell start
	R[weston$n]="$(WAYLAND_DISPLAY=wl-weston measure weston$n "$n" $w $w) 0 0"
	kill $w; wait $w 2>/dev/null
	echo "N=$n ours(cpu_comp_ms cpu_total_ms frames p50_us p99_us missed late device_missed): ${R[ours$n]}  weston: ${R[weston$n]}"
done

python3 - "$out" "${R[ours1]}" "${R[weston1]}" "${R[ours4]}" "${R[weston4]}" "${R[ours16]}" "${R[weston16]}" <<'PY'
import json, sys
out = sys.argv[1]
vals = [list(map(int, a.split())) for a in sys.argv[2:]]
runs = {1: (vals[0], vals[1]), 4: (vals[2], vals[3]), 16: (vals[4], vals[5])}
lines = []
def emit(name, value, unit, ref):
    ratio = (value / ref) if ref not in (None, 0) else None
    lines.append({'name': name, 'value': round(value, 4), 'unit': unit,
                  'reference': None if ref is None else round(ref, 4),
                  'ratio': None if ratio is None else round(ratio, 4)})
def per_frame(v, i):
    return v[i] / v[2] if v[2] else float('nan')
for n, (o, w) in runs.items():
    sfx = '' if n == 16 else '_%d_windows' % n
    # value: ours, ms of CPU per presented frame; reference: Weston's
    emit('compositor_cpu_per_frame_vs_weston' + sfx, per_frame(o, 1), 'ms/frame', per_frame(w, 0))
    emit('compositor_only_cpu_per_frame_vs_weston' + sfx, per_frame(o, 0), 'ms/frame', per_frame(w, 0))
o, w = runs[16]
emit('compositor_missed_frames_16_windows', o[5], 'frames', None)
emit('frame_latency_p50', o[3] / 1000, 'ms', w[3] / 1000 if w[3] else None)
emit('frame_latency_p99', o[4] / 1000, 'ms', w[4] / 1000 if w[4] else None)
emit('compositor_frames_16_windows', o[2], 'frames', w[2])
emit('compositor_late_flips_16_windows', o[6], 'frames', None)
emit('device_missed_vblanks_16_windows', o[7], 'vblanks', None)
with open(out, 'a') as f:
    for l in lines:
        f.write(json.dumps(l) + '\n')
print('%-46s %10s %10s %10s %8s' % ('name', 'value', 'unit', 'reference', 'ratio'))
for l in lines:
    print('%-46s %10s %10s %10s %8s' % (l['name'], l['value'], l['unit'], l['reference'], l['ratio']))
PY
