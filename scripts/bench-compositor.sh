#!/bin/bash
# bench-compositor.sh - gfx-compositor against two peers in the same run,
# Weston 10 (headless backend, pixman renderer) and sway 1.7 (wlroots 0.15,
# headless backend, pixman renderer): N = 1, 4, 16 windows of gfx-demo-client
# (400x300, every frame redrawn and fully damaged, one commit per frame
# callback) at 1920x1080@60 for BENCH_SECONDS (10) seconds.
#
# CPU is utime+stime from /proc/PID/stat over the clients' lifetime; "per
# frame" divides by the frames the first client saw presented, so a
# compositor running slower is not flattered. wlroots' headless backend sends
# no presentation feedback, so sway's frames are the first client's frame
# callbacks (its commits). Ours counts gfx-compositor plus gfx-device (the
# GPU's work); each peer counts its own process. The best peer at each N is
# the one with less CPU per frame; the goals (issue 10) are ours <= 0.7x it,
# and the compositor alone <= 0.3x.
# Latency is commit -> presented from wp_presentation feedback; missed
# frames are vblank sequence gaps seen by the clients (the worst client);
# on a loaded machine a late client or a late vblank timer in gfx-device also
# makes a gap, so the compositor's own count of flips latched after the
# vblank they aimed at, and the device's missed vblanks, are reported too.
#
# sway refuses to run as root: as root it runs as BENCH_SWAY_USER (nobody)
# with a runtime directory of its own; the clients stay ours and reach its
# socket by path. When sway cannot run, a SKIP line says why and Weston is
# still reported.
#
# Usage: scripts/bench-compositor.sh [RESULTS.jsonl]   (appends JSON lines)
set -u
cd "$(dirname "$0")/.."
out=${1:-build/bench/results.jsonl}
mkdir -p "$(dirname "$out")"
BIN=build/bin
SECS=${BENCH_SECONDS:-10}
SIZE=${BENCH_WINDOW:-400x300}
SWAY_USER=${BENCH_SWAY_USER:-nobody}
run=$(mktemp -d /tmp/gfx-bench-comp.XXXXXX)
swayrun=$(mktemp -d /tmp/gfx-bench-sway.XXXXXX)	# not under $run: sway's user cannot enter it
export XDG_RUNTIME_DIR=$run
unset WAYLAND_DISPLAY DISPLAY
pids=()
trap 'for p in "${pids[@]}"; do kill $p 2>/dev/null; done; wait 2>/dev/null; rm -rf "$run" "$swayrun"' EXIT

. scripts/proc_ticks.sh
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

# measure NAME N KEY PIDS...: runs clients, prints "cpu_comp_ms cpu_total_ms frames p50 p99
# missed"; frames is the first client's KEY: presented, or frames (its frame callbacks) for a
# compositor that sends no presentation feedback
measure() {
	local tag=$1 n=$2 key=$3; shift 3
	local comp=$1 t0c t0 t1c t1
	sleep 0.5
	t0c=$(ticks "$comp"); t0=$(ticks "$@")
	run_clients "$n" "$tag"
	t1c=$(ticks "$comp"); t1=$(ticks "$@")
	python3 - "$run" "$tag" "$n" $(( (t1c - t0c) * 1000 / HZ )) $(( (t1 - t0) * 1000 / HZ )) "$key" <<'PY'
import sys, glob
run, tag, n, cpu_c, cpu_t = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
key = sys.argv[6]
st = []
for i in range(1, n + 1):
    try:
        kv = dict(x.split('=') for x in open('%s/%s-%d.txt' % (run, tag, i)).read().split())
        st.append({k: int(v) for k, v in kv.items()})
    except Exception:
        pass
if not st:
    print('0 0 0 0 0 0'); sys.exit()
frames = st[0][key]
p50 = sorted(s['p50_us'] for s in st)[len(st) // 2]
p99 = max(s['p99_us'] for s in st)
missed = max(s['missed'] for s in st)
print(cpu_c, cpu_t, frames, p50, p99, missed)
PY
}

# The sway config: the output's mode, and the clients floating at their own size as on the
# other compositors (tiled, sway would give 16 windows 120-pixel columns). With -c no default
# config is read, so there is no bar and no wallpaper; no Xwayland either.
SWAY_CONFIG='output HEADLESS-1 resolution 1920x1080@60Hz
xwayland disable
for_window [app_id="gfx-demo-client"] floating enable'

# sway_unavailable: prints why sway cannot run here, nothing if it can
sway_unavailable() {
	command -v sway >/dev/null || { echo "sway is not installed"; return; }
	[ "$(id -u)" = 0 ] || return 0
	id -u "$SWAY_USER" >/dev/null 2>&1 || { echo "no user $SWAY_USER to run it as (it refuses root)"; return; }
	command -v setpriv >/dev/null || echo "setpriv (util-linux) is missing, needed to drop root"
}

# as_sway_user: the command prefix that runs a program as the user sway runs as. setpriv execs
# (runuser forks and stays), so $! is sway itself, whose CPU time is what we read.
as_sway_user=()
[ "$(id -u)" = 0 ] && as_sway_user=(setpriv --reuid="$SWAY_USER" --regid="$(id -g "$SWAY_USER" 2>/dev/null)" --clear-groups)

# start_sway: starts sway in $swayrun; sets sway and sway_sock, or fails saying why
start_sway() {
	local _
	rm -f "$swayrun"/wayland-* "$swayrun"/sway-ipc.*
	printf '%s\n' "$SWAY_CONFIG" >"$swayrun/config"
	[ "$(id -u)" = 0 ] && chown "$SWAY_USER" "$swayrun" "$swayrun/config"
	"${as_sway_user[@]}" env -i PATH="$PATH" HOME="$swayrun" XDG_RUNTIME_DIR="$swayrun" \
		WLR_BACKENDS=headless WLR_RENDERER=pixman WLR_LIBINPUT_NO_DEVICES=1 \
		sway -c "$swayrun/config" >"$run/sway.log" 2>&1 &
	sway=$!; pids+=($sway)
	for _ in $(seq 100); do
		sway_sock=$(ls "$swayrun"/wayland-[0-9] 2>/dev/null | head -1)
		[ -n "$sway_sock" ] && break
		kill -0 $sway 2>/dev/null || break
		sleep 0.05
	done
	[ -n "$sway_sock" ] && return
	echo "sway did not start: $(grep -v '^ *$' "$run/sway.log" | tail -1)"
	kill $sway 2>/dev/null; wait $sway 2>/dev/null
	return 1
}

sway_skip=$(sway_unavailable)
[ -n "$sway_skip" ] && echo "SKIP sway: $sway_skip (Weston is still measured)"
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
	R[ours$n]=$(WAYLAND_DISPLAY=wl-ours measure ours$n "$n" presented $comp $dev)
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
	R[weston$n]="$(WAYLAND_DISPLAY=wl-weston measure weston$n "$n" presented $w) 0 0"
	kill $w; wait $w 2>/dev/null

	# sway 1.7, headless, pixman; frames from the clients' frame callbacks
	R[sway$n]=-
	if [ -z "$sway_skip" ]; then
		if start_sway >"$run/sway-why"; then
			sleep 0.5	# let it configure the output
			R[sway$n]="$(WAYLAND_DISPLAY=$sway_sock measure sway$n "$n" frames $sway) 0 0"
			kill $sway; wait $sway 2>/dev/null
		else
			sway_skip=$(cat "$run/sway-why")
			echo "SKIP sway: $sway_skip (Weston is still measured)"
		fi
	fi
	echo "N=$n ours(cpu_comp_ms cpu_total_ms frames p50_us p99_us missed late device_missed): ${R[ours$n]}  weston: ${R[weston$n]}  sway: ${R[sway$n]}"
done

python3 - "$out" "$sway_skip" "${R[ours1]}" "${R[weston1]}" "${R[sway1]}" \
	"${R[ours4]}" "${R[weston4]}" "${R[sway4]}" "${R[ours16]}" "${R[weston16]}" "${R[sway16]}" <<'PY'
import json, sys
out, sway_skip = sys.argv[1], sys.argv[2]
vals = [None if a == '-' else list(map(int, a.split())) for a in sys.argv[3:]]
runs = {n: vals[3 * k:3 * k + 3] for k, n in enumerate((1, 4, 16))}
GOAL_TOTAL, GOAL_ONLY = 0.7, 0.3	# issue 10: ours against the best peer
lines = []
def emit(name, value, unit, ref=None, ref_value=None, goal=None, skip=None):
    """One results.jsonl line; reference names the peer, reference_value is its number."""
    ratio = value / ref_value if value is not None and ref_value else None
    r = {'name': name, 'value': None if value is None else round(value, 4), 'unit': unit,
         'reference': ref if ref_value is not None else None,
         'reference_value': None if ref_value is None else round(ref_value, 4),
         'ratio': None if ratio is None else round(ratio, 4)}
    if goal is not None:
        r['goal'] = goal
    if skip:
        r['skipped'] = skip
    lines.append(r)
def per_frame(v, i):
    """ms of CPU per frame: column i (0 compositor, 1 with the device) over the frames."""
    return v[i] / v[2] if v and v[2] else None
for n, (o, w, s) in runs.items():
    sfx = '' if n == 16 else '_%d_windows' % n
    total, only = per_frame(o, 1), per_frame(o, 0)
    peers = {'weston': per_frame(w, 0), 'sway': per_frame(s, 0)}
    why = None if peers['sway'] is not None else (sway_skip or 'sway saw no frames')
    # value: ours, ms of CPU per frame; reference: the peer's (its whole process)
    emit('compositor_cpu_per_frame_vs_weston' + sfx, total, 'ms/frame', 'weston', peers['weston'])
    emit('compositor_only_cpu_per_frame_vs_weston' + sfx, only, 'ms/frame', 'weston', peers['weston'])
    emit('compositor_cpu_per_frame_vs_sway_%d_windows' % n, total, 'ms/frame', 'sway',
         peers['sway'], skip=why)
    emit('compositor_only_cpu_per_frame_vs_sway_%d_windows' % n, only, 'ms/frame', 'sway',
         peers['sway'], skip=why)
    measured = [(v, p) for p, v in peers.items() if v is not None]
    best = min(measured) if measured else (None, None)
    emit('compositor_cpu_per_frame_vs_best_peer_%d_windows' % n, total, 'ms/frame', best[1],
         best[0], GOAL_TOTAL, why and 'sway missing, Weston alone: ' + why)
    emit('compositor_only_cpu_per_frame_vs_best_peer_%d_windows' % n, only, 'ms/frame', best[1],
         best[0], GOAL_ONLY, why and 'sway missing, Weston alone: ' + why)
o, w, s = runs[16]
emit('compositor_missed_frames_16_windows', o[5], 'frames')
emit('frame_latency_p50', o[3] / 1000, 'ms', 'weston', w[3] / 1000 if w[3] else None)
emit('frame_latency_p99', o[4] / 1000, 'ms', 'weston', w[4] / 1000 if w[4] else None)
emit('compositor_frames_16_windows', o[2], 'frames', 'weston', w[2])
emit('compositor_frames_vs_sway_16_windows', o[2], 'frames', 'sway', s[2] if s else None,
     skip=None if s else sway_skip)
emit('compositor_late_flips_16_windows', o[6], 'frames')
emit('device_missed_vblanks_16_windows', o[7], 'vblanks')
with open(out, 'a') as f:
    for l in lines:
        f.write(json.dumps(l) + '\n')
fmt = '%-54s %9s %-8s %-7s %9s %7s %-6s %s'
print(fmt % ('name', 'value', 'unit', 'ref', 'ref value', 'ratio', 'goal', ''))
for l in lines:
    goal = ''
    if 'goal' in l:
        goal = '<= %s' % l['goal']
        met = l['ratio'] is not None and l['ratio'] <= l['goal']
    print(fmt % (l['name'], l['value'], l['unit'], l['reference'] or '-',
                 '-' if l['reference_value'] is None else l['reference_value'],
                 '-' if l['ratio'] is None else l['ratio'], goal,
                 ('met' if met else 'NOT met') if goal and l['ratio'] is not None else '')
          + ('  SKIP: ' + l['skipped'] if 'skipped' in l else ''))
PY
